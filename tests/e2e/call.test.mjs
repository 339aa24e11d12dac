// Calls between real Chromium pages through a real orbit-server, with Chromium's fake camera
// and microphone: video, chat, mute, leaving, a refused camera, a server restart. Every input
// goes through the canvas where the client drew its controls.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  clickItem, errorsOf, frames, launchBrowser, meshed, openPage, pressKey, screenshot, serverAndBrowserPerFile,
  startServer, stateOf, typeInto, videoAdvances, waitForState,
} from './harness.mjs';

const shared = serverAndBrowserPerFile();

const viewport = { width: 1280, height: 720 };

// Pages in one room, each under its name, in a context of their own browser.
async function join(room, names, { on = shared.server, within = shared.browser } = {}) {
  const context = await within.newContext({ viewport });
  const pages = {};
  for (const name of names) pages[name] = await openPage(context, `${on.url}/room/${room}?name=${name}`);
  return { context, pages };
}

test('two pages see each other\'s video advancing, and a chat line crosses', async () => {
  const { context, pages } = await join('pair', ['Ann', 'Ben']);
  try {
    for (const page of Object.values(pages)) await waitForState(page, 'the call is up', meshed, 1);
    for (const [name, page] of Object.entries(pages)) {
      await videoAdvances(page, `${name} sees the other video move`, await frames(page));
      const [peer] = (await stateOf(page)).peers;
      assert.ok(peer.video.width > 0 && peer.video.height > 0, JSON.stringify(peer.video));
    }

    await typeInto(pages.Ann, 'Chat input', 'hello Ben');
    await pressKey(pages.Ann, 'Enter');
    const ben = await waitForState(pages.Ben, 'Ben gets the line',
                                   (s) => s.messages.some((m) => m.text === 'hello Ben'));
    const line = ben.messages.find((m) => m.text === 'hello Ben');
    assert.equal(line.from, 'Ann');
    assert.equal(line.to, null);
    assert.ok(Math.abs(line.time - Date.now()) < 60000, `time ${line.time}`);
    // Ann sees her own line once the server has echoed it.
    await waitForState(pages.Ann, 'Ann sees her line', (s) => s.messages.some((m) => m.text === 'hello Ben' && m.self));
    await screenshot(pages.Ann, 'call-two-pages-ann');
    await screenshot(pages.Ben, 'call-two-pages-ben');
    for (const page of Object.values(pages)) assert.deepEqual(errorsOf(page), []);
  } finally {
    await context.close();
  }
});

test('three pages form a full mesh', async () => {
  const { context, pages } = await join('trio', ['Ann', 'Ben', 'Cat']);
  try {
    for (const page of Object.values(pages)) await waitForState(page, 'everyone is connected', meshed, 2);
    for (const [name, page] of Object.entries(pages)) {
      await videoAdvances(page, `${name} sees both videos move`, await frames(page), 5);
      const state = await stateOf(page);
      assert.deepEqual(state.peers.map((p) => p.name).sort(), ['Ann', 'Ben', 'Cat'].filter((n) => n !== name));
      // A tile for everyone, ourselves included.
      assert.equal(Object.keys(state.ui).filter((k) => k.startsWith('Tile ')).length, 3);
    }
    await screenshot(pages.Cat, 'call-three-pages');
  } finally {
    await context.close();
  }
});

test('a mute shows on the other side, and so does the camera going off', async () => {
  const { context, pages } = await join('mute', ['Ann', 'Ben']);
  try {
    for (const page of Object.values(pages)) await waitForState(page, 'the call is up', meshed, 1);
    await clickItem(pages.Ann, 'Mute');
    await waitForState(pages.Ben, 'Ben sees Ann muted', (s) => s.peers[0].muted === true);
    assert.equal((await stateOf(pages.Ann)).media.muted, true);
    await clickItem(pages.Ann, 'Camera');
    await waitForState(pages.Ben, 'Ben sees Ann\'s camera off', (s) => s.peers[0].cameraOff === true);
    await screenshot(pages.Ben, 'call-ann-muted');
    await clickItem(pages.Ann, 'Mute');
    await waitForState(pages.Ben, 'Ben sees Ann unmuted', (s) => s.peers[0].muted === false);
  } finally {
    await context.close();
  }
});

