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

;; `$r` (v2) is spilled once at entry; the `then` arm's allocation slow path carries it in
;; its stack map and the `struct.get` after it reads a reload; the `else` arm has no
;; safepoint and reads v2 itself, with no reload.
;; check: block0(v0: i64, v1: i64, v2: i64, v3: i32):
;; nextln: v20 = stack_addr.i64 ss0
;; nextln: store notrap v2, v20
;; check: block2:
;; check: call fn0(v0, v9, v7)
;; sameln: stack_map=[i64 @ ss0+0]
;; check: v21 = stack_addr.i64 ss0
;; nextln: v22 = load.i64 notrap v21
;; not: v2,
;; check: v18 = load.i32 notrap aligned v22+8
;; check: block3:
;; not: stack_addr
;; nextln: trapz.i64 v2, user14
;; nextln: v19 = load.i32 notrap aligned v2+8

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
;;                                     v20 = stack_addr.i64 ss0
;;                                     store notrap v2, v20
;; @0021                               brif v3, block2, block3
;;                                 block2:
;; @0023                               v6 = iconst.i32 1
;; @0025                               v7 = iconst.i64 16
;; @0025                               v8 = load.i64 notrap aligned readonly can_move v0+48
;; @0025                               v9 = load.i64 notrap aligned readonly can_move v8
;; @0025                               v10 = load.i64 notrap aligned readonly can_move v0
;; @0025                               v11 = load.i64 notrap aligned v10+16
;; @0025                               v12 = load.i64 notrap aligned v10+24
;; @0025                               v13 = iadd v11, v7  ; v7 = 16
;; @0025                               v14 = icmp ule v13, v12
;; @0025                               brif v14, block5, block6
;;                                 block5:
;; @0025                               store.i64 notrap aligned v13, v10+16
;; @0025                               jump block7(v11)
;;                                 block6 cold:
;; @0025                               v16 = call fn0(v0, v9, v7), stack_map=[i64 @ ss0+0]  ; v7 = 16
;; @0025                               jump block7(v16)
;;                                 block7(v15: i64):
;; @0025                               store.i64 notrap aligned v9, v15
;; @0025                               store.i32 notrap aligned v6, v15+8  ; v6 = 1
;;                                     v21 = stack_addr.i64 ss0
;;                                     v22 = load.i64 notrap v21
;; @002b                               trapz v22, user14
;; @002b                               v18 = load.i32 notrap aligned v22+8
;; @002f                               jump block4(v18)
;;                                 block3:
;; @0032                               trapz.i64 v2, user14
;; @0032                               v19 = load.i32 notrap aligned v2+8
;; @0036                               jump block4(v19)
;;                                 block4(v5: i32):
;; @0037                               jump block1(v5)
;;                                 block1(v4: i32):
;; @0037                               return v4
;; }
