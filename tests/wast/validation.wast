;; Semantic validation of components: core modules must be valid core wasm,
;; core instantiation arguments must fit the imports' types, and canonical
;; options must match the function types they lift or lower.

;; an invalid core module makes its component invalid
(assert_invalid
  (component (core module (func (result i32) f32.const 1)))
  "not valid core wasm")

;; core instantiation: functions, globals, tables and memories
(assert_invalid
  (component
    (core module $a (func (export "f") (param i64)))
    (core module $b (import "x" "f" (func (param i32))))
    (core instance $i (instantiate $a))
    (core instance (instantiate $b (with "x" (instance $i)))))
  "the function given has type")
(assert_invalid
  (component
    (core module $a (global (export "g") f32 (f32.const 0)))
    (core module $b (import "x" "g" (global f64)))
    (core instance $i (instantiate $a))
    (core instance (instantiate $b (with "x" (instance $i)))))
  "expected global type f64, found f32")
(assert_invalid
  (component
    (core module $a (global (export "g") (mut i32) (i32.const 0)))
    (core module $b (import "x" "g" (global i32)))
    (core instance $i (instantiate $a))
    (core instance (instantiate $b (with "x" (instance $i)))))
  "expected an immutable global")
(assert_invalid
  (component
    (core module $a (table (export "t") 1 externref))
    (core module $b (import "x" "t" (table 1 funcref)))
    (core instance $i (instantiate $a))
    (core instance (instantiate $b (with "x" (instance $i)))))
  "expected table element type funcref, found externref")
(assert_invalid
  (component
    (core module $a (table (export "t") 1 5 funcref))
    (core module $b (import "x" "t" (table 1 4 funcref)))
    (core instance $i (instantiate $a))
    (core instance (instantiate $b (with "x" (instance $i)))))
  "mismatch in table limits")
(assert_invalid
  (component
    (core module $a (memory (export "m") 1))
    (core module $b (import "x" "m" (memory 2)))
    (core instance $i (instantiate $a))
    (core instance (instantiate $b (with "x" (instance $i)))))
  "mismatch in memory limits")

;; arguments that fit: larger minimum, smaller maximum, same types
(component
  (core module $a
    (memory (export "m") 3 4)
    (table (export "t") 2 3 funcref)
    (global (export "g") (mut i64) (i64.const 7))
    (func (export "f") (param i32) (result i32) (local.get 0)))
  (core module $b
    (import "x" "m" (memory 2 5))
    (import "x" "t" (table 1 funcref))
    (import "x" "g" (global (mut i64)))
    (import "x" "f" (func (param i32) (result i32))))
  (core instance $i (instantiate $a))
  (core instance (instantiate $b (with "x" (instance $i)))))

;; canonical options
(assert_invalid
  (component
    (import "f" (func $f (param "s" string)))
    (canon lower (func $f) (core func)))
  "canonical option `memory` is required")
(assert_invalid
  (component
    (core module $m (func (export "r") (param i32 i32 i32 i32) (result i32) i32.const 0))
    (core instance $i (instantiate $m))
    (import "f" (func $f (param "x" u32)))
    (canon lower (func $f) (realloc (core func $i "r")) (core func)))
  "requires `memory`")
(assert_invalid
  (component
    (core module $m
      (memory (export "mem") 1)
      (func (export "r") (param i32 i32 i32) (result i32) i32.const 0)
      (func (export "f") (result i32) i32.const 0))
    (core instance $i (instantiate $m))
    (func (result string)
      (canon lift (core func $i "f") (memory $i "mem") (realloc (func $i "r")))))
  "the `realloc` function has type")
(assert_invalid
  (component
    (core module $m
      (func (export "f") (result i32) i32.const 0)
      (func (export "p")))
    (core instance $i (instantiate $m))
    (func (result u32) (canon lift (core func $i "f") (post-return (func $i "p")))))
  "the `post-return` function has type")

;; a borrow may not be returned
(assert_invalid
  (component
    (type $r (resource (rep i32)))
    (type (func (result (option (borrow $r))))))
  "function result cannot contain a `borrow` type")

;; a core module passed to a component must match the module type of the
;; import: it may import less and export more, with matching types
(component
  (core module $m
    (import "" "g" (global i32))
    (func (export "f"))
    (global (export "h") i32 (i32.const 0)))
  (component $c
    (import "m" (core module
      (import "" "g" (global i32))
      (import "" "x" (func))
      (export "f" (func)))))
  (instance (instantiate $c (with "m" (core module $m)))))
(assert_invalid
  (component
    (core module $m (import "" "f" (global i32)))
    (component $c (import "m" (core module (import "" "f" (func)))))
    (instance (instantiate $c (with "m" (core module $m)))))
  "type mismatch in import `::f`")
(assert_invalid
  (component
    (core module $m (import "" "extra" (func)))
    (component $c (import "m" (core module)))
    (instance (instantiate $c (with "m" (core module $m)))))
  "missing expected import `::extra`")
(assert_invalid
  (component
    (core module $m)
    (component $c (import "m" (core module (export "x" (func)))))
    (instance (instantiate $c (with "m" (core module $m)))))
  "missing expected export `x`")
(assert_invalid
  (component
    (core module $m (func (export "g") (param i32)))
    (component $c (import "m" (core module (export "g" (func)))))
    (instance (instantiate $c (with "m" (core module $m)))))
  "type mismatch in export `g`")
(assert_invalid
  (component
    (core module $m (memory (export "mem") 1))
    (component $c (import "m" (core module (export "mem" (memory 2)))))
    (instance (instantiate $c (with "m" (core module $m)))))
  "mismatch in memory limits")

;; a defined value type must fit in 2^28 - 1 bytes (64-bit layout)
(component (type (list u8 268435455)))
(assert_invalid
  (component (type (list u8 268435456)))
  "exceeds maximum byte size")
(assert_invalid
  (component (type (list string 16777216)))
  "exceeds maximum byte size")
(assert_invalid
  (component (type (map u8 (list u8 268435455))))
  "exceeds maximum byte size")

;; core module types: unique names, memory within bounds, checked even
;; inside a type declaration that nothing uses
(assert_invalid
  (component (core type (module (export "a" (func)) (export "a" (func)))))
  "export name `a` already defined")
(assert_invalid
  (component (type (instance (core type (module (import "" "a" (func)) (import "" "a" (func)))))))
  "duplicate import name `:a`")
(assert_invalid
  (component (core type (module (import "" "" (memory 70000)))))
  "memory size must be at most")
(component (core type (module (import "" "" (memory 65536)))))

;; ... and concrete core modules may not import a name twice
(assert_invalid
  (component (core module (import "a" "b" (func)) (import "a" "b" (func))))
  "duplicate import name `a:b`")

;; stream and future payloads: no `stream<char>`, and no borrow handles
(assert_invalid
  (component (type (stream char)))
  "`stream<char>` is not valid")
(assert_invalid
  (component
    (type $r (resource (rep i32)))
    (type (future (borrow $r))))
  "payloads may not hold a `borrow`")
(assert_invalid
  (component
    (type $r (resource (rep i32)))
    (type (stream (list (borrow $r)))))
  "payloads may not hold a `borrow`")
