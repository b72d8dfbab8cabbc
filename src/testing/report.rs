//! Test run reports: the text the terminal shows, JUnit XML for CI servers,
//! and JSON for tools.

use std::fmt::Write as _;
use std::io;

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};

use super::coverage::{self, Coverage};
use super::{Outcome, TestResult, TestRun};

/// One line per test method (`PASS`/`FAIL`, name, time), a failure's
/// exception and stack trace indented below it, then the totals, the last
/// line being `N passed, N failed`.
pub fn text(run: &TestRun) -> String {
    let mut out = String::new();
    for r in &run.results {
        out.push_str(&result_text(r));
    }
    out.push_str(&summary_text(run));
    out
}

/// One test's lines of the text report: the verdict and time, and for a
/// failure the exception and its stack trace.
pub fn result_text(r: &TestResult) -> String {
    let mut out = String::new();
    let word = if r.passed() { "PASS" } else { "FAIL" };
    let _ = writeln!(out, "{word}  {}.{}  {}", r.class, r.method, millis(r));
    if let Outcome::Fail {
        exception,
        message,
        trace,
    } = &r.outcome
    {
        let _ = writeln!(out, "      {exception}: {message}");
        for line in trace.lines() {
            let _ = writeln!(out, "      {line}");
        }
    }
    out
}

/// The end of the text report: the coverage table if any, the count of
/// tests with the run's time, and the totals line.
pub fn summary_text(run: &TestRun) -> String {
    let mut out = String::new();
    if let Some(c) = &run.coverage {
        out.push_str(&coverage_table(c));
    }
    let noun = if run.results.len() == 1 {
        "test"
    } else {
        "tests"
    };
    let _ = writeln!(
        out,
        "\nran {} {noun} in {} ms",
        run.results.len(),
        run.time.as_millis()
    );
    let _ = writeln!(out, "{} passed, {} failed", run.passed(), run.failed());
    out
}

/// Covered and executable lines per file, then the total.
fn coverage_table(c: &Coverage) -> String {
    let mut rows: Vec<(String, usize, usize)> = c
        .files
        .iter()
        .map(|f| (file_name(&f.path), f.covered(), f.total()))
        .collect();
    rows.push(("total".into(), c.covered(), c.total()));
    let width = rows.iter().map(|r| r.0.chars().count()).max().unwrap_or(0);
    let mut out = String::from("\nline coverage\n");
    for (name, covered, total) in rows {
        let share = coverage::percent(covered, total);
        let lines = format!("{covered}/{total}");
        let _ = writeln!(out, "  {name:<width$}  {lines:>9}  {share:5.1}%");
    }
    out
}

/// The last part of a path: class file names are unique in a project.
fn file_name(path: &str) -> String {
    std::path::Path::new(path)
        .file_name()
        .map_or_else(|| path.to_owned(), |n| n.to_string_lossy().into_owned())
}

/// The coverage in lcov's tracefile format, one record per file.
pub fn lcov(c: &Coverage) -> String {
    let mut out = String::new();
    for file in &c.files {
        let _ = writeln!(out, "TN:\nSF:{}", file.path);
        for l in &file.lines {
            let _ = writeln!(out, "DA:{},{}", l.line, l.hits);
        }
        let _ = writeln!(
            out,
            "LF:{}\nLH:{}\nend_of_record",
            file.total(),
            file.covered()
        );
    }
    out
}

fn millis(r: &TestResult) -> String {
    format!("{:.1} ms", r.time.as_secs_f64() * 1000.0)
}

/// The run as JSON: `{"results": [...], "time_ms": ..., "passed": n, "failed": n}`.
pub fn json(run: &TestRun) -> String {
    let mut value = serde_json::to_value(run).unwrap_or_default();
    if let Some(map) = value.as_object_mut() {
        map.insert("passed".into(), run.passed().into());
        map.insert("failed".into(), run.failed().into());
    }
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}

