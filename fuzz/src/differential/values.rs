//! Values as both engines can describe them: a value, and for a GC object everything
//! reachable from it to a bounded depth and size, flattened into a sequence of [`Token`]s
//! (pre-order, with an explicit worklist: object graphs are heap-sized and may be cyclic).
//! Two values agree when their token sequences are equal.
//!
//! wasmc objects are read through `wasmc_abi::layout` (header RTT, field offsets, array
//! length and elements) with the field types of the canonical type registry; Wasmtime's
//! through its `StructRef`/`ArrayRef` API. Reading wasmc objects from the host is sound
//! only while nothing collects, so a description is made right after a call returns.

use wasmc_abi::layout::{ARRAY_DATA_OFFSET, ARRAY_LENGTH_OFFSET, I31_TAG, Rtt};
use wasmc_runtime::gc::RefClass;
use wasmc_runtime::instance::StoreInner;
use wasmc_runtime::meta::{CompositeType, HeapType, StorageType, ValType};

/// Objects deeper than this (the value itself is at depth 0) are described by kind and
/// size only.
pub const MAX_DEPTH: u32 = 4;
/// At most this many fields or elements of one object are described.
pub const MAX_CHILDREN: usize = 32;
/// At most this many tokens describe one value (then [`Token::Cut`]).
pub const MAX_TOKENS: usize = 1024;

/// One item of a value's description.
#[derive(Clone, Debug, PartialEq)]
pub enum Token {
    /// An integer (or packed field, zero-extended), by bits.
    Int(u64),
    /// A `v128`, by bits (the oracle's modules canonicalise NaNs, so lanes compare
    /// exactly).
    V128(u128),
    /// A float, by bits (`None`: some NaN; NaN payloads may differ).
    Float(Option<u64>),
    /// A null reference.
    Null,
    /// An `i31ref` with this (unsigned 31-bit) value.
    I31(u32),
    /// A struct with this many fields; they follow.
    Struct(usize),
    /// An array of this length; its first elements (at most [`MAX_CHILDREN`]) follow.
    Array(u32),
    /// A non-null reference of another kind (function, extern, exception), compared by
    /// nullness only.
    NonNull,
    /// The description stopped at [`MAX_TOKENS`].
    Cut,
}

fn float(bits: u64, is_nan: bool) -> Token {
    Token::Float((!is_nan).then_some(bits))
}

/// Flattens `root`: `expand(v, children)` describes `v` and, if `children` is set, returns
/// the values it contains (fields, or the first array elements), described next.
///
/// # Errors
/// The first error of `expand`.
fn describe<V>(
    root: V,
    mut expand: impl FnMut(&V, bool) -> Result<(Token, Vec<V>), String>,
) -> Result<Vec<Token>, String> {
    let mut out = Vec::new();
    let mut work = vec![(root, 0u32)];
    while let Some((v, depth)) = work.pop() {
        if out.len() >= MAX_TOKENS {
            out.push(Token::Cut);
            break;
        }
        let (token, children) = expand(&v, depth < MAX_DEPTH)?;
        out.push(token);
        work.extend(children.into_iter().take(MAX_CHILDREN).rev().map(|c| (c, depth + 1)));
    }
    Ok(out)
}

/// How to read a wasmc value's bits.
#[derive(Clone, Copy, Debug)]
enum Kind {
    /// An integer of this many bytes.
    Int(u8),
    V128,
    F32,
    F64,
    /// A reference in the extern hierarchy (`extern.convert_any` keeps the representation,
    /// so it is compared by nullness only).
    Extern,
    /// Any other reference: classified by what it points to.
    Ref,
}

fn kind_of_val(t: ValType) -> Kind {
    match t {
        ValType::I32 => Kind::Int(4),
        ValType::I64 => Kind::Int(8),
        ValType::V128 => Kind::V128,
        ValType::F32 => Kind::F32,
        ValType::F64 => Kind::F64,
        ValType::Ref(r) if matches!(r.heap, HeapType::Extern | HeapType::NoExtern) => Kind::Extern,
        ValType::Ref(_) => Kind::Ref,
    }
}

