//! The standard objects apexlite supports, described as data: API names,
//! labels (used in error messages), types, lengths, picklists and references.
//!
//! Field order follows the platform's describe order where it matters: the
//! required fields of User appear in the order `REQUIRED_FIELD_MISSING` lists
//! them. Objects carry only the fields apexlite gives meaning to, plus the
//! common ones Apex code reads; any other field name is unknown.

use crate::data::picklists::{EMAIL_ENCODINGS, LANGUAGES, LOCALES, TIME_ZONES};
use crate::data::schema::{FieldDef, FieldType as T, ObjectDef};

/// User.UserType and Profile.UserType values (DOMAIN.md §3.1), current spelling.
pub const USER_TYPES: &[&str] = &[
    "Standard",
    "PowerPartner",
    "PowerCustomerSuccess",
    "CustomerSuccess",
    "CspLitePortal",
    "CsnOnly",
    "Guest",
    "SelfService",
];

/// Organization.OrganizationType, the edition. The platform's documented
/// values plus the editions `apexlite org init --edition` can create
/// (Performance, Essentials, Group), kept distinct (see `org::edition`).
const EDITIONS: &[&str] = &[
    "Team Edition",
    "Professional Edition",
    "Enterprise Edition",
    "Developer Edition",
    "Personal Edition",
    "Unlimited Edition",
    "Contact Manager Edition",
    "Base Edition",
    "Performance Edition",
    "Essentials Edition",
    "Group Edition",
];

const DIGEST_FREQUENCIES: &[&str] = &["D", "W", "N"];
const GROUP_FREQUENCIES: &[&str] = &["P", "D", "W", "N"];
const LICENSE_STATUSES: &[&str] = &["Active", "Disabled"];
const SALUTATIONS: &[&str] = &["Mr.", "Ms.", "Mrs.", "Dr.", "Prof.", "Mx."];
const LEAD_SOURCES: &[&str] = &[
    "Web",
    "Phone Inquiry",
    "Partner Referral",
    "Purchased List",
    "Other",
];
const ACCOUNT_TYPES: &[&str] = &[
    "Prospect",
    "Customer - Direct",
    "Customer - Channel",
    "Channel Partner / Reseller",
    "Installation Partner",
    "Technology Partner",
    "Other",
];
const PORTAL_TYPES: &[&str] = &["None", "CustomerPortal", "Partner"];

/// Every supported object, in no particular order.
pub fn standard_objects() -> Vec<ObjectDef> {
    vec![
        organization(),
        user_license(),
        profile(),
        user_role(),
        user(),
        account(),
        contact(),
        delegate_group(),
        delegate_group_member(),
        account_contact_relation(),
    ]
}

/// `Id` with the object's label for it.
fn id(label: &'static str) -> FieldDef {
    FieldDef::new("Id", label, T::Id, 18).read_only()
}

fn text(name: &'static str, label: &'static str, length: u32) -> FieldDef {
    FieldDef::new(name, label, T::String, length)
}

fn reference(name: &'static str, label: &'static str, to: &'static [&'static str]) -> FieldDef {
    FieldDef::new(name, label, T::Reference, 18).to(to)
}

fn boolean(name: &'static str, label: &'static str) -> FieldDef {
    FieldDef::new(name, label, T::Boolean, 0)
}

fn picklist(
    name: &'static str,
    label: &'static str,
    values: &'static [&'static str],
    restricted: bool,
) -> FieldDef {
    FieldDef::new(name, label, T::Picklist, 40).values(values, restricted)
}

/// The audit fields every object has; the platform fills them in.
fn audit(mut fields: Vec<FieldDef>) -> Vec<FieldDef> {
    fields.extend([
        FieldDef::new("CreatedDate", "Created Date", T::DateTime, 0).read_only(),
        reference("CreatedById", "Created By ID", &["User"]).read_only(),
        FieldDef::new("LastModifiedDate", "Last Modified Date", T::DateTime, 0).read_only(),
        reference("LastModifiedById", "Last Modified By ID", &["User"]).read_only(),
        FieldDef::new("SystemModstamp", "System Modstamp", T::DateTime, 0).read_only(),
    ]);
    fields
}

