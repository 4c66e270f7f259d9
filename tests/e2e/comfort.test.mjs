// Reading comfort, search and accessibility: display settings, progress, search, keyboard,
// axe-core (WCAG 2.2 AA) in every theme, print.
import { test } from "node:test";
import assert from "node:assert/strict";
import AxeBuilder from "@axe-core/playwright";
import { sharedBrowserAndServer, newPage, appReady, contentArticles, squash, selectText, blockOffsets, storedPlace, readTo } from "./harness.mjs";

const articles = contentArticles();
const env = sharedBrowserAndServer();

async function openDisplay(page) {
  await page.getByRole("button", { name: "Affichage" }).click();
  await page.getByRole("region", { name: "Affichage" }).waitFor();
}

for (const [device, viewport] of [["a computer", { width: 1280, height: 900 }], ["a phone", { width: 390, height: 844 }]]) {
  test(`« Affichage » in the middle of an article, on ${device}: at hand where the reader is, a new size keeps the paragraph read and the place to resume`, async () => {
    const page = await newPage(env.browser, { viewport });
    const slug = articles[2].slug;
    await page.goto(`${env.server.url}lire/${slug}/`);
    await appReady(page);
    const far = (await blockOffsets(page))[20];
    const topOf = (b) => page.evaluate((b) => document.querySelector(`.article-body [data-b="${b}"]`).getBoundingClientRect().top, b);
    await readTo(page, slug, far);
    const scrolled = await page.evaluate(() => scrollY);

    // The button is in a corner of the screen, not up in the header: pressing it moves nothing.
    const button = page.getByRole("button", { name: "Affichage" });
    const box = await button.boundingBox();
    assert.ok(box.y >= 0 && box.y + box.height <= 80, `the button is at the screen's top: ${JSON.stringify(box)}`);
    await button.click();
    const panel = page.getByRole("region", { name: "Affichage" });
    await panel.waitFor();
    assert.equal(await page.evaluate(() => scrollY), scrolled, "the page did not move");
    const shown = await panel.boundingBox();
    assert.ok(shown.y >= 0 && shown.y + shown.height <= viewport.height, `the panel is on the screen: ${JSON.stringify(shown)}`);
    // A bigger text: the paragraph being read stays at the top of the screen.
    await page.getByLabel("Énorme").check();
    await page.waitForFunction(() => document.documentElement.getAttribute("data-size") === "6");
    const top = await topOf(far);
    assert.ok(top > -40 && top < 40, `the paragraph read is still at the top: ${top}`);
    // Long after (the place is held 1.5 s), the place to resume is the same paragraph.
    await page.waitForTimeout(2500);
    assert.equal(await storedPlace(page, slug), far);
    await page.keyboard.press("Escape");
    await panel.waitFor({ state: "detached" });
    assert.ok(await button.evaluate((b) => b === document.activeElement), "the focus is back on the button");
    // Back up at the header, the button is in it again, and the header has not changed.
    const header = await page.locator("header.site-header").evaluate((h) => h.getBoundingClientRect().height);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.waitForFunction(() => !document.querySelector(".display-dock.docked"));
    assert.equal(await page.locator("header.site-header").evaluate((h) => h.getBoundingClientRect().height), header);
    assert.deepEqual(page.problems(), []);
    await page.context().close();
  });
}

test("« Affichage » opened up at the header, mid-article: changing the theme there does not make the top the place to resume", async () => {
  const page = await newPage(env.browser);
  const slug = articles[2].slug;
  await page.goto(`${env.server.url}lire/${slug}/`);
  await appReady(page);
  const far = (await blockOffsets(page))[15];
  await readTo(page, slug, far);
  // Up to the header, as a reader who does not know the docked button, and into « Affichage ».
  await page.evaluate(() => window.scrollTo(0, 0));
  await openDisplay(page);
  await page.getByLabel("Sépia").check();
  await page.waitForTimeout(3000);
  await page.getByRole("region", { name: "Affichage" }).getByRole("button", { name: "Fermer" }).click();
  assert.equal(await storedPlace(page, slug), far, "« Reprendre » still opens where the reader was");
  assert.deepEqual(page.problems(), []);
  await page.context().close();
});

