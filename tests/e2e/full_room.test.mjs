// A full room, and what comes after Leave, in headless Chromium against a real orbit-server:
// the third person at a room for two is told it is full and may wait for a place; whoever
// leaves gets a screen that offers Rejoin and Back to the lobby, and no live call controls.
//   node --test tests/e2e/full_room.test.mjs
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  animationFrames, clickItem, createRoom as createRoomAt, errorsOf, openPage, pressKey, screenshot,
  serverAndBrowserPerFile, stateOf, waitForState,
} from './harness.mjs';

const shared = serverAndBrowserPerFile();

const createRoom = (body) => createRoomAt(shared.server.url, body);

const inRoom = (s) => s.screen === 'room' && s.connection === 'open';

test('a third person at a room for two is told it is full, waits, and comes in when someone leaves', async () => {
  const room = await createRoom({ name: 'Pair of Us', guest_limit: 2 });
  const context = await shared.browser.newContext({ viewport: { width: 1000, height: 600 } });
  try {
    const ann = await openPage(context, `${shared.server.url}/room/${room}?name=Ann`);
    await waitForState(ann, 'Ann is in the room', inRoom);
    // The header names the room by its name, not its address.
    const annIn = await waitForState(ann, 'the room is known by its name', (s) => s.prejoin.name === 'Pair of Us');
    assert.ok(Array.isArray(annIn.ui['Room title']));
    const bob = await openPage(context, `${shared.server.url}/room/${room}?name=Bob`);
    await waitForState(bob, 'Bob is in the room', (s) => s.screen === 'room' && s.connection === 'open' && s.roomInfo?.clients.length === 2);

    // Cy's invite link: the pre-join screen says the room is full, and never connects.
    const cy = await openPage(context, `${shared.server.url}/room/${room}?name=Cy`);
    const told = await waitForState(cy, 'Cy is told the room is full',
                                    (s) => s.screen === 'prejoin' && s.prejoin.full &&
                                           Array.isArray(s.ui['Wait for a place']));
    assert.equal(told.prejoin.error, 'This room is full (2 of 2 people). Wait for a place, or try again later.');
    assert.equal(told.connection, 'idle');
    await screenshot(cy, 'full-room-prejoin');

    await clickItem(cy, 'Wait for a place');
    await waitForState(cy, 'Cy waits for a place', (s) => s.prejoin.waiting && Array.isArray(s.ui['Stop waiting']));
    await screenshot(cy, 'full-room-waiting');

    // Ann leaves: the Left screen, with nothing of the call left to press.
    await clickItem(ann, 'Leave');
    const left = await waitForState(ann, 'Ann sees the Left screen',
                                    (s) => s.screen === 'left' && Array.isArray(s.ui.Rejoin) &&
                                           Array.isArray(s.ui['Back to the lobby']));
    for (const control of ['Mute', 'Camera', 'Share screen', 'Devices', 'Leave', 'Chat input']) {
      assert.equal(left.ui[control], undefined, `${control} is still on the Left screen`);
    }
    assert.equal(left.media.microphone, null);  // the devices were let go
    await screenshot(ann, 'left-screen');

    // Cy takes the free place on her own.
    await waitForState(cy, 'Cy is let in', (s) => s.screen === 'room' && s.connection === 'open' && s.roomInfo?.clients.length === 2);
    await waitForState(bob, 'Bob sees Cy', (s) => s.roomInfo?.clients.some((c) => c.username === 'Cy'));

    // Ann's Rejoin finds the room full again, and says so rather than failing to connect.
    await clickItem(ann, 'Rejoin');
    await waitForState(ann, 'Ann is told the room is full', (s) => s.screen === 'prejoin' && s.prejoin.full);
    // Bob leaves and goes back to the lobby; then Ann's wait lets her in.
    await clickItem(bob, 'Leave');
    await clickItem(bob, 'Back to the lobby');
    await waitForState(bob, 'Bob is in the lobby', (s) => s.screen === 'lobby' && s.lobby.rooms !== undefined);
    assert.equal(new URL(bob.url()).pathname, '/');
    await clickItem(ann, 'Wait for a place');
    await waitForState(ann, 'Ann is back in', (s) => s.screen === 'room' && s.connection === 'open' && s.self.name === 'Ann' && s.roomInfo?.clients.length === 2);
    for (const page of [ann, bob, cy]) assert.deepEqual(errorsOf(page), [], page.url());
  } finally {
    await context.close();
  }
});

test('a guest limit past the server\'s largest room is refused in words in the lobby', async () => {
  const context = await shared.browser.newContext({ viewport: { width: 1000, height: 600 } });
  try {
    const page = await openPage(context, `${shared.server.url}/`);
    await waitForState(page, 'the lobby is up', (s) => s.screen === 'lobby');
    const { ui } = await stateOf(page);
    assert.ok(Array.isArray(ui['Guest limit']));
    // Typed, as a person would: click into the number (left of its - and + buttons), take
    // out the 0 and type.
    await clickItem(page, 'Room name');
    await page.keyboard.type('Crowd');
    const [x, y, , height] = ui['Guest limit'];
    await page.mouse.click(x + 8, y + height / 2);
    await animationFrames(page, 2);
    await pressKey(page, 'End');
    await pressKey(page, 'Backspace');
    await page.keyboard.type('999');
    await animationFrames(page, 2);
    await clickItem(page, 'Create');
    const refused = await waitForState(page, 'the limit is refused in words', (s) => s.lobby.createError !== '');
    assert.match(refused.lobby.createError, /guest limit of 999 is more than this server's largest room \(50\)/);
    assert.equal(refused.screen, 'lobby');
  } finally {
    await context.close();
  }
});
