//! The resolved program the interpreter runs.
//!
//! Names are gone: locals are frame slots, fields are schema indexes, built-in
//! methods are enum values, and every operator knows its operand types. Each
//! node that can throw keeps the span the exception reports.

use std::collections::HashMap;
use std::rc::Rc;

use rust_decimal::Decimal;

use crate::check::types::Type;
use crate::data::schema::ObjectDef;
use crate::stdlib::Builtin;
use crate::syntax::ast::{DmlOp, SoqlQuery, TriggerEvent};
use crate::syntax::source::Span;

/// A checked script, ready to run.
#[derive(Debug)]
pub struct Program {
    /// The top-level statements.
    pub body: Vec<Stmt>,
    /// How many local slots the top-level frame needs.
    pub slots: usize,
    /// Methods, indexed by [`ExprKind::Call`].
    pub functions: Vec<Function>,
    /// Declared classes, interfaces and enums, by id; objects share theirs.
    pub classes: Vec<Rc<Class>>,
    /// How many static fields the program has.
    pub statics: usize,
    /// For each function, the class whose static initialisation must have
    /// run before it is called (static methods and constructors of a class
    /// that has, or inherits, static code); `None` when there is none.
    pub init_guard: Vec<Option<usize>>,
    /// The same for each static field, by index.
    pub static_guard: Vec<Option<usize>>,
    /// Properties with an accessor body, by index.
    pub properties: Vec<Property>,
    /// Custom exception types and the exception type each extends.
    pub exception_parents: Vec<(&'static str, &'static str)>,
    /// The statements a coverage build counts, by [`Stmt::Covered`] index:
    /// the source file and the statement's byte offset. Empty otherwise.
    pub points: Vec<(usize, usize)>,
    /// The triggers, in the order of their files.
    pub triggers: Vec<Trigger>,
}

/// A trigger: what it fires on and the function holding its body.
#[derive(Debug)]
pub struct Trigger {
    /// The name as declared.
    pub name: String,
    /// The sObject it fires on.
    pub object: &'static ObjectDef,
    /// The events it fires on, as declared.
    pub events: Vec<TriggerEvent>,
    /// Its body, a static function without parameters.
    pub function: usize,
}

impl Trigger {
    /// True when the trigger fires for `op` (insert, update, delete or
    /// undelete) before (`before`) or after the write.
    pub fn fires(&self, op: DmlOp, before: bool) -> bool {
        self.events.iter().any(|e| e.op == op && e.before == before)
    }
}

/// A context variable of `Trigger`: `Trigger.new`, `Trigger.isInsert`, ...
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TriggerVar {
    /// `Trigger.new`
    New,
    /// `Trigger.old`
    Old,
    /// `Trigger.newMap`
    NewMap,
    /// `Trigger.oldMap`
    OldMap,
    /// `Trigger.isExecuting`
    IsExecuting,
    /// `Trigger.isBefore`
    IsBefore,
    /// `Trigger.isAfter`
    IsAfter,
    /// `Trigger.isInsert`
    IsInsert,
    /// `Trigger.isUpdate`
    IsUpdate,
    /// `Trigger.isDelete`
    IsDelete,
    /// `Trigger.isUndelete`
    IsUndelete,
    /// `Trigger.operationType`
    OperationType,
    /// `Trigger.size`
    Size,
}

impl TriggerVar {
    /// The variable named `name` (folded to lower case).
    pub fn parse(name: &str) -> Option<TriggerVar> {
        Some(match name {
            "new" => TriggerVar::New,
            "old" => TriggerVar::Old,
            "newmap" => TriggerVar::NewMap,
            "oldmap" => TriggerVar::OldMap,
            "isexecuting" => TriggerVar::IsExecuting,
            "isbefore" => TriggerVar::IsBefore,
            "isafter" => TriggerVar::IsAfter,
            "isinsert" => TriggerVar::IsInsert,
            "isupdate" => TriggerVar::IsUpdate,
            "isdelete" => TriggerVar::IsDelete,
            "isundelete" => TriggerVar::IsUndelete,
            "operationtype" => TriggerVar::OperationType,
            "size" => TriggerVar::Size,
            _ => return None,
        })
    }
}

