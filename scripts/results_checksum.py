#!/usr/bin/env python3
"""Checksums every dataset and attribute of a spinelab results file, one line each.

Run it before and after a change that must not alter any result, and diff the two listings:
  /usr/bin/python3 scripts/results_checksum.py results/demo.h5 > before.txt
Attributes that measure the machine rather than the model (wall_time_s) are listed by name only.
"""
import hashlib
import sys

import h5py
import numpy as np

MACHINE_ATTRS = {"wall_time_s"}


def digest(value):
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "OSU" or value.dtype.names:
            # strings and compound rows (which may hold variable-length strings, whose raw bytes
            # are pointers) are digested through their values, not their memory
            return hashlib.sha1("\x1f".join(map(str, value.ravel().tolist())).encode()).hexdigest()[:16]
        return hashlib.sha1(np.ascontiguousarray(value).tobytes() + str(value.shape).encode()).hexdigest()[:16]
    return hashlib.sha1(repr(value).encode()).hexdigest()[:16]


def main(path, skip_attrs=()):
    skip = MACHINE_ATTRS | set(skip_attrs)
    with h5py.File(path, "r") as f:
        lines = []

        def attrs(name, obj):
            for k in sorted(obj.attrs):
                v = obj.attrs[k]
                lines.append(f"{name}@{k} {'(machine)' if k in skip else digest(v)}")

        attrs("/", f)

        def visit(name, obj):
            attrs("/" + name, obj)
            if isinstance(obj, h5py.Dataset):
                lines.append(f"/{name} {obj.shape} {digest(obj[()])}")

        f.visititems(visit)
    print("\n".join(lines))


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: results_checksum.py FILE.h5 [ATTR_TO_SKIP ...]")
    main(sys.argv[1], sys.argv[2:])
