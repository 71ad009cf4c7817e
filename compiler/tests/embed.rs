//! The embedding APIs (issue 14): C hosts linking objects from `wasmc -c` with the runtime
//! library (`wasmc --print-runtime-lib`, `--print-include-dir`, `--emit header`), and the
//! Rust API of the runtime crate driving the same modules in this process.
//!
//! The C hosts and WAT modules are in `tests/fixtures/embed/`; the C/WASI guest is
//! compiled with clang for wasm32-wasi (as the `-g` backtrace test does); the GC module is
//! `../shared/programs/kotlin-wasi/shapes`.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use wasmc_runtime::embed::{
    Extern, GlobalType, HeapType, Imports, InstantiateError, MemoryType, Module, RefType,
    RootedVal, Store, StoreConfig, TableType, TrapKind, Val, ValType, WasiConfig,
};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/embed")
}

use common::{ok, text, wasmc_ok as wasmc};

/// Compiles `fixtures/guest.c` to `dir/guest.wasm` (clang, wasm32-wasi).
fn guest_wasm(dir: &Path) -> PathBuf {
    let wasm = dir.join("guest.wasm");
    ok(Command::new("clang")
        .args(["--target=wasm32-wasi", "-O2", "-o"])
        .arg(&wasm)
        .arg(fixtures().join("guest.c")));
    wasm
}

/// Objects `dir/NAME.o` of `(name, module file)` pairs, by `wasmc -c --module-name`.
fn objects(dir: &Path, modules: &[(&str, &Path)]) -> Vec<PathBuf> {
    modules
        .iter()
        .map(|(name, file)| {
            let obj = dir.join(format!("{name}.o"));
            wasmc(
                dir,
                &["-c", "--module-name", name, file.to_str().unwrap(), "-o", obj.to_str().unwrap()],
            );
            obj
        })
        .collect()
}

/// Links the C host `source` with `objects` and the runtime library into `dir/host`, as the
/// README's "Embedding" section says, with warnings as errors.
fn c_host(dir: &Path, source: &Path, objects: &[PathBuf]) -> PathBuf {
    let include = wasmc(dir, &["--print-include-dir"]);
    let lib = wasmc(dir, &["--print-runtime-lib"]);
    assert!(Path::new(&include).join("wasmc.h").is_file(), "{include}/wasmc.h");
    let exe = dir.join("host");
    ok(Command::new("cc")
        .args(["-std=c11", "-Wall", "-Wextra", "-Werror", "-pedantic"])
        .arg(format!("-I{include}"))
        .arg(format!("-I{}", dir.display()))
        .arg(source)
        .args(objects)
        .arg(lib)
        .args(["-lpthread", "-ldl", "-lm", "-o"])
        .arg(&exe));
    exe
}

/// Test (a): a C host embeds a C/WASI module (with a host import) and a Kotlin/Wasm GC
/// module, calls their exports, catches a trap of one and keeps calling both.
#[test]
fn issue_14_a_c_host_embeds_a_wasi_module_and_a_kotlin_gc_module() {
    let dir = tempfile::tempdir().unwrap();
    let shapes = common::programs_dir().join("kotlin-wasi/shapes");
    let guest = guest_wasm(dir.path());
    let objs = objects(dir.path(), &[("guest", &guest), ("shapes", &shapes.join("shapes.wasm"))]);
    let host = c_host(dir.path(), &fixtures().join("host.c"), &objs);
    let out = ok(Command::new(&host).env("WASMC_GC_STATS", "1"));
    let kotlin = std::fs::read_to_string(shapes.join("expected.stdout")).unwrap();
    let expected = format!(
        "guest: scaled_sum(4) = 30\n\
         host: scaled_sum(4) = 30 after 4 host calls\n\
         host: guest memory is 131072 bytes\n\
         host: divide(1, 0) trapped: integer divide by zero\n\
         host: innermost frame: divide\n\
         {kotlin}\
         host: divide(42, 6) = 7\n\
         guest: main\n\
         host: guest _start exited with 0\n"
    );
    assert_eq!(text(&out.stdout), expected);
    // Nothing printed by the runtime: the API reports, the host decides.
    assert_eq!(text(&out.stderr), "");
}

