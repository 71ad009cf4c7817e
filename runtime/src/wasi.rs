//! WASI preview1 (`wasi_snapshot_preview1`) for command programs, against the host OS.
//!
//! Paths are resolved with `openat2(RESOLVE_BENEATH)` relative to a preopened directory, so a
//! path can never escape it: absolute paths, `..` above the directory and symlinks that
//! point outside fail with `ENOTCAPABLE`. Functions not listed in [`wasi_import`] return
//! `ENOSYS`.

use std::ffi::CString;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::fs::FileExt;
use std::sync::Arc;

use crate::instance::{Caller, HostFunc};
use crate::meta::{FuncType, ValType};
use crate::traps::TrapKind;

/// WASI errno values (`wasi_snapshot_preview1` `errno` enum).
#[allow(missing_docs)]
pub mod errno {
    pub const SUCCESS: u32 = 0;
    pub const ACCES: u32 = 2;
    pub const AGAIN: u32 = 6;
    pub const BADF: u32 = 8;
    pub const BUSY: u32 = 10;
    pub const EXIST: u32 = 20;
    pub const FAULT: u32 = 21;
    pub const FBIG: u32 = 22;
    pub const INTR: u32 = 27;
    pub const INVAL: u32 = 28;
    pub const IO: u32 = 29;
    pub const ISDIR: u32 = 31;
    pub const LOOP: u32 = 32;
    pub const MFILE: u32 = 33;
    pub const MLINK: u32 = 34;
    pub const NAMETOOLONG: u32 = 37;
    pub const NFILE: u32 = 41;
    pub const NOENT: u32 = 44;
    pub const NOMEM: u32 = 48;
    pub const NOSPC: u32 = 51;
    pub const NOSYS: u32 = 52;
    pub const NOTDIR: u32 = 54;
    pub const NOTEMPTY: u32 = 55;
    pub const NOTSUP: u32 = 58;
    pub const NOTTY: u32 = 59;
    pub const OVERFLOW: u32 = 61;
    pub const PERM: u32 = 63;
    pub const PIPE: u32 = 64;
    pub const ROFS: u32 = 69;
    pub const SPIPE: u32 = 70;
    pub const XDEV: u32 = 75;
    pub const NOTCAPABLE: u32 = 76;
}

fn host_errno(e: i32) -> u32 {
    use errno::*;
    match e {
        libc::EPERM => PERM,
        libc::ENOENT => NOENT,
        libc::EINTR => INTR,
        libc::EIO => IO,
        libc::EBADF => BADF,
        libc::EAGAIN => AGAIN,
        libc::ENOMEM => NOMEM,
        libc::EACCES => ACCES,
        libc::EFAULT => FAULT,
        libc::EBUSY => BUSY,
        libc::EEXIST => EXIST,
        // openat2(RESOLVE_BENEATH) reports an escape as EXDEV.
        libc::EXDEV => NOTCAPABLE,
        libc::ENOTDIR => NOTDIR,
        libc::EISDIR => ISDIR,
        libc::EINVAL => INVAL,
        libc::ENFILE => NFILE,
        libc::EMFILE => MFILE,
        libc::ENOTTY => NOTTY,
        libc::EFBIG => FBIG,
        libc::ENOSPC => NOSPC,
        libc::ESPIPE => SPIPE,
        libc::EROFS => ROFS,
        libc::EMLINK => MLINK,
        libc::EPIPE => PIPE,
        libc::ENAMETOOLONG => NAMETOOLONG,
        libc::ENOSYS => NOSYS,
        libc::ENOTEMPTY => NOTEMPTY,
        libc::ELOOP => LOOP,
        libc::EOVERFLOW => OVERFLOW,
        libc::EOPNOTSUPP => NOTSUP,
        _ => IO,
    }
}

fn io_errno(e: std::io::Error) -> u32 {
    e.raw_os_error().map_or(errno::IO, host_errno)
}

fn last_errno() -> u32 {
    io_errno(std::io::Error::last_os_error())
}

const FILETYPE_UNKNOWN: u8 = 0;
const FILETYPE_BLOCK_DEVICE: u8 = 1;
const FILETYPE_CHARACTER_DEVICE: u8 = 2;
const FILETYPE_DIRECTORY: u8 = 3;
const FILETYPE_REGULAR_FILE: u8 = 4;
const FILETYPE_SOCKET_STREAM: u8 = 6;
const FILETYPE_SYMBOLIC_LINK: u8 = 7;

const FDFLAGS_APPEND: u32 = 1;
const OFLAGS_CREAT: u32 = 1;
const OFLAGS_DIRECTORY: u32 = 2;
const OFLAGS_EXCL: u32 = 4;
const OFLAGS_TRUNC: u32 = 8;
const LOOKUP_SYMLINK_FOLLOW: u32 = 1;
const RIGHT_FD_READ: u64 = 1 << 1;
const RIGHT_FD_WRITE: u64 = 1 << 6;
const RIGHT_FD_ALLOCATE: u64 = 1 << 8;
const RIGHT_FD_FILESTAT_SET_SIZE: u64 = 1 << 22;
const ALL_RIGHTS: u64 = (1 << 29) - 1;

/// An open file descriptor of the guest.
enum Fd {
    /// Host stdin/stdout/stderr (host fd 0, 1, 2), used unbuffered.
    Stdio(i32),
    /// A regular file (or device).
    File { file: File, append: bool },
    /// A directory; `preopen` is its guest name if it was preopened.
    Dir { fd: OwnedFd, preopen: Option<String> },
}

impl Fd {
    fn raw(&self) -> i32 {
        match self {
            Fd::Stdio(fd) => *fd,
            Fd::File { file, .. } => file.as_raw_fd(),
            Fd::Dir { fd, .. } => fd.as_raw_fd(),
        }
    }
}

