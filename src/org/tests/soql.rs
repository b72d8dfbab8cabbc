//! SOQL over the seeded org and a few inserted records.

use crate::data::record::FieldValue;
use crate::org::testkit::*;
use crate::org::{BindValue, Org, QueryError, QueryOutput};
use crate::syntax::ast::{DmlOp, Literal, SoqlCond, SoqlOp, SoqlQuery};

/// An org with three contacts: Ann Smith, bob jones (no email), Cy Young.
fn contacts() -> Org {
    let mut org = org();
    let mut rows = vec![
        record(
            "Contact",
            &[
                ("FirstName", "Ann"),
                ("LastName", "Smith"),
                ("Email", "ann@x.com"),
            ],
        ),
        record("Contact", &[("FirstName", "bob"), ("LastName", "jones")]),
        record(
            "Contact",
            &[
                ("FirstName", "Cy"),
                ("LastName", "Young"),
                ("Email", "cy@x.com"),
            ],
        ),
    ];
    assert!(
        run(&mut org, DmlOp::Insert, &mut rows, true)
            .iter()
            .all(|r| r.is_success())
    );
    org
}

fn rows(org: &mut Org, q: &SoqlQuery, binds: &[BindValue]) -> Vec<crate::data::record::Record> {
    match org.query(q, binds) {
        Ok(QueryOutput::Rows(rows)) => rows,
        other => panic!("expected rows, got {other:?}"),
    }
}

fn names(org: &mut Org, q: &SoqlQuery, binds: &[BindValue]) -> Vec<String> {
    rows(org, q, binds)
        .iter()
        .map(|r| {
            r.get_by_name("LastName")
                .and_then(FieldValue::as_text)
                .unwrap_or("")
                .to_owned()
        })
        .collect()
}

fn invalid(org: &mut Org, q: &SoqlQuery) -> String {
    match org.query(q, &[]) {
        Err(QueryError::Invalid(message)) => message,
        other => panic!("expected a QueryException, got {other:?}"),
    }
}

fn filtered(cond: SoqlCond) -> SoqlQuery {
    SoqlQuery {
        filter: Some(cond),
        ..select(&["LastName"], "Contact")
    }
}

#[test]
fn selected_fields_are_set_and_id_always() {
    let mut org = contacts();
    let q = select(&["lastname", "EMAIL"], "contact");
    let found = rows(&mut org, &q, &[]);
    assert_eq!(found.len(), 3);
    let first = &found[0];
    assert!(first.queried && first.id().is_some());
    assert_eq!(
        first.get_by_name("Email"),
        Some(&FieldValue::Text("ann@x.com".into()))
    );
    assert_eq!(first.get_by_name("FirstName"), None, "not selected");
}

#[test]
fn string_comparisons_ignore_case() {
    let mut org = contacts();
    assert_eq!(
        names(
            &mut org,
            &filtered(cmp("LastName", SoqlOp::Eq, s("SMITH"))),
            &[]
        ),
        ["Smith"]
    );
    assert_eq!(
        names(
            &mut org,
            &filtered(cmp("LastName", SoqlOp::Like, s("%O%"))),
            &[]
        ),
        ["jones", "Young"]
    );
    assert_eq!(
        names(
            &mut org,
            &filtered(cmp("LastName", SoqlOp::Gt, s("k"))),
            &[]
        ),
        ["Smith", "Young"]
    );
}

#[test]
fn nulls_compare_as_soql_says() {
    let mut org = contacts();
    let null = || lit(Literal::Null);
    assert_eq!(
        names(&mut org, &filtered(cmp("Email", SoqlOp::Eq, null())), &[]),
        ["jones"]
    );
    assert_eq!(
        names(&mut org, &filtered(cmp("Email", SoqlOp::Ne, null())), &[]),
        ["Smith", "Young"]
    );
    // `!=` matches records whose field is null.
    let ne = filtered(cmp("Email", SoqlOp::Ne, s("ann@x.com")));
    assert_eq!(names(&mut org, &ne, &[]), ["jones", "Young"]);
    let not = filtered(SoqlCond::Not(Box::new(cmp(
        "Email",
        SoqlOp::Eq,
        s("ANN@x.com"),
    ))));
    assert_eq!(names(&mut org, &not, &[]), ["jones", "Young"]);
}

