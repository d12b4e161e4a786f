;; Core wasm features libwabt's interpreter runs are enabled for the core
;; modules of components: tail calls, extended constant expressions, the
;; legacy exception-handling proposal, SIMD and relaxed SIMD.
(component
  (core module $m
    (func $count (param i32 i32) (result i32)
      (if (result i32) (i32.eqz (local.get 0))
        (then (local.get 1))
        (else (return_call $count (i32.sub (local.get 0) (i32.const 1))
                                  (i32.add (local.get 1) (i32.const 1))))))
    ;; A million tail calls need no stack.
    (func (export "tail") (result i32) (call $count (i32.const 1000000) (i32.const 0)))
    (global $g i32 (i32.add (i32.const 40) (i32.mul (i32.const 1) (i32.const 2))))
    (func (export "extended-const") (result i32) (global.get $g))
    (tag $e (param i32))
    (func (export "exceptions") (result i32)
      try (result i32)
        (throw $e (i32.const 7))
      catch $e
        (i32.add (i32.const 1))
      end)
    (func (export "simd") (result i32)
      (i32x4.extract_lane 3 (i32x4.add (v128.const i32x4 1 2 3 4) (v128.const i32x4 10 20 30 40))))
    (func (export "relaxed-simd") (result i32)
      (i32x4.extract_lane 0
        (i32x4.relaxed_laneselect (v128.const i32x4 1 2 3 4) (v128.const i32x4 5 6 7 8)
                                  (v128.const i32x4 -1 0 0 0)))))
  (core instance $i (instantiate $m))
  (func (export "tail") (result u32) (canon lift (core func $i "tail")))
  (func (export "extended-const") (result u32) (canon lift (core func $i "extended-const")))
  (func (export "exceptions") (result u32) (canon lift (core func $i "exceptions")))
  (func (export "simd") (result u32) (canon lift (core func $i "simd")))
  (func (export "relaxed-simd") (result u32) (canon lift (core func $i "relaxed-simd"))))
(assert_return (invoke "tail") (u32.const 1000000))
(assert_return (invoke "extended-const") (u32.const 42))
(assert_return (invoke "exceptions") (u32.const 8))
(assert_return (invoke "simd") (u32.const 44))
(assert_return (invoke "relaxed-simd") (u32.const 1))
