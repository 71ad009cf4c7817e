;; test: optimize
;; Wasmtime #13381: objects move and are mutable, so loads from GC objects (fields,
;; elements, array length, the header in casts) are never `readonly` or `can_move`: the
;; mid-end must not hoist or merge them across a safepoint.
(module
  (type $s (struct (field (mut i32))))
  (type $a (array (mut i64)))
  (func $f (param $r (ref $s)) (param $v (ref $a)) (param $x anyref) (result i64)
    (i64.add
      (i64.add (i64.extend_i32_u (struct.get $s 0 (local.get $r)))
               (array.get $a (local.get $v) (i32.const 0)))
      (i64.add (i64.extend_i32_u (array.len (local.get $v)))
               (i64.extend_i32_u (ref.test (ref $s) (local.get $x)))))))

;; check: ;; function f
;; nextln: function u0:0(i64 vmctx, i64, i64, i64, i64) -> i64 tail {
;; nextln: gv0 = vmctx
;; nextln: gv1 = load.i64 notrap aligned readonly gv0
;; nextln: gv2 = load.i64 notrap aligned gv1
;; nextln: stack_limit = gv2
;; nextln: block0(v0: i64, v1: i64, v2: i64, v3: i64, v4: i64):
;; nextln: @0026                               trapz v2, user14
;; nextln: @0026                               v6 = load.i32 notrap aligned v2+8
;; nextln: @002f                               trapz v3, user15
;; nextln: @002f                               v9 = load.i32 notrap aligned v3+8
;; nextln: @002d                               v8 = iconst.i32 0
;; nextln: v34 = icmp eq v9, v8  ; v8 = 0
;; nextln: @002f                               trapnz v34, user11
;; nextln: @002f                               v15 = load.i64 notrap aligned v3+16
;; nextln: @003a                               v20 = iconst.i8 0
;; nextln: @003a                               brif v4, block3, block2(v20)  ; v20 = 0
;; nextln: block3:
;; nextln: @003a                               v21 = iconst.i64 1
;; nextln: @003a                               v22 = band.i64 v4, v21  ; v21 = 1
;; nextln: v47 = iconst.i8 0
;; nextln: @003a                               brif v22, block5(v47), block4  ; v47 = 0
;; nextln: block4:
;; nextln: @003a                               v25 = load.i64 notrap aligned v4
;; nextln: @003a                               v26 = load.i64 notrap aligned readonly can_move v0+48
;; nextln: @003a                               v27 = load.i64 notrap aligned readonly can_move v26
;; nextln: @003a                               v28 = icmp eq v25, v27
;; nextln: @003a                               jump block5(v28)
;; nextln: block5(v24: i8):
;; nextln: @003a                               jump block2(v24)
;; nextln: block2(v19: i8):
;; nextln: @0040                               jump block1
;; nextln: block1:
;; nextln: @002a                               v7 = uextend.i64 v6
;; nextln: @0032                               v16 = iadd v7, v15
;; nextln: @0037                               v18 = uextend.i64 v9
;; nextln: v45 = uextend.i64 v19
;; nextln: @003e                               v31 = iadd v18, v45
;; nextln: @003f                               v32 = iadd v16, v31
;; nextln: @0040                               return v32
;; nextln: }
