// The embed API as a web developer meets it, on a stranger's page: a tiny Node server on
// another origin serves host pages that load orbit.js and orbit-embed.js from a real
// orbit-server and mount the call the README's way. Sizing at devicePixelRatio 1 and 2, the
// host's keyboard and wheel, `ready` and its typed rejections, destroy() and mounting again,
// hiding the canvas, and the events a host mirrors the call from.
import assert from 'node:assert/strict';
import http from 'node:http';
import { once } from 'node:events';
import net from 'node:net';
import { after, before, test } from 'node:test';

import {
  animationFrames, clickItem, countAnimationFrames, errorsOf, launchBrowser, openPage, pressKey, screenshot,
  startServer, stateOf, waitForState,
} from './harness.mjs';

// A host page: `body` is its markup, `script` what it runs once orbit.js and orbit-embed.js
// are loaded (ORBIT is the orbit-server's address).
function hostPage(orbitUrl, { body, script, module = null }) {
  if (module) {
    return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>A stranger's page</title><link rel="icon" href="data:,"></head>
<body>
${body}
<script type="module">
  const ORBIT = '${orbitUrl}';
  ${module}
</script>
</body>
</html>
`;
  }
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>A stranger's page</title><link rel="icon" href="data:,">
<style>body { margin: 20px; font: 16px sans-serif; } .tall { height: 3000px; }</style></head>
<body>
${body}
<script src="${orbitUrl}/orbit.js"></script>
<script src="${orbitUrl}/orbit-embed.js"></script>
<script>
  const ORBIT = '${orbitUrl}';
  window.events = [];
  window.record = (call) => { call.on('*', (event) => window.events.push(event)); return call; };
  ${script}
</script>
</body>
</html>
`;
}

let browser = null;
let orbit = null;
let host = null;
const pages = new Map();  // path → {body, script}

before(async () => {
  orbit = await startServer();
  const server = http.createServer((request, response) => {
    const page = pages.get(new URL(request.url, 'http://x').pathname);
    if (!page) return response.writeHead(404).end();
    response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    response.end(hostPage(orbit.url, page));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  host = { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(r)) };
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await host?.close();
  await orbit?.stop();
});

let pageCount = 0;
// Serves `page` at a path of its own and opens it in a fresh context (its own person).
// `origin`: another origin for the same host server (http://localhost:PORT).
async function openHostPage(page, { deviceScaleFactor = 1, viewport = { width: 1280, height: 720 }, init = null,
                                   origin = host.url } = {}) {
  const path = `/page-${++pageCount}`;
  pages.set(path, page);
  const context = await browser.newContext({ viewport, deviceScaleFactor });
  for (const script of [init ?? []].flat()) await context.addInitScript(script);
  const tab = await openPage(context, origin + path);
  tab.context_ = context;
  return tab;
}

function canvasBox(page, selector = '#call') {
  return page.evaluate((selector) => {
    const canvas = document.querySelector(selector);
    const rect = canvas.getBoundingClientRect();
    return { cssWidth: rect.width, cssHeight: rect.height, width: canvas.width, height: canvas.height };
  }, selector);
}

function inRoom(state) {
  return state.screen === 'room' && state.connection === 'open';
}

// What `ready` came to: {ok: true} or {code, message, name}.
function readyOutcome(page, expression = 'window.orbit.ready') {
  return page.evaluate((expression) => eval(expression).then(
    () => ({ ok: true }),
    (error) => ({ code: error.code, message: error.message, name: error.name, isError: error instanceof Error })),
  expression);
}

async function freePort() {
  const server = net.createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

for (const deviceScaleFactor of [1, 2]) {
  test(`the host's size holds at devicePixelRatio ${deviceScaleFactor}: inline style, size attributes, no size at all`, async () => {
    const page = await openHostPage({
      body: `<canvas id="call" style="width: 800px; height: 450px"></canvas>
             <canvas id="attributes" width="640" height="360"></canvas>
             <canvas id="bare"></canvas>`,
      script: `
        window.orbit = Orbit.mount(document.getElementById('call'), {server: ORBIT, room: 'sizes-${deviceScaleFactor}', name: 'Ann'});
        window.second = Orbit.mount('#attributes', {server: ORBIT});
        window.third = Orbit.mount('#bare', {server: ORBIT});`,
    }, { deviceScaleFactor });
    try {
      await waitForState(page, 'Ann is in the room', inRoom);
      await page.evaluate(() => Promise.all([window.second.ready, window.third.ready]));
      // Long enough for a feedback loop to show: it doubled every 0.6 s.
      await animationFrames(page, 90);
      const expected = { '#call': [800, 450], '#attributes': [640, 360], '#bare': [300, 150] };
      for (const [selector, [width, height]] of Object.entries(expected)) {
        const box = await canvasBox(page, selector);
        assert.deepEqual(box, { cssWidth: width, cssHeight: height, width: width * deviceScaleFactor,
                                height: height * deviceScaleFactor }, selector);
      }
      assert.equal(await page.evaluate(() => document.getElementById('call').style.width), '800px');
      await screenshot(page, `embed-sizes-dpr${deviceScaleFactor}`);
      assert.deepEqual(errorsOf(page), []);
    } finally {
      await page.context_.close();
    }
  });
}

test('the call takes keys only while it has the focus, and leaves the wheel to the page when it has nothing to scroll', async () => {
  const page = await openHostPage({
    body: `<input id="search" value="orbit">
           <canvas id="call" style="width: 800px; height: 450px"></canvas>
           <input id="after"><div class="tall"></div>`,
    script: `window.orbit = record(Orbit.mount(document.getElementById('call'), {server: ORBIT, room: 'keys', name: 'Ann'}));`,
  });
  try {
    await page.evaluate(() => window.orbit.ready);
    // Never touched: Backspace and Tab work in the host's field as on any page.
    await page.click('#search');
    await page.keyboard.press('End');
    await page.keyboard.press('Backspace');
    assert.equal(await page.inputValue('#search'), 'orbi');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'call', 'Tab goes on to the canvas');

    // Into the call's chat field, a line typed and sent there.
    await clickItem(page, 'Chat input', { within: '#call' });
    await waitForState(page, 'the chat field has the focus', (s) => s.ui.focus === 'Chat input');
    await page.keyboard.type('in the call');
    await pressKey(page, 'Enter');
    await waitForState(page, 'the line was sent from the call', (s) => s.messages.some((m) => m.text === 'in the call'));

    // Back to the host's field: what is typed there stays there, Enter sends nothing.
    await page.click('#search');
    await page.keyboard.type('xyz');
    await page.keyboard.press('Enter');
    await animationFrames(page, 5);
    assert.equal(await page.inputValue('#search'), 'orbixyz');
    const texts = (await stateOf(page)).messages.map((m) => m.text);
    assert.deepEqual(texts, ['in the call']);

    // The wheel over the pre-join-free room's video area: nothing there scrolls, so the page does.
    await page.evaluate(() => window.scrollTo(0, 0));
    const box = await page.locator('#call').boundingBox();
    await page.mouse.move(box.x + 200, box.y + 100);
    await page.mouse.wheel(0, 300);
    await page.waitForFunction(() => window.scrollY > 0, null, { timeout: 5000 });
    await screenshot(page, 'embed-keys-and-wheel');
    assert.deepEqual(errorsOf(page), []);
  } finally {
    await page.context_.close();
  }
});

test('ready resolves once the client is in the room, so the README\'s sendText right after it works', async () => {
  const page = await openHostPage({
    body: '<canvas id="call" style="width: 800px; height: 450px"></canvas>',
    script: `
      window.orbit = Orbit.mount(document.getElementById('call'), {server: ORBIT, room: 'Ready Room', name: 'Ann'});
      window.sent = window.orbit.ready.then((call) => { call.sendText('hello'); return call.state(); });`,
  });
  try {
    const state = await page.evaluate(() => window.sent);
    assert.equal(state.connection, 'open');
    assert.equal(state.room, 'ready-room');  // the name's id, as `joined` and state() say
    await waitForState(page, 'the line went out', (s) => s.messages.some((m) => m.text === 'hello' && m.self));

    // A burst past what the server takes: each line either arrives or sendText says it was not sent.
    const { sent, refusals } = await page.evaluate(() => {
      let sent = 0;
      const refusals = new Set();
      for (let i = 0; i < 600; i += 1) {
        try {
          window.orbit.sendText(`burst ${i}`);
          sent += 1;
        } catch (error) {
          refusals.add(error.message);
        }
      }
      return { sent, refusals: [...refusals] };
    });
    assert.ok(sent >= 50 && sent < 600, `${sent} of 600 taken`);
    assert.equal(refusals.length, 1);
    assert.match(refusals[0], /was not sent/);
    await waitForState(page, 'every line taken arrives', (s, n) => s.messages.filter((m) => m.text.startsWith('burst ')).length === n,
                       sent);
    assert.deepEqual(errorsOf(page), []);
  } finally {
    await page.context_.close();
  }
});

test('ready rejects with a typed error for a bad canvas, a bad address, an unreachable server, a full room and a password room', async () => {
  const closedPort = await freePort();
  const small = await startServer({ args: ['--max-room-size', '1'] });
  const created = await fetch(`${orbit.url}/api/rooms`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'Vault', password: 'open sesame' }),
  });
  assert.equal(created.status, 201);
  const vault = (await created.json()).room_id;
  const occupant = await openHostPage({
    body: '<canvas id="call" style="width: 400px; height: 300px"></canvas>',
    script: `window.orbit = Orbit.mount(document.getElementById('call'), {server: '${small.url}', room: 'tiny', name: 'First'});`,
  });
  try {
    await waitForState(occupant, 'the first person fills the room', inRoom);
    const page = await openHostPage({
      body: '<canvas id="call" style="width: 400px; height: 300px"></canvas><div id="box"></div>',
      script: `
        const canvas = document.getElementById('call');
        window.outcomes = {
          nothing: Orbit.mount(null, {server: ORBIT}),
          div: Orbit.mount(document.getElementById('box'), {server: ORBIT}),
          selector: Orbit.mount('#no-such-canvas', {server: ORBIT}),
          scheme: Orbit.mount(canvas, {server: 'ftp://127.0.0.1/', room: 'x'}),
          garbage: Orbit.mount(canvas, {url: 'http://[nonsense'}),
        };`,
    });
    try {
      const expected = { nothing: 'bad-canvas', div: 'bad-canvas', selector: 'bad-canvas', scheme: 'bad-url',
                         garbage: 'bad-url' };
      for (const [name, code] of Object.entries(expected)) {
        const outcome = await readyOutcome(page, `window.outcomes.${name}.ready`);
        assert.equal(outcome.code, code, name);
        assert.equal(outcome.name, 'OrbitError', name);
        assert.ok(outcome.isError, name);
        assert.ok(outcome.message.length > 10, name);
        // Commands say so too.
        const thrown = await page.evaluate((name) => {
          try { window.outcomes[name].sendText('hi'); } catch (error) { return error.code; }
          return null;
        }, name);
        assert.equal(thrown, code, name);
      }

      const cases = [
        ['unreachable', `{server: 'http://127.0.0.1:${closedPort}', room: 'anyone', name: 'Ann'}`],
        ['room-full', `{server: '${small.url}', room: 'tiny', name: 'Second'}`],
        ['password-required', `{server: ORBIT, room: '${vault}', name: 'Ann'}`],
        ['wrong-password', `{server: ORBIT, room: '${vault}', name: 'Ann', password: 'nope'}`],
        ['bad-name', `{server: ORBIT, room: 'anyone', name: '${'x'.repeat(65)}'}`],
      ];
      for (const [code, options] of cases) {
        await page.evaluate((options) => {
          window.attempt?.destroy();
          window.attempt = record(Orbit.mount(document.getElementById('call'), eval(`(${options})`)));
        }, options);
        const outcome = await readyOutcome(page, 'window.attempt.ready');
        assert.equal(outcome.code, code, options);
        assert.ok(await page.evaluate((code) => window.events.some((e) => e.event === 'error' && e.code === code), code),
                  `an error event with the code ${code}`);
      }
      // The right password takes Ann straight in, and stays out of every address.
      await page.evaluate((vault) => {
        window.attempt.destroy();
        window.orbit = Orbit.mount(document.getElementById('call'), {server: ORBIT, room: vault, name: 'Ann',
                                                                    password: 'open sesame'});
      }, vault);
      assert.deepEqual(await readyOutcome(page, 'window.orbit.ready'), { ok: true });
      assert.equal((await stateOf(page)).connection, 'open');
      const addresses = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name));
      assert.ok(addresses.every((address) => !address.includes('sesame')), addresses.join('\n'));
      await page.evaluate(() => window.orbit.destroy());
    } finally {
      await page.context_.close();
    }
  } finally {
    await occupant.context_.close();
    await small.stop();
  }
});

