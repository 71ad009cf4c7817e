//! Unit tests of both collectors against a mock VM: roots are a vector of slots, objects
//! are written by hand with the layouts of `crate::layout`. Tests of behaviour both must
//! share run once per [`CollectorKind`].

use crate::collector::{Collector, CollectorKind, GcConfig, Roots, new_collector};
use crate::layout::{
    ARRAY_DATA_OFFSET, ARRAY_LENGTH_OFFSET, FieldRepr, I31_TAG, LARGE_OBJECT_THRESHOLD, Rtt,
    RttKind, array_layout, array_size, new_rtt, set_layout, struct_layout,
};
use crate::space::POISON;
use crate::stats::Collection;
use wasmc_abi::attrs::{AllocArea, MIN_NURSERY_ADDRESS, YoungRange};

const KINDS: [CollectorKind; 2] = [CollectorKind::Generational, CollectorKind::Semispace];

struct VecRoots(Vec<usize>);
impl Roots for VecRoots {
    fn visit_roots(&mut self, visit: &mut dyn FnMut(*mut usize)) {
        for r in &mut self.0 {
            visit(r);
        }
    }
}

const I64: FieldRepr = FieldRepr { size: 8, gc_ref: false };
const REF: FieldRepr = FieldRepr { size: 8, gc_ref: true };

/// `(struct (field i64) (field (ref null $cons)))`: 24 bytes, value at 8, next at 16.
fn cons_rtt() -> *const Rtt {
    let r = new_rtt(RttKind::Struct, 9000, true, &[]);
    // SAFETY: a fresh RTT.
    unsafe { set_layout(r, struct_layout(&[I64, REF])) };
    r
}

/// `(array (mut anyref))`.
fn ref_array_rtt() -> *const Rtt {
    let r = new_rtt(RttKind::Array, 9001, true, &[]);
    // SAFETY: a fresh RTT.
    unsafe { set_layout(r, array_layout(REF)) };
    r
}

/// A collector with the store-context fields it points to.
struct Heap {
    area: Box<AllocArea>,
    young: Box<YoungRange>,
    gc: Box<dyn Collector>,
}

impl std::ops::Deref for Heap {
    type Target = dyn Collector;
    fn deref(&self) -> &(dyn Collector + 'static) {
        &*self.gc
    }
}
impl std::ops::DerefMut for Heap {
    fn deref_mut(&mut self) -> &mut (dyn Collector + 'static) {
        &mut *self.gc
    }
}

impl Heap {
    fn new(config: GcConfig) -> Heap {
        let mut area = Box::new(AllocArea::default());
        let mut young = Box::new(YoungRange::default());
        // SAFETY: the boxes live as long as the heap (fields of the same struct, dropped after).
        let gc = unsafe { new_collector(config, &mut *area, &mut *young) }
            .expect("create the test heap");
        Heap { area, young, gc }
    }

    fn is_young(&self, p: usize) -> bool {
        p.wrapping_sub(self.young.start) < self.young.size
    }

    fn bump(&self) -> usize {
        self.area.bump
    }
}

fn config(kind: CollectorKind, initial: usize, poison: bool) -> GcConfig {
    GcConfig {
        kind,
        initial,
        max: 64 << 20,
        nursery: 256 << 10,
        poison,
        verify: true,
        ..Default::default()
    }
}

