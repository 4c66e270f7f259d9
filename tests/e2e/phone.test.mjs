// Phones first: highlighting and annotating with a thumb on a 320–390 px touch screen. Touch
// emulation (isMobile, hasTouch, a phone's pixel ratio): the selection toolbar sits below the
// selection, wholly on screen, with 44 px targets; a tap highlights; a tap on the mark opens its
// note with the highlight still in sight; no page scrolls sideways at 320 px (axe-core checks
// each there too); on wide screens the note does not cover the paragraph annotated. Screenshots
// of the reader at 390 px (and of the note at 1000 and 1280 px) are kept in test-results/phone/
// for a person to look at.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { sharedBrowserAndServer, appReady, selectText, ROOT } from "./harness.mjs";

const env = sharedBrowserAndServer();
const SLUG = "social-selling-l-imposture-2-0";
const PARAGRAPH = "Comme toujours, le symptôme";
const SHOTS = join(ROOT, "test-results", "phone");
mkdirSync(SHOTS, { recursive: true });
// Android and iOS draw the selection's handles just under its last line: the toolbar keeps
// at least this far below it.
const HANDLES = 24;

async function phone(width, height = 720) {
  const context = await env.browser.newContext({
    viewport: { width, height },
    deviceScaleFactor: 3,
    isMobile: true,
    hasTouch: true,
    locale: "fr-FR",
  });
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (e) => problems.push(`exception: ${e.message}`));
  // The unknown article of the last test is a 404 on purpose (that page, and no other file).
  const unknown = (m) => /status of 404/.test(m.text()) && /\/(lire\/nulle-part\/|content\/[^/]+\/a\/nulle-part\.json)$/.test(m.location().url);
  page.on("console", (m) => m.type() === "error" && !unknown(m) && problems.push(`console: ${m.text()} @ ${m.location().url}`));
  page.problems = () => problems;
  return page;
}

/** Waits for two frames, so that what reacts to a change has been laid out. */
const frames = (page) => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));

/**
 * Waits (bounded) until `condition` holds in the page, then until scrolling has settled (two
 * frames alike); the caller then checks what it expects, with its own message.
 */
async function settled(page, condition) {
  await page.waitForFunction(condition, null, { timeout: 5000 }).catch(() => {});
  const where = () =>
    page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(JSON.stringify([scrollX, scrollY, visualViewport.offsetTop, document.querySelector(".panel")?.getBoundingClientRect().top])))));
  let at = await where();
  for (let last = null; at !== last; ) [last, at] = [at, await where()];
}

const pageWidth = (page) => page.evaluate(() => document.documentElement.scrollWidth);

/**
 * Words at the start, in the middle and at the end of one line of the paragraph (as laid out
 * at this width), each as a text found once in the article, for `selectText`. The line is first
 * scrolled to `at` (a fraction of the screen's height).
 */
