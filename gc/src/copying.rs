//! The copying collector: Cheney's semispace algorithm over two contiguous reservations,
//! plus a non-moving large-object space (DESIGN.md "Collector").
//!
//! Compiled code allocates inline by bumping [`AllocArea::bump`] up to
//! [`AllocArea::limit`]; when that fails it calls the runtime, which calls
//! [`Heap::alloc_slow`]. A collection copies every object reachable from the roots the
//! runtime reports ([`Roots`]) into to-space, updating each root slot and each reference
//! field, with an explicit scan pointer and worklist: nothing recurses, so arbitrarily deep
//! object graphs are collected in constant native stack.

use core::mem::offset_of;
use std::time::{Duration, Instant};

use crate::layout::{
    ARRAY_DATA_OFFSET, ARRAY_LENGTH_OFFSET, FORWARDED, LARGE_OBJECT_THRESHOLD, OBJECT_ALIGN, Rtt,
    RttKind, layout_of,
};

/// The bump-allocation window compiled code uses inline. Lives in the runtime's store
/// context; its field offsets are what the compiler needs (Whippet's "collector attributes
/// for the compiler").
#[repr(C)]
#[derive(Debug, Default)]
pub struct AllocArea {
    /// Next free byte.
    pub bump: usize,
    /// End of the window: an allocation of `n` bytes fits if `bump + n <= limit`.
    pub limit: usize,
}

/// Offset of [`AllocArea::bump`].
pub const ALLOC_BUMP_OFFSET: i32 = offset_of!(AllocArea, bump) as i32;
/// Offset of [`AllocArea::limit`].
pub const ALLOC_LIMIT_OFFSET: i32 = offset_of!(AllocArea, limit) as i32;

/// Whether objects move (compiled code must then reload references after safepoints).
pub const MOVING: bool = true;

/// Collector configuration (the `WASMC_GC_*` knobs, parsed by the runtime).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GcConfig {
    /// Initial bytes per semispace.
    pub initial: usize,
    /// Maximum bytes per semispace (the heap never grows past it: "out of memory").
    pub max: usize,
    /// Collect at every N-th allocation.
    pub stress: Option<u32>,
    /// Poison and protect from-space after each collection.
    pub poison: bool,
    /// Verify the heap before and after each collection.
    pub verify: bool,
    /// Print statistics at exit.
    pub stats: bool,
}

impl Default for GcConfig {
    fn default() -> GcConfig {
        GcConfig {
            initial: 16 << 20,
            max: 2 << 30,
            stress: None,
            poison: false,
            verify: false,
            stats: false,
        }
    }
}

/// The runtime's side of a collection: every slot that holds a GC reference.
pub trait Roots {
    /// Calls `visit` with the address of every root slot. A slot may hold null, an i31
    /// (odd) value, or a reference; the collector rewrites references in place.
    fn visit_roots(&mut self, visit: &mut dyn FnMut(*mut usize));
}

/// Counters, printed with `WASMC_GC_STATS=1`.
#[derive(Clone, Debug, Default)]
pub struct GcStats {
    /// Collections run.
    pub collections: u64,
    /// Objects allocated through the slow path (all of them under stress).
    pub slow_allocations: u64,
    /// Bytes copied by collections.
    pub bytes_copied: u64,
    /// Bytes allocated in the semispaces (counted at collections and at exit from the
    /// bump pointer's progress since the last collection) and in the large-object space.
    pub bytes_allocated: u64,
    /// Total pause time.
    pub pause: Duration,
    /// Longest pause.
    pub max_pause: Duration,
    /// Large objects allocated.
    pub large_objects: u64,
}

struct Space {
    base: usize,
    reserved: usize,
}

impl Space {
    fn new(bytes: usize) -> Option<Space> {
        // SAFETY: an anonymous private mapping, checked below.
        let p = unsafe {
            libc::mmap(
                core::ptr::null_mut(),
                bytes,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
                -1,
                0,
            )
        };
        (p != libc::MAP_FAILED).then_some(Space { base: p as usize, reserved: bytes })
    }

    fn contains(&self, p: usize) -> bool {
        p >= self.base && p < self.base + self.reserved
    }

    fn protect(&self, prot: libc::c_int) {
        // SAFETY: changes the protection of our own mapping.
        unsafe { libc::mprotect(self.base as *mut libc::c_void, self.reserved, prot) };
    }
}

