//! The compilation cache of `wasmc run` and `wasmc --cache` (issue 13): concurrent cold
//! runs leave one entry, a corrupted entry is rebuilt and never executed, a hit is what
//! runs, and switching the cache off stores nothing.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use wasmc::cache::{MAGIC, TRAILER_LEN, check_entry};

/// Prints `hello` (WASI `fd_write`).
const HELLO: &str = r#"(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "hello\n")
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 6))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))"#;

/// Prints `other`.
const OTHER: &str = r#"(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "other\n")
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 6))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))"#;

/// A directory with the two modules and an empty cache directory inside it.
struct Fixture {
    dir: tempfile::TempDir,
}

impl Fixture {
    fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("hello.wat"), HELLO).unwrap();
        std::fs::write(dir.path().join("other.wat"), OTHER).unwrap();
        Fixture { dir }
    }

    fn cache(&self) -> PathBuf {
        self.dir.path().join("cache")
    }

    /// `wasmc ARGS` with this fixture's cache and `env`.
    fn wasmc(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        let cache = self.cache();
        let mut all = vec![("WASMC_CACHE_DIR", cache.to_str().unwrap())];
        all.extend_from_slice(env);
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        common::run_wasmc(self.dir.path(), &args, &all)
    }

    /// Every file in the cache directory (entries and anything else), but the `runtime`
    /// directory of prelinked runtime objects.
    fn files(&self) -> Vec<PathBuf> {
        let Ok(dir) = std::fs::read_dir(self.cache()) else { return Vec::new() };
        let mut files: Vec<PathBuf> =
            dir.map(|e| e.unwrap().path()).filter(|p| !p.ends_with("runtime")).collect();
        files.sort();
        files
    }

    /// The one entry of the cache.
    /// Runs `hello.wat` (its entry is the returned path) and builds `other.wat`; returns
    /// the entry and a valid entry (trailer: hash, length, magic) of `other`'s executable.
    fn hello_entry_and_forged_other(&self) -> (PathBuf, Vec<u8>) {
        assert_prints(&self.wasmc(&["run", "hello.wat"], &[]), "hello\n");
        let entry = self.entry();
        let out = self.wasmc(&["other.wat", "-o", "other"], &[]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let exe = std::fs::read(self.dir.path().join("other")).unwrap();
        let mut forged = exe.clone();
        forged.extend_from_slice(blake3::hash(&exe).as_bytes());
        forged.extend_from_slice(&(exe.len() as u64).to_le_bytes());
        forged.extend_from_slice(&MAGIC);
        assert_eq!(forged.len(), exe.len() + TRAILER_LEN);
        (entry, forged)
    }

    fn entry(&self) -> PathBuf {
        let files = self.files();
        assert_eq!(files.len(), 1, "one cache entry expected: {files:?}");
        files.into_iter().next().unwrap()
    }
}

fn assert_prints(out: &Output, text: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "status {:?}, stderr: {stderr}", out.status);
    assert_eq!(String::from_utf8_lossy(&out.stdout), text, "stderr: {stderr}");
}

fn is_whole_entry(path: &Path) -> bool {
    check_entry(&std::fs::read(path).unwrap()).is_some()
}

#[test]
fn concurrent_cold_runs_all_succeed_and_leave_one_entry() {
    let f = Fixture::new();
    let outs: Vec<Output> = std::thread::scope(|s| {
        let runs: Vec<_> =
            (0..8).map(|_| s.spawn(|| f.wasmc(&["run", "hello.wat"], &[]))).collect();
        runs.into_iter().map(|r| r.join().unwrap()).collect()
    });
    for out in &outs {
        assert_prints(out, "hello\n");
    }
    let entry = f.entry();
    assert!(entry.to_string_lossy().ends_with(".entry"), "{entry:?}");
    assert!(is_whole_entry(&entry));
    // A warm run uses it and adds nothing.
    assert_prints(&f.wasmc(&["run", "hello.wat"], &[]), "hello\n");
    assert_eq!(f.files(), [entry]);
}

#[test]
fn a_corrupted_or_truncated_entry_is_rebuilt_not_run() {
    let f = Fixture::new();
    assert_prints(&f.wasmc(&["run", "hello.wat"], &[]), "hello\n");
    let entry = f.entry();
    let whole = std::fs::read(&entry).unwrap();
    // A flipped byte in the code, a cut in the middle, a lost trailer: each is detected,
    // the module is compiled again and the entry replaced by a whole one.
    let mut flipped = whole.clone();
    flipped[whole.len() / 3] ^= 0x01;
    for bad in [flipped, whole[..whole.len() / 2].to_vec(), whole[..whole.len() - 8].to_vec()] {
        std::fs::write(&entry, &bad).unwrap();
        assert_prints(&f.wasmc(&["run", "hello.wat"], &[]), "hello\n");
        assert_eq!(f.entry(), entry);
        assert_eq!(std::fs::read(&entry).unwrap(), whole, "the entry is rebuilt");
    }
}

