//! WASI preview1 (`wasi_snapshot_preview1`) for command programs, against the host OS.
//!
//! Every preview1 function of the witx definition is implemented (`table` lists them); an
//! import of any other name returns `ENOSYS`. Submodules:
//!
//! * [`guest`]: the one checked accessor of guest memory. Every pointer and length a guest
//!   passes is checked in 64-bit arithmetic against the memory's length at the call's start
//!   (`EFAULT`), so addresses never wrap (an iovec at `0xfffffffc` does not read its length
//!   from address 0). The memory is a raw view, never a Rust reference, since other threads
//!   may write a shared memory during the call: values are copied in and out, and bulk I/O
//!   hands the host system call a checked raw range. No other code here touches guest
//!   memory.
//! * `fd`: I/O moves straight between host descriptors and the guest's buffers, one iovec at
//!   a time, after all iovecs were checked: host memory and work are bounded by what the
//!   guest's buffers really hold, whatever lengths it claims.
//! * `path`: paths resolve beneath the directory descriptor with `openat2(RESOLVE_BENEATH)`,
//!   so absolute paths, `..` above it and symlinks that point outside fail with
//!   `ENOTCAPABLE` when followed; a symlink may be made with any target (it is checked when
//!   followed), `path_link` resolves both sides beneath their directories, and
//!   `path_readlink` never follows.
//! * `ctx`: the process state and descriptor table. Each descriptor carries its preview1
//!   rights (`base`, `inheriting`); a call lacking the right it needs fails with
//!   `ENOTCAPABLE`, rights can only be dropped (`fd_fdstat_set_rights`), and `path_open`
//!   gives the requested rights within the directory's inheriting rights. Preopens start
//!   with all rights, stdio with a stream's.
//! * `clock` (clocks, `poll_oneoff`, deterministic mode), `process` (args, environment,
//!   `random_get`, `proc_exit`, `proc_raise`, `sched_yield`, sockets), `host` (errno
//!   translation, `openat2`, `stat`).
//!
//! **Threads.** A [`WasiCtx`] is a handle to one program's WASI state; the threads of a
//! program (wasi-threads: one store per thread, all importing one shared memory) each keep
//! a handle made by [`WasiCtx::share`] as their store's data, and may call any function at
//! once. The descriptor table is behind a lock held only for lookups and updates, never
//! across a host call that may block; descriptors are reference-counted, so a descriptor
//! closed by one thread stays open on the host until the calls of others using it return.
//! Each descriptor serialises its own reads and its own writes per call (one `fd_write`'s
//! iovecs are never interleaved with another thread's write to it); different descriptors
//! never wait for each other. `poll_oneoff`, sleeps and `sched_yield` wait holding no lock;
//! the deterministic mode's clock and random stream have a lock of their own. (`ctx`'s
//! module comment has the details.)
//!
//! What is left out, and why:
//! * Sockets: `sock_accept`, `sock_recv`, `sock_send` and `sock_shutdown` are implemented,
//!   but no socket descriptor can exist (preview1 cannot create one and this runtime does
//!   not preopen any), so they report `ENOTSOCK` for an open descriptor, `EBADF` otherwise.
//! * `proc_raise` does not raise a host signal: it ends the program like a trap for signals
//!   whose default action terminates, and does nothing for those ignored by default.
//! * `fd_fdstat_set_flags` cannot switch `DSYNC`/`RSYNC`/`SYNC` on an open file (Linux
//!   ignores them in `F_SETFL`): `ENOTSUP`; `path_open` does honour them.
//! * `poll_oneoff` reports descriptor subscriptions ready at once.

mod clock;
mod ctx;
mod fd;
pub(crate) mod guest;
mod host;
mod path;
mod process;

use std::any::Any;
use std::sync::Arc;

pub use ctx::{PreopenError, WasiCtx};
use guest::{GuestMemory, GuestPtr};

use crate::instance::{Caller, HostFunc};
use crate::meta::{FuncType, ValType};
use crate::traps::TrapKind;

