//! The generational collector (the default, `WASMC_GC=generational`): a nursery in which
//! compiled code bump-allocates (eden), minor collections that evacuate its survivors, and
//! major collections that run Cheney over the nursery and the old generation together, from
//! one old semispace into the other.
//!
//! Aging (`GcConfig::aging`, the default): an object surviving its first minor collection
//! is copied into a survivor semispace of the nursery (as large as eden) and promoted into
//! the old generation by the second. Direct promotion (`WASMC_GC_AGING=0`) tenured 13% of
//! the bytes Kotlin binarytrees allocates — every tree under construction at a minor
//! collection — and that garbage then had to be copied by major collections; aging lets
//! those trees die young (issue 12 measured both; see docs/architecture.md). The price is
//! that survivors stay young, so the old slots that point at them after a minor collection
//! are logged by the evacuation and become the next remembered set.
//!
//! Old-to-young references are found through a value-filtered remembered set
//! (`wasmc_abi::attrs::BarrierKind::StoreBuffer`): compiled code calls
//! [`Collector::remember`] when it stores a young reference into an object outside the
//! nursery. Objects that are allocated outside the nursery without a barrier on their
//! initializing stores (large objects, constant-expression objects that did not fit in the
//! nursery) are scanned whole by the next minor collection. Globals, tables and the other
//! runtime roots are scanned at every minor collection (no barrier on `global.set` or
//! `table.set`).
//!
//! Sizing: a major collection runs when the old generation (promoted bytes plus large
//! objects) would grow past its budget; after one, the budget is [`HEAP_GROWTH`] times the
//! live bytes, at least `GcConfig::initial` and at most `GcConfig::max`, so the work of
//! major collections is a bounded fraction of the bytes promoted.

use std::time::Instant;

use crate::collector::{
    Collector, GcConfig, HeapError, MAX_SEMISPACE, NoGcGuard, Roots, STRESS_MAJOR_MIN_BYTES,
};
use crate::evacuate::{Aging, Evacuation};
use crate::large::LargeSpace;
use crate::layout::{LARGE_OBJECT_THRESHOLD, OBJECT_ALIGN};
use crate::space::Space;
use crate::stats::{Collection, GcStats};
use crate::verify::{HeapView, RememberedView, VerifyError, WalkedSpace};
use wasmc_abi::attrs::{AllocArea, MIN_NURSERY_ADDRESS, YoungRange};

/// After a major collection the old generation may grow to this many times its live bytes
/// before the next one.
pub const HEAP_GROWTH: usize = 2;

/// A minor collection after one in which at least this percentage of the nursery's bytes
/// survived (and they were at least a quarter of eden: not the few objects of a stressed
/// or forced collection) promotes every survivor instead of aging it (V8's fast promotion mode, at the
/// same 90%): when objects outlive the nursery, aging only copies them twice. Measured in
/// issue 12 on the mutation benchmark, whose boxes live about four nurseries.
pub const FAST_PROMOTION_PERCENT: usize = 90;

/// Remembered-set entries per nursery byte at which a full store buffer requests a minor
/// collection (1 entry per 64 bytes: 128 Ki entries, 1 MiB, for an 8 MiB nursery).
const REMEMBERED_PER_NURSERY_BYTE: usize = 64;