#[test]
fn in_lists_and_binds() {
    let mut org = contacts();
    let list = SoqlValueList::of(&["smith", "Young", "nobody"]);
    assert_eq!(
        names(&mut org, &filtered(cmp("LastName", SoqlOp::In, list)), &[]),
        ["Smith", "Young"]
    );
    let binds = [BindValue::Many(vec![FieldValue::Text("JONES".into())])];
    let q = filtered(cmp("LastName", SoqlOp::NotIn, bind(40)));
    assert_eq!(names(&mut org, &q, &binds), ["Smith", "Young"]);
    // Binds are matched to values by source position, not by tree order.
    let q = filtered(and(
        cmp("FirstName", SoqlOp::Eq, bind(90)),
        cmp("LastName", SoqlOp::Eq, bind(50)),
    ));
    let binds = [
        BindValue::One(FieldValue::Text("young".into())),
        BindValue::One(FieldValue::Text("cy".into())),
    ];
    assert_eq!(names(&mut org, &q, &binds), ["Young"]);
}

#[test]
fn ids_compare_in_15_or_18_characters() {
    let mut org = contacts();
    let all = rows(&mut org, &select(&["LastName"], "Contact"), &[]);
    let id = *all[1].id().expect("Id");
    for text in [id.to15().to_owned(), id.as_str().to_ascii_lowercase()] {
        let q = filtered(cmp("Id", SoqlOp::Eq, s(&text)));
        assert_eq!(names(&mut org, &q, &[]), ["jones"], "{text}");
    }
    let q = filtered(cmp("Id", SoqlOp::Eq, s("nope")));
    assert_eq!(invalid(&mut org, &q), "invalid ID field: nope");
}

#[test]
fn order_limit_offset_and_count() {
    let mut org = contacts();
    let mut q = select(&["LastName"], "Contact");
    q.order_by = vec![order("Email", false, None)];
    assert_eq!(
        names(&mut org, &q, &[]),
        ["jones", "Smith", "Young"],
        "nulls first ascending"
    );
    q.order_by = vec![order("Email", true, None)];
    assert_eq!(
        names(&mut org, &q, &[]),
        ["Young", "Smith", "jones"],
        "nulls last descending"
    );
    q.order_by = vec![order("LastName", false, Some(false))];
    q.limit = Some(lit(Literal::Integer(2)));
    q.offset = Some(bind(80));
    assert_eq!(
        names(&mut org, &q, &[BindValue::One(FieldValue::Int(1))]),
        ["Smith", "Young"]
    );
    match org.query(&count("Contact"), &[]) {
        Ok(QueryOutput::Count(n)) => assert_eq!(n, 3),
        other => panic!("expected a count, got {other:?}"),
    }
}

#[test]
fn deleted_records_are_left_out() {
    let mut org = contacts();
    let mut all = rows(&mut org, &select(&["LastName"], "Contact"), &[]);
    assert!(run(&mut org, DmlOp::Delete, &mut all[..1], true)[0].is_success());
    assert_eq!(
        names(&mut org, &select(&["LastName"], "Contact"), &[]),
        ["jones", "Young"]
    );
}

