"""spinelab: the human spine simulated — rigid vertebrae, discs, ligaments, facet joints with a
synovial-fluid model that cavitates (the "pop") — from Python (docs/python.md).

    import spinelab
    r = spinelab.run("scenarios/seated_twist.toml", overrides={"subject.body_mass_kg": 60})
    r["levels/disc_shear"]          # numpy array [T, L], N  (r.units["levels/disc_shear"] == "N")
    r.summary                       # per-level peaks (pandas DataFrame, SI)
    r.events                        # the pops (pandas DataFrame)
    r.save("x.h5")                  # the file `spinelab run -o x.h5` writes

Everything is SI (m, kg, s, N, N*m, rad, Pa). The datasets, their names, shapes and units are
those of the results files (docs/hdf5.md). Simulating releases the GIL, so threads and
concurrent.futures run scenarios in parallel; Ctrl-C stops a run (KeyboardInterrupt).
Teaching and research indicators, not medical advice.
"""

import os as _os
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Union

from . import _core
from ._errors import BatchError, Diagnostic, ModelError, ResultsError, ScenarioError, SpinelabError

__all__ = ["run", "load", "runs", "batch", "Result", "Simulation", "SpinelabError", "ScenarioError",
           "ModelError", "ResultsError", "BatchError", "Diagnostic", "__version__"]
__version__ = _core.version

# [SECTION] arguments


