//! The `wasmc` command and the executables it builds must not crash the host or destroy
//! files (issue 11): knobs are range-checked, outputs never replace the input or a
//! non-regular file, module-provided names are printed escaped, start-up failures are
//! errors (exit 1) with short messages, address-space reservations fail clearly, and
//! `wasmc run` leaves neither orphan processes nor temporary files.

mod common;

use std::os::unix::fs::FileTypeExt;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::wasmc;

/// A WASI command that prints `hello` (one linear memory, no GC types).
const HELLO: &str = r#"(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "hello\n")
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 6))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))"#;

/// Recurses without end: must trap with "call stack exhausted".
const RECURSE: &str = r#"(module
  (func $forever (export "_start") (call $forever)))"#;

/// Loops without end.
const SPIN: &str = r#"(module (func (export "_start") (loop $l (br $l))))"#;

/// Allocates one GC struct (so it needs the GC heap), no linear memory.
const GC_STRUCT: &str = r#"(module
  (type $pair (struct (field i64) (field i64)))
  (global $keep (mut (ref null $pair)) (ref.null $pair))
  (func (export "_start")
    (global.set $keep (struct.new $pair (i64.const 1) (i64.const 2)))))"#;

/// A fresh directory holding `files` (name, contents).
fn dir_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary directory");
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).expect("write fixture");
    }
    dir
}

/// Runs `wasmc ARGS` in `dir` with the program variables cleared.
fn run(dir: &Path, args: &[&str]) -> Output {
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    common::run_wasmc(dir, &args, &[])
}

/// Runs an executable with `env` added and the `WASMC_*` variables cleared.
fn run_exe(exe: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(exe);
    cmd.args(args);
    for (k, _) in std::env::vars() {
        if k.starts_with("WASMC_") {
            cmd.env_remove(k);
        }
    }
    cmd.envs(env.iter().copied());
    cmd.output().expect("the program runs")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Compiles `dir/file` to `dir/name` and returns its path.
fn build(dir: &Path, file: &str, name: &str) -> PathBuf {
    let out = run(dir, &[file, "-o", name]);
    assert!(out.status.success(), "wasmc {file}: {}", stderr(&out));
    dir.join(name)
}

/// Asserts that `out` is a start-up error: exit 1 and one line of stderr that contains
/// every part of `expect`.
fn expect_error(out: &Output, expect: &[&str]) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(1), "status {:?}, stderr: {err}", out.status);
    assert_eq!(err.lines().count(), 1, "one line expected: {err}");
    for part in expect {
        assert!(err.contains(part), "`{part}` not in: {err}");
    }
}

// ---- 1. knobs ----

/// `WASMC_STACK_SIZE=usize::MAX` wrapped `stack_size + HOST_STACK`, the stack limit
/// saturated to 0 and infinite recursion ended in SIGSEGV.
#[test]
fn issue_11_huge_stack_size_is_an_error_not_a_crash() {
    let dir = dir_with(&[("recurse.wat", RECURSE)]);
    let exe = build(dir.path(), "recurse.wat", "recurse");
    let out = run_exe(&exe, &[], &[("WASMC_STACK_SIZE", "18446744073709551615")]);
    expect_error(&out, &["WASMC_STACK_SIZE=18446744073709551615", "65536", "4294967296"]);
    let out = run_exe(&exe, &[], &[("WASMC_STACK_SIZE", "1M")]);
    assert_eq!(out.status.code(), Some(134), "{}", stderr(&out));
    assert!(stderr(&out).contains("call stack exhausted"), "{}", stderr(&out));
}

#[test]
fn issue_11_every_knob_is_range_checked() {
    let dir = dir_with(&[("hello.wat", HELLO)]);
    let exe = build(dir.path(), "hello.wat", "hello");
    let cases = [
        ("WASMC_STACK_SIZE", "4097M", "to 4294967296 (4G)"),
        ("WASMC_STACK_SIZE", "100", "from 65536 (64K)"),
        ("WASMC_GC_HEAP", "18446744073709551615", "to 1099511627776 (1T)"),
        ("WASMC_GC_HEAP", "16M:16777216T", "to 1099511627776 (1T)"),
        ("WASMC_GC_HEAP", "64M:1M", "INITIAL is larger than MAX"),
        ("WASMC_GC_STRESS", "0", "from 1 to 4294967295"),
        ("WASMC_GC_STRESS", "99999999999", "from 1 to 4294967295"),
        ("WASMC_GC_POISON", "2", "expected 0 or 1"),
        ("WASMC_GC_VERIFY", "yes please", "expected 0 or 1"),
        ("WASMC_GC_STATS", "-1", "expected 0 or 1"),
        ("WASMC_DETERMINISTIC", "10", "expected 0 or 1"),
    ];
    for (k, v, allowed) in cases {
        let out = run_exe(&exe, &[], &[(k, v)]);
        expect_error(&out, &[&format!("{k}={v}: "), allowed]);
        assert!(out.stdout.is_empty(), "{k}={v}: the program ran");
    }
    let out = run_exe(&exe, &[], &[("WASMC_GC_HEAP", "1T"), ("WASMC_STACK_SIZE", "64K")]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "hello\n", "{}", stderr(&out));
}

// ---- 2. output files ----

fn assert_unchanged(path: &Path, text: &str) {
    assert_eq!(std::fs::read_to_string(path).expect("input still there"), text);
}

/// `wasmc x.wat -o x.wat` (or `-c`, or through a symbolic or hard link) overwrote the
/// input; at other times it silently wrote `x.out`.
#[test]
fn issue_11_the_input_is_never_overwritten() {
    let dir = dir_with(&[("x.wat", HELLO)]);
    let d = dir.path();
    std::os::unix::fs::symlink("x.wat", d.join("link")).unwrap();
    std::fs::hard_link(d.join("x.wat"), d.join("hard")).unwrap();
    for args in [
        &["x.wat", "-o", "x.wat"][..],
        &["x.wat", "-o", "./x.wat"],
        &["x.wat", "-o", "link"],
        &["x.wat", "-o", "hard"],
        &["-c", "x.wat", "-o", "x.wat"],
        &["--emit", "obj", "x.wat", "-o", "link"],
        &["--emit", "clif", "x.wat", "-o", "x.wat"],
        &["link", "-o", "x.wat"],
    ] {
        let out = run(d, args);
        expect_error(&out, &["refusing to write the output", "it is the input file"]);
        assert_unchanged(&d.join("x.wat"), HELLO);
        assert!(std::fs::symlink_metadata(d.join("link")).unwrap().file_type().is_symlink());
    }
    // The default name of an input without extension is the input itself.
    std::fs::write(d.join("noext"), HELLO).unwrap();
    expect_error(&run(d, &["noext"]), &["it is the input file", "-o"]);
    assert_unchanged(&d.join("noext"), HELLO);
    let names: Vec<_> = std::fs::read_dir(d).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names.len(), 4, "no other file may appear: {names:?}");
}