/// Test (c): two modules linked into one C program, the consumer importing the producer's
/// function, memory, table and global; a GC struct made by one, kept by the host across a
/// collection and read by the other; a mistyped import refused. Also under GC stress with
/// the heap verified.
#[test]
fn issue_14_two_modules_in_one_program_share_functions_memory_and_gc_objects() {
    let dir = tempfile::tempdir().unwrap();
    let f = fixtures();
    let (p, c, m) = (f.join("producer.wat"), f.join("consumer.wat"), f.join("mismatch.wat"));
    let objs = objects(dir.path(), &[("producer", &p), ("consumer", &c), ("mismatch", &m)]);
    let host = c_host(dir.path(), &f.join("two.c"), &objs);
    let expected = "host: consumer.sum(pair) = 42\n\
        host: note(5); the caller's memory has 65536 bytes, at 16: producer\n\
        host: consumer.make_and_sum(5) = 105\n\
        host: consumer.load8(100) = 77\n\
        host: consumer.load8(16) = 'p'\n\
        host: consumer.call_slot(0) = 7\n\
        host: consumer.call_slot(1): uninitialized element 1\n\
        host: consumer.made() = 2\n\
        host: after the host set it, consumer.made() = 1000\n\
        host: consumer.sum(NULL): argument 0 is not a value of the parameter's type (ref 0)\n\
        host: mismatch: incompatible import type for `producer::make`\n";
    for stress in [None, Some("1000")] {
        let mut cmd = Command::new(&host);
        if let Some(n) = stress {
            cmd.env("WASMC_GC_STRESS", n).env("WASMC_GC_VERIFY", "1").env("WASMC_GC_POISON", "1");
        }
        assert_eq!(text(&ok(&mut cmd).stdout), expected, "stress {stress:?}");
    }
}

/// `wasmc --emit header`: typed per-module headers that a C host compiles against (with
/// `-pedantic -Werror`) and calls through.
#[test]
fn issue_14_typed_headers_declare_one_function_per_export() {
    let dir = tempfile::tempdir().unwrap();
    let f = fixtures();
    let (p, c) = (f.join("producer.wat"), f.join("consumer.wat"));
    for (name, file) in [("producer", &p), ("consumer", &c)] {
        let h = dir.path().join(format!("{name}.h"));
        wasmc(
            dir.path(),
            &[
                "--emit",
                "header",
                "--module-name",
                name,
                file.to_str().unwrap(),
                "-o",
                h.to_str().unwrap(),
            ],
        );
    }
    let header = std::fs::read_to_string(dir.path().join("producer.h")).unwrap();
    assert!(header.contains("WASMC_DECLARE_MODULE(producer);"), "{header}");
    assert!(
        header.contains(
            "WASMC_INLINE wasmc_error_t *producer_make(wasmc_store_t *store, \
             wasmc_instance_t *instance, int32_t p0, int32_t p1, wasmc_ref_t **r0)"
        ),
        "{header}"
    );
    assert!(header.contains("[i32, i32] -> [(ref 0)]"), "{header}");
    let objs = objects(dir.path(), &[("producer", &p), ("consumer", &c)]);
    let host = c_host(dir.path(), &f.join("typed.c"), &objs);
    assert_eq!(
        text(&ok(&mut Command::new(host)).stdout),
        "host: note(1)\nhost: sum = 101, made = 2\nhost: memory of 65536 bytes\n\
         host: call_slot(1): uninitialized element 1\n"
    );
    // An invalid module is an error naming the offset, and no header is written.
    std::fs::write(dir.path().join("bad.wasm"), b"\0asm\x01\0\0\0\x01").unwrap();
    let out =
        common::run_wasmc(dir.path(), &["--emit".into(), "header".into(), "bad.wasm".into()], &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("offset"), "{}", text(&out.stderr));
    assert!(!dir.path().join("bad.h").exists());
}

