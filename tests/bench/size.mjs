// The web client's download against a bare Dear ImGui app built with the same flags
// (tests/bench/bare_imgui, same ImGui library target): gzipped (level 9) wasm and js, and the
// ratio. Issue 10's goal: the client at most 1.2× the bare app. Then what a visit to the page
// actually transfers from a real orbit-server to headless Chromium, the first time and on a
// reload (Resource Timing's transferSize: bodies as sent, and headers).
//
//   scripts/build.sh web && node tests/bench/size.mjs
//
// Reads build-web/ (ORBIT_BUILD_WEB overrides) and runs build/server/orbit-server
// (ORBIT_SERVER_BIN, ORBIT_WEB_ROOT override).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildWebDir, launchBrowser, openPage, startServer, waitForState } from '../e2e/harness.mjs';

const gzipped = (file) => gzipSync(readFileSync(file), { level: 9 }).length;
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

function measure(dir, name) {
  const wasm = gzipped(path.join(dir, `${name}.wasm`));
  const js = gzipped(path.join(dir, `${name}.js`));
  return { wasm, js, total: wasm + js };
}

const orbit = measure(path.join(buildWebDir, 'web'), 'orbit');
const embed = gzipped(path.join(buildWebDir, 'web', 'orbit-embed.js'));
const bare = measure(path.join(buildWebDir, 'tests/bench/bare_imgui'), 'bare_imgui');
console.log('gzipped (level 9)   | wasm       | js        | wasm + js');
for (const [what, r] of [['orbit', orbit], ['bare Dear ImGui app', bare]]) {
  console.log(`${what.padEnd(19)} | ${kb(r.wasm).padStart(10)} | ${kb(r.js).padStart(9)} | ${kb(r.total).padStart(9)}`);
}
console.log(`orbit-embed.js, which the page loads beside orbit.js: ${kb(embed)}`);
console.log(`orbit / bare (wasm + js): ${(orbit.total / bare.total).toFixed(2)}`);

const server = await startServer();
const browser = await launchBrowser();
try {
  const context = await browser.newContext();
  const page = await openPage(context, `${server.url}/`);
  const visit = async () => {
    await waitForState(page, 'the client has started', () => true);
    return page.evaluate(() => performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))
      .map((e) => ({ file: new URL(e.name).pathname, transfer: e.transferSize, decoded: e.decodedBodySize })));
  };
  const first = await visit();
  await page.reload();
  const again = await visit();
  const total = (entries, key) => entries.reduce((sum, e) => sum + e[key], 0);
  console.log(`a visit to the page (${first.map((e) => e.file).join(', ')}), in Chromium:`);
  console.log(`  first visit: ${kb(total(first, 'transfer'))} transferred for ${kb(total(first, 'decoded'))} of files`);
  console.log(`  reload:      ${kb(total(again, 'transfer'))} transferred`);
  await context.close();
} finally {
  await browser.close();
  await server.stop();
}
