//! Cheney evacuation, shared by every collection of both collectors: objects in the
//! from-ranges are copied to a bump pointer (`free`), leaving a forwarding pointer in their
//! header; explicit scan pointers over the copies and a worklist of large objects replace
//! recursion, so arbitrarily deep object graphs are collected in constant native stack.
//!
//! A minor collection evacuates the nursery: objects of the allocation area (eden) that
//! survive their first collection are copied into the survivor to-space (aging once), the
//! rest (the survivors' survivors, and eden objects that do not fit) into the old generation;
//! large objects are not traced (they are old). Because survivors stay young, every slot of
//! an old object that the evacuation leaves pointing at a survivor is logged, to become the
//! next remembered set (Whippet's pcc logs these promoted-to-survivor edges the same way). A
//! major collection evacuates the nursery and the old from-space into the old to-space and
//! marks the large objects it reaches.

use crate::large::LargeSpace;
use crate::layout::FORWARDED;
use crate::object::{copy_object, for_each_field, object_size};

/// How far ahead of the scan pointer (in bytes of copies) [`Evacuation::scan`] prefetches
/// the referents: about 16 two-field objects, enough to cover a cache miss to L3 at a few
/// nanoseconds of work per object. (Measured on Kotlin binarytrees, issue 12.)
const PREFETCH_AHEAD: usize = 512;

/// A scan pointer over copies, and the prefetching pointer in front of it.
struct Scan {
    at: usize,
    ahead: usize,
}

/// Hints the CPU to bring the cache line at `p` into the cache. A hint only: it never
/// faults, so `p` may be null, an i31 or any address.
#[inline(always)]
fn prefetch(p: usize) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: `prefetcht0` reads nothing architecturally and cannot fault.
    unsafe {
        core::arch::x86_64::_mm_prefetch::<{ core::arch::x86_64::_MM_HINT_T0 }>(p as *const i8)
    };
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

/// Where a minor collection with aging copies first-time survivors.
#[derive(Clone, Copy)]
pub(crate) struct Aging {
    /// The eden range `[start, end)`, whose objects are aged (one of the from-ranges).
    pub eden: (usize, usize),
    /// The survivor to-space `[start, end)`, empty when the evacuation begins.
    pub to: (usize, usize),
}

