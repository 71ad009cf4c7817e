//! The `spiller` oracle: generated CLIF functions that hold GC references across
//! safepoints, run through the safepoint spiller and then *interpreted* under a simulated
//! moving collector.
//!
//! The generator ([`generate`]) builds a function with `cranelift-frontend` variables (so SSA
//! construction inserts block parameters and aliases, as for Wasm locals): reference
//! variables assigned from parameters, allocations (`call %alloc`, a safepoint returning a
//! new object), other variables, `select`s and loads of an object's reference field; uses
//! as field loads (also through an interior pointer, `iadd` of the reference and an
//! offset), as stores of a reference into another object's field, and as arguments of
//! `call %consume` (a safepoint) and `call %pure` (not a safepoint); `if`/`else`,
//! `br_table` switches, `try_call`s of an allocation that may throw (to a handler block)
//! and bounded loops, nested; the function ends with `return` or with
//! a tail call (`return_call %sum`, no safepoint). The spiller then runs with the
//! translator's facts: allocation results, loaded reference fields and reference
//! parameters are references; every `%alloc`/`%consume`/`%try_alloc` call is a safepoint.
//!
//! Objects have two fields: their id at offset 0 and a reference at offset
//! [`REF_FIELD`] (initially the object itself).
//!
//! The interpreter ([`interpret`]) gives every object an address that changes at every
//! safepoint: the collector reads the call's stack map, keeps exactly the objects whose
//! slots it names and those their reference fields reach, moves them to fresh addresses
//! and rewrites the slots and fields. Violations:
//! - a use (field load or call argument) of an address that is not an object's current one
//!   (a stale reference after a move, Wasmtime #13228) or of an object the collector did not
//!   keep (a live reference missing from the stack map);
//! - a stack map naming a slot that was never written, or that holds something other than a
//!   current object address (Wasmtime #13461);
//! - a field load that returns another object's contents;
//! - a store of a stale reference into an object, or a tail call passing one.
//!
//! The static oracle `wasmc::safepoints::verify` runs as well, as a second opinion.

use std::collections::HashMap;

