//! Lowering of exception handling (the proposal with `exnref`): `throw`, `throw_ref`,
//! `try_table`, and the `try_call`s that calls inside a `try_table` become; and of legacy
//! exception handling (`try`, `catch`, `catch_all`, `delegate`, `rethrow`) onto the same
//! landing pads.
//!
//! An exception is a GC object (`gc::layout::exception_layout`): its tag's address, then the
//! payload. Each `try_table` gets one *landing pad*, a block that is the catch-all handler of
//! every `try_call` in its body; the pad compares the exception's tag with the catch clauses
//! in order and branches to the first match with the payload (and/or the `exnref`), or
//! rethrows in the enclosing context. The runtime's unwinder therefore only has to find the
//! innermost `try_call` on the stack (`runtime::exceptions`).
//!
//! A legacy `try` also gets one landing pad for its body; its clauses come after the body,
//! so the pad's dispatch is built clause by clause: each `catch $t` tests the tag in the
//! block the previous clause's test left ("no match"; first the pad itself) and its body
//! starts in the "match" block with the payload on the operand stack; after the last clause
//! (unless `catch_all`) the exception is rethrown outward. `delegate l` rethrows from the
//! pad to the handler active at label `l`, and `rethrow l` throws the pad's exception
//! (`exn`, which dominates every clause) again.
//!
//! A `try_call` is a safepoint like any call whose callee may collect: its stack map holds
//! the references live into both its normal return and its landing pad, and the pad reloads
//! them (Wasmtime #12934: the stack map must survive on the `try_call`).

use cranelift_codegen::ir::{
    self, BlockArg, BlockCall, ExceptionTableData, ExceptionTableItem, InstBuilder, Value,
    types::I64,
};
use wasmc_abi::layout::{EXN_TAG_OFFSET, ObjectLayout};
use wasmc_abi::meta::StorageType;
use wasmc_abi::vm::{TrapCode, tag, vmctx};
use wasmparser::{Catch, TryTable};

use super::{FrameKind, FuncTranslator, trap};
use crate::abi::POINTER;
use crate::error::CompileError;

/// What a call instruction calls.
#[derive(Clone, Copy)]
pub(super) enum Callee {
    /// A function known at compile time.
    Direct(ir::FuncRef),
    /// A code pointer with a signature.
    Indirect(ir::SigRef, Value),
}

/// Flags of loads from exception objects (GC objects: never `readonly`, Wasmtime #13381).
const GC_MEM: ir::MemFlagsData = ir::MemFlagsData::trusted();

