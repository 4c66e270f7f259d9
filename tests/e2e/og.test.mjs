// Link previews: each article's page carries its Open Graph and Twitter Card tags, and its image
// (og/<slug>.png, rendered by the build script: build/og_image.rs). target/dist-sub is built with
// SITE_URL (Makefile `build-sub`): every tag, absolute. dist/ without: no address, no image tag.
// Plain file reads: the tags are in the HTML as served, and the PNG is decoded here (zlib).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, existsSync, mkdtempSync, cpSync, rmSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { inflateSync } from "node:zlib";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { ROOT, DIST, contentArticles } from "./harness.mjs";

const SITE_URL = "https://example.org/liseuse/";
const SUB = process.env.LISEUSE_DIST_SUB ?? join(ROOT, "target", "dist-sub");
const articles = contentArticles();

const decode = (s) =>
  s.replace(/&quot;/g, '"').replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&#39;/g, "'").replace(/&amp;/g, "&");

/** The `<meta property|name content>` tags of a page's head: name → every content given. */
function metaTags(html) {
  const head = html.slice(0, html.indexOf("</head>"));
  const tags = new Map();
  for (const m of head.matchAll(/<meta (?:property|name)="((?:og|twitter):[^"]+)" content="([^"]*)"\s*\/?>/g)) {
    tags.set(m[1], [...(tags.get(m[1]) ?? []), decode(m[2])]);
  }
  return tags;
}

/** The one content of a tag (fails when missing or given twice). */
function one(tags, name) {
  const values = tags.get(name) ?? [];
  assert.equal(values.length, 1, `${name}: ${values.length} tag(s)`);
  return values[0];
}

function page(dist, slug) {
  const html = readFileSync(join(dist, "lire", slug, "index.html"), "utf8");
  const h1 = decode(html.match(/<h1 id="article-title">([^<]*)<\/h1>/)[1]);
  return { html, h1, tags: metaTags(html) };
}

/** The summary the app shows, from the article's own file (the one its page preloads). */
function summaryOf(dist, slug) {
  const html = readFileSync(join(dist, "lire", slug, "index.html"), "utf8");
  const file = html.match(/<link rel="preload" href="(content\/[0-9a-f]+\/a\/[^"]+\.json)"/)[1];
  return JSON.parse(readFileSync(join(dist, file), "utf8")).meta.summary;
}

/** A PNG decoded: width, height and RGB pixels (8-bit truecolour, with alpha, or palette). */
function decodePng(bytes) {
  assert.deepEqual([...bytes.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10], "PNG signature");
  let width, height, depth, type, palette;
  const idat = [];
  for (let at = 8; at < bytes.length; ) {
    const length = bytes.readUInt32BE(at);
    const kind = bytes.toString("latin1", at + 4, at + 8);
    const data = bytes.subarray(at + 8, at + 8 + length);
    if (kind === "IHDR") [width, height, depth, type] = [data.readUInt32BE(0), data.readUInt32BE(4), data[8], data[9]];
    if (kind === "PLTE") palette = data;
    if (kind === "IDAT") idat.push(data);
    at += 12 + length;
  }
  assert.equal(depth, 8, "8 bits a sample");
  const channels = { 2: 3, 3: 1, 6: 4 }[type];
  assert.ok(channels, `colour type ${type}`);
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const rows = Buffer.alloc(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    for (let x = 0; x < stride; x++) {
      const v = raw[y * (stride + 1) + 1 + x];
      const a = x >= channels ? rows[y * stride + x - channels] : 0;
      const b = y > 0 ? rows[(y - 1) * stride + x] : 0;
      const c = x >= channels && y > 0 ? rows[(y - 1) * stride + x - channels] : 0;
      const paeth = () => {
        const p = a + b - c;
        const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      };
      const predicted = [0, a, b, (a + b) >> 1, filter === 4 ? paeth() : 0][filter];
      rows[y * stride + x] = (v + predicted) & 255;
    }
  }
  const rgb = (x, y) => {
    const i = y * stride + x * channels;
    return type === 3 ? [...palette.subarray(rows[i] * 3, rows[i] * 3 + 3)] : [rows[i], rows[i + 1], rows[i + 2]];
  };
  return { width, height, type, rgb };
}

test("each article's page in the SITE_URL build has its card: every tag once, absolute, its own", () => {
  assert.ok(existsSync(join(SUB, "index.html")), `${SUB} has no build: run \`make build-sub\` first`);
  for (const { slug } of articles) {
    const { h1, tags } = page(SUB, slug);
    assert.equal(one(tags, "og:type"), "article");
    assert.equal(one(tags, "og:site_name"), "Liseuse");
    assert.equal(one(tags, "og:locale"), "fr_FR");
    // The title is the page's h1, the description the article's summary (front matter).
    assert.equal(one(tags, "og:title"), h1);
    assert.equal(one(tags, "twitter:title"), h1);
    const summary = summaryOf(SUB, slug);
    assert.ok(summary.length > 0);
    assert.equal(one(tags, "og:description"), summary);
    assert.equal(one(tags, "twitter:description"), summary);
    // Absolute addresses under SITE_URL: the page itself, and its image.
    assert.equal(one(tags, "og:url"), `${SITE_URL}lire/${slug}/`);
    const image = one(tags, "og:image");
    assert.equal(image, `${SITE_URL}og/${slug}.png`);
    assert.equal(one(tags, "twitter:image"), image);
    for (const url of [one(tags, "og:url"), image]) assert.equal(new URL(url).protocol, "https:");
    assert.equal(one(tags, "og:image:type"), "image/png");
    assert.equal(one(tags, "og:image:width"), "1200");
    assert.equal(one(tags, "og:image:height"), "627");
    assert.ok(one(tags, "og:image:alt").startsWith(h1));
    assert.equal(one(tags, "twitter:card"), "summary_large_image");
    // The image is where the tag says, in this dist.
    assert.ok(existsSync(join(SUB, image.slice(SITE_URL.length))), `${image} is not in the dist`);
  }
  // The library has the site's own.
  const library = metaTags(readFileSync(join(SUB, "index.html"), "utf8"));
  assert.equal(one(library, "og:type"), "website");
  assert.equal(one(library, "og:url"), SITE_URL);
  assert.equal(library.get("og:image"), undefined);
});

