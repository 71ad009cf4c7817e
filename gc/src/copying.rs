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
use crate::verify::HeapView;
pub use crate::verify::VerifyError;

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

    /// Whether `p`, an address outside the heap, is a host value the embedder boxed as a
    /// reference (an `externref`'s box): the only references outside the heap the verifier
    /// accepts. It is asked instead of reading `p`, which may be a wild pointer.
    fn is_host_value(&self, p: usize) -> bool {
        let _ = p;
        false
    }
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

/// Most bytes one semispace may have (1 TiB): a heap reserves two of them, so this keeps
/// `2 * max` far inside the 47-bit user address space of x86-64 Linux and every size
/// computed from it (`capacity * 2`, `used + size`) free of overflow.
pub const MAX_SEMISPACE: usize = 1 << 40;

/// One semispace: a reservation of `reserved` bytes at `base`, or none yet (`base` and
/// `reserved` 0: the heap reserves its spaces at the first allocation).
struct Space {
    base: usize,
    reserved: usize,
}

impl Space {
    /// No reservation yet: contains nothing.
    const NONE: Space = Space { base: 0, reserved: 0 };

    fn new(bytes: usize) -> Result<Space, std::io::Error> {
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
        if p == libc::MAP_FAILED {
            return Err(std::io::Error::last_os_error());
        }
        Ok(Space { base: p as usize, reserved: bytes })
    }

    fn contains(&self, p: usize) -> bool {
        p >= self.base && p < self.base + self.reserved
    }

    fn protect(&self, prot: libc::c_int) {
        if self.reserved == 0 {
            return;
        }
        // SAFETY: changes the protection of our own mapping.
        unsafe { libc::mprotect(self.base as *mut libc::c_void, self.reserved, prot) };
    }
}

impl Drop for Space {
    fn drop(&mut self) {
        if self.reserved == 0 {
            return;
        }
        // SAFETY: unmaps exactly our reservation.
        unsafe { libc::munmap(self.base as *mut libc::c_void, self.reserved) };
    }
}

/// An object of the large-object space (keyed by its address in [`LargeSpace`]).
struct LargeObject {
    size: usize,
    marked: bool,
}

/// The non-moving large-object space: address -> object, so the collector finds whether a
/// reference is a large object in constant time.
type LargeSpace = std::collections::HashMap<usize, LargeObject>;

/// Error creating a heap or reserving its address space.
#[derive(Debug, thiserror::Error)]
pub enum HeapError {
    /// The maximum semispace size is over [`MAX_SEMISPACE`].
    #[error("a GC semispace of {0} bytes is over the limit of {MAX_SEMISPACE} bytes")]
    TooLarge(usize),
    /// The OS refused to reserve the two semispaces (`mmap` failed, typically under
    /// `ulimit -v`).
    #[error(
        "cannot reserve 2 x {semispace} bytes of address space for the GC heap (WASMC_GC_HEAP \
         maximum {semispace} bytes per semispace): {error} (ulimit -v? a smaller \
         WASMC_GC_HEAP maximum needs less)"
    )]
    Reserve {
        /// Bytes of each semispace.
        semispace: usize,
        /// The OS error.
        error: std::io::Error,
    },
}

