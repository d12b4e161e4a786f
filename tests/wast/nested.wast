;; Nested components: three levels (root > middle > leaf), each level
;; instantiated twice, with a counter in every core instance showing that
;; the instances are separate.
;;
;; `leaf` (level 3) counts calls to `next` in its core instance. `middle`
;; (level 2) instantiates `leaf` twice, plus `user`, a sibling of the leaves
;; that imports the first leaf's `next` and calls it through an adapter,
;; adding 1000 times its own count. The root instantiates `middle` twice and
;; a `client` (level 2) that calls into the first middle's `user` and leaf
;; through adapters, so that one call crosses two adapters (client -> user
;; -> leaf) and adapters join instances at different depths (client, level
;; 2, calls a leaf at level 3). `leaf` reaches `middle` by an outer alias.
;;
;; The root is a `(component definition ...)` instantiated twice by
;; `(component instance ...)`: the two have nothing in common.
(component definition $root
  (component $leaf
    (core module $m
      (global $n (mut i32) (i32.const 0))
      (func (export "next") (result i32)
        (global.set $n (i32.add (global.get $n) (i32.const 1)))
        (global.get $n)))
    (core instance $i (instantiate $m))
    (func (export "next") (result u32) (canon lift (core func $i "next"))))

  (component $middle
    (alias outer $root $leaf (component $leaf))
    (component $user
      (import "leaf" (instance $leaf (export "next" (func (result u32)))))
      (core func $next (canon lower (func $leaf "next")))
      (core module $m
        (import "leaf" "next" (func $next (result i32)))
        (global $n (mut i32) (i32.const 0))
        (func (export "next") (result i32)
          (global.set $n (i32.add (global.get $n) (i32.const 1)))
          (i32.add (call $next) (i32.mul (global.get $n) (i32.const 1000)))))
      (core instance $i (instantiate $m (with "leaf" (instance (export "next" (func $next))))))
      (func (export "next") (result u32) (canon lift (core func $i "next"))))
    (instance $a (instantiate $leaf))
    (instance $b (instantiate $leaf))
    (instance $u (instantiate $user (with "leaf" (instance $a))))
    (export "a-next" (func $a "next"))
    (export "b-next" (func $b "next"))
    (export "user-next" (func $u "next")))

  (component $client
    (import "m" (instance $m
      (export "a-next" (func (result u32)))
      (export "user-next" (func (result u32)))))
    (core func $a-next (canon lower (func $m "a-next")))
    (core func $user-next (canon lower (func $m "user-next")))
    (core module $c
      (import "m" "a-next" (func $a-next (result i32)))
      (import "m" "user-next" (func $user-next (result i32)))
      (global $n (mut i32) (i32.const 0))
      ;; 100000 times its own count, plus the middle's user (which adds the leaf).
      (func (export "via-user") (result i32)
        (global.set $n (i32.add (global.get $n) (i32.const 1)))
        (i32.add (call $user-next) (i32.mul (global.get $n) (i32.const 100000))))
      (func (export "via-leaf") (result i32) (call $a-next)))
    (core instance $i (instantiate $c
      (with "m" (instance (export "a-next" (func $a-next)) (export "user-next" (func $user-next))))))
    (func (export "via-user") (result u32) (canon lift (core func $i "via-user")))
    (func (export "via-leaf") (result u32) (canon lift (core func $i "via-leaf"))))

  (instance $m1 (instantiate $middle))
  (instance $m2 (instantiate $middle))
  (instance $client (instantiate $client (with "m" (instance $m1))))
  (export "m1" (instance $m1))
  (export "m2" (instance $m2))
  (export "client" (instance $client)))

(component instance $x $root)
(component instance $y $root)

;; Each leaf counts on its own.
(assert_return (invoke $x "m1#a-next") (u32.const 1))
(assert_return (invoke $x "m1#a-next") (u32.const 2))
(assert_return (invoke $x "m1#b-next") (u32.const 1))
(assert_return (invoke $x "m2#a-next") (u32.const 1))
(assert_return (invoke $x "m2#b-next") (u32.const 1))
(assert_return (invoke $x "m2#b-next") (u32.const 2))
;; The user shares leaf a of its own middle: 1000 * 1 + 3.
(assert_return (invoke $x "m1#user-next") (u32.const 1003))
(assert_return (invoke $x "m1#a-next") (u32.const 4))
(assert_return (invoke $x "m1#b-next") (u32.const 2))
(assert_return (invoke $x "m2#user-next") (u32.const 1002))
(assert_return (invoke $x "m2#user-next") (u32.const 2003))
;; The client goes through m1's user to m1's leaf a: 100000 * 1 + 1000 * 2 + 5.
(assert_return (invoke $x "client#via-user") (u32.const 102005))
(assert_return (invoke $x "client#via-leaf") (u32.const 6))
(assert_return (invoke $x "client#via-user") (u32.const 203007))
(assert_return (invoke $x "m1#a-next") (u32.const 8))
(assert_return (invoke $x "m2#a-next") (u32.const 4))

;; The second instance of the definition starts from scratch.
(assert_return (invoke $y "m1#a-next") (u32.const 1))
(assert_return (invoke $y "client#via-user") (u32.const 101002))
(assert_return (invoke $y "m2#user-next") (u32.const 1001))
(assert_return (invoke $y "m2#a-next") (u32.const 2))
;; ... and the first goes on where it was.
(assert_return (invoke $x "m1#a-next") (u32.const 9))
(assert_return (invoke $x "client#via-leaf") (u32.const 10))

;; Invocations without an instance name go to the most recent instance.
(assert_return (invoke "m1#b-next") (u32.const 1))
(assert_return (invoke "m1#b-next") (u32.const 2))
(assert_return (invoke $y "m1#b-next") (u32.const 3))
(assert_return (invoke $x "m1#b-next") (u32.const 3))
