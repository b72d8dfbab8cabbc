//! The User rules: contactless users, contacts, uniqueness, seats, access.

use crate::data::record::FieldValue;
use crate::org::StatusCode;
use crate::org::testkit::*;
use crate::syntax::ast::DmlOp;

const EI: &str = "External Identity User";

#[test]
fn seed_has_licenses_profiles_role_and_admin() {
    let org = org();
    let count = |table: &str| -> i64 {
        let sql = format!("SELECT COUNT(*) FROM \"{table}\"");
        org.store()
            .conn()
            .query_row(&sql, [], |r| r.get(0))
            .expect("count")
    };
    assert_eq!(count("UserLicense"), 6);
    assert_eq!(count("Profile"), 8);
    assert_eq!(count("UserRole"), 1);
    assert_eq!(count("User"), 1);
    assert_eq!(count("Organization"), 1);
    assert_eq!(used(&org, "Salesforce"), 1);
    assert_eq!(used(&org, "External Identity"), 0);
    let total = |name| int_where(&org, "UserLicense", "TotalLicenses", "Name", name);
    assert_eq!((total("Salesforce"), total("External Identity")), (10, 5));
    assert_eq!(org.running_user().username, "admin@apexlite.local");
    assert_eq!(
        org.running_user().profile_id,
        profile(&org, "System Administrator")
    );
}

#[test]
fn contactless_external_identity_user_is_created() {
    let mut org = org();
    let mut u = user(&org, EI, "jane");
    let result = insert_one(&mut org, &mut u);
    assert!(result.is_success(), "{}", first_error(&result));
    let id = *u.id().expect("Id written back");
    assert_eq!(result.id, Some(id));
    assert_eq!(id.prefix(), "005");
    let stored = org.fetch(&id).expect("fetch").expect("stored");
    assert_eq!(
        stored.get_by_name("UserType"),
        Some(&FieldValue::Text("CspLitePortal".into()))
    );
    assert_eq!(stored.get_by_name("ContactId"), Some(&FieldValue::Null));
    assert_eq!(stored.get_by_name("AccountId"), Some(&FieldValue::Null));
    assert_eq!(
        stored.get_by_name("IsActive"),
        Some(&FieldValue::Bool(true))
    );
    assert_eq!(
        stored.get_by_name("Name"),
        Some(&FieldValue::Text("Doe".into()))
    );
    assert_eq!(used(&org, "External Identity"), 1);
}

#[test]
fn other_external_licenses_need_a_contact() {
    let mut org = org();
    for profile in ["Customer Community User", "Customer Community Plus User"] {
        let mut u = user(&org, profile, "cc");
        let result = insert_one(&mut org, &mut u);
        assert_eq!(
            first_error(&result),
            "INVALID_CROSS_REFERENCE_KEY, Cannot create a portal user without contact.: []"
        );
        assert!(u.id().is_none());
    }
}

#[test]
fn blank_user_lists_required_fields_in_platform_order() {
    let mut org = org();
    let mut u = record("User", &[]);
    let result = insert_one(&mut org, &mut u);
    let fields = "Username, LastName, Email, Alias, TimeZoneSidKey, LocaleSidKey, \
                  EmailEncodingKey, ProfileId, LanguageLocaleKey";
    assert_eq!(
        first_error(&result),
        format!("REQUIRED_FIELD_MISSING, Required fields are missing: [{fields}]: [{fields}]")
    );
    assert_eq!(result.errors[0].fields.len(), 9);
}

