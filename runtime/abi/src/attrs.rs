//! Collector attributes: what compiled code must know about the collector to allocate and
//! to run the write barrier inline (Whippet's `gc-attrs.h`: allocation window offsets,
//! barrier kind, nursery bounds). Both collectors (`wasmc_gc::semispace`,
//! `wasmc_gc::generational`) fill the same structures, so one compiled object runs with
//! either (`WASMC_GC`).

use core::mem::offset_of;

/// The bump-allocation window compiled code uses inline. Lives in the store context
/// ([`crate::vm::VMStoreContext::alloc`]); the collector owns its contents.
///
/// Invariant: `bump <= limit`, both 8-aligned, and `[bump, limit)` is free memory of the
/// space compiled code allocates in (the nursery under the generational collector). A
/// collector that wants the next allocation to take the slow path (stress mode, a full store
/// buffer) sets `limit = bump`.
#[repr(C)]
#[derive(Debug, Default)]
pub struct AllocArea {
    /// Next free byte.
    pub bump: usize,
    /// End of the window: an allocation of `n` bytes fits if `bump + n <= limit`.
    pub limit: usize,
}

/// Offset of [`AllocArea::bump`] in bytes.
pub const ALLOC_BUMP_OFFSET: i32 = offset_of!(AllocArea, bump) as i32;
/// Offset of [`AllocArea::limit`] in bytes.
pub const ALLOC_LIMIT_OFFSET: i32 = offset_of!(AllocArea, limit) as i32;

/// The young generation's bounds, read by the inline write barrier. An address `p` is young
/// iff `p.wrapping_sub(start) < size` (one unsigned compare).
///
/// Invariants: written once when the store's heap is created and never changed while the
/// store lives, so compiled code loads the fields `readonly` and may hoist them; `start >=`
/// [`MIN_NURSERY_ADDRESS`], so null and every `i31ref` (both below 2³²) test old and need no
/// separate check; `size == 0` (the semispace collector) makes every address old, which
/// turns the barrier into two compares that never call.
#[repr(C)]
#[derive(Debug, Default)]
pub struct YoungRange {
    /// First byte of the nursery.
    pub start: usize,
    /// Bytes of the nursery (0: no young generation).
    pub size: usize,
}

/// Offset of [`YoungRange::start`] in bytes.
pub const YOUNG_START_OFFSET: i32 = offset_of!(YoungRange, start) as i32;
/// Offset of [`YoungRange::size`] in bytes.
pub const YOUNG_SIZE_OFFSET: i32 = offset_of!(YoungRange, size) as i32;

/// The lowest address a nursery may start at: above every `i31ref` value
/// (`(v << 1) | 1 < 2³²`) and null, so the barrier's young-value test rejects them.
pub const MIN_NURSERY_ADDRESS: usize = 1 << 32;

/// The kinds of write barrier a collector can ask compiled code for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BarrierKind {
    /// No barrier (a non-generational collector only).
    None,
    /// A value-filtered remembered set: a store of reference `v` into the slot `s` of the
    /// object `o` calls the non-safepoint builtin `gc_remember(vmctx, s)` iff `v` is young
    /// and `o` is not ([`YoungRange`]). Bulk stores (`array.fill`, `array.copy`,
    /// `array.init_elem`) into an old array call `gc_remember_range` once. The store buffer
    /// itself is the collector's; it never collects in the barrier (a full buffer requests a
    /// minor collection at the next allocation by closing the window).
    StoreBuffer,
}

/// The barrier compiled code emits: the same for both collectors (see [`YoungRange`] on how
/// the semispace collector disables it), so an object does not depend on `WASMC_GC`.
///
/// Why a store buffer and not card marking (GC-NOTES.md §2): the old generation is a Cheney
/// space with no object-start table, so a dirty card could not be scanned without one; the
/// value filter also keeps old-to-old stores (most stores in our programs) out of the
/// remembered set entirely, where a card barrier marks them all.
pub const BARRIER: BarrierKind = BarrierKind::StoreBuffer;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn null_and_i31_are_never_young() {
        let y = YoungRange { start: MIN_NURSERY_ADDRESS, size: 8 << 20 };
        let young = |p: usize| p.wrapping_sub(y.start) < y.size;
        assert!(!young(0));
        assert!(!young(((0x7fff_ffffusize) << 1) | 1));
        assert!(young(MIN_NURSERY_ADDRESS));
        assert!(!young(MIN_NURSERY_ADDRESS + (8 << 20)));
        assert_eq!((ALLOC_BUMP_OFFSET, ALLOC_LIMIT_OFFSET), (0, 8));
        assert_eq!((YOUNG_START_OFFSET, YOUNG_SIZE_OFFSET), (0, 8));
    }
}
