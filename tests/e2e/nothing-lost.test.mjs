// Nothing lost, nothing misplaced: the paths where a change could vanish without a word (a save
// that keeps failing, another tab's newer data, another tab's racing write, an update taken in
// another tab) and the way back after a deletion.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { sharedBrowserAndServer, serveDist, newPage, appReady, contentArticles, selectText as select, ROOT } from "./harness.mjs";

const articles = contentArticles();
const [first, second] = articles;
const key = (s) => `liseuse:article:${s}`;
const env = sharedBrowserAndServer();
const url = (slug) => `${env.server.url}lire/${slug}/`;

async function openArticle(page, slug) {
  await page.goto(url(slug));
  await appReady(page);
  await page.locator("article h1").waitFor();
}

const stored = (page, slug) => page.evaluate((k) => localStorage.getItem(k), key(slug));

test("a save that keeps failing stays announced, naming the article, after other saves succeed", async () => {
  const page = await newPage(env.browser);
  // A nearly full storage: small writes fit, a long note does not.
  await page.addInitScript(() => {
    const setItem = Storage.prototype.setItem;
    Storage.prototype.setItem = function (k, v) {
      if (String(v).length > 3000) throw new DOMException("quota", "QuotaExceededError");
      return setItem.call(this, k, v);
    };
  });
  await openArticle(page, first.slug);
  await page.getByRole("textbox", { name: "Notes sur l’article" }).fill("Une très longue note. ".repeat(200));
  const notice = page.locator(".notice", { hasText: "stockage local est plein" });
  await notice.waitFor();
  await notice.getByText(first.title.replace(/'/g, "’").slice(0, 20)).waitFor();

  // Another article (through the app: a page load would drop what is in memory), a small
  // highlight that fits.
  await page.getByRole("link", { name: /Article suivant/ }).click();
  await page.locator("article h1", { hasText: second.title.replace(/'/g, "’").slice(0, 12) }).waitFor();
  await select(page, "Vraiment, de belles interventions");
  await page.getByRole("button", { name: "Surligner", exact: true }).click();
  await page.waitForFunction((k) => (localStorage.getItem(k) ?? "").includes("belles interventions"), key(second.slug));
  // The first article's note is still only in memory: the notice stays, and says which.
  await notice.waitFor();
  assert.match(await notice.locator(".unsaved").textContent(), /Pas encore enregistré/);
  assert.equal(await stored(page, first.slug), null);
  assert.deepEqual(page.problems(), []);
});

test("another tab's newer-format data is noticed when it arrives, and never overwritten", async () => {
  const context = await env.browser.newContext();
  const [older, newer] = [await context.newPage(), await context.newPage()];
  await openArticle(older, first.slug);
  await newer.goto(env.server.url);
  const value = JSON.stringify({ schema: 99, article: first.slug, record: { futur: true } });
  await newer.evaluate(([k, v]) => localStorage.setItem(k, v), [key(first.slug), value]);
  await older.getByText(/version plus récente de Liseuse/).waitFor();
  await older.getByText(/ne sont pas enregistrées/).waitFor();
  await select(older, "Laissez-moi vous raconter");
  await older.getByRole("button", { name: "Surligner", exact: true }).click();
  await older.locator(".article-body mark").first().waitFor();
  // It would be written by a zero-delay timer that the click set (src/state.rs,
  // `persist_soon`): a zero-delay timer set now runs after it (timers of equal delay run in
  // the order they were set), so by then the write has been tried.
  await older.evaluate(() => new Promise((r) => setTimeout(r, 0)));
  assert.equal(await stored(older, first.slug), value);
  await context.close();
});

test("another tab's unreadable data is said when it arrives, with its copy set aside; with no room for a copy, said as left in place", async () => {
  const context = await env.browser.newContext();
  const [reader, other] = [await context.newPage(), await context.newPage()];
  await openArticle(reader, first.slug);
  await select(reader, "Laissez-moi vous raconter");
  await reader.getByRole("button", { name: "Surligner", exact: true }).click();
  await reader.waitForFunction((k) => (localStorage.getItem(k) ?? "").includes("Laissez-moi"), key(first.slug));
  // Something other than Liseuse writes the article's key in another tab.
  await other.goto(env.server.url);
  const unreadable = JSON.stringify({ schema: 2, article: first.slug, record: { highlights: [{ color: "orange", note: "note future" }] } });
  await other.evaluate(([k, v]) => localStorage.setItem(k, v), [key(first.slug), unreadable]);
  const notice = reader.locator(".notice", { hasText: /illisibles\s;\selles ont été mises de côté sans être modifiées\. Copie intacte/ });
  await notice.waitFor({ timeout: 5000 });
  await notice.getByText(first.title.replace(/'/g, "’").slice(0, 20)).waitFor();
  const aside = await reader.evaluate(() => Object.keys(localStorage).find((k) => k.startsWith("liseuse:aside:")));
  assert.ok(aside && (await notice.textContent()).includes(aside), `${aside}: ${await notice.textContent()}`);
  assert.equal(await reader.evaluate((k) => localStorage.getItem(k), aside), unreadable);
  // The reader's highlight is still there, and written again over the key (its copy is kept).
  await select(reader, "restaurant japonais");
  await reader.getByRole("button", { name: "Surligner", exact: true }).click();
  await reader.waitForFunction((k) => (localStorage.getItem(k) ?? "").includes("restaurant japonais") && localStorage.getItem(k).includes("Laissez-moi"), key(first.slug));
  await context.close();

  // A full storage: no copy can be made, and the notice does not claim one.
  const page = await newPage(env.browser);
  await page.addInitScript(([k]) => {
    if (!sessionStorage.getItem("seeded")) {
      localStorage.setItem(k, "{ceci n’est pas du JSON");
      sessionStorage.setItem("seeded", "1");
    }
    const setItem = Storage.prototype.setItem;
    Storage.prototype.setItem = function (key, v) {
      if (key.startsWith("liseuse:")) throw new DOMException("quota", "QuotaExceededError");
      return setItem.call(this, key, v);
    };
  }, [key(first.slug)]);
  await openArticle(page, first.slug);
  await page.locator(".notice", { hasText: /illisibles\s;\selles sont laissées telles quelles, à leur place\./ }).waitFor();
  assert.equal(await page.getByText(/mises de côté/).count(), 0);
  assert.equal(await stored(page, first.slug), "{ceci n’est pas du JSON");
});

test("a tab writes back what another tab's racing write left out", async () => {
  const context = await env.browser.newContext();
  const [a, b] = [await context.newPage(), await context.newPage()];
  await openArticle(a, first.slug);
  await b.goto(env.server.url);
  await select(a, "Laissez-moi vous raconter");
  await a.getByRole("button", { name: "Surligner", exact: true }).click();
  await a.waitForFunction((k) => (localStorage.getItem(k) ?? "").includes("Laissez-moi"), key(first.slug));
  // Tab B read the key before A's write and writes after it, without A's highlight.
  const racing = JSON.stringify({ schema: 2, article: first.slug, record: { highlights: [] } });
  await b.evaluate(([k, v]) => localStorage.setItem(k, v), [key(first.slug), racing]);
  // A learns of it and writes the merge back: its highlight is stored again.
  await b.waitForFunction((k) => (localStorage.getItem(k) ?? "").includes("Laissez-moi"), key(first.slug));
  await context.close();
});

test("two tabs, one whose clock says 2200: each edit of a note, made after the other's, is the one kept", async () => {
  const context = await env.browser.newContext({ locale: "fr-FR" });
  const [ahead, onTime] = [await context.newPage(), await context.newPage()];
  await ahead.addInitScript(() => {
    const skew = Date.UTC(2200, 0, 1) - Date.now();
    const now = Date.now;
    Date.now = () => now() + skew;
  });
  await openArticle(ahead, first.slug);
  await select(ahead, "Laissez-moi vous raconter");
  await ahead.getByRole("button", { name: "Surligner", exact: true }).click();
  await openArticle(onTime, first.slug);
  const note = () => stored(onTime, first.slug).then((v) => JSON.parse(v)?.record.highlights[0]?.note);
  // Texts in an order their sorting would undo: a tie between two edits is settled by it.
  for (const [tab, text] of [[ahead, "zzz première version"], [onTime, "AAA écrite à l’heure"], [ahead, "mmm reprise"], [onTime, "AAB encore"]]) {
    await tab.locator(".article-body mark").first().click();
    await tab.getByRole("textbox", { name: "Note", exact: true }).fill(text);
    await tab.getByRole("button", { name: "Enregistrer" }).click();
    await tab.getByRole("dialog").waitFor({ state: "hidden" });
    await onTime.waitForFunction(([k, t]) => (localStorage.getItem(k) ?? "").includes(t), [key(first.slug), text]);
    assert.equal(await note(), text);
    // Both tabs show it, the other one from the storage event.
    for (const page of [ahead, onTime]) await page.locator(".article-notes", { hasText: text }).waitFor();
  }
  await onTime.reload();
  await appReady(onTime);
  await onTime.locator(".article-notes", { hasText: "AAB encore" }).waitFor();
  await context.close();
});

test("hiding or leaving the page writes a change at once, before its timer", async () => {
  const page = await newPage(env.browser);
  await openArticle(page, first.slug);
  for (const [event, text] of [["visibilitychange", "Laissez-moi vous raconter"], ["pagehide", "restaurant japonais"]]) {
    await select(page, text);
    // In one task: « Surligner » (its write waits for a timer, after the next paint), then the
    // page is hidden or left: the write must be done by the time that event is handled.
    const seen = await page.evaluate(
      ([event, text, k]) => {
        const has = () => (localStorage.getItem(k) ?? "").includes(text);
        [...document.querySelectorAll(".hl-toolbar button")].find((b) => b.textContent === "Surligner").click();
        const before = has();
        if (event === "pagehide") dispatchEvent(new PageTransitionEvent("pagehide", { persisted: true }));
        else document.dispatchEvent(new Event("visibilitychange", { bubbles: true }));
        return { before, after: has() };
      },
      [event, text, key(first.slug)],
    );
    assert.deepEqual(seen, { before: false, after: true }, event);
  }
  assert.deepEqual(page.problems(), []);
});

test("deleting a highlight moves focus to « Annuler », which brings it back with its note", async () => {
  const page = await newPage(env.browser);
  await openArticle(page, first.slug);
  await select(page, "Laissez-moi vous raconter");
  await page.getByRole("button", { name: "Surligner", exact: true }).click();
  await page.locator(".article-body mark").first().click();
  await page.getByRole("textbox", { name: "Note", exact: true }).fill("à ne pas perdre");
  await page.getByRole("button", { name: "Supprimer le surlignage" }).click();
  assert.equal(await page.locator(".article-body mark").count(), 0);
  // Announced by the polite live region.
  await page.locator("[role=status][aria-live=polite]", { hasText: "Surlignage supprimé" }).waitFor();
  const undo = page.getByRole("button", { name: "Annuler" });
  await undo.waitFor();
  await page.waitForFunction(() => document.activeElement?.textContent === "Annuler");
  await page.keyboard.press("Enter");
  const mark = page.locator(".article-body mark", { hasText: "Laissez-moi vous raconter" });
  await mark.waitFor();
  await page.waitForFunction(() => document.activeElement?.tagName === "MARK");
  await page.locator(".article-notes .note", { hasText: "à ne pas perdre" }).waitFor();
  await page.reload();
  await appReady(page);
  await mark.waitFor();
  // Without undo, the offer goes away and focus lands in the text, never on <body>.
  await mark.click();
  await page.getByRole("button", { name: "Supprimer le surlignage" }).click();
  await undo.waitFor({ state: "detached", timeout: 12000 });
  const focused = await page.evaluate(() => document.activeElement?.closest(".article-body, article") !== null);
  assert.equal(focused, true, "focus went back to the text");
  assert.deepEqual(page.problems(), []);
});

/** Stores, before the page's scripts run, a highlight of the first article whose passage is no
 * longer in its text (an orphan), unless the page already has data. */
function storeOrphan(page, { id, color, note }) {
  const highlight = { id, article: first.slug, color, note, created: 5, updated: 5, quote: { exact: "pense", prefix: "Ce que j’en ", suffix: " ? Rien du tout." }, position: { start: 10, end: 15 } };
  const record = JSON.stringify({ schema: 2, article: first.slug, record: { highlights: [highlight] } });
  return page.addInitScript(([k, v]) => localStorage.getItem(k) || localStorage.setItem(k, v), [key(first.slug), record]);
}

test("a search hit on an orphaned highlight opens it in « Mes notes »", async () => {
  const page = await newPage(env.browser);
  await storeOrphan(page, { id: "orphelin2", color: "pink", note: "zygomatique" });
  await page.goto(`${env.server.url}recherche/?q=zygomatique`);
  await appReady(page);
  const link = page.locator(".result a", { hasText: first.title.replace(/'/g, "’").slice(0, 10) });
  await link.waitFor();
  await page.waitForFunction(() => document.querySelector(".result a")?.getAttribute("href")?.includes("/notes/#n-orphelin2"));
  await link.click();
  await page.waitForFunction(() => document.activeElement?.id === "n-orphelin2");
  await page.locator("#n-orphelin2").getByText(/Orphelin/).waitFor();
  assert.deepEqual(page.problems(), []);
});

test("a link to an orphaned highlight (as « Exporter en Markdown » writes) opens its panel; one to a highlight this device lacks says so", async () => {
  const page = await newPage(env.browser);
  await storeOrphan(page, { id: "orphelin3", color: "blue", note: "note sur un passage disparu" });
  await page.goto(`${url(first.slug)}#h-orphelin3`);
  await appReady(page);
  const panel = page.getByRole("dialog", { name: "Surlignage" });
  await panel.getByText("Ce passage n’est plus dans le texte actuel de l’article.").waitFor({ timeout: 5000 });
  assert.equal(await panel.getByRole("textbox", { name: "Note", exact: true }).inputValue(), "note sur un passage disparu");
  // A reload of that address opens it again.
  await page.reload();
  await appReady(page);
  await panel.getByText("Ce passage n’est plus dans le texte actuel de l’article.").waitFor({ timeout: 5000 });
  await panel.getByRole("button", { name: "Fermer" }).click();
  // Deleted since the export, or made on a device not synced: said, naming the article.
  await page.goto(`${url(first.slug)}#h-inconnu`);
  await appReady(page);
  const notice = page.locator(".notice", { hasText: "le surlignage que désigne ce lien n’est pas dans vos notes sur cet appareil" });
  await notice.waitFor({ timeout: 5000 });
  await notice.getByText(first.title.replace(/'/g, "’").slice(0, 20)).waitFor();
  // The same link followed again is said once.
  await page.evaluate(() => (location.hash = "#t-0"));
  await page.evaluate(() => (location.hash = "#h-inconnu"));
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  assert.equal(await notice.count(), 1);
  assert.deepEqual(page.problems(), []);
});

test("an update taken in one tab reloads the other, or lets it reload (typing, listening); never « Page introuvable »", async () => {
  const updateDist = join(ROOT, "target", "dist-update");
  assert.ok(existsSync(join(updateDist, "index.html")), "no second build: run `make build-update`");
  const server = await serveDist();
  const context = await env.browser.newContext();
  const controlled = (p) =>
    p.evaluate(async () => {
      await navigator.serviceWorker.ready;
      if (!navigator.serviceWorker.controller) {
        await new Promise((r) => navigator.serviceWorker.addEventListener("controllerchange", r, { once: true }));
      }
    });
  try {
    const [a, b, c, d] = [await context.newPage(), await context.newPage(), await context.newPage(), await context.newPage()];
    // D's reader is listening (« Écouter »; headless Chromium has no voice: the page's
    // `speechSynthesis` says it is speaking).
    await d.addInitScript(() => {
      Object.defineProperty(window, "speechSynthesis", { value: { speaking: true, getVoices: () => [], cancel() {}, addEventListener() {} }, configurable: true });
    });
    for (const p of [a, b, c, d]) {
      await p.goto(`${server.url}lire/${first.slug}/`);
      await appReady(p);
      await controlled(p);
      await p.evaluate(() => (window.__same_page = true));
    }
    // B's reader is typing a note; C's is reading.
    await b.getByRole("textbox", { name: "Notes sur l’article" }).fill("En cours");

    server.setRoot(updateDist); // deploy
    await a.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => r.update()));
    await a.getByText("Nouvelle version disponible").waitFor({ timeout: 20000 });
    await Promise.all([a.waitForEvent("load"), a.getByRole("button", { name: "Recharger" }).click()]);
    await appReady(a);

    // C was not typing: it loaded the new build by itself.
    await c.waitForFunction(() => window.__same_page === undefined && document.querySelector("header.site-header"), null, { timeout: 20000 });
    // B was typing, D listening: they offer the update, and « Recharger » works.
    await b.getByText("Nouvelle version disponible").waitFor({ timeout: 20000 });
    assert.equal(await b.evaluate(() => window.__same_page), true);
    await d.getByText("Nouvelle version disponible").waitFor({ timeout: 20000 });
    assert.equal(await d.evaluate(() => window.__same_page), true);
    await Promise.all([b.waitForEvent("load"), b.getByRole("button", { name: "Recharger" }).click()]);
    await appReady(b);
    assert.equal(await b.getByRole("textbox", { name: "Notes sur l’article" }).inputValue(), "En cours");

    // Every tab now reads the new build: an article none of them had loaded opens.
    for (const p of [b, c]) {
      await p.getByRole("link", { name: /Article suivant/ }).click();
      await p.locator("article h1", { hasText: second.title.replace(/'/g, "’").slice(0, 10) }).waitFor();
      assert.equal(await p.getByText("Page introuvable").count(), 0);
    }
    await b.goto(`${server.url}lire/${first.slug}/`);
    await b.getByText("Mise à jour de test, ce paragraphe vient de la seconde version.").waitFor();
  } finally {
    await context.close();
    await server.close();
  }
});

for (const host of ["a plain static host", "a host that answers every miss with its index.html"]) {
  test(`a page whose build was replaced on the server reloads into the new one, or says so; never « Page introuvable » (${host})`, async () => {
    const updateDist = join(ROOT, "target", "dist-update");
    // Single-page-app hosts (Netlify's "/* /index.html 200", Firebase's and Vercel's rewrites)
    // answer a content file that is gone with a page and 200, not 404.
    const server = await serveDist({ fallback: host.includes("index.html") });
    // No service worker here: the files come from the server, as on a host without one.
    const context = await env.browser.newContext({ serviceWorkers: "block" });
    const goTo = (page, slug) =>
      page.evaluate((path) => {
        history.pushState(null, "", path);
        window.dispatchEvent(new PopStateEvent("popstate"));
      }, new URL(`lire/${slug}/`, server.url).pathname);
    const heading = (page, article) => page.locator("article h1", { hasText: article.title.replace(/'/g, "’").slice(0, 10) });
    try {
      const page = await context.newPage();
      await page.goto(`${server.url}lire/${first.slug}/`);
      await appReady(page);
      await page.evaluate(() => (window.__same_page = true));
      server.setRoot(updateDist); // deploy: this page's content files are gone
      // An article the page has neither loaded nor prefetched: the new build is loaded for it.
      await goTo(page, articles[3].slug);
      await page.waitForFunction(() => window.__same_page === undefined, null, { timeout: 15000 });
      await appReady(page);
      await heading(page, articles[3]).waitFor();

      // Once per build at most: if it happens again, the page says so and the reader reloads.
      const version = await page.evaluate(() =>
        performance.getEntriesByType("resource").map((e) => e.name.match(/content\/([0-9a-f]+)\//)?.[1]).find(Boolean),
      );
      await page.evaluate((v) => sessionStorage.setItem(`liseuse:reloaded-for:${v}`, "1"), version);
      await page.evaluate(() => (window.__same_page = true));
      server.setRoot(join(ROOT, "dist"));
      await goTo(page, second.slug);
      await page.getByText(/Liseuse a été mise à jour/).waitFor();
      assert.equal(await page.getByText("Page introuvable").count(), 0);
      assert.equal(await page.evaluate(() => window.__same_page), true);
      await Promise.all([page.waitForEvent("load"), page.getByRole("button", { name: "Recharger" }).click()]);
      await appReady(page);
      await heading(page, second).waitFor();
    } finally {
      await context.close();
      await server.close();
    }
  });
}

test("sync settings that can no longer be read are said, in the header and on « Synchronisation », and nothing else changes", async () => {
  const page = await newPage(env.browser);
  await page.addInitScript(() => {
    if (!sessionStorage.getItem("seeded")) {
      localStorage.setItem("liseuse:sync:config", "{\"url\": 42, abîmé");
      sessionStorage.setItem("seeded", "1");
    }
  });
  await openArticle(page, first.slug);
  const header = page.locator("header.site-header nav a", { hasText: "Synchronisation" });
  await page.waitForFunction(() => [...document.querySelectorAll("header.site-header nav a")].some((a) => a.textContent.replace(/\s+/gu, " ").trim() === "Synchronisation en échec"));
  await header.click();
  await page.getByRole("alert").filter({ hasText: "Les réglages de synchronisation gardés sur cet appareil sont illisibles" }).waitFor();
  assert.equal(await page.getByLabel("Adresse du dossier WebDAV").inputValue(), "");
  // Left as it is until the reader gives the settings again, or logs out: then it goes, and
  // the alert with it.
  assert.equal(await page.evaluate(() => localStorage.getItem("liseuse:sync:config")), "{\"url\": 42, abîmé");
  page.once("dialog", (dialog) => dialog.accept());
  await page.getByRole("button", { name: "Se déconnecter" }).click();
  await page.getByRole("alert").filter({ hasText: "illisibles" }).waitFor({ state: "detached" });
  assert.equal(await page.evaluate(() => localStorage.getItem("liseuse:sync:config")), null);
  assert.deepEqual(page.problems(), []);
});
