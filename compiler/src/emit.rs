//! Code generation and object emission: CLIF -> machine code -> ELF object.
//!
//! Besides the translated Wasm functions the object holds, per function type, a host-to-Wasm
//! trampoline and a Wasm-to-host adapter (see `wasmc_abi::vm`), the postcard-encoded
//! [`ModuleMeta`] and the [`ModuleDescriptor`](wasmc_abi::vm::ModuleDescriptor) that ties
//! them together. Executables also get a `main` that calls the runtime's `wasmc_main`.

use cranelift_codegen::Context;
use cranelift_codegen::ir::{
    AbiParam, Function, InstBuilder, MemFlagsData, Signature, StackSlotData, StackSlotKind,
    UserFuncName,
    types::{I32, I64},
};
use cranelift_codegen::isa::{CallConv, OwnedTargetIsa, TargetFrontendConfig};
use cranelift_codegen::settings::{self, Configurable};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use cranelift_module::{DataDescription, FuncId, Linkage, Module};
use cranelift_object::{ObjectBuilder, ObjectModule};
use rayon::prelude::*;
use target_lexicon::Triple;

use crate::abi::{Builtin, POINTER, WASM_SIG_PREFIX, clif_type, wasm_signature};
use crate::debug::WasmLines;
use crate::error::CompileError;
use crate::may_gc::{FuncFacts, MayGc};
use crate::module::{ModuleInfo, parse};
use crate::safepoints::{SpillStats, Spiller};
use crate::translate::{ModuleEnv, TranslatedFunc, translate_function, trap};
use cranelift_codegen::FinalizedMachExceptionHandler;
use wasmc_abi::meta::{FuncCode, FuncType, LandingPad, StackMap, TrapSite};
use wasmc_abi::vm::{self as rt, TrapCode, VALUE_SLOT_SIZE, host_func};

/// Cranelift optimisation level.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub enum OptLevel {
    /// `-O0`: no optimisation (fast compiles).
    None,
    /// `-O2`: Cranelift's `speed` (the default).
    #[default]
    Speed,
}

/// What to compile for and what to produce.
#[derive(Clone, Debug, Default)]
pub struct Config {
    /// Optimisation level.
    pub opt_level: OptLevel,
    /// Target triple; `None` is the host.
    pub target: Option<String>,
    /// Emit a `main` function (for linking an executable).
    pub executable: bool,
    /// Worker threads that translate, spill and compile functions (`wasmc -j`); `None` is
    /// rayon's default (`RAYON_NUM_THREADS`, else one per core). The object's bytes do not
    /// depend on it.
    pub threads: Option<usize>,
    /// The module's name in symbols (`wasm[NAME]::...`) when its name section gives none;
    /// `wasmc` passes the input file's stem. See [`Symbols`].
    pub module_name: Option<String>,
    /// Switch the may-GC analysis off: every call is a safepoint (`--no-gc-analysis`).
    pub no_gc_analysis: bool,
    /// Debug only: skip the spiller's alias resolution, to demonstrate the bug it prevents
    /// (Wasmtime #13228). Produces wrong code for functions whose references have aliases.
    pub no_alias_resolution: bool,
    /// Debug only: the spiller leaves the first entry out of every safepoint's stack map
    /// ([`crate::safepoints::Spiller::drop_stack_map_entry`]), a planted bug for the fuzz
    /// oracles' self-tests. Produces wrong code for any reference live across a safepoint.
    pub drop_stack_map_entry: bool,
    /// Debug only: emit no write barriers (`--debug-drop-write-barriers`), a planted bug
    /// that the generational collector's verifier must catch (issue 12).
    pub drop_write_barriers: bool,
    /// Check every function after the spiller with [`crate::safepoints::verify`] (an
    /// independent oracle; on in the filetests and the spec runner).
    pub verify_spills: bool,
    /// Force the lean (`Some(true)`) or the keep-everything (`Some(false)`) compilation
    /// pipeline; `None` chooses by the module's size ([`LEAN_CODE_BYTES`]).
    pub lean: Option<bool>,
    /// Translate the module's DWARF line tables (`wasmc -g`): source lines in trap
    /// backtraces and DWARF in the object for debuggers and profilers ([`crate::debug`]).
    pub debug_info: bool,
    /// The name the module's descriptor symbol is made from
    /// ([`wasmc_abi::vm::descriptor_symbol`]: `wasmc_module_NAME`); `None` gives
    /// [`wasmc_abi::vm::DESCRIPTOR_SYMBOL`]. `wasmc` passes `--module-name`, else the input
    /// file's stem.
    pub descriptor_name: Option<String>,
    /// `--trap-unknown-imports`: recorded in the module's metadata, so that an executable
    /// links every function import nothing provides as one that traps when called
    /// ([`wasmc_abi::meta::ModuleMeta::trap_unknown_imports`]).
    pub trap_unknown_imports: bool,
}

/// The result of compiling a module.
pub struct Compiled {
    /// The ELF relocatable object.
    pub object: Vec<u8>,
    /// What the safepoint spiller did, summed over the module's functions.
    pub stats: SpillStats,
    /// Per defined function: its display name and machine-code facts (trap sites, stack
    /// maps, landing pads), as recorded in the object's metadata.
    pub code: Vec<(String, FuncCode)>,
    /// Things worth telling the user that did not stop the compilation (e.g. `-g` with
    /// malformed DWARF), one line each.
    pub warnings: Vec<String>,
}

/// How compiled code is named in the object's symbol table, so that `nm`, `perf report` and
/// `gdb bt` show Wasm names (issue 13): `wasm[MODULE]::NAME`.
///
/// - MODULE is the module's name (name section), else [`Config::module_name`] (`wasmc`
///   passes the input file's stem), else `module`.
/// - NAME is a function's name from the name section, else `func[N]` (N its function
///   index); two functions with one name get `#N` appended to the second (`#N#2`, `#N#3`,
///   ... if that too is taken), and so does a function named like a trampoline or adapter:
///   those are `array_to_wasm[T]` and `wasm_to_host[T]` (T a type index),
///   `wasm_gc_adapter`, `wasm_throw_adapter` and `wasm_thread_adapter`.
/// - Characters that would break a symbol's use in tools are replaced by `_`: whitespace,
///   control characters, bidirectional formatting characters, NUL, and the quote
///   characters `'` and `"` (gdb quotes symbols with them). Names are cut to
///   [`MAX_SYMBOL_NAME`] characters.
///
/// All of them have local binding: two modules' objects never clash over them.
struct Symbols {
    prefix: String,
    module: String,
}

/// Most characters kept of a module or function name in a symbol.
pub const MAX_SYMBOL_NAME: usize = 200;

impl Symbols {
    fn new(info: &ModuleInfo<'_>, config: &Config) -> Symbols {
        let module = info
            .meta
            .name
            .as_deref()
            .or(config.module_name.as_deref())
            .filter(|n| !n.is_empty())
            .unwrap_or("module");
        Symbols {
            prefix: format!("wasm[{}]::", sanitize_symbol(module)),
            module: module.to_string(),
        }
    }

