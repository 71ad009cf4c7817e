//! Linear memories: a reservation of address space, of which the first `length` bytes are
//! readable and writable; the rest faults. A 32-bit memory reserves [`MEMORY_RESERVATION`]
//! bytes, so that the guard region behind its largest size catches every index plus offset
//! and compiled code checks no bounds. A 64-bit memory (memory64) is bounds-checked by
//! compiled code instead; it reserves its maximum size, at most [`MAX_PAGES_64`] pages.
//! Either way the base never moves, so growing never invalidates a pointer into the memory.
//!
//! **Shared memories** (threads proposal) use the same reservations; they differ in who may
//! hold them. A memory's state lives in one reference-counted [`MemoryInner`]: the
//! [`VMMemory`] that compiled code reads (base and length), the reservation and a lock that
//! serialises growth. The length is written only under that lock, with a release store, and
//! read with acquire loads (compiled code reads it with plain aligned 8-byte loads, atomic on
//! x86-64), so several threads may read it and grow the memory at once. A [`Memory`] is a
//! store's view of one; for a shared memory, [`Memory::shared`] hands out a
//! [`SharedMemory`], a `Send + Sync` handle bound to no store, from which
//! [`Memory::from_shared`] makes the view of another store (`Extern::SharedMemory` imports
//! it: the hook for wasi-threads, whose every thread is a store of its own importing the
//! one shared memory). All views of a shared memory see the same [`VMMemory`], so a growth
//! through one is seen by the code of all.

use std::cell::UnsafeCell;
use std::marker::PhantomData;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use crate::abi::{MEMORY_RESERVATION, VMMemory, WASM_PAGE_SIZE};
use crate::meta::MemoryType;

/// Most pages a 32-bit memory can have (4 GiB).
pub const MAX_PAGES_32: u64 = 1 << 16;

/// Most pages wasmc gives a 64-bit memory (16 GiB), whatever its declared maximum: the
/// memory reserves this much address space up front so that growing never moves it. A
/// `memory.grow` beyond fails (returns -1, as the spec allows); a larger minimum fails
/// instantiation.
pub const MAX_PAGES_64: u64 = 1 << 18;

/// The state of one linear memory, shared by its views ([`Memory`]) when it is a shared
/// memory; a non-shared memory has exactly one view.
struct MemoryInner {
    /// What compiled code sees; its address is stable (the inner value is reference
    /// counted and never moves). `base` never changes; `length` changes only in
    /// [`MemoryInner::grow`].
    vm: UnsafeCell<VMMemory>,
    /// The declared type (its `min` is the declared minimum, not the current size).
    ty: MemoryType,
    /// Bytes reserved at `base`.
    reserved: usize,
    /// Held while the memory grows, so that two growths never race.
    grow_lock: Mutex<()>,
}

// SAFETY: `base` and `reserved` never change after creation; `length` is only written under
// `grow_lock`, with atomic stores, and read with atomic loads. The bytes are the Wasm
// memory: a shared memory's bytes are accessed from several threads by design (the threads
// proposal's memory model); a non-shared memory's inner value is never handed to a second
// thread while the first uses it ([`SharedMemory`] exists only for shared memories).
unsafe impl Send for MemoryInner {}
// SAFETY: as for `Send`.
unsafe impl Sync for MemoryInner {}

impl MemoryInner {
    fn vm_ptr(&self) -> *mut VMMemory {
        self.vm.get()
    }

    /// The length field as an atomic.
    fn length(&self) -> &AtomicU64 {
        // SAFETY: the field is an aligned `u64` that lives as long as `self`; every access to
        // it in the runtime goes through this atomic view (compiled code's plain loads of an
        // aligned 8-byte word are atomic on x86-64).
        unsafe { AtomicU64::from_ptr(&raw mut (*self.vm_ptr()).length) }
    }

    fn base(&self) -> *mut u8 {
        // SAFETY: `base` is written once, before the value is shared.
        unsafe { (*self.vm_ptr()).base }
    }

    fn len(&self) -> u64 {
        self.length().load(Ordering::Acquire)
    }

    fn max_pages(&self) -> u64 {
        let limit = if self.ty.memory64 { MAX_PAGES_64 } else { MAX_PAGES_32 };
        self.ty.max.unwrap_or(limit).min(limit)
    }

