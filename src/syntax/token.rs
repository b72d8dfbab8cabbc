//! Apex tokens, produced by logos.
//!
//! Keywords match in any case. SOQL words (`SELECT`, `FROM`, `LIMIT`, ...) are
//! plain identifiers here: Apex does not reserve them, and the SOQL parser
//! recognises them by their folded text. A `>` is always its own token so that
//! `List<List<String>>` closes two generic lists; the parser rebuilds `>>` and
//! `>>>` from adjacent `>` tokens.

use std::fmt;

use logos::{FilterResult, Lexer, Logos};

use crate::syntax::source::{Diagnostic, Span};

/// Why a piece of text could not be turned into a token.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LexError {
    /// A character that starts no token.
    #[default]
    UnexpectedChar,
    /// A string literal without its closing quote.
    UnterminatedString,
    /// A `/*` comment without its `*/`.
    UnterminatedComment,
    /// A backslash escape Apex does not know.
    BadEscape,
    /// An Integer literal outside the 32-bit range.
    IllegalInteger,
    /// A Long literal outside the 64-bit range.
    IllegalLong,
    /// A Decimal literal that does not fit a Decimal.
    IllegalDecimal,
    /// A Double literal that does not fit a Double.
    IllegalDouble,
    /// A `[FIND ...` query without its closing `]`.
    UnterminatedSosl,
}

impl LexError {
    /// The headline and label of the diagnostic for this error.
    pub fn describe(self) -> (&'static str, &'static str) {
        match self {
            LexError::UnexpectedChar => ("Invalid character", "not part of any token"),
            LexError::UnterminatedString => ("Unterminated string literal", "no closing quote"),
            LexError::UnterminatedComment => ("Unterminated comment", "no closing '*/'"),
            LexError::BadEscape => ("Invalid escape sequence", "unknown escape in this string"),
            LexError::IllegalInteger => ("Illegal integer", "outside the Integer range"),
            LexError::IllegalLong => ("Illegal long", "outside the Long range"),
            LexError::IllegalDecimal => ("Illegal decimal", "does not fit a Decimal"),
            LexError::IllegalDouble => ("Illegal double", "does not fit a Double"),
            LexError::UnterminatedSosl => ("Unterminated SOSL query", "no closing ']'"),
        }
    }
}

