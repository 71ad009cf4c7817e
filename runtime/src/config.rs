//! The runtime's knobs: every `WASMC_*` environment variable a compiled program reads, parsed
//! once at start-up into a typed configuration (STYLE.md guide, rule 11).

use crate::instance::DEFAULT_STACK_SIZE;

/// Configuration of a program run.
#[derive(Debug, Clone, Default)]
pub struct RuntimeConfig {
    /// Preopened directories `(host path, guest name)` from `WASMC_PREOPEN`
    /// (`HOST[::GUEST]` entries separated by `;`).
    pub preopens: Vec<(String, String)>,
    /// Guest environment (`NAME=VALUE`) from the `WASMC_ENV_<NAME>` variables, sorted.
    pub env: Vec<Vec<u8>>,
    /// Export to call instead of `_start` (`WASMC_INVOKE`).
    pub invoke: Option<String>,
    /// Bytes of stack for Wasm code (`WASMC_STACK_SIZE`, default 8 MiB).
    pub stack_size: usize,
    /// The collector's knobs: `WASMC_GC_HEAP=INITIAL[:MAX]` (bytes, with an optional K/M/G
    /// suffix; per semispace), `WASMC_GC_STRESS=N` (collect at every N-th allocation),
    /// `WASMC_GC_POISON=1`, `WASMC_GC_VERIFY=1`, `WASMC_GC_STATS=1`.
    pub gc: wasmc_gc::copying::GcConfig,
    /// `WASMC_DETERMINISTIC=1`: fixed virtual clocks and random bytes (DESIGN.md
    /// "Determinism"; the collector's points depend only on the allocation sequence in
    /// every mode).
    pub deterministic: bool,
}

/// Parses a byte count with an optional `K`, `M` or `G` suffix (powers of 1024).
fn parse_size(s: &str) -> Option<usize> {
    let s = s.trim();
    let (num, mul) = match s.chars().last()? {
        'k' | 'K' => (&s[..s.len() - 1], 1 << 10),
        'm' | 'M' => (&s[..s.len() - 1], 1 << 20),
        'g' | 'G' => (&s[..s.len() - 1], 1 << 30),
        _ => (s, 1),
    };
    num.parse::<usize>().ok()?.checked_mul(mul)
}

fn flag(k: &str, v: &str) -> Result<bool, String> {
    match v {
        "1" | "true" | "yes" => Ok(true),
        "0" | "false" | "no" | "" => Ok(false),
        _ => Err(format!("{k}={v}: expected 0 or 1")),
    }
}

impl RuntimeConfig {
    /// Reads the configuration from the process environment.
    ///
    /// # Errors
    /// A malformed variable, with its name.
    pub fn from_env() -> Result<RuntimeConfig, String> {
        Self::from_vars(
            std::env::vars_os()
                .map(|(k, v)| (k.to_string_lossy().into_owned(), v.to_string_lossy().into_owned())),
        )
    }

    /// Reads the configuration from `(name, value)` pairs.
    ///
    /// # Errors
    /// A malformed variable, with its name.
    pub fn from_vars(
        vars: impl Iterator<Item = (String, String)>,
    ) -> Result<RuntimeConfig, String> {
        let mut c = RuntimeConfig { stack_size: DEFAULT_STACK_SIZE, ..Default::default() };
        c.gc = wasmc_gc::copying::GcConfig::default();
        for (k, v) in vars {
            if let Some(name) = k.strip_prefix("WASMC_ENV_") {
                c.env.push(format!("{name}={v}").into_bytes());
                continue;
            }
            match k.as_str() {
                "WASMC_PREOPEN" => {
                    for entry in v.split(';').filter(|e| !e.is_empty()) {
                        let (host, guest) = entry.split_once("::").unwrap_or((entry, entry));
                        c.preopens.push((host.to_string(), guest.to_string()));
                    }
                }
                "WASMC_INVOKE" => c.invoke = Some(v),
                "WASMC_GC_HEAP" => {
                    let bad = || {
                        format!(
                            "{k}={v}: expected INITIAL[:MAX] byte counts (K/M/G suffixes allowed)"
                        )
                    };
                    let (initial, max) = match v.split_once(':') {
                        Some((i, m)) => {
                            (parse_size(i).ok_or_else(bad)?, parse_size(m).ok_or_else(bad)?)
                        }
                        None => {
                            let i = parse_size(&v).ok_or_else(bad)?;
                            (i, c.gc.max.max(i))
                        }
                    };
                    if initial < 4096 || max < initial {
                        return Err(bad());
                    }
                    c.gc.initial = initial;
                    c.gc.max = max;
                }
                "WASMC_GC_STRESS" => {
                    let n = v.parse::<u32>().ok().filter(|n| *n >= 1);
                    c.gc.stress = Some(n.ok_or_else(|| format!("{k}={v}: expected a count >= 1"))?);
                }
                "WASMC_GC_POISON" => c.gc.poison = flag(&k, &v)?,
                "WASMC_GC_VERIFY" => c.gc.verify = flag(&k, &v)?,
                "WASMC_GC_STATS" => c.gc.stats = flag(&k, &v)?,
                "WASMC_DETERMINISTIC" => c.deterministic = flag(&k, &v)?,
                "WASMC_STACK_SIZE" => {
                    c.stack_size =
                        v.parse::<usize>().ok().filter(|n| *n >= 64 * 1024).ok_or_else(|| {
                            format!("WASMC_STACK_SIZE={v}: expected a byte count of at least 65536")
                        })?;
                }
                _ => {}
            }
        }
        c.env.sort();
        Ok(c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_knobs() {
        let vars = [
            ("WASMC_PREOPEN", "a;b::/guest"),
            ("WASMC_ENV_X", "1=2"),
            ("WASMC_INVOKE", "f"),
            ("WASMC_STACK_SIZE", "1048576"),
            ("OTHER", "y"),
        ];
        let c = RuntimeConfig::from_vars(vars.iter().map(|(k, v)| (k.to_string(), v.to_string())))
            .unwrap();
        assert_eq!(c.preopens, vec![("a".into(), "a".into()), ("b".into(), "/guest".into())]);
        assert_eq!(c.env, vec![b"X=1=2".to_vec()]);
        assert_eq!(c.invoke.as_deref(), Some("f"));
        assert_eq!(c.stack_size, 1 << 20);
        let bad = [("WASMC_STACK_SIZE".to_string(), "lots".to_string())];
        assert!(RuntimeConfig::from_vars(bad.into_iter()).is_err());
        let gc = [("WASMC_GC_HEAP", "1M:64M"), ("WASMC_GC_STRESS", "3"), ("WASMC_GC_POISON", "1")];
        let c = RuntimeConfig::from_vars(gc.iter().map(|(k, v)| (k.to_string(), v.to_string())))
            .unwrap();
        assert_eq!(
            (c.gc.initial, c.gc.max, c.gc.stress, c.gc.poison),
            (1 << 20, 64 << 20, Some(3), true)
        );
        let bad = [("WASMC_GC_HEAP".to_string(), "64M:1M".to_string())];
        assert!(RuntimeConfig::from_vars(bad.into_iter()).is_err());
    }
}
