//! Operators that touch the VM context: linear memory, tables, globals, calls, and the
//! runtime's builtins. Every offset comes from `wasmc_abi::vm`.

use cranelift_codegen::ir::{
    Endianness, InstBuilder, MemFlagsData, Type, Value,
    condcodes::IntCC,
    types::{F32, F64, I8, I16, I32, I64},
};
use cranelift_codegen::isa::CallConv;
use wasmparser::{MemArg, Operator};

use super::exceptions::Callee;
use super::{CallSite, FuncTranslator, trap};
use crate::abi::{Builtin, POINTER};
use crate::error::CompileError;
use wasmc_abi::vm::{TrapCode, WASM_PAGE_SIZE, funcref, memory, store, table, vmctx};

/// Flags of loads of VM data that never changes after instantiation: the VM context's
/// fields, the pointer arrays they point to, and memory base addresses.
pub(super) const VM_CONST: MemFlagsData = MemFlagsData::trusted().with_readonly().with_can_move();
/// Flags of loads and stores of mutable VM data (table bounds, memory length, globals).
const VM_MUT: MemFlagsData = MemFlagsData::trusted();

/// Flags of linear-memory accesses: little-endian, faulting accesses trap as out of bounds.
pub(super) fn heap_flags() -> MemFlagsData {
    MemFlagsData::new()
        .with_endianness(Endianness::Little)
        .with_trap_code(Some(trap(TrapCode::MemoryOutOfBounds)))
}