impl Drop for Space {
    fn drop(&mut self) {
        // SAFETY: unmaps exactly our reservation.
        unsafe { libc::munmap(self.base as *mut libc::c_void, self.reserved) };
    }
}

/// An object of the large-object space (keyed by its address in [`LargeSpace`]).
struct LargeObject {
    size: usize,
    marked: bool,
}

/// Frees large object `ptr`.
///
/// # Safety
/// `ptr` and `l` must be an entry of a [`LargeSpace`] (allocated by
/// `Heap::alloc_large_now` with `l.size` bytes) that is removed from it and never used again.
unsafe fn free_large(ptr: usize, l: &LargeObject) {
    let layout = std::alloc::Layout::from_size_align(l.size, OBJECT_ALIGN as usize)
        .expect("valid when allocated");
    // SAFETY: allocated with this layout (see the contract).
    unsafe { std::alloc::dealloc(ptr as *mut u8, layout) };
}

/// The non-moving large-object space: address -> object, so the collector finds whether a
/// reference is a large object in constant time.
type LargeSpace = std::collections::HashMap<usize, LargeObject>;

/// Error creating a heap.
#[derive(Debug, thiserror::Error)]
#[error("cannot reserve {0} bytes for the GC heap")]
pub struct HeapError(usize);

/// Fill pattern of poisoned from-space (`WASMC_GC_POISON`).
pub const POISON: u8 = 0xdb;

/// The garbage-collected heap of one store.
pub struct Heap {
    spaces: [Space; 2],
    /// Index of the space compiled code allocates in.
    current: usize,
    /// Usable bytes of the current semispace (grows up to `config.max`).
    capacity: usize,
    /// The inline allocation window, owned by the runtime's store context.
    area: *mut AllocArea,
    large: LargeSpace,
    config: GcConfig,
    allocations: u64,
    /// Bytes of the current semispace that the last collection filled with survivors (the
    /// bump pointer's progress beyond them is what compiled code allocated since).
    survivors: usize,
    /// Whether a collection is running (re-entry is a bug, see [`NoGcGuard`]).
    collecting: bool,
    /// Statistics.
    pub stats: GcStats,
}

// SAFETY: the heap is used by one thread at a time (its store's).
unsafe impl Send for Heap {}

impl Drop for Heap {
    /// Frees the large objects still alive (the semispaces unmap themselves): a heap that
    /// dies with large objects in it must not leak them (a long fuzz run creates thousands
    /// of heaps).
    fn drop(&mut self) {
        for (ptr, l) in self.large.drain() {
            // SAFETY: the heap is going away, and with it every reference to its objects.
            unsafe { free_large(ptr, &l) };
        }
    }
}

/// While alive, the heap refuses to allocate or collect: a collection holds one, so nothing
/// it calls can re-enter the collector (debug assertions catch violations).
pub struct NoGcGuard<'a>(&'a mut bool);

impl<'a> NoGcGuard<'a> {
    fn new(flag: &'a mut bool) -> NoGcGuard<'a> {
        debug_assert!(!*flag, "re-entered the collector");
        *flag = true;
        NoGcGuard(flag)
    }
}

impl Drop for NoGcGuard<'_> {
    fn drop(&mut self) {
        *self.0 = false;
    }
}

/// Bytes of the object at `p` (whose header holds its RTT, not a forwarding pointer).
///
/// # Safety
/// `p` must point to a live object.
pub unsafe fn object_size(p: usize) -> usize {
    // SAFETY: the header of a live object holds its RTT, whose layout describes it.
    unsafe {
        let rtt = *(p as *const *const Rtt);
        let layout = layout_of(rtt).expect("objects have layouts");
        match layout.kind {
            RttKind::Array => {
                let len = *((p + ARRAY_LENGTH_OFFSET as usize) as *const u32);
                crate::layout::array_size(layout.size, len).expect("allocated arrays fit") as usize
            }
            _ => layout.size as usize,
        }
    }
}

