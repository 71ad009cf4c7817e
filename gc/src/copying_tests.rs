//! Unit tests of the copying collector against a mock VM: roots are a vector of slots,
//! objects are written by hand with the layouts of `crate::layout`.

use super::*;
use crate::layout::{
    ARRAY_DATA_OFFSET, FieldRepr, I31_TAG, RttKind, array_layout, array_size, new_rtt, set_layout,
    struct_layout,
};

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

fn heap(area: &mut AllocArea, initial: usize, poison: bool) -> Heap {
    let config = GcConfig { initial, max: 64 << 20, poison, verify: true, ..Default::default() };
    Heap::new(config, area).expect("reserve the test heap")
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
    let rtt = cons_rtt();
    let mut area = Box::new(AllocArea::default());
    let mut heap = heap(&mut area, 1 << 16, false);
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
        assert_eq!(value(p), expect);
        p = next(p);
        expect -= 1;
    }
    assert_eq!(expect, -1);
    heap.verify(&mut roots, "test");
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

#[test]
fn cycles_are_copied_once_and_stay_closed() {
    let rtt = cons_rtt();
    let mut area = Box::new(AllocArea::default());
    let mut heap = heap(&mut area, 1 << 16, true);
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
        heap.collect(&mut roots);
        let (a, s) = (roots.0[0], roots.0[1]);
        let b = next(a);
        assert_eq!((value(a), value(b), value(s)), (1, 2, 3), "round {round}");
        assert_eq!(next(b), a, "the cycle closes on the copy of `a`");
        assert_eq!(next(s), s, "the self-cycle points at its own copy");
        assert!(heap.check(&mut roots, "test").is_ok());
    }
    // Each collection copied exactly the three cells.
    assert_eq!(heap.stats.bytes_copied, 3 * 3 * 24);
}

#[test]
fn shared_referents_stay_shared() {
    let rtt = cons_rtt();
    let arr = ref_array_rtt();
    let mut area = Box::new(AllocArea::default());
    let mut heap = heap(&mut area, 1 << 16, false);
    // roots: [shared, x, y, array]; x.next, y.next, array[0], array[1] all refer to shared.
    let mut roots = VecRoots(vec![0; 4]);
    roots.0[0] = alloc_cons(&mut heap, &mut roots, rtt, 7, 1);
    roots.0[1] = alloc_cons(&mut heap, &mut roots, rtt, 8, 0);
    roots.0[2] = alloc_cons(&mut heap, &mut roots, rtt, 9, 0);
    roots.0[3] = alloc_array(&mut heap, &mut roots, arr, 2);
    // SAFETY: a live two-element array.
    unsafe { (*elem(roots.0[3], 0), *elem(roots.0[3], 1)) = (roots.0[0], roots.0[0]) };
    let old = roots.0[0];
    heap.collect(&mut roots);
    let shared = roots.0[0];
    assert_ne!(shared, old, "the object moved");
    assert_eq!(value(shared), 7);
    assert_eq!(next(roots.0[1]), shared);
    assert_eq!(next(roots.0[2]), shared);
    // SAFETY: the array is live.
    unsafe { assert_eq!((*elem(roots.0[3], 0), *elem(roots.0[3], 1)), (shared, shared)) };
    // One copy of each object: three cells and the array (16 + 2 * 8 bytes).
    assert_eq!(heap.stats.bytes_copied, 3 * 24 + 32);
    assert!(heap.check(&mut roots, "test").is_ok());
}

