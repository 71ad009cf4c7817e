//! Object layout: the single definition of what compiled code and the collector agree on
//! (DESIGN.md "References and objects", STYLE.md guide rule 1). Nothing here may be written
//! down a second time elsewhere; the compiler imports these constants to emit inline code.

use core::mem::offset_of;

/// The runtime type (RTT) of a defined type: one per live canonical type in the process
/// (the runtime's type registry frees it with [`free_rtt`] when no store uses the type).
///
/// Followed in memory by the supertype display: `depth + 1` pointers, where entry `i` is the
/// RTT of the ancestor at depth `i` and entry `depth` is this RTT itself. A test against a
/// type `t` of depth `d` is therefore `rtt.depth >= d && rtt.display[d] == rtt_t`: one bounds
/// check, one load and one compare, with no call.
#[repr(C)]
pub struct Rtt {
    /// [`RttKind`] as a `u32`.
    pub kind: u32,
    /// Number of proper supertypes (0 for a type without a declared supertype).
    pub depth: u32,
    /// The process-wide canonical type id.
    pub canonical_id: u32,
    /// 1 if the type is final (no subtypes can exist).
    pub is_final: u32,
    /// Layout facts for the collector (struct or array layout; null for functions).
    pub layout: *const core::ffi::c_void,
}

/// Kinds of defined types.
#[repr(u32)]
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum RttKind {
    /// A function type.
    Func = 0,
    /// A struct type.
    Struct = 1,
    /// An array type.
    Array = 2,
    /// A host value boxed for `externref` (outside the GC heap, immortal).
    Host = 3,
    /// An exception (`exnref`) of one tag: laid out by [`exception_layout`].
    Exn = 4,
}

/// Offsets of [`Rtt`] fields, in bytes.
pub mod rtt {
    use super::*;
    /// Offset of [`Rtt::kind`].
    pub const KIND: i32 = offset_of!(Rtt, kind) as i32;
    /// Offset of [`Rtt::depth`].
    pub const DEPTH: i32 = offset_of!(Rtt, depth) as i32;
    /// Offset of the first supertype display entry.
    pub const DISPLAY: i32 = core::mem::size_of::<Rtt>() as i32;
    /// Offset of display entry `depth`.
    pub const fn display_entry(depth: u32) -> i32 {
        DISPLAY + 8 * depth as i32
    }
}

/// Allocates an RTT whose display is `supers` (the supertype's display, outermost first)
/// followed by the new RTT itself. It lives until [`free_rtt`] (never, for RTTs that are
/// shared by the whole process).
pub fn new_rtt(
    kind: RttKind,
    canonical_id: u32,
    is_final: bool,
    supers: &[*const Rtt],
) -> *const Rtt {
    let depth = supers.len();
    let words = core::mem::size_of::<Rtt>() / 8 + depth + 1;
    // Compiled code and objects refer to an RTT by address, so it is leaked here and
    // reclaimed only by `free_rtt`, once its owner knows nothing refers to it any more.
    let mem: &'static mut [u64] = Box::leak(vec![0u64; words].into_boxed_slice());
    let p = mem.as_mut_ptr() as *mut Rtt;
    KNOWN_RTTS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get_or_insert_with(Default::default)
        .insert(p as usize);
    // SAFETY: `mem` is 8-byte aligned and large enough for the header and the display.
    unsafe {
        p.write(Rtt {
            kind: kind as u32,
            depth: depth as u32,
            canonical_id,
            is_final: is_final as u32,
            layout: core::ptr::null(),
        });
        let display = (p as *mut u8).add(rtt::DISPLAY as usize) as *mut *const Rtt;
        for (i, s) in supers.iter().enumerate() {
            display.add(i).write(*s);
        }
        display.add(depth).write(p);
    }
    p
}

/// Frees an RTT made by [`new_rtt`] and its layout (from [`set_layout`]), if any.
///
/// # Safety
/// `r` must come from [`new_rtt`], not be freed yet, and nothing may use it afterwards: no
/// live object has it in its header, no instance's RTT table and no other RTT's display
/// holds it.
pub unsafe fn free_rtt(r: *const Rtt) {
    KNOWN_RTTS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get_or_insert_with(Default::default)
        .remove(&(r as usize));
    // SAFETY: per the contract, `r` is a live RTT of `new_rtt`: its display has `depth + 1`
    // entries after the header, in the boxed slice `new_rtt` leaked; its layout, if set,
    // is the box `set_layout` leaked.
    unsafe {
        let layout = (*r).layout as *mut ObjectLayout;
        if !layout.is_null() {
            drop(Box::from_raw(layout));
        }
        let words = core::mem::size_of::<Rtt>() / 8 + (*r).depth as usize + 1;
        drop(Box::from_raw(core::ptr::slice_from_raw_parts_mut(r as *mut u64, words)));
    }
}

