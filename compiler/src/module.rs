//! Parsing and validation: Wasm bytes in, [`ModuleInfo`] out.
//!
//! The whole module, function bodies included, is validated by `wasmparser` before anything
//! is translated, so the translator may assume well-typed input. Module-level facts are
//! collected straight into the runtime's [`ModuleMeta`] (the compiler fills in the machine
//! code facts later); function bodies are kept as borrowed readers for the translator.

use wasmc_abi::meta::{
    CompositeType, ConstExpr, ConstOp, DataSegment, ElemSegment, Export, ExportKind, FieldType,
    FuncType, GlobalDef, GlobalType, HeapType, Import, ImportKind, MemoryType, ModuleMeta, RefType,
    SegmentMode, StorageType, SubType, TableDef, TableType, ValType,
};
use wasmparser::{
    BinaryReaderError, FunctionBody, KnownCustom, Name, Parser, Payload, ValidPayload, Validator,
    WasmFeatures,
};

use crate::error::CompileError;

/// A validated module: its metadata and the bodies of its defined functions.
pub struct ModuleInfo<'a> {
    /// Module-level facts (no machine-code facts yet: `meta.code` is empty).
    pub meta: ModuleMeta,
    /// Bodies of the defined functions, in function index order (after the imports).
    pub bodies: Vec<FunctionBody<'a>>,
    /// Every table's type, imported ones first (table index space).
    pub tables: Vec<TableType>,
    /// Every memory's type, imported ones first (memory index space).
    pub memories: Vec<MemoryType>,
    /// Every global's type, imported ones first (global index space).
    pub globals: Vec<GlobalType>,
    /// Per module type index: the length of its supertype chain (its supertype display
    /// index).
    pub type_depth: Vec<u32>,
    /// Per module type index: the object layout of struct and array types.
    pub layouts: Vec<Option<wasmc_abi::layout::ObjectLayout>>,
    /// Every tag's function type index, imported ones first (tag index space).
    pub tags: Vec<u32>,
    /// File offset of the code section's contents: the origin of the addresses in the
    /// module's DWARF (the WebAssembly DWARF convention, `WebAssembly/tool-conventions`
    /// `Debugging.md`).
    pub code_section_start: usize,
    /// The module's `.debug_*` custom sections (DWARF), by name.
    pub debug_sections: Vec<(&'a str, &'a [u8])>,
}

impl ModuleInfo<'_> {
    /// Number of imported functions.
    pub fn num_imported_funcs(&self) -> u32 {
        self.meta.num_imported_funcs
    }

    /// The function type at module type index `ty`.
    pub fn func_type_at(&self, ty: u32) -> &FuncType {
        self.meta.types[ty as usize]
            .as_func()
            .unwrap_or_else(|| panic!("type {ty} is not a function type"))
    }
}

/// The proposals the validator accepts. Instructions of accepted proposals that the
/// translator does not implement yet are reported as "unsupported" with their offset.
pub fn features() -> WasmFeatures {
    WasmFeatures::WASM2
        | WasmFeatures::TAIL_CALL
        | WasmFeatures::EXTENDED_CONST
        | WasmFeatures::FUNCTION_REFERENCES
        | WasmFeatures::GC
        | WasmFeatures::EXCEPTIONS
        | WasmFeatures::GC_TYPES
        | WasmFeatures::MULTI_MEMORY
        | WasmFeatures::RELAXED_SIMD
        | WasmFeatures::MEMORY64
        | WasmFeatures::LEGACY_EXCEPTIONS
        | WasmFeatures::THREADS
}

fn invalid(e: BinaryReaderError) -> CompileError {
    CompileError::Invalid { offset: e.offset(), message: e.message().to_string() }
}

/// Proposals wasmc does not implement, by name, with the validator features that accept them
/// (issue 15: such modules are refused in one line naming the proposal).
const OUT_OF_SCOPE: [(&str, WasmFeatures); 4] = [
    // The threads proposal is accepted (shared memories, atomics); shared GC types, globals
    // and tables (DESIGN.md "Threads (next)": out of scope) are not.
    ("shared-everything threads", WasmFeatures::SHARED_EVERYTHING_THREADS),
    ("stack switching", WasmFeatures::STACK_SWITCHING),
    ("custom page sizes", WasmFeatures::CUSTOM_PAGE_SIZES),
    ("wide arithmetic", WasmFeatures::WIDE_ARITHMETIC),
];

