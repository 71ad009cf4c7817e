//! The spiller oracle's generator: CLIF functions built with `cranelift-frontend`
//! variables from fuzzer input (see the parent module for the shapes).

use arbitrary::{Result as ArbResult, Unstructured};
use cranelift_codegen::ir::{
    self, AbiParam, Function, InstBuilder, MemFlagsData, Signature, UserFuncName, Value, types::I64,
};
use cranelift_codegen::isa::CallConv;
use cranelift_entity::EntitySet;
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext, Variable};

/// Number of reference variables and reference parameters of generated functions.
const REF_VARS: usize = 4;
/// Nesting limit of generated control flow.
const MAX_DEPTH: u32 = 3;
/// Statements per generated block (at most).
const MAX_STMTS: usize = 6;
/// Offset of an object's reference field (its id is at offset 0).
pub const REF_FIELD: i32 = 8;

/// A generated function and what the translator would tell the spiller about it.
pub struct Generated {
    /// The CLIF (before spilling).
    pub func: Function,
    /// Values that hold references (allocation results, reference parameters).
    pub refs: EntitySet<Value>,
    /// The safepoint calls.
    pub safepoints: Vec<ir::Inst>,
    /// Callee `FuncRef`s: `%alloc`, `%consume`, `%pure`, `%sum` (tail-called with the four
    /// reference variables; returns the sum of their ids), `%try_alloc` (`try_call`ed).
    pub callees: [ir::FuncRef; 5],
}

struct Gen<'a, 'u, 'b> {
    u: &'a mut Unstructured<'u>,
    b: FunctionBuilder<'b>,
    refs: Vec<Variable>,
    ref_values: Vec<Value>,
    calls: Vec<ir::Inst>,
    callees: [ir::FuncRef; 5],
}

