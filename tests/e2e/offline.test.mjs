// Offline after the first visit, installable, strict CSP, nothing leaves the origin, and
// updates offered (never forced) when a new build is deployed.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { chromium } from "playwright-core";
import { launch, serveDist, appReady, contentArticles, squash, selectText as select, ROOT, CHROMIUM, CHROMIUM_ARGS } from "./harness.mjs";

const articles = contentArticles();
const updateDist = join(ROOT, "target", "dist-update");
let browser;

before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** A fresh profile that records CSP violations, console errors and off-origin requests. */
async function freshPage(origin, profile) {
  const options = { viewport: { width: 1280, height: 900 } };
  const context = profile
    ? await chromium.launchPersistentContext(profile, { ...options, executablePath: CHROMIUM, args: CHROMIUM_ARGS })
    : await browser.newContext(options);
  await context.addInitScript(() => {
    window.__csp = [];
    document.addEventListener("securitypolicyviolation", (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const problems = [];
  page.on("console", (m) => m.type() === "error" && problems.push(`${m.text()} @ ${m.location().url}`));
  page.on("pageerror", (e) => problems.push(e.message));
  context.on("request", (r) => {
    if (!r.url().startsWith(origin) && !r.url().startsWith("blob:") && !r.url().startsWith("data:")) {
      problems.push(`off-origin request: ${r.url()}`);
    }
  });
  page.problems = async () => [...problems, ...(await page.evaluate(() => window.__csp).catch(() => []))];
  return { context, page };
}

async function controlled(page) {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((r) => navigator.serviceWorker.addEventListener("controllerchange", r, { once: true }));
    }
  });
}

for (const prefix of ["/", "/liseuse/"]) {
  test(`after one visit, everything works offline (served at ${prefix})`, async () => {
    const dir = prefix === "/" ? join(ROOT, "dist") : join(ROOT, "target", "dist-sub");
    const server = await serveDist({ dir, prefix });
    const { context, page } = await freshPage(server.origin);
    try {
      await page.goto(server.url);
      await appReady(page);
      await controlled(page);
      const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
      assert.equal(scope, server.url);

      await context.setOffline(true);
      await page.reload();
      await appReady(page);
      await page.getByText("Hors ligne").waitFor();
      assert.equal(await page.locator(".cards > li").count(), articles.length);

      // Reload on an article's URL, then move between articles.
      await page.goto(`${server.url}lire/${articles[2].slug}/`);
      await page.locator("article h1").waitFor();
      await page.getByRole("link", { name: /Article suivant/ }).click();
      await page.waitForURL(`${server.url}lire/${articles[3].slug}/`);
      // The article shown stays until the next one is loaded: then its title.
      await page.waitForFunction((t) => document.querySelector("article h1")?.textContent.replace(/\s+/gu, " ").trim() === t, squash(articles[3].title), { timeout: 10000 });
      // The keyboard's way back (`←`), which builds its path with the base too.
      await page.keyboard.press("ArrowLeft");
      await page.waitForURL(`${server.url}lire/${articles[2].slug}/`);

      // Highlight offline; it is kept across a reload.
      await page.goto(`${server.url}lire/${articles[4].slug}/`);
      await page.locator("article h1").waitFor();
      await select(page, "les débuts sont des moments délicats");
      await page.getByRole("button", { name: "Surligner", exact: true }).click();
      await page.reload();
      await page.locator(".article-body mark", { hasText: "les débuts sont des moments délicats" }).waitFor();

      // "Mes notes", and an unknown page (the app's own 404 from the shell).
      await page.goto(`${server.url}notes/`);
      await page.locator(".note-item", { hasText: "les débuts sont des moments délicats" }).waitFor();
      // The other lazy pages: their chunks come from the worker's cache too.
      await page.goto(`${server.url}synchro/`);
      await page.getByRole("heading", { level: 1, name: "Synchronisation" }).waitFor();
      await page.getByRole("searchbox", { name: "Rechercher" }).fill("délicats");
      await page.getByRole("searchbox", { name: "Rechercher" }).press("Enter");
      await page.locator(".results li", { hasText: "délicats" }).first().waitFor();
      await page.goto(`${server.url}lire/inconnu/`);
      await page.getByRole("heading", { name: "Page introuvable" }).waitFor();

      await context.setOffline(false);
      await page.getByText("Hors ligne").waitFor({ state: "detached" });
      // The unknown article's file is answered 404 by the worker, which knows this build's
      // files; the browser logs that answer.
      const unknown = /^Failed to load resource: the server responded with a status of 404 \(Not Found\) @ http:\/\/[^/]+\/(liseuse\/)?content\/[^/]+\/a\/inconnu\.json$/;
      assert.deepEqual((await page.problems()).filter((p) => !unknown.test(p)), []);
      // Online, a missing file is still a real 404, and errors are not cached.
      const status = await page.evaluate(async () => (await fetch("manque.js")).status);
      assert.equal(status, 404);
      const cached = await page.evaluate(async () => {
        const names = await caches.keys();
        const all = await Promise.all(names.map(async (n) => (await (await caches.open(n)).keys()).map((r) => r.url)));
        return all.flat();
      });
      assert.ok(!cached.some((u) => u.includes("manque") || u.includes("inconnu")), cached.join("\n"));
    } finally {
      await context.close();
      await server.close();
    }
  });
}

test("the service worker precaches exactly the build's files, under a content-derived name", async () => {
  const worker = readFileSync(join(ROOT, "dist", "sw.js"), "utf8");
  const precache = JSON.parse(worker.match(/const PRECACHE = (\[[\s\S]*?\]);/)[1]);
  const cache = worker.match(/const BUILD = "(liseuse-[0-9a-f]{16})"/)[1];
  assert.ok(cache);
  const content = precache.find((p) => /^content\/[0-9a-f]{16}\/library\.json$/.test(p))?.replace("library.json", "");
  assert.ok(content, "library.json not precached");
  const everyArticle = articles.map((a) => `${content}a/${a.slug}.json`);
  for (const path of ["./", "notes/", "recherche/", "manifest.webmanifest", "icons/icon-192.png", "icons/icon-512.png", "icons/icon-maskable-512.png", ...everyArticle]) {
    assert.ok(precache.includes(path), `${path} not precached`);
  }
  // Every part of the search index; but not the articles' own pages: offline, the app shell
  // shows any article from its file, so each article is downloaded once.
  assert.ok(precache.some((p) => p.startsWith(`${content}s/`)));
  assert.deepEqual(precache.filter((p) => p.startsWith("lire/")), []);
  for (const path of precache) {
    const file = path.endsWith("/") ? join(ROOT, "dist", path, "index.html") : join(ROOT, "dist", path);
    assert.ok(existsSync(file), `${path} precached but not in dist/`);
  }
  assert.ok(precache.some((p) => /_bg\.wasm$/.test(p)) && precache.some((p) => /\.js$/.test(p)) && precache.some((p) => /\.css$/.test(p)));
  assert.ok(!precache.includes("sw.js"));
});

test("Chromium reports the app as installable, with a strict CSP", async () => {
  const server = await serveDist();
  // Installability is not reported in incognito-like contexts: use a real profile.
  const profile = mkdtempSync(join(tmpdir(), "liseuse-profile-"));
  const { context, page } = await freshPage(server.origin, profile);
  try {
    await page.goto(server.url);
    await appReady(page);
    await controlled(page);
    const cdp = await context.newCDPSession(page);
    const { installabilityErrors } = await cdp.send("Page.getInstallabilityErrors");
    assert.deepEqual(installabilityErrors, []);
    const manifest = await page.evaluate(async () => (await fetch(document.querySelector("link[rel=manifest]").href)).json());
    assert.equal(manifest.name, "Liseuse");
    assert.equal(manifest.start_url, "./");
    assert.ok(manifest.icons.some((i) => i.purpose === "maskable"));
    const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute("content");
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /script-src 'self' 'wasm-unsafe-eval' 'sha256-/);
    assert.doesNotMatch(csp, /unsafe-inline|'unsafe-eval'/);
    // Exercise the app under the CSP: highlight, open the panel, visit « Mes notes ».
    await page.goto(`${server.url}lire/${articles[0].slug}/`);
    await select(page, "Laissez-moi vous raconter");
    await page.getByRole("button", { name: "Surligner", exact: true }).click();
    await page.locator(".article-body mark").first().click();
    await page.getByRole("dialog").waitFor();
    await page.getByRole("link", { name: "Mes notes" }).click();
    await page.locator(".note-item").first().waitFor();
    assert.deepEqual(await page.problems(), []);
  } finally {
    await context.close();
    await server.close();
    rmSync(profile, { recursive: true, force: true });
  }
});

test("a new build deployed while the tab is away is noticed when the tab comes back", async () => {
  assert.ok(existsSync(join(updateDist, "index.html")), "no second build: run `make build-update`");
  const server = await serveDist();
  const { context, page } = await freshPage(server.origin);
  try {
    // Counts the worker's update checks, and lets the test say when the tab is hidden.
    await context.addInitScript(() => {
      window.__checks = 0;
      window.__lastCheck = null;
      const update = ServiceWorkerRegistration.prototype.update;
      ServiceWorkerRegistration.prototype.update = function () {
        window.__checks++;
        window.__lastCheck = update.call(this).catch(() => {});
        return window.__lastCheck;
      };
      let hidden = false;
      Object.defineProperty(document, "visibilityState", { get: () => (hidden ? "hidden" : "visible") });
      Object.defineProperty(document, "hidden", { get: () => hidden });
      window.__setHidden = (h) => {
        hidden = h;
        document.dispatchEvent(new Event("visibilitychange", { bubbles: true }));
      };
    });
    await page.goto(`${server.url}lire/${articles[0].slug}/`);
    await appReady(page);
    await controlled(page);
    // The tab goes away; the checks made so far (the page's own, hiding's) are over, on the
    // first build. Then the new build is deployed, and the tab comes back.
    await page.evaluate(() => window.__lastCheck);
    await page.evaluate(() => window.__setHidden(true));
    await page.evaluate(() => window.__lastCheck);
    server.setRoot(updateDist);
    const checks = await page.evaluate(() => window.__checks);
    await page.evaluate(() => window.__setHidden(false));
    // Coming back looks for a new build, at once, with no page opened: it is offered.
    await page.waitForFunction((before) => window.__checks > before, checks, { timeout: 2000 });
    await page.getByText("Nouvelle version disponible").waitFor({ timeout: 20000 });
    assert.deepEqual(await page.problems(), []);
  } finally {
    await context.close();
    await server.close();
  }
});

test("a new build is noticed, offered, applied on request, and old caches are removed", async () => {
  assert.ok(existsSync(join(updateDist, "index.html")), "no second build: run `make build-update`");
  const server = await serveDist();
  const { context, page } = await freshPage(server.origin);
  try {
    const url = `${server.url}lire/${articles[0].slug}/`;
    await page.goto(url);
    await appReady(page);
    await controlled(page);
    const [oldCache] = await page.evaluate(() => caches.keys());
    // A note being typed when the update comes.
    await page.getByRole("textbox", { name: "Notes sur l’article" }).fill("En cours d’écriture");
    await page.evaluate(() => (window.__same_page = true));

    server.setRoot(updateDist); // deploy
    await page.getByRole("link", { name: /Article suivant/ }).click();
    await page.getByText("Nouvelle version disponible").waitFor({ timeout: 20000 });
    // Offered, not forced: the page did not reload by itself.
    assert.equal(await page.evaluate(() => window.__same_page), true);

    await Promise.all([page.waitForEvent("load"), page.getByRole("button", { name: "Recharger" }).click()]);
    await appReady(page);
    assert.equal(await page.evaluate(() => window.__same_page), undefined);
    await page.goto(url);
    await appReady(page);
    await page.getByText("Mise à jour de test, ce paragraphe vient de la seconde version.").waitFor();
    assert.equal(await page.getByRole("textbox", { name: "Notes sur l’article" }).inputValue(), "En cours d’écriture");
    const caches = await page.evaluate(() => caches.keys());
    assert.equal(caches.length, 1);
    assert.notEqual(caches[0], oldCache);
    assert.deepEqual(await page.problems(), []);
  } finally {
    await context.close();
    await server.close();
  }
});
