// Rooms that forward media through a real Janus (--janus): Chromium pages with fake cameras,
// Orbit's server as the only client of Janus's API.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { clickItem, errorsOf, launchBrowser, openPage, screenshot, startServer, stateOf, waitForState } from './harness.mjs';
import { janusPort, startJanus } from './janus.mjs';
import {
  inboundVideoWidths, outboundVideo, smallCameraAndConnections, videoSendParameters,
} from './rtc_probe.mjs';

const viewport = { width: 960, height: 600 };

// What `read(page)` gives once it equals `wanted` (deep equality), or its last value after
// `timeoutMs`: for what getStats and getParameters report, which no state event announces.
async function settled(page, read, wanted, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let value = await read(page);
  while (JSON.stringify(value) !== JSON.stringify(wanted) && Date.now() < deadline) {
    await page.waitForTimeout(200);
    value = await read(page);
  }
  return value;
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
  // libwebrtc sends one simulcast layer below 480×270 unless told otherwise: the small test
  // camera (320×240) then sends all three (320, 160 and 80 wide), as a 720p camera does.
  browser = await launchBrowser({ extraArgs: ['--force-fieldtrials=WebRTC-LegacySimulcastLayerLimit/Disabled/'] });
});

after(async () => {
  await browser?.close();
  await janus?.stop();
});

