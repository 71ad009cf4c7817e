//! Instances, a store's shared state, and calls from the host into Wasm.
//!
//! A store ([`crate::store::Store`], which owns a [`StoreInner`]) holds instances that may
//! call each other (and share a stack limit). An
//! [`Instance`] owns its VM context and everything the context points to: memories, tables,
//! global cells and `funcref`s of the functions it defines. Instances are boxed and never
//! freed before their store, so raw pointers between instances of one store stay valid.

use std::any::Any;
use std::sync::Arc;

use crate::abi::{
    ArrayToWasmTrampoline, BuiltinFunctions, VMContext, VMFuncRef, VMGlobal, VMHostFuncData,
    VMMemory, VMStoreContext, VMTable, WASM_PAGE_SIZE,
};
use crate::host_values::HostBoxes;
use crate::memory::{Memory, MemoryView};
use crate::meta::{
    ConstExpr, ConstOp, ExportKind, FuncType, GlobalType, ImportKind, SegmentMode, ValType,
};
use crate::owner::{LiveStore, StoreId};
use crate::registry::LoadedModule;
use crate::roots::{OwnedRooted, RootError, RootTable, Rooted};
use crate::stack::ActivationInfo;
use crate::table::Table;
use crate::traps::{self, Trap, TrapKind};
use crate::types;
use wasmc_abi::layout::Rtt;
use wasmc_gc::{Collector, GcConfig, HeapError};

/// A Wasm value crossing the host boundary. References are raw bits: a `funcref` is a
/// `*const VMFuncRef` (0 is null), an `externref` is whatever the host stored.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Val {
    /// `i32`
    I32(i32),
    /// `i64`
    I64(i64),
    /// `f32`, raw bits
    F32(u32),
    /// `f64`, raw bits
    F64(u64),
    /// A reference, raw bits.
    Ref(usize),
    /// `v128`, its 16 bytes as a little-endian integer.
    V128(u128),
}

impl Val {
    /// Encodes into a value slot (of a `v128`: its low half; see [`Val::to_u128`]).
    pub fn to_bits(self) -> u64 {
        self.to_u128() as u64
    }

    /// The value's raw bits, zero-extended to 128 (a global's cell, two value slots).
    pub fn to_u128(self) -> u128 {
        match self {
            Val::I32(v) => u128::from(v as u32),
            Val::I64(v) => u128::from(v as u64),
            Val::F32(v) => u128::from(v),
            Val::F64(v) => u128::from(v),
            Val::Ref(v) => v as u128,
            Val::V128(v) => v,
        }
    }

    /// Decodes a value slot of type `ty` (of a `v128`: only its low half).
    pub fn from_bits(bits: u64, ty: ValType) -> Val {
        Val::from_u128(u128::from(bits), ty)
    }

    /// Decodes raw bits of type `ty` (the inverse of [`Val::to_u128`]).
    pub fn from_u128(bits: u128, ty: ValType) -> Val {
        match ty {
            ValType::I32 => Val::I32(bits as u32 as i32),
            ValType::I64 => Val::I64(bits as u64 as i64),
            ValType::F32 => Val::F32(bits as u32),
            ValType::F64 => Val::F64(bits as u64),
            ValType::V128 => Val::V128(bits),
            ValType::Ref(_) => Val::Ref(bits as usize),
        }
    }

    /// Appends the value's slots to a value array ([`crate::abi::value_slots`]).
    pub fn push_slots(self, slots: &mut Vec<u64>) {
        slots.push(self.to_bits());
        if let Val::V128(v) = self {
            slots.push((v >> 64) as u64);
        }
    }

    /// Decodes the value of type `ty` at slot index `at` of a value array (a `v128` from
    /// two slots, low half first; [`crate::abi::slot_indices`] gives the indices).
    pub fn from_slots(slots: &[u64], at: usize, ty: ValType) -> Val {
        match ty {
            ValType::V128 => Val::V128(u128::from(slots[at]) | u128::from(slots[at + 1]) << 64),
            _ => Val::from_bits(slots[at], ty),
        }
    }

    /// Writes the value's slots at slot index `at` of a value array (the inverse of
    /// [`Val::from_slots`]).
    pub fn write_slots(self, slots: &mut [u64], at: usize) {
        slots[at] = self.to_bits();
        if let Val::V128(v) = self {
            slots[at + 1] = (v >> 64) as u64;
        }
    }

    /// The zero value of a type (null for references).
    pub fn default_for(ty: ValType) -> Val {
        Val::from_bits(0, ty)
    }
}

/// A value handed to the host by a call ([`Store::call`](crate::store::Store::call), [`Caller::call`]) that stays valid
/// however many collections run: a reference into the GC heap is an owned root; everything
/// else (numbers, null, `i31`s, `funcref`s, which never move) is its plain [`Val`].
#[derive(Clone, Debug)]
pub enum RootedVal {
    /// A value whose raw bits stay valid.
    Plain(Val),
    /// A non-null reference of a GC-managed type (a heap object, or an `externref`'s host
    /// box): it may move, so read it with [`StoreInner::raw`].
    Gc(OwnedRooted),
}

impl RootedVal {
    /// Holds the value `bits` of type `ty` (a type of `module`'s type section): roots it when
    /// it refers to a GC object.
    fn hold(store: &mut StoreInner, bits: u64, ty: ValType, module: &LoadedModule) -> RootedVal {
        let heap_object = bits != 0 && bits & 1 == 0 && ty.is_gc_ref(&module.meta.types);
        if heap_object {
            RootedVal::Gc(store.root_owned(bits as usize))
        } else {
            RootedVal::Plain(Val::from_bits(bits, ty))
        }
    }

    /// The plain value, if this is not a GC object reference.
    pub fn plain(&self) -> Option<Val> {
        match self {
            RootedVal::Plain(v) => Some(*v),
            RootedVal::Gc(_) => None,
        }
    }
}

/// What a host function sees of its caller.
pub struct Caller<'a> {
    /// The calling instance.
    pub instance: &'a mut Instance,
    /// `(parameter index, root)` of each parameter that may hold a GC reference.
    param_roots: Vec<(u32, Rooted)>,
}

impl Caller<'_> {
    /// The store of the calling instance: its root table ([`StoreInner::roots`]), heap and
    /// host state.
    pub fn store(&mut self) -> &mut StoreInner {
        self.instance.store_mut()
    }

    /// The root of parameter `index` of this host-function call, if its type may hold GC
    /// references: valid for the call's duration, read it with [`StoreInner::get_root`].
    pub fn param_root(&self, index: u32) -> Option<Rooted> {
        self.param_roots.iter().find(|(i, _)| *i == index).map(|(_, r)| *r)
    }

    /// Calls `func` (a function of this store) from the host function: re-enters Wasm,
    /// which may collect. Afterwards, the raw reference arguments in the host function's
    /// value slots may be stale: read them through [`Caller::param_root`]; root any other
    /// reference the host keeps across this call ([`StoreInner::root`]). The results are
    /// held as [`Store::call`](crate::store::Store::call)'s are.
    ///
    /// # Errors
    /// As [`Store::call`](crate::store::Store::call).
    pub fn call(&mut self, func: &Func, args: &[Val]) -> Result<Vec<RootedVal>, Trap> {
        self.instance.store_mut().call(func, args)
    }

    /// The caller's memory 0, as a raw view ([`MemoryView`]: base and current length,
    /// accessed by copies, never through a Rust reference, so it is sound when the memory
    /// is shared with other threads' stores), and the store's data (host state such as a
    /// WASI context), borrowed together. Neither can run Wasm, so a non-shared memory cannot
    /// grow while the view lives; a shared one may grow meanwhile (the view keeps the
    /// length it had), never shrink or move.
    pub fn memory_and_data(&mut self) -> (Option<MemoryView<'_>>, Option<&mut dyn Any>) {
        let mem = self.instance.memories.first().map(|m| {
            // SAFETY: the memory belongs to this store (or is a shared memory it imports,
            // kept alive by the instance) and outlives the borrow of `self`; Wasm of this
            // store is suspended in this call, and nothing can re-enter it or grow a
            // non-shared memory while `self` is borrowed (the data is a plain `dyn Any`).
            unsafe { MemoryView::from_vm(*m) }
        });
        // SAFETY: the store outlives its instances; only this host call uses it now, and
        // the data is a separate allocation from the memory's mapping.
        let store = unsafe { &mut *self.instance.store };
        (mem, store.data.as_deref_mut())
    }
}

