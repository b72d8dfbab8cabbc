//! Creating an org file of a chosen edition (`apexlite org init`) and
//! changing how many seats a license has (`--seats`, `apexlite org seats`).

use std::path::{Path, PathBuf};

use chrono::{SubsecRound, Utc};
use rusqlite::OptionalExtension;

use crate::data::id::Id;
use crate::data::record::{FieldValue, Record};
use crate::data::schema::schema;
use crate::data::store::Store;
use crate::org::edition::Edition;
use crate::org::users::LICENSES;
use crate::org::{Org, OrgError};

/// A license's new seat count, as given on the command line: `Name=N`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeatRequest {
    /// The license's name as the org spells it (`External Identity`).
    pub license: &'static str,
    /// The new `TotalLicenses`.
    pub total: i32,
}

/// Parses `Name=N`: a license name (any case) and a non-negative integer.
/// The error lists the valid license names; suitable as a clap value parser.
pub fn parse_seat_request(text: &str) -> Result<SeatRequest, String> {
    let Some((name, count)) = text.rsplit_once('=') else {
        return Err(format!(
            "expected 'License Name=N', got '{text}'; licenses: {}",
            license_names()
        ));
    };
    let name = name.trim();
    let license = LICENSES
        .iter()
        .find(|l| l.name.eq_ignore_ascii_case(name))
        .map(|l| l.name)
        .ok_or_else(|| format!("unknown license '{name}'; licenses: {}", license_names()))?;
    let count = count.trim();
    let total = count
        .parse::<u32>()
        .ok()
        .and_then(|n| i32::try_from(n).ok())
        .ok_or_else(|| {
            format!("the seats of {license} must be a non-negative integer, got '{count}'")
        })?;
    Ok(SeatRequest { license, total })
}

impl std::str::FromStr for SeatRequest {
    type Err = String;

    /// [`parse_seat_request`].
    fn from_str(text: &str) -> Result<SeatRequest, String> {
        parse_seat_request(text)
    }
}

/// The license names, comma-separated, for messages.
pub fn license_names() -> String {
    let names: Vec<&str> = LICENSES.iter().map(|l| l.name).collect();
    names.join(", ")
}

/// What `apexlite org init` creates.
#[derive(Clone, Debug, Default)]
pub struct InitOptions {
    /// The organization's edition.
    pub edition: Edition,
    /// Seat counts that replace the seeded ones.
    pub seats: Vec<SeatRequest>,
    /// Replace an existing org file.
    pub force: bool,
}

/// Why an org could not be created or its seats changed.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    /// The file already holds an org and `--force` was not given.
    #[error("{} already holds an org; use --force to replace it", .0.display())]
    Exists(PathBuf),
    /// The file exists and is not an apexlite org; it is never replaced.
    #[error("{} exists and is not an apexlite org; refusing to replace it", .0.display())]
    NotAnOrg(PathBuf),
    /// Fewer seats than active users on the license.
    #[error("cannot set {license} to {requested} seats: {used} in use")]
    BelowUsed {
        /// The license.
        license: &'static str,
        /// The seats asked for.
        requested: i32,
        /// Active users on the license.
        used: i64,
    },
    /// No user has this username.
    #[error("no user {0}")]
    UnknownUser(String),
    /// Only internal users can be delegated administrators.
    #[error("{0} is not an internal user; only internal users can be delegated administrators")]
    NotInternal(String),
    /// The file could not be moved into place.
    #[error("cannot write {}: {source}", .path.display())]
    Io {
        /// The org file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The org itself failed.
    #[error(transparent)]
    Org(#[from] OrgError),
}

/// Creates the org file at `path` (or a throwaway org for `:memory:`),
/// seeded as an org of `options.edition` with the requested seats. The org
/// is built in a file beside `path` and moved over it only when complete,
/// so a refused request leaves an existing org as it was.
pub fn init(path: &Path, options: &InitOptions) -> Result<Org, SetupError> {
    if path.as_os_str() == ":memory:" {
        let mut org = Org::open_in_memory_with(options.edition)?;
        set_seats(&mut org, &options.seats)?;
        return Ok(org);
    }
    check_replaceable(path, options.force)?;
    let mut staged = path.as_os_str().to_owned();
    staged.push(".new");
    let staged = PathBuf::from(staged);
    remove_if_present(&staged)?;
    let built = build(&staged, options);
    if let Err(e) = built {
        let _ = std::fs::remove_file(&staged);
        return Err(e);
    }
    // A journal left by a crash belongs to the old file; SQLite would
    // replay it into the new one.
    remove_if_present(&journal(path))?;
    std::fs::rename(&staged, path).map_err(|source| SetupError::Io {
        path: path.to_owned(),
        source,
    })?;
    Ok(Org::open(path)?)
}

fn build(staged: &Path, options: &InitOptions) -> Result<(), SetupError> {
    let mut org = Org::open_with(staged, options.edition)?;
    set_seats(&mut org, &options.seats)
}

/// A missing or empty file may be written; an org only with `force`; any
/// other file never. An org of another schema version counts as an org.
fn check_replaceable(path: &Path, force: bool) -> Result<(), SetupError> {
    if std::fs::metadata(path).map_or(true, |m| m.len() == 0) {
        return Ok(());
    }
    match Store::open(path) {
        Ok(_) | Err(OrgError::SchemaVersion { .. }) if force => Ok(()),
        Ok(_) | Err(OrgError::SchemaVersion { .. }) => Err(SetupError::Exists(path.to_owned())),
        Err(OrgError::NotAnOrg { .. }) => Err(SetupError::NotAnOrg(path.to_owned())),
        Err(e) => Err(e.into()),
    }
}

fn journal(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push("-journal");
    PathBuf::from(name)
}

fn remove_if_present(path: &Path) -> Result<(), SetupError> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(SetupError::Io {
            path: path.to_owned(),
            source: e,
        }),
        _ => Ok(()),
    }
}