/// The generational heap of one store.
pub struct Generational {
    /// The nursery's reservation: one half of `half` bytes, or under poisoning two, of
    /// which compiled code allocates in the one at `active` while the other, evacuated
    /// last, is poisoned and protected (so a stale reference into it faults at once).
    nursery: Space,
    /// Bytes of the half compiled code allocates in.
    half: usize,
    /// Start of that half.
    active: usize,
    /// Under poisoning: each nursery part (eden halves, survivor semispaces) by its start,
    /// with the length of its protected prefix.
    closed: Vec<(usize, usize)>,
    /// The two survivor semispaces (after the eden half or halves), `survivor_size` bytes
    /// each (0 without aging).
    survivor: [usize; 2],
    survivor_size: usize,
    /// Whether the next minor collection promotes every survivor (see
    /// [`FAST_PROMOTION_PERCENT`]).
    fast_promotion: bool,
    /// Index of the survivor semispace that holds the survivors of the last minor
    /// collection, and its first free byte.
    survivor_current: usize,
    survivor_free: usize,
    old: [Space; 2],
    /// Index of the old semispace in use.
    current: usize,
    /// Next free byte of the old semispace in use (promotion appends here).
    old_free: usize,
    /// Bytes the old generation (promoted plus large objects) may hold before a major
    /// collection.
    budget: usize,
    large: LargeSpace,
    /// Remembered slots: addresses of reference fields, outside the nursery, that held a
    /// young reference when they were stored to (or, after a minor collection, that the
    /// evacuation left pointing at a survivor).
    remembered: Vec<usize>,
    /// An empty vector whose allocation a minor collection reuses for the next set.
    remembered_spare: Vec<usize>,
    /// Entries at which the store buffer requests a minor collection.
    remembered_limit: usize,
    /// Objects outside the nursery allocated since the last minor collection, whose
    /// fields the next one scans whole.
    pretenured: Vec<usize>,
    area: *mut AllocArea,
    config: GcConfig,
    allocations: u64,
    /// Collections run under stress (see `GcConfig::stress_major` for which are major).
    stress_collections: u64,
    /// `stats.bytes_allocated` at the end of the last major collection, and the bytes it
    /// left live (old generation and large objects).
    allocated_at_major: u64,
    live_at_major: u64,
    /// Slots reported to the barrier's slow path (for `drop_barrier`).
    barrier_calls: u64,
    collecting: bool,
    stats: GcStats,
    /// `WASMC_GC_VERIFY` bookkeeping (see [`Generational::verify_now`]).
    verifier: VerifierState,
}

/// What the amortised verification of `WASMC_GC_VERIFY` remembers between collections.
#[derive(Default)]
struct VerifierState {
    /// The old space's object starts, walked incrementally (reset by a major collection).
    old_starts: Option<crate::verify::ObjectStarts>,
    /// Old objects below this address had their fields checked.
    checked_to: usize,
    /// Bytes allocated since the last full check.
    unchecked_bytes: usize,
    /// Bytes of the heap at the last full check.
    heap_at_full: usize,
    /// Which header words are object RTTs (kept between cheap checks).
    rtts: crate::verify::RttCache,
}

// SAFETY: the heap is used by one thread at a time (its store's).
unsafe impl Send for Generational {}

impl Generational {
    /// Creates a heap whose inline allocation window is `*area` and writes the nursery's
    /// bounds to `*young`. It reserves the nursery now (its bounds never change, so compiled
    /// code may hoist them) and opens the window in it; the old generation's two
    /// semispaces (`config.max` plus the nursery's size each) are reserved at the first
    /// minor collection or by [`Collector::reserve`].
    ///
    /// # Errors
    /// [`HeapError::TooLarge`] for a maximum over [`MAX_SEMISPACE`];
    /// [`HeapError::Nursery`] if the nursery cannot be reserved above 4 GiB.
    ///
    /// # Safety
    /// `area` and `young` are valid for writes and outlive the heap.
    pub unsafe fn new(
        config: GcConfig,
        area: *mut AllocArea,
        young: *mut YoungRange,
    ) -> Result<Generational, HeapError> {
        let max = config.max.max(config.initial);
        if max > MAX_SEMISPACE {
            return Err(HeapError::TooLarge(max));
        }
        let size = config.nursery.next_multiple_of(4096);
        let eden = if config.poison { 2 * size } else { size };
        let survivor_size = if config.aging { size } else { 0 };
        let reserved = eden + 2 * survivor_size;
        let nursery =
            Space::new(reserved).map_err(|e| HeapError::Nursery { size, reason: e.to_string() })?;
        if nursery.base < MIN_NURSERY_ADDRESS {
            return Err(HeapError::Nursery {
                size,
                reason: format!("the OS placed it at {:#x}", nursery.base),
            });
        }
        let mut heap = Generational {
            old: [Space::NONE, Space::NONE],
            current: 0,
            old_free: 0,
            budget: config.initial.min(max),
            large: LargeSpace::default(),
            remembered: Vec::new(),
            remembered_spare: Vec::new(),
            remembered_limit: (size / REMEMBERED_PER_NURSERY_BYTE).max(1024),
            pretenured: Vec::new(),
            area,
            config: GcConfig { max, nursery: size, ..config },
            allocations: 0,
            stress_collections: 0,
            allocated_at_major: 0,
            live_at_major: 0,
            barrier_calls: 0,
            collecting: false,
            stats: GcStats::default(),
            verifier: VerifierState::default(),
            half: size,
            active: nursery.base,
            closed: Vec::new(),
            survivor: [nursery.base + eden, nursery.base + eden + survivor_size],
            survivor_size,
            survivor_current: 0,
            fast_promotion: false,
            survivor_free: nursery.base + eden,
            nursery,
        };
        if heap.config.poison {
            heap.nursery.protect(libc::PROT_NONE);
            let (base, half) = (heap.nursery.base, heap.half);
            heap.closed = vec![(base, half), (base + half, half)];
            for s in heap.survivor {
                heap.closed.push((s, survivor_size));
            }
            heap.open(heap.active);
        }
        // SAFETY: see the function's contract.
        unsafe {
            *young = YoungRange { start: heap.nursery.base, size: reserved };
            *heap.area = AllocArea { bump: heap.active, limit: heap.window_limit(heap.active) };
        }
        Ok(heap)
    }