/// `v128` values cross the C API (issue 15): as arguments and results of an export through
/// its typed header, of a host function (two value slots each, between other values), and
/// as a global's value; a value of another kind is refused.
#[test]
fn issue_15_v128_values_cross_the_c_api() {
    let dir = tempfile::tempdir().unwrap();
    let f = fixtures();
    let wat = f.join("lanes.wat");
    let h = dir.path().join("lanes.h");
    let args = ["--emit", "header", "--module-name", "lanes", wat.to_str().unwrap(), "-o"];
    wasmc(dir.path(), &[&args[..], &[h.to_str().unwrap()]].concat());
    let header = std::fs::read_to_string(&h).unwrap();
    assert!(
        header.contains(
            "WASMC_INLINE wasmc_error_t *lanes_mix(wasmc_store_t *store, \
             wasmc_instance_t *instance, wasmc_v128_t p0, int32_t p1, wasmc_v128_t *r0, \
             int32_t *r1)"
        ),
        "{header}"
    );
    let objs = objects(dir.path(), &[("lanes", &wat)]);
    let host = c_host(dir.path(), &f.join("lanes.c"), &objs);
    assert_eq!(
        text(&ok(&mut Command::new(host)).stdout),
        "host: rotate(3, ..., 7)\n\
         host: rotate's v128 argument: 03 01 02 03 07 05 06 07 0b 09 0a 0b 0f 0d 0e 0f\n\
         host: mix result: 02 04 06 0e 0a 0c 0e 16 12 14 16 1e 1a 1c 1e 06\n\
         host: mix count: 10\n\
         host: last: 01 02 03 07 05 06 07 0b 09 0a 0b 0f 0d 0e 0f 03\n\
         host: last after set: ab ab ab ab ab ab ab ab ab ab ab ab ab ab ab 01\n\
         host: set with an i64: expected v128, got i64\n"
    );
}

/// A Rust host function with a `v128` before a GC reference parameter (issue 15): the
/// reference is read and rooted from its own value slot (2; the v128 takes 0 and 1), stays
/// valid while the host re-enters Wasm and the collector moves the object, and the v128
/// arrives whole.
#[test]
fn issue_15_a_reference_after_a_v128_parameter_is_rooted() {
    let dir = tempfile::tempdir().unwrap();
    let objs = objects(dir.path(), &[("held", &fixtures().join("held.wat"))]);
    let held = load(dir.path(), "held", &objs[0]);
    let anyref = ValType::Ref(RefType { nullable: true, heap: HeapType::Any });
    let mut imports = Imports::new();
    imports.func("host", "hold", &[ValType::V128, anyref], &[ValType::I32], |caller, slots| {
        let v = u128::from(slots[0]) | u128::from(slots[1]) << 64;
        assert_eq!(v, 0x7ff0_0000_1234_5671_0000_0000_1234_5670);
        let root = caller.param_root(1).expect("the anyref parameter is rooted");
        let before = caller.store().get_root(&root).unwrap();
        assert_eq!(before, slots[2] as usize, "the root holds the reference of slot 2");
        // Functions 1 and 2 of the module: `churn`, `get` (function 0 is the import).
        let (churn, get) = (caller.instance.func(1), caller.instance.func(2));
        caller.call(&churn, &[Val::I32(1_000_000)]).map_err(|t| t.kind)?;
        // And a full collection, which moves it under either collector.
        caller.store().collect_garbage();
        let after = caller.store().get_root(&root).unwrap();
        assert_ne!(after, before, "the object moved");
        let r = caller.call(&get, &[Val::Ref(after)]).map_err(|t| t.kind)?;
        let RootedVal::Plain(Val::I32(x)) = r[0] else { panic!("get returns an i32") };
        slots[0] = x as u32 as u64;
        Ok(())
    });
    for stress in [None, Some(1000)] {
        let mut config = StoreConfig::from_env().unwrap();
        if let Some(n) = stress {
            config.gc.stress = Some(n);
            config.gc.poison = true;
            config.gc.verify = true;
        }
        let mut store = Store::new_with(&config).unwrap();
        let i = store.instantiate_with(&held, &imports).unwrap();
        let run = store.instance(i).get_func("run").unwrap();
        let r = store.call_rooted(&run, &[]).unwrap();
        assert_eq!(r[0].plain(), Some(Val::I32(41)), "stress {stress:?}");
    }
}

