//! The binary contract between compiled code and the runtime.
//!
//! Everything the compiler bakes into machine code about runtime data structures is defined
//! here, once: the layout of the VM context and of the structures it points to (their field
//! offsets are computed with `offset_of!`, never written by hand), the table of builtin
//! functions (libcalls), the trap codes, and the module descriptor that every compiled
//! object exports. The compiler imports these definitions to emit code; the runtime uses the
//! same `#[repr(C)]` types to build instances. Unit tests below pin the layout.

use core::mem::offset_of;

pub use crate::layout::Rtt;

/// Bytes in one WebAssembly page (spec §2.3.8 "Memory Types": 64 KiB).
pub const WASM_PAGE_SIZE: u64 = 65536;

/// Bytes of address space reserved for every 32-bit linear memory.
///
/// A 32-bit memory is at most 4 GiB; a load or store adds a zero-extended 32-bit index to a
/// 32-bit static offset and touches at most 8 bytes, so every address the compiled code can
/// form lies below `base + 8 GiB + 8`. Reserving 8 GiB plus one page, of which only the
/// current length is accessible, lets the compiled code skip explicit bounds checks: an
/// out-of-bounds access faults in the guard region and the signal handler turns the fault
/// into the trap "out of bounds memory access".
pub const MEMORY_RESERVATION: u64 = (8 << 30) + WASM_PAGE_SIZE;

/// Bytes of one value in the value arrays exchanged by trampolines and host functions.
///
/// Each argument and result occupies one slot: `i32`/`f32` in the low 4 bytes
/// (little-endian), `i64`/`f64` and references in all 8; a `v128` occupies two consecutive
/// slots, low half first ([`value_slots`], [`slot_indices`]).
pub const VALUE_SLOT_SIZE: u32 = 8;

/// Magic number and ABI version at the start of every [`ModuleDescriptor`].
///
/// Bump the low bits whenever any layout in this module changes, so that objects built for
/// an older runtime are rejected instead of misread.
pub const DESCRIPTOR_MAGIC: u64 = 0x7761_736d_6301_000a;

/// Name of the symbol through which a compiled object exports its [`ModuleDescriptor`]
/// when it is compiled without a module name (the spec runner's shared objects, found with
/// `dlsym`); `wasmc` names every object's descriptor after its module
/// ([`descriptor_symbol`]).
pub const DESCRIPTOR_SYMBOL: &str = "wasmc_module_descriptor";

/// The global symbol of the [`ModuleDescriptor`] of the module named `name` (`wasmc -c
/// --module-name NAME`, else the input file's stem): `wasmc_module_NAME`, every character
/// of NAME other than an ASCII letter, digit or `_` replaced by `_`. It is the only symbol
/// with global binding in an object from `wasmc -c`, so objects of modules with different
/// names link into one program without clashing (issue 14).
pub fn descriptor_symbol(name: &str) -> String {
    let name: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '_' }).collect();
    format!("wasmc_module_{name}")
}

/// Name of the runtime entry point that the `main` function emitted into executables calls:
/// `int wasmc_main(int argc, char **argv, const ModuleDescriptor *module)`.
pub const MAIN_SYMBOL: &str = "wasmc_main";

/// Per-instance VM context: the first argument of every compiled Wasm function.
///
/// All fields are written once at instantiation and never change afterwards, so compiled
/// code may load them with `readonly` flags and hoist the loads. Mutable state lives in the
/// structures they point to.
#[repr(C)]
pub struct VMContext {
    /// The store shared by all instances that call each other.
    pub store: *mut VMStoreContext,
    /// The runtime's builtin functions (libcalls).
    pub builtins: *const BuiltinFunctions,
    /// Per memory index (imports first): the memory's definition.
    pub memories: *const *mut VMMemory,
    /// Per table index (imports first): the table's definition.
    pub tables: *const *mut VMTable,
    /// Per global index (imports first): the global's 8-byte cell.
    pub globals: *const *mut VMGlobal,
    /// Per function index (imports first): the function's `funcref`.
    pub funcrefs: *const *const VMFuncRef,
    /// Per module type index: the RTT of its canonical type (`gc::layout::Rtt`), for
    /// signature checks and casts.
    pub rtts: *const *const Rtt,
    /// The runtime's `Instance` that owns this context (opaque to compiled code).
    pub instance: *mut core::ffi::c_void,
    /// Per tag index (imports first): the tag's definition, whose address is its identity.
    pub tags: *const *const VMTag,
}

