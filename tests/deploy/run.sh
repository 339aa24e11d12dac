#!/usr/bin/env bash
# Runs every configuration docs/deploy.md shows, from the very files in docs/deploy/, with
# the real programs: orbit-server serving TLS itself, nginx in front of it, coturn checking
# the TURN credentials orbit-server hands out, the systemd unit with its environment file,
# and two orbit-server instances sharing one redis-server behind nginx. Everything listens
# on 127.0.0.1, on free ports, in a temporary folder that goes away at the end with every
# process started here.
#
#   ORBIT_SERVER_BIN=build/server/orbit-server ORBIT_BOT_BIN=build/bindings/native/orbit-bot \
#     tests/deploy/run.sh
#
# ORBIT_DEPLOY_DIR runs the same checks on other copies of the files (default: docs/deploy;
# the guide is deploy.md beside that folder). The systemd unit runs the orbit-server that
# `cmake --install` makes of the build ORBIT_SERVER_BIN belongs to (ORBIT_BUILD_DIR: another).
# Needs: openssl, curl, node, nginx, turnserver and turnutils_uclient (coturn),
# systemd-analyze, sqlite3, redis-server, cmake (scripts/setup.sh installs them).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
deploy="$(realpath "${ORBIT_DEPLOY_DIR:-$root/docs/deploy}")"
guide="$(dirname "$deploy")/deploy.md"
server_bin="$(realpath "${ORBIT_SERVER_BIN:?set ORBIT_SERVER_BIN to the orbit-server program}")"
bot_bin="$(realpath "${ORBIT_BOT_BIN:?set ORBIT_BOT_BIN to the orbit-bot program}")"

for tool in openssl curl node nginx turnserver turnutils_uclient systemd-analyze sqlite3 redis-server redis-cli cmake; do
  command -v "$tool" >/dev/null || { echo "deploy: $tool is missing (scripts/setup.sh installs it)" >&2; exit 1; }
done
for file in "$deploy"/{nginx-orbit.conf,nginx-orbit-base-path.conf,nginx-orbit-cluster.conf,turnserver.conf,orbit-server.service,orbit.env,redis.conf} "$guide"; do
  [ -f "$file" ] || { echo "deploy: $file is missing" >&2; exit 1; }
done

tmp="$(mktemp -d "${TMPDIR:-/tmp}/orbit-deploy.XXXXXX")"
# nginx's workers drop root for nobody and still need to reach their temporary folders.
chmod 755 "$tmp"
pids=()
passed=0
started=$SECONDS