test('a peer that leaves loses its tile on the other side', async () => {
  const { context, pages } = await join('leave', ['Ann', 'Ben']);
  try {
    for (const page of Object.values(pages)) await waitForState(page, 'the call is up', meshed, 1);
    await waitForState(pages.Ann, 'Ann shows Ben\'s tile', (s) => Array.isArray(s.ui['Tile Ben']));
    await clickItem(pages.Ben, 'Leave');
    await waitForState(pages.Ben, 'Ben has left', (s) => s.screen === 'left' && s.connection === 'closed');
    const ann = await waitForState(pages.Ann, 'Ben\'s tile is gone',
                                   (s) => s.peers.length === 0 && !('Tile Ben' in s.ui));
    assert.ok(ann.notifications.some((n) => n.kind === 'peer-left' && n.text === 'Ben left'),
              JSON.stringify(ann.notifications));
    await screenshot(pages.Ann, 'call-after-ben-left');
  } finally {
    await context.close();
  }
});

test('a camera the browser refuses gives a notification, and the call goes on receive-only', async () => {
  // Without the fake permission prompt, and every prompt refused.
  const refusing = await launchBrowser({ fakeMediaUi: false, extraArgs: ['--deny-permission-prompts'] });
  const viewer = await join('refused', ['Vic'], { within: refusing });
  const sender = await join('refused', ['Sam']);
  try {
    const vic = await waitForState(viewer.pages.Vic, 'Vic is told',
                                   (s) => s.notifications.some((n) => n.kind === 'media-error'));
    assert.match(vic.notifications.find((n) => n.kind === 'media-error').text, /NotAllowedError/);
    assert.equal(vic.media.camera, null);
    // The state says what the UI shows: nothing goes out, so muted and camera off.
    assert.equal(vic.media.muted, true);
    assert.equal(vic.media.cameraEnabled, false);
    await waitForState(viewer.pages.Vic, 'Vic receives Sam', meshed, 1);
    await videoAdvances(viewer.pages.Vic, 'Sam\'s video moves for Vic', await frames(viewer.pages.Vic));
    const sam = await waitForState(sender.pages.Sam, 'Sam is connected to Vic',
                                   (s) => s.peers.length === 1 && s.peers[0].connection === 'connected');
    assert.equal(sam.peers[0].video.received, false);  // Vic sends nothing
    assert.equal(sam.peers[0].cameraOff, true);
    assert.equal(sam.peers[0].muted, true);
    await screenshot(viewer.pages.Vic, 'call-camera-refused');
  } finally {
    await viewer.context.close();
    await sender.context.close();
    await refusing.close();
  }
});

test('a page whose camera is still starting already gets the other\'s video, and sends its own once the camera comes', async () => {
  const first = await join('late-camera', ['Ada']);
  await waitForState(first.pages.Ada, 'Ada is in with her camera', (s) => s.connection === 'open' && s.media.camera !== null);
  // Leo's camera and microphone answer only when the test says so; his page keeps its
  // RTCPeerConnections where the test can count their m-lines.
  const context = await shared.browser.newContext({ viewport });
  await context.addInitScript(() => {
    let release;
    const released = new Promise((resolve) => { release = resolve; });
    window.releaseCamera = release;
    const getUserMedia = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
    navigator.mediaDevices.getUserMedia = (constraints) => released.then(() => getUserMedia(constraints));
    const Native = window.RTCPeerConnection;
    window.connections = [];
    window.signaling = [];
    window.RTCPeerConnection = function (...args) {
      const pc = new Native(...args);
      window.connections.push(pc);
      pc.addEventListener('signalingstatechange', () => window.signaling.push(pc.signalingState));
      return pc;
    };
    window.RTCPeerConnection.prototype = Native.prototype;
  });
  try {
    const leo = await openPage(context, `${shared.server.url}/room/late-camera?name=Leo`);
    const waiting = await waitForState(leo, 'Leo sees Ada\'s video before his camera has started', meshed, 1);
    assert.equal(waiting.media.camera, null);
    // He came later, so he made the first offer, at once, without waiting for a camera or for
    // Ada to give up waiting for him (VideoPeer::Options::theirFirstOfferWait).
    assert.equal(await leo.evaluate(() => window.signaling[0]), 'have-local-offer');
    const ada = await waitForState(first.pages.Ada, 'Ada is connected to Leo',
                                   (s) => s.peers.length === 1 && s.peers[0].connection === 'connected');
    assert.equal(ada.peers[0].video.received, false);

    await leo.evaluate(() => window.releaseCamera());
    await waitForState(first.pages.Ada, 'Ada gets Leo\'s video once his camera has started', meshed, 1);
    await videoAdvances(first.pages.Ada, 'Leo\'s video moves for Ada', await frames(first.pages.Ada));
    // His camera and microphone went out on the m-lines his first offer made to receive.
    const transceivers = await leo.evaluate(() => window.connections.map((pc) => pc.getTransceivers()
      .map((t) => `${t.receiver.track.kind} ${t.currentDirection}`)));
    assert.deepEqual(transceivers, [['audio sendrecv', 'video sendrecv']]);
    assert.deepEqual(errorsOf(leo), []);
  } finally {
    await context.close();
    await first.context.close();
  }
});

