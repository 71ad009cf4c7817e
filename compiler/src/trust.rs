//! Whether a directory or a file may decide what wasmc executes (issue 33 item 5): the
//! compilation cache's entries are executed, and its `runtime/` directory holds the linker
//! command line and the runtime library, so whoever can write them runs code as the user.
//!
//! # The rules
//! After OpenSSH's `StrictModes` (`safe_path` in `misc.c`): a directory or file is trusted
//! when its owner is the effective user or root (root can do anything anyway), and
//!
//! - the cache directory itself is a directory writable by nobody else: neither group nor
//!   others may write it, sticky bit or not (in a sticky world-writable directory others
//!   cannot replace our files, but they can create entries before we do);
//! - each of its ancestors (of the path as given and of its canonical path, so a symbolic
//!   link's directory counts too) is not writable by group or others unless it has the
//!   sticky bit (`/tmp`): in a sticky directory nobody else can rename or remove what is
//!   ours, so our directory below it cannot be swapped;
//! - a file inside (an entry) is a regular file, examined with `fstat` on the descriptor
//!   that is then read or executed (not by its path, which could change between a check
//!   and the use), and not writable by group or others.
//!
//! ccache does no such check; ssh refuses the key files, and so does wasmc: a cache
//! directory that fails is an error (exit 1) naming it, and a file that fails is a cache
//! miss (rebuilt, and replaced by a trusted one).

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// Mode bits: writable by the group or by others.
const GROUP_OR_OTHER_WRITE: u32 = 0o022;

/// Mode bit: the sticky bit (only an entry's owner may rename or remove it).
const STICKY: u32 = 0o1000;

/// Whether `uid` may own what wasmc trusts: the effective user or root.
fn trusted_owner(uid: u32) -> bool {
    // SAFETY: `geteuid` has no preconditions.
    uid == 0 || uid == unsafe { libc::geteuid() }
}

/// Why `meta` is not trusted, if it is not: as the cache directory itself (`own_dir`), or
/// as one of its ancestors.
fn problem(meta: &std::fs::Metadata, own_dir: bool) -> Option<String> {
    if !trusted_owner(meta.uid()) {
        // SAFETY: `geteuid` has no preconditions.
        let me = unsafe { libc::geteuid() };
        return Some(format!("is owned by uid {}, not by you (uid {me}) or root", meta.uid()));
    }
    let mode = meta.permissions().mode();
    let writable = mode & GROUP_OR_OTHER_WRITE != 0;
    if writable && (own_dir || mode & STICKY == 0) {
        return Some(format!("is writable by others (mode {:04o})", mode & 0o7777));
    }
    if own_dir && !meta.is_dir() {
        return Some("is not a directory".into());
    }
    None
}

/// Checks the directory `dir` (which must exist) and its ancestors by the rules of the
/// module documentation; `role` names it in the message (`cache directory`).
///
/// # Errors
/// A one-line message naming `dir`, what is wrong and with which component, and how to
/// get around it.
pub fn check_dir(dir: &Path, role: &str) -> Result<(), String> {
    let refuse = |component: Option<&Path>, why: String| {
        let what = match component {
            None => "it".to_string(),
            Some(p) => format!("its parent {}", p.display()),
        };
        format!(
            "{role} {}: {what} {why}: refusing to use it (set WASMC_CACHE_DIR to a \
             directory of yours, or WASMC_CACHE=0)",
            dir.display()
        )
    };
    let io = |e: std::io::Error| format!("{role} {}: {e}", dir.display());
    let meta = std::fs::metadata(dir).map_err(io)?;
    if let Some(why) = problem(&meta, true) {
        return Err(refuse(None, why));
    }
    let absolute = std::path::absolute(dir).map_err(io)?;
    let canonical = std::fs::canonicalize(dir).map_err(io)?;
    let mut seen: Vec<PathBuf> = Vec::new();
    for path in [&absolute, &canonical] {
        for ancestor in path.ancestors().skip(1) {
            if seen.iter().any(|s| s == ancestor) {
                continue;
            }
            seen.push(ancestor.to_path_buf());
            // Lexical ancestors may not exist (`a/../b`): only what exists can be swapped.
            let Ok(meta) = std::fs::metadata(ancestor) else { continue };
            if let Some(why) = problem(&meta, false) {
                return Err(refuse(Some(ancestor), why));
            }
        }
    }
    Ok(())
}

/// Whether a file inside a trusted directory, of which `meta` is the `fstat` of the
/// descriptor about to be used, may be used: a regular file owned by the effective user
/// or root and not writable by group or others.
pub fn file_is_trusted(meta: &std::fs::Metadata) -> bool {
    meta.is_file()
        && trusted_owner(meta.uid())
        && meta.permissions().mode() & GROUP_OR_OTHER_WRITE == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directories_writable_by_others_are_refused() {
        let base = tempfile::tempdir().unwrap();
        let dir = base.path().join("cache");
        std::fs::create_dir(&dir).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap();
        check_dir(&dir, "cache directory").unwrap();
        for mode in [0o777, 0o1777, 0o770] {
            std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(mode)).unwrap();
            let e = check_dir(&dir, "cache directory").unwrap_err();
            assert!(e.contains("writable by others"), "{mode:o}: {e}");
            assert!(e.contains(&dir.display().to_string()), "{e}");
        }
        // Below a world-writable parent: refused unless the parent is sticky.
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap();
        std::fs::set_permissions(base.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
        let e = check_dir(&dir, "cache directory").unwrap_err();
        assert!(e.contains("its parent"), "{e}");
        std::fs::set_permissions(base.path(), std::fs::Permissions::from_mode(0o1777)).unwrap();
        check_dir(&dir, "cache directory").unwrap();
        // Through a symbolic link in a trusted directory to it: the same checks.
        let link = base.path().join("link");
        std::os::unix::fs::symlink(&dir, &link).unwrap();
        check_dir(&link, "cache directory").unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o777)).unwrap();
        assert!(check_dir(&link, "cache directory").is_err());
        std::fs::set_permissions(base.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
    }
}
