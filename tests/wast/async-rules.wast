;; The rules of the async runtime, each with the trap that enforces it:
;; blocking, task.return's checks, subtasks, waitable sets, backpressure,
;; context slots per thread, callback codes, start functions; and the
;; validation of async options and types.

;; A callback lift that waits on an empty set: nothing can ever happen.
(component
  (core module $m
    (import "" "waitable-set.new" (func $waitable-set.new (result i32)))
    (func (export "f") (result i32)
      (i32.or (i32.const 2 (; WAIT ;)) (i32.shl (call $waitable-set.new) (i32.const 4))))
    (func (export "cb") (param i32 i32 i32) (result i32) unreachable))
  (core func $waitable-set.new (canon waitable-set.new))
  (core instance $i (instantiate $m (with "" (instance
    (export "waitable-set.new" (func $waitable-set.new))))))
  (func (export "f") async (result u32)
    (canon lift (core func $i "f") async (callback (core func $i "cb")))))
(assert_trap (invoke "f") "wasm trap: deadlock detected: event loop cannot make further progress")

;; A sync-typed function may not block, and here nothing else could run.
(component
  (core module $libc (memory (export "mem") 1))
  (core instance $libc (instantiate $libc))
  (core module $m
    (import "" "waitable-set.new" (func $waitable-set.new (result i32)))
    (import "" "waitable-set.wait" (func $waitable-set.wait (param i32 i32) (result i32)))
    (import "" "thread.yield" (func $thread.yield (result i32)))
    (func (export "wait") (result i32)
      (call $waitable-set.wait (call $waitable-set.new) (i32.const 0)))
    (func (export "yield") (result i32)
      (i32.add (call $thread.yield) (i32.const 5))))
  (core func $waitable-set.new (canon waitable-set.new))
  (core func $waitable-set.wait (canon waitable-set.wait (memory (core memory $libc "mem"))))
  (core func $thread.yield (canon thread.yield))
  (core instance $i (instantiate $m (with "" (instance
    (export "waitable-set.new" (func $waitable-set.new))
    (export "waitable-set.wait" (func $waitable-set.wait))
    (export "thread.yield" (func $thread.yield))))))
  (func (export "yield") (result u32) (canon lift (core func $i "yield")))
  (func (export "wait") (result u32) (canon lift (core func $i "wait"))))
;; yielding with nothing else to run goes on at once
(assert_return (invoke "yield") (u32.const 5))
(assert_trap (invoke "wait") "wasm trap: cannot block a synchronous task before returning")

;; A core start function runs as a sync-typed task: it may not block either.
(assert_trap
  (component
    (core module $libc (memory (export "mem") 1))
    (core instance $libc (instantiate $libc))
    (core module $m
      (import "" "waitable-set.new" (func $waitable-set.new (result i32)))
      (import "" "waitable-set.wait" (func $waitable-set.wait (param i32 i32) (result i32)))
      (func $start (drop (call $waitable-set.wait (call $waitable-set.new) (i32.const 0))))
      (start $start))
    (core func $waitable-set.new (canon waitable-set.new))
    (core func $waitable-set.wait (canon waitable-set.wait (memory (core memory $libc "mem"))))
    (core instance $i (instantiate $m (with "" (instance
      (export "waitable-set.new" (func $waitable-set.new))
      (export "waitable-set.wait" (func $waitable-set.wait)))))))
  "cannot block a synchronous task before returning")

;; task.return: once, with the lift's result type and options, and at all.
(component definition $returns
  (core module $m
    (import "" "task.return" (func $task.return (param i32)))
    (import "" "task.return-u64" (func $task.return-u64 (param i64)))
    (func (export "twice") (call $task.return (i32.const 1)) (call $task.return (i32.const 2)))
    (func (export "wrong-type") (call $task.return-u64 (i64.const 1)))
    (func (export "never"))
    (func (export "from-sync") (result i32) (call $task.return (i32.const 1)) (i32.const 1))
    (func (export "bad-code") (result i32) (i32.const 3))
    (func (export "cb") (param i32 i32 i32) (result i32) unreachable))
  (core func $task.return (canon task.return (result u32)))
  (core func $task.return-u64 (canon task.return (result u64)))
  (core instance $i (instantiate $m (with "" (instance
    (export "task.return" (func $task.return))
    (export "task.return-u64" (func $task.return-u64))))))
  (func (export "twice") async (result u32) (canon lift (core func $i "twice") async))
  (func (export "wrong-type") async (result u32) (canon lift (core func $i "wrong-type") async))
  (func (export "never") async (result u32) (canon lift (core func $i "never") async))
  (func (export "from-sync") async (result u32) (canon lift (core func $i "from-sync")))
  (func (export "bad-code") async (result u32)
    (canon lift (core func $i "bad-code") async (callback (core func $i "cb")))))
