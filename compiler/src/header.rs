//! `wasmc --emit header`: a typed C header for one module, on top of the generic C API
//! (`wasmc.h`), as wasm2c writes one per module: the module's descriptor, an instantiate
//! function, and one C function per exported function with the export's parameter and
//! result types, plus accessors for its other exports.
//!
//! For module `NAME`, export `add: [i32, i32] -> [i32]` becomes
//!
//! ```c
//! static inline wasmc_error_t *NAME_add(wasmc_store_t *store, wasmc_instance_t *instance,
//!                                       int32_t p0, int32_t p1, int32_t *r0);
//! ```
//!
//! Numbers are `int32_t`, `int64_t`, `float`, `double`, `wasmc_v128_t` (16 bytes in memory
//! order); references `wasmc_ref_t *` (an argument is borrowed, a result is a new handle).
//! Export names become C identifiers (other characters `_`; a clash gets a numeric
//! suffix).

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

/// `s` as a C identifier fragment: ASCII letters, digits and `_`.
fn c_ident(s: &str) -> String {
    let mut out: String =
        s.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
    if out.is_empty() {
        out.push('_');
    }
    out
}

/// A C string literal of `s` (bytes escaped in octal where needed).
fn c_string(s: &str) -> String {
    let mut out = String::from("\"");
    for b in s.bytes() {
        match b {
            b'"' | b'\\' => {
                out.push('\\');
                out.push(b as char);
            }
            0x20..=0x7e => out.push(b as char),
            _ => {
                let _ = write!(out, "\\{b:03o}");
            }
        }
    }
    out.push('"');
    out
}

/// The typed header of `wasm`, a module compiled with `--module-name name`.
///
/// # Errors
/// The module does not decode or validate ([`CompileError`], with the byte offset).
pub fn c_header(wasm: &[u8], name: &str) -> Result<String, CompileError> {
    let info = module::parse(wasm)?;
    let symbol = wasmc_abi::vm::descriptor_symbol(name);
    let name = symbol.strip_prefix("wasmc_module_").expect("the descriptor symbol's prefix");
    // The functions are `NAME_EXPORT`: a C identifier even for a name starting with a digit.
    let prefix = if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("_{name}")
    } else {
        name.to_string()
    };
    let meta = &info.meta;
    let guard = format!("WASMC_MODULE_{}_H", name.to_ascii_uppercase());
    let mut h = String::new();
    let _ = writeln!(
        h,
        "/* Typed C interface of the Wasm module `{name}`, written by `wasmc --emit header`."
    );
    let _ = writeln!(
        h,
        " * Link the object from `wasmc -c --module-name {name}`; the generic API is wasmc.h"
    );
    let _ = writeln!(h, " * (`wasmc --print-include-dir`). */");
    let _ = writeln!(h, "#ifndef {guard}\n#define {guard}\n\n#include <wasmc.h>\n");
    let _ = writeln!(h, "#ifdef __cplusplus\nextern \"C\" {{\n#endif\n");
    let _ = writeln!(h, "WASMC_DECLARE_MODULE({name});\n");
    let _ = writeln!(
        h,
        "/* Instantiates `{name}` in `store` with `imports` (may be NULL). */\n\
         static inline wasmc_error_t *{prefix}_instantiate(wasmc_store_t *store,\n    \
         const wasmc_imports_t *imports, wasmc_instance_t **out) {{\n    \
         wasmc_module_t *module;\n    \
         wasmc_error_t *e = wasmc_module_new(WASMC_MODULE({name}), &module);\n    \
         if (e) return e;\n    \
         e = wasmc_instantiate(store, module, imports, out);\n    \
         wasmc_module_delete(module);\n    \
         return e;\n}}\n"
    );
    let mut used: Vec<String> = vec!["instantiate".into()];
    for export in &meta.exports {
        let mut ident = c_ident(&export.name);
        let base = ident.clone();
        let mut n = 2;
        while used.contains(&ident) {
            ident = format!("{base}_{n}");
            n += 1;
        }
        used.push(ident.clone());
        let lit = c_string(&export.name);
        let shown = wasmc_abi::printable::Printable(&export.name).to_string().replace("*/", "*\\/");
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
                 static inline bool {prefix}_{ident}(wasmc_instance_t *instance, wasmc_extern_t *out) {{\n    \
                 return wasmc_instance_export(instance, {lit}, out);\n}}\n"
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
            writeln!(h, "static inline wasmc_error_t *{prefix}_{ident}({}) {{", params.join(", "));
        let _ = writeln!(h, "    wasmc_extern_t f;");
        let _ = writeln!(
            h,
            "    if (!wasmc_instance_export(instance, {lit}, &f)) return wasmc_error_new(\"no export \" {lit});"
        );
        let (np, nr) = (ft.params.len(), ft.results.len());
        let args: Vec<String> = ft
            .params
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let (k, m) = kind(*t);
                format!("{{.kind = {k}, .of.{m} = p{i}}}")
            })
            .collect();
        let args = if args.is_empty() { "{0}".to_string() } else { args.join(", ") };
        let _ = writeln!(h, "    wasmc_val_t args[{}] = {{{args}}};", np.max(1));
        let _ = writeln!(h, "    wasmc_val_t results[{}];", nr.max(1));
        let _ = writeln!(
            h,
            "    wasmc_error_t *e = wasmc_func_call(store, &f, args, {np}, results, {nr});"
        );
        if nr > 0 {
            let _ = writeln!(h, "    if (e) return e;");
            for (i, t) in ft.results.iter().enumerate() {
                let (_, m) = kind(*t);
                let _ = writeln!(h, "    *r{i} = results[{i}].of.{m};");
            }
            let _ = writeln!(h, "    return NULL;\n}}\n");
        } else {
            let _ = writeln!(h, "    (void)results;\n    return e;\n}}\n");
        }
    }
    let _ = writeln!(h, "#ifdef __cplusplus\n}}\n#endif\n\n#endif /* {guard} */");
    Ok(h)
}
