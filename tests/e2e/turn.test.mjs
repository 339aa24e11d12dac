// TURN for real: a coturn (Debian's turnserver) that this file starts on 127.0.0.1 with
// use-auth-secret, an orbit-server that hands out its REST credentials in ice-servers, and
// pages opened with ?relay=1, whose every connection may use relayed candidates only. With the
// same secret on both the call goes through the relay; with different ones it cannot, and each
// page says why in words.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { after, before, describe, test } from 'node:test';

import {
  errorsOf, launchBrowser, meshed, openPage, screenshot, startServer, stateOf, waitForState,
} from './harness.mjs';
import { smallCameraAndConnections } from './rtc_probe.mjs';

const viewport = { width: 1280, height: 720 };

// A port free for both TCP and UDP on 127.0.0.1, as coturn listens on both. Another program
// may still take it before coturn does: then coturn's start fails and says so.
async function freeTcpUdpPort() {
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const tcp = net.createServer();
    await new Promise((resolve, reject) => tcp.once('error', reject).listen(0, '127.0.0.1', resolve));
    const { port } = tcp.address();
    const udp = dgram.createSocket('udp4');
    const free = await new Promise((resolve) => {
      udp.once('error', () => resolve(false));
      udp.bind(port, '127.0.0.1', () => resolve(true));
    });
    if (free) udp.close();
    await new Promise((resolve) => tcp.close(resolve));
    if (free) return port;
  }
  throw new Error('no port free for both TCP and UDP on 127.0.0.1');
}

