//! `wasmc --emit header`: a typed C header for one module, on top of the generic C API
//! (`wasmc.h`), as wasm2c writes one per module: the module's descriptor, an instantiate
//! function, and one C function per exported function with the export's parameter and
//! result types, plus accessors for its other exports.
//!
//! For module `NAME`, export `add: [i32, i32] -> [i32]` becomes
//!
//! ```c
//! WASMC_INLINE wasmc_error_t *NAME_add(wasmc_store_t *store, wasmc_instance_t *instance,
//!                                      int32_t p0, int32_t p1, int32_t *r0);
//! ```
//!
//! Numbers are `int32_t`, `int64_t`, `float`, `double`, `wasmc_v128_t` (16 bytes in memory
//! order); references `wasmc_ref_t *` (an argument is borrowed, a result is a new handle).
//! Export names become C identifiers (other characters `_`; a clash gets a numeric
//! suffix, assigned in linear time: [`UniqueIdents`]).
//!
//! The header is C89 (with GCC or Clang: `WASMC_INLINE` is `static __inline__` there),
//! C99, C11, C17 and C++ alike: declarations first in each block, no `//` comments, no
//! designated initialisers (C++17 has none), `NULL` for an empty value array.
//!
//! # Export names are data (issue 33)
//!
//! An export's name is any UTF-8 string the module's author chose, NUL bytes included, and
//! the header's user compiles it into their program, so no name may become C code. It
//! reaches the header in three places, each escaped by one rule: every byte but ASCII
//! letters, digits, space and `_` ([`is_safe`]) is escaped.
//!
//! * **String literals** (the lookups `wasmc_instance_export_len(instance, "...", LEN,
//!   ...)`): as a three-digit octal escape `\ooo` ([`c_string`]). Not just quotes and
//!   backslashes: with trigraphs (`gcc -std=c99`, any strict ISO mode before C23) `??/` is a
//!   backslash, so a name `??/", &f)) { *r0 = 1337; return 0; } //` would end the literal
//!   early and the rest would be code of the user's program. With no `?` left there is no
//!   trigraph; octal rather than hex because a hex escape goes on for as many hex digits as
//!   follow. A name of more than 509 bytes (the longest literal C90 compilers must take) is
//!   an array of character constants instead ([`NameExpr`]). The length is passed on, so a
//!   name with a NUL byte is not found as its prefix (`wasmc_instance_export` would find
//!   `a` for `a\0b`).
//! * **Comments and error messages** (`/* The exported function `...` */`): as the text
//!   `\xHH` ([`comment_text`]), cut after 64 bytes. So no `*/` ends the comment, no `??`
//!   trigraph and no backslash before a line end splices the next line into it, no line
//!   break and no non-ASCII byte reaches it.
//! * **Identifiers** (`NAME_IDENT`): only ASCII letters, digits and `_` ([`c_ident`]),
//!   after the module's prefix, so never a keyword, macro, literal or escape; unique in the
//!   header.
//!
//! The module name (`--module-name`) is a C identifier (the CLI refuses others;
//! [`c_header`] sanitises it as the descriptor symbol does), so it is written as it is in
//! the include guard, the identifiers and the comments.

use std::collections::{HashMap, HashSet};
use std::fmt::Write;

use crate::error::CompileError;
use crate::module;
use wasmc_abi::meta::{ExportKind, ValType};

/// The C type of a value type in the typed header.
fn c_type(t: ValType) -> &'static str {
    match t {
        ValType::I32 => "int32_t",
        ValType::I64 => "int64_t",
        ValType::F32 => "float",
        ValType::F64 => "double",
        ValType::Ref(_) => "wasmc_ref_t *",
        ValType::V128 => "wasmc_v128_t",
    }
}

/// `wasmc_val_t` kind and union member of a value type.
fn kind(t: ValType) -> (&'static str, &'static str) {
    match t {
        ValType::I32 => ("WASMC_I32", "i32"),
        ValType::I64 => ("WASMC_I64", "i64"),
        ValType::F32 => ("WASMC_F32", "f32"),
        ValType::F64 => ("WASMC_F64", "f64"),
        ValType::V128 => ("WASMC_V128", "v128"),
        ValType::Ref(_) => ("WASMC_REF", "ref"),
    }
}

