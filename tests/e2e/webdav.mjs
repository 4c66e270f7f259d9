// Real WebDAV servers for the sync tests, on loopback ports of their own (so every request from
// the app is cross-origin, with real preflights): WsgiDAV (PyPI, in the venv that
// scripts/setup.sh makes) and Apache httpd with mod_dav (Debian's apache2), each with the
// project's configuration in tests/webdav/. Each server gets a temporary folder, Basic auth, and
// CORS for one origin (or none: `cors: false` is a server that does not allow the site).
//
//   const dav = webdavServer("apache", () => ({ origin: env.server.origin }));  // node:test before/after
//   dav.server.url, dav.server.stop(), dav.server.start(), dav.server.get("liseuse/x.json")
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, rmSync, chmodSync, chownSync, existsSync, openSync, closeSync } from "node:fs";
import { createServer } from "node:net";
import { createHash } from "node:crypto";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { before, after } from "node:test";
import { ROOT } from "./harness.mjs";

export const KINDS = ["wsgidav", "apache"];
export const WSGIDAV = process.env.LISEUSE_WSGIDAV ?? join(ROOT, "target", "webdav-venv", "bin", "wsgidav");
export const APACHE = process.env.LISEUSE_APACHE ?? "/usr/sbin/apache2";
export const USER = "lecteur";
export const PASSWORD = "secret-app-pw";
const CONFIG = join(ROOT, "tests", "webdav");
const START_TIMEOUT = 20000;
const STOP_TIMEOUT = 10000;

/** Every server process still running, killed when this process ends however it ends. */
const running = new Set();
function killAll() {
  for (const s of running) s.kill();
}
process.once("exit", killAll);
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, () => {
    killAll();
    process.exit(130);
  });
}

