//! Module metadata: everything the runtime needs to instantiate a compiled module that is
//! not machine code. The compiler fills a [`ModuleMeta`] from the validated Wasm module and
//! the compiled functions, encodes it with postcard into the object file, and the runtime
//! decodes it when it loads the module ([`ModuleMeta::decode`] mirrors
//! [`ModuleMeta::encode`]).

use serde::{Deserialize, Serialize};

/// A value type (spec §2.3 "Types").
#[derive(Serialize, Deserialize, Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum ValType {
    /// `i32`
    I32,
    /// `i64`
    I64,
    /// `f32`
    F32,
    /// `f64`
    F64,
    /// `v128` (not supported by the compiler yet)
    V128,
    /// A reference type.
    Ref(RefType),
}

/// A reference type: nullability and heap type.
#[derive(Serialize, Deserialize, Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct RefType {
    /// Whether null is a value of the type.
    pub nullable: bool,
    /// The heap type.
    pub heap: HeapType,
}

impl RefType {
    /// `funcref`
    pub const FUNCREF: RefType = RefType { nullable: true, heap: HeapType::Func };
    /// `externref`
    pub const EXTERNREF: RefType = RefType { nullable: true, heap: HeapType::Extern };
}

/// A heap type: abstract, or a module type index.
#[derive(Serialize, Deserialize, Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum HeapType {
    /// `func`
    Func,
    /// `nofunc`
    NoFunc,
    /// `extern`
    Extern,
    /// `noextern`
    NoExtern,
    /// `any`
    Any,
    /// `eq`
    Eq,
    /// `i31`
    I31,
    /// `struct`
    Struct,
    /// `array`
    Array,
    /// `none`
    None,
    /// `exn`
    Exn,
    /// `noexn`
    NoExn,
    /// A type defined by the module, by module type index.
    Concrete(u32),
}

/// A function type.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Hash, Debug, Default)]
pub struct FuncType {
    /// Parameter types.
    pub params: Vec<ValType>,
    /// Result types.
    pub results: Vec<ValType>,
}

/// How a struct field or array element is stored (spec §2.3.6 "Aggregate Types").
#[derive(Serialize, Deserialize, Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum StorageType {
    /// Packed 8-bit integer.
    I8,
    /// Packed 16-bit integer.
    I16,
    /// A value type.
    Val(ValType),
}

/// A struct field or array element type.
#[derive(Serialize, Deserialize, Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct FieldType {
    /// Storage.
    pub storage: StorageType,
    /// `mut`.
    pub mutable: bool,
}

/// The shape of a defined type.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Hash, Debug)]
pub enum CompositeType {
    /// `func`
    Func(FuncType),
    /// `struct`
    Struct(Vec<FieldType>),
    /// `array`
    Array(FieldType),
}

/// An entry of the module's type section (rec groups flattened in order; see
/// [`ModuleMeta::rec_groups`]). Concrete heap types and `supertype` are module type indices.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Hash, Debug)]
pub struct SubType {
    /// `sub final` (or a plain type, which is final).
    pub is_final: bool,
    /// The declared supertype.
    pub supertype: Option<u32>,
    /// The shape.
    pub composite: CompositeType,
}

/// The text format's spelling: `i32`, `(ref null func)`, `(ref 3)` (a concrete type by its
/// type index, module-local or canonical as the value is).
impl std::fmt::Display for ValType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ValType::I32 => f.write_str("i32"),
            ValType::I64 => f.write_str("i64"),
            ValType::F32 => f.write_str("f32"),
            ValType::F64 => f.write_str("f64"),
            ValType::V128 => f.write_str("v128"),
            ValType::Ref(r) => {
                let null = if r.nullable { "null " } else { "" };
                match r.heap {
                    HeapType::Concrete(i) => write!(f, "(ref {null}{i})"),
                    other => write!(f, "(ref {null}{})", format!("{other:?}").to_lowercase()),
                }
            }
        }
    }
}

