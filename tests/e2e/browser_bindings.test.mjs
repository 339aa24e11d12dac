// bindings/browser's PeerBackend and MediaBackend under the real client core, in headless
// Chromium: tests/browser/bindings_test.cpp runs one scenario per page load, served from its
// own folder by its own orbit-server, and publishes its state as window.bindingsState.
//   node --test tests/e2e/browser_bindings.test.mjs
import assert from 'node:assert/strict';
import { EventEmitter, once } from 'node:events';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { buildWebDir, errorsOf, launchBrowser, openPage, startServer } from './harness.mjs';

const testWebRoot = path.join(buildWebDir, 'tests/browser/web');

let server;
let browser;

before(async () => {
  server = await startServer({ webRoot: testWebRoot, requiredFile: 'bindings_test.wasm' });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function openScenario(context, scenario) {
  return openPage(context, `${server.url}/index.html?scenario=${scenario}`);
}

function stateOf(page) {
  return page.evaluate(() => window.bindingsState);
}

// Waits until `predicate(state, arg)` holds for window.bindingsState, failing at once if the
// program aborted. On failure the error shows the last state and the page's console.
async function waitFor(page, what, predicate, arg = null, { timeoutMs = 30000 } = {}) {
  try {
    await page.waitForFunction(
      `(() => {
        if (window.bindingsAborted !== null) return true;
        const state = window.bindingsState;
        return state !== null && (${predicate.toString()})(state, ${JSON.stringify(arg)});
      })()`,
      null,
      { timeout: timeoutMs, polling: 100 });
  } catch (error) {
    const state = await stateOf(page).catch(() => 'unavailable');
    throw new Error(`${what}: ${error.message}\nlast state: ${JSON.stringify(state, null, 1)}\n` +
                    `page console:\n${page.logs.join('\n')}`);
  }
  const aborted = await page.evaluate(() => window.bindingsAborted);
  assert.equal(aborted, null, `the program aborted while waiting for: ${what}\n${page.logs.join('\n')}`);
  return stateOf(page);
}

const kinds = (tracks) => tracks.map((t) => t.kind).sort().join();

test('two VideoPeers connect over RTCPeerConnection, stream camera and microphone, then replace and remove a track', async () => {
  const context = await browser.newContext();
  try {
    const page = await openScenario(context, 'main');
    const streaming = await waitFor(page, 'both sides stream to each other',
                                    (s) => ['streaming', 'replaced', 'removed', 'done', 'failed'].includes(s.phase));
    assert.notEqual(streaming.phase, 'failed', JSON.stringify(streaming));
    assert.equal(kinds(streaming.captureA), 'audio,video');
    assert.ok(streaming.captureA.every((t) => Number.isInteger(t.id) && t.id > 0 && t.label !== ''),
              JSON.stringify(streaming.captureA));
    assert.ok(Number.isInteger(streaming.devices) && streaming.devices > 0, `devices: ${streaming.devices}`);
    assert.deepEqual(streaming.addTrackA, [null, null]);
    assert.deepEqual(streaming.addTrackB, [null, null]);

    for (const side of ['streamingA', 'streamingB']) {
      const peer = streaming[side];
      assert.equal(peer.connection, 'connected', side);
      assert.equal(kinds(peer.remoteTracks), 'audio,video', side);
      assert.ok(peer.remoteTracks.every((t) => t.id !== '' && t.mid !== ''), JSON.stringify(peer.remoteTracks));
      const stats = peer.stats;
      assert.ok(stats.framesPerSecond > 0, `${side} fps ${stats.framesPerSecond}`);
      assert.ok(stats.frameWidth > 0 && stats.frameHeight > 0, `${side} ${stats.frameWidth}x${stats.frameHeight}`);
      assert.equal(stats.localCandidateType, 'host', side);
      assert.equal(stats.remoteCandidateType, 'host', side);
      assert.ok(stats.rttMs >= 0 && stats.packetLoss >= 0 && stats.packetLoss <= 1, JSON.stringify(stats));
    }
    assert.equal(streaming.streamingA.polite, true);
    assert.equal(streaming.streamingB.polite, false);

    // The remote tracks are in the JS table other page code reads (video -> WebGL next).
    const lookup = await page.evaluate(({ handle, ids }) => ids.map((id) => {
      const track = Module.orbitRtc.remoteTrack(handle, id);
      const stream = Module.orbitRtc.remoteStream(handle, id);
      return { kind: track ? track.kind : null, state: track ? track.readyState : null,
               inStream: stream ? stream.getTracks()[0] === track : false,
               anyConnection: Module.orbitRtc.remoteTrack(0, id) === track };
    }), { handle: streaming.b.handle, ids: streaming.streamingB.remoteTracks.map((t) => t.id) });
    assert.deepEqual(lookup.map((l) => l.kind).sort(), ['audio', 'video']);
    assert.ok(lookup.every((l) => l.state === 'live' && l.inStream && l.anyConnection), JSON.stringify(lookup));
    assert.equal(await page.evaluate(() => Module.orbitRtc.remoteTrack(424242, 'nope')), null);

    // replaceTrack: A's camera becomes a screen share, and B goes on receiving frames.
    const removed = await waitFor(page, 'A replaced its camera and removed its microphone',
                                  (s) => s.phase === 'removed' || s.phase === 'done' || s.phase === 'failed');
    assert.notEqual(removed.phase, 'failed', JSON.stringify(removed));
    assert.equal(removed.screen.length, 1);
    assert.equal(removed.screen[0].kind, 'screen');
    assert.ok(removed.afterReplaceB.stats.framesPerSecond > 0, JSON.stringify(removed.afterReplaceB.stats));
    assert.equal(removed.removeTrackA, null);

    // removeTrack renegotiates; afterwards B's transceiver for A's microphone receives no more.
    const audioFromA = removed.b.remoteTracks.find((t) => t.kind === 'audio').id;
    const done = await waitFor(page, 'the renegotiation after removeTrack settles', (s) => s.phase === 'done');
    await page.waitForFunction(({ handle, id }) => {
      const transceiver = Module.orbitRtc.remoteTransceiver(handle, id);
      return transceiver !== null && transceiver.currentDirection !== 'sendrecv' &&
             transceiver.currentDirection !== 'recvonly';
    }, { handle: done.b.handle, id: audioFromA }, { timeout: 20000, polling: 100 });
    assert.equal(done.a.connection, 'connected');
    assert.equal(done.b.connection, 'connected');
    assert.equal(done.problemsA, undefined, JSON.stringify(done.problemsA));
    assert.equal(done.problemsB, undefined, JSON.stringify(done.problemsB));
    assert.deepEqual(errorsOf(page), []);
  } finally {
    await context.close();
  }
});

test('glare: both sides offer at the same instant, the polite one rolls back, and they connect', async () => {
  const context = await browser.newContext();
  try {
    const page = await openScenario(context, 'glare');
    const state = await waitFor(page, 'both connect and receive two tracks', (s) =>
      s.a && s.b && s.a.connection === 'connected' && s.b.connection === 'connected' &&
      s.a.remoteTracks.length === 2 && s.b.remoteTracks.length === 2 &&
      s.a.signaling === 'stable' && s.b.signaling === 'stable');
    assert.equal(state.a.polite, true);
    assert.ok(state.a.rollbacks >= 1, `the polite side rolled back ${state.a.rollbacks} times`);
    assert.ok(state.b.ignoredOffers >= 1, `the impolite side ignored ${state.b.ignoredOffers} offers`);
    assert.equal(state.b.rollbacks, 0);
    assert.equal(state.problemsA, undefined, JSON.stringify(state.problemsA));
    assert.equal(state.problemsB, undefined, JSON.stringify(state.problemsB));
    assert.deepEqual(errorsOf(page), []);
  } finally {
    await context.close();
  }
});

test('a garbage description or candidate is an Error in its completion, and the page runs on', async () => {
  const context = await browser.newContext();
  try {
    const page = await openScenario(context, 'garbage');
    const state = await waitFor(page, 'every operation completed', (s) => s.phase === 'done');
    assert.equal(typeof state.garbageOffer.error, 'string');
    assert.match(state.garbageOffer.error, /^\w+Error: /, state.garbageOffer.error);
    assert.equal(state.garbageOffer.afterReturn, true, 'the completion ran after the call returned');
    assert.match(state.answerInStable ?? '', /^\w+Error: /);
    assert.match(state.garbageCandidate ?? '', /^\w+Error: /);
    assert.deepEqual(state.offerAfterwards, { error: null, signaling: 'have-local-offer', hasLocal: true });
    assert.equal(await page.evaluate(() => window.bindingsAborted), null);
    assert.deepEqual(errorsOf(page), []);
  } finally {
    await context.close();
  }
});

test('nothing calls back after a connection is closed or destroyed, or a media backend destroyed', async () => {
  const context = await browser.newContext();
  try {
    const page = await openScenario(context, 'close');
    const state = await waitFor(page, 'the waiting time is over', (s) => s.phase === 'done' || s.phase === 'failed');
    assert.equal(state.phase, 'done');
    assert.equal(state.callbacksAfterClose, 0);
    assert.ok(state.controlCallbacks >= 3, `the connection left open saw ${state.controlCallbacks} callbacks`);
    assert.equal(state.closedSignaling, 'closed');
    assert.deepEqual(errorsOf(page), []);
  } finally {
    await context.close();
  }
});

test('a refused camera is an Error such as NotAllowedError, not an abort', async () => {
  // No fake permission prompt: the camera is asked for, and the prompt is refused.
  const refusing = await launchBrowser({ fakeMediaUi: false, extraArgs: ['--deny-permission-prompts'] });
  try {
    const context = await refusing.newContext({ permissions: [] });
    const page = await openScenario(context, 'denied');
    const state = await waitFor(page, 'getUserMedia completed', (s) => s.phase === 'done');
    assert.equal(state.capture.tracks, undefined, JSON.stringify(state.capture));
    assert.match(state.capture.error, /^NotAllowedError/, state.capture.error);
    assert.equal(await page.evaluate(() => window.bindingsAborted), null);
  } finally {
    await refusing.close();
  }
});

// BrowserMediaSink (tests/browser/sink_test.cpp): B's remote tracks and A's local ones become
// textures of the page's WebGL2 context and levels; the program reads the textures back.
async function openSink(context) {
  return openPage(context, `${server.url}/sink.html`);
}

const elementCount = (page) => page.evaluate(() => document.querySelectorAll('video,audio').length);

test('the media sink turns remote and local video into textures that hold the picture, and measures audio', async () => {
  const context = await browser.newContext();
  try {
    const page = await openSink(context);
    const first = await waitFor(page, 'the remote video has frames in its texture',
                                (s) => s.remoteVideo && s.remoteVideo.frames > 0 && s.remoteVideo.maxLit > 0);
    assert.equal(first.phase, 'running');
    // Frames keep coming: the counter advances and the moving test pattern changes the texture.
    const later = await waitFor(page, 'the frame counter advances and the picture changes',
                                (s, before) => s.remoteVideo.frames >= before + 20 && s.remoteVideo.pictures >= 3,
                                first.remoteVideo.frames);
    const remote = later.remoteVideo;
    assert.equal(remote.width, 640, JSON.stringify(remote));
    assert.equal(remote.height, 480, JSON.stringify(remote));
    assert.ok(remote.texture > 0 && remote.complete, JSON.stringify(remote));
    assert.ok(remote.maxLit > 640 * 480 / 10, `only ${remote.maxLit} lit pixels`);

    const self = await waitFor(page, 'the self-view texture holds the camera',
                               (s) => s.localVideo.frames > 10 && s.localVideo.maxLit > 0 && s.localVideo.pictures >= 2);
    assert.equal(self.localVideo.width, 640);
    assert.equal(self.localVideo.height, 480);
    assert.notEqual(self.localVideo.texture, self.remoteVideo.texture);
    assert.ok(self.bindingKept, 'an upload left a texture other than none or the caller\'s bound');
    assert.ok(self.unpackKept, 'an upload left UNPACK_ROW_LENGTH other than 0 or the caller\'s');

    const loud = await waitFor(page, "the fake microphone's beep reaches the remote level",
                               (s) => s.maxRemoteLevel > 0 && s.maxLocalLevel > 0);
    assert.ok(loud.maxRemoteLevel <= 1 && loud.maxLocalLevel <= 1, JSON.stringify(loud));
    assert.equal(loud.audioBlocked, false);
    assert.ok(loud.onFrame > 0);

    // sink: remote video + remote audio; control sink: remote video. Local tracks get no
    // element of their own for audio, a muted <video> for video.
    assert.equal(await elementCount(page), 4);
    assert.equal(await page.evaluate(() => Module.orbitSink.elements()), 4);

    // Releasing a track removes its element.
    await page.evaluate(() => Module._sink_test_command(1));
    await page.waitForFunction(() => document.querySelectorAll('video,audio').length === 3, null,
                               { timeout: 10000, polling: 100 });
    assert.equal(await page.evaluate(() => Module.orbitSink.elements()), 3);

    // After the sink is destroyed no onFrame arrives, while the control sink goes on.
    await page.evaluate(() => Module._sink_test_command(2));
    const destroyed = await waitFor(page, 'the sink is destroyed', (s) => s.destroyed);
    const gone = await waitFor(page, 'the control sink sees 30 more frames',
                               (s, before) => s.controlOnFrame >= before + 30 && s.controlVideo.pictures >= 2,
                               destroyed.controlOnFrame);
    assert.equal(gone.onFrameAfterDestroy, 0);
    assert.equal(await elementCount(page), 1);  // the control sink's video

    await page.evaluate(() => Module._sink_test_command(3));
    await page.waitForFunction(() => document.querySelectorAll('video,audio').length === 0, null,
                               { timeout: 10000, polling: 100 });
    assert.equal(gone.problems, undefined, JSON.stringify(gone.problems));
    assert.deepEqual(errorsOf(page), []);
  } finally {
    await context.close();
  }
});

test('when autoplay needs a gesture, remote audio reports itself blocked until a click resumes it', async () => {
  // Chromium lets a page that captures the microphone autoplay sound, unless the policy says
  // a gesture is always required.
  const strict = await launchBrowser({ extraArgs: ['--autoplay-policy=user-gesture-required'] });
  try {
    const context = await strict.newContext();
    // Playwright's evaluate, waitForFunction and exposed functions run as a user gesture, and
    // one gesture would let the page play sound for good: the page logs its state instead.
    const states = new EventEmitter();
    let latest = null;
    context.on('console', (message) => {
      const text = message.text();
      if (!text.startsWith('orbit-state ')) return;
      latest = JSON.parse(text.slice('orbit-state '.length));
      states.emit('state');
    });
    const report = async (what, predicate, timeoutMs = 30000) => {
      const deadline = Date.now() + timeoutMs;
      while (!(latest && predicate(latest))) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`${what}: timed out\nlast state: ${JSON.stringify(latest)}`);
        let timer;
        await Promise.race([once(states, 'state'), new Promise((resolve) => { timer = setTimeout(resolve, left); })]);
        clearTimeout(timer);
      }
      return latest;
    };
    const page = await openPage(context, `${server.url}/sink.html?console`);
    const blocked = await report('audio is blocked', (s) => s.audioBlocked === true);
    assert.equal(blocked.clicks, 0);
    await page.click('#canvas');
    const resumed = await report('the click resumed audio', (s) => s.clicks > 0 && s.audioBlocked === false);
    assert.ok(resumed.resumes >= 1, JSON.stringify(resumed));
    assert.ok(resumed.everBlocked);
    assert.deepEqual(errorsOf(page), []);
  } finally {
    await strict.close();
  }
});
