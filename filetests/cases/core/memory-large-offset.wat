;; test: translate
;; An offset that does not fit Cranelift's signed 32-bit immediate is added explicitly.
(module
  (memory 1)
  (func (param i32) (result i32)
    (i32.load offset=0xfffffff0 (local.get 0))))
;; check: iconst.i64 0xffff_fff0
;; nextln: iadd
;; check: load.i32 user2 little
