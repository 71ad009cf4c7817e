//! A small FileCheck: directives in comments of a test file, matched against the printed
//! CLIF.
//!
//! - `check: PAT` — PAT occurs in a line at or after the line after the previous match;
//! - `nextln: PAT` — PAT occurs in the line right after the previous match;
//! - `not: PAT` — PAT occurs in no line between the previous match and the next positive
//!   match (or the end).
//!
//! A pattern matches as a substring after runs of whitespace in both the pattern and the
//! line are collapsed to one space.

/// A directive kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `check:`
    Check,
    /// `nextln:`
    Nextln,
    /// `not:`
    Not,
}

/// One directive.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Directive {
    /// Which kind.
    pub kind: Kind,
    /// Its pattern.
    pub pattern: String,
}

/// Parses the directives out of the comment lines of `source` (`;` or `;;` comments).
pub fn parse_directives(source: &str) -> Vec<Directive> {
    let mut out = Vec::new();
    for line in source.lines() {
        let t = line.trim_start().trim_start_matches(';').trim_start();
        for (prefix, kind) in
            [("check:", Kind::Check), ("nextln:", Kind::Nextln), ("not:", Kind::Not)]
        {
            if let Some(rest) = t.strip_prefix(prefix) {
                out.push(Directive { kind, pattern: rest.trim().to_string() });
            }
        }
    }
    out
}

fn normalize(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Matches `directives` against `output`.
///
/// # Errors
/// A message naming the failing directive and where matching stood, with the output.
pub fn check(directives: &[Directive], output: &str) -> Result<(), String> {
    // Blank lines carry nothing (and `bless` writes none), so they are not matched.
    let lines: Vec<String> = output.lines().map(normalize).filter(|l| !l.is_empty()).collect();
    let mut pos = 0usize; // first line the next `check` may match
    let mut last: Option<usize> = None;
    let mut pending_not: Vec<&Directive> = Vec::new();
    let fail = |d: &Directive, why: &str| {
        Err(format!("{why}: `{:?}: {}`\n--- output:\n{output}", d.kind, d.pattern))
    };
    for d in directives {
        let pat = normalize(&d.pattern);
        match d.kind {
            Kind::Not => pending_not.push(d),
            Kind::Check | Kind::Nextln => {
                let found = if d.kind == Kind::Check {
                    (pos..lines.len()).find(|i| lines[*i].contains(&pat))
                } else {
                    let next = last.map_or(0, |l| l + 1);
                    (next < lines.len() && lines[next].contains(&pat)).then_some(next)
                };
                let Some(i) = found else {
                    return fail(d, "no match");
                };
                let from = last.map_or(0, |l| l + 1);
                for n in pending_not.drain(..) {
                    let np = normalize(&n.pattern);
                    if lines[from..i].iter().any(|l| l.contains(&np)) {
                        return fail(n, "forbidden pattern found");
                    }
                }
                last = Some(i);
                pos = i + 1;
            }
        }
    }
    let from = last.map_or(0, |l| l + 1);
    for n in pending_not {
        let np = normalize(&n.pattern);
        if lines[from.min(lines.len())..].iter().any(|l| l.contains(&np)) {
            return fail(n, "forbidden pattern found");
        }
    }
    Ok(())
}

/// Rewrites `source` so that its directives match `output` exactly: every existing
/// `check:`/`nextln:` line is removed and the output is appended as one `check:` followed by
/// `nextln:` lines. `not:` lines are kept. `comment` is the comment prefix (`;` or `;;`).
pub fn bless(source: &str, output: &str, comment: &str) -> String {
    let mut kept: Vec<&str> = Vec::new();
    for line in source.lines() {
        let t = line.trim_start().trim_start_matches(';').trim_start();
        if line.trim_start().starts_with(';')
            && (t.starts_with("check:") || t.starts_with("nextln:"))
        {
            continue;
        }
        kept.push(line);
    }
    while kept.last().is_some_and(|l| l.trim().is_empty()) {
        kept.pop();
    }
    let mut out = kept.join("\n");
    out.push_str("\n\n");
    let mut first = true;
    for line in output.lines() {
        if line.trim().is_empty() {
            continue;
        }
        let kind = if first { "check" } else { "nextln" };
        first = false;
        out.push_str(&format!("{comment} {kind}: {}\n", line.trim()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(src: &str) -> Vec<Directive> {
        parse_directives(src)
    }

    #[test]
    fn check_nextln_not() {
        let out = "a b\n  c   d\ne\nf";
        assert!(check(&d("; check: c d\n; nextln: e"), out).is_ok());
        assert!(check(&d("; check: a\n; nextln: e"), out).is_err());
        assert!(check(&d("; check: a\n; not: e\n; check: f"), out).is_err());
        assert!(check(&d("; check: a\n; not: zz\n; check: f"), out).is_ok());
        assert!(check(&d(";; check: f\n;; check: a"), out).is_err());
        assert!(check(&d("; check: e\n; not: a"), out).is_ok());
    }

    #[test]
    fn bless_regenerates() {
        let src = ";; test: translate\n(module)\n;; check: old\n;; not: x\n";
        let blessed = bless(src, "line one\nline two\n", ";;");
        assert!(blessed.contains(";; check: line one\n;; nextln: line two"));
        assert!(blessed.contains(";; not: x"));
        assert!(!blessed.contains("old"));
        assert!(check(&parse_directives(&blessed), "line one\nline two").is_ok());
    }
}
