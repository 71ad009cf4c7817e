//! Child processes that die with wasmc (issue 33 item 4): the C compiler driver, its
//! `-###` query and the linker run through [`output`], so that no process wasmc started
//! outlives it, not even when it is killed with SIGKILL during a link.
//!
//! # Design
//! Nothing in wasmc runs after a SIGKILL, so the kill must come from a process that
//! survives it, woken by the kernel. `PR_SET_PDEATHSIG` alone does not suffice: it is not
//! inherited by a child's children, and the C compiler driver runs `collect2`, which runs
//! `ld` (GCC's driver does not kill them when it is killed itself); it also fires when the
//! parent *thread* ends, not the process. So every command runs under a small supervisor,
//! forked in the [`std::os::unix::process::CommandExt::pre_exec`] hook:
//!
//! ```text
//! wasmc ──fork── supervisor (own process group) ──fork── command (exec) ── its children
//!   │                 │
//!   └─ death pipe ────┘ (write end held by wasmc only; EOF when wasmc is gone)
//! ```
//!
//! - The supervisor makes itself the leader of a new process group; the command and all
//!   its descendants inherit it.
//! - It waits on two descriptors: the read end of the *death pipe* (whose only write end
//!   is wasmc's, close-on-exec: the kernel closes it when wasmc dies, however it dies, and
//!   whichever of its threads spawned) and a `signalfd` for `SIGCHLD`.
//! - When the command ends, the supervisor ends the same way (exit status, or the same
//!   signal), so that wasmc sees the command's status as if it were its child.
//! - When the death pipe reports end-of-file, the supervisor kills its whole process group
//!   with SIGKILL: the command, `collect2`, `ld`, the supervisor itself.
//! - The command itself has `PR_SET_PDEATHSIG` = SIGKILL towards the supervisor (checked
//!   against `getppid()` after it is set, for the race where the supervisor is already
//!   gone), for the case where the supervisor itself is killed.
//!
//! A descendant that leaves the process group (`setsid`, `setpgid`) escapes; no linker
//! does. The command's process group is not the terminal's foreground group, so Ctrl-C
//! reaches wasmc (and the supervisor's kill follows), and a command reading the terminal
//! would stop: commands run here get `/dev/null` as standard input ([`Command::output`]).
//!
//! The supervisor is the forked copy of wasmc, which may have had other threads: it calls
//! only async-signal-safe functions (system calls through `libc`), allocates nothing, and
//! ends with `_exit`.

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::process::CommandExt;
use std::process::{Command, Output};

/// Runs `cmd` to completion like [`Command::output`] (standard input `/dev/null`, output
/// and error captured), under a supervisor that kills it and all its descendants when
/// wasmc dies (see the module documentation).
///
/// # Errors
/// The pipe cannot be created, or spawning fails (as [`Command::output`]: the program is
/// not found, or the supervisor's set-up failed).
pub fn output(cmd: &mut Command) -> io::Result<Output> {
    let (death_r, _death_w) = death_pipe()?;
    let death = death_r.as_raw_fd();
    // SAFETY: `getpid` has no preconditions.
    let wasmc = unsafe { libc::getpid() };
    // SAFETY: the hook runs in the child between `fork` and `exec`; `supervise` calls only
    // async-signal-safe functions and allocates nothing, and `death` stays open in the
    // child (the parent holds `death_r` until `output` returns).
    unsafe {
        cmd.pre_exec(move || supervise(death, wasmc));
    }
    // `_death_w` is dropped (closed) here, after the command and its supervisor ended.
    cmd.output()
}

/// A pipe whose ends are close-on-exec; the read end is at descriptor 3 or above, so that
/// the child's set-up of its standard streams (descriptors 0 to 2) cannot replace it when
/// wasmc itself was started with one of them closed.
fn death_pipe() -> io::Result<(OwnedFd, OwnedFd)> {
    let mut fds = [0; 2];
    // SAFETY: `fds` is a writable array of two descriptors, as `pipe2` requires.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: `pipe2` succeeded: both descriptors are new and owned by nobody else.
    let (r, w) = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
    // `try_clone` duplicates with F_DUPFD_CLOEXEC at 3 or above.
    let r = if r.as_raw_fd() < 3 { r.try_clone()? } else { r };
    Ok((r, w))
}

/// The `pre_exec` hook, in the child forked from wasmc (whose pid is `wasmc`): becomes the
/// supervisor and forks the process that goes on to `exec` the command (the only one that
/// returns from here). Async-signal-safe throughout.
fn supervise(death: RawFd, wasmc: libc::pid_t) -> io::Result<()> {
    let fail = || Err(io::Error::last_os_error());
    // SAFETY: each call is an async-signal-safe system call wrapper given valid arguments
    // (local buffers, descriptors this process holds); none allocates; the forked child of
    // the command returns to std's `exec`, this process never returns (`supervise_loop`).
    unsafe {
        if libc::setpgid(0, 0) != 0 {
            return fail();
        }
        // wasmc died before the hook ran: the death pipe would report it at once anyway.
        if libc::getppid() != wasmc {
            libc::_exit(1);
        }
        // SIGCHLD ignored (inherited from whoever started wasmc) would reap the command
        // before the supervisor could wait for it.
        libc::signal(libc::SIGCHLD, libc::SIG_DFL);
        let mut chld: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut chld);
        libc::sigaddset(&mut chld, libc::SIGCHLD);
        if libc::sigprocmask(libc::SIG_BLOCK, &chld, std::ptr::null_mut()) != 0 {
            return fail();
        }
        let sigfd = libc::signalfd(-1, &chld, libc::SFD_CLOEXEC);
        if sigfd < 0 {
            return fail();
        }
        let supervisor = libc::getpid();
        let command = libc::fork();
        if command < 0 {
            return fail();
        }
        if command == 0 {
            // The command: SIGCHLD unblocked again (std reset the mask to empty before the
            // hook), killed if the supervisor goes, then `exec` (by std, on return).
            libc::sigprocmask(libc::SIG_UNBLOCK, &chld, std::ptr::null_mut());
            libc::close(sigfd);
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL as libc::c_ulong, 0, 0, 0) != 0 {
                return fail();
            }
            if libc::getppid() != supervisor {
                libc::_exit(1);
            }
            return Ok(());
        }
        // The supervisor keeps its standard streams and these two descriptors only: std's
        // exec-status pipe must be closed here (its write end reports to wasmc that the
        // command's `exec` succeeded when the last copy closes), and so must wasmc's copies
        // of the death pipe's write end and of anything else.
        close_all_but(death, sigfd);
        supervise_loop(death, sigfd, command)
    }
}