/// Sets `TotalLicenses` of each requested license in one transaction;
/// nothing changes when one is refused (fewer seats than active users).
pub fn set_seats(org: &mut Org, seats: &[SeatRequest]) -> Result<(), SetupError> {
    if seats.is_empty() {
        return Ok(());
    }
    org.begin()?;
    let result = seats.iter().try_for_each(|s| set_one(org, s));
    match result {
        Ok(()) => org.commit()?,
        // The refusal is what the caller needs to hear about.
        Err(_) => {
            let _ = org.rollback();
        }
    }
    result
}

fn set_one(org: &Org, seat: &SeatRequest) -> Result<(), SetupError> {
    let conn = org.store().conn();
    let used: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM \"User\" u JOIN \"Profile\" p ON p.\"Id\" = u.\"ProfileId\" \
         JOIN \"UserLicense\" l ON l.\"Id\" = p.\"UserLicenseId\" \
         WHERE l.\"Name\" = ?1 AND IFNULL(u.\"IsActive\", 1) = 1",
            [seat.license],
            |r| r.get(0),
        )
        .map_err(OrgError::from)?;
    if i64::from(seat.total) < used {
        return Err(SetupError::BelowUsed {
            license: seat.license,
            requested: seat.total,
            used,
        });
    }
    let changed = conn
        .execute(
            "UPDATE \"UserLicense\" SET \"TotalLicenses\" = ?1 WHERE \"Name\" = ?2",
            rusqlite::params![seat.total, seat.license],
        )
        .map_err(OrgError::from)?;
    if changed == 0 {
        return Err(OrgError::Corrupt(format!("no license {}", seat.license)).into());
    }
    Ok(())
}

/// The delegated administration group `apexlite org delegate` fills.
pub const DELEGATE_GROUP: &str = "User Administrators";

/// Makes the internal user `username` (any case) a delegated administrator:
/// a member of the [`DELEGATE_GROUP`] group, created on first use. Returns
/// false when the user already was one. Delegated administrators may create
/// and edit users without Manage Users, except contactless users.
pub fn delegate(org: &mut Org, username: &str) -> Result<bool, SetupError> {
    org.begin()?;
    let result = add_member(org, username);
    match result {
        Ok(_) => org.commit()?,
        Err(_) => {
            let _ = org.rollback();
        }
    }
    result
}

