// Janus as Orbit's media forwarder, before any Orbit code uses it: a Chromium page speaks
// Janus's JSON API over WebSocket by hand (no Orbit code, no janus.js), publishes its fake camera
// with three simulcast layers into a VideoRoom, subscribes to itself through Janus, switches the
// subscription between layers and watches publishers leave; and a session's lifetime rules are
// checked. Every message both ways is saved to artifacts/janus-*.json: the reference for Orbit's
// Janus client.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { artifactsDir, launchBrowser, openPage } from './harness.mjs';
import { startJanus } from './janus.mjs';

// Runs in the page (its source is inlined into the served HTML): a minimal Janus API client
// and the probe's steps, on window.probe.
function pageLibrary() {
  const t0 = performance.now();
  const now = () => Math.round(performance.now() - t0);
  const transcript = [];
  const timings = {};
  const mark = (name) => { timings[name] = now(); };

  // One WebSocket to Janus's API. Replies are matched to requests by transaction; everything
  // received stays in `inbox`, so a step can wait for an event that may already have come.
  function connect(url, name) {
    const socket = new WebSocket(url, 'janus-protocol');
    const inbox = [];
    const waiters = new Set();
    let nextTransaction = 1;
    const connection = {
      inbox,
      transaction: () => `${name}-${nextTransaction++}`,
      closed: new Promise((resolve) => { socket.addEventListener('close', resolve); }),
      close: () => socket.close(),

      send(message) {
        transcript.push({ ms: now(), conn: name, dir: 'out', message });
        socket.send(JSON.stringify(message));
      },

      // The first message since inbox index `since` that `predicate` accepts.
      waitFor(what, predicate, { since = 0, timeoutMs = 10000 } = {}) {
        const found = inbox.slice(since).find(predicate);
        if (found) return Promise.resolve(found);
        return new Promise((resolve, reject) => {
          const timer = setTimeout(() => {
            waiters.delete(waiter);
            reject(new Error(`no ${what} within ${timeoutMs} ms`));
          }, timeoutMs);
          const waiter = (message) => {
            if (!predicate(message)) return;
            waiters.delete(waiter);
            clearTimeout(timer);
            resolve(message);
          };
          waiters.add(waiter);
        });
      },

      // Core requests and synchronous plugin requests are answered by `success` or `error`;
      // asynchronous plugin requests by an `ack` and an `event` with the same transaction, in
      // either order: this resolves with the event (or the ack, for trickle and keepalive).
      // A Janus or VideoRoom error rejects, with the reply as the error's `reply`.
      async request(message, { ackOnly = false, timeoutMs = 10000 } = {}) {
        const transaction = connection.transaction();
        const since = inbox.length;
        connection.send({ ...message, transaction });
        const what = `reply to ${message.janus}${message.body ? ` ${message.body.request}` : ''}`;
        const reply = await connection.waitFor(what, (m) => m.transaction === transaction &&
                                               (ackOnly || m.janus !== 'ack'), { since, timeoutMs });
        const data = reply.plugindata?.data;
        if (reply.janus === 'error' || data?.error_code) {
          const error = new Error(`${what}: ${JSON.stringify(reply.error ?? data)}`);
          error.reply = reply;
          throw error;
        }
        return reply;
      },
    };
    socket.onmessage = (event) => {
      const message = JSON.parse(event.data);
      inbox.push(message);
      transcript.push({ ms: now(), conn: name, dir: 'in', message });
      for (const waiter of [...waiters]) waiter(message);
    };
    return new Promise((resolve, reject) => {
      socket.onopen = () => resolve(connection);
      socket.onerror = () => reject(new Error(`WebSocket to ${url} failed`));
    });
  }

  async function createSession(connection) {
    const id = (await connection.request({ janus: 'create' })).data.id;
    return {
      id,
      connection,
      attach: async () =>
        (await connection.request({ janus: 'attach', session_id: id, plugin: 'janus.plugin.videoroom' })).data.id,
      message: (handleId, body, jsep) =>
        connection.request({ janus: 'message', session_id: id, handle_id: handleId, body, ...(jsep ? { jsep } : {}) }),
      detach: (handleId) => connection.request({ janus: 'detach', session_id: id, handle_id: handleId }),
      keepalive: () => connection.request({ janus: 'keepalive', session_id: id }, { ackOnly: true }),
      destroy: () => connection.request({ janus: 'destroy', session_id: id }),
    };
  }

  const eventOf = (handleId, test) => (m) => m.sender === handleId && m.janus === 'event' &&
                                             test(m.plugindata?.data ?? {}, m);

  // Trickles a peer connection's candidates to Janus, holding them until the SDP they belong
  // to has been sent (Janus would queue them anyway; this keeps the transcript in order).
  function trickle(session, pc, handleId) {
    const held = [];
    let open = false;
    const forward = (candidate) => session.connection.send({
      janus: 'trickle', session_id: session.id, handle_id: handleId, transaction: session.connection.transaction(),
      candidate: candidate ? { candidate: candidate.candidate, sdpMid: candidate.sdpMid,
                               sdpMLineIndex: candidate.sdpMLineIndex } : { completed: true },
    });
    pc.addEventListener('icecandidate', ({ candidate }) => {
      if (candidate && !candidate.candidate) return; // an end-of-generation marker, not a candidate
      if (open) forward(candidate); else held.push(candidate);
    });
    return () => { open = true; held.splice(0).forEach(forward); };
  }

  // Publishes `media` (audio and video, send only) on a joined publisher handle: the offer goes
  // with a `publish` request, Janus's answer comes back in its `configured` event.
  async function publish(session, handleId, media, { sendEncodings } = {}) {
    const pc = new RTCPeerConnection();
    pc.addTransceiver(media.getAudioTracks()[0], { direction: 'sendonly', streams: [media] });
    pc.addTransceiver(media.getVideoTracks()[0], { direction: 'sendonly', streams: [media],
                                                   ...(sendEncodings ? { sendEncodings } : {}) });
    const release = trickle(session, pc, handleId);
    const offer = await pc.createOffer();
    await pc.setLocalDescription(offer);
    const published = await session.message(handleId, {
      request: 'publish', descriptions: [{ mid: pc.getTransceivers()[1].mid, description: 'camera' }],
    }, { type: offer.type, sdp: offer.sdp });
    release();
    await pc.setRemoteDescription(published.jsep);
    return { pc, offer, published };
  }

  async function videoStats(pc, type) {
    const report = await pc.getStats();
    return [...report.values()].filter((s) => s.type === type && s.kind === 'video').map((s) => ({
      rid: s.rid, frameWidth: s.frameWidth, frameHeight: s.frameHeight, framesEncoded: s.framesEncoded,
      framesSent: s.framesSent, framesDecoded: s.framesDecoded, bytes: s.bytesSent ?? s.bytesReceived,
      qualityLimitationReason: s.qualityLimitationReason, encoderImplementation: s.encoderImplementation,
    }));
  }

  // Polls `sample` every 100 ms until `done(value)`; resolves with that value.
  async function until(what, sample, done, timeoutMs) {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const last = await sample();
      if (done(last)) return last;
      if (performance.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms, last ${JSON.stringify(last)}`);
      await new Promise((resolve) => { setTimeout(resolve, 100); });
    }
  }

  const sdpLines = (sdp, pattern) => sdp.split('\r\n').filter((line) => pattern.test(line));
  const state = {};

  window.probe = {
    transcript: () => transcript,
    timings: () => timings,

    // Session, three handles (publisher; a watcher that joins as a publisher but never sends,
    // to see the room's events as another participant does; subscriber), a room, the camera
    // published with simulcast and subscribed to.
    async publishAndSubscribe(janusUrl, { width, height, rids }) {
      const connection = await connect(janusUrl, 'probe');
      mark('socketOpen');
      const session = await createSession(connection);
      state.session = session;
      // Janus drops a session after session_timeout (60 s) without a request from it.
      state.keepalive = setInterval(() => { session.keepalive().catch(() => {}); }, 25000);
      await session.keepalive();
      const pub = await session.attach();
      const watcher = await session.attach();
      const sub = await session.attach();
      Object.assign(state, { pub, watcher, sub });
      mark('attached');

      const created = await session.message(pub, { request: 'create', publishers: 6, description: 'orbit janus probe',
                                                   videocodec: 'vp8', audiocodec: 'opus', is_private: true });
      const room = created.plugindata.data.room;
      state.room = room;
      await session.message(watcher, { request: 'join', ptype: 'publisher', room, display: 'watcher' });
      const joined = await session.message(pub, { request: 'join', ptype: 'publisher', room, display: 'probe' });
      state.publisherId = joined.plugindata.data.id;
      mark('joined');

      const media = await navigator.mediaDevices.getUserMedia({
        audio: true, video: { width: { exact: width }, height: { exact: height } },
      });
      state.media = media;
      const sinceWatcher = connection.inbox.length;
      const { pc: pubPc, offer, published } = await publish(session, pub, media, {
        sendEncodings: rids.map((rid, i) => ({ rid, scaleResolutionDownBy: 2 ** i, maxBitrate: 500000 / 2 ** i })),
      });
      state.pubPc = pubPc;
      mark('published');
      const announced = await connection.waitFor('the watcher\'s "publishers" event',
                                                 eventOf(watcher, (d) => Array.isArray(d.publishers)),
                                                 { since: sinceWatcher });

      const attached = await session.message(sub, { request: 'join', ptype: 'subscriber', room,
                                                    streams: [{ feed: state.publisherId }] });
      const subPc = new RTCPeerConnection();
      state.subPc = subPc;
      const video = document.querySelector('video');
      subPc.ontrack = ({ track, streams }) => {
        if (track.kind === 'video') video.srcObject = streams[0] ?? new MediaStream([track]);
      };
      const releaseSub = trickle(session, subPc, sub);
      await subPc.setRemoteDescription(attached.jsep);
      const answer = await subPc.createAnswer();
      await subPc.setLocalDescription(answer);
      const started = await session.message(sub, { request: 'start' }, { type: answer.type, sdp: answer.sdp });
      releaseSub();
      mark('started');
      state.subVideoMid = attached.plugindata.data.streams.find((s) => s.type === 'video').mid;

      await connection.waitFor('webrtcup on the publisher', (m) => m.janus === 'webrtcup' && m.sender === pub);
      mark('publisherWebrtcup');
      await connection.waitFor('webrtcup on the subscriber', (m) => m.janus === 'webrtcup' && m.sender === sub);
      mark('subscriberWebrtcup');

      return {
        sessionId: session.id, handles: { pub, watcher, sub }, room, publisherId: state.publisherId,
        capture: media.getVideoTracks()[0].getSettings(),
        offerSimulcast: sdpLines(offer.sdp, /^a=(simulcast|rid):/),
        answerSimulcast: sdpLines(published.jsep.sdp, /^a=(simulcast|rid):/),
        answerCandidates: sdpLines(published.jsep.sdp, /^a=candidate:/),
        subscriberOfferCandidates: sdpLines(attached.jsep.sdp, /^a=candidate:/),
        published: published.plugindata.data, announced: announced.plugindata.data,
        attached: attached.plugindata.data, started: started.plugindata.data,
      };
    },

    framesDecoded(minimum, timeoutMs) {
      return until('the subscriber decodes frames', () => videoStats(state.subPc, 'inbound-rtp'),
                   (s) => s[0]?.framesDecoded > minimum, timeoutMs).then((s) => { mark('framesDecoded'); return s[0]; });
    },

    layersSent(count, timeoutMs) {
      return until(`the publisher encodes ${count} layers`, () => videoStats(state.pubPc, 'outbound-rtp'),
                   (s) => s.filter((l) => l.framesEncoded > 0).length >= count, timeoutMs)
        .then((s) => { mark('layersSent'); return s; });
    },

    // Asks for simulcast layer `substream` and waits for Janus's switch event and for decoded
    // frames of the expected width. Janus switches on the new layer's next keyframe and asks
    // for one (a PLI) once per configure; Chromium ignores a keyframe request that comes within
    // 300 ms of the last one, and Janus never asks again, so an unanswered configure is repeated.
    async switchSubstream(substream, expectedWidth, timeoutMs) {
      const { session, sub } = state;
      const since = session.connection.inbox.length;
      const deadline = performance.now() + timeoutMs;
      let configured;
      let switched = null;
      let attempts = 0;
      while (switched === null) {
        if (performance.now() > deadline) throw new Error(`no switch to substream ${substream} within ${timeoutMs} ms`);
        attempts += 1;
        configured = await session.message(sub, { request: 'configure', streams: [{ mid: state.subVideoMid, substream }] });
        switched = await session.connection.waitFor(`Janus's switch to substream ${substream}`,
                                                    eventOf(sub, (d) => d.substream === substream),
                                                    { since, timeoutMs: 1000 }).catch(() => null);
      }
      const stats = await until(`frames ${expectedWidth} wide`, () => videoStats(state.subPc, 'inbound-rtp'),
                                (s) => s[0]?.frameWidth === expectedWidth, Math.max(deadline - performance.now(), 100));
      mark(`substream${substream}`);
      return { attempts, configured: configured.plugindata.data, switched: switched.plugindata.data, inbound: stats[0] };
    },

    // The publisher unpublishes, then leaves: what it, the watcher and the subscriber receive.
    async publisherLeaves() {
      const { session, pub, watcher, sub, publisherId } = state;
      const { connection } = session;
      let since = connection.inbox.length;
      const unpublished = await session.message(pub, { request: 'unpublish' });
      const watcherUnpublished = await connection.waitFor('the watcher\'s "unpublished"',
                                                          eventOf(watcher, (d) => d.unpublished === publisherId), { since });
      const subscriberUpdated = await connection.waitFor('the subscriber\'s "updated"', (m) => m.sender === sub &&
                                                         m.plugindata?.data?.videoroom === 'updated', { since });
      const publisherHangup = await connection.waitFor('the publisher\'s hangup',
                                                       (m) => m.sender === pub && m.janus === 'hangup', { since });
      state.pubPc.close();
      // The subscription's streams went inactive, with a new offer to answer like the first.
      await state.subPc.setRemoteDescription(subscriberUpdated.jsep);
      const answer = await state.subPc.createAnswer();
      await state.subPc.setLocalDescription(answer);
      const restarted = await session.message(sub, { request: 'start' }, { type: answer.type, sdp: answer.sdp });
      mark('unpublished');
      since = connection.inbox.length;
      const left = await session.message(pub, { request: 'leave' });
      const watcherLeaving = await connection.waitFor('the watcher\'s "leaving"',
                                                      eventOf(watcher, (d) => d.leaving === publisherId), { since });
      mark('left');
      return {
        unpublished: unpublished.plugindata.data, watcherUnpublished: watcherUnpublished.plugindata.data,
        subscriberUpdated: { data: subscriberUpdated.plugindata.data, jsepType: subscriberUpdated.jsep?.type },
        publisherHangup, restarted: restarted.plugindata.data, left: left.plugindata.data,
        watcherLeaving: watcherLeaving.plugindata.data,
      };
    },

    // A second publisher goes the way a dropped client does: its handle is detached, with no
    // unpublish or leave first.
    async publisherDetaches() {
      const { session, room, watcher } = state;
      const { connection } = session;
      const handle = await session.attach();
      const joined = await session.message(handle, { request: 'join', ptype: 'publisher', room, display: 'second' });
      const id = joined.plugindata.data.id;
      let since = connection.inbox.length;
      const { pc } = await publish(session, handle, state.media);
      await connection.waitFor('webrtcup on the second publisher', (m) => m.janus === 'webrtcup' && m.sender === handle,
                               { since });
      await connection.waitFor('the watcher\'s "publishers" event for the second publisher',
                               eventOf(watcher, (d) => d.publishers?.[0]?.id === id), { since });
      mark('secondPublished');
      since = connection.inbox.length;
      const detached = await session.detach(handle);
      const watcherLeaving = await connection.waitFor('the watcher\'s "leaving" for the second publisher',
                                                      eventOf(watcher, (d) => d.leaving === id), { since });
      const detachedEvent = await connection.waitFor('"detached" for the second publisher',
                                                     (m) => m.janus === 'detached' && m.sender === handle, { since });
      pc.close();
      mark('secondDetached');
      // Everything that came for the watcher and the detached handle meanwhile, duplicates too.
      const seen = connection.inbox.slice(since).filter((m) => m.sender === handle || m.sender === watcher);
      return { id, detached, watcherLeaving: watcherLeaving.plugindata.data, detachedEvent, seen };
    },

    async close() {
      const { session } = state;
      clearInterval(state.keepalive);
      state.subPc?.close();
      state.pubPc?.close();
      if (session) {
        const destroyed = await session.destroy().catch((error) => error.reply);
        session.connection.close();
        await session.connection.closed;
        mark('closed');
        return destroyed;
      }
      return null;
    },

    // On a Janus started with a short session_timeout: one session kept alive by keepalives,
    // one left idle, one whose WebSocket closes; and a VideoRoom error on the way.
    async sessionLifetimes(janusUrl, { keepaliveMs }) {
      const connection = await connect(janusUrl, 'lifetimes');
      const kept = await createSession(connection);
      const idle = await createSession(connection);
      const idleSince = performance.now();
      const keeping = setInterval(() => { kept.keepalive().catch(() => {}); }, keepaliveMs);
      try {
        const handle = await kept.attach();
        const noSuchRoom = await kept.message(handle, { request: 'join', ptype: 'publisher', room: 1234 })
          .then(() => null, (error) => error.reply);

        // A session lives on its creator's WebSocket: when that closes, the session goes at
        // once (reclaim_session_timeout = 0), and using it from another socket fails.
        const other = await connect(janusUrl, 'dropped');
        const dropped = await createSession(other);
        other.close();
        await other.closed;
        const droppedGone = await until('the dropped socket\'s session is gone',
                                        () => connection.request({ janus: 'keepalive', session_id: dropped.id },
                                                                 { ackOnly: true }).then(() => null, (e) => e.reply),
                                        (reply) => reply !== null, 3000);

        const timedOut = await connection.waitFor('the idle session\'s "timeout"',
                                                  (m) => m.janus === 'timeout' && m.session_id === idle.id,
                                                  { timeoutMs: 15000 });
        const idleMs = Math.round(performance.now() - idleSince);
        const idleGone = await idle.keepalive().then(() => null, (error) => error.reply);
        const keptAck = await kept.keepalive();
        return { noSuchRoom, droppedGone, timedOut, idleMs, idleGone, keptAck, destroyed: await kept.destroy() };
      } finally {
        clearInterval(keeping);
        connection.close();
      }
    },
  };
}

