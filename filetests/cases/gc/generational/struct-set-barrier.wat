;; test: translate
;; The write barrier of `struct.set` of a reference (issue 12, GC-NOTES.md §2): after the
;; store, one unsigned compare asks whether the value is young (`v - young_start <u
;; young_size`, both loaded read-only from the store context at +32 and +40), a second
;; whether the object is; only a young value in an old object reaches the cold block, which
;; calls builtin 15 (`gc_remember`, offset 120 of the builtin table) with the slot address.
;; An i32 field gets no barrier.
(module
  (type $cell (struct (field (mut i32)) (field (mut anyref))))
  (func $set (param $c (ref $cell)) (param $v anyref)
    (struct.set $cell 0 (local.get $c) (i32.const 7))
    (struct.set $cell 1 (local.get $c) (local.get $v))))

;; check: ;; function set
;; check: store notrap aligned v3, v1+8
;; not: readonly v
;; check: store notrap aligned v2, v1+16
;; check: load.i64 notrap aligned readonly can_move v0
;; check: load.i64 notrap aligned readonly can_move
;; sameln: +32
;; check: load.i64 notrap aligned readonly can_move
;; sameln: +40
;; check: isub v2,
;; nextln: icmp ult
;; nextln: brif
;; check: isub v1,
;; nextln: icmp ult
;; nextln: brif
;; check: cold:
;; check: iadd_imm v1, 16
;; check: +120
;; check: call_indirect
