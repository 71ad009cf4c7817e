;; test: translate
;; memory.size reads the current length (not readonly: it changes) and divides by the page
;; size; memory.grow calls the runtime's builtin through the VM context.
(module
  (memory 1 10)
  (func (result i32) (memory.size))
  (func (param i32) (result i32) (memory.grow (local.get 0))))
;; check: load.i64 notrap aligned
;; check: ushr
;; check: ireduce.i32
;; check: function u0:1
;; check: call_indirect
