//! Decoding without validation, as the spec's reference interpreter separates them: a
//! module is *malformed* when its binary encoding cannot be decoded (`assert_malformed`),
//! *invalid* when it decodes but fails validation (`assert_invalid`).
//!
//! [`decode`] reads every section and every item of a binary module, every instruction of
//! every constant expression and function body, and checks the structural rules that the
//! binary format itself states (spec §5.5 "Modules"): sections in their order, each at most
//! once; as many function bodies as function declarations; a data count that matches the
//! data section, and that is present when a body uses a data index.

use wasmparser::{
    ConstExpr, DataKind, ElementItems, ElementKind, Operator, Parser, Payload, TableInit,
};

/// Why a module does not decode: the byte offset and reason.
pub type DecodeError = String;

fn err(e: wasmparser::BinaryReaderError) -> DecodeError {
    format!("malformed at byte offset {:#x}: {}", e.offset(), e.message())
}

/// Reads a constant expression to its end.
fn const_expr(e: &ConstExpr<'_>) -> Result<(), DecodeError> {
    let mut ops = e.get_operators_reader();
    while !ops.eof() {
        ops.read().map_err(err)?;
    }
    ops.finish().map_err(err)
}

/// The position of a section in the order the binary format requires (spec §5.5.2; the
/// tag section of exception handling sits between memories and globals), or `None` for a
/// custom section, which may appear anywhere.
fn section_rank(p: &Payload<'_>) -> Option<(u8, &'static str)> {
    Some(match p {
        Payload::TypeSection(_) => (1, "type"),
        Payload::ImportSection(_) => (2, "import"),
        Payload::FunctionSection(_) => (3, "function"),
        Payload::TableSection(_) => (4, "table"),
        Payload::MemorySection(_) => (5, "memory"),
        Payload::TagSection(_) => (6, "tag"),
        Payload::GlobalSection(_) => (7, "global"),
        Payload::ExportSection(_) => (8, "export"),
        Payload::StartSection { .. } => (9, "start"),
        Payload::ElementSection(_) => (10, "element"),
        Payload::DataCountSection { .. } => (11, "data count"),
        Payload::CodeSectionStart { .. } => (12, "code"),
        Payload::DataSection(_) => (13, "data"),
        _ => return None,
    })
}

/// Decodes the binary module `bytes` without validating it.
///
/// # Errors
/// The first decoding error, naming the byte offset where there is one.
pub fn decode(bytes: &[u8]) -> Result<(), DecodeError> {
    let mut parser = Parser::new(0);
    // The binary format encodes limits and memory-instruction offsets as u64 for every
    // memory and table (spec §5.3.7 "Limits", §5.4.6 "Memory Instructions"); a value that
    // does not fit the 32-bit address type is a validation error, not a decoding one.
    // wasmparser reads them as u64 only with memory64 on, so decoding enables it
    // (validation, wasmc's own, does not).
    parser.set_features(wasmc::module::features() | wasmparser::WasmFeatures::MEMORY64);
    let mut last_rank = 0u8;
    let mut functions = 0u32;
    let mut bodies: Option<u32> = None;
    let mut data_count: Option<u32> = None;
    let mut uses_data_index = false;
    for payload in parser.parse_all(bytes) {
        let payload = payload.map_err(err)?;
        if let Some((rank, name)) = section_rank(&payload) {
            if rank <= last_rank {
                return Err(format!("the {name} section is out of order or repeated"));
            }
            last_rank = rank;
        }
        match payload {
            Payload::TypeSection(r) => {
                for g in r {
                    g.map_err(err)?;
                }
            }
            Payload::ImportSection(r) => {
                for i in r.into_imports() {
                    i.map_err(err)?;
                }
            }
            Payload::FunctionSection(r) => {
                functions = r.count();
                for f in r {
                    f.map_err(err)?;
                }
            }
            Payload::TableSection(r) => {
                for t in r {
                    if let TableInit::Expr(e) = t.map_err(err)?.init {
                        const_expr(&e)?;
                    }
                }
            }
            Payload::MemorySection(r) => {
                for m in r {
                    m.map_err(err)?;
                }
            }
            Payload::TagSection(r) => {
                for t in r {
                    t.map_err(err)?;
                }
            }
            Payload::GlobalSection(r) => {
                for g in r {
                    const_expr(&g.map_err(err)?.init_expr)?;
                }
            }
            Payload::ExportSection(r) => {
                for e in r {
                    e.map_err(err)?;
                }
            }
            Payload::ElementSection(r) => {
                for e in r {
                    let e = e.map_err(err)?;
                    if let ElementKind::Active { offset_expr, .. } = &e.kind {
                        const_expr(offset_expr)?;
                    }
                    match e.items {
                        ElementItems::Functions(f) => {
                            for i in f {
                                i.map_err(err)?;
                            }
                        }
                        ElementItems::Expressions(_, exprs) => {
                            for x in exprs {
                                const_expr(&x.map_err(err)?)?;
                            }
                        }
                    }
                }
            }
            Payload::DataCountSection { count, .. } => data_count = Some(count),
            Payload::DataSection(r) => {
                let n = r.count();
                for d in r {
                    if let DataKind::Active { offset_expr, .. } = d.map_err(err)?.kind {
                        const_expr(&offset_expr)?;
                    }
                }
                if data_count.is_some_and(|c| c != n) {
                    return Err("data count and data section have inconsistent lengths".into());
                }
            }
            Payload::CodeSectionStart { count, .. } => bodies = Some(count),
            Payload::CodeSectionEntry(body) => {
                let mut locals = body.get_locals_reader().map_err(err)?;
                for _ in 0..locals.get_count() {
                    locals.read().map_err(err)?;
                }
                let mut ops = wasmparser::OperatorsReader::new(locals.get_binary_reader());
                while !ops.eof() {
                    let op = ops.read().map_err(err)?;
                    uses_data_index |=
                        matches!(op, Operator::MemoryInit { .. } | Operator::DataDrop { .. });
                    uses_data_index |= matches!(
                        op,
                        Operator::ArrayNewData { .. } | Operator::ArrayInitData { .. }
                    );
                }
                ops.finish().map_err(err)?;
            }
            Payload::UnknownSection { id, range, .. } => {
                return Err(format!(
                    "malformed section id {id} at byte offset {:#x}",
                    range.start.saturating_sub(1)
                ));
            }
            Payload::End(_) => break,
            _ => {}
        }
    }
    if functions != bodies.unwrap_or(0) {
        return Err("function and code section have inconsistent lengths".into());
    }
    if data_count.is_some_and(|c| c != 0) && last_rank < 13 {
        return Err("data count and data section have inconsistent lengths".into());
    }
    if uses_data_index && data_count.is_none() {
        return Err("data count section required".into());
    }
    Ok(())
}