use arbitrary::{Result as ArbResult, Unstructured};
use cranelift_codegen::ir::{
    self, AbiParam, Function, InstBuilder, InstructionData, MemFlagsData, Opcode, Signature,
    StackSlot, UserFuncName, Value, types::I64,
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
        self.b.seal_block(then_b);
        self.b.seal_block(else_b);
        self.b.switch_to_block(then_b);
        self.stmts(depth + 1)?;
        self.b.ins().jump(join, &[]);
        self.b.switch_to_block(else_b);
        if self.u.arbitrary()? {
            self.stmts(depth + 1)?;
        }
        self.b.ins().jump(join, &[]);
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
        for b in &blocks {
            self.b.seal_block(*b);
        }
        for b in blocks {
            self.b.switch_to_block(b);
            if self.u.arbitrary()? {
                self.stmts(depth + 1)?;
            }
            self.b.ins().jump(join, &[]);
        }
        self.b.seal_block(join);
        self.b.switch_to_block(join);
        Ok(())
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

/// An object of the simulated heap.
#[derive(Clone, Copy)]
struct Object {
    id: u64,
    /// The reference field (an object address).
    field: u64,
}

/// Bytes between object addresses (objects are this aligned).
const OBJECT_SPACING: u64 = 0x40;

/// The simulated heap and collector.
#[derive(Default)]
struct Heap {
    /// Current address -> object.
    objects: HashMap<u64, Object>,
    next_addr: u64,
    next_id: u64,
    collections: u64,
}

impl Heap {
    fn fresh_addr(&mut self) -> u64 {
        self.next_addr += OBJECT_SPACING;
        0x1_0000_0000 + self.next_addr
    }

    /// A new object whose reference field points to itself.
    fn alloc(&mut self) -> u64 {
        let a = self.fresh_addr();
        self.next_id += 1;
        self.objects.insert(a, Object { id: self.next_id, field: a });
        a
    }

    /// The object id at `addr`, if `addr` is a current object address.
    fn get(&self, addr: u64) -> Option<u64> {
        self.objects.get(&addr).map(|o| o.id)
    }

    /// The object containing `addr` (a current object address plus an offset below the
    /// spacing) and the offset.
    fn containing(&mut self, addr: u64) -> Option<(&mut Object, u64)> {
        let base = addr & !(OBJECT_SPACING - 1);
        self.objects.get_mut(&base).map(|o| (o, addr - base))
    }

    /// A collection with `roots` (stack slots and the addresses they hold): keeps the
    /// objects they reach through reference fields (a worklist), moves them, and returns
    /// the roots' new values.
    fn collect(&mut self, roots: &[u64]) -> Result<Vec<u64>, String> {
        let mut moved: HashMap<u64, u64> = HashMap::new();
        let mut survivors: HashMap<u64, Object> = HashMap::new();
        let mut work: Vec<u64> = roots.to_vec();
        while let Some(old) = work.pop() {
            if moved.contains_key(&old) {
                continue;
            }
            let obj = *self.objects.get(&old).ok_or_else(|| {
                format!("the collector reaches {old:#x}, not a current object address")
            })?;
            let new = self.fresh_addr();
            moved.insert(old, new);
            survivors.insert(new, obj);
            work.push(obj.field);
        }
        for o in survivors.values_mut() {
            o.field = moved[&o.field];
        }
        self.objects = survivors;
        self.collections += 1;
        Ok(roots.iter().map(|r| moved[r]).collect())
    }
}

/// Instructions an interpretation may run.
pub const FUEL: u64 = 100_000;

/// Base of the fake addresses `stack_addr` produces (slot `n` at `SLOT_BASE + 16 n`).
const SLOT_BASE: u64 = 0x7000_0000_0000;

/// Interprets `func` (its parameters are fresh objects) for at most `fuel` instructions and
/// returns its result (`None` when the fuel ran out) and the number of collections. With
/// `moving`, every `%alloc`/`%consume` call collects as the module docs say; without, the
/// heap never changes (the reference run of the unspilled function).
///
/// # Errors
/// The first violation (see the module docs).
pub fn interpret(
    func: &Function,
    callees: &[ir::FuncRef; 5],
    fuel: u64,
    moving: bool,
) -> Result<(Option<u64>, u64), String> {
    let dfg = &func.dfg;
    let mut heap = Heap::default();
    let mut vals: HashMap<Value, u64> = HashMap::new();
    let mut slots: HashMap<StackSlot, u64> = HashMap::new();
    let entry = func.layout.entry_block().ok_or("no entry block")?;
    for p in dfg.block_params(entry) {
        let a = heap.alloc();
        vals.insert(*p, a);
    }
    let get = |vals: &HashMap<Value, u64>, v: Value| -> Result<u64, String> {
        vals.get(&dfg.resolve_aliases(v))
            .copied()
            .ok_or_else(|| format!("{v} used before it is defined"))
    };
    let slot_of = |addr: u64| -> Option<StackSlot> {
        use cranelift_entity::EntityRef;
        (addr >= SLOT_BASE && (addr - SLOT_BASE) % 16 == 0)
            .then(|| StackSlot::new(((addr - SLOT_BASE) / 16) as usize))
    };
    let mut block = entry;
    let mut steps = 0u64;
    loop {
        let mut next: Option<(ir::Block, Vec<u64>)> = None;
        for inst in func.layout.block_insts(block) {
            steps += 1;
            if steps > fuel {
                return Ok((None, heap.collections));
            }
            let data = &dfg.insts[inst];
            let args: Vec<Value> = dfg.inst_args(inst).to_vec();
            let result = |vals: &mut HashMap<Value, u64>, x: u64| {
                vals.insert(dfg.first_result(inst), x);
            };
            match data.opcode() {
                Opcode::Iconst => {
                    let InstructionData::UnaryImm { imm, .. } = *data else { unreachable!() };
                    result(&mut vals, imm.bits() as u64);
                }
                Opcode::Iadd => {
                    let x = get(&vals, args[0])?.wrapping_add(get(&vals, args[1])?);
                    result(&mut vals, x);
                }
                Opcode::Select => {
                    let c = get(&vals, args[0])?;
                    let x = if c != 0 { get(&vals, args[1])? } else { get(&vals, args[2])? };
                    result(&mut vals, x);
                }
                Opcode::StackAddr => {
                    let InstructionData::StackAddr { stack_slot, .. } = *data else {
                        return Err(format!("unexpected stack_addr form {data:?}"));
                    };
                    use cranelift_entity::EntityRef;
                    result(&mut vals, SLOT_BASE + 16 * stack_slot.index() as u64);
                }
                Opcode::Store => {
                    let InstructionData::Store { offset, .. } = *data else { unreachable!() };
                    let (x, base) = (get(&vals, args[0])?, get(&vals, args[1])?);
                    let addr = base.wrapping_add_signed(i64::from(i32::from(offset)));
                    if let Some(slot) = slot_of(addr) {
                        slots.insert(slot, x);
                        continue;
                    }
                    if heap.get(x).is_none() {
                        return Err(format!(
                            "{inst}: stores {x:#x}, which is not a current object address"
                        ));
                    }
                    match heap.containing(addr) {
                        Some((o, off)) if off == REF_FIELD as u64 => o.field = x,
                        _ => {
                            return Err(format!(
                                "{inst}: store to {addr:#x}, no reference field of a current object (stale after a move?)"
                            ));
                        }
                    }
                }
                Opcode::Load => {
                    let InstructionData::Load { offset, .. } = *data else { unreachable!() };
                    let base = get(&vals, args[0])?;
                    let addr = base.wrapping_add_signed(i64::from(i32::from(offset)));
                    if let Some(slot) = slot_of(addr) {
                        let x = *slots
                            .get(&slot)
                            .ok_or_else(|| format!("{inst}: reload of unwritten {slot}"))?;
                        result(&mut vals, x);
                    } else {
                        let x = match heap.containing(addr) {
                            Some((o, 0)) => o.id,
                            Some((o, off)) if off == REF_FIELD as u64 => o.field,
                            _ => {
                                return Err(format!(
                                    "{inst}: field load through {addr:#x}, which is not in a current object (stale after a move, or not kept by a stack map)"
                                ));
                            }
                        };
                        result(&mut vals, x);
                    }
                }
                Opcode::Call | Opcode::TryCall => {
                    let (func_ref, exception) = match *data {
                        InstructionData::Call { func_ref, .. } => (func_ref, None),
                        InstructionData::TryCall { func_ref, exception, .. } => {
                            (func_ref, Some(exception))
                        }
                        _ => unreachable!(),
                    };
                    for a in &args {
                        let addr = get(&vals, *a)?;
                        if func_ref == callees[1] && heap.get(addr).is_none() {
                            return Err(format!(
                                "{inst}: passes {addr:#x}, which is not a current object address"
                            ));
                        }
                    }
                    if moving && func_ref != callees[2] {
                        // A safepoint: collect, keeping exactly the stack map's objects.
                        let entries = dfg.user_stack_map_entries(inst).unwrap_or(&[]);
                        let mut roots = Vec::new();
                        for e in entries {
                            let old = *slots.get(&e.slot).ok_or_else(|| {
                                format!("{inst}: its stack map names {}, never written", e.slot)
                            })?;
                            if heap.get(old).is_none() {
                                return Err(format!(
                                    "{inst}: its stack map's {} holds {old:#x}, not a current object address",
                                    e.slot
                                ));
                            }
                            roots.push(old);
                        }
                        let new = heap.collect(&roots).map_err(|e| format!("{inst}: {e}"))?;
                        for (e, n) in entries.iter().zip(new) {
                            slots.insert(e.slot, n);
                        }
                    }
                    if func_ref == callees[0] {
                        let a = heap.alloc();
                        result(&mut vals, a);
                    }
                    if let Some(et) = exception {
                        // `%try_alloc(flag)`: throws if `flag` is set, else allocates; the
                        // object reaches the normal continuation as `TryCallRet(0)`.
                        let throws = get(&vals, args[0])? != 0;
                        let table = &dfg.exception_tables[et];
                        let dest = if throws {
                            table
                                .items()
                                .find_map(|i| match i {
                                    ir::ExceptionTableItem::Default(b) => Some(b),
                                    _ => None,
                                })
                                .ok_or("a try_call without a default handler")?
                        } else {
                            *table.normal_return()
                        };
                        let ret = if throws { 0 } else { heap.alloc() };
                        let mut passed = Vec::new();
                        for a in dest.args(&dfg.value_lists) {
                            passed.push(match a {
                                ir::BlockArg::Value(v) => get(&vals, v)?,
                                ir::BlockArg::TryCallRet(_) => ret,
                                ir::BlockArg::TryCallExn(_) => 0,
                            });
                        }
                        next = Some((dest.block(&dfg.value_lists), passed));
                    }
                }
                Opcode::ReturnCall => {
                    // `%sum`: the ids of the objects passed (a tail call is no safepoint).
                    let mut sum = 0u64;
                    for a in &args {
                        let addr = get(&vals, *a)?;
                        let id = heap.get(addr).ok_or_else(|| {
                            format!("{inst}: tail-calls with {addr:#x}, which is not a current object address")
                        })?;
                        sum = sum.wrapping_add(id);
                    }
                    return Ok((Some(sum), heap.collections));
                }
                Opcode::Jump | Opcode::Brif | Opcode::BrTable => {
                    let dests = data.branch_destination(&dfg.jump_tables, &dfg.exception_tables);
                    let taken = match data.opcode() {
                        Opcode::Jump => 0,
                        Opcode::Brif => usize::from(get(&vals, args[0])? == 0),
                        // The default is first, then the table's entries.
                        _ => match get(&vals, args[0])? as usize {
                            i if i + 1 < dests.len() => i + 1,
                            _ => 0,
                        },
                    };
                    let dest = dests[taken];
                    let target = dest.block(&dfg.value_lists);
                    let mut passed = Vec::new();
                    for a in dest.args(&dfg.value_lists) {
                        let v = a.as_value().ok_or("non-value block argument")?;
                        passed.push(get(&vals, v)?);
                    }
                    next = Some((target, passed));
                }
                Opcode::Return => return Ok((Some(get(&vals, args[0])?), heap.collections)),
                other => return Err(format!("the interpreter does not know {other}")),
            }
        }
        let (target, passed) = next.ok_or("a block without a terminator")?;
        for (p, x) in dfg.block_params(target).iter().zip(passed) {
            vals.insert(*p, x);
        }
        block = target;
    }
}

/// What a run of the spiller oracle did, when it found no violation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SpillerVerdict {
    /// `data` was too short to generate a function.
    NoFunction,
    /// The spilled function was checked: static checks, and both interpretations ran to
    /// the end with equal results.
    Checked,
    /// The oracle gave up before a verdict (the corpus replay fails if this happens often).
    GaveUp(GiveUp),
}