/// What the interpreter needs of a declared class.
#[derive(Debug)]
pub struct Class {
    /// The name as declared.
    pub name: String,
    /// The method each selector runs on instances of this class, if any.
    pub dispatch: Vec<Option<usize>>,
    /// The instance fields' names, inherited ones first: an object's layout.
    pub fields: Vec<String>,
    /// For enums, the constants in order.
    pub values: Vec<Rc<EnumConst>>,
    /// Its own id, its superclasses' and every interface it implements.
    pub ancestors: Rc<[usize]>,
    /// The class it extends, if any.
    pub parent: Option<usize>,
    /// Its static initialiser, run when the class is first used.
    pub clinit: Option<usize>,
}

/// A property one of whose accessors has a body: each accessor is either
/// a function of the program or, when automatic, the property's backing
/// field itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Property {
    /// The `get` accessor's function; `None` reads the backing field.
    pub getter: Option<usize>,
    /// The `set` accessor's function (its parameter is `value`); `None`
    /// writes the backing field.
    pub setter: Option<usize>,
    /// Static properties keep their value in a static field.
    pub is_static: bool,
    /// The backing field: a static field's index or an object's field index.
    pub index: usize,
}

/// One constant of an enum.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct EnumConst {
    /// The enum's class id.
    pub class: usize,
    /// Its position, from 0 (`ordinal()`).
    pub ordinal: usize,
    /// Its name (`name()`).
    pub name: Rc<str>,
}

/// A method's resolved body.
#[derive(Debug)]
pub struct Function {
    /// The name stack traces show: `Class.Foo.bar`, or the plain name of a
    /// method of the anonymous block.
    pub name: String,
    /// The source file it was declared in (0 is the script).
    pub file: usize,
    /// How many parameters it takes; they fill the first slots of its frame.
    pub params: usize,
    /// How many local slots its frame needs, parameters included.
    pub slots: usize,
    /// The statements.
    pub body: Vec<Stmt>,
}

/// A resolved statement.
#[derive(Debug)]
pub enum Stmt {
    /// Writes a value (or null) into a local slot.
    Local {
        /// The slot.
        slot: usize,
        /// The initial value; `None` stores null.
        init: Option<Expr>,
    },
    /// Evaluates an expression for its effects.
    Expr(Expr),
    /// A DML statement on a record or a list of records.
    Dml {
        /// The operation.
        op: DmlOp,
        /// The record or list.
        target: Expr,
        /// For `upsert records Field;`, the matching field's index.
        key: Option<usize>,
        /// The statement, for the exception's position.
        span: Span,
    },
    /// Statements in order.
    Block(Vec<Stmt>),
    /// A conditional.
    If {
        /// A Boolean condition.
        cond: Expr,
        /// Run when true.
        then: Box<Stmt>,
        /// Run when false.
        otherwise: Option<Box<Stmt>>,
    },
    /// A loop with its test before each pass (`while` and classic `for`).
    Loop {
        /// A Boolean condition; `None` loops until `break`.
        cond: Option<Expr>,
        /// The loop body.
        body: Box<Stmt>,
        /// Expressions run after each pass, before the test (`for` updates).
        update: Vec<Expr>,
    },
    /// A for-each loop over a list.
    ForEach {
        /// The loop variable's slot.
        slot: usize,
        /// The list iterated.
        iterable: Expr,
        /// The loop body.
        body: Box<Stmt>,
    },
    /// `do body while (cond);`
    DoWhile {
        /// The loop body, run before each test.
        body: Box<Stmt>,
        /// A Boolean condition.
        cond: Expr,
    },
    /// `throw expr;`
    Throw(Expr),
    /// `try` with its handlers.
    Try {
        /// The guarded statements.
        body: Vec<Stmt>,
        /// Handlers tried in order.
        catches: Vec<Catch>,
        /// Run however the guarded statements end.
        finally: Option<Vec<Stmt>>,
    },
    /// `switch on subject { when ... }`
    Switch {
        /// The value switched on.
        subject: Expr,
        /// The `when` clauses other than `when else`, in order.
        arms: Vec<Arm>,
        /// The `when else` block.
        otherwise: Option<Vec<Stmt>>,
    },
    /// `System.runAs(user) { body }`
    RunAs {
        /// The user the body runs as.
        user: Expr,
        /// The statements.
        body: Vec<Stmt>,
        /// The whole statement, for exceptions it raises.
        span: Span,
    },
    /// Counts one run of the statement that follows (coverage builds only).
    Covered(usize),
    /// `break;`
    Break,
    /// `continue;`
    Continue,
    /// `return;` or `return value;`
    Return(Option<Expr>),
}

