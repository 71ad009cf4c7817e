//! Heap verification (`WASMC_GC_VERIFY=1`): an independent check of what the collector and
//! compiled code must maintain, run before and after each collection.
//!
//! The check first walks the allocated part of every space that holds objects (the
//! semispace in use; or the nursery and the old generation's semispace in use) object by
//! object (objects are contiguous, so the walk finds every object start and every header),
//! then follows every reference from the roots through the fields of the objects they
//! reach. A reference is accepted only if it is null, an i31, the start of an object of a
//! walked space, the start of a live large object, or a host value the embedder vouches for
//! (`Roots::is_host_value`; an address outside the heap is never read, so a wild pointer is
//! reported, not dereferenced). Everything else is reported: a pointer into the middle of
//! an object or past a space's allocation pointer, into freed memory (the other semispace),
//! to a freed large object, a misaligned pointer, an object whose header is not a known RTT
//! of an object type, or an array whose length no allocation could have.
//!
//! For the generational collector it also checks the remembered-set invariant (V8's
//! `VerifyRememberedSetFor`): every reference field of every old object (walked old space
//! and large objects, reachable or not) that points into the nursery is in the remembered
//! set, or its object is one the next minor collection scans whole. A missing write barrier
//! shows up here before the minor collection that would have left the field dangling.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use crate::layout::{
    ARRAY_LENGTH_OFFSET, FORWARDED, OBJECT_ALIGN, Rtt, RttKind, array_size, is_known_rtt, layout_of,
};
use crate::object::for_each_field;

/// A space that holds objects, walked by the verifier: its allocated part is `[base, bump)`
/// and `[bump, end)` holds no object.
pub(crate) struct WalkedSpace {
    pub base: usize,
    pub bump: usize,
    pub end: usize,
    /// Whether its objects are old (their fields are subject to the remembered-set check).
    pub old: bool,
}

/// The remembered state of a generational heap.
pub(crate) struct RememberedView {
    /// The nursery, `[start, end)`.
    pub young: (usize, usize),
    /// Remembered slot addresses.
    pub slots: HashSet<usize>,
    /// Objects outside the nursery whose fields the next minor collection scans whole.
    pub objects: HashSet<usize>,
}

/// What the verifier needs to know about the heap's spaces, as address ranges `[start,
/// end)`.
pub(crate) struct HeapView {
    /// The spaces objects live in.
    pub spaces: Vec<WalkedSpace>,
    /// Reservations where nothing is live (the other semispace).
    pub dead: Vec<(usize, usize)>,
    /// Live large objects, as `(start, end)`.
    pub large: Vec<(usize, usize)>,
    /// Large objects a collection freed but has not returned to the allocator yet.
    pub freed_large: Vec<(usize, usize)>,
    /// The remembered set, for a generational heap.
    pub remembered: Option<RememberedView>,
}

/// A heap invariant violation found by [`check`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("GC verify ({when}): {what}")]
pub struct VerifyError {
    /// When the check ran (`before` / `after` a collection, or a test's label).
    pub when: String,
    /// The violation, naming the addresses involved.
    pub what: String,
}

/// Whether the header word `rtt` is a known RTT of a heap object type (struct, array or
/// exception, with a layout).
fn object_rtt(rtt: usize) -> bool {
    if rtt & FORWARDED != 0 || !is_known_rtt(rtt as *const Rtt) {
        return false;
    }
    // SAFETY: a known RTT comes from `new_rtt` and is immortal.
    let (kind, layout) = unsafe { ((*(rtt as *const Rtt)).kind, layout_of(rtt as *const Rtt)) };
    let object_kind = [RttKind::Struct, RttKind::Array, RttKind::Exn].map(|k| k as u32);
    object_kind.contains(&kind) && layout.is_some()
}

/// [`object_rtt`] memoised per header value: the heap walk asks it of every object, and
/// [`is_known_rtt`] takes a process-wide lock, which made verification of a large heap
/// dominate a stressed run.
#[derive(Default)]
pub(crate) struct RttCache(HashMap<usize, bool>);

impl RttCache {
    fn object_rtt(&mut self, rtt: usize) -> bool {
        *self.0.entry(rtt).or_insert_with(|| object_rtt(rtt))
    }
}

