//! The one checked door from WASI code to guest linear memory.
//!
//! Every guest address is a [`GuestPtr`]: a 32-bit Wasm address widened to 64 bits, so that
//! address arithmetic (`ptr + 4`, `base + 8 * i`) can never wrap around to low memory the
//! way `u32` arithmetic does at `0xfffffffc`. An access of `len` bytes at `ptr` is allowed
//! only if `ptr + len <= memory length`, computed in 64 bits against the memory's length at
//! the time of the call; otherwise it fails with `EFAULT`. The model is Wasmtime's `wiggle`
//! `GuestPtr`. Nothing else in `wasi` touches the memory's bytes.
//!
//! The memory may be shared with other threads (wasi-threads: every thread's store imports
//! one shared memory), which may write it while a WASI call runs. So [`GuestMemory`] is a
//! raw view ([`MemoryView`]: base pointer and the length at the call's start; a shared
//! memory never moves or shrinks) and never makes a Rust reference to guest bytes: values
//! and structures are copied in and out of host buffers, and bulk I/O gets a checked raw
//! range ([`GuestBuf`]) that the host system call reads or writes directly. A guest that
//! changes its own arguments during a call (another thread rewriting an iovec) sees the
//! call use the value read at one moment or the other, each use checked again.

use std::marker::PhantomData;

use super::errno;
use crate::memory::MemoryView;

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

/// A guest linear memory, viewed for the duration of one WASI call (see the module
/// comment): every accessor checks its range and copies; none hands out a reference.
#[derive(Clone, Copy)]
pub(crate) struct GuestMemory<'a> {
    view: MemoryView<'a>,
}

/// A checked range of guest memory for a host system call to read or write directly:
/// `len` bytes at `ptr`, inside the memory for `'a` (made only by [`GuestMemory::buf`]).
/// Other threads may access the bytes meanwhile, as they may during a native `read`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct GuestBuf<'a> {
    ptr: *mut u8,
    len: usize,
    _memory: PhantomData<MemoryView<'a>>,
}

impl GuestBuf<'_> {
    /// The first byte (valid for reads and writes of [`GuestBuf::len`] bytes).
    pub(crate) fn ptr(&self) -> *mut u8 {
        self.ptr
    }

    /// The length in bytes.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// The bytes after the first `n` (none if `n >= len`).
    pub(crate) fn skip(self, n: usize) -> Self {
        let n = n.min(self.len);
        // SAFETY: `n <= len`, so the result stays inside (or one past the end of) the
        // checked range.
        GuestBuf { ptr: unsafe { self.ptr.add(n) }, len: self.len - n, _memory: PhantomData }
    }

    /// At most the first `n` bytes.
    pub(crate) fn take(self, n: usize) -> Self {
        GuestBuf { len: self.len.min(n), ..self }
    }
}

impl<'a> GuestMemory<'a> {
    /// Wraps the view of the memory (its length when the call began).
    pub(crate) fn new(view: MemoryView<'a>) -> GuestMemory<'a> {
        GuestMemory { view }
    }

    /// Checks that `len` bytes at `ptr` are inside the memory, without touching them.
    pub(crate) fn check(&self, ptr: GuestPtr, len: u64) -> Result<(), u32> {
        self.view.range(ptr.0, len).map(|_| ()).map_err(|_| errno::FAULT)
    }

    /// The `len` bytes at `ptr` as a raw range for a host call (`EFAULT` outside memory).
    pub(crate) fn buf(&self, ptr: GuestPtr, len: u64) -> Result<GuestBuf<'a>, u32> {
        let p = self.view.range(ptr.0, len).map_err(|_| errno::FAULT)?;
        // `len` fits in usize: it is at most the memory's length.
        Ok(GuestBuf { ptr: p, len: len as usize, _memory: PhantomData })
    }

    /// Copies the `out.len()` bytes at `ptr` into `out`.
    pub(crate) fn read(&self, ptr: GuestPtr, out: &mut [u8]) -> Result<(), u32> {
        self.view.read(ptr.0, out).map_err(|_| errno::FAULT)
    }

    /// A copy of the `len` bytes at `ptr` (checked before anything is allocated, so the
    /// host allocates at most what the memory holds).
    pub(crate) fn read_vec(&self, ptr: GuestPtr, len: u64) -> Result<Vec<u8>, u32> {
        self.check(ptr, len)?;
        let mut out = vec![0u8; len as usize];
        self.read(ptr, &mut out)?;
        Ok(out)
    }

    /// Copies `data` to `ptr`.
    pub(crate) fn write(&self, ptr: GuestPtr, data: &[u8]) -> Result<(), u32> {
        self.view.write(ptr.0, data).map_err(|_| errno::FAULT)
    }

    /// The `N` bytes at `ptr`.
    fn array<const N: usize>(&self, ptr: GuestPtr) -> Result<[u8; N], u32> {
        let mut out = [0u8; N];
        self.read(ptr, &mut out)?;
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
    pub(crate) fn put_u32(&self, ptr: GuestPtr, v: u32) -> Result<(), u32> {
        self.write(ptr, &v.to_le_bytes())
    }

    /// Stores `v` little-endian at `ptr`.
    pub(crate) fn put_u64(&self, ptr: GuestPtr, v: u64) -> Result<(), u32> {
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

    /// Entry `i` as a checked range of memory (its entry read now: another thread, or the
    /// call's own reads into an overlapping buffer, may have changed it since a check).
    pub(crate) fn get<'a>(&self, mem: &GuestMemory<'a>, i: u32) -> Result<GuestBuf<'a>, u32> {
        let entry = self.base.elem(u64::from(i), 8);
        let buf = GuestPtr::new(mem.u32(entry)?);
        let len = u64::from(mem.u32(entry.add(4))?);
        mem.buf(buf, len)
    }

