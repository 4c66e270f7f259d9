// Keyboard and screen readers at the router's edges (WCAG 2.2: 2.4.1, 2.4.3, 4.1.3): the skip
// link keeps the page and focuses its content (in the app, under a sub-path, and in an
// article's static copy before the app takes over); after each kind of navigation within the app
// the focus is on the new page's heading (or on the place the link named) and the page's name is
// said in a live region, while typing a search keeps the focus in the box; error pages name
// themselves; back and forward put the view back where the reader was, on the right article;
// and axe-core finds nothing on any page, the sync page with an error message included.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { launch, serveDist, newPage, appReady, contentArticles, squash, ROOT } from "./harness.mjs";

// The builds tested (the environment may name others, e.g. a build made before a fix).
const DIST = process.env.DIST ?? join(ROOT, "dist");
const DIST_SUB = process.env.DIST_SUB ?? join(ROOT, "target", "dist-sub");

const articles = contentArticles();
let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** The focused element, as `tag#id text`, to compare and to read in a failure. */
const focused = (page) =>
  page.evaluate(() => {
    const e = document.activeElement;
    if (!e || e === document.body) return "body";
    return `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ""} ${e.textContent.replace(/\s+/g, " ").trim().slice(0, 200)}`;
  });

/** Waits until the live region of the app says `name` (a new page's name). */
const said = (page, name) =>
  page.waitForFunction(
    (name) => {
      const squash = (s) => s.replace(/\s+/gu, " ").trim();
      return [...document.querySelectorAll('[aria-live="polite"]')].some((e) => squash(e.textContent) === squash(name));
    },
    name,
    { timeout: 5000 },
  );

/** Waits for two frames: what the app does "before the next paint" is done. */
const frames = (page) => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));

/** Waits until the tab's title is `title`, then for the focus to leave `before` (or two frames). */
async function arrive(page, title, before) {
  await page.waitForFunction((t) => squash(document.title) === squash(t), title, { timeout: 10000 }).catch(async () => {
    throw new Error(`title is « ${await page.title()} », not « ${title} »`);
  });
  await frames(page);
  if (before) await page.waitForFunction((b) => document.activeElement?.textContent.trim() !== b, before, { timeout: 2000 }).catch(() => {});
  return focused(page);
}

// `squash` in the page too.
const squashInPage = `window.squash = ${squash.toString()};`;

for (const [dir, prefix] of [
  [DIST, "/"],
  [DIST_SUB, "/liseuse/"],
]) {
  test(`the first Tab reaches the skip link; Enter keeps the page and focuses its content (served at ${prefix})`, async () => {
    const server = await serveDist({ dir, prefix });
    const page = await newPage(browser, { serviceWorkers: "block" });
    try {
      for (const path of [`lire/${articles[1].slug}/`, `lire/${articles[2].slug}/?q=confiance`, "notes/", "recherche/?q=vente", "synchro/", ""]) {
        const url = server.url + path;
        await page.goto(url);
        await appReady(page);
        await page.locator("main h1").first().waitFor();
        await page.keyboard.press("Tab");
        assert.equal(await page.evaluate(() => document.activeElement?.className), "skip-link", `${path}: the first Tab`);
        await page.keyboard.press("Enter");
        await page.waitForFunction((url) => document.activeElement?.id === "contenu" || location.href !== url, url, { timeout: 5000 });
        assert.equal(page.url(), url, `${path}: the skip link left the page`);
        assert.equal(await focused(page).then((f) => f.split(" ")[0]), "main#contenu", `${path}: the content is not focused`);
      }
      assert.deepEqual(page.problems(), []);
    } finally {
      await page.context().close();
      await server.close();
    }
  });
}