/// The state of a WASI program: arguments, environment, open files.
pub struct WasiCtx {
    args: Vec<Vec<u8>>,
    env: Vec<Vec<u8>>,
    fds: Vec<Option<Fd>>,
    /// The deterministic mode's state (`WASMC_DETERMINISTIC=1`), if on.
    deterministic: Option<Deterministic>,
}

/// Deterministic mode (DESIGN.md "Determinism"): every clock reads a virtual time that
/// starts at a fixed instant and advances 1 ms per reading (and by the whole timeout of a
/// `poll_oneoff` clock subscription, which then returns at once); `random_get` returns a
/// fixed xorshift stream. Two runs of a program give the same output.
struct Deterministic {
    /// Virtual time in nanoseconds (the same for every clock id).
    now: u64,
    /// xorshift64 state.
    rng: u64,
}

impl Deterministic {
    /// 2020-09-13T12:26:40Z, an arbitrary fixed start.
    const START_NS: u64 = 1_600_000_000 * 1_000_000_000;

    fn read_clock(&mut self) -> u64 {
        self.now += 1_000_000;
        self.now
    }

    fn fill(&mut self, buf: &mut [u8]) {
        for b in buf {
            self.rng ^= self.rng << 13;
            self.rng ^= self.rng >> 7;
            self.rng ^= self.rng << 17;
            *b = self.rng as u8;
        }
    }
}

/// Error setting up WASI.
#[derive(Debug, thiserror::Error)]
#[error("cannot preopen directory `{path}`: {source}")]
pub struct PreopenError {
    path: String,
    source: std::io::Error,
}

impl WasiCtx {
    /// A context with the given arguments (`args[0]` is the program name), environment
    /// (`NAME=VALUE` strings), and preopened directories `(host path, guest name)`, which get
    /// descriptors 3, 4, ... in order.
    ///
    /// # Errors
    /// A preopened directory that cannot be opened.
    pub fn new(
        args: Vec<Vec<u8>>,
        env: Vec<Vec<u8>>,
        preopens: &[(String, String)],
    ) -> Result<WasiCtx, PreopenError> {
        let mut fds = vec![Some(Fd::Stdio(0)), Some(Fd::Stdio(1)), Some(Fd::Stdio(2))];
        for (host, guest) in preopens {
            let dir =
                File::open(host).map_err(|source| PreopenError { path: host.clone(), source })?;
            if !dir.metadata().map(|m| m.is_dir()).unwrap_or(false) {
                return Err(PreopenError {
                    path: host.clone(),
                    source: std::io::Error::from_raw_os_error(libc::ENOTDIR),
                });
            }
            fds.push(Some(Fd::Dir { fd: dir.into(), preopen: Some(guest.clone()) }));
        }
        Ok(WasiCtx { args, env, fds, deterministic: None })
    }

    /// Switches the deterministic mode on (see `WASMC_DETERMINISTIC` in the README).
    pub fn set_deterministic(&mut self) {
        self.deterministic =
            Some(Deterministic { now: Deterministic::START_NS, rng: 0x2545_f491_4f6c_dd1d });
    }

    /// The current time of clock `id` in nanoseconds (virtual in deterministic mode).
    fn clock_now(&mut self, id: u32) -> Result<u64, u32> {
        let clock = clock_id(id)?;
        match &mut self.deterministic {
            Some(d) => Ok(d.read_clock()),
            None => now_ns(clock),
        }
    }

    fn fd(&mut self, fd: u32) -> Result<&mut Fd, u32> {
        self.fds.get_mut(fd as usize).and_then(|f| f.as_mut()).ok_or(errno::BADF)
    }

    fn dir_fd(&mut self, fd: u32) -> Result<i32, u32> {
        match self.fd(fd)? {
            Fd::Dir { fd, .. } => Ok(fd.as_raw_fd()),
            _ => Err(errno::NOTDIR),
        }
    }

    fn insert(&mut self, f: Fd) -> u32 {
        if let Some(i) = self.fds.iter().position(|f| f.is_none()) {
            self.fds[i] = Some(f);
            i as u32
        } else {
            self.fds.push(Some(f));
            (self.fds.len() - 1) as u32
        }
    }
}

/// Guest memory accessors; every access is bounds-checked (`EFAULT`).
struct Mem<'a>(&'a mut [u8]);