fn add_member(org: &Org, username: &str) -> Result<bool, SetupError> {
    let conn = org.store().conn();
    let user: Option<(String, String, Option<String>)> = conn
        .query_row(
            "SELECT \"Id\", \"Username\", \"UserType\" FROM \"User\" WHERE \"Username\" = ?1",
            [username],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()
        .map_err(OrgError::from)?;
    let Some((user, name, user_type)) = user else {
        return Err(SetupError::UnknownUser(username.to_owned()));
    };
    if user_type.as_deref() != Some("Standard") {
        return Err(SetupError::NotInternal(name));
    }
    let group = match find_id(
        org,
        "SELECT \"Id\" FROM \"DelegateGroup\" WHERE \"Name\" = ?1",
        DELEGATE_GROUP,
    )? {
        Some(id) => id,
        None => write_row(
            org,
            "DelegateGroup",
            &[
                ("Name", FieldValue::Text(DELEGATE_GROUP.into())),
                (
                    "DeveloperName",
                    FieldValue::Text("User_Administrators".into()),
                ),
                ("IsLoginAccessEnabled", FieldValue::Bool(false)),
            ],
        )?,
    };
    let member = find_id(
        org,
        "SELECT \"Id\" FROM \"DelegateGroupMember\" WHERE \"UserOrGroupId\" = ?1",
        &user,
    )?;
    if member.is_some() {
        return Ok(false);
    }
    let user = Id::parse(&user).ok_or_else(|| OrgError::Corrupt(format!("user Id {user}")))?;
    write_row(
        org,
        "DelegateGroupMember",
        &[
            ("DelegateGroupId", FieldValue::Id(group)),
            ("UserOrGroupId", FieldValue::Id(user)),
        ],
    )?;
    Ok(true)
}

fn find_id(org: &Org, sql: &str, value: &str) -> Result<Option<Id>, SetupError> {
    let found: Option<String> = org
        .store()
        .conn()
        .query_row(sql, [value], |r| r.get(0))
        .optional()
        .map_err(OrgError::from)?;
    Ok(found.as_deref().and_then(Id::parse))
}

/// Writes a setup row straight to the store, stamped as made by the admin
/// now; setup objects are not written through the save pipeline.
fn write_row(org: &Org, object: &str, values: &[(&str, FieldValue)]) -> Result<Id, SetupError> {
    let def = schema()
        .object(object)
        .ok_or_else(|| OrgError::Corrupt(format!("no {object}")))?;
    let id = org.store().next_id(def)?;
    let now = FieldValue::DateTime(Utc::now().naive_utc().trunc_subsecs(0));
    let by = FieldValue::Id(org.running_user().id);
    let mut record = Record::new(def);
    record.set(0, FieldValue::Id(id));
    for name in ["CreatedDate", "LastModifiedDate", "SystemModstamp"] {
        record.set_by_name(name, now.clone());
    }
    for name in ["CreatedById", "LastModifiedById"] {
        record.set_by_name(name, by.clone());
    }
    for (name, value) in values {
        record.set_by_name(name, value.clone());
    }
    org.store().insert(&record)?;
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seat_requests_parse_names_without_case() {
        let parsed = parse_seat_request("external identity=20000").expect("parses");
        assert_eq!(parsed.license, "External Identity");
        assert_eq!(parsed.total, 20000);
        assert_eq!(
            parse_seat_request(" Salesforce = 0 ").map(|s| s.total),
            Ok(0)
        );
    }

    #[test]
    fn bad_seat_requests_say_what_is_wrong() {
        let unknown = parse_seat_request("Gold=3").expect_err("unknown");
        assert!(unknown.contains("unknown license 'Gold'"), "{unknown}");
        assert!(
            unknown.contains("External Identity, Customer Community"),
            "{unknown}"
        );
        for bad in [
            "Salesforce=-1",
            "Salesforce=x",
            "Salesforce=",
            "Salesforce=3000000000",
        ] {
            let e = parse_seat_request(bad).expect_err(bad);
            assert!(e.contains("non-negative integer"), "{e}");
        }
        assert!(parse_seat_request("Salesforce").is_err());
    }

    #[test]
    fn seats_below_the_active_users_are_refused_and_nothing_changes() {
        let mut org = Org::open_in_memory().expect("org");
        let requests = [
            parse_seat_request("External Identity=7").expect("parses"),
            parse_seat_request("Salesforce=0").expect("parses"),
        ];
        let err = set_seats(&mut org, &requests).expect_err("refused");
        assert_eq!(
            err.to_string(),
            "cannot set Salesforce to 0 seats: 1 in use"
        );
        let ei = crate::org::report::licenses(&org).expect("rows");
        assert_eq!(ei[2].total, 5, "the whole request was rolled back");
        set_seats(&mut org, &requests[..1]).expect("allowed");
        assert_eq!(
            crate::org::report::licenses(&org).expect("rows")[2].total,
            7
        );
    }
}
