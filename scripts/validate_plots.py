#!/usr/bin/python3
"""The plots of `spinelab validate`, from the data files it writes (DATA/*.csv), into OUT.

    /usr/bin/python3 scripts/validate_plots.py results/validation/data /tmp/plots

`spinelab validate` runs this into a temporary folder and moves each PNG to --out itself
(io::AtomicFile). Uses numpy and matplotlib only (Debian: python3-numpy python3-matplotlib)."""
import csv
import os
import sys

import matplotlib

matplotlib.use("Agg")  # no display needed
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def rows(path):
    with open(path, newline="") as f:
        return [r for r in csv.DictReader(line for line in f if not line.startswith("#"))]


def comments(path):
    out = {}
    with open(path) as f:
        for line in f:
            if line.startswith("# "):
                k, v = line[2:].strip().split(",")
                out[k] = float(v)
    return out


def rom(data, out):
    r = rows(os.path.join(data, "rom.csv"))
    levels = list(dict.fromkeys(x["level"] for x in r))
    names = ["flexion-extension", "lateral bending", "axial rotation"]
    fig, axes = plt.subplots(3, 1, figsize=(12, 9), sharex=True)
    for ax_i, ax in enumerate(axes):
        sel = [x for x in r if int(x["axis"]) == ax_i]
        xs = np.arange(len(sel))
        lo = np.array([float(x["low_deg"]) for x in sel])
        hi = np.array([float(x["high_deg"]) for x in sel])
        m = np.array([float(x["model_deg"]) for x in sel])
        ax.bar(xs, hi - lo, bottom=lo, color="#cfe3f3", width=0.7, label="literature band")
        inside = (m >= lo) & (m <= hi)
        ax.plot(xs[inside], m[inside], "o", color="#1f6f3f", label="model (inside)")
        ax.plot(xs[~inside], m[~inside], "x", color="#c0392b", ms=9, mew=2, label="model (outside)")
        ax.set_ylabel(names[ax_i] + " [deg]")
        ax.grid(axis="y", alpha=0.3)
    axes[0].legend(loc="upper right", fontsize=8)
    axes[-1].set_xticks(np.arange(len(levels)))
    axes[-1].set_xticklabels(levels, rotation=60, fontsize=8)
    axes[0].set_title("Range of motion per level under pure moments vs the literature bands")
    fig.tight_layout()
    fig.savefig(os.path.join(out, "rom.png"), dpi=110)
    plt.close(fig)


def crack(data, out):
    r = rows(os.path.join(data, "crack.csv"))
    t = np.array([float(x["t_s"]) for x in r])
    F = np.array([float(x["force_N"]) for x in r])
    g = np.array([float(x["gap_mm"]) for x in r])
    fig, (a, b) = plt.subplots(1, 2, figsize=(11, 4))
    a.plot(t, F, color="#2c3e50")
    a.set_xlabel("time [s]")
    a.set_ylabel("device force [N]")
    a2 = a.twinx()
    a2.plot(t, g, color="#d35400")
    a2.set_ylabel("articular gap [mm]", color="#d35400")
    a.set_title("Distraction of L4-L5 (10 mm/s): force and gap")
    b.plot(g, F, color="#2c3e50")
    b.set_xlabel("articular gap [mm]")
    b.set_ylabel("device force [N]")
    b.set_title("The crack curve: force falls as the gap jumps")
    for ax in (a, b):
        ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "crack.png"), dpi=110)
    plt.close(fig)


def pop(data, out):
    r = rows(os.path.join(data, "pop.csv"))
    t = np.array([float(x["t_ms"]) for x in r])
    p = np.array([float(x["p_Pa"]) for x in r])
    summ = {}
    with open(os.path.join(data, "pop_summary.csv")) as f:
        for line in f:
            k, v = line.strip().split(",")
            summ[k] = float(v)
    fig, (a, b) = plt.subplots(1, 2, figsize=(11, 4))
    a.plot(t, p * 1e3, color="#2c3e50")
    peak = np.max(np.abs(p))
    a.axhline(0.1 * peak * 1e3, color="grey", ls=":", lw=1)
    a.axhline(-0.1 * peak * 1e3, color="grey", ls=":", lw=1, label="10 % of the peak")
    a.set_xlabel("time after the nucleation [ms]")
    a.set_ylabel("sound pressure at 10 cm [mPa]")
    a.set_title("The pop: %.1f ms (Dunning 2013: 5.66 +/- 1.76 ms)" % summ["duration_ms"])
    a.legend(fontsize=8)
    n = 8192
    x = np.zeros(n)
    x[: len(p)] = p - p.mean()
    spec = np.abs(np.fft.rfft(x))
    f = np.fft.rfftfreq(n, 1 / 44100.0)
    b.plot(f, 20 * np.log10(spec / spec.max() + 1e-12), color="#2c3e50")
    b.axvspan(285, 380, color="#cfe3f3", label="Reggars 1996: 333 Hz (95 % CI 285-380)")
    b.axvline(summ["dominant_Hz"], color="#d35400", ls="--", label="model peak %.0f Hz" % summ["dominant_Hz"])
    b.set_xscale("log")
    b.set_xlim(50, 10000)
    b.set_ylim(-60, 3)
    b.set_xlabel("frequency [Hz]")
    b.set_ylabel("spectrum [dB re peak]")
    b.set_title("Spectrum of the pop")
    b.legend(fontsize=8)
    for ax in (a, b):
        ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "pop.png"), dpi=110)
    plt.close(fig)