    fn grow(&self, delta: u64) -> Option<u64> {
        let _guard = self.grow_lock.lock().unwrap_or_else(|e| e.into_inner());
        let len = self.len();
        let old = len / WASM_PAGE_SIZE;
        let new = old.checked_add(delta)?;
        if new > self.max_pages() {
            return None;
        }
        if delta > 0 {
            let bytes = (delta * WASM_PAGE_SIZE) as usize;
            // SAFETY: [len, len + bytes) lies inside our reservation (new <= max_pages,
            // which the reservation covers), and is not accessible yet, so no one holds a
            // reference to it.
            let r = unsafe {
                libc::mprotect(
                    self.base().add(len as usize).cast(),
                    bytes,
                    libc::PROT_READ | libc::PROT_WRITE,
                )
            };
            if r != 0 {
                return None;
            }
        }
        self.length().store(new * WASM_PAGE_SIZE, Ordering::Release);
        Some(old)
    }
}

impl Drop for MemoryInner {
    fn drop(&mut self) {
        // SAFETY: unmaps exactly the reservation made in `Memory::new`; this is the last
        // reference to it.
        unsafe { libc::munmap(self.base().cast(), self.reserved) };
    }
}

/// A store's view of a linear memory: owned by one instance (or by the store, for a host
/// memory), alive as long as its store.
pub struct Memory {
    inner: Arc<MemoryInner>,
}

/// A shared memory (threads proposal) as a handle bound to no store: `Send + Sync`, cheap
/// to clone, keeping the memory mapped while any clone or view lives. Another store imports
/// it as `Extern::SharedMemory` (see the module comment).
#[derive(Clone)]
pub struct SharedMemory(Arc<MemoryInner>);

impl SharedMemory {
    /// The memory's type, `min` being its current size in pages.
    pub fn ty(&self) -> MemoryType {
        MemoryType { min: self.0.len() / WASM_PAGE_SIZE, ..self.0.ty.clone() }
    }

    /// Whether `self` and `other` are the same memory.
    pub fn same(&self, other: &SharedMemory) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }

    /// The native address of the memory's byte 0 (it never moves), for messages that name
    /// Wasm addresses.
    pub fn base_address(&self) -> usize {
        self.0.base() as usize
    }
}

impl std::fmt::Debug for SharedMemory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SharedMemory").field("base", &self.0.base()).finish()
    }
}

/// Error creating a memory.
#[derive(Debug, thiserror::Error)]
pub enum MemoryError {
    /// The OS refused the reservation of [`MEMORY_RESERVATION`] bytes of address space
    /// (typically `ulimit -v`). A smaller reservation is not an option: compiled code
    /// elides every bounds check of a 32-bit memory because the guard region covers any
    /// index plus offset (docs/architecture.md, "Memories").
    #[error(
        "cannot reserve 8 GiB of address space for a linear memory ({MEMORY_RESERVATION} \
         bytes: 4 GiB of index range, 4 GiB of offset guard and one page): {0} (ulimit -v?)"
    )]
    Reserve(std::io::Error),
    /// The OS refused to make the memory's initial pages accessible.
    #[error("cannot commit {bytes} bytes of a linear memory: {error}")]
    Commit {
        /// Bytes of the initial size.
        bytes: u64,
        /// The OS error.
        error: std::io::Error,
    },
    /// A shared memory without a maximum size (the threads proposal requires one; the
    /// validator refuses such modules, so only a host memory type can get here).
    #[error("a shared memory must have a maximum size")]
    SharedWithoutMaximum,
    /// The minimum size is above what wasmc gives a memory of its index type.
    #[error("a memory of {min} pages is larger than wasmc supports ({max} pages)")]
    TooLarge {
        /// Declared minimum, in pages.
        min: u64,
        /// [`MAX_PAGES_32`] or [`MAX_PAGES_64`].
        max: u64,
    },
}

impl Memory {
    /// Reserves address space (see the module comment) and commits `ty.min` pages.
    ///
    /// # Errors
    /// [`MemoryError::Reserve`] or [`MemoryError::Commit`] with the OS error;
    /// [`MemoryError::SharedWithoutMaximum`]; [`MemoryError::TooLarge`].
    pub fn new(ty: &MemoryType) -> Result<Box<Memory>, MemoryError> {
        if ty.shared && ty.max.is_none() {
            return Err(MemoryError::SharedWithoutMaximum);
        }
        let limit = if ty.memory64 { MAX_PAGES_64 } else { MAX_PAGES_32 };
        if ty.min > limit {
            return Err(MemoryError::TooLarge { min: ty.min, max: limit });
        }
        // Both reservations cover the maximum size, so neither kind of memory ever moves (a
        // shared memory must not: other threads run code that holds its base).
        let size = if ty.memory64 {
            (ty.max.unwrap_or(limit).clamp(1, limit) * WASM_PAGE_SIZE) as usize
        } else {
            MEMORY_RESERVATION as usize
        };
        // SAFETY: an anonymous private PROT_NONE mapping; the address is checked below.
        let base = unsafe {
            libc::mmap(
                core::ptr::null_mut(),
                size,
                libc::PROT_NONE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
                -1,
                0,
            )
        };
        if base == libc::MAP_FAILED {
            return Err(MemoryError::Reserve(std::io::Error::last_os_error()));
        }
        let inner = MemoryInner {
            vm: UnsafeCell::new(VMMemory { base: base.cast(), length: 0 }),
            ty: ty.clone(),
            reserved: size,
            grow_lock: Mutex::new(()),
        };
        if inner.grow(ty.min).is_none() {
            let error = std::io::Error::last_os_error();
            return Err(MemoryError::Commit { bytes: ty.min * WASM_PAGE_SIZE, error });
        }
        Ok(Box::new(Memory { inner: Arc::new(inner) }))
    }

