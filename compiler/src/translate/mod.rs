//! Translation of one Wasm function body to CLIF.
//!
//! The translator walks the operators once, keeping the Wasm operand stack as a stack of
//! CLIF values and the Wasm control stack as a stack of [`Frame`]s; locals are
//! `cranelift-frontend` variables, so SSA construction is left to the frontend. Code after
//! an unconditional branch is skipped until the `else`/`end` that makes it reachable again.
//!
//! The translation of operators is split by topic: [`numeric`] (pure arithmetic), [`env`]
//! (everything that touches the VM context: memories, tables, globals, calls, builtins).

mod atomics;
mod env;
mod exceptions;
mod gc;
mod numeric;
mod simd;

use std::collections::HashMap;

use cranelift_codegen::ir::{
    self, BlockArg, Function, InstBuilder, MemFlagsData, SigRef, UserExternalName, UserFuncName,
    Value, condcodes::IntCC, types,
};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext, Variable};
use wasmparser::{BlockType, Operator};

use crate::abi::{POINTER, WASM_SIG_PREFIX, clif_type, wasm_signature};
use crate::error::CompileError;
use crate::module::{ModuleInfo, val_type};
use wasmc_abi::meta::ValType;
use wasmc_abi::vm::{TrapCode, store, vmctx};

/// Converts a runtime trap code to Cranelift's.
pub fn trap(code: TrapCode) -> ir::TrapCode {
    ir::TrapCode::from_raw(std::num::NonZeroU8::new(code as u8).expect("trap codes are nonzero"))
}

/// Module-wide inputs of the translator.
pub struct ModuleEnv<'m, 'a> {
    /// The validated module.
    pub info: &'m ModuleInfo<'a>,
    /// Per defined function: the `UserExternalName` index (namespace 0) under which the
    /// emitter declares it, so direct calls can name it.
    pub func_names: &'m [u32],
    /// Pointer width and calling convention defaults of the target.
    pub frontend: cranelift_codegen::isa::TargetFrontendConfig,
    /// The `UserExternalName` index of the module's GC adapter (see `emit`).
    pub gc_adapter: u32,
    /// The `UserExternalName` index of the module's thread adapter (see `emit`).
    pub thread_adapter: u32,
    /// The `UserExternalName` index of the module's throw adapter (see `emit`).
    pub throw_adapter: u32,
    /// Debug only: emit no write barriers (`Config::drop_write_barriers`).
    pub drop_barriers: bool,
}

/// What a call instruction calls, for the may-GC analysis (`crate::may_gc`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallSite {
    /// A defined function, by function index.
    Direct(u32),
    /// An imported function, by function index.
    Import(u32),
    /// `call_indirect` through `table` with expected type `ty`; `index` if it is a
    /// compile-time constant.
    Indirect {
        /// Table index.
        table: u32,
        /// Expected type index.
        ty: u32,
        /// Constant element index, if known.
        index: Option<u32>,
    },
    /// `call_ref` of the given type index.
    CallRef(u32),
    /// A builtin that may collect (through the GC adapter).
    GcBuiltin,
}

/// A translated function with what later passes need to know about it.
pub struct TranslatedFunc {
    /// The CLIF.
    pub func: Function,
    /// Values that hold GC references as produced by the translator (block parameters that
    /// SSA construction inserted are found by the spiller's propagation).
    pub gc_refs: cranelift_entity::EntitySet<Value>,
    /// Every call that may be a safepoint, with its callee.
    pub call_sites: Vec<(ir::Inst, CallSite)>,
    /// Tables this function writes (`table.set/fill/copy/grow/init`), for the may-GC
    /// analysis's resolution of `call_indirect`.
    pub tables_written: Vec<u32>,
}

