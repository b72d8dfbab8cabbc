// Refuses contacts in several ways, so each form of addError is seen.
trigger ContactTrigger on Contact (before insert, before update) {
    for (Contact c : Trigger.new) {
        if (c.LastName == 'NoEmail' && c.Email == null) {
            c.Email.addError('Email is required here');
        } else if (c.LastName == 'Refused') {
            c.addError('This contact is refused');
        } else if (c.LastName == 'ByName') {
            c.addError('Title', 'Title is wrong');
        } else if (c.LastName == 'Boom') {
            Contact missing = null;
            missing.LastName = 'x';
        }
    }
}
