//! SOQL queries, inline (`[SELECT ...]`) and dynamic (`Database.query`).
//!
//! SOQL words are matched in any case and are not reserved in Apex. `AND`
//! and `OR` cannot be mixed without parentheses, as in SOQL. `WITH
//! SECURITY_ENFORCED`, `WITH USER_MODE` and `WITH SYSTEM_MODE` are accepted
//! and change nothing: apexlite enforces no field or sharing access. Not
//! accepted: `TYPEOF` (an error naming it), `USING SCOPE`.

use chumsky::prelude::*;

use super::base::{Extra, TokenInput, custom, ident, member_name, span, word};
use super::expr::{literal, min_literal};
use crate::syntax::ast::{
    DateLiteral, DateUnit, Expr, Ident, Literal, SoqlAggregate, SoqlCond, SoqlFunc, SoqlOp,
    SoqlOrder, SoqlQuery, SoqlSelect, SoqlValue, WrittenDate,
};
use crate::syntax::source::Span;
use crate::syntax::token::Token;

type BoxedExpr<'t, 's, I> = Boxed<'t, 't, I, Expr, Extra<'t, 's>>;

/// The clauses after `WHERE`, as parsed.
type Tail = (
    ((Vec<Vec<Ident>>, Option<SoqlCond>), Vec<SoqlOrder>),
    ((Option<SoqlValue>, Option<SoqlValue>), (bool, bool)),
);

/// `soql_query = "SELECT" select_list "FROM" identifier where_clause? group_by? having?
/// order_by? limit? offset? ("ALL" "ROWS")? ("FOR" "UPDATE")?`
///
/// `bind` parses the Apex expression after a `:`.
pub(crate) fn soql_query<'t, 's: 't, I: TokenInput<'t, 's>>(
    bind: BoxedExpr<'t, 's, I>,
) -> impl Parser<'t, I, SoqlQuery, Extra<'t, 's>> + Clone {
    let value = soql_value(bind.clone());
    let count = word("LIMIT").ignore_then(count_value(bind.clone()));
    let offset = word("OFFSET").ignore_then(count_value(bind));
    let group_by = word("GROUP").then(word("BY")).ignore_then(
        field_path()
            .separated_by(just(Token::Comma))
            .at_least(1)
            .collect(),
    );
    let having = word("HAVING").ignore_then(condition(value.clone()));
    let all_rows = word("ALL").then(word("ROWS")).or_not().map(|o| o.is_some());
    let for_update = just(Token::For)
        .then(just(Token::Update))
        .or_not()
        .map(|o| o.is_some());
    let subquery =
        subquery(value.clone(), count.clone()).map(|q| SoqlSelect::Subquery(Box::new(q)));
    let tail = group_by
        .or_not()
        .map(Option::unwrap_or_default)
        .then(having.or_not())
        .then(order_by().or_not().map(Option::unwrap_or_default))
        .then(
            count
                .or_not()
                .then(offset.or_not())
                .then(all_rows.then(for_update)),
        );
    let select_list = subquery
        .or(select_item())
        .separated_by(just(Token::Comma))
        .at_least(1)
        .collect();
    word("SELECT")
        .ignore_then(select_list)
        .then_ignore(word("FROM"))
        .then(ident())
        .then(word("WHERE").ignore_then(condition(value)).or_not())
        .then_ignore(with_mode().or_not())
        .then(tail)
        .map_with(|(((select, from), filter), tail): (_, Tail), e| {
            let (((group_by, having), order_by), ((limit, offset), (all_rows, for_update))) = tail;
            SoqlQuery {
                select,
                from,
                filter,
                order_by,
                limit,
                offset,
                group_by,
                having,
                for_update,
                all_rows,
                span: span(e.span()),
            }
        })
        .boxed()
}