impl FuncTranslator<'_, '_, '_> {
    /// Emits a call of Wasm code, which may throw: a plain call outside any `try_table`,
    /// else a `try_call` whose exceptions go to the innermost landing pad and whose normal
    /// return continues in a new block. With `tail` it is a `return_call*` (Wasm
    /// `return_call*`: the `tail` convention reuses the frame, so the stack stays constant;
    /// it leaves any `try_table`) and the code after it is unreachable. Returns the call and
    /// its results (none for a tail call).
    pub(super) fn emit_call(
        &mut self,
        callee: Callee,
        args: &[Value],
        tail: bool,
    ) -> (ir::Inst, Vec<Value>) {
        if tail {
            let call = match callee {
                Callee::Direct(f) => self.builder.ins().return_call(f, args),
                Callee::Indirect(sig, code) => {
                    self.builder.ins().return_call_indirect(sig, code, args)
                }
            };
            self.reachable = false;
            return (call, Vec::new());
        }
        let Some((_, pad)) = self.landing_pads.last().copied() else {
            let call = match callee {
                Callee::Direct(f) => self.builder.ins().call(f, args),
                Callee::Indirect(sig, code) => self.builder.ins().call_indirect(sig, code, args),
            };
            return (call, self.builder.inst_results(call).to_vec());
        };
        let sig = match callee {
            Callee::Direct(f) => self.builder.func.dfg.ext_funcs[f].signature,
            Callee::Indirect(sig, _) => sig,
        };
        let returns: Vec<ir::Type> =
            self.builder.func.dfg.signatures[sig].returns.iter().map(|r| r.value_type).collect();
        let cont = self.builder.create_block();
        for t in &returns {
            self.builder.append_block_param(cont, *t);
        }
        let pool = &mut self.builder.func.dfg.value_lists;
        let normal =
            BlockCall::new(cont, (0..returns.len() as u32).map(BlockArg::TryCallRet), pool);
        let handler = BlockCall::new(pad, [BlockArg::TryCallExn(0)], pool);
        let table = ExceptionTableData::new(sig, normal, [ExceptionTableItem::Default(handler)]);
        let et = self.builder.func.dfg.exception_tables.push(table);
        let call = match callee {
            Callee::Direct(f) => self.builder.ins().try_call(f, args, et),
            Callee::Indirect(_, code) => self.builder.ins().try_call_indirect(code, args, et),
        };
        self.builder.switch_to_block(cont);
        self.builder.seal_block(cont);
        (call, self.builder.block_params(cont).to_vec())
    }

    /// The function reference of the module's throw adapter.
    fn throw_adapter_ref(&mut self) -> ir::FuncRef {
        if let Some(r) = self.throw_adapter {
            return r;
        }
        let r =
            self.import_colocated(self.env.throw_adapter, crate::emit::throw_adapter_signature());
        self.throw_adapter = Some(r);
        r
    }

    /// Throws the exception object `exn` (non-null) in the current context; the code after
    /// it is unreachable.
    pub(super) fn throw_exn(&mut self, exn: Value) {
        let adapter = self.throw_adapter_ref();
        let vmctx = self.vmctx;
        self.emit_call(Callee::Direct(adapter), &[vmctx, exn], false);
        // The throw never returns.
        self.builder.ins().trap(trap(TrapCode::Unreachable));
        self.reachable = false;
    }

    /// Throws `exn` to the handler active at the frame of index `target` in `control` (the
    /// innermost landing pad of that frame or of one outside it): `delegate`.
    pub(super) fn throw_exn_to(&mut self, exn: Value, target: usize) {
        let saved = self.landing_pads.clone();
        self.landing_pads.retain(|(frame, _)| *frame <= target);
        self.throw_exn(exn);
        self.landing_pads = saved;
    }

    /// Legacy `try`: a block whose body's calls land on a new pad, whose dispatch the
    /// clauses build (see the module docs).
    fn translate_legacy_try(&mut self, bt: wasmparser::BlockType) {
        let (params, results) = self.block_type(bt);
        let dest = self.new_block_with_params(&results);
        let body = self.builder.create_block();
        self.builder.ins().jump(body, &[]);
        let pad = self.builder.create_block();
        let exn = self.builder.append_block_param(pad, POINTER);
        self.mark_ref(exn);
        self.builder.switch_to_block(body);
        self.builder.seal_block(body);
        self.landing_pads.push((self.control.len(), pad));
        let kind = FrameKind::LegacyTry { pad, exn, next: Some(pad), in_catch: false };
        self.push_frame(kind, dest, params.len(), results.len());
    }

    /// `catch $t` (`tag` given) or `catch_all` of the innermost legacy `try`: ends the
    /// previous arm, starts this clause's body where the dispatch matches.
    pub(super) fn translate_catch(&mut self, tag: Option<u32>) {
        let reachable = self.reachable;
        let frame = self.control.last_mut().expect("validated: catch inside try");
        if reachable {
            frame.dest_reachable = true;
        }
        let (dest, n, height) = (frame.dest, frame.num_results, frame.height);
        let FrameKind::LegacyTry { pad, exn, next, in_catch } = &mut frame.kind else {
            unreachable!("validated: catch without try")
        };
        let (pad, exn, at, first) = (*pad, *exn, next.take(), !*in_catch);
        *in_catch = true;
        if reachable {
            let args = self.block_args(n);
            self.builder.ins().jump(dest, &args);
        }
        self.stack.truncate(height);
        if first {
            // The body is complete: its calls are the pad's predecessors.
            self.builder.seal_block(pad);
            self.landing_pads.pop();
        }
        let at = at.expect("validated: no clause after catch_all");
        self.builder.switch_to_block(at);
        self.reachable = true;
        let Some(t) = tag else { return };
        let actual = self.builder.ins().load(POINTER, GC_MEM, exn, EXN_TAG_OFFSET as i32);
        let expected = self.tag_ptr(t);
        let same = self.builder.ins().icmp(ir::condcodes::IntCC::Equal, actual, expected);
        let yes = self.builder.create_block();
        let no = self.builder.create_block();
        self.builder.ins().brif(same, yes, &[], no, &[]);
        self.builder.seal_block(yes);
        self.builder.seal_block(no);
        self.builder.switch_to_block(yes);
        let (params, layout) = self.tag_payload(t);
        for (i, p) in params.iter().enumerate() {
            let off = layout.field_offsets[i + 1] as i32;
            let v = self.load_field(StorageType::Val(*p), exn, off, false);
            self.push(v);
        }
        if let Some(FrameKind::LegacyTry { next, .. }) =
            self.control.last_mut().map(|f| &mut f.kind)
        {
            *next = Some(no);
        }
    }

    /// The tag definition (`VMTag`) of tag index `t`: its address is the tag's identity.
    fn tag_ptr(&mut self, t: u32) -> Value {
        self.vm_array_entry(vmctx::TAGS, t)
    }

    /// The payload types of tag `t` and the layout of its exception objects.
    fn tag_payload(&self, t: u32) -> (Vec<wasmc_abi::meta::ValType>, ObjectLayout) {
        let info = self.env.info;
        let ty = info.tags[t as usize];
        let layout = info.meta.types[ty as usize]
            .exception_layout(&info.meta.types)
            .expect("validated: a tag has a function type");
        (info.func_type_at(ty).params.clone(), layout)
    }

    /// `throw $t`: allocates the exception object with the payload from the stack, throws.
    fn translate_throw(&mut self, t: u32) {
        let (params, layout) = self.tag_payload(t);
        let payload = self.peekn(params.len()).to_vec();
        self.stack.truncate(self.stack.len() - params.len());
        let tag_ptr = self.tag_ptr(t);
        // A `VMTag` is immutable VM data (not a GC object).
        let vm_const = ir::MemFlagsData::trusted().with_readonly();
        let rtt = self.builder.ins().load(POINTER, vm_const, tag_ptr, tag::RTT);
        let size = self.builder.ins().iconst(I64, layout.size as i64);
        let exn = self.alloc_with_rtt(rtt, size, false);
        // The tag again after the allocation (a safepoint): it is not a GC value, so it
        // needs no reload, but reloading keeps `tag_ptr` from living across the call.
        let tag_ptr = self.tag_ptr(t);
        self.builder.ins().store(GC_MEM, tag_ptr, exn, EXN_TAG_OFFSET as i32);
        for (i, (v, p)) in payload.into_iter().zip(&params).enumerate() {
            self.store_field(StorageType::Val(*p), v, exn, layout.field_offsets[i + 1] as i32);
        }
        self.throw_exn(exn);
    }

    /// `try_table`: a block whose calls go to a new landing pad (see the module docs).
    fn translate_try_table(&mut self, tt: TryTable) -> Result<(), CompileError> {
        let (params, results) = self.block_type(tt.ty);
        let dest = self.new_block_with_params(&results);
        // The body starts in a block of its own, so the pad can be built in between.
        let body = self.builder.create_block();
        self.builder.ins().jump(body, &[]);
        let pad = self.builder.create_block();
        let exn = self.builder.append_block_param(pad, POINTER);
        self.mark_ref(exn);
        self.builder.switch_to_block(pad);
        // Catch labels are relative to the context outside the `try_table`, which is the
        // control stack as it is now; a rethrow goes to the enclosing landing pad.
        self.landing_pad_dispatch(exn, &tt.catches);
        self.builder.switch_to_block(body);
        self.builder.seal_block(body);
        self.reachable = true;
        self.landing_pads.push((self.control.len(), pad));
        self.push_frame(FrameKind::TryTable { pad }, dest, params.len(), results.len());
        Ok(())
    }

    /// The code of a landing pad: the catch clauses in order, else a rethrow.
    fn landing_pad_dispatch(&mut self, exn: Value, catches: &[Catch]) {
        for c in catches {
            match *c {
                Catch::One { tag: t, label } | Catch::OneRef { tag: t, label } => {
                    let actual =
                        self.builder.ins().load(POINTER, GC_MEM, exn, EXN_TAG_OFFSET as i32);
                    let expected = self.tag_ptr(t);
                    let same =
                        self.builder.ins().icmp(ir::condcodes::IntCC::Equal, actual, expected);
                    let yes = self.builder.create_block();
                    let no = self.builder.create_block();
                    self.builder.ins().brif(same, yes, &[], no, &[]);
                    self.builder.seal_block(yes);
                    self.builder.seal_block(no);
                    self.builder.switch_to_block(yes);
                    let (params, layout) = self.tag_payload(t);
                    let mut args = Vec::with_capacity(params.len() + 1);
                    for (i, p) in params.iter().enumerate() {
                        let off = layout.field_offsets[i + 1] as i32;
                        let v = self.load_field(StorageType::Val(*p), exn, off, false);
                        args.push(BlockArg::Value(v));
                    }
                    if matches!(c, Catch::OneRef { .. }) {
                        args.push(BlockArg::Value(exn));
                    }
                    let (target, _) = self.branch_target(label);
                    self.builder.ins().jump(target, &args);
                    self.builder.switch_to_block(no);
                }
                Catch::All { label } | Catch::AllRef { label } => {
                    let args: Vec<BlockArg> = if matches!(c, Catch::AllRef { .. }) {
                        vec![BlockArg::Value(exn)]
                    } else {
                        vec![]
                    };
                    let (target, _) = self.branch_target(label);
                    self.builder.ins().jump(target, &args);
                    return;
                }
            }
        }
        self.throw_exn(exn);
    }

    /// Translates an exception-handling operator; returns whether `op` was one.
    pub(super) fn eh_operator(
        &mut self,
        op: &wasmparser::Operator<'_>,
    ) -> Result<bool, CompileError> {
        use wasmparser::Operator as O;
        match op {
            O::Throw { tag_index } => self.translate_throw(*tag_index),
            O::ThrowRef => {
                let exn = self.pop();
                self.builder.ins().trapz(exn, trap(TrapCode::NullReference));
                self.throw_exn(exn);
            }
            O::TryTable { try_table } => self.translate_try_table(try_table.clone())?,
            O::Try { blockty } => self.translate_legacy_try(*blockty),
            O::Catch { tag_index } => self.translate_catch(Some(*tag_index)),
            O::CatchAll => self.translate_catch(None),
            O::Delegate { relative_depth } => self.end_frame(Some(*relative_depth)),
            O::Rethrow { relative_depth } => {
                let i = self.control.len() - 1 - *relative_depth as usize;
                let FrameKind::LegacyTry { exn, .. } = self.control[i].kind else {
                    unreachable!("validated: rethrow targets a catch")
                };
                self.throw_exn(exn);
            }
            _ => return Ok(false),
        }
        Ok(true)
    }
}
