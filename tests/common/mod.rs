//! Helpers the command-line tests share: running the binary and asserting on
//! what it printed.

// Each test binary uses a different subset of these helpers.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tempfile::TempDir;

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_apexlite");

/// Runs apexlite in `cwd`; the org variable of the calling shell is never
/// inherited.
pub fn apexlite(cwd: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(cwd)
        .env_remove("APEXLITE_ORG")
        .output()
        .expect("the apexlite binary runs")
}

/// Standard output as text.
pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Standard error as text.
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Asserts the exit status, showing both streams when it differs, and that
/// nothing panicked.
pub fn assert_exit(out: &Output, code: i32, what: &str) {
    assert_eq!(
        out.status.code(),
        Some(code),
        "{what}: exit status\n--- stdout\n{}--- stderr\n{}",
        stdout(out),
        stderr(out)
    );
    assert!(!stderr(out).contains("panicked"), "{what}: panicked");
}

/// A temporary directory and the org file path inside it.
pub fn org_dir() -> (TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("org.db");
    (dir, path)
}

/// A path as the `&str` command arguments need.
pub fn s(path: &Path) -> &str {
    path.to_str().expect("temporary paths are UTF-8")
}
