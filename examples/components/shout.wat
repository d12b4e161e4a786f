;; Two components composed: `upper` exports `shout`, which upper-cases the
;; ASCII letters of a UTF-8 string; `greeter` works in UTF-16, imports
;; `shout` and exports `greet`, which passes its argument to `shout`. The
;; fused adapter between them transcodes UTF-16 to UTF-8 and back.
;;
;;   fact run examples/components/shout.wasm --invoke 'greet("hello, wörld")'
;;   "HELLO, WöRLD"
(component
  (component $upper
    (core module $m
      (memory (export "memory") 1)
      (global $heap (mut i32) (i32.const 1024))
      (func $realloc (export "realloc") (param $old i32) (param $old-size i32) (param $align i32) (param $size i32) (result i32)
        (local $ptr i32)
        (local.set $ptr (i32.and (i32.add (global.get $heap) (i32.sub (local.get $align) (i32.const 1)))
                                 (i32.sub (i32.const 0) (local.get $align))))
        (global.set $heap (i32.add (local.get $ptr) (local.get $size)))
        ;; A real realloc: the old bytes move along (transcoding adapters grow buffers).
        (if (local.get $old-size)
          (then (memory.copy (local.get $ptr) (local.get $old)
                  (select (local.get $old-size) (local.get $size) (i32.lt_u (local.get $old-size) (local.get $size))))))
        (local.get $ptr))
      (func (export "shout") (param $p i32) (param $n i32) (result i32)
        (local $out i32) (local $i i32) (local $c i32)
        (local.set $out (call $realloc (i32.const 0) (i32.const 0) (i32.const 1) (local.get $n)))
        (block $done
          (loop $next
            (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
            (local.set $c (i32.load8_u (i32.add (local.get $p) (local.get $i))))
            (if (i32.and (i32.ge_u (local.get $c) (i32.const 97)) (i32.le_u (local.get $c) (i32.const 122)))
              (then (local.set $c (i32.sub (local.get $c) (i32.const 32)))))
            (i32.store8 (i32.add (local.get $out) (local.get $i)) (local.get $c))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $next)))
        (i32.store (i32.const 16) (local.get $out))
        (i32.store (i32.const 20) (local.get $n))
        (i32.const 16)))
    (core instance $i (instantiate $m))
    (alias core export $i "memory" (core memory $mem))
    (alias core export $i "realloc" (core func $realloc))
    (func (export "shout") (param "s" string) (result string)
      (canon lift (core func $i "shout") (memory $mem) (realloc $realloc))))

  (component $greeter
    (import "shout" (func $shout (param "s" string) (result string)))
    (core module $heap
      (memory (export "memory") 1)
      (global $heap (mut i32) (i32.const 1024))
      (func (export "realloc") (param $old i32) (param $old-size i32) (param $align i32) (param $size i32) (result i32)
        (local $ptr i32)
        (local.set $ptr (i32.and (i32.add (global.get $heap) (i32.sub (local.get $align) (i32.const 1)))
                                 (i32.sub (i32.const 0) (local.get $align))))
        (global.set $heap (i32.add (local.get $ptr) (local.get $size)))
        ;; A real realloc: the old bytes move along (transcoding adapters grow buffers).
        (if (local.get $old-size)
          (then (memory.copy (local.get $ptr) (local.get $old)
                  (select (local.get $old-size) (local.get $size) (i32.lt_u (local.get $old-size) (local.get $size))))))
        (local.get $ptr)))
    (core instance $h (instantiate $heap))
    (alias core export $h "memory" (core memory $mem))
    (alias core export $h "realloc" (core func $realloc))
    (core func $shout-lowered
      (canon lower (func $shout) (memory $mem) (realloc $realloc) string-encoding=utf16))
    (core module $main
      (import "env" "memory" (memory 1))
      (import "env" "shout" (func $shout (param i32 i32 i32)))
      (func (export "greet") (param i32 i32) (result i32)
        (call $shout (local.get 0) (local.get 1) (i32.const 8))
        (i32.const 8)))
    (core instance $i
      (instantiate $main
        (with "env" (instance (export "memory" (memory $mem)) (export "shout" (func $shout-lowered))))))
    (func (export "greet") (param "name" string) (result string)
      (canon lift (core func $i "greet") (memory $mem) (realloc $realloc) string-encoding=utf16)))

  (instance $upper (instantiate $upper))
  (instance $greeter (instantiate $greeter (with "shout" (func $upper "shout"))))
  (export "greet" (func $greeter "greet")))