/// Parses and validates `bytes` (a binary module).
///
/// # Errors
/// [`CompileError::Invalid`] with the byte offset and reason for malformed or invalid input;
/// [`CompileError::Proposal`] for a module that needs a proposal wasmc does not implement;
/// [`CompileError::Unsupported`] for valid constructs wasmc cannot compile yet.
pub fn parse(bytes: &[u8]) -> Result<ModuleInfo<'_>, CompileError> {
    parse_checked(bytes).map_err(|e| match e {
        CompileError::Invalid { offset, message } => {
            let accepts = |f: WasmFeatures| {
                Validator::new_with_features(features() | f).validate_all(bytes).is_ok()
            };
            match OUT_OF_SCOPE.iter().find(|(_, f)| accepts(*f)) {
                Some((proposal, _)) => CompileError::Proposal { offset, proposal, message },
                None => CompileError::Invalid { offset, message },
            }
        }
        e => e,
    })
}

fn parse_checked(bytes: &[u8]) -> Result<ModuleInfo<'_>, CompileError> {
    let mut validator = Validator::new_with_features(features());
    let mut info = ModuleInfo {
        meta: ModuleMeta::default(),
        bodies: Vec::new(),
        tables: Vec::new(),
        memories: Vec::new(),
        globals: Vec::new(),
        type_depth: Vec::new(),
        layouts: Vec::new(),
        tags: Vec::new(),
        code_section_start: 0,
        debug_sections: Vec::new(),
    };
    let mut func_names: Vec<(u32, String)> = Vec::new();
    for payload in Parser::new(0).parse_all(bytes) {
        let payload = payload.map_err(invalid)?;
        match validator.payload(&payload).map_err(invalid)? {
            ValidPayload::Func(func, body) => {
                let mut v = func.into_validator(Default::default());
                v.validate(&body).map_err(invalid)?;
                info.bodies.push(body);
                continue;
            }
            ValidPayload::End(_) => break,
            _ => {}
        }
        collect(&mut info, &mut func_names, payload)?;
    }
    let meta = &mut info.meta;
    for t in &meta.types {
        // Validation guarantees a supertype precedes its subtypes.
        let d = t.supertype.map_or(0, |s| info.type_depth[s as usize] + 1);
        info.type_depth.push(d);
        info.layouts.push(t.object_layout(&meta.types));
    }
    meta.func_names = vec![None; meta.funcs.len()];
    for (index, name) in func_names {
        if let Some(slot) = meta.func_names.get_mut(index as usize) {
            *slot = Some(name);
        }
    }
    Ok(info)
}

