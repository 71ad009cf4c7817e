//! Work directories that a killed wasmc does not leave behind for good (issue 33 item 4).
//!
//! wasmc builds in temporary directories: `wasmc run`'s `wasmc-build*` in `$TMPDIR`, a
//! link's `.wasmc-link*` next to its output, `.wasmc-out*` next to any other output file
//! and `.wasmc-tmp*` in the cache directory for an entry being written. Each is removed
//! when the work is done, but a process killed with SIGKILL removes nothing; so each
//! [`WorkDir`] holds a lock that the kernel releases when its process dies, and whoever
//! next creates a work directory of that kind in the same place removes those whose lock
//! is free ([`sweep`]).
//!
//! # The lock
//! A file named [`LOCK`] inside the directory, locked with `flock(LOCK_EX)` on a
//! descriptor held for the directory's life. It is created as `lock.new`, locked, then
//! renamed to [`LOCK`], so a sweeper never finds an unlocked [`LOCK`] in a live directory.
//! A directory without [`LOCK`] is being set up (or its owner died in those few system
//! calls, or it comes from a wasmc before locks): it is removed only once it is older than
//! [`STALE_UNLOCKED`], the rule that older wasmc applied to its cache's temporary files
//! (also still applied to such files). Only directories and files owned by the effective
//! user are considered: another user's work (in a shared `/tmp`) is never touched.

use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// Name of the lock file inside a work directory.
pub const LOCK: &str = "lock";

/// Age (by modification time) after which a work directory without a lock file, or a
/// temporary file of an older wasmc, belongs to a process that died.
pub const STALE_UNLOCKED: Duration = Duration::from_secs(3600);

/// A fresh directory `PREFIX*` in a parent directory, locked for as long as this value
/// lives, removed (with all its contents) when it is dropped.
#[derive(Debug)]
pub struct WorkDir {
    // Dropped first: the directory is removed while the lock is still held.
    dir: tempfile::TempDir,
    _lock: std::fs::File,
}

impl WorkDir {
    /// Removes the stale work directories `prefix*` in `parent` ([`sweep`]), then creates
    /// a new one (mode 0700), locked.
    ///
    /// # Errors
    /// The directory or its lock file cannot be created, or the lock cannot be taken.
    pub fn new_in(parent: &Path, prefix: &str) -> std::io::Result<WorkDir> {
        sweep(parent, prefix);
        WorkDir::create_in(parent, prefix)
    }

    /// [`WorkDir::new_in`] without the sweep, for a caller that sweeps itself (the cache,
    /// as it evicts).
    ///
    /// # Errors
    /// As [`WorkDir::new_in`].
    pub fn create_in(parent: &Path, prefix: &str) -> std::io::Result<WorkDir> {
        let dir = tempfile::Builder::new().prefix(prefix).tempdir_in(parent)?;
        let creating = dir.path().join("lock.new");
        let lock = std::fs::File::options()
            .write(true)
            .create_new(true)
            .custom_flags(libc::O_NOFOLLOW)
            .open(&creating)?;
        lock.lock()?;
        std::fs::rename(&creating, dir.path().join(LOCK))?;
        Ok(WorkDir { dir, _lock: lock })
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Removes the directory now, reporting failure (dropping it ignores failure).
    ///
    /// # Errors
    /// The directory cannot be removed.
    pub fn close(self) -> std::io::Result<()> {
        self.dir.close()
    }
}

/// Removes every stale work directory `prefix*` in `parent` (see the module documentation),
/// and temporary files `prefix*` older than [`STALE_UNLOCKED`]. Best effort: what cannot
/// be examined or removed is left.
pub fn sweep(parent: &Path, prefix: &str) {
    let Ok(dir) = std::fs::read_dir(parent) else { return };
    let now = SystemTime::now();
    for e in dir.flatten() {
        if e.file_name().as_encoded_bytes().starts_with(prefix.as_bytes()) {
            remove_if_stale(&e.path(), now);
        }
    }
}

/// Removes `path` (a work directory or temporary file of wasmc, by its name) if it is
/// stale at time `now`; whether it was removed.
pub fn remove_if_stale(path: &Path, now: SystemTime) -> bool {
    let Ok(meta) = std::fs::symlink_metadata(path) else { return false };
    // SAFETY: `geteuid` has no preconditions.
    if meta.uid() != unsafe { libc::geteuid() } {
        return false;
    }
    let old =
        meta.modified().is_ok_and(|m| now.duration_since(m).is_ok_and(|age| age > STALE_UNLOCKED));
    if meta.is_file() {
        return old && std::fs::remove_file(path).is_ok();
    }
    if !meta.is_dir() {
        return false;
    }
    let lock =
        std::fs::File::options().read(true).custom_flags(libc::O_NOFOLLOW).open(path.join(LOCK));
    match lock {
        // Locked while it is removed: a concurrent sweeper skips it.
        Ok(lock) => lock.try_lock().is_ok() && remove_dir(path),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => old && remove_dir(path),
        Err(_) => false,
    }
}

fn remove_dir(path: &Path) -> bool {
    std::fs::remove_dir_all(path).is_ok()
}

/// `parent`, or `.` for an empty parent (a bare file name's).
pub fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn live_directories_stay_and_dead_ones_go() {
        let parent = tempfile::tempdir().unwrap();
        let live = WorkDir::new_in(parent.path(), "w-").unwrap();
        std::fs::write(live.path().join("file"), b"x").unwrap();
        // A dead process's directory: its lock file exists but nobody holds it.
        let dead = parent.path().join("w-dead");
        std::fs::create_dir(&dead).unwrap();
        std::fs::write(dead.join(LOCK), b"").unwrap();
        std::fs::write(dead.join("a.out"), b"x").unwrap();
        // Being set up (no lock file yet), and another prefix: left alone.
        let young = parent.path().join("w-young");
        std::fs::create_dir(&young).unwrap();
        let other = parent.path().join("x-dead");
        std::fs::create_dir(&other).unwrap();
        std::fs::write(other.join(LOCK), b"").unwrap();
        let second = WorkDir::new_in(parent.path(), "w-").unwrap();
        assert!(live.path().join("file").exists());
        assert!(!dead.exists());
        assert!(young.exists() && other.exists());
        // Without a lock file, it goes once it is old.
        let f = std::fs::File::open(&young).unwrap();
        f.set_modified(SystemTime::now() - 2 * STALE_UNLOCKED).unwrap();
        sweep(parent.path(), "w-");
        assert!(!young.exists());
        let (a, b) = (live.path().to_path_buf(), second.path().to_path_buf());
        drop(live);
        second.close().unwrap();
        assert!(!a.exists() && !b.exists());
    }
}
