//! User-management rules: licenses and their seats, contactless (External
//! Identity) users, portal users and their contacts, uniqueness of usernames
//! and nicknames, and the running user's permission to manage users.
//!
//! The save pipeline (`data::dml`) calls [`check_insert`] and [`check_update`]
//! for every User row that passed field validation and required fields.

use std::borrow::Cow;
use std::fmt::Write as _;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use chrono::NaiveDateTime;
use rusqlite::types::Value;
use rusqlite::{OptionalExtension, params};

use crate::data::dml::SaveContext;
use crate::data::id::Id;
use crate::data::record::{FieldValue, Record};
use crate::data::schema::{ObjectDef, schema};
use crate::data::status::{DmlError, StatusCode};
use crate::data::store::{OrgError, Store, to_sql};
use crate::org::edition::Edition;

/// The user DML runs as.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunningUser {
    /// `UserInfo.getUserId()`.
    pub id: Id,
    /// `UserInfo.getUserName()`.
    pub username: String,
    /// `UserInfo.getProfileId()`.
    pub profile_id: Id,
}

/// What a license lets its users be, for the contact and permission rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LicenseKind {
    /// Salesforce, Salesforce Platform: employees; no contact allowed.
    Internal,
    /// External Identity: external users, contact optional (contactless users).
    ExternalIdentity,
    /// Customer Community and Customer Community Plus: contact required.
    Customer,
    /// Partner Community: contact required.
    Partner,
}

/// One license of the seeded org.
#[derive(Clone, Copy, Debug)]
pub struct LicenseSpec {
    /// `UserLicense.Name` (also `MasterLabel`).
    pub name: &'static str,
    /// `UserLicense.LicenseDefinitionKey`.
    pub key: &'static str,
    /// The `UserType` of users on this license.
    pub user_type: &'static str,
    /// The rules that apply.
    pub kind: LicenseKind,
    /// Seats in the seeded org: small, as in a sandbox, so tests can fill one.
    pub total: i32,
}

/// The licenses apexlite knows. `SFDC`, `AUL` and the `PID_` community keys
/// are documented; `PID_External_Identity` is a guess.
pub const LICENSES: &[LicenseSpec] = &[
    LicenseSpec {
        name: "Salesforce",
        key: "SFDC",
        user_type: "Standard",
        kind: LicenseKind::Internal,
        total: 10,
    },
    LicenseSpec {
        name: "Salesforce Platform",
        key: "AUL",
        user_type: "Standard",
        kind: LicenseKind::Internal,
        total: 10,
    },
    LicenseSpec {
        name: "External Identity",
        key: "PID_External_Identity",
        user_type: "CspLitePortal",
        kind: LicenseKind::ExternalIdentity,
        total: 5,
    },
    LicenseSpec {
        name: "Customer Community",
        key: "PID_Customer_Community",
        user_type: "CspLitePortal",
        kind: LicenseKind::Customer,
        total: 5,
    },
    LicenseSpec {
        name: "Customer Community Plus",
        key: "PID_Customer_Community_Plus",
        user_type: "PowerCustomerSuccess",
        kind: LicenseKind::Customer,
        total: 5,
    },
    LicenseSpec {
        name: "Partner Community",
        key: "PID_Partner_Community",
        user_type: "PowerPartner",
        kind: LicenseKind::Partner,
        total: 5,
    },
];

/// The license spec with this definition key.
pub fn license_spec(key: &str) -> Option<&'static LicenseSpec> {
    LICENSES.iter().find(|l| l.key == key)
}

/// The user-management permissions of a profile.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Perms {
    /// `PermissionsManageUsers`: implies all the others.
    pub manage_users: bool,
    /// `PermissionsManageInternalUsers`.
    pub manage_internal: bool,
    /// `PermissionsManagePartners` ("Manage External Users").
    pub manage_partners: bool,
    /// `PermissionsManageCssUsers` ("Manage Customer Users").
    pub manage_customers: bool,
}

impl Perms {
    /// Whether these permissions let a user create or edit users of `kind`
    /// (DOMAIN.md §1.1 fact 4, §2.4).
    pub fn may_manage(&self, kind: LicenseKind) -> bool {
        if self.manage_users {
            return true;
        }
        self.manage_internal
            && match kind {
                LicenseKind::Internal => true,
                LicenseKind::ExternalIdentity => self.manage_customers || self.manage_partners,
                LicenseKind::Customer => self.manage_customers,
                LicenseKind::Partner => self.manage_partners,
            }
    }
}

#[derive(Clone, Debug)]
struct ProfileInfo {
    license: Id,
    user_type: String,
    perms: Perms,
}

#[derive(Clone, Debug)]
struct LicenseInfo {
    name: String,
    kind: LicenseKind,
    total: i64,
    used: i64,
}