fn collect<'a>(
    info: &mut ModuleInfo<'a>,
    func_names: &mut Vec<(u32, String)>,
    payload: Payload<'a>,
) -> Result<(), CompileError> {
    let meta = &mut info.meta;
    match payload {
        Payload::TypeSection(reader) => {
            let offset = reader.range().start as u64;
            for group in reader {
                let group = group.map_err(invalid)?;
                let start = meta.types.len() as u32;
                let mut n = 0;
                for sub in group.types() {
                    meta.types.push(sub_type(sub, start, offset)?);
                    n += 1;
                }
                meta.rec_groups.push(n);
            }
        }
        Payload::ImportSection(reader) => {
            for import in reader.into_imports() {
                let import = import.map_err(invalid)?;
                let kind = match import.ty {
                    wasmparser::TypeRef::Func(t) | wasmparser::TypeRef::FuncExact(t) => {
                        meta.funcs.push(t);
                        meta.num_imported_funcs += 1;
                        ImportKind::Func(t)
                    }
                    wasmparser::TypeRef::Table(t) => {
                        let t = table_type(&t);
                        info.tables.push(t.clone());
                        ImportKind::Table(t)
                    }
                    wasmparser::TypeRef::Memory(m) => {
                        let m = memory_type(&m);
                        info.memories.push(m.clone());
                        ImportKind::Memory(m)
                    }
                    wasmparser::TypeRef::Global(g) => {
                        let g = global_type(&g);
                        info.globals.push(g);
                        ImportKind::Global(g)
                    }
                    wasmparser::TypeRef::Tag(t) => {
                        info.tags.push(t.func_type_idx);
                        ImportKind::Tag(t.func_type_idx)
                    }
                };
                meta.imports.push(Import {
                    module: import.module.to_string(),
                    name: import.name.to_string(),
                    kind,
                });
            }
        }
        Payload::FunctionSection(reader) => {
            for ty in reader {
                meta.funcs.push(ty.map_err(invalid)?);
            }
        }
        Payload::TableSection(reader) => {
            for table in reader {
                let table = table.map_err(invalid)?;
                let ty = table_type(&table.ty);
                let init = match table.init {
                    wasmparser::TableInit::RefNull => None,
                    wasmparser::TableInit::Expr(e) => Some(const_expr(&e)?),
                };
                info.tables.push(ty.clone());
                meta.tables.push(TableDef { ty, init });
            }
        }
        Payload::MemorySection(reader) => {
            for m in reader {
                let m = memory_type(&m.map_err(invalid)?);
                info.memories.push(m.clone());
                meta.memories.push(m);
            }
        }
        Payload::TagSection(reader) => {
            for tag in reader {
                let ty = tag.map_err(invalid)?.func_type_idx;
                info.tags.push(ty);
                meta.tags.push(ty);
            }
        }
        Payload::GlobalSection(reader) => {
            for g in reader {
                let g = g.map_err(invalid)?;
                let ty = global_type(&g.ty);
                info.globals.push(ty);
                meta.globals.push(GlobalDef { ty, init: const_expr(&g.init_expr)? });
            }
        }
        Payload::ExportSection(reader) => {
            for e in reader {
                let e = e.map_err(invalid)?;
                let kind = match e.kind {
                    wasmparser::ExternalKind::Func | wasmparser::ExternalKind::FuncExact => {
                        ExportKind::Func(e.index)
                    }
                    wasmparser::ExternalKind::Table => ExportKind::Table(e.index),
                    wasmparser::ExternalKind::Memory => ExportKind::Memory(e.index),
                    wasmparser::ExternalKind::Global => ExportKind::Global(e.index),
                    wasmparser::ExternalKind::Tag => ExportKind::Tag(e.index),
                };
                meta.exports.push(Export { name: e.name.to_string(), kind });
            }
        }
        Payload::StartSection { func, .. } => meta.start = Some(func),
        Payload::ElementSection(reader) => {
            for elem in reader {
                let elem = elem.map_err(invalid)?;
                let mode = match elem.kind {
                    wasmparser::ElementKind::Active { table_index, offset_expr } => {
                        SegmentMode::Active {
                            index: table_index.unwrap_or(0),
                            offset: const_expr(&offset_expr)?,
                        }
                    }
                    wasmparser::ElementKind::Passive => SegmentMode::Passive,
                    wasmparser::ElementKind::Declared => SegmentMode::Declared,
                };
                let (ty, items) = match elem.items {
                    wasmparser::ElementItems::Functions(r) => {
                        let mut items = Vec::new();
                        for f in r {
                            items.push(vec![ConstOp::RefFunc(f.map_err(invalid)?)]);
                        }
                        (RefType { nullable: false, heap: HeapType::Func }, items)
                    }
                    wasmparser::ElementItems::Expressions(ty, r) => {
                        let mut items = Vec::new();
                        for e in r {
                            items.push(const_expr(&e.map_err(invalid)?)?);
                        }
                        (ref_type(ty, 0), items)
                    }
                };
                meta.elems.push(ElemSegment { mode, ty, items });
            }
        }
        Payload::DataSection(reader) => {
            for data in reader {
                let data = data.map_err(invalid)?;
                let mode = match data.kind {
                    wasmparser::DataKind::Active { memory_index, offset_expr } => {
                        SegmentMode::Active {
                            index: memory_index,
                            offset: const_expr(&offset_expr)?,
                        }
                    }
                    wasmparser::DataKind::Passive => SegmentMode::Passive,
                };
                meta.datas.push(DataSegment { mode, bytes: data.data.to_vec() });
            }
        }
        Payload::CodeSectionStart { unchecked_range, .. } => {
            info.code_section_start = unchecked_range.start as usize;
        }
        Payload::CustomSection(reader) if reader.name().starts_with(".debug_") => {
            info.debug_sections.push((reader.name(), reader.data()));
        }
        Payload::CustomSection(reader) => {
            // A malformed name section is ignored, as the spec requires of custom sections.
            if let KnownCustom::Name(names) = reader.as_known() {
                for name in names.into_iter().flatten() {
                    match name {
                        Name::Module { name, .. } => meta.name = Some(name.to_string()),
                        Name::Function(map) => {
                            for n in map.into_iter().flatten() {
                                func_names.push((n.index, n.name.to_string()));
                            }
                        }
                        _ => {}
                    }
                }
            }
        }
        _ => {}
    }
    Ok(())
}