    fn area(&mut self) -> &mut AllocArea {
        // SAFETY: `area` is valid for the heap's lifetime (see `new`); nothing else
        // borrows it while the collector runs.
        unsafe { &mut *self.area }
    }

    /// Where the window ends for a bump pointer at `bump`: the nursery's end, or `bump`
    /// itself when every allocation must take the slow path (stress) or the next one must
    /// collect (a full store buffer).
    fn window_limit(&self, bump: usize) -> usize {
        if self.config.stress.is_some() || self.remembered.len() >= self.remembered_limit {
            bump
        } else {
            self.active + self.half
        }
    }

    fn young_used(&mut self) -> usize {
        let base = self.active;
        self.area().bump - base
    }

    /// Under poisoning, makes the nursery part at `base` (an eden half or a survivor
    /// semispace) writable again: the prefix [`Generational::close`] protected.
    fn open(&mut self, base: usize) {
        if let Some(entry) = self.closed.iter_mut().find(|(b, _)| *b == base)
            && entry.1 > 0
        {
            protect(base, entry.1, libc::PROT_READ | libc::PROT_WRITE);
            entry.1 = 0;
        }
    }

    /// Under poisoning, fills the `used` evacuated bytes of the nursery part at `base` with
    /// poison and protects the pages they cover (only those: under stress a minor
    /// collection evacuates a few objects, and protecting whole halves made `mprotect`'s
    /// page-table walk a tenth of a stressed run), so a stale reference faults at once.
    fn close(&mut self, base: usize, used: usize) {
        if !self.config.poison || used == 0 {
            return;
        }
        // SAFETY: the evacuated part of a nursery part, holding no live object.
        unsafe { core::ptr::write_bytes(base as *mut u8, crate::space::POISON, used) };
        let len = used.next_multiple_of(4096);
        protect(base, len, libc::PROT_NONE);
        if let Some(entry) = self.closed.iter_mut().find(|(b, _)| *b == base) {
            entry.1 = entry.1.max(len);
        }
    }

    /// Bytes in the survivor semispace in use.
    fn survivor_used(&self) -> usize {
        self.survivor_free - self.survivor[self.survivor_current]
    }

    /// Empties the nursery after its `used` bytes were evacuated and opens the window at
    /// its start; under poisoning the evacuated half is filled with poison and protected,
    /// and allocation moves to the other half.
    fn reset_nursery(&mut self, used: usize) {
        if self.config.poison {
            self.close(self.active, used);
            let base = self.nursery.base;
            self.active = if self.active == base { base + self.half } else { base };
            self.open(self.active);
        }
        let base = self.active;
        let limit = self.window_limit(base);
        *self.area() = AllocArea { bump: base, limit };
    }

    /// Bytes of the old generation: promoted (and pretenured) objects plus large objects.
    fn old_used(&self) -> usize {
        let promoted =
            if self.old[0].is_reserved() { self.old_free - self.old[self.current].base } else { 0 };
        promoted + self.large.bytes()
    }

