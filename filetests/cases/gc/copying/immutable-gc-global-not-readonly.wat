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

;; check: ;; function f
;; nextln: function u0:0(i64 vmctx, i64) -> i32 tail {
;; nextln: gv0 = vmctx
;; nextln: gv1 = load.i64 notrap aligned readonly gv0
;; nextln: gv2 = load.i64 notrap aligned gv1
;; nextln: sig0 = (i64, i64, i64) -> i64 tail
;; nextln: fn0 = colocated u0:1 sig0
;; nextln: stack_limit = gv2
;; nextln: block0(v0: i64, v1: i64):
;; nextln: @002a                               v4 = load.i64 notrap aligned readonly can_move v0+32
;; nextln: @002a                               v5 = load.i64 notrap aligned readonly can_move v4
;; nextln: @002a                               v6 = load.i64 notrap aligned v5
;; nextln: @002c                               trapz v6, user14
;; nextln: @002c                               v7 = load.i32 notrap aligned v6+8
;; nextln: @0034                               v12 = load.i64 notrap aligned readonly can_move v0
;; nextln: @0034                               v13 = load.i64 notrap aligned v12+16
;; nextln: @0034                               v14 = load.i64 notrap aligned v12+24
;; nextln: @0034                               v9 = iconst.i64 16
;; nextln: @0034                               v15 = iadd v13, v9  ; v9 = 16
;; nextln: @0034                               v16 = icmp ule v15, v14
;; nextln: @0034                               brif v16, block2, block3
;; nextln: block2:
;; nextln: v26 = iadd.i64 v13, v9  ; v9 = 16
;; nextln: @0034                               store notrap aligned v26, v12+16
;; nextln: @0034                               jump block4(v13)
;; nextln: block3 cold:
;; nextln: @0034                               v10 = load.i64 notrap aligned readonly can_move v0+48
;; nextln: @0034                               v11 = load.i64 notrap aligned readonly can_move v10
;; nextln: v25 = iconst.i64 16
;; nextln: @0034                               v18 = call fn0(v0, v11, v25)  ; v25 = 16
;; nextln: @0034                               jump block4(v18)
;; nextln: block4(v17: i64):
;; nextln: v27 = load.i64 notrap aligned readonly can_move v0+48
;; nextln: v28 = load.i64 notrap aligned readonly can_move v27
;; nextln: @0034                               store notrap aligned v28, v17
;; nextln: @0032                               v8 = iconst.i32 2
;; nextln: @0034                               store notrap aligned v8, v17+8  ; v8 = 2
;; nextln: @003a                               v22 = load.i64 notrap aligned v5
;; nextln: @003c                               trapz v22, user14
;; nextln: @003c                               v23 = load.i32 notrap aligned v22+8
;; nextln: @0041                               jump block1
;; nextln: block1:
;; nextln: @0040                               v24 = iadd.i32 v7, v23
;; nextln: @0041                               return v24
;; nextln: }
