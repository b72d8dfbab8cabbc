//! Salesforce record Ids: key prefixes, generation, and 15 ↔ 18 conversion.
//!
//! The 15-character form is case-sensitive base 62. The 18-character form adds
//! three checksum characters that encode, for each 5-character chunk, which
//! characters are upper case; that makes the long form safe to compare without
//! case, and lets a long Id typed in the wrong case be repaired.

/// An 18-character, case-safe record Id.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Id([u8; 18]);

/// The checksum alphabet: index = 5-bit upper-case mask of one chunk.
const CHECKSUM: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";

/// Digits used for generated Ids, in Salesforce's base-62 order.
const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// Characters 4–6 of every generated Id: a made-up instance ("Al") and the
/// reserved character, which real orgs keep at `0`.
const INSTANCE: &[u8; 3] = b"Al0";

impl Id {
    /// The 18-character form.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or_default()
    }

    /// The three-character key prefix naming the object, e.g. `005` for User.
    pub fn prefix(&self) -> &str {
        &self.as_str()[..3]
    }

    /// The case-sensitive 15-character form.
    pub fn to15(&self) -> &str {
        &self.as_str()[..15]
    }

    /// Parses a 15- or 18-character Id. An 18-character Id may be written in
    /// any case: the case of its first 15 characters is restored from the
    /// checksum. Returns `None` for anything that is not a well-formed Id.
    pub fn parse(text: &str) -> Option<Id> {
        let bytes = text.as_bytes();
        if !bytes.iter().all(u8::is_ascii_alphanumeric) {
            return None;
        }
        match bytes.len() {
            15 => Some(Id::from15(bytes)),
            18 => restore_case(bytes).map(|short| Id::from15(&short)),
            _ => None,
        }
    }

    /// Builds Id number `n` for an object's key prefix: the prefix, a fixed
    /// instance part, then `n` in nine base-62 digits. `prefix` must be three
    /// alphanumeric characters (it comes from the schema, never from input).
    pub fn generate(prefix: &str, n: u64) -> Id {
        debug_assert!(prefix.len() == 3 && prefix.bytes().all(|b| b.is_ascii_alphanumeric()));
        let mut short = [b'0'; 15];
        for (slot, b) in short.iter_mut().zip(prefix.bytes().take(3)) {
            *slot = b;
        }
        short[3..6].copy_from_slice(INSTANCE);
        let mut rest = n;
        for slot in short[6..].iter_mut().rev() {
            *slot = BASE62[(rest % 62) as usize];
            rest /= 62;
        }
        Id::from15(&short)
    }

    /// The 18-character Id of 15 valid characters.
    fn from15(short: &[u8]) -> Id {
        let mut full = [0u8; 18];
        full[..15].copy_from_slice(&short[..15]);
        for chunk in 0..3 {
            full[15 + chunk] = CHECKSUM[upper_mask(&short[chunk * 5..chunk * 5 + 5])];
        }
        Id(full)
    }
}

/// Bit j set when character j of a 5-character chunk is an upper-case letter.
fn upper_mask(chunk: &[u8]) -> usize {
    chunk
        .iter()
        .enumerate()
        .filter(|(_, b)| b.is_ascii_uppercase())
        .fold(0, |mask, (j, _)| mask | (1 << j))
}

/// The 15 characters of an 18-character Id with their case taken from the
/// checksum; `None` when the checksum is not valid for those characters.
fn restore_case(long: &[u8]) -> Option<[u8; 15]> {
    let mut short = [0u8; 15];
    for chunk in 0..3 {
        let check = long[15 + chunk].to_ascii_uppercase();
        let mask = CHECKSUM.iter().position(|&c| c == check)?;
        for j in 0..5 {
            let b = long[chunk * 5 + j];
            let upper = mask & (1 << j) != 0;
            if upper && !b.is_ascii_alphabetic() {
                return None;
            }
            short[chunk * 5 + j] = if upper {
                b.to_ascii_uppercase()
            } else {
                b.to_ascii_lowercase()
            };
        }
    }
    Some(short)
}

impl std::fmt::Debug for Id {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::fmt::Display for Id {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The vectors of DOMAIN.md §7.4.
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

    #[test]
    fn fifteen_to_eighteen_matches_every_vector() {
        for (short, long) in VECTORS {
            let id = Id::parse(short).expect("valid 15-char id");
            assert_eq!(id.as_str(), *long);
            assert_eq!(id.to15(), *short);
        }
    }

    #[test]
    fn eighteen_char_ids_parse_in_any_case() {
        for (short, long) in VECTORS {
            let lower = Id::parse(&long.to_ascii_lowercase()).expect("lower case");
            let upper = Id::parse(&long.to_ascii_uppercase()).expect("upper case");
            assert_eq!(lower.as_str(), *long);
            assert_eq!(upper.to15(), *short);
        }
    }

    #[test]
    fn malformed_ids_are_refused() {
        for bad in [
            "",
            "005",
            "0055t000003Ic5",
            "0055t000003Ic5w!",
            "0055t000003Ic5wAA9",
            "UTC",
        ] {
            assert!(Id::parse(bad).is_none(), "{bad}");
        }
        // The checksum says the first character is upper case, but it is a digit.
        assert!(Id::parse("0055t000003Ic5wBAC").is_none());
    }

    #[test]
    fn generated_ids_are_distinct_and_round_trip() {
        let a = Id::generate("005", 1);
        let b = Id::generate("005", 62);
        assert_eq!(a.prefix(), "005");
        assert_eq!(a.to15(), "005Al0000000001");
        assert_eq!(b.to15(), "005Al0000000010");
        assert_ne!(a, b);
        assert_eq!(Id::parse(a.as_str()), Some(a));
        assert_eq!(Id::parse(&b.as_str().to_ascii_lowercase()), Some(b));
    }
}
