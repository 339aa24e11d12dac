// Cluster mode in the browser: two orbit-server instances sharing rooms through a real
// redis-server, one Chromium page on each, calling each other with video and chat.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  errorsOf, launchBrowser, openPage, pressKey, screenshot, startRedis, startServer, stateOf, typeInto, waitForState,
} from './harness.mjs';

const viewport = { width: 1280, height: 720 };
let redis;
let servers = [];
let browser;

before(async () => {
  redis = await startRedis();
  servers = [await startServer({ args: ['--redis', redis.url] }), await startServer({ args: ['--redis', redis.url] })];
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  for (const server of servers) await server.stop();
  await redis?.stop();
});

test('a page on each of two instances: one room, video both ways, and chat', async () => {
  const context = await browser.newContext({ viewport });
  try {
    const ann = await openPage(context, `${servers[0].url}/room/across?name=Ann`);
    const ben = await openPage(context, `${servers[1].url}/room/across?name=Ben`);
    for (const [name, page] of [['Ann', ann], ['Ben', ben]]) {
      await waitForState(page, `${name}'s call is up, with the other's video`, (s) =>
        s.connection === 'open' && s.peers.length === 1 && s.peers[0].connection === 'connected' &&
        s.peers[0].video.frames > 0);
    }
    const seen = (await stateOf(ann)).peers[0];
    assert.equal(seen.name, 'Ben');
    assert.ok(seen.video.width > 0 && seen.video.height > 0, JSON.stringify(seen.video));
    // The video keeps coming: ten more frames of Ann's on Ben's page.
    const before = (await stateOf(ben)).peers[0].video.frames;
    await waitForState(ben, 'Ann\'s video advances on Ben\'s page', (s, since) => s.peers[0]?.video.frames >= since + 10,
                       before);

    await typeInto(ann, 'Chat input', 'hello from the other server');
    await pressKey(ann, 'Enter');
    const got = await waitForState(ben, 'Ben reads Ann\'s line', (s) =>
      s.messages.some((m) => m.text === 'hello from the other server'));
    assert.equal(got.messages.find((m) => m.text === 'hello from the other server').from, 'Ann');
    await screenshot(ben, 'cluster-two-instances');
    assert.deepEqual(errorsOf(ann), []);
    assert.deepEqual(errorsOf(ben), []);
  } finally {
    await context.close();
  }
});