/// `with_mode = "WITH" ("SECURITY_ENFORCED" | "USER_MODE" | "SYSTEM_MODE")`
///
/// Accepted and ignored: the running user's field and sharing access is not
/// enforced by apexlite, so all three read what system mode reads.
fn with_mode<'t, 's: 't, I: TokenInput<'t, 's>>() -> impl Parser<'t, I, (), Extra<'t, 's>> + Clone {
    word("WITH").ignore_then(choice((
        word("SECURITY_ENFORCED"),
        word("USER_MODE"),
        word("SYSTEM_MODE"),
    )))
}

/// `typeof = "TYPEOF" ... "END"`: parsed only to be refused by name.
fn type_of<'t, 's: 't, I: TokenInput<'t, 's>>()
-> impl Parser<'t, I, SoqlSelect, Extra<'t, 's>> + Clone {
    word("TYPEOF")
        .then(any().and_is(word("END").not()).repeated())
        .then(word("END"))
        .validate(|_, e, emitter| {
            emitter.emit(custom(
                e.span(),
                "TYPEOF is not supported by apexlite; query each type's fields instead",
                "TYPEOF",
            ));
            SoqlSelect::Field(Vec::new())
        })
}

/// `subquery = "(" "SELECT" select_item ("," select_item)* "FROM" identifier
/// ("WHERE" condition)? order_by? ("LIMIT" count_value)? ")"`
///
/// A parent query's child records; `FROM` names a child relationship.
fn subquery<'t, 's: 't, I: TokenInput<'t, 's>>(
    value: impl Parser<'t, I, SoqlValue, Extra<'t, 's>> + Clone + 't,
    limit: impl Parser<'t, I, SoqlValue, Extra<'t, 's>> + Clone,
) -> impl Parser<'t, I, SoqlQuery, Extra<'t, 's>> + Clone {
    word("SELECT")
        .ignore_then(
            select_item()
                .separated_by(just(Token::Comma))
                .at_least(1)
                .collect(),
        )
        .then_ignore(word("FROM"))
        .then(ident())
        .then(word("WHERE").ignore_then(condition(value)).or_not())
        .then(order_by().or_not().map(Option::unwrap_or_default))
        .then(limit.or_not())
        .delimited_by(just(Token::LParen), just(Token::RParen))
        .map_with(
            |((((select, from), filter), order_by), limit), e| SoqlQuery {
                select,
                from,
                filter,
                order_by,
                limit,
                offset: None,
                group_by: Vec::new(),
                having: None,
                for_update: false,
                all_rows: false,
                span: span(e.span()),
            },
        )
}

/// `select_list = (subquery | select_item) ("," (subquery | select_item))*`
/// `select_item = "COUNT" "(" ")" | aggregate alias? | field_path`
fn select_item<'t, 's: 't, I: TokenInput<'t, 's>>()
-> impl Parser<'t, I, SoqlSelect, Extra<'t, 's>> + Clone {
    let count = word("COUNT")
        .then(just(Token::LParen))
        .then(just(Token::RParen))
        .map_with(|_, e| SoqlSelect::Count(span(e.span())));
    // An alias is any name but FROM, which ends the list.
    let alias = ident().filter(|i: &Ident| !i.name.is("from"));
    let aggregate = aggregate()
        .then(alias.or_not())
        .map_with(|((func, field), alias), e| {
            SoqlSelect::Aggregate(SoqlAggregate {
                func,
                field,
                alias,
                span: span(e.span()),
            })
        });
    choice((
        type_of(),
        count,
        aggregate,
        field_path().map(SoqlSelect::Field),
    ))
}

/// `aggregate = ("COUNT" | "COUNT_DISTINCT" | "SUM" | "AVG" | "MIN" | "MAX")
/// "(" field_path ")"`
fn aggregate<'t, 's: 't, I: TokenInput<'t, 's>>()
-> impl Parser<'t, I, (SoqlFunc, Vec<Ident>), Extra<'t, 's>> + Clone {
    let func = choice((
        word("COUNT").to(SoqlFunc::Count),
        word("COUNT_DISTINCT").to(SoqlFunc::CountDistinct),
        word("SUM").to(SoqlFunc::Sum),
        word("AVG").to(SoqlFunc::Avg),
        word("MIN").to(SoqlFunc::Min),
        word("MAX").to(SoqlFunc::Max),
    ));
    func.then(field_path().delimited_by(just(Token::LParen), just(Token::RParen)))
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

