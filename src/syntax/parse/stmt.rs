//! Statements of anonymous Apex: declarations, expressions, DML, blocks and
//! control flow.

use chumsky::input::InputRef;
use chumsky::prelude::*;

use super::base::{Extra, TokenInput, custom, ident, member_name, semi, span};
use super::expr::expression;
use super::types::type_ref;
use crate::syntax::ast::{DmlOp, Expr, ExprKind, Ident, Stmt, StmtKind, UnaryOp};
use crate::syntax::token::Token;

type BoxedStmt<'t, 's, I> = Boxed<'t, 't, I, Stmt, Extra<'t, 's>>;
type BoxedExpr<'t, 's, I> = Boxed<'t, 't, I, Expr, Extra<'t, 's>>;

/// `script = statement*`
pub(crate) fn script<'t, 's: 't, I: TokenInput<'t, 's>>()
-> impl Parser<'t, I, Vec<Stmt>, Extra<'t, 's>> {
    // A stray `}` at the top level is reported and skipped so that the
    // statements after it are still checked.
    let stray = just(Token::RBrace).validate(|_, e, emitter| {
        emitter.emit(custom(
            e.span(),
            "Unexpected token '}'.",
            "no block to close",
        ));
        placeholder(e.span())
    });
    statement()
        .or(stray)
        .repeated()
        .collect()
        .then_ignore(end())
}

/// `statement = block | if_stmt | while_stmt | for_stmt | break_stmt | continue_stmt
///            | return_stmt | dml_stmt | local_decl | expr_stmt`
pub(crate) fn statement<'t, 's: 't, I: TokenInput<'t, 's>>()
-> impl Parser<'t, I, Stmt, Extra<'t, 's>> + Clone {
    recursive(|stmt| {
        let stmt: BoxedStmt<'t, 's, I> = stmt.boxed();
        let expr = expression().boxed();
        let jump = choice((
            just(Token::Break).then(semi()).to(StmtKind::Break),
            just(Token::Continue).then(semi()).to(StmtKind::Continue),
            just(Token::Return)
                .ignore_then(expr.clone().or_not())
                .then_ignore(semi())
                .map(StmtKind::Return),
        ));
        // Each alternative is boxed: chumsky inlines combinators into one
        // stack frame, and an unboxed choice of all statements makes a frame
        // too big for its stack-growth checks in debug builds.
        let kind = choice((
            block(stmt.clone()).boxed(),
            if_stmt(stmt.clone(), expr.clone()).boxed(),
            while_stmt(stmt.clone(), expr.clone()).boxed(),
            for_stmt(stmt, expr.clone()).boxed(),
            jump.boxed(),
            dml_stmt(expr.clone()).boxed(),
            local_decl(expr.clone()).then_ignore(semi()).boxed(),
            expr_stmt(expr).then_ignore(semi()).boxed(),
        ))
        .labelled("statement");
        kind.map_with(|kind, e| Stmt {
            kind,
            span: span(e.span()),
        })
        .recover_with(via_parser(skip_statement()))
        .boxed()
    })
}

/// Recovery: skip to the end of the broken statement and carry on after it.
/// The statement ends at a `;` outside parentheses, after a `{ ... }` body, or
/// before the `}` that closes the enclosing block. A `{` right after `>` or
/// `]` opens a collection initialiser and does not end the statement.
fn skip_statement<'t, 's: 't, I: TokenInput<'t, 's>>()
-> impl Parser<'t, I, Stmt, Extra<'t, 's>> + Clone {
    chumsky::primitive::custom(|inp: &mut InputRef<'t, '_, I, Extra<'t, 's>>| {
        let before = inp.cursor();
        let mut parens = 0usize;
        let mut consumed = 0usize;
        let mut previous = None;
        while let Some(tok) = inp.peek() {
            match &tok {
                Token::RBrace => break,
                Token::Semi if parens == 0 => {
                    inp.next();
                    consumed += 1;
                    break;
                }
                Token::LBrace => {
                    consumed += skip_braces(inp);
                    if !matches!(previous, Some(Token::Gt | Token::RBracket)) {
                        break;
                    }
                }
                other => {
                    match other {
                        Token::LParen => parens += 1,
                        Token::RParen => parens = parens.saturating_sub(1),
                        _ => {}
                    }
                    inp.next();
                    consumed += 1;
                }
            }
            previous = Some(tok);
        }
        let at = inp.span_since(&before);
        if consumed == 0 {
            return Err(Rich::custom(at, "nothing to skip"));
        }
        Ok(placeholder(at))
    })
}

/// Skips a `{ ... }` group, nested groups included, or to the end of input.
/// Returns how many tokens it skipped.
fn skip_braces<'t, 's: 't, I: TokenInput<'t, 's>>(
    inp: &mut InputRef<'t, '_, I, Extra<'t, 's>>,
) -> usize {
    let mut depth = 0usize;
    let mut count = 0usize;
    while let Some(tok) = inp.next() {
        count += 1;
        match tok {
            Token::LBrace => depth += 1,
            Token::RBrace if depth <= 1 => break,
            Token::RBrace => depth -= 1,
            _ => {}
        }
    }
    count
}

/// The statement standing in for one that failed to parse; the script as a
/// whole is rejected, so it never runs.
fn placeholder(at: SimpleSpan) -> Stmt {
    Stmt {
        kind: StmtKind::Block(Vec::new()),
        span: span(at),
    }
}

/// `block = "{" statement* "}"`
fn block<'t, 's: 't, I: TokenInput<'t, 's>>(
    stmt: BoxedStmt<'t, 's, I>,
) -> impl Parser<'t, I, StmtKind, Extra<'t, 's>> + Clone {
    stmt.repeated()
        .collect()
        .delimited_by(just(Token::LBrace), just(Token::RBrace))
        .map(StmtKind::Block)
}

/// `"(" expression ")"`, the condition of `if` and `while`.
fn condition<'t, 's: 't, I: TokenInput<'t, 's>>(
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
/// `for_init = local_decl | expr_stmt`
fn for_stmt<'t, 's: 't, I: TokenInput<'t, 's>>(
    stmt: BoxedStmt<'t, 's, I>,
    expr: BoxedExpr<'t, 's, I>,
) -> impl Parser<'t, I, StmtKind, Extra<'t, 's>> + Clone {
    let each_head = type_ref()
        .then(ident())
        .then_ignore(just(Token::Colon))
        .then(expr.clone())
        .map(|((ty, var), iterable)| ForHead::Each { ty, var, iterable });
    let init = local_decl(expr.clone())
        .or(expr_stmt(expr.clone()))
        .map_with(|kind, e| Stmt {
            kind,
            span: span(e.span()),
        });
    let classic_head = init
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

/// The part of a `for` between its parentheses.
enum ForHead {
    Each {
        ty: crate::syntax::ast::TypeRef,
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

/// `dml_stmt = dml_op expression ";" | "upsert" expression field_path? ";"`
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

/// `local_decl = "final"? type_ref declarator ("," declarator)*`
/// `declarator = identifier ("=" expression)?`
fn local_decl<'t, 's: 't, I: TokenInput<'t, 's>>(
    expr: BoxedExpr<'t, 's, I>,
) -> impl Parser<'t, I, StmtKind, Extra<'t, 's>> + Clone {
    let declarator = ident().then(just(Token::Assign).ignore_then(expr).or_not());
    just(Token::Final)
        .or_not()
        .ignore_then(type_ref())
        .then(
            declarator
                .separated_by(just(Token::Comma))
                .at_least(1)
                .collect(),
        )
        .map(|(ty, vars)| StmtKind::Local { ty, vars })
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
