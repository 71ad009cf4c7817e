//! The runtime's binding to the collector (MMTk's "VM binding", STYLE.md): it finds the
//! roots — stack slots named by stack maps, globals, tables, evaluated element segments —
//! and provides the allocation slow path that compiled code calls.
//!
//! The collector never walks frames and the runtime never touches forwarding bits.

use crate::abi::VMContext;
use crate::instance::{Instance, StoreInner};
use crate::meta::{HeapType, RefType};
use crate::registry;
use crate::stack;
use crate::traps;
use wasmc_abi::layout::{Rtt, RttKind};
use wasmc_gc::{Collection, Roots};

/// The roots of one store: the Wasm frames of its own activations on this thread, the
/// handles and host-call arguments of its root table, and what its instances own.
pub(crate) struct StoreRoots<'a> {
    pub(crate) store: &'a mut StoreInner,
}

impl Roots for StoreRoots<'_> {
    fn visit_roots(&mut self, visit: &mut dyn FnMut(*mut usize)) {
        let id = self.store.id();
        let segments = stack::store_segments(id, self.store.ctx.exit_fp, traps::activations());
        // SAFETY: each segment runs from an exit adapter's frame of this store's activation
        // up to its entry trampoline's frame, on this thread's stack (activations are
        // thread-local); the frames stay put while the collector runs.
        unsafe { stack::visit_stack_slots(&segments, &registry::CodeStackMaps, visit) };
        self.store.roots.visit(visit);
        for inst in self.store.instances_mut() {
            inst.visit_roots(visit);
        }
    }

    fn is_host_value(&self, p: usize) -> bool {
        self.store.host_boxes.value_of(p).is_some()
    }
}

impl Instance {
    /// Visits the root slots this instance owns: GC-typed globals and table elements, and
    /// evaluated element segments.
    fn visit_roots(&mut self, visit: &mut dyn FnMut(*mut usize)) {
        self.visit_gc_root_slots(visit);
    }
}

/// `gc_alloc`: the allocation slow path (see `foreach_builtin!`).
///
/// # Safety
/// Called by compiled code (through the module's GC adapter) with its own VM context.
pub(crate) unsafe extern "C" fn gc_alloc(vmctx: i64, _rtt: i64, size: i64) -> i64 {
    // SAFETY: see the function's contract.
    let inst = unsafe { &mut *((*(vmctx as *mut VMContext)).instance as *mut Instance) };
    let store = inst.store_mut();
    let Some(mut heap) = store.heap.take() else { return 0 };
    let p = heap.alloc_slow(size as usize, &mut StoreRoots { store });
    store.heap = Some(heap);
    p.map_or(0, |p| p as i64)
}

/// `gc_remember`: the write barrier's slow path (see `foreach_builtin!`). Never collects.
///
/// # Safety
/// Called by compiled code with its own VM context and the address of a reference field of
/// a live object, just stored to.
pub(crate) unsafe extern "C" fn gc_remember(vmctx: i64, slot: i64) -> i32 {
    // SAFETY: see the function's contract.
    let inst = unsafe { &mut *((*(vmctx as *mut VMContext)).instance as *mut Instance) };
    if let Some(heap) = inst.store_mut().heap.as_mut() {
        // SAFETY: see the function's contract.
        unsafe { heap.remember(slot as *mut usize) };
    }
    0
}

/// `gc_remember_range`: the bulk write barrier's slow path (see `foreach_builtin!`).
///
/// # Safety
/// Called by compiled code with its own VM context and `count` reference fields of one
/// live array from address `first`, just stored to.
pub(crate) unsafe extern "C" fn gc_remember_range(vmctx: i64, first: i64, count: i64) -> i32 {
    // SAFETY: see the function's contract.
    let inst = unsafe { &mut *((*(vmctx as *mut VMContext)).instance as *mut Instance) };
    if let Some(heap) = inst.store_mut().heap.as_mut() {
        // SAFETY: see the function's contract.
        unsafe { heap.remember_range(first as *mut usize, count as usize) };
    }
    0
}

