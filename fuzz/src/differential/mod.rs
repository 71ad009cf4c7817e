//! The `differential` oracle: a wasm-smith module (core, reference types, typed function
//! references, GC, tail calls, exceptions, SIMD with canonical NaNs, threads; no relaxed
//! SIMD; no imports but the two memories of [`threads::AVAILABLE_IMPORTS`], one shared;
//! loops bounded by wasm-smith's `ensure_termination` fuel) is compiled by wasmc
//! in-process (linked into a shared object and loaded, as the spec runner does) and run
//! with a collection at every allocation and from-space poisoning; the `wasmtime` crate
//! runs it with its copying collector. Every exported function is called in export order
//! with arguments drawn from the input (numbers, `v128`s; for references null or, where
//! the type admits it, an `i31ref`); the oracle compares results, traps by class
//! ([`traps`]), then the exported globals, tables and memories (shared ones too) and the
//! imported memories after each call. Values are compared in depth ([`values`]): numbers
//! exactly (NaNs as NaNs), `i31`s by value, structs and arrays by their fields and
//! elements, down to a bounded depth and size.
//!
//! A wasmc memory fault (under poisoning, the symptom of a stale reference) agrees with
//! nothing. Stack or heap exhaustion on either side ends the comparison without a verdict
//! (the engines' limits differ: both heaps are capped at [`HEAP_LIMIT`] bytes, both tables
//! at wasmc's `MAX_TABLE_ELEMENTS`), as does an
//! instantiation that fails on both sides with an unclassified or inconclusive error: such
//! runs are [`Verdict::Inconclusive`], and the corpus replay fails when too few runs are
//! conclusive.
//!
//! Threads (see [`threads`]): one thread runs the module; the harness gives both engines
//! equivalent memories for the imports `env.shared` (shared) and `env.plain`, and bounds
//! the timeout of every `memory.atomic.wait32/64` ([`threads::bound_waits`]) so that a
//! wait nobody can notify ends on both engines.
//!
//! An input that is a module (binary, or text starting with `(module`) is run as it is
//! ([`given_module`]), its waits bounded too.
//!
//! Every non-null reference a call returns is kept (by Wasmtime as its `Rooted` value, by
//! wasmc as the owned root `Store::call` hands back) in a [`Pool`], and later calls take
//! their reference arguments from it where the type matches: objects made by one call, held
//! by the host across collections, are read and written by the next ones, on both engines.

pub mod threads;
pub mod traps;
pub mod values;

use arbitrary::Unstructured;
use wasmc_gc::{CollectorKind, GcConfig};
use wasmc_runtime::instance::{Extern, RootedVal, Val};
use wasmc_runtime::memory::Memory;
use wasmc_runtime::meta::{MemoryType, ValType};
use wasmc_runtime::store::Store;

use traps::{TrapClass, agree, both_unclassified, wasmc_class, wasmtime_class};
use values::Token;

/// What a call did on one engine.
#[derive(Clone, Debug, PartialEq)]
enum Outcome {
    /// Its results, described.
    Returned(Vec<Vec<Token>>),
    Trapped(TrapClass),
}

/// What one run of the oracle found, when the engines did not disagree.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The input made no module both engines take (too short, or a construct wasmc
    /// reports as unsupported, or one Wasmtime refuses).
    NoModule,
    /// The comparison stopped early without a verdict (stack or heap exhaustion, or both
    /// instantiations failed in ways that cannot be compared), after `calls` agreeing calls.
    Inconclusive {
        /// Calls compared before it stopped.
        calls: usize,
        /// Reference arguments of those calls that earlier calls had returned ([`Pool`]).
        kept_args: usize,
    },
    /// Every callable export was called on both engines and everything agreed.
    Agreed {
        /// Calls compared (0: no callable export, or an instantiation that trapped alike).
        calls: usize,
        /// Reference arguments of those calls that earlier calls had returned ([`Pool`]).
        kept_args: usize,
    },
}

/// Counts of verdicts over a corpus.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// Inputs run.
    pub inputs: usize,
    /// [`Verdict::NoModule`]s.
    pub no_module: usize,
    /// [`Verdict::Inconclusive`]s.
    pub inconclusive: usize,
    /// [`Verdict::Agreed`]s: the conclusive runs.
    pub agreed: usize,
    /// Disagreements (errors).
    pub disagreed: usize,
    /// Calls compared, over all runs.
    pub calls: usize,
    /// Reference arguments, over all runs, that earlier calls had returned ([`Pool`]).
    pub kept_args: usize,
}

