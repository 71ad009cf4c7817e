;; test: translate
;; cmpxchg is atomic_cas; a 32-bit memory's atomic access has no bounds check (the guard
;; region catches it, as for plain loads), only the alignment check.
(module
  (memory 1 1 shared)
  (func (param i32 i32 i32) (result i32)
    (i32.atomic.rmw.cmpxchg (local.get 0) (local.get 1) (local.get 2))))
;; check: iconst.i64 3
;; nextln: band
;; nextln: trapnz
;; sameln: user17
;; not: icmp
;; check: atomic_cas
