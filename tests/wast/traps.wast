;; Traps and their messages (the texts Wasmtime's FACT reports; the codes are
;; in docs/import-abi.md). One definition holds every misbehaving component; each trap happens
;; in a fresh instance of it, because a trap leaves an instance unusable.
;;
;; `callee` lifts functions whose core code breaks the Canonical ABI (an
;; invalid char or discriminant, a misaligned or out-of-bounds pointer, an
;; `unreachable`), and its realloc misbehaves on request (`set-realloc`).
;; `caller` lowers them all and forwards, so every trap is raised by the
;; adapter between the two (or by the callee's core code), never by the
;; host's own lifting at the root. Its `raw-*` exports pass a u32 where the
;; callee expects a char, an enum or an option, so that invalid values cross
;; in the argument direction too; its realloc can misbehave as well.
;; `parent` lifts `g` and gives it to its child, whose `f` calls it: entering
;; the child enters the parent, so the call back into the parent re-enters
;; it. `self` lowers its own export and calls it.
(component definition $traps
  (component $callee
    (core module $m
      (memory (export "memory") 1)
      (global $heap (mut i32) (i32.const 1024))
      (global $mode (mut i32) (i32.const 0))
      ;; mode 0: a bump allocator; 1: a block that ends past the memory;
      ;; 2: a pointer one byte off the requested alignment.
      (func (export "realloc") (param i32 i32 i32 i32) (result i32)
        (local $p i32)
        (if (i32.eq (global.get $mode) (i32.const 1)) (then (return (i32.const 65532))))
        (local.set $p (i32.and (i32.add (global.get $heap) (i32.const 7)) (i32.const -8)))
        (global.set $heap (i32.add (i32.add (local.get $p) (local.get 3)) (i32.const 8)))
        (if (i32.eq (global.get $mode) (i32.const 2)) (then (return (i32.add (local.get $p) (i32.const 1)))))
        (local.get $p))
      (func (export "set-realloc") (param i32) (global.set $mode (local.get 0)))
      (func (export "surrogate") (result i32) (i32.const 0xd800))
      (func (export "too-big-char") (result i32) (i32.const 0x110000))
      (func (export "bad-enum") (result i32) (i32.const 3))
      (func (export "bad-option") (result i32)
        (i32.store8 (i32.const 16) (i32.const 2)) (i32.const 16))
      (func (export "bad-variant") (result i32)
        (i32.store8 (i32.const 16) (i32.const 0xff)) (i32.const 16))
      (func (export "bad-result") (result i32)
        (i32.store8 (i32.const 16) (i32.const 2)) (i32.const 16))
      (func (export "list-unaligned") (result i32)
        (i32.store (i32.const 16) (i32.const 1026))
        (i32.store (i32.const 20) (i32.const 1))
        (i32.const 16))
      (func (export "string16-unaligned") (result i32)
        (i32.store (i32.const 16) (i32.const 1025))
        (i32.store (i32.const 20) (i32.const 1))
        (i32.const 16))
      (func (export "string-oob") (result i32)
        (i32.store (i32.const 16) (i32.const 65530))
        (i32.store (i32.const 20) (i32.const 7))
        (i32.const 16))
      (func (export "list-oob") (result i32)
        (i32.store (i32.const 16) (i32.const 65528))
        (i32.store (i32.const 20) (i32.const 3))
        (i32.const 16))
      (func (export "hello") (result i32)
        (i32.store (i32.const 16) (i32.const 32))
        (i32.store (i32.const 20) (i32.const 5))
        (i32.const 16))
      (data (i32.const 32) "hello")
      (func (export "numbers") (result i32)
        (i32.store (i32.const 16) (i32.const 48))
        (i32.store (i32.const 20) (i32.const 2))
        (i32.const 16))
      (data (i32.const 48) "\01\00\00\00\02\00\00\00")
      (func (export "retptr-oob") (result i32) (i32.const 65532))
      (func (export "retptr-unaligned") (result i32) (i32.const 18))
      (func (export "unreachable") (result i32) unreachable)
      (func (export "take-string") (param i32 i32) (result i32) (local.get 1))
      (func (export "take-list") (param i32 i32) (result i32) (local.get 1))
      (func (export "take-many") (param i32) (result i32) (i32.load (local.get 0)))
      (func (export "take-i32") (param i32) (result i32) (local.get 0))
      (func (export "take-option") (param i32 i32) (result i32) (local.get 1)))
    (core instance $i (instantiate $m))
    (alias core export $i "memory" (core memory $mem))
    (alias core export $i "realloc" (core func $realloc))
    (type $color' (enum "red" "green" "blue"))
    (export $color "color" (type $color'))
    (type $shape' (variant (case "circle" f32) (case "named" string)))
    (export $shape "shape" (type $shape'))
    (func (export "set-realloc") (param "mode" u32) (canon lift (core func $i "set-realloc")))
    (func (export "surrogate") (result char) (canon lift (core func $i "surrogate")))
    (func (export "too-big-char") (result char) (canon lift (core func $i "too-big-char")))
    (func (export "bad-enum") (result $color) (canon lift (core func $i "bad-enum")))
    (func (export "bad-option") (result (option u32)) (canon lift (core func $i "bad-option") (memory $mem)))
    (func (export "bad-variant") (result $shape) (canon lift (core func $i "bad-variant") (memory $mem)))
    (func (export "bad-result") (result (result u32 (error u32))) (canon lift (core func $i "bad-result") (memory $mem)))
    (func (export "list-unaligned") (result (list u32)) (canon lift (core func $i "list-unaligned") (memory $mem)))
    (func (export "string16-unaligned") (result string)
      (canon lift (core func $i "string16-unaligned") string-encoding=utf16 (memory $mem)))
    (func (export "string-oob") (result string) (canon lift (core func $i "string-oob") (memory $mem)))
    (func (export "list-oob") (result (list u32)) (canon lift (core func $i "list-oob") (memory $mem)))
    (func (export "hello") (result string) (canon lift (core func $i "hello") (memory $mem)))
    (func (export "numbers") (result (list u32)) (canon lift (core func $i "numbers") (memory $mem)))
    (func (export "retptr-oob") (result (tuple u32 u32)) (canon lift (core func $i "retptr-oob") (memory $mem)))
    (func (export "retptr-unaligned") (result (tuple u32 u32)) (canon lift (core func $i "retptr-unaligned") (memory $mem)))
    (func (export "unreachable") (result u32) (canon lift (core func $i "unreachable")))
    (func (export "take-string") (param "s" string) (result u32)
      (canon lift (core func $i "take-string") (memory $mem) (realloc $realloc)))
    (func (export "take-list") (param "l" (list u32)) (result u32)
      (canon lift (core func $i "take-list") (memory $mem) (realloc $realloc)))
    (func (export "take-many")
      (param "p0" u32) (param "p1" u32) (param "p2" u32) (param "p3" u32) (param "p4" u32) (param "p5" u32)
      (param "p6" u32) (param "p7" u32) (param "p8" u32) (param "p9" u32) (param "p10" u32) (param "p11" u32)
      (param "p12" u32) (param "p13" u32) (param "p14" u32) (param "p15" u32) (param "p16" u32) (result u32)
      (canon lift (core func $i "take-many") (memory $mem) (realloc $realloc)))
    (func (export "take-char") (param "c" char) (result u32) (canon lift (core func $i "take-i32")))
    (func (export "take-enum") (param "e" $color) (result u32) (canon lift (core func $i "take-i32")))
    (func (export "take-option") (param "o" (option u8)) (result u32) (canon lift (core func $i "take-option"))))

  (component $caller
    (import "callee" (instance $c
      (type $color' (enum "red" "green" "blue"))
      (export "color" (type $color (eq $color')))
      (type $shape' (variant (case "circle" f32) (case "named" string)))
      (export "shape" (type $shape (eq $shape')))
      (export "surrogate" (func (result char)))
      (export "too-big-char" (func (result char)))
      (export "bad-enum" (func (result $color)))
      (export "bad-option" (func (result (option u32))))
      (export "bad-variant" (func (result $shape)))
      (export "bad-result" (func (result (result u32 (error u32)))))
      (export "list-unaligned" (func (result (list u32))))
      (export "string16-unaligned" (func (result string)))
      (export "string-oob" (func (result string)))
      (export "list-oob" (func (result (list u32))))
      (export "hello" (func (result string)))
      (export "numbers" (func (result (list u32))))
      (export "retptr-oob" (func (result (tuple u32 u32))))
      (export "retptr-unaligned" (func (result (tuple u32 u32))))
      (export "unreachable" (func (result u32)))
      (export "take-string" (func (param "s" string) (result u32)))
      (export "take-list" (func (param "l" (list u32)) (result u32)))
      (export "take-many" (func
        (param "p0" u32) (param "p1" u32) (param "p2" u32) (param "p3" u32) (param "p4" u32) (param "p5" u32)
        (param "p6" u32) (param "p7" u32) (param "p8" u32) (param "p9" u32) (param "p10" u32) (param "p11" u32)
        (param "p12" u32) (param "p13" u32) (param "p14" u32) (param "p15" u32) (param "p16" u32) (result u32)))
      (export "take-char" (func (param "c" char) (result u32)))
      (export "take-enum" (func (param "e" $color) (result u32)))
      (export "take-option" (func (param "o" (option u8)) (result u32)))))
    (alias export $c "color" (type $color'))
    (export $color "color" (type $color'))
    (alias export $c "shape" (type $shape'))
    (export $shape "shape" (type $shape'))
    (core module $libc
      (memory (export "memory") 1)
      (global $heap (mut i32) (i32.const 1024))
      (global $mode (mut i32) (i32.const 0))
      ;; As the callee's realloc.
      (func (export "realloc") (param i32 i32 i32 i32) (result i32)
        (local $p i32)
        (if (i32.eq (global.get $mode) (i32.const 1)) (then (return (i32.const 65532))))
        (local.set $p (i32.and (i32.add (global.get $heap) (i32.const 7)) (i32.const -8)))
        (global.set $heap (i32.add (i32.add (local.get $p) (local.get 3)) (i32.const 8)))
        (if (i32.eq (global.get $mode) (i32.const 2)) (then (return (i32.add (local.get $p) (i32.const 1)))))
        (local.get $p))
      (func (export "set-realloc") (param i32) (global.set $mode (local.get 0))))
    (core instance $libc (instantiate $libc))
    (alias core export $libc "memory" (core memory $mem))
    (alias core export $libc "realloc" (core func $realloc))
    (core func $surrogate (canon lower (func $c "surrogate")))
    (core func $too-big-char (canon lower (func $c "too-big-char")))
    (core func $bad-enum (canon lower (func $c "bad-enum")))
    (core func $bad-option (canon lower (func $c "bad-option") (memory $mem)))
    (core func $bad-variant (canon lower (func $c "bad-variant") (memory $mem) (realloc $realloc)))
    (core func $bad-result (canon lower (func $c "bad-result") (memory $mem)))
    (core func $list-unaligned (canon lower (func $c "list-unaligned") (memory $mem) (realloc $realloc)))
    (core func $string16-unaligned (canon lower (func $c "string16-unaligned") (memory $mem) (realloc $realloc)))
    (core func $string-oob (canon lower (func $c "string-oob") (memory $mem) (realloc $realloc)))
    (core func $list-oob (canon lower (func $c "list-oob") (memory $mem) (realloc $realloc)))
    (core func $hello (canon lower (func $c "hello") (memory $mem) (realloc $realloc)))
    (core func $numbers (canon lower (func $c "numbers") (memory $mem) (realloc $realloc)))
    (core func $retptr-oob (canon lower (func $c "retptr-oob") (memory $mem)))
    (core func $retptr-unaligned (canon lower (func $c "retptr-unaligned") (memory $mem)))
    (core func $unreachable (canon lower (func $c "unreachable")))
    (core func $take-string (canon lower (func $c "take-string") (memory $mem)))
    (core func $take-list (canon lower (func $c "take-list") (memory $mem)))
    (core func $take-many (canon lower (func $c "take-many") (memory $mem)))
    (core func $take-char (canon lower (func $c "take-char")))
    (core func $take-enum (canon lower (func $c "take-enum")))
    (core func $take-option (canon lower (func $c "take-option")))
    (core module $m
      (import "c" "surrogate" (func $surrogate (result i32)))
      (import "c" "too-big-char" (func $too-big-char (result i32)))
      (import "c" "bad-enum" (func $bad-enum (result i32)))
      (import "c" "bad-option" (func $bad-option (param i32)))
      (import "c" "bad-variant" (func $bad-variant (param i32)))
      (import "c" "bad-result" (func $bad-result (param i32)))
      (import "c" "list-unaligned" (func $list-unaligned (param i32)))
      (import "c" "string16-unaligned" (func $string16-unaligned (param i32)))
      (import "c" "string-oob" (func $string-oob (param i32)))
      (import "c" "list-oob" (func $list-oob (param i32)))
      (import "c" "hello" (func $hello (param i32)))
      (import "c" "numbers" (func $numbers (param i32)))
      (import "c" "retptr-oob" (func $retptr-oob (param i32)))
      (import "c" "retptr-unaligned" (func $retptr-unaligned (param i32)))
      (import "c" "unreachable" (func $unreachable (result i32)))
      (import "c" "take-string" (func $take-string (param i32 i32) (result i32)))
      (import "c" "take-list" (func $take-list (param i32 i32) (result i32)))
      (import "c" "take-many" (func $take-many (param i32) (result i32)))
      (import "c" "take-char" (func $take-char (param i32) (result i32)))
      (import "c" "take-enum" (func $take-enum (param i32) (result i32)))
      (import "c" "take-option" (func $take-option (param i32 i32) (result i32)))
      (import "libc" "memory" (memory 1))
      (func (export "surrogate") (result i32) (call $surrogate))
      (func (export "too-big-char") (result i32) (call $too-big-char))
      (func (export "bad-enum") (result i32) (call $bad-enum))
      (func (export "bad-option") (result i32) (call $bad-option (i32.const 64)) (i32.const 64))
      (func (export "bad-variant") (result i32) (call $bad-variant (i32.const 64)) (i32.const 64))
      (func (export "bad-result") (result i32) (call $bad-result (i32.const 64)) (i32.const 64))
      (func (export "list-unaligned") (result i32) (call $list-unaligned (i32.const 64)) (i32.const 64))
      (func (export "string16-unaligned") (result i32) (call $string16-unaligned (i32.const 64)) (i32.const 64))
      (func (export "string-oob") (result i32) (call $string-oob (i32.const 64)) (i32.const 64))
      (func (export "list-oob") (result i32) (call $list-oob (i32.const 64)) (i32.const 64))
      (func (export "hello") (result i32) (call $hello (i32.const 64)) (i32.const 64))
      (func (export "numbers") (result i32) (call $numbers (i32.const 64)) (i32.const 64))
      (func (export "retptr-oob") (result i32) (call $retptr-oob (i32.const 64)) (i32.const 64))
      (func (export "retptr-unaligned") (result i32) (call $retptr-unaligned (i32.const 64)) (i32.const 64))
      (func (export "unreachable") (result i32) (call $unreachable))
      ;; Ten bytes of "0123456789" at 128, for the string and the list.
      (data (i32.const 128) "0123456789abcdef")
      (func (export "take-string") (result i32) (call $take-string (i32.const 128) (i32.const 10)))
      (func (export "take-list") (result i32) (call $take-list (i32.const 128) (i32.const 4)))
      ;; 17 u32 parameters in memory at 256 (zeros).
      (func (export "take-many") (result i32) (call $take-many (i32.const 256)))
      (func (export "raw-take-char") (param i32) (result i32) (call $take-char (local.get 0)))
      (func (export "raw-take-enum") (param i32) (result i32) (call $take-enum (local.get 0)))
      (func (export "raw-take-option") (param i32 i32) (result i32) (call $take-option (local.get 0) (local.get 1))))
    (core instance $i (instantiate $m
      (with "libc" (instance $libc))
      (with "c" (instance
        (export "surrogate" (func $surrogate)) (export "too-big-char" (func $too-big-char))
        (export "bad-enum" (func $bad-enum)) (export "bad-option" (func $bad-option))
        (export "bad-variant" (func $bad-variant)) (export "bad-result" (func $bad-result))
        (export "list-unaligned" (func $list-unaligned)) (export "string16-unaligned" (func $string16-unaligned))
        (export "string-oob" (func $string-oob)) (export "list-oob" (func $list-oob))
        (export "hello" (func $hello)) (export "numbers" (func $numbers))
        (export "retptr-oob" (func $retptr-oob)) (export "retptr-unaligned" (func $retptr-unaligned))
        (export "unreachable" (func $unreachable))
        (export "take-string" (func $take-string)) (export "take-list" (func $take-list))
        (export "take-many" (func $take-many)) (export "take-char" (func $take-char))
        (export "take-enum" (func $take-enum)) (export "take-option" (func $take-option))))))
    (func (export "set-realloc") (param "mode" u32) (canon lift (core func $libc "set-realloc")))
    (func (export "surrogate") (result char) (canon lift (core func $i "surrogate")))
    (func (export "too-big-char") (result char) (canon lift (core func $i "too-big-char")))
    (func (export "bad-enum") (result $color) (canon lift (core func $i "bad-enum")))
    (func (export "bad-option") (result (option u32)) (canon lift (core func $i "bad-option") (memory $mem)))
    (func (export "bad-variant") (result $shape) (canon lift (core func $i "bad-variant") (memory $mem)))
    (func (export "bad-result") (result (result u32 (error u32))) (canon lift (core func $i "bad-result") (memory $mem)))
    (func (export "list-unaligned") (result (list u32)) (canon lift (core func $i "list-unaligned") (memory $mem)))
    (func (export "string16-unaligned") (result string) (canon lift (core func $i "string16-unaligned") (memory $mem)))
    (func (export "string-oob") (result string) (canon lift (core func $i "string-oob") (memory $mem)))
    (func (export "list-oob") (result (list u32)) (canon lift (core func $i "list-oob") (memory $mem)))
    (func (export "hello") (result string) (canon lift (core func $i "hello") (memory $mem)))
    (func (export "numbers") (result (list u32)) (canon lift (core func $i "numbers") (memory $mem)))
    (func (export "retptr-oob") (result (tuple u32 u32)) (canon lift (core func $i "retptr-oob") (memory $mem)))
    (func (export "retptr-unaligned") (result (tuple u32 u32)) (canon lift (core func $i "retptr-unaligned") (memory $mem)))
    (func (export "unreachable") (result u32) (canon lift (core func $i "unreachable")))
    (func (export "take-string") (result u32) (canon lift (core func $i "take-string")))
    (func (export "take-list") (result u32) (canon lift (core func $i "take-list")))
    (func (export "take-many") (result u32) (canon lift (core func $i "take-many")))
    (func (export "raw-take-char") (param "c" u32) (result u32) (canon lift (core func $i "raw-take-char")))
    (func (export "raw-take-enum") (param "e" u32) (result u32) (canon lift (core func $i "raw-take-enum")))
    (func (export "raw-take-option") (param "discriminant" u32) (param "payload" u32) (result u32)
      (canon lift (core func $i "raw-take-option"))))

  (component $parent
    (core module $m (func (export "g") (result i32) (i32.const 7)))
    (core instance $i (instantiate $m))
    (func $g (result u32) (canon lift (core func $i "g")))
    (component $child
      (import "g" (func $g (result u32)))
      (core func $g (canon lower (func $g)))
      (core module $m
        (import "parent" "g" (func $g (result i32)))
        (func (export "f") (result i32) (call $g)))
      (core instance $i (instantiate $m (with "parent" (instance (export "g" (func $g))))))
      (func (export "f") (result u32) (canon lift (core func $i "f"))))
    (instance $child (instantiate $child (with "g" (func $g))))
    (export "g" (func $g))
    (export "f" (func $child "f")))

  (component $self
    (core module $m (func (export "g") (result i32) (i32.const 7)))
    (core instance $i (instantiate $m))
    (func $g (result u32) (canon lift (core func $i "g")))
    (core func $g-lowered (canon lower (func $g)))
    (core module $u
      (import "self" "g" (func $g (result i32)))
      (func (export "run") (result i32) (call $g)))
    (core instance $u (instantiate $u (with "self" (instance (export "g" (func $g-lowered))))))
    (export "g" (func $g))
    (func (export "run") (result u32) (canon lift (core func $u "run"))))

  (instance $callee (instantiate $callee))
  (instance $caller (instantiate $caller (with "callee" (instance $callee))))
  (instance $parent (instantiate $parent))
  (instance $self (instantiate $self))
  (export "callee" (instance $callee))
  (export "c" (instance $caller))
  (export "parent" (instance $parent))
  (export "self" (instance $self)))

;; The same calls succeed when nothing is wrong.
(component instance $ok $traps)
(assert_return (invoke "c#hello") (str.const "hello"))
(assert_return (invoke "c#numbers") (list.const (u32.const 1) (u32.const 2)))
(assert_return (invoke "c#take-string") (u32.const 10))
(assert_return (invoke "c#take-list") (u32.const 4))
(assert_return (invoke "c#take-many") (u32.const 0))
(assert_return (invoke "c#raw-take-char" (u32.const 0xd7ff)) (u32.const 0xd7ff))
(assert_return (invoke "c#raw-take-char" (u32.const 0xe000)) (u32.const 0xe000))
(assert_return (invoke "c#raw-take-char" (u32.const 0x10ffff)) (u32.const 0x10ffff))
(assert_return (invoke "c#raw-take-enum" (u32.const 2)) (u32.const 2))
(assert_return (invoke "c#raw-take-option" (u32.const 1) (u32.const 0x1ff)) (u32.const 0xff))
;; The unused payload of `none` is lowered as 0 (CanonicalABI.md, lower_flat_variant).
(assert_return (invoke "c#raw-take-option" (u32.const 0) (u32.const 5)) (u32.const 0))
(assert_return (invoke "parent#g") (u32.const 7))
(assert_return (invoke "self#g") (u32.const 7))

;; A surrogate returned as a char.
(component instance $t1 $traps)
(assert_trap (invoke "c#surrogate") "invalid `char` bit pattern")

;; A char above U+10FFFF.
(component instance $t2 $traps)
(assert_trap (invoke "c#too-big-char") "invalid `char` bit pattern")

;; A surrogate passed as a char (argument direction).
(component instance $t3 $traps)
(assert_trap (invoke "c#raw-take-char" (u32.const 0xdfff)) "invalid `char` bit pattern")

;; A char above U+10FFFF (argument direction).
(component instance $t4 $traps)
(assert_trap (invoke "c#raw-take-char" (u32.const 0x110000)) "invalid `char` bit pattern")

;; Enum case 3 of 3.
(component instance $t5 $traps)
(assert_trap (invoke "c#bad-enum") "invalid variant discriminant")

;; Option discriminant 2, in memory.
(component instance $t6 $traps)
(assert_trap (invoke "c#bad-option") "invalid variant discriminant")

;; Variant discriminant 255 of 2, in memory.
(component instance $t7 $traps)
(assert_trap (invoke "c#bad-variant") "invalid variant discriminant")

;; Result discriminant 2, in memory.
(component instance $t8 $traps)
(assert_trap (invoke "c#bad-result") "invalid variant discriminant")

;; Enum case 3 of 3 (argument direction).
(component instance $t9 $traps)
(assert_trap (invoke "c#raw-take-enum" (u32.const 3)) "invalid variant discriminant")

;; Option discriminant 2 (argument direction, flat).
(component instance $t10 $traps)
(assert_trap (invoke "c#raw-take-option" (u32.const 2) (u32.const 0)) "invalid variant discriminant")

;; A list<u32> at an odd address.
(component instance $t11 $traps)
(assert_trap (invoke "c#list-unaligned") "unaligned pointer")

;; A UTF-16 string at an odd address.
(component instance $t12 $traps)
(assert_trap (invoke "c#string16-unaligned") "unaligned pointer")

;; A return area (tuple<u32, u32>) at an address that is not a multiple of 4.
(component instance $t13 $traps)
(assert_trap (invoke "c#retptr-unaligned") "unaligned pointer")

;; A string that runs past the end of memory.
(component instance $t14 $traps)
(assert_trap (invoke "c#string-oob") "string content out-of-bounds")

;; A list that runs past the end of memory.
(component instance $t15 $traps)
(assert_trap (invoke "c#list-oob") "list content out-of-bounds")

;; A return area that runs past the end of memory.
(component instance $t16 $traps)
(assert_trap (invoke "c#retptr-oob") "out of bounds memory access")

;; `unreachable` in the callee's core code.
(component instance $t17 $traps)
(assert_trap (invoke "c#unreachable") "wasm `unreachable` instruction executed")

;; The callee's realloc returns a string buffer that ends past its memory.
(component instance $t18 $traps)
(invoke "callee#set-realloc" (u32.const 1))
(assert_trap (invoke "c#take-string") "string content out-of-bounds")

;; The callee's realloc returns a list buffer that ends past its memory.
(component instance $t19 $traps)
(invoke "callee#set-realloc" (u32.const 1))
(assert_trap (invoke "c#take-list") "list content out-of-bounds")

;; The callee's realloc returns a list<u32> buffer at an odd address.
(component instance $t20 $traps)
(invoke "callee#set-realloc" (u32.const 2))
(assert_trap (invoke "c#take-list") "unaligned pointer")

;; The callee's realloc returns a parameter area (17 u32) that ends past its memory.
(component instance $t21 $traps)
(invoke "callee#set-realloc" (u32.const 1))
(assert_trap (invoke "c#take-many") "out of bounds memory access")

;; The callee's realloc returns a parameter area at an odd address.
(component instance $t22 $traps)
(invoke "callee#set-realloc" (u32.const 2))
(assert_trap (invoke "c#take-many") "unaligned pointer")

;; The caller's realloc returns a result string buffer that ends past its memory.
(component instance $t23 $traps)
(invoke "c#set-realloc" (u32.const 1))
(assert_trap (invoke "c#hello") "string content out-of-bounds")

;; The caller's realloc returns a result list buffer that ends past its memory.
(component instance $t24 $traps)
(invoke "c#set-realloc" (u32.const 1))
(assert_trap (invoke "c#numbers") "list content out-of-bounds")

;; The caller's realloc returns a result list<u32> buffer at an odd address.
(component instance $t25 $traps)
(invoke "c#set-realloc" (u32.const 2))
(assert_trap (invoke "c#numbers") "unaligned pointer")

;; The child calls back into its parent, which entering the child has entered.
(component instance $t26 $traps)
(assert_trap (invoke "parent#f") "cannot enter component instance")

;; A component calls its own export through a lowered import.
(component instance $t27 $traps)
(assert_trap (invoke "self#run") "cannot enter component instance")

;; At the root boundary the host lifts results itself: a misaligned string or
;; list traps with Wasmtime's words after the trap's name.
(component definition $root
  (core module $m
    (memory (export "m") 1)
    ;; (pointer 1, length 1) at 4
    (func (export "f") (result i32)
      (i32.store (i32.const 4) (i32.const 1))
      (i32.store (i32.const 8) (i32.const 1))
      (i32.const 4)))
  (core instance $m (instantiate $m))
  (func (export "utf16") (result string)
    (canon lift (core func $m "f") (memory (core memory $m "m")) string-encoding=utf16))
  (func (export "list") (result (list u32))
    (canon lift (core func $m "f") (memory (core memory $m "m")))))
(component instance $root)
(assert_trap (invoke "utf16") "unaligned pointer): string pointer not aligned to 2")
(component instance $root)
(assert_trap (invoke "list") "unaligned pointer): list pointer is not aligned")
