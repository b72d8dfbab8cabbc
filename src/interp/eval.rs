//! Statements and expressions of the resolved program.
//!
//! `break`, `continue` and `return` travel in [`Flow`]; exceptions and org
//! failures travel in [`Failure`].

use std::cmp::Ordering as CmpOrdering;
use std::io::Write;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering as AtomicOrdering};
use std::time::Duration;

use super::clock::CpuInstant;

use super::exception::{
    ApexException, Failure, INTERRUPTED, LIMIT, LIST, MATH, Origin, STRING, TYPE, check_string_size,
};
use super::value::Value;
use crate::check::ir::{
    Arith, BinOp, Bitwise, Const, Conversion, Expr, ExprKind, Ordering, Place, Program, Stmt,
};
use crate::data::id::Id;
use crate::org::Org;
use crate::syntax::source::{SourceFile, Span};

/// How a statement finished.
#[derive(Debug, PartialEq)]
pub enum Flow {
    /// Went on to the next statement.
    Normal,
    /// `break`
    Break,
    /// `continue`
    Continue,
    /// `return`
    Return,
}

/// Evaluation result.
pub type Eval<T> = Result<T, Failure>;

/// Runs one program against an org, writing `System.debug` output to a sink.
pub struct Interpreter<'a> {
    pub(super) org: &'a mut Org,
    pub(super) out: &'a mut dyn Write,
    pub(super) sources: &'a [SourceFile],
    program: &'a Program,
    /// Every frame's locals, the innermost last.
    stack: Vec<Value>,
    /// Where the current frame starts in `stack`.
    base: usize,
    /// How many method calls are in progress.
    depth: usize,
    /// The value of the `return` being carried out.
    returned: Value,
    /// Static fields of every class.
    statics: Vec<Value>,
    /// Classes whose static initialisation has run (or is running), by id.
    ready: Vec<bool>,
    /// Lists and sets a for-each loop is walking, by identity.
    iterating: Vec<usize>,
    /// Loop passes since the clock was last read.
    ticks: u32,
    /// When the CPU time limit runs out.
    deadline: CpuInstant,
    /// The method running now; `None` in the anonymous block.
    current: Option<usize>,
    /// The CPU time limit itself, for the fresh limits of `Test.startTest()`.
    cpu_limit: Duration,
    /// Between `Test.startTest()` and `stopTest()`: when the block started
    /// and the test method's own deadline, which resumes after it.
    test_block: Option<(CpuInstant, CpuInstant)>,
    /// Set from outside (Ctrl-C at the REPL) to stop the run at the next
    /// reading of the clock.
    interrupt: Option<&'a AtomicBool>,
    /// Runs of each coverage point; empty unless [`Interpreter::with_coverage`].
    coverage: Vec<u32>,
    /// The trigger invocations in progress, the innermost last.
    pub(super) trigger_frames: Vec<super::trigger::TriggerFrame>,
}

/// Loop passes between two readings of the clock: often enough to stop a
/// runaway loop within milliseconds of its limit, rarely enough to cost nothing.
const TICKS_PER_CLOCK_READ: u32 = 1024;

