// The post-build hook on its own: the cache name derives from the build's content, so an
// identical build keeps its cache and any change gets a new one; and the build's precompressed
// copies, for hosts that serve them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync, appendFileSync, readdirSync, existsSync, statSync } from "node:fs";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { ROOT } from "./harness.mjs";

function cacheNameOf(dir) {
  return readFileSync(join(dir, "sw.js"), "utf8").match(/const BUILD = "(liseuse-[0-9a-f]{16})"/)[1];
}

function rebuild(dir) {
  execFileSync("node", ["scripts/post-build.mjs"], {
    cwd: ROOT,
    env: { ...process.env, TRUNK_STAGING_DIR: dir },
    stdio: "pipe",
  });
  return cacheNameOf(dir);
}

test("an identical build keeps its cache name; a changed one gets a new name", () => {
  const dist = join(ROOT, "dist");
  const copy = mkdtempSync(join(tmpdir(), "liseuse-dist-"));
  try {
    cpSync(dist, copy, { recursive: true });
    assert.equal(rebuild(copy), cacheNameOf(dist));
    const css = readdirSync(copy).find((f) => f.endsWith(".css"));
    appendFileSync(join(copy, css), "\n/* changed */\n");
    assert.notEqual(rebuild(copy), cacheNameOf(dist));
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
});

test("every text or wasm file over 1 kB has .br and .gz copies of exactly its bytes; nothing else has", () => {
  const dist = join(ROOT, "dist");
  const all = readdirSync(dist, { recursive: true }).filter((f) => statSync(join(dist, f)).isFile());
  const originals = all.filter((f) => !/\.(br|gz)$/.test(f));
  const wanted = originals.filter((f) => /\.(html|js|css|wasm|json|svg|webmanifest)$/.test(f) && statSync(join(dist, f)).size >= 1024);
  // The main module, its chunks, the pages and the articles are among them.
  for (const kind of [/_bg\.wasm$/, /^split_.*\.wasm$/, /^index\.html$/, /\/a\/[^/]+\.json$/, /^sw\.js$/]) {
    assert.ok(wanted.some((f) => kind.test(f)), `no ${kind} among the compressed files`);
  }
  for (const f of wanted) {
    const body = readFileSync(join(dist, f));
    for (const [ext, unpack] of [[".br", brotliDecompressSync], [".gz", gunzipSync]]) {
      assert.ok(existsSync(join(dist, f + ext)), `${f}${ext} is missing`);
      const copy = readFileSync(join(dist, f + ext));
      assert.ok(unpack(copy).equals(body), `${f}${ext} is not a copy of ${f}`);
      assert.ok(copy.length < body.length, `${f}${ext} is not smaller`);
    }
  }
  // No copy without its file, nor of a file too small to gain from it.
  const copies = all.filter((f) => /\.(br|gz)$/.test(f));
  assert.deepEqual(copies.filter((c) => !wanted.includes(c.replace(/\.(br|gz)$/, ""))), []);
  assert.equal(copies.length, 2 * wanted.length);
  // The worker precaches the files, never the copies (the host picks the encoding).
  assert.doesNotMatch(readFileSync(join(dist, "sw.js"), "utf8").match(/const PRECACHE = (\[[\s\S]*?\]);/)[1], /\.(br|gz)"/);
});

// scripts/short-imports.mjs on a module made here: three imports from the glue, one used twice
// in the glue (so kept), one not of wasm-bindgen's hashed form (kept), and a memory import.
test("the wasm's hashed imports get short names, in the wasm and in the glue alike", async () => {
  const { shortenImports } = await import(join(ROOT, "scripts/short-imports.mjs"));
  const str = (s) => [s.length, ...Buffer.from(s)];
  const hashed = "__wbg_log_0123456789abcdef";
  const twice = "__wbg_now_fedcba9876543210";
  const plain = "__wbindgen_init_externref_table";
  const imports = [
    [...str("./app_bg.js"), ...str(hashed), 0, 0],
    [...str("./app_bg.js"), ...str(twice), 0, 0],
    [...str("./app_bg.js"), ...str(plain), 0, 0],
    [...str("env"), ...str("memory"), 2, 0, 1],
    // Not the glue's: kept whatever its name. A table and a global, for their encodings.
    [...str("./other.js"), ...str("__wbg_x_00112233445566ff"), 0, 0],
    [...str("env"), ...str("table"), 1, 0x70, 0, 1],
    [...str("env"), ...str("g"), 3, 0x7f, 0],
  ];
  const leb = (n) => (n < 128 ? [n] : [(n & 0x7f) | 0x80, n >> 7]);
  const section = (id, body) => [id, ...leb(body.length), ...body];
  const module = Uint8Array.from([
    0, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
    ...section(1, [1, 0x60, 0, 0]), // one type: () -> ()
    ...section(2, [imports.length, ...imports.flat()]),
    ...section(7, [1, ...str("run"), 0, 0]), // export the first import as `run`
  ]);
  const glue = `const imports = { ${hashed}: () => calls.push("log"), ${twice}: () => {}, ${plain}: () => {} };\n// ${twice}\n`;
  const { wasm, glue: newGlue, renamed } = shortenImports(module, glue);
  assert.equal(renamed, 1);
  const names = WebAssembly.Module.imports(new WebAssembly.Module(wasm)).map((i) => i.name);
  assert.deepEqual(names, ["a", twice, plain, "memory", "__wbg_x_00112233445566ff", "table", "g"]);
  assert.ok(newGlue.includes("a: () =>") && !newGlue.includes(hashed) && newGlue.split(twice).length === 3);
  const calls = [];
  const glueImports = { a: () => calls.push("log"), [twice]: () => {}, [plain]: () => {} };
  const instance = new WebAssembly.Instance(new WebAssembly.Module(wasm), {
    "./app_bg.js": glueImports,
    "./other.js": { __wbg_x_00112233445566ff: () => {} },
    env: { memory: new WebAssembly.Memory({ initial: 1 }), table: new WebAssembly.Table({ initial: 1, element: "anyfunc" }), g: 7 },
  });
  instance.exports.run();
  assert.deepEqual(calls, ["log"]);
  // Run again on its own output (the hook may run twice): nothing left to rename.
  assert.equal(shortenImports(wasm, newGlue).renamed, 0);
  // Run again on a glue that no longer names `twice` twice (minified, its comment gone): it
  // gets a name no other import has.
  const again = shortenImports(wasm, newGlue.replace(`// ${twice}`, ""));
  assert.equal(again.renamed, 1);
  const renamedAgain = WebAssembly.Module.imports(new WebAssembly.Module(again.wasm)).map((i) => i.name);
  assert.deepEqual(renamedAgain.slice(0, 2), ["a", "b"]);
});

test("the release build's wasm imports its glue's functions by short names", () => {
  const dist = join(ROOT, "dist");
  const wasmName = readdirSync(dist).find((f) => /^liseuse-[0-9a-f]+_bg\.wasm$/.test(f));
  const glue = readFileSync(join(dist, wasmName.replace(/_bg\.wasm$/, ".js")), "utf8");
  const names = WebAssembly.Module.imports(new WebAssembly.Module(readFileSync(join(dist, wasmName))))
    .filter((i) => i.module === "./liseuse_bg.js")
    .map((i) => i.name);
  assert.ok(names.length > 200, `${names.length} imports`);
  assert.deepEqual(names.filter((n) => /^__wbg_.*_[0-9a-f]{16}$/.test(n)), []);
  // Each a key of the glue's import object (minified: `{__proto__:null,a:function(t){…},b:…`).
  for (const name of names) {
    assert.ok(new RegExp(`[{,]${name.replace(/\$/g, "\\$")}:function\\(`).test(glue), `the glue has no key ${name}`);
  }
});
