//! The spec `.wast` runner: every module of a script is compiled by the compiler crate to a
//! position-independent shared object, `dlopen`ed into this process and instantiated by the
//! runtime — the same machine code `wasmc` puts in executables, not an interpreter.
//!
//! [`run_script`] runs one script in this process and returns per-directive counts. Traps
//! are ordinary errors of a call; a crash of compiled code would end the process, so the
//! `wasmc-wast` binary runs each script in a child process.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use wasmc_gc::GcConfig;
use wasmc_runtime::abi::{DESCRIPTOR_SYMBOL, ModuleDescriptor};
use wasmc_runtime::gc::RefClass;
use wasmc_runtime::instance::{Extern, InstantiateError, StoreInner, Val};
use wasmc_runtime::memory::SharedMemory;
use wasmc_runtime::meta::ExportKind;
use wasmc_runtime::registry::{self, LoadedModule};
use wasmc_runtime::store::Store;
use wasmc_runtime::traps::{Trap, TrapKind};
use wast::core::{NanPattern, V128Pattern, WastArgCore, WastRetCore};
use wast::parser::{self, ParseBuffer};
use wast::{QuoteWat, Wast, WastArg, WastDirective, WastExecute, WastInvoke, WastRet, Wat};

use crate::skips::SkipList;
use crate::spectest::Spectest;
use crate::wast_assert as assert;

/// Outcome counts of one script.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Report {
    /// Directives that behaved as the script says.
    pub passed: usize,
    /// Directives that did not.
    pub failed: usize,
    /// Directives skipped by the skip list (or because their module was skipped).
    pub skipped: usize,
    /// One line per failure: `file:line: what happened`.
    pub failures: Vec<String>,
}

/// Bytes of stack Wasm code gets in the runner (the thread has more for host code).
pub const WASM_STACK: usize = 4 << 20;

/// A module compiled and loaded into this process.
/// A compiled module loaded into this process: its code stays mapped while this lives.
pub struct Loaded {
    /// The module, registered with the runtime (for traps and stack walking).
    pub module: Arc<LoadedModule>,
    _lib: libloading::Library,
}

impl Drop for Loaded {
    fn drop(&mut self) {
        registry::unregister(&self.module);
    }
}

/// Links the relocatable `object` (from `wasmc::compile`) into `dir/<stem>.so`, loads it,
/// and registers its module with the runtime, as every module of a spec script is loaded
/// (also used by the differential fuzzing oracle).
///
/// # Errors
/// Writing, linking (with the system `cc`) or loading failed, as text.
pub fn load_shared(object: &[u8], dir: &Path, stem: &str) -> Result<Loaded, String> {
    let obj = dir.join(format!("{stem}.o"));
    let so = dir.join(format!("{stem}.so"));
    std::fs::write(&obj, object).map_err(|e| e.to_string())?;
    link_shared(&obj, &so)?;
    // SAFETY: the shared object was just produced by the compiler; it has no initialisers
    // and no undefined symbols.
    let lib = unsafe { libloading::Library::new(&so) }.map_err(|e| e.to_string())?;
    // SAFETY: the symbol is the module descriptor (a data object).
    let desc: *const ModuleDescriptor = unsafe {
        *lib.get::<*const ModuleDescriptor>(DESCRIPTOR_SYMBOL.as_bytes())
            .map_err(|e| e.to_string())?
    };
    // SAFETY: `desc` is that object's descriptor; the library stays loaded as long as the
    // returned `Loaded`, which unregisters the module before it unloads the library.
    let module = unsafe { LoadedModule::from_descriptor(desc) }.map_err(|e| e.to_string())?;
    let module = Arc::new(module);
    registry::register(&module);
    Ok(Loaded { module, _lib: lib })
}

/// The shared memories an instance exports, by export name: what a `thread` block that
/// shares the instance (`(thread $T (shared (module $M)) ...)`, threads proposal
/// `test/core/threads/`) sees of it. Only shared memories cross threads: each thread runs in
/// a store of its own, and nothing else of a store may be used by another.
type SharedExports = Arc<Vec<(String, SharedMemory)>>;

