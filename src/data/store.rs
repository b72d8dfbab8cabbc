//! SQLite storage: one table per object, typed columns, Id counters, and the
//! conversions between field values and SQL values.
//!
//! The file uses SQLite's rollback journal (never WAL), so a transaction that
//! is rolled back leaves the file byte-for-byte as it was. Text columns use
//! `NOCASE` collation because SOQL compares strings without case; Id columns
//! hold the 18-character form and compare exactly. `NOCASE` folds ASCII only;
//! SOQL compares non-ASCII text through its own `soql_fold` function.

use std::cell::RefCell;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};
use rusqlite::ToSql;
use rusqlite::types::{ToSqlOutput, Value, ValueRef};
use rusqlite::{Connection, OptionalExtension, params};
use rust_decimal::Decimal;
use rust_decimal::prelude::{FromPrimitive, ToPrimitive};
use rustc_hash::FxHashMap;

use crate::data::id::Id;
use crate::data::record::{FieldValue, Record};
use crate::data::schema::{FieldDef, FieldType, ObjectDef, schema};

/// What the meta table's `format` key holds in every apexlite org file.
const FORMAT: &str = "apexlite-org";
/// The layout version of the tables; bumped when they change incompatibly.
pub const SCHEMA_VERSION: i64 = 3;
/// The oldest layout [`Store::check_format`] upgrades in place: version 3
/// only added objects, whose tables an upgrade creates.
const UPGRADABLE_FROM: i64 = 2;

const DATE_FORMAT: &str = "%Y-%m-%d";
const DATETIME_FORMAT: &str = "%Y-%m-%d %H:%M:%S%.3f";

/// An Apex exception the data layer raises for a whole call rather than per
/// row: a governor limit (`System.LimitException`) or a bad argument list
/// (`System.ListException`). The interpreter throws it as is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApexFailure {
    /// The exception type, e.g. `System.LimitException`.
    pub type_name: &'static str,
    /// The exception message, e.g. `Too many SOQL queries: 101`.
    pub message: String,
}

impl std::fmt::Display for ApexFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.type_name, self.message)
    }
}

