// The web client's download against a bare Dear ImGui app built with the same flags
// (tests/bench/bare_imgui, same ImGui library target): gzipped (level 9) wasm and js, and the
// ratio. Issue 10's goal: the client at most 1.2× the bare app.
//
//   scripts/build.sh web && node tests/bench/size.mjs
//
// Reads build-web/ (ORBIT_BUILD_WEB overrides).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildWebDir } from '../e2e/harness.mjs';

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