/// Whether byte `b` of a module-controlled name is written into the header as it is, in
/// string literals and in comments alike: ASCII letters, digits, space and `_`. Every
/// other byte is escaped ([`c_string`], [`comment_text`]); see the module documentation.
fn is_safe(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b' ' || b == b'_'
}

/// `s` as a C identifier fragment: ASCII letters, digits and `_` (every other character,
/// so every non-ASCII one, becomes one `_`); `_` for the empty string. Never empty, and
/// made only of `[A-Za-z0-9_]`, so it can be neither a macro call, a literal nor an
/// escape; the header puts it after `PREFIX_`, so a leading digit is harmless.
fn c_ident(s: &str) -> String {
    let mut out: String =
        s.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
    if out.is_empty() {
        out.push('_');
    }
    out
}

/// Unique C identifier fragments for a sequence of names, in linear time (issue 33): the
/// first name with a given [`c_ident`] gets it as it is, the next ones `IDENT_2`,
/// `IDENT_3`, ..., skipping every fragment already taken (also one that a later or earlier
/// name sanitises to exactly, such as a real export `x_2`). Deterministic: the result
/// depends only on the names and their order.
///
/// Linear: `next` keeps, per base fragment, the first suffix not yet tried, so each
/// suffix of each base is tried at most once, and a tried fragment `BASE_N` that was taken
/// is taken by a name of its own (or is reserved): at most one failed try per taken
/// fragment, so fewer than 2 tries per name in all.
struct UniqueIdents {
    /// Every fragment given out or reserved.
    taken: HashSet<String>,
    /// Per base fragment that has been asked for more than once: the next suffix to try.
    next: HashMap<String, u32>,
    /// The fragments tried so far (for the test that the assignment is linear).
    tries: usize,
}

impl UniqueIdents {
    /// No fragment taken but `reserved` (the header's own functions, `instantiate`).
    fn new(reserved: &[&str]) -> Self {
        let taken = reserved.iter().map(|s| s.to_string()).collect();
        UniqueIdents { taken, next: HashMap::new(), tries: 0 }
    }

    /// The fragment of `name`: [`c_ident`], or the first free `IDENT_N` (`N` >= 2).
    fn assign(&mut self, name: &str) -> String {
        let base = c_ident(name);
        self.tries += 1;
        if self.taken.insert(base.clone()) {
            return base;
        }
        let n = self.next.entry(base.clone()).or_insert(2);
        loop {
            let ident = format!("{base}_{n}");
            *n += 1;
            self.tries += 1;
            if self.taken.insert(ident.clone()) {
                return ident;
            }
        }
    }
}

/// Longest name (in bytes) that is written as a string literal: the 509 characters that
/// C90 compilers must support in one (C90 §5.2.4.1; `gcc -std=c89 -pedantic` warns about
/// longer ones, C99 allows 4095). A longer name is an array of character constants.
const MAX_LITERAL_BYTES: usize = 509;

/// Bytes of a name [`comment_text`] shows before it cuts the rest (replaced by `...`), so
/// that comments and error messages stay short.
const MAX_SHOWN_BYTES: usize = 64;

/// A C string literal of the bytes `s`: each byte in the safe set ([`is_safe`]) as it is,
/// every other one as a three-digit octal escape `\ooo` (so a digit after it cannot extend
/// it, as it would a greedy hex escape `\x..`). There is then no `?` (no trigraph), no
/// quote or backslash of the name, no newline and nothing outside ASCII in the literal,
/// which means the same bytes in every C and C++ mode, and a NUL byte is kept (the length
/// goes to `wasmc_instance_export_len` separately).
fn c_string(s: &[u8]) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for &b in s {
        if is_safe(b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "\\{b:03o}");
        }
    }
    out.push('"');
    out
}

