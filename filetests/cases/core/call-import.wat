;; test: translate
;; A call to an imported function goes through its funcref (code and callee vmctx); a call
;; to a defined function is a direct call passing our own vmctx twice.
(module
  (import "env" "f" (func $f (param i32) (result i32)))
  (func $g (param i32) (result i32) (local.get 0))
  (func (param i32) (result i32)
    (i32.add (call $f (local.get 0)) (call $g (local.get 0)))))
;; check: function u0:0
;; check: function u0:1
;; check: sig0 = (i64 vmctx, i64, i32) -> i32 tail
;; check: call_indirect sig0
;; check: call fn0(v0, v0, v2)