// coturn on 127.0.0.1 and a free port, relaying on 127.0.0.1 too, checking TURN REST
// credentials made with `secret`; resolves once it logs its UDP listener. Its log is kept:
// `log()` for failure reports, `lines(re)` for the lines that match.
async function startTurn({ secret, timeoutMs = 10000 }) {
  const port = await freeTcpUdpPort();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'orbit-turn-'));
  const child = spawn('turnserver', [
    '-n',  // no configuration file: everything is here
    '-v',  // logs the listeners (the readiness line) and each allocation with its user name
    '--listening-ip=127.0.0.1', `--listening-port=${port}`, '--relay-ip=127.0.0.1',
    // The peers' relay addresses are on 127.0.0.1 as well, which coturn refuses by default.
    '--allow-loopback-peers',
    '--use-auth-secret', `--static-auth-secret=${secret}`, '--realm=orbit.test',
    '--no-tls', '--no-dtls', '--no-cli', '--no-rfc5780',
    '--log-file=stdout', '--simple-log',
    // Not the system's /var/lib/turn/turndb, nor its pid file.
    `--userdb=${path.join(dir, 'turndb')}`, `--pidfile=${path.join(dir, 'turnserver.pid')}`,
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  const all = [];
  child.stderr.setEncoding('utf8').on('data', (chunk) => all.push(chunk));
  const log = () => all.join('').split('\n').slice(-60).join('\n');
  const lines = readline.createInterface({ input: child.stdout });
  await new Promise((resolve, reject) => {
    const fail = (error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      reject(error);
    };
    const timer = setTimeout(() => fail(new Error(`turnserver opened no UDP listener within ${timeoutMs} ms\n${log()}`)),
                             timeoutMs);
    const ready = new RegExp(`UDP listener opened on ?: 127\\.0\\.0\\.1:${port}\\b`);
    lines.on('line', (line) => {
      all.push(line + '\n');
      if (ready.test(line)) {
        clearTimeout(timer);
        child.removeListener('exit', onExit);
        resolve();
      }
    });
    const onExit = (code, signal) => fail(new Error(`turnserver exited (${code ?? signal}) before listening\n${log()}`));
    child.once('exit', onExit);
    child.once('error', fail);
  });
  return {
    port,
    log,
    lines: (re) => all.join('').split('\n').filter((line) => re.test(line)),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// coturn and orbit-server, whose secrets are `turnSecret` and `orbitSecret`, and a browser.
function relaySetup({ turnSecret, orbitSecret }) {
  const shared = { turn: null, server: null, browser: null };
  before(async () => {
    shared.turn = await startTurn({ secret: turnSecret });
    shared.server = await startServer({
      args: ['--turn', `turn:127.0.0.1:${shared.turn.port}?transport=udp`, '--turn-secret', orbitSecret],
    });
    shared.browser = await launchBrowser();
  });
  after(async () => {
    await shared.browser?.close();
    await shared.server?.stop();
    await shared.turn?.stop();
  });
  return shared;
}

// Pages in one room with ?relay=1, each keeping its RTCPeerConnections for getStats.
async function joinRelayOnly(shared, room, names) {
  const context = await shared.browser.newContext({ viewport });
  await context.addInitScript(smallCameraAndConnections);
  const pages = {};
  for (const name of names) pages[name] = await openPage(context, `${shared.server.url}/room/${room}?name=${name}&relay=1`);
  return { context, pages };
}

// What each open connection of the page says of itself: its configuration, its selected
// candidate pair's local and remote candidate types, and the video frames it has decoded.
function connectionReport(page) {
  return page.evaluate(async () => {
    const out = [];
    for (const pc of window.orbitTestConnections) {
      if (pc.connectionState === 'closed') continue;
      const byId = new Map();
      (await pc.getStats()).forEach((s) => byId.set(s.id, s));
      let pair = null;
      let framesDecoded = 0;
      for (const s of byId.values()) {
        if (s.type === 'transport' && s.selectedCandidatePairId) pair = byId.get(s.selectedCandidatePairId);
        if (s.type === 'inbound-rtp' && s.kind === 'video') framesDecoded += s.framesDecoded || 0;
      }
      const { iceServers, iceTransportPolicy } = pc.getConfiguration();
      out.push({
        iceTransportPolicy,
        iceServers: iceServers.map((s) => ({ urls: [s.urls].flat(), username: s.username })),
        local: pair ? byId.get(pair.localCandidateId)?.candidateType ?? null : null,
        remote: pair ? byId.get(pair.remoteCandidateId)?.candidateType ?? null : null,
        framesDecoded,
      });
    }
    return out;
  });
}

// connectionReport(page) once `done` holds for it, or its last value after `timeoutMs`: getStats
// announces nothing, so it is asked again every 200 ms.
async function statsUntil(page, done, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let report = await connectionReport(page);
  while (!done(report) && Date.now() < deadline) {
    await page.waitForTimeout(200);
    report = await connectionReport(page);
  }
  return report;
}

// The TURN user names of orbit-server's REST credentials: "<expiry>:<client id>".
const restUser = /^\d{10}:[0-9a-f]{32}$/;

describe('with the secret coturn shares', () => {
  const shared = relaySetup({ turnSecret: 'the-shared-turn-secret', orbitSecret: 'the-shared-turn-secret' });

  test('two relay-only pages connect through coturn with the credentials from ice-servers, and video moves both ways', async () => {
    const { context, pages } = await joinRelayOnly(shared, 'relayed', ['Ann', 'Ben']);
    try {
      for (const [name, page] of Object.entries(pages)) {
        const state = await waitForState(page, `${name} is connected and decodes the other's video`, meshed, 1);
        assert.equal(state.iceTransportPolicy, 'relay');
        assert.equal(state.peers[0].failure, null);
      }
      for (const [name, page] of Object.entries(pages)) {
        const [report, ...more] = await connectionReport(page);
        assert.deepEqual(more, [], `${name} has one connection`);
        // Made relay-only, with the one TURN server orbit-server named and its credentials.
        assert.equal(report.iceTransportPolicy, 'relay');
        assert.equal(report.iceServers.length, 1, JSON.stringify(report.iceServers));
        assert.deepEqual(report.iceServers[0].urls, [`turn:127.0.0.1:${shared.turn.port}?transport=udp`]);
        assert.match(report.iceServers[0].username, restUser);
        // The selected pair's local candidate is a relayed one. (Its remote one is the other
        // side's relay address, which Chromium may have learnt from a check before the
        // candidate came, as peer-reflexive: not asserted.)
        assert.equal(report.local, 'relay', `${name}'s selected pair: ${JSON.stringify(report)}`);
        // And the video moves: more frames decoded a moment later, in getStats and in what the
        // client shows.
        const shown = (await stateOf(page)).peers[0].video.frames;
        const later = await statsUntil(page, (r) => r[0].framesDecoded >= report.framesDecoded + 10, 20000);
        assert.ok(later[0].framesDecoded >= report.framesDecoded + 10,
                  `${name} decoded ${report.framesDecoded}, then ${later[0].framesDecoded} frames`);
        assert.equal(later[0].local, 'relay');
        await waitForState(page, `${name}'s tile shows the video moving`, (s, since) => s.peers[0].video.frames >= since + 10,
                           shown);
        assert.deepEqual(errorsOf(page), []);
      }
      // coturn allocated relays for both, under the user names orbit-server made.
      const allocations = shared.turn.lines(/ALLOCATE processed, success/);
      const users = new Set(allocations.map((line) => /user <([^>]*)>/.exec(line)?.[1]));
      assert.ok([...users].filter((user) => restUser.test(user)).length >= 2,
                `coturn's allocations: ${[...users].join(', ')}\n${shared.turn.log()}`);
      await screenshot(pages.Ann, 'turn-relayed-ann');
    } finally {
      await context.close();
    }
  });
});

describe('with a secret coturn does not share', () => {
  const shared = relaySetup({ turnSecret: 'what-coturn-checks-against', orbitSecret: 'not-what-coturn-has' });

  test('a relay-only call cannot come up, and each page says why in plain words', async () => {
    const { context, pages } = await joinRelayOnly(shared, 'refused', ['Ann', 'Ben']);
    const why = 'the relay server (TURN) refused our credentials (401 Unauthorized). Relay-only is on, so only ' +
                'connections through the relay server are allowed';
    try {
      for (const [name, other] of [['Ann', 'Ben'], ['Ben', 'Ann']]) {
        const state = await waitForState(pages[name], `${name} is told why ${other} cannot be reached`,
                                         (s) => s.peers.length === 1 && s.peers[0].failure !== null &&
                                                s.notifications.some((n) => n.kind === 'peer-failed'));
        assert.equal(state.iceTransportPolicy, 'relay');
        assert.equal(state.peers[0].name, other);
        assert.equal(state.peers[0].failure, why);
        assert.deepEqual(state.notifications.filter((n) => n.kind === 'peer-failed').map((n) => n.text),
                         [`Could not connect to ${other}: ${why}.`]);
        assert.notEqual(state.peers[0].connection, 'connected');
        assert.equal(state.peers[0].video.frames, 0);
        // The tile is on screen with the reason drawn on it, and the notification beside it
        // while it lasts (the screenshot shows both).
        assert.ok(Array.isArray(state.ui[`Tile ${other}`]), JSON.stringify(Object.keys(state.ui)));
        await screenshot(pages[name], `turn-refused-${name.toLowerCase()}`);
        // Nothing was relayed: the browser offered no candidate it could use.
        const [report] = await connectionReport(pages[name]);
        assert.equal(report.iceTransportPolicy, 'relay');
        assert.equal(report.local, null, JSON.stringify(report));
      }
      // coturn turned both away for their credentials, and allocated nothing.
      assert.ok(shared.turn.lines(/user <\d{10}:[0-9a-f]{32}>.*error 401/).length >= 2, shared.turn.log());
      assert.deepEqual(shared.turn.lines(/ALLOCATE processed, success/), []);
    } finally {
      await context.close();
    }
  });
});
