(module
  ;; Hand-written: a struct held in a local across another allocation (a safepoint that
  ;; collects under the oracle's stress mode), then read.
  (type $s (struct (field i32) (field (mut i64))))
  (func (export "live_across_alloc") (result i32)
    (local $a (ref null $s))
    (local.set $a (struct.new $s (i32.const 7) (i64.const 9)))
    (drop (struct.new $s (i32.const 8) (i64.const 10)))
    (struct.get $s 0 (local.get $a)))
  (func (export "returns_object") (result (ref $s))
    (local $a (ref null $s))
    (local.set $a (struct.new $s (i32.const 1) (i64.const -1)))
    (drop (struct.new_default $s))
    (ref.as_non_null (local.get $a))))