test("each image is a 1200 × 627 PNG with the title in the text colour, inside its margins", () => {
  const TEXT = [0x1f, 0x1d, 0x1a];
  const BACKGROUND = [0xfd, 0xfc, 0xf9];
  const near = (p, q) => p.every((v, i) => Math.abs(v - q[i]) <= 12);
  for (const { slug } of articles) {
    const bytes = readFileSync(join(SUB, "og", `${slug}.png`));
    // The IHDR first: the size link previews ask for.
    assert.equal(bytes.toString("latin1", 12, 16), "IHDR");
    assert.deepEqual([bytes.readUInt32BE(16), bytes.readUInt32BE(20)], [1200, 627], slug);
    const png = decodePng(bytes);
    let text = 0;
    let background = 0;
    let outside = 0;
    for (let y = 0; y < png.height; y++) {
      for (let x = 0; x < png.width; x++) {
        const p = png.rgb(x, y);
        if (near(p, BACKGROUND)) background++;
        else if (near(p, TEXT)) {
          text++;
          if (x < 60 || x > png.width - 60 || y < 150 || y > png.height - 40) outside++;
        }
      }
    }
    // Mostly the background, thousands of pixels of title, none in the margins.
    assert.ok(background > 0.6 * png.width * png.height, `${slug}: ${background} background pixels`);
    assert.ok(text > 5000, `${slug}: ${text} pixels of text`);
    assert.equal(outside, 0, `${slug}: text in the margins`);
    // Small: a palette image.
    assert.ok(bytes.length < 60_000, `${slug}: ${bytes.length} bytes`);
  }
});

test("the images are not precached: they are for link previews, not for reading", () => {
  const precache = readFileSync(join(SUB, "sw.js"), "utf8").match(/const PRECACHE = (\[[\s\S]*?\]);/)[1];
  assert.doesNotMatch(precache, /"og\//);
  assert.match(precache, /"content\//);
});

test("without SITE_URL (dist/), the tags that need an absolute address are left out", () => {
  for (const { slug } of articles) {
    const { h1, tags } = page(DIST, slug);
    assert.equal(one(tags, "og:type"), "article");
    assert.equal(one(tags, "og:locale"), "fr_FR");
    assert.equal(one(tags, "og:title"), h1);
    assert.equal(one(tags, "og:description"), summaryOf(DIST, slug));
    for (const name of ["og:url", "og:image", "og:image:width", "og:image:height", "og:image:type", "og:image:alt", "twitter:image"]) {
      assert.equal(tags.get(name), undefined, `${slug}: ${name}`);
    }
    assert.equal(one(tags, "twitter:card"), "summary");
  }
  assert.equal(metaTags(readFileSync(join(DIST, "index.html"), "utf8")).get("og:url"), undefined);
});

test("SITE_URL is checked: a trailing slash is added, a malformed one fails the build", () => {
  const copy = mkdtempSync(join(tmpdir(), "liseuse-og-"));
  const hook = (siteUrl) =>
    spawnSync("node", ["scripts/post-build.mjs"], {
      cwd: ROOT,
      env: { ...process.env, TRUNK_STAGING_DIR: copy, SITE_URL: siteUrl },
      encoding: "utf8",
    });
  try {
    cpSync(DIST, copy, { recursive: true });
    for (const bad of ["example.org/liseuse/", "ftp://example.org/", "/liseuse/", "https://example.org/?a=1"]) {
      const run = hook(bad);
      assert.notEqual(run.status, 0, `SITE_URL=${bad} was accepted`);
      assert.match(run.stderr, /post-build: SITE_URL=.* expected the site's absolute address/);
    }
    const run = hook("https://example.org/sans-barre");
    assert.equal(run.status, 0, run.stderr);
    const { tags } = page(copy, articles[0].slug);
    assert.equal(one(tags, "og:url"), `https://example.org/sans-barre/lire/${articles[0].slug}/`);
    // Run again on its own output: each tag still once.
    assert.equal(hook("https://example.org/sans-barre").status, 0);
    const again = page(copy, articles[0].slug).tags;
    assert.equal(one(again, "og:image"), `https://example.org/sans-barre/og/${articles[0].slug}.png`);
    assert.equal(one(metaTags(readFileSync(join(copy, "index.html"), "utf8")), "og:type"), "website");
    // And without: the warning, no address.
    const bare = hook("");
    assert.equal(bare.status, 0);
    assert.match(bare.stderr, /warning: SITE_URL is not set/);
    assert.equal(page(copy, articles[0].slug).tags.get("og:url"), undefined);
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
});
