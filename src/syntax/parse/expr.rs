//! Expressions, by Apex precedence from loosest to tightest: assignment,
//! ternary, `??`, `||`, `&&`, `|`, `^`, `&`, equality, relational and
//! `instanceof`, shifts, additive, multiplicative, prefix and cast, postfix,
//! member access, calls and indexing, primaries.

use chumsky::prelude::*;

use super::base::{Extra, TokenInput, custom, ident, member_name, span, word};
use super::soql::soql_query;
use super::types::type_ref;
use crate::syntax::ast::{BinaryOp, Expr, ExprKind, Ident, Literal, NewInit, TypeRef, UnaryOp};
use crate::syntax::source::Span;
use crate::syntax::token::{LexError, Token};

/// `expression = assignment`
pub(crate) fn expression<'t, 's: 't, I: TokenInput<'t, 's>>()
-> impl Parser<'t, I, Expr, Extra<'t, 's>> + Clone {
    recursive(|expr| {
        let member = member_chain(expr.clone().boxed());
        let unary = unary(member);
        let binary = binary_levels(unary);
        let ternary = ternary(binary, expr.clone().boxed());
        assignment(ternary, expr.boxed()).labelled("expression")
    })
    .boxed()
}

type BoxedExpr<'t, 's, I> = Boxed<'t, 't, I, Expr, Extra<'t, 's>>;

/// `assignment = ternary (assign_op assignment)?`, right-associative.
fn assignment<'t, 's: 't, I: TokenInput<'t, 's>>(
    ternary: impl Parser<'t, I, Expr, Extra<'t, 's>> + Clone,
    expr: BoxedExpr<'t, 's, I>,
) -> impl Parser<'t, I, Expr, Extra<'t, 's>> + Clone {
    ternary
        .then(assign_op().then(expr).or_not())
        .validate(|(target, rest), e, emitter| {
            let Some((op, value)) = rest else {
                return target;
            };
            if !is_place(&target) {
                let sp = SimpleSpan::from(target.span.clone());
                emitter.emit(custom(
                    sp,
                    "Expression cannot be assigned",
                    "not a variable or field",
                ));
            }
            let kind = ExprKind::Assign {
                target: Box::new(target),
                op,
                value: Box::new(value),
            };
            Expr {
                kind,
                span: span(e.span()),
            }
        })
}

/// True for expressions that name a place that can be written.
fn is_place(expr: &Expr) -> bool {
    matches!(
        expr.kind,
        ExprKind::Name(_) | ExprKind::Field { .. } | ExprKind::Index { .. }
    )
}

/// `assign_op = "=" | "+=" | "-=" | "*=" | "/=" | "&=" | "|=" | "^=" | "<<=" | ">>=" | ">>>="`
fn assign_op<'t, 's: 't, I: TokenInput<'t, 's>>()
-> impl Parser<'t, I, Option<BinaryOp>, Extra<'t, 's>> + Clone {
    let simple = select! {
        Token::Assign => None,
        Token::PlusAssign => Some(BinaryOp::Add),
        Token::MinusAssign => Some(BinaryOp::Sub),
        Token::StarAssign => Some(BinaryOp::Mul),
        Token::SlashAssign => Some(BinaryOp::Div),
        Token::AmpAssign => Some(BinaryOp::BitAnd),
        Token::PipeAssign => Some(BinaryOp::BitOr),
        Token::CaretAssign => Some(BinaryOp::BitXor),
        Token::ShlAssign => Some(BinaryOp::Shl),
    };
    // `>>=` and `>>>=` arrive as adjacent `>` and `>=` tokens.
    let ushr = adjacent(vec![Token::Gt, Token::Gt, Token::Ge]).to(Some(BinaryOp::UShr));
    let shr = adjacent(vec![Token::Gt, Token::Ge]).to(Some(BinaryOp::Shr));
    choice((simple, ushr, shr))
}