/// Failures of the org itself. All but [`OrgError::Apex`] are internal
/// (SQLite, I/O, a file that is not an org) and never Apex exceptions.
#[derive(Debug, thiserror::Error)]
pub enum OrgError {
    /// SQLite reported an error.
    #[error("org database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The org file's folder could not be created.
    #[error("cannot create the folder of {path}: {source}")]
    Io {
        /// The org file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file exists but is not an apexlite org.
    #[error("{path} is not an apexlite org: {reason}")]
    NotAnOrg {
        /// The file.
        path: PathBuf,
        /// What gave it away.
        reason: String,
    },
    /// The org was written by an apexlite with another table layout.
    #[error("{path} is an apexlite org of schema version {found}; this apexlite reads {expected}")]
    SchemaVersion {
        /// The file.
        path: PathBuf,
        /// The version in the file.
        found: i64,
        /// The version this build reads.
        expected: i64,
    },
    /// Stored data that cannot be read back (a hand-edited or damaged file).
    #[error("corrupt org data: {0}")]
    Corrupt(String),
    /// A transaction call out of order (commit without begin, ...).
    #[error("transaction misuse: {0}")]
    Transaction(&'static str),
    /// Not an internal failure: an Apex exception for the whole call (a
    /// governor limit, a duplicate Id in an update list). Raise it in Apex.
    #[error("{0}")]
    Apex(ApexFailure),
}

/// The SQLite side of an org.
pub struct Store {
    conn: Connection,
    /// The last Id number handed out per key prefix by this connection. A
    /// rollback undoes the counter in the file with the rows, but records
    /// in memory may keep their Ids (`Database.rollback`, a REPL entry), so
    /// numbers are never handed out twice while the store is open.
    issued: RefCell<FxHashMap<String, i64>>,
}

/// How long a run waits for another process's transaction on the same org.
const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

impl Store {
    /// Opens the org file, creating an empty one (tables, no records) when the
    /// file is missing or empty. Returns the store and whether it was created.
    pub fn open(path: &Path) -> Result<(Store, bool), OrgError> {
        let fresh = std::fs::metadata(path).map_or(true, |m| m.len() == 0);
        if fresh {
            create_parent(path)?;
        }
        let store = Store::wrap(Connection::open(path)?);
        if !fresh {
            store.check_format(path)?;
        }
        Ok((store, fresh))
    }

    /// An in-memory copy of the org file at `path`; the file is only read.
    pub fn copy_into_memory(path: &Path) -> Result<Store, OrgError> {
        let mut conn = Connection::open_in_memory()?;
        conn.restore(
            rusqlite::MAIN_DB,
            path,
            None::<fn(rusqlite::backup::Progress)>,
        )?;
        let store = Store::wrap(conn);
        store.check_format(path)?;
        Ok(store)
    }

    /// An empty store in memory.
    pub fn open_in_memory() -> Result<Store, OrgError> {
        Ok(Store::wrap(Connection::open_in_memory()?))
    }

    fn wrap(conn: Connection) -> Store {
        conn.set_prepared_statement_cache_capacity(128);
        // Runs on the same org file wait for each other instead of failing
        // at once with `database is locked`. Setting it cannot fail on an
        // open connection; if it ever did, runs would only wait less.
        let _ = conn.busy_timeout(BUSY_TIMEOUT);
        // A bulk insert touches many index pages; a larger page cache keeps
        // them in memory for the whole transaction (the default is 2 MB).
        let _ = conn.execute_batch("PRAGMA cache_size = -65536");
        // SOQL's case-insensitive comparisons of non-ASCII text. Registering
        // a function on an open connection does not fail in practice; if it
        // did, such queries would report the missing function.
        let _ = crate::data::soql::register_functions(&conn);
        Store {
            conn,
            issued: RefCell::default(),
        }
    }

    /// The connection, for the SOQL translator and the transaction calls.
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Creates the meta tables and one table per object. Runs inside the
    /// caller's transaction.
    pub fn create_tables(&self) -> Result<(), OrgError> {
        let mut sql = String::from(
            "CREATE TABLE apexlite_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);\n\
             CREATE TABLE apexlite_ids (prefix TEXT PRIMARY KEY, next INTEGER NOT NULL);\n",
        );
        for object in &schema().objects {
            sql.push_str(&table_sql(object));
        }
        self.conn.execute_batch(&sql)?;
        self.conn.execute(
            "INSERT INTO apexlite_meta (key, value) VALUES ('format', ?1), ('schema_version', ?2)",
            params![FORMAT, SCHEMA_VERSION.to_string()],
        )?;
        Ok(())
    }

    /// Refuses a file that is not an apexlite org of this schema version.
    pub fn check_format(&self, path: &Path) -> Result<(), OrgError> {
        let not_org = |reason: String| OrgError::NotAnOrg {
            path: path.to_owned(),
            reason,
        };
        let read = |key: &str| -> Result<Option<String>, rusqlite::Error> {
            self.conn
                .query_row(
                    "SELECT value FROM apexlite_meta WHERE key = ?1",
                    [key],
                    |r| r.get(0),
                )
                .optional()
        };
        let format = read("format").map_err(|e| not_org(e.to_string()))?;
        if format.as_deref() != Some(FORMAT) {
            return Err(not_org(
                "its meta table does not name the apexlite format".into(),
            ));
        }
        let version = read("schema_version").map_err(|e| not_org(e.to_string()))?;
        let found = version.and_then(|v| v.parse::<i64>().ok()).unwrap_or(-1);
        if (UPGRADABLE_FROM..SCHEMA_VERSION).contains(&found) {
            return self.upgrade();
        }
        if found != SCHEMA_VERSION {
            let path = path.to_owned();
            return Err(OrgError::SchemaVersion {
                path,
                found,
                expected: SCHEMA_VERSION,
            });
        }
        Ok(())
    }

    /// Brings an org of an older, upgradable layout to this one, in one
    /// transaction: creates the tables of objects it does not have yet.
    fn upgrade(&self) -> Result<(), OrgError> {
        self.conn.execute_batch("BEGIN IMMEDIATE")?;
        let result = (|| -> Result<(), OrgError> {
            for object in &schema().objects {
                let exists: bool = self.conn.query_row(
                    "SELECT EXISTS \
                     (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1)",
                    [object.name],
                    |r| r.get(0),
                )?;
                if !exists {
                    self.conn.execute_batch(&table_sql(object))?;
                }
            }
            self.conn.execute(
                "UPDATE apexlite_meta SET value = ?1 WHERE key = 'schema_version'",
                [SCHEMA_VERSION.to_string()],
            )?;
            Ok(())
        })();
        match result {
            Ok(()) => Ok(self.conn.execute_batch("COMMIT")?),
            Err(e) => {
                let _ = self.conn.execute_batch("ROLLBACK");
                Err(e)
            }
        }
    }

    /// Reserves `n` consecutive Id numbers for a key prefix and returns the
    /// first. The counter lives in the file, inside the current transaction,
    /// so Ids stay unique across runs; within one open store they also stay
    /// unique across rollbacks.
    pub fn reserve_ids(&self, prefix: &str, n: u64) -> Result<u64, OrgError> {
        let floor = self.issued.borrow().get(prefix).copied().unwrap_or(0);
        let mut stmt = self.conn.prepare_cached(
            "INSERT INTO apexlite_ids (prefix, next) VALUES (?1, ?3 + ?2) \
             ON CONFLICT(prefix) DO UPDATE SET next = max(next, ?3) + ?2 RETURNING next",
        )?;
        let end: i64 = stmt.query_row(params![prefix, n as i64, floor], |r| r.get(0))?;
        self.issued.borrow_mut().insert(prefix.to_owned(), end);
        Ok((end as u64).saturating_sub(n) + 1)
    }

    /// Generates the next Id of an object.
    pub fn next_id(&self, object: &ObjectDef) -> Result<Id, OrgError> {
        Ok(Id::generate(
            object.key_prefix,
            self.reserve_ids(object.key_prefix, 1)?,
        ))
    }

    /// Writes a new row; every field of the record that is set is stored.
    pub fn insert(&self, record: &Record) -> Result<(), OrgError> {
        self.insert_all(std::iter::once(record))
    }

    /// Writes new rows of one object, [`ROWS_PER_INSERT`] rows per
    /// multi-row `INSERT`.
    pub fn insert_all<'r>(
        &self,
        records: impl IntoIterator<Item = &'r Record>,
    ) -> Result<(), OrgError> {
        let mut records = records.into_iter().peekable();
        let Some(object) = records.peek().map(|r| r.object) else {
            return Ok(());
        };
        // Only the columns a row gives a value are named and bound (the
        // others are NULL anyway). Consecutive rows that give the same
        // columns (most rows of a batch) share one statement of up to
        // ROWS_PER_INSERT rows.
        let mut writer = InsertWriter {
            store: self,
            object,
            stmt: None,
            key: (Vec::new(), 0),
            previous: Vec::new(),
            stamp: None,
        };
        let mut columns: Vec<usize> = Vec::new();
        let mut row_columns: Vec<usize> = Vec::with_capacity(object.fields.len());
        let mut chunk: Vec<&Record> = Vec::with_capacity(ROWS_PER_INSERT);
        for record in records {
            row_columns.clear();
            let given = record.set_fields().filter(|(_, v)| !v.is_null());
            row_columns.extend(given.map(|(i, _)| i));
            if !chunk.is_empty() && (row_columns != columns || chunk.len() == ROWS_PER_INSERT) {
                writer.write(&columns, &chunk)?;
                chunk.clear();
            }
            if chunk.is_empty() {
                std::mem::swap(&mut columns, &mut row_columns);
            }
            chunk.push(record);
        }
        if !chunk.is_empty() {
            writer.write(&columns, &chunk)?;
        }
        Ok(())
    }

    /// Writes the given fields of an existing row.
    pub fn update(
        &self,
        object: &ObjectDef,
        id: &Id,
        fields: &[(usize, FieldValue)],
    ) -> Result<(), OrgError> {
        if fields.is_empty() {
            return Ok(());
        }
        let mut sql = format!("UPDATE \"{}\" SET ", object.name);
        for (n, (i, _)) in fields.iter().enumerate() {
            let sep = if n == 0 { "" } else { ", " };
            let _ = write!(sql, "{sep}\"{}\" = ?{}", object.fields[*i].name, n + 1);
        }
        let _ = write!(sql, " WHERE \"Id\" = ?{}", fields.len() + 1);
        let mut stmt = self.conn.prepare_cached(&sql)?;
        for (n, (_, value)) in fields.iter().enumerate() {
            stmt.raw_bind_parameter(n + 1, to_sql(value))?;
        }
        stmt.raw_bind_parameter(fields.len() + 1, id.as_str())?;
        stmt.raw_execute()?;
        Ok(())
    }

    /// The stored row with every field set, deleted or not; `None` when no
    /// such row exists.
    pub fn fetch(&self, object: &'static ObjectDef, id: &Id) -> Result<Option<Record>, OrgError> {
        let sql = format!("SELECT * FROM \"{}\" WHERE \"Id\" = ?1", object.name);
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let mut rows = stmt.query([id.as_str()])?;
        let Some(row) = rows.next()? else {
            return Ok(None);
        };
        let mut record = Record::new(object);
        for (i, field) in object.fields.iter().enumerate() {
            record.set(i, from_sql(field, row.get_ref(i)?)?);
        }
        Ok(Some(record))
    }

    /// True when a live (not deleted) row with this Id exists in `object`.
    pub fn exists(&self, object: &ObjectDef, id: &Id) -> Result<bool, OrgError> {
        let live = if object.has_recycle_bin() {
            " AND \"IsDeleted\" = 0"
        } else {
            ""
        };
        let sql = format!("SELECT 1 FROM \"{}\" WHERE \"Id\" = ?1{live}", object.name);
        let mut stmt = self.conn.prepare_cached(&sql)?;
        Ok(stmt.exists([id.as_str()])?)
    }

    /// The Id of a live row whose `field` equals `value` (ignoring case),
    /// other than `except`; used for uniqueness checks.
    pub fn find_other(
        &self,
        object: &ObjectDef,
        field: &str,
        value: &Value,
        except: Option<&Id>,
    ) -> Result<Option<Id>, OrgError> {
        let sql = format!(
            "SELECT \"Id\" FROM \"{}\" WHERE \"{field}\" = ?1 AND \"Id\" IS NOT ?2 LIMIT 1",
            object.name
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let except = except.map(|id| id.as_str());
        let found: Option<String> = stmt
            .query_row(params![value, except], |r| r.get(0))
            .optional()?;
        Ok(found.and_then(|s| Id::parse(&s)))
    }
}

/// Rows per multi-row `INSERT`: one statement per row costs SQLite a
/// statement start and halt each; a few dozen rows share them.
const ROWS_PER_INSERT: usize = 32;

/// Writes chunks of rows that give the same columns, keeping the statement
/// prepared while consecutive chunks have the same shape.
struct InsertWriter<'s, 'r> {
    store: &'s Store,
    object: &'static ObjectDef,
    stmt: Option<rusqlite::CachedStatement<'s>>,
    /// The columns and row count of `stmt`.
    key: (Vec<usize>, usize),
    /// The chunk last written through `stmt`.
    previous: Vec<&'r Record>,
    /// The audit fields of a batch share one time: written out once.
    stamp: Option<(NaiveDateTime, String)>,
}

impl<'r> InsertWriter<'_, 'r> {
    fn write(&mut self, columns: &[usize], chunk: &[&'r Record]) -> Result<(), OrgError> {
        if self.stmt.is_none() || self.key.0 != columns || self.key.1 != chunk.len() {
            // A statement taken back into the cache loses its parameters.
            self.stmt = None;
            let sql = insert_sql(self.object, columns, chunk.len());
            self.stmt = Some(self.store.conn.prepare_cached(&sql)?);
            self.key = (columns.to_vec(), chunk.len());
            self.previous.clear();
        }
        let Some(stmt) = self.stmt.as_mut() else {
            return Ok(());
        };
        // SQLite keeps a statement's parameters from one execution to the
        // next, and the rows of a batch share most values (profile, locale
        // keys, audit fields): only the values that differ from the same
        // row of the previous chunk are bound again.
        let width = columns.len();
        for (r, record) in chunk.iter().enumerate() {
            let previous = self.previous.get(r);
            for (n, &i) in columns.iter().enumerate() {
                if previous.is_some_and(|p| p.get(i) == record.get(i)) {
                    continue;
                }
                let param = r * width + n + 1;
                match record.get(i) {
                    Some(FieldValue::DateTime(t)) => {
                        let text = match &self.stamp {
                            Some((at, text)) if at == t => text,
                            _ => &self.stamp.insert((*t, datetime_text(t))).1,
                        };
                        stmt.raw_bind_parameter(param, text.as_str())?
                    }
                    Some(value) => stmt.raw_bind_parameter(param, Bound(value))?,
                    None => stmt.raw_bind_parameter(param, Value::Null)?,
                }
            }
        }
        stmt.raw_execute()?;
        self.previous.clear();
        self.previous.extend_from_slice(chunk);
        Ok(())
    }
}

fn create_parent(path: &Path) -> Result<(), OrgError> {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => {
            std::fs::create_dir_all(dir).map_err(|source| OrgError::Io {
                path: path.to_owned(),
                source,
            })
        }
        _ => Ok(()),
    }
}

/// `CREATE TABLE` and its indexes for one object.
fn table_sql(object: &ObjectDef) -> String {
    let mut sql = format!("CREATE TABLE \"{}\" (", object.name);
    for (i, field) in object.fields.iter().enumerate() {
        let sep = if i == 0 { "" } else { ", " };
        let _ = write!(sql, "{sep}\"{}\" {}", field.name, column_type(field));
        if i == 0 {
            sql.push_str(" PRIMARY KEY NOT NULL");
        }
    }
    sql.push_str(");\n");
    for field in &object.fields[1..] {
        // Audit lookups and a user's profile hold a handful of distinct
        // values across many rows: an index would cost every insert and
        // narrow a query by little, so they have none.
        let unindexed = matches!(field.name, "CreatedById" | "LastModifiedById")
            || (object.name == "User" && field.name == "ProfileId");
        if field.unique {
            let _ = writeln!(
                sql,
                "CREATE UNIQUE INDEX \"{0}_{1}\" ON \"{0}\" (\"{1}\");",
                object.name, field.name
            );
        } else if field.ty == FieldType::Reference && !unindexed {
            // Lookups are mostly empty (a contactless user has no contact,
            // role, manager or account): a partial index skips those rows on
            // every insert and still serves `field = value`, which implies
            // `IS NOT NULL`.
            let _ = writeln!(
                sql,
                "CREATE INDEX \"{0}_{1}\" ON \"{0}\" (\"{1}\") WHERE \"{1}\" IS NOT NULL;",
                object.name, field.name
            );
        }
    }
    sql
}

fn column_type(field: &FieldDef) -> &'static str {
    match field.ty {
        FieldType::Id | FieldType::Reference => "TEXT",
        FieldType::Boolean | FieldType::Int => "INTEGER",
        FieldType::Double | FieldType::Decimal | FieldType::Currency => "REAL",
        FieldType::Date | FieldType::DateTime => "TEXT",
        _ => "TEXT COLLATE NOCASE",
    }
}

