//! The host module `spectest` that spec scripts import from (the reference interpreter's
//! `interpreter/host/spectest.ml`).

use std::sync::Arc;

use wasmc_runtime::abi::VMGlobal;
use wasmc_runtime::instance::{Extern, Global, HostFunc};
use wasmc_runtime::memory::Memory;
use wasmc_runtime::meta::{FuncType, GlobalType, MemoryType, RefType, TableType, ValType};
use wasmc_runtime::table::Table;

/// The host module `spectest` (spec interpreter conventions: `print*` functions,
/// `global_i32/i64/f32/f64` = 666 / 666.6, `table` 10..20 funcref, `table64` the same with
/// 64-bit indices, `memory` 1..2 pages).
pub(crate) struct Spectest {
    memory: Box<Memory>,
    table: Box<Table>,
    table64: Box<Table>,
    globals: Vec<(&'static str, Box<VMGlobal>, ValType)>,
    funcs: Vec<(&'static str, Arc<HostFunc>)>,
}

impl Spectest {
    pub(crate) fn new() -> Spectest {
        let memory =
            Memory::new(&MemoryType { min: 1, max: Some(2), memory64: false, shared: false })
                .expect("spectest memory");
        let table_type =
            |table64| TableType { element: RefType::FUNCREF, min: 10, max: Some(20), table64 };
        let table = Table::new(&table_type(false), 0).expect("spectest table");
        let table64 = Table::new(&table_type(true), 0).expect("spectest table64");
        let globals = vec![
            ("global_i32", Box::new(VMGlobal::new(666)), ValType::I32),
            ("global_i64", Box::new(VMGlobal::new(666)), ValType::I64),
            ("global_f32", Box::new(VMGlobal::new(666.6f32.to_bits() as u64)), ValType::F32),
            ("global_f64", Box::new(VMGlobal::new(666.6f64.to_bits())), ValType::F64),
        ];
        let print = |params: Vec<ValType>| {
            Arc::new(HostFunc {
                ty: FuncType { params, results: vec![] },
                func: Box::new(|_, _| Ok(())),
            })
        };
        use ValType::*;
        let funcs = vec![
            ("print", print(vec![])),
            ("print_i32", print(vec![I32])),
            ("print_i64", print(vec![I64])),
            ("print_f32", print(vec![F32])),
            ("print_f64", print(vec![F64])),
            ("print_i32_f32", print(vec![I32, F32])),
            ("print_f64_f64", print(vec![F64, F64])),
            ("print_char", print(vec![I32])),
        ];
        Spectest { memory, table, table64, globals, funcs }
    }

    /// The export `name` of `spectest`, if it has one.
    pub(crate) fn get(&mut self, name: &str) -> Option<Extern> {
        match name {
            "memory" => return Some(Extern::Memory(&mut *self.memory)),
            "table" => return Some(Extern::Table(&mut *self.table)),
            "table64" => return Some(Extern::Table(&mut *self.table64)),
            _ => {}
        }
        if let Some((_, cell, ty)) = self.globals.iter_mut().find(|g| g.0 == name) {
            return Some(Extern::Global(Global {
                cell: &mut **cell,
                ty: GlobalType { ty: *ty, mutable: false },
            }));
        }
        self.funcs.iter().find(|f| f.0 == name).map(|(_, f)| Extern::HostFunc(f.clone()))
    }
}
