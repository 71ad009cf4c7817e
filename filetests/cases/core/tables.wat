;; test: translate
;; table.get/set bounds-check against the table's current length (out of bounds table
;; access, code 3) and reload the element base, which moves when the table grows.
(module
  (table $t 2 10 externref)
  (func (param i32) (result externref) (table.get $t (local.get 0)))
  (func (param i32 externref) (table.set $t (local.get 0) (local.get 1)))
  (func (result i32) (table.size $t)))
;; check: icmp uge
;; nextln: trapnz v8, user3
;; check: ishl
;; check: load.i64 notrap aligned
;; check: function u0:1
;; check: trapnz v8, user3
;; check: store notrap aligned
;; check: function u0:2
;; check: ireduce.i32
