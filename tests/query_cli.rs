//! `apexlite query`: SOQL from the shell in each output format, with parent
//! fields as dotted columns, and its refusals. Run with `cargo test --test query_cli`.

mod common;

use common::{apexlite, assert_exit, org_dir, s, stderr, stdout};

#[test]
fn table_lists_parent_fields_as_dotted_columns() {
    let (dir, org) = org_dir();
    let soql = "SELECT Username, UserType, Profile.Name FROM User";
    let out = apexlite(dir.path(), &["query", soql, "--org", s(&org)]);
    assert_exit(&out, 0, "table query");
    assert_eq!(
        stdout(&out),
        "Username              UserType  Profile.Name\n\
         admin@apexlite.local  Standard  System Administrator\n\
         Total number of records retrieved: 1.\n"
    );
}

#[test]
fn csv_and_json_keep_the_selected_order() {
    let (dir, org) = org_dir();
    let soql = "SELECT Name, TotalLicenses, UsedLicenses FROM UserLicense \
                WHERE Name IN ('Salesforce', 'External Identity') ORDER BY Name";
    let out = apexlite(
        dir.path(),
        &["query", soql, "--org", s(&org), "--format", "csv"],
    );
    assert_exit(&out, 0, "csv query");
    assert_eq!(
        stdout(&out),
        "Name,TotalLicenses,UsedLicenses\nExternal Identity,5,0\nSalesforce,10,1\n"
    );

    let soql = "SELECT Username, Profile.UserLicense.Name, IsActive FROM User";
    let out = apexlite(
        dir.path(),
        &["query", soql, "--org", s(&org), "--format", "json"],
    );
    assert_exit(&out, 0, "json query");
    let rows: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON output");
    assert_eq!(
        rows,
        serde_json::json!([{
            "Username": "admin@apexlite.local",
            "Profile.UserLicense.Name": "Salesforce",
            "IsActive": true
        }])
    );
    let text = stdout(&out);
    let keys: Vec<&str> = text.lines().filter_map(|l| l.split('"').nth(1)).collect();
    assert_eq!(keys, ["Username", "Profile.UserLicense.Name", "IsActive"]);
}

#[test]
fn count_prints_the_number() {
    let (dir, org) = org_dir();
    let out = apexlite(
        dir.path(),
        &["query", "SELECT COUNT() FROM Profile", "--org", s(&org)],
    );
    assert_exit(&out, 0, "count query");
    assert_eq!(stdout(&out), "COUNT()\n8\n");
}

#[test]
fn sql_in_a_query_is_a_syntax_error_and_changes_nothing() {
    let (dir, org) = org_dir();
    let soql = "SELECT Id FROM User WHERE Username = 'x'; DROP TABLE User";
    let out = apexlite(dir.path(), &["query", soql, "--org", s(&org)]);
    assert_exit(&out, 3, "query with SQL after it");
    assert!(stderr(&out).contains("<query>:1:41"), "{}", stderr(&out));
    let out = apexlite(
        dir.path(),
        &["query", "SELECT COUNT() FROM User", "--org", s(&org)],
    );
    assert_eq!(stdout(&out), "COUNT()\n1\n");

    let quoted = "SELECT Id FROM User WHERE Username = 'x\\' OR Username != \\'' ";
    let out = apexlite(
        dir.path(),
        &["query", quoted, "--org", s(&org), "--format", "csv"],
    );
    assert_exit(&out, 0, "quote inside a literal");
    assert_eq!(stdout(&out), "Id\n");
}

