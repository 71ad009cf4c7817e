//! The threads proposal's atomic operators (`*.atomic.load*`/`store*`/`rmw*`, `atomic.fence`,
//! `memory.atomic.wait32/64`, `memory.atomic.notify`).
//!
//! Accesses lower to Cranelift's sequentially consistent `atomic_load`, `atomic_store`,
//! `atomic_rmw`, `atomic_cas` and `fence` (the proposal's atomics are all seq-cst). Those take
//! no offset immediate, so the static offset is folded into the address. A narrow access
//! (8/16/32 bits of an `i32`/`i64`) works on the narrow Cranelift type: operands are
//! `ireduce`d, results zero-extended (`uextend`), as the proposal's `_u` forms say.
//!
//! Order of the checks (threads proposal, "Atomic Memory Accesses"; the reference
//! interpreter, and Wasmtime's `atomics_wait_address.wast`): the effective address
//! `index + offset` must be a multiple of the access size ("unaligned atomic") — checked
//! first, so an address both unaligned and out of bounds is "unaligned atomic" — then the
//! access must fit in the memory ("out of bounds memory access"). The alignment test is on
//! the 64-bit effective address; for a memory64 sum that overflows, the wrapped sum has the
//! same remainder, and the overflow then traps as out of bounds. Bounds: a 32-bit memory's
//! accesses rely on the guard region like plain loads and stores (an aligned access of at
//! most 8 bytes never straddles the accessible end, so it either fits or faults); memory64
//! checks explicitly. `wait` and `notify` touch no memory in compiled code, so they check
//! bounds explicitly for every memory before they call their builtins.
//!
//! `wait` on a memory that is not shared traps ("expected shared memory") after those
//! checks; `notify` on one returns 0 (no thread can wait on it). On a shared memory both
//! call the runtime's parking lot (`memory_atomic_wait32/64`, `memory_atomic_notify`)
//! through the module's thread adapter, which records the exit frame (so a thread blocked
//! there can print its backtrace); they are not safepoints: they never collect (a waiting
//! thread's store is idle).
//!
//! Scheduling points (issue 29): after its checks and before it touches memory, every
//! atomic access to a shared memory, and every `atomic.fence`, reads the store context's
//! `sched` word and, when it is set (the deterministic scheduler runs this thread), calls
//! the `sched_point` builtin through the thread adapter, on a cold path. In parallel mode
//! that is one load of a word that never changes and one predictable branch (DESIGN.md
//! "Threads"). Accesses to an unshared memory need no point: no other thread sees them.

use cranelift_codegen::ir::{
    AtomicRmwOp, InstBuilder, Type, Value,
    types::{I8, I16, I32, I64},
};

use super::env::VM_CONST;
use wasmparser::{MemArg, Operator};

use super::FuncTranslator;
use super::env::heap_flags;
use super::trap;
use crate::abi::Builtin;
use crate::error::CompileError;
use wasmc_abi::vm::{SchedPoint, TrapCode, memory, store, vmctx};

/// What an atomic read-modify-write does.
#[derive(Clone, Copy)]
enum Rmw {
    /// One of Cranelift's `atomic_rmw` operations.
    Op(AtomicRmwOp),
    /// `cmpxchg`: compare and exchange (`atomic_cas`).
    Cmpxchg,
}

