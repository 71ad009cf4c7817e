//! Linking a compiled object with the runtime staticlib into an executable, with the system
//! C compiler driver (`cc`, or `$CC`).

use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::cache::{Cache, Key};
use crate::error::CompileError;
use crate::workdir::WorkDir;

/// File name of the runtime static library.
pub const RUNTIME_LIB: &str = "libwasmc_runtime.a";

/// Native libraries the Rust standard library in the runtime staticlib needs on Linux
/// (as `rustc --print native-static-libs` reports them), less `-lgcc_s`: the unwinder is
/// linked statically instead (`-static-libgcc`, so `libgcc_eh.a`), which spares every
/// program loading `libgcc_s.so.1` and running its CPU-detection constructor at start-up
/// (0.2 ms of an empty program's 1.3 ms on the issue-13 machine).
const NATIVE_LIBS: &[&str] =
    &["-static-libgcc", "-lutil", "-lrt", "-lpthread", "-lm", "-ldl", "-lc"];

/// The runtime library built with this `wasmc` and embedded in it (`build.rs`): an archive
/// of one relocatable object, the runtime staticlib prelinked (only what `wasmc_main`
/// reaches, no debug information or LLVM bitcode, sections merged; about 1.5 MB).
pub static EMBEDDED_RUNTIME: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/libwasmc_runtime.a"));

/// The runtime library a link uses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RuntimeLib {
    /// [`EMBEDDED_RUNTIME`], the default.
    Embedded,
    /// A runtime staticlib named by `$WASMC_RUNTIME_LIB` (e.g. a debug build of the
    /// runtime), linked as it is with `--gc-sections`.
    File(PathBuf),
}

/// The runtime library to link: `$WASMC_RUNTIME_LIB` if set, else the embedded one.
///
/// # Errors
/// [`CompileError::Link`] if `$WASMC_RUNTIME_LIB` is not a file.
pub fn runtime_lib() -> Result<RuntimeLib, CompileError> {
    match std::env::var_os("WASMC_RUNTIME_LIB") {
        Some(p) if !p.is_empty() => {
            let p = PathBuf::from(p);
            if p.is_file() {
                Ok(RuntimeLib::File(p))
            } else {
                Err(CompileError::Link(format!("WASMC_RUNTIME_LIB={} is not a file", p.display())))
            }
        }
        _ => Ok(RuntimeLib::Embedded),
    }
}

/// A file holding the runtime library for linking compiled objects by hand (`wasmc
/// --print-runtime-lib`): `$WASMC_RUNTIME_LIB` if set, else [`EMBEDDED_RUNTIME`] written
/// into `dir` as `libwasmc_runtime-HASH.a` (HASH: the first 16 hex digits of its BLAKE3
/// hash, so each wasmc build has its own), atomically, unless a file of that name with
/// the same bytes is there already.
///
/// # Errors
/// `$WASMC_RUNTIME_LIB` is not a file, or `dir` cannot be created or written.
pub fn runtime_lib_file(dir: &Path) -> Result<PathBuf, CompileError> {
    if let RuntimeLib::File(p) = runtime_lib()? {
        return Ok(p);
    }
    let hash = blake3::hash(EMBEDDED_RUNTIME).to_hex();
    let path = dir.join(format!("libwasmc_runtime-{}.a", &hash[..16]));
    if std::fs::read(&path).is_ok_and(|b| b == EMBEDDED_RUNTIME) {
        return Ok(path);
    }
    std::fs::create_dir_all(dir)
        .map_err(|source| CompileError::Io { path: dir.to_path_buf(), source })?;
    write_atomically(&path, EMBEDDED_RUNTIME)?;
    Ok(path)
}

/// The C embedding API's header, `runtime/include/wasmc.h`, as built into this `wasmc`
/// (`build.rs`), for `wasmc --print-include-dir`.
pub static EMBEDDED_HEADER: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/wasmc.h"));