impl Gen<'_, '_, '_> {
    fn ref_var(&mut self) -> ArbResult<Variable> {
        Ok(self.refs[self.u.choose_index(self.refs.len())?])
    }

    fn stmts(&mut self, depth: u32) -> ArbResult<()> {
        let n = self.u.int_in_range(1..=MAX_STMTS)?;
        for _ in 0..n {
            if self.u.is_empty() {
                return Ok(());
            }
            self.stmt(depth)?;
        }
        Ok(())
    }

    fn stmt(&mut self, depth: u32) -> ArbResult<()> {
        let choice = self.u.int_in_range(0..=16)?;
        match choice {
            10 => {
                // pure(load(r + 8 - 8)): a use through an interior pointer
                let r = self.ref_var()?;
                let v = self.b.use_var(r);
                let off = self.b.ins().iconst(I64, i64::from(REF_FIELD));
                let p = self.b.ins().iadd(v, off);
                let x = self.b.ins().load(I64, MemFlagsData::trusted(), p, -REF_FIELD);
                self.b.ins().call(self.callees[2], &[x]);
            }
            11 => {
                // r.field = s: a reference stored to memory
                let (r, s) = (self.ref_var()?, self.ref_var()?);
                let (obj, val) = (self.b.use_var(r), self.b.use_var(s));
                self.b.ins().store(MemFlagsData::trusted(), val, obj, REF_FIELD);
            }
            12 => {
                // r = s.field: a reference loaded from memory
                let (r, s) = (self.ref_var()?, self.ref_var()?);
                let obj = self.b.use_var(s);
                let v = self.b.ins().load(I64, MemFlagsData::trusted(), obj, REF_FIELD);
                self.ref_values.push(v);
                self.b.def_var(r, v);
            }
            13 | 14 if depth < MAX_DEPTH => self.switch(depth)?,
            15 | 16 => self.try_alloc()?,
            0 | 1 => {
                // r = alloc()
                let r = self.ref_var()?;
                let call = self.b.ins().call(self.callees[0], &[]);
                self.calls.push(call);
                let v = self.b.inst_results(call)[0];
                self.ref_values.push(v);
                self.b.def_var(r, v);
            }
            2 => {
                // r = s
                let (r, s) = (self.ref_var()?, self.ref_var()?);
                let v = self.b.use_var(s);
                self.b.def_var(r, v);
            }
            3 => {
                // r = select(c, s, t)
                let (r, s, t) = (self.ref_var()?, self.ref_var()?, self.ref_var()?);
                let c = self.b.ins().iconst(I64, self.u.int_in_range(0..=1)?);
                let (a, b) = (self.b.use_var(s), self.b.use_var(t));
                let v = self.b.ins().select(c, a, b);
                self.b.def_var(r, v);
            }
            4 => {
                // consume(r): a safepoint that uses r
                let r = self.ref_var()?;
                let v = self.b.use_var(r);
                let call = self.b.ins().call(self.callees[1], &[v]);
                self.calls.push(call);
            }
            5 => {
                // pure(load(r)): a use, then a call that is no safepoint
                let r = self.ref_var()?;
                let v = self.b.use_var(r);
                let x = self.b.ins().load(I64, MemFlagsData::trusted(), v, 0);
                self.b.ins().call(self.callees[2], &[x]);
            }
            6 | 7 if depth < MAX_DEPTH => self.if_else(depth)?,
            8 | 9 if depth < MAX_DEPTH => self.counted_loop(depth)?,
            _ => {
                let r = self.ref_var()?;
                let v = self.b.use_var(r);
                let x = self.b.ins().load(I64, MemFlagsData::trusted(), v, 0);
                self.b.ins().call(self.callees[2], &[x]);
            }
        }
        Ok(())
    }

    fn if_else(&mut self, depth: u32) -> ArbResult<()> {
        let then_b = self.b.create_block();
        let else_b = self.b.create_block();
        let join = self.b.create_block();
        let c = self.b.ins().iconst(I64, self.u.int_in_range(0..=1)?);
        self.b.ins().brif(c, then_b, &[], else_b, &[]);
        self.arms(&[then_b, else_b], join, depth, true)
    }

    /// Fills the arm blocks `arms` of a branch (all of whose predecessors exist): each runs
    /// statements (the first always when `first_always`, the others when the input says
    /// so) and jumps to `join`, where building goes on.
    fn arms(
        &mut self,
        arms: &[ir::Block],
        join: ir::Block,
        depth: u32,
        first_always: bool,
    ) -> ArbResult<()> {
        for b in arms {
            self.b.seal_block(*b);
        }
        for (i, b) in arms.iter().enumerate() {
            self.b.switch_to_block(*b);
            if (i == 0 && first_always) || self.u.arbitrary()? {
                self.stmts(depth + 1)?;
            }
            self.b.ins().jump(join, &[]);
        }
        self.b.seal_block(join);
        self.b.switch_to_block(join);
        Ok(())
    }

    /// `r = try_call %try_alloc(flag)`: a safepoint that either returns a new object to
    /// its normal continuation or throws to its handler (which leaves `r` as it was), as
    /// calls inside a Wasm `try_table` do.
    fn try_alloc(&mut self) -> ArbResult<()> {
        let r = self.ref_var()?;
        let flag = self.b.ins().iconst(I64, self.u.int_in_range(0..=1)?);
        let (cont, pad, join) =
            (self.b.create_block(), self.b.create_block(), self.b.create_block());
        let v = self.b.append_block_param(cont, I64);
        self.b.append_block_param(pad, I64);
        let sig = self.b.func.dfg.ext_funcs[self.callees[4]].signature;
        let pool = &mut self.b.func.dfg.value_lists;
        let normal = ir::BlockCall::new(cont, [ir::BlockArg::TryCallRet(0)], pool);
        let handler = ir::BlockCall::new(pad, [ir::BlockArg::TryCallExn(0)], pool);
        let table =
            ir::ExceptionTableData::new(sig, normal, [ir::ExceptionTableItem::Default(handler)]);
        let et = self.b.func.dfg.exception_tables.push(table);
        let call = self.b.ins().try_call(self.callees[4], &[flag], et);
        self.calls.push(call);
        self.ref_values.push(v);
        self.b.seal_block(cont);
        self.b.seal_block(pad);
        self.b.switch_to_block(cont);
        self.b.def_var(r, v);
        self.b.ins().jump(join, &[]);
        self.b.switch_to_block(pad);
        self.b.ins().jump(join, &[]);
        self.b.seal_block(join);
        self.b.switch_to_block(join);
        Ok(())
    }

    /// A `br_table` over 1 to 3 arms and the default, each arm running statements and
    /// jumping to the join block.
    fn switch(&mut self, depth: u32) -> ArbResult<()> {
        let arms = self.u.int_in_range(1..=3)?;
        let blocks: Vec<ir::Block> = (0..=arms).map(|_| self.b.create_block()).collect();
        let join = self.b.create_block();
        let index = self.b.ins().iconst(ir::types::I32, self.u.int_in_range(0..=arms + 1)?);
        let calls: Vec<ir::BlockCall> =
            blocks.iter().map(|b| self.b.func.dfg.block_call(*b, &[])).collect();
        let jt = self.b.create_jump_table(ir::JumpTableData::new(calls[0], &calls[1..]));
        self.b.ins().br_table(index, jt);
        self.arms(&blocks, join, depth, false)
    }

    fn counted_loop(&mut self, depth: u32) -> ArbResult<()> {
        let trips = self.u.int_in_range(1..=3)?;
        let header = self.b.create_block();
        let exit = self.b.create_block();
        let counter = self.b.declare_var(I64);
        let init = self.b.ins().iconst(I64, trips);
        self.b.def_var(counter, init);
        self.b.ins().jump(header, &[]);
        self.b.switch_to_block(header);
        self.stmts(depth + 1)?;
        let n = self.b.use_var(counter);
        let minus_one = self.b.ins().iconst(I64, -1);
        let n1 = self.b.ins().iadd(n, minus_one);
        self.b.def_var(counter, n1);
        self.b.ins().brif(n1, header, &[], exit, &[]);
        self.b.seal_block(header);
        self.b.seal_block(exit);
        self.b.switch_to_block(exit);
        Ok(())
    }
}

