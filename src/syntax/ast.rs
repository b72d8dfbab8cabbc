//! The abstract syntax tree of anonymous Apex and inline SOQL.
//!
//! Every node carries the byte span of the source it came from, so later stages
//! can point at it in a diagnostic. Each variant's doc is the Apex it stands for.

pub use crate::syntax::name::Name;
use crate::syntax::source::Span;

/// An identifier with where it was written.
#[derive(Clone, Debug, PartialEq)]
pub struct Ident {
    /// The case-insensitive name.
    pub name: Name,
    /// Where it was written.
    pub span: Span,
}

/// An anonymous Apex script: statements run in order as one transaction.
#[derive(Clone, Debug, PartialEq)]
pub struct Script {
    /// The top-level statements.
    pub stmts: Vec<Stmt>,
    /// Methods declared at the top level of the block (`Integer twice(Integer x) {...}`).
    pub methods: Vec<MethodDecl>,
    /// Classes, interfaces and enums declared in the block.
    pub types: Vec<TypeDecl>,
}

/// A source file of a project: one `.cls` type or one `.trigger`.
#[derive(Clone, Debug, PartialEq)]
pub enum Unit {
    /// A class, interface or enum file.
    Type(TypeDecl),
    /// A trigger file.
    Trigger(TriggerDecl),
}

/// `@Name` or `@Name(key = value, ...)`
#[derive(Clone, Debug, PartialEq)]
pub struct Annotation {
    /// The annotation name, e.g. `isTest`.
    pub name: Ident,
    /// `key = value` pairs; a bare value has no key.
    pub args: Vec<(Option<Ident>, Expr)>,
    /// The whole annotation.
    pub span: Span,
}

/// Modifier keywords in front of a declaration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Modifier {
    /// `public`
    Public,
    /// `private`
    Private,
    /// `protected`
    Protected,
    /// `global`
    Global,
    /// `static`
    Static,
    /// `final`
    Final,
    /// `abstract`
    Abstract,
    /// `virtual`
    Virtual,
    /// `override`
    Override,
    /// `transient`
    Transient,
    /// `testMethod`
    TestMethod,
    /// `webservice`
    WebService,
    /// `with sharing`
    WithSharing,
    /// `without sharing`
    WithoutSharing,
    /// `inherited sharing`
    InheritedSharing,
}

/// Annotations and modifier keywords of a declaration.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Modifiers {
    /// Annotations in order.
    pub annotations: Vec<Annotation>,
    /// Modifier keywords in order.
    pub words: Vec<Modifier>,
}

impl Modifiers {
    /// True when the keyword is present.
    pub fn has(&self, m: Modifier) -> bool {
        self.words.contains(&m)
    }

    /// The annotation of that name (any case), if present.
    pub fn annotation(&self, name: &str) -> Option<&Annotation> {
        self.annotations.iter().find(|a| a.name.name.is(name))
    }
}

/// A class, interface or enum declaration.
#[derive(Clone, Debug, PartialEq)]
pub struct TypeDecl {
    /// Annotations and modifiers.
    pub modifiers: Modifiers,
    /// The type's name.
    pub name: Ident,
    /// What kind of type, with its body.
    pub kind: TypeDeclKind,
    /// The whole declaration.
    pub span: Span,
}

/// The kinds of type declarations.
#[derive(Clone, Debug, PartialEq)]
pub enum TypeDeclKind {
    /// `class Name [extends T] [implements I, J] { members }`
    Class(ClassBody),
    /// `interface Name [extends I, J] { method signatures }`
    Interface(ClassBody),
    /// `enum Name { A, B, C }`
    Enum(Vec<Ident>),
}

/// The body of a class or interface.
#[derive(Clone, Debug, PartialEq)]
pub struct ClassBody {
    /// `extends T` of a class.
    pub extends: Option<TypeRef>,
    /// `implements I, J` of a class, or `extends I, J` of an interface.
    pub implements: Vec<TypeRef>,
    /// Members in order.
    pub members: Vec<Member>,
}

