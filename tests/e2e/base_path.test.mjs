// Orbit under a path of a site, as docs/deploy.md sets it up: Debian's nginx on
// docs/deploy/nginx-orbit-base-path.conf (only its placeholders replaced, as
// tests/deploy/run.sh does) in front of orbit-server --base-path /orbit, and headless Chromium
// opening https://localhost:PORT/orbit/... through it. nginx is part of the test: without it
// the test fails (scripts/setup.sh installs it).
//   node --test tests/e2e/base_path.test.mjs
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, mkdtempSync, mkdirSync, readFileSync, rmSync, watch, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';

import { clickItem, errorsOf, launchBrowser, openPage, screenshot, startServer, typeInto, waitForState } from './harness.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const siteFile = path.join(repoRoot, 'docs/deploy/nginx-orbit-base-path.conf');

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer().once('error', reject).listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

// Replaces every `from` in `text`, and fails when there is none: a placeholder that left the
// file would otherwise go untested.
function replaceAll(text, from, to) {
  assert.ok(text.includes(from), `nginx-orbit-base-path.conf no longer has the placeholder "${from}"`);
  return text.split(from).join(to);
}

// Debian's nginx on the site file, in front of orbit-server at `upstreamPort`, on a free port
// of 127.0.0.1 with a self-signed certificate for localhost; everything in `dir`.
async function startNginx(dir, upstreamPort) {
  const nginx = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((candidate) => {
    try {
      execFileSync(candidate, ['-v'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  });
  if (!nginx) throw new Error('nginx is missing: this test runs Orbit behind it (scripts/setup.sh installs it)');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
                           '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost',
                           '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')],
               { stdio: 'ignore' });
  const httpsPort = await freePort();
  const httpPort = await freePort();
  mkdirSync(path.join(dir, 'site'));
  writeFileSync(path.join(dir, 'site', 'index.html'), 'the rest of the site');
  // Two pages of the rest of the site that embed Orbit from under /orbit/, naming no server:
  // the embed script finds it from its own address.
  const canvas = '<canvas id="call" style="width: 640px; height: 360px"></canvas>';
  writeFileSync(path.join(dir, 'site', 'embed.html'), `<!doctype html><title>Embedded</title><link rel="icon" href="data:,">${canvas}
<script src="/orbit/orbit.js"></script>
<script src="/orbit/orbit-embed.js"></script>
<script>window.orbit = Orbit.mount('#call', { room: 'embedded', name: 'Dee' });</script>`);
  writeFileSync(path.join(dir, 'site', 'embed-module.html'), `<!doctype html><title>Embedded</title><link rel="icon" href="data:,">${canvas}
<script type="module">
  import { mount } from '/orbit/orbit-embed.mjs';
  window.orbit = mount('#call', { room: 'embedded', name: 'Eli' });
</script>`);
  let site = readFileSync(siteFile, 'utf8');
  site = replaceAll(site, '/etc/letsencrypt/live/orbit.example.org/fullchain.pem', path.join(dir, 'cert.pem'));
  site = replaceAll(site, '/etc/letsencrypt/live/orbit.example.org/privkey.pem', path.join(dir, 'key.pem'));
  site = replaceAll(site, 'orbit.example.org', 'localhost');
  site = replaceAll(site, 'listen 443 ', `listen 127.0.0.1:${httpsPort} `);
  site = replaceAll(site, 'listen 80;', `listen 127.0.0.1:${httpPort};`);
  site = replaceAll(site, '127.0.0.1:8080', `127.0.0.1:${upstreamPort}`);
  site = replaceAll(site, '/var/www/html', path.join(dir, 'site'));
  writeFileSync(path.join(dir, 'orbit.conf'), site);
  // The rest of what Debian's nginx.conf gives a site, every path in `dir`.
  writeFileSync(path.join(dir, 'nginx.conf'), `worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log info;
error_log stderr notice;
events { worker_connections 256; }
http {
  access_log ${dir}/access.log;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  include ${dir}/orbit.conf;
}
`);
  const args = ['-p', dir, '-e', path.join(dir, 'error.log'), '-c', path.join(dir, 'nginx.conf')];
  execFileSync(nginx, [...args, '-t', '-q']);
  const child = spawn(nginx, [...args, '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'pipe'] });
  // Its listening sockets are open once the master starts its worker, which it says on stderr.
  let log = '';
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`nginx did not start within 10 s\n${log}`)), 10000);
    child.stderr.setEncoding('utf8').on('data', (chunk) => {
      log += chunk;
      if (/start worker process/.test(log)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`nginx exited (${code})\n${log}`));
    });
  });
  const url = `https://localhost:${httpsPort}`;
  return {
    url,
    // The access log once it has a line matching `pattern`, woken by each write to it.
    accessLogMatching(pattern, timeoutMs = 10000) {
      const file = path.join(dir, 'access.log');
      const read = () => readFileSync(file, 'utf8');
      if (pattern.test(read())) return Promise.resolve(read());
      return new Promise((resolve, reject) => {
        const watcher = watch(file, () => {
          const text = read();
          if (!pattern.test(text)) return;
          clearTimeout(timer);
          watcher.close();
          resolve(text);
        });
        const timer = setTimeout(() => {
          watcher.close();
          reject(new Error(`nginx's access log has no line matching ${pattern}:\n${read()}`));
        }, timeoutMs);
      });
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}

const shared = { server: null, nginx: null, browser: null, dir: null };

before(async () => {
  shared.dir = mkdtempSync(path.join(os.tmpdir(), 'orbit-base-path-'));
  // nginx's workers drop root for nobody and still need to reach their folders.
  chmodSync(shared.dir, 0o755);
  shared.server = await startServer({ args: ['--base-path', '/orbit', '--trusted-proxy', '127.0.0.1'] });
  shared.nginx = await startNginx(shared.dir, new URL(shared.server.url).port);
  // The certificate is the test's own.
  shared.browser = await launchBrowser({ extraArgs: ['--ignore-certificate-errors'] });
});

after(async () => {
  await shared.browser?.close();
  await shared.nginx?.stop();
  await shared.server?.stop();
  if (shared.dir) rmSync(shared.dir, { recursive: true, force: true });
});

// Every URL a context asks for (its WebSockets' too, through the page's own WebSocket).
function recordUrls(context) {
  const urls = [];
  context.on('request', (request) => urls.push(request.url()));
  context.addInitScript(() => {
    const Native = window.WebSocket;
    window.socketUrls = [];
    window.WebSocket = class extends Native {
      constructor(...args) {
        super(...args);
        window.socketUrls.push(this.url);
      }
    };
  });
  return urls;
}

test('through nginx at /orbit/, two pages open /orbit/room/abc, load everything under /orbit/ and see each other', async () => {
  const context = await shared.browser.newContext({ viewport: { width: 900, height: 600 }, ignoreHTTPSErrors: true });
  const urls = recordUrls(context);
  try {
    const ann = await openPage(context, `${shared.nginx.url}/orbit/room/abc?name=Ann`);
    const bob = await openPage(context, `${shared.nginx.url}/orbit/room/abc?name=Bob`);
    for (const [page, other] of [[ann, 'Bob'], [bob, 'Ann']]) {
      const state = await waitForState(page, `the page sees ${other} in room abc`,
                                       (s, name) => s.screen === 'room' && s.connection === 'open' &&
                                                    s.roomInfo?.clients.some((c) => c.username === name),
                                       other);
      assert.equal(state.room, 'abc');
    }
    await waitForState(ann, 'Ann is connected to Bob', (s) => s.peers.some((p) => p.connection === 'connected'));
    await screenshot(ann, 'base-path-room');
    const sockets = [...await ann.evaluate(() => window.socketUrls), ...await bob.evaluate(() => window.socketUrls)];
    assert.ok(sockets.length >= 2);
    for (const url of sockets) assert.equal(new URL(url).pathname, '/orbit/room/abc/ws');
    // The page, orbit.js, orbit-embed.js, the wasm and the API: all under /orbit/.
    const paths = urls.filter((url) => url.startsWith('https:')).map((url) => new URL(url).pathname);
    for (const file of ['/orbit/orbit.js', '/orbit/orbit-embed.js', '/orbit/api/rooms/abc']) {
      assert.ok(paths.includes(file), `no request for ${file}: ${paths.join(' ')}`);
    }
    assert.ok(paths.some((p) => /^\/orbit\/orbit\.[0-9a-f]{16}\.wasm$/.test(p)), `no hashed wasm: ${paths.join(' ')}`);
    assert.deepEqual(paths.filter((p) => !p.startsWith('/orbit/')), []);
    // Each page looked the room up once, as it opened (orbit-embed.js), and its client took that.
    assert.equal(paths.filter((p) => p === '/orbit/api/rooms/abc').length, 2);
    assert.deepEqual(errorsOf(ann), []);
    assert.deepEqual(errorsOf(bob), []);
  } finally {
    await context.close();
  }
});

test('through nginx the lobby at /orbit/ lists a password room, opens it at /orbit/room/vault, and no URL or log line carries the join token', async () => {
  const made = await fetch(`${shared.server.url}/orbit/api/rooms`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'Vault', password: 'open sesame', public: true }),
  });
  assert.equal(made.status, 201);
  const context = await shared.browser.newContext({ viewport: { width: 1100, height: 700 }, ignoreHTTPSErrors: true });
  const urls = recordUrls(context);
  try {
    const page = await openPage(context, `${shared.nginx.url}/orbit/`);
    await waitForState(page, 'the lobby lists Vault', (s) => s.screen === 'lobby' &&
                                                            s.lobby.rooms.some((r) => r.room_id === 'vault'));
    await clickItem(page, 'Join vault');
    await waitForState(page, 'the pre-join screen asks for the password',
                       (s) => s.screen === 'prejoin' && s.prejoin.room === 'vault' && s.prejoin.access === 'password');
    // The address bar follows, under the base path.
    assert.equal(new URL(page.url()).pathname, '/orbit/room/vault');
    await typeInto(page, 'Your name', 'Cy');
    await typeInto(page, 'Password', 'open sesame');
    await clickItem(page, 'Join');
    const inside = await waitForState(page, 'Cy is in the vault', (s) => s.screen === 'room' && s.connection === 'open');
    assert.equal(inside.room, 'vault');
    await screenshot(page, 'base-path-password-room');

    const sockets = await page.evaluate(() => window.socketUrls);
    assert.deepEqual(sockets.map((url) => new URL(url).pathname), ['/orbit/room/vault/ws']);
    const all = [...urls, ...sockets];
    assert.deepEqual(all.filter((url) => url.includes('token')), []);
    // nginx logs each WebSocket when it ends: leave, then read the log.
    await page.close();
    const log = await shared.nginx.accessLogMatching(/"GET \/orbit\/room\/vault\/ws HTTP\/1\.1" 101 /);
    assert.ok(!log.includes('token'), `nginx's access log has a token:\n${log}`);
    assert.match(log, /"POST \/orbit\/api\/rooms\/vault\/join HTTP\/[0-9.]+" 200 /);
  } finally {
    await context.close();
  }
});

