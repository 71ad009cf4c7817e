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

;; Twenty slots (ss0..ss19, no more); the call to `$g` names all twenty in its stack map;
;; every `struct.get` after it reads a reload of its own slot (first, middle and last shown).
;; check: ss19 = explicit_slot 8, align = 8
;; not: ss20
;; check: call_indirect sig1, v245(v246, v0), stack_map=[i64 @ ss0+0, i64 @ ss1+0, i64 @ ss2+0, i64 @ ss3+0, i64 @ ss4+0, i64 @ ss5+0, i64 @ ss6+0, i64 @ ss7+0, i64 @ ss8+0, i64 @ ss9+0, i64 @ ss10+0, i64 @ ss11+0, i64 @ ss12+0, i64 @ ss13+0, i64 @ ss14+0, i64 @ ss15+0, i64 @ ss16+0, i64 @ ss17+0, i64 @ ss18+0, i64 @ ss19+0]
;; check: v498 = stack_addr.i64 ss0
;; nextln: v499 = load.i64 notrap v498
;; nextln: trapz v499, user14
;; nextln: load.i32 notrap aligned v499+8
;; check: v518 = stack_addr.i64 ss10
;; nextln: v519 = load.i64 notrap v518
;; nextln: trapz v519, user14
;; nextln: load.i32 notrap aligned v519+8
;; check: v536 = stack_addr.i64 ss19
;; nextln: v537 = load.i64 notrap v536
;; nextln: trapz v537, user14
;; nextln: load.i32 notrap aligned v537+8

