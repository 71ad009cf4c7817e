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
;; check: store notrap aligned v4, v2+8
;; not: readonly
;; check: store notrap aligned v3, v2+16
;; nextln: v5 = load.i64 notrap aligned readonly can_move v0
;; nextln: v6 = load.i64 notrap aligned readonly can_move v5+32
;; nextln: v7 = load.i64 notrap aligned readonly can_move v5+40
;; nextln: v8 = isub v3, v6
;; nextln: v9 = icmp ult v8, v7
;; nextln: brif v9, block2, block4
;; check: block2:
;; nextln: v10 = isub.i64 v2, v6
;; nextln: v11 = icmp ult v10, v7
;; nextln: brif v11, block4, block3
;; check: block3 cold:
;; check: +120
;; check: call_indirect