/// One `when` clause of a `switch on`.
#[derive(Debug)]
pub struct Arm {
    /// What it matches.
    pub test: ArmTest,
    /// The statements run on a match.
    pub body: Vec<Stmt>,
}

/// What a `when` clause matches.
#[derive(Debug)]
pub enum ArmTest {
    /// Any of these constant values (strings compare with case).
    Values(Vec<Expr>),
    /// An sObject of this type, bound to a slot.
    Type {
        /// The sObject type.
        object: &'static ObjectDef,
        /// The slot the record is bound to.
        slot: usize,
    },
}

/// One `catch` clause.
#[derive(Debug)]
pub struct Catch {
    /// The exception type caught; `System.Exception` catches every catchable one.
    pub type_name: &'static str,
    /// The slot the exception is bound to.
    pub slot: usize,
    /// The handler.
    pub body: Vec<Stmt>,
}

/// A resolved expression with its static type and span.
#[derive(Debug)]
pub struct Expr {
    /// What it computes.
    pub kind: ExprKind,
    /// Its static type.
    pub ty: Type,
    /// Where it was written.
    pub span: Span,
}

/// The operations of resolved expressions.
#[derive(Debug)]
pub enum ExprKind {
    /// A literal constant.
    Const(Const),
    /// Reads a local slot.
    Local(usize),
    /// Reads a field of an sObject.
    Field {
        /// The record read.
        target: Box<Expr>,
        /// The field's index in its object.
        field: usize,
        /// True for `?.`.
        safe: bool,
    },
    /// Reads the parent record a query loaded through a relationship
    /// (`u.Profile`), by the index of its reference field (`ProfileId`).
    Parent {
        /// The child record.
        target: Box<Expr>,
        /// The reference field's index.
        field: usize,
        /// True for `?.`.
        safe: bool,
    },
    /// Writes a value into a place and yields it.
    Assign {
        /// Where the value goes.
        place: Place,
        /// The value, already converted to the place's type.
        value: Box<Expr>,
    },
    /// Adds one to or subtracts one from a numeric local.
    Step {
        /// The place changed.
        place: Place,
        /// +1 or -1.
        delta: i8,
        /// True when the old value is the result (`x++`).
        postfix: bool,
    },
    /// A new sObject with fields set.
    NewSObject {
        /// The object type.
        object: &'static ObjectDef,
        /// Field indexes and values, in the order written.
        fields: Vec<(usize, Expr)>,
    },
    /// A new list with elements.
    NewList(Vec<Expr>),
    /// `new T[n]`: a list of `n` nulls.
    NewArray(Box<Expr>),
    /// A new set with elements.
    NewSet(Vec<Expr>),
    /// A new map with entries.
    NewMap(Vec<(Expr, Expr)>),
    /// A new collection filled from another (`new List<T>(set)`, `new Set<T>(list)`,
    /// `new Map<K, V>(map)`).
    Copy {
        /// The collection copied.
        source: Box<Expr>,
        /// What is made.
        into: Collection,
    },
    /// `new Map<Id, SObject>(records)`: records keyed by their Ids.
    MapByIds(Box<Expr>),
    /// Arithmetic, comparison or concatenation.
    Binary {
        /// The operation, specialised by operand types.
        op: BinOp,
        /// The left operand.
        lhs: Box<Expr>,
        /// The right operand.
        rhs: Box<Expr>,
    },
    /// `!x`
    Not(Box<Expr>),
    /// `-x`
    Neg(Box<Expr>),
    /// `&&`, short-circuit.
    And(Box<Expr>, Box<Expr>),
    /// `||`, short-circuit.
    Or(Box<Expr>, Box<Expr>),
    /// `c ? a : b`
    Ternary(Box<Expr>, Box<Expr>, Box<Expr>),
    /// `x instanceof T`. Collections are tested for their kind only:
    /// element types are not kept at run time.
    InstanceOf(Box<Expr>, Type),
    /// `(T) x` where only the run-time type can tell, `T` being the node's
    /// own type: the value itself when it is a `T` or null, else a
    /// `System.TypeException`.
    Cast(Box<Expr>),
    /// `a ?? b`: `b` is evaluated only when `a` is null.
    Coalesce(Box<Expr>, Box<Expr>),
    /// `~x` on an Integer or Long.
    BitNot(Box<Expr>),
    /// Widens or converts a value to the static type it is used as.
    Convert {
        /// The value.
        expr: Box<Expr>,
        /// How.
        to: Conversion,
    },
    /// Reads an instance field of an object.
    ObjField {
        /// The object.
        target: Box<Expr>,
        /// The field's index in the object.
        index: usize,
    },
    /// Reads a static field.
    Static(usize),
    /// Reads a property through its `get` accessor (`target` is `None` for
    /// a static property); see [`Program::properties`].
    Prop {
        /// The object, for an instance property.
        target: Option<Box<Expr>>,
        /// The property's index.
        prop: usize,
    },
    /// `new C(args)`: a new object, initialised by a constructor.
    NewObject {
        /// The class id.
        class: usize,
        /// The constructor's function; it takes the new object first.
        ctor: usize,
        /// The arguments.
        args: Vec<Expr>,
    },
    /// A virtual call: the receiver's class picks the method.
    Invoke {
        /// The method selector.
        selector: usize,
        /// The receiver first, then the arguments.
        args: Vec<Expr>,
    },
    /// `EnumType.values()`
    EnumValues(usize),
    /// A call of a method declared in the program.
    Call {
        /// Index into [`Program::functions`].
        function: usize,
        /// The arguments, converted to the parameter types.
        args: Vec<Expr>,
    },
    /// A built-in static or instance method.
    Builtin {
        /// Which method.
        method: Builtin,
        /// The receiver first for instance methods, then the arguments.
        args: Vec<Expr>,
    },
    /// `list[i]`
    Index {
        /// The list.
        target: Box<Expr>,
        /// The position.
        index: Box<Expr>,
    },
    /// An inline SOQL query.
    Soql {
        /// The query as parsed.
        query: Rc<SoqlQuery>,
        /// The bind expressions in source order.
        binds: Vec<Expr>,
        /// True for `SELECT COUNT()`: the result is an Integer.
        count: bool,
    },
    /// `Database.query(text)` or `Database.countQuery(text)`: the text is
    /// parsed when it runs, its `:name` binds read from the locals in scope.
    DynamicSoql {
        /// The query text.
        text: Box<Expr>,
        /// The locals visible at the call, by folded name, and their slots.
        scope: Rc<HashMap<String, usize>>,
        /// True for `countQuery`: the result is an Integer.
        count: bool,
        /// The object the result is assigned as (`List<Account>`), checked
        /// when the query runs; `None` for `List<SObject>`.
        row: Option<&'static ObjectDef>,
    },
    /// Takes the only row of a query result (assignment of a query to one sObject).
    SingleRow(Box<Expr>),
    /// `acct.Contacts`: the records a child subquery loaded.
    Children {
        /// The parent record.
        target: Box<Expr>,
        /// The relationship name, as the platform spells it.
        name: &'static str,
        /// The parent object, for the error when it was not queried.
        object: &'static ObjectDef,
    },
    /// A query's rows in lists of 200, for `for (List<Account> batch : [SELECT ...])`.
    Batches(Box<Expr>),
    /// `new DmlException('message')` and other platform exceptions.
    NewException {
        /// The qualified type name.
        type_name: &'static str,
        /// An optional message, then an optional cause.
        args: Vec<Expr>,
    },
    /// A context variable of the running trigger (`Trigger.new`, ...).
    TriggerVar(TriggerVar),
    /// `record.addError(msg)`, `record.Field.addError(msg)` and
    /// `record.addError(fieldName, msg)`.
    AddError {
        /// The record.
        record: Box<Expr>,
        /// The field's API name, if the error is on a field.
        field: Option<Box<Expr>>,
        /// The message.
        message: Box<Expr>,
    },
}

