;; test: translate
;; A loop with block parameters: the header block takes them; results flow out through the
;; continuation block's parameters.
(module
  (func (param i32) (result i32 i32)
    (i32.const 0) (local.get 0)
    (loop (param i32 i32) (result i32 i32)
      (br_if 0 (i32.const 0))))
  (func (param i32) (result f64 i64 i32)
    (f64.const 1) (i64.const 2) (local.get 0)))
;; check: jump block2(v5, v2)
;; check: block2(v6: i32, v7: i32)
;; check: brif v10, block2(v6, v7), block4
;; check: return
