//! WASI preview1 end to end: each fixture in `tests/fixtures/wasi` (with `prelude.wat`, its
//! imports and print helper, put in place of its `;; @prelude` line) is compiled and run by
//! `wasmc run` with a temporary directory preopened as fd 3. A fixture prints one line per
//! call (the errno, or a value it read back); the tests compare those lines and then check
//! the files from the host side.

mod common;

use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::process::Output;

use common::run_wasmc;

/// Runs fixture `name` with `preopen` as its preopened directory (fd 3, guest `/sandbox`).
fn run(name: &str, preopen: &Path) -> Output {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/wasi");
    let prelude = std::fs::read_to_string(fixtures.join("prelude.wat")).expect("prelude");
    let text = std::fs::read_to_string(fixtures.join(name)).expect("fixture");
    assert!(text.contains(";; @prelude"), "{name} has no `;; @prelude` line");
    let work = tempfile::tempdir().expect("temporary directory");
    std::fs::write(work.path().join(name), text.replace(";; @prelude", &prelude)).unwrap();
    let dir = format!("{}::/sandbox", preopen.display());
    run_wasmc(work.path(), &["run".into(), "--dir".into(), dir, name.into()], &[])
}

/// Asserts that `out` succeeded and printed exactly `expected`, one number per line.
#[track_caller]
fn expect_lines(out: &Output, expected: &[u32]) {
    let stdout = String::from_utf8_lossy(&out.stdout);
    let got: Vec<&str> = stdout.lines().collect();
    let want: Vec<String> = expected.iter().map(u32::to_string).collect();
    assert!(
        out.status.success() && got == want,
        "status {:?}\nstdout {got:?}\nexpected {want:?}\nstderr:\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
}

const EFAULT: u32 = 21;
const EBADF: u32 = 8;
const EINVAL: u32 = 28;
const ENOTCAPABLE: u32 = 76;

/// 8 x 0xffffffff-byte iovecs in a 64 KiB memory: EFAULT, not a 32 GiB host allocation
/// (which aborted the host); a real read still fills the guest buffer.
#[test]
fn fd_read_huge_iovecs_is_efault() {
    let dir = tempfile::tempdir().unwrap();
    let data: Vec<u8> = (0..60000u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(dir.path().join("big"), &data).unwrap();
    let out = run("fd_read_huge_iovecs.wat", dir.path());
    expect_lines(&out, &[EFAULT, EFAULT, EFAULT, 0, 60000, 59999 % 251]);
}

/// The peak resident set of the processes this test waited for, in bytes.
fn children_max_rss() -> u64 {
    // SAFETY: getrusage fills the zeroed rusage struct we pass.
    let usage = unsafe {
        let mut u: libc::rusage = std::mem::zeroed();
        assert_eq!(libc::getrusage(libc::RUSAGE_CHILDREN, &mut u), 0);
        u
    };
    usage.ru_maxrss as u64 * 1024
}

/// 536,870,911 zero-length iovecs covering a 4 GiB memory: success with 0 bytes, walked in
/// place (the old code copied them into a 4.2 GB vector). The peak RSS of the program stays
/// far below that.
#[test]
fn fd_write_many_zero_length_iovecs_is_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let out = run("zero_length_iovecs_4gib.wat", dir.path());
    expect_lines(&out, &[0, 0]);
    let rss = children_max_rss();
    assert!(rss < 1 << 30, "peak RSS {rss} bytes");
}

/// Guest address arithmetic does not wrap at 4 GiB: iovecs at 0xfffffffc and
/// fd_prestat_get(3, 0xfffffffc) are EFAULT, and address 0 is untouched.
#[test]
fn wrap_around_at_4gib_is_efault() {
    let dir = tempfile::tempdir().unwrap();
    let out = run("wrap_around_4gib.wat", dir.path());
    expect_lines(&out, &[EFAULT, EFAULT, EFAULT, 0, 5, EFAULT, 5]);
}

/// fd_filestat_set_size truncates, fd_allocate extends, fd_advise/fd_datasync/fd_sync work.
#[test]
fn set_size_allocate_advise_sync() {
    let dir = tempfile::tempdir().unwrap();
    let out = run("size_and_space.wat", dir.path());
    expect_lines(&out, &[0, 0, 0, 5, EINVAL, 0, 0, EINVAL, 0, 0, EBADF, EBADF]);
    assert_eq!(std::fs::read(dir.path().join("trunc")).unwrap(), b"hello");
    assert_eq!(std::fs::metadata(dir.path().join("alloc")).unwrap().len(), 100000);
}

/// fd_filestat_set_times and path_filestat_set_times set the times the host then sees.
#[test]
fn set_times() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(p.join("f"), b"f").unwrap();
    std::fs::write(p.join("g"), b"g").unwrap();
    std::os::unix::fs::symlink("g", p.join("l")).unwrap();
    let g_atime = std::fs::metadata(p.join("g")).unwrap().atime();
    let out = run("set_times.wat", p);
    expect_lines(&out, &[0, EINVAL, EINVAL, 0, 0, ENOTCAPABLE, 44]);
    let f = std::fs::metadata(p.join("f")).unwrap();
    assert_eq!((f.atime(), f.atime_nsec()), (1000, 0));
    assert_eq!((f.mtime(), f.mtime_nsec()), (2000, 500_000_000));
    let g = std::fs::metadata(p.join("g")).unwrap();
    assert_eq!((g.mtime(), g.atime()), (3000, g_atime));
    let l = std::fs::symlink_metadata(p.join("l")).unwrap();
    assert_eq!(l.mtime(), 4000);
}

