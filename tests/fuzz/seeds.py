#!/usr/bin/env python3
"""Writes the seed corpora of tests/fuzz/corpus/ from frames of docs/protocol.md.

decode, payloads and http_api take the bytes as they are. chat_manager and client_manager read
their input with libFuzzer's FuzzedDataProvider, so their seeds are written in its encoding:
strings from the front (ConsumeRandomLengthString: a backslash doubles, a backslash and any
other byte ends the string), numbers and choices from the back, last byte first.
Run it again after changing the harnesses' steps: python3 tests/fuzz/seeds.py
"""
import json
import os

here = os.path.dirname(os.path.abspath(__file__))
A = "0123456789abcdef0123456789abcdef"
B = "fedcba9876543210fedcba9876543210"
SELF = "5" * 32  # the client harness's own id, and a member's
X = "1" * 32

def j(value):
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)

FRAMES = {
    "ping": {"receiver": "ground control", "type": "ping"},
    "ping-data": {"receiver": "ground control", "type": "ping", "data": "who am i"},
    "pong": {"sender": "ground control", "receiver": A, "type": "pong"},
    "text-room": {"receiver": "room", "type": "text", "data": {"from": "Ada", "time": 1700000000123, "text": "hello"}},
    "text-direct": {"receiver": B, "type": "text", "data": {"from": "Ada", "time": 1700000000123, "text": "psst", "direct": True}},
    "get-room-info": {"receiver": "ground control", "type": "get-room-info"},
    "room-info": {"sender": "ground control", "receiver": A, "type": "room-info", "data": {"room_id": "team-sync", "clients": [
        {"id": A, "username": "Ada", "muted": False, "camera_off": True}, {"id": B, "username": "Bob", "sharing_screen": True}]}},
    "profile": {"receiver": "ground control", "type": "profile", "data": {"username": "Ada", "muted": True, "camera_off": False, "sfu": True}},
    "get-ice-servers": {"receiver": "ground control", "type": "get-ice-servers"},
    "ice-servers": {"sender": "ground control", "receiver": A, "type": "ice-servers", "data": [
        {"urls": ["stun:stun.example.org:3478"]}, {"urls": ["turn:turn.example.org"], "username": "1700000000:" + A, "credential": "abc="}]},
    "offer": {"receiver": B, "type": "offer", "data": {"type": "offer", "sdp":
        "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\n"}},
    "answer": {"receiver": B, "type": "answer", "data": {"type": "answer", "sdp": "v=0\r\n"}},
    "icecandidate": {"receiver": B, "type": "icecandidate", "data": {
        "candidate": "candidate:1 1 udp 2122260223 192.168.1.2 50000 typ host", "sdpMid": "0", "sdpMLineIndex": 0, "usernameFragment": "abcd"}},
    "icecandidate-end": {"receiver": B, "type": "icecandidate", "data": {"candidate": "", "sdpMid": None, "sdpMLineIndex": None}},
    "greeting": {"receiver": "ground control", "type": "greeting", "data": "hi from the original client"},
    "bye": {"receiver": "ground control", "type": "bye"},
    "bye-peer": {"receiver": B, "type": "bye", "data": "hanging up"},
    "error": {"sender": "ground control", "receiver": A, "type": "error", "data": "unknown message type \"x\""},
    "room-mode": {"sender": "ground control", "receiver": A, "type": "room-mode", "data": {"mode": "sfu", "streams": [{"mid": "0", "client": B, "kind": "video"}]}},
    "room-mode-mesh": {"sender": "ground control", "receiver": A, "type": "room-mode", "data": {"mode": "mesh", "reason": "Janus went away"}},
    "layer": {"receiver": "ground control", "type": "layer", "data": {"mid": "1", "substream": 2}},
    "ice-restart": {"receiver": "ground control", "type": "ice-restart", "data": {"connection": "subscribe"}},
    "offer-sfu": {"receiver": "ground control", "type": "offer", "data": {"type": "offer", "sdp": "v=0\r\n", "connection": "publish"}},
}
HOSTILE = {
    "escaped-key": '{"\\u0074ype":"ping","receiver":"ground control"}',
    "duplicate-type": '{"type":"nonsense","type":"ping"}',
    "spaces": ' { "type" : "text" , "receiver" : "room" , "data" : { "from" : "A" , "time" : 1.5e3 , "text" : "\\ud83d\\ude00" } } ',
    "bom": '\ufeff{"type":"ping"}',
    "deep": '{"type":"ping","data":' + '[' * 40 + ']' * 40 + '}',
    "not-object": '[1,2,3]',
    "bad-utf8": '{"type":"greeting","data":"\udcff"}',
}

