//! Apex exceptions as values, and the failures that stop a run.

use std::borrow::Cow;
use std::fmt;

use crate::data::id::Id;
use crate::org::{OrgError, RowResult};
use crate::syntax::source::Span;

/// One failed row of a DML operation, as `DmlException.getDml*(i)` reports it.
#[derive(Clone, Debug, PartialEq)]
pub struct DmlRow {
    /// The row's position in the input (`getDmlIndex`).
    pub index: usize,
    /// The record's Id, if it had one (`getDmlId`).
    pub id: Option<Id>,
    /// The status code (`getDmlType`, `getDmlStatusCode`).
    pub code: &'static str,
    /// The message alone (`getDmlMessage`).
    pub message: String,
    /// The fields involved (`getDmlFieldNames`).
    pub fields: Vec<String>,
}

/// An Apex exception: its type name, message and where it was thrown.
#[derive(Clone, Debug, PartialEq)]
pub struct ApexException {
    /// The qualified type name, e.g. `System.DmlException`.
    pub type_name: Cow<'static, str>,
    /// The message as `getMessage()` returns it.
    pub message: String,
    /// The expression or statement that threw.
    pub span: Span,
    /// For a `DmlException`, every failed row.
    pub dml: Vec<DmlRow>,
    /// The exception this one wraps (`getCause()`).
    pub cause: Option<Box<ApexException>>,
    /// The method it was thrown in, when that is not the anonymous block.
    pub origin: Option<Origin>,
    /// The calls it unwound through, innermost first: each caller (`None`
    /// for the anonymous block) and where it made the call.
    pub callers: Vec<(Option<Origin>, Span)>,
}

/// Where in the program an exception was thrown.
#[derive(Clone, Debug, PartialEq)]
pub struct Origin {
    /// The source file (0 is the script).
    pub file: usize,
    /// The method as stack traces name it, e.g. `Class.Foo.bar`.
    pub function: String,
}

impl ApexException {
    /// Makes an exception of a platform type.
    pub fn new(
        type_name: impl Into<Cow<'static, str>>,
        message: impl Into<String>,
        span: &Span,
    ) -> ApexException {
        ApexException {
            type_name: type_name.into(),
            message: message.into(),
            span: span.clone(),
            dml: Vec::new(),
            cause: None,
            origin: None,
            callers: Vec::new(),
        }
    }

    /// `System.NullPointerException: Attempt to de-reference a null object`.
    pub fn null_pointer(span: &Span) -> ApexException {
        ApexException::new(NULL_POINTER, "Attempt to de-reference a null object", span)
    }

    /// A `DmlException` carrying every failed row of a DML call.
    pub fn dml(message: String, results: &[RowResult], span: &Span) -> ApexException {
        let mut e = ApexException::new(DML, message, span);
        e.dml = results
            .iter()
            .enumerate()
            .flat_map(|(index, r)| r.errors.first().map(|err| (index, r, err)))
            .map(|(index, r, err)| DmlRow {
                index,
                id: r.id,
                code: err.code.as_str(),
                message: err.message.clone(),
                fields: err.fields.clone(),
            })
            .collect();
        e
    }

    /// True for the exceptions Apex code can never catch.
    pub fn is_catchable(&self) -> bool {
        self.type_name != LIMIT && self.type_name != ASSERT && self.type_name != INTERRUPTED
    }
}

impl ApexException {
    /// The source file the span is in.
    pub fn file(&self) -> usize {
        self.origin.as_ref().map_or(0, |o| o.file)
    }

    /// The stack trace, a line per frame, innermost first:
    /// `Class.Foo.bar: line 3, column 5`, or `AnonymousBlock: line 3,
    /// column 5` for the script and its methods.
    pub fn trace(&self, sources: &[crate::syntax::source::SourceFile]) -> String {
        let mut lines = vec![frame_line(self.origin.as_ref(), &self.span, sources)];
        for (origin, span) in &self.callers {
            lines.push(frame_line(origin.as_ref(), span, sources));
        }
        lines.join("\n")
    }
}

