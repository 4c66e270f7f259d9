// Shared set-up for the browser tests: Debian's Chromium driven by playwright-core, against the
// release dist/ served on loopback by a plain static server (tests/e2e/server.mjs).
import { chromium } from "playwright-core";
import { before, after } from "node:test";
import { readFileSync, readdirSync, existsSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { serve } from "./server.mjs";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
/** The build under test: dist/, or another one named by LISEUSE_DIST (a build broken on
 * purpose, to see a test fail). */
export const DIST = process.env.LISEUSE_DIST ?? join(ROOT, "dist");

export const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

export async function launch() {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/**
 * One browser and one server of a dist folder for a whole test file, started before its tests
 * and closed after them: `const env = sharedBrowserAndServer();` then `env.browser`, `env.server`.
 */
export function sharedBrowserAndServer(options) {
  const env = {};
  before(async () => {
    env.browser = await launch();
    env.server = await serveDist(options);
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.close();
  });
  return env;
}

/** Serves a built dist folder (default: dist/) under `prefix`. */
export async function serveDist({ dir = DIST, prefix = "/", ...options } = {}) {
  if (!existsSync(join(dir, "index.html"))) {
    throw new Error(`${dir} has no build: run \`make build\` first`);
  }
  return serve(dir, { prefix, ...options });
}

/**
 * A new page in a fresh context that records console errors, uncaught exceptions and failed
 * requests; `page.problems()` lists them (the ones `allow` matches excepted).
 */
export async function newPage(browser, { viewport = { width: 1280, height: 900 }, allow = [], serviceWorkers = "allow" } = {}) {
  const context = await browser.newContext({ viewport, locale: "fr-FR", serviceWorkers });
  const page = await context.newPage();
  const problems = [];
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()} @ ${m.location().url}`);
  });
  page.on("pageerror", (e) => problems.push(`exception: ${e.message}`));
  page.on("requestfailed", (r) => {
    // A load cut short by the page's own navigation (a favicon during a reload) is no fault.
    if (!r.failure()?.errorText.includes("ERR_ABORTED")) problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`);
  });
  page.problems = () => problems.filter((p) => !allow.some((re) => re.test(p)));
  return page;
}

/**
 * Waits until the app has mounted (the header is rendered by the wasm) and, on an article's
 * page, has taken over from the page's static copy (`#prerender`).
 */
export async function appReady(page) {
  await page.waitForFunction(
    () => !document.getElementById("prerender") && document.querySelector("header.site-header"),
    null,
    { timeout: 15000 },
  );
}

/** The articles of content/ (or `dir`), in library order, read from their front matter. */
export function contentArticles(dir = join(ROOT, "content")) {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".md"))
    .map((f) => {
      const front = readFileSync(join(dir, f), "utf8").split(/^---$/m)[1];
      const field = (k) => front.match(new RegExp(`^${k}: (.*)$`, "m"))?.[1]?.trim();
      return { slug: field("slug"), title: field("title"), order: Number(field("order") ?? 1e9) };
    })
    .sort((a, b) => a.order - b.order || a.slug.localeCompare(b.slug));
}

/** Compares texts the way a reader sees them: any run of spaces (no-break ones too) is one. */
export const squash = (s) => s.replace(/\s+/gu, " ").trim();

/** Gives a new page these display settings (« Affichage ») before its first load, once: a
 * reload keeps what the page changed since. */
export async function useSettings(page, settings) {
  await page.addInitScript((s) => {
    if (!sessionStorage.getItem("set")) {
      localStorage.setItem("liseuse:settings", JSON.stringify(s));
      sessionStorage.setItem("set", "1");
    }
  }, settings);
}

/** Selects from the start of `from` to the end of `to` (searched in the article's text, across
 * text nodes; `from`'s `nth` occurrence, 0 the first), as a reader dragging over the text would. */
export async function selectText(page, from, to = from, { nth = 0 } = {}) {
  await page.locator(".article-body p").first().waitFor();
  await page.evaluate(
    ([from, to, nth]) => {
      const body = document.querySelector(".article-body");
      const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
      const nodes = [];
      let text = "";
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        nodes.push([n, text.length]);
        text += n.data;
      }
      let at = -1;
      for (let i = 0; i <= nth; i++) at = text.indexOf(from, at + 1);
      const endAt = at < 0 ? -1 : text.indexOf(to, at);
      if (at < 0 || endAt < 0) throw new Error(`text not found: ${from} … ${to}`);
      const point = (offset, isEnd) => {
        for (const [n, base] of nodes) {
          if (offset < base + n.data.length || (isEnd && offset === base + n.data.length)) return [n, offset - base];
        }
      };
      const range = document.createRange();
      range.setStart(...point(at, false));
      range.setEnd(...point(endAt + to.length, true));
      getSelection().removeAllRanges();
      getSelection().addRange(range);
    },
    [from, to, nth],
  );
  await page.getByRole("toolbar", { name: "Surligner la sélection" }).waitFor();
}

/** The start offsets of the open article's text blocks (`data-b`), in reading order. */
export async function blockOffsets(page) {
  return page.locator(".article-body [data-b]").evaluateAll((els) => els.map((e) => Number(e.dataset.b)));
}

/** The block stored as the place to resume in `slug` (`undefined` when none). */
export async function storedPlace(page, slug) {
  return page.evaluate((k) => JSON.parse(localStorage.getItem(k) ?? "null")?.block, `liseuse:progress:${slug}`);
}

/** Scrolls the block at `block` to the window's top, and waits until it is the place stored. */
export async function readTo(page, slug, block) {
  await page.evaluate((b) => window.scrollBy(0, document.querySelector(`.article-body [data-b="${b}"]`).getBoundingClientRect().top - 5), block);
  await page.waitForFunction(
    ([k, b]) => JSON.parse(localStorage.getItem(k) ?? "null")?.block === b,
    [`liseuse:progress:${slug}`, block],
    { timeout: 10000 },
  );
}
