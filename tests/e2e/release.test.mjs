// The release build as readers get it: a wasm trap (no panic message any more, see the Makefile)
// leaves a way to reload with nothing lost; the pages an article's visit does not need come as
// lazy chunks, fetched when first opened; a deep link to a highlight shows it mid-screen.
import { test } from "node:test";
import assert from "node:assert/strict";
import { sharedBrowserAndServer, newPage, appReady, contentArticles, selectText } from "./harness.mjs";

const [article] = contentArticles();
const env = sharedBrowserAndServer();
const articleUrl = () => `${env.server.url}lire/${article.slug}/`;
/** Every lazy chunk's file (main module aside). */
const CHUNK = /\/(split|chunk)_[^/]*\.wasm$/;

/** The article in a profile with no service worker, so that the page fetches the chunks itself
 * and the test can refuse them; `init` runs in the page first. Exceptions are recorded. */
async function articleWithoutWorker(init) {
  const context = await env.browser.newContext({ serviceWorkers: "block", locale: "fr-FR" });
  const page = await context.newPage();
  const exceptions = [];
  page.on("pageerror", (e) => exceptions.push(e.message));
  if (init) await page.addInitScript(init);
  await page.goto(articleUrl());
  await appReady(page);
  return { context, page, exceptions };
}

/** Refuses every chunk, then highlights a passage: highlighting needs no chunk (selecting text
 * tries to fetch the panel's ahead, in vain). */
async function highlightWithoutChunks(page) {
  await page.route(CHUNK, (route) => route.abort());
  await selectText(page, "le voyageur frugal Loïc Simon");
  await page.getByRole("button", { name: "Surligner", exact: true }).click();
  await page.locator(".article-body mark").first().waitFor();
}

test("a wasm trap offers « Une erreur est survenue — Recharger », and reloading loses nothing", async () => {
  const page = await newPage(env.browser);
  // Trunk's loader hands the wasm instance to this event; the test keeps its raw exports.
  await page.addInitScript(() => addEventListener("TrunkApplicationStarted", (e) => (window.__wasm = e.detail.wasm)));
  await page.goto(articleUrl());
  await appReady(page);
  await selectText(page, "le voyageur frugal Loïc Simon");
  await page.getByRole("button", { name: "Surligner", exact: true }).click();
  await page.locator(".article-body mark").first().waitFor();
  assert.equal(await page.getByRole("alert").filter({ hasText: "Une erreur est survenue" }).count(), 0);
  // A real trap: an impossible allocation aborts (as a panic does in this build), out of a
  // task, uncaught, as a bug in an event handler would.
  await page.evaluate(() => {
    if (typeof window.__wasm?.__wbindgen_malloc !== "function") throw new Error("no wasm exports");
    setTimeout(() => window.__wasm.__wbindgen_malloc(-16, 1));
  });
  const alert = page.getByRole("alert").filter({ hasText: "Une erreur est survenue" });
  await alert.waitFor();
  assert.equal((await alert.innerText()).replace(/\s+/g, " ").trim(), "Une erreur est survenue — Recharger");
  // The banner is over the page wherever it is scrolled, and its button has the focus.
  const box = await alert.boundingBox();
  assert.ok(box.y >= 0 && box.y < 100, `banner at ${box.y}`);
  assert.equal(await page.evaluate(() => document.activeElement.textContent), "Recharger");
  // It was a trap, and the only problem of the page.
  assert.deepEqual(page.problems().map((p) => p.replace(/:.*/s, "")), ["exception"]);
  assert.match(page.problems()[0], /unreachable/);
  await Promise.all([page.waitForEvent("load"), alert.getByRole("button", { name: "Recharger" }).click()]);
  await appReady(page);
  await page.locator(".article-body mark", { hasText: "le voyageur frugal" }).first().waitFor();
  assert.equal(await page.getByRole("alert").filter({ hasText: "Une erreur est survenue" }).count(), 0);
});

