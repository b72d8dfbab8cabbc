//! Triggers at run time: DML that fires them is saved in phases
//! ([`crate::org::Org::start_save`]) with the trigger bodies run between
//! them, in chunks of 200 rows; the `Trigger` context variables; `addError`;
//! read-only trigger records; the recursion depth limit.
//!
//! With allOrNone=false, rows that fail in an after trigger (already
//! written) make the call roll back and run again with the rows that had
//! not failed, up to three passes, as the platform retries a partial save;
//! the governor limits are not reset between passes, and a third failing
//! pass keeps what it wrote. Not modelled: workflow re-saves, trigger order
//! (apexlite runs several triggers for one event in the order of their
//! files). A call of more than 200 rows runs every chunk's before triggers,
//! then the write, then every chunk's after triggers, where the platform
//! saves chunk by chunk.

use std::cell::RefCell;
use std::rc::Rc;

use indexmap::IndexMap;

use super::collections::map_value;
use super::eval::{Eval, Interpreter};
use super::exception::{ApexException, Failure, SOBJECT};
use super::key::Key;
use super::sobject::org_failure;
use super::value::Value;
use crate::check::ir::{Expr, Trigger, TriggerVar};
use crate::data::dml::Stage;
use crate::data::record::Record;
use crate::org::{DmlError, PendingSave, RowResult, SaveStart, StatusCode, upsert_matched};
use crate::syntax::ast::DmlOp;
use crate::syntax::source::Span;

/// Trigger invocations that may be in progress at once (DOMAIN §8); one
/// more fails with `<Trigger>: maximum trigger depth exceeded`.
pub const MAX_TRIGGER_DEPTH: usize = 16;

/// How many rows one trigger invocation sees.
const CHUNK: usize = 200;

/// How many times a partial save runs before it keeps what it has.
const PASSES: usize = 3;

/// One trigger invocation in progress: its context variables and the
/// errors `addError` puts on its rows.
pub(super) struct TriggerFrame {
    op: DmlOp,
    before: bool,
    /// `Trigger.new`, `Trigger.old` (lists) and their maps, or null.
    new: Value,
    old: Value,
    new_map: Value,
    old_map: Value,
    size: usize,
    /// The records `addError` marks: `Trigger.new`'s, or `Trigger.old`'s
    /// for delete.
    rows: Vec<Rc<RefCell<Record>>>,
    /// The records scripts may not change: `Trigger.old`'s, and
    /// `Trigger.new`'s in after triggers.
    read_only: Vec<Rc<RefCell<Record>>>,
    /// The errors of each row of `rows`.
    errors: Vec<Vec<DmlError>>,
}

impl TriggerFrame {
    /// The context of one chunk of `stage`: rows `chunk` (positions in the
    /// stage).
    fn new(stage: &Stage, chunk: &[usize], before: bool) -> TriggerFrame {
        let op = stage.op();
        let handles = |pick: &dyn Fn(usize) -> Option<Record>| -> Vec<Rc<RefCell<Record>>> {
            chunk
                .iter()
                .filter_map(|&i| pick(i))
                .map(|r| Rc::new(RefCell::new(r)))
                .collect()
        };
        let has_new = matches!(op, DmlOp::Insert | DmlOp::Update | DmlOp::Undelete);
        let new = if has_new {
            handles(&|i| Some(stage.row(i).clone()))
        } else {
            Vec::new()
        };
        let old = match op {
            DmlOp::Update => handles(&|i| stage.old(i).cloned()),
            DmlOp::Delete => handles(&|i| Some(stage.row(i).clone())),
            _ => Vec::new(),
        };
        let new_map = has_new && !(before && op == DmlOp::Insert);
        let mut read_only = old.clone();
        if !before {
            read_only.extend(new.iter().cloned());
        }
        let rows = if has_new { new.clone() } else { old.clone() };
        TriggerFrame {
            op,
            before,
            new: list_or_null(has_new, &new),
            old: list_or_null(!old.is_empty() || op == DmlOp::Delete, &old),
            new_map: map_or_null(new_map, &new),
            old_map: map_or_null(matches!(op, DmlOp::Update | DmlOp::Delete), &old),
            size: chunk.len(),
            errors: vec![Vec::new(); rows.len()],
            rows,
            read_only,
        }
    }

