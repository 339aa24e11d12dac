// The chat box holds a line as long as the protocol allows (4,096 characters, in any script),
// and shows the limit as it comes near. Headless Chromium against a real orbit-server.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  animationFrames, clickItem, errorsOf, openPage, pressKey, screenshot, serverAndBrowserPerFile, stateOf,
  waitForState,
} from './harness.mjs';

const shared = serverAndBrowserPerFile();

// Puts `text` into the chat box in one go, as an input method hands over what it composed
// (a held Ctrl+V may repeat on a slow machine, pasting twice).
async function enter(page, text) {
  // After a send the box keeps the keyboard; a click there now would take the page's focus
  // from the input method's textarea to the canvas.
  if ((await stateOf(page)).ui.focus !== 'Chat input') await clickItem(page, 'Chat input');
  await waitForState(page, 'the text field is active', () => document.activeElement?.tagName === 'TEXTAREA');
  await page.evaluate((t) => {
    const area = document.activeElement;
    area.dispatchEvent(new CompositionEvent('compositionstart', { data: '' }));
    area.dispatchEvent(new CompositionEvent('compositionend', { data: t }));
  }, text);
  await animationFrames(page, 3);
}

test('a 4,096-character line goes out whole, and a longer one is held back with the count', async () => {
  const context = await shared.browser.newContext({ viewport: { width: 1100, height: 620 } });
  try {
    const page = await openPage(context, `${shared.server.url}/room/long-lines?name=Ann`);
    await waitForState(page, 'Ann is in the room', (s) => s.screen === 'room' && s.connection === 'open');

    // Short lines show no count.
    await enter(page, 'hello');
    assert.equal((await stateOf(page)).ui['Chat length'], undefined);
    await pressKey(page, 'Enter');
    await waitForState(page, 'the short line is sent', (s) => s.messages.some((m) => m.text === 'hello'));

    // Cyrillic takes two bytes a character: 4,096 of them are 8,192 bytes.
    const longest = 'Ж'.repeat(4096);
    await enter(page, longest);
    await waitForState(page, 'the count shows', (s) => Array.isArray(s.ui['Chat length']));
    await screenshot(page, 'chat-box-at-limit');
    await pressKey(page, 'Enter');
    await waitForState(page, 'the whole line is sent', (s, n) => s.messages.some((m) => m.text.length === n), 4096);

    await enter(page, `${longest}ЖЖ`);
    await pressKey(page, 'Enter');
    await waitForState(page, 'the over-long line is refused with the reason',
                       (s) => Array.isArray(s.ui['Chat length']) && Array.isArray(s.ui['Chat error']));
    await animationFrames(page, 4);
    const state = await stateOf(page);
    assert.equal(state.messages.filter((m) => m.text.length > 4096).length, 0);
    await screenshot(page, 'chat-box-over-limit');
    assert.deepEqual(errorsOf(page), []);
  } finally {
    await context.close();
  }
});