def _toml_value(v: Any) -> str:
    """A Python value as the TOML value text `--set key=value` takes (bare words are strings)."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float, str)):
        return str(v) if not isinstance(v, float) else repr(v)
    if isinstance(v, (list, tuple)):
        return "[" + ",".join(_toml_value(x) for x in v) + "]"
    try:  # numpy scalars
        return _toml_value(v.item())
    except AttributeError:
        raise TypeError(f"override value {v!r}: use a number, a string, a bool or a list of them") from None


def _overrides(overrides: Union[None, Mapping[str, Any], Iterable[str]]) -> List[str]:
    """{"subject.body_mass_kg": 60} or ["subject.body_mass_kg=60"] -> ["subject.body_mass_kg=60"]."""
    if overrides is None:
        return []
    if isinstance(overrides, Mapping):
        return [f"{k}={_toml_value(v)}" for k, v in overrides.items()]
    if isinstance(overrides, str):  # one key=value per line (a run's `overrides` attribute)
        return [line for line in overrides.splitlines() if line.strip()]
    return [str(o) for o in overrides]


def _scenario_arg(path_or_text: Union[str, _os.PathLike], name: Optional[str]):
    """(text or path, is_text, name): text when it is no file and looks like TOML (has a newline
    or a '[table]'); otherwise a path (a missing one is a ScenarioError naming it)."""
    s = _os.fspath(path_or_text)
    is_text = not _os.path.exists(s) and ("\n" in s or s.lstrip().startswith("["))
    if name is None:
        name = "scenario" if is_text else _os.path.splitext(_os.path.basename(s))[0]
    return s, is_text, name


def _model_arg(model: Union[None, str, _os.PathLike, "Result"]):
    """(spec or text, is_text): None (the default model), a model file, "FILE.h5:RUN" (the
    model stored with that run) or a Result (the model it ran on, its model_text)."""
    if model is None:
        return "", False
    if isinstance(model, Result):
        text = model.model_text
        if not text:
            raise ModelError(f"run '{model.run}' has no model_text (written before spinelab stored the model)")
        return text, True
    return _os.fspath(model), False


# [SECTION] Result


class Result:
    """One scenario run: every dataset of docs/hdf5.md by name, with its units.

    r["levels/disc_shear"] -> numpy array [T, L] in N (read-only; the same values, bit for bit,
    that `spinelab run -o` writes). r.keys() lists the datasets; r.units and r.shapes give each
    one's unit and axes; r.attrs the run's attributes (status, error, seed, dt_s, steps,
    scenario_text, overrides, model_text, ...).
    """

    def __init__(self, core: "_core.Result"):
        self._core = core
        self._cache: Dict[str, Any] = {}

    # datasets
    def __getitem__(self, name: str):
        """The dataset `name` (e.g. "facets/fluid_pressure", [T, F] in Pa) as a numpy array."""
        if name not in self._cache:
            self._cache[name] = self._core[name]
        return self._cache[name]

    def __contains__(self, name: str) -> bool:
        return name in self.keys()

    def __iter__(self):
        return iter(self.keys())

    def keys(self) -> List[str]:
        """The run's datasets, in file order ("time", "bodies/name", "bodies/position", ...)."""
        return self._core.keys()

    @property
    def units(self) -> Dict[str, str]:
        """Unit of every dataset: {"time": "s", "levels/disc_shear": "N", ...} (SI; "-": none)."""
        return self._core.units()

    @property
    def shapes(self) -> Dict[str, str]:
        """Axes of every dataset, as the file's `shape` attribute says them ("T x L, magnitude")."""
        return self._core.shapes()

    @property
    def attrs(self) -> Dict[str, Any]:
        """The run's attributes, as the file has them (docs/hdf5.md): scenario, title,
        scenario_text, overrides (one key=value per line), parameters (JSON of the overrides),
        model_text, model_file, status, error, seed, spinelab_version, wall_time_s [s],
        dt_s [s], steps."""
        return self._core.attrs()

    @property
    def file(self) -> str:
        """The results file it was loaded from ("" for a run made here)."""
        return self._core.file

    @property
    def run(self) -> str:
        """The run's name (its group under /runs/): the scenario file's stem."""
        return self._core.run

    @property
    def status(self) -> str:
        """"ok", or "failed" (unstable, non-finite): then `error` says why."""
        return self.attrs["status"]

    @property
    def error(self) -> str:
        return self.attrs["error"]

    @property
    def model_text(self) -> str:
        """The whole model (TOML) the run ran on: spinelab.run(..., model=r) runs on it again."""
        return self.attrs["model_text"]

    @property
    def time(self):
        """[T] s, the sample times (r["time"])."""
        return self["time"]

    # tables
    @property
    def summary(self):
        """Per-level peaks relative to the run's baseline (the CLI's table), a pandas DataFrame
        indexed by level, SI: peak_flexion_rad, peak_lateral_bending_rad, peak_axial_rotation_rad,
        peak_disc_shear_N, peak_disc_shear_change_N, peak_annulus_shear_stress_Pa,
        peak_facet_contact_N, peak_capsule_strain, baseline_capsule_strain, idp_baseline_Pa,
        idp_change_Pa, facet_opening_left_m, facet_opening_right_m, peak_fracture_risk,
        nociceptor_strain, pain_strain. summary.attrs["run"] holds the whole run's headline
        (cavitations, nearest_pop_fraction, worst_level, ...), summary.attrs["units"] each
        column's unit."""
        import pandas as pd
        s = self._core.summary()
        df = pd.DataFrame(s["columns"]).set_index("level")
        df.attrs["run"] = dict(s["run"])
        df.attrs["units"] = {c: _unit_of_column(c) for c in df.columns}
        return df

    @property
    def drives(self):
        """The drives (loads with target_rotation_deg, docs/scenarios.md "Drives"), one row per
        drive, a pandas DataFrame indexed by the load's name, SI: peak_torque_Nm (the largest
        torque its muscles gave about its axis), limit_Nm (its cap: effort_fraction x
        max_torque_Nm), saturated_s (time at the cap), peak_rotation_rad, target_rad. Empty for
        a run without drives. Per sample: r["drives/torque"] [T, D, 3] N*m (world frame),
        r["drives/torque_about_axis"], r["drives/torque_limit"], r["drives/saturated"],
        r["drives/rotation"], r["drives/target"] (docs/hdf5.md)."""
        import pandas as pd
        d = self._core.summary()["drives"]
        df = pd.DataFrame(dict(d)).set_index("drive")
        df.attrs["units"] = {c: _unit_of_column(c) for c in df.columns}
        return df

    @property
    def events(self):
        """The pops (events/cavitation/), one row per crack, a pandas DataFrame: time [s],
        facet_index, facet_name, gap_jump [m], sound_peak [Pa at 10 cm]. The sounds themselves:
        r["events/cavitation/sound"] [N, S] Pa at 44100 Hz."""
        import pandas as pd
        cols = ["time", "facet_index", "facet_name", "gap_jump", "sound_peak"]
        df = pd.DataFrame({c: self[f"events/cavitation/{c}"] for c in cols})
        df.attrs["units"] = {c: self.units[f"events/cavitation/{c}"] for c in cols}
        return df

    def save(self, path: Union[str, _os.PathLike], overwrite: bool = False) -> str:
        """Writes the run to `path` as `spinelab run -o` does (the same code: built in memory,
        then a temporary file synced and renamed over `path`, so a failure leaves the old file).
        An existing file is a ResultsError unless overwrite=True. Returns the path."""
        self._core.save(_os.fspath(path), overwrite)
        return _os.fspath(path)

    def __repr__(self) -> str:
        a = self.attrs
        return f"<spinelab.Result {self.run!r}: {a['status']}, {len(self['time'])} samples, {a['steps']} steps>"