impl<'a> Interpreter<'a> {
    /// An interpreter for `program` with its frame ready.
    pub fn new(
        program: &'a Program,
        sources: &'a [SourceFile],
        org: &'a mut Org,
        out: &'a mut dyn Write,
    ) -> Interpreter<'a> {
        let deadline = CpuInstant::now() + DEFAULT_CPU_LIMIT;
        Interpreter {
            org,
            out,
            sources,
            program,
            stack: vec![Value::Null; program.slots],
            base: 0,
            depth: 0,
            returned: Value::Null,
            statics: vec![Value::Null; program.statics],
            ready: vec![false; program.classes.len()],
            iterating: Vec::new(),
            ticks: 0,
            deadline,
            current: None,
            cpu_limit: DEFAULT_CPU_LIMIT,
            test_block: None,
            interrupt: None,
            coverage: Vec::new(),
            trigger_frames: Vec::new(),
        }
    }

    /// Stops the run with an `apexlite.Interrupted` exception, which no Apex
    /// code catches, once `flag` is set; it is read as often as the clock,
    /// so a loop stops within milliseconds.
    pub fn with_interrupt(mut self, flag: &'a AtomicBool) -> Self {
        self.interrupt = Some(flag);
        self
    }

    /// Fills the first slots of the top-level frame, before [`Interpreter::run`]:
    /// the REPL's variables from earlier entries.
    pub fn with_locals(mut self, values: impl IntoIterator<Item = Value>) -> Self {
        for (slot, value) in self.stack.iter_mut().zip(values) {
            *slot = value;
        }
        self
    }

    /// The top-level frame's slots as the run left them.
    pub fn into_locals(mut self) -> Vec<Value> {
        self.stack.truncate(self.program.slots);
        self.stack
    }

    /// Counts the runs of each statement the program marks for coverage.
    pub fn with_coverage(mut self) -> Self {
        self.coverage = vec![0; self.program.points.len()];
        self
    }

    /// Runs of each coverage point so far (by [`Program::points`] index).
    pub fn coverage(&self) -> &[u32] {
        &self.coverage
    }

    /// Sets the CPU time the run may take before `System.LimitException:
    /// Apex CPU time limit exceeded` (the platform's 10 seconds by default).
    /// apexlite counts the CPU time of the thread running the code, org
    /// work (SQLite) included, which the platform leaves out.
    pub fn with_cpu_limit(mut self, limit: Duration) -> Self {
        self.deadline = CpuInstant::now() + limit;
        self.cpu_limit = limit;
        self
    }

    /// Counts one pass of a loop; true once the run's time is up.
    #[inline]
    fn out_of_time(&mut self) -> bool {
        self.ticks += 1;
        if self.ticks < TICKS_PER_CLOCK_READ {
            return false;
        }
        self.ticks = 0;
        CpuInstant::now() >= self.deadline || self.interrupted()
    }

    fn interrupted(&self) -> bool {
        self.interrupt
            .is_some_and(|f| f.load(AtomicOrdering::Relaxed))
    }

    /// Why a loop stopped once [`Interpreter::out_of_time`] said so.
    fn time_up(&self, span: &Span) -> Failure {
        if self.interrupted() {
            return ApexException::new(INTERRUPTED, "Interrupted", span).into();
        }
        cpu_limit(span)
    }

    /// Stores a value in a local slot.
    pub(super) fn set_slot(&mut self, slot: usize, value: Value) {
        self.stack[self.base + slot] = value;
    }

    /// Runs the program's statements in order.
    pub fn run(&mut self) -> Eval<()> {
        self.block(&self.program.body).map(|_| ())
    }

    /// Runs `function`, a static method without parameters: how a test
    /// method runs. Its class is initialised first, as on any first use.
    pub fn run_method(&mut self, function: usize) -> Eval<()> {
        self.call_with(function, None, &[], &(0..0)).map(|_| ())
    }

    /// Runs the static initialisation of `class` on its first use: its
    /// superclass's first, then its own static field initialisers and
    /// static blocks. The class counts as initialised from the start, so
    /// its initialiser can use its own statics; after an exception in it the
    /// class stays initialised as far as it got (a guess: what the platform
    /// does on a second use of such a class is not documented).
    fn init_class(&mut self, class: usize) -> Eval<()> {
        if self.ready[class] {
            return Ok(());
        }
        self.ready[class] = true;
        let info = &self.program.classes[class];
        let (parent, clinit) = (info.parent, info.clinit);
        if let Some(parent) = parent {
            self.init_class(parent)?;
        }
        if let Some(clinit) = clinit {
            self.call_with(clinit, None, &[], &(0..0))?;
        }
        Ok(())
    }

    /// Initialises `class` on a first use at `span`, which a failure's
    /// stack trace shows below the initialiser's own frame.
    fn first_use(&mut self, class: usize, span: &Span) -> Eval<()> {
        self.init_class(class)
            .map_err(|e| self.called_from(e, self.current, span))
    }

    /// Initialises the class declaring static field `index` if needed.
    fn static_ready(&mut self, index: usize, span: &Span) -> Eval<()> {
        match self.program.static_guard[index] {
            Some(class) if !self.ready[class] => self.first_use(class, span),
            _ => Ok(()),
        }
    }

    /// The program being run.
    pub(super) fn program(&self) -> &'a Program {
        self.program
    }

    /// Calls a method of the program: the receiver (for instance methods and
    /// constructors) and the arguments fill the first slots of a new frame on
    /// the stack, which is dropped again however the call ends.
    pub(super) fn call_with(
        &mut self,
        function: usize,
        this: Option<Value>,
        args: &[Expr],
        span: &Span,
    ) -> Eval<Value> {
        let base = self.stack.len();
        self.stack.extend(this);
        for a in args {
            match self.expr(a) {
                Ok(v) => self.stack.push(v),
                Err(e) => {
                    self.stack.truncate(base);
                    return Err(e);
                }
            }
        }
        self.enter(function, base, span)
    }

    /// Calls `function` with arguments already evaluated: how property
    /// accessors are called.
    fn call_values(
        &mut self,
        function: usize,
        this: Option<Value>,
        args: Option<Value>,
        span: &Span,
    ) -> Eval<Value> {
        let base = self.stack.len();
        self.stack.extend(this);
        self.stack.extend(args);
        self.enter(function, base, span)
    }

    /// Runs `function` on the frame that starts at `base`, its receiver and
    /// arguments already in place.
    fn enter(&mut self, function: usize, base: usize, span: &Span) -> Eval<Value> {
        let program = self.program;
        if let Some(class) = program.init_guard[function]
            && !self.ready[class]
            && let Err(e) = self.first_use(class, span)
        {
            self.stack.truncate(base);
            return Err(e);
        }
        let f = &program.functions[function];
        if self.depth >= MAX_CALL_DEPTH {
            self.stack.truncate(base);
            let msg = format!("Maximum stack depth reached: {}", MAX_CALL_DEPTH + 1);
            return Err(ApexException::new(LIMIT, msg, span).into());
        }
        self.stack.resize(base + f.slots, Value::Null);
        let caller = std::mem::replace(&mut self.base, base);
        let calling = self.current.replace(function);
        self.depth += 1;
        let flow = self.block(&f.body);
        self.depth -= 1;
        self.current = calling;
        self.base = caller;
        self.stack.truncate(base);
        if let Err(failure) = flow {
            return Err(self.called_from(with_origin(failure, f), calling, span));
        }
        Ok(std::mem::replace(&mut self.returned, Value::Null))
    }

    /// The object a property belongs to (`None` for a static property); a
    /// null object is a null dereference.
    fn receiver(&mut self, target: Option<&Expr>, span: &Span) -> Eval<Option<Value>> {
        match target.map(|t| self.expr(t)).transpose()? {
            Some(Value::Null) => Err(ApexException::null_pointer(span).into()),
            this => Ok(this),
        }
    }

    /// Reads property `prop` of `target` (`None` for a static property).
    fn read_prop(&mut self, target: Option<&Expr>, prop: usize, span: &Span) -> Eval<Value> {
        let p = self.program.properties[prop];
        let this = self.receiver(target, span)?;
        match (p.getter, this) {
            (Some(getter), this) => self.call_values(getter, this, None, span),
            (None, Some(this)) => self.backing(&this, p.index, None, span),
            (None, None) => {
                self.static_ready(p.index, span)?;
                Ok(self.statics[p.index].clone())
            }
        }
    }

    /// Writes property `prop` of `target` (`None` for a static property).
    fn write_prop(
        &mut self,
        target: Option<&Expr>,
        prop: usize,
        value: Value,
        span: &Span,
    ) -> Eval<()> {
        let p = self.program.properties[prop];
        let this = self.receiver(target, span)?;
        match (p.setter, this) {
            (Some(setter), this) => {
                self.call_values(setter, this, Some(value), span)?;
            }
            (None, Some(this)) => {
                self.backing(&this, p.index, Some(value), span)?;
            }
            (None, None) => {
                self.static_ready(p.index, span)?;
                self.statics[p.index] = value;
            }
        }
        Ok(())
    }

    /// Adds the frame of the call at `span` in `caller` (`None`: the
    /// anonymous block) to an exception unwinding out of a method. Calls the
    /// runtime makes itself (static initialisers, a test method) have no
    /// call site and add none.
    fn called_from(&self, failure: Failure, caller: Option<usize>, span: &Span) -> Failure {
        match failure {
            Failure::Exception(mut e) if *span != (0..0) => {
                let origin = caller.map(|c| {
                    let f = &self.program.functions[c];
                    Origin {
                        file: f.file,
                        function: f.name.clone(),
                    }
                });
                e.callers.push((origin, span.clone()));
                Failure::Exception(e)
            }
            other => other,
        }
    }

    pub(super) fn block(&mut self, stmts: &[Stmt]) -> Eval<Flow> {
        for s in stmts {
            let flow = self.stmt(s)?;
            if flow != Flow::Normal {
                return Ok(flow);
            }
        }
        Ok(Flow::Normal)
    }

    fn stmt(&mut self, s: &Stmt) -> Eval<Flow> {
        match s {
            Stmt::Local { slot, init } => {
                self.stack[self.base + *slot] = match init {
                    Some(e) => self.expr(e)?,
                    None => Value::Null,
                };
            }
            Stmt::Expr(e) => {
                self.expr(e)?;
            }
            Stmt::Dml {
                op,
                target,
                key,
                span,
            } => self.dml(*op, target, *key, span)?,
            Stmt::Block(stmts) => return self.block(stmts),
            Stmt::If {
                cond,
                then,
                otherwise,
            } => {
                if self.condition(cond)? {
                    return self.stmt(then);
                } else if let Some(s) = otherwise {
                    return self.stmt(s);
                }
            }
            Stmt::Loop { cond, body, update } => return self.run_loop(cond.as_ref(), body, update),
            Stmt::ForEach {
                slot,
                iterable,
                body,
            } => return self.for_each(*slot, iterable, body),
            Stmt::DoWhile { body, cond } => return self.do_while(body, cond),
            Stmt::Throw(e) => return Err(self.throw(e)?),
            Stmt::Try {
                body,
                catches,
                finally,
            } => {
                return self.try_stmt(body, catches, finally.as_deref());
            }
            Stmt::Switch {
                subject,
                arms,
                otherwise,
            } => {
                return self.switch(subject, arms, otherwise.as_deref());
            }
            Stmt::RunAs { user, body, span } => return self.run_as(user, body, span),
            Stmt::Covered(point) => {
                if let Some(runs) = self.coverage.get_mut(*point) {
                    *runs += 1;
                }
            }
            Stmt::Break => return Ok(Flow::Break),
            Stmt::Continue => return Ok(Flow::Continue),
            Stmt::Return(value) => {
                if let Some(e) = value {
                    self.returned = self.expr(e)?;
                }
                return Ok(Flow::Return);
            }
        }
        Ok(Flow::Normal)
    }

    fn condition(&mut self, cond: &Expr) -> Eval<bool> {
        match self.expr(cond)? {
            Value::Bool(b) => Ok(b),
            _ => Err(ApexException::null_pointer(&cond.span).into()),
        }
    }

    fn run_loop(&mut self, cond: Option<&Expr>, body: &Stmt, update: &[Expr]) -> Eval<Flow> {
        loop {
            if let Some(c) = cond
                && !self.condition(c)?
            {
                return Ok(Flow::Normal);
            }
            if self.out_of_time() {
                return Err(self.time_up(&body_span(body, cond)));
            }
            match self.stmt(body)? {
                Flow::Break => return Ok(Flow::Normal),
                Flow::Return => return Ok(Flow::Return),
                Flow::Normal | Flow::Continue => {}
            }
            for u in update {
                self.expr(u)?;
            }
        }
    }

    fn do_while(&mut self, body: &Stmt, cond: &Expr) -> Eval<Flow> {
        loop {
            if self.out_of_time() {
                return Err(self.time_up(&cond.span));
            }
            match self.stmt(body)? {
                Flow::Break => return Ok(Flow::Normal),
                Flow::Return => return Ok(Flow::Return),
                Flow::Normal | Flow::Continue => {}
            }
            if !self.condition(cond)? {
                return Ok(Flow::Normal);
            }
        }
    }

    /// Iterates over a snapshot of the list's length; Apex refuses changes to
    /// a list while it is iterated, and reading by index keeps that cheap.
    fn for_each(&mut self, slot: usize, iterable: &Expr, body: &Stmt) -> Eval<Flow> {
        let (list, identity) = match self.expr(iterable)? {
            Value::List(list) => {
                let identity = Rc::as_ptr(&list) as *const () as usize;
                (list, identity)
            }
            Value::Set(set) => {
                let identity = Rc::as_ptr(&set) as *const () as usize;
                let items = set.borrow().iter().map(|k| k.0.clone()).collect();
                (Rc::new(std::cell::RefCell::new(items)), identity)
            }
            _ => return Err(ApexException::null_pointer(&iterable.span).into()),
        };
        // While the loop runs, the collection refuses changes to its size.
        self.iterating.push(identity);
        let flow = self.for_each_items(slot, &list, iterable, body);
        self.iterating.pop();
        flow
    }

    fn for_each_items(
        &mut self,
        slot: usize,
        list: &std::cell::RefCell<Vec<Value>>,
        iterable: &Expr,
        body: &Stmt,
    ) -> Eval<Flow> {
        let len = list.borrow().len();
        for i in 0..len {
            let Some(item) = list.borrow().get(i).cloned() else {
                break;
            };
            if self.out_of_time() {
                return Err(self.time_up(&iterable.span));
            }
            self.stack[self.base + slot] = item;
            match self.stmt(body)? {
                Flow::Break => break,
                Flow::Return => return Ok(Flow::Return),
                Flow::Normal | Flow::Continue => {}
            }
        }
        Ok(Flow::Normal)
    }

    /// The value of a local of the current frame.
    pub(super) fn local(&self, slot: usize) -> Value {
        self.stack[self.base + slot].clone()
    }

    /// Evaluates an expression.
    pub(super) fn expr(&mut self, e: &Expr) -> Eval<Value> {
        match &e.kind {
            ExprKind::Const(c) => Ok(constant(c)),
            ExprKind::Local(slot) => Ok(self.stack[self.base + *slot].clone()),
            ExprKind::Call { function, args } => self.call_with(*function, None, args, &e.span),
            ExprKind::Parent {
                target,
                field,
                safe,
            } => self.read_parent(target, *field, *safe),
            ExprKind::ObjField { target, index } => self.object_field(target, *index),
            ExprKind::Static(index) => {
                self.static_ready(*index, &e.span)?;
                Ok(self.statics[*index].clone())
            }
            ExprKind::Prop { target, prop } => self.read_prop(target.as_deref(), *prop, &e.span),
            ExprKind::NewObject { class, ctor, args } => {
                self.new_object(*class, *ctor, args, &e.span)
            }
            ExprKind::Invoke { selector, args } => self.invoke(*selector, args, &e.span),
            ExprKind::EnumValues(class) => Ok(self.enum_values(*class)),
            ExprKind::Field {
                target,
                field,
                safe,
            } => self.read_field(target, *field, *safe),
            ExprKind::Assign { place, value } => {
                let v = self.expr(value)?;
                self.write(place, v.clone(), &e.span)?;
                Ok(v)
            }
            ExprKind::Step {
                place,
                delta,
                postfix,
            } => self.step(place, *delta, *postfix, &e.span),
            ExprKind::NewSObject { object, fields } => self.new_sobject(object, fields),
            ExprKind::NewList(items) => {
                let items = items
                    .iter()
                    .map(|i| self.expr(i))
                    .collect::<Eval<Vec<_>>>()?;
                Ok(Value::list(items))
            }
            ExprKind::NewArray(n) => self.new_array(n),
            ExprKind::NewSet(items) => self.new_set(items),
            ExprKind::NewMap(pairs) => self.new_map(pairs),
            ExprKind::Copy { source, into } => self.copy_collection(source, *into),
            ExprKind::MapByIds(records) => self.map_by_ids(records),
            ExprKind::Binary { op, lhs, rhs } => {
                let (l, r) = (self.expr(lhs)?, self.expr(rhs)?);
                binary(*op, l, r, &e.span)
            }
            ExprKind::Not(x) => Ok(Value::Bool(!self.condition(x)?)),
            ExprKind::Neg(x) => negate(self.expr(x)?, &e.span),
            ExprKind::And(a, b) => Ok(Value::Bool(self.condition(a)? && self.condition(b)?)),
            ExprKind::Or(a, b) => Ok(Value::Bool(self.condition(a)? || self.condition(b)?)),
            ExprKind::InstanceOf(x, ty) => {
                let v = self.expr(x)?;
                Ok(Value::Bool(self.is_instance(&v, ty)))
            }
            ExprKind::Cast(value) => {
                let v = self.expr(value)?;
                if matches!(v, Value::Null) || self.is_instance(&v, &e.ty) {
                    return Ok(v);
                }
                let msg = format!(
                    "Invalid conversion from runtime type {} to {}",
                    self.type_name(&v),
                    e.ty
                );
                Err(ApexException::new(TYPE, msg, &e.span).into())
            }
            ExprKind::Coalesce(a, b) => match self.expr(a)? {
                Value::Null => self.expr(b),
                v => Ok(v),
            },
            ExprKind::BitNot(x) => match self.expr(x)? {
                Value::Int(i) => Ok(Value::Int(!i)),
                Value::Long(i) => Ok(Value::Long(!i)),
                _ => Err(ApexException::null_pointer(&e.span).into()),
            },
            ExprKind::Ternary(c, a, b) => {
                if self.condition(c)? {
                    self.expr(a)
                } else {
                    self.expr(b)
                }
            }
            ExprKind::Convert { expr, to } => convert(self.expr(expr)?, *to, &e.span),
            ExprKind::Builtin { method, args } => self.builtin(*method, args, &e.span),
            ExprKind::Index { target, index } => self.index(target, index),
            ExprKind::Soql {
                query,
                binds,
                count,
            } => self.soql(query, binds, *count, &e.span),
            ExprKind::DynamicSoql {
                text,
                scope,
                count,
                row,
            } => self.dynamic_soql(text, scope, (*count, *row), &e.span),
            ExprKind::SingleRow(query) => self.single_row(query),
            ExprKind::Batches(query) => self.batches(query),
            ExprKind::Children {
                target,
                name,
                object,
            } => self.children(target, name, object),
            ExprKind::NewException { type_name, args } => self.new_exception(type_name, args, e),
            ExprKind::TriggerVar(var) => Ok(self.trigger_var(*var)),
            ExprKind::AddError {
                record,
                field,
                message,
            } => self.add_error(record, field.as_deref(), message, &e.span),
        }
    }

    fn index(&mut self, target: &Expr, index: &Expr) -> Eval<Value> {
        let list = self.expr(target)?;
        let i = self.expr(index)?;
        list_get(&list, &i, &index.span)
    }

    fn step(&mut self, place: &Place, delta: i8, postfix: bool, span: &Span) -> Eval<Value> {
        let old = self.read_place(place, span)?;
        let new = match &old {
            Value::Int(i) => Value::Int(i.wrapping_add(i32::from(delta))),
            Value::Long(i) => Value::Long(i.wrapping_add(i64::from(delta))),
            Value::Double(d) => Value::Double(d + f64::from(delta)),
            Value::Decimal(d) => Value::Decimal(d + rust_decimal::Decimal::from(delta)),
            _ => return Err(ApexException::null_pointer(span).into()),
        };
        self.write(place, new.clone(), span)?;
        Ok(if postfix { old } else { new })
    }

    fn read_place(&mut self, place: &Place, span: &Span) -> Eval<Value> {
        match place {
            Place::Local(slot) => Ok(self.stack[self.base + *slot].clone()),
            Place::ObjField { target, index } => self.object_field(target, *index),
            Place::Static(index) => {
                self.static_ready(*index, span)?;
                Ok(self.statics[*index].clone())
            }
            Place::Prop { target, prop } => self.read_prop(target.as_deref(), *prop, span),
            Place::Field { target, field } => self.read_field(target, *field, false),
            Place::Index { target, index } => {
                let list = self.expr(target)?;
                let i = self.expr(index)?;
                list_get(&list, &i, span)
            }
        }
    }

    fn write(&mut self, place: &Place, value: Value, span: &Span) -> Eval<()> {
        match place {
            Place::Local(slot) => self.stack[self.base + *slot] = value,
            Place::ObjField { target, index } => self.set_object_field(target, *index, value)?,
            Place::Static(index) => {
                self.static_ready(*index, span)?;
                self.statics[*index] = value;
            }
            Place::Prop { target, prop } => {
                self.write_prop(target.as_deref(), *prop, value, span)?
            }
            Place::Field { target, field } => self.write_field(target, *field, value)?,
            Place::Index { target, index } => {
                let list = self.expr(target)?;
                let i = self.expr(index)?;
                let Value::List(list) = list else {
                    return Err(ApexException::null_pointer(&target.span).into());
                };
                let pos = checked_index(&i, list.borrow().len(), span)?;
                list.borrow_mut()[pos] = value;
            }
        }
        Ok(())
    }
}

