"""Tests of the Python module (docs/python.md), run by ctest with /usr/bin/python3:

    PYTHONPATH=build/python SPINELAB_BIN=build/bin/spinelab /usr/bin/python3 -m unittest tests/python/test_spinelab.py

The CLI (SPINELAB_BIN) is the reference: the module must give what it writes, bit for bit."""
import concurrent.futures
import os
import pydoc
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import unittest

import h5py
import numpy as np
import pandas as pd

import spinelab

SRC = os.environ.get("SPINELAB_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.environ.get("SPINELAB_BIN", os.path.join(SRC, "build", "bin", "spinelab"))
SCENARIOS = os.path.join(SRC, "scenarios")
TESTDATA = os.path.join(SRC, "tests", "testdata", "scenarios")
TWIST = os.path.join(SCENARIOS, "seated_twist.toml")
HANG = os.path.join(SCENARIOS, "dead_hang.toml")
THRUST = os.path.join(SCENARIOS, "lumbar_side_posture_thrust.toml")  # pops (events), pads


def cli(*args, check=True):
    p = subprocess.run([BIN, *args], capture_output=True, text=True)
    if check and p.returncode not in (0, 3):
        raise AssertionError(f"spinelab {' '.join(args)}: exit {p.returncode}\n{p.stderr}")
    return p


def same_bits(a, b):
    """Equal dtype kind, shape and every byte (NaN == NaN, -0 != +0)."""
    a, b = np.asarray(a), np.asarray(b)
    if a.dtype.kind in "OSU" or b.dtype.kind in "OSU":
        dec = lambda x: [v.decode() if isinstance(v, bytes) else v for v in x.ravel()]  # noqa: E731
        return a.shape == b.shape and dec(a) == dec(b)
    return a.shape == b.shape and a.dtype == b.dtype and a.tobytes() == b.tobytes()


def datasets(group):
    out = {}
    group.visititems(lambda name, obj: out.__setitem__(name, obj) if isinstance(obj, h5py.Dataset) else None)
    return out


def attrs(obj, skip=()):
    return {k: (v.decode() if isinstance(v, bytes) else v) for k, v in obj.attrs.items() if k not in skip}


class Tmp(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="spinelab_py_", dir=os.environ.get("SPINELAB_TEST_TMP"))

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def path(self, name):
        return os.path.join(self.dir, name)

    @staticmethod
    def read(path):
        with open(path, "rb") as f:
            return f.read()


class CliIdentity(Tmp):
    """run() equals `spinelab run -o`, bit for bit; save() writes the CLI's file; load() reads it."""

    def check_scenario(self, scenario, overrides, cli_set):
        r = spinelab.run(scenario, overrides=overrides)
        out = self.path("cli.h5")
        cli("run", scenario, "-o", out, "--overwrite", *sum((["--set", s] for s in cli_set), []))
        saved = r.save(self.path("py.h5"))
        with h5py.File(out, "r") as c, h5py.File(saved, "r") as p:
            run = r.run
            cds, pds = datasets(c["runs/" + run]), datasets(p["runs/" + run])
            self.assertEqual(sorted(cds), sorted(pds))
            self.assertEqual(sorted(cds), sorted(r.keys()), "every dataset of the file, and only those")
            for name, d in cds.items():
                self.assertTrue(same_bits(d[()], r[name]), f"{run}: {name} differs from the CLI's")
                self.assertTrue(same_bits(d[()], pds[name][()]), f"{run}: saved {name} differs")
                self.assertEqual(attrs(d), attrs(pds[name]), name)
                self.assertEqual(r.units[name], attrs(d).get("units", "-"), name)
            # the run's attributes: all the same but the wall time
            self.assertEqual(attrs(c["runs/" + run], skip=("wall_time_s",)), attrs(p["runs/" + run], skip=("wall_time_s",)))
            self.assertEqual(attrs(c), attrs(p))
        # the file read back is the run
        back = spinelab.load(out, run=r.run)
        self.assertEqual(back.file, out)
        with h5py.File(out, "r") as c:
            self.assertEqual(back.attrs, attrs(c["runs/" + run]), "attrs are the file's")
        for name in r.keys():
            self.assertTrue(same_bits(back[name], r[name]), name)
        self.assertEqual(back.model_text, r.model_text)
        self.assertTrue(back.model_text.strip(), "the model is stored")
        # and written again it is the same file (the wall time kept too)
        again = back.save(self.path("again.h5"))
        with h5py.File(out, "r") as c, h5py.File(again, "r") as a:
            for name, d in datasets(c).items():
                self.assertTrue(same_bits(d[()], a[name][()]), name)
            self.assertEqual(attrs(c["runs/" + run]), attrs(a["runs/" + run]))
        return r

    def test_seated_twist_with_overrides(self):
        r = self.check_scenario(TWIST, {"subject.body_mass_kg": 60, "run.duration_s": 2.5},
                                ["subject.body_mass_kg=60", "run.duration_s=2.5"])
        self.assertEqual(r.attrs["overrides"], "subject.body_mass_kg=60\nrun.duration_s=2.5\n")
        self.assertEqual(r.attrs["parameters"], '{"subject.body_mass_kg": "60", "run.duration_s": "2.5"}')
        # the run again from its own attributes, on its own model
        again = spinelab.run(r.attrs["scenario_text"], overrides=r.attrs["overrides"], model=r, name=r.run)
        self.assertTrue(same_bits(again["levels/disc_shear"], r["levels/disc_shear"]))
        self.assertEqual(r["levels/disc_shear"].shape, (len(r.time), len(r["levels/name"])))
        self.assertEqual(r.units["levels/disc_shear"], "N")
        self.assertEqual(r.status, "ok")

    def test_thrust_pops(self):
        r = self.check_scenario(THRUST, None, [])
        self.assertGreater(len(r.events), 0, "the side-posture thrust pops")
        self.assertEqual(list(r.events.columns), ["time", "facet_index", "facet_name", "gap_jump", "sound_peak"])
        self.assertEqual(r.events.attrs["units"]["gap_jump"], "m")
        self.assertEqual(r["events/cavitation/sound"].shape[0], len(r.events))

    def test_an_unstable_run_is_data_not_an_exception(self):
        # a 999 N m twist on the head throws the body: status failed, the record up to then
        # (worlds_greatest_stretch: its load is a torque; seated_twist's is a drive, issue 21)
        r = self.check_scenario(os.path.join(SCENARIOS, "worlds_greatest_stretch.toml"),
                                {"load.0.torque_Nm": [0, 0, 999], "load.0.body": '"head"'},
                                ["load.0.torque_Nm=[0,0,999]", 'load.0.body="head"'])
        self.assertEqual(r.status, "failed")
        self.assertTrue(r.error.startswith("unstable at t = "), r.error)
        self.assertGreater(len(r.time), 1)

    def test_model_of_a_stored_run(self):
        # the model stored with a run, from the file (FILE.h5:RUN) and from its Result
        short = {"run.duration_s": 0.5}
        r = spinelab.run(HANG, overrides=short)
        f = r.save(self.path("hang.h5"))
        a = spinelab.run(TWIST, overrides=short, model=f + ":dead_hang")
        b = spinelab.run(TWIST, overrides=short, model=r)
        c = spinelab.run(TWIST, overrides=short)
        self.assertTrue(same_bits(a["bodies/position"], c["bodies/position"]))
        self.assertTrue(same_bits(b["bodies/position"], c["bodies/position"]))
        self.assertEqual(a.attrs["model_file"], f + ":dead_hang")

    def test_summary_and_text(self):
        with open(TWIST) as f:
            text = f.read()
        r = spinelab.run(text, overrides={"run.duration_s": 2.5}, name="seated_twist")
        s = r.summary
        self.assertIsInstance(s, pd.DataFrame)
        self.assertEqual(list(s.index), list(r["levels/name"]))
        self.assertIn("peak_axial_rotation_rad", s.columns)
        self.assertEqual(s.attrs["units"]["peak_disc_shear_N"], "N")
        self.assertGreater(s["peak_axial_rotation_rad"].max(), 0.005, "a twist turns the levels")
        self.assertEqual(r.attrs["scenario_text"], text)

    def test_drive_torque_per_sample_and_per_drive(self):
        # seated_twist is a drive (issue 21): its servo's torque per sample, in the world frame and
        # about its axis, never above its cap; the drives table sums it up; a run without drives has none
        r = spinelab.run(TWIST, overrides={"run.duration_s": 2.5})
        T = len(r.time)
        names = list(r["drives/name"])
        self.assertEqual(len(names), 1)
        tau_W, tau = r["drives/torque"], r["drives/torque_about_axis"]
        self.assertEqual(tau_W.shape, (T, 1, 3))
        self.assertEqual(r.units["drives/torque"], "N*m")
        self.assertEqual(r["drives/saturated"].shape, (T, 1))
        np.testing.assert_allclose(np.linalg.norm(tau_W, axis=2), np.abs(tau), atol=1e-9)
        self.assertTrue(np.all(np.abs(tau) <= r["drives/torque_limit"] + 1e-12))
        self.assertGreater(np.abs(tau).max(), 1.0, "it turns the trunk by 2.5 s")
        d = r.drives
        self.assertEqual(list(d.index), names)
        self.assertAlmostEqual(d.loc[names[0], "peak_torque_Nm"], np.abs(tau).max())
        self.assertAlmostEqual(d.loc[names[0], "peak_rotation_rad"], r["drives/rotation"].max())
        self.assertEqual(d.attrs["units"]["limit_Nm"], "N*m")
        self.assertEqual(d.attrs["units"]["saturated_s"], "s")
        hang = spinelab.run(HANG, overrides={"run.duration_s": 0.2})
        self.assertNotIn("drives/torque", hang.keys())
        self.assertEqual(len(hang.drives), 0)


class Errors(Tmp):
    """Python exceptions with the CLI's messages; nothing crashes the interpreter."""

    def cli_error(self, *args):
        p = cli(*args, check=False)
        self.assertEqual(p.returncode, 2, p.stderr)
        return p.stderr

    def test_bad_override_carries_the_cli_message(self):
        with self.assertRaises(spinelab.ScenarioError) as e:
            spinelab.run(TWIST, overrides={"subject.body_mass_kg": 20})
        self.assertEqual(e.exception.key, "subject.body_mass_kg")
        self.assertEqual(e.exception.override, "subject.body_mass_kg=20")
        self.assertEqual(e.exception.file, TWIST)
        self.assertIn(str(e.exception), self.cli_error("run", TWIST, "--set", "subject.body_mass_kg=20"))
        self.assertIn("20", str(e.exception))

    def test_unknown_key(self):
        with self.assertRaises(spinelab.ScenarioError) as e:
            spinelab.run(TWIST, overrides=["subject.no_such_key=1"])
        self.assertIn("no_such_key", str(e.exception))

    def test_bad_body_names_file_line_key(self):
        f = os.path.join(TESTDATA, "bad_body.toml")
        with self.assertRaises(spinelab.ScenarioError) as e:
            spinelab.run(f)
        self.assertEqual(e.exception.file, f)
        self.assertEqual(e.exception.line, 7)
        self.assertEqual(e.exception.key, "load.0.body")
        self.assertIn("T13", str(e.exception))
        self.assertIn(str(e.exception), self.cli_error("run", f))

    def test_syntax_error_and_missing_file(self):
        with self.assertRaises(spinelab.ScenarioError) as e:
            spinelab.run(os.path.join(TESTDATA, "syntax.toml"))
        self.assertIsNotNone(e.exception.line)
        missing = self.path("nope.toml")
        with self.assertRaises(spinelab.ScenarioError) as e:
            spinelab.run(missing)
        self.assertIn("nope.toml", str(e.exception))
        with self.assertRaises(spinelab.ScenarioError):
            spinelab.Simulation(missing)

    def test_model_errors(self):
        with self.assertRaises(spinelab.ModelError):
            spinelab.run(TWIST, model=self.path("no_model.toml"))
        bad = self.path("bad_model.toml")
        with open(bad, "w") as f:
            f.write("this is = = not toml\n")
        with self.assertRaises(spinelab.ModelError) as e:
            spinelab.run(TWIST, model=bad)
        self.assertEqual(e.exception.file, bad)

    def test_results_errors(self):
        r = spinelab.run(TWIST, overrides={"run.duration_s": 0.2})
        f = r.save(self.path("x.h5"))
        before = self.read(f)
        with self.assertRaises(spinelab.ResultsError) as e:
            r.save(f)
        self.assertIn("overwrite=True", str(e.exception))
        self.assertEqual(self.read(f), before, "the old file is as it was")
        r.save(f, overwrite=True)
        with self.assertRaises(spinelab.ResultsError):
            r.save(self.path("no/such/folder/x.h5"))
        with self.assertRaises(spinelab.ResultsError) as e:
            spinelab.load(f, run="dead_hang")
        self.assertIn("seated_twist", str(e.exception), "the message lists the runs there")
        with self.assertRaises(spinelab.ResultsError):
            spinelab.load(os.path.join(TESTDATA, "bad_body.toml"))
        with self.assertRaises(KeyError):
            r["levels/no_such_dataset"]

    def test_simulation_errors(self):
        sim = spinelab.Simulation(TWIST, overrides={"run.duration_s": 0.1})
        with self.assertRaises(KeyError):
            sim.apply("T13", torque_Nm=(0, 0, 1))
        with self.assertRaises(IndexError):
            sim.apply(10_000)
        with self.assertRaises(ValueError):
            sim.apply("T1", force_N=(float("nan"), 0, 0))
        with self.assertRaises(ValueError):
            sim.step(-1)


class DamagedFiles(Tmp):
    """A results file that crashes libhdf5 itself (tests/fuzz/regressions/hdf5_library/), or a
    damaged copy of a good one, is a ResultsError naming the file: the interpreter goes on."""

    LIBRARY = os.path.join(SRC, "tests", "fuzz", "regressions", "hdf5_library")

    def test_files_that_crash_libhdf5_are_results_errors(self):
        files = sorted(os.path.join(self.LIBRARY, f) for f in os.listdir(self.LIBRARY) if f.endswith(".h5"))
        self.assertEqual(len(files), 7)
        for f in files:
            with self.subTest(f):
                with self.assertRaises(spinelab.ResultsError) as e:
                    spinelab.load(f)  # the runs listed, then the one run read
                self.assertIn(f, str(e.exception))
                if os.path.basename(f).startswith("h5hg_"):  # SIGSEGV inside libhdf5 (the 4 GB one: an unreadable dataset)
                    self.assertIn("damaged HDF5 file (the HDF5 library crashed reading it: signal 11", str(e.exception))
                for run in ("seated_twist", "thoracic_thrust"):
                    with self.assertRaises(spinelab.ResultsError) as e:
                        spinelab.load(f, run=run)
                    self.assertIn(f, str(e.exception))
        # and from a thread, as from the main one (the reader's child is forked from it)
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            errors = list(pool.map(lambda f: self.assertRaises(spinelab.ResultsError, spinelab.load, f), files))
        self.assertEqual(len(errors), 7)

    def test_a_cut_or_changed_copy_is_read_or_refused(self):
        r = spinelab.run(TWIST, overrides={"run.duration_s": 0.05, "run.settle_s": 0})
        good = self.read(r.save(self.path("good.h5")))
        for k in range(24):
            b = bytearray(good)
            if k < 4:
                b = b[: len(b) * (k + 1) // 5]
            else:
                at = k * len(b) // 25 + 7
                b[at] ^= 0x5A
            p = self.path(f"bad{k}.h5")
            with open(p, "wb") as f:
                f.write(b)
            try:
                spinelab.load(p, run="seated_twist")
            except spinelab.SpinelabError as e:  # ResultsError; ScenarioError for a byte of the stored scenario text
                self.assertIn(p, str(e))


class Batch(Tmp):
    """batch() is `spinelab batch`: the same study file, /index as a DataFrame, --resume."""

    ARGS = dict(sweep={"subject.body_mass_kg": (55, 85, 2)}, overrides={"run.duration_s": 1.5})

    def test_batch_equals_cli_and_resumes(self):
        out = self.path("study.h5")
        df = spinelab.batch([TWIST, HANG], jobs=2, out=out, **self.ARGS)
        self.assertIsInstance(df, pd.DataFrame)
        self.assertEqual(len(df), 4)
        self.assertEqual(list(df["status"]), ["ok"] * 4)
        self.assertEqual(list(df["subject.body_mass_kg"]), [55.0, 85.0, 55.0, 85.0])
        self.assertEqual(df.attrs["units"]["peak_disc_shear_N"], "N")
        ref = self.path("cli.h5")
        cli("batch", TWIST, HANG, "--sweep", "subject.body_mass_kg=55:85:2", "--set", "run.duration_s=1.5",
            "-o", ref, "-j", "1", "-q")
        cdf = spinelab.read_index(ref)
        pd.testing.assert_frame_equal(df, cdf)
        with h5py.File(out, "r") as p, h5py.File(ref, "r") as c:
            for run in df["run"]:
                for name, d in datasets(c["runs/" + run]).items():
                    self.assertTrue(same_bits(d[()], p["runs/" + run][name][()]), f"{run}: {name}")
        # an existing study: an error unless resume (nothing left to run) or overwrite
        with self.assertRaises(spinelab.BatchError) as e:
            spinelab.batch([TWIST, HANG], jobs=2, out=out, **self.ARGS)
        self.assertIn("--resume", str(e.exception))
        mtimes = {f: os.path.getmtime(os.path.join(self.path("study.runs"), f)) for f in os.listdir(self.path("study.runs"))}
        again = spinelab.batch([TWIST, HANG], jobs=2, out=out, resume=True, **self.ARGS)
        pd.testing.assert_frame_equal(df, again)
        self.assertEqual(mtimes, {f: os.path.getmtime(os.path.join(self.path("study.runs"), f)) for f in mtimes},
                         "resume runs nothing again")
        # a resume of a half-done study runs only the rest
        os.remove(os.path.join(self.path("study.runs"), df["run"][3] + ".h5"))
        spinelab.batch([TWIST, HANG], jobs=1, out=self.path("half.h5"), **dict(self.ARGS, sweep={"subject.body_mass_kg": [55]}))
        with self.assertRaises(spinelab.BatchError):  # a different batch
            spinelab.batch([TWIST, HANG], out=self.path("half.h5"), resume=True, **self.ARGS)

    def test_bad_sweep(self):
        with self.assertRaises(spinelab.BatchError):
            spinelab.batch([TWIST], sweep={"subject.body_mass_kg": "50:100"}, out=self.path("s.h5"))
        with self.assertRaises(spinelab.BatchError) as e:
            spinelab.batch([TWIST], sweep={"subject.nope": [1, 2]}, out=self.path("s.h5"))
        self.assertIn("subject.nope", str(e.exception))
        self.assertFalse(os.path.exists(self.path("s.h5")), "nothing written for a bad batch")


class Simulation(Tmp):
    """The step API: the viewer's runner, stepped to the end, gives the CLI's run."""

    def test_stepped_to_the_end_equals_the_cli_run(self):
        ov = {"run.duration_s": 1.5}
        sim = spinelab.Simulation(TWIST, overrides=ov)
        self.assertEqual(sim.time_s, 0.0)
        # the state and the facets now are the sample just recorded (every second 4 ms step)
        self.assertTrue(sim.step(200))
        r = sim.result()
        st = sim.state()
        self.assertAlmostEqual(st["time_s"], r["time"][-1], places=12)
        self.assertTrue(same_bits(st["position_m"], r["bodies/position"][-1]))
        self.assertTrue(same_bits(st["orientation"], r["bodies/orientation"][-1]))
        fa = sim.facets()
        self.assertEqual(list(fa.index), list(r["facets/name"]))
        for col, name in (("gap_m", "gap"), ("fluid_pressure_Pa", "fluid_pressure"), ("capsule_strain", "capsule_strain"),
                          ("contact_force_N", "contact_force"), ("bubble_radius_m", "bubble_radius")):
            self.assertTrue(same_bits(fa[col].to_numpy(), r["facets/" + name][-1]), col)
        while sim.step(97):  # the rest in uneven chunks
            pass
        self.assertTrue(sim.done)
        self.assertAlmostEqual(sim.time_s, 1.5, places=9)
        out = self.path("cli.h5")
        cli("run", TWIST, "-o", out, "--set", "run.duration_s=1.5")
        r = sim.result()
        with h5py.File(out, "r") as f:
            for name, d in datasets(f["runs/seated_twist"]).items():
                self.assertTrue(same_bits(d[()], r[name]), name)

    def test_apply_turns_the_spine(self):
        a = spinelab.Simulation(TWIST, overrides={"run.duration_s": 1.0})
        b = spinelab.Simulation(TWIST, overrides={"run.duration_s": 1.0})
        b.apply("T1", torque_Nm=(0, 0, 8.0))  # left axial rotation, world axes
        a.run_to(0.5)
        b.run_to(0.5)
        i = a.bodies.index("T1")
        qa, qb = a.state()["orientation"][i], b.state()["orientation"][i]
        yaw = lambda q: np.arctan2(2 * (q[0] * q[3] + q[1] * q[2]), 1 - 2 * (q[2] ** 2 + q[3] ** 2))  # noqa: E731
        self.assertGreater(yaw(qb) - yaw(qa), 0.01, "an extra left torque on T1 turns it further left [rad]")
        b.apply("T1")  # removed
        b.apply("T1", force_N=(0, 0, 50), frame="body")


class Threads(Tmp):
    """The GIL is released while simulating; Ctrl-C stops a run."""

    def test_threads_run_in_parallel_and_agree(self):
        ov = {"run.duration_s": 1.0}
        ticks = []
        stop = threading.Event()

        def ticker():
            while not stop.is_set():
                ticks.append(time.monotonic())
                time.sleep(0.005)

        t = threading.Thread(target=ticker)
        t.start()
        t0 = time.monotonic()
        one = spinelab.run(TWIST, overrides=ov)
        elapsed = time.monotonic() - t0
        stop.set()
        t.join()
        self.assertGreater(len(ticks), 0.3 * elapsed / 0.005, "Python threads run while a scenario simulates")
        with concurrent.futures.ThreadPoolExecutor(2) as ex:
            rs = list(ex.map(lambda f: spinelab.run(f, overrides=ov), [TWIST, TWIST]))
        for r in rs:
            self.assertTrue(same_bits(r["bodies/position"], one["bodies/position"]))

    def test_ctrl_c_interrupts_a_run(self):
        timer = threading.Timer(1.0, lambda: os.kill(os.getpid(), signal.SIGINT))
        t0 = time.monotonic()
        timer.start()
        with self.assertRaises(KeyboardInterrupt):
            spinelab.run(TWIST, overrides={"run.duration_s": 600})
        self.assertLess(time.monotonic() - t0, 10, "stopped within moments of Ctrl-C")
        timer = threading.Timer(0.5, lambda: os.kill(os.getpid(), signal.SIGINT))
        sim = spinelab.Simulation(TWIST, overrides={"run.duration_s": 600})
        timer.start()
        with self.assertRaises(KeyboardInterrupt):
            sim.step(10_000_000)
        self.assertGreater(sim.time_s, 0)
        self.assertFalse(sim.done, "the simulation goes on after an interrupted step()")
        sim.step(10)
        # while a Simulation settles into its posture (60 s of settling at 1 ms: 60,000 steps,
        # ~2 s here; Ctrl-C after 0.2 s)
        settle = {"run.settle_s": 60, "run.dt_s": 0.001}
        t0 = time.monotonic()
        spinelab.Simulation(TWIST, overrides=settle)
        whole = time.monotonic() - t0
        timer = threading.Timer(0.2, lambda: os.kill(os.getpid(), signal.SIGINT))
        t0 = time.monotonic()
        timer.start()
        with self.assertRaises(KeyboardInterrupt):
            spinelab.Simulation(TWIST, overrides=settle)
        timer.join()
        # (a settle that ignored Ctrl-C would raise it too, once finished: the time tells)
        self.assertLess(time.monotonic() - t0, 0.2 + 0.5 * (whole - 0.2),
                        f"stopped while settling, within moments of Ctrl-C (the whole settle takes {whole:.2f} s)")

    def test_ctrl_c_stops_a_batch_which_resume_finishes(self):
        # 3 short runs, then 2 long ones (3-6 s each here): Ctrl-C during the long ones stops them
        # at once; the short ones are kept and resume runs only the long ones
        args = dict(sweep={"run.duration_s": [0.5, 0.5, 0.5, 200.0, 200.0]}, jobs=2, out=self.path("study.h5"))
        runs = self.path("study.runs")
        sent = []

        def ctrl_c_once_the_short_runs_are_kept():
            # (a fixed delay raced the short runs on a loaded machine)
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                if os.path.isdir(runs) and len([f for f in os.listdir(runs) if f.endswith(".h5")]) >= 3:
                    break
                time.sleep(0.02)
            time.sleep(0.3)  # the long runs are under way
            sent.append(time.monotonic())
            os.kill(os.getpid(), signal.SIGINT)

        killer = threading.Thread(target=ctrl_c_once_the_short_runs_are_kept)
        killer.start()
        with self.assertRaises(KeyboardInterrupt):
            spinelab.batch([TWIST], **args)
        killer.join()
        stopped_s = time.monotonic() - sent[0]
        self.assertLess(stopped_s, 4.0, "the long runs under way were stopped within moments of Ctrl-C, not finished")
        done = spinelab.read_index(self.path("study.h5"))  # the study file is complete
        self.assertEqual(list(done["run.duration_s"]), [0.5, 0.5, 0.5], f"stopped after {stopped_s:.1f} s")
        self.assertTrue((done["status"] == "ok").all())
        self.assertEqual(len(os.listdir(self.path("study.runs"))), 3, "no file for a stopped run")
        df = spinelab.batch([TWIST], resume=True, **args)
        self.assertEqual(list(df["run.duration_s"]), [0.5, 0.5, 0.5, 200.0, 200.0])
        self.assertEqual(list(df["status"]), ["ok"] * 5)
        pd.testing.assert_frame_equal(df.iloc[:3], done)

    def test_help_shows_units(self):
        text = pydoc.render_doc(spinelab.run, renderer=pydoc.plaintext)
        self.assertIn("kg", text)
        self.assertIn("overrides", text)
        self.assertIn("[N]", pydoc.render_doc(spinelab.Simulation.apply, renderer=pydoc.plaintext))
        stub = os.path.join(os.path.dirname(spinelab.__file__), "__init__.pyi")
        self.assertTrue(os.path.exists(stub), "type stubs ship with the module")


if __name__ == "__main__":
    unittest.main()