const page = `<!doctype html>
<meta charset="utf-8">
<title>Janus probe</title>
<video autoplay muted playsinline></video>
<script>(${pageLibrary.toString()})();</script>
`;

let server;
let browser;

before(async () => {
  // getUserMedia needs a secure context: http://127.0.0.1 is one, a data: URL is not.
  server = http.createServer((request, response) => {
    response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(page);
  });
  await new Promise((resolve) => { server.listen(0, '127.0.0.1', resolve); });
  // At 320x240 Chromium sends one simulcast layer unless told otherwise: libwebrtc caps the
  // layer count by resolution (1 below 480x270, 2 below 960x540, 3 from there). The field trial
  // lifts that cap, so three layers (320, 160 and 80 wide) go to Janus from the small camera.
  browser = await launchBrowser({ extraArgs: ['--force-fieldtrials=WebRTC-LegacySimulcastLayerLimit/Disabled/'] });
});

after(async () => {
  await browser?.close();
  await new Promise((resolve) => { (server ? server.close(resolve) : resolve()); });
});

// Opens the probe page and runs `body(page, explain)`, where `explain(error)` adds the page's
// console, its last Janus messages and Janus's log to a failure. Saves the transcript as
// artifacts/<artifact>.json with whatever `body` returns.
async function withProbePage(janus, artifact, body) {
  const context = await browser.newContext();
  const probe = await openPage(context, `http://127.0.0.1:${server.address().port}/`);
  const transcriptOf = () => probe.evaluate(() => window.probe?.transcript() ?? []).catch(() => []);
  const explain = async (error) => {
    const transcript = await transcriptOf();
    return new Error(`${error.message}\npage console:\n${probe.logs.join('\n')}\n` +
                     `last Janus messages:\n${transcript.slice(-12).map((m) => JSON.stringify(m)).join('\n')}\n` +
                     `janus log (tail):\n${janus.log().slice(-4000)}`);
  };
  const run = (fn, arg) => probe.evaluate(fn, arg).catch(async (error) => { throw await explain(error); });
  try {
    const results = await body(run);
    const timings = await probe.evaluate(() => window.probe.timings());
    mkdirSync(artifactsDir, { recursive: true });
    writeFileSync(path.join(artifactsDir, `${artifact}.json`),
                  JSON.stringify({ timings, ...results, transcript: await transcriptOf() }, null, 2));
    assert.deepEqual(probe.logs.filter((line) => line.startsWith('[error]') || line.startsWith('[pageerror]')), []);
  } finally {
    await context.close();
  }
}

