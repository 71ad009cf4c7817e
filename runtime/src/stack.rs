//! Walking the Wasm frames on this thread's stack, apart from any store or instance: which
//! segments of frames belong to a store, the frame records of a segment, the stack slots
//! its stack maps name (GC roots) and the landing pad an exception resumes at.
//!
//! Every entry from the host into Wasm is an *activation* ([`ActivationInfo`]): Wasm frames
//! from the entry trampoline's frame (`entry_fp`) down to the frame through which Wasm last
//! called out of that activation (an adapter's frame: the store's exit frame). Activations
//! nest thread-wide, and consecutive ones may belong to different stores (store A → host →
//! store B → host → A), so each records the store it entered and the store's exit frame
//! when it began: the exit frame of the store's next outer activation.
//!
//! The functions here take the frame chain and the code facts (stack maps, landing pads)
//! as arguments, so they can be tested on a mock stack.

/// One call from the host into Wasm in progress on this thread, as the stack walk sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ActivationInfo {
    /// Identity of the store it entered (the address of its `StoreInner`).
    pub store: usize,
    /// Frame pointer of the entry trampoline: the segment's walk stops there.
    pub entry_fp: usize,
    /// The store's exit frame pointer when the activation began (0 if none): where the
    /// segment of the store's next outer activation starts.
    pub saved_exit_fp: usize,
    /// The stack limit the activation runs with (the lowest address Wasm may use).
    pub stack_limit: usize,
}

/// The segments of Wasm frames that belong to `store`, innermost first, as
/// `(innermost frame pointer, entry frame pointer)`. `exit_fp` is the store's current exit
/// frame (where its innermost segment starts); `activations` are this thread's,
/// innermost first. Activations of other stores are skipped: their frames hold no
/// references into this store's heap.
pub fn store_segments(
    store: usize,
    exit_fp: usize,
    activations: impl IntoIterator<Item = ActivationInfo>,
) -> Vec<(usize, usize)> {
    let mut start = exit_fp;
    let mut out = Vec::new();
    for act in activations.into_iter().filter(|a| a.store == store) {
        out.push((start, act.entry_fp));
        start = act.saved_exit_fp;
    }
    out
}

/// The frame records `(caller's frame pointer, return address)` of the frame at `fp` and of
/// its callers, up to (not including) the frame at `entry_fp`. Frames grow down, so every
/// caller's frame is at a higher address; the walk also stops at a record that does not
/// go up.
///
/// # Safety
/// `fp` must be 0 or a frame pointer whose chain of saved frame pointers reaches `entry_fp`
/// through frames that each keep a record [saved fp, return address] (every compiled
/// function and adapter preserves frame pointers), and the frames must stay in place while
/// the iterator is used.
pub unsafe fn frame_records(fp: usize, entry_fp: usize) -> impl Iterator<Item = (usize, usize)> {
    let mut fp = fp;
    core::iter::from_fn(move || {
        if fp == 0 || fp >= entry_fp || !fp.is_multiple_of(8) {
            return None;
        }
        // SAFETY: see the function's contract: `fp` is a frame of the chain.
        let record = unsafe { (*(fp as *const usize), *((fp + 8) as *const usize)) };
        fp = if record.0 > fp { record.0 } else { 0 };
        Some(record)
    })
}

/// Where the stack maps of compiled code are found (the code registry; a mock in tests).
pub trait StackMaps {
    /// Calls `f` with the frame span and the slot offsets of the stack map whose return
    /// address is `ret`; returns whether there is one.
    fn with_stack_map(&self, ret: usize, f: &mut dyn FnMut(u32, &[u32])) -> bool;
}

/// Visits every stack slot holding a live GC reference in the frames of `segments` (see
/// [`store_segments`]): for each frame record, the slots the stack map of its return
/// address names, at `caller's fp - span + offset`.
///
/// # Safety
/// Each segment must satisfy [`frame_records`]'s contract.
pub unsafe fn visit_stack_slots(
    segments: &[(usize, usize)],
    maps: &dyn StackMaps,
    visit: &mut dyn FnMut(*mut usize),
) {
    for &(start, entry) in segments {
        // SAFETY: see the function's contract.
        for (caller_fp, ret) in unsafe { frame_records(start, entry) } {
            maps.with_stack_map(ret, &mut |span, slots| {
                let sp = caller_fp - span as usize;
                for off in slots {
                    visit((sp + *off as usize) as *mut usize);
                }
            });
        }
    }
}