impl Tally {
    /// Counts one run's result.
    pub fn add(&mut self, r: &Result<Verdict, String>) {
        self.inputs += 1;
        match r {
            Ok(Verdict::NoModule) => self.no_module += 1,
            Ok(Verdict::Inconclusive { calls, kept_args }) => {
                self.inconclusive += 1;
                self.calls += calls;
                self.kept_args += kept_args;
            }
            Ok(Verdict::Agreed { calls, kept_args }) => {
                self.agreed += 1;
                self.calls += calls;
                self.kept_args += kept_args;
            }
            Err(_) => self.disagreed += 1,
        }
    }

    /// The conclusive fraction of the inputs (0 for none).
    pub fn conclusive_fraction(&self) -> f64 {
        if self.inputs == 0 { 0.0 } else { self.agreed as f64 / self.inputs as f64 }
    }
}

impl std::fmt::Display for Tally {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} inputs: {} conclusive ({:.1}%), {} inconclusive, {} without a module, {} \
             disagreements; {} calls compared, {} of their arguments kept from earlier calls",
            self.inputs,
            self.agreed,
            100.0 * self.conclusive_fraction(),
            self.inconclusive,
            self.no_module,
            self.disagreed,
            self.calls,
            self.kept_args
        )
    }
}

/// Bytes each engine's GC heap (and each linear memory) may grow to.
pub const HEAP_LIMIT: usize = 64 << 20;

/// The module wasm-smith makes of `u` for this oracle, with its termination fuel.
///
/// # Errors
/// When `u` runs out.
pub fn module(u: &mut Unstructured<'_>) -> arbitrary::Result<Vec<u8>> {
    let mut config = crate::smith::config();
    config.max_imports = 0;
    // The only imports: the memories the harness provides (wasm-smith picks a subset of
    // them, in single import entries, the encoding both engines read).
    config.available_imports =
        Some(wat::parse_str(threads::AVAILABLE_IMPORTS).expect("the available imports parse"));
    config.compact_imports_enabled = false;
    config.export_everything = true;
    config.max_memory32_bytes = 1 << 20;
    config.memory_max_size_required = true;
    config.max_table_elements = 1000;
    config.max_funcs = 20;
    config.max_instructions = 200;
    // SIMD float lanes may hold any NaN (spec §4.3.3): canonical NaNs make `v128` results and
    // memory comparable bit for bit. Relaxed SIMD stays out: its results may legally differ
    // between engines (the spec suite's `either` results check it).
    config.canonicalize_nans = true;
    config.relaxed_simd_enabled = false;
    let mut m = wasm_smith::Module::new(config, u)?;
    m.ensure_termination(1000).map_err(|_| arbitrary::Error::IncorrectFormat)?;
    Ok(m.to_bytes())
}

fn wasmtime_engine() -> wasmtime::Engine {
    let mut c = wasmtime::Config::new();
    c.wasm_gc(true)
        .wasm_function_references(true)
        .wasm_tail_call(true)
        .wasm_exceptions(true)
        .wasm_reference_types(true)
        .wasm_multi_memory(true)
        .wasm_simd(true)
        .wasm_threads(true)
        .shared_memory(true)
        .collector(wasmtime::Collector::Copying);
    wasmtime::Engine::new(&c).expect("wasmtime configuration")
}

/// The compiler configuration of the oracle: spill verification on, as in the filetests.
pub fn wasmc_config() -> wasmc::Config {
    wasmc::Config { verify_spills: true, ..Default::default() }
}

/// Runs the oracle on the module generated from `data`.
///
/// # Errors
/// A disagreement (or a wasmc fault, or an internal error), described.
pub fn run(data: &[u8]) -> Result<Verdict, String> {
    run_with(data, &wasmc_config())
}

