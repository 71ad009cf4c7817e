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

use std::collections::{BTreeSet, HashMap};

use cranelift_codegen::cursor::{Cursor, FuncCursor};
use cranelift_codegen::ir::{
    self, Block, Function, Inst, InstBuilder, StackSlot, StackSlotData, StackSlotKind,
    UserStackMapEntry, Value, types::I64,
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
    /// Debug only: leave the first entry out of every safepoint's stack map, so the
    /// collector neither keeps nor updates that reference (a planted bug the fuzz oracles'
    /// self-tests must catch). Always off except in those tests.
    pub drop_stack_map_entry: bool,
}

impl Default for Spiller {
    fn default() -> Spiller {
        Spiller { resolve_aliases: true, drop_stack_map_entry: false }
    }
}

impl Spiller {
    /// Runs the pass on `func`. `refs` are the values the translator knows to be GC
    /// references; `safepoints` the calls after which objects may have moved.
    pub fn run(
        &self,
        func: &mut Function,
        refs: &EntitySet<Value>,
        safepoints: &[Inst],
    ) -> SpillStats {
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
            let slot =
                func.create_sized_stack_slot(StackSlotData::new(StackSlotKind::ExplicitSlot, 8, 3));
            slots.insert(*v, slot);
        }
        let mut stats =
            SpillStats { safepoints: safepoints.len(), slots: slots.len(), ..Default::default() };
        if !slots.is_empty() {
            let drop_first = self.drop_stack_map_entry;
            rewrite(func, &slots, &live_across, &is_safepoint, drop_first, &mut stats);
        }
        stats
    }
}

/// `v` with its aliases resolved, or `None` when `v` is no value any more: an alias whose
/// chain ends at no value (cranelift-frontend leaves such aliases behind for block
/// parameters it removed; the translator may have marked them as references earlier).
/// Found by the `compile` fuzz target: resolving such an alias panics in Cranelift.
pub fn resolved(dfg: &ir::DataFlowGraph, mut v: Value) -> Option<Value> {
    for _ in 0..=dfg.num_values() {
        if !dfg.value_is_valid(v) {
            return None;
        }
        match dfg.value_alias_dest_for_serialization(v) {
            Some(original) => v = original,
            None => return Some(v),
        }
    }
    None
}

/// Phase 1: rewrites every use of an alias to its target, and carries reference-ness over
/// (aliases of nothing, see [`resolved`], are dropped).
pub fn resolve_aliases(func: &mut Function, refs: &mut EntitySet<Value>) {
    let aliased: Vec<Value> = refs.keys().filter(|v| refs.contains(*v)).collect();
    for v in aliased {
        if let Some(r) = resolved(&func.dfg, v) {
            refs.insert(r);
        }
    }
    func.dfg.resolve_all_aliases();
}

/// The successors' `(block, args)` of a branch. An argument is `None` when it is not an SSA
/// value but a `try_call`'s return value or exception payload (defined by the call itself).
fn branch_targets(func: &Function, inst: Inst) -> Vec<(Block, Vec<Option<Value>>)> {
    let dfg = &func.dfg;
    dfg.insts[inst]
        .branch_destination(&dfg.jump_tables, &dfg.exception_tables)
        .iter()
        .map(|bc| {
            let block = bc.block(&dfg.value_lists);
            let args = bc.args(&dfg.value_lists).map(|a| a.as_value()).collect();
            (block, args)
        })
        .collect()
}

