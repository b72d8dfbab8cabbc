//! Apex exceptions as values, and the failures that stop a run.

use std::fmt;

use crate::org::OrgError;
use crate::syntax::source::Span;

/// An Apex exception: its type name, message and where it was thrown.
#[derive(Clone, Debug, PartialEq)]
pub struct ApexException {
    /// The qualified type name, e.g. `System.DmlException`.
    pub type_name: &'static str,
    /// The message as `getMessage()` returns it.
    pub message: String,
    /// The expression or statement that threw.
    pub span: Span,
}

impl ApexException {
    /// Makes an exception of a platform type.
    pub fn new(type_name: &'static str, message: impl Into<String>, span: &Span) -> ApexException {
        ApexException {
            type_name,
            message: message.into(),
            span: span.clone(),
        }
    }

    /// `System.NullPointerException: Attempt to de-reference a null object`.
    pub fn null_pointer(span: &Span) -> ApexException {
        ApexException::new(NULL_POINTER, "Attempt to de-reference a null object", span)
    }
}

impl fmt::Display for ApexException {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.type_name, self.message)
    }
}

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

/// Why evaluation stopped early.
#[derive(Debug)]
pub enum Failure {
    /// An Apex exception not caught by the script.
    Exception(Box<ApexException>),
    /// The org could not be read or written; never an Apex exception.
    Org(OrgError),
}

impl From<ApexException> for Failure {
    fn from(e: ApexException) -> Failure {
        Failure::Exception(Box::new(e))
    }
}

impl From<OrgError> for Failure {
    fn from(e: OrgError) -> Failure {
        Failure::Org(e)
    }
}