/// Offsets of [`VMContext`] fields, in bytes.
pub mod vmctx {
    use super::*;
    /// Offset of [`VMContext::store`].
    pub const STORE: i32 = offset_of!(VMContext, store) as i32;
    /// Offset of [`VMContext::builtins`].
    pub const BUILTINS: i32 = offset_of!(VMContext, builtins) as i32;
    /// Offset of [`VMContext::memories`].
    pub const MEMORIES: i32 = offset_of!(VMContext, memories) as i32;
    /// Offset of [`VMContext::tables`].
    pub const TABLES: i32 = offset_of!(VMContext, tables) as i32;
    /// Offset of [`VMContext::globals`].
    pub const GLOBALS: i32 = offset_of!(VMContext, globals) as i32;
    /// Offset of [`VMContext::funcrefs`].
    pub const FUNCREFS: i32 = offset_of!(VMContext, funcrefs) as i32;
    /// Offset of [`VMContext::rtts`].
    pub const RTTS: i32 = offset_of!(VMContext, rtts) as i32;
    /// Offset of [`VMContext::tags`].
    pub const TAGS: i32 = offset_of!(VMContext, tags) as i32;
}

/// State shared by all instances of one store (one thread of execution).
#[repr(C)]
pub struct VMStoreContext {
    /// Lowest stack address compiled code may use; the prologue of every Wasm function
    /// compares the stack pointer against it and traps with "call stack exhausted".
    pub stack_limit: usize,
    /// Frame pointer of the adapter through which Wasm code last called out to the runtime
    /// (a GC builtin or a host function): the stack walk for roots starts there.
    pub exit_fp: usize,
    /// The GC heap's inline allocation window.
    pub alloc: crate::attrs::AllocArea,
    /// The young generation's bounds, for the inline write barrier (fixed for the store's
    /// lifetime).
    pub young: crate::attrs::YoungRange,
    /// The operand a trap's message names, written by compiled code just before it traps:
    /// the table index of a `call_indirect` that found a null element, so the trap reads
    /// `uninitialized element 2` as in the spec's reference interpreter. Meaningful only
    /// for a trap with [`TrapCode::UninitializedElement`], the one code raised after it is
    /// written.
    pub trap_operand: u64,
    /// Nonzero when the store's thread runs under the deterministic scheduler
    /// (`WASMC_DETERMINISTIC=1` in a wasi-threads program, issue 29): compiled code then
    /// calls the `sched_point` builtin before every atomic access to a shared memory and
    /// every `atomic.fence`. Set before any code of the store runs; never changes after, so
    /// compiled code may read it as read-only.
    pub sched: u64,
}

/// Offsets of [`VMStoreContext`] fields, in bytes.
pub mod store {
    use super::*;
    /// Offset of [`VMStoreContext::stack_limit`].
    pub const STACK_LIMIT: i32 = offset_of!(VMStoreContext, stack_limit) as i32;
    /// Offset of [`VMStoreContext::exit_fp`].
    pub const EXIT_FP: i32 = offset_of!(VMStoreContext, exit_fp) as i32;
    /// Offset of [`VMStoreContext::trap_operand`].
    pub const TRAP_OPERAND: i32 = offset_of!(VMStoreContext, trap_operand) as i32;
    /// Offset of [`VMStoreContext::sched`].
    pub const SCHED: i32 = offset_of!(VMStoreContext, sched) as i32;
    /// Offset of the allocation bump pointer.
    pub const ALLOC_BUMP: i32 =
        offset_of!(VMStoreContext, alloc) as i32 + crate::attrs::ALLOC_BUMP_OFFSET;
    /// Offset of the allocation limit.
    pub const ALLOC_LIMIT: i32 =
        offset_of!(VMStoreContext, alloc) as i32 + crate::attrs::ALLOC_LIMIT_OFFSET;
    /// Offset of the nursery's first byte (read-only for compiled code).
    pub const YOUNG_START: i32 =
        offset_of!(VMStoreContext, young) as i32 + crate::attrs::YOUNG_START_OFFSET;
    /// Offset of the nursery's size in bytes (read-only for compiled code).
    pub const YOUNG_SIZE: i32 =
        offset_of!(VMStoreContext, young) as i32 + crate::attrs::YOUNG_SIZE_OFFSET;
}

