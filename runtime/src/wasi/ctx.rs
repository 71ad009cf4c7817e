//! The WASI state of a store: arguments, environment, the descriptor table with each
//! descriptor's rights, and the deterministic mode.

use std::fs::File;
use std::os::fd::{AsRawFd, OwnedFd};

use super::errno;
use super::rights;

/// What a guest descriptor refers to.
pub(super) enum Fd {
    /// Host stdin/stdout/stderr (host fd 0, 1, 2), used unbuffered.
    Stdio(i32),
    /// A regular file (or device).
    File { file: File, append: bool },
    /// A directory; `preopen` is its guest name if it was preopened.
    Dir { fd: OwnedFd, preopen: Option<String> },
}

impl Fd {
    /// The host descriptor.
    pub(super) fn raw(&self) -> i32 {
        match self {
            Fd::Stdio(fd) => *fd,
            Fd::File { file, .. } => file.as_raw_fd(),
            Fd::Dir { fd, .. } => fd.as_raw_fd(),
        }
    }
}

/// One slot of the descriptor table: the descriptor and its preview1 rights.
pub(super) struct Entry {
    pub(super) fd: Fd,
    /// Rights that apply to this descriptor (`fs_rights_base`).
    pub(super) base: u64,
    /// Rights that descriptors opened through it may get (`fs_rights_inheriting`).
    pub(super) inheriting: u64,
}

/// The state of a WASI program: arguments, environment, open files.
pub struct WasiCtx {
    pub(super) args: Vec<Vec<u8>>,
    pub(super) env: Vec<Vec<u8>>,
    fds: Vec<Option<Entry>>,
    /// The deterministic mode's state (`WASMC_DETERMINISTIC=1`), if on.
    pub(super) deterministic: Option<super::clock::Deterministic>,
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
        let all = |fd| Some(Entry { fd, base: rights::ALL, inheriting: rights::ALL });
        let stdio = |fd, base| Some(Entry { fd: Fd::Stdio(fd), base, inheriting: 0 });
        let mut fds =
            vec![stdio(0, rights::STDIN), stdio(1, rights::STDOUT), stdio(2, rights::STDOUT)];
        for (host, guest) in preopens {
            let dir =
                File::open(host).map_err(|source| PreopenError { path: host.clone(), source })?;
            if !dir.metadata().map(|m| m.is_dir()).unwrap_or(false) {
                return Err(PreopenError {
                    path: host.clone(),
                    source: std::io::Error::from_raw_os_error(libc::ENOTDIR),
                });
            }
            fds.push(all(Fd::Dir { fd: dir.into(), preopen: Some(guest.clone()) }));
        }
        Ok(WasiCtx { args, env, fds, deterministic: None })
    }

    /// TEMPORARY (replaced by the shared-state WASI context on branch wasi-threads-safe):
    /// a context with the same arguments and environment and only stdio.
    pub fn share(&self) -> WasiCtx {
        WasiCtx::new(self.args.clone(), self.env.clone(), &[]).expect("no preopens")
    }

    /// Switches the deterministic mode on (see `WASMC_DETERMINISTIC` in the README).
    pub fn set_deterministic(&mut self) {
        self.deterministic = Some(super::clock::Deterministic::new());
    }

    /// The table entry of `fd` (`EBADF` if it is not open).
    pub(super) fn entry(&mut self, fd: u32) -> Result<&mut Entry, u32> {
        self.fds.get_mut(fd as usize).and_then(|f| f.as_mut()).ok_or(errno::BADF)
    }

    /// Descriptor `fd`, which must hold every right in `need` (`EBADF` if it is not open,
    /// `ENOTCAPABLE` if a right is missing).
    pub(super) fn fd(&mut self, fd: u32, need: u64) -> Result<&mut Fd, u32> {
        let e = self.entry(fd)?;
        if e.base & need != need {
            return Err(errno::NOTCAPABLE);
        }
        Ok(&mut e.fd)
    }

    /// The host descriptor of directory `fd` holding the rights `need` (`ENOTDIR` if `fd` is
    /// not a directory).
    pub(super) fn dir_fd(&mut self, fd: u32, need: u64) -> Result<i32, u32> {
        match self.fd(fd, need)? {
            Fd::Dir { fd, .. } => Ok(fd.as_raw_fd()),
            _ => Err(errno::NOTDIR),
        }
    }

    /// Closes `fd` (`EBADF` if it is not open).
    pub(super) fn close(&mut self, fd: u32) -> Result<(), u32> {
        self.entry(fd)?;
        self.fds[fd as usize] = None;
        Ok(())
    }

    /// `fd_renumber`: moves descriptor `from` to number `to`, closing what `to` held; both
    /// must be open (`EBADF`). Renumbering a descriptor to itself does nothing.
    pub(super) fn renumber(&mut self, from: u32, to: u32) -> Result<(), u32> {
        self.entry(from)?;
        self.entry(to)?;
        if from != to {
            self.fds[to as usize] = self.fds[from as usize].take();
        }
        Ok(())
    }

    /// Puts `e` in the lowest free slot and returns its number.
    pub(super) fn insert(&mut self, e: Entry) -> u32 {
        if let Some(i) = self.fds.iter().position(|f| f.is_none()) {
            self.fds[i] = Some(e);
            i as u32
        } else {
            self.fds.push(Some(e));
            (self.fds.len() - 1) as u32
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> WasiCtx {
        let mut c = WasiCtx::new(vec![], vec![], &[]).unwrap();
        let file = File::open("/dev/null").unwrap();
        c.insert(Entry { fd: Fd::File { file, append: false }, base: rights::ALL, inheriting: 0 });
        c
    }

    #[test]
    fn renumber_moves_and_closes() {
        let mut c = ctx();
        assert_eq!(c.renumber(3, 1), Ok(()));
        assert!(matches!(c.entry(1).unwrap().fd, Fd::File { .. }));
        assert_eq!(c.entry(3).err(), Some(errno::BADF));
        assert_eq!(c.renumber(3, 1), Err(errno::BADF));
        assert_eq!(c.renumber(1, 9), Err(errno::BADF));
        assert_eq!(c.renumber(1, 1), Ok(()));
        // The freed slot is reused first.
        let file = File::open("/dev/null").unwrap();
        let e = Entry { fd: Fd::File { file, append: false }, base: 0, inheriting: 0 };
        assert_eq!(c.insert(e), 3);
    }

    #[test]
    fn missing_rights_are_notcapable() {
        let mut c = ctx();
        c.entry(3).unwrap().base = rights::FD_READ;
        assert!(c.fd(3, rights::FD_READ).is_ok());
        assert_eq!(c.fd(3, rights::FD_WRITE).err(), Some(errno::NOTCAPABLE));
        assert_eq!(c.fd(3, rights::FD_READ | rights::FD_SEEK).err(), Some(errno::NOTCAPABLE));
        assert_eq!(c.dir_fd(3, 0).err(), Some(errno::NOTDIR));
        assert_eq!(c.fd(42, 0).err(), Some(errno::BADF));
        assert_eq!(c.close(3), Ok(()));
        assert_eq!(c.close(3), Err(errno::BADF));
    }
}
