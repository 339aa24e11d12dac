#!/usr/bin/env bash
# The server benchmark suite, one command: orbit-server against a minimal Node.js relay of
# the same protocol (tests/bench/node-relay), and a raw epoll echo as the ceiling.
#   scripts/bench.sh [--quick] [--runs N] [--no-build] [--no-browser]
# Each measure alternates Orbit and Node (A B A B ...) --runs times (5; --quick: 2), each run
# on a fresh server, and reports the median with the min-max spread. Prints one table (also
# build/bench/relay.txt), writes the offered-load sweep to build/bench/sweep-*.dat and plots
# it to docs/bench-relay.png. Every loadgen result line is kept in build/bench/results.txt.
# Then the browser's figures, each against its bare-page floor in the same run (headless
# Chromium; --no-browser skips them): the download, an idle page, call start, page CPU.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

runs=5 seconds=4 warmup=1 build=1 quick=0 browser=1
while [ "$#" -gt 0 ]; do
  case "$1" in
    --quick) quick=1 runs=2 seconds=1.5 warmup=0.5 ;;
    --runs) runs="$2"; shift ;;
    --no-build) build=0 ;;
    --no-browser) browser=0 ;;
    *) echo "usage: scripts/bench.sh [--quick] [--runs N] [--no-build] [--no-browser]" >&2; exit 2 ;;
  esac
  shift
done

# What it needs: gnuplot for the plot, the relay's one npm package, a native build.
if ! command -v gnuplot >/dev/null; then
  apt-get install -y gnuplot-nox >/dev/null || { apt-get update >/dev/null && apt-get install -y gnuplot-nox >/dev/null; }
fi
(cd tests/bench/node-relay && npm ci --no-audit --no-fund --silent)
[ "$build" = 0 ] || scripts/build.sh native
[ "$build" = 0 ] || [ "$browser" = 0 ] || scripts/build.sh web
[ "$browser" = 0 ] || [ -d tests/e2e/node_modules ] || (cd tests/e2e && npm ci --no-audit --no-fund --silent)
# Idle connections need descriptors: as many as the system lets this shell have (the
# servers inherit it; orbit-loadgen raises its own).
ulimit -Hn 200000 2>/dev/null || true
ulimit -n "$(ulimit -Hn)"
fd_limit="$(ulimit -Hn)"

loadgen=build/tests/bench/orbit-loadgen
out=build/bench
mkdir -p "$out"
results="$out/results.txt"
: >"$results"
tmp="$(mktemp -d)"
server_pid=""
trap '[ -z "$server_pid" ] || kill "$server_pid" 2>/dev/null; rm -rf "$tmp"' EXIT

# start_server orbit|node|echo: sets server_pid and server_url once it listens.
start_server() {
  rm -f "$tmp/out"
  mkfifo "$tmp/out"
  case "$1" in
    orbit) build/server/orbit-server --host 127.0.0.1 --port 0 --ephemeral --log-level warn \
             --rate-limit 1000000 --max-room-size 10000 --max-connections-per-ip 0 --connection-rate-per-ip 0 \
             >"$tmp/out" 2>>"$out/orbit.log" & ;;
    node) node tests/bench/node-relay/relay.mjs 0 >"$tmp/out" 2>>"$out/node.log" & ;;
    echo) build/tests/bench/orbit-bench-echo 0 >"$tmp/out" & ;;
  esac
  server_pid=$!
  exec 3<"$tmp/out"
  local line
  read -r -t 30 line <&3  # "listening http://127.0.0.1:PORT" (tcp:// for the echo)
  case "$1" in echo) server_url="tcp://127.0.0.1:${line##*:}" ;; *) server_url="ws://127.0.0.1:${line##*:}" ;; esac
}

stop_server() {
  kill -KILL "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  exec 3<&-
  server_pid=""
}

