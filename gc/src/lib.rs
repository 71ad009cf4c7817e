//! Object layout and the copying collector of wasmc (DESIGN.md "References and objects",
//! "Collector").
//!
//! Not implemented yet: this crate is part of the workspace so the runtime and compiler can
//! depend on it; `gc::layout` (the single source of object layout) and `gc::copying` (the
//! Cheney semispace collector) arrive with Wasm GC support.

#![deny(missing_docs)]
