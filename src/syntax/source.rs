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
