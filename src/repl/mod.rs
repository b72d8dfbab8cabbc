//! `apexlite repl`: the interactive Apex prompt.
//!
//! [`session`] compiles and runs entries and keeps what they declare;
//! [`input`] decides when an entry is complete; [`commands`] holds the
//! `:` commands; [`display`] prints values and records; `editor` is the
//! rustyline helper (completion, highlighting, hints). On a terminal the
//! prompt uses rustyline with history; otherwise entries are read from
//! standard input line by line, with no prompt, for scripts and tests.

pub mod commands;
pub mod display;
mod editor;
pub mod input;
pub mod session;

use std::io::{BufRead, IsTerminal};
use std::path::{Path, PathBuf};

use rustyline::error::ReadlineError;
use rustyline::history::DefaultHistory;
use rustyline::{CompletionType, Config, Editor};

use commands::Next;
use editor::ApexHelper;
use session::{Session, Sinks};

/// How a session ended.
#[derive(Debug, Default)]
pub struct Summary {
    /// Entries that did not compile, threw, were interrupted or met an org
    /// failure.
    pub failed: usize,
}

impl Summary {
    fn of(session: &Session) -> Summary {
        Summary {
            failed: session.failures(),
        }
    }
}

/// Where the history is kept when no file is given: `apexlite/history` in
/// the user's data directory (`~/.local/share` on Linux).
pub fn default_history() -> Option<PathBuf> {
    dirs::data_dir().map(|d| d.join("apexlite").join("history"))
}

/// Runs the prompt until `:quit`, Ctrl-D or the end of input: with rustyline
/// when standard input is a terminal, line by line otherwise.
pub fn run(session: &mut Session, history: Option<&Path>) -> Summary {
    if std::io::stdin().is_terminal() {
        run_terminal(session, history)
    } else {
        run_lines(session, std::io::stdin().lock())
    }
}

/// Reads entries from `input` with no prompt, each complete entry run as
/// soon as its last line is read.
pub fn run_lines(session: &mut Session, input: impl BufRead) -> Summary {
    let mut pending = String::new();
    for (number, line) in input.split(b'\n').enumerate() {
        let Ok(mut bytes) = line else { break };
        if bytes.last() == Some(&b'\r') {
            bytes.pop();
        }
        let Ok(line) = String::from_utf8(bytes) else {
            // Input that is not UTF-8 text is refused line by line; the
            // session goes on with the next line.
            session.count_failure();
            note!(
                "error: line {} of the input is not valid UTF-8 text",
                number + 1
            );
            continue;
        };
        if let Fed::Quit = feed(session, &mut pending, &line, false) {
            return Summary::of(session);
        }
    }
    // An entry left open at the end of input still runs, to show its error.
    entry(session, &pending, false);
    Summary::of(session)
}

/// What one line of input did.
enum Fed {
    /// It joined an entry that is not complete yet.
    Pending,
    /// It completed an entry or was a command, which ran; the text is what
    /// the history keeps.
    Ran(String),
    /// It was `:quit`.
    Quit,
}

/// Feeds one line, typed or read from a pipe: a `:` command at the start of
/// an entry runs at once; other lines join `pending`, which runs as soon as
/// it is complete.
fn feed(session: &mut Session, pending: &mut String, line: &str, color: bool) -> Fed {
    if pending.is_empty() && line.trim_start().starts_with(':') {
        return match command(session, line, color) {
            Next::Quit => Fed::Quit,
            Next::Continue => Fed::Ran(line.to_owned()),
        };
    }
    pending.push_str(line);
    pending.push('\n');
    if !input::is_complete(pending) {
        return Fed::Pending;
    }
    let text = std::mem::take(pending);
    entry(session, &text, color);
    Fed::Ran(text.trim_end().to_owned())
}

