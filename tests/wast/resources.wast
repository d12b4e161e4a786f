;; A resource with a destructor, passed by own and by borrow between three
;; component instances: `provider` defines resource `r` (its rep is the value
;; given to `make`, its destructor counts drops and records the last rep it
;; saw) and a resource `t` without a destructor; `middle` imports the
;; provider, re-exports `r` and forwards each function (adding 100 to the
;; value given to `make`, keeping an own handle on request, and dropping the
;; borrow handles it receives, as it must before returning); `user` holds the
;; handles and drives each scenario from its core code. Every call between
;; them goes through an adapter, so handles cross two adapters (user ->
;; middle -> provider): own handles are moved from table to table, borrows
;; are lent for the duration of a call, and a borrow that reaches the
;; provider is its rep. The provider's counters are exported by the root.
;;
;; The traps: an own handle lifted while it is lent out as a borrow in the
;; same call, a dropped handle used again (passed, dropped again, or moved
;; away and then used), a handle of `t` passed as `r`, and a borrow that the
;; middle does not drop before returning. Each runs in a fresh instance.
(component definition $resources
  (component $provider
    (core module $state
      (global $drops (mut i32) (i32.const 0))
      (global $last (mut i32) (i32.const 0))
      (func (export "dtor") (param i32)
        (global.set $drops (i32.add (global.get $drops) (i32.const 1)))
        (global.set $last (local.get 0)))
      (func (export "drops") (result i32) (global.get $drops))
      (func (export "last") (result i32) (global.get $last)))
    (core instance $s (instantiate $state))
    (alias core export $s "dtor" (core func $dtor))
    (type $r (resource (rep i32) (dtor (core func $dtor))))
    (type $t (resource (rep i32)))
    (core func $r-new (canon resource.new $r))
    (core func $r-rep (canon resource.rep $r))
    (core func $r-drop (canon resource.drop $r))
    (core func $t-new (canon resource.new $t))
    (core module $impl
      (import "res" "r-new" (func $r-new (param i32) (result i32)))
      (import "res" "r-rep" (func $r-rep (param i32) (result i32)))
      (import "res" "r-drop" (func $r-drop (param i32)))
      (import "res" "t-new" (func $t-new (param i32) (result i32)))
      (func (export "make") (param i32) (result i32) (call $r-new (local.get 0)))
      ;; A borrow lowered into the instance that defines the resource is the rep.
      (func (export "get") (param i32) (result i32) (local.get 0))
      (func (export "consume") (param i32) (result i32)
        (local $v i32)
        (local.set $v (call $r-rep (local.get 0)))
        (call $r-drop (local.get 0))
        (local.get $v))
      (func (export "both") (param i32 i32) (result i32)
        (local $v i32)
        (local.set $v (call $r-rep (local.get 1)))
        (call $r-drop (local.get 1))
        (i32.add (local.get 0) (local.get $v)))
      (func (export "make-t") (param i32) (result i32) (call $t-new (local.get 0))))
    (core instance $i (instantiate $impl
      (with "res" (instance
        (export "r-new" (func $r-new)) (export "r-rep" (func $r-rep))
        (export "r-drop" (func $r-drop)) (export "t-new" (func $t-new))))))
    (export $re "r" (type $r))
    (export $te "t" (type $t))
    (func (export "make") (param "v" u32) (result (own $re)) (canon lift (core func $i "make")))
    (func (export "get") (param "self" (borrow $re)) (result u32) (canon lift (core func $i "get")))
    (func (export "consume") (param "x" (own $re)) (result u32) (canon lift (core func $i "consume")))
    (func (export "both") (param "b" (borrow $re)) (param "o" (own $re)) (result u32)
      (canon lift (core func $i "both")))
    (func (export "make-t") (param "v" u32) (result (own $te)) (canon lift (core func $i "make-t")))
    (func (export "drops") (result u32) (canon lift (core func $s "drops")))
    (func (export "last") (result u32) (canon lift (core func $s "last"))))

  (component $middle
    (import "p" (instance $p
      (export "r" (type $r (sub resource)))
      (export "t" (type $t (sub resource)))
      (export "make" (func (param "v" u32) (result (own $r))))
      (export "get" (func (param "self" (borrow $r)) (result u32)))
      (export "consume" (func (param "x" (own $r)) (result u32)))
      (export "both" (func (param "b" (borrow $r)) (param "o" (own $r)) (result u32)))
      (export "make-t" (func (param "v" u32) (result (own $t))))))
    (alias export $p "r" (type $r))
    (alias export $p "t" (type $t))
    (core func $make (canon lower (func $p "make")))
    (core func $get (canon lower (func $p "get")))
    (core func $consume (canon lower (func $p "consume")))
    (core func $both (canon lower (func $p "both")))
    (core func $make-t (canon lower (func $p "make-t")))
    (core func $drop (canon resource.drop $r))
    (core module $m
      (import "p" "make" (func $make (param i32) (result i32)))
      (import "p" "get" (func $get (param i32) (result i32)))
      (import "p" "consume" (func $consume (param i32) (result i32)))
      (import "p" "both" (func $both (param i32 i32) (result i32)))
      (import "p" "make-t" (func $make-t (param i32) (result i32)))
      (import "p" "drop" (func $drop (param i32)))
      (global $kept (mut i32) (i32.const 0))
      (func (export "make") (param i32) (result i32)
        (call $make (i32.add (local.get 0) (i32.const 100))))
      ;; The borrow handle received is lent on to the provider, then dropped.
      (func (export "get") (param i32) (result i32)
        (local $v i32)
        (local.set $v (call $get (local.get 0)))
        (call $drop (local.get 0))
        (local.get $v))
      (func (export "consume") (param i32) (result i32) (call $consume (local.get 0)))
      (func (export "both") (param i32 i32) (result i32)
        (local $v i32)
        (local.set $v (call $both (local.get 0) (local.get 1)))
        (call $drop (local.get 0))
        (local.get $v))
      (func (export "make-t") (param i32) (result i32) (call $make-t (local.get 0)))
      ;; Takes ownership and keeps the handle until `release`.
      (func (export "keep") (param i32) (global.set $kept (local.get 0)))
      (func (export "release") (call $drop (global.get $kept)))
      ;; Returns without dropping the borrow handle it received.
      (func (export "leak-borrow") (param i32) (result i32) (call $get (local.get 0))))
    (core instance $i (instantiate $m
      (with "p" (instance
        (export "make" (func $make)) (export "get" (func $get)) (export "consume" (func $consume))
        (export "both" (func $both)) (export "make-t" (func $make-t)) (export "drop" (func $drop))))))
    (export $re "r" (type $r))
    (export $te "t" (type $t))
    (func (export "make") (param "v" u32) (result (own $re)) (canon lift (core func $i "make")))
    (func (export "get") (param "self" (borrow $re)) (result u32) (canon lift (core func $i "get")))
    (func (export "consume") (param "x" (own $re)) (result u32) (canon lift (core func $i "consume")))
    (func (export "both") (param "b" (borrow $re)) (param "o" (own $re)) (result u32)
      (canon lift (core func $i "both")))
    (func (export "make-t") (param "v" u32) (result (own $te)) (canon lift (core func $i "make-t")))
    (func (export "keep") (param "x" (own $re)) (canon lift (core func $i "keep")))
    (func (export "release") (canon lift (core func $i "release")))
    (func (export "leak-borrow") (param "self" (borrow $re)) (result u32) (canon lift (core func $i "leak-borrow"))))

  (component $user
    (import "m" (instance $m
      (export "r" (type $r (sub resource)))
      (export "t" (type $t (sub resource)))
      (export "make" (func (param "v" u32) (result (own $r))))
      (export "get" (func (param "self" (borrow $r)) (result u32)))
      (export "consume" (func (param "x" (own $r)) (result u32)))
      (export "both" (func (param "b" (borrow $r)) (param "o" (own $r)) (result u32)))
      (export "make-t" (func (param "v" u32) (result (own $t))))
      (export "keep" (func (param "x" (own $r))))
      (export "release" (func))
      (export "leak-borrow" (func (param "self" (borrow $r)) (result u32)))))
    (alias export $m "r" (type $r))
    (core func $make (canon lower (func $m "make")))
    (core func $get (canon lower (func $m "get")))
    (core func $consume (canon lower (func $m "consume")))
    (core func $both (canon lower (func $m "both")))
    (core func $make-t (canon lower (func $m "make-t")))
    (core func $keep (canon lower (func $m "keep")))
    (core func $release (canon lower (func $m "release")))
    (core func $leak-borrow (canon lower (func $m "leak-borrow")))
    (core func $drop (canon resource.drop $r))
    (core module $u
      (import "m" "make" (func $make (param i32) (result i32)))
      (import "m" "get" (func $get (param i32) (result i32)))
      (import "m" "consume" (func $consume (param i32) (result i32)))
      (import "m" "both" (func $both (param i32 i32) (result i32)))
      (import "m" "make-t" (func $make-t (param i32) (result i32)))
      (import "m" "keep" (func $keep (param i32)))
      (import "m" "release" (func $release))
      (import "m" "leak-borrow" (func $leak-borrow (param i32) (result i32)))
      (import "m" "drop" (func $drop (param i32)))
      ;; make(v) is rep v + 100: read it by borrow twice, then drop the own
      ;; handle here (the destructor runs in the provider).
      (func (export "make-get-drop") (param i32) (result i32)
        (local $h i32) (local $v i32)
        (local.set $h (call $make (local.get 0)))
        (local.set $v (call $get (local.get $h)))
        (local.set $v (i32.add (local.get $v) (call $get (local.get $h))))
        (call $drop (local.get $h))
        (local.get $v))
      ;; Ownership moves user -> middle -> provider, which drops it.
      (func (export "make-consume") (param i32) (result i32)
        (call $consume (call $make (local.get 0))))
      ;; Two handles at once, both given back to the provider.
      (func (export "two") (result i32)
        (local $a i32) (local $b i32)
        (local.set $a (call $make (i32.const 1)))
        (local.set $b (call $make (i32.const 2)))
        (i32.add
          (i32.mul (call $consume (local.get $b)) (i32.const 1000))
          (call $consume (local.get $a))))
      ;; A borrow and an own handle of two different resources in one call.
      (func (export "both") (result i32)
        (local $a i32) (local $b i32) (local $v i32)
        (local.set $a (call $make (i32.const 3)))
        (local.set $b (call $make (i32.const 4)))
        (local.set $v (call $both (local.get $a) (local.get $b)))
        (call $drop (local.get $a))
        (local.get $v))
      ;; The middle keeps the handle: no destructor runs until `release`.
      (func (export "give") (param i32) (call $keep (call $make (local.get 0))))
      (func (export "release") (call $release))
      ;; Traps.
      (func (export "own-while-borrowed") (result i32)
        (local $h i32)
        (local.set $h (call $make (i32.const 5)))
        (call $both (local.get $h) (local.get $h)))
      (func (export "use-after-drop") (result i32)
        (local $h i32)
        (local.set $h (call $make (i32.const 6)))
        (call $drop (local.get $h))
        (call $get (local.get $h)))
      (func (export "drop-twice")
        (local $h i32)
        (local.set $h (call $make (i32.const 7)))
        (call $drop (local.get $h))
        (call $drop (local.get $h)))
      (func (export "use-after-move") (result i32)
        (local $h i32)
        (local.set $h (call $make (i32.const 8)))
        (drop (call $consume (local.get $h)))
        (call $get (local.get $h)))
      (func (export "wrong-type") (result i32)
        (call $get (call $make-t (i32.const 9))))
      (func (export "leak-borrow") (result i32)
        (call $leak-borrow (call $make (i32.const 10)))))
    (core instance $i (instantiate $u
      (with "m" (instance
        (export "make" (func $make)) (export "get" (func $get)) (export "consume" (func $consume))
        (export "both" (func $both)) (export "make-t" (func $make-t)) (export "keep" (func $keep))
        (export "release" (func $release)) (export "leak-borrow" (func $leak-borrow))
        (export "drop" (func $drop))))))
    (func (export "make-get-drop") (param "v" u32) (result u32) (canon lift (core func $i "make-get-drop")))
    (func (export "make-consume") (param "v" u32) (result u32) (canon lift (core func $i "make-consume")))
    (func (export "two") (result u32) (canon lift (core func $i "two")))
    (func (export "both") (result u32) (canon lift (core func $i "both")))
    (func (export "give") (param "v" u32) (canon lift (core func $i "give")))
    (func (export "release") (canon lift (core func $i "release")))
    (func (export "own-while-borrowed") (result u32) (canon lift (core func $i "own-while-borrowed")))
    (func (export "use-after-drop") (result u32) (canon lift (core func $i "use-after-drop")))
    (func (export "drop-twice") (canon lift (core func $i "drop-twice")))
    (func (export "use-after-move") (result u32) (canon lift (core func $i "use-after-move")))
    (func (export "wrong-type") (result u32) (canon lift (core func $i "wrong-type")))
    (func (export "leak-borrow") (result u32) (canon lift (core func $i "leak-borrow"))))

  (instance $p (instantiate $provider))
  (instance $m (instantiate $middle (with "p" (instance $p))))
  (instance $u (instantiate $user (with "m" (instance $m))))
  (export "drops" (func $p "drops"))
  (export "last" (func $p "last"))
  (export "user" (instance $u)))