test('through nginx a page of the rest of the site embeds Orbit from /orbit/ by script tags and as a module, naming no server', async () => {
  const context = await shared.browser.newContext({ viewport: { width: 900, height: 600 }, ignoreHTTPSErrors: true });
  const urls = recordUrls(context);
  try {
    const dee = await openPage(context, `${shared.nginx.url}/embed.html`);
    const eli = await openPage(context, `${shared.nginx.url}/embed-module.html`);
    for (const [page, other] of [[dee, 'Eli'], [eli, 'Dee']]) {
      const state = await waitForState(page, `the embedded call sees ${other}`,
                                       (s, name) => s.connection === 'open' && s.room === 'embedded' &&
                                                    s.roomInfo?.clients.some((c) => c.username === name),
                                       other);
      assert.equal(state.screen, 'room');
    }
    const sockets = [...await dee.evaluate(() => window.socketUrls), ...await eli.evaluate(() => window.socketUrls)];
    for (const url of sockets) assert.equal(new URL(url).pathname, '/orbit/room/embedded/ws');
    const paths = urls.filter((url) => url.startsWith('https:')).map((url) => new URL(url).pathname);
    assert.deepEqual(paths.filter((p) => !p.startsWith('/orbit/') && !/^\/embed(-module)?\.html$/.test(p)), []);
    assert.deepEqual(errorsOf(dee), []);
    assert.deepEqual(errorsOf(eli), []);
  } finally {
    await context.close();
  }
});
