;; test: spill
;; Wasmtime #12862: the result of a `select` between two references is a reference; it is
;; live across the call, so it is spilled and reloaded like any other.
(module
  (type $s (struct (field (mut i32))))
  (import "env" "g" (func $g))
  (func $f (param $a (ref $s)) (param $b (ref $s)) (param $c i32) (result i32)
    (local $r (ref $s))
    (local.set $r (select (result (ref $s)) (local.get $a) (local.get $b) (local.get $c)))
    (call $g)
    (struct.get $s 0 (local.get $r))))

;; The `select` of two references is spilled, in the stack map, and reloaded for the
;; `struct.get`.
;; check: v7 = select v4, v2, v3
;; nextln: v13 = stack_addr.i64 ss0
;; nextln: store notrap v7, v13
;; check: call_indirect sig0, v10(v11, v0), stack_map=[i64 @ ss0+0]
;; nextln: v14 = stack_addr.i64 ss0
;; nextln: v15 = load.i64 notrap v14
;; not: v7
;; check: v12 = load.i32 notrap aligned v15+8

;; output:
;; ;; function f
;; function u0:0(i64 vmctx, i64, i64, i64, i32) -> i32 tail {
;;     ss0 = explicit_slot 8, align = 8
;;     gv0 = vmctx
;;     gv1 = load.i64 notrap aligned readonly gv0
;;     gv2 = load.i64 notrap aligned gv1
;;     sig0 = (i64 vmctx, i64) tail
;;     stack_limit = gv2
;;                                 block0(v0: i64, v1: i64, v2: i64, v3: i64, v4: i32):
;;                                     v5 = iconst.i64 0
;; @0038                               v7 = select v4, v2, v3
;;                                     v13 = stack_addr.i64 ss0
;;                                     store notrap v7, v13
;; @003e                               v8 = load.i64 notrap aligned readonly can_move v0+40
;; @003e                               v9 = load.i64 notrap aligned readonly can_move v8
;; @003e                               v10 = load.i64 notrap aligned readonly can_move v9
;; @003e                               v11 = load.i64 notrap aligned readonly can_move v9+8
;; @003e                               call_indirect sig0, v10(v11, v0), stack_map=[i64 @ ss0+0]
;;                                     v14 = stack_addr.i64 ss0
;;                                     v15 = load.i64 notrap v14
;; @0042                               trapz v15, user14
;; @0042                               v12 = load.i32 notrap aligned v15+8
;; @0046                               jump block1(v12)
;;                                 block1(v6: i32):
;; @0046                               return v6
;; }
