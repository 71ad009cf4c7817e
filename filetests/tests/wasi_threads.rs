//! WASI from many threads at once, as wasi-threads runs a program: several OS threads, each
//! with its own store (the Rust embedding API, `wasmc_runtime::embed`) holding a handle of
//! one shared WASI context (`WasiCtx::share`), instantiate one module importing one
//! `SharedMemory` and the WASI functions, and call them concurrently:
//! - many `fd_write`s of many-iovec lines to one FIFO: every line arrives whole;
//! - a thread blocked in `fd_read` on an empty FIFO does not stop the others' writes;
//! - `fd_close` of a descriptor that another thread is blocked writing to does not break
//!   that write, nor send its rest to the file that reuses the number.
//!
//! The FIFOs live in a preopened temporary directory; the test holds each open read-write
//! itself, so the guest's `path_open` never waits for the other end and reads never see an
//! end of file.

use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::AsRawFd;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use wasmc_filetests::wast::{Loaded, load_shared};
use wasmc_runtime::embed::{
    Extern, Imports, Memory, MemoryType, Module, RootedVal, SharedMemory, Store, StoreConfig, Val,
    WasiCtx,
};

/// Bytes of stack Wasm code gets; the test threads have more, for host code.
const WASM_STACK: usize = 1 << 20;

/// Pages of the shared memory (512 KiB).
const PAGES: u64 = 8;

/// Thin exports over the WASI functions, all on the imported shared memory. `open(path,
/// len, oflags, out)` opens beneath the preopen (fd 3) with read and write rights;
/// `write_lines(fd, iovs, n, out, times)` makes `times` `fd_write` calls of the same iovecs,
/// stopping at the first error (returned) or short write (returns -1).
const MODULE: &str = r#"
(module
  (import "env" "memory" (memory 8 8 shared))
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read"
    (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_close" (func $fd_close (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (func (export "open") (param $path i32) (param $len i32) (param $oflags i32) (param $out i32)
    (result i32)
    ;; rights FD_READ | FD_WRITE (2 | 64), no fdflags
    (call $path_open (i32.const 3) (i32.const 0) (local.get $path) (local.get $len)
      (local.get $oflags) (i64.const 66) (i64.const 0) (i32.const 0) (local.get $out)))
  (func (export "write") (param i32 i32 i32 i32) (result i32)
    (call $fd_write (local.get 0) (local.get 1) (local.get 2) (local.get 3)))
  (func (export "read") (param i32 i32 i32 i32) (result i32)
    (call $fd_read (local.get 0) (local.get 1) (local.get 2) (local.get 3)))
  (func (export "close") (param i32) (result i32) (call $fd_close (local.get 0)))
  (func (export "write_lines")
    (param $fd i32) (param $iovs i32) (param $n i32) (param $out i32) (param $times i32)
    (param $want i32) (result i32)
    (local $e i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $times)))
        (local.set $e (call $fd_write (local.get $fd) (local.get $iovs) (local.get $n)
          (local.get $out)))
        (if (local.get $e) (then (return (local.get $e))))
        (if (i32.ne (i32.load (local.get $out)) (local.get $want))
          (then (return (i32.const -1))))
        (local.set $times (i32.sub (local.get $times) (i32.const 1)))
        (br $next)))
    (i32.const 0)))
"#;

/// The compiled module, loaded into this process.
struct Program {
    module: Module,
    _loaded: Loaded,
    _dir: tempfile::TempDir,
}

fn program() -> Program {
    let wasm = wat::parse_str(MODULE).expect("the test module parses");
    let compiled = wasmc::compile(&wasm, &wasmc::Config::default()).expect("it compiles");
    let dir = tempfile::tempdir().expect("a temporary directory");
    let loaded = load_shared(&compiled.object, dir.path(), "m").expect("it loads");
    Program { module: Module::from_loaded(loaded.module.clone()), _loaded: loaded, _dir: dir }
}

/// One thread's instance: a store of its own, with a handle of the shared WASI context.
struct Thread {
    store: Store,
    instance: usize,
}

impl Thread {
    fn new(module: &Module, memory: &SharedMemory, wasi: WasiCtx) -> Thread {
        let config = StoreConfig { stack_size: WASM_STACK, ..StoreConfig::default() };
        let mut store = Store::new_with(&config).expect("a store");
        store.inner().set_data(wasi);
        let mut imports = Imports::new();
        imports.define("env", "memory", Extern::SharedMemory(memory.clone())).wasi();
        let instance = store.instantiate_with(module, &imports).expect("it instantiates");
        Thread { store, instance }
    }

