// The benchmark cases: for each, the adapter (an entry of fact_bench_gen's
// manifest) and the argument value. `write` lays the value out in the
// caller's memory in the Canonical ABI's format; `verify` checks what the
// callee received in its own memory. `bytes` is the size of the value's
// source representation (element array plus string payloads), which GB/s
// figures and the memory.copy reference use.
import { Buffer } from 'node:buffer';

const MiB = 1 << 20;
const utf8 = new TextDecoder('utf-8', { fatal: true });
const utf16 = new TextDecoder('utf-16le', { fatal: true });
const encoder = new TextEncoder();

// A fixed pseudo-random sequence (xorshift32) so every run sees the same data.
function random(seed) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

function view(memory, ptr, len) {
  return new Uint8Array(memory.buffer, ptr, len);
}

function fail(message) {
  throw new Error(`verification failed: ${message}`);
}

function checkCount(len, count) {
  if (len !== count) fail(`the callee received length ${len}, expected ${count}`);
}

// A list whose elements are plain bytes (u8, u32, records of f32).
function byteList(elementSize, count, fill) {
  const data = new Uint8Array(elementSize * count);
  fill(data);
  return {
    align: elementSize >= 4 ? 4 : 1,
    bytes: data.length,
    write(memory, base) {
      view(memory, base, data.length).set(data);
      return { ptr: base, len: count };
    },
    verify(memory, ptr, len) {
      checkCount(len, count);
      if (ptr % (elementSize >= 4 ? 4 : 1)) fail(`misaligned list pointer ${ptr}`);
      const got = view(memory, ptr, data.length);
      if (Buffer.from(memory.buffer, ptr, data.length).equals(data)) return;
      const at = got.findIndex((b, i) => b !== data[i]);
      fail(`byte ${at} of the list is ${got[at]}, expected ${data[at]}`);
    },
  };
}

function randomBytes(data) {
  const next = random(0x9e3779b9);
  const words = new Uint32Array(data.buffer, 0, data.length >>> 2);
  for (let i = 0; i < words.length; i++) words[i] = next();
  for (let i = words.length * 4; i < data.length; i++) data[i] = next() & 0xff;
}

function points(data) {
  // Ordinary finite floats: no NaN payload question arises.
  const f = new Float32Array(data.buffer);
  for (let i = 0; i < f.length; i++) f[i] = (i >> 1) * 0.25 + (i & 1 ? -1000.5 : 3.75);
}

// list<record { a: u32, b: string }>: 12-byte elements followed by the
// strings' UTF-8 bytes.
function recordList(count) {
  const a = (i) => Math.imul(i, 2654435761) >>> 0;
  const text = (i) => `item-${i}` + (i % 4 === 0 ? '-ünïcödé' : '');
  const encoded = Array.from({ length: count }, (_, i) => encoder.encode(text(i)));
  const stringBytes = encoded.reduce((n, e) => n + e.length, 0);
  return {
    align: 4,
    bytes: 12 * count + stringBytes,
    write(memory, base) {
      const dv = new DataView(memory.buffer);
      let s = base + 12 * count;
      encoded.forEach((e, i) => {
        const at = base + 12 * i;
        dv.setUint32(at, a(i), true);
        dv.setUint32(at + 4, s, true);
        dv.setUint32(at + 8, e.length, true);
        view(memory, s, e.length).set(e);
        s += e.length;
      });
      return { ptr: base, len: count };
    },
    verify(memory, ptr, len) {
      checkCount(len, count);
      if (ptr % 4) fail(`misaligned list pointer ${ptr}`);
      const dv = new DataView(memory.buffer);
      for (let i = 0; i < count; i++) {
        const at = ptr + 12 * i;
        if (dv.getUint32(at, true) !== a(i)) fail(`element ${i}: a = ${dv.getUint32(at, true)}, expected ${a(i)}`);
        const sp = dv.getUint32(at + 4, true);
        const sl = dv.getUint32(at + 8, true);
        if (sp + sl > memory.buffer.byteLength) fail(`element ${i}: string out of bounds`);
        const got = utf8.decode(view(memory, sp, sl));
        if (got !== text(i)) fail(`element ${i}: b = ${JSON.stringify(got)}, expected ${JSON.stringify(text(i))}`);
      }
    },
  };
}