/// Why the spiller oracle gave up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GiveUp {
    /// An interpretation ran out of its [`FUEL`] (results could not be compared).
    Fuel,
    /// The independent liveness of the stack-map check did not settle in
    /// [`LIVENESS_ROUNDS`] rounds.
    Liveness,
}

/// Rounds the stack-map check's liveness fixpoint may take before the oracle gives up.
pub const LIVENESS_ROUNDS: usize = 1000;

/// Generates a function from `data`, spills it, and checks it by interpretation (and with
/// the static oracle).
///
/// # Errors
/// A violation, with the spilled CLIF.
pub fn run(data: &[u8]) -> Result<SpillerVerdict, String> {
    run_with(data, &wasmc::safepoints::Spiller::default(), true)
}

/// [`run`] with a given spiller configuration, and the static checks (`safepoints::verify`
/// and the exact stack-map check) on or off (to show that the interpreter alone catches a
/// broken spiller).
///
/// # Errors
/// As [`run`].
pub fn run_with(
    data: &[u8],
    spiller: &wasmc::safepoints::Spiller,
    static_oracle: bool,
) -> Result<SpillerVerdict, String> {
    let Ok(mut g) = generate(data) else { return Ok(SpillerVerdict::NoFunction) };
    // The reference run: the same function, unspilled, in a heap that never moves.
    let unspilled = g.func.clone();
    spiller.run(&mut g.func, &g.refs, &g.safepoints);
    let clif = || {
        format!("\n--- before:\n{}\n--- after spilling:\n{}", unspilled.display(), g.func.display())
    };
    if static_oracle {
        wasmc::safepoints::verify(&g.func, &g.refs, &g.safepoints)
            .map_err(|e| format!("static oracle: {e}{}", clif()))?;
        let settled = check_stack_maps(&unspilled, &g.func, &g.refs, &g.safepoints)
            .map_err(|e| format!("{e}{}", clif()))?;
        if !settled {
            return Ok(SpillerVerdict::GaveUp(GiveUp::Liveness));
        }
    }
    let (result, _) =
        interpret(&g.func, &g.callees, FUEL, true).map_err(|e| format!("{e}{}", clif()))?;
    let (expected, _) = interpret(&unspilled, &g.callees, FUEL, false)
        .map_err(|e| format!("reference run: {e}{}", clif()))?;
    let (Some(r), Some(e)) = (result, expected) else {
        return Ok(SpillerVerdict::GaveUp(GiveUp::Fuel));
    };
    if r != e {
        return Err(format!("result {r}, expected {e} (sums of object ids){}", clif()));
    }
    Ok(SpillerVerdict::Checked)
}

