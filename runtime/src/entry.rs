//! The entry point of executables built by `wasmc`: `wasmc_main`, called by the `main`
//! function the compiler emits.

use std::ffi::{CStr, c_char};
use std::sync::Arc;

use crate::abi::ModuleDescriptor;
use crate::config::{HOST_STACK, RuntimeConfig};
use crate::instance::{Extern, InstantiateError, Val};
use crate::meta::{CompositeType, Import, ImportKind, ModuleMeta, ValType};
use crate::printable::{Printable, PrintableBytes, escape_line};
use crate::registry::{self, LoadedModule};
use crate::store::Store;
use crate::threads::{
    HostMemories, Threads, is_model_checker_select, is_thread_spawn, resolve_import,
};
use crate::traps::{Trap, TrapKind};
use crate::wasi::WasiCtx;

pub use crate::traps::TRAP_EXIT_STATUS;

/// Runs the module described by `module` as a program: instantiate with WASI, then call
/// `_start` (or the export named by `WASMC_INVOKE`). Returns the exit status.
///
/// # Safety
/// `argv` must hold `argc` NUL-terminated strings and `module` must be the descriptor of the
/// compiled module linked into this executable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmc_main(
    argc: i32,
    argv: *const *const c_char,
    module: *const ModuleDescriptor,
) -> i32 {
    // SAFETY: the C runtime passes argc valid strings.
    let args: Vec<Vec<u8>> = (0..argc.max(0) as usize)
        .map(|i| unsafe { CStr::from_ptr(*argv.add(i)) }.to_bytes().to_vec())
        .collect();
    let module = module as usize;
    let config = match RuntimeConfig::from_env() {
        Ok(c) => c,
        Err(e) => {
            // Already one line, with the value escaped.
            eprintln!("error: {e}");
            return 1;
        }
    };
    // `RuntimeConfig` bounds the stack size, so this cannot overflow; checked all the same
    // (a wrapped sum once switched the stack check off).
    let Some(stack) = config.stack_size.checked_add(HOST_STACK) else {
        eprintln!("error: WASMC_STACK_SIZE={}: too large", config.stack_size);
        return 1;
    };
    let thread = std::thread::Builder::new()
        .name("wasm".into())
        .stack_size(stack)
        // SAFETY: the descriptor is static data of this executable.
        .spawn(move || unsafe { run(args, module as *const ModuleDescriptor, config) });
    let joined = thread.map(|t| t.join());
    // Threads the program spawned may still run: a `proc_exit` or trap of theirs that is
    // already ending the process wins; later ones wait for this exit.
    crate::threads::main_thread_ends();
    crate::spectest::flush();
    match joined {
        Ok(Ok(code)) => code,
        Ok(Err(_)) => {
            eprintln!("error: the runtime panicked");
            101
        }
        Err(e) => {
            eprintln!(
                "error: cannot start the program's thread with {stack} bytes of stack \
                 (WASMC_STACK_SIZE plus {HOST_STACK} for the runtime): {e}"
            );
            1
        }
    }
}

unsafe fn run(args: Vec<Vec<u8>>, desc: *const ModuleDescriptor, config: RuntimeConfig) -> i32 {
    // SAFETY: forwarded from `wasmc_main`.
    let module = match unsafe { LoadedModule::from_descriptor(desc) } {
        Ok(m) => Arc::new(m),
        Err(e) => {
            eprintln!("error: {}", escape_line(&e.to_string()));
            return 1;
        }
    };
    registry::register(&module);
    let mut store = match Store::new(config.stack_size, config.gc.clone()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {}", escape_line(&e.to_string()));
            return 1;
        }
    };
    // The GC heap's address space is reserved lazily, at the first allocation; a module
    // that allocates GC objects reserves it now, so that a refusal (`ulimit -v`) is a
    // clear error before any code runs rather than an "out of memory" trap later.
    if allocates_gc_objects(&module.meta)
        && let Some(Err(e)) = store.inner().heap.as_mut().map(|h| h.reserve())
    {
        eprintln!("error: {}", escape_line(&e.to_string()));
        return 1;
    }
    let code = run_in(&mut store, &module, &args, &config);
    if config.gc.stats
        && let Some(s) = store.inner().gc_stats()
    {
        eprintln!("{s}");
    }
    code
}

/// Whether code of the module can allocate GC objects: it has struct or array types, or
/// tags (exception objects live in the GC heap).
fn allocates_gc_objects(meta: &ModuleMeta) -> bool {
    !meta.tags.is_empty()
        || meta.imports.iter().any(|i| matches!(i.kind, ImportKind::Tag(_)))
        || meta.types.iter().any(|t| !matches!(t.composite, CompositeType::Func(_)))
}

