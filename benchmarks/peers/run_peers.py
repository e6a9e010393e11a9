#!/usr/bin/python3
"""Peer comparison on the bushing-chain reference problem (shared/reference/bushing_chain.md).

Runs the four programs built from benchmarks/peers/ (spinelab, Simbody, Bullet, DART), each
configuration --runs times (median), and prints:
  1. one table: engine, step or accuracy, wall s per simulated s (loop timed inside the program,
     model building excluded), real-time factor, whole-process wall s (/usr/bin/time), twist,
     drop, percent error against the converged answer, the twist at t = 1 s (the end of the torque
     ramp: the transient, which a large implicit step gets wrong while still finding the static end
     state) and its error, and spinelab's speed ratio to each row;
  2. the asymmetric variant (a constant 1 N·m flexion moment about x on the top body): the top
     body's pose at t = 0.3 s (still deterministic) and at t = 10 s (after the column buckled);
  3. the same moment on a chain stiff enough not to buckle (k_r = 2000 N·m/rad): the pose at 10 s.

Usage: run_peers.py [--bin build-peers/bin] [--runs 5] [--quick]
Standard library only (run with /usr/bin/python3).
"""
import argparse
import math
import os
import shutil
import statistics
import subprocess
import sys
import time

TWIST_DEG = 114.5916    # 24 x 5/60 rad
DROP_MM = 4.4158        # static 4.4145 mm + the residual axial oscillation at 10 s
TOLERANCE_PCT = 1.0     # the spec's "integrated accurately" criterion
# top twist at t = 1 s (end of the ramp), converged: Simbody Runge-Kutta-Merson at accuracy 1e-8 and
# Bullet 6DofSpring2 at 1e-5 s agree to TWIST_1S_AGREE (benchmarks/README.md); the transient
# criterion applies the same 1 % to it
TWIST_1S_DEG = 113.7047
TWIST_1S_AGREE = "Simbody RKM 1e-8 113.704657, 1e-6 the same; Bullet 1e-5 s 113.704669"

# (label, program, arguments, note); the spinelab 1 ms row is the base of the speed ratios
SYMMETRIC = [
    ("spinelab", "peer_chain_spinelab", ["--dt", "0.001"], ""),
    ("spinelab", "peer_chain_spinelab", ["--dt", "0.002"], ""),
    ("spinelab", "peer_chain_spinelab", ["--dt", "0.005"], ""),
    ("spinelab", "peer_chain_spinelab", ["--dt", "0.01"], "static only"),
    ("simbody", "peer_chain_simbody", ["--integrator", "se2", "--accuracy", "1e-3"], ""),
    ("simbody", "peer_chain_simbody", ["--integrator", "rkm", "--accuracy", "1e-4"], ""),
    ("bullet", "peer_chain_bullet", ["--dt", "2.5e-4"], ""),
    ("bullet", "peer_chain_bullet", ["--dt", "1e-4"], ""),
    ("bullet", "peer_chain_bullet", ["--dt", "5e-4"], "trap"),
    ("bullet", "peer_chain_bullet", ["--dt", "1e-3"], "trap"),
    ("dart", "peer_chain_dart", ["--dt", "0.001"], ""),
    ("dart", "peer_chain_dart", ["--dt", "0.002"], ""),
    ("dart", "peer_chain_dart", ["--dt", "0.005"], ""),
    ("dart", "peer_chain_dart", ["--dt", "0.01"], ""),
    ("dart", "peer_chain_dart", ["--dt", "0.02"], ""),
    ("dart", "peer_chain_dart", ["--dt", "0.1"], "static only"),
    ("dart", "peer_chain_dart", ["--mode", "forces", "--dt", "2.5e-4"], ""),
    ("dart", "peer_chain_dart", ["--mode", "forces", "--dt", "5e-4"], "diverges"),
]
# asymmetric variant: (program, arguments); the first row is the reference of the t = 0.3 s table
ASYM_EARLY_T = 0.3
ASYMMETRIC = [
    ("peer_chain_simbody", ["--integrator", "rkm", "--accuracy", "1e-6"]),
    ("peer_chain_spinelab", ["--dt", "1e-5"]),
    ("peer_chain_spinelab", ["--dt", "0.001"]),
    ("peer_chain_spinelab", ["--dt", "0.002"]),
    ("peer_chain_simbody", ["--integrator", "se2", "--accuracy", "1e-3"]),
    ("peer_chain_bullet", ["--dt", "2.5e-5"]),
    ("peer_chain_bullet", ["--dt", "2.5e-4"]),
    ("peer_chain_dart", ["--dt", "0.001"]),
]
# stable asymmetric variant: k_r = 2000 N·m/rad (above buckling), the same 1 N·m; t = 10 s
STABLE_KR = 2000.0
ASYM_STABLE = [
    ("peer_chain_simbody", ["--integrator", "rkm", "--accuracy", "1e-5"]),
    ("peer_chain_simbody", ["--integrator", "se2", "--accuracy", "1e-3"]),
    ("peer_chain_spinelab", ["--dt", "1e-4"]),
    ("peer_chain_spinelab", ["--dt", "0.001"]),
    ("peer_chain_bullet", ["--dt", "2.5e-5"]),
    ("peer_chain_bullet", ["--dt", "2.5e-4"]),
    ("peer_chain_dart", ["--dt", "0.001"]),
]
ASYM_FINAL = [  # t = 10 s, the configurations of the speed table
    ("peer_chain_spinelab", ["--dt", "0.001"]),
    ("peer_chain_spinelab", ["--dt", "0.002"]),
    ("peer_chain_spinelab", ["--dt", "1e-4"]),
    ("peer_chain_simbody", ["--integrator", "se2", "--accuracy", "1e-3"]),
    ("peer_chain_bullet", ["--dt", "2.5e-4"]),
    ("peer_chain_bullet", ["--dt", "1e-4"]),
    ("peer_chain_dart", ["--dt", "0.001"]),
]