/// Kind of a control frame.
enum FrameKind {
    /// `block` (and the function body).
    Block,
    /// `loop`: branches go to `header`.
    Loop { header: ir::Block },
    /// `if`: `else_block` runs the false arm (or forwards the parameters when there is no
    /// `else`); `params` are the block parameters as they were at the `if`.
    If { else_block: ir::Block, params: Vec<Value>, else_seen: bool },
    /// `try_table`: calls in its body are `try_call`s that land on `pad`.
    TryTable { pad: ir::Block },
    /// Legacy `try` (`catch`/`catch_all`/`delegate`): calls in its body land on `pad`, whose
    /// parameter `exn` is the caught exception (for `rethrow`). `next` is the block where the
    /// next `catch` tests the tag (the pad itself before the first clause; the previous
    /// clause's "no match" block after; `None` after `catch_all`). `in_catch` once a clause
    /// has begun (the body's calls are all known, the pad is no longer active).
    LegacyTry { pad: ir::Block, exn: Value, next: Option<ir::Block>, in_catch: bool },
}

/// One entry of the Wasm control stack.
struct Frame {
    kind: FrameKind,
    /// The block after `end`; its parameters are the frame's results.
    dest: ir::Block,
    num_params: usize,
    num_results: usize,
    /// Operand stack height below the frame's parameters.
    height: usize,
    /// Whether some branch (or fallthrough) reaches `dest`.
    dest_reachable: bool,
}

/// Per-function translation state.
pub(crate) struct FuncTranslator<'m, 'a, 'b> {
    env: &'m ModuleEnv<'m, 'a>,
    builder: FunctionBuilder<'b>,
    vmctx: Value,
    stack: Vec<Value>,
    control: Vec<Frame>,
    reachable: bool,
    /// Nesting depth of blocks opened in unreachable code (skipped until their `end`).
    unreachable_depth: u32,
    locals: Vec<Variable>,
    sig_refs: HashMap<u32, SigRef>,
    builtin_sigs: HashMap<crate::abi::Builtin, SigRef>,
    direct_funcs: HashMap<u32, ir::FuncRef>,
    gc_adapter: Option<ir::FuncRef>,
    thread_adapter: Option<ir::FuncRef>,
    throw_adapter: Option<ir::FuncRef>,
    /// Landing pads of the enclosing `try_table`s and legacy `try` bodies, innermost last,
    /// each with the index in `control` of the frame it belongs to (`delegate` picks the
    /// pads of the frames outside its label).
    landing_pads: Vec<(usize, ir::Block)>,
    gc_refs: cranelift_entity::EntitySet<Value>,
    call_sites: Vec<(ir::Inst, CallSite)>,
    /// Counts the safepoints emitted so far: an object allocated at epoch `e` in block `b`
    /// is still fresh (in the nursery, or scanned whole by the next minor collection) while
    /// the translator is in `b` at epoch `e`, so stores into it need no write barrier.
    safepoint_epoch: u32,
    /// Objects allocated by this function: value -> (block, epoch) of the allocation.
    fresh: HashMap<Value, (ir::Block, u32)>,
    tables_written: Vec<u32>,
    /// Byte offset of the operator being translated (for error messages).
    offset: u64,
}

