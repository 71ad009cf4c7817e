//! The builtin functions that compiled code calls through `VMContext::builtins`
//! (`foreach_builtin!` in [`crate::abi`] fixes their order and signatures).
//!
//! Each takes the caller's VM context first. Builtins that can fail return a status that the
//! compiled caller turns into its trap; none of them unwinds.

use crate::abi::{BuiltinFunctions, VMContext};
use crate::instance::Instance;

/// The table that every VM context points to.
pub static BUILTINS: BuiltinFunctions = BuiltinFunctions {
    memory_grow,
    memory_fill,
    memory_copy,
    memory_init,
    data_drop,
    table_grow,
    table_fill,
    table_copy,
    table_init,
    elem_drop,
    gc_alloc: crate::gc::gc_alloc,
    memmove,
    array_init_data,
    array_init_elem,
    throw: crate::exceptions::throw,
    gc_remember: crate::gc::gc_remember,
    gc_remember_range: crate::gc::gc_remember_range,
    memory_atomic_wait32,
    memory_atomic_wait64,
    memory_atomic_notify,
    sched_point,
};

/// The wait's timeout: `ns` nanoseconds, none when negative (threads proposal,
/// `memory.atomic.wait`).
fn timeout(ns: i64) -> Option<std::time::Duration> {
    u64::try_from(ns).ok().map(std::time::Duration::from_nanos)
}

/// The deterministic scheduler and the caller's exit frame, when the caller's store runs
/// under it (`VMStoreContext::sched`).
///
/// # Safety
/// `vmctx` must be the VM context compiled code passes to a builtin, called through the
/// module's thread adapter.
unsafe fn scheduled(vmctx: i64) -> Option<(&'static crate::sched::Scheduler, usize)> {
    // SAFETY: a VM context points to its store's context for the instance's lifetime.
    let store = unsafe { &*(*(vmctx as *const VMContext)).store };
    if store.sched == 0 {
        return None;
    }
    crate::sched::get().map(|s| (s, store.exit_fp))
}

unsafe extern "C" fn memory_atomic_wait32(vmctx: i64, addr: i64, expected: i64, ns: i64) -> i64 {
    let cell = addr as *const u32;
    let load = || {
        // SAFETY: compiled code passes the aligned, in-bounds address of a 4-byte cell of a
        // shared memory that its instance keeps mapped while it waits.
        let a = unsafe { std::sync::atomic::AtomicU32::from_ptr(cell.cast_mut()) };
        u64::from(a.load(std::sync::atomic::Ordering::SeqCst))
    };
    // SAFETY: forwarded from compiled code's call.
    if let Some((s, fp)) = unsafe { scheduled(vmctx) } {
        let t = u64::try_from(ns).ok();
        return s.wait(addr as usize, 32, expected as u32 as u64, &load, t, fp) as i64;
    }
    // SAFETY: as for `load`.
    unsafe { crate::parking::wait32(cell, expected as u32, timeout(ns)) as i64 }
}

unsafe extern "C" fn memory_atomic_wait64(vmctx: i64, addr: i64, expected: i64, ns: i64) -> i64 {
    let cell = addr as *const u64;
    let load = || {
        // SAFETY: as in `memory_atomic_wait32`, for an 8-byte cell.
        let a = unsafe { std::sync::atomic::AtomicU64::from_ptr(cell.cast_mut()) };
        a.load(std::sync::atomic::Ordering::SeqCst)
    };
    // SAFETY: forwarded from compiled code's call.
    if let Some((s, fp)) = unsafe { scheduled(vmctx) } {
        let t = u64::try_from(ns).ok();
        return s.wait(addr as usize, 64, expected as u64, &load, t, fp) as i64;
    }
    // SAFETY: as in `memory_atomic_wait32`, for an 8-byte cell.
    unsafe { crate::parking::wait64(cell, expected as u64, timeout(ns)) as i64 }
}

unsafe extern "C" fn memory_atomic_notify(vmctx: i64, addr: i64, count: i64, _: i64) -> i64 {
    // SAFETY: forwarded from compiled code's call.
    if let Some((s, fp)) = unsafe { scheduled(vmctx) } {
        return i64::from(s.notify(addr as usize, count as u32, fp));
    }
    // At most `count` waiters, and never more than there are threads.
    i64::from(crate::parking::notify(addr as usize, count as u32))
}

unsafe extern "C" fn sched_point(vmctx: i64, kind: i64, _addr: i64, _: i64) -> i64 {
    // SAFETY: forwarded from compiled code's call.
    if let Some((s, fp)) = unsafe { scheduled(vmctx) } {
        s.point(crate::abi::SchedPoint::from_kind(kind), fp);
    }
    0
}