/// The object starts of a space from `base`, one bit per [`OBJECT_ALIGN`] bytes; it grows
/// as a space that only appends (the old generation between major collections) is walked
/// further ([`ObjectStarts::walk`]).
pub(crate) struct ObjectStarts {
    base: usize,
    /// End of the part walked so far.
    walked: usize,
    bits: Vec<u64>,
    rtts: RttCache,
}

impl ObjectStarts {
    pub(crate) fn new(base: usize) -> ObjectStarts {
        ObjectStarts { base, walked: base, bits: Vec::new(), rtts: RttCache::default() }
    }

    fn index(&self, p: usize) -> Option<usize> {
        let off = p.checked_sub(self.base)?;
        (off % OBJECT_ALIGN as usize == 0).then_some(off / OBJECT_ALIGN as usize)
    }

    fn insert(&mut self, p: usize) {
        let i = self.index(p).expect("object starts are aligned and inside the walk");
        if i / 64 >= self.bits.len() {
            self.bits.resize(i / 64 + 1, 0);
        }
        self.bits[i / 64] |= 1 << (i % 64);
    }

    pub(crate) fn contains(&self, p: usize) -> bool {
        p < self.walked
            && self
                .index(p)
                .and_then(|i| self.bits.get(i / 64).map(|w| w & (1 << (i % 64)) != 0))
                .unwrap_or(false)
    }

    /// Walks on from the end of the last walk to `bump`, recording every object start.
    ///
    /// # Errors
    /// A bad header or an object overrunning `bump`.
    ///
    /// # Safety
    /// `[walked, bump)` is allocated memory of the space holding whole objects.
    pub(crate) unsafe fn walk(&mut self, bump: usize) -> Result<(), String> {
        let mut p = self.walked;
        while p < bump {
            // SAFETY: `p` is inside the allocated part of the space, at an object boundary
            // (the previous object's size was added), so it holds a header word.
            let header = unsafe { *(p as *const usize) };
            if !self.rtts.object_rtt(header) {
                return Err(format!("object {p:#x} in the heap walk has a bad header {header:#x}"));
            }
            self.insert(p);
            // SAFETY: the header is the RTT of an object type, so the object's size is
            // known (an array's from its length word, which may be corrupt: checked).
            let size = unsafe { checked_size(p, header) }
                .ok_or_else(|| format!("array {p:#x} in the heap walk has an impossible length"))?;
            if size == 0 || p + size > bump {
                return Err(format!(
                    "object {p:#x} of {size} bytes overruns the allocation pointer"
                ));
            }
            p += size;
        }
        self.walked = p.max(self.walked);
        Ok(())
    }
}

/// Walks `[base, bump)` and returns the start of every object in it.
fn object_starts((base, bump): (usize, usize)) -> Result<ObjectStarts, String> {
    let mut starts = ObjectStarts::new(base);
    // SAFETY: the caller's view says `[base, bump)` holds whole objects.
    unsafe { starts.walk(bump) }?;
    Ok(starts)
}

/// Bytes of the object at `p` whose header is `rtt`, or `None` for an array whose length
/// word gives a size no allocation could have.
///
/// # Safety
/// `p` is an object start of the heap walk and `rtt` (its header) a known RTT of an object
/// type.
unsafe fn checked_size(p: usize, rtt: usize) -> Option<usize> {
    // SAFETY: see the function's contract.
    let layout = unsafe { layout_of(rtt as *const Rtt) }?;
    if !matches!(layout.kind, RttKind::Array) {
        return Some(layout.size as usize);
    }
    // SAFETY: an array's length word follows its header (the heap walk saw room for it).
    let len = unsafe { *((p + ARRAY_LENGTH_OFFSET as usize) as *const u32) };
    array_size(layout.size, len).map(|s| s as usize)
}

/// Decides whether one reference value is valid (see the module docs), given the object
/// starts of every walked space.
struct Validator<'a> {
    view: &'a HeapView,
    rtts: &'a mut RttCache,
    starts: Vec<&'a ObjectStarts>,
    /// Live large objects, sorted by start.
    large: Vec<(usize, usize)>,
    is_host_value: &'a dyn Fn(usize) -> bool,
}

