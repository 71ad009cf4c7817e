;; test: spill
;; The may-GC analysis resolves `call_indirect` through a table that only an active
;; segment fills (never written, imported or exported): the constant index 0 (here
;; `i32.const 1` minus 1) names `$pure`, which cannot collect, so that call carries no
;; stack map; a dynamic index may reach `$alloc`, so that call is a safepoint. Through the
;; exported table `$open` even a constant index is a safepoint (anything may be stored
;; there).
(module
  (type $s (struct (field (mut i32))))
  (type $v (func (result i32)))
  (table $closed funcref (elem $pure $alloc))
  (table $open (export "t") funcref (elem $pure))
  (func $pure (type $v) (i32.const 1))
  (func $alloc (type $v) (drop (struct.new $s (i32.const 1))) (i32.const 2))
  (func $constant (param $r (ref $s)) (result i32)
    (drop (call_indirect $closed (type $v) (i32.sub (i32.const 1) (i32.const 1))))
    (struct.get $s 0 (local.get $r)))
  (func $dynamic (param $r (ref $s)) (param $i i32) (result i32)
    (drop (call_indirect $closed (type $v) (local.get $i)))
    (struct.get $s 0 (local.get $r)))
  (func $exported (param $r (ref $s)) (result i32)
    (drop (call_indirect $open (type $v) (i32.const 0)))
    (struct.get $s 0 (local.get $r))))

;; `$constant`: the `call_indirect` through the closed table at index 0 can only reach
;; `$pure`: no slot, no stack map, the `struct.get` reads v2. `$dynamic` (any index) and
;; `$exported` (an exported table) are safepoints: v2 is spilled, in the stack map, reloaded.
;; check: ;; function constant
;; not: explicit_slot
;; check: v25 = call_indirect sig0, v23(v24, v0)
;; not: stack_map
;; not: stack_addr
;; check: v26 = load.i32 notrap aligned v2+8
;; check: ;; function dynamic
;; check: store notrap v2, v25
;; check: v23 = call_indirect sig0, v21(v22, v0), stack_map=[i64 @ ss0+0]
;; nextln: v26 = stack_addr.i64 ss0
;; nextln: v27 = load.i64 notrap v26
;; check: v24 = load.i32 notrap aligned v27+8
;; check: ;; function exported
;; check: store notrap v2, v25
;; check: v23 = call_indirect sig0, v21(v22, v0), stack_map=[i64 @ ss0+0]
;; nextln: v26 = stack_addr.i64 ss0
;; nextln: v27 = load.i64 notrap v26
;; check: v24 = load.i32 notrap aligned v27+8

