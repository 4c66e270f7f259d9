// Builds issue 22's floor (bench/floor: Leptos, the article parsed and drawn, nothing else) in
// release, as the app is built (std for size, immediate abort: the Makefile's FLOOR_ENV), and
// writes target/dist-floor: a copy of dist/ whose app wasm and glue are the floor's, compressed
// as scripts/post-build.mjs compresses. `make bench-floor` then compares the two folders.
import { execFileSync } from "node:child_process";
import { brotliCompressSync, gzipSync, constants } from "node:zlib";
import { copyFileSync, cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { transformSync } from "esbuild";

const root = new URL("../../", import.meta.url).pathname;
const dist = `${root}dist`;
const out = `${root}target/dist-floor`;
const work = `${root}target/floor`;
if (!existsSync(`${dist}/index.html`)) {
  console.error("bench/floor/build.mjs: no dist/ to compare with: run `make build` first");
  process.exit(2);
}
const run = (cmd, args) => execFileSync(cmd, args, { stdio: "inherit", cwd: root });

// The app's own lockfile: the same Leptos, serde and wasm-bindgen as the app's build.
copyFileSync(`${root}Cargo.lock`, `${root}bench/floor/Cargo.lock`);
run("cargo", ["build", "--release", "--target", "wasm32-unknown-unknown", "--manifest-path", "bench/floor/Cargo.toml", "--target-dir", work]);
run("wasm-bindgen", ["--target", "web", "--no-typescript", "--out-dir", `${work}/bindgen`, `${work}/wasm32-unknown-unknown/release/liseuse-floor.wasm`]);
run("wasm-opt", ["-Oz", "--enable-bulk-memory", "--enable-nontrapping-float-to-int", "--enable-sign-ext", "--enable-mutable-globals", "--strip-debug", "--strip-producers", `${work}/bindgen/liseuse-floor_bg.wasm`, "-o", `${work}/floor.wasm`]);

// The floor takes the names of the app's glue and wasm, so that the pages load it unchanged.
rmSync(out, { recursive: true, force: true });
cpSync(dist, out, { recursive: true });
const glue = readdirSync(out).find((f) => /^liseuse-[0-9a-f]+\.js$/.test(f));
const wasm = readdirSync(out).find((f) => /^liseuse-[0-9a-f]+_bg\.wasm$/.test(f));
const minified = transformSync(readFileSync(`${work}/bindgen/liseuse-floor.js`, "utf8"), { minify: true, format: "esm" }).code;
writeFileSync(`${out}/${glue}`, minified);
copyFileSync(`${work}/floor.wasm`, `${out}/${wasm}`);
for (const name of [glue, wasm]) {
  const body = readFileSync(`${out}/${name}`);
  writeFileSync(`${out}/${name}.br`, brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } }));
  writeFileSync(`${out}/${name}.gz`, gzipSync(body, { level: 9 }));
}
const kb = (path) => (readFileSync(path).length / 1000).toFixed(1);
for (const [what, name] of [["wasm", wasm], ["glue", glue]]) {
  console.log(`${what}: app ${kb(`${dist}/${name}.br`)} kB brotli (${kb(`${dist}/${name}.gz`)} gzip), floor ${kb(`${out}/${name}.br`)} kB brotli (${kb(`${out}/${name}.gz`)} gzip)`);
}
