;; test: translate
;; A 64-bit memory's atomic access checks alignment on the wrapped sum, then bounds with
;; overflow traps, as its plain accesses do.
(module
  (memory i64 1 1 shared)
  (func (param i64) (result i32)
    (i32.atomic.load offset=4 (local.get 0))))
;; check: iadd
;; check: band
;; nextln: trapnz
;; sameln: user17
;; check: uadd_overflow_trap
;; sameln: user2
;; check: uadd_overflow_trap
;; check: icmp ugt
;; check: trapnz
;; sameln: user2
;; check: atomic_load.i32 user2 aligned little
