//! Clocks, `poll_oneoff`, and the deterministic mode's virtual time and random stream.

use super::guest::GuestPtr;
use super::host::last_errno;
use super::{Cx, a32, errno, ptr};

/// Deterministic mode (DESIGN.md "Determinism"): every clock reads a virtual time that
/// starts at a fixed instant and advances 1 ms per reading (and by the whole timeout of a
/// `poll_oneoff` clock subscription, which then returns at once); `random_get` returns a
/// fixed xorshift stream. Two runs of a program give the same output.
pub(super) struct Deterministic {
    /// Virtual time in nanoseconds (the same for every clock id).
    now: u64,
    /// xorshift64 state.
    rng: u64,
}

impl Deterministic {
    /// 2020-09-13T12:26:40Z, an arbitrary fixed start.
    const START_NS: u64 = 1_600_000_000 * 1_000_000_000;

    /// The state at the start of a run whose random stream is fixed by `seed` (0 gives
    /// the stream the mode has always had).
    pub(super) fn new(seed: u64) -> Deterministic {
        let rng = 0x2545_f491_4f6c_dd1d ^ seed.wrapping_mul(0x9e37_79b9_7f4a_7c15);
        Deterministic { now: Self::START_NS, rng: if rng == 0 { 1 } else { rng } }
    }

    /// The virtual time, without advancing it.
    pub(super) fn now(&self) -> u64 {
        self.now
    }

    /// Moves the virtual time forward to `t` (never back).
    pub(super) fn advance_to(&mut self, t: u64) {
        self.now = self.now.max(t);
    }

    fn read_clock(&mut self) -> u64 {
        // Saturating: a guest may have moved the clock to the end of time (a timeout of
        // u64::MAX); the clock then stands still rather than going backwards.
        self.now = self.now.saturating_add(1_000_000);
        self.now
    }

    /// Fills `buf` from the xorshift stream.
    pub(super) fn fill(&mut self, buf: &mut [u8]) {
        for b in buf {
            self.rng ^= self.rng << 13;
            self.rng ^= self.rng >> 7;
            self.rng ^= self.rng << 17;
            *b = self.rng as u8;
        }
    }
}

/// The host clock of WASI clock id `id` (`EINVAL` for an unknown id).
fn clock_id(id: u32) -> Result<libc::clockid_t, u32> {
    Ok(match id {
        0 => libc::CLOCK_REALTIME,
        1 => libc::CLOCK_MONOTONIC,
        2 => libc::CLOCK_PROCESS_CPUTIME_ID,
        3 => libc::CLOCK_THREAD_CPUTIME_ID,
        _ => return Err(errno::INVAL),
    })
}

fn now_ns(clock: libc::clockid_t) -> Result<u64, u32> {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: clock_gettime writes the timespec we pass.
    if unsafe { libc::clock_gettime(clock, &mut ts) } != 0 {
        return Err(last_errno());
    }
    Ok(ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64)
}

/// `clock_res_get(id, resolution)`.
pub(super) fn res_get(cx: &Cx<'_>, a: &[u64]) -> Result<(), u32> {
    let id = clock_id(a32(a[0]))?;
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: clock_getres writes the timespec we pass.
    super::host::check(unsafe { libc::clock_getres(id, &mut ts) })?;
    cx.mem.put_u64(ptr(a[1]), ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64)
}

/// `clock_time_get(id, precision, time)`: nanoseconds (virtual in deterministic mode).
pub(super) fn time_get(cx: &Cx<'_>, a: &[u64]) -> Result<(), u32> {
    let clock = clock_id(a32(a[0]))?;
    cx.mem.check(ptr(a[2]), 8)?;
    let t = match cx.wasi.deterministic() {
        Some(mut d) => d.read_clock(),
        None => now_ns(clock)?,
    };
    cx.mem.put_u64(ptr(a[2]), t)
}

