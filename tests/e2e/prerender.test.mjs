// Static first paint: each article's page carries its text as HTML (build/emit.rs), painted
// before the app starts; the app then draws the same page and takes over without moving a line.
// And the wasm carries no article: the text is fetched, so the app weighs the same at 5 or 500.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { sharedBrowserAndServer, newPage, appReady, contentArticles, squash, selectText, DIST } from "./harness.mjs";

const articles = contentArticles();
const env = sharedBrowserAndServer();

test("an article's page holds its text before any script runs, and reads without JavaScript", async () => {
  for (const article of articles) {
    const html = await (await fetch(`${env.server.url}lire/${article.slug}/`)).text();
    assert.match(html, /<div id="prerender">/);
    const title = html.match(/<title>([^<]*)<\/title>/)[1];
    assert.equal(squash(title), squash(`${article.title} · Liseuse`));
  }
  const context = await env.browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  const article = articles[2];
  await page.goto(`${env.server.url}lire/${article.slug}/`);
  assert.equal(squash(await page.locator("article h1").innerText()), squash(article.title));
  assert.ok((await page.locator("article .article-body p").count()) >= 5);
  // Its fields cannot be typed in: the app would not keep what was typed there.
  assert.ok(await page.locator("#notes-article").evaluate((f) => f.readOnly));
  assert.ok(await page.getByRole("searchbox", { name: "Rechercher" }).evaluate((f) => f.readOnly));
  // Links work as plain links, under the page's base.
  assert.equal(
    await page.getByRole("link", { name: "Retour à la bibliothèque" }).evaluate((a) => a.href),
    env.server.url,
  );
  await context.close();
});

for (const viewport of [{ width: 1280, height: 900 }, { width: 390, height: 844 }]) {
  test(`the app takes over the static copy without moving a line (${viewport.width} px)`, async () => {
    const page = await newPage(env.browser, { viewport });
    // Where every text block and the header are in the static copy, before the app starts.
    await page.addInitScript(() => {
      const boxes = (root) =>
        [...root.querySelectorAll("header.site-header, h1, [data-b], .article-nav a")].map((el) => {
          const r = el.getBoundingClientRect();
          return [el.tagName, el.dataset.b ?? "", r.top, r.left, r.width, r.height, el.textContent];
        });
      window.__boxes = boxes;
      // And what the browser itself counts as layout shifts (Cumulative Layout Shift).
      window.__shift = 0;
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) window.__shift += e.value;
      }).observe({ type: "layout-shift", buffered: true });
      document.addEventListener("DOMContentLoaded", () => {
        window.__static = boxes(document.getElementById("prerender"));
      });
    });
    const article = articles[3];
    await page.goto(`${env.server.url}lire/${article.slug}/`);
    await appReady(page);
    const before = await page.evaluate(() => window.__static);
    const afterwards = await page.evaluate(() => window.__boxes(document.body));
    assert.ok(before.length > 10, "the static copy has the text blocks");
    assert.deepEqual(afterwards, before);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    assert.equal(await page.evaluate(() => window.__shift), 0, "layout shift when the app took over");
    assert.equal(await page.locator("article").count(), 1);
    assert.deepEqual(page.problems(), []);
  });
}

test("the static copy gives way even when the article cannot be loaded", async () => {
  // The one request refused below, and the console's line about it (which names no URL).
  const file = `content/*/a/${articles[0].slug}.json`;
  const page = await newPage(env.browser, { allow: [new RegExp(`^request failed: .*/content/[^/]+/a/${articles[0].slug}\\.json net::ERR_FAILED$`), /^console: Failed to load resource: net::ERR_FAILED/] });
  await page.route(`**/${file}`, (route) => route.abort());
  await page.goto(`${env.server.url}lire/${articles[0].slug}/`);
  await appReady(page);
  await page.getByRole("alert").filter({ hasText: "pas encore été enregistré" }).waitFor();
  await page.getByRole("button", { name: "Réessayer" }).waitFor();
  await page.unroute(`**/${file}`);
  await page.getByRole("button", { name: "Réessayer" }).click();
  await page.locator("article h1").waitFor();
  assert.equal(squash(await page.locator("article h1").innerText()), squash(articles[0].title));
  assert.deepEqual(page.problems(), []);
});