/// Every function `wasmc.h` declares is defined by the runtime library `wasmc` links (the
/// prelink keeps them: `build.rs`), and the header is the one `--print-include-dir` gives.
#[test]
fn issue_14_the_runtime_library_defines_the_whole_c_api() {
    let dir = tempfile::tempdir().unwrap();
    let include = wasmc(dir.path(), &["--print-include-dir"]);
    let header = std::fs::read_to_string(Path::new(&include).join("wasmc.h")).unwrap();
    let source = include_str!("../../runtime/include/wasmc.h");
    assert_eq!(header, source);
    let lib = wasmc(dir.path(), &["--print-runtime-lib"]);
    let nm = text(&ok(Command::new("nm").args(["-g", "--defined-only"]).arg(&lib)).stdout);
    let defined: Vec<&str> = nm.lines().filter_map(|l| l.split_whitespace().nth(2)).collect();
    // Every `wasmc_*` identifier directly followed by `(`.
    let mut declared: Vec<&str> = Vec::new();
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    for (at, _) in header.match_indices("wasmc_") {
        let word = &header[at..];
        let len = word.find(|c: char| !ident(c)).unwrap_or(word.len());
        let starts_word = !header[..at].ends_with(ident);
        if starts_word && word[len..].starts_with('(') && !declared.contains(&&word[..len]) {
            declared.push(&word[..len]);
        }
    }
    assert!(declared.len() > 40, "{declared:?}");
    for f in &declared {
        assert!(defined.contains(f), "{f} is declared in wasmc.h but not in the runtime library");
    }
    // The cache off: a clear error, as for --print-runtime-lib.
    let out =
        common::run_wasmc(dir.path(), &["--print-include-dir".into()], &[("WASMC_CACHE", "0")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("WASMC_CACHE=0"), "{}", text(&out.stderr));
}

/// A compiled object loaded into this process: linked into a shared object (`cc -shared`),
/// `dlopen`ed, its descriptor read. (A test binary cannot link objects it makes; a Rust
/// program does that in its build script, then `linked_module!(NAME)`.)
fn load(dir: &Path, name: &str, object: &Path) -> Module {
    let so = dir.join(format!("{name}.so"));
    ok(Command::new("cc").args(["-shared", "-nostdlib", "-o"]).arg(&so).arg(object));
    let path = std::ffi::CString::new(so.to_str().unwrap()).unwrap();
    // SAFETY: the object has no initialisers; it stays loaded for the rest of the process.
    let lib = unsafe { libc::dlopen(path.as_ptr(), libc::RTLD_NOW) };
    assert!(!lib.is_null(), "dlopen {}", so.display());
    let symbol = std::ffi::CString::new(format!("wasmc_module_{name}")).unwrap();
    // SAFETY: the symbol is a descriptor emitted by wasmc; its code stays mapped.
    unsafe {
        let desc = libc::dlsym(lib, symbol.as_ptr());
        assert!(!desc.is_null(), "{name}'s descriptor");
        Module::from_descriptor(desc.cast()).expect("a descriptor of this wasmc")
    }
}

/// Test (b): test (a) from Rust, with the runtime crate's embedding API, in this process:
/// a host import, exports called with arguments, a trap caught, the other module's
/// `_start` run, a WASI exit as an error value; test (c)'s modules wired together, a
/// struct kept across collections.
#[test]
fn issue_14_a_rust_host_embeds_the_same_modules() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let shapes = common::programs_dir().join("kotlin-wasi/shapes/shapes.wasm");
    let guest = guest_wasm(d);
    let f = fixtures();
    let (p, c) = (f.join("producer.wat"), f.join("consumer.wat"));
    let objs =
        objects(d, &[("guest", &guest), ("shapes", &shapes), ("producer", &p), ("consumer", &c)]);
    let guest = load(d, "guest", &objs[0]);
    let shapes = load(d, "shapes", &objs[1]);
    let producer = load(d, "producer", &objs[2]);
    let consumer = load(d, "consumer", &objs[3]);

    let mut store = Store::new_with(&StoreConfig::from_env().unwrap()).unwrap();
    store.set_wasi(&WasiConfig { args: vec![b"embedded".to_vec()], ..Default::default() }).unwrap();
    let calls = Arc::new(std::sync::atomic::AtomicU32::new(0));
    let mut imports = Imports::new();
    let counter = calls.clone();
    imports.wasi().func("host", "scale", &[ValType::I32], &[ValType::I32], move |_, slots| {
        counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        slots[0] = (slots[0] as i32 * 3) as u32 as u64;
        Ok(())
    });
    let g = store.instantiate_with(&guest, &imports).unwrap();
    let k = store.instantiate_with(&shapes, &imports).unwrap();
    let i32s = |v: &[i32]| v.iter().map(|x| RootedVal::Plain(Val::I32(*x))).collect::<Vec<_>>();
    let scaled_sum = store.instance(g).get_func("scaled_sum").unwrap();
    let r = store.call_rooted(&scaled_sum, &i32s(&[4])).unwrap();
    assert_eq!(r[0].plain(), Some(Val::I32(30)));
    assert_eq!(calls.load(std::sync::atomic::Ordering::Relaxed), 4);
    assert_eq!(store.instance(g).get_memory("memory").unwrap().data().len(), 131072);
    let divide = store.instance(g).get_func("divide").unwrap();
    let trap = store.call_rooted(&divide, &i32s(&[1, 0])).unwrap_err();
    assert_eq!(trap.message(), "integer divide by zero");
    assert_eq!(trap.backtrace[0].name, "divide");
    assert!(trap.to_string().starts_with("wasm trap: integer divide by zero\nwasm backtrace:"));
    let start = store.instance(k).get_func("_start").unwrap();
    store.call_rooted(&start, &[]).expect("Kotlin's _start");
    let r = store.call_rooted(&divide, &i32s(&[42, 6])).unwrap();
    assert_eq!(r[0].plain(), Some(Val::I32(7)));
    let guest_start = store.instance(g).get_func("_start").unwrap();
    match store.call_rooted(&guest_start, &[]) {
        Ok(_) => {}
        Err(t) => assert_eq!(t.kind, TrapKind::Exit(0)),
    }

    // Two modules wired together; a struct kept by the host across collections.
    let pi = store.instantiate_with(&producer, &Imports::new()).unwrap();
    let mut imports = Imports::new();
    imports.instance(&mut store, pi, "producer");
    imports.func("host", "note", &[ValType::I32], &[], |_, _| Ok(()));
    let ci = store.instantiate_with(&consumer, &imports).unwrap();
    let make = store.instance(pi).get_func("make").unwrap();
    let churn = store.instance(pi).get_func("churn").unwrap();
    let sum = store.instance(ci).get_func("sum").unwrap();
    let pair = store.call_rooted(&make, &i32s(&[20, 22])).unwrap().remove(0);
    let before = store.inner().raw(&pair).unwrap();
    store.call_rooted(&churn, &i32s(&[200_000])).unwrap();
    store.collect_garbage();
    assert_ne!(store.inner().raw(&pair).unwrap(), before, "the struct moved");
    let r = store.call_rooted(&sum, std::slice::from_ref(&pair)).unwrap();
    assert_eq!(r[0].plain(), Some(Val::I32(42)));
    // Arguments that are not values of the parameter's type are refused before the call:
    // a number, null and an `i31ref` where a `(ref $pair)` goes.
    for bad in [Val::I32(1), Val::Ref(0), Val::Ref(7)] {
        let e = store.call_rooted(&sum, &[bad.into()]).unwrap_err();
        assert_eq!(e.message(), "argument 0 is not a value of the parameter's type (ref 0)");
    }
}

