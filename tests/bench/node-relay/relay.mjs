// A minimal Node.js relay of Orbit's signaling protocol (docs/protocol.md) on the `ws`
// package: the yardstick scripts/bench.sh measures orbit-server against.
//   node relay.mjs [port=0] [host=127.0.0.1]     prints "listening http://HOST:PORT"
// It does what Orbit's clients need: rooms at /room/<id>/ws, a server id per connection,
// ping/pong (the pong tells a client its id), room-info after the first pong and on every
// join, leave and profile, sender stamping, room broadcast (sender included) and directed
// delivery, the last 50 room lines replayed once a client is introduced. It checks less
// than orbit-server (no payload shapes, no rate limit, no reaping of silent clients, no
// HTTP API): what it leaves out only makes it cheaper.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';

const port = Number(process.argv[2] ?? 0);
const host = process.argv[3] ?? '127.0.0.1';
const GROUND = 'ground control';
const HISTORY = 50;
const MAX_ROOM = 10000;
const TYPES = new Set(['ping', 'pong', 'text', 'get-room-info', 'room-info', 'profile', 'get-ice-servers',
  'ice-servers', 'offer', 'answer', 'icecandidate', 'greeting', 'bye', 'error']);
const DIRECTED = new Set(['offer', 'answer', 'icecandidate']);

const rooms = new Map();  // room id -> {id, clients: Map<client id, client>, history: [json text]}

function send(client, text) {
  if (client.ws.readyState === 1) client.ws.send(text);
}

function fromServer(client, type, data) {
  const message = { sender: GROUND, receiver: client.id, type };
  if (data !== undefined) message.data = data;
  send(client, JSON.stringify(message));
}

function roomInfo(room) {
  const clients = [];
  for (const c of room.clients.values()) clients.push({ id: c.id, username: c.username });
  return { room_id: room.id, clients };
}

// Everyone introduced gets the new room-info; the others get theirs after their first pong.
function broadcastRoomInfo(room, except) {
  const data = roomInfo(room);
  for (const c of room.clients.values()) {
    if (c !== except && c.introduced) fromServer(c, 'room-info', data);
  }
}

function introduce(client) {
  if (client.introduced) return;
  client.introduced = true;
  fromServer(client, 'room-info', roomInfo(client.room));
  for (const line of client.room.history) send(client, line);
}

function fromClient(client, text) {
  let message;
  try {
    message = JSON.parse(text);
  } catch {
    return fromServer(client, 'error', 'invalid JSON');
  }
  if (message === null || typeof message !== 'object' || Array.isArray(message) || !TYPES.has(message.type)) {
    return fromServer(client, 'error', 'unknown or missing type');
  }
  message.sender = client.id;
  const receiver = message.receiver ?? GROUND;
  const room = client.room;
  if (receiver === GROUND) {
    switch (message.type) {
      case 'ping': {
        const pong = { sender: GROUND, receiver: client.id, type: 'pong' };
        if ('data' in message) pong.data = message.data;
        send(client, JSON.stringify(pong));
        return introduce(client);
      }
      case 'get-room-info':
        client.introduced = true;
        return fromServer(client, 'room-info', roomInfo(room));
      case 'profile':
        if (typeof message.data?.username === 'string') client.username = message.data.username.trim();
        return broadcastRoomInfo(room);
      case 'get-ice-servers':
        return fromServer(client, 'ice-servers', []);
      case 'bye':
        return client.ws.close(1000);
      case 'pong':
      case 'greeting':
        return;
      default:
        return fromServer(client, 'error', `${message.type} cannot go to the server`);
    }
  }
  if (receiver === 'room') {
    if (DIRECTED.has(message.type)) return fromServer(client, 'error', `${message.type} goes to one client`);
    const line = JSON.stringify(message);
    for (const c of room.clients.values()) send(c, line);
    if (message.type === 'text') {
      room.history.push(JSON.stringify({ ...message, data: { ...message.data, history: true } }));
      if (room.history.length > HISTORY) room.history.shift();
    }
    return;
  }
  const target = room.clients.get(receiver);
  if (!target) return fromServer(client, 'error', `no client "${receiver}" in room ${room.id}: not delivered`);
  send(target, JSON.stringify(message));
}

const http = createServer((req, res) => {
  res.writeHead(404, { 'Content-Type': 'application/json' });
  res.end('{"error":"not found"}');
});
const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024, perMessageDeflate: false });

http.on('upgrade', (req, socket, head) => {
  const match = /^\/room\/([^/?]+)\/ws(\?.*)?$/.exec(req.url ?? '');
  let roomId = null;
  try {
    if (match) roomId = decodeURIComponent(match[1]);
  } catch {}
  const room = roomId && rooms.get(roomId);
  if (!roomId || (room && room.clients.size >= MAX_ROOM)) {
    socket.end('HTTP/1.1 ' + (roomId ? '403 Forbidden' : '400 Bad Request') + '\r\nConnection: close\r\n\r\n');
    return;
  }
  wss.handleUpgrade(req, socket, head, (ws) => join(ws, roomId));
});

function join(ws, roomId) {
  let room = rooms.get(roomId);
  if (!room) {
    room = { id: roomId, clients: new Map(), history: [] };
    rooms.set(roomId, room);
  }
  const client = { id: randomBytes(16).toString('hex'), ws, room, username: '', introduced: false };
  room.clients.set(client.id, client);
  broadcastRoomInfo(room, client);
  ws.on('message', (data, isBinary) => {
    if (isBinary) return fromServer(client, 'error', 'binary frames are not part of the protocol');
    fromClient(client, data.toString());
  });
  ws.on('error', () => {});
  ws.on('close', () => {
    room.clients.delete(client.id);
    if (room.clients.size === 0) rooms.delete(room.id);
    else broadcastRoomInfo(room);
  });
}

http.listen(port, host, () => {
  const address = http.address();
  console.log(`listening http://${address.address}:${address.port}`);
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(0));
