//! The command line: how scripts are given, where the org lives, exit statuses.
//!
//! These need flags, environment variables or a working directory of their own,
//! so they are Rust tests rather than fixtures. Run with `cargo test --test cli`.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use tempfile::TempDir;

use common::{BIN, assert_exit, stderr, stdout};

/// The script the README runs first.
const README_SCRIPT: &str = "scripts/contactless_user.apex";

/// Counts the users the README script creates.
const COUNT_JANE: &str =
    "System.debug([SELECT COUNT() FROM User WHERE Username = 'janedoe@test.com']);";

/// A way to start the binary: arguments, working directory, environment, stdin.
struct Run<'a> {
    args: Vec<&'a str>,
    cwd: PathBuf,
    env: Vec<(&'a str, &'a str)>,
    stdin: Option<&'a str>,
}

impl<'a> Run<'a> {
    fn new(args: &[&'a str], cwd: &Path) -> Run<'a> {
        Run {
            args: args.to_vec(),
            cwd: cwd.to_path_buf(),
            env: Vec::new(),
            stdin: None,
        }
    }

    fn env(mut self, key: &'a str, value: &'a str) -> Run<'a> {
        self.env.push((key, value));
        self
    }

    fn stdin(mut self, text: &'a str) -> Run<'a> {
        self.stdin = Some(text);
        self
    }

    /// Starts the run without waiting for it; stdin is closed.
    fn spawn(self) -> std::process::Child {
        let mut cmd = Command::new(BIN);
        cmd.args(&self.args)
            .current_dir(&self.cwd)
            .env_remove("APEXLITE_ORG")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        cmd.spawn().expect("the apexlite binary starts")
    }

    /// Runs to completion; the org variable of the calling shell is never inherited.
    fn output(self) -> Output {
        let mut cmd = Command::new(BIN);
        cmd.args(&self.args)
            .current_dir(&self.cwd)
            .env_remove("APEXLITE_ORG");
        cmd.envs(self.env.iter().copied());
        cmd.stdin(if self.stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        });
        cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("the apexlite binary starts");
        if let (Some(text), Some(mut pipe)) = (self.stdin, child.stdin.take()) {
            // A child that exits without reading closes the pipe; its exit status
            // is what the test checks, so a failed write is not the failure.
            let _ = pipe.write_all(text.as_bytes());
        }
        child
            .wait_with_output()
            .expect("apexlite runs to completion")
    }
}

fn crate_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn readme_script() -> String {
    crate_root()
        .join(README_SCRIPT)
        .to_string_lossy()
        .into_owned()
}

fn temp_dir() -> TempDir {
    tempfile::tempdir().expect("a temporary directory")
}

fn path_str(path: &Path) -> &str {
    path.to_str().expect("temporary paths are UTF-8")
}

/// True when `line` is `created ` followed by an 18-character User Id.
fn is_created_line(line: &str) -> bool {
    line.strip_prefix("created ").is_some_and(|id| {
        id.len() == 18 && id.starts_with("005") && id.bytes().all(|b| b.is_ascii_alphanumeric())
    })
}

#[test]
fn inline_code_runs_with_e() {
    let tmp = temp_dir();
    let out = Run::new(
        &[
            "run",
            "-e",
            "System.debug('hi'); System.debug(1 + 2);",
            "--org",
            ":memory:",
        ],
        tmp.path(),
    )
    .output();
    assert_exit(&out, 0, "run -e");
    assert_eq!(stdout(&out), "hi\n3\n");
}

#[test]
fn dash_reads_the_script_from_stdin() {
    let tmp = temp_dir();
    let out = Run::new(&["run", "-", "--org", ":memory:"], tmp.path())
        .stdin("System.debug('from stdin');\n")
        .output();
    assert_exit(&out, 0, "run -");
    assert_eq!(stdout(&out), "from stdin\n");
}

#[test]
fn readme_first_command_creates_a_contactless_user() {
    // Exactly the README's arguments, from the crate root.
    let out = Run::new(&["run", README_SCRIPT, "--org", ":memory:"], &crate_root()).output();
    assert_exit(&out, 0, "README command");
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines.len() == 1 && is_created_line(lines[0]),
        "stdout was {text:?}"
    );
}

