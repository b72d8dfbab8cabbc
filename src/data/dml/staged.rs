//! A DML call saved in phases, so that Apex triggers can run between them
//! with the whole org at hand (their own DML and SOQL included).
//!
//! The steps are those of the one-go path in the parent module, split where
//! triggers fire: [`begin_staged`] opens the statement savepoint and sorts
//! the rows into [`Stage`]s; for each stage [`prepare_stage`] (defaults and
//! field validation), before triggers, [`write_stage`] (required fields,
//! the object's rules, uniqueness, the write), after triggers; then
//! [`finish_staged`] releases or rolls back the savepoint and reports each
//! row. A failure in between is undone with [`super::abort_call`].

use super::{
    Outcome, SaveContext, Slot, check_inserts, check_updates, end_call, mirror_contacts,
    objects_of, prepare_deletes, prepare_insert, prepare_update, record_results, refuse_call,
    slots_of, write_deletes, write_inserts, write_updates,
};
use crate::data::record::Record;
use crate::data::schema::ObjectDef;
use crate::data::status::{DmlError, RowResult};
use crate::data::store::{OrgError, Store};
use crate::syntax::ast::DmlOp;

/// A DML call between its phases: the statement savepoint is open and the
/// rows wait in stages.
pub struct StagedCall {
    stages: Vec<Stage>,
    rows: usize,
}

/// The rows of one object going through one operation: insert, update,
/// delete or undelete (an upsert makes one stage of the rows it updates and
/// one of those it inserts, in that order).
pub struct Stage {
    op: DmlOp,
    object: &'static ObjectDef,
    slots: Vec<Slot>,
    /// For update, the fields the caller set on each row.
    changed: Vec<Vec<usize>>,
}

impl StagedCall {
    /// How many stages the call has, in the order they are saved.
    pub fn len(&self) -> usize {
        self.stages.len()
    }

    /// True when there is nothing to save.
    pub fn is_empty(&self) -> bool {
        self.stages.is_empty()
    }

    /// Stage `i`.
    pub fn stage_mut(&mut self, i: usize) -> &mut Stage {
        &mut self.stages[i]
    }
}

impl Stage {
    /// The operation the rows go through (never upsert).
    pub fn op(&self) -> DmlOp {
        self.op
    }

    /// The rows' object.
    pub fn object(&self) -> &'static ObjectDef {
        self.object
    }

    /// How many rows the stage holds, failed ones included.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// True when the stage holds no rows.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// False once row `i` has an error.
    pub fn is_ok(&self, i: usize) -> bool {
        self.slots[i].ok()
    }

    /// Row `i` as it will be (or was) written.
    pub fn row(&self, i: usize) -> &Record {
        &self.slots[i].row
    }

    /// Replaces row `i` (a before trigger's changes).
    pub fn set_row(&mut self, i: usize, row: Record) {
        self.slots[i].row = row;
    }

    /// The stored version of row `i` before this call (update), if any.
    pub fn old(&self, i: usize) -> Option<&Record> {
        self.slots[i].old.as_ref()
    }

    /// Fails row `i` with `error`.
    pub fn fail(&mut self, i: usize, error: DmlError) {
        self.slots[i].fail(error);
    }
}

/// Refuses what the whole call may not do, opens the statement savepoint
/// and sorts the records into stages: object by object in order of first
/// appearance, as the one-go path saves them.
pub fn begin_staged(store: &Store, op: DmlOp, records: &[Record]) -> Result<StagedCall, OrgError> {
    refuse_call(op, records)?;
    let mut stages = Vec::new();
    for object in objects_of(records) {
        let slots = slots_of(records, object);
        let stage = |op, slots| Stage {
            op,
            object,
            slots,
            changed: Vec::new(),
        };
        if op == DmlOp::Upsert {
            let (existing, new): (Vec<Slot>, Vec<Slot>) =
                slots.into_iter().partition(|s| s.row.id().is_some());
            for (op, slots) in [(DmlOp::Update, existing), (DmlOp::Insert, new)] {
                if !slots.is_empty() {
                    stages.push(stage(op, slots));
                }
            }
        } else {
            stages.push(stage(op, slots));
        }
    }
    store.conn().execute_batch("SAVEPOINT apexlite_dml")?;
    Ok(StagedCall {
        stages,
        rows: records.len(),
    })
}

/// The steps before before triggers: the stored rows loaded, defaults
/// filled, the fields validated.
pub fn prepare_stage(ctx: &mut SaveContext<'_>, stage: &mut Stage) -> Result<(), OrgError> {
    match stage.op {
        DmlOp::Insert | DmlOp::Upsert => {
            for slot in &mut stage.slots {
                prepare_insert(ctx, slot)?;
            }
        }
        DmlOp::Update => {
            let mut changed = Vec::with_capacity(stage.slots.len());
            for slot in &mut stage.slots {
                changed.push(prepare_update(ctx, slot)?);
            }
            stage.changed = changed;
        }
        DmlOp::Delete | DmlOp::Undelete => {
            prepare_deletes(ctx, &mut stage.slots, stage.op == DmlOp::Delete)?;
        }
    }
    Ok(())
}

/// The steps between before and after triggers: required fields, the
/// object's rules and uniqueness, then the write.
pub fn write_stage(ctx: &mut SaveContext<'_>, stage: &mut Stage) -> Result<(), OrgError> {
    match stage.op {
        DmlOp::Insert | DmlOp::Upsert => {
            check_inserts(ctx, &mut stage.slots)?;
            write_inserts(ctx, &mut stage.slots)
        }
        DmlOp::Update => {
            check_updates(ctx, &mut stage.slots, &stage.changed)?;
            write_updates(ctx, &mut stage.slots)?;
            mirror_contacts(ctx, &stage.slots)
        }
        DmlOp::Delete | DmlOp::Undelete => {
            write_deletes(ctx, &mut stage.slots, stage.op == DmlOp::Delete)
        }
    }
}

/// Each row's result, in the caller's order; releases the statement
/// savepoint, or rolls back to it when `all_or_none` and a row failed. On
/// success insert writes each new Id into its record.
pub fn finish_staged(
    ctx: &mut SaveContext<'_>,
    call: StagedCall,
    records: &mut [Record],
    all_or_none: bool,
) -> Result<Vec<RowResult>, OrgError> {
    let mut outcome: Outcome = (vec![RowResult::default(); call.rows], Vec::new());
    for stage in call.stages {
        let created = stage.op == DmlOp::Insert;
        let done = stage.slots.into_iter().map(|s| (s, created)).collect();
        record_results(records, done, &mut outcome.0, &mut outcome.1);
    }
    end_call(ctx, records, all_or_none, outcome)
}
