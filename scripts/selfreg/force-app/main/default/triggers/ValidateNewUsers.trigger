/**
 * Checks new users before they are saved: registrations from closed domains
 * are refused on the row, and first names are trimmed.
 */
trigger ValidateNewUsers on User (before insert) {
    Set<String> closedDomains = new Set<String>{'blocked.example', 'spam.example'};
    for (User u : Trigger.new) {
        String domain = u.Email == null ? '' : u.Email.substringAfter('@').toLowerCase();
        if (closedDomains.contains(domain)) {
            u.Email.addError('Registrations from ' + domain + ' are closed');
        }
        if (u.FirstName != null) {
            u.FirstName = u.FirstName.trim();
        }
    }
}
