//! Roots are never lost (issue 11): compiled modules loaded into this process, run under GC
//! stress (a collection at every allocation) and poisoning (from-space is filled and
//! protected after each collection, so a stale reference faults at once):
//! - code lookups of the collector never fail while another thread registers and
//!   unregisters modules;
//! - several stores on one thread (A → host → B → host → A) each find their own frames,
//!   and a store first entered from another store's host call gets a stack limit;
//! - references held by the host (rooted handles, host-function arguments) survive a
//!   re-entry into Wasm that collects.

use std::cell::UnsafeCell;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use wasmc_filetests::wast::{Loaded, load_shared};
use wasmc_gc::GcConfig;
use wasmc_runtime::abi::TrapCode;
use wasmc_runtime::instance::{Extern, Func, HostFunc, RootedVal, StoreInner, Val};
use wasmc_runtime::meta::{FuncType, HeapType, RefType, ValType};
use wasmc_runtime::registry;
use wasmc_runtime::roots::RootError;
use wasmc_runtime::store::Store;
use wasmc_runtime::traps::TrapKind;

/// Bytes of stack for Wasm code in these tests; the test threads get more.
const WASM_STACK: usize = 1 << 20;

/// A module compiled from `wat` and loaded, with the directory holding its shared object.
struct Module {
    loaded: Loaded,
    _dir: tempfile::TempDir,
}

fn load(wat: &str) -> Module {
    let wasm = wat::parse_str(wat).expect("the test module parses");
    let compiled = wasmc::compile(&wasm, &wasmc::Config::default()).expect("it compiles");
    let dir = tempfile::tempdir().expect("a temporary directory");
    let loaded = load_shared(&compiled.object, dir.path(), "m").expect("it loads");
    Module { loaded, _dir: dir }
}

/// Collect at every allocation and poison from-space.
fn stress() -> GcConfig {
    GcConfig { initial: 1 << 20, stress: Some(1), poison: true, ..GcConfig::default() }
}

/// The plain values of a call's results (a GC reference result is `None`), its trap's
/// kind on failure.
fn plain(
    r: Result<Vec<RootedVal>, wasmc_runtime::traps::Trap>,
) -> Result<Vec<Option<Val>>, TrapKind> {
    r.map(|v| v.iter().map(RootedVal::plain).collect()).map_err(|t| t.kind)
}

/// Runs `f` on a thread with room for Wasm's stack and host frames.
fn on_big_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(WASM_STACK * 8)
        .spawn(f)
        .expect("a test thread")
        .join()
        .expect("the test thread does not panic");
}

/// A value set once after instantiation and read by host functions on the same thread
/// (host functions must be `Send + Sync`; these are only ever called on the thread that
/// owns the stores).
struct Late<T>(UnsafeCell<Option<T>>);

// SAFETY: a `Late` is written before and read during calls on a single thread (the test's),
// never concurrently.
unsafe impl<T> Sync for Late<T> {}
// SAFETY: as above.
unsafe impl<T> Send for Late<T> {}

impl<T> Late<T> {
    fn new() -> Arc<Late<T>> {
        Arc::new(Late(UnsafeCell::new(None)))
    }

    fn set(&self, v: T) {
        // SAFETY: see `impl Sync`; no reference from `get` is alive while it is set.
        unsafe { *self.0.get() = Some(v) };
    }

    fn get(&self) -> &T {
        // SAFETY: see `impl Sync`.
        unsafe { (*self.0.get()).as_ref().expect("set before use") }
    }
}

/// A raw pointer to a store, for host functions that enter another store.
#[derive(Clone, Copy)]
struct StorePtr(*mut Store);

// SAFETY: host functions holding a `StorePtr` run only on the thread that owns the store.
unsafe impl Send for StorePtr {}
// SAFETY: as above.
unsafe impl Sync for StorePtr {}

