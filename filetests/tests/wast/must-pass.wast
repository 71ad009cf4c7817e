;; Self-test of the spec runner: every directive here is right and must pass
;; (filetests/tests/wast_runner.rs).
(module
  (func (export "div") (param i32) (result i32) (i32.div_u (i32.const 1) (local.get 0)))
  (func $loop (export "loop") (call $loop)))

(assert_invalid (module (func (result i32) (i64.const 0))) "type mismatch")
(assert_malformed (module binary "\00asm\01\00\00\00\01") "unexpected end")
(assert_malformed (module quote "(func (result i32) (i32.const)") "unexpected token")
(assert_malformed (module quote "(func $f) (func $f)") "duplicate func")
(assert_trap (invoke "div" (i32.const 0)) "integer divide by zero")
(assert_trap (invoke "div" (i32.const 0)) "integer divide")
(assert_return (invoke "div" (i32.const 1)) (i32.const 1))
(assert_exhaustion (invoke "loop") "call stack exhausted")
(assert_unlinkable (module (import "spectest" "nothing" (func))) "unknown import")
(assert_unlinkable (module (import "spectest" "print_i32" (func (result i64))))
  "incompatible import type")
(assert_trap (module (func $s unreachable) (start $s)) "unreachable")
(module (tag $e) (func (export "throw") (throw $e)))
(assert_exception (invoke "throw"))
;; A name section naming a function the module does not have is invalid; one that does
;; not decode is malformed.
(assert_invalid_custom
  (module binary "\00asm\01\00\00\00" "\00\0a\04name\01\03\01\00\00")
  "invalid name")
(assert_malformed_custom
  (module binary "\00asm\01\00\00\00" "\00\08\04name\01\05\01")
  "malformed name")

;; Definitions are instantiated later, each instance with its own state.
(module definition $counter
  (global $n (mut i32) (i32.const 0))
  (func (export "next") (result i32)
    (global.set $n (i32.add (global.get $n) (i32.const 1)))
    (global.get $n)))
(module instance $a $counter)
(module instance $b $counter)
(assert_return (invoke $a "next") (i32.const 1))
(assert_return (invoke $a "next") (i32.const 2))
(assert_return (invoke $b "next") (i32.const 1))
;; Without a module name, the latest definition.
(module instance $c)
(assert_return (invoke $c "next") (i32.const 1))
(assert_return (invoke "next") (i32.const 2))
