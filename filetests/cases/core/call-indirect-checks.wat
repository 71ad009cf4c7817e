;; test: translate
;; call_indirect: bounds check (undefined element), null check (uninitialized element),
;; canonical signature id check (indirect call type mismatch), then a tail-convention call.
(module
  (type $t (func (param i32) (result i32)))
  (table 4 funcref)
  (func (param i32 i32) (result i32)
    (call_indirect (type $t) (local.get 0) (local.get 1))))
;; check: icmp uge
;; nextln: trapnz v9, user4
;; check: trapz v14, user5
;; check: icmp ne
;; nextln: trapnz v18, user6
;; check: call_indirect
