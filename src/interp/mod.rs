//! Runs the resolved program.
//!
//! Values live in [`value`]; statements and expressions in [`eval`]; sObject
//! fields, DML and SOQL glue in `sobject`, dynamic SOQL and query batches
//! in `query`; triggers in `trigger`; exceptions in [`exception`].

mod class;
pub(crate) mod clock;
pub(crate) mod collections;
pub mod eval;
pub mod exception;
mod flow;
pub mod key;
mod query;
pub(crate) mod sobject;
mod trigger;
pub mod value;