#[test]
fn unknown_fields_and_binds_are_query_exceptions() {
    let (dir, org) = org_dir();
    let out = apexlite(
        dir.path(),
        &["query", "SELECT Foo FROM User", "--org", s(&org)],
    );
    assert_exit(&out, 1, "unknown field");
    assert!(stderr(&out).contains("System.QueryException: No such column 'Foo' on entity 'User'."));
    let soql = "SELECT Id FROM User WHERE Username = :name";
    let out = apexlite(dir.path(), &["query", soql, "--org", s(&org)]);
    assert_exit(&out, 1, "bind");
    assert!(
        stderr(&out).contains("Bind variables are not available"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn aggregates_print_their_aliases_as_columns() {
    let (dir, org) = org_dir();
    let soql = "SELECT UserLicense.Name, COUNT(Id) profiles, MAX(Name) FROM Profile \
                WHERE UserLicense.Name LIKE 'Customer%' GROUP BY UserLicense.Name \
                ORDER BY UserLicense.Name";
    let out = apexlite(
        dir.path(),
        &["query", soql, "--org", s(&org), "--format", "csv"],
    );
    assert_exit(&out, 0, "aggregate query");
    assert_eq!(
        stdout(&out),
        "Name,profiles,expr0\n\
         Customer Community,1,Customer Community User\n\
         Customer Community Plus,1,Customer Community Plus User\n"
    );
}

#[test]
fn date_literals_and_all_rows_work_from_the_shell() {
    let (dir, org) = org_dir();
    let soql = "SELECT COUNT() FROM User WHERE CreatedDate = LAST_N_DAYS:1";
    let out = apexlite(dir.path(), &["query", soql, "--org", s(&org)]);
    assert_exit(&out, 0, "date literal");
    assert_eq!(stdout(&out), "COUNT()\n1\n");
    let soql = "SELECT COUNT() FROM User WHERE CreatedDate = NEXT_N_DAYS:3";
    let out = apexlite(dir.path(), &["query", soql, "--org", s(&org)]);
    assert_eq!(stdout(&out), "COUNT()\n0\n");
}

#[test]
fn a_comment_in_a_query_is_a_syntax_error() {
    let (dir, org) = org_dir();
    for soql in [
        "SELECT Id FROM User /* every user */",
        "SELECT Id FROM User // WHERE IsActive = true",
    ] {
        let out = apexlite(dir.path(), &["query", soql, "--org", s(&org)]);
        assert_exit(&out, 3, soql);
        assert!(
            stderr(&out).contains("SOQL has no comments"),
            "{}",
            stderr(&out)
        );
    }
}

#[test]
fn a_query_past_the_row_limit_is_an_apex_exception() {
    let (dir, org) = org_dir();
    let fill = "List<Account> l = new List<Account>(); \
                for (Integer i = 0; i < 9000; i++) { l.add(new Account(Name = 'A' + i)); } \
                insert l;";
    for _ in 0..6 {
        assert_exit(
            &apexlite(dir.path(), &["run", "-e", fill, "--org", s(&org)]),
            0,
            "fill the org",
        );
    }
    let out = apexlite(
        dir.path(),
        &["query", "SELECT Id FROM Account", "--org", s(&org)],
    );
    assert_exit(&out, 1, "54,000 rows");
    assert_eq!(
        stderr(&out),
        "System.LimitException: Too many query rows: 50001\n"
    );
}

#[test]
fn child_records_print_as_a_count_column_or_nested_json() {
    let (dir, org) = org_dir();
    let fill = "Account a = new Account(Name = 'Acme, Inc'); \
                Account b = new Account(Name = 'Beta'); \
                insert new List<Account>{ a, b }; \
                insert new List<Contact>{ \
                    new Contact(LastName = 'Ann', Email = 'ann@x.com', AccountId = a.Id), \
                    new Contact(LastName = 'Bob', AccountId = a.Id) };";
    let out = apexlite(dir.path(), &["run", "-e", fill, "--org", s(&org)]);
    assert_exit(&out, 0, "fill the org");
    let soql = "SELECT Name, (SELECT LastName, Email FROM contacts ORDER BY LastName) \
                FROM Account ORDER BY Name";
    let run = |format: &str| {
        let out = apexlite(
            dir.path(),
            &["query", soql, "--org", s(&org), "--format", format],
        );
        assert_exit(&out, 0, format);
        stdout(&out)
    };
    assert_eq!(
        run("table"),
        "Name       Contacts\n\
         Acme, Inc  2\n\
         Beta       0\n\
         Total number of records retrieved: 2.\n"
    );
    assert_eq!(run("csv"), "Name,Contacts\n\"Acme, Inc\",2\nBeta,0\n");
    let rows: serde_json::Value = serde_json::from_str(&run("json")).expect("JSON output");
    assert_eq!(
        rows,
        serde_json::json!([
            {
                "Name": "Acme, Inc",
                "Contacts": {
                    "totalSize": 2,
                    "done": true,
                    "records": [
                        { "LastName": "Ann", "Email": "ann@x.com" },
                        { "LastName": "Bob", "Email": null }
                    ]
                }
            },
            { "Name": "Beta", "Contacts": null }
        ])
    );
}