(component instance $r1 $returns)
(assert_trap (invoke "twice")
  "`task.return` or `task.cancel` called more than once for current task")
(component instance $r2 $returns)
(assert_trap (invoke "wrong-type")
  "invalid `task.return` signature and/or options for current task")
(component instance $r3 $returns)
(assert_trap (invoke "never") "async-lifted export failed to produce a result")
(component instance $r4 $returns)
(assert_trap (invoke "from-sync")
  "invalid `task.return` signature and/or options for current task")
(component instance $r5 $returns)
(assert_trap (invoke "bad-code") "unsupported callback code")

;; Subtasks and waitable sets: a subtask can be dropped once its caller has
;; seen it resolve; a set only when nothing joined it.
(component definition $subtasks
  (component $callee
    (core module $m
      (import "" "task.return" (func $task.return (param i32)))
      (import "" "thread.yield" (func $thread.yield (result i32)))
      (func (export "slow") (param $p i32)
        (drop (call $thread.yield))
        (call $task.return (local.get $p))))
    (core func $task.return (canon task.return (result u32)))
    (core func $thread.yield (canon thread.yield))
    (core instance $i (instantiate $m (with "" (instance
      (export "task.return" (func $task.return))
      (export "thread.yield" (func $thread.yield))))))
    (func (export "slow") async (param "p" u32) (result u32)
      (canon lift (core func $i "slow") async)))
  (component $caller
    (import "slow" (func $slow async (param "p" u32) (result u32)))
    (core module $libc (memory (export "mem") 1))
    (core instance $libc (instantiate $libc))
    (core func $slow (canon lower (func $slow) async (memory (core memory $libc "mem"))))
    (core func $task.return (canon task.return (result u32)))
    (core func $waitable-set.new (canon waitable-set.new))
    (core func $waitable-set.wait (canon waitable-set.wait (memory (core memory $libc "mem"))))
    (core func $waitable-set.poll (canon waitable-set.poll (memory (core memory $libc "mem"))))
    (core func $waitable-set.drop (canon waitable-set.drop))
    (core func $waitable.join (canon waitable.join))
    (core func $subtask.drop (canon subtask.drop))
    (core module $m
      (import "" "mem" (memory 1))
      (import "" "slow" (func $slow (param i32 i32) (result i32)))
      (import "" "task.return" (func $task.return (param i32)))
      (import "" "waitable-set.new" (func $waitable-set.new (result i32)))
      (import "" "waitable-set.wait" (func $waitable-set.wait (param i32 i32) (result i32)))
      (import "" "waitable-set.poll" (func $waitable-set.poll (param i32 i32) (result i32)))
      (import "" "waitable-set.drop" (func $waitable-set.drop (param i32)))
      (import "" "waitable.join" (func $waitable.join (param i32 i32)))
      (import "" "subtask.drop" (func $subtask.drop (param i32)))
      (func (export "drop-early")
        (call $subtask.drop (i32.shr_u (call $slow (i32.const 1) (i32.const 0)) (i32.const 4))))
      (func (export "drop-set-with-member")
        (local $ws i32)
        (local.set $ws (call $waitable-set.new))
        (call $waitable.join
          (i32.shr_u (call $slow (i32.const 1) (i32.const 0)) (i32.const 4)) (local.get $ws))
        (call $waitable-set.drop (local.get $ws)))
      ;; poll finds nothing (0) while the callee runs, then wait returns
      ;; SUBTASK (1) with the subtask's index and RETURNED (2): returns
      ;; poll * 1000 + event code * 100 + state * 10 + the result
      (func (export "wait-then-drop")
        (local $ws i32) (local $st i32) (local $polled i32) (local $code i32)
        (local.set $st (i32.shr_u (call $slow (i32.const 7) (i32.const 0)) (i32.const 4)))
        (local.set $ws (call $waitable-set.new))
        (call $waitable.join (local.get $st) (local.get $ws))
        (local.set $polled (call $waitable-set.poll (local.get $ws) (i32.const 8)))
        (local.set $code (call $waitable-set.wait (local.get $ws) (i32.const 8)))
        (if (i32.ne (i32.load (i32.const 8)) (local.get $st)) (then unreachable))
        (call $subtask.drop (local.get $st))
        (call $waitable-set.drop (local.get $ws))
        (call $task.return
          (i32.add (i32.add (i32.mul (local.get $polled) (i32.const 1000))
                            (i32.mul (local.get $code) (i32.const 100)))
                   (i32.add (i32.mul (i32.load (i32.const 12)) (i32.const 10))
                            (i32.load (i32.const 0)))))))
    (core instance $i (instantiate $m (with "" (instance
      (export "mem" (memory $libc "mem"))
      (export "slow" (func $slow))
      (export "task.return" (func $task.return))
      (export "waitable-set.new" (func $waitable-set.new))
      (export "waitable-set.wait" (func $waitable-set.wait))
      (export "waitable-set.poll" (func $waitable-set.poll))
      (export "waitable-set.drop" (func $waitable-set.drop))
      (export "waitable.join" (func $waitable.join))
      (export "subtask.drop" (func $subtask.drop))))))
    (func (export "drop-early") async (canon lift (core func $i "drop-early") async))
    (func (export "drop-set-with-member") async
      (canon lift (core func $i "drop-set-with-member") async))
    (func (export "wait-then-drop") async (result u32)
      (canon lift (core func $i "wait-then-drop") async)))
  (instance $callee (instantiate $callee))
  (instance $caller (instantiate $caller (with "slow" (func $callee "slow"))))
  (export "drop-early" (func $caller "drop-early"))
  (export "drop-set-with-member" (func $caller "drop-set-with-member"))
  (export "wait-then-drop" (func $caller "wait-then-drop")))
