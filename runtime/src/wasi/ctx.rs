//! The WASI state of a program: arguments, environment, the descriptor table with each
//! descriptor's rights, and the deterministic mode; shared by all threads of the program.
//!
//! Concurrency (wasi-threads: every thread is a store of its own, and all of them use one
//! [`WasiCtx`] through [`WasiCtx::share`]):
//! * The table is a `Mutex` held only to look a descriptor up, insert, close, renumber or
//!   change rights: never across a host call that may block.
//! * A descriptor is an `Arc<Desc>`: a lookup clones it, so a call keeps its descriptor
//!   open however long it blocks. `fd_close` (or `fd_renumber` onto it) by another thread
//!   only takes it out of the table; the host descriptor is closed when the last call using
//!   it returns, so the OS never reuses its number under a running call.
//! * Each descriptor has an I/O lock per direction ([`Desc::lock_read`],
//!   [`Desc::lock_write`]) held for one whole read-like or write-like call, so one
//!   `fd_write`'s iovecs reach the file together, never interleaved with another thread's
//!   write to the same descriptor. Different descriptors never wait for each other, and a
//!   reader blocked on a descriptor does not stop writers of it.
//! * The deterministic mode's state has a lock of its own, held for a clock reading or a
//!   random fill, never while a thread sleeps.
//!
//! Locks are taken in no nested order (a call holds at most one descriptor I/O lock and
//! takes the table or deterministic lock only briefly, inside it or outside), so they
//! cannot deadlock. A lock poisoned by a panicking host call is used as is: every update
//! under these locks is a single assignment, never left half done.

use std::fs::File;
use std::os::fd::{AsRawFd, OwnedFd};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use super::clock::Deterministic;
use super::errno;
use super::rights;

/// Locks `m`, ignoring poisoning (see the module comment).
pub(super) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// What a guest descriptor refers to.
pub(super) enum Fd {
    /// Host stdin/stdout/stderr (host fd 0, 1, 2), used unbuffered; not owned (closing the
    /// guest descriptor leaves the host's open).
    Stdio(i32),
    /// A regular file (or device, FIFO). Its status flags (`O_APPEND`, `O_NONBLOCK`) live in
    /// the host descriptor alone.
    File(File),
    /// A directory; `preopen` is its guest name if it was preopened.
    Dir { fd: OwnedFd, preopen: Option<String> },
}

impl Fd {
    /// The host descriptor.
    pub(super) fn raw(&self) -> i32 {
        match self {
            Fd::Stdio(fd) => *fd,
            Fd::File(file) => file.as_raw_fd(),
            Fd::Dir { fd, .. } => fd.as_raw_fd(),
        }
    }
}

/// An open descriptor, shared by the table and every call using it (see the module
/// comment). The host descriptor closes when the last `Arc` goes.
pub(super) struct Desc {
    /// What it refers to.
    pub(super) fd: Fd,
    /// Held for a whole read-like call: `fd_read`, `fd_pread`, `fd_readdir` (whose listing
    /// moves the directory's read position).
    read: Mutex<()>,
    /// Held for a whole write-like call: `fd_write`, `fd_pwrite`.
    write: Mutex<()>,
    /// Held while the host status flags are read, changed and written back
    /// (`fd_fdstat_set_flags`), so two such calls do not lose each other's change.
    flags: Mutex<()>,
}

impl Desc {
    /// A descriptor for `fd`, its locks free.
    pub(super) fn new(fd: Fd) -> Desc {
        Desc { fd, read: Mutex::new(()), write: Mutex::new(()), flags: Mutex::new(()) }
    }

    /// The host descriptor.
    pub(super) fn raw(&self) -> i32 {
        self.fd.raw()
    }

