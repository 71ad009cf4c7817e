//! Contiguous reservations of address space: the nursery and the old generation's (or the
//! semispace collector's) two semispaces.

/// Fill pattern of poisoned memory (`WASMC_GC_POISON`): evacuated nursery and from-space,
/// freed large objects. A word of it (0xdada...da) is even, so it reads as neither an
/// `i31` nor a forwarded header, misaligned (the verifier reports it) and non-canonical (a
/// dereference faults): a stale element read from freed memory and stored elsewhere is
/// noticed, not taken for an `i31`. (0xdb made odd words, which did pass as `i31`s.)
pub const POISON: u8 = 0xda;

/// A reservation of `reserved` bytes at `base` (mapped read-write, committed lazily by the
/// OS), or none (`base == reserved == 0`, containing nothing).
pub(crate) struct Space {
    pub(crate) base: usize,
    pub(crate) reserved: usize,
}

impl Space {
    /// No reservation: contains nothing.
    pub(crate) const NONE: Space = Space { base: 0, reserved: 0 };

    /// Reserves `bytes` of address space, read-write.
    ///
    /// # Errors
    /// The OS error when `mmap` refuses (typically under `ulimit -v`).
    pub(crate) fn new(bytes: usize) -> Result<Space, std::io::Error> {
        // SAFETY: an anonymous private mapping, checked below.
        let p = unsafe {
            libc::mmap(
                core::ptr::null_mut(),
                bytes,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
                -1,
                0,
            )
        };
        if p == libc::MAP_FAILED {
            return Err(std::io::Error::last_os_error());
        }
        Ok(Space { base: p as usize, reserved: bytes })
    }

    /// Reserves two semispaces of `bytes` each; a refusal is reported as a heap of
    /// `max` bytes per semispace (the `WASMC_GC_HEAP` maximum the user set).
    ///
    /// # Errors
    /// [`HeapError::Reserve`](crate::HeapError::Reserve) with the OS error.
    pub(crate) fn semispaces(bytes: usize, max: usize) -> Result<[Space; 2], crate::HeapError> {
        let err = |error| crate::HeapError::Reserve { semispace: max, error };
        Ok([Space::new(bytes).map_err(err)?, Space::new(bytes).map_err(err)?])
    }

    pub(crate) fn is_reserved(&self) -> bool {
        self.reserved != 0
    }

    pub(crate) fn end(&self) -> usize {
        self.base + self.reserved
    }

    pub(crate) fn contains(&self, p: usize) -> bool {
        p.wrapping_sub(self.base) < self.reserved
    }

    /// Changes the protection of the whole reservation (poisoning: `PROT_NONE` on freed
    /// from-space, read-write before it is used again).
    pub(crate) fn protect(&self, prot: libc::c_int) {
        if self.reserved == 0 {
            return;
        }
        // SAFETY: changes the protection of our own mapping.
        unsafe { libc::mprotect(self.base as *mut libc::c_void, self.reserved, prot) };
    }

    /// Fills the first `used` bytes with [`POISON`].
    pub(crate) fn poison(&self, used: usize) {
        debug_assert!(used <= self.reserved);
        // SAFETY: the first `used` bytes of our read-write reservation, holding no live
        // object (the caller evacuated them).
        unsafe { core::ptr::write_bytes(self.base as *mut u8, POISON, used) };
    }

    /// Returns the first `used` bytes' pages to the OS (they read as zero afterwards), so
    /// that an emptied from-space does not keep its resident memory.
    pub(crate) fn decommit(&self, used: usize) {
        let page = 4096;
        let len = used.div_ceil(page) * page;
        if len == 0 {
            return;
        }
        // SAFETY: our own private anonymous mapping, holding no live object.
        unsafe {
            libc::madvise(
                self.base as *mut libc::c_void,
                len.min(self.reserved),
                libc::MADV_DONTNEED,
            )
        };
    }
}

impl Drop for Space {
    fn drop(&mut self) {
        if self.reserved == 0 {
            return;
        }
        // SAFETY: unmaps exactly our reservation.
        unsafe { libc::munmap(self.base as *mut libc::c_void, self.reserved) };
    }
}