    /// Checks every buffer (`EFAULT` for the first outside memory) and returns their total
    /// length in bytes. Costs one pass over the entries and no allocation.
    pub(crate) fn check_all(&self, mem: &GuestMemory<'_>) -> Result<u64, u32> {
        let mut total = 0u64;
        for i in 0..self.count {
            total += self.get(mem, i)?.len() as u64;
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

    fn guest(bytes: &mut [u8]) -> GuestMemory<'_> {
        GuestMemory::new(MemoryView::from_slice(bytes))
    }

    #[test]
    fn wrap_around_at_fffffffc_is_a_fault() {
        let mut bytes = mem();
        bytes[0..4].copy_from_slice(&7u32.to_le_bytes());
        let m = guest(&mut bytes);
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
            // SAFETY: the mapping is LEN bytes, readable and writable, and only this view
            // uses it until it is unmapped after the view's scope.
            let m = GuestMemory::new(unsafe { MemoryView::from_raw_parts(base.cast(), LEN) });
            m.put_u32(GuestPtr::new(0), 7).unwrap();
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
        // SAFETY: unmaps the mapping made above; the view is gone.
        assert_eq!(unsafe { libc::munmap(base, LEN) }, 0);
    }

    #[test]
    fn length_overflow_is_a_fault() {
        let mut bytes = mem();
        let m = guest(&mut bytes);
        assert_eq!(m.buf(GuestPtr::new(16), u64::MAX).err(), Some(errno::FAULT));
        assert_eq!(m.buf(GuestPtr::new(16), u64::from(u32::MAX)).err(), Some(errno::FAULT));
        assert_eq!(m.read_vec(GuestPtr::new(16), u64::from(u32::MAX)).err(), Some(errno::FAULT));
        assert_eq!(m.write(GuestPtr::new(u32::MAX), &[1, 2]).err(), Some(errno::FAULT));
        let saturated = GuestPtr::new(u32::MAX).elem(u64::MAX, 8);
        assert_eq!(saturated.addr(), u64::MAX);
        assert_eq!(m.check(saturated, 0), Err(errno::FAULT));
    }

    #[test]
    fn exactly_at_end_is_allowed_one_past_is_not() {
        let mut bytes = mem();
        let m = guest(&mut bytes);
        let last = GuestPtr::new(65536 - 4);
        m.put_u32(last, 0xdead_beef).unwrap();
        assert_eq!(m.u32(last), Ok(0xdead_beef));
        assert_eq!(m.u32(last.add(1)), Err(errno::FAULT));
        assert_eq!(m.buf(GuestPtr::new(0), 65536).map(|b| b.len()), Ok(65536));
        assert_eq!(m.buf(GuestPtr::new(0), 65537).err(), Some(errno::FAULT));
        assert_eq!(&bytes[65532..], &0xdead_beef_u32.to_le_bytes());
    }

    #[test]
    fn zero_length_at_end_is_allowed_past_end_is_not() {
        let mut bytes = mem();
        let m = guest(&mut bytes);
        assert_eq!(m.buf(GuestPtr::new(65536), 0).map(|b| b.len()), Ok(0));
        assert_eq!(m.check(GuestPtr::new(65537), 0), Err(errno::FAULT));
        assert_eq!(m.check(GuestPtr::new(u32::MAX), 0), Err(errno::FAULT));
    }

    #[test]
    fn bufs_skip_and_take_within_their_range() {
        let mut bytes = mem();
        let base = bytes.as_mut_ptr();
        let m = guest(&mut bytes);
        let b = m.buf(GuestPtr::new(100), 10).unwrap();
        assert_eq!((b.ptr(), b.len()), (base.wrapping_add(100), 10));
        let rest = b.skip(4);
        assert_eq!((rest.ptr(), rest.len()), (base.wrapping_add(104), 6));
        assert_eq!(b.skip(99).len(), 0);
        assert_eq!(b.skip(99).ptr(), base.wrapping_add(110));
        assert_eq!(b.take(3).len(), 3);
        assert_eq!(b.take(30).len(), 10);
    }

    #[test]
    fn iovecs_check_the_array_and_each_buffer() {
        let mut bytes = mem();
        // iovec 0: 16 bytes at 100; iovec 1: 0xffffffff bytes at 200 (past the end).
        bytes[0..8].copy_from_slice(&[100, 0, 0, 0, 16, 0, 0, 0]);
        bytes[8..16].copy_from_slice(&[200, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]);
        let base = bytes.as_mut_ptr();
        let m = guest(&mut bytes);
        let iovs = m.iovecs(GuestPtr::new(0), 2).unwrap();
        let first = iovs.get(&m, 0).unwrap();
        assert_eq!((first.ptr(), first.len()), (base.wrapping_add(100), 16));
        assert_eq!(iovs.get(&m, 1).err(), Some(errno::FAULT));
        assert_eq!(iovs.check_all(&m), Err(errno::FAULT));
        // An array of 0x20000000 entries (4 GiB) does not fit in 64 KiB.
        assert_eq!(m.iovecs(GuestPtr::new(0), 0x2000_0000).err(), Some(errno::FAULT));
        // The last 8 bytes hold exactly one entry.
        assert!(m.iovecs(GuestPtr::new(65536 - 8), 1).is_ok());
        assert!(m.iovecs(GuestPtr::new(65536 - 8), 2).is_err());
    }
}
