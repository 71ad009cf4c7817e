//! The `fd_*` functions: I/O on open descriptors.
//!
//! Reads and writes go straight between the host descriptor and the guest's buffers, one
//! iovec at a time: the host allocates nothing in proportion to the lengths a guest claims,
//! and every buffer is checked against the memory (`EFAULT`) before any I/O happens, so a
//! bad iovec never loses data already consumed from a pipe.

use std::io::{Seek, SeekFrom};
use std::os::fd::AsRawFd;

use super::ctx::Fd;
use super::guest::{GuestBuf, GuestMemory, IoVecs};
use super::host::{check, filetype, fstat, last_errno, read_dir_entries, retry_eintr};
use super::{Cx, a32, errno, fdflags, filetype::*, ptr, put_filestat, rights, timespecs};

/// Transfers of one call stop at `u32::MAX` bytes: the count is returned as a `u32`.
const MAX_TRANSFER: u64 = u32::MAX as u64;

/// One `read`/`pread` (EINTR retried) into the guest buffer `buf`; returns the bytes read.
fn read_once(fd: &Fd, buf: GuestBuf<'_>, offset: Option<u64>) -> Result<usize, u32> {
    if let Fd::Dir { .. } = fd {
        return Err(errno::ISDIR);
    }
    let raw = fd.raw();
    let offset = offset.map(|off| i64::try_from(off).map_err(|_| errno::INVAL)).transpose()?;
    retry_eintr(|| match offset {
        // SAFETY: reads at most `buf.len()` bytes into a checked range of guest memory,
        // mapped for the call (`GuestBuf`); the kernel writes it, no reference is made.
        None => unsafe { libc::read(raw, buf.ptr().cast(), buf.len()) },
        // SAFETY: as above.
        Some(off) => unsafe { libc::pread(raw, buf.ptr().cast(), buf.len(), off) },
    })
}

/// One `write`/`pwrite` (EINTR retried) from the guest buffer `buf`; returns the bytes
/// written.
fn write_once(fd: &Fd, buf: GuestBuf<'_>, offset: Option<u64>) -> Result<usize, u32> {
    if let Fd::Dir { .. } = fd {
        return Err(errno::ISDIR);
    }
    let raw = fd.raw();
    let offset = offset.map(|off| i64::try_from(off).map_err(|_| errno::INVAL)).transpose()?;
    retry_eintr(|| match offset {
        // SAFETY: writes at most `buf.len()` bytes from a checked range of guest memory,
        // mapped for the call (`GuestBuf`), which the kernel only reads.
        None => unsafe { libc::write(raw, buf.ptr().cast(), buf.len()) },
        // SAFETY: as above.
        Some(off) => unsafe { libc::pwrite(raw, buf.ptr().cast(), buf.len(), off) },
    })
}

/// Reads into the iovecs in order, straight into guest memory, until one is not filled;
/// returns the total. An error after some bytes were read ends the call with those bytes:
/// so does an iovec that no longer checks (the read itself may have rewritten it, when a
/// buffer overlaps the iovec array, or another thread may have), so consumed bytes are
/// never lost. The caller holds the descriptor's read lock.
fn read_iovecs(
    fd: &Fd,
    mem: &GuestMemory<'_>,
    iovs: IoVecs,
    offset: Option<u64>,
) -> Result<u64, u32> {
    let mut total = 0u64;
    for i in 0..iovs.len() {
        // Once bytes were read, a failed check ends the call with them.
        let buf = match iovs.get(mem, i) {
            Ok(v) => v,
            Err(_) if total > 0 => break,
            Err(e) => return Err(e),
        };
        let buf = buf.take((MAX_TRANSFER - total) as usize);
        if buf.len() == 0 {
            continue;
        }
        let n = match read_once(fd, buf, offset.map(|o| o.saturating_add(total))) {
            Ok(n) => n as u64,
            Err(_) if total > 0 => break,
            Err(e) => return Err(e),
        };
        total += n;
        if n < buf.len() as u64 {
            break;
        }
    }
    Ok(total)
}