test("display settings persist across reloads and apply before the first paint", async () => {
  const page = await newPage(env.browser);
  // Record the theme at the moment <body> appears, before anything can be painted.
  await page.addInitScript(() => {
    new MutationObserver((_, obs) => {
      if (document.body) {
        window.__themeAtBody = document.documentElement.getAttribute("data-theme");
        window.__sizeAtBody = document.documentElement.getAttribute("data-size");
        obs.disconnect();
      }
    }).observe(document, { childList: true, subtree: true });
  });
  const url = `${env.server.url}lire/${articles[2].slug}/`;
  await page.goto(url);
  await appReady(page);
  const fontSize = () => page.locator(".article-body p").first().evaluate((p) => parseFloat(getComputedStyle(p).fontSize));
  const before = await fontSize();
  await openDisplay(page);
  await page.getByLabel("Sombre").check();
  await page.getByLabel("Très grande").check();
  await page.getByLabel("Sans empattements").check();
  // The text column's width, in `ch` of the column that sets it (the reader's parent: the
  // measure is resolved there, in the page's font, not in the text's).
  const measure = () =>
    page.locator(".reader").evaluate((reader) => {
      const column = reader.parentElement;
      const probe = document.createElement("div");
      probe.style.width = "1ch";
      column.append(probe);
      const ch = probe.getBoundingClientRect().width;
      probe.remove();
      return reader.getBoundingClientRect().width / ch;
    });
  const medium = await measure();
  await page.getByLabel("Étroite").check();
  await page.getByLabel("Aéré").check();
  await page.reload();
  await appReady(page);
  assert.equal(await page.evaluate(() => window.__themeAtBody), "sombre");
  assert.equal(await page.evaluate(() => window.__sizeAtBody), "5");
  const style = await page.locator(".article-body p").first().evaluate((p) => {
    const s = getComputedStyle(p);
    return { bg: getComputedStyle(document.body).backgroundColor, family: s.fontFamily, leading: parseFloat(s.lineHeight) / parseFloat(s.fontSize) };
  });
  assert.equal(style.bg, "rgb(22, 21, 19)");
  assert.match(style.family, /system-ui|sans-serif/);
  assert.ok(style.leading > 1.9, `line spacing ${style.leading}`);
  // « Étroite » is a column of 56 ch, narrower than the default one.
  const narrow = await measure();
  assert.ok(Math.abs(narrow - 56) < 0.5, `« Étroite »: lines of ${narrow} ch`);
  assert.ok(narrow < medium - 4, `« Étroite » (${narrow} ch) is not narrower than the default (${medium} ch)`);
  assert.ok((await fontSize()) > before, "text is larger");
  await openDisplay(page);
  assert.equal(await page.getByLabel("Sombre").isChecked(), true);
  await page.getByLabel("Sépia").check();
  assert.equal(await page.evaluate(() => getComputedStyle(document.body).backgroundColor), "rgb(244, 236, 216)");
  assert.deepEqual(page.problems(), []);
});

test("a setting the storage refuses (full) holds in the tab, and « Affichage » says it is not stored", async () => {
  const page = await newPage(env.browser);
  // The storage refuses the settings while `__full` is set.
  await page.addInitScript(() => {
    const setItem = Storage.prototype.setItem;
    Storage.prototype.setItem = function (key, value) {
      if (window.__full && key === "liseuse:settings") throw new DOMException("quota", "QuotaExceededError");
      return setItem.call(this, key, value);
    };
  });
  await page.goto(`${env.server.url}lire/${articles[0].slug}/`);
  await appReady(page);
  await openDisplay(page);
  const unstored = page.locator(".display-unstored");
  assert.equal(await unstored.textContent(), "");
  await page.evaluate(() => (window.__full = true));
  await page.getByLabel("Sombre").check();
  await unstored.filter({ hasText: "Ces réglages valent pour cet onglet seulement" }).waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), "sombre");
  assert.doesNotMatch(String(await page.evaluate(() => localStorage.getItem("liseuse:settings"))), /sombre/);
  // Room again: the next change is stored, with the one before it, and the line goes.
  await page.evaluate(() => (window.__full = false));
  await page.getByLabel("Grande", { exact: true }).check();
  await page.waitForFunction(() => document.querySelector(".display-unstored").textContent === "");
  assert.match(await page.evaluate(() => localStorage.getItem("liseuse:settings")), /sombre/);
  assert.deepEqual(page.problems(), []);

  // Full from the start, nothing chosen: nothing to store, nothing said.
  const fresh = await newPage(env.browser);
  await fresh.addInitScript(() => {
    const setItem = Storage.prototype.setItem;
    Storage.prototype.setItem = function (key, value) {
      if (key === "liseuse:settings") throw new DOMException("quota", "QuotaExceededError");
      return setItem.call(this, key, value);
    };
  });
  await fresh.goto(`${env.server.url}lire/${articles[0].slug}/`);
  await appReady(fresh);
  await openDisplay(fresh);
  assert.equal(await fresh.locator(".display-unstored").textContent(), "");
  assert.deepEqual(fresh.problems(), []);
});