/// A linear memory as compiled code sees it.
#[repr(C)]
pub struct VMMemory {
    /// Start of the memory's reservation of [`MEMORY_RESERVATION`] bytes; never changes, even
    /// when the memory grows.
    pub base: *mut u8,
    /// Current length in bytes (a multiple of [`WASM_PAGE_SIZE`]).
    pub length: u64,
}

/// Offsets of [`VMMemory`] fields, in bytes.
pub mod memory {
    use super::*;
    /// Offset of [`VMMemory::base`].
    pub const BASE: i32 = offset_of!(VMMemory, base) as i32;
    /// Offset of [`VMMemory::length`].
    pub const LENGTH: i32 = offset_of!(VMMemory, length) as i32;
}

/// A table as compiled code sees it: `length` elements of 8 bytes each at `base`.
///
/// A `funcref` element is a `*const VMFuncRef` (null is 0); an `externref` element is the
/// reference's raw bits. `base` moves when the table grows, so compiled code reloads it.
#[repr(C)]
pub struct VMTable {
    /// First element.
    pub base: *mut usize,
    /// Number of elements.
    pub length: u64,
}

/// Offsets of [`VMTable`] fields, in bytes.
pub mod table {
    use super::*;
    /// Offset of [`VMTable::base`].
    pub const BASE: i32 = offset_of!(VMTable, base) as i32;
    /// Offset of [`VMTable::length`].
    pub const LENGTH: i32 = offset_of!(VMTable, length) as i32;
    /// Bytes per element.
    pub const ELEMENT_SIZE: u32 = core::mem::size_of::<usize>() as u32;
}

/// A function reference: what `ref.func` produces, what tables hold and what
/// `call_indirect` calls through.
///
/// `code` has the Wasm calling convention (Cranelift `tail`):
/// `(callee_vmctx, caller_vmctx, params...) -> results`.
#[repr(C)]
pub struct VMFuncRef {
    /// Entry of the function's machine code.
    pub code: *const u8,
    /// First argument to pass: the callee's VM context (or host function data).
    pub vmctx: *mut core::ffi::c_void,
    /// RTT of the function's (canonical) type.
    pub rtt: *const Rtt,
}

/// Offsets of [`VMFuncRef`] fields, in bytes.
pub mod funcref {
    use super::*;
    /// Offset of [`VMFuncRef::code`].
    pub const CODE: i32 = offset_of!(VMFuncRef, code) as i32;
    /// Offset of [`VMFuncRef::vmctx`].
    pub const VMCTX: i32 = offset_of!(VMFuncRef, vmctx) as i32;
    /// Offset of [`VMFuncRef::rtt`].
    pub const RTT: i32 = offset_of!(VMFuncRef, rtt) as i32;
}

/// An exception tag (Wasm exception handling). Tags are compared by address: an imported
/// tag is the exporter's `VMTag` itself, and each definition in each instance is a new one
/// (spec §4.5.3.8 "Tag instances"). Immortal for the life of its store.
#[repr(C)]
pub struct VMTag {
    /// RTT of the exception objects thrown with this tag (kind `Exn`, layout
    /// `gc::layout::exception_layout` of the tag type's parameters).
    pub rtt: *const Rtt,
    /// Canonical type id of the tag's function type (for import matching).
    pub type_id: u32,
}

/// Offsets of [`VMTag`] fields, in bytes.
pub mod tag {
    use super::*;
    /// Offset of [`VMTag::rtt`].
    pub const RTT: i32 = offset_of!(VMTag, rtt) as i32;
}

