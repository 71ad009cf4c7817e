;; test: spill
;; Wasmtime #13450: no raw interior address of an object may be live across a safepoint.
;; `array.fill` is an inline loop without calls, and `array.copy` computes both element
;; addresses after its checks and hands them to a builtin that cannot collect; the
;; allocations around them are safepoints, after which the arrays are reloaded and element
;; addresses recomputed. The spill oracle also checks that no address derived from a
;; reference is used after a safepoint.
(module
  (type $a (array (mut i32)))
  (type $s (struct (field (mut i32))))
  (func $f (param $x (ref $a)) (param $y (ref $a)) (result i32)
    (drop (struct.new $s (i32.const 0)))
    (array.fill $a (local.get $x) (i32.const 1) (i32.const 9) (i32.const 3))
    (drop (struct.new $s (i32.const 0)))
    (array.copy $a $a (local.get $y) (i32.const 0) (local.get $x) (i32.const 1) (i32.const 3))
    (drop (struct.new $s (i32.const 0)))
    (array.get $a (local.get $y) (i32.const 2))))

;; Both arrays are spilled at entry. After the first allocation, `array.fill`'s loop reloads
;; `$x` in its body and computes each element address from the reload (v32). After the
;; second, `array.copy` reloads both arrays and computes both element addresses from the
;; reloads (v71, v77) for its builtin, which is no safepoint. After the third (whose stack
;; map has only `$y`), `array.get` reloads `$y`. No address computed from a parameter or an
;; earlier reload is used after a later safepoint.
;; check: store notrap v2, v104
;; nextln: v105 = stack_addr.i64 ss1
;; nextln: store notrap v3, v105
;; check: call fn0(v0, v8, v6), stack_map=[i64 @ ss0+0, i64 @ ss1+0]
;; check: block6:
;; check: v108 = stack_addr.i64 ss0
;; nextln: v109 = load.i64 notrap v108
;; nextln: v32 = iadd v109, v31
;; check: call fn0(v0, v38, v36), stack_map=[i64 @ ss0+0, i64 @ ss1+0]
;; check: v111 = load.i64 notrap v110
;; check: v113 = load.i64 notrap v112
;; not: v107
;; not: v109
;; check: v69 = iadd v111, v68
;; check: v75 = iadd v113, v74
;; check: v83 = call_indirect sig1, v82(v0, v71, v77, v80)
;; not: stack_map
;; check: call fn0(v0, v87, v85), stack_map=[i64 @ ss1+0]
;; not: v111
;; not: v71
;; check: v115 = load.i64 notrap v114
;; not: v111
;; nextln: trapz v115, user15
;; check: v102 = iadd v115, v101