test('destroy() frees the frame loop, the page\'s listeners and the camera, five times over, and a new mount works', async () => {
  // Counts the key listeners on the window and the camera and microphone tracks handed out
  // (and the animation frames: countAnimationFrames).
  const counters = () => {
    window.keyListeners = 0;
    const add = window.addEventListener.bind(window);
    const remove = window.removeEventListener.bind(window);
    window.addEventListener = (type, ...rest) => { if (type === 'keydown') window.keyListeners += 1; return add(type, ...rest); };
    window.removeEventListener = (type, ...rest) => { if (type === 'keydown') window.keyListeners -= 1; return remove(type, ...rest); };
    window.liveTracks = [];
    const getUserMedia = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
    navigator.mediaDevices.getUserMedia = async (constraints) => {
      const stream = await getUserMedia(constraints);
      window.liveTracks.push(...stream.getTracks());
      return stream;
    };
  };
  const page = await openHostPage({
    body: '<input id="search"><canvas id="call" style="width: 640px; height: 360px"></canvas>',
    script: `window.mountCall = (room) => { window.orbit = record(Orbit.mount(document.getElementById('call'), {server: ORBIT, room, name: 'Ann'})); };`,
  }, { init: [countAnimationFrames, counters] });
  try {
    for (let round = 1; round <= 5; round += 1) {
      await page.evaluate((room) => window.mountCall(room), `cycle-${round}`);
      await waitForState(page, `round ${round}: in the room`, inRoom);
      await waitForState(page, `round ${round}: the camera is on`, (s) => s.media.camera !== null);
      await page.evaluate(() => { window.events = []; window.orbit.destroy(); });
      assert.deepEqual(await page.evaluate(() => window.events.filter((e) => e.event === 'left').map((e) => e.reason)),
                       ['destroy']);
      assert.equal(await page.evaluate(() => window.orbit.state()), null);
      const thrown = await page.evaluate(() => { try { window.orbit.sendText('hi'); } catch (e) { return e.code; } return null; });
      assert.equal(thrown, 'destroyed');
    }
    // Nothing of the five calls runs: no animation frame in a second, no key listener left,
    // no camera or microphone on.
    const before = await page.evaluate(() => window.orbitTestAnimationFrames);
    await page.waitForTimeout(1000);
    assert.equal(await page.evaluate(() => window.orbitTestAnimationFrames), before, 'animation frames after destroy');
    assert.equal(await page.evaluate(() => window.keyListeners), 0);
    assert.deepEqual(await page.evaluate(() => window.liveTracks.filter((t) => t.readyState === 'live').length), 0);
    await page.click('#search');
    await page.keyboard.type('ab');
    await page.keyboard.press('Backspace');
    assert.equal(await page.inputValue('#search'), 'a');
    // The canvas is the host's again, at its own size; a sixth mount draws as the first did.
    assert.deepEqual(await canvasBox(page), { cssWidth: 640, cssHeight: 360, width: 300, height: 150 });
    await page.evaluate(() => window.mountCall('cycle-6'));
    await waitForState(page, 'the sixth call is in the room', inRoom);
    assert.deepEqual(await canvasBox(page), { cssWidth: 640, cssHeight: 360, width: 640, height: 360 });
    const [, , width] = (await stateOf(page)).ui['Leave'];
    assert.ok(width > 20 && width < 200, `the Leave button is ${width} px wide, not zoomed`);
    await screenshot(page, 'embed-sixth-mount');
    assert.deepEqual(errorsOf(page), []);
  } finally {
    await page.context_.close();
  }
});

