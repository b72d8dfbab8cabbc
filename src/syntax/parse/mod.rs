//! Tokens to AST with chumsky. One module per construct: [`expr`], [`stmt`],
//! [`flow`], [`decl`], [`unit`], [`soql`], [`types`]; production names follow
//! `grammar/apex.ebnf` and `grammar/soql.ebnf`.

mod base;
mod decl;
mod depth;
mod errors;
mod expr;
mod flow;
mod recover;
mod soql;
mod stmt;
mod types;
mod unit;

#[cfg(test)]
mod tests;

use chumsky::input::Input;
use chumsky::prelude::*;

use crate::syntax::ast::{Script, SoqlQuery, Unit};
use crate::syntax::source::{Diagnostic, SourceFile, Span};
use crate::syntax::token::{Token, lex};

pub use depth::{MAX_CHAIN, MAX_DEPTH, MAX_NESTING};

/// Parses an anonymous Apex script: statements, with methods and classes
/// declared among them.
pub fn parse_script(file: &SourceFile) -> Result<Script, Vec<Diagnostic>> {
    let (tokens, mut diags) = prepare(&file.text);
    let end = file.text.len();
    let (script, errors) = unit::script()
        .parse(
            tokens
                .as_slice()
                .map(SimpleSpan::from(end..end), |(t, s)| (t, s)),
        )
        .into_output_errors();
    diags.extend(errors::convert(&file.text, errors));
    if let Some(at) = script.as_ref().and_then(depth::too_deep) {
        diags.push(too_deep_diagnostic(at));
    }
    finish(script, diags).map_err(|(script, diags)| {
        if let Some(script) = script {
            depth::dismantle(script);
        }
        diags
    })
}

/// Parses text that is one expression, optionally ended by `;`: what the
/// REPL prints the value of (`u.Alias`, `1 + 2`). The expression comes back
/// as the only statement of a script, so the script's depth checks apply.
pub fn parse_expression(file: &SourceFile) -> Result<Script, Vec<Diagnostic>> {
    let (tokens, mut diags) = prepare(&file.text);
    let end_at = file.text.len();
    let (expr, errors) = expr::expression()
        .then_ignore(just(Token::Semi).or_not())
        .then_ignore(end())
        .parse(
            tokens
                .as_slice()
                .map(SimpleSpan::from(end_at..end_at), |(t, s)| (t, s)),
        )
        .into_output_errors();
    diags.extend(errors::convert(&file.text, errors));
    let script = expr.map(|e| Script {
        stmts: vec![crate::syntax::ast::Stmt {
            span: e.span.clone(),
            kind: crate::syntax::ast::StmtKind::Expr(e),
        }],
        methods: Vec::new(),
        types: Vec::new(),
    });
    if let Some(at) = script.as_ref().and_then(depth::too_deep) {
        diags.push(too_deep_diagnostic(at));
    }
    finish(script, diags).map_err(|(script, diags)| {
        if let Some(script) = script {
            depth::dismantle(script);
        }
        diags
    })
}

/// Parses a project file: a class, interface or enum (`.cls`), or a trigger
/// (`.trigger`), told apart by whether the text starts with `trigger`.
pub fn parse_unit(file: &SourceFile) -> Result<Unit, Vec<Diagnostic>> {
    let (tokens, mut diags) = prepare(&file.text);
    let end = file.text.len();
    let input = tokens
        .as_slice()
        .map(SimpleSpan::from(end..end), |(t, s)| (t, s));
    let is_trigger =
        matches!(tokens.first(), Some((Token::Ident(w), _)) if w.eq_ignore_ascii_case("trigger"));
    let (unit, errors) = if is_trigger {
        unit::trigger_unit()
            .map(Unit::Trigger)
            .parse(input)
            .into_output_errors()
    } else {
        unit::type_unit()
            .map(Unit::Type)
            .parse(input)
            .into_output_errors()
    };
    diags.extend(errors::convert(&file.text, errors));
    if let Some(at) = unit.as_ref().and_then(depth::unit_too_deep) {
        diags.push(too_deep_diagnostic(at));
    }
    finish(unit, diags).map_err(|(unit, diags)| {
        if let Some(unit) = unit {
            depth::dismantle_unit(unit);
        }
        diags
    })
}

/// Parses the text of a dynamic SOQL query, as given to `Database.query`.
/// Bind expressions (`:name`) are allowed; comments are not, as SOQL has none.
pub fn parse_soql(text: &str) -> Result<SoqlQuery, Vec<Diagnostic>> {
    let (tokens, mut diags) = prepare(text);
    if let Some(at) = comment_between(text, &tokens) {
        let msg = "Unexpected comment: SOQL has no comments";
        diags.push(Diagnostic::new(msg, at, "comment"));
        return Err(diags);
    }
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
    if let Some(at) = query.as_ref().and_then(depth::query_too_deep) {
        diags.push(too_deep_diagnostic(at));
    }
    match finish(query, diags) {
        Ok(query) => Ok(query),
        Err((query, diags)) => {
            if let Some(query) = query {
                depth::dismantle_query(query);
            }
            Err(diags)
        }
    }
}

type Spanned<'s> = (Token<'s>, SimpleSpan);

/// Where the lexer skipped something other than white space (a comment).
fn comment_between(text: &str, tokens: &[Spanned<'_>]) -> Option<Span> {
    let mut from = 0;
    let ends = tokens
        .iter()
        .map(|(_, s)| (s.start, s.end))
        .chain([(text.len(), text.len())]);
    for (start, end) in ends {
        let gap = text.get(from..start).unwrap_or_default();
        if let Some(at) = gap.find(|c: char| !c.is_whitespace()) {
            return Some(from + at..start);
        }
        from = end;
    }
    None
}

/// Lexes the text and checks nesting and operator chains. When a limit is
/// exceeded the token list comes back empty, so nothing deep reaches the parser.
fn prepare(text: &str) -> (Vec<Spanned<'_>>, Vec<Diagnostic>) {
    let (tokens, mut diags) = lex(text);
    if let Some(diag) = depth::token_limits(&tokens) {
        diags.push(diag);
        return (Vec::new(), diags);
    }
    let tokens = tokens
        .into_iter()
        .map(|(t, s)| (t, SimpleSpan::from(s)))
        .collect();
    (tokens, diags)
}

fn too_deep_diagnostic(at: Span) -> Diagnostic {
    let message = format!("Code nested more than {MAX_DEPTH} levels deep");
    Diagnostic::new(message, at, "nested too deeply")
}

/// The output when there are no diagnostics; otherwise the diagnostics in
/// source order, with whatever output there was so the caller can free it.
fn finish<T>(
    output: Option<T>,
    mut diags: Vec<Diagnostic>,
) -> Result<T, (Option<T>, Vec<Diagnostic>)> {
    match output {
        Some(out) if diags.is_empty() => Ok(out),
        output => {
            if diags.is_empty() {
                diags.push(Diagnostic::new(
                    "Invalid input",
                    0..0,
                    "could not be parsed",
                ));
            }
            diags.sort_by_key(|d| d.span.start);
            Err((output, diags))
        }
    }
}