/// A directory holding `wasmc.h`, the header of the runtime library [`runtime_lib_file`]
/// gives (`wasmc --print-include-dir`): `dir/include-HASH/` (HASH: the first 16 hex digits
/// of the header's BLAKE3 hash), written atomically unless it is there already.
///
/// # Errors
/// `dir` cannot be created or written.
pub fn include_dir(dir: &Path) -> Result<PathBuf, CompileError> {
    let hash = blake3::hash(EMBEDDED_HEADER).to_hex();
    let inc = dir.join(format!("include-{}", &hash[..16]));
    let header = inc.join("wasmc.h");
    if std::fs::read(&header).is_ok_and(|b| b == EMBEDDED_HEADER) {
        return Ok(inc);
    }
    std::fs::create_dir_all(&inc)
        .map_err(|source| CompileError::Io { path: inc.clone(), source })?;
    write_atomically(&header, EMBEDDED_HEADER)?;
    Ok(inc)
}

/// Decides where an output file named `out` is written, given the input file `input`.
///
/// A symbolic link is followed: the file it names is replaced (the link stays), so the
/// result is `out` or the canonical path of the link's target. The output is refused if it
/// is the input file itself (same `(st_dev, st_ino)`: the same path, a symbolic link to it
/// or a hard link), or if it exists and is not a regular file: a device (`/dev/full`), a
/// directory, a FIFO or a socket is never replaced. The writers ([`write_atomically`],
/// [`link_executable`]) refuse to replace a non-regular file again just before they rename
/// their temporary file into place.
///
/// # Errors
/// [`CompileError::Output`] saying why; [`CompileError::Io`] if `input` or `out` cannot be
/// examined.
pub fn output_path(input: &Path, out: &Path) -> Result<PathBuf, CompileError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| CompileError::Io { path, source }
    };
    let refuse = |reason: String| CompileError::Output { path: out.to_path_buf(), reason };
    let input_meta = std::fs::metadata(input).map_err(io(input))?;
    let target = match std::fs::symlink_metadata(out) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out.to_path_buf()),
        Err(e) => return Err(io(out)(e)),
        Ok(m) if m.file_type().is_symlink() => std::fs::canonicalize(out).map_err(|e| {
            refuse(format!("it is a symbolic link that does not lead to a file ({e})"))
        })?,
        Ok(_) => out.to_path_buf(),
    };
    let meta = std::fs::metadata(&target).map_err(io(&target))?;
    if (meta.dev(), meta.ino()) == (input_meta.dev(), input_meta.ino()) {
        return Err(refuse(format!(
            "it is the input file {} (give another name with -o)",
            input.display()
        )));
    }
    if !meta.is_file() {
        return Err(refuse(format!(
            "it exists and is {}, not a regular file",
            describe_file_type(meta.file_type())
        )));
    }
    Ok(target)
}

/// `a directory`, `a character device`, ... for messages.
fn describe_file_type(t: std::fs::FileType) -> &'static str {
    if t.is_dir() {
        "a directory"
    } else if t.is_char_device() {
        "a character device"
    } else if t.is_block_device() {
        "a block device"
    } else if t.is_fifo() {
        "a FIFO"
    } else if t.is_socket() {
        "a socket"
    } else if t.is_symlink() {
        "a symbolic link"
    } else {
        "a regular file"
    }
}

/// Fails if `path` exists and is not a regular file (checked with `lstat` right before a
/// temporary file is renamed onto it: a rename would replace a device node or a link).
fn refuse_non_regular(path: &Path) -> Result<(), CompileError> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if !m.file_type().is_file() => Err(CompileError::Output {
            path: path.to_path_buf(),
            reason: format!(
                "it exists and is {}, not a regular file",
                describe_file_type(m.file_type())
            ),
        }),
        _ => Ok(()),
    }
}

