//! Traps: signal handlers, the non-local exit back to the host, and Wasm backtraces.
//!
//! Every entry from the host into Wasm goes through [`catch_traps`], which pushes an
//! [`Activation`] on a thread-local list and calls the body under a C `sigsetjmp`. Compiled
//! code traps with a faulting instruction (`ud2`, an access to a guard page, a division);
//! the signal handler finds the faulting PC in the registry of compiled code
//! ([`crate::registry`]), records the trap code and a backtrace (a frame-pointer walk up to
//! the entry trampoline's frame), and `siglongjmp`s back to [`catch_traps`], which returns
//! the [`Trap`]. Faults anywhere else go to the handler that was installed before ours.

use std::cell::Cell;
use std::fmt;
use std::sync::Once;

use crate::abi::TrapCode;
use crate::printable::{Printable, escape_line};
use crate::registry;
use crate::stack::{ActivationInfo, frame_records};

/// Maximum number of frames a backtrace records (the innermost ones).
pub const MAX_BACKTRACE: usize = 64;

/// Why a call into Wasm did not return normally.
#[derive(Clone, Debug, PartialEq)]
pub enum TrapKind {
    /// A Wasm trap.
    Wasm(TrapCode),
    /// A host function failed with this message.
    Host(String),
    /// WASI `proc_exit` with this status.
    Exit(i32),
    /// An exception that no handler of the activation caught (Wasm exception handling),
    /// with a description of its tag.
    Exception(String),
    /// A memory fault (or other signal) at an instruction of compiled code that is not a
    /// trap site: a bug of wasmc, or, under `WASMC_GC_POISON=1`, a stale reference to an
    /// object the collector moved. Reported like a trap rather than as a crash.
    Fault {
        /// The signal number.
        signal: i32,
        /// The faulting data address (`si_addr`).
        addr: usize,
    },
}

/// One frame of a Wasm backtrace (defined beside the code registry that finds it).
pub use crate::registry::BacktraceFrame;

/// A trap with its backtrace.
#[derive(Clone, Debug, PartialEq)]
pub struct Trap {
    /// What happened.
    pub kind: TrapKind,
    /// Innermost frame first; at most [`MAX_BACKTRACE`] frames.
    pub backtrace: Vec<BacktraceFrame>,
    /// Frames not recorded in `backtrace`.
    pub omitted_frames: usize,
    /// The operand the message names, for a trap that has one: the table index of an
    /// `uninitialized element` (`VMStoreContext::trap_operand`).
    pub operand: Option<u64>,
}

impl Trap {
    /// A trap raised by host code, without backtrace.
    pub fn host(message: impl Into<String>) -> Trap {
        Trap {
            kind: TrapKind::Host(message.into()),
            backtrace: Vec::new(),
            omitted_frames: 0,
            operand: None,
        }
    }

    /// The message as the spec tests word it (`assert_trap`).
    pub fn message(&self) -> String {
        match &self.kind {
            TrapKind::Wasm(c) => match self.operand {
                Some(op) => format!("{} {op}", c.message()),
                None => c.message().to_string(),
            },
            TrapKind::Host(m) => m.clone(),
            TrapKind::Exit(c) => format!("exit with status {c}"),
            TrapKind::Exception(tag) => format!("uncaught exception ({})", Printable(tag)),
            TrapKind::Fault { signal, addr } => {
                let name = match *signal {
                    libc::SIGSEGV => "SIGSEGV",
                    libc::SIGBUS => "SIGBUS",
                    libc::SIGILL => "SIGILL",
                    libc::SIGFPE => "SIGFPE",
                    _ => "signal",
                };
                format!(
                    "internal error: {name} at address {addr:#x} at a non-trapping instruction of \
                     compiled code (a wasmc bug; under WASMC_GC_POISON=1 usually a stale \
                     reference to an object the collector moved)"
                )
            }
        }
    }
}