    /// Whether `p` lies in the nursery (eden or a survivor semispace).
    fn is_young(&self, p: usize) -> bool {
        self.nursery.contains(p)
    }

    fn bump(&mut self, size: usize) -> Option<usize> {
        let (end, p) = (self.active + self.half, self.area().bump);
        if p + size > end {
            return None;
        }
        let limit = self.window_limit(p + size);
        *self.area() = AllocArea { bump: p + size, limit };
        Some(p)
    }

    /// Makes room in the nursery: a minor collection, or a major one when the old
    /// generation is over its budget. `false` when the heap is exhausted.
    fn make_room(&mut self, roots: &mut dyn Roots) -> bool {
        self.collect(Collection::Minor, roots);
        self.old_used() <= self.config.max
    }

    fn alloc_large(&mut self, size: usize, roots: &mut dyn Roots) -> Option<usize> {
        if self.old_used() + size > self.budget {
            self.collect(Collection::Major, roots);
        }
        if self.old_used() + size > self.config.max {
            return None;
        }
        self.alloc_large_now(size)
    }

    fn alloc_large_now(&mut self, size: usize) -> Option<usize> {
        let p = self.large.alloc(size)?;
        self.stats.large_objects += 1;
        self.stats.bytes_allocated += size as u64;
        self.pretenured.push(p);
        Some(p)
    }

    fn minor(&mut self, roots: &mut dyn Roots) {
        let start = Instant::now();
        if self.config.verify {
            self.verify_now(roots, "before a minor collection", false);
        }
        let young_used = self.young_used();
        self.stats.bytes_allocated += young_used as u64;
        self.verifier.unchecked_bytes += young_used;
        let scan = self.old_free;
        let eden = (self.active, self.active + young_used);
        let (from_survivor, to_survivor) = (self.survivor_current, 1 - self.survivor_current);
        let survivors = (self.survivor[from_survivor], self.survivor_free);
        // Fast promotion: after a minor collection where nearly everything survived, the
        // survivors of the next one go straight to the old generation (an empty survivor
        // to-space), so objects that outlive the nursery are not copied twice.
        let room = if self.fast_promotion { 0 } else { self.survivor_size };
        let to = (self.survivor[to_survivor], self.survivor[to_survivor] + room);
        self.open(to.0);
        let guard = NoGcGuard::new(&mut self.collecting);
        let remembered = std::mem::take(&mut self.remembered);
        let log = std::mem::take(&mut self.remembered_spare);
        // SAFETY: eden and the survivor semispace in use hold whole objects up to their
        // bump pointers; the old space in use has room for all of them past `old_free`
        // (`collect` checked that the old generation plus the nursery in use fit in `max`;
        // the reservation is `max` plus eden plus a survivor semispace); the survivor
        // to-space is empty and writable.
        let mut evac = unsafe {
            Evacuation::new([eden, survivors], scan, None).with_aging(Aging { eden, to }, log)
        };
        roots.visit_roots(&mut |slot| {
            // SAFETY: the runtime reports valid root slots.
            unsafe { evac.forward_slot(slot) };
        });
        for &slot in &remembered {
            // SAFETY: a remembered slot is a reference field of an old or large object,
            // which does not move or die before the next major collection (which clears
            // the set).
            unsafe { evac.forward_old_slot(slot as *mut usize) };
        }
        for obj in self.pretenured.drain(..) {
            // SAFETY: an object allocated outside the nursery since the last collection,
            // its header written by its allocator.
            unsafe { evac.forward_fields(obj) };
        }
        let free = evac.drain(scan);
        let survivor_free = evac.survivor_free;
        self.remembered = std::mem::take(&mut evac.remembered);
        drop(evac);
        drop(guard);
        self.remembered_spare = remembered;
        self.remembered_spare.clear();
        self.stats.bytes_promoted += (free - scan) as u64;
        self.stats.bytes_aged += (survivor_free - to.0) as u64;
        let evacuated = young_used + (survivors.1 - survivors.0);
        let survived = (free - scan) + (survivor_free - to.0);
        self.fast_promotion =
            evacuated >= self.half / 4 && survived * 100 >= evacuated * FAST_PROMOTION_PERCENT;
        self.old_free = free;
        self.close(survivors.0, survivors.1 - survivors.0);
        (self.survivor_current, self.survivor_free) = (to_survivor, survivor_free);
        self.reset_nursery(young_used);
        if self.config.verify {
            self.verify_now(roots, "after a minor collection", false);
        }
        let pause = start.elapsed();
        self.stats.record(Collection::Minor, pause);
        if self.config.trace {
            eprintln!(
                "gc: minor {}: {pause:?}, {young_used} bytes in eden, {} aged, {} promoted, old \
                 generation {} bytes",
                self.stats.minor,
                survivor_free - to.0,
                free - scan,
                self.old_used()
            );
        }
    }