/// The Rust implementation of a host function: reads its arguments from the value slots,
/// writes its results to the same slots (from slot 0). A `v128` takes two slots, low half
/// first, so values sit at the indices [`crate::abi::slot_indices`] gives; the slice holds
/// the larger of the parameters' and results' slot counts. Reference arguments there are raw
/// bits, valid until the function re-enters Wasm ([`Caller::call`]) or otherwise lets a
/// collection run; they stay rooted for the call's duration through
/// [`Caller::param_root`].
pub type HostFn = dyn Fn(&mut Caller<'_>, &mut [u64]) -> Result<(), TrapKind> + Send + Sync;

/// A function provided by the host.
pub struct HostFunc {
    /// Its type.
    pub ty: FuncType,
    /// Its implementation.
    pub func: Box<HostFn>,
}

#[repr(C)]
struct HostFuncData {
    vm: VMHostFuncData,
    func: Arc<HostFunc>,
    slots: usize,
    /// `(parameter index, value slot index)` of the parameters that may hold GC references
    /// (rooted during a call).
    gc_params: Vec<(u32, usize)>,
}

unsafe extern "C" fn host_dispatch(
    data: *mut VMHostFuncData,
    caller: *mut VMContext,
    values: *mut u64,
) -> u32 {
    // SAFETY: `data` is the first field of a HostFuncData made by `bind_host_func`, and
    // `caller` is the VM context of a live instance of this store.
    let (data, instance) =
        unsafe { (&*(data as *const HostFuncData), &mut *((*caller).instance as *mut Instance)) };
    // SAFETY: the adapter passes a slot array of max(params, results) slots.
    let vals = unsafe { std::slice::from_raw_parts_mut(values, data.slots) };
    // The reference arguments are in no stack map: root them for the call (as scoped roots
    // of a scope that ends when the host function returns, with those it makes itself).
    let store = instance.store_mut();
    let scope = store.roots.scope_mark();
    let param_roots =
        data.gc_params.iter().map(|&(i, at)| (i, store.roots.root(vals[at] as usize))).collect();
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        (data.func.func)(&mut Caller { instance: &mut *instance, param_roots }, vals)
    }));
    instance.store_mut().roots.end_scope(scope);
    let kind = match result {
        Ok(Ok(())) => return 0,
        Ok(Err(kind)) => kind,
        Err(payload) => {
            drop(payload);
            TrapKind::Host("host function panicked".into())
        }
    };
    // A host trap (WASI `proc_exit` is one) unwinds straight to the activation's catch,
    // from here: no fault is raised, so a debugger sees no signal at a program's normal
    // exit (issue 13). The backtrace starts at the adapter's frame, the exit frame.
    let exit_fp = instance.store_mut().ctx.exit_fp;
    // SAFETY: the Wasm-to-host adapter that called us recorded its frame as the store's
    // exit frame (restored after any nested call into Wasm), in the chain of the innermost
    // activation. Nothing in this frame needs dropping: `kind` moves into the pending
    // trap, the panic payload was dropped, the rest are references and a slice.
    unsafe { traps::raise_from(kind, exit_fp) }
}

/// A function that can be called or imported.
#[derive(Clone)]
pub struct Func {
    /// The store it belongs to (checked before anything else of it is read).
    pub store: StoreId,
    /// Its `funcref`.
    pub funcref: *const VMFuncRef,
    /// A module in which its type is defined (its trampoline is used for calls).
    pub module: Arc<LoadedModule>,
    /// Its type index in `module`.
    pub ty: u32,
    /// VM context passed as "caller" when the host calls it.
    pub caller_vmctx: *mut VMContext,
}

impl Func {
    /// Whether the function belongs to `store` (a function of another store runs with that
    /// store's heap and roots, which this store's collections would not walk). Reads only
    /// the handle, so it is safe for a function of a dropped store.
    pub fn belongs_to_store(&self, store: &StoreInner) -> bool {
        self.store == store.store_id()
    }

    /// The function's type.
    pub fn ty(&self) -> &FuncType {
        self.module.meta.types[self.ty as usize].as_func().expect("functions have function types")
    }
}

/// A global variable's cell and type.
#[derive(Clone, Copy)]
pub struct Global {
    /// The store it belongs to (checked before the cell is read).
    pub store: StoreId,
    /// The cell.
    pub cell: *mut VMGlobal,
    /// Its type, canonical (concrete heap types are canonical type ids).
    pub ty: GlobalType,
}

impl Global {
    /// The current value, if the global belongs to `store` (else `None`: the cell may have
    /// been freed with its own store).
    pub fn get(&self, store: &StoreInner) -> Option<Val> {
        if self.store != store.store_id() {
            return None;
        }
        // SAFETY: the cell belongs to `store` (checked above), which is alive while
        // borrowed, and its cells live as long as it.
        Some(Val::from_u128(unsafe { (*self.cell).get_u128() }, self.ty.ty))
    }
}

/// Something an instance exports or imports. Everything but a [`Extern::HostFunc`] (which
/// is bound to each instance that imports it) belongs to one store, whose id it carries: an
/// instance may import only its own store's externs ([`crate::owner`]).
#[derive(Clone)]
pub enum Extern {
    /// A Wasm function (or a host function already bound by an instance).
    Func(Func),
    /// A host function not yet bound to an instance.
    HostFunc(Arc<HostFunc>),
    /// A table.
    Table {
        /// Its store.
        store: StoreId,
        /// The table, alive as long as its store.
        table: *mut Table,
    },
    /// A memory.
    Memory {
        /// Its store.
        store: StoreId,
        /// The memory, alive as long as its store.
        memory: *mut Memory,
    },
    /// A shared memory (threads proposal) bound to no store: any store's instance may import
    /// it, from any thread. Make one from an exported shared memory with
    /// [`Memory::shared`]; the importing instance keeps the memory alive. This is how the
    /// threads of a wasi-threads program, one store each, will share their one memory.
    SharedMemory(crate::memory::SharedMemory),
    /// A global.
    Global(Global),
    /// An exception tag (its address is its identity).
    Tag {
        /// Its store.
        store: StoreId,
        /// The tag, alive as long as its store.
        tag: *const crate::abi::VMTag,
    },
}

impl Extern {
    /// The store the extern belongs to (`None` for a host function not yet bound).
    pub fn store(&self) -> Option<StoreId> {
        match self {
            Extern::Func(f) => Some(f.store),
            Extern::HostFunc(_) | Extern::SharedMemory(_) => None,
            Extern::Table { store, .. }
            | Extern::Memory { store, .. }
            | Extern::Tag { store, .. } => Some(*store),
            Extern::Global(g) => Some(g.store),
        }
    }

