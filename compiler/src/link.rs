//! Linking a compiled object with the runtime staticlib into an executable, with the system
//! C compiler driver (`cc`, or `$CC`).

use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::error::CompileError;

/// File name of the runtime static library.
pub const RUNTIME_LIB: &str = "libwasmc_runtime.a";

/// Native libraries the Rust standard library in the runtime staticlib needs on Linux
/// (as `rustc --print native-static-libs` reports them).
const NATIVE_LIBS: &[&str] = &["-lgcc_s", "-lutil", "-lrt", "-lpthread", "-lm", "-ldl", "-lc"];

/// Finds the runtime static library: `$WASMC_RUNTIME_LIB`, else next to the running
/// executable (or one directory up, for test binaries under `target/*/deps`).
///
/// # Errors
/// [`CompileError::Link`] naming the places searched.
pub fn find_runtime_lib() -> Result<PathBuf, CompileError> {
    if let Some(p) = std::env::var_os("WASMC_RUNTIME_LIB") {
        let p = PathBuf::from(p);
        if p.is_file() {
            return Ok(p);
        }
        return Err(CompileError::Link(format!("WASMC_RUNTIME_LIB={} is not a file", p.display())));
    }
    let exe = std::env::current_exe().map_err(|e| CompileError::Link(e.to_string()))?;
    let mut tried = Vec::new();
    let mut dir = exe.parent();
    for _ in 0..2 {
        let Some(d) = dir else { break };
        let candidate = d.join(RUNTIME_LIB);
        tried.push(candidate.display().to_string());
        // Inside a cargo target directory the library also exists as a dependency artifact,
        // `deps/libwasmc_runtime-<hash>.a`, which `cargo build -p wasmc` (or a test build)
        // refreshes without refreshing the uplifted copy: take the newest of them all.
        let uplifted = candidate
            .metadata()
            .ok()
            .filter(|m| m.is_file())
            .and_then(|m| m.modified().ok())
            .map(|t| (t, candidate));
        let found = [uplifted, newest_dep_artifact(&d.join("deps"))]
            .into_iter()
            .flatten()
            .max_by_key(|(t, _)| *t);
        if let Some((_, path)) = found {
            return Ok(path);
        }
        dir = d.parent();
    }
    Err(CompileError::Link(format!(
        "cannot find the runtime library (tried {}); build it with `cargo build --release` or set WASMC_RUNTIME_LIB",
        tried.join(", ")
    )))
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

/// The newest `libwasmc_runtime-*.a` in `deps` and its modification time.
fn newest_dep_artifact(deps: &Path) -> Option<(std::time::SystemTime, PathBuf)> {
    let mut best: Option<(std::time::SystemTime, PathBuf)> = None;
    for entry in std::fs::read_dir(deps).ok()?.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with("libwasmc_runtime-") && name.ends_with(".a") {
            let modified = entry.metadata().and_then(|m| m.modified()).ok()?;
            if best.as_ref().is_none_or(|(t, _)| modified > *t) {
                best = Some((modified, entry.path()));
            }
        }
    }
    best
}

/// Links `object` (bytes of an ELF object from [`crate::compile`] with `executable` set) and
/// the runtime library into the executable `out`. The output appears atomically: it is
/// linked under a temporary name in the same directory and renamed. `out` should come from
/// [`output_path`]; an existing `out` that is not a regular file is never replaced.
///
/// # Errors
/// I/O errors, [`CompileError::Output`] for a non-regular `out`, and the linker's own
/// diagnostics.
pub fn link_executable(object: &[u8], runtime_lib: &Path, out: &Path) -> Result<(), CompileError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| CompileError::Io { path, source }
    };
    let dir = match out.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let work = tempfile::Builder::new().prefix(".wasmc-link").tempdir_in(&dir).map_err(io(&dir))?;
    let obj_path = work.path().join("module.o");
    std::fs::write(&obj_path, object).map_err(io(&obj_path))?;
    let tmp_out = work.path().join("a.out");
    let cc = std::env::var_os("CC").unwrap_or_else(|| "cc".into());
    let output = Command::new(&cc)
        .arg("-pie")
        .arg("-o")
        .arg(&tmp_out)
        .arg(&obj_path)
        .arg(runtime_lib)
        .args(["-Wl,-z,noexecstack", "-Wl,--gc-sections", "-Wl,--strip-debug"])
        .args(NATIVE_LIBS)
        .output()
        .map_err(|e| CompileError::Link(format!("cannot run `{}`: {e}", cc.to_string_lossy())))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let first: Vec<&str> = stderr.lines().take(20).collect();
        return Err(CompileError::Link(first.join("\n")));
    }
    refuse_non_regular(out)?;
    std::fs::rename(&tmp_out, out).map_err(io(out))?;
    Ok(())
}

/// Writes `bytes` to `path` atomically (temporary file in the same directory, then rename).
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
    let io = |source| CompileError::Io { path: path.to_path_buf(), source };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    // Made with mode 0666 (0777 for an executable) less the umask, as `cc` or a shell
    // redirection would make it (tempfile's default is 0600).
    let mode = if executable { 0o777 } else { 0o666 };
    let mut tmp = tempfile::Builder::new()
        .prefix(".wasmc-out")
        .permissions(std::os::unix::fs::PermissionsExt::from_mode(mode))
        .tempfile_in(&dir)
        .map_err(io)?;
    tmp.write_all(bytes).map_err(io)?;
    refuse_non_regular(path)?;
    tmp.persist(path).map_err(|e| io(e.error))?;
    Ok(())
}
