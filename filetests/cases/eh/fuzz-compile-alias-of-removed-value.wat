;; test: spill
;; Found by the `compile` fuzz target (a wasm-smith module, minimised): SSA construction
;; leaves an alias whose chain ends at no value (a block parameter it removed) among the
;; values the translator marked as references; resolving it panicked inside Cranelift when
;; the spill oracle ran. Both the spiller and the oracle now drop such values
;; (`safepoints::resolved`).
(module
  (type $r (func (result i32)))
  (type $two (func (result i64 f64)))
  (type $s (sub (struct (field i16) (field (mut i16)))))
  (global $g (mut i32) (i32.const 0))
  (func $a (type $two)
    (block (type $r) (return_call $b))
    (global.set $g (i32.xor (global.get $g)))
    (i64.const -1025)
    (f64.const 1))
  (func $b (type $two)
    (local nullexternref)
    (struct.new_default $s)
    (try_table (type $r)
      (local.get 0)
      (try_table)
      (local.get 0)
      (any.convert_extern)
      (return_call $a)
      (try_table (type $r) (unreachable)))
    (unreachable)))
;; check: function u0:1
;; check: return_call
