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

;; check: ;; function f
;; nextln: function u0:0(i64 vmctx, i64, i64, i64) -> i32 tail {
;; nextln: ss0 = explicit_slot 8, align = 8
;; nextln: ss1 = explicit_slot 8, align = 8
;; nextln: gv0 = vmctx
;; nextln: gv1 = load.i64 notrap aligned readonly gv0
;; nextln: gv2 = load.i64 notrap aligned gv1
;; nextln: sig0 = (i64, i64, i64) -> i64 tail
;; nextln: sig1 = (i64, i64, i64, i64) -> i32 system_v
;; nextln: fn0 = colocated u0:1 sig0
;; nextln: stack_limit = gv2
;; nextln: block0(v0: i64, v1: i64, v2: i64, v3: i64):
;; nextln: v110 = stack_addr.i64 ss0
;; nextln: store notrap v2, v110
;; nextln: v111 = stack_addr.i64 ss1
;; nextln: store notrap v3, v111
;; nextln: @0023                               v5 = iconst.i32 0
;; nextln: @0025                               v6 = iconst.i64 16
;; nextln: @0025                               v7 = load.i64 notrap aligned readonly can_move v0
;; nextln: @0025                               v8 = load.i64 notrap aligned v7+16
;; nextln: @0025                               v9 = load.i64 notrap aligned v7+24
;; nextln: @0025                               v10 = iadd v8, v6  ; v6 = 16
;; nextln: @0025                               v11 = icmp ule v10, v9
;; nextln: @0025                               brif v11, block2, block3
;; nextln: block2:
;; nextln: @0025                               store.i64 notrap aligned v10, v7+16
;; nextln: @0025                               jump block4(v8)
;; nextln: block3 cold:
;; nextln: @0025                               v13 = load.i64 notrap aligned readonly can_move v0+48
;; nextln: @0025                               v14 = load.i64 notrap aligned readonly can_move v13+8
;; nextln: @0025                               v15 = call fn0(v0, v14, v6), stack_map=[i64 @ ss0+0, i64 @ ss1+0]  ; v6 = 16
;; nextln: @0025                               jump block4(v15)
;; nextln: block4(v12: i64):
;; nextln: @0025                               v16 = load.i64 notrap aligned readonly can_move v0+48
;; nextln: @0025                               v17 = load.i64 notrap aligned readonly can_move v16+8
;; nextln: @0025                               store notrap aligned v17, v12
;; nextln: @0025                               store.i32 notrap aligned v5, v12+8  ; v5 = 0
;; nextln: @002b                               v19 = iconst.i32 1
;; nextln: @002d                               v20 = iconst.i32 9
;; nextln: @002f                               v21 = iconst.i32 3
;; nextln: v112 = stack_addr.i64 ss0
;; nextln: v113 = load.i64 notrap v112
;; nextln: @0031                               trapz v113, user15
;; nextln: @0031                               v22 = load.i32 notrap aligned v113+8
;; nextln: @0031                               v23 = uextend.i64 v22
;; nextln: @0031                               v24 = uextend.i64 v19  ; v19 = 1
;; nextln: @0031                               v25 = uextend.i64 v21  ; v21 = 3
;; nextln: @0031                               v26 = iadd v24, v25
;; nextln: @0031                               v27 = icmp ugt v26, v23
;; nextln: @0031                               trapnz v27, user11
;; nextln: @0031                               v29 = iadd v19, v21  ; v19 = 1, v21 = 3
;; nextln: @0031                               jump block5(v19)  ; v19 = 1
;; nextln: block5(v28: i32):
;; nextln: @0031                               v30 = icmp ult v28, v29
;; nextln: @0031                               brif v30, block6, block7
;; nextln: block6:
;; nextln: @0031                               v31 = uextend.i64 v28
;; nextln: @0031                               v32 = iconst.i64 4
;; nextln: @0031                               v33 = imul v31, v32  ; v32 = 4
;; nextln: v114 = stack_addr.i64 ss0
;; nextln: v115 = load.i64 notrap v114
;; nextln: @0031                               v34 = iadd v115, v33
;; nextln: @0031                               store.i32 notrap aligned v20, v34+16  ; v20 = 9
;; nextln: @0031                               v35 = iconst.i32 1
;; nextln: @0031                               v36 = iadd.i32 v28, v35  ; v35 = 1
;; nextln: @0031                               jump block5(v36)
;; nextln: block7:
;; nextln: @0034                               v37 = iconst.i32 0
;; nextln: @0036                               v38 = iconst.i64 16
;; nextln: @0036                               v39 = load.i64 notrap aligned readonly can_move v0
;; nextln: @0036                               v40 = load.i64 notrap aligned v39+16
;; nextln: @0036                               v41 = load.i64 notrap aligned v39+24
;; nextln: @0036                               v42 = iadd v40, v38  ; v38 = 16
;; nextln: @0036                               v43 = icmp ule v42, v41
;; nextln: @0036                               brif v43, block8, block9
;; nextln: block8:
;; nextln: @0036                               store.i64 notrap aligned v42, v39+16
;; nextln: @0036                               jump block10(v40)
;; nextln: block9 cold:
;; nextln: @0036                               v45 = load.i64 notrap aligned readonly can_move v0+48
;; nextln: @0036                               v46 = load.i64 notrap aligned readonly can_move v45+8
;; nextln: @0036                               v47 = call fn0(v0, v46, v38), stack_map=[i64 @ ss0+0, i64 @ ss1+0]  ; v38 = 16
;; nextln: @0036                               jump block10(v47)
;; nextln: block10(v44: i64):
;; nextln: @0036                               v48 = load.i64 notrap aligned readonly can_move v0+48
;; nextln: @0036                               v49 = load.i64 notrap aligned readonly can_move v48+8
;; nextln: @0036                               store notrap aligned v49, v44
;; nextln: @0036                               store.i32 notrap aligned v37, v44+8  ; v37 = 0
;; nextln: @003c                               v53 = iconst.i32 0
;; nextln: @0040                               v56 = iconst.i32 1
;; nextln: @0042                               v57 = iconst.i32 3
;; nextln: v116 = stack_addr.i64 ss1
;; nextln: v117 = load.i64 notrap v116
;; nextln: @0044                               trapz v117, user15
;; nextln: v118 = stack_addr.i64 ss0
;; nextln: v119 = load.i64 notrap v118
;; nextln: @0044                               trapz v119, user15
;; nextln: @0044                               v58 = load.i32 notrap aligned v117+8
;; nextln: @0044                               v59 = uextend.i64 v58
;; nextln: @0044                               v60 = uextend.i64 v53  ; v53 = 0
;; nextln: @0044                               v61 = uextend.i64 v57  ; v57 = 3
;; nextln: @0044                               v62 = iadd v60, v61
;; nextln: @0044                               v63 = icmp ugt v62, v59
;; nextln: @0044                               trapnz v63, user11
;; nextln: @0044                               v64 = load.i32 notrap aligned v119+8
;; nextln: @0044                               v65 = uextend.i64 v64
;; nextln: @0044                               v66 = uextend.i64 v56  ; v56 = 1
;; nextln: @0044                               v67 = uextend.i64 v57  ; v57 = 3
;; nextln: @0044                               v68 = iadd v66, v67
;; nextln: @0044                               v69 = icmp ugt v68, v65
;; nextln: @0044                               trapnz v69, user11
;; nextln: @0044                               v70 = uextend.i64 v53  ; v53 = 0
;; nextln: @0044                               v71 = iconst.i64 4
;; nextln: @0044                               v72 = imul v70, v71  ; v71 = 4
;; nextln: @0044                               v73 = iadd v117, v72
;; nextln: @0044                               v74 = iconst.i64 16
;; nextln: @0044                               v75 = iadd v73, v74  ; v74 = 16
;; nextln: @0044                               v76 = uextend.i64 v56  ; v56 = 1
;; nextln: @0044                               v77 = iconst.i64 4
;; nextln: @0044                               v78 = imul v76, v77  ; v77 = 4
;; nextln: @0044                               v79 = iadd v119, v78
;; nextln: @0044                               v80 = iconst.i64 16
;; nextln: @0044                               v81 = iadd v79, v80  ; v80 = 16
;; nextln: @0044                               v82 = uextend.i64 v57  ; v57 = 3
;; nextln: @0044                               v83 = iconst.i64 4
;; nextln: @0044                               v84 = imul v82, v83  ; v83 = 4
;; nextln: @0044                               v85 = load.i64 notrap aligned readonly can_move v0+8
;; nextln: @0044                               v86 = load.i64 notrap aligned readonly can_move v85+88
;; nextln: @0044                               v87 = call_indirect sig1, v86(v0, v75, v81, v84)
;; nextln: @0048                               v88 = iconst.i32 0
;; nextln: @004a                               v89 = iconst.i64 16
;; nextln: @004a                               v90 = load.i64 notrap aligned readonly can_move v0
;; nextln: @004a                               v91 = load.i64 notrap aligned v90+16
;; nextln: @004a                               v92 = load.i64 notrap aligned v90+24
;; nextln: @004a                               v93 = iadd v91, v89  ; v89 = 16
;; nextln: @004a                               v94 = icmp ule v93, v92
;; nextln: @004a                               brif v94, block11, block12
;; nextln: block11:
;; nextln: @004a                               store.i64 notrap aligned v93, v90+16
;; nextln: @004a                               jump block13(v91)
;; nextln: block12 cold:
;; nextln: @004a                               v96 = load.i64 notrap aligned readonly can_move v0+48
;; nextln: @004a                               v97 = load.i64 notrap aligned readonly can_move v96+8
;; nextln: @004a                               v98 = call fn0(v0, v97, v89), stack_map=[i64 @ ss1+0]  ; v89 = 16
;; nextln: @004a                               jump block13(v98)
;; nextln: block13(v95: i64):
;; nextln: @004a                               v99 = load.i64 notrap aligned readonly can_move v0+48
;; nextln: @004a                               v100 = load.i64 notrap aligned readonly can_move v99+8
;; nextln: @004a                               store notrap aligned v100, v95
;; nextln: @004a                               store.i32 notrap aligned v88, v95+8  ; v88 = 0
;; nextln: @0050                               v102 = iconst.i32 2
;; nextln: v120 = stack_addr.i64 ss1
;; nextln: v121 = load.i64 notrap v120
;; nextln: @0052                               trapz v121, user15
;; nextln: @0052                               v103 = load.i32 notrap aligned v121+8
;; nextln: @0052                               v104 = icmp uge v102, v103  ; v102 = 2
;; nextln: @0052                               trapnz v104, user11
;; nextln: @0052                               v105 = uextend.i64 v102  ; v102 = 2
;; nextln: @0052                               v106 = iconst.i64 4
;; nextln: @0052                               v107 = imul v105, v106  ; v106 = 4
;; nextln: @0052                               v108 = iadd v121, v107
;; nextln: @0052                               v109 = load.i32 notrap aligned v108+16
;; nextln: @0055                               jump block1(v109)
;; nextln: block1(v4: i32):
;; nextln: @0055                               return v4
;; nextln: }
