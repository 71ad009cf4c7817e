;; A `spectest` module for `wasmtime run --preload spectest=...`: `print_char` writes the
;; low byte of each UTF-16 code unit to stdout through WASI (enough for the ASCII output of
;; the MoonBit programs; see ../shared/programs/moonbit-wasmgc/BUILD.md).
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "print_char") (param $c i32)
    (i32.store8 (i32.const 16) (local.get $c))
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 1))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))