    /// A view of the shared memory `shared` for another store (or instance) to import.
    pub fn from_shared(shared: SharedMemory) -> Box<Memory> {
        Box::new(Memory { inner: shared.0 })
    }

    /// The handle other stores import this memory through, if it is a shared memory.
    pub fn shared(&self) -> Option<SharedMemory> {
        self.inner.ty.shared.then(|| SharedMemory(self.inner.clone()))
    }

    /// The [`VMMemory`] compiled code reads (the same for every view of a shared memory);
    /// stable for the memory's lifetime.
    pub fn vm_ptr(&self) -> *mut VMMemory {
        self.inner.vm_ptr()
    }

    /// The memory's first byte (never changes).
    pub fn base(&self) -> *mut u8 {
        self.inner.base()
    }

    /// Current length in bytes (a multiple of [`WASM_PAGE_SIZE`]).
    pub fn len_bytes(&self) -> u64 {
        self.inner.len()
    }

    /// The memory's type, `min` being its current size in pages (what import checks
    /// compare, spec §4.5.2 "Import subtyping").
    pub fn ty(&self) -> MemoryType {
        MemoryType { min: self.pages(), ..self.inner.ty.clone() }
    }

    /// Current size in pages.
    pub fn pages(&self) -> u64 {
        self.inner.len() / WASM_PAGE_SIZE
    }

    /// Maximum size in pages.
    pub fn max_pages(&self) -> u64 {
        self.inner.max_pages()
    }

    /// `memory.grow`: returns the old size in pages, or `None` if the memory cannot grow by
    /// `delta` pages. Safe to call from several threads at once for a shared memory (the
    /// growth is serialised; each caller gets the size its own growth started from).
    pub fn grow(&mut self, delta: u64) -> Option<u64> {
        self.inner.grow(delta)
    }

    /// A raw view of the accessible bytes ([`MemoryView`]): the sound way to read or write
    /// a shared memory that other threads may use at the same time.
    pub fn view(&mut self) -> MemoryView<'_> {
        // SAFETY: `vm_ptr` is this live memory's; while the view borrows `self` exclusively,
        // it cannot grow through this view, `data`/`data_mut` make no slice that could
        // alias it, and the view itself makes no reference to the bytes.
        unsafe { MemoryView::from_vm(self.vm_ptr()) }
    }

    /// The accessible bytes.
    ///
    /// For a shared memory that another thread's store also uses, a slice is unsound while
    /// the other thread runs (it may write the bytes under the slice): use
    /// [`Memory::view`] there.
    pub fn data(&self) -> &[u8] {
        // SAFETY: the first `length` bytes are mapped read/write and owned by this memory.
        unsafe { std::slice::from_raw_parts(self.base(), self.len_bytes() as usize) }
    }

    /// The accessible bytes, mutably (see [`Memory::data`] for shared memories).
    pub fn data_mut(&mut self) -> &mut [u8] {
        // SAFETY: as in `data`.
        unsafe { std::slice::from_raw_parts_mut(self.base(), self.len_bytes() as usize) }
    }
}

