//! Builds the runtime that `wasmc` links into every program and embeds it in the binary
//! (issue 14), so that `wasmc` works wherever it is copied or installed, and always links
//! the runtime built with it, never a guess found on disk.
//!
//! Steps, all in `OUT_DIR`:
//! 1. The runtime staticlib: `$WASMC_EMBED_RUNTIME_LIB` if set (a `libwasmc_runtime.a`
//!    built elsewhere), else built now by a nested `cargo build --release -p wasmc-runtime`
//!    of this workspace into its own target directory (`OUT_DIR/runtime-target`, kept
//!    between builds, so a rebuild only recompiles what changed). Nested, because Cargo
//!    cannot make one package's staticlib an input of another's build on stable.
//! 2. Prelinked into one relocatable object ([`PRELINK`]): only what `wasmc_main` and the
//!    C embedding API (every function `runtime/include/wasmc.h` declares) reach,
//!    no debug information, no LLVM bitcode, sections merged ([`MERGE_SCRIPT`]). The 26 MB
//!    archive becomes about 1.5 MB, and a link against it takes a quarter of the time.
//! 3. Wrapped in a one-member archive, `libwasmc_runtime.a`, which `src/link.rs` embeds,
//!    with a copy of the header, `wasmc.h` (`wasmc --print-include-dir`).
//!
//! Needs `ld`, `objcopy` and `ar` (binutils) at build time, as linking needs `cc` later.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The linker script of the prelink's last step: it merges the thousands of per-function
/// sections (`.text.*`, `.rodata.*`, ...) into one per kind, so the final link handles a
/// few large sections (a quarter less time than linking the unmerged object). Thread-local
/// data stays in `.tdata`/`.tbss`, and initialisers stay sorted by priority; other
/// sections (`.eh_frame`, notes) pass through.
const MERGE_SCRIPT: &str = "SECTIONS {
  .text : { *(.text .text.*) }
  .rodata : { *(.rodata .rodata.*) }
  .data.rel.ro : { *(.data.rel.ro .data.rel.ro.*) }
  .data : { *(.data .data.*) }
  .bss : { *(.bss .bss.*) }
  .tdata : { *(.tdata .tdata.*) }
  .tbss : { *(.tbss .tbss.*) }
  .init_array : { KEEP(*(SORT_BY_INIT_PRIORITY(.init_array.*) .init_array)) }
  .gcc_except_table : { *(.gcc_except_table .gcc_except_table.*) }
}
";

/// The prelink's first step: `ld -r` keeping only what the entry point reaches (compiled
/// code calls the runtime through the vmctx; a compiled object's only undefined symbol is
/// `wasmc_main`), without debug information.
const PRELINK: &[&str] = &["-r", "--gc-sections", "-u", "wasmc_main", "--strip-debug"];

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("set by cargo"));
    let workspace = manifest.parent().expect("compiler/ is inside the workspace").to_path_buf();
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=WASMC_EMBED_RUNTIME_LIB");
    let lib = match std::env::var_os("WASMC_EMBED_RUNTIME_LIB") {
        Some(lib) => PathBuf::from(lib),
        None => {
            for input in ["runtime", "gc", "Cargo.lock", "Cargo.toml"] {
                println!("cargo:rerun-if-changed={}", workspace.join(input).display());
            }
            build_runtime(&workspace, &out)
        }
    };
    let header = workspace.join("runtime/include/wasmc.h");
    println!("cargo:rerun-if-changed={}", header.display());
    let header = std::fs::read_to_string(&header).expect("runtime/include/wasmc.h is readable");
    std::fs::write(out.join("wasmc.h"), &header).expect("OUT_DIR is writable");
    let object = out.join("runtime.o");
    prelink(&lib, &object, &out, &api_functions(&header));
    let archive = out.join("libwasmc_runtime.a");
    let _ = std::fs::remove_file(&archive);
    run(Command::new(tool("AR", "ar")).arg("rcs").arg(&archive).arg(&object));
}

