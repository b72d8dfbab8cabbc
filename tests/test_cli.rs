//! `apexlite test`: test classes under `tests/projects/` run through the
//! binary: results and messages, isolation, `@testSetup`, `Test` and
//! `Assert`, `System.runAs`, filters, JSON and JUnit reports, `SeeAllData`.
//! Run with `cargo test --test test_cli`.

mod common;

use std::path::PathBuf;

use common::{apexlite, assert_exit, org_dir, s, stderr, stdout};

fn project(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("projects")
        .join(name)
}

/// Runs `apexlite test` on a project with a throwaway org.
fn run_tests(name: &str, extra: &[&str]) -> std::process::Output {
    let dir = project(name);
    let mut args = vec!["test", s(&dir), "--org", ":memory:"];
    args.extend_from_slice(extra);
    apexlite(&dir, &args)
}

/// The report with timings replaced by `N`, so it can be compared.
fn without_times(report: &str) -> String {
    let per_test = regex::Regex::new(r"[0-9]+\.[0-9] ms$").expect("pattern");
    let total = regex::Regex::new(r"^ran ([0-9]+) tests in [0-9]+ ms$").expect("pattern");
    report
        .lines()
        .map(|l| {
            let l = per_test.replace(l, "N ms");
            let l = total.replace(&l, "ran $1 tests in N ms");
            format!("{l}\n")
        })
        .collect()
}

#[test]
fn every_assertion_reports_its_message() {
    let out = run_tests("assertions", &[]);
    assert_exit(&out, 1, "assertions project");
    let expected = std::fs::read_to_string(project("assertions.expected")).expect("golden file");
    assert_eq!(without_times(&stdout(&out)), expected);
}

#[test]
fn a_test_run_reports_each_method_and_the_totals() {
    let out = run_tests("testrun", &[]);
    assert_exit(&out, 1, "testrun project");
    let report = without_times(&stdout(&out));
    for passed in [
        "LimitsTest.startTestGivesFreshLimits",
        "LimitsTest.runsAsAnotherUser",
        "RegistrationTest.createsContactlessUser",
        "RegistrationTest.setupRecordsAreVisibleAndRestored",
        "RegistrationTest.eachTestStartsFromTheSetupData",
        "RegistrationTest.staticVariablesStartOverInEachTest",
        "RegistrationTest.staticVariablesStartOverAgain",
        "RegistrationTest.refusesADuplicateUsername",
    ] {
        assert!(
            report.contains(&format!("PASS  {passed}  N ms\n")),
            "{passed}:\n{report}"
        );
    }
    assert!(report.contains(
        "FAIL  LimitsTest.startTestTwiceIsRefused  N ms\n      \
         System.FinalException: Testing already started\n      \
         Class.LimitsTest.startTestTwiceIsRefused: line 19, column 9\n"
    ));
    assert!(report.contains(
        "FAIL  RegistrationTest.failsWithAnUncaughtException  N ms\n      \
         System.DmlException: Insert failed. First exception on row 0; first error: \
         REQUIRED_FIELD_MISSING, Required fields are missing: [Username, Email]: \
         [Username, Email]\n      \
         Class.RegistrationTest.failsWithAnUncaughtException: line 57, column 9\n"
    ));
    assert!(
        report.ends_with("ran 10 tests in N ms\n8 passed, 2 failed\n"),
        "{report}"
    );
}

#[test]
fn classes_run_in_parallel_report_in_the_same_order() {
    let one = run_tests("testrun", &["--jobs", "1"]);
    let two = run_tests("testrun", &["--jobs", "2"]);
    assert_eq!(without_times(&stdout(&one)), without_times(&stdout(&two)));
}

#[test]
fn filters_pick_classes_and_methods_in_any_case() {
    let out = run_tests(
        "testrun",
        &[
            "--filter",
            "limitstest",
            "--filter",
            "RegistrationTest.CREATESCONTACTLESSUSER",
        ],
    );
    assert_exit(&out, 1, "filtered run");
    let report = stdout(&out);
    assert!(report.contains("RegistrationTest.createsContactlessUser"));
    assert!(!report.contains("RegistrationTest.refusesADuplicateUsername"));
    assert!(report.ends_with("3 passed, 1 failed\n"), "{report}");

    let out = run_tests("testrun", &["--filter", "LimitsTest.noSuchMethod"]);
    assert_exit(&out, 2, "a filter that matches nothing");
    assert!(stderr(&out).contains("no test matches LimitsTest.noSuchMethod"));
}

