//! The org commands: `apexlite org init|seats|licenses|users` and
//! `apexlite run --as USERNAME`. Each test spawns the binary on an org file
//! in a temporary directory. Run with `cargo test --test org_cli`.

mod common;

use std::path::{Path, PathBuf};

use std::process::{Command, Output};

use common::{BIN, apexlite, assert_exit, org_dir, s, stderr, stdout};

fn contactless_script() -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scripts/contactless_user.apex");
    path.to_string_lossy().into_owned()
}

/// Inline Apex creating a user named `tag@example.com` on `profile`.
fn create_user(profile: &str, tag: &str, active: bool) -> String {
    format!(
        "Profile p = [SELECT Id FROM Profile WHERE Name = '{profile}' LIMIT 1]; \
         insert new User(LastName = 'Doe', Email = '{tag}@example.com', Alias = 'a', \
         Username = '{tag}@example.com', LocaleSidKey = 'en_US', TimeZoneSidKey = 'GMT', \
         ProfileId = p.Id, LanguageLocaleKey = 'en_US', EmailEncodingKey = 'UTF-8', \
         IsActive = {active});"
    )
}

fn run_code(dir: &Path, org: &Path, code: &str) -> Output {
    apexlite(dir, &["run", "--org", s(org), "-e", code])
}

fn licenses_json(dir: &Path, org: &Path) -> serde_json::Value {
    let out = apexlite(
        dir,
        &["org", "licenses", "--org", s(org), "--format", "json"],
    );
    assert_exit(&out, 0, "org licenses --format json");
    serde_json::from_str(&stdout(&out)).expect("the report is JSON")
}

fn license<'a>(rows: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    rows.as_array()
        .and_then(|rows| rows.iter().find(|r| r["name"] == name))
        .expect("the license is listed")
}

#[test]
fn init_creates_an_org_and_will_not_overwrite_it_without_force() {
    let (dir, org) = org_dir();
    let out = apexlite(dir.path(), &["org", "init", "--org", s(&org)]);
    assert_exit(&out, 0, "first init");
    assert_eq!(
        stdout(&out),
        format!("created org {} (Enterprise Edition)\n", org.display())
    );
    assert_exit(
        &run_code(
            dir.path(),
            &org,
            &create_user("Standard User", "kept", true),
        ),
        0,
        "user",
    );
    let before = std::fs::read(&org).expect("read");

    let out = apexlite(dir.path(), &["org", "init", "--org", s(&org)]);
    assert_exit(&out, 4, "second init");
    assert_eq!(
        stderr(&out),
        format!(
            "error: {} already holds an org; use --force to replace it\n",
            org.display()
        )
    );
    assert_eq!(std::fs::read(&org).expect("read"), before, "untouched");

    let out = apexlite(dir.path(), &["org", "init", "--org", s(&org), "--force"]);
    assert_exit(&out, 0, "forced init");
    let count = "System.debug([SELECT COUNT() FROM User]);";
    assert_eq!(
        stdout(&run_code(dir.path(), &org, count)),
        "1\n",
        "a fresh org"
    );
}

#[test]
fn init_never_replaces_a_file_that_is_not_an_org() {
    let (dir, path) = org_dir();
    std::fs::write(&path, "my notes, not an org").expect("write");
    let out = apexlite(dir.path(), &["org", "init", "--org", s(&path), "--force"]);
    assert_exit(&out, 4, "init over a text file");
    assert!(stderr(&out).contains("is not an apexlite org; refusing to replace it"));
    assert_eq!(
        std::fs::read_to_string(&path).expect("read"),
        "my notes, not an org"
    );
}

#[test]
fn init_uses_the_default_path_and_the_environment() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = apexlite(dir.path(), &["org", "init"]);
    assert_exit(&out, 0, "init at the default path");
    assert!(dir.path().join(".apexlite/org.db").is_file());

    let env_org = dir.path().join("from-env.db");
    let out = Command::new(BIN)
        .args(["org", "init", "--edition", "developer"])
        .current_dir(dir.path())
        .env("APEXLITE_ORG", &env_org)
        .output()
        .expect("runs");
    assert_exit(&out, 0, "init from APEXLITE_ORG");
    assert!(env_org.is_file());
}

