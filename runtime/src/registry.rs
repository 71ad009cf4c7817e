//! Loaded modules and the process-wide registry of their code, used to map a PC to a trap
//! code (signal handler) or to a function name (backtraces).

use std::sync::atomic::{AtomicPtr, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use crate::abi::{DESCRIPTOR_MAGIC, ModuleDescriptor, TrapCode};
use crate::meta::{FuncCode, ModuleMeta};

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
        let gc_adapter = desc.gc_adapter as usize;
        Ok(LoadedModule::new(meta, funcs, array_to_wasm, wasm_to_host, gc_adapter))
    }

    /// A module from its metadata and the code addresses of its functions (one per defined
    /// function), adapters (one per type, 0 for none) and GC adapter (0 for none); each
    /// piece of code spans its `FuncCode::size` bytes.
    pub(crate) fn new(
        meta: ModuleMeta,
        funcs: Vec<usize>,
        array_to_wasm: Vec<usize>,
        wasm_to_host: Vec<usize>,
        gc_adapter: usize,
    ) -> LoadedModule {
        let mut ranges = Vec::new();
        for (i, (addr, code)) in funcs.iter().zip(&meta.code).enumerate() {
            ranges.push((*addr, addr + code.size as usize, CodeKind::Func(i as u32)));
        }
        for (i, (addr, code)) in wasm_to_host.iter().zip(&meta.adapters).enumerate() {
            if *addr != 0 {
                ranges.push((*addr, addr + code.size as usize, CodeKind::Adapter(i as u32)));
            }
        }
        if gc_adapter != 0 {
            ranges.push((
                gc_adapter,
                gc_adapter + meta.gc_adapter.size as usize,
                CodeKind::GcAdapter,
            ));
        }
        ranges.sort_by_key(|r| r.0);
        LoadedModule { meta, funcs, array_to_wasm, wasm_to_host, gc_adapter, ranges }
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

/// One registered module's code span.
struct Entry {
    start: usize,
    end: usize,
    module: Arc<LoadedModule>,
}

/// An immutable list of the registered modules. Readers reach the current one through
/// [`CURRENT`]; writers build a new one and publish it with one atomic store.
type Snapshot = Vec<Entry>;

/// The current snapshot (null: nothing registered yet). Owned by [`WRITER`]'s bookkeeping:
/// a snapshot is freed only after it was replaced and [`READERS`] was seen at zero.
static CURRENT: AtomicPtr<Snapshot> = AtomicPtr::new(core::ptr::null_mut());

/// Lookups in progress, on any thread (a signal handler's included). A replaced snapshot
/// may still be read by a lookup that loaded [`CURRENT`] before the replacement, and every
/// such lookup incremented this counter before that load.
static READERS: AtomicUsize = AtomicUsize::new(0);

/// Writers' state: replaced snapshots not yet freed. Only `register`/`unregister` lock it;
/// lookups never do, so a signal handler that interrupts a writer cannot deadlock.
static WRITER: Mutex<Vec<SnapshotPtr>> = Mutex::new(Vec::new());

/// A replaced snapshot awaiting reclamation (a `Box<Snapshot>` turned into a raw pointer).
struct SnapshotPtr(*mut Snapshot);

// SAFETY: the pointer is an owned `Box<Snapshot>`; `Snapshot` is `Send` (it holds `Arc`s of
// `LoadedModule`, which is `Send + Sync`).
unsafe impl Send for SnapshotPtr {}

/// Publishes `next` as the current snapshot, then frees every replaced snapshot that no
/// lookup can still be reading.
fn publish(retired: &mut Vec<SnapshotPtr>, next: Snapshot) {
    let next = Box::into_raw(Box::new(next));
    let old = CURRENT.swap(next, Ordering::SeqCst);
    if !old.is_null() {
        retired.push(SnapshotPtr(old));
    }
    // A lookup that can still see a retired snapshot loaded `CURRENT` before the swap above,
    // after incrementing `READERS`; so once `READERS` reads zero after the swap, none of
    // the retired snapshots is in use (lookups that start later load `next`). If lookups
    // are in progress, the retired snapshots wait for a later write: a bounded leak.
    if READERS.load(Ordering::SeqCst) == 0 {
        for SnapshotPtr(p) in retired.drain(..) {
            // SAFETY: `p` came from `Box::into_raw` in `publish`, was replaced in `CURRENT`,
            // and no lookup reads it (see above).
            drop(unsafe { Box::from_raw(p) });
        }
    }
}

/// The current entries, copied (for writers).
fn current_entries() -> Snapshot {
    let p = CURRENT.load(Ordering::SeqCst);
    if p.is_null() {
        return Vec::new();
    }
    // SAFETY: only writers free snapshots, and the caller is the writer holding `WRITER`;
    // the current snapshot is never freed while it is current.
    let cur = unsafe { &*p };
    cur.iter().map(|e| Entry { start: e.start, end: e.end, module: e.module.clone() }).collect()
}

/// Makes a module's code known to the signal handler, the collector, the unwinder and
/// backtraces. Registering the same module twice has no further effect.
pub fn register(module: &Arc<LoadedModule>) {
    let mut retired = WRITER.lock().unwrap_or_else(|e| e.into_inner());
    let mut next = current_entries();
    if next.iter().any(|e| Arc::ptr_eq(&e.module, module)) {
        return;
    }
    let (start, end) = module.span();
    next.push(Entry { start, end, module: module.clone() });
    next.sort_by_key(|e| e.start);
    publish(&mut retired, next);
}

/// Forgets a module (before its code is unmapped). Lookups that started before this call
/// may still find it; none that starts after it returns does.
pub fn unregister(module: &Arc<LoadedModule>) {
    let mut retired = WRITER.lock().unwrap_or_else(|e| e.into_inner());
    let mut next = current_entries();
    next.retain(|e| !Arc::ptr_eq(&e.module, module));
    publish(&mut retired, next);
}

/// Decrements [`READERS`] when a lookup ends (also if `f` panics).
struct ReadGuard;

impl Drop for ReadGuard {
    fn drop(&mut self) {
        READERS.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Finds the code containing `pc` and calls `f` with its module, the offset of `pc` in the
/// code and what the code is. Never blocks and never fails while a writer runs: it reads
/// the snapshot current when it starts, with atomic operations only (async-signal-safe).
fn with_code<R>(pc: usize, f: impl FnOnce(&LoadedModule, usize, CodeKind) -> R) -> Option<R> {
    READERS.fetch_add(1, Ordering::SeqCst);
    let _guard = ReadGuard;
    let p = CURRENT.load(Ordering::SeqCst);
    if p.is_null() {
        return None;
    }
    // SAFETY: `READERS` was incremented before `p` was loaded, so the snapshot is not freed
    // until this lookup ends (see `publish`).
    let snapshot = unsafe { &*p };
    // Spans of different modules do not overlap: only the last one starting at or before
    // `pc` can hold it.
    let i = snapshot.partition_point(|e| e.start <= pc);
    let e = snapshot.get(i.checked_sub(1)?)?;
    if pc >= e.end {
        return None;
    }
    let (off, kind) = e.module.lookup(pc)?;
    Some(f(&e.module, off, kind))
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

/// One frame of a Wasm backtrace.
#[derive(Clone, Debug, PartialEq)]
pub struct BacktraceFrame {
    /// Name of the module (name section), if any.
    pub module: Option<String>,
    /// Function index in its module.
    pub func_index: u32,
    /// Function name from the name section, else `func[N]`.
    pub name: String,
    /// Source file and line (`wasmc -g` of a module with DWARF line tables), if known.
    pub source: Option<(String, u32)>,
}

/// Names the Wasm function containing `pc` (and its source line, if known).
pub fn frame_info(pc: usize) -> Option<BacktraceFrame> {
    with_code(pc, |m, off, kind| match kind {
        CodeKind::Func(def) => {
            let index = m.meta.num_imported_funcs + def;
            let source = m.meta.code[def as usize]
                .line_at(off as u32)
                .and_then(|(file, line)| Some((m.meta.files.get(file as usize)?.clone(), line)));
            Some(BacktraceFrame {
                module: m.meta.name.clone(),
                func_index: index,
                name: m.meta.func_display_name(index),
                source,
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

/// The registry's stack maps, for [`crate::stack::visit_stack_slots`].
pub struct CodeStackMaps;

impl crate::stack::StackMaps for CodeStackMaps {
    fn with_stack_map(&self, ret: usize, f: &mut dyn FnMut(u32, &[u32])) -> bool {
        with_stack_map(ret, |span, slots| f(span, slots)).is_some()
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::meta::{FuncCode, StackMap};

    /// A module with one function of `size` bytes at `addr` whose call returning to
    /// `addr + 8` has a stack map naming slot offset 16.
    fn fake_module(addr: usize, size: u32) -> Arc<LoadedModule> {
        let code = FuncCode {
            size,
            stack_maps: vec![StackMap { ret_offset: 8, span: 32, slots: vec![16] }],
            ..FuncCode::default()
        };
        let meta = ModuleMeta { code: vec![code], ..ModuleMeta::default() };
        Arc::new(LoadedModule::new(meta, vec![addr], Vec::new(), Vec::new(), 0))
    }

    /// While another thread registers and unregisters modules as fast as it can, every
    /// lookup of a registered module's stack map still succeeds. (With the former
    /// `RwLock::try_read` lookups, some failed while the writer held the lock.)
    #[test]
    fn lookups_never_fail_while_modules_come_and_go() {
        // Addresses far from any real code: nothing else registers them.
        let stable = fake_module(0x7e00_0000_0000, 64);
        register(&stable);
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let writer = {
            let stop = stop.clone();
            std::thread::spawn(move || {
                let mut n = 0usize;
                while !stop.load(Ordering::Relaxed) || n < 1000 {
                    let m = fake_module(0x7e10_0000_0000 + (n % 16) * 0x1000, 64);
                    register(&m);
                    unregister(&m);
                    n += 1;
                }
                n
            })
        };
        for _ in 0..200_000 {
            let found = with_stack_map(0x7e00_0000_0008, |span, slots| (span, slots.to_vec()));
            assert_eq!(found, Some((32, vec![16])));
            assert!(is_wasm_pc(0x7e00_0000_0010));
        }
        stop.store(true, Ordering::Relaxed);
        assert!(writer.join().expect("the writer thread does not panic") >= 1000);
        // An unregistered module is not found.
        unregister(&stable);
        assert!(!is_wasm_pc(0x7e00_0000_0010));
        assert_eq!(with_stack_map(0x7e00_0000_0008, |span, _| span), None);
    }

    #[test]
    fn lookup_outside_every_range_finds_nothing() {
        let m = fake_module(0x7e20_0000_0000, 64);
        register(&m);
        assert!(is_wasm_pc(0x7e20_0000_0000));
        assert!(!is_wasm_pc(0x7e20_0000_0040));
        assert!(!is_wasm_pc(0x7e1f_ffff_ffff));
        unregister(&m);
    }
}
