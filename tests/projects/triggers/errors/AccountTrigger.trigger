// Writes to its records after the save, which the platform refuses, and
// to Trigger.old, which is never writable.
trigger AccountTrigger on Account (after insert, before update) {
    if (Trigger.isInsert) {
        for (Account a : Trigger.new) {
            if (a.Name != 'Quiet') {
                a.Name = 'changed';
            }
        }
    } else {
        Trigger.old[0].Name = 'changed';
    }
}