/// `condition = not_condition (("AND" not_condition)* | ("OR" not_condition)*)`
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
        let joiner = select! {
            Token::Ident(w) if w.eq_ignore_ascii_case("and") || w.eq_ignore_ascii_case("or") => w
        }
        .map_with(|w, e| (w, e.span()));
        not_condition
            .clone()
            .then(joiner.then(not_condition).repeated().collect::<Vec<_>>())
            .validate(|(first, rest), _, emitter| {
                let is_or = |w: &str| w.eq_ignore_ascii_case("or");
                let first_or = rest.first().map(|((w, _), _)| is_or(w));
                rest.into_iter().fold(first, |a, ((w, at), b)| {
                    if Some(is_or(w)) != first_or {
                        // SOQL has no precedence between AND and OR: mixing
                        // them needs parentheses, and the platform reports
                        // the second kind of joiner as unexpected.
                        let msg = format!("unexpected token: '{w}'");
                        emitter.emit(custom(at, &msg, "AND and OR mixed without parentheses"));
                    }
                    if is_or(w) {
                        SoqlCond::Or(Box::new(a), Box::new(b))
                    } else {
                        SoqlCond::And(Box::new(a), Box::new(b))
                    }
                })
            })
    })
    .boxed()
}

/// `comparison = (aggregate | field_path) soql_op soql_value`
fn comparison<'t, 's: 't, I: TokenInput<'t, 's>>(
    value: impl Parser<'t, I, SoqlValue, Extra<'t, 's>> + Clone,
) -> impl Parser<'t, I, SoqlCond, Extra<'t, 's>> + Clone {
    let left = aggregate()
        .map(|(func, field)| (Some(func), field))
        .or(field_path().map(|field| (None, field)));
    left.then(soql_op())
        .then(value)
        .validate(|(((func, field), op), value), e, emitter| {
            let is_list = matches!(value, SoqlValue::List(..) | SoqlValue::SemiJoin(_));
            let takes_list = matches!(
                op,
                SoqlOp::In | SoqlOp::NotIn | SoqlOp::Includes | SoqlOp::Excludes
            );
            if is_list && !takes_list {
                emitter.emit(custom(
                    e.span(),
                    "A value list or a subquery needs IN or NOT IN",
                    "value list",
                ));
            }
            SoqlCond::Compare {
                func,
                field,
                op,
                value,
                span: span(e.span()),
            }
        })
}

/// `soql_op = "=" | "!=" | "<>" | "<" | "<=" | ">" | ">=" | "LIKE" | "IN" | "NOT" "IN"
/// | "INCLUDES" | "EXCLUDES"`
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
        word("INCLUDES").to(SoqlOp::Includes),
        word("EXCLUDES").to(SoqlOp::Excludes),
    ))
    .labelled("comparison operator")
}

/// `soql_value = bind | written_date | date_literal | soql_literal | semi_join
/// | "(" list_item ("," list_item)* ")"` where `list_item = written_date | soql_literal`
fn soql_value<'t, 's: 't, I: TokenInput<'t, 's>>(
    bind: BoxedExpr<'t, 's, I>,
) -> impl Parser<'t, I, SoqlValue, Extra<'t, 's>> + Clone {
    recursive(|value| {
        let list = written_date()
            .or(soql_literal())
            .separated_by(just(Token::Comma))
            .at_least(1)
            .collect::<Vec<_>>()
            .delimited_by(just(Token::LParen), just(Token::RParen))
            .map_with(|items, e| SoqlValue::List(items, span(e.span())));
        let semi_join = semi_join(value).map(|q| SoqlValue::SemiJoin(Box::new(q)));
        choice((
            bind_expr(bind),
            written_date(),
            date_literal(),
            soql_literal(),
            semi_join,
            list,
        ))
        .labelled("value")
    })
    .boxed()
}