test("in an article's static copy, before the app takes over, the skip link keeps the page too", async () => {
  const server = await serveDist({ dir: DIST_SUB, prefix: "/liseuse/" });
  const page = await newPage(browser, { serviceWorkers: "block" });
  try {
    // The app never starts: its wasm is refused.
    await page.route(/\.wasm$/, (route) => route.abort());
    const url = `${server.url}lire/${articles[1].slug}/`;
    await page.goto(url);
    await page.locator("#prerender article h1").waitFor();
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement?.className), "skip-link");
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => location.hash === "#contenu" || document.activeElement?.id === "contenu", null, { timeout: 5000 }).catch(() => {});
    assert.equal(new URL(page.url()).pathname, new URL(url).pathname, "the skip link left the page");
    assert.equal((await focused(page)).split(" ")[0], "main#contenu");
    assert.ok(await page.locator("#prerender article h1").isVisible());
  } finally {
    await page.context().close();
    await server.close();
  }
});

test("after each kind of navigation within the app, the new page's heading has the focus and its name is said; typing a search keeps the focus", async () => {
  const server = await serveDist({ dir: DIST });
  const page = await newPage(browser, { serviceWorkers: "block" });
  await page.addInitScript(squashInPage);
  const [a, b, c] = articles;
  const steps = [];
  const check = async (what, title, heading, name = heading) => {
    const now = await arrive(page, title);
    steps.push(`${what}: ${now}`);
    assert.equal(now.split(" ")[0].startsWith("h1"), true, `${what}: the focus is on ${now}`);
    assert.equal(squash(now.slice(now.indexOf(" ") + 1)), squash(heading), what);
    await said(page, name).catch(() => assert.fail(`${what}: « ${name} » was not said`));
  };
  try {
    await page.goto(`${server.url}lire/${a.slug}/`);
    await appReady(page);
    // A link of the header, by keyboard.
    await page.getByRole("link", { name: "Mes notes", exact: true }).focus();
    await page.keyboard.press("Enter");
    await check("« Mes notes » from an article", "Mes notes · Liseuse", "Mes notes");
    // Back.
    await page.goBack();
    await check("back to the article", `${a.title} · Liseuse`, a.title);
    // « Article suivant », by keyboard: the old article leaves the document.
    await page.getByRole("link", { name: /Article suivant/ }).focus();
    await page.keyboard.press("Enter");
    await check("« Article suivant »", `${b.title} · Liseuse`, b.title);
    // The key →.
    await page.locator("main h1").focus();
    await page.keyboard.press("ArrowRight");
    await check("the key →", `${c.title} · Liseuse`, c.title);
    // Forward after back.
    await page.goBack();
    await check("back", `${b.title} · Liseuse`, b.title);
    await page.goForward();
    await check("forward", `${c.title} · Liseuse`, c.title);
    // The library, by the brand link.
    await page.locator("a.brand").focus();
    await page.keyboard.press("Enter");
    await check("the library", "Liseuse", "Bibliothèque");

    // Search as you type: the focus stays in the box, on each keystroke.
    await page.keyboard.press("/");
    const box = page.getByRole("searchbox", { name: "Rechercher" });
    await box.pressSequentially("confiance");
    await page.locator(".result").first().waitFor();
    await page.waitForURL(/recherche\/\?q=confiance$/);
    await frames(page);
    assert.equal(await page.title(), "Recherche · Liseuse");
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("aria-label")), "Rechercher", `typing: the focus is on ${await focused(page)}`);
    assert.equal(await box.inputValue(), "confiance");

    // A result in the text: the focus goes to the place it names.
    const result = page.locator(".result", { hasText: "Dans le texte" }).first().locator("a");
    const href = await result.getAttribute("href");
    const block = href.split("#")[1];
    await result.focus();
    await page.keyboard.press("Enter");
    await page.waitForFunction((id) => document.activeElement?.id === id, block, { timeout: 5000 }).catch(async () => assert.fail(`a result: the focus is on ${await focused(page)}, not #${block}`));
    steps.push(`a result: ${await focused(page)}`);
    assert.deepEqual(page.problems(), []);
  } finally {
    await page.context().close();
    await server.close();
  }
});

