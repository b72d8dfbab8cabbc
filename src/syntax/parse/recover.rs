//! Error recovery: after a broken statement or member, skip it as a unit and
//! carry on, so one run reports several errors.

use chumsky::input::InputRef;
use chumsky::prelude::*;

use super::base::{Extra, TokenInput, span};
use crate::syntax::ast::{Member, Stmt, StmtKind};
use crate::syntax::token::Token;

/// Skips a broken statement and stands in for it.
pub(crate) fn skip_statement<'t, 's: 't, I: TokenInput<'t, 's>>()
-> impl Parser<'t, I, Stmt, Extra<'t, 's>> + Clone {
    skip_unit().map(placeholder)
}

/// Skips a broken class member and stands in for it with an empty
/// initialiser; the file as a whole is rejected, so it never runs.
pub(crate) fn skip_member<'t, 's: 't, I: TokenInput<'t, 's>>()
-> impl Parser<'t, I, Member, Extra<'t, 's>> + Clone {
    skip_unit().map(|at| Member::Initializer {
        is_static: false,
        body: Vec::new(),
        span: span(at),
    })
}

/// The statement standing in for one that failed to parse; the script as a
/// whole is rejected, so it never runs.
pub(crate) fn placeholder(at: SimpleSpan) -> Stmt {
    Stmt {
        kind: StmtKind::Block(Vec::new()),
        span: span(at),
    }
}

/// Skips to the end of the broken unit. It ends at a `;` outside parentheses,
/// after a `{ ... }` body, or before the `}` that closes the enclosing block.
/// A `{` right after `>` or `]` opens a collection initialiser and does not
/// end the unit. Fails when there is nothing to skip.
fn skip_unit<'t, 's: 't, I: TokenInput<'t, 's>>()
-> impl Parser<'t, I, SimpleSpan, Extra<'t, 's>> + Clone {
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
        Ok(at)
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
