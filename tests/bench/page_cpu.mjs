// What a two-person call costs the page's main thread: Chrome DevTools Protocol
// Performance.getMetrics, TaskDuration and ScriptDuration over a window (10 s by default),
// as a share of the window, on one of the call's two pages, for:
//   - Orbit: two pages in one room of a real orbit-server (loopback);
//   - bare WebGL: two bare pages in a call (bare_call.mjs) that draw the local and the remote
//     video into a WebGL canvas on each new frame of either (requestVideoFrameCallback);
//   - bare <video>: the same call shown in two plain <video> elements, for reference.
// Each page has a browser context of its own, as if on its own machine, and the measured one
// is brought to the front. Rounds alternate Orbit, WebGL, <video>; medians are printed, with
// Orbit's frames drawn and the remote video's frames shown per second.
//
//   node tests/bench/page_cpu.mjs [rounds=3] [seconds=10]
//
// Uses build/server/orbit-server and build-web/web (ORBIT_SERVER_BIN, ORBIT_WEB_ROOT override).
import { launchBrowser, openPage, startServer, waitForState } from '../e2e/harness.mjs';
import { bareCall } from './bare_call.mjs';

const rounds = Number(process.argv[2] ?? 3);
const seconds = Number(process.argv[3] ?? 10);

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];
const newContext = (browser) => browser.newContext({ viewport: { width: 960, height: 600 } });

async function metrics(cdp) {
  const { metrics: list } = await cdp.send('Performance.getMetrics');
  const value = (name) => list.find((m) => m.name === name)?.value ?? 0;
  return { task: value('TaskDuration'), script: value('ScriptDuration') };
}

// Main-thread busy time of `page` over the window, as shares of it; `extra()` is read at
// both ends and its difference returned too.
async function measure(context, page, extra = async () => ({})) {
  await page.bringToFront();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
  await page.waitForTimeout(2000);  // past the start's own work
  const before = { ...(await metrics(cdp)), ...(await extra()) };
  const t0 = performance.now();
  await page.waitForTimeout(seconds * 1000);
  const after = { ...(await metrics(cdp)), ...(await extra()) };
  const elapsed = (performance.now() - t0) / 1000;
  const result = {};
  for (const key of Object.keys(after)) result[key] = (after[key] - before[key]) / elapsed;
  return result;
}

async function orbitRound(browser, server, round) {
  const contexts = await Promise.all([0, 1].map(() => newContext(browser)));
  try {
    const pages = await Promise.all(['Ann', 'Ben'].map((name, i) => openPage(contexts[i], `${server.url}/room/cpu-${round}?name=${name}`)));
    for (const page of pages) {
      await waitForState(page, 'the call', (s) => s.peers.length === 1 && s.peers[0].connection === 'connected' &&
        s.peers[0].video.frames > 0, null, { timeoutMs: 30000 });
    }
    return await measure(contexts[0], pages[0], () => pages[0].evaluate(() => {
      const s = window.orbit.state();
      return { drawn: s.framesDrawn, shown: s.peers[0].video.frames };
    }));
  } finally {
    await Promise.all(contexts.map((context) => context.close()));
  }
}

async function bareRound(browser, server, show) {
  const contexts = await Promise.all([0, 1].map(() => newContext(browser)));
  try {
    // Any page of the server will do: 127.0.0.1 is a secure context, which the camera needs.
    const pages = await Promise.all(contexts.map((context) => openPage(context, `${server.url}/healthz`)));
    await bareCall(pages[0], pages[1], show);
    return await measure(contexts[0], pages[0], () => pages[0].evaluate(() => ({
      drawn: window.bare.painted, shown: window.bare.remoteFrames })));
  } finally {
    await Promise.all(contexts.map((context) => context.close()));
  }
}

const server = await startServer();
const browser = await launchBrowser();
try {
  const results = { orbit: [], webgl: [], video: [] };
  for (let round = 0; round < rounds; round += 1) {
    results.orbit.push(await orbitRound(browser, server, round));
    results.webgl.push(await bareRound(browser, server, 'webgl'));
    results.video.push(await bareRound(browser, server, 'video'));
  }
  const pct = (v) => `${(v * 100).toFixed(1)}%`;
  const row = (name, list) => {
    const task = median(list.map((r) => r.task));
    const script = median(list.map((r) => r.script));
    console.log(`${name.padEnd(12)} | task ${pct(task).padStart(6)} | script ${pct(script).padStart(6)} | ` +
                `tasks ${list.map((r) => pct(r.task)).join(' ')}`);
    return task;
  };
  console.log(`main thread busy over ${seconds} s in a two-person call, one page, median of ${rounds}`);
  const orbit = row('orbit', results.orbit);
  const webgl = row('bare WebGL', results.webgl);
  row('bare <video>', results.video);
  for (const [name, list] of Object.entries(results)) {
    console.log(`${name}: ${median(list.map((r) => r.drawn ?? 0)).toFixed(1)} frames drawn/s, ` +
                `${median(list.map((r) => r.shown ?? 0)).toFixed(1)} remote video frames shown/s`);
  }
  console.log(`orbit / bare WebGL (task): ${(orbit / webgl).toFixed(2)}`);
} finally {
  await browser.close();
  await server.stop();
}
