//! Process-wide canonical types (spec §3.1.3 "Type Equivalence": iso-recursive, by rec
//! group) and their RTTs.
//!
//! Each module's rec groups are interned in order: a group's key is its types with
//! references into the group written relative to the group and references outside it
//! replaced by their canonical ids. Equal keys give the same canonical ids, so equal types
//! of different modules are the same type at link time, in `call_indirect` and in casts.

use std::collections::HashMap;
use std::sync::Mutex;

use wasmc_gc::layout::{Rtt, RttKind, new_rtt};

use crate::meta::{
    CompositeType, FieldType, HeapType, ModuleMeta, RefType, StorageType, SubType, ValType,
};

/// Marks a concrete index in a rec group key as relative to the group.
const REC: u32 = 1 << 31;

struct Entry {
    /// The type with concrete indices replaced by canonical ids.
    sub: SubType,
    rtt: *const Rtt,
    /// For a function type used by tags: the RTT of the exception objects of its tags
    /// (created on first use, see [`exception_rtt`]).
    exn_rtt: Option<*const Rtt>,
}

// SAFETY: RTTs are immutable after creation and live forever.
unsafe impl Send for Entry {}

#[derive(Default)]
struct Registry {
    groups: HashMap<Vec<SubType>, u32>,
    types: Vec<Entry>,
}

static REGISTRY: Mutex<Option<Registry>> = Mutex::new(None);

fn with_registry<R>(f: impl FnOnce(&mut Registry) -> R) -> R {
    let mut guard = REGISTRY.lock().unwrap_or_else(|e| e.into_inner());
    f(guard.get_or_insert_with(Registry::default))
}

fn map_val(v: ValType, f: &impl Fn(u32) -> u32) -> ValType {
    match v {
        ValType::Ref(RefType { nullable, heap: HeapType::Concrete(i) }) => {
            ValType::Ref(RefType { nullable, heap: HeapType::Concrete(f(i)) })
        }
        other => other,
    }
}

fn map_field(t: FieldType, f: &impl Fn(u32) -> u32) -> FieldType {
    let storage = match t.storage {
        StorageType::Val(v) => StorageType::Val(map_val(v, f)),
        s => s,
    };
    FieldType { storage, mutable: t.mutable }
}

/// `t` with every type index (heap types and the supertype) mapped through `f`.
fn map_sub(t: &SubType, f: &impl Fn(u32) -> u32) -> SubType {
    let composite = match &t.composite {
        CompositeType::Func(ft) => CompositeType::Func(crate::meta::FuncType {
            params: ft.params.iter().map(|v| map_val(*v, f)).collect(),
            results: ft.results.iter().map(|v| map_val(*v, f)).collect(),
        }),
        CompositeType::Struct(fields) => {
            CompositeType::Struct(fields.iter().map(|x| map_field(*x, f)).collect())
        }
        CompositeType::Array(e) => CompositeType::Array(map_field(*e, f)),
    };
    SubType { is_final: t.is_final, supertype: t.supertype.map(f), composite }
}

/// Canonical ids of a module's types, by module type index.
pub fn canonicalize(meta: &ModuleMeta) -> Vec<u32> {
    with_registry(|reg| {
        let mut ids: Vec<u32> = Vec::with_capacity(meta.types.len());
        let mut pos = 0u32;
        for &n in &meta.rec_groups {
            let group = &meta.types[pos as usize..(pos + n) as usize];
            let key: Vec<SubType> = {
                let ids = &ids;
                let rel = |i: u32| {
                    if i >= pos && i < pos + n { REC | (i - pos) } else { ids[i as usize] }
                };
                group.iter().map(|t| map_sub(t, &rel)).collect()
            };
            let first = match reg.groups.get(&key) {
                Some(first) => *first,
                None => {
                    let first = reg.types.len() as u32;
                    for (k, t) in key.iter().enumerate() {
                        let abs = |i: u32| if i & REC != 0 { first + (i & !REC) } else { i };
                        let sub = map_sub(t, &abs);
                        let supers: Vec<*const Rtt> = match sub.supertype {
                            Some(s) => {
                                let sr = reg.types[s as usize].rtt;
                                // SAFETY: RTTs come from `new_rtt`.
                                let d = unsafe { (*sr).depth };
                                // SAFETY: as above; entries 0..=d exist.
                                (0..=d)
                                    .map(|i| unsafe { wasmc_gc::layout::display(sr, i) })
                                    .collect()
                            }
                            None => Vec::new(),
                        };
                        let kind = match sub.composite {
                            CompositeType::Func(_) => RttKind::Func,
                            CompositeType::Struct(_) => RttKind::Struct,
                            CompositeType::Array(_) => RttKind::Array,
                        };
                        let rtt = new_rtt(kind, first + k as u32, sub.is_final, &supers);
                        let module_type = &meta.types[pos as usize + k];
                        if let Some(layout) = module_type.object_layout(&meta.types) {
                            // SAFETY: the RTT was just created and is not shared yet.
                            unsafe { wasmc_gc::layout::set_layout(rtt, layout) };
                        }
                        reg.types.push(Entry { sub, rtt, exn_rtt: None });
                    }
                    reg.groups.insert(key, first);
                    first
                }
            };
            ids.extend(first..first + n);
            pos += n;
        }
        ids
    })
}

