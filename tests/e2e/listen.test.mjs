// « Écouter »: the article read aloud. Headless Chromium has no voices, so `speechSynthesis` is
// a stub that behaves as a real one does towards the page: it lists voices, and fires start and
// boundary when it speaks, end when the test says the sentence is over (`__speech.finish()`),
// and error « interrupted » on cancel. The Media Session's handlers are recorded to be called.
import { test } from "node:test";
import assert from "node:assert/strict";
import AxeBuilder from "@axe-core/playwright";
import { sharedBrowserAndServer, newPage, appReady, contentArticles, squash, selectText, useSettings } from "./harness.mjs";

const articles = contentArticles();
const env = sharedBrowserAndServer();

const FRENCH = [
  { name: "Amélie", lang: "fr-CA", localService: true, default: false, voiceURI: "amelie" },
  { name: "Thomas", lang: "fr-FR", localService: true, default: false, voiceURI: "thomas" },
  { name: "Google français", lang: "fr-FR", localService: false, default: false, voiceURI: "google-fr" },
  { name: "Samantha", lang: "en-US", localService: true, default: true, voiceURI: "samantha" },
];

function stubSpeech(voices, { listedAfter = 0 } = {}) {
  const S = (window.__speech = { spoken: [], current: null, cancels: 0, media: {}, voices: listedAfter ? [] : voices });
  // Some browsers list their voices a moment after they are first asked for, and say so with
  // `voiceschanged`.
  const list = () => {
    if (!listedAfter || S.listing) return;
    S.listing = setTimeout(() => {
      S.voices = voices;
      window.speechSynthesis.onvoiceschanged?.(new Event("voiceschanged"));
    }, listedAfter);
  };
  const fire = (u, type, extra = {}) => {
    const event = Object.assign(new Event(type), { utterance: u, charIndex: 0, elapsedTime: 0, ...extra });
    u[`on${type}`]?.(event);
  };
  window.SpeechSynthesisUtterance = class extends EventTarget {
    constructor(text = "") {
      super();
      Object.assign(this, { text, lang: "", voice: null, rate: 1, pitch: 1, volume: 1 });
      for (const e of ["start", "end", "error", "boundary", "pause", "resume", "mark"]) this[`on${e}`] = null;
    }
  };
  const synthesis = {
    pending: false,
    paused: false,
    get speaking() {
      return S.current !== null;
    },
    onvoiceschanged: null,
    getVoices: () => (list(), S.voices),
    speak(u) {
      // The empty sentence said within the reader's tap, to unlock the voice on iOS.
      if (!u.text) return void (S.unlocked = (S.unlocked ?? 0) + 1);
      S.current = u;
      S.spoken.push({ text: u.text, rate: u.rate, lang: u.lang, voice: u.voice?.name ?? null });
      setTimeout(() => {
        fire(u, "start");
        fire(u, "boundary", { name: "word", charIndex: 0, charLength: 3 });
      }, 0);
    },
    cancel() {
      S.cancels++;
      const u = S.current;
      S.current = null;
      if (u) setTimeout(() => fire(u, "error", { error: "interrupted" }), 0);
    },
    pause() {},
    resume() {},
    addEventListener() {},
    removeEventListener() {},
  };
  Object.defineProperty(window, "speechSynthesis", { value: synthesis, configurable: true });
  // Another tab, or the system, takes the voice: the utterance ends with an error.
  S.interrupt = () => {
    const u = S.current;
    S.current = null;
    if (u) fire(u, "error", { error: "interrupted" });
  };
  S.finish = () => {
    const u = S.current;
    S.current = null;
    if (u) fire(u, "end", { charIndex: u.text.length });
  };
  const session = navigator.mediaSession;
  const set = session.setActionHandler.bind(session);
  session.setActionHandler = (action, handler) => {
    S.media[action] = handler;
    set(action, handler);
  };
}

async function openArticle({ voices = FRENCH, article = articles[0], viewport, settings, listedAfter = 0 } = {}) {
  const page = await newPage(env.browser, viewport ? { viewport } : {});
  await page.addInitScript({ content: `(${stubSpeech})(${JSON.stringify(voices)}, { listedAfter: ${listedAfter} });` });
  if (settings) await useSettings(page, settings);
  await page.goto(`${env.server.url}lire/${article.slug}/`);
  await appReady(page);
  return page;
}

