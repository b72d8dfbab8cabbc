//! Renders compile diagnostics with ariadne, as `file:line:col` reports.

use ariadne::{Color, Config, IndexType, Label, Report, ReportKind, Source};

use crate::syntax::source::{Diagnostic, SourceFile};

/// Renders diagnostics as text: for each, an error headline, the position as
/// `file:line:col`, and the source line with the span labelled. Spans are byte
/// ranges, so multibyte text lines up. `color` turns ANSI colours on.
pub fn render_diagnostics(file: &SourceFile, diags: &[Diagnostic], color: bool) -> String {
    let source = Source::from(file.text.as_str());
    let mut out = Vec::new();
    for diag in diags {
        let span = clamp(file, diag.span.clone());
        let id = file.name.as_str();
        let label = Label::new((id, span.clone()))
            .with_message(&diag.label)
            .with_color(Color::Red);
        let report = Report::build(ReportKind::Error, (id, span))
            .with_config(
                Config::new()
                    .with_index_type(IndexType::Byte)
                    .with_color(color),
            )
            .with_message(&diag.message)
            .with_label(label)
            .finish();
        // Writing to a Vec cannot fail; a failure would only lose this report.
        let _ = report.write((id, &source), &mut out);
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Keeps a span inside the text and on character boundaries.
fn clamp(file: &SourceFile, span: std::ops::Range<usize>) -> std::ops::Range<usize> {
    let len = file.text.len();
    let mut start = span.start.min(len);
    let mut end = span.end.clamp(start, len);
    while !file.text.is_char_boundary(start) {
        start -= 1;
    }
    while !file.text.is_char_boundary(end) {
        end += 1;
    }
    start..end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_names_file_line_and_column() {
        let file = SourceFile::new("a.apex", "Integer x = 1;\nString é = ;\n");
        let at = file.text.find(" ;").map_or(0, |i| i + 1);
        let diag = Diagnostic::new(
            "Unexpected token ';'.",
            at..at + 1,
            "expected an expression",
        );
        let text = render_diagnostics(&file, &[diag], false);
        assert!(text.contains("Error: Unexpected token ';'."), "{text}");
        assert!(text.contains("a.apex:2:12"), "{text}");
        assert!(text.contains("expected an expression"), "{text}");
        assert!(!text.contains('\u{1b}'), "{text}");
    }
}