/// The length field and element data of the array at `array`.
///
/// # Safety
/// `array` must be a live array object.
unsafe fn array_parts(array: i64) -> (u32, usize) {
    use wasmc_abi::layout::{ARRAY_DATA_OFFSET, ARRAY_LENGTH_OFFSET};
    // SAFETY: see the function's contract.
    let len = unsafe { *((array + ARRAY_LENGTH_OFFSET as i64) as *const u32) };
    (len, (array + ARRAY_DATA_OFFSET as i64) as usize)
}

/// Whether `[start, start + count)` lies within `0..len`.
fn in_range(start: u32, count: u32, len: u64) -> bool {
    u64::from(start) + u64::from(count) <= len
}

unsafe extern "C" fn array_init_data(
    vmctx: i64,
    array: i64,
    dst: i32,
    data: i32,
    src: i32,
    len: i32,
    elem_size: i32,
) -> i32 {
    // SAFETY: called by compiled code with its own VM context.
    let inst = unsafe { instance(vmctx) };
    let (dst, src, len) = (dst as u32, src as u32, len as u32);
    let bytes = u64::from(len) * elem_size as u64;
    let module = inst.module.clone();
    let seg: &[u8] = if inst.data_dropped[data as usize] {
        &[]
    } else {
        &module.meta.datas[data as usize].bytes
    };
    if array != 0 {
        // SAFETY: compiled code passes a non-null array reference.
        let (alen, _) = unsafe { array_parts(array) };
        if !in_range(dst, len, u64::from(alen)) {
            return 1;
        }
    }
    if u64::from(src) + bytes > seg.len() as u64 {
        return 2;
    }
    if array != 0 && bytes > 0 {
        // SAFETY: both ranges were checked above; segment bytes never alias the GC heap.
        unsafe {
            let (_, data) = array_parts(array);
            let to = data + dst as usize * elem_size as usize;
            core::ptr::copy_nonoverlapping(
                seg[src as usize..].as_ptr(),
                to as *mut u8,
                bytes as usize,
            );
        }
    }
    0
}

unsafe extern "C" fn array_init_elem(
    vmctx: i64,
    array: i64,
    dst: i32,
    elem: i32,
    src: i32,
    len: i32,
) -> i32 {
    // SAFETY: called by compiled code with its own VM context.
    let inst = unsafe { instance(vmctx) };
    let (dst, src, len) = (dst as u32, src as u32, len as u32);
    let seg = &inst.elem_values[elem as usize];
    if array != 0 {
        // SAFETY: compiled code passes a non-null array reference.
        let (alen, _) = unsafe { array_parts(array) };
        if !in_range(dst, len, u64::from(alen)) {
            return 1;
        }
    }
    if !in_range(src, len, seg.len() as u64) {
        return 2;
    }
    if array != 0 {
        // SAFETY: both ranges were checked; references are 8-byte elements.
        unsafe {
            let (_, data) = array_parts(array);
            let to = (data as *mut usize).add(dst as usize);
            core::ptr::copy_nonoverlapping(seg[src as usize..].as_ptr(), to, len as usize);
            // The bulk write barrier: the segment's references may be young and the array
            // old (the collector filters both).
            if let Some(heap) = inst.store_mut().heap.as_mut() {
                // SAFETY: the `len` elements just written, of the live array.
                heap.remember_range(to, len as usize);
            }
        }
    }
    0
}

unsafe extern "C" fn memmove(_vmctx: i64, dst: i64, src: i64, len: i64) -> i32 {
    // SAFETY: compiled code passes element ranges it has bounds-checked against live arrays;
    // `copy` allows overlap.
    unsafe { core::ptr::copy(src as *const u8, dst as *mut u8, len as usize) };
    0
}

/// The instance that owns `vmctx`.
///
/// # Safety
/// `vmctx` must be the VM context of a live instance, passed by compiled code.
unsafe fn instance<'a>(vmctx: i64) -> &'a mut Instance {
    // SAFETY: see the function's contract.
    unsafe { &mut *((*(vmctx as *mut VMContext)).instance as *mut Instance) }
}

/// Fills `len` elements from `dst` with `value`; `Err` if the range leaves `slice` (then
/// nothing is written: bulk operations check bounds first, spec §4.4.7).
fn fill<T: Copy>(slice: &mut [T], dst: u64, len: u64, value: T) -> Result<(), ()> {
    let end = dst.checked_add(len).filter(|e| *e <= slice.len() as u64).ok_or(())?;
    slice[dst as usize..end as usize].fill(value);
    Ok(())
}

fn status(r: Result<(), ()>) -> i32 {
    if r.is_ok() { 0 } else { 1 }
}

