//! The embedding API: running modules compiled by `wasmc -c` inside your own program.
//!
//! A module compiled with `wasmc -c --module-name NAME` is an object file whose only global
//! symbol is its descriptor, `wasmc_module_NAME`. Link it into a Rust program (a build
//! script's `cargo:rustc-link-arg=NAME.o`) and get it with [`linked_module!`]`(NAME)`; then:
//!
//! - a [`Store`] holds instances that may call each other and the state they share: the GC
//!   heap, the host's roots, the Wasm stack limit ([`StoreConfig`]);
//! - [`Imports`] say what each import of a module is: host functions
//!   ([`Imports::func`]), another instance's exports ([`Imports::instance`]), memories,
//!   tables and globals ([`Imports::define`]), WASI preview1 ([`Imports::wasi`], with the
//!   store's [`WasiConfig`]);
//! - [`Store::instantiate_with`] makes an instance; [`Instance::get_func`] and friends find
//!   its exports; [`Store::call_rooted`] calls a function with [`RootedVal`]s and returns
//!   its results as [`RootedVal`]s, or the [`Trap`] (message and backtrace) as an error. A
//!   trap never exits the process: WASI `proc_exit` is [`TrapKind::Exit`].
//!
//! References the host holds are rooted handles ([`OwnedRooted`], inside
//! [`RootedVal::Gc`]): the collector moves objects and updates the handles, so a reference
//! stays valid across calls and collections until its handle is dropped. Raw reference bits
//! ([`Val::Ref`]) are valid only until the next allocation in Wasm.
//!
//! Types canonicalise across modules (spec §3.1.3, "rec groups"): two modules that define
//! the same struct type can pass its objects to each other, and an import of a function is
//! checked against the exporting module's type by canonical identity and subtyping.
//!
//! Calls run on the calling thread. Wasm code may use [`StoreConfig::stack_size`] bytes of
//! its stack, less if the thread's stack ends sooner (512 KiB are always left for host
//! code): running out is the `call stack exhausted` trap. A store and its values belong to
//! one thread at a time (they are neither `Send` nor `Sync`).
//!
//! Threads: stores on different threads run at once, each with its own GC heap. What one
//! thread may hand to another is a shared memory (threads proposal): [`Memory::shared`]
//! of a store's shared memory gives a `SharedMemory` (`Send + Sync`, bound to no store)
//! that instances of stores on other threads import as `Extern::SharedMemory`, their
//! atomics and `memory.atomic.wait`/`notify` working on the same bytes; and a
//! [`WasiCtx::share`]d WASI context, so that their WASI calls see one descriptor table.
//! GC references, functions, tables and globals never cross stores. `wasi.thread-spawn`
//! is not provided: wasi-threads programs run as executables (`wasmc_runtime::threads`).
//!
//! # Example
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use wasmc_runtime::embed::{Imports, RootedVal, Store, StoreConfig, Val, ValType};
//! # let wat = r#"(module
//! #   (import "host" "double" (func $double (param i32) (result i32)))
//! #   (type $point (struct (field i32) (field i32)))
//! #   (func (export "point") (param i32 i32) (result (ref $point))
//! #     (struct.new $point (local.get 0) (call $double (local.get 1))))
//! #   (func (export "sum") (param (ref $point)) (result i32)
//! #     (i32.add (struct.get $point 0 (local.get 0)) (struct.get $point 1 (local.get 0))))
//! #   (func (export "churn") (param i32) (local i32)
//! #     (loop $l (drop (struct.new $point (local.get 1) (local.get 1)))
//! #       (local.set 1 (i32.add (local.get 1) (i32.const 1)))
//! #       (br_if $l (i32.lt_u (local.get 1) (local.get 0)))))
//! #   (func (export "div") (param i32 i32) (result i32)
//! #     (i32.div_s (local.get 0) (local.get 1))))"#;
//! # // Compiled here and loaded as a shared object, as the spec runner does: a doctest
//! # // cannot link an object it makes.
//! # let config = wasmc::Config { descriptor_name: Some("points".into()), ..Default::default() };
//! # let object = wasmc::compile(&wat::parse_str(wat)?, &config)?.object;
//! # let dir = tempfile::tempdir()?;
//! # let (obj, so) = (dir.path().join("points.o"), dir.path().join("points.so"));
//! # std::fs::write(&obj, &object)?;
//! # let mut cc = std::process::Command::new("cc");
//! # assert!(cc.args(["-shared", "-nostdlib", "-o"]).arg(&so).arg(&obj).status()?.success());
//! # let so = std::ffi::CString::new(so.into_os_string().into_encoded_bytes())?;
//! # // SAFETY: the object has no initialisers; it stays loaded for the process.
//! # let lib = unsafe { libc::dlopen(so.as_ptr(), libc::RTLD_NOW) };
//! # assert!(!lib.is_null());
//! # // SAFETY: a wasmc descriptor, whose code stays mapped.
//! # let points = unsafe {
//! #     let desc = libc::dlsym(lib, c"wasmc_module_points".as_ptr());
//! #     wasmc_runtime::embed::Module::from_descriptor(desc.cast())?
//! # };
//! // `points` is the module compiled by `wasmc -c --module-name points points.wat`,
//! // linked into this program: `wasmc_runtime::linked_module!(points)?`.
//! let mut store = Store::new_with(&StoreConfig::default())?;
//! let mut imports = Imports::new();
//! imports.func("host", "double", &[ValType::I32], &[ValType::I32], |_caller, slots| {
//!     slots[0] = (slots[0] as i32 * 2) as u32 as u64;
//!     Ok(())
//! });
//! let instance = store.instantiate_with(&points, &imports)?;
//! let point = store.instance(instance).get_func("point").expect("exported");
//! let sum = store.instance(instance).get_func("sum").expect("exported");
//! let churn = store.instance(instance).get_func("churn").expect("exported");
//!
//! // A struct the host keeps: its handle is a root.
//! let p = store.call_rooted(&point, &[Val::I32(40).into(), Val::I32(1).into()])?.remove(0);
//! assert!(matches!(p, RootedVal::Gc(_)));
//! store.call_rooted(&churn, &[Val::I32(1_000_000).into()])?; // 1M allocations
//! store.collect_garbage(); // and a full collection: the struct moves, the handle follows
//! let total = store.call_rooted(&sum, &[p])?;
//! assert_eq!(total[0].plain(), Some(Val::I32(42)));
//!
//! // A trap is an error value with a message and a backtrace; the store stays usable.
//! let div = store.instance(instance).get_func("div").expect("exported");
//! let trap = store.call_rooted(&div, &[Val::I32(1).into(), Val::I32(0).into()]).unwrap_err();
//! assert_eq!(trap.message(), "integer divide by zero");
//! assert_eq!(trap.backtrace[0].func_index, 4);
//! let seven = store.call_rooted(&div, &[Val::I32(14).into(), Val::I32(2).into()])?;
//! assert_eq!(seven[0].plain(), Some(Val::I32(7)));
//! # Ok(())
//! # }
//! ```

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

