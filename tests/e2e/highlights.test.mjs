// Highlights and notes in the browser: selecting, overlapping, notes kept across reloads, two
// tabs, export/import, and every bad storage condition.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { sharedBrowserAndServer, newPage, appReady, contentArticles, squash, selectText as select } from "./harness.mjs";

const articles = contentArticles();
const slug = articles[0].slug; // « Il est temps de nous faire confiance »
const key = (s) => `liseuse:article:${s}`;
const env = sharedBrowserAndServer();
const articleUrl = () => `${env.server.url}lire/${slug}/`;

/** The text of each highlight, by id, as drawn. */
async function marked(page) {
  return page.evaluate(() => {
    const out = {};
    for (const m of document.querySelectorAll(".article-body mark[data-id]")) {
      // Nested marks: count each text once per highlight covering it.
      out[m.dataset.id] = (out[m.dataset.id] ?? "") + [...m.querySelectorAll("span[data-o]")].map((s) => s.textContent).join("");
    }
    return out;
  });
}

async function stored(page, s = slug) {
  return page.evaluate((k) => localStorage.getItem(k), key(s));
}

async function openArticle(page, url = articleUrl()) {
  await page.goto(url);
  await appReady(page);
  await page.locator("article h1").waitFor();
}

/** Two tabs of one profile on the article. */
async function twoTabs() {
  const context = await env.browser.newContext();
  const [a, b] = [await context.newPage(), await context.newPage()];
  for (const p of [a, b]) {
    await p.goto(articleUrl());
    await p.locator("article h1").waitFor();
  }
  return { context, a, b };
}

test("select, then « Surligner », draws a <mark> and keeps it after reload", async () => {
  const page = await newPage(env.browser);
  await openArticle(page);
  await select(page, "le voyageur frugal Loïc Simon");
  for (const name of ["Jaune", "Vert", "Bleu", "Rose"]) {
    await page.getByRole("toolbar").getByRole("button", { name, exact: true }).waitFor();
  }
  await page.getByRole("button", { name: "Surligner", exact: true }).click();
  assert.deepEqual(Object.values(await marked(page)), ["le voyageur frugal Loïc Simon"]);
  const mark = page.locator(".article-body mark").first();
  assert.match(await mark.getAttribute("class"), /hl-yellow/);
  // The toolbar goes away with the selection.
  await page.getByRole("toolbar").waitFor({ state: "detached" });
  // The same passage again in the same colour makes no copy, and says so.
  await select(page, "le voyageur frugal Loïc Simon");
  await page.getByRole("button", { name: "Surligner", exact: true }).click();
  await page.getByRole("status").filter({ hasText: "Ce passage est déjà surligné dans cette couleur" }).waitFor({ state: "attached" });
  assert.equal(Object.keys(await marked(page)).length, 1);
  assert.equal(JSON.parse(await stored(page)).record.highlights.length, 1);
  await page.reload();
  await appReady(page);
  await page.locator(".article-body mark").first().waitFor();
  assert.deepEqual(Object.values(await marked(page)), ["le voyageur frugal Loïc Simon"]);
  assert.deepEqual(page.problems(), []);
});

test("a colour button highlights in that colour and becomes the default; `h` highlights", async () => {
  const page = await newPage(env.browser);
  await openArticle(page);
  await select(page, "Laissez-moi vous raconter une histoire");
  await page.getByRole("toolbar").getByRole("button", { name: "Bleu", exact: true }).click();
  await page.locator("mark.hl-blue").waitFor();
  await select(page, "restaurant japonais");
  assert.equal(
    await page.getByRole("toolbar").getByRole("button", { name: "Bleu", exact: true }).getAttribute("aria-pressed"),
    "true",
  );
  await page.keyboard.press("h");
  await page.locator("mark.hl-blue", { hasText: "restaurant japonais" }).waitFor();
  assert.equal(Object.keys(await marked(page)).length, 2);
  // A real mouse: double-clicking a word selects it, then « Surligner ».
  const box = await page.evaluate(() => {
    const walker = document.createTreeWalker(document.querySelector(".article-body"), NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const at = n.data.indexOf("chevronné");
      if (at >= 0) {
        const r = document.createRange();
        r.setStart(n, at);
        r.setEnd(n, at + "chevronné".length);
        r.startContainer.parentElement.scrollIntoView({ block: "center" });
        const b = r.getBoundingClientRect();
        return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
      }
    }
  });
  await page.mouse.dblclick(box.x, box.y);
  await page.getByRole("button", { name: "Surligner", exact: true }).click();
  await page.locator(".article-body mark", { hasText: "chevronné" }).waitFor();
  assert.ok(Object.values(await marked(page)).includes("chevronné"));
  assert.deepEqual(page.problems(), []);
});

