;; GC benchmark (issue 12): a table of 1,048,576 boxed values (an old array once the first
;; collections have promoted it) updated in place 40 million times: every update stores a
;; freshly allocated (young) box into the old array, an old-to-young store the write barrier
;; must record, and every fourth also writes a young box into an old box's link field. It
;; measures the barrier and the remembered set. Prints through `spectest.print_char`.
(module
  (type $box (struct (field (mut i64)) (field (mut (ref null $box)))))
  (type $table (array (mut (ref null $box))))
  (import "spectest" "print_char" (func $print_char (param i32)))

  (func $print_u64 (param $v i64)
    (if (i64.ge_u (local.get $v) (i64.const 10))
      (then (call $print_u64 (i64.div_u (local.get $v) (i64.const 10)))))
    (call $print_char (i32.add (i32.const 48) (i32.wrap_i64 (i64.rem_u (local.get $v) (i64.const 10))))))

  (func (export "_start")
    (local $t (ref $table)) (local $i i32) (local $k i32) (local $b (ref null $box))
    (local $sum i64) (local $x i32)
    (local.set $t (array.new_default $table (i32.const 1048576)))
    (loop $fill
      (array.set $table (local.get $t) (local.get $i)
        (struct.new $box (i64.extend_i32_u (local.get $i)) (ref.null $box)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $fill (i32.lt_u (local.get $i) (i32.const 1048576))))
    (local.set $i (i32.const 0))
    (local.set $x (i32.const 12345))
    (loop $update
      ;; xorshift32 picks the slot
      (local.set $x (i32.xor (local.get $x) (i32.shl (local.get $x) (i32.const 13))))
      (local.set $x (i32.xor (local.get $x) (i32.shr_u (local.get $x) (i32.const 17))))
      (local.set $x (i32.xor (local.get $x) (i32.shl (local.get $x) (i32.const 5))))
      (local.set $k (i32.and (local.get $x) (i32.const 1048575)))
      (local.set $b (array.get $table (local.get $t) (local.get $k)))
      (array.set $table (local.get $t) (local.get $k)
        (struct.new $box
          (i64.add (struct.get $box 0 (local.get $b)) (i64.extend_i32_u (local.get $i)))
          (ref.null $box)))
      (if (i32.eqz (i32.and (local.get $i) (i32.const 3)))
        (then
          ;; link an old box (another slot's, unless replaced since) to a young one
          (struct.set $box 1
            (ref.as_non_null (array.get $table (local.get $t)
              (i32.and (i32.add (local.get $k) (i32.const 7)) (i32.const 1048575))))
            (struct.new $box (i64.const 1) (ref.null $box)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $update (i32.lt_u (local.get $i) (i32.const 40000000))))
    (local.set $i (i32.const 0))
    (loop $total
      (local.set $b (array.get $table (local.get $t) (local.get $i)))
      (local.set $sum (i64.add (local.get $sum) (struct.get $box 0 (local.get $b))))
      (if (i32.eqz (ref.is_null (struct.get $box 1 (local.get $b))))
        (then (local.set $sum (i64.add (local.get $sum) (i64.const 1)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $total (i32.lt_u (local.get $i) (i32.const 1048576))))
    (call $print_u64 (local.get $sum))
    (call $print_char (i32.const 10))))
