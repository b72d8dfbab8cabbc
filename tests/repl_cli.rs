//! `apexlite repl` driven through a pipe: entries read line by line, each
//! compiled and run as one transaction, variables and classes kept between
//! entries, and the `:` commands. Run with `cargo test --test repl_cli`.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use common::{BIN, apexlite, assert_exit, org_dir, s, stderr, stdout};

/// Runs the REPL in `cwd` on `org` with `input` piped to it.
fn repl(cwd: &Path, org: &Path, extra: &[&str], input: &str) -> Output {
    repl_bytes(cwd, org, extra, input.as_bytes())
}

/// [`repl`] with input that need not be UTF-8.
fn repl_bytes(cwd: &Path, org: &Path, extra: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(BIN)
        .arg("repl")
        .args(["--org", s(org)])
        .args(extra)
        .current_dir(cwd)
        .env_remove("APEXLITE_ORG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the apexlite binary runs");
    let mut stdin = child.stdin.take().expect("piped stdin");
    stdin.write_all(input).expect("input written");
    drop(stdin);
    child.wait_with_output().expect("the REPL ends")
}

#[test]
fn variables_and_classes_persist_between_entries() {
    let (dir, org) = org_dir();
    let input = "Integer x = 20;\n\
                 x + 1\n\
                 class Counter { Integer n = 0; Integer next() { n++; return n; } }\n\
                 Counter c = new Counter();\n\
                 c.next();\n\
                 c.next()\n\
                 x = x * 2;\n\
                 x\n";
    let out = repl(dir.path(), &org, &[], input);
    assert_exit(&out, 0, "persistence");
    assert_eq!(stdout(&out), "21\n2\n40\n");
}

#[test]
fn a_class_declared_later_leaves_earlier_objects_working() {
    let (dir, org) = org_dir();
    let input = "class Box { Integer v; Box(Integer v) { this.v = v; } \
                 Integer get() { return v; } \
                 public class Inner { public String name() { return 'inner'; } } }\n\
                 Box b = new Box(7);\n\
                 Box.Inner i = new Box.Inner();\n\
                 class Later { Integer get() { return -1; } }\n\
                 b.get()\n\
                 i.name()\n\
                 new Later().get()\n";
    let out = repl(dir.path(), &org, &[], input);
    assert_exit(&out, 0, "later class");
    assert_eq!(stdout(&out), "7\ninner\n-1\n");
}

#[test]
fn declaring_a_variable_again_replaces_it() {
    let (dir, org) = org_dir();
    let input = "Integer x = 1;\nString x = 'now a string';\nx.toUpperCase()\n";
    let out = repl(dir.path(), &org, &[], input);
    assert_exit(&out, 0, "redeclaration");
    assert_eq!(stdout(&out), "NOW A STRING\n");
}

#[test]
fn an_entry_continues_while_a_bracket_is_open() {
    let (dir, org) = org_dir();
    let input = "for (Integer i = 0;\n     i < 3; i++) {\n  System.debug('line ' + i);\n}\n\
                 List<Integer> xs = new List<Integer>{\n  1,\n  2\n};\nxs.size()\n";
    let out = repl(dir.path(), &org, &[], input);
    assert_exit(&out, 0, "multi-line");
    assert_eq!(stdout(&out), "line 0\nline 1\nline 2\n2\n");
}

#[test]
fn an_error_is_shown_and_the_next_entry_runs() {
    let (dir, org) = org_dir();
    let input = "Integer x = ;\nInteger y = 1 / 0;\nInteger z = 3;\nz\n";
    let out = repl(dir.path(), &org, &[], input);
    assert_exit(&out, 1, "error then good entry");
    assert_eq!(stdout(&out), "3\n");
    let err = stderr(&out);
    assert!(err.contains("Error: Unexpected token ';'."), "{err}");
    assert!(err.contains("<entry 1>:1:13"), "{err}");
    assert!(err.contains("System.MathException: Divide by 0\nAnonymousBlock: line 1, column 13"));
}