    /// The heap view of the verifier.
    fn view(&mut self) -> HeapView {
        let bump = self.area().bump;
        let n = &self.nursery;
        let (active, end) = (self.active, self.active + self.half);
        let mut spaces = vec![WalkedSpace { base: active, bump, end, old: false }];
        let survivor = self.survivor[self.survivor_current];
        if self.survivor_size > 0 {
            spaces.push(WalkedSpace {
                base: survivor,
                bump: self.survivor_free,
                end: survivor + self.survivor_size,
                old: false,
            });
        }
        // The rest of the nursery (the other eden half of a poisoned nursery, the survivor
        // to-space) holds no object.
        let mut dead: Vec<(usize, usize)> = Vec::new();
        let mut p = n.base;
        let mut live: Vec<(usize, usize)> = spaces.iter().map(|s| (s.base, s.end)).collect();
        live.sort_unstable();
        for (a, b) in live {
            if p < a {
                dead.push((p, a));
            }
            p = b;
        }
        if p < n.end() {
            dead.push((p, n.end()));
        }
        if self.is_reserved() {
            let (cur, other) = (&self.old[self.current], &self.old[1 - self.current]);
            spaces.push(WalkedSpace {
                base: cur.base,
                bump: self.old_free,
                end: cur.end(),
                old: true,
            });
            dead.push((other.base, other.end()));
        }
        HeapView {
            spaces,
            dead,
            large: self.large.ranges().collect(),
            freed_large: self.large.quarantine.iter().map(|(p, size)| (*p, *p + size)).collect(),
            remembered: Some(RememberedView {
                young: (n.base, n.end()),
                slots: self.remembered.iter().copied().collect(),
                objects: self.pretenured.iter().copied().collect(),
            }),
        }
    }

    /// `WASMC_GC_VERIFY` at a collection, amortised: the full check ([`Collector::check`])
    /// runs around every major collection and whenever the bytes allocated since the last
    /// full check reach the heap it walked; otherwise `verify::check_recent` checks the
    /// roots, the remembered slots and what was allocated or promoted since the last check,
    /// at a cost proportional to those. So verification costs at most about as much as
    /// allocation, even with a collection at every allocation.
    ///
    /// # Panics
    /// On a violation, naming it.
    fn verify_now(&mut self, roots: &mut dyn Roots, when: &str, major: bool) {
        let full = major
            || !self.is_reserved()
            || self.verifier.unchecked_bytes >= self.verifier.heap_at_full;
        let result = if full {
            let r = self.check(roots, when);
            self.verifier.unchecked_bytes = 0;
            self.verifier.heap_at_full = self.old_used() + self.young_used();
            self.verifier.old_starts = None;
            self.verifier.checked_to = self.old_free;
            r
        } else {
            let base = self.old[self.current].base;
            let old_free = self.old_free;
            let starts = self
                .verifier
                .old_starts
                .get_or_insert_with(|| crate::verify::ObjectStarts::new(base));
            // SAFETY: the old space in use holds whole objects up to `old_free`.
            let walked = unsafe { starts.walk(old_free) };
            let recent = (self.verifier.checked_to.max(base), old_free);
            let mut values = Vec::new();
            roots.visit_roots(&mut |slot| {
                // SAFETY: the runtime reports valid root slots.
                values.push(unsafe { *slot });
            });
            let view = self.view();
            self.verifier.checked_to = old_free;
            let v = &mut self.verifier;
            let starts = v.old_starts.as_ref().expect("set above");
            match walked {
                Err(what) => Err(VerifyError { when: when.to_string(), what }),
                // SAFETY: the view describes this heap, `starts` its old space walked to
                // `old_free`; `recent` is part of it; pretenured objects are live.
                Ok(()) => unsafe {
                    crate::verify::check_recent(
                        &view,
                        starts,
                        recent,
                        &self.pretenured,
                        &mut v.rtts,
                        values,
                        &|p| roots.is_host_value(p),
                        when,
                    )
                },
            }
        };
        if let Err(e) = result {
            panic!("{e}");
        }
    }