pub use crate::abi::ModuleDescriptor;
use crate::config::{DEFAULT_STACK_SIZE, RuntimeConfig};
use crate::instance::HostGlobal;
pub use crate::instance::{Caller, Extern, Func, Global, HostFunc, Instance, RootedVal, Val};
pub use crate::instance::{InstantiateError, StoreInner};
pub use crate::memory::{Memory, MemoryError, MemoryView, OutOfBounds, SharedMemory};
pub use crate::meta::{Export, ExportKind, FuncType, GlobalType, HeapType, Import, RefType};
pub use crate::meta::{ImportKind, MemoryType, TableType, ValType};
pub use crate::owner::StoreId;
use crate::registry::{self, LoadedModule};
pub use crate::registry::{BacktraceFrame, LoadError};
pub use crate::roots::{OwnedRooted, RootError};
pub use crate::store::Store;
use crate::table::Table;
pub use crate::traps::{Trap, TrapKind};
pub use crate::wasi::WasiCtx;
pub use wasmc_gc::GcConfig;

/// A compiled module: its metadata and code, registered with the runtime (for traps, stack
/// walking and backtraces). Cheap to clone.
#[derive(Clone)]
pub struct Module(Arc<LoadedModule>);

/// Modules made from descriptors, so that a descriptor is read and registered once.
static FROM_DESCRIPTORS: Mutex<Vec<(usize, Arc<LoadedModule>)>> = Mutex::new(Vec::new());