    /// Calls export `name` with `i32` arguments; returns its `i32` result.
    fn call(&mut self, name: &str, args: &[i32]) -> i32 {
        let f = self.store.instance(self.instance).get_func(name).expect("the export");
        let args: Vec<RootedVal> = args.iter().map(|a| RootedVal::Plain(Val::I32(*a))).collect();
        let r = self.store.call_rooted(&f, &args).unwrap_or_else(|t| panic!("{name}: {t}"));
        match r[0].plain() {
            Some(Val::I32(v)) => v,
            other => panic!("{name} returned {other:?}"),
        }
    }
}

/// What every test starts from: the module, a shared memory, a WASI context preopening a
/// temporary directory as fd 3, and the main thread's instance.
struct Setup {
    program: Program,
    memory: SharedMemory,
    wasi: WasiCtx,
    main: Thread,
    dir: tempfile::TempDir,
}

impl Setup {
    fn new() -> Setup {
        let program = program();
        let ty = MemoryType { min: PAGES, max: Some(PAGES), memory64: false, shared: true };
        let memory = Memory::new(&ty).expect("a memory").shared().expect("a shared memory");
        let dir = tempfile::tempdir().expect("a temporary directory");
        let preopen = (dir.path().to_str().unwrap().to_string(), "/sandbox".to_string());
        let wasi = WasiCtx::new(vec![b"threads".to_vec()], vec![], &[preopen]).expect("WASI");
        let main = Thread::new(&program.module, &memory, wasi.share());
        Setup { program, memory, wasi, main, dir }
    }

    /// Copies `data` into the shared memory at `at`.
    fn poke(&self, at: u32, data: &[u8]) {
        Memory::from_shared(self.memory.clone()).view().write(u64::from(at), data).unwrap();
    }

    /// The `len` bytes of the shared memory at `at`.
    fn peek(&self, at: u32, len: usize) -> Vec<u8> {
        let mut out = vec![0u8; len];
        Memory::from_shared(self.memory.clone()).view().read(u64::from(at), &mut out).unwrap();
        out
    }

    /// Stores the iovec list of `(address, length)` buffers at `at`.
    fn iovecs(&self, at: u32, bufs: &[(u32, u32)]) {
        let bytes: Vec<u8> =
            bufs.iter().flat_map(|(p, n)| [p.to_le_bytes(), n.to_le_bytes()].concat()).collect();
        self.poke(at, &bytes);
    }

    /// Makes a FIFO `name` in the preopen and opens it read-write on the host (so neither
    /// end's open waits, and a read never sees the end of the file).
    fn fifo(&self, name: &str) -> File {
        let path = self.dir.path().join(name);
        let c = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
        // SAFETY: mkfifo reads the NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0, "mkfifo");
        std::fs::OpenOptions::new().read(true).write(true).open(&path).expect("the FIFO")
    }

    /// Opens `name` beneath the preopen from the main thread's instance (`oflags` 1 creates
    /// it); returns the guest descriptor. Uses memory 0..64 for the name and result.
    fn open(&mut self, name: &str, oflags: i32) -> i32 {
        self.poke(0, name.as_bytes());
        assert_eq!(self.main.call("open", &[0, name.len() as i32, oflags, 60]), 0, "open {name}");
        i32::from_le_bytes(self.peek(60, 4).try_into().unwrap())
    }

    /// Runs `f` on a new OS thread (with room for Wasm's stack and host frames) with an
    /// instance of its own: a store made on that thread, holding a handle of the shared
    /// WASI context, importing the shared memory.
    fn on_thread<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Thread) -> T + Send + 'static,
    ) -> std::thread::JoinHandle<T> {
        let (module, memory, wasi) =
            (self.program.module.clone(), self.memory.clone(), self.wasi.share());
        std::thread::Builder::new()
            .stack_size(8 * WASM_STACK)
            .spawn(move || f(&mut Thread::new(&module, &memory, wasi)))
            .expect("a thread")
    }
}

/// Iovecs per line: more than one `writev` takes (16), so a line is several system calls.
const PIECES: usize = 24;