test('events let a host page mirror the call: who is there, mute and camera, private lines, leaving; a hidden call draws nothing', async () => {
  const page = (name) => openHostPage({
    body: '<canvas id="call" style="width: 640px; height: 360px"></canvas>',
    script: `window.orbit = record(Orbit.mount(document.getElementById('call'), {server: ORBIT, room: 'mirror', name: '${name}'}));`,
  }, { init: countAnimationFrames });
  const ann = await page('Ann');
  try {
    await waitForState(ann, 'Ann is in the room', inRoom);
    const ben = await page('Ben');
    try {
      await waitForState(ben, 'Ben is in the room', inRoom);
      const annId = (await stateOf(ann)).self.id;
      const benId = (await stateOf(ben)).self.id;
      const eventsOf = (tab) => tab.evaluate(() => window.events);
      const waitForEvent = (tab, what, predicate, arg) => tab.waitForFunction(
        `window.events.some((e) => (${predicate.toString()})(e, ${JSON.stringify(arg)}))`, null, { timeout: 20000 })
        .catch(async (error) => { throw new Error(`${what}: ${error.message}\n${JSON.stringify(await eventsOf(tab))}`); });

      await waitForEvent(ben, 'Ben is told Ann was there', (e, id) => e.event === 'peer-joined' && e.peer === id &&
                         e.present === true && e.name === 'Ann', annId);
      await waitForEvent(ann, 'Ann is told Ben came', (e, id) => e.event === 'peer-joined' && e.peer === id &&
                         e.present === false && e.name === 'Ben', benId);
      await waitForState(ann, 'the video flows', (s) => s.peers[0]?.video.frames > 5);

      await ben.evaluate(() => window.orbit.setMuted(true));
      await waitForEvent(ben, 'Ben hears of his own mute', (e) => e.event === 'media' && e.muted === true);
      await waitForEvent(ann, 'Ann sees Ben mute', (e, id) => e.event === 'peer-media' && e.peer === id &&
                         e.muted === true, benId);
      await ben.evaluate(() => window.orbit.setCamera(false));
      await waitForEvent(ann, 'Ann sees Ben\'s camera go off', (e, id) => e.event === 'peer-media' && e.peer === id &&
                         e.cameraOff === true, benId);
      await ben.evaluate(() => window.orbit.setCamera(true));

      // A microphone of the list: the call takes it, and Ann still hears Ben; one not listed is refused, saying why.
      const other = await ben.evaluate(() => {
        const { media } = window.orbit.state();
        return media.devices.find((d) => d.kind === 'microphone' && d.label !== media.microphone.label);
      });
      await ben.evaluate((id) => window.orbit.switchDevice('microphone', id), other.deviceId);
      await waitForState(ben, `Ben's microphone is ${other.label}`, (s, label) => s.media.microphone?.label === label,
                         other.label);
      const unknownDevice = await ben.evaluate(() => {
        try {
          window.orbit.switchDevice('camera', 'no-such-camera');
          return null;
        } catch (error) {
          return { name: error.name, code: error.code, message: error.message };
        }
      });
      assert.equal(unknownDevice?.code, 'refused');
      assert.match(unknownDevice.message, /no camera "no-such-camera"/);

      await ben.evaluate((id) => window.orbit.sendText('for Ann only', id), annId);
      await ben.evaluate(() => window.orbit.sendText('for everyone'));
      await waitForEvent(ann, 'the private line says so', (e, id) => e.event === 'text' && e.text === 'for Ann only' &&
                         e.private === true && e.to === id && e.peer !== undefined, annId);
      await waitForEvent(ann, 'the room line says so', (e) => e.event === 'text' && e.text === 'for everyone' &&
                         e.private === false && e.to === null);

      // Hidden, Ann's call asks for no animation frame while Ben's video keeps coming.
      await ann.evaluate(() => { document.getElementById('call').style.display = 'none'; });
      await animationFrames(ann, 3);
      const hiddenFrom = await ann.evaluate(() => window.orbitTestAnimationFrames);
      await ann.waitForTimeout(1000);
      const hiddenFrames = (await ann.evaluate(() => window.orbitTestAnimationFrames)) - hiddenFrom;
      assert.ok(hiddenFrames <= 2, `${hiddenFrames} animation frames in a hidden second`);
      await ann.evaluate(() => { document.getElementById('call').style.display = ''; });
      const drawn = (await stateOf(ann)).framesDrawn;
      await waitForState(ann, 'shown again, it draws', (s, n) => s.framesDrawn > n, drawn);

      await ben.evaluate(() => window.orbit.leave());
      await waitForEvent(ben, 'Ben is told he left', (e) => e.event === 'left' && e.reason === 'leave');
      await waitForEvent(ann, 'Ann sees Ben leave', (e, id) => e.event === 'peer-left' && e.peer === id, benId);
      const refusal = await ben.evaluate(() => { try { window.orbit.sendText('still here?'); } catch (e) { return e.message; } return null; });
      assert.match(refusal, /left the room/);
      for (const tab of [ann, ben]) assert.deepEqual(errorsOf(tab), []);
    } finally {
      await ben.context_.close();
    }
  } finally {
    await ann.context_.close();
  }
});