/// One Apex token. Literal tokens carry their value, identifiers their text.
#[derive(Logos, Clone, Debug, PartialEq)]
#[logos(error = LexError)]
#[logos(skip r"[ \t\r\n\f]+")]
// A line comment runs to the end of its line, so the greedy match is meant.
#[logos(skip(r"//[^\n]*", allow_greedy = true))]
pub enum Token<'s> {
    /// Text that could not be lexed; the parser reports it where it stands.
    Error(LexError),

    /// An identifier: `u`, `Account`, `My_Field__c`, also SOQL words.
    #[regex(r"[A-Za-z_][A-Za-z0-9_]*")]
    Ident(&'s str),
    /// A string literal, escapes applied.
    #[token("'", lex_string)]
    #[token("'''", lex_multiline_string)]
    Str(String),
    /// An Integer literal: `42`.
    #[regex(r"[0-9]+", lex_integer)]
    Integer(i32),
    /// A Long literal: `42L`.
    #[regex(r"[0-9]+[lL]", lex_long)]
    Long(i64),
    /// A Decimal literal as written: `1.50`.
    #[regex(r"[0-9]+\.[0-9]+", lex_decimal)]
    Decimal(&'s str),
    /// A Double literal: `1.5d`.
    #[regex(r"[0-9]+(\.[0-9]+)?[dD]", lex_double)]
    Double(f64),
    /// `2147483648`, legal only as the operand of `-` (the least Integer).
    #[token("2147483648")]
    IntegerMin,
    /// `9223372036854775808L`, legal only as the operand of `-` (the least Long).
    #[token("9223372036854775808l", ignore(case))]
    LongMin,
    /// A SOSL query in brackets, `[FIND 'x' IN ALL FIELDS RETURNING Account]`;
    /// the text between the brackets, trimmed.
    #[regex(r"\[[ \t\r\n]*[Ff][Ii][Nn][Dd][ \t\r\n]*['{:]", lex_sosl)]
    Sosl(&'s str),
    /// A `/* ... */` comment; skipped, never produced.
    #[token("/*", lex_block_comment)]
    BlockComment,

    /// `if`
    #[token("if", ignore(case))]
    If,
    /// `else`
    #[token("else", ignore(case))]
    Else,
    /// `while`
    #[token("while", ignore(case))]
    While,
    /// `for`
    #[token("for", ignore(case))]
    For,
    /// `break`
    #[token("break", ignore(case))]
    Break,
    /// `continue`
    #[token("continue", ignore(case))]
    Continue,
    /// `return`
    #[token("return", ignore(case))]
    Return,
    /// `new`
    #[token("new", ignore(case))]
    New,
    /// `null`
    #[token("null", ignore(case))]
    Null,
    /// `true`
    #[token("true", ignore(case))]
    True,
    /// `false`
    #[token("false", ignore(case))]
    False,
    /// `final`
    #[token("final", ignore(case))]
    Final,
    /// `instanceof`
    #[token("instanceof", ignore(case))]
    InstanceOf,
    /// `insert`
    #[token("insert", ignore(case))]
    Insert,
    /// `update`
    #[token("update", ignore(case))]
    Update,
    /// `upsert`
    #[token("upsert", ignore(case))]
    Upsert,
    /// `delete`
    #[token("delete", ignore(case))]
    Delete,
    /// `undelete`
    #[token("undelete", ignore(case))]
    Undelete,
    /// `do`
    #[token("do", ignore(case))]
    Do,
    /// `try`
    #[token("try", ignore(case))]
    Try,
    /// `catch`
    #[token("catch", ignore(case))]
    Catch,
    /// `finally`
    #[token("finally", ignore(case))]
    Finally,
    /// `throw`
    #[token("throw", ignore(case))]
    Throw,
    /// `switch`
    #[token("switch", ignore(case))]
    Switch,
    /// `class`
    #[token("class", ignore(case))]
    Class,
    /// `interface`
    #[token("interface", ignore(case))]
    Interface,
    /// `enum`
    #[token("enum", ignore(case))]
    Enum,
    /// `extends`
    #[token("extends", ignore(case))]
    Extends,
    /// `implements`
    #[token("implements", ignore(case))]
    Implements,
    /// `public`
    #[token("public", ignore(case))]
    Public,
    /// `private`
    #[token("private", ignore(case))]
    Private,
    /// `protected`
    #[token("protected", ignore(case))]
    Protected,
    /// `global`
    #[token("global", ignore(case))]
    Global,
    /// `static`
    #[token("static", ignore(case))]
    Static,
    /// `abstract`
    #[token("abstract", ignore(case))]
    Abstract,
    /// `virtual`
    #[token("virtual", ignore(case))]
    Virtual,
    /// `override`
    #[token("override", ignore(case))]
    Override,
    /// `transient`
    #[token("transient", ignore(case))]
    Transient,
    /// `testmethod`
    #[token("testmethod", ignore(case))]
    TestMethod,
    /// `webservice`
    #[token("webservice", ignore(case))]
    WebService,
    /// `void`
    #[token("void", ignore(case))]
    Void,

    /// `(`
    #[token("(")]
    LParen,
    /// `)`
    #[token(")")]
    RParen,
    /// `[`
    #[token("[")]
    LBracket,
    /// `]`
    #[token("]")]
    RBracket,
    /// `{`
    #[token("{")]
    LBrace,
    /// `}`
    #[token("}")]
    RBrace,
    /// `;`
    #[token(";")]
    Semi,
    /// `,`
    #[token(",")]
    Comma,
    /// `.`
    #[token(".")]
    Dot,
    /// `?.`
    #[token("?.")]
    SafeDot,
    /// `?`
    #[token("?")]
    Question,
    /// `??`
    #[token("??")]
    Coalesce,
    /// `:`
    #[token(":")]
    Colon,
    /// `=`
    #[token("=")]
    Assign,
    /// `=>`
    #[token("=>")]
    FatArrow,
    /// `==`
    #[token("==")]
    EqEq,
    /// `===`
    #[token("===")]
    EqEqEq,
    /// `!=`
    #[token("!=")]
    NotEq,
    /// `!==`
    #[token("!==")]
    NotEqEq,
    /// `<>`
    #[token("<>")]
    LtGt,
    /// `<`
    #[token("<")]
    Lt,
    /// `<=`
    #[token("<=")]
    Le,
    /// `<<`
    #[token("<<")]
    Shl,
    /// `<<=`
    #[token("<<=")]
    ShlAssign,
    /// `>`; `>>` and `>>>` are adjacent `>` tokens.
    #[token(">")]
    Gt,
    /// `>=`; `>>=` is `>` then `>=`, adjacent.
    #[token(">=")]
    Ge,
    /// `+`
    #[token("+")]
    Plus,
    /// `++`
    #[token("++")]
    PlusPlus,
    /// `+=`
    #[token("+=")]
    PlusAssign,
    /// `-`
    #[token("-")]
    Minus,
    /// `--`
    #[token("--")]
    MinusMinus,
    /// `-=`
    #[token("-=")]
    MinusAssign,
    /// `*`
    #[token("*")]
    Star,
    /// `*=`
    #[token("*=")]
    StarAssign,
    /// `/`
    #[token("/")]
    Slash,
    /// `/=`
    #[token("/=")]
    SlashAssign,
    /// `&`
    #[token("&")]
    Amp,
    /// `&&`
    #[token("&&")]
    AndAnd,
    /// `&=`
    #[token("&=")]
    AmpAssign,
    /// `|`
    #[token("|")]
    Pipe,
    /// `||`
    #[token("||")]
    OrOr,
    /// `|=`
    #[token("|=")]
    PipeAssign,
    /// `^`
    #[token("^")]
    Caret,
    /// `^=`
    #[token("^=")]
    CaretAssign,
    /// `!`
    #[token("!")]
    Bang,
    /// `~`
    #[token("~")]
    Tilde,
    /// `@`, before an annotation.
    #[token("@")]
    At,
}

impl fmt::Display for Token<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Token::Ident(s) | Token::Decimal(s) => f.write_str(s),
            Token::Sosl(s) => write!(f, "[{s}]"),
            Token::IntegerMin => f.write_str("2147483648"),
            Token::LongMin => f.write_str("9223372036854775808L"),
            Token::Str(s) => write!(f, "'{s}'"),
            Token::Integer(n) => write!(f, "{n}"),
            Token::Long(n) => write!(f, "{n}L"),
            Token::Double(n) => write!(f, "{n}d"),
            other => write!(f, "{other:?}"),
        }
    }
}

