// An idle client costs nothing: with nothing changing on screen it draws no frame and asks the
// browser for no animation frame at all, and input, a resize or a voice wakes it. Headless
// Chromium against a real orbit-server. Animation frames are counted by wrapping the page's
// requestAnimationFrame before the module loads; frames drawn come from state().framesDrawn.
// Each idle window is measured with evaluate() alone, which asks for no animation frame.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  countAnimationFrames, frameCounters as counters, openPage, serverAndBrowserPerFile, stateOf, waitForState,
} from './harness.mjs';

const shared = serverAndBrowserPerFile();
const kIdleMs = 3000;

// A notification stays on screen this long (AppController::kNotificationTime); its going is
// drawn.
const kNotificationMs = 6000;

// Waits until the client has stopped drawing (it draws a few frames after each change) and
// every notification has gone from the screen. The page comes to the front first: Chromium
// gives a page behind another one animation frame a second.
async function settle(page, what) {
  await page.bringToFront();
  const shown = (await stateOf(page)).notifications.map((n) => n.time);
  if (shown.length > 0) {
    const gone = Math.max(...shown) + kNotificationMs + 300 - Date.now();
    if (gone > 0) await page.waitForTimeout(gone);
  }
  const deadline = Date.now() + 15000;
  let last = await counters(page);
  for (;;) {
    await page.waitForTimeout(1200);
    const now = await counters(page);
    if (now.drawn === last.drawn && now.requested === last.requested) return now;
    if (Date.now() > deadline) throw new Error(`${what}: still drawing after 15 s (${JSON.stringify(now)})`);
    last = now;
  }
}

// Frames drawn and animation frames asked for over `ms` of nothing happening.
async function idleFor(page, ms) {
  const before = await counters(page);
  await page.waitForTimeout(ms);
  const after = await counters(page);
  return { drawn: after.drawn - before.drawn, requested: after.requested - before.requested };
}

async function newContext(options = {}) {
  const context = await shared.browser.newContext({ viewport: { width: 960, height: 600 }, ...options });
  await context.addInitScript(countAnimationFrames);
  return context;
}

test('the lobby draws nothing while idle, and wakes for the mouse and for a resize', async () => {
  const context = await newContext();
  try {
    const page = await openPage(context, `${shared.server.url}/`);
    await waitForState(page, 'the lobby is up', (s) => s.screen === 'lobby' && Array.isArray(s.lobby.rooms));
    await settle(page, 'the lobby');
    assert.deepEqual(await idleFor(page, kIdleMs), { drawn: 0, requested: 0 });

    // The pointer moves over it: it draws again, then sleeps again.
    const before = (await counters(page)).drawn;
    await page.mouse.move(300, 200);
    await page.mouse.move(320, 220);
    await waitForState(page, 'the pointer woke the lobby', (s, n) => s.framesDrawn > n, before);
    await settle(page, 'the lobby after the pointer');
    assert.deepEqual(await idleFor(page, kIdleMs), { drawn: 0, requested: 0 });

    // A resize while it sleeps: the backing store follows the new size.
    await page.setViewportSize({ width: 700, height: 500 });
    await page.waitForFunction(() => {
      const canvas = document.getElementById('canvas');
      return canvas.width === Math.round(canvas.clientWidth * devicePixelRatio) && canvas.clientWidth <= 700;
    }, null, { timeout: 10000 });
    const rects = (await stateOf(page)).ui;
    assert.ok(Object.values(rects).every((r) => !Array.isArray(r) || r[0] + r[2] <= 700), JSON.stringify(rects));
  } finally {
    await context.close();
  }
});

test('a call with every camera off and every microphone muted draws nothing while idle', async () => {
  const context = await newContext();
  try {
    const ann = await openPage(context, `${shared.server.url}/room/quiet?name=Ann`);
    const ben = await openPage(context, `${shared.server.url}/room/quiet?name=Ben`);
    for (const page of [ann, ben]) {
      await waitForState(page, 'in the call', (s) => s.screen === 'room' && s.peers.length === 1 &&
        s.peers[0].connection === 'connected');
      await page.evaluate(() => {
        window.orbit.setCamera(false);
        window.orbit.setMuted(true);
      });
    }
    for (const [page, other] of [[ann, 'Ben'], [ben, 'Ann']]) {
      await waitForState(page, `${other}'s camera shows as off`, (s) => s.peers[0].cameraOff && s.peers[0].muted);
    }
    await settle(ann, 'Ann\'s call');
    assert.deepEqual(await idleFor(ann, kIdleMs), { drawn: 0, requested: 0 });
    // The call itself goes on: the state's figures still come.
    assert.equal((await stateOf(ann)).peers[0].connection, 'connected');

    // Ben turns his camera on: Ann draws his video as it arrives.
    await ben.evaluate(() => window.orbit.setCamera(true));
    const before = (await counters(ann)).drawn;
    await waitForState(ann, 'Ben\'s video wakes Ann\'s drawing', (s, n) => !s.peers[0].cameraOff &&
      s.peers[0].video.frames > 0 && s.framesDrawn > n + 10, before);
  } finally {
    await context.close();
  }
});
