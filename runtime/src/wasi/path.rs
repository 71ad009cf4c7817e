//! The `path_*` functions. Each resolves its path beneath a directory descriptor with
//! `openat2(RESOLVE_BENEATH)` ([`open_beneath`]); those that act on a final name (create,
//! remove, rename, link, symlink, readlink) open its parent that way and pass the last
//! component to the host `*at` call, which does not follow a symlink there. So a symlink's
//! target is checked when it is followed (by `path_open` or a `SYMLINK_FOLLOW` lookup), never
//! when it is made, and no path names anything outside the preopen.
//!
//! A directory's host descriptor is used through the `Arc` its lookup returned (`*_desc`,
//! alive to the end of the call), so another thread's `fd_close` cannot close it, and let
//! the OS reuse its number, while a call resolves a path beneath it.

use std::ffi::CString;
use std::fs::File;
use std::os::fd::AsRawFd;

use super::ctx::Fd;
use super::host::{check, filetype, fstat, last_errno, open_beneath, parent_and_name};
use super::{Cx, a32, errno, fdflags, filetype::*, ptr, put_filestat, rights, timespecs};

/// `lookupflags.symlink_follow`.
const LOOKUP_SYMLINK_FOLLOW: u32 = 1;
/// `oflags` bits.
const OFLAGS_CREAT: u32 = 1;
const OFLAGS_DIRECTORY: u32 = 2;
const OFLAGS_EXCL: u32 = 4;
const OFLAGS_TRUNC: u32 = 8;

/// The path argument `(ptr, len)` as a C string (`EFAULT` outside memory, `EINVAL` for an
/// embedded NUL).
fn path(cx: &Cx<'_>, p: u64, len: u64) -> Result<CString, u32> {
    let bytes = cx.mem.read_vec(ptr(p), u64::from(a32(len)))?;
    CString::new(bytes).map_err(|_| errno::INVAL)
}

/// `O_NOFOLLOW` unless `lookup` asks to follow a final symlink.
fn nofollow(lookup: u32) -> i32 {
    if lookup & LOOKUP_SYMLINK_FOLLOW == 0 { libc::O_NOFOLLOW } else { 0 }
}

/// `path_open(fd, dirflags, path, path_len, oflags, rights_base, rights_inheriting, fdflags,
/// opened_fd)`. The new descriptor's rights are the requested ones within the directory's
/// inheriting rights; reading/writing is chosen from `FD_READ` and the write-like rights.
pub(super) fn open(cx: &Cx<'_>, a: &[u64]) -> Result<(), u32> {
    let (lookup, oflags, fdfl, out) = (a32(a[1]), a32(a[4]), a32(a[7]), ptr(a[8]));
    let mut need = rights::PATH_OPEN;
    if oflags & OFLAGS_CREAT != 0 {
        need |= rights::PATH_CREATE_FILE;
    }
    if oflags & OFLAGS_TRUNC != 0 {
        need |= rights::PATH_FILESTAT_SET_SIZE;
    }
    let p = path(cx, a[2], a[3])?;
    cx.mem.check(out, 4)?;
    // One lookup: the directory and its inheriting rights as they were together.
    let dir_entry = cx.wasi.dir_entry(a32(a[0]), need)?;
    let dir = dir_entry.desc.raw();
    let (base, inh) = (a[5] & dir_entry.inheriting, a[6] & dir_entry.inheriting);
    let write = base & rights::WRITE_LIKE != 0;
    let read = base & rights::FD_READ != 0;
    let mut flags = match (read, write) {
        (_, false) => libc::O_RDONLY,
        (false, true) => libc::O_WRONLY,
        (true, true) => libc::O_RDWR,
    };
    for (bit, host) in [(OFLAGS_CREAT, libc::O_CREAT), (OFLAGS_EXCL, libc::O_EXCL)] {
        if oflags & bit != 0 {
            flags |= host;
        }
    }
    if oflags & OFLAGS_TRUNC != 0 {
        flags |= libc::O_TRUNC;
    }
    if oflags & OFLAGS_DIRECTORY != 0 {
        flags = libc::O_RDONLY | libc::O_DIRECTORY;
    }
    for (bit, host) in [
        (fdflags::APPEND, libc::O_APPEND),
        (fdflags::DSYNC, libc::O_DSYNC),
        (fdflags::NONBLOCK, libc::O_NONBLOCK),
        (fdflags::RSYNC, libc::O_RSYNC),
        (fdflags::SYNC, libc::O_SYNC),
    ] {
        if fdfl & u32::from(bit) != 0 {
            flags |= host;
        }
    }
    flags |= nofollow(lookup);
    let fd = match open_beneath(dir, &p, flags, 0o666) {
        // A directory opened with write rights (the rights are a ceiling): open it read-only.
        Err(errno::ISDIR) if oflags & OFLAGS_CREAT == 0 => {
            open_beneath(dir, &p, libc::O_RDONLY | libc::O_DIRECTORY | nofollow(lookup), 0)?
        }
        r => r?,
    };
    let st = fstat(fd.as_raw_fd())?;
    let fd = if filetype(st.st_mode) == FILETYPE_DIRECTORY {
        Fd::Dir { fd, preopen: None }
    } else {
        Fd::File(File::from(fd))
    };
    let n = cx.wasi.insert(fd, base, inh);
    cx.mem.put_u32(out, n)
}

