//! The default org every new org file starts as: an organization of the
//! chosen edition (Enterprise unless told otherwise), a few licenses with
//! sandbox-sized seat counts, the standard profiles, a CEO role and the
//! running admin user.
//!
//! Seed rows are written straight to the store (no save pipeline: nothing
//! exists yet to validate against) inside the caller's transaction.

use chrono::NaiveDateTime;

use crate::data::id::Id;
use crate::data::record::{FieldValue, Record};
use crate::data::schema::schema;
use crate::data::store::{OrgError, Store};
use crate::org::edition::Edition;
use crate::org::users::{LICENSES, RunningUser};

/// The admin user's username.
pub const ADMIN_USERNAME: &str = "admin@apexlite.local";
/// The organization's name.
pub const ORG_NAME: &str = "apexlite";

/// One standard profile: name, license key and the permissions it grants.
struct ProfileSpec {
    name: &'static str,
    license: &'static str,
    /// Modify All Data, View All Data, Manage Users, Manage Internal Users,
    /// Manage External Users, Manage Customer Users, API Enabled,
    /// Author Apex, View Setup, Manage Roles.
    perms: [bool; 10],
}

const ADMIN: [bool; 10] = [true; 10];
const API_ONLY: [bool; 10] = [
    false, false, false, false, false, false, true, false, false, false,
];
const NONE: [bool; 10] = [false; 10];

const PROFILE_PERMISSIONS: [&str; 10] = [
    "PermissionsModifyAllData",
    "PermissionsViewAllData",
    "PermissionsManageUsers",
    "PermissionsManageInternalUsers",
    "PermissionsManagePartners",
    "PermissionsManageCssUsers",
    "PermissionsApiEnabled",
    "PermissionsAuthorApex",
    "PermissionsViewSetup",
    "PermissionsManageRoles",
];

const PROFILES: &[ProfileSpec] = &[
    ProfileSpec {
        name: "System Administrator",
        license: "SFDC",
        perms: ADMIN,
    },
    ProfileSpec {
        name: "Standard User",
        license: "SFDC",
        perms: API_ONLY,
    },
    ProfileSpec {
        name: "Read Only",
        license: "SFDC",
        perms: API_ONLY,
    },
    ProfileSpec {
        name: "Standard Platform User",
        license: "AUL",
        perms: API_ONLY,
    },
    ProfileSpec {
        name: "External Identity User",
        license: "PID_External_Identity",
        perms: NONE,
    },
    ProfileSpec {
        name: "Customer Community User",
        license: "PID_Customer_Community",
        perms: NONE,
    },
    ProfileSpec {
        name: "Customer Community Plus User",
        license: "PID_Customer_Community_Plus",
        perms: NONE,
    },
    ProfileSpec {
        name: "Partner Community User",
        license: "PID_Partner_Community",
        perms: NONE,
    },
];

/// Writes the seed rows for an org of `edition` and returns the running
/// admin user. Every edition gets the same licenses and profiles; what an
/// edition does not offer is refused by the rules that depend on it.
pub fn seed(store: &Store, now: NaiveDateTime, edition: Edition) -> Result<RunningUser, OrgError> {
    let seeder = Seeder {
        store,
        now,
        admin: next_id(store, "User")?,
    };
    seeder.organization(edition)?;
    let licenses = seeder.licenses()?;
    let admin_profile = seeder.profiles(&licenses)?;
    let role = seeder.role()?;
    seeder.admin(admin_profile, role)?;
    Ok(RunningUser {
        id: seeder.admin,
        username: ADMIN_USERNAME.to_owned(),
        profile_id: admin_profile,
    })
}

fn next_id(store: &Store, object: &str) -> Result<Id, OrgError> {
    let object = schema()
        .object(object)
        .ok_or(OrgError::Corrupt(format!("no {object}")))?;
    store.next_id(object)
}

struct Seeder<'a> {
    store: &'a Store,
    now: NaiveDateTime,
    admin: Id,
}