test('a page publishes its camera with three simulcast layers through Janus, decodes it back, ' +
     'switches layers, and sees publishers leave', { timeout: 30000 }, async () => {
  const janus = await startJanus();
  try {
    await withProbePage(janus, 'janus-probe-transcript', async (run) => {
      const setup = await run(([url]) => window.probe.publishAndSubscribe(url, {
        width: 320, height: 240, rids: ['h', 'm', 'l'],
      }), [janus.url]);
      assert.equal(setup.capture.width, 320);
      assert.equal(setup.capture.height, 240);
      assert.equal(setup.published.configured, 'ok');
      assert.ok(setup.answerCandidates.length > 0, 'Janus offered no ICE candidate in its answer');
      // Janus accepts the three layers: its answer receives each rid.
      assert.ok(setup.answerSimulcast.includes('a=simulcast:recv h;m;l'), JSON.stringify(setup.answerSimulcast));
      const video = setup.announced.publishers[0].streams.find((s) => s.type === 'video');
      assert.equal(video.simulcast, true, JSON.stringify(setup.announced));

      const inbound = await run(() => window.probe.framesDecoded(10, 10000));
      assert.ok(inbound.framesDecoded > 10, JSON.stringify(inbound));
      const layers = await run(() => window.probe.layersSent(3, 5000));
      assert.deepEqual(layers.map((l) => l.rid).sort(), ['h', 'l', 'm']);
      assert.deepEqual(layers.map((l) => l.frameWidth).sort((a, b) => a - b), [80, 160, 320]);

      const low = await run(() => window.probe.switchSubstream(0, 80, 5000));
      const high = await run(() => window.probe.switchSubstream(2, 320, 5000));
      assert.equal(low.switched.substream, 0);
      assert.equal(high.switched.substream, 2);

      const leaving = await run(() => window.probe.publisherLeaves());
      assert.equal(leaving.unpublished.unpublished, 'ok');
      assert.equal(leaving.watcherUnpublished.unpublished, setup.publisherId);
      assert.equal(leaving.subscriberUpdated.jsepType, 'offer');
      assert.ok(leaving.subscriberUpdated.data.streams.every((s) => s.active === false),
                JSON.stringify(leaving.subscriberUpdated));
      assert.equal(leaving.watcherLeaving.leaving, setup.publisherId);

      const dropped = await run(() => window.probe.publisherDetaches());
      assert.equal(dropped.detached.janus, 'success');
      assert.equal(dropped.watcherLeaving.leaving, dropped.id);

      const destroyed = await run(() => window.probe.close());
      assert.equal(destroyed.janus, 'success');
      return { setup, inbound, layers, low, high, leaving, dropped };
    });
  } finally {
    await janus.stop();
  }
});

