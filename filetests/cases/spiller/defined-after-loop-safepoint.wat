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

;; check: ;; function g
;; nextln: function u0:0(i64 vmctx, i64) -> i64 tail {
;; nextln: gv0 = vmctx
;; nextln: gv1 = load.i64 notrap aligned readonly gv0
;; nextln: gv2 = load.i64 notrap aligned gv1
;; nextln: sig0 = (i64, i64, i64) -> i64 tail
;; nextln: fn0 = colocated u0:2 sig0
;; nextln: stack_limit = gv2
;; nextln: block0(v0: i64, v1: i64):
;; nextln: @0023                               v3 = iconst.i32 7
;; nextln: @0025                               v4 = iconst.i64 16
;; nextln: @0025                               v5 = load.i64 notrap aligned readonly can_move v0+48
;; nextln: @0025                               v6 = load.i64 notrap aligned readonly can_move v5
;; nextln: @0025                               v7 = load.i64 notrap aligned readonly can_move v0
;; nextln: @0025                               v8 = load.i64 notrap aligned v7+16
;; nextln: @0025                               v9 = load.i64 notrap aligned v7+24
;; nextln: @0025                               v10 = iadd v8, v4  ; v4 = 16
;; nextln: @0025                               v11 = icmp ule v10, v9
;; nextln: @0025                               brif v11, block2, block3
;; nextln: block2:
;; nextln: @0025                               store.i64 notrap aligned v10, v7+16
;; nextln: @0025                               jump block4(v8)
;; nextln: block3 cold:
;; nextln: @0025                               v13 = call fn0(v0, v6, v4)  ; v4 = 16
;; nextln: @0025                               jump block4(v13)
;; nextln: block4(v12: i64):
;; nextln: @0025                               store.i64 notrap aligned v6, v12
;; nextln: @0025                               store.i32 notrap aligned v3, v12+8  ; v3 = 7
;; nextln: @0028                               jump block1(v12)
;; nextln: block1(v2: i64):
;; nextln: @0028                               return v2
;; nextln: }
;; nextln: ;; function f
;; nextln: function u0:1(i64 vmctx, i64, i32) -> i32 tail {
;; nextln: gv0 = vmctx
;; nextln: gv1 = load.i64 notrap aligned readonly gv0
;; nextln: gv2 = load.i64 notrap aligned gv1
;; nextln: sig0 = (i64 vmctx, i64) -> i64 tail
;; nextln: sig1 = (i64, i64, i64) -> i64 tail
;; nextln: fn0 = colocated u0:0 sig0
;; nextln: fn1 = colocated u0:2 sig1
;; nextln: stack_limit = gv2
;; nextln: block0(v0: i64, v1: i64, v2: i32):
;; nextln: v3 = iconst.i64 0
;; nextln: v4 = iconst.i32 0
;; nextln: @0030                               jump block2(v3, v4, v2)  ; v3 = 0, v4 = 0
;; nextln: block2(v6: i64, v10: i32, v15: i32):
;; nextln: @0034                               v7 = iconst.i64 0
;; nextln: @0034                               v8 = icmp eq v6, v7  ; v7 = 0
;; nextln: @0034                               v9 = uextend.i32 v8
;; nextln: @0035                               brif v9, block4, block5
;; nextln: block4:
;; nextln: @0037                               jump block6(v10)
;; nextln: block5:
;; nextln: @003c                               trapz.i64 v6, user14
;; nextln: @003c                               v11 = load.i32 notrap aligned v6+8
;; nextln: @0040                               v12 = iadd.i32 v10, v11
;; nextln: @0043                               jump block6(v12)
;; nextln: block6(v30: i32):
;; nextln: @0044                               v13 = call fn0(v0, v0)
;; nextln: @0049                               v16 = iconst.i64 16
;; nextln: @0049                               v17 = load.i64 notrap aligned readonly can_move v0+48
;; nextln: @0049                               v18 = load.i64 notrap aligned readonly can_move v17
;; nextln: @0049                               v19 = load.i64 notrap aligned readonly can_move v0
;; nextln: @0049                               v20 = load.i64 notrap aligned v19+16
;; nextln: @0049                               v21 = load.i64 notrap aligned v19+24
;; nextln: @0049                               v22 = iadd v20, v16  ; v16 = 16
;; nextln: @0049                               v23 = icmp ule v22, v21
;; nextln: @0049                               brif v23, block7, block8
;; nextln: block7:
;; nextln: @0049                               store.i64 notrap aligned v22, v19+16
;; nextln: @0049                               jump block9(v20)
;; nextln: block8 cold:
;; nextln: @0049                               v25 = call fn1(v0, v18, v16)  ; v16 = 16
;; nextln: @0049                               jump block9(v25)
;; nextln: block9(v24: i64):
;; nextln: @0049                               store.i64 notrap aligned v18, v24
;; nextln: @0049                               store.i32 notrap aligned v15, v24+8
;; nextln: @0050                               v27 = iconst.i32 1
;; nextln: @0052                               v28 = isub.i32 v15, v27  ; v27 = 1
;; nextln: @0055                               brif v28, block2(v24, v30, v28), block10
;; nextln: block10:
;; nextln: @0057                               jump block3
;; nextln: block3:
;; nextln: @005c                               trapz.i64 v24, user14
;; nextln: @005c                               v31 = load.i32 notrap aligned v24+8
;; nextln: @0060                               v32 = iadd.i32 v30, v31
;; nextln: @0061                               jump block1(v32)
;; nextln: block1(v5: i32):
;; nextln: @0061                               return v5
;; nextln: }
