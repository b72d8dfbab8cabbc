//! The save pipeline for every operation, limits and mixed DML.

use std::time::Instant;

use crate::data::record::FieldValue;
use crate::org::testkit::*;
use crate::org::{OrgError, StatusCode};
use crate::syntax::ast::DmlOp;

#[test]
fn insert_refuses_a_preset_id() {
    let mut org = org();
    let mut a = record("Account", &[("Name", "Acme"), ("Id", "001Al0000000009")]);
    assert_eq!(
        first_error(&insert_one(&mut org, &mut a)),
        "INVALID_FIELD_FOR_INSERT_UPDATE, cannot specify Id in an insert call: [Id]"
    );
}

#[test]
fn update_needs_an_existing_id() {
    let mut org = org();
    let mut rows = vec![record("Account", &[("Name", "x")])];
    let result = run(&mut org, DmlOp::Update, &mut rows, true).remove(0);
    assert_eq!(
        first_error(&result),
        "MISSING_ARGUMENT, Id not specified in an update call: []"
    );
    let mut rows = vec![record(
        "Account",
        &[("Id", "001Al0000000099"), ("Name", "x")],
    )];
    let result = run(&mut org, DmlOp::Update, &mut rows, true).remove(0);
    assert_eq!(result.errors[0].code, StatusCode::InvalidCrossReferenceKey);
}

#[test]
fn contacts_and_accounts_need_their_names() {
    let mut org = org();
    let mut c = record("Contact", &[("FirstName", "Jo")]);
    assert_eq!(
        first_error(&insert_one(&mut org, &mut c)),
        "REQUIRED_FIELD_MISSING, Required fields are missing: [LastName]: [LastName]"
    );
    let mut a = record("Account", &[]);
    assert_eq!(
        first_error(&insert_one(&mut org, &mut a)),
        "REQUIRED_FIELD_MISSING, Required fields are missing: [Name]: [Name]"
    );
    let long = "x".repeat(256);
    let mut a = record("Account", &[("Name", &long)]);
    assert_eq!(
        first_error(&insert_one(&mut org, &mut a)),
        format!(
            "STRING_TOO_LONG, Account Name: data value too large: {long} (max length=255): [Name]"
        )
    );
}

#[test]
fn update_writes_only_the_fields_set() {
    let mut org = org();
    let mut c = record(
        "Contact",
        &[
            ("LastName", "Doe"),
            ("FirstName", "Jo"),
            ("Email", "jo@x.com"),
        ],
    );
    assert!(insert_one(&mut org, &mut c).is_success());
    let id = *c.id().expect("Id");
    let mut change = record("Contact", &[("Id", id.as_str()), ("FirstName", "Jane")]);
    assert!(
        run(
            &mut org,
            DmlOp::Update,
            std::slice::from_mut(&mut change),
            true
        )[0]
        .is_success()
    );
    let stored = org.fetch(&id).expect("fetch").expect("row");
    assert_eq!(
        stored.get_by_name("Email"),
        Some(&FieldValue::Text("jo@x.com".into()))
    );
    assert_eq!(
        stored.get_by_name("Name"),
        Some(&FieldValue::Text("Jane Doe".into()))
    );
    let blank = record("Contact", &[("Id", id.as_str()), ("LastName", "")]);
    let result = run(&mut org, DmlOp::Update, &mut [blank], true).remove(0);
    assert_eq!(result.errors[0].code, StatusCode::RequiredFieldMissing);
}

#[test]
fn setup_objects_without_dml_are_refused() {
    let mut org = org();
    let mut p = record("Profile", &[("Name", "Mine")]);
    match org.dml(DmlOp::Insert, std::slice::from_mut(&mut p), true) {
        Err(OrgError::Apex(e)) => {
            assert_eq!(e.type_name, "System.TypeException");
            assert_eq!(e.message, "DML operation INSERT not allowed on Profile");
        }
        other => panic!("expected a TypeException, got {other:?}"),
    }
    let admin = org.running_user().id.to_string();
    let mut u = record("User", &[("Id", &admin)]);
    let err = org
        .dml(DmlOp::Delete, std::slice::from_mut(&mut u), true)
        .expect_err("refused");
    assert_eq!(
        err.to_string(),
        "System.TypeException: DML operation DELETE not allowed on User"
    );
}