#[test]
fn all_tests_passing_exits_zero() {
    let out = run_tests(
        "testrun",
        &["--filter", "RegistrationTest.createsContactlessUser"],
    );
    assert_exit(&out, 0, "one passing test");
    assert!(stdout(&out).ends_with("1 passed, 0 failed\n"));
}

#[test]
fn json_lists_every_result() {
    let out = run_tests("testrun", &["--json", "--filter", "LimitsTest"]);
    assert_exit(&out, 1, "json report");
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("valid JSON");
    assert_eq!(json["passed"], 2);
    assert_eq!(json["failed"], 1);
    let results = json["results"].as_array().expect("results");
    assert_eq!(results.len(), 3);
    let failed = &results[1];
    assert_eq!(failed["class"], "LimitsTest");
    assert_eq!(failed["method"], "startTestTwiceIsRefused");
    assert_eq!(failed["outcome"], "fail");
    assert_eq!(failed["exception"], "System.FinalException");
    assert_eq!(failed["message"], "Testing already started");
    assert_eq!(
        failed["trace"],
        "Class.LimitsTest.startTestTwiceIsRefused: line 19, column 9"
    );
    assert!(failed["time_ms"].is_number());
    assert_eq!(results[0]["outcome"], "pass");
}

#[test]
fn junit_xml_has_a_suite_per_class_and_a_case_per_method() {
    let (dir, _) = org_dir();
    let xml_path = dir.path().join("junit.xml");
    let out = run_tests("testrun", &["--junit", s(&xml_path)]);
    assert_exit(&out, 1, "junit report");
    let xml = std::fs::read_to_string(&xml_path).expect("the report was written");
    let doc = junit::parse(&xml);
    assert_eq!(doc.attr("tests"), "10");
    assert_eq!(doc.attr("failures"), "2");
    let suites: Vec<_> = doc.children.iter().map(|c| c.attr("name")).collect();
    assert_eq!(suites, ["LimitsTest", "RegistrationTest"]);
    let registration = &doc.children[1];
    assert_eq!(registration.attr("tests"), "7");
    assert_eq!(registration.attr("failures"), "1");
    let failed = registration
        .children
        .iter()
        .find(|c| c.attr("name") == "failsWithAnUncaughtException")
        .expect("the failed case");
    assert_eq!(failed.attr("classname"), "RegistrationTest");
    let failure = &failed.children[0];
    assert_eq!(failure.name, "failure");
    assert_eq!(failure.attr("type"), "System.DmlException");
    assert!(
        failure
            .text
            .contains("Class.RegistrationTest.failsWithAnUncaughtException")
    );
}

#[test]
fn tests_see_setup_data_only_unless_see_all_data_and_never_change_the_org_file() {
    let (dir, org) = org_dir();
    let seed = "insert new Account(Name = 'Org data'); \
        Profile p = [SELECT Id FROM Profile WHERE Name = 'External Identity User']; \
        insert new User(LastName = 'J', Email = 'jane@org.example', \
        Username = 'jane@org.example', Alias = 'j', LocaleSidKey = 'en_US', \
        TimeZoneSidKey = 'GMT', LanguageLocaleKey = 'en_US', EmailEncodingKey = 'UTF-8', \
        ProfileId = p.Id);";
    assert_exit(
        &apexlite(dir.path(), &["run", "-e", seed, "--org", s(&org)]),
        0,
        "seed the org file",
    );
    let before = std::fs::read(&org).expect("org file");
    let projects = project("see_all");
    let out = apexlite(dir.path(), &["test", s(&projects), "--org", s(&org)]);
    assert_exit(&out, 0, "see_all project");
    assert!(
        stdout(&out).ends_with("3 passed, 0 failed\n"),
        "{}",
        stdout(&out)
    );
    let after = std::fs::read(&org).expect("org file");
    assert!(before == after, "a test run changed the org file");
}