    /// What kind of extern it is, for messages ("function", "table", ...).
    pub fn kind_name(&self) -> &'static str {
        match self {
            Extern::Func(_) | Extern::HostFunc(_) => "function",
            Extern::Table { .. } => "table",
            Extern::Memory { .. } | Extern::SharedMemory(_) => "memory",
            Extern::Global(_) => "global",
            Extern::Tag { .. } => "tag",
        }
    }
}

/// The memories, tables and globals the host made for a store (`Store::memory_new` and
/// friends), freed with it. Globals and tables of the host hold no GC references (only
/// numbers and `funcref`s, which never move), so they are no roots.
#[derive(Default)]
#[expect(
    clippy::vec_box,
    reason = "externs point to the objects, which must not move as the vectors grow"
)]
pub(crate) struct HostObjects {
    pub(crate) memories: Vec<Box<Memory>>,
    pub(crate) tables: Vec<Box<Table>>,
    pub(crate) globals: Vec<Box<HostGlobal>>,
}

/// A global the host made: its cell and type. `repr(C)` with the cell first, so the C API
/// reaches the global from the cell's address.
#[repr(C)]
pub struct HostGlobal {
    /// The cell.
    pub cell: VMGlobal,
    /// Its type (a number, `v128` or an abstract `funcref`).
    pub ty: GlobalType,
}

/// Why instantiation failed.
#[derive(Debug, thiserror::Error)]
pub enum InstantiateError {
    /// An import is missing or has the wrong type (`assert_unlinkable`).
    #[error("{0}")]
    Link(String),
    /// A segment was out of bounds or the start function trapped (`assert_uninstantiable`).
    #[error("{0}")]
    Trap(Trap),
    /// Resources (memory reservations) could not be had.
    #[error("{0}")]
    Resource(String),
}

/// Bytes of a thread's stack kept for host code below the lowest address Wasm may use, when
/// the thread's stack is what bounds Wasm's (host functions and the runtime's builtins run
/// there, as do the collector and the trap handler).
pub const HOST_ROOM: usize = 512 << 10;

/// Shared state of a store.
pub struct StoreInner {
    /// The store's identity, listed as live until the store is dropped.
    live: LiveStore,
    /// Shared with compiled code through every VM context.
    pub(crate) ctx: VMStoreContext,
    instances: Vec<Box<Instance>>,
    /// What the host made for the store (after `instances`, which may point to it).
    pub(crate) host: HostObjects,
    /// Addresses of every `VMFuncRef` of the store's instances: a `funcref` the host passes
    /// in must be one of them (not another store's, not a forged pointer).
    funcrefs: std::collections::HashSet<usize>,
    /// Bytes of stack that Wasm code may use below the host frame that first enters it.
    pub stack_size: usize,
    /// The builtin functions every VM context of the store points to.
    builtins: &'static BuiltinFunctions,
    /// The GC heap (taken out while a collection runs).
    pub(crate) heap: Option<Box<dyn Collector>>,
    /// References held by the host (handles, host-call arguments).
    pub roots: RootTable,
    /// Host values boxed as `externref`.
    pub(crate) host_boxes: HostBoxes,
    /// The embedding's own state (as `wasmtime::Store<T>`'s data), typed on access: the
    /// store is reached untyped from compiled code (VM context to instance to store), so
    /// its data is `dyn Any` rather than a type parameter. A WASI program's `WasiCtx` is
    /// kept here (see `crate::wasi::wasi_import`).
    data: Option<Box<dyn Any>>,
}

impl StoreInner {
    /// An empty store whose Wasm code may use `stack_size` bytes of stack and whose VM
    /// contexts point to `builtins` (`crate::store::Store::new` gives the runtime's).
    ///
    /// # Errors
    /// The GC heap's address space cannot be reserved.
    pub(crate) fn new(
        stack_size: usize,
        gc: GcConfig,
        builtins: &'static BuiltinFunctions,
    ) -> Result<Box<StoreInner>, HeapError> {
        let mut inner = Box::new(StoreInner {
            live: LiveStore::new(),
            ctx: VMStoreContext {
                stack_limit: 0,
                exit_fp: 0,
                alloc: Default::default(),
                young: Default::default(),
                trap_operand: 0,
                sched: 0,
            },
            instances: Vec::new(),
            host: HostObjects::default(),
            funcrefs: Default::default(),
            stack_size,
            builtins,
            heap: None,
            roots: RootTable::new(),
            host_boxes: HostBoxes::default(),
            data: None,
        });
        let (area, young) = (&raw mut inner.ctx.alloc, &raw mut inner.ctx.young);
        // SAFETY: the store context is part of the boxed store, which outlives its heap.
        inner.heap = Some(unsafe { wasmc_gc::new_collector(gc, area, young) }?);
        Ok(inner)
    }

    /// Instantiates `module` in this store (see `crate::store::Store::instantiate`).
    ///
    /// # Errors
    /// As `Store::instantiate`.
    pub(crate) fn instantiate(
        &mut self,
        module: &Arc<LoadedModule>,
        resolve: &mut dyn FnMut(&crate::meta::Import) -> Option<Extern>,
    ) -> Result<usize, InstantiateError> {
        let store_ptr: *mut StoreInner = self;
        let mut inst = Box::new(Instance::empty(module.clone(), store_ptr));
        inst.link(resolve)?;
        inst.define()?;
        // Only now: a failed instantiation frees its funcrefs.
        self.funcrefs.extend(inst.owned_funcrefs.iter().map(|f| &**f as *const VMFuncRef as usize));
        self.instances.push(inst);
        let index = self.instances.len() - 1;
        let inst: *mut Instance = &mut *self.instances[index];
        // SAFETY: the instance is boxed in this store and not otherwise borrowed.
        unsafe { (*inst).initialize(self) }.map_err(InstantiateError::Trap)?;
        Ok(index)
    }

    /// The instance at `index`.
    pub(crate) fn instance(&mut self, index: usize) -> &mut Instance {
        &mut self.instances[index]
    }

    pub(crate) fn instances_mut(&mut self) -> impl Iterator<Item = &mut Instance> {
        self.instances.iter_mut().map(|b| &mut **b)
    }

    /// Names the tag of the exception object `exn` for messages: the export name of the
    /// tag in the instance that defines it if it has one, else `tag[N]` (with the module's
    /// name when known).
    pub(crate) fn describe_tag(&self, exn: usize) -> String {
        // SAFETY: `exn` is a live exception object; its tag word holds a `VMTag` address.
        let tag = unsafe { *((exn + wasmc_abi::layout::EXN_TAG_OFFSET as usize) as *const usize) };
        for inst in &self.instances {
            let first = inst.tags.len() - inst.owned_tags.len();
            let Some(i) = inst.owned_tags.iter().position(|t| &**t as *const _ as usize == tag)
            else {
                continue;
            };
            let index = (first + i) as u32;
            let meta = &inst.module.meta;
            let export = meta.exports.iter().find(|e| e.kind == ExportKind::Tag(index));
            let module = meta.name.as_deref().map(|n| format!("{n}!")).unwrap_or_default();
            return match export {
                Some(e) => format!("`{module}{}`", e.name),
                None => format!("{module}tag[{index}]"),
            };
        }
        "unknown".into()
    }
}