/// `path_filestat_get(fd, flags, path, path_len, filestat)`.
pub(super) fn filestat_get(cx: &Cx<'_>, a: &[u64]) -> Result<(), u32> {
    let p = path(cx, a[2], a[3])?;
    let dir_desc = cx.wasi.dir(a32(a[0]), rights::PATH_FILESTAT_GET)?;
    let dir = dir_desc.raw();
    let fd = open_beneath(dir, &p, libc::O_PATH | nofollow(a32(a[1])), 0)?;
    let st = fstat(fd.as_raw_fd())?;
    put_filestat(&cx.mem, ptr(a[4]), &st)
}

/// `path_filestat_set_times(fd, flags, path, path_len, atim, mtim, fst_flags)`: the file (or,
/// without `SYMLINK_FOLLOW`, the symlink itself) is resolved beneath `fd` into an `O_PATH`
/// descriptor and its times set with `utimensat(fd, "", AT_EMPTY_PATH)` (Linux 5.8+).
pub(super) fn filestat_set_times(cx: &Cx<'_>, a: &[u64]) -> Result<(), u32> {
    let times = timespecs(a[4], a[5], a32(a[6]))?;
    let p = path(cx, a[2], a[3])?;
    let dir_desc = cx.wasi.dir(a32(a[0]), rights::PATH_FILESTAT_SET_TIMES)?;
    let dir = dir_desc.raw();
    let fd = open_beneath(dir, &p, libc::O_PATH | nofollow(a32(a[1])), 0)?;
    // SAFETY: utimensat reads the empty NUL-terminated path and two timespecs.
    check(unsafe {
        libc::utimensat(fd.as_raw_fd(), c"".as_ptr(), times.as_ptr(), libc::AT_EMPTY_PATH)
    })
}

/// `path_create_directory(fd, path, path_len)` (`mkdirat`).
pub(super) fn create_directory(cx: &Cx<'_>, a: &[u64]) -> Result<(), u32> {
    let p = path(cx, a[1], a[2])?;
    let dir_desc = cx.wasi.dir(a32(a[0]), rights::PATH_CREATE_DIRECTORY)?;
    let dir = dir_desc.raw();
    let (parent, name) = parent_and_name(dir, &p)?;
    // SAFETY: mkdirat with a live descriptor and a NUL-terminated name.
    check(unsafe { libc::mkdirat(parent.as_raw_fd(), name.as_ptr(), 0o777) })
}

/// `path_remove_directory(fd, path, path_len)` and `path_unlink_file(fd, path, path_len)`
/// (`unlinkat`, with `AT_REMOVEDIR` for a directory).
pub(super) fn remove(cx: &Cx<'_>, a: &[u64], directory: bool) -> Result<(), u32> {
    let p = path(cx, a[1], a[2])?;
    let need = if directory { rights::PATH_REMOVE_DIRECTORY } else { rights::PATH_UNLINK_FILE };
    let dir_desc = cx.wasi.dir(a32(a[0]), need)?;
    let dir = dir_desc.raw();
    let (parent, name) = parent_and_name(dir, &p)?;
    let flags = if directory { libc::AT_REMOVEDIR } else { 0 };
    // SAFETY: unlinkat with a live descriptor and a NUL-terminated name.
    check(unsafe { libc::unlinkat(parent.as_raw_fd(), name.as_ptr(), flags) })
}

/// `path_rename(fd, old_path, old_len, new_fd, new_path, new_len)` (`renameat`).
pub(super) fn rename(cx: &Cx<'_>, a: &[u64]) -> Result<(), u32> {
    let (old, new) = (path(cx, a[1], a[2])?, path(cx, a[4], a[5])?);
    let old_dir_desc = cx.wasi.dir(a32(a[0]), rights::PATH_RENAME_SOURCE)?;
    let old_dir = old_dir_desc.raw();
    let new_dir_desc = cx.wasi.dir(a32(a[3]), rights::PATH_RENAME_TARGET)?;
    let new_dir = new_dir_desc.raw();
    let (op, on) = parent_and_name(old_dir, &old)?;
    let (np, nn) = parent_and_name(new_dir, &new)?;
    // SAFETY: renameat with live descriptors and NUL-terminated names.
    check(unsafe { libc::renameat(op.as_raw_fd(), on.as_ptr(), np.as_raw_fd(), nn.as_ptr()) })
}