/// Calls `f` with the address of every reference field of the object at `p`.
///
/// # Safety
/// `p` must point to a live object.
unsafe fn for_each_field(p: usize, mut f: impl FnMut(*mut usize)) {
    // SAFETY: as in `object_size`.
    unsafe {
        let rtt = *(p as *const *const Rtt);
        let layout = layout_of(rtt).expect("objects have layouts");
        match layout.kind {
            RttKind::Array if layout.elem_is_ref => {
                let len = *((p + ARRAY_LENGTH_OFFSET as usize) as *const u32) as usize;
                for i in 0..len {
                    f((p + ARRAY_DATA_OFFSET as usize + 8 * i) as *mut usize);
                }
            }
            RttKind::Struct => {
                for off in &layout.ref_offsets {
                    f((p + *off as usize) as *mut usize);
                }
            }
            _ => {}
        }
    }
}

impl Heap {
    /// Creates a heap whose inline allocation window is `*area`.
    ///
    /// # Errors
    /// The address space for two semispaces of `config.max` bytes cannot be reserved.
    pub fn new(config: GcConfig, area: *mut AllocArea) -> Result<Heap, HeapError> {
        let max = config.max.max(config.initial);
        let a = Space::new(max).ok_or(HeapError(max))?;
        let b = Space::new(max).ok_or(HeapError(max))?;
        let capacity = config.initial.min(max);
        let heap = Heap {
            spaces: [a, b],
            current: 0,
            capacity,
            area,
            large: LargeSpace::new(),
            config: GcConfig { max, ..config },
            allocations: 0,
            survivors: 0,
            collecting: false,
            stats: GcStats::default(),
        };
        // SAFETY: the runtime passes its store's allocation area, which outlives the heap.
        unsafe {
            (*area).bump = heap.spaces[0].base;
            (*area).limit = heap.window_limit(heap.spaces[0].base);
        }
        Ok(heap)
    }

    fn window_limit(&self, bump: usize) -> usize {
        // Under stress every allocation takes the slow path, which counts them.
        if self.config.stress.is_some() {
            bump
        } else {
            self.spaces[self.current].base + self.capacity
        }
    }

    fn end(&self) -> usize {
        self.spaces[self.current].base + self.capacity
    }

    /// The configuration.
    pub fn config(&self) -> &GcConfig {
        &self.config
    }

    /// Whether `p` points into the heap (either semispace or a large object).
    pub fn contains(&self, p: usize) -> bool {
        self.spaces.iter().any(|s| s.contains(p)) || self.large.contains_key(&p)
    }

    /// Allocates `size` bytes (a multiple of [`OBJECT_ALIGN`]), collecting and growing as
    /// needed; the caller writes the header. Returns `None` when the heap is exhausted at
    /// its maximum size ("out of memory").
    pub fn alloc_slow(&mut self, size: usize, roots: &mut dyn Roots) -> Option<usize> {
        debug_assert!(!self.collecting, "allocation during a collection");
        debug_assert_eq!(size % OBJECT_ALIGN as usize, 0);
        self.allocations += 1;
        self.stats.slow_allocations += 1;
        if let Some(n) = self.config.stress {
            if self.allocations % n as u64 == 0 {
                self.collect(roots);
            }
        }
        if size > LARGE_OBJECT_THRESHOLD as usize {
            return self.alloc_large(size, roots);
        }
        if let Some(p) = self.bump(size) {
            return Some(p);
        }
        self.collect(roots);
        if let Some(p) = self.bump(size) {
            return Some(p);
        }
        // Still no room: grow (the live data plus this object must fit).
        // SAFETY: `area` is valid (see `new`).
        let used = unsafe { (*self.area).bump } - self.spaces[self.current].base;
        let needed = used + size;
        if needed > self.config.max {
            return None;
        }
        self.capacity = (needed * 2).min(self.config.max).max(self.capacity);
        self.bump(size)
    }

    /// Allocates `size` bytes (a multiple of [`OBJECT_ALIGN`]) without ever collecting:
    /// grows the heap instead (up to its maximum). For allocations whose intermediate
    /// values are not visible to the root scan, such as the evaluation of constant
    /// expressions while an instance is being created. `None` means "out of memory".
    pub fn alloc_no_collect(&mut self, size: usize) -> Option<usize> {
        debug_assert!(!self.collecting, "allocation during a collection");
        debug_assert_eq!(size % OBJECT_ALIGN as usize, 0);
        self.allocations += 1;
        if size > LARGE_OBJECT_THRESHOLD as usize {
            let live_large: usize = self.large.values().map(|l| l.size).sum();
            if live_large + size > self.config.max {
                return None;
            }
            return self.alloc_large_now(size);
        }
        if let Some(p) = self.bump(size) {
            return Some(p);
        }
        // SAFETY: `area` is valid (see `new`).
        let used = unsafe { (*self.area).bump } - self.spaces[self.current].base;
        if used + size > self.config.max {
            return None;
        }
        self.capacity = ((used + size) * 2).min(self.config.max).max(self.capacity);
        self.bump(size)
    }