/// `wasmc x.wasm -o /dev/full` run as root replaced the device node with the executable.
/// Tested on a FIFO, a directory and (when we may create one, as root) a character device
/// like /dev/full made in a temporary directory.
#[test]
fn issue_11_a_non_regular_output_is_never_replaced() {
    let dir = dir_with(&[("x.wat", HELLO)]);
    let d = dir.path();
    let mkfifo = Command::new("mkfifo").arg(d.join("fifo")).status().expect("mkfifo");
    assert!(mkfifo.success());
    std::fs::create_dir(d.join("subdir")).unwrap();
    let mut targets = vec![("fifo", "a FIFO"), ("subdir", "a directory")];
    let mknod = Command::new("mknod").arg(d.join("full")).args(["c", "1", "7"]).status();
    if mknod.is_ok_and(|s| s.success()) {
        targets.push(("full", "a character device"));
    }
    std::os::unix::fs::symlink("fifo", d.join("to-fifo")).unwrap();
    targets.push(("to-fifo", "a FIFO"));
    for (name, kind) in targets {
        for mode in [&[][..], &["-c"], &["--emit", "clif"]] {
            let mut args = mode.to_vec();
            args.extend(["x.wat", "-o", name]);
            let out = run(d, &args);
            expect_error(&out, &["refusing to write the output", kind, "not a regular file"]);
            let t = std::fs::symlink_metadata(d.join(name)).unwrap().file_type();
            assert!(!t.is_file(), "{name} was replaced by a regular file");
        }
    }
    assert!(std::fs::metadata(d.join("fifo")).unwrap().file_type().is_fifo());
}

#[test]
fn outputs_are_written_in_every_mode() {
    let dir = dir_with(&[("x.wat", HELLO), ("other", "old")]);
    let d = dir.path();
    std::os::unix::fs::symlink("other", d.join("link")).unwrap();
    // A symbolic link to a regular file: the file is replaced, the link stays.
    assert!(run(d, &["x.wat", "-o", "link"]).status.success());
    assert!(std::fs::symlink_metadata(d.join("link")).unwrap().file_type().is_symlink());
    let out = run_exe(&d.join("link"), &[], &[]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "hello\n");
    assert!(run(d, &["-c", "x.wat"]).status.success());
    assert!(std::fs::read(d.join("x.o")).unwrap().starts_with(b"\x7fELF"));
    assert!(run(d, &["x.wat"]).status.success());
    assert!(std::fs::read(d.join("x")).unwrap().starts_with(b"\x7fELF"));
    assert!(run(d, &["--emit", "clif", "x.wat", "-o", "x.clif"]).status.success());
    let clif = std::fs::read_to_string(d.join("x.clif")).unwrap();
    assert!(clif.starts_with(";; function "), "{clif}");
    let out = run(d, &["--emit", "clif", "x.wat"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), clif);
}

/// Outputs get mode 0666 less the umask (an object once got 0644 whatever the umask, so
/// replacing a private 0600 object made it world-readable).
#[test]
fn outputs_follow_the_umask() {
    use std::os::unix::fs::PermissionsExt;
    let dir = dir_with(&[("x.wat", HELLO)]);
    let d = dir.path();
    for (umask, object) in [("077", 0o600), ("022", 0o644)] {
        let status = Command::new("sh")
            .current_dir(d)
            .arg("-c")
            .arg(format!("umask {umask} && exec \"$0\" -c x.wat"))
            .arg(wasmc())
            .status()
            .unwrap();
        assert!(status.success());
        let mode = |f: &str| std::fs::metadata(d.join(f)).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode("x.o"), object, "umask {umask}");
        std::fs::remove_file(d.join("x.o")).unwrap();
    }
}

// ---- 3. names from the module are data ----

/// Function names were printed raw in trap backtraces: a newline forged frames, ANSI
/// escapes reached the terminal.
#[test]
fn issue_11_names_in_backtraces_are_escaped() {
    let wat = r#"(module
      (func $inner (@name "inner\n     1: forged_frame\1b[2J\e2\80\ae") unreachable)
      (func $outer (export "_start") (call $inner)))"#;
    let dir = dir_with(&[("names.wat", wat)]);
    let exe = build(dir.path(), "names.wat", "names");
    let out = run_exe(&exe, &[], &[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(134), "{err}");
    assert_eq!(
        err,
        "wasm trap: unreachable\nwasm backtrace:\n     0: inner\\n     1: \
         forged_frame\\u{1b}[2J\\u{202e}\n     1: outer\n"
    );
    // The same names in `--emit clif` output.
    let out = run(dir.path(), &["--emit", "clif", "names.wat"]);
    let clif = String::from_utf8_lossy(&out.stdout);
    assert!(clif.contains(";; function inner\\n     1: forged_frame\\u{1b}"), "{clif}");
    assert!(!clif.contains('\x1b'));
}

#[test]
fn issue_11_tag_and_import_names_are_escaped() {
    let wat = r#"(module
      (tag $t (export "tag\n\1b]0;pwned\07"))
      (func (export "_start") (throw $t)))"#;
    let dir = dir_with(&[("tag.wat", wat)]);
    let exe = build(dir.path(), "tag.wat", "tag");
    let out = run_exe(&exe, &[], &[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(134), "{err}");
    assert!(
        err.starts_with("wasm exception: uncaught (tag `tag\\n\\u{1b}]0;pwned\\u{7}`)\n"),
        "{err}"
    );
    assert!(!err.contains('\x1b'));
    let wat = r#"(module (import "env\n\1b[31m" "f\n" (func)) (func (export "_start")))"#;
    let dir = dir_with(&[("import.wat", wat)]);
    let exe = build(dir.path(), "import.wat", "import");
    let out = run_exe(&exe, &[], &[]);
    expect_error(&out, &["env\\n\\u{1b}[31m"]);
    assert!(!stderr(&out).contains('\x1b'));
}

// ---- 4. messages ----

/// A `_start` of the wrong type was a trap (`expected 1 arguments, got 0`, exit 134),
/// though no code ran.
#[test]
fn issue_11_a_start_of_the_wrong_type_is_an_error() {
    let wat = r#"(module (func (export "_start") (param i32) (result i64) (i64.const 1))
                          (func (export "add") (param i32 i32) (result i32)
                            (i32.add (local.get 0) (local.get 1))))"#;
    let dir = dir_with(&[("start.wat", wat)]);
    let exe = build(dir.path(), "start.wat", "start");
    expect_error(&run_exe(&exe, &[], &[]), &["`_start` has type [i32] -> [i64]"]);
    let invoke = |args: &[&str]| run_exe(&exe, args, &[("WASMC_INVOKE", "add")]);
    let out = invoke(&["2", "40"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "42\n", "{}", stderr(&out));
    expect_error(&invoke(&["2"]), &["WASMC_INVOKE=add", "takes 2 arguments, 1 given"]);
    expect_error(&invoke(&["2", "forty\x1b"]), &["cannot parse `forty\\u{1b}` as i32"]);
    let out = run_exe(&exe, &[], &[("WASMC_INVOKE", "nope\n")]);
    expect_error(&out, &["no exported function `nope\\n`"]);
}

