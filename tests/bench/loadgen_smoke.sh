#!/usr/bin/env bash
# ctest's bench/loadgen-smoke: orbit-loadgen briefly against a real orbit-server (relay in
# rooms of 2 and 8 with the message mix, a fixed rate, joins, a few idle clients). No timing
# is checked: it fails if a message is lost, the server answers an error, or a client fails.
#   loadgen_smoke.sh ORBIT_SERVER ORBIT_LOADGEN
set -euo pipefail
server="$1" loadgen="$2"
dir="$(mktemp -d)"
mkfifo "$dir/out"
"$server" --host 127.0.0.1 --port 0 --ephemeral --log-level warn --rate-limit 1000000 --max-room-size 10000 \
  --max-connections-per-ip 0 --connection-rate-per-ip 0 >"$dir/out" &
pid=$!
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$dir"' EXIT
exec 3<"$dir/out"
read -r -t 20 line <&3  # "listening http://127.0.0.1:PORT"
url="ws://127.0.0.1:${line##*:}"
short=(--url "$url" --server-pid "$pid" --warmup 0.2 --seconds 0.5)
"$loadgen" relay "${short[@]}" --rooms 5 --room-size 2
"$loadgen" relay "${short[@]}" --rooms 3 --room-size 8
"$loadgen" fixed-rate "${short[@]}" --rooms 5 --rate 2000
"$loadgen" fanout "${short[@]}" --room-size 10
"$loadgen" join "${short[@]}" --concurrency 4
"$loadgen" idle --url "$url" --server-pid "$pid" --connections 200 --per-source 100