    fn bump(&mut self, size: usize) -> Option<usize> {
        // SAFETY: `area` is valid (see `new`).
        let area = unsafe { &mut *self.area };
        let p = area.bump;
        if p + size > self.end() {
            return None;
        }
        area.bump = p + size;
        area.limit = self.window_limit(area.bump);
        Some(p)
    }

    fn alloc_large(&mut self, size: usize, roots: &mut dyn Roots) -> Option<usize> {
        let live_large: usize = self.large.values().map(|l| l.size).sum();
        if live_large + size > self.config.max {
            self.collect(roots);
            let live_large: usize = self.large.values().map(|l| l.size).sum();
            if live_large + size > self.config.max {
                return None;
            }
        }
        self.alloc_large_now(size)
    }

    /// Allocates a zeroed large object outside the semispaces.
    fn alloc_large_now(&mut self, size: usize) -> Option<usize> {
        let layout = std::alloc::Layout::from_size_align(size, OBJECT_ALIGN as usize).ok()?;
        // SAFETY: nonzero size (objects have a header).
        let p = unsafe { std::alloc::alloc_zeroed(layout) } as usize;
        if p == 0 {
            return None;
        }
        self.large.insert(p, LargeObject { size, marked: false });
        self.stats.large_objects += 1;
        self.stats.bytes_allocated += size as u64;
        Some(p)
    }

    /// Runs a full collection.
    pub fn collect(&mut self, roots: &mut dyn Roots) {
        let start = Instant::now();
        if self.config.verify {
            self.verify(roots, "before");
        }
        let guard = NoGcGuard::new(&mut self.collecting);
        let from = self.current;
        let to = 1 - from;
        // SAFETY: `area` is valid (see `new`).
        let used = unsafe { (*self.area).bump } - self.spaces[from].base;
        self.stats.bytes_allocated += (used - self.survivors) as u64;
        if self.config.poison {
            self.spaces[to].protect(libc::PROT_READ | libc::PROT_WRITE);
        }
        let mut cheney = Cheney {
            from: &self.spaces[from],
            to_base: self.spaces[to].base,
            free: self.spaces[to].base,
            large: &mut self.large,
            large_worklist: Vec::new(),
        };
        roots.visit_roots(&mut |slot| {
            // SAFETY: the runtime reports valid root slots.
            unsafe { *slot = cheney.forward(*slot) };
        });
        cheney.drain();
        let free = cheney.free;
        drop(guard);
        // Sweep the large-object space.
        self.large.retain(|ptr, l| {
            if l.marked {
                l.marked = false;
                true
            } else {
                // SAFETY: allocated in `alloc_large_now`; unreachable now.
                unsafe { free_large(*ptr, l) };
                false
            }
        });
        let live = free - self.spaces[to].base;
        self.stats.bytes_copied += live as u64;
        self.survivors = live;
        self.current = to;
        // Keep the heap at least twice the live data, within the maximum.
        if live * 2 > self.capacity {
            self.capacity = (live * 2).min(self.config.max).max(self.capacity);
        }
        // SAFETY: `area` is valid (see `new`).
        unsafe {
            (*self.area).bump = free;
            (*self.area).limit = self.window_limit(free);
        }
        if self.config.poison {
            let s = &self.spaces[from];
            // SAFETY: from-space is ours and holds no live object any more.
            unsafe { core::ptr::write_bytes(s.base as *mut u8, POISON, used) };
            s.protect(libc::PROT_NONE);
        }
        if self.config.verify {
            self.verify(roots, "after");
        }
        let pause = start.elapsed();
        self.stats.collections += 1;
        self.stats.pause += pause;
        self.stats.max_pause = self.stats.max_pause.max(pause);
    }

