//! Cheney evacuation, shared by every collection of both collectors: objects in the
//! from-ranges are copied to a bump pointer (`free`), leaving a forwarding pointer in their
//! header; an explicit scan pointer over the copies and a worklist of large objects replace
//! recursion, so arbitrarily deep object graphs are collected in constant native stack.
//!
//! A minor collection evacuates the nursery into the old generation (large objects are not
//! traced: they are old); a major one evacuates the nursery and the old from-space into the
//! old to-space and marks the large objects it reaches.

use crate::large::LargeSpace;
use crate::layout::FORWARDED;
use crate::object::{copy_object, for_each_field, object_size};

/// The state of one evacuation.
pub(crate) struct Evacuation<'a> {
    /// Address ranges `[start, end)` whose objects move (at most two).
    from: [(usize, usize); 2],
    /// Next free byte of the to-space.
    pub(crate) free: usize,
    /// The large-object space when this collection marks it (full collections).
    large: Option<&'a mut LargeSpace>,
    large_worklist: Vec<usize>,
}

impl<'a> Evacuation<'a> {
    /// An evacuation of the objects in `from` (pass `(0, 0)` for an unused range) to the
    /// memory at `free`, marking and tracing the large objects it reaches if `large` is
    /// given.
    ///
    /// # Safety
    /// The from-ranges hold only objects (or forwarded objects) and the memory from `free`
    /// is writable and large enough for every object in them.
    pub(crate) unsafe fn new(
        from: [(usize, usize); 2],
        free: usize,
        large: Option<&'a mut LargeSpace>,
    ) -> Evacuation<'a> {
        Evacuation { from, free, large, large_worklist: Vec::new() }
    }

    #[inline(always)]
    fn moves(&self, p: usize) -> bool {
        let [(a, b), (c, d)] = self.from;
        p.wrapping_sub(a) < b - a || p.wrapping_sub(c) < d - c
    }

    /// The new address of the object referenced by `p`, copying it on first visit.
    ///
    /// # Safety
    /// `p` is null, an i31, an object outside the from-ranges, or a from-range object.
    #[inline]
    pub(crate) unsafe fn forward(&mut self, p: usize) -> usize {
        if !self.moves(p) {
            // Null, i31 and host values never lie in a from-range (the nursery is above
            // 4 GiB, the semispaces are our own mappings).
            if let Some(large) = self.large.as_deref_mut()
                && p != 0
                && p & 1 == 0
                && large.mark(p)
            {
                self.large_worklist.push(p);
            }
            return p;
        }
        // SAFETY: a from-range object: its header is an RTT or a forwarding pointer.
        unsafe {
            let header = *(p as *const usize);
            if header & FORWARDED != 0 {
                return header & !FORWARDED;
            }
            let size = object_size(p);
            let new = self.free;
            copy_object(p, new, size);
            self.free += size;
            *(p as *mut usize) = new | FORWARDED;
            new
        }
    }

    /// Forwards the reference in `slot`.
    ///
    /// # Safety
    /// `slot` is a valid reference slot (as [`Evacuation::forward`] for its value).
    #[inline]
    pub(crate) unsafe fn forward_slot(&mut self, slot: *mut usize) {
        // SAFETY: see the function's contract.
        unsafe { *slot = self.forward(*slot) };
    }

    /// Forwards every reference field of the object at `obj`, which does not move.
    ///
    /// # Safety
    /// `obj` is a live object outside the from-ranges.
    pub(crate) unsafe fn forward_fields(&mut self, obj: usize) {
        // SAFETY: see the function's contract.
        unsafe { for_each_field(obj, |f| self.forward_slot(f)) };
    }

    /// Scans the copies from `scan` (the to-space bump pointer when the evacuation began)
    /// and the large-object worklist until both are exhausted; returns the final `free`.
    pub(crate) fn drain(&mut self, mut scan: usize) -> usize {
        loop {
            while scan < self.free {
                // SAFETY: objects in [scan, free) were copied whole; their fields hold
                // references not yet forwarded.
                unsafe {
                    let size = object_size(scan);
                    for_each_field(scan, |f| self.forward_slot(f));
                    scan += size;
                }
            }
            match self.large_worklist.pop() {
                // SAFETY: a marked large object is live and intact.
                Some(obj) => unsafe { self.forward_fields(obj) },
                None => return self.free,
            }
        }
    }
}
