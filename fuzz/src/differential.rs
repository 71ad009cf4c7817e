//! The `differential` oracle: a wasm-smith module (core, reference types, typed function
//! references, GC, tail calls, exceptions; no imports; loops bounded by wasm-smith's
//! `ensure_termination` fuel) is compiled by wasmc in-process (linked into a shared object
//! and loaded, as the spec runner does) and run with a collection at every allocation and
//! from-space poisoning; the `wasmtime` crate runs it with its copying collector. Every
//! exported function is called in export order with arguments drawn from the input; the
//! oracle compares results (numbers exactly, NaNs as NaNs, references by shape: null, i31
//! value, struct, array, function, other), traps by kind, then the exported globals and
//! memories after each call.
//!
//! Stack exhaustion or heap exhaustion on either side ends the comparison (the engines'
//! limits differ: both heaps are capped at [`HEAP_LIMIT`] bytes to keep the fuzzer's memory
//! bounded), as does an instantiation that fails on both sides.

use arbitrary::Unstructured;
use wasmc_gc::copying::GcConfig;
use wasmc_runtime::gc::RefClass;
use wasmc_runtime::instance::{Extern, Store, Val};
use wasmc_runtime::meta::ValType;
use wasmc_runtime::traps::{Trap, TrapKind};

/// The class of a trap, as both engines can report it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TrapClass {
    /// `unreachable`.
    Unreachable,
    /// Linear memory out of bounds.
    Memory,
    /// Table index out of bounds (`undefined element`, `out of bounds table access`).
    Table,
    /// Null: `call_indirect` of a null element, or a null reference dereferenced.
    Null,
    /// `call_indirect` signature mismatch.
    Signature,
    /// Integer overflow.
    Overflow,
    /// Division by zero.
    DivZero,
    /// Invalid float-to-int conversion.
    Conversion,
    /// Array index out of bounds.
    Array,
    /// A failed `ref.cast`.
    Cast,
    /// Out of memory / allocation too large.
    Oom,
    /// An uncaught exception.
    Exception,
    /// Stack exhaustion (inconclusive).
    Stack,
    /// Anything else, with its text.
    Other,
}

fn wasmc_class(t: &Trap) -> TrapClass {
    use wasmc_runtime::abi::TrapCode as C;
    match &t.kind {
        TrapKind::Wasm(c) => match c {
            C::Unreachable => TrapClass::Unreachable,
            C::MemoryOutOfBounds | C::HeapOutOfBounds => TrapClass::Memory,
            C::TableOutOfBounds | C::UndefinedElement => TrapClass::Table,
            C::UninitializedElement
            | C::NullReference
            | C::NullFunctionReference
            | C::NullStructReference
            | C::NullArrayReference
            | C::NullI31Reference => TrapClass::Null,
            C::IndirectCallTypeMismatch => TrapClass::Signature,
            C::IntegerOverflow => TrapClass::Overflow,
            C::IntegerDivisionByZero => TrapClass::DivZero,
            C::BadConversionToInteger => TrapClass::Conversion,
            C::ArrayOutOfBounds => TrapClass::Array,
            C::CastFailure => TrapClass::Cast,
            C::OutOfMemory | C::AllocationTooLarge => TrapClass::Oom,
            C::StackOverflow => TrapClass::Stack,
            _ => TrapClass::Other,
        },
        TrapKind::Exception(_) => TrapClass::Exception,
        _ => TrapClass::Other,
    }
}

fn wasmtime_class(e: &wasmtime::Error) -> TrapClass {
    use wasmtime::Trap as T;
    if e.downcast_ref::<wasmtime::ThrownException>().is_some() {
        return TrapClass::Exception;
    }
    match e.downcast_ref::<T>() {
        Some(T::UnreachableCodeReached) => TrapClass::Unreachable,
        Some(T::MemoryOutOfBounds) => TrapClass::Memory,
        Some(T::TableOutOfBounds) => TrapClass::Table,
        Some(T::IndirectCallToNull | T::NullReference) => TrapClass::Null,
        Some(T::BadSignature) => TrapClass::Signature,
        Some(T::IntegerOverflow) => TrapClass::Overflow,
        Some(T::IntegerDivisionByZero) => TrapClass::DivZero,
        Some(T::BadConversionToInteger) => TrapClass::Conversion,
        Some(T::ArrayOutOfBounds) => TrapClass::Array,
        Some(T::CastFailure) => TrapClass::Cast,
        Some(T::AllocationTooLarge) => TrapClass::Oom,
        Some(T::StackOverflow) => TrapClass::Stack,
        _ if format!("{e:?}").contains("GC heap out of memory") => TrapClass::Oom,
        _ => TrapClass::Other,
    }
}

/// A value as both engines can describe it.
#[derive(Clone, Debug, PartialEq)]
pub enum Shape {
    /// An integer, by bits.
    Int(u64),
    /// A float, by bits (`None`: some NaN).
    Float(Option<u64>),
    /// A null reference.
    Null,
    /// An `i31ref` with this (unsigned 31-bit) value.
    I31(u32),
    /// A struct.
    Struct,
    /// An array.
    Array,
    /// A non-null reference of another kind (function, extern, exception).
    NonNull,
}