def parse(line):
    fields = {}
    for tok in line.split()[1:]:
        k, _, v = tok.partition("=")
        fields[k] = v
    return fields


def run(bindir, prog, args):
    """One run: (RESULT fields, POSE fields, process wall s measured outside the program)."""
    cmd = [os.path.join(bindir, prog)] + args
    timer = shutil.which("time", path="/usr/bin")
    marker = "PROCESS_WALL_S="
    if timer:
        cmd = [timer, "-f", marker + "%e"] + cmd
    t0 = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True)
    outside = time.perf_counter() - t0
    if p.returncode != 0:
        # a program that aborts (DART asserts on a diverged transform) is a failed row, not a failed table
        res = {"engine": os.path.basename(prog).replace("peer_chain_", ""), "integrator": "?", "step": args[-1],
               "steps": "0", "loop_wall_s": "nan", "angle_deg": "nan", "drop_mm": "nan", "t_end_s": "10",
               "angle_1s_deg": "nan", "status": f"crashed(exit {p.returncode})"}
        return res, None, outside
    for line in p.stderr.splitlines():
        if line.startswith(marker):
            outside = float(line[len(marker):])
    res = pose = None
    for line in p.stdout.splitlines():
        if line.startswith("RESULT "):
            res = parse(line)
        elif line.startswith("POSE "):
            pose = parse(line)
    if res is None or pose is None:
        raise RuntimeError(f"{' '.join(cmd)}: no RESULT/POSE line:\n{p.stdout}")
    return res, pose, outside


def pct(value, exact):
    return 100.0 * (value - exact) / exact


def fmt_step(res):
    s = res["step"]
    if s.startswith("accuracy:"):
        mean = float(res["t_end_s"]) / max(int(res["steps"]), 1)
        return f"adaptive, acc {float(s.split(':')[1]):g} (mean {mean:.2g} s)"
    return f"{float(s):g} s"


def integrator_name(res):
    return {"linearly-implicit-Euler": "linearly implicit Euler (own step)",
            "SemiExplicitEuler2": "SemiExplicitEuler2",
            "RungeKuttaMerson": "Runge-Kutta-Merson"}.get(res["integrator"],
                                                         res["integrator"].replace("Spring2+SI", "6DofSpring2, SI iters "))


