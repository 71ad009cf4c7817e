//! Arguments, environment, randomness, process control and sockets.

use super::host::retry_eintr;
use super::{Cx, a32, errno, ptr};
use crate::traps::TrapKind;

/// `args_get`/`environ_get(ptrs, buf)`: the strings NUL-terminated one after the other at
/// `buf`, a `u32` pointer to each in the array at `ptrs`.
pub(super) fn strings_get(cx: &Cx<'_>, env: bool, a: &[u64]) -> Result<(), u32> {
    let list = if env { cx.wasi.env() } else { cx.wasi.args() };
    let (ptrs, mut at) = (ptr(a[0]), ptr(a[1]));
    for (i, s) in list.iter().enumerate() {
        cx.mem.check(at, s.len() as u64 + 1)?;
        let slot = ptrs.elem(i as u64, 4);
        cx.mem.put_u32(slot, u32::try_from(at.addr()).map_err(|_| errno::FAULT)?)?;
        cx.mem.write(at, s)?;
        cx.mem.write(at.add(s.len() as u64), &[0])?;
        at = at.add(s.len() as u64 + 1);
    }
    Ok(())
}

/// `args_sizes_get`/`environ_sizes_get(count, buf_size)`.
pub(super) fn sizes_get(cx: &Cx<'_>, env: bool, a: &[u64]) -> Result<(), u32> {
    let list = if env { cx.wasi.env() } else { cx.wasi.args() };
    let total: u64 = list.iter().map(|s| s.len() as u64 + 1).sum();
    let total = u32::try_from(total).map_err(|_| errno::OVERFLOW)?;
    let count = list.len() as u32;
    cx.mem.check(ptr(a[0]), 4)?;
    cx.mem.check(ptr(a[1]), 4)?;
    cx.mem.put_u32(ptr(a[0]), count)?;
    cx.mem.put_u32(ptr(a[1]), total)
}

/// `random_get(buf, buf_len)`: fills the guest buffer in place, from the host's `getrandom`
/// (straight into guest memory), or in deterministic mode from its stream, through a small
/// host buffer (the stream's lock is held for the whole fill, so one call's bytes are one
/// run of the stream).
pub(super) fn random_get(cx: &Cx<'_>, a: &[u64]) -> Result<(), u32> {
    let at = ptr(a[0]);
    let buf = cx.mem.buf(at, u64::from(a32(a[1])))?;
    if let Some(mut d) = cx.wasi.deterministic() {
        let mut chunk = [0u8; 256];
        let mut done = 0;
        while done < buf.len() {
            let n = chunk.len().min(buf.len() - done);
            d.fill(&mut chunk[..n]);
            cx.mem.write(at.add(done as u64), &chunk[..n])?;
            done += n;
        }
        return Ok(());
    }
    let mut done = 0;
    while done < buf.len() {
        let rest = buf.skip(done);
        // SAFETY: getrandom fills at most `rest.len()` bytes of a checked range of guest
        // memory, mapped for the call; the kernel writes it, no reference is made.
        done += retry_eintr(|| unsafe { libc::getrandom(rest.ptr().cast(), rest.len(), 0) })?;
    }
    Ok(())
}

/// `proc_raise(sig)`: a signal (preview1 `signal`: 0 none, 1 HUP ... 30 SYS) whose default
/// action is to be ignored (`CHLD` 16, `CONT` 17, `URG` 22, `WINCH` 27) or none does nothing;
/// every other one ends the program, reported like a trap (status 134): those whose default
/// action terminates as it would, and the stop signals (`STOP`, `TSTP`, `TTIN`, `TTOU`,
/// whose default action would only suspend the process) too, since a guest cannot be
/// suspended here. Real host signals are not raised: the guest must not stop or kill the
/// process in ways the runtime cannot report.
pub(super) fn proc_raise(sig: u32) -> Result<u32, TrapKind> {
    const NAMES: [&str; 31] = [
        "none", "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV",
        "USR2", "PIPE", "ALRM", "TERM", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG",
        "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "POLL", "PWR", "SYS",
    ];
    match sig {
        0 | 16 | 17 | 22 | 27 => Ok(errno::SUCCESS),
        1..=30 => Err(TrapKind::Host(format!("proc_raise: SIG{}", NAMES[sig as usize]))),
        _ => Ok(errno::INVAL),
    }
}

/// `sock_accept`, `sock_recv`, `sock_send`, `sock_shutdown` (first argument the fd): no
/// socket descriptor ever exists in this runtime (sockets cannot be preopened and preview1
/// cannot create them), so an open descriptor is `ENOTSOCK` (`ENOTCAPABLE` without the
/// right `need`: `SOCK_ACCEPT`, `SOCK_SHUTDOWN`, or `FD_READ`/`FD_WRITE` for recv/send) and
/// any other `EBADF`.
pub(super) fn sock(cx: &Cx<'_>, a: &[u64], need: u64) -> Result<(), u32> {
    cx.wasi.fd(a32(a[0]), need)?;
    Err(errno::NOTSOCK)
}
