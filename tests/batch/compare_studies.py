#!/usr/bin/python3
"""Compares two spinelab study files: every dataset of every run (through the external links)
and the /index table must be bitwise identical; run attributes too, except the wall time.
Exit 0 when identical, 1 with the differences listed."""
import sys

import h5py
import numpy as np

NONDETERMINISTIC_ATTRS = {"wall_time_s"}


def walk(group, prefix, out):
    for name, obj in group.items():
        path = f"{prefix}/{name}"
        if isinstance(obj, h5py.Dataset):
            out[path] = obj
        else:
            out[path + "/"] = obj
            walk(obj, path, out)


def attrs(obj):
    return {k: v for k, v in obj.attrs.items() if k not in NONDETERMINISTIC_ATTRS}


def main(a_path, b_path):
    a, b = h5py.File(a_path, "r"), h5py.File(b_path, "r")
    ea, eb = {}, {}
    walk(a, "", ea)
    walk(b, "", eb)
    problems = []
    if set(ea) != set(eb):
        problems.append(f"objects differ: only in A {sorted(set(ea) - set(eb))[:5]}, only in B {sorted(set(eb) - set(ea))[:5]}")
    datasets = 0
    for path in sorted(set(ea) & set(eb)):
        x, y = ea[path], eb[path]
        ax, ay = attrs(x), attrs(y)
        if set(ax) != set(ay) or any(not np.array_equal(np.asarray(ax[k]), np.asarray(ay[k])) for k in ax):
            problems.append(f"{path}: attributes differ")
        if isinstance(x, h5py.Dataset):
            datasets += 1
            vx, vy = x[()], y[()]
            if x.dtype != y.dtype or np.shape(vx) != np.shape(vy):
                problems.append(f"{path}: dtype/shape differ")
            elif x.dtype.names is not None or x.dtype.kind == "O":
                if np.asarray(vx).tolist() != np.asarray(vy).tolist():  # tables and strings by value
                    problems.append(f"{path}: values differ")
            elif np.asarray(vx).tobytes() != np.asarray(vy).tobytes():
                problems.append(f"{path}: values differ")
    if problems:
        print("\n".join(problems[:20]))
        return 1
    print(f"identical: {datasets} datasets in {len([p for p in ea if p.startswith('/runs/') and p.endswith('/') and p.count('/') == 3])} runs")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
