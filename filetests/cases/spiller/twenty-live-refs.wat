;; test: spill
;; Twenty references live across one call (register pressure): each gets its own slot,
;; the call's stack map names all twenty, and every use after it reads a reload.
(module
  (type $s (struct (field (mut i32))))
  (import "env" "g" (func $g))
  (func $f (result i32)
    (local $r0 (ref null $s))
    (local $r1 (ref null $s))
    (local $r2 (ref null $s))
    (local $r3 (ref null $s))
    (local $r4 (ref null $s))
    (local $r5 (ref null $s))
    (local $r6 (ref null $s))
    (local $r7 (ref null $s))
    (local $r8 (ref null $s))
    (local $r9 (ref null $s))
    (local $r10 (ref null $s))
    (local $r11 (ref null $s))
    (local $r12 (ref null $s))
    (local $r13 (ref null $s))
    (local $r14 (ref null $s))
    (local $r15 (ref null $s))
    (local $r16 (ref null $s))
    (local $r17 (ref null $s))
    (local $r18 (ref null $s))
    (local $r19 (ref null $s))
    (local.set $r0 (struct.new $s (i32.const 0)))
    (local.set $r1 (struct.new $s (i32.const 1)))
    (local.set $r2 (struct.new $s (i32.const 2)))
    (local.set $r3 (struct.new $s (i32.const 3)))
    (local.set $r4 (struct.new $s (i32.const 4)))
    (local.set $r5 (struct.new $s (i32.const 5)))
    (local.set $r6 (struct.new $s (i32.const 6)))
    (local.set $r7 (struct.new $s (i32.const 7)))
    (local.set $r8 (struct.new $s (i32.const 8)))
    (local.set $r9 (struct.new $s (i32.const 9)))
    (local.set $r10 (struct.new $s (i32.const 10)))
    (local.set $r11 (struct.new $s (i32.const 11)))
    (local.set $r12 (struct.new $s (i32.const 12)))
    (local.set $r13 (struct.new $s (i32.const 13)))
    (local.set $r14 (struct.new $s (i32.const 14)))
    (local.set $r15 (struct.new $s (i32.const 15)))
    (local.set $r16 (struct.new $s (i32.const 16)))
    (local.set $r17 (struct.new $s (i32.const 17)))
    (local.set $r18 (struct.new $s (i32.const 18)))
    (local.set $r19 (struct.new $s (i32.const 19)))
    (call $g)
    (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.const 0) (struct.get $s 0 (local.get $r0))) (struct.get $s 0 (local.get $r1))) (struct.get $s 0 (local.get $r2))) (struct.get $s 0 (local.get $r3))) (struct.get $s 0 (local.get $r4))) (struct.get $s 0 (local.get $r5))) (struct.get $s 0 (local.get $r6))) (struct.get $s 0 (local.get $r7))) (struct.get $s 0 (local.get $r8))) (struct.get $s 0 (local.get $r9))) (struct.get $s 0 (local.get $r10))) (struct.get $s 0 (local.get $r11))) (struct.get $s 0 (local.get $r12))) (struct.get $s 0 (local.get $r13))) (struct.get $s 0 (local.get $r14))) (struct.get $s 0 (local.get $r15))) (struct.get $s 0 (local.get $r16))) (struct.get $s 0 (local.get $r17))) (struct.get $s 0 (local.get $r18))) (struct.get $s 0 (local.get $r19)))))