/// A member of a class or interface.
#[derive(Clone, Debug, PartialEq)]
pub enum Member {
    /// `[modifiers] Type a = x, b;`
    Field(FieldDecl),
    /// A method, or a signature ending in `;` in interfaces and abstract classes.
    Method(MethodDecl),
    /// `[modifiers] ClassName(params) { body }`; `ret` is `None`.
    Constructor(MethodDecl),
    /// `[modifiers] Type Name { get; set; }` or with accessor bodies.
    Property(PropertyDecl),
    /// `{ ... }` or `static { ... }`
    Initializer {
        /// True for `static { ... }`.
        is_static: bool,
        /// The statements.
        body: Vec<Stmt>,
        /// The whole block.
        span: Span,
    },
    /// An inner class, interface or enum.
    Type(TypeDecl),
}

/// A field declaration in a class.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldDecl {
    /// Annotations and modifiers.
    pub modifiers: Modifiers,
    /// The declared type.
    pub ty: TypeRef,
    /// One or more declarators.
    pub vars: Vec<(Ident, Option<Expr>)>,
    /// The whole declaration.
    pub span: Span,
}

/// A method or constructor.
#[derive(Clone, Debug, PartialEq)]
pub struct MethodDecl {
    /// Annotations and modifiers.
    pub modifiers: Modifiers,
    /// The return type; `None` for `void` and for constructors.
    pub ret: Option<TypeRef>,
    /// The method name (the class name for constructors).
    pub name: Ident,
    /// The parameters.
    pub params: Vec<Param>,
    /// The body; `None` for a signature ending in `;`.
    pub body: Option<Vec<Stmt>>,
    /// The whole declaration.
    pub span: Span,
}

/// A method parameter: `[final] Type name`.
#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    /// The declared type.
    pub ty: TypeRef,
    /// The parameter name.
    pub name: Ident,
}

/// A property: a field with `get`/`set` accessors.
#[derive(Clone, Debug, PartialEq)]
pub struct PropertyDecl {
    /// Annotations and modifiers.
    pub modifiers: Modifiers,
    /// The declared type.
    pub ty: TypeRef,
    /// The property name.
    pub name: Ident,
    /// `get;` or `get { ... }`, with its own modifiers.
    pub getter: Option<Accessor>,
    /// `set;` or `set { ... }`, with its own modifiers.
    pub setter: Option<Accessor>,
    /// The whole declaration.
    pub span: Span,
}

/// One accessor of a property.
#[derive(Clone, Debug, PartialEq)]
pub struct Accessor {
    /// Modifiers such as `private set;`.
    pub modifiers: Modifiers,
    /// The body; `None` for the automatic `get;`/`set;`.
    pub body: Option<Vec<Stmt>>,
}

/// `trigger Name on Object (before insert, after update, ...) { body }`
#[derive(Clone, Debug, PartialEq)]
pub struct TriggerDecl {
    /// The trigger name.
    pub name: Ident,
    /// The sObject it fires on.
    pub object: Ident,
    /// The events, in order written.
    pub events: Vec<TriggerEvent>,
    /// The trigger body.
    pub body: Vec<Stmt>,
    /// The whole declaration.
    pub span: Span,
}

/// A trigger event such as `before insert`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TriggerEvent {
    /// True for `before`, false for `after`.
    pub before: bool,
    /// The operation.
    pub op: DmlOp,
}

/// A reference to a type: `Integer`, `List<User>`, `System.Exception`, `String[]`.
#[derive(Clone, Debug, PartialEq)]
pub struct TypeRef {
    /// The dotted name, one part or more (`System`, `Exception`).
    pub path: Vec<Ident>,
    /// Generic arguments, empty when there are none.
    pub args: Vec<TypeRef>,
    /// Number of `[]` suffixes; `String[]` is `List<String>`.
    pub array_dims: u8,
    /// The whole reference.
    pub span: Span,
}

/// A statement.
#[derive(Clone, Debug, PartialEq)]
pub struct Stmt {
    /// What kind of statement.
    pub kind: StmtKind,
    /// The whole statement.
    pub span: Span,
}