/// Key prefix of the Wasmtime scripts (`filetests/threads-testsuite/wasmtime/`), whose
/// runner makes a named module's instance importable under its name without a `register`
/// (`(module $Mem ...)` then `(import "Mem" ...)`); the spec's runner does not.
const WASMTIME_SCRIPTS: &str = "threads-testsuite/wasmtime/";

/// State of one script run (or of one `thread` block of it).
struct Runner<'s> {
    file: String,
    text: &'s str,
    skips: &'s SkipList,
    work: tempfile::TempDir,
    store: Store,
    spectest: Spectest,
    loaded: Vec<Loaded>,
    definitions: HashMap<String, Arc<LoadedModule>>,
    /// The latest `(module definition ...)`, which `(module instance)` without a module name
    /// instantiates.
    last_definition: Option<Arc<LoadedModule>>,
    instances: HashMap<String, usize>,
    registered: HashMap<String, usize>,
    current: Option<usize>,
    /// Why the current module is missing, when it was skipped.
    current_skipped: Option<String>,
    report: Report,
    /// Instances of the enclosing thread shared with this `thread` block, by name.
    foreign: HashMap<String, SharedExports>,
    /// Names under which instances of `foreign` are registered in this thread.
    registered_foreign: HashMap<String, SharedExports>,
    /// Whether named instances are importable under their names ([`WASMTIME_SCRIPTS`]).
    implicit_register: bool,
}

/// What went wrong when making a module.
enum ModuleError {
    /// Decoding, validation or compilation failed.
    Compile(String),
    /// Linking the shared object or loading it failed (a harness problem).
    Load(String),
    /// Instantiation failed.
    Instantiate(InstantiateError),
}

impl std::fmt::Display for ModuleError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ModuleError::Compile(e) => write!(f, "compile error: {e}"),
            ModuleError::Load(e) => write!(f, "load error: {e}"),
            ModuleError::Instantiate(e) => write!(f, "instantiation error: {e}"),
        }
    }
}

/// The collector's configuration: the runtime's `WASMC_GC_*` variables apply to the runner
/// too (`WASMC_GC_STRESS=1 wasmc-wast gc` runs the GC scripts collecting at every
/// allocation).
fn gc_config() -> Result<GcConfig, String> {
    Ok(wasmc_runtime::config::RuntimeConfig::from_env()?.gc)
}

/// Runs one script. `name` is how the skip list and reports name the file (its path
/// relative to the test suite's `core/`).
///
/// # Errors
/// The script cannot be read or parsed (that is one failure of the whole file).
pub fn run_script(path: &Path, name: &str, skips: &SkipList) -> Result<Report, String> {
    let text = if name.starts_with("../legacy/") {
        // Legacy exception handling: through WABT's wast2json (see `crate::legacy`).
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let json = crate::legacy::wast2json(path, dir.path())?;
        crate::legacy::script_from_json(&json).map_err(|e| format!("{name}: {e}"))?
    } else {
        std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?
    };
    run_text(&text, name, skips)
}

/// Runs the script `text` (see [`run_script`]).
///
/// # Errors
/// The script cannot be parsed.
pub fn run_text(text: &str, name: &str, skips: &SkipList) -> Result<Report, String> {
    let text = text.to_string();
    // names.wast deliberately uses bidirectional-override characters in names.
    let mut lexer = wast::lexer::Lexer::new(&text);
    lexer.allow_confusing_unicode(true);
    let buf = ParseBuffer::new_with_lexer(lexer).map_err(|e| format!("{name}: {e}"))?;
    let wast: Wast<'_> = parser::parse(&buf).map_err(|e| format!("{name}: {e}"))?;
    let mut runner = Runner::new(&text, name, skips)?;
    runner.run_all(wast.directives);
    Ok(runner.report)
}

/// Runs the directives of a `thread` block in a store of its own (on the calling thread),
/// with `shared` (an instance of the enclosing thread, by name) importable.
fn run_thread(
    text: &str,
    name: &str,
    skips: &SkipList,
    shared: Option<(String, SharedExports)>,
    directives: Vec<WastDirective<'_>>,
) -> Result<Report, String> {
    let mut runner = Runner::new(text, name, skips)?;
    runner.foreign.extend(shared);
    runner.run_all(directives);
    Ok(runner.report)
}