impl Mem<'_> {
    fn slice(&self, ptr: u32, len: u32) -> Result<&[u8], u32> {
        let end = (ptr as usize).checked_add(len as usize).ok_or(errno::FAULT)?;
        self.0.get(ptr as usize..end).ok_or(errno::FAULT)
    }
    fn slice_mut(&mut self, ptr: u32, len: u32) -> Result<&mut [u8], u32> {
        let end = (ptr as usize).checked_add(len as usize).ok_or(errno::FAULT)?;
        self.0.get_mut(ptr as usize..end).ok_or(errno::FAULT)
    }
    fn write(&mut self, ptr: u32, bytes: &[u8]) -> Result<(), u32> {
        self.slice_mut(ptr, bytes.len() as u32)?.copy_from_slice(bytes);
        Ok(())
    }
    fn u32(&self, ptr: u32) -> Result<u32, u32> {
        Ok(u32::from_le_bytes(self.slice(ptr, 4)?.try_into().expect("4 bytes")))
    }
    fn u64(&self, ptr: u32) -> Result<u64, u32> {
        Ok(u64::from_le_bytes(self.slice(ptr, 8)?.try_into().expect("8 bytes")))
    }
    fn put_u32(&mut self, ptr: u32, v: u32) -> Result<(), u32> {
        self.write(ptr, &v.to_le_bytes())
    }
    fn put_u64(&mut self, ptr: u32, v: u64) -> Result<(), u32> {
        self.write(ptr, &v.to_le_bytes())
    }
    /// The iovec array at `iovs` (`len` entries of `{buf: u32, buf_len: u32}`).
    fn iovecs(&self, iovs: u32, len: u32) -> Result<Vec<(u32, u32)>, u32> {
        (0..len)
            .map(|i| {
                let p =
                    iovs.checked_add(i.checked_mul(8).ok_or(errno::FAULT)?).ok_or(errno::FAULT)?;
                Ok((self.u32(p)?, self.u32(p + 4)?))
            })
            .collect()
    }
    fn gather(&self, iovs: u32, len: u32) -> Result<Vec<u8>, u32> {
        let mut out = Vec::new();
        for (p, l) in self.iovecs(iovs, len)? {
            out.extend_from_slice(self.slice(p, l)?);
        }
        Ok(out)
    }
    /// Scatters `data` over the iovecs; returns bytes written.
    fn scatter(&mut self, iovs: u32, len: u32, data: &[u8]) -> Result<usize, u32> {
        let mut done = 0;
        for (p, l) in self.iovecs(iovs, len)? {
            let n = (l as usize).min(data.len() - done);
            self.write(p, &data[done..done + n])?;
            done += n;
            if done == data.len() {
                break;
            }
        }
        Ok(done)
    }
    fn total_len(&self, iovs: u32, len: u32) -> Result<usize, u32> {
        Ok(self.iovecs(iovs, len)?.iter().map(|(_, l)| *l as usize).sum())
    }
    fn path(&self, ptr: u32, len: u32) -> Result<CString, u32> {
        let bytes = self.slice(ptr, len)?;
        CString::new(bytes.to_vec()).map_err(|_| errno::INVAL)
    }
}

/// What a WASI function returns: an errno, or a trap (`proc_exit`, no memory).
type WasiResult = Result<u32, TrapKind>;

struct Cx<'a> {
    mem: Mem<'a>,
    wasi: &'a mut WasiCtx,
}

fn run(caller: &mut Caller<'_>, f: impl FnOnce(&mut Cx<'_>) -> Result<(), u32>) -> WasiResult {
    let (mem, wasi) = caller.memory_and_wasi();
    let Some(wasi) = wasi else {
        return Err(TrapKind::Host("WASI is not configured for this store".into()));
    };
    let Some(mem) = mem else {
        return Err(TrapKind::Host("WASI functions need an exported memory".into()));
    };
    let mut cx = Cx { mem: Mem(mem), wasi };
    Ok(match f(&mut cx) {
        Ok(()) => errno::SUCCESS,
        Err(e) => e,
    })
}

fn a32(v: u64) -> u32 {
    v as u32
}

fn write_strings(cx: &mut Cx<'_>, list: &[Vec<u8>], ptrs: u32, buf: u32) -> Result<(), u32> {
    let mut off = buf;
    for (i, s) in list.iter().enumerate() {
        cx.mem.put_u32(ptrs + 4 * i as u32, off)?;
        cx.mem.write(off, s)?;
        cx.mem.write(off + s.len() as u32, &[0])?;
        off += s.len() as u32 + 1;
    }
    Ok(())
}

fn sizes(cx: &mut Cx<'_>, list: &[Vec<u8>], count: u32, size: u32) -> Result<(), u32> {
    let total: usize = list.iter().map(|s| s.len() + 1).sum();
    cx.mem.put_u32(count, list.len() as u32)?;
    cx.mem.put_u32(size, total as u32)
}

fn clock_id(id: u32) -> Result<libc::clockid_t, u32> {
    Ok(match id {
        0 => libc::CLOCK_REALTIME,
        1 => libc::CLOCK_MONOTONIC,
        2 => libc::CLOCK_PROCESS_CPUTIME_ID,
        3 => libc::CLOCK_THREAD_CPUTIME_ID,
        _ => return Err(errno::INVAL),
    })
}

fn now_ns(clock: libc::clockid_t) -> Result<u64, u32> {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: clock_gettime writes the timespec we pass.
    if unsafe { libc::clock_gettime(clock, &mut ts) } != 0 {
        return Err(last_errno());
    }
    Ok(ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64)
}

fn filetype(mode: u32) -> u8 {
    match mode & libc::S_IFMT {
        libc::S_IFDIR => FILETYPE_DIRECTORY,
        libc::S_IFREG => FILETYPE_REGULAR_FILE,
        libc::S_IFLNK => FILETYPE_SYMBOLIC_LINK,
        libc::S_IFCHR => FILETYPE_CHARACTER_DEVICE,
        libc::S_IFBLK => FILETYPE_BLOCK_DEVICE,
        libc::S_IFSOCK => FILETYPE_SOCKET_STREAM,
        _ => FILETYPE_UNKNOWN,
    }
}

fn fstat(fd: i32) -> Result<libc::stat, u32> {
    // SAFETY: fstat fills the zeroed stat buffer.
    unsafe {
        let mut st: libc::stat = core::mem::zeroed();
        if libc::fstat(fd, &mut st) != 0 {
            return Err(last_errno());
        }
        Ok(st)
    }
}