def _unit_of_column(c: str) -> str:
    for suffix, unit in (("_rad", "rad"), ("_Nm", "N*m"), ("_N", "N"), ("_Pa", "Pa"), ("_m", "m"), ("_s", "s")):
        if c.endswith(suffix):
            return unit
    return "-"


# [SECTION] run, load, batch


def run(path_or_text: Union[str, _os.PathLike], overrides: Union[None, Mapping[str, Any], Iterable[str]] = None,
        model: Union[None, str, _os.PathLike, Result] = None, name: Optional[str] = None) -> Result:
    """Runs a technique scenario on the spine model, as `spinelab run` does.

    path_or_text: a scenario file (scenarios/*.toml, docs/scenarios.md) or its text.
    overrides: values to change, by key path, as `--set`: {"subject.body_mass_kg": 60} (kg),
        {"run.duration_s": 2.0} (s); every key is in docs/scenarios.md, in SI units.
    model: None (models/spine_adult.toml), a model file, "FILE.h5:RUN" (the model stored with a
        run) or a Result (the model it ran on).
    name: the run's name (default: the file's stem; "scenario" for text).

    Returns a Result: r["levels/disc_shear"] [T, L] in N, r["facets/fluid_pressure"] [T, F] in
    Pa, r["time"] [T] in s, ... (every dataset of docs/hdf5.md; r.units says each unit), r.summary,
    r.events, r.save(path). A run that goes unstable is not an exception: r.status == "failed" and
    r.error says why, the record up to then kept (as the CLI writes it). Raises ScenarioError
    (a missing file, a bad key or value: .file, .line, .key) or ModelError; KeyboardInterrupt
    on Ctrl-C. The GIL is released while it simulates.
    """
    s, is_text, nm = _scenario_arg(path_or_text, name)
    spec, model_is_text = _model_arg(model)
    return Result(_core.run(s, is_text, nm, _overrides(overrides), spec, model_is_text))


def runs(path: Union[str, _os.PathLike]) -> List[str]:
    """The runs of a results or study file, in name order."""
    return _core.list_runs(_os.fspath(path))


def load(path: Union[str, _os.PathLike], run: Optional[str] = None) -> Result:
    """A run from a results file (spinelab run -o, a study's run) as a Result: the datasets as
    stored, with the scenario (scenario_text + overrides) and the model (model_text) it ran on.
    run: the run's name; may be left out when the file holds one run. Raises ResultsError."""
    p = _os.fspath(path)
    if run is None:
        names = runs(p)
        if len(names) != 1:
            raise ResultsError(f"{p}: holds {len(names)} runs ({', '.join(names) or 'none'}); say which: load(path, run=...)")
        run = names[0]
    return Result(_core.load(p, run))