#[test]
fn arrays_of_references_are_traced_null_and_i31_untouched() {
    let rtt = cons_rtt();
    let arr = ref_array_rtt();
    let mut area = Box::new(AllocArea::default());
    let mut heap = heap(&mut area, 1 << 16, true);
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
    }
    for _ in 0..2 {
        heap.collect(&mut roots);
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

#[test]
fn large_objects_are_swept_poisoned_and_their_fields_updated() {
    let rtt = cons_rtt();
    let arr = ref_array_rtt();
    let mut area = Box::new(AllocArea::default());
    let mut heap = heap(&mut area, 1 << 16, true);
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
    let (kept, dropped) = (roots.0[0], roots.0[1]);
    assert_eq!(heap.large.len(), 2);
    roots.0[1] = 0;
    roots.0[2] = 0;
    heap.collect(&mut roots);
    assert_eq!(roots.0[0], kept, "large objects do not move");
    assert_eq!(heap.large.keys().copied().collect::<Vec<_>>(), vec![kept]);
    // SAFETY: the kept array is live.
    let cell = unsafe { *elem(kept, len as usize - 1) };
    assert_eq!(value(cell), 5, "a large object's fields are traced and updated");
    // The dropped array is poisoned and quarantined until the next collection.
    assert_eq!(heap.freed_large, vec![(dropped, size)]);
    // SAFETY: quarantined memory stays allocated until the next sweep.
    let bytes = unsafe { core::slice::from_raw_parts(dropped as *const u8, size) };
    assert!(bytes.iter().all(|b| *b == POISON), "a freed large object is poisoned");
    // A stale reference to it is reported.
    roots.0[1] = dropped;
    let e = heap.check(&mut roots, "test").unwrap_err();
    assert!(e.what.contains("freed large object"), "{e}");
    roots.0[1] = 0;
    heap.collect(&mut roots);
    assert!(heap.freed_large.is_empty(), "the next sweep returns the quarantine");
    assert_eq!(heap.large.len(), 1);
}

#[test]
fn large_objects_are_freed_at_once_without_poison() {
    let arr = ref_array_rtt();
    let mut area = Box::new(AllocArea::default());
    let mut heap = heap(&mut area, 1 << 16, false);
    let mut roots = VecRoots(vec![0]);
    alloc_array(&mut heap, &mut roots, arr, LARGE_OBJECT_THRESHOLD / 8 + 1);
    heap.collect(&mut roots);
    assert!(heap.large.is_empty() && heap.freed_large.is_empty());
}

/// A heap with roots `[a, b]`, `a.next == b`, after one collection (so the other
/// semispace holds the stale copies).
fn two_cells(area: &mut AllocArea) -> (Heap, VecRoots, usize) {
    let rtt = cons_rtt();
    let mut heap = heap(area, 1 << 16, false);
    let mut roots = VecRoots(vec![0, 0]);
    roots.0[1] = alloc_cons(&mut heap, &mut roots, rtt, 2, 0);
    roots.0[0] = alloc_cons(&mut heap, &mut roots, rtt, 1, 1);
    let stale = roots.0[0];
    heap.collect(&mut roots);
    assert!(heap.check(&mut roots, "test").is_ok());
    (heap, roots, stale)
}

#[test]
fn verify_reports_a_field_into_the_middle_of_an_object() {
    let mut area = Box::new(AllocArea::default());
    let (mut heap, mut roots, _) = two_cells(&mut area);
    set_next(roots.0[0], roots.0[1] + 8);
    let e = heap.check(&mut roots, "test").unwrap_err();
    assert!(e.what.contains("middle of an object"), "{e}");
    assert!(e.what.contains(&format!("a field of object {:#x}", roots.0[0])), "{e}");
}

#[test]
fn verify_reports_a_reference_to_freed_memory() {
    let mut area = Box::new(AllocArea::default());
    let (mut heap, mut roots, stale) = two_cells(&mut area);
    // A root the collection did not update: the object's old address in from-space.
    roots.0[1] = stale;
    let e = heap.check(&mut roots, "test").unwrap_err();
    assert!(e.what.contains("other semispace"), "{e}");
}

#[test]
fn verify_reports_a_reference_past_the_allocation_pointer() {
    let mut area = Box::new(AllocArea::default());
    let (mut heap, mut roots, _) = two_cells(&mut area);
    set_next(roots.0[0], area_bump(&heap) + 64);
    let e = heap.check(&mut roots, "test").unwrap_err();
    assert!(e.what.contains("past the allocation pointer"), "{e}");
}

fn area_bump(heap: &Heap) -> usize {
    // SAFETY: the test's allocation area outlives the heap.
    unsafe { (*heap.area).bump }
}

#[test]
fn verify_reports_a_bad_rtt() {
    let mut area = Box::new(AllocArea::default());
    let (mut heap, mut roots, _) = two_cells(&mut area);
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
    let mut area = Box::new(AllocArea::default());
    let (mut heap, mut roots, _) = two_cells(&mut area);
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
    let mut area = Box::new(AllocArea::default());
    let (mut heap, roots, _) = two_cells(&mut area);
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
    let mut area = Box::new(AllocArea::default());
    let mut heap = heap(&mut area, 1 << 16, false);
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
    let mut area = Box::new(AllocArea::default());
    let (mut heap, mut roots, stale) = two_cells(&mut area);
    heap.config.verify = true;
    roots.0[1] = stale;
    heap.collect(&mut roots);
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
