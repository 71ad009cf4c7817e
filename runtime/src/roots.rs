//! References the host holds: a store's root table (modelled on Wasmtime's `Rooted` and
//! `OwnedRooted`).
//!
//! The collector moves objects, so a raw reference the host keeps goes stale at the next
//! collection (any allocation, any call into Wasm). A host that keeps a reference across
//! such a point roots it in its store's [`RootTable`] and keeps the handle instead; the
//! collector visits the table and updates the slots, and the handle reads the current
//! address:
//! - [`Rooted`]: a scoped handle, an index into the table's LIFO part. It is freed when the
//!   enclosing root scope ends (`Store::root_scope`, or the host function call it was made
//!   in); using it afterwards is an error ([`RootError::ScopeEnded`]), never a stale read.
//! - [`OwnedRooted`]: an owned handle, freed when its last clone is dropped (the table
//!   forgets the slot at its next collection, or when creating an owned root prunes the
//!   table).
//!
//! The reference arguments of a host-function call are scoped roots for the call's duration
//! (`Caller::param_root`): a host function that re-enters Wasm (which may collect) reads
//! them through those handles afterwards. (The raw value slots the host function gets are
//! not updated in place: the host holds them as `&mut [u64]`, which the collector must not
//! write behind its back.)

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

/// Why a root handle cannot be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RootError {
    /// The handle was made by another store.
    #[error("the root handle belongs to another store")]
    WrongStore,
    /// The root scope the handle was made in has ended.
    #[error("the root handle's scope has ended")]
    ScopeEnded,
}

/// A scoped root: valid until the root scope it was made in ends. Copyable; reading it
/// ([`RootTable::get`]) gives the reference's current raw bits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rooted {
    store: u64,
    index: usize,
    serial: u64,
}

/// An owned root: valid until its last clone is dropped. Reading it
/// ([`RootTable::get_owned`]) gives the reference's current raw bits.
#[derive(Clone, Debug)]
pub struct OwnedRooted {
    store: u64,
    /// The root slot, shared with the table (which holds one more count).
    slot: Arc<AtomicUsize>,
}

/// A store's roots held by the host. See the module documentation.
pub struct RootTable {
    /// Unique among all root tables of the process (handles record it).
    id: u64,
    /// Scoped roots: `(raw reference, serial of the handle)`.
    scoped: Vec<(usize, u64)>,
    next_serial: u64,
    /// Owned roots; a slot whose count is 1 has no handle left.
    owned: Vec<Arc<AtomicUsize>>,
    /// Owned-root count at which dropped handles are next pruned.
    prune_at: usize,
}

impl Default for RootTable {
    fn default() -> RootTable {
        RootTable::new()
    }
}

impl RootTable {
    /// An empty table with a fresh identity.
    pub fn new() -> RootTable {
        static NEXT_ID: AtomicU64 = AtomicU64::new(1);
        RootTable {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            scoped: Vec::new(),
            next_serial: 0,
            owned: Vec::new(),
            prune_at: 16,
        }
    }

    /// Roots the raw reference `r` until the current root scope ends.
    pub fn root(&mut self, r: usize) -> Rooted {
        let serial = self.next_serial;
        self.next_serial += 1;
        self.scoped.push((r, serial));
        Rooted { store: self.id, index: self.scoped.len() - 1, serial }
    }

    /// The current raw bits of the reference `h` roots.
    ///
    /// # Errors
    /// `h` belongs to another table, or its scope has ended.
    pub fn get(&self, h: &Rooted) -> Result<usize, RootError> {
        if h.store != self.id {
            return Err(RootError::WrongStore);
        }
        match self.scoped.get(h.index) {
            Some(&(r, serial)) if serial == h.serial => Ok(r),
            _ => Err(RootError::ScopeEnded),
        }
    }