impl<'s> Runner<'s> {
    fn new(text: &'s str, name: &str, skips: &'s SkipList) -> Result<Runner<'s>, String> {
        let mut store = Store::new(WASM_STACK, gc_config()?).map_err(|e| e.to_string())?;
        let spectest = Spectest::new(&mut store)?;
        Ok(Runner {
            file: name.to_string(),
            text,
            skips,
            work: tempfile::tempdir().map_err(|e| e.to_string())?,
            store,
            spectest,
            loaded: Vec::new(),
            definitions: HashMap::new(),
            last_definition: None,
            instances: HashMap::new(),
            registered: HashMap::new(),
            current: None,
            current_skipped: None,
            report: Report::default(),
            foreign: HashMap::new(),
            registered_foreign: HashMap::new(),
            implicit_register: name.starts_with(WASMTIME_SCRIPTS),
        })
    }

    /// Runs `directives` in order. A `thread` block runs on an OS thread of its own, in a
    /// store of its own, while the directives after it continue; `wait` joins it and adds
    /// its counts. Threads not waited for are joined at the end.
    fn run_all(&mut self, directives: Vec<WastDirective<'_>>) {
        let (text, skips, file) = (self.text, self.skips, self.file.clone());
        std::thread::scope(|scope| {
            let mut threads = HashMap::new();
            let mut skipped = std::collections::HashSet::new();
            for d in directives {
                match d {
                    WastDirective::Thread(t) => {
                        let line = self.line(t.span);
                        let name = t.name.name().to_string();
                        if self.skips.reason(&self.file, line).is_some() {
                            self.report.skipped += 1;
                            skipped.insert(name);
                            continue;
                        }
                        let shared = match t.shared_module {
                            None => None,
                            Some(m) => match self.shared_exports(m.name()) {
                                Some(e) => Some((m.name().to_string(), e)),
                                None => {
                                    self.fail(line, format!("thread: no instance `{}`", m.name()));
                                    continue;
                                }
                            },
                        };
                        let file = file.clone();
                        let directives = t.directives;
                        let spawned = std::thread::Builder::new()
                            .name(format!("wast thread {name}"))
                            .stack_size(WASM_STACK + (16 << 20))
                            .spawn_scoped(scope, move || {
                                run_thread(text, &file, skips, shared, directives)
                            });
                        match spawned {
                            Ok(h) => {
                                threads.insert(name, (line, h));
                                self.pass();
                            }
                            Err(e) => self.fail(line, format!("cannot start a thread: {e}")),
                        }
                    }
                    WastDirective::Wait { span, thread } => {
                        let line = self.line(span);
                        if skipped.contains(thread.name()) {
                            self.report.skipped += 1;
                        } else if let Some((_, h)) = threads.remove(thread.name()) {
                            self.join(line, h);
                        } else {
                            self.fail(line, format!("wait: no thread `{}`", thread.name()));
                        }
                    }
                    d => self.directive(d),
                }
            }
            let mut rest: Vec<_> = threads.into_values().collect();
            rest.sort_by_key(|(line, _)| *line);
            for (line, h) in rest {
                self.join(line, h);
            }
        });
    }

    /// Joins a thread block's OS thread and adds its counts to this runner's.
    fn join(&mut self, line: usize, h: std::thread::ScopedJoinHandle<'_, Result<Report, String>>) {
        match h.join() {
            Ok(Ok(r)) => {
                self.pass();
                self.report.passed += r.passed;
                self.report.failed += r.failed;
                self.report.skipped += r.skipped;
                self.report.failures.extend(r.failures);
            }
            Ok(Err(e)) => self.fail(line, e),
            Err(_) => self.fail(line, "the thread panicked"),
        }
    }

    /// The shared memories exported by the instance named `name` (of this thread or shared
    /// with it), for a `thread` block that shares it.
    fn shared_exports(&mut self, name: &str) -> Option<SharedExports> {
        if let Some(e) = self.foreign.get(name) {
            return Some(e.clone());
        }
        let i = *self.instances.get(name)?;
        let inst = self.store.instance(i);
        let names: Vec<String> = inst
            .module
            .meta
            .exports
            .iter()
            .filter(|e| matches!(e.kind, ExportKind::Memory(_)))
            .map(|e| e.name.clone())
            .collect();
        let mut out = Vec::new();
        for n in names {
            if let Some(Extern::Memory { memory, .. }) = inst.export(&n) {
                // SAFETY: the memory belongs to this runner's store, which is alive.
                if let Some(s) = unsafe { (*memory).shared() } {
                    out.push((n, s));
                }
            }
        }
        Some(Arc::new(out))
    }

    fn line(&self, span: wast::token::Span) -> usize {
        span.linecol_in(self.text).0 + 1
    }

    fn pass(&mut self) {
        self.report.passed += 1;
    }

    fn fail(&mut self, line: usize, what: impl std::fmt::Display) {
        self.report.failed += 1;
        self.report.failures.push(format!("{}:{line}: {what}", self.file));
    }

    /// Counts a module assertion: `result` is `Ok` when the module failed as expected
    /// (`expected`, with the script's `message`), else what happened instead.
    fn expect(&mut self, line: usize, result: Result<(), String>, expected: &str, message: &str) {
        match result {
            Ok(()) => self.pass(),
            Err(e) => self.fail(line, format!("expected {expected} (`{message}`), {e}")),
        }
    }

    fn directive(&mut self, d: WastDirective<'_>) {
        let line = self.line(d.span());
        if let Some(reason) = self.skips.reason(&self.file, line) {
            self.report.skipped += 1;
            // A skipped module makes the directives that use it meaningless.
            if matches!(d, WastDirective::Module(_)) {
                self.current = None;
                self.current_skipped = Some(format!("module at line {line} skipped: {reason}"));
            }
            return;
        }
        if !matches!(d, WastDirective::Module(_) | WastDirective::ModuleDefinition(_))
            && self.uses_skipped_module(&d)
        {
            self.report.skipped += 1;
            return;
        }
        match d {
            WastDirective::Module(mut m) => {
                let name = quote_name(&m);
                match self.module(&mut m) {
                    Ok(i) => {
                        self.current = Some(i);
                        self.current_skipped = None;
                        if let Some(n) = name {
                            self.instances.insert(n, i);
                        }
                        self.pass();
                    }
                    Err(e) => {
                        self.current = None;
                        self.current_skipped = None;
                        self.fail(line, e);
                    }
                }
            }
            WastDirective::ModuleDefinition(mut m) => {
                let name = quote_name(&m);
                match m
                    .encode()
                    .map_err(|e| e.to_string())
                    .and_then(|b| self.load(&b).map_err(|e| e.to_string()))
                {
                    Ok(module) => {
                        if let Some(n) = name {
                            self.definitions.insert(n, module.clone());
                        }
                        self.last_definition = Some(module);
                        self.pass();
                    }
                    Err(e) => self.fail(line, e),
                }
            }
            WastDirective::ModuleInstance { instance, module, .. } => {
                let def = match module {
                    Some(m) => self.definitions.get(m.name()).cloned(),
                    None => self.last_definition.clone(),
                };
                match def {
                    Some(def) => match self.instantiate(&def) {
                        Ok(i) => {
                            self.current = Some(i);
                            self.current_skipped = None;
                            if let Some(n) = instance {
                                self.instances.insert(n.name().to_string(), i);
                            }
                            self.pass();
                        }
                        Err(e) => self.fail(line, e),
                    },
                    None => self.fail(line, "unknown module definition"),
                }
            }
            WastDirective::Register { name, module, .. } => {
                let foreign = module.and_then(|m| self.foreign.get(m.name())).cloned();
                if let Some(e) = foreign {
                    self.registered_foreign.insert(name.to_string(), e);
                    self.pass();
                    return;
                }
                match self.instance_index(module.map(|m| m.name())) {
                    Some(i) => {
                        self.registered.insert(name.to_string(), i);
                        self.pass();
                    }
                    None => self.fail(line, "register: no such instance"),
                }
            }
            WastDirective::Invoke(invoke) => match self.invoke(&invoke) {
                Ok(_) => self.pass(),
                Err(e) => self.fail(line, e),
            },
            WastDirective::AssertReturn { exec, results, .. } => match self.execute(exec) {
                Ok(values) => match self.match_results(&values, &results) {
                    Ok(()) => self.pass(),
                    Err(e) => self.fail(line, e),
                },
                Err(e) => self.fail(line, e),
            },
            WastDirective::AssertTrap { exec, message, .. } => {
                let uninstantiable = matches!(exec, WastExecute::Wat(_));
                match self.execute(exec) {
                    Ok(v) => self.fail(line, format!("expected trap `{message}`, got {v:?}")),
                    Err(ExecError::Trap { message: m, exception: false })
                        if message_matches(&m, message) =>
                    {
                        self.pass()
                    }
                    Err(e) => {
                        let what = if uninstantiable { "instantiation trap" } else { "trap" };
                        self.fail(line, format!("expected {what} `{message}`, got: {e}"))
                    }
                }
            }
            WastDirective::AssertExhaustion { call, message, .. } => match self.invoke(&call) {
                Ok(v) => self.fail(line, format!("expected exhaustion, got {v:?}")),
                Err(ExecError::Trap { message: m, exception: false })
                    if message_matches(&m, message) =>
                {
                    self.pass()
                }
                Err(e) => self.fail(line, format!("expected exhaustion `{message}`, got: {e}")),
            },
            WastDirective::AssertInvalid { mut module, message, .. } => {
                let r = assert::invalid(&mut module);
                self.expect(line, r, "an invalid module", message);
            }
            WastDirective::AssertMalformed { mut module, message, .. } => {
                let r = assert::malformed(&mut module);
                self.expect(line, r, "a malformed module", message);
            }
            WastDirective::AssertMalformedCustom { mut module, message, .. } => {
                let r = assert::malformed_custom(&mut module);
                self.expect(line, r, "a malformed custom section", message);
            }
            WastDirective::AssertInvalidCustom { mut module, message, .. } => {
                let r = assert::invalid_custom(&mut module);
                self.expect(line, r, "an invalid custom section", message);
            }
            WastDirective::AssertUnlinkable { module, message, .. } => {
                let mut q = QuoteWat::Wat(module);
                match self.module(&mut q) {
                    Ok(_) => {
                        self.fail(line, format!("expected unlinkable (`{message}`), it linked"))
                    }
                    Err(ModuleError::Instantiate(InstantiateError::Link(m)))
                        if message_matches(&m, message) =>
                    {
                        self.pass()
                    }
                    Err(e) => {
                        self.fail(line, format!("expected a link error `{message}`, got: {e}"))
                    }
                }
            }
            WastDirective::AssertException { exec, .. } => match self.execute(exec) {
                Ok(v) => self.fail(line, format!("expected an exception, got {v:?}")),
                Err(ExecError::Trap { exception: true, .. }) => self.pass(),
                Err(e) => self.fail(line, format!("expected an uncaught exception, got: {e}")),
            },
            WastDirective::AssertSuspension { .. } => {
                self.fail(line, "unsupported directive (stack switching)")
            }
            // `run_all` handles these.
            WastDirective::Thread(_) | WastDirective::Wait { .. } => {
                self.fail(line, "thread directive outside `run_all`")
            }
        }
    }

    /// Whether `d` runs against the current module while that module was skipped.
    fn uses_skipped_module(&self, d: &WastDirective<'_>) -> bool {
        if self.current_skipped.is_none() {
            return false;
        }
        let exec_default = |e: &WastExecute<'_>| match e {
            WastExecute::Invoke(i) => i.module.is_none(),
            WastExecute::Get { module, .. } => module.is_none(),
            WastExecute::Wat(_) => false,
        };
        match d {
            WastDirective::Invoke(i) => i.module.is_none(),
            WastDirective::AssertReturn { exec, .. }
            | WastDirective::AssertTrap { exec, .. }
            | WastDirective::AssertException { exec, .. } => exec_default(exec),
            WastDirective::AssertExhaustion { call, .. } => call.module.is_none(),
            WastDirective::Register { module, .. } => module.is_none(),
            _ => false,
        }
    }

    fn instance_index(&self, name: Option<&str>) -> Option<usize> {
        match name {
            None => self.current,
            Some(n) => self.instances.get(n).copied(),
        }
    }

    /// Compiles `wasm` to a shared object and loads it.
    fn load(&mut self, wasm: &[u8]) -> Result<Arc<LoadedModule>, ModuleError> {
        let config = wasmc::Config { verify_spills: true, ..Default::default() };
        let compiled =
            wasmc::compile(wasm, &config).map_err(|e| ModuleError::Compile(e.to_string()))?;
        let n = self.loaded.len();
        let loaded = load_shared(&compiled.object, self.work.path(), &format!("m{n}"))
            .map_err(ModuleError::Load)?;
        let module = loaded.module.clone();
        self.loaded.push(loaded);
        Ok(module)
    }

    fn instantiate(&mut self, module: &Arc<LoadedModule>) -> Result<usize, ModuleError> {
        let registered = self.registered.clone();
        let foreign = self.registered_foreign.clone();
        let (instances, implicit) = (self.instances.clone(), self.implicit_register);
        let implicit_foreign = self.foreign.clone();
        let store: *mut Store = &mut self.store;
        let spectest: *mut Spectest = &mut self.spectest;
        let mut resolve = |import: &wasmc_runtime::meta::Import| -> Option<Extern> {
            if import.module == "spectest" {
                // SAFETY: the spectest externs live as long as the runner.
                return unsafe { (*spectest).get(&import.name) };
            }
            let shared = foreign
                .get(&import.module)
                .or_else(|| implicit.then(|| implicit_foreign.get(&import.module)).flatten());
            if let Some(e) = shared {
                let (_, m) = e.iter().find(|(n, _)| *n == import.name)?;
                return Some(Extern::SharedMemory(m.clone()));
            }
            let i = match registered.get(&import.module) {
                Some(i) => *i,
                None if implicit => *instances.get(&import.module)?,
                None => return None,
            };
            // SAFETY: `instantiate` below does not touch existing instances while
            // resolving imports.
            unsafe { (*store).instance(i).export(&import.name) }
        };
        // SAFETY: see above; `resolve` only reads other instances.
        unsafe { (*store).instantiate(module, &mut resolve) }.map_err(ModuleError::Instantiate)
    }

    fn module(&mut self, m: &mut QuoteWat<'_>) -> Result<usize, ModuleError> {
        let bytes = m.encode().map_err(|e| ModuleError::Compile(e.to_string()))?;
        let module = self.load(&bytes)?;
        self.instantiate(&module)
    }

    fn arg(&mut self, a: &WastArg<'_>) -> Result<Val, String> {
        let WastArg::Core(a) = a else { return Err("component-model argument".into()) };
        Ok(match a {
            WastArgCore::I32(v) => Val::I32(*v),
            WastArgCore::I64(v) => Val::I64(*v),
            WastArgCore::F32(v) => Val::F32(v.bits),
            WastArgCore::F64(v) => Val::F64(v.bits),
            WastArgCore::V128(v) => Val::V128(u128::from_le_bytes(v.to_le_bytes())),
            WastArgCore::RefNull(_) => Val::Ref(0),
            WastArgCore::RefExtern(n) | WastArgCore::RefHost(n) => {
                Val::Ref(self.store.inner().host_ref(u64::from(*n)))
            }
        })
    }

    fn invoke(&mut self, invoke: &WastInvoke<'_>) -> Result<Vec<Val>, ExecError> {
        let other = |s: &str| ExecError::Other(s.to_string());
        let i = self
            .instance_index(invoke.module.map(|m| m.name()))
            .ok_or_else(|| other("no such instance"))?;
        let args = invoke
            .args
            .iter()
            .map(|a| self.arg(a))
            .collect::<Result<Vec<_>, _>>()
            .map_err(ExecError::Other)?;
        let Some(Extern::Func(f)) = self.store.instance(i).export(invoke.name) else {
            return Err(ExecError::Other(format!("no exported function `{}`", invoke.name)));
        };
        let results = self.store.call(&f, &args).map_err(|t| ExecError::from_trap(&t))?;
        // The results are checked at once (nothing collects before), so their raw bits do.
        let inner = self.store.inner();
        results.iter().map(|r| inner.raw(r).map_err(|e| ExecError::Other(e.to_string()))).collect()
    }

    fn execute(&mut self, exec: WastExecute<'_>) -> Result<Vec<Val>, ExecError> {
        match exec {
            WastExecute::Invoke(i) => self.invoke(&i),
            WastExecute::Get { module, global, .. } => {
                let i = self
                    .instance_index(module.map(|m| m.name()))
                    .ok_or_else(|| ExecError::Other("no such instance".into()))?;
                match self.store.instance(i).export(global) {
                    Some(Extern::Global(g)) => {
                        Ok(vec![g.get(self.store.inner()).expect("an export of the store")])
                    }
                    _ => Err(ExecError::Other(format!("no exported global `{global}`"))),
                }
            }
            WastExecute::Wat(w) => {
                let mut q = QuoteWat::Wat(w);
                match self.module(&mut q) {
                    Ok(_) => Ok(vec![]),
                    Err(ModuleError::Instantiate(InstantiateError::Trap(t))) => {
                        Err(ExecError::from_trap(&t))
                    }
                    Err(e) => Err(ExecError::Other(e.to_string())),
                }
            }
        }
    }

    fn match_results(&mut self, got: &[Val], want: &[WastRet<'_>]) -> Result<(), String> {
        if got.len() != want.len() {
            return Err(format!("expected {} results, got {got:?}", want.len()));
        }
        for (g, w) in got.iter().zip(want) {
            let WastRet::Core(w) = w else { return Err("component-model result".into()) };
            if !match_one(self.store.inner(), *g, w) {
                return Err(format!("expected {w:?}, got {g:?}"));
            }
        }
        Ok(())
    }
}