/// A C character constant of byte `b`, escaped like [`c_string`]: `'a'`, `'\052'`.
fn c_char(b: u8) -> String {
    if is_safe(b) { format!("'{}'", b as char) } else { format!("'\\{b:03o}'") }
}

/// How a name is shown in the header's comments and in its error messages: each byte in
/// the safe set ([`is_safe`]) as it is, every other byte as the four characters `\xHH`
/// (lower-case hex; `caf\xc3\xa9` for "café", `a\x2a\x2fb` for `a*/b`), cut after
/// [`MAX_SHOWN_BYTES`] bytes with `...`. The text is ASCII without `*`, `/`, `?`, quotes
/// or line breaks, and no backslash ends it: a comment holding it cannot end early (`*/`),
/// hold a trigraph (`??/` is a backslash in C89 to C17) or splice the next line (a
/// backslash before a newline).
fn comment_text(s: &[u8]) -> String {
    let mut out = String::new();
    for &b in s.iter().take(MAX_SHOWN_BYTES) {
        if is_safe(b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "\\x{b:02x}");
        }
    }
    if s.len() > MAX_SHOWN_BYTES {
        out.push_str("...");
    }
    out
}

/// How a function of the header refers to an export's name: the C expression of its
/// bytes, a declaration to put first in the function's body (for a long name), and its
/// length in bytes.
struct NameExpr {
    /// A string literal ([`c_string`]), or `name`, the array `decl` declares.
    expr: String,
    /// Empty, or `static const char name[] = {...};` (a name of more than
    /// [`MAX_LITERAL_BYTES`] bytes, whose string literal C90 and C99 do not require
    /// compilers to take).
    decl: String,
    /// The name's length in bytes (without a terminating NUL; NUL bytes in it count).
    len: usize,
}

impl NameExpr {
    fn new(name: &[u8]) -> Self {
        if name.len() <= MAX_LITERAL_BYTES {
            return NameExpr { expr: c_string(name), decl: String::new(), len: name.len() };
        }
        let mut decl = String::from("    static const char name[] = {");
        for (i, &b) in name.iter().enumerate() {
            decl.push_str(if i == 0 {
                ""
            } else if i % 16 == 0 {
                ",\n        "
            } else {
                ", "
            });
            decl.push_str(&c_char(b));
        }
        decl.push_str("};\n");
        NameExpr { expr: "name".into(), decl, len: name.len() }
    }
}

/// Defines `WASMC_INLINE`, how the header declares its functions, for every language mode
/// it supports: C89/C90 (which has no `inline`: GCC and Clang take `__inline__` there even
/// with `-pedantic`, MSVC `__inline`), C99 and later, C++.
const INLINE_MACRO: &str = "\
/* How the functions below are declared: `static inline` (C99 and later, C++), else
 * `static __inline__` (GNU C89) or `static`. Define WASMC_INLINE first to choose another. */
#ifndef WASMC_INLINE
#if defined(__cplusplus) || (defined(__STDC_VERSION__) && __STDC_VERSION__ >= 199901L)
#define WASMC_INLINE static inline
#elif defined(__GNUC__)
#define WASMC_INLINE static __inline__
#elif defined(_MSC_VER)
#define WASMC_INLINE static __inline
#else
#define WASMC_INLINE static
#endif
#endif
";