impl fmt::Display for Trap {
    /// `wasm trap: <message>` followed by `wasm backtrace:` and one line per frame.
    ///
    /// Module, function and tag names come from the module and are data: they are printed
    /// through [`Printable`] (control and bidirectional characters escaped, long names
    /// cut), so a name cannot forge frames or reach the terminal as an escape sequence.
    /// Host messages are escaped as one line ([`escape_line`]).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            TrapKind::Exception(tag) => {
                write!(f, "wasm exception: uncaught (tag {})", Printable(tag))?
            }
            _ => write!(f, "wasm trap: {}", escape_line(&self.message()))?,
        }
        write_backtrace(f, &self.backtrace, self.omitted_frames)
    }
}

/// Writes `\nwasm backtrace:` and one line per frame (innermost first), then how many
/// frames were `omitted`; nothing for an empty backtrace.
pub fn write_backtrace(
    f: &mut dyn fmt::Write,
    frames: &[BacktraceFrame],
    omitted: usize,
) -> fmt::Result {
    if frames.is_empty() {
        return Ok(());
    }
    write!(f, "\nwasm backtrace:")?;
    for (i, frame) in frames.iter().enumerate() {
        let name = Printable(&frame.name);
        match &frame.module {
            Some(m) => write!(f, "\n  {i:>4}: {}!{name}", Printable(m))?,
            None => write!(f, "\n  {i:>4}: {name}")?,
        }
        if let Some((file, line)) = &frame.source {
            write!(f, " at {}:{line}", Printable(file))?;
        }
    }
    if omitted > 0 {
        write!(f, "\n        ... {omitted} more frames")?;
    }
    Ok(())
}

/// The Wasm frames of this thread's innermost activation above the exit frame `fp` (the
/// frame of the adapter through which Wasm called the runtime), innermost first, at most
/// [`MAX_BACKTRACE`], and how many more there were. Empty outside Wasm or for `fp` 0.
///
/// # Safety
/// `fp` must be 0 or a frame pointer in the chain of this thread's innermost activation,
/// whose frames stay put for the call (the thread is inside a call from Wasm).
pub unsafe fn backtrace_from(fp: usize) -> (Vec<BacktraceFrame>, usize) {
    let act = ACTIVATION.with(|a| a.get());
    if act.is_null() || fp == 0 {
        return (Vec::new(), 0);
    }
    let mut frames = Vec::new();
    let mut omitted = 0;
    // SAFETY: the activation is live (this thread is inside it); `fp` is in its chain
    // (the function's contract).
    for (_, ret) in unsafe { frame_records(fp, (*act).entry_fp) } {
        if registry::is_wasm_pc(ret - 1) {
            match frames.len() < MAX_BACKTRACE {
                true => frames.extend(registry::frame_info(ret - 1)),
                false => omitted += 1,
            }
        }
    }
    (frames, omitted)
}

impl std::error::Error for Trap {}

/// Exit status of a program that a Wasm trap ends, in any of its threads (as `wasmtime
/// run`: abort's 128 + SIGABRT).
pub const TRAP_EXIT_STATUS: i32 = 134;

/// One host-to-Wasm call in progress on this thread.
#[repr(C)]
pub struct Activation {
    /// Frame pointer of the entry trampoline (written by the trampoline): the stack walk
    /// stops at this frame.
    pub entry_fp: usize,
    /// The `sigjmp_buf` of the [`catch_traps`] frame (set by the C helper).
    jmp_buf: *mut core::ffi::c_void,
    prev: *mut Activation,
    /// The store entered, its exit frame when the activation began and the stack limit
    /// (`entry_fp` is not used from here: the field above is the live one).
    info: ActivationInfo,
    /// Trap code recorded by the signal handler.
    code: Option<TrapCode>,
    /// A fault in compiled code that is not a trap site: `(signal, address)`.
    fault: Option<(i32, usize)>,
    /// Return addresses / PCs of the Wasm frames, innermost first.
    pcs: [usize; MAX_BACKTRACE],
    num_pcs: usize,
    omitted: usize,
}

