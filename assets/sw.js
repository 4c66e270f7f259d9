// Liseuse's service worker. scripts/post-build.mjs fills in the precache list and the build's
// name from the build's own files, so this worker belongs to exactly one build.
const BUILD = "__LISEUSE_BUILD__";
const PRECACHE = __LISEUSE_PRECACHE__;
const scope = new URL(self.registration.scope);
const url = (path) => new URL(path, scope).href;
const SHELL = url("./");
// One origin may host several Liseuse (at `/` and at `/liseuse/`): a cache's name says whose it
// is, `liseuse <scope> <build>`, and a worker only ever deletes its own scope's older caches. (A
// space never appears in a URL's path, so no scope's prefix is another's.)
const PREFIX = `liseuse ${scope.pathname} `;
const CACHE = PREFIX + BUILD;
// Names before the scope was in them (`liseuse-<build>`), shared by every scope.
const LEGACY = /^liseuse-[0-9a-f]{16}$/;
// This build's pages name its wasm; an article's page of another build (the server's, once a
// new one is deployed) must not go in this build's cache: offline, its script is in none.
const WASM = PRECACHE.find((path) => /^liseuse-[0-9a-f]+_bg\.wasm$/.test(path));

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then(async (cache) => {
      // `reload`: never fill the cache from the HTTP cache of an older build.
      await cache.addAll(PRECACHE.map((path) => new Request(url(path), { cache: "reload" })));
    }),
  );
  // The first worker takes over at once; a later one waits until the reader accepts it.
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      // Only this scope's older builds' caches go; anything else on the origin is not ours.
      for (const name of await caches.keys()) {
        if (name.startsWith(PREFIX) && name !== CACHE) await caches.delete(name);
        // An older build's cache from before the scope was in the name: ours if it holds our
        // shell (the one at `/` does not hold `/liseuse/`, nor the reverse).
        else if (LEGACY.test(name) && (await (await caches.open(name)).match(SHELL))) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("message", (event) => {
  if (event.data === "liseuse:skip-waiting") self.skipWaiting();
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || !request.url.startsWith(scope.href)) return;
  if (request.mode === "navigate") {
    event.respondWith(navigate(request));
  } else {
    event.respondWith(asset(request));
  }
});

// A page: its precached shell; an article's page (not precached: see post-build.mjs) from the
// network, kept for next time if it is this build's; online, an unknown page is the server's
// answer (a real 404); offline, any page of the app falls back to the shell, which routes in the
// browser.
async function navigate(request) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request, { ignoreSearch: true });
  if (cached) return cached;
  try {
    const response = await fetch(request);
    const page = new URL(request.url);
    page.search = "";
    if (response.ok && page.href.startsWith(url("lire/")) && (await ofThisBuild(response))) {
      await cache.put(page.href, response.clone());
    }
    return response;
  } catch (offline) {
    return (await cache.match(SHELL)) ?? Response.error();
  }
}

// Whether a page is one of this build's: it loads this build's wasm.
async function ofThisBuild(response) {
  if (!WASM) return false;
  const text = await response.clone().text();
  return text.includes(WASM);
}

// This build's content folder (`content/<version>/`): every file of it is precached, so a file
// of it that is not in the list does not exist (an unknown article), online or not.
const CONTENT = PRECACHE.find((path) => path.startsWith("content/"))?.split("/").slice(0, 2).join("/") + "/";
const PRECACHED = new Set(PRECACHE.map(url));

// A file: precached, or from the network as is (errors are never cached).
async function asset(request) {
  const cached = await caches.match(request, { cacheName: CACHE });
  if (cached) return cached;
  const path = request.url.slice(scope.href.length).split(/[?#]/)[0];
  if (path.startsWith(CONTENT) && !PRECACHED.has(url(path))) {
    return new Response("", { status: 404, statusText: "Not Found" });
  }
  return fetch(request);
}