pub use crate::host_values::{HostBox, host_rtt};

impl StoreInner {
    /// The `externref` for host value `value`: the same box for the same value.
    pub fn host_ref(&mut self, value: u64) -> usize {
        self.host_boxes.get_or_insert(value)
    }

    /// The host value of `r` if it is one of this store's host boxes.
    pub fn host_value(&self, r: usize) -> Option<u64> {
        self.host_boxes.value_of(r)
    }

    /// Runs a full collection now (for tests and `WASMC_GC_*` diagnostics).
    pub fn collect_garbage(&mut self) {
        if let Some(mut heap) = self.heap.take() {
            heap.collect(Collection::Major, &mut StoreRoots { store: self });
            self.heap = Some(heap);
        }
    }

    /// The collector's statistics line (`WASMC_GC_STATS=1`).
    pub fn gc_stats(&mut self) -> Option<String> {
        self.heap.as_mut().map(|h| h.stats_report())
    }
}

/// What a reference value is, as the host sees it (for the spec runner's result checks).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RefClass {
    /// Null.
    Null,
    /// An `i31ref`.
    I31,
    /// A struct.
    Struct,
    /// An array.
    Array,
    /// A host value.
    Host(u64),
    /// Something else (a function reference).
    Other,
}

impl StoreInner {
    /// Classifies a reference.
    pub fn classify(&self, r: usize) -> RefClass {
        if r == 0 {
            return RefClass::Null;
        }
        if r & 1 == 1 {
            return RefClass::I31;
        }
        if let Some(v) = self.host_value(r) {
            return RefClass::Host(v);
        }
        if self.heap.as_ref().is_some_and(|h| h.contains(r)) {
            // SAFETY: a live heap object starts with its RTT.
            let kind = unsafe { (**(r as *const *const Rtt)).kind };
            return match kind {
                1 => RefClass::Struct,
                2 => RefClass::Array,
                _ => RefClass::Other,
            };
        }
        RefClass::Other
    }
}

impl StoreInner {
    /// Whether `r`, a reference of this store (null, an `i31ref`, a host box, a heap object
    /// or a `funcref`), is a value of the canonical reference type `t` (concrete heap types
    /// are canonical type ids): the check a host's reference argument gets before a call
    /// (spec §4.2.3 "Values": a value of type `t` is what `ref.test t` accepts). An
    /// `externref` and an `anyref` share one representation (`extern.convert_any` is the
    /// identity), so `extern` accepts what `any` does and the other way round.
    pub fn ref_matches(&self, r: usize, t: RefType) -> bool {
        use HeapType as H;
        if r == 0 {
            return t.nullable;
        }
        let top = matches!(t.heap, H::Any | H::Extern);
        if r & 1 == 1 {
            return top || matches!(t.heap, H::Eq | H::I31);
        }
        if self.host_value(r).is_some() {
            return top;
        }
        if self.heap.as_ref().is_some_and(|h| h.contains(r)) {
            // SAFETY: a live heap object starts with its RTT.
            let rtt = unsafe { &**(r as *const *const Rtt) };
            return match rtt.kind {
                k if k == RttKind::Exn as u32 => t.heap == H::Exn,
                k => match t.heap {
                    H::Any | H::Extern | H::Eq => true,
                    H::Struct => k == RttKind::Struct as u32,
                    H::Array => k == RttKind::Array as u32,
                    H::Concrete(id) => crate::types::is_subtype(rtt.canonical_id, id),
                    _ => false,
                },
            };
        }
        // Otherwise a `funcref` (results and exports give `VMFuncRef` addresses), which
        // must be one of this store's: not another store's (perhaps freed), not a forged
        // pointer (issue 33).
        if !self.owns_funcref(r) {
            return false;
        }
        match t.heap {
            H::Func => true,
            // SAFETY: `r` is a `VMFuncRef` of this store (checked above).
            H::Concrete(id) => unsafe {
                let f = r as *const crate::abi::VMFuncRef;
                crate::types::is_subtype((*(*f).rtt).canonical_id, id)
            },
            _ => false,
        }
    }
}