def _sweep_spec(key: str, v: Any) -> str:
    if isinstance(v, str):
        return f"{key}={v}"
    if isinstance(v, range):
        v = list(v)
    if isinstance(v, tuple) and len(v) == 3 and all(isinstance(x, (int, float)) for x in v):
        start, stop, count = v
        return f"{key}={_toml_value(start)}:{_toml_value(stop)}:{int(count)}"
    if isinstance(v, (list, tuple)):
        return f"{key}=" + ",".join(_toml_value(x) for x in v)
    raise TypeError(f"sweep {key!r}: give (start, stop, count), a list of values, or the --sweep text")


def batch(scenarios: Union[str, Sequence[str]], sweep: Optional[Mapping[str, Any]] = None,
          overrides: Union[None, Mapping[str, Any], Iterable[str]] = None, samples: Optional[int] = None,
          seed: int = 1, jobs: int = 2, out: Union[str, _os.PathLike] = "study.h5", resume: bool = False,
          overwrite: bool = False, model: Union[None, str, _os.PathLike, Result] = None):
    """Runs a parameter study with the batch engine of `spinelab batch` (docs/batch.md) and
    returns its /index as a pandas DataFrame (one row per run, in plan order; strings decoded;
    df.attrs["units"] each column's unit).

    scenarios: scenario files; each runs at every point of the sweeps.
    sweep: {key: (start, stop, count)} (count evenly spaced values, both ends included) or
        {key: [a, b, c]}; several keys form a product, the first varying slowest.
    overrides: values for every run (as --set). samples: a Latin hypercube of this many points
        instead of the product (seed: its seed). jobs: worker threads.
    out: the study file; its runs are stored beside it in <out without .h5>.runs/.
    resume: finish an interrupted batch (its finished runs kept); overwrite: replace a study.

    Ctrl-C stops the batch within moments: the runs under way are stopped and dropped, every
    finished run is kept, the study file is complete, and KeyboardInterrupt is raised;
    batch(..., resume=True) runs the rest. Raises BatchError, ScenarioError, ModelError.
    """
    files = [scenarios] if isinstance(scenarios, (str, _os.PathLike)) else list(scenarios)
    files = [_os.fspath(f) for f in files]
    sweeps = [_sweep_spec(k, v) for k, v in (sweep or {}).items()]
    spec, model_is_text = _model_arg(model)
    path, _ = _core.batch(files, _overrides(overrides), sweeps, int(samples or 0), int(seed), int(jobs), _os.fspath(out),
                          bool(resume), bool(overwrite), spec, model_is_text)
    return read_index(path)


def read_index(path: Union[str, _os.PathLike]):
    """The /index of a study file as a pandas DataFrame (strings decoded; attrs["units"])."""
    import h5py
    import pandas as pd
    with h5py.File(_os.fspath(path), "r") as f:
        d = f["index"]
        df = pd.DataFrame(d[()])
        units = [u.decode() if isinstance(u, bytes) else str(u) for u in d.attrs.get("column_units", [])]
    for c in df.columns:
        if df[c].dtype == object:
            df[c] = df[c].map(lambda x: x.decode("utf-8") if isinstance(x, bytes) else x)
    df.attrs["units"] = dict(zip(df.columns, units)) if len(units) == len(df.columns) else {}
    return df


# [SECTION] Simulation


