//! The C embedding API, `include/wasmc.h` (`wasmc --print-include-dir`): `extern "C"`
//! wrappers over [`crate::embed`] with opaque handles. The header documents each
//! function; this file gives the representation behind each handle.
//!
//! - `wasmc_store_t` is a [`CStore`]: the [`Store`] and the memories, tables and globals
//!   the host made for it (which the store's instances may import).
//! - `wasmc_instance_t` is the store's boxed [`Instance`] itself (stable, freed with the
//!   store).
//! - `wasmc_extern_t` is `{kind, index, store, owner}`: `store` is the owning store's
//!   [`StoreId`]; a function or an instance's global is `(instance, index)`; a memory, table
//!   or tag is its object's address; a host global is its [`HostGlobal`]'s address with
//!   index `u32::MAX`. The store is checked before the owner is read: an extern used with
//!   another store than its own, or after its store was deleted, is refused (issue 33).
//! - `wasmc_ref_t` is a boxed [`RootedVal`]: a root for a GC object, else the plain bits
//!   (an `i31ref` or a `funcref`, which never move).
//! - `wasmc_error_t` is a [`CError`]: a trap, a link error or a misuse, with its strings
//!   ready as C strings.
//!
//! The build script (`compiler/build.rs`) keeps every function the header declares in the
//! prelinked runtime library. No function here panics on a caller's mistake that the header
//! allows (a wrong count or kind is an error value); null handles where the header does not
//! allow them are undefined behaviour, as in any C API.

use std::collections::HashMap;
use std::ffi::{CStr, CString, c_char, c_void};
use std::sync::Arc;

use crate::abi::VMTag;
use crate::embed::{
    Caller, Extern, Func, Global, GlobalType, HostFunc, Import, ImportKind, Instance,
    InstantiateError, Memory, Module, RootedVal, Store, StoreConfig, StoreId, Trap, TrapKind, Val,
    ValType, WasiConfig,
};
use crate::instance::HostGlobal;
use crate::meta::{ExportKind, HeapType, MemoryType, RefType, TableType};
use crate::table::Table;
use wasmc_gc::CollectorKind;

const I32: u32 = 0;
const I64: u32 = 1;
const F32: u32 = 2;
const F64: u32 = 3;
const REF: u32 = 4;
const V128: u32 = 5;

const EXTERN_FUNC: u32 = 0;
const EXTERN_TABLE: u32 = 1;
const EXTERN_MEMORY: u32 = 2;
const EXTERN_GLOBAL: u32 = 3;
const EXTERN_TAG: u32 = 4;

/// `wasmc_val_t`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct CVal {
    /// `WASMC_I32` ... `WASMC_REF`.
    pub kind: u32,
    /// The value.
    pub of: CValOf,
}

/// The payload of a [`CVal`].
#[repr(C)]
#[derive(Clone, Copy)]
pub union CValOf {
    /// `i32`
    pub i32: i32,
    /// `i64`
    pub i64: i64,
    /// `f32`
    pub f32: f32,
    /// `f64`
    pub f64: f64,
    /// A reference handle (null: the null reference).
    pub r#ref: *mut CRef,
    /// `v128`: its 16 bytes in memory order (lane 0 first, each lane little-endian).
    pub v128: [u8; 16],
}

/// `wasmc_extern_t`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct CExtern {
    /// `WASMC_EXTERN_*`.
    pub kind: u32,
    /// The index in `owner` (functions, instances' globals), else 0 or `u32::MAX`.
    pub index: u32,
    /// The owning store's [`StoreId`] ([`StoreId::to_raw`]).
    pub store: u64,
    /// The instance or object.
    pub owner: *mut c_void,
}

/// `wasmc_ref_t`.
pub struct CRef(RootedVal);

/// `wasmc_store_t`: the store (which owns the memories, tables and globals the host
/// makes for it).
pub struct CStore {
    store: Store,
}

/// One frame of a [`CError`]'s backtrace.
struct CFrame {
    func: CString,
    module: Option<CString>,
    index: u32,
}

/// `wasmc_error_t`.
pub struct CError {
    message: CString,
    report: CString,
    trap: bool,
    exit: Option<i32>,
    frames: Vec<CFrame>,
}

/// A C string of `s` (a NUL inside is written `\0`).
fn cstring(s: &str) -> CString {
    CString::new(s.replace('\0', "\\0")).expect("no NUL left")
}

impl CError {
    /// An error whose message (also its report) is `message` on one line: control,
    /// bidirectional and line-separator characters escaped, as the CLI prints errors, so
    /// that names a module chose (imports, exports) cannot forge lines or terminal escapes
    /// in a host's log (issue 33).
    fn new(message: &str) -> Box<CError> {
        let m = cstring(&crate::printable::escape_line(message));
        Box::new(CError { report: m.clone(), message: m, trap: false, exit: None, frames: vec![] })
    }

    fn trap(t: &Trap) -> Box<CError> {
        let frames = t
            .backtrace
            .iter()
            .map(|f| CFrame {
                func: cstring(&f.name),
                module: f.module.as_deref().map(cstring),
                index: f.func_index,
            })
            .collect();
        let exit = match t.kind {
            TrapKind::Exit(c) => Some(c),
            _ => None,
        };
        Box::new(CError {
            message: cstring(&crate::printable::escape_line(&t.message())),
            report: cstring(&t.to_string()),
            trap: true,
            exit,
            frames,
        })
    }

    fn from_instantiate(e: InstantiateError) -> Box<CError> {
        match e {
            InstantiateError::Trap(t) => CError::trap(&t),
            other => CError::new(&other.to_string()),
        }
    }
}

type CResult = *mut CError;

fn fail(message: impl AsRef<str>) -> CResult {
    Box::into_raw(CError::new(message.as_ref()))
}

