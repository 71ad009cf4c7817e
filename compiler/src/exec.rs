//! `wasmc run`'s last step: the process *becomes* the compiled program.
//!
//! The linked executable is copied into an anonymous memory file (`memfd_create`) and
//! executed from there (`execve` of `/proc/self/fd/N`), after its temporary directory has
//! been removed. So `wasmc run` and the program are one process: a signal sent to
//! `wasmc run` (a harness's SIGKILL at a timeout, a SIGTERM, Ctrl-C) reaches the program,
//! the program's exit status or terminating signal is `wasmc run`'s, no child can outlive
//! it as an orphan, and no temporary file is left behind whatever happens.

use std::io::Write;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::process::Command;

use crate::error::CompileError;

/// `MFD_EXEC` (Linux 6.3): asks for an executable memfd where `vm.memfd_noexec` would
/// otherwise make it non-executable; older kernels reject the flag with `EINVAL`.
const MFD_EXEC: libc::c_uint = 0x10;

/// Creates an anonymous memory file named `name` (close-on-exec: the kernel has opened the
/// image by the time descriptors are closed); also holds the embedded runtime for the
/// linker ([`crate::link`]).
pub(crate) fn memfd(name: &std::ffi::CStr) -> std::io::Result<OwnedFd> {
    for flags in [libc::MFD_CLOEXEC | MFD_EXEC, libc::MFD_CLOEXEC] {
        // SAFETY: `name` is a NUL-terminated string; the call only creates a descriptor.
        let fd = unsafe { libc::memfd_create(name.as_ptr(), flags) };
        if fd >= 0 {
            // SAFETY: `fd` is a new descriptor that nothing else owns.
            return Ok(unsafe { OwnedFd::from_raw_fd(fd) });
        }
        let e = std::io::Error::last_os_error();
        if e.raw_os_error() != Some(libc::EINVAL) {
            return Err(e);
        }
    }
    Err(std::io::Error::from_raw_os_error(libc::EINVAL))
}

/// Replaces this process with the executable `file` (an executable cache entry, checked by
/// [`crate::cache::Cache::open`]), executed through its descriptor (`/proc/self/fd/N`), so
/// that it is the very file checked whatever happens to its path meanwhile; `configure` as
/// for [`exec_image`]. Returns only if that fails (e.g. an entry written before entries
/// were made executable: the caller then copies it to memory and uses [`exec_image`]).
///
/// # Errors
/// Always, when it returns: `execve` failed.
pub fn exec_file(file: &std::fs::File, configure: impl FnOnce(&mut Command)) -> CompileError {
    let mut cmd = Command::new(format!("/proc/self/fd/{}", file.as_raw_fd()));
    configure(&mut cmd);
    let e = std::os::unix::process::CommandExt::exec(&mut cmd);
    CompileError::Link(format!("cannot run the cached program: {e}"))
}

/// Replaces this process with the executable whose bytes are `image`; `configure` sets
/// its arguments, `argv[0]` and environment on the [`Command`] (whose program path is the
/// memory file's). Returns only if that fails.
///
/// # Errors
/// Always, when it returns: the memory file cannot be created or written, or `execve`
/// failed.
pub fn exec_image(image: &[u8], configure: impl FnOnce(&mut Command)) -> CompileError {
    let fail = |what: &str, e: std::io::Error| {
        CompileError::Link(format!("cannot run the linked program from memory ({what}): {e}"))
    };
    let fd = match memfd(c"wasmc-run") {
        Ok(fd) => fd,
        Err(e) => return fail("memfd_create", e),
    };
    let mut file = std::fs::File::from(fd);
    if let Err(e) = file.write_all(image) {
        return fail("writing the image", e);
    }
    let mut cmd = Command::new(format!("/proc/self/fd/{}", file.as_raw_fd()));
    configure(&mut cmd);
    let e = std::os::unix::process::CommandExt::exec(&mut cmd);
    drop(file);
    fail("execve", e)
}
