#!/usr/bin/python3
"""Twist versus traction, from Python: the table of `spinelab compare` rebuilt from two runs'
per-level summaries (pandas), level by level.

    PYTHONPATH=build/python /usr/bin/python3 examples/twist_vs_traction.py [-o results/twist_vs_traction]

A seated twist (scenarios/seated_twist.toml) shears the discs through torsion; a dead hang
(scenarios/dead_hang.toml) decompresses the spine and opens the facets with little shear. The
summary columns are SI (N, Pa, rad, m); the table shows kPa, degrees and mm for reading.
Writes <out>.csv with the table. Teaching and research indicators, not medical advice."""
import argparse
import math
import os
import sys

import numpy as np
import pandas as pd

import spinelab

HERE = os.path.dirname(os.path.abspath(__file__))
SCENARIOS = os.path.join(HERE, "..", "scenarios")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-o", "--output", default="twist_vs_traction", help="where to write the table (<output>.csv)")
    ap.add_argument("--quick", action="store_true", help="3-second runs (a smoke test)")
    args = ap.parse_args()
    overrides = {"run.duration_s": 3.0} if args.quick else {}

    # the two runs, side by side on two threads (the GIL is released while they simulate)
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(2) as ex:
        twist, hang = ex.map(lambda f: spinelab.run(os.path.join(SCENARIOS, f), overrides=overrides),
                             ["seated_twist.toml", "dead_hang.toml"])
    a, b = twist.summary, hang.summary

    def ratio(x, y, floor):  # only where the denominator means something
        return np.where(y > floor, x / y.where(y > floor, 1.0), np.nan)

    deg = 180 / math.pi
    table = pd.DataFrame({
        "annulus twist kPa": a["peak_annulus_shear_stress_Pa"] * 1e-3,
        "annulus hang kPa": b["peak_annulus_shear_stress_Pa"] * 1e-3,
        "annulus ratio": ratio(a["peak_annulus_shear_stress_Pa"], b["peak_annulus_shear_stress_Pa"], 1e3),
        "dshear twist N": a["peak_disc_shear_change_N"],
        "dshear hang N": b["peak_disc_shear_change_N"],
        "dshear ratio": ratio(a["peak_disc_shear_change_N"], b["peak_disc_shear_change_N"], 1.0),
        "axial rot twist deg": a["peak_axial_rotation_rad"] * deg,
        "axial rot hang deg": b["peak_axial_rotation_rad"] * deg,
        "dIDP twist kPa": a["idp_change_Pa"] * 1e-3,
        "dIDP hang kPa": b["idp_change_Pa"] * 1e-3,
        "facet open twist mm": 1e3 * np.maximum(a["facet_opening_left_m"], a["facet_opening_right_m"]),
        "facet open hang mm": 1e3 * np.maximum(b["facet_opening_left_m"], b["facet_opening_right_m"]),
    })
    with pd.option_context("display.width", 250, "display.max_columns", 20):
        print(table.to_string(float_format=lambda v: f"{v:8.2f}", na_rep="       -"))
    print(f"cavitations: twist {len(twist.events)}, hang {len(hang.events)}")
    lumbar = [l for l in table.index if l.startswith("L")]
    print(f"lumbar annulus shear stress: twist {table.loc[lumbar, 'annulus twist kPa'].max():.0f} kPa, "
          f"hang {table.loc[lumbar, 'annulus hang kPa'].max():.0f} kPa")
    print(f"lumbar facet opening: twist {table.loc[lumbar, 'facet open twist mm'].max():.2f} mm, "
          f"hang {table.loc[lumbar, 'facet open hang mm'].max():.2f} mm")
    print("(changes from each run's baseline; teaching and research indicators, not medical advice)")
    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    table.to_csv(args.output + ".csv")
    print(f"wrote {args.output}.csv")
    return 0 if twist.status == "ok" and hang.status == "ok" else 3


if __name__ == "__main__":
    sys.exit(main())