impl ValType {
    /// Whether values of this type may be references to GC objects that the collector must
    /// find and update: every reference type except the function hierarchy, `i31` (tagged,
    /// never a pointer) and the bottom types `none`/`noextern`/`noexn` (always null).
    /// Concrete types need `types` to tell functions from aggregates.
    pub fn is_gc_ref(&self, types: &[SubType]) -> bool {
        match self {
            ValType::Ref(r) => match r.heap {
                HeapType::Func
                | HeapType::NoFunc
                | HeapType::I31
                | HeapType::None
                | HeapType::NoExtern
                | HeapType::NoExn => false,
                HeapType::Concrete(i) => {
                    types.get(i as usize).is_none_or(|t| t.as_func().is_none())
                }
                _ => true,
            },
            _ => false,
        }
    }
}

impl StorageType {
    /// Size and tracing of a field of this type (`gc::layout`).
    pub fn repr(&self, types: &[SubType]) -> crate::layout::FieldRepr {
        use crate::layout::FieldRepr;
        match self {
            StorageType::I8 => FieldRepr { size: 1, gc_ref: false },
            StorageType::I16 => FieldRepr { size: 2, gc_ref: false },
            StorageType::Val(ValType::I32 | ValType::F32) => FieldRepr { size: 4, gc_ref: false },
            StorageType::Val(ValType::V128) => FieldRepr { size: 16, gc_ref: false },
            StorageType::Val(v) => FieldRepr { size: 8, gc_ref: v.is_gc_ref(types) },
        }
    }
}

impl SubType {
    /// The object layout of a struct or array type (the one definition, from
    /// `gc::layout`; the compiler and the runtime's RTTs both use it).
    pub fn object_layout(&self, types: &[SubType]) -> Option<crate::layout::ObjectLayout> {
        match &self.composite {
            CompositeType::Func(_) => None,
            CompositeType::Struct(fields) => {
                let reprs: Vec<_> = fields.iter().map(|f| f.storage.repr(types)).collect();
                Some(crate::layout::struct_layout(&reprs))
            }
            CompositeType::Array(e) => Some(crate::layout::array_layout(e.storage.repr(types))),
        }
    }

    /// The layout of the exception objects of a tag of this (function) type: its
    /// parameters are the payload (`gc::layout::exception_layout`).
    pub fn exception_layout(&self, types: &[SubType]) -> Option<crate::layout::ObjectLayout> {
        let f = self.as_func()?;
        let reprs: Vec<_> = f.params.iter().map(|v| StorageType::Val(*v).repr(types)).collect();
        Some(crate::layout::exception_layout(&reprs))
    }

    /// The function type, if this is one.
    pub fn as_func(&self) -> Option<&FuncType> {
        match &self.composite {
            CompositeType::Func(f) => Some(f),
            _ => None,
        }
    }
}

/// A table type.
#[derive(Serialize, Deserialize, Clone, PartialEq, Debug)]
pub struct TableType {
    /// Element type.
    pub element: RefType,
    /// Minimum number of elements.
    pub min: u64,
    /// Maximum number of elements.
    pub max: Option<u64>,
    /// 64-bit index type (memory64 proposal's `table64`): indices and sizes are `i64`.
    pub table64: bool,
}

/// A memory type; sizes in pages of [`crate::vm::WASM_PAGE_SIZE`] bytes.
#[derive(Serialize, Deserialize, Clone, PartialEq, Debug)]
pub struct MemoryType {
    /// Minimum pages.
    pub min: u64,
    /// Maximum pages.
    pub max: Option<u64>,
    /// 64-bit index type (memory64): addresses and sizes are `i64`, bounds checked
    /// explicitly by compiled code.
    pub memory64: bool,
    /// Shared memory (threads proposal; a shared memory declares a maximum).
    pub shared: bool,
}

/// A global type.
#[derive(Serialize, Deserialize, Clone, Copy, PartialEq, Debug)]
pub struct GlobalType {
    /// Value type.
    pub ty: ValType,
    /// `mut`.
    pub mutable: bool,
}

