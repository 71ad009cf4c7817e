(module
  ;; Hand-written: the memories the oracle gives imports, a shared one (which the harness
  ;; makes as each engine's importable shared memory) and a plain one; neither is
  ;; exported, so the oracle compares them as imported memories.
  (import "env" "shared" (memory $s 1 16 shared))
  (import "env" "plain" (memory $p 1 16))
  (func (export "store_both") (param $v i32) (result i32)
    (i32.atomic.store (i32.const 128) (i32.add (local.get $v) (i32.const 7)))
    (i32.atomic.store $p (i32.const 128) (i32.const -7))
    (i32.atomic.rmw.add (i32.const 128) (i32.atomic.load $p (i32.const 128))))
  (func (export "wait_imported") (result i32 i32)
    (memory.atomic.wait32 (i32.const 128) (i32.const 0) (i64.const 0))
    (memory.atomic.wait64 (i32.const 256) (i64.const 0) (i64.const 500)))
  (func (export "grow_imported") (result i32 i32 i32)
    (memory.grow $s (i32.const 15))
    (memory.grow $s (i32.const 1))
    (memory.atomic.notify (i32.const 0xffff0) (i32.const 1)))
  (func (export "wait_imported_plain") (result i32)
    (memory.atomic.wait32 $p (i32.const 0) (i32.const 0) (i64.const 0))))