thread_local! {
    static ACTIVATION: Cell<*mut Activation> = const { Cell::new(core::ptr::null_mut()) };
    static PENDING: Cell<Option<Box<TrapKind>>> = const { Cell::new(None) };
}

unsafe extern "C" {
    fn wasmc_catch_traps(
        body: unsafe extern "C" fn(*mut core::ffi::c_void),
        data: *mut core::ffi::c_void,
        slot: *mut *mut core::ffi::c_void,
    ) -> i32;
    fn wasmc_unwind(buf: *mut core::ffi::c_void) -> !;
}

/// Records the trap that a host function raises; the host function then returns a nonzero
/// status and its adapter traps with `TrapCode::HostTrap`.
pub fn set_pending_host_trap(kind: TrapKind) {
    PENDING.with(|p| p.set(Some(Box::new(kind))));
}

/// This thread's activations, innermost first (each segment of Wasm frames, for the stack
/// walks that find GC roots and landing pads).
pub fn activations() -> Vec<ActivationInfo> {
    let mut out = Vec::new();
    let mut a = ACTIVATION.with(|a| a.get());
    while !a.is_null() {
        // SAFETY: activations on the list are alive (popped when their call returns).
        unsafe {
            out.push(ActivationInfo { entry_fp: (*a).entry_fp, ..(*a).info });
            a = (*a).prev;
        }
    }
    out
}

/// Whether this thread is inside a call into Wasm.
pub fn in_wasm_call() -> bool {
    ACTIVATION.with(|a| !a.get().is_null())
}

/// Runs `body`, which enters Wasm through a trampoline that stores its frame pointer to the
/// `*mut usize` it is given, as a new activation described by `info` (whose `entry_fp` is
/// ignored); returns the trap if compiled code trapped.
pub fn catch_traps(info: ActivationInfo, body: &mut dyn FnMut(*mut usize)) -> Result<(), Trap> {
    install_handlers();
    let mut act = Activation {
        entry_fp: 0,
        jmp_buf: core::ptr::null_mut(),
        prev: ACTIVATION.with(|a| a.get()),
        info,
        code: None,
        fault: None,
        pcs: [0; MAX_BACKTRACE],
        num_pcs: 0,
        omitted: 0,
    };
    struct Data<'a> {
        body: &'a mut dyn FnMut(*mut usize),
        act: *mut Activation,
    }
    unsafe extern "C" fn call(data: *mut core::ffi::c_void) {
        // SAFETY: `data` is the `Data` below, alive for the whole call.
        let data = unsafe { &mut *(data as *mut Data<'_>) };
        // SAFETY: the activation outlives the call; the trampoline writes `entry_fp`.
        let fp = unsafe { &raw mut (*data.act).entry_fp };
        (data.body)(fp);
    }
    let act_ptr: *mut Activation = &mut act;
    let mut data = Data { body, act: act_ptr };
    ACTIVATION.with(|a| a.set(act_ptr));
    // SAFETY: `wasmc_catch_traps` calls `call(&mut data)` under sigsetjmp; a trap longjmps
    // back into it, skipping only the trampoline, Wasm frames and `call`/`body` frames, none
    // of which own anything that needs dropping when a trap unwinds them (host functions
    // catch panics and return a status instead of unwinding).
    let trapped =
        unsafe { wasmc_catch_traps(call, (&raw mut data).cast(), &raw mut (*act_ptr).jmp_buf) };
    ACTIVATION.with(|a| a.set(act.prev));
    if trapped == 0 {
        return Ok(());
    }
    let code = act.code.unwrap_or(TrapCode::HostTrap);
    let kind = match code {
        _ if act.fault.is_some() => {
            let (signal, addr) = act.fault.unwrap_or_default();
            TrapKind::Fault { signal, addr }
        }
        TrapCode::HostTrap => match PENDING.with(|p| p.take()) {
            Some(k) => *k,
            None => TrapKind::Host("host function trapped".into()),
        },
        c => TrapKind::Wasm(c),
    };
    let backtrace = act.pcs[..act.num_pcs]
        .iter()
        .enumerate()
        .filter_map(|(i, pc)| registry::frame_info(if i == 0 { *pc } else { pc - 1 }))
        .collect();
    Err(Trap { kind, backtrace, omitted_frames: act.omitted, operand: None })
}

/// Walks the frame-pointer chain from a trapping `pc`/`fp` up to the activation's entry
/// frame, recording Wasm PCs.
///
/// # Safety
/// `fp` must be the frame pointer at `pc` in compiled code running under `act`.
unsafe fn record_backtrace(act: &mut Activation, pc: usize, fp: usize) {
    act.num_pcs = 0;
    act.omitted = 0;
    let push = |act: &mut Activation, pc: usize| {
        if act.num_pcs < MAX_BACKTRACE {
            act.pcs[act.num_pcs] = pc;
            act.num_pcs += 1;
        } else {
            act.omitted += 1;
        }
    };
    if registry::is_wasm_pc(pc) {
        push(act, pc);
    }
    // SAFETY: `fp` lies between the trapping frame and the entry frame on this thread's
    // stack (see the function's contract).
    for (_, ret) in unsafe { frame_records(fp, act.entry_fp) } {
        if registry::is_wasm_pc(ret - 1) {
            push(act, ret);
        }
    }
}

// SAFETY: `sigaction` is a plain C struct for which all-zero bytes are a valid value.
static mut PREVIOUS: [libc::sigaction; 4] = unsafe { core::mem::zeroed() };
const SIGNALS: [libc::c_int; 4] = [libc::SIGSEGV, libc::SIGBUS, libc::SIGILL, libc::SIGFPE];

/// Installs the trap signal handlers once per process.
pub fn install_handlers() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        for (i, sig) in SIGNALS.iter().enumerate() {
            // SAFETY: plain sigaction calls; PREVIOUS is written only here, once, before any
            // handler can read it.
            unsafe {
                let mut action: libc::sigaction = core::mem::zeroed();
                action.sa_sigaction = handler as *const () as usize;
                action.sa_flags = libc::SA_SIGINFO | libc::SA_NODEFER | libc::SA_ONSTACK;
                libc::sigemptyset(&mut action.sa_mask);
                let prev = &raw mut PREVIOUS[i];
                if libc::sigaction(*sig, &action, prev) != 0 {
                    panic!("cannot install the handler for signal {sig}");
                }
            }
        }
    });
}