/// Translates defined function `def_index` (function index minus imported functions).
///
/// # Errors
/// [`CompileError::Unsupported`] for operators wasmc does not compile yet.
pub fn translate_function(
    env: &ModuleEnv<'_, '_>,
    def_index: u32,
    fctx: &mut FunctionBuilderContext,
) -> Result<TranslatedFunc, CompileError> {
    let info = env.info;
    let func_index = info.num_imported_funcs() + def_index;
    let ft = info.meta.func_type(func_index).clone();
    let mut func = Function::with_name_signature(
        UserFuncName::User(UserExternalName::new(0, env.func_names[def_index as usize])),
        wasm_signature(&ft),
    );
    // The stack limit: vmctx -> store -> stack_limit (DESIGN.md "Runtime": stack overflow is
    // a trap checked in the prologue).
    let vmctx_gv = func.create_global_value(ir::GlobalValueData::VMContext);
    let ro_flags = func.dfg.mem_flags.insert_unchecked(MemFlagsData::trusted().with_readonly());
    let store_gv = func.create_global_value(ir::GlobalValueData::Load {
        base: vmctx_gv,
        offset: vmctx::STORE.into(),
        global_type: POINTER,
        flags: ro_flags,
    });
    let flags = func.dfg.mem_flags.insert_unchecked(MemFlagsData::trusted());
    let limit_gv = func.create_global_value(ir::GlobalValueData::Load {
        base: store_gv,
        offset: store::STACK_LIMIT.into(),
        global_type: POINTER,
        flags,
    });
    func.stack_limit = Some(limit_gv);

    let body = &info.bodies[def_index as usize];
    let builder = FunctionBuilder::new(&mut func, fctx);
    let mut t = FuncTranslator {
        env,
        builder,
        vmctx: cranelift_codegen::ir::Value::from_u32(0),
        stack: Vec::new(),
        control: Vec::new(),
        reachable: true,
        unreachable_depth: 0,
        locals: Vec::new(),
        sig_refs: HashMap::new(),
        builtin_sigs: HashMap::new(),
        direct_funcs: HashMap::new(),
        gc_adapter: None,
        thread_adapter: None,
        throw_adapter: None,
        landing_pads: Vec::new(),
        gc_refs: cranelift_entity::EntitySet::new(),
        call_sites: Vec::new(),
        safepoint_epoch: 0,
        fresh: HashMap::new(),
        tables_written: Vec::new(),
        offset: body.range().start as u64,
    };
    t.prologue(&ft.params, &ft.results, body)?;
    let mut reader = body.get_operators_reader().map_err(invalid)?;
    while !reader.eof() {
        t.offset = reader.original_position();
        let op = reader.read().map_err(invalid)?;
        t.builder.set_srcloc(ir::SourceLoc::new(t.offset as u32));
        t.operator(op)?;
    }
    t.builder.seal_all_blocks();
    t.builder.finalize(env.frontend);
    let (gc_refs, call_sites, mut tables_written) = (t.gc_refs, t.call_sites, t.tables_written);
    tables_written.sort_unstable();
    tables_written.dedup();
    Ok(TranslatedFunc { func, gc_refs, call_sites, tables_written })
}

fn invalid(e: wasmparser::BinaryReaderError) -> CompileError {
    CompileError::Invalid { offset: e.offset(), message: e.message().to_string() }
}

impl<'m, 'a, 'b> FuncTranslator<'m, 'a, 'b> {
    /// Records that `v` holds a GC reference (the spiller keeps such values in stack slots
    /// across safepoints).
    fn mark_ref(&mut self, v: Value) {
        self.gc_refs.insert(v);
    }

    /// Whether values of `t` may be GC references.
    fn is_gc(&self, t: ValType) -> bool {
        t.is_gc_ref(&self.env.info.meta.types)
    }

    /// The function reference of the module's GC adapter.
    fn gc_adapter_ref(&mut self) -> ir::FuncRef {
        if let Some(r) = self.gc_adapter {
            return r;
        }
        let r = self.import_colocated(self.env.gc_adapter, crate::emit::gc_adapter_signature());
        self.gc_adapter = Some(r);
        r
    }

    /// The function reference of the module's thread adapter.
    fn thread_adapter_ref(&mut self) -> ir::FuncRef {
        if let Some(r) = self.thread_adapter {
            return r;
        }
        let sig = crate::emit::thread_adapter_signature();
        let r = self.import_colocated(self.env.thread_adapter, sig);
        self.thread_adapter = Some(r);
        r
    }

    /// Imports the module-local function `UserExternalName` index `index` (namespace 0).
    fn import_colocated(&mut self, index: u32, sig: ir::Signature) -> ir::FuncRef {
        let sig = self.builder.import_signature(sig);
        let name =
            self.builder.func.declare_imported_user_function(UserExternalName::new(0, index));
        self.builder.import_function(ir::ExtFuncData {
            name: ir::ExternalName::user(name),
            signature: sig,
            colocated: true,
            patchable: false,
        })
    }

    /// The value of `v` if it is a compile-time `i32` constant (an `iconst`, or an
    /// `iadd`/`isub` of such), for resolving `call_indirect` targets.
    fn const_of(&self, v: Value) -> Option<u32> {
        let dfg = &self.builder.func.dfg;
        let iconst = |v: Value| -> Option<i64> {
            match dfg.insts[dfg.value_def(v).inst()?] {
                ir::InstructionData::UnaryImm { opcode: ir::Opcode::Iconst, imm } => {
                    Some(imm.bits())
                }
                _ => None,
            }
        };
        let r = match dfg.insts[dfg.value_def(v).inst()?] {
            ir::InstructionData::UnaryImm { opcode: ir::Opcode::Iconst, imm } => imm.bits(),
            ir::InstructionData::Binary { opcode: ir::Opcode::Iadd, args } => {
                iconst(args[0])?.wrapping_add(iconst(args[1])?)
            }
            ir::InstructionData::Binary { opcode: ir::Opcode::Isub, args } => {
                iconst(args[0])?.wrapping_sub(iconst(args[1])?)
            }
            _ => return None,
        };
        Some(r as u32)
    }