/// The typed header of `wasm`, a module compiled with `--module-name name`.
///
/// `name` is the descriptor's name as [`wasmc_abi::vm::descriptor_symbol`] sanitises it
/// (the CLI accepts only C identifiers); the functions are `NAME_IDENT`, with `IDENT` from
/// the export's name (unique, see [`UniqueIdents`]), and `m_NAME_IDENT` for a `NAME` that
/// starts with a digit. The text compiles as C89 (GNU), C99, C11, C17 and C++ with
/// `-Wall -Wextra -pedantic`, whatever the export names (issue 33).
///
/// # Errors
/// The module does not decode or validate ([`CompileError`], with the byte offset).
pub fn c_header(wasm: &[u8], name: &str) -> Result<String, CompileError> {
    let info = module::parse(wasm)?;
    let symbol = wasmc_abi::vm::descriptor_symbol(name);
    let name = symbol.strip_prefix("wasmc_module_").expect("the descriptor symbol's prefix");
    // The functions are `NAME_EXPORT`: a C identifier even for a name starting with a digit
    // (and not one starting with `_`, which C reserves at file scope).
    let prefix = if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("m_{name}")
    } else {
        name.to_string()
    };
    let meta = &info.meta;
    // Not upper-cased: modules `a` and `A` have guards of their own.
    let guard = format!("WASMC_MODULE_{name}_H");
    let mut h = String::new();
    let _ = writeln!(
        h,
        "/* Typed C interface of the Wasm module `{name}`, written by `wasmc --emit header`."
    );
    let _ = writeln!(
        h,
        " * Link the object from `wasmc -c --module-name {name}`; the generic API is wasmc.h"
    );
    let _ = writeln!(h, " * (`wasmc --print-include-dir`). Export names are shown with every byte");
    let _ = writeln!(h, " * but ASCII letters, digits, space and _ as \\xHH. */");
    let _ = writeln!(h, "#ifndef {guard}\n#define {guard}\n\n#include <wasmc.h>\n");
    let _ = writeln!(h, "{INLINE_MACRO}");
    let _ = writeln!(h, "#ifdef __cplusplus\nextern \"C\" {{\n#endif\n");
    let _ = writeln!(h, "WASMC_DECLARE_MODULE({name});\n");
    let _ = writeln!(
        h,
        "/* Instantiates `{name}` in `store` with `imports` (may be NULL). */\n\
         WASMC_INLINE wasmc_error_t *{prefix}_instantiate(wasmc_store_t *store,\n    \
         const wasmc_imports_t *imports, wasmc_instance_t **out) {{\n    \
         wasmc_module_t *module;\n    \
         wasmc_error_t *e = wasmc_module_new(WASMC_MODULE({name}), &module);\n    \
         if (e) return e;\n    \
         e = wasmc_instantiate(store, module, imports, out);\n    \
         wasmc_module_delete(module);\n    \
         return e;\n}}\n"
    );
    let mut idents = UniqueIdents::new(&["instantiate"]);
    for export in &meta.exports {
        let ident = idents.assign(&export.name);
        let bytes = export.name.as_bytes();
        let shown = comment_text(bytes);
        let NameExpr { expr, decl, len } = NameExpr::new(bytes);
        let ExportKind::Func(f) = export.kind else {
            let what = match export.kind {
                ExportKind::Table(_) => "table",
                ExportKind::Memory(_) => "memory",
                ExportKind::Global(_) => "global",
                _ => "tag",
            };
            let _ = writeln!(
                h,
                "/* The exported {what} `{shown}`. */\n\
                 WASMC_INLINE bool {prefix}_{ident}(wasmc_instance_t *instance, wasmc_extern_t *out) {{\n\
                 {decl}    \
                 return wasmc_instance_export_len(instance, {expr}, {len}, out);\n}}\n"
            );
            continue;
        };
        let ft = info.func_type_at(meta.funcs[f as usize]);
        let sig = |ts: &[ValType]| ts.iter().map(|t| t.to_string()).collect::<Vec<_>>().join(", ");
        let _ = writeln!(
            h,
            "/* The exported function `{shown}`: [{}] -> [{}]. */",
            sig(&ft.params),
            sig(&ft.results)
        );
        let mut params =
            vec!["wasmc_store_t *store".to_string(), "wasmc_instance_t *instance".into()];
        for (i, t) in ft.params.iter().enumerate() {
            params.push(format!("{} p{i}", c_type(*t)).replace("* p", "*p"));
        }
        for (i, t) in ft.results.iter().enumerate() {
            params.push(format!("{} *r{i}", c_type(*t)).replace("* *", "**"));
        }
        let _ =
            writeln!(h, "WASMC_INLINE wasmc_error_t *{prefix}_{ident}({}) {{", params.join(", "));
        // C89: declarations first; no designated initialisers (neither C89 nor C++17 has
        // them): the arguments are set field by field.
        let (np, nr) = (ft.params.len(), ft.results.len());
        h.push_str(&decl);
        let _ = writeln!(h, "    wasmc_extern_t f;");
        if np > 0 {
            let _ = writeln!(h, "    wasmc_val_t args[{np}];");
        }
        if nr > 0 {
            let _ = writeln!(h, "    wasmc_val_t results[{nr}];");
            let _ = writeln!(h, "    wasmc_error_t *e;");
        }
        // The error's message shows the name as the comments do.
        let missing = format!("\"no export `\" {} \"`\"", c_string(shown.as_bytes()));
        let _ = writeln!(
            h,
            "    if (!wasmc_instance_export_len(instance, {expr}, {len}, &f))\n        \
             return wasmc_error_new({missing});"
        );
        for (i, t) in ft.params.iter().enumerate() {
            let (k, m) = kind(*t);
            let _ = writeln!(h, "    args[{i}].kind = {k};\n    args[{i}].of.{m} = p{i};");
        }
        // No array for no values: NULL (the API reads no value then).
        let args = if np > 0 { "args" } else { "NULL" };
        if nr == 0 {
            let _ =
                writeln!(h, "    return wasmc_func_call(store, &f, {args}, {np}, NULL, 0);\n}}\n");
            continue;
        }
        let _ = writeln!(h, "    e = wasmc_func_call(store, &f, {args}, {np}, results, {nr});");
        let _ = writeln!(h, "    if (e) return e;");
        for (i, t) in ft.results.iter().enumerate() {
            let (_, m) = kind(*t);
            let _ = writeln!(h, "    *r{i} = results[{i}].of.{m};");
        }
        let _ = writeln!(h, "    return NULL;\n}}\n");
    }
    let _ = writeln!(h, "#ifdef __cplusplus\n}}\n#endif\n\n#endif /* {guard} */");
    Ok(h)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bytes a C compiler reads from a literal [`c_string`] wrote (only the escapes it
    /// writes: three octal digits), or `None` if it holds anything else.
    fn decode(lit: &str) -> Option<Vec<u8>> {
        let inner = lit.strip_prefix('"')?.strip_suffix('"')?.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < inner.len() {
            match inner[i] {
                b'\\' => {
                    let digits = std::str::from_utf8(inner.get(i + 1..i + 4)?).ok()?;
                    out.push(u8::from_str_radix(digits, 8).ok()?);
                    i += 4;
                }
                b if is_safe(b) => {
                    out.push(b);
                    i += 1;
                }
                _ => return None,
            }
        }
        Some(out)
    }

    /// Every byte, alone and followed by digits (which must not extend an escape), comes
    /// back from its literal; nothing but the safe set and `\ooo` is written.
    #[test]
    fn issue_33_string_literals_escape_all_but_the_safe_set() {
        for b in 0..=255u8 {
            for s in [vec![b], vec![b, b'7', b'7'], vec![b'a', b, b'0']] {
                let lit = c_string(&s);
                assert_eq!(decode(&lit).as_deref(), Some(&s[..]), "{lit}");
                assert!(!lit.contains('?') && lit.is_ascii(), "{lit}");
            }
        }
        assert_eq!(c_string(b"??/\""), r#""\077\077\057\042""#);
        assert_eq!(c_string(b"a\0b1"), r#""a\000b1""#);
        assert_eq!(c_char(b'\''), r"'\047'");
        assert_eq!(c_char(b'x'), "'x'");
    }

    /// Comment text holds nothing that ends a comment, makes a trigraph or splices lines.
    #[test]
    fn issue_33_comment_text_is_inert() {
        let hostile = [
            "*/ int evil; /*",
            "??/\n",
            "a\\",
            "\\\n",
            "??=??'??(??)??!??<??>??-",
            "x\u{202e}\r\n\0",
            "\u{65e5}\u{672c}",
            "//",
        ];
        for s in hostile {
            let t = comment_text(s.as_bytes());
            assert!(t.bytes().all(|b| is_safe(b) || b == b'\\'), "{t}");
            assert!(!t.ends_with('\\'), "{t}");
        }
        assert_eq!(comment_text("caf\u{e9}".as_bytes()), r"caf\xc3\xa9");
        assert_eq!(comment_text(b"a*/b"), r"a\x2a\x2fb");
        let long = comment_text(&[b'?'; 1000]);
        assert_eq!(long.len(), MAX_SHOWN_BYTES * 4 + 3);
        assert!(long.ends_with("..."));
    }

    /// Long names are arrays of character constants, with their exact length.
    #[test]
    fn issue_33_long_names_are_arrays() {
        let short = NameExpr::new(&[b'a'; MAX_LITERAL_BYTES]);
        assert!(short.decl.is_empty() && short.expr.len() == MAX_LITERAL_BYTES + 2);
        let long = NameExpr::new(&[b'?'; MAX_LITERAL_BYTES + 1]);
        assert_eq!((long.expr.as_str(), long.len), ("name", MAX_LITERAL_BYTES + 1));
        assert_eq!(long.decl.matches(r"'\077'").count(), MAX_LITERAL_BYTES + 1);
        assert!(!long.decl.contains("??"));
    }

    /// Identifiers are unique, deterministic, and a suffixed one never takes the fragment
    /// of a real export (before or after it).
    #[test]
    fn issue_33_unique_idents_skip_taken_fragments() {
        let mut u = UniqueIdents::new(&["instantiate"]);
        let names = ["x", "x", "x_2", "x_3", "x", "instantiate", "", "_", "a.b", "a-b", "a_b_2"];
        let got: Vec<String> = names.iter().map(|n| u.assign(n)).collect();
        assert_eq!(
            got,
            [
                "x",
                "x_2",
                "x_2_2",
                "x_3",
                "x_4",
                "instantiate_2",
                "_",
                "__2",
                "a_b",
                "a_b_2",
                "a_b_2_2"
            ]
        );
    }

    /// 8,000 names that all sanitise to `_` (one CJK character each, issue 33) get 8,000
    /// identifiers in fewer than two tries each, not the quadratic number of tries (and the
    /// cubic time) of probing `_2`, `_3`, ... from the start for each name. Also when real
    /// names take the suffixed fragments first.
    #[test]
    fn issue_33_unique_idents_are_assigned_in_linear_tries() {
        let cjk: Vec<String> =
            (0..8000u32).map(|i| char::from_u32(0x4e00 + i).unwrap().to_string()).collect();
        let taken: Vec<String> = (2..4000).map(|i| format!("__{i}")).collect();
        for names in [cjk.clone(), [taken, cjk].concat()] {
            let mut u = UniqueIdents::new(&["instantiate"]);
            let idents: HashSet<String> = names.iter().map(|n| u.assign(n)).collect();
            assert_eq!(idents.len(), names.len());
            assert!(u.tries < 2 * names.len(), "{} tries for {} names", u.tries, names.len());
        }
    }

    /// The module name reaches the header only as the descriptor symbol sanitises it (the
    /// library takes any string; the CLI only C identifiers); guards differ by case, and a
    /// name starting with a digit gives identifiers that C does not reserve.
    #[test]
    fn issue_33_module_names_are_sanitised_everywhere() {
        let empty = b"\0asm\x01\0\0\0";
        let h = c_header(empty, "a*/b??/\n\u{e9}").unwrap();
        assert!(h.contains("#ifndef WASMC_MODULE_a__b______H\n"), "{h}");
        assert!(h.contains("WASMC_DECLARE_MODULE(a__b_____);"), "{h}");
        assert!(!h.contains("??") && !h.contains('\u{e9}') && !h.contains("a*/"), "{h}");
        let upper = c_header(empty, "A").unwrap();
        assert!(upper.contains("#ifndef WASMC_MODULE_A_H\n"), "{upper}");
        assert!(c_header(empty, "a").unwrap().contains("#ifndef WASMC_MODULE_a_H\n"));
        let digit = c_header(empty, "1x").unwrap();
        assert!(digit.contains("wasmc_error_t *m_1x_instantiate("), "{digit}");
        assert!(digit.contains("WASMC_MODULE(1x)"), "{digit}");
    }
}
