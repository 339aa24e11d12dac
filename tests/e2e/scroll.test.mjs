// The mouse wheel and the trackpad over the canvas scroll as on any other page: down moves
// the view towards the end, a notch moves about three lines, a trackpad moves by fractions of
// a line. Headless Chromium against a real orbit-server; what is on screen is read from the
// rectangles the client reports for each chat line and for the lobby's rows.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  animationFrames, errorsOf, itemRect, openPage, screenshot, serverAndBrowserPerFile, stateOf, waitForState,
} from './harness.mjs';

const shared = serverAndBrowserPerFile();

// The client's text line with its spacing: the UI's font, 18 px lines, and 6 px between items,
// at a device pixel ratio of 1.
const kLine = 24;

// Waits until the client has drawn `name` somewhere other than `before` and the position has
// held for a few frames; returns it.
async function settledRect(page, name, before) {
  await waitForState(page, `"${name}" moved`, (s, [n, b]) => Array.isArray(s.ui?.[n]) && s.ui[n][1] !== b[1],
                     [name, before]);
  let last = null;
  for (let i = 0; i < 30; i += 1) {
    await animationFrames(page, 4);
    const rect = (await stateOf(page)).ui[name];
    if (last && rect[1] === last[1]) return rect;
    last = rect;
  }
  throw new Error(`"${name}" never came to rest`);
}

async function wheelOver(page, rect, deltaY, deltaMode = 0) {
  const [x, y, width, height] = rect;
  await page.mouse.move(x + width / 2, y + height / 2);
  await animationFrames(page, 2);
  if (deltaMode === 0) {
    await page.mouse.wheel(0, deltaY);
  } else {
    // Firefox's mouse wheel speaks in lines; Playwright's wheel only in pixels.
    await page.evaluate(([cx, cy, dy, mode]) => {
      document.getElementById('canvas').dispatchEvent(new WheelEvent('wheel', {
        clientX: cx, clientY: cy, deltaY: dy, deltaMode: mode, bubbles: true, cancelable: true,
      }));
    }, [x + width / 2, y + height / 2, deltaY, deltaMode]);
  }
  await animationFrames(page, 2);
}

test('the wheel and the trackpad scroll the chat the way every page scrolls', async () => {
  const context = await shared.browser.newContext({ viewport: { width: 1100, height: 620 } });
  try {
    const page = await openPage(context, `${shared.server.url}/room/scrolling?name=Ann`);
    await waitForState(page, 'Ann is in the room, in the UI\'s own font',
                       (s) => s.screen === 'room' && s.connection === 'open' && s.fonts.own);
    await page.evaluate(() => { for (let n = 1; n <= 60; n += 1) window.orbit.sendText(`line ${n}`); });
    await waitForState(page, 'all 60 lines are in the log', (s) => s.messages.length === 60);
    // New lines keep the log at its end.
    await waitForState(page, 'the last line is on screen', (s) => {
      const log = s.ui['Chat log'];
      const last = s.ui['Chat line 60'];
      return log && last && last[1] + last[3] <= log[1] + log[3] + 1 && last[1] >= log[1];
    });
    const log = await itemRect(page, 'Chat log');
    const atEnd = (await stateOf(page)).ui['Chat line 60'];

    // A notch up shows earlier lines: the content moves down by about three lines.
    await wheelOver(page, log, -100);
    const up = await settledRect(page, 'Chat line 60', atEnd);
    const moved = up[1] - atEnd[1];
    assert.ok(moved >= 2.5 * kLine && moved <= 3.5 * kLine, `one notch up moved the log by ${moved} px`);
    await screenshot(page, 'scroll-notch-up');

    // A notch down goes back to the end, and further down stays there.
    await wheelOver(page, log, 100);
    const down = await settledRect(page, 'Chat line 60', up);
    assert.ok(Math.abs(down[1] - atEnd[1]) <= 1, `a notch down came back to ${down[1]}, not ${atEnd[1]}`);
    await wheelOver(page, log, 100);
    await animationFrames(page, 6);
    assert.ok(Math.abs((await stateOf(page)).ui['Chat line 60'][1] - atEnd[1]) <= 1, 'scrolled past the end');

    // A trackpad's small deltas move by less than a line each, in the same direction.
    let previous = down;
    for (let i = 0; i < 5; i += 1) {
      await wheelOver(page, log, -8);
      const now = await settledRect(page, 'Chat line 60', previous);
      const step = now[1] - previous[1];
      assert.ok(step > 0 && step < kLine, `an 8 px swipe up moved the log by ${step} px`);
      previous = now;
    }
    const swiped = previous[1] - down[1];
    assert.ok(swiped >= 0.8 * 40 * 3 / 100 * kLine && swiped <= 1.2 * 40 * 3 / 100 * kLine + 2,
              `40 px of swipes moved the log by ${swiped} px`);

    // A wheel that counts in lines (Firefox's) moves by that many lines.
    const before = (await stateOf(page)).ui['Chat line 60'];
    await wheelOver(page, log, -3, 1);
    const lines = await settledRect(page, 'Chat line 60', before);
    const byLines = lines[1] - before[1];
    assert.ok(byLines >= 2.5 * kLine && byLines <= 3.5 * kLine, `three lines up moved the log by ${byLines} px`);
    assert.deepEqual(errorsOf(page), []);
  } finally {
    await context.close();
  }
});

test('the wheel scrolls the lobby down towards the rooms further down the list', async () => {
  for (let i = 1; i <= 30; i += 1) {
    const reply = await fetch(`${shared.server.url}/api/rooms`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: `Scroll ${String(i).padStart(2, '0')}`, public: true }),
    });
    assert.equal(reply.status, 201);
  }
  const context = await shared.browser.newContext({ viewport: { width: 900, height: 500 } });
  try {
    const page = await openPage(context, `${shared.server.url}/`);
    await waitForState(page, 'the lobby lists the rooms in the UI\'s own font',
                       (s) => s.fonts.own && Array.isArray(s.ui['Join scroll-30']));
    await animationFrames(page, 4);
    const last = await itemRect(page, 'Join scroll-30');
    await wheelOver(page, [0, 0, 900, 500], 100);
    const after = await settledRect(page, 'Join scroll-30', last);
    const moved = last[1] - after[1];
    assert.ok(moved >= 2.5 * kLine && moved <= 3.5 * kLine, `a notch down moved the lobby up by ${moved} px`);
    await wheelOver(page, [0, 0, 900, 500], -100);
    const back = await settledRect(page, 'Join scroll-30', after);
    assert.ok(Math.abs(back[1] - last[1]) <= 1, `a notch up came back to ${back[1]}, not ${last[1]}`);
    assert.deepEqual(errorsOf(page), []);
  } finally {
    await context.close();
  }
});