test("a highlight across paragraphs, and overlapping or adjacent ones, stay distinct", async () => {
  const page = await newPage(env.browser);
  await openArticle(page);
  // Across the end of paragraph 1 and the start of paragraph 2.
  await select(page, "Et pourtant", "La confiance en quoi");
  await page.getByRole("button", { name: "Surligner", exact: true }).click();
  await page.getByRole("toolbar").waitFor({ state: "detached" });
  let marks = await marked(page);
  const across = Object.keys(marks)[0];
  assert.equal(await page.locator(`.article-body mark[data-id="${across}"]`).count(), 2);
  assert.equal(await page.locator(`.article-body p:has(mark[data-id="${across}"])`).count(), 2);

  // Overlap: "sans même vous connaitre" inside a longer highlight.
  await select(page, "Sans même vous connaitre, sans même savoir pourquoi");
  await page.getByRole("toolbar").getByRole("button", { name: "Vert", exact: true }).click();
  await page.getByRole("toolbar").waitFor({ state: "detached" });
  await select(page, "sans même savoir pourquoi vous êtes là");
  await page.getByRole("toolbar").getByRole("button", { name: "Rose", exact: true }).click();
  await page.getByRole("toolbar").waitFor({ state: "detached" });
  marks = await marked(page);
  const texts = Object.values(marks).sort();
  assert.ok(texts.includes("Sans même vous connaitre, sans même savoir pourquoi"), texts.join(" | "));
  assert.ok(texts.includes("sans même savoir pourquoi vous êtes là"), texts.join(" | "));
  // The overlapping part is covered by two nested marks.
  assert.ok((await page.locator(".article-body mark.hl-green mark.hl-pink, .article-body mark.hl-pink mark.hl-green").count()) >= 1);

  // Adjacent: two highlights that touch do not merge, and the first ends where it should.
  await select(page, "Cela peut vous sembler artifici");
  await page.getByRole("toolbar").getByRole("button", { name: "Bleu", exact: true }).click();
  await page.getByRole("toolbar").waitFor({ state: "detached" });
  await select(page, "el. C’est pourtant");
  await page.getByRole("toolbar").getByRole("button", { name: "Jaune", exact: true }).click();
  await page.getByRole("toolbar").waitFor({ state: "detached" });
  marks = await marked(page);
  assert.ok(Object.values(marks).includes("Cela peut vous sembler artifici"), Object.values(marks).join(" | "));
  assert.ok(Object.values(marks).includes("el. C’est pourtant"), Object.values(marks).join(" | "));
  assert.equal(Object.keys(marks).length, 5);

  // A whitespace-only selection, or one outside the article, makes nothing. Each replaces a
  // selection that shows the toolbar: the toolbar going away says the change was handled.
  const toolbar = page.getByRole("toolbar", { name: "Surligner la sélection" });
  for (const where of ["title", "spaces"]) {
    await select(page, "Nous ne sommes pas juges");
    await page.evaluate((where) => {
      const r = document.createRange();
      if (where === "title") {
        const h1 = document.querySelector("article h1").firstChild;
        r.setStart(h1, 0);
        r.setEnd(h1, 5);
      } else {
        // The space between two words of the text.
        const walker = document.createTreeWalker(document.querySelector(".article-body p"), NodeFilter.SHOW_TEXT);
        let n = walker.nextNode();
        while (n.data.indexOf(" ") < 0) n = walker.nextNode();
        r.setStart(n, n.data.indexOf(" "));
        r.setEnd(n, n.data.indexOf(" ") + 1);
      }
      getSelection().removeAllRanges();
      getSelection().addRange(r);
    }, where);
    await toolbar.waitFor({ state: "detached" });
    // `h` does nothing either: `?` pressed after it shows its dialog once `h` was handled.
    await page.keyboard.press("h");
    await page.keyboard.press("?");
    await page.getByRole("dialog", { name: "Raccourcis clavier" }).waitFor();
    await page.keyboard.press("Escape");
    await page.getByRole("dialog", { name: "Raccourcis clavier" }).waitFor({ state: "detached" });
    assert.equal(await toolbar.count(), 0, where);
    assert.equal(Object.keys(await marked(page)).length, 5, where);
  }
  // The side panel lists them in reading order.
  const listed = await page.locator(".article-notes .hl-list li button.quote").allInnerTexts();
  assert.equal(listed.length, 5);
  assert.ok(squash(listed[0]).startsWith("Et pourtant"), listed[0]);
  assert.deepEqual(page.problems(), []);
});

test("a note is saved as it is typed, shown as text, and survives a reload; delete removes", async () => {
  const page = await newPage(env.browser);
  let dialogs = 0;
  page.on("dialog", (d) => {
    dialogs++;
    d.dismiss();
  });
  await openArticle(page);
  await select(page, "la confiance est le socle de notre humanité");
  await page.getByRole("button", { name: "Surligner", exact: true }).click();
  const mark = page.locator(".article-body mark").first();
  await mark.click();
  const note = page.getByRole("textbox", { name: "Note", exact: true });
  await note.waitFor();
  const xss = "<img src=x onerror=alert(1)> à relire";
  await note.pressSequentially(xss);
  // Saved as typed: in storage without « Enregistrer » (written right after the next paint).
  await page.waitForFunction((k) => (localStorage.getItem(k) ?? "").includes("onerror=alert(1)> à relire"), key(slug), { timeout: 1000 });
  await page.getByRole("button", { name: "Enregistrer" }).click();
  await page.getByRole("dialog").waitFor({ state: "detached" });
  await page.reload();
  await appReady(page);
  await page.locator(".article-notes .note", { hasText: xss }).waitFor();
  // Keyboard: focus the mark, Enter opens its panel with the note.
  await page.locator(".article-body mark").first().focus();
  await page.keyboard.press("Enter");
  assert.equal(await page.getByRole("textbox", { name: "Note", exact: true }).inputValue(), xss);
  // The note is text, never HTML: no <img> was made, no script ran.
  assert.equal(await page.locator("img").count(), 0);
  assert.equal(dialogs, 0);
  await page.getByRole("button", { name: "Supprimer le surlignage" }).click();
  assert.equal(await page.locator(".article-body mark").count(), 0);
  await page.reload();
  await appReady(page);
  await page.locator("article h1").waitFor();
  assert.equal(await page.locator(".article-body mark").count(), 0);
  // Deleted, but kept as a deletion marker so that other tabs and imports learn of it.
  assert.match(await stored(page), /"deleted":true/);
  assert.deepEqual(page.problems(), []);
});