/// One stack trace line.
fn frame_line(
    origin: Option<&Origin>,
    span: &Span,
    sources: &[crate::syntax::source::SourceFile],
) -> String {
    let file = origin.map_or(0, |o| o.file);
    let (line, col) = sources.get(file).map_or((0, 0), |f| f.line_col(span.start));
    let frame = match origin {
        Some(o) if o.file != 0 => o.function.as_str(),
        _ => "AnonymousBlock",
    };
    format!("{frame}: line {line}, column {col}")
}

impl fmt::Display for ApexException {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.type_name, self.message)
    }
}

/// The synchronous heap limit: 6 MB.
pub const HEAP_LIMIT: usize = 6 * 1024 * 1024;

/// Refuses a string of `bytes` bytes larger than the whole heap limit,
/// before it is built. apexlite does not measure the heap: this is where a
/// runaway string (`s = s + s` in a loop) stops with the platform's
/// `System.LimitException: Apex heap size too large: <bytes>` instead of
/// exhausting the machine's memory. Counting only the one string is a guess
/// at the platform's figure.
pub fn check_string_size(bytes: usize, span: &Span) -> Result<(), Failure> {
    if bytes <= HEAP_LIMIT {
        return Ok(());
    }
    let msg = format!("Apex heap size too large: {bytes}");
    Err(ApexException::new(LIMIT, msg, span).into())
}

/// `System.Exception`, the base of every exception type.
pub const EXCEPTION: &str = "System.Exception";
/// `System.DmlException`
pub const DML: &str = "System.DmlException";
/// `System.NullPointerException`
pub const NULL_POINTER: &str = "System.NullPointerException";
/// `System.QueryException`
pub const QUERY: &str = "System.QueryException";
/// `System.ListException`
pub const LIST: &str = "System.ListException";
/// `System.StringException`
pub const STRING: &str = "System.StringException";
/// `System.MathException`
pub const MATH: &str = "System.MathException";
/// `System.SObjectException`
pub const SOBJECT: &str = "System.SObjectException";
/// `System.AssertException`
pub const ASSERT: &str = "System.AssertException";
/// `System.TypeException`
pub const TYPE: &str = "System.TypeException";
/// `System.LimitException`
pub const LIMIT: &str = "System.LimitException";
/// `System.FinalException`
pub const FINAL: &str = "System.FinalException";

/// Not a platform type: a run stopped from outside (Ctrl-C at the REPL).
/// No Apex code can name or catch it.
pub const INTERRUPTED: &str = "apexlite.Interrupted";

/// The platform exception types scripts can name, by their short names.
pub const PLATFORM_EXCEPTIONS: &[&str] = &[
    EXCEPTION,
    DML,
    NULL_POINTER,
    QUERY,
    LIST,
    STRING,
    MATH,
    SOBJECT,
    ASSERT,
    TYPE,
    LIMIT,
    "System.CalloutException",
    "System.EmailException",
    "System.FinalException",
    "System.IllegalArgumentException",
    "System.InvalidParameterValueException",
    "System.JSONException",
    "System.NoAccessException",
    "System.NoDataFoundException",
    "System.RequiredFeatureMissingException",
    "System.SearchException",
    "System.SecurityException",
    "System.SerializationException",
    "System.UnexpectedException",
    "System.XmlException",
];

/// Why evaluation stopped early.
#[derive(Debug)]
pub enum Failure {
    /// An Apex exception not caught by the script.
    Exception(Box<ApexException>),
    /// The org could not be read or written; never an Apex exception. Boxed
    /// so that every evaluation result stays small.
    Org(Box<OrgError>),
}

impl From<ApexException> for Failure {
    fn from(e: ApexException) -> Failure {
        Failure::Exception(Box::new(e))
    }
}

impl From<OrgError> for Failure {
    fn from(e: OrgError) -> Failure {
        Failure::Org(Box::new(e))
    }
}
