// The web client against a real orbit-server in headless Chromium:
//   node --test tests/e2e/
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  animationFrames, errorsOf, openPage, screenshot, serverAndBrowserPerFile, startServer, stateOf, waitForState,
} from './harness.mjs';

const clientId = /^[0-9a-f]{32}$/;

const shared = serverAndBrowserPerFile();

test('two pages in a room learn their ids, connect peer to peer with audio and video, and a page that closes leaves', async () => {
  const context = await shared.browser.newContext({ viewport: { width: 960, height: 540 } });
  try {
    const alice = await openPage(context, `${shared.server.url}/room/test?name=Alice`);
    const bob = await openPage(context, `${shared.server.url}/room/test?name=Bob`);

    // Real RTCPeerConnections between the two pages, with Chromium's fake camera and
    // microphone; the stats poll has seen video frames arrive over a host candidate pair.
    const bothConnected = (state) =>
      state.connection === 'open' && /^[0-9a-f]{32}$/.test(state.self.id ?? '') &&
      state.roomInfo !== null && state.roomInfo.clients.length === 2 &&
      state.roomInfo.clients.map((c) => c.username).sort().join() === 'Alice,Bob' &&
      state.peers.length === 1 && state.peers[0].connection === 'connected' &&
      state.peers[0].audio && state.peers[0].video.received && state.peers[0].video.width > 0 &&
      state.peers[0].stats?.fps > 0;
    const states = {
      Alice: await waitForState(alice, 'Alice sees Bob\'s video', bothConnected),
      Bob: await waitForState(bob, 'Bob sees Alice\'s video', bothConnected),
    };

    for (const [name, other] of [['Alice', 'Bob'], ['Bob', 'Alice']]) {
      const state = states[name];
      assert.equal(state.room, 'test');
      assert.match(state.self.id, clientId);
      assert.equal(state.self.name, name);
      assert.equal(state.roomInfo.room_id, 'test');
      const [peer] = state.peers;
      assert.equal(peer.id, states[other].self.id);
      assert.equal(peer.name, other);
      assert.equal(peer.ice === 'connected' || peer.ice === 'completed', true, `ICE is ${peer.ice}`);
      assert.equal(peer.stats.localCandidate, 'host');
      assert.equal(peer.stats.remoteCandidate, 'host');
      // The smaller id is the polite one, on exactly one side.
      assert.equal(peer.polite, state.self.id < peer.id);
      assert.ok(state.media.microphone && state.media.camera, 'the fake devices are in use');
      assert.equal(state.media.error, null);
      assert.ok(state.roomInfo.clients.some((c) => c.id === state.self.id && c.username === name),
                `${name}'s own entry is in the room-info`);
    }
    assert.notEqual(states.Alice.self.id, states.Bob.self.id);
    await screenshot(bob, 'room-two-members');
    assert.deepEqual(errorsOf(bob), []);

    await bob.close();
    const alone = await waitForState(alice, 'Alice sees Bob leave',
                                     (state) => state.roomInfo.clients.length === 1);
    assert.equal(alone.connection, 'open');
    // With her microphone and camera on, and saying so.
    assert.deepEqual(alone.roomInfo.clients,
                     [{ id: states.Alice.self.id, username: 'Alice', muted: false, camera_off: false,
                        sharing_screen: false }]);
    assert.deepEqual(alone.peers, []);
    await screenshot(alice, 'room-after-leave');
    assert.deepEqual(errorsOf(alice), []);
  } finally {
    await context.close();
  }
});

test('a room page looks its room up once, as it opens, and the client takes that answer', async () => {
  const context = await shared.browser.newContext({ viewport: { width: 960, height: 540 } });
  try {
    // A password room: the look-up is what makes the page ask for the password.
    const created = await fetch(`${shared.server.url}/api/rooms`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'Looked Up', password: 'sesame' }),
    }).then((response) => response.json());
    const page = await openPage(context, `${shared.server.url}/room/${created.room_id}?name=Lou`);
    const state = await waitForState(page, 'the page asks for the password',
                                     (s) => s.prejoin !== null && s.prejoin.access === 'password');
    assert.equal(state.prejoin.name, 'Looked Up');
    // orbit-embed.js asked before the module was there; the client asked nothing more.
    const lookups = await page.evaluate((room) => performance.getEntriesByType('resource')
      .filter((e) => new URL(e.name).pathname === `/api/rooms/${room}`).length, created.room_id);
    assert.equal(lookups, 1);
    assert.deepEqual(errorsOf(page), []);
  } finally {
    await context.close();
  }
});

test('the page at / is not in a room and does not connect', async () => {
  const context = await shared.browser.newContext({ viewport: { width: 960, height: 540 } });
  try {
    const page = await openPage(context, `${shared.server.url}/`);
    const state = await waitForState(page, 'the client has started', () => true);
    assert.equal(state.room, null);
    assert.equal(state.connection, 'idle');
    assert.equal(state.self.id, null);
    await screenshot(page, 'lobby');
    // Nothing has changed since, but the count of frames drawn (the first ones, and the
    // screenshot's).
    const { framesDrawn: drawnBefore, ...before } = state;
    const { framesDrawn: drawnAfter, ...after } = await stateOf(page);
    assert.deepEqual(after, before);
    assert.ok(drawnAfter >= drawnBefore);
    assert.deepEqual(errorsOf(page), []);
  } finally {
    await context.close();
  }
});

