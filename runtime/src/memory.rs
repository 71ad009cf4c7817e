//! Linear memories: a reservation of address space, of which the first `length` bytes are
//! readable and writable; the rest faults. A 32-bit memory reserves [`MEMORY_RESERVATION`]
//! bytes, so that the guard region behind its largest size catches every index plus offset
//! and compiled code checks no bounds. A 64-bit memory (memory64) is bounds-checked by
//! compiled code instead; it reserves its maximum size, at most [`MAX_PAGES_64`] pages.

use crate::abi::{MEMORY_RESERVATION, VMMemory, WASM_PAGE_SIZE};
use crate::meta::MemoryType;

/// Most pages a 32-bit memory can have (4 GiB).
pub const MAX_PAGES_32: u64 = 1 << 16;

/// Most pages wasmc gives a 64-bit memory (16 GiB), whatever its declared maximum: the
/// memory reserves this much address space up front so that growing never moves it. A
/// `memory.grow` beyond fails (returns -1, as the spec allows); a larger minimum fails
/// instantiation.
pub const MAX_PAGES_64: u64 = 1 << 18;

/// A linear memory owned by an instance.
pub struct Memory {
    /// What compiled code sees; its address is stable (the memory is boxed).
    pub vm: VMMemory,
    /// The memory's type (for import checks: `min` is updated to the current size).
    pub ty: MemoryType,
    reserved: usize,
}

// SAFETY: the memory is a private mapping owned by this value.
unsafe impl Send for Memory {}

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
    /// Shared memories (threads proposal) are not supported.
    #[error("unsupported memory type (shared memories need the threads proposal)")]
    Unsupported,
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
    /// [`MemoryError::Unsupported`] for shared memories; [`MemoryError::TooLarge`].
    pub fn new(ty: &MemoryType) -> Result<Box<Memory>, MemoryError> {
        if ty.shared {
            return Err(MemoryError::Unsupported);
        }
        let limit = if ty.memory64 { MAX_PAGES_64 } else { MAX_PAGES_32 };
        if ty.min > limit {
            return Err(MemoryError::TooLarge { min: ty.min, max: limit });
        }
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
        let mut m = Box::new(Memory {
            vm: VMMemory { base: base.cast(), length: 0 },
            ty: ty.clone(),
            reserved: size,
        });
        if m.grow(ty.min).is_none() {
            let error = std::io::Error::last_os_error();
            return Err(MemoryError::Commit { bytes: ty.min * WASM_PAGE_SIZE, error });
        }
        Ok(m)
    }

    /// Current size in pages.
    pub fn pages(&self) -> u64 {
        self.vm.length / WASM_PAGE_SIZE
    }

    /// Maximum size in pages.
    pub fn max_pages(&self) -> u64 {
        let limit = if self.ty.memory64 { MAX_PAGES_64 } else { MAX_PAGES_32 };
        self.ty.max.unwrap_or(limit).min(limit)
    }

    /// `memory.grow`: returns the old size in pages, or `None` if the memory cannot grow by
    /// `delta` pages.
    pub fn grow(&mut self, delta: u64) -> Option<u64> {
        let old = self.pages();
        let new = old.checked_add(delta)?;
        if new > self.max_pages() {
            return None;
        }
        if delta > 0 {
            let start = self.vm.length as usize;
            let len = (delta * WASM_PAGE_SIZE) as usize;
            // SAFETY: [start, start + len) lies inside our reservation (new <= max_pages,
            // which the reservation covers).
            let r = unsafe {
                libc::mprotect(
                    self.vm.base.add(start).cast(),
                    len,
                    libc::PROT_READ | libc::PROT_WRITE,
                )
            };
            if r != 0 {
                return None;
            }
        }
        self.vm.length = new * WASM_PAGE_SIZE;
        self.ty.min = new;
        Some(old)
    }

    /// The accessible bytes.
    pub fn data(&self) -> &[u8] {
        // SAFETY: the first `length` bytes are mapped read/write and owned by this memory.
        unsafe { std::slice::from_raw_parts(self.vm.base, self.vm.length as usize) }
    }

    /// The accessible bytes, mutably.
    pub fn data_mut(&mut self) -> &mut [u8] {
        // SAFETY: as in `data`.
        unsafe { std::slice::from_raw_parts_mut(self.vm.base, self.vm.length as usize) }
    }
}

impl Drop for Memory {
    fn drop(&mut self) {
        // SAFETY: unmaps exactly the reservation made in `new`.
        unsafe { libc::munmap(self.vm.base.cast(), self.reserved) };
    }
}

/// The bytes of the memory behind a `VMMemory` pointer.
///
/// # Safety
/// `vm` must point to the `vm` field of a live [`Memory`], and no other reference to its
/// bytes may be used while the slice lives (Wasm code is not running concurrently).
pub unsafe fn vm_memory_bytes<'a>(vm: *mut VMMemory) -> &'a mut [u8] {
    // SAFETY: see the function's contract.
    unsafe { std::slice::from_raw_parts_mut((*vm).base, (*vm).length as usize) }
}