/// [`run`], compiling with `config` (the self-test plants a spiller bug through its debug
/// switches).
///
/// # Errors
/// As [`run`].
pub fn run_with(data: &[u8], config: &wasmc::Config) -> Result<Verdict, String> {
    if let Some(wasm) = given_module(data) {
        // A hand-written corpus module: arguments from an empty stream (zeros, nulls), run
        // under both collectors.
        let run = |kind| {
            run_module(&wasm, &mut Unstructured::new(&[]), config, kind)
                .map_err(|e| format!("{kind:?} collector: {e}"))
        };
        run(CollectorKind::Semispace)?;
        return run(CollectorKind::Generational);
    }
    let kind = collector_for(data);
    let mut u = Unstructured::new(data);
    let Ok(wasm) = module(&mut u) else { return Ok(Verdict::NoModule) };
    run_module(&wasm, &mut u, config, kind).map_err(|e| format!("{kind:?} collector: {e}"))
}

/// The collector wasmc runs a random input with: the generational one (the default) for
/// three inputs in four, the semispace one for the rest, chosen by a hash of the input so
/// a finding replays with the same one. Both are checked against the same oracle, so
/// where they would disagree, one of them disagrees with Wasmtime.
pub fn collector_for(data: &[u8]) -> CollectorKind {
    let h = data
        .iter()
        .fold(0xcbf2_9ce4_8422_2325u64, |h, &b| (h ^ b as u64).wrapping_mul(0x100_0000_01b3));
    if h % 4 == 3 { CollectorKind::Semispace } else { CollectorKind::Generational }
}

/// The module an input *is*, rather than one wasm-smith makes of it: a binary module, or a
/// text module starting with `(module` (the corpus's hand-written regression modules, in
/// `corpus/differential/*.wat`, that keep references live across allocations as random
/// modules rarely do). Text that does not parse is an ordinary input.
pub fn given_module(data: &[u8]) -> Option<Vec<u8>> {
    if data.starts_with(b"\0asm") {
        return Some(data.to_vec());
    }
    if data.starts_with(b"(module") {
        return wat::parse_bytes(data).ok().map(|w| w.into_owned());
    }
    None
}

