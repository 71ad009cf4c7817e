//! Lowering of the GC proposal: allocation (inline bump with a slow-path call through the
//! module's GC adapter), field and element access, `i31`, `ref.eq`, casts and the
//! `extern`/`any` conversions. Every offset comes from `gc::layout`.
//!
//! Rules a moving collector imposes on this lowering (DESIGN.md, Wasmtime #13381 #13450):
//! loads from GC objects are never `readonly` or `can_move` (objects move and are mutable),
//! and no raw interior address of an object is live across a safepoint — element addresses
//! are recomputed from the (reloaded) object reference after every call.

use cranelift_codegen::ir::{
    BlockArg, InstBuilder, MemFlagsData, Type, Value,
    condcodes::IntCC,
    types::{I8, I32, I64},
};
use wasmc_abi::layout::{
    self, ARRAY_DATA_OFFSET, ARRAY_LENGTH_OFFSET, HEADER_OFFSET, LARGE_OBJECT_THRESHOLD,
    OBJECT_ALIGN, ObjectLayout,
};
use wasmc_abi::meta::{CompositeType, FieldType, HeapType, RefType, StorageType, ValType};
use wasmc_abi::vm::{TrapCode, store, vmctx};
use wasmparser::Operator;

use super::{CallSite, FuncTranslator, trap};
use crate::abi::{POINTER, clif_type};
use crate::error::CompileError;

/// Flags of accesses to GC object memory: in bounds and aligned, but neither `readonly` nor
/// `can_move` (Wasmtime #13381).
const GC_MEM: MemFlagsData = MemFlagsData::trusted();
/// Flags of `v128` fields and elements: objects are 8-byte aligned, so a 16-byte field is
/// not known to be 16-byte aligned (an SSE instruction may not fold an unaligned load).
const GC_MEM_V128: MemFlagsData = MemFlagsData::new().with_notrap();

/// The flags of an access to a field of storage type `s`.
fn field_flags(s: StorageType) -> MemFlagsData {
    if s == StorageType::Val(ValType::V128) { GC_MEM_V128 } else { GC_MEM }
}

/// The segment an `array.*_data` / `array.*_elem` instruction reads.
#[derive(Clone, Copy)]
enum SegmentKind {
    /// A data segment index.
    Data(u32),
    /// An element segment index.
    Elem(u32),
}

/// CLIF type in which a field of storage type `s` lives on the operand stack.
fn stack_type(s: StorageType) -> Type {
    match s {
        StorageType::I8 | StorageType::I16 => I32,
        StorageType::Val(v) => clif_type(v),
    }
}