const spoken = (page) => page.evaluate(() => window.__speech.spoken);
const lastSaid = async (page) => (await spoken(page)).at(-1);
/** Waits until `n` utterances were spoken, and returns the last one. */
async function said(page, n) {
  await page.waitForFunction((n) => window.__speech.spoken.length >= n, n);
  const all = await spoken(page);
  assert.equal(all.length, n, `one utterance at a time: ${all.map((s) => s.text).join(" | ")}`);
  return all[n - 1];
}
/** The text under the sentence's mark (the CSS Custom Highlight). */
const marked = (page) =>
  page.evaluate(() => {
    const h = CSS.highlights.get("liseuse-voix");
    return h ? [...h].map((r) => r.toString()).join("") : null;
  });
const blockTexts = (page) => page.locator(".article-body [data-b]").evaluateAll((els) => els.map((e) => [Number(e.dataset.b), e.textContent]));
const finish = (page) => page.evaluate(() => window.__speech.finish());
const player = (page) => page.getByRole("region", { name: "Lecture à voix haute" });
const status = (page) => player(page).locator(".player-status");

test("« Écouter » reads the article one sentence at a time, in French, and the mark follows the voice", async () => {
  const page = await openArticle();
  const blocks = await blockTexts(page);
  await page.getByRole("button", { name: "Écouter" }).click();
  await player(page).waitFor();
  const first = await said(page, 1);
  assert.equal(first.lang, "fr-FR");
  // A local French voice of France is preferred to the Canadian one, the network one and the
  // system's default (English).
  assert.equal(first.voice, "Thomas");
  assert.equal(first.rate, 1);
  assert.ok(squash(blocks[0][1]).startsWith(squash(first.text)), `${first.text} opens ${blocks[0][1]}`);
  assert.ok(first.text.length < blocks[0][1].length || blocks.length > 1);
  await page.waitForFunction((t) => CSS.highlights.get("liseuse-voix") && [...CSS.highlights.get("liseuse-voix")][0].toString() === t, first.text);
  assert.equal(await page.getByRole("button", { name: "Écouter" }).getAttribute("aria-pressed"), "true");

  // Each end brings the next sentence, in order, to the end of the first blocks.
  let text = squash(blocks.map((b) => b[1]).join(" "));
  let at = text.indexOf(squash(first.text)) + squash(first.text).length;
  for (let n = 2; n <= 6; n++) {
    await finish(page);
    const next = await said(page, n);
    const found = text.indexOf(squash(next.text), at);
    assert.ok(found >= at && found - at <= 2, `sentence ${n} follows: « ${next.text} »`);
    at = found + squash(next.text).length;
    await page.waitForFunction((t) => [...(CSS.highlights.get("liseuse-voix") ?? [])][0]?.toString() === t, next.text);
  }
  assert.deepEqual(page.problems(), []);
});