fn storage_type(s: wasmparser::StorageType, rec_start: u32) -> StorageType {
    match s {
        wasmparser::StorageType::I8 => StorageType::I8,
        wasmparser::StorageType::I16 => StorageType::I16,
        wasmparser::StorageType::Val(v) => StorageType::Val(val_type(v, rec_start)),
    }
}

fn field_type(f: &wasmparser::FieldType, rec_start: u32) -> FieldType {
    FieldType { storage: storage_type(f.element_type, rec_start), mutable: f.mutable }
}

fn index(i: wasmparser::UnpackedIndex, rec_start: u32) -> u32 {
    match i {
        wasmparser::UnpackedIndex::Module(m) => m,
        wasmparser::UnpackedIndex::RecGroup(r) => rec_start + r,
        wasmparser::UnpackedIndex::Id(_) => u32::MAX,
    }
}

/// Converts a validated sub type of the rec group starting at type index `rec_start`.
fn sub_type(
    sub: &wasmparser::SubType,
    rec_start: u32,
    offset: u64,
) -> Result<SubType, CompileError> {
    let composite = match &sub.composite_type.inner {
        wasmparser::CompositeInnerType::Func(f) => CompositeType::Func(FuncType {
            params: f.params().iter().map(|t| val_type(*t, rec_start)).collect(),
            results: f.results().iter().map(|t| val_type(*t, rec_start)).collect(),
        }),
        wasmparser::CompositeInnerType::Struct(s) => {
            CompositeType::Struct(s.fields.iter().map(|f| field_type(f, rec_start)).collect())
        }
        wasmparser::CompositeInnerType::Array(a) => {
            CompositeType::Array(field_type(&a.0, rec_start))
        }
        wasmparser::CompositeInnerType::Cont(_) => {
            return Err(CompileError::Unsupported { offset, what: "continuation types".into() });
        }
    };
    if sub.composite_type.shared || sub.composite_type.descriptor_idx.is_some() {
        return Err(CompileError::Unsupported {
            offset,
            what: "shared or descriptor types".into(),
        });
    }
    Ok(SubType {
        is_final: sub.is_final,
        supertype: sub.supertype_idxs.first().map(|i| index(i.unpack(), rec_start)),
        composite,
    })
}

/// Converts a validated value type; `rec_start` resolves rec-group-relative type indices.
pub fn val_type(t: wasmparser::ValType, rec_start: u32) -> ValType {
    match t {
        wasmparser::ValType::I32 => ValType::I32,
        wasmparser::ValType::I64 => ValType::I64,
        wasmparser::ValType::F32 => ValType::F32,
        wasmparser::ValType::F64 => ValType::F64,
        wasmparser::ValType::V128 => ValType::V128,
        wasmparser::ValType::Ref(r) => ValType::Ref(ref_type(r, rec_start)),
    }
}

/// Converts a validated reference type.
pub fn ref_type(r: wasmparser::RefType, rec_start: u32) -> RefType {
    use wasmparser::AbstractHeapType as A;
    let heap = match r.heap_type() {
        wasmparser::HeapType::Abstract { ty, .. } => match ty {
            A::Func => HeapType::Func,
            A::NoFunc => HeapType::NoFunc,
            A::Extern => HeapType::Extern,
            A::NoExtern => HeapType::NoExtern,
            A::Any => HeapType::Any,
            A::Eq => HeapType::Eq,
            A::I31 => HeapType::I31,
            A::Struct => HeapType::Struct,
            A::Array => HeapType::Array,
            A::None => HeapType::None,
            A::Exn => HeapType::Exn,
            A::NoExn => HeapType::NoExn,
            A::Cont | A::NoCont => HeapType::Any,
        },
        wasmparser::HeapType::Concrete(i) | wasmparser::HeapType::Exact(i) => {
            HeapType::Concrete(index(i, rec_start))
        }
    };
    RefType { nullable: r.is_nullable(), heap }
}

fn table_type(t: &wasmparser::TableType) -> TableType {
    TableType {
        element: ref_type(t.element_type, 0),
        min: t.initial,
        max: t.maximum,
        table64: t.table64,
    }
}

fn memory_type(m: &wasmparser::MemoryType) -> MemoryType {
    MemoryType { min: m.initial, max: m.maximum, memory64: m.memory64, shared: m.shared }
}

fn global_type(g: &wasmparser::GlobalType) -> GlobalType {
    GlobalType { ty: val_type(g.content_type, 0), mutable: g.mutable }
}

