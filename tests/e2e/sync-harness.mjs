// What the sync scenarios share (tests/e2e/sync*.test.mjs): the reader's devices as browser
// profiles that log their requests to the WebDAV server, the steps of « Synchronisation », and
// reading the server's files. Importing it starts one browser and the app's server for the file.
import assert from "node:assert/strict";
import { sharedBrowserAndServer, appReady, contentArticles, squash, selectText } from "./harness.mjs";

export const articles = contentArticles();
export const first = articles[0]; // « Il est temps de nous faire confiance »
export const second = articles[1];
export const longest = articles[2];
export const env = sharedBrowserAndServer();
export const BOUND = 20000; // the longest any wait may take: auto sync runs ~3 s after an edit
export const fileOf = (slug) => `liseuse/${slug}.json`;

export const DEVICES = {
  téléphone: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 3 },
  ordinateur: { viewport: { width: 1280, height: 900 } },
};

/**
 * A fresh browser profile as one of the reader's devices. It logs the requests made to any
 * origin but the app's (the WebDAV server), with their status, and what went wrong in the page.
 */
export async function device(t, name, { clockAheadMs = 0 } = {}) {
  const context = await env.browser.newContext({ ...DEVICES[name], locale: "fr-FR" });
  // A device whose clock is off: the page's Date says so, as a phone's would.
  if (clockAheadMs) await context.addInitScript(skewClock, clockAheadMs);
  t.after(() => context.close());
  const dev = { name, context, dav: [], inflight: new Set(), problems: [] };
  dev.page = watch(dev, await context.newPage());
  // Whatever the scenario, the app itself must not fail.
  t.after(() => assert.deepEqual(dev.problems, [], `${name}: problems in the page`));
  return dev;
}

/**
 * Another tab of the device `dev` (same profile): its requests to the WebDAV server are logged
 * with the first tab's, or apart with `apart`. Returns the device as seen from that tab.
 */
export async function otherTab(dev, { apart = false } = {}) {
  const tab = apart ? { ...dev, dav: [], inflight: new Set() } : { ...dev };
  tab.page = watch(tab, await dev.context.newPage());
  return tab;
}

