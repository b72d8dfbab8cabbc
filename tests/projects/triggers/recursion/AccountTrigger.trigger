// Each account named 'Chain' inserts another one, recursing until the
// platform's depth limit stops it; 'Once' inserts a contact whose own
// trigger queries and inserts an account.
trigger AccountTrigger on Account (before insert, after insert) {
    if (Trigger.isBefore) {
        System.debug('chunk of ' + Trigger.size);
        return;
    }
    Depth.level++;
    if (Depth.level > Depth.deepest) {
        Depth.deepest = Depth.level;
    }
    for (Account a : Trigger.new) {
        if (a.Name == 'Chain') {
            insert new Account(Name = 'Chain');
        } else if (a.Name == 'Once') {
            insert new Contact(LastName = 'From trigger', AccountId = a.Id);
        }
    }
    Depth.level--;
}
