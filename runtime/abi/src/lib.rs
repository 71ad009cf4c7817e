//! The contract between code compiled by wasmc and the runtime it links with (Wasmtime's
//! `wasmtime-environ` is the model): whatever both sides read is defined here, once.
//!
//! - [`layout`]: GC object layout (header, RTTs and supertype displays, fields, arrays).
//! - [`attrs`]: the collector attributes compiled code depends on (allocation window,
//!   nursery bounds, write-barrier kind).
//! - [`vm`]: the VM context and the structures it points to, builtins (libcalls), trap
//!   codes, the module descriptor.
//! - [`meta`]: the module metadata the compiler serialises into each object.
//! - [`mc`]: the model checker's traces and reports (issue 29).
//! - [`printable`]: how names from a module are quoted in messages on either side.
//! - [`size`]: byte counts with K/M/G/T suffixes, as knobs take them.
//!
//! The compiler depends on this crate, not on the runtime (signal handlers, WASI, the C
//! shim); the runtime and the collector depend on it too.

#![deny(missing_docs)]
#![warn(unsafe_op_in_unsafe_fn)]
#![warn(clippy::undocumented_unsafe_blocks)]

pub mod attrs;
pub mod layout;
pub mod mc;
pub mod meta;
pub mod printable;
pub mod size;
pub mod vm;
