// Compile errors in a trigger are reported like those of a class.
trigger BadTrigger on Account (before insert) {
    Integer n = Trigger.new[0].Name;
    update Trigger.new;
    Trigger.nope = null;
}
