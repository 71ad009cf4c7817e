//! Signatures and value representations shared by the translator and the emitter.

use cranelift_codegen::ir::{AbiParam, ArgumentPurpose, Signature, Type, types};
use cranelift_codegen::isa::CallConv;
use wasmc_abi::meta::{FuncType, ValType};

/// CLIF type of pointers and of references (`funcref`, `externref`, GC references).
pub const POINTER: Type = types::I64;

/// CLIF type of a Wasm value type.
pub fn clif_type(t: ValType) -> Type {
    match t {
        ValType::I32 => types::I32,
        ValType::I64 => types::I64,
        ValType::F32 => types::F32,
        ValType::F64 => types::F64,
        ValType::V128 => types::I8X16,
        ValType::Ref(_) => POINTER,
    }
}

/// The signature of a Wasm function of type `ft`: Cranelift's `tail` convention (needed by
/// `return_call` and by `try_call` to a callee that throws, DESIGN.md "Pipeline"), with the
/// callee's VM context and the caller's VM context before the Wasm parameters.
pub fn wasm_signature(ft: &FuncType) -> Signature {
    let mut sig = Signature::new(CallConv::Tail);
    sig.params.push(AbiParam::special(POINTER, ArgumentPurpose::VMContext));
    sig.params.push(AbiParam::new(POINTER));
    sig.params.extend(ft.params.iter().map(|t| AbiParam::new(clif_type(*t))));
    sig.returns.extend(ft.results.iter().map(|t| AbiParam::new(clif_type(*t))));
    sig
}

/// Number of leading non-Wasm parameters in [`wasm_signature`] (callee and caller vmctx).
pub const WASM_SIG_PREFIX: usize = 2;

/// The builtin functions (libcalls) of the runtime, indexed in `foreach_builtin!` order.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
#[repr(u32)]
#[allow(missing_docs)]
pub enum Builtin {
    MemoryGrow,
    MemoryFill,
    MemoryCopy,
    MemoryInit,
    DataDrop,
    TableGrow,
    TableFill,
    TableCopy,
    TableInit,
    ElemDrop,
    GcAlloc,
    Memmove,
    ArrayInitData,
    ArrayInitElem,
    Throw,
    GcRemember,
    GcRememberRange,
    MemoryAtomicWait32,
    MemoryAtomicWait64,
    MemoryAtomicNotify,
    SchedPoint,
}

#[allow(non_upper_case_globals)]
mod lower {
    pub use cranelift_codegen::ir::types::{I32 as i32, I64 as i64};
}

macro_rules! builtin_signatures_lower {
    ($( $(#[$attr:meta])* $name:ident($($pname:ident: $pty:ident),*) -> $rty:ident; )*) => {
        /// Parameter and result types of every builtin, in `foreach_builtin!` order.
        pub const BUILTIN_TYPES: &[(&str, &[Type], Type)] = &[
            $( (stringify!($name), &[$(lower::$pty),*], lower::$rty), )*
        ];
    };
}
wasmc_abi::foreach_builtin!(builtin_signatures_lower);

impl Builtin {
    /// Index of the builtin in `BuiltinFunctions`.
    pub fn index(self) -> u32 {
        self as u32
    }

    /// The runtime's name for it.
    pub fn name(self) -> &'static str {
        BUILTIN_TYPES[self as usize].0
    }

    /// Whether the builtin may run the collector: such builtins are called through the
    /// module's GC adapter (which records the exit frame for the stack walk) and their call
    /// sites are safepoints.
    pub fn may_gc(self) -> bool {
        matches!(self, Builtin::GcAlloc)
    }

    /// Every builtin, in order.
    pub const ALL: [Builtin; 21] = [
        Builtin::MemoryGrow,
        Builtin::MemoryFill,
        Builtin::MemoryCopy,
        Builtin::MemoryInit,
        Builtin::DataDrop,
        Builtin::TableGrow,
        Builtin::TableFill,
        Builtin::TableCopy,
        Builtin::TableInit,
        Builtin::ElemDrop,
        Builtin::GcAlloc,
        Builtin::Memmove,
        Builtin::ArrayInitData,
        Builtin::ArrayInitElem,
        Builtin::Throw,
        Builtin::GcRemember,
        Builtin::GcRememberRange,
        Builtin::MemoryAtomicWait32,
        Builtin::MemoryAtomicWait64,
        Builtin::MemoryAtomicNotify,
        Builtin::SchedPoint,
    ];

    /// Its native (System V) signature.
    pub fn signature(self, call_conv: CallConv) -> Signature {
        let (_, params, ret) = BUILTIN_TYPES[self as usize];
        let mut sig = Signature::new(call_conv);
        sig.params.extend(params.iter().map(|t| AbiParam::new(*t)));
        sig.returns.push(AbiParam::new(ret));
        sig
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_enum_matches_runtime_list() {
        let names = [
            (Builtin::MemoryGrow, "memory_grow"),
            (Builtin::MemoryFill, "memory_fill"),
            (Builtin::MemoryCopy, "memory_copy"),
            (Builtin::MemoryInit, "memory_init"),
            (Builtin::DataDrop, "data_drop"),
            (Builtin::TableGrow, "table_grow"),
            (Builtin::TableFill, "table_fill"),
            (Builtin::TableCopy, "table_copy"),
            (Builtin::TableInit, "table_init"),
            (Builtin::ElemDrop, "elem_drop"),
            (Builtin::GcAlloc, "gc_alloc"),
            (Builtin::Memmove, "memmove"),
            (Builtin::ArrayInitData, "array_init_data"),
            (Builtin::ArrayInitElem, "array_init_elem"),
            (Builtin::Throw, "throw"),
            (Builtin::GcRemember, "gc_remember"),
            (Builtin::GcRememberRange, "gc_remember_range"),
            (Builtin::MemoryAtomicWait32, "memory_atomic_wait32"),
            (Builtin::MemoryAtomicWait64, "memory_atomic_wait64"),
            (Builtin::MemoryAtomicNotify, "memory_atomic_notify"),
            (Builtin::SchedPoint, "sched_point"),
        ];
        assert_eq!(names.len(), BUILTIN_TYPES.len());
        for (b, n) in names {
            assert_eq!(b.name(), n);
        }
    }
}
