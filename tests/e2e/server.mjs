// A plain static file server for the tests, like any static host: no rewrite rules. It serves
// dist/ under an optional sub-path, answers a directory with its index.html (redirecting
// `/dir` to `/dir/` as python's http.server does), and a miss with 404.html and status 404.
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { join, normalize, extname } from "node:path";
import { gzipSync, brotliCompressSync, constants } from "node:zlib";
import { createHash } from "node:crypto";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json",
  ".webmanifest": "application/manifest+json",
  ".png": "image/png",
  ".svg": "image/svg+xml",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
};

/** What `compress` sends compressed. */
const COMPRESSIBLE = new Set([".html", ".js", ".mjs", ".css", ".wasm", ".json", ".webmanifest", ".svg", ".txt"]);

/** Starts a server for `root` mounted at `prefix` ("/" or "/liseuse/"); `setRoot` swaps the
 * folder served, as a deployment of a new build does. `also` mounts other folders beside it
 * (`{ "/liseuse/": dir }`: two deployments on one origin); `types` overrides content types by
 * extension (`{ ".wasm": "application/octet-stream" }`, as older hosts send); `redirect: false`
 * answers `/dir` with its index.html as is, as some hosts do, instead of redirecting to `/dir/`;
 * `fallback: true` answers a miss with the root's index.html and 200, as hosts set up for
 * single-page apps do (Netlify's `/* /index.html 200`, Firebase's and Vercel's rewrites). With `compress`, text and wasm go out in
 * the encoding the client asks for, brotli first, then gzip, as hosts do: the `.br`/`.gz` copy
 * beside the file when there is one (nginx `brotli_static`/`gzip_static`, Caddy `precompressed`),
 * else compressed on the fly at a host's usual level (kept in memory, so a repeated request
 * does not cost the server's CPU again). With `validators`, every answer carries an ETag (of
 * the bytes sent) and a Last-Modified, and a request that names them (If-None-Match,
 * If-Modified-Since) is answered 304 without a body, as hosts do: a browser's cache then
 * revalidates instead of downloading again (the benchmark serves the app and its baseline so). */
export async function serve(root, { prefix = "/", port = 0, compress = false, also = {}, types = {}, redirect = true, validators = false, fallback = false } = {}) {
  const onTheFly = new Map();
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url, "http://localhost");
      let path = decodeURIComponent(url.pathname);
      // The longest prefix mounted wins.
      const [mount, dir] = [[prefix, root], ...Object.entries(also)]
        .filter(([p]) => path.startsWith(p))
        .sort((a, b) => b[0].length - a[0].length)[0] ?? [];
      if (!mount) return notFound(req, res);
      path = "/" + path.slice(mount.length);
      const file = normalize(join(dir, path));
      if (!file.startsWith(normalize(dir))) return notFound(req, res);
      let info = await stat(file).catch(() => null);
      if (info?.isDirectory()) {
        if (!url.pathname.endsWith("/") && redirect) {
          res.writeHead(301, { Location: url.pathname + "/" + url.search });
          return res.end();
        }
        const index = join(file, "index.html");
        info = await stat(index).catch(() => null);
        if (info) return send(req, res, index, 200);
        return notFound(req, res);
      }
      if (info) return send(req, res, file, 200);
      return notFound(req, res);
    } catch (e) {
      res.writeHead(500);
      res.end(String(e));
    }
  });
  async function notFound(req, res) {
    if (fallback) return send(req, res, join(root, "index.html"), 200);
    const page = join(root, "404.html");
    if (await stat(page).catch(() => null)) return send(req, res, page, 404);
    res.writeHead(404, { "Content-Type": "text/plain" });
    res.end("Not found");
  }
  async function send(req, res, file, status) {
    let body = await readFile(file);
    const headers = {
      "Content-Type": types[extname(file)] ?? TYPES[extname(file)] ?? "application/octet-stream",
      "Cache-Control": "no-cache",
    };
    const accepted = req.headers["accept-encoding"] ?? "";
    const encoding = !compress || !COMPRESSIBLE.has(extname(file)) ? null : /\bbr\b/.test(accepted) ? "br" : /\bgzip\b/.test(accepted) ? "gzip" : null;
    if (encoding) {
      const ready = await readFile(file + (encoding === "br" ? ".br" : ".gz")).catch(() => null);
      if (ready) body = ready;
      else {
        const key = `${encoding} ${file}`;
        let kept = onTheFly.get(key);
        if (!kept || !kept.source.equals(body)) {
          const out = encoding === "br" ? brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 5 } }) : gzipSync(body, { level: 6 });
          onTheFly.set(key, (kept = { source: body, out }));
        }
        body = kept.out;
      }
      headers["Content-Encoding"] = encoding;
      headers.Vary = "Accept-Encoding";
    }
    if (validators && status === 200) {
      const info = await stat(file);
      headers.ETag = `"${createHash("sha1").update(body).digest("hex").slice(0, 20)}"`;
      headers["Last-Modified"] = info.mtime.toUTCString();
      const tags = req.headers["if-none-match"];
      const since = Date.parse(req.headers["if-modified-since"] ?? "");
      const fresh = tags !== undefined ? tags.split(/\s*,\s*/).includes(headers.ETag) || tags.trim() === "*" : Math.floor(info.mtimeMs / 1000) * 1000 <= since;
      if (fresh) {
        const { "Content-Type": _, "Content-Encoding": __, ...kept } = headers;
        res.writeHead(304, kept);
        return res.end();
      }
    }
    res.writeHead(status, headers);
    res.end(body);
  }
  await new Promise((resolve) => server.listen(port, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return {
    origin,
    url: origin + prefix,
    setRoot: (dir) => (root = dir),
    close: () => new Promise((r) => server.close(r)),
  };
}

// `node tests/e2e/server.mjs [dir] [prefix] [port]`: serve by hand.
if (import.meta.url === `file://${process.argv[1]}`) {
  const [root = "dist", prefix = "/", port = "8080"] = process.argv.slice(2);
  const { url } = await serve(root, { prefix, port: Number(port) });
  console.log(`Liseuse: ${url}`);
}
