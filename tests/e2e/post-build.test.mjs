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
