//! Running the `apexlite` binary as a child process, with a time limit.

use std::io::Read;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// The binary under test, built by cargo for this test target.
pub const BIN: &str = env!("CARGO_BIN_EXE_apexlite");

/// How long one step may run before it counts as hung and is killed.
const STEP_TIMEOUT: Duration = Duration::from_secs(60);

/// What one run of the binary produced.
#[derive(Debug)]
pub struct RunOutput {
    /// The exit status; `None` when the process was killed by a signal.
    pub code: Option<i32>,
    /// Standard output, decoded lossily.
    pub stdout: String,
    /// Standard error, decoded lossily.
    pub stderr: String,
    /// True when the run exceeded [`STEP_TIMEOUT`] and was killed.
    pub timed_out: bool,
}

/// Runs `apexlite ARGS` in `cwd` with no standard input and no org settings
/// inherited from the environment.
pub fn run_apexlite(args: &[&std::ffi::OsStr], cwd: &Path) -> Result<RunOutput, String> {
    let child = Command::new(BIN)
        .args(args)
        .current_dir(cwd)
        .env_remove("APEXLITE_ORG")
        .env_remove("APEXLITE_BLESS")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start {BIN}: {e}"))?;
    wait_with_limit(child)
}

fn wait_with_limit(mut child: Child) -> Result<RunOutput, String> {
    // Both pipes are drained on their own threads so a chatty child never
    // blocks on a full pipe while this thread waits for it to exit.
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let deadline = Instant::now() + STEP_TIMEOUT;
    let mut timed_out = false;
    let status = loop {
        match child
            .try_wait()
            .map_err(|e| format!("waiting for apexlite: {e}"))?
        {
            Some(status) => break status,
            None if Instant::now() >= deadline => {
                timed_out = true;
                // The child may exit between the check and the kill; either way
                // the wait below reaps it.
                let _ = child.kill();
                break child.wait().map_err(|e| format!("reaping apexlite: {e}"))?;
            }
            None => thread::sleep(Duration::from_millis(10)),
        }
    };
    Ok(RunOutput {
        code: status.code(),
        stdout: join(stdout),
        stderr: join(stderr),
        timed_out,
    })
}

fn drain(pipe: Option<impl Read + Send + 'static>) -> thread::JoinHandle<Vec<u8>> {
    thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(mut pipe) = pipe {
            // A read error only truncates what the report shows.
            let _ = pipe.read_to_end(&mut bytes);
        }
        bytes
    })
}

fn join(handle: thread::JoinHandle<Vec<u8>>) -> String {
    let bytes = handle.join().unwrap_or_default();
    String::from_utf8_lossy(&bytes).into_owned()
}
