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