;; output:
;; ;; function f
;; function u0:0(i64 vmctx, i64) -> i32 tail {
;;     ss0 = explicit_slot 8, align = 8
;;     ss1 = explicit_slot 8, align = 8
;;     ss2 = explicit_slot 8, align = 8
;;     ss3 = explicit_slot 8, align = 8
;;     ss4 = explicit_slot 8, align = 8
;;     ss5 = explicit_slot 8, align = 8
;;     ss6 = explicit_slot 8, align = 8
;;     ss7 = explicit_slot 8, align = 8
;;     ss8 = explicit_slot 8, align = 8
;;     ss9 = explicit_slot 8, align = 8
;;     ss10 = explicit_slot 8, align = 8
;;     ss11 = explicit_slot 8, align = 8
;;     ss12 = explicit_slot 8, align = 8
;;     ss13 = explicit_slot 8, align = 8
;;     ss14 = explicit_slot 8, align = 8
;;     ss15 = explicit_slot 8, align = 8
;;     ss16 = explicit_slot 8, align = 8
;;     ss17 = explicit_slot 8, align = 8
;;     ss18 = explicit_slot 8, align = 8
;;     ss19 = explicit_slot 8, align = 8
;;     gv0 = vmctx
;;     gv1 = load.i64 notrap aligned readonly gv0
;;     gv2 = load.i64 notrap aligned gv1
;;     sig0 = (i64, i64, i64) -> i64 tail
;;     sig1 = (i64 vmctx, i64) tail
;;     fn0 = colocated u0:1 sig0
;;     stack_limit = gv2
;;                                 block0(v0: i64, v1: i64):
;;                                     v2 = iconst.i64 0
;;                                     v3 = iconst.i64 0
;;                                     v4 = iconst.i64 0
;;                                     v5 = iconst.i64 0
;;                                     v6 = iconst.i64 0
;;                                     v7 = iconst.i64 0
;;                                     v8 = iconst.i64 0
;;                                     v9 = iconst.i64 0
;;                                     v10 = iconst.i64 0
;;                                     v11 = iconst.i64 0
;;                                     v12 = iconst.i64 0
;;                                     v13 = iconst.i64 0
;;                                     v14 = iconst.i64 0
;;                                     v15 = iconst.i64 0
;;                                     v16 = iconst.i64 0
;;                                     v17 = iconst.i64 0
;;                                     v18 = iconst.i64 0
;;                                     v19 = iconst.i64 0
;;                                     v20 = iconst.i64 0
;;                                     v21 = iconst.i64 0
;; @002f                               v23 = iconst.i32 0
;; @0031                               v24 = iconst.i64 16
;; @0031                               v25 = load.i64 notrap aligned readonly can_move v0+48
;; @0031                               v26 = load.i64 notrap aligned readonly can_move v25
;; @0031                               v27 = load.i64 notrap aligned readonly can_move v0
;; @0031                               v28 = load.i64 notrap aligned v27+16
;; @0031                               v29 = load.i64 notrap aligned v27+24
;; @0031                               v30 = iadd v28, v24  ; v24 = 16
;; @0031                               v31 = icmp ule v30, v29
;; @0031                               brif v31, block2, block3
;;                                 block2:
;; @0031                               store.i64 notrap aligned v30, v27+16
;; @0031                               jump block4(v28)
;;                                 block3 cold:
;; @0031                               v33 = call fn0(v0, v26, v24)  ; v24 = 16
;; @0031                               jump block4(v33)
;;                                 block4(v32: i64):
;;                                     v478 = stack_addr.i64 ss0
;;                                     store notrap v32, v478
;; @0031                               store.i64 notrap aligned v26, v32
;; @0031                               store.i32 notrap aligned v23, v32+8  ; v23 = 0
;; @0036                               v34 = iconst.i32 1
;; @0038                               v35 = iconst.i64 16
;; @0038                               v36 = load.i64 notrap aligned readonly can_move v0+48
;; @0038                               v37 = load.i64 notrap aligned readonly can_move v36
;; @0038                               v38 = load.i64 notrap aligned readonly can_move v0
;; @0038                               v39 = load.i64 notrap aligned v38+16
;; @0038                               v40 = load.i64 notrap aligned v38+24
;; @0038                               v41 = iadd v39, v35  ; v35 = 16
;; @0038                               v42 = icmp ule v41, v40
;; @0038                               brif v42, block5, block6
;;                                 block5:
;; @0038                               store.i64 notrap aligned v41, v38+16
;; @0038                               jump block7(v39)
;;                                 block6 cold:
;; @0038                               v44 = call fn0(v0, v37, v35), stack_map=[i64 @ ss0+0]  ; v35 = 16
;; @0038                               jump block7(v44)
;;                                 block7(v43: i64):
;;                                     v479 = stack_addr.i64 ss1
;;                                     store notrap v43, v479
;; @0038                               store.i64 notrap aligned v37, v43
;; @0038                               store.i32 notrap aligned v34, v43+8  ; v34 = 1
;; @003d                               v45 = iconst.i32 2
;; @003f                               v46 = iconst.i64 16
;; @003f                               v47 = load.i64 notrap aligned readonly can_move v0+48
;; @003f                               v48 = load.i64 notrap aligned readonly can_move v47
;; @003f                               v49 = load.i64 notrap aligned readonly can_move v0
;; @003f                               v50 = load.i64 notrap aligned v49+16
;; @003f                               v51 = load.i64 notrap aligned v49+24
;; @003f                               v52 = iadd v50, v46  ; v46 = 16
;; @003f                               v53 = icmp ule v52, v51
;; @003f                               brif v53, block8, block9
;;                                 block8:
;; @003f                               store.i64 notrap aligned v52, v49+16
;; @003f                               jump block10(v50)
;;                                 block9 cold:
;; @003f                               v55 = call fn0(v0, v48, v46), stack_map=[i64 @ ss0+0, i64 @ ss1+0]  ; v46 = 16
;; @003f                               jump block10(v55)
;;                                 block10(v54: i64):
;;                                     v480 = stack_addr.i64 ss2
;;                                     store notrap v54, v480
;; @003f                               store.i64 notrap aligned v48, v54
;; @003f                               store.i32 notrap aligned v45, v54+8  ; v45 = 2
;; @0044                               v56 = iconst.i32 3
;; @0046                               v57 = iconst.i64 16
;; @0046                               v58 = load.i64 notrap aligned readonly can_move v0+48
;; @0046                               v59 = load.i64 notrap aligned readonly can_move v58
;; @0046                               v60 = load.i64 notrap aligned readonly can_move v0
;; @0046                               v61 = load.i64 notrap aligned v60+16
;; @0046                               v62 = load.i64 notrap aligned v60+24
;; @0046                               v63 = iadd v61, v57  ; v57 = 16
;; @0046                               v64 = icmp ule v63, v62
;; @0046                               brif v64, block11, block12
;;                                 block11:
;; @0046                               store.i64 notrap aligned v63, v60+16
;; @0046                               jump block13(v61)
;;                                 block12 cold:
;; @0046                               v66 = call fn0(v0, v59, v57), stack_map=[i64 @ ss0+0, i64 @ ss1+0, i64 @ ss2+0]  ; v57 = 16
;; @0046                               jump block13(v66)
;;                                 block13(v65: i64):
;;                                     v481 = stack_addr.i64 ss3
;;                                     store notrap v65, v481
;; @0046                               store.i64 notrap aligned v59, v65
;; @0046                               store.i32 notrap aligned v56, v65+8  ; v56 = 3
;; @004b                               v67 = iconst.i32 4
;; @004d                               v68 = iconst.i64 16
;; @004d                               v69 = load.i64 notrap aligned readonly can_move v0+48
;; @004d                               v70 = load.i64 notrap aligned readonly can_move v69
;; @004d                               v71 = load.i64 notrap aligned readonly can_move v0
;; @004d                               v72 = load.i64 notrap aligned v71+16
;; @004d                               v73 = load.i64 notrap aligned v71+24
;; @004d                               v74 = iadd v72, v68  ; v68 = 16
;; @004d                               v75 = icmp ule v74, v73
;; @004d                               brif v75, block14, block15
;;                                 block14:
;; @004d                               store.i64 notrap aligned v74, v71+16
;; @004d                               jump block16(v72)
;;                                 block15 cold:
;; @004d                               v77 = call fn0(v0, v70, v68), stack_map=[i64 @ ss0+0, i64 @ ss1+0, i64 @ ss2+0, i64 @ ss3+0]  ; v68 = 16
;; @004d                               jump block16(v77)
;;                                 block16(v76: i64):
;;                                     v482 = stack_addr.i64 ss4
;;                                     store notrap v76, v482
;; @004d                               store.i64 notrap aligned v70, v76
;; @004d                               store.i32 notrap aligned v67, v76+8  ; v67 = 4
;; @0052                               v78 = iconst.i32 5
;; @0054                               v79 = iconst.i64 16
;; @0054                               v80 = load.i64 notrap aligned readonly can_move v0+48
;; @0054                               v81 = load.i64 notrap aligned readonly can_move v80
;; @0054                               v82 = load.i64 notrap aligned readonly can_move v0
;; @0054                               v83 = load.i64 notrap aligned v82+16
;; @0054                               v84 = load.i64 notrap aligned v82+24
;; @0054                               v85 = iadd v83, v79  ; v79 = 16
;; @0054                               v86 = icmp ule v85, v84
;; @0054                               brif v86, block17, block18
;;                                 block17:
;; @0054                               store.i64 notrap aligned v85, v82+16
;; @0054                               jump block19(v83)
;;                                 block18 cold:
;; @0054                               v88 = call fn0(v0, v81, v79), stack_map=[i64 @ ss0+0, i64 @ ss1+0, i64 @ ss2+0, i64 @ ss3+0, i64 @ ss4+0]  ; v79 = 16
;; @0054                               jump block19(v88)
;;                                 block19(v87: i64):
;;                                     v483 = stack_addr.i64 ss5
;;                                     store notrap v87, v483
;; @0054                               store.i64 notrap aligned v81, v87
;; @0054                               store.i32 notrap aligned v78, v87+8  ; v78 = 5
;; @0059                               v89 = iconst.i32 6
;; @005b                               v90 = iconst.i64 16
;; @005b                               v91 = load.i64 notrap aligned readonly can_move v0+48
;; @005b                               v92 = load.i64 notrap aligned readonly can_move v91
;; @005b                               v93 = load.i64 notrap aligned readonly can_move v0
;; @005b                               v94 = load.i64 notrap aligned v93+16
;; @005b                               v95 = load.i64 notrap aligned v93+24
;; @005b                               v96 = iadd v94, v90  ; v90 = 16
;; @005b                               v97 = icmp ule v96, v95
;; @005b                               brif v97, block20, block21
;;                                 block20:
;; @005b                               store.i64 notrap aligned v96, v93+16
;; @005b                               jump block22(v94)
;;                                 block21 cold:
;; @005b                               v99 = call fn0(v0, v92, v90), stack_map=[i64 @ ss0+0, i64 @ ss1+0, i64 @ ss2+0, i64 @ ss3+0, i64 @ ss4+0, i64 @ ss5+0]  ; v90 = 16
;; @005b                               jump block22(v99)
;;                                 block22(v98: i64):
;;                                     v484 = stack_addr.i64 ss6
;;                                     store notrap v98, v484
;; @005b                               store.i64 notrap aligned v92, v98
;; @005b                               store.i32 notrap aligned v89, v98+8  ; v89 = 6
;; @0060                               v100 = iconst.i32 7
;; @0062                               v101 = iconst.i64 16
;; @0062                               v102 = load.i64 notrap aligned readonly can_move v0+48
;; @0062                               v103 = load.i64 notrap aligned readonly can_move v102
;; @0062                               v104 = load.i64 notrap aligned readonly can_move v0
;; @0062                               v105 = load.i64 notrap aligned v104+16
;; @0062                               v106 = load.i64 notrap aligned v104+24
;; @0062                               v107 = iadd v105, v101  ; v101 = 16
;; @0062                               v108 = icmp ule v107, v106
;; @0062                               brif v108, block23, block24
;;                                 block23:
;; @0062                               store.i64 notrap aligned v107, v104+16
;; @0062                               jump block25(v105)
;;                                 block24 cold:
;; @0062                               v110 = call fn0(v0, v103, v101), stack_map=[i64 @ ss0+0, i64 @ ss1+0, i64 @ ss2+0, i64 @ ss3+0, i64 @ ss4+0, i64 @ ss5+0, i64 @ ss6+0]  ; v101 = 16
;; @0062                               jump block25(v110)
;;                                 block25(v109: i64):
;;                                     v485 = stack_addr.i64 ss7
;;                                     store notrap v109, v485
;; @0062                               store.i64 notrap aligned v103, v109
;; @0062                               store.i32 notrap aligned v100, v109+8  ; v100 = 7
;; @0067                               v111 = iconst.i32 8
;; @0069                               v112 = iconst.i64 16
;; @0069                               v113 = load.i64 notrap aligned readonly can_move v0+48
;; @0069                               v114 = load.i64 notrap aligned readonly can_move v113
;; @0069                               v115 = load.i64 notrap aligned readonly can_move v0
;; @0069                               v116 = load.i64 notrap aligned v115+16
;; @0069                               v117 = load.i64 notrap aligned v115+24
;; @0069                               v118 = iadd v116, v112  ; v112 = 16
;; @0069                               v119 = icmp ule v118, v117
;; @0069                               brif v119, block26, block27
;;                                 block26:
;; @0069                               store.i64 notrap aligned v118, v115+16
;; @0069                               jump block28(v116)
;;                                 block27 cold:
;; @0069                               v121 = call fn0(v0, v114, v112), stack_map=[i64 @ ss0+0, i64 @ ss1+0, i64 @ ss2+0, i64 @ ss3+0, i64 @ ss4+0, i64 @ ss5+0, i64 @ ss6+0, i64 @ ss7+0]  ; v112 = 16
;; @0069                               jump block28(v121)
;;                                 block28(v120: i64):
;;                                     v486 = stack_addr.i64 ss8
;;                                     store notrap v120, v486
;; @0069                               store.i64 notrap aligned v114, v120
;; @0069                               store.i32 notrap aligned v111, v120+8  ; v111 = 8
;; @006e                               v122 = iconst.i32 9
;; @0070                               v123 = iconst.i64 16
;; @0070                               v124 = load.i64 notrap aligned readonly can_move v0+48
;; @0070                               v125 = load.i64 notrap aligned readonly can_move v124
;; @0070                               v126 = load.i64 notrap aligned readonly can_move v0
;; @0070                               v127 = load.i64 notrap aligned v126+16
;; @0070                               v128 = load.i64 notrap aligned v126+24
;; @0070                               v129 = iadd v127, v123  ; v123 = 16
;; @0070                               v130 = icmp ule v129, v128
;; @0070                               brif v130, block29, block30
;;                                 block29:
;; @0070                               store.i64 notrap aligned v129, v126+16
;; @0070                               jump block31(v127)
;;                                 block30 cold:
;; @0070                               v132 = call fn0(v0, v125, v123), stack_map=[i64 @ ss0+0, i64 @ ss1+0, i64 @ ss2+0, i64 @ ss3+0, i64 @ ss4+0, i64 @ ss5+0, i64 @ ss6+0, i64 @ ss7+0, i64 @ ss8+0]  ; v123 = 16
;; @0070                               jump block31(v132)
;;                                 block31(v131: i64):
;;                                     v487 = stack_addr.i64 ss9
;;                                     store notrap v131, v487
;; @0070                               store.i64 notrap aligned v125, v131
;; @0070                               store.i32 notrap aligned v122, v131+8  ; v122 = 9
;; @0075                               v133 = iconst.i32 10
;; @0077                               v134 = iconst.i64 16
;; @0077                               v135 = load.i64 notrap aligned readonly can_move v0+48
;; @0077                               v136 = load.i64 notrap aligned readonly can_move v135
;; @0077                               v137 = load.i64 notrap aligned readonly can_move v0
;; @0077                               v138 = load.i64 notrap aligned v137+16
;; @0077                               v139 = load.i64 notrap aligned v137+24
;; @0077                               v140 = iadd v138, v134  ; v134 = 16
;; @0077                               v141 = icmp ule v140, v139
;; @0077                               brif v141, block32, block33
;;                                 block32:
;; @0077                               store.i64 notrap aligned v140, v137+16
;; @0077                               jump block34(v138)
;;                                 block33 cold:
;; @0077                               v143 = call fn0(v0, v136, v134), stack_map=[i64 @ ss0+0, i64 @ ss1+0, i64 @ ss2+0, i64 @ ss3+0, i64 @ ss4+0, i64 @ ss5+0, i64 @ ss6+0, i64 @ ss7+0, i64 @ ss8+0, i64 @ ss9+0]  ; v134 = 16
;; @0077                               jump block34(v143)
;;                                 block34(v142: i64):
;;                                     v488 = stack_addr.i64 ss10
;;                                     store notrap v142, v488
;; @0077                               store.i64 notrap aligned v136, v142
;; @0077                               store.i32 notrap aligned v133, v142+8  ; v133 = 10
;; @007c                               v144 = iconst.i32 11
;; @007e                               v145 = iconst.i64 16
;; @007e                               v146 = load.i64 notrap aligned readonly can_move v0+48
;; @007e                               v147 = load.i64 notrap aligned readonly can_move v146
;; @007e                               v148 = load.i64 notrap aligned readonly can_move v0
;; @007e                               v149 = load.i64 notrap aligned v148+16
;; @007e                               v150 = load.i64 notrap aligned v148+24
;; @007e                               v151 = iadd v149, v145  ; v145 = 16
;; @007e                               v152 = icmp ule v151, v150
;; @007e                               brif v152, block35, block36
;;                                 block35:
;; @007e                               store.i64 notrap aligned v151, v148+16
;; @007e                               jump block37(v149)
;;                                 block36 cold:
;; @007e                               v154 = call fn0(v0, v147, v145), stack_map=[i64 @ ss0+0, i64 @ ss1+0, i64 @ ss2+0, i64 @ ss3+0, i64 @ ss4+0, i64 @ ss5+0, i64 @ ss6+0, i64 @ ss7+0, i64 @ ss8+0, i64 @ ss9+0, i64 @ ss10+0]  ; v145 = 16
;; @007e                               jump block37(v154)
;;                                 block37(v153: i64):
;;                                     v489 = stack_addr.i64 ss11
;;                                     store notrap v153, v489
;; @007e                               store.i64 notrap aligned v147, v153
;; @007e                               store.i32 notrap aligned v144, v153+8  ; v144 = 11
;; @0083                               v155 = iconst.i32 12
;; @0085                               v156 = iconst.i64 16
;; @0085                               v157 = load.i64 notrap aligned readonly can_move v0+48
;; @0085                               v158 = load.i64 notrap aligned readonly can_move v157
;; @0085                               v159 = load.i64 notrap aligned readonly can_move v0
;; @0085                               v160 = load.i64 notrap aligned v159+16
;; @0085                               v161 = load.i64 notrap aligned v159+24
;; @0085                               v162 = iadd v160, v156  ; v156 = 16
;; @0085                               v163 = icmp ule v162, v161
;; @0085                               brif v163, block38, block39
;;                                 block38:
;; @0085                               store.i64 notrap aligned v162, v159+16
;; @0085                               jump block40(v160)
;;                                 block39 cold:
;; @0085                               v165 = call fn0(v0, v158, v156), stack_map=[i64 @ ss0+0, i64 @ ss1+0, i64 @ ss2+0, i64 @ ss3+0, i64 @ ss4+0, i64 @ ss5+0, i64 @ ss6+0, i64 @ ss7+0, i64 @ ss8+0, i64 @ ss9+0, i64 @ ss10+0, i64 @ ss11+0]  ; v156 = 16
;; @0085                               jump block40(v165)
;;                                 block40(v164: i64):
;;                                     v490 = stack_addr.i64 ss12
;;                                     store notrap v164, v490
;; @0085                               store.i64 notrap aligned v158, v164
;; @0085                               store.i32 notrap aligned v155, v164+8  ; v155 = 12
;; @008a                               v166 = iconst.i32 13
;; @008c                               v167 = iconst.i64 16
;; @008c                               v168 = load.i64 notrap aligned readonly can_move v0+48
;; @008c                               v169 = load.i64 notrap aligned readonly can_move v168
;; @008c                               v170 = load.i64 notrap aligned readonly can_move v0
;; @008c                               v171 = load.i64 notrap aligned v170+16
;; @008c                               v172 = load.i64 notrap aligned v170+24
;; @008c                               v173 = iadd v171, v167  ; v167 = 16
;; @008c                               v174 = icmp ule v173, v172
;; @008c                               brif v174, block41, block42
;;                                 block41:
;; @008c                               store.i64 notrap aligned v173, v170+16
;; @008c                               jump block43(v171)
;;                                 block42 cold:
;; @008c                               v176 = call fn0(v0, v169, v167), stack_map=[i64 @ ss0+0, i64 @ ss1+0, i64 @ ss2+0, i64 @ ss3+0, i64 @ ss4+0, i64 @ ss5+0, i64 @ ss6+0, i64 @ ss7+0, i64 @ ss8+0, i64 @ ss9+0, i64 @ ss10+0, i64 @ ss11+0, i64 @ ss12+0]  ; v167 = 16
;; @008c                               jump block43(v176)
;;                                 block43(v175: i64):
;;                                     v491 = stack_addr.i64 ss13
;;                                     store notrap v175, v491
;; @008c                               store.i64 notrap aligned v169, v175
;; @008c                               store.i32 notrap aligned v166, v175+8  ; v166 = 13
;; @0091                               v177 = iconst.i32 14
;; @0093                               v178 = iconst.i64 16
;; @0093                               v179 = load.i64 notrap aligned readonly can_move v0+48
;; @0093                               v180 = load.i64 notrap aligned readonly can_move v179
;; @0093                               v181 = load.i64 notrap aligned readonly can_move v0
;; @0093                               v182 = load.i64 notrap aligned v181+16
;; @0093                               v183 = load.i64 notrap aligned v181+24
;; @0093                               v184 = iadd v182, v178  ; v178 = 16
;; @0093                               v185 = icmp ule v184, v183
;; @0093                               brif v185, block44, block45
;;                                 block44:
;; @0093                               store.i64 notrap aligned v184, v181+16
;; @0093                               jump block46(v182)
;;                                 block45 cold:
;; @0093                               v187 = call fn0(v0, v180, v178), stack_map=[i64 @ ss0+0, i64 @ ss1+0, i64 @ ss2+0, i64 @ ss3+0, i64 @ ss4+0, i64 @ ss5+0, i64 @ ss6+0, i64 @ ss7+0, i64 @ ss8+0, i64 @ ss9+0, i64 @ ss10+0, i64 @ ss11+0, i64 @ ss12+0, i64 @ ss13+0]  ; v178 = 16
;; @0093                               jump block46(v187)
;;                                 block46(v186: i64):
;;                                     v492 = stack_addr.i64 ss14
;;                                     store notrap v186, v492
;; @0093                               store.i64 notrap aligned v180, v186
;; @0093                               store.i32 notrap aligned v177, v186+8  ; v177 = 14
;; @0098                               v188 = iconst.i32 15
;; @009a                               v189 = iconst.i64 16
;; @009a                               v190 = load.i64 notrap aligned readonly can_move v0+48
;; @009a                               v191 = load.i64 notrap aligned readonly can_move v190
;; @009a                               v192 = load.i64 notrap aligned readonly can_move v0
;; @009a                               v193 = load.i64 notrap aligned v192+16
;; @009a                               v194 = load.i64 notrap aligned v192+24
;; @009a                               v195 = iadd v193, v189  ; v189 = 16
;; @009a                               v196 = icmp ule v195, v194
;; @009a                               brif v196, block47, block48
;;                                 block47:
;; @009a                               store.i64 notrap aligned v195, v192+16
;; @009a                               jump block49(v193)
;;                                 block48 cold:
;; @009a                               v198 = call fn0(v0, v191, v189), stack_map=[i64 @ ss0+0, i64 @ ss1+0, i64 @ ss2+0, i64 @ ss3+0, i64 @ ss4+0, i64 @ ss5+0, i64 @ ss6+0, i64 @ ss7+0, i64 @ ss8+0, i64 @ ss9+0, i64 @ ss10+0, i64 @ ss11+0, i64 @ ss12+0, i64 @ ss13+0, i64 @ ss14+0]  ; v189 = 16
;; @009a                               jump block49(v198)
;;                                 block49(v197: i64):
;;                                     v493 = stack_addr.i64 ss15
;;                                     store notrap v197, v493
;; @009a                               store.i64 notrap aligned v191, v197
;; @009a                               store.i32 notrap aligned v188, v197+8  ; v188 = 15
;; @009f                               v199 = iconst.i32 16
;; @00a1                               v200 = iconst.i64 16
;; @00a1                               v201 = load.i64 notrap aligned readonly can_move v0+48
;; @00a1                               v202 = load.i64 notrap aligned readonly can_move v201
;; @00a1                               v203 = load.i64 notrap aligned readonly can_move v0
;; @00a1                               v204 = load.i64 notrap aligned v203+16
;; @00a1                               v205 = load.i64 notrap aligned v203+24
;; @00a1                               v206 = iadd v204, v200  ; v200 = 16
;; @00a1                               v207 = icmp ule v206, v205
;; @00a1                               brif v207, block50, block51
;;                                 block50:
;; @00a1                               store.i64 notrap aligned v206, v203+16
;; @00a1                               jump block52(v204)
;;                                 block51 cold:
;; @00a1                               v209 = call fn0(v0, v202, v200), stack_map=[i64 @ ss0+0, i64 @ ss1+0, i64 @ ss2+0, i64 @ ss3+0, i64 @ ss4+0, i64 @ ss5+0, i64 @ ss6+0, i64 @ ss7+0, i64 @ ss8+0, i64 @ ss9+0, i64 @ ss10+0, i64 @ ss11+0, i64 @ ss12+0, i64 @ ss13+0, i64 @ ss14+0, i64 @ ss15+0]  ; v200 = 16
;; @00a1                               jump block52(v209)
;;                                 block52(v208: i64):
;;                                     v494 = stack_addr.i64 ss16
;;                                     store notrap v208, v494
;; @00a1                               store.i64 notrap aligned v202, v208
;; @00a1                               store.i32 notrap aligned v199, v208+8  ; v199 = 16
;; @00a6                               v210 = iconst.i32 17
;; @00a8                               v211 = iconst.i64 16
;; @00a8                               v212 = load.i64 notrap aligned readonly can_move v0+48
;; @00a8                               v213 = load.i64 notrap aligned readonly can_move v212
;; @00a8                               v214 = load.i64 notrap aligned readonly can_move v0
;; @00a8                               v215 = load.i64 notrap aligned v214+16
;; @00a8                               v216 = load.i64 notrap aligned v214+24
;; @00a8                               v217 = iadd v215, v211  ; v211 = 16
;; @00a8                               v218 = icmp ule v217, v216
;; @00a8                               brif v218, block53, block54
;;                                 block53:
;; @00a8                               store.i64 notrap aligned v217, v214+16
;; @00a8                               jump block55(v215)
;;                                 block54 cold:
;; @00a8                               v220 = call fn0(v0, v213, v211), stack_map=[i64 @ ss0+0, i64 @ ss1+0, i64 @ ss2+0, i64 @ ss3+0, i64 @ ss4+0, i64 @ ss5+0, i64 @ ss6+0, i64 @ ss7+0, i64 @ ss8+0, i64 @ ss9+0, i64 @ ss10+0, i64 @ ss11+0, i64 @ ss12+0, i64 @ ss13+0, i64 @ ss14+0, i64 @ ss15+0, i64 @ ss16+0]  ; v211 = 16
;; @00a8                               jump block55(v220)
;;                                 block55(v219: i64):
;;                                     v495 = stack_addr.i64 ss17
;;                                     store notrap v219, v495
;; @00a8                               store.i64 notrap aligned v213, v219
;; @00a8                               store.i32 notrap aligned v210, v219+8  ; v210 = 17
;; @00ad                               v221 = iconst.i32 18
;; @00af                               v222 = iconst.i64 16
;; @00af                               v223 = load.i64 notrap aligned readonly can_move v0+48
;; @00af                               v224 = load.i64 notrap aligned readonly can_move v223
;; @00af                               v225 = load.i64 notrap aligned readonly can_move v0
;; @00af                               v226 = load.i64 notrap aligned v225+16
;; @00af                               v227 = load.i64 notrap aligned v225+24
;; @00af                               v228 = iadd v226, v222  ; v222 = 16
;; @00af                               v229 = icmp ule v228, v227
;; @00af                               brif v229, block56, block57
;;                                 block56:
;; @00af                               store.i64 notrap aligned v228, v225+16
;; @00af                               jump block58(v226)
;;                                 block57 cold:
;; @00af                               v231 = call fn0(v0, v224, v222), stack_map=[i64 @ ss0+0, i64 @ ss1+0, i64 @ ss2+0, i64 @ ss3+0, i64 @ ss4+0, i64 @ ss5+0, i64 @ ss6+0, i64 @ ss7+0, i64 @ ss8+0, i64 @ ss9+0, i64 @ ss10+0, i64 @ ss11+0, i64 @ ss12+0, i64 @ ss13+0, i64 @ ss14+0, i64 @ ss15+0, i64 @ ss16+0, i64 @ ss17+0]  ; v222 = 16
;; @00af                               jump block58(v231)
;;                                 block58(v230: i64):
;;                                     v496 = stack_addr.i64 ss18
;;                                     store notrap v230, v496
;; @00af                               store.i64 notrap aligned v224, v230
;; @00af                               store.i32 notrap aligned v221, v230+8  ; v221 = 18
;; @00b4                               v232 = iconst.i32 19
;; @00b6                               v233 = iconst.i64 16
;; @00b6                               v234 = load.i64 notrap aligned readonly can_move v0+48
;; @00b6                               v235 = load.i64 notrap aligned readonly can_move v234
;; @00b6                               v236 = load.i64 notrap aligned readonly can_move v0
;; @00b6                               v237 = load.i64 notrap aligned v236+16
;; @00b6                               v238 = load.i64 notrap aligned v236+24
;; @00b6                               v239 = iadd v237, v233  ; v233 = 16
;; @00b6                               v240 = icmp ule v239, v238
;; @00b6                               brif v240, block59, block60
;;                                 block59:
;; @00b6                               store.i64 notrap aligned v239, v236+16
;; @00b6                               jump block61(v237)
;;                                 block60 cold:
;; @00b6                               v242 = call fn0(v0, v235, v233), stack_map=[i64 @ ss0+0, i64 @ ss1+0, i64 @ ss2+0, i64 @ ss3+0, i64 @ ss4+0, i64 @ ss5+0, i64 @ ss6+0, i64 @ ss7+0, i64 @ ss8+0, i64 @ ss9+0, i64 @ ss10+0, i64 @ ss11+0, i64 @ ss12+0, i64 @ ss13+0, i64 @ ss14+0, i64 @ ss15+0, i64 @ ss16+0, i64 @ ss17+0, i64 @ ss18+0]  ; v233 = 16
;; @00b6                               jump block61(v242)
;;                                 block61(v241: i64):
;;                                     v497 = stack_addr.i64 ss19
;;                                     store notrap v241, v497
;; @00b6                               store.i64 notrap aligned v235, v241
;; @00b6                               store.i32 notrap aligned v232, v241+8  ; v232 = 19
;; @00bb                               v243 = load.i64 notrap aligned readonly can_move v0+40
;; @00bb                               v244 = load.i64 notrap aligned readonly can_move v243
;; @00bb                               v245 = load.i64 notrap aligned readonly can_move v244
;; @00bb                               v246 = load.i64 notrap aligned readonly can_move v244+8
;; @00bb                               call_indirect sig1, v245(v246, v0), stack_map=[i64 @ ss0+0, i64 @ ss1+0, i64 @ ss2+0, i64 @ ss3+0, i64 @ ss4+0, i64 @ ss5+0, i64 @ ss6+0, i64 @ ss7+0, i64 @ ss8+0, i64 @ ss9+0, i64 @ ss10+0, i64 @ ss11+0, i64 @ ss12+0, i64 @ ss13+0, i64 @ ss14+0, i64 @ ss15+0, i64 @ ss16+0, i64 @ ss17+0, i64 @ ss18+0, i64 @ ss19+0]
;; @00bd                               v247 = iconst.i32 0
;;                                     v498 = stack_addr.i64 ss0
;;                                     v499 = load.i64 notrap v498
;; @00c1                               trapz v499, user14
;; @00c1                               v267 = load.i32 notrap aligned v499+8
;; @00c5                               v268 = iadd v247, v267  ; v247 = 0
;;                                     v500 = stack_addr.i64 ss1
;;                                     v501 = load.i64 notrap v500
;; @00c8                               trapz v501, user14
;; @00c8                               v287 = load.i32 notrap aligned v501+8
;; @00cc                               v288 = iadd v268, v287
;;                                     v502 = stack_addr.i64 ss2
;;                                     v503 = load.i64 notrap v502
;; @00cf                               trapz v503, user14
;; @00cf                               v306 = load.i32 notrap aligned v503+8
;; @00d3                               v307 = iadd v288, v306
;;                                     v504 = stack_addr.i64 ss3
;;                                     v505 = load.i64 notrap v504
;; @00d6                               trapz v505, user14
;; @00d6                               v324 = load.i32 notrap aligned v505+8
;; @00da                               v325 = iadd v307, v324
;;                                     v506 = stack_addr.i64 ss4
;;                                     v507 = load.i64 notrap v506
;; @00dd                               trapz v507, user14
;; @00dd                               v341 = load.i32 notrap aligned v507+8
;; @00e1                               v342 = iadd v325, v341
;;                                     v508 = stack_addr.i64 ss5
;;                                     v509 = load.i64 notrap v508
;; @00e4                               trapz v509, user14
;; @00e4                               v357 = load.i32 notrap aligned v509+8
;; @00e8                               v358 = iadd v342, v357
;;                                     v510 = stack_addr.i64 ss6
;;                                     v511 = load.i64 notrap v510
;; @00eb                               trapz v511, user14
;; @00eb                               v372 = load.i32 notrap aligned v511+8
;; @00ef                               v373 = iadd v358, v372
;;                                     v512 = stack_addr.i64 ss7
;;                                     v513 = load.i64 notrap v512
;; @00f2                               trapz v513, user14
;; @00f2                               v386 = load.i32 notrap aligned v513+8
;; @00f6                               v387 = iadd v373, v386
;;                                     v514 = stack_addr.i64 ss8
;;                                     v515 = load.i64 notrap v514
;; @00f9                               trapz v515, user14
;; @00f9                               v399 = load.i32 notrap aligned v515+8
;; @00fd                               v400 = iadd v387, v399
;;                                     v516 = stack_addr.i64 ss9
;;                                     v517 = load.i64 notrap v516
;; @0100                               trapz v517, user14
;; @0100                               v411 = load.i32 notrap aligned v517+8
;; @0104                               v412 = iadd v400, v411
;;                                     v518 = stack_addr.i64 ss10
;;                                     v519 = load.i64 notrap v518
;; @0107                               trapz v519, user14
;; @0107                               v422 = load.i32 notrap aligned v519+8
;; @010b                               v423 = iadd v412, v422
;;                                     v520 = stack_addr.i64 ss11
;;                                     v521 = load.i64 notrap v520
;; @010e                               trapz v521, user14
;; @010e                               v432 = load.i32 notrap aligned v521+8
;; @0112                               v433 = iadd v423, v432
;;                                     v522 = stack_addr.i64 ss12
;;                                     v523 = load.i64 notrap v522
;; @0115                               trapz v523, user14
;; @0115                               v441 = load.i32 notrap aligned v523+8
;; @0119                               v442 = iadd v433, v441
;;                                     v524 = stack_addr.i64 ss13
;;                                     v525 = load.i64 notrap v524
;; @011c                               trapz v525, user14
;; @011c                               v449 = load.i32 notrap aligned v525+8
;; @0120                               v450 = iadd v442, v449
;;                                     v526 = stack_addr.i64 ss14
;;                                     v527 = load.i64 notrap v526
;; @0123                               trapz v527, user14
;; @0123                               v456 = load.i32 notrap aligned v527+8
;; @0127                               v457 = iadd v450, v456
;;                                     v528 = stack_addr.i64 ss15
;;                                     v529 = load.i64 notrap v528
;; @012a                               trapz v529, user14
;; @012a                               v462 = load.i32 notrap aligned v529+8
;; @012e                               v463 = iadd v457, v462
;;                                     v530 = stack_addr.i64 ss16
;;                                     v531 = load.i64 notrap v530
;; @0131                               trapz v531, user14
;; @0131                               v467 = load.i32 notrap aligned v531+8
;; @0135                               v468 = iadd v463, v467
;;                                     v532 = stack_addr.i64 ss17
;;                                     v533 = load.i64 notrap v532
;; @0138                               trapz v533, user14
;; @0138                               v471 = load.i32 notrap aligned v533+8
;; @013c                               v472 = iadd v468, v471
;;                                     v534 = stack_addr.i64 ss18
;;                                     v535 = load.i64 notrap v534
;; @013f                               trapz v535, user14
;; @013f                               v474 = load.i32 notrap aligned v535+8
;; @0143                               v475 = iadd v472, v474
;;                                     v536 = stack_addr.i64 ss19
;;                                     v537 = load.i64 notrap v536
;; @0146                               trapz v537, user14
;; @0146                               v476 = load.i32 notrap aligned v537+8
;; @014a                               v477 = iadd v475, v476
;; @014b                               jump block1(v477)
;;                                 block1(v22: i32):
;; @014b                               return v22
;; }
