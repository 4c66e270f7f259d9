// The post-build hook's chunk step on its own: a split build (the Makefile's release flags,
// `--cfg liseuse_split`) whose glue loads no chunk fails the build, loudly, instead of shipping
// a wasm whose lazy parts would all fail at run time; a plain build without chunks passes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { shipChunks } from "../../scripts/split/chunks.mjs";

test("a split build whose glue has no chunk marker fails; a plain build passes with no chunks", () => {
  const staging = mkdtempSync(join(tmpdir(), "liseuse-staging-"));
  try {
    writeFileSync(join(staging, "liseuse-0123abcd.js"), 'import * as wasm from "./liseuse-0123abcd_bg.wasm";\n');
    const release = { RUSTFLAGS: "--cfg erase_components --cfg liseuse_split -Clink-args=--emit-relocs" };
    assert.throws(() => shipChunks(staging, release), /liseuse_split.*loads no chunk/);
    assert.throws(() => shipChunks(staging, { CARGO_ENCODED_RUSTFLAGS: ["--cfg", "liseuse_split"].join("\x1f") }), /loads no chunk/);
    assert.deepEqual(shipChunks(staging, { RUSTFLAGS: "--cfg erase_components" }), []);
    assert.deepEqual(shipChunks(staging, {}), []);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
});