#[test]
fn duplicate_ids_in_an_update_list_are_a_list_exception() {
    let mut org = org();
    let mut a = record("Account", &[("Name", "Acme")]);
    assert!(insert_one(&mut org, &mut a).is_success());
    let mut rows = vec![a.clone(), a.clone()];
    let err = org
        .dml(DmlOp::Update, &mut rows, true)
        .expect_err("refused");
    let id = a.id().expect("Id");
    assert_eq!(
        err.to_string(),
        format!("System.ListException: Duplicate id in list: {id}")
    );
}

#[test]
fn delete_and_undelete_use_the_recycle_bin() {
    let mut org = org();
    let mut a = record("Account", &[("Name", "Acme")]);
    assert!(insert_one(&mut org, &mut a).is_success());
    let id = a.id().expect("Id").to_string();
    let mut c = record("Contact", &[("LastName", "Doe"), ("AccountId", &id)]);
    assert!(insert_one(&mut org, &mut c).is_success());

    assert!(run(&mut org, DmlOp::Delete, std::slice::from_mut(&mut a), true)[0].is_success());
    let deleted = org.fetch(a.id().expect("Id")).expect("fetch").expect("row");
    assert_eq!(
        deleted.get_by_name("IsDeleted"),
        Some(&FieldValue::Bool(true))
    );
    let contact = org.fetch(c.id().expect("Id")).expect("fetch").expect("row");
    assert_eq!(
        contact.get_by_name("IsDeleted"),
        Some(&FieldValue::Bool(true)),
        "cascade"
    );

    let again = run(&mut org, DmlOp::Delete, std::slice::from_mut(&mut a), true).remove(0);
    assert_eq!(
        first_error(&again),
        "ENTITY_IS_DELETED, entity is deleted: []"
    );
    assert!(
        run(
            &mut org,
            DmlOp::Undelete,
            std::slice::from_mut(&mut a),
            true
        )[0]
        .is_success()
    );
    let back = run(
        &mut org,
        DmlOp::Undelete,
        std::slice::from_mut(&mut a),
        true,
    )
    .remove(0);
    assert_eq!(back.errors[0].code, StatusCode::UndeleteFailed);
}

#[test]
fn upsert_inserts_new_rows_and_updates_known_ones() {
    let mut org = org();
    let mut a = record("Account", &[("Name", "Old")]);
    assert!(insert_one(&mut org, &mut a).is_success());
    a.set_by_name("Name", FieldValue::Text("New".into()));
    let mut rows = vec![a.clone(), record("Account", &[("Name", "Fresh")])];
    let results = run(&mut org, DmlOp::Upsert, &mut rows, true);
    assert!(!results[0].created && results[0].is_success());
    assert!(results[1].created && rows[1].id().is_some());
    let stored = org.fetch(a.id().expect("Id")).expect("fetch").expect("row");
    assert_eq!(
        stored.get_by_name("Name"),
        Some(&FieldValue::Text("New".into()))
    );
}

#[test]
fn mixing_setup_and_non_setup_dml_is_refused() {
    let mut org = org();
    org.begin().expect("begin");
    let mut a = record("Account", &[("Name", "Acme")]);
    assert!(insert_one(&mut org, &mut a).is_success());
    // A user without a role may be inserted alongside.
    let mut plain = user(&org, "External Identity User", "plain");
    assert!(insert_one(&mut org, &mut plain).is_success());
    let role = id_where(&org, "UserRole", "Name", "CEO");
    let mut boss = user(&org, "Standard User", "boss");
    boss.set_by_name("UserRoleId", FieldValue::Id(role));
    assert_eq!(
        first_error(&insert_one(&mut org, &mut boss)),
        "MIXED_DML_OPERATION, DML operation on setup object is not permitted after you have \
         updated a non-setup object (or vice versa): User, original object: Account: []"
    );
    org.rollback().expect("rollback");
}