    /// The module's name as symbols use it (before sanitising).
    fn module_name(&self) -> &str {
        &self.module
    }

    /// The symbol of the function (or trampoline) named `name`.
    fn func(&self, name: &str) -> String {
        format!("{}{}", self.prefix, sanitize_symbol(name))
    }

    /// The symbols of the trampolines and adapters of a module with `types` types, which a
    /// function of the same name must not take (issue 33: a module naming a function
    /// `wasm_gc_adapter` or `array_to_wasm[0]` did not compile).
    fn reserved(&self, types: usize) -> std::collections::HashSet<String> {
        let mut taken: std::collections::HashSet<String> =
            [GC_ADAPTER_SYMBOL, THROW_ADAPTER_SYMBOL, THREAD_ADAPTER_SYMBOL]
                .iter()
                .map(|s| self.func(s))
                .collect();
        for i in 0..types {
            taken.insert(self.func(&format!("array_to_wasm[{i}]")));
            taken.insert(self.func(&format!("wasm_to_host[{i}]")));
        }
        taken
    }
}

/// `name` with the characters [`Symbols`] lists replaced by `_`, at most
/// [`MAX_SYMBOL_NAME`] characters.
fn sanitize_symbol(name: &str) -> String {
    name.chars()
        .take(MAX_SYMBOL_NAME)
        .map(|c| {
            let bidi = matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}');
            if c.is_whitespace() || c.is_control() || bidi || c == '\'' || c == '"' {
                '_'
            } else {
                c
            }
        })
        .collect()
}

/// Symbol of a module's GC adapter: `(vmctx, rtt, size) -> object` with the Wasm calling
/// convention; records the exit frame and calls the `gc_alloc` builtin.
const GC_ADAPTER_SYMBOL: &str = "wasm_gc_adapter";

/// Translates every defined function of `info`, runs the may-GC analysis and the safepoint
/// spiller; returns the functions ready for code generation (or, with `stage` =
/// [`Stage::Translate`], as the translator left them) and the spiller's statistics. For
/// `--emit clif`; [`compile`] goes through [`compile_functions`], which keeps less.
fn translate_module(
    env: &ModuleEnv<'_, '_>,
    config: &Config,
    stage: Stage,
) -> Result<(Vec<Function>, SpillStats), CompileError> {
    let translated = translate_all(env)?;
    if stage == Stage::Translate {
        return Ok((translated.into_iter().map(|t| t.func).collect(), SpillStats::default()));
    }
    let facts: Vec<FuncFacts> = translated.iter().map(FuncFacts::of).collect();
    let analysis = MayGc::analyse(env.info, &facts, !config.no_gc_analysis);
    let spilled = first_error(
        translated
            .into_par_iter()
            .enumerate()
            .map(|(def, mut t)| {
                let stats = spill_function(env, config, &analysis, def as u32, &mut t)?;
                Ok((t.func, stats))
            })
            .collect(),
    )?;
    let mut stats = SpillStats::default();
    let mut funcs = Vec::with_capacity(spilled.len());
    for (func, s) in spilled {
        stats += s;
        funcs.push(func);
    }
    Ok((funcs, stats))
}

/// Every defined function, translated on the worker threads, in order.
fn translate_all(env: &ModuleEnv<'_, '_>) -> Result<Vec<TranslatedFunc>, CompileError> {
    let defs = 0..env.info.bodies.len() as u32;
    first_error(
        defs.into_par_iter()
            .map_init(FunctionBuilderContext::new, |fctx, def| translate_function(env, def, fctx))
            .collect(),
    )
}

/// Runs the safepoint spiller on defined function `def` (and, with
/// [`Config::verify_spills`], its oracle).
fn spill_function(
    env: &ModuleEnv<'_, '_>,
    config: &Config,
    analysis: &MayGc,
    def: u32,
    t: &mut TranslatedFunc,
) -> Result<SpillStats, CompileError> {
    let spiller = Spiller {
        resolve_aliases: !config.no_alias_resolution,
        drop_stack_map_entry: config.drop_stack_map_entry,
    };
    // A tail call (`is_return`) ends this frame: nothing of it is live across the call, so
    // it is no safepoint here (it still counts for the callers in the may-GC analysis).
    let safepoints: Vec<_> = t
        .call_sites
        .iter()
        .filter(|(inst, site)| {
            let tail = t.func.dfg.insts[*inst].opcode().is_return();
            !tail && analysis.is_safepoint(*site)
        })
        .map(|(inst, _)| *inst)
        .collect();
    let stats = spiller.run(&mut t.func, &t.gc_refs, &safepoints);
    if config.verify_spills {
        crate::safepoints::verify(&t.func, &t.gc_refs, &safepoints).map_err(|e| {
            CompileError::Codegen {
                func: env.info.meta.func_display_name(env.info.num_imported_funcs() + def),
                message: format!("spill verification failed: {e}"),
            }
        })?;
    }
    Ok(stats)
}

/// Modules whose code section holds more than this many bytes are compiled lean: the
/// first pass keeps only each function's [`FuncFacts`] for the may-GC analysis and drops
/// its CLIF, and the second translates the function again, then spills and compiles it.
/// The CLIF of a function takes about 70 times its Wasm size, so keeping all of it makes
/// a 6 MB module peak at 635 MB (issue 13); translating twice costs about a tenth more
/// compile time, which small modules need not pay. The output is the same either way
/// (tested).
pub const LEAN_CODE_BYTES: usize = 2 << 20;

