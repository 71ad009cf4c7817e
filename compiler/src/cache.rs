//! The compilation cache: `wasmc run` (and `wasmc --cache`) keep what they built, keyed by
//! everything that decides its bytes, so running an unchanged module again skips compiling
//! and linking (issue 13).
//!
//! # Where
//! `$WASMC_CACHE_DIR` if set, else `$XDG_CACHE_HOME/wasmc`, else `~/.cache/wasmc` (the XDG
//! base directory rules, as the `dirs` crate applies them). `WASMC_CACHE=0` (or `wasmc run
//! --no-cache`) switches the cache off. `WASMC_CACHE_MAX` bounds the total size of the
//! entries (default [`DEFAULT_MAX_BYTES`], K/M/G/T suffixes): after each new entry, the
//! least recently used ones are removed until the rest fit.
//!
//! # Keys
//! A [`Key`] is the BLAKE3 hash of: a format version, wasmc's version and the identity of
//! the running `wasmc` executable (device, inode, size and modification time: any rebuild or
//! reinstall changes it), the artifact kind, the [`Config`] (every flag but the thread
//! count, which does not change the output), the target ISA with
//! its flags (host CPU features included), for executables the identity of the runtime
//! library and the linker (`$CC`), and the module's bytes.
//!
//! # Entries
//! One file per key, `<64 hex digits>.entry`: the artifact's bytes followed by a trailer of
//! [`TRAILER_LEN`] bytes: the BLAKE3 hash of the artifact (32), its length (u64 LE) and
//! [`MAGIC`]. An entry is written in a locked work directory in the cache directory
//! ([`crate::workdir`]: one left by a killed writer is removed by the next `put`) and
//! renamed into place, so readers see a whole entry or none; when several `wasmc run` of one module
//! start at once, each builds and renames, and one complete entry remains. An entry whose
//! trailer or hash does not match (truncated, corrupted, written by another format) is
//! never used: it is rebuilt and replaced. A hit refreshes the entry's modification time,
//! which is what "least recently used" goes by.
//!
//! # Trust (issue 33)
//! What is in the cache is executed (entries) or decides what is executed (the linker
//! command line and the runtime library in `runtime/`), so the cache is used only if
//! nobody but the user (or root) can write it ([`crate::trust`], after OpenSSH's
//! `StrictModes`): a cache directory or `runtime/` that another user owns or that group or
//! others can write (sticky bit or not), or that lies below a directory others can write
//! without the sticky bit, is refused: [`Cache::from_env`] fails with one line naming it,
//! and `wasmc run`, `wasmc --cache` and `--print-runtime-lib` exit with status 1 (a plain
//! `wasmc -o`, which only uses the cache to link faster, warns and links without it). We
//! refuse rather than fall back to no cache so that the problem is seen and fixed, not
//! paid for silently on every run. wasmc creates a missing cache directory (and missing
//! parents) with mode 0700. An entry is used only if `fstat` of the descriptor it is read
//! or executed through shows a regular file (opened without following a symbolic link)
//! owned by the user or root and writable by nobody else; any other is a miss, rebuilt and
//! replaced.

use std::io::Write;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::emit::Config;
use crate::error::CompileError;
use crate::workdir::WorkDir;

/// Default bound on the cache's total size: 1 GiB.
pub const DEFAULT_MAX_BYTES: u64 = 1 << 30;

/// Bound on what [`Cache::runtime_objects`] keeps (linker command lines, a few KB each,
/// and the runtime libraries `wasmc --print-runtime-lib` writes, about 1.5 MB each).
pub const RUNTIME_MAX_BYTES: u64 = 64 << 20;

/// Last 8 bytes of every entry (the format version is its last two digits).
pub const MAGIC: [u8; 8] = *b"wasmcC01";

/// Bytes after the artifact in an entry: hash (32), length (8), [`MAGIC`] (8).
pub const TRAILER_LEN: usize = 48;

/// File name suffix of entries; nothing else in the directory is ever removed, except
/// work directories of this cache ([`TEMP_PREFIX`]) left by a killed process.
const ENTRY_SUFFIX: &str = ".entry";

/// Prefix of the work directories ([`WorkDir`]) entries are written in before the rename
/// (and of the temporary files older wasmc wrote them to).
const TEMP_PREFIX: &str = ".wasmc-tmp";

