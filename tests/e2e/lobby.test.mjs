// The entry screens in headless Chromium against a real orbit-server, driven the way a person
// does it: clicks and typing at the controls' rectangles from window.orbit.state().ui.
//   node --test tests/e2e/lobby.test.mjs
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  clickItem, errorsOf, openPage, pressKey, screenshot, serverAndBrowserPerFile, startServer, typeInto, waitForState,
} from './harness.mjs';

const shared = serverAndBrowserPerFile();

// Console errors, less Chromium's line for every 4xx answer: the API's 401 and 409 are
// answers these tests ask for.
function unexpectedErrors(page) {
  return errorsOf(page).filter(
    (line) => !/Failed to load resource: the server responded with a status of (401|409)/.test(line));
}

test('a password room made in the lobby is listed with its count, and a second page gets in only with the password', async () => {
  const context = await shared.browser.newContext({ viewport: { width: 1100, height: 700 } });
  try {
    // Alice creates "Secret Den", public, with a password, from the lobby.
    const alice = await openPage(context, `${shared.server.url}/`);
    await waitForState(alice, 'Alice sees the lobby', (s) => s.screen === 'lobby');
    await typeInto(alice, 'Room name', 'Secret Den');
    await typeInto(alice, 'Room password', 'hunter2');
    await clickItem(alice, 'Create');

    // The creator is not asked for the password she just chose; the address bar follows.
    await waitForState(alice, 'Alice is on the pre-join screen',
                       (s) => s.screen === 'prejoin' && s.prejoin.room === 'secret-den' && s.prejoin.access === 'open');
    assert.equal(new URL(alice.url()).pathname, '/room/secret-den');
    const withPreview = await waitForState(alice, 'Alice sees her camera and the device lists',
                                           (s) => s.media.camera !== null && s.prejoin.devices.cameras.length > 0 &&
                                                  Boolean(s.ui.Preview));
    assert.ok(withPreview.prejoin.devices.microphones.length > 0);
    await typeInto(alice, 'Your name', 'Alice');
    await clickItem(alice, 'Join');
    await waitForState(alice, 'Alice is in the room',
                       (s) => s.screen === 'room' && s.connection === 'open' && s.roomInfo?.clients.length === 1);

    // Bob's lobby lists it with one person in it and a lock.
    const bob = await openPage(context, `${shared.server.url}/`);
    const listed = await waitForState(bob, 'Bob sees Secret Den listed with one person',
                                      (s) => s.lobby.rooms.some((r) => r.room_id === 'secret-den' && r.clients === 1));
    const room = listed.lobby.rooms.find((r) => r.room_id === 'secret-den');
    assert.equal(room.name, 'Secret Den');
    assert.equal(room.has_password, true);
    await screenshot(bob, 'lobby-public-list');

    // Bob opens it: the password prompt; a wrong password is refused in words.
    await clickItem(bob, 'Join secret-den');
    await waitForState(bob, 'Bob is asked for the password',
                       (s) => s.screen === 'prejoin' && s.prejoin.access === 'password' && Boolean(s.ui.Password));
    assert.equal(new URL(bob.url()).pathname, '/room/secret-den');
    await typeInto(bob, 'Your name', 'Bob');
    await typeInto(bob, 'Password', 'guess');
    await clickItem(bob, 'Join');
    const refused = await waitForState(bob, 'Bob\'s wrong password is refused',
                                       (s) => /wrong password/i.test(s.prejoin.error) && !s.prejoin.busy);
    assert.equal(refused.screen, 'prejoin');
    assert.equal(refused.connection, 'idle');
    await screenshot(bob, 'prejoin-wrong-password');

    // The right one lets him in, and the two meet.
    await typeInto(bob, 'Password', 'hunter2', { erase: 'guess'.length });
    await clickItem(bob, 'Join');
    const joined = await waitForState(bob, 'Bob is in the room with Alice',
                                      (s) => s.screen === 'room' && s.connection === 'open' &&
                                             s.roomInfo?.clients.length === 2);
    assert.deepEqual(joined.roomInfo.clients.map((c) => c.username).sort(), ['Alice', 'Bob']);
    assert.equal(joined.self.name, 'Bob');
    await waitForState(alice, 'Alice sees Bob', (s) => s.roomInfo?.clients.length === 2);
    await screenshot(bob, 'lobby-password-room-joined');
    assert.deepEqual(unexpectedErrors(alice), []);
    assert.deepEqual(unexpectedErrors(bob), []);
  } finally {
    await context.close();
  }
});