/// Lexes a whole text: the tokens with their byte spans, and a diagnostic for
/// each piece of text that is not a token. Comments are dropped; an error
/// stays in the stream as [`Token::Error`] so the parser stops there.
pub fn lex(text: &str) -> (Vec<(Token<'_>, Span)>, Vec<Diagnostic>) {
    let mut tokens = Vec::new();
    let mut diags = Vec::new();
    let mut lexer = Token::lexer(text);
    while let Some(result) = lexer.next() {
        let span = lexer.span();
        match result {
            Ok(tok) => tokens.push((tok, span)),
            Err(err) => {
                let (message, label) = err.describe();
                diags.push(Diagnostic::new(message, span.clone(), label));
                tokens.push((Token::Error(err), span));
            }
        }
    }
    (tokens, diags)
}

fn lex_block_comment<'s>(lex: &mut Lexer<'s, Token<'s>>) -> FilterResult<(), LexError> {
    match lex.remainder().find("*/") {
        Some(end) => {
            lex.bump(end + 2);
            FilterResult::Skip
        }
        None => {
            lex.bump(lex.remainder().len());
            FilterResult::Error(LexError::UnterminatedComment)
        }
    }
}

/// A single-quoted string ends at the first unescaped quote on the same line.
fn lex_string<'s>(lex: &mut Lexer<'s, Token<'s>>) -> Result<String, LexError> {
    let rest = lex.remainder();
    let mut escaped = false;
    for (i, c) in rest.char_indices() {
        match c {
            '\n' => break,
            '\\' => escaped = !escaped,
            '\'' if !escaped => {
                lex.bump(i + 1);
                return unescape(&rest[..i]);
            }
            _ => escaped = false,
        }
    }
    // Unterminated: swallow the rest of the line so lexing resumes after it.
    lex.bump(rest.find('\n').unwrap_or(rest.len()));
    Err(LexError::UnterminatedString)
}

