// Painted time and app ready of an article's page, build against build: `node bench/paint-ab.mjs [runs] A B…`
// where A, B… are built `dist/` folders (copies with one change each, e.g. a page edited by
// hand, with its `.br`/`.gz` copies removed or remade). For trying a change to the first paint
// before making it; `make bench` stays the measure of record.
//
// Each folder is served on its own port, compressed as hosts do, and visited cold (a new
// profile, its service worker allowed as in `make bench`) in the benchmark's phone profile,
// the folders in turn, `runs` times (default 15: the painted time of one visit varies by
// ±50 ms here). Prints, per folder, the median first contentful paint and its ratio to the
// first folder's, the median end of the HTML's download and DOMContentLoaded, app ready (the
// static copy taken over: the `liseuse:takeover` mark; none for a page without the app), and
// every sample.
import { chromium } from "playwright-core";
import { serve } from "../tests/e2e/server.mjs";
import { CHROMIUM, CHROMIUM_ARGS } from "../tests/e2e/harness.mjs";
import { PHONE, throttle } from "./phone.mjs";

const args = process.argv.slice(2);
const runs = /^\d+$/.test(args[0] ?? "") ? Number(args.shift()) : 15;
const slug = process.env.SLUG ?? "social-selling-l-imposture-2-0";
if (args.length === 0) {
  console.error("usage: node bench/paint-ab.mjs [runs] DIST_A DIST_B…  (SLUG=<article> to pick another)");
  process.exit(2);
}

const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
const servers = await Promise.all(args.map((dir) => serve(dir, { compress: true, validators: true })));
const samples = args.map(() => []);
for (let run = 0; run < runs; run++) {
  for (const [i, server] of servers.entries()) {
    const context = await browser.newContext({ viewport: PHONE.viewport, isMobile: true, hasTouch: true, serviceWorkers: "allow" });
    const page = await context.newPage();
    await throttle(page);
    await page.goto(`${server.url}lire/${slug}/`);
    await page.waitForFunction(() => performance.getEntriesByName("first-contentful-paint").length > 0, null, { timeout: 60000 });
    const app = await page.evaluate(() => document.querySelector('script[type="module"]') !== null);
    if (app) await page.waitForFunction(() => performance.getEntriesByName("liseuse:takeover").length > 0, null, { timeout: 60000 });
    samples[i].push(
      await page.evaluate(() => {
        const nav = performance.getEntriesByType("navigation")[0];
        const at = (name) => performance.getEntriesByName(name)[0]?.startTime ?? NaN;
        return { fcp: at("first-contentful-paint"), html: nav.responseEnd, dcl: nav.domContentLoadedEventEnd, ready: at("liseuse:takeover") };
      }),
    );
    await context.close();
  }
}
await browser.close();
for (const server of servers) await server.close();

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const first = median(samples[0].map((s) => s.fcp));
console.log(`painted time and app ready, « ${slug} », phone profile, cold, median of ${runs}:`);
for (const [i, dir] of args.entries()) {
  const of = (k) => median(samples[i].map((s) => s[k]));
  console.log(
    `  ${dir}: ${of("fcp").toFixed(0)} ms, ×${(of("fcp") / first).toFixed(2)} of the first; HTML end ${of("html").toFixed(0)} ms, DOMContentLoaded ${of("dcl").toFixed(0)} ms; app ready ${of("ready").toFixed(0)} ms` +
      `\n    painted [${samples[i].map((s) => s.fcp.toFixed(0)).join(" ")}]` +
      `\n    ready   [${samples[i].map((s) => s.ready.toFixed(0)).join(" ")}]`,
  );
}
