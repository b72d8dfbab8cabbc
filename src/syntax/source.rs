//! Source files, byte spans, and the compile diagnostics that point into them.
//!
//! Spans are byte ranges, as logos and chumsky produce them; rendering converts
//! them for ariadne and for `line:column` positions.

use std::ops::Range;

/// A byte range in one source file.
pub type Span = Range<usize>;

/// One source text and the name it is reported under.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// The file name shown in diagnostics (`-e` and stdin get placeholder names).
    pub name: String,
    /// The whole text.
    pub text: String,
}

impl SourceFile {
    /// A source from a file's bytes, without a leading byte-order mark. Bytes
    /// that are not UTF-8 are replaced, and the first is reported as a
    /// diagnostic pointing at it, since Apex source is UTF-8 text.
    pub fn decode(name: impl Into<String>, bytes: Vec<u8>) -> (SourceFile, Option<Diagnostic>) {
        let (text, bad) = match String::from_utf8(bytes) {
            Ok(text) => (text, None),
            Err(e) => {
                let at = e.utf8_error().valid_up_to();
                (String::from_utf8_lossy(e.as_bytes()).into_owned(), Some(at))
            }
        };
        let (text, bad) = match text.strip_prefix('\u{feff}') {
            Some(rest) => (rest.to_owned(), bad.map(|b| b.saturating_sub(3))),
            None => (text, bad),
        };
        let diag = bad.map(|at| {
            let end = text[at..].chars().next().map_or(at, |c| at + c.len_utf8());
            Diagnostic::new("The file is not valid UTF-8 text", at..end, "not UTF-8")
        });
        (SourceFile::new(name, text), diag)
    }

    /// Makes a source file from a name and its text.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> SourceFile {
        SourceFile {
            name: name.into(),
            text: text.into(),
        }
    }

    /// The 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let before = &self.text[..floor_char_boundary(&self.text, offset)];
        let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let col = before[line_start..].chars().count() + 1;
        (line, col)
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// A compile error (lexing, parsing or checking) with the span it is about.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    /// The headline, e.g. `Unexpected token ';'`.
    pub message: String,
    /// Where the problem is.
    pub span: Span,
    /// The text attached to the span in the rendered report.
    pub label: String,
    /// Which source file the span is in, when several are compiled together:
    /// 0 is the script, then the class files in the order given.
    pub file: usize,
}

impl Diagnostic {
    /// Makes a diagnostic whose label repeats nothing of the headline.
    pub fn new(message: impl Into<String>, span: Span, label: impl Into<String>) -> Diagnostic {
        Diagnostic {
            message: message.into(),
            span,
            label: label.into(),
            file: 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_are_one_based() {
        let f = SourceFile::new("a.apex", "ab\ncé d");
        assert_eq!(f.line_col(0), (1, 1));
        assert_eq!(f.line_col(3), (2, 1));
        assert_eq!(f.line_col(7), (2, 4));
    }
}