/// The statements of the language.
#[derive(Clone, Debug, PartialEq)]
pub enum StmtKind {
    /// `Type name = init, other;` (`final` is allowed in front).
    Local {
        /// The declared type.
        ty: TypeRef,
        /// One or more declarators with optional initialisers.
        vars: Vec<(Ident, Option<Expr>)>,
    },
    /// `expr;`
    Expr(Expr),
    /// `insert expr;`, `update expr;`, `upsert expr [Field];`, `delete expr;`, `undelete expr;`
    Dml {
        /// The operation.
        op: DmlOp,
        /// The record or list of records.
        target: Expr,
        /// For `upsert recs Field__c;`, the external-Id field.
        upsert_key: Option<Ident>,
    },
    /// `{ stmts }`
    Block(Vec<Stmt>),
    /// `if (cond) then [else otherwise]`
    If {
        /// The condition.
        cond: Expr,
        /// Run when the condition is true.
        then: Box<Stmt>,
        /// Run when it is false.
        otherwise: Option<Box<Stmt>>,
    },
    /// `while (cond) body`
    While {
        /// The condition, tested before each pass.
        cond: Expr,
        /// The loop body.
        body: Box<Stmt>,
    },
    /// `for (init; cond; update) body`
    For {
        /// The initialiser: a local declaration or expressions, if any.
        init: Option<Box<Stmt>>,
        /// The condition, if any.
        cond: Option<Expr>,
        /// The update expressions.
        update: Vec<Expr>,
        /// The loop body.
        body: Box<Stmt>,
    },
    /// `for (Type var : iterable) body`; the iterable may be a SOQL query.
    ForEach {
        /// The element type.
        ty: TypeRef,
        /// The loop variable.
        var: Ident,
        /// The list, set or query.
        iterable: Expr,
        /// The loop body.
        body: Box<Stmt>,
    },
    /// `break;`
    Break,
    /// `continue;`
    Continue,
    /// `return [expr];`
    Return(Option<Expr>),
    /// `do body while (cond);`
    DoWhile {
        /// The loop body, run before the first test.
        body: Box<Stmt>,
        /// The condition.
        cond: Expr,
    },
    /// `throw expr;`
    Throw(Expr),
    /// `try { } catch (Type e) { } ... finally { }`
    Try {
        /// The guarded block.
        body: Vec<Stmt>,
        /// The catch clauses, tried in order.
        catches: Vec<Catch>,
        /// The `finally` block, if any.
        finally: Option<Vec<Stmt>>,
    },
    /// `switch on expr { when ... { } when else { } }`
    Switch {
        /// The value switched on.
        subject: Expr,
        /// The `when` clauses in order.
        whens: Vec<When>,
    },
    /// `System.runAs(user) { body }`: the body runs as that user (in tests).
    RunAs {
        /// The user, or a `Version` for package-version tests.
        user: Expr,
        /// The statements run as that user.
        body: Vec<Stmt>,
    },
}

/// `catch (Type name) { body }`
#[derive(Clone, Debug, PartialEq)]
pub struct Catch {
    /// The exception type caught.
    pub ty: TypeRef,
    /// The variable bound to the exception.
    pub var: Ident,
    /// The handler.
    pub body: Vec<Stmt>,
    /// The whole clause.
    pub span: Span,
}

/// One `when` clause of a `switch on`.
#[derive(Clone, Debug, PartialEq)]
pub struct When {
    /// What it matches.
    pub kind: WhenKind,
    /// The statements run on a match.
    pub body: Vec<Stmt>,
    /// The whole clause.
    pub span: Span,
}

/// What a `when` clause matches.
#[derive(Clone, Debug, PartialEq)]
pub enum WhenKind {
    /// `when 1, 2` / `when 'a'` / `when RED, GREEN` / `when null`
    Values(Vec<Expr>),
    /// `when Account a`: a type test binding a variable.
    Type {
        /// The type tested.
        ty: TypeRef,
        /// The variable bound on a match.
        var: Ident,
    },
    /// `when else`
    Else,
}

