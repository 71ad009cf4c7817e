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

/// State of one script run.
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
    let mut store = Store::new(WASM_STACK, gc_config()?).map_err(|e| e.to_string())?;
    let spectest = Spectest::new(&mut store)?;
    let mut runner = Runner {
        file: name.to_string(),
        text: &text,
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
    };
    for directive in wast.directives {
        runner.directive(directive);
    }
    Ok(runner.report)
}

impl Runner<'_> {
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
            WastDirective::AssertSuspension { .. }
            | WastDirective::Thread(_)
            | WastDirective::Wait { .. } => {
                self.fail(line, "unsupported directive (stack switching / threads)")
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
        let store: *mut Store = &mut self.store;
        let spectest: *mut Spectest = &mut self.spectest;
        let mut resolve = |import: &wasmc_runtime::meta::Import| -> Option<Extern> {
            if import.module == "spectest" {
                // SAFETY: the spectest externs live as long as the runner.
                return unsafe { (*spectest).get(&import.name) };
            }
            let i = *registered.get(&import.module)?;
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