impl StoreInner {
    /// Identity of this store (its address; `ActivationInfo::store`).
    pub(crate) fn id(&self) -> usize {
        self as *const StoreInner as usize
    }

    /// The store's [`StoreId`], which its externs carry.
    pub fn store_id(&self) -> StoreId {
        self.live.id()
    }

    /// Whether `r` is the address of a `VMFuncRef` of this store's instances.
    pub fn owns_funcref(&self, r: usize) -> bool {
        self.funcrefs.contains(&r)
    }

    /// Puts the store's thread under the deterministic scheduler (`crate::sched`):
    /// compiled code then passes a scheduling point before every atomic access to a shared
    /// memory. Meant for set-up, before any code of the store runs.
    pub fn set_scheduled(&mut self) {
        self.ctx.sched = 1;
    }

    /// Sets the embedding's data (host state that host functions reach through
    /// [`Caller::store`]); returns the previous data, of whatever type.
    pub fn set_data<T: Any>(&mut self, data: T) -> Option<Box<dyn Any>> {
        self.data.replace(Box::new(data))
    }

    /// The embedding's data, if it is a `T`.
    pub fn data<T: Any>(&self) -> Option<&T> {
        self.data.as_deref()?.downcast_ref()
    }

    /// The embedding's data, if it is a `T`.
    pub fn data_mut<T: Any>(&mut self) -> Option<&mut T> {
        self.data.as_deref_mut()?.downcast_mut()
    }

    /// Roots the raw reference `r` until the current root scope (`Store::root_scope`, or
    /// the host-function call in progress) ends; outside any scope, until the store is
    /// dropped.
    pub fn root(&mut self, r: usize) -> Rooted {
        self.roots.root(r)
    }

    /// Roots the raw reference `r` until the returned handle and its clones are dropped.
    pub fn root_owned(&mut self, r: usize) -> OwnedRooted {
        self.roots.root_owned(r)
    }

    /// The current raw bits of a scoped root (valid until the next collection).
    ///
    /// # Errors
    /// See [`RootError`].
    pub fn get_root(&self, h: &Rooted) -> Result<usize, RootError> {
        self.roots.get(h)
    }

    /// The current raw bits of an owned root (valid until the next collection).
    ///
    /// # Errors
    /// See [`RootError`].
    pub fn get_owned_root(&self, h: &OwnedRooted) -> Result<usize, RootError> {
        self.roots.get_owned(h)
    }

    /// The current raw value of `v` (a GC reference's bits are valid until the next
    /// collection).
    ///
    /// # Errors
    /// `v` is rooted in another store.
    pub fn raw(&self, v: &RootedVal) -> Result<Val, RootError> {
        match v {
            RootedVal::Plain(v) => Ok(*v),
            RootedVal::Gc(h) => Ok(Val::Ref(self.get_owned_root(h)?)),
        }
    }

    /// Checks `args` against `func`'s parameter types: their number, each value's kind, and
    /// for references their runtime type ([`StoreInner::ref_matches`]), so that a host's
    /// argument cannot be an object of another type than the code expects. The embedding
    /// APIs check every call; [`StoreInner::call`] trusts its caller.
    ///
    /// # Errors
    /// Which argument is wrong, in one line.
    pub fn check_args(&self, func: &Func, args: &[Val]) -> Result<(), String> {
        let params = &func.ty().params;
        if args.len() != params.len() {
            return Err(format!("expected {} arguments, got {}", params.len(), args.len()));
        }
        // SAFETY: `caller_vmctx` is the VM context of the live instance that made `func`,
        // whose module is `func.module` (so its RTTs are per type index of that module).
        let inst = unsafe { &*((*func.caller_vmctx).instance as *const Instance) };
        for (i, (a, t)) in args.iter().zip(params).enumerate() {
            let ok = match (t, a) {
                (ValType::I32, Val::I32(_))
                | (ValType::I64, Val::I64(_))
                | (ValType::F32, Val::F32(_))
                | (ValType::F64, Val::F64(_))
                | (ValType::V128, Val::V128(_)) => true,
                (ValType::Ref(rt), Val::Ref(r)) => {
                    let mut rt = *rt;
                    if let crate::meta::HeapType::Concrete(idx) = rt.heap {
                        // SAFETY: the instance's RTTs live as long as it.
                        let id = unsafe { (*inst.rtts[idx as usize]).canonical_id };
                        rt.heap = crate::meta::HeapType::Concrete(id);
                    }
                    self.ref_matches(*r, rt)
                }
                _ => false,
            };
            if !ok {
                return Err(format!("argument {i} is not a value of the parameter's type {t}"));
            }
        }
        Ok(())
    }

    /// Calls `func` with `args` (see [`Store::call`](crate::store::Store::call)); also the re-entry from a host
    /// function ([`Caller::call`]).
    ///
    /// # Errors
    /// As [`Store::call`](crate::store::Store::call).
    pub fn call(&mut self, func: &Func, args: &[Val]) -> Result<Vec<RootedVal>, Trap> {
        let values = self.call_raw(func, args)?;
        let results = &func.ty().results;
        let (slots, _) = crate::abi::slot_indices(results);
        Ok(slots
            .iter()
            .zip(results)
            .map(|(i, t)| match t {
                ValType::V128 => RootedVal::Plain(Val::from_slots(&values, *i, *t)),
                _ => RootedVal::hold(self, values[*i], *t, &func.module),
            })
            .collect())
    }

    /// Calls `func` with `args`; returns the raw result slots (GC references in them are
    /// valid only until the next collection).
    ///
    /// Each call is an activation that records this store, the store's exit frame when it
    /// began and its stack limit (see `crate::stack`). The stack limit is set when the
    /// store is entered first on this thread: `stack_size` below this frame, but never
    /// below the limit of the innermost activation of another store (whose host function
    /// made this call), so the thread's stack budget holds; nested entries keep it.
    ///
    /// # Errors
    /// As [`Store::call`](crate::store::Store::call).
    fn call_raw(&mut self, func: &Func, args: &[Val]) -> Result<Vec<u64>, Trap> {
        if !func.belongs_to_store(self) {
            return Err(Trap::host("the function belongs to another store"));
        }
        let ft = func.ty().clone();
        if args.len() != ft.params.len() {
            return Err(Trap::host(format!(
                "expected {} arguments, got {}",
                ft.params.len(),
                args.len()
            )));
        }
        let mut values = Vec::with_capacity(ft.params.len());
        for a in args {
            a.push_slots(&mut values);
        }
        let (_, result_slots) = crate::abi::slot_indices(&ft.results);
        values.resize(values.len().max(result_slots).max(1), 0);
        let tramp = func.module.array_to_wasm[func.ty as usize];
        // SAFETY: the descriptor's trampolines have the `ArrayToWasmTrampoline` signature.
        let tramp: ArrayToWasmTrampoline = unsafe { std::mem::transmute(tramp) };
        // SAFETY: funcref points to a live VMFuncRef of this store.
        let (code, callee_vmctx) = unsafe { ((*func.funcref).code, (*func.funcref).vmctx) };
        let caller = func.caller_vmctx;
        let id = self.id();
        let activations = traps::activations();
        let saved_limit = self.ctx.stack_limit;
        if !activations.iter().any(|a| a.store == id) {
            let here = &values as *const _ as usize;
            let own = here.saturating_sub(self.stack_size);
            let outer = activations.first().map_or(0, |a| a.stack_limit);
            // An embedding calls from its own threads, whose stacks may be smaller than
            // the store's Wasm stack: never let Wasm run into the thread's guard page.
            let thread = crate::stack::thread_stack_floor().map_or(0, |low| low + HOST_ROOM);
            self.ctx.stack_limit = own.max(outer).max(thread.min(here));
        }
        let saved_exit_fp = self.ctx.exit_fp;
        let info = ActivationInfo {
            store: id,
            entry_fp: 0,
            saved_exit_fp,
            stack_limit: self.ctx.stack_limit,
        };
        let scope_mark = self.roots.scope_mark();
        let this: *mut StoreInner = self;
        let vals = values.as_mut_ptr();
        let result = traps::catch_traps(info, &mut |entry_fp| {
            // SAFETY: the trampoline matches the function's type, `vals` has enough slots,
            // and all VM structures live in this store.
            unsafe { tramp(code, callee_vmctx, caller, vals, entry_fp) }
        });
        // SAFETY: `this` is `self`; compiled code and host functions changed the store
        // through its VM context during the call, so reread it through the pointer.
        let this = unsafe { &mut *this };
        this.ctx.exit_fp = saved_exit_fp;
        this.ctx.stack_limit = saved_limit;
        // Should a trap have skipped the end of a host call made in this activation, its
        // scoped roots (its rooted arguments among them) end here.
        this.roots.end_scope(scope_mark);
        result.map_err(|mut trap| {
            if trap.kind == TrapKind::Wasm(crate::abi::TrapCode::UninitializedElement) {
                trap.operand = Some(this.ctx.trap_operand);
            }
            trap
        })?;
        values.truncate(result_slots);
        Ok(values)
    }
}

