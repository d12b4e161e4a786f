;; Resource types the `fact wast` host defines (docs/wast.md): linking
;; resource-type imports against them, handles of host resources passed to
;; and returned by host functions as their reps, the host's destructor, and
;; lends.

;; A resource type the host does not define.
(assert_unlinkable
  (component (import "host" (instance (export "no-such-resource" (type (sub resource))))))
  "was not found")
;; A name the host gives a function.
(assert_unlinkable
  (component (import "host" (instance (export "return-three" (type (sub resource))))))
  "expected resource found func")
;; An (eq ...) import must be the same host type when the host provides it:
;; resource1-again is resource1, not resource2.
(assert_unlinkable
  (component (import "host" (instance
    (export "resource2" (type $r2 (sub resource)))
    (export "resource1-again" (type (eq $r2))))))
  "mismatched resource types")
(component (import "host" (instance
  (export "resource1" (type $r1 (sub resource)))
  (export "resource1-again" (type (eq $r1)))
  (export "not-provided-by-the-host" (type (eq $r1))))))

(component definition $C
  (import "host" (instance $host
    (export "resource1" (type $r (sub resource)))
    (export "[constructor]resource1" (func (param "rep" u32) (result (own $r))))
    (export "[static]resource1.assert" (func (param "r" (own $r)) (param "rep" u32)))
    (export "[static]resource1.drops" (func (result u32)))
    (export "[static]resource1.last-drop" (func (result u32)))
    (export "[method]resource1.simple" (func (param "self" (borrow $r)) (param "rep" u32)))
    (export "[method]resource1.take-own" (func (param "self" (borrow $r)) (param "b" (own $r))))))
  (alias export $host "resource1" (type $r))
  (core func $new (canon lower (func $host "[constructor]resource1")))
  (core func $assert (canon lower (func $host "[static]resource1.assert")))
  (core func $drops (canon lower (func $host "[static]resource1.drops")))
  (core func $last (canon lower (func $host "[static]resource1.last-drop")))
  (core func $simple (canon lower (func $host "[method]resource1.simple")))
  (core func $take-own (canon lower (func $host "[method]resource1.take-own")))
  (core func $drop (canon resource.drop $r))
  (core module $m
    (import "" "new" (func $new (param i32) (result i32)))
    (import "" "assert" (func $assert (param i32 i32)))
    (import "" "drops" (func $drops (result i32)))
    (import "" "last" (func $last (result i32)))
    (import "" "simple" (func $simple (param i32 i32)))
    (import "" "take-own" (func $take-own (param i32 i32)))
    (import "" "drop" (func $drop (param i32)))
    (global $kept (mut i32) (i32.const 0))

    ;; Handles are numbered from 1 and reused; the host sees the reps.
    (func (export "handles") (result i32)
      (local $a i32) (local $b i32)
      (local.set $a (call $new (i32.const 100)))
      (local.set $b (call $new (i32.const 200)))
      (if (i32.ne (local.get $a) (i32.const 1)) (then unreachable))
      (if (i32.ne (local.get $b) (i32.const 2)) (then unreachable))
      (call $simple (local.get $a) (i32.const 100))
      ;; An own argument moves to the host: slot 1 is free again.
      (call $assert (local.get $a) (i32.const 100))
      (local.set $a (call $new (i32.const 300)))
      (if (i32.ne (local.get $a) (i32.const 1)) (then unreachable))
      (call $simple (local.get $a) (i32.const 300))
      (call $simple (local.get $b) (i32.const 200))
      ;; Dropping an own handle runs the host's destructor with its rep.
      (call $drop (local.get $b))
      (if (i32.ne (call $drops) (i32.const 1)) (then unreachable))
      (if (i32.ne (call $last) (i32.const 200)) (then unreachable))
      (global.set $kept (local.get $a))
      (call $drops))

    ;; A host function's failed check is a trap.
    (func (export "wrong-rep") (call $simple (global.get $kept) (i32.const 1)))
    ;; The handle the host took is gone.
    (func (export "moved")
      (local $a i32)
      (local.set $a (call $new (i32.const 1)))
      (call $assert (local.get $a) (i32.const 1))
      (call $simple (local.get $a) (i32.const 1)))
    ;; A handle borrowed by the same call cannot also move.
    (func (export "borrowed-and-moved")
      (local $a i32)
      (local.set $a (call $new (i32.const 1)))
      (call $take-own (local.get $a) (local.get $a))))
  (core instance $i (instantiate $m (with "" (instance
    (export "new" (func $new)) (export "assert" (func $assert))
    (export "drops" (func $drops)) (export "last" (func $last))
    (export "simple" (func $simple)) (export "take-own" (func $take-own))
    (export "drop" (func $drop))))))
  (func (export "handles") (result u32) (canon lift (core func $i "handles")))
  (func (export "wrong-rep") (canon lift (core func $i "wrong-rep")))
  (func (export "moved") (canon lift (core func $i "moved")))
  (func (export "borrowed-and-moved") (canon lift (core func $i "borrowed-and-moved"))))

(component instance $C)
(assert_return (invoke "handles") (u32.const 1))
(assert_trap (invoke "wrong-rep") "the resource's rep is 300, not 1")
(component instance $C)
(assert_trap (invoke "moved") "unknown handle index 1")
(component instance $C)
(assert_trap (invoke "borrowed-and-moved") "cannot remove owned resource while borrowed")
