;; Every shape of adapter with an async side, through every lift kind.
;;
;; $callee exports three async-typed functions `(param u32) (result u32)`
;; that return their argument plus one: `cb` (async with a callback, which
;; yields once before it returns), `stackful` (async without a callback,
;; which yields with thread.yield first) and `plain` (lifted without
;; `async`), plus `echo`, a callback-lifted `(param string) (result string)`
;; that returns its argument, to move values through both memories.
;;
;; $caller lowers each of them twice, sync and async, and exports async-typed
;; (stackful) `run-*` functions that call one lowering and return what it
;; gave; the async lowerings wait for their subtask's event when the call
;; did not return at once.
(component definition $shapes
  (component $callee
    (core module $libc
      (memory (export "mem") 1)
      (global $next (mut i32) (i32.const 1024))
      (func (export "realloc") (param i32 i32 i32 i32) (result i32)
        (local $p i32)
        (local.set $p (global.get $next))
        (global.set $next (i32.add (global.get $next) (i32.add (local.get 3) (i32.const 8))))
        (local.get $p)))
    (core instance $libc (instantiate $libc))
    (core module $m
      (import "" "mem" (memory 1))
      (import "" "task.return" (func $task.return (param i32)))
      (import "" "task.return-string" (func $task.return-string (param i32 i32)))
      (import "" "thread.yield" (func $thread.yield (result i32)))
      (global $pending (mut i32) (i32.const 0))
      ;; cb: yield once, then return p + 1 from the callback
      (func (export "cb") (param $p i32) (result i32)
        (global.set $pending (i32.add (local.get $p) (i32.const 1)))
        (i32.const 1 (; YIELD ;)))
      (func (export "cb-callback") (param i32 i32 i32) (result i32)
        (call $task.return (global.get $pending))
        (i32.const 0 (; EXIT ;)))
      ;; stackful: yield, then return p + 1
      (func (export "stackful") (param $p i32)
        (drop (call $thread.yield))
        (call $task.return (i32.add (local.get $p) (i32.const 1))))
      ;; plain: a sync lift of an async-typed function
      (func (export "plain") (param $p i32) (result i32)
        (i32.add (local.get $p) (i32.const 1)))
      ;; echo: the string straight back
      (func (export "echo") (param $ptr i32) (param $len i32) (result i32)
        (call $task.return-string (local.get $ptr) (local.get $len))
        (i32.const 0 (; EXIT ;)))
      (func (export "unreachable-callback") (param i32 i32 i32) (result i32) unreachable))
    (core func $task.return (canon task.return (result u32)))
    (core func $task.return-string
      (canon task.return (result string) (memory (core memory $libc "mem"))))
    (core func $thread.yield (canon thread.yield))
    (core instance $i (instantiate $m (with "" (instance
      (export "mem" (memory $libc "mem"))
      (export "task.return" (func $task.return))
      (export "task.return-string" (func $task.return-string))
      (export "thread.yield" (func $thread.yield))))))
    (func (export "cb") async (param "p" u32) (result u32)
      (canon lift (core func $i "cb") async (callback (core func $i "cb-callback"))))
    (func (export "stackful") async (param "p" u32) (result u32)
      (canon lift (core func $i "stackful") async))
    (func (export "plain") async (param "p" u32) (result u32)
      (canon lift (core func $i "plain")))
    (func (export "echo") async (param "s" string) (result string)
      (canon lift (core func $i "echo") async (callback (core func $i "unreachable-callback"))
        (memory (core memory $libc "mem")) (realloc (core func $libc "realloc")))))

  (component $caller
    (import "callee" (instance $callee
      (export "cb" (func async (param "p" u32) (result u32)))
      (export "stackful" (func async (param "p" u32) (result u32)))
      (export "plain" (func async (param "p" u32) (result u32)))
      (export "echo" (func async (param "s" string) (result string)))))
    (core module $libc
      (memory (export "mem") 1)
      (global $next (mut i32) (i32.const 2048))
      (func (export "realloc") (param i32 i32 i32 i32) (result i32)
        (local $p i32)
        (local.set $p (global.get $next))
        (global.set $next (i32.add (global.get $next) (i32.add (local.get 3) (i32.const 8))))
        (local.get $p)))
    (core instance $libc (instantiate $libc))
    (core func $sync-cb (canon lower (func $callee "cb")))
    (core func $sync-stackful (canon lower (func $callee "stackful")))
    (core func $sync-plain (canon lower (func $callee "plain")))
    (core func $async-cb (canon lower (func $callee "cb") async (memory (core memory $libc "mem"))))
    (core func $async-stackful
      (canon lower (func $callee "stackful") async (memory (core memory $libc "mem"))))
    (core func $async-plain
      (canon lower (func $callee "plain") async (memory (core memory $libc "mem"))))
    (core func $sync-echo (canon lower (func $callee "echo") (memory (core memory $libc "mem"))
      (realloc (core func $libc "realloc"))))
    (core func $task.return (canon task.return (result u32)))
    (core func $waitable-set.new (canon waitable-set.new))
    (core func $waitable-set.wait
      (canon waitable-set.wait (memory (core memory $libc "mem"))))
    (core func $waitable.join (canon waitable.join))
    (core func $subtask.drop (canon subtask.drop))
    (core module $m
      (import "" "mem" (memory 1))
      (import "" "sync-cb" (func $sync-cb (param i32) (result i32)))
      (import "" "sync-stackful" (func $sync-stackful (param i32) (result i32)))
      (import "" "sync-plain" (func $sync-plain (param i32) (result i32)))
      (import "" "async-cb" (func $async-cb (param i32 i32) (result i32)))
      (import "" "async-stackful" (func $async-stackful (param i32 i32) (result i32)))
      (import "" "async-plain" (func $async-plain (param i32 i32) (result i32)))
      (import "" "sync-echo" (func $sync-echo (param i32 i32 i32)))
      (import "" "task.return" (func $task.return (param i32)))
      (import "" "waitable-set.new" (func $waitable-set.new (result i32)))
      (import "" "waitable-set.wait" (func $waitable-set.wait (param i32 i32) (result i32)))
      (import "" "waitable.join" (func $waitable.join (param i32 i32)))
      (import "" "subtask.drop" (func $subtask.drop (param i32)))
      ;; The result of an async call whose status is `$status`, written at 0:
      ;; waits for the subtask's RETURNED event unless it returned at once.
      (func $finish (param $status i32) (result i32)
        (local $ws i32)
        (if (i32.ne (i32.and (local.get $status) (i32.const 0xf)) (i32.const 2 (; RETURNED ;)))
          (then
            (local.set $ws (call $waitable-set.new))
            (call $waitable.join (i32.shr_u (local.get $status) (i32.const 4)) (local.get $ws))
            (loop $wait
              (drop (call $waitable-set.wait (local.get $ws) (i32.const 16)))
              ;; the event's payload: subtask index at 16, its state at 20
              (br_if $wait (i32.ne (i32.load (i32.const 20)) (i32.const 2))))
            (call $waitable.join (i32.shr_u (local.get $status) (i32.const 4)) (i32.const 0))
            (call $subtask.drop (i32.shr_u (local.get $status) (i32.const 4)))))
        (i32.load (i32.const 0)))
      (func (export "run-sync-cb") (param $p i32)
        (call $task.return (call $sync-cb (local.get $p))))
      (func (export "run-sync-stackful") (param $p i32)
        (call $task.return (call $sync-stackful (local.get $p))))
      (func (export "run-sync-plain") (param $p i32)
        (call $task.return (call $sync-plain (local.get $p))))
      (func (export "run-async-cb") (param $p i32)
        (call $task.return (call $finish (call $async-cb (local.get $p) (i32.const 0)))))
      (func (export "run-async-stackful") (param $p i32)
        (call $task.return (call $finish (call $async-stackful (local.get $p) (i32.const 0)))))
      (func (export "run-async-plain") (param $p i32)
        (call $task.return (call $finish (call $async-plain (local.get $p) (i32.const 0)))))
      ;; echo "hello" (at 100) and return its length plus 1000 * its first byte
      (func (export "run-echo") (param i32)
        (i32.store (i32.const 100) (i32.const 0x6c6c6568))
        (i32.store8 (i32.const 104) (i32.const 0x6f))
        (call $sync-echo (i32.const 100) (i32.const 5) (i32.const 32))
        (call $task.return
          (i32.add (i32.load (i32.const 36))
                   (i32.mul (i32.load8_u (i32.load (i32.const 32))) (i32.const 1000))))))
    (core instance $i (instantiate $m (with "" (instance
      (export "mem" (memory $libc "mem"))
      (export "sync-cb" (func $sync-cb))
      (export "sync-stackful" (func $sync-stackful))
      (export "sync-plain" (func $sync-plain))
      (export "async-cb" (func $async-cb))
      (export "async-stackful" (func $async-stackful))
      (export "async-plain" (func $async-plain))
      (export "sync-echo" (func $sync-echo))
      (export "task.return" (func $task.return))
      (export "waitable-set.new" (func $waitable-set.new))
      (export "waitable-set.wait" (func $waitable-set.wait))
      (export "waitable.join" (func $waitable.join))
      (export "subtask.drop" (func $subtask.drop))))))
    (func (export "run-sync-cb") async (param "p" u32) (result u32)
      (canon lift (core func $i "run-sync-cb") async))
    (func (export "run-sync-stackful") async (param "p" u32) (result u32)
      (canon lift (core func $i "run-sync-stackful") async))
    (func (export "run-sync-plain") async (param "p" u32) (result u32)
      (canon lift (core func $i "run-sync-plain") async))
    (func (export "run-async-cb") async (param "p" u32) (result u32)
      (canon lift (core func $i "run-async-cb") async))
    (func (export "run-async-stackful") async (param "p" u32) (result u32)
      (canon lift (core func $i "run-async-stackful") async))
    (func (export "run-async-plain") async (param "p" u32) (result u32)
      (canon lift (core func $i "run-async-plain") async))
    (func (export "run-echo") async (param "p" u32) (result u32)
      (canon lift (core func $i "run-echo") async)))

  (instance $callee (instantiate $callee))
  (instance $caller (instantiate $caller (with "callee" (instance $callee))))
  (export "run-sync-cb" (func $caller "run-sync-cb"))
  (export "run-sync-stackful" (func $caller "run-sync-stackful"))
  (export "run-sync-plain" (func $caller "run-sync-plain"))
  (export "run-async-cb" (func $caller "run-async-cb"))
  (export "run-async-stackful" (func $caller "run-async-stackful"))
  (export "run-async-plain" (func $caller "run-async-plain"))
  (export "run-echo" (func $caller "run-echo"))
  (export "cb" (func $callee "cb"))
  (export "stackful" (func $callee "stackful"))
  (export "plain" (func $callee "plain"))
  (export "echo" (func $callee "echo")))

(component instance $s $shapes)
;; sync lower -> callback lift, stackful lift, sync lift
(assert_return (invoke "run-sync-cb" (u32.const 1)) (u32.const 2))
(assert_return (invoke "run-sync-stackful" (u32.const 10)) (u32.const 11))
(assert_return (invoke "run-sync-plain" (u32.const 20)) (u32.const 21))
;; async lower -> callback lift, stackful lift, sync lift
(assert_return (invoke "run-async-cb" (u32.const 30)) (u32.const 31))
(assert_return (invoke "run-async-stackful" (u32.const 40)) (u32.const 41))
(assert_return (invoke "run-async-plain" (u32.const 50)) (u32.const 51))
;; a string through [async-start] and [async-return]: length 5, 'h' = 104
(assert_return (invoke "run-echo" (u32.const 0)) (u32.const 104005))
;; every lift kind called from the host
(assert_return (invoke "cb" (u32.const 7)) (u32.const 8))
(assert_return (invoke "stackful" (u32.const 8)) (u32.const 9))
(assert_return (invoke "plain" (u32.const 9)) (u32.const 10))
(assert_return (invoke "echo" (str.const "héllo")) (str.const "héllo"))
