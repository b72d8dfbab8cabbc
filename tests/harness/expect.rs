//! The `.expect` file format: what one step of a fixture must produce.
//!
//! ```text
//! # Comment lines and blank lines may appear before the first section.
//! exit: 1                         required: the exit status
//! org: unchanged                  optional: the org file's bytes stay identical
//! script: scripts/example.apex    optional: run this file (from the crate root)
//! path: tests/projects/p          optional: `--path` folder of classes and triggers
//! --- stdout                      optional: absent means stdout must be empty
//! exact lines; {Id} matches any 18-character Id, {Id:005} one with that prefix
//! --- stderr contains             optional: each non-blank line must occur in stderr
//! --- stderr lacks                optional: no non-blank line may occur in stderr
//! ```
//!
//! The file is kept as a head (everything before the first section) plus
//! sections, so blessing can rewrite the stdout section and leave the rest
//! byte for byte.

/// The section holding the exact standard output.
const STDOUT: &str = "stdout";
/// The section listing lines that standard error must contain.
const STDERR_CONTAINS: &str = "stderr contains";
/// The section listing lines that standard error must not contain.
const STDERR_LACKS: &str = "stderr lacks";
/// Every section header starts with this.
const SECTION_MARK: &str = "--- ";

/// One parsed expectation file.
#[derive(Debug, Clone, PartialEq)]
pub struct Expect {
    /// The exit status the step must end with.
    pub exit: i32,
    /// Whether the org file must be byte-identical before and after the step.
    pub org_unchanged: bool,
    /// A script to run instead of the step's own `.apex` file, relative to the crate root.
    pub script: Option<String>,
    /// A `--path` folder of class and trigger files, relative to the crate root.
    pub path: Option<String>,
    /// Lines of the head, kept verbatim for rewriting.
    head: Vec<String>,
    /// The sections in file order: name and lines.
    sections: Vec<(String, Vec<String>)>,
}

impl Expect {
    /// Parses an expectation file, naming the first problem found.
    pub fn parse(text: &str) -> Result<Expect, String> {
        let mut expect = Expect {
            exit: -1,
            org_unchanged: false,
            script: None,
            path: None,
            head: Vec::new(),
            sections: Vec::new(),
        };
        let mut exit = None;
        for (n, line) in text.lines().enumerate() {
            let line = line.strip_suffix('\r').unwrap_or(line);
            if let Some(name) = line.strip_prefix(SECTION_MARK) {
                check_section_name(name, &expect.sections, n + 1)?;
                expect.sections.push((name.to_string(), Vec::new()));
            } else if let Some((_, lines)) = expect.sections.last_mut() {
                lines.push(line.to_string());
            } else {
                expect.head.push(line.to_string());
                read_head_line(line, n + 1, &mut expect, &mut exit)?;
            }
        }
        expect.exit = exit.ok_or("missing the `exit: N` line")?;
        Ok(expect)
    }

    /// The expected stdout lines (patterns); empty when the section is absent.
    pub fn stdout(&self) -> &[String] {
        self.section(STDOUT)
    }

    /// The lines stderr must contain.
    pub fn stderr_contains(&self) -> impl Iterator<Item = &str> {
        non_blank(self.section(STDERR_CONTAINS))
    }

    /// The lines stderr must not contain.
    pub fn stderr_lacks(&self) -> impl Iterator<Item = &str> {
        non_blank(self.section(STDERR_LACKS))
    }

    /// Replaces the stdout section, adding it first if the file had none.
    pub fn set_stdout(&mut self, lines: Vec<String>) {
        match self.sections.iter_mut().find(|(name, _)| name == STDOUT) {
            Some((_, old)) => *old = lines,
            None => self.sections.insert(0, (STDOUT.to_string(), lines)),
        }
    }

    /// The file text: the head, then each section under its header.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for line in &self.head {
            out.push_str(line);
            out.push('\n');
        }
        for (name, lines) in &self.sections {
            out.push_str(SECTION_MARK);
            out.push_str(name);
            out.push('\n');
            for line in lines {
                out.push_str(line);
                out.push('\n');
            }
        }
        out
    }

    fn section(&self, wanted: &str) -> &[String] {
        self.sections
            .iter()
            .find(|(name, _)| name == wanted)
            .map_or(&[], |(_, lines)| lines.as_slice())
    }
}