/// Whether the `f32` bits `b` match a pattern (spec: `nan:canonical` is the positive or
/// negative canonical NaN, `nan:arithmetic` any NaN with the top payload bit set).
fn f32_matches(p: &NanPattern<wast::token::F32>, b: u32) -> bool {
    match p {
        NanPattern::CanonicalNan => b & 0x7fff_ffff == 0x7fc0_0000,
        NanPattern::ArithmeticNan => b & 0x7fc0_0000 == 0x7fc0_0000,
        NanPattern::Value(v) => v.bits == b,
    }
}

/// As [`f32_matches`], for `f64`.
fn f64_matches(p: &NanPattern<wast::token::F64>, b: u64) -> bool {
    match p {
        NanPattern::CanonicalNan => b & 0x7fff_ffff_ffff_ffff == 0x7ff8_0000_0000_0000,
        NanPattern::ArithmeticNan => b & 0x7ff8_0000_0000_0000 == 0x7ff8_0000_0000_0000,
        NanPattern::Value(v) => v.bits == b,
    }
}

/// Whether the `v128` `v` matches a lane pattern (integer lanes exactly, float lanes as
/// [`f32_matches`]/[`f64_matches`]).
fn v128_matches(p: &V128Pattern, v: u128) -> bool {
    let bytes = v.to_le_bytes();
    let lanes = |n: usize| {
        bytes.chunks(16 / n).map(|c| c.iter().rev().fold(0u64, |a, b| a << 8 | u64::from(*b)))
    };
    match p {
        V128Pattern::I8x16(l) => lanes(16).zip(l).all(|(g, w)| g == u64::from(*w as u8)),
        V128Pattern::I16x8(l) => lanes(8).zip(l).all(|(g, w)| g == u64::from(*w as u16)),
        V128Pattern::I32x4(l) => lanes(4).zip(l).all(|(g, w)| g == u64::from(*w as u32)),
        V128Pattern::I64x2(l) => lanes(2).zip(l).all(|(g, w)| g == *w as u64),
        V128Pattern::F32x4(l) => lanes(4).zip(l).all(|(g, w)| f32_matches(w, g as u32)),
        V128Pattern::F64x2(l) => lanes(2).zip(l).all(|(g, w)| f64_matches(w, g)),
    }
}

