//! The host module `spectest` that spec scripts import from (the reference interpreter's
//! `interpreter/host/spectest.ml`).

use std::sync::Arc;

use wasmc_runtime::embed::Val;
use wasmc_runtime::instance::{Extern, HostFunc};
use wasmc_runtime::meta::{FuncType, GlobalType, MemoryType, RefType, TableType, ValType};
use wasmc_runtime::store::Store;

/// The host module `spectest` (spec interpreter conventions: `print*` functions,
/// `global_i32/i64/f32/f64` = 666 / 666.6, `table` 10..20 funcref, `table64` the same with
/// 64-bit indices, `memory` 1..2 pages). Its memory, tables and globals belong to the
/// script's store, which made them.
pub(crate) struct Spectest {
    externs: Vec<(&'static str, Extern)>,
}

impl Spectest {
    pub(crate) fn new(store: &mut Store) -> Result<Spectest, String> {
        let memory = store
            .memory_new(&MemoryType { min: 1, max: Some(2), memory64: false, shared: false })
            .map_err(|e| format!("spectest memory: {e}"))?;
        let table_type =
            |table64| TableType { element: RefType::FUNCREF, min: 10, max: Some(20), table64 };
        let table = store.table_new(&table_type(false))?;
        let table64 = store.table_new(&table_type(true))?;
        let mut externs = vec![("memory", memory), ("table", table), ("table64", table64)];
        let immutable = |ty| GlobalType { ty, mutable: false };
        for (name, ty, value) in [
            ("global_i32", ValType::I32, Val::I32(666)),
            ("global_i64", ValType::I64, Val::I64(666)),
            ("global_f32", ValType::F32, Val::F32(666.6f32.to_bits())),
            ("global_f64", ValType::F64, Val::F64(666.6f64.to_bits())),
        ] {
            externs.push((name, store.global_new(immutable(ty), value)?));
        }
        let print = |params: Vec<ValType>| {
            Extern::HostFunc(Arc::new(HostFunc {
                ty: FuncType { params, results: vec![] },
                func: Box::new(|_, _| Ok(())),
            }))
        };
        use ValType::*;
        externs.extend([
            ("print", print(vec![])),
            ("print_i32", print(vec![I32])),
            ("print_i64", print(vec![I64])),
            ("print_f32", print(vec![F32])),
            ("print_f64", print(vec![F64])),
            ("print_i32_f32", print(vec![I32, F32])),
            ("print_f64_f64", print(vec![F64, F64])),
            ("print_char", print(vec![I32])),
        ]);
        Ok(Spectest { externs })
    }

    /// The export `name` of `spectest`, if it has one.
    pub(crate) fn get(&self, name: &str) -> Option<Extern> {
        self.externs.iter().find(|(n, _)| *n == name).map(|(_, e)| e.clone())
    }
}
