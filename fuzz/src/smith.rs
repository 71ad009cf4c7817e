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

/// A fixed xorshift64 stream of bytes (shifts 13, 7, 17), for the tests and tools that make
/// reproducible inputs from a seed: the same seed gives the same inputs on every machine.
/// Not for anything that needs good randomness.
pub struct XorShift(pub u64);

impl XorShift {
    /// The next 64-bit value; the seed must not be 0 (0 stays 0).
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// `n` bytes, the low byte of each next value.
    pub fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }

    /// A value in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}
