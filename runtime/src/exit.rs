//! Ending the process from any thread of a program, once (wasi-threads: `proc_exit` or a
//! trap in any thread ends the process; the deterministic scheduler ends it on a deadlock).
//!
//! A leaf module: what must be flushed first registers itself with [`at_exit`], so the
//! modules that end the process need not import the ones that buffer output.

use std::sync::Mutex;

/// Held by the thread that ends the process; never released.
static EXIT: Mutex<()> = Mutex::new(());

/// Functions to run before the process ends (the runtime's own output buffers).
static HOOKS: Mutex<Vec<fn()>> = Mutex::new(Vec::new());

/// Registers `f` to run (once per registration) when [`exit_process`] ends the process.
pub fn at_exit(f: fn()) {
    HOOKS.lock().unwrap_or_else(|e| e.into_inner()).push(f);
}

/// Ends the process with `code` from any thread, at once: the first caller runs the
/// [`at_exit`] hooks, flushes Rust's standard streams and calls `_exit`, stopping every
/// other thread where it is; later callers block until the process is gone. Guest output
/// is never buffered by the runtime (WASI writes go straight to the descriptor), so nothing
/// is written twice or lost.
pub fn exit_process(code: i32) -> ! {
    let guard = EXIT.lock().unwrap_or_else(|e| e.into_inner());
    std::mem::forget(guard);
    let hooks = HOOKS.lock().unwrap_or_else(|e| e.into_inner()).clone();
    for f in hooks {
        f();
    }
    use std::io::Write;
    let _ = std::io::stdout().flush();
    let _ = std::io::stderr().flush();
    // SAFETY: `_exit` ends the process; it touches no Rust state.
    unsafe { libc::_exit(code) }
}

/// Called by the main thread when the program ends normally, before the process exits:
/// if another thread is ending it already (a `proc_exit` or trap there), waits for that,
/// so the process ends with that thread's status; otherwise stops later callers of
/// [`exit_process`] from racing with the exit.
pub fn main_thread_ends() {
    let guard = EXIT.lock().unwrap_or_else(|e| e.into_inner());
    std::mem::forget(guard);
}
