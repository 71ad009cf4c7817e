;; GC benchmark (issue 12): binarytrees with a long-lived tree of depth 22 (8,388,607
;; nodes of 24 bytes in wasmc: about 200 MB live) kept for the whole run while short-lived
;; trees of depth 4 to 18 are built and checked. It measures pauses with a large live heap:
;; a collector that copies the old generation often pays for the 200 MB each time.
;; Prints through `spectest.print_char` (as the MoonBit programs do).
(module
  (type $node (struct (field (ref null $node)) (field (ref null $node))))
  (import "spectest" "print_char" (func $print_char (param i32)))

  (func $make (param $d i32) (result (ref $node))
    (if (result (ref $node)) (i32.eqz (local.get $d))
      (then (struct.new $node (ref.null $node) (ref.null $node)))
      (else (struct.new $node
        (call $make (i32.sub (local.get $d) (i32.const 1)))
        (call $make (i32.sub (local.get $d) (i32.const 1)))))))

  (func $check (param $n (ref null $node)) (result i64)
    (if (result i64) (ref.is_null (struct.get $node 0 (local.get $n)))
      (then (i64.const 1))
      (else (i64.add (i64.const 1)
        (i64.add (call $check (struct.get $node 0 (local.get $n)))
                 (call $check (struct.get $node 1 (local.get $n))))))))

  (func $print_u64 (param $v i64)
    (if (i64.ge_u (local.get $v) (i64.const 10))
      (then (call $print_u64 (i64.div_u (local.get $v) (i64.const 10)))))
    (call $print_char (i32.add (i32.const 48) (i32.wrap_i64 (i64.rem_u (local.get $v) (i64.const 10))))))

  (func $line (param $a i64) (param $b i64)
    (call $print_u64 (local.get $a))
    (call $print_char (i32.const 32))
    (call $print_u64 (local.get $b))
    (call $print_char (i32.const 10)))

  (func (export "_start")
    (local $long (ref null $node))
    (local $d i32) (local $i i32) (local $iters i32) (local $sum i64)
    (local.set $long (call $make (i32.const 22)))
    (local.set $d (i32.const 4))
    (loop $depths
      ;; 2^(22 - d) trees of depth d: about 2^23 nodes per depth
      (local.set $iters (i32.shl (i32.const 1) (i32.sub (i32.const 22) (local.get $d))))
      (local.set $i (i32.const 0))
      (local.set $sum (i64.const 0))
      (loop $trees
        (local.set $sum (i64.add (local.get $sum) (call $check (call $make (local.get $d)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $trees (i32.lt_u (local.get $i) (local.get $iters))))
      (call $line (i64.extend_i32_u (local.get $d)) (local.get $sum))
      (local.set $d (i32.add (local.get $d) (i32.const 2)))
      (br_if $depths (i32.le_u (local.get $d) (i32.const 18))))
    (call $line (i64.const 22) (call $check (local.get $long)))))
