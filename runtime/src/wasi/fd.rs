//! The `fd_*` functions: I/O on open descriptors.
//!
//! Reads and writes go straight between the host descriptor and the guest's buffers, one
//! iovec at a time: the host allocates nothing in proportion to the lengths a guest claims,
//! and every buffer is checked against the memory (`EFAULT`) before any I/O happens, so a
//! bad iovec never loses data already consumed from a pipe.

use std::io::{Seek, SeekFrom};
use std::os::fd::AsRawFd;

use super::ctx::{Entry, Fd};
use super::guest::{GuestMemory, IoVecs};
use super::host::{check, filetype, fstat, last_errno, read_dir_entries, retry_eintr};
use super::{Cx, a32, errno, fdflags, filetype::*, ptr, put_filestat, rights, timespecs};

/// Transfers of one call stop at `u32::MAX` bytes: the count is returned as a `u32`.
const MAX_TRANSFER: u64 = u32::MAX as u64;

/// One `read`/`pread` (EINTR retried) into `buf`; returns the bytes read.
fn read_once(fd: &Fd, buf: &mut [u8], offset: Option<u64>) -> Result<usize, u32> {
    if let Fd::Dir { .. } = fd {
        return Err(errno::ISDIR);
    }
    let raw = fd.raw();
    let offset = offset.map(|off| i64::try_from(off).map_err(|_| errno::INVAL)).transpose()?;
    retry_eintr(|| match offset {
        // SAFETY: reads at most `buf.len()` bytes into a live, exclusively borrowed buffer.
        None => unsafe { libc::read(raw, buf.as_mut_ptr().cast(), buf.len()) },
        // SAFETY: as above.
        Some(off) => unsafe { libc::pread(raw, buf.as_mut_ptr().cast(), buf.len(), off) },
    })
}

/// One `write`/`pwrite` (EINTR retried) from `buf`; returns the bytes written.
fn write_once(fd: &Fd, buf: &[u8], offset: Option<u64>) -> Result<usize, u32> {
    if let Fd::Dir { .. } = fd {
        return Err(errno::ISDIR);
    }
    let raw = fd.raw();
    let offset = offset.map(|off| i64::try_from(off).map_err(|_| errno::INVAL)).transpose()?;
    retry_eintr(|| match offset {
        // SAFETY: writes at most `buf.len()` bytes from a live buffer.
        None => unsafe { libc::write(raw, buf.as_ptr().cast(), buf.len()) },
        // SAFETY: as above.
        Some(off) => unsafe { libc::pwrite(raw, buf.as_ptr().cast(), buf.len(), off) },
    })
}

/// Reads into the iovecs in order, straight into guest memory, until one is not filled;
/// returns the total. An error after some bytes were read ends the call with those bytes:
/// so does an iovec that no longer checks (the read itself may have rewritten it, when a
/// buffer overlaps the iovec array), so consumed bytes are never lost.
fn read_iovecs(
    fd: &Fd,
    mem: &mut GuestMemory<'_>,
    iovs: IoVecs,
    offset: Option<u64>,
) -> Result<u64, u32> {
    let mut total = 0u64;
    for i in 0..iovs.len() {
        // Once bytes were read, a failed check ends the call with them.
        let (buf, len) = match iovs.get(mem, i) {
            Ok(v) => v,
            Err(_) if total > 0 => break,
            Err(e) => return Err(e),
        };
        let len = len.min(MAX_TRANSFER - total);
        if len == 0 {
            continue;
        }
        let dst = match mem.slice_mut(buf, len) {
            Ok(d) => d,
            Err(_) if total > 0 => break,
            Err(e) => return Err(e),
        };
        let n = match read_once(fd, dst, offset.map(|o| o.saturating_add(total))) {
            Ok(n) => n as u64,
            Err(_) if total > 0 => break,
            Err(e) => return Err(e),
        };
        total += n;
        if n < len {
            break;
        }
    }
    Ok(total)
}

