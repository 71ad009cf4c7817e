;; test: spill
;; `$r` is live across a safepoint on the `then` arm only: that arm reloads it after the
;; allocation; the `else` arm reads the parameter itself, with no reload.
(module
  (type $s (struct (field (mut i32))))
  (func $f (param $r (ref $s)) (param $c i32) (result i32)
    (if (result i32) (local.get $c)
      (then
        (drop (struct.new $s (i32.const 1)))
        (struct.get $s 0 (local.get $r)))
      (else
        (struct.get $s 0 (local.get $r))))))

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
;; nextln: v20 = stack_addr.i64 ss0
;; nextln: store notrap v2, v20
;; nextln: @0021                               brif v3, block2, block3
;; nextln: block2:
;; nextln: @0023                               v6 = iconst.i32 1
;; nextln: @0025                               v7 = iconst.i64 16
;; nextln: @0025                               v8 = load.i64 notrap aligned readonly can_move v0+48
;; nextln: @0025                               v9 = load.i64 notrap aligned readonly can_move v8
;; nextln: @0025                               v10 = load.i64 notrap aligned readonly can_move v0
;; nextln: @0025                               v11 = load.i64 notrap aligned v10+16
;; nextln: @0025                               v12 = load.i64 notrap aligned v10+24
;; nextln: @0025                               v13 = iadd v11, v7  ; v7 = 16
;; nextln: @0025                               v14 = icmp ule v13, v12
;; nextln: @0025                               brif v14, block5, block6
;; nextln: block5:
;; nextln: @0025                               store.i64 notrap aligned v13, v10+16
;; nextln: @0025                               jump block7(v11)
;; nextln: block6 cold:
;; nextln: @0025                               v16 = call fn0(v0, v9, v7), stack_map=[i64 @ ss0+0]  ; v7 = 16
;; nextln: @0025                               jump block7(v16)
;; nextln: block7(v15: i64):
;; nextln: @0025                               store.i64 notrap aligned v9, v15
;; nextln: @0025                               store.i32 notrap aligned v6, v15+8  ; v6 = 1
;; nextln: v21 = stack_addr.i64 ss0
;; nextln: v22 = load.i64 notrap v21
;; nextln: @002b                               trapz v22, user14
;; nextln: @002b                               v18 = load.i32 notrap aligned v22+8
;; nextln: @002f                               jump block4(v18)
;; nextln: block3:
;; nextln: @0032                               trapz.i64 v2, user14
;; nextln: @0032                               v19 = load.i32 notrap aligned v2+8
;; nextln: @0036                               jump block4(v19)
;; nextln: block4(v5: i32):
;; nextln: @0037                               jump block1(v5)
;; nextln: block1(v4: i32):
;; nextln: @0037                               return v4
;; nextln: }