/// The 16-byte cell of a global; the value sits at offset 0 in its natural width (a `v128`
/// fills both words, low half first).
#[repr(C, align(16))]
pub struct VMGlobal {
    /// Raw bits of the value (of a `v128`: its low 64 bits).
    pub bits: u64,
    /// The high 64 bits of a `v128`; 0 for every other type.
    pub high: u64,
}

impl VMGlobal {
    /// A cell holding the raw bits of a value other than `v128`.
    pub fn new(bits: u64) -> VMGlobal {
        VMGlobal { bits, high: 0 }
    }

    /// A cell holding a `v128` (or, with a zero high half, any other value).
    pub fn from_u128(bits: u128) -> VMGlobal {
        VMGlobal { bits: bits as u64, high: (bits >> 64) as u64 }
    }

    /// All 128 bits of the cell.
    pub fn get_u128(&self) -> u128 {
        u128::from(self.bits) | (u128::from(self.high) << 64)
    }
}

/// Value slots ([`VALUE_SLOT_SIZE`] bytes each) a value of type `ty` occupies in the value
/// arrays of trampolines and host functions: 2 for a `v128` (low half first), else 1.
pub fn value_slots(ty: crate::meta::ValType) -> usize {
    if ty == crate::meta::ValType::V128 { 2 } else { 1 }
}

/// Slot index of each value of `types` in a value array, and the number of slots in all.
pub fn slot_indices(types: &[crate::meta::ValType]) -> (Vec<usize>, usize) {
    let mut next = 0;
    let indices = types
        .iter()
        .map(|t| {
            let i = next;
            next += value_slots(*t);
            i
        })
        .collect();
    (indices, next)
}

/// Data that the wasm-to-host adapter of an imported host function receives as its
/// "callee vmctx".
#[repr(C)]
pub struct VMHostFuncData {
    /// The host function: `(data, caller_vmctx, values) -> status`. `values` holds the
    /// arguments on entry and receives the results; status 0 returns normally, anything else
    /// raises the trap the runtime recorded for this thread.
    pub func: HostFuncPtr,
}

/// Signature of a host function callable from Wasm (see [`VMHostFuncData`]).
pub type HostFuncPtr = unsafe extern "C" fn(
    data: *mut VMHostFuncData,
    caller_vmctx: *mut VMContext,
    values: *mut u64,
) -> u32;

/// Offsets of [`VMHostFuncData`] fields, in bytes.
pub mod host_func {
    use super::*;
    /// Offset of [`VMHostFuncData::func`].
    pub const FUNC: i32 = offset_of!(VMHostFuncData, func) as i32;
}

/// Signature of the host-to-Wasm trampoline the compiler emits for each function type.
///
/// It stores its own frame pointer to `*entry_fp` (where the stack walker stops), loads the
/// arguments from `values`, calls `code(callee_vmctx, caller_vmctx, args...)` and stores the
/// results back into `values` (which must have `max(params, results)` slots).
pub type ArrayToWasmTrampoline = unsafe extern "C" fn(
    code: *const u8,
    callee_vmctx: *mut core::ffi::c_void,
    caller_vmctx: *mut VMContext,
    values: *mut u64,
    entry_fp: *mut usize,
);

/// What every compiled object exports (as [`DESCRIPTOR_SYMBOL`] in shared objects; passed to
/// [`MAIN_SYMBOL`] in executables).
///
/// Pointers are filled by relocations when the object is linked or loaded.
#[repr(C)]
pub struct ModuleDescriptor {
    /// [`DESCRIPTOR_MAGIC`].
    pub magic: u64,
    /// The module's metadata ([`crate::meta::ModuleMeta`], postcard-encoded).
    pub meta: *const u8,
    /// Bytes at `meta`.
    pub meta_len: usize,
    /// Per defined function (index minus imported functions): its code address.
    pub funcs: *const *const u8,
    /// Per module type index: the [`ArrayToWasmTrampoline`] for that function type (null for
    /// non-function types).
    pub array_to_wasm: *const *const u8,
    /// Per module type index: the wasm-to-host adapter for that function type, with the Wasm
    /// calling convention, which calls the [`VMHostFuncData`] passed as its callee vmctx.
    pub wasm_to_host: *const *const u8,
    /// The module's GC builtin adapter (records the exit frame, then calls `gc_alloc`).
    pub gc_adapter: *const u8,
}