# measure CASE SERVER SCENARIO ARGS...: one run on a fresh server; its result line goes to
# $results as "case=CASE server=SERVER ...".
measure() {
  local case="$1" server="$2" scenario="$3"
  shift 3
  start_server "$server"
  local line
  if line="$("$loadgen" "$scenario" --url "$server_url" --server-pid "$server_pid" "$@" | grep '^result ')"; then
    echo "case=$case server=$server ${line#result }" >>"$results"
  else
    echo "case=$case server=$server failed=1 ${line#result }" >>"$results"
    echo "bench.sh: $case on $server failed: $line" >&2
  fi
  stop_server
  printf '.'
}

window=(--warmup "$warmup" --seconds "$seconds")
idle_sizes=(10000 50000)
[ "$quick" = 0 ] || idle_sizes=(2000)
echo "bench.sh: $runs alternations of each measure, ${seconds} s windows (results in $results)"
for ((run = 1; run <= runs; run++)); do
  for server in orbit node; do
    measure rooms2 "$server" relay "${window[@]}" --rooms 50 --room-size 2 --mix mix --inflight 4
    measure rooms8 "$server" relay "${window[@]}" --rooms 12 --room-size 8 --mix mix --inflight 4
    measure rtt "$server" fixed-rate "${window[@]}" --rooms 50 --room-size 2 --mix mix --rate 20000
    measure join "$server" join "${window[@]}" --concurrency 64
    measure fanout "$server" fanout "${window[@]}"
    for n in "${idle_sizes[@]}"; do
      if [ "$fd_limit" -gt $((n + 1024)) ]; then
        measure "idle$n" "$server" idle --connections "$n" --per-source 5000
      fi
    done
  done
  measure echo echo raw "${window[@]}" --rooms 50 --room-size 2 --mix mix --inflight 4
done

# The sweep of offered load: one run per point, alternating the servers.
rates=(5000 10000 20000 40000 0)
[ "$quick" = 0 ] || rates=(5000 20000 0)
for rate in "${rates[@]}"; do
  for server in orbit node; do
    if [ "$rate" = 0 ]; then
      measure sweep-max "$server" relay "${window[@]}" --rooms 50 --room-size 2 --mix mix --inflight 4
    else
      measure "sweep-$rate" "$server" fixed-rate "${window[@]}" --rooms 50 --room-size 2 --mix mix --rate "$rate"
    fi
  done
done
echo

python3 - "$results" "$out" "$fd_limit" "$runs" <<'EOF' | tee "$out/relay.txt"
import statistics, sys
results, out, fd_limit, runs = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
rows = []
for line in open(results):
    rows.append(dict(kv.split('=', 1) for kv in line.split() if '=' in kv))

def values(case, server, key):
    return [float(r[key]) for r in rows if r['case'] == case and r['server'] == server and key in r
            and 'failed' not in r and float(r[key]) >= 0]

def cell(vs, fmt):
    if not vs:
        return 'n/a', None
    m = statistics.median(vs)
    return f"{fmt(m)} ({fmt(min(vs))}–{fmt(max(vs))})", m

us = lambda v: f"{v:.2f}"
ms = lambda v: f"{v / 1000:.2f}"
count = lambda v: f"{v:,.0f}"
kb = lambda v: f"{v / 1024:.1f}"
measures = [
    ("CPU µs per delivered msg, rooms of 2, mix", "rooms2", "server_cpu_us_per_msg", us),
    ("CPU µs per delivered msg, rooms of 8, mix", "rooms8", "server_cpu_us_per_msg", us),
    ("throughput, deliveries/s, rooms of 2, mix (4 in flight per client)", "rooms2", "deliveries_per_s", count),
    ("throughput, deliveries/s, rooms of 8, mix", "rooms8", "deliveries_per_s", count),
    ("latency p50 ms at 20k msg/s (one-way)", "rtt", "p50_us", ms),
    ("latency p99 ms at 20k msg/s (one-way)", "rtt", "p99_us", ms),
    ("latency max ms at 20k msg/s (one-way)", "rtt", "max_us", ms),
    ("CPU µs per delivered msg at 20k msg/s", "rtt", "server_cpu_us_per_msg", us),
    ("join rate, joins/s (upgrade + room-info, 64 at a time)", "join", "joins_per_s", count),
    ("CPU µs per join", "join", "server_cpu_us_per_join", us),
    ("idle memory, KB per connection, 10k", "idle10000", "rss_bytes_per_connection", kb),
    ("idle memory, KB per connection, 50k", "idle50000", "rss_bytes_per_connection", kb),
    ("idle memory, KB per connection, 2k", "idle2000", "rss_bytes_per_connection", kb),
    ("fan-out, deliveries/s, one room of 50, chat", "fanout", "deliveries_per_s", count),
    ("CPU µs per delivered msg, fan-out", "fanout", "server_cpu_us_per_msg", us),
]
table = ["| measure | Orbit | Node | Orbit / Node |", "|---|---|---|---|"]
for title, case, key, fmt in measures:
    if not any(r['case'] == case for r in rows) and not (case == "idle50000" and fd_limit < 51024):
        continue
    o, om = cell(values(case, 'orbit', key), fmt)
    n, nm = cell(values(case, 'node', key), fmt)
    if case == "idle50000" and om is None:
        o = n = f"n/a: open files capped at {fd_limit}"
    ratio = f"{om / nm:.2f}" if om and nm else ""
    table.append(f"| {title} | {o} | {n} | {ratio} |")
