//! Runs the resolved program.
//!
//! Values live in [`value`]; statements and expressions in [`eval`]; sObject
//! fields, DML and SOQL glue in `sobject`; exceptions in [`exception`].

mod class;
pub(crate) mod collections;
pub mod eval;
pub mod exception;
mod flow;
pub mod key;
pub(crate) mod sobject;
pub mod value;
