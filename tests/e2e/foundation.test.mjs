// Foundation: library, reader, previous/next, reloads, 404, typography, sub-path hosting.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { sharedBrowserAndServer, serveDist, newPage, appReady, contentArticles, squash, ROOT } from "./harness.mjs";

const articles = contentArticles();
const env = sharedBrowserAndServer();

test("the library lists every article as a titled link with summary and reading time", async () => {
  assert.equal(articles.length, 5);
  const page = await newPage(env.browser);
  await page.goto(env.server.url);
  await appReady(page);
  assert.equal(await page.locator("html").getAttribute("lang"), "fr");
  assert.equal(await page.title(), "Liseuse");
  const cards = page.locator(".cards > li");
  assert.equal(await cards.count(), articles.length);
  for (const [i, article] of articles.entries()) {
    const card = cards.nth(i);
    const link = card.getByRole("link");
    assert.equal(squash(await link.innerText()), squash(article.title));
    // The accessible name of the link is the title.
    await page.getByRole("link", { name: squash(article.title), exact: true }).waitFor();
    assert.equal(await link.getAttribute("href"), `/lire/${article.slug}/`);
    assert.ok((await card.locator(".card-summary").innerText()).length > 20);
    assert.match(await card.locator(".card-meta span").first().innerText(), /^\d+\u00a0min de lecture$/);
    assert.equal(await card.locator(".card-meta .progress").innerText(), "Non lu");
  }
  // A header with the app's name and a link to the library.
  await page.getByRole("link", { name: "Bibliothèque", exact: true }).waitFor();
  await page.locator("header .brand", { hasText: "Liseuse" }).waitFor();
  assert.deepEqual(page.problems(), []);
});

test("each article opens from the library, with its title as h1, and links back", async () => {
  const page = await newPage(env.browser);
  await page.goto(env.server.url);
  await appReady(page);
  for (const article of articles) {
    await page.getByRole("link", { name: squash(article.title), exact: true }).click();
    await page.waitForURL(`${env.server.url}lire/${article.slug}/`);
    const h1 = page.locator("article h1");
    assert.equal(squash(await h1.innerText()), squash(article.title));
    assert.equal(await page.locator("article").count(), 1);
    assert.ok((await page.locator("article .article-body p").count()) >= 5);
    assert.equal(squash(await page.title()), squash(`${article.title} · Liseuse`));
    await page.getByRole("link", { name: "Retour à la bibliothèque" }).click();
    await page.waitForURL(env.server.url);
    await page.locator(".cards").waitFor();
  }
  assert.deepEqual(page.problems(), []);
});

test("links within the app show their page without loading one; back and forward too; the header marks the page shown", async () => {
  const page = await newPage(env.browser);
  await page.goto(env.server.url);
  await appReady(page);
  // A mark on the window, which a page load would wipe.
  await page.evaluate(() => (window.__sameDocument = true));
  const nav = page.getByRole("navigation", { name: "Navigation principale" });
  const current = (name) => nav.getByRole("link", { name }).getAttribute("aria-current");
  assert.equal(await current("Bibliothèque"), "page");
  await page.getByRole("link", { name: squash(articles[0].title), exact: true }).click();
  await page.waitForURL(`${env.server.url}lire/${articles[0].slug}/`);
  await page.locator("article h1").waitFor();
  assert.equal(await current("Bibliothèque"), null);
  await nav.getByRole("link", { name: "Mes notes" }).click();
  await page.getByRole("heading", { level: 1, name: "Mes notes" }).waitFor();
  assert.equal(await current("Mes notes"), "page");
  await page.goBack();
  await page.waitForURL(`${env.server.url}lire/${articles[0].slug}/`);
  await page.locator("article h1").waitFor();
  assert.equal(squash(await page.locator("article h1").innerText()), squash(articles[0].title));
  await page.goBack();
  await page.locator(".cards").waitFor();
  await page.goForward();
  await page.locator("article h1").waitFor();
  assert.equal(await page.evaluate(() => window.__sameDocument), true, "a page was loaded");
  // Ctrl+click is the browser's: a new tab, this one stays.
  const [tab] = await Promise.all([
    page.context().waitForEvent("page"),
    nav.getByRole("link", { name: "Synchronisation" }).click({ modifiers: ["Control"] }),
  ]);
  await tab.waitForURL(`${env.server.url}synchro/`);
  await tab.close();
  assert.equal(page.url(), `${env.server.url}lire/${articles[0].slug}/`);
  assert.deepEqual(page.problems(), []);
});