test('the ES module entry point mounts a call with no script tags of its own, and adds no globals beyond the two', async () => {
  const page = await openHostPage({
    body: '<canvas id="call" style="width: 640px; height: 360px"></canvas>',
    module: `
      const before = new Set(Object.keys(window));
      const { mount, OrbitError, default: Orbit } = await import(ORBIT + '/orbit-embed.mjs');
      const again = await import(ORBIT + '/orbit-embed.mjs');
      window.orbit = mount(document.getElementById('call'), {server: ORBIT, room: 'modules', name: 'Ann'});
      window.outcome = window.orbit.ready.then(() => ({
        added: Object.keys(window).filter((key) => !before.has(key) && key !== 'orbit' && key !== 'outcome').sort(),
        sameModule: again.mount === mount && Orbit.mount === mount,
        typed: typeof OrbitError === 'function',
        scripts: document.scripts.length,
      }));`,
  });
  try {
    await page.waitForFunction(() => window.outcome !== undefined, null, { timeout: 20000 })
      .catch((error) => { throw new Error(`${error.message}\n${page.logs.join('\n')}`); });
    const outcome = await page.evaluate(() => window.outcome);
    assert.deepEqual(outcome.added, ['Orbit', 'createOrbitModule']);
    assert.equal(outcome.sameModule, true);
    assert.equal(outcome.typed, true);
    assert.equal(outcome.scripts, 3, 'the page\'s module, orbit.js and orbit-embed.js, each once');
    assert.equal((await stateOf(page)).connection, 'open');
    assert.deepEqual(errorsOf(page), []);
  } finally {
    await page.context_.close();
  }
});