fn heap(kind: CollectorKind, initial: usize, poison: bool) -> Heap {
    Heap::new(config(kind, initial, poison))
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

/// Allocates a reference array of `len` null elements (in the large-object space if big).
fn alloc_array(heap: &mut Heap, roots: &mut VecRoots, rtt: *const Rtt, len: u32) -> usize {
    let size = array_size(8, len).unwrap() as usize;
    let p = heap.alloc_slow(size, roots).expect("heap has room");
    // SAFETY: a fresh object of `size` bytes; elements are written null.
    unsafe {
        *(p as *mut usize) = rtt as usize;
        *((p + ARRAY_LENGTH_OFFSET as usize) as *mut u32) = len;
        for i in 0..len as usize {
            *((p + ARRAY_DATA_OFFSET as usize + 8 * i) as *mut usize) = 0;
        }
    }
    p
}

fn value(p: usize) -> i64 {
    // SAFETY: `p` is a live cons cell.
    unsafe { *((p + 8) as *const i64) }
}

fn next(p: usize) -> usize {
    // SAFETY: `p` is a live cons cell.
    unsafe { *((p + 16) as *const usize) }
}

/// Allocates cells with values `0..n`, each pointing at the one before, as root 0.
fn alloc_list(heap: &mut Heap, roots: &mut VecRoots, rtt: *const Rtt, n: i64) {
    for i in 0..n {
        roots.0[0] = alloc_cons(heap, roots, rtt, i, 0);
    }
}

/// Asserts that `head` is the list [`alloc_list`] made of `n` cells, ending in null.
fn assert_list(head: usize, n: i64) {
    let mut p = head;
    for i in (0..n).rev() {
        assert_eq!(value(p), i);
        p = next(p);
    }
    assert_eq!(p, 0);
}

fn set_next(p: usize, to: usize) {
    // SAFETY: `p` is a live cons cell.
    unsafe { *((p + 16) as *mut usize) = to };
}

fn elem(a: usize, i: usize) -> *mut usize {
    (a + ARRAY_DATA_OFFSET as usize + 8 * i) as *mut usize
}

fn i31(v: u32) -> usize {
    ((v as usize) << 1) | I31_TAG as usize
}

#[test]
fn a_long_list_survives_collections() {
    for kind in KINDS {
        let rtt = cons_rtt();
        let mut heap = heap(kind, 1 << 16, false);
        let mut roots = VecRoots(vec![0]);
        let n = 200_000;
        for i in 0..n {
            let p = alloc_cons(&mut heap, &mut roots, rtt, i, 0);
            roots.0[0] = p;
        }
        heap.collect(Collection::Major, &mut roots);
        assert!(heap.stats().collections() > 1);
        let mut p = roots.0[0];
        let mut expect = n - 1;
        while p != 0 {
            assert_eq!(value(p), expect);
            p = next(p);
            expect -= 1;
        }
        assert_eq!(expect, -1);
        heap.verify(&mut roots, "test");
    }
}

#[test]
fn exhaustion_is_reported() {
    for kind in KINDS {
        let rtt = cons_rtt();
        let config = GcConfig {
            kind,
            initial: 4096,
            max: 1 << 16,
            nursery: 256 << 10,
            ..Default::default()
        };
        let mut heap = Heap::new(config);
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

#[test]
fn cycles_are_copied_once_and_stay_closed() {
    for kind in KINDS {
        let rtt = cons_rtt();
        let mut heap = heap(kind, 1 << 16, true);
        // roots: [a, s]; a -> b -> a (a two-cycle), s -> s (a self-cycle).
        let mut roots = VecRoots(vec![0, 0]);
        let a = alloc_cons(&mut heap, &mut roots, rtt, 1, 0);
        roots.0[0] = a;
        let b = alloc_cons(&mut heap, &mut roots, rtt, 2, 0);
        set_next(a, b);
        let s = alloc_cons(&mut heap, &mut roots, rtt, 3, 1);
        set_next(s, s);
        roots.0[1] = s;
        for round in 0..3 {
            heap.collect(Collection::Major, &mut roots);
            let (a, s) = (roots.0[0], roots.0[1]);
            let b = next(a);
            assert_eq!((value(a), value(b), value(s)), (1, 2, 3), "round {round}");
            assert_eq!(next(b), a, "the cycle closes on the copy of `a`");
            assert_eq!(next(s), s, "the self-cycle points at its own copy");
            assert!(heap.check(&mut roots, "test").is_ok());
        }
        // Each collection copied exactly the three cells.
        assert_eq!(heap.stats().bytes_copied, 3 * 3 * 24);
    }
}

#[test]
fn shared_referents_stay_shared() {
    for kind in KINDS {
        let rtt = cons_rtt();
        let arr = ref_array_rtt();
        let mut heap = heap(kind, 1 << 16, false);
        // roots: [shared, x, y, array]; x.next, y.next, array[0], array[1] all refer to shared.
        let mut roots = VecRoots(vec![0; 4]);
        roots.0[0] = alloc_cons(&mut heap, &mut roots, rtt, 7, 1);
        roots.0[1] = alloc_cons(&mut heap, &mut roots, rtt, 8, 0);
        roots.0[2] = alloc_cons(&mut heap, &mut roots, rtt, 9, 0);
        roots.0[3] = alloc_array(&mut heap, &mut roots, arr, 2);
        // SAFETY: a live two-element array.
        unsafe { (*elem(roots.0[3], 0), *elem(roots.0[3], 1)) = (roots.0[0], roots.0[0]) };
        let old = roots.0[0];
        heap.collect(Collection::Major, &mut roots);
        let shared = roots.0[0];
        assert_ne!(shared, old, "the object moved");
        assert_eq!(value(shared), 7);
        assert_eq!(next(roots.0[1]), shared);
        assert_eq!(next(roots.0[2]), shared);
        // SAFETY: the array is live.
        unsafe { assert_eq!((*elem(roots.0[3], 0), *elem(roots.0[3], 1)), (shared, shared)) };
        // One copy of each object: three cells and the array (16 + 2 * 8 bytes).
        assert_eq!(heap.stats().bytes_copied, 3 * 24 + 32);
        assert!(heap.check(&mut roots, "test").is_ok());
    }
}

#[test]
fn arrays_of_references_are_traced_null_and_i31_untouched() {
    for kind in KINDS {
        let rtt = cons_rtt();
        let arr = ref_array_rtt();
        let mut heap = heap(kind, 1 << 16, true);
        // roots: [array, null, i31]; the array holds cells, nulls and i31s in turn.
        let mut roots = VecRoots(vec![0, 0, i31(0x7fff_ffff)]);
        let n = 300;
        roots.0[0] = alloc_array(&mut heap, &mut roots, arr, n);
        for i in 0..n as usize {
            let v = match i % 3 {
                0 => alloc_cons(&mut heap, &mut roots, rtt, i as i64, 1),
                1 => 0,
                _ => i31(i as u32),
            };
            // SAFETY: the array is live (reloaded from its root after each allocation).
            unsafe { *elem(roots.0[0], i) = v };
            // The write barrier's slow path (a no-op for a young or semispace array).
            // SAFETY: a reference field of a live object.
            unsafe { heap.remember(elem(roots.0[0], i)) };
        }
        for kind in [Collection::Minor, Collection::Major] {
            heap.collect(kind, &mut roots);
        }
        assert_eq!(roots.0[1], 0, "a null root stays null");
        assert_eq!(roots.0[2], i31(0x7fff_ffff), "an i31 root is not a reference");
        for i in 0..n as usize {
            // SAFETY: the array is live.
            let v = unsafe { *elem(roots.0[0], i) };
            match i % 3 {
                0 => {
                    assert!(heap.contains(v));
                    assert_eq!(value(v), i as i64);
                    assert_eq!(next(v), 0);
                }
                1 => assert_eq!(v, 0),
                _ => assert_eq!(v, i31(i as u32)),
            }
        }
        assert!(heap.check(&mut roots, "test").is_ok());
    }
}

#[test]
fn large_objects_are_swept_poisoned_and_their_fields_updated() {
    for kind in KINDS {
        let rtt = cons_rtt();
        let arr = ref_array_rtt();
        let mut heap = heap(kind, 1 << 16, true);
        let len = LARGE_OBJECT_THRESHOLD / 8 + 1;
        let size = array_size(8, len).unwrap() as usize;
        // roots: [kept large array, dropped large array, cell].
        let mut roots = VecRoots(vec![0; 3]);
        roots.0[0] = alloc_array(&mut heap, &mut roots, arr, len);
        roots.0[1] = alloc_array(&mut heap, &mut roots, arr, len);
        roots.0[2] = alloc_cons(&mut heap, &mut roots, rtt, 5, 2);
        // SAFETY: both arrays are live.
        unsafe {
            *elem(roots.0[0], len as usize - 1) = roots.0[2];
            *elem(roots.0[1], 0) = roots.0[2];
        }
        // The write barrier (the first array may have become old when the second one's
        // allocation collected).
        // SAFETY: a reference field of a live object.
        unsafe { heap.remember(elem(roots.0[0], len as usize - 1)) };
        // SAFETY: a reference field of a live object.
        unsafe { heap.remember(elem(roots.0[1], 0)) };
        let (kept, dropped) = (roots.0[0], roots.0[1]);
        assert!(heap.contains(kept) && heap.contains(dropped));
        roots.0[1] = 0;
        roots.0[2] = 0;
        heap.collect(Collection::Major, &mut roots);
        assert_eq!(roots.0[0], kept, "large objects do not move");
        assert!(heap.contains(kept) && !heap.contains(dropped));
        // SAFETY: the kept array is live.
        let cell = unsafe { *elem(kept, len as usize - 1) };
        assert_eq!(value(cell), 5, "a large object's fields are traced and updated");
        // The dropped array is poisoned and quarantined until the next collection.
        // SAFETY: quarantined memory stays allocated until the next sweep.
        let bytes = unsafe { core::slice::from_raw_parts(dropped as *const u8, size) };
        assert!(bytes.iter().all(|b| *b == POISON), "a freed large object is poisoned");
        // A stale reference to it is reported.
        roots.0[1] = dropped;
        let e = heap.check(&mut roots, "test").unwrap_err();
        assert!(e.what.contains("freed large object"), "{e}");
        roots.0[1] = 0;
        heap.collect(Collection::Major, &mut roots);
        // The next sweep returned the quarantine: the address is no longer known at all.
        roots.0[1] = dropped;
        let e = heap.check(&mut roots, "test").unwrap_err();
        assert!(e.what.contains("outside the heap"), "{e}");
    }
}

#[test]
fn large_objects_are_freed_at_once_without_poison() {
    for kind in KINDS {
        let arr = ref_array_rtt();
        let mut heap = heap(kind, 1 << 16, false);
        let mut roots = VecRoots(vec![0]);
        let a = alloc_array(&mut heap, &mut roots, arr, LARGE_OBJECT_THRESHOLD / 8 + 1);
        heap.collect(Collection::Major, &mut roots);
        assert!(!heap.contains(a));
        roots.0[0] = a;
        assert!(heap.check(&mut roots, "test").unwrap_err().what.contains("outside the heap"));
    }
}

/// A heap with roots `[a, b]`, `a.next == b`, after one collection (so the other
/// semispace holds the stale copies).
fn two_cells() -> (Heap, VecRoots, usize) {
    let rtt = cons_rtt();
    let mut heap = heap(CollectorKind::Semispace, 1 << 16, false);
    let mut roots = VecRoots(vec![0, 0]);
    roots.0[1] = alloc_cons(&mut heap, &mut roots, rtt, 2, 0);
    roots.0[0] = alloc_cons(&mut heap, &mut roots, rtt, 1, 1);
    let stale = roots.0[0];
    heap.collect(Collection::Major, &mut roots);
    assert!(heap.check(&mut roots, "test").is_ok());
    (heap, roots, stale)
}

#[test]
fn verify_reports_a_field_into_the_middle_of_an_object() {
    let (mut heap, mut roots, _) = two_cells();
    set_next(roots.0[0], roots.0[1] + 8);
    let e = heap.check(&mut roots, "test").unwrap_err();
    assert!(e.what.contains("middle of an object"), "{e}");
    assert!(e.what.contains(&format!("a field of object {:#x}", roots.0[0])), "{e}");
}

#[test]
fn verify_reports_a_reference_to_freed_memory() {
    let (mut heap, mut roots, stale) = two_cells();
    // A root the collection did not update: the object's old address in from-space.
    roots.0[1] = stale;
    let e = heap.check(&mut roots, "test").unwrap_err();
    assert!(e.what.contains("other semispace"), "{e}");
}

#[test]
fn verify_reports_a_reference_past_the_allocation_pointer() {
    let (mut heap, mut roots, _) = two_cells();
    set_next(roots.0[0], heap.bump() + 64);
    let e = heap.check(&mut roots, "test").unwrap_err();
    assert!(e.what.contains("past the allocation pointer"), "{e}");
}

#[test]
fn verify_reports_a_bad_rtt() {
    let (mut heap, mut roots, _) = two_cells();
    let b = roots.0[1];
    // SAFETY: `b` is a live cell; its header is overwritten with a non-RTT word.
    unsafe { *(b as *mut usize) = 0x1000 };
    let e = heap.check(&mut roots, "test").unwrap_err();
    assert!(e.what.contains(&format!("object {b:#x}")) && e.what.contains("bad header"), "{e}");
    // A known RTT of a function type is not an object's RTT either.
    let func = new_rtt(RttKind::Func, 9002, true, &[]);
    // SAFETY: as above.
    unsafe { *(b as *mut usize) = func as usize };
    assert!(heap.check(&mut roots, "test").unwrap_err().what.contains("bad header"));
}

#[test]
fn verify_reports_a_misaligned_reference() {
    let (mut heap, mut roots, _) = two_cells();
    roots.0[1] += 2;
    let e = heap.check(&mut roots, "test").unwrap_err();
    assert!(e.what.contains("misaligned"), "{e}");
}

/// Roots plus the addresses the embedder vouches for as host values.
struct HostRoots(VecRoots, Vec<usize>);
impl Roots for HostRoots {
    fn visit_roots(&mut self, visit: &mut dyn FnMut(*mut usize)) {
        self.0.visit_roots(visit);
    }
    fn is_host_value(&self, p: usize) -> bool {
        self.1.contains(&p)
    }
}

/// A reference outside the heap is reported without being read (0x1000 is unmapped: a
/// read would fault), unless the embedder vouches for it as a host value.
#[test]
fn verify_reports_a_wild_pointer_without_reading_it() {
    let (mut heap, roots, _) = two_cells();
    let mut roots = HostRoots(roots, vec![]);
    set_next(roots.0.0[1], 0x1000);
    let e = heap.check(&mut roots, "test").unwrap_err();
    assert!(e.what.contains("0x1000, which points outside the heap"), "{e}");
    roots.1.push(0x1000);
    assert!(heap.check(&mut roots, "test").is_ok());
}

/// A corrupt array length in the heap walk is reported, not a panic.
#[test]
fn verify_reports_an_impossible_array_length() {
    let mut heap = heap(CollectorKind::Semispace, 1 << 16, false);
    let size = array_size(8, 2).unwrap() as usize;
    let mut roots = VecRoots(vec![0]);
    let a = heap.alloc_slow(size, &mut roots).expect("heap has room");
    // SAFETY: a fresh array of two elements: header, length, zeroed elements.
    unsafe {
        *(a as *mut usize) = ref_array_rtt() as usize;
        *((a + ARRAY_LENGTH_OFFSET as usize) as *mut u32) = 2;
    }
    roots.0[0] = a;
    assert!(heap.check(&mut roots, "test").is_ok());
    // SAFETY: as above; the length word is overwritten.
    unsafe { *((a + ARRAY_LENGTH_OFFSET as usize) as *mut u32) = u32::MAX };
    let e = heap.check(&mut roots, "test").unwrap_err();
    assert!(e.what.contains("impossible length") || e.what.contains("overruns"), "{e}");
}

#[test]
#[should_panic(expected = "GC verify (before): a root holds")]
fn verify_panics_in_collect_when_asked_to() {
    let (mut heap, mut roots, stale) = two_cells();
    assert!(heap.config().verify);
    roots.0[1] = stale;
    heap.collect(Collection::Major, &mut roots);
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
    for i in 0..32 {
        let kind = KINDS[i % 2];
        let config = GcConfig { kind, initial: 1 << 16, max: 16 << 20, ..Default::default() };
        let mut heap = Heap::new(config);
        let mut roots = VecRoots(vec![0]);
        let p = heap.alloc_slow(OBJECT, &mut roots).expect("room for one large object");
        // SAFETY: a fresh object of OBJECT bytes.
        unsafe { *(p as *mut usize) = rtt as usize };
        roots.0[0] = p;
        assert!(heap.stats().large_objects > 0, "{OBJECT} bytes is a large object");
    }
    let grown = malloc_bytes().saturating_sub(before);
    assert!(grown < 4 * OBJECT, "{grown} bytes still allocated after 32 heaps died");
}

// ---------------------------------------------------------------------------------------
// The generational collector.

fn generational(poison: bool) -> Heap {
    heap(CollectorKind::Generational, 1 << 20, poison)
}

#[test]
fn the_nursery_lies_above_4_gib_and_holds_the_window() {
    let heap = generational(false);
    assert!(heap.young.start >= MIN_NURSERY_ADDRESS);
    assert_eq!(heap.young.size, 3 * (256 << 10), "eden and two survivor semispaces");
    assert!(heap.is_young(heap.area.bump) && heap.area.limit == heap.young.start + (256 << 10));
    let semi = heap_of(CollectorKind::Semispace);
    assert_eq!((semi.young.start, semi.young.size), (0, 0), "no young generation");
}

fn heap_of(kind: CollectorKind) -> Heap {
    heap(kind, 1 << 20, false)
}

/// Without aging (`WASMC_GC_AGING=0`) one minor collection promotes every survivor.
#[test]
fn a_minor_collection_promotes_survivors_and_empties_the_nursery() {
    let rtt = cons_rtt();
    let mut heap =
        Heap::new(GcConfig { aging: false, ..config(CollectorKind::Generational, 1 << 20, true) });
    let mut roots = VecRoots(vec![0]);
    alloc_list(&mut heap, &mut roots, rtt, 10);
    assert!(heap.is_young(roots.0[0]));
    let stale = roots.0[0];
    heap.collect(Collection::Minor, &mut roots);
    assert_eq!((heap.stats().minor, heap.stats().major), (1, 0));
    assert_eq!(heap.stats().bytes_promoted, 10 * 24);
    assert!(
        !heap.is_young(roots.0[0]) && heap.contains(roots.0[0]),
        "promoted to the old generation"
    );
    let half = 256 << 10;
    assert_eq!(heap.young.size, 2 * half, "poisoning reserves two halves");
    assert_eq!(heap.area.bump, heap.young.start + half, "allocation moved to the other half");
    // The evacuated half is poisoned and protected: a stale reference is reported.
    let mut stale_roots = VecRoots(vec![stale]);
    let e = heap.check(&mut stale_roots, "test").unwrap_err();
    assert!(e.what.contains("freed memory"), "{e}");
    assert_list(roots.0[0], 10);
}

/// With aging, the first minor collection copies survivors into a survivor semispace (they
/// stay young), the second promotes them; stale references into either evacuated space are
/// caught under poisoning.
#[test]
fn survivors_age_once_then_are_promoted() {
    let rtt = cons_rtt();
    let mut heap = generational(true);
    let mut roots = VecRoots(vec![0]);
    alloc_list(&mut heap, &mut roots, rtt, 10);
    let in_eden = roots.0[0];
    heap.collect(Collection::Minor, &mut roots);
    assert_eq!((heap.stats().bytes_aged, heap.stats().bytes_promoted), (10 * 24, 0));
    assert!(heap.is_young(roots.0[0]) && roots.0[0] != in_eden, "aged in a survivor space");
    let in_survivor = roots.0[0];
    let half = 256 << 10;
    assert_eq!(heap.young.size, 4 * half, "two eden halves under poisoning, two survivor spaces");
    let e = heap.check(&mut VecRoots(vec![in_eden]), "test").unwrap_err();
    assert!(e.what.contains("freed memory"), "{e}");
    heap.collect(Collection::Minor, &mut roots);
    assert_eq!((heap.stats().bytes_aged, heap.stats().bytes_promoted), (10 * 24, 10 * 24));
    assert!(!heap.is_young(roots.0[0]) && heap.contains(roots.0[0]), "promoted");
    let e = heap.check(&mut VecRoots(vec![in_survivor]), "test").unwrap_err();
    assert!(e.what.contains("freed memory"), "{e}");
    assert_list(roots.0[0], 10);
}

/// Two minor collections: what survives both is old.
fn promote(heap: &mut Heap, roots: &mut VecRoots) {
    heap.collect(Collection::Minor, roots);
    heap.collect(Collection::Minor, roots);
}

/// Makes an old cell (promoted by minor collections) in root 0 and a young one in root 1.
fn old_and_young(heap: &mut Heap, roots: &mut VecRoots) {
    let rtt = cons_rtt();
    roots.0[0] = alloc_cons(heap, roots, rtt, 1, 2);
    promote(heap, roots);
    roots.0[1] = alloc_cons(heap, roots, rtt, 2, 2);
    assert!(!heap.is_young(roots.0[0]) && heap.is_young(roots.0[1]));
}

#[test]
fn remembered_slots_keep_young_objects_alive_and_are_updated() {
    let mut heap = generational(true);
    let mut roots = VecRoots(vec![0, 0, 0]);
    old_and_young(&mut heap, &mut roots);
    let (old, young) = (roots.0[0], roots.0[1]);
    set_next(old, young);
    // SAFETY: a reference field of a live object.
    unsafe { heap.remember((old + 16) as *mut usize) };
    assert!(heap.check(&mut roots, "test").is_ok());
    roots.0[1] = 0; // only the old object refers to the young one now
    heap.collect(Collection::Minor, &mut roots);
    // Aged, still young: the evacuation logged the old slot as the next remembered set
    // (the verifier checks that invariant).
    let aged = next(old);
    assert!(aged != young && heap.is_young(aged) && value(aged) == 2);
    assert!(heap.check(&mut roots, "test").is_ok());
    heap.collect(Collection::Minor, &mut roots);
    let moved = next(old);
    assert!(moved != aged && !heap.is_young(moved) && value(moved) == 2);
    assert!(heap.check(&mut roots, "test").is_ok());
}

#[test]
fn the_verifier_reports_a_missing_barrier() {
    let mut heap = generational(false);
    let mut roots = VecRoots(vec![0, 0, 0]);
    old_and_young(&mut heap, &mut roots);
    let (old, young) = (roots.0[0], roots.0[1]);
    set_next(old, young); // no `remember`: a missing write barrier
    let e = heap.check(&mut roots, "test").unwrap_err();
    assert!(e.what.contains("not in the remembered set"), "{e}");
    assert!(e.what.contains(&format!("{old:#x}")), "{e}");
}

#[test]
fn drop_barrier_forgets_exactly_the_nth_slot() {
    let mut c = config(CollectorKind::Generational, 1 << 20, false);
    c.drop_barrier = Some(2);
    let mut heap = Heap::new(c);
    let arr = ref_array_rtt();
    let rtt = cons_rtt();
    let mut roots = VecRoots(vec![0, 0]);
    roots.0[0] = alloc_array(&mut heap, &mut roots, arr, 3);
    promote(&mut heap, &mut roots);
    roots.0[1] = alloc_cons(&mut heap, &mut roots, rtt, 7, 1);
    for i in 0..3 {
        // SAFETY: the array is live with three elements.
        unsafe { *elem(roots.0[0], i) = roots.0[1] };
        // SAFETY: a reference field of a live object.
        unsafe { heap.remember(elem(roots.0[0], i)) };
    }
    let e = heap.check(&mut roots, "test").unwrap_err();
    assert!(e.what.contains(&format!("field {:#x}", elem(roots.0[0], 1) as usize)), "{e}");
}

#[test]
fn stores_of_old_or_non_references_are_not_remembered() {
    let mut heap = generational(false);
    let mut roots = VecRoots(vec![0, 0, 0]);
    old_and_young(&mut heap, &mut roots);
    let old = roots.0[0];
    // An old value, an i31 and null: the slow path filters them out (as compiled code
    // does inline), so the next minor collection has nothing to update.
    for v in [old, i31(5), 0] {
        set_next(old, v);
        // SAFETY: a reference field of a live object.
        unsafe { heap.remember((old + 16) as *mut usize) };
        assert!(heap.check(&mut roots, "test").is_ok());
    }
}

#[test]
fn large_and_no_collect_objects_are_scanned_by_the_next_minor_collection() {
    let rtt = cons_rtt();
    let arr = ref_array_rtt();
    let mut heap = generational(true);
    let mut roots = VecRoots(vec![0, 0]);
    let len = LARGE_OBJECT_THRESHOLD / 8 + 1;
    roots.0[0] = alloc_array(&mut heap, &mut roots, arr, len);
    roots.0[1] = alloc_cons(&mut heap, &mut roots, rtt, 3, 1);
    // An initializing store into the fresh large array, without a barrier.
    // SAFETY: the array is live.
    unsafe { *elem(roots.0[0], 5) = roots.0[1] };
    roots.0[1] = 0;
    assert!(heap.check(&mut roots, "test").is_ok());
    heap.collect(Collection::Minor, &mut roots);
    // SAFETY: the array is live.
    let cell = unsafe { *elem(roots.0[0], 5) };
    assert!(heap.is_young(cell) && value(cell) == 3, "aged");
    heap.collect(Collection::Minor, &mut roots);
    // SAFETY: the array is live.
    let cell = unsafe { *elem(roots.0[0], 5) };
    assert!(!heap.is_young(cell) && value(cell) == 3, "promoted through the logged slot");

    // Fill the nursery, then allocate without collecting: the object lands in the old
    // generation and is scanned whole too.
    let young = alloc_cons(&mut heap, &mut roots, rtt, 4, 1);
    roots.0[1] = young;
    while heap.area.bump + 24 <= heap.area.limit {
        alloc_cons(&mut heap, &mut roots, rtt, 0, 1);
    }
    assert_eq!(roots.0[1], young, "no collection while filling");
    let p = heap.alloc_no_collect(24).expect("room in the old generation");
    assert!(!heap.is_young(p) && heap.contains(p));
    // SAFETY: a fresh 24-byte object.
    unsafe {
        *(p as *mut usize) = rtt as usize;
        *((p + 8) as *mut i64) = 9;
        *((p + 16) as *mut usize) = young;
    }
    roots.0 = vec![p];
    promote(&mut heap, &mut roots);
    assert_eq!(value(next(roots.0[0])), 4);
    assert!(!heap.is_young(next(roots.0[0])));
}

#[test]
fn a_full_store_buffer_requests_a_minor_collection() {
    let arr = ref_array_rtt();
    let rtt = cons_rtt();
    let mut heap = generational(false);
    let mut roots = VecRoots(vec![0, 0]);
    let n = 5000; // more than the 4096 entries of a 256 KiB nursery's buffer
    roots.0[0] = alloc_array(&mut heap, &mut roots, arr, n);
    promote(&mut heap, &mut roots);
    roots.0[1] = alloc_cons(&mut heap, &mut roots, rtt, 1, 1);
    for i in 0..n as usize {
        // SAFETY: the array is live.
        unsafe { *elem(roots.0[0], i) = roots.0[1] };
    }
    // SAFETY: the array's live elements.
    unsafe { heap.remember_range(elem(roots.0[0], 0), n as usize) };
    assert_eq!(heap.area.limit, heap.area.bump, "the window is closed");
    let minors = heap.stats().minor;
    alloc_cons(&mut heap, &mut roots, rtt, 2, 1);
    assert_eq!(heap.stats().minor, minors + 1);
    // The cell was aged, so all its slots were logged again: still full, the window stays
    // closed until the next minor collection promotes it.
    // SAFETY: the array is live.
    let cell = unsafe { *elem(roots.0[0], n as usize - 1) };
    assert!(heap.is_young(cell) && value(cell) == 1, "aged");
    assert_eq!(heap.area.limit, heap.area.bump, "still closed");
    alloc_cons(&mut heap, &mut roots, rtt, 3, 1);
    assert_eq!(heap.stats().minor, minors + 2);
    assert!(heap.area.limit > heap.area.bump, "the window is open again");
    // SAFETY: the array is live.
    let cell = unsafe { *elem(roots.0[0], n as usize - 1) };
    assert!(!heap.is_young(cell) && value(cell) == 1, "promoted");
}

#[test]
fn the_old_generation_budget_follows_the_live_bytes() {
    let rtt = cons_rtt();
    let mut c = config(CollectorKind::Generational, 1 << 20, false);
    c.max = 8 << 20;
    c.verify = false;
    let mut heap = Heap::new(c);
    let mut roots = VecRoots(vec![0]);
    // A list that stays live: 2 MiB of cells, then garbage.
    for i in 0..(2 << 20) / 24 {
        roots.0[0] = alloc_cons(&mut heap, &mut roots, rtt, i, 0);
    }
    for i in 0..(16 << 20) / 24 {
        alloc_cons(&mut heap, &mut roots, rtt, i, 0);
    }
    assert!(heap.stats().major >= 1, "the old generation outgrew its initial 1 MiB budget");
    assert!(heap.stats().minor > heap.stats().major);
    let report = heap.stats_report();
    let budget: usize =
        report.split("heap ").nth(1).unwrap().split(' ').next().unwrap().parse().unwrap();
    let last_live = heap.stats().bytes_copied as usize; // one major: what it copied
    assert!(heap.stats().major > 1 || budget == 2 * last_live, "{report}");
    assert!((2 << 20..=8 << 20).contains(&budget), "2 x the live bytes, within max: {report}");
}

#[test]
fn stress_collects_at_every_allocation_with_periodic_majors() {
    let rtt = cons_rtt();
    let mut c = config(CollectorKind::Generational, 1 << 20, true);
    c.stress = Some(1);
    c.stress_major = Some(4);
    let mut heap = Heap::new(c);
    let mut roots = VecRoots(vec![0]);
    for i in 0..40 {
        roots.0[0] = alloc_cons(&mut heap, &mut roots, rtt, i, 0);
        assert_eq!(heap.area.limit, heap.area.bump, "no inline window under stress");
    }
    assert_eq!((heap.stats().minor, heap.stats().major), (30, 10));
    assert_list(roots.0[0], 40);
}

/// Under stress with verification most collections run the cheap check of what is new,
/// which does not walk old objects checked before; a missing barrier on such an object is
/// found by the next full check, which comes once as many bytes were allocated as the heap
/// held at the last one (here: the dangling field into the evacuated nursery).
#[test]
#[should_panic(expected = "GC verify")]
fn amortised_verification_still_catches_a_missing_barrier() {
    let rtt = cons_rtt();
    let mut c = config(CollectorKind::Generational, 1 << 20, false);
    c.stress = Some(1);
    c.stress_major = Some(u32::MAX);
    let mut heap = Heap::new(c);
    let mut roots = VecRoots(vec![0, 0, 0]);
    alloc_list(&mut heap, &mut roots, rtt, 4096);
    let old = alloc_cons(&mut heap, &mut roots, rtt, 1, 2);
    roots.0[1] = old;
    alloc_cons(&mut heap, &mut roots, rtt, 0, 2); // promotes `old`
    let young = alloc_cons(&mut heap, &mut roots, rtt, 2, 2);
    set_next(roots.0[1], young); // no barrier
    for _ in 0..2 * 4096 {
        alloc_cons(&mut heap, &mut roots, rtt, 0, 2);
    }
}

/// By default a stress collection is major once the bytes allocated since the last major
/// reach the bytes it left live (at least 64 KiB), so majors stay in proportion to the
/// allocations.
#[test]
fn default_stress_majors_follow_the_bytes_allocated() {
    let rtt = cons_rtt();
    let mut c = config(CollectorKind::Generational, 1 << 20, false);
    c.stress = Some(1);
    c.verify = false;
    let mut heap = Heap::new(c);
    let mut roots = VecRoots(vec![0]);
    let cells = (1 << 20) / 24; // 1 MiB of garbage: about 16 windows of 64 KiB
    for i in 0..cells {
        alloc_cons(&mut heap, &mut roots, rtt, i as i64, 0);
    }
    let (minor, major) = (heap.stats().minor, heap.stats().major);
    assert_eq!(minor + major, cells as u64, "a collection at every allocation");
    assert!((14..=17).contains(&major), "{major} majors for 1 MiB allocated");
}

/// After a minor collection in which nearly everything survived, the next one promotes its
/// survivors at once (fast promotion) instead of aging them.
#[test]
fn high_survival_switches_to_fast_promotion() {
    let rtt = cons_rtt();
    let mut heap = generational(false);
    let mut roots = VecRoots(vec![0]);
    // 72 KB live: over a quarter of the 256 KiB eden.
    alloc_list(&mut heap, &mut roots, rtt, 3000);
    heap.collect(Collection::Minor, &mut roots);
    assert_eq!((heap.stats().bytes_aged, heap.stats().bytes_promoted), (72_000, 0), "all aged");
    let aged_list = roots.0[0];
    roots.0[0] = alloc_cons(&mut heap, &mut roots, rtt, 3000, 0);
    heap.collect(Collection::Minor, &mut roots);
    assert_eq!(heap.stats().bytes_aged, 72_000, "nothing aged the second time");
    assert_eq!(heap.stats().bytes_promoted, 72_024, "the new cell and the aged list promoted");
    assert!(!heap.is_young(roots.0[0]) && next(roots.0[0]) != aged_list);
    assert_list(roots.0[0], 3001);
}
