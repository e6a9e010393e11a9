#!/usr/bin/env bash
# `spinelab batch` end to end (ctest runs one case per test): determinism across threads and MPI
# ranks, SIGKILL then --resume, bad input, a full disk, and the Python example.
#   batch_cli_test.sh SPINELAB_BIN SOURCE_DIR CASE
set -euo pipefail
BIN=$(realpath "$1")
SRC=$(realpath "$2")
CASE=$3
PY=/usr/bin/python3
S=$SRC/scenarios
WORK=$(mktemp -d /tmp/spinelab-batch-XXXXXX)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
# short runs: the batch machinery is under test, not the techniques
SHORT=(--set run.duration_s=1.2)
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1  # CI runs as root
export OMPI_MCA_rmaps_base_oversubscribe=1                        # 2 ranks on a small machine

fail() { echo "FAIL: $*" >&2; exit 1; }
expect_exit() {  # expect_exit CODE OUTFILE command...
  local want=$1 out=$2
  shift 2
  set +e
  "$@" >"$out" 2>&1
  local got=$?
  set -e
  [ "$got" -eq "$want" ] || { cat "$out"; fail "'$*' exited $got, expected $want"; }
}
runs_in() {  # the number of runs /index lists
  $PY -c "import h5py,sys; print(len(h5py.File(sys.argv[1],'r')['index']))" "$1"
}

case "$CASE" in
determinism)
  # the same datasets whatever the thread count, and under mpirun with two ranks
  ARGS=("$S/seated_twist.toml" "$S/dead_hang.toml" "${SHORT[@]}" --sweep subject.body_mass_kg=60:90:3 -q)
  "$BIN" batch "${ARGS[@]}" -o j1.h5 -j 1 >/dev/null
  "$BIN" batch "${ARGS[@]}" -o j2.h5 -j 2 >/dev/null
  $PY "$SRC/tests/batch/compare_studies.py" j1.h5 j2.h5 || fail "-j 1 and -j 2 differ"
  [ "$(runs_in j1.h5)" -eq 6 ] || fail "expected 6 runs"
  if command -v mpirun >/dev/null; then
    # (sanitizer builds: no leak check under mpirun: OpenMPI's plugins keep allocations to exit
    # that LeakSanitizer cannot attribute; the runs above leak-check the same batch code)
    ASAN_OPTIONS="${ASAN_OPTIONS:-}${ASAN_OPTIONS:+:}detect_leaks=0" \
      mpirun -x ASAN_OPTIONS -np 2 "$BIN" batch "${ARGS[@]}" -o mpi.h5 -j 1 >mpi.out 2>&1 || { cat mpi.out; fail "mpirun batch failed"; }
    cat mpi.out
    grep -q "runs per rank: rank 0: [1-9][0-9]*, rank 1: [1-9]" mpi.out || fail "both ranks should have run some of the batch"
    $PY "$SRC/tests/batch/compare_studies.py" j1.h5 mpi.h5 || fail "mpirun -np 2 differs from -j 1"
  else
    fail "mpirun missing (scripts/install-deps.sh installs openmpi-bin)"
  fi
  ;;
kill_resume)
  # runs of ~0.3 s each: the kill lands part way whatever the machine is doing
  ARGS=("$S/seated_twist.toml" --set run.duration_s=4 --set run.dt_s=0.001 --sweep subject.body_mass_kg=60:95:8 -q -j 2)
  "$BIN" batch "${ARGS[@]}" -o k.h5 >/dev/null &
  pid=$!
  # kill once the study file lists a finished run and two run files exist: what is checked
  # below. (Waiting for the run files alone raced the study file's rewrite, which comes after a
  # run's file is renamed: with -j 2 both first runs can be on disk while the study file still
  # lists none.)
  $PY - k.h5 k.runs <<'EOF' || { kill -9 "$pid"; fail "the study file never listed a finished run"; }
import h5py, os, sys, time
end = time.monotonic() + 240
while time.monotonic() < end:
    try:
        shards = sum(n.endswith(".h5") for n in os.listdir(sys.argv[2]))
        with h5py.File(sys.argv[1], "r") as f:
            listed = len(f["index"])
        if listed >= 1 and shards >= 2:
            sys.exit(0)
    except (OSError, KeyError):
        pass  # (not created yet)
    time.sleep(0.01)