#[test]
fn each_entry_is_a_transaction_of_its_own() {
    let (dir, org) = org_dir();
    let input = "Account a = new Account(Name = 'Kept');\ninsert a;\n\
                 insert new Account(Name = 'Lost'); Integer boom = 1 / 0;\n\
                 [SELECT COUNT() FROM Account]\n";
    let out = repl(dir.path(), &org, &[], input);
    assert_exit(&out, 1, "transactions");
    assert_eq!(stdout(&out), "1\n");
    let names = apexlite(
        dir.path(),
        &["query", "SELECT Name FROM Account", "--org", s(&org)],
    );
    assert_eq!(
        stdout(&names),
        "Name\nKept\nTotal number of records retrieved: 1.\n"
    );
}

#[test]
fn records_print_as_field_tables_and_lists_as_tables() {
    let (dir, org) = org_dir();
    let input = "insert new List<Account>{new Account(Name = 'A'), new Account(Name = 'B')};\n\
                 Account a = [SELECT Name FROM Account WHERE Name = 'A'];\n\
                 a\n\
                 [SELECT Name, Owner.Username FROM Account ORDER BY Name]\n\
                 new List<Integer>{1, 2}\n";
    let out = repl(dir.path(), &org, &[], input);
    assert_exit(&out, 0, "record display");
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "Account");
    assert!(lines[1].starts_with("  Id    001"), "{text}");
    assert_eq!(lines[2], "  Name  A");
    // The query fills in OwnerId, the reference leading to the parent.
    assert_eq!(
        lines[3],
        "Id                  Name  OwnerId             Owner.Id            Owner.Username"
    );
    assert!(
        lines[4].ends_with("  A     005Al0000000001IAA  005Al0000000001IAA  admin@apexlite.local"),
        "{text}"
    );
    assert!(lines[5].contains("  B  "), "{text}");
    assert_eq!(lines[6..], ["2 records", "(1, 2)"]);
}

#[test]
fn help_lists_every_command() {
    let (dir, org) = org_dir();
    let out = repl(dir.path(), &org, &[], ":help\n");
    assert_exit(&out, 0, ":help");
    let text = stdout(&out);
    for command in [
        ":help",
        ":quit",
        ":describe OBJECT",
        ":load FILE",
        ":reset",
        ":limits",
    ] {
        assert!(text.contains(command), "{command} missing from\n{text}");
    }
    assert!(text.contains(":as USERNAME"), "{text}");
}

#[test]
fn quit_stops_reading() {
    let (dir, org) = org_dir();
    let out = repl(
        dir.path(),
        &org,
        &[],
        "System.debug('before');\n:quit\nSystem.debug('after');\n",
    );
    assert_exit(&out, 0, ":quit");
    assert_eq!(stdout(&out), "before\n");
}