test('after the server restarts mid-call the pages reconnect, the video resumes, and a line typed meanwhile reaches everyone', async () => {
  let own = await startServer();
  const port = Number(new URL(own.url).port);
  const { context, pages } = await join('restart', ['Ann', 'Ben'], { on: own });
  try {
    for (const page of Object.values(pages)) await waitForState(page, 'the call is up', meshed, 1);
    // What an embedder hears of it: the events from here on.
    const benBefore = (await stateOf(pages.Ben)).self.id;
    await pages.Ann.evaluate(() => { window.heard = []; window.orbit.on('*', (e) => window.heard.push(e)); });
    await own.stop();
    for (const page of Object.values(pages)) {
      await waitForState(page, 'the page sees the server go', (s) => s.connection !== 'open');
    }
    // Typed while the server is away: it waits, greyed, rather than reaching whoever is back first.
    await clickItem(pages.Ann, 'Tab Chat');
    await typeInto(pages.Ann, 'Chat input', 'still there?');
    await pressKey(pages.Ann, 'Enter');
    const waiting = await waitForState(pages.Ann, 'the line waits', (s) => s.unsent.length === 1 &&
                                       Array.isArray(s.ui['Unsent line 1']));
    assert.equal(waiting.unsent[0].state, 'waiting');
    await screenshot(pages.Ann, 'call-line-waiting');
    own = await startServer({ port });
    for (const [name, page] of Object.entries(pages)) {
      const back = await waitForState(page, `${name} is back in the call`,
                                      (s) => s.joins === 2 && s.connection === 'open' && s.peers.length === 1 &&
                                             s.peers[0].connection === 'connected' && s.peers[0].video.frames > 0,
                                      null, { timeoutMs: 40000 });
      await videoAdvances(page, `${name}'s video resumes`, await frames(page));
      assert.ok(back.notifications.some((n) => n.text === 'Reconnected to the server'), JSON.stringify(back.notifications));
    }
    // Ann's embedder was told the server went and came back, that Ben's old id is gone, and
    // that Ben is there under his new one.
    const benAfter = (await stateOf(pages.Ben)).self.id;
    assert.notEqual(benAfter, benBefore);
    const heard = (await pages.Ann.evaluate(() => window.heard)).filter((e) => e.event !== 'state');
    const index = (predicate) => heard.findIndex(predicate);
    const lost = index((e) => e.event === 'disconnected' && e.code === 'connection-lost' && e.reconnecting === true);
    const back = index((e) => e.event === 'reconnected');
    const gone = index((e) => e.event === 'peer-left' && e.peer === benBefore && e.name === 'Ben');
    // Present if Ben was back before Ann, a newcomer if after her.
    const again = index((e) => e.event === 'peer-joined' && e.peer === benAfter && e.name === 'Ben');
    assert.ok(lost >= 0 && back > lost && gone > lost && again > gone, JSON.stringify(heard));
    // Reconnect attempts that fail are no error: disconnected said it, once.
    assert.equal(heard.filter((e) => e.event === 'error').length, 0, JSON.stringify(heard));
    await waitForState(pages.Ben, 'the line typed in the outage reaches Ben',
                       (s) => s.messages.some((m) => m.from === 'Ann' && m.text === 'still there?'));
    await waitForState(pages.Ann, 'and is in Ann\'s log, sent', (s) => s.unsent.length === 0 &&
                       s.messages.some((m) => m.self && m.text === 'still there?'));
    await screenshot(pages.Ann, 'call-after-restart');
    for (const page of Object.values(pages)) assert.deepEqual(errorsOf(page), []);
  } finally {
    await context.close();
    await own.stop();
  }
});

