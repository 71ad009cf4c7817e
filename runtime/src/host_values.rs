//! Host values boxed as `externref`: a store's boxes live outside the GC heap for the life
//! of the store, so the collector never moves them (it skips addresses outside its
//! spaces). Their header is the process-wide host RTT, so casts and `ref.test` see an
//! ordinary object of kind `Host`.

use wasmc_abi::layout::{Rtt, RttKind, new_rtt};

/// A host value boxed for `externref`. Its header is [`host_rtt`].
#[repr(C)]
pub struct HostBox {
    header: *const Rtt,
    /// The host's value.
    pub value: u64,
}

/// The RTT of every [`HostBox`].
pub fn host_rtt() -> *const Rtt {
    static RTT: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *RTT.get_or_init(|| new_rtt(RttKind::Host, u32::MAX, true, &[]) as usize) as *const Rtt
}

/// One store's host boxes (boxed, so their addresses stay put as the list grows).
#[derive(Default)]
pub struct HostBoxes {
    boxes: Vec<Box<HostBox>>,
}

impl HostBoxes {
    /// The address of the box holding `value`: the same box for the same value.
    pub fn get_or_insert(&mut self, value: u64) -> usize {
        if let Some(b) = self.boxes.iter().find(|b| b.value == value) {
            return &**b as *const HostBox as usize;
        }
        let b = Box::new(HostBox { header: host_rtt(), value });
        let p = &*b as *const HostBox as usize;
        self.boxes.push(b);
        p
    }

    /// The value in the box at address `r`, if `r` is one of these boxes.
    pub fn value_of(&self, r: usize) -> Option<u64> {
        self.boxes.iter().find(|b| &***b as *const HostBox as usize == r).map(|b| b.value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_value_same_box() {
        let mut boxes = HostBoxes::default();
        let a = boxes.get_or_insert(7);
        let b = boxes.get_or_insert(8);
        assert_ne!(a, b);
        assert_eq!(boxes.get_or_insert(7), a);
        assert_eq!(boxes.value_of(b), Some(8));
        assert_eq!(boxes.value_of(b + 8), None);
        // SAFETY: `a` is a live box; its first word is the header.
        assert_eq!(unsafe { *(a as *const *const Rtt) }, host_rtt());
    }
}