unsafe extern "C" fn memory_grow(vmctx: i64, memory: i32, delta: i64) -> i64 {
    // SAFETY: called by compiled code with its own VM context.
    let inst = unsafe { instance(vmctx) };
    match inst.memory(memory as u32).and_then(|m| m.grow(delta as u64)) {
        Some(old) => old as i64,
        None => -1,
    }
}

unsafe extern "C" fn memory_fill(vmctx: i64, memory: i32, dst: i64, value: i32, len: i64) -> i32 {
    // SAFETY: called by compiled code with its own VM context.
    let inst = unsafe { instance(vmctx) };
    let Some(m) = inst.memory(memory as u32) else {
        return 1;
    };
    status(fill(m.data_mut(), dst as u64, len as u64, value as u8))
}

unsafe extern "C" fn memory_copy(
    vmctx: i64,
    dst_mem: i32,
    src_mem: i32,
    dst: i64,
    src: i64,
    len: i64,
) -> i32 {
    // SAFETY: called by compiled code with its own VM context.
    let inst = unsafe { instance(vmctx) };
    let (dst, src, len) = (dst as u64, src as u64, len as u64);
    let Some((s, src_len)) = inst.memory(src_mem as u32).map(|m| (m.base(), m.len_bytes())) else {
        return 1;
    };
    let Some((d, dst_len)) = inst.memory(dst_mem as u32).map(|m| (m.base(), m.len_bytes())) else {
        return 1;
    };
    let ok = src.checked_add(len).is_some_and(|e| e <= src_len)
        && dst.checked_add(len).is_some_and(|e| e <= dst_len);
    if !ok {
        return 1;
    }
    // SAFETY: both ranges were checked against their memories' lengths; `copy` handles
    // overlap (memory.copy has memmove semantics).
    unsafe { core::ptr::copy(s.add(src as usize), d.add(dst as usize), len as usize) };
    0
}

unsafe extern "C" fn memory_init(
    vmctx: i64,
    memory: i32,
    data: i32,
    dst: i64,
    src: i32,
    len: i32,
) -> i32 {
    // SAFETY: called by compiled code with its own VM context.
    let inst = unsafe { instance(vmctx) };
    status(inst.memory_init(
        memory as u32,
        data as u32,
        dst as u64,
        src as u32 as u64,
        len as u32 as u64,
    ))
}

unsafe extern "C" fn data_drop(vmctx: i64, data: i32) -> i32 {
    // SAFETY: called by compiled code with its own VM context.
    let inst = unsafe { instance(vmctx) };
    inst.data_dropped[data as usize] = true;
    0
}

unsafe extern "C" fn table_grow(vmctx: i64, table: i32, init: i64, delta: i64) -> i64 {
    // SAFETY: called by compiled code with its own VM context.
    let inst = unsafe { instance(vmctx) };
    match inst.table(table as u32).grow(delta as u64, init as usize) {
        Some(old) => old as i64,
        None => -1,
    }
}

unsafe extern "C" fn table_fill(vmctx: i64, table: i32, dst: i64, value: i64, len: i64) -> i32 {
    // SAFETY: called by compiled code with its own VM context.
    let inst = unsafe { instance(vmctx) };
    status(fill(inst.table(table as u32).elements_mut(), dst as u64, len as u64, value as usize))
}

unsafe extern "C" fn table_copy(
    vmctx: i64,
    dst_table: i32,
    src_table: i32,
    dst: i64,
    src: i64,
    len: i64,
) -> i32 {
    // SAFETY: called by compiled code with its own VM context.
    let inst = unsafe { instance(vmctx) };
    let (dst, src, len) = (dst as u64, src as u64, len as u64);
    let src_elems = inst.table(src_table as u32).elements();
    let Some(src_end) = src.checked_add(len).filter(|e| *e <= src_elems.len() as u64) else {
        return 1;
    };
    let items: Vec<usize> = src_elems[src as usize..src_end as usize].to_vec();
    let d = inst.table(dst_table as u32).elements_mut();
    let Some(dst_end) = dst.checked_add(len).filter(|e| *e <= d.len() as u64) else {
        return 1;
    };
    d[dst as usize..dst_end as usize].copy_from_slice(&items);
    0
}

unsafe extern "C" fn table_init(
    vmctx: i64,
    table: i32,
    elem: i32,
    dst: i64,
    src: i32,
    len: i32,
) -> i32 {
    // SAFETY: called by compiled code with its own VM context.
    let inst = unsafe { instance(vmctx) };
    status(inst.table_init(
        table as u32,
        elem as u32,
        dst as u64,
        src as u32 as u64,
        len as u32 as u64,
    ))
}

unsafe extern "C" fn elem_drop(vmctx: i64, elem: i32) -> i32 {
    // SAFETY: called by compiled code with its own VM context.
    let inst = unsafe { instance(vmctx) };
    inst.elem_values[elem as usize] = Vec::new();
    0
}