/// A DML operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DmlOp {
    /// `insert`
    Insert,
    /// `update`
    Update,
    /// `upsert`
    Upsert,
    /// `delete`
    Delete,
    /// `undelete`
    Undelete,
}

impl DmlOp {
    /// The word used in `DmlException` messages: `Insert`, `Update`, ...
    pub fn title(self) -> &'static str {
        match self {
            DmlOp::Insert => "Insert",
            DmlOp::Update => "Update",
            DmlOp::Upsert => "Upsert",
            DmlOp::Delete => "Delete",
            DmlOp::Undelete => "Undelete",
        }
    }
}

/// An expression.
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    /// What kind of expression.
    pub kind: ExprKind,
    /// The whole expression.
    pub span: Span,
}

/// The expressions of the language.
#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// A literal: `'text'`, `42`, `42L`, `1.5`, `true`, `null`.
    Literal(Literal),
    /// A bare name: a variable, or the first part of a type or class name.
    Name(Ident),
    /// `target.field` (also `System.debug` before the call is applied).
    Field {
        /// The object read from.
        target: Box<Expr>,
        /// The member name.
        field: Ident,
        /// True for `?.`.
        safe: bool,
    },
    /// `name(args)` or `target.name(args)`.
    Call {
        /// The receiver, absent for a call of a bare name.
        target: Option<Box<Expr>>,
        /// The method name.
        method: Ident,
        /// The arguments.
        args: Vec<Expr>,
        /// True for `?.`.
        safe: bool,
    },
    /// `target[index]`
    Index {
        /// The list or array.
        target: Box<Expr>,
        /// The position.
        index: Box<Expr>,
    },
    /// `new Type(...)`, `new Type(Field = value, ...)`, `new List<T>{...}`, `new T[n]`.
    New {
        /// The type created.
        ty: TypeRef,
        /// How it is initialised.
        init: NewInit,
    },
    /// `op expr`
    Unary {
        /// The operator.
        op: UnaryOp,
        /// The operand.
        expr: Box<Expr>,
    },
    /// `lhs op rhs`
    Binary {
        /// The operator.
        op: BinaryOp,
        /// The left operand.
        lhs: Box<Expr>,
        /// The right operand.
        rhs: Box<Expr>,
    },
    /// `target = value` or a compound form such as `target += value`.
    Assign {
        /// The place written: a name, field or index expression.
        target: Box<Expr>,
        /// For `+=` and friends, the operator applied first.
        op: Option<BinaryOp>,
        /// The value written.
        value: Box<Expr>,
    },
    /// `cond ? then : otherwise`
    Ternary {
        /// The condition.
        cond: Box<Expr>,
        /// The value when true.
        then: Box<Expr>,
        /// The value when false.
        otherwise: Box<Expr>,
    },
    /// `(Type) expr`
    Cast {
        /// The target type.
        ty: TypeRef,
        /// The value cast.
        expr: Box<Expr>,
    },
    /// `expr instanceof Type`
    InstanceOf {
        /// The value tested.
        expr: Box<Expr>,
        /// The type tested for.
        ty: TypeRef,
    },
    /// `[SELECT ... FROM ...]`
    Soql(Box<SoqlQuery>),
    /// `[FIND 'x' IN ALL FIELDS RETURNING Account(Name)]`, kept as written.
    Sosl(String),
}

/// A literal value as written.
#[derive(Clone, Debug, PartialEq)]
pub enum Literal {
    /// `null`
    Null,
    /// `true` or `false`
    Bool(bool),
    /// An Integer literal such as `42`.
    Integer(i32),
    /// A Long literal such as `42L`.
    Long(i64),
    /// A Decimal literal such as `1.50`, kept as written to preserve its scale.
    Decimal(String),
    /// A Double literal such as `1.5d`.
    Double(f64),
    /// A string literal with escapes already applied.
    String(String),
}

