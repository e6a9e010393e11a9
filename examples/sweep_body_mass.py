#!/usr/bin/python3
"""A body-mass sweep from Python: the batch engine (threads, a study file that survives a crash)
runs a seated twist and a dead hang at several body masses, and the /index DataFrame is plotted:
peak disc shear [N] and how near a joint came to a pop, against body mass [kg].

    PYTHONPATH=build/python /usr/bin/python3 examples/sweep_body_mass.py [-o results/mass_sweep] [-j 2]

Writes <out>.h5 (the study, its runs in <out>.runs/) and <out>.png. Run it again with --resume
after an interruption to finish it. Teaching and research indicators, not medical advice."""
import argparse
import os
import sys

import matplotlib

matplotlib.use("Agg")  # no display needed
import matplotlib.pyplot as plt  # noqa: E402

import spinelab  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SCENARIOS = [os.path.join(HERE, "..", "scenarios", f) for f in ("seated_twist.toml", "dead_hang.toml")]
KEY = "subject.body_mass_kg"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-o", "--output", default="mass_sweep", help="study file and plot, without extension")
    ap.add_argument("-j", "--jobs", type=int, default=2, help="worker threads")
    ap.add_argument("--resume", action="store_true", help="finish an interrupted sweep")
    ap.add_argument("--quick", action="store_true", help="3 masses, 2-second runs (a smoke test)")
    args = ap.parse_args()
    masses = (50, 90, 3) if args.quick else (50, 100, 6)
    overrides = {"run.duration_s": 2.0} if args.quick else {}
    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)

    df = spinelab.batch(SCENARIOS, sweep={KEY: masses}, overrides=overrides, jobs=args.jobs, out=args.output + ".h5",
                        resume=args.resume, overwrite=not args.resume)
    print(df[["scenario", KEY, "status", "cavitations", "peak_disc_shear_N", "nearest_pop_fraction"]].to_string(index=False))

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4))
    for scenario, rows in df.groupby("scenario"):
        rows = rows.sort_values(KEY)
        ax1.plot(rows[KEY], rows["peak_disc_shear_N"], "o-", label=scenario)
        ax2.plot(rows[KEY], rows["nearest_pop_fraction"], "o-", label=scenario)
    ax1.set(xlabel="body mass [kg]", ylabel=f"peak disc shear [{df.attrs['units'].get('peak_disc_shear_N', 'N')}]")
    ax2.set(xlabel="body mass [kg]", ylabel="nearest pop (1: a joint popped) [-]", ylim=(0, 1.05))
    ax1.legend()
    fig.suptitle("spinelab: body-mass sweep (teaching and research indicators, not medical advice)")
    fig.tight_layout()
    fig.savefig(args.output + ".png", dpi=100)
    print(f"wrote {args.output}.h5 and {args.output}.png")
    return 0 if (df["status"] == "ok").all() else 3


if __name__ == "__main__":
    sys.exit(main())