/// What to link with (`-fuse-ld=`): `$WASMC_LINKER` (`bfd`, `gold`, `lld`, or `cc` for the
/// C compiler's default), else gold when `ld.gold` is on `PATH`, else lld when `ld.lld` is,
/// else the default. Gold and lld link a program in about half the time of the default
/// BFD linker (measured in issue 13).
///
/// # Errors
/// A `WASMC_LINKER` that is none of these.
pub fn linker() -> Result<Option<&'static str>, CompileError> {
    match std::env::var("WASMC_LINKER").as_deref() {
        Ok("bfd") => return Ok(Some("bfd")),
        Ok("gold") => return Ok(Some("gold")),
        Ok("lld") => return Ok(Some("lld")),
        Ok("cc") => return Ok(None),
        Ok(other) => {
            return Err(CompileError::Link(format!(
                "WASMC_LINKER={}: expected bfd, gold, lld or cc",
                wasmc_abi::printable::Printable(other)
            )));
        }
        Err(_) => {}
    }
    let on_path = |name: &str| find_program(name.as_ref()).is_some();
    Ok(if on_path("ld.gold") {
        Some("gold")
    } else if on_path("ld.lld") {
        Some("lld")
    } else {
        None
    })
}

/// The file a program name runs, as `execvp` finds it: a name with a `/` as it is, else
/// the first regular file of that name in a `PATH` directory.
fn find_program(name: &std::ffi::OsStr) -> Option<PathBuf> {
    let p = Path::new(name);
    if p.components().count() > 1 {
        return Some(p.to_path_buf());
    }
    std::env::split_paths(&std::env::var_os("PATH")?).map(|d| d.join(name)).find(|p| p.is_file())
}

/// The embedded runtime as a file the linker can open: an anonymous memory file (named
/// `/proc/self/fd/N`, a descriptor the linker inherits: nothing is written to disk), else,
/// where memory files are refused, `runtime.a` in the link's work directory `work`.
enum RuntimeFile {
    Memory(std::fs::File),
    Disk(PathBuf),
}

impl RuntimeFile {
    fn new(work: &Path) -> Result<RuntimeFile, CompileError> {
        use std::io::Write;
        if let Ok(fd) = crate::exec::memfd(c"wasmc-runtime") {
            let mut file = std::fs::File::from(fd);
            if file.write_all(EMBEDDED_RUNTIME).is_ok() {
                return Ok(RuntimeFile::Memory(file));
            }
        }
        let path = work.join(RUNTIME_LIB);
        std::fs::write(&path, EMBEDDED_RUNTIME)
            .map_err(|source| CompileError::Io { path: path.clone(), source })?;
        Ok(RuntimeFile::Disk(path))
    }

    /// The path the linker is given.
    fn path(&self) -> PathBuf {
        match self {
            RuntimeFile::Disk(p) => p.clone(),
            RuntimeFile::Memory(f) => {
                PathBuf::from(format!("/proc/self/fd/{}", std::os::fd::AsRawFd::as_raw_fd(f)))
            }
        }
    }

    /// Lets a child process inherit the memory file's descriptor (`inherit`), or not:
    /// descriptors are opened close-on-exec, and this one is let through only for the
    /// linker's spawn (wasmc starts no other process meanwhile).
    fn set_inherited(&self, inherit: bool) {
        if let RuntimeFile::Memory(f) = self {
            let fd = std::os::fd::AsRawFd::as_raw_fd(f);
            // SAFETY: `fd` is an open descriptor owned by `f`; F_GETFD/F_SETFD only change
            // its close-on-exec flag.
            unsafe {
                let flags = libc::fcntl(fd, libc::F_GETFD);
                if flags >= 0 {
                    let flags =
                        if inherit { flags & !libc::FD_CLOEXEC } else { flags | libc::FD_CLOEXEC };
                    libc::fcntl(fd, libc::F_SETFD, flags);
                }
            }
        }
    }
}