/// An instance of a compiled module.
pub struct Instance {
    /// The module.
    pub module: Arc<LoadedModule>,
    vmctx: VMContext,
    store: *mut StoreInner,
    memories: Vec<*mut VMMemory>,
    memory_objs: Vec<*mut Memory>,
    owned_memories: Vec<Box<Memory>>,
    tables: Vec<*mut VMTable>,
    table_objs: Vec<*mut Table>,
    owned_tables: Vec<Box<Table>>,
    globals: Vec<*mut VMGlobal>,
    global_types: Vec<GlobalType>,
    owned_globals: Vec<Box<VMGlobal>>,
    /// Which owned globals, tables and element segments hold GC references (computed
    /// once: asking the type registry at every collection dominated stressed runs).
    root_plan: Option<RootPlan>,
    funcrefs: Vec<*const VMFuncRef>,
    owned_funcrefs: Vec<Box<VMFuncRef>>,
    host_data: Vec<Box<HostFuncData>>,
    /// Canonical type id per module type index; holds the types (and their RTTs, which
    /// this instance's objects name) until the instance, i.e. its store, is dropped.
    type_ids: types::TypeIds,
    rtts: Vec<*const Rtt>,
    /// Per tag index (imports first): the tag's definition.
    tags: Vec<*const crate::abi::VMTag>,
    owned_tags: Vec<Box<crate::abi::VMTag>>,
    /// Data segments: dropped ones are marked.
    pub(crate) data_dropped: Vec<bool>,
    /// Element segments' evaluated items (emptied by `elem.drop`).
    pub(crate) elem_values: Vec<Vec<usize>>,
}

impl Instance {
    fn empty(module: Arc<LoadedModule>, store: *mut StoreInner) -> Instance {
        let type_ids = types::canonicalize(&module.meta);
        let rtts = type_ids.iter().map(|id| types::rtt(*id)).collect();
        Instance {
            module,
            vmctx: VMContext {
                // SAFETY: `store` is the boxed StoreInner that owns this instance.
                store: unsafe { &raw mut (*store).ctx },
                // SAFETY: as above.
                builtins: unsafe { (*store).builtins },
                memories: core::ptr::null(),
                tables: core::ptr::null(),
                globals: core::ptr::null(),
                funcrefs: core::ptr::null(),
                rtts: core::ptr::null(),
                instance: core::ptr::null_mut(),
                tags: core::ptr::null(),
            },
            store,
            memories: Vec::new(),
            memory_objs: Vec::new(),
            owned_memories: Vec::new(),
            tables: Vec::new(),
            table_objs: Vec::new(),
            owned_tables: Vec::new(),
            globals: Vec::new(),
            global_types: Vec::new(),
            root_plan: None,
            owned_globals: Vec::new(),
            funcrefs: Vec::new(),
            owned_funcrefs: Vec::new(),
            host_data: Vec::new(),
            type_ids,
            rtts,
            tags: Vec::new(),
            owned_tags: Vec::new(),
            data_dropped: Vec::new(),
            elem_values: Vec::new(),
        }
    }

    /// The id of the store this instance belongs to.
    pub fn store_id(&self) -> StoreId {
        // SAFETY: the store owns its instances and outlives them.
        unsafe { (*self.store).store_id() }
    }

    /// The store this instance belongs to.
    pub(crate) fn store_mut(&mut self) -> &mut StoreInner {
        // SAFETY: the store owns its instances and outlives them.
        unsafe { &mut *self.store }
    }

    /// Calls `visit` with every root slot owned by this instance: GC-typed defined globals,
    /// elements of its tables of GC references, and evaluated element segments of GC
    /// references.
    pub(crate) fn visit_gc_root_slots(&mut self, visit: &mut dyn FnMut(*mut usize)) {
        let sizes = (self.owned_globals.len(), self.owned_tables.len(), self.elem_values.len());
        if self.root_plan.as_ref().is_none_or(|p| p.sizes != sizes) {
            self.root_plan = Some(self.root_plan());
        }
        let plan = self.root_plan.as_ref().expect("computed above");
        for &g in &plan.globals {
            visit(&mut self.owned_globals[g].bits as *mut u64 as *mut usize);
        }
        for &t in &plan.tables {
            for e in self.owned_tables[t].elements_mut() {
                visit(e as *mut usize);
            }
        }
        for &seg in &plan.elems {
            for e in &mut self.elem_values[seg] {
                visit(e as *mut usize);
            }
        }
    }

    fn root_plan(&self) -> RootPlan {
        let meta = &self.module.meta;
        let first_global = self.globals.len() - self.owned_globals.len();
        let globals = (0..self.owned_globals.len())
            .filter(|i| types::is_gc_ref(self.global_types[first_global + i].ty))
            .collect();
        let tables = (0..self.owned_tables.len())
            .filter(|&t| types::is_gc_ref(ValType::Ref(self.owned_tables[t].ty.element)))
            .collect();
        let elems = (0..self.elem_values.len().min(meta.elems.len()))
            .filter(|&i| ValType::Ref(meta.elems[i].ty).is_gc_ref(&meta.types))
            .collect();
        let sizes = (self.owned_globals.len(), self.owned_tables.len(), self.elem_values.len());
        RootPlan { sizes, globals, tables, elems }
    }

    /// The VM context (for host functions and builtins).
    pub fn vmctx(&mut self) -> *mut VMContext {
        &mut self.vmctx
    }