/// Offsets of [`ModuleDescriptor`] fields, in bytes.
pub mod descriptor {
    use super::*;
    /// Offset of [`ModuleDescriptor::magic`].
    pub const MAGIC: u32 = offset_of!(ModuleDescriptor, magic) as u32;
    /// Offset of [`ModuleDescriptor::meta`].
    pub const META: u32 = offset_of!(ModuleDescriptor, meta) as u32;
    /// Offset of [`ModuleDescriptor::meta_len`].
    pub const META_LEN: u32 = offset_of!(ModuleDescriptor, meta_len) as u32;
    /// Offset of [`ModuleDescriptor::funcs`].
    pub const FUNCS: u32 = offset_of!(ModuleDescriptor, funcs) as u32;
    /// Offset of [`ModuleDescriptor::array_to_wasm`].
    pub const ARRAY_TO_WASM: u32 = offset_of!(ModuleDescriptor, array_to_wasm) as u32;
    /// Offset of [`ModuleDescriptor::wasm_to_host`].
    pub const WASM_TO_HOST: u32 = offset_of!(ModuleDescriptor, wasm_to_host) as u32;
    /// Offset of [`ModuleDescriptor::gc_adapter`].
    pub const GC_ADAPTER: u32 = offset_of!(ModuleDescriptor, gc_adapter) as u32;
    /// Size of the descriptor.
    pub const SIZE: u32 = core::mem::size_of::<ModuleDescriptor>() as u32;
}

/// Why compiled code stopped: one code per Wasm trap, shared by the compiler (which stores
/// the raw byte in Cranelift's trap records) and the runtime (which prints the message).
///
/// The raw values of the five codes that Cranelift itself uses equal Cranelift's reserved
/// codes (`TrapCode::STACK_OVERFLOW` = 251 ... `BAD_CONVERSION_TO_INTEGER` = 255); the
/// compiler checks this in a unit test. Messages follow the wording of the spec test suite's
/// `assert_trap`/`assert_exhaustion` directives.
#[repr(u8)]
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
pub enum TrapCode {
    /// `unreachable` executed.
    Unreachable = 1,
    /// Linear memory access out of bounds (including bulk memory operations).
    MemoryOutOfBounds = 2,
    /// Table access out of bounds (`table.get/set/fill/copy/init`).
    TableOutOfBounds = 3,
    /// `call_indirect` index outside the table.
    UndefinedElement = 4,
    /// `call_indirect` through a null table element.
    UninitializedElement = 5,
    /// `call_indirect` signature mismatch.
    IndirectCallTypeMismatch = 6,
    /// A null reference was dereferenced (`call_ref`, `struct.get`, ...).
    NullReference = 7,
    /// `ref.cast` failed.
    CastFailure = 8,
    /// The heap is exhausted at its maximum size.
    OutOfMemory = 9,
    /// A host function raised a trap; the runtime recorded its details.
    HostTrap = 10,
    /// Array access out of bounds.
    ArrayOutOfBounds = 11,
    /// `memory.grow` etc. asked for an allocation that is too large.
    AllocationTooLarge = 12,
    /// `call_ref` of a null function reference.
    NullFunctionReference = 13,
    /// Struct access through a null reference.
    NullStructReference = 14,
    /// Array access through a null reference.
    NullArrayReference = 15,
    /// `i31.get_*` of a null reference.
    NullI31Reference = 16,
    /// An atomic access (or `memory.atomic.wait*`/`notify`) whose effective address, index
    /// plus offset, is not a multiple of its size (threads proposal, "Atomic Memory
    /// Accesses": alignment is checked before bounds).
    UnalignedAtomic = 17,
    /// `memory.atomic.wait32`/`wait64` on a memory that is not shared (threads proposal:
    /// only a shared memory may block).
    ExpectedSharedMemory = 18,
    /// The call stack is exhausted (Cranelift's `STACK_OVERFLOW`).
    StackOverflow = 251,
    /// Integer overflow (Cranelift's `INTEGER_OVERFLOW`).
    IntegerOverflow = 252,
    /// Cranelift's `HEAP_OUT_OF_BOUNDS`; not used by wasmc's lowering.
    HeapOutOfBounds = 253,
    /// Integer division by zero (Cranelift's `INTEGER_DIVISION_BY_ZERO`).
    IntegerDivisionByZero = 254,
    /// NaN converted to an integer (Cranelift's `BAD_CONVERSION_TO_INTEGER`).
    BadConversionToInteger = 255,
}