/// The state the user rules keep during one DML call: profiles, licenses and
/// seats, and the usernames, nicknames and contacts taken by earlier rows.
pub struct UserRules {
    profiles: HashMap<Id, ProfileInfo>,
    licenses: HashMap<Id, LicenseInfo>,
    running: Perms,
    /// Whether the running user is a delegated administrator (a member of a
    /// `DelegateGroup`).
    delegated: bool,
    /// Active users whose profile has Manage Users, counted on first need
    /// and kept up to date through the call.
    admins: Option<i64>,
    seats: HashMap<Id, i64>,
    usernames: HashSet<String>,
    nicknames: HashSet<String>,
    contacts: HashSet<Id>,
    /// Usernames and nicknames of stored users, read for the whole call.
    stored_usernames: StoredValues,
    stored_nicknames: StoredValues,
    nickname_seq: u64,
    /// The time (milliseconds) and prefix of the nicknames generated last.
    nickname_prefix: Option<(u64, String)>,
    /// Whether the org's edition offers contactless users.
    contactless: bool,
}

impl UserRules {
    /// Reads profiles and licenses (a handful of rows) for one call.
    pub fn load(store: &Store, running: &RunningUser) -> Result<UserRules, OrgError> {
        let profiles = load_profiles(store)?;
        let licenses = load_licenses(store)?;
        let contactless = stored_edition(store)?.is_some_and(Edition::allows_contactless_users);
        let delegated = is_delegated_admin(store, &running.id)?;
        let running = profiles
            .get(&running.profile_id)
            .map(|p| p.perms)
            .unwrap_or_default();
        Ok(UserRules {
            profiles,
            licenses,
            running,
            delegated,
            admins: None,
            seats: HashMap::default(),
            usernames: HashSet::default(),
            nicknames: HashSet::default(),
            contacts: HashSet::default(),
            stored_usernames: StoredValues::default(),
            stored_nicknames: StoredValues::default(),
            nickname_seq: 0,
            nickname_prefix: None,
            contactless,
        })
    }

    /// Writes the seat changes of the call to `UserLicense.UsedLicenses`.
    pub fn write_seats(&mut self, store: &Store, now: NaiveDateTime) -> Result<(), OrgError> {
        let mut stmt = store.conn().prepare_cached(
            "UPDATE \"UserLicense\" SET \"UsedLicenses\" = \"UsedLicenses\" + ?1, \
             \"UsedLicensesLastUpdated\" = ?2 WHERE \"Id\" = ?3",
        )?;
        for (license, delta) in self.seats.drain() {
            if delta != 0 {
                let stamp = to_sql(&FieldValue::DateTime(now));
                stmt.execute(params![delta, stamp, license.as_str()])?;
                if let Some(info) = self.licenses.get_mut(&license) {
                    info.used += delta;
                }
            }
        }
        Ok(())
    }

    fn license_of(&self, profile: &Id) -> Option<(&Id, &LicenseInfo)> {
        let license = &self.profiles.get(profile)?.license;
        self.licenses.get(license).map(|info| (license, info))
    }

    /// Takes a seat on `license`, or fails when none is left.
    fn take_seat(&mut self, license: &Id, enforce: bool) -> Option<DmlError> {
        let info = self.licenses.get(license)?;
        let pending = self.seats.get(license).copied().unwrap_or(0);
        if enforce && info.used + pending >= info.total {
            let message = format!("License Limit Exceeded - {}", info.name);
            return Some(DmlError::new(
                StatusCode::LicenseLimitExceeded,
                message,
                &[],
            ));
        }
        *self.seats.entry(*license).or_insert(0) += 1;
        None
    }

    fn free_seat(&mut self, license: &Id) {
        *self.seats.entry(*license).or_insert(0) -= 1;
    }
}

/// Which values of one unique User field stored users hold, read in bulk for
/// a call so that its rows need no lookup each: the values asked about, every
/// value inside a range read whole, or the whole column. Values are folded as
/// SQLite's `NOCASE` folds them (ASCII only), so an answer here is the one
/// the column's own comparison would give.
#[derive(Default)]
struct StoredValues {
    asked: HashSet<String>,
    held: HashSet<String>,
    range: Option<(String, String)>,
    /// The whole column was read: every value is answered.
    all: bool,
}

/// Values per `IN (...)` query when reading stored values in bulk.
const IN_CHUNK: usize = 500;

/// `value` folded as `NOCASE` folds it, copied only when it has capitals.
fn fold(value: &str) -> Cow<'_, str> {
    if value.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(value.to_ascii_lowercase())
    } else {
        Cow::Borrowed(value)
    }
}

impl StoredValues {
    /// Whether a stored user holds the value folded to `folded`; `None` when
    /// it was not read.
    fn holds(&self, folded: &str) -> Option<bool> {
        let in_range = self.all
            || self
                .range
                .as_ref()
                .is_some_and(|(low, high)| folded >= low.as_str() && folded < high.as_str());
        (in_range || self.asked.contains(folded)).then(|| self.held.contains(folded))
    }

