// The README's embedding snippet on a page of another origin: a tiny Node server on
// 127.0.0.1 and another free port serves the host page, which loads orbit.js and
// orbit-embed.js from orbit-server and calls a normal Orbit page. orbit.wasm, the room API
// and the WebSocket are then all cross-origin, which works only with the server's CORS headers.
import assert from 'node:assert/strict';
import http from 'node:http';
import { once } from 'node:events';
import { after, before, test } from 'node:test';

import {
  errorsOf, launchBrowser, meshed, openPage, screenshot, startServer, stateOf, waitForState,
} from './harness.mjs';

const viewport = { width: 1280, height: 720 };

// The README's snippet, with the server's address filled in; `window.orbit = call` lets the
// harness read the handle's state() as it does on Orbit's own page.
function hostPage(server, room, name) {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Someone else's page</title><link rel="icon" href="data:,"></head>
<body>
<h1>Our intranet</h1>
<canvas id="call" style="width: 800px; height: 450px"></canvas>
<script src="${server}/orbit.js"></script>
<script src="${server}/orbit-embed.js"></script>
<script>
  const call = Orbit.mount(document.getElementById('call'),
                           {server: '${server}', room: '${room}', name: '${name}'});
  window.orbit = call;
</script>
</body>
</html>
`;
}

// Serves hostPage() at /<room>/<name>, for the Orbit server at `host.orbitUrl` (set once
// that server runs: it may need this server's origin first).
async function startHostPageServer() {
  const host = { url: null, orbitUrl: null, close: null };
  const server = http.createServer((request, response) => {
    const [, room, name] = request.url.split('/');
    if (request.method !== 'GET' || !room || !name || !host.orbitUrl) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    response.end(hostPage(host.orbitUrl, room, name));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  host.url = `http://127.0.0.1:${server.address().port}`;
  host.close = () => new Promise((resolve) => server.close(resolve));
  return host;
}

async function framesOf(page) {
  return (await stateOf(page)).peers[0].video.frames;
}

let browser = null;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

// A call between the embedding page of another origin, served by `host`, and Orbit's own
// room page, both on `orbit`.
async function callAcrossOrigins(orbit, host, room) {
  host.orbitUrl = orbit.url;
  assert.notEqual(new URL(host.url).origin, new URL(orbit.url).origin);
  const context = await browser.newContext({ viewport });
  try {
    const embedded = await openPage(context, `${host.url}/${room}/Ann`);
    const own = await openPage(context, `${orbit.url}/room/${room}?name=Ben`);
    for (const page of [embedded, own]) await waitForState(page, 'the call is up', meshed, 1);
    for (const [name, page] of [['Ann', embedded], ['Ben', own]]) {
      const since = await framesOf(page);
      await waitForState(page, `${name} sees the other video move`,
                         (s, n) => s.peers[0].video.frames >= n + 10, since);
    }
    assert.equal((await stateOf(embedded)).peers[0].name, 'Ben');
    assert.equal((await stateOf(own)).peers[0].name, 'Ann');

    await embedded.evaluate(() => window.orbit.sendText('hello from the intranet'));
    await waitForState(own, 'Ben gets the embedded page\'s line',
                       (s) => s.messages.some((m) => m.text === 'hello from the intranet' && m.from === 'Ann'));
    await own.evaluate(() => window.orbit.sendText('hello from Orbit'));
    await waitForState(embedded, 'Ann gets the Orbit page\'s line',
                       (s) => s.messages.some((m) => m.text === 'hello from Orbit' && m.from === 'Ben'));

    assert.equal(await embedded.evaluate(() => window.location.origin), host.url);
    await screenshot(embedded, `embed-cross-origin-${room}`);
    for (const page of [embedded, own]) assert.deepEqual(errorsOf(page), []);
  } finally {
    await context.close();
  }
}

test('a page of another origin embeds Orbit with the README snippet and calls an Orbit page', async () => {
  const host = await startHostPageServer();
  const orbit = await startServer();
  try {
    await callAcrossOrigins(orbit, host, 'anyone');
  } finally {
    await orbit.stop();
    await host.close();
  }
});

test('with --allowed-origin the listed page embeds, and Orbit\'s own page still works', async () => {
  const host = await startHostPageServer();
  const orbit = await startServer({ args: ['--allowed-origin', host.url] });
  try {
    await callAcrossOrigins(orbit, host, 'listed');
  } finally {
    await orbit.stop();
    await host.close();
  }
});