/// Method calls that may be in progress at once; one more ends the run with
/// `System.LimitException: Maximum stack depth reached: 1001`.
pub const MAX_CALL_DEPTH: usize = 1000;

/// The platform's synchronous CPU time limit.
pub const DEFAULT_CPU_LIMIT: Duration = Duration::from_secs(10);

/// Records the method an exception left, the first time it leaves one.
fn with_origin(failure: Failure, f: &crate::check::ir::Function) -> Failure {
    match failure {
        Failure::Exception(mut e) if e.origin.is_none() => {
            e.origin = Some(Origin {
                file: f.file,
                function: f.name.clone(),
            });
            Failure::Exception(e)
        }
        other => other,
    }
}

fn cpu_limit(span: &Span) -> Failure {
    ApexException::new(LIMIT, "Apex CPU time limit exceeded", span).into()
}

/// Where a loop's time-limit exception points: its condition, else its body.
fn body_span(body: &Stmt, cond: Option<&Expr>) -> Span {
    match (cond, body) {
        (Some(c), _) => c.span.clone(),
        (None, Stmt::Expr(e)) => e.span.clone(),
        (None, _) => 0..0,
    }
}

/// The value of a literal.
fn constant(c: &Const) -> Value {
    match c {
        Const::Null => Value::Null,
        Const::Bool(b) => Value::Bool(*b),
        Const::Int(i) => Value::Int(*i),
        Const::Long(i) => Value::Long(*i),
        Const::Double(d) => Value::Double(*d),
        Const::Decimal(d) => Value::Decimal(*d),
        Const::String(s) => Value::String(s.clone()),
        Const::StatusCode(name) => Value::StatusCode(name),
        Const::Enum(e) => Value::Enum(e.clone()),
    }
}