/// Translates, spills and compiles every defined function on the worker threads, handing
/// each one's machine code to `define` in function order; returns the spiller's
/// statistics. Each function's CLIF is dropped as soon as its machine code exists; see
/// [`LEAN_CODE_BYTES`] for when it is not kept between the passes at all.
fn compile_functions(
    env: &ModuleEnv<'_, '_>,
    config: &Config,
    isa: &dyn cranelift_codegen::isa::TargetIsa,
    ids: &[FuncId],
    lines: Option<&WasmLines>,
    mut define: impl FnMut(u32, MachineCode) -> Result<(), CompileError>,
) -> Result<SpillStats, CompileError> {
    let info = env.info;
    let code_bytes: u64 = info.bodies.iter().map(|b| b.range().end - b.range().start).sum();
    let lean = config.lean.unwrap_or(code_bytes > LEAN_CODE_BYTES as u64);
    let (translated, facts) = if lean {
        let defs = 0..info.bodies.len() as u32;
        let facts = first_error(
            defs.into_par_iter()
                .map_init(FunctionBuilderContext::new, |fctx, def| {
                    translate_function(env, def, fctx).map(|t| FuncFacts::of(&t))
                })
                .collect(),
        )?;
        (None, facts)
    } else {
        let translated = translate_all(env)?;
        let facts = translated.iter().map(FuncFacts::of).collect();
        (Some(translated), facts)
    };
    let analysis = MayGc::analyse(info, &facts, !config.no_gc_analysis);
    drop(facts);
    let finish = |ctx: &mut Context, def: u32, mut t: TranslatedFunc| {
        let stats = spill_function(env, config, &analysis, def, &mut t)?;
        // A function of very many blocks (100,000 nested `if`s) makes the backtracking
        // register allocator superlinear (regalloc2's Ion: minutes at -O0); such a function
        // gets the single-pass allocator instead (issue 30). Ordinary large functions,
        // interpreter loops included, stay far below the threshold.
        let huge;
        let isa = if t.func.dfg.num_blocks() >= HUGE_FUNCTION_BLOCKS {
            huge = isa_with(config, RegallocChoice::SinglePass)?;
            &*huge
        } else {
            isa
        };
        let code = codegen_function(ctx, isa, info, ids, def, t.func, lines)?;
        Ok((code, stats))
    };
    // Lean, in chunks, so that only one chunk's machine code waits to be placed in the
    // object. Otherwise in one go: all the CLIF is in memory anyway (the machine code is a
    // twentieth of its size), and one parallel pass splits the functions among the threads
    // as the translation did, so that a thread mostly compiles (and frees) CLIF it
    // allocated itself: 15% less CPU time and 17% less wall time on `kotlin-wasi/shapes`
    // than chunks of 1024 (measured in issue 13; an ordered pipeline without chunk
    // barriers was no faster than the chunks).
    let n = info.bodies.len();
    let chunk_funcs = if lean { CHUNK_FUNCS } else { n.max(1) };
    let mut translated = translated.map(|t| t.into_iter());
    let mut stats = SpillStats::default();
    for start in (0..n).step_by(chunk_funcs) {
        let end = n.min(start + chunk_funcs);
        let results: Vec<Result<(MachineCode, SpillStats), CompileError>> = match &mut translated {
            Some(rest) => {
                let chunk: Vec<TranslatedFunc> = rest.by_ref().take(end - start).collect();
                chunk
                    .into_par_iter()
                    .enumerate()
                    .map_init(Context::new, |ctx, (i, t)| finish(ctx, (start + i) as u32, t))
                    .collect()
            }
            None => (start as u32..end as u32)
                .into_par_iter()
                .map_init(
                    || (FunctionBuilderContext::new(), Context::new()),
                    |(fctx, ctx), def| finish(ctx, def, translate_function(env, def, fctx)?),
                )
                .collect(),
        };
        for (i, result) in results.into_iter().enumerate() {
            let (code, s) = result?;
            stats += s;
            define((start + i) as u32, code)?;
        }
    }
    Ok(stats)
}

/// Functions compiled between two hand-overs of machine code to the object in the lean
/// pipeline ([`compile_functions`]): enough that the worker threads rarely wait for the
/// slowest of a chunk.
const CHUNK_FUNCS: usize = 1024;

/// The values of `results` in order, or its first error in order (not whichever thread
/// failed first: messages do not depend on scheduling).
fn first_error<T>(results: Vec<Result<T, CompileError>>) -> Result<Vec<T>, CompileError> {
    results.into_iter().collect()
}

/// A function's machine code, compiled on a worker thread, to be placed in the object in
/// function order.
struct MachineCode {
    bytes: Vec<u8>,
    alignment: u64,
    relocs: Vec<cranelift_module::ModuleReloc>,
    code: FuncCode,
}

/// Compiles defined function `def` (`ids[def]` in the module), given its spilled CLIF.
fn codegen_function(
    ctx: &mut Context,
    isa: &dyn cranelift_codegen::isa::TargetIsa,
    info: &ModuleInfo<'_>,
    ids: &[FuncId],
    def: u32,
    func: Function,
    lines: Option<&WasmLines>,
) -> Result<MachineCode, CompileError> {
    let num_imported = info.num_imported_funcs();
    let id = ids[def as usize];
    // The source locations are read before `compile_local` clears the context.
    let mut code = None;
    let result = compile_local_with(ctx, isa, id, func, |compiled| {
        code = lines.map(|lines| {
            let srclocs: Vec<(u32, u32, u32)> = compiled
                .buffer
                .get_srclocs_sorted()
                .iter()
                .filter(|s| !s.loc.is_default())
                .map(|s| (s.start, s.end, s.loc.bits()))
                .collect();
            lines.function_rows(&srclocs, info.code_section_start)
        });
    });
    let mut out = result.map_err(|message| CompileError::Codegen {
        func: info.meta.func_display_name(num_imported + def),
        message,
    })?;
    if let Some(rows) = code {
        out.code.lines = rows;
    }
    Ok(out)
}

/// Builds the Cranelift ISA for `config`.
///
/// # Errors
/// [`CompileError::Target`] for targets other than x86-64 Linux.
pub fn isa(config: &Config) -> Result<OwnedTargetIsa, CompileError> {
    isa_with(config, RegallocChoice::Backtracking)
}

/// Blocks of CLIF from which a function is compiled with Cranelift's single-pass register
/// allocator (`regalloc_algorithm = single_pass`) instead of the backtracking one: the
/// latter's time grows faster than linearly in such functions (100,000 nested `if`s, about
/// 300,000 blocks: 26 s at -O0, 7.5 s at -O2; issue 30). The largest functions of the
/// programs we have (CPython's, SQLite's, QuickJS's interpreter loops) have a few thousand.
pub const HUGE_FUNCTION_BLOCKS: usize = 50_000;

/// Which register allocator an ISA uses.
#[derive(Clone, Copy)]
enum RegallocChoice {
    Backtracking,
    SinglePass,
}

/// [`isa`] with the register allocator `regalloc`.
fn isa_with(config: &Config, regalloc: RegallocChoice) -> Result<OwnedTargetIsa, CompileError> {
    let mut flags = settings::builder();
    let set = |flags: &mut settings::Builder, k: &str, v: &str| {
        flags.set(k, v).expect("known Cranelift setting");
    };
    set(
        &mut flags,
        "opt_level",
        match config.opt_level {
            OptLevel::None => "none",
            OptLevel::Speed => "speed",
        },
    );
    // Frame pointers are how the runtime walks Wasm frames (DESIGN.md "Runtime").
    set(&mut flags, "preserve_frame_pointers", "true");
    // Position-independent code for PIE executables and dlopen-ed shared objects.
    set(&mut flags, "is_pic", "true");
    set(&mut flags, "enable_multi_ret_implicit_sret", "true");
    // Frames are walked by frame pointer; no .eh_frame (it would add text relocations).
    set(&mut flags, "unwind_info", "false");
    set(&mut flags, "enable_probestack", "false");
    set(&mut flags, "enable_verifier", if cfg!(debug_assertions) { "true" } else { "false" });
    let algorithm = match regalloc {
        RegallocChoice::Backtracking => "backtracking",
        RegallocChoice::SinglePass => "single_pass",
    };
    set(&mut flags, "regalloc_algorithm", algorithm);
    let flags = settings::Flags::new(flags);
    let host = Triple::host();
    let triple = match &config.target {
        None => host.clone(),
        Some(t) => t.parse::<Triple>().map_err(|_| CompileError::Target(t.clone()))?,
    };
    let supported = triple.architecture == target_lexicon::Architecture::X86_64
        && triple.operating_system == target_lexicon::OperatingSystem::Linux;
    if !supported {
        return Err(CompileError::Target(triple.to_string()));
    }
    let builder = if triple == host {
        cranelift_native::builder().map_err(|e| CompileError::Target(e.to_string()))?
    } else {
        cranelift_codegen::isa::lookup(triple.clone())
            .map_err(|_| CompileError::Target(triple.to_string()))?
    };
    builder.finish(flags).map_err(|e| CompileError::Target(e.to_string()))
}

