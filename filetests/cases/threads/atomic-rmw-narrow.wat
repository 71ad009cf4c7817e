;; test: translate
;; A narrow atomic read-modify-write works on the narrow type: the operand is reduced, the
;; old value zero-extended; the offset is folded into the address (atomic instructions take
;; no offset immediate) and the alignment check comes first. (Cranelift does not print the flags of
;; atomic_rmw and atomic_cas: tests/wast/atomics-traps.wast checks that they trap.)
(module
  (memory 1 1 shared)
  (func (param i32 i64) (result i64)
    (i64.atomic.rmw16.add_u offset=6 (local.get 0) (local.get 1))))
;; check: iconst.i64 6
;; nextln: iadd
;; check: iconst.i64 1
;; nextln: band
;; nextln: trapnz
;; sameln: user17
;; check: ireduce.i16
;; check: atomic_rmw.i16 add
;; nextln: uextend.i64
