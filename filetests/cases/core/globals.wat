;; test: translate
;; Globals live in cells reached through VMContext::globals. A mutable global is loaded and
;; stored plainly; an immutable one is loaded readonly (so the mid-end may hoist it).
(module
  (global $g (mut i64) (i64.const 5))
  (global $k f32 (f32.const 1.5))
  (func (result i64)
    (global.set $g (i64.add (global.get $g) (i64.const 1)))
    (global.get $g))
  (func (result f32) (global.get $k)))
;; check: v5 = load.i64 notrap aligned v4
;; check: store notrap aligned
;; check: function u0:1
;; check: load.f32 notrap aligned readonly can_move