/// `[i32, i64] -> [f32]`, for messages.
fn show_func_type(ft: &crate::meta::FuncType) -> String {
    let list = |ts: &[ValType]| {
        let names: Vec<String> = ts.iter().map(|t| format!("{t:?}").to_lowercase()).collect();
        format!("[{}]", names.join(", "))
    };
    format!("{} -> {}", list(&ft.params), list(&ft.results))
}

fn run_in(
    store: &mut Store,
    module: &Arc<LoadedModule>,
    args: &[Vec<u8>],
    config: &RuntimeConfig,
) -> i32 {
    let wasi = match WasiCtx::new(args.to_vec(), config.env.clone(), &config.preopens) {
        Ok(mut w) => {
            if config.deterministic {
                w.set_deterministic_seeded(config.sched.seed);
            }
            w
        }
        Err(e) => {
            eprintln!("error: {}", escape_line(&e.to_string()));
            return 1;
        }
    };
    let meta = &module.meta;
    // The shared memories the program imports, made by the host; with `wasi.thread-spawn`
    // imported, what its threads share. Both are checked before any code runs.
    let memories = match HostMemories::for_module(meta) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("error: {}", escape_line(&e));
            return 1;
        }
    };
    let threads = if meta.imports.iter().any(|i| is_thread_spawn(&i.module, &i.name)) {
        match Threads::new(module, memories.clone(), wasi.share(), config.clone()) {
            Ok(t) => Some(t),
            Err(e) => {
                eprintln!("error: {}", escape_line(&e));
                return 1;
            }
        }
    } else {
        None
    };
    // Deterministic mode with threads or choices: the scheduler decides who runs.
    let scheduled = config.deterministic
        && meta.imports.iter().any(|i| {
            is_thread_spawn(&i.module, &i.name) || is_model_checker_select(&i.module, &i.name)
        });
    // The model checker installs the scheduler in each run it forks.
    let clock = wasi.virtual_clock();
    if scheduled && !config.model_check {
        let Some(clock) = clock.clone() else {
            eprintln!("error: the deterministic scheduler needs the deterministic mode");
            return 1;
        };
        let options = crate::sched::Options {
            policy: sched_policy(config),
            preemption_bound: config.sched.preemption_bound.flatten(),
            log: None,
        };
        if let Err(e) = crate::sched::install(options, clock, memories.base_addresses()) {
            eprintln!("error: {e}");
            return 1;
        }
        store.inner().set_scheduled();
    }
    store.inner().set_data(wasi);
    let mut resolve = |import: &Import| resolve_import(meta, import, &memories, threads.as_ref());
    let index = match store.instantiate(module, &mut resolve) {
        Ok(i) => i,
        Err(InstantiateError::Trap(t)) => return report(&t),
        Err(e) => {
            // Link errors name imports of the module: data, escaped.
            eprintln!("error: {}", escape_line(&e.to_string()));
            return 1;
        }
    };
    // A WASI reactor (it exports `_initialize`, not `_start`): `_initialize` runs once,
    // before any other export (the WASI application ABI).
    match crate::embed::reactor_initializer(store.instance(index)) {
        Ok(Some(init)) => {
            if let Err(t) = store.call(&init, &[]) {
                return report(&t);
            }
        }
        Ok(None) => {}
        Err(e) => {
            eprintln!("error: {e}");
            return 1;
        }
    }
    let name = config.invoke.clone().unwrap_or_else(|| "_start".into());
    let func = match store.instance(index).export(&name) {
        Some(Extern::Func(f)) => f,
        _ if config.invoke.is_none() => return 0,
        _ => {
            eprintln!("error: WASMC_INVOKE: no exported function `{}`", Printable(&name));
            return 1;
        }
    };
    // A wrong type is a link error of the program (no code has run), not a trap.
    if config.invoke.is_none() && (!func.ty().params.is_empty() || !func.ty().results.is_empty()) {
        eprintln!(
            "error: the exported `_start` has type {}; a WASI command's `_start` takes no \
             parameters and returns no results",
            show_func_type(func.ty())
        );
        return 1;
    }
    let params = if config.invoke.is_some() {
        match parse_args(&func.ty().params, &args[1.min(args.len())..]) {
            Ok(p) => p,
            Err(e) => {
                eprintln!("error: WASMC_INVOKE={}: {e}", Printable(&name));
                return 1;
            }
        }
    } else {
        Vec::new()
    };
    if config.model_check {
        let Some(clock) = clock else {
            eprintln!("error: the model checker needs the deterministic mode");
            return 1;
        };
        let bases = memories.base_addresses();
        let mut body = |prefix: Vec<u32>, bound: Option<u32>, log: crate::sched::ChoiceLog| {
            let options = crate::sched::Options {
                policy: crate::sched::Policy::Replay { choices: prefix },
                preemption_bound: bound,
                log: Some(log),
            };
            if let Err(e) = crate::sched::install(options, clock.clone(), bases.clone()) {
                eprintln!("error: {e}");
                return 1;
            }
            store.inner().set_scheduled();
            call_and_print(store, &func, &params)
        };
        return crate::model_check::explore(config, args, &mut body);
    }
    call_and_print(store, &func, &params)
}