/// Runs the oracle on `wasm`, compiled with `config`, drawing call arguments from `u`, with
/// wasmc's heap run by `collector` (at a collection per allocation, poisoned).
///
/// # Errors
/// As [`run`].
pub fn run_module(
    wasm: &[u8],
    u: &mut Unstructured<'_>,
    config: &wasmc::Config,
    collector: CollectorKind,
) -> Result<Verdict, String> {
    thread_local! {
        static ENGINE: wasmtime::Engine = wasmtime_engine();
    }
    let engine = ENGINE.with(|e| e.clone());
    let wasm = match threads::bound_waits(wasm) {
        Ok(w) => w,
        Err(_) if wasmtime::Module::validate(&engine, wasm).is_err() => {
            return Ok(Verdict::NoModule);
        }
        Err(e) => return Err(format!("cannot bound the waits of a valid module: {e}")),
    };
    let wasm = &*wasm;
    let Ok(tmodule) = wasmtime::Module::new(&engine, wasm) else { return Ok(Verdict::NoModule) };
    let compiled = match wasmc::compile(wasm, config) {
        Ok(c) => c,
        Err(wasmc::CompileError::Unsupported { .. }) => return Ok(Verdict::NoModule),
        Err(e) => return Err(format!("wasmc rejects a module wasmtime accepts: {e}")),
    };
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let loaded = wasmc_filetests::wast::load_shared(&compiled.object, dir.path(), "m")?;
    let gc = GcConfig {
        kind: collector,
        stress: Some(1),
        poison: true,
        initial: 1 << 20,
        max: HEAP_LIMIT,
        ..GcConfig::default()
    };
    let mut ours = Store::new(512 << 10, gc).map_err(|e| e.to_string())?;
    // Wasmtime's tables grow without bound unless told otherwise; wasmc's stop at
    // `MAX_TABLE_ELEMENTS` (a `table.grow` past it returns -1). The same limit on both
    // sides keeps such modules comparable (a fuzz finding: a module doubling a table at
    // every call drove Wasmtime to 24 GB).
    let limits = wasmtime::StoreLimitsBuilder::new()
        .memory_size(HEAP_LIMIT)
        .table_elements(wasmc_runtime::table::MAX_TABLE_ELEMENTS as usize)
        .build();
    let mut theirs = wasmtime::Store::new(&engine, limits);
    theirs.limiter(|l| l);
    let imports = Imports::new(&tmodule, &engine, &mut theirs, &mut ours)?;
    let t_inst = wasmtime::Instance::new(&mut theirs, &tmodule, &imports.theirs);
    let o_inst = ours.instantiate(&loaded.module, &mut |i| imports.ours(&i.module, &i.name));
    let (t_inst, o_inst) = match (t_inst, o_inst) {
        (Ok(t), Ok(o)) => (t, o),
        (t, o) => {
            use wasmc_runtime::instance::InstantiateError as E;
            let t_class = t.as_ref().err().map(wasmtime_class);
            let o_class = match &o {
                Err(E::Trap(trap)) => Some(wasmc_class(trap)),
                Err(_) => Some(TrapClass::Other),
                Ok(_) => None,
            };
            let inconclusive = |c: Option<TrapClass>| c.is_some_and(TrapClass::inconclusive);
            return match (t_class, o_class) {
                _ if o_class == Some(TrapClass::Fault) => Err(format!(
                    "instantiation: wasmc faults ({}), wasmtime {:?}",
                    o.err().map(|e| e.to_string()).unwrap_or_default(),
                    t.err().map(|e| e.to_string())
                )),
                _ if inconclusive(t_class) || inconclusive(o_class) => {
                    Ok(Verdict::Inconclusive { calls: 0, kept_args: 0 })
                }
                (Some(a), Some(b)) if agree(a, b) && a != TrapClass::Other => {
                    Ok(Verdict::Agreed { calls: 0, kept_args: 0 })
                }
                (Some(_), Some(_)) if t_class == Some(TrapClass::Other) => {
                    Ok(Verdict::Inconclusive { calls: 0, kept_args: 0 })
                }
                _ => Err(format!(
                    "instantiation: wasmtime {:?} ({t_class:?}), wasmc {:?} ({o_class:?})",
                    t.err().map(|e| e.to_string()),
                    o.err().map(|e| e.to_string())
                )),
            };
        }
    };
    let exports: Vec<(String, wasmtime::ExternType)> =
        tmodule.exports().map(|e| (e.name().to_string(), e.ty())).collect();
    compare_state(&exports, &imports, &t_inst, &mut theirs, &mut ours, o_inst)
        .map_err(|e| format!("after instantiation: {e}"))?;
    let (mut calls, mut kept_args) = (0, 0);
    let mut pool = Pool::default();
    for (name, ty) in &exports {
        let wasmtime::ExternType::Func(fty) = ty else { continue };
        let Some((t_args, o_args, kept)) = arguments(fty, u, &mut theirs, &mut ours, &pool) else {
            continue;
        };
        let t_func = t_inst.get_func(&mut theirs, name).ok_or("wasmtime lost an export")?;
        let mut t_results = vec![wasmtime::Val::I32(0); fty.results().len()];
        let t_out = match t_func.call(&mut theirs, &t_args, &mut t_results) {
            Ok(()) => Outcome::Returned(
                t_results
                    .iter()
                    .map(|v| values::wasmtime(&mut theirs, v))
                    .collect::<Result<_, _>>()?,
            ),
            Err(e) => Outcome::Trapped(wasmtime_class(&e)),
        };
        let Some(Extern::Func(o_func)) = ours.instance(o_inst).export(name) else {
            return Err(format!("wasmc lost the export `{name}`"));
        };
        let result_types = o_func.ty().results.clone();
        let mut o_results = Vec::new();
        let o_out = match ours.call(&o_func, &o_args) {
            Ok(vals) => {
                o_results = vals;
                let mut described = Vec::new();
                for (v, t) in o_results.iter().zip(&result_types) {
                    let raw = ours.inner().raw(v).map_err(|e| e.to_string())?;
                    described.push(values::wasmc(ours.inner(), raw.to_u128(), *t)?);
                }
                Outcome::Returned(described)
            }
            Err(t) => Outcome::Trapped(wasmc_class(&t)),
        };
        let inconclusive = |o: &Outcome| matches!(o, Outcome::Trapped(c) if c.inconclusive());
        if o_out == Outcome::Trapped(TrapClass::Fault) {
            return Err(format!("`{name}`: wasmc faults (wasmtime {t_out:?})"));
        }
        let unclassified = matches!((&t_out, &o_out),
            (Outcome::Trapped(a), Outcome::Trapped(b)) if both_unclassified(*a, *b));
        if inconclusive(&t_out) || inconclusive(&o_out) || unclassified {
            return Ok(Verdict::Inconclusive { calls, kept_args });
        }
        let agreed = match (&t_out, &o_out) {
            (Outcome::Trapped(a), Outcome::Trapped(b)) => agree(*a, *b),
            (a, b) => a == b,
        };
        if !agreed {
            return Err(format!("`{name}`: wasmtime {t_out:?}, wasmc {o_out:?}"));
        }
        calls += 1;
        kept_args += kept;
        pool.keep(&t_results, o_results);
        compare_state(&exports, &imports, &t_inst, &mut theirs, &mut ours, o_inst)
            .map_err(|e| format!("after `{name}`: {e}"))?;
    }
    drop(ours);
    drop(imports);
    drop(loaded);
    Ok(Verdict::Agreed { calls, kept_args })
}

