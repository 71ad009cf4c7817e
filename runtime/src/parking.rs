//! `memory.atomic.wait32`/`wait64` and `memory.atomic.notify` (threads proposal, "Wait and
//! Notify Operators"): a parking lot keyed by address, the one place where Wasm threads
//! block on each other (DESIGN.md "Threads (next)": a deterministic scheduler will sit
//! behind this module).
//!
//! The key is the cell's native address. A shared memory never moves and every store that
//! imports it maps the same bytes at the same address, so the native address names the
//! cell for every thread, as a futex address does. The queues are `parking_lot_core`'s
//! process-wide table, shared with the locks of the `parking_lot` crate, whose keys are the
//! addresses of those locks: they never lie in a Wasm memory, so the keys never clash.
//!
//! A wait compares the cell with the expected value while holding its queue's lock
//! (`park`'s `validate`), and a notify takes the same lock to wake, so a notify that follows
//! a store the waiter missed cannot be lost. Waiters are woken oldest first.

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use parking_lot_core::{DEFAULT_PARK_TOKEN, DEFAULT_UNPARK_TOKEN, FilterOp, ParkResult};

/// What a wait returns to Wasm (the `i32` result of `memory.atomic.wait32/64`).
#[repr(i32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WaitResult {
    /// Woken by a notify ("ok").
    Ok = 0,
    /// The cell did not hold the expected value ("not-equal"); the thread did not block.
    NotEqual = 1,
    /// The timeout passed before a notify ("timed-out").
    TimedOut = 2,
}

/// Blocks until a notify of `addr`, unless `*addr != expected` (checked atomically with
/// enqueueing), or until `timeout` passes (`None`: no timeout; a wait with no timeout and
/// no other thread to notify blocks forever, as the spec says).
///
/// # Safety
/// `addr` must be valid for atomic 4-byte reads, 4-aligned, for the whole call.
pub unsafe fn wait32(addr: *const u32, expected: u32, timeout: Option<Duration>) -> WaitResult {
    // SAFETY: the caller guarantees `addr` is valid and aligned for the call.
    let cell = unsafe { AtomicU32::from_ptr(addr.cast_mut()) };
    park(addr as usize, || cell.load(Ordering::SeqCst) == expected, timeout)
}

/// As [`wait32`] for an 8-byte cell.
///
/// # Safety
/// `addr` must be valid for atomic 8-byte reads, 8-aligned, for the whole call.
pub unsafe fn wait64(addr: *const u64, expected: u64, timeout: Option<Duration>) -> WaitResult {
    // SAFETY: the caller guarantees `addr` is valid and aligned for the call.
    let cell = unsafe { AtomicU64::from_ptr(addr.cast_mut()) };
    park(addr as usize, || cell.load(Ordering::SeqCst) == expected, timeout)
}

fn park(key: usize, validate: impl FnOnce() -> bool, timeout: Option<Duration>) -> WaitResult {
    // A timeout too far in the future to represent is no timeout.
    let deadline = timeout.and_then(|t| Instant::now().checked_add(t));
    // SAFETY: `validate` only loads the cell, and the other callbacks do nothing: none of
    // them panics or calls into the parking lot.
    let r = unsafe {
        parking_lot_core::park(key, validate, || {}, |_, _| {}, DEFAULT_PARK_TOKEN, deadline)
    };
    match r {
        ParkResult::Unparked(_) => WaitResult::Ok,
        ParkResult::Invalid => WaitResult::NotEqual,
        ParkResult::TimedOut => WaitResult::TimedOut,
    }
}

/// Wakes at most `count` threads waiting on `addr`, oldest first; returns how many it woke.
pub fn notify(addr: usize, count: u32) -> u32 {
    if count == 0 {
        return 0;
    }
    let mut left = count;
    // SAFETY: the callbacks neither panic nor call into the parking lot.
    let r = unsafe {
        parking_lot_core::unpark_filter(
            addr,
            |_| {
                if left == 0 {
                    return FilterOp::Stop;
                }
                left -= 1;
                FilterOp::Unpark
            },
            |_| DEFAULT_UNPARK_TOKEN,
        )
    };
    r.unparked_threads as u32
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    /// Notifies `addr` until `n` waiters in all were woken, checking that no notify wakes
    /// more than it was asked to (waiters may not have parked yet when a notify runs).
    fn wake_exactly(addr: usize, n: u32) {
        let mut woken = 0;
        while woken < n {
            let w = notify(addr, n - woken);
            assert!(w <= n - woken, "woke {w} of {} asked", n - woken);
            woken += w;
            std::thread::yield_now();
        }
    }

    #[test]
    fn not_equal_returns_at_once() {
        let cell = AtomicU32::new(5);
        // SAFETY: the cell outlives the call.
        let r = unsafe { wait32(cell.as_ptr(), 6, None) };
        assert_eq!(r, WaitResult::NotEqual);
        let wide = AtomicU64::new(1 << 40);
        // SAFETY: as above.
        let r = unsafe { wait64(wide.as_ptr(), 1, None) };
        assert_eq!(r, WaitResult::NotEqual);
    }

    #[test]
    fn times_out() {
        let cell = AtomicU32::new(0);
        // SAFETY: the cell outlives the call.
        assert_eq!(unsafe { wait32(cell.as_ptr(), 0, Some(Duration::ZERO)) }, WaitResult::TimedOut);
        let start = Instant::now();
        let wide = AtomicU64::new(0);
        // SAFETY: as above.
        let r = unsafe { wait64(wide.as_ptr(), 0, Some(Duration::from_millis(20))) };
        assert_eq!(r, WaitResult::TimedOut);
        assert!(start.elapsed() >= Duration::from_millis(20));
    }

    #[test]
    fn notify_without_waiters_wakes_none() {
        let cell = AtomicU32::new(0);
        assert_eq!(notify(cell.as_ptr() as usize, 10), 0);
    }

    #[test]
    fn notify_wakes_a_waiter_on_another_thread() {
        let cell = AtomicU32::new(0);
        let addr = cell.as_ptr() as usize;
        std::thread::scope(|s| {
            // SAFETY: the cell outlives the scope.
            let waiter = s.spawn(|| unsafe { wait32(cell.as_ptr(), 0, None) });
            let mut woken = 0;
            while woken == 0 {
                woken = notify(addr, 1);
                std::thread::yield_now();
            }
            assert_eq!(woken, 1);
            assert_eq!(waiter.join().expect("waiter"), WaitResult::Ok);
        });
    }

    #[test]
    fn notify_counts_and_wakes_at_most_count() {
        let cell = AtomicU64::new(7);
        let addr = cell.as_ptr() as usize;
        let other = AtomicU64::new(7);
        let done = AtomicUsize::new(0);
        std::thread::scope(|s| {
            let waiters: Vec<_> = (0..3)
                .map(|_| {
                    s.spawn(|| {
                        // SAFETY: the cell outlives the scope.
                        let r = unsafe { wait64(cell.as_ptr(), 7, None) };
                        done.fetch_add(1, Ordering::SeqCst);
                        r
                    })
                })
                .collect();
            // A notify of another address wakes none of them.
            assert_eq!(notify(other.as_ptr() as usize, 3), 0);
            wake_exactly(addr, 2);
            // Two were woken; the third still waits until the next notify.
            std::thread::sleep(Duration::from_millis(20));
            assert!(done.load(Ordering::SeqCst) <= 2);
            wake_exactly(addr, 1);
            for w in waiters {
                assert_eq!(w.join().expect("waiter"), WaitResult::Ok);
            }
        });
    }
}