/// `poll_oneoff(in, out, nsubscriptions, nevents)`: `subscription`s are 48 bytes (userdata
/// u64 at 0, tag u8 at 8, then for a clock: id u32 at 16, timeout u64 at 24, flags u16 at
/// 40; for fd_read/fd_write: fd u32 at 16), `event`s 32 bytes (userdata u64 at 0, error u16
/// at 8, type u8 at 10, nbytes u64 at 16). Clock subscriptions sleep until the earliest
/// deadline (in deterministic mode virtual time jumps to it), and that subscription is
/// reported; descriptor subscriptions are reported ready at once (host files and stdio
/// never block indefinitely here), with `EBADF` for a descriptor that is not open. Events
/// are written to the guest's (checked) output as they are found: host memory does not
/// grow with the number of subscriptions. No lock is held while the call sleeps; the
/// deterministic state's lock only while a deadline is computed or the clock advanced.
pub(super) fn poll_oneoff(cx: &Cx<'_>, a: &[u64]) -> Result<(), u32> {
    let (input, output, n, nevents) = (ptr(a[0]), ptr(a[1]), a32(a[2]), ptr(a[3]));
    if n == 0 {
        return Err(errno::INVAL);
    }
    cx.mem.check(input, u64::from(n) * 48)?;
    cx.mem.check(output, u64::from(n) * 32)?;
    cx.mem.check(nevents, 4)?;
    let mut events = 0u32;
    // (deadline ns on MONOTONIC, or virtual ns in deterministic mode; userdata)
    let mut earliest: Option<(u64, u64)> = None;
    for i in 0..n {
        let s: GuestPtr = input.elem(u64::from(i), 48);
        let userdata = cx.mem.u64(s)?;
        let tag = cx.mem.u8(s.add(8))?;
        match tag {
            0 => {
                let id = clock_id(cx.mem.u32(s.add(16))?)?;
                let timeout = cx.mem.u64(s.add(24))?;
                let abstime = cx.mem.u16(s.add(40))? & 1 != 0;
                let deadline = if let Some(d) = cx.wasi.deterministic() {
                    if abstime { timeout } else { d.now.saturating_add(timeout) }
                } else {
                    let now = now_ns(id)?;
                    let delay = if abstime { timeout.saturating_sub(now) } else { timeout };
                    now_ns(libc::CLOCK_MONOTONIC)?.saturating_add(delay)
                };
                if earliest.is_none_or(|(d, _)| deadline < d) {
                    earliest = Some((deadline, userdata));
                }
            }
            1 | 2 => {
                let fd = cx.mem.u32(s.add(16))?;
                let error = match cx.wasi.fd(fd, super::rights::POLL_FD_READWRITE) {
                    Ok(_) => 0,
                    Err(e) => e as u16,
                };
                put_event(cx, output.elem(u64::from(events), 32), userdata, tag, error)?;
                events += 1;
            }
            _ => return Err(errno::INVAL),
        }
    }
    if let (0, Some((deadline, userdata))) = (events, earliest) {
        // The monotonic time to sleep until: the deadline itself, or in deterministic mode
        // none: under the deterministic scheduler the thread sleeps until the virtual clock
        // reaches the deadline (other threads run meanwhile, and the clock jumps there
        // when none can); a program with one thread has its clock jump there at once.
        let mut wake = Some(deadline);
        if cx.wasi.deterministic().is_some() {
            wake = None;
            match crate::sched::current() {
                Some(s) => s.sleep_until(deadline),
                None => {
                    if let Some(mut d) = cx.wasi.deterministic() {
                        let now = d.read_clock();
                        d.now = now.max(deadline);
                    }
                }
            }
        }
        // A real sleep, holding no lock (other threads' WASI calls go on meanwhile).
        while let Some(wake) = wake {
            let now = now_ns(libc::CLOCK_MONOTONIC)?;
            if now >= wake {
                break;
            }
            std::thread::sleep(std::time::Duration::from_nanos(wake - now));
        }
        put_event(cx, output, userdata, 0, 0)?;
        events = 1;
    }
    cx.mem.put_u32(nevents, events)
}

