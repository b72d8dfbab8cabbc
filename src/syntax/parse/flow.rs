//! The statements beyond plain loops and jumps: `do ... while`, `throw`,
//! `try`/`catch`/`finally`, `switch on` and `System.runAs`.

use chumsky::prelude::*;

use super::base::word;
use super::base::{BoxedExpr, BoxedStmt, Extra, TokenInput, block, custom, ident, semi, span};
use super::expr::{literal, min_literal};
use super::soql::negate;
use super::stmt::condition;
use super::types::type_ref;
use crate::syntax::ast::{Catch, Expr, ExprKind, StmtKind, When, WhenKind};
use crate::syntax::token::Token;

/// `do_while_stmt = "do" statement "while" "(" expression ")" ";"`
pub(crate) fn do_while_stmt<'t, 's: 't, I: TokenInput<'t, 's>>(
    stmt: BoxedStmt<'t, 's, I>,
    expr: BoxedExpr<'t, 's, I>,
) -> impl Parser<'t, I, StmtKind, Extra<'t, 's>> + Clone {
    just(Token::Do)
        .ignore_then(stmt)
        .then_ignore(just(Token::While))
        .then(condition(expr))
        .then_ignore(semi())
        .map(|(body, cond)| StmtKind::DoWhile {
            body: Box::new(body),
            cond,
        })
}

/// `throw_stmt = "throw" expression ";"`
pub(crate) fn throw_stmt<'t, 's: 't, I: TokenInput<'t, 's>>(
    expr: BoxedExpr<'t, 's, I>,
) -> impl Parser<'t, I, StmtKind, Extra<'t, 's>> + Clone {
    just(Token::Throw)
        .ignore_then(expr)
        .then_ignore(semi())
        .map(StmtKind::Throw)
}

/// `try_stmt = "try" block catch_clause* ("finally" block)?`, with at least
/// one `catch` or a `finally`.
pub(crate) fn try_stmt<'t, 's: 't, I: TokenInput<'t, 's>>(
    stmt: BoxedStmt<'t, 's, I>,
) -> impl Parser<'t, I, StmtKind, Extra<'t, 's>> + Clone {
    let finally = just(Token::Finally).ignore_then(block(stmt.clone()));
    just(Token::Try)
        .ignore_then(block(stmt.clone()))
        .then(catch_clause(stmt).repeated().collect::<Vec<_>>())
        .then(finally.or_not())
        .validate(|((body, catches), finally), e, emitter| {
            if catches.is_empty() && finally.is_none() {
                emitter.emit(custom(
                    e.span(),
                    "Try block must have at least one catch or finally block",
                    "add a catch or finally block",
                ));
            }
            StmtKind::Try {
                body,
                catches,
                finally,
            }
        })
}

/// `catch_clause = "catch" "(" "final"? type_ref identifier ")" block`
fn catch_clause<'t, 's: 't, I: TokenInput<'t, 's>>(
    stmt: BoxedStmt<'t, 's, I>,
) -> impl Parser<'t, I, Catch, Extra<'t, 's>> + Clone {
    let head = just(Token::Final)
        .or_not()
        .ignore_then(type_ref())
        .then(ident())
        .delimited_by(just(Token::LParen), just(Token::RParen));
    just(Token::Catch)
        .ignore_then(head)
        .then(block(stmt))
        .map_with(|((ty, var), body), e| Catch {
            ty,
            var,
            body,
            span: span(e.span()),
        })
}

/// `switch_stmt = "switch" "on" expression "{" when_clause+ "}"`; a
/// `when else` must come last.
pub(crate) fn switch_stmt<'t, 's: 't, I: TokenInput<'t, 's>>(
    stmt: BoxedStmt<'t, 's, I>,
    expr: BoxedExpr<'t, 's, I>,
) -> impl Parser<'t, I, StmtKind, Extra<'t, 's>> + Clone {
    let whens = when_clause(stmt)
        .repeated()
        .at_least(1)
        .collect::<Vec<_>>()
        .delimited_by(just(Token::LBrace), just(Token::RBrace));
    just(Token::Switch)
        .ignore_then(word("on"))
        .ignore_then(expr)
        .then(whens)
        .validate(|(subject, whens), _, emitter| {
            let last = whens.len().saturating_sub(1);
            let misplaced = whens
                .iter()
                .enumerate()
                .find(|(i, w)| *i < last && w.kind == WhenKind::Else);
            if let Some((_, w)) = misplaced {
                emitter.emit(custom(
                    SimpleSpan::from(w.span.clone()),
                    "'when else' must be the last 'when' block",
                    "move it to the end",
                ));
            }
            StmtKind::Switch { subject, whens }
        })
}

/// `when_clause = "when" ("else" | when_type | when_value ("," when_value)*) block`
/// `when_type = type_ref identifier`, only when a `{` follows, so that a single
/// name (`when RED {`) is an enum value.
fn when_clause<'t, 's: 't, I: TokenInput<'t, 's>>(
    stmt: BoxedStmt<'t, 's, I>,
) -> impl Parser<'t, I, When, Extra<'t, 's>> + Clone {
    let when_type = type_ref()
        .then(ident())
        .then_ignore(just(Token::LBrace).rewind())
        .map(|(ty, var)| WhenKind::Type { ty, var });
    let values = when_value()
        .separated_by(just(Token::Comma))
        .at_least(1)
        .collect()
        .map(WhenKind::Values);
    let kind = choice((just(Token::Else).to(WhenKind::Else), when_type, values));
    word("when")
        .ignore_then(kind)
        .then(block(stmt))
        .map_with(|(kind, body), e| When {
            kind,
            body,
            span: span(e.span()),
        })
}

/// `when_value = literal | "-" number | identifier`: a literal, `null` or an
/// enum constant.
fn when_value<'t, 's: 't, I>() -> impl Parser<'t, I, Expr, Extra<'t, 's>> + Clone
where
    I: TokenInput<'t, 's>,
{
    let negative = just(Token::Minus).ignore_then(
        literal()
            .try_map(|lit, sp| {
                negate(lit).ok_or_else(|| custom(sp, "Expected a number after '-'", "not a number"))
            })
            .or(min_literal()),
    );
    choice((
        literal().or(negative).map(ExprKind::Literal),
        ident().map(ExprKind::Name),
    ))
    .map_with(|kind, e| Expr {
        kind,
        span: span(e.span()),
    })
    .labelled("when value")
}

/// `run_as_stmt = "System" "." "runAs" "(" expression ")" block`
pub(crate) fn run_as_stmt<'t, 's: 't, I: TokenInput<'t, 's>>(
    stmt: BoxedStmt<'t, 's, I>,
    expr: BoxedExpr<'t, 's, I>,
) -> impl Parser<'t, I, StmtKind, Extra<'t, 's>> + Clone {
    word("System")
        .then(just(Token::Dot))
        .then(word("runAs"))
        .ignore_then(condition(expr))
        .then(block(stmt))
        .map(|(user, body)| StmtKind::RunAs { user, body })
}