/// A binary with a bad magic number was "an invalid text module"; a text error echoed the
/// whole offending line.
#[test]
fn issue_11_input_errors_are_short_and_say_what_is_wrong() {
    let dir = dir_with(&[]);
    let d = dir.path();
    let elf: Vec<u8> = std::fs::read(wasmc()).unwrap().into_iter().take(4096).collect();
    std::fs::write(d.join("elf.wasm"), elf).unwrap();
    std::fs::write(d.join("zeros.wasm"), [0u8; 64]).unwrap();
    for file in ["elf.wasm", "zeros.wasm"] {
        let out = run(d, &[file]);
        expect_error(&out, &["not a WebAssembly module: bad magic number at byte offset 0"]);
    }
    let long =
        format!("(module (func {}bogus {}))\n", "nop ".repeat(2_500_000), "nop ".repeat(100));
    std::fs::write(d.join("long.wat"), long).unwrap();
    let out = run(d, &["long.wat"]);
    expect_error(
        &out,
        &["invalid text module: 1:10000015: ", ": `...nop nop ", "nop bogus nop", "...`"],
    );
    assert!(out.stderr.len() < 600, "{} bytes of message", out.stderr.len());
    // Quoted text is escaped once, and the terminal sees no control character.
    std::fs::write(d.join("bidi.wat"), "(module (func $a\u{202e} (bogus)))").unwrap();
    let out = run(d, &["bidi.wat"]);
    expect_error(&out, &["invalid text module: 1:", "`(module (func $a\\u{202e} (bogus)))`"]);
    assert!(!stderr(&out).contains("\\\\u"), "escaped twice: {}", stderr(&out));
}

// ---- 5. reservations ----

/// Runs `exe` under `ulimit -v KIB` (in a `sh -c` child) with `env`.
fn run_limited(exe: &Path, kib: u64, env: &[(&str, &str)]) -> Output {
    let script = format!("ulimit -v {kib} && exec \"$0\"");
    let mut cmd = Command::new("sh");
    cmd.arg("-c").arg(script).arg(exe);
    for (k, _) in std::env::vars() {
        if k.starts_with("WASMC_") {
            cmd.env_remove(k);
        }
    }
    cmd.envs(env.iter().copied()).output().expect("sh runs")
}

/// The executable reserved a GC heap even for a module without GC types: under
/// `ulimit -v 9000000` `hello` failed to start.
#[test]
fn issue_11_hello_runs_under_ulimit_v() {
    let dir = dir_with(&[("hello.wat", HELLO), ("gc.wat", GC_STRUCT)]);
    let hello = build(dir.path(), "hello.wat", "hello");
    let out = run_limited(&hello, 9_000_000, &[]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "hello\n", "{}", stderr(&out));
    assert_eq!(out.status.code(), Some(0));
    // Too little for the 8 GiB reservation of a memory: a clear error, not a crash.
    let out = run_limited(&hello, 4_000_000, &[]);
    expect_error(&out, &["cannot reserve 8 GiB of address space for a linear memory", "ulimit -v"]);
    // A GC module reserves its heap at start-up: clear error, or a smaller heap runs.
    let gc = build(dir.path(), "gc.wat", "gc");
    let out = run_limited(&gc, 2_000_000, &[]);
    expect_error(&out, &["cannot reserve 2 x 2147483648 bytes of address space for the GC heap"]);
    let out = run_limited(&gc, 2_000_000, &[("WASMC_GC_HEAP", "1M:64M")]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

// ---- 6. `wasmc run` leaves no orphans ----

/// `(pid, parent pid)` of every process.
fn processes() -> Vec<(u32, u32)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir("/proc").expect("/proc").flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else { continue };
        // `pid (comm) state ppid ...`; comm may hold spaces and parentheses.
        let Some(rest) = stat.rfind(')').map(|i| &stat[i + 1..]) else { continue };
        if let Some(ppid) = rest.split_whitespace().nth(1).and_then(|s| s.parse().ok()) {
            out.push((pid, ppid));
        }
    }
    out
}

/// Whether process `pid` exists and is not a zombie.
fn alive(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => stat.rfind(')').is_some_and(|i| !stat[i + 1..].trim_start().starts_with('Z')),
        Err(_) => false,
    }
}

/// The processes of the tree rooted at `root` whose `argv[0]` is `arg0`.
fn programs_under(root: u32, arg0: &str) -> Vec<u32> {
    let procs = processes();
    let mut tree = vec![root];
    let mut i = 0;
    while i < tree.len() {
        let parent = tree[i];
        tree.extend(procs.iter().filter(|(_, pp)| *pp == parent).map(|(p, _)| *p));
        i += 1;
    }
    tree.into_iter()
        .filter(|p| {
            let cmdline = std::fs::read(format!("/proc/{p}/cmdline")).unwrap_or_default();
            cmdline.split(|b| *b == 0).next() == Some(arg0.as_bytes())
        })
        .collect()
}

