//! Schema-driven field validation: value types, lengths, restricted
//! picklists, e-mail shape, lookups, and required fields.
//!
//! These are the platform's system validations (order of execution steps 2
//! and 5); object-specific rules live in `org::users`. Messages follow the
//! platform byte for byte, with the field label the schema gives.

use std::cell::RefCell;
use std::rc::Rc;

use rusqlite::OptionalExtension;
use rust_decimal::prelude::{FromPrimitive, ToPrimitive};
use rust_decimal::{Decimal, RoundingStrategy};
use rustc_hash::{FxHashMap, FxHashSet};

use crate::data::id::Id;
use crate::data::record::{FieldValue, Record};
use crate::data::schema::{FieldDef, FieldType, schema};
use crate::data::status::{DmlError, StatusCode};
use crate::data::store::{OrgError, Store};

/// Remembers which referenced Ids exist during one DML call, so a batch that
/// points many rows at the same profile asks SQLite once.
#[derive(Default)]
pub struct RefMemo {
    known: FxHashMap<Id, bool>,
    /// Whether users named as owners are active.
    active: FxHashMap<Id, bool>,
    /// Values of unique fields taken by earlier rows of the call: object,
    /// field and the value in lower case.
    unique: FxHashSet<(&'static str, &'static str, String)>,
}

impl RefMemo {
    /// True when a live record with this Id exists.
    pub fn exists(&mut self, store: &Store, id: &Id) -> Result<bool, OrgError> {
        if let Some(&known) = self.known.get(id) {
            return Ok(known);
        }
        let found = match schema().object_by_prefix(id.prefix()) {
            Some(object) => store.exists(object, id)?,
            None => false,
        };
        self.known.insert(*id, found);
        Ok(found)
    }

    /// Records that a row was just written with this Id.
    pub fn insert(&mut self, id: Id) {
        self.known.insert(id, true);
    }

    /// Forgets everything (after a rollback or a delete).
    pub fn clear(&mut self) {
        self.known.clear();
        self.active.clear();
        self.unique.clear();
    }
}

/// Coerces and checks the fields at `indexes` of `row` (step 2 of the order
/// of execution). Returns one error per failing field, in schema order.
pub fn check_fields(
    store: &Store,
    memo: &mut RefMemo,
    row: &mut Record,
    indexes: &[usize],
) -> Result<Vec<DmlError>, OrgError> {
    let mut errors = Vec::new();
    for &i in indexes {
        let field = &row.object.fields[i];
        let Some(value) = row.get(i) else { continue };
        // Non-empty text in a text field is kept as given: only its length,
        // picklist and shape are checked.
        if let FieldValue::Text(text) = value
            && field.is_text()
            && !matches!(field.ty, FieldType::Id | FieldType::Reference)
            && !text.is_empty()
        {
            errors.extend(check_text(field, text));
            continue;
        }
        match coerce(field, value).and_then(|v| fit_number(field, v)) {
            Ok(value) => {
                let error = match check_value(store, memo, field, &value)? {
                    None if field.name == "OwnerId" => {
                        check_owner(store, memo, row.object.name, &value)?
                    }
                    error => error,
                };
                errors.extend(error);
                row.set(i, value);
            }
            Err(error) => errors.push(error),
        }
    }
    Ok(errors)
}

/// The required fields of `row` that are null or blank, as one
/// `REQUIRED_FIELD_MISSING` error listing them in schema order.
pub fn check_required(row: &Record) -> Option<DmlError> {
    let fields = &row.object.fields;
    if !(0..fields.len()).any(|i| fields[i].required && is_blank(row.get(i))) {
        return None;
    }
    let missing: Vec<&str> = row
        .object
        .fields
        .iter()
        .enumerate()
        .filter(|(i, f)| f.required && is_blank(row.get(*i)))
        .map(|(_, f)| f.name)
        .collect();
    if missing.is_empty() {
        return None;
    }
    let list = missing.join(", ");
    Some(DmlError::new(
        StatusCode::RequiredFieldMissing,
        format!("Required fields are missing: [{list}]"),
        &missing,
    ))
}

