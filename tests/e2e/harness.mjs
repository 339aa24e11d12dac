// Shared pieces of the browser end-to-end tests: a real orbit-server on a free port (and a
// redis-server for cluster mode), and Debian's Chromium driven by playwright-core. The helpers
// that drive a page also take a puppeteer-core page (Firefox: firefox.mjs).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export const artifactsDir = path.join(repoRoot, 'tests/e2e/artifacts');

const chromiumFlags = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // WebGL2 from SwiftShader, so the ImGui canvas renders (and screenshots) without a GPU.
  '--use-gl=swiftshader',
  '--enable-unsafe-swiftshader',
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  // With loopback as the only interface, WebRTC finds no host candidate without it.
  '--allow-loopback-in-peer-connection',
];

// The web build's folder: ORBIT_BUILD_WEB overrides build-web/.
export const buildWebDir = process.env.ORBIT_BUILD_WEB ?? path.join(repoRoot, 'build-web');

// Starts orbit-server on 127.0.0.1 and a port the system picks, and resolves once it prints
// `listening <url>`. ORBIT_SERVER_BIN and ORBIT_WEB_ROOT override the default build folders;
// `webRoot` serves another folder (a test page), which must hold `requiredFile`; `args` are
// more command-line options.
export async function startServer({ timeoutMs = 20000, webRoot: ownWebRoot = null, requiredFile = 'orbit.wasm',
                                    port = 0, args = [] } = {}) {
  const bin = process.env.ORBIT_SERVER_BIN ?? path.join(repoRoot, 'build/server/orbit-server');
  const webRoot = ownWebRoot ?? process.env.ORBIT_WEB_ROOT ?? path.join(repoRoot, 'build-web/web');
  if (!existsSync(bin)) throw new Error(`no orbit-server at ${bin}: build it, or set ORBIT_SERVER_BIN`);
  if (!existsSync(path.join(webRoot, requiredFile))) {
    throw new Error(`no ${requiredFile} in ${webRoot}: build it (scripts/build.sh web)` +
                    (ownWebRoot ? '' : ', or set ORBIT_WEB_ROOT'));
  }

  // Memory only unless the test gives a data directory (or Redis).
  const store = args.some((arg) => arg.startsWith('--data-dir') || arg.startsWith('--redis')) ? [] : ['--ephemeral'];
  const child = spawn(bin, ['--host', '127.0.0.1', '--port', String(port), '--web-root', webRoot, ...store, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Read both pipes to the end, or a chatty server blocks on a full pipe.
  let log = '';
  child.stderr.setEncoding('utf8').on('data', (chunk) => { log = (log + chunk).slice(-8000); });
  const lines = readline.createInterface({ input: child.stdout });

  const url = await new Promise((resolve, reject) => {
    const fail = (error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    };
    const timer = setTimeout(
      () => fail(new Error(`orbit-server printed no "listening" line within ${timeoutMs} ms\n${log}`)),
      timeoutMs);
    lines.on('line', (line) => {
      log = (log + line + '\n').slice(-8000);
      const match = /^listening (https?:\/\/\S+)/.exec(line);
      if (match) {
        clearTimeout(timer);
        child.removeListener('exit', onExit);
        resolve(match[1]);
      }
    });
    const onExit = (code, signal) => fail(new Error(`orbit-server exited (${code ?? signal}) before listening\n${log}`));
    child.once('exit', onExit);
    child.once('error', fail);
  });

  return {
    url,
    log: () => log,
    async stop({ timeoutMs: stopTimeoutMs = 5000 } = {}) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), stopTimeoutMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

// A throwaway redis-server (Debian's) on 127.0.0.1 and a free port, keeping nothing on disk;
// resolves once it accepts connections, with the URL orbit-server's --redis takes.
// A room made through the rooms API of the server at `url` (POST /api/rooms, docs/protocol.md),
// as an operator's script or another site would: its id.
export async function createRoom(url, body) {
  const response = await fetch(`${url}/api/rooms`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status !== 201) throw new Error(`POST /api/rooms answered ${response.status}: ${text}`);
  return JSON.parse(text).room_id;
}

export async function startRedis({ timeoutMs = 10000 } = {}) {
  const port = await new Promise((resolve, reject) => {
    const probe = net.createServer().once('error', reject).listen(0, '127.0.0.1', () => {
      const { port: free } = probe.address();
      probe.close(() => resolve(free));
    });
  });
  const child = spawn('redis-server', ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no',
                                       '--daemonize', 'no', '--logfile', ''], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stderr.setEncoding('utf8').on('data', (chunk) => { log = (log + chunk).slice(-4000); });
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`redis-server not ready\n${log}`)); }, timeoutMs);
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      log = (log + line + '\n').slice(-4000);
      if (line.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`redis-server exited (${code})\n${log}`)); });
  });
  return {
    url: `redis://127.0.0.1:${port}/0`,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    },
  };
}