/// The state of one evacuation.
pub(crate) struct Evacuation<'a> {
    /// Address ranges `[start, end)` whose objects move (at most two).
    from: [(usize, usize); 2],
    /// Next free byte of the to-space (the old generation's, for a generational heap).
    pub(crate) free: usize,
    /// Objects of this range are copied to the survivor space while it has room
    /// (`(0, 0)` without aging).
    eden: (usize, usize),
    /// Start of the survivor to-space (0 without aging).
    survivor_base: usize,
    /// Next free byte of the survivor to-space.
    pub(crate) survivor_free: usize,
    /// End of the survivor to-space.
    survivor_end: usize,
    /// Slots outside the nursery left holding a survivor (the next remembered set).
    pub(crate) remembered: Vec<usize>,
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
        Evacuation {
            from,
            free,
            eden: (0, 0),
            survivor_base: 0,
            survivor_free: 0,
            survivor_end: 0,
            remembered: Vec::new(),
            large,
            large_worklist: Vec::new(),
        }
    }

    /// The same evacuation, but objects of `aging.eden` are copied to `aging.to` while it
    /// has room, and slots of old objects left pointing there are logged in `remembered`
    /// (appended to `log`, whose allocation is reused).
    ///
    /// # Safety
    /// As [`Evacuation::new`]; `aging.to` is writable, empty, outside the from-ranges and
    /// outside the memory at `free`.
    pub(crate) unsafe fn with_aging(mut self, aging: Aging, log: Vec<usize>) -> Evacuation<'a> {
        self.eden = aging.eden;
        (self.survivor_base, self.survivor_free, self.survivor_end) =
            (aging.to.0, aging.to.0, aging.to.1);
        self.remembered = log;
        self
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
            let new = if p.wrapping_sub(self.eden.0) < self.eden.1 - self.eden.0
                && self.survivor_free + size <= self.survivor_end
            {
                let new = self.survivor_free;
                self.survivor_free += size;
                new
            } else {
                let new = self.free;
                self.free += size;
                new
            };
            copy_object(p, new, size);
            *(p as *mut usize) = new | FORWARDED;
            new
        }
    }

    /// Forwards the reference in `slot`, a root or a field of a young object.
    ///
    /// # Safety
    /// `slot` is a valid reference slot (as [`Evacuation::forward`] for its value).
    #[inline]
    pub(crate) unsafe fn forward_slot(&mut self, slot: *mut usize) {
        // SAFETY: see the function's contract.
        unsafe { *slot = self.forward(*slot) };
    }

    /// Forwards the reference in `slot`, a field of an object outside the nursery, and
    /// logs the slot if it now points at a survivor.
    ///
    /// # Safety
    /// As [`Evacuation::forward_slot`].
    #[inline]
    pub(crate) unsafe fn forward_old_slot(&mut self, slot: *mut usize) {
        // SAFETY: see the function's contract.
        let new = unsafe { self.forward(*slot) };
        // SAFETY: as above.
        unsafe { *slot = new };
        if new.wrapping_sub(self.survivor_base) < self.survivor_end - self.survivor_base {
            self.remembered.push(slot as usize);
        }
    }

    /// Forwards every reference field of the object at `obj`, which lies outside the
    /// nursery and does not move.
    ///
    /// # Safety
    /// `obj` is a live object outside the from-ranges.
    pub(crate) unsafe fn forward_fields(&mut self, obj: usize) {
        // SAFETY: see the function's contract.
        unsafe { for_each_field(obj, |f| self.forward_old_slot(f)) };
    }

    /// Scans the copies from `scan` (the to-space bump pointer when the evacuation began),
    /// the survivor to-space and the large-object worklist until all are exhausted;
    /// returns the final `free`.
    pub(crate) fn drain(&mut self, scan: usize) -> usize {
        let mut old = Scan { at: scan, ahead: scan };
        let mut survivors = Scan { at: self.survivor_base, ahead: self.survivor_base };
        loop {
            // Fields of old objects are logged if left pointing at a survivor; survivors
            // are young, so theirs need no logging.
            // SAFETY: objects in [scan, free) were copied whole; their fields hold
            // references not yet forwarded.
            unsafe { self.scan(&mut old, false) };
            // SAFETY: as above, for the survivor to-space.
            unsafe { self.scan(&mut survivors, true) };
            if old.at < self.free {
                continue;
            }
            match self.large_worklist.pop() {
                // SAFETY: a marked large object is live and intact.
                Some(obj) => unsafe { self.forward_fields(obj) },
                None => return self.free,
            }
        }
    }

    /// Forwards the fields of the copies from `scan.at` to the end of the old to-space (or,
    /// with `survivors`, the survivor to-space), which grows as they are forwarded.
    ///
    /// The copies are scanned in the order they were made, which is breadth-first: the
    /// objects they refer to lie scattered over the from-space (a tree built depth-first
    /// is evacuated level by level), so nearly every forward would miss the cache.
    /// `scan.ahead` runs [`PREFETCH_AHEAD`] bytes in front and prefetches the objects the
    /// copies there refer to, so their headers arrive before they are forwarded.
    ///
    /// # Safety
    /// The space holds whole copied objects from `scan.at` to its bump pointer.
    #[inline]
    unsafe fn scan(&mut self, scan: &mut Scan, survivors: bool) {
        loop {
            let end = if survivors { self.survivor_free } else { self.free };
            if scan.at >= end {
                return;
            }
            while scan.ahead < end && scan.ahead < scan.at + PREFETCH_AHEAD {
                // SAFETY: `ahead` is an object boundary in [at, end) (see the contract).
                unsafe {
                    for_each_field(scan.ahead, |f| {
                        if self.moves(*f) {
                            prefetch(*f)
                        }
                    });
                    scan.ahead += object_size(scan.ahead);
                }
            }
            // SAFETY: `at` is the start of a whole copy (see the contract).
            unsafe {
                let size = object_size(scan.at);
                if survivors {
                    for_each_field(scan.at, |f| self.forward_slot(f));
                } else {
                    for_each_field(scan.at, |f| self.forward_old_slot(f));
                }
                scan.at += size;
            }
        }
    }
}
