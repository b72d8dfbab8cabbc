//! Type references: `Integer`, `List<User>`, `Map<Id, List<String>>`,
//! `System.Exception`, `String[]`.

use chumsky::prelude::*;

use super::base::{Extra, TokenInput, ident, span};
use crate::syntax::ast::TypeRef;
use crate::syntax::token::Token;

/// `type_ref = qualified_name type_args? ("[" "]")*`
pub(crate) fn type_ref<'t, 's: 't, I: TokenInput<'t, 's>>()
-> impl Parser<'t, I, TypeRef, Extra<'t, 's>> + Clone {
    recursive(|type_ref| {
        let qualified_name = ident()
            .separated_by(just(Token::Dot))
            .at_least(1)
            .collect::<Vec<_>>();
        let type_args = type_ref
            .separated_by(just(Token::Comma))
            .at_least(1)
            .collect::<Vec<_>>()
            .delimited_by(just(Token::Lt), just(Token::Gt));
        let array_dims = just(Token::LBracket)
            .then(just(Token::RBracket))
            .repeated()
            .count();
        qualified_name
            .then(type_args.or_not())
            .then(array_dims)
            .map_with(|((path, args), dims), e| TypeRef {
                path,
                args: args.unwrap_or_default(),
                array_dims: u8::try_from(dims).unwrap_or(u8::MAX),
                span: span(e.span()),
            })
            .labelled("type")
    })
    .boxed()
}