async function lineSelections(page, at) {
  return page.evaluate(
    ([paragraph, at]) => {
      const body = document.querySelector(".article-body");
      const p = [...body.querySelectorAll("p")].find((p) => p.textContent.includes(paragraph));
      const bodyText = [];
      const walk = (root, out) => {
        const w = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
        for (let n = w.nextNode(); n; n = w.nextNode()) out.push(n);
        return out;
      };
      const all = walk(body, []).map((n) => n.data).join("");
      const nodes = walk(p, []);
      let text = "";
      const at0 = nodes.map((n) => ((text += n.data), text.length - n.data.length));
      const point = (offset) => {
        for (let i = nodes.length - 1; i >= 0; i--) if (offset >= at0[i]) return [nodes[i], offset - at0[i]];
      };
      const words = [];
      for (const m of text.matchAll(/[\p{L}\p{N}’'-]+/gu)) {
        const r = document.createRange();
        r.setStart(...point(m.index));
        r.setEnd(...point(m.index + m[0].length));
        const rects = [...r.getClientRects()].filter((b) => b.width > 0);
        // A word cut by hyphenation spans two lines: not a clean line start or end.
        if (rects.length === 1) words.push({ start: m.index, end: m.index + m[0].length, top: Math.round(rects[0].top) });
      }
      const lines = [...new Set(words.map((w) => w.top))];
      const line = words.filter((w) => w.top === lines[2]);
      const once = (s) => all.indexOf(s) >= 0 && all.indexOf(s) === all.lastIndexOf(s);
      const pick = (from, step) => {
        for (let n = 2; n <= line.length; n++) {
          const ws = step > 0 ? line.slice(from, from + n) : line.slice(Math.max(0, from - n + 1), from + 1);
          const s = text.slice(ws[0].start, ws[ws.length - 1].end);
          if (once(s)) return s;
        }
        throw new Error("no unique words on the line");
      };
      // Two lines further down, for a selection whose end handle was dragged there.
      const later = words.filter((w) => w.top === lines[4]);
      const laterOnce = later.map((_, i) => text.slice(later[0].start, later[i].end)).find((s, i) => i > 0 && once(s));
      const lineTop = words.find((w) => w.top === lines[2]);
      const r = document.createRange();
      r.setStart(...point(lineTop.start));
      r.setEnd(...point(lineTop.end));
      scrollBy(0, r.getBoundingClientRect().top - innerHeight * at);
      return { start: pick(0, 1), middle: pick(Math.floor(line.length / 2) - 1, 1), end: pick(line.length - 1, -1), later: laterOnce };
    },
    [PARAGRAPH, at],
  );
}

/** The toolbar's box and the selection's box, in CSS px of the screen. */
async function boxes(page) {
  await frames(page);
  return page.evaluate(() => {
    const bar = document.querySelector('[role="toolbar"]').getBoundingClientRect();
    const sel = getSelection().getRangeAt(0).getBoundingClientRect();
    const buttons = [...document.querySelectorAll('[role="toolbar"] button')].map((b) => {
      const r = b.getBoundingClientRect();
      return { name: b.textContent, width: r.width, height: r.height };
    });
    const v = visualViewport;
    return { bar: bar.toJSON(), sel: sel.toJSON(), buttons, screen: { width: v.width, height: v.height } };
  });
}

function assertTargets(buttons, what) {
  for (const b of buttons) {
    assert.ok(b.width >= 44 && b.height >= 44, `${what}: « ${b.name} » is ${b.width.toFixed(1)}×${b.height.toFixed(1)} px, under 44×44`);
  }
}

for (const width of [320, 360, 390]) {
  test(`at ${width} px, the toolbar is below the selection and on screen, 44 px targets; tap to highlight, tap to annotate`, async (t) => {
    const page = await phone(width);
    await page.goto(`${env.server.url}lire/${SLUG}/`);
    await appReady(page);
    assert.ok(await page.evaluate(() => matchMedia("(pointer: coarse)").matches), "touch emulation makes the pointer coarse");
    const { later, ...texts } = await lineSelections(page, 0.35);
    let last;
    for (const [where, text] of Object.entries(texts)) {
      await selectText(page, text);
      const { bar, sel, buttons, screen } = await boxes(page);
      const at = `${width} px, ${where} of a line (« ${text} »): toolbar ${bar.left.toFixed(0)}..${bar.right.toFixed(0)} × ${bar.top.toFixed(0)}..${bar.bottom.toFixed(0)}, selection ${sel.left.toFixed(0)}..${sel.right.toFixed(0)} × ${sel.top.toFixed(0)}..${sel.bottom.toFixed(0)}`;
      assert.ok(bar.left >= 0 && bar.right <= screen.width && bar.top >= 0 && bar.bottom <= screen.height, `${at}: off screen`);
      assert.ok(bar.top >= sel.bottom + HANDLES, `${at}: not below the selection and its handles`);
      assertTargets(buttons, at);
      t.diagnostic(`${at}, « Surligner » ${buttons[0].width.toFixed(0)}×${buttons[0].height.toFixed(0)}, page ${await pageWidth(page)} px wide`);
      assert.ok((await pageWidth(page)) <= width, `${at}: the page is wider than the screen`);
      if (width === 390 && where === "middle") await page.screenshot({ path: join(SHOTS, "reader-390-selection.png") });
      last = { bar, text };
    }
    // The end handle dragged two lines down: the toolbar follows, still below the selection.
    await selectText(page, last.text, later);
    const moved = await boxes(page);
    assert.ok(moved.bar.top >= moved.sel.bottom + HANDLES && moved.bar.top > last.bar.top + 30, `${width} px: the toolbar did not follow the selection (${JSON.stringify(moved)})`);
    assert.ok(moved.bar.bottom <= moved.screen.height, `${width} px: the toolbar went off screen following the selection`);
    // Near the bottom of the screen there is no room below: the toolbar stays on screen.
    const low = await lineSelections(page, 0.93);
    await selectText(page, low.middle);
    const { bar, screen } = await boxes(page);
    assert.ok(bar.top >= 0 && bar.bottom <= screen.height && bar.left >= 0 && bar.right <= screen.width, `${width} px, selection at the bottom: toolbar off screen (${JSON.stringify(bar)})`);

    // Tap « Surligner »: a mark.
    await selectText(page, texts.middle);
    await page.getByRole("toolbar").getByRole("button", { name: "Surligner", exact: true }).tap();
    const mark = page.locator(".article-body mark[data-id]").first();
    await mark.waitFor();
    assert.equal((await mark.textContent()).replace(/\s+/gu, " "), texts.middle.replace(/\s+/gu, " "));
    await page.getByRole("toolbar").waitFor({ state: "detached" });

    // Tap the mark: its note, with the highlight still in sight.
    await mark.tap();
    const panel = page.getByRole("dialog", { name: "Surlignage" });
    await panel.waitFor();
    await page.getByRole("textbox", { name: "Note", exact: true }).fill("Une note écrite au pouce.");
    // The page scrolls the highlight into sight, clear of the panel: wait for that.
    await settled(page, () => {
      const panel = document.querySelector(".panel")?.getBoundingClientRect();
      const marks = [...document.querySelectorAll(".article-body mark[data-id]")].flatMap((m) => [...m.getClientRects()]);
      return panel && marks.length > 0 && marks.every((m) => m.top >= 0 && m.bottom <= visualViewport.height && (m.bottom <= panel.top || m.top >= panel.bottom));
    });
    const seen = await page.evaluate(() => {
      const panel = document.querySelector(".panel").getBoundingClientRect();
      const marks = [...document.querySelectorAll(".article-body mark[data-id]")].flatMap((m) => [...m.getClientRects()]);
      const buttons = [...document.querySelectorAll(".panel button")].map((b) => {
        const r = b.getBoundingClientRect();
        return { name: b.textContent, width: r.width, height: r.height };
      });
      return { panel: panel.toJSON(), marks: marks.map((r) => r.toJSON()), buttons, height: visualViewport.height };
    });
    for (const m of seen.marks) {
      assert.ok(m.top >= 0 && m.bottom <= seen.height, `${width} px: the highlight is off screen (${m.top}..${m.bottom})`);
      assert.ok(m.bottom <= seen.panel.top || m.top >= seen.panel.bottom, `${width} px: the note panel covers the highlight (${m.top}..${m.bottom}, panel ${seen.panel.top}..${seen.panel.bottom})`);
    }
    assertTargets(seen.buttons, `${width} px, note panel`);
    assert.ok((await pageWidth(page)) <= width, `${width} px: the page with an open note is wider than the screen`);
    if (width === 390) await page.screenshot({ path: join(SHOTS, "reader-390-note.png") });
    assert.deepEqual(page.problems(), []);
    await page.context().close();
  });
}

test("a highlight under another (the same passage in two colours) is reached by tap: its panel is listed in the other's", async () => {
  const page = await phone(390, 844);
  await page.goto(`${env.server.url}lire/il-est-temps-de-nous-faire-confiance/`);
  await appReady(page);
  for (const color of ["Vert", "Rose"]) {
    await selectText(page, "restaurant japonais");
    await page.getByRole("toolbar").getByRole("button", { name: color, exact: true }).tap();
    await page.getByRole("toolbar").waitFor({ state: "hidden" });
  }
  const marks = page.locator(".article-body mark[data-id]");
  assert.equal(await marks.count(), 2);
  // A tap on the text answers with the innermost mark: the pink one.
  await page.locator(".article-body mark[data-id]", { hasText: "restaurant japonais" }).last().tap();
  const panel = page.getByRole("dialog", { name: "Surlignage" });
  await panel.waitFor();
  assert.equal(await panel.getByRole("button", { name: "Rose", exact: true }).getAttribute("aria-pressed"), "true");
  const others = panel.getByRole("group", { name: "Autres surlignages sur ce passage" });
  await others.getByRole("button", { name: "Vert : « restaurant japonais »" }).tap();
  // The green one's panel: its colour, and its own note.
  await panel.getByRole("button", { name: "Vert", exact: true, pressed: true }).waitFor();
  await panel.getByRole("textbox", { name: "Note", exact: true }).fill("Sous le rose.");
  await panel.getByRole("button", { name: "Enregistrer" }).tap();
  await page.waitForFunction(() => {
    const raw = localStorage.getItem("liseuse:article:il-est-temps-de-nous-faire-confiance") ?? "";
    return raw.includes("Sous le rose.");
  });
  const notes = await page.evaluate(() =>
    JSON.parse(localStorage.getItem("liseuse:article:il-est-temps-de-nous-faire-confiance")).record.highlights.map((h) => [h.color, h.note]),
  );
  assert.deepEqual(notes.sort(), [["green", "Sous le rose."], ["pink", ""]]);
  // A highlight alone on its passage lists no other.
  await selectText(page, "Laissez-moi vous raconter");
  await page.getByRole("toolbar").getByRole("button", { name: "Jaune", exact: true }).tap();
  await page.locator(".article-body mark[data-id]", { hasText: "Laissez-moi" }).tap();
  await panel.getByRole("button", { name: "Jaune", exact: true, pressed: true }).waitFor();
  assert.equal(await others.count(), 0);
  assert.deepEqual(page.problems(), []);
  await page.context().close();
});

test("zoomed in, as when the on-screen keyboard takes part of the screen, the toolbar and the note panel stay in the part that is seen", async () => {
  // A pinch zoom makes the part seen (the visual viewport) smaller than the page's viewport, as
  // the keyboard does; the end of a line is then out of sight to the right.
  const page = await phone(390);
  await page.goto(`${env.server.url}lire/${SLUG}/`);
  await appReady(page);
  const texts = await lineSelections(page, 0.15);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Emulation.setPageScaleFactor", { pageScaleFactor: 1.25 });
  await frames(page);
  const seen = () => page.evaluate(() => ({ left: visualViewport.offsetLeft, top: visualViewport.offsetTop, width: visualViewport.width, height: visualViewport.height, scale: visualViewport.scale }));
  assert.equal((await seen()).scale, 1.25);
  for (const text of [texts.start, texts.end]) {
    await selectText(page, text);
    const { bar, sel } = await boxes(page);
    const v = await seen();
    const at = `« ${text} »: toolbar ${JSON.stringify(bar)}, selection ${JSON.stringify(sel)}, seen ${JSON.stringify(v)}`;
    assert.ok(bar.left >= v.left && bar.right <= v.left + v.width && bar.top >= v.top && bar.bottom <= v.top + v.height, `${at}: not in the part that is seen`);
  }
  // The note panel, a sheet at the bottom of the screen, is lifted into the part that is seen
  // (with the keyboard open, its field stays above the keyboard).
  await page.getByRole("toolbar").getByRole("button", { name: "Surligner", exact: true }).tap();
  await page.locator(".article-body mark[data-id]").first().tap();
  await page.getByRole("dialog", { name: "Surlignage" }).waitFor();
  await frames(page);
  await frames(page);
  const v = await seen();
  const panel = await page.evaluate(() => document.querySelector(".panel").getBoundingClientRect().toJSON());
  assert.ok(panel.bottom <= v.top + v.height + 1, `the panel (${panel.top}..${panel.bottom}) ends below the part that is seen (${v.top}..${v.top + v.height})`);
  await page.context().close();
});

for (const viewport of [{ width: 1280, height: 800 }, { width: 1000, height: 700 }]) {
  test(`at ${viewport.width} px with a mouse, a highlight's note does not cover the paragraph annotated`, async () => {
    const context = await env.browser.newContext({ viewport, locale: "fr-FR" });
    const page = await context.newPage();
    await page.goto(`${env.server.url}lire/${SLUG}/`);
    await appReady(page);
    // The end of a line, low on the screen: where a card at the bottom right would sit.
    const texts = await lineSelections(page, 0.85);
    await selectText(page, texts.end);
    await page.getByRole("toolbar").getByRole("button", { name: "Surligner", exact: true }).click();
    const mark = page.locator(".article-body mark[data-id]").first();
    await mark.click();
    await page.getByRole("dialog", { name: "Surlignage" }).waitFor();
    // The page may scroll the paragraph clear of the panel: wait for that.
    await settled(page, () => {
      const panel = document.querySelector(".panel")?.getBoundingClientRect();
      const mark = document.querySelector(".article-body mark[data-id]");
      const para = mark?.closest("p").getBoundingClientRect();
      const m = mark?.getBoundingClientRect();
      return panel && para && (panel.left >= para.right || panel.right <= para.left || panel.top >= para.bottom || panel.bottom <= para.top) && m.top >= 0 && m.bottom <= innerHeight;
    });
    const seen = await page.evaluate(() => {
      const panel = document.querySelector(".panel").getBoundingClientRect().toJSON();
      const mark = document.querySelector(".article-body mark[data-id]");
      const para = mark.closest("p").getBoundingClientRect().toJSON();
      return { panel, para, mark: mark.getBoundingClientRect().toJSON(), height: innerHeight };
    });
    const { panel, para } = seen;
    const apart = panel.left >= para.right || panel.right <= para.left || panel.top >= para.bottom || panel.bottom <= para.top;
    assert.ok(apart, `the panel ${JSON.stringify(panel)} covers the paragraph ${JSON.stringify(para)}`);
    assert.ok(seen.mark.top >= 0 && seen.mark.bottom <= seen.height, `the highlight is out of sight: ${JSON.stringify(seen.mark)}`);
    await page.screenshot({ path: join(SHOTS, `reader-${viewport.width}-note.png`) });
    await context.close();
  });
}

test("« Affichage » on a phone ends within the screen, under the two rows of the header, and « Fermer » is reached by scrolling the panel", async () => {
  for (const [width, height] of [[390, 844], [360, 640]]) {
    const page = await phone(width, height);
    await page.goto(`${env.server.url}lire/${SLUG}/`);
    await appReady(page);
    await page.getByRole("button", { name: "Affichage" }).tap();
    const panel = page.getByRole("region", { name: "Affichage" });
    await panel.waitFor();
    await frames(page);
    const box = await panel.boundingBox();
    assert.ok(box.y + box.height <= height, `${width}×${height}: the panel ends at ${box.y + box.height}`);
    await panel.evaluate((p) => (p.scrollTop = p.scrollHeight));
    await frames(page);
    const close = await panel.getByRole("button", { name: "Fermer" }).boundingBox();
    assert.ok(close.y >= 0 && close.y + close.height <= height, `${width}×${height}: « Fermer » at ${close.y}`);
    await panel.getByRole("button", { name: "Fermer" }).tap();
    await panel.waitFor({ state: "hidden" });
    assert.deepEqual(page.problems(), []);
    await page.context().close();
  }
});

test("no page of the app scrolls sideways on a 320 px screen, and axe-core finds no WCAG 2.2 AA violation there", async () => {
  const width = 320;
  const page = await phone(width);
  const wide = [];
  const violations = [];
  const check = async (what) => {
    const axe = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]).analyze();
    violations.push(...axe.violations.map((v) => `${what}: ${v.id} (${v.nodes.length}) ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")}`));
    await frames(page);
    const w = await pageWidth(page);
    if (w > width) wide.push(`${what}: ${w} px`);
    // What floats over the page is on screen too (off its left edge, it would not widen it).
    const out = await page.evaluate((width) => [...document.querySelectorAll(".display-panel, .panel, .hl-toolbar, .shortcuts")]
      .map((e) => [e.className, e.getBoundingClientRect()])
      .filter(([, r]) => r.left < 0 || r.right > width)
      .map(([c, r]) => `.${c.split(" ")[0]} at ${r.left.toFixed(0)}..${r.right.toFixed(0)}`), width);
    if (out.length) wide.push(`${what}: ${out.join(", ")}`);
  };
  await page.goto(env.server.url);
  await appReady(page);
  await check("library");
  await page.getByRole("button", { name: "Affichage" }).tap();
  await page.getByRole("region", { name: "Affichage" }).waitFor();
  await check("Affichage");
  await page.goto(`${env.server.url}lire/${SLUG}/`);
  await appReady(page);
  await check("article");
  for (const [text, color] of [["Comme toujours", "Jaune"], ["le symptôme n’est pas la maladie", "Rose"]]) {
    await selectText(page, text);
    await check(`article with a selection (« ${text} »)`);
    await page.getByRole("toolbar").getByRole("button", { name: color, exact: true }).tap();
    await page.getByRole("toolbar").waitFor({ state: "detached" });
  }
  await page.locator(".article-body mark[data-id]").first().tap();
  await page.getByRole("textbox", { name: "Note", exact: true }).fill("Une note assez longue pour passer à la ligne, avec un motsansespacequinefinitpasetdebordesurlecoté.");
  await check("article with highlights and an open note");
  await page.keyboard.press("Escape");
  await page.goto(`${env.server.url}notes/`);
  await page.locator(".note-item").first().waitFor();
  await check("Mes notes");
  await page.goto(`${env.server.url}recherche/?q=confiance`);
  await page.locator(".result").first().waitFor();
  await check("search results");
  await page.goto(`${env.server.url}lire/nulle-part/`);
  await page.getByRole("heading", { name: "Page introuvable" }).waitFor();
  await check("Page introuvable");
  assert.deepEqual(wide, []);
  assert.deepEqual(violations, []);
  assert.deepEqual(page.problems(), []);
  await page.context().close();
});
