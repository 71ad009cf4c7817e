//! The semispace collector (`WASMC_GC=semispace`): Cheney's algorithm over two contiguous
//! semispaces plus the large-object space. Every collection is a full one; compiled code
//! bump-allocates in the semispace in use. It has no young generation (its
//! [`YoungRange`](wasmc_abi::attrs::YoungRange) is empty), so the write barrier never calls.

use std::time::Instant;

use crate::collector::{Collector, GcConfig, HeapError, MAX_SEMISPACE, NoGcGuard, Roots};
use crate::evacuate::Evacuation;
use crate::large::LargeSpace;
use crate::layout::{LARGE_OBJECT_THRESHOLD, OBJECT_ALIGN};
use crate::space::Space;
use crate::stats::{Collection, GcStats};
use crate::verify::{HeapView, VerifyError, WalkedSpace};
use wasmc_abi::attrs::AllocArea;

/// The semispace heap of one store.
pub struct Semispace {
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
    stats: GcStats,
}

// SAFETY: the heap is used by one thread at a time (its store's).
unsafe impl Send for Semispace {}

impl Semispace {
    /// Creates a heap whose inline allocation window is `*area`. It reserves no address
    /// space yet: [`Collector::reserve`] does, or else the first allocation, so a program
    /// that never allocates a GC object never needs the two semispaces of `config.max`
    /// bytes. Until then the window is empty (`bump == limit == 0`), so compiled code's
    /// first allocation takes the slow path.
    ///
    /// # Errors
    /// [`HeapError::TooLarge`] if `config.max` (or `config.initial`) is over
    /// [`MAX_SEMISPACE`].
    pub fn new(config: GcConfig, area: *mut AllocArea) -> Result<Semispace, HeapError> {
        let max = config.max.max(config.initial);
        if max > MAX_SEMISPACE {
            return Err(HeapError::TooLarge(max));
        }
        let heap = Semispace {
            spaces: [Space::NONE, Space::NONE],
            current: 0,
            capacity: config.initial.min(max),
            area,
            large: LargeSpace::default(),
            config: GcConfig { max, ..config },
            allocations: 0,
            survivors: 0,
            collecting: false,
            stats: GcStats::default(),
        };
        // SAFETY: the runtime passes its store's allocation area, which outlives the heap.
        unsafe { *heap.area = AllocArea { bump: 0, limit: 0 } };
        Ok(heap)
    }

    fn area(&mut self) -> &mut AllocArea {
        // SAFETY: `area` is valid for the heap's lifetime (see `new`); nothing else
        // borrows it while the collector runs.
        unsafe { &mut *self.area }
    }

    fn window_limit(&self, bump: usize) -> usize {
        // Under stress every allocation takes the slow path, which counts them; without
        // a reservation there is no window.
        if self.config.stress.is_some() || !self.is_reserved() { bump } else { self.end() }
    }

    fn end(&self) -> usize {
        self.spaces[self.current].base + self.capacity
    }

    fn used(&mut self) -> usize {
        let base = self.spaces[self.current].base;
        self.area().bump - base
    }

    fn bump(&mut self, size: usize) -> Option<usize> {
        let (end, p) = (self.end(), self.area().bump);
        if p + size > end {
            return None;
        }
        let limit = self.window_limit(p + size);
        *self.area() = AllocArea { bump: p + size, limit };
        Some(p)
    }

    /// Grows the semispace so that the data in use plus `size` bytes fit, or `None` past
    /// the maximum.
    fn grow_for(&mut self, size: usize) -> Option<usize> {
        let needed = self.used() + size;
        if needed > self.config.max {
            return None;
        }
        self.capacity = (needed * 2).min(self.config.max).max(self.capacity);
        self.bump(size)
    }

    fn alloc_large(&mut self, size: usize, roots: &mut dyn Roots) -> Option<usize> {
        if self.large.bytes() + size > self.config.max {
            self.collect(Collection::Major, roots);
            if self.large.bytes() + size > self.config.max {
                return None;
            }
        }
        self.alloc_large_now(size)
    }

    fn alloc_large_now(&mut self, size: usize) -> Option<usize> {
        let p = self.large.alloc(size)?;
        self.stats.large_objects += 1;
        self.stats.bytes_allocated += size as u64;
        Some(p)
    }
}

impl Collector for Semispace {
    fn config(&self) -> &GcConfig {
        &self.config
    }

    fn is_reserved(&self) -> bool {
        self.spaces[0].is_reserved()
    }

    fn reserve(&mut self) -> Result<(), HeapError> {
        if self.is_reserved() {
            return Ok(());
        }
        self.spaces = Space::semispaces(self.config.max, self.config.max)?;
        let base = self.spaces[self.current].base;
        let limit = self.window_limit(base);
        *self.area() = AllocArea { bump: base, limit };
        Ok(())
    }

