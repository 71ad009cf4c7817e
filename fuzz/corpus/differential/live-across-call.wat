(module
  ;; Hand-written: arrays and structs live across calls to allocating functions, in a loop,
  ;; linked into a list whose cells are compared field by field.
  (type $cell (struct (field i32) (field (ref null $cell))))
  (type $arr (array (mut i32)))
  (func $alloc (result (ref $arr)) (array.new $arr (i32.const 3) (i32.const 4)))
  (func (export "list") (result (ref null $cell))
    (local $l (ref null $cell)) (local $i i32)
    (loop $next
      (local.set $l (struct.new $cell (local.get $i) (local.get $l)))
      (drop (call $alloc))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $next (i32.lt_u (local.get $i) (i32.const 6))))
    (local.get $l))
  (func (export "array_sum") (result i32)
    (local $a (ref null $arr)) (local $b (ref null $arr))
    (local.set $a (call $alloc))
    (array.set $arr (local.get $a) (i32.const 1) (i32.const 40))
    (local.set $b (call $alloc))
    (i32.add (array.get $arr (local.get $a) (i32.const 1))
             (array.get $arr (local.get $b) (i32.const 2)))))
