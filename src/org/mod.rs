//! What makes a store a Salesforce org: seed data and the user-management rules.
//!
//! [`Org`] is the interpreter's door to the data layer: it opens (and on first
//! use seeds) an org file, runs the Apex transaction, DML and SOQL, counts
//! governor limits and enforces the mixed-DML rule.

pub mod edition;
pub mod login;
pub mod query;
pub mod report;
mod save;
pub mod seed;
pub mod setup;
pub mod users;

use std::path::Path;

use chrono::{NaiveDateTime, SubsecRound, Utc};
use rusqlite::OptionalExtension;

use crate::data::dml::{self, SaveContext};
use crate::data::external_id;
use crate::data::id::Id;
use crate::data::limits::Limits;
use crate::data::record::{FieldValue, Record};
use crate::data::schema::{ObjectDef, schema};
use crate::data::soql;
use crate::data::store::Store;
use crate::data::validate::RefMemo;
use crate::syntax::ast::{DmlOp, SoqlQuery};

pub use crate::data::soql::{BindValue, QueryError, QueryOutput};
pub use crate::data::status::{DmlError, RowResult, StatusCode, exception_message};
pub use crate::data::store::{ApexFailure, OrgError};
pub use edition::Edition;
pub use save::{PendingSave, SaveStart, upsert_matched};
pub use users::RunningUser;

/// An open org: the SQLite store, who runs code, and the transaction state.
pub struct Org {
    store: Store,
    running: RunningUser,
    limits: Limits,
    in_transaction: bool,
    enforce_license_limits: bool,
    savepoints: Vec<u32>,
    next_savepoint: u32,
    mixed: MixedDml,
    /// Set while test methods run (`Test.isRunningTest()`).
    test: Option<TestContext>,
}

/// What `Test.startTest()` and `Test.stopTest()` track in one test method.
#[derive(Default)]
struct TestContext {
    started: bool,
    stopped: bool,
    /// The method's own counters, kept aside between `startTest` and `stopTest`.
    outer: Option<Limits>,
}

/// The first setup and non-setup objects written in this transaction.
#[derive(Clone, Copy, Default)]
struct MixedDml {
    setup: Option<&'static str>,
    non_setup: Option<&'static str>,
}

impl Org {
    /// Opens the org file, creating and seeding it on first use (parent
    /// folders created). A file that is not an apexlite org is refused. The
    /// path `:memory:` gives [`Org::open_in_memory`].
    pub fn open(path: &Path) -> Result<Org, OrgError> {
        Org::open_with(path, Edition::default())
    }

    /// [`Org::open`], seeding a file created now as an org of `edition`; an
    /// existing org keeps its edition.
    pub fn open_with(path: &Path, edition: Edition) -> Result<Org, OrgError> {
        if path.as_os_str() == ":memory:" {
            return Org::open_in_memory_with(edition);
        }
        let (store, created) = Store::open(path)?;
        if created {
            // Several processes may find the file missing at once; the first
            // to take the write lock creates the org, the others open it.
            if let Some(running) = create(&store, edition)? {
                return Ok(Org::with_running(store, running));
            }
            store.check_format(path)?;
        }
        Org::start(store, None)
    }

    /// An in-memory copy of the org file at `path`, which must exist: what a
    /// test class runs on, so that nothing it does reaches the file. The
    /// path `:memory:` gives a fresh seeded org.
    pub fn open_copy(path: &Path) -> Result<Org, OrgError> {
        if path.as_os_str() == ":memory:" {
            return Org::open_in_memory();
        }
        Org::start(Store::copy_into_memory(path)?, None)
    }

    /// Deletes every record of the non-setup objects (Account, Contact, ...),
    /// keeping users, profiles, licenses, roles and the organization: the
    /// data an Apex test sees without `SeeAllData=true`.
    ///
    /// The contacts of portal users and their accounts stay, so that those
    /// users can still be saved. The platform keeps them in the org but out
    /// of the test's queries; here they stay visible to queries too.
    pub fn clear_non_setup_records(&mut self) -> Result<(), OrgError> {
        let kept = |object: &str| match object {
            "Contact" => {
                " WHERE \"Id\" NOT IN \
                 (SELECT \"ContactId\" FROM \"User\" WHERE \"ContactId\" IS NOT NULL)"
            }
            "Account" => {
                " WHERE \"Id\" NOT IN \
                 (SELECT \"AccountId\" FROM \"Contact\" WHERE \"AccountId\" IS NOT NULL)"
            }
            _ => "",
        };
        let mut objects: Vec<&str> = schema()
            .objects
            .iter()
            .filter(|o| !o.setup)
            .map(|o| o.name)
            .collect();
        // Contacts go first, so the accounts they keep are known.
        objects.sort_by_key(|name| *name != "Contact");
        let sql: String = objects
            .iter()
            .map(|name| format!("DELETE FROM \"{name}\"{};\n", kept(name)))
            .collect();
        self.store.conn().execute_batch(&sql)?;
        Ok(())
    }