/// `list[i]` and `list.get(i)`.
pub(crate) fn list_get(list: &Value, index: &Value, span: &Span) -> Eval<Value> {
    let Value::List(items) = list else {
        return Err(ApexException::null_pointer(span).into());
    };
    let items = items.borrow();
    let pos = checked_index(index, items.len(), span)?;
    Ok(items[pos].clone())
}

fn checked_index(index: &Value, len: usize, span: &Span) -> Eval<usize> {
    let Value::Int(i) = *index else {
        return Err(ApexException::null_pointer(span).into());
    };
    match usize::try_from(i) {
        Ok(pos) if pos < len => Ok(pos),
        _ => Err(ApexException::new(LIST, format!("List index out of bounds: {i}"), span).into()),
    }
}

fn negate(v: Value, span: &Span) -> Eval<Value> {
    Ok(match v {
        Value::Int(i) => Value::Int(i.wrapping_neg()),
        Value::Long(i) => Value::Long(i.wrapping_neg()),
        Value::Double(d) => Value::Double(-d),
        Value::Decimal(d) => Value::Decimal(-d),
        _ => return Err(ApexException::null_pointer(span).into()),
    })
}

/// Applies a conversion the checker inserted.
fn convert(v: Value, to: Conversion, span: &Span) -> Eval<Value> {
    use rust_decimal::prelude::FromPrimitive;
    Ok(match (to, v) {
        (_, Value::Null) => Value::Null,
        (Conversion::ToLong, Value::Int(i)) => Value::Long(i64::from(i)),
        (Conversion::ToDouble, Value::Int(i)) => Value::Double(f64::from(i)),
        (Conversion::ToDouble, Value::Long(i)) => Value::Double(i as f64),
        (Conversion::ToDouble, Value::Decimal(d)) => {
            Value::Double(rust_decimal::prelude::ToPrimitive::to_f64(&d).unwrap_or(f64::NAN))
        }
        (Conversion::ToDecimal, Value::Int(i)) => Value::Decimal(i.into()),
        (Conversion::ToDecimal, Value::Long(i)) => Value::Decimal(i.into()),
        (Conversion::ToDecimal, Value::Double(d)) => {
            Value::Decimal(rust_decimal::Decimal::from_f64(d).unwrap_or_default())
        }
        (Conversion::ToId, Value::String(s)) => match Id::parse(&s) {
            Some(id) => Value::Id(id),
            None => {
                return Err(ApexException::new(STRING, format!("Invalid id: {s}"), span).into());
            }
        },
        (Conversion::IdToString, Value::Id(id)) => Value::string(id.as_str()),
        (_, v) => v,
    })
}