/// The unique fields of a row of any object but User (whose usernames and
/// nicknames have codes of their own, see `org::users`), checked ignoring
/// case against stored live rows and earlier rows of the same call.
///
/// `DUPLICATE_VALUE, duplicate value found: <Field> duplicates value on
/// record with id: <id>` is the platform's text for unique custom fields;
/// for a value two rows of one call share it names neither
/// (`<unknown> ... <unknown>`). Using these texts for the standard fields
/// marked unique here (`UserRole.DeveloperName`) is a guess.
pub fn check_unique(
    store: &Store,
    memo: &mut RefMemo,
    row: &Record,
) -> Result<Option<DmlError>, OrgError> {
    let object = row.object;
    if object.name == "User" {
        return Ok(None);
    }
    let mut taken = Vec::new();
    for (i, field) in object.fields.iter().enumerate() {
        let Some(text) = row
            .get(i)
            .and_then(FieldValue::as_text)
            .filter(|_| field.unique)
        else {
            continue;
        };
        let key = (object.name, field.name, text.to_lowercase());
        if memo.unique.contains(&key) {
            return Ok(Some(duplicate_value("<unknown>", "<unknown>")));
        }
        let value = rusqlite::types::Value::Text(text.to_owned());
        if let Some(other) = store.find_other(object, field.name, &value, row.id())? {
            return Ok(Some(duplicate_value(field.name, other.as_str())));
        }
        taken.push(key);
    }
    memo.unique.extend(taken);
    Ok(None)
}

fn duplicate_value(field: &str, id: &str) -> DmlError {
    DmlError::new(
        StatusCode::DuplicateValue,
        format!("duplicate value found: {field} duplicates value on record with id: {id}"),
        &[],
    )
}

/// True for an unset, null or whitespace-only value.
pub fn is_blank(value: Option<&FieldValue>) -> bool {
    match value {
        None | Some(FieldValue::Null) => true,
        Some(FieldValue::Text(s)) => s.trim().is_empty(),
        Some(_) => false,
    }
}

/// The value converted to the field's type; an empty string becomes null,
/// as the platform stores it.
fn coerce(field: &FieldDef, value: &FieldValue) -> Result<FieldValue, DmlError> {
    use FieldValue as V;
    let converted = match (field.ty, value) {
        (_, V::Null) => Some(V::Null),
        (FieldType::Id | FieldType::Reference, V::Id(_)) => Some(value.clone()),
        (FieldType::Id | FieldType::Reference, V::Text(s)) if s.is_empty() => Some(V::Null),
        (FieldType::Id | FieldType::Reference, V::Text(s)) => match Id::parse(s) {
            Some(id) => Some(V::Id(id)),
            None => return Err(incorrect_type(field, s)),
        },
        (_, V::Text(s)) if field.is_text() && s.is_empty() => Some(V::Null),
        (_, V::Text(_)) if field.is_text() => Some(value.clone()),
        (_, V::Id(id)) if field.is_text() => Some(V::Text(Rc::from(id.as_str()))),
        (FieldType::Boolean, V::Bool(_)) => Some(value.clone()),
        (FieldType::Int, _) => as_int(value).map(V::Int),
        (FieldType::Double, _) => as_f64(value).map(V::Double),
        (FieldType::Decimal | FieldType::Currency, _) => as_decimal(value).map(V::Decimal),
        (FieldType::Date, V::Date(_)) | (FieldType::DateTime, V::DateTime(_)) => {
            Some(value.clone())
        }
        _ => None,
    };
    converted.ok_or_else(|| {
        DmlError::new(
            StatusCode::InvalidTypeOnFieldInRecord,
            format!(
                "{}: value not of required type: {}",
                field.label,
                display(value)
            ),
            &[field.name],
        )
    })
}

/// A number rounded half up to its field's scale, or refused when its
/// integer part has more digits than the field's precision leaves
/// (precision minus scale). The platform rounds extra decimals rather than
/// refusing them; the code and text of the refusal
/// (`NUMBER_OUTSIDE_VALID_RANGE, <Label>: value outside of valid range on
/// numeric field: <value>`) follow what API users report and are a guess.
fn fit_number(field: &FieldDef, value: FieldValue) -> Result<FieldValue, DmlError> {
    if field.precision == 0 {
        return Ok(value);
    }
    let scale = u32::from(field.scale);
    let fitted = match &value {
        FieldValue::Decimal(d) => Some(FieldValue::Decimal(
            d.round_dp_with_strategy(scale, RoundingStrategy::MidpointAwayFromZero),
        )),
        FieldValue::Double(x) => Decimal::from_f64(*x).map(|d| {
            let d = d.round_dp_with_strategy(scale, RoundingStrategy::MidpointAwayFromZero);
            FieldValue::Double(d.to_f64().unwrap_or(*x))
        }),
        FieldValue::Int(_) | FieldValue::Long(_) | FieldValue::Null => Some(value.clone()),
        _ => None,
    };
    let whole_digits = u32::from(field.precision.saturating_sub(field.scale));
    let limit = Decimal::from_i128_with_scale(10i128.pow(whole_digits), 0);
    let in_range = match &fitted {
        Some(FieldValue::Null) => true,
        Some(number) => as_decimal(number).is_some_and(|d| d.abs().trunc() < limit),
        None => false,
    };
    match fitted {
        Some(fitted) if in_range => Ok(fitted),
        _ => Err(DmlError::new(
            StatusCode::NumberOutsideValidRange,
            format!(
                "{}: value outside of valid range on numeric field: {}",
                field.label,
                display(&value)
            ),
            &[field.name],
        )),
    }
}