/// A constant value, as written in the source.
#[derive(Clone, Debug, PartialEq)]
pub enum Const {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// An Integer literal.
    Int(i32),
    /// A Long literal.
    Long(i64),
    /// A Double literal.
    Double(f64),
    /// A Decimal literal, with the scale it was written with.
    Decimal(Decimal),
    /// A string literal.
    String(Rc<str>),
    /// A `StatusCode` enum value such as `StatusCode.REQUIRED_FIELD_MISSING`.
    StatusCode(&'static str),
    /// A constant of a declared enum.
    Enum(Rc<EnumConst>),
}

/// The collection kinds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Collection {
    /// `List`
    List,
    /// `Set`
    Set,
    /// `Map`
    Map,
}

/// A place an assignment writes.
#[derive(Debug)]
pub enum Place {
    /// A local slot.
    Local(usize),
    /// An instance field of an object.
    ObjField {
        /// The object.
        target: Box<Expr>,
        /// The field's index.
        index: usize,
    },
    /// A static field.
    Static(usize),
    /// A property with an accessor body, written through its `set`
    /// accessor and read (by compound assignment) through its `get`.
    Prop {
        /// The object, for an instance property.
        target: Option<Box<Expr>>,
        /// The property's index.
        prop: usize,
    },
    /// A field of an sObject.
    Field {
        /// The record written.
        target: Box<Expr>,
        /// The field's index.
        field: usize,
    },
    /// An element of a list.
    Index {
        /// The list.
        target: Box<Expr>,
        /// The position.
        index: Box<Expr>,
    },
}