impl TrapCode {
    /// Every trap code, for tables and tests.
    pub const ALL: [TrapCode; 23] = [
        TrapCode::Unreachable,
        TrapCode::MemoryOutOfBounds,
        TrapCode::TableOutOfBounds,
        TrapCode::UndefinedElement,
        TrapCode::UninitializedElement,
        TrapCode::IndirectCallTypeMismatch,
        TrapCode::NullReference,
        TrapCode::CastFailure,
        TrapCode::OutOfMemory,
        TrapCode::HostTrap,
        TrapCode::ArrayOutOfBounds,
        TrapCode::AllocationTooLarge,
        TrapCode::NullFunctionReference,
        TrapCode::NullStructReference,
        TrapCode::NullArrayReference,
        TrapCode::NullI31Reference,
        TrapCode::UnalignedAtomic,
        TrapCode::ExpectedSharedMemory,
        TrapCode::StackOverflow,
        TrapCode::IntegerOverflow,
        TrapCode::HeapOutOfBounds,
        TrapCode::IntegerDivisionByZero,
        TrapCode::BadConversionToInteger,
    ];

    /// The code whose raw byte is `raw`, if any.
    pub fn from_raw(raw: u8) -> Option<TrapCode> {
        Self::ALL.into_iter().find(|c| *c as u8 == raw)
    }

    /// The message printed after `wasm trap: ` (spec test wording).
    pub fn message(self) -> &'static str {
        match self {
            TrapCode::Unreachable => "unreachable",
            TrapCode::MemoryOutOfBounds | TrapCode::HeapOutOfBounds => {
                "out of bounds memory access"
            }
            TrapCode::TableOutOfBounds => "out of bounds table access",
            TrapCode::UndefinedElement => "undefined element",
            TrapCode::UninitializedElement => "uninitialized element",
            TrapCode::IndirectCallTypeMismatch => "indirect call type mismatch",
            TrapCode::NullReference => "null reference",
            TrapCode::CastFailure => "cast failure",
            TrapCode::OutOfMemory => "out of memory",
            TrapCode::HostTrap => "host trap",
            TrapCode::ArrayOutOfBounds => "out of bounds array access",
            TrapCode::AllocationTooLarge => "allocation size too large",
            TrapCode::NullFunctionReference => "null function reference",
            TrapCode::NullStructReference => "null structure reference",
            TrapCode::NullArrayReference => "null array reference",
            TrapCode::NullI31Reference => "null i31 reference",
            TrapCode::UnalignedAtomic => "unaligned atomic",
            TrapCode::ExpectedSharedMemory => "expected shared memory",
            TrapCode::StackOverflow => "call stack exhausted",
            TrapCode::IntegerOverflow => "integer overflow",
            TrapCode::IntegerDivisionByZero => "integer divide by zero",
            TrapCode::BadConversionToInteger => "invalid conversion to integer",
        }
    }
}