    fn link(
        &mut self,
        resolve: &mut dyn FnMut(&crate::meta::Import) -> Option<Extern>,
    ) -> Result<(), InstantiateError> {
        let module = self.module.clone();
        let own = self.store_id();
        // Every import is resolved first, so that the error names all that are missing.
        let resolved: Vec<Option<Extern>> = module.meta.imports.iter().map(&mut *resolve).collect();
        let mut missing: Vec<String> = Vec::new();
        for (i, _) in module.meta.imports.iter().zip(&resolved).filter(|(_, e)| e.is_none()) {
            let name = format!("`{}::{}`", i.module, i.name);
            if !missing.contains(&name) {
                missing.push(name);
            }
        }
        if !missing.is_empty() {
            return Err(InstantiateError::Link(format!("unknown import: {}", missing.join(", "))));
        }
        for (import, ext) in module.meta.imports.iter().zip(resolved) {
            let what = format!("{}::{}", import.module, import.name);
            let bad = || InstantiateError::Link(format!("incompatible import type for `{what}`"));
            let Some(ext) = ext else { unreachable!("checked above") };
            // Before anything behind the extern is read: another store's (perhaps freed)
            // objects are never imported (issue 33).
            if ext.store().is_some_and(|s| s != own) {
                return Err(InstantiateError::Link(format!(
                    "the {} imported as `{what}` belongs to another store",
                    ext.kind_name()
                )));
            }
            match (&import.kind, ext) {
                (ImportKind::Func(ty), Extern::Func(f)) => {
                    // SAFETY: exported funcrefs stay alive with their store, this one.
                    let actual = unsafe { (*(*f.funcref).rtt).canonical_id };
                    if !types::is_subtype(actual, self.type_ids[*ty as usize]) {
                        return Err(bad());
                    }
                    self.funcrefs.push(f.funcref);
                }
                (ImportKind::Func(ty), Extern::HostFunc(h)) => {
                    let Some(want) = module.meta.types[*ty as usize].as_func() else {
                        return Err(bad());
                    };
                    if *want != h.ty {
                        return Err(bad());
                    }
                    let f = self.bind_host_func(h, *ty);
                    self.funcrefs.push(f);
                }
                (ImportKind::Table(want), Extern::Table { table: t, .. }) => {
                    // SAFETY: the table belongs to this store (checked above), which it
                    // outlives.
                    let t = unsafe { &mut *t };
                    let want_elem =
                        types::canonical_val(&self.type_ids, ValType::Ref(want.element));
                    if ValType::Ref(t.ty.element) != want_elem
                        || t.ty.table64 != want.table64
                        || !limits_match(t.ty.min, t.ty.max, want.min, want.max)
                    {
                        return Err(bad());
                    }
                    self.tables.push(&mut t.vm);
                    self.table_objs.push(t);
                }
                (ImportKind::Memory(want), Extern::Memory { memory: m, .. }) => {
                    // SAFETY: the memory belongs to this store (checked above), which it
                    // outlives.
                    let m = unsafe { &mut *m };
                    if !memory_matches(&m.ty(), want) {
                        return Err(bad());
                    }
                    self.memories.push(m.vm_ptr());
                    self.memory_objs.push(m);
                }
                (ImportKind::Memory(want), Extern::SharedMemory(shared)) => {
                    if !memory_matches(&shared.ty(), want) {
                        return Err(bad());
                    }
                    // This instance's own view of the memory, which keeps it mapped.
                    let mut m = Memory::from_shared(shared);
                    self.memories.push(m.vm_ptr());
                    self.memory_objs.push(&mut *m);
                    self.owned_memories.push(m);
                }
                (ImportKind::Global(want), Extern::Global(g)) => {
                    // Mutable globals are invariant, immutable ones covariant (spec §4.5.2).
                    let want_ty = types::canonical_val(&self.type_ids, want.ty);
                    let ok = g.ty.mutable == want.mutable
                        && if want.mutable {
                            g.ty.ty == want_ty
                        } else {
                            types::val_subtype(g.ty.ty, want_ty)
                        };
                    if !ok {
                        return Err(bad());
                    }
                    self.globals.push(g.cell);
                    self.global_types.push(GlobalType { ty: want_ty, mutable: want.mutable });
                }
                (ImportKind::Tag(ty), Extern::Tag { tag: t, .. }) => {
                    // Tag types must be equal (spec §4.5.2 "Import subtyping": tags are
                    // invariant).
                    // SAFETY: the tag belongs to this store (checked above), which it
                    // outlives.
                    if unsafe { (*t).type_id } != self.type_ids[*ty as usize] {
                        return Err(bad());
                    }
                    self.tags.push(t);
                }
                _ => return Err(bad()),
            }
        }
        Ok(())
    }

    fn bind_host_func(&mut self, h: Arc<HostFunc>, ty: u32) -> *const VMFuncRef {
        // Value slots, not values: a `v128` takes two (`abi::value_slots`).
        let (param_at, param_slots) = crate::abi::slot_indices(&h.ty.params);
        let (_, result_slots) = crate::abi::slot_indices(&h.ty.results);
        let slots = param_slots.max(result_slots).max(1);
        // The host type equals the module's type `ty`, so its concrete heap types are
        // indices into this module's types.
        let types = &self.module.meta.types;
        let gc_params = (0..h.ty.params.len() as u32)
            .filter(|i| h.ty.params[*i as usize].is_gc_ref(types))
            .map(|i| (i, param_at[i as usize]))
            .collect();
        let mut data = Box::new(HostFuncData {
            vm: VMHostFuncData { func: host_dispatch },
            func: h,
            slots,
            gc_params,
        });
        let fr = Box::new(VMFuncRef {
            code: self.module.wasm_to_host[ty as usize] as *const u8,
            vmctx: (&raw mut *data).cast(),
            rtt: self.rtts[ty as usize],
        });
        self.host_data.push(data);
        let p: *const VMFuncRef = &*fr;
        self.owned_funcrefs.push(fr);
        p
    }

    /// Creates the module's own memories, tables, functions and globals and fills the VM
    /// context.
    fn define(&mut self) -> Result<(), InstantiateError> {
        let module = self.module.clone();
        let meta = &module.meta;
        for ty in &meta.memories {
            let mut m = Memory::new(ty).map_err(|e| InstantiateError::Resource(e.to_string()))?;
            self.memories.push(m.vm_ptr());
            self.memory_objs.push(&mut *m);
            self.owned_memories.push(m);
        }
        let self_vmctx: *mut VMContext = &mut self.vmctx;
        for (def, addr) in module.funcs.iter().enumerate() {
            let index = meta.num_imported_funcs as usize + def;
            let fr = Box::new(VMFuncRef {
                code: *addr as *const u8,
                vmctx: self_vmctx.cast(),
                rtt: self.rtts[meta.funcs[index] as usize],
            });
            self.funcrefs.push(&*fr);
            self.owned_funcrefs.push(fr);
        }
        for g in &meta.globals {
            // Globals are evaluated in order; an initializer sees earlier globals.
            self.vmctx.globals = self.globals.as_ptr();
            let bits = self.eval_const(&g.init).map_err(InstantiateError::Trap)?;
            let mut cell = Box::new(VMGlobal::from_u128(bits));
            self.globals.push(&mut *cell);
            let ty = types::canonical_val(&self.type_ids, g.ty.ty);
            self.global_types.push(GlobalType { ty, mutable: g.ty.mutable });
            self.owned_globals.push(cell);
        }
        for t in &meta.tables {
            let init = match &t.init {
                Some(e) => self.eval_const(e).map_err(InstantiateError::Trap)? as usize,
                None => 0,
            };
            let element = match types::canonical_val(&self.type_ids, ValType::Ref(t.ty.element)) {
                ValType::Ref(r) => r,
                _ => unreachable!("reference types stay reference types"),
            };
            let ty = crate::meta::TableType { element, ..t.ty.clone() };
            let mut table = Table::new(&ty, init)
                .ok_or_else(|| InstantiateError::Resource("table too large".into()))?;
            self.tables.push(&mut table.vm);
            self.table_objs.push(&mut *table);
            self.owned_tables.push(table);
        }
        self.vmctx.memories = self.memories.as_ptr();
        self.vmctx.tables = self.tables.as_ptr();
        self.vmctx.globals = self.globals.as_ptr();
        self.vmctx.funcrefs = self.funcrefs.as_ptr();
        for ty in &meta.tags {
            let t = &meta.types[*ty as usize];
            if t.as_func().is_none() {
                return Err(InstantiateError::Link("a tag's type is not a function type".into()));
            }
            let type_id = self.type_ids[*ty as usize];
            let rtt = types::exception_rtt(type_id, || {
                t.exception_layout(&meta.types).expect("a function type has an exception layout")
            });
            let tag = Box::new(crate::abi::VMTag { rtt, type_id });
            self.tags.push(&*tag);
            self.owned_tags.push(tag);
        }
        self.vmctx.rtts = self.rtts.as_ptr();
        self.vmctx.tags = self.tags.as_ptr();
        self.vmctx.instance = (self as *mut Instance).cast();
        self.data_dropped = vec![false; meta.datas.len()];
        let mut elem_values = Vec::with_capacity(meta.elems.len());
        for e in &meta.elems {
            let values: Result<Vec<usize>, Trap> =
                e.items.iter().map(|i| self.eval_const(i).map(|v| v as usize)).collect();
            elem_values.push(values.map_err(InstantiateError::Trap)?);
        }
        self.elem_values = elem_values;
        Ok(())
    }