    /// The read I/O lock, for one whole read-like call.
    pub(super) fn lock_read(&self) -> MutexGuard<'_, ()> {
        lock(&self.read)
    }

    /// The write I/O lock, for one whole write-like call.
    pub(super) fn lock_write(&self) -> MutexGuard<'_, ()> {
        lock(&self.write)
    }

    /// The status-flags lock.
    pub(super) fn lock_flags(&self) -> MutexGuard<'_, ()> {
        lock(&self.flags)
    }
}

/// One slot of the descriptor table: the descriptor and its preview1 rights (which belong
/// to the number, and move with it in `fd_renumber`). A lookup returns a copy.
#[derive(Clone)]
pub(super) struct Entry {
    pub(super) desc: Arc<Desc>,
    /// Rights that apply to this descriptor (`fs_rights_base`).
    pub(super) base: u64,
    /// Rights that descriptors opened through it may get (`fs_rights_inheriting`).
    pub(super) inheriting: u64,
}

/// The process state behind every handle of one program's [`WasiCtx`].
struct Process {
    args: Vec<Vec<u8>>,
    env: Vec<Vec<u8>>,
    /// Guest descriptor number -> slot; `None` is a closed number (reused lowest first).
    fds: Mutex<Vec<Option<Entry>>>,
    /// The deterministic mode's state (`WASMC_DETERMINISTIC=1`), if on.
    deterministic: OnceLock<Mutex<Deterministic>>,
}

/// The WASI state of a program: arguments, environment, open files, deterministic mode.
///
/// A `WasiCtx` is a handle: [`WasiCtx::share`] gives another handle to the same state, for
/// the threads of one program (wasi-threads): each thread's store gets one as its data,
/// and all of them see one descriptor table, so a file one thread opens the others can
/// read, and a descriptor one closes is closed for all. `Send + Sync`; every WASI function
/// may be called from many threads at once (the module comment says how).
pub struct WasiCtx {
    process: Arc<Process>,
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
    /// descriptors 3, 4, ... in order. Preopens start with all rights; stdio, which belongs
    /// to the embedding (it may be the user's log file opened for append), only with what a
    /// stream needs (`rights::STDIN`, `rights::STDOUT`): no truncating, allocating, setting
    /// times or seeking (so wasi-libc's `isatty` can tell a terminal, as under Wasmtime).
    ///
    /// # Errors
    /// A preopened directory that cannot be opened.
    pub fn new(
        args: Vec<Vec<u8>>,
        env: Vec<Vec<u8>>,
        preopens: &[(String, String)],
    ) -> Result<WasiCtx, PreopenError> {
        let slot =
            |fd, base, inheriting| Some(Entry { desc: Arc::new(Desc::new(fd)), base, inheriting });
        let mut fds = vec![
            slot(Fd::Stdio(0), rights::STDIN, 0),
            slot(Fd::Stdio(1), rights::STDOUT, 0),
            slot(Fd::Stdio(2), rights::STDOUT, 0),
        ];
        for (host, guest) in preopens {
            let dir =
                File::open(host).map_err(|source| PreopenError { path: host.clone(), source })?;
            if !dir.metadata().map(|m| m.is_dir()).unwrap_or(false) {
                return Err(PreopenError {
                    path: host.clone(),
                    source: std::io::Error::from_raw_os_error(libc::ENOTDIR),
                });
            }
            let fd = Fd::Dir { fd: dir.into(), preopen: Some(guest.clone()) };
            fds.push(slot(fd, rights::ALL, rights::ALL));
        }
        let process = Process { args, env, fds: Mutex::new(fds), deterministic: OnceLock::new() };
        Ok(WasiCtx { process: Arc::new(process) })
    }

    /// Another handle to this program's WASI state (see [`WasiCtx`]): give one to the store
    /// of each thread of the program.
    pub fn share(&self) -> WasiCtx {
        WasiCtx { process: self.process.clone() }
    }

    /// Whether `self` and `other` are handles to the same program's state.
    pub fn is_shared_with(&self, other: &WasiCtx) -> bool {
        Arc::ptr_eq(&self.process, &other.process)
    }

