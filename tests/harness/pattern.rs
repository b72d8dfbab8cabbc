//! Expected stdout lines with Id placeholders.
//!
//! Record Ids depend on how many records an org has created, so expectations
//! never spell them out: `{Id}` stands for any 18-character Id and `{Id:005}`
//! for one whose key prefix is `005`. Everything else is compared exactly.

/// The length of the Id form that Apex prints.
const ID_LEN: usize = 18;

/// Whether `actual` is the line `pattern` describes.
pub fn line_matches(pattern: &str, actual: &str) -> bool {
    let mut rest = actual;
    let mut pat = pattern;
    loop {
        let Some((literal, prefix, after)) = next_placeholder(pat) else {
            return rest == pat;
        };
        let Some(tail) = rest.strip_prefix(literal) else {
            return false;
        };
        let Some(tail) = strip_id(tail, prefix) else {
            return false;
        };
        rest = tail;
        pat = after;
    }
}

/// Splits off the text before the next placeholder, the placeholder's key
/// prefix (empty for `{Id}`) and the pattern after it.
fn next_placeholder(pat: &str) -> Option<(&str, &str, &str)> {
    let mut from = 0;
    while let Some(found) = pat[from..].find("{Id") {
        let start = from + found;
        let body = &pat[start + 3..];
        if let Some(after) = body.strip_prefix('}') {
            return Some((&pat[..start], "", after));
        }
        if let Some((prefix, after)) = body.strip_prefix(':').and_then(|b| b.split_once('}')) {
            return Some((&pat[..start], prefix, after));
        }
        from = start + 3;
    }
    None
}

/// Removes an Id with the given key prefix from the front of `text`.
fn strip_id<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let id = text.get(..ID_LEN)?;
    let well_formed = id.bytes().all(|b| b.is_ascii_alphanumeric());
    (well_formed && id.starts_with(prefix)).then(|| &text[ID_LEN..])
}

#[cfg(test)]
mod tests {
    use super::line_matches;

    #[test]
    fn plain_lines_compare_exactly() {
        assert!(line_matches("created true", "created true"));
        assert!(!line_matches("created true", "created true "));
        assert!(line_matches("", ""));
    }

    #[test]
    fn placeholders_match_eighteen_character_ids() {
        assert!(line_matches("created {Id}", "created 005000000000001AAA"));
        assert!(line_matches("{Id:005}", "005000000000001AAA"));
        assert!(!line_matches("{Id:005}", "00e000000000001AAA"));
        assert!(!line_matches("{Id}", "005000000000001"), "15 characters");
        assert!(
            !line_matches("{Id}", "005000000000001AAAx"),
            "trailing text"
        );
        assert!(
            !line_matches("{Id}", "005000000000001AA!"),
            "not alphanumeric"
        );
        assert!(line_matches(
            "a {Id:00e} b {Id}",
            "a 00e000000000001AAA b 005000000000001AAA"
        ));
    }

    #[test]
    fn other_braces_stay_literal() {
        assert!(line_matches("{Ident}", "{Ident}"));
        assert!(line_matches("User:{Id=x}", "User:{Id=x}"));
        assert!(line_matches("{Id:005", "{Id:005"));
    }
}
