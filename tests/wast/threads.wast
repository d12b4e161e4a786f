;; Cooperative threads: thread.index, thread.new-indirect (new threads start
;; suspended), thread.resume-later, thread.suspend, thread.yield and the
;; thread.*-then-{resume,promote} switches, a task that ends with its last
;; thread, the traps of each built-in, and the rules for blocking inside a
;; sync-typed call. The log is a number whose digits say in which order the
;; threads ran.
(component definition $T
  (core module $Table
    (table (export "t") 3 funcref))
  (core instance $table (instantiate $Table))
  (core type $start (func (param i32)))
  (core func $task.return (canon task.return (result u32)))
  (core func $index (canon thread.index))
  (core func $new (canon thread.new-indirect $start (core table $table "t")))
  (core func $resume-later (canon thread.resume-later))
  (core func $suspend (canon thread.suspend))
  (core func $yield (canon thread.yield))
  (core func $suspend-then-resume (canon thread.suspend-then-resume))
  (core func $yield-then-resume (canon thread.yield-then-resume))
  (core func $yield-then-promote (canon thread.yield-then-promote))
  (core func $suspend-then-promote (canon thread.suspend-then-promote))
  (core module $m
    (import "" "t" (table 3 funcref))
    (import "" "task.return" (func $task.return (param i32)))
    (import "" "index" (func $index (result i32)))
    (import "" "new" (func $new (param i32 i32) (result i32)))
    (import "" "resume-later" (func $resume-later (param i32)))
    (import "" "suspend" (func $suspend (result i32)))
    (import "" "yield" (func $yield (result i32)))
    (import "" "suspend-then-resume" (func $suspend-then-resume (param i32) (result i32)))
    (import "" "yield-then-resume" (func $yield-then-resume (param i32) (result i32)))
    (import "" "yield-then-promote" (func $yield-then-promote (param i32) (result i32)))
    (import "" "suspend-then-promote" (func $suspend-then-promote (param i32) (result i32)))
    ;; entry 0 starts a thread; entry 1 has the wrong type for one; 2 is null
    (elem (table 0) (i32.const 0) func $child $wrong-type)

    (global $log (mut i32) (i32.const 0))
    (global $main (mut i32) (i32.const 0))
    (global $child-index (mut i32) (i32.const 0))

    (func $note (param i32)
      (global.set $log (i32.add (i32.mul (global.get $log) (i32.const 10)) (local.get 0))))

    ;; What a new thread does depends on its argument:
    ;;   2, 8: note it, exit
    ;;   5: note it, let the main thread go on later, exit
    ;;   7: remember its index, exit
    ;;   9: return 99 for the task, exit
    (func $child (param $c i32)
      (if (i32.eq (local.get $c) (i32.const 7))
        (then (global.set $child-index (call $index)) (return)))
      (if (i32.eq (local.get $c) (i32.const 9))
        (then (call $task.return (i32.const 99)) (return)))
      (call $note (local.get $c))
      (if (i32.eq (local.get $c) (i32.const 5))
        (then (call $resume-later (global.get $main)))))
    (func $wrong-type)

    (func $return-log (call $task.return (global.get $log)))

    ;; A new thread waits until it is resumed: yield-then-resume runs it.
    (func (export "new-then-resume")
      (local $t i32)
      (call $note (i32.const 1))
      (local.set $t (call $new (i32.const 0) (i32.const 2)))
      (if (i32.ne (global.get $log) (i32.const 1)) (then unreachable))
      (drop (call $yield-then-resume (local.get $t)))
      (call $note (i32.const 3))
      (call $return-log))

    ;; resume-later makes it ready: it runs at the next yield.
    (func (export "resume-later")
      (local $t i32)
      (call $note (i32.const 1))
      (local.set $t (call $new (i32.const 0) (i32.const 2)))
      (call $resume-later (local.get $t))
      (call $note (i32.const 3))
      (drop (call $yield))
      (call $note (i32.const 4))
      (call $return-log))

    ;; suspend-then-resume: this thread sleeps until the child wakes it.
    (func (export "suspend-then-resume")
      (global.set $main (call $index))
      (call $note (i32.const 1))
      (drop (call $suspend-then-resume (call $new (i32.const 0) (i32.const 5))))
      (call $note (i32.const 6))
      (call $return-log))

    ;; Every thread has its own index.
    (func (export "index")
      (local $t i32)
      (local.set $t (call $new (i32.const 0) (i32.const 7)))
      (if (i32.eq (local.get $t) (call $index)) (then unreachable))
      (drop (call $yield-then-resume (local.get $t)))
      (if (i32.ne (global.get $child-index) (local.get $t)) (then unreachable))
      (call $task.return (i32.const 1)))

    ;; The implicit thread exits first; the child returns the result.
    (func (export "last-thread-returns")
      (call $resume-later (call $new (i32.const 0) (i32.const 9))))

    ;; yield-then-promote switches to a ready thread, and only yields when
    ;; the thread is not ready (a new one is suspended, not ready).
    (func (export "promote")
      (local $t i32)
      (call $note (i32.const 1))
      (local.set $t (call $new (i32.const 0) (i32.const 8)))
      (call $resume-later (local.get $t))
      (drop (call $yield-then-promote (local.get $t)))
      (call $note (i32.const 2))
      (local.set $t (call $new (i32.const 0) (i32.const 8)))
      (drop (call $yield-then-promote (local.get $t)))
      (call $note (i32.const 3))
      (drop (call $yield-then-resume (local.get $t)))
      (call $return-log))

    ;; suspend-then-promote switches to a ready thread, which wakes this one.
    (func (export "suspend-then-promote")
      (local $t i32)
      (global.set $main (call $index))
      (local.set $t (call $new (i32.const 0) (i32.const 5)))
      (call $resume-later (local.get $t))
      (drop (call $suspend-then-promote (local.get $t)))
      (call $note (i32.const 6))
      (call $return-log))

    ;; Traps.
    (func (export "resume-running") (call $resume-later (call $index)))
    (func (export "unknown-thread") (call $resume-later (i32.const 99)))
    (func (export "resume-twice")
      (local $t i32)
      (local.set $t (call $new (i32.const 0) (i32.const 2)))
      (call $resume-later (local.get $t))
      (call $resume-later (local.get $t)))
    (func (export "null-entry") (drop (call $new (i32.const 2) (i32.const 0))))
    (func (export "past-the-table") (drop (call $new (i32.const 3) (i32.const 0))))
    (func (export "wrong-type") (drop (call $new (i32.const 1) (i32.const 0))))
    (func (export "no-result")
      (call $resume-later (call $new (i32.const 0) (i32.const 2))))

    ;; A sync-typed task may block while another thread of its instance can
    ;; run: the child wakes it.
    (func (export "sync-suspend") (result i32)
      (global.set $main (call $index))
      (call $resume-later (call $new (i32.const 0) (i32.const 5)))
      (drop (call $suspend))
      (global.get $log))
    ;; ... and traps when none can.
    (func (export "sync-suspend-alone") (drop (call $suspend))))
  (core instance $i (instantiate $m (with "" (instance
    (export "t" (table $table "t"))
    (export "task.return" (func $task.return))
    (export "index" (func $index))
    (export "new" (func $new))
    (export "resume-later" (func $resume-later))
    (export "suspend" (func $suspend))
    (export "yield" (func $yield))
    (export "suspend-then-resume" (func $suspend-then-resume))
    (export "yield-then-resume" (func $yield-then-resume))
    (export "yield-then-promote" (func $yield-then-promote))
    (export "suspend-then-promote" (func $suspend-then-promote))))))
  (func (export "new-then-resume") async (result u32) (canon lift (core func $i "new-then-resume") async))
  (func (export "resume-later") async (result u32) (canon lift (core func $i "resume-later") async))
  (func (export "suspend-then-resume") async (result u32)
    (canon lift (core func $i "suspend-then-resume") async))
  (func (export "index") async (result u32) (canon lift (core func $i "index") async))
  (func (export "last-thread-returns") async (result u32)
    (canon lift (core func $i "last-thread-returns") async))
  (func (export "promote") async (result u32) (canon lift (core func $i "promote") async))
  (func (export "suspend-then-promote") async (result u32)
    (canon lift (core func $i "suspend-then-promote") async))
  (func (export "resume-running") async (result u32) (canon lift (core func $i "resume-running") async))
  (func (export "unknown-thread") async (result u32) (canon lift (core func $i "unknown-thread") async))
  (func (export "resume-twice") async (result u32) (canon lift (core func $i "resume-twice") async))
  (func (export "null-entry") async (result u32) (canon lift (core func $i "null-entry") async))
  (func (export "past-the-table") async (result u32)
    (canon lift (core func $i "past-the-table") async))
  (func (export "wrong-type") async (result u32) (canon lift (core func $i "wrong-type") async))
  (func (export "no-result") async (result u32) (canon lift (core func $i "no-result") async))
  (func (export "sync-suspend") (result u32) (canon lift (core func $i "sync-suspend")))
  (func (export "sync-suspend-alone") (canon lift (core func $i "sync-suspend-alone"))))

