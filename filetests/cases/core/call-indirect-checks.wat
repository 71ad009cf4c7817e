;; test: translate
;; call_indirect: bounds check (undefined element), null check (uninitialized element: a
;; cold block stores the index in the store context's trap operand, then traps), canonical
;; signature id check (indirect call type mismatch), then a tail-convention call.
(module
  (type $t (func (param i32) (result i32)))
  (table 4 funcref)
  (func (param i32 i32) (result i32)
    (call_indirect (type $t) (local.get 0) (local.get 1))))
;; check: icmp uge
;; nextln: trapnz v9, user4
;; check: v15 = uextend.i64 v3
;; nextln: brif v14, block3, block2
;; check: block2 cold:
;; nextln: v16 = load.i64 notrap aligned readonly can_move v0
;; nextln: store.i64 notrap aligned v15, v16+48
;; nextln: trap user5
;; check: icmp ne
;; nextln: trapnz v20, user6
;; check: call_indirect