fn float(bits: u64, is_nan: bool) -> Shape {
    Shape::Float((!is_nan).then_some(bits))
}

fn wasmc_shape(store: &mut Store, v: Val, ty: ValType) -> Shape {
    match v {
        Val::I32(x) => Shape::Int(x as u32 as u64),
        Val::I64(x) => Shape::Int(x as u64),
        Val::F32(b) => float(b as u64, f32::from_bits(b).is_nan()),
        Val::F64(b) => float(b, f64::from_bits(b).is_nan()),
        Val::Ref(r) => {
            // The any hierarchy is compared by kind; externs, functions and exceptions by
            // nullness (`extern.convert_any` keeps our representation, so an `externref`
            // may classify as a struct).
            use wasmc_runtime::meta::HeapType as H;
            let any = matches!(ty, ValType::Ref(t)
                if !matches!(t.heap, H::Func | H::NoFunc | H::Extern | H::NoExtern | H::Exn | H::NoExn));
            match store.inner().classify(r) {
                RefClass::Null => Shape::Null,
                RefClass::I31 if any => Shape::I31(wasmc_gc::layout::i31_value(r)),
                RefClass::Struct if any => Shape::Struct,
                RefClass::Array if any => Shape::Array,
                _ => Shape::NonNull,
            }
        }
    }
}

fn wasmtime_shape(store: &mut wasmtime::Store<wasmtime::StoreLimits>, v: &wasmtime::Val) -> Shape {
    use wasmtime::Val as V;
    match v {
        V::I32(x) => Shape::Int(*x as u32 as u64),
        V::I64(x) => Shape::Int(*x as u64),
        V::F32(b) => float(*b as u64, f32::from_bits(*b).is_nan()),
        V::F64(b) => float(*b, f64::from_bits(*b).is_nan()),
        V::AnyRef(None) | V::ExternRef(None) | V::FuncRef(None) | V::ExnRef(None) => Shape::Null,
        V::AnyRef(Some(r)) => {
            if let Ok(Some(i)) = r.as_i31(&*store) {
                Shape::I31(i.get_u32())
            } else if r.is_struct(&*store).unwrap_or(false) {
                Shape::Struct
            } else if r.is_array(&*store).unwrap_or(false) {
                Shape::Array
            } else {
                Shape::NonNull
            }
        }
        _ => Shape::NonNull,
    }
}

/// What a call did on one engine.
#[derive(Clone, Debug, PartialEq)]
enum Outcome {
    Returned(Vec<Shape>),
    Trapped(TrapClass),
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
    config.export_everything = true;
    config.max_memory32_bytes = 1 << 20;
    config.memory_max_size_required = true;
    config.max_table_elements = 1000;
    config.max_funcs = 20;
    config.max_instructions = 200;
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
        .collector(wasmtime::Collector::Copying);
    wasmtime::Engine::new(&c).expect("wasmtime configuration")
}

/// Runs the oracle on the module generated from `data`. `Ok(false)` when `data` did not
/// make a module (or wasmtime refused it), `Ok(true)` when the engines agreed.
///
/// # Errors
/// A disagreement, with the module as text where it can be printed.
pub fn run(data: &[u8]) -> Result<bool, String> {
    let mut u = Unstructured::new(data);
    let Ok(wasm) = module(&mut u) else { return Ok(false) };
    run_module(&wasm, &mut u)
}