/// `+` with a String operand; a result past the heap limit is refused
/// before it is built.
fn concat(l: &Value, r: &Value, span: &Span) -> Eval<Value> {
    if let (Value::String(a), Value::String(b)) = (l, r) {
        check_string_size(a.len() + b.len(), span)?;
        let mut joined = String::with_capacity(a.len() + b.len());
        joined.push_str(a);
        joined.push_str(b);
        return Ok(Value::String(Rc::from(joined)));
    }
    let joined = format!("{l}{r}");
    check_string_size(joined.len(), span)?;
    Ok(Value::String(Rc::from(joined)))
}

fn binary(op: BinOp, l: Value, r: Value, span: &Span) -> Eval<Value> {
    match op {
        BinOp::Concat => concat(&l, &r, span),
        BinOp::Arith(a) => arith(a, l, r, span),
        BinOp::Eq { negate } => Ok(Value::Bool(loose_eq(&l, &r) != negate)),
        BinOp::ExactEq { negate } => Ok(Value::Bool(exact_eq(&l, &r) != negate)),
        BinOp::Compare(ord) => Ok(Value::Bool(compare(ord, &l, &r))),
        BinOp::Bit(op) => bitwise(op, &l, &r, span),
        BinOp::AddDays { negate } => crate::stdlib::add_days(&l, &r, negate, span),
    }
}