test("a first visit to an article loads no lazy chunk nor stylesheet; each other page loads its chunks when first opened", async () => {
  const page = await newPage(env.browser);
  const chunks = [];
  const stylesheets = [];
  page.on("request", (r) => {
    const name = new URL(r.url()).pathname.split("/").pop();
    if (/\.wasm$/.test(name) && !/^liseuse-/.test(name)) chunks.push(name);
    if (r.resourceType() === "stylesheet") stylesheets.push(name);
  });
  await page.goto(articleUrl());
  await appReady(page);
  // The article's page carries its stylesheet inline (allowed by its hash in the CSP).
  assert.deepEqual(stylesheets, []);
  assert.equal(await page.locator(".skip-link").evaluate((el) => getComputedStyle(el).position), "absolute");
  // Selecting text fetches the highlight panel's code ahead of need, and only that. That
  // fetch, once seen, also says the visit has been handled: any chunk the visit itself asked
  // for would have been asked for before it.
  await selectText(page, "le voyageur frugal Loïc Simon");
  await page.waitForFunction(() => performance.getEntriesByType("resource").some((r) => /split_highlight_panel-/.test(r.name)));
  assert.ok(chunks.some((c) => /^split_highlight_panel-/.test(c)), chunks.join(", "));
  assert.ok(chunks.every((c) => /^(split_highlight_panel|chunk_\d+)-/.test(c)), `reading needs only the main wasm, selecting only the panel's chunks: ${chunks.join(", ")}`);
  await page.getByRole("button", { name: "Surligner", exact: true }).click();
  await page.locator(".article-body mark").first().click();
  await page.getByRole("dialog").waitFor();
  await page.getByRole("button", { name: "Fermer" }).click();
  // « Affichage »'s when it is first opened.
  await page.getByRole("button", { name: "Affichage" }).click();
  await page.getByRole("group", { name: "Thème" }).waitFor();
  assert.ok(chunks.some((c) => c.startsWith("split_display_panel-")), chunks.join(", "));
  await page.getByRole("button", { name: "Affichage" }).click();
  const fetched = chunks.length;
  await page.locator(".article-body mark").first().click();
  await page.getByRole("dialog").waitFor();
  await page.getByRole("button", { name: "Fermer" }).click();
  assert.equal(chunks.length, fetched, "nothing fetched twice");

  const opened = async (link, heading, lazy) => {
    chunks.length = 0;
    await page.getByRole("navigation", { name: "Navigation principale" }).getByRole("link", { name: link }).click();
    await page.getByRole("heading", { level: 1, name: heading }).waitFor();
    assert.ok(chunks.some((c) => c.startsWith(`split_${lazy}-`)), `${link}: ${chunks.join(", ")}`);
    // Never the sync engine before sync is set up.
    assert.ok(!chunks.some((c) => /^split_sync_(pass|changes|check)-/.test(c)), chunks.join(", "));
    return [...chunks];
  };
  await opened("Mes notes", "Mes notes", "my_notes_page");
  await page.locator(".note-item", { hasText: "le voyageur frugal" }).waitFor();
  await opened("Synchronisation", "Synchronisation", "sync_page");
  await page.getByRole("searchbox", { name: "Rechercher" }).fill("confiance");
  await page.getByRole("searchbox", { name: "Rechercher" }).press("Enter");
  await page.getByRole("heading", { level: 1, name: "Recherche" }).waitFor();
  await page.getByText(/résultats? pour/).waitFor();
  // Back to a page already opened: nothing fetched again.
  chunks.length = 0;
  await page.getByRole("navigation", { name: "Navigation principale" }).getByRole("link", { name: "Mes notes" }).click();
  await page.locator(".note-item", { hasText: "le voyageur frugal" }).waitFor();
  assert.deepEqual(chunks, []);
  assert.deepEqual(page.problems(), []);
});

test("a lazy page whose code cannot be fetched says so, offers « Recharger », and the app goes on", async () => {
  const { context, page, exceptions } = await articleWithoutWorker();
  await highlightWithoutChunks(page);

  // A part of the reader page: the message where the part would be, « Réessayer » gets it.
  await page.locator(".article-body mark").first().click();
  const partFailed = page.getByRole("alert").filter({ hasText: "Impossible de charger le panneau du surlignage" });
  await partFailed.waitFor();
  assert.equal(await page.getByRole("dialog").count(), 0);
  await page.unroute(CHUNK);
  await partFailed.getByRole("button", { name: "Réessayer" }).click();
  await page.getByRole("dialog").waitFor();
  assert.equal(await partFailed.count(), 0);
  await page.getByRole("button", { name: "Fermer" }).click();
  await page.route(CHUNK, (route) => route.abort());
  await page.getByRole("navigation", { name: "Navigation principale" }).getByRole("link", { name: "Mes notes" }).click();
  await page.getByRole("heading", { level: 1, name: "Page non chargée" }).waitFor();
  assert.match(await page.getByRole("alert").filter({ hasText: "pas pu être chargée" }).innerText(), /rechargez pour l’obtenir/);
  // Not the wasm stopping: no « Une erreur est survenue », no exception, and the app still works.
  assert.equal(await page.getByText("Une erreur est survenue").count(), 0);
  assert.deepEqual(exceptions, []);
  await page.getByRole("navigation", { name: "Navigation principale" }).getByRole("link", { name: "Bibliothèque" }).click();
  await page.locator(".cards > li").first().waitFor();

  // Back on the network: « Recharger » on the page gets it.
  await page.getByRole("navigation", { name: "Navigation principale" }).getByRole("link", { name: "Mes notes" }).click();
  await page.getByRole("heading", { level: 1, name: "Page non chargée" }).waitFor();
  await page.unroute(CHUNK);
  await Promise.all([page.waitForEvent("load"), page.getByRole("button", { name: "Recharger" }).click()]);
  await page.locator(".note-item", { hasText: "le voyageur frugal" }).waitFor();
  await context.close();
});

