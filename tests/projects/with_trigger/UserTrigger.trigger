trigger UserTrigger on User (before insert) {
    for (User u : Trigger.new) {
        u.Alias = u.LastName.left(8);
    }
}