/// `s` as UTF-8 (lossily).
///
/// # Safety
/// `s` is a NUL-terminated string.
unsafe fn str_of(s: *const c_char) -> String {
    // SAFETY: forwarded.
    unsafe { CStr::from_ptr(s) }.to_string_lossy().into_owned()
}

fn kind_of(t: ValType) -> u32 {
    match t {
        ValType::I32 => I32,
        ValType::I64 => I64,
        ValType::F32 => F32,
        ValType::F64 => F64,
        ValType::Ref(_) => REF,
        ValType::V128 => V128,
    }
}

fn kind_name(k: u32) -> &'static str {
    match k {
        I32 => "i32",
        I64 => "i64",
        F32 => "f32",
        F64 => "f64",
        REF => "ref",
        V128 => "v128",
        _ => "an unknown kind",
    }
}

/// The raw value of `v`, which must have the kind of `ty`.
fn val_in(store: &mut Store, v: &CVal, ty: ValType) -> Result<Val, String> {
    let want = kind_of(ty);
    if v.kind != want {
        return Err(format!("expected {}, got {}", kind_name(want), kind_name(v.kind)));
    }
    // SAFETY: the kind says which member is set.
    Ok(unsafe {
        match v.kind {
            I32 => Val::I32(v.of.i32),
            I64 => Val::I64(v.of.i64),
            F32 => Val::F32(v.of.f32.to_bits()),
            F64 => Val::F64(v.of.f64.to_bits()),
            V128 => Val::V128(u128::from_le_bytes(v.of.v128)),
            _ if v.of.r#ref.is_null() => Val::Ref(0),
            _ => store.inner().raw(&(*v.of.r#ref).0).map_err(|e| e.to_string())?,
        }
    })
}

/// `v` (of type `ty`) as a C value; a reference becomes a new handle (null for null).
fn val_out(v: RootedVal, ty: ValType) -> CVal {
    let kind = kind_of(ty);
    let of = match v {
        RootedVal::Plain(Val::I32(x)) => CValOf { i32: x },
        RootedVal::Plain(Val::I64(x)) => CValOf { i64: x },
        RootedVal::Plain(Val::F32(x)) => CValOf { f32: f32::from_bits(x) },
        RootedVal::Plain(Val::F64(x)) => CValOf { f64: f64::from_bits(x) },
        RootedVal::Plain(Val::V128(x)) => CValOf { v128: x.to_le_bytes() },
        RootedVal::Plain(Val::Ref(0)) => CValOf { r#ref: std::ptr::null_mut() },
        other => CValOf { r#ref: Box::into_raw(Box::new(CRef(other))) },
    };
    CVal { kind, of }
}

fn kind_word(kind: u32) -> &'static str {
    match kind {
        EXTERN_FUNC => "function",
        EXTERN_TABLE => "table",
        EXTERN_MEMORY => "memory",
        EXTERN_GLOBAL => "global",
        EXTERN_TAG => "tag",
        _ => "extern",
    }
}

/// The runtime's view of a C extern, if its store is alive; nothing behind `owner` is
/// read otherwise.
///
/// # Errors
/// The extern's store was deleted, or the extern is not one this API made, in one line.
///
/// # Safety
/// `e` was made by this API (its store may since have been deleted).
unsafe fn extern_of(e: &CExtern) -> Result<Extern, String> {
    let what = kind_word(e.kind);
    let Some(store) = StoreId::from_raw(e.store).filter(|s| s.is_live()) else {
        return Err(format!("the {what} belongs to a deleted store"));
    };
    // SAFETY: the owner is what `kind` says (see the module docs), alive with its store,
    // which is alive (checked above).
    unsafe {
        Ok(match e.kind {
            EXTERN_FUNC => {
                let inst = &mut *(e.owner as *mut Instance);
                if e.index as usize >= inst.func_count() {
                    return Err(format!("no function {} in its instance", e.index));
                }
                Extern::Func(inst.func(e.index))
            }
            EXTERN_GLOBAL if e.index == u32::MAX => {
                let g = &mut *(e.owner as *mut HostGlobal);
                Extern::Global(Global { store, cell: &mut g.cell, ty: g.ty })
            }
            EXTERN_GLOBAL => (*(e.owner as *mut Instance))
                .global(e.index)
                .map(Extern::Global)
                .ok_or_else(|| format!("no global {} in its instance", e.index))?,
            EXTERN_MEMORY => Extern::Memory { store, memory: e.owner as *mut Memory },
            EXTERN_TABLE => Extern::Table { store, table: e.owner as *mut Table },
            EXTERN_TAG => Extern::Tag { store, tag: e.owner as *const VMTag },
            k => return Err(format!("unknown extern kind {k}")),
        })
    }
}

/// The runtime's view of a C extern that must belong to `store`.
///
/// # Errors
/// As [`extern_of`], or the extern belongs to another store.
///
/// # Safety
/// As [`extern_of`]; `store` is live.
unsafe fn extern_in(e: &CExtern, store: &mut Store) -> Result<Extern, String> {
    if e.store != store.inner().store_id().to_raw() {
        return Err(format!("the {} belongs to another store", kind_word(e.kind)));
    }
    // SAFETY: forwarded.
    unsafe { extern_of(e) }
}

/// The C extern for export `name` of `inst`.
fn export_of(inst: &mut Instance, name: &str) -> Option<CExtern> {
    let kind = inst.module.meta.exports.iter().find(|e| e.name == name)?.kind;
    let owner_inst = inst as *mut Instance as *mut c_void;
    let (kind, index, owner) = match (kind, inst.export(name)?) {
        (ExportKind::Func(f), _) => (EXTERN_FUNC, f, owner_inst),
        (ExportKind::Global(g), _) => (EXTERN_GLOBAL, g, owner_inst),
        (_, Extern::Memory { memory, .. }) => (EXTERN_MEMORY, 0, memory.cast()),
        (_, Extern::Table { table, .. }) => (EXTERN_TABLE, 0, table.cast()),
        (_, Extern::Tag { tag, .. }) => (EXTERN_TAG, 0, tag as *mut c_void),
        _ => return None,
    };
    Some(CExtern { kind, index, store: inst.store_id().to_raw(), owner })
}

// ---- errors ----

/// `wasmc_error_new`.
///
/// # Safety
/// See `wasmc.h`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmc_error_new(message: *const c_char) -> *mut CError {
    // SAFETY: a C string, as the header says.
    Box::into_raw(CError::new(&unsafe { str_of(message) }))
}

/// `wasmc_error_delete`.
///
/// # Safety
/// See `wasmc.h`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmc_error_delete(error: *mut CError) {
    if !error.is_null() {
        // SAFETY: made by `Box::into_raw` in this file.
        drop(unsafe { Box::from_raw(error) });
    }
}

/// `wasmc_error_message`.
///
/// # Safety
/// See `wasmc.h`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmc_error_message(error: *const CError) -> *const c_char {
    // SAFETY: a live error.
    unsafe { (*error).message.as_ptr() }
}