/// Most buffers of one `fd_write` that go out in a single `writev`.
const WRITEV_MAX: usize = 16;

/// Writes the iovecs in order, straight from guest memory; returns the total. An error after
/// some bytes were written ends the call with those bytes. The caller holds the
/// descriptor's write lock, so what this writes in several system calls still reaches the
/// descriptor as one piece among other threads' writes.
fn write_iovecs(
    fd: &Fd,
    mem: &GuestMemory<'_>,
    iovs: IoVecs,
    offset: Option<u64>,
) -> Result<u64, u32> {
    let mut total = 0u64;
    // Several buffers (wasi-libc's stdio writes its buffer and the new data as two) go out
    // in one `writev`, as a native program's would: one system call, and lines reach a pipe
    // whole. What a short write leaves is written buffer by buffer below.
    let mut skip = 0u64;
    let count = iovs.len() as usize;
    if offset.is_none() && (2..=WRITEV_MAX).contains(&count) && !matches!(fd, Fd::Dir { .. }) {
        let mut vecs = [libc::iovec { iov_base: std::ptr::null_mut(), iov_len: 0 }; WRITEV_MAX];
        let mut want = 0u64;
        for (i, v) in vecs.iter_mut().enumerate().take(count) {
            let src = iovs.get(mem, i as u32)?.take((MAX_TRANSFER - want) as usize);
            *v = libc::iovec { iov_base: src.ptr().cast(), iov_len: src.len() };
            want += src.len() as u64;
        }
        let raw = fd.raw();
        // SAFETY: every iovec describes a checked range of guest memory, mapped for the
        // call, which `writev` only reads.
        match retry_eintr(|| unsafe { libc::writev(raw, vecs.as_ptr(), count as i32) }) {
            Ok(n) if n as u64 == want => return Ok(want),
            Ok(n) => skip = n as u64,
            Err(e) => return Err(e),
        }
    }
    for i in 0..iovs.len() {
        let mut src = iovs.get(mem, i)?.take((MAX_TRANSFER - total) as usize);
        // Bytes the `writev` above already wrote.
        let done = skip.min(src.len() as u64) as usize;
        skip -= done as u64;
        total += done as u64;
        src = src.skip(done);
        while src.len() > 0 {
            let n = match write_once(fd, src, offset.map(|o| o.saturating_add(total))) {
                Ok(0) => return Ok(total),
                Ok(n) => n,
                Err(_) if total > 0 => return Ok(total),
                Err(e) => return Err(e),
            };
            total += n as u64;
            src = src.skip(n);
        }
    }
    Ok(total)
}

/// `fd_read(fd, iovs, iovs_len, nread)` and `fd_pread(fd, iovs, iovs_len, offset, nread)`:
/// one call at a time per descriptor (its read lock), which may block on the host.
pub(super) fn read(cx: &Cx<'_>, a: &[u64], positioned: bool) -> Result<(), u32> {
    let (offset, nread) = if positioned { (Some(a[3]), a[4]) } else { (None, a[3]) };
    let iovs = cx.mem.iovecs(ptr(a[1]), a32(a[2]))?;
    iovs.check_all(&cx.mem)?;
    cx.mem.check(ptr(nread), 4)?;
    let need = if positioned { rights::FD_READ | rights::FD_SEEK } else { rights::FD_READ };
    let desc = cx.wasi.fd(a32(a[0]), need)?;
    if positioned && matches!(desc.fd, Fd::Stdio(_)) {
        return Err(errno::SPIPE);
    }
    let n = {
        let _reading = desc.lock_read();
        read_iovecs(&desc.fd, &cx.mem, iovs, offset)?
    };
    cx.mem.put_u32(ptr(nread), n as u32)
}