#[test]
fn misplaced_test_methods_are_compile_errors() {
    let out = run_tests("misplaced", &[]);
    assert_exit(&out, 3, "misplaced test methods");
    let err = stderr(&out);
    assert!(
        err.contains("Test methods must be in test classes"),
        "{err}"
    );
    assert!(err.contains("Misplaced.cls:3:17"), "{err}");
    assert!(err.contains("Test methods must be static"), "{err}");
    assert!(err.contains("Test methods cannot have parameters"), "{err}");
    assert!(
        err.contains("Test methods must have a void return type"),
        "{err}"
    );
    assert!(err.contains("MisplacedTest.cls:10:20"), "{err}");
    assert!(
        err.contains("Annotation parameter SeeAllData takes true or false"),
        "{err}"
    );
    assert!(err.contains("MisplacedTest.cls:14:24"), "{err}");
    assert!(
        err.contains("Unknown parameter for annotation isTest: Parallel"),
        "{err}"
    );
    assert!(err.contains("MisplacedTest.cls:17:13"), "{err}");
    assert_eq!(stdout(&out), "");
}

#[test]
fn triggers_in_the_tree_fire_in_test_methods() {
    let out = run_tests("with_trigger", &[]);
    assert_exit(&out, 0, "a tree with a trigger");
    let report = stdout(&out);
    assert!(
        report.contains("UserTriggerTest.fillsTheAliasBeforeTheRequiredCheck"),
        "{report}"
    );
    assert!(report.contains("2 passed, 0 failed"), "{report}");

    let out = run_tests("with_trigger", &["--coverage"]);
    assert_exit(&out, 0, "coverage of a tree with a trigger");
    let report = stdout(&out);
    let line = report.lines().find(|l| l.contains("UserTrigger.trigger"));
    assert!(
        line.is_some_and(|l| l.contains("2/2") && l.contains("100.0%")),
        "{report}"
    );
}

#[test]
fn a_class_is_initialised_on_first_use_in_each_test_method() {
    let out = run_tests("lazy_statics", &[]);
    assert_exit(&out, 1, "one test uses a class whose initialiser fails");
    let text = without_times(&stdout(&out));
    assert!(
        text.contains("PASS  GreeterTest.greetsWithoutTouchingSettings"),
        "{text}"
    );
    assert!(
        text.contains("PASS  GreeterTest.staticsStartAfreshInEachMethod"),
        "{text}"
    );
    assert!(
        text.contains(
            "FAIL  GreeterTest.readsSettings  N ms\n      \
             System.TypeException: Invalid integer: ten\n      \
             Class.Settings.<clinit>: line 2, column 38\n      \
             Class.GreeterTest.readsSettings: line 18, column 33\n"
        ),
        "{text}"
    );
    assert!(text.ends_with("2 passed, 1 failed\n"), "{text}");
}

#[test]
fn run_as_outside_a_test_throws() {
    let (dir, org) = org_dir();
    let code = "User me = [SELECT Id FROM User LIMIT 1]; System.runAs(me) { Integer x = 1; }";
    let out = apexlite(dir.path(), &["run", "-e", code, "--org", s(&org)]);
    assert_exit(&out, 1, "runAs in a script");
    assert!(
        stderr(&out)
            .contains("System.UnexpectedException: System.runAs can only be used in test methods")
    );
}

#[test]
fn test_methods_outside_a_test_run_throw() {
    let (dir, org) = org_dir();
    let out = apexlite(
        dir.path(),
        &[
            "run",
            "-e",
            "System.debug(Test.isRunningTest()); Test.startTest();",
            "--org",
            s(&org),
        ],
    );
    assert_exit(&out, 1, "Test.startTest in a script");
    assert_eq!(stdout(&out), "false\n");
    assert!(stderr(&out).contains("System.FinalException"));
}

/// A small reader of the JUnit report into elements, checking as it goes
/// that the document is well formed and that every element carries the
/// attributes the JUnit schema requires of it.
mod junit {
    use quick_xml::Reader;
    use quick_xml::events::Event;

    pub struct Element {
        pub name: String,
        pub attrs: Vec<(String, String)>,
        pub children: Vec<Element>,
        pub text: String,
    }