fn kind_of_storage(s: StorageType) -> Kind {
    match s {
        StorageType::I8 => Kind::Int(1),
        StorageType::I16 => Kind::Int(2),
        StorageType::Val(v) => kind_of_val(v),
    }
}

/// Bytes a field or element of this kind takes in a wasmc object.
fn size_of_kind(k: Kind) -> u32 {
    match k {
        Kind::Int(n) => u32::from(n),
        Kind::V128 => 16,
        Kind::F32 => 4,
        Kind::F64 | Kind::Extern | Kind::Ref => 8,
    }
}

/// Reads `size` bytes at `addr`, zero-extended.
///
/// # Safety
/// `addr..addr + size` must lie inside a live object.
unsafe fn read(addr: usize, size: u32) -> u128 {
    // SAFETY: see the contract; fields are naturally aligned up to 8 bytes (`v128` fields
    // are read unaligned).
    unsafe {
        match size {
            1 => u128::from(*(addr as *const u8)),
            2 => u128::from(*(addr as *const u16)),
            4 => u128::from(*(addr as *const u32)),
            8 => u128::from(*(addr as *const u64)),
            _ => (addr as *const u128).read_unaligned(),
        }
    }
}

/// Describes the wasmc value `bits` of (module or canonical) type `ty`. Objects' own field
/// types come from the canonical type registry (the store holds their types).
///
/// # Errors
/// An object without a layout or of an unexpected type (a broken heap).
pub fn wasmc(store: &StoreInner, bits: u128, ty: ValType) -> Result<Vec<Token>, String> {
    describe((bits, kind_of_val(ty)), |&(bits, kind), children| {
        let (wide, bits) = (bits, bits as u64);
        Ok(match kind {
            Kind::Int(n) if n < 8 => (Token::Int(bits & ((1u64 << (8 * n)) - 1)), vec![]),
            Kind::Int(_) => (Token::Int(bits), vec![]),
            Kind::V128 => (Token::V128(wide), vec![]),
            Kind::F32 => (float(bits as u32 as u64, f32::from_bits(bits as u32).is_nan()), vec![]),
            Kind::F64 => (float(bits, f64::from_bits(bits).is_nan()), vec![]),
            Kind::Extern if bits == 0 => (Token::Null, vec![]),
            Kind::Extern => (Token::NonNull, vec![]),
            Kind::Ref => wasmc_object(store, bits as usize, children)?,
        })
    })
}

/// Describes the wasmc reference `r` (not extern) and lists its fields or elements.
fn wasmc_object(
    store: &StoreInner,
    r: usize,
    children: bool,
) -> Result<(Token, Vec<(u128, Kind)>), String> {
    let class = store.classify(r);
    if !matches!(class, RefClass::Struct | RefClass::Array) {
        return Ok(match class {
            RefClass::Null => (Token::Null, vec![]),
            RefClass::I31 => (Token::I31(wasmc_abi::layout::i31_value(r)), vec![]),
            _ => (Token::NonNull, vec![]),
        });
    }
    // SAFETY: `r` is a live object of the store's heap (classified above; nothing has
    // collected since the call returned), so its header holds its RTT, whose canonical type
    // the store's instances hold.
    let rtt: *const Rtt = unsafe { *(r as *const *const Rtt) };
    // SAFETY: as above.
    let (id, layout) = unsafe { ((*rtt).canonical_id, wasmc_abi::layout::layout_of(rtt)) };
    let layout = layout.ok_or_else(|| format!("wasmc object {r:#x} has no layout"))?;
    match wasmc_runtime::types::composite(id) {
        CompositeType::Struct(fields) => {
            let mut values = Vec::new();
            if children {
                for (f, off) in fields.iter().zip(&layout.field_offsets).take(MAX_CHILDREN) {
                    let k = kind_of_storage(f.storage);
                    // SAFETY: the field lies inside the live object.
                    values.push((unsafe { read(r + *off as usize, size_of_kind(k)) }, k));
                }
            }
            Ok((Token::Struct(fields.len()), values))
        }
        CompositeType::Array(f) => {
            let k = kind_of_storage(f.storage);
            // SAFETY: arrays have their length at this offset.
            let len = unsafe { *((r + ARRAY_LENGTH_OFFSET as usize) as *const u32) };
            let mut values = Vec::new();
            if children {
                for i in 0..len.min(MAX_CHILDREN as u32) {
                    let at = r + (ARRAY_DATA_OFFSET + i * size_of_kind(k)) as usize;
                    // SAFETY: element `i < len` lies inside the live array.
                    values.push((unsafe { read(at, size_of_kind(k)) }, k));
                }
            }
            Ok((Token::Array(len), values))
        }
        CompositeType::Func(_) => Err(format!("wasmc object {r:#x} has a function type")),
    }
}

