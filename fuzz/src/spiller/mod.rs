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

mod generate;
mod interpret;
mod stack_maps;

pub use generate::{Generated, REF_FIELD, generate};
pub use interpret::{FUEL, interpret};
use stack_maps::check_stack_maps;

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
    }
    let settled = !static_oracle
        || check_stack_maps(&unspilled, &g.func, &g.refs, &g.safepoints)
            .map_err(|e| format!("{e}{}", clif()))?;
    // The dynamic check runs whether or not the stack-map check settled: giving up on one
    // oracle does not throw the other's verdict away.
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
    if !settled {
        return Ok(SpillerVerdict::GaveUp(GiveUp::Liveness));
    }
    Ok(SpillerVerdict::Checked)
}

#[cfg(test)]
mod tests {
    use super::*;
    use cranelift_codegen::ir::{InstructionData, Opcode, Value};

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