/// path_symlink makes a link with the given target text, path_readlink reads it without
/// following (cut to the buffer), path_link makes hard links (through a symlink with
/// SYMLINK_FOLLOW).
#[test]
fn symlink_readlink_link() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(p.join("target.txt"), b"t").unwrap();
    let out = run("links.wat", p);
    expect_lines(&out, &[0, 20, 0, 10, u32::from(b't'), 0, 3, EFAULT, EINVAL, 0, 0, 54]);
    assert_eq!(std::fs::read_link(p.join("sl")).unwrap(), Path::new("target.txt"));
    let ino = std::fs::metadata(p.join("target.txt")).unwrap().ino();
    assert_eq!(std::fs::symlink_metadata(p.join("hard")).unwrap().ino(), ino);
    assert_eq!(std::fs::symlink_metadata(p.join("hard2")).unwrap().ino(), ino);
    assert_eq!(std::fs::metadata(p.join("target.txt")).unwrap().nlink(), 3);
}

/// fd_renumber moves a descriptor: the new number works, the old one is EBADF.
#[test]
fn renumber() {
    let dir = tempfile::tempdir().unwrap();
    let out = run("renumber.wat", dir.path());
    expect_lines(&out, &[4, 5, 0, 0, EBADF, EBADF, EBADF, 0, 0, EBADF]);
    assert_eq!(std::fs::read(dir.path().join("a")).unwrap(), b"via b");
    assert_eq!(std::fs::read(dir.path().join("b")).unwrap(), b"");
}

/// Symlinks out of the preopen are made but cannot be followed; path_link and path_symlink
/// cannot reach or create anything outside; a relative symlink that stays inside works.
#[test]
fn sandbox_escapes_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("root");
    std::fs::create_dir(&root).unwrap();
    std::fs::write(tmp.path().join("outside"), b"secret").unwrap();
    std::fs::write(root.join("inside"), b"in").unwrap();
    std::fs::create_dir(root.join("sub")).unwrap();
    let out = run("sandbox.wat", &root);
    let n = ENOTCAPABLE;
    expect_lines(&out, &[0, 0, n, n, 0, 11, n, n, n, n, n, n, n, n, 0, 0]);
    assert_eq!(std::fs::read_link(root.join("abs")).unwrap(), Path::new("/etc/passwd"));
    assert_eq!(std::fs::read_link(root.join("up")).unwrap(), Path::new("../outside"));
    assert!(std::fs::symlink_metadata(root.join("l1")).is_err());
    assert!(std::fs::symlink_metadata(tmp.path().join("escape")).is_err());
    assert_eq!(std::fs::metadata(tmp.path().join("outside")).unwrap().nlink(), 1);
    assert_eq!(std::fs::metadata(root.join("inside")).unwrap().nlink(), 1);
    let abs_escape = std::fs::read_link("/tmp/escape").ok();
    assert_ne!(abs_escape.as_deref(), Some(Path::new("inside")));
}

/// Rights can be dropped and are then enforced; sockets never exist; proc_raise.
#[test]
fn rights_sockets_and_proc_raise() {
    let dir = tempfile::tempdir().unwrap();
    let out = run("rights_and_sockets.wat", dir.path());
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let want = [
        57,
        57,
        ENOTCAPABLE,
        EBADF,
        0,
        0,
        EINVAL,
        ENOTCAPABLE,
        0,
        ENOTCAPABLE,
        0,
        0x0820_0008,
        0,
        ENOTCAPABLE,
    ];
    let want: Vec<String> = want.iter().map(u32::to_string).collect();
    assert_eq!(stdout.lines().collect::<Vec<_>>(), want, "stderr:\n{stderr}");
    assert_eq!(out.status.code(), Some(134), "stderr:\n{stderr}");
    assert!(stderr.contains("proc_raise: SIGABRT"), "stderr:\n{stderr}");
}

/// A program that imports its shared memory as `env.memory` (wasi-threads' convention,
/// `wasm32-wasip1-threads`) runs on one thread: atomics, wait/notify, growth, WASI output.
#[test]
fn shared_memory_imported_from_env() {
    let dir = tempfile::tempdir().expect("temporary directory");
    expect_lines(&run("shared_memory.wat", dir.path()), &[0, 5, 9, 1, 2, 0, 1, 2, 0]);
}