test("two tabs: a setting changed in one shows in the other, and a change there keeps it", async () => {
  const first = await newPage(env.browser);
  await first.goto(`${env.server.url}lire/${articles[0].slug}/`);
  await appReady(first);
  const second = await first.context().newPage();
  await second.goto(`${env.server.url}lire/${articles[1].slug}/`);
  await appReady(second);
  await openDisplay(first);
  await first.getByLabel("Sombre").check();
  await second.waitForFunction(() => document.documentElement.dataset.theme === "sombre", null, { timeout: 5000 });
  // A change in the second tab is made on top of the first's, which it does not undo.
  await openDisplay(second);
  assert.equal(await second.getByLabel("Sombre").isChecked(), true);
  await second.getByLabel("Très grande").check();
  await first.waitForFunction(() => document.documentElement.dataset.size === "5", null, { timeout: 5000 });
  assert.equal(await first.evaluate(() => document.documentElement.dataset.theme), "sombre");
  const stored = await first.evaluate(() => JSON.parse(localStorage.getItem("liseuse:settings")));
  assert.equal(stored.theme, "sombre");
  await second.reload();
  await appReady(second);
  assert.equal(await second.evaluate(() => document.documentElement.dataset.theme), "sombre");
  await second.close();
  assert.deepEqual(first.problems(), []);
});

test("with no setting, the theme follows the system's colour scheme", async () => {
  const context = await env.browser.newContext({ colorScheme: "dark" });
  const page = await context.newPage();
  await page.goto(env.server.url);
  await appReady(page);
  assert.equal(await page.evaluate(() => getComputedStyle(document.body).backgroundColor), "rgb(22, 21, 19)");
  await context.close();
});

test("prefers-reduced-motion: no transition, animation nor smooth scrolling anywhere", async () => {
  // A probe that would move: with the reader's wish, the app's rule stops it, inline or not.
  const probe = (page) =>
    page.evaluate(() => {
      const el = document.createElement("div");
      el.style.cssText = "transition: opacity 1s; animation: spin 2s infinite; scroll-behavior: smooth";
      document.body.append(el);
      const s = getComputedStyle(el);
      const out = { transition: s.transitionDuration, animation: s.animationName, scroll: s.scrollBehavior };
      el.remove();
      return out;
    });
  for (const reducedMotion of ["reduce", "no-preference"]) {
    const context = await env.browser.newContext({ reducedMotion, locale: "fr-FR" });
    const page = await context.newPage();
    await page.goto(`${env.server.url}lire/${articles[0].slug}/`);
    await appReady(page);
    if (reducedMotion === "reduce") {
      assert.deepEqual(await probe(page), { transition: "0s", animation: "none", scroll: "auto" });
      // Nothing of the app's own moves either (the page, a highlight's panel, « Affichage »).
      await selectText(page, "Laissez-moi vous raconter");
      await page.getByRole("button", { name: "Surligner", exact: true }).click();
      await page.locator(".article-body mark").first().click();
      await page.getByRole("dialog").waitFor();
      await page.keyboard.press("Escape");
      await openDisplay(page);
      const moving = await page.evaluate(() =>
        [...document.querySelectorAll("*")]
          .map((el) => [el, getComputedStyle(el)])
          .filter(([, s]) => s.transitionDuration.split(",").some((d) => parseFloat(d) > 0) || s.animationName !== "none" || s.scrollBehavior === "smooth")
          .map(([el]) => el.tagName + (el.className ? `.${el.className}` : "")),
      );
      assert.deepEqual(moving, []);
    } else {
      // The probe itself moves when nothing is asked: it measures something.
      assert.deepEqual(await probe(page), { transition: "1s", animation: "spin", scroll: "smooth" });
    }
    await context.close();
  }
});

test("the reading position is kept by paragraph and offered as « Reprendre »", async () => {
  const page = await newPage(env.browser, { viewport: { width: 1000, height: 700 } });
  const article = articles[2]; // the longest
  await page.goto(`${env.server.url}lire/${article.slug}/`);
  await appReady(page);
  const target = page.locator(".article-body p").nth(14);
  await target.scrollIntoViewIfNeeded();
  await page.evaluate(() => window.scrollBy(0, document.querySelectorAll(".article-body p")[14].getBoundingClientRect().top - 10));
  const block = await target.getAttribute("data-b");
  // The place to resume is stored once the view has stayed on it (src/progress.rs, HOLD_MS).
  await page.waitForFunction(
    ([k, b]) => JSON.parse(localStorage.getItem(k) ?? "{}").block === Number(b),
    [`liseuse:progress:${article.slug}`, block],
    { timeout: 5000 },
  );
  // Back up to the header and out, as a reader does (the header does not follow the page):
  // passing over the top of the article is not staying there, so the position is kept.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.getByRole("link", { name: "Bibliothèque", exact: true }).click();
  const card = page.locator(".cards > li").nth(2);
  assert.match(await card.locator(".progress").innerText(), /^Lu à \d+\u00a0%$/);
  assert.equal(await page.locator(".cards > li").nth(0).locator(".progress").innerText(), "Non lu");
  // A bigger text: the same paragraph comes back, not the same pixels.
  await openDisplay(page);
  await page.getByLabel("Maximale").check();
  await card.getByRole("link", { name: `Reprendre « ${squash(article.title)} »` }).click();
  // Resuming scrolls once the article is drawn: wait for it (bounded), not a fixed time.
  const resumed = await page
    .waitForFunction(
      (b) => {
        const top = document.querySelector(`.article-body [data-b="${b}"]`)?.getBoundingClientRect().top;
        return top !== undefined && top >= -5 && top < 120;
      },
      block,
      { timeout: 5000 },
    )
    .then(() => true, () => false);
  const top = await page.locator(`.article-body [data-b="${block}"]`).evaluate((el) => el.getBoundingClientRect().top);
  assert.ok(resumed, `resumed block at ${top}px`);
  // Reading to the end marks it read (stored once the view has stayed there: wait for it).
  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  await page.waitForFunction((k) => {
    const blocks = document.querySelectorAll(".article-body [data-b]");
    const last = blocks[blocks.length - 1];
    const end = Number(last.dataset.b) + [...last.textContent].length;
    return JSON.parse(localStorage.getItem(k) ?? "{}").furthest * 100 >= end * 97;
  }, `liseuse:progress:${article.slug}`);
  await page.getByRole("link", { name: "Bibliothèque", exact: true }).click();
  assert.equal(await page.locator(".cards > li").nth(2).locator(".progress").innerText(), "Lu");
  assert.deepEqual(page.problems(), []);
});