    impl Element {
        pub fn attr(&self, key: &str) -> &str {
            self.attrs
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.as_str())
                .unwrap_or_else(|| panic!("<{}> has no {key}", self.name))
        }
    }

    const REQUIRED: &[(&str, &[&str])] = &[
        ("testsuites", &["tests", "failures"]),
        (
            "testsuite",
            &["name", "tests", "failures", "errors", "skipped", "time"],
        ),
        ("testcase", &["name", "classname", "time"]),
        ("failure", &["type", "message"]),
        ("system-out", &[]),
    ];

    fn element(e: &quick_xml::events::BytesStart<'_>) -> Element {
        let name = e.name().as_ref().to_owned();
        let attrs: Vec<(String, String)> = e
            .attributes()
            .map(|a| {
                let a = a.expect("well-formed attribute");
                let value = a
                    .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    .expect("escaped value")
                    .into_owned();
                (a.key.as_ref().to_owned(), value)
            })
            .collect();
        let (_, required) = REQUIRED
            .iter()
            .find(|(n, _)| *n == name)
            .unwrap_or_else(|| panic!("unexpected element <{name}>"));
        for key in *required {
            assert!(attrs.iter().any(|(k, _)| k == key), "<{name}> lacks {key}");
        }
        Element {
            name,
            attrs,
            children: Vec::new(),
            text: String::new(),
        }
    }

    pub fn parse(xml: &str) -> Element {
        let mut reader = Reader::from_str(xml);
        let mut stack: Vec<Element> = Vec::new();
        loop {
            match reader.read_event().expect("well-formed XML") {
                Event::Start(e) => stack.push(element(&e)),
                Event::Empty(e) => {
                    let done = element(&e);
                    stack.last_mut().expect("a parent").children.push(done);
                }
                Event::Text(t) => {
                    if let Some(open) = stack.last_mut() {
                        open.text.push_str(&t.into_inner());
                    }
                }
                Event::GeneralRef(r) => {
                    if let Some(open) = stack.last_mut() {
                        let name = r.into_inner();
                        let c = match name.as_ref() {
                            "lt" => "<",
                            "gt" => ">",
                            "amp" => "&",
                            "quot" => "\"",
                            "apos" => "'",
                            other => panic!("unknown entity {other}"),
                        };
                        open.text.push_str(c);
                    }
                }
                Event::End(_) => {
                    let done = stack.pop().expect("balanced tags");
                    match stack.last_mut() {
                        Some(parent) => parent.children.push(done),
                        None => return done,
                    }
                }
                Event::Eof => panic!("the document ended inside an element"),
                _ => {}
            }
        }
    }
}

#[test]
fn the_registration_example_tests_pass_from_its_project_folder() {
    let example = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("scripts")
        .join("registration");
    let out = apexlite(&example, &["test", "--org", ":memory:"]);
    assert_exit(&out, 0, "the registration example's tests");
    let report = without_times(&stdout(&out));
    assert!(report.starts_with(
        "PASS  RegistrationTest.buildsAContactlessUser  N ms\n\
         PASS  RegistrationTest.keepsTheGoodRowsOfABatch  N ms\n\
         PASS  RegistrationTest.aliasKeepsEightCharacters  N ms\n"
    ));
    assert!(report.ends_with("3 passed, 0 failed\n"));
}

#[test]
fn a_missing_org_file_is_created_and_a_foreign_file_refused() {
    let (dir, org) = org_dir();
    let tests = project("testrun");
    let args = [
        "test",
        s(&tests),
        "--filter",
        "LimitsTest",
        "--org",
        s(&org),
    ];
    let out = apexlite(dir.path(), &args);
    assert_exit(&out, 1, "a run that creates the org");
    assert!(org.exists(), "the org file was created");

    let foreign = dir.path().join("notes.txt");
    std::fs::write(&foreign, "not an org").expect("write a file");
    let out = apexlite(dir.path(), &["test", s(&tests), "--org", s(&foreign)]);
    assert_exit(&out, 4, "a file that is not an org");
    assert!(stderr(&out).contains("cannot open org"), "{}", stderr(&out));
    assert_eq!(std::fs::read(&foreign).expect("read"), b"not an org");
}

#[test]
fn coverage_counts_the_runs_of_each_line_of_the_classes_under_test() {
    let (dir, _) = org_dir();
    let lcov = dir.path().join("coverage.info");
    let out = run_tests("coverage", &["--coverage-lcov", s(&lcov)]);
    assert_exit(&out, 0, "coverage project");
    let report = without_times(&stdout(&out));
    assert!(
        report.ends_with(
            "\nline coverage\n  Grader.cls        4/7   57.1%\n  total             4/7   57.1%\n\n\
             ran 2 tests in N ms\n2 passed, 0 failed\n"
        ),
        "{report}"
    );
    // The test class itself is not counted; `else if` is a line of its own.
    let expected = format!(
        "TN:\nSF:{}\nDA:3,3\nDA:4,1\nDA:5,2\nDA:6,0\nDA:8,2\nDA:12,0\nDA:13,0\n\
         LF:7\nLH:4\nend_of_record\n",
        s(&project("coverage").join("Grader.cls"))
    );
    assert_eq!(
        std::fs::read_to_string(&lcov).expect("lcov written"),
        expected
    );
}