/// `INSERT` of `rows` rows giving the fields at `columns` (schema indexes,
/// in order).
fn insert_sql(object: &ObjectDef, columns: &[usize], rows: usize) -> String {
    let names: Vec<String> = columns
        .iter()
        .map(|&i| format!("\"{}\"", object.fields[i].name))
        .collect();
    let mut sql = format!(
        "INSERT INTO \"{}\" ({}) VALUES ",
        object.name,
        names.join(", ")
    );
    for r in 0..rows {
        sql.push_str(if r == 0 { "(" } else { ", (" });
        for n in 0..columns.len() {
            let sep = if n == 0 { "" } else { ", " };
            let _ = write!(sql, "{sep}?{}", r * columns.len() + n + 1);
        }
        sql.push(')');
    }
    sql
}

/// The SQL value stored for a field value. Decimals are stored as REAL so
/// SOQL can compare them; a stated precision loss beyond 15 digits.
pub fn to_sql(value: &FieldValue) -> Value {
    match value {
        FieldValue::Null => Value::Null,
        FieldValue::Bool(b) => Value::Integer(i64::from(*b)),
        FieldValue::Int(i) => Value::Integer(i64::from(*i)),
        FieldValue::Long(i) => Value::Integer(*i),
        FieldValue::Double(d) => Value::Real(*d),
        FieldValue::Decimal(d) => Value::Real(d.to_f64().unwrap_or_default()),
        FieldValue::Text(s) => Value::Text(s.to_string()),
        FieldValue::Id(id) => Value::Text(id.as_str().to_owned()),
        FieldValue::Date(d) => Value::Text(d.format(DATE_FORMAT).to_string()),
        FieldValue::DateTime(t) => Value::Text(datetime_text(t)),
    }
}