/// The run as JUnit XML: one `testsuite` per class, one `testcase` per
/// method, a `failure` element with the exception type, message and stack
/// trace for each failed method, and its debug output as `system-out`.
pub fn junit(run: &TestRun) -> String {
    let mut writer = Writer::new_with_indent(Vec::new(), b' ', 2);
    // Writing into a Vec cannot fail.
    let _ = write_junit(&mut writer, run);
    let mut xml = String::from_utf8_lossy(&writer.into_inner()).into_owned();
    xml.push('\n');
    xml
}

fn write_junit(w: &mut Writer<Vec<u8>>, run: &TestRun) -> io::Result<()> {
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    let total = run.results.len().to_string();
    let failed = run.failed().to_string();
    w.create_element("testsuites")
        .with_attribute(("name", "apexlite"))
        .with_attribute(("tests", total.as_str()))
        .with_attribute(("failures", failed.as_str()))
        .with_attribute(("errors", "0"))
        .with_attribute(("time", seconds(run.time).as_str()))
        .write_inner_content(|w| {
            for class in classes(&run.results) {
                write_suite(w, class)?;
            }
            Ok(())
        })?;
    Ok(())
}

fn write_suite(w: &mut Writer<Vec<u8>>, results: &[TestResult]) -> io::Result<()> {
    let name = results.first().map_or("", |r| r.class.as_str());
    let tests = results.len().to_string();
    let failures = results.iter().filter(|r| !r.passed()).count().to_string();
    let time = seconds(results.iter().map(|r| r.time).sum());
    w.create_element("testsuite")
        .with_attribute(("name", name))
        .with_attribute(("tests", tests.as_str()))
        .with_attribute(("failures", failures.as_str()))
        .with_attribute(("errors", "0"))
        .with_attribute(("skipped", "0"))
        .with_attribute(("time", time.as_str()))
        .write_inner_content(|w| {
            for r in results {
                write_case(w, r)?;
            }
            Ok(())
        })?;
    Ok(())
}

fn write_case(w: &mut Writer<Vec<u8>>, r: &TestResult) -> io::Result<()> {
    let case = w
        .create_element("testcase")
        .with_attribute(("name", r.method.as_str()))
        .with_attribute(("classname", r.class.as_str()))
        .with_attribute(("time", seconds(r.time).as_str()));
    if r.passed() && r.output.is_empty() {
        case.write_empty()?;
        return Ok(());
    }
    case.write_inner_content(|w| {
        if let Outcome::Fail {
            exception,
            message,
            trace,
        } = &r.outcome
        {
            let body = xml_text(&format!("{exception}: {message}\n{trace}"));
            w.create_element("failure")
                .with_attribute(("type", exception.as_str()))
                .with_attribute(("message", xml_text(message).as_str()))
                .write_text_content(BytesText::new(&body))?;
        }
        if !r.output.is_empty() {
            w.create_element("system-out")
                .write_text_content(BytesText::new(&xml_text(&r.output)))?;
        }
        Ok(())
    })?;
    Ok(())
}

/// Text XML 1.0 can hold: characters it forbids (control characters other
/// than tab and line ends, U+FFFE, U+FFFF), which test output may contain,
/// are written as `\u{1b}`-style escapes.
fn xml_text(text: &str) -> String {
    let allowed = |c: char| {
        matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && !matches!(c, '\u{fffe}' | '\u{ffff}'))
    };
    if text.chars().all(allowed) {
        return text.to_owned();
    }
    text.chars()
        .map(|c| {
            if allowed(c) {
                c.to_string()
            } else {
                c.escape_unicode().to_string()
            }
        })
        .collect()
}

/// The results split into runs of one class each (they arrive grouped).
fn classes(results: &[TestResult]) -> impl Iterator<Item = &[TestResult]> {
    results.chunk_by(|a, b| a.class == b.class)
}

fn seconds(d: std::time::Duration) -> String {
    format!("{:.3}", d.as_secs_f64())
}