def creep(data, out):
    path = os.path.join(data, "creep.csv")
    r = rows(path)
    c = comments(path)
    t = np.array([float(x["t_min"]) for x in r])
    th = np.array([float(x["flexion_deg"]) for x in r])
    fig, (a, b) = plt.subplots(1, 2, figsize=(11, 4))
    a.plot(t, th, color="#2c3e50")
    a.set_xlabel("time under 10 N·m flexion [min]")
    a.set_ylabel("L4-L5 flexion [deg]")
    a.set_title("Creep: time constant %.2f min (McGill & Brown 1992: 9.4)" % c["tau_min"])
    b.bar([0, 1], [c["recovery_2min"], c["recovery_30min"]], color="#2c3e50", width=0.5, label="model")
    b.errorbar([0], [0.5], yerr=[0.1], fmt="o", color="#d35400", label="McGill & Brown 1992: ~0.5 at 2 min")
    b.axhline(1.0, color="grey", ls=":", label="full recovery (not reached by 30 min)")
    b.set_xticks([0, 1])
    b.set_xticklabels(["2 min", "30 min"])
    b.set_ylabel("share of the lost stiffness regained")
    b.set_ylim(0, 1.1)
    b.set_title("Recovery after unloading")
    b.legend(fontsize=8)
    for ax in (a, b):
        ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "creep.png"), dpi=110)
    plt.close(fig)


def pa(data, out):
    r = rows(os.path.join(data, "pa_stiffness.csv"))
    xs = np.arange(len(r))
    m = [float(x["model_N_per_mm"]) for x in r]
    e = [float(x["measured_N_per_mm"]) for x in r]
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.bar(xs - 0.18, e, width=0.35, color="#cfe3f3", yerr=[0.5 * v for v in e], capsize=4,
           label="Edmondston 1999 (bar: +/-50 % pass band)")
    ax.bar(xs + 0.18, m, width=0.35, color="#2c3e50", label="model")
    ax.set_xticks(xs)
    ax.set_xticklabels(["%s (%s)" % (x["body"], x["role"]) for x in r])
    ax.set_ylabel("PA stiffness, 50-200 N [N/mm]")
    ax.set_title("Prone posterior-anterior stiffness")
    ax.legend(fontsize=8)
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "pa_stiffness.png"), dpi=110)
    plt.close(fig)


def pops(data, out):
    tech = rows(os.path.join(data, "techniques.csv"))
    ev = rows(os.path.join(data, "pops.csv"))
    names = [x["scenario"] for x in tech]
    levels = ["C0-C1", "C1-C2", "C2-C3", "C3-C4", "C4-C5", "C5-C6", "C6-C7", "C7-T1"] + \
             ["T%d-T%d" % (i, i + 1) for i in range(1, 12)] + ["T12-L1", "L1-L2", "L2-L3", "L3-L4", "L4-L5", "L5-S1"]
    grid = np.zeros((len(names), len(levels)))
    for e in ev:
        lvl, side = e["facet"].rsplit(" ", 1)
        if e["scenario"] in names and lvl in levels:
            grid[names.index(e["scenario"]), levels.index(lvl)] += 1
    fig, ax = plt.subplots(figsize=(12, 0.35 * len(names) + 2))
    im = ax.imshow(np.where(grid > 0, grid, np.nan), cmap="viridis", aspect="auto")
    ax.set_yticks(np.arange(len(names)))
    ax.set_yticklabels(["%s (%s)" % (n, t["pops"]) for n, t in zip(names, tech)], fontsize=8)
    ax.set_xticks(np.arange(len(levels)))
    ax.set_xticklabels(levels, rotation=60, fontsize=8)
    ax.set_title("Where each technique pops (number of facet cavitations per level; blank: none)")
    ax.set_xticks(np.arange(-0.5, len(levels)), minor=True)
    ax.set_yticks(np.arange(-0.5, len(names)), minor=True)
    ax.grid(which="minor", color="#dddddd", lw=0.5)
    if np.nansum(grid) > 0:
        fig.colorbar(im, ax=ax, label="pops")
    fig.tight_layout()
    fig.savefig(os.path.join(out, "pops.png"), dpi=110)
    plt.close(fig)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    data, out = sys.argv[1], sys.argv[2]
    failed = []
    for f in (rom, crack, pop, creep, pa, pops):
        try:
            f(data, out)
        except Exception as e:  # one plot failing does not stop the others; validate reports it
            failed.append("%s: %s" % (f.__name__, e))
    if failed:
        sys.exit("validate_plots.py: " + "; ".join(failed))


if __name__ == "__main__":
    main()
