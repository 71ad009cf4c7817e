//! May-GC analysis over the call graph (DESIGN.md "Safepoints and the spiller").
//!
//! A call is a safepoint only if its callee can reach an allocation slow path (the GC
//! adapter), a collection, or code the compiler cannot see. Correctness comes first:
//!
//! - direct calls close transitively over the call graph;
//! - imported functions and `call_ref` are unknown code, so they may collect;
//! - `call_indirect` through a table that only active element segments fill (not imported,
//!   not exported, never written by `table.set/fill/copy/grow/init`, no element that is a
//!   `global.get`) resolves: a constant index (`i32.const`, or `i32.add`/`i32.sub` of
//!   constants, see `FuncTranslator::const_of`) to that slot's function, a dynamic index to
//!   every function the segments put into the table; calls through any other table may
//!   reach unknown code.
//!
//! With the analysis off (`wasmc --no-gc-analysis`) every call is a safepoint.

use wasmc_abi::meta::{ConstOp, ExportKind, ImportKind, SegmentMode};

use crate::module::ModuleInfo;
use crate::translate::{CallSite, TranslatedFunc};

/// What the compiler knows of a table's contents.
enum TableContents {
    /// Anything may be in it (imported, exported, written, or filled by something other
    /// than constant function references at constant offsets).
    Unknown,
    /// Exactly the functions the active segments put there.
    Static {
        /// Per element: the function index, or `None` for null.
        slots: Vec<Option<u32>>,
        /// Every function in `slots`, sorted and deduplicated.
        all: Vec<u32>,
    },
}

/// The result of the analysis for one module.
pub struct MayGc {
    /// Per function index (imports first): whether calling it may collect.
    may_gc: Vec<bool>,
    tables: Vec<TableContents>,
    /// Whether the analysis ran; when false every call is a safepoint.
    enabled: bool,
}

/// What the analysis needs of one translated function: much smaller than its CLIF, so a
/// large module can be analysed without keeping every function's IR
/// ([`crate::emit`]'s lean pipeline).
#[derive(Clone, Debug, Default)]
pub struct FuncFacts {
    /// The callee of every call that may be a safepoint.
    pub call_sites: Vec<CallSite>,
    /// Tables the function writes.
    pub tables_written: Vec<u32>,
}

impl FuncFacts {
    /// The facts of `t`.
    pub fn of(t: &TranslatedFunc) -> FuncFacts {
        FuncFacts {
            call_sites: t.call_sites.iter().map(|(_, site)| *site).collect(),
            tables_written: t.tables_written.clone(),
        }
    }
}

impl MayGc {
    /// Analyses `info` given the facts of its translated functions (in defined-function
    /// order). `enabled: false` makes every call a safepoint.
    pub fn analyse(info: &ModuleInfo<'_>, funcs: &[FuncFacts], enabled: bool) -> MayGc {
        let num_imported = info.num_imported_funcs() as usize;
        let tables = table_contents(info, funcs);
        let mut m = MayGc { may_gc: vec![true; num_imported + funcs.len()], tables, enabled };
        if !enabled {
            return m;
        }
        // Callers of each function (reverse call graph), and the functions that may collect
        // on their own account.
        let mut callers: Vec<Vec<u32>> = vec![Vec::new(); m.may_gc.len()];
        let mut work: Vec<u32> = (0..num_imported as u32).collect();
        for f in &mut m.may_gc[num_imported..] {
            *f = false;
        }
        for (def, t) in funcs.iter().enumerate() {
            let caller = (num_imported + def) as u32;
            let mut own = false;
            for site in &t.call_sites {
                match m.callees(*site) {
                    None => own = true,
                    Some(callees) => {
                        for c in callees {
                            callers[c as usize].push(caller);
                        }
                    }
                }
            }
            if own {
                m.may_gc[caller as usize] = true;
                work.push(caller);
            }
        }
        // Propagate to callers until nothing changes.
        while let Some(f) = work.pop() {
            for &c in &callers[f as usize] {
                if !m.may_gc[c as usize] {
                    m.may_gc[c as usize] = true;
                    work.push(c);
                }
            }
        }
        m
    }

