// Liseuse's benchmark: `make bench` (full) or `make bench-quick` (one run of each, for CI).
// It serves the release dist/ on loopback and measures in headless Chromium:
//   1. weight of a first visit to an article (raw, gzip, brotli);
//   2. time to text, cold and warm, for each article, against a baseline made in the same run
//      (the same article as a plain static HTML page with no script, its stylesheet inline,
//      served and cached like the app's pages), and app ready in ms and ÷ that baseline;
//   3. "Surligner" → mark painted, and article render, with 0, 100 and 1,000 stored highlights;
//   4. "Mes notes" with 10,000 highlights, and one filter keystroke there;
//   5. one search query (articles and notes);
//   6. scale: 5, 50 and 500 generated articles (build time, weight, time to text);
//   7. phone profile: time to text and app ready, cold and warm, with Lighthouse's mobile
//      throttling (150 ms round trip, 1.6 Mbit/s down, 750 kbit/s up, CPU ×4, 390×844),
//      against the static baseline in the same run;
//   8. sync: a pass through a real WebDAV server (WsgiDAV, as the sync tests start it) with
//      10,000 highlights over 500 articles, nothing changed, and one article changed on the
//      server: requests and time.
// dist/ is served compressed, as hosts do (brotli when asked, else gzip: tests/e2e/server.mjs),
// with validators (ETag, Last-Modified: a browser's cache revalidates, 304).
// Medians of interleaved runs; results as a table and as JSON in bench/results/, with a verdict
// per budget (see "Verdicts" below: a full run exits non-zero when a budget is exceeded).
// Times are measured in the page (performance.now), first paint after the DOM change being the
// next animation frame, identically for Liseuse and the baseline.
import { chromium } from "playwright-core";
import { mkdirSync, writeFileSync, readFileSync, existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { gzipSync, brotliCompressSync, constants } from "node:zlib";
import { execFileSync } from "node:child_process";
import os from "node:os";
import { serve } from "../tests/e2e/server.mjs";
import { ROOT, CHROMIUM, CHROMIUM_ARGS, contentArticles, selectText } from "../tests/e2e/harness.mjs";
import { startWebdav } from "../tests/e2e/webdav.mjs";
import { PHONE, throttle } from "./phone.mjs";

const quick = process.argv.includes("--quick");
// `--phone [runs]`: only the weight and the phone profile (to try a change quickly).
const phoneOnly = process.argv.includes("--phone");
const RUNS = quick ? 1 : phoneOnly ? Number(process.argv[process.argv.indexOf("--phone") + 1]) || 5 : 7;
const withScale = !quick && !phoneOnly && !process.argv.includes("--no-scale");
// The build measured: dist/, or another one (`LISEUSE_DIST`, as the browser tests take).
const dist = process.env.LISEUSE_DIST ?? join(ROOT, "dist");
const tmp = join(ROOT, "bench", "tmp");
rmSync(tmp, { recursive: true, force: true });
mkdirSync(tmp, { recursive: true });

/** In-page promises give up after this long, so a broken measure fails instead of hanging. */
const PAGE_TIMEOUT_MS = 30000;
const step = (what) => process.stderr.write(`bench: ${what}\n`);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const round = (x, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
const chromiumVersion = browser.version();

// Records, in the page, when the first paragraph of the article text is painted.
const TEXT_PROBE = () => {
  window.__textAt = null;
  new MutationObserver((_, obs) => {
    if (document.querySelector("article p")) {
      obs.disconnect();
      requestAnimationFrame(() => (window.__textAt = performance.now()));
    }
  }).observe(document, { childList: true, subtree: true });
};

// Records when the app has drawn the article itself (an article's page first shows a static
// copy, see build/emit.rs): the copy is gone, the text is there, and so are at least
// `__wantMarks` highlight marks. From then on the reader can highlight.
const READY_PROBE = (wantMarks) => {
  window.__readyAt = null;
  const ready = () =>
    !document.getElementById("prerender") &&
    document.querySelector(".article-body p") &&
    document.querySelectorAll(".article-body mark.hl").length >= wantMarks;
  new MutationObserver((_, obs) => {
    if (document.body && ready()) {
      obs.disconnect();
      requestAnimationFrame(() => (window.__readyAt = performance.now()));
    }
  }).observe(document, { childList: true, subtree: true });
};

/** Time to text and, for Liseuse, time until the app has taken over (`ready`). */
async function timeToText(context, url, { app = true } = {}) {
  const page = await context.newPage();
  await page.addInitScript(TEXT_PROBE);
  if (app) await page.addInitScript(READY_PROBE, 0);
  await page.goto(url);
  await page.waitForFunction(() => window.__textAt !== null, null, { timeout: 30000 });
  if (app) await page.waitForFunction(() => window.__readyAt !== null, null, { timeout: 30000 });
  const t = await page.evaluate(() => ({ text: window.__textAt, ready: window.__readyAt }));
  await page.close();
  return t;
}

/** Time to text (and app ready) of one cold visit then one warm visit, in the phone profile. */
async function phoneVisits(url, { app }) {
  const context = await browser.newContext({ viewport: PHONE.viewport, isMobile: true, hasTouch: true });
  const throttled = async () => {
    const page = await context.newPage();
    await throttle(page);
    return page;
  };
  const visit = async () => {
    const page = await throttled();
    await page.addInitScript(TEXT_PROBE);
    if (app) await page.addInitScript(READY_PROBE, 0);
    await page.goto(url);
    await page.waitForFunction(() => window.__textAt !== null, null, { timeout: 60000 });
    if (app) await page.waitForFunction(() => window.__readyAt !== null, null, { timeout: 60000 });
    // The painted time too (first contentful paint), and the app's steps: its wasm fetched
    // (the response's end), then its own marks (src/main.rs, src/catalog.rs, src/browser.rs).
    await page.waitForFunction(() => performance.getEntriesByName("first-contentful-paint").length > 0, null, { timeout: 60000 });
    const t = await page.evaluate(() => {
      const at = (name) => performance.getEntriesByName(name)[0]?.startTime ?? null;
      const wasm = performance.getEntriesByType("resource").find((r) => /_bg\.wasm$/.test(r.name));
      return {
        text: window.__textAt,
        ready: window.__readyAt,
        fcp: at("first-contentful-paint"),
        steps: {
          wasmFetched: wasm ? wasm.responseEnd : null,
          wasmStarted: at("liseuse:wasm-started"),
          articleParsed: at("liseuse:article-parsed"),
          takeover: at("liseuse:takeover"),
        },
      };
    });
    if (app) await page.evaluate(async () => navigator.serviceWorker && (await navigator.serviceWorker.ready));
    await page.close();
    return t;
  };
  const cold = await visit();
  const warm = await visit();
  await context.close();
  return { cold, warm };
}

async function phoneTable(server, article) {
  const runs = { app: [], base: [], bare: [] };
  for (let run = 0; run < RUNS; run++) {
    runs.app.push(await phoneVisits(`${server.url}lire/${article.slug}/`, { app: true }));
    runs.base.push(await phoneVisits(`${server.origin}/__baseline/${article.slug}.html`, { app: false }));
    runs.bare.push(await phoneVisits(`${server.origin}/__baseline/${article.slug}.bare.html`, { app: false }));
  }
  const m = (which, visit, what) => median(runs[which].map((r) => r[visit][what]));
  const out = { article: article.slug, profile: PHONE };
  for (const visit of ["cold", "warm"]) {
    const app = m("app", visit, "text");
    const baseline = m("base", visit, "text");
    const ready = m("app", visit, "ready");
    // Issue 22's measures: painted time (first contentful paint) against the bare page's.
    const fcp = { app: m("app", visit, "fcp"), static: m("base", visit, "fcp"), bare: m("bare", visit, "fcp") };
    const steps = {};
    for (const k of Object.keys(runs.app[0][visit].steps)) {
      const xs = runs.app.map((r) => r[visit].steps[k]).filter((x) => x !== null);
      steps[k] = xs.length ? median(xs) : null;
    }
    out[visit] = {
      app, baseline, ratio: app / baseline, ready, readyRatio: ready / baseline,
      fcp, fcpRatio: fcp.app / fcp.bare, readyToBare: ready / fcp.bare, steps,
    };
  }
  return out;
}

/** A highlight's panel is a lazy chunk: from the tap on a stored highlight to its panel
 * painted, in the phone profile, the first time (its code fetched over the network: no service
 * worker, the case of a reader who taps before the worker has kept the chunk) and a second time. */
async function phonePanel(server, article) {
  const first = [];
  const again = [];
  for (let run = 0; run < RUNS; run++) {
    const context = await browser.newContext({ viewport: PHONE.viewport, isMobile: true, hasTouch: true, serviceWorkers: "block" });
    const page = await context.newPage();
    await page.addInitScript(READY_PROBE, 0);
    await page.goto(`${server.url}lire/${article.slug}/`);
    await page.waitForFunction(() => window.__readyAt !== null, null, { timeout: 30000 });
    const words = (await page.locator(".article-body p").first().innerText()).split(/\s+/).slice(0, 4).join(" ");
    await selectText(page, words);
    await page.getByRole("button", { name: "Surligner", exact: true }).tap();
    // A reader coming back to a highlight: a page that has not fetched the panel's code yet
    // (selecting text fetches it ahead).
    await page.locator(".article-body mark.hl").first().waitFor();
    await page.reload();
    await page.waitForFunction(() => window.__readyAt !== null, null, { timeout: 30000 });
    const mark = page.locator(".article-body mark.hl").first();
    await mark.waitFor();
    await throttle(page);
    const open = async () => {
      await page.evaluate(() => {
        window.__panelAt = null;
        addEventListener("pointerdown", () => (window.__tapAt = performance.now()), { once: true, capture: true });
        new MutationObserver((_, obs) => {
          if (document.querySelector(".panel")) {
            obs.disconnect();
            requestAnimationFrame(() => (window.__panelAt = performance.now()));
          }
        }).observe(document.body, { childList: true, subtree: true });
      });
      await mark.tap();
      await page.waitForFunction(() => window.__panelAt !== null, null, { timeout: 60000 });
      const t = await page.evaluate(() => window.__panelAt - window.__tapAt);
      await page.getByRole("button", { name: "Fermer" }).tap();
      await page.locator(".panel").waitFor({ state: "detached" });
      return t;
    };
    first.push(await open());
    again.push(await open());
    await context.close();
  }
  return { first: median(first), again: median(again) };
}

/**
 * A static copy of an article as Liseuse renders it, with its stylesheet and no script. Served
 * as the app is: the stylesheet inline, as in the app's article pages (so neither needs a
 * second request for its text), `.br`/`.gz` copies at the build's levels (scripts/post-build.mjs),
 * and the same server, validators and cache headers (a warm visit revalidates it, 304, as a
 * browser does a host's page; the app's comes from its worker's cache).
 */
const BARE_CSS = "body{margin:0 auto;max-width:40rem;padding:1rem;font:1.125rem/1.7 Georgia,serif;color:#1f1d1a;background:#fdfcf9}";

async function makeBaselines(server, articles) {
  const page = await browser.newPage();
  const cssFile = readFileSync(join(dist, "index.html"), "utf8").match(/href="\/(main-[0-9a-f]+\.css)"/)[1];
  const css = readFileSync(join(dist, cssFile), "utf8");
  for (const a of articles) {
    await page.goto(`${server.url}lire/${a.slug}/`);
    await page.waitForFunction(() => !document.getElementById("prerender") && document.querySelector("article .article-body p"));
    const html = await page.locator("article").evaluate((el) => el.outerHTML);
    const file = join(dist, "__baseline", `${a.slug}.html`);
    const body = Buffer.from(
      `<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${a.slug}</title><style>${css}</style></head><body><main>${html}</main></body></html>`,
    );
    // And the limit (issue 22): the same text with a tiny stylesheet, nothing else.
    const bare = Buffer.from(
      `<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${a.slug}</title><style>${BARE_CSS}</style></head><body><main>${html}</main></body></html>`,
    );
    for (const [f, b] of [[file, body], [file.replace(/\.html$/, ".bare.html"), bare]]) {
      writeFileSync(f, b);
      writeFileSync(`${f}.br`, brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: b.length } }));
      writeFileSync(`${f}.gz`, gzipSync(b, { level: 9 }));
    }
  }
  await page.close();
}

