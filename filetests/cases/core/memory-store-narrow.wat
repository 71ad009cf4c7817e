;; test: translate
;; i64.store8 / i32.store16 become istore8 / istore16; i64.load32_s a sign-extending load.
(module
  (memory 1)
  (func (param i32 i64)
    (i64.store8 (local.get 0) (local.get 1))
    (i32.store16 offset=2 (local.get 0) (i32.wrap_i64 (local.get 1))))
  (func (param i32) (result i64)
    (i64.load32_s (local.get 0))))
;; check: istore8 user2 little
;; check: istore16 user2 little
;; check: sload32 user2 little