#[test]
fn readme_check_command_sees_the_user_from_a_second_process() {
    let tmp = temp_dir();
    let org = tmp.path().join("org.db");
    let org = path_str(&org);
    let script = readme_script();
    let first = Run::new(&["run", &script, "--org", org], tmp.path()).output();
    assert_exit(&first, 0, "creating the user");

    let check = "System.debug([SELECT Id, Username, UserType, ContactId FROM User \
                 WHERE Username = 'janedoe@test.com']);";
    let out = Run::new(&["run", "-e", check, "--org", org], tmp.path()).output();
    assert_exit(&out, 0, "README check command");
    let text = stdout(&out);
    assert_eq!(text.lines().count(), 1, "one debug line: {text:?}");
    assert!(
        text.contains("janedoe@test.com"),
        "username shown: {text:?}"
    );
    assert!(text.contains("CspLitePortal"), "user type shown: {text:?}");
}

#[test]
fn a_second_process_sees_the_first_ones_user() {
    let tmp = temp_dir();
    let org = tmp.path().join("persist.db");
    let org = path_str(&org);
    let script = readme_script();
    assert_exit(
        &Run::new(&["run", &script, "--org", org], tmp.path()).output(),
        0,
        "insert",
    );
    let out = Run::new(&["run", "-e", COUNT_JANE, "--org", org], tmp.path()).output();
    assert_exit(&out, 0, "count");
    assert_eq!(stdout(&out), "1\n");
}

#[test]
fn org_path_comes_from_the_environment() {
    let tmp = temp_dir();
    let org = tmp.path().join("from-env.db");
    let script = readme_script();
    let out = Run::new(&["run", &script], tmp.path())
        .env("APEXLITE_ORG", path_str(&org))
        .output();
    assert_exit(&out, 0, "run with APEXLITE_ORG");
    assert!(org.is_file(), "APEXLITE_ORG names the org file");
    assert!(
        !tmp.path().join(".apexlite").exists(),
        "the default org is not used"
    );

    let out = Run::new(
        &["run", "-e", COUNT_JANE, "--org", path_str(&org)],
        tmp.path(),
    )
    .output();
    assert_exit(&out, 0, "count through --org");
    assert_eq!(stdout(&out), "1\n");
}

#[test]
fn org_flag_wins_over_the_environment() {
    let tmp = temp_dir();
    let from_env = tmp.path().join("env.db");
    let from_flag = tmp.path().join("flag.db");
    let out = Run::new(
        &["run", "-e", "Integer x = 1;", "--org", path_str(&from_flag)],
        tmp.path(),
    )
    .env("APEXLITE_ORG", path_str(&from_env))
    .output();
    assert_exit(&out, 0, "run with both");
    assert!(from_flag.is_file(), "--org is used");
    assert!(
        !from_env.exists(),
        "APEXLITE_ORG is ignored when --org is given"
    );
}

#[test]
fn default_org_is_created_under_the_current_directory() {
    let tmp = temp_dir();
    let default_org = tmp.path().join(".apexlite").join("org.db");
    assert!(!default_org.exists());
    let script = readme_script();
    assert_exit(
        &Run::new(&["run", &script], tmp.path()).output(),
        0,
        "first run",
    );
    assert!(
        default_org.is_file(),
        ".apexlite/org.db is created on first use"
    );

    let out = Run::new(&["run", "-e", COUNT_JANE], tmp.path()).output();
    assert_exit(&out, 0, "second run");
    assert_eq!(
        stdout(&out),
        "1\n",
        "the second run uses the same default org"
    );
}

#[test]
fn memory_org_leaves_no_file_and_keeps_nothing() {
    let tmp = temp_dir();
    let script = readme_script();
    for attempt in ["first", "second"] {
        // The same username twice succeeds: nothing survives a :memory: run.
        let out = Run::new(&["run", &script, "--org", ":memory:"], tmp.path()).output();
        assert_exit(&out, 0, attempt);
    }
    let left: Vec<_> = std::fs::read_dir(tmp.path())
        .expect("temp dir lists")
        .collect();
    assert!(left.is_empty(), "a :memory: org writes no file: {left:?}");
}

