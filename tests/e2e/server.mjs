// A plain static file server for the tests, like any static host: no rewrite rules. It serves
// dist/ under an optional sub-path, answers a directory with its index.html (redirecting
// `/dir` to `/dir/` as python's http.server does), and a miss with 404.html and status 404.
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { join, normalize, extname } from "node:path";

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

/** Starts a server for `root` mounted at `prefix` ("/" or "/liseuse/"); `setRoot` swaps the
 * folder served, as a deployment of a new build does. */
export async function serve(root, { prefix = "/", port = 0 } = {}) {
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url, "http://localhost");
      let path = decodeURIComponent(url.pathname);
      if (!path.startsWith(prefix)) return notFound(res);
      path = "/" + path.slice(prefix.length);
      const file = normalize(join(root, path));
      if (!file.startsWith(normalize(root))) return notFound(res);
      let info = await stat(file).catch(() => null);
      if (info?.isDirectory()) {
        if (!url.pathname.endsWith("/")) {
          res.writeHead(301, { Location: url.pathname + "/" + url.search });
          return res.end();
        }
        const index = join(file, "index.html");
        info = await stat(index).catch(() => null);
        if (info) return send(res, index, 200);
        return notFound(res);
      }
      if (info) return send(res, file, 200);
      return notFound(res);
    } catch (e) {
      res.writeHead(500);
      res.end(String(e));
    }
  });
  async function notFound(res) {
    const page = join(root, "404.html");
    if (await stat(page).catch(() => null)) return send(res, page, 404);
    res.writeHead(404, { "Content-Type": "text/plain" });
    res.end("Not found");
  }
  async function send(res, file, status) {
    const body = await readFile(file);
    res.writeHead(status, {
      "Content-Type": TYPES[extname(file)] ?? "application/octet-stream",
      "Cache-Control": "no-cache",
    });
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