/// The RTT of canonical type `id`.
pub fn rtt(id: u32) -> *const Rtt {
    with_registry(|reg| reg.types[id as usize].rtt)
}

/// The RTT (kind `Exn`) of the exception objects of tags whose type is canonical function
/// type `id`: one per type for the process, created with `layout()` on first use (the layout
/// depends only on the type, so every tag of it in every instance shares the RTT).
pub fn exception_rtt(
    id: u32,
    layout: impl FnOnce() -> wasmc_gc::layout::ObjectLayout,
) -> *const Rtt {
    with_registry(|reg| {
        let entry = &mut reg.types[id as usize];
        *entry.exn_rtt.get_or_insert_with(|| {
            let rtt = new_rtt(RttKind::Exn, u32::MAX, true, &[]);
            // SAFETY: the RTT was just created and is not shared yet.
            unsafe { wasmc_gc::layout::set_layout(rtt, layout()) };
            rtt
        })
    })
}

/// Whether canonical type `a` is `b` or one of its declared subtypes (transitively).
pub fn is_subtype(a: u32, b: u32) -> bool {
    with_registry(|reg| {
        let mut t = Some(a);
        while let Some(x) = t {
            if x == b {
                return true;
            }
            t = reg.types[x as usize].sub.supertype;
        }
        false
    })
}

/// The canonical form of a module's value type (concrete indices replaced by canonical ids).
pub fn canonical_val(ids: &[u32], v: ValType) -> ValType {
    map_val(v, &|i| ids[i as usize])
}

fn kind_of(id: u32) -> RttKind {
    // SAFETY: registry RTTs come from `new_rtt`.
    let k = unsafe { (*rtt(id)).kind };
    match k {
        0 => RttKind::Func,
        1 => RttKind::Struct,
        _ => RttKind::Array,
    }
}

/// Heap subtyping on canonical heap types (spec §3.3.2 "Heap Types").
pub fn heap_subtype(a: HeapType, b: HeapType) -> bool {
    use HeapType::*;
    if a == b {
        return true;
    }
    match (a, b) {
        (Concrete(x), Concrete(y)) => is_subtype(x, y),
        (Concrete(x), Func) => kind_of(x) == RttKind::Func,
        (Concrete(x), Struct) => kind_of(x) == RttKind::Struct,
        (Concrete(x), Array) => kind_of(x) == RttKind::Array,
        (Concrete(x), Eq | Any) => kind_of(x) != RttKind::Func,
        (I31 | Struct | Array, Eq | Any) | (Eq, Any) => true,
        (None, Any | Eq | I31 | Struct | Array) => true,
        (None, Concrete(y)) => kind_of(y) != RttKind::Func,
        (NoFunc, Func) => true,
        (NoFunc, Concrete(y)) => kind_of(y) == RttKind::Func,
        (NoExtern, Extern) | (NoExn, Exn) => true,
        _ => false,
    }
}

/// Whether a canonical value type may hold GC references (see `ValType::is_gc_ref`).
pub fn is_gc_ref(v: ValType) -> bool {
    match v {
        ValType::Ref(RefType { heap: HeapType::Concrete(id), .. }) => kind_of(id) != RttKind::Func,
        other => other.is_gc_ref(&[]),
    }
}

/// Value subtyping on canonical value types.
pub fn val_subtype(a: ValType, b: ValType) -> bool {
    match (a, b) {
        (ValType::Ref(x), ValType::Ref(y)) => {
            (!x.nullable || y.nullable) && heap_subtype(x.heap, y.heap)
        }
        (x, y) => x == y,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::meta::FuncType;

    fn func(params: Vec<ValType>, is_final: bool, supertype: Option<u32>) -> SubType {
        SubType {
            is_final,
            supertype,
            composite: CompositeType::Func(FuncType { params, results: vec![] }),
        }
    }

    #[test]
    fn equal_groups_in_different_modules_are_one_type() {
        let self_ref = ValType::Ref(RefType { nullable: true, heap: HeapType::Concrete(1) });
        let m1 = ModuleMeta {
            types: vec![func(vec![], true, None), func(vec![self_ref], true, None)],
            rec_groups: vec![1, 1],
            ..Default::default()
        };
        // The same second type, at index 0 of its own module.
        let self_ref0 = ValType::Ref(RefType { nullable: true, heap: HeapType::Concrete(0) });
        let m2 = ModuleMeta {
            types: vec![func(vec![self_ref0], true, None)],
            rec_groups: vec![1],
            ..Default::default()
        };
        let a = canonicalize(&m1);
        let b = canonicalize(&m2);
        assert_eq!(a[1], b[0]);
        assert_ne!(a[0], a[1]);
    }

    #[test]
    fn subtyping_follows_declared_supertypes() {
        let m = ModuleMeta {
            types: vec![
                func(vec![ValType::I64], false, None),
                func(vec![ValType::I64], true, Some(0)),
            ],
            rec_groups: vec![1, 1],
            ..Default::default()
        };
        let ids = canonicalize(&m);
        assert!(is_subtype(ids[1], ids[0]));
        assert!(!is_subtype(ids[0], ids[1]));
        assert!(heap_subtype(HeapType::Concrete(ids[1]), HeapType::Func));
        assert!(heap_subtype(HeapType::NoFunc, HeapType::Concrete(ids[0])));
        assert!(!heap_subtype(HeapType::Concrete(ids[0]), HeapType::Any));
    }
}
