// « Partager »: a passage as a link that opens it for anyone (with the app, and without
// JavaScript through the browser's own text fragment), as a quotation on the clipboard, through
// the system's share sheet (stubbed: headless Chromium has none), and as a picture (the quote
// card, checked pixel by pixel in the three themes).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { inflateSync } from "node:zlib";
import AxeBuilder from "@axe-core/playwright";
import { sharedBrowserAndServer, newPage, appReady, contentArticles, squash, selectText, useSettings } from "./harness.mjs";

const articles = contentArticles();
const env = sharedBrowserAndServer();
const imposture = articles.find((a) => a.slug === "social-selling-l-imposture-2-0");
const NNBSP = "\u202F";

async function openArticle(article = articles[0], { settings, viewport, init } = {}) {
  const page = await newPage(env.browser, viewport ? { viewport } : {});
  await page.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: env.server.url });
  if (init) await page.addInitScript(init);
  if (settings) await useSettings(page, settings);
  await page.goto(`${env.server.url}lire/${article.slug}/`);
  await appReady(page);
  return page;
}

const panel = (page) => page.getByRole("dialog", { name: "Partager le passage" });
const status = (page) => page.locator("[role=status], [aria-live]");
const said = (page, text) => status(page).filter({ hasText: text }).first().waitFor();

/** The text block (`data-b`) holding the `nth` occurrence of `phrase`. */
const blockOfNth = (page, phrase, nth) =>
  page.evaluate(
    ([phrase, nth]) => {
      let seen = 0;
      for (const block of document.querySelectorAll(".article-body [data-b]")) {
        const count = block.textContent.split(phrase).length - 1;
        if (seen + count > nth) return block.getAttribute("data-b");
        seen += count;
      }
      return null;
    },
    [phrase, nth],
  );

async function copyLink(page) {
  await panel(page).getByRole("button", { name: "Copier le lien" }).click();
  await said(page, "Lien copié");
  return page.evaluate(() => navigator.clipboard.readText());
}

/** Whether the element is wholly within the window. */
const onScreen = (locator) =>
  locator.evaluate((el) => {
    const r = el.getBoundingClientRect();
    return r.top >= 0 && r.bottom <= innerHeight && r.height > 0;
  });

test("« Partager » from a selection: the panel, « Copier la citation » and « Copier le lien »", async () => {
  const page = await openArticle(imposture);
  const title = await page.locator("h1").innerText();
  await selectText(page, "Le café est tiède");
  await page.getByRole("toolbar", { name: "Surligner la sélection" }).getByRole("button", { name: "Partager" }).click();
  await panel(page).waitFor();
  // No share sheet on this desktop: copying the link is the first action, and has the focus.
  assert.equal(await panel(page).getByRole("button", { name: "Partager…" }).count(), 0);
  assert.equal(await page.evaluate(() => document.activeElement.textContent), "Copier le lien");
  await panel(page).getByRole("button", { name: "Copier la citation" }).click();
  await said(page, "Citation copiée");
  const citation = await page.evaluate(() => navigator.clipboard.readText());
  const [quote, attribution, link] = citation.split("\n");
  assert.equal(quote, `«${NNBSP}Le café est tiède,${NNBSP}»`);
  assert.equal(attribution, `— ${title}`);
  assert.match(link, new RegExp(`^${env.server.url}lire/${imposture.slug}/#p=\\d+-\\d+,.*:~:text=`));
  assert.equal(await copyLink(page), link);
  // Escape closes, and the focus goes back to the passage's paragraph.
  await page.keyboard.press("Escape");
  await panel(page).waitFor({ state: "detached" });
  assert.ok(await page.evaluate(() => document.activeElement.matches(".article-body [data-b]")));
  assert.deepEqual(page.problems(), []);
});

test("a share link opens the passage, marked and on screen, for a new reader; « Surligner » keeps it", async () => {
  const page = await openArticle(imposture);
  const phrase = "le soufflé est retombé";
  await selectText(page, phrase);
  await page.keyboard.press("p");
  const link = await copyLink(page);

  const reader = await newPage(env.browser, { viewport: { width: 390, height: 700 } });
  await reader.goto(link);
  await appReady(reader);
  const mark = reader.locator("mark.shared");
  await mark.first().waitFor();
  // Widened to whole words: the full stop after the last one comes along.
  assert.equal(squash((await mark.allInnerTexts()).join("")), `${phrase}.`);
  assert.ok(await onScreen(mark.first()));
  const notice = reader.getByRole("region", { name: "Passage partagé" });
  await notice.getByText("Le passage partagé est marqué dans le texte.").waitFor();
  // Distinct from the reader's own highlights: none was made.
  assert.equal(await reader.locator("mark.hl").count(), 0);
  await notice.getByRole("button", { name: "Surligner" }).click();
  await reader.locator("mark.hl").first().waitFor();
  assert.equal(squash((await reader.locator("mark.hl").allInnerTexts()).join("")), `${phrase}.`);
  assert.equal(await reader.locator("mark.shared").count(), 0);
  await notice.waitFor({ state: "detached" });
  assert.deepEqual([...page.problems(), ...reader.problems()], []);
});

