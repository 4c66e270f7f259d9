// The phone profile of the benchmarks: Lighthouse's mobile throttling (150 ms round trip,
// 1.6 Mbit/s down, 750 kbit/s up, CPU slowed ×4) on a 390×844 touch screen.
export const PHONE = { viewport: { width: 390, height: 844 }, latency: 150, down: 1.6e6 / 8, up: 750e3 / 8, cpu: 4 };

/** Applies the profile's network and CPU to `page` (from now on), through the DevTools protocol. */
export async function throttle(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: PHONE.latency, downloadThroughput: PHONE.down, uploadThroughput: PHONE.up });
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: PHONE.cpu });
}