/// A raw view of a linear memory's accessible bytes: its base and its length at the moment
/// the view was made, valid for `'a`. It never makes a Rust reference (`&[u8]`/`&mut [u8]`)
/// to the bytes, so it is sound over a **shared** memory whose bytes other threads read and
/// write at the same time (a reference there would promise Rust that nobody else writes
/// them: a data race, undefined behaviour). Accesses copy with
/// [`std::ptr::copy_nonoverlapping`] between the memory and host buffers; a host call may
/// also be handed a checked raw range ([`MemoryView::range`]) to read or write directly.
///
/// What another thread does meanwhile is what Wasm allows for racing non-atomic accesses: a
/// copy may see some bytes before and some after another thread's store. The view's
/// range stays valid while it lives: a memory's base never moves, a memory never shrinks,
/// and a non-shared memory cannot grow while the view (borrowed from its store) lives.
///
/// Offsets are checked in 64-bit arithmetic, `offset + len <= len()`, so no range wraps.
/// Not `Send`: a view belongs to one host call on one thread.
#[derive(Clone, Copy, Debug)]
pub struct MemoryView<'a> {
    /// The memory's first byte.
    base: *mut u8,
    /// Bytes accessible at `base` when the view was made.
    len: usize,
    _memory: PhantomData<&'a Memory>,
}

/// An access outside a [`MemoryView`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the access is outside the memory")]
pub struct OutOfBounds;