    /// Reads which of `values` stored users hold in `field`: the whole
    /// column when the batch is not much smaller than the table (one scan
    /// of the column's index beats a lookup per value), else the values
    /// themselves, a few hundred per query.
    fn read<'v>(
        &mut self,
        store: &Store,
        field: &str,
        values: impl Iterator<Item = &'v str>,
    ) -> Result<(), OrgError> {
        if self.all {
            return Ok(());
        }
        let fresh: Vec<&str> = values
            .filter(|v| self.asked.insert(fold(v).into_owned()))
            .collect();
        if fresh.is_empty() {
            return Ok(());
        }
        // The highest rowid bounds the number of stored users.
        let stored: i64 = store
            .conn()
            .prepare_cached("SELECT ifnull(max(rowid), 0) FROM \"User\"")?
            .query_row([], |r| r.get(0))?;
        if stored <= 4 * fresh.len() as i64 {
            let sql = format!("SELECT \"{field}\" FROM \"User\" WHERE \"{field}\" IS NOT NULL");
            self.insert_rows(store, &sql, [])?;
            self.all = true;
            return Ok(());
        }
        for chunk in fresh.chunks(IN_CHUNK) {
            let marks = vec!["?"; chunk.len()].join(", ");
            let sql = format!("SELECT \"{field}\" FROM \"User\" WHERE \"{field}\" IN ({marks})");
            self.insert_rows(store, &sql, rusqlite::params_from_iter(chunk))?;
        }
        Ok(())
    }

    /// Adds the text values `sql` selects to the held ones.
    fn insert_rows(
        &mut self,
        store: &Store,
        sql: &str,
        params: impl rusqlite::Params,
    ) -> Result<(), OrgError> {
        let mut stmt = store.conn().prepare_cached(sql)?;
        let mut rows = stmt.query(params)?;
        while let Some(row) = rows.next()? {
            if let rusqlite::types::ValueRef::Text(bytes) = row.get_ref(0)? {
                let held = String::from_utf8_lossy(bytes);
                self.held.insert(fold(&held).into_owned());
            }
        }
        Ok(())
    }

    /// Reads every value stored users hold in `field` from `low` (included)
    /// to `high` (excluded), compared as the column compares.
    fn read_range(
        &mut self,
        store: &Store,
        field: &str,
        low: &str,
        high: &str,
    ) -> Result<(), OrgError> {
        if !self.all {
            let sql = format!(
                "SELECT \"{field}\" FROM \"User\" WHERE \"{field}\" >= ?1 AND \"{field}\" < ?2"
            );
            self.insert_rows(store, &sql, [low, high])?;
        }
        self.range = Some((low.to_ascii_lowercase(), high.to_ascii_lowercase()));
        Ok(())
    }
}

/// Reads, for a batch of new users, which of their usernames and nicknames
/// stored users already hold, so that [`check_insert`] asks SQLite once per
/// call rather than once per row. Rows and duplicates within the batch are
/// still checked row by row.
pub fn read_unique_values<'r>(
    ctx: &mut SaveContext<'_>,
    rows: impl Iterator<Item = &'r Record> + Clone,
) -> Result<(), OrgError> {
    let store = ctx.store;
    let rules = ctx.user_rules()?;
    let rows_count = rows.clone().count();
    rules.usernames.reserve(rows_count);
    rules.nicknames.reserve(rows_count);
    let texts = |name: &'static str| rows.clone().filter_map(move |r| text_field(r, name));
    rules
        .stored_usernames
        .read(store, "Username", texts("Username"))?;
    rules
        .stored_nicknames
        .read(store, "CommunityNickname", texts("CommunityNickname"))
}

fn load_profiles(store: &Store) -> Result<HashMap<Id, ProfileInfo>, OrgError> {
    let mut stmt = store.conn().prepare_cached(
        "SELECT \"Id\", \"UserLicenseId\", \"UserType\", \"PermissionsManageUsers\", \
         \"PermissionsManageInternalUsers\", \"PermissionsManagePartners\", \
         \"PermissionsManageCssUsers\" FROM \"Profile\"",
    )?;
    let rows = stmt.query_map([], |r| {
        let perms = Perms {
            manage_users: r.get::<_, Option<bool>>(3)?.unwrap_or(false),
            manage_internal: r.get::<_, Option<bool>>(4)?.unwrap_or(false),
            manage_partners: r.get::<_, Option<bool>>(5)?.unwrap_or(false),
            manage_customers: r.get::<_, Option<bool>>(6)?.unwrap_or(false),
        };
        let id: String = r.get(0)?;
        let license: Option<String> = r.get(1)?;
        let user_type: Option<String> = r.get(2)?;
        Ok((id, license, user_type.unwrap_or_default(), perms))
    })?;
    let mut profiles = HashMap::default();
    for row in rows {
        let (id, license, user_type, perms) = row?;
        let (Some(id), Some(license)) = (Id::parse(&id), license.as_deref().and_then(Id::parse))
        else {
            return Err(OrgError::Corrupt(format!("profile {id} without a license")));
        };
        profiles.insert(
            id,
            ProfileInfo {
                license,
                user_type,
                perms,
            },
        );
    }
    Ok(profiles)
}

