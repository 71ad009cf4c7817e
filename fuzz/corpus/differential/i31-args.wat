(module
  ;; Hand-written: i31 arguments (the oracle passes i31refs where the type admits them),
  ;; stored in an array across an allocation.
  (type $a (array (mut (ref null i31))))
  (func (export "i31s") (param (ref i31)) (param eqref) (result (ref $a))
    (local $x (ref null $a))
    (local.set $x (array.new $a (local.get 0) (i32.const 4)))
    (drop (array.new_default $a (i32.const 2)))
    (array.set $a (local.get $x) (i32.const 2) (ref.cast (ref null i31) (local.get 1)))
    (ref.as_non_null (local.get $x))))
