//! What every parser module shares: the token input, the error type, and the
//! small parsers for names, keywords and punctuation.

use chumsky::input::ValueInput;
use chumsky::prelude::*;

use crate::syntax::ast::{Expr, Ident, Name, Stmt};
use crate::syntax::source::Span;
use crate::syntax::token::Token;

/// The token streams the parsers run over.
pub(crate) trait TokenInput<'t, 's: 't>:
    ValueInput<'t, Token = Token<'s>, Span = SimpleSpan>
{
}

impl<'t, 's: 't, I> TokenInput<'t, 's> for I where
    I: ValueInput<'t, Token = Token<'s>, Span = SimpleSpan>
{
}

/// Parser extras: rich errors over Apex tokens.
pub(crate) type Extra<'t, 's> = extra::Err<Rich<'t, Token<'s>>>;

/// Separates a custom error's headline from its label.
pub(crate) const LABEL_SEP: char = '\u{1f}';

/// A custom error with a headline and a label.
pub(crate) fn custom<'t, 's>(span: SimpleSpan, message: &str, label: &str) -> Rich<'t, Token<'s>> {
    Rich::custom(span, format!("{message}{LABEL_SEP}{label}"))
}

/// Converts a chumsky span to the AST's byte range.
pub(crate) fn span(s: SimpleSpan) -> Span {
    s.into_range()
}

/// `identifier`: a plain name, never a keyword.
pub(crate) fn ident<'t, 's: 't, I: TokenInput<'t, 's>>()
-> impl Parser<'t, I, Ident, Extra<'t, 's>> + Clone {
    select! { Token::Ident(s) => s }
        .map_with(|s, e| Ident {
            name: Name::new(s),
            span: span(e.span()),
        })
        .labelled("identifier")
}

/// `member_name`: a name after `.`, where keywords are allowed too
/// (`Database.insert`, `Trigger.new`, `Foo.class`). A keyword comes back in lower case
/// whatever the author wrote.
pub(crate) fn member_name<'t, 's: 't, I: TokenInput<'t, 's>>()
-> impl Parser<'t, I, Ident, Extra<'t, 's>> + Clone {
    select! {
        Token::Ident(s) => s,
        Token::If => "if",
        Token::Else => "else",
        Token::While => "while",
        Token::For => "for",
        Token::Break => "break",
        Token::Continue => "continue",
        Token::Return => "return",
        Token::New => "new",
        Token::Null => "null",
        Token::True => "true",
        Token::False => "false",
        Token::Final => "final",
        Token::InstanceOf => "instanceof",
        Token::Insert => "insert",
        Token::Update => "update",
        Token::Upsert => "upsert",
        Token::Delete => "delete",
        Token::Undelete => "undelete",
        Token::Do => "do",
        Token::Try => "try",
        Token::Catch => "catch",
        Token::Finally => "finally",
        Token::Throw => "throw",
        Token::Switch => "switch",
        Token::Class => "class",
        Token::Interface => "interface",
        Token::Enum => "enum",
        Token::Extends => "extends",
        Token::Implements => "implements",
        Token::Public => "public",
        Token::Private => "private",
        Token::Protected => "protected",
        Token::Global => "global",
        Token::Static => "static",
        Token::Abstract => "abstract",
        Token::Virtual => "virtual",
        Token::Override => "override",
        Token::Transient => "transient",
        Token::TestMethod => "testmethod",
        Token::WebService => "webservice",
        Token::Void => "void",
    }
    .map_with(|s, e| Ident {
        name: Name::new(s),
        span: span(e.span()),
    })
    .labelled("identifier")
}

/// A contextual word, matched in any case: `SELECT`, `FROM`, `LIMIT`, ...
pub(crate) fn word<'t, 's: 't, I: TokenInput<'t, 's>>(
    w: &'static str,
) -> impl Parser<'t, I, (), Extra<'t, 's>> + Clone {
    any()
        .filter(move |t: &Token<'s>| matches!(t, Token::Ident(s) if s.eq_ignore_ascii_case(w)))
        .ignored()
        .labelled(w)
}

/// `;`, the end of a simple statement.
pub(crate) fn semi<'t, 's: 't, I: TokenInput<'t, 's>>()
-> impl Parser<'t, I, (), Extra<'t, 's>> + Clone {
    just(Token::Semi).ignored()
}

/// A boxed statement parser, as handed to the parsers of nested statements.
pub(crate) type BoxedStmt<'t, 's, I> = Boxed<'t, 't, I, Stmt, Extra<'t, 's>>;

/// A boxed expression parser.
pub(crate) type BoxedExpr<'t, 's, I> = Boxed<'t, 't, I, Expr, Extra<'t, 's>>;

/// `block = "{" statement* "}"`, as its statements.
pub(crate) fn block<'t, 's: 't, I: TokenInput<'t, 's>>(
    stmt: BoxedStmt<'t, 's, I>,
) -> impl Parser<'t, I, Vec<Stmt>, Extra<'t, 's>> + Clone {
    stmt.repeated()
        .collect()
        .delimited_by(just(Token::LBrace), just(Token::RBrace))
}