/// One instruction of a constant expression (spec §3.3.11 "Constant Expressions", with the
/// extended-const proposal's arithmetic).
#[derive(Serialize, Deserialize, Clone, PartialEq, Debug)]
pub enum ConstOp {
    /// `i32.const`
    I32(i32),
    /// `i64.const`
    I64(i64),
    /// `f32.const`, raw bits
    F32(u32),
    /// `f64.const`, raw bits
    F64(u64),
    /// `v128.const`, its bytes as a little-endian integer
    V128(u128),
    /// `ref.null`
    RefNull,
    /// `ref.func` of a function index
    RefFunc(u32),
    /// `global.get` of a global index
    GlobalGet(u32),
    /// `i32.add`
    I32Add,
    /// `i32.sub`
    I32Sub,
    /// `i32.mul`
    I32Mul,
    /// `i64.add`
    I64Add,
    /// `i64.sub`
    I64Sub,
    /// `i64.mul`
    I64Mul,
    /// `ref.i31`
    RefI31,
    /// `struct.new` of a type index (pops one value per field)
    StructNew(u32),
    /// `struct.new_default` of a type index
    StructNewDefault(u32),
    /// `array.new` of a type index (pops the initial value and the length)
    ArrayNew(u32),
    /// `array.new_default` of a type index (pops the length)
    ArrayNewDefault(u32),
    /// `array.new_fixed` of a type index and length (pops that many values)
    ArrayNewFixed(u32, u32),
    /// `any.convert_extern` / `extern.convert_any`: both hierarchies share one
    /// representation, so only the static type changes
    ConvertRef,
}

/// A constant expression: a sequence of [`ConstOp`]s that leaves one value.
pub type ConstExpr = Vec<ConstOp>;

/// What an import provides.
#[derive(Serialize, Deserialize, Clone, PartialEq, Debug)]
pub enum ImportKind {
    /// A function of the given module type index.
    Func(u32),
    /// A table.
    Table(TableType),
    /// A memory.
    Memory(MemoryType),
    /// A global.
    Global(GlobalType),
    /// An exception tag of the given module type index.
    Tag(u32),
}

/// An import.
#[derive(Serialize, Deserialize, Clone, PartialEq, Debug)]
pub struct Import {
    /// Module name.
    pub module: String,
    /// Field name.
    pub name: String,
    /// What is imported.
    pub kind: ImportKind,
}

/// The kind of an export, with the index in its index space.
#[derive(Serialize, Deserialize, Clone, Copy, PartialEq, Eq, Debug)]
pub enum ExportKind {
    /// Function index.
    Func(u32),
    /// Table index.
    Table(u32),
    /// Memory index.
    Memory(u32),
    /// Global index.
    Global(u32),
    /// Tag index.
    Tag(u32),
}

/// An export.
#[derive(Serialize, Deserialize, Clone, PartialEq, Debug)]
pub struct Export {
    /// Export name.
    pub name: String,
    /// What is exported.
    pub kind: ExportKind,
}

/// A table defined by the module.
#[derive(Serialize, Deserialize, Clone, PartialEq, Debug)]
pub struct TableDef {
    /// Its type.
    pub ty: TableType,
    /// Initial value of every element (typed function references); null when absent.
    pub init: Option<ConstExpr>,
}

/// A global defined by the module.
#[derive(Serialize, Deserialize, Clone, PartialEq, Debug)]
pub struct GlobalDef {
    /// Its type.
    pub ty: GlobalType,
    /// Initial value.
    pub init: ConstExpr,
}

/// How a segment is used.
#[derive(Serialize, Deserialize, Clone, PartialEq, Debug)]
pub enum SegmentMode {
    /// Copied at instantiation into the given table or memory at `offset`, then dropped.
    Active {
        /// Table or memory index.
        index: u32,
        /// Offset expression.
        offset: ConstExpr,
    },
    /// Used by `table.init`/`memory.init` (and `array.new_elem/new_data`).
    Passive,
    /// Declares functions for `ref.func`; dropped at instantiation.
    Declared,
}

/// An element segment.
#[derive(Serialize, Deserialize, Clone, PartialEq, Debug)]
pub struct ElemSegment {
    /// Mode.
    pub mode: SegmentMode,
    /// Element type.
    pub ty: RefType,
    /// One constant expression per element.
    pub items: Vec<ConstExpr>,
}

/// A data segment.
#[derive(Serialize, Deserialize, Clone, PartialEq, Debug)]
pub struct DataSegment {
    /// Mode (never `Declared`).
    pub mode: SegmentMode,
    /// The bytes.
    pub bytes: Vec<u8>,
}