/// The memories the harness gives a module's imports ([`threads::import_memory_type`]),
/// each made alike on both engines: a shared one as a Wasmtime `SharedMemory` and a wasmc
/// [`wasmc_runtime::memory::SharedMemory`] (what an importer of a shared memory gets), a
/// plain one as a memory of each store.
struct Imports {
    /// Wasmtime's imports, in the module's order, up to the first one the harness does not
    /// provide (then Wasmtime's instantiation fails, as wasmc's does).
    theirs: Vec<wasmtime::Extern>,
    /// The provided memories, by module and name.
    memories: Vec<ImportedMemory>,
}

/// One imported memory, on both engines.
struct ImportedMemory {
    module: String,
    name: String,
    theirs: TheirMemory,
    /// What wasmc's instantiation is given.
    ours: Extern,
    /// wasmc's view of the memory, which the harness reads: a memory of the store, or
    /// the harness's own view of a shared memory (in `_view`).
    view: *const Memory,
    _view: Option<Box<Memory>>,
}

/// A Wasmtime memory, plain or shared (the API reads them differently).
enum TheirMemory {
    Plain(wasmtime::Memory),
    Shared(wasmtime::SharedMemory),
}

impl TheirMemory {
    /// The bytes of the memory.
    fn data<'a>(&'a self, store: &'a wasmtime::Store<wasmtime::StoreLimits>) -> &'a [u8] {
        match self {
            TheirMemory::Plain(m) => m.data(store),
            TheirMemory::Shared(m) => {
                let cells = m.data();
                // SAFETY: `UnsafeCell<u8>` has the layout of `u8`, and no Wasm code runs
                // while the harness reads (one thread runs the module), so nothing writes
                // the bytes while the slice lives.
                unsafe { std::slice::from_raw_parts(cells.as_ptr().cast::<u8>(), cells.len()) }
            }
        }
    }
}

impl Imports {
    /// The imports of `module` the harness provides, made in both stores.
    ///
    /// # Errors
    /// A memory the harness cannot make.
    fn new(
        module: &wasmtime::Module,
        engine: &wasmtime::Engine,
        theirs: &mut wasmtime::Store<wasmtime::StoreLimits>,
        ours: &mut Store,
    ) -> Result<Imports, String> {
        let mut imports = Imports { theirs: Vec::new(), memories: Vec::new() };
        for import in module.imports() {
            let wasmtime::ExternType::Memory(_) = import.ty() else { break };
            let Some((min, max, shared)) =
                threads::import_memory_type(import.module(), import.name())
            else {
                break;
            };
            let ty = MemoryType { min: min.into(), max: Some(max.into()), memory64: false, shared };
            let err = |e: &dyn std::fmt::Display| format!("imported memory: {e}");
            let (t, o, view, owned) = if shared {
                let t = wasmtime::SharedMemory::new(engine, wasmtime::MemoryType::shared(min, max))
                    .map_err(|e| err(&e))?;
                let view = Memory::new(&ty).map_err(|e| err(&e))?;
                let handle = view.shared().ok_or("a shared memory without a handle")?;
                let ptr: *const Memory = &*view;
                (TheirMemory::Shared(t), Extern::SharedMemory(handle), ptr, Some(view))
            } else {
                let t =
                    wasmtime::Memory::new(&mut *theirs, wasmtime::MemoryType::new(min, Some(max)))
                        .map_err(|e| err(&e))?;
                let o = ours.memory_new(&ty).map_err(|e| err(&e))?;
                let Extern::Memory { memory, .. } = o else { return Err("a host memory".into()) };
                (TheirMemory::Plain(t), o, memory.cast_const(), None)
            };
            imports.theirs.push(match &t {
                TheirMemory::Plain(m) => (*m).into(),
                TheirMemory::Shared(m) => m.clone().into(),
            });
            imports.memories.push(ImportedMemory {
                module: import.module().to_string(),
                name: import.name().to_string(),
                theirs: t,
                ours: o,
                view,
                _view: owned,
            });
        }
        Ok(imports)
    }