static KNOWN_RTTS: std::sync::Mutex<Option<std::collections::HashSet<usize>>> =
    std::sync::Mutex::new(None);

/// Whether `r` is an RTT made by [`new_rtt`] (heap verification).
pub fn is_known_rtt(r: *const Rtt) -> bool {
    KNOWN_RTTS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .as_ref()
        .is_some_and(|s| s.contains(&(r as usize)))
}

/// The display entry at `depth`, or null past the RTT's own depth.
///
/// # Safety
/// `r` must come from [`new_rtt`].
pub unsafe fn display(r: *const Rtt, depth: u32) -> *const Rtt {
    // SAFETY: entries 0..=depth exist (see `new_rtt`).
    unsafe {
        if depth > (*r).depth {
            return core::ptr::null();
        }
        *((r as *const u8).add(rtt::display_entry(depth) as usize) as *const *const Rtt)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_holds_ancestors() {
        let a = new_rtt(RttKind::Struct, 0, false, &[]);
        let b = new_rtt(RttKind::Struct, 1, true, &[a]);
        // SAFETY: both come from new_rtt.
        unsafe {
            assert_eq!((*b).depth, 1);
            assert_eq!(display(b, 0), a);
            assert_eq!(display(b, 1), b);
            assert!(display(b, 2).is_null());
            assert_eq!(display(a, 0), a);
        }
        assert_eq!(rtt::DISPLAY, 24);
        assert_eq!(rtt::display_entry(2), 40);
    }

    #[test]
    fn freed_rtts_are_no_longer_known() {
        let a = new_rtt(RttKind::Struct, 0, false, &[]);
        let b = new_rtt(RttKind::Struct, 1, true, &[a]);
        // SAFETY: fresh RTTs, not shared.
        unsafe { set_layout(b, struct_layout(&[FieldRepr { size: 8, gc_ref: true }])) };
        assert!(is_known_rtt(a) && is_known_rtt(b));
        // SAFETY: nothing else uses them (`b` first: its display names `a`).
        unsafe {
            free_rtt(b);
            free_rtt(a);
        }
        assert!(!is_known_rtt(b) && !is_known_rtt(a));
    }
}

// ---------------------------------------------------------------------------------------
// Objects.

/// Bytes of the header every GC object starts with: one word holding its `*const Rtt`, or,
/// while a collection runs, the forwarding pointer `new_address | FORWARDED`.
pub const HEADER_SIZE: u32 = 8;
/// Offset of the header word.
pub const HEADER_OFFSET: i32 = 0;
/// Tag bit set in a header word that holds a forwarding pointer (RTTs are 8-aligned).
pub const FORWARDED: usize = 1;
/// Offset of an array's length (`u32`, elements).
pub const ARRAY_LENGTH_OFFSET: i32 = 8;
/// Offset of an array's first element (elements are packed at their natural size).
pub const ARRAY_DATA_OFFSET: u32 = 16;
/// Alignment and size granule of every object, in bytes.
pub const OBJECT_ALIGN: u32 = 8;
/// Tag bit of an `i31ref`: the value `v` is represented as `(v << 1) | I31_TAG`.
pub const I31_TAG: i64 = 1;

/// The 31-bit value (zero-extended, as `i31.get_u`) of the `i31ref` `r`.
pub const fn i31_value(r: usize) -> u32 {
    ((r >> 1) & 0x7fff_ffff) as u32
}
/// Arrays whose size in bytes exceeds this go to the non-moving large-object space.
pub const LARGE_OBJECT_THRESHOLD: u32 = 64 * 1024;

/// How a struct field or array element is stored, as far as layout and tracing care.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct FieldRepr {
    /// Size in bytes: 1, 2, 4 or 8 (also its alignment).
    pub size: u8,
    /// Whether it holds a reference the collector must trace and update.
    pub gc_ref: bool,
}

/// The layout of a struct or array type, computed once per RTT and shared by the compiler
/// (field offsets for inline loads and stores) and the collector (tracing).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjectLayout {
    /// Struct or array.
    pub kind: RttKind,
    /// Struct: object size in bytes (header included, rounded to [`OBJECT_ALIGN`]).
    /// Array: element size in bytes.
    pub size: u32,
    /// Struct: offset of each field, in declaration order.
    pub field_offsets: Vec<u32>,
    /// Struct: offsets of the fields holding GC references.
    pub ref_offsets: Vec<u32>,
    /// Array: whether elements are GC references.
    pub elem_is_ref: bool,
}

fn align_to(n: u32, a: u32) -> u32 {
    n.div_ceil(a) * a
}

