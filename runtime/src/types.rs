//! Process-wide canonical types (spec §3.1.3 "Type Equivalence": iso-recursive, by rec
//! group) and their RTTs.
//!
//! Each module's rec groups are interned in order: a group's key is its types with
//! references into the group written relative to the group and references outside it
//! replaced by their canonical ids. Equal keys give the same canonical ids, so equal types
//! of different modules are the same type at link time, in `call_indirect` and in casts.
//!
//! The registry stays bounded over a long run (fuzzing instantiates thousands of modules
//! with fresh types): [`canonicalize`] returns [`TypeIds`], a hold on the module's groups,
//! and a group lives while it is held, by instances or by the keys of other live groups
//! that refer to it (a subtype's group holds its supertype's, a struct's group the groups
//! of its field types). When the last hold goes, the group's RTTs (and exception RTTs) are
//! freed and its canonical ids are reused. Holds are taken per instance, and an instance
//! lives as long as its store, with every object whose header names one of its RTTs.

use std::collections::HashMap;
use std::sync::Mutex;

use wasmc_abi::layout::{Rtt, RttKind, free_rtt, new_rtt};

use crate::meta::{
    CompositeType, FieldType, HeapType, ModuleMeta, RefType, StorageType, SubType, ValType,
};

/// Marks a concrete index in a rec group key as relative to the group.
const REC: u32 = 1 << 31;

struct Entry {
    /// The type with concrete indices replaced by canonical ids.
    sub: SubType,
    /// Owned: freed with the entry.
    rtt: *const Rtt,
    /// For a function type used by tags: the RTT of the exception objects of its tags
    /// (created on first use, see [`exception_rtt`]; owned, freed with the entry).
    exn_rtt: Option<*const Rtt>,
    /// The group the type belongs to (index into `Registry::groups`).
    group: u32,
}

// SAFETY: RTTs are immutable after creation; the registry (behind its mutex) frees them
// only when no instance holds their group.
unsafe impl Send for Entry {}

/// An interned rec group.
struct Group {
    key: Vec<SubType>,
    /// Canonical ids of the group's types, in group order.
    ids: Vec<u32>,
    /// Holds: [`TypeIds`] naming the group plus live groups whose keys refer to it.
    holds: u32,
    /// The other groups this group's key refers to (each held once by this group).
    deps: Vec<u32>,
}

#[derive(Default)]
struct Registry {
    by_key: HashMap<Vec<SubType>, u32>,
    groups: Vec<Option<Group>>,
    free_groups: Vec<u32>,
    /// By canonical id; `None`: a free id (in `free_ids`).
    types: Vec<Option<Entry>>,
    free_ids: Vec<u32>,
}

impl Registry {
    fn entry(&self, id: u32) -> &Entry {
        self.types[id as usize].as_ref().expect("a canonical type held by a live instance")
    }

    fn new_id(&mut self) -> u32 {
        self.free_ids.pop().unwrap_or_else(|| {
            self.types.push(None);
            (self.types.len() - 1) as u32
        })
    }

