//! SOQL queries, inline (`[SELECT ...]`) and dynamic (`Database.query`).
//!
//! SOQL words are matched in any case and are not reserved in Apex. Not yet
//! accepted: date literals (`TODAY`, `LAST_N_DAYS:n`), subqueries, `GROUP BY`,
//! aggregate functions other than `COUNT()`, `FOR UPDATE`, polymorphic
//! `TYPEOF`. `AND` binds tighter than `OR`, where SOQL itself would ask for
//! parentheses when they are mixed.

use chumsky::prelude::*;

use super::base::{Extra, TokenInput, custom, ident, member_name, span, word};
use super::expr::{literal, min_literal};
use crate::syntax::ast::{
    Expr, Ident, Literal, SoqlCond, SoqlOp, SoqlOrder, SoqlQuery, SoqlSelect, SoqlValue,
};
use crate::syntax::token::Token;

type BoxedExpr<'t, 's, I> = Boxed<'t, 't, I, Expr, Extra<'t, 's>>;

/// `soql_query = "SELECT" select_list "FROM" identifier where_clause? order_by? limit? offset?`
///
/// `bind` parses the Apex expression after a `:`.
pub(crate) fn soql_query<'t, 's: 't, I: TokenInput<'t, 's>>(
    bind: BoxedExpr<'t, 's, I>,
) -> impl Parser<'t, I, SoqlQuery, Extra<'t, 's>> + Clone {
    let value = soql_value(bind.clone());
    let count = word("LIMIT").ignore_then(count_value(bind.clone()));
    let offset = word("OFFSET").ignore_then(count_value(bind));
    word("SELECT")
        .ignore_then(select_list())
        .then_ignore(word("FROM"))
        .then(ident())
        .then(word("WHERE").ignore_then(condition(value)).or_not())
        .then(order_by().or_not())
        .then(count.or_not())
        .then(offset.or_not())
        .map_with(
            |(((((select, from), filter), order_by), limit), offset), e| SoqlQuery {
                select,
                from,
                filter,
                order_by: order_by.unwrap_or_default(),
                limit,
                offset,
                span: span(e.span()),
            },
        )
        .boxed()
}

/// `select_list = select_item ("," select_item)*`
/// `select_item = "COUNT" "(" ")" | field_path`
fn select_list<'t, 's: 't, I: TokenInput<'t, 's>>()
-> impl Parser<'t, I, Vec<SoqlSelect>, Extra<'t, 's>> + Clone {
    let count = word("COUNT")
        .then(just(Token::LParen))
        .then(just(Token::RParen))
        .map_with(|_, e| SoqlSelect::Count(span(e.span())));
    count
        .or(field_path().map(SoqlSelect::Field))
        .separated_by(just(Token::Comma))
        .at_least(1)
        .collect()
}

/// `field_path = member_name ("." member_name)*`
fn field_path<'t, 's: 't, I: TokenInput<'t, 's>>()
-> impl Parser<'t, I, Vec<Ident>, Extra<'t, 's>> + Clone {
    member_name()
        .separated_by(just(Token::Dot))
        .at_least(1)
        .collect()
        .labelled("field")
}

/// `condition = and_condition ("OR" and_condition)*`
/// `and_condition = not_condition ("AND" not_condition)*`
/// `not_condition = "NOT"* ("(" condition ")" | comparison)`
fn condition<'t, 's: 't, I: TokenInput<'t, 's>>(
    value: impl Parser<'t, I, SoqlValue, Extra<'t, 's>> + Clone + 't,
) -> impl Parser<'t, I, SoqlCond, Extra<'t, 's>> + Clone {
    recursive(|condition| {
        let grouped = condition.delimited_by(just(Token::LParen), just(Token::RParen));
        let atom = grouped.or(comparison(value));
        let not_condition = word("NOT")
            .repeated()
            .foldr(atom, |_, c| SoqlCond::Not(Box::new(c)));
        let and_condition = not_condition
            .clone()
            .foldl(word("AND").ignore_then(not_condition).repeated(), |a, b| {
                SoqlCond::And(Box::new(a), Box::new(b))
            });
        and_condition
            .clone()
            .foldl(word("OR").ignore_then(and_condition).repeated(), |a, b| {
                SoqlCond::Or(Box::new(a), Box::new(b))
            })
    })
    .boxed()
}

/// `comparison = field_path soql_op soql_value`
fn comparison<'t, 's: 't, I: TokenInput<'t, 's>>(
    value: impl Parser<'t, I, SoqlValue, Extra<'t, 's>> + Clone,
) -> impl Parser<'t, I, SoqlCond, Extra<'t, 's>> + Clone {
    field_path()
        .then(soql_op())
        .then(value)
        .validate(|((field, op), value), e, emitter| {
            let is_list = matches!(value, SoqlValue::List(..));
            if is_list && !matches!(op, SoqlOp::In | SoqlOp::NotIn) {
                emitter.emit(custom(
                    e.span(),
                    "A value list needs IN or NOT IN",
                    "value list",
                ));
            }
            SoqlCond::Compare {
                field,
                op,
                value,
                span: span(e.span()),
            }
        })
}