/// Starts `wasmc run spin.wat` with `TMPDIR` in `tmp` and waits until the program runs;
/// returns the child and the program's processes.
fn start_spinning(dir: &Path, tmp: &Path) -> (std::process::Child, Vec<u32>) {
    let mut child = Command::new(wasmc())
        .current_dir(dir)
        .args(["run", "spin.wat"])
        .env("TMPDIR", tmp)
        .env("WASMC_CACHE_DIR", common::test_cache_dir())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("wasmc runs");
    let deadline = Instant::now() + Duration::from_secs(600);
    loop {
        let programs = programs_under(child.id(), "spin.wat");
        if !programs.is_empty() {
            return (child, programs);
        }
        assert!(child.try_wait().unwrap().is_none(), "wasmc run ended early");
        assert!(Instant::now() < deadline, "the program did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn assert_gone(programs: &[u32]) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while programs.iter().any(|p| alive(*p)) {
        if Instant::now() > deadline {
            for p in programs.iter().filter(|p| alive(**p)) {
                // SAFETY: kills the orphaned program this test started (so a failing run
                // leaves nothing spinning).
                unsafe { libc::kill(*p as i32, libc::SIGKILL) };
            }
            panic!("the program outlived `wasmc run`: {programs:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// When `wasmc run` was killed (a harness timeout sends SIGKILL), the program kept running,
/// parented to init, and the temporary directory stayed.
#[test]
fn issue_11_killing_wasmc_run_kills_the_program() {
    let dir = dir_with(&[("spin.wat", SPIN)]);
    let tmp = tempfile::tempdir().unwrap();
    let (mut child, programs) = start_spinning(dir.path(), tmp.path());
    child.kill().unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.signal(), Some(libc::SIGKILL));
    assert_gone(&programs);
    let left: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
    assert!(left.is_empty(), "temporary files left: {left:?}");
}

#[test]
fn issue_11_sigterm_to_wasmc_run_ends_the_program() {
    let dir = dir_with(&[("spin.wat", SPIN)]);
    let tmp = tempfile::tempdir().unwrap();
    let (mut child, programs) = start_spinning(dir.path(), tmp.path());
    // SAFETY: sends a signal to our own child, which has not been reaped.
    assert_eq!(unsafe { libc::kill(child.id() as i32, libc::SIGTERM) }, 0);
    let status = child.wait().unwrap();
    assert_eq!(status.signal(), Some(libc::SIGTERM), "{status:?}");
    assert_gone(&programs);
}

#[test]
fn wasmc_run_exit_status_is_the_programs() {
    let wat = r#"(module
      (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
      (func (export "_start") (call $exit (i32.const 7))))"#;
    let dir = dir_with(&[("exit.wat", wat)]);
    let tmp = tempfile::tempdir().unwrap();
    let out = Command::new(wasmc())
        .current_dir(dir.path())
        .args(["run", "exit.wat"])
        .env("TMPDIR", tmp.path())
        .env("WASMC_CACHE_DIR", common::test_cache_dir())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(7), "{}", stderr(&out));
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0);
}

/// A C compiler driver that never finishes: it records its pid (`cc.pid`) and that of a
/// `sleep` child of its own (`child.pid`, as GCC's driver runs `collect2`) in the directory
/// `$FAKE_CC_PIDS`, then waits for the child.
const SLOW_CC: &str = "#!/bin/sh
echo $$ > \"$FAKE_CC_PIDS/cc.tmp\" && mv \"$FAKE_CC_PIDS/cc.tmp\" \"$FAKE_CC_PIDS/cc.pid\"
sleep 300 &
echo $! > \"$FAKE_CC_PIDS/child.tmp\" && mv \"$FAKE_CC_PIDS/child.tmp\" \"$FAKE_CC_PIDS/child.pid\"
wait
";

/// Starts `wasmc ARGS` in `dir` with `$CC` the [`SLOW_CC`] script (in `dir`), `TMPDIR` and the
/// cache in `tmp`, waits until the script and its child run, kills wasmc with SIGKILL and
/// asserts that both processes are gone within a few seconds (before the fix they ran on,
/// parented to init).
fn kill_wasmc_while_it_links(dir: &Path, tmp: &Path, args: &[&str]) {
    use std::os::unix::fs::PermissionsExt;
    let cc = dir.join("slow-cc");
    std::fs::write(&cc, SLOW_CC).unwrap();
    std::fs::set_permissions(&cc, std::fs::Permissions::from_mode(0o755)).unwrap();
    let pids = tempfile::tempdir().unwrap();
    let mut child = Command::new(wasmc())
        .current_dir(dir)
        .args(args)
        .env("CC", &cc)
        .env("FAKE_CC_PIDS", pids.path())
        .env("TMPDIR", tmp)
        .env("WASMC_CACHE_DIR", tmp.join("cache"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("wasmc runs");
    let read_pid = |name: &str| -> Option<u32> {
        std::fs::read_to_string(pids.path().join(name)).ok()?.trim().parse().ok()
    };
    let deadline = Instant::now() + Duration::from_secs(600);
    let (cc_pid, child_pid) = loop {
        if let (Some(a), Some(b)) = (read_pid("cc.pid"), read_pid("child.pid")) {
            break (a, b);
        }
        assert!(child.try_wait().unwrap().is_none(), "wasmc ended before linking");
        assert!(Instant::now() < deadline, "the C compiler driver did not start");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(alive(cc_pid) && alive(child_pid));
    child.kill().unwrap();
    assert_eq!(child.wait().unwrap().signal(), Some(libc::SIGKILL));
    assert_gone(&[cc_pid, child_pid]);
}

/// The names in `dir` that start with `prefix`.
fn names_with_prefix(dir: &Path, prefix: &str) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    entries
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(prefix))
        .collect()
}

/// Issue 33 item 4: SIGKILL of `wasmc run` while it links a cache miss orphaned the C
/// compiler driver and its children, and left its `wasmc-build*` work directory in
/// `$TMPDIR` for good; the next run removes it.
#[test]
fn issue_33_killing_wasmc_run_while_it_links_leaves_no_process_or_directory() {
    let dir = dir_with(&[("hello.wat", HELLO)]);
    let tmp = tempfile::tempdir().unwrap();
    // Killed while it asks the driver for the linker's command line (`cc -###`), and, with
    // no cache, while the driver links (each run removes the one killed before).
    for args in [&["run", "hello.wat"][..], &["run", "--no-cache", "hello.wat"]] {
        kill_wasmc_while_it_links(dir.path(), tmp.path(), args);
        assert_eq!(names_with_prefix(tmp.path(), "wasmc-build").len(), 1, "the killed run's");
    }
    let out = Command::new(wasmc())
        .current_dir(dir.path())
        .args(["run", "hello.wat"])
        .env("TMPDIR", tmp.path())
        .env("WASMC_CACHE_DIR", tmp.path().join("cache"))
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "hello\n", "{}", stderr(&out));
    let left: Vec<String> = std::fs::read_dir(tmp.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left, ["cache"], "left in TMPDIR");
    let cache = tmp.path().join("cache");
    let left =
        [names_with_prefix(&cache, ".wasmc"), names_with_prefix(&cache.join("runtime"), ".wasmc")];
    assert!(left.iter().all(|l| l.is_empty()), "left in the cache: {left:?}");
}

/// Issue 33 item 4, `wasmc -o`: the link's `.wasmc-link*` work directory next to the output
/// stayed when wasmc was killed; the next link in that directory removes it.
#[test]
fn issue_33_killing_wasmc_while_it_links_an_output_leaves_no_directory() {
    let dir = dir_with(&[("hello.wat", HELLO)]);
    let tmp = tempfile::tempdir().unwrap();
    kill_wasmc_while_it_links(dir.path(), tmp.path(), &["hello.wat", "-o", "hello"]);
    assert_eq!(names_with_prefix(dir.path(), ".wasmc-link").len(), 1, "the killed link's");
    let out = Command::new(wasmc())
        .current_dir(dir.path())
        .args(["hello.wat", "-o", "hello"])
        .env("TMPDIR", tmp.path())
        .env("WASMC_CACHE_DIR", tmp.path().join("cache"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(names_with_prefix(dir.path(), ".wasmc"), Vec::<String>::new());
    assert_eq!(run_exe(&dir.path().join("hello"), &[], &[]).stdout, b"hello\n");
}

// ---- symbols (issue 13) ----

/// `nm` of an executable lists the Wasm names of a Kotlin program's functions, as
/// `wasm[MODULE]::NAME` (emit.rs `Symbols`).
#[test]
fn issue_13_symbols_carry_wasm_names() {
    let dir = tempfile::tempdir().unwrap();
    let wasm = common::programs_dir().join("kotlin-wasi/binarytrees/binarytrees.wasm");
    let exe = dir.path().join("bt");
    let out = run(dir.path(), &[wasm.to_str().unwrap(), "-o", exe.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let nm = Command::new("nm").arg(&exe).output().expect("nm runs");
    let syms = String::from_utf8_lossy(&nm.stdout);
    for name in ["Node.<init>", "check", "make", "wasm_gc_adapter"] {
        let sym = format!(" t wasm[<binarytrees>]::{name}\n");
        assert!(syms.contains(&sym), "`{sym}` not in nm's output");
    }
    assert!(!syms.contains("wasm_func_"), "an unnamed function symbol");
}

/// Duplicate names get `#N`, characters that break tools become `_`, unnamed functions are
/// `func[N]`, and the module name comes from the name section or the file.
#[test]
fn issue_13_symbols_are_unique_and_sanitised() {
    let wat = r#"(module $my
      (func (@name "dup") (export "a"))
      (func (@name "dup") (export "b"))
      (func $"with space\09and 'quote'" (export "c"))
      (func (export "d")))"#;
    let dir = dir_with(&[("named.wat", wat), ("plain.wat", "(module (func (export \"f\")))")]);
    for (file, expect) in [
        (
            "named",
            &[
                "wasm[my]::dup",
                "wasm[my]::dup#1",
                "wasm[my]::with_space_and__quote_",
                "wasm[my]::func[3]",
            ][..],
        ),
        ("plain", &["wasm[plain]::func[0]", "wasm[plain]::array_to_wasm[0]"][..]),
    ] {
        let out = run(dir.path(), &["-c", &format!("{file}.wat")]);
        assert!(out.status.success(), "{}", stderr(&out));
        let nm = Command::new("nm").arg(dir.path().join(format!("{file}.o"))).output().unwrap();
        let syms: Vec<String> = String::from_utf8_lossy(&nm.stdout)
            .lines()
            .filter_map(|l| l.split_once(" t ").map(|(_, s)| s.to_string()))
            .collect();
        for e in expect {
            assert!(syms.iter().any(|s| s == e), "`{e}` not in {syms:?}");
        }
    }
}

/// A name section may name functions like the trampolines and adapters, or like the `#N`
/// a duplicate gets (issue 33's round of hostile names): the module still compiles, with
/// every symbol distinct.
#[test]
fn issue_33_function_names_cannot_take_the_symbols_of_others() {
    let wat = r#"(module $m
      (func (@name "a#2") (export "a"))
      (func (@name "a") (export "b"))
      (func (@name "a") (export "c"))
      (func (@name "wasm_gc_adapter") (export "d"))
      (func (@name "wasm_throw_adapter") (export "e"))
      (func (@name "array_to_wasm[0]") (export "f"))
      (func (@name "wasm_to_host[0]") (export "g")))"#;
    let dir = dir_with(&[("names.wat", wat)]);
    let out = run(dir.path(), &["-c", "names.wat"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let nm = Command::new("nm").arg(dir.path().join("names.o")).output().unwrap();
    let syms: Vec<String> = String::from_utf8_lossy(&nm.stdout)
        .lines()
        .filter_map(|l| l.split_once(" t ").map(|(_, s)| s.to_string()))
        .collect();
    for e in [
        "wasm[m]::a#2",
        "wasm[m]::a",
        "wasm[m]::a#2#2",
        "wasm[m]::wasm_gc_adapter",
        "wasm[m]::wasm_gc_adapter#3",
        "wasm[m]::wasm_throw_adapter#4",
        "wasm[m]::array_to_wasm[0]#5",
        "wasm[m]::wasm_to_host[0]#6",
    ] {
        assert!(syms.iter().any(|s| s == e), "`{e}` not in {syms:?}");
    }
    let unique: std::collections::HashSet<&String> = syms.iter().collect();
    assert_eq!(unique.len(), syms.len(), "{syms:?}");
}

/// Functions are compiled on several threads; the object is the same bytes whatever their
/// number (issue 13).
#[test]
fn issue_13_objects_do_not_depend_on_the_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    for module in ["kotlin-wasi/binarytrees/binarytrees.wasm", "c-wasi/wordfreq/wordfreq.wasm"] {
        let wasm = common::programs_dir().join(module);
        let objects: Vec<Vec<u8>> = ["1", "2", "5"]
            .iter()
            .map(|jobs| {
                let obj = dir.path().join(format!("j{jobs}.o"));
                let args = ["-c", "-j", jobs, wasm.to_str().unwrap(), "-o", obj.to_str().unwrap()];
                let out = run(dir.path(), &args);
                assert!(out.status.success(), "{}", stderr(&out));
                std::fs::read(obj).unwrap()
            })
            .collect();
        assert_eq!(objects[0], objects[1], "{module}: -j1 and -j2 differ");
        assert_eq!(objects[0], objects[2], "{module}: -j1 and -j5 differ");
        // The lean pipeline (large modules: CLIF translated twice, not kept) and the other
        // give the same bytes too.
        for lean in ["true", "false"] {
            let obj = dir.path().join(format!("lean-{lean}.o"));
            let args =
                ["-c", "--debug-lean", lean, wasm.to_str().unwrap(), "-o", obj.to_str().unwrap()];
            let out = run(dir.path(), &args);
            assert!(out.status.success(), "{}", stderr(&out));
            assert_eq!(objects[0], std::fs::read(obj).unwrap(), "{module}: lean={lean} differs");
        }
    }
}

/// WASI `proc_exit` ends the program without a fault: it used to unwind by a trap
/// instruction (SIGILL), so gdb stopped on a signal at every normal exit (issue 13). Traced
/// with `strace -f`, the program receives no signal at all.
#[test]
fn issue_13_exit_raises_no_signal() {
    let wat = r#"(module
      (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
      (func $inner (call $exit (i32.const 7)))
      (func (export "_start") (call $inner)))"#;
    let dir = dir_with(&[("exit.wat", wat)]);
    let exe = build(dir.path(), "exit.wat", "exit");
    let log = dir.path().join("strace.log");
    let status = Command::new("strace")
        .args(["-f", "-e", "trace=none", "-e", "signal=all", "-o"])
        .arg(&log)
        .arg(&exe)
        .status()
        .expect("strace runs (scripts/test installs it)");
    assert_eq!(status.code(), Some(7));
    let trace = std::fs::read_to_string(&log).unwrap();
    assert!(trace.contains("+++ exited with 7 +++"), "strace saw the exit: {trace}");
    assert!(!trace.contains("---"), "a signal was delivered: {trace}");
}

// ---- debug information (issue 13) ----

/// Compiles `fixtures/c/NAME.c` with `clang --target=wasm32-wasi -g -O0` into `dir` (as
/// `NAME.wasm`, the source copied beside it so the DWARF names it `NAME.c`). clang, lld,
/// wasi-libc and the wasm32 compiler-rt are Debian packages that `scripts/test` installs.
fn clang_wasi(dir: &Path, name: &str) -> PathBuf {
    clang_wasi_with(dir, name, name, &["-g", "-O0"])
}

/// As [`clang_wasi`], with the C compiler's `flags`, writing `OUT.wasm`.
fn clang_wasi_with(dir: &Path, name: &str, out: &str, flags: &[&str]) -> PathBuf {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/fixtures/c/{name}.c"));
    std::fs::copy(&src, dir.join(format!("{name}.c"))).expect("copy the C source");
    let out_file = format!("{out}.wasm");
    let out = Command::new("clang")
        .current_dir(dir)
        .arg("--target=wasm32-wasi")
        .args(flags)
        .arg("-o")
        .arg(&out_file)
        .arg(format!("{name}.c"))
        .output()
        .expect(
            "clang runs (apt-get install clang lld wasi-libc libclang-rt-dev-wasm32; \
             scripts/test installs them)",
        );
    assert!(out.status.success(), "clang: {}", stderr(&out));
    dir.join(out_file)
}

// ---- SIMD (issue 15) ----

/// Number of SIMD operators in the code of a binary module.
fn simd_operators(wasm: &[u8]) -> usize {
    let mut n = 0;
    for payload in wasmparser::Parser::new(0).parse_all(wasm) {
        if let Ok(wasmparser::Payload::CodeSectionEntry(body)) = payload {
            let mut ops = body.get_operators_reader().expect("operators");
            while !ops.eof() {
                let op = format!("{:?}", ops.read().expect("an operator"));
                let simd = ["V128", "I8x16", "I16x8", "I32x4", "I64x2", "F32x4", "F64x2"];
                n += usize::from(simd.iter().any(|p| op.starts_with(p)));
            }
        }
    }
    n
}

/// A C program using `wasm_simd128.h` intrinsics and `-msimd128` auto-vectorization
/// (`fixtures/c/simd.c`: image blur, dot product, statistics, vectorized loops), compiled
/// with and without SIMD: both wasmc executables print what the same C built natively by
/// the host's C compiler prints.
#[test]
fn issue_15_a_c_simd_program_matches_its_native_build() {
    let dir = tempfile::tempdir().unwrap();
    let simd = clang_wasi_with(dir.path(), "simd", "simd", &["-O2", "-msimd128"]);
    let scalar = clang_wasi_with(dir.path(), "simd", "scalar", &["-O2"]);
    assert!(simd_operators(&std::fs::read(&simd).unwrap()) > 50, "the SIMD build uses SIMD");
    assert_eq!(simd_operators(&std::fs::read(&scalar).unwrap()), 0);
    let native = dir.path().join("native");
    let out = Command::new("cc")
        .args(["-O2", "-o"])
        .arg(&native)
        .arg(dir.path().join("simd.c"))
        .output()
        .expect("cc runs");
    assert!(out.status.success(), "cc: {}", stderr(&out));
    let args = ["200", "3"];
    let want = run_exe(&native, &args, &[]);
    assert!(want.status.success());
    let want = String::from_utf8_lossy(&want.stdout).into_owned();
    assert_eq!(want.lines().count(), 4, "{want}");
    for name in ["simd", "scalar"] {
        let out = run(dir.path(), &[&format!("{name}.wasm"), "-o", name]);
        assert!(out.status.success(), "wasmc: {}", stderr(&out));
        let got = run_exe(&dir.path().join(name), &args, &[]);
        assert!(got.status.success(), "{name}: {}", stderr(&got));
        assert_eq!(String::from_utf8_lossy(&got.stdout), want, "{name}");
    }
}

/// A C program built with `-g` and compiled with `wasmc -g` traps with a backtrace that
/// gives every C frame's `file.c:line` (the module's DWARF line table, translated).
#[test]
fn issue_13_trap_backtraces_show_source_lines() {
    let dir = tempfile::tempdir().unwrap();
    clang_wasi(dir.path(), "lines");
    let out = run(dir.path(), &["-g", "lines.wasm", "-o", "lines"]);
    assert!(out.status.success(), "wasmc -g: {}", stderr(&out));
    let out = run_exe(&dir.path().join("lines"), &[], &[]);
    let err = stderr(&out);
    assert!(err.contains("wasm trap: integer divide by zero"), "{err}");
    for frame in
        ["0: divide at lines.c:9\n", "1: average at lines.c:15\n", "2: main at lines.c:20\n"]
    {
        assert!(err.contains(frame), "`{frame}` not in: {err}");
    }
    // The executable's own DWARF (for gdb and perf) maps machine code to the same lines.
    let dump = Command::new("readelf")
        .arg("--debug-dump=decodedline")
        .arg(dir.path().join("lines"))
        .output()
        .expect("readelf runs");
    let dump = String::from_utf8_lossy(&dump.stdout);
    for line in ["9", "15", "20"] {
        assert!(
            dump.lines().any(|l| l.split_whitespace().take(2).eq(["lines.c", line])),
            "no row for lines.c:{line} in:\n{dump}"
        );
    }
    // Without -g: the same backtrace without lines; a module without DWARF warns with -g.
    let out = run(dir.path(), &["lines.wasm", "-o", "plain"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&run_exe(&dir.path().join("plain"), &[], &[]));
    assert!(err.contains("0: divide\n") && !err.contains("lines.c"), "{err}");
    std::fs::write(dir.path().join("nodwarf.wat"), SPIN).unwrap();
    let out = run(dir.path(), &["-g", "-c", "nodwarf.wat"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("warning: nodwarf.wat: -g: the module has no DWARF"),
        "{}",
        stderr(&out)
    );
}

// ---- linking (issue 13) ----

/// Every linker `WASMC_LINKER` names that is installed links a working program with the
/// embedded runtime, directly (cache on: the learned command line) and through the C
/// compiler driver (cache off); an unknown linker is an error.
#[test]
fn issue_13_every_linker_links_a_working_program() {
    let dir = dir_with(&[("hello.wat", HELLO)]);
    let on_path = |name: &str| {
        std::env::var_os("PATH")
            .is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(name).is_file()))
    };
    let mut linked = 0;
    for linker in ["bfd", "gold", "lld", "cc"] {
        if linker != "cc" && !on_path(&format!("ld.{linker}")) {
            continue;
        }
        for cache in ["1", "0"] {
            let env = [("WASMC_LINKER", linker), ("WASMC_CACHE", cache)];
            let out = common::run_wasmc(
                dir.path(),
                &["hello.wat".into(), "-o".into(), "hello".into()],
                &env,
            );
            assert!(out.status.success(), "{linker}, cache {cache}: {}", stderr(&out));
            let run = run_exe(&dir.path().join("hello"), &[], &[]);
            assert_eq!(String::from_utf8_lossy(&run.stdout), "hello\n", "{linker}, cache {cache}");
            linked += 1;
        }
    }
    assert!(linked >= 4, "cc and ld.bfd at least");
    let out = common::run_wasmc(
        dir.path(),
        &["hello.wat".into(), "-o".into(), "hello".into()],
        &[("WASMC_LINKER", "mold")],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("WASMC_LINKER=mold: expected bfd, gold, lld or cc"),
        "{}",
        stderr(&out)
    );
}

/// The `wasmc` of an installation: `$WASMC_TEST_INSTALLED` (`scripts/test` makes one with
/// `cargo install --path compiler`), else the binary under test; either way a file that
/// can be copied anywhere.
fn installed_wasmc() -> PathBuf {
    match std::env::var_os("WASMC_TEST_INSTALLED") {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => wasmc(),
    }
}

/// An installed `wasmc`, moved elsewhere on its own (no target directory, no runtime
/// library beside it), compiles and links a C/WASI program and a Kotlin GC program, with
/// the compilation cache on and off, and runs one through `wasmc run` (issue 14).
#[test]
fn issue_14_a_moved_installation_compiles_and_runs_programs() {
    let tmp = tempfile::tempdir().expect("temporary directory");
    let root = tmp.path().join("root");
    std::fs::create_dir_all(root.join("bin")).expect("mkdir");
    std::fs::copy(installed_wasmc(), root.join("bin/wasmc")).expect("install");
    let moved = tmp.path().join("elsewhere");
    std::fs::rename(&root, &moved).expect("move the installation");
    let wasmc = moved.join("bin/wasmc");
    let entries: Vec<_> = std::fs::read_dir(moved.join("bin")).expect("ls").collect();
    assert_eq!(entries.len(), 1, "the installation is the binary alone");
    let programs = common::programs_dir();
    let cache = tmp.path().join("cache");
    let cases = [("c-wasi/hello", "hello from wasm"), ("kotlin-wasi/shapes", "circle")];
    for (program, first) in cases {
        let name = program.rsplit('/').next().expect("name");
        let wasm = programs.join(program).join(format!("{name}.wasm"));
        for cache_on in ["1", "0"] {
            let exe = tmp.path().join(format!("{name}-{cache_on}"));
            let out = Command::new(&wasmc)
                .arg(&wasm)
                .arg("-o")
                .arg(&exe)
                .env("WASMC_CACHE_DIR", &cache)
                .env("WASMC_CACHE", cache_on)
                .env_remove("WASMC_RUNTIME_LIB")
                .current_dir(tmp.path())
                .output()
                .expect("wasmc runs");
            assert!(out.status.success(), "{program}, cache {cache_on}: {}", stderr(&out));
            let run = run_exe(&exe, &[], &[]);
            let stdout = String::from_utf8_lossy(&run.stdout);
            assert!(stdout.starts_with(first), "{program}, cache {cache_on}: {stdout}");
        }
    }
    let out = Command::new(&wasmc)
        .arg("run")
        .arg(programs.join("moonbit-wasmgc/binarytrees/binarytrees.wasm"))
        .env("WASMC_CACHE_DIR", &cache)
        .env_remove("WASMC_RUNTIME_LIB")
        .output()
        .expect("wasmc runs");
    let expected =
        std::fs::read_to_string(programs.join("moonbit-wasmgc/binarytrees/expected.stdout"))
            .expect("expected output");
    assert_eq!(String::from_utf8_lossy(&out.stdout), expected, "{}", stderr(&out));
}

/// `wasmc --print-runtime-lib` writes the embedded runtime library into the cache
/// directory once and prints its path (an archive defining `wasmc_main`); with
/// `WASMC_RUNTIME_LIB` it prints that; it takes no other argument; a runtime library from
/// the environment is linked, and a missing one is an error (issue 14).
#[test]
fn issue_14_the_runtime_library_is_the_embedded_one_unless_named() {
    let dir = dir_with(&[("hello.wat", HELLO)]);
    let cache = dir.path().join("cache");
    let print = |env: &[(&str, &std::ffi::OsStr)], args: &[&str]| {
        let mut cmd = Command::new(wasmc());
        cmd.arg("--print-runtime-lib").args(args).env("WASMC_CACHE_DIR", &cache);
        cmd.env_remove("WASMC_RUNTIME_LIB").env_remove("WASMC_CACHE");
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.output().expect("wasmc runs")
    };
    let out = print(&[], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let path = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    assert!(path.starts_with(cache.join("runtime")), "{}", path.display());
    let bytes = std::fs::read(&path).expect("the printed file exists");
    assert!(bytes.starts_with(b"!<arch>\n"), "an ar archive");
    let nm = Command::new("nm").arg(&path).output().expect("nm runs");
    assert!(String::from_utf8_lossy(&nm.stdout).contains(" T wasmc_main"), "defines wasmc_main");
    let again = print(&[], &[]);
    assert_eq!(again.stdout, out.stdout, "the same file");
    let off = print(&[("WASMC_CACHE", "0".as_ref())], &[]);
    assert_eq!(off.status.code(), Some(1));
    assert!(stderr(&off).contains("WASMC_CACHE=0"), "{}", stderr(&off));
    assert_eq!(print(&[], &["hello.wat"]).status.code(), Some(2), "no other argument");

    // The runtime staticlib this build made, named by WASMC_RUNTIME_LIB.
    let staticlib = wasmc().parent().expect("target dir").join("libwasmc_runtime.a");
    if staticlib.is_file() {
        let named = print(&[("WASMC_RUNTIME_LIB", staticlib.as_os_str())], &[]);
        assert_eq!(String::from_utf8_lossy(&named.stdout).trim(), staticlib.display().to_string());
        for cache_on in ["1", "0"] {
            let env = [
                ("WASMC_RUNTIME_LIB", staticlib.to_str().expect("UTF-8 path")),
                ("WASMC_CACHE", cache_on),
            ];
            let out = common::run_wasmc(
                dir.path(),
                &["hello.wat".into(), "-o".into(), "hello".into()],
                &env,
            );
            assert!(out.status.success(), "cache {cache_on}: {}", stderr(&out));
            let run = run_exe(&dir.path().join("hello"), &[], &[]);
            assert_eq!(String::from_utf8_lossy(&run.stdout), "hello\n");
        }
    }
    let out = common::run_wasmc(
        dir.path(),
        &["hello.wat".into(), "-o".into(), "hello".into()],
        &[("WASMC_RUNTIME_LIB", "/nonexistent/libwasmc_runtime.a")],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("WASMC_RUNTIME_LIB=/nonexistent"), "{}", stderr(&out));
}

/// Objects from `wasmc -c` have one global symbol, the descriptor `wasmc_module_NAME`
/// (NAME from `--module-name`, else the input's stem), and no undefined symbols: objects
/// of differently named modules link together, two of one name clash; a name that is no
/// C identifier is refused (issue 14).
#[test]
fn issue_14_objects_are_named_after_their_module() {
    let dir = dir_with(&[("hello.wat", HELLO), ("gc-struct.wat", GC_STRUCT)]);
    let compile = |args: &[&str]| {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        let out = common::run_wasmc(dir.path(), &args, &[]);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    };
    let nm = |args: &[&str], file: &str| {
        let out = Command::new("nm").args(args).arg(dir.path().join(file)).output().expect("nm");
        assert!(out.status.success(), "nm {file}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    compile(&["-c", "hello.wat", "-o", "a.o"]);
    compile(&["-c", "gc-struct.wat", "-o", "b.o"]);
    compile(&["-c", "--module-name", "hello", "gc-struct.wat", "-o", "c.o"]);
    let globals = |file: &str| -> Vec<String> {
        nm(&["-g", "--defined-only"], file)
            .lines()
            .map(|l| l.split_whitespace().last().unwrap_or_default().to_string())
            .collect()
    };
    assert_eq!(globals("a.o"), ["wasmc_module_hello"]);
    assert_eq!(globals("b.o"), ["wasmc_module_gc_struct"]);
    assert_eq!(globals("c.o"), ["wasmc_module_hello"]);
    for file in ["a.o", "b.o", "c.o"] {
        assert_eq!(nm(&["-u"], file), "", "{file} has no undefined symbols");
    }
    let ld = |inputs: &[&str]| {
        Command::new("ld")
            .arg("-r")
            .arg("-o")
            .arg(dir.path().join("both.o"))
            .args(inputs.iter().map(|f| dir.path().join(f)))
            .output()
            .expect("ld runs")
    };
    assert!(ld(&["a.o", "b.o"]).status.success(), "different names link together");
    let clash = ld(&["a.o", "c.o"]);
    assert!(!clash.status.success(), "one name twice clashes");
    assert!(String::from_utf8_lossy(&clash.stderr).contains("wasmc_module_hello"));
    let bad = run(dir.path(), &["-c", "--module-name", "no-dash", "hello.wat"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("expected a C identifier"), "{}", stderr(&bad));
}

/// The README's GC example: `examples/trees.wasm` (MoonBit) prints what
/// `examples/trees.expected` holds and, with `WASMC_GC_STATS=1`, the collector's report
/// with at least one collection (issue 14).
#[test]
fn issue_14_the_gc_example_collects() {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
    let out = common::run_wasmc(
        &examples,
        &["run".into(), "trees.wasm".into()],
        &[("WASMC_GC_STATS", "1")],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let expected = std::fs::read_to_string(examples.join("trees.expected")).expect("expected");
    assert_eq!(String::from_utf8_lossy(&out.stdout), expected);
    let report = stderr(&out);
    // `gc: <collector>: N collections ...` (either collector: the tests run under both).
    let collections: u64 = report
        .split("gc: ")
        .nth(1)
        .and_then(|r| r.split(": ").nth(1))
        .and_then(|r| r.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no collector report: {report}"));
    assert!(collections >= 1, "{report}");
}

// ---- reactors and unknown imports (issue 30) ----

/// A reactor: `_initialize` prints `init` and counts its calls in a global; `run` returns
/// the count.
const REACTOR: &str = r#"(module
  (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "init\n")
  (global $calls (mut i32) (i32.const 0))
  (func (export "_initialize")
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 5))
    (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
    (global.set $calls (i32.add (global.get $calls) (i32.const 1))))
  (func (export "run") (result i32) (global.get $calls)))"#;

/// The WASI application ABI: a reactor's `_initialize` runs once, before the export that
/// is invoked (`run` then sees its effect: 1), by `wasmc run --invoke` and by an executable
/// with `WASMC_INVOKE`; without an export to invoke it runs and the program ends with 0.
#[test]
fn issue_30_a_reactor_is_initialised_once_before_the_invoked_export() {
    let dir = dir_with(&[("r.wat", REACTOR)]);
    let out = run(dir.path(), &["run", "--invoke", "run", "r.wat"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "init\n1\n");
    let exe = build(dir.path(), "r.wat", "r");
    let out = run_exe(&exe, &[], &[("WASMC_INVOKE", "run")]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "init\n1\n", "{}", stderr(&out));
    let out = run_exe(&exe, &[], &[]);
    assert_eq!(
        (out.status.code(), String::from_utf8_lossy(&out.stdout).as_ref()),
        (Some(0), "init\n")
    );
}

/// A module that exports both `_start` and `_initialize` is neither a command nor a
/// reactor: refused before any code runs; so is an `_initialize` of the wrong type.
#[test]
fn issue_30_start_and_initialize_together_are_refused() {
    let both = r#"(module (func (export "_start") unreachable) (func (export "_initialize") unreachable))"#;
    let typed = r#"(module (func (export "_initialize") (param i32) unreachable))"#;
    let dir = dir_with(&[("both.wat", both), ("typed.wat", typed)]);
    expect_error(
        &run(dir.path(), &["run", "both.wat"]),
        &["exports both `_start` and `_initialize`"],
    );
    expect_error(&run(dir.path(), &["run", "typed.wat"]), &["`_initialize` has type [i32] -> []"]);
}

const UNKNOWN: &str = r#"(module
  (import "host" "call" (func $call (param i32) (result i32)))
  (import "host" "unused" (func))
  (func (export "answer") (result i32) (i32.const 42))
  (func (export "_start") (drop (call $call (i32.const 1)))))"#;

/// Without `--trap-unknown-imports` the error names every missing import at once; with
/// it (for `wasmc run` and for `wasmc -o`) the program runs, an export that does not call
/// them works, and a call of one traps with `unknown import host.call called`.
#[test]
fn issue_30_unknown_imports_are_named_together_or_trap_when_called() {
    let global = r#"(module (import "host" "call" (func)) (import "env" "g" (global i32)) (func (export "_start")))"#;
    let dir = dir_with(&[("u.wat", UNKNOWN), ("g.wat", global)]);
    expect_error(
        &run(dir.path(), &["run", "u.wat"]),
        &["unknown import: `host::call`, `host::unused`"],
    );
    // Only functions can trap: a missing global stays an error.
    expect_error(
        &run(dir.path(), &["run", "--trap-unknown-imports", "g.wat"]),
        &["unknown import: `env::g`"],
    );
    let out = run(dir.path(), &["run", "--trap-unknown-imports", "--invoke", "answer", "u.wat"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "42\n", "{}", stderr(&out));
    let out = run(dir.path(), &["run", "--trap-unknown-imports", "u.wat"]);
    assert_eq!(out.status.code(), Some(134));
    assert!(
        stderr(&out).starts_with("wasm trap: unknown import host.call called\n"),
        "{}",
        stderr(&out)
    );
    let out = run(dir.path(), &["--trap-unknown-imports", "u.wat", "-o", "u"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = run_exe(&dir.path().join("u"), &[], &[]);
    assert_eq!(out.status.code(), Some(134));
    assert!(stderr(&out).contains("unknown import host.call called"), "{}", stderr(&out));
}

/// Issue 30's compile-time cliff: a function of N nested `if`s (the issue's generator)
/// took 26 s (-O0) and 7.5 s (-O2) at N = 100,000 with the backtracking register allocator
/// alone, growing faster than N; functions that large now get the single-pass allocator.
/// N = 200,000 must compile within a minute at -O0 even on a busy machine (about 2 s
/// here), and the result must be right: 42 when the parameter is true, 0 when not.
#[test]
fn issue_30_a_function_of_200000_nested_ifs_compiles_quickly() {
    let n = 200_000;
    let wat = format!(
        "(module (func (export \"main\") (param $p i32) (result i32) (local $x i32) {}(local.set $x (i32.const 42)){} (local.get $x)))",
        "(if (local.get $p) (then ".repeat(n),
        "))".repeat(n)
    );
    let dir = dir_with(&[("dif.wat", &wat)]);
    let start = std::time::Instant::now();
    let out = run(dir.path(), &["-O0", "dif.wat", "-o", "dif"]);
    let took = start.elapsed();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(took < std::time::Duration::from_secs(60), "compiling took {took:?}");
    for (arg, want) in [("1", "42\n"), ("0", "0\n")] {
        let out = run_exe(&dir.path().join("dif"), &[arg], &[("WASMC_INVOKE", "main")]);
        assert_eq!(String::from_utf8_lossy(&out.stdout), want, "{}", stderr(&out));
    }
}
