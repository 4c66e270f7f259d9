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

/** The module's sections: id, where each starts (its id's byte), its content and its end. */
function* sectionsOf(bytes) {
  let at = 8;
  while (at < bytes.length) {
    const [size, contentAt] = readU32(bytes, at + 1);
    yield { id: bytes[at], start: at, contentAt, end: contentAt + size };
    at = contentAt + size;
  }
}

/** The entries of the import section: module, field name, and the description's bytes. */
function importsOf(bytes, section) {
  let [count, p] = readU32(bytes, section.contentAt);
  const imports = [];
  for (let i = 0; i < count; i++) {
    let len;
    [len, p] = readU32(bytes, p);
    const module = utf8.decode(bytes.subarray(p, p + len));
    p += len;
    [len, p] = readU32(bytes, p);
    const name = utf8.decode(bytes.subarray(p, p + len));
    p += len;
    const descEnd = importDescEnd(bytes, p);
    imports.push({ module, name, desc: bytes.subarray(p, descEnd) });
    p = descEnd;
  }
  if (p !== section.end) throw new Error("short-imports: the import section did not end where its size says");
  return imports;
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
  const sections = [...sectionsOf(bytes)];
  const importSection = sections.find((section) => section.id === 2);
  const imports = importSection ? importsOf(bytes, importSection) : [];
  // A name already an import's (a second run of the hook, on a glue that names a hashed
  // import twice no more) is never given to another.
  const taken = new Set(imports.map((entry) => entry.name));
  const names = (function* () {
    for (const name of shortNames()) if (!taken.has(name)) yield name;
  })();
  const renames = new Map();
  for (const entry of imports) {
    if (GLUE_MODULE.test(entry.module) && HEX_NAME.test(entry.name) && glue.split(entry.name).length === 2) {
      if (!renames.has(entry.name)) renames.set(entry.name, names.next().value);
      entry.name = renames.get(entry.name);
    }
  }
  if (renames.size === 0) return { wasm: bytes, glue, renamed: 0 };
  const body = writeU32(imports.length);
  for (const { module, name, desc } of imports) {
    const moduleBytes = encode(module);
    const nameBytes = encode(name);
    body.push(...writeU32(moduleBytes.length), ...moduleBytes, ...writeU32(nameBytes.length), ...nameBytes, ...desc);
  }
  const parts = sections.map((section) =>
    section === importSection ? Uint8Array.from([2, ...writeU32(body.length), ...body]) : bytes.subarray(section.start, section.end),
  );
  let newGlue = glue;
  for (const [name, short] of renames) newGlue = newGlue.replace(name, short);
  return { wasm: Buffer.concat([bytes.subarray(0, 8), ...parts]), glue: newGlue, renamed: renames.size };
}