;; output:
;; ;; function pure
;; function u0:0(i64 vmctx, i64) -> i32 tail {
;;     gv0 = vmctx
;;     gv1 = load.i64 notrap aligned readonly gv0
;;     gv2 = load.i64 notrap aligned gv1
;;     stack_limit = gv2
;;                                 block0(v0: i64, v1: i64):
;; @0053                               v3 = iconst.i32 1
;; @0055                               jump block1(v3)  ; v3 = 1
;;                                 block1(v2: i32):
;; @0055                               return v2
;; }
;; ;; function alloc
;; function u0:1(i64 vmctx, i64) -> i32 tail {
;;     gv0 = vmctx
;;     gv1 = load.i64 notrap aligned readonly gv0
;;     gv2 = load.i64 notrap aligned gv1
;;     sig0 = (i64, i64, i64) -> i64 tail
;;     fn0 = colocated u0:5 sig0
;;     stack_limit = gv2
;;                                 block0(v0: i64, v1: i64):
;; @0058                               v3 = iconst.i32 1
;; @005a                               v4 = iconst.i64 16
;; @005a                               v5 = load.i64 notrap aligned readonly can_move v0+48
;; @005a                               v6 = load.i64 notrap aligned readonly can_move v5
;; @005a                               v7 = load.i64 notrap aligned readonly can_move v0
;; @005a                               v8 = load.i64 notrap aligned v7+16
;; @005a                               v9 = load.i64 notrap aligned v7+24
;; @005a                               v10 = iadd v8, v4  ; v4 = 16
;; @005a                               v11 = icmp ule v10, v9
;; @005a                               brif v11, block2, block3
;;                                 block2:
;; @005a                               store.i64 notrap aligned v10, v7+16
;; @005a                               jump block4(v8)
;;                                 block3 cold:
;; @005a                               v13 = call fn0(v0, v6, v4)  ; v4 = 16
;; @005a                               jump block4(v13)
;;                                 block4(v12: i64):
;; @005a                               store.i64 notrap aligned v6, v12
;; @005a                               store.i32 notrap aligned v3, v12+8  ; v3 = 1
;; @005e                               v14 = iconst.i32 2
;; @0060                               jump block1(v14)  ; v14 = 2
;;                                 block1(v2: i32):
;; @0060                               return v2
;; }
;; ;; function constant
;; function u0:2(i64 vmctx, i64, i64) -> i32 tail {
;;     gv0 = vmctx
;;     gv1 = load.i64 notrap aligned readonly gv0
;;     gv2 = load.i64 notrap aligned gv1
;;     sig0 = (i64 vmctx, i64) -> i32 tail
;;     stack_limit = gv2
;;                                 block0(v0: i64, v1: i64, v2: i64):
;; @0063                               v4 = iconst.i32 1
;; @0065                               v5 = iconst.i32 1
;; @0067                               v6 = isub v4, v5  ; v4 = 1, v5 = 1
;; @0068                               v7 = load.i64 notrap aligned readonly can_move v0+24
;; @0068                               v8 = load.i64 notrap aligned readonly can_move v7
;; @0068                               v9 = load.i64 notrap aligned v8+8
;; @0068                               v10 = uextend.i64 v6
;; @0068                               v11 = icmp uge v10, v9
;; @0068                               trapnz v11, user4
;; @0068                               v12 = load.i64 notrap aligned v8
;; @0068                               v13 = iconst.i64 3
;; @0068                               v14 = ishl v10, v13  ; v13 = 3
;; @0068                               v15 = iadd v12, v14
;; @0068                               v16 = load.i64 notrap aligned v15
;; @0068                               v17 = uextend.i64 v6
;; @0068                               brif v16, block3, block2
;;                                 block2 cold:
;; @0068                               v18 = load.i64 notrap aligned readonly can_move v0
;; @0068                               store.i64 notrap aligned v17, v18+48
;; @0068                               trap user5
;;                                 block3:
;; @0068                               v19 = load.i64 notrap aligned readonly v16+16
;; @0068                               v20 = load.i64 notrap aligned readonly can_move v0+48
;; @0068                               v21 = load.i64 notrap aligned readonly can_move v20+8
;; @0068                               v22 = icmp ne v19, v21
;; @0068                               trapnz v22, user6
;; @0068                               v23 = load.i64 notrap aligned readonly v16
;; @0068                               v24 = load.i64 notrap aligned readonly v16+8
;; @0068                               v25 = call_indirect sig0, v23(v24, v0)
;; @006e                               trapz.i64 v2, user14
;; @006e                               v26 = load.i32 notrap aligned v2+8
;; @0072                               jump block1(v26)
;;                                 block1(v3: i32):
;; @0072                               return v3
;; }
;; ;; function dynamic
;; function u0:3(i64 vmctx, i64, i64, i32) -> i32 tail {
;;     ss0 = explicit_slot 8, align = 8
;;     gv0 = vmctx
;;     gv1 = load.i64 notrap aligned readonly gv0
;;     gv2 = load.i64 notrap aligned gv1
;;     sig0 = (i64 vmctx, i64) -> i32 tail
;;     stack_limit = gv2
;;                                 block0(v0: i64, v1: i64, v2: i64, v3: i32):
;;                                     v25 = stack_addr.i64 ss0
;;                                     store notrap v2, v25
;; @0077                               v5 = load.i64 notrap aligned readonly can_move v0+24
;; @0077                               v6 = load.i64 notrap aligned readonly can_move v5
;; @0077                               v7 = load.i64 notrap aligned v6+8
;; @0077                               v8 = uextend.i64 v3
;; @0077                               v9 = icmp uge v8, v7
;; @0077                               trapnz v9, user4
;; @0077                               v10 = load.i64 notrap aligned v6
;; @0077                               v11 = iconst.i64 3
;; @0077                               v12 = ishl v8, v11  ; v11 = 3
;; @0077                               v13 = iadd v10, v12
;; @0077                               v14 = load.i64 notrap aligned v13
;; @0077                               v15 = uextend.i64 v3
;; @0077                               brif v14, block3, block2
;;                                 block2 cold:
;; @0077                               v16 = load.i64 notrap aligned readonly can_move v0
;; @0077                               store.i64 notrap aligned v15, v16+48
;; @0077                               trap user5
;;                                 block3:
;; @0077                               v17 = load.i64 notrap aligned readonly v14+16
;; @0077                               v18 = load.i64 notrap aligned readonly can_move v0+48
;; @0077                               v19 = load.i64 notrap aligned readonly can_move v18+8
;; @0077                               v20 = icmp ne v17, v19
;; @0077                               trapnz v20, user6
;; @0077                               v21 = load.i64 notrap aligned readonly v14
;; @0077                               v22 = load.i64 notrap aligned readonly v14+8
;; @0077                               v23 = call_indirect sig0, v21(v22, v0), stack_map=[i64 @ ss0+0]
;;                                     v26 = stack_addr.i64 ss0
;;                                     v27 = load.i64 notrap v26
;; @007d                               trapz v27, user14
;; @007d                               v24 = load.i32 notrap aligned v27+8
;; @0081                               jump block1(v24)
;;                                 block1(v4: i32):
;; @0081                               return v4
;; }
;; ;; function exported
;; function u0:4(i64 vmctx, i64, i64) -> i32 tail {
;;     ss0 = explicit_slot 8, align = 8
;;     gv0 = vmctx
;;     gv1 = load.i64 notrap aligned readonly gv0
;;     gv2 = load.i64 notrap aligned gv1
;;     sig0 = (i64 vmctx, i64) -> i32 tail
;;     stack_limit = gv2
;;                                 block0(v0: i64, v1: i64, v2: i64):
;;                                     v25 = stack_addr.i64 ss0
;;                                     store notrap v2, v25
;; @0084                               v4 = iconst.i32 0
;; @0086                               v5 = load.i64 notrap aligned readonly can_move v0+24
;; @0086                               v6 = load.i64 notrap aligned readonly can_move v5+8
;; @0086                               v7 = load.i64 notrap aligned v6+8
;; @0086                               v8 = uextend.i64 v4  ; v4 = 0
;; @0086                               v9 = icmp uge v8, v7
;; @0086                               trapnz v9, user4
;; @0086                               v10 = load.i64 notrap aligned v6
;; @0086                               v11 = iconst.i64 3
;; @0086                               v12 = ishl v8, v11  ; v11 = 3
;; @0086                               v13 = iadd v10, v12
;; @0086                               v14 = load.i64 notrap aligned v13
;; @0086                               v15 = uextend.i64 v4  ; v4 = 0
;; @0086                               brif v14, block3, block2
;;                                 block2 cold:
;; @0086                               v16 = load.i64 notrap aligned readonly can_move v0
;; @0086                               store.i64 notrap aligned v15, v16+48
;; @0086                               trap user5
;;                                 block3:
;; @0086                               v17 = load.i64 notrap aligned readonly v14+16
;; @0086                               v18 = load.i64 notrap aligned readonly can_move v0+48
;; @0086                               v19 = load.i64 notrap aligned readonly can_move v18+8
;; @0086                               v20 = icmp ne v17, v19
;; @0086                               trapnz v20, user6
;; @0086                               v21 = load.i64 notrap aligned readonly v14
;; @0086                               v22 = load.i64 notrap aligned readonly v14+8
;; @0086                               v23 = call_indirect sig0, v21(v22, v0), stack_map=[i64 @ ss0+0]
;;                                     v26 = stack_addr.i64 ss0
;;                                     v27 = load.i64 notrap v26
;; @008c                               trapz v27, user14
;; @008c                               v24 = load.i32 notrap aligned v27+8
;; @0090                               jump block1(v24)
;;                                 block1(v3: i32):
;; @0090                               return v3
;; }
