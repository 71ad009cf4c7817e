//! The non-moving large-object space: arrays over `LARGE_OBJECT_THRESHOLD` bytes, each its
//! own allocation, marked by a full collection and swept after it.

use std::collections::HashMap;

use crate::layout::OBJECT_ALIGN;
use crate::space::POISON;

/// An object of the large-object space (keyed by its address).
struct LargeObject {
    size: usize,
    marked: bool,
}

/// The large-object space: address -> object, so the collector finds whether a reference
/// is a large object in constant time.
#[derive(Default)]
pub(crate) struct LargeSpace {
    objects: HashMap<usize, LargeObject>,
    /// Bytes of the live (unswept) objects.
    bytes: usize,
    /// Objects the last sweep freed under poisoning: filled with [`POISON`] and kept
    /// allocated until the next sweep, so that a stale reference to one reads poison (and
    /// the verifier names it) instead of reused memory. `(address, size)`.
    pub(crate) quarantine: Vec<(usize, usize)>,
}

impl LargeSpace {
    /// Bytes of the objects not yet swept.
    pub(crate) fn bytes(&self) -> usize {
        self.bytes
    }

    pub(crate) fn contains(&self, p: usize) -> bool {
        self.objects.contains_key(&p)
    }

    /// `(start, end)` of every object not yet swept.
    pub(crate) fn ranges(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        self.objects.iter().map(|(p, l)| (*p, *p + l.size))
    }

    /// Allocates a zeroed object of `size` bytes, or `None` if the allocator refuses.
    pub(crate) fn alloc(&mut self, size: usize) -> Option<usize> {
        let layout = std::alloc::Layout::from_size_align(size, OBJECT_ALIGN as usize).ok()?;
        // SAFETY: nonzero size (objects have a header).
        let p = unsafe { std::alloc::alloc_zeroed(layout) } as usize;
        if p == 0 {
            return None;
        }
        self.objects.insert(p, LargeObject { size, marked: false });
        self.bytes += size;
        Some(p)
    }

    /// Marks `p` if it is a large object not marked yet; returns whether it was just marked
    /// (its fields are then the caller's to trace).
    pub(crate) fn mark(&mut self, p: usize) -> bool {
        match self.objects.get_mut(&p) {
            Some(l) if !l.marked => {
                l.marked = true;
                true
            }
            _ => false,
        }
    }

    /// Frees the unmarked objects and unmarks the rest. Under `poison` a freed object is
    /// filled with [`POISON`] and quarantined until the next sweep; the previous
    /// quarantine is returned to the allocator first.
    pub(crate) fn sweep(&mut self, poison: bool) {
        for (p, size) in std::mem::take(&mut self.quarantine) {
            // SAFETY: quarantined by the previous sweep, allocated with this size.
            unsafe { free_large(p, size) };
        }
        let quarantine = &mut self.quarantine;
        let mut bytes = 0;
        self.objects.retain(|&p, l| {
            if l.marked {
                l.marked = false;
                bytes += l.size;
                return true;
            }
            if poison {
                // SAFETY: an unreachable large object of `l.size` bytes that we own.
                unsafe { core::ptr::write_bytes(p as *mut u8, POISON, l.size) };
                quarantine.push((p, l.size));
            } else {
                // SAFETY: allocated in `alloc` with this size; unreachable now.
                unsafe { free_large(p, l.size) };
            }
            false
        });
        self.bytes = bytes;
    }
}

impl Drop for LargeSpace {
    fn drop(&mut self) {
        let live = self.objects.drain().map(|(p, l)| (p, l.size));
        for (p, size) in live.chain(self.quarantine.drain(..)) {
            // SAFETY: every large object was allocated by `alloc` with its size; with the
            // space gone nothing refers to it.
            unsafe { free_large(p, size) };
        }
    }
}

/// Returns a large object to the allocator.
///
/// # Safety
/// `p` was allocated by [`LargeSpace::alloc`] with `size` bytes and is not used again.
unsafe fn free_large(p: usize, size: usize) {
    let layout = std::alloc::Layout::from_size_align(size, OBJECT_ALIGN as usize)
        .expect("valid when allocated");
    // SAFETY: see the function's contract.
    unsafe { std::alloc::dealloc(p as *mut u8, layout) };
}