fn export_func(store: &mut Store, instance: usize, name: &str) -> Func {
    match store.instance(instance).export(name) {
        Some(Extern::Func(f)) => f,
        _ => panic!("no exported function {name}"),
    }
}

fn host(
    params: Vec<ValType>,
    f: impl Fn(&mut wasmc_runtime::instance::Caller<'_>, &mut [u64]) -> Result<(), TrapKind>
    + Send
    + Sync
    + 'static,
) -> Arc<HostFunc> {
    Arc::new(HostFunc { ty: FuncType { params, results: vec![] }, func: Box::new(f) })
}

fn instantiate(store: &mut Store, m: &Module, imports: &[(&str, Arc<HostFunc>)]) -> usize {
    let mut resolve = |i: &wasmc_runtime::meta::Import| {
        imports.iter().find(|(n, _)| *n == i.name).map(|(_, h)| Extern::HostFunc(h.clone()))
    };
    store.instantiate(&m.loaded.module, &mut resolve).expect("it instantiates")
}

/// `run(d)` keeps a struct holding `100 + d` in a local across a call to the host, then
/// allocates (collects) and reads it.
const NESTING: &str = r#"
(module
  (type $s (struct (field i32)))
  (import "host" "out" (func $out (param i32)))
  (func (export "run") (param $d i32) (result i32)
    (local $x (ref null $s))
    (local.set $x (struct.new $s (i32.add (i32.const 100) (local.get $d))))
    (call $out (local.get $d))
    (drop (struct.new $s (i32.const 0)))
    (drop (struct.new $s (i32.const 1)))
    (struct.get $s 0 (local.get $x))))
"#;

/// Store A → host → store B → host → A, with a live reference in every Wasm frame and a
/// collection in each store after the inner calls return: each store must scan exactly
/// its own frames (before the fix, A's collection paired A's exit frame with B's entry
/// frame and never scanned A's outer frames, whose reference then faulted).
#[test]
fn interleaved_stores_find_their_own_frames() {
    on_big_stack(|| {
        let m = load(NESTING);
        let mut a = Store::new(WASM_STACK, stress()).expect("store A");
        let mut b = Store::new(WASM_STACK, stress()).expect("store B");
        let (pa, pb) = (StorePtr(&mut a), StorePtr(&mut b));
        let (run_a, run_b) = (Late::<Func>::new(), Late::<Func>::new());
        let (ra, rb) = (run_a.clone(), run_b.clone());
        let nested = Arc::new(std::sync::atomic::AtomicU32::new(0));
        let nested2 = nested.clone();
        let out_a = host(vec![ValType::I32], move |_, vals| {
            let pb = pb;
            if vals[0] as u32 != 0 {
                return Ok(());
            }
            // SAFETY: store B is alive and not in use: this thread runs store A's host
            // function, called from A's outermost activation.
            let r = unsafe { (*pb.0).call(rb.get(), &[Val::I32(1)]) };
            match plain(r) {
                Ok(v) if v == [Some(Val::I32(101))] => Ok(()),
                other => Err(TrapKind::Host(format!("B.run(1) gave {other:?}"))),
            }
        });
        let out_b = host(vec![ValType::I32], move |_, vals| {
            let pa = pa;
            // SAFETY: re-entering store A from B's host function, on A's thread, is how
            // the embedding API nests stores; A's outer call is suspended in host code.
            let inner: &mut StoreInner = unsafe { (*pa.0).inner() };
            nested2.fetch_add(1, Ordering::Relaxed);
            match plain(inner.call(ra.get(), &[Val::I32(vals[0] as u32 as i32 + 1)])) {
                Ok(v) if v == [Some(Val::I32(102))] => Ok(()),
                other => Err(TrapKind::Host(format!("A.run(2) gave {other:?}"))),
            }
        });
        let ia = instantiate(&mut a, &m, &[("out", out_a)]);
        let ib = instantiate(&mut b, &m, &[("out", out_b)]);
        run_a.set(export_func(&mut a, ia, "run"));
        run_b.set(export_func(&mut b, ib, "run"));
        for _ in 0..20 {
            let r = a.call(run_a.get(), &[Val::I32(0)]);
            let message = r.as_ref().err().map_or(String::new(), |t| t.to_string());
            assert_eq!(plain(r), Ok(vec![Some(Val::I32(100))]), "{message}");
        }
        assert_eq!(nested.load(Ordering::Relaxed), 20, "A → B → A nested every time");
    });
}

/// Unbounded recursion in a store first entered from another store's host call traps with
/// "call stack exhausted" (before the fix it ran with no stack limit and crashed).
#[test]
fn store_entered_from_another_store_has_a_stack_limit() {
    on_big_stack(|| {
        let outer = load(NESTING);
        let deep = load(
            r#"(module
                 (func $rec (export "rec") (param i32) (result i32)
                   (i32.add (call $rec (i32.add (local.get 0) (i32.const 1))) (i32.const 1))))"#,
        );
        let mut a = Store::new(WASM_STACK, stress()).expect("store A");
        let mut b = Store::new(WASM_STACK, GcConfig::default()).expect("store B");
        let pb = StorePtr(&mut b);
        let ib = instantiate(&mut b, &deep, &[]);
        let rec = Late::<Func>::new();
        rec.set(export_func(&mut b, ib, "rec"));
        let rec2 = rec.clone();
        let out = host(vec![ValType::I32], move |caller, _| {
            let pb = pb;
            *caller.store().data_mut::<u32>().expect("the store's data is a u32") += 1;
            // SAFETY: store B is alive and not in use on this thread.
            let r = unsafe { (*pb.0).call(rec2.get(), &[Val::I32(0)]) };
            match r {
                Err(t) if t.kind == TrapKind::Wasm(TrapCode::StackOverflow) => Ok(()),
                other => Err(TrapKind::Host(format!("B.rec gave {:?}", other.map_err(|t| t.kind)))),
            }
        });
        let ia = instantiate(&mut a, &outer, &[("out", out)]);
        let run = export_func(&mut a, ia, "run");
        // The store's own data (host state) is what host functions see through `Caller`.
        assert!(a.inner().set_data(0u32).is_none());
        assert_eq!(plain(a.call(&run, &[Val::I32(0)])), Ok(vec![Some(Val::I32(100))]));
        assert_eq!(a.inner().data::<u32>(), Some(&1));
        assert_eq!(a.inner().data::<i64>(), None);
        // Entered directly, B traps the same way.
        let r = b.call(rec.get(), &[Val::I32(0)]);
        assert_eq!(plain(r), Err(TrapKind::Wasm(TrapCode::StackOverflow)));
    });
}