impl Validator<'_> {
    /// `Ok(true)` if `p` is a heap object (whose fields are then the caller's to check),
    /// `Ok(false)` for null, an i31 or a host value; `holder` names where `p` was found.
    fn validate(&mut self, p: usize, holder: Option<usize>) -> Result<bool, String> {
        if p == 0 || p & 1 == 1 {
            return Ok(false);
        }
        // Named only for a message (formatting it for every value dominated stressed runs).
        let from = || match holder {
            Some(h) => format!("a field of object {h:#x}"),
            None => "a root".to_string(),
        };
        let in_range = |p: usize, (s, e): (usize, usize)| p >= s && p < e;
        if p % OBJECT_ALIGN as usize != 0 {
            return Err(format!("{} holds the misaligned reference {p:#x}", from()));
        }
        let view = self.view;
        if let Some(i) = view.spaces.iter().position(|s| in_range(p, (s.base, s.end))) {
            if !self.starts[i].contains(p) {
                return Err(format!(
                    "{} holds {p:#x}, which points into the middle of an object or past \
                     the allocation pointer",
                    from()
                ));
            }
        } else if view.dead.iter().any(|r| in_range(p, *r)) {
            return Err(format!(
                "{} holds {p:#x}, which points into the other semispace (freed memory)",
                from()
            ));
        } else if view.freed_large.iter().any(|r| in_range(p, *r)) {
            return Err(format!("{} holds {p:#x}, a freed large object", from()));
        } else {
            // The last live large object starting at or before `p`.
            let large = &self.large;
            let i = large.partition_point(|(s, _)| *s <= p);
            if let Some(&(s, e)) = i.checked_sub(1).map(|i| &large[i])
                && p < e
                && p != s
            {
                return Err(format!(
                    "{} holds {p:#x}, which points into the middle of large object {s:#x}",
                    from()
                ));
            }
            let is_large = i > 0 && large[i - 1].0 == p;
            if !is_large {
                // Outside the heap only the embedder's host values are valid.
                if !(self.is_host_value)(p) {
                    return Err(format!("{} holds {p:#x}, which points outside the heap", from()));
                }
                return Ok(false);
            }
        }
        // SAFETY: `p` is the start of a live object (heap walk or large-object table).
        let rtt = unsafe { *(p as *const usize) };
        if !self.rtts.object_rtt(rtt) {
            return Err(format!("object {p:#x} has a bad header {rtt:#x}"));
        }
        Ok(true)
    }
}

/// Checks the heap described by `view` from the root values `roots`; an address outside
/// the heap is accepted only where `is_host_value` says so, and never read.
///
/// # Errors
/// The first violation found (see the module docs).
///
/// # Safety
/// `view` must describe the heap's real spaces.
pub(crate) unsafe fn check(
    view: &HeapView,
    roots: Vec<usize>,
    is_host_value: &dyn Fn(usize) -> bool,
    when: &str,
) -> Result<(), VerifyError> {
    let err = |what: String| VerifyError { when: when.to_string(), what };
    let starts: Vec<ObjectStarts> = view
        .spaces
        .iter()
        .map(|s| object_starts((s.base, s.bump)))
        .collect::<Result<_, _>>()
        .map_err(err)?;
    if let Some(r) = &view.remembered {
        // SAFETY: the walk above found every object of the old spaces whole; live large
        // objects are intact.
        unsafe { check_remembered(view, r, None) }.map_err(err)?;
    }
    let mut large = view.large.clone();
    large.sort_unstable();
    let mut rtts = RttCache::default();
    let mut v =
        Validator { view, rtts: &mut rtts, starts: starts.iter().collect(), large, is_host_value };
    let mut seen = HashSet::default();
    // (reference, where it was found) pairs still to check.
    let mut work: Vec<(usize, Option<usize>)> = roots.into_iter().map(|r| (r, None)).collect();
    while let Some((p, holder)) = work.pop() {
        if p == 0 || p & 1 == 1 || !seen.insert(p) {
            continue;
        }
        if v.validate(p, holder).map_err(err)? {
            // SAFETY: a live object with the RTT of an object type.
            unsafe { for_each_field(p, |f| work.push((*f, Some(p)))) };
        }
    }
    Ok(())
}