// One orbit-server and one Chromium for every test of a file: `shared.server` and
// `shared.browser` once the file's tests start.
export function serverAndBrowserPerFile() {
  const shared = { server: null, browser: null };
  before(async () => {
    shared.server = await startServer();
    shared.browser = await launchBrowser();
  });
  after(async () => {
    await shared.browser?.close();
    await shared.server?.stop();
  });
  return shared;
}

// Chromium with a temporary profile (playwright's launch makes a fresh one each time).
// `fakeMediaUi: false` leaves out --use-fake-ui-for-media-stream, so camera and microphone
// are asked for like on a real page, and `extraArgs` follow the usual flags.
export function launchBrowser({ fakeMediaUi = true, extraArgs = [] } = {}) {
  const flags = chromiumFlags.filter((flag) => fakeMediaUi || flag !== '--use-fake-ui-for-media-stream');
  return chromium.launch({
    executablePath: process.env.ORBIT_CHROMIUM ?? '/usr/bin/chromium',
    args: [...flags, ...extraArgs],
  });
}

// Opens `url` in a new page of `context`, keeping the page's console output for failure reports.
export async function openPage(context, url) {
  const page = keepConsole(await context.newPage());
  await page.goto(url);
  return page;
}

// Collects the page's console output and uncaught exceptions in `page.logs`.
export function keepConsole(page) {
  page.logs = [];
  page.on('console', (message) => page.logs.push(`[${message.type()}] ${message.text()}`));
  page.on('pageerror', (error) => page.logs.push(`[pageerror] ${error.message}`));
  return page;
}

// puppeteer's waitForFunction takes its options second, playwright's third.
const isPuppeteer = (page) => typeof page.browserContext === 'function';

// The client's state as window.orbit.state() reports it; null before the client has started.
export function stateOf(page) {
  return page.evaluate(() => (window.orbit ? window.orbit.state() : null));
}

// Waits until `predicate(state, arg)` holds in the page, where state is window.orbit.state().
// On timeout the error shows the last state and the page's console.
export async function waitForState(page, what, predicate, arg = null, { timeoutMs = 20000 } = {}) {
  try {
    // A string is evaluated in the page as an expression: it carries the predicate's source.
    const expression = `(() => {
        const state = window.orbit ? window.orbit.state() : null;
        return state !== null && (${predicate.toString()})(state, ${JSON.stringify(arg)});
      })()`;
    await (isPuppeteer(page) ? page.waitForFunction(expression, { timeout: timeoutMs })
                             : page.waitForFunction(expression, null, { timeout: timeoutMs }));
  } catch (error) {
    const state = await stateOf(page).catch(() => 'unavailable');
    throw new Error(`${page.url()}: ${what}: ${error.message}\n` +
                    `last state: ${JSON.stringify(state)}\npage console:\n${page.logs.join('\n')}`);
  }
  return stateOf(page);
}

// Every page is connected to all the others and decodes their video.
export function meshed(state, expected) {
  return state.connection === 'open' && state.peers.length === expected &&
    state.peers.every((p) => p.connection === 'connected' && p.video.frames > 0);
}