/// `&`, `|`, `^` and the shifts. Shift distances are taken modulo the
/// operand's width (32 or 64), as in Java, which Apex follows.
fn bitwise(op: Bitwise, l: &Value, r: &Value, span: &Span) -> Eval<Value> {
    let distance = match r {
        Value::Int(n) => i64::from(*n),
        Value::Long(n) => *n,
        _ => 0,
    };
    Ok(match (op, l, r) {
        (_, Value::Null, _) | (_, _, Value::Null) => {
            return Err(ApexException::null_pointer(span).into());
        }
        (Bitwise::And, Value::Bool(a), Value::Bool(b)) => Value::Bool(a & b),
        (Bitwise::Or, Value::Bool(a), Value::Bool(b)) => Value::Bool(a | b),
        (Bitwise::Xor, Value::Bool(a), Value::Bool(b)) => Value::Bool(a ^ b),
        (Bitwise::And, Value::Int(a), Value::Int(b)) => Value::Int(a & b),
        (Bitwise::Or, Value::Int(a), Value::Int(b)) => Value::Int(a | b),
        (Bitwise::Xor, Value::Int(a), Value::Int(b)) => Value::Int(a ^ b),
        (Bitwise::And, Value::Long(a), Value::Long(b)) => Value::Long(a & b),
        (Bitwise::Or, Value::Long(a), Value::Long(b)) => Value::Long(a | b),
        (Bitwise::Xor, Value::Long(a), Value::Long(b)) => Value::Long(a ^ b),
        (Bitwise::Shl, Value::Int(a), _) => Value::Int(a.wrapping_shl(distance as u32 & 31)),
        (Bitwise::Shr, Value::Int(a), _) => Value::Int(a.wrapping_shr(distance as u32 & 31)),
        (Bitwise::UShr, Value::Int(a), _) => {
            Value::Int(((*a as u32) >> (distance as u32 & 31)) as i32)
        }
        (Bitwise::Shl, Value::Long(a), _) => Value::Long(a.wrapping_shl(distance as u32 & 63)),
        (Bitwise::Shr, Value::Long(a), _) => Value::Long(a.wrapping_shr(distance as u32 & 63)),
        (Bitwise::UShr, Value::Long(a), _) => {
            Value::Long(((*a as u64) >> (distance as u32 & 63)) as i64)
        }
        _ => return Err(ApexException::null_pointer(span).into()),
    })
}

