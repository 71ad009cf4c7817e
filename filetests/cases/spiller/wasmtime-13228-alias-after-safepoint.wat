;; test: spill
;; Wasmtime #13228: SSA construction turns the loop header's parameter for `$r` into an
;; alias of the function parameter. The uses inside the loop name the alias; the spiller
;; must resolve it before rewriting, or the use after the allocation (a safepoint) keeps
;; reading the pre-collection address. Here every use after the slow-path call reads a
;; reload, and the oracle finds no stale use. With `flags: no-alias-resolution` this case
;; fails (tests/filetests.rs checks that).
(module
  (type $s (struct (field (mut i32))))
  (func $f (param $r (ref $s)) (param $n i32) (result i32)
    (loop $l
      (drop (struct.new $s (i32.const 1)))
      (struct.set $s 0 (local.get $r) (i32.const 5))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (struct.get $s 0 (local.get $r))))

;; check: ;; function f
;; nextln: function u0:0(i64 vmctx, i64, i64, i32) -> i32 tail {
;; nextln: ss0 = explicit_slot 8, align = 8
;; nextln: gv0 = vmctx
;; nextln: gv1 = load.i64 notrap aligned readonly gv0
;; nextln: gv2 = load.i64 notrap aligned gv1
;; nextln: sig0 = (i64, i64, i64) -> i64 tail
;; nextln: fn0 = colocated u0:1 sig0
;; nextln: stack_limit = gv2
;; nextln: block0(v0: i64, v1: i64, v2: i64, v3: i32):
;; nextln: v24 = stack_addr.i64 ss0
;; nextln: store notrap v2, v24
;; nextln: @001f                               jump block2(v3)
;; nextln: block2(v20: i32):
;; nextln: @0021                               v5 = iconst.i32 1
;; nextln: @0023                               v6 = iconst.i64 16
;; nextln: @0023                               v7 = load.i64 notrap aligned readonly can_move v0+48
;; nextln: @0023                               v8 = load.i64 notrap aligned readonly can_move v7
;; nextln: @0023                               v9 = load.i64 notrap aligned readonly can_move v0
;; nextln: @0023                               v10 = load.i64 notrap aligned v9+16
;; nextln: @0023                               v11 = load.i64 notrap aligned v9+24
;; nextln: @0023                               v12 = iadd v10, v6  ; v6 = 16
;; nextln: @0023                               v13 = icmp ule v12, v11
;; nextln: @0023                               brif v13, block4, block5
;; nextln: block4:
;; nextln: @0023                               store.i64 notrap aligned v12, v9+16
;; nextln: @0023                               jump block6(v10)
;; nextln: block5 cold:
;; nextln: @0023                               v15 = call fn0(v0, v8, v6), stack_map=[i64 @ ss0+0]  ; v6 = 16
;; nextln: @0023                               jump block6(v15)
;; nextln: block6(v14: i64):
;; nextln: @0023                               store.i64 notrap aligned v8, v14
;; nextln: @0023                               store.i32 notrap aligned v5, v14+8  ; v5 = 1
;; nextln: @0029                               v18 = iconst.i32 5
;; nextln: v25 = stack_addr.i64 ss0
;; nextln: v26 = load.i64 notrap v25
;; nextln: @002b                               trapz v26, user14
;; nextln: @002b                               store notrap aligned v18, v26+8  ; v18 = 5
;; nextln: @0031                               v21 = iconst.i32 1
;; nextln: @0033                               v22 = isub.i32 v20, v21  ; v21 = 1
;; nextln: @0036                               brif v22, block2(v22), block7
;; nextln: block7:
;; nextln: @0038                               jump block3
;; nextln: block3:
;; nextln: v27 = stack_addr.i64 ss0
;; nextln: v28 = load.i64 notrap v27
;; nextln: @003b                               trapz v28, user14
;; nextln: @003b                               v23 = load.i32 notrap aligned v28+8
;; nextln: @003f                               jump block1(v23)
;; nextln: block1(v4: i32):
;; nextln: @003f                               return v4
;; nextln: }