#[test]
fn min_coverage_fails_a_run_below_it() {
    let out = run_tests("coverage", &["--min-coverage", "75"]);
    assert_exit(&out, 1, "coverage below the minimum");
    assert!(stdout(&out).ends_with("2 passed, 0 failed\n"));
    assert!(
        stderr(&out).contains("error: line coverage 57.1% is below the minimum of 75%"),
        "{}",
        stderr(&out)
    );
    let out = run_tests("coverage", &["--min-coverage", "50"]);
    assert_exit(&out, 0, "coverage above the minimum");
    let out = run_tests("coverage", &["--min-coverage", "150"]);
    assert_exit(&out, 2, "a percentage out of range");
}

#[test]
fn coverage_in_json_and_absent_unless_asked_for() {
    let out = run_tests("coverage", &["--json", "--coverage"]);
    assert_exit(&out, 0, "json with coverage");
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("valid JSON");
    let file = &json["coverage"]["files"][0];
    assert!(file["path"].as_str().expect("path").ends_with("Grader.cls"));
    assert_eq!(file["lines"][0]["line"], 3);
    assert_eq!(file["lines"][0]["hits"], 3);
    let out = run_tests("coverage", &["--json"]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("valid JSON");
    assert!(json.get("coverage").is_none());
    assert!(!stdout(&run_tests("coverage", &[])).contains("line coverage"));
}

#[test]
fn junit_escapes_characters_xml_cannot_hold() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let class = "@isTest private class EscTest {\n    @isTest static void colours() {\n        \
                 System.debug('\\u001b[32mgreen\\u001b[0m');\n        \
                 Assert.fail('bell \\u0007 here');\n    }\n}\n";
    std::fs::write(dir.path().join("EscTest.cls"), class).expect("write the class");
    let xml_path = dir.path().join("junit.xml");
    let args = ["test", ".", "--org", ":memory:", "--junit", s(&xml_path)];
    let out = apexlite(dir.path(), &args);
    assert_exit(&out, 1, "a failing test with control characters");
    let xml = std::fs::read_to_string(&xml_path).expect("the report was written");
    assert!(
        !xml.chars()
            .any(|c| c < ' ' && !matches!(c, '\n' | '\r' | '\t')),
        "{xml}"
    );
    assert!(xml.contains("\\u{1b}[32mgreen"), "{xml}");
    assert!(xml.contains("bell \\u{7} here"), "{xml}");
    junit::parse(&xml);
}

#[test]
fn portal_users_of_the_org_keep_their_contacts_in_an_isolated_test() {
    let (dir, org) = org_dir();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    for script in ["contactless_user.apex", "attach_contact.apex"] {
        let path = root.join("scripts").join(script);
        let out = apexlite(dir.path(), &["run", s(&path), "--org", s(&org)]);
        assert_exit(&out, 0, script);
    }
    let loose = "insert new Account(Name = 'Loose');";
    assert_exit(
        &apexlite(dir.path(), &["run", "-e", loose, "--org", s(&org)]),
        0,
        "an account no user needs",
    );
    let tests = project("portal_user");
    let out = apexlite(dir.path(), &["test", s(&tests), "--org", s(&org)]);
    assert_exit(&out, 0, "a test updating a portal user of the org");
    assert!(
        stdout(&out).ends_with("1 passed, 0 failed\n"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_failure_shows_every_frame_of_its_stack_trace() {
    let out = run_tests("stack", &[]);
    assert_exit(&out, 1, "a failure deep in a call chain");
    assert!(
        without_times(&stdout(&out)).starts_with(
            "FAIL  DeepTest.deepStack  N ms\n      \
             System.NullPointerException: Attempt to de-reference a null object\n      \
             Class.DeepTest.b: line 5, column 9\n      \
             Class.DeepTest.a: line 9, column 9\n      \
             Class.DeepTest.deepStack: line 14, column 9\n"
        ),
        "{}",
        stdout(&out)
    );
}
