#!/usr/bin/python3
"""Plots a spinelab study: a swept parameter against peak disc shear and cavitations.

    build/bin/spinelab batch scenarios/seated_twist.toml scenarios/dead_hang.toml \
        --sweep subject.body_mass_kg=50:100:6 -o results/study.h5
    /usr/bin/python3 examples/plot_study.py results/study.h5 -o results/study.png

Uses only h5py, numpy and matplotlib (Debian: python3-h5py python3-numpy python3-matplotlib).
The /index table has one row per run: run, scenario, every swept key, status, error and the
headline results; each run's full time series is under /runs/<run>/ (docs/hdf5.md)."""
import argparse
import sys

import h5py
import matplotlib
import matplotlib.ticker

matplotlib.use("Agg")  # no display needed
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

FIXED = {"run", "scenario", "status", "error", "cavitations", "worst_level"}


def text(v):
    return v.decode() if isinstance(v, bytes) else str(v)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("study", help="study file written by spinelab batch")
    ap.add_argument("-o", "--output", default="study.png", help="PNG to write")
    ap.add_argument("--parameter", help="swept key for the x axis (default: the first numeric one)")
    args = ap.parse_args()

    with h5py.File(args.study, "r") as f:
        index = f["index"][()]
        units = dict(line.split(": ", 1) for line in text(f["index"].attrs["units"]).strip().splitlines())
        # one run's record, to show the time series are there too
        first = text(index["run"][0]) if len(index) else None
        shear_units = text(f[f"runs/{first}/levels/disc_shear"].attrs["units"]) if first else "N"
    names = index.dtype.names
    swept = [n for n in names if n not in FIXED and not n.startswith("peak_") and index.dtype[n].kind == "f"]
    if not swept:
        sys.exit(f"{args.study}: no numeric swept parameter in /index (columns: {', '.join(names)})")
    x_key = args.parameter or swept[0]
    if x_key not in swept:
        sys.exit(f"--parameter {x_key}: not a numeric swept key (have {', '.join(swept)})")

    ok = np.array([text(s) == "ok" for s in index["status"]])
    scenarios = sorted({text(s) for s in index["scenario"]})
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4), constrained_layout=True)
    for sc in scenarios:
        sel = ok & np.array([text(s) == sc for s in index["scenario"]])
        order = np.argsort(index[x_key][sel])
        x = index[x_key][sel][order]
        ax1.plot(x, index["peak_disc_shear_N"][sel][order], "o-", label=sc)
        ax2.plot(x, index["cavitations"][sel][order], "s-", label=sc)
    ax1.set_xlabel(x_key)
    ax1.set_ylabel(f"peak disc shear, any level [{units.get('peak_disc_shear_N', shear_units)}]")
    ax2.set_xlabel(x_key)
    ax2.set_ylabel("cavitations [count]")
    ax2.yaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    for ax in (ax1, ax2):
        ax.grid(alpha=0.3)
        ax.legend()
    failed = int((~ok).sum())
    fig.suptitle(f"{args.study}: {len(index)} runs" + (f" ({failed} failed, not plotted)" if failed else ""))
    fig.savefig(args.output, dpi=100)
    print(f"wrote {args.output}: {x_key} against peak disc shear and cavitations, {len(scenarios)} scenario(s), {int(ok.sum())} runs")


if __name__ == "__main__":
    main()
