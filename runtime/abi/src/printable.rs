//! Printing text that comes from a module (function, module, tag, import and export names)
//! or from the user's environment: such text is data, so it is escaped before it reaches a
//! terminal or a log.
//!
//! A name with a newline would otherwise forge lines of a backtrace or of an error message,
//! an ANSI escape sequence would reach the terminal, and a bidirectional override would
//! make what is printed read differently from what it is (CVE-2021-42574, "Trojan
//! Source"). [`Printable`] writes every such character as a Rust-style escape instead:
//! `\n`, `\r`, `\t`, `\\`, and `\u{XXXX}` for any other control character (C0, DEL, C1) or
//! bidirectional formatting character. Everything else, non-ASCII letters included, is
//! printed as it is. [`PrintableBytes`] does the same for bytes that need not be UTF-8,
//! writing each invalid byte as `\xHH`.
//!
//! Text longer than [`MAX_PRINTED_CHARS`] is cut there and ends with `...`, so a module
//! cannot make one message megabytes long.

use std::fmt;

/// Most characters of one name or value [`Printable`] prints before it cuts the rest
/// (replaced by `...`).
pub const MAX_PRINTED_CHARS: usize = 200;

/// Whether `c` changes the direction of the text around it (Unicode bidirectional
/// formatting characters: ALM, LRM, RLM, the embeddings and overrides LRE..RLO, and the
/// isolates LRI..PDI) or separates lines (U+2028, U+2029).
fn is_bidi_or_separator(c: char) -> bool {
    matches!(
        c,
        '\u{061c}'
            | '\u{200e}'
            | '\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}'
            | '\u{2028}'
            | '\u{2029}'
    )
}

/// Writes `c`, escaped if it is a control, bidirectional or line-separator character or a
/// backslash.
fn write_char(f: &mut impl fmt::Write, c: char) -> fmt::Result {
    match c {
        '\\' => f.write_str("\\\\"),
        c => write_unless_control(f, c),
    }
}

/// Writes `c`, escaped if it is a control, bidirectional or line-separator character.
fn write_unless_control(f: &mut impl fmt::Write, c: char) -> fmt::Result {
    match c {
        '\n' => f.write_str("\\n"),
        '\r' => f.write_str("\\r"),
        '\t' => f.write_str("\\t"),
        c if c.is_control() || is_bidi_or_separator(c) => write!(f, "\\u{{{:x}}}", c as u32),
        c => f.write_char(c),
    }
}

/// Writes at most `budget` characters of `s` escaped; returns the budget left, or `None`
/// if `s` was cut.
fn write_str(
    f: &mut impl fmt::Write,
    s: &str,
    mut budget: usize,
) -> Result<Option<usize>, fmt::Error> {
    for c in s.chars() {
        if budget == 0 {
            return Ok(None);
        }
        write_char(f, c)?;
        budget -= 1;
    }
    Ok(Some(budget))
}

/// Displays a string with control and bidirectional characters escaped, cut after
/// [`MAX_PRINTED_CHARS`] characters (see the module documentation).
#[derive(Clone, Copy, Debug)]
pub struct Printable<'a>(pub &'a str);

impl fmt::Display for Printable<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if write_str(f, self.0, MAX_PRINTED_CHARS)?.is_none() {
            f.write_str("...")?;
        }
        Ok(())
    }
}

/// Displays bytes like [`Printable`]; bytes that are not part of valid UTF-8 are written
/// as `\xHH`.
#[derive(Clone, Copy, Debug)]
pub struct PrintableBytes<'a>(pub &'a [u8]);

impl fmt::Display for PrintableBytes<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut budget = MAX_PRINTED_CHARS;
        for chunk in self.0.utf8_chunks() {
            match write_str(f, chunk.valid(), budget)? {
                Some(left) => budget = left,
                None => return f.write_str("..."),
            }
            for b in chunk.invalid() {
                if budget == 0 {
                    return f.write_str("...");
                }
                write!(f, "\\x{b:02x}")?;
                budget -= 1;
            }
        }
        Ok(())
    }
}

/// Escapes every control, bidirectional and line-separator character of a whole message
/// (no length limit), leaving backslashes alone: the last safety net for a one-line
/// message built from parts that may hold such characters (an OS error, a path, a part
/// already shown through [`Printable`], which this does not escape twice), so that the
/// message stays one line and sends nothing to the terminal.
pub fn escape_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        // Writing to a String cannot fail.
        let _ = write_unless_control(&mut out, c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped() {
        let forged = "f\n     1: main\x1b[31m\u{202e}x\\";
        assert_eq!(Printable(forged).to_string(), "f\\n     1: main\\u{1b}[31m\\u{202e}x\\\\");
        assert_eq!(Printable("caf\u{e9}_\u{3bb}").to_string(), "caf\u{e9}_\u{3bb}");
        assert_eq!(Printable("a\u{85}b\u{7f}").to_string(), "a\\u{85}b\\u{7f}");
        assert_eq!(escape_line("a\nb\tc\\d"), "a\\nb\\tc\\d");
        let once = Printable("x\ny").to_string();
        assert_eq!(escape_line(&once), once);
    }

    #[test]
    fn long_text_is_cut() {
        let long = "x".repeat(10_000);
        let shown = Printable(&long).to_string();
        assert_eq!(shown.len(), MAX_PRINTED_CHARS + 3);
        assert!(shown.ends_with("..."));
        let exact = "y".repeat(MAX_PRINTED_CHARS);
        assert_eq!(Printable(&exact).to_string(), exact);
    }

    #[test]
    fn invalid_utf8_is_shown_as_bytes() {
        assert_eq!(PrintableBytes(b"ok\xff\xfe\n").to_string(), "ok\\xff\\xfe\\n");
        let long = vec![0xffu8; 1000];
        assert!(PrintableBytes(&long).to_string().ends_with("..."));
    }
}
