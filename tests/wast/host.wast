;; The host functions `fact wast` provides (docs/wast.md): lowered imports
;; that the host implements, with a string result returned through the
;; caller's return pointer and realloc, and a type mismatch refused at
;; instantiation.
(component
  (import "host-return-two" (func $two (result u32)))
  (import "host" (instance $host
    (export "return-three" (func (result u32)))
    (export "return-hi" (func (result string)))
    (export "nested" (instance (export "return-four" (func (result u32)))))))
  (alias export $host "nested" (instance $nested))
  (core module $libc
    (memory (export "mem") 1)
    (global $next (mut i32) (i32.const 1024))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $p i32)
      (local.set $p (global.get $next))
      (global.set $next (i32.add (local.get $p) (local.get 3)))
      (local.get $p)))
  (core instance $libc (instantiate $libc))
  (core func $two (canon lower (func $two)))
  (core func $three (canon lower (func $host "return-three")))
  (core func $four (canon lower (func $nested "return-four")))
  (core func $hi (canon lower (func $host "return-hi")
    (memory (core memory $libc "mem")) (realloc (core func $libc "realloc"))))
  (core module $m
    (import "" "mem" (memory 1))
    (import "" "two" (func $two (result i32)))
    (import "" "three" (func $three (result i32)))
    (import "" "four" (func $four (result i32)))
    (import "" "hi" (func $hi (param i32)))
    (func (export "sum") (result i32)
      (i32.add (call $two) (i32.add (call $three) (call $four))))
    ;; "hi" lands in memory from realloc; its pointer and length at 16
    (func (export "hi") (result i32)
      (call $hi (i32.const 16))
      (if (i32.ne (i32.load (i32.const 20)) (i32.const 2)) (then unreachable))
      (i32.load16_u (i32.load (i32.const 16)))))
  (core instance $i (instantiate $m (with "" (instance
    (export "mem" (memory $libc "mem"))
    (export "two" (func $two))
    (export "three" (func $three))
    (export "four" (func $four))
    (export "hi" (func $hi))))))
  (func (export "sum") (result u32) (canon lift (core func $i "sum")))
  (func (export "hi") (result u32) (canon lift (core func $i "hi"))))
(assert_return (invoke "sum") (u32.const 9))
(assert_return (invoke "hi") (u32.const 0x6968))

;; The host's `return-three` returns u32, not string.
(assert_unlinkable
  (component
    (import "host" (instance $host (export "return-three" (func (result string)))))
    (core module $libc
      (memory (export "mem") 1)
      (func (export "realloc") (param i32 i32 i32 i32) (result i32) unreachable))
    (core instance $libc (instantiate $libc))
    (core func $three (canon lower (func $host "return-three")
      (memory (core memory $libc "mem")) (realloc (core func $libc "realloc"))))
    (core module $m (import "" "three" (func (param i32))))
    (core instance (instantiate $m (with "" (instance (export "three" (func $three)))))))
  "has type `func() -> string`, but the host function has type `func() -> u32`")