test("previous and next follow the library order", async () => {
  const page = await newPage(env.browser);
  await page.goto(`${env.server.url}lire/${articles[0].slug}/`);
  await appReady(page);
  const nav = page.getByRole("navigation", { name: "Articles voisins" });
  assert.equal(await nav.getByRole("link", { name: /Article précédent/ }).count(), 0);
  for (let i = 1; i < articles.length; i++) {
    await nav.getByRole("link", { name: /Article suivant/ }).click();
    await page.waitForURL(`${env.server.url}lire/${articles[i].slug}/`);
    // The previous article stays (inert) until this one is loaded.
    await page.locator(".reader-layout:not([inert]) article h1").waitFor();
    assert.equal(squash(await page.locator("article h1").innerText()), squash(articles[i].title));
  }
  assert.equal(await nav.getByRole("link", { name: /Article suivant/ }).count(), 0);
  await nav.getByRole("link", { name: /Article précédent/ }).click();
  await page.waitForURL(`${env.server.url}lire/${articles.at(-2).slug}/`);
  assert.deepEqual(page.problems(), []);
});

test("reloading an article's URL works on a plain static server", async () => {
  const page = await newPage(env.browser);
  for (const article of articles) {
    const response = await page.goto(`${env.server.url}lire/${article.slug}/`);
    assert.equal(response.status(), 200);
    await appReady(page);
    assert.equal(squash(await page.locator("article h1").innerText()), squash(article.title));
    await page.reload();
    await appReady(page);
    assert.equal(squash(await page.locator("article h1").innerText()), squash(article.title));
  }
  // Without the trailing slash the server redirects to the route's folder.
  await page.goto(`${env.server.url}lire/${articles[1].slug}`);
  await page.locator("article h1").waitFor();
  assert.deepEqual(page.problems(), []);
});

// The page being left has its style out of date (the browser's doing): a read of the scroll
// or of a box there makes it restyle the whole page first, up to a tenth of a second with a
// thousand highlights, which the next page's load waits for. The place is kept all the same.
test("leaving a page reads no layout, and the place read is still kept for a reload", async () => {
  const page = await newPage(env.browser);
  await page.goto(`${env.server.url}lire/${articles[2].slug}/`);
  await appReady(page);
  await page.evaluate(() => window.scrollTo(0, 900));
  // The scroll event comes with the next frame.
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
  const left = await page.evaluate(() => {
    const reads = [];
    const spy = (target, name) => {
      const d = Object.getOwnPropertyDescriptor(target, name);
      Object.defineProperty(target, name, {
        ...d,
        ...(d.get ? { get() { reads.push(name); return d.get.call(this); } } : { value(...a) { reads.push(name); return d.value.apply(this, a); } }),
      });
    };
    for (const name of ["scrollY", "scrollX", "pageYOffset", "pageXOffset", "innerHeight", "innerWidth"]) spy(window, name);
    for (const name of ["getBoundingClientRect", "getClientRects", "scrollTop", "clientHeight", "clientWidth"]) spy(Element.prototype, name);
    for (const name of ["offsetTop", "offsetHeight", "offsetWidth"]) spy(HTMLElement.prototype, name);
    sessionStorage.removeItem("liseuse:scroll");
    dispatchEvent(new PageTransitionEvent("pagehide", { persisted: false }));
    return { reads, kept: sessionStorage.getItem("liseuse:scroll") };
  });
  assert.deepEqual(left.reads, []);
  // `<entry>:<y>` pairs.
  assert.match(left.kept, /(^|,)\d+:900(,|$)/);
  await page.reload();
  await appReady(page);
  await page.waitForFunction(() => Math.abs(scrollY - 900) <= 1);
  assert.deepEqual(page.problems(), []);
});