/// What an entry holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Artifact {
    /// A linked executable (`wasmc run`, `wasmc -o`).
    Executable,
    /// A relocatable object (`wasmc -c`).
    Object,
}

/// A cache key: a BLAKE3 hash (see the module documentation for what goes in).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Key([u8; 32]);

impl Key {
    /// Computes the key of compiling `wasm` (binary module bytes) with `config` into
    /// `artifact`, linked (for executables) against `runtime_lib`. The embedded runtime is
    /// part of the running executable, whose identity every key includes.
    ///
    /// # Errors
    /// The running executable or the runtime library cannot be examined, or the target is
    /// unsupported.
    pub fn new(
        wasm: &[u8],
        config: &Config,
        artifact: Artifact,
        runtime_lib: Option<&crate::link::RuntimeLib>,
    ) -> Result<Key, CompileError> {
        let mut h = KeyHasher::new();
        let mut field = |bytes: &[u8]| h.field(bytes);
        field(env!("CARGO_PKG_VERSION").as_bytes());
        let exe = std::env::current_exe()
            .map_err(|source| CompileError::Io { path: "/proc/self/exe".into(), source })?;
        field(&file_identity(&exe)?);
        field(format!("{artifact:?}").as_bytes());
        // The thread count does not change the output.
        let config = Config { threads: None, ..config.clone() };
        field(format!("{config:?}").as_bytes());
        field(crate::emit::isa(&config)?.to_string().as_bytes());
        if let Some(lib) = runtime_lib {
            match lib {
                crate::link::RuntimeLib::Embedded => field(b"embedded runtime"),
                crate::link::RuntimeLib::File(path) => field(&file_identity(path)?),
            }
            field(std::env::var_os("CC").unwrap_or_default().as_encoded_bytes());
            field(format!("{:?}", crate::link::linker()?).as_bytes());
        }
        field(wasm);
        Ok(h.finish())
    }

    /// The key of what [`crate::link`] derives from the file `from` by `recipe` and keeps
    /// in [`Cache::runtime_objects`]: the linker command line (from the C compiler
    /// driver). It depends on nothing but the file's identity and the recipe.
    ///
    /// # Errors
    /// The file cannot be examined.
    pub fn runtime(from: &Path, recipe: &str) -> Result<Key, CompileError> {
        let mut h = KeyHasher::new();
        for bytes in [&b"prelinked runtime"[..], recipe.as_bytes(), &file_identity(from)?] {
            h.field(bytes);
        }
        Ok(h.finish())
    }

    /// The key as 64 lowercase hex digits.
    pub fn hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// Hashes the fields of a [`Key`], [`MAGIC`] first. Each field is length-prefixed, so that
/// no two different field lists hash the same bytes.
struct KeyHasher(blake3::Hasher);

impl KeyHasher {
    fn new() -> KeyHasher {
        let mut h = KeyHasher(blake3::Hasher::new());
        h.field(&MAGIC);
        h
    }

    fn field(&mut self, bytes: &[u8]) {
        self.0.update(&(bytes.len() as u64).to_le_bytes());
        self.0.update(bytes);
    }

    fn finish(self) -> Key {
        Key(*self.0.finalize().as_bytes())
    }
}

/// Device, inode, size and modification time of `path` (following links): changes whenever
/// the file is rebuilt, replaced or copied.
fn file_identity(path: &Path) -> Result<Vec<u8>, CompileError> {
    let m = std::fs::metadata(path)
        .map_err(|source| CompileError::Io { path: path.to_path_buf(), source })?;
    let mut id = Vec::with_capacity(40);
    for n in [m.dev(), m.ino(), m.size(), m.mtime() as u64, m.mtime_nsec() as u64] {
        id.extend_from_slice(&n.to_le_bytes());
    }
    Ok(id)
}

/// An opened cache directory (created when the first entry is written).
#[derive(Debug)]
pub struct Cache {
    dir: PathBuf,
    max_bytes: u64,
}

impl Cache {
    /// A cache in `dir` whose entries may take `max_bytes` in all.
    pub fn new(dir: PathBuf, max_bytes: u64) -> Cache {
        Cache { dir, max_bytes }
    }

