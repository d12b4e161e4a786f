// Binding an adapter module's imports (fact's or Wasmtime's: both use the
// import names of docs/import-abi.md) to one "world": a caller and a callee
// instance with their memories, plus JS runtime intrinsics that do nothing
// beyond what the benchmark needs (flags are mutable i32 globals set to 1,
// traps throw, the sync-call bracket is a no-op, context slots are two
// numbers). Only where memories and reallocs come from differs between the
// two flavours, so that is passed in as `sideOf`.
import { transcoderFor } from './transcode.mjs';

// sideOf(import) -> 'caller' | 'callee' for memory, realloc and callee imports.
export function instantiateAdapter(module, world, sideOf) {
  const imports = WebAssembly.Module.imports(module);
  const memories = [];
  const resolved = imports.map((imp) => ({ ...imp, value: undefined }));
  // Memories first: transcoders name memories by index.
  for (const imp of resolved) {
    if (imp.kind !== 'memory') continue;
    if (imp.module !== 'memory') throw new Error(`unexpected memory import ${imp.module}.${imp.name}`);
    imp.value = world[sideOf(imp)].memory;
    memories.push(imp.value);
  }
  const slots = [0, 0];
  const transcoders = [];
  for (const imp of resolved) {
    if (imp.kind === 'memory') continue;
    imp.value = bindOne(imp);
  }
  function bindOne(imp) {
    const where = `${imp.module}.${imp.name}`;
    if (imp.kind === 'global') {
      if (imp.module !== 'flags') throw new Error(`unexpected global import ${where}`);
      return new WebAssembly.Global({ value: 'i32', mutable: true }, 1);
    }
    if (imp.kind !== 'function') throw new Error(`unexpected ${imp.kind} import ${where}`);
    switch (imp.module) {
      case 'realloc':
        if (sideOf(imp) !== 'callee') throw new Error(`${where}: only the callee has a realloc`);
        return world.callee.exports.realloc;
      case 'callee':
        if (sideOf(imp) !== 'callee') throw new Error(`${where}: the callee import must be the callee's f`);
        return world.callee.exports.f;
      case 'runtime': {
        const m = /^trap(\d+)$/.exec(imp.name);
        if (!m) break;
        return () => {
          throw new WebAssembly.RuntimeError(`adapter trap ${m[1]}`);
        };
      }
      case 'async':
        if (imp.name === 'enter-sync-call' || imp.name === 'exit-sync-call') return () => {};
        break;
      case 'context': {
        const m = /^(get|set)([01])$/.exec(imp.name);
        if (!m) break;
        const slot = Number(m[2]);
        return m[1] === 'get' ? () => slots[slot] : (v) => void (slots[slot] = v);
      }
      case 'transcode': {
        const t = transcoderFor(imp.name, memories);
        transcoders.push(t);
        return t.fn;
      }
      default:
        break;
    }
    throw new Error(`the benchmark cannot bind the import ${where}`);
  }
  const importObject = {};
  for (const imp of resolved) (importObject[imp.module] ??= {})[imp.name] = imp.value;
  const instance = new WebAssembly.Instance(module, importObject);
  return { instance, imports: resolved, memories, transcoders };
}

// fact: every import's binding comes from fact_bench_gen's manifest, which
// must describe the module's imports exactly, in order.
export function factSideOf(module, manifestEntry) {
  const actual = WebAssembly.Module.imports(module);
  const described = manifestEntry.imports;
  const kindName = { func: 'function', memory: 'memory', global: 'global' };
  if (actual.length !== described.length) {
    throw new Error(`${manifestEntry.name}: the manifest lists ${described.length} imports, the module has ${actual.length}`);
  }
  const sides = new Map();
  actual.forEach((imp, i) => {
    const d = described[i];
    if (d.module !== imp.module || d.field !== imp.name || kindName[d.kind] !== imp.kind) {
      throw new Error(`${manifestEntry.name}: import ${i} is ${imp.module}.${imp.name} but the manifest says ${d.module}.${d.field}`);
    }
    if (d.binding.type === 'export') {
      const side = d.binding.instance === manifestEntry.caller_instance ? 'caller'
        : d.binding.instance === manifestEntry.callee_instance ? 'callee' : undefined;
      if (!side) throw new Error(`${manifestEntry.name}: ${d.module}.${d.field} is bound to unknown instance ${d.binding.instance}`);
      sides.set(`${imp.module}.${imp.name}`, side);
    }
  });
  return (imp) => {
    const side = sides.get(`${imp.module}.${imp.name}`);
    if (!side) throw new Error(`${manifestEntry.name}: no side for ${imp.module}.${imp.name}`);
    return side;
  };
}

// Wasmtime (through jco): which instance each memory and realloc import
// comes from is read from jco's own generated JS, which wires the adapter
// module to the instances' exports. The callee's lifted function is `f`, so
// the instance whose `f` is the callee import is the callee's.
export function wasmtimeSideOf(jcoJs) {
  const callee = /\badapter0: Object\.assign\((exports\d+)\.f\b/.exec(jcoJs);
  if (!callee) throw new Error("cannot find the callee import's wiring in jco's output");
  const calleeExports = callee[1];
  const sides = new Map();
  for (const m of jcoJs.matchAll(/^\s*(m\d+): (exports\d+)\.memory,?$/gm)) {
    sides.set(`memory.${m[1]}`, m[2] === calleeExports ? 'callee' : 'caller');
  }
  for (const m of jcoJs.matchAll(/^\s*(f\d+): Object\.assign\((exports\d+)\.realloc\b/gm)) {
    sides.set(`realloc.${m[1]}`, m[2] === calleeExports ? 'callee' : 'caller');
  }
  sides.set('callee.adapter0', 'callee');
  return (imp) => {
    const side = sides.get(`${imp.module}.${imp.name}`);
    if (!side) throw new Error(`cannot find the wiring of ${imp.module}.${imp.name} in jco's output`);
    return side;
  };
}