/// Describes the Wasmtime value `v`.
///
/// # Errors
/// A Wasmtime API error reading an object.
pub fn wasmtime(
    store: &mut wasmtime::Store<wasmtime::StoreLimits>,
    v: &wasmtime::Val,
) -> Result<Vec<Token>, String> {
    use wasmtime::Val as V;
    let err = |e: wasmtime::Error| format!("wasmtime: {e}");
    describe(*v, |v, children| {
        Ok(match v {
            V::I32(x) => (Token::Int(*x as u32 as u64), vec![]),
            V::I64(x) => (Token::Int(*x as u64), vec![]),
            V::V128(x) => (Token::V128(x.as_u128()), vec![]),
            V::F32(b) => (float(*b as u64, f32::from_bits(*b).is_nan()), vec![]),
            V::F64(b) => (float(*b, f64::from_bits(*b).is_nan()), vec![]),
            V::AnyRef(None) | V::ExternRef(None) | V::FuncRef(None) | V::ExnRef(None) => {
                (Token::Null, vec![])
            }
            V::AnyRef(Some(r)) => {
                if let Some(i) = r.as_i31(&*store).map_err(err)? {
                    (Token::I31(i.get_u32()), vec![])
                } else if let Some(s) = r.as_struct(&*store).map_err(err)? {
                    let n = s.ty(&*store).map_err(err)?.fields().len();
                    let mut values = Vec::new();
                    if children {
                        for i in 0..n.min(MAX_CHILDREN) {
                            values.push(s.field(&mut *store, i).map_err(err)?);
                        }
                    }
                    (Token::Struct(n), values)
                } else if let Some(a) = r.as_array(&*store).map_err(err)? {
                    let len = a.len(&*store).map_err(err)?;
                    let mut values = Vec::new();
                    if children {
                        for i in 0..len.min(MAX_CHILDREN as u32) {
                            values.push(a.get(&mut *store, i).map_err(err)?);
                        }
                    }
                    (Token::Array(len), values)
                } else {
                    (Token::NonNull, vec![])
                }
            }
            _ => (Token::NonNull, vec![]),
        })
    })
}

/// The wasmc bits of the `i31ref` holding `v` (its low 31 bits).
pub fn wasmc_i31(v: u32) -> usize {
    (((v & 0x7fff_ffff) as usize) << 1) | I31_TAG as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cyclic_and_wide_values_are_cut() {
        // A "graph" where every value has 40 children: depth and width limits apply.
        let tokens = describe(0u32, |d, children| {
            let kids = if children { vec![d + 1; 40] } else { vec![] };
            Ok((Token::Array(40), kids))
        })
        .unwrap();
        assert!(tokens.len() <= MAX_TOKENS + 1);
        assert_eq!(tokens.last(), Some(&Token::Cut));
        let shallow = describe(0u32, |_, children| {
            Ok((Token::Struct(2), if children { vec![0, 0] } else { vec![] }))
        })
        .unwrap();
        // 1 + 2 + 4 + 8 + 16 objects down to MAX_DEPTH.
        assert_eq!(shallow.len(), (1 << (MAX_DEPTH + 1)) - 1);
    }

    #[test]
    fn i31_bits_round_trip() {
        for v in [0u32, 1, 0x3fff_ffff, 0x7fff_ffff] {
            assert_eq!(wasmc_abi::layout::i31_value(wasmc_i31(v)), v);
        }
    }
}