/// `semi_join = "(" "SELECT" field_path ("," field_path)* "FROM" identifier
/// ("WHERE" condition)? ")"`
///
/// The field count and types are checked later, so the errors can name them.
fn semi_join<'t, 's: 't, I: TokenInput<'t, 's>>(
    value: impl Parser<'t, I, SoqlValue, Extra<'t, 's>> + Clone + 't,
) -> impl Parser<'t, I, SoqlQuery, Extra<'t, 's>> + Clone {
    let fields = field_path()
        .map(SoqlSelect::Field)
        .separated_by(just(Token::Comma))
        .at_least(1)
        .collect();
    word("SELECT")
        .ignore_then(fields)
        .then_ignore(word("FROM"))
        .then(ident())
        .then(word("WHERE").ignore_then(condition(value)).or_not())
        .delimited_by(just(Token::LParen), just(Token::RParen))
        .map_with(|((select, from), filter), e| {
            SoqlQuery::plain(select, from, filter, span(e.span()))
        })
}

/// `date_literal = date_word | date_n_word ":" integer` (`TODAY`, `LAST_N_DAYS:7`)
fn date_literal<'t, 's: 't, I: TokenInput<'t, 's>>()
-> impl Parser<'t, I, SoqlValue, Extra<'t, 's>> + Clone {
    let fixed = select! { Token::Ident(s) if fixed_date(s).is_some() => s }
        .map(|s| fixed_date(s).unwrap_or(DAY_ZERO));
    let counted = select! { Token::Ident(s) if counted_date(s, 0).is_some() => s }
        .then_ignore(just(Token::Colon))
        .then(select! { Token::Integer(n) => n }.labelled("integer"))
        .map(|(s, n)| counted_date(s, n).unwrap_or(DAY_ZERO));
    counted
        .or(fixed)
        .map_with(|lit, e| SoqlValue::Date(lit, span(e.span())))
}

/// `written_date = date ("T" time zone)?`, as adjacent tokens: the lexer
/// reads `2024-01-31T10:00:00Z` as `2024 - 01 - 01 T10 : 00 : 00 Z`, so the
/// pieces are put back together here, checked for gaps and digit counts.
fn written_date<'t, 's: 't, I: TokenInput<'t, 's>>()
-> impl Parser<'t, I, SoqlValue, Extra<'t, 's>> + Clone {
    let int = select! { Token::Integer(n) => Piece::Number(n.to_string()) };
    let tagged = |p: Piece, e: SimpleSpan| (p, span(e));
    let int = int.map_with(move |p, e| tagged(p, e.span()));
    let dash = just(Token::Minus).map_with(move |_, e| tagged(Piece::Minus, e.span()));
    let date = int
        .then(dash.clone())
        .then(int)
        .then(dash)
        .then(int)
        .map(|((((y, a), m), b), d)| vec![y, a, m, b, d]);
    let hour = select! { Token::Ident(s) if is_hour(s) => Piece::Hour(s[1..].to_owned()) }
        .map_with(move |p, e| tagged(p, e.span()));
    let colon = just(Token::Colon).map_with(move |_, e| tagged(Piece::Colon, e.span()));
    let seconds = select! {
        Token::Integer(n) => Piece::Number(n.to_string()),
        Token::Decimal(s) => Piece::Seconds(s.to_owned()),
    }
    .map_with(move |p, e| tagged(p, e.span()));
    let utc = select! { Token::Ident(s) if s.eq_ignore_ascii_case("z") => Piece::Utc }
        .map_with(move |p, e| vec![tagged(p, e.span())]);
    let sign = just(Token::Plus)
        .to(Piece::Plus)
        .or(just(Token::Minus).to(Piece::Minus))
        .map_with(move |p, e| tagged(p, e.span()));
    let offset = sign
        .then(int)
        .then(colon.clone())
        .then(int)
        .map(|(((s, h), c), m)| vec![s, h, c, m]);
    let time = hour
        .then(colon.clone())
        .then(int)
        .then(colon)
        .then(seconds)
        .then(utc.or(offset))
        .map(|(((((h, a), m), b), s), mut zone)| {
            let mut pieces = vec![h, a, m, b, s];
            pieces.append(&mut zone);
            pieces
        });
    date.then(time.or_not())
        .validate(|(date, time), e, emitter| {
            let whole = span(e.span());
            let pieces: Vec<(Piece, Span)> =
                date.into_iter().chain(time.into_iter().flatten()).collect();
            let value = written_value(&pieces).unwrap_or_else(|| {
                emitter.emit(custom(
                    e.span(),
                    "Invalid date or datetime: write 2024-01-31 or 2024-01-31T10:00:00Z",
                    "not a date",
                ));
                WrittenDate::Date(chrono::NaiveDate::default())
            });
            SoqlValue::Written(value, whole)
        })
}

