;; test: translate
;; `unreachable` is a trap with wasmc's code 1; code after it is not translated.
(module
  (func (result i32)
    (unreachable)
    (i32.add (i32.const 1) (i32.const 2))))
;; check: trap user1
;; not: iadd
