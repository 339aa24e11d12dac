// Calls in Debian's Firefox ESR (fake camera and microphone, WebGL2 on llvmpipe) through a real
// orbit-server: two Firefox pages, and a Firefox page with a Chromium page. Every input goes
// through the canvas where the client drew its controls.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { launchFirefox, openFirefoxPage } from './firefox.mjs';
import {
  clickItem, errorsOf, frames, launchBrowser, meshed, openPage, pressKey, screenshot, startServer, stateOf, typeInto,
  videoAdvances, waitForState,
} from './harness.mjs';

let server = null;
let firefox = null;
before(async () => {
  server = await startServer();
  firefox = await launchFirefox();
});
after(async () => {
  await firefox?.close();
  await server?.stop();
});

// Firefox pages in one room, each under its name and in a window of its own.
async function join(room, names) {
  const pages = {};
  for (const name of names) pages[name] = await openFirefoxPage(firefox, `${server.url}/room/${room}?name=${name}`);
  return pages;
}

function closeAll(pages) {
  return Promise.all(Object.values(pages).map((page) => page.browserContext().close()));
}

// Video from every peer has moved on, on every page.
async function videoBothWays(pages) {
  for (const [name, page] of Object.entries(pages)) {
    await videoAdvances(page, `${name} sees the other video move`, await frames(page));
  }
}

// `from` types `text` into the chat through the canvas and sends it with Enter; `to` shows it.
async function chat(from, to, text) {
  await typeInto(from.page, 'Chat input', text);
  await pressKey(from.page, 'Enter');
  const state = await waitForState(to.page, `${to.name} gets "${text}"`, (s, t) => s.messages.some((m) => m.text === t),
                                   text);
  assert.equal(state.messages.find((m) => m.text === text).from, from.name);
}

// No console error, and no notice that the connection could not come up.
async function allWell(page) {
  assert.deepEqual(errorsOf(page), []);
  const { notifications } = await stateOf(page);
  assert.deepEqual(notifications.filter((n) => n.kind === 'peer-failed' || n.kind === 'media-error'), []);
}

// One call for the three tests: a Firefox page takes seconds to start on a software renderer.
describe('two Firefox pages in one room', () => {
  let pages = null;
  before(async () => {
    pages = await join('ff-pair', ['Ann', 'Ben']);
    for (const page of Object.values(pages)) await waitForState(page, 'the call is up', meshed, 1);
  });
  after(() => pages && closeAll(pages));

  test('each sees the other\'s video advancing, with no connection trouble shown', async () => {
    await videoBothWays(pages);
    for (const page of Object.values(pages)) {
      const [peer] = (await stateOf(page)).peers;
      assert.ok(peer.video.width > 0 && peer.video.height > 0, JSON.stringify(peer.video));
      assert.equal(peer.connection, 'connected');
      await allWell(page);
    }
    await screenshot(pages.Ben, 'firefox-call-ben');
  });

  test('a chat line typed into the canvas shows on the other page, and the answer comes back', async () => {
    await chat({ name: 'Ann', page: pages.Ann }, { name: 'Ben', page: pages.Ben }, 'hello from Firefox');
    await chat({ name: 'Ben', page: pages.Ben }, { name: 'Ann', page: pages.Ann }, 'hi Ann, Firefox here too');
    await waitForState(pages.Ann, 'Ann sees her own line', (s) => s.messages.some((m) => m.self));
    await screenshot(pages.Ann, 'firefox-chat-ann');
    for (const page of Object.values(pages)) await allWell(page);
  });

  test('a mute clicked on the canvas shows on the other page, and so does the unmute', async () => {
    await clickItem(pages.Ann, 'Mute');
    await waitForState(pages.Ben, 'Ben sees Ann muted', (s) => s.peers[0].muted === true);
    assert.equal((await stateOf(pages.Ann)).media.muted, true);
    await screenshot(pages.Ben, 'firefox-ann-muted');
    await clickItem(pages.Ann, 'Mute');
    await waitForState(pages.Ben, 'Ben sees Ann unmuted', (s) => s.peers[0].muted === false);
    for (const page of Object.values(pages)) await allWell(page);
  });
});

test('a Firefox page and a Chromium page call each other: video both ways and a chat line each way', async () => {
  const chromium = await launchBrowser();
  const ann = await openFirefoxPage(firefox, `${server.url}/room/ff-mixed?name=Ann`);
  try {
    const context = await chromium.newContext({ viewport: { width: 1280, height: 720 } });
    const pages = { Ann: ann, Ben: await openPage(context, `${server.url}/room/ff-mixed?name=Ben`) };
    try {
      // Up in about 5 s here; the longer wait leaves room for the client's ICE restart, which
      // a loaded CI machine has needed once in a while between the two browsers.
      for (const page of Object.values(pages)) {
        await waitForState(page, 'the call is up', meshed, 1, { timeoutMs: 45000 });
      }
    } catch (e) {
      for (const [name, page] of Object.entries(pages)) console.log(`${name}'s console:\n${page.logs.join('\n')}`);
      throw e;
    }
    await videoBothWays(pages);
    await chat({ name: 'Ann', page: pages.Ann }, { name: 'Ben', page: pages.Ben }, 'Firefox to Chromium');
    await chat({ name: 'Ben', page: pages.Ben }, { name: 'Ann', page: pages.Ann }, 'Chromium to Firefox');
    await screenshot(pages.Ann, 'firefox-mixed-firefox');
    await screenshot(pages.Ben, 'firefox-mixed-chromium');
    for (const page of Object.values(pages)) await allWell(page);
  } finally {
    await ann.browserContext().close();
    await chromium.close();
  }
});