test("« Raccourcis clavier » (`?`) keeps the focus while open and gives it back where it was, however it is closed", async () => {
  const server = await serveDist({ dir: DIST });
  const page = await newPage(browser);
  try {
    await page.goto(`${server.url}lire/${articles[0].slug}/`);
    await appReady(page);
    for (const text of ["Laissez-moi vous raconter", "restaurant japonais"]) {
      await page.evaluate((text) => {
        const walker = document.createTreeWalker(document.querySelector(".article-body"), NodeFilter.SHOW_TEXT);
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          const at = n.data.indexOf(text);
          if (at < 0) continue;
          const range = document.createRange();
          range.setStart(n, at);
          range.setEnd(n, at + text.length);
          getSelection().removeAllRanges();
          getSelection().addRange(range);
          return;
        }
      }, text);
      await page.keyboard.press("h");
      await page.locator(".article-body mark.hl", { hasText: text }).waitFor();
    }
    const dialog = page.getByRole("dialog", { name: "Raccourcis clavier" });
    const second = page.locator(".article-body mark.hl").nth(1);
    for (const close of ["Escape", "Fermer", "?"]) {
      await second.focus();
      const before = await focused(page);
      await page.keyboard.press("?");
      await dialog.waitFor();
      await page.waitForFunction(() => document.activeElement?.textContent === "Fermer");
      for (const key of ["Tab", "Shift+Tab", "Tab"]) {
        await page.keyboard.press(key);
        assert.equal(await focused(page), "button Fermer", `${close}: ${key} left the dialog`);
      }
      // The page's own keys wait while it is open: no next article behind it.
      const url = page.url();
      await page.keyboard.press("ArrowRight");
      await frames(page);
      assert.equal(page.url(), url, `${close}: → changed the article under the dialog`);
      assert.equal(await dialog.count(), 1);
      await page.keyboard.press(close === "Fermer" ? "Enter" : close);
      await dialog.waitFor({ state: "detached" });
      await frames(page);
      assert.equal(await focused(page), before, `closed by ${close}`);
    }
    assert.deepEqual(page.problems(), []);
  } finally {
    await page.context().close();
    await server.close();
  }
});

test("« Affichage » closed from inside (Échap, « Fermer ») gives the focus back to its button", async () => {
  const server = await serveDist({ dir: DIST });
  const page = await newPage(browser);
  try {
    await page.goto(`${server.url}lire/${articles[0].slug}/`);
    await appReady(page);
    const button = page.getByRole("button", { name: "Affichage" });
    for (const close of ["Escape", "Fermer"]) {
      await button.focus();
      await page.keyboard.press("Enter");
      const panel = page.getByRole("region", { name: "Affichage" });
      await panel.waitFor();
      await page.keyboard.press("Tab");
      assert.ok(await panel.evaluate((p) => p.contains(document.activeElement)), "the focus is in the panel");
      const url = page.url();
      await page.keyboard.press("ArrowRight");
      await frames(page);
      assert.equal(page.url(), url, "→ in « Affichage » changed the article");
      if (close === "Escape") await page.keyboard.press("Escape");
      else await panel.getByRole("button", { name: "Fermer" }).click();
      await panel.waitFor({ state: "detached" });
      await frames(page);
      assert.equal(await button.getAttribute("aria-expanded"), "false");
      assert.ok(await button.evaluate((b) => document.activeElement === b), `closed by ${close}: ${await focused(page)}`);
    }
    assert.deepEqual(page.problems(), []);
  } finally {
    await page.context().close();
    await server.close();
  }
});