/// Whether the user belongs to a delegated administration group.
fn is_delegated_admin(store: &Store, user: &Id) -> Result<bool, OrgError> {
    let mut stmt = store.conn().prepare_cached(
        "SELECT 1 FROM \"DelegateGroupMember\" WHERE \"UserOrGroupId\" = ?1 LIMIT 1",
    )?;
    Ok(stmt.exists([user.as_str()])?)
}

fn load_licenses(store: &Store) -> Result<HashMap<Id, LicenseInfo>, OrgError> {
    let mut stmt = store.conn().prepare_cached(
        "SELECT \"Id\", \"Name\", \"LicenseDefinitionKey\", \"TotalLicenses\", \"UsedLicenses\" \
         FROM \"UserLicense\"",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, i64>(3)?,
            r.get::<_, i64>(4)?,
        ))
    })?;
    let mut licenses = HashMap::default();
    for row in rows {
        let (id, name, key, total, used) = row?;
        let id = Id::parse(&id).ok_or_else(|| OrgError::Corrupt(format!("license Id {id}")))?;
        // A license apexlite has no rules for behaves like an internal one.
        let kind = license_spec(&key).map_or(LicenseKind::Internal, |s| s.kind);
        licenses.insert(
            id,
            LicenseInfo {
                name,
                kind,
                total,
                used,
            },
        );
    }
    Ok(licenses)
}

fn user_object() -> Result<&'static ObjectDef, OrgError> {
    schema()
        .object("User")
        .ok_or(OrgError::Corrupt("no User object".into()))
}

fn id_field(row: &Record, name: &str) -> Option<Id> {
    row.get_by_name(name).and_then(FieldValue::as_id).copied()
}

fn text_field<'r>(row: &'r Record, name: &str) -> Option<&'r str> {
    row.get_by_name(name).and_then(FieldValue::as_text)
}

/// An External Identity user without a contact.
fn is_contactless(kind: LicenseKind, row: &Record) -> bool {
    kind == LicenseKind::ExternalIdentity && id_field(row, "ContactId").is_none()
}

fn is_active(row: &Record) -> bool {
    !matches!(row.get_by_name("IsActive"), Some(FieldValue::Bool(false)))
}

/// The rules for a new User (after required fields passed). Fills
/// `UserType`, `AccountId` and a missing `CommunityNickname`.
pub fn check_insert(
    ctx: &mut SaveContext<'_>,
    row: &mut Record,
    errors: &mut Vec<DmlError>,
) -> Result<(), OrgError> {
    let (enforce, now, store) = (ctx.enforce_license_limits, ctx.now, ctx.store);
    let rules = ctx.user_rules()?;
    let Some(profile) = id_field(row, "ProfileId") else {
        return Ok(());
    };
    let Some((license, info)) = rules.license_of(&profile) else {
        errors.push(cross_reference());
        return Ok(());
    };
    let (license, kind) = (*license, info.kind);
    let contactless = is_contactless(kind, row);
    if let Some(error) = check_access(rules, kind, contactless)
        .or_else(|| check_username_shape(row))
        .or_else(|| check_contact_rule(rules, kind, id_field(row, "ContactId")))
    {
        errors.push(error);
        return Ok(());
    }
    if let Some(error) = link_contact(store, rules, row, None)?
        .or(check_unique(store, rules, row, None)?)
        .or_else(|| {
            if is_active(row) {
                rules.take_seat(&license, enforce)
            } else {
                None
            }
        })
    {
        errors.push(error);
        return Ok(());
    }
    let user_type = rules
        .profiles
        .get(&profile)
        .map(|p| p.user_type.clone())
        .unwrap_or_default();
    row.set_by_name("UserType", FieldValue::Text(user_type.into()));
    set_portal_enabled(row);
    fill_nickname(store, rules, row, now)?;
    reserve(rules, row);
    Ok(())
}

/// `IsPortalEnabled`: true for a user with a contact (a portal user), false
/// for internal and contactless users. Whether the platform counts a
/// contactless External Identity user as portal-enabled is not documented;
/// false is a guess. Known shortcoming: setting it to false on update is
/// stored as given, without the platform's deactivation and username
/// rename of the disabled portal user.
fn set_portal_enabled(row: &mut Record) {
    let portal = id_field(row, "ContactId").is_some();
    row.set_by_name("IsPortalEnabled", FieldValue::Bool(portal));
}

