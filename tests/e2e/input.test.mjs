// Typing beyond plain keys in the canvas: the clipboard both ways and an input method's
// composed text, in headless Chromium against a real orbit-server.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  clickItem, errorsOf, openPage, pressKey, screenshot, serverAndBrowserPerFile, waitForState,
} from './harness.mjs';

const shared = serverAndBrowserPerFile();

async function inRoom(room, name) {
  const context = await shared.browser.newContext({ viewport: { width: 1100, height: 620 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: shared.server.url });
  const page = await openPage(context, `${shared.server.url}/room/${room}?name=${name}`);
  await waitForState(page, `${name} is in the room`, (s) => s.screen === 'room' && s.connection === 'open');
  return { context, page };
}

async function sendWith(page, keys) {
  await clickItem(page, 'Chat input');
  await keys();
  await pressKey(page, 'Enter');
}

test('the invite link goes to the clipboard, and a paste lands in the chat', async () => {
  const { context, page } = await inRoom('clipboard', 'Ann');
  try {
    await clickItem(page, 'Copy invite link');
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    assert.equal(copied, `${shared.server.url}/room/clipboard`);

    // Ctrl+V in the chat field pastes what the system clipboard holds: the invite link.
    await sendWith(page, async () => {
      await page.keyboard.down('Control');
      await pressKey(page, 'v');
      await page.keyboard.up('Control');
    });
    await waitForState(page, 'the pasted link is sent', (s, url) => s.messages.some((m) => m.text === url), copied);
    await screenshot(page, 'input-pasted');
    assert.deepEqual(errorsOf(page), []);
  } finally {
    await context.close();
  }
});

test('text an input method composes is typed into the chat', async () => {
  const { context, page } = await inRoom('composed', 'Ann');
  try {
    await sendWith(page, async () => {
      // An active field hands the focus to a hidden textarea, where input methods compose.
      await waitForState(page, 'the text field is active', () => document.activeElement?.tagName === 'TEXTAREA');
      await page.evaluate(() => {
        const area = document.activeElement;
        area.dispatchEvent(new CompositionEvent('compositionstart', { data: '' }));
        area.dispatchEvent(new CompositionEvent('compositionend', { data: 'こんにちは' }));
      });
      await page.keyboard.type(' ok');
    });
    await waitForState(page, 'the composed text is sent', (s) => s.messages.some((m) => m.text === 'こんにちは ok'));
    // Leaving the field gives the canvas its focus back.
    await clickItem(page, 'Tab People');
    await waitForState(page, 'the canvas has the focus', () => document.activeElement?.id === 'canvas');
    assert.deepEqual(errorsOf(page), []);
  } finally {
    await context.close();
  }
});
