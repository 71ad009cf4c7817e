//! Object layout and the copying collector of wasmc (DESIGN.md "References and objects",
//! "Collector").
//!
//! [`layout`] is the single source of object layout, shared by the compiler and the
//! runtime. The collector (`gc::copying`) arrives with Wasm GC objects.

#![deny(missing_docs)]

pub mod copying;
pub mod layout;
mod verify;