fn organization() -> ObjectDef {
    let fields = vec![
        id("Organization ID"),
        text("Name", "Name", 80).required(),
        text("Division", "Division", 80),
        FieldDef::new("Street", "Street", T::TextArea, 255),
        text("City", "City", 40),
        text("State", "State/Province", 80),
        text("PostalCode", "Zip/Postal Code", 20),
        text("Country", "Country", 80),
        FieldDef::new("Phone", "Phone", T::Phone, 40),
        text("PrimaryContact", "Primary Contact", 80),
        picklist("OrganizationType", "Edition", EDITIONS, true).read_only(),
        boolean("IsSandbox", "Is Sandbox").read_only(),
        text("InstanceName", "Instance Name", 5).read_only(),
        picklist("DefaultLocaleSidKey", "Locale", LOCALES, true),
        picklist("LanguageLocaleKey", "Language", LANGUAGES, true),
        picklist("TimeZoneSidKey", "Time Zone", TIME_ZONES, true),
    ];
    ObjectDef::new("Organization", "00D", true, audit(fields))
}

fn user_license() -> ObjectDef {
    let fields = vec![
        id("User License ID"),
        text("Name", "Name", 40).read_only(),
        text("MasterLabel", "Master Label", 40).read_only(),
        text("LicenseDefinitionKey", "License Definition Key", 40).read_only(),
        picklist("Status", "Status", LICENSE_STATUSES, true).read_only(),
        FieldDef::new("TotalLicenses", "Total Licenses", T::Int, 0).read_only(),
        FieldDef::new("UsedLicenses", "Used Licenses", T::Int, 0).read_only(),
        FieldDef::new(
            "UsedLicensesLastUpdated",
            "Used Licenses Last Updated",
            T::DateTime,
            0,
        )
        .read_only(),
    ];
    ObjectDef::new("UserLicense", "100", true, audit(fields))
}

fn profile() -> ObjectDef {
    let fields = vec![
        id("Profile ID"),
        text("Name", "Name", 255).required(),
        reference("UserLicenseId", "User License ID", &["UserLicense"]).create_only(),
        picklist("UserType", "User Type", USER_TYPES, true).read_only(),
        text("Description", "Description", 255),
        boolean("PermissionsModifyAllData", "Modify All Data"),
        boolean("PermissionsViewAllData", "View All Data"),
        boolean("PermissionsManageUsers", "Manage Users"),
        boolean("PermissionsManageInternalUsers", "Manage Internal Users"),
        boolean("PermissionsManagePartners", "Manage External Users"),
        boolean("PermissionsManageCssUsers", "Manage Customer Users"),
        boolean("PermissionsApiEnabled", "API Enabled"),
        boolean("PermissionsAuthorApex", "Author Apex"),
        boolean("PermissionsViewSetup", "View Setup and Configuration"),
        boolean("PermissionsManageRoles", "Manage Roles"),
    ];
    ObjectDef::new("Profile", "00e", true, audit(fields))
}

fn user_role() -> ObjectDef {
    let fields = vec![
        id("Role ID"),
        text("Name", "Name", 80).required(),
        reference("ParentRoleId", "Parent Role ID", &["UserRole"]),
        // Unique per org, as role API names are.
        text("DeveloperName", "Developer Name", 80).unique(),
        text("RollupDescription", "Description", 80),
        picklist("PortalType", "Portal Type", PORTAL_TYPES, true).read_only(),
        reference("PortalAccountId", "Account ID", &["Account"]).read_only(),
    ];
    ObjectDef::new("UserRole", "00E", true, audit(fields))
}

fn user() -> ObjectDef {
    let mut fields = vec![
        id("User ID"),
        text("Username", "Username", 80)
            .required()
            .unique()
            .id_lookup(),
        text("LastName", "Last Name", 80).required(),
        text("FirstName", "First Name", 40),
        text("Name", "Full Name", 121).read_only(),
        text("CompanyName", "Company Name", 80),
        text("Division", "Division", 80),
        text("Department", "Department", 80),
        text("Title", "Title", 80),
        FieldDef::new("Street", "Street", T::TextArea, 255),
        text("City", "City", 40),
        text("State", "State/Province", 80),
        text("PostalCode", "Zip/Postal Code", 20),
        text("Country", "Country", 80),
        FieldDef::new("Email", "Email", T::Email, 128)
            .required()
            .id_lookup(),
        FieldDef::new("Phone", "Phone", T::Phone, 40),
        FieldDef::new("MobilePhone", "Mobile", T::Phone, 40),
        text("Alias", "Alias", 8).required(),
        text("CommunityNickname", "Nickname", 40)
            .unique()
            .id_lookup(),
        boolean("IsActive", "Active"),
        picklist("TimeZoneSidKey", "Time Zone", TIME_ZONES, true).required(),
        reference("UserRoleId", "Role ID", &["UserRole"]),
        picklist("LocaleSidKey", "Locale", LOCALES, true).required(),
        picklist("EmailEncodingKey", "Email Encoding", EMAIL_ENCODINGS, true).required(),
        reference("ProfileId", "Profile ID", &["Profile"]).required(),
        picklist("UserType", "User Type", USER_TYPES, true).read_only(),
        picklist("LanguageLocaleKey", "Language", LANGUAGES, true).required(),
        text("EmployeeNumber", "Employee Number", 20),
        reference("DelegatedApproverId", "Delegated Approver ID", &["User"]),
        reference("ManagerId", "Manager ID", &["User"]),
        FieldDef::new("LastLoginDate", "Last Login", T::DateTime, 0).read_only(),
        reference("ContactId", "Contact ID", &["Contact"]),
        reference("AccountId", "Account ID", &["Account"]).read_only(),
        text("FederationIdentifier", "SAML Federation ID", 512).id_lookup(),
        FieldDef::new("AboutMe", "About Me", T::TextArea, 1000),
        // Set by the system on insert: true for a user with a contact.
        boolean("IsPortalEnabled", "Is Portal Enabled").update_only(),
        boolean("ForecastEnabled", "Allow Forecasting"),
        picklist(
            "DigestFrequency",
            "Chatter Email Highlights Frequency",
            DIGEST_FREQUENCIES,
            true,
        ),
        picklist(
            "DefaultGroupNotificationFrequency",
            "Default Notification Frequency when Joining Groups",
            GROUP_FREQUENCIES,
            true,
        ),
    ];
    fields = audit(fields);
    ObjectDef::new("User", "005", true, fields)
}