/// The innermost landing pad between the frame at `exit_fp` and the entry frame
/// `entry_fp`, as `(pad address, stack pointer, frame pointer)` to resume with.
/// `landing_pad` maps a return address to its `(pad address, frame offset)`.
///
/// # Safety
/// As [`frame_records`].
pub unsafe fn find_landing_pad(
    exit_fp: usize,
    entry_fp: usize,
    landing_pad: impl Fn(usize) -> Option<(usize, u32)>,
) -> Option<(usize, usize, usize)> {
    // SAFETY: see the function's contract.
    unsafe { frame_records(exit_fp, entry_fp) }.find_map(|(caller_fp, ret)| {
        let (pad, frame_offset) = landing_pad(ret)?;
        Some((pad, caller_fp - frame_offset as usize, caller_fp))
    })
}

/// The lowest address of this thread's stack (its guard page is below it), if the thread
/// library can say: pthread's attributes of the current thread (for the main thread glibc
/// derives them from the stack rlimit). Computed once per thread.
pub fn thread_stack_floor() -> Option<usize> {
    thread_local! {
        static FLOOR: Option<usize> = query_stack_floor();
    }
    FLOOR.with(|f| *f)
}

fn query_stack_floor() -> Option<usize> {
    let mut attr = std::mem::MaybeUninit::<libc::pthread_attr_t>::uninit();
    // SAFETY: `attr` is written by pthread_getattr_np before it is read, and destroyed once.
    unsafe {
        if libc::pthread_getattr_np(libc::pthread_self(), attr.as_mut_ptr()) != 0 {
            return None;
        }
        let mut addr = std::ptr::null_mut();
        let mut size = 0usize;
        let ok = libc::pthread_attr_getstack(attr.as_ptr(), &mut addr, &mut size) == 0;
        libc::pthread_attr_destroy(attr.as_mut_ptr());
        ok.then_some(addr as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    /// A mock stack: `words` is stack memory; frames are built from the top (high
    /// addresses) down, each a record [saved fp, return address] plus `size` words.
    struct MockStack {
        words: Vec<usize>,
        /// Index of the next free word from the top.
        top: usize,
    }

    impl MockStack {
        fn new() -> MockStack {
            MockStack { words: vec![0; 1024], top: 1024 }
        }

        fn addr(&self, i: usize) -> usize {
            &self.words[i] as *const usize as usize
        }

        /// Pushes a frame of `size` local words whose record says it returns to `ret` in a
        /// caller with frame pointer `caller_fp`; returns its frame pointer.
        fn push_frame(&mut self, caller_fp: usize, ret: usize, size: usize) -> usize {
            self.top -= 2;
            self.words[self.top] = caller_fp;
            self.words[self.top + 1] = ret;
            let fp = self.addr(self.top);
            self.top -= size;
            fp
        }
    }

    struct MockMaps(HashMap<usize, (u32, Vec<u32>)>);

    impl StackMaps for MockMaps {
        fn with_stack_map(&self, ret: usize, f: &mut dyn FnMut(u32, &[u32])) -> bool {
            self.0.get(&ret).map(|(span, slots)| f(*span, slots)).is_some()
        }
    }

    fn act(store: usize, entry_fp: usize, saved_exit_fp: usize) -> ActivationInfo {
        ActivationInfo { store, entry_fp, saved_exit_fp, stack_limit: 0 }
    }

    /// Store A → host → store B → host → A: A's segments pair A's exit frames with A's
    /// entry frames; B's segment is skipped.
    #[test]
    fn segments_of_interleaved_stores() {
        const A: usize = 0xa000;
        const B: usize = 0xb000;
        // Innermost first: A (entered from B's host call), B, A (outermost).
        let acts = [act(A, 300, 250), act(B, 200, 0), act(A, 100, 0)];
        assert_eq!(store_segments(A, 280, acts), vec![(280, 300), (250, 100)]);
        assert_eq!(store_segments(B, 180, acts), vec![(180, 200)]);
        assert_eq!(store_segments(0xc000, 5, acts), vec![]);
    }

    /// The walk visits exactly the slots the stack maps name, in every frame of every
    /// segment, and not the frames beyond a segment's entry frame.
    #[test]
    fn visits_stack_map_slots_of_each_frame() {
        let mut s = MockStack::new();
        // Outer segment: entry frame, one Wasm frame (ret 0x10 into it), exit adapter.
        let entry1 = s.push_frame(0, 0x999, 4);
        let wasm1 = s.push_frame(entry1, 0x1, 6);
        let exit1 = s.push_frame(wasm1, 0x10, 2);
        // Host frames of another store's activation would sit here; then the inner
        // segment of the same store.
        let entry2 = s.push_frame(exit1, 0x2, 4);
        let wasm2 = s.push_frame(entry2, 0x3, 6);
        let exit2 = s.push_frame(wasm2, 0x20, 2);
        // Frame at wasm1: sp at the call = wasm1 - 6 words; slots 0 and 8 bytes above sp.
        let mut maps = HashMap::new();
        maps.insert(0x10, (48u32, vec![0u32, 8]));
        maps.insert(0x20, (48u32, vec![16u32]));
        // A return address into the entry frame must never be looked at.
        maps.insert(0x2, (0u32, vec![0u32]));
        let maps = MockMaps(maps);
        let segments = [(exit2, entry2), (exit1, entry1)];
        let mut seen = Vec::new();
        // SAFETY: the mock stack is a well-formed frame chain that stays in place.
        unsafe { visit_stack_slots(&segments, &maps, &mut |p| seen.push(p as usize)) };
        assert_eq!(seen, vec![wasm2 - 48 + 16, wasm1 - 48, wasm1 - 48 + 8]);
    }

    /// A chain whose saved frame pointer does not go up ends the walk (no loop).
    #[test]
    fn walk_stops_at_a_record_that_does_not_go_up() {
        let mut s = MockStack::new();
        let entry = s.push_frame(0, 0, 2);
        let f1 = s.push_frame(entry, 0x1, 2);
        let f2 = s.push_frame(f1, 0x2, 2);
        // Corrupt f1's saved fp to point down at f2.
        let i = (f1 - s.addr(0)) / 8;
        s.words[i] = f2;
        // SAFETY: a frame chain in `s`, which stays in place.
        let recs: Vec<_> = unsafe { frame_records(f2, entry) }.collect();
        assert_eq!(recs, vec![(f1, 0x2), (f2, 0x1)]);
    }

    /// The unwinder resumes at the innermost frame with a landing pad, with that frame's
    /// frame pointer and its stack pointer at the call; none past the entry frame.
    #[test]
    fn finds_innermost_landing_pad() {
        let mut s = MockStack::new();
        let entry = s.push_frame(0, 0x999, 2);
        let outer = s.push_frame(entry, 0x1, 4);
        let inner = s.push_frame(outer, 0x100, 4);
        let throw = s.push_frame(inner, 0x200, 2);
        let pads = |ret: usize| match ret {
            0x100 => Some((0x1100, 32)),
            0x200 => Some((0x1200, 16)),
            0x1 => Some((0x1001, 0)),
            _ => None,
        };
        // SAFETY: a frame chain in `s`, which stays in place.
        let got = unsafe { find_landing_pad(throw, entry, pads) };
        assert_eq!(got, Some((0x1200, inner - 16, inner)));
        // Without the inner pad, the outer one is found.
        let outer_only = |ret: usize| (ret == 0x100).then_some((0x1100, 32));
        // SAFETY: as above.
        let got = unsafe { find_landing_pad(throw, entry, outer_only) };
        assert_eq!(got, Some((0x1100, outer - 32, outer)));
        // The entry trampoline's own record is beyond the segment.
        let entry_only = |ret: usize| (ret == 0x999).then_some((0x1999, 0));
        // SAFETY: as above.
        assert_eq!(unsafe { find_landing_pad(throw, entry, entry_only) }, None);
    }
}