test("pause, resume, previous and next paragraph; the reading position follows the voice", async () => {
  const article = articles[1];
  const page = await openArticle({ article });
  const blocks = await blockTexts(page);
  await page.getByRole("button", { name: "Écouter" }).click();
  await said(page, 1);

  await player(page).getByRole("button", { name: "Pause" }).click();
  await status(page).filter({ hasText: "En pause" }).waitFor();
  await page.waitForFunction(() => window.__speech.current === null);
  assert.equal((await spoken(page)).length, 1, "nothing said while paused");
  await player(page).getByRole("button", { name: "Lecture" }).click();
  // Resuming says the interrupted sentence again, from its start.
  assert.equal((await said(page, 2)).text, (await spoken(page))[0].text);

  await player(page).getByRole("button", { name: "Suivant" }).click();
  let now = await said(page, 3);
  assert.ok(squash(blocks[1][1]).startsWith(squash(now.text)), `next paragraph: ${now.text}`);
  await player(page).getByRole("button", { name: "Suivant" }).click();
  now = await said(page, 4);
  assert.ok(squash(blocks[2][1]).startsWith(squash(now.text)));
  await player(page).getByText("Paragraphe 3 sur").waitFor();
  // The place to resume is the paragraph being read.
  await page.waitForFunction(
    ([key, block]) => JSON.parse(localStorage.getItem(key) ?? "{}").block === block,
    [`liseuse:progress:${article.slug}`, blocks[2][0]],
  );
  await player(page).getByRole("button", { name: "Précédent" }).click();
  now = await said(page, 5);
  assert.ok(squash(blocks[1][1]).startsWith(squash(now.text)));

  // Paused, « Suivant » moves the place without a word.
  await player(page).getByRole("button", { name: "Pause" }).click();
  await player(page).getByRole("button", { name: "Suivant" }).click();
  await player(page).getByText("Paragraphe 3 sur").waitFor();
  assert.equal((await spoken(page)).length, 5);

  // Down to the end of the article with the wheel, as a reader does (a `scrollTo` from the
  // test could be overridden by the page's own smooth scroll to the paragraph still under way),
  // staying there a moment (the text there counts as seen), then back to the library:
  // « Reprendre » goes where the voice was, though the article is now « Lu ».
  await page.mouse.move(300, 400);
  await page.mouse.wheel(0, 20000);
  await page.waitForFunction(([k, end]) => JSON.parse(localStorage.getItem(k) ?? "{}").furthest * 100 >= end * 97, [
    `liseuse:progress:${article.slug}`,
    blocks.at(-1)[0] + [...blocks.at(-1)[1]].length,
  ]);
  await page.getByRole("link", { name: "Retour à la bibliothèque" }).click();
  const resume = page.getByRole("link", { name: `Reprendre « ${article.title} »` });
  assert.equal(await page.locator(".cards > li").filter({ has: resume }).locator(".progress").innerText(), "Lu");
  assert.match(await resume.getAttribute("href"), new RegExp(`#t-${blocks[2][0]}$`));
  assert.deepEqual(page.problems(), []);
});

test("leaving the article stops the voice, removes its mark and hands back the lock screen", async () => {
  const page = await openArticle();
  await page.getByRole("button", { name: "Écouter" }).click();
  await said(page, 1);
  const media = await page.evaluate(() => ({
    handlers: Object.fromEntries(Object.entries(window.__speech.media).map(([k, v]) => [k, typeof v])),
    title: navigator.mediaSession.metadata?.title,
    state: navigator.mediaSession.playbackState,
  }));
  assert.deepEqual(media.handlers, { play: "function", pause: "function", previoustrack: "function", nexttrack: "function", stop: "function" });
  assert.equal(squash(media.title), squash(articles[0].title));
  assert.equal(media.state, "playing");

  // The lock screen's buttons drive the player.
  await page.evaluate(() => window.__speech.media.pause());
  await status(page).filter({ hasText: "En pause" }).waitFor();
  assert.equal(await page.evaluate(() => navigator.mediaSession.playbackState), "paused");
  await page.evaluate(() => window.__speech.media.nexttrack());
  await page.evaluate(() => window.__speech.media.play());
  const blocks = await blockTexts(page);
  assert.ok(squash(blocks[1][1]).startsWith(squash((await said(page, 2)).text)));

  const cancels = await page.evaluate(() => window.__speech.cancels);
  await page.getByRole("link", { name: "Article suivant" }).click();
  await page.waitForFunction((t) => document.querySelector("article h1")?.textContent === t, articles[1].title);
  await page.waitForFunction((n) => window.__speech.cancels > n && window.__speech.current === null, cancels);
  assert.equal(await marked(page), null);
  assert.deepEqual(await page.evaluate(() => Object.values(window.__speech.media).map((h) => h === null)), [true, true, true, true, true]);
  assert.equal(await page.evaluate(() => navigator.mediaSession.metadata), null);
  await page.waitForTimeout(300);
  assert.equal((await spoken(page)).length, 2, "nothing said on the next article");
  assert.equal(await page.getByRole("button", { name: "Écouter" }).getAttribute("aria-pressed"), "false");
  assert.equal(await player(page).count(), 0);
  assert.deepEqual(page.problems(), []);
});