    /// A throwaway seeded org in memory (`--org :memory:`).
    pub fn open_in_memory() -> Result<Org, OrgError> {
        Org::open_in_memory_with(Edition::default())
    }

    /// A throwaway seeded org of `edition` in memory.
    pub fn open_in_memory_with(edition: Edition) -> Result<Org, OrgError> {
        Org::start(Store::open_in_memory()?, Some(edition))
    }

    /// Seeds the store as an org of `seed_as` when it was just created.
    fn start(store: Store, seed_as: Option<Edition>) -> Result<Org, OrgError> {
        let running = match seed_as.map(|edition| create(&store, edition)) {
            Some(created) => created?.ok_or_else(|| {
                OrgError::Corrupt("a new in-memory org already had tables".into())
            })?,
            None => find_admin(&store)?,
        };
        Ok(Org::with_running(store, running))
    }

    fn with_running(store: Store, running: RunningUser) -> Org {
        Org {
            store,
            running,
            limits: Limits::default(),
            in_transaction: false,
            enforce_license_limits: true,
            savepoints: Vec::new(),
            next_savepoint: 0,
            mixed: MixedDml::default(),
            test: None,
        }
    }

    /// Starts the Apex transaction; limits start from zero.
    pub fn begin(&mut self) -> Result<(), OrgError> {
        if self.in_transaction {
            return Err(OrgError::Transaction("begin inside a transaction"));
        }
        // IMMEDIATE takes the write lock up front, so two runs on one file
        // queue behind each other rather than deadlock when both write.
        self.store.conn().execute_batch("BEGIN IMMEDIATE")?;
        self.in_transaction = true;
        self.reset_transaction_state();
        Ok(())
    }

    /// Commits the Apex transaction.
    pub fn commit(&mut self) -> Result<(), OrgError> {
        if !self.in_transaction {
            return Err(OrgError::Transaction("commit without begin"));
        }
        self.store.conn().execute_batch("COMMIT")?;
        self.in_transaction = false;
        self.reset_transaction_state();
        Ok(())
    }

    /// Rolls the Apex transaction back: the file is exactly as before `begin`.
    pub fn rollback(&mut self) -> Result<(), OrgError> {
        if !self.in_transaction {
            return Err(OrgError::Transaction("rollback without begin"));
        }
        self.store.conn().execute_batch("ROLLBACK")?;
        self.in_transaction = false;
        self.reset_transaction_state();
        Ok(())
    }

    fn reset_transaction_state(&mut self) {
        self.limits = Limits::default();
        self.savepoints.clear();
        self.mixed = MixedDml::default();
        if let Some(test) = &mut self.test {
            *test = TestContext::default();
        }
    }

    /// Marks this org as running test methods: `Test.isRunningTest()` is
    /// true and `Test.startTest()`/`stopTest()` work.
    pub fn enter_test_mode(&mut self) {
        self.test = Some(TestContext::default());
    }

    /// `Test.isRunningTest()`.
    pub fn is_running_test(&self) -> bool {
        self.test.is_some()
    }

    /// `Test.startTest()`: the code up to `stopTest()` gets fresh governor
    /// limits. Once per test method. The exception's type and text when
    /// called twice, or outside a test, are guesses.
    pub fn start_test(&mut self) -> Result<(), ApexFailure> {
        let limits = self.limits;
        let test = self.test.as_mut().ok_or_else(not_in_test)?;
        if test.started {
            return Err(final_failure("Testing already started"));
        }
        test.started = true;
        test.outer = Some(limits);
        self.limits = Limits::default();
        Ok(())
    }

    /// `Test.stopTest()`: the method's own counters resume where
    /// `startTest()` left them. Once per test method, after `startTest()`
    /// (the texts of the refusals are guesses).
    pub fn stop_test(&mut self) -> Result<(), ApexFailure> {
        let test = self.test.as_mut().ok_or_else(not_in_test)?;
        if test.stopped {
            return Err(final_failure("Testing already stopped"));
        }
        let Some(outer) = test.outer.take() else {
            return Err(final_failure("Testing has not started"));
        };
        test.stopped = true;
        self.limits = outer;
        Ok(())
    }

