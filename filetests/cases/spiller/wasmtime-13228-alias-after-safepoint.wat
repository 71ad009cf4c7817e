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

;; The loop's uses of `$r` name an alias of the parameter v2; resolved, both uses after the
;; safepoint (the `struct.set` in the loop, the `struct.get` after it) read reloads, and no
;; use reads v2 after the spill.
;; check: store notrap v2, v24
;; not: v2
;; check: call fn0(v0, v8, v6), stack_map=[i64 @ ss0+0]
;; check: v25 = stack_addr.i64 ss0
;; nextln: v26 = load.i64 notrap v25
;; nextln: trapz v26, user14
;; nextln: store notrap aligned v18, v26+8
;; check: block3:
;; nextln: v27 = stack_addr.i64 ss0
;; nextln: v28 = load.i64 notrap v27
;; nextln: trapz v28, user14
;; nextln: v23 = load.i32 notrap aligned v28+8
;; not: v2

;; output:
;; ;; function f
;; function u0:0(i64 vmctx, i64, i64, i32) -> i32 tail {
;;     ss0 = explicit_slot 8, align = 8
;;     gv0 = vmctx
;;     gv1 = load.i64 notrap aligned readonly gv0
;;     gv2 = load.i64 notrap aligned gv1
;;     sig0 = (i64, i64, i64) -> i64 tail
;;     fn0 = colocated u0:1 sig0
;;     stack_limit = gv2
;;                                 block0(v0: i64, v1: i64, v2: i64, v3: i32):
;;                                     v24 = stack_addr.i64 ss0
;;                                     store notrap v2, v24
;; @001f                               jump block2(v3)
;;                                 block2(v20: i32):
;; @0021                               v5 = iconst.i32 1
;; @0023                               v6 = iconst.i64 16
;; @0023                               v7 = load.i64 notrap aligned readonly can_move v0+48
;; @0023                               v8 = load.i64 notrap aligned readonly can_move v7
;; @0023                               v9 = load.i64 notrap aligned readonly can_move v0
;; @0023                               v10 = load.i64 notrap aligned v9+16
;; @0023                               v11 = load.i64 notrap aligned v9+24
;; @0023                               v12 = iadd v10, v6  ; v6 = 16
;; @0023                               v13 = icmp ule v12, v11
;; @0023                               brif v13, block4, block5
;;                                 block4:
;; @0023                               store.i64 notrap aligned v12, v9+16
;; @0023                               jump block6(v10)
;;                                 block5 cold:
;; @0023                               v15 = call fn0(v0, v8, v6), stack_map=[i64 @ ss0+0]  ; v6 = 16
;; @0023                               jump block6(v15)
;;                                 block6(v14: i64):
;; @0023                               store.i64 notrap aligned v8, v14
;; @0023                               store.i32 notrap aligned v5, v14+8  ; v5 = 1
;; @0029                               v18 = iconst.i32 5
;;                                     v25 = stack_addr.i64 ss0
;;                                     v26 = load.i64 notrap v25
;; @002b                               trapz v26, user14
;; @002b                               store notrap aligned v18, v26+8  ; v18 = 5
;; @0031                               v21 = iconst.i32 1
;; @0033                               v22 = isub.i32 v20, v21  ; v21 = 1
;; @0036                               brif v22, block2(v22), block7
;;                                 block7:
;; @0038                               jump block3
;;                                 block3:
;;                                     v27 = stack_addr.i64 ss0
;;                                     v28 = load.i64 notrap v27
;; @003b                               trapz v28, user14
;; @003b                               v23 = load.i32 notrap aligned v28+8
;; @003f                               jump block1(v23)
;;                                 block1(v4: i32):
;; @003f                               return v4
;; }
