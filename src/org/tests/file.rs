//! Org files: creation, reopening, rollback, and files that are not orgs.

use crate::org::testkit::*;
use crate::org::{Org, OrgError};
use crate::syntax::ast::DmlOp;

#[test]
fn a_new_file_is_seeded_and_reopens() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("nested/folder/org.db");
    let first_id = {
        let mut org = Org::open(&path).expect("create");
        let mut u = user(&org, "External Identity User", "file");
        assert!(insert_one(&mut org, &mut u).is_success());
        *u.id().expect("Id")
    };
    let mut org = Org::open(&path).expect("reopen");
    assert_eq!(used(&org, "External Identity"), 1);
    assert_eq!(org.running_user().username, "admin@apexlite.local");
    let mut u = user(&org, "External Identity User", "file2");
    assert!(insert_one(&mut org, &mut u).is_success());
    assert_ne!(u.id(), Some(&first_id), "Ids stay unique across runs");
}

#[test]
fn rollback_leaves_the_file_byte_for_byte_unchanged() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("org.db");
    drop(Org::open(&path).expect("create"));
    let before = std::fs::read(&path).expect("read");

    let mut org = Org::open(&path).expect("open");
    org.begin().expect("begin");
    let mut users: Vec<_> = (0..5)
        .map(|i| user(&org, "External Identity User", &format!("rb{i}")))
        .collect();
    assert!(
        run(&mut org, DmlOp::Insert, &mut users, true)
            .iter()
            .all(|r| r.is_success())
    );
    let mut a = record("Account", &[("Name", "Acme")]);
    assert!(insert_one(&mut org, &mut a).is_success());
    org.rollback().expect("rollback");
    drop(org);

    assert_eq!(std::fs::read(&path).expect("read"), before);
}

#[test]
fn files_that_are_not_orgs_are_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "hello, this is not a database at all".repeat(50)).expect("write");
    assert!(matches!(Org::open(&text), Err(OrgError::NotAnOrg { .. })));

    let other = dir.path().join("other.db");
    let conn = rusqlite::Connection::open(&other).expect("sqlite");
    conn.execute_batch("CREATE TABLE t (x)").expect("table");
    drop(conn);
    let err = Org::open(&other).err().expect("refused");
    assert!(err.to_string().contains("is not an apexlite org"), "{err}");
}