test("an article's page reached as …/index.html or with a doubled slash is the article, at its usual address", async () => {
  const page = await newPage(env.browser);
  const [article] = articles;
  for (const tail of ["index.html", "/", "/index.html?q=vente#contenu"]) {
    await page.goto(`${env.server.url}lire/${article.slug}/${tail}`);
    await appReady(page);
    const [query, hash] = [tail.match(/\?[^#]*/)?.[0] ?? "", tail.match(/#.*/)?.[0] ?? ""];
    assert.equal(page.url(), `${env.server.url}lire/${article.slug}/${query}${hash}`, tail);
    assert.equal(squash(await page.locator("article h1").innerText()), squash(article.title), tail);
    assert.equal(await page.locator("header.site-header").count(), 1, tail);
    // The app's page, whose text can be highlighted.
    await selectText(page, "Laissez-moi vous raconter");
    await page.getByRole("button", { name: "Surligner", exact: true }).waitFor();
  }
  // The library's too.
  await page.goto(`${env.server.url}index.html`);
  await appReady(page);
  await page.locator(".cards > li").first().waitFor();
  assert.equal(page.url(), env.server.url);
  assert.deepEqual(page.problems(), []);
});

test("the wasm holds no article text: articles are files fetched when read", async () => {
  // The main module and every lazy chunk (dist/ has them side by side).
  const wasms = readdirSync(DIST, { recursive: true }).filter((f) => f.endsWith(".wasm"));
  assert.equal(wasms.filter((f) => /^liseuse-[0-9a-f]+_bg\.wasm$/.test(f)).length, 1, `one main module: ${wasms.join(", ")}`);
  assert.ok(wasms.some((f) => /^split_/.test(f)), `lazy chunks: ${wasms.join(", ")}`);
  const utf8 = (s) => Buffer.from(s, "utf8").toString("latin1");
  const contentDir = join(DIST, "content", readdirSync(join(DIST, "content"))[0], "a");
  const texts = articles.map((article) => {
    const json = JSON.parse(readFileSync(join(contentDir, `${article.slug}.json`), "utf8"));
    const sentence = json.body.find((b) => b.p)?.p.map((r) => r.t).join("").slice(0, 60);
    assert.ok(sentence && sentence.length >= 30, article.slug);
    return { slug: article.slug, sentence, title: json.meta.title };
  });
  for (const wasm of wasms) {
    const bytes = readFileSync(join(DIST, wasm)).toString("latin1");
    for (const { slug, sentence, title } of texts) {
      assert.equal(bytes.includes(utf8(sentence)), false, `${slug}: « ${sentence} » is in ${wasm}`);
      assert.equal(bytes.includes(utf8(title)), false, `${slug}: its title is in ${wasm}`);
    }
  }
});

test("going to the next article, the current one stays until the next is loaded, and its keys are off", async () => {
  // No service worker: once it has claimed the page (it may, a second after the first load),
  // it answers from its cache and the held request below would never be made.
  const page = await newPage(env.browser, { serviceWorkers: "block" });
  // The second article: ← from it would go to the first.
  const [, first, second] = articles;
  // The next article's file takes a while to come (held from the start: a route set up just
  // before the key press was, now and then, not yet in force for the fetch it made).
  let release;
  const held = new Promise((resolve) => (release = resolve));
  await page.route(`**/a/${second.slug}.json`, async (route) => {
    await held;
    await route.continue();
  });
  await page.goto(`${env.server.url}lire/${first.slug}/`);
  await appReady(page);
  await page.keyboard.press("ArrowRight");
  await page.waitForURL(`${env.server.url}lire/${second.slug}/`);
  // No blank "Chargement…" in between: the page still shows the first article…
  assert.equal(squash(await page.locator("article h1").innerText()), squash(first.title));
  assert.equal(await page.getByText("Chargement…").count(), 0);
  // …inert (its links and text belong to the first article)…
  assert.equal(await page.locator(".reader-layout").getAttribute("inert"), "");
  // …and whose keys do nothing now (← would go back from the first article, not the second).
  // `?` (the app shell's, on while the reader is inert) comes after it: once its dialog is
  // shown, ← has been handled.
  await page.keyboard.press("ArrowLeft");
  await page.keyboard.press("?");
  await page.getByRole("dialog", { name: "Raccourcis clavier" }).waitFor();
  assert.equal(page.url(), `${env.server.url}lire/${second.slug}/`);
  await page.keyboard.press("Escape");
  await page.getByRole("dialog", { name: "Raccourcis clavier" }).waitFor({ state: "detached" });
  release();
  await page.locator("article h1", { hasText: squash(second.title).slice(0, 20) }).waitFor();
  await page.keyboard.press("ArrowLeft");
  await page.waitForURL(`${env.server.url}lire/${first.slug}/`);
  assert.deepEqual(page.problems(), []);
});
