;; test: translate
;; br_table without values jumps straight to the targets through a jump table.
(module
  (func (param i32) (result i32)
    (block (block (block
      (br_table 0 1 2 (local.get 0)))
      (return (i32.const 10)))
      (return (i32.const 20)))
    (i32.const 30)))
;; check: br_table v2, block2, [block4, block3]
;; check: return