/// A stand-in for a linked descriptor, with a wrong magic number: `linked_module!(fake)`
/// must find it under `wasmc_module_fake` and refuse it with a clear error.
#[repr(C)]
struct FakeDescriptor {
    magic: u64,
    fields: [usize; 6],
}

#[unsafe(no_mangle)]
#[allow(non_upper_case_globals)]
static wasmc_module_fake: FakeDescriptor = FakeDescriptor { magic: 0x1234, fields: [0; 6] };

/// `linked_module!(NAME)` names the descriptor symbol of `wasmc -c --module-name NAME` and
/// reports a descriptor of another ABI as an error, not a crash.
#[test]
fn issue_14_linked_module_finds_the_named_descriptor() {
    let err = wasmc_runtime::linked_module!(fake).err().expect("a wrong magic number");
    assert!(err.to_string().contains("0x1234"), "{err}");
}

/// Issue 33 (1): a C host's externs of one store are refused by another, as imports (each
/// kind: memory, table, global, tag, function), in calls, in global reads and as funcref
/// arguments, both while their store lives and after it was deleted, when nothing of it is
/// read. (Before the fix store B imported A's global and memory, stored its own GC object
/// into A's global, and after A's deletion read freed memory.)
#[test]
fn issue_33_a_c_host_cannot_use_one_stores_externs_in_another() {
    let dir = tempfile::tempdir().unwrap();
    let f = fixtures();
    let objs = objects(
        dir.path(),
        &[("owner", &f.join("owner.wat")), ("borrower", &f.join("borrower.wat"))],
    );
    let host = c_host(dir.path(), &f.join("stores.c"), &objs);
    let mut expected = String::from(
        "host: a's exports in b: cannot import `owner::memory`: the memory belongs to another store\n",
    );
    for deleted in ["", "deleted "] {
        for kind in ["memory", "table", "global", "tag", "seven"] {
            let word = if kind == "seven" { "function" } else { kind };
            expected += &format!(
                "host: {deleted}a's {kind} in b: cannot import `owner::{kind}`: the {word} \
                 belongs to another store\n"
            );
        }
        if deleted.is_empty() {
            expected += "host: a's global read through b: the global belongs to another store\n\
                host: a's function called through b: the function belongs to another store\n\
                host: a's funcref called in b: argument 0 is not a value of the parameter's type (ref null func)\n\
                host: b's funcref called in b = 7\n";
        }
    }
    expected += "host: deleted a's memory: 0 bytes at NULL; its table: 0 elements; its function: \
                 0 parameters, 0 results\n\
                 host: deleted a's memory grows: no\n\
                 host: deleted a's function called in b: the function belongs to another store\n\
                 host: deleted a's funcref called in b: argument 0 is not a value of the parameter's type (ref null func)\n\
                 host: b kept 5\n";
    for stress in [None, Some("1")] {
        let mut cmd = Command::new(&host);
        if let Some(n) = stress {
            cmd.env("WASMC_GC_STRESS", n).env("WASMC_GC_VERIFY", "1").env("WASMC_GC_POISON", "1");
        }
        let out = ok(&mut cmd);
        assert_eq!(text(&out.stdout), expected, "stress {stress:?}");
        assert_eq!(text(&out.stderr), "");
    }
}