/// The C compiler driver's arguments for linking `module` with the prelinked `runtime`
/// (else the archive `runtime_lib`) into `out`.
fn driver_args(
    ld: Option<&str>,
    out: &std::ffi::OsStr,
    module: &std::ffi::OsStr,
    runtime: &std::ffi::OsStr,
    prelinked: bool,
    keep_debug: bool,
) -> Vec<std::ffi::OsString> {
    let mut args: Vec<std::ffi::OsString> = Vec::new();
    if let Some(ld) = ld {
        args.push(format!("-fuse-ld={ld}").into());
    }
    args.extend(["-pie".into(), "-o".into(), out.to_owned(), module.to_owned()]);
    if ld == Some("gold") {
        // Gold maps every input file whole by default, libc's and libgcc's archives
        // included; reading only what it needs takes a quarter less time (issue 13).
        args.push("-Wl,--no-map-whole-files".into());
    }
    args.push("-Wl,-z,noexecstack".into());
    args.push(runtime.to_owned());
    // The embedded runtime is already only what `wasmc_main` reaches: section GC would
    // find nothing to remove and costs a fifth of the link.
    if !prelinked {
        args.push("-Wl,--gc-sections".into());
    }
    if !keep_debug {
        args.push("-Wl,--strip-debug".into());
    }
    args.extend(NATIVE_LIBS.iter().map(|l| l.into()));
    args
}

/// Placeholders of [`direct_link_template`].
const OUT: &str = "@wasmc-out@";
const MODULE: &str = "@wasmc-module@.o";
const RUNTIME: &str = "@wasmc-runtime@.o";

/// The linker (`ld.gold`, `ld.lld`, `ld.bfd` or `ld`, as [`linker`] chose) and its
/// arguments for linking a module with the prelinked runtime, with the placeholders
/// [`OUT`], [`MODULE`] and [`RUNTIME`]: what GCC's driver and its `collect2` wrapper would
/// run, less the LTO plugin. Learned from `cc -###` (which prints the commands without
/// running them) once per C compiler installation and kept in `cache`: running the linker
/// directly saves the two wrapper processes, a quarter of a link's time. `None` when the
/// driver is not GCC (no `collect2` line) or anything else fails: the caller links through
/// the driver.
fn direct_link_template(
    cc: &std::ffi::OsStr,
    ld: Option<&str>,
    keep_debug: bool,
    cache: &Cache,
) -> Option<(PathBuf, Vec<String>)> {
    let name = match ld {
        Some(ld) => format!("ld.{ld}"),
        None => "ld".to_string(),
    };
    let linker = find_program(name.as_ref())?;
    // The key: the driver's installation (its resolved file) and everything that changes
    // the command, the variables GCC's driver reads for its search paths included.
    let driver = std::fs::canonicalize(find_program(cc)?).ok()?;
    let env: Vec<_> =
        ["LIBRARY_PATH", "GCC_EXEC_PREFIX", "COMPILER_PATH"].iter().map(std::env::var_os).collect();
    let recipe = format!("direct link 2: {linker:?} {keep_debug} {NATIVE_LIBS:?} {env:?}");
    let key = Key::runtime(&driver, &recipe).ok()?;
    if let Some(bytes) = cache.get(&key) {
        let text = String::from_utf8(bytes).ok()?;
        return Some((linker, text.split('\n').map(str::to_string).collect()));
    }
    let args = driver_args(ld, OUT.as_ref(), MODULE.as_ref(), RUNTIME.as_ref(), true, keep_debug);
    let output = crate::child::output(Command::new(cc).arg("-###").args(&args)).ok()?;
    if !output.status.success() {
        return None;
    }
    let stderr = String::from_utf8(output.stderr).ok()?;
    let line = stderr.lines().find(|l| {
        l.split_whitespace()
            .next()
            .is_some_and(|first| first.trim_matches('"').ends_with("/collect2"))
    })?;
    let words = shlex::split(line)?;
    let mut template = Vec::new();
    let mut rest = words.into_iter().skip(1);
    while let Some(w) = rest.next() {
        if w == "-plugin" {
            rest.next();
        } else if !w.starts_with("-plugin-opt=") && !w.starts_with("-fuse-ld=") {
            template.push(w);
        }
    }
    let template = distinct_search_dirs(template);
    let complete = [OUT, MODULE, RUNTIME].iter().all(|p| template.iter().any(|w| w == p));
    if !complete || template.iter().any(|w| w.contains('\n')) {
        return None;
    }
    // Best effort: without a writable cache the next link learns it again.
    let _ = cache.put(&key, template.join("\n").as_bytes());
    Some((linker, template))
}

