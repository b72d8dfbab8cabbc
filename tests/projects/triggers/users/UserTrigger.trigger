// Validates new users: fills a missing Alias (required fields are checked
// after before triggers) and refuses addresses of a blocked domain.
trigger UserTrigger on User (before insert, after insert) {
    switch on Trigger.operationType {
        when BEFORE_INSERT {
            for (User u : Trigger.new) {
                if (String.isBlank(u.Alias)) {
                    u.Alias = u.LastName.left(8);
                }
                if (u.Email != null && u.Email.endsWith('@blocked.example')) {
                    u.Email.addError('This e-mail domain is not accepted');
                }
            }
        }
        when AFTER_INSERT {
            for (User u : Trigger.new) {
                System.debug('created ' + u.Username + ' ' + (Trigger.newMap.get(u.Id) === u));
            }
        }
    }
}
