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

;; Two slots: ss0 for the loop-invariant `$a` (v2), written once before the loop; ss1 for
;; `$b` (v16), written in the loop right after its allocation and before the call, whose
;; stack map names both. Both `struct.get`s read reloads.
;; check: ss0 = explicit_slot 8, align = 8
;; nextln: ss1 = explicit_slot 8, align = 8
;; check: v33 = stack_addr.i64 ss0
;; nextln: store notrap v2, v33
;; check: block2(v7: i32, v23: i32):
;; not: store notrap v2
;; check: call fn0(v0, v10, v8), stack_map=[i64 @ ss0+0]
;; check: block6(v16: i64):
;; nextln: v34 = stack_addr.i64 ss1
;; nextln: store notrap v16, v34
;; check: call_indirect sig1, v20(v21, v0), stack_map=[i64 @ ss0+0, i64 @ ss1+0]
;; nextln: v35 = stack_addr.i64 ss0
;; nextln: v36 = load.i64 notrap v35
;; check: v26 = load.i32 notrap aligned v36+8
;; nextln: v37 = stack_addr.i64 ss1
;; nextln: v38 = load.i64 notrap v37
;; check: v27 = load.i32 notrap aligned v38+8

;; output:
;; ;; function f
;; function u0:0(i64 vmctx, i64, i64, i32) -> i32 tail {
;;     ss0 = explicit_slot 8, align = 8
;;     ss1 = explicit_slot 8, align = 8
;;     gv0 = vmctx
;;     gv1 = load.i64 notrap aligned readonly gv0
;;     gv2 = load.i64 notrap aligned gv1
;;     sig0 = (i64, i64, i64) -> i64 tail
;;     sig1 = (i64 vmctx, i64) tail
;;     fn0 = colocated u0:1 sig0
;;     stack_limit = gv2
;;                                 block0(v0: i64, v1: i64, v2: i64, v3: i32):
;;                                     v33 = stack_addr.i64 ss0
;;                                     store notrap v2, v33
;;                                     v4 = iconst.i64 0
;;                                     v5 = iconst.i32 0
;; @0032                               jump block2(v3, v5)  ; v5 = 0
;;                                 block2(v7: i32, v23: i32):
;; @0036                               v8 = iconst.i64 16
;; @0036                               v9 = load.i64 notrap aligned readonly can_move v0+48
;; @0036                               v10 = load.i64 notrap aligned readonly can_move v9
;; @0036                               v11 = load.i64 notrap aligned readonly can_move v0
;; @0036                               v12 = load.i64 notrap aligned v11+16
;; @0036                               v13 = load.i64 notrap aligned v11+24
;; @0036                               v14 = iadd v12, v8  ; v8 = 16
;; @0036                               v15 = icmp ule v14, v13
;; @0036                               brif v15, block4, block5
;;                                 block4:
;; @0036                               store.i64 notrap aligned v14, v11+16
;; @0036                               jump block6(v12)
;;                                 block5 cold:
;; @0036                               v17 = call fn0(v0, v10, v8), stack_map=[i64 @ ss0+0]  ; v8 = 16
;; @0036                               jump block6(v17)
;;                                 block6(v16: i64):
;;                                     v34 = stack_addr.i64 ss1
;;                                     store notrap v16, v34
;; @0036                               store.i64 notrap aligned v10, v16
;; @0036                               store.i32 notrap aligned v7, v16+8
;; @003b                               v18 = load.i64 notrap aligned readonly can_move v0+40
;; @003b                               v19 = load.i64 notrap aligned readonly can_move v18
;; @003b                               v20 = load.i64 notrap aligned readonly can_move v19
;; @003b                               v21 = load.i64 notrap aligned readonly can_move v19+8
;; @003b                               call_indirect sig1, v20(v21, v0), stack_map=[i64 @ ss0+0, i64 @ ss1+0]
;;                                     v35 = stack_addr.i64 ss0
;;                                     v36 = load.i64 notrap v35
;; @0041                               trapz v36, user14
;; @0041                               v26 = load.i32 notrap aligned v36+8
;;                                     v37 = stack_addr.i64 ss1
;;                                     v38 = load.i64 notrap v37
;; @0047                               trapz v38, user14
;; @0047                               v27 = load.i32 notrap aligned v38+8
;; @004b                               v28 = iadd v26, v27
;; @004c                               v29 = iadd.i32 v23, v28
;; @0051                               v31 = iconst.i32 1
;; @0053                               v32 = isub.i32 v7, v31  ; v31 = 1
;; @0056                               brif v32, block2(v32, v29), block7
;;                                 block7:
;; @0058                               jump block3
;;                                 block3:
;; @005b                               jump block1(v29)
;;                                 block1(v6: i32):
;; @005b                               return v6
;; }