test("the speed is a display setting, kept across visits; « Arrêter » stops", async () => {
  const page = await openArticle();
  await page.getByRole("button", { name: "Écouter" }).click();
  await said(page, 1);
  await player(page).getByLabel("Vitesse").selectOption({ label: "1,5×" });
  // The sentence is said again at the new speed.
  assert.equal((await said(page, 2)).rate, 1.5);
  assert.equal(await page.evaluate(() => JSON.parse(localStorage.getItem("liseuse:settings")).rate), 150);
  await player(page).getByRole("button", { name: "Arrêter" }).click();
  await player(page).waitFor({ state: "detached" });
  assert.equal(await page.evaluate(() => window.__speech.current), null);
  assert.equal(await marked(page), null);
  // The focus goes back to « Écouter »; the lock screen's buttons are handed back.
  assert.equal(await page.evaluate(() => document.activeElement.textContent), "Écouter");
  assert.deepEqual(await page.evaluate(() => Object.values(window.__speech.media).every((h) => h === null)), true);
  assert.equal(await page.evaluate(() => navigator.mediaSession.playbackState), "none");

  await page.reload();
  await appReady(page);
  await page.getByRole("button", { name: "Affichage" }).click();
  const rate = page.getByRole("group", { name: "Vitesse de la lecture à voix haute" });
  assert.equal(await rate.getByLabel("1,5×").isChecked(), true);
  // The voice can be picked there; « Automatique » names the one it chose.
  const voice = page.getByRole("combobox", { name: "Voix de la lecture à voix haute" });
  assert.match(await voice.locator("option:checked").innerText(), /Automatique \(Thomas\)/);
  await voice.selectOption({ label: "Google français — fr-FR, en ligne" });
  await rate.getByLabel("0,75×").check();
  await page.keyboard.press("Escape");
  await page.getByRole("button", { name: "Écouter" }).click();
  const first = await said(page, 1);
  assert.equal(first.rate, 0.75);
  assert.equal(first.voice, "Google français");
  assert.deepEqual(page.problems(), []);
});

test("with the keyboard: `l` starts, pauses and resumes, Escape in the player stops, `?` lists it", async () => {
  const page = await openArticle();
  await page.keyboard.press("l");
  await said(page, 1);
  await status(page).filter({ hasText: "Lecture à voix haute" }).waitFor();
  await page.keyboard.press("l");
  await status(page).filter({ hasText: "En pause" }).waitFor();
  await page.keyboard.press("l");
  await said(page, 2);
  await player(page).getByRole("button", { name: "Suivant" }).focus();
  await page.keyboard.press("Enter");
  await said(page, 3);
  await page.keyboard.press("Escape");
  await player(page).waitFor({ state: "detached" });
  assert.equal(await page.evaluate(() => window.__speech.current), null);
  await page.keyboard.press("?");
  await page.getByRole("dialog", { name: "Raccourcis clavier" }).getByText("Écouter l’article").waitFor();
  assert.deepEqual(page.problems(), []);
});

test("« Écouter d’ici » starts at the selected sentence", async () => {
  const page = await openArticle({ article: articles[3] });
  await selectText(page, "le respect doit être la valeur socle");
  await page.getByRole("toolbar").getByRole("button", { name: "Écouter d’ici" }).click();
  const first = await said(page, 1);
  assert.match(first.text, /le respect doit être la valeur socle/);
  assert.equal(await page.getByRole("toolbar").count(), 0);
  // From the keyboard (Tab into the toolbar, then to « Écouter d’ici »), the focus stays by
  // the text read instead of falling to the page.
  await page.getByRole("button", { name: "Arrêter" }).click();
  await selectText(page, "le respect doit être la valeur socle");
  await page.keyboard.press("Tab");
  await page.getByRole("toolbar").getByRole("button", { name: "Écouter d’ici" }).focus();
  await page.keyboard.press("Enter");
  await said(page, 2);
  await page.waitForFunction(() => document.querySelector(".article-body").contains(document.activeElement));
  assert.deepEqual(page.problems(), []);
});

