;; test: spill
;; Wasmtime #13461: a loop-invariant reference (`$a`, defined before the loop) and one
;; defined inside the loop (`$b`) are both live across the loop's safepoint; they get two
;; different slots, and each slot is written before the safepoint reads it.
(module
  (type $s (struct (field (mut i32))))
  (import "env" "g" (func $g))
  (func $f (param $a (ref $s)) (param $n i32) (result i32)
    (local $b (ref null $s))
    (local $sum i32)
    (loop $l
      (local.set $b (struct.new $s (local.get $n)))
      (call $g)
      (local.set $sum (i32.add (local.get $sum)
        (i32.add (struct.get $s 0 (local.get $a)) (struct.get $s 0 (local.get $b)))))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $sum)))

;; check: ;; function f
;; nextln: function u0:0(i64 vmctx, i64, i64, i32) -> i32 tail {
;; nextln: ss0 = explicit_slot 8, align = 8
;; nextln: ss1 = explicit_slot 8, align = 8
;; nextln: gv0 = vmctx
;; nextln: gv1 = load.i64 notrap aligned readonly gv0
;; nextln: gv2 = load.i64 notrap aligned gv1
;; nextln: sig0 = (i64, i64, i64) -> i64 tail
;; nextln: sig1 = (i64 vmctx, i64) tail
;; nextln: fn0 = colocated u0:1 sig0
;; nextln: stack_limit = gv2
;; nextln: block0(v0: i64, v1: i64, v2: i64, v3: i32):
;; nextln: v35 = stack_addr.i64 ss0
;; nextln: store notrap v2, v35
;; nextln: v4 = iconst.i64 0
;; nextln: v5 = iconst.i32 0
;; nextln: @0032                               jump block2(v3, v5)  ; v5 = 0
;; nextln: block2(v7: i32, v25: i32):
;; nextln: @0036                               v8 = iconst.i64 16
;; nextln: @0036                               v9 = load.i64 notrap aligned readonly can_move v0
;; nextln: @0036                               v10 = load.i64 notrap aligned v9+16
;; nextln: @0036                               v11 = load.i64 notrap aligned v9+24
;; nextln: @0036                               v12 = iadd v10, v8  ; v8 = 16
;; nextln: @0036                               v13 = icmp ule v12, v11
;; nextln: @0036                               brif v13, block4, block5
;; nextln: block4:
;; nextln: @0036                               store.i64 notrap aligned v12, v9+16
;; nextln: @0036                               jump block6(v10)
;; nextln: block5 cold:
;; nextln: @0036                               v15 = load.i64 notrap aligned readonly can_move v0+48
;; nextln: @0036                               v16 = load.i64 notrap aligned readonly can_move v15
;; nextln: @0036                               v17 = call fn0(v0, v16, v8), stack_map=[i64 @ ss0+0]  ; v8 = 16
;; nextln: @0036                               jump block6(v17)
;; nextln: block6(v14: i64):
;; nextln: v36 = stack_addr.i64 ss1
;; nextln: store notrap v14, v36
;; nextln: @0036                               v18 = load.i64 notrap aligned readonly can_move v0+48
;; nextln: @0036                               v19 = load.i64 notrap aligned readonly can_move v18
;; nextln: @0036                               store notrap aligned v19, v14
;; nextln: @0036                               store.i32 notrap aligned v7, v14+8
;; nextln: @003b                               v20 = load.i64 notrap aligned readonly can_move v0+40
;; nextln: @003b                               v21 = load.i64 notrap aligned readonly can_move v20
;; nextln: @003b                               v22 = load.i64 notrap aligned readonly can_move v21
;; nextln: @003b                               v23 = load.i64 notrap aligned readonly can_move v21+8
;; nextln: @003b                               call_indirect sig1, v22(v23, v0), stack_map=[i64 @ ss0+0, i64 @ ss1+0]
;; nextln: v37 = stack_addr.i64 ss0
;; nextln: v38 = load.i64 notrap v37
;; nextln: @0041                               trapz v38, user14
;; nextln: @0041                               v28 = load.i32 notrap aligned v38+8
;; nextln: v39 = stack_addr.i64 ss1
;; nextln: v40 = load.i64 notrap v39
;; nextln: @0047                               trapz v40, user14
;; nextln: @0047                               v29 = load.i32 notrap aligned v40+8
;; nextln: @004b                               v30 = iadd v28, v29
;; nextln: @004c                               v31 = iadd.i32 v25, v30
;; nextln: @0051                               v33 = iconst.i32 1
;; nextln: @0053                               v34 = isub.i32 v7, v33  ; v33 = 1
;; nextln: @0056                               brif v34, block2(v34, v31), block7
;; nextln: block7:
;; nextln: @0058                               jump block3
;; nextln: block3:
;; nextln: @005b                               jump block1(v31)
;; nextln: block1(v6: i32):
;; nextln: @005b                               return v6
;; nextln: }
