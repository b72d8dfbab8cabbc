//! `apexlite repl` on a terminal: driven through a pseudo-terminal with
//! rexpect, as a person would type. Completion of a field name, Ctrl-C
//! interrupting a running entry, Ctrl-D quitting and the history file.
//! Run with `cargo test --test repl_pty`.

mod common;

use std::path::Path;
use std::process::Command;

use rexpect::session::{PtySession, spawn_command};

use common::{BIN, s};

/// How long one expectation may wait before the test fails, so a broken
/// prompt fails the test instead of hanging it; no test measures time.
const PATIENCE_MS: u64 = 30_000;

/// The REPL on a pseudo-terminal, on a throwaway org, with its history in
/// `history` and a CPU limit far above any wait here.
fn start(history: &Path) -> PtySession {
    let mut command = Command::new(BIN);
    command
        .args(["repl", "--org", ":memory:", "--cpu-limit-ms", "3600000"])
        .env("APEXLITE_HISTORY", s(history))
        .env("TERM", "xterm")
        .env_remove("APEXLITE_ORG");
    let mut session = spawn_command(command, Some(PATIENCE_MS)).expect("the REPL starts");
    fresh_prompt(&mut session);
    session
}

/// Waits for a prompt on a new line: rustyline redraws the prompt with every
/// key, and keys sent before it reads again would land in the cooked terminal.
fn fresh_prompt(p: &mut PtySession) {
    p.exp_regex(r"\n[^\n]*apex> ").expect("a fresh prompt");
}

/// Sends keys as typed, without a line end of its own.
fn type_keys(p: &mut PtySession, keys: &str) {
    p.send(keys).expect("keys sent");
    p.flush().expect("keys flushed");
}

#[test]
fn tab_completes_a_field_of_a_record_variable() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let mut p = start(&dir.path().join("history"));
    p.send_line("Account acct = new Account(Name = 'Zyxwvu');")
        .expect("typed");
    fresh_prompt(&mut p);
    type_keys(&mut p, "acct.Na\t");
    type_keys(&mut p, ".toUpperCase()\r");
    p.exp_string("ZYXWVU")
        .expect("the completed field was read");
    fresh_prompt(&mut p);
    p.send_control('d').expect("Ctrl-D");
    p.exp_eof().expect("Ctrl-D quits");
}

#[test]
fn ctrl_c_interrupts_a_running_entry_and_the_session_goes_on() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let mut p = start(&dir.path().join("history"));
    p.send_line("Integer kept = 5;").expect("typed");
    fresh_prompt(&mut p);
    p.send_line("System.debug('spin' + 'ning'); while (true) {}")
        .expect("typed");
    p.exp_string("spinning").expect("the loop has started");
    p.send_control('c').expect("Ctrl-C");
    p.exp_string("Interrupted; the entry was rolled back")
        .expect("the entry stops");
    fresh_prompt(&mut p);
    p.send_line("kept * 2").expect("typed");
    p.exp_string("10").expect("the session goes on");
    fresh_prompt(&mut p);
    p.send_control('d').expect("Ctrl-D");
    p.exp_eof().expect("Ctrl-D quits");
}

#[test]
fn ctrl_c_while_typing_drops_the_entry() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let mut p = start(&dir.path().join("history"));
    p.send_line("if (true) {").expect("typed");
    p.exp_string("  ... ").expect("continuation prompt");
    p.send_control('c').expect("Ctrl-C");
    fresh_prompt(&mut p);
    p.send_line("System.debug('after' + 'wards');")
        .expect("typed");
    p.exp_string("afterwards")
        .expect("a new entry runs on its own");
    fresh_prompt(&mut p);
    p.send_control('d').expect("Ctrl-D");
    p.exp_eof().expect("Ctrl-D quits");
}

#[test]
fn history_is_written_and_read_back() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let history = dir.path().join("nested").join("history");
    let mut p = start(&history);
    p.send_line("System.debug('first ' + 'entry');")
        .expect("typed");
    p.exp_string("first entry").expect("ran");
    p.send_line("if (true) {").expect("typed");
    p.exp_string("  ... ").expect("continuation prompt");
    p.send_line("System.debug('multi' + 'line'); }")
        .expect("typed");
    p.exp_string("multiline").expect("ran");
    fresh_prompt(&mut p);
    p.send_control('d').expect("Ctrl-D");
    p.exp_eof().expect("Ctrl-D quits");

    let text = std::fs::read_to_string(&history).expect("the history file exists");
    assert!(text.contains("System.debug('first ' + 'entry');"), "{text}");
    assert!(
        text.contains(r"if (true) {\nSystem.debug('multi' + 'line'); }"),
        "a multi-line entry is one history entry:\n{text}"
    );

    // A new session recalls the last entry with the up arrow, and an older
    // one by searching with Ctrl-R.
    let mut p = start(&history);
    type_keys(&mut p, "\x1b[A\r");
    p.exp_string("multiline").expect("the recalled entry ran");
    fresh_prompt(&mut p);
    type_keys(&mut p, "\x12first");
    p.exp_string("reverse-i-search").expect("the search prompt");
    type_keys(&mut p, "\r");
    p.exp_string("first entry").expect("the entry found ran");
    fresh_prompt(&mut p);
    p.send_control('d').expect("Ctrl-D");
    p.exp_eof().expect("Ctrl-D quits");
}

#[test]
fn a_pasted_block_runs_each_of_its_entries() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let mut p = start(&dir.path().join("history"));
    // A bracketed paste, as terminals send pasted text, then Enter.
    type_keys(
        &mut p,
        "\x1b[200~Integer p1 = 40;\nInteger p2 = 2;\np1 + p2\n\x1b[201~\r",
    );
    p.exp_string("42")
        .expect("the last pasted entry printed its value");
    fresh_prompt(&mut p);
    p.send_line("p1").expect("typed");
    p.exp_string("40").expect("the pasted declarations persist");
    fresh_prompt(&mut p);
    p.send_control('d').expect("Ctrl-D");
    p.exp_eof().expect("Ctrl-D quits");
}
