//! Loaded modules and the process-wide registry of their code, used to map a PC to a trap
//! code (signal handler) or to a function name (backtraces).

use std::sync::{Arc, RwLock};

use crate::abi::{DESCRIPTOR_MAGIC, ModuleDescriptor, TrapCode};
use crate::meta::{FuncCode, ModuleMeta};
use crate::traps::BacktraceFrame;

/// What a code range holds.
#[derive(Clone, Copy, Debug)]
enum CodeKind {
    /// Defined function (index among defined functions).
    Func(u32),
    /// Wasm-to-host adapter of a module type.
    Adapter(u32),
    /// The GC builtin adapter.
    GcAdapter,
}

/// A compiled module whose code is mapped in this process.
pub struct LoadedModule {
    /// The module's metadata.
    pub meta: ModuleMeta,
    /// Code address per defined function.
    pub funcs: Vec<usize>,
    /// Host-to-Wasm trampoline per module type index (0 for non-function types).
    pub array_to_wasm: Vec<usize>,
    /// Wasm-to-host adapter per module type index (0 for non-function types).
    pub wasm_to_host: Vec<usize>,
    /// The GC builtin adapter (0 if the module has none).
    pub gc_adapter: usize,
    /// Sorted `(start, end, kind)` code ranges.
    ranges: Vec<(usize, usize, CodeKind)>,
}

/// Error loading a module descriptor.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// Wrong magic number: the object was built for another runtime version.
    #[error(
        "module descriptor has magic {0:#x}, expected {DESCRIPTOR_MAGIC:#x} (compiled by another wasmc version?)"
    )]
    Magic(u64),
    /// The metadata does not decode.
    #[error(transparent)]
    Meta(#[from] crate::meta::MetaError),
}

impl LoadedModule {
    /// Reads a module descriptor.
    ///
    /// # Safety
    /// `desc` must point to a descriptor emitted by the compiler whose code stays mapped for
    /// the rest of the process (or until the module is unregistered and no longer used).
    pub unsafe fn from_descriptor(
        desc: *const ModuleDescriptor,
    ) -> Result<LoadedModule, LoadError> {
        // SAFETY: the caller guarantees `desc` is a valid descriptor.
        let desc = unsafe { &*desc };
        if desc.magic != DESCRIPTOR_MAGIC {
            return Err(LoadError::Magic(desc.magic));
        }
        // SAFETY: meta/meta_len describe the metadata blob of the same object.
        let meta_bytes = unsafe { std::slice::from_raw_parts(desc.meta, desc.meta_len) };
        let meta = ModuleMeta::decode(meta_bytes)?;
        let ntypes = meta.types.len();
        let read = |p: *const *const u8, n: usize| -> Vec<usize> {
            // SAFETY: the compiler emits arrays of exactly n (at least 1) pointers.
            (0..n).map(|i| unsafe { *p.add(i) } as usize).collect()
        };
        let funcs = read(desc.funcs, meta.code.len());
        let array_to_wasm = read(desc.array_to_wasm, ntypes);
        let wasm_to_host = read(desc.wasm_to_host, ntypes);
        let mut ranges = Vec::new();
        for (i, (addr, code)) in funcs.iter().zip(&meta.code).enumerate() {
            ranges.push((*addr, addr + code.size as usize, CodeKind::Func(i as u32)));
        }
        for (i, (addr, code)) in wasm_to_host.iter().zip(&meta.adapters).enumerate() {
            if *addr != 0 {
                ranges.push((*addr, addr + code.size as usize, CodeKind::Adapter(i as u32)));
            }
        }
        let gc_adapter = desc.gc_adapter as usize;
        if gc_adapter != 0 {
            ranges.push((
                gc_adapter,
                gc_adapter + meta.gc_adapter.size as usize,
                CodeKind::GcAdapter,
            ));
        }
        ranges.sort_by_key(|r| r.0);
        Ok(LoadedModule { meta, funcs, array_to_wasm, wasm_to_host, gc_adapter, ranges })
    }

    fn lookup(&self, pc: usize) -> Option<(usize, CodeKind)> {
        let i = self.ranges.partition_point(|r| r.0 <= pc);
        let (start, end, kind) = *self.ranges.get(i.checked_sub(1)?)?;
        (pc < end).then_some((pc - start, kind))
    }

