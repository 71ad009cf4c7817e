//! wasi-threads (github.com/WebAssembly/wasi-threads): the `wasi.thread-spawn` import of
//! programs built for `wasm32-wasip1-threads`, and how their threads end the process.
//!
//! A spawned thread is a new instance of the program's module, in a store of its own (own
//! tables, globals, GC heap: Wasm GC references are not shareable between threads, so a
//! collection in one thread never stops or scans another), on an OS thread of its own with
//! the configured Wasm stack. Every instance imports the same shared linear memory and the
//! same WASI process state ([`WasiCtx::share`]). The new thread calls the module's export
//! `wasi_thread_start(tid, arg)` and ends when it returns.
//!
//! The rules, from the proposal's ABI (`wasi-threads.abi.md`) and its test suite:
//! * thread ids are unique, positive and below 2^29 ([`MAX_THREAD_ID`]); the main thread
//!   has none (wasi-libc gives it its own);
//! * a spawn that cannot be done returns a negative value (here `-EAGAIN`, -6): more
//!   threads than `WASMC_MAX_THREADS` running at once, ids used up, or an OS thread the
//!   kernel refuses; the caller goes on;
//! * `proc_exit` in any thread ends the process at once with its status; a trap in any
//!   thread prints that thread's trap and backtrace, prefixed with its id, and ends the
//!   process with status 134; the process also ends when the main thread's `_start`
//!   returns, whatever other threads are doing (as `main` returning in C).
//!
//! Ending the process while other threads run Wasm code is done once, by
//! [`crate::exit::exit_process`]: the first thread to end it flushes the runtime's own
//! buffers and calls `_exit`, which stops every thread without running exit handlers a
//! second time.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use crate::config::{HOST_STACK, RuntimeConfig};
use crate::instance::{Extern, HostFunc, Val};
use crate::memory::Memory;
use crate::memory::SharedMemory;
use crate::meta::{ExportKind, FuncType, Import, ImportKind, ModuleMeta, ValType};
use crate::printable::{Printable, escape_line};
use crate::registry::LoadedModule;
use crate::store::Store;
use crate::traps::{TRAP_EXIT_STATUS, Trap, TrapKind};
use crate::wasi::{WasiCtx, errno};

/// Thread ids are below this (2^29), as the proposal requires.
pub const MAX_THREAD_ID: u32 = 1 << 29;

/// The name of the export a spawned thread calls.
pub const THREAD_START: &str = "wasi_thread_start";

/// Whether `import` is wasi-threads' spawn function (`wasi.thread-spawn`).
pub fn is_thread_spawn(module: &str, name: &str) -> bool {
    module == "wasi" && name == "thread-spawn"
}

/// Whether `import` is the model checker's choice function (`wasi.model_checker_select`,
/// the name and signature of the deterministic WASI sandbox it comes from).
pub fn is_model_checker_select(module: &str, name: &str) -> bool {
    module == "wasi" && name == "model_checker_select"
}

/// The host function for `wasi.model_checker_select(n: i32) -> i32`: a value in `[0, n)`
/// chosen by the deterministic scheduler (a choice the model checker explores), 0 outside
/// deterministic mode or for `n` below 2.
fn select_import(ty: FuncType) -> Arc<HostFunc> {
    Arc::new(HostFunc {
        ty,
        func: Box::new(|_, slots| {
            let n = slots[0] as u32 as i32;
            let r = match crate::sched::current() {
                Some(s) if n >= 2 => s.select(n as u32),
                _ => 0,
            };
            slots[0] = u64::from(r);
            Ok(())
        }),
    })
}

/// The state the threads of one program share: what a spawn needs to start a thread.
pub struct Threads {
    module: Arc<LoadedModule>,
    /// The shared memories the host made for the module's imports.
    memories: HostMemories,
    wasi: WasiCtx,
    config: RuntimeConfig,
    /// The next thread id to give (ids are never reused).
    next_id: AtomicU32,
    /// Spawned threads that have not returned yet.
    running: AtomicU32,
}

impl Threads {
    /// The threads state of a program whose module imports `wasi.thread-spawn`: checks
    /// that the module can run spawned threads (a shared memory among its imports, an
    /// exported `wasi_thread_start` of type `[i32, i32] -> []`). `memories` are the shared
    /// memories the host made for the module's memory imports.
    ///
    /// # Errors
    /// One line saying what the module lacks, for a link error before any code runs.
    pub fn new(
        module: &Arc<LoadedModule>,
        memories: HostMemories,
        wasi: WasiCtx,
        config: RuntimeConfig,
    ) -> Result<Arc<Threads>, String> {
        let meta = &module.meta;
        if memories.0.is_empty() {
            return Err("the module imports `wasi::thread-spawn` but no shared memory: the \
                 threads of a wasi-threads program share the memory they import (build \
                 with `--target=wasm32-wasi-threads` and `-Wl,--import-memory`)"
                .into());
        }
        let start = meta.exports.iter().find(|e| e.name == THREAD_START);
        let ty = match start.map(|e| e.kind) {
            Some(ExportKind::Func(f)) => func_type(meta, f),
            Some(_) => None,
            None => {
                return Err(format!(
                    "the module imports `wasi::thread-spawn` but exports no `{THREAD_START}` \
                     function for the threads it spawns to run"
                ));
            }
        };
        let want = FuncType { params: vec![ValType::I32, ValType::I32], results: vec![] };
        if ty != Some(&want) {
            return Err(format!(
                "the exported `{THREAD_START}` must be a function of type [i32, i32] -> [] \
                 (thread id, start argument)"
            ));
        }
        Ok(Arc::new(Threads {
            module: module.clone(),
            memories,
            wasi,
            config,
            next_id: AtomicU32::new(1),
            running: AtomicU32::new(0),
        }))
    }