/** Logs `page`'s requests to any origin but the app's (the WebDAV server) into `dev`. */
function watch(dev, page) {
  const foreign = (url) => !url.startsWith(env.server.origin);
  page.on("request", (r) => {
    if (!foreign(r.url())) return;
    const entry = { method: r.method(), url: r.url() };
    dev.dav.push(entry);
    dev.inflight.add(r);
    r.entry = entry;
  });
  page.on("requestfinished", async (r) => {
    if (!r.entry) return;
    r.entry.status = (await r.response())?.status();
    dev.inflight.delete(r);
  });
  page.on("requestfailed", (r) => {
    if (r.entry) {
      r.entry.error = r.failure()?.errorText;
      dev.inflight.delete(r);
    } else if (!r.failure()?.errorText.includes("ERR_ABORTED")) dev.problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`);
  });
  page.on("pageerror", (e) => dev.problems.push(`exception: ${e.message}`));
  page.on("console", (m) => {
    // The browser logs every refused, failed or blocked request to the WebDAV server: expected.
    // Only those: a failed load of the app's own files, or a CORS message about its origin, is
    // a problem.
    const text = m.text();
    if (m.type() !== "error") return;
    const loadOfWebdav = /^Failed to load resource/.test(text) && foreign(m.location()?.url ?? env.server.origin);
    const cors = text.match(/^Access to fetch at '([^']+)' from origin '[^']+' has been blocked by CORS policy/);
    if (!loadOfWebdav && !(cors && foreign(cors[1]))) dev.problems.push(`console: ${text} @ ${m.location()?.url ?? ""}`);
  });
  return page;
}

export const status = (page) => page.locator("p.sync-status[role=status]");

/** Waits until the sync status line matches `re` (spaces of any kind count as one). */
export async function statusSays(page, re, timeout = BOUND) {
  try {
    await page.waitForFunction(
      ([source, flags]) => {
        const p = document.querySelector("p.sync-status[role=status]");
        return p && new RegExp(source, flags).test(p.textContent.replace(/\s+/gu, " "));
      },
      [re.source, re.flags],
      { timeout },
    );
  } catch (e) {
    const now = await status(page).first().textContent().catch(() => "(no status line)");
    throw new Error(`sync status never matched ${re}; it says: ${now}`, { cause: e });
  }
}

export const SYNCED = /Synchronisé à \d{1,2} h \d{2}/;
export const UNREACHABLE = /Serveur injoignable, ou il n’autorise pas ce site \(CORS\)/;
export const REFUSED = /Identifiant ou mot de passe refusé par le serveur/;
export const OFFLINE = /Hors ligne : la synchronisation reprendra au retour du réseau/;

/** Waits until no request to the WebDAV server has been in flight for a moment. */
export async function settled(dev) {
  const deadline = Date.now() + BOUND;
  let quietSince = Date.now();
  while (Date.now() < deadline) {
    if (dev.inflight.size > 0) quietSince = Date.now();
    else if (Date.now() - quietSince > 800) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${dev.name}: requests to the WebDAV server still in flight after ${BOUND} ms`);
}

/** Opens « Synchronisation » through the header (no reload: works offline too). */
export async function openSyncPage(dev) {
  const { page } = dev;
  if (new URL(page.url()).pathname.endsWith("/synchro/")) return;
  if (page.url() === "about:blank") {
    await page.goto(`${env.server.url}synchro/`);
    await appReady(page);
  } else {
    await page.locator("header.site-header").getByRole("link", { name: "Synchronisation" }).click();
  }
  await page.getByLabel("Adresse du dossier WebDAV").waitFor();
}

/** Fills the form of « Synchronisation » and presses `button`. */
export async function connect(dev, dav, { password = dav.password, remember = true, button = "Synchroniser maintenant" } = {}) {
  const { page } = dev;
  await openSyncPage(dev);
  await page.getByLabel("Adresse du dossier WebDAV", { exact: true }).fill(dav.url);
  await page.getByLabel("Identifiant", { exact: true }).fill(dav.user);
  await page.getByLabel("Mot de passe", { exact: true }).fill(password);
  await page.getByLabel("Se souvenir sur cet appareil", { exact: true }).setChecked(remember);
  await press(dev, button);
}

/** Presses a button of « Synchronisation » and waits until the pass it starts is over. */
export async function press(dev, button) {
  await settled(dev);
  const before = dev.dav.length;
  await dev.page.getByRole("button", { name: button }).click();
  const deadline = Date.now() + BOUND;
  while (dev.dav.length === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await settled(dev);
}

/** « Synchroniser maintenant » from the sync page; the pass must succeed, every file synced. */
export async function syncNow(dev) {
  await openSyncPage(dev);
  await press(dev, "Synchroniser maintenant");
  await statusSays(dev.page, SYNCED);
  const said = squash(await status(dev.page).textContent());
  assert.doesNotMatch(said, /Le fichier de/, `${dev.name}: a file was left out: ${said}`);
}

export async function openArticle(dev, slug = first.slug) {
  await dev.page.goto(`${env.server.url}lire/${slug}/`);
  await appReady(dev.page);
  await dev.page.locator("article h1").waitFor();
}

/** Highlights `text` in the open article, with a note if given. */
export async function highlight(dev, text, note) {
  const { page } = dev;
  await selectText(page, text);
  await page.getByRole("button", { name: "Surligner", exact: true }).click();
  const mark = page.locator(".article-body mark", { hasText: text }).first();
  await mark.waitFor();
  if (note !== undefined) {
    await mark.click();
    await page.getByRole("textbox", { name: "Note", exact: true }).fill(note);
    await page.getByRole("button", { name: "Enregistrer" }).click();
    await page.getByRole("dialog").waitFor({ state: "detached" });
  }
}

/** The highlights drawn in the open article: their texts. */
export async function marks(page) {
  return page.evaluate(() => [...new Set([...document.querySelectorAll(".article-body mark[data-id]")].map((m) => m.dataset.id))]
    .map((id) => [...document.querySelectorAll(`.article-body mark[data-id="${id}"]`)].map((m) => m.textContent).join("")));
}

export async function hasMark(dev, text) {
  await dev.page.locator(".article-body mark", { hasText: text }).first().waitFor({ timeout: BOUND });
}

/** The article's file on the server, parsed (null when absent). */
export async function serverRecord(dav, slug = first.slug) {
  const { status, text } = await dav.get(fileOf(slug));
  if (status === 404) return null;
  assert.equal(status, 200, `GET ${fileOf(slug)}`);
  return JSON.parse(text);
}

/** Waits until the server's file of `slug` satisfies `check` (auto sync, bounded). */
export async function serverHas(dav, check, slug = first.slug, what = "the expected content") {
  const deadline = Date.now() + BOUND;
  let last;
  while (Date.now() < deadline) {
    last = (await dav.get(fileOf(slug))).text;
    try {
      if (check(JSON.parse(last))) return JSON.parse(last);
    } catch {
      /* absent or partial: try again */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the server's ${fileOf(slug)} never had ${what}; it has: ${last}`);
}

export const live = (record) => (record?.record?.highlights ?? []).filter((h) => !h.deleted);
export const quotes = (record) => live(record).map((h) => h.quote.exact).sort();
export const storedArticle = (dev, slug = first.slug) => dev.page.evaluate((k) => localStorage.getItem(k), `liseuse:article:${slug}`);

/** A highlight as another device (or version) would write it: placed by its quote. */
export function foreignHighlight(id, exact, note = "") {
  const now = Date.now();
  return { id, article: first.slug, color: "green", note, created: now, updated: now, quote: { exact, prefix: "", suffix: "" }, position: { start: 0, end: 0 } };
}


/** Shifts the page's clock (`Date.now()`, `new Date()`) by `ms`: runs in the page. */
function skewClock(ms) {
  const Real = Date;
  class Skewed extends Real {
    constructor(...args) {
      if (args.length === 0) super(Real.now() + ms);
      else super(...args);
    }
    static now() {
      return Real.now() + ms;
    }
  }
  globalThis.Date = Skewed;
}

/** The requests a device made to the WebDAV server from index `from`: "METHOD file status". */
export function requestsSince(dev, from) {
  return dev.dav.slice(from).map((r) => `${r.method} ${new URL(r.url).pathname.split("/").filter(Boolean).pop()} ${r.status ?? r.error}`);
}