/** A free TCP port on 127.0.0.1 (the kernel's pick, released at once for the server to take). */
export async function freePort() {
  const probe = createServer();
  await new Promise((resolve, reject) => probe.once("error", reject).listen(0, "127.0.0.1", resolve));
  const { port } = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts a WebDAV server of `kind` ("wsgidav" or "apache") serving an empty temporary folder at
 * `<url>` = http://127.0.0.1:<port>/dav/, for pages of `origin` (CORS) unless `cors` is false;
 * `etag: false` (Apache only) is a server that gives no ETag at all.
 * The returned object can be stopped and started again on the same port and folder.
 */
export async function startWebdav(kind, { origin, cors = true, etag = true } = {}) {
  if (!KINDS.includes(kind)) throw new Error(`unknown WebDAV server ${kind}`);
  if (cors && !origin) throw new Error("a WebDAV server with CORS needs the app's origin");
  if (!etag && kind !== "apache") throw new Error("only Apache can be started without ETags (FileETag None)");
  const server = new WebdavServer(kind, { origin, cors, etag, port: await freePort() });
  await server.start();
  return server;
}

class WebdavServer {
  constructor(kind, { origin, cors, etag = true, port }) {
    Object.assign(this, { kind, origin, cors, etag, port });
    this.base = `http://127.0.0.1:${port}`;
    this.url = `${this.base}/dav/`;
    this.user = USER;
    this.password = PASSWORD;
    this.authorization = "Basic " + Buffer.from(`${USER}:${PASSWORD}`).toString("base64");
    this.tmp = mkdtempSync(join(tmpdir(), `liseuse-${kind}-`));
    // Apache's workers run as another user when started as root: they must reach the folders.
    chmodSync(this.tmp, 0o755);
    this.run = join(this.tmp, "run");
    this.docroot = join(this.tmp, "www");
    this.folder = join(this.docroot, "dav"); // the WebDAV folder itself, on disk
    this.forbidden = join(this.folder, "interdit"); // Apache: a folder the account may not use
    for (const d of [this.run, this.docroot, this.folder, this.forbidden]) mkdirSync(d, { recursive: true });
    this.log = join(this.tmp, "server.log");
    if (kind === "apache") this.#prepareApache();
    else this.#prepareWsgidav();
    this.child = null;
  }

  #prepareWsgidav() {
    if (!existsSync(WSGIDAV)) throw new Error(`${WSGIDAV} is missing: run scripts/setup.sh --with-browser`);
    let config = readFileSync(join(CONFIG, "wsgidav.yaml"), "utf8");
    const replace = (from, to) => {
      if (!config.includes(from)) throw new Error(`tests/webdav/wsgidav.yaml no longer has ${from}`);
      config = config.replaceAll(from, to);
    };
    replace("port: 8141", `port: ${this.port}`);
    replace("/srv/dav", this.folder);
    replace(`password: "secret-app-pw"`, `password: ${JSON.stringify(PASSWORD)}`);
    if (this.cors) {
      replace("https://liseuse.example.org", this.origin);
    } else {
      const without = config.replace(/^cors:\n(?:[ \t]+.*\n)+/m, "");
      if (without === config) throw new Error("tests/webdav/wsgidav.yaml has no cors: section to remove");
      config = without;
    }
    this.config = join(this.run, "wsgidav.yaml");
    writeFileSync(this.config, config);
    this.command = [WSGIDAV, ["--config", this.config]];
    this.env = process.env;
  }

  #prepareApache() {
    if (!existsSync(APACHE)) throw new Error(`${APACHE} is missing: run scripts/setup.sh --with-browser`);
    // The password file, in a format mod_authn_file reads everywhere ({SHA}: base64 of SHA-1).
    const sha = createHash("sha1").update(PASSWORD).digest("base64");
    writeFileSync(join(this.run, "htpasswd"), `${USER}:{SHA}${sha}\n`);
    const root = process.getuid?.() === 0;
    const runAs = root ? "www-data" : userInfo().username;
    const group = execFileSync("id", ["-gn", runAs], { encoding: "utf8" }).trim();
    if (root) {
      // The workers (www-data) write the WebDAV folder and the lock database in run/.
      const uid = Number(execFileSync("id", ["-u", runAs]));
      const gid = Number(execFileSync("id", ["-g", runAs]));
      for (const d of [this.run, this.folder]) chownSync(d, uid, gid);
    }
    this.command = [APACHE, ["-f", join(CONFIG, "apache2.conf"), "-DFOREGROUND", ...(this.cors ? ["-DCORS"] : []), ...(this.etag ? [] : ["-DNOETAG"])]];
    this.env = {
      ...process.env,
      DAV_PORT: String(this.port),
      DAV_RUN: this.run,
      DAV_DOCROOT: this.docroot,
      DAV_ORIGIN: this.origin ?? "null",
      DAV_USER: runAs,
      DAV_GROUP: group,
    };
  }

  get running() {
    return this.child !== null;
  }

  /** Starts the server (again) and waits until it answers, for at most 20 s. */
  async start() {
    if (this.child) return;
    const out = openSync(this.log, "a");
    const [cmd, args] = this.command;
    // Its own process group, so that stopping it stops Apache's workers too.
    const child = spawn(cmd, args, { env: this.env, stdio: ["ignore", out, out], detached: true });
    closeSync(out);
    let exited = null;
    child.once("exit", (code, signal) => (exited = { code, signal }));
    this.child = child;
    this.exited = new Promise((resolve) => child.once("exit", resolve));
    running.add(this);
    const deadline = Date.now() + START_TIMEOUT;
    for (;;) {
      if (exited) {
        this.child = null;
        running.delete(this);
        throw new Error(`${this.kind} exited (${JSON.stringify(exited)}) while starting:\n${this.logTail()}`);
      }
      try {
        await fetch(this.url, { method: "OPTIONS", signal: AbortSignal.timeout(1000) });
        return;
      } catch {
        if (Date.now() > deadline) {
          await this.stop();
          throw new Error(`${this.kind} did not answer on ${this.url} within ${START_TIMEOUT} ms:\n${this.logTail()}`);
        }
        await sleep(100);
      }
    }
  }

  /** Stops the server (its files stay) and waits until it has exited, for at most 10 s. */
  async stop() {
    const child = this.child;
    if (!child) return;
    this.#signal("SIGTERM");
    let timer;
    const done = await Promise.race([
      this.exited.then(() => true),
      new Promise((resolve) => (timer = setTimeout(resolve, STOP_TIMEOUT, false))),
    ]);
    clearTimeout(timer);
    if (!done) {
      this.#signal("SIGKILL");
      await this.exited;
    }
    // Apache's workers finish after their parent: wait until the port is really closed.
    const deadline = Date.now() + STOP_TIMEOUT;
    while (Date.now() < deadline) {
      try {
        await fetch(this.url, { method: "OPTIONS", signal: AbortSignal.timeout(500) });
        await sleep(100);
      } catch {
        break;
      }
    }
    this.child = null;
    running.delete(this);
  }

  #signal(signal) {
    try {
      process.kill(-this.child.pid, signal);
    } catch {
      /* already gone */
    }
  }

  /** Synchronous last resort, from the process's exit handler. */
  kill() {
    if (this.child) this.#signal("SIGKILL");
    this.child = null;
    rmSync(this.tmp, { recursive: true, force: true });
  }

  async close() {
    await this.stop();
    rmSync(this.tmp, { recursive: true, force: true });
  }

  logTail(lines = 30) {
    const files = [this.log, join(this.run, "error.log")].filter((f) => existsSync(f));
    return files.map((f) => readFileSync(f, "utf8").split("\n").slice(-lines).join("\n")).join("\n");
  }

  /** A request to the server as another client would make it (no browser, no CORS). */
  async request(method, path = "", { body, headers = {}, auth = true } = {}) {
    const response = await fetch(new URL(path, this.url), {
      method,
      body,
      headers: { ...(auth ? { Authorization: this.authorization } : {}), ...headers },
      signal: AbortSignal.timeout(10000),
    });
    return { status: response.status, etag: response.headers.get("etag"), headers: response.headers, text: await response.text() };
  }

  /** GET `path` (relative to the WebDAV folder): `{ status, etag, text }`. */
  get(path) {
    return this.request("GET", path);
  }

  /** PUT `text` at `path`, with `headers` (e.g. If-Match). */
  put(path, text, headers = {}) {
    return this.request("PUT", path, { body: text, headers: { "Content-Type": "application/json", ...headers } });
  }

  /** Removes the app's folder (`liseuse/`) from the server, to start a test afresh. */
  async clear() {
    const { status } = await this.request("DELETE", "liseuse/");
    if (![200, 204, 404].includes(status)) throw new Error(`DELETE liseuse/ on ${this.kind}: ${status}`);
  }

  /** The names of the files in the folder `path` (PROPFIND Depth 1), sorted; the forbidden
   * folder `interdit/` that the server is made with is not one of them. */
  async list(path = "") {
    const { status, text } = await this.request("PROPFIND", path, { headers: { Depth: "1" } });
    if (status === 404) return [];
    if (status !== 207) throw new Error(`PROPFIND ${path}: ${status}`);
    const base = new URL(path, this.url).pathname;
    return [...text.matchAll(/<(?:[A-Za-z0-9]+:)?href>([^<]*)<\//g)]
      .map((m) => decodeURIComponent(new URL(m[1], this.url).pathname))
      .filter((p) => p !== base && p.startsWith(base))
      .map((p) => p.slice(base.length))
      .filter((name) => !(path === "" && name === "interdit/"))
      .sort();
  }
}

/**
 * A WebDAV server for a test file: started before its tests (`options()` is called then, so it
 * can name the app's origin once that is known), stopped and removed after them.
 */
export function webdavServer(kind, options = () => ({})) {
  const holder = {};
  before(async () => {
    holder.server = await startWebdav(kind, options());
  });
  after(async () => {
    await holder.server?.close();
  });
  return holder;
}