const HOST_ROOTS: &str = r#"
(module
  (type $s (struct (field i32)))
  (import "host" "keep" (func $keep (param (ref $s))))
  (func (export "make_and_keep") (param i32)
    (call $keep (struct.new $s (local.get 0))))
  (func (export "churn") (param $n i32)
    (loop $l
      (drop (struct.new $s (i32.const 7)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
  (func (export "get") (param (ref null $s)) (result i32)
    (struct.get $s 0 (local.get 0)))
  (func (export "make") (param i32) (result (ref $s) i32 (ref null $s) i31ref)
    (struct.new $s (local.get 0)) (local.get 0) (ref.null $s) (ref.i31 (local.get 0))))
"#;

/// A host function keeps its reference argument (in its value slot, in a scoped root and
/// in an owned root), re-enters Wasm, which collects, then reads it: every copy follows
/// the move. The owned root also survives the host call; the scoped one ends with it.
#[test]
fn host_held_references_survive_collections() {
    on_big_stack(|| {
        let m = load(HOST_ROOTS);
        let mut store = Store::new(WASM_STACK, stress()).expect("a store");
        let churn = Late::<Func>::new();
        let get = Late::<Func>::new();
        let kept = Late::<std::cell::RefCell<Vec<_>>>::new();
        kept.set(std::cell::RefCell::new(Vec::new()));
        let (c, g, k) = (churn.clone(), get.clone(), kept.clone());
        let s_ty = ValType::Ref(RefType { nullable: false, heap: HeapType::Concrete(0) });
        let keep = host(vec![s_ty], move |caller, vals| {
            let owned = caller.store().root_owned(vals[0] as usize);
            let scoped = caller.store().root(vals[0] as usize);
            let param = caller.param_root(0).expect("the argument is a GC reference");
            let fail = |what: String| Err(TrapKind::Host(what));
            caller.call(c.get(), &[Val::I32(20)]).map_err(|t| t.kind)?;
            // The argument's root followed the move.
            let arg = caller.store().get_root(&param).expect("rooted for the call");
            match plain(caller.call(g.get(), &[Val::Ref(arg)])) {
                Ok(v) if v == [Some(Val::I32(42))] || v == [Some(Val::I32(43))] => {}
                other => return fail(format!("get(argument) gave {other:?}")),
            }
            let store = caller.store();
            if store.get_root(&scoped) != Ok(arg) || store.get_owned_root(&owned) != Ok(arg) {
                return fail("roots disagree with the argument".into());
            }
            k.get().borrow_mut().push((owned, scoped, param));
            Ok(())
        });
        let i = instantiate(&mut store, &m, &[("keep", keep)]);
        churn.set(export_func(&mut store, i, "churn"));
        get.set(export_func(&mut store, i, "get"));
        let make = export_func(&mut store, i, "make_and_keep");
        let r = store.call(&make, &[Val::I32(42)]);
        assert!(r.is_ok(), "{}", r.err().map_or(String::new(), |t| t.to_string()));
        store.call(churn.get(), &[Val::I32(20)]).expect("churn runs");
        let (owned, scoped, param) = kept.get().borrow_mut().pop().expect("keep ran");
        assert_eq!(store.inner().get_root(&scoped), Err(RootError::ScopeEnded));
        assert_eq!(store.inner().get_root(&param), Err(RootError::ScopeEnded));
        let r = store.inner().get_owned_root(&owned).expect("the owned root is alive");
        assert_eq!(plain(store.call(get.get(), &[Val::Ref(r)])), Ok(vec![Some(Val::I32(42))]));
        // A scoped root made by the host in a scope, read after collections.
        store.root_scope(|store| {
            let raw = store.call(&make, &[Val::I32(43)]).map(|_| ());
            assert_eq!(raw, Ok(()));
            let (o, _, _) = kept.get().borrow_mut().pop().expect("keep ran");
            let raw = store.inner().get_owned_root(&o).expect("alive");
            let h = store.inner().root(raw);
            drop(o);
            store.call(churn.get(), &[Val::I32(20)]).expect("churn runs");
            let r = store.inner().get_root(&h).expect("in scope");
            assert_eq!(plain(store.call(get.get(), &[Val::Ref(r)])), Ok(vec![Some(Val::I32(43))]));
        });
        assert_eq!(store.inner().roots.len(), 1, "only `owned` is still rooted");
        drop(owned);
        store.call(churn.get(), &[Val::I32(1)]).expect("churn runs");
        assert!(store.inner().roots.is_empty());
    });
}

/// `Store::call` hands back a GC object as an owned root: it survives collections (in
/// later calls) and reads the moved object; null and `i31` results stay plain values.
#[test]
fn call_results_are_rooted() {
    on_big_stack(|| {
        let m = load(HOST_ROOTS);
        let mut store = Store::new(WASM_STACK, stress()).expect("a store");
        let keep = host(
            vec![ValType::Ref(RefType { nullable: false, heap: HeapType::Concrete(0) })],
            |_, _| Ok(()),
        );
        let i = instantiate(&mut store, &m, &[("keep", keep)]);
        let make = export_func(&mut store, i, "make");
        let churn = export_func(&mut store, i, "churn");
        let get = export_func(&mut store, i, "get");
        let results = store.call(&make, &[Val::I32(42)]).expect("make runs");
        let [RootedVal::Gc(object), plain_i32, null, i31] = &results[..] else {
            panic!("results {results:?}")
        };
        assert_eq!(plain_i32.plain(), Some(Val::I32(42)));
        assert_eq!(null.plain(), Some(Val::Ref(0)));
        assert_eq!(i31.plain(), Some(Val::Ref(42 << 1 | 1)));
        // Collections at every allocation move the object (and poison where it was).
        store.call(&churn, &[Val::I32(20)]).expect("churn runs");
        let moved = store.inner().raw(&results[0]).expect("rooted");
        assert_eq!(store.inner().get_owned_root(object).map(Val::Ref), Ok(moved));
        assert_eq!(plain(store.call(&get, &[moved])), Ok(vec![Some(Val::I32(42))]));
        let mut other = Store::new(WASM_STACK, stress()).expect("a store");
        assert_eq!(other.inner().raw(&results[0]), Err(RootError::WrongStore));
    });
}

/// A function of one store can be neither called through nor imported into another: it
/// would run on the other store's heap in an activation of this one, whose collections
/// would not walk its frames.
#[test]
fn functions_of_another_store_are_refused() {
    on_big_stack(|| {
        let m = load(HOST_ROOTS);
        let keep = || {
            host(
                vec![ValType::Ref(RefType { nullable: false, heap: HeapType::Concrete(0) })],
                |_, _| Ok(()),
            )
        };
        let mut a = Store::new(WASM_STACK, stress()).expect("a store");
        let mut b = Store::new(WASM_STACK, stress()).expect("a store");
        instantiate(&mut a, &m, &[("keep", keep())]);
        let ib = instantiate(&mut b, &m, &[("keep", keep())]);
        let b_churn = export_func(&mut b, ib, "churn");
        let r = a.call(&b_churn, &[Val::I32(3)]);
        assert_eq!(plain(r), Err(TrapKind::Host("the function belongs to another store".into())));
        let wat = r#"(module (import "m" "f" (func (param i32))))"#;
        let importer = load(wat);
        let mut resolve = |_: &wasmc_runtime::meta::Import| Some(Extern::Func(b_churn.clone()));
        let e = a.instantiate(&importer.loaded.module, &mut resolve).err().map(|e| e.to_string());
        assert_eq!(e.as_deref(), Some("the function imported as `m::f` belongs to another store"));
        // Its own store still calls it.
        assert_eq!(plain(b.call(&b_churn, &[Val::I32(3)])), Ok(vec![]));
    });
}

/// The WASI context is store data: by default the data itself
/// (`wasi::wasi_import`), or wherever the embedder's accessor finds it in its own type
/// (`wasi::wasi_import_with`). `fd_fdstat_get(1)` answers with stdout's filetype; without
/// a context where the import looks, the call is a host trap.
#[test]
fn wasi_context_is_store_data() {
    use wasmc_runtime::wasi::{WasiCtx, wasi_import, wasi_import_with};
    struct Embedder {
        calls: u32,
        wasi: WasiCtx,
    }
    on_big_stack(|| {
        let m = load(
            r#"(module
              (import "wasi_snapshot_preview1" "fd_fdstat_get"
                (func $fdstat (param i32 i32) (result i32)))
              (memory (export "memory") 1)
              (func (export "stat") (result i32) (call $fdstat (i32.const 1) (i32.const 64))))"#,
        );
        let run = |data: Option<Embedder>, with_accessor: bool| {
            let mut store = Store::new(WASM_STACK, stress()).expect("a store");
            match data {
                Some(e) if with_accessor => drop(store.inner().set_data(e)),
                Some(e) => drop(store.inner().set_data(e.wasi)),
                None => {}
            }
            let mut resolve = |i: &wasmc_runtime::meta::Import| {
                let wasmc_runtime::meta::ImportKind::Func(ty) = i.kind else { return None };
                let ft = m.loaded.module.meta.types[ty as usize].as_func()?;
                Some(Extern::HostFunc(if with_accessor {
                    wasi_import_with(&i.name, ft, |d| {
                        d.downcast_mut::<Embedder>().map(|e| {
                            e.calls += 1;
                            &e.wasi
                        })
                    })
                } else {
                    wasi_import(&i.name, ft)
                }))
            };
            let inst = store.instantiate(&m.loaded.module, &mut resolve).expect("it instantiates");
            let stat = export_func(&mut store, inst, "stat");
            let r = plain(store.call(&stat, &[]));
            let calls = store.inner().data::<Embedder>().map(|e| e.calls);
            (r, calls)
        };
        let ctx = || WasiCtx::new(vec![], vec![], &[]).expect("a WASI context");
        let embedder = || Some(Embedder { calls: 0, wasi: ctx() });
        assert_eq!(run(embedder(), false), (Ok(vec![Some(Val::I32(0))]), None));
        assert_eq!(run(embedder(), true), (Ok(vec![Some(Val::I32(0))]), Some(1)));
        let unconfigured = Err(TrapKind::Host("WASI is not configured for this store".into()));
        assert_eq!(run(None, true), (unconfigured.clone(), None));
        assert_eq!(run(None, false).0, unconfigured);
    });
}

/// `list(n)` builds a list of `n` structs by recursion, keeping each in its frame, then
/// sums their fields on the way back: collections at every allocation walk all frames.
const DEEP_LIST: &str = r#"
(module
  (type $node (struct (field i32) (field (ref null $node))))
  (func $list (export "list") (param $n i32) (param $next (ref null $node)) (result i32)
    (local $me (ref null $node))
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 0))
      (else
        (local.set $me (struct.new $node (local.get $n) (local.get $next)))
        (i32.add
          (call $list (i32.sub (local.get $n) (i32.const 1)) (local.get $me))
          (struct.get $node 0 (local.get $me)))))))