/// Prepares thread `t`'s line in its region of memory (`t * 16 KiB`: the iovec array, then
/// `PIECES` pieces `"tT.pPP;"` and a newline); returns `(iovs, count, out, line)`.
fn prepare_line(s: &Setup, t: u32) -> (u32, u32, u32, Vec<u8>) {
    let region = 64 * 1024 + t * 16 * 1024;
    let (iovs, out, text) = (region, region + 1020, region + 1024);
    let mut line = Vec::new();
    let mut bufs = Vec::new();
    for p in 0..=PIECES {
        let piece = if p == PIECES { "\n".to_string() } else { format!("t{t}.p{p:02};") };
        let at = text + line.len() as u32;
        s.poke(at, piece.as_bytes());
        bufs.push((at, piece.len() as u32));
        line.extend_from_slice(piece.as_bytes());
    }
    s.iovecs(iovs, &bufs);
    (iovs, bufs.len() as u32, out, line)
}

/// Starts `threads` writer threads, each calling `write_lines` to make `lines` `fd_write`s
/// of its line to `fd`; returns their handles (joined: each thread's errno) and the lines.
fn start_writers(
    s: &Setup,
    fd: i32,
    threads: u32,
    lines: i32,
) -> (Vec<std::thread::JoinHandle<i32>>, Vec<Vec<u8>>) {
    let mut handles = Vec::new();
    let mut expected = Vec::new();
    for t in 0..threads {
        let (iovs, n, out, line) = prepare_line(s, t);
        let want = line.len() as i32;
        expected.push(line);
        handles.push(s.on_thread(move |me| {
            me.call("write_lines", &[fd, iovs as i32, n as i32, out as i32, lines, want])
        }));
    }
    (handles, expected)
}

/// Reads `lines * expected.len()` lines from `fifo` and checks that each is one of
/// `expected`, whole, and that each thread's line came `lines` times.
fn check_lines(fifo: &mut File, expected: &[Vec<u8>], lines: usize) {
    let total: usize = expected.iter().map(|l| l.len() * lines).sum();
    let mut all = vec![0u8; total];
    fifo.read_exact(&mut all).expect("every byte arrives");
    let mut counts = vec![0usize; expected.len()];
    for l in all.split_inclusive(|b| *b == b'\n') {
        let t = expected.iter().position(|e| e == l);
        let t = t.unwrap_or_else(|| panic!("a torn line: {:?}", String::from_utf8_lossy(l)));
        counts[t] += 1;
    }
    assert_eq!(counts, vec![lines; expected.len()]);
}