test("error pages name themselves: the tab's title, the heading focused, the name said", async () => {
  const server = await serveDist({ dir: DIST });
  const page = await newPage(browser, { serviceWorkers: "block", allow: [/status of 500/, /chunk|split|\.wasm|ERR_FAILED|net::/] });
  await page.addInitScript(squashInPage);
  try {
    await page.goto(`${server.url}lire/${articles[0].slug}/`);
    await appReady(page);
    // A lazy page whose code is refused by the network.
    await page.route(/\/(split|chunk)_[^/]*\.wasm$/, (route) => route.abort());
    // (By its address: the header's link may show the state of sync in its name.)
    await page.locator('nav a[href$="synchro/"]').focus();
    await page.keyboard.press("Enter");
    const now = await arrive(page, "Page non chargée · Liseuse");
    assert.equal(now, "h1 Page non chargée");
    await said(page, "Page non chargée");

    // An article whose file cannot be fetched.
    await page.route(new RegExp(`/a/${articles[1].slug}\\.json$`), (route) => route.fulfill({ status: 500, body: "" }));
    await page.getByRole("link", { name: "Bibliothèque", exact: true }).click();
    await arrive(page, "Liseuse");
    await page.locator(`.card-title a[href$="lire/${articles[1].slug}/"]`).focus();
    await page.keyboard.press("Enter");
    const failed = await arrive(page, "Article non chargé · Liseuse");
    assert.equal(failed, "h1#article-failed-title Article non chargé");
    await said(page, "Article non chargé");
  } finally {
    await page.context().close();
    await server.close();
  }
});

test("back and forward put the view back where the reader was, once the right article is drawn, not at the place the link named", async () => {
  const server = await serveDist({ dir: DIST });
  const page = await newPage(browser, { serviceWorkers: "block", viewport: { width: 1000, height: 700 } });
  await page.addInitScript(squashInPage);
  try {
    const [a, b] = articles;
    await page.goto(`${server.url}lire/${a.slug}/`);
    await appReady(page);
    await page.evaluate(() => scrollTo(0, 1500));
    await page.waitForFunction(() => Math.abs(scrollY - 1500) < 1);
    // The key → (a click on « Article suivant » would first scroll the link into view).
    await page.keyboard.press("ArrowRight");
    await arrive(page, `${b.title} · Liseuse`);
    assert.equal(await page.evaluate(() => scrollY), 0, "a new article opens at its top");
    await page.evaluate(() => scrollTo(0, 600));
    await page.waitForFunction(() => Math.abs(scrollY - 600) < 1);

    // A reload keeps the view where it was (the browser's own restoring).
    await page.reload();
    await appReady(page);
    await page.waitForFunction(() => Math.abs(scrollY - 600) < 2, null, { timeout: 5000 }).catch(async () => assert.fail(`after a reload, scrollY is ${await page.evaluate(() => scrollY)}, not 600`));

    // Back: the previous article's file is not in memory after the reload; it is held while
    // the page still shows this one.
    let release;
    const held = new Promise((r) => (release = r));
    await page.route(new RegExp(`/a/${a.slug}\\.json$`), async (route) => {
      await held;
      await route.continue();
    });
    await page.goBack();
    await page.waitForURL(`${server.url}lire/${a.slug}/`);
    await frames(page);
    assert.equal(squash(await page.locator("main h1").first().innerText()), squash(b.title), "the next article is still shown");
    const meanwhile = await page.evaluate(() => scrollY);
    assert.ok(Math.abs(meanwhile - 600) < 2, `while the previous article loads, the one shown was scrolled to ${meanwhile} (it was at 600)`);
    release();
    const back = await arrive(page, `${a.title} · Liseuse`);
    await page.waitForFunction(() => Math.abs(scrollY - 1500) < 2, null, { timeout: 5000 }).catch(async () => assert.fail(`back on the article, scrollY is ${await page.evaluate(() => scrollY)}, not 1500`));
    assert.ok(back.startsWith("h1#article-title"), `back: the focus is on ${back}`);

    // A search result opens an article at a block; the reader reads on, goes back to the
    // results, then forward: the view goes back where the reader was, not to the block again.
    await page.goto(`${server.url}recherche/?q=confiance`);
    await appReady(page);
    const result = page.locator(".result", { hasText: "Dans le texte" }).first().locator("a");
    const block = (await result.getAttribute("href")).split("#")[1];
    await result.click();
    await page.waitForFunction((id) => document.activeElement?.id === id, block, { timeout: 5000 });
    const read = await page.evaluate(() => {
      scrollBy(0, 700);
      return scrollY;
    });
    await page.waitForFunction((y) => Math.abs(scrollY - y) < 1, read);
    await page.goBack();
    await arrive(page, "Recherche · Liseuse");
    await page.goForward();
    await page.waitForURL((u) => u.hash === `#${block}`);
    // Either the heading (the view restored) or the block (opened at its place again).
    await page.waitForFunction((id) => document.activeElement?.tagName === "H1" || document.activeElement?.id === id, block, { timeout: 5000 });
    await frames(page);
    const forward = await focused(page);
    const y = await page.evaluate(() => scrollY);
    assert.ok(forward.startsWith("h1#article-title"), `forward: the focus is on ${forward}`);
    assert.ok(Math.abs(y - read) < 2, `forward: scrollY is ${y}, the reader was at ${read}`);
    assert.deepEqual(page.problems(), []);
  } finally {
    await page.context().close();
    await server.close();
  }
});