(component instance $s1 $subtasks)
(assert_trap (invoke "drop-early") "cannot drop a subtask which has not yet resolved")
(component instance $s2 $subtasks)
(assert_trap (invoke "drop-set-with-member") "cannot drop waitable set with members")
(component instance $s3 $subtasks)
(assert_return (invoke "wait-then-drop") (u32.const 127))

;; Backpressure holds a new async call (STARTING) until it is lifted; the
;; call then runs. Context slots belong to each thread: two calls that are
;; in flight at once each read back their own value.
(component definition $pressure
  (component $callee
    (core module $m
      (import "" "task.return" (func $task.return (param i32)))
      (import "" "thread.yield" (func $thread.yield (result i32)))
      (import "" "backpressure.inc" (func $backpressure.inc))
      (import "" "backpressure.dec" (func $backpressure.dec))
      (import "" "context.get" (func $context.get (result i32)))
      (import "" "context.set" (func $context.set (param i32)))
      (global $open (mut i32) (i32.const 0))
      ;; turns backpressure on, returns, and lifts it once `open` was called
      (func (export "hold")
        (call $backpressure.inc)
        (call $task.return (i32.const 0))
        (loop $wait
          (drop (call $thread.yield))
          (br_if $wait (i32.eqz (global.get $open))))
        (call $backpressure.dec))
      (func (export "open") (global.set $open (i32.const 1)))
      (func (export "seven") (call $task.return (i32.const 7)))
      ;; keeps p in context slot 0 across a yield
      (func (export "keep") (param $p i32)
        (call $context.set (local.get $p))
        (drop (call $thread.yield))
        (drop (call $thread.yield))
        (call $task.return (call $context.get))))
    (core func $task.return (canon task.return (result u32)))
    (core func $thread.yield (canon thread.yield))
    (core func $backpressure.inc (canon backpressure.inc))
    (core func $backpressure.dec (canon backpressure.dec))
    (core func $context.get (canon context.get i32 0))
    (core func $context.set (canon context.set i32 0))
    (core instance $i (instantiate $m (with "" (instance
      (export "task.return" (func $task.return))
      (export "thread.yield" (func $thread.yield))
      (export "backpressure.inc" (func $backpressure.inc))
      (export "backpressure.dec" (func $backpressure.dec))
      (export "context.get" (func $context.get))
      (export "context.set" (func $context.set))))))
    (func (export "hold") async (result u32) (canon lift (core func $i "hold") async))
    (func (export "open") (canon lift (core func $i "open")))
    (func (export "seven") async (result u32) (canon lift (core func $i "seven") async))
    (func (export "keep") async (param "p" u32) (result u32)
      (canon lift (core func $i "keep") async)))
  (component $caller
    (import "callee" (instance $callee
      (export "hold" (func async (result u32)))
      (export "open" (func))
      (export "seven" (func async (result u32)))
      (export "keep" (func async (param "p" u32) (result u32)))))
    (core module $libc (memory (export "mem") 1))
    (core instance $libc (instantiate $libc))
    (core func $hold (canon lower (func $callee "hold")))
    (core func $open (canon lower (func $callee "open")))
    (core func $seven (canon lower (func $callee "seven") async (memory (core memory $libc "mem"))))
    (core func $keep (canon lower (func $callee "keep") async (memory (core memory $libc "mem"))))
    (core func $task.return (canon task.return (result u32)))
    (core func $waitable-set.new (canon waitable-set.new))
    (core func $waitable-set.wait (canon waitable-set.wait (memory (core memory $libc "mem"))))
    (core func $waitable.join (canon waitable.join))
    (core module $m
      (import "" "mem" (memory 1))
      (import "" "hold" (func $hold (result i32)))
      (import "" "open" (func $open))
      (import "" "seven" (func $seven (param i32) (result i32)))
      (import "" "keep" (func $keep (param i32 i32) (result i32)))
      (import "" "task.return" (func $task.return (param i32)))
      (import "" "waitable-set.new" (func $waitable-set.new (result i32)))
      (import "" "waitable-set.wait" (func $waitable-set.wait (param i32 i32) (result i32)))
      (import "" "waitable.join" (func $waitable.join (param i32 i32)))
      (func $wait-returned (param $ws i32) (param $subtask i32)
        (loop $wait
          (drop (call $waitable-set.wait (local.get $ws) (i32.const 100)))
          (br_if $wait (i32.ne (i32.load (i32.const 100)) (local.get $subtask)))
          (br_if $wait (i32.ne (i32.load (i32.const 104)) (i32.const 2)))))
      ;; returns the status of the held call * 100 + its result
      (func (export "pressure")
        (local $status i32) (local $ws i32)
        (drop (call $hold))
        (local.set $status (call $seven (i32.const 0)))
        (call $open)
        (local.set $ws (call $waitable-set.new))
        (call $waitable.join (i32.shr_u (local.get $status) (i32.const 4)) (local.get $ws))
        (call $wait-returned (local.get $ws) (i32.shr_u (local.get $status) (i32.const 4)))
        (call $task.return
          (i32.add (i32.mul (i32.and (local.get $status) (i32.const 0xf)) (i32.const 100))
                   (i32.load (i32.const 0)))))
      ;; two calls of `keep` in flight: returns result 1 * 1000 + result 2
      (func (export "contexts")
        (local $a i32) (local $b i32) (local $ws i32)
        (local.set $a (i32.shr_u (call $keep (i32.const 3) (i32.const 0)) (i32.const 4)))
        (local.set $b (i32.shr_u (call $keep (i32.const 4) (i32.const 4)) (i32.const 4)))
        (local.set $ws (call $waitable-set.new))
        (call $waitable.join (local.get $a) (local.get $ws))
        (call $waitable.join (local.get $b) (local.get $ws))
        (call $wait-returned (local.get $ws) (local.get $a))
        (call $wait-returned (local.get $ws) (local.get $b))
        (call $task.return
          (i32.add (i32.mul (i32.load (i32.const 0)) (i32.const 1000)) (i32.load (i32.const 4))))))
    (core instance $i (instantiate $m (with "" (instance
      (export "mem" (memory $libc "mem"))
      (export "hold" (func $hold))
      (export "open" (func $open))
      (export "seven" (func $seven))
      (export "keep" (func $keep))
      (export "task.return" (func $task.return))
      (export "waitable-set.new" (func $waitable-set.new))
      (export "waitable-set.wait" (func $waitable-set.wait))
      (export "waitable.join" (func $waitable.join))))))
    (func (export "pressure") async (result u32) (canon lift (core func $i "pressure") async))
    (func (export "contexts") async (result u32) (canon lift (core func $i "contexts") async)))
  (instance $callee (instantiate $callee))
  (instance $caller (instantiate $caller (with "callee" (instance $callee))))
  (export "pressure" (func $caller "pressure"))
  (export "contexts" (func $caller "contexts")))