/// One token of a written-out date, as text.
#[derive(Clone, Debug)]
enum Piece {
    /// Digits (leading zeros lost: the span keeps the count).
    Number(String),
    /// `T10`: the hour after the `T`.
    Hour(String),
    /// `00.000`: seconds with a fraction.
    Seconds(String),
    Minus,
    Plus,
    Colon,
    Utc,
}

fn is_hour(word: &str) -> bool {
    let b = word.as_bytes();
    b.len() == 3 && (b[0] == b'T' || b[0] == b't') && b[1..].iter().all(u8::is_ascii_digit)
}

/// The date or datetime the pieces spell, if they are adjacent, have the
/// right number of digits and name a real day and time.
fn written_value(pieces: &[(Piece, Span)]) -> Option<WrittenDate> {
    let adjacent = pieces.windows(2).all(|w| w[0].1.end == w[1].1.start);
    if !adjacent {
        return None;
    }
    let mut text = String::new();
    for (piece, span) in pieces {
        let width = span.end - span.start;
        match piece {
            Piece::Number(n) => text.push_str(&format!("{n:0>width$}")),
            Piece::Hour(h) => {
                text.push('T');
                text.push_str(h);
            }
            Piece::Seconds(s) => text.push_str(s),
            Piece::Minus => text.push('-'),
            Piece::Plus => text.push('+'),
            Piece::Colon => text.push(':'),
            Piece::Utc => text.push('Z'),
        }
    }
    if pieces.len() == 5 {
        let widths: Vec<usize> = pieces.iter().map(|(_, s)| s.end - s.start).collect();
        if widths != [4, 1, 2, 1, 2] {
            return None;
        }
        return chrono::NaiveDate::parse_from_str(&text, "%Y-%m-%d")
            .ok()
            .map(WrittenDate::Date);
    }
    chrono::DateTime::parse_from_rfc3339(&text)
        .ok()
        .filter(|_| text.len() >= 20 && text.as_bytes()[4] == b'-' && text.as_bytes()[7] == b'-')
        .map(|d| WrittenDate::DateTime(d.naive_utc()))
}

/// `TODAY`: the fallback of the date tables (never reached after a guard).
const DAY_ZERO: DateLiteral = DateLiteral {
    unit: DateUnit::Day,
    from: 0,
    to: 0,
};

