//! apexlite: a local runtime for Salesforce Apex with an embedded SQLite org.
//!
//! The modules follow the pipeline, left to right:
//!
//! - [`syntax`]: source text → tokens → AST, and the diagnostics that point into it.
//! - [`check`]: AST → resolved program; every compile error comes from here.
//! - [`interp`]: runs the resolved program; runtime failures are Apex exceptions.
//! - [`data`]: records in, records out: schema, validation, DML, SOQL, SQLite.
//! - [`org`]: what makes a store a Salesforce org: seed data and user rules.

pub mod check;
pub mod data;
pub mod interp;
pub mod org;
pub mod syntax;