    /// `Trigger.operationType`'s value.
    fn operation(&self) -> &'static str {
        match (self.before, self.op) {
            (true, DmlOp::Insert) => "BEFORE_INSERT",
            (true, DmlOp::Update) => "BEFORE_UPDATE",
            (true, _) => "BEFORE_DELETE",
            (false, DmlOp::Insert) => "AFTER_INSERT",
            (false, DmlOp::Update) => "AFTER_UPDATE",
            (false, DmlOp::Delete) => "AFTER_DELETE",
            (false, _) => "AFTER_UNDELETE",
        }
    }
}

fn list_or_null(present: bool, records: &[Rc<RefCell<Record>>]) -> Value {
    if !present {
        return Value::Null;
    }
    Value::list(records.iter().map(|r| Value::SObject(r.clone())).collect())
}

fn map_or_null(present: bool, records: &[Rc<RefCell<Record>>]) -> Value {
    if !present {
        return Value::Null;
    }
    let mut map = IndexMap::new();
    for r in records {
        if let Some(id) = r.borrow().id().copied() {
            map.insert(Key(Value::Id(id)), Value::SObject(r.clone()));
        }
    }
    map_value(map)
}

/// `BeforeInsert`, `AfterUpdate`, ...: the event as the platform's
/// `execution of ...` message names it.
fn event_name(op: DmlOp, before: bool) -> String {
    let when = if before { "Before" } else { "After" };
    format!("{when}{}", op.title())
}

