;; test: translate
;; `array.fill` and `array.copy` of references end with one bulk barrier: if the array is
;; old (and, for a fill, the value young), builtin 16 (`gc_remember_range`, offset 128)
;; records the slots from the first element stored, with the element count. A fill of an
;; i32 array has none.
(module
  (type $refs (array (mut anyref)))
  (type $ints (array (mut i32)))
  (func $fill (param $a (ref $refs)) (param $v anyref) (param $n i32)
    (array.fill $refs (local.get $a) (i32.const 0) (local.get $v) (local.get $n)))
  (func $copy (param $a (ref $refs)) (param $b (ref $refs)) (param $n i32)
    (array.copy $refs $refs (local.get $a) (i32.const 0) (local.get $b) (i32.const 0) (local.get $n)))
  (func $ints (param $a (ref $ints)) (param $n i32)
    (array.fill $ints (local.get $a) (i32.const 0) (i32.const 1) (local.get $n))))

;; check: ;; function fill
;; check: icmp ult
;; check: icmp ult
;; check: cold:
;; check: +128
;; nextln: call_indirect
;; check: ;; function copy
;; check: +88
;; check: icmp ult
;; check: cold:
;; check: +128
;; nextln: call_indirect
;; check: ;; function ints
;; not: +128