/// WASI errno values (`wasi_snapshot_preview1` `errno` enum).
#[expect(missing_docs, reason = "each constant is the witx errno case of the same name")]
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
    pub const NOTSOCK: u32 = 57;
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

/// WASI `filetype` values.
mod filetype {
    pub(super) const FILETYPE_UNKNOWN: u8 = 0;
    pub(super) const FILETYPE_BLOCK_DEVICE: u8 = 1;
    pub(super) const FILETYPE_CHARACTER_DEVICE: u8 = 2;
    pub(super) const FILETYPE_DIRECTORY: u8 = 3;
    pub(super) const FILETYPE_REGULAR_FILE: u8 = 4;
    pub(super) const FILETYPE_SOCKET_STREAM: u8 = 6;
    pub(super) const FILETYPE_SYMBOLIC_LINK: u8 = 7;
}

/// WASI `fdflags` bits.
mod fdflags {
    pub(super) const APPEND: u16 = 1;
    pub(super) const DSYNC: u16 = 2;
    pub(super) const NONBLOCK: u16 = 4;
    pub(super) const RSYNC: u16 = 8;
    pub(super) const SYNC: u16 = 16;
    pub(super) const ALL: u16 = 31;
}

/// WASI `rights` bits (preview1 witx `rights` flags, bit = position in the list).
mod rights {
    pub(super) const FD_DATASYNC: u64 = 1 << 0;
    pub(super) const FD_READ: u64 = 1 << 1;
    pub(super) const FD_SEEK: u64 = 1 << 2;
    pub(super) const FD_FDSTAT_SET_FLAGS: u64 = 1 << 3;
    pub(super) const FD_SYNC: u64 = 1 << 4;
    pub(super) const FD_TELL: u64 = 1 << 5;
    pub(super) const FD_WRITE: u64 = 1 << 6;
    pub(super) const FD_ADVISE: u64 = 1 << 7;
    pub(super) const FD_ALLOCATE: u64 = 1 << 8;
    pub(super) const PATH_CREATE_DIRECTORY: u64 = 1 << 9;
    pub(super) const PATH_CREATE_FILE: u64 = 1 << 10;
    pub(super) const PATH_LINK_SOURCE: u64 = 1 << 11;
    pub(super) const PATH_LINK_TARGET: u64 = 1 << 12;
    pub(super) const PATH_OPEN: u64 = 1 << 13;
    pub(super) const FD_READDIR: u64 = 1 << 14;
    pub(super) const PATH_READLINK: u64 = 1 << 15;
    pub(super) const PATH_RENAME_SOURCE: u64 = 1 << 16;
    pub(super) const PATH_RENAME_TARGET: u64 = 1 << 17;
    pub(super) const PATH_FILESTAT_GET: u64 = 1 << 18;
    pub(super) const PATH_FILESTAT_SET_SIZE: u64 = 1 << 19;
    pub(super) const PATH_FILESTAT_SET_TIMES: u64 = 1 << 20;
    pub(super) const FD_FILESTAT_GET: u64 = 1 << 21;
    pub(super) const FD_FILESTAT_SET_SIZE: u64 = 1 << 22;
    pub(super) const FD_FILESTAT_SET_TIMES: u64 = 1 << 23;
    pub(super) const PATH_SYMLINK: u64 = 1 << 24;
    pub(super) const PATH_REMOVE_DIRECTORY: u64 = 1 << 25;
    pub(super) const PATH_UNLINK_FILE: u64 = 1 << 26;
    pub(super) const POLL_FD_READWRITE: u64 = 1 << 27;
    pub(super) const SOCK_SHUTDOWN: u64 = 1 << 28;
    pub(super) const SOCK_ACCEPT: u64 = 1 << 29;
    /// Every right.
    pub(super) const ALL: u64 = (1 << 30) - 1;
    /// Rights of standard input (a stream the embedding owns).
    pub(super) const STDIN: u64 =
        FD_READ | FD_FDSTAT_SET_FLAGS | FD_FILESTAT_GET | POLL_FD_READWRITE;
    /// Rights of standard output and error.
    pub(super) const STDOUT: u64 =
        FD_WRITE | FD_FDSTAT_SET_FLAGS | FD_FILESTAT_GET | POLL_FD_READWRITE;
    /// Rights that need the file opened for writing.
    pub(super) const WRITE_LIKE: u64 = FD_WRITE | FD_ALLOCATE | FD_FILESTAT_SET_SIZE;
}