test('a page of another origin drives a call in an iframe through the postMessage bridge, and a third origin cannot', async () => {
  const framePage = (parentOrigin, room) => ({
    body: `<iframe id="frame" allow="camera; microphone" style="width: 800px; height: 450px; border: 0"
                   src="${orbit.url}/room/${room}?name=Ann&parent=${encodeURIComponent(parentOrigin)}"></iframe>
           <script src="${orbit.url}/orbit-embed.js"></script>`,
    script: `window.call = record(Orbit.frame(document.getElementById('frame')));`,
  });
  const hostPageTab = await openHostPage(framePage(host.url, 'framed'));
  const benContext = await browser.newContext({ viewport: { width: 1000, height: 600 } });
  try {
    await hostPageTab.evaluate(() => window.call.ready);
    const ben = await openPage(benContext, `${orbit.url}/room/framed?name=Ben`);
    await waitForState(ben, 'Ben is in the room', inRoom);
    await hostPageTab.waitForFunction(() => window.events.some((e) => e.event === 'peer-joined' && e.name === 'Ben'),
                                      null, { timeout: 20000 });
    assert.ok(await hostPageTab.evaluate(() => window.events.some((e) => e.event === 'joined' && e.name === 'Ann')));

    await hostPageTab.evaluate(() => window.call.sendText('hello through the frame'));
    await waitForState(ben, 'Ben gets the line', (s) => s.messages.some((m) => m.text === 'hello through the frame' &&
                                                                               m.from === 'Ann'));
    const state = await hostPageTab.evaluate(() => window.call.state());
    assert.equal(state.connection, 'open');
    assert.equal(state.peers[0].name, 'Ben');
    const refusal = await hostPageTab.evaluate(() => window.call.sendText('').then(() => null,
                                                                            (e) => ({ name: e.name, code: e.code })));
    assert.deepEqual(refusal, { name: 'OrbitError', code: 'refused' });
    await ben.evaluate(() => window.orbit.sendText('hello back'));
    await hostPageTab.waitForFunction(() => window.events.some((e) => e.event === 'text' && e.text === 'hello back'),
                                      null, { timeout: 20000 });

    // A page of a third origin frames the same call page, naming the first page's origin as
    // its parent: the frame neither obeys it nor tells it anything.
    const intruder = await openHostPage(framePage(host.url, 'framed'),
                                        { origin: host.url.replace('127.0.0.1', 'localhost') });
    try {
      // Its handle never hears from the frame; raw calls, posted again and again while the
      // frame's call starts and joins, are never obeyed.
      await intruder.evaluate(() => {
        const frame = document.getElementById('frame');
        window.pokes = setInterval(() => frame.contentWindow.postMessage(
          { orbit: 1, type: 'call', id: 1, method: 'sendText', args: ['intruder line'] }, '*'), 100);
      });
      const answered = await intruder.evaluate(() => Promise.race([
        window.call.state().then(() => true),
        new Promise((resolve) => setTimeout(() => resolve(false), 4000)),
      ]));
      assert.equal(answered, false, 'the frame answered a page of another origin');
      await waitForState(ben, 'the second Ann is in the room', (s) => s.peers.length === 2);
      await assert.rejects(waitForState(ben, 'the intruder\'s line', (s) => s.messages.some((m) => m.text === 'intruder line'),
                                        null, { timeoutMs: 3000 }));
      assert.deepEqual(await intruder.evaluate(() => window.events), []);
    } finally {
      await intruder.context_.close();
    }
    await screenshot(hostPageTab, 'embed-iframe-bridge');
    assert.deepEqual(errorsOf(hostPageTab), []);
  } finally {
    await benContext.close();
    await hostPageTab.context_.close();
  }
});

