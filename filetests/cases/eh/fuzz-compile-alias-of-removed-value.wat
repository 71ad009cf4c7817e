;; test: spill
;; Found by the `compile` fuzz target (a wasm-smith module, minimised): SSA construction
;; leaves an alias whose chain ends at no value (a block parameter it removed) among the
;; values the translator marked as references; resolving it panicked inside Cranelift when
;; the spill oracle ran. Both the spiller and the oracle now drop such values
;; (`safepoints::resolved`).
(module
  (type $r (func (result i32)))
  (type $two (func (result i64 f64)))
  (type $s (sub (struct (field i16) (field (mut i16)))))
  (global $g (mut i32) (i32.const 0))
  (func $a (type $two)
    (block (type $r) (return_call $b))
    (global.set $g (i32.xor (global.get $g)))
    (i64.const -1025)
    (f64.const 1))
  (func $b (type $two)
    (local nullexternref)
    (struct.new_default $s)
    (try_table (type $r)
      (local.get 0)
      (try_table)
      (local.get 0)
      (any.convert_extern)
      (return_call $a)
      (try_table (type $r) (unreachable)))
    (unreachable)))

;; The case is about the spiller and its oracle not panicking on the dangling alias: `$b`
;; is spilled and printed, with its `try_table` as a `try_call` and the tail call intact;
;; nothing in `$b` is live across a safepoint, so no stack map.
;; check: ;; function b
;; nextln: function u0:1
;; not: explicit_slot
;; check: v16 = call fn0(v0, v9, v7)
;; not: stack_map
;; check: try_call fn1(v0, v20), sig1, block11, [ default: block7(exn0) ]
;; not: stack_map
;; check: return_call fn2(v0, v0)

;; output:
;; ;; function a
;; function u0:0(i64 vmctx, i64) -> i64, f64 tail {
;;     gv0 = vmctx
;;     gv1 = load.i64 notrap aligned readonly gv0
;;     gv2 = load.i64 notrap aligned gv1
;;     sig0 = (i64 vmctx, i64) -> i64, f64 tail
;;     fn0 = colocated u0:1 sig0
;;     stack_limit = gv2
;;                                 block0(v0: i64, v1: i64):
;; @0030                               return_call fn0(v0, v0)
;; }
;; ;; function b
;; function u0:1(i64 vmctx, i64) -> i64, f64 tail {
;;     gv0 = vmctx
;;     gv1 = load.i64 notrap aligned readonly gv0
;;     gv2 = load.i64 notrap aligned gv1
;;     sig0 = (i64, i64, i64) -> i64 tail
;;     sig1 = (i64, i64) tail
;;     sig2 = (i64 vmctx, i64) -> i64, f64 tail
;;     fn0 = colocated u0:2 sig0
;;     fn1 = colocated u0:3 sig1
;;     fn2 = colocated u0:0 sig2
;;     stack_limit = gv2
;;                                 block0(v0: i64, v1: i64):
;;                                     v2 = iconst.i64 0
;; @0049                               v5 = iconst.i32 0
;; @0049                               v6 = iconst.i32 0
;; @0049                               v7 = iconst.i64 16
;; @0049                               v8 = load.i64 notrap aligned readonly can_move v0+48
;; @0049                               v9 = load.i64 notrap aligned readonly can_move v8+16
;; @0049                               v10 = load.i64 notrap aligned readonly can_move v0
;; @0049                               v11 = load.i64 notrap aligned v10+16
;; @0049                               v12 = load.i64 notrap aligned v10+24
;; @0049                               v13 = iadd v11, v7  ; v7 = 16
;; @0049                               v14 = icmp ule v13, v12
;; @0049                               brif v14, block2, block3
;;                                 block2:
;; @0049                               store.i64 notrap aligned v13, v10+16
;; @0049                               jump block4(v11)
;;                                 block3 cold:
;; @0049                               v16 = call fn0(v0, v9, v7)  ; v7 = 16
;; @0049                               jump block4(v16)
;;                                 block4(v15: i64):
;; @0049                               store.i64 notrap aligned v9, v15
;; @0049                               istore16.i32 notrap aligned v5, v15+8  ; v5 = 0
;; @0049                               istore16.i32 notrap aligned v6, v15+10  ; v6 = 0
;; @004c                               jump block6
;;                                 block7(v18: i64):
;; @004c                               call fn1(v0, v18)
;; @004c                               trap user1
;;                                 block6:
;; @0051                               jump block9
;;                                 block10(v20: i64):
;; @0051                               try_call fn1(v0, v20), sig1, block11, [ default: block7(exn0) ]
;;                                 block11:
;; @0051                               trap user1
;;                                 block9:
;; @0054                               jump block8
;;                                 block8:
;; @0059                               return_call fn2(v0, v0)
;; }