/// `wasmc_error_report`.
///
/// # Safety
/// See `wasmc.h`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmc_error_report(error: *const CError) -> *const c_char {
    // SAFETY: a live error.
    unsafe { (*error).report.as_ptr() }
}

/// `wasmc_error_is_trap`.
///
/// # Safety
/// See `wasmc.h`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmc_error_is_trap(error: *const CError) -> bool {
    // SAFETY: a live error.
    unsafe { (*error).trap }
}

/// `wasmc_error_exit_status`.
///
/// # Safety
/// See `wasmc.h`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmc_error_exit_status(error: *const CError, status: *mut i32) -> bool {
    // SAFETY: a live error and a writable int.
    unsafe {
        match (*error).exit {
            Some(c) => {
                *status = c;
                true
            }
            None => false,
        }
    }
}

/// `wasmc_error_frame_count`.
///
/// # Safety
/// See `wasmc.h`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmc_error_frame_count(error: *const CError) -> usize {
    // SAFETY: a live error.
    unsafe { (*error).frames.len() }
}

/// Frame `i` of `error`.
///
/// # Safety
/// `error` is live and has more than `i` frames.
unsafe fn frame<'a>(error: *const CError, i: usize) -> &'a CFrame {
    // SAFETY: forwarded.
    unsafe { &(&(*error).frames)[i] }
}

/// `wasmc_error_frame_func`.
///
/// # Safety
/// See `wasmc.h`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmc_error_frame_func(error: *const CError, i: usize) -> *const c_char {
    // SAFETY: as the header requires.
    unsafe { frame(error, i) }.func.as_ptr()
}

/// `wasmc_error_frame_func_index`.
///
/// # Safety
/// See `wasmc.h`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmc_error_frame_func_index(error: *const CError, i: usize) -> u32 {
    // SAFETY: as the header requires.
    unsafe { frame(error, i) }.index
}

/// `wasmc_error_frame_module`.
///
/// # Safety
/// See `wasmc.h`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmc_error_frame_module(error: *const CError, i: usize) -> *const c_char {
    // SAFETY: as the header requires.
    unsafe { frame(error, i) }.module.as_ref().map_or(std::ptr::null(), |m| m.as_ptr())
}

// ---- stores ----

/// `wasmc_store_config_t`.
#[repr(C)]
pub struct CStoreConfig {
    from_env: bool,
    stack_size: usize,
    collector: i32,
    heap_initial: usize,
    heap_max: usize,
    nursery: usize,
}

/// `wasmc_store_new`.
///
/// # Safety
/// See `wasmc.h`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmc_store_new(
    config: *const CStoreConfig,
    out: *mut *mut CStore,
) -> CResult {
    // SAFETY: null or a config, as the header says.
    let c = unsafe { config.as_ref() };
    let mut sc = match c {
        Some(c) if c.from_env => match StoreConfig::from_env() {
            Ok(sc) => sc,
            Err(e) => return fail(e),
        },
        _ => StoreConfig::default(),
    };
    if let Some(c) = c {
        let set = |field: &mut usize, v: usize| {
            if v != 0 {
                *field = v;
            }
        };
        set(&mut sc.stack_size, c.stack_size);
        set(&mut sc.gc.initial, c.heap_initial);
        set(&mut sc.gc.max, c.heap_max.max(c.heap_initial));
        set(&mut sc.gc.nursery, c.nursery);
        match c.collector {
            0 if !c.from_env => sc.gc.kind = CollectorKind::Generational,
            0 => {}
            1 => sc.gc.kind = CollectorKind::Semispace,
            k => return fail(format!("unknown collector {k}")),
        }
        if sc.gc.initial > sc.gc.max {
            return fail("heap_initial is larger than heap_max");
        }
    }
    match Store::new_with(&sc) {
        Ok(store) => {
            let s = CStore { store };
            // SAFETY: `out` is writable.
            unsafe { *out = Box::into_raw(Box::new(s)) };
            std::ptr::null_mut()
        }
        Err(e) => fail(e.to_string()),
    }
}

/// `wasmc_store_delete`.
///
/// # Safety
/// See `wasmc.h`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmc_store_delete(store: *mut CStore) {
    if !store.is_null() {
        // SAFETY: made by `wasmc_store_new`.
        drop(unsafe { Box::from_raw(store) });
    }
}

/// `wasmc_store_gc`.
///
/// # Safety
/// See `wasmc.h`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmc_store_gc(store: *mut CStore) {
    // SAFETY: a live store.
    unsafe { (*store).store.collect_garbage() }
}

/// `wasmc_preopen_t`.
#[repr(C)]
pub struct CPreopen {
    host_path: *const c_char,
    guest_path: *const c_char,
}

/// `wasmc_wasi_config_t`.
#[repr(C)]
pub struct CWasiConfig {
    argv: *const *const c_char,
    argc: usize,
    env: *const *const c_char,
    envc: usize,
    preopens: *const CPreopen,
    npreopens: usize,
    deterministic: bool,
}