    /// Checks that every root and every reference field of every object reachable from the
    /// roots points to an object of the heap whose header holds a known RTT.
    ///
    /// # Panics
    /// On the first violation, naming it (a collector or compiler bug).
    pub fn verify(&mut self, roots: &mut dyn Roots, when: &str) {
        let mut seen = std::collections::HashSet::new();
        let mut work = Vec::new();
        roots.visit_roots(&mut |slot| {
            // SAFETY: the runtime reports valid root slots.
            work.push(unsafe { *slot });
        });
        while let Some(p) = work.pop() {
            if p == 0 || p & 1 == 1 || !seen.insert(p) {
                continue;
            }
            // SAFETY: `p` is a reference the roots or a live object hold; outside the heap
            // only host boxes (whose header is the host RTT) are valid.
            let rtt = unsafe { *(p as *const usize) };
            if !self.contains(p) {
                let host = crate::layout::is_known_rtt(rtt as *const Rtt)
                    // SAFETY: a known RTT is readable.
                    && unsafe { (*(rtt as *const Rtt)).kind } == RttKind::Host as u32;
                assert!(host, "GC verify ({when}): reference {p:#x} points outside the heap");
                continue;
            }
            assert!(
                rtt & FORWARDED == 0 && crate::layout::is_known_rtt(rtt as *const Rtt),
                "GC verify ({when}): object {p:#x} has a bad header {rtt:#x}"
            );
            // SAFETY: a live object with a valid RTT.
            unsafe { for_each_field(p, |f| work.push(*f)) };
        }
    }

    /// Statistics as printed at exit.
    pub fn stats_report(&mut self) -> String {
        // SAFETY: `area` is valid (see `new`).
        let used = unsafe { (*self.area).bump } - self.spaces[self.current].base;
        let s = &self.stats;
        format!(
            "gc: {} collections, {} bytes allocated, {} bytes copied, {} large objects, heap {} bytes, pause total {:?} max {:?}",
            s.collections,
            s.bytes_allocated + (used - self.survivors) as u64,
            s.bytes_copied,
            s.large_objects,
            self.capacity,
            s.pause,
            s.max_pause
        )
    }
}

/// The state of one Cheney collection.
struct Cheney<'a> {
    from: &'a Space,
    to_base: usize,
    free: usize,
    large: &'a mut LargeSpace,
    large_worklist: Vec<usize>,
}