    /// What wasmc's instantiation is given for the import `module.name`.
    fn ours(&self, module: &str, name: &str) -> Option<Extern> {
        let m = self.memories.iter().find(|m| m.module == module && m.name == name)?;
        Some(m.ours.clone())
    }
}

/// The non-null references earlier calls returned, each held by both engines: by Wasmtime
/// as a value of its store (rooted until the store is dropped), by wasmc as what
/// `Store::call` returned (an owned root for a GC object).
#[derive(Default)]
struct Pool {
    refs: Vec<(wasmtime::Val, RootedVal)>,
}

impl Pool {
    /// At most this many references are kept (the oldest are dropped first).
    const CAPACITY: usize = 64;

    /// Keeps the non-null references among one call's results.
    fn keep(&mut self, theirs: &[wasmtime::Val], ours: Vec<RootedVal>) {
        for (t, o) in theirs.iter().zip(ours) {
            let non_null = t.ref_().is_some_and(|r| !r.is_null());
            if non_null {
                if self.refs.len() == Self::CAPACITY {
                    self.refs.remove(0);
                }
                self.refs.push((t.clone(), o));
            }
        }
    }

    /// A kept reference of type `ty` (Wasmtime decides whether it matches), chosen by
    /// `choice`, with its current wasmc bits.
    fn pick(
        &self,
        ty: &wasmtime::RefType,
        choice: u64,
        theirs: &wasmtime::Store<wasmtime::StoreLimits>,
        ours: &mut Store,
    ) -> Option<(wasmtime::Val, Val)> {
        let ty = wasmtime::ValType::Ref(ty.clone());
        let fits: Vec<_> =
            self.refs.iter().filter(|(t, _)| t.matches_ty(theirs, &ty).unwrap_or(false)).collect();
        let (t, o) = fits.get(choice as usize % fits.len().max(1))?;
        Some((t.clone(), ours.inner().raw(o).ok()?))
    }
}

/// Arguments for a function of type `fty`, the same on both engines, drawn from `u`:
/// numbers by bits; references null, or a reference an earlier call returned ([`Pool`])
/// where one has the type, or, where the type admits `i31` (`anyref`, `eqref`, `i31ref`),
/// an `i31ref` of the same value; and how many came from the pool. `None` when a non-null
/// parameter has no such value.
fn arguments(
    fty: &wasmtime::FuncType,
    u: &mut Unstructured<'_>,
    theirs: &mut wasmtime::Store<wasmtime::StoreLimits>,
    ours: &mut Store,
    pool: &Pool,
) -> Option<(Vec<wasmtime::Val>, Vec<Val>, usize)> {
    use wasmtime::{HeapType as H, ValType as T};
    let mut t_args = Vec::new();
    let mut o_args = Vec::new();
    let mut kept_args = 0;
    for p in fty.params() {
        let bits: u64 = u.arbitrary().unwrap_or(0);
        let (t, o) = match p {
            T::I32 => (wasmtime::Val::I32(bits as i32), Val::I32(bits as i32)),
            T::I64 => (wasmtime::Val::I64(bits as i64), Val::I64(bits as i64)),
            T::F32 => (wasmtime::Val::F32(bits as u32), Val::F32(bits as u32)),
            T::F64 => (wasmtime::Val::F64(bits), Val::F64(bits)),
            T::V128 => {
                let wide = u128::from(bits) << 64 | u128::from(u.arbitrary::<u64>().unwrap_or(0));
                (wasmtime::Val::V128(wide.into()), Val::V128(wide))
            }
            T::Ref(r) => {
                let admits_i31 = matches!(r.heap_type(), H::Any | H::Eq | H::I31);
                // The top bit chooses null for nullable types, the next one i31 over a kept
                // reference; the low 31 bits the i31's value, the rest which kept reference.
                let kept = (bits >> 62 & 1 == 0 || !admits_i31)
                    .then(|| pool.pick(&r, bits >> 31, theirs, ours))
                    .flatten();
                let null = r.is_nullable() && (bits >> 63 == 1 || (!admits_i31 && kept.is_none()));
                if null {
                    (wasmtime::Val::null_ref(r.heap_type()), Val::Ref(0))
                } else if let Some(kept) = kept {
                    kept_args += 1;
                    kept
                } else if admits_i31 {
                    let v = bits as u32 & 0x7fff_ffff;
                    let i31 =
                        wasmtime::AnyRef::from_i31(&mut *theirs, wasmtime::I31::wrapping_u32(v));
                    (wasmtime::Val::AnyRef(Some(i31)), Val::Ref(values::wasmc_i31(v)))
                } else {
                    return None;
                }
            }
        };
        t_args.push(t);
        o_args.push(o);
    }
    Some((t_args, o_args, kept_args))
}