(component instance $p1 $pressure)
;; STARTING (0) while held, then 7
(assert_return (invoke "pressure") (u32.const 7))
(component instance $p2 $pressure)
(assert_return (invoke "contexts") (u32.const 3004))

;; A set that a thread waits on cannot be dropped; backpressure counts from
;; 0 to 65535.
(component definition $limits
  (core module $libc (memory (export "mem") 1))
  (core instance $libc (instantiate $libc))
  (core module $m
    (import "" "task.return" (func $task.return (param i32)))
    (import "" "waitable-set.new" (func $waitable-set.new (result i32)))
    (import "" "waitable-set.wait" (func $waitable-set.wait (param i32 i32) (result i32)))
    (import "" "waitable-set.drop" (func $waitable-set.drop (param i32)))
    (import "" "backpressure.inc" (func $backpressure.inc))
    (import "" "backpressure.dec" (func $backpressure.dec))
    (global $ws (mut i32) (i32.const 0))
    ;; returns, then waits on a new set for ever
    (func (export "wait")
      (global.set $ws (call $waitable-set.new))
      (call $task.return (i32.const 0))
      (drop (call $waitable-set.wait (global.get $ws) (i32.const 0))))
    (func (export "drop") (call $waitable-set.drop (global.get $ws)))
    ;; n increments, then as many decrements
    (func (export "inc") (param $n i32)
      (local $i i32)
      (loop $up
        (call $backpressure.inc)
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $up (i32.lt_u (local.get $i) (local.get $n))))
      (loop $down
        (call $backpressure.dec)
        (local.set $i (i32.sub (local.get $i) (i32.const 1)))
        (br_if $down (local.get $i))))
    (func (export "dec") (call $backpressure.dec)))
  (core func $task.return (canon task.return (result u32)))
  (core func $waitable-set.new (canon waitable-set.new))
  (core func $waitable-set.wait (canon waitable-set.wait (memory (core memory $libc "mem"))))
  (core func $waitable-set.drop (canon waitable-set.drop))
  (core func $backpressure.inc (canon backpressure.inc))
  (core func $backpressure.dec (canon backpressure.dec))
  (core instance $i (instantiate $m (with "" (instance
    (export "task.return" (func $task.return))
    (export "waitable-set.new" (func $waitable-set.new))
    (export "waitable-set.wait" (func $waitable-set.wait))
    (export "waitable-set.drop" (func $waitable-set.drop))
    (export "backpressure.inc" (func $backpressure.inc))
    (export "backpressure.dec" (func $backpressure.dec))))))
  (func (export "wait") async (result u32) (canon lift (core func $i "wait") async))
  (func (export "drop") (canon lift (core func $i "drop")))
  (func (export "inc") (param "n" u32) (canon lift (core func $i "inc")))
  (func (export "dec") (canon lift (core func $i "dec"))))