test('a Janus session lives while requests come within session_timeout, ends with a "timeout" ' +
     'event without them, and ends at once with its WebSocket', { timeout: 30000 }, async () => {
  // Janus's watchdog looks every 2 s (a GLib seconds timer, which may slip by up to a second),
  // so a 2 s timeout ends an idle session 2 to 5 s after its last request: 4.2-4.4 s here.
  const janus = await startJanus({ args: ['--session-timeout', '2'] });
  try {
    await withProbePage(janus, 'janus-session-lifetimes', async (run) => {
      const lifetimes = await run(([url]) => window.probe.sessionLifetimes(url, { keepaliveMs: 500 }), [janus.url]);
      assert.equal(lifetimes.noSuchRoom.plugindata.data.error_code, 426, JSON.stringify(lifetimes.noSuchRoom));
      assert.equal(lifetimes.droppedGone.error.code, 458, JSON.stringify(lifetimes.droppedGone));
      assert.ok(lifetimes.idleMs >= 2000 && lifetimes.idleMs < 6000, `idle for ${lifetimes.idleMs} ms`);
      assert.equal(lifetimes.idleGone.error.code, 458, JSON.stringify(lifetimes.idleGone));
      assert.equal(lifetimes.keptAck.janus, 'ack');
      assert.equal(lifetimes.destroyed.janus, 'success');
      return { lifetimes };
    });
  } finally {
    await janus.stop();
  }
});