test("the sentence read stays on screen unless the reader scrolled away; « Revenir à la lecture » brings it back", async () => {
  const page = await openArticle({ viewport: { width: 390, height: 700 } });
  await page.getByRole("button", { name: "Écouter" }).click();
  await said(page, 1);
  // Far down: the voice brings the text with it.
  let n = 1;
  while ((await page.evaluate(() => window.scrollY)) < 1000) {
    await page.evaluate(() => window.__speech.media.nexttrack());
    await said(page, ++n);
    assert.ok(n < 30, "the page follows the voice down");
  }
  const onScreen = () =>
    page.evaluate(() => {
      const r = [...CSS.highlights.get("liseuse-voix")][0].getBoundingClientRect();
      const bar = document.querySelector(".player").getBoundingClientRect();
      return r.top >= 0 && r.bottom <= bar.top;
    });
  await page.waitForFunction(() => window.scrollY > 1000);
  assert.equal(await onScreen(), true);
  // The reader goes back to the top: the voice goes on without pulling the page.
  await page.mouse.move(200, 300);
  await page.mouse.wheel(0, -100000);
  await page.waitForFunction(() => window.scrollY === 0);
  await page.evaluate(() => window.__speech.media.nexttrack());
  await said(page, ++n);
  await page.waitForTimeout(300);
  assert.equal(await page.evaluate(() => window.scrollY), 0);
  await player(page).getByRole("button", { name: "Revenir à la lecture" }).click();
  assert.equal(await onScreen(), true);
  assert.deepEqual(page.problems(), []);
});

test("where the browser cannot mark a range (no CSS Custom Highlight API), the sentence is a <mark>", async () => {
  const page = await newPage(env.browser);
  await page.addInitScript(stubSpeech, FRENCH);
  await page.addInitScript(() => {
    delete CSS.highlights;
    delete window.Highlight;
  });
  await page.goto(`${env.server.url}lire/${articles[0].slug}/`);
  await appReady(page);
  await page.getByRole("button", { name: "Écouter" }).click();
  const first = await said(page, 1);
  const mark = page.locator(".article-body mark.spoken");
  await mark.first().waitFor();
  assert.equal(squash((await mark.allInnerTexts()).join("")), squash(first.text));
  await finish(page);
  const second = await said(page, 2);
  await page.waitForFunction((t) => [...document.querySelectorAll("mark.spoken")].map((m) => m.textContent).join("") === t, second.text);
  await player(page).getByRole("button", { name: "Arrêter" }).click();
  await mark.first().waitFor({ state: "detached" });
  assert.deepEqual(page.problems(), []);
});

test("stopped before the voices are listed, it stays silent; interrupted from elsewhere, it says so and resumes", async () => {
  const page = await openArticle({ listedAfter: 700 });
  await page.getByRole("button", { name: "Écouter" }).click();
  await status(page).filter({ hasText: "Préparation de la voix" }).waitFor();
  assert.equal(await page.evaluate(() => window.__speech.unlocked), 1, "the voice unlocked within the tap");
  await player(page).getByRole("button", { name: "Arrêter" }).click();
  await page.waitForFunction(() => window.__speech.voices.length > 0);
  await page.waitForTimeout(300);
  assert.equal((await spoken(page)).length, 0, "nothing said after « Arrêter »");

  await page.getByRole("button", { name: "Écouter" }).click();
  const first = await said(page, 1);
  await page.evaluate(() => window.__speech.interrupt());
  await status(page).filter({ hasText: "Lecture interrompue" }).waitFor();
  // Screen readers hear it (the page's polite live region).
  await page.getByRole("status").filter({ hasText: "Lecture interrompue" }).waitFor();
  await player(page).getByRole("button", { name: "Lecture" }).click();
  assert.equal((await said(page, 2)).text, first.text);
  assert.deepEqual(page.problems(), []);
});

