// Shorter names for the functions the wasm imports from wasm-bindgen's glue (a release build's
// post_build step, scripts/post-build.mjs 0c). wasm-bindgen names each one
// `__wbg_<method>_<16 hex digits>`, and the name is written twice, in the wasm's import section
// and as a key of the glue's import object: 278 names, 9 kB of which the hex digits do not
// compress, 8 kB gzip of every first visit. They become `a`, `b`, … `Z`, `ba`, …
//
// Only names of that form are changed, and only when the glue holds each exactly once (its key),
// so a glue that uses one elsewhere keeps it. The wasm is rewritten section by section: the import
// section is encoded anew, every other byte is copied as it is.

const HEX_NAME = /^__wbg_[A-Za-z0-9_$]*_[0-9a-f]{16}$/;
/** wasm-bindgen's glue, as the wasm names it (`./<name>_bg.js`). */
const GLUE_MODULE = /^\.\/[^/]*_bg\.js$/;
const LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

/** Two-letter JS keywords, which cannot be an object's bare key in every engine's eyes. */
const RESERVED = new Set(["do", "if", "in"]);

/** The short names in order: a, b, …, Z, ba, bb, … (base 52, `a` the zero digit), keywords
 *  skipped. */
export function* shortNames() {
  for (let i = 0; ; i++) {
    let n = i;
    let name = "";
    do {
      name = LETTERS[n % LETTERS.length] + name;
      n = Math.floor(n / LETTERS.length);
    } while (n > 0);
    if (!RESERVED.has(name)) yield name;
  }
}

function readU32(bytes, at) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = bytes[at++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if (!(byte & 0x80)) return [value, at];
  }
}

function writeU32(value) {
  const out = [];
  do {
    let byte = value & 0x7f;
    value = Math.floor(value / 128);
    if (value) byte |= 0x80;
    out.push(byte);
  } while (value);
  return out;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });
const encode = (text) => [...new TextEncoder().encode(text)];

/** The import description after the names: its bytes, copied as they are. */
function importDescEnd(bytes, at) {
  const kind = bytes[at++];
  const limits = (p) => {
    const flags = bytes[p++];
    [, p] = readU32(bytes, p);
    if (flags & 1) [, p] = readU32(bytes, p);
    return p;
  };
  switch (kind) {
    case 0: // function: type index
      return readU32(bytes, at)[1];
    case 1: // table: reference type, limits
      return limits(at + 1);
    case 2: // memory: limits
      return limits(at);
    case 3: // global: value type, mutability
      return at + 2;
    case 4: // tag: attribute, type index
      return readU32(bytes, at + 1)[1];
    default:
      throw new Error(`short-imports: unknown import kind ${kind}`);
  }
}

/**
 * Renames the glue's hashed imports in `wasm` (bytes) and `glue` (the glue's text).
 * Returns `{ wasm, glue, renamed }`; with nothing to rename, the inputs come back as they are.
 */
export function shortenImports(wasm, glue) {
  const bytes = wasm instanceof Uint8Array ? wasm : new Uint8Array(wasm);
  if (bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) {
    throw new Error("short-imports: not a wasm module");
  }
  const parts = [bytes.subarray(0, 8)];
  const renames = new Map();
  // A name already an import's (a second run of the hook, on a glue that names a hashed
  // import twice no more) is never given to another.
  const taken = new Set(importNames(bytes));
  const names = (function* () {
    for (const name of shortNames()) if (!taken.has(name)) yield name;
  })();
  let at = 8;
  while (at < bytes.length) {
    const id = bytes[at];
    const [size, contentAt] = readU32(bytes, at + 1);
    const end = contentAt + size;
    if (id !== 2) {
      parts.push(bytes.subarray(at, end));
      at = end;
      continue;
    }
    let p = contentAt;
    let count;
    [count, p] = readU32(bytes, p);
    const section = writeU32(count);
    for (let i = 0; i < count; i++) {
      let len;
      [len, p] = readU32(bytes, p);
      const module = utf8.decode(bytes.subarray(p, p + len));
      p += len;
      [len, p] = readU32(bytes, p);
      const name = utf8.decode(bytes.subarray(p, p + len));
      p += len;
      const descEnd = importDescEnd(bytes, p);
      let newName = name;
      if (GLUE_MODULE.test(module) && HEX_NAME.test(name) && glue.split(name).length === 2) {
        if (!renames.has(name)) renames.set(name, names.next().value);
        newName = renames.get(name);
      }
      const moduleBytes = encode(module);
      const nameBytes = encode(newName);
      section.push(...writeU32(moduleBytes.length), ...moduleBytes, ...writeU32(nameBytes.length), ...nameBytes);
      section.push(...bytes.subarray(p, descEnd));
      p = descEnd;
    }
    if (p !== end) throw new Error("short-imports: the import section did not end where its size says");
    parts.push(Uint8Array.from([2, ...writeU32(section.length), ...section]));
    at = end;
  }
  if (renames.size === 0) return { wasm: bytes, glue, renamed: 0 };
  let newGlue = glue;
  for (const [name, short] of renames) newGlue = newGlue.replace(name, short);
  return { wasm: Buffer.concat(parts), glue: newGlue, renamed: renames.size };
}

/** The field names of `bytes`'s imports. */
function importNames(bytes) {
  const names = [];
  let at = 8;
  while (at < bytes.length) {
    const id = bytes[at];
    const [size, contentAt] = readU32(bytes, at + 1);
    if (id === 2) {
      let [count, p] = readU32(bytes, contentAt);
      for (let i = 0; i < count; i++) {
        let len;
        [len, p] = readU32(bytes, p);
        p += len;
        [len, p] = readU32(bytes, p);
        names.push(utf8.decode(bytes.subarray(p, p + len)));
        p = importDescEnd(bytes, p + len);
      }
    }
    at = contentAt + size;
  }
  return names;
}
