//! Source lines for `wasmc -g` (issue 13): the module's DWARF line tables (`clang -g`
//! puts `.debug_line` and friends in custom sections) read with gimli, and each compiled
//! function's machine code mapped back through them.
//!
//! # Addresses
//! The WebAssembly DWARF convention (`WebAssembly/tool-conventions`, `Debugging.md`): an
//! address in a module's DWARF is a byte offset from the start of the code section's
//! contents. The translator tags every instruction with its operator's file offset
//! (`SourceLoc`), and Cranelift reports which machine-code ranges came from which
//! `SourceLoc` ([`cranelift_codegen::MachBufferFinalized::get_srclocs_sorted`]), so a
//! machine-code offset leads to a Wasm address and the line table to a file and line.
//!
//! # What is kept
//! Per function, [`LineRow`]s (machine-code offset, file, line) go into the module's
//! metadata ([`wasmc_abi::meta::FuncCode::lines`]), where trap backtraces find them; the
//! native DWARF the executable carries for debuggers and profilers is written from the same
//! rows ([`crate::dwarf`]).

use gimli::{EndianSlice, LittleEndian};
use wasmc_abi::meta::LineRow;

/// One row of the module's line tables: from `address` (a code-section offset) on, code
/// comes from `file:line`, up to the next row; `file == END` ends a sequence.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Row {
    address: u64,
    /// [`END`] for the end of a sequence (sorted first at an address where another begins).
    kind: u8,
    file: u32,
    line: u32,
}

const END: u8 = 0;
const LINE: u8 = 1;

/// The line tables of a module, flattened: every sequence of every compilation unit.
#[derive(Debug, Default)]
pub struct WasmLines {
    /// File names, as [`wasmc_abi::meta::ModuleMeta::files`] stores them.
    pub files: Vec<String>,
    /// The same files' paths for debuggers: joined to their unit's compilation directory
    /// (`DW_AT_comp_dir`) when relative.
    pub paths: Vec<String>,
    /// The first absolute compilation directory (`DW_AT_comp_dir`) of a unit, if any.
    pub comp_dir: Option<String>,
    rows: Vec<Row>,
}

impl WasmLines {
    /// Reads the line tables of the DWARF in `sections` (custom section name and contents,
    /// e.g. `(".debug_line", bytes)`). A module without `.debug_info`/`.debug_line` has
    /// none.
    ///
    /// # Errors
    /// The DWARF is malformed: gimli's message, for a warning (the module still compiles,
    /// without lines).
    pub fn read(sections: &[(&str, &[u8])]) -> Result<WasmLines, String> {
        let section = |id: gimli::SectionId| -> Result<_, gimli::Error> {
            let bytes = sections.iter().find(|(n, _)| *n == id.name()).map_or(&[][..], |s| s.1);
            Ok(EndianSlice::new(bytes, LittleEndian))
        };
        let dwarf = gimli::Dwarf::load(section).map_err(|e| e.to_string())?;
        let mut lines = WasmLines::default();
        let mut file_ids = std::collections::HashMap::<String, u32>::new();
        let mut units = dwarf.units();
        while let Some(header) = units.next().map_err(|e| e.to_string())? {
            let unit = dwarf.unit(header).map_err(|e| e.to_string())?;
            let Some(program) = unit.line_program.clone() else { continue };
            let comp_dir = unit.comp_dir.as_ref().map(|d| d.to_string_lossy().into_owned());
            if lines.comp_dir.is_none() && comp_dir.as_ref().is_some_and(|d| d.starts_with('/')) {
                lines.comp_dir.clone_from(&comp_dir);
            }
            // The unit's file table, translated to indices into `lines.files` as met.
            let mut unit_files = std::collections::HashMap::<u64, u32>::new();
            let mut rows = program.rows();
            let mut sequence = Vec::new();
            while let Some((header, row)) = rows.next_row().map_err(|e| e.to_string())? {
                if row.end_sequence() {
                    // The linker moves the line rows of functions it discarded to a
                    // tombstone address: 0 (older wasm-ld; no function starts there, the
                    // code section begins with its count) or -1/-2. Such sequences would
                    // cover live code: dropped.
                    let start = sequence.first().map_or(0, |r: &Row| r.address);
                    if start != 0 && start < 0xffff_fff0 {
                        lines.rows.append(&mut sequence);
                        lines.rows.push(Row {
                            address: row.address(),
                            kind: END,
                            file: 0,
                            line: 0,
                        });
                    }
                    sequence.clear();
                    continue;
                }
                let index = row.file_index();
                let file = match unit_files.get(&index) {
                    Some(f) => *f,
                    None => {
                        let name = match row.file(header) {
                            Some(entry) => file_name(&dwarf, &unit, header, entry),
                            None => "<unknown>".to_string(),
                        };
                        let path = match &comp_dir {
                            Some(d) if !name.starts_with('/') && !d.is_empty() => {
                                format!("{}/{name}", d.trim_end_matches('/'))
                            }
                            _ => name.clone(),
                        };
                        let next = file_ids.len() as u32;
                        let id = *file_ids.entry(path.clone()).or_insert_with(|| {
                            lines.files.push(name);
                            lines.paths.push(path);
                            next
                        });
                        unit_files.insert(index, id);
                        id
                    }
                };
                let line = row.line().map_or(0, |l| l.get()) as u32;
                sequence.push(Row { address: row.address(), kind: LINE, file, line });
            }
        }
        // Stable: within a sequence, rows at one address keep their order (the last wins).
        lines.rows.sort_by_key(|r| (r.address, r.kind));
        Ok(lines)
    }