/// Calls the program's entry point and prints its results (a `WASMC_INVOKE` call's);
/// the exit status.
fn call_and_print(store: &mut Store, func: &crate::instance::Func, params: &[Val]) -> i32 {
    match store.call(func, params) {
        Ok(results) => {
            for r in &results {
                match store.inner().raw(r) {
                    Ok(v) => println!("{}", format_val(v)),
                    Err(e) => eprintln!("error: {e}"),
                }
            }
            0
        }
        Err(t) => report(&t),
    }
}

/// The scheduling policy the configuration asks for (a trace to replay wins).
fn sched_policy(config: &RuntimeConfig) -> crate::sched::Policy {
    use crate::config::SchedKind;
    use crate::sched::Policy;
    let k = &config.sched;
    if let Some(t) = &k.trace {
        return Policy::Replay { choices: t.clone() };
    }
    match k.kind {
        SchedKind::Random => Policy::Random { seed: k.seed },
        SchedKind::Pct => Policy::Pct { seed: k.seed, depth: k.depth, steps: k.steps },
        SchedKind::RoundRobin => Policy::RoundRobin,
    }
}

fn report(t: &Trap) -> i32 {
    match t.kind {
        TrapKind::Exit(code) => code,
        _ => {
            crate::sched::record_trap();
            eprintln!("{t}");
            TRAP_EXIT_STATUS
        }
    }
}

fn parse_args(params: &[ValType], args: &[Vec<u8>]) -> Result<Vec<Val>, String> {
    if params.len() != args.len() {
        let s = |n: usize| if n == 1 { "" } else { "s" };
        return Err(format!(
            "the function takes {} argument{}, {} given",
            params.len(),
            s(params.len()),
            args.len()
        ));
    }
    params
        .iter()
        .zip(args)
        .map(|(t, a)| {
            let s = String::from_utf8_lossy(a);
            let bad = || {
                format!(
                    "cannot parse `{}` as {}",
                    PrintableBytes(a),
                    format!("{t:?}").to_lowercase()
                )
            };
            Ok(match t {
                ValType::I32 => Val::I32(
                    s.parse::<i32>()
                        .or_else(|_| s.parse::<u32>().map(|v| v as i32))
                        .map_err(|_| bad())?,
                ),
                ValType::I64 => Val::I64(
                    s.parse::<i64>()
                        .or_else(|_| s.parse::<u64>().map(|v| v as i64))
                        .map_err(|_| bad())?,
                ),
                ValType::F32 => Val::F32(s.parse::<f32>().map_err(|_| bad())?.to_bits()),
                ValType::F64 => Val::F64(s.parse::<f64>().map_err(|_| bad())?.to_bits()),
                // A `v128` as one 128-bit integer, hexadecimal with `0x` or decimal.
                ValType::V128 => Val::V128(match s.strip_prefix("0x") {
                    Some(hex) => u128::from_str_radix(hex, 16).map_err(|_| bad())?,
                    None => s.parse::<u128>().map_err(|_| bad())?,
                }),
                _ => {
                    return Err(format!(
                        "cannot pass a {} argument from the command line",
                        format!("{t:?}").to_lowercase()
                    ));
                }
            })
        })
        .collect()
}

fn format_val(v: Val) -> String {
    match v {
        Val::I32(x) => x.to_string(),
        Val::I64(x) => x.to_string(),
        Val::F32(b) => f32::from_bits(b).to_string(),
        Val::F64(b) => f64::from_bits(b).to_string(),
        Val::Ref(0) => "null".into(),
        Val::Ref(r) => format!("ref({r:#x})"),
        Val::V128(x) => format!("{x:#034x}"),
    }
}
