;; test: optimize
;; Division and float-to-int truncation trap through Cranelift's own checks (divide by zero,
;; overflow, invalid conversion); the saturating form never traps.
(module
  (func (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func (param f64) (result i32) (i32.trunc_f64_s (local.get 0)))
  (func (param f64) (result i64) (i64.trunc_sat_f64_u (local.get 0))))
;; check: sdiv
;; check: fcvt_to_sint.i32
;; check: fcvt_to_uint_sat.i64