fn arith(op: Arith, l: Value, r: Value, span: &Span) -> Eval<Value> {
    let divide_by_zero = || ApexException::new(MATH, "Divide by 0", span);
    Ok(match (l, r) {
        (Value::Int(a), Value::Int(b)) => Value::Int(match op {
            Arith::Add => a.wrapping_add(b),
            Arith::Sub => a.wrapping_sub(b),
            Arith::Mul => a.wrapping_mul(b),
            Arith::Div if b == 0 => return Err(divide_by_zero().into()),
            Arith::Div => a.wrapping_div(b),
        }),
        (Value::Long(a), Value::Long(b)) => Value::Long(match op {
            Arith::Add => a.wrapping_add(b),
            Arith::Sub => a.wrapping_sub(b),
            Arith::Mul => a.wrapping_mul(b),
            Arith::Div if b == 0 => return Err(divide_by_zero().into()),
            Arith::Div => a.wrapping_div(b),
        }),
        (Value::Double(a), Value::Double(b)) => Value::Double(match op {
            Arith::Add => a + b,
            Arith::Sub => a - b,
            Arith::Mul => a * b,
            Arith::Div => a / b,
        }),
        (Value::Decimal(a), Value::Decimal(b)) => {
            let out = match op {
                Arith::Add => a.checked_add(b),
                Arith::Sub => a.checked_sub(b),
                Arith::Mul => a.checked_mul(b),
                Arith::Div if b.is_zero() => return Err(divide_by_zero().into()),
                Arith::Div => a.checked_div(b),
            };
            match out {
                Some(d) => Value::Decimal(d),
                None => return Err(ApexException::new(MATH, "Decimal overflow", span).into()),
            }
        }
        _ => return Err(ApexException::null_pointer(span).into()),
    })
}

/// `==`: strings ignore case, Ids compare by value, records and lists by content.
pub(crate) fn loose_eq(l: &Value, r: &Value) -> bool {
    loose_eq_in(l, r, true, &mut Vec::new())
}

/// `equals()`, as `System.assertEquals` and `Assert.areEqual` compare: like
/// `==`, but strings (also inside lists and records) compare with case.
pub(crate) fn equals(l: &Value, r: &Value) -> bool {
    loose_eq_in(l, r, false, &mut Vec::new())
}

/// `==` (or `equals()` when `fold` is false) with the lists being compared
/// further up in `path`: a list that contains itself compares by identity
/// there instead of recursing forever.
fn loose_eq_in(l: &Value, r: &Value, fold: bool, path: &mut Vec<usize>) -> bool {
    match (l, r) {
        (Value::String(a), Value::String(b)) if fold => a.to_lowercase() == b.to_lowercase(),
        (Value::String(s), Value::Id(id)) | (Value::Id(id), Value::String(s)) => {
            Id::parse(s).is_some_and(|p| p == *id)
        }
        (Value::List(a), Value::List(b)) if Rc::ptr_eq(a, b) => true,
        (Value::List(a), Value::List(b)) => {
            let ptr = Rc::as_ptr(a) as *const () as usize;
            if path.contains(&ptr) {
                return false;
            }
            path.push(ptr);
            let (xs, ys) = (a.borrow(), b.borrow());
            let same = xs.len() == ys.len()
                && xs
                    .iter()
                    .zip(ys.iter())
                    .all(|(x, y)| loose_eq_in(x, y, fold, path));
            path.pop();
            same
        }
        (Value::SObject(a), Value::SObject(b)) => {
            Rc::ptr_eq(a, b) || records_equal(&a.borrow(), &b.borrow())
        }
        _ => exact_eq(l, r),
    }
}

