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

;; Every load from a GC object is plain: the struct field (v2+8), the array length (v3+8),
;; the element (v3+16) and the header read by the cast (v4).
;; not: readonly v2
;; not: readonly v3
;; not: readonly v4
;; check: v6 = load.i32 notrap aligned v2+8
;; check: v9 = load.i32 notrap aligned v3+8
;; check: v15 = load.i64 notrap aligned v3+16
;; check: v25 = load.i64 notrap aligned v4
;; not: readonly v2
;; not: readonly v3
;; not: readonly v4

;; output:
;; ;; function f
;; function u0:0(i64 vmctx, i64, i64, i64, i64) -> i64 tail {
;;     gv0 = vmctx
;;     gv1 = load.i64 notrap aligned readonly gv0
;;     gv2 = load.i64 notrap aligned gv1
;;     stack_limit = gv2
;;                                 block0(v0: i64, v1: i64, v2: i64, v3: i64, v4: i64):
;; @0026                               trapz v2, user14
;; @0026                               v6 = load.i32 notrap aligned v2+8
;; @002f                               trapz v3, user15
;; @002f                               v9 = load.i32 notrap aligned v3+8
;; @002d                               v8 = iconst.i32 0
;;                                     v34 = icmp eq v9, v8  ; v8 = 0
;; @002f                               trapnz v34, user11
;; @002f                               v15 = load.i64 notrap aligned v3+16
;; @003a                               v20 = iconst.i8 0
;; @003a                               brif v4, block3, block2(v20)  ; v20 = 0
;;                                 block3:
;; @003a                               v21 = iconst.i64 1
;; @003a                               v22 = band.i64 v4, v21  ; v21 = 1
;;                                     v47 = iconst.i8 0
;; @003a                               brif v22, block5(v47), block4  ; v47 = 0
;;                                 block4:
;; @003a                               v25 = load.i64 notrap aligned v4
;; @003a                               v26 = load.i64 notrap aligned readonly can_move v0+48
;; @003a                               v27 = load.i64 notrap aligned readonly can_move v26
;; @003a                               v28 = icmp eq v25, v27
;; @003a                               jump block5(v28)
;;                                 block5(v24: i8):
;; @003a                               jump block2(v24)
;;                                 block2(v19: i8):
;; @0040                               jump block1
;;                                 block1:
;; @002a                               v7 = uextend.i64 v6
;; @0032                               v16 = iadd v7, v15
;; @0037                               v18 = uextend.i64 v9
;;                                     v45 = uextend.i64 v19
;; @003e                               v31 = iadd v18, v45
;; @003f                               v32 = iadd v16, v31
;; @0040                               return v32
;; }
