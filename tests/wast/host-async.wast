;; Asynchronous host functions of the `fact wast` host (docs/wast.md): a
;; host call that resolves a turn of the event loop later, at once, or
;; never; lowered with and without `async`; cancelled; and the borrow a
;; host call keeps until it resolves. A trap poisons the instance, so each
;; trap has an instance of its own.
(component definition $C
  (import "host" (instance $host
    (export "resource1" (type $r (sub resource)))
    (export "[constructor]resource1" (func (param "r" u32) (result (own $r))))
    (export "return-two-slowly" (func async (result s32)))
    (export "echo-slowly" (func async (param "v" u32) (result u32)))
    (export "never-return" (func async))
    (export "[method]resource1.never-return" (func async (param "self" (borrow $r))))))
  (import "host-echo-u32" (func $echo-now async (param "v" u32) (result u32)))
  (alias export $host "resource1" (type $r))
  (core module $libc (memory (export "mem") 1))
  (core instance $libc (instantiate $libc))
  (core func $two (canon lower (func $host "return-two-slowly") async
    (memory (core memory $libc "mem"))))
  (core func $two-sync (canon lower (func $host "return-two-slowly")))
  (core func $echo (canon lower (func $host "echo-slowly") async
    (memory (core memory $libc "mem"))))
  (core func $echo-now (canon lower (func $echo-now) async (memory (core memory $libc "mem"))))
  (core func $never (canon lower (func $host "never-return") async))
  (core func $never-sync (canon lower (func $host "never-return")))
  (core func $never-borrow (canon lower (func $host "[method]resource1.never-return") async))
  (core func $new (canon lower (func $host "[constructor]resource1")))
  (core func $drop (canon resource.drop $r))
  (core func $ws.new (canon waitable-set.new))
  (core func $ws.wait (canon waitable-set.wait (memory (core memory $libc "mem"))))
  (core func $ws.drop (canon waitable-set.drop))
  (core func $join (canon waitable.join))
  (core func $cancel (canon subtask.cancel))
  (core func $sdrop (canon subtask.drop))
  (core module $m
    (import "" "mem" (memory 1))
    (import "" "two" (func $two (param i32) (result i32)))
    (import "" "two-sync" (func $two-sync (result i32)))
    (import "" "echo" (func $echo (param i32 i32) (result i32)))
    (import "" "echo-now" (func $echo-now (param i32 i32) (result i32)))
    (import "" "never" (func $never (result i32)))
    (import "" "never-sync" (func $never-sync))
    (import "" "never-borrow" (func $never-borrow (param i32) (result i32)))
    (import "" "new" (func $new (param i32) (result i32)))
    (import "" "drop" (func $drop (param i32)))
    (import "" "ws.new" (func $ws.new (result i32)))
    (import "" "ws.wait" (func $ws.wait (param i32 i32) (result i32)))
    (import "" "ws.drop" (func $ws.drop (param i32)))
    (import "" "join" (func $join (param i32 i32)))
    (import "" "cancel" (func $cancel (param i32) (result i32)))
    (import "" "sdrop" (func $sdrop (param i32)))

    ;; The subtask of a packed STARTED status (traps on any other status).
    (func $started (param $packed i32) (result i32)
      (if (i32.ne (i32.and (local.get $packed) (i32.const 0xf)) (i32.const 1))
        (then unreachable))
      (i32.shr_u (local.get $packed) (i32.const 4)))

    ;; Waits for subtask $s alone: its event must be SUBTASK, $s, RETURNED.
    (func $wait-returned (param $s i32)
      (local $set i32)
      (local.set $set (call $ws.new))
      (call $join (local.get $s) (local.get $set))
      (if (i32.ne (call $ws.wait (local.get $set) (i32.const 0)) (i32.const 1))
        (then unreachable))
      (if (i32.ne (i32.load (i32.const 0)) (local.get $s)) (then unreachable))
      (if (i32.ne (i32.load (i32.const 4)) (i32.const 2)) (then unreachable))
      (call $join (local.get $s) (i32.const 0))
      (call $ws.drop (local.get $set))
      (call $sdrop (local.get $s)))

    ;; Two slow echoes at once; the results land at their return pointers.
    (func (export "slow") (result i32)
      (local $a i32) (local $b i32)
      (local.set $a (call $started (call $echo (i32.const 40) (i32.const 100))))
      (local.set $b (call $started (call $echo (i32.const 2) (i32.const 104))))
      (call $wait-returned (local.get $b))
      (call $wait-returned (local.get $a))
      (i32.add (i32.load (i32.const 100)) (i32.load (i32.const 104))))

    ;; RETURNED at once, with no subtask: host-echo-u32 resolves on its
    ;; first poll.
    (func (export "now") (result i32)
      (if (i32.ne (call $echo-now (i32.const 7) (i32.const 200)) (i32.const 2))
        (then unreachable))
      (i32.load (i32.const 200)))

    ;; A sync lowering waits for the slow host call.
    (func (export "two-sync") (result i32)
      (i32.add (call $two-sync) (call $two-sync)))

    ;; Cancelled before it resolved: CANCELLED_BEFORE_RETURNED (4), then
    ;; the subtask may be dropped, and cancelling again traps.
    (func (export "cancel") (result i32)
      (local $s i32) (local $r i32)
      (local.set $s (call $started (call $never)))
      (local.set $r (call $cancel (local.get $s)))
      (call $sdrop (local.get $s))
      (local.get $r))
    (func (export "cancel-twice")
      (local $s i32)
      (local.set $s (call $started (call $never)))
      (drop (call $cancel (local.get $s)))
      (drop (call $cancel (local.get $s))))

    ;; The subtask cannot be dropped before it resolved.
    (func (export "drop-early")
      (call $sdrop (call $started (call $two (i32.const 300)))))

    ;; A host call keeps its borrow until it resolves: the resource cannot
    ;; be dropped, until the call is cancelled.
    (func (export "borrowed") (result i32)
      (local $h i32) (local $s i32)
      (local.set $h (call $new (i32.const 5)))
      (local.set $s (call $started (call $never-borrow (local.get $h))))
      (if (i32.ne (call $cancel (local.get $s)) (i32.const 4)) (then unreachable))
      (call $sdrop (local.get $s))
      (call $drop (local.get $h))
      (i32.const 1))
    (func (export "drop-borrowed")
      (local $h i32)
      (local.set $h (call $new (i32.const 5)))
      (drop (call $never-borrow (local.get $h)))
      (call $drop (local.get $h)))

    ;; Waiting alone for a host call that never resolves is a deadlock.
    (func (export "wait-forever") (call $never-sync)))
  (core instance $i (instantiate $m (with "" (instance
    (export "mem" (memory $libc "mem"))
    (export "two" (func $two)) (export "two-sync" (func $two-sync))
    (export "echo" (func $echo)) (export "echo-now" (func $echo-now))
    (export "never" (func $never)) (export "never-sync" (func $never-sync))
    (export "never-borrow" (func $never-borrow))
    (export "new" (func $new)) (export "drop" (func $drop))
    (export "ws.new" (func $ws.new)) (export "ws.wait" (func $ws.wait))
    (export "ws.drop" (func $ws.drop)) (export "join" (func $join))
    (export "cancel" (func $cancel)) (export "sdrop" (func $sdrop))))))
  (func (export "slow") async (result u32) (canon lift (core func $i "slow")))
  (func (export "now") async (result u32) (canon lift (core func $i "now")))
  (func (export "two-sync") async (result s32) (canon lift (core func $i "two-sync")))
  (func (export "cancel") async (result u32) (canon lift (core func $i "cancel")))
  (func (export "cancel-twice") async (canon lift (core func $i "cancel-twice")))
  (func (export "drop-early") async (canon lift (core func $i "drop-early")))
  (func (export "borrowed") async (result u32) (canon lift (core func $i "borrowed")))
  (func (export "drop-borrowed") async (canon lift (core func $i "drop-borrowed")))
  (func (export "wait-forever") async (canon lift (core func $i "wait-forever"))))
(component instance $C)
(assert_return (invoke "slow") (u32.const 42))
(assert_return (invoke "now") (u32.const 7))
(assert_return (invoke "two-sync") (s32.const 4))
(assert_return (invoke "cancel") (u32.const 4))
(assert_return (invoke "borrowed") (u32.const 1))
(assert_trap (invoke "cancel-twice") "`subtask.cancel` called after terminal status delivered")
(component instance $C)
(assert_trap (invoke "drop-early") "cannot drop a subtask which has not yet resolved")
(component instance $C)
(assert_trap (invoke "drop-borrowed") "cannot remove owned resource while borrowed")
(component instance $C)
(assert_trap (invoke "wait-forever") "deadlock detected")
