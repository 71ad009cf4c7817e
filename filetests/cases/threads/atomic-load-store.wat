;; test: translate
;; Atomic loads and stores are seq-cst atomic_load/atomic_store; a byte access needs no
;; alignment check; atomic.fence is a fence.
(module
  (memory 1 1 shared)
  (func (param i32) (result i32)
    (i32.atomic.load8_u (local.get 0)))
  (func (param i32 i64)
    (i64.atomic.store (local.get 0) (local.get 1))
    (atomic.fence)))
;; check: function u0:0
;; not: band
;; check: atomic_load.i8 user2 aligned little
;; nextln: uextend.i32
;; check: function u0:1
;; check: band
;; check: atomic_store user2 aligned little
;; check: fence