    /// Switches the deterministic mode on (see `WASMC_DETERMINISTIC` in the README), for
    /// every handle of this state, its virtual clock and random stream at their start. Meant
    /// for set-up, before the program runs.
    pub fn set_deterministic(&mut self) {
        self.set_deterministic_seeded(0);
    }

    /// As [`WasiCtx::set_deterministic`], with `random_get`'s stream fixed by `seed`
    /// (`WASMC_SCHED_SEED`; seed 0 gives the stream of [`WasiCtx::set_deterministic`]).
    pub fn set_deterministic_seeded(&mut self, seed: u64) {
        let fresh = Mutex::new(Deterministic::new(seed));
        if let Err(fresh) = self.process.deterministic.set(fresh) {
            let state = self.process.deterministic.get().expect("it was set");
            *lock(state) = fresh.into_inner().unwrap_or_else(|e| e.into_inner());
        }
    }

    /// The deterministic mode's virtual clock, for the deterministic scheduler (`None` if
    /// the mode is off).
    pub fn virtual_clock(&self) -> Option<std::sync::Arc<dyn crate::sched::Clock>> {
        self.process.deterministic.get()?;
        Some(std::sync::Arc::new(VirtualClock(self.share())))
    }

    /// The program's arguments.
    pub(super) fn args(&self) -> &[Vec<u8>] {
        &self.process.args
    }

    /// The program's environment (`NAME=VALUE` strings).
    pub(super) fn env(&self) -> &[Vec<u8>] {
        &self.process.env
    }

    /// The deterministic mode's state, locked (`None` if the mode is off). Hold it only to
    /// read or advance it, never while waiting.
    pub(super) fn deterministic(&self) -> Option<MutexGuard<'_, Deterministic>> {
        self.process.deterministic.get().map(lock)
    }

    /// The table, locked: for a lookup or an update, never across a host call.
    fn table(&self) -> MutexGuard<'_, Vec<Option<Entry>>> {
        lock(&self.process.fds)
    }

    /// A copy of the table entry of `fd` (`EBADF` if it is not open).
    pub(super) fn entry(&self, fd: u32) -> Result<Entry, u32> {
        self.table().get(fd as usize).and_then(Option::clone).ok_or(errno::BADF)
    }

    /// The entry of `fd`, which must hold every right in `need` (`EBADF` if it is not open,
    /// `ENOTCAPABLE` if a right is missing).
    fn entry_with(&self, fd: u32, need: u64) -> Result<Entry, u32> {
        let e = self.entry(fd)?;
        if e.base & need != need {
            return Err(errno::NOTCAPABLE);
        }
        Ok(e)
    }

    /// Descriptor `fd`, which must hold every right in `need` (`EBADF` if it is not open,
    /// `ENOTCAPABLE` if a right is missing).
    pub(super) fn fd(&self, fd: u32, need: u64) -> Result<Arc<Desc>, u32> {
        Ok(self.entry_with(fd, need)?.desc)
    }

    /// The entry of directory `fd` holding the rights `need` (`ENOTDIR` if `fd` is not a
    /// directory; then as [`WasiCtx::fd`]).
    pub(super) fn dir_entry(&self, fd: u32, need: u64) -> Result<Entry, u32> {
        let e = self.entry_with(fd, need)?;
        match e.desc.fd {
            Fd::Dir { .. } => Ok(e),
            _ => Err(errno::NOTDIR),
        }
    }

    /// Directory `fd` holding the rights `need` (as [`WasiCtx::dir_entry`]).
    pub(super) fn dir(&self, fd: u32, need: u64) -> Result<Arc<Desc>, u32> {
        Ok(self.dir_entry(fd, need)?.desc)
    }

    /// `fd_fdstat_set_rights`: sets the rights of `fd` to `base` and `inheriting`, which
    /// may only drop rights (`ENOTCAPABLE` for one it does not hold; `EBADF` if not open).
    /// Checked and set under one lock, so concurrent calls can never add a right.
    pub(super) fn set_rights(&self, fd: u32, base: u64, inheriting: u64) -> Result<(), u32> {
        let mut table = self.table();
        let e = table.get_mut(fd as usize).and_then(Option::as_mut).ok_or(errno::BADF)?;
        if base & !e.base != 0 || inheriting & !e.inheriting != 0 {
            return Err(errno::NOTCAPABLE);
        }
        e.base = base;
        e.inheriting = inheriting;
        Ok(())
    }

    /// Closes `fd` (`EBADF` if it is not open): takes it out of the table; the host
    /// descriptor closes once no running call uses it.
    pub(super) fn close(&self, fd: u32) -> Result<(), u32> {
        let removed = {
            let mut table = self.table();
            table.get_mut(fd as usize).and_then(Option::take).ok_or(errno::BADF)?
        };
        // Dropped (and maybe closed on the host) after the table is unlocked.
        drop(removed);
        Ok(())
    }

    /// `fd_renumber`: moves descriptor `from` to number `to`, closing what `to` held; both
    /// must be open (`EBADF`). Renumbering a descriptor to itself does nothing.
    pub(super) fn renumber(&self, from: u32, to: u32) -> Result<(), u32> {
        let replaced = {
            let mut table = self.table();
            let open = |i: u32| table.get(i as usize).is_some_and(Option::is_some);
            if !open(from) || !open(to) {
                return Err(errno::BADF);
            }
            if from == to {
                return Ok(());
            }
            let moved = table[from as usize].take();
            std::mem::replace(&mut table[to as usize], moved)
        };
        // Dropped (and maybe closed on the host) after the table is unlocked.
        drop(replaced);
        Ok(())
    }

    /// Puts `fd` with rights `base` and `inheriting` in the lowest free slot and returns its
    /// number.
    pub(super) fn insert(&self, fd: Fd, base: u64, inheriting: u64) -> u32 {
        let e = Entry { desc: Arc::new(Desc::new(fd)), base, inheriting };
        let mut table = self.table();
        if let Some(i) = table.iter().position(Option::is_none) {
            table[i] = Some(e);
            i as u32
        } else {
            table.push(Some(e));
            (table.len() - 1) as u32
        }
    }
}

