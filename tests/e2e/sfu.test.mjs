// Rooms that forward media through a real Janus (--janus): Chromium pages with fake cameras,
// Orbit's server as the only client of Janus's API.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { errorsOf, launchBrowser, openPage, screenshot, startServer, stateOf, waitForState } from './harness.mjs';
import { startJanus } from './janus.mjs';

const viewport = { width: 960, height: 600 };

// Before any page script: a small camera (320×240 at 15 fps, so that two cores carry five
// pages), and every RTCPeerConnection the page makes kept, for what getStats says it sends.
function smallCameraAndConnections() {
  const getUserMedia = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = (constraints) => {
    if (constraints?.video) {
      const asked = typeof constraints.video === 'object' ? constraints.video : {};
      constraints = { ...constraints, video: { ...asked, width: 320, height: 240, frameRate: 15 } };
    }
    return getUserMedia(constraints);
  };
  const Native = window.RTCPeerConnection;
  window.orbitTestConnections = [];
  window.RTCPeerConnection = function RTCPeerConnection(...args) {
    const pc = new Native(...args);
    window.orbitTestConnections.push(pc);
    return pc;
  };
  window.RTCPeerConnection.prototype = Native.prototype;
  Object.setPrototypeOf(window.RTCPeerConnection, Native);
}

// Outbound video streams that are sending, over every open connection of the page.
function outboundVideo(page) {
  return page.evaluate(async () => {
    let count = 0;
    for (const pc of window.orbitTestConnections) {
      if (pc.connectionState === 'closed') continue;
      const report = await pc.getStats();
      report.forEach((s) => {
        if (s.type === 'outbound-rtp' && s.kind === 'video' && s.bytesSent > 0) count += 1;
      });
    }
    return count;
  });
}

// Every page lists `count` others, each connected and each video advancing by 10 frames.
async function everyoneSeesEveryone(pages, count, mode, what) {
  for (const [name, page] of pages) {
    await waitForState(page, `${name}: ${what}`, (s, wanted) =>
      s.mode === wanted.mode && s.peers.length === wanted.count &&
      s.peers.every((p) => p.connection === 'connected' && p.video.frames > 0), { count, mode },
    { timeoutMs: 45000 });
  }
  for (const [name, page] of pages) {
    const before = Object.fromEntries((await stateOf(page)).peers.map((p) => [p.id, p.video.frames]));
    await waitForState(page, `${name}: every video advances (${what})`, (s, since) =>
      s.peers.every((p) => p.video.frames >= (since[p.id] ?? 0) + 10), before, { timeoutMs: 30000 });
  }
}

async function dumpOnFailure(server, pages) {
  console.log(server.log());
  for (const [name, page] of pages) {
    const s = await stateOf(page).catch(() => null);
    console.log(name, JSON.stringify(s && { mode: s.mode, sfu: s.sfu, problem: s.problem, peers: s.peers }));
  }
}
let janus;
let browser;

before(async () => {
  janus = await startJanus();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await janus?.stop();
});

test('two pages in a room that always forwards: video both ways through Janus', async () => {
  const server = await startServer({ args: ['--janus', janus.url, '--sfu-from', '0'] });
  const context = await browser.newContext({ viewport });
  try {
    const ann = await openPage(context, `${server.url}/room/through?name=Ann`);
    const ben = await openPage(context, `${server.url}/room/through?name=Ben`);
    for (const [name, page] of [['Ann', ann], ['Ben', ben]]) {
      await waitForState(page, `${name} sees the other's video through the server`, (s) =>
        s.mode === 'sfu' && s.peers.length === 1 && s.peers[0].connection === 'connected' &&
        s.peers[0].video.frames > 0, null, { timeoutMs: 30000 });
    }
    await screenshot(ann, 'sfu-two-pages');
    assert.deepEqual(errorsOf(ann), []);
    assert.deepEqual(errorsOf(ben), []);
  } catch (e) {
    console.log(server.log());
    for (const p of context.pages()) console.log(JSON.stringify(await stateOf(p)).slice(0, 3000));
    throw e;
  } finally {
    await context.close();
    await server.stop();
  }
});

test('five pages: a mesh of four switches to Janus when the fifth comes, a sixth comes and goes, and three are a mesh again', async () => {
  const server = await startServer({ args: ['--janus', janus.url] });  // --sfu-from 5, the default
  const context = await browser.newContext({ viewport });
  await context.addInitScript(smallCameraAndConnections);
  const pages = [];
  const join = async (name) => {
    const page = await openPage(context, `${server.url}/room/five?name=${name}`);
    pages.push([name, page]);
    return page;
  };
  try {
    for (const name of ['Ann', 'Ben', 'Cat', 'Dan']) await join(name);
    await everyoneSeesEveryone(pages, 3, 'mesh', 'a mesh of four');
    // In a mesh each page sends its video once per other person.
    for (const [name, page] of pages) assert.equal(await outboundVideo(page), 3, `${name} in the mesh`);

    await join('Eve');
    await everyoneSeesEveryone(pages, 4, 'sfu', 'five through Janus');
    // Through Janus each page sends its video once, whoever watches.
    for (const [name, page] of pages) {
      await waitForState(page, `${name}'s mesh connections are closed`, (s) => s.mode === 'sfu');
      assert.equal(await outboundVideo(page), 1, `${name} through Janus`);
    }
    await screenshot(pages[4][1], 'sfu-five-pages');

    // Chat goes on through the switch.
    await pages[4][1].evaluate(() => window.orbit.sendText('hello from the fifth'));
    for (const [name, page] of pages) {
      await waitForState(page, `${name} reads Eve's line`, (s) => s.messages.some((m) => m.text === 'hello from the fifth'));
    }

    const fay = await join('Fay');
    await everyoneSeesEveryone(pages, 5, 'sfu', 'six through Janus');
    pages.pop();
    await fay.close();
    await everyoneSeesEveryone(pages, 4, 'sfu', 'five again after the sixth left');

    // Four stay forwarded (hysteresis: below N - 1 = 4 it is a mesh again); three are a mesh.
    const [, eve] = pages.pop();
    await eve.close();
    await everyoneSeesEveryone(pages, 3, 'sfu', 'four, still through Janus');
    const [, dan] = pages.pop();
    await dan.close();
    await everyoneSeesEveryone(pages, 2, 'mesh', 'three, a mesh again');
    for (const [name, page] of pages) assert.equal(await outboundVideo(page), 2, `${name} in the mesh of three`);
    for (const [name, page] of pages) assert.deepEqual(errorsOf(page), [], name);
  } catch (e) {
    await dumpOnFailure(server, pages);
    throw e;
  } finally {
    await context.close();
    await server.stop();
  }
});
