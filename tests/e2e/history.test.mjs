// Chat history in headless Chromium against a real orbit-server: whoever joins late reads
// what the room said before, greyed, above a "you joined" marker; direct lines stay private.
//   node --test tests/e2e/history.test.mjs
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  clickItem, errorsOf, openPage, pressKey, screenshot, serverAndBrowserPerFile, typeInto, waitForState,
} from './harness.mjs';

const shared = serverAndBrowserPerFile();

test('a late joiner reads the room\'s last lines as history, above where they came in', async () => {
  const context = await shared.browser.newContext({ viewport: { width: 1000, height: 600 } });
  try {
    const ann = await openPage(context, `${shared.server.url}/room/history?name=Ann`);
    await waitForState(ann, 'Ann is in', (s) => s.screen === 'room' && s.connection === 'open');
    for (const line of ['first of all', 'and then']) {
      await typeInto(ann, 'Chat input', line);
      await pressKey(ann, 'Enter');
    }
    await waitForState(ann, 'both lines are back from the server', (s) => s.messages.length === 2);

    const bob = await openPage(context, `${shared.server.url}/room/history?name=Bob`);
    const late = await waitForState(bob, 'Bob gets the room\'s lines as history',
                                    (s) => s.messages.length === 2 && Array.isArray(s.ui['You joined']));
    assert.deepEqual(late.messages.map((m) => [m.from, m.text, m.history]),
                     [['Ann', 'first of all', true], ['Ann', 'and then', true]]);
    // The marker sits below the history.
    assert.ok(late.ui['You joined'][1] > late.ui['Chat line 2'][1]);
    // Not announced as new: no text event, nothing to notify.
    assert.equal(late.notifications.filter((n) => n.text.includes('first of all')).length, 0);

    // A line said now is no history, and goes below the marker.
    await typeInto(ann, 'Chat input', 'welcome, Bob');
    await pressKey(ann, 'Enter');
    const now = await waitForState(bob, 'Bob gets the new line', (s) => s.messages.length === 3);
    assert.equal(now.messages[2].history, false);
    assert.ok(now.ui['Chat line 3'][1] > now.ui['You joined'][1]);
    await screenshot(bob, 'chat-history');
    for (const page of [ann, bob]) assert.deepEqual(errorsOf(page), []);
  } finally {
    await context.close();
  }
});