impl Module {
    /// The module whose descriptor is `desc` (the `wasmc_module_NAME` symbol of an object
    /// from `wasmc -c --module-name NAME`; [`linked_module!`] names it for you). Reading the
    /// same descriptor again gives the same module.
    ///
    /// # Errors
    /// The descriptor is not one this runtime reads (its magic number, which carries the
    /// ABI version, or its metadata differ: an object from another wasmc version).
    ///
    /// # Safety
    /// `desc` must point to a descriptor emitted by wasmc whose code stays mapped for the
    /// rest of the process (true of every object linked into the program).
    pub unsafe fn from_descriptor(desc: *const ModuleDescriptor) -> Result<Module, LoadError> {
        let mut known = FROM_DESCRIPTORS.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, m)) = known.iter().find(|(d, _)| *d == desc as usize) {
            return Ok(Module(m.clone()));
        }
        // SAFETY: forwarded from the caller.
        let module = Arc::new(unsafe { LoadedModule::from_descriptor(desc) }?);
        registry::register(&module);
        known.push((desc as usize, module.clone()));
        Ok(Module(module))
    }

    /// A module already loaded and registered ([`registry::register`]), e.g. from a shared
    /// object (the spec runner's way).
    pub fn from_loaded(module: Arc<LoadedModule>) -> Module {
        Module(module)
    }

    /// The module's name (its name section's, if it has one).
    pub fn name(&self) -> Option<&str> {
        self.0.meta.name.as_deref()
    }

    /// Its imports, in order.
    pub fn imports(&self) -> &[Import] {
        &self.0.meta.imports
    }

    /// Its exports, in order.
    pub fn exports(&self) -> &[Export] {
        &self.0.meta.exports
    }

    /// The type of function `index` (imports first), if there is such a function.
    pub fn func_type(&self, index: u32) -> Option<&FuncType> {
        let ty = *self.0.meta.funcs.get(index as usize)?;
        self.0.meta.types[ty as usize].as_func()
    }

    /// The loaded module underneath.
    pub fn loaded(&self) -> &Arc<LoadedModule> {
        &self.0
    }
}

/// The [`Module`] of an object compiled with `wasmc -c --module-name NAME` and linked into
/// this program: `linked_module!(NAME)` declares the descriptor symbol `wasmc_module_NAME`
/// and reads it. Evaluates to `Result<Module, LoadError>`.
#[macro_export]
macro_rules! linked_module {
    ($name:ident) => {{
        unsafe extern "C" {
            #[link_name = concat!("wasmc_module_", stringify!($name))]
            static DESCRIPTOR: $crate::embed::ModuleDescriptor;
        }
        // SAFETY: a `wasmc_module_*` symbol is a descriptor emitted by wasmc, linked into
        // this program (so its code stays mapped).
        unsafe { $crate::embed::Module::from_descriptor(&raw const DESCRIPTOR) }
    }};
}

/// How a store is set up.
#[derive(Clone, Debug)]
pub struct StoreConfig {
    /// Bytes of stack Wasm code may use (bounded by the calling thread's stack, less 512
    /// KiB for host code). Default 8 MiB.
    pub stack_size: usize,
    /// The collector and its knobs (`GcConfig::default()`: the generational collector).
    pub gc: GcConfig,
}

impl Default for StoreConfig {
    fn default() -> StoreConfig {
        StoreConfig { stack_size: DEFAULT_STACK_SIZE, gc: GcConfig::default() }
    }
}

impl StoreConfig {
    /// The configuration a program compiled by wasmc would run with: `WASMC_STACK_SIZE` and
    /// the `WASMC_GC*` variables of this process's environment (README "Environment").
    ///
    /// # Errors
    /// A malformed variable, as one line naming it.
    pub fn from_env() -> Result<StoreConfig, String> {
        let c = RuntimeConfig::from_env()?;
        Ok(StoreConfig { stack_size: c.stack_size, gc: c.gc })
    }
}

