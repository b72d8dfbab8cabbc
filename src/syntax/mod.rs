//! Source text to AST: tokens, parsers and compile diagnostics.
//!
//! Knows nothing of values or storage.

pub mod ast;
pub mod name;
pub mod source;
pub mod token;
