//! DML saved in phases, for the interpreter to run Apex triggers between
//! them: [`Org::start_save`], then for each stage [`Org::prepare_stage`],
//! before triggers, [`Org::write_stage`], after triggers, and finally
//! [`Org::finish_save`] (or [`Org::abort_save`] when a failure stops the
//! call). The org is free between the phases, so trigger code can run DML
//! and SOQL of its own; those calls nest inside this one's savepoint.

use chrono::NaiveDateTime;

use super::{Org, failed_row, now};
use crate::data::dml::{self, Stage, StagedCall};
use crate::data::external_id;
use crate::data::record::Record;
use crate::data::status::{DmlError, RowResult};
use crate::data::store::OrgError;
use crate::syntax::ast::DmlOp;

/// How a phased save begins.
pub enum SaveStart {
    /// Nothing to run in phases: the call's results are known already (an
    /// empty list, a mixed-DML refusal).
    Done(Vec<RowResult>),
    /// The rows wait in stages.
    Staged(PendingSave),
}

/// A DML call between its phases.
pub struct PendingSave {
    call: StagedCall,
    /// The time stamped on every row of the call.
    now: NaiveDateTime,
}

impl PendingSave {
    /// How many stages the call has.
    pub fn len(&self) -> usize {
        self.call.len()
    }

    /// True when there is no stage.
    pub fn is_empty(&self) -> bool {
        self.call.is_empty()
    }

    /// Stage `i`: its rows, their old versions and errors.
    pub fn stage_mut(&mut self, i: usize) -> &mut Stage {
        self.call.stage_mut(i)
    }
}

impl Org {
    /// Counts one DML statement of `rows` rows against the governor limits.
    pub fn charge_dml(&mut self, rows: usize) -> Result<(), OrgError> {
        self.limits.charge_dml(rows).map_err(OrgError::Apex)
    }

    /// For an upsert on the field at `key`: sets the Id of each record that
    /// matches a stored one, and returns the matching error of each row
    /// (see [`crate::data::external_id`]). Counts nothing.
    pub fn match_external_ids(
        &self,
        key: usize,
        records: &mut [Record],
    ) -> Result<Vec<Option<DmlError>>, OrgError> {
        let Some(object) = records.first().map(|r| r.object) else {
            return Ok(Vec::new());
        };
        external_id::match_rows(&self.store, object, key, records)
    }

    /// Begins a DML call already counted against the limits (see
    /// [`Org::charge_dml`]): checks mixed DML, refuses what the whole call
    /// may not do and opens the statement savepoint.
    pub fn start_save(&mut self, op: DmlOp, records: &[Record]) -> Result<SaveStart, OrgError> {
        if records.is_empty() {
            return Ok(SaveStart::Done(Vec::new()));
        }
        if let Some(error) = self.check_mixed_dml(op, records)? {
            let rows = records.iter().map(|r| failed_row(r, op, error.clone()));
            return Ok(SaveStart::Done(rows.collect()));
        }
        let call = dml::begin_staged(&self.store, op, records)?;
        Ok(SaveStart::Staged(PendingSave { call, now: now() }))
    }

    /// Stage `i` up to its before triggers: defaults, field validation.
    pub fn prepare_stage(&mut self, save: &mut PendingSave, i: usize) -> Result<(), OrgError> {
        let mut ctx = self.save_context(save.now);
        dml::prepare_stage(&mut ctx, save.call.stage_mut(i))
    }

    /// Stage `i` from its before to its after triggers: required fields,
    /// the object's rules, uniqueness, the write.
    pub fn write_stage(&mut self, save: &mut PendingSave, i: usize) -> Result<(), OrgError> {
        let mut ctx = self.save_context(save.now);
        dml::write_stage(&mut ctx, save.call.stage_mut(i))
    }

    /// Ends the call: each row's result in the caller's order, the
    /// statement rolled back when `all_or_none` and a row failed, new Ids
    /// written into `records` otherwise.
    pub fn finish_save(
        &mut self,
        save: PendingSave,
        records: &mut [Record],
        all_or_none: bool,
    ) -> Result<Vec<RowResult>, OrgError> {
        let mut ctx = self.save_context(save.now);
        dml::finish_staged(&mut ctx, save.call, records, all_or_none)
    }

    /// Undoes a call that a failure stopped between its phases.
    pub fn abort_save(&mut self, save: PendingSave) {
        drop(save);
        dml::abort_call(&self.store);
    }
}

/// The rest of an upsert on a field once [`Org::match_external_ids`] has
/// run: rows refused while matching are reported with the others. When
/// `all_or_none` and a row is refused there, nothing is saved and the other
/// rows are not validated, so only the matching errors are reported;
/// otherwise `save` saves the other rows (with its all-or-none flag).
pub fn upsert_matched<E>(
    refused: Vec<Option<DmlError>>,
    records: &mut [Record],
    all_or_none: bool,
    mut save: impl FnMut(&mut [Record], bool) -> Result<Vec<RowResult>, E>,
) -> Result<Vec<RowResult>, E> {
    if refused.iter().all(Option::is_none) {
        return save(records, all_or_none);
    }
    let mut results: Vec<Option<RowResult>> = refused
        .into_iter()
        .map(|error| {
            error.map(|e| RowResult {
                id: None,
                errors: vec![e],
                created: false,
            })
        })
        .collect();
    let keep: Vec<usize> = (0..records.len())
        .filter(|&i| results[i].is_none())
        .collect();
    if all_or_none || keep.is_empty() {
        let untouched = || RowResult {
            id: None,
            errors: Vec::new(),
            created: false,
        };
        return Ok(results
            .into_iter()
            .map(|r| r.unwrap_or_else(untouched))
            .collect());
    }
    let mut saved: Vec<Record> = keep.iter().map(|&i| records[i].clone()).collect();
    let outcomes = save(&mut saved, false)?;
    for ((&i, record), outcome) in keep.iter().zip(saved).zip(outcomes) {
        records[i] = record;
        results[i] = Some(outcome);
    }
    Ok(results.into_iter().flatten().collect())
}
