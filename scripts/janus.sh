#!/usr/bin/env bash
# Writes a minimal configuration of Debian's Janus (janus 1.1.2) for Orbit into a folder and,
# with --run, runs Janus on it in the foreground (logging to stdout; SIGINT/SIGTERM stop it).
# Orbit forwards media through Janus's VideoRoom plugin for rooms past five people; its
# server is the only client of the Janus API, so that API listens on 127.0.0.1 only.
#
#   scripts/janus.sh CONFDIR --ws-port N [options] [--run]
#
#   CONFDIR                 made if missing; janus.jcfg, janus.plugin.videoroom.jcfg and
#                           janus.transport.websockets.jcfg in it are overwritten
#   --ws-port N             port of the WebSocket API on 127.0.0.1 (subprotocol
#                           "janus-protocol"); required
#   --ice-interfaces LIST   only gather ICE candidates on these interfaces or IP prefixes,
#                           comma-separated (nat.ice_enforce_list, e.g. "eth0" or "10.0.");
#                           default: every interface that is up, except loopback
#   --loopback              ICE on 127.0.0.1, for browsers on the same machine when it has
#                           no other interface (see below); needs --run and a C compiler
#   --nat-1-1 IPS           advertise these public IPs in place of the host ones
#                           (nat.nat_1_1_mapping, for a server behind a 1:1 NAT)
#   --rtp-ports MIN-MAX     UDP port range for media (media.rtp_port_range), for a firewall
#   --session-timeout S     seconds without a request (keepalive) before Janus drops a
#                           session (default 60, Janus's own default)
#   --debug-level N         Janus's log level, 0-7 (default 4: info)
#   --run                   exec janus with the configuration once it is written
#
# Loopback: Janus 1.1.2 never gathers a candidate on an interface flagged IFF_LOOPBACK: its
# ice.c skips them before it looks at ice_enforce_list, and when that leaves no address libnice
# gathers on every interface that is up except loopback. So --ice-interfaces lo means "all but
# loopback", and on a machine (or container) with loopback only Janus has no candidate at all:
# `publish` fails with error 490 "Error setting ICE locally". There, --loopback builds a small
# LD_PRELOAD library in CONFDIR that hides the loopback flag from Janus's getifaddrs() and
# enforces 127.0.0.1; browsers then need --allow-loopback-in-peer-connection (Chromium) to
# gather a loopback candidate of their own. Without --loopback, browsers on the same machine
# reach Janus at the address of one of its other interfaces, which works as it is.
#
# Environment: JANUS_BIN (default: janus on PATH), JANUS_LIB_DIR (the folder holding
# plugins/ and transports/; default: found under /usr/lib, /usr/local/lib or /opt/janus/lib).
set -euo pipefail

usage() { sed -n '2,/^set -euo/{/^#/s/^# \{0,1\}//p}' "$0" >&2; exit 2; }
fail() { echo "janus.sh: $*" >&2; exit 1; }

[ $# -ge 1 ] || usage
case "$1" in -h|--help) usage ;; -*) fail "the first argument is the configuration folder" ;; esac
confdir="$1"; shift
ws_port="" ice_interfaces="" loopback=0 nat_1_1="" rtp_ports="" session_timeout=60 debug_level=4 run=0
while [ $# -gt 0 ]; do
  case "$1" in
    --ws-port) ws_port="${2:?--ws-port needs a port}"; shift 2 ;;
    --ice-interfaces) ice_interfaces="${2:?--ice-interfaces needs a list}"; shift 2 ;;
    --loopback) loopback=1; shift ;;
    --nat-1-1) nat_1_1="${2:?--nat-1-1 needs addresses}"; shift 2 ;;
    --rtp-ports) rtp_ports="${2:?--rtp-ports needs MIN-MAX}"; shift 2 ;;
    --session-timeout) session_timeout="${2:?--session-timeout needs seconds}"; shift 2 ;;
    --debug-level) debug_level="${2:?--debug-level needs 0-7}"; shift 2 ;;
    --run) run=1; shift ;;
    -h|--help) usage ;;
    *) fail "unknown option $1 (see --help)" ;;
  esac
done
if ! [[ "$ws_port" =~ ^[0-9]+$ ]] || [ "$ws_port" -lt 1 ] || [ "$ws_port" -gt 65535 ]; then
  fail "--ws-port N is required (1-65535)"
fi
[ -z "$rtp_ports" ] || [[ "$rtp_ports" =~ ^[0-9]+-[0-9]+$ ]] || fail "--rtp-ports takes MIN-MAX"
[[ "$session_timeout" =~ ^[0-9]+$ ]] || fail "--session-timeout takes seconds"
[[ "$debug_level" =~ ^[0-7]$ ]] || fail "--debug-level takes 0-7"
if [ "$loopback" -eq 1 ]; then
  [ -z "$ice_interfaces" ] || fail "--loopback and --ice-interfaces exclude each other"
  [ "$run" -eq 1 ] || fail "--loopback only works with --run (the library is preloaded into janus)"
  ice_interfaces="127.0.0.1"
fi

janus_bin="${JANUS_BIN:-$(command -v janus || true)}"
if [ -z "$janus_bin" ] || [ ! -x "$janus_bin" ]; then
  fail "no janus: install it (apt-get install janus, or scripts/setup.sh)"