fn match_one(store: &StoreInner, g: Val, w: &WastRetCore<'_>) -> bool {
    let class = |r: usize| store.classify(r);
    match (w, g) {
        (WastRetCore::I32(a), Val::I32(b)) => *a == b,
        (WastRetCore::I64(a), Val::I64(b)) => *a == b,
        (WastRetCore::F32(p), Val::F32(b)) => f32_matches(p, b),
        (WastRetCore::F64(p), Val::F64(b)) => f64_matches(p, b),
        (WastRetCore::V128(p), Val::V128(v)) => v128_matches(p, v),
        (WastRetCore::RefNull(_), Val::Ref(r)) => r == 0,
        (WastRetCore::RefExtern(None), Val::Ref(r)) => r != 0,
        (WastRetCore::RefExtern(Some(n)) | WastRetCore::RefHost(n), Val::Ref(r)) => {
            class(r) == RefClass::Host(u64::from(*n))
        }
        (WastRetCore::RefFunc(_), Val::Ref(r)) => r != 0,
        // GC result forms, told apart by the runtime (i31 tag, heap object RTT kind).
        (WastRetCore::RefI31 | WastRetCore::RefI31Shared, Val::Ref(r)) => class(r) == RefClass::I31,
        (WastRetCore::RefAny, Val::Ref(r)) => r != 0,
        (WastRetCore::RefEq, Val::Ref(r)) => {
            matches!(class(r), RefClass::I31 | RefClass::Struct | RefClass::Array)
        }
        (WastRetCore::RefStruct, Val::Ref(r)) => class(r) == RefClass::Struct,
        (WastRetCore::RefArray, Val::Ref(r)) => class(r) == RefClass::Array,
        (WastRetCore::Either(options), g) => options.iter().any(|o| match_one(store, g, o)),
        _ => false,
    }
}