/// Fill pattern of poisoned from-space and freed large objects (`WASMC_GC_POISON`). A word
/// of it (0xdada...da) is even, so it reads as neither an `i31` nor a forwarded header,
/// misaligned (the verifier reports it) and non-canonical (a dereference faults): a stale
/// element read from a freed large array and stored elsewhere is noticed, not taken for
/// an `i31`. (0xdb made odd words, which did pass as `i31`s.)
pub const POISON: u8 = 0xda;

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
    /// Large objects the last collection freed under `config.poison`: filled with
    /// [`POISON`] and kept allocated until the next collection, so that a stale reference
    /// to one reads poison (and [`Heap::check`] names it) instead of reused memory.
    /// `(address, size)`.
    freed_large: Vec<(usize, usize)>,
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
pub(crate) unsafe fn for_each_field(p: usize, mut f: impl FnMut(*mut usize)) {
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
    /// Creates a heap whose inline allocation window is `*area`. It reserves no address
    /// space yet: [`Heap::reserve`] does, or else the first allocation, so a program that
    /// never allocates a GC object (no GC types, no exceptions) never needs the two
    /// semispaces of `config.max` bytes. Until then the window is empty (`bump == limit ==
    /// 0`), so compiled code's first allocation takes the slow path.
    ///
    /// # Errors
    /// [`HeapError::TooLarge`] if `config.max` (or `config.initial`) is over
    /// [`MAX_SEMISPACE`].
    pub fn new(config: GcConfig, area: *mut AllocArea) -> Result<Heap, HeapError> {
        let max = config.max.max(config.initial);
        if max > MAX_SEMISPACE {
            return Err(HeapError::TooLarge(max));
        }
        let capacity = config.initial.min(max);
        let heap = Heap {
            spaces: [Space::NONE, Space::NONE],
            current: 0,
            capacity,
            area,
            large: LargeSpace::new(),
            freed_large: Vec::new(),
            config: GcConfig { max, ..config },
            allocations: 0,
            survivors: 0,
            collecting: false,
            stats: GcStats::default(),
        };
        // SAFETY: the runtime passes its store's allocation area, which outlives the heap.
        unsafe {
            (*heap.area).bump = 0;
            (*heap.area).limit = 0;
        }
        Ok(heap)
    }

    /// Whether the semispaces are reserved.
    pub fn is_reserved(&self) -> bool {
        self.spaces[0].reserved != 0
    }

    /// Reserves the two semispaces (`config.max` bytes each) if that has not been done and
    /// opens the allocation window. The runtime calls it at start-up for a module that
    /// allocates GC objects, so that a reservation the OS refuses is a clear error before
    /// any code runs; otherwise the first allocation calls it (and reports "out of memory"
    /// if it fails).
    ///
    /// # Errors
    /// [`HeapError::Reserve`] with the OS error.
    pub fn reserve(&mut self) -> Result<(), HeapError> {
        if self.is_reserved() {
            return Ok(());
        }
        let semispace = self.config.max;
        let err = |error| HeapError::Reserve { semispace, error };
        let a = Space::new(semispace).map_err(err)?;
        let b = Space::new(semispace).map_err(err)?;
        self.spaces = [a, b];
        let base = self.spaces[self.current].base;
        // SAFETY: `area` is valid (see `new`).
        unsafe {
            (*self.area).bump = base;
            (*self.area).limit = self.window_limit(base);
        }
        Ok(())
    }

    fn window_limit(&self, bump: usize) -> usize {
        // Under stress every allocation takes the slow path, which counts them; without
        // a reservation there is no window.
        if self.config.stress.is_some() || !self.is_reserved() {
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
        self.reserve().ok()?;
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
        self.reserve().ok()?;
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
        if !self.is_reserved() {
            // Nothing was ever allocated: no object exists, so nothing moves.
            return;
        }
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
        self.sweep_large();
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

    /// Frees the unmarked large objects and unmarks the rest. Under `config.poison` a freed
    /// object is filled with [`POISON`] and quarantined until the next sweep (the
    /// `freed_large` list); the previous quarantine is returned to the allocator first.
    fn sweep_large(&mut self) {
        for (p, size) in std::mem::take(&mut self.freed_large) {
            // SAFETY: quarantined by the previous sweep, allocated with this size.
            unsafe { free_large(p, size) };
        }
        let poison = self.config.poison;
        let freed = &mut self.freed_large;
        self.large.retain(|&p, l| {
            if l.marked {
                l.marked = false;
                return true;
            }
            if poison {
                // SAFETY: an unreachable large object of `l.size` bytes that we own.
                unsafe { core::ptr::write_bytes(p as *mut u8, POISON, l.size) };
                freed.push((p, l.size));
            } else {
                // SAFETY: allocated in `alloc_large_now` with this size; unreachable now.
                unsafe { free_large(p, l.size) };
            }
            false
        });
    }

    /// Checks every root and every reference field of every object reachable from the
    /// roots (see the `verify` module: interior pointers, pointers into freed memory or
    /// past the allocation pointer, bad headers are all reported). `when` labels the
    /// error.
    ///
    /// # Errors
    /// The first violation found.
    pub fn check(&mut self, roots: &mut dyn Roots, when: &str) -> Result<(), VerifyError> {
        let mut values = Vec::new();
        roots.visit_roots(&mut |slot| {
            // SAFETY: the runtime reports valid root slots.
            values.push(unsafe { *slot });
        });
        let (cur, other) = (&self.spaces[self.current], &self.spaces[1 - self.current]);
        let view = HeapView {
            // SAFETY: `area` is valid (see `new`).
            current: (cur.base, unsafe { (*self.area).bump }),
            current_end: cur.base + cur.reserved,
            other: (other.base, other.base + other.reserved),
            large: self.large.iter().map(|(p, l)| (*p, *p + l.size)).collect(),
            freed_large: self.freed_large.iter().map(|(p, size)| (*p, *p + size)).collect(),
        };
        // SAFETY: the view describes this heap; references outside it are not read (the
        // embedder's `is_host_value` vouches for them).
        unsafe { crate::verify::check(&view, values, &|p| roots.is_host_value(p), when) }
    }

    /// [`Heap::check`], panicking on a violation (a collector or compiler bug): what
    /// `WASMC_GC_VERIFY=1` runs before and after each collection.
    ///
    /// # Panics
    /// On the first violation, naming it.
    pub fn verify(&mut self, roots: &mut dyn Roots, when: &str) {
        if let Err(e) = self.check(roots, when) {
            panic!("{e}");
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

impl Drop for Heap {
    fn drop(&mut self) {
        let large = self.large.drain().map(|(p, l)| (p, l.size));
        for (p, size) in large.chain(self.freed_large.drain(..)) {
            // SAFETY: every large object was allocated by `alloc_large_now` with its size;
            // with the heap gone nothing refers to it.
            unsafe { free_large(p, size) };
        }
    }
}

/// Returns a large object to the allocator.
///
/// # Safety
/// `p` was allocated by [`Heap::alloc_large_now`] with `size` bytes and is not used again.
unsafe fn free_large(p: usize, size: usize) {
    let layout = std::alloc::Layout::from_size_align(size, OBJECT_ALIGN as usize)
        .expect("valid when allocated");
    // SAFETY: see the function's contract.
    unsafe { std::alloc::dealloc(p as *mut u8, layout) };
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
#[path = "copying_tests.rs"]
mod tests;
