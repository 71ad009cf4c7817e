//! Which store a function, table, memory, global or tag belongs to (issue 33).
//!
//! An instance may import only what belongs to its own store: a global or table of another
//! store holds references into that store's heap, which this store's collector never
//! scans (and the other store's collector never sees this one's objects stored there), and
//! everything of a store is freed with it. So every extern carries the [`StoreId`] of its
//! owner, checked *before* anything behind the extern's pointers is read: an extern of a
//! deleted store is refused without touching freed memory.
//!
//! A [`StoreId`] is a process-wide counter, never reused (a store's address could be: a new
//! store allocated where a deleted one was would otherwise accept the deleted one's
//! externs). The ids of the stores alive now are kept in a set, so the C API can also
//! refuse an extern of a deleted store where a call names no store (`wasmc_memory_data`);
//! Wasmtime's `StoreId` and its "object used with the wrong store" check are the model.

use std::collections::BTreeSet;
use std::num::NonZeroU64;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// The identity of a store: unique among all stores the process ever made.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StoreId(NonZeroU64);

/// Ids of the stores alive now (made and not yet dropped).
static LIVE: Mutex<BTreeSet<u64>> = Mutex::new(BTreeSet::new());

impl StoreId {
    /// The id as a number (never 0), as the C API's `wasmc_extern_t.store` holds it.
    pub fn to_raw(self) -> u64 {
        self.0.get()
    }

    /// The id whose number is `raw`, if `raw` is one [`StoreId::to_raw`] can give.
    pub fn from_raw(raw: u64) -> Option<StoreId> {
        NonZeroU64::new(raw).map(StoreId)
    }

    /// Whether the store with this id exists now (it was made and is not dropped).
    pub fn is_live(self) -> bool {
        LIVE.lock().unwrap_or_else(|e| e.into_inner()).contains(&self.0.get())
    }
}

/// A store's claim on its [`StoreId`]: listed as live from [`LiveStore::new`] until this is
/// dropped (with the store that holds it).
#[derive(Debug)]
pub struct LiveStore(StoreId);

impl LiveStore {
    /// A fresh id, live until the returned value is dropped.
    pub fn new() -> LiveStore {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        let raw = NEXT.fetch_add(1, Ordering::Relaxed);
        let id = StoreId(NonZeroU64::new(raw).expect("2^64 stores are never made"));
        LIVE.lock().unwrap_or_else(|e| e.into_inner()).insert(raw);
        LiveStore(id)
    }

    /// The id.
    pub fn id(&self) -> StoreId {
        self.0
    }
}

impl Default for LiveStore {
    fn default() -> LiveStore {
        LiveStore::new()
    }
}

impl Drop for LiveStore {
    fn drop(&mut self) {
        LIVE.lock().unwrap_or_else(|e| e.into_inner()).remove(&self.0.to_raw());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_die_with_their_store() {
        let a = LiveStore::new();
        let b = LiveStore::new();
        let (ia, ib) = (a.id(), b.id());
        assert_ne!(ia, ib);
        assert!(ia.is_live() && ib.is_live());
        drop(a);
        assert!(!ia.is_live());
        assert!(ib.is_live());
        // A new store never takes a dropped store's id.
        let c = LiveStore::new();
        assert_ne!(c.id(), ia);
        assert_eq!(StoreId::from_raw(ib.to_raw()), Some(ib));
        assert_eq!(StoreId::from_raw(0), None);
    }
}