"#;

/// While another thread registers and unregisters modules in a loop (and now and then
/// loads and unloads a freshly compiled one), a program collecting at every allocation
/// keeps every frame's references: no stack map lookup of the collector fails.
#[test]
fn collections_while_modules_come_and_go() {
    on_big_stack(|| {
        let m = load(DEEP_LIST);
        let other = load(DEEP_LIST);
        let other_module = other.loaded.module.clone();
        let stop = Arc::new(AtomicBool::new(false));
        let churner = {
            let stop = stop.clone();
            std::thread::spawn(move || {
                let mut rounds = 0u32;
                while !stop.load(Ordering::Relaxed) {
                    registry::unregister(&other_module);
                    registry::register(&other_module);
                    rounds += 1;
                    if rounds % 20_000 == 0 {
                        // A real load and unload (compile, link, dlopen, register; then
                        // unregister and dlclose).
                        drop(load("(module (func (export \"f\")))"));
                    }
                }
                drop(other);
                rounds
            })
        };
        let mut store = Store::new(WASM_STACK, stress()).expect("a store");
        let i = instantiate(&mut store, &m, &[]);
        let list = export_func(&mut store, i, "list");
        let n = 100;
        for _ in 0..30 {
            let r = store.call(&list, &[Val::I32(n), Val::Ref(0)]);
            let message = r.as_ref().err().map_or(String::new(), |t| t.to_string());
            assert_eq!(plain(r), Ok(vec![Some(Val::I32(n * (n + 1) / 2))]), "{message}");
        }
        stop.store(true, Ordering::Relaxed);
        assert!(churner.join().expect("the churner does not panic") > 0);
    });
}
