// Trunk post_build hook: finishes dist/ for any static file server, offline use and a strict
// Content-Security-Policy. It works in TRUNK_STAGING_DIR, where Trunk put the hashed files.
//  0. The content files the build script wrote (build/emit.rs: `content/<version>/…`), copied
//     from its OUT_DIR, which cargo names when asked again (a no-op build, about a second).
//  0b. The lazy wasm chunks of a release build (scripts/split/chunks.mjs).
//  0c. The JS modules (wasm-bindgen's glue, the chunks' loader) minified by esbuild in a
//      release build, and the inline scripts (step 1): 70 kB of glue with its comments and long
//      names is 3 kB gzip more on every first visit. (Trunk's own minifier, minify-js 0.5, is
//      known to break code.) Before that, the wasm's imports from the glue get short names
//      (scripts/short-imports.mjs): 8 kB gzip more otherwise.
//  0d. The link-preview images (build/og_image.rs: `og/<slug>.png`), and the address of the site,
//      SITE_URL, which their tags need (step 2).
//  1. CSP: a <meta http-equiv> with the hashes of the inline scripts Trunk emitted.
//  2. One copy of the app shell per route (`lire/<slug>/index.html`, `notes/…`, `recherche/…`), so a
//     reload on any URL finds a file without rewrite rules; `404.html` for hosts that serve it.
//     An article's page has its static copy and the stylesheet inline, and its Open Graph and
//     Twitter Card tags, for the preview of a link to it (LinkedIn, messengers…).
//  3. sw.js: the service worker, with the exact list of this build's files to precache and a
//     build name (its cache's, with the scope) derived from their content (an identical build keeps its cache).
//  4. A `.br` and a `.gz` copy beside each large file, for hosts that serve them (see README).
// The articles are those the build script rendered (one `prerender/<slug>.html` each), so
// LISEUSE_CONTENT_DIR, which points the build at another folder, reaches this hook too.
import { readFileSync, writeFileSync, mkdirSync, readdirSync, statSync, cpSync, rmSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { join, relative, sep } from "node:path";
import { createHash } from "node:crypto";
import { brotliCompressSync, gzipSync, constants } from "node:zlib";
import { transformSync } from "esbuild";
import { shipChunks } from "./split/chunks.mjs";
import { shortenImports } from "./short-imports.mjs";

const staging = process.env.TRUNK_STAGING_DIR;
const release = process.env.TRUNK_PROFILE === "release";
/** esbuild's minifier: only names local to the script change (a module keeps its exports). */
const minifyJs = (code, format) => transformSync(code, { minify: true, format, legalComments: "none" }).code.trim();
if (!staging) {
  console.error("post-build: TRUNK_STAGING_DIR is not set (run through `trunk build`)");
  process.exit(1);
}

// 0. Content files.
function buildScriptOutDir() {
  const args = ["build", "--target", "wasm32-unknown-unknown", "--bin", "liseuse", "--message-format=json"];
  if (release) args.push("--release");
  const messages = execFileSync("cargo", args, { encoding: "utf8", maxBuffer: 256 << 20, stdio: ["ignore", "pipe", "inherit"] });
  for (const line of messages.split("\n")) {
    if (!line.startsWith("{")) continue;
    const m = JSON.parse(line);
    if (m.reason === "build-script-executed" && /[#/]liseuse[@#]|^liseuse /.test(m.package_id)) return m.out_dir;
  }
  console.error("post-build: cargo did not name liseuse's build script output");
  process.exit(1);
}
const site = join(buildScriptOutDir(), "site");
const [version] = readdirSync(join(site, "content"));
rmSync(join(staging, "content"), { recursive: true, force: true });
cpSync(join(site, "content"), join(staging, "content"), { recursive: true });

// 0d. Link-preview images, one per article, rendered by the build script from the content alone
// (so that another SITE_URL rebuilds nothing), with the text of their tags (`og.json`). Not
// precached (step 3): they are for the previews other sites show, not for reading.
rmSync(join(staging, "og"), { recursive: true, force: true });
cpSync(join(site, "og"), join(staging, "og"), { recursive: true });
const og = JSON.parse(readFileSync(join(site, "og.json"), "utf8"));
const siteUrl = siteAddress(process.env.SITE_URL);

// 0b. The lazy chunks of the release build (scripts/split/), before the precache list names them.
const chunks = shipChunks(staging);

// 0c. Minified JS modules. Their names stay (the content hash Trunk or chunks.mjs gave them):
// the inline module of index.html imports the glue by name, and there is no integrity
// attribute to keep (data-integrity="none"). Module scope: exported names are kept.
if (release) {
  for (const wasmName of readdirSync(staging).filter((n) => /_bg\.wasm$/.test(n))) {
    const wasmPath = join(staging, wasmName);
    const gluePath = join(staging, wasmName.replace(/_bg\.wasm$/, ".js"));
    const { wasm, glue, renamed } = shortenImports(readFileSync(wasmPath), readFileSync(gluePath, "utf8"));
    writeFileSync(wasmPath, wasm);
    writeFileSync(gluePath, glue);
    console.log(`post-build: ${renamed} imports of ${wasmName} renamed short`);
  }
  for (const name of readdirSync(staging).filter((n) => /\.js$/.test(n))) {
    const path = join(staging, name);
    writeFileSync(path, minifyJs(readFileSync(path, "utf8"), "esm"));
  }
}

// 1. Content-Security-Policy.
// (Without the library's preview tags of step 2, when the hook runs again on its own output.)
let shell = readFileSync(join(staging, "index.html"), "utf8").replace(/\n\s*<meta (?:property="og:|name="twitter:)[^>]*>/g, "");
// An article's page carries the stylesheet inline (step 2), allowed by its hash.
const stylesheetLink = shell.match(/<link rel="stylesheet" href="[^"]*?([^"/]+\.css)"[^>]*>/);
if (!stylesheetLink) {
  console.error("post-build: no stylesheet <link> in index.html");
  process.exit(1);
}
// Inline, without its comments and runs of spaces (1.5 kB gzip less on every article's page);
// the file itself, which other pages fetch, stays as Trunk wrote it (its integrity hash).
const stylesheet = minifyCss(readFileSync(join(staging, stylesheetLink[1]), "utf8"));
const styleHash = `'sha256-${createHash("sha256").update(stylesheet).digest("base64")}'`;
// The inline scripts (assets/boot.js, Trunk's loader) minified too, before they are hashed.
if (release) {
  shell = shell.replace(/(<script(?![^>]*\bsrc=)([^>]*)>)([\s\S]*?)(<\/script>)/g, (_, open, attributes, body, close) => {
    return open + minifyJs(body, /type="module"/.test(attributes) ? "esm" : undefined) + close;
  });
  writeFileSync(join(staging, "index.html"), shell);
}
const inlineScripts = [...shell.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
const hashes = inlineScripts.map((s) => `'sha256-${createHash("sha256").update(s).digest("base64")}'`);
const csp = [
  "default-src 'self'",
  // Sync (src/sync_driver.rs): the reader's own WebDAV server, over https, or on loopback.
  "connect-src 'self' https: http://127.0.0.1:* http://localhost:*",
  `script-src 'self' 'wasm-unsafe-eval' ${hashes.join(" ")}`.trim(),
  `style-src 'self' ${styleHash}`,
  "img-src 'self' data:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
].join("; ");
if (!shell.includes('http-equiv="Content-Security-Policy"')) {
  shell = shell.replace(/<meta charset="utf-8"\s*\/?>/i, (m) => `${m}\n    <meta http-equiv="Content-Security-Policy" content="${csp}" />`);
  if (!shell.includes("Content-Security-Policy")) {
    console.error("post-build: no <meta charset> to put the CSP after");
    process.exit(1);
  }
  writeFileSync(join(staging, "index.html"), shell);
}

// 2. Route shells.
const slugs = readdirSync(join(site, "prerender")).map((name) => name.replace(/\.html$/, ""));
if (!shell.includes("<body>")) {
  console.error("post-build: no <body> in index.html to put the articles in");
  process.exit(1);
}
// An article's page carries a static copy of the reader page (build/emit.rs), painted before
// the app starts; the header here is the app's header as it first renders (src/app.rs).
// Links are relative to the page's <base href>, the skip link's too: it names the page itself,
// since `#contenu` alone would lead to the library. The search field is read-only until the app
// takes over (what is typed before would be lost).
const staticHeader = (slug) =>
  `<a class="skip-link" href="lire/${slug}/#contenu">Aller au contenu</a>` +
  '<header class="site-header"><a class="brand" href="./">Liseuse</a>' +
  '<nav aria-label="Navigation principale"><a href="./">Bibliothèque</a><a href="notes/">Mes notes</a><a href="synchro/">Synchronisation</a></nav>' +
  '<form class="search-box" role="search"><input type="search" aria-label="Rechercher" placeholder="Rechercher" aria-keyshortcuts="/" readonly></form>' +
  '<div class="display-settings"><button type="button" class="header-button" aria-expanded="false" aria-controls="affichage">Affichage</button></div>' +
  '<p class="network-status" role="status"></p></header>';
function articlePage(slug) {
  const main = readFileSync(join(site, "prerender", `${slug}.html`), "utf8");
  const copy = `<div id="prerender">${staticHeader(slug)}<main id="contenu" tabindex="-1">${main}</main></div>`;
  const title = main.match(/<h1 id="article-title">([^<]*)<\/h1>/)?.[1] ?? "";
  // The app fetches the article as soon as it starts: ask for it while the wasm downloads.
  const preload = `<link rel="preload" href="content/${version}/a/${slug}.json" as="fetch" crossorigin />`;
  // The stylesheet inline: the text is painted with the HTML alone, one round trip sooner on
  // a slow link than a page that must fetch its stylesheet, while the wasm downloads.
  // (Last: the stylesheet's comments may hold the very tags replaced before.)
  return shell
    .replace(/<title>Liseuse<\/title>/, () => `<title>${title} · Liseuse</title>\n    ${preload}\n    ${articleTags(slug)}`)
    .replace(/<body>/, () => `<body>${copy}`)
    .replace(stylesheetLink[0], () => `<style>${stylesheet}</style>`);
}
/** `<meta>` tags, their content escaped for an attribute. */
const escapeAttribute = (s) => String(s).replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const metaTags = (tags) => tags.map(([key, name, content]) => `<meta ${key}="${name}" content="${escapeAttribute(content)}" />`).join("\n    ");
/** An article's card for link previews: title and summary (the front matter's), and with
 * SITE_URL its address and image, which must be absolute (without it, they are left out). */
function articleTags(slug) {
  const meta = og.articles[slug];
  if (!meta) {
    console.error(`post-build: no link-preview text for ${slug} in the build script's og.json`);
    process.exit(1);
  }
  const tags = [
    ["property", "og:type", "article"],
    ["property", "og:site_name", "Liseuse"],
    ["property", "og:locale", "fr_FR"],
    ["property", "og:title", meta.title],
    ["property", "og:description", meta.summary],
  ];
  const alt = `${meta.title}${meta.author ? ` — ${meta.author}` : ""} · Liseuse`;
  if (siteUrl) {
    const image = `${siteUrl}og/${slug}.png`;
    tags.push(
      ["property", "og:url", `${siteUrl}lire/${slug}/`],
      ["property", "og:image", image],
      ["property", "og:image:type", "image/png"],
      ["property", "og:image:width", og.width],
      ["property", "og:image:height", og.height],
      ["property", "og:image:alt", alt],
      ["name", "twitter:card", "summary_large_image"],
      ["name", "twitter:image", image],
      ["name", "twitter:image:alt", alt],
    );
  } else {
    tags.push(["name", "twitter:card", "summary"]);
  }
  tags.push(["name", "twitter:title", meta.title], ["name", "twitter:description", meta.summary]);
  return metaTags(tags);
}
/** The library's: the site itself, without an image. */
function libraryTags() {
  const description = (shell.match(/<meta name="description" content="([^"]*)"/)?.[1] ?? "")
    .replace(/&quot;/g, '"').replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
  return metaTags([
    ["property", "og:type", "website"],
    ["property", "og:site_name", "Liseuse"],
    ["property", "og:locale", "fr_FR"],
    ["property", "og:title", "Liseuse"],
    ["property", "og:description", description],
    ...(siteUrl ? [["property", "og:url", siteUrl]] : []),
    ["name", "twitter:card", "summary"],
  ]);
}
const pages = [
  ["", shell.replace(/<title>Liseuse<\/title>/, (m) => `${m}\n    ${libraryTags()}`)],
  ...slugs.map((slug) => [join("lire", slug), articlePage(slug)]),
  ["notes", shell],
  ["recherche", shell],
  ["synchro", shell],
];
for (const [route, page] of pages) {
  mkdirSync(join(staging, route), { recursive: true });
  writeFileSync(join(staging, route, "index.html"), page);
}
writeFileSync(join(staging, "404.html"), shell);

// 3. Service worker.
function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}
const built = files(staging)
  .map((path) => relative(staging, path).split(sep).join("/"))
  .filter((path) => path !== "sw.js" && !/\.(br|gz)$/.test(path))
  .sort();
const digest = createHash("sha256");
for (const path of built) {
  digest.update(path).update("\0").update(readFileSync(join(staging, path))).update("\0");
}
// The build's name; the worker's cache is named after it and its scope (assets/sw.js).
const buildName = `liseuse-${digest.digest("hex").slice(0, 16)}`;
// Requested URLs: a folder's index.html is asked for as the folder. The articles' own pages
// (their static copy) are not precached: offline, the app shell shows any article from its
// precached file, so the offline copy holds each article once; a page visited online is kept
// by the worker as it goes (assets/sw.js). Nor are the link-preview images (`og/`).
const precache = built
  .filter((path) => !path.startsWith("lire/") && !path.startsWith("og/"))
  .map((path) => (path === "index.html" ? "./" : path.replace(/(^|\/)index\.html$/, "$1")));
const worker = readFileSync("assets/sw.js", "utf8")
  .replace('"__LISEUSE_BUILD__"', JSON.stringify(buildName))
  .replace("__LISEUSE_PRECACHE__", JSON.stringify(precache, null, 2));
writeFileSync(join(staging, "sw.js"), worker);
console.log(`post-build: ${chunks.length} lazy chunk file(s), CSP with ${hashes.length} script hash(es), ${pages.length} route shells, sw.js precaching ${precache.length} files of build ${buildName}`);
console.log(`post-build: ${slugs.length} link-preview image(s) in og/, ${siteUrl ? `tags for ${siteUrl}` : "tags without og:url, og:image nor twitter:image (no SITE_URL)"}`);

// 4. Precompressed copies: brotli at its best quality and gzip at level 9, done once here
// rather than by the host on each request (nginx `brotli_static`/`gzip_static`, Caddy
// `file_server { precompressed br gzip }`). Only where it pays: text and wasm over 1 kB.
for (const path of files(staging)) {
  if (!/\.(html|js|css|wasm|json|svg|webmanifest)$/.test(path) || statSync(path).size < 1024) continue;
  const body = readFileSync(path);
  writeFileSync(`${path}.br`, brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } }));
  writeFileSync(`${path}.gz`, gzipSync(body, { level: 9 }));
}

/** SITE_URL, the address the site is served at (e.g. https://example.org/liseuse/), with a
 * trailing slash; null, with a warning, when it is not set; the build fails when it is not an
 * absolute http(s) URL. */
function siteAddress(value) {
  const raw = (value ?? "").trim();
  if (!raw) {
    console.warn(
      "post-build: warning: SITE_URL is not set, so the articles' pages have no og:url, og:image nor twitter:image " +
        "(link previews need absolute URLs): build with e.g. `make build SITE_URL=https://example.org/liseuse/`",
    );
    return null;
  }
  const fail = (why) => {
    console.error(`post-build: SITE_URL=${JSON.stringify(raw)} ${why}; expected the site's absolute address, e.g. https://example.org/liseuse/`);
    process.exit(1);
  };
  let url;
  try {
    url = new URL(raw);
  } catch {
    fail("is not an absolute URL");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") fail("is not an http or https address");
  // (`url.search` is empty for a lone `?`, which `href` keeps: the raw text is looked at.)
  if (/[?#]/.test(raw) || url.username || url.password) fail("has a query, a fragment or credentials");
  if (!url.pathname.endsWith("/")) url.pathname += "/";
  // Trunk names the public URL to hooks: a site served elsewhere than SITE_URL's path is likely
  // a mistake (the images would be looked for where they are not).
  const publicUrl = process.env.TRUNK_PUBLIC_URL;
  if (publicUrl?.startsWith("/") && !url.pathname.endsWith(publicUrl)) {
    console.warn(`post-build: warning: SITE_URL's path ${url.pathname} does not end with the public URL ${publicUrl}`);
  }
  return url.href;
}

/** Comments and runs of white space out, and the spaces around `{`, `}`, `;` and after `,`
 * (never around `:` or `>`, which would change a selector). The stylesheet has no string where
 * that would matter (checked by the post-build test). */
function minifyCss(css) {
  return css
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/\s+/g, " ")
    .replace(/\s*([{};])\s*/g, "$1")
    .replace(/,\s+/g, ",")
    .replace(/;}/g, "}")
    .trim();
}