    /// True between [`Org::begin`] and [`Org::commit`]/[`Org::rollback`].
    pub fn in_transaction(&self) -> bool {
        self.in_transaction
    }

    /// Runs one DML operation without triggers (see [`Org::start_save`] for
    /// the phased save that lets triggers run). `all_or_none`: if any row fails nothing of this
    /// call is written, yet every row's errors are collected; otherwise good
    /// rows are saved and bad ones reported. Insert sets the Id of each saved
    /// record. A governor limit, a duplicate Id in an update list or DML on an
    /// object that forbids it is an `Err(OrgError::Apex(..))`; the interpreter
    /// throws that exception. DML on an empty list does nothing and, as far
    /// as is known, counts no statement.
    pub fn dml(
        &mut self,
        op: DmlOp,
        records: &mut [Record],
        all_or_none: bool,
    ) -> Result<Vec<RowResult>, OrgError> {
        if records.is_empty() {
            return Ok(Vec::new());
        }
        self.limits
            .charge_dml(records.len())
            .map_err(OrgError::Apex)?;
        self.save(op, records, all_or_none)
    }

    /// Upsert matching existing records on the field at `key` (an idLookup
    /// field of the records' object) instead of on Id; see
    /// [`crate::data::external_id`]. Rows refused while matching are
    /// reported with the others and counted as DML rows. When `all_or_none`
    /// and a row is refused there, nothing is saved and the other rows are
    /// not validated, so only the matching errors are reported.
    pub fn upsert_by_field(
        &mut self,
        key: usize,
        records: &mut [Record],
        all_or_none: bool,
    ) -> Result<Vec<RowResult>, OrgError> {
        let Some(object) = records.first().map(|r| r.object) else {
            return Ok(Vec::new());
        };
        self.limits
            .charge_dml(records.len())
            .map_err(OrgError::Apex)?;
        let refused = external_id::match_rows(&self.store, object, key, records)?;
        upsert_matched(refused, records, all_or_none, |rows, all_or_none| {
            self.save(DmlOp::Upsert, rows, all_or_none)
        })
    }

    /// One DML call already counted against the limits.
    fn save(
        &mut self,
        op: DmlOp,
        records: &mut [Record],
        all_or_none: bool,
    ) -> Result<Vec<RowResult>, OrgError> {
        if let Some(error) = self.check_mixed_dml(op, records)? {
            return Ok(records
                .iter()
                .map(|r| failed_row(r, op, error.clone()))
                .collect());
        }
        let mut ctx = self.save_context(now());
        dml::execute(&mut ctx, op, records, all_or_none)
    }

