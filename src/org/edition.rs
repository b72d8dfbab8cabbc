//! Salesforce editions: the name an org is created with, the
//! `Organization.OrganizationType` it reports, and which features it offers.

use std::fmt;

/// The edition of an org, chosen when it is created.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Edition {
    /// Enterprise Edition, the default.
    #[default]
    Enterprise,
    /// Professional Edition.
    Professional,
    /// Performance Edition.
    Performance,
    /// Unlimited Edition.
    Unlimited,
    /// Developer Edition.
    Developer,
    /// Essentials (the small-business edition).
    Essentials,
    /// Group Edition (formerly Team Edition).
    Group,
    /// Contact Manager Edition.
    ContactManager,
}

impl Edition {
    /// Every edition, in the order `--help` lists them.
    pub const ALL: [Edition; 8] = [
        Edition::Enterprise,
        Edition::Professional,
        Edition::Performance,
        Edition::Unlimited,
        Edition::Developer,
        Edition::Essentials,
        Edition::Group,
        Edition::ContactManager,
    ];

    /// The short name used on the command line, e.g. `Contact Manager`.
    pub fn name(self) -> &'static str {
        match self {
            Edition::Enterprise => "Enterprise",
            Edition::Professional => "Professional",
            Edition::Performance => "Performance",
            Edition::Unlimited => "Unlimited",
            Edition::Developer => "Developer",
            Edition::Essentials => "Essentials",
            Edition::Group => "Group",
            Edition::ContactManager => "Contact Manager",
        }
    }

    /// The value of `Organization.OrganizationType`: the name plus ` Edition`.
    /// Real Performance and Group orgs may report `Unlimited Edition` and
    /// `Team Edition`; apexlite keeps every edition distinct so the rules
    /// that depend on it can tell them apart (a stated simplification).
    pub fn organization_type(self) -> String {
        format!("{} Edition", self.name())
    }

    /// The edition named `text`, ignoring case, spaces, `-` and `_` and an
    /// optional ` Edition` suffix: `contact-manager`, `Enterprise Edition`.
    pub fn parse(text: &str) -> Option<Edition> {
        let key = squash(text);
        let key = key.strip_suffix("edition").unwrap_or(&key);
        Edition::ALL.into_iter().find(|e| squash(e.name()) == key)
    }

    /// The edition an `OrganizationType` value stands for.
    pub fn from_organization_type(value: &str) -> Option<Edition> {
        Edition::ALL
            .into_iter()
            .find(|e| e.organization_type().eq_ignore_ascii_case(value))
    }

    /// Whether contactless users (External Identity, no contact) can be
    /// created: Professional, Enterprise, Performance, Unlimited and
    /// Developer editions only (DOMAIN.md §1.1 fact 3).
    pub fn allows_contactless_users(self) -> bool {
        matches!(
            self,
            Edition::Professional
                | Edition::Enterprise
                | Edition::Performance
                | Edition::Unlimited
                | Edition::Developer
        )
    }

    /// The edition names joined for messages: `Enterprise, Professional, ...`.
    pub fn names() -> String {
        let names: Vec<&str> = Edition::ALL.iter().map(|e| e.name()).collect();
        names.join(", ")
    }
}

impl std::str::FromStr for Edition {
    type Err = String;

    /// [`Edition::parse`], with an error that lists the editions.
    fn from_str(text: &str) -> Result<Edition, String> {
        Edition::parse(text)
            .ok_or_else(|| format!("unknown edition '{text}'; editions: {}", Edition::names()))
    }
}

impl fmt::Display for Edition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Lowercase letters and digits only.
fn squash(text: &str) -> String {
    text.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::Edition;

    #[test]
    fn names_parse_loosely() {
        assert_eq!(Edition::parse("enterprise"), Some(Edition::Enterprise));
        assert_eq!(
            Edition::parse("Contact Manager"),
            Some(Edition::ContactManager)
        );
        assert_eq!(
            Edition::parse("contact-manager"),
            Some(Edition::ContactManager)
        );
        assert_eq!(
            Edition::parse("Developer Edition"),
            Some(Edition::Developer)
        );
        assert_eq!(Edition::parse("Team"), None);
        assert_eq!(Edition::parse(""), None);
    }

    #[test]
    fn organization_types_round_trip() {
        for edition in Edition::ALL {
            let value = edition.organization_type();
            assert_eq!(Edition::from_organization_type(&value), Some(edition));
        }
        assert_eq!(Edition::Group.organization_type(), "Group Edition");
    }

    #[test]
    fn contactless_users_need_one_of_five_editions() {
        let allowed: Vec<&str> = Edition::ALL
            .into_iter()
            .filter(|e| e.allows_contactless_users())
            .map(Edition::name)
            .collect();
        assert_eq!(
            allowed,
            [
                "Enterprise",
                "Professional",
                "Performance",
                "Unlimited",
                "Developer"
            ]
        );
    }
}