/// Tokens written with nothing between them, such as the two `>` of `>>`.
fn adjacent<'t, 's: 't, I: TokenInput<'t, 's>>(
    toks: Vec<Token<'s>>,
) -> impl Parser<'t, I, (), Extra<'t, 's>> + Clone {
    let first = toks[0].clone();
    let rest = toks[1..].to_vec();
    let mut parser = just(first).map_with(|_, e| e.span()).boxed();
    for t in rest {
        parser = parser
            .then(just(t).map_with(|_, e| e.span()))
            .try_map(|(a, b): (SimpleSpan, SimpleSpan), sp| {
                if a.end == b.start {
                    Ok(SimpleSpan::from(a.start..b.end))
                } else {
                    Err(Rich::custom(sp, "operator characters must be adjacent"))
                }
            })
            .boxed();
    }
    parser.ignored()
}

/// `ternary = coalesce ("?" expression ":" expression)?`
fn ternary<'t, 's: 't, I: TokenInput<'t, 's>>(
    coalesce: impl Parser<'t, I, Expr, Extra<'t, 's>> + Clone,
    expr: BoxedExpr<'t, 's, I>,
) -> impl Parser<'t, I, Expr, Extra<'t, 's>> + Clone {
    let branches = just(Token::Question)
        .ignore_then(expr.clone())
        .then_ignore(just(Token::Colon))
        .then(expr);
    coalesce
        .then(branches.or_not())
        .map_with(|(cond, branches), e| match branches {
            None => cond,
            Some((then, otherwise)) => Expr {
                kind: ExprKind::Ternary {
                    cond: Box::new(cond),
                    then: Box::new(then),
                    otherwise: Box::new(otherwise),
                },
                span: span(e.span()),
            },
        })
}

/// The left-associative binary levels, from `??` down to multiplicative.
fn binary_levels<'t, 's: 't, I: TokenInput<'t, 's>>(
    unary: impl Parser<'t, I, Expr, Extra<'t, 's>> + Clone + 't,
) -> impl Parser<'t, I, Expr, Extra<'t, 's>> + Clone {
    use BinaryOp as B;
    let multiplicative = binary(
        unary,
        select! { Token::Star => B::Mul, Token::Slash => B::Div },
    )
    .boxed();
    let additive = binary(
        multiplicative,
        select! { Token::Plus => B::Add, Token::Minus => B::Sub },
    )
    .boxed();
    let shift = binary(additive, shift_op()).boxed();
    let relational = relational(shift).boxed();
    let equality = binary(
        relational,
        select! {
            Token::EqEq => B::Eq,
            Token::NotEq => B::Ne,
            Token::LtGt => B::Ne,
            Token::EqEqEq => B::ExactEq,
            Token::NotEqEq => B::ExactNe,
        },
    )
    .boxed();
    let bit_and = binary(equality, just(Token::Amp).to(B::BitAnd)).boxed();
    let bit_xor = binary(bit_and, just(Token::Caret).to(B::BitXor)).boxed();
    let bit_or = binary(bit_xor, just(Token::Pipe).to(B::BitOr)).boxed();
    let and = binary(bit_or, just(Token::AndAnd).to(B::And)).boxed();
    let or = binary(and, just(Token::OrOr).to(B::Or)).boxed();
    binary(or, just(Token::Coalesce).to(B::Coalesce)).boxed()
}

/// One left-associative level: `operand (op operand)*`.
fn binary<'t, 's: 't, I: TokenInput<'t, 's>>(
    operand: impl Parser<'t, I, Expr, Extra<'t, 's>> + Clone + 't,
    op: impl Parser<'t, I, BinaryOp, Extra<'t, 's>> + Clone + 't,
) -> impl Parser<'t, I, Expr, Extra<'t, 's>> + Clone {
    let level = operand
        .clone()
        .foldl_with(op.then(operand).repeated(), |lhs, (op, rhs), e| Expr {
            kind: ExprKind::Binary {
                op,
                lhs: Box::new(lhs),
                rhs: Box::new(rhs),
            },
            span: span(e.span()),
        });
    checkpoint(level)
}