    /// The `(file, line)` of the code-section offset `address`, if a sequence covers it.
    fn lookup(&self, address: u64) -> Option<(u32, u32)> {
        let i = self.rows.partition_point(|r| r.address <= address).checked_sub(1)?;
        let row = self.rows[i];
        (row.kind == LINE && row.line != 0).then_some((row.file, row.line))
    }

    /// The line rows of one function's machine code from Cranelift's source locations
    /// `srclocs` (`(start, end, file offset of the Wasm operator)` per machine-code range,
    /// sorted by start), given the file offset of the code section's contents. Adjacent
    /// ranges on one line become one row; code without a line gets a row of line 0.
    pub fn function_rows(
        &self,
        srclocs: &[(u32, u32, u32)],
        code_section_start: usize,
    ) -> Vec<LineRow> {
        let mut rows: Vec<LineRow> = Vec::new();
        let mut end_of_last = 0;
        for &(start, end, loc) in srclocs {
            let here = (loc as usize)
                .checked_sub(code_section_start)
                .and_then(|a| self.lookup(a as u64))
                .unwrap_or((0, 0));
            if start > end_of_last && rows.last().is_some_and(|r| r.line != 0) {
                rows.push(LineRow { offset: end_of_last, file: 0, line: 0 });
            }
            if rows.last().is_none_or(|r| (r.file, r.line) != here) {
                rows.push(LineRow { offset: start, file: here.0, line: here.1 });
            }
            end_of_last = end;
        }
        rows
    }
}

/// A file's name as backtraces and debuggers show it: the name joined to its directory,
/// except the compilation directory (directory 0), which a relative name is relative to.
fn file_name<R: gimli::Reader>(
    dwarf: &gimli::Dwarf<R>,
    unit: &gimli::Unit<R>,
    header: &gimli::LineProgramHeader<R>,
    entry: &gimli::FileEntry<R>,
) -> String {
    let string = |attr: gimli::AttributeValue<R>| -> Option<String> {
        let s = dwarf.attr_string(unit, attr).ok()?;
        Some(s.to_string_lossy().ok()?.into_owned())
    };
    let name = string(entry.path_name()).unwrap_or_else(|| "<unknown>".into());
    if name.starts_with('/') {
        return name;
    }
    let dir = match entry.directory_index() {
        0 => None,
        _ => entry.directory(header).and_then(&string),
    };
    match dir {
        Some(d) if !d.is_empty() => format!("{}/{name}", d.trim_end_matches('/')),
        _ => name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(rows: &[(u64, u8, u32)]) -> WasmLines {
        WasmLines {
            files: vec!["a.c".into()],
            paths: vec!["/src/a.c".into()],
            comp_dir: None,
            rows: rows
                .iter()
                .map(|&(address, kind, line)| Row { address, kind, file: 0, line })
                .collect(),
        }
    }

    #[test]
    fn lookup_stops_at_the_end_of_a_sequence() {
        let l = lines(&[(10, LINE, 3), (14, LINE, 4), (20, END, 0), (30, LINE, 9), (40, END, 0)]);
        assert_eq!(l.lookup(9), None);
        assert_eq!(l.lookup(10), Some((0, 3)));
        assert_eq!(l.lookup(19), Some((0, 4)));
        assert_eq!(l.lookup(25), None);
        assert_eq!(l.lookup(30), Some((0, 9)));
        assert_eq!(l.lookup(40), None);
    }

    #[test]
    fn function_rows_merge_ranges_and_mark_gaps() {
        // Code section contents start at file offset 100: Wasm address = loc - 100.
        let l = lines(&[(10, LINE, 3), (14, LINE, 4), (20, END, 0)]);
        let srclocs = [(0, 4, 110), (4, 8, 112), (8, 12, 115), (16, 20, 111)];
        let rows = l.function_rows(&srclocs, 100);
        let got: Vec<_> = rows.iter().map(|r| (r.offset, r.line)).collect();
        assert_eq!(got, [(0, 3), (8, 4), (12, 0), (16, 3)]);
    }
}
