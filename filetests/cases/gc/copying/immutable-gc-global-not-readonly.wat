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
;; nextln: @0034                               v10 = load.i64 notrap aligned readonly can_move v0
;; nextln: @0034                               v11 = load.i64 notrap aligned v10+16
;; nextln: @0034                               v12 = load.i64 notrap aligned v10+24
;; nextln: @0034                               v9 = iconst.i64 16
;; nextln: @0034                               v13 = iadd v11, v9  ; v9 = 16
;; nextln: @0034                               v14 = icmp ule v13, v12
;; nextln: @0034                               brif v14, block2, block3
;; nextln: block2:
;; nextln: v28 = iadd.i64 v11, v9  ; v9 = 16
;; nextln: @0034                               store notrap aligned v28, v10+16
;; nextln: @0034                               jump block4(v11)
;; nextln: block3 cold:
;; nextln: @0034                               v16 = load.i64 notrap aligned readonly can_move v0+48
;; nextln: @0034                               v17 = load.i64 notrap aligned readonly can_move v16
;; nextln: v27 = iconst.i64 16
;; nextln: @0034                               v18 = call fn0(v0, v17, v27)  ; v27 = 16
;; nextln: @0034                               jump block4(v18)
;; nextln: block4(v15: i64):
;; nextln: v29 = load.i64 notrap aligned readonly can_move v0+48
;; nextln: v30 = load.i64 notrap aligned readonly can_move v29
;; nextln: @0034                               store notrap aligned v30, v15
;; nextln: @0032                               v8 = iconst.i32 2
;; nextln: @0034                               store notrap aligned v8, v15+8  ; v8 = 2
;; nextln: @003a                               v24 = load.i64 notrap aligned v5
;; nextln: @003c                               trapz v24, user14
;; nextln: @003c                               v25 = load.i32 notrap aligned v24+8
;; nextln: @0041                               jump block1
;; nextln: block1:
;; nextln: @0040                               v26 = iadd.i32 v7, v25
;; nextln: @0041                               return v26
;; nextln: }
