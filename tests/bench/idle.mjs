// What the page costs while nothing happens, and in a call: frames drawn and animation
// frames asked for over a window, in headless Chromium against a real orbit-server.
//   - the lobby, idle;
//   - a two-person call with both cameras off and both microphones muted;
//   - a two-person call with video (fake 640×480 camera), where drawing follows the frames.
// The measured page is in front (Chromium gives a page behind another one animation frame a
// second) and every notification has gone before the window opens.
//
//   node tests/bench/idle.mjs [seconds=10]
//
// Uses build/server/orbit-server and build-web/web (ORBIT_SERVER_BIN, ORBIT_WEB_ROOT override).
import {
  countAnimationFrames, frameCounters as counters, launchBrowser, openPage, startServer, stateOf, waitForState,
} from '../e2e/harness.mjs';

const seconds = Number(process.argv[2] ?? 10);
const kNotificationMs = 6000;

async function measure(page) {
  await page.bringToFront();
  const shown = (await stateOf(page)).notifications.map((n) => n.time);
  const wait = shown.length ? Math.max(...shown) + kNotificationMs + 1500 - Date.now() : 1500;
  await page.waitForTimeout(Math.max(wait, 1500));
  const before = await counters(page);
  await page.waitForTimeout(seconds * 1000);
  const after = await counters(page);
  return { drawn: after.drawn - before.drawn, requested: after.requested - before.requested };
}

const server = await startServer();
const browser = await launchBrowser();
try {
  const rows = [];
  const context = await browser.newContext({ viewport: { width: 960, height: 600 } });
  await context.addInitScript(countAnimationFrames);

  const lobby = await openPage(context, `${server.url}/`);
  await waitForState(lobby, 'the lobby', (s) => s.screen === 'lobby' && Array.isArray(s.lobby.rooms));
  rows.push(['lobby, idle', await measure(lobby)]);
  await lobby.close();

  const ann = await openPage(context, `${server.url}/room/bench?name=Ann`);
  const ben = await openPage(context, `${server.url}/room/bench?name=Ben`);
  for (const page of [ann, ben]) {
    await waitForState(page, 'the call', (s) => s.screen === 'room' && s.peers.length === 1 &&
      s.peers[0].connection === 'connected' && s.peers[0].video.frames > 0, null, { timeoutMs: 30000 });
  }
  rows.push(['call, both cameras on', await measure(ann)]);
  for (const page of [ann, ben]) {
    await page.evaluate(() => {
      window.orbit.setCamera(false);
      window.orbit.setMuted(true);
    });
  }
  await waitForState(ann, 'Ben shows as off', (s) => s.peers[0].cameraOff && s.peers[0].muted);
  rows.push(['call, cameras off, muted', await measure(ann)]);
  await context.close();

  console.log(`over ${seconds} s: frames drawn, animation frames asked for (per second)`);
  for (const [what, r] of rows) {
    console.log(`${what} | ${r.drawn} (${(r.drawn / seconds).toFixed(1)}/s) | ${r.requested} (${(r.requested / seconds).toFixed(1)}/s)`);
  }
} finally {
  await browser.close();
  await server.stop();
}
