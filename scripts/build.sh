#!/usr/bin/env bash
# Builds Orbit. Usage: scripts/build.sh [native] [asan] [web] [fuzz]   (no argument: native and web)
#   native: build/       the server, the client core and the tests (cmake -S . -B build)
#   asan:   build-asan/  the same with AddressSanitizer and UndefinedBehaviorSanitizer
#   web:    build-web/   the browser client: build-web/web/{index.html,orbit.js,orbit.wasm}
#   fuzz:   build-fuzz/  the libFuzzer targets of tests/fuzz, with clang-14 (scripts/fuzz.sh runs them)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
command -v ninja >/dev/null && export CMAKE_GENERATOR=Ninja
command -v ccache >/dev/null && launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache) || launcher=()
jobs="$(nproc)"

[ "$#" -gt 0 ] || set -- native web
for target in "$@"; do
  case "$target" in
    native)
      cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo "${launcher[@]}" >/dev/null
      cmake --build build -j "$jobs" ;;
    asan)
      cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DORBIT_SANITIZE=ON "${launcher[@]}" >/dev/null
      cmake --build build-asan -j "$jobs" ;;
    web)
      cmake -S . -B build-web -DCMAKE_TOOLCHAIN_FILE=emsdk-toolchain.cmake -DCMAKE_BUILD_TYPE=Release >/dev/null
      cmake --build build-web -j "$jobs" ;;
    fuzz)
      CC=clang-14 CXX=clang++-14 cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Debug -DORBIT_FUZZ=ON "${launcher[@]}" >/dev/null
      cmake --build build-fuzz -j "$jobs" --target orbit-fuzz ;;
    *) echo "build.sh: unknown target '$target' (native, asan, web, fuzz)" >&2; exit 2 ;;
  esac
done