/// A trap site: where a compiled function can trap, and why.
#[derive(Serialize, Deserialize, Clone, Copy, PartialEq, Eq, Debug)]
pub struct TrapSite {
    /// Offset of the trapping instruction from the function's start, in bytes.
    pub offset: u32,
    /// Raw [`crate::vm::TrapCode`].
    pub code: u8,
}

/// The stack map of one safepoint (Cranelift user stack maps, CRANELIFT-NOTES.md).
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug)]
pub struct StackMap {
    /// Offset of the return address of the safepoint call from the function's start.
    pub ret_offset: u32,
    /// The frame's active size: the frame's SP at the call is `FP - span`.
    pub span: u32,
    /// Offsets from that SP of the slots holding live GC references.
    pub slots: Vec<u32>,
}

/// Machine-code facts about one defined function.
#[derive(Serialize, Deserialize, Clone, PartialEq, Debug, Default)]
pub struct FuncCode {
    /// Size of the function's machine code in bytes.
    pub size: u32,
    /// Trap sites, sorted by offset.
    pub traps: Vec<TrapSite>,
    /// Stack maps of its safepoints, sorted by return offset.
    pub stack_maps: Vec<StackMap>,
    /// Landing pads of its `try_call` sites, sorted by return offset.
    pub landing_pads: Vec<LandingPad>,
    /// Source lines of its machine code (`wasmc -g` of a module with DWARF line tables;
    /// else empty), sorted by offset: row `i` covers the code from its offset to the next
    /// row's (the last, to the function's end).
    pub lines: Vec<LineRow>,
}

/// Where a stretch of machine code comes from in the source the Wasm was compiled from
/// (the module's DWARF `.debug_line`, translated by `wasmc -g`).
#[derive(Serialize, Deserialize, Clone, Copy, PartialEq, Eq, Debug)]
pub struct LineRow {
    /// Offset from the function's start of the first byte the row covers.
    pub offset: u32,
    /// Index into [`ModuleMeta::files`].
    pub file: u32,
    /// Line number, from 1; 0 means "no source line" (code the line table does not cover).
    pub line: u32,
}

impl FuncCode {
    /// The source `(file index, line)` of the machine code at `offset`, if the line table
    /// covers it.
    pub fn line_at(&self, offset: u32) -> Option<(u32, u32)> {
        let i = self.lines.partition_point(|r| r.offset <= offset).checked_sub(1)?;
        let row = self.lines[i];
        (row.line != 0).then_some((row.file, row.line))
    }
}

/// The exception landing pad of one `try_call` site (see `runtime::exceptions`).
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug)]
pub struct LandingPad {
    /// Offset of the call's return address from the function's start.
    pub ret_offset: u32,
    /// Offset of the landing pad (the catch-all handler) from the function's start.
    pub pad_offset: u32,
    /// The frame's SP at the call is `FP - frame_offset` (Cranelift's call-site
    /// `frame_offset`); resuming at the pad restores it.
    pub frame_offset: u32,
}

/// Everything about a compiled module except its machine code.
#[derive(Serialize, Deserialize, Clone, PartialEq, Debug, Default)]
pub struct ModuleMeta {
    /// The module's name (name section), if any.
    pub name: Option<String>,
    /// Source file names that [`LineRow::file`] indexes (relative to the compilation
    /// directory when the DWARF says so); empty without `wasmc -g`.
    pub files: Vec<String>,
    /// The type section, flattened.
    pub types: Vec<SubType>,
    /// Number of types in each rec group, in order (they add up to `types.len()`).
    pub rec_groups: Vec<u32>,
    /// Imports in order.
    pub imports: Vec<Import>,
    /// Per function index (imports first): the module type index of its type.
    pub funcs: Vec<u32>,
    /// Number of imported functions.
    pub num_imported_funcs: u32,
    /// Tables defined by the module (after the imported ones in the index space).
    pub tables: Vec<TableDef>,
    /// Memories defined by the module.
    pub memories: Vec<MemoryType>,
    /// Globals defined by the module.
    pub globals: Vec<GlobalDef>,
    /// Tags defined by the module (module type index of each).
    pub tags: Vec<u32>,
    /// Exports in order.
    pub exports: Vec<Export>,
    /// The start function.
    pub start: Option<u32>,
    /// Element segments.
    pub elems: Vec<ElemSegment>,
    /// Data segments.
    pub datas: Vec<DataSegment>,
    /// Per function index: name from the name section, if any.
    pub func_names: Vec<Option<String>>,
    /// Per defined function: machine-code facts.
    pub code: Vec<FuncCode>,
    /// Per module type index: machine-code facts of the wasm-to-host adapter (empty for
    /// non-function types); its one trap site raises host traps.
    pub adapters: Vec<FuncCode>,
    /// Machine-code facts of the GC builtin adapter (its trap site raises "out of memory").
    pub gc_adapter: FuncCode,
    /// `wasmc --trap-unknown-imports` (issue 30): an executable links every function
    /// import that nothing provides as a function that traps with `unknown import M.N
    /// called` (Wasmtime's `-W unknown-imports-trap=y`).
    pub trap_unknown_imports: bool,
}