cleanup() {
  local status=$?
  trap - EXIT
  local pid
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  # Whatever has not stopped after a TERM and two seconds is killed.
  for pid in "${pids[@]}"; do
    for _ in $(seq 20); do exited "$pid" && break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  if [ "$status" -ne 0 ]; then
    echo "deploy: $passed passed, 1 failed (logs kept in $tmp)"
  else
    rm -rf "$tmp"
    echo "deploy: $passed passed, 0 failed ($((SECONDS - started)) s)"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'echo "  FAIL  line $LINENO: $BASH_COMMAND" >&2' ERR

section() { echo "== $*"; }
ok() {
  passed=$((passed + 1))
  echo "  ok    $*"
}
# fail WHAT [LOG...]: says what went wrong, shows the end of each log, and stops.
fail() {
  echo "  FAIL  $1" >&2
  shift
  local log
  for log in "$@"; do
    [ -s "$log" ] || continue
    echo "  --- last lines of $log:" >&2
    tail -n 15 "$log" | sed 's/^/  | /' >&2
  done
  exit 1
}

# exited PID: the process has ended (a child not yet waited for is a zombie, which kill -0 still finds).
exited() {
  local stat
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 0
  stat="${stat##*) }"
  [ "${stat:0:1}" = Z ]
}
now_us() { local t="$EPOCHREALTIME"; echo "${t//[!0-9]/}"; }
# wait_until SECONDS WHAT COMMAND...: runs COMMAND every 0.1 s until it succeeds; fails
# naming WHAT when SECONDS have passed.
wait_until() {
  local limit="$1" what="$2"
  shift 2
  local deadline=$(($(now_us) + limit * 1000000))
  until "$@" >/dev/null 2>&1; do
    [ "$(now_us)" -lt "$deadline" ] || return 1
    sleep 0.1
  done
  printf '  ..    %s\n' "$what"
}

# start NAME COMMAND...: runs COMMAND in the background, stdout in $tmp/NAME.out and
# stderr in $tmp/NAME.err; its pid is in $last_pid and the cleanup stops it.
start() {
  local name="$1"
  shift
  "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" &
  last_pid=$!
  pids+=("$last_pid")
}

# start_orbit NAME ARGS...: starts orbit-server with --port 0 and waits for its
# "listening URL" line; the URL is in $orbit_url, the pid in $last_pid.
start_orbit() {
  local name="$1"
  shift
  start "$name" "$@"
  wait_until 10 "$name is listening" grep -q '^listening ' "$tmp/$name.out" ||
    fail "$name did not say where it listens" "$tmp/$name.out" "$tmp/$name.err"
  orbit_url="$(sed -n 's/^listening //p' "$tmp/$name.out" | head -n 1)"
}

# stop_pid PID NAME SECONDS: sends SIGTERM and waits for the exit; $stop_status is the exit status.
stop_pid() {
  local pid="$1" name="$2" limit="$3"
  kill -TERM "$pid"
  wait_until "$limit" "$name has exited" exited "$pid" || return 1
  reap_pid "$pid"
}

# reap_pid PID: waits for the ended process; $stop_status is its exit status.
reap_pid() {
  local pid="$1"
  stop_status=0
  wait "$pid" || stop_status=$?
  # Reaped: its pid may be reused, so the cleanup must not signal it again.
  local kept=() p
  for p in "${pids[@]}"; do [ "$p" = "$pid" ] || kept+=("$p"); done
  pids=("${kept[@]}")
}

# replace FILE FROM TO: replaces every FROM (a fixed string) in FILE by TO, and fails when
# FILE has none: a placeholder that disappeared from a config would otherwise go untested.
replace() {
  local file="$1" from="$2" to="$3"
  grep -qF -- "$from" "$file" || fail "$(basename "$file") no longer has the placeholder \"$from\""
  FROM="$from" TO="$to" node -e '
    const fs = require("fs"), f = process.argv[1];
    fs.writeFileSync(f, fs.readFileSync(f, "utf8").split(process.env.FROM).join(process.env.TO));' "$file"
}

# Helpers in Node (the e2e tests need it anyway): free ports, and WebSocket handshakes and
# messages with full control of the headers, over ws:// or wss:// (NODE_EXTRA_CA_CERTS
# trusts the test certificate).
cat >"$tmp/probe.mjs" <<'EOF'
import crypto from 'node:crypto';
import dgram from 'node:dgram';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';

const [command, ...args] = process.argv.slice(2);
const die = (why) => { console.error(why); process.exit(1); };
if (command !== 'echo-server') setTimeout(() => die(`${command}: no answer within 8 s`), 8000).unref();

function freeTcpPort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer().once('error', reject);
    s.listen(0, '127.0.0.1', () => { const {port} = s.address(); s.close(() => resolve(port)); });
  });
}
function udpPortIsFree(port) {
  return new Promise((resolve) => {
    const s = dgram.createSocket('udp4').once('error', () => resolve(false));
    s.bind(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

// Opens a WebSocket by hand: resolves {status} for a refusal, {status: 101, socket} once open.
function handshake(url, origin) {
  const u = new URL(url.replace(/^ws/, 'http'));
  const key = crypto.randomBytes(16).toString('base64');
  const headers = {Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13',
                   'Sec-WebSocket-Key': key};
  if (origin) headers.Origin = origin;
  return new Promise((resolve, reject) => {
    const request = (u.protocol === 'https:' ? https : http).request(u, {headers});
    request.on('upgrade', (res, socket, head) => {
      const expected = crypto.createHash('sha1').update(key + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
      if (res.headers['sec-websocket-accept'] !== expected) die(`101 without a valid Sec-WebSocket-Accept`);
      resolve({status: 101, socket, head});
    });
    request.on('response', (res) => { res.resume(); resolve({status: res.statusCode}); });
    request.on('error', reject);
    request.end();
  });
}

function sendText(socket, text) {
  const payload = Buffer.from(text);
  if (payload.length > 125) die('probe: keep messages under 126 bytes');
  const mask = crypto.randomBytes(4);
  const masked = payload.map((b, i) => b ^ mask[i % 4]);
  socket.write(Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), mask, masked]));
}

// Calls onText for each text frame the server sends.
function readFrames(socket, head, onText) {
  let buffer = head;
  const take = () => {
    while (buffer.length >= 2) {
      let length = buffer[1] & 0x7f, offset = 2;
      if (length === 126) { if (buffer.length < 4) return; length = buffer.readUInt16BE(2); offset = 4; }
      else if (length === 127) { if (buffer.length < 10) return; length = Number(buffer.readBigUInt64BE(2)); offset = 10; }
      if (buffer.length < offset + length) return;
      const opcode = buffer[0] & 0x0f, payload = buffer.subarray(offset, offset + length);
      buffer = buffer.subarray(offset + length);
      if (opcode === 1) onText(payload.toString('utf8'));
    }
  };
  socket.on('data', (chunk) => { buffer = Buffer.concat([buffer, chunk]); take(); });
  take();
}

if (command === 'tcp-port') {
  console.log(await freeTcpPort());
} else if (command === 'udp-tcp-port') {
  // Free on both, as a TURN server listens on both.
  for (;;) { const port = await freeTcpPort(); if (await udpPortIsFree(port)) { console.log(port); break; } }
} else if (command === 'upgrade') {
  // upgrade URL [ORIGIN]: prints the handshake's status (101 when the WebSocket opened).
  const {status, socket} = await handshake(args[0], args[1]);
  console.log(status);
  socket?.destroy();
} else if (command === 'ice-servers') {
  // ice-servers URL: asks the server for its ICE servers and prints one line per entry:
  // "stun URLS" or "turn URLS USERNAME CREDENTIAL", URLS comma-separated.
  const {status, socket, head} = await handshake(args[0]);
  if (status !== 101) die(`the WebSocket was refused: ${status}`);
  readFrames(socket, head, (text) => {
    const message = JSON.parse(text);
    if (message.type !== 'ice-servers') return;
    for (const server of message.data) {
      const urls = server.urls.join(',');
      console.log(server.username === undefined ? `stun ${urls}` : `turn ${urls} ${server.username} ${server.credential}`);
    }
    socket.destroy();
  });
  sendText(socket, JSON.stringify({type: 'get-ice-servers', sender: '', receiver: 'ground control'}));
} else if (command === 'echo-server') {
  // echo-server: answers every request, WebSocket upgrades too, with the headers it got as
  // "name: value" lines (names in lower case); prints its port, then serves until stopped.
  const lines = (req) => Object.entries(req.headers).map(([k, v]) => `${k}: ${v}\n`).join('');
  const server = http.createServer((req, res) => res.end(lines(req)));
  server.on('upgrade', (req, socket) => {
    const body = Buffer.from(lines(req));
    socket.end(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
  });
  server.listen(0, '127.0.0.1', () => console.log(server.address().port));
} else if (command === 'echoed') {
  // echoed URL: what the echo server saw of a GET (https://URL) or of a WebSocket upgrade (wss://URL).
  const upgrade = args[0].startsWith('wss:');
  const headers = upgrade ? {Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13',
                             'Sec-WebSocket-Key': crypto.randomBytes(16).toString('base64')} : {};
  https.get(new URL(args[0].replace(/^wss:/, 'https:')), {headers}, (res) => {
    let body = '';
    res.setEncoding('utf8');
    res.on('data', (chunk) => { body += chunk; });
    res.on('end', () => (res.statusCode === 200 ? process.stdout.write(body) : die(`status ${res.statusCode}`)));
  }).on('error', (error) => die(error.message));
} else if (command === 'quotes') {
  // quotes GUIDE DEPLOY_DIR: every fenced block after "<!-- quoted from docs/deploy/NAME -->"
  // must be whole lines of DEPLOY_DIR/NAME, in the same order, one after the other.
  const fs = await import('node:fs');
  const lines = fs.readFileSync(args[0], 'utf8').split('\n');
  let count = 0;
  for (let i = 0; i < lines.length; ++i) {
    const marker = /^<!-- quoted from docs\/deploy\/([^ ]+) -->$/.exec(lines[i]);
    if (!marker) continue;
    if (!lines[i + 1]?.startsWith('```')) die(`line ${i + 1}: the quote marker is not followed by a fenced block`);
    const end = lines.indexOf('```', i + 2);
    if (end < 0) die(`line ${i + 2}: the fenced block never ends`);
    const block = lines.slice(i + 2, end);
    const file = ('\n' + fs.readFileSync(`${args[1]}/${marker[1]}`, 'utf8'));
    if (!file.includes('\n' + block.join('\n') + '\n')) {
      const missing = block.find((line) => !file.includes('\n' + line + '\n'));
      die(`${args[0]} line ${i + 3}: the excerpt is not in ${marker[1]}` +
          (missing === undefined ? ' as one run of lines' : `: no line "${missing}"`));
    }
    console.log(`${marker[1]} (${block.length} lines)`);
    ++count;
    i = end;
  }
  if (count === 0) die(`${args[0]} quotes no file`);
} else {
  die(`probe: unknown command ${command}`);
}
EOF
probe() { node "$tmp/probe.mjs" "$@"; }

# joined_id FILE: the id in a bot's last "joined" line (a bot that reconnects joins again,
# under a new id).
joined_id() { sed -n 's/.*"event":"joined","id":"\([0-9a-f]*\)".*/\1/p' "$1" | tail -n 1; }

# More arguments for the bots of bots_join, such as a password room's --token.
bot_args=()

# bots_join LABEL URL_OF_ROOM: two orbit-bots join the room; each must see the other's
# peer connection reach "connected", and the second one's line must reach the first. They
# stay: $ada_pid, $bea_pid, $ada_id and $bea_id are theirs.
bots_join() {
  local label="$1" url="$2"
  start "$label-ada" "$bot_bin" --url "$url" --name Ada --duration 30 "${bot_args[@]}"
  ada_pid=$last_pid
  wait_until 10 "Ada has joined $url" grep -q '"event":"joined"' "$tmp/$label-ada.out" ||
    fail "Ada could not join $url" "$tmp/$label-ada.out" "$tmp/$label-ada.err"
  start "$label-bea" "$bot_bin" --url "$url" --name Bea --duration 30 --say "hello from Bea" "${bot_args[@]}"
  bea_pid=$last_pid
  ada_id="$(joined_id "$tmp/$label-ada.out")"
  wait_until 10 "Bea has joined $url" grep -q '"event":"joined"' "$tmp/$label-bea.out" ||
    fail "Bea could not join $url" "$tmp/$label-bea.out" "$tmp/$label-bea.err"
  bea_id="$(joined_id "$tmp/$label-bea.out")"
  wait_until 15 "Ada's connection to Bea is up" \
    grep -q "\"name\":\"Bea\",\"peer\":\"$bea_id\",\"state\":\"connected\"" "$tmp/$label-ada.out" ||
    fail "Ada never reached Bea ($bea_id)" "$tmp/$label-ada.out" "$tmp/$label-bea.out"
  wait_until 15 "Bea's connection to Ada is up" \
    grep -q "\"name\":\"Ada\",\"peer\":\"$ada_id\",\"state\":\"connected\"" "$tmp/$label-bea.out" ||
    fail "Bea never reached Ada ($ada_id)" "$tmp/$label-bea.out" "$tmp/$label-ada.out"
  wait_until 10 "Ada has Bea's line" \
    grep -q "\"event\":\"text\",\"from\":\"Bea\",\"fromId\":\"$bea_id\",\"text\":\"hello from Bea\"" "$tmp/$label-ada.out" ||
    fail "Bea's line never reached Ada" "$tmp/$label-ada.out" "$tmp/$label-bea.out"
}

# bots_leave LABEL: stops the two bots of bots_join, which must exit 0.
bots_leave() {
  local label="$1"
  stop_pid "$ada_pid" Ada 5 || fail "Ada did not stop on SIGTERM"
  [ "$stop_status" -eq 0 ] || fail "Ada exited with $stop_status" "$tmp/$label-ada.err"
  stop_pid "$bea_pid" Bea 5 || fail "Bea did not stop on SIGTERM"
  [ "$stop_status" -eq 0 ] || fail "Bea exited with $stop_status" "$tmp/$label-bea.err"
}

# bots_meet LABEL URL_OF_ROOM: bots_join, bots_leave, and neither bot reported an error.
bots_meet() {
  local label="$1"
  bots_join "$@"
  bots_leave "$label"
  grep -q '"event":"error"' "$tmp/$label-ada.out" "$tmp/$label-bea.out" &&
    fail "a bot reported an error" "$tmp/$label-ada.out" "$tmp/$label-bea.out"
  return 0
}

# A self-signed certificate for localhost and 127.0.0.1, trusted by each client below:
# curl --cacert, orbit-bot through OpenSSL's SSL_CERT_FILE, node through NODE_EXTRA_CA_CERTS.
mkdir -p "$tmp/tls"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=localhost \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
  -keyout "$tmp/tls/key.pem" -out "$tmp/tls/cert.pem" 2>"$tmp/openssl.err" ||
  fail "openssl could not make a certificate" "$tmp/openssl.err"
cert="$tmp/tls/cert.pem"
export NODE_EXTRA_CA_CERTS="$cert"

# ---------------------------------------------------------------------------------------
section "TLS natively: orbit-server --tls-cert --tls-key"
start_orbit tls "$server_bin" --host 127.0.0.1 --port 0 --ephemeral --tls-cert "$cert" --tls-key "$tmp/tls/key.pem"
tls_pid=$last_pid
case "$orbit_url" in https://*) ok "it says it listens on $orbit_url" ;; *) fail "with a certificate it listens on $orbit_url, not https" ;; esac
body="$(curl -sS --fail --cacert "$cert" "$orbit_url/healthz" 2>&1)" || fail "https $orbit_url/healthz: $body" "$tmp/tls.err"
[[ "$body" == *'"status":"ok"'* ]] || fail "https /healthz answered $body"
ok "https /healthz answers $body (certificate checked by curl)"
status="$(probe upgrade "${orbit_url/https/wss}/room/tls-check/ws")" || fail "no WebSocket handshake over TLS" "$tmp/tls.err"
[ "$status" = 101 ] || fail "the WebSocket upgrade over TLS answered $status, not 101" "$tmp/tls.err"
ok "a WebSocket upgrade on the same port over TLS answers 101 with a valid Sec-WebSocket-Accept"
SSL_CERT_FILE="$cert" bots_meet tls "${orbit_url/https/wss}/room/tls-check/ws"
ok "two orbit-bots meet over wss:// (certificate checked by OpenSSL) and one's line reaches the other"
stop_pid "$tls_pid" orbit-server 10 || fail "orbit-server did not stop on SIGTERM" "$tmp/tls.err"

# ---------------------------------------------------------------------------------------
section "TLS behind nginx: docs/deploy/nginx-orbit.conf"
# start_nginx NAME SITE UPSTREAM_PORT...: runs Debian's nginx on the site file SITE, with
# only its placeholders replaced, in front of 127.0.0.1:UPSTREAM_PORT (the first one in place
# of 127.0.0.1:8080, the second of 127.0.0.1:8081), listening on $https_port and $http_port;
# its files are in $tmp/NAME, and upstream.log names the upstream of each request.
start_nginx() {
  local name="$1" site="$2" dir="$tmp/$1"
  shift 2
  mkdir -p "$dir"
  cp "$site" "$dir/orbit.conf"
  replace "$dir/orbit.conf" /etc/letsencrypt/live/orbit.example.org/fullchain.pem "$cert"
  replace "$dir/orbit.conf" /etc/letsencrypt/live/orbit.example.org/privkey.pem "$tmp/tls/key.pem"
  replace "$dir/orbit.conf" orbit.example.org localhost
  replace "$dir/orbit.conf" "listen 443 " "listen 127.0.0.1:$https_port "
  replace "$dir/orbit.conf" "listen 80;" "listen 127.0.0.1:$http_port;"
  # The rest of the site, beside Orbit (nginx-orbit-base-path.conf).
  if grep -qF /var/www/html "$dir/orbit.conf"; then
    mkdir -p "$dir/site"
    echo "the rest of the site" >"$dir/site/index.html"
    replace "$dir/orbit.conf" /var/www/html "$dir/site"
  fi
  local placeholder=8080 upstream_port
  for upstream_port in "$@"; do
    replace "$dir/orbit.conf" "127.0.0.1:$placeholder" "127.0.0.1:$upstream_port"
    placeholder=$((placeholder + 1))
  done
  # The rest of what Debian's /etc/nginx/nginx.conf gives a site, with every path in $dir
  # so that nginx runs without touching the system's.
  cat >"$dir/nginx.conf" <<CONF
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/error.log info;
events { worker_connections 256; }
http {
  access_log $dir/access.log;
  log_format upstream '\$request \$status \$upstream_addr';
  access_log $dir/upstream.log upstream;
  client_body_temp_path $dir/body;
  proxy_temp_path $dir/proxy;
  fastcgi_temp_path $dir/fastcgi;
  uwsgi_temp_path $dir/uwsgi;
  scgi_temp_path $dir/scgi;
  include $dir/orbit.conf;
}
CONF
  nginx -t -q -p "$dir" -e "$dir/error.log" -c "$dir/nginx.conf" 2>"$tmp/$name-t.err" ||
    fail "nginx -t refuses the config" "$tmp/$name-t.err"
  start "$name" nginx -p "$dir" -e "$dir/error.log" -c "$dir/nginx.conf" -g 'daemon off;'
  wait_until 10 "nginx answers on https://localhost:$https_port" \
    curl -sS --cacert "$cert" -o /dev/null "https://localhost:$https_port/" ||
    fail "nginx does not answer on https://localhost:$https_port" "$tmp/$name.err" "$dir/error.log"
}

# First in front of a server that echoes the headers it gets, to see what nginx passes on.
https_port="$(probe tcp-port)"
http_port="$(probe tcp-port)"
start echo node "$tmp/probe.mjs" echo-server
wait_until 10 "the echo server is listening" grep -q . "$tmp/echo.out" || fail "the echo server did not start" "$tmp/echo.err"
start_nginx nginx-echo "$deploy/nginx-orbit.conf" "$(cat "$tmp/echo.out")"
ok "nginx -t accepts the site config"
seen="$(probe echoed "https://localhost:$https_port/api/rooms")" ||
  fail "no echo of a request through nginx" "$tmp/nginx-echo/error.log" "$tmp/echo.err"
for header in "host: localhost" "x-real-ip: 127.0.0.1" "x-forwarded-for: 127.0.0.1" "x-forwarded-proto: https"; do
  grep -qx "$header" <<<"$seen" || fail "a request through nginx lacks \"$header\"; it had: $(tr '\n' ';' <<<"$seen")"
done
if grep -q '^connection:' <<<"$seen"; then fail "a request through nginx has a Connection header, which ends keep-alive: $(grep '^connection:' <<<"$seen")"; fi
ok "a request reaches the upstream (an echo server) with Host, X-Real-IP, X-Forwarded-For and X-Forwarded-Proto, and no Connection: close"
seen="$(probe echoed "wss://localhost:$https_port/room/echo/ws")" ||
  fail "no echo of a WebSocket upgrade through nginx" "$tmp/nginx-echo/error.log" "$tmp/echo.err"
for header in "host: localhost" "x-real-ip: 127.0.0.1" "x-forwarded-for: 127.0.0.1" "x-forwarded-proto: https" \
  "upgrade: websocket" "connection: upgrade"; do
  grep -qx "$header" <<<"$seen" || fail "a WebSocket upgrade through nginx lacks \"$header\"; it had: $(tr '\n' ';' <<<"$seen")"
done
ok "a WebSocket upgrade reaches it with the same headers, and Upgrade and Connection"

# Then in front of orbit-server, which admits the origin nginx serves it at, as the guide
# recommends.
https_port="$(probe tcp-port)"
http_port="$(probe tcp-port)"
site="https://localhost:$https_port"
start_orbit behind-nginx "$server_bin" --host 127.0.0.1 --port 0 --ephemeral --allowed-origin "$site" \
  --trusted-proxy 127.0.0.1
direct_url="$orbit_url"
start_nginx nginx "$deploy/nginx-orbit.conf" "${orbit_url##*:}"

body="$(curl -sS --fail --cacert "$cert" "$site/healthz" 2>&1)" || fail "$site/healthz: $body" "$tmp/nginx/error.log"
[[ "$body" == *'"status":"ok"'* ]] || fail "/healthz through nginx answered $body"
ok "https /healthz through nginx answers $body"
answer="$(curl -sS --cacert "$cert" -o /dev/null -w '%{http_code} %{redirect_url}' "http://localhost:$http_port/room/x?name=Ann")"
[ "$answer" = "301 https://localhost/room/x?name=Ann" ] || fail "plain http answered \"$answer\", not a 301 to https"
ok "plain http answers 301 to https, path and query kept"
body="$(curl -sS --cacert "$cert" -w ' %{http_code}' -H 'Content-Type: application/json' \
  -d '{"name":"Through the proxy"}' "$site/api/rooms")"
[ "$body" = '{"room_id":"through-the-proxy"} 201' ] || fail "POST /api/rooms through nginx answered $body" "$tmp/behind-nginx.err"
body="$(curl -sS --fail --cacert "$cert" "$site/api/rooms/through-the-proxy")"
[[ "$body" == *'"exists":true'* ]] || fail "GET /api/rooms/through-the-proxy answered $body"
ok "POST /api/rooms through nginx creates a room (201), and GET /api/rooms/<id> finds it"
code="$(curl -sS --cacert "$cert" -o /dev/null -w '%{http_code}' "$site/metrics")"
[ "$code" = 403 ] || fail "/metrics through nginx answered $code, not 403"
# Read whole before grep: grep -q stops at its first match, and curl, cut off, would fail the pipe.
metrics="$(curl -sS --fail "$direct_url/metrics")" || fail "/metrics on orbit-server's own port"
grep -q '^orbit_connected_clients ' <<<"$metrics" || fail "/metrics on orbit-server's own port has no orbit_connected_clients"
ok "/metrics is refused through nginx (403) and served on orbit-server's own port"

status="$(probe upgrade "wss://localhost:$https_port/room/proxied/ws" "$site")"
[ "$status" = 101 ] || fail "a WebSocket from $site through nginx answered $status, not 101" "$tmp/nginx/error.log" "$tmp/behind-nginx.err"
ok "a WebSocket upgrade from $site through nginx answers 101 with a valid Sec-WebSocket-Accept"
status="$(probe upgrade "wss://localhost:$https_port/room/proxied/ws" https://evil.example)"
[ "$status" = 403 ] || fail "a WebSocket from https://evil.example through nginx answered $status, not 403"
code="$(curl -sS --cacert "$cert" -o /dev/null -w '%{http_code}' -H 'Origin: https://evil.example' \
  -H 'Content-Type: application/json' -d '{"name":"Evil"}' "$site/api/rooms")"
[ "$code" = 403 ] || fail "POST /api/rooms from https://evil.example through nginx answered $code, not 403"
ok "an Origin not in --allowed-origin gets 403 through nginx, on the WebSocket and on the API"
body="$(curl -sS --cacert "$cert" -w ' %{http_code}' -H 'Content-Type: application/json' \
  -d '{"name":"Vault","password":"open sesame"}' "$site/api/rooms")"
[[ "$body" == *' 201' ]] || fail "POST /api/rooms for a password room through nginx answered $body"
# A client that claims an address in X-Forwarded-For: nginx appends the one it saw (127.0.0.1,
# curl's), and orbit-server, trusting nginx alone, logs the rightmost untrusted hop.
code="$(curl -sS --http1.1 --cacert "$cert" -o /dev/null -w '%{http_code}' -H "Origin: $site" \
  -H 'Connection: Upgrade' -H 'Upgrade: websocket' -H 'Sec-WebSocket-Version: 13' \
  -H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==' -H 'X-Forwarded-For: 203.0.113.9' \
  "https://localhost:$https_port/room/vault/ws")"
[ "$code" = 401 ] || fail "a WebSocket without a join token through nginx answered $code, not 401"
grep -q ' authentication failed ip=203.0.113.9 room=vault reason=missing_token ' "$tmp/behind-nginx.err" ||
  fail "the failed join through nginx is not logged under X-Forwarded-For's address" "$tmp/behind-nginx.err"
ok "behind nginx with --trusted-proxy 127.0.0.1 a failed join is logged under X-Forwarded-For's address"
body="$(curl -sS --cacert "$cert" -w ' %{http_code}' "$site/readyz")"
[ "$body" = '{"status":"ready"} 200' ] || fail "/readyz through nginx answered $body"
ok "/readyz through nginx answers 200 ready"
SSL_CERT_FILE="$cert" bots_meet nginx "wss://localhost:$https_port/room/proxied/ws"
ok "two orbit-bots meet over wss:// through nginx and one's line reaches the other"
grep -q '"GET /room/proxied/ws HTTP/1.1" 101 ' "$tmp/nginx/access.log" ||
  fail "nginx's access log shows no WebSocket (101) for the bots" "$tmp/nginx/access.log"
ok "nginx's access log shows the WebSockets as 101"

# ---------------------------------------------------------------------------------------
section "Orbit under a path of a site behind nginx: docs/deploy/nginx-orbit-base-path.conf"
base_site="$deploy/nginx-orbit-base-path.conf"
base_path="$(sed -n 's|^    location \(/[^ ]*\)/ {$|\1|p' "$base_site")"
[ "$base_path" = /orbit ] || fail "nginx-orbit-base-path.conf has no \"location /orbit/ {\" (found \"$base_path\")"
https_port="$(probe tcp-port)"
http_port="$(probe tcp-port)"
site="https://localhost:$https_port"
# The page as the web build ships it (web/index.html: its URLs relative to <base href="/">),
# and a stand-in orbit.js.
mkdir -p "$tmp/base-web"
cp "$root/web/index.html" "$tmp/base-web/index.html"
echo "// orbit.js" >"$tmp/base-web/orbit.js"
start_orbit base-path "$server_bin" --host 127.0.0.1 --port 0 --ephemeral --allowed-origin "$site" \
  --trusted-proxy 127.0.0.1 --base-path "$base_path" --web-root "$tmp/base-web"
start_nginx nginx-base "$base_site" "${orbit_url##*:}"
ok "nginx -t accepts nginx-orbit-base-path.conf, in front of orbit-server --base-path $base_path"
for path in /orbit/ /orbit/room/abc; do
  body="$(curl -sS --fail --cacert "$cert" "$site$path" 2>&1)" || fail "$site$path: $body" "$tmp/nginx-base/error.log"
  grep -qF '<base href="/orbit/">' <<<"$body" || fail "$path through nginx is not the page with <base href=\"/orbit/\">: $body"
  grep -qF '<script src="orbit.js">' <<<"$body" || fail "$path through nginx does not load orbit.js relative to its base"
done
ok "/orbit/ and /orbit/room/abc are the page, with <base href=\"/orbit/\"> so that orbit.js loads from under /orbit/"
answer="$(curl -sS --cacert "$cert" -o /dev/null -w '%{http_code} %{redirect_url}' "$site/orbit")"
[[ "$answer" == "301 https://localhost"*"/orbit/" ]] || fail "$site/orbit answered \"$answer\", not a 301 to /orbit/"
[ "$(curl -sS --fail --cacert "$cert" "$site/orbit/orbit.js")" = "// orbit.js" ] || fail "/orbit/orbit.js through nginx is not the file"
[ "$(curl -sS --fail --cacert "$cert" "$site/")" = "the rest of the site" ] || fail "/ is not the rest of the site"
code="$(curl -sS --cacert "$cert" -o /dev/null -w '%{http_code}' "$site/orbit.js")"
[ "$code" = 404 ] || fail "/orbit.js (outside /orbit/) answered $code, not the site's 404"
ok "/orbit redirects to /orbit/, /orbit/orbit.js is the file, and / is the rest of the site (Orbit has nothing at /orbit.js)"
body="$(curl -sS --cacert "$cert" -w ' %{http_code}' -H 'Content-Type: application/json' \
  -d '{"name":"Vault","password":"open sesame","public":true}' "$site/orbit/api/rooms")"
[[ "$body" =~ ^\{\"room_id\":\"vault\",\"token\":\"([0-9]+\.[0-9a-f]+)\"\}\ 201$ ]] ||
  fail "POST /orbit/api/rooms through nginx answered $body" "$tmp/base-path.err"
token="${BASH_REMATCH[1]}"
body="$(curl -sS --fail --cacert "$cert" "$site/orbit/api/rooms")"
[[ "$body" == *'"room_id":"vault"'* ]] || fail "GET /orbit/api/rooms through nginx does not list the room: $body"
code="$(curl -sS --cacert "$cert" -o /dev/null -w '%{http_code}' "$site/orbit/metrics")"
[ "$code" = 403 ] || fail "/orbit/metrics through nginx answered $code, not 403"
ok "the API answers under /orbit/api/ (a password room made and listed), and /orbit/metrics is refused (403)"
status="$(probe upgrade "wss://localhost:$https_port/orbit/room/proxied/ws" "$site")"
[ "$status" = 101 ] || fail "a WebSocket at /orbit/room/proxied/ws through nginx answered $status, not 101" "$tmp/nginx-base/error.log"
ok "a WebSocket upgrade at /orbit/room/<id>/ws through nginx answers 101"
bot_args=(--token "$token")
SSL_CERT_FILE="$cert" bots_meet base "wss://localhost:$https_port/orbit/room/vault/ws"
bot_args=()
ok "two orbit-bots meet over wss:// at /orbit/room/vault/ws, the password room, with the join token"
grep -q '"GET /orbit/room/vault/ws HTTP/1.1" 101 ' "$tmp/nginx-base/access.log" ||
  fail "nginx's access log shows no WebSocket (101) at /orbit/room/vault/ws" "$tmp/nginx-base/access.log"
if grep -qF -e "$token" -e 'token=' "$tmp/nginx-base/access.log" "$tmp/nginx-base/upstream.log"; then
  fail "nginx's access log has the join token: $(grep -hF -e "$token" -e 'token=' "$tmp/nginx-base/access.log" | head -n 1)"
fi
grep -qF "$token" "$tmp/base-path.err" && fail "orbit-server logged the join token" "$tmp/base-path.err"
ok "nginx's access log has the bots' WebSockets (101) and not their join token, which went in Sec-WebSocket-Protocol"

# ---------------------------------------------------------------------------------------
section "coturn with use-auth-secret: docs/deploy/turnserver.conf"
turn_port="$(probe udp-tcp-port)"
turn_secret="$(openssl rand -hex 16)"
mkdir -p "$tmp/turn"
cp "$deploy/turnserver.conf" "$tmp/turn/turnserver.conf"
replace "$tmp/turn/turnserver.conf" CHANGE-ME-TO-THE-TURN-SECRET "$turn_secret"
# Loopback only, on a free port; the relay must reach 127.0.0.1 as the peer of the test.
start turnserver turnserver -c "$tmp/turn/turnserver.conf" --listening-ip=127.0.0.1 --relay-ip=127.0.0.1 \
  --listening-port="$turn_port" --allow-loopback-peers --allowed-peer-ip=127.0.0.1 \
  --pidfile="$tmp/turn/turnserver.pid" --userdb="$tmp/turn/turndb"
turn_pid=$last_pid
wait_until 10 "turnserver listens on 127.0.0.1:$turn_port" bash -c "exec 3<>/dev/tcp/127.0.0.1/$turn_port" ||
  fail "turnserver did not start" "$tmp/turnserver.out" "$tmp/turnserver.err"
# use-auth-secret comes from the file alone: the command line above does not repeat it.
grep -qx use-auth-secret "$tmp/turn/turnserver.conf" || fail "turnserver.conf does not say use-auth-secret"
start_orbit with-turn "$server_bin" --host 127.0.0.1 --port 0 --ephemeral \
  --stun "stun:127.0.0.1:$turn_port" --turn "turn:127.0.0.1:$turn_port?transport=udp" --turn-secret "$turn_secret"
ice="$(probe ice-servers "${orbit_url/http/ws}/room/turn-check/ws")" || fail "no ice-servers answer" "$tmp/with-turn.err"
while IFS= read -r line; do echo "        $line"; done <<<"$ice"
grep -qx "stun stun:127.0.0.1:$turn_port" <<<"$ice" || fail "the ice-servers answer has no STUN entry for --stun"
read -r _ turn_urls turn_user turn_credential < <(grep '^turn ' <<<"$ice") || fail "the ice-servers answer has no TURN entry"
[ "$turn_urls" = "turn:127.0.0.1:$turn_port?transport=udp" ] || fail "TURN urls $turn_urls"
[[ "$turn_user" =~ ^([0-9]+):[0-9a-f]{32}$ ]] || fail "TURN username $turn_user is not <expiry>:<client id>"
expiry="${BASH_REMATCH[1]}"
ttl=$((expiry - $(date +%s)))
if [ "$ttl" -le 86000 ] || [ "$ttl" -gt 86400 ]; then fail "the TURN credential expires in $ttl s, not 24 h (--turn-ttl)"; fi
expected="$(printf %s "$turn_user" | openssl dgst -sha1 -hmac "$turn_secret" -binary | base64)"
[ "$turn_credential" = "$expected" ] || fail "credential $turn_credential is not base64(HMAC-SHA1(secret, user)) = $expected"
ok "orbit-server's ice-servers: STUN, and TURN with user <expiry in 24 h>:<client id>, password base64(HMAC-SHA1(secret, user))"

# turn_allocate USER PASSWORD: two TURN clients allocate relays and send each other data through them.
turn_allocate() {
  turnutils_uclient -y -c -n 1 -p "$turn_port" -u "$1" -w "$2" 127.0.0.1 >"$tmp/uclient.out" 2>&1
}
turn_allocate "$turn_user" "$turn_credential" || fail "coturn refused orbit-server's credentials" "$tmp/uclient.out" "$tmp/turnserver.out"
received="$(sed -n 's/.*tot_recv_msgs=\([0-9]*\)$/\1/p' "$tmp/uclient.out" | tail -n 1)"
[ "${received:-0}" -gt 0 ] || fail "coturn allocated but relayed nothing" "$tmp/uclient.out"
ok "coturn accepts those credentials: two turnutils_uclient allocations relay $received messages between them"
if turn_allocate "$turn_user" "not-the-password"; then fail "coturn accepted a wrong password" "$tmp/uclient.out"; fi
grep -q 'Cannot complete Allocation' "$tmp/uclient.out" || fail "the wrong password failed, but not at the allocation" "$tmp/uclient.out"
ok "coturn refuses the same user with a wrong password"
old_user="$(($(date +%s) - 60)):00000000000000000000000000000000"
old_credential="$(printf %s "$old_user" | openssl dgst -sha1 -hmac "$turn_secret" -binary | base64)"
if turn_allocate "$old_user" "$old_credential"; then fail "coturn accepted an expired credential" "$tmp/uclient.out"; fi
ok "coturn refuses a correctly signed credential whose expiry has passed"
stop_pid "$turn_pid" turnserver 10 || fail "turnserver did not stop on SIGTERM"

# ---------------------------------------------------------------------------------------
section "systemd: docs/deploy/orbit-server.service with docs/deploy/orbit.env"
mkdir -p "$tmp/systemd"
# What the guide installs, where the unit and the environment file expect it: the prefix
# /usr/local moved to $prefix.
build_dir="$(realpath "${ORBIT_BUILD_DIR:-$(dirname "$(dirname "$server_bin")")}")"
[ -f "$build_dir/CMakeCache.txt" ] || fail "no CMake build at $build_dir to install (set ORBIT_BUILD_DIR)"
prefix="$tmp/systemd/usr/local"
cmake --install "$build_dir" --prefix "$prefix" --strip >"$tmp/install.out" 2>&1 ||
  fail "cmake --install $build_dir --prefix $prefix --strip failed" "$tmp/install.out"
installed="$prefix/bin/orbit-server"
[ -x "$installed" ] || fail "cmake --install put no orbit-server in $prefix/bin" "$tmp/install.out"
if [ ! -f "$prefix/share/orbit/web/index.html" ]; then
  # No browser build to install with it (scripts/build.sh web): the page stands in for it.
  mkdir -p "$prefix/share/orbit/web"
  cp "$root/web/index.html" "$prefix/share/orbit/web/"
fi
ok "cmake --install --strip puts orbit-server in $prefix/bin and the web client in $prefix/share/orbit/web"
unit="$tmp/systemd/orbit-server.service"
cp "$deploy/orbit-server.service" "$unit"
replace "$unit" /usr/local/bin/orbit-server "$installed"
verify() {
  systemd-analyze verify "$1" >"$tmp/verify.out" 2>&1 || return 1
  # It exits 0 on unknown keys and values it ignores, but it says so.
  ! grep -q . "$tmp/verify.out"
}
verify "$unit" || fail "systemd-analyze verify complains about the unit" "$tmp/verify.out"
ok "systemd-analyze verify finds nothing to say about the unit"
sed 's/^#tls //' "$unit" >"$tmp/systemd/orbit-server-tls.service"
verify "$tmp/systemd/orbit-server-tls.service" || fail "systemd-analyze verify complains about the unit with its #tls lines" "$tmp/verify.out"
ok "... nor about it with its \"#tls\" lines for native TLS turned on"
systemd-analyze security --offline=true --threshold=20 "$unit" >"$tmp/security.out" 2>&1 ||
  fail "systemd-analyze security rates the unit's exposure above 2.0" "$tmp/security.out"
ok "systemd-analyze security: $(sed -n 's/.*Overall \(exposure level\)[^:]*: \([0-9.]* [A-Z]*\).*/\1 \2/p' "$tmp/security.out")"

# What systemd would do, by hand: the environment file's variables (systemd's KEY=value
# lines), ExecStart's arguments, and the StateDirectory made for it. Only ORBIT_PORT is
# changed: to a free port.
grep -qx 'StateDirectory=orbit' "$unit" || fail "the unit has no StateDirectory=orbit"
grep -qx 'EnvironmentFile=/etc/orbit/orbit.env' "$unit" || fail "the unit does not read /etc/orbit/orbit.env"
grep -qx 'KillSignal=SIGTERM' "$unit" || fail "the unit does not stop orbit-server with SIGTERM"
env_vars=()
while IFS= read -r line; do
  case "$line" in '' | '#'*) continue ;; esac
  [[ "$line" =~ ^ORBIT_[A-Z_]+=[^\"\'\ ]*$ ]] || fail "orbit.env line \"$line\" is not a plain ORBIT_*=value"
  env_vars+=("${line//\/usr\/local\//$prefix/}")
done <"$deploy/orbit.env"
# The unit's own Environment= lines (plain KEY=value words; the commented ones stay off).
while IFS= read -r line; do
  read -r -a words <<<"$line"
  env_vars+=("${words[@]}")
done < <(sed -n 's/^Environment=//p' "$unit")
state="$tmp/systemd/var/lib/orbit"
mkdir -p "$state"
exec_start="$(sed -n 's/^ExecStart=//p' "$unit")"
read -r -a exec_args <<<"${exec_start//\/var\/lib\/orbit/$state}"
[[ " ${exec_args[*]} " == *" --data-dir $state "* ]] || fail "ExecStart does not give --data-dir /var/lib/orbit: $exec_start"
[ "${exec_args[0]}" = "$installed" ] || fail "ExecStart does not run the installed orbit-server: $exec_start"
working_dir="$(sed -n 's/^WorkingDirectory=//p' "$unit")"
[ "$working_dir" = /var/lib/orbit ] || fail "the unit's WorkingDirectory is \"$working_dir\", not the state directory"
start_orbit systemd env -i -C "$state" PATH="$PATH" "${env_vars[@]}" ORBIT_PORT=0 "${exec_args[@]}"
unit_pid=$last_pid
[ "$(readlink "/proc/$unit_pid/exe")" = "$installed" ] || fail "the process is $(readlink "/proc/$unit_pid/exe"), not $installed"
body="$(curl -sS --fail "$orbit_url/healthz")" || fail "/healthz of the installed server" "$tmp/systemd.err"
[[ "$body" == *'"status":"ok"'* ]] || fail "/healthz of the installed server answered $body"
body="$(curl -sS -w ' %{http_code}' "$orbit_url/readyz")"
[ "$body" = '{"status":"ready"} 200' ] || fail "/readyz of the installed server answered $body (ORBIT_WEB_ROOT=$prefix/share/orbit/web)" "$tmp/systemd.err"
ok "ExecStart runs the installed orbit-server with the environment file, in WorkingDirectory: /healthz ok, /readyz ready"
# systemctl reload: ExecReload's command, with $MAINPID the server's.
reload="$(sed -n 's/^ExecReload=//p' "$unit")"
[ -n "$reload" ] || fail "the unit has no ExecReload"
read -r -a reload_args <<<"${reload//\$MAINPID/$unit_pid}"
"${reload_args[@]}" || fail "ExecReload ($reload) failed"
wait_until 5 "orbit-server has taken the SIGHUP" grep -q 'SIGHUP' "$tmp/systemd.err" ||
  fail "orbit-server did not log the SIGHUP of ExecReload ($reload)" "$tmp/systemd.err"
exited "$unit_pid" && fail "ExecReload ($reload) stopped orbit-server" "$tmp/systemd.err"
body="$(curl -sS --fail "$orbit_url/healthz")" || fail "/healthz after ExecReload" "$tmp/systemd.err"
ok "ExecReload ($reload) keeps it running: it logs the SIGHUP and /healthz still answers"
grep -q ' info ' "$tmp/systemd.err" || fail "no info lines in the log (ORBIT_LOG_LEVEL=info)" "$tmp/systemd.err"
origin="$(sed -n 's/^ORBIT_ALLOWED_ORIGIN=//p' "$deploy/orbit.env" | cut -d, -f1)"
code="$(curl -sS -o /dev/null -w '%{http_code}' -H "Origin: $origin" "$orbit_url/healthz")"
[ "$code" = 200 ] || fail "/healthz from $origin answered $code"
code="$(curl -sS -o /dev/null -w '%{http_code}' -H 'Origin: https://evil.example' "$orbit_url/healthz")"
[ "$code" = 403 ] || fail "/healthz from https://evil.example answered $code: ORBIT_ALLOWED_ORIGIN was not applied"
ok "the environment file is applied (ORBIT_ALLOWED_ORIGIN: $origin gets 200, another origin 403)"
body="$(curl -sS -w ' %{http_code}' -d '{"name":"Kept on disk","password":"sesame"}' "$orbit_url/api/rooms")"
[[ "$body" == '{"room_id":"kept-on-disk","token":'*' 201' ]] || fail "POST /api/rooms answered $body" "$tmp/systemd.err"
[ -f "$state/orbit.db" ] || fail "no orbit.db in the state directory" "$tmp/systemd.err"
ok "a room made through the API is in StateDirectory's orbit.db"
mkdir -p "$tmp/restore"
# The guide backs up while orbit-server runs: it locks its data directory (orbit.lock), not
# the database.
sqlite3 "$state/orbit.db" ".backup $tmp/restore/orbit.db" 2>"$tmp/backup.err" ||
  fail "sqlite3 .backup of the running server's database" "$tmp/backup.err"
ok "sqlite3 orbit.db \".backup FILE\" copies the database while orbit-server runs"
if timeout 5 "$server_bin" --host 127.0.0.1 --port 0 --data-dir "$state" >"$tmp/second.out" 2>"$tmp/second.err"; then
  fail "a second orbit-server started on the same data directory" "$tmp/second.err"
fi
grep -q 'orbit.lock is locked' "$tmp/second.err" || fail "a second orbit-server on the data directory failed, but not for its lock" "$tmp/second.err"
ok "a second orbit-server on the same data directory is refused (orbit.lock is locked)"
stop_pid "$unit_pid" orbit-server 15 || fail "orbit-server did not stop within TimeoutStopSec (15 s) of SIGTERM" "$tmp/systemd.err"
[ "$stop_status" -eq 0 ] || fail "orbit-server exited with $stop_status after SIGTERM, not 0 (Restart=on-failure would restart it)" "$tmp/systemd.err"
ok "SIGTERM stops it cleanly: exit status 0"
start_orbit restored "$server_bin" --host 127.0.0.1 --port 0 --data-dir "$tmp/restore"
body="$(curl -sS --fail "$orbit_url/api/rooms/kept-on-disk")"
[[ "$body" == *'"exists":true'* && "$body" == *'"has_password":true'* ]] || fail "the restored server does not know the room: $body"
code="$(curl -sS -o /dev/null -w '%{http_code}' -d '{"password":"sesame"}' "$orbit_url/api/rooms/kept-on-disk/join")"
[ "$code" = 200 ] || fail "joining the restored password room answered $code"
ok "a server started on the backup has the room and its password"

# ---------------------------------------------------------------------------------------
section "Two instances with Redis behind nginx: docs/deploy/nginx-orbit-cluster.conf"
mkdir -p "$tmp/cluster"
cluster_site="$deploy/nginx-orbit-cluster.conf"
# without_upstream SITE: the site file without its opening comment and its upstream block
# (with the comment right above it).
without_upstream() {
  awk 'NR == 1, /^$/ { next }
       /^#/ { held = held $0 "\n"; next }
       /^upstream orbit \{$/ { held = ""; skipping = 1 }
       skipping { if ($0 == "}") skipping = 0; next }
       { printf "%s", held; held = ""; print }
       END { printf "%s", held }' "$1"
}
diff <(without_upstream "$deploy/nginx-orbit.conf") <(without_upstream "$cluster_site") >"$tmp/cluster/site.diff" ||
  fail "nginx-orbit-cluster.conf differs from nginx-orbit.conf outside its upstream block" "$tmp/cluster/site.diff"
grep -q '^    least_conn;$' "$cluster_site" || fail "nginx-orbit-cluster.conf's upstream is not least_conn (the guide says it is)"
ok "nginx-orbit-cluster.conf is nginx-orbit.conf with another upstream: the rest is the same, line for line"

# The template unit, made as the guide makes it.
template_sed='s|^ExecStart=.*|ExecStart=/usr/local/bin/orbit-server --port %i|'
grep -qF "sed '$template_sed'" "$guide" || fail "docs/deploy.md does not make orbit-server@.service with sed '$template_sed'"
template="$tmp/cluster/orbit-server@.service"
sed "$template_sed" "$deploy/orbit-server.service" >"$template"
[ "$(grep -c '^ExecStart=' "$template")" = 1 ] || fail "orbit-server@.service has more than one ExecStart"
replace "$template" /usr/local/bin/orbit-server "$server_bin"
verify "$tmp/cluster/orbit-server@8080.service" || fail "systemd-analyze verify complains about orbit-server@8080.service" "$tmp/verify.out"
ok "systemd-analyze verify finds nothing to say about orbit-server@8080.service (the unit, ExecStart with --port %i)"

# Redis on the guide's redis.conf, with only its port and its folder moved (its bind is loopback).
redis_port="$(probe tcp-port)"
mkdir -p "$tmp/redis"
start redis redis-server "$deploy/redis.conf" --port "$redis_port" --dir "$tmp/redis" --daemonize no --logfile ''
wait_until 10 "redis-server is ready on 127.0.0.1:$redis_port" grep -q 'Ready to accept connections' "$tmp/redis.out" ||
  fail "redis-server did not start" "$tmp/redis.out" "$tmp/redis.err"
# redis_config NAME: Redis's value of the setting NAME.
redis_config() { redis-cli -h 127.0.0.1 -p "$redis_port" config get "$1" | sed -n 2p; }
for setting in "appendonly yes" "maxmemory-policy noeviction" "bind 127.0.0.1 -::1"; do
  [ "$(redis_config "${setting%% *}")" = "${setting#* }" ] ||
    fail "redis-server on redis.conf has ${setting%% *} \"$(redis_config "${setting%% *}")\", not \"${setting#* }\""
done
ok "redis-server runs on redis.conf (port and folder moved): appendonly yes, maxmemory-policy noeviction, bind loopback"

# The two instances as orbit-server@PORT would run them: the environment file with its
# ORBIT_REDIS line turned on (this Redis) and the site's origin allowed, ExecStart with %i
# the port. The test alone shortens the reap window, to see a dead instance's clients go.
https_port="$(probe tcp-port)"
http_port="$(probe tcp-port)"
site="https://localhost:$https_port"
cp "$deploy/orbit.env" "$tmp/cluster/orbit.env"
replace "$tmp/cluster/orbit.env" "#ORBIT_REDIS=redis://127.0.0.1:6379/0" "ORBIT_REDIS=redis://127.0.0.1:$redis_port/0"
replace "$tmp/cluster/orbit.env" "ORBIT_ALLOWED_ORIGIN=https://orbit.example.org" "ORBIT_ALLOWED_ORIGIN=$site"
cluster_env=()
while IFS= read -r line; do
  case "$line" in '' | '#'*) continue ;; esac
  cluster_env+=("$line")
done <"$tmp/cluster/orbit.env"
exec_start="$(sed -n 's/^ExecStart=//p' "$template")"
reap_timeout=4
# start_instance NAME PORT: one instance, in its own empty working directory.
start_instance() {
  local name="$1" port="$2" args
  read -r -a args <<<"${exec_start//%i/$port}"
  mkdir -p "$tmp/cluster/$name"
  start_orbit "$name" env -i -C "$tmp/cluster/$name" PATH="$PATH" "${cluster_env[@]}" \
    ORBIT_REAP_TIMEOUT=$reap_timeout ORBIT_PING_INTERVAL=1 "${args[@]}"
  [ "$orbit_url" = "http://127.0.0.1:$port" ] || fail "$name listens on $orbit_url, not on port $port (--port %i)" "$tmp/$name.err"
  grep -q "cluster: instance [0-9a-f]* on redis://127.0.0.1:$redis_port/0" "$tmp/$name.err" ||
    fail "$name is not in cluster mode" "$tmp/$name.err"
}
port_a="$(probe tcp-port)"
port_b="$(probe tcp-port)"
start_instance cluster-a "$port_a"
pid_a=$last_pid
url_a="$orbit_url"
start_instance cluster-b "$port_b"
pid_b=$last_pid
url_b="$orbit_url"
ok "two instances run as orbit-server@$port_a and orbit-server@$port_b would, with ORBIT_REDIS: both in cluster mode"
start_nginx nginx-cluster "$cluster_site" "$port_a" "$port_b"
ok "nginx -t accepts nginx-orbit-cluster.conf, in front of both"

body="$(curl -sS --cacert "$cert" -w ' %{http_code}' -H 'Content-Type: application/json' \
  -d '{"name":"Across the cluster","password":"sesame"}' "$site/api/rooms")"
[[ "$body" =~ ^\{\"room_id\":\"across-the-cluster\",\"token\":\"([0-9]+\.[0-9a-f]+)\"\}\ 201$ ]] ||
  fail "POST /api/rooms with a password through nginx answered $body" "$tmp/cluster-a.err" "$tmp/cluster-b.err"
token="${BASH_REMATCH[1]}"
made_on="$(sed -n 's|^POST /api/rooms HTTP/[0-9.]* 201 ||p' "$tmp/nginx-cluster/upstream.log" | tail -n 1)"
case "$made_on" in
  "127.0.0.1:$port_a") other_url="$url_b" ;;
  "127.0.0.1:$port_b") other_url="$url_a" ;;
  *) fail "nginx's log does not say which instance made the room: \"$made_on\"" "$tmp/nginx-cluster/upstream.log" ;;
esac
body="$(curl -sS --fail "$other_url/api/rooms/across-the-cluster")"
[[ "$body" == *'"exists":true'* && "$body" == *'"has_password":true'* ]] ||
  fail "the other instance ($other_url) does not know the room: $body"
ok "a password room made through nginx (201 and a token, on $made_on) is known to the other instance, asked directly"
grep -rqF across-the-cluster "$tmp/redis/appendonlydir" ||
  fail "Redis's append-only file does not have the room: a Redis restart would lose it" "$tmp/redis.out"
ok "the room is in Redis's append-only file as soon as it is acknowledged (appendonly yes)"
for name in cluster-a cluster-b; do
  [ -z "$(ls -A "$tmp/cluster/$name")" ] || fail "$name wrote into its working directory: $(ls -A "$tmp/cluster/$name")"
done
ok "neither instance writes anything in its working directory (no orbit-data: Redis is the store)"
status="$(probe upgrade "${other_url/http/ws}/room/across-the-cluster/ws?token=$token")"
[ "$status" = 101 ] || fail "the other instance answered $status, not 101, to a WebSocket with the token" "$tmp/cluster-a.err" "$tmp/cluster-b.err"
status="$(probe upgrade "${other_url/http/ws}/room/across-the-cluster/ws")"
[ "$status" = 401 ] || fail "the other instance answered $status, not 401, to a WebSocket without a token"
ok "the other instance opens a WebSocket (101) with the first one's token, and refuses one without (401): one token secret"

# healthz_clients URL COUNT: the instance at URL has COUNT clients of its own.
healthz_clients() { [[ "$(curl -sS --fail "$1/healthz")" == *"\"clients\":$2,"* ]]; }
# room_clients URL COUNT: the instance at URL counts COUNT clients in the room, across the cluster.
room_clients() { [[ "$(curl -sS --fail "$1/api/rooms/across-the-cluster")" == *"\"clients\":$2,"* ]]; }
room_url="wss://localhost:$https_port/room/across-the-cluster/ws"
bot_args=(--token "$token")
SSL_CERT_FILE="$cert" bots_join cluster "$room_url"
ok "two orbit-bots meet over wss:// through nginx in the password room (--token), and one's line reaches the other"
one_client_each() { healthz_clients "$url_a" 1 && healthz_clients "$url_b" 1; }
wait_until 5 "each instance has one client" one_client_each ||
  fail "the bots are not one on each instance: $(curl -sS "$url_a/healthz") $(curl -sS "$url_b/healthz")"
room_clients "$url_a" 2 && room_clients "$url_b" 2 ||
  fail "the instances do not both count 2 in the room: $(curl -sS "$url_a/api/rooms/across-the-cluster") $(curl -sS "$url_b/api/rooms/across-the-cluster")"
ok "nginx put one bot on each instance (each /healthz counts 1 client) and both instances count 2 in the room"

# SIGKILL the instance Bea is on: nginx must pass her reconnection to the survivor, and the
# survivor must drop her old self within the reap window.
if grep -q "join room=across-the-cluster client=$bea_id" "$tmp/cluster-b.err"; then
  doomed=$pid_b doomed_name=cluster-b doomed_port=$port_b survivor="$url_a" survivor_port=$port_a
elif grep -q "join room=across-the-cluster client=$bea_id" "$tmp/cluster-a.err"; then
  doomed=$pid_a doomed_name=cluster-a doomed_port=$port_a survivor="$url_b" survivor_port=$port_b
else
  fail "neither instance logged Bea's join ($bea_id)" "$tmp/cluster-a.err" "$tmp/cluster-b.err"
fi
old_bea_id="$bea_id"
killed_at="$(now_us)"
kill -KILL "$doomed"
wait_until 5 "$doomed_name is gone" exited "$doomed" || fail "$doomed_name survived SIGKILL"
reap_pid "$doomed"
# joined_again: Bea's output has a second "joined".
joined_again() { [ "$(grep -c '"event":"joined"' "$tmp/cluster-bea.out")" -ge 2 ]; }
wait_until 10 "Bea has joined again through nginx" joined_again ||
  fail "Bea did not join again after her instance was killed" "$tmp/cluster-bea.out" "$tmp/nginx-cluster/error.log"
bea_id="$(joined_id "$tmp/cluster-bea.out")"
wait_until 5 "the survivor has both bots" healthz_clients "$survivor" 2 ||
  fail "the survivor does not count 2 clients: $(curl -sS "$survivor/healthz")"
ok "Bea's instance killed (SIGKILL): she joins again through nginx as $bea_id, and the survivor's /healthz counts 2 clients"
# since_last_join FILE TEXT: TEXT is in FILE after its last "joined" line.
since_last_join() { awk -v text="$2" '/"event":"joined"/ { seen = 0 } index($0, text) { seen = 1 } END { exit !seen }' "$1"; }
wait_until 10 "Ada's connection to the new Bea is up" \
  grep -q "\"name\":\"Bea\",\"peer\":\"$bea_id\",\"state\":\"connected\"" "$tmp/cluster-ada.out" ||
  fail "Ada never reached Bea again ($bea_id)" "$tmp/cluster-ada.out" "$tmp/cluster-bea.out"
wait_until 10 "the new Bea's connection to Ada is up" \
  since_last_join "$tmp/cluster-bea.out" "\"name\":\"Ada\",\"peer\":\"$ada_id\",\"state\":\"connected\"" ||
  fail "Bea never reached Ada again ($ada_id)" "$tmp/cluster-bea.out" "$tmp/cluster-ada.out"
ok "Ada and Bea report each other connected again"
wait_until $((reap_timeout + 4)) "the survivor has dropped the old Bea" room_clients "$survivor" 2 ||
  fail "the survivor still counts the dead instance's client: $(curl -sS "$survivor/api/rooms/across-the-cluster")" "$tmp/cluster-ada.out"
wait_until 2 "Ada has been told" grep -q "\"event\":\"peer-left\",\"name\":\"Bea\",\"peer\":\"$old_bea_id\"" "$tmp/cluster-ada.out" ||
  fail "Ada was not told that the old Bea ($old_bea_id) left" "$tmp/cluster-ada.out"
gone_after=$((($(now_us) - killed_at) / 100000))
ok "the dead instance's client leaves the room (Ada gets peer-left) $((gone_after / 10)).$((gone_after % 10)) s after the kill (reap window: $reap_timeout s)"
for _ in 1 2 3 4; do
  code="$(curl -sS --cacert "$cert" -o /dev/null -w '%{http_code}' "$site/healthz")"
  [ "$code" = 200 ] || fail "/healthz through nginx answered $code with one instance dead" "$tmp/nginx-cluster/error.log"
done
ok "with one instance dead, requests through nginx all reach the other (4 of 4 /healthz answer 200)"
bots_leave cluster
bot_args=()
grep -q '"event":"error"' "$tmp/cluster-ada.out" && fail "Ada reported an error" "$tmp/cluster-ada.out"
others="$(grep '"event":"error"' "$tmp/cluster-bea.out" | grep -v '"message":"connection lost' || true)"
[ -z "$others" ] || fail "Bea reported an error besides losing her connection: $others"
ok "Ada saw no error; Bea only the loss of her connection"
# nginx logs a WebSocket when it ends, with every upstream it tried.
grep -q "^GET /room/across-the-cluster/ws HTTP/1.1 101 127.0.0.1:$doomed_port, 127.0.0.1:$survivor_port$" \
  "$tmp/nginx-cluster/upstream.log" ||
  fail "nginx's log has no WebSocket passed from the dead instance to the survivor" "$tmp/nginx-cluster/upstream.log"
ok "nginx tried Bea's reconnection on the dead instance first (least_conn), and passed it on to the survivor"
if grep -qF -e "$token" -e 'token=' "$tmp/nginx-cluster/access.log" "$tmp/nginx-cluster/upstream.log"; then
  fail "nginx's logs have the join token" "$tmp/nginx-cluster/access.log"
fi
ok "nginx's logs never have the join token (the bots send it in Sec-WebSocket-Protocol, also when they reconnect)"

# ---------------------------------------------------------------------------------------
section "docs/deploy.md quotes these very files"
probe quotes "$guide" "$deploy" >"$tmp/quotes.out" 2>&1 || fail "the guide quotes what its files do not say" "$tmp/quotes.out"
while IFS= read -r line; do ok "its excerpt of $line is word for word in the file"; done <"$tmp/quotes.out"