    /// The cache the environment asks for (`WASMC_CACHE`, `WASMC_CACHE_DIR`,
    /// `WASMC_CACHE_MAX`, `XDG_CACHE_HOME`), or `None` when it is switched off.
    ///
    /// # Errors
    /// A malformed `WASMC_CACHE` or `WASMC_CACHE_MAX`, no cache directory can be found
    /// (no `HOME`) while the cache is on, or the cache directory (or its `runtime/`) exists
    /// and is not trusted ([`crate::trust::check_dir`]: owned by another user, writable
    /// by others; one line naming it).
    pub fn from_env() -> Result<Option<Cache>, String> {
        match std::env::var("WASMC_CACHE").as_deref() {
            Err(_) | Ok("1") => {}
            Ok("0") => return Ok(None),
            Ok(v) => {
                return Err(format!(
                    "WASMC_CACHE={}: expected 0 or 1",
                    wasmc_abi::printable::Printable(v)
                ));
            }
        }
        let max_bytes = match std::env::var("WASMC_CACHE_MAX") {
            Err(_) => DEFAULT_MAX_BYTES,
            Ok(v) => wasmc_abi::size::parse_size(&v).map(|n| n as u64).ok_or_else(|| {
                format!(
                    "WASMC_CACHE_MAX={}: expected a byte count, K/M/G/T suffixes allowed",
                    wasmc_abi::printable::Printable(&v)
                )
            })?,
        };
        let dir = match std::env::var_os("WASMC_CACHE_DIR") {
            Some(d) if !d.is_empty() => PathBuf::from(d),
            _ => dirs::cache_dir()
                .ok_or("no cache directory: set HOME, XDG_CACHE_HOME or WASMC_CACHE_DIR")?
                .join("wasmc"),
        };
        let cache = Cache::new(dir, max_bytes);
        // Refused now if it exists already; created later (by `prepare`) if not.
        for dir in [cache.dir(), cache.runtime_objects().dir()] {
            if dir.exists() {
                crate::trust::check_dir(dir, "cache directory")?;
            }
        }
        Ok(Some(cache))
    }

    /// Creates the directory if it does not exist (mode 0700, as are the missing parents,
    /// as the XDG base directory specification asks), then checks that it is trusted
    /// ([`crate::trust::check_dir`]): nobody but the user (or root) can write it or swap
    /// it, so what is in it was put there by the user's own wasmc.
    ///
    /// # Errors
    /// [`CompileError::Io`] if it cannot be created, [`CompileError::UntrustedCache`] if
    /// others can write it.
    pub fn prepare(&self) -> Result<(), CompileError> {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&self.dir)
            .map_err(|source| CompileError::Io { path: self.dir.clone(), source })?;
        crate::trust::check_dir(&self.dir, "cache directory").map_err(CompileError::UntrustedCache)
    }

    /// Opens the entry for `key` for reading if it is a file the cache may use: a regular
    /// file (not a symbolic link) that the user (or root) owns and nobody else can write,
    /// as `fstat` of the opened descriptor says ([`crate::trust::file_is_trusted`]).
    fn open_entry(&self, key: &Key) -> Option<std::fs::File> {
        let file = std::fs::File::options()
            .read(true)
            .custom_flags(libc::O_NOFOLLOW)
            .open(self.entry_path(key))
            .ok()?;
        crate::trust::file_is_trusted(&file.metadata().ok()?).then_some(file)
    }

    /// The cache of what links use besides the programs ([`crate::link::link_executable`]:
    /// the linker command lines learned from the C compiler driver): the `runtime`
    /// subdirectory, bounded by [`RUNTIME_MAX_BYTES`], apart from the programs so that
    /// neither evicts the other. Used by every link while the cache is on, with or without
    /// `wasmc --cache`.
    pub fn runtime_objects(&self) -> Cache {
        Cache::new(self.dir.join("runtime"), RUNTIME_MAX_BYTES)
    }

    /// The cache directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Path of the entry for `key`.
    pub fn entry_path(&self, key: &Key) -> PathBuf {
        self.dir.join(format!("{}{ENTRY_SUFFIX}", key.hex()))
    }

    /// The artifact stored under `key`, if there is a whole, uncorrupted one that nobody
    /// else could have written ([`Cache::open_entry`]). A hit marks the entry as just used.
    pub fn get(&self, key: &Key) -> Option<Vec<u8>> {
        use std::io::Read;
        let path = self.entry_path(key);
        let mut bytes = Vec::new();
        self.open_entry(key)?.read_to_end(&mut bytes).ok()?;
        let len = check_entry(&bytes)?;
        bytes.truncate(len);
        // Best effort: a read-only cache still serves hits.
        if let Ok(f) = std::fs::File::options().write(true).open(&path) {
            let _ = f.set_modified(SystemTime::now());
        }
        Some(bytes)
    }