    /// Interns the group whose key is `key` (outside references already canonical),
    /// creating its types and RTTs if it is new; takes one hold on it and returns its index.
    fn intern(&mut self, key: Vec<SubType>, meta: &ModuleMeta, pos: u32) -> u32 {
        if let Some(&g) = self.by_key.get(&key) {
            self.groups[g as usize].as_mut().expect("interned groups are live").holds += 1;
            return g;
        }
        let g = self.free_groups.pop().unwrap_or_else(|| {
            self.groups.push(None);
            (self.groups.len() - 1) as u32
        });
        let ids: Vec<u32> = key.iter().map(|_| self.new_id()).collect();
        let mut deps: Vec<u32> = Vec::new();
        for (k, t) in key.iter().enumerate() {
            let outside = std::cell::RefCell::new(Vec::new());
            let abs = |i: u32| {
                if i & REC != 0 {
                    ids[(i & !REC) as usize]
                } else {
                    outside.borrow_mut().push(i);
                    i
                }
            };
            let sub = map_sub(t, &abs);
            for i in outside.into_inner() {
                deps.push(self.entry(i).group);
            }
            let supers: Vec<*const Rtt> = match sub.supertype {
                Some(s) => {
                    let sr = self.entry(s).rtt;
                    // SAFETY: registry RTTs come from `new_rtt` and are live.
                    let d = unsafe { (*sr).depth };
                    // SAFETY: as above; entries 0..=d exist.
                    (0..=d).map(|i| unsafe { wasmc_abi::layout::display(sr, i) }).collect()
                }
                None => Vec::new(),
            };
            let kind = match sub.composite {
                CompositeType::Func(_) => RttKind::Func,
                CompositeType::Struct(_) => RttKind::Struct,
                CompositeType::Array(_) => RttKind::Array,
            };
            let rtt = new_rtt(kind, ids[k], sub.is_final, &supers);
            let module_type = &meta.types[pos as usize + k];
            if let Some(layout) = module_type.object_layout(&meta.types) {
                // SAFETY: the RTT was just created and is not shared yet.
                unsafe { wasmc_abi::layout::set_layout(rtt, layout) };
            }
            self.types[ids[k] as usize] = Some(Entry { sub, rtt, exn_rtt: None, group: g });
        }
        deps.sort_unstable();
        deps.dedup();
        for d in &deps {
            self.groups[*d as usize].as_mut().expect("referenced groups are live").holds += 1;
        }
        self.by_key.insert(key.clone(), g);
        self.groups[g as usize] = Some(Group { key, ids, holds: 1, deps });
        g
    }

    /// Drops one hold on each of `groups`; frees the groups left without holds, and then
    /// the groups only they held (a worklist: group graphs are program-sized).
    fn release(&mut self, groups: &[u32]) {
        let mut work: Vec<u32> = groups.to_vec();
        while let Some(g) = work.pop() {
            let group = self.groups[g as usize].as_mut().expect("released groups are live");
            group.holds -= 1;
            if group.holds > 0 {
                continue;
            }
            let group = self.groups[g as usize].take().expect("checked above");
            self.by_key.remove(&group.key);
            for id in &group.ids {
                let e = self.types[*id as usize].take().expect("a group's types are live");
                // SAFETY: no instance holds the group any more, so no live object, RTT
                // table or instance refers to these RTTs; the display of a subtype's RTT
                // does, but a subtype's group holds this one and is gone already.
                unsafe {
                    free_rtt(e.rtt);
                    if let Some(x) = e.exn_rtt {
                        free_rtt(x);
                    }
                }
                self.free_ids.push(*id);
            }
            self.free_groups.push(g);
            work.extend(group.deps);
        }
    }
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

/// A module's canonical type ids (by module type index, through `Deref` to `[u32]`) and a
/// hold on their rec groups: while it lives, the ids, their RTTs and exception RTTs stay
/// valid; dropping it may free them. Its owner (an instance) must outlive every object and
/// table that uses them.
pub struct TypeIds {
    ids: Vec<u32>,
    /// One registry group per module rec group (repeats allowed), each held once.
    groups: Vec<u32>,
}

impl std::ops::Deref for TypeIds {
    type Target = [u32];
    fn deref(&self) -> &[u32] {
        &self.ids
    }
}

impl Drop for TypeIds {
    fn drop(&mut self) {
        with_registry(|reg| reg.release(&self.groups));
    }
}

/// Canonical ids of a module's types, by module type index, held until the returned
/// [`TypeIds`] is dropped.
pub fn canonicalize(meta: &ModuleMeta) -> TypeIds {
    with_registry(|reg| {
        let mut ids: Vec<u32> = Vec::with_capacity(meta.types.len());
        let mut groups = Vec::with_capacity(meta.rec_groups.len());
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
            let g = reg.intern(key, meta, pos);
            groups.push(g);
            ids.extend_from_slice(&reg.groups[g as usize].as_ref().expect("just held").ids);
            pos += n;
        }
        TypeIds { ids, groups }
    })
}

/// Live canonical types and id slots ever allocated (live plus free): the registry's size,
/// for leak checks (a long run's slot count stops growing once its modules' stores die).
pub fn registry_size() -> (usize, usize) {
    with_registry(|reg| (reg.types.iter().filter(|t| t.is_some()).count(), reg.types.len()))
}