#[test]
fn the_edition_is_stored_and_decides_whether_contactless_users_exist() {
    let (dir, org) = org_dir();
    let read_edition = "Organization o = [SELECT OrganizationType FROM Organization LIMIT 1]; \
                        System.debug(o.OrganizationType);";
    for (edition, stored, allowed) in [
        ("Essentials", "Essentials Edition", false),
        ("group", "Group Edition", false),
        ("contact-manager", "Contact Manager Edition", false),
        ("Professional", "Professional Edition", true),
        ("PERFORMANCE", "Performance Edition", true),
    ] {
        let args = [
            "org",
            "init",
            "--org",
            s(&org),
            "--force",
            "--edition",
            edition,
        ];
        assert_exit(&apexlite(dir.path(), &args), 0, edition);
        assert_eq!(
            stdout(&run_code(dir.path(), &org, read_edition)),
            format!("{stored}\n")
        );
        let out = apexlite(
            dir.path(),
            &["run", "--org", s(&org), &contactless_script()],
        );
        if allowed {
            assert_exit(&out, 0, edition);
        } else {
            // The status code and message for this refusal are a guess.
            assert_exit(&out, 1, edition);
            assert!(
                stderr(&out).starts_with(
                    "System.DmlException: Insert failed. First exception on row 0; first \
                     error: INVALID_CROSS_REFERENCE_KEY, Cannot create a portal user without \
                     contact.: []\n"
                ),
                "{edition}: {}",
                stderr(&out)
            );
        }
    }
}

#[test]
fn unknown_editions_are_usage_errors_listing_the_editions() {
    let (dir, org) = org_dir();
    let out = apexlite(
        dir.path(),
        &["org", "init", "--org", s(&org), "--edition", "Team"],
    );
    assert_exit(&out, 2, "unknown edition");
    assert!(stderr(&out).contains(
        "unknown edition 'Team'; editions: Enterprise, Professional, Performance, Unlimited, \
         Developer, Essentials, Group, Contact Manager"
    ));
    assert!(!org.exists());
}

#[test]
fn init_sets_seats_by_license_name_in_any_case() {
    let (dir, org) = org_dir();
    let args = [
        "org",
        "init",
        "--org",
        s(&org),
        "--seats",
        "external identity=20000",
        "--seats",
        "Partner Community=0",
    ];
    assert_exit(&apexlite(dir.path(), &args), 0, "init with seats");
    let rows = licenses_json(dir.path(), &org);
    assert_eq!(license(&rows, "External Identity")["total"], 20000);
    assert_eq!(license(&rows, "External Identity")["remaining"], 20000);
    assert_eq!(license(&rows, "Partner Community")["total"], 0);
    assert_eq!(license(&rows, "Salesforce")["total"], 10);
}

#[test]
fn bad_seat_requests_are_refused() {
    let (dir, org) = org_dir();
    let init = |seats: &str| {
        apexlite(
            dir.path(),
            &["org", "init", "--org", s(&org), "--seats", seats],
        )
    };

    let out = init("Gold Partner=3");
    assert_exit(&out, 2, "unknown license");
    assert!(stderr(&out).contains(
        "unknown license 'Gold Partner'; licenses: Salesforce, Salesforce Platform, External \
         Identity, Customer Community, Customer Community Plus, Partner Community"
    ));
    for bad in ["Salesforce=-1", "Salesforce=many", "Salesforce"] {
        assert_exit(&init(bad), 2, bad);
    }
    assert!(!org.exists(), "usage errors write nothing");

    // The admin holds a Salesforce seat.
    let out = init("Salesforce=0");
    assert_exit(&out, 4, "below used");
    assert_eq!(
        stderr(&out),
        "error: cannot set Salesforce to 0 seats: 1 in use\n"
    );
    assert!(!org.exists(), "a refused init leaves no file");
    assert!(!dir.path().join("org.db.new").exists());
}

#[test]
fn seats_change_an_existing_org_and_refuse_fewer_than_used() {
    let (dir, org) = org_dir();
    assert_exit(
        &apexlite(dir.path(), &["org", "init", "--org", s(&org)]),
        0,
        "init",
    );
    assert_exit(
        &apexlite(
            dir.path(),
            &["run", "--org", s(&org), &contactless_script()],
        ),
        0,
        "user",
    );

    let out = apexlite(
        dir.path(),
        &["org", "seats", "--org", s(&org), "External Identity=20000"],
    );
    assert_exit(&out, 0, "seats");
    assert!(
        stdout(&out).contains("External Identity        Active  20000     1      19999\n"),
        "{}",
        stdout(&out)
    );
    let out = apexlite(
        dir.path(),
        &["org", "seats", "--org", s(&org), "External Identity=0"],
    );
    assert_exit(&out, 4, "below used");
    assert_eq!(
        stderr(&out),
        "error: cannot set External Identity to 0 seats: 1 in use\n"
    );
    assert_eq!(
        license(&licenses_json(dir.path(), &org), "External Identity")["total"],
        20000
    );
    assert_exit(
        &apexlite(dir.path(), &["org", "seats", "--org", s(&org)]),
        2,
        "no seats",
    );
}