/// Lays out a struct: fields in declaration order, each at its natural alignment, after the
/// header. Declaration order keeps a subtype's fields at the offsets of its supertype's
/// (subtypes extend the field list), so a cast never changes offsets.
pub fn struct_layout(fields: &[FieldRepr]) -> ObjectLayout {
    let mut offset = HEADER_SIZE;
    let mut field_offsets = Vec::with_capacity(fields.len());
    let mut ref_offsets = Vec::new();
    for f in fields {
        offset = align_to(offset, f.size as u32);
        field_offsets.push(offset);
        if f.gc_ref {
            ref_offsets.push(offset);
        }
        offset += f.size as u32;
    }
    ObjectLayout {
        kind: RttKind::Struct,
        size: align_to(offset, OBJECT_ALIGN),
        field_offsets,
        ref_offsets,
        elem_is_ref: false,
    }
}

/// Offset of an exception object's tag: the address of the runtime's tag definition, whose
/// identity is the tag's (Wasm exception handling, spec §4.5.3.8 "Tag instances").
pub const EXN_TAG_OFFSET: u32 = HEADER_SIZE;

/// Lays out an exception object of a tag whose parameters are `payload`: the header, the
/// tag (a non-reference word at [`EXN_TAG_OFFSET`]), then the payload as struct fields. The
/// collector traces it like a struct.
pub fn exception_layout(payload: &[FieldRepr]) -> ObjectLayout {
    let mut fields = Vec::with_capacity(payload.len() + 1);
    fields.push(FieldRepr { size: 8, gc_ref: false });
    fields.extend_from_slice(payload);
    let layout = struct_layout(&fields);
    debug_assert_eq!(layout.field_offsets[0], EXN_TAG_OFFSET);
    layout
}

/// Lays out an array of `elem`.
pub fn array_layout(elem: FieldRepr) -> ObjectLayout {
    ObjectLayout {
        kind: RttKind::Array,
        size: elem.size as u32,
        field_offsets: Vec::new(),
        ref_offsets: Vec::new(),
        elem_is_ref: elem.gc_ref,
    }
}

/// Bytes of an array object of `len` elements of `elem_size` bytes, or `None` if that does
/// not fit in a `u32`.
pub fn array_size(elem_size: u32, len: u32) -> Option<u32> {
    let data = (elem_size as u64).checked_mul(len as u64)?;
    let total = ARRAY_DATA_OFFSET as u64 + data;
    let total = total.div_ceil(OBJECT_ALIGN as u64) * OBJECT_ALIGN as u64;
    u32::try_from(total).ok()
}

/// The layout of the objects of RTT `r`, if it describes objects.
///
/// # Safety
/// `r` must come from [`new_rtt`] (its layout pointer, if any, from [`set_layout`]).
pub unsafe fn layout_of<'a>(r: *const Rtt) -> Option<&'a ObjectLayout> {
    // SAFETY: see the function's contract; a layout lives as long as its RTT.
    unsafe { ((*r).layout as *const ObjectLayout).as_ref() }
}

/// Attaches an object layout to a new RTT (freed with it by [`free_rtt`]).
///
/// # Safety
/// `r` must come from [`new_rtt`] and not be in use by another thread yet.
pub unsafe fn set_layout(r: *const Rtt, layout: ObjectLayout) {
    let l: &'static ObjectLayout = Box::leak(Box::new(layout));
    // SAFETY: the RTT was just created and is not shared yet.
    unsafe { (*(r as *mut Rtt)).layout = (l as *const ObjectLayout).cast() };
}

#[cfg(test)]
mod object_tests {
    use super::*;

    const I8: FieldRepr = FieldRepr { size: 1, gc_ref: false };
    const I64: FieldRepr = FieldRepr { size: 8, gc_ref: false };
    const REF: FieldRepr = FieldRepr { size: 8, gc_ref: true };

    #[test]
    fn struct_fields_are_naturally_aligned_after_the_header() {
        let l = struct_layout(&[I8, REF, I8, I64]);
        assert_eq!(l.field_offsets, vec![8, 16, 24, 32]);
        assert_eq!(l.ref_offsets, vec![16]);
        assert_eq!(l.size, 40);
        // A subtype's layout extends its supertype's.
        let sub = struct_layout(&[I8, REF, I8, I64, I8]);
        assert_eq!(&sub.field_offsets[..4], &l.field_offsets[..]);
        assert_eq!(struct_layout(&[]).size, HEADER_SIZE);
    }

    #[test]
    fn i31_values_round_trip() {
        for v in [0u32, 1, 0x3fff_ffff, 0x7fff_ffff] {
            let r = (((v as i64) << 1) | I31_TAG) as usize;
            assert_eq!(i31_value(r), v);
        }
    }

    #[test]
    fn array_sizes() {
        assert_eq!(array_size(1, 3), Some(24));
        assert_eq!(array_size(8, 0), Some(16));
        assert_eq!(array_size(8, u32::MAX), None);
        assert!(array_layout(REF).elem_is_ref);
    }
}