test("going down past the text to the link back to the library is not reading it: the article is not marked « Lu » and « Reprendre » stays", async () => {
  const page = await newPage(env.browser, { viewport: { width: 1000, height: 700 } });
  const article = articles[2]; // the longest
  await page.goto(`${env.server.url}lire/${article.slug}/`);
  await appReady(page);
  const blocks = await blockOffsets(page);
  const place = blocks[10];
  await readTo(page, article.slug, place);
  // Down to the end at once, then the link there, a few frames later (the frame after a
  // scroll is where the page used to count what went by as read).
  // In one go in the page, so that no pause of the test itself is a stay there.
  await page.evaluate(async () => {
    window.scrollTo(0, document.documentElement.scrollHeight);
    await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 100))));
    [...document.querySelectorAll("a")].find((a) => a.textContent.trim() === "Retour à la bibliothèque").click();
  });
  await page.getByRole("heading", { level: 1, name: "Bibliothèque" }).waitFor();
  const card = page.locator(".cards > li").nth(2);
  assert.match(await card.locator(".progress").innerText(), /^Lu à \d+\u00a0%$/);
  const stored = await page.evaluate((k) => JSON.parse(localStorage.getItem(k)), `liseuse:progress:${article.slug}`);
  assert.ok(stored.furthest < blocks.at(-3), `furthest ${stored.furthest}, the end's blocks start at ${blocks.at(-3)}`);
  const resume = card.getByRole("link", { name: `Reprendre « ${squash(article.title)} »` });
  assert.match(await resume.getAttribute("href"), new RegExp(`#t-${place}$`));
  assert.deepEqual(page.problems(), []);
});

test("an article opened at a passage by a link makes it the place to resume once the reader stays there; a reload stamps nothing", async () => {
  const context = await env.browser.newContext({ viewport: { width: 1000, height: 600 }, locale: "fr-FR" });
  const page = await context.newPage();
  const article = articles[2]; // the longest
  const key = `liseuse:progress:${article.slug}`;
  const place = () => page.evaluate((k) => JSON.parse(localStorage.getItem(k) ?? "{}").block, key);
  // Opened by a link to a paragraph far down (a search result in a new tab, a shared link).
  const blocks = await env.browser.newPage();
  await blocks.goto(`${env.server.url}lire/${article.slug}/`);
  const far = Number(await blocks.locator(".article-body p").nth(10).getAttribute("data-b"));
  const further = Number(await blocks.locator(".article-body p").nth(20).getAttribute("data-b"));
  await blocks.close();
  await page.goto(`${env.server.url}lire/${article.slug}/#t-${far}`);
  await appReady(page);
  await page.waitForFunction(([k, b]) => JSON.parse(localStorage.getItem(k) ?? "{}").block === b, [key, far], { timeout: 5000 }).catch(() => {});
  assert.equal(await place(), far, "the passage opened becomes the place to resume");
  // Read further and stayed there.
  await page.evaluate(() => window.scrollBy(0, document.querySelectorAll(".article-body p")[20].getBoundingClientRect().top - 10));
  await page.waitForFunction(([k, b]) => JSON.parse(localStorage.getItem(k) ?? "{}").block === b, [key, further], { timeout: 5000 }).catch(() => {});
  assert.equal(await place(), further);
  // A reload (as a tab restored with the session, maybe days later) is no new reading: the
  // place is not stamped anew, which would beat a later one synced from another device.
  const stamped = await page.evaluate((k) => JSON.parse(localStorage.getItem(k)).updated, key);
  await page.reload();
  await appReady(page);
  await page.evaluate(() => new Promise((r) => setTimeout(r, 2500)));
  assert.equal(await page.evaluate((k) => JSON.parse(localStorage.getItem(k)).updated, key), stamped, "a reload stamps nothing");
  // Opened at its top (the title in the library) and left: the place to resume is kept.
  await page.goto(`${env.server.url}lire/${article.slug}/`);
  await appReady(page);
  await page.evaluate(() => new Promise((r) => setTimeout(r, 2500)));
  assert.equal(await place(), further, "opening at the top does not take « Reprendre » back");
  await context.close();
});

