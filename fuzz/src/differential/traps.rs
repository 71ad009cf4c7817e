//! Trap classes: what both engines can report about a call that did not return, in terms
//! the oracle compares.

use wasmc_runtime::traps::{Trap, TrapKind};

/// The class of a trap, as both engines can report it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TrapClass {
    /// `unreachable`.
    Unreachable,
    /// Linear memory out of bounds.
    Memory,
    /// Table index out of bounds (`undefined element`, `out of bounds table access`).
    Table,
    /// Null: `call_indirect` of a null element, or a null reference dereferenced.
    Null,
    /// `call_indirect` signature mismatch.
    Signature,
    /// Integer overflow.
    Overflow,
    /// Division by zero.
    DivZero,
    /// Invalid float-to-int conversion.
    Conversion,
    /// Array index out of bounds.
    Array,
    /// A failed `ref.cast`.
    Cast,
    /// Out of memory / allocation too large (inconclusive: the engines' limits differ).
    Oom,
    /// An uncaught exception.
    Exception,
    /// An atomic access (or wait, or notify) at an address that is not a multiple of its
    /// size (threads proposal).
    UnalignedAtomic,
    /// `memory.atomic.wait32/64` on a memory that is not shared (threads proposal).
    WaitNotShared,
    /// Stack exhaustion (inconclusive).
    Stack,
    /// wasmc only: a memory fault in compiled code that is no trap site — a wasmc bug, or,
    /// with from-space poisoning, a stale reference. It never agrees with anything.
    Fault,
    /// Anything else.
    Other,
}

impl TrapClass {
    /// Whether a trap of this class ends the comparison without a verdict (the engines'
    /// stack and heap limits differ).
    pub fn inconclusive(self) -> bool {
        matches!(self, TrapClass::Stack | TrapClass::Oom)
    }
}

/// The class of a wasmc trap.
pub fn wasmc_class(t: &Trap) -> TrapClass {
    use wasmc_runtime::abi::TrapCode as C;
    match &t.kind {
        TrapKind::Wasm(c) => match c {
            C::Unreachable => TrapClass::Unreachable,
            C::MemoryOutOfBounds | C::HeapOutOfBounds => TrapClass::Memory,
            C::TableOutOfBounds | C::UndefinedElement => TrapClass::Table,
            C::UninitializedElement
            | C::NullReference
            | C::NullFunctionReference
            | C::NullStructReference
            | C::NullArrayReference
            | C::NullI31Reference => TrapClass::Null,
            C::IndirectCallTypeMismatch => TrapClass::Signature,
            C::IntegerOverflow => TrapClass::Overflow,
            C::IntegerDivisionByZero => TrapClass::DivZero,
            C::BadConversionToInteger => TrapClass::Conversion,
            C::ArrayOutOfBounds => TrapClass::Array,
            C::CastFailure => TrapClass::Cast,
            C::UnalignedAtomic => TrapClass::UnalignedAtomic,
            C::ExpectedSharedMemory => TrapClass::WaitNotShared,
            C::OutOfMemory | C::AllocationTooLarge => TrapClass::Oom,
            C::StackOverflow => TrapClass::Stack,
            _ => TrapClass::Other,
        },
        TrapKind::Exception(_) => TrapClass::Exception,
        TrapKind::Fault { .. } => TrapClass::Fault,
        _ => TrapClass::Other,
    }
}

/// The class of a Wasmtime error from a call or an instantiation.
pub fn wasmtime_class(e: &wasmtime::Error) -> TrapClass {
    use wasmtime::Trap as T;
    if e.downcast_ref::<wasmtime::ThrownException>().is_some() {
        return TrapClass::Exception;
    }
    match e.downcast_ref::<T>() {
        Some(T::UnreachableCodeReached) => TrapClass::Unreachable,
        Some(T::MemoryOutOfBounds) => TrapClass::Memory,
        Some(T::TableOutOfBounds) => TrapClass::Table,
        Some(T::IndirectCallToNull | T::NullReference) => TrapClass::Null,
        Some(T::BadSignature) => TrapClass::Signature,
        Some(T::IntegerOverflow) => TrapClass::Overflow,
        Some(T::IntegerDivisionByZero) => TrapClass::DivZero,
        Some(T::BadConversionToInteger) => TrapClass::Conversion,
        Some(T::ArrayOutOfBounds) => TrapClass::Array,
        Some(T::CastFailure) => TrapClass::Cast,
        Some(T::HeapMisaligned) => TrapClass::UnalignedAtomic,
        Some(T::AtomicWaitNonSharedMemory) => TrapClass::WaitNotShared,
        Some(T::AllocationTooLarge) => TrapClass::Oom,
        Some(T::StackOverflow) => TrapClass::Stack,
        _ if format!("{e:?}").contains("GC heap out of memory") => TrapClass::Oom,
        _ => TrapClass::Other,
    }
}

