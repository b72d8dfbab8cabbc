//! DML results: status codes, per-row errors and per-row results, as
//! `Database.SaveResult` and `Database.Error` expose them.

use crate::data::id::Id;
use crate::syntax::ast::DmlOp;

/// Declares [`StatusCode`] with its Apex names in one place.
macro_rules! status_codes {
    ($($(#[$doc:meta])* $variant:ident = $text:literal,)*) => {
        /// A `System.StatusCode` value reported by a failed DML row.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum StatusCode {
            $($(#[$doc])* $variant,)*
        }

        impl StatusCode {
            /// Every status code apexlite can report.
            pub const ALL: &'static [StatusCode] = &[$(StatusCode::$variant,)*];

            /// The Apex name, e.g. `REQUIRED_FIELD_MISSING`.
            pub fn as_str(&self) -> &'static str {
                match self {
                    $(StatusCode::$variant => $text,)*
                }
            }
        }
    };
}

status_codes! {
    /// A required field is null or blank.
    RequiredFieldMissing = "REQUIRED_FIELD_MISSING",
    /// The username is taken.
    DuplicateUsername = "DUPLICATE_USERNAME",
    /// The community nickname is taken.
    DuplicateCommNickname = "DUPLICATE_COMM_NICKNAME",
    /// A unique field's value is taken.
    DuplicateValue = "DUPLICATE_VALUE",
    /// An upsert's matching field names several existing records.
    DuplicateExternalId = "DUPLICATE_EXTERNAL_ID",
    /// An e-mail field is not a valid address.
    InvalidEmailAddress = "INVALID_EMAIL_ADDRESS",
    /// A value breaks a rule between fields or objects.
    FieldIntegrityException = "FIELD_INTEGRITY_EXCEPTION",
    /// A text value is longer than the field allows.
    StringTooLong = "STRING_TOO_LONG",
    /// A restricted picklist got a value it does not list.
    InvalidOrNullForRestrictedPicklist = "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
    /// A value's type does not fit the field.
    InvalidTypeOnFieldInRecord = "INVALID_TYPE_ON_FIELD_IN_RECORD",
    /// No seat left on a license.
    LicenseLimitExceeded = "LICENSE_LIMIT_EXCEEDED",
    /// A lookup names a record that does not exist or cannot be used.
    InvalidCrossReferenceKey = "INVALID_CROSS_REFERENCE_KEY",
    /// The contact already has a portal user.
    PortalUserAlreadyExistsForContact = "PORTAL_USER_ALREADY_EXISTS_FOR_CONTACT",
    /// The platform's catch-all, used for `portal account owner must have a role`.
    UnknownException = "UNKNOWN_EXCEPTION",
    /// Portal access is not enabled for the license or profile.
    PortalNoAccess = "PORTAL_NO_ACCESS",
    /// The running user may not see or share a referenced record.
    InsufficientAccessOnCrossReferenceEntity = "INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY",
    /// The running user lacks the permission for the operation.
    InsufficientAccessOrReadonly = "INSUFFICIENT_ACCESS_OR_READONLY",
    /// Setup and non-setup objects in one transaction.
    MixedDmlOperation = "MIXED_DML_OPERATION",
    /// A validation rule or `addError()`.
    FieldCustomValidationException = "FIELD_CUSTOM_VALIDATION_EXCEPTION",
    /// An exception inside a trigger.
    CannotInsertUpdateActivateEntity = "CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY",
    /// Deactivating the last active System Administrator.
    CannotDisableLastAdmin = "CANNOT_DISABLE_LAST_ADMIN",
    /// A field that may not be written by this operation (`Id` on insert).
    InvalidFieldForInsertUpdate = "INVALID_FIELD_FOR_INSERT_UPDATE",
    /// A required argument is missing (`Id` on update).
    MissingArgument = "MISSING_ARGUMENT",
    /// The record is in the recycle bin.
    EntityIsDeleted = "ENTITY_IS_DELETED",
    /// Undelete of a record that is not deleted.
    UndeleteFailed = "UNDELETE_FAILED",
    /// Delete refused by a dependent record.
    DeleteFailed = "DELETE_FAILED",
    /// The object does not support the operation.
    InvalidTypeForOperation = "INVALID_TYPE_FOR_OPERATION",
    /// An Id of the wrong object for the operation.
    MalformedId = "MALFORMED_ID",
    /// A number with more integer digits than its field holds.
    NumberOutsideValidRange = "NUMBER_OUTSIDE_VALID_RANGE",
    /// A delegated administrator asked for something delegation does not
    /// cover, such as managing contactless users.
    InsufficientAccess = "INSUFFICIENT_ACCESS",
    /// A record given to an inactive owner.
    InactiveOwnerOrUser = "INACTIVE_OWNER_OR_USER",
}

impl StatusCode {
    /// The status code with this Apex name (any case).
    pub fn parse(name: &str) -> Option<StatusCode> {
        StatusCode::ALL
            .iter()
            .copied()
            .find(|c| c.as_str().eq_ignore_ascii_case(name))
    }
}

impl std::fmt::Display for StatusCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One error of one row, as `Database.Error` exposes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DmlError {
    /// `getStatusCode()`.
    pub code: StatusCode,
    /// `getMessage()`: the text without code or field list.
    pub message: String,
    /// `getFields()`: field API names, empty for record-level errors.
    pub fields: Vec<String>,
}

impl DmlError {
    /// An error naming the given fields.
    pub fn new(code: StatusCode, message: impl Into<String>, fields: &[&str]) -> DmlError {
        let fields = fields.iter().map(|f| (*f).to_owned()).collect();
        DmlError {
            code,
            message: message.into(),
            fields,
        }
    }

    /// `<CODE>, <message>: [<fields>]`, the tail of a `DmlException` message.
    pub fn render(&self) -> String {
        format!(
            "{}, {}: [{}]",
            self.code.as_str(),
            self.message,
            self.fields.join(", ")
        )
    }
}

/// The outcome of one row, as `Database.SaveResult` exposes it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RowResult {
    /// The record's Id: set for a saved insert, and for update, delete and
    /// undelete rows that named one (even when they failed).
    pub id: Option<Id>,
    /// The errors; empty on success.
    pub errors: Vec<DmlError>,
    /// For upsert: true when the row was inserted.
    pub created: bool,
}

impl RowResult {
    /// `isSuccess()`.
    pub fn is_success(&self) -> bool {
        self.errors.is_empty()
    }
}

/// The `DmlException` message for a failed call: `<Op> failed. First
/// exception on row <n>[ with id <id>]; first error: <CODE>, <message>:
/// [<fields>]`. `None` when every row succeeded.
pub fn exception_message(op: DmlOp, results: &[RowResult]) -> Option<String> {
    let (row, result) = results.iter().enumerate().find(|(_, r)| !r.is_success())?;
    let error = result.errors.first()?;
    // Rows that carried an Id are named by it, inserts that wrongly set one
    // included; a new row's Id never exists when its insert fails.
    let with_id = match result.id {
        None => String::new(),
        Some(id) => format!(" with id {id}"),
    };
    Some(format!(
        "{} failed. First exception on row {row}{with_id}; first error: {}",
        op.title(),
        error.render()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exception_messages_name_the_first_failed_row() {
        let ok = RowResult::default();
        let error = DmlError::new(
            StatusCode::UnknownException,
            "portal account owner must have a role",
            &[],
        );
        let id = Id::parse("0055t000003Ic5w");
        let failed = RowResult {
            id,
            errors: vec![error],
            created: false,
        };
        let results = [ok.clone(), failed];
        assert_eq!(
            exception_message(DmlOp::Update, &results).as_deref(),
            Some(
                "Update failed. First exception on row 1 with id 0055t000003Ic5wAAC; first \
                 error: UNKNOWN_EXCEPTION, portal account owner must have a role: []"
            )
        );
        assert!(exception_message(DmlOp::Insert, &[ok]).is_none());
    }

    #[test]
    fn codes_round_trip_through_their_names() {
        for code in StatusCode::ALL {
            assert_eq!(StatusCode::parse(code.as_str()), Some(*code));
        }
        assert_eq!(
            StatusCode::parse("required_field_missing"),
            Some(StatusCode::RequiredFieldMissing)
        );
    }

    #[test]
    fn errors_render_like_the_dml_exception_tail() {
        let e = DmlError::new(
            StatusCode::LicenseLimitExceeded,
            "License Limit Exceeded",
            &[],
        );
        assert_eq!(
            e.render(),
            "LICENSE_LIMIT_EXCEEDED, License Limit Exceeded: []"
        );
        let e = DmlError::new(StatusCode::StringTooLong, "x", &["Alias", "Email"]);
        assert_eq!(e.render(), "STRING_TOO_LONG, x: [Alias, Email]");
    }
}