test("at the end of the article: « Fin de l’article », no mark, « Réécouter » starts again", async () => {
  const page = await openArticle({ article: articles[4] });
  await page.keyboard.press("l");
  let n = await said(page, 1).then(() => 1);
  // To the last paragraph, then to its end.
  for (let i = 0; i < 200 && (await page.evaluate(() => !!window.__speech.media.nexttrack)); i++) {
    const before = (await spoken(page)).length;
    await page.evaluate(() => window.__speech.media.nexttrack());
    await page.waitForTimeout(50);
    if ((await spoken(page)).length === before) break;
  }
  n = (await spoken(page)).length;
  while (!(await status(page).innerText()).includes("Fin de l’article")) {
    await finish(page);
    await page.waitForFunction(
      (n) => window.__speech.spoken.length > n || document.querySelector(".player-status")?.textContent.includes("Fin"),
      n,
    );
    n = (await spoken(page)).length;
    assert.ok(n < 400);
  }
  const blocks = await blockTexts(page);
  assert.ok(squash(blocks.at(-1)[1]).endsWith(squash((await lastSaid(page)).text)), "the last words said end the article");
  await page.waitForFunction(() => !CSS.highlights.has("liseuse-voix"));
  // A change of speed at the end says nothing, marks nothing.
  await player(page).getByLabel("Vitesse").selectOption({ label: "1,25×" });
  await page.waitForTimeout(200);
  assert.equal((await spoken(page)).length, n);
  assert.equal(await marked(page), null);
  await player(page).getByRole("button", { name: "Réécouter" }).click();
  const again = await said(page, n + 1);
  assert.ok(squash(blocks[0][1]).startsWith(squash(again.text)));
  assert.deepEqual(page.problems(), []);
});

test("without a French voice, the player says how to add one instead of staying silent", async () => {
  const page = await openArticle({ voices: FRENCH.filter((v) => !v.lang.startsWith("fr")) });
  await page.getByRole("button", { name: "Écouter" }).click();
  await status(page).filter({ hasText: "Aucune voix française" }).waitFor();
  assert.match(await player(page).innerText(), /Android.*iPhone.*Windows/s);
  assert.equal((await spoken(page)).length, 0);
  // Nor with no voice at all (the list never comes).
  const none = await openArticle({ voices: [] });
  await none.getByRole("button", { name: "Écouter" }).click();
  await status(none).filter({ hasText: "Aucune voix française" }).waitFor();
  assert.deepEqual([...page.problems(), ...none.problems()], []);
});

for (const theme of ["clair", "sombre", "sepia"]) {
  test(`axe-core finds no violation with the player open, theme ${theme}`, async () => {
    const page = await openArticle({ settings: { theme } });
    await page.getByRole("button", { name: "Écouter" }).click();
    await said(page, 1);
    await page.waitForFunction(() => CSS.highlights.get("liseuse-voix"));
    const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]).analyze();
    assert.deepEqual(result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(" | ")}`), []);
    assert.ok(result.passes.some((p) => p.id === "color-contrast"));
    assert.deepEqual(page.problems(), []);
  });
}

test("with a shared passage's notice shown, « Écouter »'s player keeps every control uncovered (phone and desktop)", async () => {
  for (const viewport of [{ width: 390, height: 844 }, { width: 1280, height: 900 }]) {
    const page = await openArticle({ viewport });
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: env.server.url.replace(/\/$/, "") });
    await selectText(page, "Laissez-moi vous raconter");
    await page.keyboard.press("p");
    await page.getByRole("button", { name: "Copier le lien" }).click();
    await page.waitForFunction(async () => (await navigator.clipboard.readText()).includes("#p="));
    const link = await page.evaluate(() => navigator.clipboard.readText());
    await page.goto(link);
    await page.reload();
    await appReady(page);
    const notice = page.getByRole("region", { name: "Passage partagé" });
    await notice.waitFor();
    await page.getByRole("button", { name: "Écouter", exact: true }).click();
    await page.locator(".player").getByRole("button", { name: "Pause" }).waitFor();
    await page.waitForFunction(() => window.__speech.spoken.length >= 1);
    const covered = await page.evaluate(() =>
      [...document.querySelectorAll(".player button, .player select, .shared-notice button")]
        .filter((b) => {
          const r = b.getBoundingClientRect();
          const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
          return !(b.contains(top) || top?.contains(b));
        })
        .map((b) => b.textContent.trim().slice(0, 20)),
    );
    assert.deepEqual(covered, [], `${viewport.width}×${viewport.height}`);
    // Both work: « Pause » pauses, the notice's « Fermer » puts it away.
    await page.locator(".player").getByRole("button", { name: "Pause" }).click();
    await notice.getByRole("button", { name: "Fermer" }).click();
    await notice.waitFor({ state: "detached" });
    assert.deepEqual(page.problems(), []);
    await page.context().close();
  }
});