impl Interpreter<'_> {
    /// Saves `records` as one DML call (counting it against the limits),
    /// firing the program's triggers when any fires for them. `key` is
    /// the matching field of an upsert on a field.
    pub(super) fn save_records(
        &mut self,
        op: DmlOp,
        records: &mut [Record],
        key: Option<usize>,
        all_or_none: bool,
        span: &Span,
    ) -> Eval<Vec<RowResult>> {
        if !self.fires_triggers(op, records) {
            let saved = match key {
                Some(field) => self.org.upsert_by_field(field, records, all_or_none),
                None => self.org.dml(op, records, all_or_none),
            };
            return saved.map_err(|e| org_failure(e, span));
        }
        self.org
            .charge_dml(records.len())
            .map_err(|e| org_failure(e, span))?;
        let Some(field) = key else {
            return self.save_staged(op, records, all_or_none, span);
        };
        let refused = self
            .org
            .match_external_ids(field, records)
            .map_err(|e| org_failure(e, span))?;
        upsert_matched(refused, records, all_or_none, |rows, all_or_none| {
            self.save_staged(DmlOp::Upsert, rows, all_or_none, span)
        })
    }

    /// True when a trigger of the program fires for `op` on one of the
    /// records' objects.
    fn fires_triggers(&self, op: DmlOp, records: &[Record]) -> bool {
        let triggers = &self.program().triggers;
        if triggers.is_empty() {
            return false;
        }
        let fires = |t: &Trigger| match op {
            DmlOp::Upsert => t
                .events
                .iter()
                .any(|e| matches!(e.op, DmlOp::Insert | DmlOp::Update)),
            _ => t.events.iter().any(|e| e.op == op),
        };
        triggers
            .iter()
            .any(|t| fires(t) && records.iter().any(|r| std::ptr::eq(r.object, t.object)))
    }

    /// One DML call already counted, saved in phases with triggers between;
    /// a partial save is retried without the rows that failed after their
    /// write.
    fn save_staged(
        &mut self,
        op: DmlOp,
        records: &mut [Record],
        all_or_none: bool,
        span: &Span,
    ) -> Eval<Vec<RowResult>> {
        let mut results = vec![RowResult::default(); records.len()];
        let mut pending: Vec<usize> = (0..records.len()).collect();
        for pass in 1..=PASSES {
            let mut rows: Vec<Record> = pending.iter().map(|&i| records[i].clone()).collect();
            let retry = !all_or_none && pass < PASSES;
            let (outcomes, again) = self.save_pass(op, &mut rows, all_or_none, retry, span)?;
            if !again {
                for ((&i, row), outcome) in pending.iter().zip(rows).zip(outcomes) {
                    records[i] = row;
                    results[i] = outcome;
                }
                break;
            }
            let mut survivors = Vec::new();
            for (&i, outcome) in pending.iter().zip(outcomes) {
                if outcome.is_success() {
                    survivors.push(i);
                } else {
                    results[i] = outcome;
                }
            }
            pending = survivors;
        }
        Ok(results)
    }

    /// One pass of a call. With `retry`, rows failing after their write
    /// roll the whole pass back: the results say which failed, and `true`
    /// asks for another pass with the others.
    fn save_pass(
        &mut self,
        op: DmlOp,
        records: &mut [Record],
        all_or_none: bool,
        retry: bool,
        span: &Span,
    ) -> Eval<(Vec<RowResult>, bool)> {
        let started = self.org.start_save(op, records);
        let mut save = match started.map_err(|e| org_failure(e, span))? {
            SaveStart::Done(results) => return Ok((results, false)),
            SaveStart::Staged(save) => save,
        };
        match self.run_stages(&mut save, span) {
            Ok(late) => {
                let again = retry && late;
                let results = self
                    .org
                    .finish_save(save, records, all_or_none || again)
                    .map_err(|e| org_failure(e, span))?;
                Ok((results, again))
            }
            Err(failure) => {
                self.org.abort_save(save);
                Err(failure)
            }
        }
    }

    /// Runs every stage; true when a row failed after it was written.
    fn run_stages(&mut self, save: &mut PendingSave, span: &Span) -> Eval<bool> {
        let mut late = false;
        for i in 0..save.len() {
            self.org
                .prepare_stage(save, i)
                .map_err(|e| org_failure(e, span))?;
            self.fire(save.stage_mut(i), true)?;
            self.org
                .write_stage(save, i)
                .map_err(|e| org_failure(e, span))?;
            late |= self.fire(save.stage_mut(i), false)?;
        }
        Ok(late)
    }

    /// Runs the triggers of the stage's event on its live rows, 200 at a
    /// time. A trigger's unhandled exception fails every row of the stage.
    /// True when a row failed.
    fn fire(&mut self, stage: &mut Stage, before: bool) -> Eval<bool> {
        let program = self.program();
        let op = stage.op();
        let triggers: Vec<&Trigger> = program
            .triggers
            .iter()
            .filter(|t| std::ptr::eq(t.object, stage.object()) && t.fires(op, before))
            .collect();
        if triggers.is_empty() {
            return Ok(false);
        }
        let live: Vec<usize> = (0..stage.len()).filter(|&i| stage.is_ok(i)).collect();
        for chunk in live.chunks(CHUNK) {
            if let Some(message) = self.fire_chunk(stage, chunk, &triggers, before)? {
                let error =
                    DmlError::new(StatusCode::CannotInsertUpdateActivateEntity, message, &[]);
                for i in 0..stage.len() {
                    if stage.is_ok(i) {
                        stage.fail(i, error.clone());
                    }
                }
                break;
            }
        }
        Ok(live.iter().any(|&i| !stage.is_ok(i)))
    }

    /// Runs each trigger on one chunk, then takes back the rows' changes
    /// (before triggers) and errors. Returns the message that fails the
    /// whole call when a trigger throws or the depth limit is reached.
    fn fire_chunk(
        &mut self,
        stage: &mut Stage,
        chunk: &[usize],
        triggers: &[&Trigger],
        before: bool,
    ) -> Eval<Option<String>> {
        self.trigger_frames
            .push(TriggerFrame::new(stage, chunk, before));
        let mut failed = None;
        for t in triggers {
            if self.trigger_frames.len() > MAX_TRIGGER_DEPTH {
                failed = Some(format!("{}: maximum trigger depth exceeded", t.name));
                break;
            }
            match self.call_with(t.function, None, &[], &(0..0)) {
                Ok(_) => {}
                Err(Failure::Exception(e)) if e.is_catchable() => {
                    failed = Some(format!(
                        "{}: execution of {}\n\ncaused by: {}: {}\n\n{}",
                        t.name,
                        event_name(stage.op(), before),
                        e.type_name,
                        e.message,
                        e.trace(self.sources)
                    ));
                    break;
                }
                Err(other) => {
                    self.trigger_frames.pop();
                    return Err(other);
                }
            }
        }
        let Some(frame) = self.trigger_frames.pop() else {
            return Ok(failed);
        };
        if failed.is_none() {
            take_back(stage, chunk, frame);
        }
        Ok(failed)
    }

    /// The value of a `Trigger` context variable: null (false for the
    /// Booleans) outside a trigger's run.
    pub(super) fn trigger_var(&self, var: TriggerVar) -> Value {
        let Some(f) = self.trigger_frames.last() else {
            return match var {
                TriggerVar::New
                | TriggerVar::Old
                | TriggerVar::NewMap
                | TriggerVar::OldMap
                | TriggerVar::OperationType
                | TriggerVar::Size => Value::Null,
                _ => Value::Bool(false),
            };
        };
        match var {
            TriggerVar::New => f.new.clone(),
            TriggerVar::Old => f.old.clone(),
            TriggerVar::NewMap => f.new_map.clone(),
            TriggerVar::OldMap => f.old_map.clone(),
            TriggerVar::IsExecuting => Value::Bool(true),
            TriggerVar::IsBefore => Value::Bool(f.before),
            TriggerVar::IsAfter => Value::Bool(!f.before),
            TriggerVar::IsInsert => Value::Bool(f.op == DmlOp::Insert),
            TriggerVar::IsUpdate => Value::Bool(f.op == DmlOp::Update),
            TriggerVar::IsDelete => Value::Bool(f.op == DmlOp::Delete),
            TriggerVar::IsUndelete => Value::Bool(f.op == DmlOp::Undelete),
            TriggerVar::OperationType => Value::StatusCode(f.operation()),
            TriggerVar::Size => Value::Int(i32::try_from(f.size).unwrap_or(i32::MAX)),
        }
    }

    /// `addError`: marks the row of the running trigger that `record` is
    /// with a `FIELD_CUSTOM_VALIDATION_EXCEPTION` error. On a record that
    /// no running trigger is saving it does nothing (a guess: the platform
    /// keeps such errors on the record, which apexlite does not model).
    pub(super) fn add_error(
        &mut self,
        record: &Expr,
        field: Option<&Expr>,
        message: &Expr,
        span: &Span,
    ) -> Eval<Value> {
        let Value::SObject(target) = self.expr(record)? else {
            return Err(ApexException::null_pointer(&record.span).into());
        };
        let field = match field {
            Some(f) => Some(self.expr(f)?),
            None => None,
        };
        let message = match self.expr(message)? {
            Value::String(s) => s.to_string(),
            other => other.to_string(),
        };
        let fields: Vec<&str> = match &field {
            Some(Value::String(name)) => {
                let object = target.borrow().object;
                match object.field(name) {
                    Some((_, f)) => vec![f.name],
                    None => {
                        let msg = format!("Invalid field {name} for {}", object.name);
                        return Err(ApexException::new(SOBJECT, msg, span).into());
                    }
                }
            }
            _ => Vec::new(),
        };
        let error = DmlError::new(StatusCode::FieldCustomValidationException, message, &fields);
        for frame in self.trigger_frames.iter_mut().rev() {
            if let Some(i) = frame.rows.iter().position(|r| Rc::ptr_eq(r, &target)) {
                frame.errors[i].push(error);
                break;
            }
        }
        Ok(Value::Null)
    }

    /// True when `record` is one a running trigger may not change.
    pub(super) fn is_read_only(&self, record: &Rc<RefCell<Record>>) -> bool {
        self.trigger_frames
            .iter()
            .any(|f| f.read_only.iter().any(|r| Rc::ptr_eq(r, record)))
    }

    /// True when `list` is `Trigger.new` or `Trigger.old` of a running
    /// trigger.
    pub(super) fn is_trigger_list(&self, list: &Value) -> bool {
        let Value::List(list) = list else {
            return false;
        };
        self.trigger_frames.iter().any(|f| {
            [&f.new, &f.old]
                .iter()
                .any(|v| matches!(v, Value::List(l) if Rc::ptr_eq(l, list)))
        })
    }
}

/// Takes a chunk's changes (before triggers) and errors back into the stage.
fn take_back(stage: &mut Stage, chunk: &[usize], frame: TriggerFrame) {
    let writable = frame.before && matches!(frame.op, DmlOp::Insert | DmlOp::Update);
    for ((&i, row), errors) in chunk.iter().zip(&frame.rows).zip(frame.errors) {
        if writable {
            stage.set_row(i, row.borrow().clone());
        }
        for error in errors {
            stage.fail(i, error);
        }
    }
}
