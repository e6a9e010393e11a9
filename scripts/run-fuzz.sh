#!/usr/bin/env bash
# Runs the three libFuzzer targets of BUILD_DIR for SECONDS each (`make fuzz`, docs/reliability.md).
# Seeds: the shipped scenarios and the bad-input test files (with a few --set overrides), the
# model files, and short results files written by SPINELAB (the normal build's); plus every
# regression input found so far. A crash stops with its input in BUILD_DIR/fuzz/artifacts/
# (add it to tests/fuzz/regressions/<target>/ once fixed). Prints the executions per target.
set -euo pipefail
BUILD=${1:?usage: run-fuzz.sh BUILD_DIR SECONDS [SPINELAB]}
SECONDS_EACH=${2:-60}
BIN=${3:-build/bin/spinelab}
SRC=$(cd "$(dirname "$0")/.." && pwd)
W=$BUILD/fuzz
rm -rf "$W/seeds" && mkdir -p "$W"/seeds/{scenario,model,run_file} "$W"/corpus/{scenario,model,run_file} "$W/artifacts"

# scenario seeds: each file alone, and with overrides after a NUL (fuzz_entry.h)
for f in "$SRC"/scenarios/*.toml "$SRC"/tests/testdata/scenarios/*.toml; do
  cp "$f" "$W/seeds/scenario/$(basename "$f")"
done
printf '%s\0subject.body_mass_kg=60\0load.0.body="T13"\0object.0.touch=T99' "$(cat "$SRC/scenarios/chair_twist.toml")" \
  > "$W/seeds/scenario/chair_twist_set.bin"
printf '%s\0protocol.per_day=3\0load.0.torque_Nm=[0,0,1e400]' "$(cat "$SRC/scenarios/repeated_popping.toml")" \
  > "$W/seeds/scenario/repeated_popping_set.bin"
cp "$SRC"/models/*.toml "$W/seeds/model/"

# results seeds: an ordinary run, a failed one and a protocol, each short
"$BIN" run "$SRC/scenarios/seated_twist.toml" --set run.duration_s=0.02 --set run.settle_s=0 --set run.output_rate_Hz=100 \
  -o "$W/seeds/run_file/ordinary.h5" --overwrite >/dev/null
"$BIN" run "$SRC/scenarios/thoracic_thrust.toml" --set run.duration_s=0.02 --set run.settle_s=0 --set run.output_rate_Hz=100 \
  -o "$W/seeds/run_file/pad.h5" --overwrite >/dev/null

status=0
for t in ${FUZZ_TARGETS:-scenario model run_file}; do  # (FUZZ_TARGETS=run_file: that one only)
  log=$W/$t.log
  # run_file: libhdf5 itself crashes on some damaged files (tests/fuzz/regressions/hdf5_library/):
  # fork mode goes on past them, so the whole FUZZ_S is fuzzed; each crash is kept as an artifact
  # and sorted below (a fault inside libhdf5 that the isolated reader contains, or spinelab's)
  extra=()
  [ "$t" = run_file ] && extra=(-fork=1 -ignore_crashes=1 -ignore_ooms=1)
  before=$(ls "$W/artifacts" | grep -v -c 'slow-unit' || true)
  set +e
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    LSAN_OPTIONS=suppressions=$SRC/tests/lsan.supp \
    "$BUILD/bin/fuzz_$t" "${extra[@]}" -max_total_time="$SECONDS_EACH" -print_final_stats=1 -timeout=20 -rss_limit_mb=4096 \
    -max_len=262144 -artifact_prefix="$W/artifacts/${t}-" \
    "$W/corpus/$t" "$W/seeds/$t" "$SRC/tests/fuzz/regressions/$t" >"$log" 2>&1
  rc=$?
  set -e
  # (fork mode prints no final stats: its last status line counts the executions)
  execs=$(grep -a -m1 'stat::number_of_executed_units' "$log" | awk '{print $2}' || true)
  [ -z "$execs" ] && execs=$(grep -a -o '^#[0-9]*' "$log" | tail -1 | tr -d '#' || true)
  # a slow unit (over 10 s, reported by libFuzzer) is no fault: the -timeout=20 one is
  found=$(( $(ls "$W/artifacts" | grep -v -c 'slow-unit' || true) - before ))
  contained=0
  if [ "$t" = run_file ] && [ $found -gt 0 ]; then
    # each input replayed alone: where it faults (the first frame past the sanitizer's and the
    # allocator's), and what `spinelab rerun` (the reader in a child process) makes of it
    mkdir -p "$W/replay"
    for a in $(ls -t "$W/artifacts" | grep -v 'slow-unit' | head -n $found); do
      r=$W/replay/$a
      a=$W/artifacts/$a
      ASAN_OPTIONS=detect_leaks=1:fast_unwind_on_malloc=0 LSAN_OPTIONS=suppressions=$SRC/tests/lsan.supp "$BUILD/bin/fuzz_run_file" -rss_limit_mb=4096 -timeout=20 "$a" >"$r.replay" 2>&1 || true
      frame=$(grep -a -E '^ +#[0-9]+ ' "$r.replay" | grep -a -v -E ' in (malloc|calloc|realloc|free|operator new|__asan|__sanitizer|__interceptor|__ubsan|__lsan|fuzzer::|memcpy|memmove|memset|strlen|__memcpy|__memmove|__memset|_start|__libc)' | head -1 || true)
      set +e
      timeout 300 "$BIN" rerun "$a" -o "$W/contained.h5" --overwrite >"$r.rerun" 2>&1
      rerun=$?
      set -e
      # a leak: the allocation's first spinelab frame is shown (a failed H5Fopen or H5Dread leaks
      # inside the library; memory it handed to spinelab would be spinelab's to free)
      ours=0
      leak_at=
      if grep -q 'LeakSanitizer' "$r.replay"; then
        leak_at=$(grep -a -o -E 'in spinelab::[A-Za-z_:]+' "$r.replay" | head -1 || true)
        [ -z "$leak_at" ] && ours=1
      fi
      if [ $ours -eq 0 ] && echo "$frame" | grep -q 'libhdf5' && [ $rerun -lt 124 ] && ! grep -q 'Sanitizer' "$r.rerun"; then
        contained=$((contained + 1))
        echo "  $(basename "$a"): inside libhdf5 ($(echo "$frame" | sed -E 's/.* in ([^ ]+).*/\1/' | cut -c1-60)${leak_at:+, a leak below $leak_at}); spinelab rerun: exit $rerun, $(head -c 160 "$r.rerun" | tr '\n' ' ')"
      else
        echo "  $(basename "$a"): NOT contained: ${frame:-no fault on replay}; spinelab rerun: exit $rerun"
      fi
    done
  fi
  [ $found -gt $contained ] && rc=1
  if [ $rc -eq 0 ] || { [ "$t" = run_file ] && [ $found -gt 0 ] && [ $found -eq $contained ]; }; then
    rc=0
    if [ $contained -gt 0 ]; then
      echo "fuzz_$t: clean in spinelab's code, ${execs:-?} executions in ${SECONDS_EACH} s; $contained inputs fault inside libhdf5, each an error of the isolated reader (above)"
    else
      echo "fuzz_$t: clean, ${execs:-?} executions in ${SECONDS_EACH} s"
    fi
  else
    echo "fuzz_$t: FAILED (exit $rc, $found new artifacts) after ${execs:-?} executions; see $log and $W/artifacts/"
    grep -m3 'ERROR\|SUMMARY\|Test unit written' "$log" || true
    status=1
  fi
done
exit $status
