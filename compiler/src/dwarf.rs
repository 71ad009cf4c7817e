//! Native DWARF for `wasmc -g` (issue 13): one compilation unit whose line program has a
//! sequence per compiled function (the rows [`crate::debug::WasmLines::function_rows`]
//! made from the module's own DWARF) and a `DW_TAG_subprogram` per function, so that gdb
//! can `break main.c:42` and print source lines in backtraces, and `perf annotate` finds
//! the source.
//!
//! Written with `gimli::write` (DWARF 4, 64-bit addresses) into the object that
//! cranelift-object builds, with relocations: addresses are relative to the functions'
//! symbols (`R_X86_64_64`), offsets into other debug sections relative to those sections'
//! symbols (`R_X86_64_32`), so the linker places everything.
//!
//! What it leaves out: variables, types, inlined frames and call-frame information (gdb
//! unwinds compiled frames by frame pointer, which every function keeps).

use cranelift_object::object::write::{Object, Relocation as ObjectReloc, SymbolId};
use cranelift_object::object::{RelocationEncoding, RelocationFlags, RelocationKind, SectionKind};
use gimli::write::{
    Address, AttributeValue, DwarfUnit, EndianVec, LineProgram, LineString, RangeList,
    RelocateWriter, Relocation, RelocationTarget, Sections, Writer,
};
use gimli::{Encoding, Format, LineEncoding, LittleEndian};
use wasmc_abi::meta::LineRow;

use crate::error::CompileError;

/// One compiled function, as the debug information describes it.
pub struct DebugFunc<'a> {
    /// Its symbol in the object.
    pub symbol: SymbolId,
    /// Its name (name section, else `func[N]`), for `DW_AT_name`.
    pub name: &'a str,
    /// Machine-code size in bytes.
    pub size: u32,
    /// Its line rows (offsets from the function's start), sorted by offset.
    pub lines: &'a [LineRow],
}

/// A section's bytes and the relocations `gimli` asked for while writing it.
#[derive(Clone)]
struct RelocatedSection {
    bytes: EndianVec<LittleEndian>,
    relocs: Vec<Relocation>,
}

impl RelocateWriter for RelocatedSection {
    type Writer = EndianVec<LittleEndian>;

    fn writer(&self) -> &Self::Writer {
        &self.bytes
    }

    fn writer_mut(&mut self) -> &mut Self::Writer {
        &mut self.bytes
    }

    fn relocate(&mut self, relocation: Relocation) {
        self.relocs.push(relocation);
    }
}

fn dwarf_error(e: impl std::fmt::Display) -> CompileError {
    CompileError::Codegen { func: "debug information".into(), message: e.to_string() }
}