test("`Échap` closes a highlight's panel from the text too; a dialog over the panel closes alone", async () => {
  const page = await newPage(env.browser);
  await openArticle(page);
  await select(page, "la confiance est le socle de notre humanité");
  await page.getByRole("button", { name: "Surligner", exact: true }).click();
  const panel = page.getByRole("dialog", { name: /Surlignage/ });
  await page.locator(".article-body mark").first().click();
  await panel.waitFor();
  // The focus leaves the panel (Tab out of it, a control of the page), then Échap.
  const elsewhere = page.getByRole("button", { name: "Écouter", exact: true });
  await elsewhere.focus();
  assert.equal(await page.evaluate(() => !!document.activeElement?.closest("[role=dialog]")), false);
  assert.equal(await panel.count(), 1);
  await page.keyboard.press("Escape");
  await panel.waitFor({ state: "detached" });
  // « Raccourcis clavier » over an open panel: Échap closes the list, and only it.
  await page.locator(".article-body mark").first().click();
  await panel.waitFor();
  await elsewhere.focus();
  await page.keyboard.press("?");
  const help = page.getByRole("dialog", { name: "Raccourcis clavier" });
  await help.waitFor();
  await page.keyboard.press("Escape");
  await help.waitFor({ state: "detached" });
  assert.equal(await panel.count(), 1);
  await page.keyboard.press("Escape");
  await panel.waitFor({ state: "detached" });
  assert.deepEqual(page.problems(), []);
});

test("an article note is kept, and a deep link opens on its highlight", async () => {
  const page = await newPage(env.browser);
  await openArticle(page);
  await page.getByRole("textbox", { name: "Notes sur l’article" }).fill("À relire avant le forum.");
  await select(page, "#TrustFirst");
  await page.getByRole("button", { name: "Surligner", exact: true }).click();
  const id = Object.keys(await marked(page))[0];
  await page.goto(env.server.url);
  await appReady(page);
  await page.goto(`${articleUrl()}#h-${id}`);
  await appReady(page);
  await page.getByRole("dialog").waitFor();
  // The panel takes the focus in the frame after it is drawn.
  await page
    .waitForFunction(() => document.activeElement?.id === "panel-note", null, { timeout: 5000 })
    .catch(async () => assert.fail(`the note has no focus: ${await page.evaluate(() => document.activeElement?.id)}`));
  assert.equal(await page.getByRole("textbox", { name: "Notes sur l’article" }).inputValue(), "À relire avant le forum.");
  // The same link entered on the article shown (only the fragment changes): the same.
  await page.getByRole("button", { name: "Fermer" }).click();
  await page.getByRole("dialog").waitFor({ state: "detached" });
  await page.evaluate(() => (location.hash = "#notes-article"));
  await page.evaluate((id) => (location.hash = `#h-${id}`), id);
  await page.getByRole("dialog").waitFor();
  await page.waitForFunction(() => document.activeElement?.id === "panel-note", null, { timeout: 5000 });
  // Back: the entry before, where the panel was closed, does not open it again.
  await page.getByRole("button", { name: "Fermer" }).click();
  await page.getByRole("dialog").waitFor({ state: "detached" });
  await page.goBack();
  await page.goForward();
  await page.waitForTimeout(300);
  assert.equal(await page.getByRole("dialog").count(), 0);
  assert.deepEqual(page.problems(), []);
});

test("two tabs: a change in one appears in the other, and edits made in both survive", async () => {
  const { context, a, b } = await twoTabs();
  await select(a, "Faire confiance, vous faire confiance");
  await a.getByRole("button", { name: "Surligner", exact: true }).click();
  // Appears in tab B without reload.
  await b.locator(".article-body mark", { hasText: "Faire confiance" }).waitFor();
  // Now both edit at once: A writes a note, B adds another highlight.
  await a.locator(".article-body mark").first().click();
  await Promise.all([
    a.getByRole("textbox", { name: "Note", exact: true }).fill("note de l’onglet A"),
    (async () => {
      await select(b, "Nous ne sommes pas juges");
      await b.getByRole("button", { name: "Surligner", exact: true }).click();
    })(),
  ]);
  for (const p of [a, b]) {
    await p.locator(".article-body mark", { hasText: "Nous ne sommes pas juges" }).waitFor();
    await p.locator(".article-notes .note", { hasText: "note de l’onglet A" }).waitFor();
  }
  const c = await context.newPage();
  await c.goto(articleUrl());
  await c.locator(".article-body mark", { hasText: "Nous ne sommes pas juges" }).waitFor();
  await c.locator(".article-notes .note", { hasText: "note de l’onglet A" }).waitFor();
  await context.close();
});

