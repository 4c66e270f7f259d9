// Part of the post_build hook (scripts/post-build.mjs): ships the lazy chunks that
// scripts/split/wasm-bindgen cut out of the main wasm for this build. Each chunk is optimised
// like the main wasm (index.html's wasm-opt parameters) and named after its content, and so
// is their loader, so that no host or service worker can mix one build's chunks with another's.
import { readFileSync, writeFileSync, readdirSync, existsSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { join, basename } from "node:path";
import { createHash } from "node:crypto";

const SPLIT_DIR = "target/wasm-split";
const LOADER = "./__wasm_split.js";

const contentHash = (bytes) => createHash("sha256").update(bytes).digest("hex").slice(0, 16);

function wasmOptArgs() {
  const html = readFileSync("index.html", "utf8");
  const level = html.match(/data-wasm-opt="([^"]+)"/)?.[1];
  const params = html.match(/data-wasm-opt-params="([^"]*)"/)?.[1] ?? "";
  if (!level) throw new Error("split: no data-wasm-opt in index.html");
  return [`-O${level}`, ...params.split(/\s+/).filter(Boolean)];
}

// Hosts that send `.wasm` as `application/octet-stream` (older servers, some object stores) make
// `WebAssembly.instantiateStreaming` fail: the loader then instantiates from the bytes, as
// wasm-bindgen's glue does for the main module.
const INSTANTIATE = `
// Added by scripts/split/chunks.mjs: streaming needs the type application/wasm, which some hosts
// do not send; then from the bytes, as wasm-bindgen's glue does for the main module.
async function __liseuse_instantiate(response, imports) {
  const source = await response;
  const type = (source.headers.get("Content-Type") ?? "").split(";")[0].trim();
  if (source.ok && type !== "application/wasm") {
    return WebAssembly.instantiate(await source.arrayBuffer(), imports);
  }
  return WebAssembly.instantiateStreaming(source, imports);
}
`;

export function withInstantiateFallback(loader) {
  const call = "WebAssembly.instantiateStreaming(";
  if (!loader.includes(call)) throw new Error(`split: the loader has no ${call}…) to give a fallback to`);
  return loader.replaceAll(call, "__liseuse_instantiate(") + INSTANTIATE;
}

/** Whether this build was asked for lazy chunks: the Makefile's release flags
 * (`--cfg liseuse_split`), which Trunk passes on to its hooks with the rest of the environment. */
export function splitWanted(env = process.env) {
  const flags = `${env.RUSTFLAGS ?? ""} ${(env.CARGO_ENCODED_RUSTFLAGS ?? "").split("\x1f").join(" ")}`;
  return /--cfg[= ]liseuse_split\b/.test(flags);
}

/** Returns the names of the files it added to `staging` (none for a build without chunks). */
export function shipChunks(staging, env = process.env) {
  const glues = readdirSync(staging).filter((name) => /^liseuse-[0-9a-f]+\.js$/.test(name));
  if (glues.length !== 1) throw new Error(`split: expected one liseuse-<hash>.js in ${staging}, found ${glues.length}`);
  const gluePath = join(staging, glues[0]);
  const glue = readFileSync(gluePath, "utf8");
  if (!glue.includes(`from "${LOADER}"`)) {
    // A split build whose glue loads no chunk shipped the lazy code nowhere: its lazy parts
    // would all fail at run time. (scripts/split/wasm-bindgen not first on PATH, or
    // wasm-split-cli not run.)
    if (splitWanted(env)) {
      throw new Error(`split: this build was made with --cfg liseuse_split, but ${glues[0]} loads no chunk (is scripts/split first on PATH?)`);
    }
    return [];
  }

  // wasm-bindgen named the glue `liseuse.js`; Trunk added the hash when it staged it.
  const marker = join(SPLIT_DIR, ".main-module");
  const mainModule = existsSync(marker) ? readFileSync(marker, "utf8").trim() : "";
  if (mainModule !== glues[0].replace(/-[0-9a-f]+\.js$/, "")) {
    throw new Error(`split: ${glues[0]} loads lazy chunks, but ${SPLIT_DIR} holds none for it`);
  }
  let loader = readFileSync(join(SPLIT_DIR, "__wasm_split.js"), "utf8");
  const glueImport = `from "./${mainModule}.js"`;
  if (!loader.includes(glueImport)) throw new Error(`split: the loader does not import ./${mainModule}.js`);
  loader = loader.replaceAll(glueImport, `from "./${glues[0]}"`);
  loader = withInstantiateFallback(loader);
  const added = [];
  const opt = wasmOptArgs();
  for (const name of readdirSync(SPLIT_DIR).filter((n) => n.endsWith(".wasm") && n !== `${mainModule}.wasm`)) {
    const optimised = join(SPLIT_DIR, `opt-${name}`);
    execFileSync("wasm-opt", [...opt, join(SPLIT_DIR, name), "-o", optimised], { stdio: "inherit" });
    const bytes = readFileSync(optimised);
    const shipped = `${basename(name, ".wasm")}-${contentHash(bytes)}.wasm`;
    writeFileSync(join(staging, shipped), bytes);
    const reference = `"./${name}"`;
    if (!loader.includes(reference)) throw new Error(`split: the loader does not name ${name}`);
    loader = loader.replaceAll(reference, `"./${shipped}"`);
    added.push(shipped);
  }
  const loaderName = `__wasm_split-${contentHash(loader)}.js`;
  writeFileSync(join(staging, loaderName), loader);
  // Only the JS imports: the wasm's own import module keeps its name (a key of the glue's imports).
  writeFileSync(gluePath, glue.replaceAll(`from "${LOADER}"`, `from "./${loaderName}"`));
  added.push(loaderName);
  return added;
}
