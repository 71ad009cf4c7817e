;; test: spill
;; Wasmtime #10456: `$r` changes inside the loop, so SSA construction gives the loop header
;; a block parameter for it that the translator never saw. The parameter receives
;; references, so it is a reference: spilled at the top of the header and reloaded after the
;; safepoint.
(module
  (type $s (struct (field (mut i32))))
  (import "env" "g" (func $g))
  (func $f (param $r (ref $s)) (param $n i32) (result i32)
    (local $sum i32)
    (loop $l
      (call $g)
      (local.set $sum (i32.add (local.get $sum) (struct.get $s 0 (local.get $r))))
      (if (i32.and (local.get $n) (i32.const 1))
        (then (local.set $r (struct.new $s (local.get $n)))))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $sum)))

;; The loop header's SSA parameter v11 (for `$r`, which the loop reassigns) receives
;; references, so it is a reference: spilled at the top of the header, named in the call's
;; stack map, reloaded for the `struct.get` and for the back edge of the `else` path.
;; check: block2(v10: i32, v11: i64, v14: i32):
;; nextln: v34 = stack_addr.i64 ss0
;; nextln: store notrap v11, v34
;; check: call_indirect sig0, v8(v9, v0), stack_map=[i64 @ ss0+0]
;; nextln: v35 = stack_addr.i64 ss0
;; nextln: v36 = load.i64 notrap v35
;; not: v11
;; check: v12 = load.i32 notrap aligned v36+8
;; check: block5:
;; nextln: v37 = stack_addr.i64 ss0
;; nextln: v38 = load.i64 notrap v37
;; nextln: jump block6(v38)
;; not: v11

;; output:
;; ;; function f
;; function u0:0(i64 vmctx, i64, i64, i32) -> i32 tail {
;;     ss0 = explicit_slot 8, align = 8
;;     gv0 = vmctx
;;     gv1 = load.i64 notrap aligned readonly gv0
;;     gv2 = load.i64 notrap aligned gv1
;;     sig0 = (i64 vmctx, i64) tail
;;     sig1 = (i64, i64, i64) -> i64 tail
;;     fn0 = colocated u0:1 sig1
;;     stack_limit = gv2
;;                                 block0(v0: i64, v1: i64, v2: i64, v3: i32):
;;                                     v4 = iconst.i32 0
;; @002f                               jump block2(v4, v2, v3)  ; v4 = 0
;;                                 block2(v10: i32, v11: i64, v14: i32):
;;                                     v34 = stack_addr.i64 ss0
;;                                     store notrap v11, v34
;; @0031                               v6 = load.i64 notrap aligned readonly can_move v0+40
;; @0031                               v7 = load.i64 notrap aligned readonly can_move v6
;; @0031                               v8 = load.i64 notrap aligned readonly can_move v7
;; @0031                               v9 = load.i64 notrap aligned readonly can_move v7+8
;; @0031                               call_indirect sig0, v8(v9, v0), stack_map=[i64 @ ss0+0]
;;                                     v35 = stack_addr.i64 ss0
;;                                     v36 = load.i64 notrap v35
;; @0037                               trapz v36, user14
;; @0037                               v12 = load.i32 notrap aligned v36+8
;; @003b                               v13 = iadd v10, v12
;; @0040                               v15 = iconst.i32 1
;; @0042                               v16 = band v14, v15  ; v15 = 1
;; @0043                               brif v16, block4, block5
;;                                 block4:
;; @0047                               v17 = iconst.i64 16
;; @0047                               v18 = load.i64 notrap aligned readonly can_move v0+48
;; @0047                               v19 = load.i64 notrap aligned readonly can_move v18
;; @0047                               v20 = load.i64 notrap aligned readonly can_move v0
;; @0047                               v21 = load.i64 notrap aligned v20+16
;; @0047                               v22 = load.i64 notrap aligned v20+24
;; @0047                               v23 = iadd v21, v17  ; v17 = 16
;; @0047                               v24 = icmp ule v23, v22
;; @0047                               brif v24, block7, block8
;;                                 block7:
;; @0047                               store.i64 notrap aligned v23, v20+16
;; @0047                               jump block9(v21)
;;                                 block8 cold:
;; @0047                               v26 = call fn0(v0, v19, v17)  ; v17 = 16
;; @0047                               jump block9(v26)
;;                                 block9(v25: i64):
;; @0047                               store.i64 notrap aligned v19, v25
;; @0047                               store.i32 notrap aligned v14, v25+8
;; @004c                               jump block6(v25)
;;                                 block5:
;;                                     v37 = stack_addr.i64 ss0
;;                                     v38 = load.i64 notrap v37
;; @004c                               jump block6(v38)
;;                                 block6(v33: i64):
;; @004f                               v29 = iconst.i32 1
;; @0051                               v30 = isub.i32 v14, v29  ; v29 = 1
;; @0054                               brif v30, block2(v13, v33, v30), block10
;;                                 block10:
;; @0056                               jump block3
;;                                 block3:
;; @0059                               jump block1(v13)
;;                                 block1(v5: i32):
;; @0059                               return v5
;; }