impl FuncTranslator<'_, '_, '_> {
    /// Loads a pointer-sized constant field at `base + offset`.
    pub(super) fn vm_const(&mut self, base: Value, offset: i32) -> Value {
        self.builder.ins().load(POINTER, VM_CONST, base, offset)
    }

    /// Loads entry `index` of the pointer array at VM context offset `array`.
    pub(super) fn vm_array_entry(&mut self, array: i32, index: u32) -> Value {
        let vmctx = self.vmctx;
        let base = self.vm_const(vmctx, array);
        self.vm_const(base, (index * 8) as i32)
    }

    pub(super) fn memory_def(&mut self, mem: u32) -> Value {
        self.vm_array_entry(vmctx::MEMORIES, mem)
    }

    fn table_def(&mut self, t: u32) -> Value {
        self.vm_array_entry(vmctx::TABLES, t)
    }

    /// Whether memory `mem` has 64-bit addresses (memory64).
    pub(super) fn memory64(&self, mem: u32) -> bool {
        self.env.info.memories[mem as usize].memory64
    }

    /// Whether table `t` has 64-bit indices (memory64's `table64`).
    fn table64(&self, t: u32) -> bool {
        self.env.info.tables[t as usize].table64
    }

    /// An address, index or length operand as an `i64`: zero-extended from the `i32` of a
    /// 32-bit memory or table, as is for a 64-bit one.
    pub(super) fn index64(&mut self, v: Value, wide: bool) -> Value {
        if wide { v } else { self.zext64(v) }
    }

    /// A size or old size (`memory.size/grow`, `table.size/grow`, an `i64` here) as the
    /// index type's value: truncated to `i32` unless `wide`.
    fn index_result(&mut self, v: Value, wide: bool) -> Value {
        if wide { v } else { self.builder.ins().ireduce(I32, v) }
    }

    /// Computes the native address of a memory access of `size` bytes and the static offset
    /// to fold into the load or store. Guard pages make explicit bounds checks unnecessary
    /// for 32-bit memories (see `abi::MEMORY_RESERVATION`); a 64-bit memory's access traps
    /// unless `index + offset + size <= length`, the additions checked for overflow.
    pub(super) fn heap_addr(
        &mut self,
        memarg: &MemArg,
        size: u32,
    ) -> Result<(Value, i32), CompileError> {
        let wasmparser::MemArgTarget::Memory(mem) = memarg.target else {
            return Err(self.unsupported("memory access to a GC array"));
        };
        let index = self.pop();
        let def = self.memory_def(mem);
        let base = self.vm_const(def, memory::BASE);
        let index = if self.memory64(mem) {
            self.check_bounds(def, index, memarg.offset, size);
            index
        } else {
            self.builder.ins().uextend(I64, index)
        };
        let addr = self.builder.ins().iadd(base, index);
        if memarg.offset <= i32::MAX as u64 {
            Ok((addr, memarg.offset as i32))
        } else {
            let addr = self.builder.ins().iadd_imm_u(addr, memarg.offset as i64);
            Ok((addr, 0))
        }
    }

    /// Traps "out of bounds memory access" unless `index + offset + size <= length` of the
    /// memory `def` (an `i64` index; the additions overflow-checked): the explicit check of
    /// memory64 accesses, which have no guard region behind them.
    pub(super) fn check_bounds(&mut self, def: Value, index: Value, offset: u64, size: u32) {
        let code = trap(TrapCode::MemoryOutOfBounds);
        let offset = self.builder.ins().iconst(I64, offset as i64);
        let end = self.builder.ins().uadd_overflow_trap(index, offset, code);
        let size = self.builder.ins().iconst(I64, i64::from(size));
        let end = self.builder.ins().uadd_overflow_trap(end, size, code);
        let len = self.builder.ins().load(I64, VM_MUT, def, memory::LENGTH);
        let oob = self.builder.ins().icmp(IntCC::UnsignedGreaterThan, end, len);
        self.builder.ins().trapnz(oob, code);
    }

    /// `ty.load` with the given extension (`ext` is the in-memory type, `signed` its
    /// extension) into a value of type `ty`.
    pub(super) fn load(
        &mut self,
        memarg: &MemArg,
        ty: Type,
        mem_ty: Type,
        signed: bool,
    ) -> Result<(), CompileError> {
        let (addr, offset) = self.heap_addr(memarg, mem_ty.bytes())?;
        let flags = heap_flags();
        let ins = self.builder.ins();
        let v = match (ty == mem_ty, mem_ty, signed) {
            (true, ..) => ins.load(ty, flags, addr, offset),
            (false, I8, true) => ins.sload8(ty, flags, addr, offset),
            (false, I8, false) => ins.uload8(ty, flags, addr, offset),
            (false, I16, true) => ins.sload16(ty, flags, addr, offset),
            (false, I16, false) => ins.uload16(ty, flags, addr, offset),
            (false, I32, true) => ins.sload32(flags, addr, offset),
            (false, I32, false) => ins.uload32(flags, addr, offset),
            _ => unreachable!("no such load"),
        };
        self.push(v);
        Ok(())
    }

    pub(super) fn store(&mut self, memarg: &MemArg, mem_ty: Type) -> Result<(), CompileError> {
        let value = self.pop();
        let (addr, offset) = self.heap_addr(memarg, mem_ty.bytes())?;
        let flags = heap_flags();
        let ty = self.builder.func.dfg.value_type(value);
        let ins = self.builder.ins();
        match (ty == mem_ty, mem_ty) {
            (true, _) => ins.store(flags, value, addr, offset),
            (false, I8) => ins.istore8(flags, value, addr, offset),
            (false, I16) => ins.istore16(flags, value, addr, offset),
            (false, I32) => ins.istore32(flags, value, addr, offset),
            _ => unreachable!("no such store"),
        };
        Ok(())
    }

    /// Calls a runtime builtin through `VMContext::builtins`; returns its result.
    /// Records a call that may be a safepoint (for the may-GC analysis and the spiller);
    /// objects allocated before it are no longer fresh.
    pub(super) fn record_call_site(&mut self, call: cranelift_codegen::ir::Inst, site: CallSite) {
        self.call_sites.push((call, site));
        self.safepoint_epoch += 1;
    }

    pub(super) fn call_builtin(&mut self, b: Builtin, args: &[Value]) -> Value {
        let sig = match self.builtin_sigs.get(&b) {
            Some(s) => *s,
            None => {
                let s = self.builder.import_signature(b.signature(CallConv::SystemV));
                self.builtin_sigs.insert(b, s);
                s
            }
        };
        let vmctx = self.vmctx;
        let table = self.vm_const(vmctx, vmctx::BUILTINS);
        let f = self.vm_const(table, (b.index() * 8) as i32);
        let mut all = vec![vmctx];
        all.extend_from_slice(args);
        let call = self.builder.ins().call_indirect(sig, f, &all);
        self.builder.inst_results(call)[0]
    }

    /// Calls a builtin that returns a status and traps with `code` when it is nonzero.
    fn call_checked_builtin(&mut self, b: Builtin, args: &[Value], code: TrapCode) {
        let status = self.call_builtin(b, args);
        self.builder.ins().trapnz(status, trap(code));
    }

    fn iconst32(&mut self, v: u32) -> Value {
        self.builder.ins().iconst(I32, v as i64)
    }

    fn zext64(&mut self, v: Value) -> Value {
        self.builder.ins().uextend(I64, v)
    }

    /// The 8-byte cell of global `g`.
    fn global_cell(&mut self, g: u32) -> Value {
        self.vm_array_entry(vmctx::GLOBALS, g)
    }

    /// Bounds-checks `index` (of table `t`'s index type) against the table; returns the
    /// element's address.
    fn table_elem_addr(&mut self, t: u32, index: Value, code: TrapCode) -> Value {
        let def = self.table_def(t);
        let len = self.builder.ins().load(I64, VM_MUT, def, table::LENGTH);
        let index = self.index64(index, self.table64(t));
        let oob = self.builder.ins().icmp(IntCC::UnsignedGreaterThanOrEqual, index, len);
        self.builder.ins().trapnz(oob, trap(code));
        let base = self.builder.ins().load(POINTER, VM_MUT, def, table::BASE);
        let scaled = self.builder.ins().ishl_imm_u(index, 3);
        self.builder.ins().iadd(base, scaled)
    }

    /// Traps with `code` if `v` is zero, as `trapz` does, first leaving the `i64` `operand`
    /// in the store context (`VMStoreContext::trap_operand`) for the runtime to name in the
    /// trap's message. The store is in a cold block: the hot path is `trapz`'s one compare
    /// and branch.
    fn trapz_with_operand(&mut self, v: Value, operand: Value, code: TrapCode) {
        let zero = self.builder.create_block();
        let nonzero = self.builder.create_block();
        self.builder.set_cold_block(zero);
        self.builder.ins().brif(v, nonzero, &[], zero, &[]);
        self.builder.switch_to_block(zero);
        self.builder.seal_block(zero);
        let vmctx = self.vmctx;
        let st = self.vm_const(vmctx, vmctx::STORE);
        self.builder.ins().store(MemFlagsData::trusted(), operand, st, store::TRAP_OPERAND);
        self.builder.ins().trap(trap(code));
        self.builder.switch_to_block(nonzero);
        self.builder.seal_block(nonzero);
    }

    /// Calls `code` with the Wasm calling convention: `(callee_vmctx, caller_vmctx, args)`.
    /// With `tail` it is a tail call (see `emit_call`).
    fn call_wasm_indirect(
        &mut self,
        ty: u32,
        code: Value,
        callee_vmctx: Value,
        n: usize,
        site: CallSite,
        tail: bool,
    ) {
        let sig = self.wasm_sig_ref(ty);
        let mut args = vec![callee_vmctx, self.vmctx];
        args.extend_from_slice(self.peekn(n));
        self.stack.truncate(self.stack.len() - n);
        let (call, results) = self.emit_call(Callee::Indirect(sig, code), &args, tail);
        self.record_call_site(call, site);
        if !tail {
            self.push_call_results(&results, ty);
        }
    }

    /// Pushes the results of a call of Wasm function type `ty`, marking GC references.
    fn push_call_results(&mut self, results: &[Value], ty: u32) {
        let ft = self.env.info.func_type_at(ty).clone();
        for (v, t) in results.iter().zip(&ft.results) {
            if self.is_gc(*t) {
                self.mark_ref(*v);
            }
        }
        self.stack.extend_from_slice(results);
    }

    fn translate_call(&mut self, f: u32, tail: bool) {
        let info = self.env.info;
        let ty = info.meta.funcs[f as usize];
        let n = info.func_type_at(ty).params.len();
        if f < info.num_imported_funcs() {
            let fr = self.vm_array_entry(vmctx::FUNCREFS, f);
            let code = self.vm_const(fr, funcref::CODE);
            let callee_vmctx = self.vm_const(fr, funcref::VMCTX);
            self.call_wasm_indirect(ty, code, callee_vmctx, n, CallSite::Import(f), tail);
            return;
        }
        let func_ref = match self.direct_funcs.get(&f) {
            Some(r) => *r,
            None => {
                let sig = self.wasm_sig_ref(ty);
                let def = (f - info.num_imported_funcs()) as usize;
                let name = self.builder.func.declare_imported_user_function(
                    cranelift_codegen::ir::UserExternalName::new(0, self.env.func_names[def]),
                );
                let r = self.builder.import_function(cranelift_codegen::ir::ExtFuncData {
                    name: cranelift_codegen::ir::ExternalName::user(name),
                    signature: sig,
                    colocated: true,
                    patchable: false,
                });
                self.direct_funcs.insert(f, r);
                r
            }
        };
        let mut args = vec![self.vmctx, self.vmctx];
        args.extend_from_slice(self.peekn(n));
        self.stack.truncate(self.stack.len() - n);
        let (call, results) = self.emit_call(Callee::Direct(func_ref), &args, tail);
        self.record_call_site(call, CallSite::Direct(f));
        if !tail {
            self.push_call_results(&results, ty);
        }
    }

    /// `call_ref` (or `return_call_ref` with `tail`) of type `ty`.
    fn translate_call_ref(&mut self, ty: u32, tail: bool) {
        let fr = self.pop();
        self.builder.ins().trapz(fr, trap(TrapCode::NullFunctionReference));
        let ro = MemFlagsData::trusted().with_readonly();
        let code = self.builder.ins().load(POINTER, ro, fr, funcref::CODE);
        let callee_vmctx = self.builder.ins().load(POINTER, ro, fr, funcref::VMCTX);
        let n = self.env.info.func_type_at(ty).params.len();
        self.call_wasm_indirect(ty, code, callee_vmctx, n, CallSite::CallRef(ty), tail);
    }

    fn translate_call_indirect(&mut self, ty: u32, t: u32, tail: bool) {
        let index = self.pop();
        let constant = if self.table64(t) { None } else { self.const_of(index) };
        let site = CallSite::Indirect { table: t, ty, index: constant };
        let addr = self.table_elem_addr(t, index, TrapCode::UndefinedElement);
        let fr = self.builder.ins().load(POINTER, VM_MUT, addr, 0);
        // A null element traps with its index in the message (`uninitialized element 2`, as
        // the reference interpreter words it).
        let operand = self.index64(index, self.table64(t));
        self.trapz_with_operand(fr, operand, TrapCode::UninitializedElement);
        // Signature check (spec §4.4.8 `call_indirect`: the actual type must match the
        // expected one, i.e. be a subtype of it).
        let actual = self.builder.ins().load(
            POINTER,
            MemFlagsData::trusted().with_readonly(),
            fr,
            funcref::RTT,
        );
        self.check_rtt_subtype(actual, ty, TrapCode::IndirectCallTypeMismatch);
        let ro = MemFlagsData::trusted().with_readonly();
        let code = self.builder.ins().load(POINTER, ro, fr, funcref::CODE);
        let callee_vmctx = self.builder.ins().load(POINTER, ro, fr, funcref::VMCTX);
        let n = self.env.info.func_type_at(ty).params.len();
        self.call_wasm_indirect(ty, code, callee_vmctx, n, site, tail);
    }

    /// The RTT of module type `ty` (canonical, so comparable across modules).
    pub(super) fn type_rtt(&mut self, ty: u32) -> Value {
        self.vm_array_entry(vmctx::RTTS, ty)
    }

    /// Traps with `code` unless the RTT `actual` is that of module type `ty` or of one of its
    /// subtypes: equality first; for a non-final type, the supertype display entry at the
    /// type's depth (DESIGN.md "References and objects").
    pub(super) fn check_rtt_subtype(&mut self, actual: Value, ty: u32, code: TrapCode) {
        let expected = self.type_rtt(ty);
        let info = self.env.info;
        if info.meta.types[ty as usize].is_final {
            let ne = self.builder.ins().icmp(IntCC::NotEqual, actual, expected);
            self.builder.ins().trapnz(ne, trap(code));
            return;
        }
        let depth = info.type_depth[ty as usize];
        let slow = self.builder.create_block();
        let done = self.builder.create_block();
        let eq = self.builder.ins().icmp(IntCC::Equal, actual, expected);
        self.builder.ins().brif(eq, done, &[], slow, &[]);
        self.builder.seal_block(slow);
        self.builder.switch_to_block(slow);
        self.builder.set_cold_block(slow);
        let ro = MemFlagsData::trusted().with_readonly();
        if depth > 0 {
            let actual_depth =
                self.builder.ins().load(I32, ro, actual, wasmc_abi::layout::rtt::DEPTH);
            let short =
                self.builder.ins().icmp_imm_u(IntCC::UnsignedLessThan, actual_depth, depth as i64);
            self.builder.ins().trapnz(short, trap(code));
        }
        let entry = wasmc_abi::layout::rtt::display_entry(depth);
        let ancestor = self.builder.ins().load(POINTER, ro, actual, entry);
        let ne = self.builder.ins().icmp(IntCC::NotEqual, ancestor, expected);
        self.builder.ins().trapnz(ne, trap(code));
        self.builder.ins().jump(done, &[]);
        self.builder.seal_block(done);
        self.builder.switch_to_block(done);
    }

    /// Translates the operators that need the VM context.
    pub(super) fn env_operator(&mut self, op: Operator<'_>) -> Result<(), CompileError> {
        use Operator as O;
        match op {
            O::I32Load { memarg } => self.load(&memarg, I32, I32, false)?,
            O::I64Load { memarg } => self.load(&memarg, I64, I64, false)?,
            O::F32Load { memarg } => self.load(&memarg, F32, F32, false)?,
            O::F64Load { memarg } => self.load(&memarg, F64, F64, false)?,
            O::I32Load8S { memarg } => self.load(&memarg, I32, I8, true)?,
            O::I32Load8U { memarg } => self.load(&memarg, I32, I8, false)?,
            O::I32Load16S { memarg } => self.load(&memarg, I32, I16, true)?,
            O::I32Load16U { memarg } => self.load(&memarg, I32, I16, false)?,
            O::I64Load8S { memarg } => self.load(&memarg, I64, I8, true)?,
            O::I64Load8U { memarg } => self.load(&memarg, I64, I8, false)?,
            O::I64Load16S { memarg } => self.load(&memarg, I64, I16, true)?,
            O::I64Load16U { memarg } => self.load(&memarg, I64, I16, false)?,
            O::I64Load32S { memarg } => self.load(&memarg, I64, I32, true)?,
            O::I64Load32U { memarg } => self.load(&memarg, I64, I32, false)?,
            O::I32Store { memarg } => self.store(&memarg, I32)?,
            O::I64Store { memarg } => self.store(&memarg, I64)?,
            O::F32Store { memarg } => self.store(&memarg, F32)?,
            O::F64Store { memarg } => self.store(&memarg, F64)?,
            O::I32Store8 { memarg } | O::I64Store8 { memarg } => self.store(&memarg, I8)?,
            O::I32Store16 { memarg } | O::I64Store16 { memarg } => self.store(&memarg, I16)?,
            O::I64Store32 { memarg } => self.store(&memarg, I32)?,

            O::MemorySize { mem } => {
                let def = self.memory_def(mem);
                let len = self.builder.ins().load(I64, VM_MUT, def, memory::LENGTH);
                let pages =
                    self.builder.ins().ushr_imm_u(len, WASM_PAGE_SIZE.trailing_zeros() as i64);
                let v = self.index_result(pages, self.memory64(mem));
                self.push(v);
            }
            O::MemoryGrow { mem } => {
                let wide = self.memory64(mem);
                let delta = self.pop();
                let delta = self.index64(delta, wide);
                let m = self.iconst32(mem);
                let old = self.call_builtin(Builtin::MemoryGrow, &[m, delta]);
                let v = self.index_result(old, wide);
                self.push(v);
            }
            O::MemoryFill { mem } => {
                let wide = self.memory64(mem);
                let (dst, val, len) = self.pop3();
                let m = self.iconst32(mem);
                let dst = self.index64(dst, wide);
                let len = self.index64(len, wide);
                self.call_checked_builtin(
                    Builtin::MemoryFill,
                    &[m, dst, val, len],
                    TrapCode::MemoryOutOfBounds,
                );
            }
            O::MemoryCopy { dst_mem, src_mem } => {
                // Each address has its memory's index type; the length is an i64 only when
                // both are 64-bit (memory64 proposal, "memory.copy").
                let (dst64, src64) = (self.memory64(dst_mem), self.memory64(src_mem));
                let (dst, src, len) = self.pop3();
                let dm = self.iconst32(dst_mem);
                let sm = self.iconst32(src_mem);
                let dst = self.index64(dst, dst64);
                let src = self.index64(src, src64);
                let len = self.index64(len, dst64 && src64);
                self.call_checked_builtin(
                    Builtin::MemoryCopy,
                    &[dm, sm, dst, src, len],
                    TrapCode::MemoryOutOfBounds,
                );
            }
            O::MemoryInit { data_index, mem } => {
                let (dst, src, len) = self.pop3();
                let m = self.iconst32(mem);
                let d = self.iconst32(data_index);
                let dst = self.index64(dst, self.memory64(mem));
                self.call_checked_builtin(
                    Builtin::MemoryInit,
                    &[m, d, dst, src, len],
                    TrapCode::MemoryOutOfBounds,
                );
            }
            O::DataDrop { data_index } => {
                let d = self.iconst32(data_index);
                self.call_builtin(Builtin::DataDrop, &[d]);
            }

            O::GlobalGet { global_index } => {
                let ty = crate::abi::clif_type(self.env.info.globals[global_index as usize].ty);
                let mutable = self.env.info.globals[global_index as usize].mutable;
                let is_gc = self.is_gc(self.env.info.globals[global_index as usize].ty);
                let cell = self.global_cell(global_index);
                // An immutable global of a GC type still changes: the collector rewrites
                // it when its object moves, so its load must not be hoisted or merged
                // across a safepoint (`readonly`/`can_move`, Wasmtime #13381).
                let flags = if mutable || is_gc { VM_MUT } else { VM_CONST };
                let v = self.builder.ins().load(ty, flags, cell, 0);
                if is_gc {
                    self.mark_ref(v);
                }
                self.push(v);
            }
            O::GlobalSet { global_index } => {
                let v = self.pop();
                let cell = self.global_cell(global_index);
                self.builder.ins().store(VM_MUT, v, cell, 0);
            }

            O::TableGet { table: t } => {
                let index = self.pop();
                let addr = self.table_elem_addr(t, index, TrapCode::TableOutOfBounds);
                let v = self.builder.ins().load(POINTER, VM_MUT, addr, 0);
                let elem = wasmc_abi::meta::ValType::Ref(self.env.info.tables[t as usize].element);
                if self.is_gc(elem) {
                    self.mark_ref(v);
                }
                self.push(v);
            }
            O::TableSet { table: t } => {
                self.tables_written.push(t);
                let (index, value) = self.pop2();
                let addr = self.table_elem_addr(t, index, TrapCode::TableOutOfBounds);
                self.builder.ins().store(VM_MUT, value, addr, 0);
            }
            O::TableSize { table: t } => {
                let def = self.table_def(t);
                let len = self.builder.ins().load(I64, VM_MUT, def, table::LENGTH);
                let v = self.index_result(len, self.table64(t));
                self.push(v);
            }
            O::TableGrow { table: t } => {
                self.tables_written.push(t);
                let wide = self.table64(t);
                let (init, delta) = self.pop2();
                let tv = self.iconst32(t);
                let delta = self.index64(delta, wide);
                let old = self.call_builtin(Builtin::TableGrow, &[tv, init, delta]);
                let v = self.index_result(old, wide);
                self.push(v);
            }
            O::TableFill { table: t } => {
                self.tables_written.push(t);
                let wide = self.table64(t);
                let (dst, val, len) = self.pop3();
                let tv = self.iconst32(t);
                let dst = self.index64(dst, wide);
                let len = self.index64(len, wide);
                self.call_checked_builtin(
                    Builtin::TableFill,
                    &[tv, dst, val, len],
                    TrapCode::TableOutOfBounds,
                );
            }
            O::TableCopy { dst_table, src_table } => {
                self.tables_written.push(dst_table);
                let (dst64, src64) = (self.table64(dst_table), self.table64(src_table));
                let (dst, src, len) = self.pop3();
                let dt = self.iconst32(dst_table);
                let st = self.iconst32(src_table);
                let dst = self.index64(dst, dst64);
                let src = self.index64(src, src64);
                let len = self.index64(len, dst64 && src64);
                self.call_checked_builtin(
                    Builtin::TableCopy,
                    &[dt, st, dst, src, len],
                    TrapCode::TableOutOfBounds,
                );
            }
            O::TableInit { elem_index, table: t } => {
                self.tables_written.push(t);
                let (dst, src, len) = self.pop3();
                let tv = self.iconst32(t);
                let e = self.iconst32(elem_index);
                let dst = self.index64(dst, self.table64(t));
                self.call_checked_builtin(
                    Builtin::TableInit,
                    &[tv, e, dst, src, len],
                    TrapCode::TableOutOfBounds,
                );
            }
            O::ElemDrop { elem_index } => {
                let e = self.iconst32(elem_index);
                self.call_builtin(Builtin::ElemDrop, &[e]);
            }

            O::RefFunc { function_index } => {
                let v = self.vm_array_entry(vmctx::FUNCREFS, function_index);
                self.push(v);
            }
            O::Call { function_index } => self.translate_call(function_index, false),
            O::ReturnCall { function_index } => self.translate_call(function_index, true),
            O::CallRef { type_index } => self.translate_call_ref(type_index, false),
            O::ReturnCallRef { type_index } => self.translate_call_ref(type_index, true),
            O::CallIndirect { type_index, table_index } => {
                self.translate_call_indirect(type_index, table_index, false)
            }
            O::ReturnCallIndirect { type_index, table_index } => {
                self.translate_call_indirect(type_index, table_index, true)
            }
            other if self.atomic_operator(&other)? => {}
            other if self.simd_operator(&other)? => {}
            other => {
                let name = format!("{other:?}");
                let name = name.split([' ', '{', '(']).next().unwrap_or("?").to_string();
                return Err(self.unsupported(format!("instruction `{name}`")));
            }
        }
        Ok(())
    }
}