test("a full storage is told even when the notices' chunk cannot be fetched; `?` says its list cannot be loaded", async () => {
  // A storage that refuses every write of the app's notes.
  const { context, page, exceptions } = await articleWithoutWorker(() => {
    const setItem = Storage.prototype.setItem;
    Storage.prototype.setItem = function (key, value) {
      if (String(key).startsWith("liseuse:article:")) throw new DOMException("quota", "QuotaExceededError");
      return setItem.call(this, key, value);
    };
  });
  await highlightWithoutChunks(page);
  // The notice's words, without its chunk (no export button then).
  await page.getByRole("alert").filter({ hasText: /stockage local est plein/ }).waitFor();
  assert.equal(await page.getByRole("button", { name: "Exporter en JSON" }).count(), 0);
  // `?`: its list's code cannot be fetched, and it says so.
  await page.keyboard.press("?");
  const failed = page.getByRole("alert").filter({ hasText: "Impossible de charger l’aide des raccourcis" });
  await failed.waitFor();
  assert.equal(await page.getByText("Une erreur est survenue").count(), 0);
  assert.deepEqual(exceptions, []);
  // Back on the network, « Réessayer » brings the list.
  await page.unroute(CHUNK);
  await failed.getByRole("button", { name: "Réessayer" }).click();
  await page.getByRole("dialog", { name: "Raccourcis clavier" }).waitFor();
  await context.close();
});

test("sync whose code cannot be fetched says so, and works once it can", async () => {
  // No service worker: the page fetches the chunks itself, and the test can refuse them.
  const context = await env.browser.newContext({ serviceWorkers: "block", locale: "fr-FR" });
  const page = await context.newPage();
  const exceptions = [];
  page.on("pageerror", (e) => exceptions.push(e.message));
  await page.goto(`${env.server.url}synchro/`);
  await page.getByRole("heading", { level: 1, name: "Synchronisation" }).waitFor();
  // The sync engine's chunks (the page's own is loaded).
  const engine = /\/split_sync_(check|pass|changes)-[^/]*\.wasm$/;
  const refused = [];
  await page.route(engine, (route) => {
    refused.push(route.request().url());
    return route.abort();
  });
  // Nothing listens there: once its code is loaded, the check fails on the network.
  await page.getByLabel("Adresse du dossier WebDAV", { exact: true }).fill("http://127.0.0.1:9/dav/");
  await page.getByLabel("Identifiant", { exact: true }).fill("lecteur");
  await page.getByLabel("Mot de passe", { exact: true }).fill("secret");
  const status = page.locator("p.sync-status");
  await page.getByRole("button", { name: "Tester la connexion" }).click();
  await status.filter({ hasText: "La synchronisation n’a pas pu être chargée depuis le serveur de Liseuse" }).waitFor();
  assert.match(await status.innerText(), /rechargez la page\./);
  assert.ok(refused.length > 0);
  assert.equal(await page.getByText("Une erreur est survenue").count(), 0);
  // Back on the network: the same button gets the code, and the check reaches the network.
  await page.unroute(engine);
  await page.getByRole("button", { name: "Tester la connexion" }).click();
  await status.filter({ hasText: "Serveur injoignable" }).waitFor();
  assert.deepEqual(exceptions, []);
  await context.close();
});

test("a deep link to a highlight in an 800×500 window shows it mid-screen, above its open panel", async () => {
  const page = await newPage(env.browser, { viewport: { width: 800, height: 500 } });
  await page.goto(articleUrl());
  await appReady(page);
  await selectText(page, "C’est l’idée de la récompense morale");
  await page.getByRole("button", { name: "Surligner", exact: true }).click();
  const id = await page.locator(".article-body mark[data-id]").first().getAttribute("data-id");
  await page.goto(env.server.url);
  await appReady(page);
  await page.goto(`${articleUrl()}#h-${id}`);
  await appReady(page);
  await page.getByRole("dialog").waitFor();
  await page.waitForFunction(() => document.activeElement?.id === "panel-note");
  // Once the scrolling has settled (two frames alike).
  const where = () =>
    page.evaluate(
      () =>
        new Promise((resolve) =>
          requestAnimationFrame(() => {
            const m = document.getElementById(document.location.hash.slice(1)).getBoundingClientRect();
            const p = document.querySelector(".panel").getBoundingClientRect();
            resolve({ top: m.top, bottom: m.bottom, panelTop: p.top, height: innerHeight });
          }),
        ),
    );
  let at = await where();
  for (let last = null; JSON.stringify(at) !== JSON.stringify(last); ) [last, at] = [at, await where()];
  // Whole, above the panel, in the middle of the window's free part (not at an edge).
  assert.ok(at.top >= 0 && at.bottom <= at.panelTop, JSON.stringify(at));
  const middle = (at.top + at.bottom) / 2;
  assert.ok(Math.abs(middle - at.panelTop / 2) <= 24, `mark at ${middle} px, free space's middle at ${at.panelTop / 2} px (${JSON.stringify(at)})`);
  // The panel leaves room for the passage's context: at least a third of the window.
  assert.ok(at.panelTop >= at.height / 3, JSON.stringify(at));
  assert.deepEqual(page.problems(), []);
});
