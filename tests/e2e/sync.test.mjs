// Sync through the reader's own WebDAV server (issue 10), with real servers started by the test
// (WsgiDAV and Apache httpd with mod_dav, tests/e2e/webdav.mjs) on loopback ports other than the
// app's, so every request is cross-origin with real preflights. Two browser profiles play the
// reader's « téléphone » and « ordinateur »; every scenario runs against both servers.
import { test, describe, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { appReady, squash } from "./harness.mjs";
import { startWebdav, KINDS } from "./webdav.mjs";
import {
  env, first, second, longest, fileOf, device, status, statusSays, SYNCED, UNREACHABLE, REFUSED, OFFLINE, settled,
  openSyncPage, connect, press, syncNow, openArticle, highlight, marks, hasMark, serverRecord, serverHas, live, quotes,
  storedArticle, foreignHighlight, requestsSince,
} from "./sync-harness.mjs";

for (const kind of KINDS) {
  describe(`synchronisation par ${kind}`, () => {
    let dav, closed;
    before(async () => {
      dav = await startWebdav(kind, { origin: env.server.origin });
      closed = await startWebdav(kind, { cors: false });
    });
    after(async () => {
      await dav?.close();
      await closed?.close();
    });
    beforeEach(async () => {
      if (!dav.running) await dav.start();
      await dav.clear();
    });

    test("a highlight with a note made on the phone appears on the computer", async (t) => {
      const phone = await device(t, "téléphone");
      const computer = await device(t, "ordinateur");
      await connect(phone, dav);
      await statusSays(phone.page, SYNCED);
      await connect(computer, dav);
      await statusSays(computer.page, SYNCED);
      // The folder is made on the server (MKCOL) by the first device.
      assert.deepEqual(await dav.list(), ["liseuse/"]);

      await openArticle(phone);
      await highlight(phone, "le voyageur frugal Loïc Simon", "Note du téléphone");
      // Synced by itself a few seconds after the edit, in the stored format of the README.
      const record = await serverHas(dav, (r) => live(r).some((h) => h.note === "Note du téléphone"), first.slug, "the phone's note");
      assert.equal(record.schema, 2);
      assert.equal(record.article, first.slug);
      assert.deepEqual(quotes(record), ["le voyageur frugal Loïc Simon"]);

      await syncNow(computer);
      await openArticle(computer);
      await hasMark(computer, "le voyageur frugal Loïc Simon");
      await computer.page.locator(".article-notes .note", { hasText: "Note du téléphone" }).waitFor();
    });

    test("a pass with nothing changed is one request; one article changed elsewhere, a listing and its GETs", async (t) => {
      const phone = await device(t, "téléphone");
      const computer = await device(t, "ordinateur");
      await connect(phone, dav);
      await openArticle(phone);
      await highlight(phone, "restaurant japonais");
      await syncNow(phone);
      await connect(computer, dav);
      await statusSays(computer.page, SYNCED);
      // Settle: a server may not give the ETag of what was just written (Apache does not).
      await syncNow(computer);
      let from = computer.dav.length;
      await syncNow(computer);
      const idle = computer.dav.slice(from).map((r) => `${r.method} ${r.status}`);
      t.diagnostic(`${kind}, a pass with nothing changed: ${idle.join(", ")}`);
      assert.equal(idle.length, 1, `a pass with nothing changed: ${idle.join(", ")}`);
      assert.match(idle[0], /^PROPFIND 207$/);

      await openArticle(phone);
      await highlight(phone, "Laissez-moi vous raconter une histoire");
      await syncNow(phone);
      from = computer.dav.length;
      await syncNow(computer);
      const one = requestsSince(computer, from);
      t.diagnostic(`${kind}, a pass after one article changed on the other device: ${one.join(", ")}`);
      // The listing, the changed article, and the positions when the phone's reading moved
      // (opening the article again may or may not move its furthest point): nothing else.
      const expected = [`PROPFIND liseuse 207`, `GET ${first.slug}.json 200`];
      const withPositions = [...expected, "GET positions.json 200"];
      assert.ok(
        [expected, withPositions].some((e) => JSON.stringify(e) === JSON.stringify(one)),
        `one article changed on the other device: ${one.join(", ")}`,
      );
      await openArticle(computer);
      await hasMark(computer, "Laissez-moi vous raconter une histoire");
    });

    test("a deletion on the computer reaches the phone", async (t) => {
      const phone = await device(t, "téléphone");
      const computer = await device(t, "ordinateur");
      await connect(phone, dav);
      await openArticle(phone);
      await highlight(phone, "Faire confiance, vous faire confiance", "à garder ?");
      await syncNow(phone);
      await connect(computer, dav);
      await statusSays(computer.page, SYNCED);
      await openArticle(computer);
      await hasMark(computer, "Faire confiance, vous faire confiance");
      await computer.page.locator(".article-body mark").first().click();
      await computer.page.getByRole("button", { name: "Supprimer le surlignage" }).click();
      assert.equal(await computer.page.locator(".article-body mark").count(), 0);
      await syncNow(computer);
      const record = await serverRecord(dav);
      assert.equal(record.record.highlights.length, 1);
      assert.equal(record.record.highlights[0].deleted, true, "kept as a deletion marker");

      await syncNow(phone);
      await openArticle(phone);
      assert.deepEqual(await marks(phone.page), []);
      assert.match(await storedArticle(phone), /"deleted":true/);
    });

    test("both devices edit while offline, then sync: everything is kept on both", async (t) => {
      const phone = await device(t, "téléphone");
      const computer = await device(t, "ordinateur");
      for (const dev of [phone, computer]) {
        await connect(dev, dav);
        await statusSays(dev.page, SYNCED);
        await openArticle(dev);
      }
      await phone.context.setOffline(true);
      await computer.context.setOffline(true);
      await highlight(phone, "Laissez-moi vous raconter une histoire", "écrit hors ligne sur le téléphone");
      await highlight(computer, "Nous ne sommes pas juges", "écrit hors ligne sur l’ordinateur");
      await computer.page.getByRole("textbox", { name: "Notes sur l’article" }).fill("Note d’article de l’ordinateur");
      for (const dev of [phone, computer]) {
        await openSyncPage(dev);
        // Offline the app may not even try: press the button if it offers it, then read the status.
        const button = dev.page.getByRole("button", { name: "Synchroniser maintenant" });
        if (await button.isEnabled()) await button.click();
        await statusSays(dev.page, OFFLINE);
      }
      assert.equal(await serverRecord(dav), null, "nothing reached the server while offline");

      // Back online: each syncs by itself (on `online`), whatever the order.
      await phone.context.setOffline(false);
      await serverHas(dav, (r) => quotes(r).includes("Laissez-moi vous raconter une histoire"), first.slug, "the phone's highlight");
      await computer.context.setOffline(false);
      const both = await serverHas(
        dav,
        (r) => quotes(r).length === 2 && r.record.note?.text === "Note d’article de l’ordinateur",
        first.slug,
        "both highlights and the computer's article note",
      );
      assert.deepEqual(quotes(both), ["Laissez-moi vous raconter une histoire", "Nous ne sommes pas juges"]);
      for (const dev of [phone, computer]) {
        await syncNow(dev);
        await openArticle(dev);
        await hasMark(dev, "Laissez-moi vous raconter une histoire");
        await hasMark(dev, "Nous ne sommes pas juges");
        await dev.page.locator(".article-notes .note", { hasText: "écrit hors ligne sur le téléphone" }).waitFor();
        await dev.page.locator(".article-notes .note", { hasText: "écrit hors ligne sur l’ordinateur" }).waitFor();
        assert.equal(await dev.page.getByRole("textbox", { name: "Notes sur l’article" }).inputValue(), "Note d’article de l’ordinateur");
      }
    });

    // Once with both clocks right, once with the computer's three years behind: telling "edited
    // apart" from "edited after seeing" must not depend on the clocks, nor must the later edit.
    for (const [clocks, computerAheadMs] of [["", 0], [" (the computer's clock three years behind)", -3 * 365 * 24 * 3600 * 1000]]) test(`one note changed on both devices while apart, and a note written on a highlight the other deletes: both texts kept, and said${clocks}`, async (t) => {
      const phone = await device(t, "téléphone");
      const computer = await device(t, "ordinateur", { clockAheadMs: computerAheadMs });
      const [same, deleted] = ["Laissez-moi vous raconter une histoire", "Nous ne sommes pas juges"];
      await connect(phone, dav);
      await statusSays(phone.page, SYNCED);
      await openArticle(phone);
      await highlight(phone, same, "note d’origine");
      await highlight(phone, deleted);
      await syncNow(phone);
      await connect(computer, dav);
      await statusSays(computer.page, SYNCED);
      for (const dev of [phone, computer]) {
        await openArticle(dev);
        await hasMark(dev, deleted);
        await dev.context.setOffline(true);
      }
      const setNote = async (dev, text, note) => {
        await dev.page.locator(".article-body mark", { hasText: text }).first().click();
        await dev.page.getByRole("textbox", { name: "Note", exact: true }).fill(note);
        await dev.page.getByRole("button", { name: "Enregistrer" }).click();
        await dev.page.getByRole("dialog").waitFor({ state: "detached" });
      };
      await setNote(phone, same, "Réflexion écrite dans le train, sur le téléphone.");
      await setNote(phone, deleted, "Note importante, à ne pas perdre.");
      await setNote(computer, same, "Petit ajout de l’ordinateur.");
      await computer.page.locator(".article-body mark", { hasText: deleted }).first().click();
      await computer.page.getByRole("button", { name: "Supprimer le surlignage" }).click();
      await computer.page.locator(".article-body mark", { hasText: deleted }).waitFor({ state: "detached" });
      // The phone is back first and sends its versions; then the computer, whose pass finds
      // that neither had seen the other's.
      await phone.context.setOffline(false);
      await syncNow(phone);
      await computer.context.setOffline(false);
      await syncNow(computer);
      // Said where the reader is, by its own pass (at once on `online`) or this one: a notice
      // naming the article.
      await computer.page
        .locator(".notice", { hasText: /une note a été modifiée sur deux appareils avant qu’ils se synchronisent\s*: ses deux versions sont gardées/i })
        .filter({ hasText: first.title.replace(/'/g, "’").slice(0, 20) })
        .waitFor();
      await syncNow(phone);
      const server = await serverRecord(dav);
      const noteOf = (record, quote) => live(record).find((h) => h.quote.exact === quote)?.note ?? "";
      for (const text of ["Réflexion écrite dans le train", "Petit ajout de l’ordinateur", "Autre version"]) {
        assert.ok(noteOf(server, same).includes(text), `${text}: ${noteOf(server, same)}`);
      }
      assert.equal(noteOf(server, deleted), "Note importante, à ne pas perdre.");
      for (const dev of [phone, computer]) {
        await openArticle(dev);
        await hasMark(dev, deleted);
        await dev.page.locator(".article-notes .note", { hasText: "Note importante, à ne pas perdre." }).waitFor();
        await dev.page.locator(".article-notes .note", { hasText: "Petit ajout de l’ordinateur" }).waitFor();
        await dev.page.locator(".article-notes .note", { hasText: "Réflexion écrite dans le train" }).waitFor();
      }
      // A later edit made after seeing both replaces the note, as any edit does.
      await setNote(computer, same, "Les deux idées, reprises en une.");
      await syncNow(computer);
      await syncNow(phone);
      assert.equal(noteOf(await serverRecord(dav), same), "Les deux idées, reprises en une.");
      await openArticle(phone);
      await phone.page.locator(".article-notes .note", { hasText: "Les deux idées, reprises en une." }).waitFor();
    });

    test("the file changed on the server between the app's GET and PUT (412): merged, nothing lost", async (t) => {
      const phone = await device(t, "téléphone");
      await connect(phone, dav);
      await openArticle(phone);
      await highlight(phone, "restaurant japonais");
      await syncNow(phone);
      assert.deepEqual(quotes(await serverRecord(dav)), ["restaurant japonais"]);

      // Another device writes the file just before the phone's next PUT reaches the server.
      let raced = false;
      const statuses = [];
      phone.page.on("response", (r) => r.url().endsWith(fileOf(first.slug)) && statuses.push(`${r.request().method()} ${r.status()}`));
      await phone.page.route(`**/${fileOf(first.slug)}`, async (route) => {
        if (route.request().method() === "PUT" && !raced) {
          raced = true;
          const { text, etag } = await dav.get(fileOf(first.slug));
          const other = JSON.parse(text);
          other.record.highlights.push(foreignHighlight("autre-appareil-1", "Nous ne sommes pas juges", "écrit par un autre appareil"));
          const put = await dav.put(fileOf(first.slug), JSON.stringify(other), { "If-Match": etag });
          assert.ok([200, 201, 204].includes(put.status), `the other device's PUT: ${put.status}`);
        }
        await route.continue();
      });
      await openArticle(phone);
      await highlight(phone, "Laissez-moi vous raconter une histoire");
      await syncNow(phone);
      assert.ok(raced, "the phone wrote the file");
      assert.ok(statuses.includes("PUT 412"), `the stale PUT was refused: ${statuses.join(", ")}`);
      const record = await serverRecord(dav);
      assert.deepEqual(quotes(record), ["Laissez-moi vous raconter une histoire", "Nous ne sommes pas juges", "restaurant japonais"]);
      await openArticle(phone);
      await hasMark(phone, "Nous ne sommes pas juges");
      await hasMark(phone, "restaurant japonais");
      await hasMark(phone, "Laissez-moi vous raconter une histoire");
    });

    test("the server stopped while in use: edits are kept, and synced when it is back", async (t) => {
      const phone = await device(t, "téléphone");
      await connect(phone, dav);
      await openArticle(phone);
      await highlight(phone, "restaurant japonais");
      await syncNow(phone);
      await openArticle(phone);
      await dav.stop();
      await highlight(phone, "Nous ne sommes pas juges", "pendant la panne");
      await openSyncPage(phone);
      await press(phone, "Synchroniser maintenant");
      await statusSays(phone.page, UNREACHABLE);
      await openArticle(phone);
      await hasMark(phone, "Nous ne sommes pas juges");
      await dav.start();
      await syncNow(phone);
      const record = await serverRecord(dav);
      assert.deepEqual(quotes(record), ["Nous ne sommes pas juges", "restaurant japonais"]);
      assert.ok(live(record).some((h) => h.note === "pendant la panne"));
    });

    test("a wrong password: the message, and nothing lost", async (t) => {
      const phone = await device(t, "téléphone");
      await openArticle(phone);
      await highlight(phone, "restaurant japonais", "avant la synchronisation");
      const before = await storedArticle(phone);
      await connect(phone, dav, { password: "mauvais-mot-de-passe", button: "Tester la connexion" });
      await statusSays(phone.page, REFUSED);
      await press(phone, "Synchroniser maintenant");
      await statusSays(phone.page, REFUSED);
      assert.equal(await storedArticle(phone), before);
      assert.deepEqual(await dav.list(), []);
      // The right password: what was made before reaches the server.
      await connect(phone, dav, { button: "Tester la connexion" });
      // The test saves nothing, and says so.
      await statusSays(phone.page, /Connexion réussie à .*ne sont enregistrés, et la synchronisation ne reprend, qu’avec « Synchroniser maintenant »/);
      await syncNow(phone);
      assert.deepEqual(quotes(await serverRecord(dav)), ["restaurant japonais"]);
      await openArticle(phone);
      await hasMark(phone, "restaurant japonais");
    });

    test("a server that does not allow this site (no CORS): the CORS message, nothing lost", async (t) => {
      const computer = await device(t, "ordinateur");
      await openArticle(computer);
      await highlight(computer, "restaurant japonais");
      const before = await storedArticle(computer);
      await connect(computer, closed, { button: "Tester la connexion" });
      await statusSays(computer.page, UNREACHABLE);
      await press(computer, "Synchroniser maintenant");
      await statusSays(computer.page, UNREACHABLE);
      assert.equal(await storedArticle(computer), before);
      assert.deepEqual(await closed.list(), [], "nothing was written on the server");
    });

    test("a damaged file, or one from a newer version, on the server is never overwritten", async (t) => {
      const phone = await device(t, "téléphone");
      await connect(phone, dav);
      await openArticle(phone);
      await highlight(phone, "restaurant japonais");
      await openArticle(phone, second.slug);
      await highlight(phone, "Vraiment, de belles interventions");
      await syncNow(phone);
      assert.deepEqual((await dav.list("liseuse/")).filter((f) => !["positions.json", "horloge.txt"].includes(f)), [`${first.slug}.json`, `${second.slug}.json`].sort());

      const garbage = '{"schema": 2, "article": "' + first.slug + '", "record": {"highlights": [ tronqué';
      assert.ok([200, 201, 204].includes((await dav.put(fileOf(first.slug), garbage)).status));
      const newer = JSON.stringify({ schema: 99, article: second.slug, record: { futur: true } });
      assert.ok([200, 201, 204].includes((await dav.put(fileOf(second.slug), newer)).status));

      await openArticle(phone);
      await highlight(phone, "Nous ne sommes pas juges");
      // Both are told (on the status line, one pass or the next, or among the page's notices).
      await openSyncPage(phone);
      let said = "";
      for (let pass = 0; pass < 2; pass++) {
        await press(phone, "Synchroniser maintenant");
        said += " " + squash(await status(phone.page).textContent());
        assert.equal((await dav.get(fileOf(first.slug))).text, garbage, "the damaged file is left as it is");
        assert.equal((await dav.get(fileOf(second.slug))).text, newer, "the newer file is left as it is");
      }
      said += " " + squash(await phone.page.locator("body").textContent());
      const damaged = said.match(/Le fichier de « (.+?) » sur le serveur est endommagé : il n’a pas été remplacé/);
      assert.ok(damaged, `the damaged file is named: ${said}`);
      assert.equal(damaged[1], squash(first.title));
      assert.match(said, /vient d’une version plus récente de Liseuse/);
      // Nothing local was lost.
      await openArticle(phone);
      await hasMark(phone, "restaurant japonais");
      await hasMark(phone, "Nous ne sommes pas juges");
      await openArticle(phone, second.slug);
      await hasMark(phone, "Vraiment, de belles interventions");

      // The reader is told how to resume, and may replace the damaged file by this device's
      // version, after a confirmation; the newer version's file stays as it is.
      assert.match(said, /remplacez-le par la version de cet appareil/);
      await openSyncPage(phone);
      await press(phone, "Synchroniser maintenant");
      const replace = phone.page.getByRole("button", { name: "Remplacer par la version de cet appareil" });
      phone.page.once("dialog", (d) => d.dismiss());
      await replace.click();
      assert.equal((await dav.get(fileOf(first.slug))).text, garbage, "refused: nothing replaced");
      phone.page.once("dialog", (d) => d.accept());
      await press(phone, "Remplacer par la version de cet appareil");
      await statusSays(phone.page, SYNCED);
      assert.deepEqual(quotes(await serverRecord(dav)), ["Nous ne sommes pas juges", "restaurant japonais"]);
      assert.equal((await dav.get(fileOf(second.slug))).text, newer, "the newer version's file is never replaced");
    });

    test("the reading position on the phone is continued on the computer (« Reprendre »)", async (t) => {
      const phone = await device(t, "téléphone");
      const computer = await device(t, "ordinateur");
      await connect(phone, dav);
      await connect(computer, dav);
      await statusSays(computer.page, SYNCED);
      await openArticle(phone, longest.slug);
      const target = phone.page.locator(".article-body p").nth(14);
      await target.scrollIntoViewIfNeeded();
      await phone.page.evaluate(() => window.scrollBy(0, document.querySelectorAll(".article-body p")[14].getBoundingClientRect().top - 10));
      const block = await target.getAttribute("data-b");
      const progress = `liseuse:progress:${longest.slug}`;
      // The phone keeps this paragraph as its position (by its offset in the text).
      const kept = (page) => page.evaluate((k) => JSON.parse(localStorage.getItem(k) ?? "null")?.block, progress);
      await phone.page.waitForFunction(([k, b]) => JSON.parse(localStorage.getItem(k) ?? "null")?.block === Number(b), [progress, block], { timeout: 5000 })
        .catch(async () => assert.fail(`the phone kept block ${await kept(phone.page)}, not ${block}`));
      await syncNow(phone);
      const positions = JSON.parse((await dav.get("liseuse/positions.json")).text);
      assert.equal(positions.positions?.[longest.slug]?.block, Number(block), JSON.stringify(positions));

      await syncNow(computer);
      assert.equal(await kept(computer.page), Number(block), "the computer has the phone's position");
      await computer.page.getByRole("link", { name: "Bibliothèque", exact: true }).click();
      const card = computer.page.locator(".cards > li").nth(2);
      assert.match(await card.locator(".progress").innerText(), /^Lu à \d+\u00a0%$/);
      await card.getByRole("link", { name: `Reprendre « ${squash(longest.title)} »` }).click();
      await computer.page.waitForFunction(
        (b) => {
          const top = document.querySelector(`.article-body [data-b="${b}"]`)?.getBoundingClientRect().top;
          return top !== undefined && top >= -5 && top < 120;
        },
        block,
        { timeout: 5000 },
      );
    });

    test("the password is not kept without « Se souvenir », and is in no export", async (t) => {
      const phone = await device(t, "téléphone");
      await openArticle(phone);
      await highlight(phone, "restaurant japonais", "une note");
      await connect(phone, dav, { remember: false });
      await statusSays(phone.page, SYNCED);
      const local = await phone.page.evaluate(() => JSON.stringify(localStorage));
      assert.ok(local.includes("liseuse:sync:config"), "the address and identifier are kept");
      assert.ok(!local.includes(dav.password), "no password in localStorage");
      // For this session only: a reload still syncs.
      await phone.page.reload();
      await appReady(phone.page);
      await syncNow(phone);

      const computer = await device(t, "ordinateur");
      await connect(computer, dav, { remember: true });
      await statusSays(computer.page, SYNCED);
      // Remembered: another tab of this profile (a new session) syncs without asking.
      const tab = await computer.context.newPage();
      const other = { ...computer, page: tab, dav: [], inflight: new Set() };
      tab.on("request", (r) => r.url().startsWith(dav.url) && other.dav.push({ method: r.method() }));
      await tab.goto(`${env.server.url}synchro/`);
      await appReady(tab);
      await settled(other);
      await press(other, "Synchroniser maintenant");
      await statusSays(tab, SYNCED);

      const secret = [dav.password, Buffer.from(`${dav.user}:${dav.password}`).toString("base64")];
      for (const dev of [phone, computer]) {
        await dev.page.goto(`${env.server.url}notes/`);
        await appReady(dev.page);
        await dev.page.locator(".note-item", { hasText: "restaurant japonais" }).waitFor();
        for (const name of ["Exporter en JSON", "Exporter en Markdown"]) {
          const [download] = await Promise.all([dev.page.waitForEvent("download"), dev.page.getByRole("button", { name }).click()]);
          const text = readFileSync(await download.path(), "utf8");
          assert.match(text, /restaurant japonais/);
          for (const s of secret) assert.ok(!text.includes(s), `${dev.name}: « ${name} » holds the password`);
        }
      }
      // « Se déconnecter » forgets it.
      await openSyncPage(computer);
      computer.page.once("dialog", (d) => d.accept());
      await computer.page.getByRole("button", { name: "Se déconnecter" }).click();
      await computer.page
        .waitForFunction((pw) => !(JSON.stringify(localStorage) + JSON.stringify(sessionStorage)).includes(pw), dav.password, { timeout: 5000 })
        .catch(() => assert.fail("the password is still stored after « Se déconnecter »"));
    });

    test("addresses as readers give them: a file's is told apart, a folder's with spaces works", async (t) => {
      t.after(async () => {
        await dav.request("DELETE", "notes.txt");
        await dav.request("DELETE", "Mes%20lectures/");
      });
      const phone = await device(t, "téléphone");
      const at = (url) => ({ url, user: dav.user, password: dav.password });
      assert.ok([200, 201, 204].includes((await dav.put("notes.txt", "un fichier")).status));
      await connect(phone, at(`${dav.url}notes.txt`), { button: "Tester la connexion" });
      await statusSays(phone.page, /Cette adresse est celle d’un fichier, pas d’un dossier/);
      // A folder whose name has a space, typed as it is shown.
      assert.equal((await dav.request("MKCOL", "Mes%20lectures/")).status, 201);
      await connect(phone, at(`${dav.url}Mes lectures`), { button: "Tester la connexion" });
      await statusSays(phone.page, /Connexion réussie/);
      await connect(phone, at(`${dav.url}Mes lectures`));
      await statusSays(phone.page, SYNCED);
      const made = await dav.request("PROPFIND", "Mes%20lectures/liseuse/", { headers: { Depth: "1" } });
      assert.equal(made.status, 207, "the app's folder is in « Mes lectures »");
      assert.match(made.text, /horloge\.txt/);
    });
  });
}

test("a server that takes the connection and never answers: the pass gives up with a message, and the next one runs", async (t) => {
  const sockets = new Set();
  const silent = createServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => {});
  });
  await new Promise((resolve) => silent.listen(0, "127.0.0.1", resolve));
  t.after(() => {
    for (const socket of sockets) socket.destroy();
    silent.close();
  });
  const computer = await device(t, "ordinateur");
  const { page } = computer;
  await openSyncPage(computer);
  await page.getByLabel("Adresse du dossier WebDAV", { exact: true }).fill(`http://127.0.0.1:${silent.address().port}/dav/`);
  await page.getByLabel("Identifiant", { exact: true }).fill("lecteur");
  await page.getByLabel("Mot de passe", { exact: true }).fill("secret");
  await page.getByRole("button", { name: "Synchroniser maintenant" }).click();
  await page.getByRole("button", { name: "Synchroniser maintenant" }).waitFor();
  // Each request waits 30 s at most.
  await statusSays(page, UNREACHABLE, 45000);
  // The lock the pass held is free: the next pass runs, and gives up again (not for ever).
  await page.getByRole("button", { name: "Synchroniser maintenant" }).click();
  await page.waitForFunction(() => /en cours/.test(document.querySelector("p.sync-status")?.textContent ?? ""), null, { timeout: 5000 });
  await statusSays(page, UNREACHABLE, 45000);
});