/// Compares the exported globals, tables and memories of the two instances, and the
/// memories the harness gave their imports.
fn compare_state(
    exports: &[(String, wasmtime::ExternType)],
    imports: &Imports,
    t_inst: &wasmtime::Instance,
    theirs: &mut wasmtime::Store<wasmtime::StoreLimits>,
    ours: &mut Store,
    o_inst: usize,
) -> Result<(), String> {
    for (name, ty) in exports {
        match ty {
            wasmtime::ExternType::Global(_) => {
                let t = t_inst.get_global(&mut *theirs, name).ok_or("global")?.get(&mut *theirs);
                let Some(Extern::Global(g)) = ours.instance(o_inst).export(name) else {
                    return Err(format!("wasmc lost the global `{name}`"));
                };
                let (v, gt) = (g.get(ours.inner()).expect("an export of the store"), g.ty.ty);
                let ts = values::wasmtime(theirs, &t)?;
                let os = values::wasmc(ours.inner(), v.to_u128(), gt)?;
                if ts != os {
                    return Err(format!("global `{name}`: wasmtime {ts:?}, wasmc {os:?}"));
                }
            }
            wasmtime::ExternType::Table(_) => {
                let t = t_inst.get_table(&mut *theirs, name).ok_or("table")?;
                let Some(Extern::Table { table: o, .. }) = ours.instance(o_inst).export(name)
                else {
                    return Err(format!("wasmc lost the table `{name}`"));
                };
                // SAFETY: exported tables live as long as their store; nothing runs while
                // this reads them. Only the compared prefix is copied (a table may hold
                // millions of elements).
                let (len, elements, element_ty) = unsafe {
                    let all = (*o).elements();
                    (all.len(), all[..all.len().min(TABLE_ELEMENTS)].to_vec(), (*o).ty.element)
                };
                let size = t.size(&*theirs);
                if size != len as u64 {
                    return Err(format!("table `{name}`: sizes {size} / {len}"));
                }
                for (i, e) in elements.iter().enumerate() {
                    let tv: wasmtime::Val =
                        t.get(&mut *theirs, i as u64).ok_or("table element")?.into();
                    let ts = values::wasmtime(theirs, &tv)?;
                    let os = values::wasmc(ours.inner(), *e as u128, ValType::Ref(element_ty))?;
                    if ts != os {
                        return Err(format!("table `{name}`[{i}]: wasmtime {ts:?}, wasmc {os:?}"));
                    }
                }
            }
            wasmtime::ExternType::Memory(ty) => {
                let t = if ty.is_shared() {
                    t_inst.get_shared_memory(&mut *theirs, name).map(TheirMemory::Shared)
                } else {
                    t_inst.get_memory(&mut *theirs, name).map(TheirMemory::Plain)
                };
                let t = t.ok_or("memory")?;
                let Some(Extern::Memory { memory: m, .. }) = ours.instance(o_inst).export(name)
                else {
                    return Err(format!("wasmc lost the memory `{name}`"));
                };
                // SAFETY: exported memories live as long as their store.
                let o = unsafe { (*m).data() };
                compare_memory(&format!("memory `{name}`"), t.data(theirs), o)?;
            }
            _ => {}
        }
    }
    for m in &imports.memories {
        // SAFETY: the view lives as long as `imports` (a memory of the store, or the
        // harness's own view of a shared memory).
        let o = unsafe { (*m.view).data() };
        let what = format!("imported memory `{}.{}`", m.module, m.name);
        compare_memory(&what, m.theirs.data(theirs), o)?;
    }
    Ok(())
}