/// The WASI preview1 context of a store: what its programs see as arguments, environment
/// and files. Standard input, output and error are the process's.
#[derive(Clone, Debug, Default)]
pub struct WasiConfig {
    /// Arguments; the first is the program's name.
    pub args: Vec<Vec<u8>>,
    /// Environment, as `NAME=VALUE` strings.
    pub env: Vec<Vec<u8>>,
    /// Directories the program may open: `(host path, guest path)`, descriptors 3, 4, ...
    pub preopens: Vec<(String, String)>,
    /// Fixed clocks and random bytes (`WASMC_DETERMINISTIC=1`).
    pub deterministic: bool,
}

impl Store {
    /// An empty store set up by `config`.
    ///
    /// # Errors
    /// The GC heap's address space cannot be reserved.
    pub fn new_with(config: &StoreConfig) -> Result<Store, wasmc_gc::HeapError> {
        Store::new(config.stack_size, config.gc.clone())
    }

    /// Gives the store a WASI context (replacing the store's data, where WASI functions find
    /// it: a store has one WASI context, which all its instances share).
    ///
    /// # Errors
    /// A preopened directory cannot be opened.
    pub fn set_wasi(&mut self, config: &WasiConfig) -> Result<(), String> {
        let mut ctx = WasiCtx::new(config.args.clone(), config.env.clone(), &config.preopens)
            .map_err(|e| e.to_string())?;
        if config.deterministic {
            ctx.set_deterministic();
        }
        self.inner().set_data(ctx);
        Ok(())
    }

    /// Instantiates `module` with `imports` and runs its start function; returns the new
    /// instance's index ([`Store::instance`]).
    ///
    /// # Errors
    /// A missing or mistyped import ([`InstantiateError::Link`], naming it), a trap of the
    /// start function or of a segment ([`InstantiateError::Trap`]), no memory for the
    /// instance's memories or tables ([`InstantiateError::Resource`]).
    pub fn instantiate_with(
        &mut self,
        module: &Module,
        imports: &Imports,
    ) -> Result<usize, InstantiateError> {
        let mut resolve = |import: &Import| imports.resolve(&module.0, import);
        self.instantiate(&module.0, &mut resolve)
    }

    /// Initialises instance `instance` if it is a WASI reactor: when it exports
    /// `_initialize` (and no `_start`), calls it; returns whether it did. The WASI
    /// application ABI says a reactor's `_initialize` runs once, before any other export is
    /// called, so call this once, right after instantiating (`wasmc run --invoke` and
    /// `WASMC_INVOKE` do).
    ///
    /// # Errors
    /// A trap of `_initialize` (or its `proc_exit`); a host trap when the instance exports
    /// both `_start` and `_initialize` (neither a command nor a reactor) or an
    /// `_initialize` that is not `[] -> []`, naming which.
    pub fn initialize_reactor(&mut self, instance: usize) -> Result<bool, Trap> {
        match reactor_initializer(self.instance(instance)).map_err(Trap::host)? {
            Some(init) => self.call(&init, &[]).map(|_| true),
            None => Ok(false),
        }
    }

    /// Calls `func` with `args` (rooted references are read just before the call) and
    /// returns its results, references among them rooted ([`Store::call`]).
    ///
    /// # Errors
    /// The trap; a function or argument of another store, a wrong argument count, or an
    /// argument that is not a value of its parameter's type (numbers by kind, references
    /// by their runtime type: [`StoreInner::ref_matches`]), as host traps.
    pub fn call_rooted(&mut self, func: &Func, args: &[RootedVal]) -> Result<Vec<RootedVal>, Trap> {
        let raw = args
            .iter()
            .map(|a| self.inner().raw(a))
            .collect::<Result<Vec<Val>, RootError>>()
            .map_err(|e| Trap::host(e.to_string()))?;
        if func.belongs_to_store(self.inner()) {
            self.inner().check_args(func, &raw).map_err(Trap::host)?;
        }
        self.call(func, &raw)
    }

    /// Runs a full collection now (objects the host holds move; their handles follow).
    pub fn collect_garbage(&mut self) {
        self.inner().collect_garbage();
    }

