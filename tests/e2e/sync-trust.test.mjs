// Sync under harder but ordinary conditions (issue 18), against real WebDAV servers (WsgiDAV and
// Apache httpd): clocks days or years off, a device that joins late, several tabs, a refused
// password, settings changed under a pass or in another tab, a missing folder, a server without
// ETags. Helpers and devices: tests/e2e/sync-harness.mjs.
import { test, describe, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { appReady, squash, blockOffsets, storedPlace, readTo } from "./harness.mjs";
import { startWebdav, KINDS } from "./webdav.mjs";
import {
  env, first, longest, fileOf, device, status, statusSays, SYNCED, REFUSED, settled, openSyncPage, connect, press,
  syncNow, openArticle, highlight, hasMark, serverRecord, serverHas, live, quotes, requestsSince, otherTab,
} from "./sync-harness.mjs";

const DAY = 24 * 60 * 60 * 1000;
const CLOCK = /L’horloge de cet appareil semble fausse/;
const syncLink = (page) => page.locator("header.site-header nav").getByRole("link", { name: /^Synchronisation/ });

/** Waits until the header's sync link is named `name` exactly (spaces of any kind as one). */
async function headerSays(page, name) {
  await page
    .waitForFunction(
      (n) => [...document.querySelectorAll("header.site-header nav a")].some((a) => a.textContent.replace(/\s+/gu, " ").trim() === n),
      name,
      { timeout: 20000 },
    )
    .catch(async () => assert.fail(`the header never said « ${name} »; it says « ${squash(await syncLink(page).textContent())} »`));
}

/** The note of the highlight of `text` in the open article, read from the note panel. */
async function noteOf(dev, text) {
  const { page } = dev;
  await page.locator(".article-body mark", { hasText: text }).first().click();
  const box = page.getByRole("textbox", { name: "Note", exact: true });
  const value = await box.inputValue();
  await page.getByRole("dialog").getByRole("button", { name: "Fermer", exact: true }).click();
  await page.getByRole("dialog").waitFor({ state: "detached" });
  return value;
}

/** Sets the note of the highlight of `text` in the open article. */
async function setNote(dev, text, note) {
  const { page } = dev;
  await page.locator(".article-body mark", { hasText: text }).first().click();
  await page.getByRole("textbox", { name: "Note", exact: true }).fill(note);
  await page.getByRole("button", { name: "Enregistrer" }).click();
  await page.getByRole("dialog").waitFor({ state: "detached" });
}

/** Waits until the app's after-edit delay (3 s) has surely passed since now, in the page. */
async function pastTheEditDelay(page) {
  const since = await page.evaluate(() => performance.now());
  await page.waitForFunction((t) => performance.now() > t + 4500, since, { timeout: 10000, polling: 250 });
}

/** Both devices on the longest article: a place far in it, and one nearer the start. */
async function openOnBoth(a, b) {
  await openArticle(a, longest.slug);
  await openArticle(b, longest.slug);
  const blocks = await blockOffsets(b.page);
  return { far: blocks[Math.min(30, blocks.length - 4)], near: blocks[10] };
}

/** After a pass on each, both devices and the server resume at `near`, read last, and keep
 * `far` as read. */
async function laterPlaceEverywhere(dav, a, b, { far, near }) {
  await syncNow(a);
  await syncNow(b);
  assert.equal(await storedPlace(a.page, longest.slug), near, "the laptop resumes where it read last");
  assert.equal(await storedPlace(b.page, longest.slug), near, "so does the phone");
  const positions = JSON.parse((await dav.get("liseuse/positions.json")).text).positions[longest.slug];
  assert.equal(positions.block, near);
  assert.ok(positions.furthest > far, "the furthest point read is the phone's");
}

for (const kind of KINDS) {
  describe(`synchronisation digne de confiance, par ${kind}`, () => {
    let dav, other;
    before(async () => {
      dav = await startWebdav(kind, { origin: env.server.origin });
      other = await startWebdav(kind, { origin: env.server.origin });
    });
    after(async () => {
      await dav?.close();
      await other?.close();
    });
    beforeEach(async () => {
      if (!dav.running) await dav.start();
      await dav.clear();
      await other.clear();
    });

    for (const [label, skew] of [["two days ahead", 2 * DAY], ["three years behind", -3 * 365 * DAY]]) {
      test(`a device whose clock is ${label}: the later edit wins everywhere, idle passes write nothing, its reader is told`, async (t) => {
        const a = await device(t, "ordinateur");
        const b = await device(t, "téléphone", { clockAheadMs: skew });
        await connect(b, dav);
        await openArticle(b);
        await highlight(b, "restaurant japonais", "B");
        await syncNow(b);
        await connect(a, dav);
        await statusSays(a.page, SYNCED);
        await openArticle(a);
        await hasMark(a, "restaurant japonais");
        assert.equal(await noteOf(a, "restaurant japonais"), "B");
        await setNote(a, "restaurant japonais", "A");
        await syncNow(a);
        await serverHas(dav, (r) => live(r).some((h) => h.note === "A"), first.slug, "A's note");
        await syncNow(b);
        await openArticle(b);
        assert.equal(await noteOf(b, "restaurant japonais"), "A", "B has A's later edit");

        // Passes with no edit, on both devices: nothing is written. (One pass each first: the
        // reading positions moved while the article was open, and that is an edit.)
        await syncNow(a);
        await syncNow(b);
        const from = { a: a.dav.length, b: b.dav.length };
        for (let i = 0; i < 3; i++) {
          await syncNow(a);
          await syncNow(b);
        }
        const writes = [...requestsSince(a, from.a), ...requestsSince(b, from.b)].filter((r) => r.startsWith("PUT"));
        assert.deepEqual(writes, [], "idle passes write nothing");
        assert.equal(live(await serverRecord(dav))[0].note, "A");

        // B wrote, then listed again: the server's clock shows B's is off. A's is right.
        await openSyncPage(b);
        await statusSays(b.page, CLOCK);
        await headerSays(b.page, "Synchronisation : horloge à régler");
        assert.doesNotMatch(squash(await status(a.page).textContent()), CLOCK);
        await headerSays(a.page, "Synchronisation");
      });
    }

    test("a phone forty minutes ahead does not pull back the place read later on a laptop on time", async (t) => {
      const a = await device(t, "ordinateur");
      const b = await device(t, "téléphone", { clockAheadMs: 40 * 60 * 1000 });
      // Each first pass measures the device's clock against the server's.
      await connect(a, dav);
      await connect(b, dav);
      const offset = (dev) => dev.page.evaluate(() => localStorage.getItem("liseuse:clock-offset"));
      assert.equal(await offset(a), null, "the laptop on time stamps by its own clock");
      const measured = Number(await offset(b));
      assert.ok(Math.abs(measured + 40 * 60 * 1000) < 5000, `the phone's measure: ${measured} ms`);
      assert.ok((await dav.get("liseuse/horloge.txt")).text.includes("Liseuse"), "the clock file");

      const { far, near } = await openOnBoth(a, b);
      // The phone reads far and syncs; then the laptop, offline (it cannot have seen that),
      // goes back to an earlier page: read later, it is the place to resume, everywhere.
      await readTo(b.page, longest.slug, far);
      await syncNow(b);
      await a.context.setOffline(true);
      await readTo(a.page, longest.slug, near);
      await a.context.setOffline(false);
      await laterPlaceEverywhere(dav, a, b, { far, near });
    });

    test("a phone forty minutes ahead that read before it was connected does not pull back a later place", async (t) => {
      const a = await device(t, "ordinateur");
      const b = await device(t, "téléphone", { clockAheadMs: 40 * 60 * 1000 });
      await connect(a, dav);
      const { far, near } = await openOnBoth(a, b);
      // The phone, not yet connected, reads far: its time is its own clock's, forty minutes on.
      await readTo(b.page, longest.slug, far);
      // Then the laptop, offline, goes back to an earlier page.
      await a.context.setOffline(true);
      await readTo(a.page, longest.slug, near);
      // The phone connects: its first pass reads the server's clock before it writes.
      await connect(b, dav);
      await statusSays(b.page, SYNCED);
      await a.context.setOffline(false);
      // WsgiDAV's ETag is the file's time in whole seconds and its size: the laptop's write of a
      // file as long as the phone's, in the same second, would look unchanged to the phone.
      await new Promise((resolve) => setTimeout(resolve, 1100));
      await laterPlaceEverywhere(dav, a, b, { far, near });
    });

    test("a device that joins late does not pull « Reprendre » back", async (t) => {
      const a = await device(t, "ordinateur");
      const b = await device(t, "téléphone");
      // B read the article to its third block weeks ago, before sync (a position stored by an
      // earlier version: no time).
      await openArticle(b, longest.slug);
      const key = `liseuse:progress:${longest.slug}`;
      const blocks = await blockOffsets(b.page);
      await openSyncPage(b);
      await b.page.evaluate(([k, block]) => localStorage.setItem(k, JSON.stringify({ block, furthest: block })), [key, blocks[2]]);
      // A reads to block 30 and syncs.
      await connect(a, dav);
      await openArticle(a, longest.slug);
      const far = blocks[Math.min(30, blocks.length - 4)];
      await readTo(a.page, longest.slug, far);
      await syncNow(a);
      // B sets up sync: A's place wins on B, on the server and stays on A.
      await connect(b, dav);
      await statusSays(b.page, SYNCED);
      assert.equal(await storedPlace(b.page, longest.slug), far, "B resumes where A read last");
      const positions = JSON.parse((await dav.get("liseuse/positions.json")).text);
      assert.equal(positions.positions[longest.slug].block, far);
      await syncNow(a);
      assert.equal(await storedPlace(a.page, longest.slug), far, "A's « Reprendre » is not pulled back");
    });

    test("a place read during a pass is kept, not overwritten by the pass's merge", async (t) => {
      const dev = await device(t, "ordinateur");
      const key = `liseuse:progress:${longest.slug}`;
      const place = (block, updated) => JSON.stringify({ block, furthest: block, updated });
      await openSyncPage(dev);
      await dev.page.evaluate(([k, v]) => localStorage.setItem(k, v), [key, place(10, Date.now() - 60000)]);
      await connect(dev, dav);
      await statusSays(dev.page, SYNCED);
      // Another device's older place for the article: the next pass fetches the file.
      const file = JSON.parse((await dav.get("liseuse/positions.json")).text);
      file.positions[longest.slug] = { block: 20, furthest: 20, updated: Date.now() - 120000 };
      file.positions["autre-article"] = { block: 5, furthest: 5, updated: Date.now() - 120000 };
      assert.ok([200, 201, 204].includes((await dav.put("liseuse/positions.json", JSON.stringify(file))).status));
      // While the pass waits for that file, the reader reads on (block 30, now).
      let release, arrived;
      const held = new Promise((r) => (release = r));
      const reached = new Promise((r) => (arrived = r));
      await dev.page.route(`${dav.url}liseuse/positions.json`, async (route) => {
        if (route.request().method() === "GET") {
          arrived();
          await held;
        }
        await route.continue();
      });
      await dev.page.getByRole("button", { name: "Synchroniser maintenant" }).click();
      await reached;
      await dev.page.evaluate(([k, v]) => localStorage.setItem(k, v), [key, place(30, Date.now())]);
      release();
      await statusSays(dev.page, SYNCED);
      await settled(dev);
      const stored = await dev.page.evaluate((k) => JSON.parse(localStorage.getItem(k)), key);
      assert.equal(stored.block, 30, "the place read during the pass");
      assert.ok(await dev.page.evaluate(() => localStorage.getItem("liseuse:progress:autre-article") !== null), "what came in is stored");
      await dev.page.unroute(`${dav.url}liseuse/positions.json`);
      await syncNow(dev);
      assert.equal(JSON.parse((await dav.get("liseuse/positions.json")).text).positions[longest.slug].block, 30);
    });

    test("two tabs of one browser: one edit is one listing and one write", async (t) => {
      const dev = await device(t, "ordinateur");
      await connect(dev, dav);
      await openArticle(dev);
      await highlight(dev, "restaurant japonais");
      await syncNow(dev);
      // A second tab of the same profile, on the same article, with its own timers.
      const second = await otherTab(dev);
      const tab = second.page;
      await openArticle(second);
      await openArticle(dev);
      // Settle: both tabs' passes at start, their reading positions sent, and the ETag of what
      // was just written learnt (Apache does not give it with the PUT).
      await pastTheEditDelay(dev.page);
      await syncNow(dev);
      await syncNow(dev);
      await openArticle(dev);
      await settled(dev);
      const from = dev.dav.length;
      await highlight(dev, "Nous ne sommes pas juges");
      await serverHas(dav, (r) => quotes(r).includes("Nous ne sommes pas juges"), first.slug, "the new highlight");
      // Both tabs heard of the edit; both after-edit delays pass; then all is quiet.
      await pastTheEditDelay(tab);
      await settled(dev);
      const made = requestsSince(dev, from);
      assert.equal(made.length, 2, made.join(", "));
      assert.equal(made[0], "PROPFIND liseuse 207");
      assert.match(made[1], new RegExp(`^PUT ${first.slug}\\.json 20[014]$`));
      await hasMark(second, "Nous ne sommes pas juges");
    });

    test("a refused password: no automatic pass until the reader acts, and the header says so", async (t) => {
      const dev = await device(t, "ordinateur");
      await openArticle(dev);
      await connect(dev, dav, { password: "mauvais-mot-de-passe" });
      await statusSays(dev.page, REFUSED);
      const from = dev.dav.length;
      // Edits, a reload (the pass at start), the tab hidden: none of them tries again.
      await openArticle(dev);
      await headerSays(dev.page, "Synchronisation en échec");
      for (const text of ["restaurant japonais", "Nous ne sommes pas juges"]) await highlight(dev, text);
      await pastTheEditDelay(dev.page);
      await dev.page.evaluate(() => {
        Object.defineProperty(document, "visibilityState", { value: "hidden", configurable: true });
        document.dispatchEvent(new Event("visibilitychange"));
      });
      await dev.page.reload();
      await appReady(dev.page);
      await pastTheEditDelay(dev.page);
      assert.deepEqual(requestsSince(dev, from), [], "no automatic pass after a refusal");
      await headerSays(dev.page, "Synchronisation en échec");
      // The reader asks: one pass, refused again; then the right password, and all goes.
      await openSyncPage(dev);
      await press(dev, "Synchroniser maintenant");
      await statusSays(dev.page, REFUSED);
      assert.ok(requestsSince(dev, from).some((r) => / 401$/.test(r)), requestsSince(dev, from).join(", "));
      await connect(dev, dav);
      await statusSays(dev.page, SYNCED);
      await headerSays(dev.page, "Synchronisation");
      assert.deepEqual(quotes(await serverRecord(dav)), ["Nous ne sommes pas juges", "restaurant japonais"]);
    });

    test("a new session without « Se souvenir »: the header says sync is paused", async (t) => {
      const dev = await device(t, "ordinateur");
      await connect(dev, dav, { remember: false });
      await statusSays(dev.page, SYNCED);
      await headerSays(dev.page, "Synchronisation");
      // A new tab is a new session: the address is known, the password is not.
      const tab = await dev.context.newPage();
      await tab.goto(`${env.server.url}lire/${first.slug}/`);
      await appReady(tab);
      await headerSays(tab, "Synchronisation en pause");
      assert.equal(await syncLink(tab).count(), 1, "the link's name says it to screen readers");
      await tab.getByRole("link", { name: "Synchronisation en pause" }).waitFor();
    });

    test("a folder that does not exist: said, with how to create it", async (t) => {
      const dev = await device(t, "ordinateur");
      const missing = { ...dav, url: `${dav.url}nexiste-pas/` };
      await connect(dev, missing, { button: "Tester la connexion" });
      await statusSays(dev.page, /Ce dossier n’existe pas sur le serveur : créez-le/);
      await press(dev, "Synchroniser maintenant");
      await statusSays(dev.page, /Ce dossier n’existe pas sur le serveur : créez-le/);
      assert.ok(requestsSince(dev, 0).some((r) => /^MKCOL liseuse (404|409)$/.test(r)), requestsSince(dev, 0).join(", "));
    });

    test("« Se déconnecter » during a pass: asked first, then the pass stops and leaves no trace", async (t) => {
      const dev = await device(t, "ordinateur");
      await connect(dev, dav);
      await settled(dev);
      // The next listing is held at the server's door while the reader logs out.
      let release, arrived;
      const held = new Promise((r) => (release = r));
      const reached = new Promise((r) => (arrived = r));
      let listing = 0;
      await dev.page.route(`${dav.url}liseuse/`, async (route) => {
        if (route.request().method() === "PROPFIND" && listing++ === 0) {
          arrived();
          await held;
        }
        await route.continue();
      });
      const from = dev.dav.length;
      await openArticle(dev);
      await highlight(dev, "restaurant japonais");
      await openSyncPage(dev);
      await dev.page.getByRole("button", { name: "Synchroniser maintenant" }).click();
      await reached;
      // Refused at the confirmation: nothing changes.
      dev.page.once("dialog", (d) => d.dismiss());
      await dev.page.getByRole("button", { name: "Se déconnecter" }).click();
      assert.ok(await dev.page.evaluate(() => localStorage.getItem("liseuse:sync:config") !== null), "still set up");
      dev.page.once("dialog", (d) => d.accept());
      await dev.page.getByRole("button", { name: "Se déconnecter" }).click();
      await statusSays(dev.page, /Déconnecté/);
      release();
      await settled(dev);
      const made = requestsSince(dev, from);
      assert.deepEqual(made.filter((r) => !r.startsWith("PROPFIND")), [], `after « Se déconnecter »: ${made.join(", ")}`);
      const stored = await dev.page.evaluate(() => ["liseuse:sync:config", "liseuse:sync:state", "liseuse:sync:password"].map((k) => localStorage.getItem(k)));
      assert.deepEqual(stored, [null, null, null]);
      assert.match(squash(await status(dev.page).textContent()), /Déconnecté/);
      assert.doesNotMatch(squash(await status(dev.page).textContent()), /Synchronisé/);
    });

    test("two tabs, two servers: the password of one never goes to the other", async (t) => {
      const dev = await device(t, "ordinateur");
      const t2 = await otherTab(dev, { apart: true });
      for (const tab of [dev, t2]) {
        await connect(tab, dav, { remember: false });
        await statusSays(tab.page, SYNCED);
      }
      // T1 logs out and sets up another server.
      await openSyncPage(dev);
      dev.page.once("dialog", (d) => d.accept());
      await dev.page.getByRole("button", { name: "Se déconnecter" }).click();
      await connect(dev, other, { remember: false });
      await statusSays(dev.page, SYNCED);
      // T2 still has the first server's password for this session: it must not use it.
      await t2.page.reload();
      await appReady(t2.page);
      await headerSays(t2.page, "Synchronisation en pause");
      await openSyncPage(t2);
      await t2.page.getByRole("button", { name: "Synchroniser maintenant" }).click();
      await statusSays(t2.page, /Indiquez l’adresse du dossier, l’identifiant et le mot de passe/);
      await settled(t2);
      const toOther = t2.dav.filter((r) => r.url.startsWith(other.base));
      assert.deepEqual(toOther, [], "no request from T2 to the second server");
    });
  });
}

describe("a folder the account may not use (Apache, 403)", () => {
  let dav;
  before(async () => {
    dav = await startWebdav("apache", { origin: env.server.origin });
  });
  after(async () => dav?.close());

  test("is told apart from a refused password, and pauses automatic passes", async (t) => {
    const dev = await device(t, "ordinateur");
    const forbidden = { ...dav, url: `${dav.url}interdit/` };
    await connect(dev, forbidden, { button: "Tester la connexion" });
    await statusSays(dev.page, /Le serveur refuse l’accès à ce dossier \(403\)/);
    await press(dev, "Synchroniser maintenant");
    await statusSays(dev.page, /Le serveur refuse l’accès à ce dossier \(403\)/);
    assert.doesNotMatch(squash(await status(dev.page).textContent()), /mot de passe refusé/);
    await openArticle(dev);
    await headerSays(dev.page, "Synchronisation en échec");
  });
});

describe("a server without ETags (Apache with FileETag None)", () => {
  let dav;
  before(async () => {
    dav = await startWebdav("apache", { origin: env.server.origin, etag: false });
  });
  after(async () => dav?.close());

  test("is refused with the reason, and never reported as synced", async (t) => {
    const dev = await device(t, "ordinateur");
    await openArticle(dev);
    await highlight(dev, "restaurant japonais");
    await connect(dev, dav);
    // The first pass may write the new file (If-None-Match needs no ETag); the next cannot read
    // a version to write over: the reader is told, not « Synchronisé ».
    await openArticle(dev);
    await highlight(dev, "Nous ne sommes pas juges");
    await openSyncPage(dev);
    await press(dev, "Synchroniser maintenant");
    await statusSays(dev.page, /Ce serveur ne donne pas d’ETag/);
    await headerSays(dev.page, "Synchronisation en échec");
  });
});
