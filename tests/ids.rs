//! Record Ids through the library: the 15 → 18 character checksum and parsing.
//!
//! The vectors are those of DOMAIN.md §7.4; the last one matches a real User Id.

use apexlite::data::id::Id;

/// 15-character Ids and their 18-character forms.
const VECTORS: &[(&str, &str)] = &[
    ("a01M00000062mPg", "a01M00000062mPgIAI"),
    ("001M000000qfPyS", "001M000000qfPySIAU"),
    ("a0FE000000D6r3F", "a0FE000000D6r3FMAR"),
    ("0F9E000000092w2", "0F9E000000092w2KAA"),
    ("aaaaaaaaaaaaaaa", "aaaaaaaaaaaaaaaAAA"),
    ("AbCdEfGhIjKlMnO", "AbCdEfGhIjKlMnOVKV"),
    ("aBcDEfgHIJKLMNO", "aBcDEfgHIJKLMNO025"),
    ("0055t000003Ic5w", "0055t000003Ic5wAAC"),
];

/// The 18-character form `Id::parse` gives, or `None` when it refuses the text.
/// Going through `into_iter` accepts `parse` returning either `Option` or `Result`.
fn parsed(text: &str) -> Option<String> {
    Id::parse(text).map(|id| id.to_string()).into_iter().next()
}

#[test]
fn fifteen_character_ids_gain_their_checksum() {
    for &(short, long) in VECTORS {
        assert_eq!(parsed(short).as_deref(), Some(long), "Id::parse({short:?})");
    }
}

#[test]
fn eighteen_character_ids_parse_to_themselves() {
    for &(_, long) in VECTORS {
        assert_eq!(parsed(long).as_deref(), Some(long), "Id::parse({long:?})");
    }
}

#[test]
fn malformed_ids_are_refused() {
    for bad in [
        "",
        "005",
        "0055t000003Ic5",
        "0055t000003Ic5wA",
        "0055t000003Ic5w!",
        "0055t000003Ic5w AAC",
    ] {
        assert_eq!(parsed(bad), None, "Id::parse({bad:?}) should fail");
    }
}