    fn unsupported(&self, what: impl Into<String>) -> CompileError {
        CompileError::Unsupported { offset: self.offset, what: what.into() }
    }

    /// Creates the entry block, the locals, and the function-body frame.
    fn prologue(
        &mut self,
        params: &[ValType],
        results: &[ValType],
        body: &wasmparser::FunctionBody<'_>,
    ) -> Result<(), CompileError> {
        let entry = self.builder.create_block();
        self.builder.append_block_params_for_function_params(entry);
        self.builder.switch_to_block(entry);
        self.builder.seal_block(entry);
        let entry_params = self.builder.block_params(entry).to_vec();
        self.vmctx = entry_params[0];
        for (i, ty) in params.iter().enumerate() {
            let var = self.builder.declare_var(clif_type(*ty));
            let v = entry_params[WASM_SIG_PREFIX + i];
            if self.is_gc(*ty) {
                self.mark_ref(v);
            }
            self.builder.def_var(var, v);
            self.locals.push(var);
        }
        let mut locals = body.get_locals_reader().map_err(invalid)?;
        for _ in 0..locals.get_count() {
            let (count, ty) = locals.read().map_err(invalid)?;
            let ty = clif_type(val_type(ty, 0));
            for _ in 0..count {
                let var = self.builder.declare_var(ty);
                let zero = self.zero(ty);
                self.builder.def_var(var, zero);
                self.locals.push(var);
            }
        }
        let dest = self.builder.create_block();
        for r in results {
            self.builder.append_block_param(dest, clif_type(*r));
        }
        self.control.push(Frame {
            kind: FrameKind::Block,
            dest,
            num_params: 0,
            num_results: results.len(),
            height: 0,
            dest_reachable: false,
        });
        Ok(())
    }

    /// The zero value of a CLIF type (default value of locals; null reference).
    fn zero(&mut self, ty: ir::Type) -> Value {
        match ty {
            types::F32 => self.builder.ins().f32const(0.0),
            types::F64 => self.builder.ins().f64const(0.0),
            t if t.is_vector() => {
                let c = self.builder.func.dfg.constants.insert(vec![0u8; 16].into());
                self.builder.ins().vconst(t, c)
            }
            t => self.builder.ins().iconst(t, 0),
        }
    }

    fn pop(&mut self) -> Value {
        self.stack.pop().expect("validated: operand stack underflow")
    }

    fn pop2(&mut self) -> (Value, Value) {
        let b = self.pop();
        let a = self.pop();
        (a, b)
    }

    fn pop3(&mut self) -> (Value, Value, Value) {
        let c = self.pop();
        let (a, b) = self.pop2();
        (a, b, c)
    }

    fn push(&mut self, v: Value) {
        self.stack.push(v);
    }

    fn peekn(&self, n: usize) -> &[Value] {
        &self.stack[self.stack.len() - n..]
    }

    fn block_args(&self, n: usize) -> Vec<BlockArg> {
        self.peekn(n).iter().map(|v| BlockArg::Value(*v)).collect()
    }

    /// Parameter and result CLIF types of a block type.
    fn block_type(&self, bt: BlockType) -> (Vec<ir::Type>, Vec<ir::Type>) {
        match bt {
            BlockType::Empty => (vec![], vec![]),
            BlockType::Type(t) => (vec![], vec![clif_type(val_type(t, 0))]),
            BlockType::FuncType(i) => {
                let ft = self.env.info.func_type_at(i);
                (
                    ft.params.iter().map(|t| clif_type(*t)).collect(),
                    ft.results.iter().map(|t| clif_type(*t)).collect(),
                )
            }
        }
    }