/// Why a custom section is rejected ([`custom_sections`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CustomError {
    /// Its contents do not decode.
    Malformed(String),
    /// It decodes but refers to something the module does not have, or lists names out of
    /// the increasing index order the name section requires (spec appendix 7.4).
    Invalid(String),
}

/// Checks the custom sections wasmc reads (the `name` section: module and function names)
/// of a module that decodes.
///
/// # Errors
/// The first malformed or invalid custom section.
pub fn custom_sections(bytes: &[u8]) -> Result<(), CustomError> {
    use wasmparser::{KnownCustom, Name, TypeRef};
    let malformed = |e: wasmparser::BinaryReaderError| CustomError::Malformed(err(e));
    let mut functions = 0u64;
    let mut names = Vec::new();
    for payload in Parser::new(0).parse_all(bytes) {
        match payload.map_err(malformed)? {
            Payload::ImportSection(r) => {
                for group in r.into_imports() {
                    let import = group.map_err(malformed)?;
                    functions += u64::from(matches!(import.ty, TypeRef::Func(_)));
                }
            }
            Payload::FunctionSection(r) => functions += u64::from(r.count()),
            Payload::CustomSection(c) => {
                if let KnownCustom::Name(r) = c.as_known() {
                    names.push(r);
                }
            }
            _ => {}
        }
    }
    for reader in names {
        for sub in reader {
            let Name::Function(map) = sub.map_err(malformed)? else { continue };
            let mut last: Option<u32> = None;
            for naming in map {
                let n = naming.map_err(malformed)?;
                if u64::from(n.index) >= functions {
                    return Err(CustomError::Invalid(format!(
                        "the name section names function {}, of {functions}",
                        n.index
                    )));
                }
                if last.is_some_and(|l| l >= n.index) {
                    return Err(CustomError::Invalid(format!(
                        "the name section names function {} out of order",
                        n.index
                    )));
                }
                last = Some(n.index);
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wat(s: &str) -> Vec<u8> {
        wat::parse_str(s).unwrap()
    }

    #[test]
    fn an_invalid_module_decodes() {
        // Type error: i64 result where i32 is declared. Decodes, does not validate.
        let bytes = wat("(module (func (result i32) i64.const 0))");
        assert!(decode(&bytes).is_ok());
        assert!(wasmc::module::parse(&bytes).is_err());
    }

    #[test]
    fn malformed_modules_do_not_decode() {
        // Truncated header.
        assert!(decode(b"\0asm\x01\0").is_err());
        // A function declared without a body.
        let mut m = b"\0asm\x01\0\0\0".to_vec();
        m.extend_from_slice(&[1, 4, 1, 0x60, 0, 0]); // type: [] -> []
        m.extend_from_slice(&[3, 2, 1, 0]); // one function of type 0
        let e = decode(&m).unwrap_err();
        assert!(e.contains("code section is absent"), "{e}");
        // The same with its body decodes.
        m.extend_from_slice(&[10, 4, 1, 2, 0, 0x0b]);
        assert_eq!(decode(&m), Ok(()));
        // A type section after the function section.
        let mut m = b"\0asm\x01\0\0\0".to_vec();
        m.extend_from_slice(&[3, 1, 0]); // function section, no functions
        m.extend_from_slice(&[1, 1, 0]); // type section, no types
        assert!(decode(&m).unwrap_err().contains("out of order"));
        // A data count of 1 and no data section.
        let mut m = b"\0asm\x01\0\0\0".to_vec();
        m.extend_from_slice(&[12, 1, 1]);
        let e = decode(&m).unwrap_err();
        assert!(e.contains("data section"), "{e}");
        // An unknown section id.
        let mut m = b"\0asm\x01\0\0\0".to_vec();
        m.extend_from_slice(&[14, 1, 0]);
        assert!(decode(&m).unwrap_err().contains("malformed section id"));
        // An unknown opcode in a body.
        let mut m = b"\0asm\x01\0\0\0".to_vec();
        m.extend_from_slice(&[1, 4, 1, 0x60, 0, 0]); // type: [] -> []
        m.extend_from_slice(&[3, 2, 1, 0]); // one function of type 0
        m.extend_from_slice(&[10, 5, 1, 3, 0, 0xff, 0x0b]); // body: no locals, 0xff, end
        assert!(decode(&m).is_err());
    }
}
