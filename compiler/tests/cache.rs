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
    assert_prints(&f.wasmc(&["run", "hello.wat"], &[]), "hello\n");
    let entry = f.entry();
    let out = f.wasmc(&["other.wat", "-o", "other"], &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let exe = std::fs::read(f.dir.path().join("other")).unwrap();
    let mut forged = exe.clone();
    forged.extend_from_slice(blake3::hash(&exe).as_bytes());
    forged.extend_from_slice(&(exe.len() as u64).to_le_bytes());
    forged.extend_from_slice(&MAGIC);
    assert_eq!(forged.len(), exe.len() + TRAILER_LEN);
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