/// Writes a WASI `filestat` (64 bytes).
fn put_filestat(mem: &mut Mem<'_>, ptr: u32, st: &libc::stat) -> Result<(), u32> {
    let mut b = [0u8; 64];
    b[0..8].copy_from_slice(&(st.st_dev as u64).to_le_bytes());
    b[8..16].copy_from_slice(&(st.st_ino as u64).to_le_bytes());
    b[16] = filetype(st.st_mode);
    b[24..32].copy_from_slice(&(st.st_nlink as u64).to_le_bytes());
    b[32..40].copy_from_slice(&(st.st_size as u64).to_le_bytes());
    let ns = |s: i64, n: i64| (s as u64).wrapping_mul(1_000_000_000).wrapping_add(n as u64);
    b[40..48].copy_from_slice(&ns(st.st_atime, st.st_atime_nsec).to_le_bytes());
    b[48..56].copy_from_slice(&ns(st.st_mtime, st.st_mtime_nsec).to_le_bytes());
    b[56..64].copy_from_slice(&ns(st.st_ctime, st.st_ctime_nsec).to_le_bytes());
    mem.write(ptr, &b)
}

/// Opens `path` beneath directory `dir` with `openat2(RESOLVE_BENEATH)`.
fn open_beneath(dir: i32, path: &CString, flags: i32, mode: u32) -> Result<OwnedFd, u32> {
    let mut how: libc::open_how = unsafe {
        // SAFETY: open_how is plain data; zero is a valid start.
        core::mem::zeroed()
    };
    how.flags = (flags | libc::O_CLOEXEC) as u64;
    how.mode = if flags & libc::O_CREAT != 0 { mode as u64 } else { 0 };
    how.resolve = libc::RESOLVE_BENEATH;
    loop {
        // SAFETY: openat2 reads `how` and the NUL-terminated path.
        let fd = unsafe {
            libc::syscall(
                libc::SYS_openat2,
                dir,
                path.as_ptr(),
                &how as *const libc::open_how,
                core::mem::size_of::<libc::open_how>(),
            )
        };
        if fd >= 0 {
            // SAFETY: a new descriptor that nothing else owns.
            return Ok(unsafe { OwnedFd::from_raw_fd(fd as i32) });
        }
        let e = std::io::Error::last_os_error().raw_os_error().unwrap_or(0);
        if e != libc::EAGAIN && e != libc::EINTR {
            return Err(host_errno(e));
        }
    }
}

/// Splits `path` into its parent directory (opened beneath `dir`) and last component, for
/// the `*at` calls that cannot resolve beneath a directory themselves.
fn parent_and_name(dir: i32, path: &CString) -> Result<(OwnedFd, CString), u32> {
    let bytes = path.as_bytes();
    let trimmed = {
        let mut end = bytes.len();
        while end > 1 && bytes[end - 1] == b'/' {
            end -= 1;
        }
        &bytes[..end]
    };
    let (parent, name) = match trimmed.iter().rposition(|b| *b == b'/') {
        Some(i) => (&trimmed[..i.max(1)], &trimmed[i + 1..]),
        None => (&b"."[..], trimmed),
    };
    if name.is_empty() || name == b"." || name == b".." {
        return Err(errno::INVAL);
    }
    let parent = CString::new(parent).map_err(|_| errno::INVAL)?;
    let pfd = open_beneath(dir, &parent, libc::O_PATH | libc::O_DIRECTORY, 0)?;
    Ok((pfd, CString::new(name).map_err(|_| errno::INVAL)?))
}

fn check(r: i32) -> Result<(), u32> {
    if r == 0 { Ok(()) } else { Err(last_errno()) }
}

/// Directory entries `(name, inode, filetype)` of an open directory, `.` and `..` first.
fn read_dir_entries(fd: i32) -> Result<Vec<(Vec<u8>, u64, u8)>, u32> {
    // SAFETY: dup gives fdopendir its own descriptor, closed by closedir.
    unsafe {
        let dupfd = libc::dup(fd);
        if dupfd < 0 {
            return Err(last_errno());
        }
        let dir = libc::fdopendir(dupfd);
        if dir.is_null() {
            libc::close(dupfd);
            return Err(last_errno());
        }
        libc::rewinddir(dir);
        let mut out = Vec::new();
        loop {
            let e = libc::readdir(dir);
            if e.is_null() {
                break;
            }
            let name = std::ffi::CStr::from_ptr((*e).d_name.as_ptr()).to_bytes().to_vec();
            let ty = match (*e).d_type {
                libc::DT_DIR => FILETYPE_DIRECTORY,
                libc::DT_REG => FILETYPE_REGULAR_FILE,
                libc::DT_LNK => FILETYPE_SYMBOLIC_LINK,
                libc::DT_CHR => FILETYPE_CHARACTER_DEVICE,
                libc::DT_BLK => FILETYPE_BLOCK_DEVICE,
                libc::DT_SOCK => FILETYPE_SOCKET_STREAM,
                _ => FILETYPE_UNKNOWN,
            };
            out.push((name, (*e).d_ino as u64, ty));
        }
        libc::closedir(dir);
        out.sort_by(|a, b| {
            let rank = |n: &[u8]| match n {
                b"." => 0,
                b".." => 1,
                _ => 2,
            };
            (rank(&a.0), &a.0).cmp(&(rank(&b.0), &b.0))
        });
        Ok(out)
    }
}

fn write_fd(fd: &mut Fd, data: &[u8], offset: Option<u64>) -> Result<usize, u32> {
    match (fd, offset) {
        (Fd::Stdio(h), None) => {
            let mut done = 0;
            while done < data.len() {
                // SAFETY: writes from a live buffer to a host descriptor.
                let n = unsafe { libc::write(*h, data[done..].as_ptr().cast(), data.len() - done) };
                if n < 0 {
                    let e = std::io::Error::last_os_error();
                    if e.kind() == std::io::ErrorKind::Interrupted {
                        continue;
                    }
                    return Err(io_errno(e));
                }
                done += n as usize;
            }
            Ok(done)
        }
        (Fd::File { file, .. }, None) => {
            file.write_all(data).map(|()| data.len()).map_err(io_errno)
        }
        (Fd::File { file, .. }, Some(off)) => {
            file.write_all_at(data, off).map(|()| data.len()).map_err(io_errno)
        }
        (Fd::Stdio(_), Some(_)) => Err(errno::SPIPE),
        (Fd::Dir { .. }, _) => Err(errno::ISDIR),
    }
}

