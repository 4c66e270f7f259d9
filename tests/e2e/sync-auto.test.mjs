// The passes nobody asks for (issue 23): when the app opens, when the tab is hidden, and every
// five minutes. Each test first shows that nothing reaches the server while nothing triggers a
// pass, then fires the trigger alone and waits for another device's change to arrive. Against
// WsgiDAV: the triggers do not depend on the server.
import { test, describe, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { appReady } from "./harness.mjs";
import { startWebdav } from "./webdav.mjs";
import { env, first, fileOf, device, connect, statusSays, SYNCED, settled, requestsSince, foreignHighlight, BOUND } from "./sync-harness.mjs";

const FOREIGN = "Nous ne sommes pas juges";

/** Another device adds a highlight of FOREIGN to the server's file of the first article. */
async function otherDeviceWrites(dav) {
  const { status, text, etag } = await dav.get(fileOf(first.slug));
  const doc = status === 200 ? JSON.parse(text) : { schema: 2, article: first.slug, record: { highlights: [] } };
  doc.record.highlights.push(foreignHighlight("autre-appareil", FOREIGN, "d’un autre appareil"));
  const put = await dav.put(fileOf(first.slug), JSON.stringify(doc), etag ? { "If-Match": etag } : {});
  assert.ok([200, 201, 204].includes(put.status), `the other device's PUT: ${put.status}`);
}

/** Makes this device's last pass look `ms` old, as if the reader came back later. */
async function lastPassAgo(page, ms) {
  await page.evaluate((ms) => {
    const state = JSON.parse(localStorage.getItem("liseuse:sync:state"));
    state.last_pass -= ms;
    localStorage.setItem("liseuse:sync:state", JSON.stringify(state));
  }, ms);
}

/** Waits `ms` and asserts that the device sent nothing to the server meanwhile. */
async function nothingFor(dev, ms, why) {
  const from = dev.dav.length;
  await dev.page.waitForTimeout(ms);
  assert.deepEqual(requestsSince(dev, from), [], why);
}

/** Waits until the device has fetched the other device's change and stored it. */
async function received(dev, from) {
  await dev.page
    .waitForFunction((k) => (localStorage.getItem(k) ?? "").includes("autre-appareil"), `liseuse:article:${first.slug}`, { timeout: BOUND, polling: 100 })
    .catch(() => assert.fail(`the other device's change never arrived: ${requestsSince(dev, from).join(", ") || "no request"}`));
  await settled(dev);
  const sent = requestsSince(dev, from);
  assert.ok(sent.some((r) => r.startsWith("PROPFIND")), `a pass ran: ${sent.join(", ")}`);
  assert.ok(sent.some((r) => r.startsWith(`GET ${first.slug}.json 200`)), `it fetched the changed file: ${sent.join(", ")}`);
}

describe("automatic passes", () => {
  let dav;
  before(async () => {
    dav = await startWebdav("wsgidav", { origin: env.server.origin });
  });
  after(async () => {
    await dav?.close();
  });
  beforeEach(async () => {
    await dav.clear();
  });

  test("when the app opens: another device's change arrives without a click", async (t) => {
    const dev = await device(t, "ordinateur");
    await connect(dev, dav);
    await statusSays(dev.page, SYNCED);
    await otherDeviceWrites(dav);
    // Opened again within 30 s of its own pass, with nothing to send: no pass (as when another
    // tab has just done the work).
    await dev.page.reload();
    await appReady(dev.page);
    await nothingFor(dev, 3500, "a pass at start right after one, with nothing to send");
    // An hour later, the app opens again.
    await lastPassAgo(dev.page, 60 * 60 * 1000);
    const from = dev.dav.length;
    await dev.page.reload();
    await appReady(dev.page);
    await received(dev, from);
  });

  test("when the tab is hidden: another device's change arrives at once", async (t) => {
    const dev = await device(t, "téléphone");
    await connect(dev, dav);
    await statusSays(dev.page, SYNCED);
    await otherDeviceWrites(dav);
    await lastPassAgo(dev.page, 60 * 60 * 1000);
    await nothingFor(dev, 3000, "no pass while the tab is shown and nothing changed");
    const from = dev.dav.length;
    // The reader switches apps: the page is hidden (headless Chromium keeps every page visible).
    await dev.page.evaluate(() => {
      Object.defineProperty(document, "visibilityState", { value: "hidden", configurable: true });
      Object.defineProperty(document, "hidden", { value: true, configurable: true });
      document.dispatchEvent(new Event("visibilitychange", { bubbles: true }));
    });
    await received(dev, from);
  });

  test("every five minutes: a pass while the app stays open, none before", async (t) => {
    const dev = await device(t, "ordinateur");
    // Timers and Date under the test's hand; time flows as usual until it is moved on.
    await dev.context.clock.install();
    await connect(dev, dav);
    await statusSays(dev.page, SYNCED);
    await otherDeviceWrites(dav);
    await dev.page.clock.fastForward("03:00");
    await nothingFor(dev, 2000, "no pass three minutes after the last one");
    const from = dev.dav.length;
    await dev.page.clock.fastForward("02:30");
    await received(dev, from);
  });
});
