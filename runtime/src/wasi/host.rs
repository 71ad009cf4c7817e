//! Host-side helpers of the WASI implementation: errno translation, resolution beneath a
//! directory (`openat2(RESOLVE_BENEATH)`), `stat` and directory listing. Nothing here
//! touches guest memory.

use std::ffi::CString;
use std::os::fd::{FromRawFd, OwnedFd};

use super::errno;
use super::filetype::*;

/// The WASI errno for host errno `e`.
pub(super) fn host_errno(e: i32) -> u32 {
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
        // (`open_beneath` reads an EXDEV of its own as an escape: ENOTCAPABLE.)
        libc::EXDEV => XDEV,
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

pub(super) fn io_errno(e: std::io::Error) -> u32 {
    e.raw_os_error().map_or(errno::IO, host_errno)
}

pub(super) fn last_errno() -> u32 {
    io_errno(std::io::Error::last_os_error())
}

pub(super) fn filetype(mode: u32) -> u8 {
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

pub(super) fn fstat(fd: i32) -> Result<libc::stat, u32> {
    // SAFETY: fstat fills the zeroed stat buffer.
    unsafe {
        let mut st: libc::stat = core::mem::zeroed();
        if libc::fstat(fd, &mut st) != 0 {
            return Err(last_errno());
        }
        Ok(st)
    }
}

/// Runs the system call `op` (a `read`/`write`-style call returning a byte count or -1)
/// until it is not interrupted; returns the byte count or the WASI errno.
pub(super) fn retry_eintr(mut op: impl FnMut() -> isize) -> Result<usize, u32> {
    loop {
        let n = op();
        if n >= 0 {
            return Ok(n as usize);
        }
        let e = last_errno();
        if e != errno::INTR {
            return Err(e);
        }
    }
}

/// Opens `path` beneath directory `dir` with `openat2(RESOLVE_BENEATH)`.
pub(super) fn open_beneath(
    dir: i32,
    path: &CString,
    flags: i32,
    mode: u32,
) -> Result<OwnedFd, u32> {
    // SAFETY: open_how is plain data; all-zero is a valid value.
    let mut how: libc::open_how = unsafe { core::mem::zeroed() };
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
        if e == libc::EXDEV {
            // openat2(RESOLVE_BENEATH) reports an escape as EXDEV.
            return Err(errno::NOTCAPABLE);
        }
        if e != libc::EAGAIN && e != libc::EINTR {
            return Err(host_errno(e));
        }
    }
}

/// Splits `path` into its parent directory (opened beneath `dir`) and last component, for
/// the `*at` calls that cannot resolve beneath a directory themselves. The component keeps
/// the path's trailing slashes, so the host call applies their meaning (`f/` names a
/// directory: unlinking or renaming a file as `f/` is `ENOTDIR`). An empty path is
/// `ENOENT`.
pub(super) fn parent_and_name(dir: i32, path: &CString) -> Result<(OwnedFd, CString), u32> {
    let bytes = path.as_bytes();
    if bytes.is_empty() {
        return Err(errno::NOENT);
    }
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
    let slashes = &bytes[trimmed.len()..];
    let parent = CString::new(parent).map_err(|_| errno::INVAL)?;
    let pfd = open_beneath(dir, &parent, libc::O_PATH | libc::O_DIRECTORY, 0)?;
    Ok((pfd, CString::new([name, slashes].concat()).map_err(|_| errno::INVAL)?))
}

pub(super) fn check(r: i32) -> Result<(), u32> {
    if r == 0 { Ok(()) } else { Err(last_errno()) }
}

/// Directory entries `(name, inode, filetype)` of an open directory, `.` and `..` first.
pub(super) fn read_dir_entries(fd: i32) -> Result<Vec<(Vec<u8>, u64, u8)>, u32> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs::File;
    use std::os::fd::AsRawFd;

    #[test]
    fn parent_and_name_splits_and_refuses_dots() {
        let dir = File::open(".").unwrap();
        let fd = dir.as_raw_fd();
        let c = |s: &str| CString::new(s).unwrap();
        assert_eq!(parent_and_name(fd, &c("a")).unwrap().1, c("a"));
        // Trailing slashes stay on the name, for the host call to apply.
        assert_eq!(parent_and_name(fd, &c("src/x/")).unwrap().1, c("x/"));
        assert_eq!(parent_and_name(fd, &c("x//")).unwrap().1, c("x//"));
        assert_eq!(parent_and_name(fd, &c("")).unwrap_err(), errno::NOENT);
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