    fn new_block_with_params(&mut self, tys: &[ir::Type]) -> ir::Block {
        let b = self.builder.create_block();
        for t in tys {
            self.builder.append_block_param(b, *t);
        }
        b
    }

    /// Opens a control frame whose `num_params` parameters are on top of the operand stack.
    fn push_frame(
        &mut self,
        kind: FrameKind,
        dest: ir::Block,
        num_params: usize,
        num_results: usize,
    ) {
        let height = self.stack.len() - num_params;
        self.control.push(Frame {
            kind,
            dest,
            num_params,
            num_results,
            height,
            dest_reachable: false,
        });
    }

    /// The branch target of relative depth `depth` and the number of values it takes.
    fn branch_target(&mut self, depth: u32) -> (ir::Block, usize) {
        let i = self.control.len() - 1 - depth as usize;
        let frame = &mut self.control[i];
        match frame.kind {
            FrameKind::Loop { header } => (header, frame.num_params),
            _ => {
                frame.dest_reachable = true;
                (frame.dest, frame.num_results)
            }
        }
    }

    /// Translates one operator.
    fn operator(&mut self, op: Operator<'_>) -> Result<(), CompileError> {
        if !self.reachable {
            return self.unreachable_operator(op);
        }
        match op {
            Operator::Nop => {}
            Operator::Unreachable => {
                self.builder.ins().trap(trap(TrapCode::Unreachable));
                self.reachable = false;
            }
            Operator::Block { blockty } => {
                let (params, results) = self.block_type(blockty);
                let dest = self.new_block_with_params(&results);
                self.push_frame(FrameKind::Block, dest, params.len(), results.len());
            }
            Operator::Loop { blockty } => {
                let (params, results) = self.block_type(blockty);
                let header = self.new_block_with_params(&params);
                let dest = self.new_block_with_params(&results);
                let args = self.block_args(params.len());
                self.builder.ins().jump(header, &args);
                self.stack.truncate(self.stack.len() - params.len());
                self.builder.switch_to_block(header);
                let header_params = self.builder.block_params(header).to_vec();
                self.stack.extend(header_params);
                self.push_frame(FrameKind::Loop { header }, dest, params.len(), results.len());
            }
            Operator::If { blockty } => {
                let (params, results) = self.block_type(blockty);
                let cond = self.pop();
                let then_block = self.builder.create_block();
                let else_block = self.builder.create_block();
                let dest = self.new_block_with_params(&results);
                self.builder.ins().brif(cond, then_block, &[], else_block, &[]);
                self.builder.seal_block(then_block);
                self.builder.seal_block(else_block);
                self.builder.switch_to_block(then_block);
                let saved = self.peekn(params.len()).to_vec();
                self.push_frame(
                    FrameKind::If { else_block, params: saved, else_seen: false },
                    dest,
                    params.len(),
                    results.len(),
                );
            }
            Operator::Else => self.translate_else(),
            Operator::End => self.translate_end(),
            Operator::Br { relative_depth } => {
                let (target, n) = self.branch_target(relative_depth);
                let args = self.block_args(n);
                self.builder.ins().jump(target, &args);
                self.reachable = false;
            }
            Operator::BrIf { relative_depth } => {
                let cond = self.pop();
                let (target, n) = self.branch_target(relative_depth);
                let args = self.block_args(n);
                let next = self.builder.create_block();
                self.builder.ins().brif(cond, target, &args, next, &[]);
                self.builder.seal_block(next);
                self.builder.switch_to_block(next);
            }
            Operator::BrTable { targets } => self.translate_br_table(targets)?,
            Operator::Return => {
                let n = self.control[0].num_results;
                let vals = self.peekn(n).to_vec();
                self.builder.ins().return_(&vals);
                self.reachable = false;
            }
            Operator::Drop => {
                self.pop();
            }
            Operator::Select | Operator::TypedSelect { .. } => {
                let (a, b, c) = self.pop3();
                let v = self.builder.ins().select(c, a, b);
                self.push(v);
            }
            Operator::TypedSelectMulti { .. } => return Err(self.unsupported("multi-value select")),
            Operator::LocalGet { local_index } => {
                let v = self.builder.use_var(self.locals[local_index as usize]);
                self.push(v);
            }
            Operator::LocalSet { local_index } => {
                let v = self.pop();
                self.builder.def_var(self.locals[local_index as usize], v);
            }
            Operator::LocalTee { local_index } => {
                let v = *self.stack.last().expect("validated");
                self.builder.def_var(self.locals[local_index as usize], v);
            }
            Operator::RefNull { .. } => {
                let v = self.builder.ins().iconst(POINTER, 0);
                self.push(v);
            }
            Operator::RefAsNonNull => {
                let r = *self.stack.last().expect("validated");
                self.builder.ins().trapz(r, trap(TrapCode::NullReference));
            }
            Operator::BrOnNull { relative_depth } => {
                let r = self.pop();
                let (target, n) = self.branch_target(relative_depth);
                let args = self.block_args(n);
                let next = self.builder.create_block();
                // Branch when null: the test is inverted by swapping the targets.
                self.builder.ins().brif(r, next, &[], target, &args);
                self.builder.seal_block(next);
                self.builder.switch_to_block(next);
                self.push(r);
            }
            Operator::BrOnNonNull { relative_depth } => {
                let r = *self.stack.last().expect("validated");
                let (target, n) = self.branch_target(relative_depth);
                let args = self.block_args(n);
                let next = self.builder.create_block();
                self.builder.ins().brif(r, target, &args, next, &[]);
                self.builder.seal_block(next);
                self.builder.switch_to_block(next);
                self.pop();
            }
            Operator::RefIsNull => {
                let r = self.pop();
                let c = self.builder.ins().icmp_imm_u(IntCC::Equal, r, 0);
                let v = self.builder.ins().uextend(types::I32, c);
                self.push(v);
            }
            op => {
                if !self.numeric(&op)? && !self.gc_operator(&op)? && !self.eh_operator(&op)? {
                    self.env_operator(op)?;
                }
            }
        }
        Ok(())
    }