/// Converts a validated constant expression.
fn const_expr(e: &wasmparser::ConstExpr<'_>) -> Result<ConstExpr, CompileError> {
    use wasmparser::Operator as O;
    let mut out = Vec::new();
    let mut reader = e.get_operators_reader();
    while !reader.eof() {
        let offset = reader.original_position();
        let op = reader.read().map_err(invalid)?;
        out.push(match op {
            O::I32Const { value } => ConstOp::I32(value),
            O::I64Const { value } => ConstOp::I64(value),
            O::F32Const { value } => ConstOp::F32(value.bits()),
            O::F64Const { value } => ConstOp::F64(value.bits()),
            O::V128Const { value } => ConstOp::V128(value.i128() as u128),
            O::RefNull { .. } => ConstOp::RefNull,
            O::RefFunc { function_index } => ConstOp::RefFunc(function_index),
            O::GlobalGet { global_index } => ConstOp::GlobalGet(global_index),
            O::I32Add => ConstOp::I32Add,
            O::I32Sub => ConstOp::I32Sub,
            O::I32Mul => ConstOp::I32Mul,
            O::I64Add => ConstOp::I64Add,
            O::I64Sub => ConstOp::I64Sub,
            O::I64Mul => ConstOp::I64Mul,
            O::RefI31 => ConstOp::RefI31,
            O::StructNew { struct_type_index } => ConstOp::StructNew(struct_type_index),
            O::StructNewDefault { struct_type_index } => {
                ConstOp::StructNewDefault(struct_type_index)
            }
            O::ArrayNew { array_type_index } => ConstOp::ArrayNew(array_type_index),
            O::ArrayNewDefault { array_type_index } => ConstOp::ArrayNewDefault(array_type_index),
            O::ArrayNewFixed { array_type_index, array_size } => {
                ConstOp::ArrayNewFixed(array_type_index, array_size)
            }
            O::AnyConvertExtern | O::ExternConvertAny => ConstOp::ConvertRef,
            O::End => continue,
            other => {
                return Err(CompileError::Unsupported {
                    offset: offset as u64,
                    what: format!("constant expression operator {other:?}"),
                });
            }
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modules_of_unsupported_proposals_name_the_proposal() {
        let cases = [
            ("(module (type (shared (struct))))", "shared-everything threads"),
            ("(module (global (shared mut i32) (i32.const 0)))", "shared-everything threads"),
            ("(module (type $f (func)) (type $c (cont $f)))", "stack switching"),
            ("(module (memory 1 (pagesize 1)))", "custom page sizes"),
            (
                "(module (func (param i64 i64 i64 i64) (result i64 i64) local.get 0 \
                 local.get 1 local.get 2 local.get 3 i64.add128))",
                "wide arithmetic",
            ),
        ];
        for (text, proposal) in cases {
            let wasm = wat::parse_str(text).expect("the test module assembles");
            let e = parse(&wasm).err().expect("refused").to_string();
            let want = format!("uses the {proposal} proposal, which wasmc does not support");
            assert!(e.starts_with(&want), "{text}: {e}");
            assert!(!e.contains('\n'), "one line: {e}");
        }
        // The threads proposal is accepted: shared memories (32- and 64-bit, defined and
        // imported) and atomics.
        for text in [
            "(module (memory 1 1 shared))",
            "(module (memory i64 1 1 shared))",
            "(module (memory (import \"m\" \"m\") 1 2 shared))",
            "(module (memory 1) (func (result i32) i32.const 0 i32.atomic.load))",
            "(module (memory 1 1 shared) (func (result i32) i32.const 0 i32.const 1 \
             i64.const -1 memory.atomic.wait32))",
        ] {
            let wasm = wat::parse_str(text).expect("the test module assembles");
            if let Err(e) = parse(&wasm) {
                panic!("{text}: {e}");
            }
        }
        // A shared memory needs a maximum (threads proposal): invalid, not a proposal.
        let wasm = wat::parse_str("(module (memory 1 shared))").expect("assembles");
        let e = parse(&wasm).err().expect("invalid").to_string();
        assert!(e.starts_with("invalid module at byte offset"), "{e}");
        // A module invalid under every proposal stays "invalid".
        let wasm = wat::parse_str("(module (func (result i32)))").expect("assembles");
        let e = parse(&wasm).err().expect("invalid").to_string();
        assert!(e.starts_with("invalid module at byte offset"), "{e}");
    }
}