/// Issue 33 (1), the Rust API: an extern of another store, alive or dropped, is refused at
/// instantiation, in calls and in global reads; a funcref of another store is not a value
/// of this one; what the host makes for a store (`Store::memory_new`, `table_new`,
/// `global_new`) belongs to it and holds no GC references.
#[test]
fn issue_33_a_rust_host_cannot_use_one_stores_externs_in_another() {
    let dir = tempfile::tempdir().unwrap();
    let f = fixtures();
    let objs = objects(
        dir.path(),
        &[("owner", &f.join("owner.wat")), ("borrower", &f.join("borrower.wat"))],
    );
    let owner = load(dir.path(), "owner", &objs[0]);
    let borrower = load(dir.path(), "borrower", &objs[1]);
    let config = StoreConfig::from_env().unwrap();
    let mut a = Store::new_with(&config).unwrap();
    let mut b = Store::new_with(&config).unwrap();
    let oa = a.instantiate_with(&owner, &Imports::new()).unwrap();
    let ob = b.instantiate_with(&owner, &Imports::new()).unwrap();
    let mut own = Imports::new();
    own.instance(&mut b, ob, "owner");
    let bi = b.instantiate_with(&borrower, &own).expect("imports of its own store");
    let names = ["memory", "table", "global", "tag", "seven"];
    let saved: Vec<Extern> = names.iter().map(|n| a.instance(oa).export(n).unwrap()).collect();
    let refused = |b: &mut Store, i: usize| {
        let mut imports = own.clone();
        imports.define("owner", names[i], saved[i].clone());
        match b.instantiate_with(&borrower, &imports) {
            Err(InstantiateError::Link(m)) => m,
            Err(e) => panic!("{e}"),
            Ok(_) => panic!("{} of another store accepted", names[i]),
        }
    };
    let kinds = ["memory", "table", "global", "tag", "function"];
    for i in 0..5 {
        let want =
            format!("the {} imported as `owner::{}` belongs to another store", kinds[i], names[i]);
        assert_eq!(refused(&mut b, i), want);
    }
    let Extern::Global(ga) = &saved[2] else { panic!("a global") };
    assert!(ga.get(b.inner()).is_none(), "a's global read through b");
    assert!(ga.get(a.inner()).is_some());
    let Extern::Func(seven) = &saved[4] else { panic!("a function") };
    let e = b.call_rooted(seven, &[]).unwrap_err();
    assert_eq!(e.message(), "the function belongs to another store");
    // A funcref of a is no value of b.
    let thunk_a = a.instance(oa).get_func("thunk").unwrap();
    let fa = a.call_rooted(&thunk_a, &[]).unwrap().remove(0);
    let call = b.instance(bi).get_func("call").unwrap();
    let e = b.call_rooted(&call, std::slice::from_ref(&fa)).unwrap_err();
    assert_eq!(e.message(), "argument 0 is not a value of the parameter's type (ref null func)");
    let funcref = ValType::Ref(RefType::FUNCREF);
    let fa_bits = fa.plain().unwrap();
    let e = b.global_new(GlobalType { ty: funcref, mutable: false }, fa_bits).err().unwrap();
    assert_eq!(e, "the initial value is not a value of the global's type (ref null func)");
    // Dropped: a's externs are refused without being read.
    drop(a);
    for i in 0..5 {
        assert!(refused(&mut b, i).ends_with("belongs to another store"));
    }
    let e = b.call_rooted(seven, &[]).unwrap_err();
    assert_eq!(e.message(), "the function belongs to another store");
    let e = b.call_rooted(&call, std::slice::from_ref(&fa)).unwrap_err();
    assert_eq!(e.message(), "argument 0 is not a value of the parameter's type (ref null func)");

    // What the host makes belongs to its store, and it holds no GC references.
    let memory = b.memory_new(&MemoryType { min: 1, max: None, memory64: false, shared: false });
    assert_eq!(memory.unwrap().store(), Some(b.inner().store_id()));
    let anyref = RefType { nullable: true, heap: HeapType::Any };
    let table = TableType { element: anyref, min: 1, max: None, table64: false };
    assert_eq!(
        b.table_new(&table).err().unwrap(),
        "a host table's elements are (ref null func), not (ref null any)"
    );
    let g = GlobalType { ty: ValType::Ref(anyref), mutable: true };
    assert_eq!(
        b.global_new(g, Val::Ref(0)).err().unwrap(),
        "a host global holds a number, a v128 or a (ref null func), not (ref null any)"
    );
    let g = b.global_new(GlobalType { ty: ValType::I64, mutable: false }, Val::I64(-3)).unwrap();
    let Extern::Global(g) = g else { panic!("a global") };
    assert_eq!(g.get(b.inner()), Some(Val::I64(-3)));
}

