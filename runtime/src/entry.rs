//! The entry point of executables built by `wasmc`: `wasmc_main`, called by the `main`
//! function the compiler emits.

use std::ffi::{CStr, c_char};
use std::sync::Arc;

use crate::abi::ModuleDescriptor;
use crate::config::RuntimeConfig;
use crate::instance::{Extern, InstantiateError, Store, Val};
use crate::meta::{ImportKind, ValType};
use crate::registry::{self, LoadedModule};
use crate::traps::{Trap, TrapKind};
use crate::wasi::{WasiCtx, wasi_import};

/// Exit status after a Wasm trap (as `wasmtime run`: abort's 128 + SIGABRT).
pub const TRAP_EXIT_STATUS: i32 = 134;

/// Extra stack for host code beyond the Wasm stack on the thread that runs the program.
const HOST_STACK: usize = 2 << 20;

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
            eprintln!("error: {e}");
            return 1;
        }
    };
    let stack = config.stack_size + HOST_STACK;
    let thread = std::thread::Builder::new()
        .name("wasm".into())
        .stack_size(stack)
        // SAFETY: the descriptor is static data of this executable.
        .spawn(move || unsafe { run(args, module as *const ModuleDescriptor, config) });
    let joined = thread.map(|t| t.join());
    crate::spectest::flush();
    match joined {
        Ok(Ok(code)) => code,
        Ok(Err(_)) => {
            eprintln!("error: the runtime panicked");
            101
        }
        Err(e) => {
            eprintln!("error: cannot start the program's thread: {e}");
            1
        }
    }
}

unsafe fn run(args: Vec<Vec<u8>>, desc: *const ModuleDescriptor, config: RuntimeConfig) -> i32 {
    // SAFETY: forwarded from `wasmc_main`.
    let module = match unsafe { LoadedModule::from_descriptor(desc) } {
        Ok(m) => Arc::new(m),
        Err(e) => {
            eprintln!("error: {e}");
            return 1;
        }
    };
    registry::register(&module);
    let mut store = match Store::new(config.stack_size, config.gc.clone()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return 1;
        }
    };
    let code = run_in(&mut store, &module, &args, &config);
    if config.gc.stats {
        if let Some(s) = store.inner().gc_stats() {
            eprintln!("{s}");
        }
    }
    code
}

fn run_in(
    store: &mut Store,
    module: &Arc<LoadedModule>,
    args: &[Vec<u8>],
    config: &RuntimeConfig,
) -> i32 {
    match WasiCtx::new(args.to_vec(), config.env.clone(), &config.preopens) {
        Ok(mut w) => {
            if config.deterministic {
                w.set_deterministic();
            }
            store.inner().wasi = Some(Box::new(w));
        }
        Err(e) => {
            eprintln!("error: {e}");
            return 1;
        }
    }
    let meta = &module.meta;
    let mut resolve = |import: &crate::meta::Import| -> Option<Extern> {
        match (import.module.as_str(), &import.kind) {
            ("wasi_snapshot_preview1" | "wasi_unstable", ImportKind::Func(ty)) => {
                let Some(ft) = meta.types[*ty as usize].as_func() else {
                    return None;
                };
                Some(Extern::HostFunc(wasi_import(&import.name, ft)))
            }
            ("spectest", ImportKind::Func(ty)) => {
                let ft = meta.types[*ty as usize].as_func()?;
                crate::spectest::spectest_import(&import.name, ft).map(Extern::HostFunc)
            }
            _ => None,
        }
    };
    let index = match store.instantiate(module, &mut resolve) {
        Ok(i) => i,
        Err(InstantiateError::Trap(t)) => return report(&t),
        Err(e) => {
            eprintln!("error: {e}");
            return 1;
        }
    };
    let name = config.invoke.clone().unwrap_or_else(|| "_start".into());
    let func = match store.instance(index).export(&name) {
        Some(Extern::Func(f)) => f,
        _ if config.invoke.is_none() => return 0,
        _ => {
            eprintln!("error: no exported function `{name}`");
            return 1;
        }
    };
    let params = if config.invoke.is_some() {
        match parse_args(&func.ty().params, &args[1.min(args.len())..]) {
            Ok(p) => p,
            Err(e) => {
                eprintln!("error: {e}");
                return 1;
            }
        }
    } else {
        Vec::new()
    };
    match store.call(&func, &params) {
        Ok(results) => {
            for r in results {
                println!("{}", format_val(r));
            }
            0
        }
        Err(t) => report(&t),
    }
}

fn report(t: &Trap) -> i32 {
    match t.kind {
        TrapKind::Exit(code) => code,
        _ => {
            eprintln!("{t}");
            TRAP_EXIT_STATUS
        }
    }
}

fn parse_args(params: &[ValType], args: &[Vec<u8>]) -> Result<Vec<Val>, String> {
    if params.len() != args.len() {
        return Err(format!("the function takes {} arguments, {} given", params.len(), args.len()));
    }
    params
        .iter()
        .zip(args)
        .map(|(t, a)| {
            let s = String::from_utf8_lossy(a);
            let bad = || format!("cannot parse `{s}` as {t:?}");
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
                _ => {
                    return Err(format!("cannot pass a {t:?} argument from the command line"));
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
    }
}
