//! The safepoint spiller: keeps every GC reference that is live across a safepoint in a
//! stack slot the collector can find (through a Cranelift user stack map) and update, and
//! makes every later use read the slot again (DESIGN.md "Safepoints and the spiller").
//!
//! Phases, each a function below:
//! 1. [`resolve_aliases`] — every use names its real value before anything is rewritten (a
//!    use through an alias would otherwise keep reading the stale value: Wasmtime #13228);
//! 2. [`propagate_refs`] — block parameters (SSA construction inserts them, Wasmtime #10456)
//!    and `select` results (#12862) that receive references are references too;
//! 3. [`liveness`] — which references are live across each safepoint;
//! 4. slot assignment — one slot per reference live across some safepoint; references never
//!    live across one get no slot and no reload (#13461), and no two values share a slot;
//! 5. [`rewrite`] — store each such value once, right after its definition (so the slot is
//!    written before any safepoint it is live across, #13461); after a safepoint, reload it
//!    before its next use and rewrite that use; attach the live slots to the safepoint as
//!    user stack map entries.

use std::collections::HashMap;

use cranelift_codegen::cursor::{Cursor, FuncCursor};
use cranelift_codegen::ir::{
    self, types::I64, Block, Function, Inst, InstBuilder, StackSlot, StackSlotData, StackSlotKind,
    UserStackMapEntry, Value, ValueDef,
};
use cranelift_entity::{EntitySet, SecondaryMap};

/// What the spiller did to one function (for `wasmc --stats`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SpillStats {
    /// Safepoint calls.
    pub safepoints: usize,
    /// Stack slots for references.
    pub slots: usize,
    /// Stores of references to their slots.
    pub spills: usize,
    /// Reloads from slots.
    pub reloads: usize,
}

impl std::ops::AddAssign for SpillStats {
    fn add_assign(&mut self, o: SpillStats) {
        self.safepoints += o.safepoints;
        self.slots += o.slots;
        self.spills += o.spills;
        self.reloads += o.reloads;
    }
}

/// The spiller pass.
pub struct Spiller {
    /// Resolve value aliases first (always, except in the debug mode that demonstrates
    /// Wasmtime #13228).
    pub resolve_aliases: bool,
}

impl Default for Spiller {
    fn default() -> Spiller {
        Spiller { resolve_aliases: true }
    }
}

impl Spiller {
    /// Runs the pass on `func`. `refs` are the values the translator knows to be GC
    /// references; `safepoints` the calls after which objects may have moved.
    pub fn run(&self, func: &mut Function, refs: &EntitySet<Value>, safepoints: &[Inst]) -> SpillStats {
        let mut refs = refs.clone();
        if self.resolve_aliases {
            resolve_aliases(func, &mut refs);
        }
        propagate_refs(func, &mut refs);
        let mut is_safepoint = EntitySet::new();
        for s in safepoints {
            is_safepoint.insert(*s);
        }
        let live_across = liveness(func, &refs, &is_safepoint);
        // Slot assignment, in a deterministic order (value number).
        let mut spilled: Vec<Value> = live_across.values().flatten().copied().collect();
        spilled.sort();
        spilled.dedup();
        let mut slots: HashMap<Value, StackSlot> = HashMap::new();
        for v in &spilled {
            let slot = func.create_sized_stack_slot(StackSlotData::new(StackSlotKind::ExplicitSlot, 8, 3));
            slots.insert(*v, slot);
        }
        let mut stats = SpillStats { safepoints: safepoints.len(), slots: slots.len(), ..Default::default() };
        if !slots.is_empty() {
            rewrite(func, &slots, &live_across, &is_safepoint, &mut stats);
        }
        stats
    }
}

/// Phase 1: rewrites every use of an alias to its target, and carries reference-ness over.
pub fn resolve_aliases(func: &mut Function, refs: &mut EntitySet<Value>) {
    let aliased: Vec<Value> = refs.keys().filter(|v| refs.contains(*v)).collect();
    for v in aliased {
        let r = func.dfg.resolve_aliases(v);
        refs.insert(r);
    }
    func.dfg.resolve_all_aliases();
}

