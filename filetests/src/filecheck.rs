//! A small FileCheck: targeted directives in comments of a test file, matched against the
//! printed output, and an optional blessed block holding the precise output.
//!
//! Directives (hand-written; `BLESS=1` never touches them):
//!
//! - `check: PAT` — PAT occurs in a line after the previous match (or anywhere, first);
//! - `nextln: PAT` — PAT occurs in the line right after the previous match;
//! - `sameln: PAT` — PAT occurs in the line of the previous match, after the text that
//!   matched there;
//! - `not: PAT` — PAT occurs in no line between the previous match and the next positive
//!   match (or the end of the output).
//!
//! A pattern matches as a substring after runs of whitespace in both the pattern and the
//! line are collapsed to one space, but not inside a longer word: a pattern that starts
//! (ends) with a letter, digit or `_` matches only where the line has no such character
//! just before (after) it, so `v2` does not match `v20` and `block1` not `block10`. Blank
//! output lines are ignored.
//!
//! The precise output, if the file has it, is a trailing comment block that starts with the
//! line `;; output:` (`; output:` in `.clif` files) and runs to the end of the file: one
//! comment line per non-blank output line. It must equal the output exactly (after the same
//! whitespace normalization); `BLESS=1` rewrites it (and only it) from the current output.
//! Lines inside it are output text, never directives.

/// A directive kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `check:`
    Check,
    /// `nextln:`
    Nextln,
    /// `sameln:`
    Sameln,
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
    /// Its line in the test file (1-based), for messages.
    pub line: usize,
}

/// What a test file expects of the output.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Expectations {
    /// The targeted directives, in file order.
    pub directives: Vec<Directive>,
    /// The blessed output block's lines (normalized), if the file has the block.
    pub output: Option<Vec<String>>,
}

/// The comment text that starts the blessed output block.
pub const OUTPUT_MARKER: &str = "output:";

/// The comment text of a line (`;`/`;;` stripped), if it is a comment line.
fn comment_text(line: &str) -> Option<&str> {
    let t = line.trim_start();
    t.starts_with(';').then(|| t.trim_start_matches(';').trim_start())
}

/// Index of the line that starts the output block, if any.
fn marker_line(source: &str) -> Option<usize> {
    source.lines().position(|l| comment_text(l).is_some_and(|t| t.trim_end() == OUTPUT_MARKER))
}

