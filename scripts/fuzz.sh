#!/usr/bin/env bash
# Runs a libFuzzer target of tests/fuzz for a while: scripts/fuzz.sh TARGET SECONDS
#   TARGET: decode, payloads, chat_manager, http_api, client_manager, or all (each in turn)
# Builds build-fuzz/ first when needed (scripts/build.sh fuzz: clang-14, ASan + UBSan).
# Starts from the seeds in tests/fuzz/corpus/TARGET/ and what earlier runs found
# (build-fuzz/fuzz/TARGET/corpus/), and prints executions, execs/s and coverage (cov: edges,
# ft: features). Fails on any crash, sanitizer report, timeout, leak or out-of-memory: the input
# is saved under build-fuzz/fuzz/TARGET/crashes/ and printed; replay it with
#   build-fuzz/tests/fuzz/fuzz_TARGET build-fuzz/fuzz/TARGET/crashes/<file>
# Extra arguments after SECONDS go to libFuzzer (e.g. -runs=10000000, -max_len=8192); with
# -jobs=N, N processes share the corpus and the summary adds them up.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
targets=(decode payloads chat_manager http_api client_manager)

if [ "$#" -lt 2 ]; then
  echo "usage: scripts/fuzz.sh TARGET SECONDS [libFuzzer options]   (TARGET: ${targets[*]} or all)" >&2
  exit 2
fi
target="$1" seconds="$2"
shift 2
if [ "$target" = all ]; then
  run=("${targets[@]}")
else
  [[ " ${targets[*]} " == *" $target "* ]] || { echo "fuzz.sh: unknown target '$target' (${targets[*]} or all)" >&2; exit 2; }
  run=("$target")
fi

scripts/build.sh fuzz

# malloc_context_size=0: AddressSanitizer still finds every bad access, but does not record the
# stack of each allocation, which took a seventh of the stateful targets' time; a crash is
# replayed below with the stacks, for its report.
asan_report="abort_on_error=1:detect_leaks=1:allocator_may_return_null=1"
export ASAN_OPTIONS="${ASAN_OPTIONS:-$asan_report:malloc_context_size=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
failed=()
summary=()
# -jobs=N (libFuzzer's): N processes on one corpus, each running the whole -runs or time, as many
# at once as -workers says (here N unless given). Each writes its own log, fuzz-JOB.log, beside
# log; the summary adds up their executions and execs/s.
jobs="$(printf '%s\n' "$@" | sed -n 's/^-jobs=//p' | tail -1)"
extra=("$@")
if [ -n "$jobs" ] && ! printf '%s\n' "$@" | grep -q '^-workers='; then extra+=(-workers="$jobs"); fi
sum() { awk '{ s += $1 } END { if (NR) printf "%d", s }'; }
for t in "${run[@]}"; do
  work="$root/build-fuzz/fuzz/$t"
  mkdir -p "$work/corpus" "$work/crashes"
  rm -f "$work"/fuzz-*.log
  options=(-max_total_time="$seconds" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048
           -artifact_prefix="$work/crashes/")
  [ "$t" = http_api ] && dict=http.dict || dict=protocol.dict
  options+=(-dict="$root/tests/fuzz/$dict")
  # The two stateful targets see tens of thousands of features; libFuzzer's entropic schedule
  # then spends more time weighing them than running the target (2.4x fewer execs/s here).
  [[ "$t" == *_manager ]] && options+=(-entropic=0)
  echo "== fuzz $t for ${seconds}s${jobs:+, $jobs jobs}"
  started=$SECONDS
  status=0
  # New inputs go to the first folder; the seeds in the repository stay as they are. It runs in
  # $work, where -jobs puts its logs.
  (cd "$work" && "$root/build-fuzz/tests/fuzz/fuzz_$t" "${options[@]}" "${extra[@]}" "$work/corpus" "$root/tests/fuzz/corpus/$t") \
    >"$work/log" 2>&1 || status=$?
  elapsed=$((SECONDS - started))
  logs=("$work/log")
  [ -n "$jobs" ] && logs=("$work"/fuzz-*.log)
  runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "${logs[@]}" | sum)"
  rate="$(sed -n 's/^stat::average_exec_per_sec: *//p' "${logs[@]}" | sum)"
  cov="" ft=""
  for log in "${logs[@]}"; do  # the furthest any job got
    last="$(grep -E '^#[0-9]+' "$log" | tail -1 || true)"
    c="$(grep -oE 'cov: [0-9]+' <<<"$last" | grep -oE '[0-9]+' || true)"
    f="$(grep -oE 'ft: [0-9]+' <<<"$last" | grep -oE '[0-9]+' || true)"
    [ -n "$c" ] && [ "$c" -gt "${cov:-0}" ] && cov="$c"
    [ -n "$f" ] && [ "$f" -gt "${ft:-0}" ] && ft="$f"
  done
  line="$t: ${runs:-?} executions in ${elapsed}s, ${rate:-?} execs/s, cov: ${cov:-?}, ft: ${ft:-?}"
  if [ "$status" -ne 0 ] || grep -qE '^==[0-9]+==ERROR|runtime error:|invariant broken' "${logs[@]}"; then
    failed+=("$t")
    line="$line — FAILED"
    for log in "${logs[@]}"; do
      echo "fuzz $t failed (exit $status); the end of its log ($log):" >&2
      tail -60 "$log" >&2
    done
    for crash in $(grep -hoE "Test unit written to [^ ]+" "${logs[@]}" | sed 's/Test unit written to //'); do
      echo "-- $crash (base64):" >&2
      base64 -w 100 "$crash" | head -40 >&2
      echo "-- $crash replayed, with the stacks of allocations:" >&2
      ASAN_OPTIONS="$asan_report" "build-fuzz/tests/fuzz/fuzz_$t" "$crash" 2>&1 | tail -80 >&2 || true
    done
  fi
  summary+=("$line")
  echo "$line"
done

[ "${#run[@]}" -eq 1 ] || { echo "== fuzz summary"; printf '%s\n' "${summary[@]}"; }
if [ "${#failed[@]}" -gt 0 ]; then
  echo "fuzz: ${failed[*]} failed" >&2
  exit 1
fi