/// The successors' `(block, args)` of a branch.
fn branch_targets(func: &Function, inst: Inst) -> Vec<(Block, Vec<Value>)> {
    let dfg = &func.dfg;
    dfg.insts[inst]
        .branch_destination(&dfg.jump_tables, &dfg.exception_tables)
        .iter()
        .map(|bc| {
            let block = bc.block(&dfg.value_lists);
            let args = bc.args(&dfg.value_lists).map(|a| a.as_value().expect("plain block argument")).collect();
            (block, args)
        })
        .collect()
}

/// Phase 2: marks block parameters that receive a reference and `select`s between
/// references, to a fixpoint.
pub fn propagate_refs(func: &Function, refs: &mut EntitySet<Value>) {
    loop {
        let mut changed = false;
        for block in func.layout.blocks() {
            for inst in func.layout.block_insts(block) {
                let data = &func.dfg.insts[inst];
                if data.opcode() == ir::Opcode::Select {
                    let args = func.dfg.inst_args(inst);
                    if refs.contains(args[1]) || refs.contains(args[2]) {
                        let r = func.dfg.first_result(inst);
                        changed |= refs.insert(r);
                    }
                }
                for (target, args) in branch_targets(func, inst) {
                    for (p, a) in func.dfg.block_params(target).iter().zip(args) {
                        if refs.contains(a) && !refs.contains(*p) {
                            refs.insert(*p);
                            changed = true;
                        }
                    }
                }
            }
        }
        if !changed {
            return;
        }
    }
}