#[test]
fn governor_limits_count_statements() {
    let mut org = org();
    org.begin().expect("begin");
    for _ in 0..150 {
        let mut a = record("Account", &[("Name", "A")]);
        assert!(insert_one(&mut org, &mut a).is_success());
    }
    assert_eq!(org.limits().dml_statements, 150);
    let mut a = record("Account", &[("Name", "A")]);
    let err = org
        .dml(DmlOp::Insert, std::slice::from_mut(&mut a), true)
        .expect_err("limit");
    assert_eq!(
        err.to_string(),
        "System.LimitException: Too many DML statements: 151"
    );
    org.rollback().expect("rollback");
}

#[test]
fn two_thousand_users_in_one_call() {
    let mut org = org();
    org.set_license_limits_enforced(false);
    let mut users: Vec<_> = (0..2000)
        .map(|i| user(&org, "External Identity User", &format!("bulk{i}")))
        .collect();
    let started = Instant::now();
    org.begin().expect("begin");
    let results = run(&mut org, DmlOp::Insert, &mut users, true);
    org.commit().expect("commit");
    let elapsed = started.elapsed();
    assert!(
        results.iter().all(|r| r.is_success()),
        "{}",
        first_error(&results[0])
    );
    assert_eq!(used(&org, "External Identity"), 2000);
    let distinct: std::collections::HashSet<_> = users.iter().filter_map(|u| u.id()).collect();
    assert_eq!(distinct.len(), 2000);
    // A loose sanity bound for a debug build on a shared machine.
    assert!(elapsed.as_secs() < 30, "2,000 inserts took {elapsed:?}");
}

#[test]
fn values_of_the_wrong_type_are_refused() {
    let mut org = org();
    let mut a = record("Account", &[("Name", "Acme")]);
    a.set_by_name("NumberOfEmployees", FieldValue::Text("many".into()));
    assert_eq!(
        first_error(&insert_one(&mut org, &mut a)),
        "INVALID_TYPE_ON_FIELD_IN_RECORD, Employees: value not of required type: many: \
         [NumberOfEmployees]"
    );
    a.set_by_name("NumberOfEmployees", FieldValue::Long(12));
    a.set_by_name("AnnualRevenue", FieldValue::Int(5));
    assert!(insert_one(&mut org, &mut a).is_success());
}

#[test]
fn a_contact_with_a_portal_user_cannot_be_deleted() {
    let mut org = org();
    let admin = org.running_user().id.to_string();
    let mut account = record("Account", &[("Name", "Acme"), ("OwnerId", &admin)]);
    assert!(insert_one(&mut org, &mut account).is_success());
    let account = account.id().expect("Id").to_string();
    let mut contact = record("Contact", &[("LastName", "Doe"), ("AccountId", &account)]);
    assert!(insert_one(&mut org, &mut contact).is_success());
    let mut u = user(&org, "Customer Community User", "portal");
    u.set_by_name("ContactId", FieldValue::Id(*contact.id().expect("Id")));
    let result = insert_one(&mut org, &mut u);
    assert!(result.is_success(), "{}", first_error(&result));
    let stored = org.fetch(u.id().expect("Id")).expect("fetch").expect("row");
    assert_eq!(
        stored
            .get_by_name("AccountId")
            .and_then(FieldValue::as_id)
            .map(|i| i.to_string()),
        Some(account)
    );
    let result = run(
        &mut org,
        DmlOp::Delete,
        std::slice::from_mut(&mut contact),
        true,
    )
    .remove(0);
    assert_eq!(result.errors[0].code, StatusCode::DeleteFailed);
}

#[test]
fn exception_messages_follow_the_platform_shape() {
    let mut org = org();
    let mut u = user(&org, "Customer Community User", "t2");
    let results = run(&mut org, DmlOp::Insert, std::slice::from_mut(&mut u), true);
    assert_eq!(
        crate::org::exception_message(DmlOp::Insert, &results).as_deref(),
        Some(
            "Insert failed. First exception on row 0; first error: INVALID_CROSS_REFERENCE_KEY, \
             Cannot create a portal user without contact.: []"
        )
    );
}