/// `fstflags` bits of `*_filestat_set_times`.
mod fstflags {
    pub(super) const ATIM: u32 = 1;
    pub(super) const ATIM_NOW: u32 = 2;
    pub(super) const MTIM: u32 = 4;
    pub(super) const MTIM_NOW: u32 = 8;
}

/// The `[atime, mtime]` timespecs for `utimensat`/`futimens` from preview1's timestamps (ns)
/// and `fst_flags`: a time is set to the given value (`ATIM`/`MTIM`), to now (`*_NOW`), or
/// left alone; asking for both a value and now, or an unknown bit, is `EINVAL`.
fn timespecs(atim: u64, mtim: u64, flags: u32) -> Result<[libc::timespec; 2], u32> {
    use fstflags::*;
    if flags & !(ATIM | ATIM_NOW | MTIM | MTIM_NOW) != 0 {
        return Err(errno::INVAL);
    }
    let one = |t: u64, set: u32, now: u32| -> Result<libc::timespec, u32> {
        Ok(match (flags & set != 0, flags & now != 0) {
            (true, true) => return Err(errno::INVAL),
            (true, false) => libc::timespec {
                tv_sec: (t / 1_000_000_000) as i64,
                tv_nsec: (t % 1_000_000_000) as i64,
            },
            (false, true) => libc::timespec { tv_sec: 0, tv_nsec: libc::UTIME_NOW },
            (false, false) => libc::timespec { tv_sec: 0, tv_nsec: libc::UTIME_OMIT },
        })
    };
    Ok([one(atim, ATIM, ATIM_NOW)?, one(mtim, MTIM, MTIM_NOW)?])
}

/// Writes a WASI `filestat` (64 bytes: dev, ino, filetype u8 at 16, nlink at 24, size at 32,
/// atim, mtim, ctim in ns at 40, 48, 56).
fn put_filestat(mem: &GuestMemory<'_>, at: GuestPtr, st: &libc::stat) -> Result<(), u32> {
    let mut b = [0u8; 64];
    b[0..8].copy_from_slice(&u64::from(st.st_dev).to_le_bytes());
    b[8..16].copy_from_slice(&u64::from(st.st_ino).to_le_bytes());
    b[16] = host::filetype(st.st_mode);
    b[24..32].copy_from_slice(&u64::from(st.st_nlink).to_le_bytes());
    b[32..40].copy_from_slice(&(st.st_size as u64).to_le_bytes());
    let ns = |s: i64, n: i64| (s as u64).wrapping_mul(1_000_000_000).wrapping_add(n as u64);
    b[40..48].copy_from_slice(&ns(st.st_atime, st.st_atime_nsec).to_le_bytes());
    b[48..56].copy_from_slice(&ns(st.st_mtime, st.st_mtime_nsec).to_le_bytes());
    b[56..64].copy_from_slice(&ns(st.st_ctime, st.st_ctime_nsec).to_le_bytes());
    mem.write(at, &b)
}

/// What a WASI function returns: an errno, or a trap (`proc_exit`, no memory).
type WasiResult = Result<u32, TrapKind>;

/// What one WASI call works on: the caller's memory (through the checked accessor, a view
/// of its length when the call began) and the program's WASI state (a shared handle: other
/// threads may use the same state at once).
struct Cx<'a> {
    mem: GuestMemory<'a>,
    wasi: &'a WasiCtx,
}

/// Where a store keeps its WASI context: a function of the store's data
/// (`StoreInner::set_data`; typically a field of the embedding's own type), `None` for a
/// store without one. The context is a handle ([`WasiCtx::share`]), so a shared reference
/// is all a call needs.
pub type WasiAccess = fn(&mut dyn Any) -> Option<&WasiCtx>;