/// A field value bound as a parameter without copying its text.
struct Bound<'a>(&'a FieldValue);

impl ToSql for Bound<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self.0 {
            FieldValue::Text(s) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
            FieldValue::Id(id) => ToSqlOutput::Borrowed(ValueRef::Text(id.as_str().as_bytes())),
            other => ToSqlOutput::Owned(to_sql(other)),
        })
    }
}

/// `DATETIME_FORMAT` written out by hand: the audit fields of every saved
/// row go through here, and parsing the format string each time is most of
/// the cost. Years outside four digits take chrono's general path.
fn datetime_text(t: &NaiveDateTime) -> String {
    if !(0..=9999).contains(&t.year()) || t.nanosecond() >= 1_000_000_000 {
        return t.format(DATETIME_FORMAT).to_string();
    }
    let mut text = String::with_capacity(23);
    let _ = write!(
        text,
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}.{:03}",
        t.year(),
        t.month(),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.nanosecond() / 1_000_000
    );
    text
}

/// Reads a stored value back as the field's type.
pub fn from_sql(field: &FieldDef, value: ValueRef<'_>) -> Result<FieldValue, OrgError> {
    let corrupt = || OrgError::Corrupt(format!("unreadable value in field {}", field.name));
    let value = match (field.ty, value) {
        (_, ValueRef::Null) => FieldValue::Null,
        (FieldType::Boolean, ValueRef::Integer(i)) => FieldValue::Bool(i != 0),
        (FieldType::Int, ValueRef::Integer(i)) => {
            FieldValue::Int(i32::try_from(i).map_err(|_| corrupt())?)
        }
        (FieldType::Double, ValueRef::Real(d)) => FieldValue::Double(d),
        (FieldType::Double, ValueRef::Integer(i)) => FieldValue::Double(i as f64),
        (FieldType::Decimal | FieldType::Currency, ValueRef::Real(d)) => {
            FieldValue::Decimal(decimal_of(d).ok_or_else(corrupt)?)
        }
        (FieldType::Decimal | FieldType::Currency, ValueRef::Integer(i)) => {
            FieldValue::Decimal(Decimal::from(i))
        }
        (_, ValueRef::Text(bytes)) => text_value(field, bytes).ok_or_else(corrupt)?,
        _ => return Err(corrupt()),
    };
    Ok(value)
}