impl FuncTranslator<'_, '_, '_> {
    fn layout(&self, ty: u32) -> &ObjectLayout {
        self.env.info.layouts[ty as usize].as_ref().expect("validated: an aggregate type")
    }

    fn struct_fields(&self, ty: u32) -> &[FieldType] {
        match &self.env.info.meta.types[ty as usize].composite {
            CompositeType::Struct(f) => f,
            _ => unreachable!("validated: a struct type"),
        }
    }

    fn array_elem(&self, ty: u32) -> FieldType {
        match &self.env.info.meta.types[ty as usize].composite {
            CompositeType::Array(e) => *e,
            _ => unreachable!("validated: an array type"),
        }
    }

    /// Whether values of field storage `s` are GC references.
    fn storage_is_gc(&self, s: StorageType) -> bool {
        matches!(s, StorageType::Val(v) if self.is_gc(v))
    }

    /// Stores a field value at `addr + offset`, narrowing packed types.
    pub(super) fn store_field(&mut self, s: StorageType, value: Value, addr: Value, offset: i32) {
        let ins = self.builder.ins();
        match s {
            StorageType::I8 => ins.istore8(GC_MEM, value, addr, offset),
            StorageType::I16 => ins.istore16(GC_MEM, value, addr, offset),
            StorageType::Val(_) => ins.store(field_flags(s), value, addr, offset),
        };
    }

    /// Loads a field value at `addr + offset`, extending packed types as `signed` says.
    pub(super) fn load_field(
        &mut self,
        s: StorageType,
        addr: Value,
        offset: i32,
        signed: bool,
    ) -> Value {
        let v = match (s, signed) {
            (StorageType::I8, true) => self.builder.ins().sload8(I32, GC_MEM, addr, offset),
            (StorageType::I8, false) => self.builder.ins().uload8(I32, GC_MEM, addr, offset),
            (StorageType::I16, true) => self.builder.ins().sload16(I32, GC_MEM, addr, offset),
            (StorageType::I16, false) => self.builder.ins().uload16(I32, GC_MEM, addr, offset),
            (StorageType::Val(v), _) => {
                self.builder.ins().load(clif_type(v), field_flags(s), addr, offset)
            }
        };
        if self.storage_is_gc(s) {
            self.mark_ref(v);
        }
        v
    }

    /// Allocates `size` bytes (an i64, a multiple of 8) for an object of type `ty` and writes
    /// its header. Inline bump allocation; the slow path calls the module's GC adapter (a
    /// safepoint) when the window is exhausted or the object is large.
    fn alloc(&mut self, ty: u32, size: Value, maybe_large: bool) -> Value {
        let rtt = self.type_rtt(ty);
        self.alloc_with_rtt(rtt, size, maybe_large)
    }

    /// [`Self::alloc`] for an object whose RTT is the value `rtt` (immortal, so it may be
    /// used across the slow path's safepoint).
    pub(super) fn alloc_with_rtt(&mut self, rtt: Value, size: Value, maybe_large: bool) -> Value {
        let vmctx = self.vmctx;
        let st = self.vm_const(vmctx, vmctx::STORE);
        let bump = self.builder.ins().load(POINTER, GC_MEM, st, store::ALLOC_BUMP);
        let limit = self.builder.ins().load(POINTER, GC_MEM, st, store::ALLOC_LIMIT);
        let end = self.builder.ins().iadd(bump, size);
        let mut fits = self.builder.ins().icmp(IntCC::UnsignedLessThanOrEqual, end, limit);
        if maybe_large {
            let small = self.builder.ins().icmp_imm_u(
                IntCC::UnsignedLessThanOrEqual,
                size,
                LARGE_OBJECT_THRESHOLD as i64,
            );
            fits = self.builder.ins().band(fits, small);
        }
        let fast = self.builder.create_block();
        let slow = self.builder.create_block();
        let done = self.builder.create_block();
        let obj = self.builder.append_block_param(done, POINTER);
        self.builder.ins().brif(fits, fast, &[], slow, &[]);
        self.builder.seal_block(fast);
        self.builder.seal_block(slow);

        self.builder.switch_to_block(fast);
        self.builder.ins().store(GC_MEM, end, st, store::ALLOC_BUMP);
        self.builder.ins().jump(done, &[BlockArg::Value(bump)]);

        self.builder.switch_to_block(slow);
        self.builder.set_cold_block(slow);
        let adapter = self.gc_adapter_ref();
        let call = self.builder.ins().call(adapter, &[vmctx, rtt, size]);
        self.record_call_site(call, CallSite::GcBuiltin);
        let p = self.builder.inst_results(call)[0];
        self.builder.ins().jump(done, &[BlockArg::Value(p)]);

        self.builder.seal_block(done);
        self.builder.switch_to_block(done);
        self.builder.ins().store(GC_MEM, rtt, obj, HEADER_OFFSET);
        self.mark_ref(obj);
        let here = self.builder.current_block().expect("translating a block");
        self.fresh.insert(obj, (here, self.safepoint_epoch));
        obj
    }

    /// Whether `obj` was allocated in the current block with no safepoint since, so that a
    /// store into it needs no write barrier: it is in the nursery, or (a large object)
    /// scanned whole by the next minor collection (GC-NOTES.md §2, V8's initializing-store
    /// elision).
    fn is_fresh(&self, obj: Value) -> bool {
        let here = self.builder.current_block();
        self.fresh.get(&obj).is_some_and(|&(b, e)| Some(b) == here && e == self.safepoint_epoch)
    }

    /// Whether the reference `v` is provably below 2³² (null, an `i31ref`, any value
    /// zero-extended from 32 bits), hence never young (`wasmc_abi::attrs::YoungRange`): a
    /// store of it needs no write barrier.
    fn is_never_young(&self, v: Value) -> bool {
        use cranelift_codegen::ir::{InstructionData, Opcode, ValueDef};
        let dfg = &self.builder.func.dfg;
        let ValueDef::Result(inst, _) = dfg.value_def(dfg.resolve_aliases(v)) else { return false };
        match dfg.insts[inst] {
            InstructionData::UnaryImm { opcode: Opcode::Iconst, imm } => {
                (imm.bits() as u64) < (1 << 32)
            }
            InstructionData::Unary { opcode: Opcode::Uextend, arg } => dfg.value_type(arg) == I32,
            _ => false,
        }
    }

    /// The young generation's bounds `(start, size)` from the store context (read-only
    /// for the store's lifetime, so these loads may be hoisted and shared).
    fn young_range(&mut self) -> (Value, Value) {
        let vmctx = self.vmctx;
        let st = self.vm_const(vmctx, vmctx::STORE);
        (self.vm_const(st, store::YOUNG_START), self.vm_const(st, store::YOUNG_SIZE))
    }

    /// `p - start <u size`: whether `p` is in the nursery.
    fn is_young(&mut self, p: Value, (start, size): (Value, Value)) -> Value {
        let off = self.builder.ins().isub(p, start);
        self.builder.ins().icmp(IntCC::UnsignedLessThan, off, size)
    }

    /// The write barrier after a store of reference `value` into the field at `addr +
    /// offset` of `obj` (`wasmc_abi::attrs::BarrierKind::StoreBuffer`): if `value` is
    /// young and `obj` is not, the cold, non-safepoint builtin `gc_remember` records the
    /// slot. Elided for a fresh `obj` and a `value` that is never young.
    fn write_barrier(&mut self, obj: Value, addr: Value, offset: i32, value: Value) {
        if self.env.drop_barriers || self.is_fresh(obj) || self.is_never_young(value) {
            return;
        }
        let young = self.young_range();
        let value_young = self.is_young(value, young);
        let check_obj = self.builder.create_block();
        let slow = self.builder.create_block();
        let done = self.builder.create_block();
        self.builder.ins().brif(value_young, check_obj, &[], done, &[]);
        self.builder.seal_block(check_obj);
        self.builder.switch_to_block(check_obj);
        let obj_young = self.is_young(obj, young);
        self.builder.ins().brif(obj_young, done, &[], slow, &[]);
        self.builder.seal_block(slow);
        self.builder.switch_to_block(slow);
        self.builder.set_cold_block(slow);
        let slot = self.builder.ins().iadd_imm_u(addr, offset as i64);
        self.call_builtin(crate::abi::Builtin::GcRemember, &[slot]);
        self.builder.ins().jump(done, &[]);
        self.builder.seal_block(done);
        self.builder.switch_to_block(done);
    }

    /// The bulk write barrier after `count` (i64) reference elements of array `arr` from
    /// address `first` were stored (`array.fill` of `value`, or `array.copy` with `value`
    /// unknown): if `arr` is not young (and `value`, when known, is), the cold builtin
    /// `gc_remember_range` records the slots that now hold young references.
    fn bulk_write_barrier(&mut self, arr: Value, first: Value, count: Value, value: Option<Value>) {
        if self.env.drop_barriers || value.is_some_and(|v| self.is_never_young(v)) {
            return;
        }
        let young = self.young_range();
        let slow = self.builder.create_block();
        let done = self.builder.create_block();
        if let Some(v) = value {
            let value_young = self.is_young(v, young);
            let check_arr = self.builder.create_block();
            self.builder.ins().brif(value_young, check_arr, &[], done, &[]);
            self.builder.seal_block(check_arr);
            self.builder.switch_to_block(check_arr);
        }
        let arr_young = self.is_young(arr, young);
        self.builder.ins().brif(arr_young, done, &[], slow, &[]);
        self.builder.seal_block(slow);
        self.builder.switch_to_block(slow);
        self.builder.set_cold_block(slow);
        self.call_builtin(crate::abi::Builtin::GcRememberRange, &[first, count]);
        self.builder.ins().jump(done, &[]);
        self.builder.seal_block(done);
        self.builder.switch_to_block(done);
    }

    fn null_check(&mut self, r: Value, code: TrapCode) {
        self.builder.ins().trapz(r, trap(code));
    }

    /// Byte size of an array of `len` (i32) elements of `elem_size`; traps "out of memory"
    /// for lengths whose size does not fit the heap's object size limit.
    fn array_bytes(&mut self, len: Value, elem_size: u32) -> Value {
        let len = self.builder.ins().uextend(I64, len);
        let data = self.builder.ins().imul_imm_u(len, elem_size as i64);
        let total =
            self.builder.ins().iadd_imm_u(data, (ARRAY_DATA_OFFSET + OBJECT_ALIGN - 1) as i64);
        let total = self.builder.ins().band_imm_u(total, !(OBJECT_ALIGN as i64 - 1));
        let too_big =
            self.builder.ins().icmp_imm_u(IntCC::UnsignedGreaterThan, total, u32::MAX as i64);
        self.builder.ins().trapnz(too_big, trap(TrapCode::OutOfMemory));
        total
    }

    /// Allocates an array of type `ty` with `len` elements, each set to `init` (or zero).
    fn new_array(&mut self, ty: u32, len: Value, init: Option<Value>) -> Value {
        let elem = self.array_elem(ty);
        let esize = self.layout(ty).size;
        let size = self.array_bytes(len, esize);
        let arr = self.alloc(ty, size, true);
        self.builder.ins().store(GC_MEM, len, arr, ARRAY_LENGTH_OFFSET);
        let value = match init {
            Some(v) => v,
            None => self.zero(stack_type(elem.storage)),
        };
        let start = self.builder.ins().iconst(I32, 0);
        self.fill_loop(arr, elem.storage, esize, start, len, value);
        arr
    }

    /// Stores `value` into elements `[start, start + count)` of `arr` (bounds already
    /// checked), with an inline loop that contains no call.
    fn fill_loop(
        &mut self,
        arr: Value,
        s: StorageType,
        esize: u32,
        start: Value,
        count: Value,
        value: Value,
    ) {
        let header = self.builder.create_block();
        let body = self.builder.create_block();
        let exit = self.builder.create_block();
        let i = self.builder.append_block_param(header, I32);
        let end = self.builder.ins().iadd(start, count);
        self.builder.ins().jump(header, &[BlockArg::Value(start)]);
        self.builder.switch_to_block(header);
        let more = self.builder.ins().icmp(IntCC::UnsignedLessThan, i, end);
        self.builder.ins().brif(more, body, &[], exit, &[]);
        self.builder.seal_block(body);
        self.builder.switch_to_block(body);
        let addr = self.elem_addr(arr, i, esize);
        self.store_field(s, value, addr, ARRAY_DATA_OFFSET as i32);
        let next = self.builder.ins().iadd_imm_u(i, 1);
        self.builder.ins().jump(header, &[BlockArg::Value(next)]);
        self.builder.seal_block(header);
        self.builder.seal_block(exit);
        self.builder.switch_to_block(exit);
    }

    /// `arr + index * esize` (add `ARRAY_DATA_OFFSET` as the access offset).
    fn elem_addr(&mut self, arr: Value, index: Value, esize: u32) -> Value {
        let i = self.builder.ins().uextend(I64, index);
        let scaled = self.builder.ins().imul_imm_u(i, esize as i64);
        self.builder.ins().iadd(arr, scaled)
    }

    fn array_len(&mut self, arr: Value) -> Value {
        self.builder.ins().load(I32, GC_MEM, arr, ARRAY_LENGTH_OFFSET)
    }

    /// Traps "out of bounds array access" unless `[start, start + count)` lies in `arr`.
    fn array_range_check(&mut self, arr: Value, start: Value, count: Value) {
        let len = self.array_len(arr);
        let len = self.builder.ins().uextend(I64, len);
        let s = self.builder.ins().uextend(I64, start);
        let c = self.builder.ins().uextend(I64, count);
        let end = self.builder.ins().iadd(s, c);
        let oob = self.builder.ins().icmp(IntCC::UnsignedGreaterThan, end, len);
        self.builder.ins().trapnz(oob, trap(TrapCode::ArrayOutOfBounds));
    }

    fn array_index_check(&mut self, arr: Value, index: Value) {
        let len = self.array_len(arr);
        let oob = self.builder.ins().icmp(IntCC::UnsignedGreaterThanOrEqual, index, len);
        self.builder.ins().trapnz(oob, trap(TrapCode::ArrayOutOfBounds));
    }

    /// Copies `len` elements from a data or element segment at `src` into `arr` (of type
    /// `ty`) from element `dst`, with the spec's checks: "out of bounds array access" for
    /// the array range, then "out of bounds memory access" (data) or "out of bounds table
    /// access" (elements) for the segment range. A null `arr` checks the segment only.
    /// The builtin never collects, so this is not a safepoint.
    fn array_segment_init(
        &mut self,
        ty: u32,
        seg: SegmentKind,
        arr: Value,
        dst: Value,
        src: Value,
        len: Value,
    ) {
        use crate::abi::Builtin;
        let status = match seg {
            SegmentKind::Data(d) => {
                let d = self.builder.ins().iconst(I32, d as i64);
                let size = self.layout(ty).size;
                let esize = self.builder.ins().iconst(I32, size as i64);
                self.call_builtin(Builtin::ArrayInitData, &[arr, dst, d, src, len, esize])
            }
            SegmentKind::Elem(e) => {
                let e = self.builder.ins().iconst(I32, e as i64);
                self.call_builtin(Builtin::ArrayInitElem, &[arr, dst, e, src, len])
            }
        };
        let array_oob = self.builder.ins().icmp_imm_u(IntCC::Equal, status, 1);
        self.builder.ins().trapnz(array_oob, trap(TrapCode::ArrayOutOfBounds));
        let code = match seg {
            SegmentKind::Data(_) => TrapCode::MemoryOutOfBounds,
            SegmentKind::Elem(_) => TrapCode::TableOutOfBounds,
        };
        self.builder.ins().trapnz(status, trap(code));
    }

    /// An `i8` that is nonzero iff `r` is a value of reference type `target` (`ref.test`).
    pub(super) fn ref_test(&mut self, r: Value, target: RefType) -> Value {
        let done = self.builder.create_block();
        let result = self.builder.append_block_param(done, I8);
        let non_null = self.builder.create_block();
        let yes = self.builder.ins().iconst(I8, target.nullable as i64);
        self.builder.ins().brif(r, non_null, &[], done, &[BlockArg::Value(yes)]);
        self.builder.seal_block(non_null);
        self.builder.switch_to_block(non_null);
        let types = &self.env.info.meta.types;
        let concrete = match target.heap {
            HeapType::Concrete(t) => Some((t, types[t as usize].as_func().is_some())),
            _ => None,
        };
        let v = match (target.heap, concrete) {
            (HeapType::Any | HeapType::Func | HeapType::Extern | HeapType::Exn, _) => {
                self.builder.ins().iconst(I8, 1)
            }
            (HeapType::None | HeapType::NoFunc | HeapType::NoExtern | HeapType::NoExn, _) => {
                self.builder.ins().iconst(I8, 0)
            }
            (HeapType::I31, _) => self.builder.ins().band_imm_u(r, 1),
            (_, Some((t, true))) => {
                let rtt = self.builder.ins().load(
                    POINTER,
                    MemFlagsData::trusted().with_readonly(),
                    r,
                    wasmc_abi::vm::funcref::RTT,
                );
                self.rtt_is_subtype(rtt, t)
            }
            (heap, concrete) => {
                // An object of the any hierarchy: i31 values are tagged, the rest carry
                // their RTT in the header.
                let is_i31 = self.builder.ins().band_imm_u(r, 1);
                let object = self.builder.create_block();
                let i31_result = self.builder.ins().iconst(I8, (heap == HeapType::Eq) as i64);
                let obj_done = self.builder.create_block();
                let res = self.builder.append_block_param(obj_done, I8);
                self.builder.ins().brif(
                    is_i31,
                    obj_done,
                    &[BlockArg::Value(i31_result)],
                    object,
                    &[],
                );
                self.builder.seal_block(object);
                self.builder.switch_to_block(object);
                let rtt = self.builder.ins().load(POINTER, GC_MEM, r, HEADER_OFFSET);
                let v = match (heap, concrete) {
                    (_, Some((t, _))) => self.rtt_is_subtype(rtt, t),
                    (HeapType::Struct | HeapType::Array | HeapType::Eq, _) => {
                        let kind = self.builder.ins().load(
                            I32,
                            MemFlagsData::trusted().with_readonly(),
                            rtt,
                            layout::rtt::KIND,
                        );
                        match heap {
                            HeapType::Struct => self.builder.ins().icmp_imm_u(
                                IntCC::Equal,
                                kind,
                                layout::RttKind::Struct as i64,
                            ),
                            HeapType::Array => self.builder.ins().icmp_imm_u(
                                IntCC::Equal,
                                kind,
                                layout::RttKind::Array as i64,
                            ),
                            _ => {
                                let s = self.builder.ins().icmp_imm_u(
                                    IntCC::Equal,
                                    kind,
                                    layout::RttKind::Struct as i64,
                                );
                                let a = self.builder.ins().icmp_imm_u(
                                    IntCC::Equal,
                                    kind,
                                    layout::RttKind::Array as i64,
                                );
                                self.builder.ins().bor(s, a)
                            }
                        }
                    }
                    _ => self.builder.ins().iconst(I8, 1),
                };
                self.builder.ins().jump(obj_done, &[BlockArg::Value(v)]);
                self.builder.seal_block(obj_done);
                self.builder.switch_to_block(obj_done);
                res
            }
        };
        let v = if self.builder.func.dfg.value_type(v) == I8 {
            v
        } else {
            self.builder.ins().ireduce(I8, v)
        };
        self.builder.ins().jump(done, &[BlockArg::Value(v)]);
        self.builder.seal_block(done);
        self.builder.switch_to_block(done);
        result
    }

    /// An `i8`: whether the RTT `rtt` is that of module type `ty` or of a subtype.
    fn rtt_is_subtype(&mut self, rtt: Value, ty: u32) -> Value {
        let expected = self.type_rtt(ty);
        let eq = self.builder.ins().icmp(IntCC::Equal, rtt, expected);
        if self.env.info.meta.types[ty as usize].is_final {
            return eq;
        }
        let depth = self.env.info.type_depth[ty as usize];
        let done = self.builder.create_block();
        let res = self.builder.append_block_param(done, I8);
        let slow = self.builder.create_block();
        self.builder.ins().brif(eq, done, &[BlockArg::Value(eq)], slow, &[]);
        self.builder.seal_block(slow);
        self.builder.switch_to_block(slow);
        let ro = MemFlagsData::trusted().with_readonly();
        let d = self.builder.ins().load(I32, ro, rtt, layout::rtt::DEPTH);
        let deep =
            self.builder.ins().icmp_imm_u(IntCC::UnsignedGreaterThanOrEqual, d, depth as i64);
        let check = self.builder.create_block();
        let no = self.builder.ins().iconst(I8, 0);
        self.builder.ins().brif(deep, check, &[], done, &[BlockArg::Value(no)]);
        self.builder.seal_block(check);
        self.builder.switch_to_block(check);
        let ancestor = self.builder.ins().load(POINTER, ro, rtt, layout::rtt::display_entry(depth));
        let same = self.builder.ins().icmp(IntCC::Equal, ancestor, expected);
        self.builder.ins().jump(done, &[BlockArg::Value(same)]);
        self.builder.seal_block(done);
        self.builder.switch_to_block(done);
        res
    }

    fn wasm_ref_type(&self, r: wasmparser::RefType) -> RefType {
        crate::module::ref_type(r, 0)
    }

    /// Translates a GC operator; returns whether `op` was one.
    pub(super) fn gc_operator(&mut self, op: &Operator<'_>) -> Result<bool, CompileError> {
        use Operator as O;
        match *op {
            O::StructNew { struct_type_index: t }
            | O::StructNewDefault { struct_type_index: t } => {
                let fields = self.struct_fields(t).to_vec();
                let values: Vec<Value> = if matches!(op, O::StructNew { .. }) {
                    let n = fields.len();
                    let v = self.peekn(n).to_vec();
                    self.stack.truncate(self.stack.len() - n);
                    v
                } else {
                    fields.iter().map(|f| self.zero(stack_type(f.storage))).collect()
                };
                let layout = self.layout(t).clone();
                let size = self.builder.ins().iconst(I64, layout.size as i64);
                let obj = self.alloc(t, size, false);
                for ((f, v), off) in fields.iter().zip(values).zip(&layout.field_offsets) {
                    self.store_field(f.storage, v, obj, *off as i32);
                }
                self.push(obj);
            }
            O::StructGet { struct_type_index: t, field_index: f }
            | O::StructGetS { struct_type_index: t, field_index: f }
            | O::StructGetU { struct_type_index: t, field_index: f } => {
                let obj = self.pop();
                self.null_check(obj, TrapCode::NullStructReference);
                let s = self.struct_fields(t)[f as usize].storage;
                let off = self.layout(t).field_offsets[f as usize] as i32;
                let v = self.load_field(s, obj, off, matches!(op, O::StructGetS { .. }));
                self.push(v);
            }
            O::StructSet { struct_type_index: t, field_index: f } => {
                let (obj, v) = self.pop2();
                self.null_check(obj, TrapCode::NullStructReference);
                let s = self.struct_fields(t)[f as usize].storage;
                let off = self.layout(t).field_offsets[f as usize] as i32;
                self.store_field(s, v, obj, off);
                if self.storage_is_gc(s) {
                    self.write_barrier(obj, obj, off, v);
                }
            }
            O::ArrayNew { array_type_index: t } => {
                let (init, len) = self.pop2();
                let arr = self.new_array(t, len, Some(init));
                self.push(arr);
            }
            O::ArrayNewDefault { array_type_index: t } => {
                let len = self.pop();
                let arr = self.new_array(t, len, None);
                self.push(arr);
            }
            O::ArrayNewFixed { array_type_index: t, array_size: n } => {
                let values = self.peekn(n as usize).to_vec();
                self.stack.truncate(self.stack.len() - n as usize);
                let elem = self.array_elem(t);
                let esize = self.layout(t).size;
                let bytes = layout::array_size(esize, n)
                    .ok_or_else(|| self.unsupported("array.new_fixed too large"))?;
                let size = self.builder.ins().iconst(I64, bytes as i64);
                let arr = self.alloc(t, size, bytes > LARGE_OBJECT_THRESHOLD);
                let len = self.builder.ins().iconst(I32, n as i64);
                self.builder.ins().store(GC_MEM, len, arr, ARRAY_LENGTH_OFFSET);
                for (i, v) in values.into_iter().enumerate() {
                    let off = ARRAY_DATA_OFFSET + i as u32 * esize;
                    self.store_field(elem.storage, v, arr, off as i32);
                }
                self.push(arr);
            }
            O::ArrayGet { array_type_index: t }
            | O::ArrayGetS { array_type_index: t }
            | O::ArrayGetU { array_type_index: t } => {
                let (arr, i) = self.pop2();
                self.null_check(arr, TrapCode::NullArrayReference);
                self.array_index_check(arr, i);
                let elem = self.array_elem(t);
                let esize = self.layout(t).size;
                let addr = self.elem_addr(arr, i, esize);
                let v = self.load_field(
                    elem.storage,
                    addr,
                    ARRAY_DATA_OFFSET as i32,
                    matches!(op, O::ArrayGetS { .. }),
                );
                self.push(v);
            }
            O::ArraySet { array_type_index: t } => {
                let (arr, i, v) = self.pop3();
                self.null_check(arr, TrapCode::NullArrayReference);
                self.array_index_check(arr, i);
                let elem = self.array_elem(t);
                let esize = self.layout(t).size;
                let addr = self.elem_addr(arr, i, esize);
                self.store_field(elem.storage, v, addr, ARRAY_DATA_OFFSET as i32);
                if self.storage_is_gc(elem.storage) {
                    self.write_barrier(arr, addr, ARRAY_DATA_OFFSET as i32, v);
                }
            }
            O::ArrayLen => {
                let arr = self.pop();
                self.null_check(arr, TrapCode::NullArrayReference);
                let len = self.array_len(arr);
                self.push(len);
            }
            O::ArrayFill { array_type_index: t } => {
                let (arr, start, v, n) = {
                    let n = self.pop();
                    let (arr, start, v) = self.pop3();
                    (arr, start, v, n)
                };
                self.null_check(arr, TrapCode::NullArrayReference);
                self.array_range_check(arr, start, n);
                let elem = self.array_elem(t);
                let esize = self.layout(t).size;
                self.fill_loop(arr, elem.storage, esize, start, n, v);
                if self.storage_is_gc(elem.storage) && !self.is_fresh(arr) {
                    let first = self.elem_addr(arr, start, esize);
                    let first = self.builder.ins().iadd_imm_u(first, ARRAY_DATA_OFFSET as i64);
                    let count = self.builder.ins().uextend(I64, n);
                    self.bulk_write_barrier(arr, first, count, Some(v));
                }
            }
            O::ArrayCopy { array_type_index_dst: t, .. } => {
                let (src, soff, n) = self.pop3();
                let (dst, doff) = self.pop2();
                self.null_check(dst, TrapCode::NullArrayReference);
                self.null_check(src, TrapCode::NullArrayReference);
                self.array_range_check(dst, doff, n);
                self.array_range_check(src, soff, n);
                let esize = self.layout(t).size;
                // memmove of the element bytes: the addresses are computed after every check
                // and used by the builtin, which cannot collect (no interior pointer across
                // a safepoint, Wasmtime #13450).
                let d = self.elem_addr(dst, doff, esize);
                let d = self.builder.ins().iadd_imm_u(d, ARRAY_DATA_OFFSET as i64);
                let s = self.elem_addr(src, soff, esize);
                let s = self.builder.ins().iadd_imm_u(s, ARRAY_DATA_OFFSET as i64);
                let n64 = self.builder.ins().uextend(I64, n);
                let bytes = self.builder.ins().imul_imm_u(n64, esize as i64);
                self.call_builtin(crate::abi::Builtin::Memmove, &[d, s, bytes]);
                if self.storage_is_gc(self.array_elem(t).storage) && !self.is_fresh(dst) {
                    self.bulk_write_barrier(dst, d, n64, None);
                }
            }
            O::ArrayNewData { array_type_index: t, array_data_index: d } => {
                let (src, len) = self.pop2();
                // The segment range is checked before anything is allocated (spec order).
                let null = self.builder.ins().iconst(I64, 0);
                let zero = self.builder.ins().iconst(I32, 0);
                self.array_segment_init(t, SegmentKind::Data(d), null, zero, src, len);
                let arr = self.new_array(t, len, None);
                self.array_segment_init(t, SegmentKind::Data(d), arr, zero, src, len);
                self.push(arr);
            }
            O::ArrayNewElem { array_type_index: t, array_elem_index: e } => {
                let (src, len) = self.pop2();
                let null = self.builder.ins().iconst(I64, 0);
                let zero = self.builder.ins().iconst(I32, 0);
                self.array_segment_init(t, SegmentKind::Elem(e), null, zero, src, len);
                let arr = self.new_array(t, len, None);
                self.array_segment_init(t, SegmentKind::Elem(e), arr, zero, src, len);
                self.push(arr);
            }
            O::ArrayInitData { array_type_index: t, array_data_index: d } => {
                let (src, len) = self.pop2();
                let (arr, dst) = self.pop2();
                self.null_check(arr, TrapCode::NullArrayReference);
                self.array_segment_init(t, SegmentKind::Data(d), arr, dst, src, len);
            }
            O::ArrayInitElem { array_type_index: t, array_elem_index: e } => {
                let (src, len) = self.pop2();
                let (arr, dst) = self.pop2();
                self.null_check(arr, TrapCode::NullArrayReference);
                self.array_segment_init(t, SegmentKind::Elem(e), arr, dst, src, len);
            }
            O::RefI31 => {
                let v = self.pop();
                let shifted = self.builder.ins().ishl_imm_u(v, 1);
                let tagged = self.builder.ins().bor_imm_u(shifted, layout::I31_TAG);
                let r = self.builder.ins().uextend(I64, tagged);
                self.push(r);
            }
            O::I31GetS | O::I31GetU => {
                let r = self.pop();
                self.null_check(r, TrapCode::NullI31Reference);
                let low = self.builder.ins().ireduce(I32, r);
                let v = if matches!(op, O::I31GetS) {
                    self.builder.ins().sshr_imm_u(low, 1)
                } else {
                    self.builder.ins().ushr_imm_u(low, 1)
                };
                self.push(v);
            }
            O::RefEq => {
                let (a, b) = self.pop2();
                let c = self.builder.ins().icmp(IntCC::Equal, a, b);
                let v = self.builder.ins().uextend(I32, c);
                self.push(v);
            }
            O::RefTestNonNull { hty } | O::RefTestNullable { hty } => {
                let nullable = matches!(op, O::RefTestNullable { .. });
                let target =
                    self.wasm_ref_type(wasmparser::RefType::new(nullable, hty).expect("validated"));
                let r = self.pop();
                let t = self.ref_test(r, target);
                let v = self.builder.ins().uextend(I32, t);
                self.push(v);
            }
            O::RefCastNonNull { hty } | O::RefCastNullable { hty } => {
                let nullable = matches!(op, O::RefCastNullable { .. });
                let target =
                    self.wasm_ref_type(wasmparser::RefType::new(nullable, hty).expect("validated"));
                let r = *self.stack.last().expect("validated");
                let t = self.ref_test(r, target);
                self.builder.ins().trapz(t, trap(TrapCode::CastFailure));
            }
            O::BrOnCast { relative_depth, to_ref_type, .. }
            | O::BrOnCastFail { relative_depth, to_ref_type, .. } => {
                let r = *self.stack.last().expect("validated");
                let target = self.wasm_ref_type(to_ref_type);
                let t = self.ref_test(r, target);
                let (dest, n) = self.branch_target(relative_depth);
                let args = self.block_args(n);
                let next = self.builder.create_block();
                if matches!(op, O::BrOnCast { .. }) {
                    self.builder.ins().brif(t, dest, &args, next, &[]);
                } else {
                    self.builder.ins().brif(t, next, &[], dest, &args);
                }
                self.builder.seal_block(next);
                self.builder.switch_to_block(next);
            }
            O::AnyConvertExtern | O::ExternConvertAny => {
                // Same representation in both hierarchies; only the static type changes.
                let r = *self.stack.last().expect("validated");
                self.mark_ref(r);
            }
            _ => return Ok(false),
        }
        Ok(true)
    }
}