fn read_fd(fd: &mut Fd, len: usize, offset: Option<u64>) -> Result<Vec<u8>, u32> {
    let mut buf = vec![0u8; len];
    let n = match (fd, offset) {
        (Fd::Stdio(h), None) => loop {
            // SAFETY: reads into a live buffer of `len` bytes.
            let n = unsafe { libc::read(*h, buf.as_mut_ptr().cast(), len) };
            if n >= 0 {
                break n as usize;
            }
            let e = std::io::Error::last_os_error();
            if e.kind() != std::io::ErrorKind::Interrupted {
                return Err(io_errno(e));
            }
        },
        (Fd::File { file, .. }, None) => file.read(&mut buf).map_err(io_errno)?,
        (Fd::File { file, .. }, Some(off)) => file.read_at(&mut buf, off).map_err(io_errno)?,
        (Fd::Stdio(_), Some(_)) => return Err(errno::SPIPE),
        (Fd::Dir { .. }, _) => return Err(errno::ISDIR),
    };
    buf.truncate(n);
    Ok(buf)
}

fn path_open(cx: &mut Cx<'_>, a: &[u64]) -> Result<(), u32> {
    let (dirfd, lookup, path, path_len, oflags) =
        (a32(a[0]), a32(a[1]), a32(a[2]), a32(a[3]), a32(a[4]));
    let (rights, fdflags, out) = (a[5], a32(a[7]), a32(a[8]));
    let dir = cx.wasi.dir_fd(dirfd)?;
    let path = cx.mem.path(path, path_len)?;
    let write = rights & (RIGHT_FD_WRITE | RIGHT_FD_ALLOCATE | RIGHT_FD_FILESTAT_SET_SIZE) != 0;
    let read = rights & RIGHT_FD_READ != 0;
    let mut flags = match (read, write) {
        (_, false) => libc::O_RDONLY,
        (false, true) => libc::O_WRONLY,
        (true, true) => libc::O_RDWR,
    };
    if oflags & OFLAGS_CREAT != 0 {
        flags |= libc::O_CREAT;
    }
    if oflags & OFLAGS_EXCL != 0 {
        flags |= libc::O_EXCL;
    }
    if oflags & OFLAGS_TRUNC != 0 {
        flags |= libc::O_TRUNC;
    }
    if oflags & OFLAGS_DIRECTORY != 0 {
        flags = libc::O_RDONLY | libc::O_DIRECTORY;
    }
    if fdflags & FDFLAGS_APPEND != 0 {
        flags |= libc::O_APPEND;
    }
    if lookup & LOOKUP_SYMLINK_FOLLOW == 0 {
        flags |= libc::O_NOFOLLOW;
    }
    let fd = match open_beneath(dir, &path, flags, 0o666) {
        // A directory opened with write rights (the rights are a ceiling): open it read-only.
        Err(errno::ISDIR) if oflags & OFLAGS_CREAT == 0 => {
            open_beneath(dir, &path, libc::O_RDONLY | libc::O_DIRECTORY, 0)?
        }
        r => r?,
    };
    let st = fstat(fd.as_raw_fd())?;
    let entry = if filetype(st.st_mode) == FILETYPE_DIRECTORY {
        Fd::Dir { fd, preopen: None }
    } else {
        Fd::File { file: File::from(fd), append: fdflags & FDFLAGS_APPEND != 0 }
    };
    let n = cx.wasi.insert(entry);
    cx.mem.put_u32(out, n)
}

fn fd_readdir(cx: &mut Cx<'_>, a: &[u64]) -> Result<(), u32> {
    let (fd, buf, buf_len, cookie, used) = (a32(a[0]), a32(a[1]), a32(a[2]), a[3], a32(a[4]));
    let dir = cx.wasi.dir_fd(fd)?;
    let entries = read_dir_entries(dir)?;
    let mut out = Vec::new();
    for (i, (name, ino, ty)) in entries.iter().enumerate().skip(cookie as usize) {
        let mut d = [0u8; 24];
        d[0..8].copy_from_slice(&(i as u64 + 1).to_le_bytes());
        d[8..16].copy_from_slice(&ino.to_le_bytes());
        d[16..20].copy_from_slice(&(name.len() as u32).to_le_bytes());
        d[20] = *ty;
        out.extend_from_slice(&d);
        out.extend_from_slice(name);
        if out.len() >= buf_len as usize {
            break;
        }
    }
    out.truncate(buf_len as usize);
    cx.mem.write(buf, &out)?;
    cx.mem.put_u32(used, out.len() as u32)
}