/// `fd_write(fd, iovs, iovs_len, nwritten)` and `fd_pwrite(fd, iovs, iovs_len, offset,
/// nwritten)`: one call at a time per descriptor (its write lock), so the call's iovecs are
/// never interleaved with another thread's write to the descriptor.
pub(super) fn write(cx: &Cx<'_>, a: &[u64], positioned: bool) -> Result<(), u32> {
    let (offset, nwritten) = if positioned { (Some(a[3]), a[4]) } else { (None, a[3]) };
    let iovs = cx.mem.iovecs(ptr(a[1]), a32(a[2]))?;
    iovs.check_all(&cx.mem)?;
    cx.mem.check(ptr(nwritten), 4)?;
    let need = if positioned { rights::FD_WRITE | rights::FD_SEEK } else { rights::FD_WRITE };
    let desc = cx.wasi.fd(a32(a[0]), need)?;
    if positioned && matches!(desc.fd, Fd::Stdio(_)) {
        return Err(errno::SPIPE);
    }
    let n = {
        let _writing = desc.lock_write();
        write_iovecs(&desc.fd, &cx.mem, iovs, offset)?
    };
    cx.mem.put_u32(ptr(nwritten), n as u32)
}

/// `fd_seek(fd, offset: i64, whence, newoffset)`; `fd_tell(fd, offset)` is `fd_seek(fd, 0,
/// CUR)` and needs only `FD_TELL` (as a `CUR` seek by 0 does).
pub(super) fn seek(cx: &Cx<'_>, fd: u32, off: u64, whence: u32, out: u64) -> Result<(), u32> {
    let pos = match whence {
        0 => SeekFrom::Start(off),
        1 => SeekFrom::Current(off as i64),
        2 => SeekFrom::End(off as i64),
        _ => return Err(errno::INVAL),
    };
    let need = if whence == 1 && off == 0 { rights::FD_TELL } else { rights::FD_SEEK };
    cx.mem.check(ptr(out), 8)?;
    let desc = cx.wasi.fd(fd, need)?;
    let n = match &desc.fd {
        Fd::File(file) => (&*file).seek(pos).map_err(super::host::io_errno)?,
        Fd::Stdio(_) => return Err(errno::SPIPE),
        Fd::Dir { .. } => return Err(errno::ISDIR),
    };
    cx.mem.put_u64(ptr(out), n)
}

/// `fd_sync(fd)` (`fsync`) and `fd_datasync(fd)` (`fdatasync`).
pub(super) fn sync(cx: &Cx<'_>, fd: u32, data_only: bool) -> Result<(), u32> {
    let need = if data_only { rights::FD_DATASYNC } else { rights::FD_SYNC };
    let desc = cx.wasi.fd(fd, need)?;
    let raw = desc.raw();
    // SAFETY: fsync/fdatasync on a descriptor kept open by `desc`.
    check(unsafe { if data_only { libc::fdatasync(raw) } else { libc::fsync(raw) } })
}

/// `fd_fdstat_get(fd, fdstat)`: `fdstat` is 24 bytes: filetype u8 at 0, fdflags u16 at 2,
/// rights base u64 at 8, rights inheriting u64 at 16.
pub(super) fn fdstat_get(cx: &Cx<'_>, fd: u32, out: u64) -> Result<(), u32> {
    let e = cx.wasi.entry(fd)?;
    let ty = match &e.desc.fd {
        Fd::Dir { .. } => FILETYPE_DIRECTORY,
        other => filetype(fstat(other.raw())?.st_mode),
    };
    // SAFETY: F_GETFL on a descriptor kept open by `e`.
    let fl = unsafe { libc::fcntl(e.desc.raw(), libc::F_GETFL) };
    if fl < 0 {
        return Err(last_errno());
    }
    let mut flags = 0u16;
    for (host, wasi) in [
        (libc::O_APPEND, fdflags::APPEND),
        (libc::O_DSYNC, fdflags::DSYNC),
        (libc::O_NONBLOCK, fdflags::NONBLOCK),
        (libc::O_SYNC, fdflags::SYNC),
    ] {
        if fl & host == host {
            flags |= wasi;
        }
    }
    let mut b = [0u8; 24];
    b[0] = ty;
    b[2..4].copy_from_slice(&flags.to_le_bytes());
    b[8..16].copy_from_slice(&e.base.to_le_bytes());
    b[16..24].copy_from_slice(&e.inheriting.to_le_bytes());
    cx.mem.write(ptr(out), &b)
}

