//! `apexlite test` as a person sees it: results that arrive while the run
//! goes on, and the progress bar of a long run on a terminal (driven
//! through a pseudo-terminal with rexpect).

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use rexpect::session::spawn_command;

use common::{BIN, s};

/// How long one expectation may wait before the test fails, so a hang fails
/// the test instead of blocking it; no test measures time.
const PATIENCE_MS: u64 = 60_000;

/// Writes `Name.cls`, an `@isTest` class whose methods have these bodies.
fn test_class(dir: &Path, name: &str, bodies: &[&str]) {
    let mut text = format!("@isTest\nprivate class {name} {{\n");
    for (i, body) in bodies.iter().enumerate() {
        text.push_str(&format!(
            "    @isTest\n    static void m{i:03}() {{ {body} }}\n"
        ));
    }
    text.push_str("}\n");
    std::fs::write(dir.join(format!("{name}.cls")), text).expect("class written");
}

#[test]
fn a_long_run_on_a_terminal_shows_a_progress_bar_then_clears_it() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let bodies = vec!["System.assert(true);"; 60];
    test_class(dir.path(), "ManyTest", &bodies);
    let mut command = Command::new(BIN);
    command
        .args(["test", s(dir.path()), "--org", ":memory:", "--jobs", "1"])
        .env("TERM", "xterm")
        .env_remove("APEXLITE_ORG");
    let mut p = spawn_command(command, Some(PATIENCE_MS)).expect("apexlite test starts");
    // indicatif's default bar ends in `done/total`.
    let (_, drawn) = p.exp_regex(r"[0-9]+/60").expect("the bar is drawn");
    assert!(drawn.ends_with("/60"), "{drawn}");
    p.exp_string("60 passed, 0 failed")
        .expect("the summary follows");
    p.exp_eof().expect("the run ends");
}

#[test]
fn a_class_reports_while_a_later_class_still_runs() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    test_class(dir.path(), "AQuickTest", &["System.assert(true);"]);
    // Loops until killed: the CPU limit is an hour.
    test_class(dir.path(), "BEndlessTest", &["while (true) {}"]);
    let mut child = Command::new(BIN)
        .args(["test", s(dir.path()), "--org", ":memory:", "--jobs", "1"])
        .args(["--cpu-limit-ms", "3600000"])
        .env_remove("APEXLITE_ORG")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("apexlite test starts");
    let stdout = child.stdout.take().expect("stdout");
    let (send, receive) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let first = BufReader::new(stdout).lines().next();
        let _ = send.send(first);
    });
    // The run never ends, so the line can only come while it goes on.
    let first = receive.recv_timeout(Duration::from_millis(PATIENCE_MS));
    child.kill().expect("the endless run is stopped");
    let _ = child.wait();
    let first = first
        .expect("the first class's result while the second runs")
        .expect("a line")
        .expect("text");
    assert!(first.starts_with("PASS  AQuickTest.m000  "), "{first}");
}