/// Value conversions inserted by the checker.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Conversion {
    /// To Long.
    ToLong,
    /// To Double.
    ToDouble,
    /// To Decimal.
    ToDecimal,
    /// String to Id; malformed text throws `StringException`.
    ToId,
    /// Id to String.
    IdToString,
}

/// Binary operations, chosen by the checker from the operand types.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    /// Numeric `+`, `-`, `*`, `/` on operands already promoted to one type.
    Arith(Arith),
    /// String concatenation; either side may be any type.
    Concat,
    /// `==` (strings ignore case) or, when negated, `!=`.
    Eq {
        /// True for `!=`.
        negate: bool,
    },
    /// `===` (reference or exact equality) or, when negated, `!==`.
    ExactEq {
        /// True for `!==`.
        negate: bool,
    },
    /// `<`, `<=`, `>`, `>=`.
    Compare(Ordering),
    /// `&`, `|`, `^` on Integers or Longs (promoted to one type) or on
    /// Booleans; `<<`, `>>`, `>>>` on an Integer or Long.
    Bit(Bitwise),
    /// A Date or Datetime plus (or, when negated, minus) a number of days.
    AddDays {
        /// True for `-`.
        negate: bool,
    },
}

/// Arithmetic operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arith {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
}

/// Bitwise operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bitwise {
    /// `&`
    And,
    /// `|`
    Or,
    /// `^`
    Xor,
    /// `<<`
    Shl,
    /// `>>`, keeping the sign.
    Shr,
    /// `>>>`, filling with zeros.
    UShr,
}

/// Relational operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ordering {
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}