test("a passage whose words occur several times: the link opens that one, with the app and without JavaScript", async () => {
  const page = await openArticle(imposture);
  const phrase = "Social Selling";
  // An occurrence far down, alone in its paragraph, after others.
  const nth = await page.evaluate((phrase) => {
    let seen = 0;
    let chosen = -1;
    for (const block of document.querySelectorAll(".article-body [data-b]")) {
      const count = block.textContent.split(phrase).length - 1;
      if (count === 1 && seen >= 3) chosen = seen;
      seen += count;
    }
    return chosen;
  }, phrase);
  assert.ok(nth >= 3, "a later occurrence");
  const block = await blockOfNth(page, phrase, nth);
  await selectText(page, phrase, phrase, { nth });
  await page.keyboard.press("p");
  const link = await copyLink(page);
  // The browser's part names more than the two words: they occur earlier.
  assert.match(decodeURIComponent(link.split(":~:")[1]), /-,|,-/);

  const reader = await newPage(env.browser);
  await reader.goto(link);
  await appReady(reader);
  const mark = reader.locator("mark.shared").first();
  await mark.waitFor();
  assert.equal(await mark.evaluate((m) => m.closest("[data-b]").getAttribute("data-b")), block);
  assert.ok(await onScreen(mark));

  // Without JavaScript: the static page, scrolled by the browser to that occurrence.
  const context = await env.browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 900 } });
  const bare = await context.newPage();
  await bare.goto(link);
  const paragraph = bare.locator(`#prerender [data-b="${block}"]`);
  await bare.waitForFunction(() => scrollY > 0);
  assert.ok(await onScreen(paragraph), "the paragraph of that occurrence is on screen");
  await context.close();
  assert.deepEqual([...page.problems(), ...reader.problems()], []);
});

test("a share link opened on the article already shown marks its passage too; « Fermer » takes the link's fragment away", async () => {
  const page = await openArticle(imposture);
  await selectText(page, "Le café est tiède");
  await page.keyboard.press("p");
  await copyLink(page);
  // The panel's own link, followed in this tab.
  await panel(page).getByRole("link").click();
  const mark = page.locator("mark.shared");
  await mark.first().waitFor();
  assert.equal(squash((await mark.allInnerTexts()).join("")), "Le café est tiède,");
  const notice = page.getByRole("region", { name: "Passage partagé" });
  // The notice has the focus: it says what the link found, « Surligner » is the next Tab.
  assert.ok(await notice.evaluate((n) => n === document.activeElement));
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.textContent), "Surligner");
  await page.keyboard.press("Escape");
  await notice.waitFor({ state: "detached" });
  assert.equal(await mark.count(), 0);
  assert.equal(new URL(page.url()).hash, "");
  assert.ok(await page.evaluate(() => document.activeElement.matches(".article-body [data-b]")), "back in the text");
  // A reload does not bring it back.
  await page.reload();
  await appReady(page);
  assert.equal(await page.getByRole("region", { name: "Passage partagé" }).count(), 0);
  assert.deepEqual(page.problems(), []);
});

test("on a page served without HTTPS (no navigator.clipboard) the citation is still copied, or offered to copy by hand", async () => {
  const init = () => Object.defineProperty(Navigator.prototype, "clipboard", { get: () => undefined, configurable: true });
  const page = await openArticle(imposture, { init });
  await selectText(page, "Le café est tiède");
  await page.keyboard.press("p");
  await panel(page).getByRole("button", { name: "Copier la citation" }).click();
  const outcome = await Promise.race([
    said(page, "Citation copiée").then(() => "copied"),
    said(page, "à copier à la main").then(() => "by hand"),
  ]);
  if (outcome === "by hand") {
    const field = panel(page).locator("textarea");
    assert.match(await field.inputValue(), /^«\u202FLe café est tiède,\u202F»\n— /);
    assert.ok(await field.evaluate((f) => f === document.activeElement));
  } else {
    // The copy command put it on the clipboard: read from a page that has the clipboard API.
    const reader = await newPage(env.browser);
    await reader.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: env.server.url });
    await reader.goto(env.server.url);
    assert.match(await reader.evaluate(() => navigator.clipboard.readText()), /^«\u202FLe café est tiède,\u202F»/);
  }
  // Chromium's copy command serializes the selection through a style it may not apply under
  // the page's CSP, and says so in the console: the copy itself is done (checked above).
  assert.deepEqual(page.problems().filter((p) => !(outcome === "copied" && /Applying inline style violates/.test(p))), []);
});