#[test]
fn field_validation_messages_are_exact() {
    let mut org = org();
    let cases: &[(&str, &str, &str)] = &[
        (
            "Alias",
            "abcdefghij",
            "STRING_TOO_LONG, Alias: data value too large: abcdefghij (max length=8): [Alias]",
        ),
        (
            "TimeZoneSidKey",
            "Mars/Olympus",
            "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST, Time Zone: bad value for restricted \
             picklist field: Mars/Olympus: [TimeZoneSidKey]",
        ),
        (
            "TimeZoneSidKey",
            "UTC",
            "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST, Time Zone: bad value for restricted \
             picklist field: UTC: [TimeZoneSidKey]",
        ),
        (
            "LocaleSidKey",
            "xx_YY",
            "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST, Locale: bad value for restricted \
             picklist field: xx_YY: [LocaleSidKey]",
        ),
        (
            "Email",
            "not-an-email",
            "INVALID_EMAIL_ADDRESS, Email: invalid email address: not-an-email: [Email]",
        ),
        (
            "Username",
            "jane",
            "FIELD_INTEGRITY_EXCEPTION, Username must be in the form of an email address \
             (for example, john@acme.com): Username: [Username]",
        ),
    ];
    for (field, value, expected) in cases {
        let mut u = user(&org, EI, "v");
        u.set_by_name(field, FieldValue::Text((*value).into()));
        assert_eq!(first_error(&insert_one(&mut org, &mut u)), *expected);
    }
    for zone in [
        "America/Los_Angeles",
        "Asia/Kolkata",
        "Asia/Calcutta",
        "Europe/Kyiv",
    ] {
        let mut u = user(&org, EI, &format!("z{}", zone.len()));
        u.set_by_name("TimeZoneSidKey", FieldValue::Text(zone.into()));
        let result = insert_one(&mut org, &mut u);
        assert!(result.is_success(), "{zone}: {}", first_error(&result));
    }
}

#[test]
fn lookups_must_name_an_existing_record_of_the_right_type() {
    let mut org = org();
    let role = id_where(&org, "UserRole", "Name", "CEO");
    let mut u = user(&org, EI, "r");
    u.set_by_name("ProfileId", FieldValue::Id(role));
    assert_eq!(
        first_error(&insert_one(&mut org, &mut u)),
        format!(
            "FIELD_INTEGRITY_EXCEPTION, Profile ID: id value of incorrect type: {role}: [ProfileId]"
        )
    );
    let mut u = user(&org, EI, "r");
    u.set_by_name("ProfileId", FieldValue::Text("00e000000000001".into()));
    assert_eq!(
        first_error(&insert_one(&mut org, &mut u)),
        "INVALID_CROSS_REFERENCE_KEY, invalid cross reference id: []"
    );
}

#[test]
fn usernames_are_unique_ignoring_case_within_a_call_and_against_stored_users() {
    let mut org = org();
    let mut first = user(&org, EI, "dup");
    assert!(insert_one(&mut org, &mut first).is_success());

    let mut again = user(&org, EI, "other");
    again.set_by_name("Username", FieldValue::Text("DUP@Example.com.T".into()));
    let result = insert_one(&mut org, &mut again);
    assert_eq!(result.errors[0].code, StatusCode::DuplicateUsername);
    assert_eq!(result.errors[0].fields, ["Username"]);
    assert_eq!(
        result.errors[0].message,
        "Duplicate Username.<br>The username already exists in this or another Salesforce \
         organization. Usernames must be unique across all Salesforce organizations. To \
         resolve, use a different username (it doesn't need to match the user's email \
         address). "
    );

    let mut pair = vec![user(&org, EI, "twin"), user(&org, EI, "twin2")];
    pair[1].set_by_name("Username", FieldValue::Text("Twin@example.com.t".into()));
    let results = run(&mut org, DmlOp::Insert, &mut pair, false);
    assert!(results[0].is_success());
    assert_eq!(results[1].errors[0].code, StatusCode::DuplicateUsername);
}

#[test]
fn nicknames_are_unique_and_filled_when_blank() {
    let mut org = org();
    let mut a = user(&org, EI, "nick");
    assert!(insert_one(&mut org, &mut a).is_success());
    let mut b = user(&org, EI, "nick2");
    b.set_by_name("CommunityNickname", FieldValue::Text("NICK".into()));
    let result = insert_one(&mut org, &mut b);
    assert_eq!(result.errors[0].code, StatusCode::DuplicateCommNickname);
    assert_eq!(result.errors[0].fields, ["CommunityNickname"]);

    let mut c = user(&org, EI, "nick3");
    c.unset(c.object.field_index("CommunityNickname").expect("field"));
    assert!(insert_one(&mut org, &mut c).is_success());
    let stored = org.fetch(c.id().expect("Id")).expect("fetch").expect("row");
    let nickname = stored
        .get_by_name("CommunityNickname")
        .and_then(FieldValue::as_text);
    assert!(
        nickname.is_some_and(|n| n.starts_with("User") && n.len() == 23),
        "{nickname:?}"
    );
}