    /// A memory of the host, owned by this store (freed with it) and importable by its
    /// instances ([`Imports::define`]).
    ///
    /// # Errors
    /// As [`Memory::new`]. A shared memory made here is this store's; [`Memory::shared`]
    /// gives the handle through which other stores import it.
    pub fn memory_new(&mut self, ty: &MemoryType) -> Result<Extern, MemoryError> {
        let mut memory = Memory::new(ty)?;
        let ext = Extern::Memory { store: self.inner().store_id(), memory: &mut *memory };
        self.inner().host.memories.push(memory);
        Ok(ext)
    }

    /// A table of the host with `ty.min` null elements, owned by this store. Its elements
    /// are `funcref`s (`(ref null func)`): a host table holds no GC references, which only
    /// an instance's tables (roots of its store) may.
    ///
    /// # Errors
    /// Another element type, or more elements than a table can have, in one line.
    pub fn table_new(&mut self, ty: &TableType) -> Result<Extern, String> {
        if ty.element != RefType::FUNCREF {
            return Err(format!(
                "a host table's elements are (ref null func), not {}",
                ValType::Ref(ty.element)
            ));
        }
        let mut table = Table::new(ty, 0)
            .ok_or_else(|| format!("cannot make a table of {} elements", ty.min))?;
        let ext = Extern::Table { store: self.inner().store_id(), table: &mut *table };
        self.inner().host.tables.push(table);
        Ok(ext)
    }

    /// A global of the host holding `value`, owned by this store: a number, a `v128`, or a
    /// `funcref` of this store's instances (or null). A host global holds no GC references,
    /// which only an instance's globals (roots of its store) may.
    ///
    /// # Errors
    /// Another type, a value of another kind, or a `funcref` of another store, in one line.
    pub fn global_new(&mut self, ty: GlobalType, value: Val) -> Result<Extern, String> {
        let inner = self.inner();
        let ok = match (ty.ty, value) {
            (ValType::I32, Val::I32(_))
            | (ValType::I64, Val::I64(_))
            | (ValType::F32, Val::F32(_))
            | (ValType::F64, Val::F64(_))
            | (ValType::V128, Val::V128(_)) => true,
            (ValType::Ref(r), Val::Ref(bits)) if r.heap == HeapType::Func => {
                inner.ref_matches(bits, r)
            }
            (ValType::Ref(_), _) => {
                return Err(format!(
                    "a host global holds a number, a v128 or a (ref null func), not {}",
                    ty.ty
                ));
            }
            _ => false,
        };
        if !ok {
            return Err(format!("the initial value is not a value of the global's type {}", ty.ty));
        }
        let mut g =
            Box::new(HostGlobal { cell: crate::abi::VMGlobal::from_u128(value.to_u128()), ty });
        let ext = Extern::Global(Global { store: inner.store_id(), cell: &mut g.cell, ty });
        inner.host.globals.push(g);
        Ok(ext)
    }
}

impl From<Val> for RootedVal {
    fn from(v: Val) -> RootedVal {
        RootedVal::Plain(v)
    }
}

/// The `_initialize` of a WASI reactor, if `instance` is one (see
/// [`Store::initialize_reactor`]).
///
/// # Errors
/// The instance exports both `_start` and `_initialize`, or an `_initialize` that is not
/// `[] -> []`: the message says which.
pub fn reactor_initializer(instance: &mut Instance) -> Result<Option<Func>, String> {
    let Some(init) = instance.get_func("_initialize") else { return Ok(None) };
    if instance.get_func("_start").is_some() {
        return Err("the module exports both `_start` and `_initialize`: the WASI application \
                    ABI makes a module a command (`_start`) or a reactor (`_initialize`), not \
                    both"
            .into());
    }
    if !init.ty().params.is_empty() || !init.ty().results.is_empty() {
        let names = |ts: &[ValType]| {
            let n: Vec<String> = ts.iter().map(|t| format!("{t:?}").to_lowercase()).collect();
            format!("[{}]", n.join(", "))
        };
        return Err(format!(
            "the exported `_initialize` has type {} -> {}; a WASI reactor's `_initialize` \
             takes no parameters and returns no results",
            names(&init.ty().params),
            names(&init.ty().results)
        ));
    }
    Ok(Some(init))
}