/// Invokes `$mac!` with the list of builtin functions: `name(params) -> result;` where each
/// type is `i32` or `i64` (pointers are `i64`). The first parameter of every builtin is the
/// caller's `*mut VMContext`. The runtime builds [`BuiltinFunctions`] from this list and the
/// compiler builds its libcall signatures from it, so the two cannot disagree.
///
/// Builtins that can fail return an `i32` status: 0 for success, nonzero when the compiled
/// caller must trap (the caller knows which trap: each such builtin fails one way).
#[macro_export]
macro_rules! foreach_builtin {
    ($mac:ident) => {
        $mac! {
            /// `memory.grow`: returns the old size in pages, or -1.
            memory_grow(vmctx: i64, memory: i32, delta_pages: i64) -> i64;
            /// `memory.fill`: status (nonzero: out of bounds memory access).
            memory_fill(vmctx: i64, memory: i32, dst: i64, value: i32, len: i64) -> i32;
            /// `memory.copy`: status (nonzero: out of bounds memory access).
            memory_copy(vmctx: i64, dst_memory: i32, src_memory: i32, dst: i64, src: i64, len: i64) -> i32;
            /// `memory.init`: status (nonzero: out of bounds memory access).
            memory_init(vmctx: i64, memory: i32, data: i32, dst: i64, src: i32, len: i32) -> i32;
            /// `data.drop`: always 0.
            data_drop(vmctx: i64, data: i32) -> i32;
            /// `table.grow`: returns the old size, or -1.
            table_grow(vmctx: i64, table: i32, init: i64, delta: i64) -> i64;
            /// `table.fill`: status (nonzero: out of bounds table access).
            table_fill(vmctx: i64, table: i32, dst: i64, value: i64, len: i64) -> i32;
            /// `table.copy`: status (nonzero: out of bounds table access).
            table_copy(vmctx: i64, dst_table: i32, src_table: i32, dst: i64, src: i64, len: i64) -> i32;
            /// `table.init`: status (nonzero: out of bounds table access).
            table_init(vmctx: i64, table: i32, elem: i32, dst: i64, src: i32, len: i32) -> i32;
            /// `elem.drop`: always 0.
            elem_drop(vmctx: i64, elem: i32) -> i32;
            /// GC allocation slow path (may collect): `size` bytes for an object of RTT
            /// `rtt`; returns the object (header not yet written), or 0 when the heap is
            /// exhausted ("out of memory"). Called through the module's GC adapter.
            gc_alloc(vmctx: i64, rtt: i64, size: i64) -> i64;
            /// `memmove(dst, src, len)` of raw bytes (`array.copy`); never collects.
            memmove(vmctx: i64, dst: i64, src: i64, len: i64) -> i32;
            /// `array.init_data`: copies `len` elements' bytes from data segment `data` at
            /// byte `src` into `array` from element `dst`. 0 on success, 1 when the array
            /// range is out of bounds, 2 when the segment range is. With a null `array`
            /// only the segment range of `len` elements of `elem_size` bytes is checked
            /// (`array.new_data` checks before it allocates). Never collects.
            array_init_data(vmctx: i64, array: i64, dst: i32, data: i32, src: i32, len: i32, elem_size: i32) -> i32;
            /// `array.init_elem`: as `array_init_data` for element segment `elem` (whose
            /// values are 8-byte references). Never collects.
            array_init_elem(vmctx: i64, array: i64, dst: i32, elem: i32, src: i32, len: i32) -> i32;
            /// `throw` / `throw_ref` of the exception object `exn`: unwinds to the innermost
            /// handler (a `try_call` site of the current activation) and resumes there, or
            /// ends the activation with an uncaught exception. Never returns. Called
            /// through the module's throw adapter.
            throw(vmctx: i64, exn: i64) -> i32;
            /// Write-barrier slow path ([`crate::attrs::BarrierKind::StoreBuffer`]): the
            /// reference slot at address `slot`, of an object outside the nursery, now holds
            /// a young reference; the collector remembers it. Never collects; always 0.
            gc_remember(vmctx: i64, slot: i64) -> i32;
            /// Bulk write-barrier slow path: the `count` reference slots from address
            /// `first` (of one array outside the nursery) were stored to; the collector
            /// remembers those now holding young references. Never collects; always 0.
            gc_remember_range(vmctx: i64, first: i64, count: i64) -> i32;
            /// `memory.atomic.wait32` on a shared memory: `addr` is the native address of
            /// the 4-byte cell (compiled code checked alignment and bounds), `expected` its
            /// low 32 bits, `timeout` in nanoseconds, negative for none. Blocks until
            /// notified (0, "ok"), returns 1 ("not-equal") at once if the cell does not hold
            /// `expected`, 2 ("timed-out") when the timeout passes. Never collects. Called
            /// through the module's thread adapter (which records the exit frame, for the
            /// backtrace of a deadlocked thread), like the two below.
            memory_atomic_wait32(vmctx: i64, addr: i64, expected: i64, timeout: i64) -> i64;
            /// `memory.atomic.wait64`: as `memory_atomic_wait32` for an 8-byte cell.
            memory_atomic_wait64(vmctx: i64, addr: i64, expected: i64, timeout: i64) -> i64;
            /// `memory.atomic.notify` on a shared memory: wakes at most `count` (its low 32
            /// bits, unsigned) waiters on the native address `addr`, oldest first; returns
            /// how many it woke. `unused` is 0. Never collects.
            memory_atomic_notify(vmctx: i64, addr: i64, count: i64, unused: i64) -> i64;
            /// A scheduling point of the deterministic scheduler, called only when
            /// `VMStoreContext::sched` is set, before an atomic access of kind `kind` (a
            /// [`SchedPoint`]) at the native address `addr` (0 for a fence): the scheduler
            /// may run other threads before it returns. `unused` is 0; returns 0. Never
            /// collects.
            sched_point(vmctx: i64, kind: i64, addr: i64, unused: i64) -> i64;
        }
    };
}