/// `fd_fdstat_set_flags(fd, fdflags)`: `APPEND` and `NONBLOCK` are changed with `F_SETFL`
/// on files; the synchronous-I/O flags cannot be changed after opening on Linux (`NOTSUP`).
/// Host stdio and directories keep their host flags (the guest must not change the
/// embedding process's descriptors), and the call succeeds for them.
pub(super) fn fdstat_set_flags(cx: &Cx<'_>, fd: u32, want: u32) -> Result<(), u32> {
    if want & !u32::from(fdflags::ALL) != 0 {
        return Err(errno::INVAL);
    }
    if want & u32::from(fdflags::DSYNC | fdflags::RSYNC | fdflags::SYNC) != 0 {
        return Err(errno::NOTSUP);
    }
    let desc = cx.wasi.fd(fd, rights::FD_FDSTAT_SET_FLAGS)?;
    let Fd::File(file) = &desc.fd else {
        return Ok(());
    };
    let raw = file.as_raw_fd();
    // Read, change and write back the flags as one step among other threads' changes.
    let _flags = desc.lock_flags();
    // SAFETY: fcntl on a descriptor kept open by `desc`.
    let mut fl = unsafe { libc::fcntl(raw, libc::F_GETFL) };
    if fl < 0 {
        return Err(last_errno());
    }
    for (host, wasi) in [(libc::O_APPEND, fdflags::APPEND), (libc::O_NONBLOCK, fdflags::NONBLOCK)] {
        if want & u32::from(wasi) != 0 { fl |= host } else { fl &= !host }
    }
    // SAFETY: as above.
    check(unsafe { libc::fcntl(raw, libc::F_SETFL, fl) })
}

/// `fd_fdstat_set_rights(fd, base, inheriting)`: rights can only be dropped
/// (`ENOTCAPABLE` for a right the descriptor does not hold).
pub(super) fn fdstat_set_rights(cx: &Cx<'_>, fd: u32, base: u64, inh: u64) -> Result<(), u32> {
    cx.wasi.set_rights(fd, base, inh)
}

/// `fd_filestat_get(fd, filestat)`.
pub(super) fn filestat_get(cx: &Cx<'_>, fd: u32, out: u64) -> Result<(), u32> {
    let st = fstat(cx.wasi.fd(fd, rights::FD_FILESTAT_GET)?.raw())?;
    put_filestat(&cx.mem, ptr(out), &st)
}

/// `fd_filestat_set_size(fd, size)` (`ftruncate`).
pub(super) fn filestat_set_size(cx: &Cx<'_>, fd: u32, size: u64) -> Result<(), u32> {
    let size = i64::try_from(size).map_err(|_| errno::INVAL)?;
    let desc = cx.wasi.fd(fd, rights::FD_FILESTAT_SET_SIZE)?;
    // SAFETY: ftruncate on a descriptor kept open by `desc`.
    check(unsafe { libc::ftruncate(desc.raw(), size) })
}

/// `fd_filestat_set_times(fd, atim, mtim, fst_flags)` (`futimens`).
pub(super) fn filestat_set_times(cx: &Cx<'_>, a: &[u64]) -> Result<(), u32> {
    let times = timespecs(a[1], a[2], a32(a[3]))?;
    let desc = cx.wasi.fd(a32(a[0]), rights::FD_FILESTAT_SET_TIMES)?;
    // SAFETY: futimens on a descriptor kept open by `desc` reads two timespecs from a live
    // array.
    check(unsafe { libc::futimens(desc.raw(), times.as_ptr()) })
}