/// The rules for a changed User: permission, username, nickname, profile and
/// license changes, contact changes, and seats on (de)activation.
pub fn check_update(
    ctx: &mut SaveContext<'_>,
    old: &Record,
    row: &mut Record,
    changed: &[usize],
    errors: &mut Vec<DmlError>,
) -> Result<(), OrgError> {
    let enforce = ctx.enforce_license_limits;
    let store = ctx.store;
    let rules = ctx.user_rules()?;
    let (Some(old_profile), Some(profile)) =
        (id_field(old, "ProfileId"), id_field(row, "ProfileId"))
    else {
        return Ok(());
    };
    let (Some((&old_license, _)), Some((&license, info))) =
        (rules.license_of(&old_profile), rules.license_of(&profile))
    else {
        errors.push(cross_reference());
        return Ok(());
    };
    let kind = info.kind;
    let old_kind = rules.licenses.get(&old_license).map(|l| l.kind);
    let contactless = old_kind.is_some_and(|k| is_contactless(k, old)) || is_contactless(kind, row);
    let self_id = old.id().copied();
    let touched = |name: &str| {
        row.object
            .field_index(name)
            .is_some_and(|i| changed.contains(&i))
    };
    let contact_changed = touched("ContactId");
    let first = check_access(rules, kind, contactless)
        .or_else(|| {
            if touched("Username") {
                check_username_shape(row)
            } else {
                None
            }
        })
        .or_else(|| check_profile_change(rules, &old_profile, &profile))
        .or_else(|| check_contact_rule(rules, kind, id_field(row, "ContactId")));
    if let Some(error) = first {
        errors.push(error);
        return Ok(());
    }
    let contact_error = if contact_changed {
        link_contact(store, rules, row, self_id.as_ref())?
    } else {
        None
    };
    let earlier = match contact_error {
        Some(error) => Some(error),
        None => check_unique_changed(store, rules, row, old, self_id.as_ref())?,
    };
    let earlier = match earlier {
        Some(error) => Some(error),
        None => keep_an_admin(store, rules, (old, &old_profile), (row, &profile))?,
    };
    // Seats move only for a row that passed every other rule, so a refused
    // row never frees or takes one.
    let error = earlier.or_else(|| {
        move_seats(
            rules,
            (old_license, is_active(old)),
            (license, is_active(row)),
            enforce,
        )
    });
    if let Some(error) = error {
        errors.push(error);
        return Ok(());
    }
    let user_type = rules
        .profiles
        .get(&profile)
        .map(|p| p.user_type.clone())
        .unwrap_or_default();
    row.set_by_name("UserType", FieldValue::Text(user_type.into()));
    if contact_changed {
        set_portal_enabled(row);
    }
    reserve(rules, row);
    Ok(())
}

/// A portal user's `AccountId` mirrors its contact's account, also after
/// the contact moves to another account. (Whether the platform allows the
/// move for every license is not documented; apexlite allows it and keeps
/// the user in step.)
pub fn mirror_contact_account(ctx: &SaveContext<'_>, contact: &Record) -> Result<(), OrgError> {
    let (Some(id), Some(account)) = (contact.id(), id_field(contact, "AccountId")) else {
        return Ok(());
    };
    ctx.store.conn().execute(
        "UPDATE \"User\" SET \"AccountId\" = ?1 \
         WHERE \"ContactId\" = ?2 AND \"AccountId\" IS NOT ?1",
        params![account.to_string(), id.to_string()],
    )?;
    Ok(())
}

/// A contact that a portal user points at must keep its account.
pub fn check_portal_contact(
    ctx: &mut SaveContext<'_>,
    old: &Record,
    row: &Record,
    errors: &mut Vec<DmlError>,
) -> Result<(), OrgError> {
    let had_account = id_field(old, "AccountId").is_some();
    let (Some(contact), None) = (old.id(), id_field(row, "AccountId")) else {
        return Ok(());
    };
    if !had_account {
        return Ok(());
    }
    let value = Value::Text(contact.to_string());
    if ctx
        .store
        .find_other(user_object()?, "ContactId", &value, None)?
        .is_some()
    {
        errors.push(DmlError::new(
            StatusCode::FieldIntegrityException,
            "A portal user's contact record must include an account. Furthermore, the owner of \
             the account must be associated with a role.",
            &["AccountId"],
        ));
    }
    Ok(())
}

fn cross_reference() -> DmlError {
    DmlError::new(
        StatusCode::InvalidCrossReferenceKey,
        "invalid cross reference id",
        &[],
    )
}

/// A running user with neither Manage Users nor Manage Internal Users may not
/// create or edit any user: every row fails on access before its fields are
/// looked at. (The order of this check against field validation is not
/// documented; refusing on access first is the reading that matches the
/// platform's object-level security.)
pub fn check_object_access(ctx: &mut SaveContext<'_>) -> Result<Option<DmlError>, OrgError> {
    let rules = ctx.user_rules()?;
    let perms = &rules.running;
    if perms.manage_users || perms.manage_internal || rules.delegated {
        return Ok(None);
    }
    let code = StatusCode::InsufficientAccessOrReadonly;
    Ok(Some(DmlError::new(
        code,
        "insufficient access rights on object id",
        &[],
    )))
}