/// `path_link(old_fd, old_flags, old_path, old_len, new_fd, new_path, new_len)` (`linkat`).
/// Both paths resolve beneath their directories, so no link to an outside file can be made.
/// Without `SYMLINK_FOLLOW` a final symlink is linked itself; with it, the symlink is
/// followed beneath `old_fd` into an `O_PATH` descriptor, which is linked through its
/// `/proc/self/fd` entry (`AT_EMPTY_PATH` would need `CAP_DAC_READ_SEARCH`).
pub(super) fn link(cx: &Cx<'_>, a: &[u64]) -> Result<(), u32> {
    let (old, new) = (path(cx, a[2], a[3])?, path(cx, a[5], a[6])?);
    let old_dir_desc = cx.wasi.dir(a32(a[0]), rights::PATH_LINK_SOURCE)?;
    let old_dir = old_dir_desc.raw();
    let new_dir_desc = cx.wasi.dir(a32(a[4]), rights::PATH_LINK_TARGET)?;
    let new_dir = new_dir_desc.raw();
    let (np, nn) = parent_and_name(new_dir, &new)?;
    if a32(a[1]) & LOOKUP_SYMLINK_FOLLOW != 0 {
        let target = open_beneath(old_dir, &old, libc::O_PATH, 0)?;
        let proc = CString::new(format!("/proc/self/fd/{}", target.as_raw_fd()))
            .map_err(|_| errno::INVAL)?;
        // SAFETY: linkat with live descriptors and NUL-terminated names.
        return check(unsafe {
            libc::linkat(
                libc::AT_FDCWD,
                proc.as_ptr(),
                np.as_raw_fd(),
                nn.as_ptr(),
                libc::AT_SYMLINK_FOLLOW,
            )
        });
    }
    let (op, on) = parent_and_name(old_dir, &old)?;
    // SAFETY: linkat with live descriptors and NUL-terminated names.
    check(unsafe { libc::linkat(op.as_raw_fd(), on.as_ptr(), np.as_raw_fd(), nn.as_ptr(), 0) })
}

/// `path_symlink(old_path, old_len, fd, new_path, new_len)` (`symlinkat`): the link is made
/// beneath `fd` with any target text; the target is checked when the link is followed.
pub(super) fn symlink(cx: &Cx<'_>, a: &[u64]) -> Result<(), u32> {
    let (target, new) = (path(cx, a[0], a[1])?, path(cx, a[3], a[4])?);
    let dir_desc = cx.wasi.dir(a32(a[2]), rights::PATH_SYMLINK)?;
    let dir = dir_desc.raw();
    let (parent, name) = parent_and_name(dir, &new)?;
    // SAFETY: symlinkat with a live descriptor and NUL-terminated strings.
    check(unsafe { libc::symlinkat(target.as_ptr(), parent.as_raw_fd(), name.as_ptr()) })
}

/// `path_readlink(fd, path, path_len, buf, buf_len, bufused)` (`readlinkat`, which does not
/// follow the final symlink): the target text, cut at `buf_len` bytes, without a NUL.
pub(super) fn readlink(cx: &Cx<'_>, a: &[u64]) -> Result<(), u32> {
    let p = path(cx, a[1], a[2])?;
    let (buf, buf_len, used) = (ptr(a[3]), u64::from(a32(a[4])), ptr(a[5]));
    cx.mem.check(buf, buf_len)?;
    cx.mem.check(used, 4)?;
    let dir_desc = cx.wasi.dir(a32(a[0]), rights::PATH_READLINK)?;
    let dir = dir_desc.raw();
    let (parent, name) = parent_and_name(dir, &p)?;
    // Linux symlink targets are shorter than PATH_MAX (4096) bytes.
    let mut target = [0u8; 4096];
    // SAFETY: readlinkat writes at most `target.len()` bytes into the live array.
    let n = unsafe {
        libc::readlinkat(
            parent.as_raw_fd(),
            name.as_ptr(),
            target.as_mut_ptr().cast(),
            target.len(),
        )
    };
    if n < 0 {
        return Err(last_errno());
    }
    let n = (n as usize).min(buf_len as usize);
    cx.mem.write(buf, &target[..n])?;
    cx.mem.put_u32(used, n as u32)
}