/// Wraps a parser so that entering it checks the remaining stack and grows it
/// when low (chumsky does this for every `recursive`). Debug builds inline whole
/// combinator trees into frames of several kilobytes; without a check at each
/// precedence level, one nesting step can outrun the stack's safety margin.
fn checkpoint<'t, 's: 't, I: TokenInput<'t, 's>, O: 't>(
    parser: impl Parser<'t, I, O, Extra<'t, 's>> + Clone + 't,
) -> Boxed<'t, 't, I, O, Extra<'t, 's>> {
    recursive(move |_| parser).boxed()
}

/// `shift_op = "<<" | ">>" | ">>>"`, the last two from adjacent `>` tokens.
fn shift_op<'t, 's: 't, I: TokenInput<'t, 's>>()
-> impl Parser<'t, I, BinaryOp, Extra<'t, 's>> + Clone {
    choice((
        just(Token::Shl).to(BinaryOp::Shl),
        adjacent(vec![Token::Gt, Token::Gt, Token::Gt]).to(BinaryOp::UShr),
        adjacent(vec![Token::Gt, Token::Gt]).to(BinaryOp::Shr),
    ))
}

/// What may follow the left operand at the relational level.
#[derive(Clone)]
enum RelTail {
    Compare(BinaryOp, Expr),
    InstanceOf(TypeRef),
}

/// `relational = shift (("<" | "<=" | ">" | ">=") shift | "instanceof" type_ref)*`
fn relational<'t, 's: 't, I: TokenInput<'t, 's>>(
    shift: impl Parser<'t, I, Expr, Extra<'t, 's>> + Clone,
) -> impl Parser<'t, I, Expr, Extra<'t, 's>> + Clone {
    let op = select! {
        Token::Lt => BinaryOp::Lt,
        Token::Le => BinaryOp::Le,
        Token::Gt => BinaryOp::Gt,
        Token::Ge => BinaryOp::Ge,
    };
    let compare = op
        .then(shift.clone())
        .map(|(op, rhs)| RelTail::Compare(op, rhs));
    let instance_of = just(Token::InstanceOf)
        .ignore_then(type_ref())
        .map(RelTail::InstanceOf);
    shift.foldl_with(compare.or(instance_of).repeated(), |lhs, tail, e| {
        let kind = match tail {
            RelTail::Compare(op, rhs) => ExprKind::Binary {
                op,
                lhs: Box::new(lhs),
                rhs: Box::new(rhs),
            },
            RelTail::InstanceOf(ty) => ExprKind::InstanceOf {
                expr: Box::new(lhs),
                ty,
            },
        };
        Expr {
            kind,
            span: span(e.span()),
        }
    })
}

/// A prefix operator or a cast, applied right to left.
#[derive(Clone)]
enum Prefix {
    Op(UnaryOp),
    Cast(TypeRef),
}

/// What the prefix operators apply to: an expression, or the least Integer or
/// Long written without its sign, which only `-` may take.
enum Operand {
    Expr(Expr),
    Min(Literal, Span),
}