/// Builds the runtime staticlib of `workspace` with a nested Cargo; returns its path.
fn build_runtime(workspace: &Path, out: &Path) -> PathBuf {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let target_dir = out.join("runtime-target");
    let mut cmd = Command::new(cargo);
    cmd.args(["build", "--release", "--lib", "-p", "wasmc-runtime", "--manifest-path"])
        .arg(workspace.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(&target_dir);
    if workspace.join("Cargo.lock").is_file() {
        cmd.arg("--locked");
    }
    // A `cargo clippy` or `cargo check` of the workspace runs this script too: its wrapper
    // and lint flags are for the outer build, not for making the runtime. Nor are the
    // flags Cargo gives build scripts for the outer target (`CARGO_ENCODED_RUSTFLAGS`: under
    // `cargo fuzz`, coverage instrumentation), which would outrank `RUSTFLAGS` and the
    // configuration files the nested Cargo reads as any build does: the runtime goes into
    // users' programs.
    for var in [
        "RUSTC_WORKSPACE_WRAPPER",
        "CLIPPY_ARGS",
        "CLIPPY_CONF_DIR",
        "CARGO_TARGET_DIR",
        "CARGO_ENCODED_RUSTFLAGS",
    ] {
        cmd.env_remove(var);
    }
    // Cargo reads a build script's standard output for its instructions: the nested
    // Cargo's (it prints its progress on standard error) must not reach it.
    cmd.stdout(std::process::Stdio::null());
    run(&mut cmd);
    target_dir.join("release").join("libwasmc_runtime.a")
}

/// The functions a C header declares: every `wasmc_*` identifier followed by `(`.
fn api_functions(header: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = header;
    while let Some(at) = rest.find("wasmc_") {
        let preceded = header.len() - rest.len() + at;
        let word_start = preceded == 0
            || !header.as_bytes()[preceded - 1].is_ascii_alphanumeric()
                && header.as_bytes()[preceded - 1] != b'_';
        let len =
            rest[at..].bytes().take_while(|b| b.is_ascii_alphanumeric() || *b == b'_').count();
        let name = &rest[at..at + len];
        if word_start && rest[at + len..].starts_with('(') && !names.iter().any(|n| n == name) {
            names.push(name.to_string());
        }
        rest = &rest[at + len..];
    }
    names
}

/// Prelinks the staticlib `lib` into the relocatable object `object` (see the module
/// documentation), keeping `roots` besides `wasmc_main`, with scratch files in `out`.
fn prelink(lib: &Path, object: &Path, out: &Path, roots: &[String]) {
    let full = out.join("runtime-full.o");
    let mut ld = Command::new(tool("LD", "ld"));
    ld.args(PRELINK);
    for root in roots {
        ld.arg("-u").arg(root);
    }
    run(ld.arg("-o").arg(&full).arg(lib));
    let stripped = out.join("runtime-stripped.o");
    run(Command::new(tool("OBJCOPY", "objcopy"))
        .args(["-R", ".llvmbc", "-R", ".llvmcmd"])
        .arg(&full)
        .arg(&stripped));
    let script = out.join("merge.ld");
    std::fs::write(&script, MERGE_SCRIPT).expect("OUT_DIR is writable");
    run(Command::new(tool("LD", "ld"))
        .arg("-r")
        .arg("-T")
        .arg(&script)
        .arg("-o")
        .arg(object)
        .arg(&stripped));
    // Scratch files of 10 MB and 2 MB; only `object` is needed from here on.
    let _ = std::fs::remove_file(full);
    let _ = std::fs::remove_file(stripped);
}

/// A binutils program: `$NAME` if set, else `default`.
fn tool(var: &str, default: &str) -> std::ffi::OsString {
    println!("cargo:rerun-if-env-changed={var}");
    std::env::var_os(var).unwrap_or_else(|| default.into())
}

/// Runs `cmd`, failing the build with its output if it fails.
fn run(cmd: &mut Command) {
    let status = cmd.status().unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    assert!(status.success(), "{cmd:?} failed ({status})");
}
