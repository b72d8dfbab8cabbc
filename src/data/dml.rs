//! The save pipeline: insert, update, upsert, delete and undelete of records,
//! in the platform's order of execution, and their per-row results.
//!
//! Order for insert and update (DOMAIN.md §8.1, without flows, rules and
//! workflow): system fields and defaults; field validation (types, lengths,
//! restricted picklists, e-mail, lookups); before triggers; required fields;
//! the object's rules (`org::users` for User: permissions, contacts,
//! uniqueness, license seats); the write; after triggers. Every row goes
//! through every step so all errors are collected; with all-or-none a single
//! failing row rolls the whole call back to its statement savepoint.
//!
//! [`execute`] runs a call in one go (no triggers). When triggers fire, the
//! caller drives the same steps in phases ([`begin_staged`], then per
//! [`Stage`] [`prepare_stage`] and [`write_stage`], then [`finish_staged`]),
//! running Apex between them with the whole org at hand: trigger code may
//! run DML and SOQL of its own, which nest in the statement savepoint.

use std::collections::HashSet;

use chrono::NaiveDateTime;
use rusqlite::OptionalExtension;

use crate::data::id::Id;
use crate::data::record::{FieldValue, Record};
use crate::data::schema::{FieldType, ObjectDef};
pub use crate::data::status::{DmlError, RowResult, StatusCode, exception_message};
use crate::data::store::{ApexFailure, OrgError, Store};
use crate::data::validate::{self, RefMemo};
use crate::org::users::{self, RunningUser, UserRules};
pub use crate::syntax::ast::DmlOp;

mod staged;

pub use staged::{Stage, StagedCall, begin_staged, finish_staged, prepare_stage, write_stage};

/// What one DML call works with.
pub struct SaveContext<'a> {
    /// The tables.
    pub store: &'a Store,
    /// Who runs the DML: owner and audit fields, permission checks.
    pub running: &'a RunningUser,
    /// The time stamped on audit fields.
    pub now: NaiveDateTime,
    /// Lookups already checked in this call.
    pub memo: RefMemo,
    /// User rules state, loaded on the first User row.
    pub users: Option<UserRules>,
    /// False inside `System.runAs`, which ignores license limits.
    pub enforce_license_limits: bool,
}

impl SaveContext<'_> {
    /// The user rules, loading profiles and licenses on first use.
    pub fn user_rules(&mut self) -> Result<&mut UserRules, OrgError> {
        if self.users.is_none() {
            self.users = Some(UserRules::load(self.store, self.running)?);
        }
        self.users
            .as_mut()
            .ok_or(OrgError::Corrupt("user rules not loaded".into()))
    }
}

/// One row on its way through the pipeline.
struct Slot {
    /// Index in the caller's list.
    index: usize,
    /// The record as it will be written.
    row: Record,
    /// The stored record before this call (update, delete, undelete).
    old: Option<Record>,
    errors: Vec<DmlError>,
}

impl Slot {
    fn new(index: usize, row: Record) -> Slot {
        Slot {
            index,
            row,
            old: None,
            errors: Vec::new(),
        }
    }

    fn fail(&mut self, error: DmlError) {
        self.errors.push(error);
    }

    fn ok(&self) -> bool {
        self.errors.is_empty()
    }
}

/// Runs one DML operation on `records`. Returns one result per record, in
/// order; on success insert writes each new Id into its record. Records of
/// several objects are saved object by object, in order of first appearance.
pub fn execute(
    ctx: &mut SaveContext<'_>,
    op: DmlOp,
    records: &mut [Record],
    all_or_none: bool,
) -> Result<Vec<RowResult>, OrgError> {
    refuse_call(op, records)?;
    let conn = ctx.store.conn();
    conn.execute_batch("SAVEPOINT apexlite_dml")?;
    match run_groups(ctx, op, records) {
        Ok(outcome) => end_call(ctx, records, all_or_none, outcome),
        Err(e) => {
            // Leave the transaction as it was before the call, then report.
            abort_call(ctx.store);
            Err(e)
        }
    }
}