test('a screen share replaces the camera for the other side, and stopping brings the camera back', async () => {
  const { context, pages } = await join('share', ['Ann', 'Ben']);
  try {
    for (const page of Object.values(pages)) await waitForState(page, 'the call is up', meshed, 1);
    const camera = (await waitForState(pages.Ben, 'Ben knows Ann\'s picture size',
                                       (s) => s.peers[0].video.width > 0)).peers[0].video;
    await clickItem(pages.Ann, 'Share screen');
    await waitForState(pages.Ann, 'Ann is sharing', (s) => s.media.screen !== null);
    await waitForState(pages.Ben, 'Ben is told Ann shares her screen', (s) => s.peers[0].sharingScreen === true);
    await waitForState(pages.Ben, 'Ben gets the screen', (s, size) =>
      s.peers[0].video.width !== size.width || s.peers[0].video.height !== size.height, camera);
    await screenshot(pages.Ben, 'call-screen-shared');
    await clickItem(pages.Ann, 'Share screen');  // now "Stop sharing"
    await waitForState(pages.Ann, 'Ann stopped sharing', (s) => s.media.screen === null);
    await waitForState(pages.Ben, 'Ben is told she stopped', (s) => s.peers[0].sharingScreen === false);
    await waitForState(pages.Ben, 'Ben gets the camera again', (s, size) =>
      s.peers[0].video.width === size.width && s.peers[0].video.height === size.height, camera);
    // Without a new offer: the connection is the same one throughout.
    assert.equal((await stateOf(pages.Ben)).peers[0].connection, 'connected');
  } finally {
    await context.close();
  }
});

test('the microphone can be switched mid-call from the devices menu', async () => {
  const { context, pages } = await join('devices', ['Ann', 'Ben']);
  try {
    for (const page of Object.values(pages)) await waitForState(page, 'the call is up', meshed, 1);
    const before = (await stateOf(pages.Ann)).media.microphone;
    await clickItem(pages.Ann, 'Devices');
    await clickItem(pages.Ann, 'Microphone device');
    // Chromium's fake devices: "Fake Audio Input 1" is not the default one in use.
    await clickItem(pages.Ann, 'Microphone device Fake Audio Input 1');
    const after = await waitForState(pages.Ann, 'Ann uses the other microphone',
                                     (s, id) => s.media.microphone && s.media.microphone.id !== id, before.id);
    assert.equal(after.media.microphone.label, 'Fake Audio Input 1');
    const ben = await stateOf(pages.Ben);
    assert.equal(ben.peers[0].connection, 'connected');
    assert.equal(ben.peers[0].audio, true);
  } finally {
    await context.close();
  }
});

test('a direct message reaches only the one it is sent to', async () => {
  const { context, pages } = await join('direct', ['Ann', 'Ben', 'Cat']);
  try {
    for (const page of Object.values(pages)) await waitForState(page, 'everyone is connected', meshed, 2);
    await clickItem(pages.Ann, 'Chat recipient');
    await clickItem(pages.Ann, 'Chat to Cat');
    await typeInto(pages.Ann, 'Chat input', 'just for Cat');
    await pressKey(pages.Ann, 'Enter');
    const cat = await waitForState(pages.Cat, 'Cat gets it', (s) => s.messages.some((m) => m.text === 'just for Cat'));
    assert.equal(cat.messages.find((m) => m.text === 'just for Cat').to, cat.self.id);
    const ann = await waitForState(pages.Ann, 'Ann keeps it', (s) => s.messages.some((m) => m.text === 'just for Cat'));
    assert.equal(ann.messages.find((m) => m.text === 'just for Cat').to, cat.self.id);
    // Ben gets nothing: a room line sent afterwards arrives, the direct one never did.
    await typeInto(pages.Cat, 'Chat input', 'to everyone');
    await pressKey(pages.Cat, 'Enter');
    const ben = await waitForState(pages.Ben, 'Ben gets the room line', (s) => s.messages.some((m) => m.text === 'to everyone'));
    assert.ok(!ben.messages.some((m) => m.text === 'just for Cat'));
  } finally {
    await context.close();
  }
});

test('the embedding example mounts a call in its own page and drives it through the API', async () => {
  const { context, pages } = await join('standup', ['Ben']);
  try {
    const embed = await openPage(context, `${shared.server.url}/embed-example.html`);
    // The embedding page has no window.orbit of its own: ask the handle it made.
    await embed.waitForFunction(() => typeof call !== 'undefined' && call.state() &&
                                      call.state().peers.length === 1 && call.state().peers[0].connection === 'connected',
                                null, { timeout: 20000 });
    await embed.click('#hello');
    await waitForState(pages.Ben, 'Ben gets the page\'s hello',
                       (s) => s.messages.some((m) => m.text === 'hello from the embedding page'));
    await embed.click('#mute');
    await waitForState(pages.Ben, 'Ben sees the guest muted', (s) => s.peers[0].muted === true);
    // Events reach the page's subscribers.
    await pages.Ben.evaluate(() => window.orbit.sendText('hi guest'));
    await embed.waitForFunction(() => document.getElementById('log').textContent === 'Ben: hi guest', null,
                                { timeout: 20000 });
    assert.equal(await embed.evaluate(() => window.location.pathname), '/embed-example.html');
    await screenshot(embed, 'embed-example');
    assert.deepEqual(errorsOf(embed), []);
  } finally {
    await context.close();
  }
});
