//! Turns chumsky's errors into Apex-style diagnostics: "Missing ';' at 'x'",
//! "Unexpected token 'x'." with a label saying what was expected.

use chumsky::error::{Rich, RichPattern, RichReason};

use super::base::LABEL_SEP;
use crate::syntax::source::Diagnostic;
use crate::syntax::token::Token;

/// Converts parse errors to diagnostics. Errors found at a lexer error token
/// are dropped: the lexer has already reported them.
pub(super) fn convert(text: &str, errors: Vec<Rich<'_, Token<'_>>>) -> Vec<Diagnostic> {
    errors
        .into_iter()
        .filter_map(|e| diagnostic(text, e))
        .collect()
}

fn diagnostic(text: &str, error: Rich<'_, Token<'_>>) -> Option<Diagnostic> {
    let span = error.span().into_range();
    match error.reason() {
        RichReason::Custom(msg) => {
            let (message, label) = msg.split_once(LABEL_SEP).unwrap_or((msg, ""));
            Some(Diagnostic::new(message, span, label))
        }
        RichReason::ExpectedFound { expected, found } => {
            if let Some(Token::Error(_)) = found.as_deref() {
                return None;
            }
            let found_text = match found {
                Some(_) => text.get(span.clone()).map(|s| format!("'{s}'")),
                None => None,
            };
            Some(expected_found(expected, found_text, span))
        }
    }
}

fn expected_found(
    expected: &[RichPattern<'_, Token<'_>>],
    found: Option<String>,
    span: std::ops::Range<usize>,
) -> Diagnostic {
    let at = found.unwrap_or_else(|| "end of input".to_string());
    let wants_semi = expected
        .iter()
        .any(|p| matches!(p, RichPattern::Token(t) if **t == Token::Semi));
    if wants_semi {
        return Diagnostic::new(format!("Missing ';' at {at}"), span, "expected ';'");
    }
    let message = if at == "end of input" {
        "Unexpected end of input".to_string()
    } else {
        format!("Unexpected token {at}.")
    };
    Diagnostic::new(message, span, describe(expected))
}

/// "expected an expression", "expected ')'", ... Tokens that would only have
/// continued the expression before the error (operators, `.`, `[`) are left
/// out when something else was expected too: the closing `)` is the news.
fn describe(expected: &[RichPattern<'_, Token<'_>>]) -> String {
    let wants_expression = expected
        .iter()
        .any(|p| matches!(p, RichPattern::Label(l) if l == "expression" || l == "literal"));
    if wants_expression {
        return "expected an expression".into();
    }
    let all: Vec<String> = expected
        .iter()
        .filter_map(|p| pattern_text(p, false))
        .collect();
    let structural: Vec<String> = expected
        .iter()
        .filter_map(|p| pattern_text(p, true))
        .collect();
    let mut parts = if structural.is_empty() {
        all
    } else {
        structural
    };
    parts.dedup();
    match parts.as_slice() {
        [] => "not expected here".into(),
        [one] => format!("expected {one}"),
        [init @ .., last] => format!("expected {} or {last}", init.join(", ")),
    }
}

fn pattern_text(pattern: &RichPattern<'_, Token<'_>>, structural_only: bool) -> Option<String> {
    match pattern {
        RichPattern::Label(l) => Some(l.to_string()),
        RichPattern::Token(t) if structural_only && continues_expression(t) => None,
        RichPattern::Token(t) => Some(format!("'{}'", token_text(t))),
        RichPattern::EndOfInput => Some("end of input".into()),
        _ => None,
    }
}

/// Tokens that extend an expression already complete: operators, member
/// access, calls and indexing.
fn continues_expression(tok: &Token<'_>) -> bool {
    !matches!(
        tok,
        Token::RParen
            | Token::RBracket
            | Token::RBrace
            | Token::LBrace
            | Token::Semi
            | Token::Comma
            | Token::Colon
            | Token::FatArrow
            | Token::Assign
            | Token::Ident(_)
    ) && keyword_or_punct(tok)
}

/// True for tokens with fixed text (not identifiers or literals).
fn keyword_or_punct(tok: &Token<'_>) -> bool {
    !matches!(
        tok,
        Token::Ident(_)
            | Token::Str(_)
            | Token::Integer(_)
            | Token::Long(_)
            | Token::Decimal(_)
            | Token::Double(_)
            | Token::IntegerMin
            | Token::LongMin
            | Token::Sosl(_)
            | Token::Error(_)
    )
}

/// How a token is written in source, for "expected ..." labels.
fn token_text(tok: &Token<'_>) -> String {
    let text = match tok {
        Token::LParen => "(",
        Token::RParen => ")",
        Token::LBracket => "[",
        Token::RBracket => "]",
        Token::LBrace => "{",
        Token::RBrace => "}",
        Token::Semi => ";",
        Token::Comma => ",",
        Token::Dot => ".",
        Token::SafeDot => "?.",
        Token::Question => "?",
        Token::Coalesce => "??",
        Token::Colon => ":",
        Token::Assign => "=",
        Token::FatArrow => "=>",
        Token::EqEq => "==",
        Token::EqEqEq => "===",
        Token::NotEq => "!=",
        Token::NotEqEq => "!==",
        Token::LtGt => "<>",
        Token::Lt => "<",
        Token::Le => "<=",
        Token::Shl => "<<",
        Token::ShlAssign => "<<=",
        Token::Gt => ">",
        Token::Ge => ">=",
        Token::Plus => "+",
        Token::PlusPlus => "++",
        Token::PlusAssign => "+=",
        Token::Minus => "-",
        Token::MinusMinus => "--",
        Token::MinusAssign => "-=",
        Token::Star => "*",
        Token::StarAssign => "*=",
        Token::Slash => "/",
        Token::SlashAssign => "/=",
        Token::Amp => "&",
        Token::AndAnd => "&&",
        Token::AmpAssign => "&=",
        Token::Pipe => "|",
        Token::OrOr => "||",
        Token::PipeAssign => "|=",
        Token::Caret => "^",
        Token::CaretAssign => "^=",
        Token::Bang => "!",
        Token::Tilde => "~",
        Token::At => "@",
        other => return keyword_or_display(other),
    };
    text.to_string()
}

fn keyword_or_display(tok: &Token<'_>) -> String {
    match tok {
        Token::Error(_) => "invalid token".into(),
        other => other.to_string().to_ascii_lowercase(),
    }
}