async function weightOfFirstVisit(url) {
  const context = await browser.newContext({ serviceWorkers: "block" });
  const page = await context.newPage();
  const files = [];
  page.on("response", async (r) => {
    try {
      const body = await r.body();
      files.push({
        url: new URL(r.url()).pathname,
        raw: body.length,
        gzip: gzipSync(body, { level: 9 }).length,
        brotli: brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
      });
    } catch {
      // Redirects have no body.
    }
  });
  await page.goto(url, { waitUntil: "networkidle" });
  await page.waitForFunction(() => !document.getElementById("prerender") && document.querySelector("article p"));
  await context.close();
  const total = (k) => files.reduce((s, f) => s + f[k], 0);
  return { files, raw: total("raw"), gzip: total("gzip"), brotli: total("brotli") };
}

/**
 * What the service worker downloads after a first visit so every article reads offline (its
 * precache list), gzip: not on the first visit's critical path, but real bytes all the same.
 */
function offlineCopyWeight(dir) {
  const list = JSON.parse(readFileSync(join(dir, "sw.js"), "utf8").match(/const PRECACHE = (\[[\s\S]*?\]);/)[1]);
  let gzip = 0;
  for (const path of list) {
    const file = path === "./" || path.endsWith("/") ? join(dir, path, "index.html") : join(dir, path);
    gzip += gzipSync(readFileSync(file), { level: 9 }).length;
  }
  return { files: list.length, gzip };
}