    fn major(&mut self, roots: &mut dyn Roots) {
        let start = Instant::now();
        if self.config.verify {
            self.verify_now(roots, "before a major collection", true);
        }
        let young_used = self.young_used();
        self.stats.bytes_allocated += young_used as u64;
        self.verifier.unchecked_bytes += young_used;
        let (from, to) = (self.current, 1 - self.current);
        let old_used = self.old_free - self.old[from].base;
        if self.config.poison {
            self.old[to].protect(libc::PROT_READ | libc::PROT_WRITE);
        }
        let survivors = self.survivor_used();
        let guard = NoGcGuard::new(&mut self.collecting);
        let to_base = self.old[to].base;
        // The whole nursery moves: eden and the survivors in use, and no reference points
        // into the rest of it (the verifier checks that).
        let ranges =
            [(self.nursery.base, self.nursery.end()), (self.old[from].base, self.old_free)];
        // SAFETY: both ranges hold whole objects where references point; the to-space
        // reservation (`max` plus eden plus a survivor semispace) holds all of them, since
        // the old generation is kept within `max`.
        let mut evac = unsafe { Evacuation::new(ranges, to_base, Some(&mut self.large)) };
        roots.visit_roots(&mut |slot| {
            // SAFETY: the runtime reports valid root slots.
            unsafe { evac.forward_slot(slot) };
        });
        let free = evac.drain(to_base);
        drop(guard);
        // Every live object was reached from the roots: the remembered set is moot.
        self.remembered.clear();
        self.pretenured.clear();
        self.large.sweep(self.config.poison);
        let live = free - to_base;
        self.stats.bytes_copied += live as u64;
        self.current = to;
        self.old_free = free;
        self.verifier.old_starts = None;
        self.allocated_at_major = self.stats.bytes_allocated;
        self.live_at_major = (live + self.large.bytes()) as u64;
        self.budget = (HEAP_GROWTH * (live + self.large.bytes()))
            .clamp(self.config.initial.min(self.config.max), self.config.max);
        if self.config.poison {
            self.old[from].poison(old_used);
            self.old[from].protect(libc::PROT_NONE);
        } else if self.config.stress.is_none() {
            // The emptied from-space keeps no resident memory until the next major
            // collection copies into it. (Not under stress, where majors come so often that
            // refaulting the pages would dominate.)
            self.old[from].decommit(old_used);
        }
        self.close(self.survivor[self.survivor_current], survivors);
        self.survivor_free = self.survivor[self.survivor_current];
        self.reset_nursery(young_used);
        if self.config.verify {
            self.verify_now(roots, "after a major collection", true);
        }
        let pause = start.elapsed();
        self.stats.record(Collection::Major, pause);
        if self.config.trace {
            eprintln!(
                "gc: major {}: {pause:?}, {live} bytes live, {} in large objects, budget {} bytes",
                self.stats.major,
                self.large.bytes(),
                self.budget
            );
        }
    }
}

impl Collector for Generational {
    fn config(&self) -> &GcConfig {
        &self.config
    }

    fn is_reserved(&self) -> bool {
        self.old[0].is_reserved()
    }

