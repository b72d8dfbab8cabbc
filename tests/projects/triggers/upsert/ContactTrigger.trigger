// Shows which event each upserted contact goes through.
trigger ContactTrigger on Contact (before insert, before update, after insert, after update) {
    for (Contact c : Trigger.new) {
        System.debug(Trigger.operationType + ' ' + c.LastName);
        if (Trigger.isBefore) {
            c.Title = 'Saved by ' + (Trigger.isInsert ? 'insert' : 'update');
        }
    }
}