/// How a `new` expression initialises what it creates.
#[derive(Clone, Debug, PartialEq)]
pub enum NewInit {
    /// `new T(args)`; for collections the argument copies another collection.
    Args(Vec<Expr>),
    /// `new Account(Name = 'x', Industry = 'y')`
    Fields(Vec<(Ident, Expr)>),
    /// `new List<String>{'a', 'b'}` or `new Set<Id>{...}`
    Elements(Vec<Expr>),
    /// `new Map<K, V>{k => v, ...}`
    Pairs(Vec<(Expr, Expr)>),
    /// `new String[n]`
    ArraySize(Box<Expr>),
}

/// Prefix and postfix operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    /// `-x`
    Neg,
    /// `+x`
    Plus,
    /// `!x`
    Not,
    /// `~x`
    BitNot,
    /// `++x`
    PreInc,
    /// `--x`
    PreDec,
    /// `x++`
    PostInc,
    /// `x--`
    PostDec,
}

/// Binary operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinaryOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `==` (ignores case on strings)
    Eq,
    /// `!=` or `<>`
    Ne,
    /// `===`
    ExactEq,
    /// `!==`
    ExactNe,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `&&`
    And,
    /// `||`
    Or,
    /// `&`
    BitAnd,
    /// `|`
    BitOr,
    /// `^`
    BitXor,
    /// `<<`
    Shl,
    /// `>>`
    Shr,
    /// `>>>`
    UShr,
    /// `??`
    Coalesce,
}

/// An inline or dynamic SOQL query.
#[derive(Clone, Debug, PartialEq)]
pub struct SoqlQuery {
    /// The selected items in order.
    pub select: Vec<SoqlSelect>,
    /// The object queried.
    pub from: Ident,
    /// The `WHERE` condition.
    pub filter: Option<SoqlCond>,
    /// `ORDER BY` items.
    pub order_by: Vec<SoqlOrder>,
    /// `LIMIT n` or `LIMIT :bind`.
    pub limit: Option<SoqlValue>,
    /// `OFFSET n` or `OFFSET :bind`.
    pub offset: Option<SoqlValue>,
    /// `GROUP BY` field paths.
    pub group_by: Vec<Vec<Ident>>,
    /// The `HAVING` condition.
    pub having: Option<SoqlCond>,
    /// `FOR UPDATE`: accepted; one process holds the org's write lock anyway.
    pub for_update: bool,
    /// `ALL ROWS`: records in the recycle bin are included.
    pub all_rows: bool,
    /// The query text without its brackets.
    pub span: Span,
}

impl SoqlQuery {
    /// `SELECT select FROM from [WHERE filter]` with no other clause.
    pub fn plain(
        select: Vec<SoqlSelect>,
        from: Ident,
        filter: Option<SoqlCond>,
        span: Span,
    ) -> Self {
        SoqlQuery {
            select,
            from,
            filter,
            order_by: Vec::new(),
            limit: None,
            offset: None,
            group_by: Vec::new(),
            having: None,
            for_update: false,
            all_rows: false,
            span,
        }
    }
}

/// An aggregate function of a `SELECT` list or a `HAVING` condition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SoqlFunc {
    /// `COUNT(field)`
    Count,
    /// `COUNT_DISTINCT(field)`
    CountDistinct,
    /// `SUM(field)`
    Sum,
    /// `AVG(field)`
    Avg,
    /// `MIN(field)`
    Min,
    /// `MAX(field)`
    Max,
}

/// `func(field) alias?` in a `SELECT` list.
#[derive(Clone, Debug, PartialEq)]
pub struct SoqlAggregate {
    /// The function.
    pub func: SoqlFunc,
    /// Its field path.
    pub field: Vec<Ident>,
    /// The alias written after it, if any (`expr0`, `expr1`, ... otherwise).
    pub alias: Option<Ident>,
    /// The whole item.
    pub span: Span,
}

/// A date literal (`TODAY`, `LAST_N_DAYS:7`) as a range of whole units
/// relative to the current one: `from..=to`, both counted in `unit`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DateLiteral {
    /// Days, weeks, months or years.
    pub unit: DateUnit,
    /// The first unit of the range (0 is the current one, -1 the one before).
    pub from: i32,
    /// The last unit of the range, inclusive.
    pub to: i32,
}