/// Runs the oracle on `wasm`, drawing call arguments from `u`.
///
/// # Errors
/// As [`run`].
pub fn run_module(wasm: &[u8], u: &mut Unstructured<'_>) -> Result<bool, String> {
    thread_local! {
        static ENGINE: wasmtime::Engine = wasmtime_engine();
    }
    let engine = ENGINE.with(|e| e.clone());
    let Ok(tmodule) = wasmtime::Module::new(&engine, wasm) else { return Ok(false) };
    let compiled =
        match wasmc::compile(wasm, &wasmc::Config { verify_spills: true, ..Default::default() }) {
            Ok(c) => c,
            Err(wasmc::CompileError::Unsupported { .. }) => return Ok(false),
            Err(e) => return Err(format!("wasmc rejects a module wasmtime accepts: {e}")),
        };
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let loaded = wasmc_filetests::wast::load_shared(&compiled.object, dir.path(), "m")?;
    let gc = GcConfig {
        stress: Some(1),
        poison: true,
        initial: 1 << 20,
        max: HEAP_LIMIT,
        ..GcConfig::default()
    };
    let mut ours = Store::new(512 << 10, gc).map_err(|e| e.to_string())?;
    let limits = wasmtime::StoreLimitsBuilder::new().memory_size(HEAP_LIMIT).build();
    let mut theirs = wasmtime::Store::new(&engine, limits);
    theirs.limiter(|l| l);
    let t_inst = wasmtime::Instance::new(&mut theirs, &tmodule, &[]);
    let o_inst = ours.instantiate(&loaded.module, &mut |_| None);
    let (t_inst, o_inst) = match (t_inst, o_inst) {
        (Ok(t), Ok(o)) => (t, o),
        (Err(_), Err(_)) => return Ok(true),
        // Heap exhaustion while initialising (the engines' object sizes and limits differ).
        (Err(e), _) if wasmtime_class(&e) == TrapClass::Oom => return Ok(true),
        (_, Err(wasmc_runtime::instance::InstantiateError::Trap(t)))
            if wasmc_class(&t) == TrapClass::Oom =>
        {
            return Ok(true);
        }
        (t, o) => {
            return Err(format!(
                "instantiation: wasmtime {:?}, wasmc {:?}",
                t.err().map(|e| e.to_string()),
                o.err().map(|e| e.to_string())
            ));
        }
    };
    let exports: Vec<(String, wasmtime::ExternType)> =
        tmodule.exports().map(|e| (e.name().to_string(), e.ty())).collect();
    for (name, ty) in &exports {
        let wasmtime::ExternType::Func(fty) = ty else { continue };
        let mut t_args = Vec::new();
        let mut o_args = Vec::new();
        let mut callable = true;
        for p in fty.params() {
            use wasmtime::ValType as T;
            // Numbers: the same bits on both sides; references: null (non-nullable
            // parameters make the export uncallable here).
            let bits: u64 = u.arbitrary().unwrap_or(0);
            let (t, o) = match p {
                T::I32 => (wasmtime::Val::I32(bits as i32), Val::I32(bits as i32)),
                T::I64 => (wasmtime::Val::I64(bits as i64), Val::I64(bits as i64)),
                T::F32 => (wasmtime::Val::F32(bits as u32), Val::F32(bits as u32)),
                T::F64 => (wasmtime::Val::F64(bits), Val::F64(bits)),
                T::Ref(r) if r.is_nullable() => {
                    (wasmtime::Val::null_ref(r.heap_type()), Val::Ref(0))
                }
                _ => {
                    callable = false;
                    break;
                }
            };
            t_args.push(t);
            o_args.push(o);
        }
        if !callable {
            continue;
        }
        let t_func = t_inst.get_func(&mut theirs, name).ok_or("wasmtime lost an export")?;
        let mut t_results = vec![wasmtime::Val::I32(0); fty.results().len()];
        let t_out = match t_func.call(&mut theirs, &t_args, &mut t_results) {
            Ok(()) => Outcome::Returned(
                t_results.iter().map(|v| wasmtime_shape(&mut theirs, v)).collect(),
            ),
            Err(e) => Outcome::Trapped(wasmtime_class(&e)),
        };
        let Some(Extern::Func(o_func)) = ours.instance(o_inst).export(name) else {
            return Err(format!("wasmc lost the export `{name}`"));
        };
        let result_types = o_func.ty().results.clone();
        let o_out = match ours.call(&o_func, &o_args) {
            Ok(vals) => Outcome::Returned(
                vals.into_iter()
                    .zip(&result_types)
                    .map(|(v, t)| wasmc_shape(&mut ours, v, *t))
                    .collect(),
            ),
            Err(t) => Outcome::Trapped(wasmc_class(&t)),
        };
        let inconclusive =
            |o: &Outcome| matches!(o, Outcome::Trapped(TrapClass::Stack | TrapClass::Oom));
        if inconclusive(&t_out) || inconclusive(&o_out) {
            return Ok(true);
        }
        if t_out != o_out {
            return Err(format!("`{name}`: wasmtime {t_out:?}, wasmc {o_out:?}"));
        }
        compare_state(&exports, &t_inst, &mut theirs, &mut ours, o_inst)
            .map_err(|e| format!("after `{name}`: {e}"))?;
    }
    drop(ours);
    drop(loaded);
    Ok(true)
}

/// Compares the exported globals and memories of the two instances.
fn compare_state(
    exports: &[(String, wasmtime::ExternType)],
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
                let (v, gt) = (g.get(), g.ty.ty);
                let (ts, os) = (wasmtime_shape(theirs, &t), wasmc_shape(ours, v, gt));
                if ts != os {
                    return Err(format!("global `{name}`: wasmtime {ts:?}, wasmc {os:?}"));
                }
            }
            wasmtime::ExternType::Memory(_) => {
                let t = t_inst.get_memory(&mut *theirs, name).ok_or("memory")?;
                let Some(Extern::Memory(m)) = ours.instance(o_inst).export(name) else {
                    return Err(format!("wasmc lost the memory `{name}`"));
                };
                // SAFETY: exported memories live as long as their store.
                let o = unsafe { (*m).data() };
                let td = t.data(&*theirs);
                if td != o {
                    let first = td.iter().zip(o).position(|(a, b)| a != b);
                    return Err(format!(
                        "memory `{name}`: sizes {} / {}, first difference at {first:?}",
                        td.len(),
                        o.len()
                    ));
                }
            }
            _ => {}
        }
    }
    Ok(())
}
