// The string transcoders an adapter module imports as
// `transcode."<op> (mem<a> => mem<b>)"`, implemented in JS on two
// WebAssembly.Memory objects. fact's and Wasmtime's adapters are bound to the
// very same functions, so string cases compare the adapters' own code with
// equal host costs. Semantics follow the import contract of
// docs/import-abi.md: the adapter has already checked
// both buffers for bounds and alignment; invalid input raises a trap.
import { Buffer, isAscii, isUtf8 } from 'node:buffer';

// Node's native Buffer conversions and validators are the fastest JS has.
function invalid(what) {
  throw new WebAssembly.RuntimeError(`invalid ${what} in a string being transcoded`);
}

function bytes(memory, ptr, len) {
  return new Uint8Array(memory.buffer, ptr, len);
}

function buffer(memory, ptr, len) {
  return Buffer.from(memory.buffer, ptr, len);
}

// Traps unless `units` UTF-16LE code units are well formed.
function validateUtf16(memory, ptr, units) {
  if (!buffer(memory, ptr, 2 * units).toString('utf16le').isWellFormed()) invalid('UTF-16');
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
    validateUtf16(from, src, len);
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
  // Encodes whole characters while they fit; the first pass stops before
  // the first non-ASCII unit. A plain loop: Node's own UTF-8 encoding of a
  // JS string is several times slower for non-ASCII text.
  'utf16-to-utf8': (from, to) => (src, srcLen, dst, dstLen, firstPass) => {
    const s = new Uint16Array(from.buffer, src, srcLen);
    const d = bytes(to, dst, dstLen);
    let i = 0;
    let o = 0;
    while (i < srcLen) {
      const u = s[i];
      if (u < 0x80) {
        if (o >= dstLen) break;
        d[o++] = u;
        i++;
        continue;
      }
      if (firstPass) break;
      let c = u;
      let units = 1;
      if (u >= 0xd800 && u < 0xe000) {
        const low = i + 1 < srcLen ? s[i + 1] : 0;
        if (u >= 0xdc00 || low < 0xdc00 || low >= 0xe000) invalid('UTF-16');
        c = 0x10000 + ((u - 0xd800) << 10) + (low - 0xdc00);
        units = 2;
      }
      if (c < 0x800) {
        if (o + 2 > dstLen) break;
        d[o++] = 0xc0 | (c >> 6);
      } else if (c < 0x10000) {
        if (o + 3 > dstLen) break;
        d[o++] = 0xe0 | (c >> 12);
        d[o++] = 0x80 | ((c >> 6) & 0x3f);
      } else {
        if (o + 4 > dstLen) break;
        d[o++] = 0xf0 | (c >> 18);
        d[o++] = 0x80 | ((c >> 12) & 0x3f);
        d[o++] = 0x80 | ((c >> 6) & 0x3f);
      }
      d[o++] = 0x80 | (c & 0x3f);
      i += units;
    }
    return [i, o];
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