test("after the article was edited the passage is found again; when it is gone, its words are shown", async () => {
  const page = await openArticle(imposture);
  const phrase = "Le directeur commercial me rend la parole";
  await selectText(page, phrase);
  await page.keyboard.press("p");
  const link = await copyLink(page);
  const [own, directive] = link.split(":~:");
  const [, start, end, rest] = own.match(/#p=(\d+)-(\d+),(.*)$/);
  const at = (s, e, fields = rest) => `${own.split("#")[0]}#p=${s}-${e},${fields}:~:${directive}`;

  // Text was added before it (positions moved), and a word of it corrected since.
  const moved = at(Number(start) + 57, Number(end) + 57, rest.replace("commercial", "commerical"));
  const reader = await newPage(env.browser);
  await reader.goto(moved);
  await appReady(reader);
  await reader.locator("mark.shared").first().waitFor();
  assert.match(squash((await reader.locator("mark.shared").allInnerTexts()).join("")), /^Le directeur commercial me rend la parole/);

  // The words are no longer in the article.
  const gone = at(start, end, rest.replace(/,[^,]*directeur[^,]*,/, `,${encodeURIComponent("Une phrase qui n’a jamais été écrite ici")},`));
  const lost = await newPage(env.browser);
  await lost.goto(gone);
  await appReady(lost);
  const notice = lost.getByRole("region", { name: "Passage partagé" });
  await notice.getByText("Ce passage n’est plus dans l’article").waitFor();
  await lost.waitForFunction(() => document.activeElement?.matches(".shared-notice"));
  assert.equal(squash(await notice.locator("blockquote").innerText()), "Une phrase qui n’a jamais été écrite ici");
  assert.equal(await lost.locator("mark.shared").count(), 0);
  // Escape puts the notice away.
  await notice.getByRole("button", { name: "Fermer" }).focus();
  await lost.keyboard.press("Escape");
  await notice.waitFor({ state: "detached" });

  // Cut short when pasted: said so, the article shown.
  const damaged = await newPage(env.browser);
  await damaged.goto(`${own.slice(0, own.indexOf(",") + 4)}`);
  await appReady(damaged);
  await damaged.getByRole("region", { name: "Passage partagé" }).getByText("Ce lien de partage est incomplet").waitFor();
  assert.deepEqual([...page.problems(), ...reader.problems(), ...lost.problems(), ...damaged.problems()], []);
});

test("the share sheet gets the title, the quotation and the link; the note only when asked", async () => {
  const init = () => {
    window.__shared = [];
    navigator.share = async (data) => void window.__shared.push(JSON.parse(JSON.stringify({ ...data, files: data.files?.map((f) => [f.name, f.type, f.size]) })));
    navigator.canShare = (data) => !!data;
  };
  const page = await openArticle(imposture, { init, viewport: { width: 390, height: 800 } });
  await selectText(page, "Franchement");
  await page.keyboard.press("h");
  const mark = page.locator("mark.hl").first();
  await mark.waitFor();
  await mark.click();
  await page.getByRole("dialog", { name: "Surlignage" }).getByLabel("Note").fill("À citer lundi");
  await page.getByRole("dialog", { name: "Surlignage" }).getByRole("button", { name: "Partager" }).click();
  await panel(page).waitFor();
  assert.equal(await page.evaluate(() => document.activeElement.textContent), "Partager…");
  await panel(page).getByRole("button", { name: "Partager…" }).click();
  await page.waitForFunction(() => window.__shared.length === 1);
  const [first] = await page.evaluate(() => window.__shared);
  assert.equal(first.title, await page.locator("h1").innerText());
  assert.equal(first.text.split("\n")[0], `«${NNBSP}Franchement${NNBSP}»`);
  assert.ok(!first.text.includes("À citer lundi"), "the note is not shared unless asked");
  assert.match(first.url, /#p=\d+-\d+,.*:~:text=Franchement/);
  await panel(page).getByLabel("Joindre ma note").check();
  await panel(page).getByRole("button", { name: "Partager…" }).click();
  await page.waitForFunction(() => window.__shared.length === 2);
  const second = (await page.evaluate(() => window.__shared))[1];
  assert.match(second.text, /Ma note\u00a0: À citer lundi$/);
  // The card as a file, through the same sheet.
  await panel(page).getByRole("button", { name: "Partager l’image" }).click();
  await page.waitForFunction(() => window.__shared.length === 3);
  const card = (await page.evaluate(() => window.__shared))[2];
  assert.equal(card.files[0][0], `citation-${imposture.slug}-1200x627.png`);
  assert.equal(card.files[0][1], "image/png");
  assert.ok(card.files[0][2] > 5000);
  // Escape closes; the focus goes back to the highlight.
  await page.keyboard.press("Escape");
  await panel(page).waitFor({ state: "detached" });
  assert.ok(await page.evaluate(() => document.activeElement.matches("mark.hl")));
  assert.deepEqual(page.problems(), []);
});

test("a share sheet that takes links but no image: the card's button says « Télécharger l’image », and downloads it", async () => {
  const init = () => {
    navigator.share = async () => {};
    navigator.canShare = (data) => !data?.files;
  };
  const page = await openArticle(imposture, { init });
  await selectText(page, "Franchement");
  await page.keyboard.press("p");
  await panel(page).waitFor();
  assert.equal(await panel(page).getByRole("button", { name: "Partager l’image" }).count(), 0);
  const [download] = await Promise.all([page.waitForEvent("download"), panel(page).getByRole("button", { name: "Télécharger l’image" }).click()]);
  assert.match(download.suggestedFilename(), /^citation-.*\.png$/);
  assert.deepEqual(page.problems(), []);
});

/** Width, height and RGBA pixels of a PNG (8-bit RGB or RGBA, not interlaced: what canvases write). */
function decodePng(bytes) {
  assert.equal(bytes.subarray(1, 4).toString(), "PNG");
  let at = 8;
  let width, height, colorType;
  const data = [];
  while (at < bytes.length) {
    const length = bytes.readUInt32BE(at);
    const type = bytes.subarray(at + 4, at + 8).toString();
    const chunk = bytes.subarray(at + 8, at + 8 + length);
    if (type === "IHDR") {
      width = chunk.readUInt32BE(0);
      height = chunk.readUInt32BE(4);
      assert.equal(chunk[8], 8, "8 bits per channel");
      colorType = chunk[9];
      assert.equal(chunk[12], 0, "not interlaced");
    } else if (type === "IDAT") data.push(chunk);
    at += 12 + length;
  }
  const channels = colorType === 6 ? 4 : colorType === 2 ? 3 : assert.fail(`colour type ${colorType}`);
  const raw = inflateSync(Buffer.concat(data));
  const stride = width * channels;
  const out = Buffer.alloc(width * height * 4);
  let previous = Buffer.alloc(stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = Buffer.from(raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)));
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? line[x - channels] : 0;
      const b = previous[x];
      const c = x >= channels ? previous[x - channels] : 0;
      const p = a + b - c;
      const paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
      line[x] = (line[x] + [0, a, b, (a + b) >> 1, paeth][filter]) & 255;
    }
    for (let x = 0; x < width; x++) {
      for (let k = 0; k < 4; k++) out[(y * width + x) * 4 + k] = k < channels ? line[x * channels + k] : 255;
    }
    previous = line;
  }
  return { width, height, pixels: out };
}