fn check_section_name(
    name: &str,
    seen: &[(String, Vec<String>)],
    line_no: usize,
) -> Result<(), String> {
    if ![STDOUT, STDERR_CONTAINS, STDERR_LACKS].contains(&name) {
        return Err(format!("line {line_no}: unknown section `--- {name}`"));
    }
    if seen.iter().any(|(other, _)| other == name) {
        return Err(format!(
            "line {line_no}: section `--- {name}` appears twice"
        ));
    }
    Ok(())
}

fn read_head_line(
    line: &str,
    line_no: usize,
    expect: &mut Expect,
    exit: &mut Option<i32>,
) -> Result<(), String> {
    let trimmed = line.trim();
    if trimmed.is_empty() || trimmed.starts_with('#') {
        return Ok(());
    }
    let Some((key, value)) = trimmed.split_once(':') else {
        return Err(format!(
            "line {line_no}: expected `key: value`, found `{trimmed}`"
        ));
    };
    let value = value.trim();
    match key.trim() {
        "exit" => *exit = Some(parse_exit(value, line_no)?),
        "org" if value == "unchanged" => expect.org_unchanged = true,
        "script" if !value.is_empty() => expect.script = Some(value.to_string()),
        "path" if !value.is_empty() => expect.path = Some(value.to_string()),
        _ => return Err(format!("line {line_no}: unknown setting `{trimmed}`")),
    }
    Ok(())
}

fn parse_exit(value: &str, line_no: usize) -> Result<i32, String> {
    match value.parse::<i32>() {
        Ok(code @ 0..=4) => Ok(code),
        _ => Err(format!(
            "line {line_no}: exit must be 0 to 4, found `{value}`"
        )),
    }
}

fn non_blank(lines: &[String]) -> impl Iterator<Item = &str> {
    lines
        .iter()
        .map(String::as_str)
        .filter(|l| !l.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "# a note\nexit: 1\norg: unchanged\n--- stdout\none\n\n\
                          --- stderr contains\nBOOM\n\n";

    #[test]
    fn reads_settings_and_sections() {
        let e = Expect::parse(SAMPLE).expect("sample parses");
        assert_eq!(e.exit, 1);
        assert!(e.org_unchanged);
        assert_eq!(e.script, None);
        assert_eq!(e.stdout(), ["one", ""]);
        assert_eq!(e.stderr_contains().collect::<Vec<_>>(), ["BOOM"]);
        assert_eq!(e.stderr_lacks().count(), 0);
    }

    #[test]
    fn renders_back_byte_for_byte() {
        let e = Expect::parse(SAMPLE).expect("sample parses");
        assert_eq!(e.render(), SAMPLE);
    }

    #[test]
    fn blessing_replaces_or_adds_stdout_only() {
        let mut e = Expect::parse("exit: 0\n--- stderr lacks\nx\n").expect("parses");
        e.set_stdout(vec!["a".into()]);
        assert_eq!(e.render(), "exit: 0\n--- stdout\na\n--- stderr lacks\nx\n");
        e.set_stdout(vec![]);
        assert_eq!(e.render(), "exit: 0\n--- stdout\n--- stderr lacks\nx\n");
    }

    #[test]
    fn rejects_malformed_files() {
        assert!(Expect::parse("--- stdout\n").is_err(), "missing exit");
        assert!(Expect::parse("exit: 9\n").is_err(), "exit out of range");
        assert!(
            Expect::parse("exit: 0\nstatus: ok\n").is_err(),
            "unknown setting"
        );
        assert!(
            Expect::parse("exit: 0\norg: changed\n").is_err(),
            "unknown org mode"
        );
        assert!(
            Expect::parse("exit: 0\n--- stdin\n").is_err(),
            "unknown section"
        );
        assert!(
            Expect::parse("exit: 0\n--- stdout\n--- stdout\n").is_err(),
            "twice"
        );
    }
}