async function createRoom(body, server = shared.server) {
  const made = await fetch(`${server.url}/api/rooms`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  assert.equal(made.status, 201);
}

test('a room\'s name of 64 Cyrillic letters is typed whole, and a 65th is refused in words', async () => {
  // 64 characters is the limit (docs/protocol.md): 128 bytes in Cyrillic, 256 in some scripts.
  const context = await shared.browser.newContext({ viewport: { width: 1100, height: 700 } });
  try {
    const name = 'Ежедневная встреча'.padEnd(64, 'я');
    const page = await openPage(context, `${shared.server.url}/`);
    await waitForState(page, 'the lobby', (s) => s.screen === 'lobby');
    await typeInto(page, 'Room name', `${name}я`);
    await clickItem(page, 'Create');
    await waitForState(page, 'the 65th letter is refused', (s) => /at most 64/.test(s.lobby.createError));
    await typeInto(page, 'Room name', '', { erase: 1 });
    await clickItem(page, 'Create');
    const created = await waitForState(page, 'the room is made under the whole name', (s) => s.screen === 'prejoin');
    assert.equal(created.prejoin.room, name.toLowerCase().replace(' ', '-'));
    const listed = await (await fetch(`${shared.server.url}/api/rooms`)).json();
    assert.equal(listed.find((room) => room.room_id === created.prejoin.room)?.name, name);
    // Listed, the name too long for its column ends in "…" within it, and the id after it is left out.
    const other = await openPage(context, `${shared.server.url}/`);
    const { ui } = await waitForState(other, 'the lobby lists it', (s, id) => Array.isArray(s.ui[`Room name ${id}`]),
                                      created.prejoin.room);
    const [x, , width] = ui[`Room name ${created.prejoin.room}`];
    assert.ok(x + width < ui[`People in ${created.prejoin.room}`][0], `the name ends before the next column: ${x + width}`);
    assert.equal(ui[`Room id ${created.prejoin.room}`], undefined);
    assert.deepEqual(unexpectedErrors(page).filter((line) => !/status of 400/.test(line)), []);
  } finally {
    await context.close();
  }
});

test('a taken name is refused in words; private password rooms ask for the password, with ?name= too', async () => {
  const context = await shared.browser.newContext({ viewport: { width: 1100, height: 700 } });
  try {
    await createRoom({ name: 'Vault', password: 'open sesame', public: false });
    await createRoom({ name: 'Attic', password: 'dusty', public: false });

    const page = await openPage(context, `${shared.server.url}/`);
    await waitForState(page, 'the lobby', (s) => s.screen === 'lobby');
    await typeInto(page, 'Room name', 'Vault');
    await clickItem(page, 'Create');
    const taken = await waitForState(page, 'the taken name is refused', (s) => s.lobby.createError !== '');
    assert.match(taken.lobby.createError, /"vault" exists already/);
    assert.equal(taken.screen, 'lobby');
    assert.ok(!taken.lobby.rooms.some((r) => r.room_id === 'vault'), 'a private room is not listed');
    await screenshot(page, 'lobby-name-taken');

    // A private room is not in the list, but the pre-join screen looks it up and asks at once.
    await typeInto(page, 'Join name', 'Vault');
    await clickItem(page, 'Join by name');
    // The controls move once the room has been looked up, so wait for that before clicking.
    await waitForState(page, 'the pre-join screen for vault asks for its password',
                       (s) => s.screen === 'prejoin' && s.prejoin.room === 'vault' && s.prejoin.access === 'password');
    await typeInto(page, 'Your name', 'Carol');
    await typeInto(page, 'Password', 'open sesame');
    await clickItem(page, 'Join');
    const carol = await waitForState(page, 'Carol is in', (s) => s.screen === 'room' && s.connection === 'open');
    assert.equal(carol.self.name, 'Carol');
    await screenshot(page, 'prejoin-private-password-joined');

    // A name in the URL skips the pre-join screen, but not a password, even for a room nobody lists.
    const dave = await openPage(context, `${shared.server.url}/room/attic?name=Dave`);
    const asked = await waitForState(dave, 'Dave is asked for the password',
                                     (s) => s.screen === 'prejoin' && s.prejoin.access === 'password');
    assert.equal(asked.connection, 'idle');
    await typeInto(dave, 'Password', 'dusty');
    await clickItem(dave, 'Join');
    const inside = await waitForState(dave, 'Dave is in', (s) => s.screen === 'room' && s.connection === 'open');
    assert.equal(inside.self.name, 'Dave');
    await screenshot(dave, 'prejoin-name-in-url-password');
    assert.deepEqual(unexpectedErrors(page), []);
    assert.deepEqual(unexpectedErrors(dave), []);
  } finally {
    await context.close();
  }
});

test('a page in a password room gets back in after its join token has expired, the token in no URL', async () => {
  // Tokens that live two seconds, rather than ten minutes.
  const own = await startServer({ args: ['--token-ttl', '2'] });
  const context = await shared.browser.newContext({ viewport: { width: 1100, height: 700 } });
  try {
    // Every WebSocket the page opens, so that the test can see its URL and cut it.
    await context.addInitScript(() => {
      const Native = window.WebSocket;
      window.sockets = [];
      window.WebSocket = class extends Native {
        constructor(...args) {
          super(...args);
          this.offered = args[1];
          window.sockets.push(this);
        }
      };
    });
    await createRoom({ name: 'Den', password: 'badger', public: false }, own);
    // Every URL the page asks for, the WebSockets' too: a join token is in none of them.
    const urls = [];
    context.on('request', (request) => urls.push(request.url()));
    const page = await openPage(context, `${own.url}/room/den?name=Eve`);
    await waitForState(page, 'Eve is asked for the password', (s) => s.prejoin.access === 'password');
    await typeInto(page, 'Password', 'badger');
    await clickItem(page, 'Join');
    await waitForState(page, 'Eve is in', (s) => s.screen === 'room' && s.connection === 'open');
    // The token goes as the subprotocol "orbit-token.<token>", beside "orbit", which the
    // server selects.
    const tokenOf = (socket) => {
      assert.equal(socket.protocol, 'orbit');
      assert.equal(new URL(socket.url).search, '');
      assert.equal(socket.offered[0], 'orbit');
      assert.match(socket.offered[1], /^orbit-token\./);
      return socket.offered[1].slice('orbit-token.'.length);
    };
    const lastSocket = () => page.evaluate(() => {
      const socket = window.sockets.at(-1);
      return { url: socket.url, protocol: socket.protocol, offered: socket.offered };
    });
    const first = tokenOf(await lastSocket());
    const expiry = Number(first.split('.')[0]);
    await page.waitForFunction((e) => Date.now() / 1000 > e + 1, expiry, { timeout: 10000 });

    // The network drops the connection; the old token would now be refused.
    await page.evaluate(() => window.sockets.at(-1).close());
    const back = await waitForState(page, 'Eve is back in', (s) => s.joins === 2 && s.connection === 'open',
                                    null, { timeoutMs: 30000 });
    assert.equal(back.room, 'den');
    const last = tokenOf(await lastSocket());
    assert.notEqual(last, first);
    assert.ok(Number(last.split('.')[0]) > expiry, `${last} is newer than ${first}`);
    urls.push(...await page.evaluate(() => window.sockets.map((socket) => socket.url)));
    assert.ok(urls.some((url) => /\/room\/den\/ws$/.test(url)), `the page's WebSockets: ${urls.join(' ')}`);
    const leaks = urls.filter((url) => url.includes('token') || url.includes(first) || url.includes(last));
    assert.deepEqual(leaks, []);
    await screenshot(page, 'password-room-reconnected-with-new-token');
  } finally {
    await context.close();
    await own.stop();
  }
});