/// `fd_advise(fd, offset, len, advice)` (`posix_fadvise`; advice 0..=5 are normal,
/// sequential, random, willneed, dontneed, noreuse).
pub(super) fn advise(cx: &Cx<'_>, a: &[u64]) -> Result<(), u32> {
    let advice = match a32(a[3]) {
        0 => libc::POSIX_FADV_NORMAL,
        1 => libc::POSIX_FADV_SEQUENTIAL,
        2 => libc::POSIX_FADV_RANDOM,
        3 => libc::POSIX_FADV_WILLNEED,
        4 => libc::POSIX_FADV_DONTNEED,
        5 => libc::POSIX_FADV_NOREUSE,
        _ => return Err(errno::INVAL),
    };
    let off = i64::try_from(a[1]).map_err(|_| errno::INVAL)?;
    let len = i64::try_from(a[2]).map_err(|_| errno::INVAL)?;
    let fd = cx.wasi.fd(a32(a[0]), rights::FD_ADVISE)?;
    if let Fd::Dir { .. } = fd.fd {
        return Err(errno::BADF);
    }
    // SAFETY: posix_fadvise on a descriptor kept open by `fd`; it returns the error number.
    match unsafe { libc::posix_fadvise(fd.raw(), off, len, advice) } {
        0 => Ok(()),
        e => Err(super::host::host_errno(e)),
    }
}

/// `fd_allocate(fd, offset, len)` (`posix_fallocate`).
pub(super) fn allocate(cx: &Cx<'_>, a: &[u64]) -> Result<(), u32> {
    let off = i64::try_from(a[1]).map_err(|_| errno::INVAL)?;
    let len = i64::try_from(a[2]).map_err(|_| errno::INVAL)?;
    off.checked_add(len).ok_or(errno::FBIG)?;
    let fd = cx.wasi.fd(a32(a[0]), rights::FD_ALLOCATE)?;
    if let Fd::Dir { .. } = fd.fd {
        return Err(errno::BADF);
    }
    // SAFETY: posix_fallocate on a descriptor kept open by `fd`; it returns the error
    // number.
    match unsafe { libc::posix_fallocate(fd.raw(), off, len) } {
        0 => Ok(()),
        e => Err(super::host::host_errno(e)),
    }
}

/// `fd_prestat_get(fd, prestat)`: `prestat` is 8 bytes: tag u8 (0, a directory) at 0, the
/// guest name's length u32 at 4. `EBADF` for a descriptor that is not a preopen.
pub(super) fn prestat_get(cx: &Cx<'_>, fd: u32, out: u64) -> Result<(), u32> {
    let desc = cx.wasi.fd(fd, 0)?;
    let Fd::Dir { preopen: Some(name), .. } = &desc.fd else {
        return Err(errno::BADF);
    };
    let mut b = [0u8; 8];
    b[4..8].copy_from_slice(&(name.len() as u32).to_le_bytes());
    cx.mem.write(ptr(out), &b)
}

/// `fd_prestat_dir_name(fd, path, path_len)`: `ENAMETOOLONG` if the buffer is shorter than
/// the name (its length is what `fd_prestat_get` reported).
pub(super) fn prestat_dir_name(cx: &Cx<'_>, fd: u32, out: u64, len: u32) -> Result<(), u32> {
    let desc = cx.wasi.fd(fd, 0)?;
    let Fd::Dir { preopen: Some(name), .. } = &desc.fd else {
        return Err(errno::BADF);
    };
    if (len as usize) < name.len() {
        return Err(errno::NAMETOOLONG);
    }
    cx.mem.write(ptr(out), name.as_bytes())
}

