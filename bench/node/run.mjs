// The generated-code benchmark: fact's adapters against the adapters that
// Wasmtime's FACT (inside jco) generates for the same signatures, on this
// Node's V8, with the same caller, callee and host functions, and against a
// plain memory.copy of the same byte count. See bench/README.md.
//
// usage: node run.mjs [--gen PATH | --adapters DIR] [--runs N] [--min-ms MS]
//                     [--only SUBSTRING] [--save DIR] [--json FILE]
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, transpile } from '@bytecodealliance/jco';

import { factSideOf, instantiateAdapter, wasmtimeSideOf } from './bind.mjs';
import { CASES } from './inputs.mjs';
import { CALLEE_ARGS, CALLEE_HEAP, MEMORY_PAGES, componentWat, coreModules } from './modules.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../..');
// Where the caller's argument value starts.
const INPUT_BASE = 1024;

function parseArgs(argv) {
  const opts = { gen: join(ROOT, 'build-bench/bench/fact_bench_gen'), adapters: null, runs: 7, minMs: 100, only: null, save: null, json: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--gen') opts.gen = value();
    else if (a === '--adapters') opts.adapters = value();
    else if (a === '--runs') opts.runs = Number(value());
    else if (a === '--min-ms') opts.minMs = Number(value());
    else if (a === '--only') opts.only = value();
    else if (a === '--save') opts.save = value();
    else if (a === '--json') opts.json = value();
    else if (a === '--help' || a === '-h') {
      console.log('usage: node run.mjs [--gen PATH | --adapters DIR] [--runs N] [--min-ms MS] [--only SUBSTRING] [--save DIR] [--json FILE]');
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  if (!(opts.runs >= 1) || !(opts.minMs > 0)) throw new Error('--runs and --min-ms must be positive');
  return opts;
}

// fact's adapters: run fact_bench_gen unless a directory of its output is given.
function loadFactAdapters(opts) {
  let dir = opts.adapters;
  let cleanup = null;
  if (!dir) {
    dir = mkdtempSync(join(tmpdir(), 'fact-bench-'));
    cleanup = dir;
    try {
      execFileSync(opts.gen, [dir], { stdio: ['ignore', 'inherit', 'inherit'] });
    } catch (e) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`running ${opts.gen} failed (build it: cmake --build build-bench --target fact_bench_gen): ${e.message}`);
    }
  }
  try {
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    const adapters = new Map();
    for (const entry of manifest.adapters) {
      const bytes = readFileSync(join(dir, entry.module));
      adapters.set(entry.name, { entry, bytes, module: new WebAssembly.Module(bytes) });
    }
    return adapters;
  } finally {
    if (cleanup) rmSync(cleanup, { recursive: true, force: true });
  }
}

// Wasmtime's adapter for a manifest entry: transpile a component with the
// same signature and options, and take the core module that imports the
// callee (the fused adapter; jco emits it unchanged).
async function wasmtimeAdapter(entry) {
  const component = await parse(componentWat(entry));
  const { files } = await transpile(component, { name: 'bench', instantiation: 'sync', multiMemory: true, noTypescript: true });
  const js = new TextDecoder().decode(files['bench.js']);
  const found = [];
  for (const [name, bytes] of Object.entries(files)) {
    if (!name.endsWith('.wasm')) continue;
    const module = new WebAssembly.Module(bytes);
    if (WebAssembly.Module.imports(module).some((i) => i.module === 'callee')) found.push({ name, bytes, module });
  }
  if (found.length !== 1) throw new Error(`${entry.name}: expected one adapter module in jco's output, found ${found.length}`);
  return { ...found[0], sideOf: wasmtimeSideOf(js) };
}

// A caller and a callee instance around one adapter module.
function makeWorld(core, adapterModule, sideOf, value) {
  const memory = () => new WebAssembly.Memory({ initial: MEMORY_PAGES, maximum: MEMORY_PAGES });
  const world = { caller: { memory: memory() }, callee: { memory: memory() } };
  world.callee.exports = new WebAssembly.Instance(core.callee, { env: { memory: world.callee.memory } }).exports;
  const adapter = instantiateAdapter(adapterModule, world, sideOf);
  world.caller.exports = new WebAssembly.Instance(core.caller, {
    env: { memory: world.caller.memory, adapter: adapter.instance.exports.adapter0, reset: world.callee.exports.reset },
  }).exports;
  world.adapter = adapter;
  world.arg = value.write(world.caller.memory, INPUT_BASE);
  return world;
}

// One adapter call, then a check of what the callee received.
function verify(world, value, label) {
  new Uint8Array(world.callee.memory.buffer).fill(0xa5);
  world.caller.exports.run(world.arg.ptr, world.arg.len, 1);
  const args = new Uint32Array(world.callee.memory.buffer, CALLEE_ARGS, 2);
  try {
    value.verify(world.callee.memory, args[0], args[1]);
  } catch (e) {
    throw new Error(`${label}: ${e.message}`);
  }
}

// Nanoseconds per call of `run(iterations)`.
function sample(run, iterations) {
  const t0 = process.hrtime.bigint();
  run(iterations);
  return Number(process.hrtime.bigint() - t0) / iterations;
}