    fn reserve(&mut self) -> Result<(), HeapError> {
        if self.is_reserved() {
            return Ok(());
        }
        // Room for a budget of `max` plus a full nursery's survivors (eden's and the
        // survivor semispace's).
        let room = self.config.max + self.half + self.survivor_size;
        self.old = Space::semispaces(room, self.config.max)?;
        self.old_free = self.old[0].base;
        self.current = 0;
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
            self.stress_collections += 1;
            let major = match self.config.stress_major {
                Some(n) => self.stress_collections.is_multiple_of(n.max(1) as u64),
                None => {
                    let since = self.stats.bytes_allocated + self.young_used() as u64
                        - self.allocated_at_major;
                    since >= self.live_at_major.max(STRESS_MAJOR_MIN_BYTES)
                }
            };
            self.collect(if major { Collection::Major } else { Collection::Minor }, roots);
        } else if self.remembered.len() >= self.remembered_limit {
            self.collect(Collection::Minor, roots);
        }
        if size > LARGE_OBJECT_THRESHOLD as usize {
            return self.alloc_large(size, roots);
        }
        if let Some(p) = self.bump(size) {
            return Some(p);
        }
        if !self.make_room(roots) {
            return None;
        }
        self.bump(size)
    }

    fn alloc_no_collect(&mut self, size: usize) -> Option<usize> {
        debug_assert!(!self.collecting, "allocation during a collection");
        debug_assert_eq!(size % OBJECT_ALIGN as usize, 0);
        self.reserve().ok()?;
        self.allocations += 1;
        if self.old_used() + size > self.config.max {
            return None;
        }
        if size > LARGE_OBJECT_THRESHOLD as usize {
            return self.alloc_large_now(size);
        }
        if let Some(p) = self.bump(size) {
            return Some(p);
        }
        // The nursery is full and nothing may move: allocate in the old generation.
        let p = self.old_free;
        if p + size > self.old[self.current].end() {
            return None;
        }
        self.old_free += size;
        self.stats.bytes_allocated += size as u64;
        self.pretenured.push(p);
        Some(p)
    }

    fn collect(&mut self, kind: Collection, roots: &mut dyn Roots) {
        if self.reserve().is_err() {
            // Without an old generation nothing can be promoted; the nursery stays as it
            // is and the allocation that asked reports "out of memory".
            return;
        }
        // A major collection when asked, when the old generation has outgrown its budget,
        // or when the nursery's survivors might not fit the reservation (`max` plus one
        // nursery: only when the old generation is already near `max`).
        let young_used = self.young_used() + self.survivor_used();
        let old = self.old_used();
        if kind == Collection::Major || old > self.budget || old + young_used > self.config.max {
            self.major(roots);
        } else {
            self.minor(roots);
        }
    }

    unsafe fn remember(&mut self, slot: *mut usize) {
        let s = slot as usize;
        // SAFETY: a reference field of a live object (see the trait).
        let v = unsafe { *slot };
        if self.is_young(s) || !self.is_young(v) {
            return;
        }
        self.barrier_calls += 1;
        if self.config.drop_barrier == Some(self.barrier_calls) {
            return;
        }
        self.remembered.push(s);
        if self.remembered.len() >= self.remembered_limit {
            // Request a minor collection at the next allocation (never collect here).
            let bump = self.area().bump;
            self.area().limit = bump;
        }
    }

    unsafe fn remember_range(&mut self, first: *mut usize, count: usize) {
        for i in 0..count {
            // SAFETY: slot `i` of the range (see the trait); `remember` filters by value.
            unsafe { self.remember(first.add(i)) };
        }
    }

    fn contains(&self, p: usize) -> bool {
        self.nursery.contains(p) || self.old.iter().any(|s| s.contains(p)) || self.large.contains(p)
    }

    fn check(&mut self, roots: &mut dyn Roots, when: &str) -> Result<(), VerifyError> {
        let mut values = Vec::new();
        roots.visit_roots(&mut |slot| {
            // SAFETY: the runtime reports valid root slots.
            values.push(unsafe { *slot });
        });
        let view = self.view();
        // SAFETY: the view describes this heap; references outside it are not read (the
        // embedder's `is_host_value` vouches for them).
        unsafe { crate::verify::check(&view, values, &|p| roots.is_host_value(p), when) }
    }

    fn stats(&self) -> &GcStats {
        &self.stats
    }

    fn stats_report(&mut self) -> String {
        let allocated = self.stats.bytes_allocated + self.young_used() as u64;
        self.stats.report("generational", allocated, self.budget)
    }
}

/// Changes the protection of `len` bytes at `base`, part of a nursery reservation.
fn protect(base: usize, len: usize, prot: libc::c_int) {
    // SAFETY: the range is page-aligned memory of our own reservation, holding no object
    // compiled code may touch while it is protected.
    unsafe { libc::mprotect(base as *mut libc::c_void, len, prot) };
}
