// The wasm the harness builds around each adapter, as text assembled with
// jco's wasm-tools parser: the caller and callee core modules, the
// memory.copy reference, and the component from which Wasmtime's FACT (inside
// jco) generates its adapter for the same signature.
import { parse } from '@bytecodealliance/jco';

// Where the callee stores the arguments it received (two i32s at address 0)
// and where its bump allocator starts.
export const CALLEE_ARGS = 0;
export const CALLEE_HEAP = 64;
// Memories are fixed at 16 MiB, enough for every case's worst-case
// allocation (utf16 -> utf8 grows to 3 bytes per unit).
export const MEMORY_PAGES = 256;

// The callee: its lifted function `f` does nothing but record its arguments;
// `realloc` is a bump allocator that resizes the newest block in place;
// `reset` frees everything (the harness calls it before every adapter call).
const CALLEE_WAT = `(module
  (import "env" "memory" (memory $mem ${MEMORY_PAGES}))
  (global $top (mut i32) (i32.const ${CALLEE_HEAP}))
  (func (export "reset") (global.set $top (i32.const ${CALLEE_HEAP})))
  (func (export "realloc") (param $old i32) (param $old_size i32) (param $align i32) (param $size i32) (result i32)
    (local $ptr i32)
    (if (i32.and (i32.ne (local.get $old) (i32.const 0))
                 (i32.eq (i32.add (local.get $old) (local.get $old_size)) (global.get $top)))
      (then
        (global.set $top (i32.add (local.get $old) (local.get $size)))
        (return (local.get $old))))
    (local.set $ptr (i32.and (i32.add (global.get $top) (i32.sub (local.get $align) (i32.const 1)))
                             (i32.sub (i32.const 0) (local.get $align))))
    (global.set $top (i32.add (local.get $ptr) (local.get $size)))
    (if (local.get $old)
      (then (memory.copy (local.get $ptr) (local.get $old)
              (select (local.get $old_size) (local.get $size)
                      (i32.lt_u (local.get $old_size) (local.get $size))))))
    (local.get $ptr))
  (func (export "f") (param $ptr i32) (param $len i32)
    (i32.store (i32.const ${CALLEE_ARGS}) (local.get $ptr))
    (i32.store (i32.const ${CALLEE_ARGS + 4}) (local.get $len))))`;

// The caller: calls the adapter `iterations` times with the same argument,
// resetting the callee's allocator before each call.
const CALLER_WAT = `(module
  (import "env" "memory" (memory ${MEMORY_PAGES}))
  (import "env" "adapter" (func $adapter (param i32 i32)))
  (import "env" "reset" (func $reset))
  (func (export "run") (param $ptr i32) (param $len i32) (param $iterations i32)
    (loop $again
      (call $reset)
      (call $adapter (local.get $ptr) (local.get $len))
      (br_if $again (local.tee $iterations (i32.sub (local.get $iterations) (i32.const 1)))))))`;

// The reference: memory.copy of n bytes from the caller's memory to the
// callee's, `iterations` times.
const MEMCOPY_WAT = `(module
  (import "env" "src" (memory $src ${MEMORY_PAGES}))
  (import "env" "dst" (memory $dst ${MEMORY_PAGES}))
  (func (export "run") (param $dst_ptr i32) (param $src_ptr i32) (param $n i32) (param $iterations i32)
    (loop $again
      (memory.copy $dst $src (local.get $dst_ptr) (local.get $src_ptr) (local.get $n))
      (br_if $again (local.tee $iterations (i32.sub (local.get $iterations) (i32.const 1)))))))`;

export async function coreModules() {
  const [callee, caller, memcopy] = await Promise.all(
    [CALLEE_WAT, CALLER_WAT, MEMCOPY_WAT].map(async (wat) => new WebAssembly.Module(await parse(wat))),
  );
  return { callee, caller, memcopy };
}

// A component in which a caller component lowers the callee component's
// lifted export: the fused adapter between them is what Wasmtime's FACT
// generates for `adapter` (an entry of fact_bench_gen's manifest). Named
// types ($tN in the signature) are defined and exported by the callee and
// imported as equal types by the caller, as the component model requires for
// types in exported functions.
export function componentWat(adapter) {
  const core = adapter.callee_core_params.join(' ');
  const calleeTypes = adapter.types_wat
    .map((t) => `(type $${t.name}-def ${t.def}) (export $${t.name} "${t.name}" (type $${t.name}-def))`)
    .join('\n    ');
  const callerTypes = adapter.types_wat
    .map((t) => `(type $${t.name}-def ${t.def}) (import "${t.name}" (type $${t.name} (eq $${t.name}-def)))`)
    .join('\n    ');
  const withTypes = adapter.types_wat.map((t) => `(with "${t.name}" (type $callee "${t.name}"))`).join(' ');
  return `(component
  (component $callee
    (core module $m
      (memory (export "memory") 1)
      (func (export "realloc") (param i32 i32 i32 i32) (result i32) unreachable)
      (func (export "f") (param ${core})))
    (core instance $i (instantiate $m))
    ${calleeTypes}
    (func (export "f") ${adapter.params_wat}
      (canon lift (core func $i "f") (memory (core memory $i "memory"))
        (realloc (core func $i "realloc")) string-encoding=${adapter.callee_encoding})))
  (component $caller
    ${callerTypes}
    (import "f" (func $f ${adapter.params_wat}))
    (core module $libc (memory (export "memory") 1))
    (core instance $libc (instantiate $libc))
    (core func $lowered (canon lower (func $f) (memory (core memory $libc "memory"))
      string-encoding=${adapter.caller_encoding}))
    (core module $m
      (import "" "f" (func $f (param ${core})))
      (func (export "run") unreachable))
    (core instance $mi (instantiate $m (with "" (instance (export "f" (func $lowered))))))
    (func (export "run") (canon lift (core func $mi "run"))))
  (instance $callee (instantiate $callee))
  (instance $caller (instantiate $caller ${withTypes} (with "f" (func $callee "f"))))
  (export "run" (func $caller "run")))`;
}