    /// The host function for the `wasi.thread-spawn` import: `(arg: i32) -> i32`, the new
    /// thread's id or a negative value if none could be started.
    pub fn spawn_import(self: &Arc<Threads>) -> Arc<HostFunc> {
        let threads = self.clone();
        Arc::new(HostFunc {
            ty: FuncType { params: vec![ValType::I32], results: vec![ValType::I32] },
            func: Box::new(move |_, slots| {
                slots[0] = threads.spawn(slots[0] as u32) as u32 as u64;
                Ok(())
            }),
        })
    }

    /// Starts a thread that calls `wasi_thread_start(id, arg)`; returns its id, or
    /// `-EAGAIN` if the thread limit is reached, ids ran out or the OS refused a thread.
    fn spawn(self: &Arc<Threads>, arg: u32) -> i32 {
        let fail = -(errno::AGAIN as i32);
        let max = self.config.max_threads;
        if self
            .running
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| (n < max).then_some(n + 1))
            .is_err()
        {
            return fail;
        }
        let id = match self.next_id.fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
            (n < MAX_THREAD_ID).then_some(n + 1)
        }) {
            Ok(id) => id,
            Err(_) => {
                self.running.fetch_sub(1, Ordering::AcqRel);
                return fail;
            }
        };
        let threads = self.clone();
        // Under the deterministic scheduler the new thread is one of its threads from now
        // on, and runs only once chosen.
        let sched = crate::sched::current();
        if let Some(s) = sched {
            s.add_thread(id);
        }
        // `RuntimeConfig` bounds the stack size, so this cannot overflow.
        let stack = self.config.stack_size + HOST_STACK;
        let spawned = std::thread::Builder::new()
            .name(format!("wasm-{id}"))
            .stack_size(stack)
            .spawn(move || {
                if let Some(s) = sched {
                    s.enter(id);
                }
                threads.run(id, arg)
            });
        match spawned {
            Ok(_) => {
                // A spawn is a scheduling point.
                if let Some(s) = sched {
                    s.point(None, 0);
                }
                id as i32
            }
            Err(_) => {
                if let Some(s) = sched {
                    s.remove_thread(id);
                }
                self.running.fetch_sub(1, Ordering::AcqRel);
                fail
            }
        }
    }

    /// The body of spawned thread `id`: a store, the module instantiated in it on the
    /// shared memory, and `wasi_thread_start(id, arg)`. A trap or `proc_exit` ends the
    /// process.
    fn run(self: Arc<Threads>, id: u32, arg: u32) {
        let ended = self.run_in_store(id, arg);
        match ended {
            Ok(()) => {
                self.running.fetch_sub(1, Ordering::AcqRel);
                // A thread's exit is a scheduling point: the token goes on.
                if let Some(s) = crate::sched::current() {
                    s.exit_thread();
                }
            }
            Err(Ended::Exit(code)) => exit_process(code),
            Err(Ended::Trap(t)) => {
                crate::sched::record_trap();
                eprintln!("thread {id}: {t}");
                exit_process(TRAP_EXIT_STATUS)
            }
            Err(Ended::Error(e)) => {
                crate::sched::record_trap();
                eprintln!("error: thread {id}: {}", escape_line(&e));
                exit_process(TRAP_EXIT_STATUS)
            }
        }
    }

    fn run_in_store(self: &Arc<Threads>, id: u32, arg: u32) -> Result<(), Ended> {
        let config = &self.config;
        let mut store = Store::new(config.stack_size, config.gc.clone())
            .map_err(|e| Ended::Error(e.to_string()))?;
        store.inner().set_data(self.wasi.share());
        if crate::sched::current().is_some() {
            store.inner().set_scheduled();
        }
        let meta = &self.module.meta;
        let mut resolve =
            |import: &Import| resolve_import(meta, import, &self.memories, Some(self));
        let instance = match store.instantiate(&self.module, &mut resolve) {
            Ok(i) => i,
            Err(crate::instance::InstantiateError::Trap(t)) => return Err(Ended::from(t)),
            Err(e) => return Err(Ended::Error(format!("cannot instantiate the module: {e}"))),
        };
        let Some(Extern::Func(start)) = store.instance(instance).export(THREAD_START) else {
            // Checked by `Threads::new`.
            return Err(Ended::Error(format!("no exported `{THREAD_START}`")));
        };
        let result = store.call(&start, &[Val::I32(id as i32), Val::I32(arg as i32)]);
        if config.gc.stats
            && let Some(s) = store.inner().gc_stats()
        {
            eprintln!("thread {id}: {s}");
        }
        result.map(drop).map_err(Ended::from)
    }
}