fn codegen_error(func: &str, e: impl std::fmt::Display) -> CompileError {
    CompileError::Codegen { func: func.to_string(), message: e.to_string() }
}

/// Compiles a binary Wasm module to an object file.
///
/// # Errors
/// Invalid or unsupported input, an unsupported target, or a code generator failure.
pub fn compile(wasm: &[u8], config: &Config) -> Result<Compiled, CompileError> {
    on_threads(config, || compile_here(wasm, config))
}

/// Runs `f` on a pool of [`Config::threads`] threads, or rayon's global pool.
fn on_threads<T: Send>(
    config: &Config,
    f: impl FnOnce() -> Result<T, CompileError> + Send,
) -> Result<T, CompileError> {
    match config.threads {
        None => f(),
        Some(n) => rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .map_err(|e| codegen_error("thread pool", e))?
            .install(f),
    }
}

fn compile_here(wasm: &[u8], config: &Config) -> Result<Compiled, CompileError> {
    let mut info = parse(wasm)?;
    info.meta.trap_unknown_imports = config.trap_unknown_imports;
    let isa = isa(config)?;
    let frontend = isa.frontend_config();
    // Shared (an `Arc`): the module keeps one reference and is borrowed mutably while the
    // functions are compiled with the other.
    let codegen_isa = isa.clone();
    let builder = ObjectBuilder::new(isa, "wasm", cranelift_module::default_libcall_names())
        .map_err(|e| codegen_error("object", e))?;
    let mut module = ObjectModule::new(builder);

    // Declare every defined function first so that direct calls can name any of them.
    let num_imported = info.num_imported_funcs();
    let mut func_ids = Vec::with_capacity(info.bodies.len());
    let symbols = Symbols::new(&info, config);
    // Names in the name section need not be unique, and may be those of the trampolines
    // and adapters declared later; symbols must be unique.
    let mut taken = symbols.reserved(info.meta.types.len());
    for def in 0..info.bodies.len() as u32 {
        let index = num_imported + def;
        let ft = info.meta.func_type(index);
        let base = symbols.func(&info.meta.func_display_name(index));
        let mut symbol = base.clone();
        let mut n = 1;
        while !taken.insert(symbol.clone()) {
            symbol = if n == 1 { format!("{base}#{index}") } else { format!("{base}#{index}#{n}") };
            n += 1;
        }
        let id = module
            .declare_function(&symbol, Linkage::Local, &wasm_signature(ft))
            .map_err(|e| codegen_error("declare", e))?;
        func_ids.push(id);
    }
    let names: Vec<u32> = func_ids.iter().map(|id| id.as_u32()).collect();
    let gc_adapter = module
        .declare_function(&symbols.func(GC_ADAPTER_SYMBOL), Linkage::Local, &gc_adapter_signature())
        .map_err(|e| codegen_error("declare", e))?;
    let throw_adapter = module
        .declare_function(
            &symbols.func(THROW_ADAPTER_SYMBOL),
            Linkage::Local,
            &throw_adapter_signature(),
        )
        .map_err(|e| codegen_error("declare", e))?;
    let thread_adapter = module
        .declare_function(
            &symbols.func(THREAD_ADAPTER_SYMBOL),
            Linkage::Local,
            &thread_adapter_signature(),
        )
        .map_err(|e| codegen_error("declare", e))?;

    let mut ctx = Context::new();
    let mut fctx = FunctionBuilderContext::new();
    let env = ModuleEnv {
        info: &info,
        func_names: &names,
        frontend,
        gc_adapter: gc_adapter.as_u32(),
        throw_adapter: throw_adapter.as_u32(),
        thread_adapter: thread_adapter.as_u32(),
        drop_barriers: config.drop_write_barriers,
    };
    let mut warnings = Vec::new();
    let lines = match config.debug_info {
        false => None,
        true if info.debug_sections.is_empty() => {
            warnings
                .push("-g: the module has no DWARF (.debug_* sections): no source lines".into());
            None
        }
        true => match WasmLines::read(&info.debug_sections) {
            Ok(lines) => Some(lines),
            Err(e) => {
                warnings.push(format!("-g: malformed DWARF ({e}): no source lines"));
                None
            }
        },
    };
    let mut code = Vec::with_capacity(func_ids.len());
    let stats =
        compile_functions(&env, config, &*codegen_isa, &func_ids, lines.as_ref(), |def, m| {
            let id = func_ids[def as usize];
            module.define_function_bytes(id, m.alignment, &m.bytes, &m.relocs).map_err(|e| {
                codegen_error(&info.meta.func_display_name(num_imported + def), module_error(e))
            })?;
            code.push(m.code);
            Ok(())
        })?;
    info.meta.code = code;
    if let Some(lines) = &lines {
        info.meta.files = lines.files.clone();
    }

    let (a2w, w2h, adapters) = emit_type_trampolines(&mut module, &*codegen_isa, &info, &symbols)?;
    info.meta.adapters = adapters;
    let frontend = module.isa().frontend_config();
    ctx.func = gc_adapter_function(&mut fctx, frontend);
    module
        .define_function(gc_adapter, &mut ctx)
        .map_err(|e| codegen_error(GC_ADAPTER_SYMBOL, module_error(e)))?;
    info.meta.gc_adapter = func_code(&ctx);
    ctx.clear();
    ctx.func = throw_adapter_function(&mut fctx, frontend);
    module
        .define_function(throw_adapter, &mut ctx)
        .map_err(|e| codegen_error(THROW_ADAPTER_SYMBOL, module_error(e)))?;
    ctx.clear();
    ctx.func = thread_adapter_function(&mut fctx, frontend);
    module
        .define_function(thread_adapter, &mut ctx)
        .map_err(|e| codegen_error(THREAD_ADAPTER_SYMBOL, module_error(e)))?;
    ctx.clear();
    let descriptor_symbol = match &config.descriptor_name {
        Some(name) => rt::descriptor_symbol(name),
        None => rt::DESCRIPTOR_SYMBOL.to_string(),
    };
    let descriptor = emit_descriptor(
        &mut module,
        &info,
        &descriptor_symbol,
        &func_ids,
        (&a2w, &w2h),
        gc_adapter,
    )?;
    if config.executable {
        emit_main(&mut module, descriptor, &mut ctx, &mut fctx)?;
    }
    let mut product = module.finish();
    // The metadata is in the object now: its machine-code facts move to the result (for a
    // large module they are tens of megabytes; no copy).
    let code: Vec<(String, FuncCode)> = std::mem::take(&mut info.meta.code)
        .into_iter()
        .enumerate()
        .map(|(def, c)| (info.meta.func_display_name(num_imported + def as u32), c))
        .collect();
    if let Some(lines) = &lines {
        let funcs: Vec<_> = func_ids
            .iter()
            .zip(&code)
            .map(|(id, (name, c))| crate::dwarf::DebugFunc {
                symbol: product.function_symbol(*id),
                name,
                size: c.size,
                lines: &c.lines,
            })
            .collect();
        let unit = symbols.module_name();
        let comp_dir = lines.comp_dir.as_deref().unwrap_or(".");
        let producer = concat!("wasmc ", env!("CARGO_PKG_VERSION"));
        crate::dwarf::emit(&mut product.object, producer, unit, comp_dir, &lines.paths, &funcs)?;
    }
    drop(info);
    let object = product.emit().map_err(|e| codegen_error("object", e))?;
    Ok(Compiled { object, stats, code, warnings })
}

