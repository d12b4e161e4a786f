;; Assertions that must fail, for the WastFailures ctest: it runs
;; `fact wast` on this file and compares its output with failing.expected.
(component
  (core module $m
    (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
    (func (export "fail") (result i32) unreachable))
  (core instance $i (instantiate $m))
  (func (export "add") (param "a" u32) (param "b" u32) (result u32) (canon lift (core func $i "add")))
  (func (export "fail") (result u32) (canon lift (core func $i "fail"))))

(assert_return (invoke "add" (u32.const 1) (u32.const 2)) (u32.const 3))
;; A wrong value.
(assert_return (invoke "add" (u32.const 40) (u32.const 1)) (u32.const 42))
;; A missing trap.
(assert_trap (invoke "add" (u32.const 1) (u32.const 1)) "unreachable")
;; A valid component claimed to be invalid.
(assert_invalid (component (core module $m)) "duplicate")
;; An argument of the wrong type.
(assert_return (invoke "add" (u32.const 1) (s32.const 1)) (u32.const 2))
;; A wrong trap message; after the trap the instance cannot be called.
(assert_trap (invoke "fail") "out of bounds")
(assert_return (invoke "add" (u32.const 1) (u32.const 2)) (u32.const 3))
(register "x")