/// `n` C strings at `p` as bytes.
///
/// # Safety
/// `p` holds `n` C strings (or `n` is 0).
unsafe fn strings(p: *const *const c_char, n: usize) -> Vec<Vec<u8>> {
    // SAFETY: forwarded.
    (0..n).map(|i| unsafe { CStr::from_ptr(*p.add(i)) }.to_bytes().to_vec()).collect()
}

/// `wasmc_store_set_wasi`.
///
/// # Safety
/// See `wasmc.h`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmc_store_set_wasi(
    store: *mut CStore,
    config: *const CWasiConfig,
) -> CResult {
    // SAFETY: the header's shapes: counted arrays of C strings and preopens.
    let wasi = unsafe {
        let c = &*config;
        WasiConfig {
            args: strings(c.argv, c.argc),
            env: strings(c.env, c.envc),
            preopens: (0..c.npreopens)
                .map(|i| {
                    let p = &*c.preopens.add(i);
                    (str_of(p.host_path), str_of(p.guest_path))
                })
                .collect(),
            deterministic: c.deterministic,
        }
    };
    // SAFETY: a live store.
    match unsafe { (*store).store.set_wasi(&wasi) } {
        Ok(()) => std::ptr::null_mut(),
        Err(e) => fail(e),
    }
}

// ---- modules ----

/// `wasmc_module_new`.
///
/// # Safety
/// See `wasmc.h`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmc_module_new(
    descriptor: *const crate::abi::ModuleDescriptor,
    out: *mut *mut Module,
) -> CResult {
    // SAFETY: a descriptor linked into this program (WASMC_MODULE).
    match unsafe { Module::from_descriptor(descriptor) } {
        Ok(m) => {
            // SAFETY: `out` is writable.
            unsafe { *out = Box::into_raw(Box::new(m)) };
            std::ptr::null_mut()
        }
        Err(e) => fail(e.to_string()),
    }
}

/// `wasmc_module_delete`.
///
/// # Safety
/// See `wasmc.h`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmc_module_delete(module: *mut Module) {
    if !module.is_null() {
        // SAFETY: made by `wasmc_module_new`.
        drop(unsafe { Box::from_raw(module) });
    }
}

// ---- imports ----

type Callback = unsafe extern "C" fn(
    env: *mut c_void,
    caller: *mut c_void,
    args: *const CVal,
    nargs: usize,
    results: *mut CVal,
    nresults: usize,
) -> CResult;

/// A host function of the C API.
struct CHost {
    params: Vec<u32>,
    results: Vec<u32>,
    callback: Callback,
    env: *mut c_void,
    finalize: Option<unsafe extern "C" fn(*mut c_void)>,
}

// SAFETY: the header makes a store and what it uses single-threaded: the host function's
// environment is only touched from the thread that runs the store.
unsafe impl Send for CHost {}
// SAFETY: as above.
unsafe impl Sync for CHost {}

impl Drop for CHost {
    fn drop(&mut self) {
        if let Some(f) = self.finalize {
            // SAFETY: the host gave this finaliser for this environment.
            unsafe { f(self.env) }
        }
    }
}

enum CDef {
    /// An extern of some store, checked against the instantiating store when used.
    Extern(CExtern),
    Host(Arc<CHost>),
}

/// `wasmc_imports_t`.
#[derive(Default)]
pub struct CImports {
    defs: HashMap<(String, String), CDef>,
    wasi: bool,
}

impl CImports {
    /// What `import` of `module` is when instantiated in `store`.
    ///
    /// # Errors
    /// A mistyped definition, or an extern of another (or a deleted) store, naming the
    /// import.
    ///
    /// # Safety
    /// `store` is live.
    unsafe fn resolve(
        &self,
        store: &mut Store,
        module: &Module,
        import: &Import,
    ) -> Result<Option<Extern>, String> {
        let key = (import.module.clone(), import.name.clone());
        let what = || format!("`{}::{}`", import.module, import.name);
        match (self.defs.get(&key), &import.kind) {
            (Some(CDef::Extern(e)), _) => {
                // SAFETY: an extern of this API; `store` is live.
                match unsafe { extern_in(e, store) } {
                    Ok(ext) => Ok(Some(ext)),
                    Err(m) => Err(format!("cannot import {}: {m}", what())),
                }
            }
            (Some(CDef::Host(h)), ImportKind::Func(ty)) => {
                let types = &module.loaded().meta.types;
                let declared = types[*ty as usize].as_func().ok_or_else(what)?;
                let kinds = |ts: &[ValType]| ts.iter().map(|t| kind_of(*t)).collect::<Vec<_>>();
                let same = |ts: &[ValType], ks: &[u32]| kinds(ts) == ks;
                if !same(&declared.params, &h.params) || !same(&declared.results, &h.results) {
                    return Err(format!(
                        "incompatible import type for {}: the host function's kinds differ \
                         from the declared type",
                        what()
                    ));
                }
                let extern_only = |t: &ValType| match t {
                    ValType::Ref(r) => r.heap == HeapType::Extern,
                    _ => true,
                };
                if !declared.results.iter().all(extern_only) {
                    return Err(format!(
                        "{}: a host function of the C API can return references of type \
                         externref only",
                        what()
                    ));
                }
                Ok(Some(Extern::HostFunc(host_func(h.clone(), declared.clone(), module))))
            }
            (Some(CDef::Host(_)), _) => {
                Err(format!("incompatible import type for {}: a function is defined", what()))
            }
            (None, ImportKind::Func(ty))
                if self.wasi
                    && matches!(
                        import.module.as_str(),
                        "wasi_snapshot_preview1" | "wasi_unstable"
                    ) =>
            {
                let ft = module.loaded().meta.types[*ty as usize].as_func().ok_or_else(what)?;
                Ok(Some(Extern::HostFunc(crate::wasi::wasi_import(&import.name, ft))))
            }
            (None, _) => Ok(None),
        }
    }
}