    fn alloc_slow(&mut self, size: usize, roots: &mut dyn Roots) -> Option<usize> {
        debug_assert!(!self.collecting, "allocation during a collection");
        debug_assert_eq!(size % OBJECT_ALIGN as usize, 0);
        self.reserve().ok()?;
        self.allocations += 1;
        self.stats.slow_allocations += 1;
        if let Some(n) = self.config.stress
            && self.allocations.is_multiple_of(n as u64)
        {
            self.collect(Collection::Major, roots);
        }
        if size > LARGE_OBJECT_THRESHOLD as usize {
            return self.alloc_large(size, roots);
        }
        if let Some(p) = self.bump(size) {
            return Some(p);
        }
        self.collect(Collection::Major, roots);
        self.bump(size).or_else(|| self.grow_for(size))
    }

    fn alloc_no_collect(&mut self, size: usize) -> Option<usize> {
        debug_assert!(!self.collecting, "allocation during a collection");
        debug_assert_eq!(size % OBJECT_ALIGN as usize, 0);
        self.reserve().ok()?;
        self.allocations += 1;
        if size > LARGE_OBJECT_THRESHOLD as usize {
            if self.large.bytes() + size > self.config.max {
                return None;
            }
            return self.alloc_large_now(size);
        }
        self.bump(size).or_else(|| self.grow_for(size))
    }

    fn collect(&mut self, _kind: Collection, roots: &mut dyn Roots) {
        if !self.is_reserved() {
            // Nothing was ever allocated: no object exists, so nothing moves.
            return;
        }
        let start = Instant::now();
        if self.config.verify {
            self.verify(roots, "before");
        }
        let from = self.current;
        let to = 1 - from;
        let used = self.used();
        self.stats.bytes_allocated += (used - self.survivors) as u64;
        if self.config.poison {
            self.spaces[to].protect(libc::PROT_READ | libc::PROT_WRITE);
        }
        let guard = NoGcGuard::new(&mut self.collecting);
        let from_range = (self.spaces[from].base, self.spaces[from].base + used);
        let to_base = self.spaces[to].base;
        // SAFETY: from-space holds whole objects up to the bump pointer; to-space is as
        // large as from-space's reservation, which holds all of them.
        let mut evac =
            unsafe { Evacuation::new([from_range, (0, 0)], to_base, Some(&mut self.large)) };
        roots.visit_roots(&mut |slot| {
            // SAFETY: the runtime reports valid root slots.
            unsafe { evac.forward_slot(slot) };
        });
        let free = evac.drain(to_base);
        drop(guard);
        self.large.sweep(self.config.poison);
        let live = free - to_base;
        self.stats.bytes_copied += live as u64;
        self.survivors = live;
        self.current = to;
        // Keep the heap at least twice the live data, within the maximum.
        if live * 2 > self.capacity {
            self.capacity = (live * 2).min(self.config.max).max(self.capacity);
        }
        let limit = self.window_limit(free);
        *self.area() = AllocArea { bump: free, limit };
        if self.config.poison {
            self.spaces[from].poison(used);
            self.spaces[from].protect(libc::PROT_NONE);
        }
        if self.config.verify {
            self.verify(roots, "after");
        }
        let pause = start.elapsed();
        self.stats.record(Collection::Major, pause);
        if self.config.trace {
            eprintln!(
                "gc: collection {}: {pause:?}, {} bytes live",
                self.stats.major,
                free - to_base
            );
        }
    }

    unsafe fn remember(&mut self, _slot: *mut usize) {}

    unsafe fn remember_range(&mut self, _first: *mut usize, _count: usize) {}

    fn contains(&self, p: usize) -> bool {
        self.spaces.iter().any(|s| s.contains(p)) || self.large.contains(p)
    }

    fn check(&mut self, roots: &mut dyn Roots, when: &str) -> Result<(), VerifyError> {
        let mut values = Vec::new();
        roots.visit_roots(&mut |slot| {
            // SAFETY: the runtime reports valid root slots.
            values.push(unsafe { *slot });
        });
        let bump = self.area().bump;
        let (cur, other) = (&self.spaces[self.current], &self.spaces[1 - self.current]);
        let view = HeapView {
            spaces: vec![WalkedSpace { base: cur.base, bump, end: cur.end(), old: false }],
            dead: vec![(other.base, other.end())],
            large: self.large.ranges().collect(),
            freed_large: self.large.quarantine.iter().map(|(p, size)| (*p, *p + size)).collect(),
            remembered: None,
        };
        // SAFETY: the view describes this heap; references outside it are not read (the
        // embedder's `is_host_value` vouches for them).
        unsafe { crate::verify::check(&view, values, &|p| roots.is_host_value(p), when) }
    }

    fn stats(&self) -> &GcStats {
        &self.stats
    }

    fn stats_report(&mut self) -> String {
        let pending = if self.is_reserved() { self.used() - self.survivors } else { 0 };
        let allocated = self.stats.bytes_allocated + pending as u64;
        self.stats.report("semispace", allocated, self.capacity)
    }
}
