// A throwaway Janus (Debian's janus 1.1.2) for browser tests: scripts/janus.sh writes its
// configuration into a temporary folder and runs it with the WebSocket API on 127.0.0.1 and a
// free port.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export function janusPort() { return freePort(); }

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer().once('error', reject).listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

// Resolves true once a WebSocket handshake with the Janus subprotocol succeeds on `port`,
// false when nothing (or something else) answers.
function handshakeSucceeds(port) {
  return new Promise((resolve) => {
    const request = http.request({
      host: '127.0.0.1',
      port,
      path: '/',
      timeout: 1000,
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
        'Sec-WebSocket-Protocol': 'janus-protocol',
      },
    });
    request.once('upgrade', (response, socket) => {
      socket.destroy();
      resolve(response.headers['sec-websocket-protocol'] === 'janus-protocol');
    });
    request.once('response', (response) => { response.resume(); resolve(false); });
    request.once('timeout', () => request.destroy());
    request.once('error', () => resolve(false));
    request.end();
  });
}

// Janus offers ICE candidates on interfaces that are up, never on loopback (see
// scripts/janus.sh), so where loopback is the only IPv4 interface (a container with no network)
// it needs --loopback to reach a browser on the same machine. Node lists only interfaces that
// are up and running, as Janus counts them.
function hasHostInterface() {
  return Object.values(os.networkInterfaces()).flat().some((address) => address.family === 'IPv4' && !address.internal);
}

// Starts Janus and resolves once its WebSocket API completes a handshake, with
// `{ url: 'ws://127.0.0.1:PORT', stop(), log() }`. `args` go to scripts/janus.sh (e.g.
// ['--session-timeout', '2']); so do the words of ORBIT_JANUS_ARGS, so a whole test file can
// run against another ICE set-up (e.g. ORBIT_JANUS_ARGS=--loopback) without editing it.
// `port`: one chosen beforehand (janusPort()), for a server told of Janus before it runs.
export async function startJanus({ timeoutMs = 15000, args = [], port: chosenPort } = {}) {
  const port = chosenPort ?? await freePort();
  const confDir = mkdtempSync(path.join(os.tmpdir(), 'orbit-janus-'));
  const chosen = [...args, ...(process.env.ORBIT_JANUS_ARGS ?? '').split(' ').filter(Boolean)];
  const iceChosen = chosen.some((arg) => arg === '--loopback' || arg === '--ice-interfaces');
  const ice = !iceChosen && !hasHostInterface() ? ['--loopback'] : [];
  const child = spawn('bash', [path.join(repoRoot, 'scripts/janus.sh'),
                              confDir, '--ws-port', String(port), ...ice, ...chosen, '--run'],
                      { stdio: ['ignore', 'pipe', 'pipe'] });
  // Read both pipes to the end, or a chatty Janus blocks on a full pipe.
  let log = '';
  const keep = (chunk) => { log = (log + chunk).slice(-32000); };
  child.stdout.setEncoding('utf8').on('data', keep);
  child.stderr.setEncoding('utf8').on('data', keep);
  const exited = once(child, 'exit');

  const stop = async ({ timeoutMs: stopTimeoutMs = 5000 } = {}) => {
    if (child.exitCode === null && child.signalCode === null) {
      // janus.sh execs janus, so this signal reaches Janus itself, which ends its sessions.
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), stopTimeoutMs);
      await exited;
      clearTimeout(timer);
    }
    rmSync(confDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + timeoutMs;
  let gone = null;
  exited.then(([code, signal]) => { gone = code ?? signal; });
  for (;;) {
    if (gone !== null) {
      await stop();
      throw new Error(`janus exited (${gone}) before its WebSocket API answered\n${log}`);
    }
    if (await handshakeSucceeds(port)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`janus's WebSocket API on port ${port} did not answer within ${timeoutMs} ms\n${log}`);
    }
    await new Promise((resolve) => { setTimeout(resolve, 50); });
  }
  return { url: `ws://127.0.0.1:${port}`, stop, log: () => log };
}