/// Symbol of a module's throw adapter: `(vmctx, exn)` with the Wasm calling convention;
/// records the exit frame (where the unwinder's walk starts) and calls the `throw` builtin,
/// which never returns. Calls to it are `try_call`s inside `try_table`s, so the callee of
/// every `try_call` has the `tail` convention (CRANELIFT-NOTES.md).
const THROW_ADAPTER_SYMBOL: &str = "wasm_throw_adapter";

/// The signature of the throw adapter (see [`THROW_ADAPTER_SYMBOL`]).
pub(crate) fn throw_adapter_signature() -> Signature {
    let mut sig = Signature::new(CallConv::Tail);
    sig.params.extend([AbiParam::new(POINTER); 2]);
    sig
}

/// Builds the throw adapter (see [`THROW_ADAPTER_SYMBOL`]).
fn throw_adapter_function(
    fctx: &mut FunctionBuilderContext,
    frontend: TargetFrontendConfig,
) -> Function {
    exit_adapter(fctx, frontend, throw_adapter_signature(), Builtin::Throw, |b, _| {
        b.ins().trap(trap(TrapCode::Unreachable));
    })
}

/// Symbol of a module's thread adapter: `(vmctx, builtin, a, b, c) -> i64` with the Wasm
/// calling convention; records the exit frame and calls builtin number `builtin` (one of
/// `memory_atomic_wait32/64`, `memory_atomic_notify`, `sched_point`, whose signatures are
/// `(vmctx, i64, i64, i64) -> i64`) with `(vmctx, a, b, c)`. The exit frame lets a thread
/// that blocks there print its backtrace (a deadlock report of the deterministic
/// scheduler, issue 29); none of these builtins collects, so a call to the adapter is no
/// safepoint.
const THREAD_ADAPTER_SYMBOL: &str = "wasm_thread_adapter";

/// The signature of the thread adapter (see [`THREAD_ADAPTER_SYMBOL`]).
pub(crate) fn thread_adapter_signature() -> Signature {
    let mut sig = Signature::new(CallConv::Tail);
    sig.params.push(AbiParam::new(POINTER));
    sig.params.extend([AbiParam::new(cranelift_codegen::ir::types::I64); 4]);
    sig.returns.push(AbiParam::new(cranelift_codegen::ir::types::I64));
    sig
}

/// Builds the thread adapter (see [`THREAD_ADAPTER_SYMBOL`]).
fn thread_adapter_function(
    fctx: &mut FunctionBuilderContext,
    frontend: TargetFrontendConfig,
) -> Function {
    use cranelift_codegen::ir::types::I64;
    let mut func =
        Function::with_name_signature(UserFuncName::default(), thread_adapter_signature());
    let mut b = FunctionBuilder::new(&mut func, fctx);
    let entry = b.create_block();
    b.append_block_params_for_function_params(entry);
    b.switch_to_block(entry);
    b.seal_block(entry);
    let p = b.block_params(entry).to_vec();
    let vmctx = p[0];
    record_exit_frame(&mut b, vmctx);
    let flags = MemFlagsData::trusted().with_readonly();
    let builtins = b.ins().load(POINTER, flags, vmctx, rt::vmctx::BUILTINS);
    // The builtin's number, scaled to its entry in the table (compiled code passes a
    // constant index of one of the four builtins above).
    let offset = b.ins().imul_imm_u(p[1], 8);
    let slot = b.ins().iadd(builtins, offset);
    let f = b.ins().load(POINTER, flags, slot, 0);
    let mut bsig = Signature::new(CallConv::SystemV);
    bsig.params.extend([AbiParam::new(I64); 4]);
    bsig.returns.push(AbiParam::new(I64));
    let bsig = b.import_signature(bsig);
    let call = b.ins().call_indirect(bsig, f, &[vmctx, p[2], p[3], p[4]]);
    let r = b.inst_results(call)[0];
    b.ins().return_(&[r]);
    b.finalize(frontend);
    func
}

