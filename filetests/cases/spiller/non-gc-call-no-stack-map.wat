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

;; check: ;; function add
;; nextln: function u0:0(i64 vmctx, i64, i32, i32) -> i32 tail {
;; nextln: gv0 = vmctx
;; nextln: gv1 = load.i64 notrap aligned readonly gv0
;; nextln: gv2 = load.i64 notrap aligned gv1
;; nextln: stack_limit = gv2
;; nextln: block0(v0: i64, v1: i64, v2: i32, v3: i32):
;; nextln: @0030                               v5 = iadd v2, v3
;; nextln: @0031                               jump block1(v5)
;; nextln: block1(v4: i32):
;; nextln: @0031                               return v4
;; nextln: }
;; nextln: ;; function alloc
;; nextln: function u0:1(i64 vmctx, i64) -> i64 tail {
;; nextln: gv0 = vmctx
;; nextln: gv1 = load.i64 notrap aligned readonly gv0
;; nextln: gv2 = load.i64 notrap aligned gv1
;; nextln: sig0 = (i64, i64, i64) -> i64 tail
;; nextln: fn0 = colocated u0:4 sig0
;; nextln: stack_limit = gv2
;; nextln: block0(v0: i64, v1: i64):
;; nextln: @0034                               v3 = iconst.i32 1
;; nextln: @0036                               v4 = iconst.i64 16
;; nextln: @0036                               v5 = load.i64 notrap aligned readonly can_move v0+48
;; nextln: @0036                               v6 = load.i64 notrap aligned readonly can_move v5
;; nextln: @0036                               v7 = load.i64 notrap aligned readonly can_move v0
;; nextln: @0036                               v8 = load.i64 notrap aligned v7+16
;; nextln: @0036                               v9 = load.i64 notrap aligned v7+24
;; nextln: @0036                               v10 = iadd v8, v4  ; v4 = 16
;; nextln: @0036                               v11 = icmp ule v10, v9
;; nextln: @0036                               brif v11, block2, block3
;; nextln: block2:
;; nextln: @0036                               store.i64 notrap aligned v10, v7+16
;; nextln: @0036                               jump block4(v8)
;; nextln: block3 cold:
;; nextln: @0036                               v13 = call fn0(v0, v6, v4)  ; v4 = 16
;; nextln: @0036                               jump block4(v13)
;; nextln: block4(v12: i64):
;; nextln: @0036                               store.i64 notrap aligned v6, v12
;; nextln: @0036                               store.i32 notrap aligned v3, v12+8  ; v3 = 1
;; nextln: @0039                               jump block1(v12)
;; nextln: block1(v2: i64):
;; nextln: @0039                               return v2
;; nextln: }
;; nextln: ;; function no_safepoint
;; nextln: function u0:2(i64 vmctx, i64, i64) -> i32 tail {
;; nextln: gv0 = vmctx
;; nextln: gv1 = load.i64 notrap aligned readonly gv0
;; nextln: gv2 = load.i64 notrap aligned gv1
;; nextln: sig0 = (i64 vmctx, i64, i32, i32) -> i32 tail
;; nextln: fn0 = colocated u0:0 sig0
;; nextln: stack_limit = gv2
;; nextln: block0(v0: i64, v1: i64, v2: i64):
;; nextln: @003c                               v4 = iconst.i32 1
;; nextln: @003e                               v5 = iconst.i32 2
;; nextln: @0040                               v6 = call fn0(v0, v0, v4, v5)  ; v4 = 1, v5 = 2
;; nextln: @0045                               trapz v2, user14
;; nextln: @0045                               v7 = load.i32 notrap aligned v2+8
;; nextln: @0049                               jump block1(v7)
;; nextln: block1(v3: i32):
;; nextln: @0049                               return v3
;; nextln: }
;; nextln: ;; function safepoint
;; nextln: function u0:3(i64 vmctx, i64, i64) -> i32 tail {
;; nextln: ss0 = explicit_slot 8, align = 8
;; nextln: gv0 = vmctx
;; nextln: gv1 = load.i64 notrap aligned readonly gv0
;; nextln: gv2 = load.i64 notrap aligned gv1
;; nextln: sig0 = (i64 vmctx, i64) -> i64 tail
;; nextln: fn0 = colocated u0:1 sig0
;; nextln: stack_limit = gv2
;; nextln: block0(v0: i64, v1: i64, v2: i64):
;; nextln: v6 = stack_addr.i64 ss0
;; nextln: store notrap v2, v6
;; nextln: @004c                               v4 = call fn0(v0, v0), stack_map=[i64 @ ss0+0]
;; nextln: v7 = stack_addr.i64 ss0
;; nextln: v8 = load.i64 notrap v7
;; nextln: @0051                               trapz v8, user14
;; nextln: @0051                               v5 = load.i32 notrap aligned v8+8
;; nextln: @0055                               jump block1(v5)
;; nextln: block1(v3: i32):
;; nextln: @0055                               return v3
;; nextln: }