// The static copy of an article is there before the app, which listens to scrolls only once
// started: a place reached before, and left without scrolling again, is kept all the same.
test("a place reached in the static copy before the app started is the one kept on leaving", async () => {
  const page = await newPage(env.browser, { serviceWorkers: "block" });
  let release;
  const released = new Promise((resolve) => (release = resolve));
  await page.route(/_bg\.wasm$/, async (route) => {
    await released;
    await route.continue();
  });
  await page.goto(`${env.server.url}lire/${articles[2].slug}/`, { waitUntil: "commit" });
  await page.locator("#prerender [data-b]").first().waitFor();
  await page.evaluate(() => window.scrollTo(0, 700));
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
  release();
  await appReady(page);
  assert.ok(Math.abs((await page.evaluate(() => scrollY)) - 700) <= 1);
  const kept = await page.evaluate(() => {
    sessionStorage.removeItem("liseuse:scroll");
    dispatchEvent(new PageTransitionEvent("pagehide", { persisted: false }));
    return sessionStorage.getItem("liseuse:scroll");
  });
  assert.match(kept, /(^|,)\d+:700(,|$)/);
  assert.deepEqual(page.problems(), []);
});

test("an unknown article shows the app's 404 page", async () => {
  // The page's answer and its article file are 404s on purpose, and the browser logs them:
  // those only.
  const page = await newPage(env.browser, { allow: [/^console: Failed to load resource: the server responded with a status of 404 \(Not Found\) @ http:\/\/[^/]+\/(lire\/article-inconnu\/|content\/[^/]+\/a\/article-inconnu\.json)$/] });
  const libraries = [];
  page.on("request", (r) => r.url().endsWith("/library.json") && libraries.push(r.url()));
  const response = await page.goto(`${env.server.url}lire/article-inconnu/`);
  assert.equal(response.status(), 404);
  await appReady(page);
  await page.getByRole("heading", { level: 1, name: "Page introuvable" }).waitFor();
  await page.getByRole("link", { name: "Retour à la bibliothèque" }).click();
  await page.locator(".cards").waitFor();
  // Fetched once: to tell an unknown article from a replaced build, then kept for the library.
  assert.equal(libraries.length, 1, libraries.join("\n"));
  assert.deepEqual(page.problems(), []);
});

test("the reader sets French text in a readable measure, with French spacing", async () => {
  const page = await newPage(env.browser);
  await page.goto(`${env.server.url}lire/${articles[2].slug}/`);
  await appReady(page);
  const article = page.locator("article");
  const style = await article.evaluate((el) => {
    const s = getComputedStyle(el.querySelector(".article-body p"));
    return { hyphens: s.hyphens, lineHeight: parseFloat(s.lineHeight) / parseFloat(s.fontSize), lang: el.closest("[lang]").lang };
  });
  assert.equal(style.hyphens, "auto");
  assert.equal(style.lang, "fr");
  assert.ok(style.lineHeight >= 1.5 && style.lineHeight <= 1.9, `line height ${style.lineHeight}`);
  // Characters on the first full line of the longest paragraph: the measure.
  const perLine = await article.evaluate((el) => {
    const p = [...el.querySelectorAll(".article-body p")].sort((a, b) => b.textContent.length - a.textContent.length)[0];
    const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    let top = null, count = 0;
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (let i = 0; i < node.length; i++) {
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        const rect = range.getBoundingClientRect();
        if (rect.height === 0) continue;
        if (top === null) top = rect.top;
        if (rect.top > top + 2) return count;
        count++;
      }
    }
    return count;
  });
  assert.ok(perLine >= 60 && perLine <= 75, `${perLine} characters per line`);
  const text = await page.locator(".article-body").innerText();
  assert.match(text, /\u202f[?!;]/, "narrow no-break space before ? ! ;");
  assert.doesNotMatch(text, / [?!;]/, "no plain space before ? ! ;");
  assert.deepEqual(page.problems(), []);
});