    /// Roots the raw reference `r` until the returned handle (and all its clones) is dropped.
    pub fn root_owned(&mut self, r: usize) -> OwnedRooted {
        if self.owned.len() >= self.prune_at {
            self.prune_owned();
            self.prune_at = (self.owned.len() * 2).max(16);
        }
        let slot = Arc::new(AtomicUsize::new(r));
        self.owned.push(slot.clone());
        OwnedRooted { store: self.id, slot }
    }

    /// The current raw bits of the reference `h` roots.
    ///
    /// # Errors
    /// `h` belongs to another table.
    pub fn get_owned(&self, h: &OwnedRooted) -> Result<usize, RootError> {
        if h.store != self.id {
            return Err(RootError::WrongStore);
        }
        Ok(h.slot.load(Ordering::Relaxed))
    }

    /// Number of live roots (scoped roots, owned handles), for tests and diagnostics.
    pub fn len(&self) -> usize {
        let owned = self.owned.iter().filter(|s| Arc::strong_count(s) > 1).count();
        self.scoped.len() + owned
    }

    /// Whether the table roots nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Where a root scope begins: pass it to [`RootTable::end_scope`].
    pub fn scope_mark(&self) -> usize {
        self.scoped.len()
    }

    /// Ends the root scope that began at `mark`: frees every scoped root made since.
    pub fn end_scope(&mut self, mark: usize) {
        self.scoped.truncate(mark);
    }

    /// Forgets owned slots that no handle refers to any more.
    fn prune_owned(&mut self) {
        self.owned.retain(|s| Arc::strong_count(s) > 1);
    }

    /// Visits every root slot (for the collector, which may rewrite them).
    pub fn visit(&mut self, visit: &mut dyn FnMut(*mut usize)) {
        for (r, _) in &mut self.scoped {
            visit(r);
        }
        self.prune_owned();
        for s in &self.owned {
            visit(s.as_ptr());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A "collection" that moves every object by `delta` bytes.
    fn move_all(t: &mut RootTable, delta: usize) {
        t.visit(&mut |p| {
            // SAFETY: the table hands out valid slots.
            unsafe { *p += delta }
        });
    }

    #[test]
    fn handles_follow_moves() {
        let mut t = RootTable::new();
        let a = t.root(0x1000);
        let b = t.root_owned(0x2000);
        move_all(&mut t, 0x10);
        assert_eq!(t.get(&a), Ok(0x1010));
        assert_eq!(t.get_owned(&b), Ok(0x2010));
        assert_eq!(t.len(), 2);
    }

    #[test]
    fn scoped_handles_end_with_their_scope() {
        let mut t = RootTable::new();
        let outer = t.root(0x1000);
        let mark = t.scope_mark();
        let inner = t.root(0x2000);
        t.end_scope(mark);
        assert_eq!(t.get(&inner), Err(RootError::ScopeEnded));
        // A new root at the same index is not mistaken for the old one.
        let again = t.root(0x3000);
        assert_eq!(t.get(&inner), Err(RootError::ScopeEnded));
        assert_eq!(t.get(&again), Ok(0x3000));
        assert_eq!(t.get(&outer), Ok(0x1000));
    }

    #[test]
    fn dropped_owned_handles_are_no_longer_visited() {
        let mut t = RootTable::new();
        let keep = t.root_owned(0x1000);
        let dropped = t.root_owned(0x2000);
        let clone = keep.clone();
        drop(dropped);
        drop(keep);
        let mut seen = Vec::new();
        // SAFETY: reading a slot the table hands out.
        t.visit(&mut |p| seen.push(unsafe { *p }));
        assert_eq!(seen, vec![0x1000]);
        assert_eq!(t.get_owned(&clone), Ok(0x1000));
    }

    #[test]
    fn handles_of_another_table_are_refused() {
        let mut t = RootTable::new();
        let mut u = RootTable::new();
        let a = t.root(1);
        let b = t.root_owned(2);
        let _ = u.root(3);
        assert_eq!(u.get(&a), Err(RootError::WrongStore));
        assert_eq!(u.get_owned(&b), Err(RootError::WrongStore));
    }
}