    /// Operators in unreachable code: only the structure matters.
    fn unreachable_operator(&mut self, op: Operator<'_>) -> Result<(), CompileError> {
        match op {
            Operator::Block { .. }
            | Operator::Loop { .. }
            | Operator::If { .. }
            | Operator::TryTable { .. }
            | Operator::Try { .. } => self.unreachable_depth += 1,
            Operator::Else if self.unreachable_depth == 0 => self.translate_else(),
            Operator::Catch { tag_index } if self.unreachable_depth == 0 => {
                self.translate_catch(Some(tag_index))
            }
            Operator::CatchAll if self.unreachable_depth == 0 => self.translate_catch(None),
            Operator::End if self.unreachable_depth == 0 => self.translate_end(),
            Operator::Delegate { relative_depth } if self.unreachable_depth == 0 => {
                self.end_frame(Some(relative_depth))
            }
            Operator::End | Operator::Delegate { .. } => self.unreachable_depth -= 1,
            _ => {}
        }
        Ok(())
    }

    fn translate_else(&mut self) {
        let reachable = self.reachable;
        let frame = self.control.last_mut().expect("validated: else inside if");
        if reachable {
            frame.dest_reachable = true;
        }
        let (dest, n, height) = (frame.dest, frame.num_results, frame.height);
        let FrameKind::If { else_block, params, else_seen } = &mut frame.kind else {
            unreachable!("validated: else without if")
        };
        *else_seen = true;
        let (else_block, params) = (*else_block, params.clone());
        if reachable {
            let args = self.block_args(n);
            self.builder.ins().jump(dest, &args);
        }
        self.stack.truncate(height);
        self.stack.extend(params);
        self.builder.switch_to_block(else_block);
        self.reachable = true;
    }

    fn translate_end(&mut self) {
        self.end_frame(None);
    }