/// `fd_readdir(fd, buf, buf_len, cookie, bufused)`: `dirent`s (24-byte header: next cookie
/// u64, inode u64, name length u32, filetype u8; then the name) from entry `cookie` on, the
/// last one cut at `buf_len` as preview1 specifies.
pub(super) fn readdir(cx: &Cx<'_>, a: &[u64]) -> Result<(), u32> {
    let (buf, buf_len, cookie, used) = (ptr(a[1]), u64::from(a32(a[2])), a[3], ptr(a[4]));
    cx.mem.check(buf, buf_len)?;
    cx.mem.check(used, 4)?;
    let dir = cx.wasi.dir(a32(a[0]), rights::FD_READDIR)?;
    // The listing rewinds and reads the directory's position, which the host descriptor
    // shares with its duplicates: one listing at a time.
    let entries = {
        let _reading = dir.lock_read();
        read_dir_entries(dir.raw())?
    };
    let mut out = Vec::new();
    let skip = usize::try_from(cookie).unwrap_or(usize::MAX);
    for (i, (name, ino, ty)) in entries.iter().enumerate().skip(skip) {
        if out.len() as u64 >= buf_len {
            break;
        }
        let mut d = [0u8; 24];
        d[0..8].copy_from_slice(&(i as u64 + 1).to_le_bytes());
        d[8..16].copy_from_slice(&ino.to_le_bytes());
        d[16..20].copy_from_slice(&(name.len() as u32).to_le_bytes());
        d[20] = *ty;
        out.extend_from_slice(&d);
        out.extend_from_slice(name);
    }
    out.truncate(buf_len as usize);
    cx.mem.write(buf, &out)?;
    cx.mem.put_u32(used, out.len() as u32)
}

#[cfg(test)]
mod tests {
    use std::fs::File;
    use std::io::{Read, Write};
    use std::os::fd::{FromRawFd, OwnedFd};
    use std::sync::mpsc;
    use std::time::Duration;

    use super::*;
    use crate::memory::MemoryView;
    use crate::wasi::WasiCtx;
    use crate::wasi::guest::GuestPtr;

    /// A pipe as `(read end, write end)`.
    fn pipe() -> (File, File) {
        let mut fds = [0; 2];
        // SAFETY: pipe writes two new descriptors into the array.
        assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
        // SAFETY: both descriptors are new and owned by nothing else.
        unsafe { (File::from(OwnedFd::from_raw_fd(fds[0])), File::from_raw_fd(fds[1])) }
    }

    /// Writes iovec `i` `{buf, len}` at `at + 8 * i`.
    fn iovec(bytes: &mut [u8], at: usize, i: usize, buf: u32, len: u32) {
        let e = at + 8 * i;
        bytes[e..e + 4].copy_from_slice(&buf.to_le_bytes());
        bytes[e + 4..e + 8].copy_from_slice(&len.to_le_bytes());
    }

