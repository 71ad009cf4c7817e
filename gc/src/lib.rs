//! The collectors of wasmc (DESIGN.md "Collector"), one concept per module:
//!
//! - [`collector`]: the interface the runtime uses ([`collector::Collector`],
//!   [`collector::Roots`], configuration, errors); compiled code sees only the collector
//!   attributes of `wasmc_abi::attrs`.
//! - [`generational`]: nursery + minor collections + Cheney old generation (the default).
//! - [`semispace`]: Cheney over the whole heap (`WASMC_GC=semispace`).
//! - spaces: contiguous reservations (`space`), the large-object space (`large`).
//! - `object`: how the collector reads objects (sizes, reference fields, the inline copy).
//! - `evacuate`: the Cheney evacuation both collectors run.
//! - [`stats`]: counters and pause percentiles.
//! - `verify`: the heap verifier (`WASMC_GC_VERIFY`), including the remembered-set check.
//!
//! The object layout itself is part of the compiler–runtime contract, `wasmc_abi::layout`
//! (re-exported here as [`layout`]).

#![deny(missing_docs)]
#![warn(unsafe_op_in_unsafe_fn)]
#![warn(clippy::undocumented_unsafe_blocks)]

pub use wasmc_abi::layout;

pub mod collector;
mod evacuate;
pub mod generational;
mod large;
mod object;
pub mod semispace;
mod space;
pub mod stats;
mod verify;

pub use collector::{Collector, CollectorKind, GcConfig, HeapError, Roots, new_collector};
pub use object::object_size;
pub use space::POISON;
pub use stats::{Collection, GcStats};
pub use wasmc_abi::attrs::{AllocArea, YoungRange};

#[cfg(test)]
mod tests;