#[test]
fn missing_script_file_is_exit_4() {
    let tmp = temp_dir();
    let missing = tmp.path().join("no-such-script.apex");
    let out = Run::new(
        &["run", path_str(&missing), "--org", ":memory:"],
        tmp.path(),
    )
    .output();
    assert_exit(&out, 4, "missing script");
    assert!(
        stderr(&out).contains("no-such-script.apex"),
        "stderr names the file"
    );
}

#[test]
fn run_without_a_script_is_a_usage_error() {
    let tmp = temp_dir();
    let out = Run::new(&["run", "--org", ":memory:"], tmp.path()).output();
    assert_exit(&out, 2, "run with neither FILE nor -e");
}

#[test]
fn unknown_flag_is_a_usage_error() {
    let tmp = temp_dir();
    let out = Run::new(&["run", "--no-such-flag", "x.apex"], tmp.path()).output();
    assert_exit(&out, 2, "unknown flag");
    assert!(stdout(&out).is_empty(), "usage errors go to stderr");
}

#[test]
fn unknown_command_is_a_usage_error() {
    let tmp = temp_dir();
    let out = Run::new(&["frobnicate"], tmp.path()).output();
    assert_exit(&out, 2, "unknown subcommand");
}

#[test]
fn a_file_that_is_not_a_database_is_exit_4() {
    let tmp = temp_dir();
    let org = tmp.path().join("notes.db");
    let junk = "these are notes, not an org\n".repeat(64);
    std::fs::write(&org, &junk).expect("write junk");
    let out = Run::new(
        &["run", "-e", "Integer x = 1;", "--org", path_str(&org)],
        tmp.path(),
    )
    .output();
    assert_exit(&out, 4, "org file that is not SQLite");
    let after = std::fs::read_to_string(&org).expect("junk still readable");
    assert_eq!(after, junk, "a file that is not an org is left alone");
}

#[test]
fn a_database_that_is_not_an_org_is_exit_4() {
    let tmp = temp_dir();
    let org = tmp.path().join("other.db");
    {
        let db = rusqlite::Connection::open(&org).expect("create a foreign database");
        db.execute_batch("CREATE TABLE recipes (name TEXT); INSERT INTO recipes VALUES ('soup');")
            .expect("fill it");
    }
    let before = std::fs::read(&org).expect("read foreign db");
    let out = Run::new(
        &["run", "-e", "Integer x = 1;", "--org", path_str(&org)],
        tmp.path(),
    )
    .output();
    assert_exit(&out, 4, "SQLite file that is not an apexlite org");
    assert_eq!(
        std::fs::read(&org).expect("reread"),
        before,
        "it is left alone"
    );
}

