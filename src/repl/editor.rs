//! The terminal side of the prompt: a rustyline helper that completes
//! keywords, variables, classes, sObject names, fields after `record.` and
//! inside SOQL, colours keywords, strings and numbers, shows the brackets an
//! entry still needs, and marks the bracket matching the one at the cursor.

use std::borrow::Cow;

use rustyline::completion::{Completer, FilenameCompleter, Pair};
use rustyline::highlight::{CmdKind, Highlighter};
use rustyline::hint::Hinter;
use rustyline::validate::Validator;
use rustyline::{Context, Helper};

use super::commands::COMMANDS;
use super::input::open_brackets;
use crate::check::types::Type;
use crate::data::schema::{ObjectDef, schema};
use crate::syntax::token::{Token, lex};

/// Apex keywords offered by completion.
const KEYWORDS: &[&str] = &[
    "abstract",
    "break",
    "catch",
    "class",
    "continue",
    "delete",
    "do",
    "else",
    "enum",
    "extends",
    "false",
    "final",
    "finally",
    "for",
    "if",
    "implements",
    "insert",
    "instanceof",
    "interface",
    "new",
    "null",
    "override",
    "private",
    "protected",
    "public",
    "return",
    "static",
    "switch",
    "this",
    "throw",
    "true",
    "try",
    "undelete",
    "update",
    "upsert",
    "virtual",
    "void",
    "when",
    "while",
];

/// Built-in types and classes offered by completion.
const BUILT_INS: &[&str] = &[
    "Boolean",
    "Database",
    "Date",
    "Datetime",
    "Decimal",
    "Double",
    "Exception",
    "Id",
    "Integer",
    "Limits",
    "List",
    "Long",
    "Map",
    "Math",
    "Object",
    "Set",
    "String",
    "System",
    "UserInfo",
];

/// SOQL words offered inside a query.
const SOQL_WORDS: &[&str] = &[
    "AND", "ASC", "COUNT()", "DESC", "FROM", "IN", "LIKE", "LIMIT", "NOT", "NULL", "OFFSET", "OR",
    "ORDER BY", "SELECT", "WHERE",
];

/// What completion knows of the session.
#[derive(Default)]
pub struct ApexHelper {
    /// Variables in scope with the sObject type of those that hold a record.
    variables: Vec<(String, Option<&'static ObjectDef>)>,
    /// Classes in scope.
    classes: Vec<String>,
    /// The lines of the entry typed so far, before the line being edited.
    pending: String,
}

impl ApexHelper {
    /// Updates what is in scope and the entry's earlier lines.
    pub fn refresh(&mut self, variables: Vec<(String, Type)>, classes: Vec<String>, pending: &str) {
        self.variables = variables
            .into_iter()
            .map(|(name, ty)| {
                let object = match ty {
                    Type::SObject(def) => def,
                    _ => None,
                };
                (name, object)
            })
            .collect();
        self.classes = classes;
        self.pending = pending.to_string();
    }

    /// The candidates for the word before the cursor.
    fn candidates(&self, before: &str, after: &str, word_start: usize) -> Vec<String> {
        let head = &before[..word_start];
        if let Some(object) = head.strip_suffix('.').and_then(|h| self.record_type(h)) {
            return object.fields.iter().map(|f| f.name.to_string()).collect();
        }
        let text = format!("{}{head}", self.pending);
        if let Some(query) = open_query(&text) {
            return soql_candidates(query, after);
        }
        let mut out: Vec<String> = KEYWORDS.iter().map(|k| k.to_string()).collect();
        out.extend(BUILT_INS.iter().map(|b| b.to_string()));
        out.extend(self.variables.iter().map(|(name, _)| name.clone()));
        out.extend(self.classes.iter().cloned());
        out.extend(schema().objects.iter().map(|o| o.name.to_string()));
        out
    }

