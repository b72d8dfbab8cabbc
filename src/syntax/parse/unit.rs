//! Whole inputs: an anonymous script, whose top level mixes statements with
//! method and type declarations, and the single type or trigger of a file.

use chumsky::prelude::*;

use super::base::{Extra, TokenInput, custom, span};
use super::decl::{method_decl, trigger_decl, type_decl};
use super::expr::expression;
use super::recover::{placeholder, skip_statement};
use super::stmt::{statement, statement_kind};
use crate::syntax::ast::{MethodDecl, Script, Stmt, TriggerDecl, TypeDecl};
use crate::syntax::token::Token;

/// One top-level item of a script.
enum Item {
    Stmt(Stmt),
    Method(MethodDecl),
    Type(TypeDecl),
}

/// `script = (type_decl | method_decl | statement)*`
///
/// A method is told from a statement by its head: a type (or `void`), a name
/// and `(`, which no statement starts with.
pub(crate) fn script<'t, 's: 't, I: TokenInput<'t, 's>>()
-> impl Parser<'t, I, Script, Extra<'t, 's>> {
    let expr = expression().boxed();
    let stmt = statement(expr.clone());
    let top_stmt = statement_kind(stmt.clone(), expr.clone()).map_with(|kind, e| Stmt {
        kind,
        span: span(e.span()),
    });
    // Recovery sits on the whole item, so the error reported is the one that
    // got furthest among the three readings.
    let item = choice((
        type_decl(stmt.clone(), expr).map(Item::Type).boxed(),
        method_decl(stmt).map(Item::Method).boxed(),
        top_stmt.map(Item::Stmt).boxed(),
    ))
    .recover_with(via_parser(skip_statement().map(Item::Stmt)));
    // A stray `}` at the top level is reported and skipped so that the
    // statements after it are still checked.
    let stray = just(Token::RBrace).validate(|_, e, emitter| {
        emitter.emit(custom(
            e.span(),
            "Unexpected token '}'.",
            "no block to close",
        ));
        Item::Stmt(placeholder(e.span()))
    });
    item.or(stray)
        .repeated()
        .collect::<Vec<_>>()
        .then_ignore(end())
        .map(split_items)
}

fn split_items(items: Vec<Item>) -> Script {
    let mut script = Script {
        stmts: Vec::new(),
        methods: Vec::new(),
        types: Vec::new(),
    };
    for item in items {
        match item {
            Item::Stmt(s) => script.stmts.push(s),
            Item::Method(m) => script.methods.push(m),
            Item::Type(t) => script.types.push(t),
        }
    }
    script
}

/// `type_unit = type_decl`, the whole of a `.cls` file.
pub(crate) fn type_unit<'t, 's: 't, I: TokenInput<'t, 's>>()
-> impl Parser<'t, I, TypeDecl, Extra<'t, 's>> {
    let expr = expression().boxed();
    let stmt = statement(expr.clone());
    type_decl(stmt, expr).then_ignore(end())
}

/// `trigger_unit = trigger_decl`, the whole of a `.trigger` file.
pub(crate) fn trigger_unit<'t, 's: 't, I: TokenInput<'t, 's>>()
-> impl Parser<'t, I, TriggerDecl, Extra<'t, 's>> {
    let stmt = statement(expression().boxed());
    trigger_decl(stmt).then_ignore(end())
}