    fn guest(bytes: &mut [u8]) -> GuestMemory<'_> {
        GuestMemory::new(MemoryView::from_slice(bytes))
    }

    #[test]
    fn read_fills_iovecs_in_order_and_stops_short() {
        let (r, mut w) = pipe();
        w.write_all(b"abcdefg").unwrap();
        let mut bytes = vec![0u8; 4096];
        iovec(&mut bytes, 0, 0, 100, 3);
        iovec(&mut bytes, 0, 1, 200, 0);
        iovec(&mut bytes, 0, 2, 300, 100);
        iovec(&mut bytes, 0, 3, 400, 100);
        let mem = guest(&mut bytes);
        let iovs = mem.iovecs(GuestPtr::new(0), 4).unwrap();
        assert_eq!(read_iovecs(&Fd::File(r), &mem, iovs, None), Ok(7));
        assert_eq!(mem.read_vec(GuestPtr::new(100), 3).unwrap(), b"abc");
        assert_eq!(mem.read_vec(GuestPtr::new(300), 5).unwrap(), b"defg\0");
        assert_eq!(mem.u8(GuestPtr::new(400)), Ok(0));
    }

    #[test]
    fn bad_iovec_is_efault_before_any_io() {
        let (r, mut w) = pipe();
        let r = Fd::File(r);
        w.write_all(b"kept").unwrap();
        let mut bytes = vec![0u8; 4096];
        iovec(&mut bytes, 0, 0, 100, 4);
        iovec(&mut bytes, 0, 1, 4000, 0xffff_ffff);
        let mem = guest(&mut bytes);
        let iovs = mem.iovecs(GuestPtr::new(0), 2).unwrap();
        assert_eq!(iovs.check_all(&mem), Err(errno::FAULT));
        // The pipe still holds its bytes: nothing was consumed.
        let one = mem.iovecs(GuestPtr::new(0), 1).unwrap();
        assert_eq!(read_iovecs(&r, &mem, one, None), Ok(4));
        assert_eq!(mem.read_vec(GuestPtr::new(100), 4).unwrap(), b"kept");
    }

    #[test]
    fn write_gathers_iovecs_in_order() {
        let (mut r, w) = pipe();
        let w = Fd::File(w);
        let mut bytes = vec![0u8; 4096];
        bytes[100..103].copy_from_slice(b"one");
        bytes[200..203].copy_from_slice(b"two");
        iovec(&mut bytes, 0, 0, 100, 3);
        iovec(&mut bytes, 0, 1, 4096, 0);
        iovec(&mut bytes, 0, 2, 200, 3);
        let mem = guest(&mut bytes);
        let iovs = mem.iovecs(GuestPtr::new(0), 3).unwrap();
        assert_eq!(write_iovecs(&w, &mem, iovs, None), Ok(6));
        let mut got = [0u8; 6];
        r.read_exact(&mut got).unwrap();
        assert_eq!(&got, b"onetwo");
    }

    #[test]
    fn positioned_write_and_read_use_the_offset() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, b"0123456789").unwrap();
        let file = std::fs::OpenOptions::new().read(true).write(true).open(&path).unwrap();
        let fd = Fd::File(file);
        let mut bytes = vec![0u8; 4096];
        bytes[100..102].copy_from_slice(b"ab");
        bytes[200..202].copy_from_slice(b"cd");
        iovec(&mut bytes, 0, 0, 100, 2);
        iovec(&mut bytes, 0, 1, 200, 2);
        let mem = guest(&mut bytes);
        let iovs = mem.iovecs(GuestPtr::new(0), 2).unwrap();
        assert_eq!(write_iovecs(&fd, &mem, iovs, Some(3)), Ok(4));
        assert_eq!(std::fs::read(&path).unwrap(), b"012abcd789");
        mem.put_u32(GuestPtr::new(8), 300).unwrap();
        mem.put_u32(GuestPtr::new(12), 64).unwrap();
        let iovs = mem.iovecs(GuestPtr::new(0), 2).unwrap();
        assert_eq!(read_iovecs(&fd, &mem, iovs, Some(5)), Ok(5));
        assert_eq!(mem.read_vec(GuestPtr::new(100), 2).unwrap(), b"cd");
        assert_eq!(mem.read_vec(GuestPtr::new(300), 4).unwrap(), b"789\0");
        assert_eq!(read_iovecs(&fd, &mem, iovs, Some(1 << 63)), Err(errno::INVAL));
    }

    /// Iovecs per line in the interleaving test: more than one `writev` takes
    /// ([`WRITEV_MAX`]), so each line is several system calls.
    const PIECES: usize = WRITEV_MAX + 8;

    /// Prepares, in `bytes`, line `thread` of the interleaving test: the iovec array at 0,
    /// `PIECES` pieces `"tT.pPP;"` and a newline; returns the line as it must arrive.
    fn line(bytes: &mut [u8], thread: usize) -> Vec<u8> {
        let mut whole = Vec::new();
        for p in 0..=PIECES {
            let text = if p == PIECES { "\n".to_string() } else { format!("t{thread}.p{p:02};") };
            let at = 1024 + 16 * p;
            bytes[at..at + text.len()].copy_from_slice(text.as_bytes());
            iovec(bytes, 0, p, at as u32, text.len() as u32);
            whole.extend_from_slice(text.as_bytes());
        }
        whole
    }

    /// `fd_write(fd, 0, PIECES + 1, 512)` over `bytes` with `wasi`; returns the count.
    fn fd_write(wasi: &WasiCtx, bytes: &mut [u8], fd: u32) -> Result<u32, u32> {
        let cx = Cx { mem: guest(bytes), wasi };
        write(&cx, &[u64::from(fd), 0, PIECES as u64 + 1, 512], false)?;
        cx.mem.u32(GuestPtr::new(512))
    }

    /// Threads writing many-iovec lines to one pipe descriptor at once: every line arrives
    /// whole (the descriptor's write lock spans the call's system calls).
    #[test]
    fn one_write_call_is_never_interleaved_with_another() {
        const THREADS: usize = 4;
        const LINES: usize = 300;
        let wasi = WasiCtx::new(vec![], vec![], &[]).unwrap();
        let (mut r, w) = pipe();
        let fd = wasi.insert(Fd::File(w), rights::ALL, 0);
        let reader = std::thread::spawn(move || {
            let mut all = Vec::new();
            r.read_to_end(&mut all).unwrap();
            all
        });
        let expected: Vec<Vec<u8>> = std::thread::scope(|s| {
            let threads: Vec<_> = (0..THREADS)
                .map(|t| {
                    let wasi = wasi.share();
                    s.spawn(move || {
                        let mut bytes = vec![0u8; 4096];
                        let whole = line(&mut bytes, t);
                        for _ in 0..LINES {
                            assert_eq!(fd_write(&wasi, &mut bytes, fd), Ok(whole.len() as u32));
                        }
                        whole
                    })
                })
                .collect();
            threads.into_iter().map(|t| t.join().unwrap()).collect()
        });
        // Closing the last handle's descriptor ends the reader's stream.
        assert_eq!(wasi.close(fd), Ok(()));
        let all = reader.join().unwrap();
        let mut counts = [0usize; THREADS];
        for l in all.split_inclusive(|b| *b == b'\n') {
            let t = expected.iter().position(|e| e == l);
            let t = t.unwrap_or_else(|| panic!("a torn line: {}", String::from_utf8_lossy(l)));
            counts[t] += 1;
        }
        assert_eq!(counts, [LINES; THREADS]);
    }

    /// A thread blocked in `fd_read` on an empty pipe holds no lock that a write to another
    /// descriptor needs; the read returns once data comes.
    #[test]
    fn a_blocked_reader_does_not_stop_writers() {
        let wasi = WasiCtx::new(vec![], vec![], &[]).unwrap();
        let (input, mut feed) = pipe();
        let (mut output, w) = pipe();
        let rfd = wasi.insert(Fd::File(input), rights::ALL, 0);
        let wfd = wasi.insert(Fd::File(w), rights::ALL, 0);
        let (started, reading) = mpsc::channel();
        let reader = {
            let wasi = wasi.share();
            std::thread::spawn(move || {
                let mut bytes = vec![0u8; 4096];
                iovec(&mut bytes, 0, 0, 100, 64);
                let cx = Cx { mem: guest(&mut bytes), wasi: &wasi };
                started.send(()).unwrap();
                read(&cx, &[u64::from(rfd), 0, 1, 512], false)?;
                let n = cx.mem.u32(GuestPtr::new(512))?;
                cx.mem.read_vec(GuestPtr::new(100), u64::from(n))
            })
        };
        reading.recv().unwrap();
        std::thread::sleep(Duration::from_millis(50));
        let (done, wrote) = mpsc::channel();
        let writer = {
            let wasi = wasi.share();
            std::thread::spawn(move || {
                let mut bytes = vec![0u8; 4096];
                let whole = line(&mut bytes, 7);
                done.send(fd_write(&wasi, &mut bytes, wfd)).unwrap();
                whole
            })
        };
        let n = wrote.recv_timeout(Duration::from_secs(20)).expect("the write is not blocked");
        let whole = writer.join().unwrap();
        assert_eq!(n, Ok(whole.len() as u32));
        let mut got = vec![0u8; whole.len()];
        output.read_exact(&mut got).unwrap();
        assert_eq!(got, whole);
        assert!(!reader.is_finished(), "the reader waits for data");
        feed.write_all(b"late").unwrap();
        assert_eq!(reader.join().unwrap(), Ok(b"late".to_vec()));
    }
}
