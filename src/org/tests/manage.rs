//! Editions, seat counters, reports and running as another user.

use crate::data::record::FieldValue;
use crate::org::login::{LoginError, log_in_as};
use crate::org::report::licenses;
use crate::org::testkit::*;
use crate::org::{Edition, Org, StatusCode};
use crate::syntax::ast::DmlOp;

const EI: &str = "External Identity User";

fn org_of(edition: Edition) -> Org {
    Org::open_in_memory_with(edition).expect("in-memory org")
}

#[test]
fn the_organization_row_names_the_edition() {
    for edition in Edition::ALL {
        let org = org_of(edition);
        assert_eq!(org.edition().expect("edition"), Some(edition));
    }
    let org = org_of(Edition::ContactManager);
    let sql = "SELECT \"OrganizationType\" FROM \"Organization\"";
    let value: String = org
        .store()
        .conn()
        .query_row(sql, [], |r| r.get(0))
        .expect("row");
    assert_eq!(value, "Contact Manager Edition");
}

/// The refusal's code and text are a guess (see `users::check_contact_rule`).
#[test]
fn contactless_users_exist_only_in_five_editions() {
    for edition in Edition::ALL {
        let mut org = org_of(edition);
        let mut u = user(&org, EI, "edition");
        let result = insert_one(&mut org, &mut u);
        if edition.allows_contactless_users() {
            assert!(result.is_success(), "{edition}: {}", first_error(&result));
        } else {
            assert_eq!(
                first_error(&result),
                "INVALID_CROSS_REFERENCE_KEY, Cannot create a portal user without contact.: []",
                "{edition}"
            );
            assert_eq!(used(&org, "External Identity"), 0);
        }
    }
}

#[test]
fn external_identity_users_with_a_contact_are_fine_in_any_edition() {
    let mut org = org_of(Edition::Group);
    let admin = org.running_user().id.to_string();
    let mut account = record("Account", &[("Name", "Acme"), ("OwnerId", &admin)]);
    assert!(insert_one(&mut org, &mut account).is_success());
    let account = account.id().expect("Id").to_string();
    let mut contact = record("Contact", &[("LastName", "Doe"), ("AccountId", &account)]);
    assert!(insert_one(&mut org, &mut contact).is_success());
    let mut u = user(&org, EI, "withcontact");
    u.set_by_name("ContactId", FieldValue::Id(*contact.id().expect("Id")));
    let result = insert_one(&mut org, &mut u);
    assert!(result.is_success(), "{}", first_error(&result));
}

/// The seats the report counts from active users match the counter the save
/// pipeline keeps, after inserts, failures, deactivation, reactivation and a
/// rolled-back transaction.
#[test]
fn counted_seats_match_the_stored_counter() {
    let mut org = org();
    let check = |org: &Org, step: &str| {
        for row in licenses(org).expect("licenses") {
            assert_eq!(row.used, row.stored_used, "{step}: {}", row.name);
            assert_eq!(row.remaining, row.total - row.used);
        }
    };
    check(&org, "seed");

    let mut users: Vec<_> = (0..6).map(|i| user(&org, EI, &format!("c{i}"))).collect();
    users.push(user(&org, "Standard User", "std"));
    users.push(user(&org, "Customer Community User", "nocontact"));
    run(&mut org, DmlOp::Insert, &mut users, false);
    check(&org, "insert");
    assert_eq!(used(&org, "External Identity"), 5);

    let mut off = users[0].clone();
    off.set_by_name("IsActive", FieldValue::Bool(false));
    run(
        &mut org,
        DmlOp::Update,
        std::slice::from_mut(&mut off),
        true,
    );
    check(&org, "deactivate");
    off.set_by_name("IsActive", FieldValue::Bool(true));
    run(
        &mut org,
        DmlOp::Update,
        std::slice::from_mut(&mut off),
        true,
    );
    check(&org, "reactivate");

    org.begin().expect("begin");
    let mut more = vec![user(&org, "Standard User", "rolled")];
    run(&mut org, DmlOp::Insert, &mut more, true);
    org.rollback().expect("rollback");
    check(&org, "rollback");
    assert_eq!(used(&org, "Salesforce"), 2);
}

fn insert_named(org: &mut Org, profile: &str, tag: &str, active: bool) {
    let mut u = user(org, profile, tag);
    u.set_by_name("IsActive", FieldValue::Bool(active));
    let result = insert_one(org, &mut u);
    assert!(result.is_success(), "{}", first_error(&result));
}

#[test]
fn logging_in_finds_users_without_case_and_refuses_some() {
    let mut org = org();
    insert_named(&mut org, "Standard User", "std", true);
    insert_named(&mut org, "Standard User", "off", false);
    insert_named(&mut org, EI, "contactless", true);

    let chosen = log_in_as(&mut org, "STD@Example.com.T").expect("found");
    assert_eq!(chosen.username, "std@example.com.t");
    assert_eq!(org.running_user(), &chosen);

    let err = |org: &mut Org, name: &str| log_in_as(org, name).expect_err(name);
    assert!(matches!(
        err(&mut org, "nobody@x.com"),
        LoginError::UnknownUser(_)
    ));
    assert!(matches!(
        err(&mut org, "off@example.com.t"),
        LoginError::Inactive(_)
    ));
    let contactless = err(&mut org, "contactless@example.com.t");
    assert!(matches!(contactless, LoginError::Contactless(_)));
    assert!(
        contactless.to_string().contains("no Login As"),
        "{contactless}"
    );
    assert_eq!(org.running_user(), &chosen, "a refusal changes nothing");
}

#[test]
fn a_standard_user_cannot_create_users_and_limits_stay_enforced() {
    let mut org = org();
    insert_named(&mut org, "Standard User", "std", true);
    log_in_as(&mut org, "std@example.com.t").expect("found");
    let mut u = user(&org, EI, "denied");
    let result = insert_one(&mut org, &mut u);
    assert_eq!(
        result.errors[0].code,
        StatusCode::InsufficientAccessOrReadonly
    );

    // Unlike System.runAs, running as an admin keeps license limits.
    let mut org = org_of(Edition::Developer);
    log_in_as(&mut org, "admin@apexlite.local").expect("admin");
    let mut users: Vec<_> = (0..6).map(|i| user(&org, EI, &format!("l{i}"))).collect();
    let results = run(&mut org, DmlOp::Insert, &mut users, false);
    assert_eq!(results[5].errors[0].code, StatusCode::LicenseLimitExceeded);
}