/// `soql_op = "=" | "!=" | "<>" | "<" | "<=" | ">" | ">=" | "LIKE" | "IN" | "NOT" "IN"`
fn soql_op<'t, 's: 't, I: TokenInput<'t, 's>>() -> impl Parser<'t, I, SoqlOp, Extra<'t, 's>> + Clone
{
    let symbol = select! {
        Token::Assign => SoqlOp::Eq,
        Token::NotEq => SoqlOp::Ne,
        Token::LtGt => SoqlOp::Ne,
        Token::Lt => SoqlOp::Lt,
        Token::Le => SoqlOp::Le,
        Token::Gt => SoqlOp::Gt,
        Token::Ge => SoqlOp::Ge,
    };
    choice((
        symbol,
        word("LIKE").to(SoqlOp::Like),
        word("IN").to(SoqlOp::In),
        word("NOT").then(word("IN")).to(SoqlOp::NotIn),
    ))
    .labelled("comparison operator")
}

/// `soql_value = bind | soql_literal | "(" soql_literal ("," soql_literal)* ")"`
fn soql_value<'t, 's: 't, I: TokenInput<'t, 's>>(
    bind: BoxedExpr<'t, 's, I>,
) -> impl Parser<'t, I, SoqlValue, Extra<'t, 's>> + Clone {
    let list = soql_literal()
        .separated_by(just(Token::Comma))
        .at_least(1)
        .collect::<Vec<_>>()
        .delimited_by(just(Token::LParen), just(Token::RParen))
        .map_with(|items, e| SoqlValue::List(items, span(e.span())));
    choice((bind_expr(bind), soql_literal(), list)).labelled("value")
}

/// `bind_expr = ":" member_chain`
fn bind_expr<'t, 's: 't, I: TokenInput<'t, 's>>(
    bind: BoxedExpr<'t, 's, I>,
) -> impl Parser<'t, I, SoqlValue, Extra<'t, 's>> + Clone {
    just(Token::Colon)
        .ignore_then(bind)
        .map(|e| SoqlValue::Bind(Box::new(e)))
}

/// `soql_literal = literal | "-" number | "-" min_literal`
fn soql_literal<'t, 's: 't, I: TokenInput<'t, 's>>()
-> impl Parser<'t, I, SoqlValue, Extra<'t, 's>> + Clone {
    let negative = just(Token::Minus).ignore_then(
        literal()
            .try_map(|lit, sp| {
                negate(lit).ok_or_else(|| custom(sp, "Expected a number after '-'", "not a number"))
            })
            .or(min_literal()),
    );
    literal()
        .or(negative)
        .map_with(|lit, e| SoqlValue::Literal(lit, span(e.span())))
}

/// The negative of a numeric literal, `None` for anything else.
pub(crate) fn negate(lit: Literal) -> Option<Literal> {
    Some(match lit {
        Literal::Integer(n) => Literal::Integer(n.checked_neg()?),
        Literal::Long(n) => Literal::Long(n.checked_neg()?),
        Literal::Decimal(d) => Literal::Decimal(format!("-{d}")),
        Literal::Double(d) => Literal::Double(-d),
        _ => return None,
    })
}

/// `count_value = integer | bind`, for `LIMIT` and `OFFSET`.
fn count_value<'t, 's: 't, I: TokenInput<'t, 's>>(
    bind: BoxedExpr<'t, 's, I>,
) -> impl Parser<'t, I, SoqlValue, Extra<'t, 's>> + Clone {
    let number = select! { Token::Integer(n) => Literal::Integer(n) }
        .map_with(|lit, e| SoqlValue::Literal(lit, span(e.span())))
        .labelled("integer");
    number.or(bind_expr(bind))
}

/// `order_by = "ORDER" "BY" order_item ("," order_item)*`
/// `order_item = field_path ("ASC" | "DESC")? ("NULLS" ("FIRST" | "LAST"))?`
fn order_by<'t, 's: 't, I: TokenInput<'t, 's>>()
-> impl Parser<'t, I, Vec<SoqlOrder>, Extra<'t, 's>> + Clone {
    let direction = word("ASC").to(false).or(word("DESC").to(true));
    let nulls = word("NULLS").ignore_then(word("FIRST").to(true).or(word("LAST").to(false)));
    let item = field_path()
        .then(direction.or_not())
        .then(nulls.or_not())
        .map(|((field, descending), nulls_first)| SoqlOrder {
            field,
            descending: descending.unwrap_or(false),
            nulls_first,
        });
    word("ORDER")
        .then(word("BY"))
        .ignore_then(item.separated_by(just(Token::Comma)).at_least(1).collect())
}
