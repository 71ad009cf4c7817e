;; test: spill
;; Wasmtime #13461: a reference that is not live across any safepoint gets no stack slot
;; and no reload. `$r` is last used before the allocation, whose own result is dropped.
(module
  (type $s (struct (field (mut i32))))
  (func $f (param $r (ref $s)) (result i32)
    (local $x i32)
    (local.set $x (struct.get $s 0 (local.get $r)))
    (drop (struct.new $s (i32.const 1)))
    (local.get $x)))

;; `$r` (v2) is read before the allocation and never again: no slot, no stack map, no
;; reload.
;; not: explicit_slot
;; check: v5 = load.i32 notrap aligned v2+8
;; check: v16 = call fn0(v0, v9, v7)
;; not: stack_map
;; not: stack_addr
;; check: return v4

;; output:
;; ;; function f
;; function u0:0(i64 vmctx, i64, i64) -> i32 tail {
;;     gv0 = vmctx
;;     gv1 = load.i64 notrap aligned readonly gv0
;;     gv2 = load.i64 notrap aligned gv1
;;     sig0 = (i64, i64, i64) -> i64 tail
;;     fn0 = colocated u0:1 sig0
;;     stack_limit = gv2
;;                                 block0(v0: i64, v1: i64, v2: i64):
;;                                     v3 = iconst.i32 0
;; @0022                               trapz v2, user14
;; @0022                               v5 = load.i32 notrap aligned v2+8
;; @0028                               v6 = iconst.i32 1
;; @002a                               v7 = iconst.i64 16
;; @002a                               v8 = load.i64 notrap aligned readonly can_move v0+48
;; @002a                               v9 = load.i64 notrap aligned readonly can_move v8
;; @002a                               v10 = load.i64 notrap aligned readonly can_move v0
;; @002a                               v11 = load.i64 notrap aligned v10+16
;; @002a                               v12 = load.i64 notrap aligned v10+24
;; @002a                               v13 = iadd v11, v7  ; v7 = 16
;; @002a                               v14 = icmp ule v13, v12
;; @002a                               brif v14, block2, block3
;;                                 block2:
;; @002a                               store.i64 notrap aligned v13, v10+16
;; @002a                               jump block4(v11)
;;                                 block3 cold:
;; @002a                               v16 = call fn0(v0, v9, v7)  ; v7 = 16
;; @002a                               jump block4(v16)
;;                                 block4(v15: i64):
;; @002a                               store.i64 notrap aligned v9, v15
;; @002a                               store.i32 notrap aligned v6, v15+8  ; v6 = 1
;; @0030                               jump block1(v5)
;;                                 block1(v4: i32):
;; @0030                               return v4
;; }