test('two pages in a room that always forwards: video both ways through Janus', async () => {
  const server = await startServer({ args: ['--janus', janus.url, '--sfu-from', '0'] });
  const context = await browser.newContext({ viewport });
  await context.addInitScript(smallCameraAndConnections);
  try {
    const ann = await openPage(context, `${server.url}/room/through?name=Ann`);
    const ben = await openPage(context, `${server.url}/room/through?name=Ben`);
    for (const [name, page] of [['Ann', ann], ['Ben', ben]]) {
      await waitForState(page, `${name} sees the other's video through the server`, (s) =>
        s.mode === 'sfu' && s.peers.length === 1 && s.peers[0].connection === 'connected' &&
        s.peers[0].video.frames > 0, null, { timeoutMs: 30000 });
    }
    await screenshot(ann, 'sfu-two-pages');

    // Ann shares her screen: through the server it goes beside her camera, and Ben sees both.
    await clickItem(ann, 'Share screen');
    await waitForState(ben, 'Ben sees Ann\'s screen and her camera', (s) =>
      s.peers.length === 1 && (s.peers[0].screen?.frames ?? 0) > 0 && s.peers[0].video.frames > 0, null,
    { timeoutMs: 30000 });
    const both = (await stateOf(ben)).peers[0];
    await waitForState(ben, 'both of Ann\'s videos advance', (s, since) =>
      s.peers[0].screen?.frames >= since.screen + 10 && s.peers[0].video.frames >= since.video + 10,
    { screen: both.screen.frames, video: both.video.frames }, { timeoutMs: 30000 });
    assert.equal(await outboundVideo(ann), 2, 'Ann sends her camera and her screen');
    await screenshot(ben, 'sfu-screen-beside-camera');

    // She stops: the screen goes from Ben's tile, her camera stays.
    await clickItem(ann, 'Share screen');
    await waitForState(ben, 'Ann\'s screen is gone, her camera stays', (s) =>
      s.peers.length === 1 && s.peers[0].screen === undefined && s.peers[0].connection === 'connected', null,
    { timeoutMs: 30000 });
    const camera = (await stateOf(ben)).peers[0].video.frames;
    await waitForState(ben, 'Ann\'s camera still advances', (s, since) => s.peers[0].video.frames >= since + 10,
      camera, { timeoutMs: 30000 });
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

test('four pages: a mesh of three switches to Janus when the fourth comes, three stay forwarded, and two are a mesh again', async () => {
  // --sfu-from 4 rather than the default 5 (tests/server/test_config.cpp checks the default):
  // the same switch both ways with half the encoders, which two CI cores can carry.
  const server = await startServer({ args: ['--janus', janus.url, '--sfu-from', '4'] });
  const context = await browser.newContext({ viewport });
  await context.addInitScript(smallCameraAndConnections);
  const pages = [];
  const join = async (name) => {
    const page = await openPage(context, `${server.url}/room/four?name=${name}`);
    pages.push([name, page]);
    return page;
  };
  try {
    for (const name of ['Ann', 'Ben', 'Cat']) await join(name);
    await everyoneSeesEveryone(pages, 2, 'mesh', 'a mesh of three');
    // In a mesh each page sends its video once per other person...
    for (const [name, page] of pages) assert.equal(await outboundVideo(page), 2, `${name} in the mesh`);
    // ...within a budget of 2.5 Mbit/s all told (40 kbit/s of audio each).
    const capped = Array(2).fill({ maxBitrate: (Math.floor(2500 / 2) - 40) * 1000, scaleResolutionDownBy: 1 });
    for (const [name, page] of pages) {
      // Set once each connection is up, a moment after the video shows.
      assert.deepEqual(await settled(page, videoSendParameters, capped, 10000), capped, name);
    }

    await join('Dan');
    await everyoneSeesEveryone(pages, 3, 'sfu', 'four through Janus');
    // Through Janus each page sends its video once, whoever watches.
    for (const [name, page] of pages) {
      await waitForState(page, `${name}'s mesh connections are closed`, (s) => s.mode === 'sfu');
      assert.equal(await outboundVideo(page), 1, `${name} through Janus`);
    }
    await screenshot(pages[3][1], 'sfu-four-pages');

    // Chat goes on through the switch.
    await pages[3][1].evaluate(() => window.orbit.sendText('hello from the fourth'));
    for (const [name, page] of pages) {
      await waitForState(page, `${name} reads Dan's line`, (s) => s.messages.some((m) => m.text === 'hello from the fourth'));
    }

    // Three stay forwarded (hysteresis: below N - 1 = 3 it is a mesh again); two are a mesh.
    const [, dan] = pages.pop();
    await dan.close();
    await everyoneSeesEveryone(pages, 2, 'sfu', 'three, still through Janus');
    const [, cat] = pages.pop();
    await cat.close();
    await everyoneSeesEveryone(pages, 1, 'mesh', 'two, a mesh again');
    for (const [name, page] of pages) assert.equal(await outboundVideo(page), 1, `${name} in the mesh of two`);
    for (const [name, page] of pages) assert.deepEqual(errorsOf(page), [], name);
  } catch (e) {
    await dumpOnFailure(server, pages);
    throw e;
  } finally {
    await context.close();
    await server.stop();
  }
});

test('three pages in a mesh while Janus is away each send their video twice; when Janus comes they move to it mid-call and send once', async () => {
  const port = await janusPort();
  // Three pages make the point that five did (a forwarded room falls back to a mesh while
  // Janus is away and moves mid-call once it comes) at a third of the encoding: CI's time.
  const server = await startServer({ args: ['--janus', `ws://127.0.0.1:${port}`, '--sfu-from', '3'] });
  const context = await browser.newContext({ viewport });
  await context.addInitScript(smallCameraAndConnections);
  const pages = [];
  let late;
  try {
    for (const name of ['Ann', 'Ben', 'Cat']) {
      pages.push([name, await openPage(context, `${server.url}/room/wall?name=${name}`)]);
    }
    // The mesh wall: each page uploads its video once per other person.
    await everyoneSeesEveryone(pages, 2, 'mesh', 'a mesh of three, Janus away');
    for (const [name, page] of pages) assert.equal(await outboundVideo(page), 2, `${name} in the mesh of three`);

    late = await startJanus({ port });
    // The same three, nobody lost, now through Janus: one upload each.
    await everyoneSeesEveryone(pages, 2, 'sfu', 'three through Janus once it came');
    for (const [name, page] of pages) {
      assert.equal(await settled(page, outboundVideo, 1, 10000), 1, `${name} through Janus`);
      assert.deepEqual(errorsOf(page), [], name);
    }
  } catch (e) {
    await dumpOnFailure(server, pages);
    if (late) console.log(late.log());
    throw e;
  } finally {
    await context.close();
    await server.stop();
    await late?.stop();
  }
});

test('through Janus each tile gets the simulcast layer its size needs, and a speaker the largest', async () => {
  const server = await startServer({ args: ['--janus', janus.url, '--sfu-from', '0'] });
  const context = await browser.newContext({ viewport });
  await context.addInitScript(smallCameraAndConnections);
  const pages = [];
  try {
    const ann = await openPage(context, `${server.url}/room/layers?name=Ann`);
    const ben = await openPage(context, `${server.url}/room/layers?name=Ben`);
    pages.push(['Ann', ann], ['Ben', ben]);
    await everyoneSeesEveryone(pages, 1, 'sfu', 'two through Janus');
    // Ben's microphone (the fake one beeps) is muted: Ann chooses his layer by his tile alone.
    await ben.evaluate(() => window.orbit.setMuted(true));
    await waitForState(ann, 'Ben shows as muted', (s) => s.peers[0]?.muted === true);
    const layerFor = (width) => (width >= 400 ? 320 : width >= 180 ? 160 : 80);
    const decoded = async (what, wanted) => {
      assert.deepEqual(await settled(ann, inboundVideoWidths, [wanted], 15000), [wanted], what);
    };
    let tile = (await stateOf(ann)).ui['Tile Ben'][2];
    assert.ok(tile >= 400, `Ben's tile is ${tile} px wide`);
    await decoded('a large tile: the full layer', 320);

    // Narrow (the side panel a drawer, the grid the whole width) and short: two tiles side by
    // side, each as small as the height leaves it.
    await ann.setViewportSize({ width: 620, height: 210 });
    await waitForState(ann, 'Ben\'s tile is small', (s) => s.ui['Tile Ben']?.[2] < 180);
    tile = (await stateOf(ann)).ui['Tile Ben'][2];
    await decoded(`a tile ${tile} px wide`, layerFor(tile));
    assert.equal(layerFor(tile), 80);

    // Ben speaks (his beep is heard again): the largest layer, small tile or not.
    await ben.evaluate(() => window.orbit.setMuted(false));
    await decoded('the speaker', 320);
    await screenshot(ann, 'sfu-layers-small-tile');
    for (const [name, page] of pages) assert.deepEqual(errorsOf(page), [], name);
  } catch (e) {
    await dumpOnFailure(server, pages);
    throw e;
  } finally {
    await context.close();
    await server.stop();
  }
});
