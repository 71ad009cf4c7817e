;; test: compile
;; Wasmtime #12934: a `try_call` is a safepoint like any call, and its stack map must survive
;; lowering. `$f` keeps `$r` live across the call to `$may_gc` inside a `try_table`, into both
;; the normal return and the landing pad: the compiled function has a stack map and a
;; landing pad at the same return address.
(module
  (type $s (struct (field (mut i32))))
  (tag $e)
  (func $may_gc (drop (struct.new $s (i32.const 1))))
  (func $f (param $r (ref $s)) (result i32)
    (block $h
      (try_table (catch $e $h) (call $may_gc))
      (return (struct.get $s 0 (local.get $r))))
    (i32.add (struct.get $s 0 (local.get $r)) (i32.const 100))))

;; `$may_gc` keeps nothing live; `$f` has one stack map (slot 0, `$r`) and a landing pad at
;; the same return address, the `try_call`'s.
;; check: ;; function may_gc
;; not: stack_map
;; check: ;; function f
;; nextln: stack_map ret 0x4c span 64 slots [0]
;; nextln: landing_pad ret 0x4c pad

;; output:
;; ;; function may_gc
;; ;; function f
;; stack_map ret 0x4c span 64 slots [0]
;; landing_pad ret 0x4c pad 0x7e frame_offset 64