/// Compares the bytes of one memory on both engines.
fn compare_memory(what: &str, theirs: &[u8], ours: &[u8]) -> Result<(), String> {
    if theirs != ours {
        let first = theirs.iter().zip(ours).position(|(a, b)| a != b);
        return Err(format!(
            "{what}: sizes {} / {}, first difference at {first:?}",
            theirs.len(),
            ours.len()
        ));
    }
    Ok(())
}

/// Elements of each exported table compared after each call (the first ones).
const TABLE_ELEMENTS: usize = 64;

#[cfg(test)]
mod tests {
    use super::*;
    use values::Token::{Int, Struct};

    /// The descriptions of export `name`'s result on both engines (no arguments).
    fn describe_both(wat: &str, name: &str) -> (Vec<Token>, Vec<Token>) {
        let wasm = wat::parse_str(wat).unwrap();
        let engine = wasmtime_engine();
        let tmodule = wasmtime::Module::new(&engine, &wasm).unwrap();
        let mut theirs = wasmtime::Store::new(&engine, wasmtime::StoreLimitsBuilder::new().build());
        let t_inst = wasmtime::Instance::new(&mut theirs, &tmodule, &[]).unwrap();
        let mut out = [wasmtime::Val::I32(0)];
        t_inst.get_func(&mut theirs, name).unwrap().call(&mut theirs, &[], &mut out).unwrap();
        let t = values::wasmtime(&mut theirs, &out[0]).unwrap();
        let compiled = wasmc::compile(&wasm, &wasmc_config()).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let loaded = wasmc_filetests::wast::load_shared(&compiled.object, dir.path(), "m").unwrap();
        let gc = GcConfig { stress: Some(1), poison: true, ..GcConfig::default() };
        let mut ours = Store::new(512 << 10, gc).unwrap();
        let inst = ours.instantiate(&loaded.module, &mut |_| None).unwrap();
        let Some(Extern::Func(f)) = ours.instance(inst).export(name) else { panic!("export") };
        let ty = f.ty().results[0];
        let v = ours.call(&f, &[]).unwrap();
        let raw = ours.inner().raw(&v[0]).unwrap();
        let o = values::wasmc(ours.inner(), raw.to_u128(), ty).unwrap();
        (t, o)
    }

    /// Objects are compared by their field values, down to `MAX_DEPTH`, on both engines.
    #[test]
    fn objects_are_described_by_their_fields() {
        let wat = r#"(module
          (type $cell (struct (field i32) (field (ref null $cell))))
          (func (export "list") (result (ref null $cell))
            (local $l (ref null $cell)) (local $i i32)
            (loop $next
              (local.set $l (struct.new $cell (local.get $i) (local.get $l)))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br_if $next (i32.lt_u (local.get $i) (i32.const 6))))
            (local.get $l)))"#;
        let (t, o) = describe_both(wat, "list");
        let expected = vec![
            Struct(2),
            Int(5),
            Struct(2),
            Int(4),
            Struct(2),
            Int(3),
            Struct(2),
            Int(2),
            Struct(2),
        ];
        assert_eq!(t, expected, "wasmtime");
        assert_eq!(o, expected, "wasmc");
    }

    /// Arrays are compared by length and elements (packed ones zero-extended).
    #[test]
    fn arrays_are_described_by_their_elements() {
        let wat = r#"(module
          (type $a (array (mut i8)))
          (func (export "bytes") (result (ref $a))
            (local $x (ref null $a))
            (local.set $x (array.new $a (i32.const -1) (i32.const 3)))
            (array.set $a (local.get $x) (i32.const 1) (i32.const 7))
            (ref.as_non_null (local.get $x))))"#;
        let (t, o) = describe_both(wat, "bytes");
        let expected = vec![values::Token::Array(3), Int(0xff), Int(7), Int(0xff)];
        assert_eq!(t, expected, "wasmtime");
        assert_eq!(o, expected, "wasmc");
    }
}
