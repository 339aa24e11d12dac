#!/usr/bin/env bash
# Installs everything Orbit needs on Debian 12, from Debian's packages and npm only.
# Idempotent: a second run checks, finds nothing missing and changes nothing.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive

packages=(
  build-essential cmake ninja-build ccache pkg-config git ca-certificates openssl
  libboost-dev libboost-system-dev libboost-program-options-dev nlohmann-json3-dev catch2 libssl-dev libsodium-dev
  libsqlite3-dev libhiredis-dev libsimdjson-dev redis-server
  emscripten dpkg-dev brotli
  clang-14 libclang-rt-14-dev
  chromium firefox-esr
  # Fonts for Devanagari, Chinese and Japanese (Droid Sans Fallback, 2 MB where Noto's CJK fonts
  # are 56) and colour emoji, which the browser tests' Chromium paints with: without them it
  # paints boxes, for the browser's own text as for ours, and the tests comparing the two would
  # pass on boxes. The web build subsets the UI's own fonts from Noto Sans and Fork Awesome with
  # pyftsubset.
  fonts-noto-core fonts-droid-fallback fonts-noto-color-emoji fonts-fork-awesome fonttools
  nginx coturn curl sqlite3 systemd janus
)
command -v node >/dev/null && command -v npm >/dev/null || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
updated=0
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  $sudo apt-get update -qq
  updated=1
  # nginx and coturn start system services as they install (and the install fails where
  # port 80 is taken). The deployment tests start their own, so forbid that for this install
  # unless the machine has a policy of its own, and do not leave them set to start at boot.
  policy=/usr/sbin/policy-rc.d
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null && $sudo chmod 755 "$policy"
    trap '$sudo rm -f "$policy"' EXIT
  fi
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
  for service in nginx coturn janus redis-server; do
    if [[ " ${missing[*]} " == *" $service "* ]]; then $sudo systemctl disable --quiet "$service" 2>/dev/null || true; fi
  done
fi

# Dear ImGui's sources for the WebAssembly build come from Debian's source package.
third="$root/third_party"
if [ ! -f "$third/imgui/imgui.cpp" ]; then
  # A deb-src entry with the same mirror as the existing bookworm `deb` entry.
  if ! grep -rqs '^[^#]*deb-src' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    src=/etc/apt/sources.list.d/orbit-deb-src.sources
    if [ -f /etc/apt/sources.list.d/debian.sources ]; then
      awk -v RS= -v ORS='\n\n' '/Suites:[^\n]*bookworm( |\n|$)/ && /Types: deb/ { sub(/Types: deb/, "Types: deb-src"); print }' \
        /etc/apt/sources.list.d/debian.sources | $sudo tee "$src" >/dev/null
    else
      grep -E '^deb [^ ]+ bookworm ' /etc/apt/sources.list | sed 's/^deb /deb-src /' |
        $sudo tee /etc/apt/sources.list.d/orbit-deb-src.list >/dev/null
    fi
    updated=0
  fi
  [ "$updated" -eq 1 ] || $sudo apt-get update -qq
  rm -rf "$third/src" && mkdir -p "$third/src"
  (cd "$third/src" && apt-get source -qq imgui >/dev/null)
  rm -rf "$third/imgui" && mv "$third"/src/imgui-*/ "$third/imgui" && rm -rf "$third/src"
  echo "setup: Dear ImGui sources in third_party/imgui"
fi

# Browser-test tooling from npm (playwright-core drives Debian's Chromium, puppeteer-core its
# Firefox ESR over WebDriver BiDi; neither downloads a browser).
e2e="$root/tests/e2e"
if [ -f "$e2e/package.json" ]; then
  stamp="$e2e/node_modules/.orbit-lock"
  if [ ! -f "$stamp" ] || ! cmp -s "$e2e/package-lock.json" "$stamp"; then
    (cd "$e2e" && npm ci --no-audit --no-fund --loglevel=error)
    cp "$e2e/package-lock.json" "$stamp"
  fi
fi
echo "setup: ready"