fn poll_oneoff(cx: &mut Cx<'_>, a: &[u64]) -> Result<(), u32> {
    let (input, output, n, nevents) = (a32(a[0]), a32(a[1]), a32(a[2]), a32(a[3]));
    if n == 0 {
        return Err(errno::INVAL);
    }
    // Clock subscriptions sleep until the earliest deadline; descriptor subscriptions are
    // reported ready at once (host files and stdio never block indefinitely here).
    let mut events = Vec::new();
    let mut earliest: Option<(u64, u64)> = None; // (deadline ns on MONOTONIC, userdata)
    for i in 0..n {
        let s = input + i * 48;
        let userdata = cx.mem.u64(s)?;
        let tag = cx.mem.slice(s + 8, 1)?[0];
        match tag {
            0 => {
                let id = clock_id(cx.mem.u32(s + 16)?)?;
                let timeout = cx.mem.u64(s + 24)?;
                let abstime = cx.mem.slice(s + 40, 2)?[0] & 1 != 0;
                if let Some(d) = &mut cx.wasi.deterministic {
                    // Virtual time: the timeout passes at once.
                    let now = d.read_clock();
                    d.now = if abstime { timeout.max(now) } else { now.saturating_add(timeout) };
                    if earliest.is_none() {
                        earliest = Some((0, userdata));
                    }
                    continue;
                }
                let now = now_ns(id)?;
                let delay = if abstime { timeout.saturating_sub(now) } else { timeout };
                let deadline = now_ns(libc::CLOCK_MONOTONIC)?.saturating_add(delay);
                if earliest.is_none_or(|(d, _)| deadline < d) {
                    earliest = Some((deadline, userdata));
                }
            }
            1 | 2 => events.push((userdata, tag, 0u16)),
            _ => return Err(errno::INVAL),
        }
    }
    if events.is_empty() {
        if let Some((deadline, userdata)) = earliest {
            loop {
                let now = now_ns(libc::CLOCK_MONOTONIC)?;
                if now >= deadline {
                    break;
                }
                std::thread::sleep(std::time::Duration::from_nanos(deadline - now));
            }
            events.push((userdata, 0, 0));
        }
    }
    for (i, (userdata, tag, error)) in events.iter().enumerate() {
        let mut e = [0u8; 32];
        e[0..8].copy_from_slice(&userdata.to_le_bytes());
        e[8..10].copy_from_slice(&error.to_le_bytes());
        e[10] = *tag;
        if *tag != 0 {
            e[16..24].copy_from_slice(&1u64.to_le_bytes());
        }
        cx.mem.write(output + 32 * i as u32, &e)?;
    }
    cx.mem.put_u32(nevents, events.len() as u32)
}

/// Implementations, by name: `(name, params, has i32 result, body)`.
type Body = fn(&mut Caller<'_>, &[u64]) -> WasiResult;

macro_rules! wasi {
    ($name:literal, [$($p:ident),*], |$cx:ident, $a:ident| $body:expr) => {
        ($name, &[$(ValType::$p),*] as &[ValType], true, (|caller: &mut Caller<'_>, $a: &[u64]| {
            run(caller, |$cx| $body)
        }) as Body)
    };
}