/// Writes the iovecs in order, straight from guest memory; returns the total. An error after
/// some bytes were written ends the call with those bytes.
/// Most buffers of one `fd_write` that go out in a single `writev`.
const WRITEV_MAX: usize = 16;

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
            let (buf, len) = iovs.get(mem, i as u32)?;
            let len = len.min(MAX_TRANSFER - want);
            let src = mem.slice(buf, len)?;
            *v = libc::iovec { iov_base: src.as_ptr().cast_mut().cast(), iov_len: src.len() };
            want += len;
        }
        let raw = fd.raw();
        // SAFETY: every iovec describes a live slice of guest memory (checked above), which
        // `writev` only reads.
        match retry_eintr(|| unsafe { libc::writev(raw, vecs.as_ptr(), count as i32) }) {
            Ok(n) if n as u64 == want => return Ok(want),
            Ok(n) => skip = n as u64,
            Err(e) => return Err(e),
        }
    }
    for i in 0..iovs.len() {
        let (buf, len) = iovs.get(mem, i)?;
        let len = len.min(MAX_TRANSFER - total);
        let mut src = mem.slice(buf, len)?;
        // Bytes the `writev` above already wrote.
        let done = skip.min(src.len() as u64) as usize;
        skip -= done as u64;
        total += done as u64;
        src = &src[done..];
        while !src.is_empty() {
            let n = match write_once(fd, src, offset.map(|o| o.saturating_add(total))) {
                Ok(0) => return Ok(total),
                Ok(n) => n,
                Err(_) if total > 0 => return Ok(total),
                Err(e) => return Err(e),
            };
            total += n as u64;
            src = &src[n..];
        }
    }
    Ok(total)
}

/// `fd_read(fd, iovs, iovs_len, nread)` and `fd_pread(fd, iovs, iovs_len, offset, nread)`.
pub(super) fn read(cx: &mut Cx<'_>, a: &[u64], positioned: bool) -> Result<(), u32> {
    let (offset, nread) = if positioned { (Some(a[3]), a[4]) } else { (None, a[3]) };
    let iovs = cx.mem.iovecs(ptr(a[1]), a32(a[2]))?;
    iovs.check_all(&cx.mem)?;
    cx.mem.check(ptr(nread), 4)?;
    let need = if positioned { rights::FD_READ | rights::FD_SEEK } else { rights::FD_READ };
    let fd = cx.wasi.fd(a32(a[0]), need)?;
    if positioned && matches!(fd, Fd::Stdio(_)) {
        return Err(errno::SPIPE);
    }
    let n = read_iovecs(fd, &mut cx.mem, iovs, offset)?;
    cx.mem.put_u32(ptr(nread), n as u32)
}

/// `fd_write(fd, iovs, iovs_len, nwritten)` and `fd_pwrite(fd, iovs, iovs_len, offset,
/// nwritten)`.
pub(super) fn write(cx: &mut Cx<'_>, a: &[u64], positioned: bool) -> Result<(), u32> {
    let (offset, nwritten) = if positioned { (Some(a[3]), a[4]) } else { (None, a[3]) };
    let iovs = cx.mem.iovecs(ptr(a[1]), a32(a[2]))?;
    iovs.check_all(&cx.mem)?;
    cx.mem.check(ptr(nwritten), 4)?;
    let need = if positioned { rights::FD_WRITE | rights::FD_SEEK } else { rights::FD_WRITE };
    let fd = cx.wasi.fd(a32(a[0]), need)?;
    if positioned && matches!(fd, Fd::Stdio(_)) {
        return Err(errno::SPIPE);
    }
    let n = write_iovecs(fd, &cx.mem, iovs, offset)?;
    cx.mem.put_u32(ptr(nwritten), n as u32)
}

/// `fd_seek(fd, offset: i64, whence, newoffset)`; `fd_tell(fd, offset)` is `fd_seek(fd, 0,
/// CUR)` and needs only `FD_TELL` (as a `CUR` seek by 0 does).
pub(super) fn seek(cx: &mut Cx<'_>, fd: u32, off: u64, whence: u32, out: u64) -> Result<(), u32> {
    let pos = match whence {
        0 => SeekFrom::Start(off),
        1 => SeekFrom::Current(off as i64),
        2 => SeekFrom::End(off as i64),
        _ => return Err(errno::INVAL),
    };
    let need = if whence == 1 && off == 0 { rights::FD_TELL } else { rights::FD_SEEK };
    cx.mem.check(ptr(out), 8)?;
    let n = match cx.wasi.fd(fd, need)? {
        Fd::File { file, .. } => file.seek(pos).map_err(super::host::io_errno)?,
        Fd::Stdio(_) => return Err(errno::SPIPE),
        Fd::Dir { .. } => return Err(errno::ISDIR),
    };
    cx.mem.put_u64(ptr(out), n)
}

