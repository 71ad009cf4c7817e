;; v128 struct fields, array elements and exception payloads across collections (issue 15).
;; `wast_runner.rs` runs this script plain and under WASMC_GC_STRESS=1 WASMC_GC_POISON=1
;; WASMC_GC_VERIFY=1: with a collection at every allocation, a v128 read from a moved object
;; through a stale address would read the poison pattern.
(module
  (type $s (struct (field i32) (field (mut v128)) (field (ref null $s)) (field v128)))
  (type $a (array (mut v128)))
  (tag $t (param v128 (ref null $s)))

  ;; A list of `n` structs; node i holds i, splat(i) as i32x4 and as i64x2. Garbage arrays
  ;; are allocated in between.
  (func $build (param $n i32) (result (ref null $s))
    (local $l (ref null $s)) (local $i i32)
    (loop $next
      (local.set $l
        (struct.new $s (local.get $i) (i32x4.splat (local.get $i)) (local.get $l)
          (i64x2.splat (i64.extend_i32_u (local.get $i)))))
      (drop (array.new $a (v128.const i32x4 1 2 3 4) (i32.const 8)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $next (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $l))

  ;; Number of nodes whose v128 fields still match their index.
  (func (export "list") (param $n i32) (result i32)
    (local $l (ref null $s)) (local $good i32)
    (local.set $l (call $build (local.get $n)))
    (drop (array.new $a (v128.const i32x4 0 0 0 0) (i32.const 100)))
    (block $done
      (loop $walk
        (br_if $done (ref.is_null (local.get $l)))
        (if (i32.and
              (i32x4.all_true (i32x4.eq (struct.get $s 1 (local.get $l))
                                        (i32x4.splat (struct.get $s 0 (local.get $l)))))
              (i64x2.all_true (i64x2.eq (struct.get $s 3 (local.get $l))
                                        (i64x2.splat (i64.extend_i32_u (struct.get $s 0 (local.get $l)))))))
          (then (local.set $good (i32.add (local.get $good) (i32.const 1)))))
        (local.set $l (struct.get $s 2 (local.get $l)))
        (br $walk)))
    (local.get $good))

  ;; Writes splat(i) to element i of an n-element array while allocating, then sums lane 3.
  (func (export "array") (param $n i32) (result i32)
    (local $arr (ref $a)) (local $i i32) (local $sum i32)
    (local.set $arr (array.new $a (v128.const i64x2 -1 -1) (local.get $n)))
    (loop $fill
      (array.set $a (local.get $arr) (local.get $i) (i32x4.splat (local.get $i)))
      (drop (struct.new $s (i32.const 0) (v128.const i32x4 0 0 0 0) (ref.null $s)
                           (v128.const i32x4 0 0 0 0)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $fill (i32.lt_u (local.get $i) (local.get $n))))
    (local.set $i (i32.const 0))
    (loop $add
      (local.set $sum (i32.add (local.get $sum)
        (i32x4.extract_lane 3 (array.get $a (local.get $arr) (local.get $i)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $add (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $sum))

  ;; Throws a v128 and a struct, catches them, allocates, reads both: 9 + 5 + 5.
  (func (export "exception") (result i32)
    (local $v v128) (local $r (ref null $s))
    (block $h (result v128 (ref null $s))
      (try_table (catch $t $h)
        (throw $t (v128.const i32x4 7 8 9 10)
          (struct.new $s (i32.const 5) (v128.const i32x4 5 5 5 5) (ref.null $s)
                         (v128.const i64x2 5 5))))
      (unreachable))
    (local.set $r)
    (local.set $v)
    (drop (array.new $a (v128.const i32x4 0 0 0 0) (i32.const 64)))
    (i32.add
      (i32.add (i32x4.extract_lane 2 (local.get $v)) (struct.get $s 0 (local.get $r)))
      (i32x4.extract_lane 0 (struct.get $s 1 (local.get $r)))))
)
(assert_return (invoke "list" (i32.const 300)) (i32.const 300))
(assert_return (invoke "array" (i32.const 100)) (i32.const 4950))
(assert_return (invoke "exception") (i32.const 19))