/// The default [`WasiAccess`]: the store's data is the `WasiCtx` (as in a compiled program,
/// and in each thread's store of a wasi-threads program, holding a shared handle).
pub fn wasi_ctx_is_store_data(data: &mut dyn Any) -> Option<&WasiCtx> {
    data.downcast_ref::<WasiCtx>()
}

fn run(
    caller: &mut Caller<'_>,
    access: WasiAccess,
    f: impl FnOnce(&Cx<'_>) -> Result<(), u32>,
) -> WasiResult {
    let (mem, data) = caller.memory_and_data();
    let Some(wasi) = data.and_then(access) else {
        return Err(TrapKind::Host("WASI is not configured for this store".into()));
    };
    let Some(mem) = mem else {
        return Err(TrapKind::Host("WASI functions need the caller to have a memory".into()));
    };
    let cx = Cx { mem: GuestMemory::new(mem), wasi };
    Ok(match f(&cx) {
        Ok(()) => errno::SUCCESS,
        Err(e) => e,
    })
}

/// An `i32` argument slot as unsigned.
fn a32(v: u64) -> u32 {
    v as u32
}

/// An `i32` pointer argument slot as a guest address.
fn ptr(v: u64) -> GuestPtr {
    GuestPtr::new(v as u32)
}

/// Implementations, by name: `(name, params, has i32 result, body)`.
type Body = fn(&mut Caller<'_>, WasiAccess, &[u64]) -> WasiResult;

macro_rules! wasi {
    ($name:literal, [$($p:ident),*], |$cx:ident, $a:ident| $body:expr) => {
        ($name, &[$(ValType::$p),*] as &[ValType], true,
         (|caller: &mut Caller<'_>, access: WasiAccess, $a: &[u64]| {
            run(caller, access, |$cx| $body)
        }) as Body)
    };
}

/// Every preview1 function, with its core Wasm signature from the witx definition.
fn table() -> Vec<(&'static str, &'static [ValType], bool, Body)> {
    vec![
        wasi!("args_get", [I32, I32], |cx, a| process::strings_get(cx, false, a)),
        wasi!("args_sizes_get", [I32, I32], |cx, a| process::sizes_get(cx, false, a)),
        wasi!("environ_get", [I32, I32], |cx, a| process::strings_get(cx, true, a)),
        wasi!("environ_sizes_get", [I32, I32], |cx, a| process::sizes_get(cx, true, a)),
        wasi!("clock_res_get", [I32, I32], |cx, a| clock::res_get(cx, a)),
        wasi!("clock_time_get", [I32, I64, I32], |cx, a| clock::time_get(cx, a)),
        wasi!("fd_advise", [I32, I64, I64, I32], |cx, a| fd::advise(cx, a)),
        wasi!("fd_allocate", [I32, I64, I64], |cx, a| fd::allocate(cx, a)),
        wasi!("fd_close", [I32], |cx, a| cx.wasi.close(a32(a[0]))),
        wasi!("fd_datasync", [I32], |cx, a| fd::sync(cx, a32(a[0]), true)),
        wasi!("fd_fdstat_get", [I32, I32], |cx, a| fd::fdstat_get(cx, a32(a[0]), a[1])),
        wasi!("fd_fdstat_set_flags", [I32, I32], |cx, a| {
            fd::fdstat_set_flags(cx, a32(a[0]), a32(a[1]))
        }),
        wasi!("fd_fdstat_set_rights", [I32, I64, I64], |cx, a| {
            fd::fdstat_set_rights(cx, a32(a[0]), a[1], a[2])
        }),
        wasi!("fd_filestat_get", [I32, I32], |cx, a| fd::filestat_get(cx, a32(a[0]), a[1])),
        wasi!("fd_filestat_set_size", [I32, I64], |cx, a| {
            fd::filestat_set_size(cx, a32(a[0]), a[1])
        }),
        wasi!("fd_filestat_set_times", [I32, I64, I64, I32], |cx, a| {
            fd::filestat_set_times(cx, a)
        }),
        wasi!("fd_pread", [I32, I32, I32, I64, I32], |cx, a| fd::read(cx, a, true)),
        wasi!("fd_prestat_get", [I32, I32], |cx, a| fd::prestat_get(cx, a32(a[0]), a[1])),
        wasi!("fd_prestat_dir_name", [I32, I32, I32], |cx, a| {
            fd::prestat_dir_name(cx, a32(a[0]), a[1], a32(a[2]))
        }),
        wasi!("fd_pwrite", [I32, I32, I32, I64, I32], |cx, a| fd::write(cx, a, true)),
        wasi!("fd_read", [I32, I32, I32, I32], |cx, a| fd::read(cx, a, false)),
        wasi!("fd_readdir", [I32, I32, I32, I64, I32], |cx, a| fd::readdir(cx, a)),
        wasi!("fd_renumber", [I32, I32], |cx, a| cx.wasi.renumber(a32(a[0]), a32(a[1]))),
        wasi!("fd_seek", [I32, I64, I32, I32], |cx, a| {
            fd::seek(cx, a32(a[0]), a[1], a32(a[2]), a[3])
        }),
        wasi!("fd_sync", [I32], |cx, a| fd::sync(cx, a32(a[0]), false)),
        wasi!("fd_tell", [I32, I32], |cx, a| fd::seek(cx, a32(a[0]), 0, 1, a[1])),
        wasi!("fd_write", [I32, I32, I32, I32], |cx, a| fd::write(cx, a, false)),
        wasi!("path_create_directory", [I32, I32, I32], |cx, a| path::create_directory(cx, a)),
        wasi!("path_filestat_get", [I32, I32, I32, I32, I32], |cx, a| path::filestat_get(cx, a)),
        wasi!("path_filestat_set_times", [I32, I32, I32, I32, I64, I64, I32], |cx, a| {
            path::filestat_set_times(cx, a)
        }),
        wasi!("path_link", [I32, I32, I32, I32, I32, I32, I32], |cx, a| path::link(cx, a)),
        wasi!("path_open", [I32, I32, I32, I32, I32, I64, I64, I32, I32], |cx, a| {
            path::open(cx, a)
        }),
        wasi!("path_readlink", [I32, I32, I32, I32, I32, I32], |cx, a| path::readlink(cx, a)),
        wasi!("path_remove_directory", [I32, I32, I32], |cx, a| path::remove(cx, a, true)),
        wasi!("path_rename", [I32, I32, I32, I32, I32, I32], |cx, a| path::rename(cx, a)),
        wasi!("path_symlink", [I32, I32, I32, I32, I32], |cx, a| path::symlink(cx, a)),
        wasi!("path_unlink_file", [I32, I32, I32], |cx, a| path::remove(cx, a, false)),
        wasi!("poll_oneoff", [I32, I32, I32, I32], |cx, a| clock::poll_oneoff(cx, a)),
        wasi!("random_get", [I32, I32], |cx, a| process::random_get(cx, a)),
        wasi!("sock_accept", [I32, I32, I32], |cx, a| process::sock(cx, a, rights::SOCK_ACCEPT)),
        wasi!("sock_recv", [I32, I32, I32, I32, I32, I32], |cx, a| {
            process::sock(cx, a, rights::FD_READ)
        }),
        wasi!("sock_send", [I32, I32, I32, I32, I32], |cx, a| {
            process::sock(cx, a, rights::FD_WRITE)
        }),
        wasi!("sock_shutdown", [I32, I32], |cx, a| process::sock(cx, a, rights::SOCK_SHUTDOWN)),
        (
            "sched_yield",
            &[] as &[ValType],
            true,
            (|_: &mut Caller<'_>, _: WasiAccess, _: &[u64]| {
                match crate::sched::current() {
                    // A scheduling point under the deterministic scheduler.
                    Some(s) => s.point(None, 0),
                    None => std::thread::yield_now(),
                }
                Ok(errno::SUCCESS)
            }) as Body,
        ),
        (
            "proc_raise",
            &[ValType::I32] as &[ValType],
            true,
            (|_: &mut Caller<'_>, _: WasiAccess, a: &[u64]| process::proc_raise(a32(a[0]))) as Body,
        ),
        (
            "proc_exit",
            &[ValType::I32] as &[ValType],
            false,
            (|_: &mut Caller<'_>, _: WasiAccess, a: &[u64]| Err(TrapKind::Exit(a[0] as u32 as i32)))
                as Body,
        ),
    ]
}

/// The host function for `wasi_snapshot_preview1.<name>` as a module imports it with type
/// `declared`. Known functions carry their WASI type (so a mismatch is an "incompatible
/// import type"); unknown ones return `ENOSYS` (or zeros if `declared` has no `i32` result).
/// The functions find the WASI context as the store's data ([`wasi_ctx_is_store_data`]).
pub fn wasi_import(name: &str, declared: &FuncType) -> Arc<HostFunc> {
    wasi_import_with(name, declared, wasi_ctx_is_store_data)
}

/// [`wasi_import`] for a store that keeps its WASI context where `access` finds it (e.g. a
/// field of the embedding's own data, as `wasmtime_wasi`'s `add_to_linker` closure).
pub fn wasi_import_with(name: &str, declared: &FuncType, access: WasiAccess) -> Arc<HostFunc> {
    if let Some((_, params, has_result, body)) = table().into_iter().find(|e| e.0 == name) {
        let ty = FuncType {
            params: params.to_vec(),
            results: if has_result { vec![ValType::I32] } else { vec![] },
        };
        return Arc::new(HostFunc {
            ty,
            func: Box::new(move |caller, slots| {
                let errno = body(caller, access, slots)?;
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

    /// The witx list of preview1 functions; every one must be in [`table`].
    const PREVIEW1: &[&str] = &[
        "args_get",
        "args_sizes_get",
        "environ_get",
        "environ_sizes_get",
        "clock_res_get",
        "clock_time_get",
        "fd_advise",
        "fd_allocate",
        "fd_close",
        "fd_datasync",
        "fd_fdstat_get",
        "fd_fdstat_set_flags",
        "fd_fdstat_set_rights",
        "fd_filestat_get",
        "fd_filestat_set_size",
        "fd_filestat_set_times",
        "fd_pread",
        "fd_prestat_get",
        "fd_prestat_dir_name",
        "fd_pwrite",
        "fd_read",
        "fd_readdir",
        "fd_renumber",
        "fd_seek",
        "fd_sync",
        "fd_tell",
        "fd_write",
        "path_create_directory",
        "path_filestat_get",
        "path_filestat_set_times",
        "path_link",
        "path_open",
        "path_readlink",
        "path_remove_directory",
        "path_rename",
        "path_symlink",
        "path_unlink_file",
        "poll_oneoff",
        "proc_exit",
        "proc_raise",
        "sched_yield",
        "random_get",
        "sock_accept",
        "sock_recv",
        "sock_send",
        "sock_shutdown",
    ];

    #[test]
    fn every_preview1_function_is_implemented() {
        let t = table();
        for name in PREVIEW1 {
            assert!(t.iter().any(|e| e.0 == *name), "{name} missing");
        }
        assert_eq!(t.len(), PREVIEW1.len());
    }

    #[test]
    fn timespecs_follow_fstflags() {
        let [a, m] = timespecs(1_500_000_000, 7, fstflags::ATIM | fstflags::MTIM_NOW).unwrap();
        assert_eq!((a.tv_sec, a.tv_nsec), (1, 500_000_000));
        assert_eq!(m.tv_nsec, libc::UTIME_NOW);
        let [a, m] = timespecs(0, 0, 0).unwrap();
        assert_eq!((a.tv_nsec, m.tv_nsec), (libc::UTIME_OMIT, libc::UTIME_OMIT));
        assert_eq!(timespecs(0, 0, fstflags::ATIM | fstflags::ATIM_NOW).err(), Some(errno::INVAL));
        assert_eq!(timespecs(0, 0, fstflags::MTIM | fstflags::MTIM_NOW).err(), Some(errno::INVAL));
        assert_eq!(timespecs(0, 0, 16).err(), Some(errno::INVAL));
    }
}