/// The running user needs Manage Internal Users plus Manage Customer Users or
/// Manage External Users for external users. The platform's code and text
/// for a refusal are not documented: `INSUFFICIENT_ACCESS_OR_READONLY` with
/// its usual message is a guess.
///
/// A delegated administrator without those permissions may create and edit
/// users, but never contactless ones: the platform does not support
/// delegated administration for them (DOMAIN §1.1 #6). That refusal is
/// `INSUFFICIENT_ACCESS`; its text is a guess. Known shortcoming: the roles
/// and profiles a delegated group may assign are not modelled, so a
/// delegated administrator may assign any of them.
fn check_access(rules: &UserRules, kind: LicenseKind, contactless: bool) -> Option<DmlError> {
    if rules.running.may_manage(kind) {
        return None;
    }
    if rules.delegated && contactless {
        return Some(DmlError::new(
            StatusCode::InsufficientAccess,
            "delegated administrators cannot create or edit contactless users",
            &[],
        ));
    }
    if rules.delegated {
        return None;
    }
    let code = StatusCode::InsufficientAccessOrReadonly;
    Some(DmlError::new(
        code,
        "insufficient access rights on object id",
        &[],
    ))
}

/// Usernames must look like an e-mail address. The platform's check is
/// loose (several `@` pass); apexlite asks for text, `@`, and a dotted
/// domain after the last `@`, with no spaces — the exact rule is a guess.
fn check_username_shape(row: &Record) -> Option<DmlError> {
    let username = text_field(row, "Username")?;
    let shaped = username.rsplit_once('@').is_some_and(|(local, domain)| {
        !local.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
    }) && !username.chars().any(char::is_whitespace);
    if shaped {
        return None;
    }
    Some(DmlError::new(
        StatusCode::FieldIntegrityException,
        "Username must be in the form of an email address (for example, john@acme.com): Username",
        &["Username"],
    ))
}

/// Contact presence by license: External Identity users may go without one
/// (contactless users) in the editions that offer them, other external users
/// need one, internal users may not have one (that code and text are
/// guesses).
///
/// Outside those editions a contactless user is refused as any portal user
/// without a contact is. The platform's code and text for this case are not
/// documented: `INVALID_CROSS_REFERENCE_KEY, Cannot create a portal user
/// without contact.` is a guess, chosen because without the contactless
/// feature an External Identity user is a portal user like the others.
fn check_contact_rule(
    rules: &UserRules,
    kind: LicenseKind,
    contact: Option<Id>,
) -> Option<DmlError> {
    let needs_contact = match kind {
        LicenseKind::Customer | LicenseKind::Partner => true,
        LicenseKind::ExternalIdentity => !rules.contactless,
        LicenseKind::Internal => false,
    };
    match (kind, contact) {
        (_, None) if needs_contact => Some(DmlError::new(
            StatusCode::InvalidCrossReferenceKey,
            "Cannot create a portal user without contact.",
            &[],
        )),
        (LicenseKind::Internal, Some(_)) => Some(DmlError::new(
            StatusCode::FieldIntegrityException,
            "Contact ID: internal users cannot be associated with a contact",
            &["ContactId"],
        )),
        _ => None,
    }
}

/// Checks the user's contact (account present, account owner holding a role,
/// no other user on it) and mirrors its account into `AccountId`.
fn link_contact(
    store: &Store,
    rules: &UserRules,
    row: &mut Record,
    self_id: Option<&Id>,
) -> Result<Option<DmlError>, OrgError> {
    let Some(contact) = id_field(row, "ContactId") else {
        row.set_by_name("AccountId", FieldValue::Null);
        return Ok(None);
    };
    let (account, owner_role) = contact_account(store, &contact)?;
    let Some(account) = account.filter(|_| owner_role.is_some()) else {
        let code = StatusCode::UnknownException;
        return Ok(Some(DmlError::new(
            code,
            "portal account owner must have a role",
            &[],
        )));
    };
    let value = Value::Text(contact.to_string());
    let taken = rules.contacts.contains(&contact)
        || store
            .find_other(user_object()?, "ContactId", &value, self_id)?
            .is_some();
    if taken {
        let code = StatusCode::PortalUserAlreadyExistsForContact;
        return Ok(Some(DmlError::new(
            code,
            "portal user already exists for contact",
            &[],
        )));
    }
    row.set_by_name("AccountId", FieldValue::Id(account));
    Ok(None)
}