/// A `'''` string runs, across lines, to the next `'''`.
fn lex_multiline_string<'s>(lex: &mut Lexer<'s, Token<'s>>) -> Result<String, LexError> {
    let rest = lex.remainder();
    match rest.find("'''") {
        Some(end) => {
            lex.bump(end + 3);
            unescape(&rest[..end])
        }
        None => {
            lex.bump(rest.len());
            Err(LexError::UnterminatedString)
        }
    }
}

/// Applies Apex escapes: `\n \t \r \b \f \' \" \\ \uXXXX`, and keeps SOQL's
/// `\_` and `\%` as written.
fn unescape(raw: &str) -> Result<String, LexError> {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let decoded = match chars.next() {
            Some('n') => '\n',
            Some('t') => '\t',
            Some('r') => '\r',
            Some('b') => '\u{8}',
            Some('f') => '\u{c}',
            Some(q @ ('\'' | '"' | '\\')) => q,
            // SOQL's LIKE escapes stay escaped for the LIKE pattern. The lexer
            // cannot tell SOQL strings from others, so outside SOQL apexlite
            // keeps `\_` where the platform refuses it (a known difference).
            Some(w @ ('_' | '%')) => {
                out.push('\\');
                w
            }
            Some('u') => unicode_escape(&mut chars)?,
            _ => return Err(LexError::BadEscape),
        };
        out.push(decoded);
    }
    Ok(out)
}

fn unicode_escape(chars: &mut std::str::Chars<'_>) -> Result<char, LexError> {
    let mut code = 0u32;
    for _ in 0..4 {
        let digit = chars
            .next()
            .and_then(|c| c.to_digit(16))
            .ok_or(LexError::BadEscape)?;
        code = code * 16 + digit;
    }
    // A lone surrogate half is not a char; Apex would keep it, we refuse it.
    char::from_u32(code).ok_or(LexError::BadEscape)
}

/// The literal is checked without its sign; `2147483648` itself is the
/// [`Token::IntegerMin`] token, which the parser accepts only after `-`.
fn lex_integer<'s>(lex: &mut Lexer<'s, Token<'s>>) -> Result<i32, LexError> {
    lex.slice().parse().map_err(|_| LexError::IllegalInteger)
}

fn lex_long<'s>(lex: &mut Lexer<'s, Token<'s>>) -> Result<i64, LexError> {
    let digits = &lex.slice()[..lex.slice().len() - 1];
    digits.parse().map_err(|_| LexError::IllegalLong)
}

/// Scans from the `[` to the `]` that closes the query, skipping quoted
/// strings and `{...}` search terms (both may hold `]`), with `\` escapes.
fn lex_sosl<'s>(lex: &mut Lexer<'s, Token<'s>>) -> Result<&'s str, LexError> {
    let start = lex.span().start + 1;
    let rest = lex.source().get(start..).unwrap_or("");
    let mut closer: Option<char> = None;
    let mut escaped = false;
    for (i, c) in rest.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match (closer, c) {
            (_, '\\') => escaped = true,
            (Some(close), c) if c == close => closer = None,
            (Some(_), _) => {}
            (None, '\'') => closer = Some('\''),
            (None, '{') => closer = Some('}'),
            (None, ']') => {
                lex.bump(start + i + 1 - lex.span().end);
                return Ok(rest[..i].trim());
            }
            (None, _) => {}
        }
    }
    lex.bump(lex.source().len() - lex.span().end);
    Err(LexError::UnterminatedSosl)
}

fn lex_decimal<'s>(lex: &mut Lexer<'s, Token<'s>>) -> Result<&'s str, LexError> {
    let text = lex.slice();
    match rust_decimal::Decimal::from_str_exact(text) {
        Ok(_) => Ok(text),
        Err(_) => Err(LexError::IllegalDecimal),
    }
}

