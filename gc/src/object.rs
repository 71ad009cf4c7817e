//! How the collector reads objects: sizes, reference fields, copying. Everything it reads
//! comes from `wasmc_abi::layout` (the header's RTT and the RTT's [`ObjectLayout`]).
//!
//! [`ObjectLayout`]: crate::layout::ObjectLayout

use crate::layout::{ARRAY_DATA_OFFSET, ARRAY_LENGTH_OFFSET, Rtt, RttKind, array_size, layout_of};

/// Bytes of the object at `p` (whose header holds its RTT, not a forwarding pointer).
///
/// # Safety
/// `p` must point to a live object.
pub unsafe fn object_size(p: usize) -> usize {
    // SAFETY: the header of a live object holds its RTT, whose layout describes it.
    unsafe {
        let rtt = *(p as *const *const Rtt);
        let layout = layout_of(rtt).expect("objects have layouts");
        match layout.kind {
            RttKind::Array => {
                let len = *((p + ARRAY_LENGTH_OFFSET as usize) as *const u32);
                array_size(layout.size, len).expect("allocated arrays fit") as usize
            }
            _ => layout.size as usize,
        }
    }
}

/// Calls `f` with the address of every reference field of the object at `p`.
///
/// # Safety
/// `p` must point to a live object.
pub(crate) unsafe fn for_each_field(p: usize, mut f: impl FnMut(*mut usize)) {
    // SAFETY: as in `object_size`.
    unsafe {
        let rtt = *(p as *const *const Rtt);
        let layout = layout_of(rtt).expect("objects have layouts");
        match layout.kind {
            RttKind::Array if layout.elem_is_ref => {
                let len = *((p + ARRAY_LENGTH_OFFSET as usize) as *const u32) as usize;
                for i in 0..len {
                    f((p + ARRAY_DATA_OFFSET as usize + 8 * i) as *mut usize);
                }
            }
            RttKind::Struct | RttKind::Exn => {
                for off in &layout.ref_offsets {
                    f((p + *off as usize) as *mut usize);
                }
            }
            _ => {}
        }
    }
}

/// Copies `n` words with a fixed-size copy, which the compiler lowers to register moves.
///
/// # Safety
/// As [`copy_object`], with `size == 8 * N`.
#[inline(always)]
unsafe fn copy_words<const N: usize>(src: usize, dst: usize) {
    // SAFETY: see the function's contract; objects are 8-aligned.
    unsafe { (dst as *mut [u64; N]).write((src as *const [u64; N]).read()) }
}

/// Copies the object of `size` bytes at `src` to `dst`. Objects up to 128 bytes (nearly all
/// of them: a cons cell or a boxed value is 16–32 bytes) are copied inline by word moves;
/// only larger ones go through `memcpy` (issue 12: a libc call per object was 19% of a
/// Kotlin run).
///
/// # Safety
/// `src` and `dst` are 8-aligned, `size` is a multiple of 8 and at least 8, and the two
/// ranges of `size` bytes are valid and do not overlap.
#[inline]
pub(crate) unsafe fn copy_object(src: usize, dst: usize, size: usize) {
    // SAFETY: see the function's contract.
    unsafe {
        match size / 8 {
            1 => copy_words::<1>(src, dst),
            2 => copy_words::<2>(src, dst),
            3 => copy_words::<3>(src, dst),
            4 => copy_words::<4>(src, dst),
            5 => copy_words::<5>(src, dst),
            6 => copy_words::<6>(src, dst),
            7 => copy_words::<7>(src, dst),
            8 => copy_words::<8>(src, dst),
            9..=16 => {
                copy_words::<8>(src, dst);
                // The last 8 words, overlapping the first copy when under 16: still exact.
                copy_words::<8>(src + size - 64, dst + size - 64);
            }
            _ => core::ptr::copy_nonoverlapping(src as *const u8, dst as *mut u8, size),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_small_size_is_copied_exactly() {
        for words in 1..=40usize {
            let src: Vec<u64> = (0..words as u64).map(|i| i * 0x0101 + 7).collect();
            let mut dst = vec![0u64; words + 2];
            // SAFETY: both buffers are 8-aligned and large enough; they do not overlap.
            unsafe { copy_object(src.as_ptr() as usize, dst.as_mut_ptr() as usize, words * 8) };
            assert_eq!(&dst[..words], &src[..], "{words} words");
            assert_eq!(&dst[words..], &[0, 0], "{words} words: nothing past the object");
        }
    }
}