/// What a scheduling point precedes (the `kind` argument of the `sched_point` builtin).
#[repr(u8)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SchedPoint {
    /// `*.atomic.load*`.
    Load = 0,
    /// `*.atomic.store*`.
    Store = 1,
    /// `*.atomic.rmw*` other than `cmpxchg`.
    Rmw = 2,
    /// `*.atomic.rmw*.cmpxchg`.
    Cmpxchg = 3,
    /// `atomic.fence`.
    Fence = 4,
}

impl SchedPoint {
    /// The point of `kind`, if it is one.
    pub fn from_kind(kind: i64) -> Option<SchedPoint> {
        Some(match kind {
            0 => SchedPoint::Load,
            1 => SchedPoint::Store,
            2 => SchedPoint::Rmw,
            3 => SchedPoint::Cmpxchg,
            4 => SchedPoint::Fence,
            _ => return None,
        })
    }

    /// The instruction class, for traces and reports (`atomic.load`, ...).
    pub fn name(self) -> &'static str {
        match self {
            SchedPoint::Load => "atomic.load",
            SchedPoint::Store => "atomic.store",
            SchedPoint::Rmw => "atomic.rmw",
            SchedPoint::Cmpxchg => "atomic.cmpxchg",
            SchedPoint::Fence => "atomic.fence",
        }
    }
}

macro_rules! define_builtin_struct {
    ($( $(#[$attr:meta])* $name:ident($($pname:ident: $pty:ident),*) -> $rty:ident; )*) => {
        /// Function pointers of the runtime's builtins, in [`foreach_builtin!`] order; compiled
        /// code calls entry `i` through `VMContext::builtins` at offset `8 * i`.
        #[repr(C)]
        pub struct BuiltinFunctions {
            $( $(#[$attr])* pub $name: unsafe extern "C" fn($($pname: $pty),*) -> $rty, )*
        }
    };
}
foreach_builtin!(define_builtin_struct);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_is_pointer_sized_fields() {
        assert_eq!(vmctx::STORE, 0);
        assert_eq!(vmctx::RTTS, 48);
        assert_eq!(core::mem::size_of::<VMContext>(), 72);
        assert_eq!(vmctx::TAGS, 64);
        assert_eq!(tag::RTT, 0);
        assert_eq!(memory::LENGTH, 8);
        assert_eq!(funcref::RTT, 16);
        assert_eq!(core::mem::size_of::<VMGlobal>(), 16);
        assert_eq!(core::mem::align_of::<VMGlobal>(), 16);
        assert_eq!(descriptor::SIZE, 56);
    }

    #[test]
    fn trap_codes_round_trip() {
        for code in TrapCode::ALL {
            assert_eq!(TrapCode::from_raw(code as u8), Some(code));
            assert!(!code.message().is_empty());
        }
        assert_eq!(TrapCode::from_raw(0), None);
    }
}
