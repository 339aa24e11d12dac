#!/usr/bin/env bash
# The soak (issue 11): a real orbit-server on 127.0.0.1 and a free port, orbit-soak churning
# 1,000 clients against it for SECONDS, then its checks (0 clients and rooms on /metrics, fds
# back to their start, RSS within 10% of the baseline after warm-up). ctest runs 60 s.
#   tests/soak/soak.sh SECONDS [ORBIT_SERVER ORBIT_SOAK] [-- orbit-soak options...]
# ORBIT_SOAK_OUT=DIR keeps the server's log, orbit-soak's output and the samples there (else a
# temporary folder, removed); ORBIT_SOAK_PLOT=FILE.png draws RSS and fds over time (gnuplot).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
seconds="${1:?usage: soak.sh SECONDS [ORBIT_SERVER ORBIT_SOAK] [-- options]}"
shift
server="$root/build/server/orbit-server" soak="$root/build/tests/soak/orbit-soak"
if [ "$#" -ge 2 ] && [ "$1" != "--" ]; then server="$1" soak="$2"; shift 2; fi
[ "${1:-}" = "--" ] && shift

# The server pings after 2 s of silence and reaps after 6 s, so that silent clients are
# dropped within the run rather than after the default 30 s. A client has 4 s to answer a
# ping: on a loaded 2-core machine 2 s (reaping after 3 s) dropped live clients.
ping_interval=2 reap_timeout=6
if [ -n "${ORBIT_SOAK_OUT:-}" ]; then
  out="$ORBIT_SOAK_OUT"
  mkdir -p "$out"
  keep=1
else
  out="$(mktemp -d)"
  keep=0
fi
rm -f "$out/server.fifo"
mkfifo "$out/server.fifo"
"$server" --host 127.0.0.1 --port 0 --ephemeral --log-level warn \
  --ping-interval "$ping_interval" --reap-timeout "$reap_timeout" >"$out/server.fifo" 2>"$out/server.err" &
pid=$!
cleanup() {
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  [ "$keep" = 1 ] || rm -rf "$out"
}
trap cleanup EXIT
exec 3<"$out/server.fifo"
read -r -t 20 line <&3  # "listening http://127.0.0.1:PORT"
cat <&3 >"$out/server.log" &  # the rest of its output, so that it never blocks on a full pipe
url="ws://127.0.0.1:${line##*:}"
echo "soak.sh: orbit-server (pid $pid) at $url; orbit-soak for $seconds s"

status=0
"$soak" --url "$url" --server-pid "$pid" --seconds "$seconds" --reap-timeout "$reap_timeout" \
  --samples "$out/samples.dat" "$@" | tee "$out/soak.out" || status=$?
kill -0 "$pid" 2>/dev/null || { echo "soak.sh: FAIL: orbit-server died" >&2; status=1; }
if [ -s "$out/server.err" ]; then
  echo "soak.sh: the server's warnings (first 20 lines):"
  head -n 20 "$out/server.err"
fi

if [ -n "${ORBIT_SOAK_PLOT:-}" ]; then
  gnuplot -e "samples='$out/samples.dat'; png='$ORBIT_SOAK_PLOT'" "$here/plot.gnuplot"
  echo "soak.sh: plot in $ORBIT_SOAK_PLOT"
fi
[ "$status" = 0 ] && echo "soak.sh: passed" || echo "soak.sh: FAILED" >&2
exit "$status"