#[test]
fn licenses_table_of_a_fresh_org() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = apexlite(dir.path(), &["org", "licenses", "--org", ":memory:"]);
    assert_exit(&out, 0, "licenses");
    assert_eq!(
        stdout(&out),
        "LICENSE                  STATUS  TOTAL  USED  REMAINING\n\
         Salesforce               Active     10     1          9\n\
         Salesforce Platform      Active     10     0         10\n\
         External Identity        Active      5     0          5\n\
         Customer Community       Active      5     0          5\n\
         Customer Community Plus  Active      5     0          5\n\
         Partner Community        Active      5     0          5\n"
    );
}

#[test]
fn users_report_shows_type_profile_license_and_contact() {
    let (dir, org) = org_dir();
    assert_exit(
        &apexlite(
            dir.path(),
            &["run", "--org", s(&org), &contactless_script()],
        ),
        0,
        "jane",
    );
    assert_exit(
        &run_code(
            dir.path(),
            &org,
            &create_user("Standard User", "off", false),
        ),
        0,
        "off",
    );

    let out = apexlite(dir.path(), &["org", "users", "--org", s(&org)]);
    assert_exit(&out, 0, "users");
    assert_eq!(
        stdout(&out),
        "USERNAME              ACTIVE  USER TYPE      PROFILE                 LICENSE            \
         CONTACT\n\
         admin@apexlite.local  yes     Standard       System Administrator    Salesforce         \
         no\n\
         janedoe@test.com      yes     CspLitePortal  External Identity User  External Identity  \
         no\n\
         off@example.com       no      Standard       Standard User           Salesforce         \
         no\n"
    );

    let out = apexlite(
        dir.path(),
        &["org", "users", "--org", s(&org), "--format", "json"],
    );
    assert_exit(&out, 0, "users json");
    let rows: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    assert_eq!(
        rows[1],
        serde_json::json!({
            "username": "janedoe@test.com",
            "active": true,
            "user_type": "CspLitePortal",
            "profile": "External Identity User",
            "license": "External Identity",
            "has_contact": false
        })
    );
    // The inactive user holds no seat.
    let rows = licenses_json(dir.path(), &org);
    assert_eq!(license(&rows, "Salesforce")["used"], 1);
    assert_eq!(license(&rows, "External Identity")["used"], 1);
}

#[test]
fn unknown_report_formats_are_usage_errors() {
    let dir = tempfile::tempdir().expect("temp dir");
    let args = ["org", "users", "--org", ":memory:", "--format", "csv"];
    assert_exit(&apexlite(dir.path(), &args), 2, "csv");
}

#[test]
fn run_as_finds_the_user_without_case() {
    let (dir, org) = org_dir();
    let args = [
        "run",
        "--org",
        s(&org),
        "--as",
        "ADMIN@apexlite.LOCAL",
        &contactless_script(),
    ];
    let out = apexlite(dir.path(), &args);
    assert_exit(&out, 0, "as the admin");
    assert!(stdout(&out).starts_with("created 005"));
}

#[test]
fn run_as_refuses_unknown_inactive_and_contactless_users() {
    let (dir, org) = org_dir();
    assert_exit(
        &apexlite(
            dir.path(),
            &["run", "--org", s(&org), &contactless_script()],
        ),
        0,
        "jane",
    );
    assert_exit(
        &run_code(
            dir.path(),
            &org,
            &create_user("Standard User", "off", false),
        ),
        0,
        "off",
    );
    let before = std::fs::read(&org).expect("read");
    let as_user = |name: &str| {
        apexlite(
            dir.path(),
            &[
                "run",
                "--org",
                s(&org),
                "--as",
                name,
                "-e",
                "System.debug(1);",
            ],
        )
    };

    let out = as_user("nobody@example.com");
    assert_exit(&out, 4, "unknown");
    assert_eq!(
        stderr(&out),
        "error: no user with username 'nobody@example.com' in this org\n"
    );
    let out = as_user("off@example.com");
    assert_exit(&out, 4, "inactive");
    assert_eq!(
        stderr(&out),
        "error: cannot run as off@example.com: the user is inactive; activate the user first\n"
    );
    let out = as_user("JaneDoe@test.com");
    assert_exit(&out, 4, "contactless");
    assert_eq!(
        stderr(&out),
        "error: cannot run as janedoe@test.com: it is a contactless user (External Identity \
         license, no contact), and the platform offers no Login As for contactless users; add \
         a contact to the user first\n"
    );
    assert!(stdout(&out).is_empty(), "nothing ran");
    assert_eq!(
        std::fs::read(&org).expect("read"),
        before,
        "nothing changed"
    );
}