fn lex_double<'s>(lex: &mut Lexer<'s, Token<'s>>) -> Result<f64, LexError> {
    let digits = &lex.slice()[..lex.slice().len() - 1];
    match digits.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err(LexError::IllegalDouble),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<Token<'_>> {
        lex(text).0.into_iter().map(|(t, _)| t).collect()
    }

    #[test]
    fn keywords_ignore_case() {
        assert_eq!(
            kinds("INSERT Insert insert"),
            [Token::Insert, Token::Insert, Token::Insert]
        );
        assert_eq!(
            kinds("NULL True fAlSe"),
            [Token::Null, Token::True, Token::False]
        );
        assert_eq!(kinds("inserts"), [Token::Ident("inserts")]);
    }

    #[test]
    fn soql_words_are_identifiers() {
        assert_eq!(
            kinds("SELECT limit"),
            [Token::Ident("SELECT"), Token::Ident("limit")]
        );
    }

    #[test]
    fn identifiers_keep_custom_suffixes() {
        assert_eq!(kinds("My_Field__c"), [Token::Ident("My_Field__c")]);
    }

    #[test]
    fn strings_apply_escapes() {
        assert_eq!(kinds(r"'it\'s\n\u0041'"), [Token::Str("it's\nA".into())]);
        assert_eq!(kinds("'''a\nb'''"), [Token::Str("a\nb".into())]);
        assert_eq!(kinds("''"), [Token::Str(String::new())]);
    }

    #[test]
    fn string_errors_are_error_tokens() {
        assert_eq!(kinds("'abc"), [Token::Error(LexError::UnterminatedString)]);
        assert_eq!(kinds(r"'\q'"), [Token::Error(LexError::BadEscape)]);
        assert_eq!(kinds("'"), [Token::Error(LexError::UnterminatedString)]);
    }

    #[test]
    fn numbers_by_kind() {
        assert_eq!(
            kinds("42 42L 42l 1.50 1.5d 2D"),
            [
                Token::Integer(42),
                Token::Long(42),
                Token::Long(42),
                Token::Decimal("1.50"),
                Token::Double(1.5),
                Token::Double(2.0),
            ]
        );
    }

    #[test]
    fn numbers_out_of_range_are_errors() {
        assert_eq!(kinds("2147483648"), [Token::IntegerMin]);
        assert_eq!(
            kinds("2147483649"),
            [Token::Error(LexError::IllegalInteger)]
        );
        assert_eq!(kinds("9223372036854775808L"), [Token::LongMin]);
        assert_eq!(kinds("2147483647"), [Token::Integer(i32::MAX)]);
        assert_eq!(
            kinds("99999999999999999999L"),
            [Token::Error(LexError::IllegalLong)]
        );
        let huge = format!("{}.5", "9".repeat(40));
        assert_eq!(kinds(&huge), [Token::Error(LexError::IllegalDecimal)]);
    }

    #[test]
    fn comments_are_dropped() {
        assert_eq!(kinds("/* c */ // c\nx"), [Token::Ident("x")]);
        assert_eq!(
            kinds("/* open"),
            [Token::Error(LexError::UnterminatedComment)]
        );
    }

    #[test]
    fn operators() {
        assert_eq!(
            kinds("=== !== ?. ?? >>> => += <> <<="),
            [
                Token::EqEqEq,
                Token::NotEqEq,
                Token::SafeDot,
                Token::Coalesce,
                Token::Gt,
                Token::Gt,
                Token::Gt,
                Token::FatArrow,
                Token::PlusAssign,
                Token::LtGt,
                Token::ShlAssign,
            ]
        );
    }

    #[test]
    fn sosl_is_one_token() {
        assert_eq!(
            kinds("[ FIND 'a]b' IN ALL FIELDS RETURNING Account(Name) ] x"),
            [
                Token::Sosl("FIND 'a]b' IN ALL FIELDS RETURNING Account(Name)"),
                Token::Ident("x")
            ]
        );
        assert_eq!(kinds("[find {x]}]"), [Token::Sosl("find {x]}")]);
        assert_eq!(kinds("[FIND :term]"), [Token::Sosl("FIND :term")]);
        assert_eq!(
            kinds("a[find]"),
            [
                Token::Ident("a"),
                Token::LBracket,
                Token::Ident("find"),
                Token::RBracket
            ]
        );
        assert_eq!(
            kinds("[FIND 'x' RETURNING"),
            [Token::Error(LexError::UnterminatedSosl)]
        );
    }

    #[test]
    fn stray_characters_are_errors() {
        assert_eq!(kinds("#"), [Token::Error(LexError::UnexpectedChar)]);
        assert_eq!(kinds("é"), [Token::Error(LexError::UnexpectedChar)]);
    }
}