sys.exit(1)
EOF
  kill -9 "$pid"
  wait "$pid" 2>/dev/null || true
  done_before=$(ls k.runs | grep -c '\.h5$' || true)
  [ "$done_before" -ge 2 ] && [ "$done_before" -lt 8 ] || fail "kill came at $done_before of 8 runs (expected part way)"
  # every run the study file lists is complete and readable; none is half-written
  $PY - k.h5 <<'EOF' || fail "study file damaged by the kill"
import h5py, sys
f = h5py.File(sys.argv[1], "r")
ix = f["index"][()]
assert len(ix) >= 1, "no run recorded"
for name in ix["run"]:
    run = f["runs/" + name.decode()]
    assert run.attrs["status"] == "ok"
    assert run["levels/disc_shear"].shape[0] == run["time"].shape[0] > 500
print(f"after SIGKILL: {len(ix)} runs listed and readable")
EOF
  stat -c '%i %Y %n' k.runs/*.h5 | sort >before.txt
  "$BIN" batch "${ARGS[@]}" -o k.h5 --resume >resume.out 2>&1 || { cat resume.out; fail "resume failed"; }
  cat resume.out
  grep -q "batch: 8 runs ([0-9]* new, $done_before resumed): 8 ok, 0 failed" resume.out || fail "resume did not keep the $done_before finished runs"
  # the finished runs were not redone: same files (inode and time)
  stat -c '%i %Y %n' k.runs/*.h5 | sort | grep -F -f before.txt | wc -l | grep -qx "$done_before" || fail "finished runs were rewritten"
  ls k.runs | grep -q '\.tmp$' && fail "temporary files left behind"
  "$BIN" batch "${ARGS[@]}" -o clean.h5 >/dev/null
  $PY "$SRC/tests/batch/compare_studies.py" k.h5 clean.h5 || fail "killed and resumed batch differs from an uninterrupted one"
  ;;
damaged_shard)
  # a finished run's file damaged on disk (a file that crashes libhdf5, one that is not a run
  # file, one cut short) in place of a shard: --resume reads shards in a child process, says
  # which file and why, runs that run again and keeps the others; a damaged study file is refused
  # with its path (nothing lost), and --resume rebuilds it from the shards once it is moved away
  ARGS=("$S/seated_twist.toml" "${SHORT[@]}" --sweep subject.body_mass_kg=60,75,90 -q -j 1)
  H5LIB=$SRC/tests/fuzz/regressions/hdf5_library
  mkdir A
  "$BIN" batch "${ARGS[@]}" -o A/d.h5 >/dev/null
  mid=seated_twist__subject.body_mass_kg=75
  # a shard-shaped copy of a file on which libhdf5 faults reading a string attribute (H5Aread in
  # H5HG_read): its run group renamed to the shard's, its bad attribute renamed to the status the
  # row reader reads, the batch's spec added
  cp "$H5LIB/h5hg_read_memcpy_overlap.h5" crash.h5
  $PY - crash.h5 "A/d.runs/$mid.h5" "$mid" <<'EOF'
import h5py, sys
spec = h5py.File(sys.argv[2], "r").attrs["batch_spec"]
f = h5py.File(sys.argv[1], "r+")
f.attrs.create("batch_spec", spec, dtype=h5py.string_dtype("ascii"))
f.move("runs/seated_twist", "runs/" + sys.argv[3])
g = f["runs/" + sys.argv[3]]
del g.attrs["status"]
h5py.h5a.rename(g.id, b"overrides", b"status")
EOF
  # (the input is meaningful: read in process, that attribute kills the reader)
  set +e
  $PY -c "import h5py,sys; h5py.File(sys.argv[1],'r')['runs/'+sys.argv[2]].attrs['status']" crash.h5 "$mid" >/dev/null 2>&1
  got=$?
  set -e
  [ "$got" -ge 128 ] || fail "the crafted shard should crash libhdf5 in process (exit $got)"
  head -c 3000 "A/d.runs/seated_twist__subject.body_mass_kg=90.h5" >cut.h5
  for bad in crash.h5 "$H5LIB/h5hg_read_vlen_heap_id.h5" cut.h5; do
    rm -rf B && cp -r A B
    cp "$bad" "B/d.runs/$mid.h5"
    stat -c '%i %Y %n' B/d.runs/*.h5 | grep -v "$mid" | sort >before.txt
    expect_exit 0 out.txt "$BIN" batch "${ARGS[@]}" -o B/d.h5 --resume
    cat out.txt
    grep -qF "B/d.runs/$mid.h5: " out.txt && grep -q "; that run is run again" out.txt || fail "damaged shard $bad not reported with its path"
    if [ "$bad" = crash.h5 ]; then
      grep -q "damaged HDF5 file (the HDF5 library crashed reading it: signal" out.txt || fail "the library's crash is not said"
    fi
    grep -q "batch: 3 runs (1 new, 2 resumed): 3 ok, 0 failed" out.txt || fail "damaged shard $bad: not run again, or runs lost"
    stat -c '%i %Y %n' B/d.runs/*.h5 | grep -v "$mid" | sort | cmp -s - before.txt || fail "the good runs were rewritten"
    $PY "$SRC/tests/batch/compare_studies.py" A/d.h5 B/d.h5 || fail "resumed study differs from the original"
  done
  # the study file itself damaged (cut short): refused, named, left as it is; moved away,
  # --resume rebuilds it from the run files
  rm -rf B && cp -r A B
  head -c 3000 A/d.h5 >B/d.h5
  cp B/d.h5 cut_study.h5
  expect_exit 2 out.txt "$BIN" batch "${ARGS[@]}" -o B/d.h5 --resume
  cat out.txt
  grep -q "B/d.h5: -o: exists but cannot be read as a study file" out.txt || fail "damaged study file: $(cat out.txt)"
  grep -q "remove or move B/d.h5 and --resume again" out.txt || fail "no way forward said"
  cmp -s B/d.h5 cut_study.h5 || fail "the damaged study file was changed"
  rm B/d.h5
  expect_exit 0 out.txt "$BIN" batch "${ARGS[@]}" -o B/d.h5 --resume
  grep -q "batch: 3 runs (0 new, 3 resumed): 3 ok, 0 failed" out.txt || fail "study file not rebuilt from the shards: $(cat out.txt)"
  $PY "$SRC/tests/batch/compare_studies.py" A/d.h5 B/d.h5 || fail "rebuilt study differs"
  ;;
bad_input)
  ARGS=("$S/seated_twist.toml" "${SHORT[@]}" -q)
  "$BIN" batch "${ARGS[@]}" -o a.h5 >/dev/null
  expect_exit 2 out.txt "$BIN" batch "${ARGS[@]}" -o a.h5
  grep -q "a.h5: -o: exists; pass --resume" out.txt || fail "existing file: $(cat out.txt)"
  expect_exit 2 out.txt "$BIN" batch "${ARGS[@]}" --sweep subject.body_mass_kg=60,70 -o a.h5 --resume
  grep -q "made by a different batch" out.txt || fail "resume with other arguments: $(cat out.txt)"
  expect_exit 2 out.txt "$BIN" batch "${ARGS[@]}" --sweep subject.body_mass_kg=60:90 -o b.h5
  grep -q "must be start:stop:count" out.txt || fail "bad range: $(cat out.txt)"
  expect_exit 2 out.txt "$BIN" batch "${ARGS[@]}" --sweep subject.body_mass_kg=60:90:0 -o b.h5
  grep -q "count '0' must be a whole number" out.txt || fail "bad count: $(cat out.txt)"
  expect_exit 2 out.txt "$BIN" batch "${ARGS[@]}" --sweep subject.bogus_key=1,2 -o b.h5
  grep -q "subject.bogus_key" out.txt && grep -q "unknown key" out.txt || fail "unknown swept key: $(cat out.txt)"
  [ -e b.h5 ] && fail "a rejected batch must not create its file"
  expect_exit 2 out.txt "$BIN" batch "${ARGS[@]}" --samples 4 -o b.h5
  grep -q "needs at least one --sweep" out.txt || fail "samples without sweep: $(cat out.txt)"
  expect_exit 2 out.txt "$BIN" batch "${ARGS[@]}" -o /nonexistent/dir/s.h5
  grep -q "folder /nonexistent/dir does not exist" out.txt || fail "missing folder: $(cat out.txt)"
  expect_exit 2 out.txt "$BIN" batch "${ARGS[@]}" -o /proc/s.h5
  grep -q "cannot create the run folder /proc/s.runs" out.txt || fail "unwritable: $(cat out.txt)"
  # a value only part of the sweep cannot use: recorded as a failed run, the batch goes on
  expect_exit 3 out.txt "$BIN" batch "${ARGS[@]}" --sweep subject.body_mass_kg=75,20,90 -o c.h5
  cat out.txt
  grep -q "1 of 3 runs have a value their scenario does not allow" out.txt || fail "no warning for the bad value"
  grep -q "batch: 3 runs (3 new, 0 resumed): 2 ok, 1 failed" out.txt || fail "summary"
  $PY - c.h5 <<'EOF' || fail "failed run not recorded"
import h5py, sys
f = h5py.File(sys.argv[1], "r")
ix = f["index"][()]
st = [s.decode() for s in ix["status"]]
assert st == ["ok", "failed", "ok"], st
err = ix["error"][1].decode()
assert "subject.body_mass_kg" in err and "20" in err and "allowed" in err, err
run = f["runs/" + ix["run"][1].decode()]
assert run.attrs["status"] == "failed" and "allowed" in run.attrs["error"]
print("failed run recorded:", err)
EOF
  ;;
disk_full)
  # a file size limit stands in for a full disk: the write fails cleanly, what was there stays
  ARGS=("$S/seated_twist.toml" "${SHORT[@]}" --sweep subject.body_mass_kg=60:90:3 -q -j 1)
  "$BIN" batch "${ARGS[@]}" -o f.h5 >/dev/null
  rm f.runs/seated_twist__subject.body_mass_kg=90.h5
  set +e
  (trap '' XFSZ; ulimit -f 200; exec "$BIN" batch "${ARGS[@]}" -o f.h5 --resume) >out.txt 2>&1
  got=$?
  set -e
  cat out.txt
  [ "$got" -eq 4 ] || fail "exit $got, expected 4"
  grep -q "stopped: .*seated_twist__subject.body_mass_kg=90.h5.tmp.*File too large" out.txt || fail "message"
  grep -q "2 of 3 runs are safe in f.h5 (finish with --resume)" out.txt || fail "what is safe"
  ls f.runs | grep -q '\.tmp$' && fail "half-written file left behind"
  [ "$(runs_in f.h5)" -eq 2 ] || fail "the study file lost its runs"
  "$BIN" batch "${ARGS[@]}" -o f.h5 --resume >/dev/null
  [ "$(runs_in f.h5)" -eq 3 ] || fail "resume after the disk was freed"
  ;;
example)
  "$BIN" batch "$S/seated_twist.toml" "$S/dead_hang.toml" "${SHORT[@]}" --sweep subject.body_mass_kg=55,75,95 -q -o s.h5 >/dev/null
  $PY "$SRC/examples/plot_study.py" s.h5 -o s.png
  $PY - s.png <<'EOF' || fail "PNG"
import sys
import matplotlib.image as mpimg
img = mpimg.imread(sys.argv[1])
assert img.shape[0] >= 300 and img.shape[1] >= 600, img.shape
# two coloured series drawn (not a blank figure)
px = img[..., :3].reshape(-1, 3)
blue = ((px[:, 2] > 0.6) & (px[:, 0] < 0.3)).sum()
orange = ((px[:, 0] > 0.9) & (px[:, 1] > 0.4) & (px[:, 1] < 0.6) & (px[:, 2] < 0.2)).sum()
assert blue > 200 and orange > 200, (blue, orange)
print("plot has both scenarios:", blue, orange)
EOF
  h5dump -H s.h5 >dump.txt || fail "h5dump cannot read the study"
  grep -q 'DATASET "index"' dump.txt || fail "h5dump: no index"
  h5dump -d /runs/dead_hang__subject.body_mass_kg=55/levels/disc_shear s.h5 >/dev/null || fail "h5dump cannot follow a run link"
  $PY - s.h5 <<'EOF' || fail "pandas"
import sys
import h5py
import pandas as pd
f = h5py.File(sys.argv[1], "r")
df = pd.DataFrame(f["index"][()])
assert list(df.columns[:3]) == ["run", "scenario", "subject.body_mass_kg"], list(df.columns)
assert len(df) == 6 and (df["subject.body_mass_kg"].sort_values().unique() == [55, 75, 95]).all()
assert f.attrs["schema_version"] == 1 and "runs" in f.attrs["description"]
print(df[["scenario", "subject.body_mass_kg", "peak_disc_shear_N", "cavitations"]])
EOF
  ;;
*)
  fail "unknown case $CASE"
  ;;
esac
echo "PASS: $CASE"
