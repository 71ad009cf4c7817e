;; test: optimize
;; An immutable global of a GC type still changes when the collector moves its object, so
;; its loads are plain (not `readonly`/`can_move`): the mid-end must not merge the load
;; before the allocation with the one after it. (Found on the Kotlin and MoonBit programs:
;; a merged load read a moved object.)
(module
  (type $s (struct (field (mut i32))))
  (global $g (ref $s) (struct.new $s (i32.const 1)))
  (func $f (result i32)
    (local $x i32)
    (local.set $x (struct.get $s 0 (global.get $g)))
    (drop (struct.new $s (i32.const 2)))
    (i32.add (local.get $x) (struct.get $s 0 (global.get $g)))))

;; The global's cell (v5) is loaded plainly before the allocation (v6) and again after it
;; (v22): two loads, neither `readonly` nor `can_move`, not merged across the safepoint.
;; not: readonly can_move v5
;; check: v6 = load.i64 notrap aligned v5
;; check: v18 = call fn0(v0, v11, v25)
;; check: v22 = load.i64 notrap aligned v5
;; nextln: trapz v22, user14
;; nextln: v23 = load.i32 notrap aligned v22+8

;; output:
;; ;; function f
;; function u0:0(i64 vmctx, i64) -> i32 tail {
;;     gv0 = vmctx
;;     gv1 = load.i64 notrap aligned readonly gv0
;;     gv2 = load.i64 notrap aligned gv1
;;     sig0 = (i64, i64, i64) -> i64 tail
;;     fn0 = colocated u0:1 sig0
;;     stack_limit = gv2
;;                                 block0(v0: i64, v1: i64):
;; @002a                               v4 = load.i64 notrap aligned readonly can_move v0+32
;; @002a                               v5 = load.i64 notrap aligned readonly can_move v4
;; @002a                               v6 = load.i64 notrap aligned v5
;; @002c                               trapz v6, user14
;; @002c                               v7 = load.i32 notrap aligned v6+8
;; @0034                               v12 = load.i64 notrap aligned readonly can_move v0
;; @0034                               v13 = load.i64 notrap aligned v12+16
;; @0034                               v14 = load.i64 notrap aligned v12+24
;; @0034                               v9 = iconst.i64 16
;; @0034                               v15 = iadd v13, v9  ; v9 = 16
;; @0034                               v16 = icmp ule v15, v14
;; @0034                               brif v16, block2, block3
;;                                 block2:
;;                                     v26 = iadd.i64 v13, v9  ; v9 = 16
;; @0034                               store notrap aligned v26, v12+16
;; @0034                               jump block4(v13)
;;                                 block3 cold:
;; @0034                               v10 = load.i64 notrap aligned readonly can_move v0+48
;; @0034                               v11 = load.i64 notrap aligned readonly can_move v10
;;                                     v25 = iconst.i64 16
;; @0034                               v18 = call fn0(v0, v11, v25)  ; v25 = 16
;; @0034                               jump block4(v18)
;;                                 block4(v17: i64):
;;                                     v27 = load.i64 notrap aligned readonly can_move v0+48
;;                                     v28 = load.i64 notrap aligned readonly can_move v27
;; @0034                               store notrap aligned v28, v17
;; @0032                               v8 = iconst.i32 2
;; @0034                               store notrap aligned v8, v17+8  ; v8 = 2
;; @003a                               v22 = load.i64 notrap aligned v5
;; @003c                               trapz v22, user14
;; @003c                               v23 = load.i32 notrap aligned v22+8
;; @0041                               jump block1
;;                                 block1:
;; @0040                               v24 = iadd.i32 v7, v23
;; @0041                               return v24
;; }