/// The predecessors of every block (by the branches that end the blocks).
fn predecessors(func: &Function) -> SecondaryMap<Block, Vec<Block>> {
    let mut preds: SecondaryMap<Block, Vec<Block>> = SecondaryMap::new();
    for b in func.layout.blocks() {
        if let Some(term) = func.layout.last_inst(b) {
            for (t, _) in branch_targets(func, term) {
                preds[t].push(b);
            }
        }
    }
    preds
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
                        let Some(a) = a else { continue };
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
pub fn liveness(
    func: &Function,
    refs: &EntitySet<Value>,
    safepoints: &EntitySet<Inst>,
) -> HashMap<Inst, Vec<Value>> {
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
    let transfer = |b: Block,
                    live_out: BTreeSet<Value>,
                    at_safepoint: &mut dyn FnMut(Inst, &BTreeSet<Value>)| {
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

/// Phase 5: spills, reloads, use rewriting and stack map entries (without the first one
/// of each safepoint with `drop_first`: see [`Spiller::drop_stack_map_entry`]).
fn rewrite(
    func: &mut Function,
    slots: &HashMap<Value, StackSlot>,
    live_across: &HashMap<Inst, Vec<Value>>,
    safepoints: &EntitySet<Inst>,
    drop_first: bool,
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
    let preds = predecessors(func);
    loop {
        let mut changed = false;
        for b in &blocks {
            let mut stale: Vec<Value> =
                preds[*b].iter().flat_map(|p| stale_out[*p].iter().copied()).collect();
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
            let used: Vec<Value> =
                func.dfg.inst_values(inst).filter(|v| slots.contains_key(v)).collect();
            for v in used {
                if matches!(current.get(&v), Some(None)) {
                    let mut pos = FuncCursor::new(func).at_inst(inst);
                    let reloaded = pos.ins().stack_load(I64, I64, slots[&v], 0);
                    stats.reloads += 1;
                    current.insert(v, Some(reloaded));
                }
            }
            let map: HashMap<Value, Value> = current
                .iter()
                .filter_map(|(v, c)| c.map(|c| (*v, c)))
                .filter(|(v, c)| v != c)
                .collect();
            if !map.is_empty() {
                func.dfg.map_inst_values(inst, |v| map.get(&v).copied().unwrap_or(v));
            }
            if safepoints.contains(inst) {
                let skip = usize::from(drop_first);
                for v in live_across.get(&inst).into_iter().flatten().skip(skip) {
                    let slot = slots[v];
                    func.dfg.append_user_stack_map_entry(
                        inst,
                        UserStackMapEntry { ty: I64, slot, offset: 0 },
                    );
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

/// A broken invariant of spilled code, found by [`verify`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SpillViolation {
    /// `inst` uses reference `value` although a safepoint may have run since `value` was
    /// defined (the object may have moved: Wasmtime #13228).
    #[error("{inst} uses reference {value}, which a safepoint may have made stale")]
    StaleUse {
        /// The using instruction.
        inst: Inst,
        /// The stale value (aliases resolved).
        value: Value,
    },
    /// `inst` uses `value`, an address computed from a reference, although a safepoint may
    /// have run since it was computed (a raw interior pointer across a safepoint: Wasmtime
    /// #13450).
    #[error("{inst} uses {value}, an address derived from a reference, across a safepoint")]
    InteriorPointer {
        /// The using instruction.
        inst: Inst,
        /// The derived address.
        value: Value,
    },
    /// `inst` reloads from `slot`, which nothing ever stores to (Wasmtime #13461).
    #[error("{inst} reloads from {slot}, which is never written")]
    UnwrittenSlot {
        /// The `stack_load`.
        inst: Inst,
        /// The slot.
        slot: StackSlot,
    },
    /// `inst` reloads from `slot`, which the stack map of the preceding safepoint `safepoint`
    /// does not name (the collector would not update it).
    #[error("{inst} reloads from {slot}, which the stack map of {safepoint} does not name")]
    UnmappedSlot {
        /// The `stack_load`.
        inst: Inst,
        /// The slot.
        slot: StackSlot,
        /// The safepoint whose stack map misses the slot.
        safepoint: Inst,
    },
}

/// How an instruction accesses a stack slot.
#[derive(Clone, Copy, PartialEq, Eq)]
enum SlotAccess {
    Load,
    Store,
}

/// The slot `inst` loads from or stores to, if it is a `load`/`store` whose address is a
/// `stack_addr` (Cranelift 0.135 expands `stack_load`/`stack_store` that way).
fn slot_access(func: &Function, inst: Inst) -> Option<(StackSlot, SlotAccess)> {
    let dfg = &func.dfg;
    let (access, addr) = match dfg.insts[inst] {
        ir::InstructionData::Load { opcode: ir::Opcode::Load, arg, .. } => (SlotAccess::Load, arg),
        ir::InstructionData::Store { opcode: ir::Opcode::Store, args, .. } => {
            (SlotAccess::Store, args[1])
        }
        _ => return None,
    };
    let def = dfg.value_def(dfg.resolve_aliases(addr)).inst()?;
    match dfg.insts[def] {
        ir::InstructionData::StackAddr { stack_slot, .. } => Some((stack_slot, access)),
        _ => None,
    }
}

/// Checks spilled code independently of how the spiller produced it (an oracle for
/// filetests, the spec runner and fuzzing).
///
/// `refs` are the translator's references (aliases allowed; they are resolved here, and
/// block parameters and `select`s are propagated as in [`propagate_refs`]); `safepoints` the
/// safepoint calls. A value loaded from a stack slot is a reference too. Checked:
/// - no instruction uses a reference that a safepoint may have passed since its definition
///   along some path (it must use a reload made after the last safepoint);
/// - every slot that is reloaded is written somewhere;
/// - a reload that directly follows a safepoint in its block (no other safepoint between
///   them) reads a slot that safepoint's stack map names.
///
/// # Errors
/// The first violation, in layout order.
pub fn verify(
    func: &Function,
    refs: &EntitySet<Value>,
    safepoints: &[Inst],
) -> Result<(), SpillViolation> {
    let dfg = &func.dfg;
    let mut refs2 = EntitySet::new();
    for v in refs.keys().filter(|v| refs.contains(*v)) {
        if let Some(r) = resolved(dfg, v) {
            refs2.insert(r);
        }
    }
    // Slots some stack map names hold references; values loaded from them are references.
    let mut mapped: EntitySet<StackSlot> = EntitySet::new();
    for s in safepoints {
        for e in dfg.user_stack_map_entries(*s).unwrap_or(&[]) {
            mapped.insert(e.slot);
        }
    }
    let mut written: EntitySet<StackSlot> = EntitySet::new();
    for b in func.layout.blocks() {
        for inst in func.layout.block_insts(b) {
            match slot_access(func, inst) {
                Some((slot, SlotAccess::Load)) if mapped.contains(slot) => {
                    refs2.insert(dfg.first_result(inst));
                }
                Some((_, SlotAccess::Load)) => {}
                Some((slot, SlotAccess::Store)) => {
                    written.insert(slot);
                }
                None => {}
            }
        }
    }
    // Propagation with resolved arguments.
    loop {
        let mut changed = false;
        for block in func.layout.blocks() {
            for inst in func.layout.block_insts(block) {
                if dfg.insts[inst].opcode() == ir::Opcode::Select {
                    let args = dfg.inst_args(inst);
                    if refs2.contains(dfg.resolve_aliases(args[1]))
                        || refs2.contains(dfg.resolve_aliases(args[2]))
                    {
                        changed |= refs2.insert(dfg.first_result(inst));
                    }
                }
                for (target, args) in branch_targets(func, inst) {
                    for (p, a) in dfg.block_params(target).iter().zip(args) {
                        let Some(a) = a else { continue };
                        if refs2.contains(dfg.resolve_aliases(a)) {
                            changed |= refs2.insert(*p);
                        }
                    }
                }
            }
        }
        if !changed {
            break;
        }
    }
    // Addresses computed from references (`iadd`/`isub`, transitively).
    let mut derived: EntitySet<Value> = EntitySet::new();
    loop {
        let mut changed = false;
        for block in func.layout.blocks() {
            for inst in func.layout.block_insts(block) {
                let op = dfg.insts[inst].opcode();
                if matches!(op, ir::Opcode::Iadd | ir::Opcode::Isub) {
                    let from_ref = dfg.inst_args(inst).iter().any(|a| {
                        let a = dfg.resolve_aliases(*a);
                        refs2.contains(a) || derived.contains(a)
                    });
                    if from_ref {
                        changed |= derived.insert(dfg.first_result(inst));
                    }
                }
            }
        }
        if !changed {
            break;
        }
    }
    let mut is_safepoint = EntitySet::new();
    for s in safepoints {
        is_safepoint.insert(*s);
    }
    let blocks: Vec<Block> = func.layout.blocks().collect();
    let preds = predecessors(func);
    // Must-analysis: the values defined since the last safepoint on every path to a point
    // (`None`: no safepoint on any path yet, so everything is fresh; also the value of
    // blocks not reached yet). A tracked value used where it is not fresh is stale.
    let meet = |a: &Option<BTreeSet<Value>>, b: &Option<BTreeSet<Value>>| match (a, b) {
        (None, x) | (x, None) => x.clone(),
        (Some(x), Some(y)) => Some(x.intersection(y).copied().collect()),
    };
    let tracked = |v: Value| refs2.contains(v) || derived.contains(v);
    let mut fresh_out: SecondaryMap<Block, Option<BTreeSet<Value>>> = SecondaryMap::new();
    let mut checking = false;
    loop {
        let mut changed = false;
        for b in &blocks {
            let mut fresh: Option<BTreeSet<Value>> = None;
            for p in &preds[*b] {
                fresh = meet(&fresh, &fresh_out[*p]);
            }
            let mut last_safepoint: Option<Inst> = None;
            if let Some(f) = &mut fresh {
                f.extend(dfg.block_params(*b).iter().copied());
            }
            for inst in func.layout.block_insts(*b) {
                if checking {
                    for v in dfg.inst_values(inst) {
                        let v = dfg.resolve_aliases(v);
                        if tracked(v) && fresh.as_ref().is_some_and(|f| !f.contains(&v)) {
                            return Err(if derived.contains(v) {
                                SpillViolation::InteriorPointer { inst, value: v }
                            } else {
                                SpillViolation::StaleUse { inst, value: v }
                            });
                        }
                    }
                    if let Some((stack_slot, SlotAccess::Load)) = slot_access(func, inst) {
                        if !written.contains(stack_slot) {
                            return Err(SpillViolation::UnwrittenSlot { inst, slot: stack_slot });
                        }
                        if let Some(sp) = last_safepoint {
                            let named = dfg
                                .user_stack_map_entries(sp)
                                .is_some_and(|e| e.iter().any(|e| e.slot == stack_slot));
                            if !named {
                                return Err(SpillViolation::UnmappedSlot {
                                    inst,
                                    slot: stack_slot,
                                    safepoint: sp,
                                });
                            }
                        }
                    }
                }
                if is_safepoint.contains(inst) {
                    last_safepoint = Some(inst);
                    fresh = Some(BTreeSet::new());
                }
                if let Some(f) = &mut fresh {
                    f.extend(dfg.inst_results(inst).iter().copied().filter(|r| tracked(*r)));
                }
            }
            if !checking && fresh != fresh_out[*b] {
                fresh_out[*b] = fresh;
                changed = true;
            }
        }
        if checking {
            return Ok(());
        }
        checking = !changed;
    }
}