(component instance $l1 $limits)
(assert_return (invoke "wait") (u32.const 0))
(assert_trap (invoke "drop") "cannot drop waitable set with waiters")
(component instance $l2 $limits)
(assert_return (invoke "inc" (u32.const 65535)))
(assert_trap (invoke "inc" (u32.const 65536)) "backpressure counter overflow")
(component instance $l3 $limits)
(assert_trap (invoke "dec") "backpressure counter overflow")

;; Validation of async options and types.
(assert_invalid
  (component
    (core module $m (func (export "f")))
    (core instance $i (instantiate $m))
    (func (export "f") (canon lift (core func $i "f") async)))
  "the `async` canonical option requires an async function type")
(assert_invalid
  (component
    (core module $m
      (func (export "f") (result i32) unreachable)
      (func (export "cb") (param i32 i32) (result i32) unreachable))
    (core instance $i (instantiate $m))
    (func (export "f") async (canon lift (core func $i "f") async (callback (core func $i "cb")))))
  "the `callback` function has type")
(assert_invalid
  (component
    (core module $m (func (export "f")) (func (export "pr")))
    (core instance $i (instantiate $m))
    (func (export "f") async
      (canon lift (core func $i "f") async (post-return (core func $i "pr")))))
  "cannot be used with `async`")
(assert_invalid
  (component
    (type $s (stream char)))
  "`stream<char>` is not valid")