extern "C" fn handler(sig: libc::c_int, info: *mut libc::siginfo_t, ctx: *mut libc::c_void) {
    // SAFETY: the kernel passes a valid ucontext_t for SA_SIGINFO handlers.
    let (pc, fp) = unsafe {
        let uc = &*(ctx as *const libc::ucontext_t);
        (
            uc.uc_mcontext.gregs[libc::REG_RIP as usize] as usize,
            uc.uc_mcontext.gregs[libc::REG_RBP as usize] as usize,
        )
    };
    let act = ACTIVATION.with(|a| a.get());
    if !act.is_null() {
        if let Some(code) = registry::trap_code(pc) {
            // SAFETY: the activation belongs to this thread and is alive (it is popped only
            // after the call returns or traps).
            let act = unsafe { &mut *act };
            act.code = Some(code);
            // SAFETY: the fault is in compiled code of this activation, so `fp` is a frame
            // pointer of that code (or of its caller while in the prologue).
            unsafe { record_backtrace(act, pc, fp) };
            // SAFETY: jmp_buf was set by wasmc_catch_traps, whose frame is still live.
            unsafe { wasmc_unwind(act.jmp_buf) };
        }
        if registry::is_wasm_pc(pc) {
            // A fault in compiled code that no trap site explains: report it as a trap
            // (with a backtrace) instead of crashing.
            // SAFETY: as above.
            let act = unsafe { &mut *act };
            // SAFETY: `info` is valid for SA_SIGINFO handlers.
            act.fault = Some((sig, unsafe { (*info).si_addr() } as usize));
            // SAFETY: as above.
            unsafe { record_backtrace(act, pc, fp) };
            // SAFETY: as above.
            unsafe { wasmc_unwind(act.jmp_buf) };
        }
        // A fault in the runtime (the collector tracing a corrupted heap, say) while Wasm is
        // on the stack: say so, then let the previous handler act (the process dies).
        const MSG: &[u8] = b"wasmc runtime: fatal fault outside compiled code while Wasm runs \
(during a collection: a corrupted heap or a stale reference)\n";
        // SAFETY: write(2) is async-signal-safe; the buffer is static.
        unsafe { libc::write(2, MSG.as_ptr().cast(), MSG.len()) };
    }
    // Not a trap of compiled code: hand the signal to the previous handler.
    let i = SIGNALS.iter().position(|s| *s == sig).unwrap_or(0);
    // SAFETY: PREVIOUS[i] was filled by sigaction before our handler was installed.
    unsafe {
        let prev = &*(&raw const PREVIOUS[i]);
        if prev.sa_flags & libc::SA_SIGINFO != 0 && prev.sa_sigaction > 1 {
            let f: extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut libc::c_void) =
                core::mem::transmute(prev.sa_sigaction);
            f(sig, info, ctx);
        } else if prev.sa_sigaction == libc::SIG_IGN {
        } else if prev.sa_sigaction > 1 {
            let f: extern "C" fn(libc::c_int) = core::mem::transmute(prev.sa_sigaction);
            f(sig);
        } else {
            // Default action: restore it and return, so the fault recurs and kills us.
            libc::signal(sig, libc::SIG_DFL);
        }
    }
}