/// The shortest decimal that reads back as `d`.
fn decimal_of(d: f64) -> Option<Decimal> {
    d.to_string()
        .parse::<Decimal>()
        .ok()
        .or_else(|| Decimal::from_f64(d))
}

fn text_value(field: &FieldDef, bytes: &[u8]) -> Option<FieldValue> {
    let text = std::str::from_utf8(bytes).ok()?;
    Some(match field.ty {
        FieldType::Id | FieldType::Reference => FieldValue::Id(Id::parse(text)?),
        FieldType::Date => FieldValue::Date(NaiveDate::parse_from_str(text, DATE_FORMAT).ok()?),
        FieldType::DateTime => {
            FieldValue::DateTime(NaiveDateTime::parse_from_str(text, DATETIME_FORMAT).ok()?)
        }
        FieldType::Boolean
        | FieldType::Int
        | FieldType::Double
        | FieldType::Decimal
        | FieldType::Currency => return None,
        _ => FieldValue::Text(Rc::from(text)),
    })
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::{DATETIME_FORMAT, datetime_text};

    #[test]
    fn hand_written_datetimes_match_the_format() {
        let times = [
            (2026, 12, 4, 5, 6, 7, 89),
            (1, 1, 1, 0, 0, 0, 0),
            (9999, 12, 31, 23, 59, 59, 999),
            (12345, 6, 7, 8, 9, 10, 11),
        ];
        for (y, mo, d, h, mi, s, ms) in times {
            let t = NaiveDate::from_ymd_opt(y, mo, d)
                .and_then(|d| d.and_hms_milli_opt(h, mi, s, ms))
                .expect("a valid time");
            assert_eq!(datetime_text(&t), t.format(DATETIME_FORMAT).to_string());
        }
    }
}