#[test]
fn the_sixth_external_identity_user_exceeds_the_license() {
    let mut org = org();
    let mut users: Vec<_> = (0..6).map(|i| user(&org, EI, &format!("ei{i}"))).collect();
    let results = run(&mut org, DmlOp::Insert, &mut users, false);
    assert!(results[..5].iter().all(|r| r.is_success()));
    assert_eq!(
        first_error(&results[5]),
        "LICENSE_LIMIT_EXCEEDED, License Limit Exceeded - External Identity: []"
    );
    assert_eq!(used(&org, "External Identity"), 5);

    // Deactivating one frees its seat; the next insert takes it.
    let mut off = users[0].clone();
    off.set_by_name("IsActive", FieldValue::Bool(false));
    assert!(run(&mut org, DmlOp::Update, &mut [off.clone()], true)[0].is_success());
    assert_eq!(used(&org, "External Identity"), 4);
    let mut sixth = user(&org, EI, "ei6");
    assert!(insert_one(&mut org, &mut sixth).is_success());
    // Reactivating needs a seat again.
    off.set_by_name("IsActive", FieldValue::Bool(true));
    let result = run(&mut org, DmlOp::Update, &mut [off], true).remove(0);
    assert_eq!(result.errors[0].code, StatusCode::LicenseLimitExceeded);
}

#[test]
fn all_or_none_writes_nothing_when_a_row_fails() {
    let mut org = org();
    let mut rows = vec![user(&org, EI, "good"), record("User", &[])];
    let results = run(&mut org, DmlOp::Insert, &mut rows, true);
    assert!(results[0].is_success() && results[0].id.is_none());
    assert_eq!(results[1].errors[0].code, StatusCode::RequiredFieldMissing);
    assert!(rows[0].id().is_none());
    assert_eq!(used(&org, "External Identity"), 0);

    let results = run(&mut org, DmlOp::Insert, &mut rows, false);
    assert!(results[0].is_success() && rows[0].id().is_some());
    assert_eq!(used(&org, "External Identity"), 1);
}

/// An account owned by `owner` and a contact on it; returns the contact's Id.
fn contact_for(org: &mut crate::org::Org, owner: &str) -> crate::data::id::Id {
    let mut account = record("Account", &[("Name", "Acme"), ("OwnerId", owner)]);
    assert!(insert_one(org, &mut account).is_success());
    let account_id = account.id().expect("account Id").to_string();
    let mut contact = record(
        "Contact",
        &[("LastName", "Doe"), ("AccountId", &account_id)],
    );
    assert!(insert_one(org, &mut contact).is_success());
    *contact.id().expect("contact Id")
}

#[test]
fn a_contact_can_be_added_to_a_contactless_user_later() {
    let mut org = org();
    let admin = org.running_user().id.to_string();
    let contact = contact_for(&mut org, &admin);
    let mut u = user(&org, EI, "later");
    assert!(insert_one(&mut org, &mut u).is_success());

    let mut change = record("User", &[("Id", u.id().expect("Id").as_str())]);
    change.set_by_name("ContactId", FieldValue::Id(contact));
    let result = run(&mut org, DmlOp::Update, &mut [change], true).remove(0);
    assert!(result.is_success(), "{}", first_error(&result));
    let stored = org.fetch(u.id().expect("Id")).expect("fetch").expect("row");
    let account = org.fetch(&contact).expect("fetch").expect("contact");
    assert_eq!(
        stored.get_by_name("AccountId"),
        account.get_by_name("AccountId")
    );
    assert_eq!(
        stored.get_by_name("UserType"),
        Some(&FieldValue::Text("CspLitePortal".into()))
    );

    // The contact must keep its account while a portal user points at it.
    let mut detach = record("Contact", &[("Id", contact.as_str())]);
    detach.set_by_name("AccountId", FieldValue::Null);
    let result = run(&mut org, DmlOp::Update, &mut [detach], true).remove(0);
    assert_eq!(
        first_error(&result),
        "FIELD_INTEGRITY_EXCEPTION, A portal user's contact record must include an account. \
         Furthermore, the owner of the account must be associated with a role.: [AccountId]"
    );

    // One user per contact.
    let mut second = user(&org, "Customer Community User", "second");
    second.set_by_name("ContactId", FieldValue::Id(contact));
    assert_eq!(
        first_error(&insert_one(&mut org, &mut second)),
        "PORTAL_USER_ALREADY_EXISTS_FOR_CONTACT, portal user already exists for contact: []"
    );
}