    /// The sObject type of the variable that ends `head` (`u` in `u.`).
    fn record_type(&self, head: &str) -> Option<&'static ObjectDef> {
        let start = word_start(head);
        let name = &head[start..];
        self.variables
            .iter()
            .rev()
            .find(|(v, _)| v.eq_ignore_ascii_case(name))
            .and_then(|(_, object)| *object)
    }
}

/// Where the identifier ending at the end of `text` starts.
fn word_start(text: &str) -> usize {
    text.char_indices()
        .rev()
        .take_while(|(_, c)| c.is_ascii_alphanumeric() || *c == '_')
        .last()
        .map_or(text.len(), |(i, _)| i)
}

/// The text of the SOQL query the cursor is in: after the last `[` that is
/// still open, when it starts with SELECT.
fn open_query(text: &str) -> Option<&str> {
    let mut depth = 0usize;
    for (i, c) in text.char_indices().rev() {
        match c {
            ']' => depth += 1,
            '[' if depth == 0 => {
                let query = &text[i + 1..];
                let starts = query.trim_start().get(..6)?;
                return starts.eq_ignore_ascii_case("select").then_some(query);
            }
            '[' => depth -= 1,
            _ => {}
        }
    }
    None
}

/// Inside a query (`query` ends where the word being typed starts): object
/// names right after FROM; elsewhere the fields of the queried object (of
/// every object while no FROM is written yet) and SOQL words.
fn soql_candidates(query: &str, after: &str) -> Vec<String> {
    let separator = |c: char| c.is_whitespace() || c == ',';
    let words: Vec<&str> = query.split(separator).filter(|w| !w.is_empty()).collect();
    if words.last().is_some_and(|w| w.eq_ignore_ascii_case("from")) {
        return schema()
            .objects
            .iter()
            .map(|o| o.name.to_string())
            .collect();
    }
    let whole = format!("{query} {}", after.split(']').next().unwrap_or(""));
    let mut tokens = whole.split(separator).filter(|w| !w.is_empty());
    let object = tokens
        .by_ref()
        .find(|w| w.eq_ignore_ascii_case("from"))
        .and_then(|_| tokens.next())
        .and_then(|name| schema().object(name));
    let mut out: Vec<String> = match object {
        Some(def) => def.fields.iter().map(|f| f.name.to_string()).collect(),
        None => schema()
            .objects
            .iter()
            .flat_map(|o| o.fields.iter().map(|f| f.name.to_string()))
            .collect(),
    };
    out.extend(SOQL_WORDS.iter().map(|w| w.to_string()));
    out
}

/// On a command line: the command names after `:`, object names after
/// `:describe `; `None` when the line is not a command.
fn command_candidates(before: &str, word_start: usize) -> Option<Vec<String>> {
    let head = before[..word_start].trim_start();
    if head == ":" {
        let names = COMMANDS
            .iter()
            .filter_map(|(c, _)| c.split_whitespace().next());
        return Some(
            names
                .map(|c| c.trim_start_matches(':').to_string())
                .collect(),
        );
    }
    let command = head.split_whitespace().next()?;
    if !command.starts_with(':') {
        return None;
    }
    let objects = schema().objects.iter().map(|o| o.name.to_string());
    Some(match command {
        ":describe" | ":d" => objects.collect(),
        _ => Vec::new(),
    })
}

impl Completer for ApexHelper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let before = &line[..pos];
        if self.pending.is_empty() && before.trim_start().starts_with(":load ") {
            return FilenameCompleter::new().complete_path(line, pos);
        }
        let start = word_start(before);
        let prefix = &before[start..];
        let command = self
            .pending
            .is_empty()
            .then(|| command_candidates(before, start));
        let candidates = command
            .flatten()
            .unwrap_or_else(|| self.candidates(before, &line[pos..], start));
        let mut found: Vec<String> = candidates
            .into_iter()
            .filter(|c| {
                c.get(..prefix.len())
                    .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
            })
            .collect();
        found.sort_by_key(|c| c.to_ascii_lowercase());
        found.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
        let pairs = found
            .into_iter()
            .map(|c| Pair {
                display: c.clone(),
                replacement: c,
            })
            .collect();
        Ok((start, pairs))
    }
}