fn records_equal(a: &crate::data::record::Record, b: &crate::data::record::Record) -> bool {
    std::ptr::eq(a.object, b.object) && a.set_fields().eq(b.set_fields())
}

/// `===`: reference equality for records and lists, exact equality otherwise.
fn exact_eq(l: &Value, r: &Value) -> bool {
    match (l, r) {
        (Value::Null, Value::Null) => true,
        (Value::Bool(a), Value::Bool(b)) => a == b,
        (Value::Int(a), Value::Int(b)) => a == b,
        (Value::Long(a), Value::Long(b)) => a == b,
        (Value::Double(a), Value::Double(b)) => a == b,
        (Value::Decimal(a), Value::Decimal(b)) => a == b,
        (Value::String(a), Value::String(b)) => a == b,
        (Value::Id(a), Value::Id(b)) => a == b,
        (Value::Date(a), Value::Date(b)) => a == b,
        (Value::Datetime(a), Value::Datetime(b)) => a == b,
        (Value::List(a), Value::List(b)) => Rc::ptr_eq(a, b),
        (Value::SObject(a), Value::SObject(b)) => Rc::ptr_eq(a, b),
        (Value::StatusCode(a), Value::StatusCode(b)) => a == b,
        (Value::Enum(a), Value::Enum(b)) => a == b,
        (Value::Object(a), Value::Object(b)) => Rc::ptr_eq(a, b),
        (Value::Savepoint(a), Value::Savepoint(b)) => a == b,
        (Value::Exception(a), Value::Exception(b)) => Rc::ptr_eq(a, b),
        (Value::Result(a), Value::Result(b)) => Rc::ptr_eq(a, b),
        (Value::DbError(a), Value::DbError(b)) => Rc::ptr_eq(a, b),
        _ => false,
    }
}

/// `<` and friends; a null operand makes every comparison false, as in Apex.
fn compare(ord: Ordering, l: &Value, r: &Value) -> bool {
    let result = match (l, r) {
        (Value::Int(a), Value::Int(b)) => a.partial_cmp(b),
        (Value::Long(a), Value::Long(b)) => a.partial_cmp(b),
        (Value::Double(a), Value::Double(b)) => a.partial_cmp(b),
        (Value::Decimal(a), Value::Decimal(b)) => a.partial_cmp(b),
        (Value::String(a), Value::String(b)) => a.to_lowercase().partial_cmp(&b.to_lowercase()),
        (Value::Id(a), Value::Id(b)) => a.partial_cmp(b),
        (Value::Date(a), Value::Date(b)) => a.partial_cmp(b),
        (Value::Datetime(a), Value::Datetime(b)) => a.partial_cmp(b),
        _ => None,
    };
    let Some(result) = result else { return false };
    match ord {
        Ordering::Lt => result == CmpOrdering::Less,
        Ordering::Le => result != CmpOrdering::Greater,
        Ordering::Gt => result == CmpOrdering::Greater,
        Ordering::Ge => result != CmpOrdering::Less,
    }
}

impl Interpreter<'_> {
    fn builtin(
        &mut self,
        method: crate::stdlib::Builtin,
        args: &[Expr],
        span: &Span,
    ) -> Eval<Value> {
        // Built-ins take few arguments: keep them off the heap.
        let mut values: smallvec::SmallVec<[Value; 4]> = smallvec::SmallVec::new();
        for a in args {
            values.push(self.expr(a)?);
        }
        if let crate::stdlib::Builtin::Dml(call) = method {
            // Run here rather than in the standard library, so that the
            // call fires triggers with the interpreter at hand.
            let all_or_none = !matches!(values.get(1), Some(Value::Bool(false)));
            let options = super::sobject::DmlOptions {
                all_or_none,
                key: None,
            };
            let targets = crate::stdlib::records_of_ids(&values[0], span)?;
            let results = self.run_dml(call.op, &targets, options, span)?;
            return Ok(crate::stdlib::dml_results(call, results));
        }
        let mut cx = crate::stdlib::Context {
            out: &mut *self.out,
            org: &mut *self.org,
            sources: self.sources,
            iterating: &self.iterating,
            cpu_deadline: self.deadline,
            cpu_limit: self.cpu_limit,
        };
        let result = crate::stdlib::call(method, &values, &mut cx, span)?;
        if let crate::stdlib::Builtin::Test(m) = method {
            self.test_clock(m);
        }
        Ok(result)
    }

    /// `Test.startTest()` gives the block a CPU limit of its own; after
    /// `Test.stopTest()` the method's clock resumes without the block's time.
    fn test_clock(&mut self, m: crate::stdlib::TestMethod) {
        let now = CpuInstant::now();
        match m {
            crate::stdlib::TestMethod::Start => {
                self.test_block = Some((now, self.deadline));
                self.deadline = now + self.cpu_limit;
            }
            crate::stdlib::TestMethod::Stop => {
                if let Some((started, outer)) = self.test_block.take() {
                    self.deadline = outer + (now - started);
                }
            }
            crate::stdlib::TestMethod::IsRunning => {}
        }
    }
}