/** Stores `n` highlights spread over the article, as the app would. */
async function seedHighlights(page, slug, n) {
  await page.evaluate(
    ({ slug, n }) => {
      const text = [...document.querySelectorAll(".article-body [data-b]")].map((e) => e.textContent).join("\n\n");
      const chars = [...text];
      const highlights = [];
      for (let i = 0; i < n; i++) {
        const start = Math.floor((i / n) * (chars.length - 40));
        const end = start + 5 + (i % 30);
        highlights.push({
          id: `b${i}`, article: slug, color: ["yellow", "green", "blue", "pink"][i % 4], note: `note ${i}`,
          created: 1000 + i, updated: 1000 + i,
          quote: { exact: chars.slice(start, end).join(""), prefix: chars.slice(Math.max(0, start - 32), start).join(""), suffix: chars.slice(end, end + 32).join("") },
          position: { start, end },
        });
      }
      localStorage.setItem(`liseuse:article:${slug}`, JSON.stringify({ schema: 2, article: slug, record: { highlights } }));
    },
    { slug, n },
  );
}

async function highlightTimings(server, article, n) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${server.url}lire/${article.slug}/`);
  await page.waitForFunction(() => !document.getElementById("prerender") && document.querySelector(".article-body p"));
  const renders = [];
  const clicks = [];
  await page.addInitScript(READY_PROBE, Math.min(n, 1));
  for (let run = 0; run < RUNS; run++) {
    // The `n` highlights alone before each run: the one the run before made is gone, so each
    // run renders `n` and its « Surligner » makes a new mark (on a passage already highlighted
    // in that colour, it makes none: the fourth run would select the first one's passage).
    await seedHighlights(page, article.slug, n);
    await page.reload();
    await page.waitForFunction(() => window.__readyAt !== null, null, { timeout: 30000 });
    renders.push(await page.evaluate(() => window.__readyAt));
    // Select a passage near the end, then time « Surligner » → mark painted.
    await page.evaluate((run) => {
      const ps = document.querySelectorAll(".article-body p");
      const p = ps[ps.length - 1 - (run % 3)];
      const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
      const node = walker.nextNode();
      const r = document.createRange();
      r.setStart(node, 0);
      r.setEnd(node, Math.min(node.length, 12));
      getSelection().removeAllRanges();
      getSelection().addRange(r);
    }, run);
    const button = page.getByRole("button", { name: "Surligner", exact: true });
    await button.waitFor();
    const before = await page.evaluate(() => document.querySelectorAll(".article-body mark.hl").length);
    const t = await button.evaluate(
      (b, before) =>
        new Promise((resolve) => {
          const start = performance.now();
          new MutationObserver((_, obs) => {
            if (document.querySelectorAll(".article-body mark.hl").length > before) {
              obs.disconnect();
              requestAnimationFrame(() => resolve(performance.now() - start));
            }
          }).observe(document.querySelector(".article-body"), { childList: true, subtree: true });
          setTimeout(() => resolve(Number.NaN), 30000);
          b.click();
        }),
      before,
    );
    clicks.push(t);
  }
  await context.close();
  return { render: median(renders), surligner: median(clicks) };
}

async function notebookTimings(server, articles) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const per = Math.ceil(10000 / articles.length);
  for (const a of articles) {
    await page.goto(`${server.url}lire/${a.slug}/`);
    await page.waitForFunction(() => !document.getElementById("prerender") && document.querySelector(".article-body p"));
    await seedHighlights(page, a.slug, per);
  }
  const renders = [];
  const filters = [];
  for (let run = 0; run < RUNS; run++) {
    await page.goto(server.url);
    await page.locator(".cards").waitFor();
    const t = await page.evaluate(
      () =>
        new Promise((resolve) => {
          const start = performance.now();
          new MutationObserver((_, obs) => {
            if (document.querySelectorAll(".note-item").length > 0) {
              obs.disconnect();
              requestAnimationFrame(() => resolve(performance.now() - start));
            }
          }).observe(document.body, { childList: true, subtree: true });
          setTimeout(() => resolve(Number.NaN), 30000);
          [...document.querySelectorAll("a")].find((a) => a.textContent === "Mes notes").click();
        }),
    );
    renders.push(t);
    const f = await page.locator("#notes-filter").evaluate(
      (input, run) =>
        new Promise((resolve) => {
          const start = performance.now();
          new MutationObserver((_, obs) => {
            obs.disconnect();
            requestAnimationFrame(() => resolve(performance.now() - start));
          }).observe(document.querySelector(".my-notes"), { childList: true, subtree: true });
          setTimeout(() => resolve(Number.NaN), 30000);
          input.value = `note ${run + 1}`;
          input.dispatchEvent(new Event("input", { bubbles: true }));
        }),
      run,
    );
    filters.push(f);
  }
  const count = await page.evaluate(() => document.querySelectorAll(".note-item").length);
  await context.close();
  return { highlights: per * articles.length, render: median(renders), filter: median(filters), shownAfterFilter: count };
}

async function searchTiming(server) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${server.url}recherche/`);
  await page.locator("h1").waitFor();
  const times = [];
  // Three times the runs of the other measures: a query takes a few ms, and the frame it is
  // painted in adds up to one more frame (16.7 ms) of chance to each sample.
  for (let run = 0; run < 3 * Math.max(RUNS, 3) + 2; run++) {
    const t = await page.getByRole("searchbox", { name: "Rechercher" }).evaluate(
      (input, q) =>
        new Promise((resolve) => {
          const start = performance.now();
          // Done when the status counts the results for this query (the parts of the index
          // and the articles it needs may be fetched first: that counts too).
          const status = document.querySelector(".search-page [role=status]");
          new MutationObserver((_, obs) => {
            if (/r\u00e9sultat/.test(status.textContent) && status.textContent.includes(q)) {
              obs.disconnect();
              const inDom = performance.now() - start;
              requestAnimationFrame(() => resolve([performance.now() - start, inDom]));
            }
          }).observe(document.querySelector("main"), { childList: true, subtree: true, characterData: true });
          setTimeout(() => resolve([Number.NaN, Number.NaN]), 30000);
          input.value = q;
          input.dispatchEvent(new Event("input", { bubbles: true }));
        }),
      run % 2 ? "confiance" : "ethique vente",
    );
    times.push(t);
  }
  await context.close();
  // The first two queries fetch the parts of the index and the articles they need; after
  // that, a query is answered from what is loaded (the budget's case).
  const later = times.slice(2);
  return { first: times[0][0], median: median(later.map((t) => t[0])), inDom: median(later.map((t) => t[1])) };
}