echo_cpu = values('echo', 'echo', 'server_cpu_us_per_msg')
orbit_cpu = values('rooms2', 'orbit', 'server_cpu_us_per_msg')
e, em = cell(echo_cpu, us)
om = statistics.median(orbit_cpu) if orbit_cpu else None
if em and om:
    table.append(f"| raw epoll echo, CPU µs per msg, same sizes (Orbit: rooms of 2, mix) | {us(om)} | "
                 f"echo: {e} | Orbit / echo: {om / em:.2f} |")
print(f"Median of {runs} runs each (min–max), Orbit and Node alternated; latency is one-way, "
      "stamped with the load generator's steady clock.")
print("\n".join(table))

# The sweep: offered msg/s (what was sent), CPU per delivered msg, p99 in ms.
for server in ('orbit', 'node'):
    with open(f"{out}/sweep-{server}.dat", "w") as f:
        f.write("# offered sent_per_s cpu_us_per_msg p99_ms\n")
        points = [r for r in rows if r['case'].startswith('sweep-') and r['server'] == server and 'failed' not in r]
        points.sort(key=lambda r: float(r['sent_per_s']))
        for r in points:
            offered = r['case'][6:]
            f.write(f"{offered} {float(r['sent_per_s']):.0f} {float(r['server_cpu_us_per_msg']):.3f} "
                    f"{float(r['p99_us']) / 1000:.3f}\n")
EOF

gnuplot <<EOF
set terminal pngcairo size 1100,450 font ",10"
set output "docs/bench-relay.png"
set multiplot layout 1,2 title "Signaling relay: Orbit beside Node (ws), rooms of 2, message mix"
set xlabel "offered load, messages/s sent"
set grid
set key top left
set ylabel "server CPU µs per delivered message"
set yrange [0:*]
plot "$out/sweep-orbit.dat" using 2:3 with linespoints lw 2 title "Orbit", \
     "$out/sweep-node.dat" using 2:3 with linespoints lw 2 title "Node (ws)"
set ylabel "p99 one-way latency, ms"
set logscale y
set yrange [*:*]
plot "$out/sweep-orbit.dat" using 2:4 with linespoints lw 2 title "Orbit", \
     "$out/sweep-node.dat" using 2:4 with linespoints lw 2 title "Node (ws)"
unset multiplot
EOF
echo "bench.sh: table in $out/relay.txt, plot in docs/bench-relay.png"

[ "$browser" = 1 ] || exit 0
export ORBIT_SERVER_BIN="$root/build/server/orbit-server" ORBIT_WEB_ROOT="$root/build-web/web"
calls=10 cpu_runs=3
[ "$quick" = 0 ] || calls=3 cpu_runs=1
echo; echo "== download size";  node tests/bench/size.mjs
echo; echo "== an idle page";   node tests/bench/idle.mjs
echo; echo "== call start";     node tests/bench/call_start.mjs "$calls"
echo; echo "== page CPU in a two-person call"; node tests/bench/page_cpu.mjs "$cpu_runs" 10
