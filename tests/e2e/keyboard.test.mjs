// Keyboard use: Escape closes menus, and single-key shortcuts stay out of the way while a
// text field is typed into. Headless Chromium against a real orbit-server.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  clickItem, errorsOf, openPage, pressKey, serverAndBrowserPerFile, stateOf, waitForState,
} from './harness.mjs';

const shared = serverAndBrowserPerFile();

const controls = ['Mute', 'Camera', 'Share screen', 'Devices', 'Keys', 'Leave'];

test('Escape closes the Devices menu and the recipient list, and typing M in the chat is just a letter', async () => {
  const context = await shared.browser.newContext({ viewport: { width: 1000, height: 600 } });
  try {
    const page = await openPage(context, `${shared.server.url}/room/keys-escape?name=Ann`);
    await waitForState(page, 'Ann is in the room', (s) => s.screen === 'room' && s.connection === 'open');
    await waitForState(page, 'the devices are known', (s) => s.media.microphone !== null);

    await clickItem(page, 'Devices');
    await waitForState(page, 'the Devices menu is open', (s) => Array.isArray(s.ui['Devices menu']));
    const [, menuTop, , menuHeight] = (await stateOf(page)).ui['Devices menu'];
    for (const name of controls) {
      const [, top] = (await stateOf(page)).ui[name];
      assert.ok(menuTop + menuHeight <= top, `the Devices menu covers ${name}`);
    }
    await pressKey(page, 'Escape');
    await waitForState(page, 'Escape closed the Devices menu', (s) => s.ui['Devices menu'] === undefined);

    await clickItem(page, 'Chat recipient');
    await waitForState(page, 'the recipient list is open', (s) => Array.isArray(s.ui['Chat to Everyone']));
    await pressKey(page, 'Escape');
    await waitForState(page, 'Escape closed the recipient list', (s) => s.ui['Chat to Everyone'] === undefined);

    await clickItem(page, 'Chat input');
    await page.keyboard.type('mvl');
    await pressKey(page, 'Enter');
    await waitForState(page, 'the letters are sent as text', (s) => s.messages.some((m) => m.text === 'mvl'));
    const state = await stateOf(page);
    assert.equal(state.media.muted, false);
    assert.equal(state.media.cameraEnabled, true);
    assert.equal(state.screen, 'room');
    assert.deepEqual(errorsOf(page), []);
  } finally {
    await context.close();
  }
});
