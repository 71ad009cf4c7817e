//! Object layout: the single definition of what compiled code and the collector agree on
//! (DESIGN.md "References and objects", STYLE.md guide rule 1). Nothing here may be written
//! down a second time elsewhere; the compiler imports these constants to emit inline code.

use core::mem::offset_of;

/// The runtime type (RTT) of a defined type: one per canonical type in the process, immortal.
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

/// Allocates an immortal RTT whose display is `supers` (the supertype's display, outermost
/// first) followed by the new RTT itself.
pub fn new_rtt(
    kind: RttKind,
    canonical_id: u32,
    is_final: bool,
    supers: &[*const Rtt],
) -> *const Rtt {
    let depth = supers.len();
    let words = core::mem::size_of::<Rtt>() / 8 + depth + 1;
    // An RTT lives as long as the process: leaking is the point (types are never freed,
    // compiled code and objects refer to them by address).
    let mem: &'static mut [u64] = Box::leak(vec![0u64; words].into_boxed_slice());
    let p = mem.as_mut_ptr() as *mut Rtt;
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
}