    fn code(&self, kind: CodeKind) -> &FuncCode {
        match kind {
            CodeKind::Func(i) => &self.meta.code[i as usize],
            CodeKind::Adapter(t) => &self.meta.adapters[t as usize],
            CodeKind::GcAdapter => &self.meta.gc_adapter,
        }
    }

    fn span(&self) -> (usize, usize) {
        let start = self.ranges.first().map_or(0, |r| r.0);
        let end = self.ranges.iter().map(|r| r.1).max().unwrap_or(0);
        (start, end)
    }
}

static REGISTRY: RwLock<Vec<(usize, usize, Arc<LoadedModule>)>> = RwLock::new(Vec::new());

/// Makes a module's code known to the signal handler and to backtraces.
pub fn register(module: &Arc<LoadedModule>) {
    let (start, end) = module.span();
    REGISTRY.write().unwrap_or_else(|e| e.into_inner()).push((start, end, module.clone()));
}

/// Forgets a module (before its code is unmapped).
pub fn unregister(module: &Arc<LoadedModule>) {
    REGISTRY.write().unwrap_or_else(|e| e.into_inner()).retain(|(_, _, m)| !Arc::ptr_eq(m, module));
}

fn with_code<R>(pc: usize, f: impl FnOnce(&LoadedModule, usize, CodeKind) -> R) -> Option<R> {
    // try_read: the signal handler must never block on a lock held by the code it
    // interrupted.
    let reg = REGISTRY.try_read().ok()?;
    for (start, end, m) in reg.iter() {
        if *start <= pc && pc < *end {
            if let Some((off, kind)) = m.lookup(pc) {
                return Some(f(m, off, kind));
            }
        }
    }
    None
}

/// Whether `pc` lies in a compiled Wasm function.
pub fn is_wasm_pc(pc: usize) -> bool {
    with_code(pc, |_, _, kind| matches!(kind, CodeKind::Func(_))).unwrap_or(false)
}

/// The trap code of the trap site at `pc`, if `pc` is one.
pub fn trap_code(pc: usize) -> Option<TrapCode> {
    with_code(pc, |m, off, kind| {
        let traps = &m.code(kind).traps;
        let i = traps.binary_search_by_key(&(off as u32), |t| t.offset).ok()?;
        TrapCode::from_raw(traps[i].code)
    })
    .flatten()
}

/// Names the Wasm function containing `pc`.
pub fn frame_info(pc: usize) -> Option<BacktraceFrame> {
    with_code(pc, |m, _, kind| match kind {
        CodeKind::Func(def) => {
            let index = m.meta.num_imported_funcs + def;
            Some(BacktraceFrame {
                module: m.meta.name.clone(),
                func_index: index,
                name: m.meta.func_display_name(index),
            })
        }
        CodeKind::Adapter(_) | CodeKind::GcAdapter => None,
    })
    .flatten()
}

/// Calls `f` with the frame span and slot offsets of the stack map whose return address is
/// `ret` (a return address into a compiled Wasm function), if there is one.
pub fn with_stack_map<R>(ret: usize, f: impl FnOnce(u32, &[u32]) -> R) -> Option<R> {
    with_code(ret, |m, off, kind| {
        let CodeKind::Func(def) = kind else { return None };
        let maps = &m.meta.code[def as usize].stack_maps;
        let i = maps.binary_search_by_key(&(off as u32), |s| s.ret_offset).ok()?;
        Some(f(maps[i].span, &maps[i].slots))
    })
    .flatten()
}

/// The landing pad of the `try_call` whose return address is `ret`, as `(absolute pad
/// address, frame offset)`, if `ret` is one.
pub fn landing_pad(ret: usize) -> Option<(usize, u32)> {
    with_code(ret, |m, off, kind| {
        let CodeKind::Func(def) = kind else { return None };
        let pads = &m.meta.code[def as usize].landing_pads;
        let i = pads.binary_search_by_key(&(off as u32), |p| p.ret_offset).ok()?;
        Some((ret - off + pads[i].pad_offset as usize, pads[i].frame_offset))
    })
    .flatten()
}