/// Phase 3: for each safepoint, the references live across it (defined before, used after),
/// sorted by value number.
pub fn liveness(func: &Function, refs: &EntitySet<Value>, safepoints: &EntitySet<Inst>) -> HashMap<Inst, Vec<Value>> {
    use std::collections::BTreeSet;
    let blocks: Vec<Block> = func.layout.blocks().collect();
    let mut succs: SecondaryMap<Block, Vec<Block>> = SecondaryMap::new();
    for b in &blocks {
        if let Some(term) = func.layout.last_inst(*b) {
            succs[*b] = branch_targets(func, term).into_iter().map(|(t, _)| t).collect();
        }
    }
    let mut live_in: SecondaryMap<Block, BTreeSet<Value>> = SecondaryMap::new();
    // Backward transfer over a block, calling `at_safepoint` with the live set after each
    // safepoint (minus the safepoint's own results).
    let transfer = |b: Block, live_out: BTreeSet<Value>, at_safepoint: &mut dyn FnMut(Inst, &BTreeSet<Value>)| {
        let mut live = live_out;
        for inst in func.layout.block_insts(b).rev() {
            for r in func.dfg.inst_results(inst) {
                live.remove(r);
            }
            if safepoints.contains(inst) {
                at_safepoint(inst, &live);
            }
            for v in func.dfg.inst_values(inst) {
                if refs.contains(v) {
                    live.insert(v);
                }
            }
        }
        for p in func.dfg.block_params(b) {
            live.remove(p);
        }
        live
    };
    loop {
        let mut changed = false;
        for b in blocks.iter().rev() {
            let mut out = BTreeSet::new();
            for s in &succs[*b] {
                out.extend(live_in[*s].iter().copied());
            }
            let inn = transfer(*b, out, &mut |_, _| {});
            if inn != live_in[*b] {
                live_in[*b] = inn;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let mut result = HashMap::new();
    for b in &blocks {
        let mut out = BTreeSet::new();
        for s in &succs[*b] {
            out.extend(live_in[*s].iter().copied());
        }
        transfer(*b, out, &mut |inst, live| {
            result.insert(inst, live.iter().copied().collect::<Vec<_>>());
        });
    }
    result
}

/// Phase 5: spills, reloads, use rewriting and stack map entries.
fn rewrite(
    func: &mut Function,
    slots: &HashMap<Value, StackSlot>,
    live_across: &HashMap<Inst, Vec<Value>>,
    safepoints: &EntitySet<Inst>,
    stats: &mut SpillStats,
) {
    let blocks: Vec<Block> = func.layout.blocks().collect();
    // Which spilled values may be stale (a safepoint passed since their definition) at
    // block entry: forward dataflow, union over predecessors.
    let mut stale_in: SecondaryMap<Block, Vec<Value>> = SecondaryMap::new();
    let mut stale_out: SecondaryMap<Block, Vec<Value>> = SecondaryMap::new();
    let all: Vec<Value> = {
        let mut v: Vec<Value> = slots.keys().copied().collect();
        v.sort();
        v
    };
    loop {
        let mut changed = false;
        let mut preds: SecondaryMap<Block, Vec<Block>> = SecondaryMap::new();
        for b in &blocks {
            if let Some(term) = func.layout.last_inst(*b) {
                for (t, _) in branch_targets(func, term) {
                    preds[t].push(*b);
                }
            }
        }
        for b in &blocks {
            let mut stale: Vec<Value> = preds[*b].iter().flat_map(|p| stale_out[*p].iter().copied()).collect();
            stale.sort();
            stale.dedup();
            stale_in[*b] = stale.clone();
            for p in func.dfg.block_params(*b) {
                stale.retain(|v| v != p);
            }
            for inst in func.layout.block_insts(*b) {
                if safepoints.contains(inst) {
                    stale = all.clone();
                }
                for r in func.dfg.inst_results(inst) {
                    stale.retain(|v| v != r);
                }
            }
            if stale != stale_out[*b] {
                stale_out[*b] = stale;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }

    for b in blocks {
        // The value each spilled value's uses must read now: itself while fresh, a reload
        // after a safepoint (None: reload before the next use).
        let mut current: HashMap<Value, Option<Value>> = HashMap::new();
        for v in &stale_in[b] {
            current.insert(*v, None);
        }
        // Spill block parameters at the top of the block.
        let params: Vec<Value> = func.dfg.block_params(b).to_vec();
        let first = func.layout.first_inst(b).expect("blocks are not empty");
        for p in params {
            if let Some(slot) = slots.get(&p) {
                let mut pos = FuncCursor::new(func).at_inst(first);
                pos.ins().stack_store(I64, p, *slot, 0);
                stats.spills += 1;
                current.insert(p, Some(p));
            }
        }
        let insts: Vec<Inst> = func.layout.block_insts(b).collect();
        for inst in insts {
            // Reload stale operands right before this instruction.
            let used: Vec<Value> = func.dfg.inst_values(inst).filter(|v| slots.contains_key(v)).collect();
            for v in used {
                if matches!(current.get(&v), Some(None)) {
                    let mut pos = FuncCursor::new(func).at_inst(inst);
                    let reloaded = pos.ins().stack_load(I64, I64, slots[&v], 0);
                    stats.reloads += 1;
                    current.insert(v, Some(reloaded));
                }
            }
            let map: HashMap<Value, Value> =
                current.iter().filter_map(|(v, c)| c.map(|c| (*v, c))).filter(|(v, c)| v != c).collect();
            if !map.is_empty() {
                func.dfg.map_inst_values(inst, |v| map.get(&v).copied().unwrap_or(v));
            }
            if safepoints.contains(inst) {
                for v in live_across.get(&inst).into_iter().flatten() {
                    let slot = slots[v];
                    func.dfg.append_user_stack_map_entry(inst, UserStackMapEntry { ty: I64, slot, offset: 0 });
                }
                for c in current.values_mut() {
                    *c = None;
                }
                for v in slots.keys() {
                    current.insert(*v, None);
                }
            }
            // Spill values this instruction defines, right after it.
            let results: Vec<Value> = func.dfg.inst_results(inst).to_vec();
            for r in results {
                if let Some(slot) = slots.get(&r) {
                    let mut pos = FuncCursor::new(func).after_inst(inst);
                    pos.ins().stack_store(I64, r, *slot, 0);
                    stats.spills += 1;
                    current.insert(r, Some(r));
                }
            }
        }
    }
}

/// Whether `v` is defined by an instruction (not a block parameter).
#[allow(dead_code)]
fn is_inst_result(func: &Function, v: Value) -> bool {
    matches!(func.dfg.value_def(v), ValueDef::Result(..))
}