fn table() -> Vec<(&'static str, &'static [ValType], bool, Body)> {
    vec![
        wasi!("args_get", [I32, I32], |cx, a| {
            let args = cx.wasi.args.clone();
            write_strings(cx, &args, a32(a[0]), a32(a[1]))
        }),
        wasi!("args_sizes_get", [I32, I32], |cx, a| {
            let args = cx.wasi.args.clone();
            sizes(cx, &args, a32(a[0]), a32(a[1]))
        }),
        wasi!("environ_get", [I32, I32], |cx, a| {
            let env = cx.wasi.env.clone();
            write_strings(cx, &env, a32(a[0]), a32(a[1]))
        }),
        wasi!("environ_sizes_get", [I32, I32], |cx, a| {
            let env = cx.wasi.env.clone();
            sizes(cx, &env, a32(a[0]), a32(a[1]))
        }),
        wasi!("clock_res_get", [I32, I32], |cx, a| {
            let id = clock_id(a32(a[0]))?;
            let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
            // SAFETY: clock_getres writes the timespec we pass.
            check(unsafe { libc::clock_getres(id, &mut ts) })?;
            cx.mem.put_u64(a32(a[1]), ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64)
        }),
        wasi!("clock_time_get", [I32, I64, I32], |cx, a| {
            let t = cx.wasi.clock_now(a32(a[0]))?;
            cx.mem.put_u64(a32(a[2]), t)
        }),
        wasi!("random_get", [I32, I32], |cx, a| {
            let buf = cx.mem.slice_mut(a32(a[0]), a32(a[1]))?;
            if let Some(d) = &mut cx.wasi.deterministic {
                d.fill(buf);
                return Ok(());
            }
            let mut done = 0;
            while done < buf.len() {
                // SAFETY: getrandom fills the remaining part of a live buffer.
                let n = unsafe {
                    libc::getrandom(buf[done..].as_mut_ptr().cast(), buf.len() - done, 0)
                };
                if n < 0 {
                    return Err(last_errno());
                }
                done += n as usize;
            }
            Ok(())
        }),
        wasi!("fd_write", [I32, I32, I32, I32], |cx, a| {
            let data = cx.mem.gather(a32(a[1]), a32(a[2]))?;
            let n = write_fd(cx.wasi.fd(a32(a[0]))?, &data, None)?;
            cx.mem.put_u32(a32(a[3]), n as u32)
        }),
        wasi!("fd_pwrite", [I32, I32, I32, I64, I32], |cx, a| {
            let data = cx.mem.gather(a32(a[1]), a32(a[2]))?;
            let n = write_fd(cx.wasi.fd(a32(a[0]))?, &data, Some(a[3]))?;
            cx.mem.put_u32(a32(a[4]), n as u32)
        }),
        wasi!("fd_read", [I32, I32, I32, I32], |cx, a| {
            let len = cx.mem.total_len(a32(a[1]), a32(a[2]))?;
            let data = read_fd(cx.wasi.fd(a32(a[0]))?, len, None)?;
            let n = cx.mem.scatter(a32(a[1]), a32(a[2]), &data)?;
            cx.mem.put_u32(a32(a[3]), n as u32)
        }),
        wasi!("fd_pread", [I32, I32, I32, I64, I32], |cx, a| {
            let len = cx.mem.total_len(a32(a[1]), a32(a[2]))?;
            let data = read_fd(cx.wasi.fd(a32(a[0]))?, len, Some(a[3]))?;
            let n = cx.mem.scatter(a32(a[1]), a32(a[2]), &data)?;
            cx.mem.put_u32(a32(a[4]), n as u32)
        }),
        wasi!("fd_seek", [I32, I64, I32, I32], |cx, a| {
            let pos = match a32(a[2]) {
                0 => SeekFrom::Start(a[1]),
                1 => SeekFrom::Current(a[1] as i64),
                2 => SeekFrom::End(a[1] as i64),
                _ => return Err(errno::INVAL),
            };
            let n = match cx.wasi.fd(a32(a[0]))? {
                Fd::File { file, .. } => file.seek(pos).map_err(io_errno)?,
                Fd::Stdio(_) => return Err(errno::SPIPE),
                Fd::Dir { .. } => return Err(errno::ISDIR),
            };
            cx.mem.put_u64(a32(a[3]), n)
        }),
        wasi!("fd_tell", [I32, I32], |cx, a| {
            let n = match cx.wasi.fd(a32(a[0]))? {
                Fd::File { file, .. } => file.stream_position().map_err(io_errno)?,
                Fd::Stdio(_) => return Err(errno::SPIPE),
                Fd::Dir { .. } => return Err(errno::ISDIR),
            };
            cx.mem.put_u64(a32(a[1]), n)
        }),
        wasi!("fd_close", [I32], |cx, a| {
            cx.wasi.fd(a32(a[0]))?;
            cx.wasi.fds[a32(a[0]) as usize] = None;
            Ok(())
        }),
        wasi!("fd_sync", [I32], |cx, a| {
            match cx.wasi.fd(a32(a[0]))? {
                Fd::File { file, .. } => file.sync_all().map_err(io_errno),
                _ => Ok(()),
            }
        }),
        wasi!("fd_fdstat_get", [I32, I32], |cx, a| {
            let fd = cx.wasi.fd(a32(a[0]))?;
            let (ty, flags) = match fd {
                Fd::Stdio(h) => (filetype(fstat(*h)?.st_mode), 0u16),
                Fd::File { file, append } => {
                    (filetype(fstat(file.as_raw_fd())?.st_mode), if *append { 1 } else { 0 })
                }
                Fd::Dir { .. } => (FILETYPE_DIRECTORY, 0),
            };
            let mut b = [0u8; 24];
            b[0] = ty;
            b[2..4].copy_from_slice(&flags.to_le_bytes());
            b[8..16].copy_from_slice(&ALL_RIGHTS.to_le_bytes());
            b[16..24].copy_from_slice(&ALL_RIGHTS.to_le_bytes());
            cx.mem.write(a32(a[1]), &b)
        }),
        wasi!("fd_fdstat_set_flags", [I32, I32], |cx, a| {
            let want_append = a32(a[1]) & FDFLAGS_APPEND != 0;
            match cx.wasi.fd(a32(a[0]))? {
                Fd::File { file, append } => {
                    let fd = file.as_raw_fd();
                    // SAFETY: fcntl on a descriptor we own.
                    let fl = unsafe { libc::fcntl(fd, libc::F_GETFL) };
                    let fl = if want_append { fl | libc::O_APPEND } else { fl & !libc::O_APPEND };
                    // SAFETY: as above.
                    check(unsafe { libc::fcntl(fd, libc::F_SETFL, fl) })?;
                    *append = want_append;
                    Ok(())
                }
                _ => Ok(()),
            }
        }),
        wasi!("fd_filestat_get", [I32, I32], |cx, a| {
            let raw = cx.wasi.fd(a32(a[0]))?.raw();
            let st = fstat(raw)?;
            put_filestat(&mut cx.mem, a32(a[1]), &st)
        }),
        wasi!("fd_prestat_get", [I32, I32], |cx, a| {
            match cx.wasi.fd(a32(a[0]))? {
                Fd::Dir { preopen: Some(name), .. } => {
                    let len = name.len() as u32;
                    cx.mem.put_u32(a32(a[1]), 0)?;
                    cx.mem.put_u32(a32(a[1]) + 4, len)
                }
                _ => Err(errno::BADF),
            }
        }),
        wasi!("fd_prestat_dir_name", [I32, I32, I32], |cx, a| {
            match cx.wasi.fd(a32(a[0]))? {
                Fd::Dir { preopen: Some(name), .. } => {
                    let name = name.clone().into_bytes();
                    let n = (a32(a[2]) as usize).min(name.len());
                    cx.mem.write(a32(a[1]), &name[..n])
                }
                _ => Err(errno::BADF),
            }
        }),
        wasi!("fd_readdir", [I32, I32, I32, I64, I32], |cx, a| fd_readdir(cx, a)),
        wasi!("path_open", [I32, I32, I32, I32, I32, I64, I64, I32, I32], |cx, a| path_open(cx, a)),
        wasi!("path_filestat_get", [I32, I32, I32, I32, I32], |cx, a| {
            let dir = cx.wasi.dir_fd(a32(a[0]))?;
            let path = cx.mem.path(a32(a[2]), a32(a[3]))?;
            let mut flags = libc::O_PATH;
            if a32(a[1]) & LOOKUP_SYMLINK_FOLLOW == 0 {
                flags |= libc::O_NOFOLLOW;
            }
            let fd = open_beneath(dir, &path, flags, 0)?;
            let st = fstat(fd.as_raw_fd())?;
            put_filestat(&mut cx.mem, a32(a[4]), &st)
        }),
        wasi!("path_create_directory", [I32, I32, I32], |cx, a| {
            let dir = cx.wasi.dir_fd(a32(a[0]))?;
            let (parent, name) = parent_and_name(dir, &cx.mem.path(a32(a[1]), a32(a[2]))?)?;
            // SAFETY: mkdirat with a live descriptor and a NUL-terminated name.
            check(unsafe { libc::mkdirat(parent.as_raw_fd(), name.as_ptr(), 0o777) })
        }),
        wasi!("path_remove_directory", [I32, I32, I32], |cx, a| {
            let dir = cx.wasi.dir_fd(a32(a[0]))?;
            let (parent, name) = parent_and_name(dir, &cx.mem.path(a32(a[1]), a32(a[2]))?)?;
            // SAFETY: unlinkat with a live descriptor and a NUL-terminated name.
            check(unsafe { libc::unlinkat(parent.as_raw_fd(), name.as_ptr(), libc::AT_REMOVEDIR) })
        }),
        wasi!("path_unlink_file", [I32, I32, I32], |cx, a| {
            let dir = cx.wasi.dir_fd(a32(a[0]))?;
            let (parent, name) = parent_and_name(dir, &cx.mem.path(a32(a[1]), a32(a[2]))?)?;
            // SAFETY: unlinkat with a live descriptor and a NUL-terminated name.
            check(unsafe { libc::unlinkat(parent.as_raw_fd(), name.as_ptr(), 0) })
        }),
        wasi!("path_rename", [I32, I32, I32, I32, I32, I32], |cx, a| {
            let old_dir = cx.wasi.dir_fd(a32(a[0]))?;
            let new_dir = cx.wasi.dir_fd(a32(a[3]))?;
            let (op, on) = parent_and_name(old_dir, &cx.mem.path(a32(a[1]), a32(a[2]))?)?;
            let (np, nn) = parent_and_name(new_dir, &cx.mem.path(a32(a[4]), a32(a[5]))?)?;
            // SAFETY: renameat with live descriptors and NUL-terminated names.
            check(unsafe {
                libc::renameat(op.as_raw_fd(), on.as_ptr(), np.as_raw_fd(), nn.as_ptr())
            })
        }),
        wasi!("poll_oneoff", [I32, I32, I32, I32], |cx, a| poll_oneoff(cx, a)),
        (
            "sched_yield",
            &[] as &[ValType],
            true,
            (|_: &mut Caller<'_>, _: &[u64]| {
                std::thread::yield_now();
                Ok(errno::SUCCESS)
            }) as Body,
        ),
        (
            "proc_exit",
            &[ValType::I32] as &[ValType],
            false,
            (|_: &mut Caller<'_>, a: &[u64]| Err(TrapKind::Exit(a[0] as u32 as i32))) as Body,
        ),
    ]
}