    /// What one DML call works with, stamping audit fields with `now`.
    fn save_context(&self, now: NaiveDateTime) -> SaveContext<'_> {
        SaveContext {
            store: &self.store,
            running: &self.running,
            now,
            memo: RefMemo::default(),
            users: None,
            enforce_license_limits: self.enforce_license_limits,
        }
    }

    /// Runs a SOQL query. `binds` holds the values of the query's binds in
    /// source order, evaluated by the interpreter.
    pub fn query(&mut self, q: &SoqlQuery, binds: &[BindValue]) -> Result<QueryOutput, QueryError> {
        self.limits
            .charge_query()
            .map_err(|e| QueryError::Org(OrgError::Apex(e)))?;
        let output = soql::run(&self.store, q, binds)?;
        let rows = match &output {
            QueryOutput::Rows(rows) => rows.iter().map(|r| 1 + r.child_count()).sum(),
            QueryOutput::Aggregates { aggregated, .. } => *aggregated,
            QueryOutput::Count(_) => 1,
        };
        self.limits
            .charge_query_rows(rows)
            .map_err(|e| QueryError::Org(OrgError::Apex(e)))?;
        Ok(output)
    }

    /// The user code runs as.
    pub fn running_user(&self) -> &RunningUser {
        &self.running
    }

    /// Runs code as another user (`System.runAs`); returns the previous one.
    /// Counts one DML statement and, as the platform does inside `runAs`,
    /// stops enforcing license limits until [`Org::end_run_as`].
    pub fn run_as(&mut self, user: &Id) -> Result<RunningUser, OrgError> {
        self.limits.charge_dml_statement().map_err(OrgError::Apex)?;
        let found = load_running(&self.store, "\"Id\" = ?1", user.as_str())?;
        let next = found.ok_or(OrgError::Transaction("runAs of an unknown user"))?;
        self.enforce_license_limits = false;
        self.mixed = MixedDml::default();
        Ok(std::mem::replace(&mut self.running, next))
    }

    /// Makes `user` the user code runs as, for a whole run (`apexlite run
    /// --as`). Unlike [`Org::run_as`] it counts no DML statement and keeps
    /// license limits enforced. Who may be chosen is `login::log_in_as`'s
    /// business.
    pub fn set_running_user(&mut self, user: RunningUser) {
        self.running = user;
    }

    /// The edition in the Organization row; `None` for an edition apexlite
    /// does not create (a hand-edited `Personal Edition`, ...).
    pub fn edition(&self) -> Result<Option<Edition>, OrgError> {
        users::stored_edition(&self.store)
    }

    /// Ends a `System.runAs` block, going back to `previous`.
    pub fn end_run_as(&mut self, previous: RunningUser) {
        self.running = previous;
        self.enforce_license_limits = true;
        self.mixed = MixedDml::default();
    }

    /// The governor limit counters of the current transaction.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// The counters, writable (`Test.startTest()` swaps in fresh ones).
    pub fn limits_mut(&mut self) -> &mut Limits {
        &mut self.limits
    }

    /// `Database.setSavepoint()`: counts a DML statement, returns a handle.
    pub fn set_savepoint(&mut self) -> Result<u32, OrgError> {
        self.limits.charge_dml_statement().map_err(OrgError::Apex)?;
        self.next_savepoint += 1;
        let n = self.next_savepoint;
        self.store
            .conn()
            .execute_batch(&format!("SAVEPOINT apexlite_sp_{n}"))?;
        self.savepoints.push(n);
        Ok(n)
    }

    /// `Database.rollback(sp)`: undoes everything since the savepoint and
    /// invalidates later ones. Using an invalid savepoint raises
    /// `System.TransactionException` (type and text are guesses).
    pub fn rollback_to_savepoint(&mut self, savepoint: u32) -> Result<(), OrgError> {
        self.limits.charge_dml_statement().map_err(OrgError::Apex)?;
        let Some(pos) = self.savepoints.iter().position(|&s| s == savepoint) else {
            return Err(OrgError::Apex(ApexFailure {
                type_name: "System.TransactionException",
                message: "Savepoint does not exist in this context".into(),
            }));
        };
        self.savepoints.truncate(pos + 1);
        self.store
            .conn()
            .execute_batch(&format!("ROLLBACK TO apexlite_sp_{savepoint}"))?;
        Ok(())
    }

    /// Whether inserting users beyond a license's seats fails (true unless
    /// inside `runAs`).
    pub fn set_license_limits_enforced(&mut self, enforced: bool) {
        self.enforce_license_limits = enforced;
    }

    /// The stored record with every field, deleted or not (for tools and
    /// tests; Apex code reads through SOQL).
    pub fn fetch(&self, id: &Id) -> Result<Option<Record>, OrgError> {
        match schema().object_by_prefix(id.prefix()) {
            Some(object) => self.store.fetch(object, id),
            None => Ok(None),
        }
    }

    /// The underlying store.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The `MIXED_DML_OPERATION` error for this call, if it mixes setup and
    /// non-setup objects with earlier DML of the transaction (DOMAIN.md §7.6).
    fn check_mixed_dml(
        &mut self,
        op: DmlOp,
        records: &[Record],
    ) -> Result<Option<DmlError>, OrgError> {
        if matches!(op, DmlOp::Delete | DmlOp::Undelete) {
            return Ok(None);
        }
        // A list holding several objects is saved object by object, in order
        // of first appearance, and mixes as separate statements would.
        let mut objects: Vec<&'static ObjectDef> = Vec::new();
        for record in records {
            if !objects.iter().any(|o| std::ptr::eq(*o, record.object)) {
                objects.push(record.object);
            }
        }
        let before = self.mixed;
        for object in objects {
            let group: Vec<&Record> = records
                .iter()
                .filter(|r| std::ptr::eq(r.object, object))
                .collect();
            if let Some(error) = self.check_mixed_object(op, object, &group)? {
                // Nothing of the call is saved, so it marks no object.
                self.mixed = before;
                return Ok(Some(error));
            }
        }
        Ok(None)
    }

    /// [`Org::check_mixed_dml`] for the records of one object.
    fn check_mixed_object(
        &mut self,
        op: DmlOp,
        object: &'static ObjectDef,
        records: &[&Record],
    ) -> Result<Option<DmlError>, OrgError> {
        let (now, earlier) = if object.setup {
            if self.user_exempt(op, records)? {
                return Ok(None);
            }
            (&mut self.mixed.setup, self.mixed.non_setup)
        } else {
            (&mut self.mixed.non_setup, self.mixed.setup)
        };
        if let Some(original) = earlier {
            let message = format!(
                "DML operation on setup object is not permitted after you have updated a \
                 non-setup object (or vice versa): {}, original object: {original}",
                object.name
            );
            return Ok(Some(DmlError::new(
                StatusCode::MixedDmlOperation,
                message,
                &[],
            )));
        }
        now.get_or_insert(object.name);
        Ok(None)
    }

    /// User DML that may mix: insert without a role, update that changes
    /// none of the restricted fields.
    fn user_exempt(&self, op: DmlOp, records: &[&Record]) -> Result<bool, OrgError> {
        const RESTRICTED: [&str; 6] = [
            "UserRoleId",
            "IsActive",
            "ForecastEnabled",
            "IsPortalEnabled",
            "Username",
            "ProfileId",
        ];
        if records[0].object.name != "User" {
            return Ok(false);
        }
        for record in records {
            let role = record
                .get_by_name("UserRoleId")
                .is_some_and(|v| !v.is_null());
            let stored = match (op, record.id()) {
                (DmlOp::Update | DmlOp::Upsert, Some(id)) => self.fetch(id)?,
                _ => None,
            };
            let Some(stored) = stored else {
                if role {
                    return Ok(false);
                }
                continue;
            };
            let changed = RESTRICTED.iter().any(|name| {
                record
                    .get_by_name(name)
                    .is_some_and(|v| stored.get_by_name(name) != Some(v))
            });
            if changed {
                return Ok(false);
            }
        }
        Ok(true)
    }
}