test("an article left open does not write an older place nor a shorter progress over the one another tab (or a sync) stored since", async () => {
  const context = await env.browser.newContext({ viewport: { width: 1000, height: 700 }, locale: "fr-FR" });
  const [open, other] = [await context.newPage(), await context.newPage()];
  const article = articles[2]; // the longest
  const key = `liseuse:progress:${article.slug}`;
  const stored = (page) => page.evaluate((k) => JSON.parse(localStorage.getItem(k) ?? "null"), key);
  // Left open at the top of the article.
  await open.goto(`${env.server.url}lire/${article.slug}/`);
  await appReady(open);
  await open.waitForFunction((k) => localStorage.getItem(k) !== null, key);
  // Read far in the other tab, which stays on a paragraph there.
  await other.goto(`${env.server.url}lire/${article.slug}/`);
  await appReady(other);
  const far = other.locator(".article-body p").nth(14);
  await other.evaluate(() => window.scrollBy(0, document.querySelectorAll(".article-body p")[14].getBoundingClientRect().top - 10));
  const farBlock = Number(await far.getAttribute("data-b"));
  await other.waitForFunction(([k, b]) => JSON.parse(localStorage.getItem(k) ?? "{}").block === b, [key, farBlock], { timeout: 5000 });
  const read = await stored(other);
  // The open tab's reader scrolls a little, and stays on its second paragraph.
  await open.bringToFront();
  await open.evaluate(() => window.scrollBy(0, document.querySelectorAll(".article-body p")[1].getBoundingClientRect().top - 10));
  const nearBlock = Number(await open.locator(".article-body p").nth(1).getAttribute("data-b"));
  await open.waitForFunction(([k, b]) => JSON.parse(localStorage.getItem(k) ?? "{}").block === b, [key, nearBlock], { timeout: 5000 });
  const after = await stored(open);
  // Its place is the newer one, stamped after the other's; the furthest point read stays.
  assert.ok(after.furthest >= read.furthest, `${JSON.stringify(after)} after ${JSON.stringify(read)}`);
  assert.ok(after.updated > read.updated, `${JSON.stringify(after)} after ${JSON.stringify(read)}`);
  await context.close();
});

test("the library left open follows the reading done in another tab, and keeps the reader's focus", async () => {
  const context = await env.browser.newContext({ viewport: { width: 1000, height: 700 }, locale: "fr-FR" });
  const [library, reading] = [await context.newPage(), await context.newPage()];
  const article = articles[2]; // the longest
  await library.goto(env.server.url);
  await appReady(library);
  const card = library.locator(".cards > li").nth(2);
  assert.equal(await card.locator(".progress").innerText(), "Non lu");
  // A keyboard reader is on the first card's link.
  await library.locator(".cards > li").nth(0).getByRole("link").first().focus();
  await reading.goto(`${env.server.url}lire/${article.slug}/`);
  await appReady(reading);
  await reading.evaluate(() => window.scrollBy(0, document.querySelectorAll(".article-body p")[14].getBoundingClientRect().top - 10));
  const block = await reading.locator(".article-body p").nth(14).getAttribute("data-b");
  await reading.waitForFunction(
    ([k, b]) => JSON.parse(localStorage.getItem(k) ?? "{}").block === Number(b),
    [`liseuse:progress:${article.slug}`, block],
    { timeout: 5000 },
  );
  // Without a reload, the card says how far, and offers to resume at that paragraph.
  await card.locator(".progress", { hasText: /^Lu à \d+\u00a0%$/ }).waitFor({ timeout: 5000 });
  const resume = card.getByRole("link", { name: `Reprendre « ${squash(article.title)} »` });
  assert.match(await resume.getAttribute("href"), new RegExp(`#t-${block}$`));
  assert.equal(await library.evaluate(() => document.activeElement?.closest(".cards > li") === document.querySelector(".cards > li")), true, "focus kept");
  await context.close();
});