test("typing inside a note keeps the caret where it is, also when another tab changes the note", async () => {
  const { context, a, b } = await twoTabs();
  const caret = (box) => box.evaluate((t) => [t.selectionStart, t.selectionEnd]);
  await select(a, "Nous ne sommes pas juges");
  await a.getByRole("button", { name: "Surligner", exact: true }).click();
  await a.locator(".article-body mark").first().click();
  const box = a.getByRole("textbox", { name: "Note", exact: true });
  await box.pressSequentially("abcdef");
  // Back to after « ab », as a reader with the arrow keys, and type there.
  for (let i = 0; i < 4; i++) await a.keyboard.press("ArrowLeft");
  await a.keyboard.type("XY");
  assert.equal(await box.inputValue(), "abXYcdef");
  assert.deepEqual(await caret(box), [4, 4], "the caret stays after what was typed");
  // Another tab adds to the note: the text arrives, the caret keeps its place in it.
  await b.locator(".article-body mark", { hasText: "Nous ne sommes pas juges" }).click();
  const other = b.getByRole("textbox", { name: "Note", exact: true });
  await b.waitForFunction(() => document.querySelector("#panel-note")?.value === "abXYcdef");
  await other.press("End");
  await other.pressSequentially(", vu ailleurs");
  await a.waitForFunction(() => document.querySelector("#panel-note").value === "abXYcdef, vu ailleurs");
  assert.deepEqual(await caret(box), [4, 4], "the caret has not moved to the end");
  await a.keyboard.type("Z");
  assert.equal(await box.inputValue(), "abXYZcdef, vu ailleurs");

  // The article's note alike.
  await a.keyboard.press("Escape");
  await a.getByRole("dialog").waitFor({ state: "detached" });
  const articleNote = a.getByRole("textbox", { name: "Notes sur l’article" });
  await articleNote.click();
  await articleNote.pressSequentially("un trois");
  for (let i = 0; i < 6; i++) await a.keyboard.press("ArrowLeft");
  await a.keyboard.type(" deux");
  assert.equal(await articleNote.inputValue(), "un deux trois");
  assert.deepEqual(await caret(articleNote), [7, 7]);
  await b.waitForFunction(() => document.querySelector("#notes-article").value === "un deux trois");
  await b.getByRole("textbox", { name: "Notes sur l’article" }).press("Control+Home");
  await b.keyboard.type("Avant : ");
  await a.waitForFunction(() => document.querySelector("#notes-article").value === "Avant : un deux trois");
  assert.deepEqual(await caret(articleNote), [15, 15], "moved with its text");
  await context.close();
});

test("a highlight made in another tab in the paragraph being selected here leaves the selection and its toolbar", async () => {
  const { context, a, b } = await twoTabs();
  await select(a, "Notre motivation, notre énergie");
  const toolbar = a.getByRole("button", { name: "Surligner", exact: true });
  await toolbar.waitFor();
  await select(b, "Nous ne sommes pas juges");
  await b.getByRole("button", { name: "Surligner", exact: true }).click();
  // The paragraph is drawn anew here with the other tab's mark.
  await a.locator(".article-body mark", { hasText: "Nous ne sommes pas juges" }).waitFor();
  await a.waitForTimeout(300);
  assert.equal(await a.evaluate(() => getSelection().toString()), "Notre motivation, notre énergie");
  await toolbar.click();
  await a.locator(".article-body mark", { hasText: "Notre motivation, notre énergie" }).waitFor();
  await context.close();
});

test("a highlight deleted in another tab while its panel is open here: the panel goes, says why, and the focus is in the text", async () => {
  const { context, a, b } = await twoTabs();
  await select(a, "Nous ne sommes pas juges");
  await a.getByRole("button", { name: "Surligner", exact: true }).click();
  await b.locator(".article-body mark", { hasText: "Nous ne sommes pas juges" }).click();
  await b.getByRole("textbox", { name: "Note", exact: true }).fill("en train d’écrire");
  await a.locator(".article-body mark").first().click();
  await a.getByRole("button", { name: "Supprimer le surlignage" }).click();
  await b.getByRole("dialog").waitFor({ state: "detached" });
  await b.getByRole("status").filter({ hasText: "Ce surlignage a été supprimé dans un autre onglet" }).waitFor({ state: "attached" });
  await b.waitForFunction(() => document.activeElement?.closest(".article-body") !== null);
  assert.equal(await b.locator(".article-body mark").count(), 0);
  await context.close();
});