test("a reload, or « back » from another site, puts the library and the search results back where the reader was", async () => {
  const server = await serveDist({ dir: DIST });
  const page = await newPage(browser, { viewport: { width: 390, height: 600 } });
  const at = (y) =>
    page
      .waitForFunction((y) => Math.abs(scrollY - y) <= 2, y, { timeout: 5000 })
      .then(() => true, () => false);
  try {
    for (const [address, y] of [["", 700], ["recherche/?q=confiance", 1200]]) {
      await page.goto(`${server.url}${address}`);
      await page.locator("main h1").waitFor();
      await page.waitForFunction((y) => document.documentElement.scrollHeight > y + innerHeight, y);
      await page.evaluate((y) => window.scrollTo(0, y), y);
      await page.waitForFunction((y) => scrollY === y, y);
      await page.reload();
      assert.ok(await at(y), `${address || "library"} after a reload: ${await page.evaluate(() => scrollY)}`);
      await page.goto("about:blank");
      await page.goBack();
      assert.ok(await at(y), `${address || "library"} after « back »: ${await page.evaluate(() => scrollY)}`);
    }
    assert.deepEqual(page.problems(), []);
  } finally {
    await page.context().close();
    await server.close();
  }
});

test("« back » to a long list gives the focus back to the link followed, so that Tab goes on from there", async () => {
  const server = await serveDist({ dir: DIST });
  const page = await newPage(browser, { viewport: { width: 1000, height: 600 } });
  try {
    await page.goto(`${server.url}recherche/?q=les`);
    await appReady(page);
    const links = page.locator(".result a");
    await links.nth(20).waitFor();
    const href = await links.nth(20).getAttribute("href");
    await links.nth(20).focus();
    await page.keyboard.press("Enter");
    await page.locator(".article-body").waitFor();
    await page.goBack();
    await page.waitForFunction((h) => document.activeElement?.getAttribute("href") === h, href, { timeout: 5000 }).catch(() => {});
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("href")), href, await focused(page));
    const y = await page.evaluate(() => scrollY);
    assert.ok(y > 500, `the view is back down the list: ${y}`);
    await page.keyboard.press("Tab");
    await frames(page);
    assert.ok((await page.evaluate(() => scrollY)) > 500, "Tab goes on from the link, not from the page's top");
    assert.deepEqual(page.problems(), []);
  } finally {
    await page.context().close();
    await server.close();
  }
});