def table(headers, rows, align=None):
    widths = [max(len(str(h)), *(len(str(r[i])) for r in rows)) for i, h in enumerate(headers)]
    align = align or ["<"] + [">"] * (len(headers) - 1)
    def line(cells):
        return "| " + " | ".join(f"{str(c):{a}{w}}" for c, a, w in zip(cells, align, widths)) + " |"
    out = [line(headers), "|" + "|".join(("-" * (w + 1) + ":" if a == ">" else "-" * (w + 2)) for a, w in zip(align, widths)) + "|"]
    out += [line(r) for r in rows]
    return "\n".join(out)


def quat_angle_deg(a, b):
    """Angle of the rotation between two unit quaternions (w, x, y, z) [deg]."""
    d = abs(sum(x * y for x, y in zip(a, b)))
    return math.degrees(2 * math.acos(min(1.0, d)))


def pose_of(p):
    return ((float(p["x_mm"]), float(p["y_mm"]), float(p["z_mm"])),
            (float(p["qw"]), float(p["qx"]), float(p["qy"]), float(p["qz"])))


def pose_table(bindir, configs, t_end, have, with_ref, extra=()):
    rows, ref = [], None
    for prog, args in configs:
        if prog not in have:
            continue
        res, pose, _ = run(bindir, prog, args + ["--asymmetric", "--t-end", str(t_end)] + list(extra))
        if pose is None:  # the program aborted
            rows.append([res["engine"], "?", " ".join(args)] + ["-"] * 4 + [res["status"]] + (["-", "-"] if with_ref else []))
            continue
        p, q = pose_of(pose)
        rv = pose["rotvec_deg"].split(",")
        row = [res["engine"], integrator_name(res), fmt_step(res),
               f"{p[0]:.2f}", f"{p[1]:.2f}", f"{p[2]:.2f}",
               "(" + ", ".join(f"{float(v):.1f}" for v in rv) + ")", res["status"]]
        if with_ref:
            if ref is None:
                ref = (p, q)
                row += ["reference", "reference"]
            else:
                row += [f"{math.dist(p, ref[0]):.2f}", f"{quat_angle_deg(q, ref[1]):.3f}"]
        rows.append(row)
    headers = ["engine", "integrator", "step", "x mm", "y mm", "z mm", "rotation vector deg", "status"]
    if with_ref:
        headers += ["|Δp| mm", "Δrot deg"]
    return table(headers, rows, ["<", "<", "<"] + [">"] * 3 + ["<", "<"] + [">"] * (2 if with_ref else 0))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=os.path.join(here, "..", "..", "build-peers", "bin"))
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--quick", action="store_true", help="1 run each, skip the slow Runge-Kutta-Merson row")
    a = ap.parse_args()
    runs = 1 if a.quick else a.runs
    bindir = os.path.abspath(a.bin)
    have = {p for p in ("peer_chain_spinelab", "peer_chain_simbody", "peer_chain_bullet", "peer_chain_dart")
            if os.access(os.path.join(bindir, p), os.X_OK)}
    if "peer_chain_spinelab" not in have:
        sys.exit(f"run_peers: {bindir}/peer_chain_spinelab not built")
    missing = sorted({"peer_chain_simbody", "peer_chain_bullet", "peer_chain_dart"} - have)

    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    print(f"Bushing chain (shared/reference/bushing_chain.md), 10 s simulated; {cpu}, {os.cpu_count()} cores; "
          f"median of {runs} run(s), single thread; load average at start {os.getloadavg()[0]:.2f}")
    if missing:
        print(f"not built, rows skipped: {', '.join(missing)}")

    rows, base = [], None
    best = {}  # engine -> fastest wall s per sim s among its accurate rows (end state and transient)
    for label, prog, args, note in SYMMETRIC:
        if prog not in have or (a.quick and "rkm" in args):
            continue
        results = [run(bindir, prog, args) for _ in range(runs)]
        res = results[0][0]
        wall = statistics.median(float(r[0]["loop_wall_s"]) for r in results) / float(res["t_end_s"])
        proc = statistics.median(r[2] for r in results)
        angles = {r[0]["angle_deg"] for r in results}
        twist, drop = float(res["angle_deg"]), float(res["drop_mm"])
        twist_1s = float(res.get("angle_1s_deg", "nan"))
        ok = res["status"] == "ok" and math.isfinite(twist) and math.isfinite(drop)
        e_t, e_d, e_1 = pct(twist, TWIST_DEG), pct(drop, DROP_MM), pct(twist_1s, TWIST_1S_DEG)
        accurate = ok and abs(e_t) <= TOLERANCE_PCT and abs(e_d) <= TOLERANCE_PCT
        transient = accurate and math.isfinite(e_1) and abs(e_1) <= TOLERANCE_PCT
        if base is None:
            base = wall
        if transient:
            best[label] = min(best.get(label, math.inf), wall)
        verdict = ("yes" if transient else "end state only") if accurate else ("NO: " + ("wrong answer" if ok else res["status"]))
        if len(angles) > 1:
            verdict += " (runs differ)"
        rows.append([label, integrator_name(res), fmt_step(res), res["steps"], f"{wall:.4f}", f"{1 / wall:.1f}x",
                     f"{proc:.2f}", f"{twist:.4f}", f"{drop:.4f}", f"{e_t:+.3f}", f"{e_d:+.3f}",
                     f"{twist_1s:.3f}", f"{e_1:+.2f}", verdict,
                     "1 (base)" if not rows else f"{wall / base:.3g}x"])
    print()
    print(f"Speed and answer (exact: twist {TWIST_DEG} deg, drop {DROP_MM} mm at 10 s; twist at 1 s {TWIST_1S_DEG} deg,"
          f" converged; accurate = all three within {TOLERANCE_PCT:g} %; 'end state only' = the 10-s answer within"
          f" {TOLERANCE_PCT:g} %, the transient not):")
    print(table(["engine", "integrator", "step / accuracy", "steps", "wall s per sim s", "real-time",
                 "process s", "twist deg", "drop mm", "twist err %", "drop err %", "twist@1s deg", "err@1s %",
                 "accurate", "spinelab 1 ms speed ratio"], rows,
                ["<", "<", "<"] + [">"] * 10 + ["<", ">"]))
    if "spinelab" in best:
        peers = {k: v for k, v in best.items() if k != "spinelab"}
        print()
        print(f"Fastest accurate row (end state and transient within {TOLERANCE_PCT:g} %): spinelab {best['spinelab']:.4f} wall s "
              "per sim s; " + "; ".join(f"{k} {v:.4f} ({v / best['spinelab']:.2f}x spinelab's)" for k, v in sorted(peers.items())))

    print()
    print(f"Asymmetric variant (+1 N·m about x on the top body): top body pose at t = {ASYM_EARLY_T:g} s, "
          f"before the column buckles; Δ against the first row (Simbody Runge-Kutta-Merson, converged):")
    print(pose_table(bindir, ASYMMETRIC, ASYM_EARLY_T, have, True))
    print("The converged runs of the three engines differ by a few tenths of a mm / degree: their rotation laws differ\n"
          "at O(θ²) once rotations combine (spinelab: rotation vector; Simbody LinearBushing: generalized forces of x-y-z\n"
          "Euler angles; Bullet 6DofSpring2 RO_XYZ: impulses about its constraint axes). Below that, Δ is step error.")
    print()
    print("Asymmetric variant: top body pose at t = 10 s (start: 0, 0, 720 mm). The column is unstable under "
          "gravity (k_r = 60 N·m/rad is far below buckling),\nso once tipped it folds over within ~0.8 s and hangs "
          "swinging below the sacrum: the final pose is chaotic and differs even between step sizes of one engine.")
    print(pose_table(bindir, ASYM_FINAL, 10.0, have, False))
    print()
    print(f"Stable asymmetric variant (k_r = {STABLE_KR:g} N·m/rad, above buckling; the same +1 N·m about x): top body "
          "pose at t = 10 s;\nΔ against the first row (Simbody Runge-Kutta-Merson at accuracy 1e-5). The rocking mode is "
          "damped only ≈0.4 % (c_r/k_r = 0.25 ms),\nso it still rings at 10 s: a first-order implicit step damps that "
          "ringing numerically (spinelab at 1 ms), an explicit one resolves it.")
    print(pose_table(bindir, ASYM_STABLE, 10.0, have, True, ["--kr", str(STABLE_KR)]))


if __name__ == "__main__":
    main()
