;; test: spill
;; A reference defined inside a loop after the loop's safepoint and used before the next
;; one (at the top of the following iteration and after the loop) is never live across a
;; safepoint: no slot, no reload.
(module
  (type $s (struct (field (mut i32))))
  (func $g (result (ref $s)) (struct.new $s (i32.const 7)))
  (func $f (param $n i32) (result i32)
    (local $x (ref null $s))
    (local $sum i32)
    (loop $l
      (if (ref.is_null (local.get $x)) (then) (else
        (local.set $sum (i32.add (local.get $sum) (struct.get $s 0 (local.get $x))))))
      (drop (call $g))
      (local.set $x (struct.new $s (local.get $n)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (i32.add (local.get $sum) (struct.get $s 0 (local.get $x)))))

;; In `$f`, `$x` (the block parameter v6, then the new object v24) is never live across a
;; safepoint: no slot, neither the call to `$g` nor the allocation slow path has a stack
;; map, and the uses read v6 and v24 directly.
;; check: ;; function f
;; not: explicit_slot
;; check: block2(v6: i64, v10: i32, v15: i32):
;; check: v11 = load.i32 notrap aligned v6+8
;; check: v13 = call fn0(v0, v0)
;; not: stack_map
;; check: v25 = call fn1(v0, v18, v16)
;; not: stack_map
;; check: block3:
;; not: stack_addr
;; nextln: trapz.i64 v24, user14
;; nextln: v31 = load.i32 notrap aligned v24+8

;; output:
;; ;; function g
;; function u0:0(i64 vmctx, i64) -> i64 tail {
;;     gv0 = vmctx
;;     gv1 = load.i64 notrap aligned readonly gv0
;;     gv2 = load.i64 notrap aligned gv1
;;     sig0 = (i64, i64, i64) -> i64 tail
;;     fn0 = colocated u0:2 sig0
;;     stack_limit = gv2
;;                                 block0(v0: i64, v1: i64):
;; @0023                               v3 = iconst.i32 7
;; @0025                               v4 = iconst.i64 16
;; @0025                               v5 = load.i64 notrap aligned readonly can_move v0+48
;; @0025                               v6 = load.i64 notrap aligned readonly can_move v5
;; @0025                               v7 = load.i64 notrap aligned readonly can_move v0
;; @0025                               v8 = load.i64 notrap aligned v7+16
;; @0025                               v9 = load.i64 notrap aligned v7+24
;; @0025                               v10 = iadd v8, v4  ; v4 = 16
;; @0025                               v11 = icmp ule v10, v9
;; @0025                               brif v11, block2, block3
;;                                 block2:
;; @0025                               store.i64 notrap aligned v10, v7+16
;; @0025                               jump block4(v8)
;;                                 block3 cold:
;; @0025                               v13 = call fn0(v0, v6, v4)  ; v4 = 16
;; @0025                               jump block4(v13)
;;                                 block4(v12: i64):
;; @0025                               store.i64 notrap aligned v6, v12
;; @0025                               store.i32 notrap aligned v3, v12+8  ; v3 = 7
;; @0028                               jump block1(v12)
;;                                 block1(v2: i64):
;; @0028                               return v2
;; }
;; ;; function f
;; function u0:1(i64 vmctx, i64, i32) -> i32 tail {
;;     gv0 = vmctx
;;     gv1 = load.i64 notrap aligned readonly gv0
;;     gv2 = load.i64 notrap aligned gv1
;;     sig0 = (i64 vmctx, i64) -> i64 tail
;;     sig1 = (i64, i64, i64) -> i64 tail
;;     fn0 = colocated u0:0 sig0
;;     fn1 = colocated u0:2 sig1
;;     stack_limit = gv2
;;                                 block0(v0: i64, v1: i64, v2: i32):
;;                                     v3 = iconst.i64 0
;;                                     v4 = iconst.i32 0
;; @0030                               jump block2(v3, v4, v2)  ; v3 = 0, v4 = 0
;;                                 block2(v6: i64, v10: i32, v15: i32):
;; @0034                               v7 = iconst.i64 0
;; @0034                               v8 = icmp eq v6, v7  ; v7 = 0
;; @0034                               v9 = uextend.i32 v8
;; @0035                               brif v9, block4, block5
;;                                 block4:
;; @0037                               jump block6(v10)
;;                                 block5:
;; @003c                               trapz.i64 v6, user14
;; @003c                               v11 = load.i32 notrap aligned v6+8
;; @0040                               v12 = iadd.i32 v10, v11
;; @0043                               jump block6(v12)
;;                                 block6(v30: i32):
;; @0044                               v13 = call fn0(v0, v0)
;; @0049                               v16 = iconst.i64 16
;; @0049                               v17 = load.i64 notrap aligned readonly can_move v0+48
;; @0049                               v18 = load.i64 notrap aligned readonly can_move v17
;; @0049                               v19 = load.i64 notrap aligned readonly can_move v0
;; @0049                               v20 = load.i64 notrap aligned v19+16
;; @0049                               v21 = load.i64 notrap aligned v19+24
;; @0049                               v22 = iadd v20, v16  ; v16 = 16
;; @0049                               v23 = icmp ule v22, v21
;; @0049                               brif v23, block7, block8
;;                                 block7:
;; @0049                               store.i64 notrap aligned v22, v19+16
;; @0049                               jump block9(v20)
;;                                 block8 cold:
;; @0049                               v25 = call fn1(v0, v18, v16)  ; v16 = 16
;; @0049                               jump block9(v25)
;;                                 block9(v24: i64):
;; @0049                               store.i64 notrap aligned v18, v24
;; @0049                               store.i32 notrap aligned v15, v24+8
;; @0050                               v27 = iconst.i32 1
;; @0052                               v28 = isub.i32 v15, v27  ; v27 = 1
;; @0055                               brif v28, block2(v24, v30, v28), block10
;;                                 block10:
;; @0057                               jump block3
;;                                 block3:
;; @005c                               trapz.i64 v24, user14
;; @005c                               v31 = load.i32 notrap aligned v24+8
;; @0060                               v32 = iadd.i32 v30, v31
;; @0061                               jump block1(v32)
;;                                 block1(v5: i32):
;; @0061                               return v5
;; }