    /// Evaluates a constant expression (spec §3.3.11, with the GC proposal's allocating
    /// instructions). Allocation never collects here (the evaluation stack is not a root).
    ///
    /// # Errors
    /// The trap "out of memory" when the heap cannot hold an object.
    pub fn eval_const(&self, expr: &ConstExpr) -> Result<u128, Trap> {
        let mut stack: Vec<u128> = Vec::with_capacity(2);
        for op in expr {
            let v = match op {
                ConstOp::I32(v) => u128::from(*v as u32),
                ConstOp::I64(v) => u128::from(*v as u64),
                ConstOp::F32(v) => u128::from(*v),
                ConstOp::F64(v) => u128::from(*v),
                ConstOp::V128(v) => *v,
                ConstOp::RefNull => 0,
                ConstOp::RefFunc(f) => self.funcrefs[*f as usize] as u128,
                // SAFETY: global cells live as long as the store.
                ConstOp::GlobalGet(g) => unsafe { (*self.globals[*g as usize]).get_u128() },
                ConstOp::RefI31 => {
                    let v = stack.pop().unwrap_or(0) as u32;
                    u128::from((v << 1) | 1)
                }
                ConstOp::ConvertRef => stack.pop().unwrap_or(0),
                ConstOp::StructNew(ty) | ConstOp::StructNewDefault(ty) => {
                    let n = self.struct_fields(*ty).len();
                    let values = if matches!(op, ConstOp::StructNew(_)) {
                        stack.split_off(stack.len() - n)
                    } else {
                        vec![0; n]
                    };
                    self.const_struct(*ty, &values)?
                }
                ConstOp::ArrayNew(ty) => {
                    let len = stack.pop().unwrap_or(0) as u32;
                    let init = stack.pop().unwrap_or(0);
                    self.const_array(*ty, len, |_| init)?
                }
                ConstOp::ArrayNewDefault(ty) => {
                    let len = stack.pop().unwrap_or(0) as u32;
                    self.const_array(*ty, len, |_| 0)?
                }
                ConstOp::ArrayNewFixed(ty, n) => {
                    let values = stack.split_off(stack.len() - *n as usize);
                    self.const_array(*ty, *n, |i| values[i])?
                }
                arith => {
                    let b = stack.pop().unwrap_or(0);
                    let a = stack.pop().unwrap_or(0);
                    match arith {
                        ConstOp::I32Add => u128::from((a as u32).wrapping_add(b as u32)),
                        ConstOp::I32Sub => u128::from((a as u32).wrapping_sub(b as u32)),
                        ConstOp::I32Mul => u128::from((a as u32).wrapping_mul(b as u32)),
                        ConstOp::I64Add => u128::from((a as u64).wrapping_add(b as u64)),
                        ConstOp::I64Sub => u128::from((a as u64).wrapping_sub(b as u64)),
                        _ => u128::from((a as u64).wrapping_mul(b as u64)),
                    }
                }
            };
            stack.push(v);
        }
        Ok(stack.pop().unwrap_or(0))
    }

    fn struct_fields(&self, ty: u32) -> &[crate::meta::FieldType] {
        match &self.module.meta.types[ty as usize].composite {
            crate::meta::CompositeType::Struct(f) => f,
            _ => &[],
        }
    }

    /// Allocates an object of module type `ty` and `size` bytes with its header written,
    /// without collecting.
    fn alloc_const(&self, ty: u32, size: usize) -> Result<usize, Trap> {
        // SAFETY: the store outlives its instances; only its heap field is touched.
        let heap = unsafe { &mut (*self.store).heap };
        let p = heap
            .as_mut()
            .and_then(|h| h.alloc_no_collect(size))
            .ok_or_else(|| trap_now(crate::abi::TrapCode::OutOfMemory))?;
        // SAFETY: `p` is a fresh allocation of `size` (>= header) bytes.
        unsafe { *(p as *mut *const Rtt) = self.rtts[ty as usize] };
        Ok(p)
    }

    /// Builds a struct of type `ty` from field values (raw bits, in field order).
    fn const_struct(&self, ty: u32, values: &[u128]) -> Result<u128, Trap> {
        let types = &self.module.meta.types;
        // SAFETY: RTTs of struct types carry their layout.
        let layout = unsafe { wasmc_abi::layout::layout_of(self.rtts[ty as usize]) }
            .ok_or_else(|| Trap::host("struct type without layout"))?;
        let p = self.alloc_const(ty, layout.size as usize)?;
        for ((f, off), v) in self.struct_fields(ty).iter().zip(&layout.field_offsets).zip(values) {
            let size = f.storage.repr(types).size;
            // SAFETY: the field lies inside the object just allocated.
            unsafe { write_field(p + *off as usize, u32::from(size), *v) };
        }
        Ok(p as u128)
    }

    /// Builds an array of type `ty` with `len` elements, element `i` being `value(i)`.
    fn const_array(&self, ty: u32, len: u32, value: impl Fn(usize) -> u128) -> Result<u128, Trap> {
        // SAFETY: RTTs of array types carry their layout.
        let layout = unsafe { wasmc_abi::layout::layout_of(self.rtts[ty as usize]) }
            .ok_or_else(|| Trap::host("array type without layout"))?;
        let elem = layout.size;
        let size = wasmc_abi::layout::array_size(elem, len)
            .ok_or_else(|| trap_now(crate::abi::TrapCode::OutOfMemory))?;
        let p = self.alloc_const(ty, size as usize)?;
        // SAFETY: the length field and `len` elements lie inside the object.
        unsafe {
            *((p + wasmc_abi::layout::ARRAY_LENGTH_OFFSET as usize) as *mut u32) = len;
            let data = p + wasmc_abi::layout::ARRAY_DATA_OFFSET as usize;
            for i in 0..len as usize {
                write_field(data + i * elem as usize, elem, value(i));
            }
        }
        Ok(p as u128)
    }