test("from a 320 px phone to a wide screen, nothing overflows sideways", async () => {
  for (const width of [320, 768, 1920]) {
    const page = await newPage(env.browser, { viewport: { width, height: 800 } });
    for (const path of ["", `lire/${articles[2].slug}/`]) {
      await page.goto(env.server.url + path);
      await appReady(page);
      await page.locator("h1").first().waitFor();
      const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(scroll <= width, `${path || "library"} at ${width}px scrolls to ${scroll}px`);
    }
    assert.deepEqual(page.problems(), []);
  }
});

test("comments and the author's bio stay apart from the article body", async () => {
  const page = await newPage(env.browser);
  for (const article of articles) {
    await page.goto(`${env.server.url}lire/${article.slug}/`);
    await appReady(page);
    const body = await page.locator(".article-body").innerText();
    for (const chrome of ["Logo WordPress.com", "Connexion à %s", "Votre commentaire", "Commentaires"]) {
      assert.ok(!body.includes(chrome), `${article.slug}: ${chrome} in the body`);
    }
    const comments = page.getByRole("region", { name: "Commentaires" });
    if (await comments.count()) {
      // After the article, never inside it.
      assert.equal(await page.locator("article section.comments").count(), 0);
      assert.ok((await comments.locator("li.comment").count()) >= 1);
    }
  }
  // 001 has both a bio and a reader's comment.
  await page.goto(`${env.server.url}lire/${articles[1].slug}/`);
  await page.getByRole("complementary", { name: "À propos de l’auteur" }).waitFor();
  await page.getByRole("region", { name: "Commentaires" }).waitFor();
  assert.deepEqual(page.problems(), []);
});

const subDist = join(ROOT, "target", "dist-sub");
test("a build for a sub-path works under it, reloads included", async () => {
  assert.ok(existsSync(join(subDist, "index.html")), "no sub-path build: run `make build-sub`");
  const sub = await serveDist({ dir: subDist, prefix: "/liseuse/" });
  try {
    const page = await newPage(env.browser);
    await page.goto(sub.url);
    await appReady(page);
    const first = page.getByRole("link", { name: squash(articles[0].title), exact: true });
    assert.equal(await first.getAttribute("href"), `/liseuse/lire/${articles[0].slug}/`);
    await first.click();
    await page.waitForURL(`${sub.url}lire/${articles[0].slug}/`);
    await page.reload();
    await page.locator("article h1").waitFor();
    await page.getByRole("link", { name: "Bibliothèque", exact: true }).click();
    await page.waitForURL(sub.url);
    await page.locator(".cards").waitFor();
    assert.deepEqual(page.problems(), []);
  } finally {
    await sub.close();
  }
});

test("an app that cannot start says so, never a blank page: its wasm cut off or missing, or no WebAssembly", async () => {
  const cases = [
    ["cut", /n’a pas pu se charger/],
    ["404", /n’a pas pu se charger/],
    ["none", /n’exécute pas WebAssembly/],
  ];
  for (const [how, said] of cases) {
    const context = await env.browser.newContext({ serviceWorkers: "block" });
    if (how === "cut") await context.route(/_bg\.wasm$/, (r) => r.abort("internetdisconnected"));
    if (how === "404") await context.route(/_bg\.wasm$/, (r) => r.fulfill({ status: 404, body: "Not found" }));
    if (how === "none") await context.addInitScript(() => delete window.WebAssembly);
    const page = await context.newPage();
    await page.goto(env.server.url);
    const alert = page.getByRole("alert").filter({ hasText: said });
    await alert.waitFor();
    assert.equal(await alert.getByRole("button", { name: "Recharger" }).count(), how === "none" ? 0 : 1, how);
    assert.equal(await page.getByRole("alert").count(), 1, how);
    await context.close();
  }
});