/// `fd_sync(fd)` (`fsync`) and `fd_datasync(fd)` (`fdatasync`).
pub(super) fn sync(cx: &mut Cx<'_>, fd: u32, data_only: bool) -> Result<(), u32> {
    let need = if data_only { rights::FD_DATASYNC } else { rights::FD_SYNC };
    let raw = cx.wasi.fd(fd, need)?.raw();
    // SAFETY: fsync/fdatasync on a descriptor the table owns.
    check(unsafe { if data_only { libc::fdatasync(raw) } else { libc::fsync(raw) } })
}

/// `fd_fdstat_get(fd, fdstat)`: `fdstat` is 24 bytes: filetype u8 at 0, fdflags u16 at 2,
/// rights base u64 at 8, rights inheriting u64 at 16.
pub(super) fn fdstat_get(cx: &mut Cx<'_>, fd: u32, out: u64) -> Result<(), u32> {
    let e = cx.wasi.entry(fd)?;
    let ty = match &e.fd {
        Fd::Dir { .. } => FILETYPE_DIRECTORY,
        other => filetype(fstat(other.raw())?.st_mode),
    };
    // SAFETY: F_GETFL on a descriptor the table owns.
    let fl = unsafe { libc::fcntl(e.fd.raw(), libc::F_GETFL) };
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
pub(super) fn fdstat_set_flags(cx: &mut Cx<'_>, fd: u32, want: u32) -> Result<(), u32> {
    if want & !u32::from(fdflags::ALL) != 0 {
        return Err(errno::INVAL);
    }
    if want & u32::from(fdflags::DSYNC | fdflags::RSYNC | fdflags::SYNC) != 0 {
        return Err(errno::NOTSUP);
    }
    let Fd::File { file, append } = cx.wasi.fd(fd, rights::FD_FDSTAT_SET_FLAGS)? else {
        return Ok(());
    };
    let raw = file.as_raw_fd();
    // SAFETY: fcntl on a descriptor the table owns.
    let mut fl = unsafe { libc::fcntl(raw, libc::F_GETFL) };
    for (host, wasi) in [(libc::O_APPEND, fdflags::APPEND), (libc::O_NONBLOCK, fdflags::NONBLOCK)] {
        if want & u32::from(wasi) != 0 { fl |= host } else { fl &= !host }
    }
    // SAFETY: as above.
    check(unsafe { libc::fcntl(raw, libc::F_SETFL, fl) })?;
    *append = want & u32::from(fdflags::APPEND) != 0;
    Ok(())
}

/// `fd_fdstat_set_rights(fd, base, inheriting)`: rights can only be dropped
/// (`ENOTCAPABLE` for a right the descriptor does not hold).
pub(super) fn fdstat_set_rights(cx: &mut Cx<'_>, fd: u32, base: u64, inh: u64) -> Result<(), u32> {
    let e: &mut Entry = cx.wasi.entry(fd)?;
    if base & !e.base != 0 || inh & !e.inheriting != 0 {
        return Err(errno::NOTCAPABLE);
    }
    e.base = base;
    e.inheriting = inh;
    Ok(())
}

/// `fd_filestat_get(fd, filestat)`.
pub(super) fn filestat_get(cx: &mut Cx<'_>, fd: u32, out: u64) -> Result<(), u32> {
    let raw = cx.wasi.fd(fd, rights::FD_FILESTAT_GET)?.raw();
    let st = fstat(raw)?;
    put_filestat(&mut cx.mem, ptr(out), &st)
}

/// `fd_filestat_set_size(fd, size)` (`ftruncate`).
pub(super) fn filestat_set_size(cx: &mut Cx<'_>, fd: u32, size: u64) -> Result<(), u32> {
    let size = i64::try_from(size).map_err(|_| errno::INVAL)?;
    let raw = cx.wasi.fd(fd, rights::FD_FILESTAT_SET_SIZE)?.raw();
    // SAFETY: ftruncate on a descriptor the table owns.
    check(unsafe { libc::ftruncate(raw, size) })
}

/// `fd_filestat_set_times(fd, atim, mtim, fst_flags)` (`futimens`).
pub(super) fn filestat_set_times(cx: &mut Cx<'_>, a: &[u64]) -> Result<(), u32> {
    let times = timespecs(a[1], a[2], a32(a[3]))?;
    let raw = cx.wasi.fd(a32(a[0]), rights::FD_FILESTAT_SET_TIMES)?.raw();
    // SAFETY: futimens reads two timespecs from a live array.
    check(unsafe { libc::futimens(raw, times.as_ptr()) })
}

/// `fd_advise(fd, offset, len, advice)` (`posix_fadvise`; advice 0..=5 are normal,
/// sequential, random, willneed, dontneed, noreuse).
pub(super) fn advise(cx: &mut Cx<'_>, a: &[u64]) -> Result<(), u32> {
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
    if let Fd::Dir { .. } = fd {
        return Err(errno::BADF);
    }
    // SAFETY: posix_fadvise on a descriptor the table owns; it returns the error number.
    match unsafe { libc::posix_fadvise(fd.raw(), off, len, advice) } {
        0 => Ok(()),
        e => Err(super::host::host_errno(e)),
    }
}

/// `fd_allocate(fd, offset, len)` (`posix_fallocate`).
pub(super) fn allocate(cx: &mut Cx<'_>, a: &[u64]) -> Result<(), u32> {
    let off = i64::try_from(a[1]).map_err(|_| errno::INVAL)?;
    let len = i64::try_from(a[2]).map_err(|_| errno::INVAL)?;
    off.checked_add(len).ok_or(errno::FBIG)?;
    let fd = cx.wasi.fd(a32(a[0]), rights::FD_ALLOCATE)?;
    if let Fd::Dir { .. } = fd {
        return Err(errno::BADF);
    }
    // SAFETY: posix_fallocate on a descriptor the table owns; it returns the error number.
    match unsafe { libc::posix_fallocate(fd.raw(), off, len) } {
        0 => Ok(()),
        e => Err(super::host::host_errno(e)),
    }
}

/// `fd_prestat_get(fd, prestat)`: `prestat` is 8 bytes: tag u8 (0, a directory) at 0, the
/// guest name's length u32 at 4. `EBADF` for a descriptor that is not a preopen.
pub(super) fn prestat_get(cx: &mut Cx<'_>, fd: u32, out: u64) -> Result<(), u32> {
    let Fd::Dir { preopen: Some(name), .. } = cx.wasi.fd(fd, 0)? else {
        return Err(errno::BADF);
    };
    let mut b = [0u8; 8];
    b[4..8].copy_from_slice(&(name.len() as u32).to_le_bytes());
    cx.mem.write(ptr(out), &b)
}

/// `fd_prestat_dir_name(fd, path, path_len)`: `ENAMETOOLONG` if the buffer is shorter than
/// the name (its length is what `fd_prestat_get` reported).
pub(super) fn prestat_dir_name(cx: &mut Cx<'_>, fd: u32, out: u64, len: u32) -> Result<(), u32> {
    let Fd::Dir { preopen: Some(name), .. } = cx.wasi.fd(fd, 0)? else {
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
pub(super) fn readdir(cx: &mut Cx<'_>, a: &[u64]) -> Result<(), u32> {
    let (buf, buf_len, cookie, used) = (ptr(a[1]), u64::from(a32(a[2])), a[3], ptr(a[4]));
    cx.mem.check(buf, buf_len)?;
    cx.mem.check(used, 4)?;
    let dir = cx.wasi.dir_fd(a32(a[0]), rights::FD_READDIR)?;
    let entries = read_dir_entries(dir)?;
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
    use std::io::Write;
    use std::os::fd::{FromRawFd, OwnedFd};

    use super::*;
    use crate::wasi::guest::GuestPtr;

    /// A pipe as `(read end as a guest fd, write end)`.
    fn pipe() -> (Fd, File) {
        let mut fds = [0; 2];
        // SAFETY: pipe writes two new descriptors into the array.
        assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
        // SAFETY: both descriptors are new and owned by nothing else.
        let (r, w) = unsafe { (OwnedFd::from_raw_fd(fds[0]), File::from_raw_fd(fds[1])) };
        (Fd::File { file: File::from(r), append: false }, w)
    }

    /// Writes iovec `i` `{buf, len}` at `8 * i`.
    fn iovec(bytes: &mut [u8], i: usize, buf: u32, len: u32) {
        bytes[8 * i..8 * i + 4].copy_from_slice(&buf.to_le_bytes());
        bytes[8 * i + 4..8 * i + 8].copy_from_slice(&len.to_le_bytes());
    }

    #[test]
    fn read_fills_iovecs_in_order_and_stops_short() {
        let (fd, mut w) = pipe();
        w.write_all(b"abcdefg").unwrap();
        let mut bytes = vec![0u8; 4096];
        iovec(&mut bytes, 0, 100, 3);
        iovec(&mut bytes, 1, 200, 0);
        iovec(&mut bytes, 2, 300, 100);
        iovec(&mut bytes, 3, 400, 100);
        let mut mem = GuestMemory::new(&mut bytes);
        let iovs = mem.iovecs(GuestPtr::new(0), 4).unwrap();
        assert_eq!(read_iovecs(&fd, &mut mem, iovs, None), Ok(7));
        assert_eq!(mem.slice(GuestPtr::new(100), 3).unwrap(), b"abc");
        assert_eq!(mem.slice(GuestPtr::new(300), 5).unwrap(), b"defg\0");
        assert_eq!(mem.u8(GuestPtr::new(400)), Ok(0));
    }

    #[test]
    fn bad_iovec_is_efault_before_any_io() {
        let (fd, mut w) = pipe();
        w.write_all(b"kept").unwrap();
        let mut bytes = vec![0u8; 4096];
        iovec(&mut bytes, 0, 100, 4);
        iovec(&mut bytes, 1, 4000, 0xffff_ffff);
        let mut mem = GuestMemory::new(&mut bytes);
        let iovs = mem.iovecs(GuestPtr::new(0), 2).unwrap();
        assert_eq!(iovs.check_all(&mem), Err(errno::FAULT));
        // The pipe still holds its bytes: nothing was consumed.
        let one = mem.iovecs(GuestPtr::new(0), 1).unwrap();
        assert_eq!(read_iovecs(&fd, &mut mem, one, None), Ok(4));
        assert_eq!(mem.slice(GuestPtr::new(100), 4).unwrap(), b"kept");
    }

    #[test]
    fn write_gathers_iovecs_in_order() {
        let (r, w) = pipe();
        let w = Fd::File { file: w, append: false };
        let mut bytes = vec![0u8; 4096];
        bytes[100..103].copy_from_slice(b"one");
        bytes[200..203].copy_from_slice(b"two");
        iovec(&mut bytes, 0, 100, 3);
        iovec(&mut bytes, 1, 4096, 0);
        iovec(&mut bytes, 2, 200, 3);
        let mem = GuestMemory::new(&mut bytes);
        let iovs = mem.iovecs(GuestPtr::new(0), 3).unwrap();
        assert_eq!(write_iovecs(&w, &mem, iovs, None), Ok(6));
        let mut got = [0u8; 6];
        assert_eq!(read_once(&r, &mut got, None), Ok(6));
        assert_eq!(&got, b"onetwo");
    }

    #[test]
    fn positioned_write_and_read_use_the_offset() {
        let dir = std::env::temp_dir().join(format!("wasmc-wasi-fd-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("f");
        std::fs::write(&path, b"0123456789").unwrap();
        let file = std::fs::OpenOptions::new().read(true).write(true).open(&path).unwrap();
        let fd = Fd::File { file, append: false };
        let mut bytes = vec![0u8; 4096];
        bytes[100..102].copy_from_slice(b"ab");
        bytes[200..202].copy_from_slice(b"cd");
        iovec(&mut bytes, 0, 100, 2);
        iovec(&mut bytes, 1, 200, 2);
        let mut mem = GuestMemory::new(&mut bytes);
        let iovs = mem.iovecs(GuestPtr::new(0), 2).unwrap();
        assert_eq!(write_iovecs(&fd, &mem, iovs, Some(3)), Ok(4));
        assert_eq!(std::fs::read(&path).unwrap(), b"012abcd789");
        iovec(mem.slice_mut(GuestPtr::new(0), 16).unwrap(), 1, 300, 64);
        let iovs = mem.iovecs(GuestPtr::new(0), 2).unwrap();
        assert_eq!(read_iovecs(&fd, &mut mem, iovs, Some(5)), Ok(5));
        assert_eq!(mem.slice(GuestPtr::new(100), 2).unwrap(), b"cd");
        assert_eq!(mem.slice(GuestPtr::new(300), 4).unwrap(), b"789\0");
        assert_eq!(read_iovecs(&fd, &mut mem, iovs, Some(1 << 63)), Err(errno::INVAL));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