/// The virtual clock of a [`WasiCtx`] in deterministic mode, as the scheduler reads it.
struct VirtualClock(WasiCtx);

impl crate::sched::Clock for VirtualClock {
    fn now(&self) -> u64 {
        self.0.deterministic().map_or(0, |d| d.now())
    }

    fn advance_to(&self, t: u64) {
        if let Some(mut d) = self.0.deterministic() {
            d.advance_to(t);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> WasiCtx {
        let c = WasiCtx::new(vec![], vec![], &[]).unwrap();
        let file = File::open("/dev/null").unwrap();
        c.insert(Fd::File(file), rights::ALL, 0);
        c
    }

    /// Whether host descriptor `fd` is open.
    fn host_open(fd: i32) -> bool {
        // SAFETY: F_GETFD only queries the descriptor number.
        unsafe { libc::fcntl(fd, libc::F_GETFD) >= 0 }
    }

    #[test]
    fn a_context_is_send_and_sync() {
        fn send_sync<T: Send + Sync>() {}
        send_sync::<WasiCtx>();
        send_sync::<Arc<Desc>>();
    }

    #[test]
    fn renumber_moves_and_closes() {
        let c = ctx();
        assert_eq!(c.renumber(3, 1), Ok(()));
        assert!(matches!(c.entry(1).unwrap().desc.fd, Fd::File(_)));
        assert_eq!(c.entry(1).unwrap().base, rights::ALL, "the rights move with it");
        assert_eq!(c.entry(3).err(), Some(errno::BADF));
        assert_eq!(c.renumber(3, 1), Err(errno::BADF));
        assert_eq!(c.renumber(1, 9), Err(errno::BADF));
        assert_eq!(c.renumber(1, 1), Ok(()));
        // The freed slot is reused first.
        let file = File::open("/dev/null").unwrap();
        assert_eq!(c.insert(Fd::File(file), 0, 0), 3);
    }

    #[test]
    fn missing_rights_are_notcapable() {
        let c = ctx();
        assert_eq!(c.set_rights(3, rights::FD_READ, 0), Ok(()));
        assert!(c.fd(3, rights::FD_READ).is_ok());
        assert_eq!(c.fd(3, rights::FD_WRITE).err(), Some(errno::NOTCAPABLE));
        assert_eq!(c.fd(3, rights::FD_READ | rights::FD_SEEK).err(), Some(errno::NOTCAPABLE));
        // Rights can only be dropped.
        assert_eq!(c.set_rights(3, rights::FD_READ | rights::FD_WRITE, 0), Err(errno::NOTCAPABLE));
        assert_eq!(c.set_rights(42, 0, 0), Err(errno::BADF));
        assert_eq!(c.dir(3, 0).err(), Some(errno::NOTDIR));
        assert_eq!(c.fd(42, 0).err(), Some(errno::BADF));
        assert_eq!(c.close(3), Ok(()));
        assert_eq!(c.close(3), Err(errno::BADF));
    }

    /// A descriptor closed (or renumbered over) while a call holds it stays open on the
    /// host until that call lets go, so its number is not reused under the call.
    #[test]
    fn close_keeps_the_host_descriptor_while_in_use() {
        let c = ctx();
        let held = c.fd(3, 0).unwrap();
        let raw = held.raw();
        assert_eq!(c.close(3), Ok(()));
        assert!(host_open(raw), "closed under a call that still uses it");
        let other = File::open("/dev/null").unwrap();
        assert_ne!(other.as_raw_fd(), raw, "the host reused the number");
        drop(held);
        assert!(!host_open(raw), "the last user's drop closes it");
        // The same through fd_renumber replacing the descriptor.
        let a = c.insert(Fd::File(File::open("/dev/null").unwrap()), 0, 0);
        let b = c.insert(Fd::File(File::open("/dev/null").unwrap()), 0, 0);
        let held = c.fd(b, 0).unwrap();
        let raw = held.raw();
        assert_eq!(c.renumber(a, b), Ok(()));
        assert!(host_open(raw));
        drop(held);
        assert!(!host_open(raw));
        drop(other);
    }

    /// Handles made by `share` see one table and one deterministic state.
    #[test]
    fn shared_handles_see_one_state() {
        let mut a = ctx();
        let b = a.share();
        assert!(a.is_shared_with(&b));
        assert!(!a.is_shared_with(&ctx()));
        let n = b.insert(Fd::File(File::open("/dev/null").unwrap()), rights::FD_READ, 0);
        assert!(a.fd(n, rights::FD_READ).is_ok());
        assert_eq!(a.close(n), Ok(()));
        assert_eq!(b.fd(n, 0).err(), Some(errno::BADF));
        assert!(b.deterministic().is_none());
        a.set_deterministic();
        assert!(b.deterministic().is_some());
    }

    /// Threads inserting and closing at once never get one number twice while it is open.
    #[test]
    fn concurrent_inserts_get_distinct_numbers() {
        let c = ctx();
        let numbers: Vec<u32> = std::thread::scope(|s| {
            let threads: Vec<_> = (0..4)
                .map(|_| {
                    let c = c.share();
                    s.spawn(move || {
                        (0..50)
                            .map(|_| {
                                let f = File::open("/dev/null").unwrap();
                                c.insert(Fd::File(f), 0, 0)
                            })
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            threads.into_iter().flat_map(|t| t.join().unwrap()).collect()
        });
        let mut sorted = numbers.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), 200);
        assert_eq!(sorted, (4..204).collect::<Vec<_>>());
    }
}
