//! Statements: declarations of locals, expressions, DML, blocks, loops and
//! jumps. `try`, `switch`, `System.runAs` and `do` are in [`super::flow`].

use chumsky::prelude::*;

use super::base::{BoxedExpr, BoxedStmt, Extra, TokenInput, block, custom, ident, member_name};
use super::base::{semi, span, word};
use super::flow::{do_while_stmt, run_as_stmt, switch_stmt, throw_stmt, try_stmt};
use super::recover::skip_statement;
use super::types::type_ref;
use crate::syntax::ast::{DmlOp, Expr, ExprKind, Ident, Stmt, StmtKind, TypeRef, UnaryOp};
use crate::syntax::token::Token;

/// `statement`, recovering from errors by skipping the broken statement.
pub(crate) fn statement<'t, 's: 't, I: TokenInput<'t, 's>>(
    expr: BoxedExpr<'t, 's, I>,
) -> BoxedStmt<'t, 's, I> {
    recursive(|stmt| {
        statement_kind(stmt.boxed(), expr)
            .map_with(|kind, e| Stmt {
                kind,
                span: span(e.span()),
            })
            .recover_with(via_parser(skip_statement()))
            .boxed()
    })
    .boxed()
}

/// `statement = block | if_stmt | while_stmt | do_while_stmt | for_stmt | switch_stmt
///            | try_stmt | run_as_stmt | throw_stmt | "break" ";" | "continue" ";"
///            | "return" expression? ";" | dml_stmt | local_decl ";" | expr_stmt ";"`
///
/// `stmt` parses the statements nested inside; no recovery at this level.
pub(crate) fn statement_kind<'t, 's: 't, I: TokenInput<'t, 's>>(
    stmt: BoxedStmt<'t, 's, I>,
    expr: BoxedExpr<'t, 's, I>,
) -> impl Parser<'t, I, StmtKind, Extra<'t, 's>> + Clone {
    let jump = choice((
        just(Token::Break).then(semi()).to(StmtKind::Break),
        just(Token::Continue).then(semi()).to(StmtKind::Continue),
        just(Token::Return)
            .ignore_then(expr.clone().or_not())
            .then_ignore(semi())
            .map(StmtKind::Return),
        throw_stmt(expr.clone()),
    ));
    // Each alternative is boxed: chumsky inlines combinators into one stack
    // frame, and an unboxed choice of all statements makes a frame too big
    // for its stack-growth checks in debug builds.
    choice((
        block(stmt.clone()).map(StmtKind::Block).boxed(),
        if_stmt(stmt.clone(), expr.clone()).boxed(),
        while_stmt(stmt.clone(), expr.clone()).boxed(),
        do_while_stmt(stmt.clone(), expr.clone()).boxed(),
        for_stmt(stmt.clone(), expr.clone()).boxed(),
        switch_stmt(stmt.clone(), expr.clone()).boxed(),
        try_stmt(stmt.clone()).boxed(),
        run_as_stmt(stmt, expr.clone()).boxed(),
        jump.boxed(),
        dml_stmt(expr.clone()).boxed(),
        local_decl(expr.clone()).then_ignore(semi()).boxed(),
        expr_stmt(expr).then_ignore(semi()).boxed(),
    ))
    .labelled("statement")
    .boxed()
}

/// `"(" expression ")"`, the condition of `if`, `while` and `do`.
pub(crate) fn condition<'t, 's: 't, I: TokenInput<'t, 's>>(
    expr: BoxedExpr<'t, 's, I>,
) -> impl Parser<'t, I, Expr, Extra<'t, 's>> + Clone {
    expr.delimited_by(just(Token::LParen), just(Token::RParen))
}

