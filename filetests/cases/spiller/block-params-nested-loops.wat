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

;; check: ;; function f
;; nextln: function u0:0(i64 vmctx, i64, i64, i64, i32, i32) -> i32 tail {
;; nextln: ss0 = explicit_slot 8, align = 8
;; nextln: gv0 = vmctx
;; nextln: gv1 = load.i64 notrap aligned readonly gv0
;; nextln: gv2 = load.i64 notrap aligned gv1
;; nextln: sig0 = (i64, i64, i64) -> i64 tail
;; nextln: fn0 = colocated u0:1 sig0
;; nextln: stack_limit = gv2
;; nextln: block0(v0: i64, v1: i64, v2: i64, v3: i64, v4: i32, v5: i32):
;; nextln: v6 = iconst.i64 0
;; nextln: v7 = iconst.i32 0
;; nextln: @0029                               brif v4, block2, block3
;; nextln: block2:
;; nextln: @002e                               jump block4(v2)
;; nextln: block3:
;; nextln: @0031                               jump block4(v3)
;; nextln: block4(v9: i64):
;; nextln: v34 = stack_addr.i64 ss0
;; nextln: store notrap v9, v34
;; nextln: @0034                               jump block5(v5)
;; nextln: block5(v10: i32):
;; nextln: @003a                               jump block7(v10, v10)
;; nextln: block7(v25: i32, v32: i32):
;; nextln: @003c                               v11 = iconst.i32 1
;; nextln: @003e                               v12 = iconst.i64 16
;; nextln: @003e                               v13 = load.i64 notrap aligned readonly can_move v0+48
;; nextln: @003e                               v14 = load.i64 notrap aligned readonly can_move v13
;; nextln: @003e                               v15 = load.i64 notrap aligned readonly can_move v0
;; nextln: @003e                               v16 = load.i64 notrap aligned v15+16
;; nextln: @003e                               v17 = load.i64 notrap aligned v15+24
;; nextln: @003e                               v18 = iadd v16, v12  ; v12 = 16
;; nextln: @003e                               v19 = icmp ule v18, v17
;; nextln: @003e                               brif v19, block9, block10
;; nextln: block9:
;; nextln: @003e                               store.i64 notrap aligned v18, v15+16
;; nextln: @003e                               jump block11(v16)
;; nextln: block10 cold:
;; nextln: @003e                               v21 = call fn0(v0, v14, v12), stack_map=[i64 @ ss0+0]  ; v12 = 16
;; nextln: @003e                               jump block11(v21)
;; nextln: block11(v20: i64):
;; nextln: @003e                               store.i64 notrap aligned v14, v20
;; nextln: @003e                               store.i32 notrap aligned v11, v20+8  ; v11 = 1
;; nextln: v35 = stack_addr.i64 ss0
;; nextln: v36 = load.i64 notrap v35
;; nextln: @0046                               trapz v36, user14
;; nextln: @0046                               store.i32 notrap aligned v25, v36+8
;; nextln: @004c                               v26 = iconst.i32 1
;; nextln: @004e                               v27 = isub.i32 v25, v26  ; v26 = 1
;; nextln: @0051                               brif v27, block7(v27, v32), block12
;; nextln: block12:
;; nextln: @0053                               jump block8
;; nextln: block8:
;; nextln: v37 = stack_addr.i64 ss0
;; nextln: v38 = load.i64 notrap v37
;; nextln: @0056                               trapz v38, user14
;; nextln: @0056                               v29 = load.i32 notrap aligned v38+8
;; nextln: @005a                               brif v29, block5(v32), block13
;; nextln: block13:
;; nextln: @005c                               jump block6
;; nextln: block6:
;; nextln: v39 = stack_addr.i64 ss0
;; nextln: v40 = load.i64 notrap v39
;; nextln: @005f                               trapz v40, user14
;; nextln: @005f                               v33 = load.i32 notrap aligned v40+8
;; nextln: @0063                               jump block1(v33)
;; nextln: block1(v8: i32):
;; nextln: @0063                               return v8
;; nextln: }