/// The runtime's host function for the C function `h`, with the importing module's type.
fn host_func(h: Arc<CHost>, ty: crate::meta::FuncType, module: &Module) -> Arc<HostFunc> {
    let module = module.loaded().clone();
    let params = ty.params.clone();
    let results = ty.results.clone();
    // A `v128` takes two value slots (`value_slots`).
    let (param_slots, _) = crate::abi::slot_indices(&params);
    let (result_slots, _) = crate::abi::slot_indices(&results);
    let func = move |caller: &mut Caller<'_>, slots: &mut [u64]| -> Result<(), TrapKind> {
        let types = &module.meta.types;
        let mut args: Vec<CVal> = Vec::with_capacity(params.len());
        for (t, &at) in params.iter().zip(&param_slots) {
            let bits = slots[at];
            let v = match t {
                ValType::V128 => RootedVal::Plain(Val::from_slots(slots, at, *t)),
                ValType::Ref(_) if bits != 0 && bits & 1 == 0 && t.is_gc_ref(types) => {
                    RootedVal::Gc(caller.store().root_owned(bits as usize))
                }
                _ => RootedVal::Plain(Val::from_bits(bits, *t)),
            };
            args.push(val_out(v, *t));
        }
        let mut out: Vec<CVal> =
            results.iter().map(|t| CVal { kind: kind_of(*t), of: CValOf { i64: 0 } }).collect();
        let caller_ptr = caller as *mut Caller<'_> as *mut c_void;
        // SAFETY: the callback has the header's signature; the arrays have the counts given.
        let err = unsafe {
            (h.callback)(h.env, caller_ptr, args.as_ptr(), args.len(), out.as_mut_ptr(), out.len())
        };
        for a in &args {
            // SAFETY: the argument handles were made above, for this call only.
            unsafe { free_ref(a) };
        }
        if !err.is_null() {
            // SAFETY: an error of this API, now ours.
            let e = unsafe { Box::from_raw(err) };
            return Err(match e.exit {
                Some(c) => TrapKind::Exit(c),
                None => TrapKind::Host(e.message.to_string_lossy().into_owned()),
            });
        }
        let mut bad = None;
        for (i, (v, t)) in out.iter().zip(&results).enumerate() {
            let want = kind_of(*t);
            if v.kind != want {
                bad.get_or_insert(format!(
                    "host function result {i}: expected {}, got {}",
                    kind_name(want),
                    kind_name(v.kind)
                ));
                continue;
            }
            if v.kind == V128 {
                // SAFETY: the kind says which member is set.
                Val::V128(u128::from_le_bytes(unsafe { v.of.v128 }))
                    .write_slots(slots, result_slots[i]);
                continue;
            }
            // SAFETY: the kind was checked; a reference result is a handle or null.
            slots[result_slots[i]] = unsafe {
                match v.kind {
                    I32 => v.of.i32 as u32 as u64,
                    I64 => v.of.i64 as u64,
                    F32 => v.of.f32.to_bits() as u64,
                    F64 => v.of.f64.to_bits(),
                    _ if v.of.r#ref.is_null() => {
                        if matches!(t, ValType::Ref(RefType { nullable: false, .. })) {
                            bad.get_or_insert(format!("host function result {i} is null"));
                        }
                        0
                    }
                    _ => {
                        let store = caller.store();
                        let r = store.raw(&(*v.of.r#ref).0).map_or(0, |v| v.to_bits());
                        if store.host_value(r as usize).is_none() {
                            bad.get_or_insert(format!(
                                "host function result {i} is not an externref"
                            ));
                        }
                        r
                    }
                }
            };
        }
        for v in &out {
            // SAFETY: the results' handles are ours now (the header says so).
            unsafe { free_ref(v) };
        }
        match bad {
            Some(m) => Err(TrapKind::Host(m)),
            None => Ok(()),
        }
    };
    Arc::new(HostFunc { ty, func: Box::new(func) })
}

/// Frees the handle of a reference value (nothing for other kinds or null).
///
/// # Safety
/// A reference value's handle is this API's and not used again.
unsafe fn free_ref(v: &CVal) {
    // SAFETY: forwarded; the kind says which member is set.
    unsafe {
        if v.kind == REF && !v.of.r#ref.is_null() {
            drop(Box::from_raw(v.of.r#ref));
        }
    }
}

/// `wasmc_imports_new`.
#[unsafe(no_mangle)]
pub extern "C" fn wasmc_imports_new() -> *mut CImports {
    Box::into_raw(Box::default())
}

/// `wasmc_imports_delete`.
///
/// # Safety
/// See `wasmc.h`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmc_imports_delete(imports: *mut CImports) {
    if !imports.is_null() {
        // SAFETY: made by `wasmc_imports_new`.
        drop(unsafe { Box::from_raw(imports) });
    }
}

/// `wasmc_imports_func`.
///
/// # Safety
/// See `wasmc.h`.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn wasmc_imports_func(
    imports: *mut CImports,
    module: *const c_char,
    name: *const c_char,
    params: *const u32,
    nparams: usize,
    results: *const u32,
    nresults: usize,
    callback: Callback,
    env: *mut c_void,
    finalize: Option<unsafe extern "C" fn(*mut c_void)>,
) {
    let list = |p: *const u32, n: usize| -> Vec<u32> {
        // SAFETY: `p` holds `n` kinds (or `n` is 0).
        if n == 0 { Vec::new() } else { unsafe { std::slice::from_raw_parts(p, n) }.to_vec() }
    };
    let h = CHost {
        params: list(params, nparams),
        results: list(results, nresults),
        callback,
        env,
        finalize,
    };
    // SAFETY: live imports and C strings.
    unsafe {
        (*imports).defs.insert((str_of(module), str_of(name)), CDef::Host(Arc::new(h)));
    }
}

