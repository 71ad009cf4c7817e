;; test: translate
;; wait and notify check alignment, then bounds explicitly (even for a 32-bit memory: they
;; access nothing in compiled code), then call the runtime's parking lot through the thread
;; adapter (builtins 17 wait32, 19 notify: the adapter records the exit frame, so the
;; deterministic scheduler can print a waiting thread's backtrace); on an unshared
;; memory wait traps (user18, "expected shared memory") and notify is 0 without a call.
(module
  (memory $s 1 1 shared)
  (memory $p 1)
  (func (param i32 i32 i64) (result i32)
    (memory.atomic.wait32 $s (local.get 0) (local.get 1) (local.get 2)))
  (func (param i32 i32) (result i32)
    (memory.atomic.notify $s (local.get 0) (local.get 1)))
  (func (param i32 i64 i64) (result i32)
    (memory.atomic.wait64 $p (local.get 0) (local.get 1) (local.get 2)))
  (func (param i32 i32) (result i32)
    (memory.atomic.notify $p (local.get 0) (local.get 1))))
;; check: function u0:0
;; check: band
;; check: trapnz
;; sameln: user17
;; check: icmp ugt
;; check: trapnz
;; sameln: user2
;; check: call fn0(v0, v20, v18, v19, v4)
;; sameln: v20 = 17
;; check: function u0:1
;; check: icmp ugt
;; check: call fn0
;; sameln: v20 = 19
;; check: function u0:2
;; check: band
;; check: user18
;; not: call fn0
;; check: function u0:3
;; check: icmp ugt
;; not: call fn0
;; check: return