/** One sync pass started by « Synchroniser maintenant »: its requests to the WebDAV server and
 * its time, from the click to the last answer once the server has been quiet for 500 ms. */
async function syncPass(page, davBase) {
  const requests = [];
  let last = 0;
  const onRequest = (r) => r.url().startsWith(davBase) && r.method() !== "OPTIONS" && requests.push(r.method());
  const onDone = (r) => r.url().startsWith(davBase) && (last = performance.now());
  page.on("request", onRequest);
  page.on("requestfinished", onDone);
  page.on("requestfailed", onDone);
  const start = performance.now();
  await page.getByRole("button", { name: "Synchroniser maintenant" }).click();
  const deadline = start + 300000;
  while (performance.now() < deadline && (requests.length === 0 || last === 0 || performance.now() - last < 500)) {
    await new Promise((r) => setTimeout(r, 50));
  }
  page.off("request", onRequest);
  page.off("requestfinished", onDone);
  page.off("requestfailed", onDone);
  return { requests: requests.length, kinds: requests.join(" "), ms: last - start };
}

async function syncTimings(server, { articles = 500, perArticle = 20 } = {}) {
  const dav = await startWebdav("wsgidav", { origin: server.origin });
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(`${server.url}synchro/`);
    await page.evaluate(({ articles, perArticle }) => {
      for (let a = 0; a < articles; a++) {
        const slug = `banc-${a}`;
        const highlights = [];
        for (let i = 0; i < perArticle; i++) {
          highlights.push({
            id: `s${a}-${i}`, article: slug, color: "yellow", note: `note ${i}`, created: 1000 + i, updated: 1000 + i,
            quote: { exact: `passage ${i}`, prefix: "avant ", suffix: " après" }, position: { start: i * 20, end: i * 20 + 10 },
          });
        }
        localStorage.setItem(`liseuse:article:${slug}`, JSON.stringify({ schema: 2, article: slug, record: { highlights } }));
      }
    }, { articles, perArticle });
    await page.reload();
    await page.getByLabel("Adresse du dossier WebDAV", { exact: true }).fill(dav.url);
    await page.getByLabel("Identifiant", { exact: true }).fill(dav.user);
    await page.getByLabel("Mot de passe", { exact: true }).fill(dav.password);
    const first = await syncPass(page, dav.base);
    const quiet = await syncPass(page, dav.base);
    // Another device adds a highlight to one article.
    const file = await dav.get("liseuse/banc-0.json");
    const doc = JSON.parse(file.text);
    doc.record.highlights.push({ ...doc.record.highlights[0], id: "ailleurs", note: "d’un autre appareil", updated: Date.now() });
    await dav.put("liseuse/banc-0.json", JSON.stringify(doc), file.etag ? { "If-Match": file.etag } : {});
    const oneChanged = await syncPass(page, dav.base);
    const status = await page.locator("p.sync-status").textContent();
    return { articles, highlights: articles * perArticle, first, quiet, oneChanged, status };
  } finally {
    await context.close();
    await dav.stop();
  }
}