impl FuncTranslator<'_, '_, '_> {
    /// The memory a memory argument names.
    fn atomic_memory(&self, memarg: &MemArg) -> Result<u32, CompileError> {
        match memarg.target {
            wasmparser::MemArgTarget::Memory(mem) => Ok(mem),
            _ => Err(self.unsupported("atomic access to a GC array")),
        }
    }

    /// Calls the builtin `b` (`memory_atomic_wait32/64`, `memory_atomic_notify` or
    /// `sched_point`) through the module's thread adapter with `args`; returns its `i64`.
    fn call_thread_builtin(&mut self, b: Builtin, args: [Value; 3]) -> Value {
        let adapter = self.thread_adapter_ref();
        let index = self.builder.ins().iconst(I64, i64::from(b.index()));
        let vmctx = self.vmctx;
        let call = self.builder.ins().call(adapter, &[vmctx, index, args[0], args[1], args[2]]);
        self.builder.inst_results(call)[0]
    }

    /// The scheduling point before an atomic access of `kind` at native address `addr` (a
    /// fence passes 0): see the module comment.
    fn sched_point(&mut self, kind: SchedPoint, addr: Value) {
        let vmctx = self.vmctx;
        let st = self.vm_const(vmctx, vmctx::STORE);
        let on = self.builder.ins().load(I64, VM_CONST, st, store::SCHED);
        let call = self.builder.create_block();
        let done = self.builder.create_block();
        self.builder.ins().brif(on, call, &[], done, &[]);
        self.builder.seal_block(call);
        self.builder.switch_to_block(call);
        self.builder.set_cold_block(call);
        let kind = self.builder.ins().iconst(I64, kind as i64);
        let zero = self.builder.ins().iconst(I64, 0);
        self.call_thread_builtin(Builtin::SchedPoint, [kind, addr, zero]);
        self.builder.ins().jump(done, &[]);
        self.builder.seal_block(done);
        self.builder.switch_to_block(done);
    }

    /// Pops the index of an atomic access of `size` bytes, checks alignment and then bounds
    /// (see the module comment; `explicit_bounds` checks bounds in code for a 32-bit memory
    /// too), passes the scheduling point of `point` on a shared memory, and returns the
    /// native address, the offset folded in.
    fn atomic_addr(
        &mut self,
        memarg: &MemArg,
        size: u32,
        explicit_bounds: bool,
        point: Option<SchedPoint>,
    ) -> Result<Value, CompileError> {
        let mem = self.atomic_memory(memarg)?;
        let wide = self.memory64(mem);
        let index = self.pop();
        let index = self.index64(index, wide);
        let offset = memarg.offset;
        // Wrapping sum: exact for a 32-bit memory (below 2^33), and for memory64 its low
        // bits are right even when it overflows (which traps below).
        let ea =
            if offset == 0 { index } else { self.builder.ins().iadd_imm_u(index, offset as i64) };
        if size > 1 {
            let low = self.builder.ins().band_imm_u(ea, i64::from(size - 1));
            self.builder.ins().trapnz(low, trap(TrapCode::UnalignedAtomic));
        }
        let def = self.memory_def(mem);
        if wide || explicit_bounds {
            self.check_bounds(def, index, offset, size);
        }
        let base = self.vm_const(def, memory::BASE);
        let addr = self.builder.ins().iadd(base, ea);
        if let Some(kind) = point
            && self.env.info.memories[mem as usize].shared
        {
            self.sched_point(kind, addr);
        }
        Ok(addr)
    }

    /// `ty.atomic.load*`: `mem_ty` bytes, zero-extended to `ty`.
    fn atomic_load(&mut self, memarg: &MemArg, ty: Type, mem_ty: Type) -> Result<(), CompileError> {
        let addr = self.atomic_addr(memarg, mem_ty.bytes(), false, Some(SchedPoint::Load))?;
        let flags = heap_flags().with_aligned();
        let v = self.builder.ins().atomic_load(mem_ty, flags, addr);
        let v = if mem_ty == ty { v } else { self.builder.ins().uextend(ty, v) };
        self.push(v);
        Ok(())
    }

    /// `ty.atomic.store*`: the low `mem_ty` bytes of the value.
    fn atomic_store(&mut self, memarg: &MemArg, mem_ty: Type) -> Result<(), CompileError> {
        let value = self.pop();
        let addr = self.atomic_addr(memarg, mem_ty.bytes(), false, Some(SchedPoint::Store))?;
        let value = self.narrow(value, mem_ty);
        let flags = heap_flags().with_aligned();
        self.builder.ins().atomic_store(flags, value, addr);
        Ok(())
    }

    /// `ty.atomic.rmw*.op`: returns the old `mem_ty` bytes zero-extended to `ty`.
    fn atomic_rmw(
        &mut self,
        memarg: &MemArg,
        ty: Type,
        mem_ty: Type,
        op: Rmw,
    ) -> Result<(), CompileError> {
        let flags = heap_flags().with_aligned();
        let old = match op {
            Rmw::Op(op) => {
                let value = self.pop();
                let addr =
                    self.atomic_addr(memarg, mem_ty.bytes(), false, Some(SchedPoint::Rmw))?;
                let value = self.narrow(value, mem_ty);
                self.builder.ins().atomic_rmw(mem_ty, flags, op, addr, value)
            }
            Rmw::Cmpxchg => {
                let (expected, replacement) = self.pop2();
                let point = Some(SchedPoint::Cmpxchg);
                let addr = self.atomic_addr(memarg, mem_ty.bytes(), false, point)?;
                // Both operands wrap to the access width (the comparison is of the narrow
                // values).
                let expected = self.narrow(expected, mem_ty);
                let replacement = self.narrow(replacement, mem_ty);
                self.builder.ins().atomic_cas(flags, addr, expected, replacement)
            }
        };
        let old = if mem_ty == ty { old } else { self.builder.ins().uextend(ty, old) };
        self.push(old);
        Ok(())
    }

    /// `v` wrapped to `mem_ty` (unchanged when it already has that type).
    fn narrow(&mut self, v: Value, mem_ty: Type) -> Value {
        if self.builder.func.dfg.value_type(v) == mem_ty {
            v
        } else {
            self.builder.ins().ireduce(mem_ty, v)
        }
    }

    /// `memory.atomic.wait32` (`ty` = `I32`) or `wait64` (`I64`): `(addr, expected, timeout)`
    /// to `0` ok, `1` not-equal, `2` timed-out.
    fn atomic_wait(&mut self, memarg: &MemArg, ty: Type) -> Result<(), CompileError> {
        let mem = self.atomic_memory(memarg)?;
        let timeout = self.pop();
        let expected = self.pop();
        let addr = self.atomic_addr(memarg, ty.bytes(), true, None)?;
        if !self.env.info.memories[mem as usize].shared {
            // Aligned and in bounds, but no thread may block on an unshared memory.
            let yes = self.builder.ins().iconst(I32, 1);
            self.builder.ins().trapnz(yes, trap(TrapCode::ExpectedSharedMemory));
            let zero = self.builder.ins().iconst(I32, 0);
            self.push(zero);
            return Ok(());
        }
        let b = if ty == I32 { Builtin::MemoryAtomicWait32 } else { Builtin::MemoryAtomicWait64 };
        let expected = if ty == I32 { self.builder.ins().uextend(I64, expected) } else { expected };
        let r = self.call_thread_builtin(b, [addr, expected, timeout]);
        let r = self.builder.ins().ireduce(I32, r);
        self.push(r);
        Ok(())
    }

    /// `memory.atomic.notify`: `(addr, count)` to the number of waiters woken.
    fn atomic_notify(&mut self, memarg: &MemArg) -> Result<(), CompileError> {
        let mem = self.atomic_memory(memarg)?;
        let count = self.pop();
        let addr = self.atomic_addr(memarg, 4, true, None)?;
        let r = if self.env.info.memories[mem as usize].shared {
            let count = self.builder.ins().uextend(I64, count);
            let zero = self.builder.ins().iconst(I64, 0);
            let r = self.call_thread_builtin(Builtin::MemoryAtomicNotify, [addr, count, zero]);
            self.builder.ins().ireduce(I32, r)
        } else {
            self.builder.ins().iconst(I32, 0)
        };
        self.push(r);
        Ok(())
    }

    /// Translates `op` if it is an atomic operator of the threads proposal; returns whether
    /// it was.
    pub(super) fn atomic_operator(&mut self, op: &Operator<'_>) -> Result<bool, CompileError> {
        use AtomicRmwOp::{Add, And, Or, Sub, Xchg, Xor};
        use Operator as O;
        use Rmw::{Cmpxchg, Op};
        match *op {
            O::AtomicFence { .. } => {
                // A point only where other threads can exist: a module with a shared memory.
                if self.env.info.memories.iter().any(|m| m.shared) {
                    let zero = self.builder.ins().iconst(I64, 0);
                    self.sched_point(SchedPoint::Fence, zero);
                }
                self.builder.ins().fence();
            }
            O::MemoryAtomicNotify { memarg } => self.atomic_notify(&memarg)?,
            O::MemoryAtomicWait32 { memarg } => self.atomic_wait(&memarg, I32)?,
            O::MemoryAtomicWait64 { memarg } => self.atomic_wait(&memarg, I64)?,

            O::I32AtomicLoad { memarg } => self.atomic_load(&memarg, I32, I32)?,
            O::I64AtomicLoad { memarg } => self.atomic_load(&memarg, I64, I64)?,
            O::I32AtomicLoad8U { memarg } => self.atomic_load(&memarg, I32, I8)?,
            O::I32AtomicLoad16U { memarg } => self.atomic_load(&memarg, I32, I16)?,
            O::I64AtomicLoad8U { memarg } => self.atomic_load(&memarg, I64, I8)?,
            O::I64AtomicLoad16U { memarg } => self.atomic_load(&memarg, I64, I16)?,
            O::I64AtomicLoad32U { memarg } => self.atomic_load(&memarg, I64, I32)?,

            O::I32AtomicStore { memarg } => self.atomic_store(&memarg, I32)?,
            O::I64AtomicStore { memarg } => self.atomic_store(&memarg, I64)?,
            O::I32AtomicStore8 { memarg } | O::I64AtomicStore8 { memarg } => {
                self.atomic_store(&memarg, I8)?
            }
            O::I32AtomicStore16 { memarg } | O::I64AtomicStore16 { memarg } => {
                self.atomic_store(&memarg, I16)?
            }
            O::I64AtomicStore32 { memarg } => self.atomic_store(&memarg, I32)?,

            O::I32AtomicRmwAdd { memarg } => self.atomic_rmw(&memarg, I32, I32, Op(Add))?,
            O::I64AtomicRmwAdd { memarg } => self.atomic_rmw(&memarg, I64, I64, Op(Add))?,
            O::I32AtomicRmw8AddU { memarg } => self.atomic_rmw(&memarg, I32, I8, Op(Add))?,
            O::I32AtomicRmw16AddU { memarg } => self.atomic_rmw(&memarg, I32, I16, Op(Add))?,
            O::I64AtomicRmw8AddU { memarg } => self.atomic_rmw(&memarg, I64, I8, Op(Add))?,
            O::I64AtomicRmw16AddU { memarg } => self.atomic_rmw(&memarg, I64, I16, Op(Add))?,
            O::I64AtomicRmw32AddU { memarg } => self.atomic_rmw(&memarg, I64, I32, Op(Add))?,

            O::I32AtomicRmwSub { memarg } => self.atomic_rmw(&memarg, I32, I32, Op(Sub))?,
            O::I64AtomicRmwSub { memarg } => self.atomic_rmw(&memarg, I64, I64, Op(Sub))?,
            O::I32AtomicRmw8SubU { memarg } => self.atomic_rmw(&memarg, I32, I8, Op(Sub))?,
            O::I32AtomicRmw16SubU { memarg } => self.atomic_rmw(&memarg, I32, I16, Op(Sub))?,
            O::I64AtomicRmw8SubU { memarg } => self.atomic_rmw(&memarg, I64, I8, Op(Sub))?,
            O::I64AtomicRmw16SubU { memarg } => self.atomic_rmw(&memarg, I64, I16, Op(Sub))?,
            O::I64AtomicRmw32SubU { memarg } => self.atomic_rmw(&memarg, I64, I32, Op(Sub))?,

            O::I32AtomicRmwAnd { memarg } => self.atomic_rmw(&memarg, I32, I32, Op(And))?,
            O::I64AtomicRmwAnd { memarg } => self.atomic_rmw(&memarg, I64, I64, Op(And))?,
            O::I32AtomicRmw8AndU { memarg } => self.atomic_rmw(&memarg, I32, I8, Op(And))?,
            O::I32AtomicRmw16AndU { memarg } => self.atomic_rmw(&memarg, I32, I16, Op(And))?,
            O::I64AtomicRmw8AndU { memarg } => self.atomic_rmw(&memarg, I64, I8, Op(And))?,
            O::I64AtomicRmw16AndU { memarg } => self.atomic_rmw(&memarg, I64, I16, Op(And))?,
            O::I64AtomicRmw32AndU { memarg } => self.atomic_rmw(&memarg, I64, I32, Op(And))?,

            O::I32AtomicRmwOr { memarg } => self.atomic_rmw(&memarg, I32, I32, Op(Or))?,
            O::I64AtomicRmwOr { memarg } => self.atomic_rmw(&memarg, I64, I64, Op(Or))?,
            O::I32AtomicRmw8OrU { memarg } => self.atomic_rmw(&memarg, I32, I8, Op(Or))?,
            O::I32AtomicRmw16OrU { memarg } => self.atomic_rmw(&memarg, I32, I16, Op(Or))?,
            O::I64AtomicRmw8OrU { memarg } => self.atomic_rmw(&memarg, I64, I8, Op(Or))?,
            O::I64AtomicRmw16OrU { memarg } => self.atomic_rmw(&memarg, I64, I16, Op(Or))?,
            O::I64AtomicRmw32OrU { memarg } => self.atomic_rmw(&memarg, I64, I32, Op(Or))?,

            O::I32AtomicRmwXor { memarg } => self.atomic_rmw(&memarg, I32, I32, Op(Xor))?,
            O::I64AtomicRmwXor { memarg } => self.atomic_rmw(&memarg, I64, I64, Op(Xor))?,
            O::I32AtomicRmw8XorU { memarg } => self.atomic_rmw(&memarg, I32, I8, Op(Xor))?,
            O::I32AtomicRmw16XorU { memarg } => self.atomic_rmw(&memarg, I32, I16, Op(Xor))?,
            O::I64AtomicRmw8XorU { memarg } => self.atomic_rmw(&memarg, I64, I8, Op(Xor))?,
            O::I64AtomicRmw16XorU { memarg } => self.atomic_rmw(&memarg, I64, I16, Op(Xor))?,
            O::I64AtomicRmw32XorU { memarg } => self.atomic_rmw(&memarg, I64, I32, Op(Xor))?,

            O::I32AtomicRmwXchg { memarg } => self.atomic_rmw(&memarg, I32, I32, Op(Xchg))?,
            O::I64AtomicRmwXchg { memarg } => self.atomic_rmw(&memarg, I64, I64, Op(Xchg))?,
            O::I32AtomicRmw8XchgU { memarg } => self.atomic_rmw(&memarg, I32, I8, Op(Xchg))?,
            O::I32AtomicRmw16XchgU { memarg } => self.atomic_rmw(&memarg, I32, I16, Op(Xchg))?,
            O::I64AtomicRmw8XchgU { memarg } => self.atomic_rmw(&memarg, I64, I8, Op(Xchg))?,
            O::I64AtomicRmw16XchgU { memarg } => self.atomic_rmw(&memarg, I64, I16, Op(Xchg))?,
            O::I64AtomicRmw32XchgU { memarg } => self.atomic_rmw(&memarg, I64, I32, Op(Xchg))?,

            O::I32AtomicRmwCmpxchg { memarg } => self.atomic_rmw(&memarg, I32, I32, Cmpxchg)?,
            O::I64AtomicRmwCmpxchg { memarg } => self.atomic_rmw(&memarg, I64, I64, Cmpxchg)?,
            O::I32AtomicRmw8CmpxchgU { memarg } => self.atomic_rmw(&memarg, I32, I8, Cmpxchg)?,
            O::I32AtomicRmw16CmpxchgU { memarg } => self.atomic_rmw(&memarg, I32, I16, Cmpxchg)?,
            O::I64AtomicRmw8CmpxchgU { memarg } => self.atomic_rmw(&memarg, I64, I8, Cmpxchg)?,
            O::I64AtomicRmw16CmpxchgU { memarg } => self.atomic_rmw(&memarg, I64, I16, Cmpxchg)?,
            O::I64AtomicRmw32CmpxchgU { memarg } => self.atomic_rmw(&memarg, I64, I32, Cmpxchg)?,
            _ => return Ok(false),
        }
        Ok(true)
    }
}
