//! The wasm-smith configuration of the project's proposals: core, reference types, typed
//! function references, GC, tail calls, exceptions (with `exnref`), SIMD and relaxed SIMD,
//! and the core of the threads proposal (shared memories, each with a maximum, atomic
//! loads, stores, read-modify-writes and compare-exchanges, `memory.atomic.wait32/64`,
//! `memory.atomic.notify`, `atomic.fence`); no shared-everything threads or other
//! proposals wasmc does not compile, and no memory64 (which the differential oracle's
//! Wasmtime configuration leaves off).
//!
//! Generated modules are run by one thread. A `wait` whose timeout is negative or long
//! would then block for ever (nobody can notify it): the differential oracle bounds every
//! wait's timeout before running a module (`differential::threads`); the compile oracle
//! only compiles.

use arbitrary::Unstructured;

/// The wasm-smith configuration for wasmc.
pub fn config() -> wasm_smith::Config {
    wasm_smith::Config {
        gc_enabled: true,
        reference_types_enabled: true,
        tail_call_enabled: true,
        exceptions_enabled: true,
        bulk_memory_enabled: true,
        multi_value_enabled: true,
        saturating_float_to_int_enabled: true,
        sign_extension_ops_enabled: true,
        extended_const_enabled: true,
        simd_enabled: true,
        relaxed_simd_enabled: true,
        threads_enabled: true,
        shared_everything_threads_enabled: false,
        memory64_enabled: false,
        custom_page_sizes_enabled: false,
        wide_arithmetic_enabled: false,
        custom_descriptors_enabled: false,
        max_memories: 2,
        ..wasm_smith::Config::default()
    }
}

/// A valid module generated from `data` (`None` if `data` runs out first).
pub fn module(data: &[u8]) -> Option<Vec<u8>> {
    let mut u = Unstructured::new(data);
    wasm_smith::Module::new(config(), &mut u).ok().map(|m| m.to_bytes())
}
