// Uplink per client, mesh against forwarding through Janus, at 3, 4 and 5 people: real
// Chromium pages (fake 320×240 camera at 15 fps, fake microphone) in one room of a real
// orbit-server, with and without a real Janus. Each page's bytes sent (RTP, every outbound
// stream) come from its own RTCPeerConnections' getStats, over a 10 s window once every page
// shows every other's video.
//
//   node tests/bench/uplink.mjs [seconds=10] [sizes=3,4,5]
//
// Uses build/server/orbit-server and build-web/web (ORBIT_SERVER_BIN, ORBIT_WEB_ROOT override).
import { launchBrowser, openPage, startServer, waitForState } from '../e2e/harness.mjs';
import { startJanus } from '../e2e/janus.mjs';
import { bytesSent, smallCameraAndConnections } from '../e2e/rtc_probe.mjs';

const seconds = Number(process.argv[2] ?? 10);
const sizes = (process.argv[3] ?? '3,4,5').split(',').map(Number);

async function measure(serverArgs, mode, size) {
  const server = await startServer({ args: serverArgs });
  const browser = await launchBrowser();
  const context = await browser.newContext({ viewport: { width: 640, height: 400 } });
  await context.addInitScript(smallCameraAndConnections);
  try {
    const pages = [];
    for (let i = 0; i < size; i += 1) pages.push(await openPage(context, `${server.url}/room/bench?name=P${i}`));
    for (const page of pages) {
      await waitForState(page, `every video shows (${mode}, ${size})`, (s, want) =>
        s.mode === want.mode && s.peers.length === want.others &&
        s.peers.every((p) => p.connection === 'connected' && p.video.frames > 0), { mode, others: size - 1 },
      { timeoutMs: 60000 });
    }
    // Past the encoders' ramp-up: bitrate estimates grow over the first seconds of a call.
    await new Promise((resolve) => { setTimeout(resolve, 5000); });
    const start = await Promise.all(pages.map(bytesSent));
    const t0 = performance.now();
    await new Promise((resolve) => { setTimeout(resolve, seconds * 1000); });
    const end = await Promise.all(pages.map(bytesSent));
    const elapsed = (performance.now() - t0) / 1000;
    const kbps = end.map((b, i) => ((b - start[i]) * 8) / elapsed / 1000);
    return { mean: kbps.reduce((a, b) => a + b, 0) / kbps.length, min: Math.min(...kbps), max: Math.max(...kbps) };
  } finally {
    await context.close();
    await browser.close();
    await server.stop();
  }
}

const janus = await startJanus();
try {
  console.log(`uplink per client, kbit/s over ${seconds} s (mean, min-max over the pages)`);
  console.log('people | mesh | through Janus | mesh / Janus');
  for (const size of sizes) {
    const mesh = await measure([], 'mesh', size);
    const sfu = await measure(['--janus', janus.url, '--sfu-from', '0'], 'sfu', size);
    const f = (r) => `${r.mean.toFixed(0)} (${r.min.toFixed(0)}-${r.max.toFixed(0)})`;
    console.log(`${size} | ${f(mesh)} | ${f(sfu)} | ${(mesh.mean / sfu.mean).toFixed(2)}`);
  }
} finally {
  await janus.stop();
}