/// Parses the directives and the output block out of `source`.
pub fn parse(source: &str) -> Expectations {
    let marker = marker_line(source);
    let mut e = Expectations::default();
    for (n, line) in source.lines().enumerate() {
        let Some(t) = comment_text(line) else { continue };
        if marker.is_some_and(|m| n >= m) {
            if marker != Some(n) {
                e.output.get_or_insert_with(Vec::new).push(normalize(t));
            }
            continue;
        }
        for (prefix, kind) in [
            ("check:", Kind::Check),
            ("nextln:", Kind::Nextln),
            ("sameln:", Kind::Sameln),
            ("not:", Kind::Not),
        ] {
            if let Some(rest) = t.strip_prefix(prefix) {
                e.directives.push(Directive {
                    kind,
                    pattern: rest.trim().to_string(),
                    line: n + 1,
                });
            }
        }
    }
    if marker.is_some() {
        let lines = e.output.get_or_insert_with(Vec::new);
        lines.retain(|l| !l.is_empty());
    }
    e
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The byte offset of the first match of `pat` in `line` at or after `from` (see the
/// module docs for the word-boundary rule).
fn find(line: &str, pat: &str, from: usize) -> Option<usize> {
    let starts_word = pat.chars().next().is_some_and(is_word);
    let ends_word = pat.chars().last().is_some_and(is_word);
    let mut at = from;
    while let Some(i) = line.get(at..)?.find(pat) {
        let c = at + i;
        let before_ok = !starts_word || !line[..c].chars().next_back().is_some_and(is_word);
        let after_ok = !ends_word || !line[c + pat.len()..].chars().next().is_some_and(is_word);
        if before_ok && after_ok {
            return Some(c);
        }
        at = c + line[c..].chars().next().map_or(1, char::len_utf8);
    }
    None
}

fn normalize(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The output's lines as directives see them: normalized, blank lines dropped.
fn output_lines(output: &str) -> Vec<String> {
    output.lines().map(normalize).filter(|l| !l.is_empty()).collect()
}

/// Matches `directives` against `output`.
///
/// # Errors
/// A message naming the failing directive (with its line) and where matching stood, with
/// the output.
pub fn check(directives: &[Directive], output: &str) -> Result<(), String> {
    let lines = output_lines(output);
    // The previous match: line index and the byte offset in it where the match ended.
    let mut last: Option<(usize, usize)> = None;
    let mut pending_not: Vec<&Directive> = Vec::new();
    let fail = |d: &Directive, why: &str, at: Option<usize>| {
        let at = at.map_or("the start".to_string(), |i| format!("output line {}", i + 1));
        Err(format!(
            "line {}: {why} (after {at}): `{:?}: {}`\n--- output:\n{output}",
            d.line, d.kind, d.pattern
        ))
    };
    let forbidden = |nots: &mut Vec<&Directive>, from: usize, to: usize| -> Option<Directive> {
        for n in nots.drain(..) {
            let np = normalize(&n.pattern);
            if lines[from.min(to)..to].iter().any(|l| find(l, &np, 0).is_some()) {
                return Some(n.clone());
            }
        }
        None
    };
    for d in directives {
        let pat = normalize(&d.pattern);
        if pat.is_empty() {
            // It would match anything (or, as `not:`, fail everything): a mistake.
            return fail(d, "empty pattern", None);
        }
        let found = match d.kind {
            Kind::Not => {
                pending_not.push(d);
                continue;
            }
            Kind::Check => {
                let from = last.map_or(0, |(l, _)| l + 1);
                (from..lines.len()).find_map(|i| find(&lines[i], &pat, 0).map(|c| (i, c)))
            }
            Kind::Nextln => {
                let next = last.map_or(0, |(l, _)| l + 1);
                lines.get(next).and_then(|l| find(l, &pat, 0)).map(|c| (next, c))
            }
            Kind::Sameln => {
                let Some((l, end)) = last else {
                    return fail(d, "`sameln` needs a previous match", None);
                };
                find(&lines[l], &pat, end).map(|c| (l, c))
            }
        };
        let Some((i, col)) = found else {
            return fail(d, "no match", last.map(|l| l.0));
        };
        let from = last.map_or(0, |(l, _)| l + 1);
        if let Some(n) = forbidden(&mut pending_not, from, i) {
            return fail(&n, "forbidden pattern found", last.map(|l| l.0));
        }
        last = Some((i, col + pat.len()));
    }
    let from = last.map_or(0, |(l, _)| l + 1);
    if let Some(n) = forbidden(&mut pending_not, from, lines.len()) {
        return fail(&n, "forbidden pattern found", last.map(|l| l.0));
    }
    Ok(())
}

/// Compares the blessed block `expected` with `output`.
///
/// # Errors
/// The first differing line, with a few lines of context of both.
pub fn check_output(expected: &[String], output: &str) -> Result<(), String> {
    let got = output_lines(output);
    let Some(i) = (0..expected.len().max(got.len())).find(|i| expected.get(*i) != got.get(*i))
    else {
        return Ok(());
    };
    let show = |v: &[String]| {
        let from = i.saturating_sub(2);
        v.iter()
            .enumerate()
            .skip(from)
            .take(5)
            .map(|(n, l)| format!("  {}: {l}\n", n + 1))
            .collect::<String>()
    };
    Err(format!(
        "the blessed output differs at line {} (BLESS=1 rewrites it)\n--- expected:\n{}--- actual:\n{}",
        i + 1,
        show(expected),
        show(&got)
    ))
}

/// Checks `output` against everything `source` expects.
///
/// # Errors
/// A file without directives (every case needs a targeted check), a failing directive, or
/// (unless `bless`, which rewrites it) a stale output block.
pub fn verify(source: &str, output: &str, bless: bool) -> Result<(), String> {
    let e = parse(source);
    if e.directives.is_empty() {
        return Err("no check directives: every case needs targeted checks".into());
    }
    check(&e.directives, output)?;
    match &e.output {
        Some(lines) if !bless => check_output(lines, output),
        _ => Ok(()),
    }
}

/// Rewrites the output block of `source` (if it has one) to hold `output`; everything
/// before the block, directives included, stays as it is. `comment` is the comment prefix
/// (`;` or `;;`). Returns `None` when `source` has no output block.
pub fn bless(source: &str, output: &str, comment: &str) -> Option<String> {
    let marker = marker_line(source)?;
    let mut out: String = source.lines().take(marker + 1).map(|l| format!("{l}\n")).collect();
    for line in output.lines().filter(|l| !l.trim().is_empty()) {
        out.push_str(&format!("{comment} {}\n", line.trim_end()));
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(src: &str) -> Vec<Directive> {
        parse(src).directives
    }

    #[test]
    fn an_empty_pattern_is_an_error() {
        for kind in ["check:", "nextln:", "sameln:", "not:"] {
            let src = format!(";; check: a\n;; {kind}  \n");
            let e = parse(&src);
            let err = check(&e.directives, "a\nb\n").expect_err("an empty pattern");
            assert!(err.starts_with("line 2: empty pattern"), "{kind}: {err}");
        }
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
        // `not` before the first match covers the start; after the last, the end.
        assert!(check(&d("; not: b\n; check: e"), out).is_err());
        assert!(check(&d("; check: a\n; not: f"), out).is_err());
    }

    #[test]
    fn patterns_match_whole_words_at_their_ends() {
        let out = "v20 = iadd v21, v2\nblock10:";
        assert!(check(&d("; check: v2"), out).is_ok());
        assert!(check(&d("; check: v2\n; sameln: v2"), out).is_err());
        assert!(check(&d("; check: block1"), out).is_err());
        assert!(check(&d("; check: block1"), "block10:\nblock1:").is_ok());
        assert!(check(&d("; check: iadd v2"), out).is_err());
        assert!(check(&d("; check: iadd v21"), out).is_ok());
        assert!(check(&d("; check: = iadd"), out).is_ok());
        assert!(check(&d("; not: v1"), out).is_ok());
        assert!(check(&d("; not: v21"), out).is_err());
    }

    #[test]
    fn sameln_matches_after_the_previous_match_on_its_line() {
        let out = "call fn0(v1), stack_map=[i64 @ ss0+0]\nreturn";
        assert!(check(&d("; check: call fn0\n; sameln: stack_map=[i64 @ ss0+0]"), out).is_ok());
        assert!(check(&d("; check: stack_map\n; sameln: call fn0"), out).is_err());
        assert!(check(&d("; check: call\n; sameln: return"), out).is_err());
        assert!(check(&d("; sameln: call"), out).is_err());
    }

    #[test]
    fn a_failure_names_the_directive_line() {
        let e = check(&d(";; test: spill\n;; check: a\n;; check: nowhere"), "a\nb").unwrap_err();
        assert!(e.starts_with("line 3: no match"), "{e}");
    }

    #[test]
    fn the_output_block_is_not_directives_and_must_match_exactly() {
        let src = "; check: b\n; output:\n; a\n; check: this is output text\n";
        let e = parse(src);
        assert_eq!(e.directives.len(), 1);
        assert_eq!(
            e.output.as_deref(),
            Some(&["a".to_string(), "check: this is output text".into()][..])
        );
        assert!(verify(src, "a\ncheck: this is output text\nb", false).is_err(), "extra line");
        let ok = "; check: a\n; output:\n; a\n;   b  c\n";
        assert!(verify(ok, "a\n\nb c\n", false).is_ok());
        assert!(verify(ok, "a\nb d\n", false).unwrap_err().contains("differs at line 2"));
    }

    #[test]
    fn bless_rewrites_only_the_output_block() {
        let src = ";; test: translate\n(module)\n;; check: wanted\n;; nextln: next\n;; not: x\n\
                   ;; sameln: s\n;; output:\n;; old line\n";
        let blessed = bless(src, "line one\n\nline two\n", ";;").unwrap();
        assert!(blessed.starts_with(
            ";; test: translate\n(module)\n;; check: wanted\n;; nextln: next\n;; not: x\n;; sameln: s\n;; output:\n"
        ));
        assert!(blessed.ends_with(";; output:\n;; line one\n;; line two\n"));
        assert!(!blessed.contains("old line"));
        assert_eq!(parse(&blessed).directives, parse(src).directives);
        // Blessing does not make a failing directive pass.
        assert!(verify(&blessed, "line one\nline two", true).is_err());
        // A file without a block is not blessed.
        assert_eq!(bless(";; check: a\n", "a", ";;"), None);
    }

    #[test]
    fn a_file_needs_directives() {
        assert!(verify(";; output:\n;; a\n", "a", false).unwrap_err().contains("no check"));
    }
}
