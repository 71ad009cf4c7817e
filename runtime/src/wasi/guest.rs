//! The one checked door from WASI code to guest linear memory.
//!
//! Every guest address is a [`GuestPtr`]: a 32-bit Wasm address widened to 64 bits, so that
//! address arithmetic (`ptr + 4`, `base + 8 * i`) can never wrap around to low memory the
//! way `u32` arithmetic does at `0xfffffffc`. An access of `len` bytes at `ptr` is allowed
//! only if `ptr + len <= memory length`, computed in 64 bits against the memory's length at
//! the time of the call; otherwise it fails with `EFAULT`. The model is Wasmtime's `wiggle`
//! `GuestPtr`. Nothing else in `wasi` indexes the memory's bytes.

use super::errno;

/// A guest address in 64-bit arithmetic. Offsets saturate, and `u64::MAX` is never inside a
/// memory (memories are at most 4 GiB here), so an overflowing computation is a fault,
/// never a wrap.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct GuestPtr(u64);

impl GuestPtr {
    /// The guest address `addr` (a Wasm `i32` pointer argument, read as unsigned).
    pub(crate) fn new(addr: u32) -> GuestPtr {
        GuestPtr(u64::from(addr))
    }

    /// The address `bytes` further on (no wrap-around).
    pub(crate) fn add(self, bytes: u64) -> GuestPtr {
        GuestPtr(self.0.saturating_add(bytes))
    }

    /// The address of element `index` of an array of `size`-byte elements at `self`.
    pub(crate) fn elem(self, index: u64, size: u64) -> GuestPtr {
        self.add(index.saturating_mul(size))
    }

    /// The address as a 64-bit number.
    pub(crate) fn addr(self) -> u64 {
        self.0
    }
}

/// A guest linear memory, borrowed for the duration of one WASI call.
pub(crate) struct GuestMemory<'a> {
    bytes: &'a mut [u8],
}

impl<'a> GuestMemory<'a> {
    /// Wraps the bytes of the memory (its current length).
    pub(crate) fn new(bytes: &'a mut [u8]) -> GuestMemory<'a> {
        GuestMemory { bytes }
    }

    /// The byte range `ptr..ptr + len`, if it lies inside the memory (`EFAULT` otherwise).
    fn range(&self, ptr: GuestPtr, len: u64) -> Result<std::ops::Range<usize>, u32> {
        let end = ptr.0.checked_add(len).ok_or(errno::FAULT)?;
        if end > self.bytes.len() as u64 {
            return Err(errno::FAULT);
        }
        // Both fit in usize: they are at most the memory's length.
        Ok(ptr.0 as usize..end as usize)
    }

    /// Checks that `len` bytes at `ptr` are inside the memory, without touching them.
    pub(crate) fn check(&self, ptr: GuestPtr, len: u64) -> Result<(), u32> {
        self.range(ptr, len).map(|_| ())
    }

    /// The `len` bytes at `ptr`.
    pub(crate) fn slice(&self, ptr: GuestPtr, len: u64) -> Result<&[u8], u32> {
        let r = self.range(ptr, len)?;
        Ok(&self.bytes[r])
    }

    /// The `len` bytes at `ptr`, writable.
    pub(crate) fn slice_mut(&mut self, ptr: GuestPtr, len: u64) -> Result<&mut [u8], u32> {
        let r = self.range(ptr, len)?;
        Ok(&mut self.bytes[r])
    }

    /// Copies `data` to `ptr`.
    pub(crate) fn write(&mut self, ptr: GuestPtr, data: &[u8]) -> Result<(), u32> {
        self.slice_mut(ptr, data.len() as u64)?.copy_from_slice(data);
        Ok(())
    }

    /// The `N` bytes at `ptr`.
    fn array<const N: usize>(&self, ptr: GuestPtr) -> Result<[u8; N], u32> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.slice(ptr, N as u64)?);
        Ok(out)
    }

    /// The byte at `ptr`.
    pub(crate) fn u8(&self, ptr: GuestPtr) -> Result<u8, u32> {
        Ok(self.array::<1>(ptr)?[0])
    }

    /// The little-endian `u16` at `ptr` (no alignment required).
    pub(crate) fn u16(&self, ptr: GuestPtr) -> Result<u16, u32> {
        Ok(u16::from_le_bytes(self.array(ptr)?))
    }

    /// The little-endian `u32` at `ptr` (no alignment required).
    pub(crate) fn u32(&self, ptr: GuestPtr) -> Result<u32, u32> {
        Ok(u32::from_le_bytes(self.array(ptr)?))
    }

    /// The little-endian `u64` at `ptr` (no alignment required).
    pub(crate) fn u64(&self, ptr: GuestPtr) -> Result<u64, u32> {
        Ok(u64::from_le_bytes(self.array(ptr)?))
    }

    /// Stores `v` little-endian at `ptr`.
    pub(crate) fn put_u32(&mut self, ptr: GuestPtr, v: u32) -> Result<(), u32> {
        self.write(ptr, &v.to_le_bytes())
    }

    /// Stores `v` little-endian at `ptr`.
    pub(crate) fn put_u64(&mut self, ptr: GuestPtr, v: u64) -> Result<(), u32> {
        self.write(ptr, &v.to_le_bytes())
    }

    /// The iovec list (`ciovec`/`iovec`: `{buf: u32, buf_len: u32}`, 8 bytes each) of `count`
    /// entries at `iovs`. The whole array is checked up front, so an array that runs past the
    /// end of memory is `EFAULT` before any host I/O; the buffers themselves are checked as
    /// they are used (see [`IoVecs::get`]).
    pub(crate) fn iovecs(&self, iovs: GuestPtr, count: u32) -> Result<IoVecs, u32> {
        self.check(iovs, u64::from(count) * 8)?;
        Ok(IoVecs { base: iovs, count })
    }
}