/// Issue 30: a C host initialises a reactor with `wasmc_instance_initialize` (once; the
/// export it calls afterwards sees the effect), and the Rust API's
/// `Store::initialize_reactor` refuses a module that exports both `_start` and
/// `_initialize`.
#[test]
fn issue_30_hosts_initialise_reactors() {
    let dir = tempfile::tempdir().unwrap();
    let f = fixtures();
    let objs = objects(dir.path(), &[("reactor", &f.join("reactor.wat"))]);
    let host = c_host(dir.path(), &f.join("reactor.c"), &objs);
    let out = ok(&mut Command::new(&host));
    assert_eq!(text(&out.stdout), "before 0, initialized yes, after 1\n");
    let both = dir.path().join("both.wat");
    std::fs::write(&both, r#"(module (func (export "_start")) (func (export "_initialize")))"#)
        .unwrap();
    let objs = objects(dir.path(), &[("both", &both)]);
    let module = load(dir.path(), "both", &objs[0]);
    let mut store = Store::new_with(&wasmc_runtime::embed::StoreConfig::default()).unwrap();
    let index = store.instantiate_with(&module, &Imports::new()).unwrap();
    let e = store.initialize_reactor(index).unwrap_err();
    assert!(e.to_string().contains("exports both `_start` and `_initialize`"), "{e}");
}