impl<'a> MemoryView<'a> {
    /// The view of the `len` bytes at `base`.
    ///
    /// # Safety
    /// `base..base + len` must be mapped readable and writable for all of `'a`, and nothing
    /// may hold a Rust reference to those bytes during `'a` while the view is used (other
    /// threads may access them through raw pointers or compiled code, as Wasm threads do).
    pub unsafe fn from_raw_parts(base: *mut u8, len: usize) -> MemoryView<'a> {
        MemoryView { base, len, _memory: PhantomData }
    }

    /// The view of a host buffer, borrowed exclusively for `'a` (tests, and hosts that keep
    /// a memory image of their own).
    pub fn from_slice(bytes: &'a mut [u8]) -> MemoryView<'a> {
        // SAFETY: the slice is readable and writable for `'a` and exclusively borrowed, so
        // nothing else references its bytes; the view's accesses derive from its pointer.
        unsafe { MemoryView::from_raw_parts(bytes.as_mut_ptr(), bytes.len()) }
    }

    /// The view of the memory behind a [`VMMemory`] pointer, with its current length.
    ///
    /// # Safety
    /// `vm` must be [`Memory::vm_ptr`] of a [`Memory`] alive for `'a`; if that memory is not
    /// shared, it must not grow and its bytes must not be referenced during `'a` (Wasm code
    /// of its store is suspended).
    pub unsafe fn from_vm(vm: *mut VMMemory) -> MemoryView<'a> {
        // SAFETY: `vm` is live (the contract); the length is read atomically, as it is
        // written (`MemoryInner::grow`), and the first `length` bytes stay mapped for the
        // memory's lifetime (it never shrinks or moves).
        unsafe {
            let len = AtomicU64::from_ptr(&raw mut (*vm).length).load(Ordering::Acquire);
            MemoryView::from_raw_parts((*vm).base, len as usize)
        }
    }

    /// The memory's first byte.
    pub fn base(&self) -> *mut u8 {
        self.base
    }

    /// The bytes accessible through this view.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the view has no bytes (a memory of 0 pages).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The address of the `len` bytes at `offset`, if they lie inside the view (`offset +
    /// len <= self.len()` in 64-bit arithmetic). The pointer is valid for reads and writes
    /// of `len` bytes while the view lives, and must only be used through raw accesses
    /// (see the type's comment).
    pub fn range(&self, offset: u64, len: u64) -> Result<*mut u8, OutOfBounds> {
        let end = offset.checked_add(len).ok_or(OutOfBounds)?;
        if end > self.len as u64 {
            return Err(OutOfBounds);
        }
        // SAFETY: `offset <= end <= self.len`, so the result is inside (or one past the
        // end of) the mapping that starts at `base`.
        Ok(unsafe { self.base.add(offset as usize) })
    }

    /// Copies the `out.len()` bytes at `offset` into `out`.
    pub fn read(&self, offset: u64, out: &mut [u8]) -> Result<(), OutOfBounds> {
        let src = self.range(offset, out.len() as u64)?;
        // SAFETY: `src` is valid for `out.len()` bytes (checked by `range`); `out` is a host
        // buffer, never inside a guest memory that a view is made of while it is borrowed,
        // so the two do not overlap. The memory is only read through the raw pointer.
        unsafe { std::ptr::copy_nonoverlapping(src, out.as_mut_ptr(), out.len()) };
        Ok(())
    }

    /// Copies `data` to `offset`.
    pub fn write(&self, offset: u64, data: &[u8]) -> Result<(), OutOfBounds> {
        let dst = self.range(offset, data.len() as u64)?;
        // SAFETY: `dst` is valid for `data.len()` bytes of writes (checked by `range`);
        // `data` is a host buffer, so the two do not overlap. The memory is written only
        // through the raw pointer.
        unsafe { std::ptr::copy_nonoverlapping(data.as_ptr(), dst, data.len()) };
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shared_ty(min: u64, max: u64) -> MemoryType {
        MemoryType { min, max: Some(max), memory64: false, shared: true }
    }

    #[test]
    fn shared_memory_needs_a_maximum() {
        let ty = MemoryType { min: 1, max: None, memory64: false, shared: true };
        assert!(matches!(Memory::new(&ty), Err(MemoryError::SharedWithoutMaximum)));
    }

    #[test]
    fn views_of_a_shared_memory_share_length_and_bytes() {
        let mut a = Memory::new(&shared_ty(1, 4)).expect("memory");
        let handle = a.shared().expect("shared");
        let mut b = Memory::from_shared(handle.clone());
        assert_eq!(a.vm_ptr(), b.vm_ptr());
        a.data_mut()[10] = 7;
        assert_eq!(b.data()[10], 7);
        assert_eq!(b.grow(1), Some(1));
        assert_eq!(a.pages(), 2);
        assert_eq!(handle.ty().min, 2);
        let plain = Memory::new(&MemoryType { shared: false, ..shared_ty(1, 4) }).expect("memory");
        assert!(plain.shared().is_none());
    }

    #[test]
    fn concurrent_growth_hands_out_distinct_old_sizes() {
        let m = Memory::new(&shared_ty(0, 64)).expect("memory");
        let h = m.shared().expect("shared");
        let olds: Vec<u64> = std::thread::scope(|s| {
            let hs: Vec<_> = (0..4)
                .map(|_| {
                    let h = h.clone();
                    s.spawn(move || {
                        let mut v = Memory::from_shared(h);
                        (0..8).map(|_| v.grow(2).expect("fits")).collect::<Vec<_>>()
                    })
                })
                .collect();
            hs.into_iter().flat_map(|h| h.join().expect("thread")).collect()
        });
        let mut sorted = olds.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..32).map(|i| i * 2).collect::<Vec<_>>());
        assert_eq!(m.pages(), 64);
        assert!(Memory::from_shared(h).grow(1).is_none());
    }

    #[test]
    fn views_check_ranges_in_64_bits() {
        let mut m = Memory::new(&shared_ty(1, 4)).expect("memory");
        let v = m.view();
        assert_eq!(v.len(), 65536);
        assert!(v.write(65532, &[1, 2, 3, 4]).is_ok());
        let mut out = [0u8; 4];
        assert!(v.read(65532, &mut out).is_ok());
        assert_eq!(out, [1, 2, 3, 4]);
        assert_eq!(v.read(65533, &mut out), Err(OutOfBounds));
        assert_eq!(v.write(u64::MAX, &[1]), Err(OutOfBounds));
        assert_eq!(v.range(1, u64::MAX), Err(OutOfBounds));
        assert_eq!(v.range(65536, 0).map(|p| p as usize - v.base() as usize), Ok(65536));
        assert_eq!(v.range(65537, 0), Err(OutOfBounds));
    }

    /// Views of one shared memory in several threads write and read it at once (each to
    /// its own bytes, then all of them read back); a view keeps the length it was made with
    /// while another thread grows the memory.
    #[test]
    fn views_of_a_shared_memory_work_across_threads() {
        let mut m = Memory::new(&shared_ty(1, 8)).expect("memory");
        let h = m.shared().expect("shared");
        std::thread::scope(|s| {
            for t in 0..4u8 {
                let h = h.clone();
                s.spawn(move || {
                    let mut mine = Memory::from_shared(h);
                    let v = mine.view();
                    for i in 0..1000u64 {
                        v.write(u64::from(t) * 4096 + i, &[t ^ i as u8]).unwrap();
                    }
                });
            }
            let h = h.clone();
            s.spawn(move || {
                assert_eq!(Memory::from_shared(h).grow(1), Some(1));
            });
        });
        let before = m.view().len();
        let v = m.view();
        for t in 0..4u8 {
            for i in 0..1000u64 {
                let mut b = [0u8];
                v.read(u64::from(t) * 4096 + i, &mut b).unwrap();
                assert_eq!(b[0], t ^ i as u8);
            }
        }
        assert_eq!(before, 2 * 65536);
        let view = m.view();
        assert_eq!(Memory::from_shared(h).grow(1), Some(2));
        assert_eq!(view.len(), 2 * 65536, "a view keeps its length");
        assert!(view.read(2 * 65536, &mut [0u8]).is_err());
    }
}