impl Cheney<'_> {
    /// The new address of the object referenced by `p`, copying it on first visit.
    ///
    /// # Safety
    /// `p` is null, an i31, a large object, or a from-space object reference.
    unsafe fn forward(&mut self, p: usize) -> usize {
        if p == 0 || p & 1 == 1 {
            return p;
        }
        if !self.from.contains(p) {
            if let Some(l) = self.large.get_mut(&p) {
                if !l.marked {
                    l.marked = true;
                    self.large_worklist.push(p);
                }
            }
            return p;
        }
        // SAFETY: a from-space object: its header is an RTT or a forwarding pointer.
        unsafe {
            let header = *(p as *const usize);
            if header & FORWARDED != 0 {
                return header & !FORWARDED;
            }
            let size = object_size(p);
            let new = self.free;
            core::ptr::copy_nonoverlapping(p as *const u8, new as *mut u8, size);
            self.free += size;
            *(p as *mut usize) = new | FORWARDED;
            new
        }
    }

    /// Scans to-space and the large-object worklist until both are exhausted.
    fn drain(&mut self) {
        let mut scan = self.to_base;
        loop {
            while scan < self.free {
                // SAFETY: objects in [to_base, free) were copied whole; their fields hold
                // references not yet forwarded.
                unsafe {
                    let size = object_size(scan);
                    for_each_field(scan, |f| *f = self.forward(*f));
                    scan += size;
                }
            }
            match self.large_worklist.pop() {
                Some(obj) => {
                    // SAFETY: a marked large object is live and intact.
                    unsafe { for_each_field(obj, |f| *f = self.forward(*f)) };
                }
                None if scan >= self.free => break,
                None => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::{FieldRepr, RttKind, new_rtt, set_layout, struct_layout};

    struct VecRoots(Vec<usize>);
    impl Roots for VecRoots {
        fn visit_roots(&mut self, visit: &mut dyn FnMut(*mut usize)) {
            for r in &mut self.0 {
                visit(r);
            }
        }
    }

    fn cons_rtt() -> *const Rtt {
        let r = new_rtt(RttKind::Struct, 9000, true, &[]);
        let i64f = FieldRepr { size: 8, gc_ref: false };
        let reff = FieldRepr { size: 8, gc_ref: true };
        // SAFETY: a fresh RTT.
        unsafe { set_layout(r, struct_layout(&[i64f, reff])) };
        r
    }

    fn alloc_cons(
        heap: &mut Heap,
        roots: &mut VecRoots,
        rtt: *const Rtt,
        v: i64,
        next_root: usize,
    ) -> usize {
        let p = heap.alloc_slow(24, roots).expect("heap has room");
        // SAFETY: a fresh 24-byte object.
        unsafe {
            *(p as *mut usize) = rtt as usize;
            *((p + 8) as *mut i64) = v;
            *((p + 16) as *mut usize) = roots.0[next_root];
        }
        p
    }

    #[test]
    fn a_long_list_survives_collections() {
        let rtt = cons_rtt();
        let mut area = Box::new(AllocArea::default());
        let config =
            GcConfig { initial: 1 << 16, max: 64 << 20, verify: false, ..Default::default() };
        let mut heap = Heap::new(config, &mut *area).unwrap();
        let mut roots = VecRoots(vec![0]);
        let n = 200_000;
        for i in 0..n {
            let p = alloc_cons(&mut heap, &mut roots, rtt, i, 0);
            roots.0[0] = p;
        }
        heap.collect(&mut roots);
        assert!(heap.stats.collections > 1);
        let mut p = roots.0[0];
        let mut expect = n - 1;
        while p != 0 {
            // SAFETY: list cells are live objects.
            unsafe {
                assert_eq!(*((p + 8) as *const i64), expect);
                p = *((p + 16) as *const usize);
            }
            expect -= 1;
        }
        assert_eq!(expect, -1);
        heap.verify(&mut roots, "test");
    }

    /// Bytes the C allocator has handed out and not taken back.
    fn malloc_bytes() -> usize {
        // SAFETY: mallinfo2 only reads the allocator's statistics.
        let m = unsafe { libc::mallinfo2() };
        m.uordblks + m.hblkhd
    }

    /// A heap that dies with live large objects frees them (a fuzz run makes thousands of
    /// heaps; they used to leak every large object alive at the end).
    #[test]
    fn dropping_a_heap_frees_its_large_objects() {
        let rtt = cons_rtt();
        const OBJECT: usize = 4 << 20;
        let before = malloc_bytes();
        for _ in 0..32 {
            let mut area = Box::new(AllocArea::default());
            let config = GcConfig { initial: 1 << 16, max: 16 << 20, ..Default::default() };
            let mut heap = Heap::new(config, &mut *area).unwrap();
            let mut roots = VecRoots(vec![0]);
            let p = heap.alloc_slow(OBJECT, &mut roots).expect("room for one large object");
            // SAFETY: a fresh object of OBJECT bytes.
            unsafe { *(p as *mut usize) = rtt as usize };
            roots.0[0] = p;
            assert!(heap.stats.large_objects > 0, "{OBJECT} bytes is a large object");
        }
        let grown = malloc_bytes().saturating_sub(before);
        assert!(grown < 4 * OBJECT, "{grown} bytes still allocated after 32 heaps died");
    }

    #[test]
    fn exhaustion_is_reported() {
        let rtt = cons_rtt();
        let mut area = Box::new(AllocArea::default());
        let config = GcConfig { initial: 4096, max: 1 << 16, ..Default::default() };
        let mut heap = Heap::new(config, &mut *area).unwrap();
        let mut roots = VecRoots(vec![0]);
        let mut failed = false;
        for i in 0..100_000 {
            match heap.alloc_slow(24, &mut roots) {
                Some(p) => {
                    // SAFETY: fresh object.
                    unsafe {
                        *(p as *mut usize) = rtt as usize;
                        *((p + 8) as *mut i64) = i;
                        *((p + 16) as *mut usize) = roots.0[0];
                    }
                    roots.0[0] = p;
                }
                None => {
                    failed = true;
                    break;
                }
            }
        }
        assert!(failed, "a heap of 64 KiB cannot hold 100000 live cells");
    }
}