/// The host function for `wasi_snapshot_preview1.<name>` as a module imports it with type
/// `declared`. Known functions carry their WASI type (so a mismatch is an "incompatible
/// import type"); unknown ones return `ENOSYS` (or zeros if `declared` has no `i32` result).
pub fn wasi_import(name: &str, declared: &FuncType) -> Arc<HostFunc> {
    if let Some((_, params, has_result, body)) = table().into_iter().find(|e| e.0 == name) {
        let ty = FuncType {
            params: params.to_vec(),
            results: if has_result { vec![ValType::I32] } else { vec![] },
        };
        return Arc::new(HostFunc {
            ty,
            func: Box::new(move |caller, slots| {
                let errno = body(caller, slots)?;
                slots[0] = errno as u64;
                Ok(())
            }),
        });
    }
    let nresults = declared.results.len();
    let first_is_i32 = declared.results.first() == Some(&ValType::I32);
    Arc::new(HostFunc {
        ty: declared.clone(),
        func: Box::new(move |_, slots| {
            slots[..nresults].fill(0);
            if first_is_i32 {
                slots[0] = errno::NOSYS as u64;
            }
            Ok(())
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parent_and_name_splits_and_refuses_dots() {
        let dir = File::open(".").unwrap();
        let fd = dir.as_raw_fd();
        let c = |s: &str| CString::new(s).unwrap();
        assert_eq!(parent_and_name(fd, &c("a")).unwrap().1, c("a"));
        assert_eq!(parent_and_name(fd, &c("src/x/")).unwrap().1, c("x"));
        assert_eq!(parent_and_name(fd, &c("..")).unwrap_err(), errno::INVAL);
        assert_eq!(parent_and_name(fd, &c("../x")).unwrap_err(), errno::NOTCAPABLE);
        assert_eq!(parent_and_name(fd, &c("/etc/passwd")).unwrap_err(), errno::NOTCAPABLE);
    }

    #[test]
    fn open_beneath_blocks_escapes() {
        let tmp = std::env::temp_dir().join(format!("wasmc-wasi-test-{}", std::process::id()));
        std::fs::create_dir_all(tmp.join("inner")).unwrap();
        std::os::unix::fs::symlink("/etc", tmp.join("inner/link")).unwrap();
        let dir = File::open(tmp.join("inner")).unwrap();
        let fd = dir.as_raw_fd();
        let c = |s: &str| CString::new(s).unwrap();
        assert_eq!(open_beneath(fd, &c("../"), libc::O_RDONLY, 0).unwrap_err(), errno::NOTCAPABLE);
        assert_eq!(
            open_beneath(fd, &c("/etc/passwd"), libc::O_RDONLY, 0).unwrap_err(),
            errno::NOTCAPABLE
        );
        assert_eq!(
            open_beneath(fd, &c("link/passwd"), libc::O_RDONLY, 0).unwrap_err(),
            errno::NOTCAPABLE
        );
        assert!(open_beneath(fd, &c("."), libc::O_RDONLY, 0).is_ok());
        std::fs::remove_dir_all(&tmp).unwrap();
    }
}
