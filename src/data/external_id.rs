//! Upsert on a matching field (`upsert contacts Email;`): finding the
//! existing record each row names through an idLookup field, before the save
//! pipeline runs the upsert by Id.
//!
//! A row whose key matches one live record takes that record's Id and is
//! updated; a row with no match, or a null key, is inserted. Two rows of the
//! call with the same key fail with `DUPLICATE_VALUE`, and a key that
//! matches several records fails with `DUPLICATE_EXTERNAL_ID`. Keys compare
//! ignoring case, as the text columns do.

use std::collections::HashMap;

use rusqlite::types::Value;

use crate::data::id::Id;
use crate::data::record::{FieldValue, Record};
use crate::data::schema::{FieldDef, ObjectDef};
use crate::data::status::{DmlError, StatusCode};
use crate::data::store::{OrgError, Store, to_sql};

/// Keys looked up per query, well under SQLite's bound-parameter limit.
const KEYS_PER_QUERY: usize = 500;

/// Sets the Id of every row whose key names an existing record and returns,
/// per row, the error that keeps it out of the save (`None` for rows that
/// go on to be saved). Every record is of `object`.
pub fn match_rows(
    store: &Store,
    object: &'static ObjectDef,
    key: usize,
    records: &mut [Record],
) -> Result<Vec<Option<DmlError>>, OrgError> {
    let field = &object.fields[key];
    let keys: Vec<Option<String>> = records.iter().map(|r| key_text(r, key)).collect();
    let mut errors = duplicate_keys(field, &keys);
    let found = existing(store, object, field, &keys)?;
    for (i, key) in keys.iter().enumerate() {
        let (Some(key), None) = (key, &errors[i]) else {
            continue;
        };
        match found.get(&fold(key)).map(Vec::as_slice) {
            None | Some([]) => {}
            Some([id]) => records[i].set(0, FieldValue::Id(*id)),
            Some(ids) => errors[i] = Some(several_found(field, ids)),
        }
    }
    Ok(errors)
}

/// The row's key as text; `None` when it is null or unset (the row is
/// inserted).
fn key_text(record: &Record, key: usize) -> Option<String> {
    match record.get(key)? {
        FieldValue::Null => None,
        FieldValue::Text(s) => Some(s.to_string()),
        other => match to_sql(other) {
            Value::Text(s) => Some(s),
            _ => None,
        },
    }
}

fn fold(key: &str) -> String {
    key.to_ascii_lowercase()
}

/// `DUPLICATE_VALUE` for every row whose key another row of the call has.
/// The platform's text is `Duplicate external id specified: <key>`; that it
/// fails every such row, not only the later ones, is a guess.
fn duplicate_keys(field: &FieldDef, keys: &[Option<String>]) -> Vec<Option<DmlError>> {
    let mut counts: HashMap<String, usize> = HashMap::new();
    for key in keys.iter().flatten() {
        *counts.entry(fold(key)).or_default() += 1;
    }
    keys.iter()
        .map(|key| {
            let key = key.as_ref()?;
            (counts[&fold(key)] > 1).then(|| {
                let message = format!("Duplicate external id specified: {key}");
                DmlError::new(StatusCode::DuplicateValue, message, &[field.name])
            })
        })
        .collect()
}

/// `DUPLICATE_EXTERNAL_ID` for a key that matches several records. The
/// `<label>: more than one record found for external id field: [ids]` shape
/// follows reports of the platform's message; its exact prefix is a guess.
fn several_found(field: &FieldDef, ids: &[Id]) -> DmlError {
    let ids: Vec<&str> = ids.iter().map(Id::as_str).collect();
    let message = format!(
        "{}: more than one record found for external id field: [{}]",
        field.label,
        ids.join(", ")
    );
    DmlError::new(StatusCode::DuplicateExternalId, message, &[])
}

/// The live records whose `field` equals one of `keys`, by folded key.
fn existing(
    store: &Store,
    object: &ObjectDef,
    field: &FieldDef,
    keys: &[Option<String>],
) -> Result<HashMap<String, Vec<Id>>, OrgError> {
    let mut wanted: Vec<&str> = keys.iter().flatten().map(String::as_str).collect();
    wanted.sort_unstable();
    wanted.dedup();
    let live = if object.has_recycle_bin() {
        " AND \"IsDeleted\" = 0"
    } else {
        ""
    };
    let mut found: HashMap<String, Vec<Id>> = HashMap::new();
    for chunk in wanted.chunks(KEYS_PER_QUERY) {
        let marks = vec!["?"; chunk.len()].join(", ");
        let sql = format!(
            "SELECT \"Id\", \"{1}\" FROM \"{0}\" WHERE \"{1}\" IN ({marks}){live} ORDER BY \"Id\"",
            object.name, field.name
        );
        let mut stmt = store.conn().prepare_cached(&sql)?;
        let mut rows = stmt.query(rusqlite::params_from_iter(chunk.iter()))?;
        while let Some(row) = rows.next()? {
            let id: String = row.get(0)?;
            let key: String = row.get(1)?;
            let id = Id::parse(&id)
                .ok_or_else(|| OrgError::Corrupt(format!("unreadable Id in {}", object.name)))?;
            found.entry(fold(&key)).or_default().push(id);
        }
    }
    Ok(found)
}