/// The cheap check a generational heap runs at most minor collections (the full [`check`]
/// runs at major ones and whenever the bytes allocated since the last full check reach the
/// heap it walked): every root and remembered slot, and every field of the objects made
/// since the last check — the nursery's, those promoted or allocated in the old generation
/// in `recent`, and `pretenured` ones — must hold a valid reference; the remembered-set
/// invariant is checked for the old objects in `recent`. Its cost is proportional to the
/// roots and to what was allocated since the last check, so a collection at every
/// allocation (`WASMC_GC_STRESS=1`) stays affordable.
///
/// `view.spaces` must be the nursery's spaces (eden, survivors), walked here whole, then
/// one old space; `old` holds the old space's object starts,
/// walked by the caller up to its bump pointer; `rtts` is kept by the caller between checks
/// (RTTs are immortal while objects of this heap use them).
///
/// # Errors
/// The first violation found.
///
/// # Safety
/// `view` must describe the heap's real spaces, `old` the old space's objects, `recent`
/// a range of whole old objects and `pretenured` live objects.
pub(crate) unsafe fn check_recent(
    view: &HeapView,
    old: &ObjectStarts,
    recent: (usize, usize),
    pretenured: &[usize],
    rtts: &mut RttCache,
    roots: Vec<usize>,
    is_host_value: &dyn Fn(usize) -> bool,
    when: &str,
) -> Result<(), VerifyError> {
    let err = |what: String| VerifyError { when: when.to_string(), what };
    let (old_space, nursery) = view.spaces.split_last().expect("an old space");
    debug_assert!(old_space.old && nursery.iter().all(|s| !s.old));
    let young: Vec<ObjectStarts> = nursery
        .iter()
        .map(|s| object_starts((s.base, s.bump)))
        .collect::<Result<_, _>>()
        .map_err(err)?;
    if let Some(r) = &view.remembered {
        // SAFETY: `recent` holds whole old objects (the caller's walk checked them).
        unsafe { check_remembered(view, r, Some(recent)) }.map_err(err)?;
    }
    let mut large = view.large.clone();
    large.sort_unstable();
    let starts = young.iter().chain([old]).collect();
    let mut v = Validator { view, rtts, starts, large, is_host_value };
    for r in roots {
        v.validate(r, None).map_err(err)?;
    }
    if let Some(r) = &view.remembered {
        for &slot in &r.slots {
            // SAFETY: a remembered slot is a reference field of a live old object.
            v.validate(unsafe { *(slot as *const usize) }, None).map_err(err)?;
        }
    }
    let mut objects: Vec<usize> = pretenured.to_vec();
    for (base, bump) in nursery.iter().map(|s| (s.base, s.bump)).chain([recent]) {
        let mut p = base;
        while p < bump {
            objects.push(p);
            // SAFETY: the walks checked every header and size of these ranges.
            p += unsafe { crate::object::object_size(p) };
        }
    }
    let mut fields = Vec::new();
    for obj in objects {
        fields.clear();
        // SAFETY: a live, whole object (see above).
        unsafe { for_each_field(obj, |f| fields.push(*f)) };
        for &value in &fields {
            v.validate(value, Some(obj)).map_err(err)?;
        }
    }
    Ok(())
}

/// The remembered-set invariant (see the module docs).
///
/// # Safety
/// `view`'s old spaces hold whole objects in `[base, bump)` and its large objects are live.
/// With `only`, just the old objects in that range (and the large objects) are checked.
unsafe fn check_remembered(
    view: &HeapView,
    r: &RememberedView,
    only: Option<(usize, usize)>,
) -> Result<(), String> {
    let young = |v: usize| v >= r.young.0 && v < r.young.1;
    let mut bad = None;
    let mut check_object = |obj: usize| {
        if bad.is_some() || r.objects.contains(&obj) {
            return;
        }
        // SAFETY: `obj` is a whole object (see the function's contract).
        unsafe {
            for_each_field(obj, |f| {
                let v = *f;
                if bad.is_none() && young(v) && !r.slots.contains(&(f as usize)) {
                    bad = Some((obj, f as usize, v));
                }
            })
        };
    };
    let ranges: Vec<(usize, usize)> = match only {
        Some(r) => vec![r],
        None => view.spaces.iter().filter(|s| s.old).map(|s| (s.base, s.bump)).collect(),
    };
    for (base, bump) in ranges {
        let mut p = base;
        while p < bump {
            check_object(p);
            // SAFETY: the heap walk checked every header and size of this space.
            p += unsafe { crate::object::object_size(p) };
        }
    }
    for &(p, _) in &view.large {
        check_object(p);
    }
    match bad {
        Some((obj, f, v)) => Err(format!(
            "old object {obj:#x} holds the young reference {v:#x} in its field {f:#x}, which \
             is not in the remembered set (a missing write barrier)"
        )),
        None => Ok(()),
    }
}