class Provider:
    """Builds input for FuzzedDataProvider: the calls in the order the harness makes them."""
    def __init__(self):
        self.front = bytearray()
        self.back = []  # bytes in the order they are consumed (from the end of the input)

    def integer(self, value, lo, hi, size=4):
        span = hi - lo
        value -= lo
        n = 0
        while n < size and (span >> (8 * n)) > 0:
            n += 1
        self.back += list(value.to_bytes(n, "big")) if n else []
        return self

    def boolean(self, value):
        self.back.append(1 if value else 0)
        return self

    def string(self, text):
        data = text.encode("utf-8", "surrogateescape") if isinstance(text, str) else text
        self.front += data.replace(b"\\", b"\\\\") + b"\\\n"
        return self

    def bytes(self):
        return bytes(self.front) + bytes(reversed(self.back))

def write(folder, name, data):
    path = os.path.join(here, "corpus", folder)
    os.makedirs(path, exist_ok=True)
    with open(os.path.join(path, name), "wb") as f:
        f.write(data.encode("utf-8", "surrogateescape") if isinstance(data, str) else data)

# ---- chat_manager: step = slot (0-4), op (0-9), then the op's own choices (fuzz_chat_manager.cpp)
class Server(Provider):
    def step(self, slot, op):
        return self.integer(slot, 0, 4, 8).integer(op, 0, 9)

    def join(self, slot, room_index, token=False):
        return self.step(slot, 0).boolean(True).integer(room_index, 0, 2).boolean(token)

    def raw(self, slot, frame):
        self.step(slot, 3)
        return self.string(frame if isinstance(frame, str) else j(frame))

    def leave(self, slot, reason=1):
        return self.step(slot, 2).integer(reason, 0, 6)

    def tick(self, ms):
        return self.step(0, 7).integer(ms, 0, 40000)

    def create(self, room_index, public, guests, password):
        return self.step(0, 8).boolean(True).integer(room_index, 0, 2).boolean(public).integer(guests, 0, 6, 8).boolean(password)

def chat_manager_seeds():
    s = Server().join(0, 0).join(1, 0)
    for slot, name in [(0, "ping"), (1, "ping"), (0, "text-room"), (1, "profile"), (0, "get-ice-servers"),
                       (1, "get-room-info"), (0, "greeting"), (1, "bye")]:
        s.raw(slot, FRAMES[name])
    write("chat_manager", "two-talk-one-says-bye", s.bytes())

    s = Server().join(0, 1).join(1, 1).join(2, 2)
    for slot, name in [(0, "ping"), (1, "ping"), (2, "ping"), (0, "offer"), (1, "icecandidate"), (2, "text-direct")]:
        s.raw(slot, FRAMES[name])
    s.leave(1).tick(12000).tick(40000)
    write("chat_manager", "three-rooms-leave-and-reaping", s.bytes())

    s = Server().create(2, True, 2, False).join(0, 2).join(1, 2).join(2, 2).create(0, False, 0, True).join(3, 0, token=True)
    s.raw(0, FRAMES["ping"]).leave(0).leave(1).leave(2).tick(40000).tick(40000)
    write("chat_manager", "api-rooms-limits-and-expiry", s.bytes())

    s = Server().join(0, 0)
    for text in HOSTILE.values():
        s.raw(0, text)
    for name in ("room-info", "error", "room-mode", "layer", "ice-restart", "offer-sfu"):
        s.raw(0, FRAMES[name])
    write("chat_manager", "hostile-and-server-only", s.bytes())

# ---- client_manager: step = op (0-11), then the op's own choices (fuzz_client_manager.cpp)
class Client(Provider):
    def open(self):
        return self.integer(0, 0, 11)

    def close(self, code=None):
        self.integer(1, 0, 11).boolean(code is None)
        return self if code is None else self.integer(code, 1000, 4999, 2)

    def raw(self, frame):
        return self.integer(2, 0, 11).string(frame if isinstance(frame, str) else j(frame))

    def advance(self, ms):
        return self.integer(6, 0, 11).integer(ms, 0, 20000)

    def media(self):
        return self.integer(8, 0, 11).integer(0, 0, 4).boolean(True).boolean(True)

    def say(self, text):
        return self.integer(9, 0, 11).string(text).boolean(True)

def from_server(type_, data=None, sender="ground control"):
    frame = {"sender": sender, "receiver": SELF, "type": type_}
    if data is not None:
        frame["data"] = data
    return frame

