//! The differential oracle on threads modules: modules wasm-smith generates from fixed
//! seeds that have a shared memory and atomic operators run through
//! `wasmc_fuzz::differential::run`, the function the `differential` fuzz target calls, and
//! wasmc and Wasmtime must agree on them (results, traps, memories), and enough of them
//! must compare calls, some with the memories the harness gives imports. wasm-smith rarely
//! generates a wait (it needs an `i32` address, the expected value and an `i64` timeout on
//! the stack at once; none among these modules): the hand-written threads modules of the
//! corpus (`corpus/differential/threads-*.wat`), which the corpus replay
//! (`tests/replay.rs`) runs, wait with zero, short and infinite (bounded) timeouts.

use arbitrary::Unstructured;
use wasmc_fuzz::differential::{self, Tally, Verdict};
use wasmc_fuzz::smith::XorShift;
use wasmparser::{Operator, Parser, Payload};

/// Threads modules run.
const MODULES: usize = 12;
/// Least number of them that must run to the end with calls compared.
const AGREED_WITH_CALLS_FLOOR: usize = 4;
/// Inputs tried to find [`MODULES`] threads modules.
const CANDIDATES: usize = 400;

/// What a module holds of the threads proposal.
#[derive(Default, Debug)]
struct Threads {
    /// Shared memories, defined or imported.
    shared_memories: usize,
    /// Atomic operators (accesses, waits, notifies, fences).
    atomics: usize,
    /// `memory.atomic.wait32/64` operators.
    waits: usize,
    /// Imported memories (the harness provides them).
    imported_memories: usize,
}

fn threads_of(wasm: &[u8]) -> Threads {
    let mut t = Threads::default();
    for payload in Parser::new(0).parse_all(wasm) {
        match payload.expect("a generated module parses") {
            Payload::MemorySection(s) => {
                t.shared_memories += s.into_iter().filter(|m| m.as_ref().unwrap().shared).count();
            }
            Payload::ImportSection(s) => {
                for i in s.into_imports() {
                    if let wasmparser::TypeRef::Memory(m) = i.unwrap().ty {
                        t.shared_memories += usize::from(m.shared);
                        t.imported_memories += 1;
                    }
                }
            }
            Payload::CodeSectionEntry(body) => {
                let mut ops = body.get_operators_reader().unwrap();
                while !ops.eof() {
                    let op = ops.read().unwrap();
                    let name = format!("{op:?}");
                    t.atomics += usize::from(name.contains("Atomic"));
                    t.waits += usize::from(matches!(
                        op,
                        Operator::MemoryAtomicWait32 { .. } | Operator::MemoryAtomicWait64 { .. }
                    ));
                }
            }
            _ => {}
        }
    }
    t
}

#[test]
fn generated_threads_modules_agree() {
    let mut rng = XorShift(0x853c_49e6_748f_ea9b);
    let mut tally = Tally::default();
    let (mut found, mut atomics, mut waits) = (0, 0, 0);
    let (mut agreed_with_calls, mut imported_agreed_with_calls) = (0, 0);
    for _ in 0..CANDIDATES {
        if found == MODULES {
            break;
        }
        let n = 512 + (rng.next() % 4096) as usize;
        let data = rng.bytes(n);
        let Ok(wasm) = differential::module(&mut Unstructured::new(&data)) else { continue };
        let t = threads_of(&wasm);
        if t.shared_memories == 0 || t.atomics == 0 {
            continue;
        }
        found += 1;
        atomics += t.atomics;
        waits += t.waits;
        let r = differential::run(&data);
        tally.add(&r);
        match r {
            Ok(Verdict::Agreed { calls, .. }) if calls > 0 => {
                agreed_with_calls += 1;
                imported_agreed_with_calls += usize::from(t.imported_memories > 0);
            }
            Ok(_) => {}
            Err(e) => panic!("a threads module ({t:?}) disagrees: {e}"),
        }
    }
    println!(
        "{found} threads modules, {atomics} atomic operators, {waits} waits, \
         {agreed_with_calls} compared calls ({imported_agreed_with_calls} with imported memories): {tally}"
    );
    assert_eq!(found, MODULES, "too few threads modules among {CANDIDATES} inputs");
    assert!(
        agreed_with_calls >= AGREED_WITH_CALLS_FLOOR,
        "only {agreed_with_calls} threads modules compared calls: {tally}"
    );
    assert!(
        imported_agreed_with_calls > 0,
        "no module with imported memories compared calls: {tally}"
    );
}