/// Builds an adapter through which Wasm calls a builtin that walks the stack: with the
/// Wasm calling convention and `sig`, it stores its own frame pointer as the store's exit
/// frame (where the collector's and the unwinder's walks start), calls `builtin` with its
/// parameters, and lets `finish` end the function given the builtin's results.
fn exit_adapter(
    fctx: &mut FunctionBuilderContext,
    frontend: TargetFrontendConfig,
    sig: Signature,
    builtin: Builtin,
    finish: impl FnOnce(&mut FunctionBuilder<'_>, &[cranelift_codegen::ir::Value]),
) -> Function {
    let mut func = Function::with_name_signature(UserFuncName::default(), sig);
    let mut b = FunctionBuilder::new(&mut func, fctx);
    let entry = b.create_block();
    b.append_block_params_for_function_params(entry);
    b.switch_to_block(entry);
    b.seal_block(entry);
    let params = b.block_params(entry).to_vec();
    let vmctx = params[0];
    record_exit_frame(&mut b, vmctx);
    let flags = MemFlagsData::trusted().with_readonly();
    let builtins = b.ins().load(POINTER, flags, vmctx, rt::vmctx::BUILTINS);
    let offset = (builtin.index() * 8) as i32;
    let f = b.ins().load(POINTER, flags, builtins, offset);
    let bsig = b.import_signature(builtin.signature(CallConv::SystemV));
    let call = b.ins().call_indirect(bsig, f, &params);
    let results = b.inst_results(call).to_vec();
    finish(&mut b, &results);
    b.finalize(frontend);
    func
}

/// The signature of the GC adapter (see [`GC_ADAPTER_SYMBOL`]).
pub(crate) fn gc_adapter_signature() -> Signature {
    let mut sig = Signature::new(CallConv::Tail);
    sig.params.extend([AbiParam::new(POINTER); 3]);
    sig.returns.push(AbiParam::new(POINTER));
    sig
}

/// Builds the GC adapter: stores its own frame pointer as the store's exit frame (where the
/// collector's stack walk starts), calls the `gc_alloc` builtin, and traps "out of memory"
/// when it returns null.
fn gc_adapter_function(
    fctx: &mut FunctionBuilderContext,
    frontend: TargetFrontendConfig,
) -> Function {
    exit_adapter(fctx, frontend, gc_adapter_signature(), Builtin::GcAlloc, |b, results| {
        let obj = results[0];
        b.ins().trapz(obj, trap(TrapCode::OutOfMemory));
        b.ins().return_(&[obj]);
    })
}

/// Emits `vmctx->store->exit_fp = <this frame's FP>`: the collector's stack walk starts at
/// the frame of the adapter through which Wasm last called out.
fn record_exit_frame(b: &mut FunctionBuilder<'_>, vmctx: cranelift_codegen::ir::Value) {
    let ro = MemFlagsData::trusted().with_readonly();
    let store = b.ins().load(POINTER, ro, vmctx, rt::vmctx::STORE);
    let fp = b.ins().get_frame_pointer(POINTER);
    b.ins().store(MemFlagsData::trusted(), fp, store, rt::store::EXIT_FP);
}

/// How far [`clif`] takes each function before printing it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Stage {
    /// The CLIF the translator produces.
    Translate,
    /// After the safepoint spiller (stack slots, spills, reloads, stack map entries).
    Spill,
    /// After Cranelift's mid-end optimisations (`Context::optimize`).
    Optimize,
}

/// The CLIF of every defined function of `wasm` at `stage`: `(name, text)` pairs in
/// function index order. Used by `--emit clif` and the filetests.
///
/// # Errors
/// As [`compile`].
pub fn clif(
    wasm: &[u8],
    config: &Config,
    stage: Stage,
) -> Result<Vec<(String, String)>, CompileError> {
    on_threads(config, || clif_here(wasm, config, stage))
}

fn clif_here(
    wasm: &[u8],
    config: &Config,
    stage: Stage,
) -> Result<Vec<(String, String)>, CompileError> {
    let info = parse(wasm)?;
    let isa = isa(config)?;
    let num_imported = info.num_imported_funcs();
    let n = info.bodies.len() as u32;
    let names: Vec<u32> = (0..n).collect();
    let frontend = isa.frontend_config();
    let env = ModuleEnv {
        info: &info,
        func_names: &names,
        frontend,
        gc_adapter: n,
        throw_adapter: n + 1,
        thread_adapter: n + 2,
        drop_barriers: config.drop_write_barriers,
    };
    let (funcs, _) = translate_module(&env, config, stage)?;
    let mut out = Vec::new();
    for (def, func) in funcs.into_iter().enumerate() {
        let display = info.meta.func_display_name(num_imported + def as u32);
        let text = match stage {
            Stage::Translate | Stage::Spill => func.display().to_string(),
            Stage::Optimize => optimize(func, &*isa).map_err(|e| codegen_error(&display, e))?,
        };
        out.push((display, text));
    }
    Ok(out)
}

/// Runs Cranelift's mid-end on `func` and prints the result.
///
/// # Errors
/// Cranelift's verifier or optimizer error, as text.
pub fn optimize(
    func: Function,
    isa: &dyn cranelift_codegen::isa::TargetIsa,
) -> Result<String, String> {
    let mut ctx = Context::for_function(func);
    ctx.optimize(isa, &mut cranelift_codegen::control::ControlPlane::default())
        .map_err(|e| format!("{e:?}"))?;
    Ok(ctx.func.display().to_string())
}

fn module_error(e: cranelift_module::ModuleError) -> String {
    match e {
        cranelift_module::ModuleError::Compilation(c) => format!("{c:?}"),
        other => other.to_string(),
    }
}

type PerType = Vec<Option<FuncId>>;

/// Emits, for each function type, the host-to-Wasm trampoline and the Wasm-to-host adapter.
fn emit_type_trampolines(
    module: &mut ObjectModule,
    isa: &dyn cranelift_codegen::isa::TargetIsa,
    info: &ModuleInfo<'_>,
    symbols: &Symbols,
) -> Result<(PerType, PerType, Vec<FuncCode>), CompileError> {
    // Declared in type order first (the symbol table's order), compiled on the worker
    // threads, defined in type order again: the object's bytes do not depend on the
    // thread count.
    //
    // The two depend only on the Cranelift types of the parameters and results, so types
    // with the same ones share a pair: `first[i]` is the first type index with type `i`'s.
    // (`kotlin-wasi/shapes` has 1,165 function types and 141 such signatures; compiled one
    // pair per type on one thread, they took a fifth of its compile time.)
    let mut a2w = Vec::new();
    let mut w2h = Vec::new();
    let mut first: Vec<Option<usize>> = Vec::with_capacity(info.meta.types.len());
    let mut seen = std::collections::HashMap::new();
    for (i, ty) in info.meta.types.iter().enumerate() {
        let Some(ft) = ty.as_func() else {
            a2w.push(None);
            w2h.push(None);
            first.push(None);
            continue;
        };
        let shape: (Vec<_>, Vec<_>) = (
            ft.params.iter().map(|t| clif_type(*t)).collect(),
            ft.results.iter().map(|t| clif_type(*t)).collect(),
        );
        let j = *seen.entry(shape).or_insert(i);
        first.push(Some(j));
        if j < i {
            a2w.push(a2w[j]);
            w2h.push(w2h[j]);
            continue;
        }
        let mut declare = |kind: &str, sig: Signature| {
            let name = symbols.func(&format!("{kind}[{i}]"));
            module
                .declare_function(&name, Linkage::Local, &sig)
                .map_err(|e| codegen_error(&name, e))
        };
        a2w.push(Some(declare("array_to_wasm", array_to_wasm_signature())?));
        w2h.push(Some(declare("wasm_to_host", wasm_signature(ft))?));
    }
    let frontend = isa.frontend_config();
    let compiled: Vec<Result<Option<(MachineCode, MachineCode)>, CompileError>> =
        info.meta
            .types
            .par_iter()
            .enumerate()
            .map_init(
                || (FunctionBuilderContext::new(), Context::new()),
                |(fctx, ctx), (i, ty)| {
                    let (Some(ft), Some(a), Some(w)) = (ty.as_func(), a2w[i], w2h[i]) else {
                        return Ok(None);
                    };
                    if first[i] != Some(i) {
                        return Ok(None);
                    }
                    let name = |kind: &str| format!("{kind}[{i}]");
                    let a = compile_local(ctx, isa, a, array_to_wasm(ft, fctx, frontend)).map_err(
                        |m| CompileError::Codegen { func: name("array_to_wasm"), message: m },
                    )?;
                    let w = compile_local(ctx, isa, w, wasm_to_host(ft, fctx, frontend)).map_err(
                        |m| CompileError::Codegen { func: name("wasm_to_host"), message: m },
                    )?;
                    Ok(Some((a, w)))
                },
            )
            .collect();
    let mut adapters: Vec<FuncCode> = Vec::with_capacity(compiled.len());
    for (i, c) in first_error(compiled)?.into_iter().enumerate() {
        let Some((a, w)) = c else {
            // A shared adapter's facts are repeated: the runtime finds them by type.
            let code = match first[i] {
                Some(j) if j < i => adapters[j].clone(),
                _ => FuncCode::default(),
            };
            adapters.push(code);
            continue;
        };
        for (id, m) in [(a2w[i], &a), (w2h[i], &w)] {
            let id = id.expect("declared above");
            module
                .define_function_bytes(id, m.alignment, &m.bytes, &m.relocs)
                .map_err(|e| codegen_error(&format!("trampoline[{i}]"), module_error(e)))?;
        }
        adapters.push(w.code);
    }
    Ok((a2w, w2h, adapters))
}