/// Error decoding [`ModuleMeta`].
#[derive(Debug, thiserror::Error)]
#[error("corrupt module metadata: {0}")]
pub struct MetaError(#[from] postcard::Error);

impl ModuleMeta {
    /// Encodes the metadata for embedding in an object file.
    pub fn encode(&self) -> Vec<u8> {
        postcard::to_allocvec(self).expect("metadata always encodes")
    }

    /// Decodes metadata written by [`ModuleMeta::encode`].
    pub fn decode(bytes: &[u8]) -> Result<ModuleMeta, MetaError> {
        Ok(postcard::from_bytes(bytes)?)
    }

    /// The function type of function `index`, if its type is a function type.
    pub fn func_type(&self, index: u32) -> &FuncType {
        self.types[self.funcs[index as usize] as usize]
            .as_func()
            .unwrap_or_else(|| panic!("function {index} has a non-function type"))
    }

    /// Imported items of each kind: (functions, tables, memories, globals).
    pub fn import_counts(&self) -> (u32, u32, u32, u32) {
        let mut c = (0, 0, 0, 0);
        for i in &self.imports {
            match i.kind {
                ImportKind::Func(_) => c.0 += 1,
                ImportKind::Table(_) => c.1 += 1,
                ImportKind::Memory(_) => c.2 += 1,
                ImportKind::Global(_) => c.3 += 1,
                ImportKind::Tag(_) => {}
            }
        }
        c
    }

    /// The name to show for function `index` in backtraces: the name section's, else
    /// `func[N]`.
    pub fn func_display_name(&self, index: u32) -> String {
        match self.func_names.get(index as usize) {
            Some(Some(n)) => n.clone(),
            _ => format!("func[{index}]"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meta_round_trips() {
        let meta = ModuleMeta {
            name: Some("m".into()),
            types: vec![SubType {
                is_final: true,
                supertype: None,
                composite: CompositeType::Func(FuncType {
                    params: vec![ValType::I32, ValType::Ref(RefType::FUNCREF)],
                    results: vec![ValType::F64],
                }),
            }],
            rec_groups: vec![1],
            funcs: vec![0],
            globals: vec![GlobalDef {
                ty: GlobalType { ty: ValType::I64, mutable: true },
                init: vec![ConstOp::I64(-5), ConstOp::I64(2), ConstOp::I64Mul],
            }],
            code: vec![FuncCode {
                size: 10,
                traps: vec![TrapSite { offset: 3, code: 254 }],
                stack_maps: vec![StackMap { ret_offset: 5, span: 32, slots: vec![0, 8] }],
                landing_pads: vec![LandingPad { ret_offset: 5, pad_offset: 9, frame_offset: 48 }],
                lines: vec![
                    LineRow { offset: 0, file: 0, line: 7 },
                    LineRow { offset: 6, file: 0, line: 0 },
                ],
            }],
            files: vec!["main.c".into()],
            ..Default::default()
        };
        let back = ModuleMeta::decode(&meta.encode()).unwrap();
        assert_eq!(back, meta);
        let code = &back.code[0];
        assert_eq!(
            (code.line_at(0), code.line_at(5), code.line_at(6)),
            (Some((0, 7)), Some((0, 7)), None)
        );
        assert!(ModuleMeta::decode(&[0xff, 0xff, 0xff]).is_err());
    }
}
