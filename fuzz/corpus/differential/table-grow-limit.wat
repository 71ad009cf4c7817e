(module
  ;; Hand-written (from a fuzz finding): a table doubled until growth fails. wasmc's tables
  ;; stop at MAX_TABLE_ELEMENTS (10,000,000) and `table.grow` then returns -1; the oracle
  ;; gives Wasmtime the same limit, which otherwise grew the table (and its memory) without
  ;; bound. Both must report the same sizes.
  (table $t 735 funcref)
  (func (export "double_until_full") (result i32 i32)
    (local $last i32) (local $r i32)
    (loop $again
      (local.set $last (table.size $t))
      (local.set $r (table.grow $t (ref.null func) (table.size $t)))
      (br_if $again (i32.ne (local.get $r) (i32.const -1))))
    (local.get $last)
    (table.size $t)))
