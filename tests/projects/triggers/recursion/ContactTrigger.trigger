// Runs a query and DML of its own from inside the account trigger's DML.
trigger ContactTrigger on Contact (after insert) {
    Integer accounts = [SELECT COUNT() FROM Account];
    System.debug('contact trigger sees ' + accounts + ' account(s)');
    insert new Account(Name = 'Made by contact trigger');
}