#[test]
fn unknown_names_get_the_platform_wording() {
    let mut org = org();
    assert_eq!(
        invalid(&mut org, &select(&["Foo"], "User")),
        "No such column 'Foo' on entity 'User'. If you are attempting to use a custom field, be \
         sure to append the '__c' after the custom field name. Please reference your WSDL or \
         the describe call for the appropriate names."
    );
    assert!(
        invalid(&mut org, &select(&["Id"], "Widget"))
            .starts_with("sObject type 'Widget' is not supported.")
    );
    assert_eq!(
        invalid(&mut org, &select(&["Name", "name"], "User")),
        "duplicate field selected: Name"
    );
    let q = SoqlQuery {
        filter: Some(cmp("IsActive", SoqlOp::Eq, s("true"))),
        ..select(&["Id"], "User")
    };
    assert_eq!(
        invalid(&mut org, &q),
        "value of filter criterion for field 'IsActive' must be of type boolean and should not \
         be enclosed in quotes"
    );
}

#[test]
fn parent_paths_filter_and_users_are_queryable() {
    let mut org = org();
    let mut u = user(&org, "External Identity User", "q");
    assert!(insert_one(&mut org, &mut u).is_success());
    let q = SoqlQuery {
        filter: Some(and(
            cmp("Profile.Name", SoqlOp::Eq, s("external identity user")),
            cmp("IsActive", SoqlOp::Eq, lit(Literal::Bool(true))),
        )),
        ..select(&["Username", "UserType", "ContactId"], "User")
    };
    let found = rows(&mut org, &q, &[]);
    assert_eq!(found.len(), 1);
    assert_eq!(
        found[0].get_by_name("UserType"),
        Some(&FieldValue::Text("CspLitePortal".into()))
    );
    assert_eq!(found[0].get_by_name("ContactId"), Some(&FieldValue::Null));

    // Parent fields come back as nested parent records.
    let mut q = select(
        &["Username", "profile.name", "Profile.UserLicense.Name"],
        "User",
    );
    q.order_by = vec![order("Profile.Name", true, None)];
    let found = rows(&mut org, &q, &[]);
    assert_eq!(found.len(), 2);
    let profile = found[0]
        .parent_by_relationship("Profile")
        .expect("parent loaded");
    assert_eq!(
        profile.get_by_name("Name"),
        Some(&FieldValue::Text("System Administrator".into()))
    );
    assert!(profile.queried && profile.id().is_some());
    let license = profile
        .parent_by_relationship("userlicense")
        .expect("grandparent");
    assert_eq!(
        license.get_by_name("Name"),
        Some(&FieldValue::Text("Salesforce".into()))
    );
    assert!(found[1].parent_by_relationship("Profile").is_some());
    let wrong = select(&["Profile.Nope"], "User");
    assert!(invalid(&mut org, &wrong).starts_with("No such column 'Nope' on entity 'Profile'."));
    let wrong = select(&["Widget.Name"], "User");
    assert!(invalid(&mut org, &wrong).starts_with("Didn't understand relationship 'Widget'"));
}

#[test]
fn a_null_lookup_gives_no_parent_record() {
    let mut org = contacts();
    let found = rows(
        &mut org,
        &select(&["LastName", "Account.Name"], "Contact"),
        &[],
    );
    assert_eq!(found.len(), 3);
    assert!(
        found
            .iter()
            .all(|c| c.parent_by_relationship("Account").is_none())
    );
    let dup = select(&["Account.Name", "account.NAME"], "Contact");
    assert_eq!(
        invalid(&mut org, &dup),
        "duplicate field selected: Account.Name"
    );
}

#[test]
fn the_101st_query_is_a_limit_exception() {
    let mut org = org();
    org.begin().expect("begin");
    for _ in 0..100 {
        org.query(&count("User"), &[]).expect("within limit");
    }
    let err = org.query(&count("User"), &[]).expect_err("limit");
    assert_eq!(
        err.to_string(),
        "System.LimitException: Too many SOQL queries: 101"
    );
    org.rollback().expect("rollback");
}

/// Builds `('a', 'b')` lists.
struct SoqlValueList;

impl SoqlValueList {
    fn of(items: &[&str]) -> crate::syntax::ast::SoqlValue {
        crate::syntax::ast::SoqlValue::List(items.iter().map(|i| s(i)).collect(), 0..0)
    }
}
