//! The heap reserves its semispaces only when it is first needed (issue 11: every
//! executable reserved 2 x 2 GiB for a GC heap, so `hello`, which has no GC types, failed to
//! start under `ulimit -v 9000000`).

use wasmc_gc::collector::{Collector, CollectorKind, MAX_SEMISPACE};
use wasmc_gc::semispace::Semispace;
use wasmc_gc::{AllocArea, Collection, GcConfig, HeapError, Roots, YoungRange, new_collector};

struct NoRoots;
impl Roots for NoRoots {
    fn visit_roots(&mut self, _visit: &mut dyn FnMut(*mut usize)) {}
}

/// The tests that read this process's `VmSize` run one at a time (under `cargo test`
/// they share a process, and one's reservation would show in the other's figures).
static VM_SIZE_TESTS: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Bytes of address space this process has mapped (`VmSize` in `/proc/self/status`).
fn vm_size() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let line = status.lines().find(|l| l.starts_with("VmSize:")).expect("VmSize");
    let kib: u64 = line.split_whitespace().nth(1).and_then(|n| n.parse().ok()).expect("a number");
    kib * 1024
}

#[test]
fn issue_11_a_heap_reserves_nothing_until_it_is_used() {
    let _serial = VM_SIZE_TESTS.lock().unwrap_or_else(|e| e.into_inner());
    // 2 x 4 GiB: more than anything else this test process maps.
    let kind = CollectorKind::Semispace;
    let config = GcConfig { kind, initial: 1 << 20, max: 4 << 30, ..Default::default() };
    let mut area = Box::new(AllocArea { bump: 123, limit: 456 });
    let before = vm_size();
    let mut heap = Semispace::new(config, &mut *area).expect("a heap");
    assert!(!heap.is_reserved());
    assert!(vm_size() < before + (1 << 30), "Heap::new reserved address space");
    // No window: compiled code's inline bump fails and calls the slow path.
    assert_eq!((area.bump, area.limit), (0, 0));
    // Collecting and reporting before any allocation touch nothing.
    heap.collect(Collection::Major, &mut NoRoots);
    assert!(!heap.stats_report().is_empty());
    assert!(!heap.contains(0) && !heap.contains(8));

    let p = heap.alloc_slow(32, &mut NoRoots).expect("the first allocation reserves");
    assert!(heap.is_reserved());
    assert!(vm_size() >= before + (8 << 30), "two semispaces of 4 GiB");
    assert!(heap.contains(p));
    assert!(area.bump == p + 32 && area.limit > area.bump, "the window is open");
    heap.reserve().expect("reserving again is a no-op");
}

#[test]
fn issue_11_a_semispace_over_the_limit_is_refused() {
    let mut area = Box::new(AllocArea::default());
    let config = GcConfig { initial: 1 << 20, max: MAX_SEMISPACE + 1, ..Default::default() };
    assert!(matches!(Semispace::new(config, &mut *area), Err(HeapError::TooLarge(_))));
    let config = GcConfig { initial: usize::MAX, max: 1 << 20, ..Default::default() };
    assert!(matches!(Semispace::new(config, &mut *area), Err(HeapError::TooLarge(_))));
}

/// The generational heap reserves only its nursery up front (its bounds are fixed for the
/// store's lifetime, so compiled code hoists them); the old generation waits for the first
/// minor collection.
#[test]
fn a_generational_heap_reserves_only_its_nursery_until_it_collects() {
    let _serial = VM_SIZE_TESTS.lock().unwrap_or_else(|e| e.into_inner());
    let config = GcConfig { initial: 1 << 20, max: 4 << 30, ..Default::default() };
    let mut area = Box::new(AllocArea::default());
    let mut young = Box::new(YoungRange::default());
    let before = vm_size();
    // SAFETY: the boxes outlive the heap.
    let mut heap = unsafe { new_collector(config, &mut *area, &mut *young) }.expect("a heap");
    assert!(!heap.is_reserved());
    assert!(vm_size() < before + (1 << 30), "the nursery only");
    assert_eq!(young.size, 3 * (8 << 20), "eden and two survivor semispaces");
    assert_eq!((area.bump, area.limit), (young.start, young.start + (8 << 20)), "eden");
    let p = heap.alloc_slow(32, &mut NoRoots).expect("an allocation in the nursery");
    assert_eq!(p, young.start);
    heap.collect(Collection::Minor, &mut NoRoots);
    assert!(heap.is_reserved() && vm_size() >= before + (8 << 30), "the old generation");
}
