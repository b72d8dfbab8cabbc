//! When an entry is complete: lines are gathered into one entry while a
//! brace, bracket or parenthesis is open, or a `/*` comment or `'''` string
//! is unfinished.

use crate::syntax::token::{LexError, Token, lex};

/// The brackets left open at the end of `text`, outermost first, as the
/// characters that would close them.
pub fn open_brackets(text: &str) -> Vec<char> {
    let mut open = Vec::new();
    for (token, _) in lex(text).0 {
        match token {
            Token::LParen => open.push(')'),
            Token::LBracket => open.push(']'),
            Token::LBrace => open.push('}'),
            Token::RParen | Token::RBracket | Token::RBrace => {
                open.pop();
            }
            _ => {}
        }
    }
    open
}

/// True when the text can be run as it is: no bracket left open and no
/// comment or multi-line string unfinished.
pub fn is_complete(text: &str) -> bool {
    let unfinished = lex(text).0.iter().any(|(token, span)| match token {
        Token::Error(LexError::UnterminatedComment) => true,
        Token::Error(LexError::UnterminatedString) => text[span.clone()].starts_with("'''"),
        _ => false,
    });
    !unfinished && open_brackets(text).is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_braces_and_parentheses_continue_the_entry() {
        assert!(!is_complete("for (Integer i = 0; i < 3; i++) {"));
        assert!(!is_complete("List<User> us = [SELECT Id"));
        assert!(!is_complete("System.debug(1 +"));
        assert!(!is_complete("/* a comment"));
        assert!(is_complete("if (true) { System.debug(1); }"));
        assert!(is_complete("System.debug('{');"));
        assert_eq!(open_brackets("if (x) { f(["), vec!['}', ')', ']']);
    }
}
