;; test: translate
;; Stores that need no write barrier (issue 12): a null or an `i31ref` value (below 2³², so
;; never young), and any store into an object allocated in the same block with no
;; safepoint since (`struct.new` then `struct.set`: the object is in the nursery or scanned
;; whole by the next minor collection). After a call that may collect, the same object
;; needs the barrier again: it may have been promoted.
(module
  (type $cell (struct (field (mut anyref))))
  (func $null_and_i31 (param $c (ref $cell))
    (struct.set $cell 0 (local.get $c) (ref.null any))
    (struct.set $cell 0 (local.get $c) (ref.i31 (i32.const 5))))
  (func $fresh (param $v anyref) (result (ref $cell))
    (local $c (ref $cell))
    (local.set $c (struct.new $cell (ref.null any)))
    (struct.set $cell 0 (local.get $c) (local.get $v))
    (local.get $c))
  (func $after_safepoint (param $v anyref) (result (ref $cell))
    (local $c (ref $cell))
    (local.set $c (struct.new $cell (ref.null any)))
    (drop (struct.new $cell (ref.null any)))
    (struct.set $cell 0 (local.get $c) (local.get $v))
    (local.get $c)))

;; check: ;; function null_and_i31
;; not: +120
;; check: ;; function fresh
;; not: +120
;; check: ;; function after_safepoint
;; check: +120
;; nextln: call_indirect