fn as_int(value: &FieldValue) -> Option<i32> {
    match value {
        FieldValue::Int(i) => Some(*i),
        FieldValue::Long(l) => i32::try_from(*l).ok(),
        FieldValue::Decimal(d) if d.fract().is_zero() => d.to_i32(),
        _ => None,
    }
}

fn as_f64(value: &FieldValue) -> Option<f64> {
    match value {
        FieldValue::Int(i) => Some(f64::from(*i)),
        FieldValue::Long(l) => Some(*l as f64),
        FieldValue::Double(d) => Some(*d),
        FieldValue::Decimal(d) => d.to_f64(),
        _ => None,
    }
}

fn as_decimal(value: &FieldValue) -> Option<Decimal> {
    match value {
        FieldValue::Int(i) => Some(Decimal::from(*i)),
        FieldValue::Long(l) => Some(Decimal::from(*l)),
        FieldValue::Double(d) => Decimal::from_f64(*d),
        FieldValue::Decimal(d) => Some(*d),
        _ => None,
    }
}

/// Length, picklist, e-mail and lookup checks of one coerced value.
fn check_value(
    store: &Store,
    memo: &mut RefMemo,
    field: &FieldDef,
    value: &FieldValue,
) -> Result<Option<DmlError>, OrgError> {
    let error = match value {
        FieldValue::Text(s) => check_text(field, s),
        FieldValue::Id(id) if field.ty == FieldType::Reference => {
            return check_reference(store, memo, field, id);
        }
        _ => None,
    };
    Ok(error)
}

fn check_text(field: &FieldDef, text: &str) -> Option<DmlError> {
    let limit = field.length as usize;
    // A text of no more bytes than the limit has no more characters either.
    if field.length > 0 && text.len() > limit && text.chars().count() > limit {
        let message = format!(
            "{}: data value too large: {text} (max length={})",
            field.label, field.length
        );
        return Some(DmlError::new(
            StatusCode::StringTooLong,
            message,
            &[field.name],
        ));
    }
    if let Some(bad) = restricted_miss(field, text) {
        let message = format!(
            "{}: bad value for restricted picklist field: {bad}",
            field.label
        );
        let code = StatusCode::InvalidOrNullForRestrictedPicklist;
        return Some(DmlError::new(code, message, &[field.name]));
    }
    if field.ty == FieldType::Email && !is_email(text) {
        let message = format!("{}: invalid email address: {text}", field.label);
        return Some(DmlError::new(
            StatusCode::InvalidEmailAddress,
            message,
            &[field.name],
        ));
    }
    None
}

/// The value a restricted picklist refuses: the text itself for a picklist,
/// the first `;`-separated value not in the set for a multi-select one.
fn restricted_miss<'t>(field: &FieldDef, text: &'t str) -> Option<&'t str> {
    if !field.restricted {
        return None;
    }
    match field.ty {
        FieldType::Picklist => Some(text).filter(|t| !in_picklist(field.picklist, t)),
        FieldType::MultiPicklist => text
            .split(';')
            .find(|value| !in_picklist(field.picklist, value)),
        _ => None,
    }
}

/// Whether `text` is one of `values` (exactly). The time-zone and locale
/// picklists hold hundreds of values and every new user is checked against
/// them, so each list is hashed once per thread instead of scanned per row.
fn in_picklist(values: &'static [&'static str], text: &str) -> bool {
    type Sets = FxHashMap<(usize, usize), FxHashSet<&'static str>>;
    thread_local! {
        static SETS: RefCell<Sets> = RefCell::new(Sets::default());
    }
    if values.len() < 16 {
        return values.contains(&text);
    }
    SETS.with_borrow_mut(|sets| {
        sets.entry((values.as_ptr() as usize, values.len()))
            .or_insert_with(|| values.iter().copied().collect())
            .contains(text)
    })
}