/// Refusals of a whole call: objects Apex may not write, duplicate Ids.
fn refuse_call(op: DmlOp, records: &[Record]) -> Result<(), OrgError> {
    for record in records.iter() {
        refuse_unsupported(op, record.object)?;
    }
    if op == DmlOp::Update || op == DmlOp::Upsert {
        refuse_duplicate_ids(records)?;
    }
    Ok(())
}

/// Releases the statement savepoint, or rolls back to it when all-or-none
/// and a row failed; on success writes new Ids into `records`.
fn end_call(
    ctx: &mut SaveContext<'_>,
    records: &mut [Record],
    all_or_none: bool,
    (mut results, new_ids): Outcome,
) -> Result<Vec<RowResult>, OrgError> {
    let conn = ctx.store.conn();
    let failed = results.iter().any(|r| !r.is_success());
    if all_or_none && failed {
        conn.execute_batch("ROLLBACK TO apexlite_dml; RELEASE apexlite_dml")?;
        ctx.memo.clear();
        clear_new_ids(&mut results, &new_ids);
    } else {
        conn.execute_batch("RELEASE apexlite_dml")?;
        for (index, id) in new_ids {
            records[index].set(0, FieldValue::Id(id));
        }
    }
    Ok(results)
}

/// Undoes everything since the statement savepoint and drops it: a call
/// that failed with an error rather than row errors.
pub fn abort_call(store: &Store) {
    // The failure being reported matters more than one while undoing it.
    let _ = store
        .conn()
        .execute_batch("ROLLBACK TO apexlite_dml; RELEASE apexlite_dml");
}

type Outcome = (Vec<RowResult>, Vec<(usize, Id)>);

fn run_groups(
    ctx: &mut SaveContext<'_>,
    op: DmlOp,
    records: &[Record],
) -> Result<Outcome, OrgError> {
    let mut results = vec![RowResult::default(); records.len()];
    let mut new_ids = Vec::new();
    for object in objects_of(records) {
        let slots = slots_of(records, object);
        let done = match op {
            DmlOp::Insert => insert(ctx, slots)?,
            DmlOp::Update => update(ctx, slots)?,
            DmlOp::Upsert => upsert(ctx, slots)?,
            DmlOp::Delete => delete(ctx, slots, true)?,
            DmlOp::Undelete => delete(ctx, slots, false)?,
        };
        record_results(records, done, &mut results, &mut new_ids);
    }
    Ok((results, new_ids))
}

/// The objects of the records, in order of first appearance.
fn objects_of(records: &[Record]) -> Vec<&'static ObjectDef> {
    let mut objects: Vec<&'static ObjectDef> = Vec::new();
    for record in records {
        if !objects.iter().any(|o| std::ptr::eq(*o, record.object)) {
            objects.push(record.object);
        }
    }
    objects
}

/// The records of `object` as pipeline rows, each remembering its index.
fn slots_of(records: &[Record], object: &'static ObjectDef) -> Vec<Slot> {
    records
        .iter()
        .enumerate()
        .filter(|(_, r)| std::ptr::eq(r.object, object))
        .map(|(i, r)| Slot::new(i, r.clone()))
        .collect()
}

/// Moves the rows' outcomes into the call's results; `created` marks rows
/// that were inserted.
fn record_results(
    records: &[Record],
    done: Vec<(Slot, bool)>,
    results: &mut [RowResult],
    new_ids: &mut Vec<(usize, Id)>,
) {
    for (slot, created) in done {
        let result = &mut results[slot.index];
        result.id = slot.row.id().copied();
        result.created = created && slot.ok();
        if created && slot.ok() {
            new_ids.extend(result.id.map(|id| (slot.index, id)));
        }
        // A failed insert reports no Id, unless the caller had set one
        // (the platform names it in the error).
        if created && !slot.ok() {
            result.id = records[slot.index].id().copied();
        }
        result.errors = slot.errors;
    }
}