/// `if_stmt = "if" "(" expression ")" statement ("else" statement)?`
fn if_stmt<'t, 's: 't, I: TokenInput<'t, 's>>(
    stmt: BoxedStmt<'t, 's, I>,
    expr: BoxedExpr<'t, 's, I>,
) -> impl Parser<'t, I, StmtKind, Extra<'t, 's>> + Clone {
    just(Token::If)
        .ignore_then(condition(expr))
        .then(stmt.clone())
        .then(just(Token::Else).ignore_then(stmt).or_not())
        .map(|((cond, then), otherwise)| StmtKind::If {
            cond,
            then: Box::new(then),
            otherwise: otherwise.map(Box::new),
        })
}

/// `while_stmt = "while" "(" expression ")" statement`
fn while_stmt<'t, 's: 't, I: TokenInput<'t, 's>>(
    stmt: BoxedStmt<'t, 's, I>,
    expr: BoxedExpr<'t, 's, I>,
) -> impl Parser<'t, I, StmtKind, Extra<'t, 's>> + Clone {
    just(Token::While)
        .ignore_then(condition(expr))
        .then(stmt)
        .map(|(cond, body)| StmtKind::While {
            cond,
            body: Box::new(body),
        })
}

/// `for_stmt = "for" "(" (for_each_head | for_classic_head) ")" statement`
/// `for_each_head = type_ref identifier ":" expression`
/// `for_classic_head = for_init? ";" expression? ";" (expression ("," expression)*)?`
fn for_stmt<'t, 's: 't, I: TokenInput<'t, 's>>(
    stmt: BoxedStmt<'t, 's, I>,
    expr: BoxedExpr<'t, 's, I>,
) -> impl Parser<'t, I, StmtKind, Extra<'t, 's>> + Clone {
    let each_head = type_ref()
        .then(ident())
        .then_ignore(just(Token::Colon))
        .then(expr.clone())
        .map(|((ty, var), iterable)| ForHead::Each { ty, var, iterable });
    let classic_head = for_init(expr.clone())
        .or_not()
        .then_ignore(semi())
        .then(expr.clone().or_not())
        .then_ignore(semi())
        .then(expr.separated_by(just(Token::Comma)).collect::<Vec<_>>())
        .map(|((init, cond), update)| ForHead::Classic { init, cond, update });
    just(Token::For)
        .ignore_then(
            each_head
                .or(classic_head)
                .delimited_by(just(Token::LParen), just(Token::RParen)),
        )
        .then(stmt)
        .map(|(head, body)| head.with_body(Box::new(body)))
}

/// `for_init = local_decl | expr_stmt ("," expr_stmt)*`
///
/// Several expressions come back as a block of expression statements.
fn for_init<'t, 's: 't, I: TokenInput<'t, 's>>(
    expr: BoxedExpr<'t, 's, I>,
) -> impl Parser<'t, I, Stmt, Extra<'t, 's>> + Clone {
    let exprs = expr_stmt(expr.clone())
        .map_with(|kind, e| Stmt {
            kind,
            span: span(e.span()),
        })
        .separated_by(just(Token::Comma))
        .at_least(1)
        .collect::<Vec<_>>()
        .map_with(|mut stmts, e| match (stmts.len(), stmts.pop()) {
            (1, Some(one)) => one,
            (_, last) => {
                stmts.extend(last);
                Stmt {
                    kind: StmtKind::Block(stmts),
                    span: span(e.span()),
                }
            }
        });
    local_decl(expr)
        .map_with(|kind, e| Stmt {
            kind,
            span: span(e.span()),
        })
        .or(exprs)
}

/// The part of a `for` between its parentheses.
enum ForHead {
    Each {
        ty: TypeRef,
        var: Ident,
        iterable: Expr,
    },
    Classic {
        init: Option<Stmt>,
        cond: Option<Expr>,
        update: Vec<Expr>,
    },
}

impl ForHead {
    fn with_body(self, body: Box<Stmt>) -> StmtKind {
        match self {
            ForHead::Each { ty, var, iterable } => StmtKind::ForEach {
                ty,
                var,
                iterable,
                body,
            },
            ForHead::Classic { init, cond, update } => StmtKind::For {
                init: init.map(Box::new),
                cond,
                update,
                body,
            },
        }
    }
}