/// A delegated administration group: its members may manage users without
/// Manage Users. Setup data, read-only to Apex; `apexlite org delegate`
/// fills it. The key prefixes of both delegation objects are guesses.
fn delegate_group() -> ObjectDef {
    let fields = vec![
        id("Delegate Group ID"),
        text("Name", "Name", 40).required().read_only(),
        text("DeveloperName", "Group Name", 80).unique().read_only(),
        boolean("IsLoginAccessEnabled", "Enable Group for Login Access").read_only(),
    ];
    ObjectDef::new("DelegateGroup", "02f", true, audit(fields))
}

/// A user's membership of a [`delegate_group`].
fn delegate_group_member() -> ObjectDef {
    let fields = vec![
        id("Delegate Group Member ID"),
        reference("DelegateGroupId", "Delegate Group ID", &["DelegateGroup"]).read_only(),
        reference("UserOrGroupId", "User ID", &["User"]).read_only(),
    ];
    ObjectDef::new("DelegateGroupMember", "02g", true, audit(fields))
}

fn account() -> ObjectDef {
    let fields = vec![
        id("Account ID"),
        boolean("IsDeleted", "Deleted").read_only(),
        text("Name", "Account Name", 255).required(),
        picklist("Type", "Account Type", ACCOUNT_TYPES, false),
        reference("ParentId", "Parent Account ID", &["Account"]),
        FieldDef::new("BillingStreet", "Billing Street", T::TextArea, 255),
        text("BillingCity", "Billing City", 40),
        text("BillingState", "Billing State/Province", 80),
        text("BillingPostalCode", "Billing Zip/Postal Code", 20),
        text("BillingCountry", "Billing Country", 80),
        FieldDef::new("Phone", "Account Phone", T::Phone, 40),
        FieldDef::new("Fax", "Account Fax", T::Phone, 40),
        text("AccountNumber", "Account Number", 40),
        FieldDef::new("Website", "Website", T::Url, 255),
        picklist("Industry", "Industry", &[], false),
        FieldDef::new("AnnualRevenue", "Annual Revenue", T::Currency, 0).digits(18, 0),
        FieldDef::new("NumberOfEmployees", "Employees", T::Int, 0).digits(8, 0),
        FieldDef::new("Description", "Account Description", T::TextArea, 32000),
        // Required, but filled in with the running user when left empty on insert.
        reference("OwnerId", "Owner ID", &["User"]).required(),
    ];
    ObjectDef::new("Account", "001", false, audit(fields))
}

fn contact() -> ObjectDef {
    let fields = vec![
        id("Contact ID"),
        boolean("IsDeleted", "Deleted").read_only(),
        reference("AccountId", "Account ID", &["Account"]),
        text("LastName", "Last Name", 80).required(),
        text("FirstName", "First Name", 40),
        picklist("Salutation", "Salutation", SALUTATIONS, false),
        text("Name", "Full Name", 121).read_only(),
        FieldDef::new("MailingStreet", "Mailing Street", T::TextArea, 255),
        text("MailingCity", "Mailing City", 40),
        text("MailingState", "Mailing State/Province", 80),
        text("MailingPostalCode", "Mailing Zip/Postal Code", 20),
        text("MailingCountry", "Mailing Country", 80),
        FieldDef::new("Phone", "Business Phone", T::Phone, 40),
        FieldDef::new("MobilePhone", "Mobile Phone", T::Phone, 40),
        FieldDef::new("Email", "Email", T::Email, 80).id_lookup(),
        text("Title", "Title", 128),
        text("Department", "Department", 80),
        FieldDef::new("Birthdate", "Birthdate", T::Date, 0),
        picklist("LeadSource", "Lead Source", LEAD_SOURCES, false),
        FieldDef::new("Description", "Contact Description", T::TextArea, 32000),
        // Required, but filled in with the running user when left empty on insert.
        reference("OwnerId", "Owner ID", &["User"]).required(),
    ];
    ObjectDef::new("Contact", "003", false, audit(fields))
}