fi
lib_dir="${JANUS_LIB_DIR:-}"
if [ -z "$lib_dir" ]; then
  for candidate in /usr/lib/*/janus /usr/lib/janus /usr/local/lib/janus /usr/local/lib/*/janus /opt/janus/lib/janus; do
    if [ -f "$candidate/plugins/libjanus_videoroom.so" ]; then lib_dir="$candidate"; break; fi
  done
fi
if [ -z "$lib_dir" ] || [ ! -f "$lib_dir/plugins/libjanus_videoroom.so" ] || [ ! -f "$lib_dir/transports/libjanus_websockets.so" ]; then
  fail "no VideoRoom plugin and WebSocket transport under ${lib_dir:-/usr/lib/*/janus}: set JANUS_LIB_DIR"
fi

# Janus loads every *.so of a folder unless the configuration names it in `disable`; loading
# them all crashes Debian's build at start, so all but the two Orbit needs are named.
others() { # folder, file to keep (or none)
  local file names=()
  for file in "$lib_dir/$1"/*.so; do
    [ -e "$file" ] || continue
    file="$(basename "$file")"
    [ "$file" = "$2" ] || names+=("$file")
  done
  local IFS=,
  echo "${names[*]}"
}

mkdir -p "$confdir"
confdir="$(cd "$confdir" && pwd)"

{
  cat <<EOF
# Written by Orbit's scripts/janus.sh: edit the script, not this file.
general: {
	configs_folder = "$confdir"
	plugins_folder = "$lib_dir/plugins"
	transports_folder = "$lib_dir/transports"
	events_folder = "$lib_dir/events"
	loggers_folder = "$lib_dir/loggers"
	debug_level = $debug_level
	server_name = "orbit-janus"
	session_timeout = $session_timeout
	# The Orbit server owns the sessions: once its WebSocket to Janus is gone, nothing would
	# reclaim them, so they go at once (Janus's default, written down because it matters).
	reclaim_session_timeout = 0
	exit_on_dl_error = true
}
certificates: {
}
media: {
	ipv6 = false
EOF
  [ -z "$rtp_ports" ] || printf '\trtp_port_range = "%s"\n' "$rtp_ports"
  cat <<EOF
}
nat: {
	# No STUN or TURN: nothing is looked up at start, and candidates are the host ones.
	nice_debug = false
	# Half trickle: Janus's candidates come inside its SDP; clients may trickle theirs.
	full_trickle = false
	ice_lite = false
	ice_tcp = false
	# Browsers hide host addresses behind mDNS names where they may; a peer-reflexive
	# candidate from their connectivity checks replaces them, so don't wait on resolving.
	ignore_mdns = true
EOF
  if [ -n "$ice_interfaces" ]; then
    printf '\tice_enforce_list = "%s"\n' "$ice_interfaces"
  else
    printf '\tice_ignore_list = "vmnet"\n'
  fi
  [ -z "$nat_1_1" ] || printf '\tnat_1_1_mapping = "%s"\n' "$nat_1_1"
  cat <<EOF
}
plugins: {
	disable = "$(others plugins libjanus_videoroom.so)"
}
transports: {
	disable = "$(others transports libjanus_websockets.so)"
}
loggers: {
	disable = "$(others loggers none)"
}
events: {
	broadcast = false
	disable = "$(others events none)"
}
EOF
} >"$confdir/janus.jcfg"

cat >"$confdir/janus.plugin.videoroom.jcfg" <<'EOF'
# Written by Orbit's scripts/janus.sh. No rooms here: the Orbit server creates them through
# the API, which only it can reach (127.0.0.1), so there is no admin_key either.
general: {
	events = false
}
EOF

cat >"$confdir/janus.transport.websockets.jcfg" <<EOF
# Written by Orbit's scripts/janus.sh: the Janus API for the Orbit server on the same machine.
general: {
	json = "compact"
	ws = true
	ws_ip = "127.0.0.1"
	ws_port = $ws_port
	wss = false
	ws_logging = "err,warn"
}
admin: {
	admin_ws = false
	admin_wss = false
}
EOF

[ "$run" -eq 1 ] || exit 0

if [ "$loopback" -eq 1 ]; then
  # getifaddrs() without IFF_LOOPBACK on the loopback entries: Janus then offers 127.0.0.1.
  cat >"$confdir/loopback-ice.c" <<'EOF'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <stddef.h>

int getifaddrs(struct ifaddrs **list) {
	int (*real)(struct ifaddrs **) = (int (*)(struct ifaddrs **))dlsym(RTLD_NEXT, "getifaddrs");
	int result = real(list);
	if(result == 0)
		for(struct ifaddrs *entry = *list; entry != NULL; entry = entry->ifa_next)
			entry->ifa_flags &= ~IFF_LOOPBACK;
	return result;
}
EOF
  cc="${CC:-cc}"
  command -v "$cc" >/dev/null || fail "--loopback needs a C compiler (cc), e.g. from build-essential"
  "$cc" -shared -fPIC -O2 -o "$confdir/loopback-ice.so" "$confdir/loopback-ice.c" -ldl
  export LD_PRELOAD="$confdir/loopback-ice.so${LD_PRELOAD:+:$LD_PRELOAD}"
fi

exec "$janus_bin" --configs-folder="$confdir" --config="$confdir/janus.jcfg" --disable-colors