test('the client downloads compressed, and a reload transfers only headers, the wasm not even those', async () => {
  const context = await shared.browser.newContext({ viewport: { width: 960, height: 540 } });
  try {
    const page = await openPage(context, `${shared.server.url}/`);
    await waitForState(page, 'the client has started', () => true);
    // The Resource Timing API's own figures: bytes on the wire (transferSize, headers
    // included), the body as sent (encodedBodySize) and as used (decodedBodySize).
    const transfers = () => page.evaluate(() => Object.fromEntries(
      performance.getEntriesByType('resource').concat(performance.getEntriesByType('navigation'))
        .map((e) => [new URL(e.name).pathname, { transfer: e.transferSize, encoded: e.encodedBodySize,
                                                decoded: e.decodedBodySize }])));
    const first = await transfers();
    // The wasm goes by a name with its content's hash in it.
    const wasm = Object.keys(first).find((file) => /^\/orbit\.[0-9a-f]{16}\.wasm$/.test(file));
    assert.ok(wasm, `a content-named orbit.wasm was loaded: ${JSON.stringify(first)}`);
    for (const file of ['/', '/orbit.js', wasm]) {
      assert.ok(first[file], `${file} was loaded: ${JSON.stringify(first)}`);
      assert.ok(first[file].encoded < first[file].decoded * 0.6,
                `${file} came compressed: ${JSON.stringify(first[file])}`);
    }

    await page.reload();
    await waitForState(page, 'the client has started again', () => true);
    const again = await transfers();
    for (const file of ['/', '/orbit.js']) {
      assert.ok(again[file].transfer < 1000,
                `${file} was revalidated, not downloaded again: ${JSON.stringify(again[file])}`);
    }
    // Kept for good: not even asked for again.
    assert.equal(again[wasm].transfer, 0, `${wasm} came from the cache: ${JSON.stringify(again[wasm])}`);
    assert.deepEqual(errorsOf(page), []);
  } finally {
    await context.close();
  }
});

test('the canvas covers the window in device pixels and follows a resize', async () => {
  const context = await shared.browser.newContext({ viewport: { width: 800, height: 450 }, deviceScaleFactor: 2 });
  try {
    const page = await openPage(context, `${shared.server.url}/room/sizes`);
    await waitForState(page, 'the client has started', () => true);
    const canvasIs = (width, height) => page.waitForFunction(
      ([w, h]) => {
        const canvas = document.getElementById('canvas');
        return canvas.width === w && canvas.height === h;
      },
      [width, height], { timeout: 20000 });
    await canvasIs(1600, 900);
    await page.setViewportSize({ width: 640, height: 360 });
    await canvasIs(1280, 720);
    await screenshot(page, 'resized-at-2x');
    assert.deepEqual(errorsOf(page), []);
  } finally {
    await context.close();
  }
});

test('an idle page draws nothing, and input makes it draw again', async () => {
  const context = await shared.browser.newContext({ viewport: { width: 800, height: 450 } });
  try {
    // Counts the frames the client draws: each one starts with a clear.
    await context.addInitScript(() => {
      window.framesDrawn = 0;
      const clear = WebGL2RenderingContext.prototype.clear;
      WebGL2RenderingContext.prototype.clear = function (mask) {
        window.framesDrawn += 1;
        return clear.call(this, mask);
      };
    });
    // The lobby, where no network event can arrive to make it draw.
    const page = await openPage(context, `${shared.server.url}/`);
    await waitForState(page, 'the client has started', () => true);
    await animationFrames(page, 10);  // the first frames fit the canvas and lay the window out
    const framesDrawn = () => page.evaluate(() => window.framesDrawn);
    const settled = await framesDrawn();
    assert.ok(settled > 0, 'the client drew its first frames');

    await animationFrames(page, 30);
    assert.equal(await framesDrawn(), settled, 'nothing changed, so nothing was drawn');

    await page.mouse.move(200, 100);
    await animationFrames(page, 5);
    assert.ok(await framesDrawn() > settled, 'moving the mouse draws again');
    assert.deepEqual(errorsOf(page), []);
  } finally {
    await context.close();
  }
});

test('when the server goes away the page shows the connection closed, with its code', async () => {
  const ownServer = await startServer();
  const context = await shared.browser.newContext({ viewport: { width: 960, height: 540 } });
  try {
    const page = await openPage(context, `${ownServer.url}/room/shutdown?name=Carol`);
    await waitForState(page, 'Carol is in the room', (state) => state.connection === 'open' && state.roomInfo !== null);
    await ownServer.stop();
    const state = await waitForState(page, 'the page sees the server go',
                                     (state) => state.connection === 'closed' || state.connection === 'error');
    assert.ok(Number.isInteger(state.close?.code) && state.close.code >= 1000, JSON.stringify(state.close));
    await screenshot(page, 'server-gone');
    assert.deepEqual(errorsOf(page), []);
  } finally {
    await context.close();
    await ownServer.stop();
  }
});
