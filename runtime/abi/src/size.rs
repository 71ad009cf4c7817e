//! Byte counts as users write them in knobs (`WASMC_GC_HEAP=16M`, `WASMC_CACHE_MAX=1G`)
//! and as messages print them.

/// A byte count as printed in messages: exact, and with a binary suffix when it is a
/// whole number of KiB, MiB or GiB (`65536 (64K)`).
pub fn show_size(n: usize) -> String {
    for (shift, suffix) in [(40, "T"), (30, "G"), (20, "M"), (10, "K")] {
        if n >= 1 << shift && n.is_multiple_of(1 << shift) {
            return format!("{n} ({}{suffix})", n >> shift);
        }
    }
    n.to_string()
}

/// Parses a byte count with an optional `K`, `M`, `G` or `T` suffix (powers of 1024);
/// `None` if it is malformed or does not fit a `usize`.
pub fn parse_size(s: &str) -> Option<usize> {
    let s = s.trim();
    let (num, shift) = match s.as_bytes().last()? {
        b'k' | b'K' => (&s[..s.len() - 1], 10),
        b'm' | b'M' => (&s[..s.len() - 1], 20),
        b'g' | b'G' => (&s[..s.len() - 1], 30),
        b't' | b'T' => (&s[..s.len() - 1], 40),
        _ => (s, 0),
    };
    if num.is_empty() || !num.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    num.parse::<usize>().ok()?.checked_mul(1 << shift)
}
