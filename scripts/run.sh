#!/usr/bin/env bash
# README command 1: set up a fresh Debian 12 machine, build the server and the web client,
# and run orbit-server on http://localhost:8080 (Ctrl-C stops it). Extra arguments go to
# orbit-server, e.g. scripts/run.sh --port 9000 --stun stun:stun.example.org:3478
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh"
"$root/scripts/build.sh" native web
echo "Orbit: open http://localhost:${ORBIT_PORT:-8080}/room/test in a browser"
# Rooms made in the lobby, and their passwords, are kept in orbit-data/ across restarts.
exec "$root/build/server/orbit-server" --web-root "$root/build-web/web" --data-dir "$root/orbit-data" "$@"
