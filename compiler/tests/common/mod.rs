//! Helpers shared by the integration tests.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The `wasmc` binary under test.
pub fn wasmc() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_wasmc"))
}

/// `../shared/programs`, relative to the workspace root.
pub fn programs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/programs")
}

/// Copies directory `from` into `to` (one level of files, recursively for folders).
pub fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let dest = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &dest)?;
        } else {
            std::fs::copy(entry.path(), &dest)?;
            let mut perms = std::fs::metadata(&dest)?.permissions();
            std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o644);
            std::fs::set_permissions(&dest, perms)?;
        }
    }
    Ok(())
}

/// The compilation cache the tests' `wasmc run`s share (under the target directory, never
/// the user's own cache).
pub fn test_cache_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("wasmc-cache")
}

/// Runs `wasmc` with `args` in `dir`, with the `WASMC_*` program variables cleared and the
/// tests' compilation cache ([`test_cache_dir`]) unless `env` names another.
pub fn run_wasmc(dir: &Path, args: &[String], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(wasmc());
    cmd.current_dir(dir).args(args);
    for (k, _) in std::env::vars() {
        if k.starts_with("WASMC_ENV_") || k == "WASMC_PREOPEN" || k == "WASMC_INVOKE" {
            cmd.env_remove(k);
        }
    }
    cmd.env("WASMC_CACHE_DIR", test_cache_dir());
    cmd.env_remove("WASMC_CACHE");
    cmd.env_remove("WASMC_CACHE_MAX");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("wasmc runs")
}

/// Output bytes as text (lossily).
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Runs `cmd`, which must succeed; returns its output.
pub fn ok(cmd: &mut Command) -> Output {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(out.status.success(), "{cmd:?} failed:\n{}{}", text(&out.stdout), text(&out.stderr));
    out
}

/// `wasmc ARGS` in `dir` (the tests' cache, as [`run_wasmc`]), which must succeed; returns
/// its stdout, trimmed.
pub fn wasmc_ok(dir: &Path, args: &[&str]) -> String {
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    let out = run_wasmc(dir, &args, &[]);
    assert!(out.status.success(), "wasmc {args:?}: {}", text(&out.stderr));
    text(&out.stdout).trim_end().to_string()
}