#[test]
fn describe_shows_types_required_fields_and_picklists() {
    let (dir, org) = org_dir();
    let out = repl(dir.path(), &org, &[], ":describe user\n:describe Nothing\n");
    // A refused command makes the exit status 1; the session goes on.
    assert_exit(&out, 1, ":describe");
    let text = stdout(&out);
    assert!(text.starts_with("User\nFIELD "), "{text}");
    let line = |field: &str| {
        text.lines()
            .find(|l| l.split_whitespace().next() == Some(field))
            .unwrap_or_default()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert_eq!(line("Username"), "Username String(80) yes unique; idLookup");
    assert_eq!(line("ProfileId"), "ProfileId Reference yes to Profile");
    assert!(line("LanguageLocaleKey").contains("en_US"), "{text}");
    assert_eq!(stderr(&out), "No sObject named Nothing\n");
}

#[test]
fn load_adds_a_class_or_runs_a_script() {
    let (dir, org) = org_dir();
    std::fs::write(
        dir.path().join("Greeter.cls"),
        "public class Greeter { public static String hello(String n) { return 'Hi ' + n; } }",
    )
    .expect("class written");
    std::fs::write(dir.path().join("setup.apex"), "Integer loaded = 42;\n").expect("script");
    std::fs::write(
        dir.path().join("Broken.cls"),
        "public class Broken { Integer x = 'a'; }",
    )
    .expect("class written");
    let input = ":load Greeter.cls\nGreeter.hello('Ann')\n:load setup.apex\nloaded + 1\n\
                 :load Broken.cls\n:load missing.cls\nGreeter.hello('Bo')\n";
    let out = repl(dir.path(), &org, &[], input);
    // A refused command makes the exit status 1; the session goes on.
    assert_exit(&out, 1, ":load");
    assert_eq!(stdout(&out), "Loaded Greeter.cls\nHi Ann\n43\nHi Bo\n");
    let err = stderr(&out);
    assert!(
        err.contains("Illegal assignment from String to Integer"),
        "{err}"
    );
    assert!(err.contains("Broken.cls:1:"), "{err}");
    assert!(err.contains("Cannot read missing.cls"), "{err}");
}

#[test]
fn classes_on_the_path_are_in_scope() {
    let (dir, org) = org_dir();
    let classes = dir.path().join("classes");
    std::fs::create_dir(&classes).expect("folder");
    std::fs::write(
        classes.join("Calc.cls"),
        "public class Calc { public static Integer twice(Integer x) { return 2 * x; } }",
    )
    .expect("class written");
    let out = repl(
        dir.path(),
        &org,
        &["--path", s(&classes)],
        "Calc.twice(21)\n",
    );
    assert_exit(&out, 0, "--path");
    assert_eq!(stdout(&out), "42\n");
}

#[test]
fn reset_forgets_variables_and_typed_classes() {
    let (dir, org) = org_dir();
    let input = "Integer x = 1;\nclass Temp {}\n:reset\nx\nTemp t;\nInteger x = 2;\nx\n";
    let out = repl(dir.path(), &org, &[], input);
    assert_exit(&out, 1, ":reset");
    assert_eq!(
        stdout(&out),
        "Variables, methods and classes typed at the prompt are forgotten.\n2\n"
    );
    let err = stderr(&out);
    assert!(err.contains("Variable does not exist: x"), "{err}");
    assert!(err.contains("Invalid type: Temp"), "{err}");
}

#[test]
fn limits_report_the_last_entry() {
    let (dir, org) = org_dir();
    let input = "List<User> us = [SELECT Id FROM User];\ninsert new Account(Name = 'A');\n\
                 :limits\nInteger n = 1;\n:limits\n";
    let out = repl(dir.path(), &org, &[], input);
    assert_exit(&out, 0, ":limits");
    let text = stdout(&out);
    let reports: Vec<&str> = text.split("SOQL queries").skip(1).collect();
    assert_eq!(reports.len(), 2, "{text}");
    assert!(
        reports[0].starts_with("    0 of 100\nQuery rows      0 of 50000\n"),
        "{text}"
    );
    assert!(reports[0].contains("DML statements  1 of 150\nDML rows        1 of 10000"));
    assert!(reports[1].contains("DML statements  0 of 150"), "{text}");
}

#[test]
fn as_switches_the_running_user() {
    let (dir, org) = org_dir();
    let input = ":as nobody@example.com\n:as ADMIN@apexlite.local\nUserInfo.getUserName()\n";
    let out = repl(dir.path(), &org, &[], input);
    // A refused command makes the exit status 1; the session goes on.
    assert_exit(&out, 1, ":as");
    assert_eq!(
        stdout(&out),
        "Running as admin@apexlite.local\nadmin@apexlite.local\n"
    );
    assert_eq!(
        stderr(&out),
        "no user with username 'nobody@example.com' in this org\n"
    );
}

#[test]
fn unknown_commands_are_named() {
    let (dir, org) = org_dir();
    let out = repl(dir.path(), &org, &[], ":frobnicate\n:describe\n");
    // A refused command makes the exit status 1; the session goes on.
    assert_exit(&out, 1, "unknown command");
    assert_eq!(
        stderr(&out),
        "Unknown command :frobnicate; :help lists the commands\nUsage: :describe OBJECT\n"
    );
}

/// Methods declared at the top level of an entry stay callable; an
/// exception in one reports its line in the entry that declared it.
#[test]
fn methods_declared_at_the_prompt_persist() {
    let (dir, org) = org_dir();
    let input = "Integer sq(Integer x) { return x * x; } System.debug(sq(3));\n\
                 sq(4)\n\
                 Integer boom(Integer x) {\n  return x / 0;\n}\n\
                 sq(2) + boom(1)\n\
                 Integer sq(Integer x) { return 0; }\n";
    let out = repl(dir.path(), &org, &[], input);
    assert_exit(&out, 1, "prompt methods");
    assert_eq!(stdout(&out), "9\n16\n");
    let err = stderr(&out);
    assert!(
        err.contains("System.MathException: Divide by 0\nAnonymousBlock: line 2, column 10\n"),
        "{err}"
    );
    assert!(err.contains("Method already defined: sq"), "{err}");
}

#[test]
fn an_entry_left_open_at_the_end_of_input_reports_its_error() {
    let (dir, org) = org_dir();
    let out = repl(dir.path(), &org, &[], "System.debug(1);\nif (true) {\n");
    assert_exit(&out, 1, "open entry");
    assert_eq!(stdout(&out), "1\n");
    assert!(stderr(&out).contains("<entry 2>"), "{}", stderr(&out));
}

/// Each entry is a transaction, and static fields last one transaction on
/// the platform; instance fields of a kept object stay.
#[test]
fn static_fields_start_again_with_each_entry() {
    let (dir, org) = org_dir();
    let input = "class Tally { static Integer runs = 0; Integer own = 0; }\n\
                 Tally t = new Tally();\n\
                 Tally.runs++; t.own++;\n\
                 Tally.runs++; t.own++;\n\
                 Tally.runs + ' ' + t.own\n";
    let out = repl(dir.path(), &org, &[], input);
    assert_exit(&out, 0, "statics");
    assert_eq!(stdout(&out), "0 2\n");
}

#[test]
fn a_failed_entry_drops_its_declarations_and_keeps_changes() {
    let (dir, org) = org_dir();
    let input = "Integer x = 1;\nInteger y = 2;\n\
                 Integer x = 10; y = 20; Integer z = 3; Integer boom = 1 / 0;\n\
                 x + ' ' + y\nz\n";
    let out = repl(dir.path(), &org, &[], input);
    assert_exit(&out, 1, "failed entry");
    assert_eq!(stdout(&out), "1 20\n");
    let err = stderr(&out);
    assert!(err.contains("System.MathException: Divide by 0"), "{err}");
    assert!(err.contains("Variable does not exist: z"), "{err}");
}

#[test]
fn a_line_that_is_not_utf8_is_refused_and_the_session_goes_on() {
    let (dir, org) = org_dir();
    let input = b"1 + 1\ninsert new Account(Name = 'Caf\xe9');\n2 + 2\n";
    let out = repl_bytes(dir.path(), &org, &[], input);
    assert_exit(&out, 1, "input with a line that is not UTF-8");
    assert_eq!(stdout(&out), "2\n4\n");
    assert!(
        stderr(&out).contains("error: line 2 of the input is not valid UTF-8 text"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn refused_commands_make_the_exit_status_1() {
    let (dir, org) = org_dir();
    for command in [
        ":as nobody@example.com",
        ":describe Nope",
        ":load missing.cls",
        ":bogus",
    ] {
        let out = repl(dir.path(), &org, &[], &format!("{command}\n1 + 1\n"));
        assert_exit(&out, 1, command);
        assert_eq!(stdout(&out), "2\n", "{command}: later entries still run");
    }
}

#[test]
fn triggers_on_the_path_or_loaded_fire_on_entries() {
    let (dir, org) = org_dir();
    let classes = dir.path().join("classes");
    std::fs::create_dir(&classes).expect("folder");
    std::fs::write(
        classes.join("Named.trigger"),
        "trigger Named on Account (before insert) {\n\
         for (Account a : Trigger.new) { a.Description = 'named ' + a.Name; }\n}\n",
    )
    .expect("trigger written");
    std::fs::write(
        dir.path().join("Loud.trigger"),
        "trigger Loud on Contact (after insert) { System.debug('saved ' + Trigger.size); }",
    )
    .expect("trigger written");
    let input = "Account a = new Account(Name = 'Acme');\ninsert a;\n\
                 [SELECT Description FROM Account].Description\n\
                 :load Loud.trigger\ninsert new Contact(LastName = 'Ng');\n";
    let out = repl(dir.path(), &org, &["--path", s(&classes)], input);
    assert_exit(&out, 0, "triggers in the REPL");
    assert_eq!(stdout(&out), "named Acme\nLoaded Loud.trigger\nsaved 1\n");
}