async function timeToTextTable(server, articles) {
  const rows = [];
  for (const a of articles) {
    const cold = { app: [], base: [], ready: [] };
    const warm = { app: [], base: [], ready: [] };
    const appUrl = `${server.url}lire/${a.slug}/`;
    const baseUrl = `${server.origin}/__baseline/${a.slug}.html`;
    for (let run = 0; run < RUNS; run++) {
      // Interleaved: app then baseline, each in a new profile (cold), then again (warm).
      for (const [which, url] of [["app", appUrl], ["base", baseUrl]]) {
        const context = await browser.newContext();
        const first = await timeToText(context, url, { app: which === "app" });
        cold[which].push(first.text);
        if (which === "app") cold.ready.push(first.ready);
        if (which === "app") {
          // Let the service worker finish precaching, as after a real first visit.
          const p = await context.newPage();
          await p.goto(appUrl);
          await p.evaluate(async () => navigator.serviceWorker && (await navigator.serviceWorker.ready));
          await p.close();
        }
        const second = await timeToText(context, url, { app: which === "app" });
        warm[which].push(second.text);
        if (which === "app") warm.ready.push(second.ready);
        await context.close();
      }
    }
    const words = readFileSync(join(ROOT, "content", `${a.slug}.md`), "utf8").split(/\s+/).length;
    rows.push({
      slug: a.slug,
      words,
      cold: { app: median(cold.app), baseline: median(cold.base), ratio: median(cold.app) / median(cold.base), ready: median(cold.ready), readyRatio: median(cold.ready) / median(cold.base) },
      warm: { app: median(warm.app), baseline: median(warm.base), ratio: median(warm.app) / median(warm.base), ready: median(warm.ready), readyRatio: median(warm.ready) / median(warm.base) },
    });
  }
  return rows;
}

