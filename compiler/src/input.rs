//! Reading the input file: a binary module as it is, a text module (`.wat`) parsed into
//! one, and anything else rejected with a message that says what it is.
//!
//! Messages stay short whatever the input: a text syntax error quotes at most
//! [`SNIPPET_CHARS`] characters of the offending line around the error's column, and all
//! quoted text is escaped (control and bidirectional characters), since it is the input's,
//! not ours.

use std::borrow::Cow;

use wasmc_abi::printable::escape_line;

use crate::error::CompileError;

/// The binary format's magic number (spec §5.5.16 "Modules").
const MAGIC: &[u8; 4] = b"\0asm";

/// Most characters of the offending line a text syntax error quotes.
pub const SNIPPET_CHARS: usize = 200;

/// Turns the bytes of an input file into a binary module: binary input (starting with the
/// magic number) is returned as is, text is parsed.
///
/// # Errors
/// [`CompileError::NotWasm`] for input that is neither (it does not start with the magic
/// number and does not look like text: not UTF-8, or control characters other than
/// whitespace); [`CompileError::Text`] with the line and column of a text syntax error, on
/// one line, quoting at most [`SNIPPET_CHARS`] characters of the line.
pub fn wasm_bytes(input: &[u8]) -> Result<Cow<'_, [u8]>, CompileError> {
    if input.starts_with(MAGIC) {
        return Ok(Cow::Borrowed(input));
    }
    let text = match std::str::from_utf8(input) {
        Ok(text) if looks_like_text(text) => text,
        _ => return Err(not_wasm(input)),
    };
    parse_text(text).map(Cow::Owned)
}

/// Whether `text` can be meant as a text module: no control characters other than
/// whitespace (tab, newline, carriage return, form feed).
fn looks_like_text(text: &str) -> bool {
    !text.chars().any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\x0c'))
}

fn not_wasm(input: &[u8]) -> CompileError {
    let found: Vec<String> = input.iter().take(4).map(|b| format!("{b:02x}")).collect();
    let found = if found.is_empty() { "an empty file".to_string() } else { found.join(" ") };
    CompileError::NotWasm { found }
}

fn parse_text(text: &str) -> Result<Vec<u8>, CompileError> {
    let buf = wast::parser::ParseBuffer::new(text).map_err(|e| text_error(text, &e))?;
    let mut wat = wast::parser::parse::<wast::Wat<'_>>(&buf).map_err(|e| text_error(text, &e))?;
    wat.encode().map_err(|e| text_error(text, &e))
}

/// `LINE:COL: MESSAGE: `SNIPPET`` (column in characters, both from 1) with the snippet cut
/// to [`SNIPPET_CHARS`] characters around the column, marked `...` where it was cut.
fn text_error(text: &str, e: &wast::Error) -> CompileError {
    let mut offset = e.span().offset().min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let line = text[..offset].matches('\n').count() + 1;
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    let before = &text[line_start..offset];
    let after = &text[offset..line_end];
    let col = before.chars().count() + 1;
    // Up to half the snippet before the column, the rest after it.
    let (lead, cut_before) = match before.char_indices().rev().nth(SNIPPET_CHARS / 2 - 1) {
        Some((i, _)) => (&before[i..], i > 0),
        None => (before, false),
    };
    let room = SNIPPET_CHARS - lead.chars().count();
    let (tail, cut_after) = match after.char_indices().nth(room) {
        Some((i, _)) => (&after[..i], true),
        None => (after, false),
    };
    let snippet = format!(
        "{}{lead}{tail}{}",
        if cut_before { "..." } else { "" },
        if cut_after { "..." } else { "" }
    );
    let snippet = escape_line(snippet.trim_end_matches('\r'));
    // wast's message may quote the input (names, escaped characters): cut it like the
    // snippet, and escape what wast left raw (not its own escapes a second time).
    let message = e.message();
    let mut message = escape_line(&message);
    if let Some((i, _)) = message.char_indices().nth(SNIPPET_CHARS) {
        message.truncate(i);
        message.push_str("...");
    }
    CompileError::Text(format!("{line}:{col}: {message}: `{snippet}`"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_and_text_are_accepted() {
        assert_eq!(&*wasm_bytes(b"\0asm\x01\0\0\0").unwrap(), b"\0asm\x01\0\0\0");
        assert_eq!(&*wasm_bytes(b"(module)").unwrap(), b"\0asm\x01\0\0\0");
    }

    /// Issue 11: an ELF file (or any binary that is valid UTF-8) was "an invalid text
    /// module".
    #[test]
    fn issue_11_a_binary_without_the_magic_is_not_wasm() {
        for input in [&b"\x7fELF\x02\x01\x01\0\0\0"[..], b"\0\0\0\0", b"\x01asm\x01\0\0\0"] {
            let e = wasm_bytes(input).unwrap_err().to_string();
            assert!(
                e.starts_with("not a WebAssembly module: bad magic number at byte offset 0"),
                "{e}"
            );
        }
        let e = wasm_bytes(b"\x7fELF\x02").unwrap_err().to_string();
        assert!(e.contains("found 7f 45 4c 46"), "{e}");
        let e = wasm_bytes(b"\xff\xfe(").unwrap_err().to_string();
        assert!(e.starts_with("not a WebAssembly module"), "{e}");
    }

    /// Issue 11: the whole offending line was echoed (a 10 MB line gave a 10 MB message).
    #[test]
    fn issue_11_text_errors_quote_a_short_snippet() {
        let line =
            format!("(module (func {}bogus {}))", "nop ".repeat(2_000_000), "nop ".repeat(1000));
        let e = wasm_bytes(line.as_bytes()).unwrap_err().to_string();
        assert!(e.len() < 2 * SNIPPET_CHARS + 200, "{} bytes: {e:.400}", e.len());
        assert!(!e.contains('\n'));
        assert!(e.starts_with("invalid text module: 1:8000015: "), "{e:.400}");
        assert!(e.contains(": `...nop nop ") && e.contains("nop nop bogus nop nop"), "{e}");
        assert!(e.ends_with("...`"), "{e}");
        let e = wasm_bytes(b"(module\n  (func (bogus)))\n").unwrap_err().to_string();
        assert!(e.starts_with("invalid text module: 2:10: "), "{e}");
        assert!(e.ends_with(": `  (func (bogus)))`"), "{e}");
    }

    #[test]
    fn long_messages_are_cut() {
        let name = "n".repeat(100_000);
        let e = wasm_bytes(format!("(module (func (call ${name})))").as_bytes()).unwrap_err();
        assert!(e.to_string().len() < 3 * SNIPPET_CHARS + 100, "{e:.500}");
    }

    #[test]
    fn quoted_text_is_escaped() {
        let e = wasm_bytes("(module (func $\u{202e}x (bogus)))".as_bytes()).unwrap_err();
        assert!(!e.to_string().contains('\u{202e}'), "{e}");
        assert!(e.to_string().contains("\\u{202e}"), "{e}");
    }
}