/// What a hit runs is the entry's executable: an entry replaced (validly) by another
/// program's executable runs that program, so a warm run does not compile.
#[test]
fn a_hit_runs_the_cached_executable() {
    let f = Fixture::new();
    let (entry, forged) = f.hello_entry_and_forged_other();
    use std::os::unix::fs::PermissionsExt;
    // Entries are executable by their owner: a hit is executed in place.
    let mode = std::fs::metadata(&entry).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o700, "entry mode {mode:o}");
    std::fs::write(&entry, &forged).unwrap();
    assert_prints(&f.wasmc(&["run", "hello.wat"], &[]), "other\n");
    // An entry that cannot be executed in place (as older wasmc wrote them) still runs,
    // copied to memory.
    std::fs::set_permissions(&entry, std::fs::Permissions::from_mode(0o600)).unwrap();
    assert_prints(&f.wasmc(&["run", "hello.wat"], &[]), "other\n");
    // Different flags are a different key: compiled anew.
    assert_prints(&f.wasmc(&["run", "-O0", "hello.wat"], &[]), "hello\n");
    assert_eq!(f.files().len(), 2);
}

#[test]
fn the_cache_can_be_switched_off() {
    let f = Fixture::new();
    assert_prints(&f.wasmc(&["run", "--no-cache", "hello.wat"], &[]), "hello\n");
    assert_prints(&f.wasmc(&["run", "hello.wat"], &[("WASMC_CACHE", "0")]), "hello\n");
    assert!(!f.cache().exists(), "nothing stored, not even the prelinked runtime");
    // Without --cache, `wasmc -o` stores no program (only the prelinked runtime object).
    let out = f.wasmc(&["hello.wat", "-o", "hello"], &[]);
    assert!(out.status.success());
    assert!(f.files().is_empty(), "nothing stored: {:?}", f.files());
    assert!(f.cache().join("runtime").is_dir());
    let out = f.wasmc(&["run", "hello.wat"], &[("WASMC_CACHE", "yes")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("WASMC_CACHE=yes: expected 0 or 1"));
    let out = f.wasmc(&["run", "hello.wat"], &[("WASMC_CACHE_MAX", "lots")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(f.files().is_empty());
}

/// `wasmc --cache -o`: the second build comes from the cache, byte for byte the first,
/// executable when it is an executable.
#[test]
fn cached_builds_are_the_same_files() {
    use std::os::unix::fs::PermissionsExt;
    let f = Fixture::new();
    for (args, name) in [(&["-o", "a"][..], "a"), (&["-c", "-o", "a.o"][..], "a.o")] {
        let mut first = vec!["hello.wat", "--cache"];
        first.extend_from_slice(args);
        assert!(f.wasmc(&first, &[]).status.success());
        let bytes = std::fs::read(f.dir.path().join(name)).unwrap();
        std::fs::remove_file(f.dir.path().join(name)).unwrap();
        assert!(f.wasmc(&first, &[]).status.success());
        assert_eq!(std::fs::read(f.dir.path().join(name)).unwrap(), bytes);
        let mode = std::fs::metadata(f.dir.path().join(name)).unwrap().permissions().mode();
        assert_eq!(mode & 0o111 != 0, name == "a", "{name}: mode {mode:o}");
    }
    assert_eq!(f.files().len(), 2, "an executable and an object: {:?}", f.files());
    let exe = f.dir.path().join("a");
    let out = std::process::Command::new(&exe).output().unwrap();
    assert_prints(&out, "hello\n");
}

/// Gives `path` to the user `uid` (no `chown` unless the test runs as root: then `false`).
fn chown(path: &Path, uid: u32) -> bool {
    // SAFETY: `geteuid` has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("not root: skipping the part of the test that needs chown");
        return false;
    }
    std::os::unix::fs::chown(path, Some(uid), None).unwrap();
    true
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// `wasmc run` refused the cache: exit 1, one line naming the directory and `why`, and
/// nothing run.
fn assert_refused(out: &Output, dir: &Path, why: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "stderr: {stderr}");
    assert!(out.stdout.is_empty(), "something ran: {}", String::from_utf8_lossy(&out.stdout));
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    let expect = format!("wasmc: error: cache directory {}: ", dir.display());
    assert!(stderr.starts_with(&expect), "{stderr}");
    assert!(stderr.contains(why), "{stderr}");
}

/// Issue 33 item 5: a cache directory that another user owns, or that others can write,
/// decided what `wasmc run` executes; it is refused (exit 1, naming it), for `wasmc run`,
/// `wasmc --cache` and `--print-runtime-lib`, and `wasmc -o` links without it (warning).
#[test]
fn issue_33_a_cache_directory_others_control_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let f = Fixture::new();
    assert_prints(&f.wasmc(&["run", "hello.wat"], &[]), "hello\n");
    for bad in [0o777, 0o1777, 0o775] {
        set_mode(&f.cache(), bad);
        assert_refused(&f.wasmc(&["run", "hello.wat"], &[]), &f.cache(), "writable by others");
    }
    set_mode(&f.cache(), 0o700);
    if chown(&f.cache(), 12345) {
        let out = f.wasmc(&["run", "hello.wat"], &[]);
        assert_refused(&out, &f.cache(), "owned by uid 12345");
        let out = f.wasmc(&["hello.wat", "--cache", "-o", "hello"], &[]);
        assert_refused(&out, &f.cache(), "owned by uid 12345");
        let out = f.wasmc(&["--print-runtime-lib"], &[]);
        assert_refused(&out, &f.cache(), "owned by uid 12345");
        // `wasmc -o` does not need the cache: it links through the C compiler driver.
        let out = f.wasmc(&["hello.wat", "-o", "hello"], &[]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(String::from_utf8_lossy(&out.stderr).contains("warning: cache directory"));
        chown(&f.cache(), 0);
        // Its `runtime/` (the linker command line, the runtime library) likewise.
        let runtime = f.cache().join("runtime");
        chown(&runtime, 12345);
        assert_refused(&f.wasmc(&["run", "hello.wat"], &[]), &runtime, "owned by uid 12345");
        chown(&runtime, 0);
    }
    // A parent others can write (not sticky): they could swap the directory.
    set_mode(f.dir.path(), 0o777);
    let out = f.wasmc(&["run", "hello.wat"], &[]);
    set_mode(f.dir.path(), 0o700);
    assert_refused(&out, &f.cache(), "its parent");
    // --no-cache does not look at it.
    set_mode(&f.cache(), 0o777);
    assert_prints(&f.wasmc(&["run", "--no-cache", "hello.wat"], &[]), "hello\n");
    set_mode(&f.cache(), 0o700);
    assert_prints(&f.wasmc(&["run", "hello.wat"], &[]), "hello\n");
    // The normal case: wasmc creates the directory, private.
    std::fs::remove_dir_all(f.cache()).unwrap();
    assert_prints(&f.wasmc(&["run", "hello.wat"], &[]), "hello\n");
    let mode = std::fs::metadata(f.cache()).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o700, "cache directory mode {mode:o}");
}

/// Issue 33 item 5: an entry (with a valid trailer) that another user planted, or that
/// others can write, was executed; it is a miss, rebuilt and replaced.
#[test]
fn issue_33_an_entry_others_could_write_is_not_run() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let f = Fixture::new();
    let (entry, forged) = f.hello_entry_and_forged_other();
    let plant = |mode: u32| {
        let tmp = f.cache().join("planted");
        std::fs::write(&tmp, &forged).unwrap();
        set_mode(&tmp, mode);
        std::fs::rename(&tmp, &entry).unwrap();
    };
    // The check can fail: a planted entry of our own, private, runs.
    plant(0o700);
    assert_prints(&f.wasmc(&["run", "hello.wat"], &[]), "other\n");
    for mode in [0o777, 0o722, 0o707] {
        plant(mode);
        assert_prints(&f.wasmc(&["run", "hello.wat"], &[]), "hello\n");
        let mode = std::fs::metadata(&entry).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700, "rebuilt: mode {mode:o}");
    }
    plant(0o700);
    if chown(&entry, 12345) {
        assert_prints(&f.wasmc(&["run", "hello.wat"], &[]), "hello\n");
        // SAFETY: `geteuid` has no preconditions.
        assert_eq!(std::fs::metadata(&entry).unwrap().uid(), unsafe { libc::geteuid() });
    }
    // A symbolic link to a forged file is not followed either.
    let forged_path = f.dir.path().join("forged");
    std::fs::write(&forged_path, &forged).unwrap();
    set_mode(&forged_path, 0o700);
    std::fs::remove_file(&entry).unwrap();
    std::os::unix::fs::symlink(&forged_path, &entry).unwrap();
    assert_prints(&f.wasmc(&["run", "hello.wat"], &[]), "hello\n");
    assert!(std::fs::symlink_metadata(&entry).unwrap().is_file());
}