def client_manager_seeds():
    info = {"room_id": "r", "clients": [{"id": X, "username": "Xena"}, {"id": SELF, "username": "Me"}]}
    s = Client().media().open().raw(from_server("pong")).raw(from_server("ice-servers", [])).raw(from_server("room-info", info))
    s.advance(200).advance(2000)
    s.raw(from_server("text", {"from": "Xena", "time": 1700000000000, "text": "hi"}, sender=X)).say("hello")
    s.raw(from_server("bye", "hanging up", sender=X)).advance(5000)
    write("client_manager", "join-call-chat", s.bytes())

    s = Client().open().raw(from_server("pong")).raw(from_server("ice-servers", [])).raw(from_server("room-info", info))
    s.close().say("while away").advance(6000).open().raw(from_server("pong")).raw(from_server("room-info", info)).advance(12000)
    write("client_manager", "reconnect-with-waiting-line", s.bytes())

    s = Client().media().open().raw(from_server("pong")).raw(from_server("ice-servers", [])).raw(from_server("room-info", info))
    s.raw(from_server("room-mode", {"mode": "sfu", "streams": [{"mid": "0", "client": X, "kind": "video"}]})).advance(1000)
    s.raw(from_server("room-mode", {"mode": "mesh", "reason": "Janus went away"})).advance(1000)
    write("client_manager", "forwarded-and-back", s.bytes())

    s = Client().open()
    for text in HOSTILE.values():
        s.raw(text)
    s.raw(from_server("error", "too many messages")).raw(from_server("ping", "x")).close(4000)
    write("client_manager", "hostile-frames", s.bytes())

def main():
    # Every seed is written again; the inputs of past findings (regression-*) are kept.
    corpus = os.path.join(here, "corpus")
    for folder in os.listdir(corpus) if os.path.isdir(corpus) else []:
        for name in os.listdir(os.path.join(corpus, folder)):
            if not name.startswith("regression-"):
                os.remove(os.path.join(corpus, folder, name))
    for name, frame in FRAMES.items():
        write("decode", name + ".json", j(frame))
        if "data" in frame:
            write("payloads", name + ".json", j(frame["data"]))
    for name, text in HOSTILE.items():
        write("decode", name + ".json", text)
    write("payloads", "username-spaces.json", '{"username":"  \\u00a0Ada\\t "}')
    write("payloads", "big-time.json", '{"from":"a","time":9223372036854775807,"text":"x"}')
    write("payloads", "float-time.json", '{"from":"a","time":-9.2233720368547758e18,"text":"x"}')
    write("payloads", "names-and-slugs.json", j("Café Crème Привет 日本語チーム"))
    # The first byte chooses the server's settings: bit 0 an origin allow-list, bit 1 trusted proxies.
    requests = {
        "create": "POST /api/rooms HTTP/1.1\r\nHost: orbit.example\r\nOrigin: https://orbit.example\r\nContent-Type: application/json\r\n"
                  "Content-Length: 50\r\n\r\n" + '{"name":"Team Sync","public":true,"guest_limit":4}',
        "create-password": "POST /api/rooms HTTP/1.1\r\nHost: h\r\nContent-Length: 38\r\n\r\n" + '{"name":"Secret","password":"hunter2"}',
        "list": "GET /api/rooms HTTP/1.1\r\nHost: h\r\n\r\n",
        "describe": "GET /api/rooms/locked HTTP/1.1\r\nHost: h\r\nOrigin: https://evil.example\r\n\r\n",
        "join": "POST /api/rooms/open-room/join HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\n{}",
        "join-password": "POST /api/rooms/locked/join HTTP/1.1\r\nHost: h\r\nX-Forwarded-For: 10.0.0.1, 192.168.0.9\r\n"
                         "Content-Length: 21\r\n\r\n" + '{"password":"secret"}',
        "health-pipelined": "GET /healthz HTTP/1.1\r\nHost: h\r\n\r\nGET /metrics HTTP/1.1\r\nHost: h\r\n\r\nGET /readyz HTTP/1.1\r\n\r\n",
        "options": "OPTIONS /api/rooms HTTP/1.1\r\nHost: h\r\nOrigin: https://orbit.example\r\nAccess-Control-Request-Method: POST\r\n\r\n",
        "upgrade": "GET /room/tiny/ws?token=1700000600.00ff HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                   "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
        "static": "GET /room/team-sync HTTP/1.1\r\nHost: h\r\n\r\nGET /assets/orbit.js HTTP/1.1\r\n\r\n"
                  "GET /../orbit-fuzz-outside.txt HTTP/1.1\r\n\r\nGET /%2e%2e/orbit-fuzz-outside.txt HTTP/1.1\r\n\r\n",
        "forwarded": "GET /api/rooms/%D0%BF%D1%80%D0%B8 HTTP/1.1\r\nHost: h\r\nForwarded: for=\"[2001:db8::1]:4711\";proto=https, for=unknown\r\n\r\n",
        "chunked": "POST /api/rooms HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n{\"name\":\"Chunky\"\r\n1\r\n}\r\n0\r\n\r\n",
        "upgrade-subprotocol": "GET /room/locked/ws HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                               "Sec-WebSocket-Protocol: orbit, orbit-token.1700000600.00ff\r\n"
                               "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
    }
    for i, (name, request) in enumerate(requests.items()):
        write("http_api", name, bytes([i % 4]) + request.encode())
    chat_manager_seeds()
    client_manager_seeds()

main()