test("search: accents and case do not matter, notes are found, a result opens on its passage", async () => {
  const page = await newPage(env.browser);
  await page.goto(`${env.server.url}lire/${articles[0].slug}/`);
  await appReady(page);
  await selectText(page, "Laissez-moi vous raconter une histoire");
  await page.getByRole("button", { name: "Surligner", exact: true }).click();
  await page.locator(".article-body mark").first().click();
  await page.getByRole("textbox", { name: "Note", exact: true }).fill("Exemple d’une œuvre collective, à relire avec Kant");
  await page.keyboard.press("Escape");

  await page.keyboard.press("/");
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute("aria-label")), "Rechercher");
  for (const query of ["ethique", "ÉTHIQUE", "éthiq"]) {
    await page.getByRole("searchbox", { name: "Rechercher" }).fill(query);
    await page.waitForURL(/\/recherche\/\?q=/);
    await page.locator(".result").first().waitFor();
    const marked = await page.locator(".result mark.search-hit").allInnerTexts();
    assert.ok(marked.length > 0 && marked.every((m) => /^[ée]thique/i.test(m)), `${query}: ${marked}`);
  }
  // An elided article is not a word of the query: « l’éthique » marks « éthique », not every
  // word starting with l.
  await page.getByRole("searchbox", { name: "Rechercher" }).fill("l’éthique");
  await page
    .waitForFunction(() => {
      const marks = [...document.querySelectorAll(".result mark.search-hit")].map((m) => m.textContent);
      return marks.length > 0 && marks.every((m) => /^[ée]thique/i.test(m)) && /l%E2%80%99/i.test(location.search);
    }, null, { timeout: 5000 })
    .catch(async () => assert.fail(`marks: ${await page.locator(".result mark.search-hit").allInnerTexts()}`));
  // « jusqu’ » is a word of its own, and « à » alone is a whole word: « jusqu’à » finds its
  // passages, each shown where it is, and marks nothing else (« a », the verb, folds as « à »).
  await page.getByRole("searchbox", { name: "Rechercher" }).fill("jusqu’à");
  await page
    .waitForFunction(() => {
      const results = [...document.querySelectorAll(".result")];
      const marks = [...document.querySelectorAll(".result mark.search-hit")].map((m) => m.textContent.toLowerCase());
      return /jusqu/i.test(location.search) && results.length > 0 &&
        results.every((r) => /jusqu[’']à/i.test(r.textContent)) && marks.every((m) => ["jusqu", "à", "a"].includes(m));
    }, null, { timeout: 5000 })
    .catch(async () => assert.fail(`results: ${(await page.locator(".result").allInnerTexts()).slice(0, 3)}`));
  // The reader's own note, through an unaccented query.
  await page.getByRole("searchbox", { name: "Rechercher" }).fill("oeuvre collect");
  const note = page.locator(".result", { hasText: "Dans vos notes" });
  await note.waitFor();
  assert.deepEqual(await note.locator("mark.search-hit").allInnerTexts(), ["œuvre", "collective"]);
  // No article has a word starting with k, w or x, nor in another script: their part of the
  // index is empty, not missing. The note is found; other words find nothing, and say so.
  await page.getByRole("searchbox", { name: "Rechercher" }).fill("kant");
  await page.locator(".result", { hasText: "Dans vos notes" }).locator("mark.search-hit", { hasText: "Kant" }).waitFor();
  // A result found by its title shows its summary, which may not hold the word: the word is
  // marked in the title.
  await page.getByRole("searchbox", { name: "Rechercher" }).fill("kiffe");
  const byTitle = page.locator(".result", { hasText: "Titre" });
  await byTitle.waitFor();
  assert.deepEqual(await byTitle.locator(".result-title mark.search-hit").allInnerTexts(), ["kiffé"]);
  for (const query of ["wxyz", "λόγος", "8e"]) {
    await page.getByRole("searchbox", { name: "Rechercher" }).fill(query);
    await page.locator(".search-page [role=status]", { hasText: new RegExp(`Aucun résultat pour «\\s${query}\\s»`) }).waitFor();
  }
  // A passage result opens the article scrolled to it, words marked.
  await page.getByRole("searchbox", { name: "Rechercher" }).fill("symetrique");
  await page.locator(".result a").first().click();
  await page.waitForURL(/\/lire\/un-clash-avec-victor\/\?q=symetrique#t-\d+/);
  await page.locator(".article-body mark.search-hit").first().waitFor();
  // The page scrolls to the passage once the article is drawn: wait for it (bounded), then
  // for the scrolling to settle (two frames alike), and check where it is.
  const hash = new URL(page.url()).hash;
  await page
    .waitForFunction((id) => {
      const top = document.getElementById(id)?.getBoundingClientRect().top;
      return top !== undefined && top >= -5 && top < 200;
    }, hash.slice(1), { timeout: 5000 })
    .catch(() => {});
  const topOf = () =>
    page.evaluate((id) => new Promise((resolve) => requestAnimationFrame(() => resolve(document.getElementById(id).getBoundingClientRect().top))), hash.slice(1));
  let y = await topOf();
  for (let last = null; y !== last; ) [last, y] = [y, await topOf()];
  assert.ok(y >= -5 && y < 200, `passage at ${y}`);
  const block = page.locator(hash);
  assert.ok((await block.locator("mark.search-hit", { hasText: /symétrique/i }).count()) >= 1);
  assert.deepEqual(page.problems(), []);
});

test("keyboard alone: highlight, note, save, move between highlights and articles; `?` lists it", async () => {
  const page = await newPage(env.browser);
  await page.goto(`${env.server.url}lire/${articles[1].slug}/`);
  await appReady(page);
  await selectText(page, "de belles interventions");
  await page.keyboard.press("h");
  await page.getByRole("status").filter({ hasText: "Surlignage créé" }).waitFor();
  await selectText(page, "un pur régal");
  await page.keyboard.press("h");
  await page.locator(".article-body mark.hl", { hasText: "un pur régal" }).waitFor();
  assert.equal(await page.locator(".article-body mark.hl").count(), 2);
  // The highlight just made is the current one; `[` and `]` go on from it, `n` opens its note.
  await page.waitForFunction(() => document.activeElement.textContent === "un pur régal");
  await page.keyboard.press("[");
  assert.equal(await page.evaluate(() => document.activeElement.textContent), "de belles interventions");
  await page.keyboard.press("]");
  assert.equal(await page.evaluate(() => document.activeElement.textContent), "un pur régal");
  await page.keyboard.press("[");
  await page.keyboard.press("n");
  await page.getByRole("textbox", { name: "Note", exact: true }).waitFor();
  await page.waitForFunction(() => document.activeElement.id === "panel-note");
  await page.keyboard.type("Au clavier");
  // Shortcuts do not fire while typing: `h`, `[` and `n` were typed as text.
  await page.keyboard.type(" h[n");
  await page.keyboard.press("Tab"); // colour buttons…
  await page.getByRole("button", { name: "Enregistrer" }).focus();
  await page.keyboard.press("Enter");
  await page.getByRole("status").filter({ hasText: "Note enregistrée" }).waitFor();
  // Focus went back to the highlight, visibly.
  assert.equal(await page.evaluate(() => document.activeElement.textContent), "de belles interventions");
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.notEqual(outline, "none");
  await page.locator(".article-notes .note", { hasText: "Au clavier h[n" }).waitFor();
  await page.keyboard.press("?");
  await page.getByRole("dialog", { name: "Raccourcis clavier" }).waitFor();
  await page.keyboard.press("Escape");
  await page.keyboard.press("ArrowRight");
  await page.waitForURL(`${env.server.url}lire/${articles[2].slug}/`);
  // Once it is shown (until then ← and → are off: see prerender.test.mjs).
  await page.locator("article h1", { hasText: squash(articles[2].title).slice(0, 20) }).waitFor();
  await page.keyboard.press("ArrowLeft");
  await page.waitForURL(`${env.server.url}lire/${articles[1].slug}/`);
  assert.deepEqual(page.problems(), []);
});

test("keyboard alone: Tab goes into the selection's toolbar, a colour highlights, the new highlight is current; Escape closes the toolbar", async () => {
  const page = await newPage(env.browser);
  await page.goto(`${env.server.url}lire/${articles[1].slug}/`);
  await appReady(page);
  const toolbar = page.getByRole("toolbar", { name: "Surligner la sélection" });
  const active = () => page.evaluate(() => ({ text: document.activeElement.textContent, tag: document.activeElement.tagName, id: document.activeElement.dataset.id ?? null }));

  // Escape puts the toolbar and the selection away, the focus where it was.
  await selectText(page, "de belles interventions");
  await toolbar.waitFor();
  await page.keyboard.press("Escape");
  await toolbar.waitFor({ state: "detached" });
  assert.equal(await page.evaluate(() => getSelection().toString()), "");

  // Tab goes to « Surligner », then on to the colours; the selection is kept meanwhile.
  await selectText(page, "de belles interventions");
  await toolbar.waitFor();
  await page.keyboard.press("Tab");
  assert.equal((await active()).text, "Surligner");
  await page.keyboard.press("Tab");
  await page.keyboard.press("Tab");
  assert.equal((await active()).text, "Vert");
  await page.keyboard.press("Enter");
  const mark = page.locator(".article-body mark.hl", { hasText: "de belles interventions" });
  await mark.waitFor();
  assert.match(await mark.getAttribute("class"), /hl-green/);
  // The new highlight is the current one: focused, and `n` writes its note.
  await page.waitForFunction(() => document.activeElement.matches(".article-body mark.hl"));
  assert.equal((await active()).text, "de belles interventions");
  await page.keyboard.press("n");
  await page.waitForFunction(() => document.activeElement.id === "panel-note");
  await page.keyboard.press("Escape");
  await page.getByRole("textbox", { name: "Note", exact: true }).waitFor({ state: "detached" });

  // `h` makes the next one current too; Escape from inside the toolbar gives the focus back to
  // the text.
  await selectText(page, "un pur régal");
  await page.keyboard.press("h");
  await page.waitForFunction(() => document.activeElement.textContent === "un pur régal");
  await selectText(page, "Victor");
  await toolbar.waitFor();
  await page.keyboard.press("Tab");
  assert.equal((await active()).text, "Surligner");
  await page.keyboard.press("Escape");
  await toolbar.waitFor({ state: "detached" });
  assert.ok(await page.evaluate(() => document.querySelector(".article-body").contains(document.activeElement)));
  assert.equal(await page.locator(".article-body mark.hl").count(), 2);

  // Tab is the toolbar's only from the text, and once: not from the shortcuts' dialog, and
  // not again once the reader tabbed out of it (the rest of the page stays reachable).
  await selectText(page, "Victor");
  await toolbar.waitFor();
  await page.keyboard.press("?");
  const help = page.getByRole("dialog", { name: "Raccourcis clavier" });
  await help.waitFor();
  await page.keyboard.press("Tab");
  assert.ok(await page.evaluate(() => document.querySelector("[role=dialog]").contains(document.activeElement)), JSON.stringify(await active()));
  await page.keyboard.press("Escape");
  await help.waitFor({ state: "detached" });
  await selectText(page, "Victor");
  await toolbar.waitFor();
  await page.keyboard.press("Tab");
  const buttons = await toolbar.getByRole("button").count();
  for (let i = 0; i < buttons; i++) await page.keyboard.press("Tab");
  assert.ok(!(await toolbar.evaluate((bar) => bar.contains(document.activeElement)).catch(() => false)), "tabbed out of the toolbar");
  const after = (await active()).text;
  await page.keyboard.press("Tab");
  assert.notEqual((await active()).text, "Surligner", `after ${after}`);
  assert.deepEqual(page.problems(), []);
});

test("an article prints without the app around it, with its highlights and notes", async () => {
  const page = await newPage(env.browser);
  await page.goto(`${env.server.url}lire/${articles[3].slug}/`);
  await appReady(page);
  await selectText(page, "le respect doit être la valeur socle");
  await page.getByRole("button", { name: "Surligner", exact: true }).click();
  await page.getByRole("textbox", { name: "Notes sur l’article" }).fill("Note imprimée");
  await page.emulateMedia({ media: "print" });
  assert.equal(await page.locator(".site-header").isVisible(), false);
  assert.equal(await page.locator(".article-nav").isVisible(), false);
  assert.equal(await page.locator(".article-body mark.hl").isVisible(), true);
  await page.locator(".print-note", { hasText: "Note imprimée" }).waitFor();
  const pdf = await page.pdf();
  assert.ok(pdf.length > 10000);
  // Paper is light in every theme: the dark theme's highlight colours and grey text would be
  // barely readable on it (a contrast of 2 where the light theme gives 16).
  const printed = () =>
    page.evaluate(() => {
      const style = (selector, property) => getComputedStyle(document.querySelector(selector))[property];
      return [style("body", "backgroundColor"), style(".article-body mark.hl", "backgroundColor"), style(".article-meta", "color")];
    });
  const light = await printed();
  for (const theme of ["sombre", "sepia"]) {
    await page.evaluate((theme) => document.documentElement.setAttribute("data-theme", theme), theme);
    assert.deepEqual(await printed(), light, theme);
  }
  await page.evaluate(() => document.documentElement.removeAttribute("data-theme"));
  await page.emulateMedia({ media: "print", colorScheme: "dark" });
  assert.deepEqual(await printed(), light, "the system's dark scheme");
  assert.deepEqual(page.problems(), []);
});

for (const theme of ["clair", "sombre", "sepia"]) {
  test(`axe-core finds no WCAG 2.2 AA violation, theme ${theme}`, async () => {
    const page = await newPage(env.browser);
    await page.addInitScript((theme) => {
      localStorage.setItem("liseuse:settings", JSON.stringify({ theme }));
    }, theme);
    const check = async (what) => {
      const result = await new AxeBuilder({ page })
        .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"])
        .analyze();
      const found = result.violations.map((v) => `${what}: ${v.id} (${v.nodes.length}) ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")}`);
      assert.deepEqual(found, []);
      // It really ran, contrast included (over every highlight colour on the article page).
      assert.ok(result.passes.some((p) => p.id === "color-contrast"), `${what}: contrast not checked`);
    };
    await page.goto(env.server.url);
    await appReady(page);
    await check("library");
    await page.goto(`${env.server.url}lire/${articles[0].slug}/`);
    await page.locator("article h1").waitFor();
    for (const [text, color] of [["Laissez-moi vous raconter", "Jaune"], ["restaurant japonais", "Vert"], ["la confiance se donne", "Bleu"], ["Nous ne sommes pas juges", "Rose"]]) {
      await selectText(page, text);
      await page.getByRole("toolbar").getByRole("button", { name: color, exact: true }).click();
    }
    await page.locator(".article-body mark").first().click();
    await page.getByRole("textbox", { name: "Note", exact: true }).fill("Une note");
    await check("article with highlights and an open note");
    await page.keyboard.press("Escape");
    await openDisplay(page);
    await check("Affichage");
    await page.getByRole("link", { name: "Mes notes" }).click();
    await page.locator(".note-item").first().waitFor();
    await check("Mes notes");
    await page.getByRole("searchbox", { name: "Rechercher" }).fill("confiance");
    await page.locator(".result").first().waitFor();
    await check("search results");
    assert.deepEqual(page.problems(), []);
  });
}