/// The contact's account and that account owner's role.
fn contact_account(store: &Store, contact: &Id) -> Result<(Option<Id>, Option<String>), OrgError> {
    let mut stmt = store.conn().prepare_cached(
        "SELECT a.\"Id\", u.\"UserRoleId\" FROM \"Contact\" c \
         LEFT JOIN \"Account\" a ON a.\"Id\" = c.\"AccountId\" AND a.\"IsDeleted\" = 0 \
         LEFT JOIN \"User\" u ON u.\"Id\" = a.\"OwnerId\" WHERE c.\"Id\" = ?1",
    )?;
    let found: Option<(Option<String>, Option<String>)> = stmt
        .query_row([contact.as_str()], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let (account, role) = found.unwrap_or((None, None));
    Ok((account.as_deref().and_then(Id::parse), role))
}

/// Username and nickname uniqueness against stored users and earlier rows.
fn check_unique(
    store: &Store,
    rules: &UserRules,
    row: &Record,
    self_id: Option<&Id>,
) -> Result<Option<DmlError>, OrgError> {
    if let Some(username) = text_field(row, "Username")
        && username_taken(store, rules, username, self_id)?
    {
        return Ok(Some(duplicate_username()));
    }
    if let Some(nickname) = text_field(row, "CommunityNickname")
        && nickname_taken(store, rules, nickname, self_id)?
    {
        return Ok(Some(duplicate_nickname()));
    }
    Ok(None)
}

fn check_unique_changed(
    store: &Store,
    rules: &UserRules,
    row: &Record,
    old: &Record,
    self_id: Option<&Id>,
) -> Result<Option<DmlError>, OrgError> {
    let same = |name: &str| {
        let (a, b) = (text_field(row, name), text_field(old, name));
        a.map(str::to_lowercase) == b.map(str::to_lowercase)
    };
    if same("Username") && same("CommunityNickname") {
        return Ok(None);
    }
    check_unique(store, rules, row, self_id)
}

fn username_taken(
    store: &Store,
    rules: &UserRules,
    username: &str,
    self_id: Option<&Id>,
) -> Result<bool, OrgError> {
    let stored = &rules.stored_usernames;
    taken(
        store,
        &rules.usernames,
        stored,
        "Username",
        username,
        self_id,
    )
}

fn nickname_taken(
    store: &Store,
    rules: &UserRules,
    nickname: &str,
    self_id: Option<&Id>,
) -> Result<bool, OrgError> {
    taken(
        store,
        &rules.nicknames,
        &rules.stored_nicknames,
        "CommunityNickname",
        nickname,
        self_id,
    )
}

/// Whether another user holds `value` (ignoring case) in a unique field:
/// one saved earlier in this call (`pending`, lower-cased) or a stored one
/// (read in bulk for a new user, looked up otherwise).
fn taken(
    store: &Store,
    pending: &HashSet<String>,
    stored: &StoredValues,
    field: &str,
    value: &str,
    self_id: Option<&Id>,
) -> Result<bool, OrgError> {
    let key = pending_key(value);
    if pending.contains(key.as_ref()) {
        return Ok(true);
    }
    // For ASCII text the pending key is the NOCASE folding too.
    let folded = if value.is_ascii() {
        Cow::Borrowed(key.as_ref())
    } else {
        fold(value)
    };
    if self_id.is_none()
        && let Some(held) = stored.holds(&folded)
    {
        return Ok(held);
    }
    let value = Value::Text(value.to_owned());
    Ok(store
        .find_other(user_object()?, field, &value, self_id)?
        .is_some())
}

/// The key under which a value taken earlier in the call is remembered: the
/// value in lower case (full Unicode folding, copied only when needed).
fn pending_key(value: &str) -> Cow<'_, str> {
    if value.is_ascii() {
        fold(value)
    } else {
        Cow::Owned(value.to_lowercase())
    }
}

/// The current platform text, trailing space included.
fn duplicate_username() -> DmlError {
    DmlError::new(
        StatusCode::DuplicateUsername,
        "Duplicate Username.<br>The username already exists in this or another Salesforce \
         organization. Usernames must be unique across all Salesforce organizations. To \
         resolve, use a different username (it doesn't need to match the user's email \
         address). ",
        &["Username"],
    )
}

/// `Duplicate Nickname` is observed; the rest of the text is modelled on the
/// legacy username message (a guess).
fn duplicate_nickname() -> DmlError {
    DmlError::new(
        StatusCode::DuplicateCommNickname,
        "Duplicate Nickname.<br>Another user has already selected this nickname.<br>Please \
         select another.",
        &["CommunityNickname"],
    )
}

/// Profile changes must stay on the user's license, except the upgrades and
/// downgrades the platform supports: a `CspLitePortal` user (External
/// Identity, Customer Community) moving to Customer Community Plus or Partner
/// Community, and a community user moving to External Identity.
fn check_profile_change(rules: &UserRules, old: &Id, new: &Id) -> Option<DmlError> {
    let (old_license, old_info) = rules.license_of(old)?;
    let (new_license, new_info) = rules.license_of(new)?;
    if old_license == new_license {
        return None;
    }
    let old_type = rules.profiles.get(old).map(|p| p.user_type.as_str());
    let new_type = rules.profiles.get(new).map(|p| p.user_type.as_str());
    let upgrade = old_type == Some("CspLitePortal")
        && matches!(new_type, Some("PowerCustomerSuccess" | "PowerPartner"));
    let downgrade = matches!(old_info.kind, LicenseKind::Customer | LicenseKind::Partner)
        && new_info.kind == LicenseKind::ExternalIdentity;
    if upgrade || downgrade {
        return None;
    }
    Some(DmlError::new(
        StatusCode::FieldIntegrityException,
        "You can only assign profiles that are compatible with the user's license. For a list \
         of compatible licenses and profiles, see the Salesforce Help.",
        &["ProfileId"],
    ))
}