/// Calls `f` with standard output and error as the session's sinks.
fn with_sinks<T>(color: bool, f: impl FnOnce(&mut Sinks<'_>) -> T) -> T {
    let (stdout, stderr) = (std::io::stdout(), std::io::stderr());
    let (mut out, mut err) = (stdout.lock(), stderr.lock());
    let mut sinks = Sinks {
        out: &mut out,
        err: &mut err,
        color,
    };
    let result = f(&mut sinks);
    let _ = sinks.out.flush();
    result
}

/// Runs one entry against standard output and error.
fn entry(session: &mut Session, text: &str, color: bool) {
    if text.trim().is_empty() {
        return;
    }
    with_sinks(color, |sinks| {
        if let Err(e) = session.eval(text, sinks) {
            let _ = writeln!(sinks.err, "error: {e}");
        }
    });
}

/// Runs one `:` command against standard output and error.
fn command(session: &mut Session, line: &str, color: bool) -> Next {
    with_sinks(color, |sinks| match commands::run(session, line, sinks) {
        Ok(next) => next,
        Err(e) => {
            let _ = writeln!(sinks.err, "error: {e}");
            Next::Continue
        }
    })
}

/// The prompt shown before an entry's first line, and before the lines that continue it.
const PROMPT: &str = "apex> ";
const CONTINUE: &str = "  ... ";

/// The interactive prompt. Ctrl-C while typing drops the entry; while an
/// entry runs, it interrupts it. Ctrl-D on an empty line quits.
fn run_terminal(session: &mut Session, history: Option<&Path>) -> Summary {
    let config = Config::builder()
        .auto_add_history(false)
        .completion_type(CompletionType::List)
        .build();
    let mut editor: Editor<ApexHelper, DefaultHistory> = match Editor::with_config(config) {
        Ok(editor) => editor,
        Err(e) => {
            note!("error: cannot use the terminal ({e}); reading standard input instead");
            return run_lines(session, std::io::stdin().lock());
        }
    };
    editor.set_helper(Some(ApexHelper::default()));
    let history = history.map(Path::to_path_buf).or_else(default_history);
    if let Some(path) = &history {
        let _ = editor.load_history(path);
    }
    // SIGINT reaches the process only while an entry runs: rustyline reads
    // Ctrl-C as a key while the prompt is up.
    if let Err(e) =
        signal_hook::flag::register(signal_hook::consts::SIGINT, session.interrupt_flag())
    {
        note!("warning: Ctrl-C cannot interrupt entries here ({e})");
    }
    say!("apexlite REPL; :help lists the commands, Ctrl-D quits.");
    let mut pending = String::new();
    loop {
        if let Some(helper) = editor.helper_mut() {
            let variables = session
                .globals()
                .iter()
                .map(|g| (g.name.to_string(), g.ty.clone()));
            helper.refresh(variables.collect(), session.class_names(), &pending);
        }
        let prompt = if pending.is_empty() { PROMPT } else { CONTINUE };
        let line = match editor.readline(prompt) {
            Ok(line) => line,
            Err(ReadlineError::Interrupted) => {
                pending.clear();
                continue;
            }
            Err(ReadlineError::Eof) => break,
            Err(e) => {
                note!("error: {e}");
                break;
            }
        };
        // A paste arrives as one line holding several: each is read as if
        // typed, as a pipe's lines are, so every complete entry runs.
        for line in line.split('\n') {
            match feed(session, &mut pending, line, true) {
                Fed::Quit => return Summary::of(session),
                Fed::Ran(text) => remember(&mut editor, history.as_deref(), &text),
                Fed::Pending => {}
            }
        }
    }
    Summary::of(session)
}

/// Adds an entry to the history and appends it to the history file.
fn remember(editor: &mut Editor<ApexHelper, DefaultHistory>, path: Option<&Path>, text: &str) {
    if text.trim().is_empty() || editor.add_history_entry(text).is_err() {
        return;
    }
    let Some(path) = path else { return };
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    if let Err(e) = editor.append_history(path) {
        note!(
            "warning: cannot write the history to {}: {e}",
            path.display()
        );
    }
}
