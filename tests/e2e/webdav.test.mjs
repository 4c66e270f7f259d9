// The WebDAV servers of the sync tests (tests/e2e/webdav.mjs, configs in tests/webdav/), checked
// as the app meets them: from a page of another origin in Chromium, with real preflights. What
// the README's server configurations promise is proved here, independently of the app.
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { launch } from "./harness.mjs";
import { startWebdav, KINDS } from "./webdav.mjs";

let browser, site;
before(async () => {
  browser = await launch();
  // A page of its own origin: any path answers an empty HTML page.
  site = createServer((req, res) => {
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
    res.end("<!doctype html><title>site</title>");
  });
  await new Promise((r) => site.listen(0, "127.0.0.1", r));
  site.origin = `http://127.0.0.1:${site.address().port}`;
});
after(async () => {
  await browser?.close();
  await new Promise((r) => site?.close(r) ?? r());
});

/** Runs `requests` (a list of [method, path, headers, body]) with fetch in a page of the site,
 * in order, and returns for each its status, ETag and body, or the name of the error thrown. */
async function fromPage(dav, requests, { password = dav.password } = {}) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(site.origin + "/");
  const results = await page.evaluate(
    async ({ base, authorization, requests }) => {
      const out = [];
      for (const [method, path, headers = {}, body] of requests) {
        try {
          const r = await fetch(new URL(path, base), { method, body, headers: { Authorization: authorization, ...headers } });
          const text = await r.text();
          const etags = [];
          if (method === "PROPFIND" && r.status === 207) {
            const xml = new DOMParser().parseFromString(text, "application/xml");
            for (const response of xml.getElementsByTagNameNS("DAV:", "response")) {
              const href = response.getElementsByTagNameNS("DAV:", "href")[0]?.textContent;
              const etag = response.getElementsByTagNameNS("DAV:", "getetag")[0]?.textContent ?? null;
              etags.push([href, etag]);
            }
          }
          out.push({ status: r.status, etag: r.headers.get("ETag"), text, etags });
        } catch (e) {
          out.push({ error: e.name });
        }
      }
      return out;
    },
    { base: dav.url, authorization: "Basic " + btoa(`${dav.user}:${password}`), requests },
  );
  await context.close();
  return results;
}

/** An ETag as a value to compare: WsgiDAV lists them unquoted in PROPFIND, quoted in headers. */
const bare = (etag) => etag?.replace(/^W\//, "").replace(/^"|"$/g, "");

for (const kind of KINDS) {
  describe(`${kind}, from a page of another origin`, () => {
    let dav, closed;
    before(async () => {
      dav = await startWebdav(kind, { origin: site.origin });
      closed = await startWebdav(kind, { cors: false });
    });
    after(async () => {
      await dav?.close();
      await closed?.close();
    });

    test("MKCOL, PROPFIND with ETags, GET, and PUT guarded by If-None-Match / If-Match", async () => {
      const first = '{"schema":2,"n":1}';
      const [mkcol, create, again, list, get] = await fromPage(dav, [
        ["MKCOL", "liseuse/"],
        ["PUT", "liseuse/a.json", { "Content-Type": "application/json", "If-None-Match": "*" }, first],
        ["PUT", "liseuse/a.json", { "Content-Type": "application/json", "If-None-Match": "*" }, '{"schema":2,"n":2}'],
        ["PROPFIND", "liseuse/", { Depth: "1" }],
        ["GET", "liseuse/a.json"],
      ]);
      assert.equal(mkcol.status, 201);
      assert.equal(create.status, 201);
      assert.equal(again.status, 412, "a second create must not overwrite");
      assert.equal(list.status, 207);
      const listed = list.etags.find(([href]) => href.endsWith("/liseuse/a.json"));
      assert.ok(listed?.[1], `getetag of a.json in ${JSON.stringify(list.etags)}`);
      assert.equal(get.status, 200);
      assert.equal(get.text, first);
      assert.ok(get.etag, "the ETag header is exposed to the page");
      assert.equal(bare(get.etag), bare(listed[1]), "the listing and GET give the same ETag");

      // Another device writes (a different size, as a merged record is): the old ETag is stale.
      const [update, stale, read] = await fromPage(dav, [
        ["PUT", "liseuse/a.json", { "Content-Type": "application/json", "If-Match": get.etag }, '{"schema":2,"n":3,"more":true}'],
        ["PUT", "liseuse/a.json", { "Content-Type": "application/json", "If-Match": get.etag }, '{"schema":2,"n":4}'],
        ["GET", "liseuse/a.json"],
      ]);
      assert.ok([200, 204].includes(update.status), `If-Match with the current ETag: ${update.status}`);
      assert.equal(stale.status, 412, "If-Match with a stale ETag must fail");
      assert.equal(read.text, '{"schema":2,"n":3,"more":true}');
      assert.notEqual(bare(read.etag), bare(get.etag));
    });

    test("a wrong password is a readable 401, a missing folder a 404", async () => {
      const [denied] = await fromPage(dav, [["PROPFIND", "", { Depth: "1" }]], { password: "faux" });
      assert.equal(denied.status, 401);
      const [missing] = await fromPage(dav, [["PROPFIND", "absent/", { Depth: "1" }]]);
      assert.equal(missing.status, 404);
    });

    test("a server that does not allow the site, or is stopped, is a TypeError for the page", async () => {
      // The same requests succeed without a browser: only CORS stops them.
      assert.equal((await closed.request("PROPFIND", "", { headers: { Depth: "1" } })).status, 207);
      const [blocked, simple] = await fromPage(closed, [["PROPFIND", "", { Depth: "1" }], ["GET", ""]]);
      assert.equal(blocked.error, "TypeError");
      assert.equal(simple.error, "TypeError");
      await dav.stop();
      try {
        const [down] = await fromPage(dav, [["PROPFIND", "", { Depth: "1" }]]);
        assert.equal(down.error, "TypeError");
      } finally {
        await dav.start();
      }
      const [back] = await fromPage(dav, [["PROPFIND", "", { Depth: "1" }]]);
      assert.equal(back.status, 207);
    });
  });
}
