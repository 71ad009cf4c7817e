(module
  ;; Hand-written: the threads proposal in one thread. A defined shared memory (exported,
  ;; compared after every call) and a plain one, every family of atomic operator, waits
  ;; with a zero and an infinite timeout (the oracle bounds the latter, so both engines
  ;; time out instead of blocking for ever), a notify without waiters, fences, and the
  ;; growth of a shared memory.
  (memory $s (export "shared") 1 4 shared)
  (memory $p (export "plain") 1 1)
  (data (memory $s) (i32.const 16) "\01\02\03\04\05\06\07\08")
  (func (export "rmw") (result i32 i64 i32 i64)
    (i32.atomic.store (i32.const 0) (i32.const 40))
    (drop (i32.atomic.rmw.add (i32.const 0) (i32.const 2)))
    (drop (i32.atomic.rmw8.sub_u (i32.const 1) (i32.const 1)))
    (drop (i32.atomic.rmw16.or_u (i32.const 2) (i32.const 0x8000)))
    (drop (i64.atomic.rmw.xor (i32.const 8) (i64.const -1)))
    (drop (i64.atomic.rmw32.and_u (i32.const 8) (i64.const 0xf0f0f0f0)))
    (drop (i64.atomic.rmw.xchg (i32.const 24) (i64.const 0x1122334455667788)))
    (atomic.fence)
    (i32.atomic.load (i32.const 0))
    (i64.atomic.load (i32.const 8))
    (i32.atomic.load8_u (i32.const 17))
    (i64.atomic.load16_u (i32.const 30)))
  (func (export "cmpxchg") (param $expected i32) (result i32 i32 i64)
    ;; The first one fails (the cell holds 42 after `rmw`, or 0), the second succeeds.
    (i32.atomic.rmw.cmpxchg (i32.const 0) (i32.const 7) (i32.const 9))
    (i32.atomic.rmw.cmpxchg (i32.const 0) (i32.atomic.load (i32.const 0)) (i32.const 99))
    (i64.atomic.rmw16.cmpxchg_u (i32.const 16) (i64.const 0x0201) (i64.const 0xbeef)))
  (func (export "wait_and_notify") (result i32 i32 i32 i32 i32 i32)
    ;; Not-equal (1): cell 0 holds 99, not 5.
    (memory.atomic.wait32 (i32.const 0) (i32.const 5) (i64.const 0))
    ;; Timed out (2): equal, zero timeout.
    (memory.atomic.wait32 (i32.const 0) (i32.const 99) (i64.const 0))
    ;; Timed out (2): equal, an infinite timeout the oracle bounds.
    (memory.atomic.wait32 (i32.const 4) (i32.const 0) (i64.const -1))
    (memory.atomic.wait64 (i32.const 40) (i64.const 0) (i64.const 1000))
    (memory.atomic.wait64 (i32.const 40) (i64.const 1) (i64.const 0))
    ;; No waiters: 0.
    (memory.atomic.notify (i32.const 0) (i32.const 3)))
  (func (export "notify_plain") (result i32)
    ;; A notify on a plain memory is allowed and wakes nobody.
    (memory.atomic.notify $p (i32.const 8) (i32.const 1)))
  (func (export "grow") (result i32 i32 i32)
    (memory.grow $s (i32.const 2))
    (memory.grow $s (i32.const 2))
    (i32.atomic.rmw.add (i32.const 0x2fffc) (i32.const 5)))
  (func (export "plain_atomics") (result i64)
    (i64.atomic.store32 $p (i32.const 64) (i64.const -3))
    (i64.atomic.rmw.sub $p (i32.const 64) (i64.const 1))))