impl Instance {
    /// The exported function `name`.
    pub fn get_func(&mut self, name: &str) -> Option<Func> {
        match self.export(name)? {
            Extern::Func(f) => Some(f),
            _ => None,
        }
    }

    /// The exported memory `name`: read and write it through [`Memory::data_mut`].
    pub fn get_memory(&mut self, name: &str) -> Option<&mut Memory> {
        match self.export(name)? {
            // SAFETY: memories live as long as the store, which `self` borrows.
            Extern::Memory { memory, .. } => Some(unsafe { &mut *memory }),
            _ => None,
        }
    }

    /// The exported global `name`.
    pub fn get_global(&mut self, name: &str) -> Option<Global> {
        match self.export(name)? {
            Extern::Global(g) => Some(g),
            _ => None,
        }
    }
}

/// What a module's imports are, by `(module, name)`: filled by the host, read at
/// instantiation ([`Store::instantiate_with`]).
#[derive(Default, Clone)]
pub struct Imports {
    defs: HashMap<(String, String), Extern>,
    wasi: bool,
}

impl Imports {
    /// No imports.
    pub fn new() -> Imports {
        Imports::default()
    }

    /// Defines `module.name` as `ext`: a function, memory, table, global or tag of the
    /// instantiating store (an instance's export, or what the host made with
    /// [`Store::memory_new`], [`Store::table_new`], [`Store::global_new`]), or a
    /// [`Extern::HostFunc`]. An extern of another store, alive or dropped, is refused at
    /// instantiation ([`InstantiateError::Link`]) without reading it (issue 33).
    pub fn define(&mut self, module: &str, name: &str, ext: Extern) -> &mut Imports {
        self.defs.insert((module.into(), name.into()), ext);
        self
    }

    /// Defines `module.name` as a host function of type `params -> results` (numbers,
    /// `externref`, `funcref`...; concrete reference types need [`Imports::define`] with
    /// the importing module's [`FuncType`]). `f` reads its arguments from the value slots
    /// and writes its results there from slot 0 ([`crate::instance::HostFn`]); an error is
    /// a trap of the calling Wasm code.
    pub fn func(
        &mut self,
        module: &str,
        name: &str,
        params: &[ValType],
        results: &[ValType],
        f: impl Fn(&mut Caller<'_>, &mut [u64]) -> Result<(), TrapKind> + Send + Sync + 'static,
    ) -> &mut Imports {
        let ty = FuncType { params: params.to_vec(), results: results.to_vec() };
        self.define(module, name, Extern::HostFunc(Arc::new(HostFunc { ty, func: Box::new(f) })))
    }

    /// Defines every export of `instance` (of `store`) under the module name `module`, as
    /// the spec's `register` does.
    pub fn instance(&mut self, store: &mut Store, instance: usize, module: &str) -> &mut Imports {
        let inst = store.instance(instance);
        let names: Vec<String> = inst.module.meta.exports.iter().map(|e| e.name.clone()).collect();
        for name in names {
            if let Some(ext) = inst.export(&name) {
                self.define(module, &name, ext);
            }
        }
        self
    }

    /// Resolves imports from `wasi_snapshot_preview1` (and `wasi_unstable`) to WASI
    /// preview1, served from the store's WASI context ([`Store::set_wasi`]). Definitions
    /// made with [`Imports::define`] take precedence.
    pub fn wasi(&mut self) -> &mut Imports {
        self.wasi = true;
        self
    }

    fn resolve(&self, module: &LoadedModule, import: &Import) -> Option<Extern> {
        let key = (import.module.clone(), import.name.clone());
        if let Some(ext) = self.defs.get(&key) {
            return Some(ext.clone());
        }
        match (self.wasi, import.module.as_str(), &import.kind) {
            (true, "wasi_snapshot_preview1" | "wasi_unstable", ImportKind::Func(ty)) => {
                let ft = module.meta.types[*ty as usize].as_func()?;
                Some(Extern::HostFunc(crate::wasi::wasi_import(&import.name, ft)))
            }
            _ => None,
        }
    }
}