fn clear_new_ids(results: &mut [RowResult], new_ids: &[(usize, Id)]) {
    for (index, _) in new_ids {
        results[*index].id = None;
        results[*index].created = false;
    }
}

/// Objects the platform does not let Apex write. Delete and undelete of User
/// are a compile error in Apex; reaching the data layer anyway (through a
/// generic `List<SObject>`) raises the same text as a `System.TypeException`
/// (the exception type is a guess).
fn refuse_unsupported(op: DmlOp, object: &ObjectDef) -> Result<(), OrgError> {
    let read_only = matches!(
        object.name,
        "Profile" | "UserLicense" | "Organization" | "DelegateGroup" | "DelegateGroupMember"
    );
    let no_delete = object.name == "User" && matches!(op, DmlOp::Delete | DmlOp::Undelete);
    let no_undelete = op == DmlOp::Undelete && !object.has_recycle_bin();
    if read_only || no_delete || no_undelete {
        let op = op.title().to_ascii_uppercase();
        return Err(OrgError::Apex(ApexFailure {
            type_name: "System.TypeException",
            message: format!("DML operation {op} not allowed on {}", object.name),
        }));
    }
    Ok(())
}

/// `System.ListException: Duplicate id in list: <id>` for update and upsert.
fn refuse_duplicate_ids(records: &[Record]) -> Result<(), OrgError> {
    let mut seen = HashSet::new();
    for id in records.iter().filter_map(Record::id) {
        if !seen.insert(*id) {
            return Err(OrgError::Apex(ApexFailure {
                type_name: "System.ListException",
                message: format!("Duplicate id in list: {id}"),
            }));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------- insert

fn insert(ctx: &mut SaveContext<'_>, mut slots: Vec<Slot>) -> Result<Vec<(Slot, bool)>, OrgError> {
    for slot in &mut slots {
        prepare_insert(ctx, slot)?;
    }
    check_inserts(ctx, &mut slots)?;
    write_inserts(ctx, &mut slots)?;
    Ok(slots.into_iter().map(|s| (s, true)).collect())
}

/// Step 5 for new rows, after before triggers: required fields, the
/// object's rules, uniqueness.
fn check_inserts(ctx: &mut SaveContext<'_>, slots: &mut [Slot]) -> Result<(), OrgError> {
    if slots.first().is_some_and(|s| s.row.object.name == "User") {
        users::read_unique_values(ctx, slots.iter().filter(|s| s.ok()).map(|s| &s.row))?;
    }
    for slot in slots.iter_mut().filter(|s| s.ok()) {
        if let Some(error) = validate::check_required(&slot.row) {
            slot.fail(error);
            continue;
        }
        if slot.row.object.name == "User" {
            users::check_insert(ctx, &mut slot.row, &mut slot.errors)?;
        } else if let Some(error) = validate::check_unique(ctx.store, &mut ctx.memo, &slot.row)? {
            slot.fail(error);
        }
    }
    Ok(())
}

/// Steps 1–2 for a new row: refuse a preset Id, drop fields the platform does
/// not let callers create, fill defaults, validate the fields.
fn prepare_insert(ctx: &mut SaveContext<'_>, slot: &mut Slot) -> Result<(), OrgError> {
    if slot.row.object.name == "User"
        && let Some(error) = users::check_object_access(ctx)?
    {
        slot.fail(error);
        return Ok(());
    }
    if slot.row.id().is_some() {
        let code = StatusCode::InvalidFieldForInsertUpdate;
        slot.fail(DmlError::new(
            code,
            "cannot specify Id in an insert call",
            &["Id"],
        ));
        return Ok(());
    }
    let object = slot.row.object;
    for (i, field) in object.fields.iter().enumerate() {
        // Apex quietly ignores read-only fields it is handed (a cloned or
        // queried record carries them); so does apexlite.
        if !field.createable {
            slot.row.unset(i);
        }
    }
    apply_defaults(ctx, &mut slot.row);
    let set: Vec<usize> = slot.row.set_fields().map(|(i, _)| i).collect();
    let errors = validate::check_fields(ctx.store, &mut ctx.memo, &mut slot.row, &set)?;
    slot.errors.extend(errors);
    Ok(())
}

/// Defaults the platform fills on create: checkboxes are never null, users
/// start active, records are owned by the running user.
fn apply_defaults(ctx: &SaveContext<'_>, row: &mut Record) {
    let object = row.object;
    for (i, field) in object.fields.iter().enumerate() {
        if field.ty == FieldType::Boolean && validate::is_blank(row.get(i)) {
            let on = object.name == "User" && field.name == "IsActive";
            row.set(i, FieldValue::Bool(on));
        }
    }
    if object.field("OwnerId").is_some() && validate::is_blank(row.get_by_name("OwnerId")) {
        row.set_by_name("OwnerId", FieldValue::Id(ctx.running.id));
    }
    if object.name == "User" {
        for (name, value) in [
            ("DigestFrequency", "N"),
            ("DefaultGroupNotificationFrequency", "N"),
        ] {
            if validate::is_blank(row.get_by_name(name)) {
                row.set_by_name(name, FieldValue::Text(value.into()));
            }
        }
    }
}

fn write_inserts(ctx: &mut SaveContext<'_>, slots: &mut [Slot]) -> Result<(), OrgError> {
    let ok = slots.iter().filter(|s| s.ok()).count() as u64;
    let Some(object) = slots.first().map(|s| s.row.object) else {
        return Ok(());
    };
    if ok == 0 {
        return Ok(());
    }
    let first = ctx.store.reserve_ids(object.key_prefix, ok)?;
    for (n, slot) in (first..).zip(slots.iter_mut().filter(|s| s.ok())) {
        let id = Id::generate(object.key_prefix, n);
        let row = &mut slot.row;
        row.set(0, FieldValue::Id(id));
        stamp_audit(ctx, row, true);
        finish_row(row);
        ctx.memo.insert(id);
    }
    let saved = slots.iter().filter(|s| s.ok()).map(|s| &s.row);
    ctx.store.insert_all(saved)?;
    if let Some(rules) = ctx.users.as_mut() {
        rules.write_seats(ctx.store, ctx.now)?;
    }
    Ok(())
}

/// Sets the audit fields: all of them on create, the last-modified ones
/// on every save.
fn stamp_audit(ctx: &SaveContext<'_>, row: &mut Record, created: bool) {
    let now = FieldValue::DateTime(ctx.now);
    let by = FieldValue::Id(ctx.running.id);
    if created {
        row.set_by_name("CreatedDate", now.clone());
        row.set_by_name("CreatedById", by.clone());
    }
    row.set_by_name("LastModifiedDate", now.clone());
    row.set_by_name("LastModifiedById", by);
    row.set_by_name("SystemModstamp", now);
}

/// Computed fields: `Name` of people is `FirstName LastName`.
fn finish_row(row: &mut Record) {
    if !matches!(row.object.name, "User" | "Contact") {
        return;
    }
    let text = |name| {
        row.get_by_name(name)
            .and_then(FieldValue::as_text)
            .unwrap_or("")
    };
    let (first, last) = (text("FirstName"), text("LastName"));
    let mut name = String::with_capacity(first.len() + last.len() + 1);
    name.push_str(first);
    if !first.is_empty() && !last.is_empty() {
        name.push(' ');
    }
    name.push_str(last);
    let value = if name.is_empty() {
        FieldValue::Null
    } else {
        FieldValue::Text(name.into())
    };
    row.set_by_name("Name", value);
}

// ---------------------------------------------------------------- update

fn update(ctx: &mut SaveContext<'_>, mut slots: Vec<Slot>) -> Result<Vec<(Slot, bool)>, OrgError> {
    let mut changed = Vec::with_capacity(slots.len());
    for slot in &mut slots {
        changed.push(prepare_update(ctx, slot)?);
    }
    check_updates(ctx, &mut slots, &changed)?;
    write_updates(ctx, &mut slots)?;
    mirror_contacts(ctx, &slots)?;
    Ok(slots.into_iter().map(|s| (s, false)).collect())
}

/// Step 5 for changed rows, after before triggers: required fields, the
/// object's rules, uniqueness. `changed[i]` lists the fields the caller set
/// on `slots[i]`.
fn check_updates(
    ctx: &mut SaveContext<'_>,
    slots: &mut [Slot],
    changed: &[Vec<usize>],
) -> Result<(), OrgError> {
    for (slot, changed) in slots.iter_mut().zip(changed) {
        if !slot.ok() {
            continue;
        }
        if let Some(error) = validate::check_required(&slot.row) {
            slot.fail(error);
            continue;
        }
        let Some(old) = slot.old.as_ref() else {
            continue;
        };
        match slot.row.object.name {
            "User" => users::check_update(ctx, old, &mut slot.row, changed, &mut slot.errors)?,
            "Contact" => users::check_portal_contact(ctx, old, &slot.row, &mut slot.errors)?,
            _ => {}
        }
        if let Some(error) = validate::check_unique(ctx.store, &mut ctx.memo, &slot.row)? {
            slot.fail(error);
        }
    }
    Ok(())
}

/// A saved contact's account is mirrored onto its portal user.
fn mirror_contacts(ctx: &mut SaveContext<'_>, slots: &[Slot]) -> Result<(), OrgError> {
    for slot in slots
        .iter()
        .filter(|s| s.ok() && s.row.object.name == "Contact")
    {
        users::mirror_contact_account(ctx, &slot.row)?;
    }
    Ok(())
}

/// Loads the stored row, overlays the fields the caller set (updateable ones
/// only) and validates them. Returns the indexes of the fields written.
fn prepare_update(ctx: &mut SaveContext<'_>, slot: &mut Slot) -> Result<Vec<usize>, OrgError> {
    let Some(old) = load_existing(ctx, slot, "update")? else {
        return Ok(Vec::new());
    };
    let object = old.object;
    let changed: Vec<usize> = slot
        .row
        .set_fields()
        .map(|(i, _)| i)
        .filter(|&i| i != 0 && object.fields[i].updateable)
        .collect();
    let mut merged = old.clone();
    for &i in &changed {
        if let Some(value) = slot.row.get(i) {
            merged.set(i, value.clone());
        }
    }
    let errors = validate::check_fields(ctx.store, &mut ctx.memo, &mut merged, &changed)?;
    slot.errors.extend(errors);
    slot.row = merged;
    slot.old = Some(old);
    Ok(changed)
}

/// The stored, live record a row names, or an error on the slot: missing Id
/// (`MISSING_ARGUMENT`), unknown Id (`INVALID_CROSS_REFERENCE_KEY`, a guess
/// for update), deleted record (`ENTITY_IS_DELETED`).
fn load_existing(
    ctx: &mut SaveContext<'_>,
    slot: &mut Slot,
    call: &str,
) -> Result<Option<Record>, OrgError> {
    let Some(id) = slot.row.id().copied() else {
        let article = if call == "delete" { "a" } else { "an" };
        let message = format!("Id not specified in {article} {call} call");
        slot.fail(DmlError::new(StatusCode::MissingArgument, message, &[]));
        return Ok(None);
    };
    let object = slot.row.object;
    let old = if id.prefix() == object.key_prefix {
        ctx.store.fetch(object, &id)?
    } else {
        None
    };
    let Some(old) = old else {
        let code = StatusCode::InvalidCrossReferenceKey;
        slot.fail(DmlError::new(code, "invalid cross reference id", &[]));
        return Ok(None);
    };
    if matches!(old.get_by_name("IsDeleted"), Some(FieldValue::Bool(true))) && call != "undelete" {
        slot.fail(DmlError::new(
            StatusCode::EntityIsDeleted,
            "entity is deleted",
            &[],
        ));
        return Ok(None);
    }
    Ok(Some(old))
}

fn write_updates(ctx: &mut SaveContext<'_>, slots: &mut [Slot]) -> Result<(), OrgError> {
    for slot in slots.iter_mut().filter(|s| s.ok()) {
        let Some(old) = slot.old.as_ref() else {
            continue;
        };
        let row = &mut slot.row;
        finish_row(row);
        stamp_audit(ctx, row, false);
        let fields: Vec<(usize, FieldValue)> = (1..row.object.fields.len())
            .filter_map(|i| {
                let new = row.get(i)?;
                (old.get(i) != Some(new)).then(|| (i, new.clone()))
            })
            .collect();
        let id = *old
            .id()
            .ok_or(OrgError::Corrupt("stored row without Id".into()))?;
        ctx.store.update(row.object, &id, &fields)?;
    }
    if let Some(rules) = ctx.users.as_mut() {
        rules.write_seats(ctx.store, ctx.now)?;
    }
    Ok(())
}

// ---------------------------------------------------------------- upsert

/// Upsert by Id: rows with an Id are updated, the others inserted. Upsert on
/// an external Id field is not supported.
fn upsert(ctx: &mut SaveContext<'_>, slots: Vec<Slot>) -> Result<Vec<(Slot, bool)>, OrgError> {
    let (existing, new): (Vec<Slot>, Vec<Slot>) =
        slots.into_iter().partition(|s| s.row.id().is_some());
    let mut done = update(ctx, existing)?;
    done.extend(insert(ctx, new)?);
    done.sort_by_key(|(s, _)| s.index);
    Ok(done)
}

// ---------------------------------------------------------- delete/undelete

/// Delete (`deleting`) or undelete. Objects with a recycle bin flip
/// `IsDeleted`; others (UserRole) are removed for good. Deleting an Account
/// sends its contacts to the recycle bin too, and undeleting it brings them
/// back.
fn delete(
    ctx: &mut SaveContext<'_>,
    mut slots: Vec<Slot>,
    deleting: bool,
) -> Result<Vec<(Slot, bool)>, OrgError> {
    prepare_deletes(ctx, &mut slots, deleting)?;
    write_deletes(ctx, &mut slots, deleting)?;
    Ok(slots.into_iter().map(|s| (s, false)).collect())
}

/// Loads each row's stored record and checks that it may be deleted (or
/// undeleted).
fn prepare_deletes(
    ctx: &mut SaveContext<'_>,
    slots: &mut [Slot],
    deleting: bool,
) -> Result<(), OrgError> {
    let call = if deleting { "delete" } else { "undelete" };
    for slot in slots.iter_mut() {
        let Some(old) = load_existing(ctx, slot, call)? else {
            continue;
        };
        let deleted = matches!(old.get_by_name("IsDeleted"), Some(FieldValue::Bool(true)));
        if !deleting && !deleted {
            let code = StatusCode::UndeleteFailed;
            slot.fail(DmlError::new(code, "Entity is not in the recycle bin", &[]));
        } else if !deleting && old.object.name == "Contact" {
            check_contact_undelete(ctx, &old, slot)?;
        } else if deleting && old.object.name == "Contact" {
            check_contact_delete(ctx, &old, slot)?;
        } else if deleting && old.object.name == "Account" {
            check_account_delete(ctx, &old, slot)?;
        } else if deleting && old.object.name == "UserRole" {
            check_role_delete(ctx, &old, slot)?;
        }
        slot.row = old;
    }
    Ok(())
}

fn write_deletes(
    ctx: &mut SaveContext<'_>,
    slots: &mut [Slot],
    deleting: bool,
) -> Result<(), OrgError> {
    for slot in slots.iter_mut().filter(|s| s.ok()) {
        write_delete(ctx, &mut slot.row, deleting)?;
    }
    ctx.memo.clear();
    Ok(())
}

/// An account whose contacts include a portal user's cannot be deleted, as
/// deleting it would take that contact along. The message is a guess
/// modelled on the platform's wording.
fn check_account_delete(
    ctx: &mut SaveContext<'_>,
    account: &Record,
    slot: &mut Slot,
) -> Result<(), OrgError> {
    let Some(id) = account.id() else {
        return Ok(());
    };
    let linked: bool = ctx.store.conn().query_row(
        "SELECT EXISTS (SELECT 1 FROM \"User\" u JOIN \"Contact\" c ON c.\"Id\" = u.\"ContactId\" \
         WHERE c.\"AccountId\" = ?1)",
        [id.to_string()],
        |r| r.get(0),
    )?;
    if linked {
        let message = "Your attempt to delete this account could not be completed because one \
                       of its contacts is associated with a portal user.";
        slot.fail(DmlError::new(StatusCode::DeleteFailed, message, &[]));
    }
    Ok(())
}

/// A contact whose account is in the recycle bin cannot come back on its
/// own: the account must be undeleted first (which brings back the contacts
/// its deletion took along). The code is the platform's for a refused
/// undelete; the text is a guess. Rows are saved object by object in order
/// of first appearance, so in one call an account listed before its contact
/// is back in time, one listed after it is not.
fn check_contact_undelete(
    ctx: &mut SaveContext<'_>,
    contact: &Record,
    slot: &mut Slot,
) -> Result<(), OrgError> {
    let Some(account) = contact.get_by_name("AccountId").and_then(FieldValue::as_id) else {
        return Ok(());
    };
    let deleted: bool = ctx
        .store
        .conn()
        .query_row(
            "SELECT \"IsDeleted\" FROM \"Account\" WHERE \"Id\" = ?1",
            [account.as_str()],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or(false);
    if deleted {
        let message = "Cannot undelete this contact because its account is in the recycle bin. \
                       Undelete the account first.";
        slot.fail(DmlError::new(StatusCode::UndeleteFailed, message, &[]));
    }
    Ok(())
}

/// A role that users hold cannot be deleted. The message is a guess
/// modelled on the platform's wording.
fn check_role_delete(
    ctx: &mut SaveContext<'_>,
    role: &Record,
    slot: &mut Slot,
) -> Result<(), OrgError> {
    let Some(id) = role.id() else {
        return Ok(());
    };
    let held: bool = ctx.store.conn().query_row(
        "SELECT EXISTS (SELECT 1 FROM \"User\" WHERE \"UserRoleId\" = ?1)",
        [id.to_string()],
        |r| r.get(0),
    )?;
    if held {
        let message = "Cannot delete this role because it is assigned to one or more users.";
        slot.fail(DmlError::new(StatusCode::DeleteFailed, message, &[]));
    }
    Ok(())
}

/// A contact that a portal user points at cannot be deleted. The message is
/// a guess modelled on the platform's wording.
fn check_contact_delete(
    ctx: &mut SaveContext<'_>,
    contact: &Record,
    slot: &mut Slot,
) -> Result<(), OrgError> {
    let Some(id) = contact.id() else {
        return Ok(());
    };
    let user = crate::data::schema::schema().object("User");
    let linked = match user {
        Some(user) => {
            let value = rusqlite::types::Value::Text(id.to_string());
            ctx.store.find_other(user, "ContactId", &value, None)?
        }
        None => None,
    };
    if linked.is_some() {
        let message = "Your attempt to delete this contact could not be completed because it is \
                       associated with a portal user.";
        slot.fail(DmlError::new(StatusCode::DeleteFailed, message, &[]));
    }
    Ok(())
}

fn write_delete(ctx: &SaveContext<'_>, row: &mut Record, deleting: bool) -> Result<(), OrgError> {
    let object = row.object;
    let id = *row
        .id()
        .ok_or(OrgError::Corrupt("stored row without Id".into()))?;
    if !object.has_recycle_bin() {
        let sql = format!("DELETE FROM \"{}\" WHERE \"Id\" = ?1", object.name);
        ctx.store.conn().execute(&sql, [id.as_str()])?;
        return Ok(());
    }
    row.set_by_name("IsDeleted", FieldValue::Bool(deleting));
    stamp_audit(ctx, row, false);
    let fields: Vec<(usize, FieldValue)> = [
        "IsDeleted",
        "LastModifiedDate",
        "LastModifiedById",
        "SystemModstamp",
    ]
    .iter()
    .filter_map(|n| Some((object.field_index(n)?, row.get_by_name(n)?.clone())))
    .collect();
    ctx.store.update(object, &id, &fields)?;
    match object.name {
        "Account" => cascade_contacts(ctx, &id, deleting)?,
        "Contact" if !deleting => {
            // Brought back on its own, it no longer waits for its account.
            ctx.store.conn().execute_batch(CASCADE_TABLE)?;
            ctx.store.conn().execute(
                "DELETE FROM apexlite_cascade WHERE child = ?1",
                [id.as_str()],
            )?;
        }
        _ => {}
    }
    Ok(())
}

/// Which contacts went to the recycle bin with which account, so that
/// undeleting the account brings back exactly those. Made on first use, so
/// org files of earlier versions need no change.
const CASCADE_TABLE: &str =
    "CREATE TABLE IF NOT EXISTS apexlite_cascade (parent TEXT NOT NULL, child TEXT NOT NULL)";

/// Deleting an Account sends its live contacts to the recycle bin with it,
/// noting which they were; undeleting it brings back exactly those, not
/// contacts deleted on their own before it.
fn cascade_contacts(ctx: &SaveContext<'_>, account: &Id, deleting: bool) -> Result<(), OrgError> {
    let conn = ctx.store.conn();
    conn.execute_batch(CASCADE_TABLE)?;
    if deleting {
        let stamp = modstamp(ctx, "Account", account)?;
        conn.execute(
            "INSERT INTO apexlite_cascade (parent, child) SELECT ?1, \"Id\" FROM \"Contact\" \
             WHERE \"AccountId\" = ?1 AND \"IsDeleted\" = 0",
            [account.as_str()],
        )?;
        conn.execute(
            "UPDATE \"Contact\" SET \"IsDeleted\" = 1, \"SystemModstamp\" = ?2 \
             WHERE \"AccountId\" = ?1 AND \"IsDeleted\" = 0",
            rusqlite::params![account.as_str(), stamp],
        )?;
    } else {
        conn.execute(
            "UPDATE \"Contact\" SET \"IsDeleted\" = 0 WHERE \"IsDeleted\" = 1 AND \"Id\" IN \
             (SELECT child FROM apexlite_cascade WHERE parent = ?1)",
            [account.as_str()],
        )?;
        conn.execute(
            "DELETE FROM apexlite_cascade WHERE parent = ?1",
            [account.as_str()],
        )?;
    }
    Ok(())
}

/// The stored `SystemModstamp` of a record, as SQLite holds it.
fn modstamp(
    ctx: &SaveContext<'_>,
    object: &str,
    id: &Id,
) -> Result<rusqlite::types::Value, OrgError> {
    let sql = format!("SELECT \"SystemModstamp\" FROM \"{object}\" WHERE \"Id\" = ?1");
    let value = ctx
        .store
        .conn()
        .query_row(&sql, [id.as_str()], |r| r.get(0))?;
    Ok(value)
}
