// Names as people see them: two people with the same name told apart on every screen.
// Headless Chromium against a real orbit-server.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { clickItem, errorsOf, openPage, screenshot, serverAndBrowserPerFile, waitForState } from './harness.mjs';

const shared = serverAndBrowserPerFile();

test('two people named Sam are "Sam" and "Sam (2)" on both screens, in the tiles and the recipient list', async () => {
  const contexts = [];
  try {
    const pages = [];
    for (let i = 0; i < 2; i += 1) {
      const context = await shared.browser.newContext({ viewport: { width: 1000, height: 560 } });
      contexts.push(context);
      const page = await openPage(context, `${shared.server.url}/room/namesakes?name=Sam`);
      // One after the other, so that the server's order is known.
      await waitForState(page, `Sam ${i + 1} is in`,
                         (s) => s.screen === 'room' && s.connection === 'open' && s.self.id !== null);
      pages.push(page);
    }
    await waitForState(pages[0], 'the first Sam sees the second', (s) => s.peers.length === 1 && s.peers[0].name === 'Sam');
    await waitForState(pages[0], 'the first Sam sees "Sam (2)"', (s) => Array.isArray(s.ui['Tile Sam (2)']) &&
                                                                     Array.isArray(s.ui['Tile Sam (you)']));
    await waitForState(pages[1], 'the second Sam sees "Sam"', (s) => Array.isArray(s.ui['Tile Sam']) &&
                                                                  Array.isArray(s.ui['Tile Sam (2) (you)']));
    await clickItem(pages[0], 'Chat recipient');
    await waitForState(pages[0], 'the recipient list names "Sam (2)"', (s) => Array.isArray(s.ui['Chat to Sam (2)']));
    await screenshot(pages[0], 'names-namesakes');
    for (const page of pages) assert.deepEqual(errorsOf(page), []);
  } finally {
    for (const context of contexts) await context.close();
  }
});

// A sender's name in the chat is drawn whole, however long: ASCII text longer than the
// client's short-string buffer was once drawn from freed memory ("L??").
test('a long name is drawn whole beside its line in the chat', async () => {
  const name = 'Maximilian Oberhuber-Castellano';
  const contexts = [];
  try {
    const pages = [];
    for (const who of [name, 'Ann']) {
      const context = await shared.browser.newContext({ viewport: { width: 1100, height: 600 } });
      contexts.push(context);
      const page = await openPage(context, `${shared.server.url}/room/long-names?name=${encodeURIComponent(who)}`);
      await waitForState(page, `${who} is in, in the UI's own font`,
                         (s) => s.screen === 'room' && s.connection === 'open' && s.fonts.own);
      pages.push(page);
    }
    await pages[0].evaluate(() => window.orbit.sendText('hello'));
    const { ui } = await waitForState(pages[1], 'the line is on screen with its name',
                                      (s) => Array.isArray(s.ui['Chat name 1']) && Array.isArray(s.ui['Chat line 1']));
    // Noto Sans at 18 px lines: over 5 CSS px a character for these letters.
    assert.ok(ui['Chat name 1'][2] >= name.length * 5, `the name is ${ui['Chat name 1'][2]} px wide`);
    for (const page of pages) assert.deepEqual(errorsOf(page), []);
  } finally {
    for (const context of contexts) await context.close();
  }
});