/// A checked iovec array in guest memory (see [`GuestMemory::iovecs`]).
#[derive(Clone, Copy)]
pub(crate) struct IoVecs {
    base: GuestPtr,
    count: u32,
}

impl IoVecs {
    /// The number of entries.
    pub(crate) fn len(&self) -> u32 {
        self.count
    }

    /// Entry `i`: the buffer's address and length, the buffer checked to lie in memory.
    pub(crate) fn get(&self, mem: &GuestMemory<'_>, i: u32) -> Result<(GuestPtr, u64), u32> {
        let entry = self.base.elem(u64::from(i), 8);
        let buf = GuestPtr::new(mem.u32(entry)?);
        let len = u64::from(mem.u32(entry.add(4))?);
        mem.check(buf, len)?;
        Ok((buf, len))
    }

    /// Checks every buffer (`EFAULT` for the first outside memory) and returns their total
    /// length in bytes. Costs one pass over the entries and no allocation.
    pub(crate) fn check_all(&self, mem: &GuestMemory<'_>) -> Result<u64, u32> {
        let mut total = 0u64;
        for i in 0..self.count {
            total += self.get(mem, i)?.1;
        }
        Ok(total)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 64 KiB memory.
    fn mem() -> Vec<u8> {
        vec![0u8; 65536]
    }

    #[test]
    fn wrap_around_at_fffffffc_is_a_fault() {
        let mut bytes = mem();
        bytes[0..4].copy_from_slice(&7u32.to_le_bytes());
        let m = GuestMemory::new(&mut bytes);
        let p = GuestPtr::new(0xffff_fffc);
        // In u32 arithmetic `p + 4` would be address 0, which holds 7.
        assert_eq!(m.u32(p.add(4)), Err(errno::FAULT));
        assert_eq!(m.u32(p), Err(errno::FAULT));
        assert_eq!(m.u64(p), Err(errno::FAULT));
        assert_eq!(m.iovecs(p, 1).err(), Some(errno::FAULT));
        assert_eq!(p.add(4).addr(), 0x1_0000_0000);
    }

    #[test]
    fn wrap_around_in_a_full_4gib_memory_is_a_fault() {
        const LEN: usize = 1 << 32;
        // SAFETY: a fresh private anonymous mapping, unmapped below; untouched pages cost
        // nothing (MAP_NORESERVE).
        let base = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                LEN,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
                -1,
                0,
            )
        };
        assert_ne!(base, libc::MAP_FAILED);
        {
            // SAFETY: the mapping is LEN bytes, readable and writable, and only this slice
            // uses it until it is unmapped after the slice's scope.
            let bytes = unsafe { std::slice::from_raw_parts_mut(base.cast::<u8>(), LEN) };
            bytes[0..4].copy_from_slice(&7u32.to_le_bytes());
            let mut m = GuestMemory::new(bytes);
            let p = GuestPtr::new(0xffff_fffc);
            assert_eq!(m.u32(p), Ok(0));
            // The length of an iovec at 0xfffffffc would be read from address 0 in u32.
            assert_eq!(m.u32(p.add(4)), Err(errno::FAULT));
            assert_eq!(m.iovecs(p, 1).err(), Some(errno::FAULT));
            assert_eq!(m.put_u64(p, 1), Err(errno::FAULT));
            assert!(m.put_u32(p, 1).is_ok());
            assert_eq!(m.check(GuestPtr::new(0), 1 << 32), Ok(()));
            assert_eq!(m.check(GuestPtr::new(1), 1 << 32), Err(errno::FAULT));
            assert_eq!(m.u32(GuestPtr::new(0)), Ok(7));
        }
        // SAFETY: unmaps the mapping made above; the slice is gone.
        assert_eq!(unsafe { libc::munmap(base, LEN) }, 0);
    }

    #[test]
    fn length_overflow_is_a_fault() {
        let mut bytes = mem();
        let mut m = GuestMemory::new(&mut bytes);
        assert_eq!(m.slice(GuestPtr::new(16), u64::MAX).err(), Some(errno::FAULT));
        assert_eq!(m.slice(GuestPtr::new(16), u64::from(u32::MAX)).err(), Some(errno::FAULT));
        assert_eq!(m.slice_mut(GuestPtr::new(u32::MAX), 2).err(), Some(errno::FAULT));
        let saturated = GuestPtr::new(u32::MAX).elem(u64::MAX, 8);
        assert_eq!(saturated.addr(), u64::MAX);
        assert_eq!(m.check(saturated, 0), Err(errno::FAULT));
    }

    #[test]
    fn exactly_at_end_is_allowed_one_past_is_not() {
        let mut bytes = mem();
        let mut m = GuestMemory::new(&mut bytes);
        let last = GuestPtr::new(65536 - 4);
        m.put_u32(last, 0xdead_beef).unwrap();
        assert_eq!(m.u32(last), Ok(0xdead_beef));
        assert_eq!(m.u32(last.add(1)), Err(errno::FAULT));
        assert_eq!(m.slice(GuestPtr::new(0), 65536).map(<[u8]>::len), Ok(65536));
        assert_eq!(m.slice(GuestPtr::new(0), 65537).err(), Some(errno::FAULT));
    }

    #[test]
    fn zero_length_at_end_is_allowed_past_end_is_not() {
        let mut bytes = mem();
        let m = GuestMemory::new(&mut bytes);
        assert_eq!(m.slice(GuestPtr::new(65536), 0).map(<[u8]>::len), Ok(0));
        assert_eq!(m.check(GuestPtr::new(65537), 0), Err(errno::FAULT));
        assert_eq!(m.check(GuestPtr::new(u32::MAX), 0), Err(errno::FAULT));
    }

    #[test]
    fn iovecs_check_the_array_and_each_buffer() {
        let mut bytes = mem();
        // iovec 0: 16 bytes at 100; iovec 1: 0xffffffff bytes at 200 (past the end).
        bytes[0..8].copy_from_slice(&[100, 0, 0, 0, 16, 0, 0, 0]);
        bytes[8..16].copy_from_slice(&[200, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]);
        let m = GuestMemory::new(&mut bytes);
        let iovs = m.iovecs(GuestPtr::new(0), 2).unwrap();
        assert_eq!(iovs.get(&m, 0), Ok((GuestPtr::new(100), 16)));
        assert_eq!(iovs.get(&m, 1), Err(errno::FAULT));
        assert_eq!(iovs.check_all(&m), Err(errno::FAULT));
        // An array of 0x20000000 entries (4 GiB) does not fit in 64 KiB.
        assert_eq!(m.iovecs(GuestPtr::new(0), 0x2000_0000).err(), Some(errno::FAULT));
        // The last 8 bytes hold exactly one entry.
        assert!(m.iovecs(GuestPtr::new(65536 - 8), 1).is_ok());
        assert!(m.iovecs(GuestPtr::new(65536 - 8), 2).is_err());
    }
}