    /// Copies active segments (spec §4.5.4 "Instantiation": element segments first, then
    /// data, each bounds-checked before it is written) and runs the start function.
    fn initialize(&mut self, store: &mut StoreInner) -> Result<(), Trap> {
        let module = self.module.clone();
        let meta = &module.meta;
        for (i, seg) in meta.elems.iter().enumerate() {
            match &seg.mode {
                SegmentMode::Active { index, offset } => {
                    // The offset has the table's index type (i64 for a table64).
                    let offset = self.eval_const(offset)?;
                    let offset = if self.table(*index).ty.table64 {
                        offset as u64
                    } else {
                        offset as u32 as u64
                    };
                    let n = self.elem_values[i].len() as u64;
                    self.table_init(*index, i as u32, offset, 0, n)
                        .map_err(|()| trap_now(crate::abi::TrapCode::TableOutOfBounds))?;
                    self.elem_values[i].clear();
                }
                SegmentMode::Declared => self.elem_values[i].clear(),
                SegmentMode::Passive => {}
            }
        }
        for (i, seg) in meta.datas.iter().enumerate() {
            if let SegmentMode::Active { index, offset } = &seg.mode {
                // The offset has the memory's index type (i64 for memory64).
                let offset = self.eval_const(offset)?;
                let wide = self.memory(*index).is_some_and(|m| m.ty().memory64);
                let offset = if wide { offset as u64 } else { offset as u32 as u64 };
                self.memory_init(*index, i as u32, offset, 0, seg.bytes.len() as u64)
                    .map_err(|()| trap_now(crate::abi::TrapCode::MemoryOutOfBounds))?;
                self.data_dropped[i] = true;
            }
        }
        if let Some(start) = meta.start {
            let f = self.func(start);
            store.call(&f, &[])?;
        }
        Ok(())
    }

    /// The function at index `f` as a callable [`Func`].
    pub fn func(&mut self, f: u32) -> Func {
        Func {
            store: self.store_id(),
            funcref: self.funcrefs[f as usize],
            module: self.module.clone(),
            ty: self.module.meta.funcs[f as usize],
            caller_vmctx: &mut self.vmctx,
        }
    }

    /// The export called `name`.
    pub fn export(&mut self, name: &str) -> Option<Extern> {
        let kind = self.module.meta.exports.iter().find(|e| e.name == name)?.kind;
        let store = self.store_id();
        Some(match kind {
            ExportKind::Func(f) => Extern::Func(self.func(f)),
            ExportKind::Table(t) => Extern::Table { store, table: self.table_objs[t as usize] },
            ExportKind::Memory(m) => Extern::Memory { store, memory: self.memory_objs[m as usize] },
            ExportKind::Global(g) => Extern::Global(self.global(g)?),
            ExportKind::Tag(t) => Extern::Tag { store, tag: self.tags[t as usize] },
        })
    }

    /// The global at index `g` (imports first), if there is one.
    pub fn global(&self, g: u32) -> Option<Global> {
        let cell = *self.globals.get(g as usize)?;
        Some(Global { store: self.store_id(), cell, ty: self.global_types[g as usize] })
    }

    /// The number of functions (imports first).
    pub fn func_count(&self) -> usize {
        self.funcrefs.len()
    }

    /// The memory at index `m`.
    pub fn memory(&mut self, m: u32) -> Option<&mut Memory> {
        // SAFETY: memories live as long as the store.
        self.memory_objs.get(m as usize).map(|p| unsafe { &mut **p })
    }

    /// The table at index `t`.
    pub fn table(&mut self, t: u32) -> &mut Table {
        // SAFETY: tables live as long as the store.
        unsafe { &mut *self.table_objs[t as usize] }
    }

    /// `memory.init` (also used for active data segments); `Err` means out of bounds.
    pub(crate) fn memory_init(
        &mut self,
        mem: u32,
        data: u32,
        dst: u64,
        src: u64,
        len: u64,
    ) -> Result<(), ()> {
        let module = self.module.clone();
        let bytes: &[u8] = if self.data_dropped[data as usize] {
            &[]
        } else {
            &module.meta.datas[data as usize].bytes
        };
        let memory = self.memory(mem).ok_or(())?.data_mut();
        let src_end = src.checked_add(len).filter(|e| *e <= bytes.len() as u64).ok_or(())?;
        let dst_end = dst.checked_add(len).filter(|e| *e <= memory.len() as u64).ok_or(())?;
        memory[dst as usize..dst_end as usize]
            .copy_from_slice(&bytes[src as usize..src_end as usize]);
        Ok(())
    }

    /// `table.init` (also used for active element segments); `Err` means out of bounds.
    pub(crate) fn table_init(
        &mut self,
        table: u32,
        elem: u32,
        dst: u64,
        src: u64,
        len: u64,
    ) -> Result<(), ()> {
        let items = std::mem::take(&mut self.elem_values[elem as usize]);
        let result = (|| {
            let t = self.table(table).elements_mut();
            let src_end = src.checked_add(len).filter(|e| *e <= items.len() as u64).ok_or(())?;
            let dst_end = dst.checked_add(len).filter(|e| *e <= t.len() as u64).ok_or(())?;
            t[dst as usize..dst_end as usize]
                .copy_from_slice(&items[src as usize..src_end as usize]);
            Ok(())
        })();
        self.elem_values[elem as usize] = items;
        result
    }
}

/// Whether a memory of type `have` (`min` its current size) may be imported as `want`: the
/// same index type, the same sharedness (threads proposal: a shared memory matches only a
/// shared import) and matching limits (spec §4.5.2 "Import subtyping").
fn memory_matches(have: &crate::meta::MemoryType, want: &crate::meta::MemoryType) -> bool {
    have.memory64 == want.memory64
        && have.shared == want.shared
        && limits_match(have.min, have.max, want.min, want.max)
}

fn limits_match(min: u64, max: Option<u64>, want_min: u64, want_max: Option<u64>) -> bool {
    min >= want_min
        && match (max, want_max) {
            (_, None) => true,
            (Some(m), Some(w)) => m <= w,
            (None, Some(_)) => false,
        }
}

/// Writes the low `size` bytes of `bits` at `addr` (a field of a GC object).
///
/// # Safety
/// `addr..addr + size` must be writable and aligned for `size` (a 16-byte field: for 8).
unsafe fn write_field(addr: usize, size: u32, bits: u128) {
    // SAFETY: see the function's contract.
    unsafe {
        match size {
            1 => *(addr as *mut u8) = bits as u8,
            2 => *(addr as *mut u16) = bits as u16,
            4 => *(addr as *mut u32) = bits as u32,
            8 => *(addr as *mut u64) = bits as u64,
            _ => (addr as *mut u128).write_unaligned(bits),
        }
    }
}

fn trap_now(code: crate::abi::TrapCode) -> Trap {
    Trap { kind: TrapKind::Wasm(code), backtrace: Vec::new(), omitted_frames: 0, operand: None }
}

/// Bytes of a memory page (re-exported for host code).
pub const PAGE_SIZE: u64 = WASM_PAGE_SIZE;

/// Indices of an instance's owned globals, owned tables and element segments that hold GC
/// references; `sizes` are the three lengths it was computed for.
struct RootPlan {
    sizes: (usize, usize, usize),
    globals: Vec<usize>,
    tables: Vec<usize>,
    elems: Vec<usize>,
}