/// `unary = (prefix_op | cast)* (postfix | min_literal)`
///
/// `-2147483648` and `-9223372036854775808L` fold to the least Integer and
/// Long; without the `-` the literal is out of range and reported as such.
fn unary<'t, 's: 't, I: TokenInput<'t, 's>>(
    member: impl Parser<'t, I, Expr, Extra<'t, 's>> + Clone,
) -> impl Parser<'t, I, Expr, Extra<'t, 's>> + Clone {
    let op = select! {
        Token::Minus => UnaryOp::Neg,
        Token::Plus => UnaryOp::Plus,
        Token::Bang => UnaryOp::Not,
        Token::Tilde => UnaryOp::BitNot,
        Token::PlusPlus => UnaryOp::PreInc,
        Token::MinusMinus => UnaryOp::PreDec,
    };
    let prefix = op.map(Prefix::Op).or(cast().map(Prefix::Cast));
    let min = min_literal().map_with(|lit, e| Operand::Min(lit, span(e.span())));
    let operand = postfix(member).map(Operand::Expr).or(min);
    prefix
        .map_with(|p, e| (p, e.span()))
        .repeated()
        .foldr_with(operand, |(p, at), operand, _| apply_prefix(p, at, operand))
        .validate(|operand, _, emitter| match operand {
            Operand::Expr(expr) => expr,
            Operand::Min(lit, at) => {
                let err = match lit {
                    Literal::Long(_) => LexError::IllegalLong,
                    _ => LexError::IllegalInteger,
                };
                let (message, label) = err.describe();
                emitter.emit(custom(SimpleSpan::from(at.clone()), message, label));
                Expr {
                    kind: ExprKind::Literal(lit),
                    span: at,
                }
            }
        })
}

/// `min_literal = "2147483648" | "9223372036854775808L"`, as the value they
/// have after `-`.
pub(crate) fn min_literal<'t, 's: 't, I: TokenInput<'t, 's>>()
-> impl Parser<'t, I, Literal, Extra<'t, 's>> + Clone {
    select! {
        Token::IntegerMin => Literal::Integer(i32::MIN),
        Token::LongMin => Literal::Long(i64::MIN),
    }
}

fn apply_prefix(p: Prefix, at: SimpleSpan, operand: Operand) -> Operand {
    let expr = match operand {
        Operand::Min(lit, lit_at) if matches!(p, Prefix::Op(UnaryOp::Neg)) => {
            return Operand::Expr(Expr {
                kind: ExprKind::Literal(lit),
                span: span(at).start..lit_at.end,
            });
        }
        // Any other prefix leaves the literal out of range; reported above.
        Operand::Min(..) => return operand,
        Operand::Expr(expr) => expr,
    };
    let whole = span(at).start..expr.span.end;
    let kind = match p {
        Prefix::Op(op) => ExprKind::Unary {
            op,
            expr: Box::new(expr),
        },
        Prefix::Cast(ty) => ExprKind::Cast {
            ty,
            expr: Box::new(expr),
        },
    };
    Operand::Expr(Expr { kind, span: whole })
}

/// `cast = "(" type_ref ")"` when followed by something a cast can apply to;
/// otherwise the parenthesis opens an ordinary expression, as in `(a) + b`.
fn cast<'t, 's: 't, I: TokenInput<'t, 's>>() -> impl Parser<'t, I, TypeRef, Extra<'t, 's>> + Clone {
    let starts_operand = select! {
        Token::Ident(_) => (),
        Token::Str(_) => (),
        Token::Integer(_) => (),
        Token::Long(_) => (),
        Token::Decimal(_) => (),
        Token::Double(_) => (),
        Token::Null => (),
        Token::True => (),
        Token::False => (),
        Token::New => (),
        Token::LParen => (),
        Token::Bang => (),
        Token::Tilde => (),
        Token::Sosl(_) => (),
    };
    // `(List<Account>) [SELECT ...]` casts a query; `(a)[0]` indexes.
    let query = just(Token::LBracket).then(word("SELECT")).ignored();
    type_ref()
        .delimited_by(just(Token::LParen), just(Token::RParen))
        .then_ignore(starts_operand.or(query).rewind())
}

/// `postfix = member_chain ("++" | "--")*`
fn postfix<'t, 's: 't, I: TokenInput<'t, 's>>(
    member: impl Parser<'t, I, Expr, Extra<'t, 's>> + Clone,
) -> impl Parser<'t, I, Expr, Extra<'t, 's>> + Clone {
    let op = select! { Token::PlusPlus => UnaryOp::PostInc, Token::MinusMinus => UnaryOp::PostDec };
    member.foldl_with(op.repeated(), |expr, op, e| Expr {
        kind: ExprKind::Unary {
            op,
            expr: Box::new(expr),
        },
        span: span(e.span()),
    })
}

