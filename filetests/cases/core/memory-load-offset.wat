;; test: translate
;; A load adds the zero-extended index to the memory base (loaded, readonly and movable,
;; from the VM context) and folds the static offset; no explicit bounds check (guard pages).
(module
  (memory 1)
  (func (param i32) (result i32)
    (i32.load offset=16 (local.get 0))))
;; check: load.i64 notrap aligned readonly can_move v0
;; check: uextend.i64 v2
;; check: iadd
;; not: icmp
;; check: load.i32 user2 little v8+16
;; not: trapnz