/// `dml_stmt = dml_op access_mode? expression ";"
///           | "upsert" access_mode? expression field_path? ";"`
/// `dml_op = "insert" | "update" | "delete" | "undelete"`
///
/// The upsert key may be written `Account.Fields.Ext__c`; only its last part,
/// the field name, is kept.
fn dml_stmt<'t, 's: 't, I: TokenInput<'t, 's>>(
    expr: BoxedExpr<'t, 's, I>,
) -> impl Parser<'t, I, StmtKind, Extra<'t, 's>> + Clone {
    let op = select! {
        Token::Insert => DmlOp::Insert,
        Token::Update => DmlOp::Update,
        Token::Delete => DmlOp::Delete,
        Token::Undelete => DmlOp::Undelete,
    };
    let plain = op
        .then_ignore(access_mode().or_not())
        .then(expr.clone())
        .then_ignore(semi())
        .map(|(op, target)| StmtKind::Dml {
            op,
            target,
            upsert_key: None,
        });
    let key = member_name()
        .separated_by(just(Token::Dot))
        .at_least(1)
        .collect::<Vec<_>>();
    let upsert = just(Token::Upsert)
        .ignore_then(access_mode().or_not())
        .ignore_then(expr)
        .then(key.or_not())
        .then_ignore(semi())
        .map(|(target, key)| StmtKind::Dml {
            op: DmlOp::Upsert,
            target,
            upsert_key: key.and_then(|mut parts| parts.pop()),
        });
    plain.or(upsert)
}

/// `access_mode = "as" ("user" | "system")`
///
/// Accepted and ignored: apexlite runs every DML in system mode, without
/// sharing, object or field permission checks.
fn access_mode<'t, 's: 't, I: TokenInput<'t, 's>>() -> impl Parser<'t, I, (), Extra<'t, 's>> + Clone
{
    word("as").then(word("user").or(word("system"))).ignored()
}

/// `local_decl = "final"? type_ref declarator ("," declarator)*`
fn local_decl<'t, 's: 't, I: TokenInput<'t, 's>>(
    expr: BoxedExpr<'t, 's, I>,
) -> impl Parser<'t, I, StmtKind, Extra<'t, 's>> + Clone {
    just(Token::Final)
        .or_not()
        .ignore_then(type_ref())
        .then(declarators(expr))
        .map(|(ty, vars)| StmtKind::Local { ty, vars })
}

/// `declarator ("," declarator)*` with `declarator = identifier ("=" expression)?`
pub(crate) fn declarators<'t, 's: 't, I: TokenInput<'t, 's>>(
    expr: BoxedExpr<'t, 's, I>,
) -> impl Parser<'t, I, Vec<(Ident, Option<Expr>)>, Extra<'t, 's>> + Clone {
    ident()
        .then(just(Token::Assign).ignore_then(expr).or_not())
        .separated_by(just(Token::Comma))
        .at_least(1)
        .collect()
}

/// `expr_stmt = expression`, which must be an assignment, a call, `++`/`--`
/// or `new`; anything else is reported as Apex does.
fn expr_stmt<'t, 's: 't, I: TokenInput<'t, 's>>(
    expr: BoxedExpr<'t, 's, I>,
) -> impl Parser<'t, I, StmtKind, Extra<'t, 's>> + Clone {
    expr.validate(|expr, e, emitter| {
        if !can_be_statement(&expr) {
            emitter.emit(custom(
                e.span(),
                "Expression cannot be a statement.",
                "only assignments, calls, ++, -- and new can stand alone",
            ));
        }
        StmtKind::Expr(expr)
    })
}

fn can_be_statement(expr: &Expr) -> bool {
    use UnaryOp::{PostDec, PostInc, PreDec, PreInc};
    match &expr.kind {
        ExprKind::Assign { .. } | ExprKind::Call { .. } | ExprKind::New { .. } => true,
        ExprKind::Unary { op, .. } => matches!(op, PreInc | PreDec | PostInc | PostDec),
        _ => false,
    }
}