/// The successors of `inst` with their arguments (`None`: not an SSA value).
fn successors(func: &Function, inst: ir::Inst) -> Vec<(ir::Block, Vec<Option<Value>>)> {
    let dfg = &func.dfg;
    dfg.insts[inst]
        .branch_destination(&dfg.jump_tables, &dfg.exception_tables)
        .iter()
        .map(|bc| {
            (bc.block(&dfg.value_lists), bc.args(&dfg.value_lists).map(|a| a.as_value()).collect())
        })
        .collect()
}

/// Checks that each safepoint's stack map names *exactly* the slots of the references live
/// across it, with liveness computed here, independently of the spiller, on the function
/// before spilling (aliases resolved; block parameters and `select`s that receive
/// references are references), and each value's slot found from the spill stores.
/// `Ok(false)`: the liveness did not settle in [`LIVENESS_ROUNDS`] rounds (no verdict).
fn check_stack_maps(
    before: &Function,
    after: &Function,
    refs: &EntitySet<Value>,
    safepoints: &[ir::Inst],
) -> Result<bool, String> {
    use std::collections::BTreeSet;
    let dfg = &before.dfg;
    let res = |v: Value| wasmc::safepoints::resolved(dfg, v);
    let mut is_ref: BTreeSet<Value> =
        refs.keys().filter(|v| refs.contains(*v)).filter_map(res).collect();
    loop {
        let n = is_ref.len();
        for b in before.layout.blocks() {
            for inst in before.layout.block_insts(b) {
                if dfg.insts[inst].opcode() == Opcode::Select {
                    let a = dfg.inst_args(inst);
                    if [a[1], a[2]].iter().any(|v| res(*v).is_some_and(|v| is_ref.contains(&v))) {
                        is_ref.insert(dfg.first_result(inst));
                    }
                }
                for (t, args) in successors(before, inst) {
                    for (p, a) in dfg.block_params(t).iter().zip(args) {
                        if a.and_then(res).is_some_and(|a| is_ref.contains(&a)) {
                            is_ref.insert(*p);
                        }
                    }
                }
            }
        }
        if is_ref.len() == n {
            break;
        }
    }
    // Backward liveness to a fixpoint, then the live set after each safepoint.
    let blocks: Vec<ir::Block> = before.layout.blocks().collect();
    let mut live_in: HashMap<ir::Block, BTreeSet<Value>> = HashMap::new();
    let mut across: HashMap<ir::Inst, BTreeSet<Value>> = HashMap::new();
    let is_safepoint: BTreeSet<ir::Inst> = safepoints.iter().copied().collect();
    let mut settled = false;
    for _ in 0..LIVENESS_ROUNDS {
        let mut changed = false;
        for b in blocks.iter().rev() {
            let term = before.layout.last_inst(*b).ok_or("empty block")?;
            let mut live: BTreeSet<Value> = BTreeSet::new();
            for (t, _) in successors(before, term) {
                live.extend(live_in.get(&t).into_iter().flatten().copied());
            }
            for inst in before.layout.block_insts(*b).rev() {
                for r in dfg.inst_results(inst) {
                    live.remove(r);
                }
                if is_safepoint.contains(&inst) {
                    across.insert(inst, live.clone());
                }
                for v in dfg.inst_values(inst).filter_map(res) {
                    if is_ref.contains(&v) {
                        live.insert(v);
                    }
                }
            }
            for p in dfg.block_params(*b) {
                live.remove(p);
            }
            if live_in.get(b) != Some(&live) {
                live_in.insert(*b, live);
                changed = true;
            }
        }
        if !changed {
            settled = true;
            break;
        }
    }
    if !settled {
        return Ok(false);
    }
    // Each spilled value's slot, from the stores the spiller inserted.
    let adfg = &after.dfg;
    let mut slot_of: HashMap<Value, StackSlot> = HashMap::new();
    for b in after.layout.blocks() {
        for inst in after.layout.block_insts(b) {
            if adfg.insts[inst].opcode() != Opcode::Store {
                continue;
            }
            let args = adfg.inst_args(inst);
            let Some(def) = adfg.value_def(args[1]).inst() else { continue };
            if let InstructionData::StackAddr { stack_slot, .. } = adfg.insts[def] {
                if let Some(v) = wasmc::safepoints::resolved(adfg, args[0]) {
                    slot_of.insert(v, stack_slot);
                }
            }
        }
    }
    for sp in safepoints {
        let live = across.get(sp).cloned().unwrap_or_default();
        let mut expected = BTreeSet::new();
        for v in &live {
            let slot = slot_of
                .get(v)
                .ok_or_else(|| format!("{v} is live across {sp} but never spilled"))?;
            expected.insert(*slot);
        }
        let named: BTreeSet<StackSlot> =
            adfg.user_stack_map_entries(*sp).unwrap_or(&[]).iter().map(|e| e.slot).collect();
        if named != expected {
            return Err(format!(
                "the stack map of {sp} names {named:?}, but the references live across it ({live:?}) are in {expected:?}"
            ));
        }
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn corpus() -> Vec<Vec<u8>> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/spiller");
        let mut files: Vec<_> =
            std::fs::read_dir(dir).unwrap().flatten().map(|e| e.path()).collect();
        files.sort();
        files.iter().map(|f| std::fs::read(f).unwrap()).collect()
    }

    /// The interpreter by itself (static oracle off) catches the spiller with alias
    /// resolution switched off (Wasmtime #13228) on some corpus input.
    #[test]
    fn interpreter_catches_unresolved_aliases() {
        let broken = wasmc::safepoints::Spiller { resolve_aliases: false, ..Default::default() };
        let failures = corpus().iter().filter(|d| run_with(d, &broken, false).is_err()).count();
        assert!(failures > 0, "no corpus input exposes the missing alias resolution");
    }

    /// The exact stack-map check by itself catches the broken spiller too.
    #[test]
    fn stack_map_check_catches_unresolved_aliases() {
        let broken = wasmc::safepoints::Spiller { resolve_aliases: false, ..Default::default() };
        let mut caught = 0;
        for d in corpus() {
            let Ok(mut g) = generate(&d) else { continue };
            let before = g.func.clone();
            broken.run(&mut g.func, &g.refs, &g.safepoints);
            caught +=
                usize::from(check_stack_maps(&before, &g.func, &g.refs, &g.safepoints).is_err());
        }
        assert!(caught > 0, "no corpus input exposes the missing alias resolution");
    }

    /// The interpreter by itself also catches the spiller that drops a stack map entry
    /// (the planted bug of the differential oracle's self-test).
    #[test]
    fn interpreter_catches_a_dropped_stack_map_entry() {
        let broken =
            wasmc::safepoints::Spiller { drop_stack_map_entry: true, ..Default::default() };
        let failures = corpus().iter().filter(|d| run_with(d, &broken, false).is_err()).count();
        println!("a dropped stack map entry: {failures} of the corpus's inputs catch it");
        assert!(failures > 10, "only {failures} corpus inputs expose a dropped entry");
    }

    /// The corpus's generated functions contain every shape the generator makes:
    /// `br_table`, tail calls, interior pointers, references stored to and loaded from
    /// objects, `try_call`s.
    #[test]
    fn corpus_exercises_every_shape() {
        let mut counts = [0usize; 6];
        for d in corpus() {
            let Ok(g) = generate(&d) else { continue };
            let dfg = &g.func.dfg;
            for b in g.func.layout.blocks() {
                for inst in g.func.layout.block_insts(b) {
                    let args = dfg.inst_args(inst);
                    let is_ref = |v: Value| g.refs.contains(dfg.resolve_aliases(v));
                    let field = |i: &InstructionData| match *i {
                        InstructionData::Load { offset, .. }
                        | InstructionData::Store { offset, .. } => i32::from(offset) == REF_FIELD,
                        _ => false,
                    };
                    let k = match dfg.insts[inst].opcode() {
                        Opcode::BrTable => 0,
                        Opcode::ReturnCall => 1,
                        Opcode::Iadd if args.iter().any(|a| is_ref(*a)) => 2,
                        Opcode::Store if field(&dfg.insts[inst]) => 3,
                        Opcode::Load if field(&dfg.insts[inst]) => 4,
                        Opcode::TryCall => 5,
                        _ => continue,
                    };
                    counts[k] += 1;
                }
            }
        }
        let names =
            ["br_table", "return_call", "interior pointers", "ref stores", "ref loads", "try_call"];
        println!("spiller corpus shapes: {:?}", names.iter().zip(counts).collect::<Vec<_>>());
        for (n, c) in names.iter().zip(counts) {
            assert!(c >= 20, "only {c} {n} in the spiller corpus ({counts:?})");
        }
    }

    /// Generated functions do contain safepoints with live references.
    #[test]
    fn corpus_exercises_stack_maps() {
        let mut entries = 0;
        for d in corpus() {
            let Ok(mut g) = generate(&d) else { continue };
            wasmc::safepoints::Spiller::default().run(&mut g.func, &g.refs, &g.safepoints);
            entries += g
                .safepoints
                .iter()
                .map(|s| g.func.dfg.user_stack_map_entries(*s).map_or(0, |e| e.len()))
                .sum::<usize>();
        }
        assert!(entries > 500, "only {entries} stack map entries over the corpus");
    }
}