test("export to JSON and Markdown, then import into a fresh profile restores everything", async () => {
  const page = await newPage(env.browser);
  await openArticle(page);
  await select(page, "la confiance se donne");
  await page.getByRole("toolbar").getByRole("button", { name: "Vert", exact: true }).click();
  await page.locator(".article-body mark").first().click();
  await page.getByRole("textbox", { name: "Note", exact: true }).fill("Idée clé");
  await page.getByRole("button", { name: "Enregistrer" }).click();
  await page.getByRole("textbox", { name: "Notes sur l’article" }).fill("Un bel article.");
  await page.getByRole("link", { name: "Mes notes" }).click();
  await page.getByRole("heading", { level: 1, name: "Mes notes" }).waitFor();
  await page.locator(".note-item", { hasText: "la confiance se donne" }).waitFor();

  const [md] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Exporter en Markdown" }).click()]);
  const markdown = readFileSync(await md.path(), "utf8");
  assert.match(markdown, /^# Mes notes — Liseuse/);
  assert.match(markdown, /\n## Il est temps de nous faire confiance\n/);
  assert.match(markdown, /\n> la confiance se donne\n/);
  assert.match(markdown, /Idée clé/);
  assert.match(markdown, /\[Ouvrir dans Liseuse\]\(http:\/\/127\.0\.0\.1:\d+\/lire\/il-est-temps-de-nous-faire-confiance\/#h-/);

  const [json] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Exporter en JSON" }).click()]);
  const file = await json.path();
  const data = JSON.parse(readFileSync(file, "utf8"));
  assert.equal(data.format, "liseuse-export");
  assert.equal(data.version, 1);

  const fresh = await newPage(env.browser);
  await fresh.goto(`${env.server.url}notes/`);
  await appReady(fresh);
  await fresh.getByLabel("Importer").setInputFiles(file);
  await fresh.getByRole("status").getByText(/Import terminé\s:\s2 ajouté/).waitFor();
  await fresh.locator(".note-item", { hasText: "la confiance se donne" }).waitFor();
  await fresh.locator(".note-item .note", { hasText: "Idée clé" }).waitFor();
  // Importing the same file again changes nothing.
  await fresh.getByLabel("Importer").setInputFiles(file);
  await fresh.getByRole("status").getByText(/rien de nouveau/).waitFor();
  await fresh.goto(articleUrl());
  await fresh.locator(".article-body mark.hl-green", { hasText: "la confiance se donne" }).waitFor();
  assert.equal(await fresh.getByRole("textbox", { name: "Notes sur l’article" }).inputValue(), "Un bel article.");

  // A foreign or broken file is refused with a clear message, and changes nothing.
  await fresh.goto(`${env.server.url}notes/`);
  const before = await fresh.evaluate(() => JSON.stringify(localStorage));
  await fresh.getByLabel("Importer").setInputFiles({ name: "x.json", mimeType: "application/json", buffer: Buffer.from('{"hello": 1}') });
  await fresh.getByRole("status").getByText(/n’est pas un export de Liseuse/).waitFor();
  await fresh.getByLabel("Importer").setInputFiles({ name: "y.json", mimeType: "application/json", buffer: Buffer.from("{ pas du json") });
  await fresh.getByRole("status").getByText(/n’est pas du JSON valide/).waitFor();
  await fresh.getByLabel("Importer").setInputFiles({ name: "vide.json", mimeType: "application/json", buffer: Buffer.alloc(0) });
  await fresh.getByRole("status").getByText(/Ce fichier est vide/).waitFor();
  assert.equal(await fresh.evaluate(() => JSON.stringify(localStorage)), before);

  // The same note written otherwise on another device (an older edit there): the import keeps
  // both texts and says so; that file again adds nothing.
  const elsewhere = structuredClone(data);
  const [record] = Object.values(elsewhere.articles);
  record.highlights[0].note = "Écrite sur la tablette";
  record.highlights[0].updated -= 1;
  const tablet = { name: "tablette.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(elsewhere)) };
  await fresh.getByLabel("Importer").setInputFiles(tablet);
  await fresh.getByRole("status").getByText(/1 mis à jour.*1 note\(s\) différaient.*les deux textes sont gardés/).waitFor();
  const note = fresh.locator(".note-item .note", { hasText: "Autre version, venue d’un fichier importé" });
  await note.waitFor();
  assert.match(await note.textContent(), /Idée clé[\s\S]*Écrite sur la tablette/);
  await fresh.getByLabel("Importer").setInputFiles(tablet);
  await fresh.getByRole("status").getByText(/rien de nouveau/).waitFor();
  assert.deepEqual(page.problems(), []);
  assert.deepEqual(fresh.problems(), []);
});

test("« Mes notes » groups by article, filters by colour and text, and sorts", async () => {
  const page = await newPage(env.browser);
  await openArticle(page);
  // In the first article, two passages, the later one in the text highlighted last.
  await select(page, "Laissez-moi vous raconter");
  await page.getByRole("toolbar").getByRole("button", { name: "Rose", exact: true }).click();
  await page.getByRole("toolbar").waitFor({ state: "detached" });
  await select(page, "restaurant japonais");
  await page.getByRole("toolbar").getByRole("button", { name: "Jaune", exact: true }).click();
  await page.locator(".article-body mark", { hasText: "restaurant japonais" }).waitFor();
  // Then one in the last article of the library, and one in the article before it, the newest
  // of all. (Their slugs sort the other way round: the order shown is the library's, not the
  // stored one's.)
  assert.ok(articles[4].slug < articles[3].slug, "the last two articles' slugs sort against library order");
  await openArticle(page, `${env.server.url}lire/${articles[4].slug}/`);
  await select(page, "Les premiers moments");
  await page.getByRole("toolbar").getByRole("button", { name: "Vert", exact: true }).click();
  await page.locator(".article-body mark", { hasText: "Les premiers moments" }).waitFor();
  await openArticle(page, `${env.server.url}lire/${articles[3].slug}/`);
  await select(page, "le respect doit être la valeur socle");
  await page.getByRole("toolbar").getByRole("button", { name: "Bleu", exact: true }).click();
  await page.locator(".article-body mark", { hasText: "le respect doit être la valeur socle" }).waitFor();
  await page.getByRole("link", { name: "Mes notes" }).click();
  await page.locator(".note-group").nth(2).waitFor();
  assert.equal(await page.locator(".note-group").count(), 3);
  const titles = async () => (await page.locator(".note-group h2").allInnerTexts()).map(squash);
  const quotes = async () => (await page.locator(".note-group").first().locator(".note-item blockquote").allInnerTexts()).map(squash);
  const inReadingOrder = [squash(articles[0].title), squash(articles[3].title), squash(articles[4].title)];
  // Reading order (the default): articles in library order, highlights in text order.
  assert.deepEqual(await titles(), inReadingOrder);
  assert.deepEqual(await quotes(), ["Laissez-moi vous raconter", "restaurant japonais"]);
  await page.getByRole("button", { name: "Rose", exact: true }).click(); // hide pink
  assert.equal(await page.locator(".note-item").count(), 3);
  await page.getByRole("button", { name: "Rose", exact: true }).click();
  await page.getByLabel("Filtrer").fill("raconter");
  assert.equal(await page.locator(".note-item").count(), 1);
  // Every word, anywhere, in any order and whatever is around it, as search takes them.
  for (const words of ["VOUS laissez-moi", "«\u00a0raconter\u00a0»", "\"moi\" raconter"]) {
    await page.getByLabel("Filtrer").fill(words);
    assert.deepEqual((await page.locator(".note-item blockquote").allInnerTexts()).map(squash), ["Laissez-moi vous raconter"], words);
  }
  await page.getByLabel("Filtrer").fill("raconter japonais");
  await page.getByText("Aucun surlignage ni note ne correspond à ces filtres.").waitFor();
  await page.getByLabel("Filtrer").fill("");
  await page.locator(".note-item").nth(3).waitFor();
  // Newest first: the article edited last, and in each article its newest highlight.
  await page.getByLabel("Ordre").selectOption("newest");
  assert.deepEqual(await titles(), [squash(articles[3].title), squash(articles[4].title), squash(articles[0].title)]);
  assert.deepEqual(
    (await page.locator(".note-group").nth(2).locator(".note-item blockquote").allInnerTexts()).map(squash),
    ["restaurant japonais", "Laissez-moi vous raconter"],
  );
  // And back to reading order.
  await page.getByLabel("Ordre").selectOption("reading");
  assert.deepEqual(await titles(), inReadingOrder);
  assert.deepEqual(await quotes(), ["Laissez-moi vous raconter", "restaurant japonais"]);
  // A filter that matches nothing says so.
  await page.getByLabel("Filtrer").fill("zzzzqqq");
  await page.getByText("Aucun surlignage ni note ne correspond à ces filtres.").waitFor();
  // The view is kept for « back »: an item opened in its article, then back.
  await page.getByLabel("Filtrer").fill("japonais");
  await page.getByLabel("Ordre").selectOption("newest");
  await page.getByRole("button", { name: "Vert", exact: true }).click();
  assert.equal(await page.locator(".note-item").count(), 1);
  await page.locator(".note-item").getByRole("link").first().click();
  await page.locator(".article-body mark", { hasText: "restaurant japonais" }).first().waitFor();
  await page.goBack();
  await page.locator(".note-item").first().waitFor();
  assert.equal(await page.getByLabel("Filtrer").inputValue(), "japonais");
  assert.equal(await page.getByLabel("Ordre").inputValue(), "newest");
  assert.equal(await page.getByRole("button", { name: "Vert", exact: true }).getAttribute("aria-pressed"), "false");
  assert.equal(await page.locator(".note-item").count(), 1);
  // A new visit to « Mes notes » (its link, from another page) starts from the whole notebook.
  await page.getByRole("link", { name: "Bibliothèque", exact: true }).click();
  await page.locator(".cards > li").first().waitFor();
  await page.getByRole("link", { name: "Mes notes" }).click();
  await page.locator(".note-item").nth(3).waitFor();
  assert.equal(await page.getByLabel("Filtrer").inputValue(), "");
  assert.deepEqual(page.problems(), []);
});

test("notes stored by the first format (schema 1) are read, shown and written back in the current one", async () => {
  const page = await newPage(env.browser);
  const v1 = JSON.stringify({
    schema: 1,
    highlights: [{ id: "ancien1", slug, colour: "blue", text: "restaurant japonais", start: 0, end: 0, note: "note d’avant", time: 1700000000000 }],
    note: "Note d’article d’avant",
  });
  await page.addInitScript(([k, v]) => localStorage.getItem(k) || localStorage.setItem(k, v), [key(slug), v1]);
  await page.goto(articleUrl());
  await appReady(page);
  // Placed by its quote (schema 1 kept no context, and its offsets may be stale).
  const mark = page.locator(".article-body mark.hl", { hasText: "restaurant japonais" });
  await mark.waitFor();
  assert.equal(await page.getByRole("textbox", { name: "Notes sur l’article" }).inputValue(), "Note d’article d’avant");
  await mark.click();
  const panel = page.getByRole("dialog", { name: "Surlignage" });
  assert.equal(await panel.getByRole("textbox", { name: "Note", exact: true }).inputValue(), "note d’avant");
  await panel.getByRole("textbox", { name: "Note", exact: true }).fill("note d’avant, reprise");
  await panel.getByRole("button", { name: "Enregistrer" }).click();
  await page.waitForFunction((k) => JSON.parse(localStorage.getItem(k) ?? "{}").schema === 2, key(slug));
  const stored = await page.evaluate((k) => JSON.parse(localStorage.getItem(k)), key(slug));
  assert.deepEqual(
    stored.record.highlights.map((h) => [h.id, h.color, h.quote.exact, h.note]),
    [["ancien1", "blue", "restaurant japonais", "note d’avant, reprise"]],
  );
  assert.equal(stored.record.note.text, "Note d’article d’avant");
  assert.deepEqual(page.problems(), []);
});

test("disabled localStorage: notes work for the session, with a notice", async () => {
  const page = await newPage(env.browser);
  await page.addInitScript(() => {
    Object.defineProperty(window, "localStorage", {
      get() {
        throw new DOMException("The operation is insecure.", "SecurityError");
      },
    });
  });
  await openArticle(page);
  await page.getByText(/stockage local de ce navigateur est désactivé/).waitFor();
  await select(page, "Laissez-moi vous raconter");
  await page.getByRole("button", { name: "Surligner", exact: true }).click();
  await page.locator(".article-body mark").first().waitFor();
  await page.getByRole("button", { name: "Exporter en JSON" }).first().waitFor();
  // « Enregistrer » does not say « Note enregistrée » of a note kept only in memory.
  await page.locator(".article-body mark").first().click();
  await page.getByRole("textbox", { name: "Note", exact: true }).fill("en mémoire");
  await page.getByRole("button", { name: "Enregistrer" }).click();
  await page.getByRole("status").filter({ hasText: "Note gardée dans cet onglet seulement" }).waitFor({ state: "attached" });
  assert.deepEqual(page.problems(), []);
});

test("quota exceeded: nothing stored is lost, the change stays in memory, export is offered", async () => {
  const page = await newPage(env.browser);
  const seeded = JSON.stringify({
    schema: 2,
    article: slug,
    record: { highlights: [{ id: "ancien", article: slug, color: "green", note: "déjà là", created: 1, updated: 1, quote: { exact: "Laissez-moi vous raconter", prefix: "", suffix: "" }, position: { start: 0, end: 0 } }] },
  });
  // A nearly full storage: it refuses only writes longer than what is stored now (so the
  // app could write, and this test sees it if it did), and it records every removal.
  await page.addInitScript(
    ([k, v]) => {
      if (!localStorage.getItem(k)) localStorage.setItem(k, v);
      const setItem = Storage.prototype.setItem;
      const removeItem = Storage.prototype.removeItem;
      window.__removed = [];
      Storage.prototype.setItem = function (key, value) {
        if (String(value).length > v.length) throw new DOMException("quota", "QuotaExceededError");
        return setItem.call(this, key, value);
      };
      Storage.prototype.removeItem = function (key) {
        window.__removed.push(key);
        return removeItem.call(this, key);
      };
    },
    [key(slug), seeded],
  );
  await openArticle(page);
  await page.locator(".article-body mark.hl-green").waitFor();
  await select(page, "restaurant japonais");
  await page.getByRole("button", { name: "Surligner", exact: true }).click();
  await page.getByText(/stockage local est plein/).waitFor();
  await page.locator(".article-body mark", { hasText: "restaurant japonais" }).waitFor();
  // Nothing stored is touched: not shortened to make room, not removed.
  assert.equal(await stored(page), seeded);
  assert.deepEqual(await page.evaluate(() => window.__removed), []);
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Exporter en JSON" }).first().click()]);
  const exported = readFileSync(await download.path(), "utf8");
  assert.match(exported, /restaurant japonais/);
  assert.match(exported, /déjà là/);
  // Neither a note nor an import that the storage refused is announced as stored.
  await page.locator(".article-body mark", { hasText: "restaurant japonais" }).click();
  await page.getByRole("textbox", { name: "Note", exact: true }).fill("pas stockée");
  await page.getByRole("button", { name: "Enregistrer" }).click();
  await page.getByRole("status").filter({ hasText: "Note gardée dans cet onglet seulement" }).waitFor({ state: "attached" });
  await page.getByRole("link", { name: "Mes notes" }).click();
  await page.getByRole("heading", { level: 1, name: "Mes notes" }).waitFor();
  const imported = {
    id: "importé", article: slug, color: "blue", note: "", created: 5, updated: 5,
    quote: { exact: "Laissez-moi", prefix: "", suffix: "" }, position: { start: 0, end: 11 },
  };
  // Two articles: the storage keeps the small one, not the other, and the message says which
  // part is in this tab only (not the whole import).
  const other = articles[1].slug;
  const small = { ...imported, id: "b", article: other, quote: { exact: "x", prefix: "", suffix: "" }, position: { start: 0, end: 1 } };
  const file = { format: "liseuse-export", version: 1, articles: { [slug]: { highlights: [imported] }, [other]: { highlights: [small] } } };
  await page.getByLabel("Importer").setInputFiles({ name: "a.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(file)) });
  await page.locator(".import-error", { hasText: /2 ajouté.*un des 2 articles importés n’est gardé que dans cet onglet/ }).waitFor();
  assert.equal(await stored(page), seeded);
  assert.match(await page.evaluate((k) => localStorage.getItem(k), key(other)), /"id":"b"/);
  assert.deepEqual(page.problems(), []);
});

test("corrupt or newer stored data is kept aside untouched, and the rest works", async () => {
  const page = await newPage(env.browser);
  const corrupt = "{ceci n'est pas du JSON";
  const newer = JSON.stringify({ schema: 99, article: articles[1].slug, record: { futur: true } });
  await page.addInitScript(
    ([a, b, c, d]) => {
      if (!sessionStorage.getItem("seeded")) {
        localStorage.setItem(a, b);
        localStorage.setItem(c, d);
        sessionStorage.setItem("seeded", "1");
      }
    },
    [key(slug), corrupt, key(articles[1].slug), newer],
  );
  await openArticle(page);
  await page.getByText(/illisibles\s;\selles ont été mises de côté/).waitFor();
  await page.getByText(/version plus récente de Liseuse/).waitFor();
  // A copy of the unreadable value is kept aside, untouched.
  const aside = await page.evaluate(() => Object.keys(localStorage).find((k) => k.startsWith("liseuse:aside:")));
  assert.equal(await page.evaluate((k) => localStorage.getItem(k), aside), corrupt);
  // This article still works, and its key can be used again.
  await select(page, "Laissez-moi vous raconter");
  await page.getByRole("button", { name: "Surligner", exact: true }).click();
  await page.locator(".article-body mark").first().waitFor();
  // The newer version's data is never overwritten, even when highlighting there.
  await openArticle(page, `${env.server.url}lire/${articles[1].slug}/`);
  await select(page, "Vraiment, de belles interventions");
  await page.getByRole("button", { name: "Surligner", exact: true }).click();
  await page.locator(".article-body mark").first().waitFor();
  assert.equal(await stored(page, articles[1].slug), newer);
  assert.deepEqual(page.problems(), []);
});

test("a highlight whose passage is gone is shown as orphaned in « Mes notes », never deleted", async () => {
  const page = await newPage(env.browser);
  const record = JSON.stringify({
    schema: 2,
    article: slug,
    record: {
      highlights: [
        { id: "orphelin1", article: slug, color: "pink", note: "ma note gardée", created: 5, updated: 5, quote: { exact: "un passage qui n’existe plus du tout dans cet article", prefix: "", suffix: "" }, position: { start: 10, end: 60 } },
      ],
    },
  });
  await page.addInitScript(([k, v]) => localStorage.getItem(k) || localStorage.setItem(k, v), [key(slug), record]);
  await page.goto(`${env.server.url}notes/`);
  await appReady(page);
  const item = page.locator(".note-item", { hasText: "un passage qui n’existe plus" });
  await item.getByText(/Orphelin/).waitFor();
  await item.getByText("ma note gardée").waitFor();
  assert.equal(await stored(page), record);
  assert.deepEqual(page.problems(), []);
});

test("« Mes notes » shows a page of highlights at a time, and more on request", async () => {
  const page = await newPage(env.browser);
  await openArticle(page);
  await page.evaluate((slug) => {
    const text = [...document.querySelectorAll(".article-body [data-b]")].map((e) => e.textContent).join("\n\n");
    const chars = [...text];
    const highlights = Array.from({ length: 301 }, (_, i) => {
      const start = i * 10;
      return {
        id: `p${i}`, article: slug, color: "yellow", note: `n${i}`, created: i, updated: i,
        quote: { exact: chars.slice(start, start + 8).join(""), prefix: "", suffix: "" },
        position: { start, end: start + 8 },
      };
    });
    localStorage.setItem(`liseuse:article:${slug}`, JSON.stringify({ schema: 2, article: slug, record: { highlights } }));
  }, slug);
  await page.goto(`${env.server.url}notes/`);
  await appReady(page);
  await page.locator(".note-item").first().waitFor();
  assert.equal(await page.locator(".note-item").count(), 300);
  await page.getByRole("button", { name: "Afficher 1 de plus (1 restant)" }).focus();
  await page.keyboard.press("Enter");
  assert.equal(await page.locator(".note-item").count(), 301);
  assert.equal(await page.getByRole("button", { name: /de plus/ }).count(), 0);
  // The button went with the last page: the focus is on the first item it brought.
  await page.waitForFunction(() => document.activeElement?.id === "n-p300", null, { timeout: 5000 });
  // The filter searches all of them, not only the page shown.
  await page.getByLabel("Filtrer").fill("n300");
  assert.equal(await page.locator(".note-item").count(), 1);
  assert.deepEqual(page.problems(), []);
});

test("leaving the article while « Annuler » is still offered after a deletion breaks nothing", async () => {
  const page = await newPage(env.browser);
  await openArticle(page);
  await select(page, "restaurant japonais");
  await page.getByRole("button", { name: "Surligner", exact: true }).click();
  await page.locator(".article-body mark").first().click();
  await page.getByRole("button", { name: "Supprimer le surlignage" }).click();
  await page.getByRole("button", { name: "Annuler" }).waitFor();
  await page.locator("header.site-header").getByRole("link", { name: "Bibliothèque", exact: true }).click();
  // « Annuler » is offered for 8 s: its end comes once the panel is gone.
  await page.waitForTimeout(9000);
  assert.equal(await page.locator(".crash-banner").count(), 0);
  await page.locator("header.site-header").getByRole("link", { name: "Mes notes", exact: true }).click();
  await page.getByRole("heading", { level: 1, name: "Mes notes" }).waitFor();
  assert.deepEqual(page.problems(), []);
});