(component instance $T)
(assert_return (invoke "new-then-resume") (u32.const 123))
(component instance $T)
(assert_return (invoke "resume-later") (u32.const 1324))
(component instance $T)
(assert_return (invoke "suspend-then-resume") (u32.const 156))
(component instance $T)
(assert_return (invoke "index") (u32.const 1))
(component instance $T)
(assert_return (invoke "last-thread-returns") (u32.const 99))
(component instance $T)
(assert_return (invoke "promote") (u32.const 18238))
(component instance $T)
(assert_return (invoke "suspend-then-promote") (u32.const 56))
(component instance $T)
(assert_return (invoke "sync-suspend") (u32.const 5))

(component instance $T)
(assert_trap (invoke "resume-running") "is not suspended")
(component instance $T)
(assert_trap (invoke "unknown-thread") "unknown thread index 99")
(component instance $T)
(assert_trap (invoke "resume-twice") "is not suspended")
(component instance $T)
(assert_trap (invoke "null-entry") "uninitialized element 2")
(component instance $T)
(assert_trap (invoke "past-the-table") "table index 3 out of range")
(component instance $T)
(assert_trap (invoke "wrong-type") "indirect call type mismatch")
(component instance $T)
(assert_trap (invoke "no-result") "async-lifted export failed to produce a result")
(component instance $T)
(assert_trap (invoke "sync-suspend-alone") "cannot block a synchronous task before returning")