/// The date literals without a count. The fiscal ones are the calendar
/// ones: the seeded org's fiscal year starts in January.
fn fixed_date(word: &str) -> Option<DateLiteral> {
    use DateUnit::*;
    let (unit, from, to) = match word.to_ascii_uppercase().as_str() {
        "TODAY" => (Day, 0, 0),
        "YESTERDAY" => (Day, -1, -1),
        "TOMORROW" => (Day, 1, 1),
        "LAST_WEEK" => (Week, -1, -1),
        "THIS_WEEK" => (Week, 0, 0),
        "NEXT_WEEK" => (Week, 1, 1),
        "LAST_MONTH" => (Month, -1, -1),
        "THIS_MONTH" => (Month, 0, 0),
        "NEXT_MONTH" => (Month, 1, 1),
        "LAST_90_DAYS" => (Day, -90, 0),
        "NEXT_90_DAYS" => (Day, 1, 90),
        "LAST_YEAR" | "LAST_FISCAL_YEAR" => (Year, -1, -1),
        "THIS_YEAR" | "THIS_FISCAL_YEAR" => (Year, 0, 0),
        "NEXT_YEAR" | "NEXT_FISCAL_YEAR" => (Year, 1, 1),
        "LAST_QUARTER" | "LAST_FISCAL_QUARTER" => (Quarter, -1, -1),
        "THIS_QUARTER" | "THIS_FISCAL_QUARTER" => (Quarter, 0, 0),
        "NEXT_QUARTER" | "NEXT_FISCAL_QUARTER" => (Quarter, 1, 1),
        _ => return None,
    };
    Some(DateLiteral { unit, from, to })
}

/// The date literals that take `:n`. `LAST_N_DAYS:n` includes today;
/// `LAST_N_WEEKS:n` and the longer ones stop before the current unit, as
/// the platform documents.
fn counted_date(word: &str, n: i32) -> Option<DateLiteral> {
    use DateUnit::*;
    let (unit, from, to) = match word.to_ascii_uppercase().as_str() {
        "LAST_N_DAYS" => (Day, -n, 0),
        "NEXT_N_DAYS" => (Day, 1, n),
        "N_DAYS_AGO" => (Day, -n, -n),
        "LAST_N_WEEKS" => (Week, -n, -1),
        "NEXT_N_WEEKS" => (Week, 1, n),
        "N_WEEKS_AGO" => (Week, -n, -n),
        "LAST_N_MONTHS" => (Month, -n, -1),
        "NEXT_N_MONTHS" => (Month, 1, n),
        "N_MONTHS_AGO" => (Month, -n, -n),
        "LAST_N_YEARS" | "LAST_N_FISCAL_YEARS" => (Year, -n, -1),
        "NEXT_N_YEARS" | "NEXT_N_FISCAL_YEARS" => (Year, 1, n),
        "N_YEARS_AGO" | "N_FISCAL_YEARS_AGO" => (Year, -n, -n),
        "LAST_N_QUARTERS" | "LAST_N_FISCAL_QUARTERS" => (Quarter, -n, -1),
        "NEXT_N_QUARTERS" | "NEXT_N_FISCAL_QUARTERS" => (Quarter, 1, n),
        "N_QUARTERS_AGO" | "N_FISCAL_QUARTERS_AGO" => (Quarter, -n, -n),
        _ => return None,
    };
    Some(DateLiteral { unit, from, to })
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
/// `order_item = (aggregate | field_path) ("ASC" | "DESC")? ("NULLS" ("FIRST" | "LAST"))?`
fn order_by<'t, 's: 't, I: TokenInput<'t, 's>>()
-> impl Parser<'t, I, Vec<SoqlOrder>, Extra<'t, 's>> + Clone {
    let direction = word("ASC").to(false).or(word("DESC").to(true));
    let nulls = word("NULLS").ignore_then(word("FIRST").to(true).or(word("LAST").to(false)));
    let target = aggregate()
        .map(|(func, field)| (Some(func), field))
        .or(field_path().map(|field| (None, field)));
    let item = target.then(direction.or_not()).then(nulls.or_not()).map(
        |(((func, field), descending), nulls_first)| SoqlOrder {
            func,
            field,
            descending: descending.unwrap_or(false),
            nulls_first,
        },
    );
    word("ORDER")
        .then(word("BY"))
        .ignore_then(item.separated_by(just(Token::Comma)).at_least(1).collect())
}