test('a camera and microphone the browser refuses are media-error events with codes, and the state says muted and camera off', async () => {
  const refusing = await launchBrowser({ fakeMediaUi: false, extraArgs: ['--deny-permission-prompts'] });
  const path = `/page-${++pageCount}`;
  pages.set(path, {
    body: '<canvas id="call" style="width: 640px; height: 360px"></canvas>',
    script: `window.orbit = record(Orbit.mount(document.getElementById('call'), {server: ORBIT, room: 'refused', name: 'Vic'}));`,
  });
  const context = await refusing.newContext();
  try {
    const page = await openPage(context, host.url + path);
    await page.evaluate(() => window.orbit.ready);
    await page.waitForFunction(() => ['camera-denied', 'microphone-denied'].every(
      (code) => window.events.some((e) => e.event === 'media-error' && e.code === code)), null, { timeout: 20000 })
      .catch(async (error) => { throw new Error(`${error.message}\n${JSON.stringify(await page.evaluate(() => window.events))}`); });
    const state = await stateOf(page);
    assert.equal(state.media.muted, true);
    assert.equal(state.media.cameraEnabled, false);
    const media = await page.evaluate(() => window.events.filter((e) => e.event === 'media').at(-1));
    assert.deepEqual(media, { event: 'media', muted: true, cameraOff: true, sharingScreen: false, microphone: false,
                              camera: false });
  } finally {
    await context.close();
    await refusing.close();
  }
});