impl Hinter for ApexHelper {
    type Hint = String;

    /// The brackets still to close, at the end of a line that leaves some open.
    fn hint(&self, line: &str, pos: usize, _ctx: &Context<'_>) -> Option<String> {
        if pos < line.len() || line.trim().is_empty() {
            return None;
        }
        let open = open_brackets(&format!("{}{line}", self.pending));
        (!open.is_empty()).then(|| format!("  {}", open.iter().rev().collect::<String>()))
    }
}

impl Highlighter for ApexHelper {
    fn highlight<'l>(&self, line: &'l str, pos: usize) -> Cow<'l, str> {
        Cow::Owned(highlight(line, pos))
    }

    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        Cow::Owned(format!("\x1b[2m{hint}\x1b[0m"))
    }

    fn highlight_char(&self, _line: &str, _pos: usize, kind: CmdKind) -> bool {
        kind != CmdKind::ForcedRefresh
    }
}

impl Validator for ApexHelper {}

impl Helper for ApexHelper {}

/// SOQL words coloured as keywords inside `[...]`.
const SOQL_KEYWORDS: &[&str] = &[
    "select", "from", "where", "and", "or", "not", "in", "like", "limit", "offset", "order", "by",
    "asc", "desc", "count",
];

/// The line with ANSI colours: keywords bold magenta, strings green,
/// numbers cyan, and the bracket matching the one at the cursor bold.
fn highlight(line: &str, pos: usize) -> String {
    let tokens = lex(line).0;
    let partner = matching_bracket(&tokens, pos);
    let mut out = String::with_capacity(line.len() * 2);
    let mut at = 0;
    let mut in_query = 0usize;
    for (i, (token, span)) in tokens.iter().enumerate() {
        out.push_str(&line[at..span.start]);
        let text = &line[span.clone()];
        match token {
            Token::LBracket => in_query += 1,
            Token::RBracket => in_query = in_query.saturating_sub(1),
            _ => {}
        }
        let color = match token {
            _ if partner == Some(i) => Some("1;4"),
            Token::Str(_) => Some("32"),
            Token::Integer(_)
            | Token::Long(_)
            | Token::Decimal(_)
            | Token::Double(_)
            | Token::IntegerMin
            | Token::LongMin => Some("36"),
            Token::Ident(w)
                if in_query > 0 && SOQL_KEYWORDS.contains(&&*w.to_ascii_lowercase()) =>
            {
                Some("1;35")
            }
            Token::Ident(_) | Token::Error(_) => None,
            _ if text.chars().all(|c| c.is_ascii_alphabetic()) => Some("1;35"),
            _ => None,
        };
        match color {
            Some(c) => out.push_str(&format!("\x1b[{c}m{text}\x1b[0m")),
            None => out.push_str(text),
        }
        at = span.end;
    }
    out.push_str(&line[at..]);
    out
}

