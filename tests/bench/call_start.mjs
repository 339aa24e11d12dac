// How long a call takes to start: from the moment two Chromium pages start loading to the
// moment both show the other's video (its first decoded frame), over N runs, p50 and p95.
//   - Orbit: two pages open the same new room of a real orbit-server (loopback).
//   - Bare: two pages of the same browser, no server logic and no wasm (bare_call.mjs): each
//     gets its fake camera, and the two RTCPeerConnections exchange one offer and one answer
//     (candidates gathered first) through this script. The floor a client could reach here.
// Runs alternate, Orbit then bare, so both see the same machine. Each page has a browser
// context of its own (two people are on two machines, each looking at their call).
// For Orbit it also prints when each step of the start came (median over the runs, on the
// page that got there first and the one that got there last): see call_marks.mjs.
//
//   node tests/bench/call_start.mjs [runs=10]
//
// Uses build/server/orbit-server and build-web/web (ORBIT_SERVER_BIN, ORBIT_WEB_ROOT override).
// With ORBIT_WEB_ROOT_BEFORE=<another build's web root> each run also times that build (on a
// server of its own), alternating with this one: an A/B on the same machine in the same run.
import { launchBrowser, openPage, startServer } from '../e2e/harness.mjs';
import { bareCall } from './bare_call.mjs';
import { recordCallMarks } from './call_marks.mjs';

const runs = Number(process.argv[2] ?? 10);

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};

// Resolves when the page's client shows one other person's video (and notes when it saw so).
function firstFrame(page) {
  return page.waitForFunction(() => {
    const s = window.orbit ? window.orbit.state() : null;
    const shown = s && s.peers.length === 1 && s.peers[0].video.frames > 0;
    if (shown && !('remote frame drawn' in window.orbitBenchMarks)) window.orbitBenchMarks['remote frame drawn'] = performance.now();
    return shown;
  }, null, { timeout: 30000, polling: 10 });
}

// The page's marks (recordCallMarks) as ms since `t0Epoch`, the run's start.
async function marksOf(page, t0Epoch) {
  const { origin, marks } = await page.evaluate(() => ({ origin: performance.timeOrigin, marks: window.orbitBenchMarks }));
  const wasm = await page.evaluate(() => performance.getEntriesByType('resource')
    .filter((e) => /orbit\.(wasm|js)$/.test(e.name))
    .map((e) => [`fetched ${e.name.split('/').pop()}`, e.responseEnd]));
  const all = { 'navigation start': 0, ...Object.fromEntries(wasm), ...marks };
  return Object.fromEntries(Object.entries(all).map(([name, t]) => [name, origin + t - t0Epoch]));
}

// Each page in a context of its own, as if on its own machine: two pages of one context are
// two tabs, and Chromium gives the one behind about one animation frame (and video frame
// presented) a second, which would time a tab's throttling rather than a call's start.
const newContext = (browser) => browser.newContext({ viewport: { width: 640, height: 400 } });

const orbitMarks = [];  // per run, per page: {step: ms since the run's start}

async function orbitRun(browser, server, run, { keepMarks = true } = {}) {
  const contexts = await Promise.all([0, 1].map(() => newContext(browser)));
  await Promise.all(contexts.map((context) => context.addInitScript(recordCallMarks)));
  try {
    const t0 = performance.now();
    const t0Epoch = Date.now();
    const pages = await Promise.all(['Ann', 'Ben'].map((name, i) => openPage(contexts[i], `${server.url}/room/start-${run}?name=${name}`)));
    const times = await Promise.all(pages.map(async (page) => {
      await firstFrame(page);
      return performance.now() - t0;
    }));
    if (keepMarks) orbitMarks.push(await Promise.all(pages.map((page) => marksOf(page, t0Epoch))));
    return Math.max(...times);
  } finally {
    await Promise.all(contexts.map((context) => context.close()));
  }
}

// Each step's median over the runs, for the page that reached it first and the one that
// reached it last, in the order the steps come.
function printMarks() {
  const steps = new Map();
  for (const pages of orbitMarks) {
    const names = new Set(pages.flatMap((marks) => Object.keys(marks)));
    for (const name of names) {
      const times = pages.map((marks) => marks[name]).filter((t) => t !== undefined);
      if (!steps.has(name)) steps.set(name, { first: [], last: [] });
      steps.get(name).first.push(Math.min(...times));
      if (times.length === pages.length) steps.get(name).last.push(Math.max(...times));
    }
  }
  const rows = [...steps].map(([name, { first, last }]) =>
    [name, percentile(first, 50), last.length ? percentile(last, 50) : NaN, first.length]);
  rows.sort((a, b) => a[1] - b[1]);
  console.log('orbit, step | median ms since the run began: first page, last page | runs that reached it');
  for (const [name, first, last, n] of rows) {
    console.log(`  ${name.padEnd(34)} | ${first.toFixed(0).padStart(5)} ${Number.isNaN(last) ? '    -' : last.toFixed(0).padStart(5)} | ${n}`);
  }
}

async function bareRun(browser, server) {
  const contexts = await Promise.all([0, 1].map(() => newContext(browser)));
  try {
    const t0 = performance.now();
    // Any page of the server will do: 127.0.0.1 is a secure context, which the camera needs.
    const [a, b] = await Promise.all(contexts.map((context) => openPage(context, `${server.url}/healthz`)));
    await bareCall(a, b);  // resolves once both pages have shown the other's first frame
    return performance.now() - t0;
  } finally {
    await Promise.all(contexts.map((context) => context.close()));
  }
}

const server = await startServer();
const beforeRoot = process.env.ORBIT_WEB_ROOT_BEFORE;
const serverBefore = beforeRoot ? await startServer({ webRoot: beforeRoot }) : null;
const browser = await launchBrowser();
try {
  const orbit = [];
  const bare = [];
  const before = [];
  for (let run = 0; run < runs; run += 1) {
    if (serverBefore) before.push(await orbitRun(browser, serverBefore, run, { keepMarks: false }));
    orbit.push(await orbitRun(browser, server, run));
    bare.push(await bareRun(browser, server));
  }
  const f = (v) => `${(v / 1000).toFixed(2)} s`;
  console.log(`page open to the other's first frame on both pages, ${runs} runs each`);
  console.log(`orbit | p50 ${f(percentile(orbit, 50))} | p95 ${f(percentile(orbit, 95))} | ${orbit.map((v) => (v / 1000).toFixed(2)).join(' ')}`);
  console.log(`bare  | p50 ${f(percentile(bare, 50))} | p95 ${f(percentile(bare, 95))} | ${bare.map((v) => (v / 1000).toFixed(2)).join(' ')}`);
  if (serverBefore) {
    console.log(`before | p50 ${f(percentile(before, 50))} | p95 ${f(percentile(before, 95))} | ${before.map((v) => (v / 1000).toFixed(2)).join(' ')} (${beforeRoot})`);
  }
  printMarks();
  console.log(`orbit / bare at p50: ${(percentile(orbit, 50) / percentile(bare, 50)).toFixed(2)}`);
  if (serverBefore) console.log(`before / bare at p50: ${(percentile(before, 50) / percentile(bare, 50)).toFixed(2)}`);
} finally {
  await browser.close();
  await server.stop();
  if (serverBefore) await serverBefore.stop();
}
