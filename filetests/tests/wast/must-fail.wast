;; Self-test of the spec runner: every assertion below is wrong, so each must count as a
;; failure (filetests/tests/wast_runner.rs checks the counts and the lines). Only the
;; plain modules pass.
(module
  (func (export "div") (param i32) (result i32) (i32.div_u (i32.const 1) (local.get 0)))
  (func $loop (export "loop") (call $loop))
  (func (export "nop")))

;; A valid module is not invalid.
(assert_invalid (module (func (result i32) (i32.const 0))) "type mismatch")
;; A malformed binary is not invalid (it does not decode).
(assert_invalid (module binary "\00asm\01\00\00\00\01") "type mismatch")
;; A text module that the runner cannot encode (unknown label) is a runner error.
(assert_invalid (module (func (br $nowhere))) "unknown label")
;; A module that decodes is not malformed, valid or not.
(assert_malformed (module binary "\00asm\01\00\00\00") "unexpected end")
(assert_malformed (module quote "(func (result i32) (i64.const 0))") "type mismatch")
;; Trap messages: the expected text must be a prefix of the actual one.
(assert_trap (invoke "div" (i32.const 0)) "integer overflow")
(assert_trap (invoke "div" (i32.const 0)) "divide by zero")
(assert_trap (invoke "div" (i32.const 0)) "integer divide by zero, and more")
(assert_trap (invoke "div" (i32.const 1)) "integer divide by zero")
(assert_exhaustion (invoke "loop") "out of bounds memory access")
;; A trap is not an exception.
(assert_exception (invoke "div" (i32.const 0)))
;; Link errors: a module that links, and a wrong message.
(assert_unlinkable (module (func)) "unknown import")
(assert_unlinkable (module (import "spectest" "nothing" (func))) "incompatible import type")
;; An instantiation that does not trap, and one that traps with another message.
(assert_trap (module (func $s) (start $s)) "unreachable")
(assert_trap (module (func $s unreachable) (start $s)) "out of bounds")
;; Custom sections that are fine.
(assert_malformed_custom (module quote "(func $f)") "malformed name")
(assert_invalid_custom (module (func $f)) "invalid name")
;; A module instance of an unknown definition.
(module instance $i $undefined)