(component instance $ok $resources)
(assert_return (invoke "drops") (u32.const 0))
;; Two borrows of rep 105, then the user's drop runs the destructor.
(assert_return (invoke "user#make-get-drop" (u32.const 5)) (u32.const 210))
(assert_return (invoke "drops") (u32.const 1))
(assert_return (invoke "last") (u32.const 105))
;; The provider's own `resource.drop` runs the destructor.
(assert_return (invoke "user#make-consume" (u32.const 7)) (u32.const 107))
(assert_return (invoke "drops") (u32.const 2))
(assert_return (invoke "last") (u32.const 107))
;; b (rep 102) is consumed first, then a (rep 101).
(assert_return (invoke "user#two") (u32.const 102101))
(assert_return (invoke "drops") (u32.const 4))
(assert_return (invoke "last") (u32.const 101))
;; borrow a (rep 103) + own b (rep 104, dropped by the provider); then the
;; user drops a.
(assert_return (invoke "user#both") (u32.const 207))
(assert_return (invoke "drops") (u32.const 6))
(assert_return (invoke "last") (u32.const 103))
;; The middle holds the handle: nothing is destroyed until it lets go.
(assert_return (invoke "user#give" (u32.const 9)))
(assert_return (invoke "drops") (u32.const 6))
(assert_return (invoke "last") (u32.const 103))
(assert_return (invoke "user#release"))
(assert_return (invoke "drops") (u32.const 7))
(assert_return (invoke "last") (u32.const 109))
;; Handles are reused after a drop and everything still works.
(assert_return (invoke "user#make-get-drop" (u32.const 0)) (u32.const 200))
(assert_return (invoke "drops") (u32.const 8))

;; The own handle of `both` is lifted after the borrow of the same handle:
;; it is lent out, so it cannot move.
(component instance $t1 $resources)
(assert_trap (invoke "user#own-while-borrowed") "cannot remove owned resource while borrowed")
;; The handle was dropped: the index is free.
(component instance $t2 $resources)
(assert_trap (invoke "user#use-after-drop") "unknown handle index")
(component instance $t3 $resources)
(assert_trap (invoke "user#drop-twice") "unknown handle index")
;; The own handle moved to the provider: the user's index is free.
(component instance $t4 $resources)
(assert_trap (invoke "user#use-after-move") "unknown handle index")
;; A handle to a `t` where an `r` is expected.
(component instance $t5 $resources)
(assert_trap (invoke "user#wrong-type") "used with the wrong type")
;; The middle returns while still holding the borrow it was lent.
(component instance $t6 $resources)
(assert_trap (invoke "user#leak-borrow") "borrow handles still remain at the end of the call")
