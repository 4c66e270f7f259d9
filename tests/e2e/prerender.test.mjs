// Static first paint: each article's page carries its text as HTML (build/emit.rs), painted
// before the app starts; the app then draws the same page and takes over without moving a line.
// And the wasm carries no article: the text is fetched, so the app weighs the same at 5 or 500.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { launch, serveDist, newPage, appReady, contentArticles, squash, ROOT } from "./harness.mjs";

const articles = contentArticles();
let browser, server;

before(async () => {
  browser = await launch();
  server = await serveDist();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

test("an article's page holds its text before any script runs, and reads without JavaScript", async () => {
  for (const article of articles) {
    const html = await (await fetch(`${server.url}lire/${article.slug}/`)).text();
    assert.match(html, /<div id="prerender">/);
    const title = html.match(/<title>([^<]*)<\/title>/)[1];
    assert.equal(squash(title), squash(`${article.title} · Liseuse`));
  }
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  const article = articles[2];
  await page.goto(`${server.url}lire/${article.slug}/`);
  assert.equal(squash(await page.locator("article h1").innerText()), squash(article.title));
  assert.ok((await page.locator("article .article-body p").count()) >= 5);
  // Links work as plain links, under the page's base.
  assert.equal(
    await page.getByRole("link", { name: "Retour à la bibliothèque" }).evaluate((a) => a.href),
    server.url,
  );
  await context.close();
});

for (const viewport of [{ width: 1280, height: 900 }, { width: 390, height: 844 }]) {
  test(`the app takes over the static copy without moving a line (${viewport.width} px)`, async () => {
    const page = await newPage(browser, { viewport });
    // Where every text block and the header are in the static copy, before the app starts.
    await page.addInitScript(() => {
      const boxes = (root) =>
        [...root.querySelectorAll("header.site-header, h1, [data-b], .article-nav a")].map((el) => {
          const r = el.getBoundingClientRect();
          return [el.tagName, el.dataset.b ?? "", r.top, r.left, r.width, r.height, el.textContent];
        });
      window.__boxes = boxes;
      document.addEventListener("DOMContentLoaded", () => {
        window.__static = boxes(document.getElementById("prerender"));
      });
    });
    const article = articles[3];
    await page.goto(`${server.url}lire/${article.slug}/`);
    await appReady(page);
    const before = await page.evaluate(() => window.__static);
    const afterwards = await page.evaluate(() => window.__boxes(document.body));
    assert.ok(before.length > 10, "the static copy has the text blocks");
    assert.deepEqual(afterwards, before);
    assert.equal(await page.locator("article").count(), 1);
    assert.deepEqual(page.problems(), []);
  });
}

test("the static copy gives way even when the article cannot be loaded", async () => {
  const page = await newPage(browser, { allow: [/content\/.*\/a\//, /Failed to load resource/] });
  await page.route("**/content/*/a/*.json", (route) => route.abort());
  await page.goto(`${server.url}lire/${articles[0].slug}/`);
  await appReady(page);
  await page.getByRole("alert").filter({ hasText: "pas encore été enregistré" }).waitFor();
  await page.getByRole("button", { name: "Réessayer" }).waitFor();
  await page.unroute("**/content/*/a/*.json");
  await page.getByRole("button", { name: "Réessayer" }).click();
  await page.locator("article h1").waitFor();
  assert.equal(squash(await page.locator("article h1").innerText()), squash(articles[0].title));
});

test("the wasm holds no article text: articles are files fetched when read", async () => {
  const wasm = readdirSync(join(ROOT, "dist")).find((f) => f.endsWith(".wasm"));
  const bytes = readFileSync(join(ROOT, "dist", wasm)).toString("latin1");
  const utf8 = (s) => Buffer.from(s, "utf8").toString("latin1");
  for (const article of articles) {
    const json = JSON.parse(
      readFileSync(join(ROOT, "dist", "content", readdirSync(join(ROOT, "dist", "content"))[0], "a", `${article.slug}.json`), "utf8"),
    );
    const sentence = json.body.find((b) => b.p)?.p.map((r) => r.t).join("").slice(0, 60);
    assert.ok(sentence && sentence.length >= 30, article.slug);
    assert.equal(bytes.includes(utf8(sentence)), false, `${article.slug}: « ${sentence} » is in the wasm`);
    assert.equal(bytes.includes(utf8(json.meta.title)), false, `${article.slug}: its title is in the wasm`);
  }
});