/// Whether a call that trapped with `theirs` on Wasmtime and `ours` on wasmc agrees.
/// A [`TrapClass::Fault`] agrees with nothing, not even another fault; two
/// [`TrapClass::Other`]s do not agree either (two unclassified errors say nothing about
/// each other: the oracle calls that pair inconclusive, see [`both_unclassified`]).
///
/// One pair of different classes agrees: Wasmtime out of bounds, wasmc unaligned atomic. An
/// atomic access that is both misaligned and out of bounds traps for its alignment first in
/// the threads proposal (exec/instructions.rst, `t.load`: step 11 checks `ea mod N/8`,
/// step 12 the bounds; the reference interpreter's `check_align` runs before the access),
/// which wasmc follows, while Wasmtime checks bounds first. The converse pair (wasmc out of
/// bounds where Wasmtime reports misalignment) stays a disagreement, and so does a wasmc
/// `unaligned atomic` on an access Wasmtime performs.
pub fn agree(theirs: TrapClass, ours: TrapClass) -> bool {
    (theirs == ours && !matches!(ours, TrapClass::Fault | TrapClass::Other))
        || (theirs == TrapClass::Memory && ours == TrapClass::UnalignedAtomic)
}

/// Whether both engines failed with errors neither classifies: no verdict.
pub fn both_unclassified(theirs: TrapClass, ours: TrapClass) -> bool {
    theirs == TrapClass::Other && ours == TrapClass::Other
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fault_agrees_with_nothing() {
        let fault = wasmc_class(&Trap {
            kind: TrapKind::Fault { signal: 11, addr: 0xdada_dada },
            ..Trap::host("")
        });
        assert_eq!(fault, TrapClass::Fault);
        let other = wasmtime_class(&wasmtime::Error::msg("something unclassified"));
        assert_eq!(other, TrapClass::Other);
        assert!(!agree(other, fault));
        assert!(!agree(TrapClass::Fault, fault));
        assert!(!agree(TrapClass::Other, TrapClass::Other));
        assert!(both_unclassified(TrapClass::Other, TrapClass::Other));
        assert!(agree(TrapClass::Cast, TrapClass::Cast));
    }

    #[test]
    fn threads_traps_agree_by_kind() {
        use wasmc_runtime::abi::TrapCode as C;
        let theirs = |t: wasmtime::Trap| wasmtime_class(&wasmtime::Error::new(t));
        let ours = |c: C| wasmc_class(&Trap { kind: TrapKind::Wasm(c), ..Trap::host("") });
        let unaligned = theirs(wasmtime::Trap::HeapMisaligned);
        let not_shared = theirs(wasmtime::Trap::AtomicWaitNonSharedMemory);
        assert_eq!(unaligned, TrapClass::UnalignedAtomic);
        assert_eq!(not_shared, TrapClass::WaitNotShared);
        assert!(agree(unaligned, ours(C::UnalignedAtomic)));
        assert!(agree(not_shared, ours(C::ExpectedSharedMemory)));
        assert!(!agree(unaligned, ours(C::MemoryOutOfBounds)));
        // Misaligned and out of bounds: the spec traps for alignment, Wasmtime for bounds.
        assert!(agree(theirs(wasmtime::Trap::MemoryOutOfBounds), ours(C::UnalignedAtomic)));
        assert!(!agree(not_shared, ours(C::UnalignedAtomic)));
    }
}