// The decoded frame counts of every peer's video, by name.
export async function frames(page) {
  const state = await stateOf(page);
  return Object.fromEntries(state.peers.map((p) => [p.name, p.video.frames]));
}

// Waits until every peer's video on `page` has moved on by `count` frames from `since`.
export async function videoAdvances(page, what, since, count = 10) {
  await waitForState(page, what, (state, arg) =>
    state.peers.length === Object.keys(arg.since).length &&
    state.peers.every((p) => p.video.frames >= (arg.since[p.name] ?? 0) + arg.count), { since, count });
}

// Where the client drew the control `name` ([x, y, width, height] in CSS pixels, from
// state().ui), once it is on screen.
export async function itemRect(page, name) {
  const state = await waitForState(page, `"${name}" is on screen`, (s, n) => Array.isArray(s.ui?.[n]), name);
  return state.ui[name];
}

// ImGui 1.86 reads the mouse and keys once per drawn frame, and a key pressed and released
// between two frames is lost: so each input is held across animation frames, and the next
// one waits until the client has drawn the last. `within`: the selector of the call's canvas
// when it is not at the page's top left (state().ui is relative to the canvas).
export async function clickItem(page, name, { within = null } = {}) {
  const [x, y, width, height] = await itemRect(page, name);
  const origin = within
    ? await page.evaluate((selector) => document.querySelector(selector).getBoundingClientRect().toJSON(), within)
    : { x: 0, y: 0 };
  await page.mouse.move(origin.x + x + width / 2, origin.y + y + height / 2);
  await animationFrames(page, 2);
  await page.mouse.down();
  await animationFrames(page, 2);
  await page.mouse.up();
  await animationFrames(page, 2);
}

export async function pressKey(page, key) {
  await page.keyboard.down(key);
  await animationFrames(page, 2);
  await page.keyboard.up(key);
  await animationFrames(page, 1);
}

// Clicks into the text field `name`, deletes `erase` characters before its end and types `text`.
export async function typeInto(page, name, text, { erase = 0 } = {}) {
  await clickItem(page, name);
  await pressKey(page, 'End');
  for (let i = 0; i < erase; i += 1) await pressKey(page, 'Backspace');
  await page.keyboard.type(text);
  await animationFrames(page, 2);
}

// The page's console errors and uncaught exceptions so far. Chromium itself logs every WebSocket connection it could not open;
// while the server is away the client's reconnect attempts are expected to fail, so those
// lines are not the client's errors.
export function errorsOf(page) {
  return page.logs.filter((line) => (line.startsWith('[error]') || line.startsWith('[pageerror]')) &&
                                    !/^\[error\] WebSocket connection to '.*' failed: /.test(line));
}

// Resolves after the page's next `count` animation frames.
export function animationFrames(page, count) {
  return page.evaluate((count) => new Promise((resolve) => {
    const next = () => (--count <= 0 ? resolve() : requestAnimationFrame(next));
    requestAnimationFrame(next);
  }), count);
}

// Saves what the page shows once the client has drawn its latest state: the client draws a
// change over its next few animation frames.
export async function screenshot(page, name) {
  await animationFrames(page, 5);
  mkdirSync(artifactsDir, { recursive: true });
  const file = path.join(artifactsDir, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

// An init script (context.addInitScript) that counts the page's requestAnimationFrame calls
// in window.orbitTestAnimationFrames, the client's frame loop among them.
export function countAnimationFrames() {
  window.orbitTestAnimationFrames = 0;
  const request = window.requestAnimationFrame.bind(window);
  window.requestAnimationFrame = (callback) => {
    window.orbitTestAnimationFrames += 1;
    return request(callback);
  };
}

// Frames the client has drawn and animation frames the page has asked for, so far (with
// countAnimationFrames). Asks for no animation frame itself.
export function frameCounters(page) {
  return page.evaluate(() => ({ drawn: window.orbit.state().framesDrawn, requested: window.orbitTestAnimationFrames }));
}

