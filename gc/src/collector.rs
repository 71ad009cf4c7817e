//! The interface between the runtime and "the collector" (MMTk's plan/binding split): the
//! runtime reports roots ([`Roots`]) and calls [`Collector`] for the allocation slow path,
//! collections, the write barrier's slow path, statistics and verification; compiled code
//! sees only the collector attributes of `wasmc_abi::attrs`.

use crate::stats::{Collection, GcStats};
pub use crate::verify::VerifyError;
use wasmc_abi::attrs::{AllocArea, YoungRange};

/// Which collector a store uses (`WASMC_GC`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum CollectorKind {
    /// A nursery with minor collections that age survivors once and then promote them
    /// into a Cheney old generation ([`crate::generational`]). The default.
    #[default]
    Generational,
    /// Cheney's semispace collector over the whole heap ([`crate::semispace`]).
    Semispace,
}

/// Collector configuration (the `WASMC_GC_*` knobs, parsed by the runtime).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GcConfig {
    /// The collector.
    pub kind: CollectorKind,
    /// Initial heap budget in bytes: the semispace size, or the old generation's size that
    /// triggers the first major collection.
    pub initial: usize,
    /// Maximum heap budget in bytes (semispace size, or old generation plus large objects):
    /// the heap never grows past it ("out of memory").
    pub max: usize,
    /// Bytes of the nursery's allocation area, eden (generational only).
    pub nursery: usize,
    /// Whether a minor collection ages first-time survivors in a survivor semispace of
    /// eden's size instead of promoting them at once (generational only;
    /// `WASMC_GC_AGING`).
    pub aging: bool,
    /// Collect at every N-th allocation (a minor collection under the generational
    /// collector).
    pub stress: Option<u32>,
    /// Under stress, every N-th collection is a major one (generational only).
    ///
    /// `None` (the default): a stress collection is major when the bytes allocated since
    /// the last major collection reach the live bytes it left, at least
    /// [`STRESS_MAJOR_MIN_BYTES`]: majors then copy about as many bytes as the program
    /// allocates, so a collection at every allocation costs in proportion to the
    /// allocations (a major every 1024 minor collections had Kotlin binarytrees run about
    /// 15,000 majors, each verified twice, for over half an hour).
    pub stress_major: Option<u32>,
    /// Poison evacuated memory (and protect from-space) after each collection.
    pub poison: bool,
    /// Verify the heap before and after each collection.
    pub verify: bool,
    /// Print statistics at exit.
    pub stats: bool,
    /// Print one line per collection to stderr (`WASMC_GC_TRACE`).
    pub trace: bool,
    /// Debugging the verifier: the N-th slot the write barrier reports is not remembered
    /// (as if compiled code had omitted that barrier); `WASMC_GC_DROP_BARRIER`.
    pub drop_barrier: Option<u64>,
}

/// Default nursery (eden) size: 8 MiB. Measured in issue 12 with aging, paired medians of 9
/// runs of binarytrees: 8 MiB ran 0.85x (Kotlin) and 0.90x (MoonBit) the wall time of
/// 4 MiB, with no major collection left on either; 16 MiB ran 1.06x and 1.15x of 8 MiB.
pub const DEFAULT_NURSERY: usize = 8 << 20;
/// Smallest nursery: it must hold the largest object that is not a large object.
pub const MIN_NURSERY: usize = 256 << 10;
/// Largest nursery.
pub const MAX_NURSERY: usize = 1 << 30;
/// Under stress with the default [`GcConfig::stress_major`], the fewest bytes allocated
/// between two major collections (64 KiB: a small program still has a major collection
/// every few thousand allocations).
pub const STRESS_MAJOR_MIN_BYTES: u64 = 64 << 10;

impl Default for GcConfig {
    fn default() -> GcConfig {
        GcConfig {
            kind: CollectorKind::default(),
            initial: 16 << 20,
            max: 2 << 30,
            nursery: DEFAULT_NURSERY,
            aging: true,
            stress: None,
            stress_major: None,
            poison: false,
            verify: false,
            stats: false,
            trace: false,
            drop_barrier: None,
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

/// Most bytes one semispace may have (1 TiB): a heap reserves two of them, so this keeps
/// `2 * max` far inside the 47-bit user address space of x86-64 Linux and every size
/// computed from it (`capacity * 2`, `used + size`) free of overflow.
pub const MAX_SEMISPACE: usize = 1 << 40;

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
        /// Bytes of each semispace (`max`; the generational collector reserves a
        /// nursery's size more, for the survivors of a minor collection).
        semispace: usize,
        /// The OS error.
        error: std::io::Error,
    },
    /// The OS refused the nursery, or placed it below 4 GiB (where the write barrier's
    /// young test could not tell it from an `i31ref`).
    #[error("cannot reserve a GC nursery of {size} bytes above 4 GiB: {reason}")]
    Nursery {
        /// Bytes of the nursery.
        size: usize,
        /// What went wrong.
        reason: String,
    },
}

/// A garbage collector of one store. All addresses are of 8-aligned object starts; sizes
/// are in bytes, multiples of `OBJECT_ALIGN`.
pub trait Collector: Send {
    /// The configuration.
    fn config(&self) -> &GcConfig;