    /// The entry stored under `key`, opened, if it is whole and uncorrupted (its hash is
    /// checked as it is read in blocks, without loading it into memory) and nobody else
    /// could have written it ([`Cache::open_entry`]), for executing in
    /// place ([`crate::exec::exec_file`]): the artifact is the file's first `len` bytes, and
    /// the trailer after it does not disturb the kernel's ELF loader. A hit marks the entry
    /// as just used. Entries are never written once renamed into place (a new one replaces
    /// the file), so what was checked is what runs.
    pub fn open(&self, key: &Key) -> Option<(std::fs::File, u64)> {
        use std::io::Read;
        let mut file = self.open_entry(key)?;
        let size = file.metadata().ok()?.len();
        let len = size.checked_sub(TRAILER_LEN as u64)?;
        let mut hasher = blake3::Hasher::new();
        let mut block = vec![0u8; 1 << 16];
        let mut left = len;
        while left > 0 {
            let n = (block.len() as u64).min(left) as usize;
            file.read_exact(&mut block[..n]).ok()?;
            hasher.update(&block[..n]);
            left -= n as u64;
        }
        let mut trailer = [0u8; TRAILER_LEN];
        file.read_exact(&mut trailer).ok()?;
        if !trailer_matches(&trailer, len, &hasher.finalize()) {
            return None;
        }
        // Best effort (the owner may set the time through a read-only descriptor).
        let _ = file.set_modified(SystemTime::now());
        Some((file, len))
    }

    /// Stores `artifact` under `key` (atomically: temporary file, then rename), then
    /// removes the least recently used entries while the total exceeds the bound.
    ///
    /// # Errors
    /// The directory cannot be created or written, or it is not trusted
    /// ([`Cache::prepare`]).
    pub fn put(&self, key: &Key, artifact: &[u8]) -> Result<(), CompileError> {
        let io = |source| CompileError::Io { path: self.dir.clone(), source };
        self.prepare()?;
        // A locked work directory, swept by `evict` if this process dies (issue 33).
        let work = WorkDir::create_in(&self.dir, TEMP_PREFIX).map_err(io)?;
        let tmp_path = work.path().join("entry");
        // Executable by its owner: `wasmc run` executes executable entries in place.
        let mut tmp = std::fs::File::options()
            .write(true)
            .create_new(true)
            .mode(0o700)
            .open(&tmp_path)
            .map_err(io)?;
        let hash = blake3::hash(artifact);
        tmp.write_all(artifact).map_err(io)?;
        tmp.write_all(hash.as_bytes()).map_err(io)?;
        tmp.write_all(&(artifact.len() as u64).to_le_bytes()).map_err(io)?;
        tmp.write_all(&MAGIC).map_err(io)?;
        drop(tmp);
        let path = self.entry_path(key);
        std::fs::rename(&tmp_path, &path).map_err(io)?;
        drop(work);
        self.evict(&path);
        Ok(())
    }

    /// Removes least recently used entries (never `keep`, the one just written) until the
    /// entries' total size is at most the bound, and temporary files of dead writers.
    fn evict(&self, keep: &Path) {
        let Ok(dir) = std::fs::read_dir(&self.dir) else { return };
        let now = SystemTime::now();
        let mut entries = Vec::new();
        let mut total = 0u64;
        for e in dir.flatten() {
            let name = e.file_name();
            let name = name.to_string_lossy();
            let Ok(meta) = e.metadata() else { continue };
            let modified = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
            if name.starts_with(TEMP_PREFIX) {
                crate::workdir::remove_if_stale(&e.path(), now);
            } else if name.ends_with(ENTRY_SUFFIX) && meta.is_file() {
                total += meta.len();
                entries.push((modified, meta.len(), e.path()));
            }
        }
        entries.sort();
        for (_, len, path) in entries {
            if total <= self.max_bytes {
                break;
            }
            if path != keep && std::fs::remove_file(&path).is_ok() {
                total -= len;
            }
        }
    }
}

/// The artifact length of a whole entry `bytes`, or `None` if its trailer or hash does not
/// match.
pub fn check_entry(bytes: &[u8]) -> Option<usize> {
    let body = bytes.len().checked_sub(TRAILER_LEN)?;
    let trailer = &bytes[body..];
    // The magic first: the hash of a file of another format is not worth computing.
    if trailer[40..] != MAGIC {
        return None;
    }
    trailer_matches(trailer, body as u64, &blake3::hash(&bytes[..body])).then_some(body)
}