    /// `end` of any frame, or (with `delegate`'s label) `delegate` of a legacy `try`.
    fn end_frame(&mut self, delegate: Option<u32>) {
        let mut frame = self.control.pop().expect("validated: end matches a frame");
        if self.reachable {
            let args = self.block_args(frame.num_results);
            self.builder.ins().jump(frame.dest, &args);
            frame.dest_reachable = true;
        }
        match frame.kind {
            FrameKind::If { else_block, params, else_seen: false } => {
                // `if` without `else`: the false arm passes the parameters through.
                self.builder.switch_to_block(else_block);
                let args: Vec<BlockArg> = params.iter().map(|v| BlockArg::Value(*v)).collect();
                self.builder.ins().jump(frame.dest, &args);
                frame.dest_reachable = true;
            }
            FrameKind::Loop { header } => self.builder.seal_block(header),
            FrameKind::TryTable { pad } => {
                // Every `try_call` of the body is known now: the pad's predecessors.
                self.builder.seal_block(pad);
                self.landing_pads.pop();
            }
            FrameKind::LegacyTry { pad, exn, next, in_catch } => {
                let unmatched = if in_catch {
                    next
                } else {
                    self.builder.seal_block(pad);
                    self.landing_pads.pop();
                    Some(pad)
                };
                // An exception no clause caught is rethrown: to the handler of the frame at
                // `delegate`'s label (relative to the frames outside this `try`), else to
                // the enclosing one.
                if let Some(block) = unmatched {
                    self.builder.switch_to_block(block);
                    match delegate {
                        Some(depth) => {
                            let target = self.control.len() - 1 - depth as usize;
                            self.throw_exn_to(exn, target);
                        }
                        None => self.throw_exn(exn),
                    }
                }
            }
            _ => {}
        }
        self.stack.truncate(frame.height);
        if frame.dest_reachable {
            self.builder.switch_to_block(frame.dest);
            self.builder.seal_block(frame.dest);
            let params = self.builder.block_params(frame.dest).to_vec();
            self.stack.extend(params);
            self.reachable = true;
        } else {
            self.reachable = false;
        }
        if self.control.is_empty() && self.reachable {
            let vals = self.peekn(frame.num_results).to_vec();
            self.builder.ins().return_(&vals);
            self.reachable = false;
        }
    }

    fn translate_br_table(&mut self, targets: wasmparser::BrTable<'_>) -> Result<(), CompileError> {
        let index = self.pop();
        let mut depths = Vec::with_capacity(targets.len() as usize + 1);
        for t in targets.targets() {
            depths.push(t.map_err(invalid)?);
        }
        let default = targets.default();
        let (_, arity) = self.branch_target(default);
        // Each distinct target gets one block; when values are passed, that block is an
        // edge block that jumps to the real target with the arguments (a jump table entry
        // carries no arguments).
        let mut blocks: HashMap<u32, ir::Block> = HashMap::new();
        let mut edge = |t: &mut Self, depth: u32| -> ir::Block {
            if let Some(b) = blocks.get(&depth) {
                return *b;
            }
            let (target, n) = t.branch_target(depth);
            let b = if n == 0 {
                target
            } else {
                let b = t.builder.create_block();
                b
            };
            blocks.insert(depth, b);
            b
        };
        let default_block = edge(self, default);
        let table: Vec<ir::Block> = depths.iter().map(|d| edge(self, *d)).collect();
        let pool = &mut self.builder.func.dfg.value_lists;
        let default_call = ir::BlockCall::new(default_block, [], pool);
        let calls: Vec<ir::BlockCall> =
            table.iter().map(|b| ir::BlockCall::new(*b, [], pool)).collect();
        let jt_data = ir::JumpTableData::new(default_call, &calls);
        let jt = self.builder.create_jump_table(jt_data);
        self.builder.ins().br_table(index, jt);
        if arity > 0 {
            let mut edges: Vec<(u32, ir::Block)> = blocks.into_iter().collect();
            edges.sort_by_key(|(d, _)| *d);
            let args = self.block_args(arity);
            for (depth, b) in edges {
                let (target, _) = self.branch_target(depth);
                self.builder.switch_to_block(b);
                self.builder.seal_block(b);
                self.builder.ins().jump(target, &args);
            }
        }
        self.reachable = false;
        Ok(())
    }

    /// Imports (once per function) the signature of Wasm function type `ty`.
    fn wasm_sig_ref(&mut self, ty: u32) -> SigRef {
        if let Some(s) = self.sig_refs.get(&ty) {
            return *s;
        }
        let sig = wasm_signature(self.env.info.func_type_at(ty));
        let s = self.builder.import_signature(sig);
        self.sig_refs.insert(ty, s);
        s
    }
}