/// One step after a primary: `.name`, `?.name`, `.name(args)`, `[index]`.
#[derive(Clone)]
enum Suffix {
    Member {
        name: Ident,
        args: Option<Vec<Expr>>,
        safe: bool,
    },
    Index(Expr),
}

/// `member_chain = primary (("." | "?.") member_name arguments? | "[" expression "]")*`
///
/// Also the form of a SOQL bind expression (`:acct.Id`, `:ids`).
pub(crate) fn member_chain<'t, 's: 't, I: TokenInput<'t, 's>>(
    expr: BoxedExpr<'t, 's, I>,
) -> impl Parser<'t, I, Expr, Extra<'t, 's>> + Clone {
    recursive(move |member_chain| {
        let args = arguments(expr.clone());
        let dot = just(Token::Dot).to(false).or(just(Token::SafeDot).to(true));
        let member = dot
            .then(member_name())
            .then(args.clone().or_not())
            .map(|((safe, name), args)| Suffix::Member { name, args, safe });
        let index = expr
            .clone()
            .delimited_by(just(Token::LBracket), just(Token::RBracket))
            .map(Suffix::Index);
        let primary = primary(expr, member_chain.boxed());
        primary.foldl_with(member.or(index).repeated(), |target, suffix, e| Expr {
            kind: apply_suffix(target, suffix),
            span: span(e.span()),
        })
    })
    .boxed()
}

fn apply_suffix(target: Expr, suffix: Suffix) -> ExprKind {
    let target = Box::new(target);
    match suffix {
        Suffix::Member {
            name,
            args: None,
            safe,
        } => ExprKind::Field {
            target,
            field: name,
            safe,
        },
        Suffix::Member {
            name,
            args: Some(args),
            safe,
        } => ExprKind::Call {
            target: Some(target),
            method: name,
            args,
            safe,
        },
        Suffix::Index(index) => ExprKind::Index {
            target,
            index: Box::new(index),
        },
    }
}

/// `arguments = "(" (expression ("," expression)*)? ")"`
fn arguments<'t, 's: 't, I: TokenInput<'t, 's>>(
    expr: BoxedExpr<'t, 's, I>,
) -> impl Parser<'t, I, Vec<Expr>, Extra<'t, 's>> + Clone {
    expr.separated_by(just(Token::Comma))
        .collect::<Vec<_>>()
        .delimited_by(just(Token::LParen), just(Token::RParen))
}

/// `primary = literal | identifier arguments? | sosl | new_expr | "[" soql_query "]"
///          | "(" expression ")"`
///
/// `this(...)` and `super(...)` are calls of a bare name; `this` and `super`
/// are plain names.
fn primary<'t, 's: 't, I: TokenInput<'t, 's>>(
    expr: BoxedExpr<'t, 's, I>,
    member_chain: BoxedExpr<'t, 's, I>,
) -> impl Parser<'t, I, Expr, Extra<'t, 's>> + Clone {
    let name_or_call =
        ident()
            .then(arguments(expr.clone()).or_not())
            .map(|(name, args)| match args {
                None => ExprKind::Name(name),
                Some(args) => ExprKind::Call {
                    target: None,
                    method: name,
                    args,
                    safe: false,
                },
            });
    let query = soql_query(member_chain)
        .delimited_by(just(Token::LBracket), just(Token::RBracket))
        .map(|q| ExprKind::Soql(Box::new(q)));
    let parenthesised = expr
        .clone()
        .delimited_by(just(Token::LParen), just(Token::RParen))
        .map(|e| e.kind);
    let sosl = select! { Token::Sosl(text) => ExprKind::Sosl(text.to_string()) };
    choice((
        literal().map(ExprKind::Literal),
        name_or_call,
        sosl,
        new_expr(expr),
        query,
        parenthesised,
    ))
    .map_with(|kind, e| Expr {
        kind,
        span: span(e.span()),
    })
    .boxed()
}