/// The index of the token matching the bracket at or just before the cursor.
fn matching_bracket(tokens: &[(Token<'_>, std::ops::Range<usize>)], pos: usize) -> Option<usize> {
    let here = tokens
        .iter()
        .position(|(t, s)| s.start == pos && is_bracket(t))
        .or_else(|| {
            tokens
                .iter()
                .position(|(t, s)| s.end == pos && is_bracket(t))
        })?;
    let opens = |t: &Token<'_>| matches!(t, Token::LParen | Token::LBracket | Token::LBrace);
    let forward = opens(&tokens[here].0);
    let mut depth = 0i32;
    let indexes: Box<dyn Iterator<Item = usize>> = if forward {
        Box::new(here..tokens.len())
    } else {
        Box::new((0..=here).rev())
    };
    for i in indexes {
        let t = &tokens[i].0;
        if !is_bracket(t) {
            continue;
        }
        depth += if opens(t) == forward { 1 } else { -1 };
        if depth == 0 {
            return Some(i);
        }
    }
    None
}

fn is_bracket(t: &Token<'_>) -> bool {
    matches!(
        t,
        Token::LParen
            | Token::RParen
            | Token::LBracket
            | Token::RBracket
            | Token::LBrace
            | Token::RBrace
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn helper() -> ApexHelper {
        let mut h = ApexHelper::default();
        let account = schema().object("Account").map(|o| Type::SObject(Some(o)));
        h.refresh(
            vec![("acct".into(), account.unwrap_or(Type::Object))],
            vec!["Calc".into()],
            "",
        );
        h
    }

    fn complete(h: &ApexHelper, line: &str) -> Vec<String> {
        let start = word_start(line);
        let prefix = &line[start..];
        h.candidates(line, "", start)
            .into_iter()
            .filter(|c| {
                c.to_ascii_lowercase()
                    .starts_with(&prefix.to_ascii_lowercase())
            })
            .collect()
    }

    #[test]
    fn fields_after_a_record_variable() {
        let found = complete(&helper(), "acct.Na");
        assert!(found.contains(&"Name".to_string()), "{found:?}");
        assert!(!found.contains(&"new".to_string()), "{found:?}");
    }

    #[test]
    fn soql_objects_after_from_and_fields_after_select() {
        let h = helper();
        assert!(complete(&h, "[SELECT Id FROM Us").contains(&"User".to_string()));
        let fields = soql_candidates("SELECT ", " FROM User]");
        assert!(fields.contains(&"Username".to_string()), "{fields:?}");
        let fields = soql_candidates("SELECT Id FROM User WHERE ", "]");
        assert!(fields.contains(&"ProfileId".to_string()), "{fields:?}");
    }

    #[test]
    fn the_hint_shows_the_brackets_still_open() {
        let history = rustyline::history::DefaultHistory::new();
        let ctx = Context::new(&history);
        let mut h = helper();
        let line = "for (Integer i : new List<Integer>{1, 2";
        assert_eq!(h.hint(line, line.len(), &ctx).as_deref(), Some("  })"));
        assert_eq!(h.hint(line, 3, &ctx), None);
        assert_eq!(h.hint("x = 1;", 6, &ctx), None);
        h.refresh(Vec::new(), Vec::new(), "if (true) {\n");
        assert_eq!(h.hint("f(", 2, &ctx).as_deref(), Some("  )}"));
    }

    #[test]
    fn command_names_and_objects_to_describe() {
        let names = command_candidates(":des", 1).unwrap_or_default();
        assert!(names.contains(&"describe".to_string()), "{names:?}");
        let objects = command_candidates(":describe Acc", 10).unwrap_or_default();
        assert!(objects.contains(&"Account".to_string()), "{objects:?}");
        assert_eq!(command_candidates("Integer x", 8), None);
    }

    #[test]
    fn keywords_variables_and_classes_elsewhere() {
        let h = helper();
        assert!(complete(&h, "whi").contains(&"while".to_string()));
        assert!(complete(&h, "ac").contains(&"acct".to_string()));
        assert!(complete(&h, "Ca").contains(&"Calc".to_string()));
    }

    #[test]
    fn highlighting_keeps_the_text_and_marks_the_partner_bracket() {
        let line = "if (x == 'a') { y = 12; }";
        let coloured = highlight(line, 3);
        assert!(coloured.contains("\x1b[1;35mif\x1b[0m"), "{coloured:?}");
        assert!(coloured.contains("\x1b[32m'a'\x1b[0m"), "{coloured:?}");
        assert!(coloured.contains("\x1b[36m12\x1b[0m"), "{coloured:?}");
        assert!(coloured.contains("\x1b[1;4m)\x1b[0m"), "{coloured:?}");
        let plain = regex::Regex::new("\x1b\\[[0-9;]*m").map(|r| r.replace_all(&coloured, ""));
        assert_eq!(plain.as_deref().ok(), Some(line));
    }
}