/// Whether the message `actual` (of a trap, an exhaustion or a link error) is the one a
/// script expects: as in the spec's reference interpreter (`assert_message` in
/// `interpreter/script/run.ml`), the expected text must be a prefix of the actual message,
/// which may add details (`uninitialized element 2`).
pub fn message_matches(actual: &str, expected: &str) -> bool {
    actual.starts_with(expected)
}

/// How a call or an instantiation failed.
#[derive(Debug)]
enum ExecError {
    /// A trap, or (`exception`) an uncaught Wasm exception, with the runtime's message.
    Trap { message: String, exception: bool },
    /// Anything else (a missing export, an unsupported argument, a compile error).
    Other(String),
}

impl ExecError {
    fn from_trap(t: &Trap) -> ExecError {
        let exception = matches!(t.kind, TrapKind::Exception(_));
        ExecError::Trap { message: t.message(), exception }
    }
}

impl std::fmt::Display for ExecError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExecError::Trap { message, .. } => write!(f, "trap `{message}`"),
            ExecError::Other(e) => f.write_str(e),
        }
    }
}

fn quote_name(m: &QuoteWat<'_>) -> Option<String> {
    match m {
        QuoteWat::Wat(Wat::Module(m)) => m.id.map(|i| i.name().to_string()),
        _ => None,
    }
}

/// Links an object into a shared object with the system C compiler driver.
fn link_shared(obj: &Path, so: &PathBuf) -> Result<(), String> {
    let cc = std::env::var_os("CC").unwrap_or_else(|| "cc".into());
    let out = std::process::Command::new(cc)
        .args(["-shared", "-nostdlib", "-Wl,-z,noexecstack", "-o"])
        .arg(so)
        .arg(obj)
        .output()
        .map_err(|e| format!("cannot run cc: {e}"))?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    Ok(())
}