/// `args` without the library search directories (`-LDIR`) that do not exist or name a
/// directory an earlier one already names (GCC's driver gives the same few directories by
/// a dozen spellings, `/lib/..` and `/usr/lib/gcc/../../..` among them): a search finds
/// the same files in the same order, and gold reads each directory it is given in full.
fn distinct_search_dirs(args: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    args.into_iter()
        .filter(|a| match a.strip_prefix("-L") {
            Some(dir) if !dir.is_empty() => {
                std::fs::metadata(dir).is_ok_and(|m| m.is_dir() && seen.insert((m.dev(), m.ino())))
            }
            _ => true,
        })
        .collect()
}

/// Links `object` (bytes of an ELF object from [`crate::compile`] with `executable` set) and
/// the runtime library `runtime` into the executable `out`. The output appears atomically:
/// it is linked in a locked work directory `.wasmc-link*` in the same directory ([`WorkDir`]:
/// one left by a killed wasmc is removed by the next link there) and renamed. `out` should
/// come from [`output_path`]; an existing `out` that is not a regular file is never
/// replaced.
///
/// The embedded runtime is handed to the linker from memory ([`RuntimeFile`]); with a
/// `cache` (where the linker command line learned from the C compiler driver is kept,
/// [`direct_link_template`]) the linker is run directly, else through the driver. A
/// [`RuntimeLib::File`] is linked through the driver with `--gc-sections`. Debug
/// information is stripped unless `keep_debug` (`wasmc -g`). The linker is [`linker`]'s
/// choice. Every process run for it dies with wasmc ([`crate::child`]).
///
/// # Errors
/// I/O errors, [`CompileError::Output`] for a non-regular `out`, and the linker's own
/// diagnostics.
pub fn link_executable(
    object: &[u8],
    runtime: &RuntimeLib,
    cache: Option<&Cache>,
    keep_debug: bool,
    out: &Path,
) -> Result<(), CompileError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| CompileError::Io { path, source }
    };
    let dir = crate::workdir::parent_dir(out);
    let work = WorkDir::new_in(&dir, ".wasmc-link").map_err(io(&dir))?;
    let obj_path = work.path().join("module.o");
    std::fs::write(&obj_path, object).map_err(io(&obj_path))?;
    let verbose = std::env::var_os("WASMC_LINK_VERBOSE").is_some();
    let tmp_out = work.path().join("a.out");
    let cc = std::env::var_os("CC").unwrap_or_else(|| "cc".into());
    let ld = linker()?;
    let (embedded, runtime_path) = match runtime {
        RuntimeLib::Embedded => {
            let file = RuntimeFile::new(work.path())?;
            let path = file.path();
            (Some(file), path)
        }
        RuntimeLib::File(p) => (None, p.clone()),
    };
    if let Some(file) = &embedded {
        file.set_inherited(true);
    }
    let result = run_linker(
        &cc,
        ld,
        cache,
        keep_debug,
        (&tmp_out, &obj_path, &runtime_path, embedded.is_some()),
        verbose,
    );
    if let Some(file) = &embedded {
        file.set_inherited(false);
    }
    result?;
    refuse_non_regular(out)?;
    std::fs::rename(&tmp_out, out).map_err(io(out))?;
    Ok(())
}

