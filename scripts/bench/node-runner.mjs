// Runs a Wasm GC program under Node (V8) for scripts/bench-gc.sh:
//   node node-runner.mjs PROGRAM.wasm
// WASI preview1 programs (Kotlin/Wasm) get node:wasi; programs importing
// `spectest.print_char` (MoonBit) get a UTF-16 decoder that writes UTF-8 to stdout.
import { readFileSync, writeSync } from "node:fs";
import { WASI } from "node:wasi";

const bytes = readFileSync(process.argv[2]);
const module = await WebAssembly.compile(bytes);
const imports = {};
const names = WebAssembly.Module.imports(module).map((i) => i.module);
let wasi;
if (names.includes("wasi_snapshot_preview1")) {
  wasi = new WASI({ version: "preview1", args: [process.argv[2]], env: {} });
  Object.assign(imports, wasi.getImportObject());
}
let out = [];
let high = 0;
if (names.includes("spectest")) {
  imports.spectest = {
    print_char(c) {
      if (c >= 0xd800 && c < 0xdc00) { high = c; return; }
      let cp = c;
      if (c >= 0xdc00 && c < 0xe000 && high) { cp = 0x10000 + ((high - 0xd800) << 10) + (c - 0xdc00); }
      high = 0;
      out.push(String.fromCodePoint(cp));
      if (out.length > 4096) { writeSync(1, out.join("")); out = []; }
    },
  };
}
const instance = await WebAssembly.instantiate(module, imports);
if (wasi) {
  wasi.start(instance);
} else {
  instance.exports._start();
}
writeSync(1, out.join(""));