fn callee(func: &mut Function, name: u32, params: usize, returns: usize) -> ir::FuncRef {
    let mut sig = Signature::new(CallConv::Tail);
    sig.params.extend((0..params).map(|_| AbiParam::new(I64)));
    sig.returns.extend((0..returns).map(|_| AbiParam::new(I64)));
    let sig = func.import_signature(sig);
    let name = func.declare_imported_user_function(ir::UserExternalName::new(1, name));
    func.import_function(ir::ExtFuncData {
        name: ir::ExternalName::user(name),
        signature: sig,
        colocated: true,
        patchable: false,
    })
}

/// Generates a function from `data`: `REF_VARS` reference parameters, returning the sum of
/// the object ids that its reference variables hold at the end.
///
/// # Errors
/// When `data` runs out (the caller skips such inputs).
pub fn generate(data: &[u8]) -> ArbResult<Generated> {
    let mut u = Unstructured::new(data);
    let mut sig = Signature::new(CallConv::Tail);
    sig.params.extend((0..REF_VARS).map(|_| AbiParam::new(I64)));
    sig.returns.push(AbiParam::new(I64));
    let mut func = Function::with_name_signature(UserFuncName::user(0, 0), sig);
    let callees = [
        callee(&mut func, 0, 0, 1),
        callee(&mut func, 1, 1, 0),
        callee(&mut func, 2, 1, 0),
        callee(&mut func, 3, REF_VARS, 1),
        callee(&mut func, 4, 1, 1),
    ];
    let mut fctx = FunctionBuilderContext::new();
    let mut b = FunctionBuilder::new(&mut func, &mut fctx);
    let entry = b.create_block();
    b.append_block_params_for_function_params(entry);
    b.switch_to_block(entry);
    b.seal_block(entry);
    let params = b.block_params(entry).to_vec();
    let mut refs = Vec::new();
    for p in &params {
        let v = b.declare_var(I64);
        b.def_var(v, *p);
        refs.push(v);
    }
    let mut g = Gen { u: &mut u, b, refs, ref_values: params, calls: Vec::new(), callees };
    g.stmts(0)?;
    // Return the sum of the final variables' object ids: every variable is used at the end,
    // here or by `%sum`, tail-called.
    if g.u.arbitrary()? {
        let args: Vec<Value> = g.refs.clone().into_iter().map(|r| g.b.use_var(r)).collect();
        g.b.ins().return_call(g.callees[3], &args);
    } else {
        let mut sum = g.b.ins().iconst(I64, 0);
        for r in g.refs.clone() {
            let v = g.b.use_var(r);
            let x = g.b.ins().load(I64, MemFlagsData::trusted(), v, 0);
            sum = g.b.ins().iadd(sum, x);
        }
        g.b.ins().return_(&[sum]);
    }
    let (ref_values, safepoints) = (g.ref_values, g.calls);
    g.b.finalize(cranelift_codegen::isa::TargetFrontendConfig {
        default_call_conv: CallConv::SystemV,
        pointer_width: target_lexicon::PointerWidth::U64,
        page_size_align_log2: 12,
    });
    let mut set = EntitySet::new();
    for v in ref_values {
        set.insert(v);
    }
    Ok(Generated { func, refs: set, safepoints, callees })
}