test("axe-core finds no WCAG 2.2 AA violation on any page, the sync page with an error message included", async () => {
  const server = await serveDist({ dir: DIST });
  // Expected: the unknown article’s page and file (404), and the request to port 9 (which
  // Chromium refuses to reach: a server that does not answer).
  const page = await newPage(browser, {
    serviceWorkers: "block",
    allow: [
      /^console: Failed to load resource: the server responded with a status of 404 \(Not Found\) @ http:\/\/[^/]+\/(lire\/nulle-part\/|content\/[^/]+\/a\/nulle-part\.json)$/,
      /^(request failed: http:\/\/127\.0\.0\.1:9\/dav\/ net::ERR_UNSAFE_PORT|console: Failed to load resource: net::ERR_UNSAFE_PORT @ http:\/\/127\.0\.0\.1:9\/dav\/)$/,
    ],
  });
  const violations = [];
  const check = async (what) => {
    const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]).analyze();
    violations.push(...result.violations.map((v) => `${what}: ${v.id} (${v.nodes.length}) ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")}`));
  };
  try {
    for (const [path, what] of [
      ["", "library"],
      [`lire/${articles[0].slug}/`, "article"],
      ["notes/", "Mes notes"],
      ["recherche/?q=confiance", "search results"],
      ["lire/nulle-part/", "Page introuvable"],
      ["synchro/", "Synchronisation"],
    ]) {
      await page.goto(server.url + path);
      await appReady(page);
      await page.locator("main h1").first().waitFor();
      await check(what);
    }
    // An error message on the sync page: a server that does not answer.
    await page.getByLabel("Adresse du dossier WebDAV").fill("http://127.0.0.1:9/dav/");
    await page.getByRole("button", { name: "Tester la connexion" }).click();
    await page.locator(".sync-status", { hasText: "injoignable" }).waitFor({ timeout: 15000 });
    await check("Synchronisation with an error message");
    // The skip link focused (shown) and a page's heading focused after a link.
    await page.keyboard.press("Tab");
    await check("skip link focused");
    await page.getByRole("link", { name: "Mes notes", exact: true }).click();
    await page.waitForFunction(() => document.activeElement?.tagName === "H1", null, { timeout: 5000 }).catch(() => {});
    await check("Mes notes after a link");
    assert.deepEqual(violations, []);
    assert.deepEqual(page.problems(), []);
  } finally {
    await page.context().close();
    await server.close();
  }
});

test("`/` far down an article brings the search box to the reader, not the page to the header; `Échap` and « back » find the place again", async () => {
  const server = await serveDist({ dir: DIST });
  const page = await newPage(browser);
  try {
    await page.goto(`${server.url}lire/${articles[0].slug}/`);
    await appReady(page);
    await page.evaluate(() => scrollTo(0, Math.round((document.documentElement.scrollHeight - innerHeight) * 0.7)));
    await frames(page);
    const y = await page.evaluate(() => Math.round(scrollY));
    assert.ok(y > 500, `scrolled down: ${y}`);
    const box = page.getByRole("searchbox", { name: "Rechercher" });
    await page.keyboard.press("/");
    await frames(page);
    const inBox = () => page.evaluate(() => document.activeElement?.getAttribute("aria-label") === "Rechercher");
    assert.ok(await inBox(), "the box has the focus");
    assert.equal(await page.evaluate(() => Math.round(scrollY)), y, "the page stays where it was");
    const rect = await box.boundingBox();
    assert.ok(rect && rect.y >= 0 && rect.y < 100, `the box is in view: ${JSON.stringify(rect)}`);
    await page.keyboard.press("Escape");
    await frames(page);
    assert.ok(!(await inBox()), "`Échap` gave the focus back");
    assert.equal(await page.evaluate(() => Math.round(scrollY)), y);
    // A search, then « back »: the article where it was left.
    await page.keyboard.press("/");
    await page.keyboard.type("confiance");
    await page.waitForURL(/\/recherche\/\?q=confiance/);
    await page.locator(".result").first().waitFor();
    await page.goBack();
    await appReady(page);
    await page.waitForFunction((y) => Math.abs(scrollY - y) < 5, y, { timeout: 5000 });
    assert.deepEqual(page.problems(), []);
  } finally {
    await page.context().close();
    await server.close();
  }
});