/// `wasmc_imports_define`.
///
/// # Safety
/// See `wasmc.h`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmc_imports_define(
    imports: *mut CImports,
    module: *const c_char,
    name: *const c_char,
    item: *const CExtern,
) {
    // SAFETY: live imports, C strings and an extern of this API (read, not followed: its
    // store is checked when an instantiation uses it).
    unsafe {
        (*imports).defs.insert((str_of(module), str_of(name)), CDef::Extern(*item));
    }
}

/// `wasmc_imports_instance`.
///
/// # Safety
/// See `wasmc.h`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmc_imports_instance(
    imports: *mut CImports,
    module: *const c_char,
    instance: *mut Instance,
) {
    // SAFETY: live imports, a C string and a live instance.
    unsafe {
        let module = str_of(module);
        let inst = &mut *instance;
        let names: Vec<String> = inst.module.meta.exports.iter().map(|e| e.name.clone()).collect();
        for name in names {
            if let Some(e) = export_of(inst, &name) {
                (*imports).defs.insert((module.clone(), name), CDef::Extern(e));
            }
        }
    }
}

/// `wasmc_imports_wasi`.
///
/// # Safety
/// See `wasmc.h`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmc_imports_wasi(imports: *mut CImports) {
    // SAFETY: live imports.
    unsafe { (*imports).wasi = true }
}

// ---- instances and calls ----

/// `wasmc_instantiate`.
///
/// # Safety
/// See `wasmc.h`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmc_instantiate(
    store: *mut CStore,
    module: *const Module,
    imports: *const CImports,
    out: *mut *mut Instance,
) -> CResult {
    // SAFETY: a live store, module and (null or) imports.
    let (store, module, imports) = unsafe { (&mut (*store).store, &*module, imports.as_ref()) };
    let mut link_error = None;
    let store_ptr: *mut Store = store;
    // SAFETY: the store is live; resolving only reads it (its id, existing instances).
    let mut resolve = |import: &Import| match imports
        .map(|i| unsafe { i.resolve(&mut *store_ptr, module, import) })
    {
        Some(Ok(e)) => e,
        Some(Err(m)) => {
            link_error.get_or_insert(m);
            None
        }
        None => None,
    };
    let result = store.instantiate(module.loaded(), &mut resolve);
    if let Some(m) = link_error {
        return fail(m);
    }
    match result {
        Ok(index) => {
            // SAFETY: `out` is writable; the instance is boxed in the store.
            unsafe { *out = store.instance(index) };
            std::ptr::null_mut()
        }
        Err(e) => Box::into_raw(CError::from_instantiate(e)),
    }
}

/// `wasmc_instance_initialize`: [`Store::initialize_reactor`] for a C host.
///
/// # Safety
/// See `wasmc.h`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmc_instance_initialize(
    store: *mut CStore,
    instance: *mut Instance,
    initialized: *mut bool,
) -> CResult {
    // SAFETY: a live store and one of its instances.
    let (store, inst) = unsafe { (&mut (*store).store, &mut *instance) };
    let init = match crate::embed::reactor_initializer(inst) {
        Ok(init) => init,
        Err(m) => return fail(m),
    };
    if !initialized.is_null() {
        // SAFETY: a non-null `initialized` is writable.
        unsafe { *initialized = init.is_some() };
    }
    match init.map(|f| store.call(&f, &[])) {
        Some(Err(t)) => Box::into_raw(CError::trap(&t)),
        _ => std::ptr::null_mut(),
    }
}

/// `wasmc_instance_export`.
///
/// # Safety
/// See `wasmc.h`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmc_instance_export(
    instance: *mut Instance,
    name: *const c_char,
    out: *mut CExtern,
) -> bool {
    // SAFETY: a live instance and a C string.
    let (inst, name) = unsafe { (&mut *instance, str_of(name)) };
    match export_of(inst, &name) {
        Some(e) => {
            // SAFETY: `out` is writable.
            unsafe { *out = e };
            true
        }
        None => false,
    }
}

/// `wasmc_instance_export_len`: the export whose name is the `len` bytes at `name` (which
/// may hold NUL bytes; Wasm names are any UTF-8, spec §5.2.4), so that a name with a NUL is
/// never found by its prefix.
///
/// # Safety
/// See `wasmc.h`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmc_instance_export_len(
    instance: *mut Instance,
    name: *const c_char,
    len: usize,
    out: *mut CExtern,
) -> bool {
    // SAFETY: a live instance and `len` readable bytes (none are read when `len` is 0).
    let (inst, bytes) = unsafe {
        let bytes =
            if len == 0 { &[][..] } else { std::slice::from_raw_parts(name.cast::<u8>(), len) };
        (&mut *instance, bytes)
    };
    // A name that is not UTF-8 names no export (every Wasm name is UTF-8).
    let Ok(name) = std::str::from_utf8(bytes) else { return false };
    match export_of(inst, name) {
        Some(e) => {
            // SAFETY: `out` is writable.
            unsafe { *out = e };
            true
        }
        None => false,
    }
}

/// The function `func` names, if its store is alive.
///
/// # Safety
/// `func` is an extern of this API.
unsafe fn func_of(func: *const CExtern) -> Result<Func, CResult> {
    // SAFETY: forwarded.
    match unsafe { extern_of(&*func) } {
        Ok(Extern::Func(f)) => Ok(f),
        Ok(_) => Err(fail("not a function")),
        Err(m) => Err(fail(m)),
    }
}

