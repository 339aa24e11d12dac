// The README's screenshots, taken as the tests run Orbit: a real orbit-server, headless
// Chromium and Firefox ESR with their fake cameras. Not a test; look at each picture before it
// goes in.
//   ORBIT_SERVER_BIN=build/server/orbit-server node tests/e2e/screenshots.mjs [docs]
// writes lobby.png, three-way-call.png, phone.png and firefox-call.png into the folder given.
import path from 'node:path';

import { launchFirefox, openFirefoxPage } from './firefox.mjs';
import { animationFrames, launchBrowser, openPage, startServer, waitForState } from './harness.mjs';

const out = path.resolve(process.argv[2] ?? 'docs');
const server = await startServer();
const chromium = await launchBrowser();
const inRoom = (s) => s.screen === 'room' && s.connection === 'open' && s.fonts.own && s.fonts.icons;

async function open(url, { width = 1100, height = 620, mobile = false } = {}) {
  const context = await chromium.newContext(mobile
    ? { viewport: { width, height }, deviceScaleFactor: 2, isMobile: true, hasTouch: true }
    : { viewport: { width, height } });
  return openPage(context, url);
}

// Every page in the room sees the others with video, then draws a few frames more.
async function settled(pages, count) {
  for (const page of pages) {
    await waitForState(page, 'the call is up with video', (s, n) => s.peers.length === n - 1 &&
      s.peers.every((p) => p.connection === 'connected' && p.video && p.video.frames > 10), count, { timeoutMs: 90000 });
  }
  for (const page of pages) await animationFrames(page, 6);
}

try {
  // The lobby, with a public room behind a password.
  await fetch(`${server.url}/api/rooms`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Design review', password: 'orbit', public: true, guest_limit: 8 }),
  });
  const lobby = await open(`${server.url}/`, { width: 1100, height: 560 });
  await waitForState(lobby, 'the lobby lists the room', (s) => s.screen === 'lobby' && s.lobby.rooms.length === 1 && s.fonts.own);
  await animationFrames(lobby, 6);
  await lobby.screenshot({ path: path.join(out, 'lobby.png') });
  await lobby.context().close();

  // Three people, a few lines of chat.
  const room = `${server.url}/room/weekly-sync`;
  const people = [];
  for (const name of ['Ana', 'Ben', 'Chloé']) {
    const page = await open(`${room}?name=${encodeURIComponent(name)}`);
    await waitForState(page, `${name} is in`, inRoom);
    people.push(page);
  }
  await settled(people, 3);
  await people[1].evaluate(() => window.orbit.sendText('Morning! Can everyone see the new build?'));
  await people[2].evaluate(() => window.orbit.sendText('Yes, looks sharp on my screen 👍'));
  await people[0].evaluate(() => window.orbit.sendText('Great, let’s start with the release notes.'));
  await waitForState(people[0], 'the lines are in', (s) => s.messages.length === 3);
  await people[2].evaluate(() => window.orbit.setMuted(true));
  await waitForState(people[0], 'Chloé is muted', (s) => s.peers.some((p) => p.name === 'Chloé' && p.muted));
  await animationFrames(people[0], 10);
  await people[0].screenshot({ path: path.join(out, 'three-way-call.png') });
  // Each page of video costs a share of the machine: the next call gets it back.
  for (const page of people) await page.context().close();

  // A phone in a call with a laptop.
  const phoneRoom = `${server.url}/room/on-the-go`;
  const laptop = await open(`${phoneRoom}?name=Ana`);
  await waitForState(laptop, 'Ana is in', inRoom);
  const phone = await open(`${phoneRoom}?name=${encodeURIComponent('Dev (phone)')}`, { width: 390, height: 844, mobile: true });
  await waitForState(phone, 'the phone is in', inRoom);
  await settled([laptop, phone], 2);
  await laptop.evaluate(() => window.orbit.sendText('Can you hear me on the train?'));
  await waitForState(phone, 'the line is in', (s) => s.messages.length === 1);
  await animationFrames(phone, 10);
  await phone.screenshot({ path: path.join(out, 'phone.png') });
  for (const page of [laptop, phone]) await page.context().close();

  // Firefox calling Chromium.
  const firefox = await launchFirefox();
  try {
    const mixedRoom = `${server.url}/room/two-browsers`;
    const fox = await openFirefoxPage(firefox, `${mixedRoom}?name=${encodeURIComponent('Fia (Firefox)')}`);
    await waitForState(fox, 'Firefox is in', inRoom, null, { timeoutMs: 60000 });
    const chrome = await open(`${mixedRoom}?name=${encodeURIComponent('Cai (Chromium)')}`);
    await waitForState(chrome, 'Chromium is in', inRoom);
    await settled([fox, chrome], 2);
    await chrome.evaluate(() => window.orbit.sendText('Hello from Chromium'));
    await fox.evaluate(() => window.orbit.sendText('Hello from Firefox'));
    await waitForState(fox, 'both lines are in', (s) => s.messages.length === 2);
    await animationFrames(fox, 10);
    await fox.screenshot({ path: path.join(out, 'firefox-call.png') });
  } finally {
    await firefox.close();
  }
  console.log(`screenshots in ${out}: lobby.png three-way-call.png phone.png firefox-call.png`);
} finally {
  await chromium.close();
  await server.stop();
}
