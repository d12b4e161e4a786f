// The string transcoders an adapter module imports as
// `transcode."<op> (mem<a> => mem<b>)"`, implemented in JS on two
// WebAssembly.Memory objects. fact's and Wasmtime's adapters are bound to the
// very same functions, so string cases compare the adapters' own code with
// equal host costs. Semantics follow the import contract of
// docs/import-abi.md (fact-reference §3): the adapter has already checked
// both buffers for bounds and alignment; invalid input raises a trap.
import { Buffer, isAscii, isUtf8 } from 'node:buffer';

// Node's native Buffer conversions and validators are the fastest JS has.
const encoder = new TextEncoder();

function invalid(what) {
  throw new WebAssembly.RuntimeError(`invalid ${what} in a string being transcoded`);
}

function bytes(memory, ptr, len) {
  return new Uint8Array(memory.buffer, ptr, len);
}

function buffer(memory, ptr, len) {
  return Buffer.from(memory.buffer, ptr, len);
}

// The text of `units` UTF-16LE code units; traps on unpaired surrogates.
function decodeUtf16(memory, ptr, units) {
  const text = buffer(memory, ptr, 2 * units).toString('utf16le');
  if (!text.isWellFormed()) invalid('UTF-16');
  return text;
}

// Encodes whole characters of `text` into dst while they fit:
// (code units read, bytes written).
function encodeUtf8(text, memory, dst, dstLen) {
  if (Buffer.byteLength(text, 'utf8') <= dstLen) {
    return [text.length, buffer(memory, dst, dstLen).write(text, 0, 'utf8')];
  }
  const { read, written } = encoder.encodeInto(text, bytes(memory, dst, dstLen));
  return [read, written];
}

const OPS = {
  // (src, len, dst): validate, then copy len bytes.
  'utf8-to-utf8': (from, to) => (src, len, dst) => {
    const s = bytes(from, src, len);
    if (!isUtf8(s)) invalid('UTF-8');
    bytes(to, dst, len).set(s);
  },
  // (src, len, dst): validate, then copy len code units.
  'utf16-to-utf16': (from, to) => (src, len, dst) => {
    decodeUtf16(from, src, len);
    bytes(to, dst, 2 * len).set(bytes(from, src, 2 * len));
  },
  'latin1-to-latin1': (from, to) => (src, len, dst) => {
    bytes(to, dst, len).set(bytes(from, src, len));
  },
  'latin1-to-utf16': (from, to) => (src, len, dst) => {
    const s = bytes(from, src, len);
    const d = bytes(to, dst, 2 * len);
    for (let i = 0; i < len; i++) {
      d[2 * i] = s[i];
      d[2 * i + 1] = 0;
    }
  },
  // (src, len, dst) -> units written; dst holds len units.
  'utf8-to-utf16': (from, to) => (src, len, dst) => {
    const s = bytes(from, src, len);
    const ascii = isAscii(s);
    if (!ascii && !isUtf8(s)) invalid('UTF-8');
    const text = buffer(from, src, len).toString(ascii ? 'latin1' : 'utf8');
    buffer(to, dst, 2 * len).write(text, 0, 'utf16le');
    return text.length;
  },
  // (src, src_len, dst, dst_len, first_pass) -> (units read, bytes written).
  // The first pass stops before the first non-ASCII unit; later passes
  // encode whole characters while they fit.
  'utf16-to-utf8': (from, to) => (src, srcLen, dst, dstLen, firstPass) => {
    if (firstPass) {
      const s = new Uint16Array(from.buffer, src, srcLen);
      const d = bytes(to, dst, dstLen);
      const n = Math.min(srcLen, dstLen);
      let i = 0;
      for (; i < n; i++) {
        const u = s[i];
        if (u >= 0x80) break;
        d[i] = u;
      }
      return [i, i];
    }
    return encodeUtf8(decodeUtf16(from, src, srcLen), to, dst, dstLen);
  },
};

// The transcoder named by an import field such as
// "utf8-to-utf16 (mem1 => mem0)", given the adapter's memories by index.
export function transcoderFor(field, memories) {
  const m = /^([a-z0-9+-]+) \(mem(\d+) => mem(\d+)\)$/.exec(field);
  if (!m) throw new Error(`cannot parse transcoder import name '${field}'`);
  const [, op, a, b] = m;
  const make = OPS[op];
  if (!make) throw new Error(`no JS implementation of the transcoder '${op}'`);
  const from = memories[Number(a)];
  const to = memories[Number(b)];
  if (!from || !to) throw new Error(`transcoder '${field}' names a memory the module does not import`);
  return { op, from: Number(a), to: Number(b), fn: make(from, to) };
}