fn check_reference(
    store: &Store,
    memo: &mut RefMemo,
    field: &FieldDef,
    id: &Id,
) -> Result<Option<DmlError>, OrgError> {
    let right_type = field.reference_to.iter().any(|name| {
        schema()
            .object(name)
            .is_some_and(|o| o.key_prefix == id.prefix())
    });
    if !right_type {
        return Ok(Some(incorrect_type(field, id.as_str())));
    }
    if !memo.exists(store, id)? {
        let code = StatusCode::InvalidCrossReferenceKey;
        return Ok(Some(DmlError::new(code, "invalid cross reference id", &[])));
    }
    Ok(None)
}

/// Records cannot be given to an inactive owner: `INACTIVE_OWNER_OR_USER`.
/// The code is the platform's; the text, `operation performed with inactive
/// user [<id>] as owner of <object>`, follows reports of it and is a guess.
fn check_owner(
    store: &Store,
    memo: &mut RefMemo,
    object: &str,
    owner: &FieldValue,
) -> Result<Option<DmlError>, OrgError> {
    let FieldValue::Id(id) = owner else {
        return Ok(None);
    };
    let active = match memo.active.get(id) {
        Some(&active) => active,
        None => {
            let mut stmt = store
                .conn()
                .prepare_cached("SELECT \"IsActive\" FROM \"User\" WHERE \"Id\" = ?1")?;
            let active: Option<Option<bool>> =
                stmt.query_row([id.as_str()], |r| r.get(0)).optional()?;
            // An unknown user was reported as a bad reference already.
            let active = active.is_none_or(|a| a.unwrap_or(true));
            memo.active.insert(*id, active);
            active
        }
    };
    if active {
        return Ok(None);
    }
    let message = format!(
        "operation performed with inactive user [{id}] as owner of {}",
        object.to_ascii_lowercase()
    );
    Ok(Some(DmlError::new(
        StatusCode::InactiveOwnerOrUser,
        message,
        &[],
    )))
}

/// `FIELD_INTEGRITY_EXCEPTION`, `<Label>: id value of incorrect type: <value>`.
/// Also used for text that is not an Id at all, where the platform's exact
/// code is not known.
fn incorrect_type(field: &FieldDef, value: &str) -> DmlError {
    DmlError::new(
        StatusCode::FieldIntegrityException,
        format!("{}: id value of incorrect type: {value}", field.label),
        &[field.name],
    )
}

/// The strict address check of e-mail fields: one `@`, a local part of the
/// characters RFC 5322 allows unquoted, and a dotted domain of letters,
/// digits and inner hyphens.
pub fn is_email(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || b"!#$%&'*+/=?^_`{|}~.-".contains(&c));
    let mut labels = 0;
    let domain_ok = domain.split('.').all(|l| {
        labels += 1;
        !l.is_empty()
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-')
    });
    local_ok && domain_ok && labels >= 2
}

/// A field value as the platform prints it inside messages.
pub fn display(value: &FieldValue) -> String {
    match value {
        FieldValue::Null => "null".to_owned(),
        FieldValue::Bool(b) => b.to_string(),
        FieldValue::Int(i) => i.to_string(),
        FieldValue::Long(l) => l.to_string(),
        FieldValue::Double(d) => d.to_string(),
        FieldValue::Decimal(d) => d.to_string(),
        FieldValue::Text(s) => s.to_string(),
        FieldValue::Id(id) => id.to_string(),
        FieldValue::Date(d) => d.to_string(),
        FieldValue::DateTime(t) => t.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restricted_multi_select_values_are_checked_one_by_one() {
        static FIELD: FieldDef =
            FieldDef::new("Tags", "Tags", FieldType::MultiPicklist, 255).values(&["a", "b"], true);
        assert_eq!(restricted_miss(&FIELD, "a;b"), None);
        assert_eq!(restricted_miss(&FIELD, "b"), None);
        assert_eq!(restricted_miss(&FIELD, "a;c;d"), Some("c"));
        static OPEN: FieldDef =
            FieldDef::new("Tags", "Tags", FieldType::MultiPicklist, 255).values(&["a"], false);
        assert_eq!(restricted_miss(&OPEN, "z"), None);
    }

    #[test]
    fn email_shapes() {
        for good in [
            "jd@x.com",
            "first.last+tag@sub.example.co.uk",
            "a_b@x-y.org",
        ] {
            assert!(is_email(good), "{good}");
        }
        for bad in [
            "",
            "jd",
            "jd@",
            "@x.com",
            "jd@x",
            "j d@x.com",
            "jd@@x.com",
            "jd@x..com",
        ] {
            assert!(!is_email(bad), "{bad}");
        }
    }

    #[test]
    fn blank_values() {
        assert!(is_blank(None));
        assert!(is_blank(Some(&FieldValue::Text(Rc::from("  ")))));
        assert!(!is_blank(Some(&FieldValue::Bool(false))));
    }
}
