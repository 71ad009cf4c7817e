;; test: translate
;; br_table passing a value: each distinct target gets an edge block that jumps with it.
(module
  (func (param i32) (result i32)
    (block (result i32)
      (block (result i32)
        (br_table 0 1 (i32.const 7) (local.get 0)))
      (i32.const 1)
      (i32.add))))
;; check: br_table
;; check: jump block3(v6)
;; check: jump block2(v6)