/// A date or datetime written out in SOQL: `2024-01-31`,
/// `2024-01-31T10:00:00Z`, `2024-01-31T10:00:00.000+02:00`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WrittenDate {
    /// A date, for Date fields.
    Date(chrono::NaiveDate),
    /// A date and time in UTC (an offset already applied), for Datetime fields.
    DateTime(chrono::NaiveDateTime),
}

/// The unit a date literal counts in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateUnit {
    /// Calendar days.
    Day,
    /// Weeks starting on Sunday.
    Week,
    /// Calendar months.
    Month,
    /// Calendar quarters (January, April, July, October); fiscal quarters
    /// too, as the seeded org's fiscal year is the calendar year.
    Quarter,
    /// Calendar years.
    Year,
}

/// One item of a `SELECT` list.
#[derive(Clone, Debug, PartialEq)]
pub enum SoqlSelect {
    /// A field or a dotted path through parent relationships: `Profile.Name`.
    Field(Vec<Ident>),
    /// `COUNT()`
    Count(Span),
    /// `COUNT(Id)`, `SUM(Amount) total`, ...
    Aggregate(SoqlAggregate),
    /// `(SELECT LastName FROM Contacts)`: a parent's child records.
    Subquery(Box<SoqlQuery>),
}

/// A `WHERE` condition.
#[derive(Clone, Debug, PartialEq)]
pub enum SoqlCond {
    /// `a AND b`
    And(Box<SoqlCond>, Box<SoqlCond>),
    /// `a OR b`
    Or(Box<SoqlCond>, Box<SoqlCond>),
    /// `NOT a`
    Not(Box<SoqlCond>),
    /// `field op value`, or `func(field) op value` in `HAVING`
    Compare {
        /// The aggregate function around the field, in `HAVING`.
        func: Option<SoqlFunc>,
        /// The field path.
        field: Vec<Ident>,
        /// The comparison.
        op: SoqlOp,
        /// The right-hand value.
        value: SoqlValue,
        /// The whole comparison.
        span: Span,
    },
}

/// SOQL comparison operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SoqlOp {
    /// `=`
    Eq,
    /// `!=` or `<>`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `LIKE`
    Like,
    /// `IN`
    In,
    /// `NOT IN`
    NotIn,
    /// `INCLUDES`, on a multi-select picklist
    Includes,
    /// `EXCLUDES`, on a multi-select picklist
    Excludes,
}

/// A value on the right of a SOQL comparison, or a `LIMIT`/`OFFSET` count.
#[derive(Clone, Debug, PartialEq)]
pub enum SoqlValue {
    /// A literal: string, number, boolean or `null`.
    Literal(Literal, Span),
    /// `(v1, v2, ...)` after `IN`.
    List(Vec<SoqlValue>, Span),
    /// `:expr`, an Apex expression evaluated when the query runs.
    Bind(Box<Expr>),
    /// `TODAY`, `LAST_N_DAYS:7`, ...
    Date(DateLiteral, Span),
    /// `2024-01-31`, `2024-01-31T10:00:00Z`: a date or datetime written out.
    Written(WrittenDate, Span),
    /// `(SELECT ContactId FROM User WHERE ...)` after `IN` or `NOT IN`: a
    /// semi-join or anti-join on one Id or reference field.
    SemiJoin(Box<SoqlQuery>),
}

/// One `ORDER BY` item.
#[derive(Clone, Debug, PartialEq)]
pub struct SoqlOrder {
    /// The aggregate around the field (`ORDER BY COUNT(Id)`), if any.
    pub func: Option<SoqlFunc>,
    /// The field path.
    pub field: Vec<Ident>,
    /// True for `DESC`.
    pub descending: bool,
    /// `NULLS FIRST` (`Some(true)`) or `NULLS LAST` (`Some(false)`).
    pub nulls_first: Option<bool>,
}
