//! Read-only views of an org for `apexlite org licenses` and `apexlite org
//! users`: rows read straight from the store, rendered as an aligned text
//! table or as JSON.

use std::fmt::Write as _;

use serde::Serialize;

use crate::org::{Org, OrgError};

/// How a report is printed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Aligned plain-text columns with a header line.
    #[default]
    Table,
    /// A JSON array of objects, one per row.
    Json,
}

/// One `UserLicense` and its seats.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LicenseRow {
    /// `UserLicense.Name`.
    pub name: String,
    /// `UserLicense.Status`: `Active` or `Disabled`.
    pub status: String,
    /// `TotalLicenses`: the seats the org has.
    pub total: i64,
    /// Seats in use, counted now: active users on a profile of the license.
    pub used: i64,
    /// `total - used`; negative when users were added past the limit
    /// (inside `System.runAs`, which ignores license limits).
    pub remaining: i64,
    /// The stored `UsedLicenses` counter, which the save pipeline keeps;
    /// equal to `used` unless the file was edited by hand.
    #[serde(skip)]
    pub stored_used: i64,
}

/// One user as `apexlite org users` lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UserRow {
    /// `User.Username`.
    pub username: String,
    /// `User.IsActive`.
    pub active: bool,
    /// `User.UserType`, e.g. `Standard` or `CspLitePortal`.
    pub user_type: String,
    /// The profile's name.
    pub profile: String,
    /// The name of the profile's license.
    pub license: String,
    /// Whether `User.ContactId` is set.
    pub has_contact: bool,
}

/// Every license in creation order, with seats counted from the users.
pub fn licenses(org: &Org) -> Result<Vec<LicenseRow>, OrgError> {
    let sql = "SELECT l.\"Name\", IFNULL(l.\"Status\", ''), IFNULL(l.\"TotalLicenses\", 0), \
               IFNULL(l.\"UsedLicenses\", 0), (SELECT COUNT(*) FROM \"User\" u \
               JOIN \"Profile\" p ON p.\"Id\" = u.\"ProfileId\" \
               WHERE p.\"UserLicenseId\" = l.\"Id\" AND IFNULL(u.\"IsActive\", 1) = 1) \
               FROM \"UserLicense\" l ORDER BY l.rowid";
    let mut stmt = org.store().conn().prepare(sql)?;
    let rows = stmt.query_map([], |r| {
        let (total, used): (i64, i64) = (r.get(2)?, r.get(4)?);
        Ok(LicenseRow {
            name: r.get(0)?,
            status: r.get(1)?,
            total,
            used,
            remaining: total - used,
            stored_used: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Every user in creation order, with profile and license names.
pub fn users(org: &Org) -> Result<Vec<UserRow>, OrgError> {
    let sql = "SELECT u.\"Username\", IFNULL(u.\"IsActive\", 1), IFNULL(u.\"UserType\", ''), \
               IFNULL(p.\"Name\", ''), IFNULL(l.\"Name\", ''), u.\"ContactId\" IS NOT NULL \
               FROM \"User\" u LEFT JOIN \"Profile\" p ON p.\"Id\" = u.\"ProfileId\" \
               LEFT JOIN \"UserLicense\" l ON l.\"Id\" = p.\"UserLicenseId\" ORDER BY u.rowid";
    let mut stmt = org.store().conn().prepare(sql)?;
    let rows = stmt.query_map([], |r| {
        Ok(UserRow {
            username: r.get(0)?,
            active: r.get(1)?,
            user_type: r.get(2)?,
            profile: r.get(3)?,
            license: r.get(4)?,
            has_contact: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The licenses report in `format`, ending with a newline.
pub fn render_licenses(rows: &[LicenseRow], format: Format) -> String {
    if format == Format::Json {
        return json(rows);
    }
    let cells = rows
        .iter()
        .map(|r| {
            vec![
                r.name.clone(),
                r.status.clone(),
                r.total.to_string(),
                r.used.to_string(),
                r.remaining.to_string(),
            ]
        })
        .collect();
    let columns = [
        ("LICENSE", Align::Left),
        ("STATUS", Align::Left),
        ("TOTAL", Align::Right),
        ("USED", Align::Right),
        ("REMAINING", Align::Right),
    ];
    table(&columns, cells)
}

/// The users report in `format`, ending with a newline.
pub fn render_users(rows: &[UserRow], format: Format) -> String {
    if format == Format::Json {
        return json(rows);
    }
    let yes_no = |b: bool| if b { "yes" } else { "no" }.to_owned();
    let cells = rows
        .iter()
        .map(|r| {
            vec![
                r.username.clone(),
                yes_no(r.active),
                r.user_type.clone(),
                r.profile.clone(),
                r.license.clone(),
                yes_no(r.has_contact),
            ]
        })
        .collect();
    let columns = [
        ("USERNAME", Align::Left),
        ("ACTIVE", Align::Left),
        ("USER TYPE", Align::Left),
        ("PROFILE", Align::Left),
        ("LICENSE", Align::Left),
        ("CONTACT", Align::Left),
    ];
    table(&columns, cells)
}

fn json<T: Serialize>(rows: &[T]) -> String {
    // Plain structs of strings, numbers and booleans always serialize.
    let mut text = serde_json::to_string_pretty(rows).unwrap_or_else(|_| "[]".into());
    text.push('\n');
    text
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Align {
    Left,
    Right,
}

/// Columns two spaces apart, each as wide as its widest cell; no trailing
/// spaces. Widths count characters, so wide (CJK) letters misalign.
fn table(columns: &[(&str, Align)], rows: Vec<Vec<String>>) -> String {
    let header: Vec<String> = columns.iter().map(|(h, _)| (*h).to_owned()).collect();
    let all: Vec<Vec<String>> = std::iter::once(header).chain(rows).collect();
    let widths: Vec<usize> = (0..columns.len())
        .map(|i| all.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for row in &all {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            let sep = if i == 0 { "" } else { "  " };
            let width = widths[i];
            let _ = match columns[i].1 {
                Align::Left => write!(line, "{sep}{cell:<width$}"),
                Align::Right => write!(line, "{sep}{cell:>width$}"),
            };
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_align_text_left_and_numbers_right() {
        let columns = [("NAME", Align::Left), ("N", Align::Right)];
        let rows = vec![
            vec!["a".to_owned(), "10".to_owned()],
            vec!["long name".to_owned(), "5".to_owned()],
        ];
        assert_eq!(
            table(&columns, rows),
            "NAME        N\na          10\nlong name   5\n"
        );
    }

    #[test]
    fn the_seeded_org_lists_six_licenses_and_the_admin() {
        let org = Org::open_in_memory().expect("org");
        let rows = licenses(&org).expect("licenses");
        assert_eq!(rows.len(), 6);
        assert_eq!(rows[0].name, "Salesforce");
        assert_eq!((rows[0].total, rows[0].used, rows[0].remaining), (10, 1, 9));
        let users = users(&org).expect("users");
        assert_eq!(users.len(), 1);
        assert_eq!(users[0].profile, "System Administrator");
        assert_eq!(users[0].license, "Salesforce");
        assert!(users[0].active && !users[0].has_contact);
        let json = render_users(&users, Format::Json);
        assert!(json.contains("\"user_type\": \"Standard\""), "{json}");
    }
}