class Simulation:
    """A scenario one step at a time, for notebooks: the runner the viewer's live and explore
    mode uses (the same steps as spinelab.run: stepped to the end, result() equals run()'s).

        sim = spinelab.Simulation("scenarios/seated_twist.toml")
        sim.step(500)                                   # 500 steps of sim.dt_s
        sim.apply("T1", torque_Nm=(0, 0, 5))            # an extra moment [N m] on T1, world axes
        sim.facets()                                    # gap [m], pressure [Pa], strain [-] now
        sim.state()["position_m"]                       # [B, 3] m

    Construction reads, checks and settles the scenario (ScenarioError, ModelError).
    duration_s: run longer than the scenario says (explore), in s.
    """

    def __init__(self, path_or_text: Union[str, _os.PathLike],
                 overrides: Union[None, Mapping[str, Any], Iterable[str]] = None,
                 model: Union[None, str, _os.PathLike, Result] = None, name: Optional[str] = None,
                 duration_s: Optional[float] = None):
        s, is_text, nm = _scenario_arg(path_or_text, name)
        spec, model_is_text = _model_arg(model)
        ov = _overrides(overrides)
        if duration_s is not None:
            ov.append(f"run.duration_s={float(duration_s)!r}")
        self._core = _core.Simulation(s, is_text, nm, ov, spec, model_is_text)

    def step(self, n: int = 1) -> bool:
        """Advances n steps of dt_s [s] (fewer when the run ends or fails). True while the run
        goes on. The GIL is released; Ctrl-C stops it between steps (KeyboardInterrupt)."""
        return self._core.step(int(n))

    def run_to(self, t_s: float) -> bool:
        """Steps until time t_s [s] (or the end)."""
        n = max(0, round((t_s - self.time_s) / self.dt_s))
        return self.step(n)

    @property
    def time_s(self) -> float:
        """[s] simulated time now."""
        return self._core.time_s

    @property
    def dt_s(self) -> float:
        """[s] the step."""
        return self._core.dt_s

    @property
    def end_s(self) -> float:
        """[s] when the run ends (run.duration_s)."""
        return self._core.end_s

    @property
    def step_index(self) -> int:
        return self._core.step_index

    @property
    def done(self) -> bool:
        """The run is over: its end reached, or it failed (status, error)."""
        return self._core.done

    @property
    def status(self) -> str:
        return self._core.status

    @property
    def error(self) -> str:
        return self._core.error

    @property
    def bodies(self) -> List[str]:
        """Body names (head, C1 .. sacrum, and the scene's pads), the rows of state()."""
        return self._core.bodies

    @property
    def levels(self) -> List[str]:
        """Level names (C0-C1 .. L5-S1)."""
        return self._core.levels

    def state(self) -> Dict[str, Any]:
        """The bodies now: time_s [s], step_index, bodies (names), position_m [B, 3] (COM in the
        world frame: z up, x anterior, y left), orientation [B, 4] (unit quaternion w, x, y, z,
        body to world), velocity_m_per_s [B, 3], angular_velocity_rad_per_s [B, 3]."""
        return self._core.state()

    def facets(self):
        """Every facet joint now, a pandas DataFrame indexed by name: gap_m [m] (negative:
        cartilage compressed), fluid_pressure_Pa [Pa, gauge], contact_force_N [N],
        capsule_strain [-] (incl. the in-situ pre-strain), bubble_radius_m [m] (0: no cavity)."""
        import pandas as pd
        return pd.DataFrame(self._core.facets()).set_index("name")

    def apply(self, body: Union[str, int], force_N: Sequence[float] = (0.0, 0.0, 0.0),
              torque_Nm: Sequence[float] = (0.0, 0.0, 0.0), frame: str = "world") -> None:
        """An extra force [N] and moment [N m] about the body's centre of mass, on top of the
        scenario's loads, until the next apply on that body (apply(body) removes it).
        frame "world": world axes (z up, x anterior, y left); "body": the body's own axes
        (x anterior, y left, z up) as it is now, as the viewer's explore panel applies them."""
        if frame not in ("world", "body"):
            raise ValueError(f"frame={frame!r}: use 'world' or 'body'")
        self._core.apply(body, list(map(float, force_N)), list(map(float, torque_Nm)), frame == "body")

    def result(self) -> Result:
        """What has been recorded so far, as a Result (save() writes it like the CLI)."""
        return Result(self._core.result())

    def __repr__(self) -> str:
        return f"<spinelab.Simulation t = {self.time_s:g} s of {self.end_s:g} s, {self.status}>"