/// A Standard User lacks Manage Users, Manage Internal Users and Manage
/// Customer/External Users. The status code is the data layer's guess.
#[test]
fn a_standard_user_cannot_create_a_contactless_user() {
    let (dir, org) = org_dir();
    assert_exit(
        &run_code(dir.path(), &org, &create_user("Standard User", "std", true)),
        0,
        "std",
    );
    let args = [
        "run",
        "--org",
        s(&org),
        "--as",
        "std@example.com",
        &contactless_script(),
    ];
    let out = apexlite(dir.path(), &args);
    assert_exit(&out, 1, "as a standard user");
    assert_eq!(
        stderr(&out),
        "System.DmlException: Insert failed. First exception on row 0; first error: \
         INSUFFICIENT_ACCESS_OR_READONLY, insufficient access rights on object id: []\n\
         AnonymousBlock: line 14, column 1\n"
    );
    let rows = licenses_json(dir.path(), &org);
    assert_eq!(license(&rows, "External Identity")["used"], 0);
}

/// Org files made before `User.ProfileId` lost its index still have it;
/// they open and save users as before, and queries by profile still work.
#[test]
fn an_org_with_the_former_profile_index_still_saves_users() {
    let (dir, org) = org_dir();
    assert_exit(
        &apexlite(dir.path(), &["org", "init", "--org", s(&org)]),
        0,
        "init",
    );
    let conn = rusqlite::Connection::open(&org).expect("the org opens in SQLite");
    conn.execute_batch(
        "CREATE INDEX \"User_ProfileId\" ON \"User\" (\"ProfileId\") \
         WHERE \"ProfileId\" IS NOT NULL",
    )
    .expect("the former index is made");
    drop(conn);
    let code = format!(
        "{} System.debug([SELECT COUNT() FROM User WHERE ProfileId = :p.Id]);",
        create_user("External Identity User", "old", true)
    );
    let out = run_code(dir.path(), &org, &code);
    assert_exit(&out, 0, "insert into the former layout");
    assert_eq!(stdout(&out), "1\n");
}

/// An org of layout version 2 (before AccountContactRelation existed) is
/// upgraded when opened: the missing table is created, the version recorded,
/// and its records stay. Older layouts are still refused.
#[test]
fn an_org_of_the_previous_layout_is_upgraded_when_opened() {
    let (dir, org) = org_dir();
    let init = apexlite(dir.path(), &["org", "init", "--org", s(&org)]);
    assert_exit(&init, 0, "init");
    let made = run_code(dir.path(), &org, "insert new Account(Name = 'Kept');");
    assert_exit(&made, 0, "an account");
    let conn = rusqlite::Connection::open(&org).expect("the org opens in SQLite");
    conn.execute_batch(
        "DROP TABLE \"AccountContactRelation\"; \
         UPDATE apexlite_meta SET value = '2' WHERE key = 'schema_version';",
    )
    .expect("the file is made a version 2 org");
    drop(conn);
    let code = "System.debug([SELECT COUNT() FROM AccountContactRelation] + ' ' \
                + [SELECT Name FROM Account WHERE Name = 'Kept'].Name);";
    let out = run_code(dir.path(), &org, code);
    assert_exit(&out, 0, "a query on the upgraded org");
    assert_eq!(stdout(&out), "0 Kept\n");
    let conn = rusqlite::Connection::open(&org).expect("the org opens in SQLite");
    let version: String = conn
        .query_row(
            "SELECT value FROM apexlite_meta WHERE key = 'schema_version'",
            [],
            |r| r.get(0),
        )
        .expect("the version is recorded");
    assert_eq!(version, "3");
    conn.execute(
        "UPDATE apexlite_meta SET value = '1' WHERE key = 'schema_version'",
        [],
    )
    .expect("the file is made a version 1 org");
    drop(conn);
    let out = run_code(dir.path(), &org, code);
    assert_exit(&out, 4, "a version 1 org");
}
