// Trunk post_build hook: makes dist/ work on any static file server, without rewrite rules.
// Each route gets its own copy of the app shell (`lire/<slug>/index.html`), so a reload on an
// article's URL finds a file; `404.html` is the shell too, for hosts that serve it on a miss.
// The slugs are the names of content/*.md (the build checks each matches its front matter);
// LISEUSE_CONTENT_DIR points the build and this hook at another folder (benchmarks).
import { readFileSync, writeFileSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";

const staging = process.env.TRUNK_STAGING_DIR;
if (!staging) {
  console.error("post-build: TRUNK_STAGING_DIR is not set (run through `trunk build`)");
  process.exit(1);
}
const shell = readFileSync(join(staging, "index.html"), "utf8");
const contentDir = process.env.LISEUSE_CONTENT_DIR || "content";
const slugs = readdirSync(contentDir)
  .filter((name) => name.endsWith(".md"))
  .map((name) => name.slice(0, -3));

for (const slug of slugs) {
  const dir = join(staging, "lire", slug);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "index.html"), shell);
}
for (const route of ["notes"]) {
  mkdirSync(join(staging, route), { recursive: true });
  writeFileSync(join(staging, route, "index.html"), shell);
}
writeFileSync(join(staging, "404.html"), shell);
console.log(`post-build: ${slugs.length} article routes and 404.html written`);
