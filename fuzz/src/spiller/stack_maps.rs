//! The spiller oracle's exact stack-map check, with liveness computed independently of the
//! spiller.

use std::collections::HashMap;

use cranelift_codegen::ir::{self, Function, InstructionData, Opcode, StackSlot, Value};
use cranelift_entity::EntitySet;

use super::LIVENESS_ROUNDS;

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
pub(crate) fn check_stack_maps(
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
