//! Case-insensitive names.
//!
//! Apex ignores case in keywords, identifiers, type, sObject and field names. A
//! [`Name`] is folded once when it is made, so comparing and hashing never fold
//! case again, while [`Name::as_str`] still echoes the author's spelling.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::rc::Rc;

/// An identifier that compares and hashes without regard to ASCII case.
#[derive(Clone)]
pub struct Name {
    text: Rc<str>,
    folded: Rc<str>,
}

impl Name {
    /// Makes a name from the text as written.
    pub fn new(text: &str) -> Name {
        let folded: Rc<str> = if text.bytes().any(|b| b.is_ascii_uppercase()) {
            text.to_ascii_lowercase().into()
        } else {
            text.into()
        };
        let text = if *folded == *text {
            folded.clone()
        } else {
            text.into()
        };
        Name { text, folded }
    }

    /// The name as the author wrote it.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The name in lower case, the form used for lookups.
    pub fn folded(&self) -> &str {
        &self.folded
    }

    /// True when `other` spells this name in any case.
    pub fn is(&self, other: &str) -> bool {
        self.folded.eq_ignore_ascii_case(other)
    }
}

impl PartialEq for Name {
    fn eq(&self, other: &Name) -> bool {
        self.folded == other.folded
    }
}

impl Eq for Name {}

impl Hash for Name {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.folded.hash(state)
    }
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", &*self.text)
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_compare_without_case_and_keep_spelling() {
        let a = Name::new("ProfileID");
        let b = Name::new("profileid");
        assert_eq!(a, b);
        assert_eq!(a.as_str(), "ProfileID");
        assert_eq!(a.folded(), "profileid");
        assert!(a.is("PROFILEID"));
    }
}
