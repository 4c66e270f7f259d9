// Generates N articles for the scale benchmark: `node bench/generate.mjs 500 bench/tmp/content-500`.
// Their paragraphs are the shipped articles' paragraphs, shuffled, so the text looks like
// the real thing; nothing generated is committed.
import { readFileSync, readdirSync, writeFileSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";

const [n = "50", out = "bench/tmp/content"] = process.argv.slice(2);
const count = Number(n);
const source = "content";
const paragraphs = readdirSync(source)
  .filter((f) => f.endsWith(".md"))
  .flatMap((f) => {
    const body = readFileSync(join(source, f), "utf8").split(/^---$/m).slice(2).join("---");
    return body
      .split(/^::: /m)[0]
      .split(/\n\n+/)
      .map((p) => p.trim())
      .filter((p) => p && !p.startsWith("#"));
  });
let seed = 42;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
for (let i = 0; i < count; i++) {
  const slug = `article-${String(i + 1).padStart(4, "0")}`;
  const length = 8 + Math.floor(random() * 25);
  const body = Array.from({ length }, () => paragraphs[Math.floor(random() * paragraphs.length)]).join("\n\n");
  writeFileSync(
    join(out, `${slug}.md`),
    `---\ntitle: Article de test numéro ${i + 1}\nslug: ${slug}\norder: ${i}\nsummary: Un article généré pour mesurer Liseuse avec ${count} articles.\n---\n\n${body}\n`,
  );
}
console.log(`${count} articles written to ${out}`);