#[test]
fn the_portal_account_owner_must_have_a_role() {
    let mut org = org();
    let mut owner = user(&org, "Standard User", "norole");
    assert!(insert_one(&mut org, &mut owner).is_success());
    let owner = owner.id().expect("Id").to_string();
    let contact = contact_for(&mut org, &owner);
    let mut u = user(&org, "Customer Community User", "cc");
    u.set_by_name("ContactId", FieldValue::Id(contact));
    assert_eq!(
        first_error(&insert_one(&mut org, &mut u)),
        "UNKNOWN_EXCEPTION, portal account owner must have a role: []"
    );
}

#[test]
fn internal_users_cannot_have_a_contact() {
    let mut org = org();
    let admin = org.running_user().id.to_string();
    let contact = contact_for(&mut org, &admin);
    let mut u = user(&org, "Standard User", "internal");
    u.set_by_name("ContactId", FieldValue::Id(contact));
    let result = insert_one(&mut org, &mut u);
    assert_eq!(result.errors[0].code, StatusCode::FieldIntegrityException);
    assert_eq!(result.errors[0].fields, ["ContactId"]);
}

#[test]
fn managing_users_needs_the_permissions() {
    let mut org = org();
    let mut standard = user(&org, "Standard User", "std");
    assert!(insert_one(&mut org, &mut standard).is_success());
    let previous = org.run_as(standard.id().expect("Id")).expect("runAs");
    let mut u = user(&org, EI, "denied");
    assert_eq!(
        first_error(&insert_one(&mut org, &mut u)),
        "INSUFFICIENT_ACCESS_OR_READONLY, insufficient access rights on object id: []"
    );
    org.end_run_as(previous);
    assert!(insert_one(&mut org, &mut u).is_success());
}

#[test]
fn profile_changes_stay_on_the_license() {
    let mut org = org();
    let mut u = user(&org, "Standard User", "mover");
    assert!(insert_one(&mut org, &mut u).is_success());
    let mut change = record("User", &[("Id", u.id().expect("Id").as_str())]);
    change.set_by_name("ProfileId", FieldValue::Id(profile(&org, EI)));
    let result = run(&mut org, DmlOp::Update, &mut [change], true).remove(0);
    assert_eq!(result.errors[0].code, StatusCode::FieldIntegrityException);
    assert_eq!(result.errors[0].fields, ["ProfileId"]);
    assert_eq!(result.id, u.id().copied());
}

/// DOMAIN §1.1 #4, §2.4: Manage Internal Users alone manages internal
/// users; external ones also need Manage Customer Users or Manage External
/// Users (contactless users either, customer or partner users their own);
/// Manage Users covers everything, and nothing without Manage Internal Users.
#[test]
fn partial_user_permissions_follow_the_license() {
    use crate::org::users::{LicenseKind as K, Perms};
    let internal = Perms {
        manage_internal: true,
        ..Perms::default()
    };
    let customers = Perms {
        manage_customers: true,
        ..internal
    };
    let partners = Perms {
        manage_partners: true,
        ..internal
    };
    let all = Perms {
        manage_users: true,
        ..Perms::default()
    };
    let outside_only = Perms {
        manage_customers: true,
        manage_partners: true,
        ..Perms::default()
    };
    let kinds = [K::Internal, K::ExternalIdentity, K::Customer, K::Partner];
    let table = [
        (internal, [true, false, false, false]),
        (customers, [true, true, true, false]),
        (partners, [true, true, false, true]),
        (all, [true, true, true, true]),
        (outside_only, [false, false, false, false]),
    ];
    for (perms, allowed) in table {
        for (kind, want) in kinds.iter().zip(allowed) {
            assert_eq!(perms.may_manage(*kind), want, "{perms:?} on {kind:?}");
        }
    }
}
