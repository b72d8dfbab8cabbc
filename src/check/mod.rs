//! AST to resolved program: names to slots, types and fields checked.
