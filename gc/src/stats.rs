//! Collector statistics (`WASMC_GC_STATS=1`): counts, bytes, and a histogram of pauses.

use std::time::Duration;

use hdrhistogram::Histogram;

/// What a collection was.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Collection {
    /// Evacuates the nursery only (the generational collector's common case).
    Minor,
    /// Collects the whole heap: the nursery, the old generation and the large objects (the
    /// semispace collector's only kind).
    Major,
}

/// Counters, printed with `WASMC_GC_STATS=1`. Byte counts are of object memory.
#[derive(Clone, Debug)]
pub struct GcStats {
    /// Minor collections run.
    pub minor: u64,
    /// Major (full) collections run.
    pub major: u64,
    /// Objects allocated through the slow path (all of them under stress).
    pub slow_allocations: u64,
    /// Bytes allocated (counted at collections and when reported, from the bump pointer's
    /// progress; large objects when allocated).
    pub bytes_allocated: u64,
    /// Bytes minor collections copied from the nursery into the old generation.
    pub bytes_promoted: u64,
    /// Bytes minor collections copied from eden into a survivor semispace (aging).
    pub bytes_aged: u64,
    /// Bytes major collections copied.
    pub bytes_copied: u64,
    /// Large objects allocated.
    pub large_objects: u64,
    /// Total pause time.
    pub pause: Duration,
    /// Pause times in nanoseconds (3 significant digits), made at the first collection: the
    /// histogram's counts take 270 KB, and zeroing them at start-up was a third of an empty
    /// program's page faults (issue 13).
    pauses: Option<Histogram<u64>>,
}

impl Default for GcStats {
    fn default() -> GcStats {
        GcStats {
            minor: 0,
            major: 0,
            slow_allocations: 0,
            bytes_allocated: 0,
            bytes_promoted: 0,
            bytes_aged: 0,
            bytes_copied: 0,
            large_objects: 0,
            pause: Duration::ZERO,
            pauses: None,
        }
    }
}

impl GcStats {
    /// Collections of either kind.
    pub fn collections(&self) -> u64 {
        self.minor + self.major
    }

    /// Records one pause.
    pub(crate) fn record(&mut self, kind: Collection, pause: Duration) {
        match kind {
            Collection::Minor => self.minor += 1,
            Collection::Major => self.major += 1,
        }
        self.pause += pause;
        self.pauses
            .get_or_insert_with(|| {
                Histogram::new_with_bounds(1, 3_600_000_000_000, 3).expect("valid histogram bounds")
            })
            .saturating_record(pause.as_nanos().max(1) as u64);
    }

    /// The pause at quantile `q` (0.5 = median), zero without collections.
    pub fn pause_quantile(&self, q: f64) -> Duration {
        match &self.pauses {
            Some(h) if !h.is_empty() => Duration::from_nanos(h.value_at_quantile(q)),
            _ => Duration::ZERO,
        }
    }

    /// The longest pause (exact to 3 significant digits).
    pub fn max_pause(&self) -> Duration {
        match &self.pauses {
            Some(h) if !h.is_empty() => Duration::from_nanos(h.max()),
            _ => Duration::ZERO,
        }
    }

    /// The one-line report: `gc: <collector>: ...`, with `allocated` the bytes allocated so
    /// far (including the part of the window in use) and `heap` the current heap budget.
    pub(crate) fn report(&self, collector: &str, allocated: u64, heap: usize) -> String {
        format!(
            "gc: {collector}: {} collections ({} minor, {} major), {allocated} bytes allocated, \
             {} bytes promoted, {} bytes aged, {} bytes copied by major collections, {} large objects, heap {heap} bytes, \
             pause total {:?} p50 {:?} p99 {:?} max {:?}",
            self.collections(),
            self.minor,
            self.major,
            self.bytes_promoted,
            self.bytes_aged,
            self.bytes_copied,
            self.large_objects,
            self.pause,
            self.pause_quantile(0.5),
            self.pause_quantile(0.99),
            self.max_pause(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_of_pauses() {
        let mut s = GcStats::default();
        assert_eq!(s.pause_quantile(0.99), Duration::ZERO);
        for us in 1..=100 {
            s.record(Collection::Minor, Duration::from_micros(us));
        }
        s.record(Collection::Major, Duration::from_millis(7));
        assert_eq!((s.minor, s.major, s.collections()), (100, 1, 101));
        let p50 = s.pause_quantile(0.5).as_micros();
        assert!((50..=52).contains(&p50), "{p50}");
        assert!(s.max_pause() >= Duration::from_micros(6990));
        assert!(s.report("generational", 1, 2).contains("p99"));
    }
}
