;; test: spill
;; The may-GC analysis proves `$add` cannot collect (it calls nothing that allocates), so
;; the call to it is no safepoint: no slot, no stack map for `$r` there. The call to
;; `$alloc` is a safepoint and carries the stack map.
(module
  (type $s (struct (field (mut i32))))
  (func $add (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func $alloc (result (ref $s)) (struct.new $s (i32.const 1)))
  (func $no_safepoint (param $r (ref $s)) (result i32)
    (drop (call $add (i32.const 1) (i32.const 2)))
    (struct.get $s 0 (local.get $r)))
  (func $safepoint (param $r (ref $s)) (result i32)
    (drop (call $alloc))
    (struct.get $s 0 (local.get $r))))

;; `$no_safepoint` calls `$add`, which cannot collect: no slot, no stack map, the
;; `struct.get` reads the parameter v2 itself. `$safepoint` calls `$alloc`: v2 is spilled,
;; named in the call's stack map, and reloaded.
;; check: ;; function no_safepoint
;; not: explicit_slot
;; check: v6 = call fn0(v0, v0, v4, v5)
;; not: stack_map
;; not: stack_addr
;; check: v7 = load.i32 notrap aligned v2+8
;; check: ;; function safepoint
;; nextln: function u0:3
;; nextln: ss0 = explicit_slot 8, align = 8
;; check: store notrap v2, v6
;; nextln: v4 = call fn0(v0, v0), stack_map=[i64 @ ss0+0]
;; nextln: v7 = stack_addr.i64 ss0
;; nextln: v8 = load.i64 notrap v7
;; check: v5 = load.i32 notrap aligned v8+8

;; output:
;; ;; function add
;; function u0:0(i64 vmctx, i64, i32, i32) -> i32 tail {
;;     gv0 = vmctx
;;     gv1 = load.i64 notrap aligned readonly gv0
;;     gv2 = load.i64 notrap aligned gv1
;;     stack_limit = gv2
;;                                 block0(v0: i64, v1: i64, v2: i32, v3: i32):
;; @0030                               v5 = iadd v2, v3
;; @0031                               jump block1(v5)
;;                                 block1(v4: i32):
;; @0031                               return v4
;; }
;; ;; function alloc
;; function u0:1(i64 vmctx, i64) -> i64 tail {
;;     gv0 = vmctx
;;     gv1 = load.i64 notrap aligned readonly gv0
;;     gv2 = load.i64 notrap aligned gv1
;;     sig0 = (i64, i64, i64) -> i64 tail
;;     fn0 = colocated u0:4 sig0
;;     stack_limit = gv2
;;                                 block0(v0: i64, v1: i64):
;; @0034                               v3 = iconst.i32 1
;; @0036                               v4 = iconst.i64 16
;; @0036                               v5 = load.i64 notrap aligned readonly can_move v0+48
;; @0036                               v6 = load.i64 notrap aligned readonly can_move v5
;; @0036                               v7 = load.i64 notrap aligned readonly can_move v0
;; @0036                               v8 = load.i64 notrap aligned v7+16
;; @0036                               v9 = load.i64 notrap aligned v7+24
;; @0036                               v10 = iadd v8, v4  ; v4 = 16
;; @0036                               v11 = icmp ule v10, v9
;; @0036                               brif v11, block2, block3
;;                                 block2:
;; @0036                               store.i64 notrap aligned v10, v7+16
;; @0036                               jump block4(v8)
;;                                 block3 cold:
;; @0036                               v13 = call fn0(v0, v6, v4)  ; v4 = 16
;; @0036                               jump block4(v13)
;;                                 block4(v12: i64):
;; @0036                               store.i64 notrap aligned v6, v12
;; @0036                               store.i32 notrap aligned v3, v12+8  ; v3 = 1
;; @0039                               jump block1(v12)
;;                                 block1(v2: i64):
;; @0039                               return v2
;; }
;; ;; function no_safepoint
;; function u0:2(i64 vmctx, i64, i64) -> i32 tail {
;;     gv0 = vmctx
;;     gv1 = load.i64 notrap aligned readonly gv0
;;     gv2 = load.i64 notrap aligned gv1
;;     sig0 = (i64 vmctx, i64, i32, i32) -> i32 tail
;;     fn0 = colocated u0:0 sig0
;;     stack_limit = gv2
;;                                 block0(v0: i64, v1: i64, v2: i64):
;; @003c                               v4 = iconst.i32 1
;; @003e                               v5 = iconst.i32 2
;; @0040                               v6 = call fn0(v0, v0, v4, v5)  ; v4 = 1, v5 = 2
;; @0045                               trapz v2, user14
;; @0045                               v7 = load.i32 notrap aligned v2+8
;; @0049                               jump block1(v7)
;;                                 block1(v3: i32):
;; @0049                               return v3
;; }
;; ;; function safepoint
;; function u0:3(i64 vmctx, i64, i64) -> i32 tail {
;;     ss0 = explicit_slot 8, align = 8
;;     gv0 = vmctx
;;     gv1 = load.i64 notrap aligned readonly gv0
;;     gv2 = load.i64 notrap aligned gv1
;;     sig0 = (i64 vmctx, i64) -> i64 tail
;;     fn0 = colocated u0:1 sig0
;;     stack_limit = gv2
;;                                 block0(v0: i64, v1: i64, v2: i64):
;;                                     v6 = stack_addr.i64 ss0
;;                                     store notrap v2, v6
;; @004c                               v4 = call fn0(v0, v0), stack_map=[i64 @ ss0+0]
;;                                     v7 = stack_addr.i64 ss0
;;                                     v8 = load.i64 notrap v7
;; @0051                               trapz v8, user14
;; @0051                               v5 = load.i32 notrap aligned v8+8
;; @0055                               jump block1(v5)
;;                                 block1(v3: i32):
;; @0055                               return v3
;; }