/// How a spawned thread ended, when it did not return.
enum Ended {
    Exit(i32),
    Trap(Trap),
    Error(String),
}

impl From<Trap> for Ended {
    fn from(t: Trap) -> Ended {
        match t.kind {
            TrapKind::Exit(code) => Ended::Exit(code),
            _ => Ended::Trap(t),
        }
    }
}

/// The type of function `f` of the module.
fn func_type(meta: &ModuleMeta, f: u32) -> Option<&FuncType> {
    let ty = *meta.funcs.get(f as usize)?;
    meta.types.get(ty as usize)?.as_func()
}

/// The shared memories the host makes for a program's imports (wasi-threads' convention,
/// `wasm32-wasip1-threads`: the program imports its memory, usually as `env.memory`, and
/// the host makes it of the declared type), keyed by `(module, name)`. Every thread's
/// instance imports the same ones.
#[derive(Clone, Default)]
pub struct HostMemories(Vec<(String, String, SharedMemory)>);

impl HostMemories {
    /// A shared memory of the declared type for every shared memory the module imports.
    ///
    /// # Errors
    /// A memory that cannot be reserved, naming the import.
    pub fn for_module(meta: &ModuleMeta) -> Result<HostMemories, String> {
        let mut out = Vec::new();
        for import in &meta.imports {
            let ImportKind::Memory(ty) = &import.kind else { continue };
            if !ty.shared {
                continue;
            }
            let name = || format!("`{}::{}`", Printable(&import.module), Printable(&import.name));
            let memory =
                Memory::new(ty).map_err(|e| format!("the imported memory {}: {e}", name()))?;
            let shared = memory.shared().ok_or_else(|| format!("{} is not shared", name()))?;
            out.push((import.module.clone(), import.name.clone(), shared));
        }
        Ok(HostMemories(out))
    }

    /// The base addresses of the memories, in import order.
    pub fn base_addresses(&self) -> Vec<usize> {
        self.0.iter().map(|(_, _, m)| m.base_address()).collect()
    }

    /// The memory made for `import`.
    fn get(&self, import: &Import) -> Option<&SharedMemory> {
        self.0.iter().find(|(m, n, _)| *m == import.module && *n == import.name).map(|e| &e.2)
    }
}

/// The host's value for an import of a program (the main thread's instance or a spawned
/// thread's): the shared memory made for it, WASI preview1, `wasi.thread-spawn` (when
/// `threads` is given) and `spectest`'s functions. `None` for anything else (a link error
/// naming the import).
pub fn resolve_import(
    meta: &ModuleMeta,
    import: &Import,
    memories: &HostMemories,
    threads: Option<&Arc<Threads>>,
) -> Option<Extern> {
    let func_ty = |ty: u32| meta.types.get(ty as usize).and_then(|t| t.as_func());
    match (import.module.as_str(), &import.kind) {
        (_, ImportKind::Memory(ty)) if ty.shared => {
            memories.get(import).cloned().map(Extern::SharedMemory)
        }
        ("wasi_snapshot_preview1" | "wasi_unstable", ImportKind::Func(ty)) => {
            Some(Extern::HostFunc(crate::wasi::wasi_import(&import.name, func_ty(*ty)?)))
        }
        (m, ImportKind::Func(_)) if is_thread_spawn(m, &import.name) => {
            Some(Extern::HostFunc(threads?.spawn_import()))
        }
        (m, ImportKind::Func(ty)) if is_model_checker_select(m, &import.name) => {
            let want = FuncType { params: vec![ValType::I32], results: vec![ValType::I32] };
            (func_ty(*ty)? == &want).then(|| Extern::HostFunc(select_import(want)))
        }
        ("spectest", ImportKind::Func(ty)) => {
            crate::spectest::spectest_import(&import.name, func_ty(*ty)?).map(Extern::HostFunc)
        }
        (_, ImportKind::Func(ty)) if meta.trap_unknown_imports => {
            Some(Extern::HostFunc(trapping_import(import, func_ty(*ty)?.clone())))
        }
        _ => None,
    }
}

/// What `wasmc --trap-unknown-imports` links for a function import nothing provides: a
/// function of its type that traps with `unknown import MODULE.NAME called`.
fn trapping_import(import: &Import, ty: FuncType) -> Arc<HostFunc> {
    let message = format!("unknown import {}.{} called", import.module, import.name);
    Arc::new(HostFunc { ty, func: Box::new(move |_, _| Err(TrapKind::Host(message.clone()))) })
}

pub use crate::exit::{exit_process, main_thread_ends};