/// `wasmc_func_call`.
///
/// # Safety
/// See `wasmc.h`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmc_func_call(
    store: *mut CStore,
    func: *const CExtern,
    args: *const CVal,
    nargs: usize,
    results: *mut CVal,
    nresults: usize,
) -> CResult {
    // SAFETY: a live store and an extern of this API, read only if it is the store's.
    let (store, func) = unsafe {
        let store = &mut (*store).store;
        match extern_in(&*func, store) {
            Ok(Extern::Func(f)) => (store, f),
            Ok(_) => return fail("not a function"),
            Err(m) => return fail(m),
        }
    };
    let ty = func.ty().clone();
    if nargs != ty.params.len() || nresults != ty.results.len() {
        return fail(format!(
            "the function takes {} arguments and returns {} results; {nargs} and {nresults} given",
            ty.params.len(),
            ty.results.len()
        ));
    }
    let mut raw = Vec::with_capacity(nargs);
    for (i, t) in ty.params.iter().enumerate() {
        // SAFETY: `args` holds `nargs` values.
        match val_in(store, unsafe { &*args.add(i) }, *t) {
            Ok(v) => raw.push(v),
            Err(e) => return fail(format!("argument {i}: {e}")),
        }
    }
    if func.belongs_to_store(store.inner())
        && let Err(e) = store.inner().check_args(&func, &raw)
    {
        return fail(e);
    }
    match store.call(&func, &raw) {
        Ok(vals) => {
            for (i, (v, t)) in vals.into_iter().zip(&ty.results).enumerate() {
                // SAFETY: `results` has room for `nresults` values.
                unsafe { *results.add(i) = val_out(v, *t) };
            }
            std::ptr::null_mut()
        }
        Err(t) => Box::into_raw(CError::trap(&t)),
    }
}

/// `wasmc_func_param_count`.
///
/// # Safety
/// See `wasmc.h`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmc_func_param_count(func: *const CExtern) -> usize {
    // SAFETY: an extern of a live store.
    unsafe { func_of(func) }.map_or(0, |f| f.ty().params.len())
}

/// `wasmc_func_result_count`.
///
/// # Safety
/// See `wasmc.h`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmc_func_result_count(func: *const CExtern) -> usize {
    // SAFETY: an extern of a live store.
    unsafe { func_of(func) }.map_or(0, |f| f.ty().results.len())
}

/// `wasmc_caller_memory`.
///
/// # Safety
/// See `wasmc.h`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmc_caller_memory(caller: *mut c_void, len: *mut usize) -> *mut u8 {
    // SAFETY: the `Caller` a host function was given, during its call.
    let caller = unsafe { &mut *(caller as *mut Caller<'_>) };
    let (mem, _) = caller.memory_and_data();
    let (p, n) = mem.map_or((std::ptr::null_mut(), 0), |m| (m.base(), m.len()));
    // SAFETY: `len` is writable.
    unsafe { *len = n };
    p
}

// ---- memories, tables, globals ----

/// The memory `m` names, if it is one and its store is alive.
///
/// # Safety
/// `m` is an extern of this API.
unsafe fn memory_of<'a>(m: *const CExtern) -> Option<&'a mut Memory> {
    // SAFETY: forwarded; a memory extern's owner is the memory, alive with its store.
    unsafe {
        match extern_of(&*m) {
            Ok(Extern::Memory { memory, .. }) => Some(&mut *memory),
            _ => None,
        }
    }
}

/// `wasmc_memory_data`.
///
/// # Safety
/// See `wasmc.h`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmc_memory_data(memory: *const CExtern) -> *mut u8 {
    // SAFETY: an extern of a live store.
    unsafe { memory_of(memory) }.map_or(std::ptr::null_mut(), |m| m.data_mut().as_mut_ptr())
}

/// `wasmc_memory_size`.
///
/// # Safety
/// See `wasmc.h`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmc_memory_size(memory: *const CExtern) -> usize {
    // SAFETY: an extern of a live store.
    unsafe { memory_of(memory) }.map_or(0, |m| m.data().len())
}

/// `wasmc_memory_grow`.
///
/// # Safety
/// See `wasmc.h`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmc_memory_grow(
    memory: *const CExtern,
    delta: u64,
    old_pages: *mut u64,
) -> bool {
    // SAFETY: an extern of a live store; `old_pages` is writable.
    unsafe {
        match memory_of(memory).and_then(|m| m.grow(delta)) {
            Some(old) => {
                *old_pages = old;
                true
            }
            None => false,
        }
    }
}

/// `wasmc_memory_new`.
///
/// # Safety
/// See `wasmc.h`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmc_memory_new(
    store: *mut CStore,
    min_pages: u64,
    max_pages: u64,
    out: *mut CExtern,
) -> CResult {
    let max = (max_pages != u64::MAX).then_some(max_pages);
    let ty = MemoryType { min: min_pages, max, memory64: false, shared: false };
    // SAFETY: a live store.
    let store = unsafe { &mut (*store).store };
    match store.memory_new(&ty) {
        Ok(Extern::Memory { store, memory }) => {
            let e = CExtern {
                kind: EXTERN_MEMORY,
                index: 0,
                store: store.to_raw(),
                owner: memory.cast(),
            };
            // SAFETY: `out` is writable.
            unsafe { *out = e };
            std::ptr::null_mut()
        }
        Ok(_) => unreachable!("memory_new makes a memory"),
        Err(e) => fail(e.to_string()),
    }
}

/// `wasmc_table_new`.
///
/// # Safety
/// See `wasmc.h`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmc_table_new(
    store: *mut CStore,
    min: u64,
    max: u64,
    out: *mut CExtern,
) -> CResult {
    let ty = TableType {
        element: RefType::FUNCREF,
        min,
        max: (max != u64::MAX).then_some(max),
        table64: false,
    };
    // SAFETY: a live store.
    let store = unsafe { &mut (*store).store };
    match store.table_new(&ty) {
        Ok(Extern::Table { store, table }) => {
            let e = CExtern {
                kind: EXTERN_TABLE,
                index: 0,
                store: store.to_raw(),
                owner: table.cast(),
            };
            // SAFETY: `out` is writable.
            unsafe { *out = e };
            std::ptr::null_mut()
        }
        Ok(_) => unreachable!("table_new makes a table"),
        Err(e) => fail(e),
    }
}