/// Waits for `h` at most `limit`; `None` if it is still running.
fn join_within<T>(h: std::thread::JoinHandle<T>, limit: Duration) -> Option<T> {
    let end = Instant::now() + limit;
    while !h.is_finished() {
        if Instant::now() > end {
            return None;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    Some(h.join().expect("the thread does not panic"))
}

#[test]
fn threads_write_whole_lines_to_one_descriptor() {
    const THREADS: u32 = 4;
    const LINES: usize = 400;
    let mut s = Setup::new();
    let mut out = s.fifo("out");
    let fd = s.open("out", 0);
    let (writers, lines) = start_writers(&s, fd, THREADS, LINES as i32);
    // The writers block once the FIFO is full, until this drains it.
    let reader = std::thread::spawn(move || check_lines(&mut out, &lines, LINES));
    // The reader first: if it fails, the writers stay blocked on the full FIFO.
    join_within(reader, Duration::from_secs(120)).expect("every line arrives whole");
    for w in writers {
        let errno = join_within(w, Duration::from_secs(60)).expect("a writer returns");
        assert_eq!(errno, 0, "every write succeeds whole");
    }
    assert_eq!(s.main.call("close", &[fd]), 0);
}

#[test]
fn a_thread_blocked_reading_does_not_stop_writers() {
    let mut s = Setup::new();
    let mut feed = s.fifo("in");
    let mut out = s.fifo("out");
    let fd_in = s.open("in", 0);
    let fd_out = s.open("out", 0);
    // The reader: one 64-byte buffer at 1024, its count at 1016.
    s.iovecs(1000, &[(1024, 64)]);
    let (started, reading) = mpsc::channel();
    let reader = s.on_thread(move |me| {
        started.send(()).unwrap();
        me.call("read", &[fd_in, 1000, 1, 1016])
    });
    reading.recv().unwrap();
    std::thread::sleep(Duration::from_millis(100));
    assert!(!reader.is_finished(), "the reader waits for data");
    let (writers, lines) = start_writers(&s, fd_out, 3, 50);
    for w in writers {
        let errno = join_within(w, Duration::from_secs(60)).expect("a writer is not blocked");
        assert_eq!(errno, 0);
    }
    check_lines(&mut out, &lines, 50);
    // The main thread's calls go on too, on another descriptor of the same table.
    assert_eq!(s.main.call("close", &[fd_out]), 0);
    assert!(!reader.is_finished(), "the reader still waits");
    feed.write_all(b"wake\n").unwrap();
    let errno = join_within(reader, Duration::from_secs(60)).expect("the reader wakes");
    assert_eq!(errno, 0);
    assert_eq!(s.peek(1016, 4), 5u32.to_le_bytes());
    assert_eq!(s.peek(1024, 5), b"wake\n");
}

/// Host bytes waiting in the FIFO (`FIONREAD`).
fn pending(f: &File) -> usize {
    let mut n: libc::c_int = 0;
    // SAFETY: FIONREAD writes an int.
    assert_eq!(unsafe { libc::ioctl(f.as_raw_fd(), libc::FIONREAD, &mut n) }, 0);
    n as usize
}

/// Reads from `f` what arrives until `len` bytes came or `limit` passed (reading only
/// bytes already there, so it never blocks).
fn drain(f: &mut File, len: usize, limit: Duration) -> Vec<u8> {
    let end = Instant::now() + limit;
    let mut got = Vec::new();
    while got.len() < len && Instant::now() < end {
        let n = pending(f).min(len - got.len());
        if n == 0 {
            std::thread::sleep(Duration::from_millis(5));
            continue;
        }
        let mut chunk = vec![0u8; n];
        f.read_exact(&mut chunk).expect("bytes that are there");
        got.extend_from_slice(&chunk);
    }
    got
}

#[test]
fn closing_a_descriptor_does_not_break_a_call_using_it() {
    const BIG: u32 = 128 * 1024;
    let mut s = Setup::new();
    let mut slow = s.fifo("slow");
    let fd = s.open("slow", 0);
    // One fd_write: 128 KiB (twice what the FIFO holds, so the call blocks in it), then 16
    // small pieces, each a system call of its own.
    let big: Vec<u8> = (0..BIG).map(|i| b'a' + (i % 26) as u8).collect();
    s.poke(256 * 1024, &big);
    let mut bufs = vec![(256 * 1024, BIG)];
    let mut tail = Vec::new();
    for i in 0..16u32 {
        let piece = format!("tail{i:02};");
        let at = 4096 + tail.len() as u32;
        s.poke(at, piece.as_bytes());
        bufs.push((at, piece.len() as u32));
        tail.extend_from_slice(piece.as_bytes());
    }
    s.iovecs(2048, &bufs);
    let writer = s.on_thread(move |me| me.call("write", &[fd, 2048, 17, 2040]));
    let end = Instant::now() + Duration::from_secs(60);
    while pending(&slow) < 64 * 1024 {
        assert!(Instant::now() < end, "the writer fills the FIFO");
        std::thread::sleep(Duration::from_millis(5));
    }
    assert!(!writer.is_finished(), "the writer is blocked in its call");
    // Closed by another thread mid-call; a new file takes the guest number, and would take
    // the host number too if the host descriptor had been closed.
    assert_eq!(s.main.call("close", &[fd]), 0);
    assert_eq!(s.main.call("close", &[fd]), 8, "EBADF: it is closed for the program");
    let victim = s.open("victim", 1);
    assert_eq!(victim, fd, "the lowest free number is reused");
    let got = drain(&mut slow, BIG as usize + tail.len(), Duration::from_secs(30));
    assert_eq!(got.len(), BIG as usize + tail.len(), "the whole call's bytes arrive");
    assert_eq!(join_within(writer, Duration::from_secs(60)), Some(0));
    assert_eq!(s.peek(2040, 4), (BIG + tail.len() as u32).to_le_bytes());
    assert!(got[..BIG as usize] == big[..], "the big buffer arrives intact");
    assert_eq!(&got[BIG as usize..], &tail[..]);
    let victim_bytes = std::fs::read(s.dir.path().join("victim")).unwrap();
    assert!(victim_bytes.is_empty(), "the rest went to the new file: {victim_bytes:?}");
    assert_eq!(pending(&slow), 0);
    assert_eq!(s.main.call("close", &[victim]), 0);
}
