#!/usr/bin/env bash
# README command 2: set up a fresh Debian 12 machine, build everything and run every test:
# the native suite (unit + integration against a real orbit-server), the same suite under
# AddressSanitizer + UndefinedBehaviorSanitizer, the browser end-to-end tests in
# headless Chromium and Firefox ESR, and each libFuzzer target briefly (ORBIT_FUZZ_SECONDS each, 20 by default).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# Each step says how long it took: CI's budget for all of them is 50 minutes.
step_started=$SECONDS
step() {
  [ -z "${step_name:-}" ] || echo "== $step_name: $((SECONDS - step_started)) s"
  step_name="$1"; step_started=$SECONDS
  [ -z "$step_name" ] || echo "== $step_name"
}
trap 'step ""; echo "== all steps: $SECONDS s"' EXIT  # also when a step fails
step "set-up"
"$root/scripts/setup.sh"

step "native build and tests"
scripts/build.sh native
ctest --test-dir build --output-on-failure -j "$(nproc)"

step "deployment configs"
ORBIT_SERVER_BIN="$root/build/server/orbit-server" ORBIT_BOT_BIN="$root/build/bindings/native/orbit-bot" \
  tests/deploy/run.sh

step "sanitizer build and tests (ASan + UBSan)"
scripts/build.sh asan
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j "$(nproc)" \
  -E "at the open-file limit clients that come and go|out of file descriptors the server pauses accepting|cmake --install --strip|^soak/"
# Those run natively only. The soak (tests/soak, 60 s alone) checks RSS, which ASan's quarantine
# of freed memory would swell, and CI's time has room for one run of it. The two at the
# open-file limit: with every descriptor taken, the sanitizers' own runtime has none left:
# UBSan's vptr check reads memory through a pipe (sanitizer_common's IsAccessibleMemoryRange),
# cannot open one, reports "invalid vptr ... memory cannot be printed" on the first log line at
# the limit, and halts the server. The install test checks the size of a stripped release
# binary, which a sanitizer build is not.

step "web build and browser end-to-end tests"
scripts/build.sh web
ORBIT_SERVER_BIN="$root/build/server/orbit-server" ORBIT_WEB_ROOT="$root/build-web/web" \
  node --test tests/e2e/

step "fuzzing: each libFuzzer target for ${ORBIT_FUZZ_SECONDS:-20} s (docs/robustness.md)"
scripts/fuzz.sh all "${ORBIT_FUZZ_SECONDS:-20}"