/// `wasmc_table_size`.
///
/// # Safety
/// See `wasmc.h`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmc_table_size(table: *const CExtern) -> u64 {
    // SAFETY: an extern of this API, followed only if its store is alive.
    unsafe {
        match extern_of(&*table) {
            Ok(Extern::Table { table, .. }) => (*table).elements().len() as u64,
            _ => 0,
        }
    }
}

/// `wasmc_global_new`.
///
/// # Safety
/// See `wasmc.h`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmc_global_new(
    store: *mut CStore,
    init: *const CVal,
    mutable: bool,
    out: *mut CExtern,
) -> CResult {
    // SAFETY: a live store and value; `out` is writable.
    unsafe {
        let v = &*init;
        let ty = match v.kind {
            I32 => ValType::I32,
            I64 => ValType::I64,
            F32 => ValType::F32,
            F64 => ValType::F64,
            V128 => ValType::V128,
            _ => return fail("host globals hold numbers only"),
        };
        let store = &mut (*store).store;
        let Ok(val) = val_in(store, v, ty) else {
            return fail("bad value");
        };
        match store.global_new(GlobalType { ty, mutable }, val) {
            Ok(Extern::Global(g)) => {
                // The cell is the first field of its `HostGlobal` (`repr(C)`).
                let owner = g.cell.cast();
                *out = CExtern {
                    kind: EXTERN_GLOBAL,
                    index: u32::MAX,
                    store: g.store.to_raw(),
                    owner,
                };
            }
            Ok(_) => unreachable!("global_new makes a global"),
            Err(e) => return fail(e),
        }
    }
    std::ptr::null_mut()
}

/// The global `g` names, which must belong to `store`.
///
/// # Safety
/// `g` is an extern of this API; `store` is live.
unsafe fn global_of(g: *const CExtern, store: &mut Store) -> Result<Global, CResult> {
    // SAFETY: forwarded.
    match unsafe { extern_in(&*g, store) } {
        Ok(Extern::Global(g)) => Ok(g),
        Ok(_) => Err(fail("not a global")),
        Err(m) => Err(fail(m)),
    }
}

/// `wasmc_global_get`.
///
/// # Safety
/// See `wasmc.h`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmc_global_get(
    store: *mut CStore,
    global: *const CExtern,
    out: *mut CVal,
) -> CResult {
    // SAFETY: a live store and an extern of this API; `out` is writable.
    unsafe {
        let g = match global_of(global, &mut (*store).store) {
            Ok(g) => g,
            Err(e) => return e,
        };
        let inner = (*store).store.inner();
        let value = g.get(inner).expect("a global of this store (checked)");
        let bits = value.to_bits();
        // A GC reference (a heap object, or an externref's host box) is rooted.
        let v = match g.ty.ty {
            t @ ValType::Ref(_) if bits != 0 && bits & 1 == 0 && crate::types::is_gc_ref(t) => {
                RootedVal::Gc(inner.root_owned(bits as usize))
            }
            _ => RootedVal::Plain(value),
        };
        *out = val_out(v, g.ty.ty);
    }
    std::ptr::null_mut()
}

/// `wasmc_global_set`.
///
/// # Safety
/// See `wasmc.h`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmc_global_set(
    store: *mut CStore,
    global: *const CExtern,
    value: *const CVal,
) -> CResult {
    // SAFETY: a live store, an extern of this API and a value.
    unsafe {
        let g = match global_of(global, &mut (*store).store) {
            Ok(g) => g,
            Err(e) => return e,
        };
        if !g.ty.mutable {
            return fail("the global is immutable");
        }
        if matches!(g.ty.ty, ValType::Ref(_)) {
            return fail("only numeric globals can be set from the C API");
        }
        match val_in(&mut (*store).store, &*value, g.ty.ty) {
            Ok(v) => *g.cell = crate::abi::VMGlobal::from_u128(v.to_u128()),
            Err(e) => return fail(e),
        }
    }
    std::ptr::null_mut()
}

// ---- references ----

/// `wasmc_ref_delete`.
///
/// # Safety
/// See `wasmc.h`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmc_ref_delete(r: *mut CRef) {
    if !r.is_null() {
        // SAFETY: a handle of this API.
        drop(unsafe { Box::from_raw(r) });
    }
}

/// `wasmc_ref_clone`.
///
/// # Safety
/// See `wasmc.h`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmc_ref_clone(r: *const CRef) -> *mut CRef {
    if r.is_null() {
        return std::ptr::null_mut();
    }
    // SAFETY: a live handle.
    Box::into_raw(Box::new(CRef(unsafe { (*r).0.clone() })))
}

/// `wasmc_ref_extern_new`.
///
/// # Safety
/// See `wasmc.h`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmc_ref_extern_new(store: *mut CStore, value: u64) -> *mut CRef {
    // SAFETY: a live store.
    let inner = unsafe { (*store).store.inner() };
    let r = inner.host_ref(value);
    Box::into_raw(Box::new(CRef(RootedVal::Gc(inner.root_owned(r)))))
}

/// `wasmc_ref_extern_get`.
///
/// # Safety
/// See `wasmc.h`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmc_ref_extern_get(
    store: *mut CStore,
    r: *const CRef,
    value: *mut u64,
) -> bool {
    if r.is_null() {
        return false;
    }
    // SAFETY: a live store and handle; `value` is writable.
    unsafe {
        let inner = (*store).store.inner();
        let Ok(bits) = inner.raw(&(*r).0) else { return false };
        match inner.host_value(bits.to_bits() as usize) {
            Some(v) => {
                *value = v;
                true
            }
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_messages_are_one_line() {
        let e = CError::new("unknown import: `env\n\u{1b}[31mx\u{0}::f`");
        let m = e.message.to_str().unwrap();
        assert_eq!(m, "unknown import: `env\\n\\u{1b}[31mx\\u{0}::f`");
        assert_eq!(e.report.to_str().unwrap(), m);
    }
}