async function measureDist(dir, articles) {
  mkdirSync(join(dir, "__baseline"), { recursive: true });
  const server = await serve(dir, { compress: true, validators: true });
  try {
    const weight = await weightOfFirstVisit(`${server.url}lire/${articles[0].slug}/`);
    weight.offlineCopy = offlineCopyWeight(dir);
    return { server, weight };
  } catch (e) {
    await server.close();
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
const articles = contentArticles();
mkdirSync(join(dist, "__baseline"), { recursive: true });
const server = await serve(dist, { compress: true, validators: true });
const results = {
  date: new Date().toISOString(),
  quick,
  runs: RUNS,
  machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, memoryGiB: round(os.totalmem() / 2 ** 30), platform: `${os.platform()} ${os.release()}`, chromium: chromiumVersion, node: process.version },
};
try {
  step("baselines");
  await makeBaselines(server, articles);
  step("weight");
  results.weight = await weightOfFirstVisit(`${server.url}lire/${articles[0].slug}/`);
  results.weight.offlineCopy = offlineCopyWeight(dist);
  const longest = [...articles].sort((a, b) => readFileSync(join(ROOT, "content", `${b.slug}.md`)).length - readFileSync(join(ROOT, "content", `${a.slug}.md`)).length)[0];
  step("phone profile");
  results.phone = await phoneTable(server, longest);
  results.phone.panel = await phonePanel(server, longest);
  if (!phoneOnly) {
    step("time to text");
    results.timeToText = await timeToTextTable(server, quick ? articles.slice(0, 1) : articles);
    results.highlights = {};
    for (const n of quick ? [0, 100] : [0, 100, 1000]) {
      step(`highlights: ${n}`);
      results.highlights[n] = await highlightTimings(server, longest, n);
    }
    results.highlights.article = longest.slug;
    step("notebook");
    results.notebook = await notebookTimings(server, articles);
    step("search");
    results.search = { articles: articles.length, ...(await searchTiming(server)) };
    step("sync");
    try {
      results.sync = await syncTimings(server);
    } catch (e) {
      // No WebDAV server here (setup.sh --with-browser installs it): said, not fatal.
      results.sync = { error: String(e.message ?? e) };
    }
  }
} finally {
  await server.close();
  rmSync(join(dist, "__baseline"), { recursive: true, force: true });
}

if (withScale) {
  results.scale = [];
  for (const n of [5, 50, 500]) {
    const dir = join(tmp, `content-${n}`);
    execFileSync("node", [join(ROOT, "bench", "generate.mjs"), String(n), dir]);
    const out = join(tmp, `dist-${n}`);
    const started = Date.now();
    execFileSync("trunk", ["build", "--release", "--dist", out], { cwd: ROOT, env: { ...process.env, LISEUSE_CONTENT_DIR: dir }, stdio: "ignore" });
    const buildSeconds = (Date.now() - started) / 1000;
    const generated = contentArticles(dir);
    const { server: s, weight } = await measureDist(out, generated);
    let ttt;
    let ready;
    let search;
    try {
      const times = [];
      for (let run = 0; run < RUNS; run++) {
        const context = await browser.newContext();
        times.push(await timeToText(context, `${s.url}lire/${generated[0].slug}/`));
        await context.close();
      }
      ttt = median(times.map((t) => t.text));
      ready = median(times.map((t) => t.ready));
      search = await searchTiming(s);
    } finally {
      await s.close();
    }
    results.scale.push({ articles: n, buildSeconds: round(buildSeconds), gzip: weight.gzip, offlineGzip: weight.offlineCopy.gzip, timeToText: ttt, ready, search });
  }
}
await browser.close();

// ---------------------------------------------------------------------------------------------
const kb = (b) => `${round(b / 1000)} kB`;
const ms = (t) => (t == null ? "—" : `${round(t)} ms`);
const lines = [];
const say = (s = "") => lines.push(s);
say(`Liseuse benchmark — ${results.date} — ${RUNS} run(s) per median${quick ? " (quick mode)" : ""}`);
say(`machine: ${results.machine.cpus} cores, ${results.machine.cpu}, Chromium ${chromiumVersion}`);
say();
say("1. First visit to an article: every file fetched");
for (const f of results.weight.files) say(`   ${f.url.padEnd(44)} ${String(f.raw).padStart(8)} raw ${String(f.gzip).padStart(8)} gzip ${String(f.brotli).padStart(8)} br`);
say(`   total: ${kb(results.weight.raw)} raw, ${kb(results.weight.gzip)} gzip, ${kb(results.weight.brotli)} brotli   (budget ≤ 240 kB gzip)`);
say(`   then, in the background, the worker's offline copy: ${results.weight.offlineCopy.files} files, ${kb(results.weight.offlineCopy.gzip)} gzip`);
say();
if (results.timeToText) {
  say("2. Time to text (navigation → first paragraph painted), median; ratio = Liseuse ÷ static baseline");
  for (const r of results.timeToText) {
    say(`   ${r.slug.padEnd(40)} ${String(r.words).padStart(5)} words  cold ${ms(r.cold.app)} vs ${ms(r.cold.baseline)} = ×${round(r.cold.ratio, 2)}   warm ${ms(r.warm.app)} vs ${ms(r.warm.baseline)} = ×${round(r.warm.ratio, 2)}   (budget ×1.5)`);
  }
  say("   app ready (the app has drawn the article and took over the static copy: highlighting works), median, and ÷ the static page's text:");
  for (const r of results.timeToText) say(`   ${r.slug.padEnd(40)} cold ${ms(r.cold.ready)} = ×${round(r.cold.ready / r.cold.baseline, 2)}   warm ${ms(r.warm.ready)} = ×${round(r.warm.ready / r.warm.baseline, 2)}`);
  say();
  say(`3. Highlights in « ${results.highlights.article} »`);
  const zero = results.highlights[0];
  for (const [n, h] of Object.entries(results.highlights)) {
    if (n === "article") continue;
    say(`   ${String(n).padStart(5)} stored: article render ${ms(h.render)} (×${round(h.render / zero.render, 2)} of none, budget ×2)   Surligner → mark ${ms(h.surligner)} (budget 16 ms)`);
  }
  say();
  say(`4. « Mes notes » with ${results.notebook.highlights} highlights: render ${ms(results.notebook.render)} (budget 200 ms), filter keystroke ${ms(results.notebook.filter)} (budget 50 ms)`);
  say(`5. Search, ${results.search.articles} articles and notes: ${ms(results.search.median)} (budget 10 ms; results in the DOM ${ms(results.search.inDom)}, the rest is waiting for the frame); first query, fetching the index parts and articles it needs: ${ms(results.search.first)}`);
}
if (results.scale) {
  say("6. Scale");
  for (const s of results.scale) say(`   ${String(s.articles).padStart(4)} articles: build ${s.buildSeconds} s, first visit ${kb(s.gzip)} gzip (offline copy ${kb(s.offlineGzip)}), time to text ${ms(s.timeToText)}, app ready ${ms(s.ready)}, search ${ms(s.search.median)} (budget 50 ms at 500; first query ${ms(s.search.first)})`);
}
{
  const p = results.phone;
  say(`7. Phone profile (${p.profile.latency} ms RTT, ${p.profile.down * 8 / 1e6} Mbit/s down, CPU ×${p.profile.cpu}, ${p.profile.viewport.width}×${p.profile.viewport.height}), « ${p.article} », median`);
  for (const v of ["cold", "warm"]) {
    say(`   ${v}: time to text ${ms(p[v].app)} vs static ${ms(p[v].baseline)} = ×${round(p[v].ratio, 2)} (budget ×1.15)   app ready ${ms(p[v].ready)} = ×${round(p[v].readyRatio, 2)} of the static text (budget ×4.5)`);
  }
  for (const v of ["cold", "warm"]) {
    const f = p[v].fcp;
    say(`   ${v}, painted (first contentful paint): Liseuse ${ms(f.app)}, static page ${ms(f.static)}, bare page ${ms(f.bare)}: ×${round(p[v].fcpRatio, 2)} of the bare page (goal ×1.2); app ready ×${round(p[v].readyToBare, 2)} of the bare page's (goal ×3)`);
    const st = p[v].steps;
    say(`      steps: wasm fetched ${ms(st.wasmFetched)}, started ${ms(st.wasmStarted)}, article parsed ${ms(st.articleParsed)}, static copy taken over ${ms(st.takeover)}, app ready ${ms(p[v].ready)}`);
  }
  if (p.panel) say(`   a highlight's panel, tap to painted: first time (its chunk fetched) ${ms(p.panel.first)}, then ${ms(p.panel.again)}`);
}
if (results.sync) {
  const y = results.sync;
  if (y.error) say(`8. Sync: not measured (${y.error.split("\n")[0]})`);
  else {
    say(`8. Sync through WsgiDAV, ${y.highlights} highlights over ${y.articles} articles`);
    say(`   first pass (uploads everything): ${y.first.requests} requests, ${ms(y.first.ms)}`);
    say(`   nothing changed: ${y.quiet.requests} request(s) (${y.quiet.kinds}), ${ms(y.quiet.ms)}`);
    say(`   one article changed on the server: ${y.oneChanged.requests} requests (${y.oneChanged.kinds}), ${ms(y.oneChanged.ms)}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Verdicts. Each budget is compared with its measure: "pass" (within), "over" (exceeded) or
// "broken" (the measure is not a finite number: NaN from a timed-out probe, a ratio over 0…).
// Any other number of the results that is not finite, and a measure that failed (sync), are
// broken measures too. A full run exits non-zero when a budget is over or a measure broken; a
// quick run (`--quick`, `--phone`: one or few runs, noisy numbers) only warns when a budget is
// over, but still fails on a broken measure.
const verdicts = [];
const budget = (name, value, limit, unit) =>
  verdicts.push({ name, value, budget: limit, unit, status: !Number.isFinite(value) ? "broken" : value <= limit ? "pass" : "over" });
budget("first visit to an article, gzip", results.weight.gzip / 1000, 240, "kB");
if (results.timeToText) {
  for (const r of results.timeToText) {
    for (const v of ["cold", "warm"]) budget(`time to text ÷ static page, ${v}, ${r.slug}`, r[v].ratio, 1.5, "×");
  }
  const zero = results.highlights[0];
  for (const [n, h] of Object.entries(results.highlights)) {
    if (n === "article") continue;
    if (n !== "0") budget(`article render with ${n} highlights ÷ with none`, h.render / zero.render, 2, "×");
    budget(`« Surligner » → mark painted, ${n} highlights stored`, h.surligner, 16, "ms");
  }
  budget(`« Mes notes » render, ${results.notebook.highlights} highlights`, results.notebook.render, 200, "ms");
  budget("« Mes notes » filter keystroke", results.notebook.filter, 50, "ms");
  budget("search query", results.search.median, 10, "ms");
}
if (results.scale) {
  for (const sc of results.scale.filter((x) => x.articles === 500)) budget(`search query, ${sc.articles} articles`, sc.search.median, 50, "ms");
}
for (const v of ["cold", "warm"]) {
  budget(`phone: time to text ÷ static page, ${v}`, results.phone[v].ratio, 1.15, "×");
  budget(`phone: app ready ÷ static page's text, ${v}`, results.phone[v].readyRatio, 4.5, "×");
}
if (results.sync && !results.sync.error) {
  budget("sync: requests of a pass with nothing changed", results.sync.quiet.requests, 1, "");
  budget("sync: requests of a pass with one article changed on the server", results.sync.oneChanged.requests, 2, "");
}
// Every other number measured must be a number.
const notFinite = [];
(function scan(value, path) {
  if (typeof value === "number" && !Number.isFinite(value)) notFinite.push(path);
  else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) scan(v, path ? `${path}.${k}` : k);
})(results, "");
for (const path of notFinite) {
  verdicts.push({ name: `measure ${path}`, value: null, status: "broken" });
}
if (results.sync?.error) verdicts.push({ name: "sync measure", value: null, status: "broken", error: results.sync.error });
const over = verdicts.filter((v) => v.status === "over");
const broken = verdicts.filter((v) => v.status === "broken");
const binding = !quick && !phoneOnly;
results.verdicts = verdicts;
results.verdict = broken.length ? "broken" : over.length ? "over" : "pass";
const shown = (v) => (v.value === null || !Number.isFinite(v.value) ? String(v.value) : v.unit === "×" ? `×${round(v.value, 2)}` : `${round(v.value)}${v.unit ? ` ${v.unit}` : ""}`);
say();
say(`Budgets (${binding ? "binding: a full run fails when one is over" : "quick run: over budget only warns, a broken measure fails"})`);
for (const v of verdicts) {
  const limit = v.budget === undefined ? "" : ` (budget ${v.unit === "×" ? `×${v.budget}` : `${v.budget}${v.unit ? ` ${v.unit}` : ""}`})`;
  say(`   ${v.status.toUpperCase().padEnd(6)} ${v.name}: ${shown(v)}${limit}${v.error ? `: ${v.error.split("\n")[0]}` : ""}`);
}
console.log(lines.join("\n"));
mkdirSync(join(ROOT, "bench", "results"), { recursive: true });
// The start time in the name: several runs a day (before / after a fix) all stay.
const stamp = results.date.slice(0, 16).replace(":", "");
const file = join(ROOT, "bench", "results", `${quick || phoneOnly ? "quick" : "full"}-${stamp}.json`);
writeFileSync(file, JSON.stringify(results, null, 2));
console.log(`\nwritten: ${file}`);
if (broken.length) {
  console.error(`bench: FAILED: ${broken.length} broken measure(s): ${broken.map((v) => v.name).join("; ")}`);
  process.exit(1);
}
if (over.length) {
  const what = `${over.length} budget(s) over: ${over.map((v) => `${v.name} ${shown(v)}`).join("; ")}`;
  if (binding) {
    console.error(`bench: FAILED: ${what}`);
    process.exit(1);
  }
  console.error(`bench: WARNING (quick run, not binding): ${what}`);
}
