;; test: translate
;; Atomic loads and stores are seq-cst atomic_load/atomic_store; a byte access needs no
;; alignment check; atomic.fence is a fence. On a shared memory each one is a scheduling
;; point (issue 29): a test of the store context's `sched` word (offset 56), and a cold call
;; of the thread adapter (builtin 20, sched_point) with the point's kind and address.
(module
  (memory 1 1 shared)
  (func (param i32) (result i32)
    (i32.atomic.load8_u (local.get 0)))
  (func (param i32 i64)
    (i64.atomic.store (local.get 0) (local.get 1))
    (atomic.fence)))
;; check: function u0:0
;; not: band
;; check: v8 = iadd
;; check: readonly can_move v9+56
;; nextln: brif v10, block2, block3
;; nextln: block2 cold:
;; check: call fn0(v0, v13, v11, v8, v12)
;; sameln: v13 = 20, v11 = 0
;; check: block3:
;; nextln: atomic_load.i8 user2 aligned little v8
;; nextln: uextend.i32
;; check: function u0:1
;; check: band
;; check: cold:
;; check: call fn0
;; check: atomic_store.i64 user2 aligned little
;; check: cold:
;; check: call fn0
;; sameln: v20 = 4
;; check: fence