/// Writes one `event` (see [`poll_oneoff`]) at `at`: a ready descriptor reports 1 byte.
fn put_event(cx: &Cx<'_>, at: GuestPtr, userdata: u64, tag: u8, error: u16) -> Result<(), u32> {
    let mut e = [0u8; 32];
    e[0..8].copy_from_slice(&userdata.to_le_bytes());
    e[8..10].copy_from_slice(&error.to_le_bytes());
    e[10] = tag;
    if tag != 0 && error == 0 {
        e[16..24].copy_from_slice(&1u64.to_le_bytes());
    }
    cx.mem.write(at, &e)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::memory::MemoryView;
    use crate::wasi::WasiCtx;
    use crate::wasi::guest::GuestMemory;

    fn cx<'a>(bytes: &'a mut [u8], wasi: &'a WasiCtx) -> Cx<'a> {
        Cx { mem: GuestMemory::new(MemoryView::from_slice(bytes)), wasi }
    }

    /// Runs `poll_oneoff(0, 1024, n, 2000)` over `bytes` with a context holding stdio only.
    fn poll(bytes: &mut [u8], n: u32) -> Result<(), u32> {
        let wasi = WasiCtx::new(vec![], vec![], &[]).unwrap();
        poll_oneoff(&cx(bytes, &wasi), &[0, 1024, u64::from(n), 2000])
    }

    #[test]
    fn fd_subscriptions_report_ready_or_ebadf() {
        let mut bytes = vec![0u8; 4096];
        // Subscription 0: userdata 7, fd_read (1) on fd 0; 1: userdata 8, fd_write (2) on 99.
        bytes[0] = 7;
        bytes[8] = 1;
        bytes[48] = 8;
        bytes[56] = 2;
        bytes[64] = 99;
        assert_eq!(poll(&mut bytes, 2), Ok(()));
        assert_eq!(bytes[2000], 2);
        let event = |i: usize| &bytes[1024 + 32 * i..1024 + 32 * (i + 1)];
        assert_eq!((event(0)[0], event(0)[8], event(0)[10], event(0)[16]), (7, 0, 1, 1));
        assert_eq!((event(1)[0], event(1)[8], event(1)[10], event(1)[16]), (8, 8, 2, 0));
    }

    #[test]
    fn subscription_array_past_the_end_is_efault() {
        let mut bytes = vec![0u8; 4096];
        // 4096 / 48 = 85 subscriptions fit; the events of 32 would overlap, but 86 do not fit.
        assert_eq!(poll(&mut bytes, 86), Err(errno::FAULT));
        assert_eq!(poll(&mut bytes, u32::MAX), Err(errno::FAULT));
        assert_eq!(poll(&mut bytes, 0), Err(errno::INVAL));
    }

    /// Deterministic mode: of clock timeouts of 10 s and 1 s, the 1 s one passes (virtual
    /// time advances by it alone) and is reported; a timeout at the end of time leaves the
    /// clock standing there, never wrapping back.
    #[test]
    fn virtual_time_jumps_to_the_earliest_timeout_and_saturates() {
        let mut bytes = vec![0u8; 4096];
        let clock = |bytes: &mut [u8], i: usize, userdata: u8, timeout: u64| {
            bytes[48 * i] = userdata;
            bytes[48 * i + 8] = 0;
            bytes[48 * i + 16] = 1; // CLOCK_MONOTONIC
            bytes[48 * i + 24..48 * i + 32].copy_from_slice(&timeout.to_le_bytes());
        };
        clock(&mut bytes, 0, 7, 10_000_000_000);
        clock(&mut bytes, 1, 8, 1_000_000_000);
        let mut wasi = WasiCtx::new(vec![], vec![], &[]).unwrap();
        wasi.set_deterministic();
        let read = |wasi: &WasiCtx| wasi.deterministic().unwrap().read_clock();
        let before = read(&wasi);
        assert_eq!(poll_oneoff(&cx(&mut bytes, &wasi), &[0, 1024, 2, 2000]), Ok(()));
        assert_eq!((bytes[2000], bytes[1024], bytes[1034]), (1, 8, 0));
        let after = read(&wasi);
        assert!(after - before < 1_100_000_000, "advanced {} ns", after - before);
        assert!(after - before >= 1_000_000_000);
        clock(&mut bytes, 0, 9, u64::MAX);
        assert_eq!(poll_oneoff(&cx(&mut bytes, &wasi), &[0, 1024, 1, 2000]), Ok(()));
        assert_eq!(read(&wasi), u64::MAX);
        assert_eq!(read(&wasi), u64::MAX);
    }

    /// A `poll_oneoff` sleeping on a real clock holds no lock: meanwhile another thread
    /// opens, uses and closes descriptors and reads the clock.
    #[test]
    fn a_sleeping_poll_holds_no_lock() {
        use std::time::{Duration, Instant};
        let wasi = WasiCtx::new(vec![], vec![], &[]).unwrap();
        let sleeper = {
            let wasi = wasi.share();
            std::thread::spawn(move || {
                let mut bytes = vec![0u8; 4096];
                bytes[16] = 1; // CLOCK_MONOTONIC
                bytes[24..32].copy_from_slice(&2_000_000_000u64.to_le_bytes());
                let start = Instant::now();
                poll_oneoff(&cx(&mut bytes, &wasi), &[0, 1024, 1, 2000]).map(|()| start.elapsed())
            })
        };
        std::thread::sleep(Duration::from_millis(100));
        let start = Instant::now();
        let mut bytes = vec![0u8; 4096];
        for _ in 0..100 {
            let file = std::fs::File::open("/dev/null").unwrap();
            let fd = wasi.insert(super::super::ctx::Fd::File(file), 0, 0);
            assert_eq!(time_get(&cx(&mut bytes, &wasi), &[1, 0, 8]), Ok(()));
            assert_eq!(wasi.close(fd), Ok(()));
        }
        assert!(start.elapsed() < Duration::from_secs(1), "waited for the sleeper");
        assert!(!sleeper.is_finished());
        let slept = sleeper.join().unwrap().unwrap();
        assert!(slept >= Duration::from_secs(2), "slept {slept:?}");
    }

    /// Threads reading the virtual clock at once each get a reading of their own: the
    /// readings are distinct and the clock advanced by exactly one step per reading.
    #[test]
    fn concurrent_virtual_clock_readings_are_distinct() {
        const THREADS: u64 = 4;
        const READS: u64 = 500;
        let mut wasi = WasiCtx::new(vec![], vec![], &[]).unwrap();
        wasi.set_deterministic();
        let start = wasi.deterministic().unwrap().now;
        let mut all: Vec<u64> = std::thread::scope(|s| {
            let threads: Vec<_> = (0..THREADS)
                .map(|_| {
                    let wasi = wasi.share();
                    s.spawn(move || {
                        let mut bytes = vec![0u8; 64];
                        (0..READS)
                            .map(|_| {
                                let cx = cx(&mut bytes, &wasi);
                                time_get(&cx, &[0, 0, 8]).unwrap();
                                cx.mem.u64(GuestPtr::new(8)).unwrap()
                            })
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            threads.into_iter().flat_map(|t| t.join().unwrap()).collect()
        });
        all.sort_unstable();
        let expected: Vec<u64> = (1..=THREADS * READS).map(|i| start + i * 1_000_000).collect();
        assert_eq!(all, expected);
    }
}