/// Compiles `func`, the body of the local function `id`, into machine code for
/// [`cranelift_module::Module::define_function_bytes`]; the error is Cranelift's message.
fn compile_local(
    ctx: &mut Context,
    isa: &dyn cranelift_codegen::isa::TargetIsa,
    id: FuncId,
    func: Function,
) -> Result<MachineCode, String> {
    compile_local_with(ctx, isa, id, func, |_| {})
}

/// [`compile_local`], letting `inspect` read the compiled code before the context is
/// cleared.
fn compile_local_with(
    ctx: &mut Context,
    isa: &dyn cranelift_codegen::isa::TargetIsa,
    id: FuncId,
    func: Function,
    inspect: impl FnOnce(&cranelift_codegen::CompiledCode),
) -> Result<MachineCode, String> {
    ctx.func = func;
    let mut plane = cranelift_codegen::control::ControlPlane::default();
    if let Err(e) = ctx.compile(isa, &mut plane) {
        let message = format!("{:?}", e.inner);
        ctx.clear();
        return Err(message);
    }
    let compiled = ctx.compiled_code().expect("compiled just now");
    inspect(compiled);
    let relocs = compiled
        .buffer
        .relocs()
        .iter()
        .map(|r| cranelift_module::ModuleReloc::from_mach_reloc(r, &ctx.func, id))
        .collect();
    let out = MachineCode {
        bytes: compiled.buffer.data().to_vec(),
        alignment: compiled.buffer.alignment as u64,
        relocs,
        code: func_code(ctx),
    };
    ctx.clear();
    Ok(out)
}

/// Size and sorted trap sites of the function just compiled in `ctx`.
fn func_code(ctx: &Context) -> FuncCode {
    let compiled = ctx.compiled_code().expect("defined function has compiled code");
    let mut traps: Vec<TrapSite> = compiled
        .buffer
        .traps()
        .iter()
        .map(|t| TrapSite { offset: t.offset, code: t.code.as_raw().get() })
        .collect();
    traps.sort_by_key(|t| t.offset);
    let stack_maps = compiled
        .buffer
        .user_stack_maps()
        .iter()
        .map(|(ret_offset, span, map)| StackMap {
            ret_offset: *ret_offset,
            span: *span,
            slots: map.entries().map(|(_, offset)| offset).collect(),
        })
        .collect();
    let landing_pads = compiled
        .buffer
        .call_sites()
        .filter_map(|site| {
            let pad = site.exception_handlers.iter().find_map(|h| match h {
                FinalizedMachExceptionHandler::Default(offset) => Some(*offset),
                _ => None,
            })?;
            Some(LandingPad {
                ret_offset: site.ret_addr,
                pad_offset: pad,
                frame_offset: site.frame_offset.expect("x86-64 records call-site frame offsets"),
            })
        })
        .collect();
    FuncCode {
        size: compiled.buffer.total_size(),
        traps,
        stack_maps,
        landing_pads,
        lines: Vec::new(),
    }
}

/// The native signature of [`rt::ArrayToWasmTrampoline`].
fn array_to_wasm_signature() -> Signature {
    let mut sig = Signature::new(CallConv::SystemV);
    sig.params.extend([AbiParam::new(POINTER); 5]);
    sig
}

/// Builds the host-to-Wasm trampoline for `ft` (see [`rt::ArrayToWasmTrampoline`]).
fn array_to_wasm(
    ft: &FuncType,
    fctx: &mut FunctionBuilderContext,
    frontend: TargetFrontendConfig,
) -> Function {
    let mut func =
        Function::with_name_signature(UserFuncName::default(), array_to_wasm_signature());
    let mut b = FunctionBuilder::new(&mut func, fctx);
    let entry = b.create_block();
    b.append_block_params_for_function_params(entry);
    b.switch_to_block(entry);
    b.seal_block(entry);
    let p = b.block_params(entry).to_vec();
    let (code, callee_vmctx, caller_vmctx, values, entry_fp) = (p[0], p[1], p[2], p[3], p[4]);
    let fp = b.ins().get_frame_pointer(POINTER);
    b.ins().store(MemFlagsData::trusted(), fp, entry_fp, 0);
    let mut args = vec![callee_vmctx, caller_vmctx];
    let (param_slots, _) = rt::slot_indices(&ft.params);
    for (i, t) in param_slots.iter().zip(&ft.params) {
        let off = (*i as u32 * VALUE_SLOT_SIZE) as i32;
        // Value slots are 8-byte aligned, so not trusted to be aligned for a `v128`.
        args.push(b.ins().load(clif_type(*t), MemFlagsData::new().with_notrap(), values, off));
    }
    let sig = b.import_signature(wasm_signature(ft));
    let call = b.ins().call_indirect(sig, code, &args);
    let results = b.inst_results(call).to_vec();
    let (result_slots, _) = rt::slot_indices(&ft.results);
    for (i, r) in result_slots.into_iter().zip(results) {
        let off = (i as u32 * VALUE_SLOT_SIZE) as i32;
        b.ins().store(MemFlagsData::new().with_notrap(), r, values, off);
    }
    b.ins().return_(&[]);
    b.finalize(frontend);
    func
}

