//! Tables: a growable vector of pointer-sized elements that compiled code reads through a
//! [`VMTable`] (base and length, reloaded at every access because growth moves the base).

use crate::abi::VMTable;
use crate::meta::TableType;

/// Most elements a table may have, whatever its declared maximum (keeps `table.grow` of
/// huge deltas from exhausting host memory; it then returns -1 as the spec allows).
pub const MAX_TABLE_ELEMENTS: u64 = 10_000_000;

/// A table owned by an instance.
pub struct Table {
    /// What compiled code sees; its address is stable (the table is boxed).
    pub vm: VMTable,
    /// The table's type (`min` is kept equal to the current size, for import checks).
    pub ty: TableType,
    elements: Vec<usize>,
}

// SAFETY: the element vector is owned by this value.
unsafe impl Send for Table {}

impl Table {
    /// A table of `ty.min` elements, each `init`.
    pub fn new(ty: &TableType, init: usize) -> Option<Box<Table>> {
        if ty.min > MAX_TABLE_ELEMENTS {
            return None;
        }
        let mut t = Box::new(Table {
            vm: VMTable { base: core::ptr::null_mut(), length: 0 },
            ty: ty.clone(),
            elements: vec![init; ty.min as usize],
        });
        t.sync();
        Some(t)
    }

    fn sync(&mut self) {
        self.vm.base = self.elements.as_mut_ptr();
        self.vm.length = self.elements.len() as u64;
        self.ty.min = self.vm.length;
    }

    /// The elements.
    pub fn elements(&self) -> &[usize] {
        &self.elements
    }

    /// The elements, mutably.
    pub fn elements_mut(&mut self) -> &mut [usize] {
        &mut self.elements
    }

    /// `table.grow`: returns the old size, or `None` if the table cannot grow by `delta`.
    pub fn grow(&mut self, delta: u64, init: usize) -> Option<u64> {
        let old = self.elements.len() as u64;
        let new = old.checked_add(delta)?;
        let max = self.ty.max.unwrap_or(u64::MAX).min(MAX_TABLE_ELEMENTS);
        if new > max {
            return None;
        }
        self.elements.resize(new as usize, init);
        self.sync();
        Some(old)
    }
}