/// An org keeps at least one active user who may manage users: an update
/// that deactivates the last one, or moves it to a profile without Manage
/// Users, fails with `CANNOT_DISABLE_LAST_ADMIN`. The platform's exact rule
/// and text are not documented (DOMAIN §5); both are guesses.
fn keep_an_admin(
    store: &Store,
    rules: &mut UserRules,
    (old, old_profile): (&Record, &Id),
    (row, profile): (&Record, &Id),
) -> Result<Option<DmlError>, OrgError> {
    let is_admin = |rules: &UserRules, p: &Id| {
        rules
            .profiles
            .get(p)
            .is_some_and(|info| info.perms.manage_users)
    };
    let was = is_active(old) && is_admin(rules, old_profile);
    let will = is_active(row) && is_admin(rules, profile);
    // An administrator made in the same call is not counted: its row may
    // still fail later, and erring towards a refusal keeps the org usable.
    if !was || will {
        return Ok(None);
    }
    let admins = match rules.admins {
        Some(n) => n,
        None => count_admins(store)?,
    };
    if admins <= 1 {
        rules.admins = Some(admins);
        return Ok(Some(DmlError::new(
            StatusCode::CannotDisableLastAdmin,
            "You cannot deactivate the last active user with the Manage Users permission, or \
             move that user to a profile without it.",
            &[],
        )));
    }
    rules.admins = Some(admins - 1);
    Ok(None)
}

fn count_admins(store: &Store) -> Result<i64, OrgError> {
    let mut stmt = store.conn().prepare_cached(
        "SELECT COUNT(*) FROM \"User\" u JOIN \"Profile\" p ON p.\"Id\" = u.\"ProfileId\" \
         WHERE u.\"IsActive\" = 1 AND p.\"PermissionsManageUsers\" = 1",
    )?;
    Ok(stmt.query_row([], |r| r.get(0))?)
}

/// Seat bookkeeping for an update: an active user holds a seat on its
/// license; deactivating frees it, reactivating or moving license takes one.
fn move_seats(
    rules: &mut UserRules,
    (old_license, was_active): (Id, bool),
    (license, active): (Id, bool),
    enforce: bool,
) -> Option<DmlError> {
    let held = was_active && old_license == license;
    if active
        && !held
        && let Some(error) = rules.take_seat(&license, enforce)
    {
        return Some(error);
    }
    if was_active && (!active || old_license != license) {
        rules.free_seat(&old_license);
    }
    None
}

/// Fills a blank `CommunityNickname`. The platform generates one; its exact
/// format is not documented: `User` plus a 19-digit number is a guess
/// modelled on nicknames seen in orgs.
fn fill_nickname(
    store: &Store,
    rules: &mut UserRules,
    row: &mut Record,
    now: NaiveDateTime,
) -> Result<(), OrgError> {
    if text_field(row, "CommunityNickname").is_some_and(|n| !n.trim().is_empty()) {
        return Ok(());
    }
    let millis = now.and_utc().timestamp_millis().unsigned_abs() % 10_000_000_000_000;
    // Every nickname generated in this call starts so: one read of the
    // stored ones that do answers for all of them.
    if rules.nickname_prefix.as_ref().map(|(m, _)| *m) != Some(millis) {
        let low = format!("User{millis:013}");
        let high = format!("{low}:");
        let field = "CommunityNickname";
        rules
            .stored_nicknames
            .read_range(store, field, &low, &high)?;
        rules.nickname_prefix = Some((millis, low));
    }
    let prefix = rules
        .nickname_prefix
        .as_ref()
        .map_or("", |(_, p)| p.as_str());
    let mut nickname = String::with_capacity(prefix.len() + 6);
    loop {
        rules.nickname_seq += 1;
        nickname.clear();
        nickname.push_str(prefix);
        let _ = write!(nickname, "{:06}", rules.nickname_seq % 1_000_000);
        if !nickname_taken(store, rules, &nickname, None)? {
            row.set_by_name("CommunityNickname", FieldValue::Text(nickname.into()));
            return Ok(());
        }
    }
}

/// Marks the row's username, nickname and contact as taken for later rows.
fn reserve(rules: &mut UserRules, row: &Record) {
    if let Some(username) = text_field(row, "Username") {
        rules.usernames.insert(pending_key(username).into_owned());
    }
    if let Some(nickname) = text_field(row, "CommunityNickname") {
        rules.nicknames.insert(pending_key(nickname).into_owned());
    }
    if let Some(contact) = id_field(row, "ContactId") {
        rules.contacts.insert(contact);
    }
}

/// The edition named by the Organization row's `OrganizationType`; `None`
/// for an edition apexlite does not create (`Personal Edition`, ...).
pub fn stored_edition(store: &Store) -> Result<Option<Edition>, OrgError> {
    let value: Option<Option<String>> = store
        .conn()
        .query_row(
            "SELECT \"OrganizationType\" FROM \"Organization\" LIMIT 1",
            [],
            |r| r.get(0),
        )
        .optional()?;
    let value = value.ok_or(OrgError::Corrupt("no Organization row".into()))?;
    Ok(value.as_deref().and_then(Edition::from_organization_type))
}
