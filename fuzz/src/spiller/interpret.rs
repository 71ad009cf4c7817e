//! The spiller oracle's interpreter: runs a (spilled) generated function under a simulated
//! moving collector (see the parent module for what it checks).

use std::collections::HashMap;

use cranelift_codegen::ir::{self, Function, InstructionData, Opcode, StackSlot, Value};

use super::REF_FIELD;

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
