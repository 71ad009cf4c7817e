//! Exception handling (the Wasm exception-handling proposal with `exnref`): throwing,
//! finding the handler, resuming there.
//!
//! The compiler turns every call that may throw inside a `try_table` into a Cranelift
//! `try_call` whose only handler is a catch-all landing pad; the pad compares the
//! exception's tag with the `try_table`'s catch clauses in compiled code and rethrows when
//! none matches. So the unwinder knows nothing of tags: it walks the frame-pointer chain from
//! the throw adapter's frame and resumes at the first return address that has a landing pad
//! (the call-site table the compiler emits, `meta::FuncCode::handlers`), with the exception
//! object as the landing pad's payload. Every Wasm function uses Cranelift's `tail`
//! convention, in which a call clobbers every register, so resuming needs no register
//! restoration beyond the stack and frame pointers (CRANELIFT-NOTES.md "Calls, tail calls,
//! exceptions").

use crate::abi::VMContext;
use crate::instance::Instance;
use crate::registry;
use crate::stack;
use crate::traps::{self, TrapKind};

/// Jumps to `pc` with the stack pointer `sp`, the frame pointer `fp` and the exception
/// payload `exn` in the first payload register (x86-64: `rax`; `rdx`, the second, is 0).
///
/// # Safety
/// `pc` must be a landing pad of a `try_call` whose frame has frame pointer `fp` and whose
/// stack pointer at the call was `sp`; every frame below it is abandoned, so none may own
/// anything that needs dropping.
unsafe fn resume(pc: usize, sp: usize, fp: usize, exn: usize) -> ! {
    // SAFETY: see the function's contract; the landing pad expects exactly this state.
    unsafe {
        core::arch::asm!(
            "mov rsp, {sp}",
            "mov rbp, {fp}",
            "jmp {pc}",
            sp = in(reg) sp,
            fp = in(reg) fp,
            pc = in(reg) pc,
            in("rax") exn,
            in("rdx") 0usize,
            options(noreturn),
        )
    }
}

/// The `throw` builtin (see `foreach_builtin!`): unwinds to the innermost landing pad of the
/// current activation, or ends the activation with [`TrapKind::Exception`].
///
/// # Safety
/// Called by compiled code through the module's throw adapter, which recorded its frame as
/// the store's exit frame; `exn` is a live exception object.
pub(crate) unsafe extern "C" fn throw(vmctx: i64, exn: i64) -> i32 {
    // SAFETY: see the function's contract.
    let inst = unsafe { &mut *((*(vmctx as *mut VMContext)).instance as *mut Instance) };
    let store = inst.store_mut();
    let exit_fp = store.ctx.exit_fp;
    // A throw runs in the innermost activation, which is this store's.
    let entry_fp = traps::activations().first().map_or(0, |a| a.entry_fp);
    // SAFETY: `exit_fp` is the throw adapter's frame, whose chain reaches the entry
    // trampoline's frame of the innermost activation.
    let target = unsafe { stack::find_landing_pad(exit_fp, entry_fp, registry::landing_pad) };
    match target {
        // SAFETY: a landing pad found by the walk; the frames below it are Wasm frames, the
        // throw adapter and this function, which owns nothing that needs dropping here.
        Some((pc, sp, fp)) => unsafe { resume(pc, sp, fp, exn as usize) },
        None => {
            let tag = store.describe_tag(exn as usize);
            // SAFETY: `exit_fp` is the throw adapter's frame in this activation.
            unsafe { traps::raise_from(TrapKind::Exception(tag), exit_fp) }
        }
    }
}