    /// The functions `site` may call, or `None` if it may reach the collector or unknown
    /// code by itself.
    fn callees(&self, site: CallSite) -> Option<Vec<u32>> {
        match site {
            CallSite::GcBuiltin | CallSite::CallRef(_) | CallSite::Import(_) => None,
            CallSite::Direct(f) => Some(vec![f]),
            CallSite::Indirect { table, index, .. } => match &self.tables[table as usize] {
                TableContents::Unknown => None,
                TableContents::Static { slots, all } => Some(match index {
                    // An out-of-bounds or null slot traps: no call at all.
                    Some(i) => slots.get(i as usize).copied().flatten().into_iter().collect(),
                    None => all.clone(),
                }),
            },
        }
    }

    /// Whether `site` is a safepoint: its callee may collect.
    pub fn is_safepoint(&self, site: CallSite) -> bool {
        if !self.enabled {
            return true;
        }
        match self.callees(site) {
            None => true,
            Some(c) => c.iter().any(|f| self.may_gc[*f as usize]),
        }
    }
}

/// What each table of `info` holds as far as the compiler can tell.
fn table_contents(info: &ModuleInfo<'_>, funcs: &[FuncFacts]) -> Vec<TableContents> {
    let meta = &info.meta;
    let mut unknown = vec![false; info.tables.len()];
    let mut t = 0;
    for imp in &meta.imports {
        if let ImportKind::Table(_) = imp.kind {
            unknown[t] = true;
            t += 1;
        }
    }
    for e in &meta.exports {
        if let ExportKind::Table(i) = e.kind {
            unknown[i as usize] = true;
        }
    }
    for f in funcs {
        for i in &f.tables_written {
            unknown[*i as usize] = true;
        }
    }
    let num_imported_tables = t;
    // Huge tables are not worth modelling element by element.
    const MAX_MODELLED: u64 = 1 << 20;
    let mut slots: Vec<Vec<Option<u32>>> = Vec::with_capacity(info.tables.len());
    for (i, ty) in info.tables.iter().enumerate() {
        unknown[i] |= ty.min > MAX_MODELLED;
        slots.push(vec![None; ty.min.min(MAX_MODELLED) as usize]);
    }
    for (i, def) in meta.tables.iter().enumerate() {
        let ti = num_imported_tables + i;
        match def.init.as_deref() {
            None | Some([ConstOp::RefNull]) => {}
            Some([ConstOp::RefFunc(f)]) => slots[ti].fill(Some(*f)),
            Some(_) => unknown[ti] = true,
        }
    }
    for seg in &meta.elems {
        match &seg.mode {
            SegmentMode::Active { index, offset } => {
                let ti = *index as usize;
                let [ConstOp::I32(off)] = offset.as_slice() else {
                    unknown[ti] = true;
                    continue;
                };
                for (k, item) in seg.items.iter().enumerate() {
                    let at = *off as u32 as usize + k;
                    let value = match item.as_slice() {
                        [ConstOp::RefNull] => None,
                        [ConstOp::RefFunc(f)] => Some(*f),
                        _ => {
                            unknown[ti] = true;
                            break;
                        }
                    };
                    match slots[ti].get_mut(at) {
                        Some(s) => *s = value,
                        // Out of bounds: instantiation fails, nothing is ever called.
                        None => break,
                    }
                }
            }
            SegmentMode::Passive | SegmentMode::Declared => {}
        }
    }
    slots
        .into_iter()
        .zip(unknown)
        .map(|(slots, unknown)| {
            if unknown {
                return TableContents::Unknown;
            }
            let mut all: Vec<u32> = slots.iter().flatten().copied().collect();
            all.sort_unstable();
            all.dedup();
            TableContents::Static { slots, all }
        })
        .collect()
}