#[test]
fn failed_run_leaves_the_org_file_unchanged() {
    let tmp = temp_dir();
    let org = tmp.path().join("org.db");
    let org = path_str(&org);
    let script = readme_script();
    assert_exit(
        &Run::new(&["run", &script, "--org", org], tmp.path()).output(),
        0,
        "first",
    );
    let before = std::fs::read(org).expect("org exists");
    let out = Run::new(&["run", &script, "--org", org], tmp.path()).output();
    assert_exit(&out, 1, "second run: duplicate username");
    assert!(stdout(&out).is_empty(), "nothing printed: the insert threw");
    assert!(
        stderr(&out).contains("DUPLICATE_USERNAME"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        std::fs::read(org).expect("org still exists"),
        before,
        "org unchanged"
    );
}

#[test]
fn a_runaway_loop_ends_at_the_cpu_time_limit() {
    let tmp = temp_dir();
    let code = "Integer i = 0;\nwhile (true) {\n    i++;\n}";
    let args = [
        "run",
        "-e",
        code,
        "--org",
        ":memory:",
        "--cpu-limit-ms",
        "200",
    ];
    let out = Run::new(&args, tmp.path()).output();
    assert_exit(&out, 1, "endless loop");
    let err = stderr(&out);
    assert!(
        err.contains("System.LimitException: Apex CPU time limit exceeded"),
        "{err}"
    );
    assert!(err.contains("AnonymousBlock: line 2"), "{err}");
}

#[test]
fn a_script_that_is_not_utf8_is_a_compile_error_at_the_bad_byte() {
    let tmp = temp_dir();
    let script = tmp.path().join("latin1.apex");
    std::fs::write(&script, b"System.debug('a');\nSystem.debug('\xff');\n").expect("write");
    let out = Run::new(&["run", path_str(&script), "--org", ":memory:"], tmp.path()).output();
    assert_exit(&out, 3, "a script with a byte that is not UTF-8");
    let err = stderr(&out);
    assert!(err.contains("The file is not valid UTF-8 text"), "{err}");
    assert!(err.contains("latin1.apex:2:15"), "{err}");
    assert_eq!(stdout(&out), "", "nothing ran");
}

#[test]
fn check_reports_a_file_that_is_not_utf8_and_goes_on() {
    let tmp = temp_dir();
    std::fs::write(tmp.path().join("a.apex"), b"System.debug('\xff');\n").expect("write");
    std::fs::write(tmp.path().join("b.apex"), b"System.debug(1)\n").expect("write");
    std::fs::write(tmp.path().join("c.apex"), b"System.debug(1);\n").expect("write");
    let args = ["check", path_str(tmp.path()), "--format", "short"];
    let out = Run::new(&args, tmp.path()).output();
    assert_exit(&out, 1, "check with a file that is not UTF-8");
    let text = stdout(&out);
    assert!(
        text.contains("a.apex:1:15: The file is not valid UTF-8 text"),
        "{text}"
    );
    assert!(text.contains("b.apex:"), "{text}");
    assert!(text.ends_with("checked 3 files, 2 with errors\n"), "{text}");

    let one = tmp.path().join("c.apex");
    let out = Run::new(&["check", path_str(&one)], tmp.path()).output();
    assert_eq!(stdout(&out), "checked 1 file, 0 with errors\n");
}

#[test]
#[cfg(unix)]
fn linked_folders_are_not_followed_so_a_loop_cannot_hang_a_walk() {
    let tmp = temp_dir();
    std::fs::write(tmp.path().join("a.apex"), b"System.debug(1);\n").expect("write");
    std::os::unix::fs::symlink(".", tmp.path().join("self")).expect("link");
    std::os::unix::fs::symlink(".", tmp.path().join("again")).expect("link");
    let out = Run::new(&["check", path_str(tmp.path())], tmp.path()).output();
    assert_exit(&out, 0, "check of a tree with links back into itself");
    assert_eq!(stdout(&out), "checked 1 file, 0 with errors\n");
}

#[test]
fn a_closed_standard_error_does_not_crash_a_failing_run() {
    let runs: [&[&str]; 2] = [
        &["run", "-e", "Integer x = 1 / 0;", "--org", ":memory:"],
        &["query", "SELECT Nope FROM User", "--org", ":memory:"],
    ];
    for args in runs {
        let mut child = std::process::Command::new(BIN)
            .args(args)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("apexlite starts");
        // The reader goes away before apexlite reports the exception.
        drop(child.stderr.take());
        let status = child.wait().expect("apexlite ends");
        assert_eq!(
            status.code(),
            Some(1),
            "{args:?}: an exception, not a crash"
        );
    }
}

#[test]
fn a_cpu_limit_of_zero_is_a_usage_error() {
    let tmp = temp_dir();
    let args = [
        "run",
        "-e",
        "Integer x;",
        "--org",
        ":memory:",
        "--cpu-limit-ms",
        "0",
    ];
    let out = Run::new(&args, tmp.path()).output();
    assert_exit(&out, 2, "--cpu-limit-ms 0");
}

#[test]
fn a_byte_order_mark_at_the_start_of_a_file_is_ignored() {
    let tmp = temp_dir();
    let script = tmp.path().join("bom.apex");
    std::fs::write(&script, b"\xef\xbb\xbfSystem.debug('bom');\n").expect("write script");
    let out = Run::new(&["run", path_str(&script), "--org", ":memory:"], tmp.path()).output();
    assert_exit(&out, 0, "script with a BOM");
    assert_eq!(stdout(&out), "bom\n");
}

#[test]
fn runs_on_one_org_file_wait_for_each_other() {
    let tmp = temp_dir();
    let org = tmp.path().join("org.db");
    let seed = Run::new(
        &["run", "-e", "Integer x;", "--org", path_str(&org)],
        tmp.path(),
    );
    assert_exit(&seed.output(), 0, "seed the org");
    let children: Vec<_> = (0..6)
        .map(|i| {
            let code = format!("insert new Account(Name = 'A{i}');");
            let args = ["run", "-e", code.as_str(), "--org", path_str(&org)];
            Run::new(&args, tmp.path()).spawn()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().expect("wait for a run");
        assert_exit(&out, 0, "concurrent insert");
    }
    let count = "System.debug([SELECT COUNT() FROM Account]);";
    let out = Run::new(&["run", "-e", count, "--org", path_str(&org)], tmp.path()).output();
    assert_eq!(stdout(&out), "6\n");
}

#[test]
fn runs_that_find_the_org_file_missing_at_once_seed_it_once() {
    let tmp = temp_dir();
    let org = tmp.path().join("new").join("org.db");
    let children: Vec<_> = (0..6)
        .map(|i| {
            let code = format!("insert new Account(Name = 'A{i}');");
            let args = ["run", "-e", code.as_str(), "--org", path_str(&org)];
            Run::new(&args, tmp.path()).spawn()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().expect("wait for a run");
        assert_exit(
            &out,
            0,
            "insert into an org created by whichever run came first",
        );
    }
    let count = "System.debug([SELECT COUNT() FROM Account] + ' ' + [SELECT COUNT() FROM User]);";
    let out = Run::new(&["run", "-e", count, "--org", path_str(&org)], tmp.path()).output();
    assert_eq!(stdout(&out), "6 1\n", "one seed: one admin user");
}

/// The registration example under `scripts/registration`, an SFDX project.
fn registration_project() -> PathBuf {
    crate_root().join("scripts").join("registration")
}

const REGISTRATION_OUTPUT: &str = "2 created\njane.doe@example.com: created\n\
    omar@example.com: created\njane.doe@example.com: DUPLICATE_USERNAME\n";

#[test]
fn classes_of_the_sfdx_project_around_the_current_directory_are_loaded() {
    let project = registration_project();
    let out = Run::new(&["run", "register.apex", "--org", ":memory:"], &project).output();
    assert_exit(&out, 0, "register.apex inside its project");
    assert_eq!(stdout(&out), REGISTRATION_OUTPUT);
}

/// The self-registration example under `scripts/selfreg`: a class, a
/// trigger on User and their test class.
fn selfreg_project() -> PathBuf {
    crate_root().join("scripts").join("selfreg")
}

#[test]
fn the_self_registration_example_registers_and_refuses_through_its_trigger() {
    let out = Run::new(
        &["run", "register.apex", "--org", ":memory:"],
        &selfreg_project(),
    )
    .output();
    assert_exit(&out, 0, "selfreg register.apex");
    assert_eq!(
        stdout(&out),
        "registered jane.doe@example.com as Jane D\n\
         registered jane.doe+2@example.com as Jane D 2\n\
         refused sam@spam.example: FIELD_CUSTOM_VALIDATION_EXCEPTION: \
         Registrations from spam.example are closed\n"
    );
}

#[test]
fn the_self_registration_example_passes_its_tests_with_full_coverage() {
    let args = [
        "test",
        "--org",
        ":memory:",
        "--coverage",
        "--min-coverage",
        "100",
    ];
    let out = Run::new(&args, &selfreg_project()).output();
    assert_exit(&out, 0, "apexlite test in scripts/selfreg");
    let text = stdout(&out);
    for method in [
        "registersAContactlessUser",
        "makesUsernameAndNicknameUnique",
        "refusesAMissingLastName",
        "refusesAnAddressThatIsNotOne",
        "refusesAClosedDomainThroughTheTrigger",
        "aliasKeepsEightCharacters",
    ] {
        assert!(
            text.contains(&format!("PASS  SelfRegistrationTest.{method}  ")),
            "{text}"
        );
    }
    assert!(
        text.contains("  ValidateNewUsers.trigger        7/7  100.0%\n"),
        "{text}"
    );
    assert!(text.ends_with("6 passed, 0 failed\n"), "{text}");
}

#[test]
fn path_names_the_folders_of_class_files() {
    let tmp = temp_dir();
    let project = registration_project();
    let script = project.join("register.apex");
    let classes = project.join("force-app");
    let args = [
        "run",
        path_str(&script),
        "--path",
        path_str(&classes),
        "--org",
        ":memory:",
    ];
    let out = Run::new(&args, tmp.path()).output();
    assert_exit(&out, 0, "register.apex with --path");
    assert_eq!(stdout(&out), REGISTRATION_OUTPUT);
}

#[test]
fn errors_in_class_files_name_the_class_file() {
    let tmp = temp_dir();
    let dir = tmp.path().join("classes");
    std::fs::create_dir(&dir).expect("make the class folder");
    let calc = "public class Calc {\n    \
        public static Integer divide(Integer a, Integer b) {\n        \
        return a / b;\n    }\n}\n";
    std::fs::write(dir.join("Calc.cls"), calc).expect("write Calc.cls");
    let code = "System.debug(Calc.divide(6, 3));\nSystem.debug(Calc.divide(1, 0));";
    let args = [
        "run",
        "-e",
        code,
        "--path",
        path_str(&dir),
        "--org",
        ":memory:",
    ];
    let out = Run::new(&args, tmp.path()).output();
    assert_exit(&out, 1, "division by zero inside a class");
    assert_eq!(stdout(&out), "2\n");
    let err = stderr(&out);
    assert!(err.contains("System.MathException: Divide by 0"), "{err}");
    assert!(
        err.contains("Class.Calc.divide: line 3, column 16"),
        "{err}"
    );

    std::fs::write(
        dir.join("Broken.cls"),
        "public class Broken {\n    Integer x = 'a';\n}\n",
    )
    .expect("write Broken.cls");
    let out = Run::new(&args, tmp.path()).output();
    assert_exit(&out, 3, "a class that does not compile");
    let err = stderr(&out);
    assert!(err.contains("Broken.cls:2:17"), "{err}");
    assert!(
        err.contains("Illegal assignment from String to Integer"),
        "{err}"
    );
}

#[test]
fn check_reports_every_problem_and_counts_files() {
    let tmp = temp_dir();
    let dir = tmp.path().join("src");
    std::fs::create_dir(&dir).expect("make the source folder");
    let good =
        "public class Good {\n    public static Integer two() {\n        return 2;\n    }\n}\n";
    std::fs::write(dir.join("Good.cls"), good).expect("write Good.cls");
    std::fs::write(
        dir.join("Bad.cls"),
        "public class Bad {\n    Integer x = 'a';\n}\n",
    )
    .expect("write Bad.cls");
    std::fs::write(
        dir.join("Broken.cls"),
        "public class Broken {\n    Integer x = ;\n}\n",
    )
    .expect("write Broken.cls");
    std::fs::write(
        dir.join("use.apex"),
        "Integer n = Good.two();\nString s = Good.two();\n",
    )
    .expect("write use.apex");
    std::fs::write(
        dir.join("T.trigger"),
        "trigger T on Account (before insert) {\n}\n",
    )
    .expect("write T.trigger");

    let args = ["check", path_str(&dir), "--format", "short"];
    let out = Run::new(&args, tmp.path()).output();
    assert_exit(&out, 1, "check with errors");
    let text = stdout(&out);
    assert!(
        text.contains("Bad.cls:2:17: Illegal assignment from String to Integer"),
        "{text}"
    );
    assert!(text.contains("Broken.cls:2:17:"), "{text}");
    assert!(
        text.contains("use.apex:2:12: Illegal assignment from Integer to String"),
        "{text}"
    );
    assert!(!text.contains("Good.cls"), "{text}");
    assert!(text.ends_with("checked 5 files, 3 with errors\n"), "{text}");

    let args = [
        "check",
        path_str(&dir),
        "--format",
        "short",
        "--syntax-only",
    ];
    let out = Run::new(&args, tmp.path()).output();
    assert_exit(&out, 1, "syntax-only check");
    let text = stdout(&out);
    assert!(text.contains("Broken.cls:2:17:"), "{text}");
    assert!(!text.contains("Bad.cls"), "{text}");
    assert!(text.ends_with("checked 5 files, 1 with errors\n"), "{text}");

    std::fs::remove_file(dir.join("Bad.cls")).expect("remove Bad.cls");
    std::fs::remove_file(dir.join("Broken.cls")).expect("remove Broken.cls");
    std::fs::write(dir.join("use.apex"), "Integer n = Good.two();\n").expect("fix use.apex");
    let out = Run::new(&["check", path_str(&dir)], tmp.path()).output();
    assert_exit(&out, 0, "clean check");
    assert_eq!(stdout(&out), "checked 3 files, 0 with errors\n");
}