/// `literal = string | integer | long | decimal | double | "true" | "false" | "null"`
pub(crate) fn literal<'t, 's: 't, I: TokenInput<'t, 's>>()
-> impl Parser<'t, I, Literal, Extra<'t, 's>> + Clone {
    select! {
        Token::Str(s) => Literal::String(s),
        Token::Integer(n) => Literal::Integer(n),
        Token::Long(n) => Literal::Long(n),
        Token::Decimal(d) => Literal::Decimal(d.to_string()),
        Token::Double(d) => Literal::Double(d),
        Token::True => Literal::Bool(true),
        Token::False => Literal::Bool(false),
        Token::Null => Literal::Null,
    }
    .labelled("literal")
}

/// `new_expr = "new" type_ref (arguments | field_inits | collection_init | "[" expression "]")`
///
/// For `new String[n]` the type recorded is the array type, `String[]`.
fn new_expr<'t, 's: 't, I: TokenInput<'t, 's>>(
    expr: BoxedExpr<'t, 's, I>,
) -> impl Parser<'t, I, ExprKind, Extra<'t, 's>> + Clone {
    let size = expr
        .clone()
        .delimited_by(just(Token::LBracket), just(Token::RBracket))
        .map(|n| NewInit::ArraySize(Box::new(n)));
    let init = choice((
        field_inits(expr.clone()),
        arguments(expr.clone()).map(NewInit::Args),
        collection_init(expr),
        size,
    ));
    just(Token::New)
        .ignore_then(type_ref())
        .then(init)
        .map(|(mut ty, init)| {
            if let NewInit::ArraySize(_) = init {
                ty.array_dims = ty.array_dims.saturating_add(1);
            }
            if matches!(&init, NewInit::Elements(v) if v.is_empty()) && is_map(&ty) {
                return ExprKind::New {
                    ty,
                    init: NewInit::Pairs(Vec::new()),
                };
            }
            ExprKind::New { ty, init }
        })
}

fn is_map(ty: &TypeRef) -> bool {
    ty.array_dims == 0 && ty.path.last().is_some_and(|p| p.name.is("map"))
}

/// `field_inits = "(" identifier "=" expression ("," identifier "=" expression)* ")"`
fn field_inits<'t, 's: 't, I: TokenInput<'t, 's>>(
    expr: BoxedExpr<'t, 's, I>,
) -> impl Parser<'t, I, NewInit, Extra<'t, 's>> + Clone {
    member_name()
        .then_ignore(just(Token::Assign))
        .then(expr)
        .separated_by(just(Token::Comma))
        .at_least(1)
        .collect::<Vec<_>>()
        .delimited_by(just(Token::LParen), just(Token::RParen))
        .map(NewInit::Fields)
}

/// `collection_init = "{" (element ("," element)*)? "}"` where
/// `element = expression ("=>" expression)?`; a map takes pairs, a list or set
/// takes plain elements. Each element is parsed once, whichever form it has.
fn collection_init<'t, 's: 't, I: TokenInput<'t, 's>>(
    expr: BoxedExpr<'t, 's, I>,
) -> impl Parser<'t, I, NewInit, Extra<'t, 's>> + Clone {
    let element = expr
        .clone()
        .then(just(Token::FatArrow).ignore_then(expr).or_not());
    element
        .separated_by(just(Token::Comma))
        .collect::<Vec<_>>()
        .delimited_by(just(Token::LBrace), just(Token::RBrace))
        .validate(|items, e, emitter| {
            if items.iter().all(|(_, v)| v.is_some()) && !items.is_empty() {
                return NewInit::Pairs(
                    items
                        .into_iter()
                        .filter_map(|(k, v)| Some((k, v?)))
                        .collect(),
                );
            }
            if items.iter().any(|(_, v)| v.is_some()) {
                emitter.emit(custom(
                    e.span(),
                    "Mixed map and list initialisers",
                    "use one form",
                ));
            }
            NewInit::Elements(items.into_iter().map(|(k, _)| k).collect())
        })
}