;; output:
;; ;; function f
;; function u0:0(i64 vmctx, i64, i64, i64) -> i32 tail {
;;     ss0 = explicit_slot 8, align = 8
;;     ss1 = explicit_slot 8, align = 8
;;     gv0 = vmctx
;;     gv1 = load.i64 notrap aligned readonly gv0
;;     gv2 = load.i64 notrap aligned gv1
;;     sig0 = (i64, i64, i64) -> i64 tail
;;     sig1 = (i64, i64, i64, i64) -> i32 system_v
;;     fn0 = colocated u0:1 sig0
;;     stack_limit = gv2
;;                                 block0(v0: i64, v1: i64, v2: i64, v3: i64):
;;                                     v104 = stack_addr.i64 ss0
;;                                     store notrap v2, v104
;;                                     v105 = stack_addr.i64 ss1
;;                                     store notrap v3, v105
;; @0023                               v5 = iconst.i32 0
;; @0025                               v6 = iconst.i64 16
;; @0025                               v7 = load.i64 notrap aligned readonly can_move v0+48
;; @0025                               v8 = load.i64 notrap aligned readonly can_move v7+8
;; @0025                               v9 = load.i64 notrap aligned readonly can_move v0
;; @0025                               v10 = load.i64 notrap aligned v9+16
;; @0025                               v11 = load.i64 notrap aligned v9+24
;; @0025                               v12 = iadd v10, v6  ; v6 = 16
;; @0025                               v13 = icmp ule v12, v11
;; @0025                               brif v13, block2, block3
;;                                 block2:
;; @0025                               store.i64 notrap aligned v12, v9+16
;; @0025                               jump block4(v10)
;;                                 block3 cold:
;; @0025                               v15 = call fn0(v0, v8, v6), stack_map=[i64 @ ss0+0, i64 @ ss1+0]  ; v6 = 16
;; @0025                               jump block4(v15)
;;                                 block4(v14: i64):
;; @0025                               store.i64 notrap aligned v8, v14
;; @0025                               store.i32 notrap aligned v5, v14+8  ; v5 = 0
;; @002b                               v17 = iconst.i32 1
;; @002d                               v18 = iconst.i32 9
;; @002f                               v19 = iconst.i32 3
;;                                     v106 = stack_addr.i64 ss0
;;                                     v107 = load.i64 notrap v106
;; @0031                               trapz v107, user15
;; @0031                               v20 = load.i32 notrap aligned v107+8
;; @0031                               v21 = uextend.i64 v20
;; @0031                               v22 = uextend.i64 v17  ; v17 = 1
;; @0031                               v23 = uextend.i64 v19  ; v19 = 3
;; @0031                               v24 = iadd v22, v23
;; @0031                               v25 = icmp ugt v24, v21
;; @0031                               trapnz v25, user11
;; @0031                               v27 = iadd v17, v19  ; v17 = 1, v19 = 3
;; @0031                               jump block5(v17)  ; v17 = 1
;;                                 block5(v26: i32):
;; @0031                               v28 = icmp ult v26, v27
;; @0031                               brif v28, block6, block7
;;                                 block6:
;; @0031                               v29 = uextend.i64 v26
;; @0031                               v30 = iconst.i64 4
;; @0031                               v31 = imul v29, v30  ; v30 = 4
;;                                     v108 = stack_addr.i64 ss0
;;                                     v109 = load.i64 notrap v108
;; @0031                               v32 = iadd v109, v31
;; @0031                               store.i32 notrap aligned v18, v32+16  ; v18 = 9
;; @0031                               v33 = iconst.i32 1
;; @0031                               v34 = iadd.i32 v26, v33  ; v33 = 1
;; @0031                               jump block5(v34)
;;                                 block7:
;; @0034                               v35 = iconst.i32 0
;; @0036                               v36 = iconst.i64 16
;; @0036                               v37 = load.i64 notrap aligned readonly can_move v0+48
;; @0036                               v38 = load.i64 notrap aligned readonly can_move v37+8
;; @0036                               v39 = load.i64 notrap aligned readonly can_move v0
;; @0036                               v40 = load.i64 notrap aligned v39+16
;; @0036                               v41 = load.i64 notrap aligned v39+24
;; @0036                               v42 = iadd v40, v36  ; v36 = 16
;; @0036                               v43 = icmp ule v42, v41
;; @0036                               brif v43, block8, block9
;;                                 block8:
;; @0036                               store.i64 notrap aligned v42, v39+16
;; @0036                               jump block10(v40)
;;                                 block9 cold:
;; @0036                               v45 = call fn0(v0, v38, v36), stack_map=[i64 @ ss0+0, i64 @ ss1+0]  ; v36 = 16
;; @0036                               jump block10(v45)
;;                                 block10(v44: i64):
;; @0036                               store.i64 notrap aligned v38, v44
;; @0036                               store.i32 notrap aligned v35, v44+8  ; v35 = 0
;; @003c                               v49 = iconst.i32 0
;; @0040                               v52 = iconst.i32 1
;; @0042                               v53 = iconst.i32 3
;;                                     v110 = stack_addr.i64 ss1
;;                                     v111 = load.i64 notrap v110
;; @0044                               trapz v111, user15
;;                                     v112 = stack_addr.i64 ss0
;;                                     v113 = load.i64 notrap v112
;; @0044                               trapz v113, user15
;; @0044                               v54 = load.i32 notrap aligned v111+8
;; @0044                               v55 = uextend.i64 v54
;; @0044                               v56 = uextend.i64 v49  ; v49 = 0
;; @0044                               v57 = uextend.i64 v53  ; v53 = 3
;; @0044                               v58 = iadd v56, v57
;; @0044                               v59 = icmp ugt v58, v55
;; @0044                               trapnz v59, user11
;; @0044                               v60 = load.i32 notrap aligned v113+8
;; @0044                               v61 = uextend.i64 v60
;; @0044                               v62 = uextend.i64 v52  ; v52 = 1
;; @0044                               v63 = uextend.i64 v53  ; v53 = 3
;; @0044                               v64 = iadd v62, v63
;; @0044                               v65 = icmp ugt v64, v61
;; @0044                               trapnz v65, user11
;; @0044                               v66 = uextend.i64 v49  ; v49 = 0
;; @0044                               v67 = iconst.i64 4
;; @0044                               v68 = imul v66, v67  ; v67 = 4
;; @0044                               v69 = iadd v111, v68
;; @0044                               v70 = iconst.i64 16
;; @0044                               v71 = iadd v69, v70  ; v70 = 16
;; @0044                               v72 = uextend.i64 v52  ; v52 = 1
;; @0044                               v73 = iconst.i64 4
;; @0044                               v74 = imul v72, v73  ; v73 = 4
;; @0044                               v75 = iadd v113, v74
;; @0044                               v76 = iconst.i64 16
;; @0044                               v77 = iadd v75, v76  ; v76 = 16
;; @0044                               v78 = uextend.i64 v53  ; v53 = 3
;; @0044                               v79 = iconst.i64 4
;; @0044                               v80 = imul v78, v79  ; v79 = 4
;; @0044                               v81 = load.i64 notrap aligned readonly can_move v0+8
;; @0044                               v82 = load.i64 notrap aligned readonly can_move v81+88
;; @0044                               v83 = call_indirect sig1, v82(v0, v71, v77, v80)
;; @0048                               v84 = iconst.i32 0
;; @004a                               v85 = iconst.i64 16
;; @004a                               v86 = load.i64 notrap aligned readonly can_move v0+48
;; @004a                               v87 = load.i64 notrap aligned readonly can_move v86+8
;; @004a                               v88 = load.i64 notrap aligned readonly can_move v0
;; @004a                               v89 = load.i64 notrap aligned v88+16
;; @004a                               v90 = load.i64 notrap aligned v88+24
;; @004a                               v91 = iadd v89, v85  ; v85 = 16
;; @004a                               v92 = icmp ule v91, v90
;; @004a                               brif v92, block11, block12
;;                                 block11:
;; @004a                               store.i64 notrap aligned v91, v88+16
;; @004a                               jump block13(v89)
;;                                 block12 cold:
;; @004a                               v94 = call fn0(v0, v87, v85), stack_map=[i64 @ ss1+0]  ; v85 = 16
;; @004a                               jump block13(v94)
;;                                 block13(v93: i64):
;; @004a                               store.i64 notrap aligned v87, v93
;; @004a                               store.i32 notrap aligned v84, v93+8  ; v84 = 0
;; @0050                               v96 = iconst.i32 2
;;                                     v114 = stack_addr.i64 ss1
;;                                     v115 = load.i64 notrap v114
;; @0052                               trapz v115, user15
;; @0052                               v97 = load.i32 notrap aligned v115+8
;; @0052                               v98 = icmp uge v96, v97  ; v96 = 2
;; @0052                               trapnz v98, user11
;; @0052                               v99 = uextend.i64 v96  ; v96 = 2
;; @0052                               v100 = iconst.i64 4
;; @0052                               v101 = imul v99, v100  ; v100 = 4
;; @0052                               v102 = iadd v115, v101
;; @0052                               v103 = load.i32 notrap aligned v102+16
;; @0055                               jump block1(v103)
;;                                 block1(v4: i32):
;; @0055                               return v4
;; }