;; A sync-typed task that blocks never runs the implicit thread of a task
;; that needs the instance's stack (a callback lift of an async function),
;; even a ready one: it deadlocks instead.
(component
  (core module $m
    (import "" "task.return" (func $task.return (param i32)))
    (import "" "suspend" (func $suspend (result i32)))
    (global $in-sync (mut i32) (i32.const 0))
    ;; resolves, then yields forever
    (func (export "park") (result i32)
      (call $task.return (i32.const 1))
      (i32.const 1))
    (func (export "park-cb") (param i32 i32 i32) (result i32)
      (if (global.get $in-sync) (then unreachable))
      (i32.const 1))
    (func (export "sync-block")
      (global.set $in-sync (i32.const 1))
      (drop (call $suspend))))
  (core func $task.return (canon task.return (result u32)))
  (core func $suspend (canon thread.suspend))
  (core instance $i (instantiate $m (with "" (instance
    (export "task.return" (func $task.return))
    (export "suspend" (func $suspend))))))
  (func (export "park") async (result u32)
    (canon lift (core func $i "park") async (callback (core func $i "park-cb"))))
  (func (export "sync-block") (canon lift (core func $i "sync-block"))))
(assert_return (invoke "park") (u32.const 1))
(assert_trap (invoke "sync-block") "deadlock detected: event loop cannot make further progress")