    /// Whether the heap's address space for objects is reserved (it is reserved at the
    /// first allocation, or by [`Collector::reserve`]).
    fn is_reserved(&self) -> bool;

    /// Reserves the heap's address space now, so that a reservation the OS refuses is a
    /// clear error before any code runs.
    ///
    /// # Errors
    /// [`HeapError::Reserve`] with the OS error.
    fn reserve(&mut self) -> Result<(), HeapError>;

    /// Allocates `size` bytes, collecting and growing as needed; the caller writes the
    /// header. `None` when the heap is exhausted at its maximum size ("out of memory").
    /// An object outside the nursery (a large object) has its fields scanned by the next
    /// minor collection, so its initializing stores need no barrier.
    fn alloc_slow(&mut self, size: usize, roots: &mut dyn Roots) -> Option<usize>;

    /// Allocates `size` bytes without ever collecting (growing instead), for allocations
    /// whose intermediate values the root scan cannot see (constant expressions evaluated
    /// while an instance is created). Its fields are scanned by the next minor collection.
    /// `None` means "out of memory".
    fn alloc_no_collect(&mut self, size: usize) -> Option<usize>;

    /// Runs a collection of `kind` now (a generational heap may run a major collection
    /// when a minor one was asked for but the old generation is full).
    fn collect(&mut self, kind: Collection, roots: &mut dyn Roots);

    /// Write-barrier slow path: the reference slot `slot` was just stored to (the
    /// collector remembers it if it lies outside the nursery and now holds a young
    /// reference). Never collects.
    ///
    /// # Safety
    /// `slot` is a reference field of a live object of this heap.
    unsafe fn remember(&mut self, slot: *mut usize);

    /// Bulk write-barrier slow path: `count` consecutive reference slots from `first` (of
    /// one object) were stored to. Never collects.
    ///
    /// # Safety
    /// The `count` slots from `first` are reference fields of one live object of this heap.
    unsafe fn remember_range(&mut self, first: *mut usize, count: usize);

    /// Whether `p` is the address of memory the heap manages (a space or a large object).
    fn contains(&self, p: usize) -> bool;

    /// Checks the heap invariants from the roots (see the `verify` module).
    ///
    /// # Errors
    /// The first violation found, labelled `when`.
    fn check(&mut self, roots: &mut dyn Roots, when: &str) -> Result<(), VerifyError>;

    /// [`Collector::check`], panicking on a violation (a collector or compiler bug): what
    /// `WASMC_GC_VERIFY=1` runs before and after each collection.
    ///
    /// # Panics
    /// On the first violation, naming it.
    fn verify(&mut self, roots: &mut dyn Roots, when: &str) {
        if let Err(e) = self.check(roots, when) {
            panic!("{e}");
        }
    }

    /// The statistics.
    fn stats(&self) -> &GcStats;

    /// Statistics as printed at exit (`WASMC_GC_STATS=1`), one line.
    fn stats_report(&mut self) -> String;
}

/// Creates the collector `config.kind` for a store whose inline allocation window is
/// `*area` and whose barrier's young range is `*young` (both owned by the store context,
/// outliving the collector; `*young` is written here, once).
///
/// # Errors
/// A maximum over [`MAX_SEMISPACE`], or a nursery the OS refuses.
///
/// # Safety
/// `area` and `young` are valid for writes and outlive the collector.
pub unsafe fn new_collector(
    config: GcConfig,
    area: *mut AllocArea,
    young: *mut YoungRange,
) -> Result<Box<dyn Collector>, HeapError> {
    Ok(match config.kind {
        CollectorKind::Generational => {
            // SAFETY: see the function's contract.
            Box::new(unsafe { crate::generational::Generational::new(config, area, young) }?)
        }
        CollectorKind::Semispace => {
            // SAFETY: see the function's contract.
            unsafe { *young = YoungRange { start: 0, size: 0 } };
            Box::new(crate::semispace::Semispace::new(config, area)?)
        }
    })
}

/// While alive, the heap refuses to allocate or collect: a collection holds one, so nothing
/// it calls can re-enter the collector (debug assertions catch violations).
pub(crate) struct NoGcGuard<'a>(&'a mut bool);

impl<'a> NoGcGuard<'a> {
    pub(crate) fn new(flag: &'a mut bool) -> NoGcGuard<'a> {
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
