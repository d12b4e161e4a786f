// The exception barrier of fact's synchronous adapters (an exception that
// escapes the callee becomes trap 49; ModuleOptions::exceptions), run in Node 24's V8: libwabt cannot run
// try_table.
//
//   node exception_barrier.mjs <path of the fact tool>
//
// Generates `func(a: u32) -> u32` adapters with and without --exceptions,
// links them to a callee that throws a wasm exception (a module with a tag,
// assembled below) or a JavaScript exception, and checks that with the
// barrier every exception becomes runtime.trap49 and nothing else changes,
// and that without it the exception passes through untouched.
// Prints one line per check; exits non-zero on the first failure.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const factTool = process.argv[2];
if (!factTool) {
  console.error('usage: node exception_barrier.mjs <path of the fact tool>');
  process.exit(2);
}

let failures = 0;
function check(ok, what) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures++;
}

const dir = mkdtempSync(join(tmpdir(), 'fact-eh-'));
function adapterModule(extraArgs) {
  const out = join(dir, `adapter${extraArgs.length}.wasm`);
  execFileSync(factTool, ['adapter', 'func(a: u32) -> u32', ...extraArgs, '-o', out], { stdio: 'inherit' });
  return new WebAssembly.Module(readFileSync(out));
}

// The callee: (func (param i32) (result i32)) that throws $tag when the
// argument is 13 and returns it plus one otherwise; exports the tag.
const calleeBytes = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  // type: [(i32) -> (i32), () -> ()]
  0x01, 0x09, 0x02, 0x60, 0x01, 0x7f, 0x01, 0x7f, 0x60, 0x00, 0x00,
  // function: one, of type 0
  0x03, 0x02, 0x01, 0x00,
  // tag: one, of type 1
  0x0d, 0x03, 0x01, 0x00, 0x01,
  // export: "callee" func 0, "tag" tag 0
  0x07, 0x10, 0x02, 0x06, 0x63, 0x61, 0x6c, 0x6c, 0x65, 0x65, 0x00, 0x00, 0x03, 0x74, 0x61, 0x67, 0x04, 0x00,
  // code: local.get 0, i32.const 13, i32.eq, if, throw 0, end,
  //       local.get 0, i32.const 1, i32.add, end
  0x0a, 0x13, 0x01, 0x11, 0x00,
  0x20, 0x00, 0x41, 0x0d, 0x46, 0x04, 0x40, 0x08, 0x00, 0x0b,
  0x20, 0x00, 0x41, 0x01, 0x6a, 0x0b,
]);
const callee = new WebAssembly.Instance(new WebAssembly.Module(calleeBytes)).exports;

class Trap extends Error {}

// Instantiates an adapter with `calleeFunc`; records every runtime call.
function link(module, calleeFunc) {
  const log = [];
  const imports = {};
  for (const { module: m, name, kind } of WebAssembly.Module.imports(module)) {
    imports[m] ??= {};
    if (kind === 'global' && m === 'flags') {
      imports[m][name] = new WebAssembly.Global({ value: 'i32', mutable: true }, 1);
    } else if (kind === 'function' && m === 'callee') {
      imports[m][name] = calleeFunc;
    } else if (kind === 'function' && m === 'runtime') {
      imports[m][name] = () => {
        log.push(name);
        throw new Trap(name);
      };
    } else if (kind === 'function' && m === 'async') {
      imports[m][name] = () => { log.push(name); };
    } else {
      throw new Error(`unexpected import ${m}.${name} (${kind})`);
    }
  }
  const run = new WebAssembly.Instance(module, imports).exports.adapter;
  return { run, log, imports };
}

function outcome(f) {
  try {
    return { value: f() };
  } catch (e) {
    return { error: e };
  }
}

const jsThrower = (a) => {
  if (a === 13) throw new RangeError('thrown by JavaScript');
  return a + 1;
};

try {
  const withBarrier = adapterModule(['--exceptions']);
  const without = adapterModule([]);
  const names = (m) => WebAssembly.Module.imports(m).map((i) => `${i.module}.${i.name}`);
  check(names(withBarrier).includes('runtime.trap49'), 'the barrier imports runtime.trap49');
  check(!names(without).includes('runtime.trap49'), 'without the barrier there is no runtime.trap49');

  for (const [label, func] of [['wasm callee', callee.callee], ['JavaScript callee', jsThrower]]) {
    // No exception: both modules behave the same.
    for (const [which, module] of [['with', withBarrier], ['without', without]]) {
      const { run, log } = link(module, func);
      const r = outcome(() => run(5));
      check(r.value === 6, `${label}, ${which} the barrier: 5 -> ${r.value ?? r.error}`);
      check(JSON.stringify(log) === JSON.stringify(['enter-sync-call', 'exit-sync-call']),
            `${label}, ${which} the barrier: runtime calls ${JSON.stringify(log)}`);
    }
    // An exception: the barrier turns it into trap 49.
    {
      const { run, log } = link(withBarrier, func);
      const r = outcome(() => run(13));
      check(r.error instanceof Trap && r.error.message === 'trap49',
            `${label}, with the barrier: the exception becomes trap49 (got ${r.error ?? r.value})`);
      check(JSON.stringify(log) === JSON.stringify(['enter-sync-call', 'trap49']),
            `${label}, with the barrier: runtime calls ${JSON.stringify(log)}`);
    }
    {
      const { run, log } = link(without, func);
      const r = outcome(() => run(13));
      const passedThrough = func === jsThrower
        ? r.error instanceof RangeError
        : r.error instanceof WebAssembly.Exception && r.error.is(callee.tag);
      check(passedThrough, `${label}, without the barrier: the exception passes through (got ${r.error ?? r.value})`);
      check(!log.some((n) => n.startsWith('trap')), `${label}, without the barrier: no trap import called`);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

if (failures) {
  console.log(`${failures} check(s) failed`);
  process.exit(1);
}
console.log('all checks passed');