/// Runs the link of [`link_executable`]: the linker directly when a `cache` holds (or can
/// learn) the command line ([`direct_link_template`]), else (or if that fails) the C
/// compiler driver. `files` are the output, the module object, the runtime library and
/// whether it is the prelinked (embedded) one.
fn run_linker(
    cc: &std::ffi::OsStr,
    ld: Option<&str>,
    cache: Option<&Cache>,
    keep_debug: bool,
    files: (&Path, &Path, &Path, bool),
    verbose: bool,
) -> Result<(), CompileError> {
    let (tmp_out, obj_path, runtime, prelinked) = files;
    // The linker itself is run with the arguments the driver would give it (learned once,
    // [`direct_link_template`]); on any failure, the driver.
    if let Some(cache) = cache.filter(|_| prelinked)
        && let Some((linker, template)) = direct_link_template(cc, ld, keep_debug, cache)
    {
        let args: Vec<std::ffi::OsString> = template
            .iter()
            .map(|a| match a.as_str() {
                OUT => tmp_out.as_os_str().to_owned(),
                MODULE => obj_path.as_os_str().to_owned(),
                RUNTIME => runtime.as_os_str().to_owned(),
                other => other.into(),
            })
            .collect();
        let mut cmd = Command::new(&linker);
        cmd.args(&args);
        if verbose {
            eprintln!("wasmc: {cmd:?}");
        }
        match crate::child::output(&mut cmd) {
            Ok(o) if o.status.success() => return Ok(()),
            Ok(o) if verbose => {
                eprintln!("wasmc: the direct link failed: {}", String::from_utf8_lossy(&o.stderr))
            }
            _ => {}
        }
    }
    let mut cmd = Command::new(cc);
    cmd.args(driver_args(
        ld,
        tmp_out.as_os_str(),
        obj_path.as_os_str(),
        runtime.as_os_str(),
        prelinked,
        keep_debug,
    ));
    if verbose {
        eprintln!("wasmc: {cmd:?}");
    }
    let output = crate::child::output(&mut cmd)
        .map_err(|e| CompileError::Link(format!("cannot run `{}`: {e}", cc.to_string_lossy())))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let first: Vec<&str> = stderr.lines().take(20).collect();
        return Err(CompileError::Link(first.join("\n")));
    }
    Ok(())
}

/// Writes `bytes` to `path` atomically (a file in a locked work directory `.wasmc-out*` in
/// the same directory, [`WorkDir`], then rename).
/// `path` should come from [`output_path`]; an existing `path` that is not a regular file is
/// never replaced.
///
/// # Errors
/// I/O errors, naming the file; [`CompileError::Output`] for a non-regular `path`.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), CompileError> {
    write_output(path, bytes, false)
}

/// [`write_atomically`], made executable (mode 0777 less the umask, as a linker makes it)
/// when `executable` is set.
///
/// # Errors
/// As [`write_atomically`].
pub fn write_output(path: &Path, bytes: &[u8], executable: bool) -> Result<(), CompileError> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let io = |source| CompileError::Io { path: path.to_path_buf(), source };
    let dir = crate::workdir::parent_dir(path);
    // Written in a locked work directory next to `path` (so the rename stays on one file
    // system), which a later write removes if this process is killed (issue 33).
    let work = WorkDir::new_in(&dir, ".wasmc-out").map_err(io)?;
    let tmp = work.path().join("out");
    // Made with mode 0666 (0777 for an executable) less the umask, as `cc` or a shell
    // redirection would make it.
    let mode = if executable { 0o777 } else { 0o666 };
    let mut file =
        std::fs::File::options().write(true).create_new(true).mode(mode).open(&tmp).map_err(io)?;
    file.write_all(bytes).map_err(io)?;
    drop(file);
    refuse_non_regular(path)?;
    std::fs::rename(&tmp, path).map_err(io)?;
    Ok(())
}