/// The values of the standard `AccountContactMultiRoles` value set, which
/// admins may extend (so the field is not restricted).
const CONTACT_ROLES: &[&str] = &[
    "Business User",
    "Decision Maker",
    "Economic Buyer",
    "Economic Decision Maker",
    "Evaluator",
    "Executive Sponsor",
    "Influencer",
    "Technical Buyer",
    "Other",
];

/// A contact's relationship with an account (Contacts to Multiple
/// Accounts), with the standard multi-select picklist `Roles`. The platform
/// creates the direct relationship when a contact gets an account; apexlite
/// does not: records exist only when inserted.
fn account_contact_relation() -> ObjectDef {
    let fields = vec![
        id("Account Contact Relationship ID"),
        boolean("IsDeleted", "Deleted").read_only(),
        reference("AccountId", "Account ID", &["Account"])
            .required()
            .create_only(),
        reference("ContactId", "Contact ID", &["Contact"])
            .required()
            .create_only(),
        FieldDef::new("Roles", "Roles", T::MultiPicklist, 4099).values(CONTACT_ROLES, false),
        boolean("IsActive", "Active"),
        boolean("IsDirect", "Direct").read_only(),
        FieldDef::new("StartDate", "Start Date", T::Date, 0),
        FieldDef::new("EndDate", "End Date", T::Date, 0),
    ];
    ObjectDef::new("AccountContactRelation", "07k", false, audit(fields))
}

#[cfg(test)]
mod tests {
    use crate::data::schema::schema;

    #[test]
    fn every_object_starts_with_id_and_has_audit_fields() {
        for object in &schema().objects {
            assert_eq!(object.fields[0].name, "Id");
            for audit in [
                "CreatedDate",
                "CreatedById",
                "LastModifiedDate",
                "SystemModstamp",
            ] {
                assert!(object.field(audit).is_some(), "{}.{audit}", object.name);
            }
        }
    }

    #[test]
    fn user_required_fields_are_in_platform_order() {
        let user = schema().object("user").expect("User");
        let required: Vec<_> = user
            .fields
            .iter()
            .filter(|f| f.required)
            .map(|f| f.name)
            .collect();
        assert_eq!(
            required.join(", "),
            "Username, LastName, Email, Alias, TimeZoneSidKey, LocaleSidKey, \
             EmailEncodingKey, ProfileId, LanguageLocaleKey"
        );
    }

    #[test]
    fn lookups_ignore_case_and_prefixes_resolve() {
        assert_eq!(
            schema().object_by_prefix("005").map(|o| o.name),
            Some("User")
        );
        assert_eq!(
            schema().object_by_prefix("00e").map(|o| o.name),
            Some("Profile")
        );
        let user = schema().object("USER").expect("User");
        assert_eq!(
            user.field("profileid").map(|(_, f)| f.label),
            Some("Profile ID")
        );
        assert!(!user.has_recycle_bin());
        assert!(
            schema()
                .object("Contact")
                .is_some_and(|c| c.has_recycle_bin())
        );
    }

    #[test]
    fn picklists_hold_the_full_sets() {
        use crate::data::picklists::*;
        assert!(TIME_ZONES.len() >= 400);
        assert!(TIME_ZONES.contains(&"GMT") && !TIME_ZONES.contains(&"UTC"));
        for zone in [
            "America/Los_Angeles",
            "Asia/Kolkata",
            "Asia/Calcutta",
            "Pacific/Chatham",
        ] {
            assert!(TIME_ZONES.contains(&zone), "{zone}");
        }
        assert!(LOCALES.len() >= 200);
        for locale in ["en_US", "iw_IL", "in", "zh_CN_PINYIN", "de_CH"] {
            assert!(LOCALES.contains(&locale), "{locale}");
        }
        assert!(LANGUAGES.contains(&"en_US") && LANGUAGES.contains(&"pt_PT"));
        assert_eq!(EMAIL_ENCODINGS.len(), 10);
    }
}