// Warms `run` up (so V8's optimizing tier has compiled everything) and
// returns the iteration count that takes about minMs.
function calibrate(run, minMs) {
  let iterations = 1;
  let perCall = sample(run, iterations);
  const start = performance.now();
  let calls = 0;
  while (calls < 20 || performance.now() - start < 2 * minMs) {
    iterations = Math.max(1, Math.min(1 << 20, Math.ceil((minMs * 1e6) / 4 / perCall)));
    perCall = sample(run, iterations);
    calls++;
  }
  return Math.max(1, Math.ceil((minMs * 1e6) / perCall));
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function versions() {
  const pkg = (name) => JSON.parse(readFileSync(join(HERE, 'node_modules', name, 'package.json'), 'utf8')).version;
  let environ = 'unknown';
  try {
    const bindgen = readFileSync(join(HERE, 'node_modules/@bytecodealliance/jco-transpile/vendor/js-component-bindgen-component.core.wasm'));
    const m = /wasmtime-environ-(\d+\.\d+\.\d+)/.exec(bindgen.toString('latin1'));
    if (m) environ = m[1];
  } catch {
    // Reported as unknown.
  }
  return { node: process.version, v8: process.versions.v8, jco: pkg('@bytecodealliance/jco'), jcoTranspile: pkg('@bytecodealliance/jco-transpile'), wasmtimeEnviron: environ, cpu: cpus()[0]?.model ?? 'unknown' };
}

function table(rows) {
  const header = ['case', 'bytes', 'fact GB/s', 'Wasmtime GB/s', 'fact/Wasmtime', 'fact/memcpy', 'Wasmtime/memcpy', 'memory.copy GB/s'];
  const body = rows.map((r) => [
    r.case, String(r.bytes), r.fact.toFixed(3), r.wasmtime.toFixed(3), r.factOverWasmtime.toFixed(2) + 'x',
    r.factOverMemcpy.toFixed(3), r.wasmtimeOverMemcpy.toFixed(3), r.memcpy.toFixed(2),
  ]);
  const lines = [header, header.map(() => '---'), ...body].map((cells) => `| ${cells.join(' | ')} |`);
  return lines.join('\n');
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const info = versions();
  console.log(`Node ${info.node} (V8 ${info.v8}), jco ${info.jco} (jco-transpile ${info.jcoTranspile}, wasmtime-environ ${info.wasmtimeEnviron}), ${info.cpu}`);
  console.log(`${opts.runs} runs of >= ${opts.minMs} ms per variant and case; medians\n`);

  const core = await coreModules();
  const fact = loadFactAdapters(opts);
  const cases = CASES.filter((c) => !opts.only || c.name.includes(opts.only) || c.adapter.includes(opts.only));
  const wasmtime = new Map();
  for (const c of cases) {
    if (!fact.has(c.adapter)) throw new Error(`fact_bench_gen made no adapter '${c.adapter}'`);
    const { entry } = fact.get(c.adapter);
    if (entry.callee_core_params.join() !== 'i32,i32' || entry.callee_core_results.length) {
      throw new Error(`${entry.name}: the harness's caller only passes (i32, i32)`);
    }
    if (!wasmtime.has(c.adapter)) wasmtime.set(c.adapter, await wasmtimeAdapter(entry));
  }
  if (opts.save) {
    mkdirSync(opts.save, { recursive: true });
    for (const [name, a] of fact) writeFileSync(join(opts.save, `${name}.fact.wasm`), a.bytes);
    for (const [name, a] of wasmtime) writeFileSync(join(opts.save, `${name}.wasmtime.wasm`), a.bytes);
  }

  const rows = [];
  for (const c of cases) {
    const value = c.make();
    const f = fact.get(c.adapter);
    const w = wasmtime.get(c.adapter);
    const factWorld = makeWorld(core, f.module, factSideOf(f.module, f.entry), value);
    const wasmtimeWorld = makeWorld(core, w.module, w.sideOf, value);
    verify(factWorld, value, `${c.name}, fact`);
    verify(wasmtimeWorld, value, `${c.name}, Wasmtime`);
    const memcopy = new WebAssembly.Instance(core.memcopy, { env: { src: factWorld.caller.memory, dst: factWorld.callee.memory } }).exports;

    const variants = {
      fact: (n) => factWorld.caller.exports.run(factWorld.arg.ptr, factWorld.arg.len, n),
      wasmtime: (n) => wasmtimeWorld.caller.exports.run(wasmtimeWorld.arg.ptr, wasmtimeWorld.arg.len, n),
      memcpy: (n) => memcopy.run(CALLEE_HEAP, INPUT_BASE, value.bytes, n),
    };
    const iterations = {};
    for (const [k, run] of Object.entries(variants)) iterations[k] = calibrate(run, opts.minMs);
    const ns = { fact: [], wasmtime: [], memcpy: [] };
    for (let r = 0; r < opts.runs; r++) {
      for (const [k, run] of Object.entries(variants)) ns[k].push(sample(run, iterations[k]));
    }
    // Still correct after the timed calls.
    verify(factWorld, value, `${c.name}, fact (after timing)`);
    verify(wasmtimeWorld, value, `${c.name}, Wasmtime (after timing)`);

    const gbps = (k) => value.bytes / median(ns[k]);
    const row = {
      case: c.name, adapter: c.adapter, bytes: value.bytes,
      fact: gbps('fact'), wasmtime: gbps('wasmtime'), memcpy: gbps('memcpy'),
      transcoders: factWorld.adapter.transcoders.map((t) => t.op),
      samplesNs: ns,
    };
    row.factOverWasmtime = row.fact / row.wasmtime;
    row.factOverMemcpy = row.fact / row.memcpy;
    row.wasmtimeOverMemcpy = row.wasmtime / row.memcpy;
    rows.push(row);
    console.error(`  ${c.name}: fact ${row.fact.toFixed(3)} GB/s, Wasmtime ${row.wasmtime.toFixed(3)} GB/s, memory.copy ${row.memcpy.toFixed(2)} GB/s`);
  }
  console.log('\n' + table(rows));
  if (opts.json) writeFileSync(opts.json, JSON.stringify({ info, opts, rows }, null, 2) + '\n');
}

main().catch((e) => {
  console.error(`error: ${e.message}`);
  process.exit(1);
});
