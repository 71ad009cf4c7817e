;; test: spill
;; Calls inside a `try_table` are `try_call`s whose catch-all landing pad dispatches on the
;; tag; the `try_call` carries the stack map of `$r` (live into the normal return and into
;; the handler), and both successors reload `$r` before using it. The `throw` allocates the
;; exception object (a safepoint) and calls the throw adapter with a `try_call` too.
(module
  (type $s (struct (field (mut i32))))
  (tag $e (param i32))
  (func $may_gc (drop (struct.new $s (i32.const 1))))
  (func $f (param $r (ref $s)) (result i32)
    (block $h (result i32)
      (try_table (catch $e $h)
        (call $may_gc)
        (throw $e (struct.get $s 0 (local.get $r))))
      (unreachable))
    (i32.add (struct.get $s 0 (local.get $r)))))

;; `$r` (v2) is spilled at entry. The `try_call` to `$may_gc` carries the stack map; the
;; normal successor reloads it for the `struct.get`, and so does the handler's path to the
;; final `struct.get` (block2), which never reads v2 itself. The allocation of the exception
;; object is a safepoint too.
;; check: store notrap v2, v29
;; not: v2
;; check: try_call fn1(v0, v0), sig1, block8, [ default: block5(exn0) ], stack_map=[i64 @ ss0+0]
;; nextln: block8:
;; nextln: v30 = stack_addr.i64 ss0
;; nextln: v31 = load.i64 notrap v30
;; nextln: trapz v31, user14
;; nextln: v11 = load.i32 notrap aligned v31+8
;; check: v22 = call fn2(v0, v14, v15), stack_map=[i64 @ ss0+0]
;; check: block2(v4: i32):
;; nextln: v32 = stack_addr.i64 ss0
;; nextln: v33 = load.i64 notrap v32
;; nextln: trapz v33, user14
;; nextln: v27 = load.i32 notrap aligned v33+8
;; not: v2

;; output:
;; ;; function may_gc
;; function u0:0(i64 vmctx, i64) tail {
;;     gv0 = vmctx
;;     gv1 = load.i64 notrap aligned readonly gv0
;;     gv2 = load.i64 notrap aligned gv1
;;     sig0 = (i64, i64, i64) -> i64 tail
;;     fn0 = colocated u0:2 sig0
;;     stack_limit = gv2
;;                                 block0(v0: i64, v1: i64):
;; @002b                               v2 = iconst.i32 1
;; @002d                               v3 = iconst.i64 16
;; @002d                               v4 = load.i64 notrap aligned readonly can_move v0+48
;; @002d                               v5 = load.i64 notrap aligned readonly can_move v4
;; @002d                               v6 = load.i64 notrap aligned readonly can_move v0
;; @002d                               v7 = load.i64 notrap aligned v6+16
;; @002d                               v8 = load.i64 notrap aligned v6+24
;; @002d                               v9 = iadd v7, v3  ; v3 = 16
;; @002d                               v10 = icmp ule v9, v8
;; @002d                               brif v10, block2, block3
;;                                 block2:
;; @002d                               store.i64 notrap aligned v9, v6+16
;; @002d                               jump block4(v7)
;;                                 block3 cold:
;; @002d                               v12 = call fn0(v0, v5, v3)  ; v3 = 16
;; @002d                               jump block4(v12)
;;                                 block4(v11: i64):
;; @002d                               store.i64 notrap aligned v5, v11
;; @002d                               store.i32 notrap aligned v2, v11+8  ; v2 = 1
;; @0031                               jump block1
;;                                 block1:
;; @0031                               return
;; }
;; ;; function f
;; function u0:1(i64 vmctx, i64, i64) -> i32 tail {
;;     ss0 = explicit_slot 8, align = 8
;;     gv0 = vmctx
;;     gv1 = load.i64 notrap aligned readonly gv0
;;     gv2 = load.i64 notrap aligned gv1
;;     sig0 = (i64, i64) tail
;;     sig1 = (i64 vmctx, i64) tail
;;     sig2 = (i64, i64, i64) -> i64 tail
;;     fn0 = colocated u0:3 sig0
;;     fn1 = colocated u0:0 sig1
;;     fn2 = colocated u0:2 sig2
;;     stack_limit = gv2
;;                                 block0(v0: i64, v1: i64, v2: i64):
;;                                     v29 = stack_addr.i64 ss0
;;                                     store notrap v2, v29
;; @0036                               jump block4
;;                                 block5(v5: i64):
;; @0036                               v6 = load.i64 notrap aligned v5+8
;; @0036                               v7 = load.i64 notrap aligned readonly can_move v0+64
;; @0036                               v8 = load.i64 notrap aligned readonly can_move v7
;; @0036                               v9 = icmp eq v6, v8
;; @0036                               brif v9, block6, block7
;;                                 block6:
;; @0036                               v10 = load.i32 notrap aligned v5+16
;; @0036                               jump block2(v10)
;;                                 block7:
;; @0036                               call fn0(v0, v5)
;; @0036                               trap user1
;;                                 block4:
;; @003c                               try_call fn1(v0, v0), sig1, block8, [ default: block5(exn0) ], stack_map=[i64 @ ss0+0]
;;                                 block8:
;;                                     v30 = stack_addr.i64 ss0
;;                                     v31 = load.i64 notrap v30
;; @0040                               trapz v31, user14
;; @0040                               v11 = load.i32 notrap aligned v31+8
;; @0044                               v12 = load.i64 notrap aligned readonly can_move v0+64
;; @0044                               v13 = load.i64 notrap aligned readonly can_move v12
;; @0044                               v14 = load.i64 notrap aligned readonly v13
;; @0044                               v15 = iconst.i64 24
;; @0044                               v16 = load.i64 notrap aligned readonly can_move v0
;; @0044                               v17 = load.i64 notrap aligned v16+16
;; @0044                               v18 = load.i64 notrap aligned v16+24
;; @0044                               v19 = iadd v17, v15  ; v15 = 24
;; @0044                               v20 = icmp ule v19, v18
;; @0044                               brif v20, block9, block10
;;                                 block9:
;; @0044                               store.i64 notrap aligned v19, v16+16
;; @0044                               jump block11(v17)
;;                                 block10 cold:
;; @0044                               v22 = call fn2(v0, v14, v15), stack_map=[i64 @ ss0+0]  ; v15 = 24
;; @0044                               jump block11(v22)
;;                                 block11(v21: i64):
;; @0044                               store.i64 notrap aligned v14, v21
;; @0044                               v23 = load.i64 notrap aligned readonly can_move v0+64
;; @0044                               v24 = load.i64 notrap aligned readonly can_move v23
;; @0044                               store notrap aligned v24, v21+8
;; @0044                               store.i32 notrap aligned v11, v21+16
;; @0044                               try_call fn0(v0, v21), sig0, block12, [ default: block5(exn0) ]
;;                                 block12:
;; @0044                               trap user1
;;                                 block2(v4: i32):
;;                                     v32 = stack_addr.i64 ss0
;;                                     v33 = load.i64 notrap v32
;; @004b                               trapz v33, user14
;; @004b                               v27 = load.i32 notrap aligned v33+8
;; @004f                               v28 = iadd v4, v27
;; @0050                               jump block1(v28)
;;                                 block1(v3: i32):
;; @0050                               return v3
;; }
