//! `wasmc --emit header` against hostile export names (issue 33, items 2 and 3): names
//! that try to end a string literal or a comment (quotes, backslashes, trigraphs such as
//! `??/`, `*/`, line breaks), NUL bytes, non-ASCII text, names that sanitise to the same
//! identifier, very long names, plus names from a seeded generator. Each header must
//! compile as C89, C99, C17 and C++17 with warnings as errors, preprocess to the same
//! tokens as the header of a twin module with harmless names, and, linked into a C host
//! with the module's object, reach exactly the export it is named after.
//!
//! The modules are written as binary Wasm here, so any UTF-8 name is possible.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// The module name of every header here.
const NAME: &str = "hostile";

use common::{ok, text, wasmc_ok as wasmc};

/// The include directory of `wasmc.h` in the source tree.
fn include_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../runtime/include")
}

/// What an export of a test module is.
#[derive(Clone, Copy)]
enum Item {
    /// A function `[] -> [i32]` returning the value.
    Func(i32),
    /// A function `[i32, i64, f32, f64, v128, externref] -> [the same]` returning its
    /// arguments.
    Typed,
    /// Memory 0 (one page).
    Memory,
    /// An immutable `i32` global of the value.
    Global(i32),
}

fn uleb(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let b = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

fn sleb(out: &mut Vec<u8>, mut v: i64) {
    loop {
        let b = (v & 0x7f) as u8;
        v >>= 7;
        if (v == 0 && b & 0x40 == 0) || (v == -1 && b & 0x40 != 0) {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

fn section(out: &mut Vec<u8>, id: u8, body: &[u8]) {
    out.push(id);
    uleb(out, body.len() as u64);
    out.extend_from_slice(body);
}

/// A binary module exporting `exports` under their names (each name exactly its bytes;
/// the names must be distinct; at most one memory).
fn module(exports: &[(String, Item)]) -> Vec<u8> {
    let mut m = b"\0asm\x01\0\0\0".to_vec();
    // Type 0: [] -> [i32]; type 1: the six value types to themselves.
    let all = [0x7f, 0x7e, 0x7d, 0x7c, 0x7b, 0x6f];
    let mut types = vec![2, 0x60, 0, 1, 0x7f, 0x60, 6];
    types.extend(all);
    types.push(6);
    types.extend(all);
    section(&mut m, 1, &types);
    let funcs: Vec<Item> =
        exports.iter().map(|e| e.1).filter(|i| matches!(i, Item::Func(_) | Item::Typed)).collect();
    let mut fs = Vec::new();
    uleb(&mut fs, funcs.len() as u64);
    fs.extend(funcs.iter().map(|i| u8::from(matches!(i, Item::Typed))));
    section(&mut m, 3, &fs);
    if exports.iter().any(|e| matches!(e.1, Item::Memory)) {
        section(&mut m, 5, &[1, 0, 1]);
    }
    let globals: Vec<i32> = exports
        .iter()
        .filter_map(|e| if let Item::Global(v) = e.1 { Some(v) } else { None })
        .collect();
    let mut gs = Vec::new();
    uleb(&mut gs, globals.len() as u64);
    for v in &globals {
        gs.extend([0x7f, 0, 0x41]);
        sleb(&mut gs, i64::from(*v));
        gs.push(0x0b);
    }
    section(&mut m, 6, &gs);
    let mut es = Vec::new();
    uleb(&mut es, exports.len() as u64);
    let (mut f, mut g, mut mem) = (0, 0, 0);
    for (name, item) in exports {
        uleb(&mut es, name.len() as u64);
        es.extend_from_slice(name.as_bytes());
        let (kind, index) = match item {
            Item::Func(_) | Item::Typed => (0, &mut f),
            Item::Memory => (2, &mut mem),
            Item::Global(_) => (3, &mut g),
        };
        es.push(kind);
        uleb(&mut es, *index);
        *index += 1;
    }
    section(&mut m, 7, &es);
    let mut code = Vec::new();
    uleb(&mut code, funcs.len() as u64);
    for item in &funcs {
        let mut body = vec![0];
        match item {
            Item::Func(v) => {
                body.push(0x41);
                sleb(&mut body, i64::from(*v));
            }
            _ => (0..6).for_each(|i| body.extend([0x20, i])),
        }
        body.push(0x0b);
        uleb(&mut code, body.len() as u64);
        code.extend(body);
    }
    section(&mut m, 10, &code);
    m
}

/// The hand-written hostile names (distinct, as Wasm requires).
fn corpus() -> Vec<String> {
    let mut names: Vec<String> = [
        // The issue's injection: `??/` is a backslash under trigraphs.
        "??/\", &f)) { *r0 = 1337; return 0; } //",
        "??/\", 4, out); } int evil(void) { return 1; } /*",
        "??/",
        "??=",
        "??'",
        "??(",
        "??)",
        "??!",
        "??<",
        "??>",
        "??-",
        "???/",
        "x??/",
        "??/\n",
        "*/",
        "/*",
        "//",
        "a*/b",
        "*/ int evil; /*",
        "\"",
        "'",
        "\\",
        "a\\",
        "\\\n",
        "a\\\nb",
        "\\\r\n",
        "\n",
        "\r",
        "\r\n",
        "line1\nline2",
        "\t",
        "\0",
        "\0\0",
        "a",
        "a\0b",
        "a\0",
        "\0a",
        "\u{1}7",
        "\u{0}0",
        "\u{7}777",
        "\u{e9}1",
        "\u{e9}",
        "caf\u{e9}",
        "\u{65e5}\u{672c}\u{8a9e}",
        "\u{30ab}",
        "\u{202e}evil",
        "\u{1f600}",
        "\u{85}\u{2028}",
        "%s%n%x",
        "#",
        "#define x 1",
        "##",
        "%:%:",
        "<%",
        "<:",
        "$",
        "@",
        "`",
        "1",
        "123abc",
        "int",
        "return",
        "if",
        "static",
        "inline",
        "bool",
        "true",
        "NULL",
        "main",
        "class",
        "template",
        "export",
        "_Bool",
        "__cplusplus",
        "instantiate",
        "instantiate_2",
        "",
        "a.b",
        "a-b",
        "a_b",
        "a b",
        "a_b_2",
        "a_b_3",
        "x",
        "x!",
        "x_2",
        "_",
        "__",
        "__2",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    // Long: over C90's 509 bytes for a literal, over C99's 4095, and long and hostile.
    names.push("x".repeat(509));
    names.push("y".repeat(510));
    names.push("z".repeat(5000));
    names.push(format!("{}\0*/", "??/".repeat(400)));
    names.push("\u{65e5}".repeat(3000));
    names
}

/// `n` names from a seeded generator, of pieces that are dangerous in C text (distinct
/// from each other and from `avoid`).
fn random_names(seed: u64, n: usize, avoid: &[String]) -> Vec<String> {
    let pieces = [
        "?",
        "??",
        "/",
        "*",
        "\\",
        "\"",
        "'",
        "\n",
        "\r",
        "\0",
        "0",
        "7",
        "9",
        "%",
        "#",
        "a",
        "Z",
        "_",
        " ",
        "\t",
        "{",
        "}",
        ";",
        "(",
        ")",
        "=",
        "!",
        "<",
        ">",
        "-",
        ":",
        "\u{7f}",
        "\u{85}",
        "\u{e9}",
        "\u{3042}",
        "\u{202e}",
        "\u{1f600}",
    ];
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut seen: std::collections::HashSet<String> = avoid.iter().cloned().collect();
    let mut out = Vec::new();
    while out.len() < n {
        let len = rng.usize(1..12);
        let name: String = (0..len).map(|_| pieces[rng.usize(..pieces.len())]).collect();
        if seen.insert(name.clone()) {
            out.push(name);
        }
    }
    out
}

/// Compilers and flags of the four language modes the header must compile in: C89 (GCC
/// takes `__inline__` there), C99 and C17 (trigraphs on: strict ISO modes), C++17.
const MODES: [(&str, &str, &str); 4] = [
    ("gcc", "-std=c89", "c"),
    ("gcc", "-std=c99", "c"),
    ("gcc", "-std=c17", "c"),
    ("g++", "-std=c++17", "c++"),
];

/// `compiler -std=MODE -x LANG -pedantic -Wall -Wextra -Werror` with the include
/// directories of `wasmc.h` and of `dir`.
fn cc(dir: &Path, (compiler, std, lang): (&str, &str, &str)) -> Command {
    let mut cmd = Command::new(compiler);
    cmd.args([std, "-pedantic", "-Wall", "-Wextra", "-Werror", "-x", lang])
        .arg(format!("-I{}", include_dir().display()))
        .arg(format!("-I{}", dir.display()))
        .current_dir(dir);
    cmd
}

/// The header of `exports` (module `hostile`), written to `dir/FILE.h`.
fn header(dir: &Path, file: &str, exports: &[(String, Item)]) -> String {
    let h = wasmc::header::c_header(&module(exports), NAME).expect("the module is valid");
    std::fs::write(dir.join(format!("{file}.h")), &h).unwrap();
    h
}

/// The header's C functions in order (`hostile_instantiate` first, then one per export;
/// also in a header of before issue 33, whose functions were `static inline`).
fn functions(header: &str) -> Vec<String> {
    header
        .lines()
        .filter_map(|l| {
            l.strip_prefix("WASMC_INLINE ").or_else(|| l.strip_prefix("static inline "))
        })
        .map(|l| {
            let start = l.find(&format!("{NAME}_")).expect("a function of the module");
            let len = l[start..].find('(').expect("a parameter list");
            l[start..start + len].to_string()
        })
        .collect()
}

/// The tokens of preprocessed C `src`, normalised: a string literal is `S`, a run of
/// character constants and commas `C`, a number `N`, an identifier of the module's
/// functions `ID`; an unterminated literal ends the list with `UNTERMINATED`.
fn tokens(src: &str) -> Vec<String> {
    let b = src.as_bytes();
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    let word = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c == b'.';
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
        } else if c == b'"' || c == b'\'' {
            i += 1;
            while i < b.len() && b[i] != c && b[i] != b'\n' {
                i += if b[i] == b'\\' { 2 } else { 1 };
            }
            if i >= b.len() || b[i] != c {
                out.push("UNTERMINATED".into());
                return out;
            }
            i += 1;
            let t = if c == b'"' { "S" } else { "C" };
            // `'a', '\077', ...` is one `C`.
            if t == "C" && out.len() >= 2 && out[out.len() - 1] == "," && out[out.len() - 2] == "C"
            {
                out.pop();
            } else {
                out.push(t.into());
            }
        } else if word(c) {
            let start = i;
            while i < b.len() && word(b[i]) {
                i += 1;
            }
            let w = &src[start..i];
            out.push(if c.is_ascii_digit() {
                "N".into()
            } else if w.starts_with(&format!("{NAME}_")) {
                "ID".into()
            } else {
                w.into()
            });
        } else {
            out.push((c as char).to_string());
            i += 1;
        }
    }
    out
}

/// The normalised tokens of `dir/FILE.h` after `gcc -E` in `mode` (without what
/// `wasmc.h` declares; warnings are the compile's business, [`check_header`]).
fn preprocessed(dir: &Path, file: &str, mode: (&str, &str, &str)) -> Vec<String> {
    let tu = format!("{file}_tu.c");
    let marker = "int wasmc_test_marker;";
    std::fs::write(dir.join(&tu), format!("#include <wasmc.h>\n{marker}\n#include \"{file}.h\"\n"))
        .unwrap();
    // Without -Werror: what an injection makes of the tokens is the point, not warnings.
    let (compiler, std, lang) = mode;
    let out = ok(Command::new(compiler)
        .args([std, "-x", lang, "-E", "-P"])
        .arg(format!("-I{}", include_dir().display()))
        .arg(&tu)
        .current_dir(dir));
    let src = text(&out.stdout);
    let at = src.find(marker).expect("the marker") + marker.len();
    tokens(&src[at..])
}

/// Names as harmless as possible in the same places: `n<i>`, padded with `a` to the
/// hostile name's length if that is over 509 bytes (so that it too is an array).
fn twin(exports: &[(String, Item)]) -> Vec<(String, Item)> {
    exports
        .iter()
        .enumerate()
        .map(|(i, (name, item))| {
            let mut t = format!("n{i}");
            if name.len() > 509 {
                t.push_str(&"a".repeat(name.len() - t.len()));
            }
            (t, *item)
        })
        .collect()
}

/// Checks the header of `exports` in every mode: it compiles, and it preprocesses to the
/// same tokens as the header of the twin module with harmless names (under trigraphs
/// too), so no name put a token of its own into the program.
fn check_header(dir: &Path, exports: &[(String, Item)]) -> String {
    let h = header(dir, NAME, exports);
    header(dir, "twin", &twin(exports));
    assert_eq!(functions(&h).len(), exports.len() + 1);
    std::fs::write(dir.join("syntax.c"), format!("#include \"{NAME}.h\"\n")).unwrap();
    for mode in MODES {
        ok(cc(dir, mode).arg("-fsyntax-only").arg("syntax.c"));
        let hostile = preprocessed(dir, NAME, mode);
        let twin = preprocessed(dir, "twin", mode);
        assert!(!hostile.contains(&"UNTERMINATED".to_string()), "{mode:?}");
        if hostile != twin {
            let at = hostile.iter().zip(&twin).take_while(|(a, b)| a == b).count();
            let from = at.saturating_sub(20);
            panic!(
                "{mode:?}: the header's tokens differ from its twin's at token {at}:\n{:?}\n{:?}",
                &hostile[from..(at + 20).min(hostile.len())],
                &twin[from..(at + 20).min(twin.len())]
            );
        }
    }
    h
}

/// Every hand-written hostile name and 2,000 random ones, as functions (one of them of
/// every value type), a memory and a global: the header compiles in C89, C99, C17 and
/// C++17 with `-Wall -Wextra -pedantic -Werror`, and no name adds a token.
#[test]
fn issue_33_hostile_export_names_stay_data_in_every_language_mode() {
    let dir = tempfile::tempdir().unwrap();
    let mut names = corpus();
    names.extend(random_names(33, 2000, &names.clone()));
    let mut exports: Vec<(String, Item)> =
        names.into_iter().enumerate().map(|(i, n)| (n, Item::Func(i as i32))).collect();
    exports[1].1 = Item::Typed;
    exports[2].1 = Item::Memory;
    exports[3].1 = Item::Global(3);
    check_header(dir.path(), &exports);
}

/// End to end: a module whose exports have the hostile names (function `i` returns `i`),
/// compiled with `wasmc -c`, its header written by `wasmc --emit header`, and a C host
/// built in each language mode that calls every export through the header: each call
/// reaches the export of exactly its name (`a\0b` is not `a`, nothing is injected).
#[test]
fn issue_33_hostile_export_names_reach_their_own_export() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut names = corpus();
    names.extend(random_names(3333, 150, &names.clone()));
    let mut exports: Vec<(String, Item)> =
        names.into_iter().enumerate().map(|(i, n)| (n, Item::Func(i as i32))).collect();
    // The memory and the global under hostile names too.
    exports[4].1 = Item::Memory;
    exports[5].1 = Item::Global(4242);
    let wasm = d.join("hostile.wasm");
    std::fs::write(&wasm, module(&exports)).unwrap();
    wasmc(d, &["--emit", "header", "--module-name", NAME, "hostile.wasm", "-o", "hostile.h"]);
    let h = std::fs::read_to_string(d.join("hostile.h")).unwrap();
    assert_eq!(h, wasmc::header::c_header(&std::fs::read(&wasm).unwrap(), NAME).unwrap());
    wasmc(d, &["-c", "--module-name", NAME, "hostile.wasm", "-o", "hostile.o"]);
    let lib = wasmc(d, &["--print-runtime-lib"]);

    let fns = functions(&h);
    assert_eq!(fns.len(), exports.len() + 1);
    let mut host = String::from(
        "#include <stdio.h>\n#include \"hostile.h\"\n\
         int main(void) {\n    \
         wasmc_store_t *store;\n    wasmc_instance_t *inst;\n    wasmc_extern_t x;\n    \
         wasmc_val_t v;\n    int32_t r;\n    wasmc_error_t *e;\n    \
         if (wasmc_store_new(NULL, &store)) return 1;\n    \
         if (hostile_instantiate(store, NULL, &inst)) return 2;\n",
    );
    let mut expected = String::new();
    for (i, ((_, item), f)) in exports.iter().zip(&fns[1..]).enumerate() {
        match item {
            Item::Func(value) => {
                host.push_str(&format!(
                    "    r = -1;\n    e = {f}(store, inst, &r);\n    \
                     printf(\"{i}: %ld\\n\", e ? -1L : (long)r);\n"
                ));
                expected.push_str(&format!("{i}: {value}\n"));
            }
            Item::Memory => {
                host.push_str(&format!(
                    "    printf(\"{i}: memory %d\\n\", \
                     {f}(inst, &x) && x.kind == WASMC_EXTERN_MEMORY);\n"
                ));
                expected.push_str(&format!("{i}: memory 1\n"));
            }
            Item::Global(value) => {
                host.push_str(&format!(
                    "    v.of.i32 = -1;\n    \
                     if (!{f}(inst, &x) || x.kind != WASMC_EXTERN_GLOBAL) return 3;\n    \
                     if (wasmc_global_get(store, &x, &v)) return 4;\n    \
                     printf(\"{i}: global %ld\\n\", (long)v.of.i32);\n"
                ));
                expected.push_str(&format!("{i}: global {value}\n"));
            }
            Item::Typed => unreachable!(),
        }
    }
    host.push_str("    wasmc_store_delete(store);\n    return 0;\n}\n");
    std::fs::write(d.join("host.c"), host).unwrap();
    for mode in MODES {
        let exe = d.join(format!("host{}", mode.1));
        ok(cc(d, mode)
            .arg("host.c")
            .args(["-x", "none", "hostile.o", &lib, "-lpthread", "-ldl", "-lm", "-o"])
            .arg(&exe));
        let out = ok(&mut Command::new(&exe));
        assert_eq!(text(&out.stdout), expected, "{mode:?}");
    }
}

/// Issue 33, item 3: 8,000 exports whose names all sanitise to `_` (distinct CJK
/// characters) get a header with 8,000 distinct functions, fast. The quadratic probing
/// took 185 s for these; the bound is generous for a busy machine (it takes milliseconds),
/// the linearity itself is the unit test `issue_33_unique_idents_are_assigned_in_linear_tries`.
#[test]
fn issue_33_eight_thousand_colliding_names_are_fast() {
    let exports: Vec<(String, Item)> = (0..8000u32)
        .map(|i| (char::from_u32(0x4e00 + i).unwrap().to_string(), Item::Func(0)))
        .collect();
    let wasm = module(&exports);
    let start = Instant::now();
    let h = wasmc::header::c_header(&wasm, NAME).unwrap();
    let took = start.elapsed();
    eprintln!("the header of 8,000 colliding names took {took:?}");
    assert!(took.as_secs() < 10, "{took:?}");
    let fns = functions(&h);
    assert_eq!(fns.len(), 8001);
    let unique: std::collections::HashSet<&String> = fns.iter().collect();
    assert_eq!(unique.len(), 8001);
    assert_eq!(
        (fns[1].as_str(), fns[2].as_str(), fns[8000].as_str()),
        ("hostile__", "hostile___2", "hostile___8000")
    );
}

/// The token check can fail: a lookup written as before issue 33 (quotes and backslashes
/// escaped, `?` not) with the issue's name preprocesses, under C99's trigraphs, to tokens
/// of its own, and the same lookup of a harmless name does not.
#[test]
fn issue_33_the_token_check_sees_an_injection() {
    let dir = tempfile::tempdir().unwrap();
    let lookup = |lit: &str| {
        format!(
            "static int hostile_f(int *r0) {{ const char *f; \
             if (!g({lit}, &f)) return 1; *r0 = 0; return 0; }}\n"
        )
    };
    let old = lookup(r#""??/\", &f)) { *r0 = 1337; return 0; } //""#);
    std::fs::write(dir.path().join("old.h"), format!("int g(const char *, const char **);\n{old}"))
        .unwrap();
    std::fs::write(
        dir.path().join("twin.h"),
        format!("int g(const char *, const char **);\n{}", lookup(r#""n0""#)),
    )
    .unwrap();
    let mode = ("gcc", "-std=c99", "c");
    assert_ne!(preprocessed(dir.path(), "old", mode), preprocessed(dir.path(), "twin", mode));
    // Without trigraphs (C++17) the same text is one literal.
    let cxx = ("g++", "-std=c++17", "c++");
    assert_eq!(preprocessed(dir.path(), "old", cxx), preprocessed(dir.path(), "twin", cxx));
}