/// Closes every descriptor from 3 up but `a` and `b` (both 3 or above).
fn close_all_but(a: RawFd, b: RawFd) {
    let (lo, hi) = if a < b { (a, b) } else { (b, a) };
    let ranges = [(3, lo - 1), (lo + 1, hi - 1), (hi + 1, libc::c_int::MAX)];
    for (first, last) in ranges {
        if first > last {
            continue;
        }
        // SAFETY: `close_range` only closes descriptors of this process, none of which
        // anything in this (forked, single-threaded) process still uses.
        let r = unsafe { libc::syscall(libc::SYS_close_range, first as u32, last as u32, 0u32) };
        if r != 0 {
            // Before Linux 5.9: one by one, up to the descriptor limit.
            let mut lim: libc::rlimit = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
            // SAFETY: `lim` is a writable `rlimit`.
            let end = if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) } == 0 {
                lim.rlim_cur.min(1 << 20) as libc::c_int
            } else {
                1024
            };
            for fd in first..=last.min(end) {
                // SAFETY: as above; closing a descriptor that is not open is harmless.
                unsafe { libc::close(fd) };
            }
        }
    }
}

/// The supervisor's life after forking `command`: ends as the command ends, or kills its
/// process group when the death pipe reports that wasmc is gone. Never returns.
fn supervise_loop(death: RawFd, sigfd: RawFd, command: libc::pid_t) -> ! {
    loop {
        let mut fds = [
            libc::pollfd { fd: death, events: libc::POLLIN, revents: 0 },
            libc::pollfd { fd: sigfd, events: libc::POLLIN, revents: 0 },
        ];
        // SAFETY: `fds` is a writable array of two `pollfd`s.
        let n = unsafe { libc::poll(fds.as_mut_ptr(), 2, -1) };
        if n < 0 {
            continue; // EINTR
        }
        if fds[0].revents != 0 {
            // wasmc is gone (nothing ever writes to the pipe: readable means end-of-file).
            // SAFETY: signals this process's own group: the command, its descendants,
            // the supervisor.
            unsafe {
                libc::kill(0, libc::SIGKILL);
                libc::_exit(1);
            }
        }
        if fds[1].revents != 0 {
            let mut info = std::mem::MaybeUninit::<libc::signalfd_siginfo>::uninit();
            // SAFETY: reads at most one `signalfd_siginfo` into `info`'s storage (only to
            // consume the notification; its contents are not used).
            unsafe {
                libc::read(
                    sigfd,
                    info.as_mut_ptr().cast(),
                    std::mem::size_of::<libc::signalfd_siginfo>(),
                )
            };
            let mut status = 0;
            // SAFETY: `status` is a writable int; `command` is this process's child.
            let r = unsafe { libc::waitpid(command, &mut status, libc::WNOHANG) };
            if r == command {
                end_like(status);
            }
            if r < 0 {
                // SAFETY: ends this process; the command is gone.
                unsafe { libc::_exit(1) };
            }
        }
    }
}

/// Ends the supervisor with the command's wait `status`: the same exit status, or the same
/// terminating signal (without a core dump of the supervisor).
fn end_like(status: libc::c_int) -> ! {
    // SAFETY: async-signal-safe calls with valid arguments; they end the process.
    unsafe {
        if libc::WIFSIGNALED(status) {
            let sig = libc::WTERMSIG(status);
            let no_core = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
            libc::setrlimit(libc::RLIMIT_CORE, &no_core);
            libc::signal(sig, libc::SIG_DFL);
            let mut set: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut set);
            libc::sigaddset(&mut set, sig);
            libc::sigprocmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut());
            libc::kill(libc::getpid(), sig);
            libc::_exit(128 + sig);
        }
        libc::_exit(libc::WEXITSTATUS(status));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::process::ExitStatusExt;

    #[test]
    fn status_and_output_are_the_commands() {
        let out =
            output(Command::new("sh").args(["-c", "echo out; echo err >&2; exit 3"])).unwrap();
        assert_eq!(out.status.code(), Some(3));
        assert_eq!(out.stdout, b"out\n");
        assert_eq!(out.stderr, b"err\n");
        let out = output(Command::new("sh").args(["-c", "kill -TERM $$"])).unwrap();
        assert_eq!(out.status.signal(), Some(libc::SIGTERM));
        let e = output(&mut Command::new("/nonexistent/program")).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::NotFound);
    }

    #[test]
    fn large_output_does_not_block() {
        let out = output(Command::new("sh").args(["-c", "head -c 1000000 /dev/zero >&2"])).unwrap();
        assert!(out.status.success());
        assert_eq!(out.stderr.len(), 1_000_000);
    }
}
