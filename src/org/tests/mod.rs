//! Tests of the org through its public API: seed, user rules, DML, SOQL and
//! the org file.

mod dml;
mod file;
mod manage;
mod soql;
mod users;
