// Every control stays within reach in a small window: a 320×240 call, a 480×320 lobby with
// more rooms than fit. Headless Chromium against a real orbit-server.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  animationFrames, clickItem, errorsOf, itemRect, openPage, pressKey, screenshot, serverAndBrowserPerFile, stateOf,
  waitForState,
} from './harness.mjs';

const shared = serverAndBrowserPerFile();

function inside([x, y, width, height], viewport) {
  return x >= 0 && y >= 0 && x + width <= viewport.width && y + height <= viewport.height && width > 0 && height > 0;
}

test('at 320×240 every control of the call is on screen, and the panels open in a drawer over the grid', async () => {
  const viewport = { width: 320, height: 240 };
  const context = await shared.browser.newContext({ viewport });
  try {
    const page = await openPage(context, `${shared.server.url}/room/tiny?name=Ann`);
    await waitForState(page, 'Ann is in the room', (s) => s.screen === 'room' && s.connection === 'open');
    await animationFrames(page, 6);
    const { ui } = await stateOf(page);
    for (const name of ['Mute', 'Camera', 'Share screen', 'Devices', 'Keys', 'Leave', 'Copy invite link', 'Chat',
                        'People']) {
      assert.ok(Array.isArray(ui[name]), `${name} is not drawn`);
      assert.ok(inside(ui[name], viewport), `${name} at ${ui[name]} is outside the 320×240 window`);
    }
    assert.ok(Array.isArray(ui['Tile Ann (you)']), 'the grid is not shown');
    assert.equal(ui.Drawer, undefined, 'the drawer is open from the start');
    await screenshot(page, 'small-window-call');

    await clickItem(page, 'Chat');
    await waitForState(page, 'the chat is shown', (s) => Array.isArray(s.ui['Chat input']));
    const chat = (await stateOf(page)).ui;
    for (const name of ['Drawer', 'Chat input', 'Send', 'Close drawer', 'Tab Connections']) {
      assert.ok(inside(chat[name], viewport), `${name} at ${chat[name]} is off screen`);
    }
    await screenshot(page, 'small-window-chat');
    // Escape puts the drawer away (once no text field has the keyboard).
    await clickItem(page, 'Tab People');
    await pressKey(page, 'Escape');
    await waitForState(page, 'Escape closes the drawer', (s) => s.ui.Drawer === undefined);

    await clickItem(page, 'Leave');
    await waitForState(page, 'Leave was reached and works', (s) => s.screen === 'left');
    assert.deepEqual(errorsOf(page), []);
  } finally {
    await context.close();
  }
});

test('at 480×320 the lobby scrolls to the last of many rooms', async () => {
  for (let i = 1; i <= 20; i += 1) {
    const reply = await fetch(`${shared.server.url}/api/rooms`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: `Small ${String(i).padStart(2, '0')}`, public: true }),
    });
    assert.equal(reply.status, 201);
  }
  const viewport = { width: 480, height: 320 };
  const context = await shared.browser.newContext({ viewport });
  try {
    const page = await openPage(context, `${shared.server.url}/`);
    const first = await itemRect(page, 'Join small-20');
    assert.ok(!inside(first, viewport), 'the last room fits without scrolling: the test needs more rooms');
    for (let i = 0; i < 30; i += 1) {
      if (inside((await stateOf(page)).ui['Join small-20'], viewport)) break;
      await page.mouse.move(240, 160);
      await page.mouse.wheel(0, 100);
      await animationFrames(page, 3);
    }
    const last = (await stateOf(page)).ui['Join small-20'];
    assert.ok(inside(last, viewport), `scrolling never brought the last room into view (${last})`);
    await screenshot(page, 'small-window-lobby');
    await clickItem(page, 'Join small-20');
    await waitForState(page, 'the last room opens', (s) => s.screen === 'prejoin' && s.prejoin.room === 'small-20');
    assert.deepEqual(errorsOf(page), []);
  } finally {
    await context.close();
  }
});