/// Like [`raise`], with a backtrace of the Wasm frames above the frame pointer `fp` (the
/// exit frame through which Wasm called the runtime).
///
/// # Safety
/// `fp` must be a frame pointer in the chain of the innermost activation.
pub unsafe fn raise_from(kind: TrapKind, fp: usize) -> ! {
    let act = ACTIVATION.with(|a| a.get());
    assert!(!act.is_null(), "trap raised outside Wasm: {kind:?}");
    set_pending_host_trap(kind);
    // SAFETY: the activation is live; see `raise` and the function's contract.
    unsafe {
        (*act).code = Some(TrapCode::HostTrap);
        record_backtrace(&mut *act, 0, fp);
        wasmc_unwind((*act).jmp_buf)
    }
}

/// Raises a trap from host code called by Wasm (e.g. a builtin): records it and jumps back
/// to the innermost [`catch_traps`]. Without an activation it panics.
pub fn raise(kind: TrapKind) -> ! {
    let act = ACTIVATION.with(|a| a.get());
    assert!(!act.is_null(), "trap raised outside Wasm: {kind:?}");
    set_pending_host_trap(kind);
    // SAFETY: the activation is live; see `catch_traps`. No frame between here and the
    // catch owns resources (callers of `raise` drop theirs first).
    unsafe {
        (*act).code = Some(TrapCode::HostTrap);
        (*act).num_pcs = 0;
        wasmc_unwind((*act).jmp_buf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_forged_frame_name_stays_on_its_line() {
        let frame = |name: &str| BacktraceFrame {
            module: Some("m\x1b]0;title\x07".into()),
            func_index: 0,
            name: name.into(),
            source: None,
        };
        let trap = Trap {
            kind: TrapKind::Exception("`t\nwasm trap: fake`".into()),
            backtrace: vec![frame("inner\n     1: m!forged"), frame("outer")],
            omitted_frames: 0,
            operand: None,
        };
        let text = trap.to_string();
        assert_eq!(
            text,
            "wasm exception: uncaught (tag `t\\nwasm trap: fake`)\nwasm backtrace:\n     0: \
             m\\u{1b}]0;title\\u{7}!inner\\n     1: m!forged\n     1: \
             m\\u{1b}]0;title\\u{7}!outer"
        );
        assert_eq!(text.lines().count(), 4);
        let host = Trap::host("bad\nline");
        assert_eq!(host.to_string(), "wasm trap: bad\\nline");
    }
}