/// Builds the Wasm-to-host adapter for `ft` (see [`rt::VMHostFuncData`]).
fn wasm_to_host(
    ft: &FuncType,
    fctx: &mut FunctionBuilderContext,
    frontend: TargetFrontendConfig,
) -> Function {
    let mut func = Function::with_name_signature(UserFuncName::default(), wasm_signature(ft));
    let mut b = FunctionBuilder::new(&mut func, fctx);
    let entry = b.create_block();
    b.append_block_params_for_function_params(entry);
    b.switch_to_block(entry);
    b.seal_block(entry);
    let p = b.block_params(entry).to_vec();
    // The caller's VM context leads to the store (the callee vmctx is the host data).
    record_exit_frame(&mut b, p[1]);
    let (param_slots, n_params) = rt::slot_indices(&ft.params);
    let (result_slots, n_results) = rt::slot_indices(&ft.results);
    let slots = n_params.max(n_results).max(1) as u32;
    let slot = b.create_sized_stack_slot(StackSlotData::new(
        StackSlotKind::ExplicitSlot,
        slots * VALUE_SLOT_SIZE,
        4,
    ));
    for (i, v) in param_slots.iter().zip(&p[WASM_SIG_PREFIX..]) {
        b.ins().stack_store(POINTER, *v, slot, (*i as u32 * VALUE_SLOT_SIZE) as i32);
    }
    let values = b.ins().stack_addr(POINTER, slot, 0);
    let mut host_sig = Signature::new(CallConv::SystemV);
    host_sig.params.extend([AbiParam::new(POINTER); 3]);
    host_sig.returns.push(AbiParam::new(I32));
    let host_sig = b.import_signature(host_sig);
    let f = b.ins().load(POINTER, MemFlagsData::trusted().with_readonly(), p[0], host_func::FUNC);
    let call = b.ins().call_indirect(host_sig, f, &[p[0], p[1], values]);
    let status = b.inst_results(call)[0];
    b.ins().trapnz(status, trap(TrapCode::HostTrap));
    let results: Vec<_> = ft
        .results
        .iter()
        .zip(result_slots)
        .map(|(t, i)| {
            b.ins().stack_load(POINTER, clif_type(*t), slot, (i as u32 * VALUE_SLOT_SIZE) as i32)
        })
        .collect();
    b.ins().return_(&results);
    b.finalize(frontend);
    func
}

/// Emits the metadata blob, the pointer arrays and the descriptor; returns the descriptor.
fn emit_descriptor(
    module: &mut ObjectModule,
    info: &ModuleInfo<'_>,
    descriptor_symbol: &str,
    funcs: &[FuncId],
    (a2w, w2h): (&PerType, &PerType),
    gc_adapter: FuncId,
) -> Result<cranelift_module::DataId, CompileError> {
    let err = |e| codegen_error("descriptor", e);
    let meta_bytes = info.meta.encode();
    let meta_len = meta_bytes.len();
    let meta_id = module.declare_data("wasmc_meta", Linkage::Local, false, false).map_err(err)?;
    let mut d = DataDescription::new();
    d.define(meta_bytes.into_boxed_slice());
    module.define_data(meta_id, &d).map_err(err)?;

    let pointer_array = |module: &mut ObjectModule, name: &str, entries: &[Option<FuncId>]| {
        let id = module.declare_data(name, Linkage::Local, false, false).map_err(err)?;
        let mut d = DataDescription::new();
        d.define(vec![0u8; entries.len().max(1) * 8].into_boxed_slice());
        d.set_align(8);
        for (i, e) in entries.iter().enumerate() {
            if let Some(f) = e {
                let fr = module.declare_func_in_data(*f, &mut d);
                d.write_function_addr((i * 8) as u32, fr);
            }
        }
        module.define_data(id, &d).map_err(err)?;
        Ok::<_, CompileError>(id)
    };
    let funcs: Vec<Option<FuncId>> = funcs.iter().map(|f| Some(*f)).collect();
    let funcs_id = pointer_array(module, "wasmc_funcs", &funcs)?;
    let a2w_id = pointer_array(module, "wasmc_array_to_wasm", a2w)?;
    let w2h_id = pointer_array(module, "wasmc_wasm_to_host", w2h)?;

    let desc_id =
        module.declare_data(&descriptor_symbol, Linkage::Export, false, false).map_err(err)?;
    let mut d = DataDescription::new();
    let mut bytes = vec![0u8; rt::descriptor::SIZE as usize];
    let magic = rt::descriptor::MAGIC as usize;
    bytes[magic..magic + 8].copy_from_slice(&rt::DESCRIPTOR_MAGIC.to_le_bytes());
    let len = rt::descriptor::META_LEN as usize;
    bytes[len..len + 8].copy_from_slice(&(meta_len as u64).to_le_bytes());
    d.define(bytes.into_boxed_slice());
    d.set_align(8);
    for (offset, id) in [
        (rt::descriptor::META, meta_id),
        (rt::descriptor::FUNCS, funcs_id),
        (rt::descriptor::ARRAY_TO_WASM, a2w_id),
        (rt::descriptor::WASM_TO_HOST, w2h_id),
    ] {
        let gv = module.declare_data_in_data(id, &mut d);
        d.write_data_addr(offset, gv, 0);
    }
    let fr = module.declare_func_in_data(gc_adapter, &mut d);
    d.write_function_addr(rt::descriptor::GC_ADAPTER, fr);
    module.define_data(desc_id, &d).map_err(err)?;
    Ok(desc_id)
}

/// Emits `int main(int argc, char **argv) { return wasmc_main(argc, argv, &descriptor); }`.
fn emit_main(
    module: &mut ObjectModule,
    descriptor: cranelift_module::DataId,
    ctx: &mut Context,
    fctx: &mut FunctionBuilderContext,
) -> Result<(), CompileError> {
    let err = |e| codegen_error("main", e);
    let mut main_sig = Signature::new(CallConv::SystemV);
    main_sig.params.extend([AbiParam::new(I32), AbiParam::new(I64)]);
    main_sig.returns.push(AbiParam::new(I32));
    let mut rt_sig = main_sig.clone();
    rt_sig.params.push(AbiParam::new(I64));
    let rt_main =
        module.declare_function(rt::MAIN_SYMBOL, Linkage::Import, &rt_sig).map_err(err)?;
    let main = module.declare_function("main", Linkage::Export, &main_sig).map_err(err)?;
    let mut func = Function::with_name_signature(UserFuncName::default(), main_sig);
    let callee = module.declare_func_in_func(rt_main, &mut func);
    let desc = module.declare_data_in_func(descriptor, &mut func);
    let frontend = module.isa().frontend_config();
    let mut b = FunctionBuilder::new(&mut func, fctx);
    let entry = b.create_block();
    b.append_block_params_for_function_params(entry);
    b.switch_to_block(entry);
    b.seal_block(entry);
    let p = b.block_params(entry).to_vec();
    let d = b.ins().symbol_value(I64, desc);
    let call = b.ins().call(callee, &[p[0], p[1], d]);
    let r = b.inst_results(call)[0];
    b.ins().return_(&[r]);
    b.finalize(frontend);
    ctx.func = func;
    module.define_function(main, ctx).map_err(|e| codegen_error("main", module_error(e)))?;
    ctx.clear();
    Ok(())
}
