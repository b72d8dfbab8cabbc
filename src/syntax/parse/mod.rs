//! Tokens to AST with chumsky. One module per construct: [`expr`], [`stmt`],
//! [`soql`], [`types`]; production names follow `grammar/apex.ebnf` and
//! `grammar/soql.ebnf`.

mod base;
mod errors;
mod expr;
mod soql;
mod stmt;
mod types;

#[cfg(test)]
mod tests;

use chumsky::input::Input;
use chumsky::prelude::*;

use crate::syntax::ast::{Script, SoqlQuery};
use crate::syntax::source::{Diagnostic, SourceFile, Span};
use crate::syntax::token::{Token, lex};

/// How deeply brackets may nest. Deeper input is refused with a diagnostic
/// rather than risking the stack in this and later stages.
pub const MAX_NESTING: usize = 256;

/// Parses an anonymous Apex script.
pub fn parse_script(file: &SourceFile) -> Result<Script, Vec<Diagnostic>> {
    let (tokens, mut diags) = prepare(&file.text);
    let end = file.text.len();
    let (stmts, errors) = stmt::script()
        .parse(
            tokens
                .as_slice()
                .map(SimpleSpan::from(end..end), |(t, s)| (t, s)),
        )
        .into_output_errors();
    diags.extend(errors::convert(&file.text, errors));
    finish(stmts.map(|stmts| Script { stmts }), diags)
}

/// Parses the text of a dynamic SOQL query, as given to `Database.query`.
/// Bind expressions (`:name`) are allowed.
pub fn parse_soql(text: &str) -> Result<SoqlQuery, Vec<Diagnostic>> {
    let (tokens, mut diags) = prepare(text);
    let eoi = text.len();
    let bind = expr::member_chain(expr::expression().boxed()).boxed();
    let (query, errors) = soql::soql_query(bind)
        .then_ignore(end())
        .parse(
            tokens
                .as_slice()
                .map(SimpleSpan::from(eoi..eoi), |(t, s)| (t, s)),
        )
        .into_output_errors();
    diags.extend(errors::convert(text, errors));
    finish(query, diags)
}

type Spanned<'s> = (Token<'s>, SimpleSpan);

/// Lexes the text and checks bracket nesting. When nesting is too deep the
/// token list comes back empty, so nothing deep reaches the parser.
fn prepare(text: &str) -> (Vec<Spanned<'_>>, Vec<Diagnostic>) {
    let (tokens, mut diags) = lex(text);
    if let Some(at) = too_deep(&tokens) {
        diags.push(Diagnostic::new(
            format!("Brackets nested more than {MAX_NESTING} deep"),
            at,
            "nested too deeply",
        ));
        return (Vec::new(), diags);
    }
    let tokens = tokens
        .into_iter()
        .map(|(t, s)| (t, SimpleSpan::from(s)))
        .collect();
    (tokens, diags)
}

/// The span of the first bracket opened beyond [`MAX_NESTING`], if any.
fn too_deep(tokens: &[(Token<'_>, Span)]) -> Option<Span> {
    let mut depth = 0usize;
    for (tok, span) in tokens {
        match tok {
            Token::LParen | Token::LBracket | Token::LBrace => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some(span.clone());
                }
            }
            Token::RParen | Token::RBracket | Token::RBrace => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

fn finish<T>(output: Option<T>, mut diags: Vec<Diagnostic>) -> Result<T, Vec<Diagnostic>> {
    match output {
        Some(out) if diags.is_empty() => Ok(out),
        _ => {
            if diags.is_empty() {
                diags.push(Diagnostic::new(
                    "Invalid input",
                    0..0,
                    "could not be parsed",
                ));
            }
            diags.sort_by_key(|d| d.span.start);
            Err(diags)
        }
    }
}
