// The post-build hook on its own: the cache name derives from the build's content, so an
// identical build keeps its cache and any change gets a new one.
import { test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync, appendFileSync, readdirSync } from "node:fs";
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