;; check: ;; function f
;; nextln: function u0:0(i64 vmctx, i64) -> i32 tail {
;; nextln: ss0 = explicit_slot 8, align = 8
;; nextln: ss1 = explicit_slot 8, align = 8
;; nextln: ss2 = explicit_slot 8, align = 8
;; nextln: ss3 = explicit_slot 8, align = 8
;; nextln: ss4 = explicit_slot 8, align = 8
;; nextln: ss5 = explicit_slot 8, align = 8
;; nextln: ss6 = explicit_slot 8, align = 8
;; nextln: ss7 = explicit_slot 8, align = 8
;; nextln: ss8 = explicit_slot 8, align = 8
;; nextln: ss9 = explicit_slot 8, align = 8
;; nextln: ss10 = explicit_slot 8, align = 8
;; nextln: ss11 = explicit_slot 8, align = 8
;; nextln: ss12 = explicit_slot 8, align = 8
;; nextln: ss13 = explicit_slot 8, align = 8
;; nextln: ss14 = explicit_slot 8, align = 8
;; nextln: ss15 = explicit_slot 8, align = 8
;; nextln: ss16 = explicit_slot 8, align = 8
;; nextln: ss17 = explicit_slot 8, align = 8
;; nextln: ss18 = explicit_slot 8, align = 8
;; nextln: ss19 = explicit_slot 8, align = 8
;; nextln: gv0 = vmctx
;; nextln: gv1 = load.i64 notrap aligned readonly gv0
;; nextln: gv2 = load.i64 notrap aligned gv1
;; nextln: sig0 = (i64, i64, i64) -> i64 tail
;; nextln: sig1 = (i64 vmctx, i64) tail
;; nextln: fn0 = colocated u0:1 sig0
;; nextln: stack_limit = gv2
;; nextln: block0(v0: i64, v1: i64):
;; nextln: v2 = iconst.i64 0
;; nextln: v3 = iconst.i64 0
;; nextln: v4 = iconst.i64 0
;; nextln: v5 = iconst.i64 0
;; nextln: v6 = iconst.i64 0
;; nextln: v7 = iconst.i64 0
;; nextln: v8 = iconst.i64 0
;; nextln: v9 = iconst.i64 0
;; nextln: v10 = iconst.i64 0
;; nextln: v11 = iconst.i64 0
;; nextln: v12 = iconst.i64 0
;; nextln: v13 = iconst.i64 0
;; nextln: v14 = iconst.i64 0
;; nextln: v15 = iconst.i64 0
;; nextln: v16 = iconst.i64 0
;; nextln: v17 = iconst.i64 0
;; nextln: v18 = iconst.i64 0
;; nextln: v19 = iconst.i64 0
;; nextln: v20 = iconst.i64 0
;; nextln: v21 = iconst.i64 0
;; nextln: @002f                               v23 = iconst.i32 0
;; nextln: @0031                               v24 = iconst.i64 16
;; nextln: @0031                               v25 = load.i64 notrap aligned readonly can_move v0
;; nextln: @0031                               v26 = load.i64 notrap aligned v25+16
;; nextln: @0031                               v27 = load.i64 notrap aligned v25+24
;; nextln: @0031                               v28 = iadd v26, v24  ; v24 = 16
;; nextln: @0031                               v29 = icmp ule v28, v27
;; nextln: @0031                               brif v29, block2, block3
;; nextln: block2:
;; nextln: @0031                               store.i64 notrap aligned v28, v25+16
;; nextln: @0031                               jump block4(v26)
;; nextln: block3 cold:
;; nextln: @0031                               v31 = load.i64 notrap aligned readonly can_move v0+48
;; nextln: @0031                               v32 = load.i64 notrap aligned readonly can_move v31
;; nextln: @0031                               v33 = call fn0(v0, v32, v24)  ; v24 = 16
;; nextln: @0031                               jump block4(v33)
;; nextln: block4(v30: i64):
;; nextln: v518 = stack_addr.i64 ss0
;; nextln: store notrap v30, v518
;; nextln: @0031                               v34 = load.i64 notrap aligned readonly can_move v0+48
;; nextln: @0031                               v35 = load.i64 notrap aligned readonly can_move v34
;; nextln: @0031                               store notrap aligned v35, v30
;; nextln: @0031                               store.i32 notrap aligned v23, v30+8  ; v23 = 0
;; nextln: @0036                               v36 = iconst.i32 1
;; nextln: @0038                               v37 = iconst.i64 16
;; nextln: @0038                               v38 = load.i64 notrap aligned readonly can_move v0
;; nextln: @0038                               v39 = load.i64 notrap aligned v38+16
;; nextln: @0038                               v40 = load.i64 notrap aligned v38+24
;; nextln: @0038                               v41 = iadd v39, v37  ; v37 = 16
;; nextln: @0038                               v42 = icmp ule v41, v40
;; nextln: @0038                               brif v42, block5, block6
;; nextln: block5:
;; nextln: @0038                               store.i64 notrap aligned v41, v38+16
;; nextln: @0038                               jump block7(v39)
;; nextln: block6 cold:
;; nextln: @0038                               v44 = load.i64 notrap aligned readonly can_move v0+48
;; nextln: @0038                               v45 = load.i64 notrap aligned readonly can_move v44
;; nextln: @0038                               v46 = call fn0(v0, v45, v37), stack_map=[i64 @ ss0+0]  ; v37 = 16
;; nextln: @0038                               jump block7(v46)
;; nextln: block7(v43: i64):
;; nextln: v519 = stack_addr.i64 ss1
;; nextln: store notrap v43, v519
;; nextln: @0038                               v47 = load.i64 notrap aligned readonly can_move v0+48
;; nextln: @0038                               v48 = load.i64 notrap aligned readonly can_move v47
;; nextln: @0038                               store notrap aligned v48, v43
;; nextln: @0038                               store.i32 notrap aligned v36, v43+8  ; v36 = 1
;; nextln: @003d                               v49 = iconst.i32 2
;; nextln: @003f                               v50 = iconst.i64 16
;; nextln: @003f                               v51 = load.i64 notrap aligned readonly can_move v0
;; nextln: @003f                               v52 = load.i64 notrap aligned v51+16
;; nextln: @003f                               v53 = load.i64 notrap aligned v51+24
;; nextln: @003f                               v54 = iadd v52, v50  ; v50 = 16
;; nextln: @003f                               v55 = icmp ule v54, v53
;; nextln: @003f                               brif v55, block8, block9
;; nextln: block8:
;; nextln: @003f                               store.i64 notrap aligned v54, v51+16
;; nextln: @003f                               jump block10(v52)
;; nextln: block9 cold:
;; nextln: @003f                               v57 = load.i64 notrap aligned readonly can_move v0+48
;; nextln: @003f                               v58 = load.i64 notrap aligned readonly can_move v57
;; nextln: @003f                               v59 = call fn0(v0, v58, v50), stack_map=[i64 @ ss0+0, i64 @ ss1+0]  ; v50 = 16
;; nextln: @003f                               jump block10(v59)
;; nextln: block10(v56: i64):
;; nextln: v520 = stack_addr.i64 ss2
;; nextln: store notrap v56, v520
;; nextln: @003f                               v60 = load.i64 notrap aligned readonly can_move v0+48
;; nextln: @003f                               v61 = load.i64 notrap aligned readonly can_move v60
;; nextln: @003f                               store notrap aligned v61, v56
;; nextln: @003f                               store.i32 notrap aligned v49, v56+8  ; v49 = 2
;; nextln: @0044                               v62 = iconst.i32 3
;; nextln: @0046                               v63 = iconst.i64 16
;; nextln: @0046                               v64 = load.i64 notrap aligned readonly can_move v0
;; nextln: @0046                               v65 = load.i64 notrap aligned v64+16
;; nextln: @0046                               v66 = load.i64 notrap aligned v64+24
;; nextln: @0046                               v67 = iadd v65, v63  ; v63 = 16
;; nextln: @0046                               v68 = icmp ule v67, v66
;; nextln: @0046                               brif v68, block11, block12
;; nextln: block11:
;; nextln: @0046                               store.i64 notrap aligned v67, v64+16
;; nextln: @0046                               jump block13(v65)
;; nextln: block12 cold:
;; nextln: @0046                               v70 = load.i64 notrap aligned readonly can_move v0+48
;; nextln: @0046                               v71 = load.i64 notrap aligned readonly can_move v70
;; nextln: @0046                               v72 = call fn0(v0, v71, v63), stack_map=[i64 @ ss0+0, i64 @ ss1+0, i64 @ ss2+0]  ; v63 = 16
;; nextln: @0046                               jump block13(v72)
;; nextln: block13(v69: i64):
;; nextln: v521 = stack_addr.i64 ss3
;; nextln: store notrap v69, v521
;; nextln: @0046                               v73 = load.i64 notrap aligned readonly can_move v0+48
;; nextln: @0046                               v74 = load.i64 notrap aligned readonly can_move v73
;; nextln: @0046                               store notrap aligned v74, v69
;; nextln: @0046                               store.i32 notrap aligned v62, v69+8  ; v62 = 3
;; nextln: @004b                               v75 = iconst.i32 4
;; nextln: @004d                               v76 = iconst.i64 16
;; nextln: @004d                               v77 = load.i64 notrap aligned readonly can_move v0
;; nextln: @004d                               v78 = load.i64 notrap aligned v77+16
;; nextln: @004d                               v79 = load.i64 notrap aligned v77+24
;; nextln: @004d                               v80 = iadd v78, v76  ; v76 = 16
;; nextln: @004d                               v81 = icmp ule v80, v79
;; nextln: @004d                               brif v81, block14, block15
;; nextln: block14:
;; nextln: @004d                               store.i64 notrap aligned v80, v77+16
;; nextln: @004d                               jump block16(v78)
;; nextln: block15 cold:
;; nextln: @004d                               v83 = load.i64 notrap aligned readonly can_move v0+48
;; nextln: @004d                               v84 = load.i64 notrap aligned readonly can_move v83
;; nextln: @004d                               v85 = call fn0(v0, v84, v76), stack_map=[i64 @ ss0+0, i64 @ ss1+0, i64 @ ss2+0, i64 @ ss3+0]  ; v76 = 16
;; nextln: @004d                               jump block16(v85)
;; nextln: block16(v82: i64):
;; nextln: v522 = stack_addr.i64 ss4
;; nextln: store notrap v82, v522
;; nextln: @004d                               v86 = load.i64 notrap aligned readonly can_move v0+48
;; nextln: @004d                               v87 = load.i64 notrap aligned readonly can_move v86
;; nextln: @004d                               store notrap aligned v87, v82
;; nextln: @004d                               store.i32 notrap aligned v75, v82+8  ; v75 = 4
;; nextln: @0052                               v88 = iconst.i32 5
;; nextln: @0054                               v89 = iconst.i64 16
;; nextln: @0054                               v90 = load.i64 notrap aligned readonly can_move v0
;; nextln: @0054                               v91 = load.i64 notrap aligned v90+16
;; nextln: @0054                               v92 = load.i64 notrap aligned v90+24
;; nextln: @0054                               v93 = iadd v91, v89  ; v89 = 16
;; nextln: @0054                               v94 = icmp ule v93, v92
;; nextln: @0054                               brif v94, block17, block18
;; nextln: block17:
;; nextln: @0054                               store.i64 notrap aligned v93, v90+16
;; nextln: @0054                               jump block19(v91)
;; nextln: block18 cold:
;; nextln: @0054                               v96 = load.i64 notrap aligned readonly can_move v0+48
;; nextln: @0054                               v97 = load.i64 notrap aligned readonly can_move v96
;; nextln: @0054                               v98 = call fn0(v0, v97, v89), stack_map=[i64 @ ss0+0, i64 @ ss1+0, i64 @ ss2+0, i64 @ ss3+0, i64 @ ss4+0]  ; v89 = 16
;; nextln: @0054                               jump block19(v98)
;; nextln: block19(v95: i64):
;; nextln: v523 = stack_addr.i64 ss5
;; nextln: store notrap v95, v523
;; nextln: @0054                               v99 = load.i64 notrap aligned readonly can_move v0+48
;; nextln: @0054                               v100 = load.i64 notrap aligned readonly can_move v99
;; nextln: @0054                               store notrap aligned v100, v95
;; nextln: @0054                               store.i32 notrap aligned v88, v95+8  ; v88 = 5
;; nextln: @0059                               v101 = iconst.i32 6
;; nextln: @005b                               v102 = iconst.i64 16
;; nextln: @005b                               v103 = load.i64 notrap aligned readonly can_move v0
;; nextln: @005b                               v104 = load.i64 notrap aligned v103+16
;; nextln: @005b                               v105 = load.i64 notrap aligned v103+24
;; nextln: @005b                               v106 = iadd v104, v102  ; v102 = 16
;; nextln: @005b                               v107 = icmp ule v106, v105
;; nextln: @005b                               brif v107, block20, block21
;; nextln: block20:
;; nextln: @005b                               store.i64 notrap aligned v106, v103+16
;; nextln: @005b                               jump block22(v104)
;; nextln: block21 cold:
;; nextln: @005b                               v109 = load.i64 notrap aligned readonly can_move v0+48
;; nextln: @005b                               v110 = load.i64 notrap aligned readonly can_move v109
;; nextln: @005b                               v111 = call fn0(v0, v110, v102), stack_map=[i64 @ ss0+0, i64 @ ss1+0, i64 @ ss2+0, i64 @ ss3+0, i64 @ ss4+0, i64 @ ss5+0]  ; v102 = 16
;; nextln: @005b                               jump block22(v111)
;; nextln: block22(v108: i64):
;; nextln: v524 = stack_addr.i64 ss6
;; nextln: store notrap v108, v524
;; nextln: @005b                               v112 = load.i64 notrap aligned readonly can_move v0+48
;; nextln: @005b                               v113 = load.i64 notrap aligned readonly can_move v112
;; nextln: @005b                               store notrap aligned v113, v108
;; nextln: @005b                               store.i32 notrap aligned v101, v108+8  ; v101 = 6
;; nextln: @0060                               v114 = iconst.i32 7
;; nextln: @0062                               v115 = iconst.i64 16
;; nextln: @0062                               v116 = load.i64 notrap aligned readonly can_move v0
;; nextln: @0062                               v117 = load.i64 notrap aligned v116+16
;; nextln: @0062                               v118 = load.i64 notrap aligned v116+24
;; nextln: @0062                               v119 = iadd v117, v115  ; v115 = 16
;; nextln: @0062                               v120 = icmp ule v119, v118
;; nextln: @0062                               brif v120, block23, block24
;; nextln: block23:
;; nextln: @0062                               store.i64 notrap aligned v119, v116+16
;; nextln: @0062                               jump block25(v117)
;; nextln: block24 cold:
;; nextln: @0062                               v122 = load.i64 notrap aligned readonly can_move v0+48
;; nextln: @0062                               v123 = load.i64 notrap aligned readonly can_move v122
;; nextln: @0062                               v124 = call fn0(v0, v123, v115), stack_map=[i64 @ ss0+0, i64 @ ss1+0, i64 @ ss2+0, i64 @ ss3+0, i64 @ ss4+0, i64 @ ss5+0, i64 @ ss6+0]  ; v115 = 16
;; nextln: @0062                               jump block25(v124)
;; nextln: block25(v121: i64):
;; nextln: v525 = stack_addr.i64 ss7
;; nextln: store notrap v121, v525
;; nextln: @0062                               v125 = load.i64 notrap aligned readonly can_move v0+48
;; nextln: @0062                               v126 = load.i64 notrap aligned readonly can_move v125
;; nextln: @0062                               store notrap aligned v126, v121
;; nextln: @0062                               store.i32 notrap aligned v114, v121+8  ; v114 = 7
;; nextln: @0067                               v127 = iconst.i32 8
;; nextln: @0069                               v128 = iconst.i64 16
;; nextln: @0069                               v129 = load.i64 notrap aligned readonly can_move v0
;; nextln: @0069                               v130 = load.i64 notrap aligned v129+16
;; nextln: @0069                               v131 = load.i64 notrap aligned v129+24
;; nextln: @0069                               v132 = iadd v130, v128  ; v128 = 16
;; nextln: @0069                               v133 = icmp ule v132, v131
;; nextln: @0069                               brif v133, block26, block27
;; nextln: block26:
;; nextln: @0069                               store.i64 notrap aligned v132, v129+16
;; nextln: @0069                               jump block28(v130)
;; nextln: block27 cold:
;; nextln: @0069                               v135 = load.i64 notrap aligned readonly can_move v0+48
;; nextln: @0069                               v136 = load.i64 notrap aligned readonly can_move v135
;; nextln: @0069                               v137 = call fn0(v0, v136, v128), stack_map=[i64 @ ss0+0, i64 @ ss1+0, i64 @ ss2+0, i64 @ ss3+0, i64 @ ss4+0, i64 @ ss5+0, i64 @ ss6+0, i64 @ ss7+0]  ; v128 = 16
;; nextln: @0069                               jump block28(v137)
;; nextln: block28(v134: i64):
;; nextln: v526 = stack_addr.i64 ss8
;; nextln: store notrap v134, v526
;; nextln: @0069                               v138 = load.i64 notrap aligned readonly can_move v0+48
;; nextln: @0069                               v139 = load.i64 notrap aligned readonly can_move v138
;; nextln: @0069                               store notrap aligned v139, v134
;; nextln: @0069                               store.i32 notrap aligned v127, v134+8  ; v127 = 8
;; nextln: @006e                               v140 = iconst.i32 9
;; nextln: @0070                               v141 = iconst.i64 16
;; nextln: @0070                               v142 = load.i64 notrap aligned readonly can_move v0
;; nextln: @0070                               v143 = load.i64 notrap aligned v142+16
;; nextln: @0070                               v144 = load.i64 notrap aligned v142+24
;; nextln: @0070                               v145 = iadd v143, v141  ; v141 = 16
;; nextln: @0070                               v146 = icmp ule v145, v144
;; nextln: @0070                               brif v146, block29, block30
;; nextln: block29:
;; nextln: @0070                               store.i64 notrap aligned v145, v142+16
;; nextln: @0070                               jump block31(v143)
;; nextln: block30 cold:
;; nextln: @0070                               v148 = load.i64 notrap aligned readonly can_move v0+48
;; nextln: @0070                               v149 = load.i64 notrap aligned readonly can_move v148
;; nextln: @0070                               v150 = call fn0(v0, v149, v141), stack_map=[i64 @ ss0+0, i64 @ ss1+0, i64 @ ss2+0, i64 @ ss3+0, i64 @ ss4+0, i64 @ ss5+0, i64 @ ss6+0, i64 @ ss7+0, i64 @ ss8+0]  ; v141 = 16
;; nextln: @0070                               jump block31(v150)
;; nextln: block31(v147: i64):
;; nextln: v527 = stack_addr.i64 ss9
;; nextln: store notrap v147, v527
;; nextln: @0070                               v151 = load.i64 notrap aligned readonly can_move v0+48
;; nextln: @0070                               v152 = load.i64 notrap aligned readonly can_move v151
;; nextln: @0070                               store notrap aligned v152, v147
;; nextln: @0070                               store.i32 notrap aligned v140, v147+8  ; v140 = 9
;; nextln: @0075                               v153 = iconst.i32 10
;; nextln: @0077                               v154 = iconst.i64 16
;; nextln: @0077                               v155 = load.i64 notrap aligned readonly can_move v0
;; nextln: @0077                               v156 = load.i64 notrap aligned v155+16
;; nextln: @0077                               v157 = load.i64 notrap aligned v155+24
;; nextln: @0077                               v158 = iadd v156, v154  ; v154 = 16
;; nextln: @0077                               v159 = icmp ule v158, v157
;; nextln: @0077                               brif v159, block32, block33
;; nextln: block32:
;; nextln: @0077                               store.i64 notrap aligned v158, v155+16
;; nextln: @0077                               jump block34(v156)
;; nextln: block33 cold:
;; nextln: @0077                               v161 = load.i64 notrap aligned readonly can_move v0+48
;; nextln: @0077                               v162 = load.i64 notrap aligned readonly can_move v161
;; nextln: @0077                               v163 = call fn0(v0, v162, v154), stack_map=[i64 @ ss0+0, i64 @ ss1+0, i64 @ ss2+0, i64 @ ss3+0, i64 @ ss4+0, i64 @ ss5+0, i64 @ ss6+0, i64 @ ss7+0, i64 @ ss8+0, i64 @ ss9+0]  ; v154 = 16
;; nextln: @0077                               jump block34(v163)
;; nextln: block34(v160: i64):
;; nextln: v528 = stack_addr.i64 ss10
;; nextln: store notrap v160, v528
;; nextln: @0077                               v164 = load.i64 notrap aligned readonly can_move v0+48
;; nextln: @0077                               v165 = load.i64 notrap aligned readonly can_move v164
;; nextln: @0077                               store notrap aligned v165, v160
;; nextln: @0077                               store.i32 notrap aligned v153, v160+8  ; v153 = 10
;; nextln: @007c                               v166 = iconst.i32 11
;; nextln: @007e                               v167 = iconst.i64 16
;; nextln: @007e                               v168 = load.i64 notrap aligned readonly can_move v0
;; nextln: @007e                               v169 = load.i64 notrap aligned v168+16
;; nextln: @007e                               v170 = load.i64 notrap aligned v168+24
;; nextln: @007e                               v171 = iadd v169, v167  ; v167 = 16
;; nextln: @007e                               v172 = icmp ule v171, v170
;; nextln: @007e                               brif v172, block35, block36
;; nextln: block35:
;; nextln: @007e                               store.i64 notrap aligned v171, v168+16
;; nextln: @007e                               jump block37(v169)
;; nextln: block36 cold:
;; nextln: @007e                               v174 = load.i64 notrap aligned readonly can_move v0+48
;; nextln: @007e                               v175 = load.i64 notrap aligned readonly can_move v174
;; nextln: @007e                               v176 = call fn0(v0, v175, v167), stack_map=[i64 @ ss0+0, i64 @ ss1+0, i64 @ ss2+0, i64 @ ss3+0, i64 @ ss4+0, i64 @ ss5+0, i64 @ ss6+0, i64 @ ss7+0, i64 @ ss8+0, i64 @ ss9+0, i64 @ ss10+0]  ; v167 = 16
;; nextln: @007e                               jump block37(v176)
;; nextln: block37(v173: i64):
;; nextln: v529 = stack_addr.i64 ss11
;; nextln: store notrap v173, v529
;; nextln: @007e                               v177 = load.i64 notrap aligned readonly can_move v0+48
;; nextln: @007e                               v178 = load.i64 notrap aligned readonly can_move v177
;; nextln: @007e                               store notrap aligned v178, v173
;; nextln: @007e                               store.i32 notrap aligned v166, v173+8  ; v166 = 11
;; nextln: @0083                               v179 = iconst.i32 12
;; nextln: @0085                               v180 = iconst.i64 16
;; nextln: @0085                               v181 = load.i64 notrap aligned readonly can_move v0
;; nextln: @0085                               v182 = load.i64 notrap aligned v181+16
;; nextln: @0085                               v183 = load.i64 notrap aligned v181+24
;; nextln: @0085                               v184 = iadd v182, v180  ; v180 = 16
;; nextln: @0085                               v185 = icmp ule v184, v183
;; nextln: @0085                               brif v185, block38, block39
;; nextln: block38:
;; nextln: @0085                               store.i64 notrap aligned v184, v181+16
;; nextln: @0085                               jump block40(v182)
;; nextln: block39 cold:
;; nextln: @0085                               v187 = load.i64 notrap aligned readonly can_move v0+48
;; nextln: @0085                               v188 = load.i64 notrap aligned readonly can_move v187
;; nextln: @0085                               v189 = call fn0(v0, v188, v180), stack_map=[i64 @ ss0+0, i64 @ ss1+0, i64 @ ss2+0, i64 @ ss3+0, i64 @ ss4+0, i64 @ ss5+0, i64 @ ss6+0, i64 @ ss7+0, i64 @ ss8+0, i64 @ ss9+0, i64 @ ss10+0, i64 @ ss11+0]  ; v180 = 16
;; nextln: @0085                               jump block40(v189)
;; nextln: block40(v186: i64):
;; nextln: v530 = stack_addr.i64 ss12
;; nextln: store notrap v186, v530
;; nextln: @0085                               v190 = load.i64 notrap aligned readonly can_move v0+48
;; nextln: @0085                               v191 = load.i64 notrap aligned readonly can_move v190
;; nextln: @0085                               store notrap aligned v191, v186
;; nextln: @0085                               store.i32 notrap aligned v179, v186+8  ; v179 = 12
;; nextln: @008a                               v192 = iconst.i32 13
;; nextln: @008c                               v193 = iconst.i64 16
;; nextln: @008c                               v194 = load.i64 notrap aligned readonly can_move v0
;; nextln: @008c                               v195 = load.i64 notrap aligned v194+16
;; nextln: @008c                               v196 = load.i64 notrap aligned v194+24
;; nextln: @008c                               v197 = iadd v195, v193  ; v193 = 16
;; nextln: @008c                               v198 = icmp ule v197, v196
;; nextln: @008c                               brif v198, block41, block42
;; nextln: block41:
;; nextln: @008c                               store.i64 notrap aligned v197, v194+16
;; nextln: @008c                               jump block43(v195)
;; nextln: block42 cold:
;; nextln: @008c                               v200 = load.i64 notrap aligned readonly can_move v0+48
;; nextln: @008c                               v201 = load.i64 notrap aligned readonly can_move v200
;; nextln: @008c                               v202 = call fn0(v0, v201, v193), stack_map=[i64 @ ss0+0, i64 @ ss1+0, i64 @ ss2+0, i64 @ ss3+0, i64 @ ss4+0, i64 @ ss5+0, i64 @ ss6+0, i64 @ ss7+0, i64 @ ss8+0, i64 @ ss9+0, i64 @ ss10+0, i64 @ ss11+0, i64 @ ss12+0]  ; v193 = 16
;; nextln: @008c                               jump block43(v202)
;; nextln: block43(v199: i64):
;; nextln: v531 = stack_addr.i64 ss13
;; nextln: store notrap v199, v531
;; nextln: @008c                               v203 = load.i64 notrap aligned readonly can_move v0+48
;; nextln: @008c                               v204 = load.i64 notrap aligned readonly can_move v203
;; nextln: @008c                               store notrap aligned v204, v199
;; nextln: @008c                               store.i32 notrap aligned v192, v199+8  ; v192 = 13
;; nextln: @0091                               v205 = iconst.i32 14
;; nextln: @0093                               v206 = iconst.i64 16
;; nextln: @0093                               v207 = load.i64 notrap aligned readonly can_move v0
;; nextln: @0093                               v208 = load.i64 notrap aligned v207+16
;; nextln: @0093                               v209 = load.i64 notrap aligned v207+24
;; nextln: @0093                               v210 = iadd v208, v206  ; v206 = 16
;; nextln: @0093                               v211 = icmp ule v210, v209
;; nextln: @0093                               brif v211, block44, block45
;; nextln: block44:
;; nextln: @0093                               store.i64 notrap aligned v210, v207+16
;; nextln: @0093                               jump block46(v208)
;; nextln: block45 cold:
;; nextln: @0093                               v213 = load.i64 notrap aligned readonly can_move v0+48
;; nextln: @0093                               v214 = load.i64 notrap aligned readonly can_move v213
;; nextln: @0093                               v215 = call fn0(v0, v214, v206), stack_map=[i64 @ ss0+0, i64 @ ss1+0, i64 @ ss2+0, i64 @ ss3+0, i64 @ ss4+0, i64 @ ss5+0, i64 @ ss6+0, i64 @ ss7+0, i64 @ ss8+0, i64 @ ss9+0, i64 @ ss10+0, i64 @ ss11+0, i64 @ ss12+0, i64 @ ss13+0]  ; v206 = 16
;; nextln: @0093                               jump block46(v215)
;; nextln: block46(v212: i64):
;; nextln: v532 = stack_addr.i64 ss14
;; nextln: store notrap v212, v532
;; nextln: @0093                               v216 = load.i64 notrap aligned readonly can_move v0+48
;; nextln: @0093                               v217 = load.i64 notrap aligned readonly can_move v216
;; nextln: @0093                               store notrap aligned v217, v212
;; nextln: @0093                               store.i32 notrap aligned v205, v212+8  ; v205 = 14
;; nextln: @0098                               v218 = iconst.i32 15
;; nextln: @009a                               v219 = iconst.i64 16
;; nextln: @009a                               v220 = load.i64 notrap aligned readonly can_move v0
;; nextln: @009a                               v221 = load.i64 notrap aligned v220+16
;; nextln: @009a                               v222 = load.i64 notrap aligned v220+24
;; nextln: @009a                               v223 = iadd v221, v219  ; v219 = 16
;; nextln: @009a                               v224 = icmp ule v223, v222
;; nextln: @009a                               brif v224, block47, block48
;; nextln: block47:
;; nextln: @009a                               store.i64 notrap aligned v223, v220+16
;; nextln: @009a                               jump block49(v221)
;; nextln: block48 cold:
;; nextln: @009a                               v226 = load.i64 notrap aligned readonly can_move v0+48
;; nextln: @009a                               v227 = load.i64 notrap aligned readonly can_move v226
;; nextln: @009a                               v228 = call fn0(v0, v227, v219), stack_map=[i64 @ ss0+0, i64 @ ss1+0, i64 @ ss2+0, i64 @ ss3+0, i64 @ ss4+0, i64 @ ss5+0, i64 @ ss6+0, i64 @ ss7+0, i64 @ ss8+0, i64 @ ss9+0, i64 @ ss10+0, i64 @ ss11+0, i64 @ ss12+0, i64 @ ss13+0, i64 @ ss14+0]  ; v219 = 16
;; nextln: @009a                               jump block49(v228)
;; nextln: block49(v225: i64):
;; nextln: v533 = stack_addr.i64 ss15
;; nextln: store notrap v225, v533
;; nextln: @009a                               v229 = load.i64 notrap aligned readonly can_move v0+48
;; nextln: @009a                               v230 = load.i64 notrap aligned readonly can_move v229
;; nextln: @009a                               store notrap aligned v230, v225
;; nextln: @009a                               store.i32 notrap aligned v218, v225+8  ; v218 = 15
;; nextln: @009f                               v231 = iconst.i32 16
;; nextln: @00a1                               v232 = iconst.i64 16
;; nextln: @00a1                               v233 = load.i64 notrap aligned readonly can_move v0
;; nextln: @00a1                               v234 = load.i64 notrap aligned v233+16
;; nextln: @00a1                               v235 = load.i64 notrap aligned v233+24
;; nextln: @00a1                               v236 = iadd v234, v232  ; v232 = 16
;; nextln: @00a1                               v237 = icmp ule v236, v235
;; nextln: @00a1                               brif v237, block50, block51
;; nextln: block50:
;; nextln: @00a1                               store.i64 notrap aligned v236, v233+16
;; nextln: @00a1                               jump block52(v234)
;; nextln: block51 cold:
;; nextln: @00a1                               v239 = load.i64 notrap aligned readonly can_move v0+48
;; nextln: @00a1                               v240 = load.i64 notrap aligned readonly can_move v239
;; nextln: @00a1                               v241 = call fn0(v0, v240, v232), stack_map=[i64 @ ss0+0, i64 @ ss1+0, i64 @ ss2+0, i64 @ ss3+0, i64 @ ss4+0, i64 @ ss5+0, i64 @ ss6+0, i64 @ ss7+0, i64 @ ss8+0, i64 @ ss9+0, i64 @ ss10+0, i64 @ ss11+0, i64 @ ss12+0, i64 @ ss13+0, i64 @ ss14+0, i64 @ ss15+0]  ; v232 = 16
;; nextln: @00a1                               jump block52(v241)
;; nextln: block52(v238: i64):
;; nextln: v534 = stack_addr.i64 ss16
;; nextln: store notrap v238, v534
;; nextln: @00a1                               v242 = load.i64 notrap aligned readonly can_move v0+48
;; nextln: @00a1                               v243 = load.i64 notrap aligned readonly can_move v242
;; nextln: @00a1                               store notrap aligned v243, v238
;; nextln: @00a1                               store.i32 notrap aligned v231, v238+8  ; v231 = 16
;; nextln: @00a6                               v244 = iconst.i32 17
;; nextln: @00a8                               v245 = iconst.i64 16
;; nextln: @00a8                               v246 = load.i64 notrap aligned readonly can_move v0
;; nextln: @00a8                               v247 = load.i64 notrap aligned v246+16
;; nextln: @00a8                               v248 = load.i64 notrap aligned v246+24
;; nextln: @00a8                               v249 = iadd v247, v245  ; v245 = 16
;; nextln: @00a8                               v250 = icmp ule v249, v248
;; nextln: @00a8                               brif v250, block53, block54
;; nextln: block53:
;; nextln: @00a8                               store.i64 notrap aligned v249, v246+16
;; nextln: @00a8                               jump block55(v247)
;; nextln: block54 cold:
;; nextln: @00a8                               v252 = load.i64 notrap aligned readonly can_move v0+48
;; nextln: @00a8                               v253 = load.i64 notrap aligned readonly can_move v252
;; nextln: @00a8                               v254 = call fn0(v0, v253, v245), stack_map=[i64 @ ss0+0, i64 @ ss1+0, i64 @ ss2+0, i64 @ ss3+0, i64 @ ss4+0, i64 @ ss5+0, i64 @ ss6+0, i64 @ ss7+0, i64 @ ss8+0, i64 @ ss9+0, i64 @ ss10+0, i64 @ ss11+0, i64 @ ss12+0, i64 @ ss13+0, i64 @ ss14+0, i64 @ ss15+0, i64 @ ss16+0]  ; v245 = 16
;; nextln: @00a8                               jump block55(v254)
;; nextln: block55(v251: i64):
;; nextln: v535 = stack_addr.i64 ss17
;; nextln: store notrap v251, v535
;; nextln: @00a8                               v255 = load.i64 notrap aligned readonly can_move v0+48
;; nextln: @00a8                               v256 = load.i64 notrap aligned readonly can_move v255
;; nextln: @00a8                               store notrap aligned v256, v251
;; nextln: @00a8                               store.i32 notrap aligned v244, v251+8  ; v244 = 17
;; nextln: @00ad                               v257 = iconst.i32 18
;; nextln: @00af                               v258 = iconst.i64 16
;; nextln: @00af                               v259 = load.i64 notrap aligned readonly can_move v0
;; nextln: @00af                               v260 = load.i64 notrap aligned v259+16
;; nextln: @00af                               v261 = load.i64 notrap aligned v259+24
;; nextln: @00af                               v262 = iadd v260, v258  ; v258 = 16
;; nextln: @00af                               v263 = icmp ule v262, v261
;; nextln: @00af                               brif v263, block56, block57
;; nextln: block56:
;; nextln: @00af                               store.i64 notrap aligned v262, v259+16
;; nextln: @00af                               jump block58(v260)
;; nextln: block57 cold:
;; nextln: @00af                               v265 = load.i64 notrap aligned readonly can_move v0+48
;; nextln: @00af                               v266 = load.i64 notrap aligned readonly can_move v265
;; nextln: @00af                               v267 = call fn0(v0, v266, v258), stack_map=[i64 @ ss0+0, i64 @ ss1+0, i64 @ ss2+0, i64 @ ss3+0, i64 @ ss4+0, i64 @ ss5+0, i64 @ ss6+0, i64 @ ss7+0, i64 @ ss8+0, i64 @ ss9+0, i64 @ ss10+0, i64 @ ss11+0, i64 @ ss12+0, i64 @ ss13+0, i64 @ ss14+0, i64 @ ss15+0, i64 @ ss16+0, i64 @ ss17+0]  ; v258 = 16
;; nextln: @00af                               jump block58(v267)
;; nextln: block58(v264: i64):
;; nextln: v536 = stack_addr.i64 ss18
;; nextln: store notrap v264, v536
;; nextln: @00af                               v268 = load.i64 notrap aligned readonly can_move v0+48
;; nextln: @00af                               v269 = load.i64 notrap aligned readonly can_move v268
;; nextln: @00af                               store notrap aligned v269, v264
;; nextln: @00af                               store.i32 notrap aligned v257, v264+8  ; v257 = 18
;; nextln: @00b4                               v270 = iconst.i32 19
;; nextln: @00b6                               v271 = iconst.i64 16
;; nextln: @00b6                               v272 = load.i64 notrap aligned readonly can_move v0
;; nextln: @00b6                               v273 = load.i64 notrap aligned v272+16
;; nextln: @00b6                               v274 = load.i64 notrap aligned v272+24
;; nextln: @00b6                               v275 = iadd v273, v271  ; v271 = 16
;; nextln: @00b6                               v276 = icmp ule v275, v274
;; nextln: @00b6                               brif v276, block59, block60
;; nextln: block59:
;; nextln: @00b6                               store.i64 notrap aligned v275, v272+16
;; nextln: @00b6                               jump block61(v273)
;; nextln: block60 cold:
;; nextln: @00b6                               v278 = load.i64 notrap aligned readonly can_move v0+48
;; nextln: @00b6                               v279 = load.i64 notrap aligned readonly can_move v278
;; nextln: @00b6                               v280 = call fn0(v0, v279, v271), stack_map=[i64 @ ss0+0, i64 @ ss1+0, i64 @ ss2+0, i64 @ ss3+0, i64 @ ss4+0, i64 @ ss5+0, i64 @ ss6+0, i64 @ ss7+0, i64 @ ss8+0, i64 @ ss9+0, i64 @ ss10+0, i64 @ ss11+0, i64 @ ss12+0, i64 @ ss13+0, i64 @ ss14+0, i64 @ ss15+0, i64 @ ss16+0, i64 @ ss17+0, i64 @ ss18+0]  ; v271 = 16
;; nextln: @00b6                               jump block61(v280)
;; nextln: block61(v277: i64):
;; nextln: v537 = stack_addr.i64 ss19
;; nextln: store notrap v277, v537
;; nextln: @00b6                               v281 = load.i64 notrap aligned readonly can_move v0+48
;; nextln: @00b6                               v282 = load.i64 notrap aligned readonly can_move v281
;; nextln: @00b6                               store notrap aligned v282, v277
;; nextln: @00b6                               store.i32 notrap aligned v270, v277+8  ; v270 = 19
;; nextln: @00bb                               v283 = load.i64 notrap aligned readonly can_move v0+40
;; nextln: @00bb                               v284 = load.i64 notrap aligned readonly can_move v283
;; nextln: @00bb                               v285 = load.i64 notrap aligned readonly can_move v284
;; nextln: @00bb                               v286 = load.i64 notrap aligned readonly can_move v284+8
;; nextln: @00bb                               call_indirect sig1, v285(v286, v0), stack_map=[i64 @ ss0+0, i64 @ ss1+0, i64 @ ss2+0, i64 @ ss3+0, i64 @ ss4+0, i64 @ ss5+0, i64 @ ss6+0, i64 @ ss7+0, i64 @ ss8+0, i64 @ ss9+0, i64 @ ss10+0, i64 @ ss11+0, i64 @ ss12+0, i64 @ ss13+0, i64 @ ss14+0, i64 @ ss15+0, i64 @ ss16+0, i64 @ ss17+0, i64 @ ss18+0, i64 @ ss19+0]
;; nextln: @00bd                               v287 = iconst.i32 0
;; nextln: v538 = stack_addr.i64 ss0
;; nextln: v539 = load.i64 notrap v538
;; nextln: @00c1                               trapz v539, user14
;; nextln: @00c1                               v307 = load.i32 notrap aligned v539+8
;; nextln: @00c5                               v308 = iadd v287, v307  ; v287 = 0
;; nextln: v540 = stack_addr.i64 ss1
;; nextln: v541 = load.i64 notrap v540
;; nextln: @00c8                               trapz v541, user14
;; nextln: @00c8                               v327 = load.i32 notrap aligned v541+8
;; nextln: @00cc                               v328 = iadd v308, v327
;; nextln: v542 = stack_addr.i64 ss2
;; nextln: v543 = load.i64 notrap v542
;; nextln: @00cf                               trapz v543, user14
;; nextln: @00cf                               v346 = load.i32 notrap aligned v543+8
;; nextln: @00d3                               v347 = iadd v328, v346
;; nextln: v544 = stack_addr.i64 ss3
;; nextln: v545 = load.i64 notrap v544
;; nextln: @00d6                               trapz v545, user14
;; nextln: @00d6                               v364 = load.i32 notrap aligned v545+8
;; nextln: @00da                               v365 = iadd v347, v364
;; nextln: v546 = stack_addr.i64 ss4
;; nextln: v547 = load.i64 notrap v546
;; nextln: @00dd                               trapz v547, user14
;; nextln: @00dd                               v381 = load.i32 notrap aligned v547+8
;; nextln: @00e1                               v382 = iadd v365, v381
;; nextln: v548 = stack_addr.i64 ss5
;; nextln: v549 = load.i64 notrap v548
;; nextln: @00e4                               trapz v549, user14
;; nextln: @00e4                               v397 = load.i32 notrap aligned v549+8
;; nextln: @00e8                               v398 = iadd v382, v397
;; nextln: v550 = stack_addr.i64 ss6
;; nextln: v551 = load.i64 notrap v550
;; nextln: @00eb                               trapz v551, user14
;; nextln: @00eb                               v412 = load.i32 notrap aligned v551+8
;; nextln: @00ef                               v413 = iadd v398, v412
;; nextln: v552 = stack_addr.i64 ss7
;; nextln: v553 = load.i64 notrap v552
;; nextln: @00f2                               trapz v553, user14
;; nextln: @00f2                               v426 = load.i32 notrap aligned v553+8
;; nextln: @00f6                               v427 = iadd v413, v426
;; nextln: v554 = stack_addr.i64 ss8
;; nextln: v555 = load.i64 notrap v554
;; nextln: @00f9                               trapz v555, user14
;; nextln: @00f9                               v439 = load.i32 notrap aligned v555+8
;; nextln: @00fd                               v440 = iadd v427, v439
;; nextln: v556 = stack_addr.i64 ss9
;; nextln: v557 = load.i64 notrap v556
;; nextln: @0100                               trapz v557, user14
;; nextln: @0100                               v451 = load.i32 notrap aligned v557+8
;; nextln: @0104                               v452 = iadd v440, v451
;; nextln: v558 = stack_addr.i64 ss10
;; nextln: v559 = load.i64 notrap v558
;; nextln: @0107                               trapz v559, user14
;; nextln: @0107                               v462 = load.i32 notrap aligned v559+8
;; nextln: @010b                               v463 = iadd v452, v462
;; nextln: v560 = stack_addr.i64 ss11
;; nextln: v561 = load.i64 notrap v560
;; nextln: @010e                               trapz v561, user14
;; nextln: @010e                               v472 = load.i32 notrap aligned v561+8
;; nextln: @0112                               v473 = iadd v463, v472
;; nextln: v562 = stack_addr.i64 ss12
;; nextln: v563 = load.i64 notrap v562
;; nextln: @0115                               trapz v563, user14
;; nextln: @0115                               v481 = load.i32 notrap aligned v563+8
;; nextln: @0119                               v482 = iadd v473, v481
;; nextln: v564 = stack_addr.i64 ss13
;; nextln: v565 = load.i64 notrap v564
;; nextln: @011c                               trapz v565, user14
;; nextln: @011c                               v489 = load.i32 notrap aligned v565+8
;; nextln: @0120                               v490 = iadd v482, v489
;; nextln: v566 = stack_addr.i64 ss14
;; nextln: v567 = load.i64 notrap v566
;; nextln: @0123                               trapz v567, user14
;; nextln: @0123                               v496 = load.i32 notrap aligned v567+8
;; nextln: @0127                               v497 = iadd v490, v496
;; nextln: v568 = stack_addr.i64 ss15
;; nextln: v569 = load.i64 notrap v568
;; nextln: @012a                               trapz v569, user14
;; nextln: @012a                               v502 = load.i32 notrap aligned v569+8
;; nextln: @012e                               v503 = iadd v497, v502
;; nextln: v570 = stack_addr.i64 ss16
;; nextln: v571 = load.i64 notrap v570
;; nextln: @0131                               trapz v571, user14
;; nextln: @0131                               v507 = load.i32 notrap aligned v571+8
;; nextln: @0135                               v508 = iadd v503, v507
;; nextln: v572 = stack_addr.i64 ss17
;; nextln: v573 = load.i64 notrap v572
;; nextln: @0138                               trapz v573, user14
;; nextln: @0138                               v511 = load.i32 notrap aligned v573+8
;; nextln: @013c                               v512 = iadd v508, v511
;; nextln: v574 = stack_addr.i64 ss18
;; nextln: v575 = load.i64 notrap v574
;; nextln: @013f                               trapz v575, user14
;; nextln: @013f                               v514 = load.i32 notrap aligned v575+8
;; nextln: @0143                               v515 = iadd v512, v514
;; nextln: v576 = stack_addr.i64 ss19
;; nextln: v577 = load.i64 notrap v576
;; nextln: @0146                               trapz v577, user14
;; nextln: @0146                               v516 = load.i32 notrap aligned v577+8
;; nextln: @014a                               v517 = iadd v515, v516
;; nextln: @014b                               jump block1(v517)
;; nextln: block1(v22: i32):
;; nextln: @014b                               return v22
;; nextln: }
