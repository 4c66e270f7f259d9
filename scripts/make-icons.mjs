// Renders assets/icon.svg to the PNG icons of the web app manifest, with Debian's Chromium.
// Run by hand when the icon changes (`node scripts/make-icons.mjs`); the PNGs are committed, so
// building never needs a browser.
import { chromium } from "playwright-core";
import { readFileSync } from "node:fs";

const svg = readFileSync("assets/icon.svg", "utf8");
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-background-networking", "--disable-component-update"],
});
const icons = [
  { file: "icon-192.png", size: 192, maskable: false },
  { file: "icon-512.png", size: 512, maskable: false },
  // Maskable: the artwork inside the 80 % safe zone, on a full-bleed background.
  { file: "icon-maskable-512.png", size: 512, maskable: true },
];
for (const { file, size, maskable } of icons) {
  const page = await browser.newPage({ viewport: { width: size, height: size } });
  const inner = maskable ? size * 0.7 : size;
  const html = `<html><body style="margin:0;background:${maskable ? "#7a3e12" : "transparent"};display:grid;place-items:center;width:${size}px;height:${size}px">
    <div style="width:${inner}px;height:${inner}px">${svg.replace("<svg ", `<svg width="${inner}" height="${inner}" `)}</div></body></html>`;
  await page.setContent(html);
  await page.screenshot({ path: `assets/icons/${file}`, omitBackground: !maskable });
  await page.close();
}
await browser.close();
console.log("icons written to assets/icons/");