const THEMES = { clair: [0xfd, 0xfc, 0xf9], sepia: [0xf4, 0xec, 0xd8], sombre: [0x16, 0x15, 0x13] };
const LABELS = { clair: "Clair", sepia: "Sépia", sombre: "Sombre" };

test("the quote card: both sizes, in the three themes, with the passage drawn on it", async () => {
  const page = await openArticle(imposture);
  await selectText(page, "Ce que j’en pense", "Franchement");
  await page.keyboard.press("p");
  await panel(page).waitFor();
  const counts = {};
  for (const [theme, background] of Object.entries(THEMES)) {
    await panel(page).getByRole("radio", { name: LABELS[theme] }).check();
    for (const [label, size] of [["1200", [1200, 627]], ["carrée", [1080, 1080]]]) {
      await panel(page).getByRole("radio", { name: new RegExp(label) }).check();
      const [download] = await Promise.all([page.waitForEvent("download"), panel(page).getByRole("button", { name: "Télécharger l’image" }).click()]);
      assert.equal(download.suggestedFilename(), `citation-${imposture.slug}-${size[0]}x${size[1]}.png`);
      const png = decodePng(readFileSync(await download.path()));
      assert.deepEqual([png.width, png.height], size);
      const at = (x, y) => [...png.pixels.subarray((y * png.width + x) * 4, (y * png.width + x) * 4 + 3)];
      assert.deepEqual(at(2, 2), background, `${theme}: the theme's background`);
      // Not a blank picture: a good share of pixels far from the background (the words).
      let ink = 0;
      for (let i = 0; i < png.width * png.height; i++) {
        const d = [0, 1, 2].reduce((s, k) => s + Math.abs(png.pixels[i * 4 + k] - background[k]), 0);
        if (d > 200) ink++;
      }
      counts[`${theme} ${size[0]}`] = ink;
      assert.ok(ink > png.width * png.height * 0.005, `${theme} ${size}: ${ink} pixels of ink`);
    }
  }
  // A longer passage draws more ink.
  await page.keyboard.press("Escape");
  await selectText(page, "Ce que j’en pense", "coup de pied");
  await page.keyboard.press("p");
  await panel(page).getByRole("radio", { name: "Sombre" }).check();
  await panel(page).getByRole("radio", { name: /1200/ }).check();
  const [download] = await Promise.all([page.waitForEvent("download"), panel(page).getByRole("button", { name: "Télécharger l’image" }).click()]);
  const longer = decodePng(readFileSync(await download.path()));
  let ink = 0;
  for (let i = 0; i < longer.width * longer.height; i++) {
    const d = [0, 1, 2].reduce((s, k) => s + Math.abs(longer.pixels[i * 4 + k] - THEMES.sombre[k]), 0);
    if (d > 200) ink++;
  }
  assert.ok(ink > counts["sombre 1200"] * 1.3, `${ink} vs ${counts["sombre 1200"]}`);
  assert.deepEqual(page.problems(), []);
});