/// The RTT of canonical type `id`.
pub fn rtt(id: u32) -> *const Rtt {
    with_registry(|reg| reg.entry(id).rtt)
}

/// The shape of canonical type `id` (its concrete heap types are canonical ids), for hosts
/// that read objects through `wasmc_abi::layout` (the differential fuzzing oracle). `id`
/// must be held (see [`TypeIds`]).
pub fn composite(id: u32) -> CompositeType {
    with_registry(|reg| reg.entry(id).sub.composite.clone())
}

/// The RTT (kind `Exn`) of the exception objects of tags whose type is canonical function
/// type `id`: one per type for the process, created with `layout()` on first use (the layout
/// depends only on the type, so every tag of it in every instance shares the RTT).
pub fn exception_rtt(
    id: u32,
    layout: impl FnOnce() -> wasmc_abi::layout::ObjectLayout,
) -> *const Rtt {
    with_registry(|reg| {
        let entry =
            reg.types[id as usize].as_mut().expect("a canonical type held by a live instance");
        *entry.exn_rtt.get_or_insert_with(|| {
            let rtt = new_rtt(RttKind::Exn, u32::MAX, true, &[]);
            // SAFETY: the RTT was just created and is not shared yet.
            unsafe { wasmc_abi::layout::set_layout(rtt, layout()) };
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
            t = reg.entry(x).sub.supertype;
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

    /// Whether every rec group of `meta` is interned now (without taking holds).
    fn interned(meta: &ModuleMeta) -> bool {
        with_registry(|reg| {
            let mut ids: Vec<u32> = Vec::new();
            let mut pos = 0u32;
            for &n in &meta.rec_groups {
                let group = &meta.types[pos as usize..(pos + n) as usize];
                let rel = |i: u32| {
                    if i >= pos && i < pos + n { REC | (i - pos) } else { ids[i as usize] }
                };
                let key: Vec<SubType> = group.iter().map(|t| map_sub(t, &rel)).collect();
                let Some(&g) = reg.by_key.get(&key) else { return false };
                ids.extend_from_slice(&reg.groups[g as usize].as_ref().unwrap().ids);
                pos += n;
            }
            true
        })
    }

    /// A struct type of `n` immutable `i64` fields (tests use field counts no other test
    /// uses, so their types are theirs alone) with an optional supertype.
    fn wide_struct(n: usize, supertype: Option<u32>, is_final: bool) -> SubType {
        let field = FieldType { storage: StorageType::Val(ValType::I64), mutable: false };
        SubType { is_final, supertype, composite: CompositeType::Struct(vec![field; n]) }
    }

    #[test]
    fn the_last_hold_frees_a_group_and_its_rtts() {
        let m = ModuleMeta {
            types: vec![wide_struct(37, None, false), wide_struct(38, Some(0), true)],
            rec_groups: vec![1, 1],
            ..Default::default()
        };
        let first = canonicalize(&m);
        let second = canonicalize(&m);
        assert_eq!(&*first, &*second);
        let sub = rtt(first[1]);
        // SAFETY: registry RTTs come from `new_rtt`; the type is held.
        assert_eq!(unsafe { wasmc_abi::layout::display(sub, 0) }, rtt(first[0]));
        drop(first);
        assert!(interned(&m), "still held by the second instance");
        assert!(is_subtype(second[1], second[0]));
        drop(second);
        assert!(!interned(&m), "no instance holds the types: they are freed");
        // Interning again makes them anew.
        let third = canonicalize(&m);
        assert!(interned(&m) && is_subtype(third[1], third[0]));
    }

    #[test]
    fn freed_ids_are_reused() {
        let m = |n| ModuleMeta {
            types: vec![wide_struct(n, None, true)],
            rec_groups: vec![1],
            ..Default::default()
        };
        let (_, before) = registry_size();
        for n in 0..200 {
            let ids = canonicalize(&m(1000 + n));
            assert!(interned(&m(1000 + n)));
            drop(ids);
        }
        let (_, after) = registry_size();
        // Other tests intern types in parallel; 200 fresh types must not take 200 slots.
        assert!(after < before + 100, "id slots grew from {before} to {after}");
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