impl Seeder<'_> {
    /// A record of `object` with audit fields, `Id` and the given values.
    fn write(
        &self,
        object: &str,
        id: Option<Id>,
        values: &[(&str, FieldValue)],
    ) -> Result<Id, OrgError> {
        let def = schema()
            .object(object)
            .ok_or(OrgError::Corrupt(format!("no {object}")))?;
        let id = match id {
            Some(id) => id,
            None => self.store.next_id(def)?,
        };
        let mut record = Record::new(def);
        record.set(0, FieldValue::Id(id));
        for name in ["CreatedDate", "LastModifiedDate", "SystemModstamp"] {
            record.set_by_name(name, FieldValue::DateTime(self.now));
        }
        for name in ["CreatedById", "LastModifiedById"] {
            record.set_by_name(name, FieldValue::Id(self.admin));
        }
        for (name, value) in values {
            if !record.set_by_name(name, value.clone()) {
                return Err(OrgError::Corrupt(format!("seed field {object}.{name}")));
            }
        }
        self.store.insert(&record)?;
        Ok(id)
    }

    fn organization(&self, edition: Edition) -> Result<Id, OrgError> {
        self.write(
            "Organization",
            None,
            &[
                ("Name", text(ORG_NAME)),
                ("OrganizationType", text(&edition.organization_type())),
                ("IsSandbox", FieldValue::Bool(false)),
                ("InstanceName", text("AL1")),
                ("DefaultLocaleSidKey", text("en_US")),
                ("LanguageLocaleKey", text("en_US")),
                ("TimeZoneSidKey", text("America/Los_Angeles")),
            ],
        )
    }

    /// The licenses; the admin's Salesforce seat is counted as used.
    fn licenses(&self) -> Result<Vec<(&'static str, Id)>, OrgError> {
        let mut ids = Vec::new();
        for spec in LICENSES {
            let used = i32::from(spec.key == "SFDC");
            let id = self.write(
                "UserLicense",
                None,
                &[
                    ("Name", text(spec.name)),
                    ("MasterLabel", text(spec.name)),
                    ("LicenseDefinitionKey", text(spec.key)),
                    ("Status", text("Active")),
                    ("TotalLicenses", FieldValue::Int(spec.total)),
                    ("UsedLicenses", FieldValue::Int(used)),
                    ("UsedLicensesLastUpdated", FieldValue::DateTime(self.now)),
                ],
            )?;
            ids.push((spec.key, id));
        }
        Ok(ids)
    }

    /// The standard profiles; returns the System Administrator's Id.
    fn profiles(&self, licenses: &[(&'static str, Id)]) -> Result<Id, OrgError> {
        let mut admin = None;
        for spec in PROFILES {
            let license = licenses
                .iter()
                .find(|(key, _)| *key == spec.license)
                .map(|(_, id)| *id)
                .ok_or(OrgError::Corrupt(format!("seed license {}", spec.license)))?;
            let user_type = LICENSES
                .iter()
                .find(|l| l.key == spec.license)
                .map_or("Standard", |l| l.user_type);
            let mut values = vec![
                ("Name", text(spec.name)),
                ("UserLicenseId", FieldValue::Id(license)),
                ("UserType", text(user_type)),
            ];
            for (name, on) in PROFILE_PERMISSIONS.iter().zip(spec.perms) {
                values.push((name, FieldValue::Bool(on)));
            }
            let id = self.write("Profile", None, &values)?;
            if spec.name == "System Administrator" {
                admin = Some(id);
            }
        }
        admin.ok_or(OrgError::Corrupt("no System Administrator profile".into()))
    }

    fn role(&self) -> Result<Id, OrgError> {
        self.write(
            "UserRole",
            None,
            &[
                ("Name", text("CEO")),
                ("DeveloperName", text("CEO")),
                ("PortalType", text("None")),
            ],
        )
    }

    fn admin(&self, profile: Id, role: Id) -> Result<Id, OrgError> {
        self.write(
            "User",
            Some(self.admin),
            &[
                ("Username", text(ADMIN_USERNAME)),
                ("LastName", text("Admin")),
                ("FirstName", text("Org")),
                ("Name", text("Org Admin")),
                ("Email", text(ADMIN_USERNAME)),
                ("Alias", text("admin")),
                ("CommunityNickname", text("admin")),
                ("IsActive", FieldValue::Bool(true)),
                ("TimeZoneSidKey", text("America/Los_Angeles")),
                ("UserRoleId", FieldValue::Id(role)),
                ("LocaleSidKey", text("en_US")),
                ("EmailEncodingKey", text("UTF-8")),
                ("ProfileId", FieldValue::Id(profile)),
                ("UserType", text("Standard")),
                ("LanguageLocaleKey", text("en_US")),
                ("IsPortalEnabled", FieldValue::Bool(false)),
                ("ForecastEnabled", FieldValue::Bool(false)),
                ("DigestFrequency", text("N")),
                ("DefaultGroupNotificationFrequency", text("N")),
            ],
        )
    }
}

fn text(s: &str) -> FieldValue {
    FieldValue::Text(s.into())
}