fn failed_row(record: &Record, op: DmlOp, error: DmlError) -> RowResult {
    let id = if op == DmlOp::Insert {
        None
    } else {
        record.id().copied()
    };
    RowResult {
        id,
        errors: vec![error],
        created: false,
    }
}

/// Now, to the second, as the platform stamps audit fields.
fn now() -> NaiveDateTime {
    Utc::now().naive_utc().trunc_subsecs(0)
}

/// `System.FinalException` with `message`.
fn final_failure(message: &str) -> ApexFailure {
    ApexFailure {
        type_name: "System.FinalException",
        message: message.into(),
    }
}

/// `Test` methods called where no test runs (the text is a guess).
fn not_in_test() -> ApexFailure {
    final_failure("Test methods can only be called from test code")
}

/// Creates and seeds the org's tables under the write lock, or returns
/// `None` when another process created them first.
fn create(store: &Store, edition: Edition) -> Result<Option<RunningUser>, OrgError> {
    store.conn().execute_batch("BEGIN IMMEDIATE")?;
    let exists = store.conn().query_row(
        "SELECT count(*) FROM sqlite_master WHERE name = 'apexlite_meta'",
        [],
        |r| r.get::<_, i64>(0),
    );
    match exists {
        Ok(0) => {}
        Ok(_) => {
            store.conn().execute_batch("ROLLBACK")?;
            return Ok(None);
        }
        Err(e) => {
            let _ = store.conn().execute_batch("ROLLBACK");
            return Err(e.into());
        }
    }
    let seeded = store
        .create_tables()
        .and_then(|()| seed::seed(store, now(), edition));
    match seeded {
        Ok(user) => {
            store.conn().execute_batch("COMMIT")?;
            Ok(Some(user))
        }
        Err(e) => {
            let _ = store.conn().execute_batch("ROLLBACK");
            Err(e)
        }
    }
}

fn find_admin(store: &Store) -> Result<RunningUser, OrgError> {
    load_running(store, "\"Username\" = ?1", seed::ADMIN_USERNAME)?.ok_or(OrgError::Corrupt(
        format!("no user {}", seed::ADMIN_USERNAME),
    ))
}

fn load_running(store: &Store, filter: &str, value: &str) -> Result<Option<RunningUser>, OrgError> {
    let sql = format!("SELECT \"Id\", \"Username\", \"ProfileId\" FROM \"User\" WHERE {filter}");
    let row: Option<(String, String, String)> = store
        .conn()
        .query_row(&sql, [value], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    let Some((id, username, profile)) = row else {
        return Ok(None);
    };
    match (Id::parse(&id), Id::parse(&profile)) {
        (Some(id), Some(profile_id)) => Ok(Some(RunningUser {
            id,
            username,
            profile_id,
        })),
        _ => Err(OrgError::Corrupt(format!("user {id} has a malformed Id"))),
    }
}

/// The object definition for a name, for callers building records.
pub fn object(name: &str) -> Option<&'static ObjectDef> {
    schema().object(name)
}

/// Shorthand for a text field value.
pub fn text(value: &str) -> FieldValue {
    FieldValue::Text(value.into())
}

#[cfg(test)]
pub mod testkit;

#[cfg(test)]
mod tests;
