// Logs every context variable, fills a field before the write and
// refuses accounts named 'Bad'.
trigger AccountTrigger on Account (before insert, after insert, before update, after update,
        before delete, after delete, after undelete) {
    System.debug(Trigger.operationType + ' size=' + Trigger.size
        + ' before=' + Trigger.isBefore + ' after=' + Trigger.isAfter
        + ' insert=' + Trigger.isInsert + ' update=' + Trigger.isUpdate
        + ' delete=' + Trigger.isDelete + ' undelete=' + Trigger.isUndelete
        + ' executing=' + Trigger.isExecuting);
    System.debug('  new=' + (Trigger.new == null ? 'null' : String.valueOf(Trigger.new.size()))
        + ' old=' + (Trigger.old == null ? 'null' : String.valueOf(Trigger.old.size()))
        + ' newMap=' + (Trigger.newMap == null ? 'null' : String.valueOf(Trigger.newMap.size()))
        + ' oldMap=' + (Trigger.oldMap == null ? 'null' : String.valueOf(Trigger.oldMap.size())));
    if (Trigger.isBefore && (Trigger.isInsert || Trigger.isUpdate)) {
        for (Account a : Trigger.new) {
            a.Description = 'seen by trigger';
            if (a.Name == 'Bad') {
                a.addError('Bad accounts are not allowed');
            }
        }
    }
    if (Trigger.isUpdate) {
        for (Account a : Trigger.new) {
            System.debug('  ' + Trigger.oldMap.get(a.Id).Name + ' -> ' + a.Name);
        }
    }
}
