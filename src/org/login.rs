//! Choosing who a whole run executes as (`apexlite run --as USERNAME`): the
//! user is found by username, and refused where the platform would not let
//! an administrator log in as them.

use rusqlite::OptionalExtension;

use crate::data::id::Id;
use crate::org::users::{LicenseKind, RunningUser, license_spec};
use crate::org::{Org, OrgError};

/// Why a run cannot execute as the named user.
#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    /// No user has this username.
    #[error("no user with username '{0}' in this org")]
    UnknownUser(String),
    /// The user is deactivated.
    #[error("cannot run as {0}: the user is inactive; activate the user first")]
    Inactive(String),
    /// The user is contactless; the platform has no Login As for them.
    #[error(
        "cannot run as {0}: it is a contactless user (External Identity license, no \
         contact), and the platform offers no Login As for contactless users; add a contact \
         to the user first"
    )]
    Contactless(String),
    /// The org could not be read.
    #[error(transparent)]
    Org(#[from] OrgError),
}

/// What the login check needs to know about a user.
struct Candidate {
    running: RunningUser,
    active: bool,
    has_contact: bool,
    license_key: Option<String>,
}

/// Makes the user with `username` (compared without case) the running user
/// of `org`, or says why not: unknown, inactive, or contactless (DOMAIN.md
/// §1.1 fact 6: Login As needs a contact). Returns the chosen user.
pub fn log_in_as(org: &mut Org, username: &str) -> Result<RunningUser, LoginError> {
    let candidate =
        find(org, username)?.ok_or_else(|| LoginError::UnknownUser(username.to_owned()))?;
    let name = candidate.running.username.clone();
    if !candidate.active {
        return Err(LoginError::Inactive(name));
    }
    let kind = candidate
        .license_key
        .as_deref()
        .and_then(license_spec)
        .map(|spec| spec.kind);
    if kind == Some(LicenseKind::ExternalIdentity) && !candidate.has_contact {
        return Err(LoginError::Contactless(name));
    }
    org.set_running_user(candidate.running.clone());
    Ok(candidate.running)
}

/// The user with this username, with profile license and contact. The
/// Username column compares without case (ASCII only, as the store says).
fn find(org: &Org, username: &str) -> Result<Option<Candidate>, OrgError> {
    let sql = "SELECT u.\"Id\", u.\"Username\", u.\"ProfileId\", IFNULL(u.\"IsActive\", 1), \
               u.\"ContactId\" IS NOT NULL, l.\"LicenseDefinitionKey\" FROM \"User\" u \
               LEFT JOIN \"Profile\" p ON p.\"Id\" = u.\"ProfileId\" \
               LEFT JOIN \"UserLicense\" l ON l.\"Id\" = p.\"UserLicenseId\" \
               WHERE u.\"Username\" = ?1";
    type Row = (String, String, String, bool, bool, Option<String>);
    let row: Option<Row> = org
        .store()
        .conn()
        .query_row(sql, [username], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })
        .optional()?;
    let Some((id, username, profile, active, has_contact, license_key)) = row else {
        return Ok(None);
    };
    let (Some(id), Some(profile_id)) = (Id::parse(&id), Id::parse(&profile)) else {
        return Err(OrgError::Corrupt(format!("user {id} has a malformed Id")));
    };
    Ok(Some(Candidate {
        running: RunningUser {
            id,
            username,
            profile_id,
        },
        active,
        has_contact,
        license_key,
    }))
}