test("keyboard: « Partager » from a highlight's panel, Escape closes", async () => {
  const page = await openArticle(imposture);
  await selectText(page, "Franchement");
  await page.keyboard.press("h");
  await page.locator("mark.hl").first().waitFor();
  await page.evaluate(() => getSelection().removeAllRanges());
  await page.keyboard.press("]");
  await page.keyboard.press("Enter");
  const highlightPanel = page.getByRole("dialog", { name: "Surlignage" });
  await highlightPanel.waitFor();
  const share = highlightPanel.getByRole("button", { name: "Partager" });
  for (let i = 0; i < 12 && !(await share.evaluate((b) => b === document.activeElement)); i++) await page.keyboard.press("Tab");
  assert.ok(await share.evaluate((b) => b === document.activeElement), "« Partager » is reached with Tab");
  await page.keyboard.press("Enter");
  await panel(page).waitFor();
  await page.keyboard.press("Enter"); // « Copier le lien », focused
  await said(page, "Lien copié");
  await page.keyboard.press("Escape");
  await panel(page).waitFor({ state: "detached" });
  assert.ok(await page.evaluate(() => document.activeElement.matches("mark.hl")));
  assert.deepEqual(page.problems(), []);
});

for (const theme of ["clair", "sombre", "sepia"]) {
  test(`axe-core finds no violation with the share panel open, theme ${theme}`, async () => {
    const page = await openArticle(imposture, { settings: { theme } });
    // A long passage: the quotation scrolls within the panel.
    await selectText(page, "14h20", "long silence");
    await page.keyboard.press("p");
    await panel(page).locator("img.card-preview").waitFor();
    const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]).analyze();
    assert.deepEqual(result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(" | ")}`), []);
    assert.deepEqual(page.problems(), []);
  });
}

test("axe-core finds no violation with a shared passage marked", async () => {
  const page = await openArticle(imposture);
  await selectText(page, "Franchement");
  await page.keyboard.press("p");
  const link = await copyLink(page);
  const reader = await newPage(env.browser);
  await reader.goto(link);
  await appReady(reader);
  await reader.getByRole("region", { name: "Passage partagé" }).waitFor();
  const result = await new AxeBuilder({ page: reader }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]).analyze();
  assert.deepEqual(result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(" | ")}`), []);
  assert.deepEqual(reader.problems(), []);
});