const ASCII_ALPHABET = 'abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789 .,;:!?';
// Mixed text: mostly ASCII with 2-, 3- and 4-byte UTF-8 characters
// (the last ones are surrogate pairs in UTF-16).
const MIXED_ALPHABET = [...'abcdefghij klmnopqrst', 'é', 'ü', 'ß', 'Ω', 'ж', 'ñ', '漢', '字', 'テ', '€', '🙂', '🚀'];

// A text whose encoding in `encoding` is exactly `size` bytes.
function makeText(alphabet, encoding, size) {
  const next = random(12345);
  const unit = (c) => (encoding === 'utf8' ? encoder.encode(c).length : 2 * c.length);
  const parts = [];
  let used = 0;
  for (;;) {
    const c = alphabet[next() % alphabet.length];
    if (used + unit(c) > size) break;
    parts.push(c);
    used += unit(c);
  }
  // Pad with ASCII to the exact size.
  while (used < size) {
    parts.push('x');
    used += unit('x');
  }
  return parts.join('');
}

function stringValue(kind, from, to) {
  const text = makeText(kind === 'ascii' ? [...ASCII_ALPHABET] : MIXED_ALPHABET, from, MiB);
  const source = from === 'utf8' ? encoder.encode(text) : Buffer.from(text, 'utf16le');
  return {
    align: from === 'utf8' ? 1 : 2,
    bytes: source.length,
    write(memory, base) {
      view(memory, base, source.length).set(source);
      return { ptr: base, len: from === 'utf8' ? source.length : text.length };
    },
    verify(memory, ptr, len) {
      const expected = to === 'utf8' ? encoder.encode(text).length : text.length;
      checkCount(len, expected);
      if (to === 'utf16' && ptr % 2) fail(`misaligned utf16 pointer ${ptr}`);
      const got = to === 'utf8' ? utf8.decode(view(memory, ptr, len)) : utf16.decode(view(memory, ptr, 2 * len));
      if (got !== text) {
        let i = 0;
        while (got[i] === text[i]) i++;
        fail(`the callee's string differs from the caller's at code unit ${i}`);
      }
    },
  };
}

export const CASES = [
  { name: 'list<u8> 1 MiB', adapter: 'list-u8', make: () => byteList(1, MiB, randomBytes) },
  { name: 'list<u32> 1 MiB', adapter: 'list-u32', make: () => byteList(4, MiB / 4, randomBytes) },
  { name: 'list<record{x:f32,y:f32}> 1 MiB', adapter: 'list-point', make: () => byteList(8, MiB / 8, points) },
  { name: 'list<record{a:u32,b:string}> 10000', adapter: 'list-record-string', make: () => recordList(10000) },
  { name: 'string utf8->utf8 ascii 1 MiB', adapter: 'string-utf8-utf8', make: () => stringValue('ascii', 'utf8', 'utf8') },
  { name: 'string utf8->utf8 mixed 1 MiB', adapter: 'string-utf8-utf8', make: () => stringValue('mixed', 'utf8', 'utf8') },
  { name: 'string utf8->utf16 ascii 1 MiB', adapter: 'string-utf8-utf16', make: () => stringValue('ascii', 'utf8', 'utf16') },
  { name: 'string utf8->utf16 mixed 1 MiB', adapter: 'string-utf8-utf16', make: () => stringValue('mixed', 'utf8', 'utf16') },
  { name: 'string utf16->utf8 ascii 1 MiB', adapter: 'string-utf16-utf8', make: () => stringValue('ascii', 'utf16', 'utf8') },
  { name: 'string utf16->utf8 mixed 1 MiB', adapter: 'string-utf16-utf8', make: () => stringValue('mixed', 'utf16', 'utf8') },
];
