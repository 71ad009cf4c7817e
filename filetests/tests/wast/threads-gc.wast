;; Threads whose stores each allocate and collect (threads proposal scripts' `thread`
;; blocks: a store per OS thread, sharing one memory): every thread builds linked lists of
;; structs in its own GC heap, sums them, and adds its sum to a shared counter atomically;
;; each collector scans only its own thread. Run plainly and under GC stress.
(module $Mem
  (memory (export "shared") 1 1 shared)
  (func (export "total") (result i32) (i32.atomic.load (i32.const 0)))
)

(thread $T1 (shared (module $Mem))
  (register "mem" $Mem)
  (module
    (type $node (struct (field i32) (field (ref null $node))))
    (memory (import "mem" "shared") 1 1 shared)
    (func $list (param $n i32) (result (ref null $node))
      (local $l (ref null $node))
      (loop $build
        (local.set $l (struct.new $node (local.get $n) (local.get $l)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br_if $build (local.get $n)))
      (local.get $l))
    (func $sum (param $l (ref null $node)) (result i32)
      (local $s i32)
      (block $done
        (loop $walk
          (br_if $done (ref.is_null (local.get $l)))
          (local.set $s (i32.add (local.get $s) (struct.get $node 0 (local.get $l))))
          (local.set $l (struct.get $node 1 (local.get $l)))
          (br $walk)))
      (local.get $s))
    (func (export "run") (result i32)
      (local $round i32)
      (local $s i32)
      (loop $rounds
        ;; 1 + ... + 100 = 5050 per round, 50 rounds.
        (local.set $s (i32.add (local.get $s) (call $sum (call $list (i32.const 100)))))
        (local.set $round (i32.add (local.get $round) (i32.const 1)))
        (br_if $rounds (i32.lt_u (local.get $round) (i32.const 50))))
      (drop (i32.atomic.rmw.add (i32.const 0) (local.get $s)))
      (local.get $s))
  )
  (assert_return (invoke "run") (i32.const 252500))
)

(thread $T2 (shared (module $Mem))
  (register "mem" $Mem)
  (module
    (type $box (struct (field i64)))
    (type $boxes (array (mut (ref null $box))))
    (memory (import "mem" "shared") 1 1 shared)
    (func (export "run") (result i32)
      (local $a (ref $boxes))
      (local $i i32)
      (local $s i64)
      (local.set $a (array.new_default $boxes (i32.const 1000)))
      (loop $fill
        (array.set $boxes (local.get $a) (local.get $i)
          (struct.new $box (i64.extend_i32_u (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $fill (i32.lt_u (local.get $i) (i32.const 1000))))
      (local.set $i (i32.const 0))
      (loop $add
        (local.set $s (i64.add (local.get $s)
          (struct.get $box 0 (array.get $boxes (local.get $a) (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $add (i32.lt_u (local.get $i) (i32.const 1000))))
      ;; 0 + ... + 999 = 499500
      (drop (i32.atomic.rmw.add (i32.const 0) (i32.wrap_i64 (local.get $s))))
      (i32.wrap_i64 (local.get $s)))
  )
  (assert_return (invoke "run") (i32.const 499500))
)

(wait $T1)
(wait $T2)
(assert_return (invoke $Mem "total") (i32.const 752000))