/// Whether `trailer` (the last [`TRAILER_LEN`] bytes of an entry) says the artifact before
/// it is `len` bytes hashing to `hash`.
fn trailer_matches(trailer: &[u8], len: u64, hash: &blake3::Hash) -> bool {
    trailer.len() == TRAILER_LEN
        && trailer[40..] == MAGIC
        && trailer[32..40] == len.to_le_bytes()
        && hash.as_bytes() == &trailer[..32]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(n: u8) -> Key {
        Key([n; 32])
    }

    #[test]
    fn entries_round_trip_and_corruption_is_a_miss() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path().join("c"), DEFAULT_MAX_BYTES);
        assert_eq!(cache.get(&key(1)), None);
        cache.put(&key(1), b"artifact bytes").unwrap();
        assert_eq!(cache.get(&key(1)).as_deref(), Some(&b"artifact bytes"[..]));
        let path = cache.entry_path(&key(1));
        let whole = std::fs::read(&path).unwrap();
        // Truncated anywhere, or any byte flipped: never served.
        for cut in [0, 1, whole.len() / 2, whole.len() - 1] {
            std::fs::write(&path, &whole[..cut]).unwrap();
            assert_eq!(cache.get(&key(1)), None, "truncated to {cut}");
        }
        for i in 0..whole.len() {
            let mut bad = whole.clone();
            bad[i] ^= 0x40;
            std::fs::write(&path, &bad).unwrap();
            assert_eq!(cache.get(&key(1)), None, "byte {i} flipped");
        }
        // A rebuilt entry replaces the bad one.
        cache.put(&key(1), b"artifact bytes").unwrap();
        assert_eq!(cache.get(&key(1)).as_deref(), Some(&b"artifact bytes"[..]));
    }

    #[test]
    fn least_recently_used_entries_are_evicted_first() {
        let dir = tempfile::tempdir().unwrap();
        let entry = 1000 + TRAILER_LEN as u64;
        let cache = Cache::new(dir.path().to_path_buf(), 3 * entry);
        let old = SystemTime::now() - std::time::Duration::from_secs(100);
        for n in 1..=3 {
            cache.put(&key(n), &[n; 1000]).unwrap();
            let f = std::fs::File::options().write(true).open(cache.entry_path(&key(n))).unwrap();
            f.set_modified(old + std::time::Duration::from_secs(n as u64)).unwrap();
        }
        // Using 1 makes 2 the least recently used: the fourth entry evicts it.
        assert!(cache.get(&key(1)).is_some());
        std::fs::write(dir.path().join("unrelated"), [0; 5000]).unwrap();
        cache.put(&key(4), &[4; 1000]).unwrap();
        let present: Vec<u8> = (1..=4).filter(|&n| cache.entry_path(&key(n)).exists()).collect();
        assert_eq!(present, [1, 3, 4]);
        assert!(dir.path().join("unrelated").exists(), "only entries are evicted");
        // An entry larger than the bound is still kept (it was just written).
        cache.put(&key(5), &[5; 10_000]).unwrap();
        assert!(cache.entry_path(&key(5)).exists());
        assert!(!cache.entry_path(&key(1)).exists());
    }

    #[test]
    fn keys_depend_on_the_module_and_the_flags() {
        let wasm = wat::parse_str("(module)").unwrap();
        let config = Config::default();
        let threads = Config { threads: Some(3), ..Config::default() };
        assert_eq!(
            Key::new(&wasm, &config, Artifact::Object, None).unwrap(),
            Key::new(&wasm, &threads, Artifact::Object, None).unwrap()
        );
        let k = Key::new(&wasm, &config, Artifact::Object, None).unwrap();
        assert_eq!(k, Key::new(&wasm, &config, Artifact::Object, None).unwrap());
        assert_ne!(k, Key::new(&wasm, &config, Artifact::Executable, None).unwrap());
        let other = wat::parse_str("(module (func))").unwrap();
        assert_ne!(k, Key::new(&other, &config, Artifact::Object, None).unwrap());
        let o0 = Config { opt_level: crate::OptLevel::None, ..Config::default() };
        assert_ne!(k, Key::new(&wasm, &o0, Artifact::Object, None).unwrap());
    }
}
