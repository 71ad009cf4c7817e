;; test: spill
;; References as block results (block parameters in CLIF) and across two nested loops
;; whose inner body allocates: the block parameter is spilled where it is defined and
;; reloaded after each safepoint in both loops.
(module
  (type $s (struct (field (mut i32))))
  (func $f (param $a (ref $s)) (param $b (ref $s)) (param $c i32) (param $n i32) (result i32)
    (local $r (ref null $s))
    (local $i i32)
    (local.set $r
      (if (result (ref $s)) (local.get $c) (then (local.get $a)) (else (local.get $b))))
    (loop $outer
      (local.set $i (local.get $n))
      (loop $inner
        (drop (struct.new $s (i32.const 1)))
        (struct.set $s 0 (local.get $r) (local.get $i))
        (br_if $inner (local.tee $i (i32.sub (local.get $i) (i32.const 1)))))
      (br_if $outer (struct.get $s 0 (local.get $r))))
    (struct.get $s 0 (local.get $r))))

;; The block parameter v9 (the `if` result) is spilled where it is defined; the inner
;; loop's allocation carries it in its stack map, and each use (the `struct.set` in the
;; inner loop, the `struct.get`s of both loop exits) reads a fresh reload, never v9.
;; check: block4(v9: i64):
;; nextln: v34 = stack_addr.i64 ss0
;; nextln: store notrap v9, v34
;; not: v9
;; check: call fn0(v0, v14, v12), stack_map=[i64 @ ss0+0]
;; check: v36 = load.i64 notrap v35
;; nextln: trapz v36, user14
;; nextln: store.i32 notrap aligned v25, v36+8
;; check: block8:
;; nextln: v37 = stack_addr.i64 ss0
;; nextln: v38 = load.i64 notrap v37
;; check: block6:
;; nextln: v39 = stack_addr.i64 ss0
;; nextln: v40 = load.i64 notrap v39
;; not: v9

;; output:
;; ;; function f
;; function u0:0(i64 vmctx, i64, i64, i64, i32, i32) -> i32 tail {
;;     ss0 = explicit_slot 8, align = 8
;;     gv0 = vmctx
;;     gv1 = load.i64 notrap aligned readonly gv0
;;     gv2 = load.i64 notrap aligned gv1
;;     sig0 = (i64, i64, i64) -> i64 tail
;;     fn0 = colocated u0:1 sig0
;;     stack_limit = gv2
;;                                 block0(v0: i64, v1: i64, v2: i64, v3: i64, v4: i32, v5: i32):
;;                                     v6 = iconst.i64 0
;;                                     v7 = iconst.i32 0
;; @0029                               brif v4, block2, block3
;;                                 block2:
;; @002e                               jump block4(v2)
;;                                 block3:
;; @0031                               jump block4(v3)
;;                                 block4(v9: i64):
;;                                     v34 = stack_addr.i64 ss0
;;                                     store notrap v9, v34
;; @0034                               jump block5(v5)
;;                                 block5(v10: i32):
;; @003a                               jump block7(v10, v10)
;;                                 block7(v25: i32, v32: i32):
;; @003c                               v11 = iconst.i32 1
;; @003e                               v12 = iconst.i64 16
;; @003e                               v13 = load.i64 notrap aligned readonly can_move v0+48
;; @003e                               v14 = load.i64 notrap aligned readonly can_move v13
;; @003e                               v15 = load.i64 notrap aligned readonly can_move v0
;; @003e                               v16 = load.i64 notrap aligned v15+16
;; @003e                               v17 = load.i64 notrap aligned v15+24
;; @003e                               v18 = iadd v16, v12  ; v12 = 16
;; @003e                               v19 = icmp ule v18, v17
;; @003e                               brif v19, block9, block10
;;                                 block9:
;; @003e                               store.i64 notrap aligned v18, v15+16
;; @003e                               jump block11(v16)
;;                                 block10 cold:
;; @003e                               v21 = call fn0(v0, v14, v12), stack_map=[i64 @ ss0+0]  ; v12 = 16
;; @003e                               jump block11(v21)
;;                                 block11(v20: i64):
;; @003e                               store.i64 notrap aligned v14, v20
;; @003e                               store.i32 notrap aligned v11, v20+8  ; v11 = 1
;;                                     v35 = stack_addr.i64 ss0
;;                                     v36 = load.i64 notrap v35
;; @0046                               trapz v36, user14
;; @0046                               store.i32 notrap aligned v25, v36+8
;; @004c                               v26 = iconst.i32 1
;; @004e                               v27 = isub.i32 v25, v26  ; v26 = 1
;; @0051                               brif v27, block7(v27, v32), block12
;;                                 block12:
;; @0053                               jump block8
;;                                 block8:
;;                                     v37 = stack_addr.i64 ss0
;;                                     v38 = load.i64 notrap v37
;; @0056                               trapz v38, user14
;; @0056                               v29 = load.i32 notrap aligned v38+8
;; @005a                               brif v29, block5(v32), block13
;;                                 block13:
;; @005c                               jump block6
;;                                 block6:
;;                                     v39 = stack_addr.i64 ss0
;;                                     v40 = load.i64 notrap v39
;; @005f                               trapz v40, user14
;; @005f                               v33 = load.i32 notrap aligned v40+8
;; @0063                               jump block1(v33)
;;                                 block1(v8: i32):
;; @0063                               return v8
;; }