/// Adds `.debug_info`, `.debug_abbrev`, `.debug_line`, `.debug_ranges` and `.debug_str`
/// describing `funcs` to `object`. `paths` are the source files [`LineRow::file`] indexes
/// (absolute, or relative to `comp_dir`); `symbols[i]` is what
/// [`RelocationTarget::Symbol`]`(i)` names, i.e. `funcs[i].symbol`.
///
/// # Errors
/// A DWARF writer failure (not expected for well-formed rows).
pub fn emit(
    object: &mut Object<'_>,
    producer: &str,
    unit_name: &str,
    comp_dir: &str,
    paths: &[String],
    funcs: &[DebugFunc<'_>],
) -> Result<(), CompileError> {
    let encoding = Encoding { format: Format::Dwarf32, version: 4, address_size: 8 };
    let mut dwarf = DwarfUnit::new(encoding);
    let string = |s: &str| LineString::String(s.as_bytes().to_vec());
    let mut program = LineProgram::new(
        encoding,
        LineEncoding::default(),
        string(comp_dir),
        None,
        string(unit_name),
        None,
    );
    let mut file_ids = Vec::with_capacity(paths.len());
    for path in paths {
        let (dir, name) = match path.rsplit_once('/') {
            Some((dir, name)) if !dir.is_empty() => (program.add_directory(string(dir)), name),
            Some((_, name)) => (program.add_directory(string("/")), name),
            None => (program.default_directory(), path.as_str()),
        };
        file_ids.push(program.add_file(string(name), dir, None));
    }
    let mut ranges = RangeList(Vec::with_capacity(funcs.len()));
    let root = dwarf.unit.root();
    for (i, f) in funcs.iter().enumerate() {
        let start = Address::Symbol { symbol: i, addend: 0 };
        ranges.0.push(gimli::write::Range::StartLength { begin: start, length: f.size.into() });
        let sub = dwarf.unit.add(root, gimli::DW_TAG_subprogram);
        let entry = dwarf.unit.get_mut(sub);
        entry.set(gimli::DW_AT_name, AttributeValue::String(f.name.as_bytes().to_vec()));
        entry.set(gimli::DW_AT_low_pc, AttributeValue::Address(start));
        entry.set(gimli::DW_AT_high_pc, AttributeValue::Udata(f.size.into()));
        // No sequence for code without any source line (a function from an object built
        // without -g): debuggers then say so instead of guessing a neighbour's line.
        if f.lines.iter().all(|r| r.line == 0) {
            continue;
        }
        program.begin_sequence(Some(start));
        for row in f.lines {
            let Some(&file) = file_ids.get(row.file as usize) else { continue };
            let r = program.row();
            r.address_offset = row.offset.into();
            r.file = file;
            r.line = row.line.into();
            program.generate_row();
        }
        program.end_sequence(f.size.into());
    }
    dwarf.unit.line_program = program;
    let range_list = dwarf.unit.ranges.add(ranges);
    let root = dwarf.unit.get_mut(dwarf.unit.root());
    root.set(gimli::DW_AT_producer, AttributeValue::String(producer.as_bytes().to_vec()));
    root.set(gimli::DW_AT_name, AttributeValue::String(unit_name.as_bytes().to_vec()));
    root.set(gimli::DW_AT_comp_dir, AttributeValue::String(comp_dir.as_bytes().to_vec()));
    root.set(gimli::DW_AT_low_pc, AttributeValue::Address(Address::Constant(0)));
    root.set(gimli::DW_AT_ranges, AttributeValue::RangeListRef(range_list));

    let mut sections =
        Sections::new(RelocatedSection { bytes: EndianVec::new(LittleEndian), relocs: Vec::new() });
    dwarf.write(&mut sections).map_err(dwarf_error)?;

    // Create every non-empty section first, so that offsets can name any of them.
    let mut ids = std::collections::HashMap::new();
    sections.for_each(|id, s| -> Result<(), CompileError> {
        if s.bytes.len() > 0 {
            let section =
                object.add_section(Vec::new(), id.name().as_bytes().to_vec(), SectionKind::Debug);
            ids.insert(id, section);
        }
        Ok(())
    })?;
    sections.for_each(|id, s| -> Result<(), CompileError> {
        let Some(&section) = ids.get(&id) else { return Ok(()) };
        object.set_section_data(section, s.bytes.slice().to_vec(), 1);
        for r in &s.relocs {
            // Addresses and offsets alike are absolute values (`R_X86_64_64`/`_32`).
            let symbol = match r.target {
                RelocationTarget::Symbol(i) => funcs[i].symbol,
                RelocationTarget::Section(target) => {
                    let t = *ids
                        .get(&target)
                        .ok_or_else(|| dwarf_error(format!("no {}", target.name())))?;
                    object.section_symbol(t)
                }
            };
            let flags = RelocationFlags::Generic {
                kind: RelocationKind::Absolute,
                encoding: RelocationEncoding::Generic,
                size: r.size * 8,
            };
            object
                .add_relocation(
                    section,
                    ObjectReloc { offset: r.offset as u64, symbol, addend: r.addend, flags },
                )
                .map_err(dwarf_error)?;
        }
        Ok(())
    })?;
    Ok(())
}
