#!/usr/bin/python3
"""The cases of check_ops.py (contiguous inputs: .npy files are) through the real pipeline,
weft-run's JIT and its generated C++ (--source=cpp), bit-exact against the same numpy references.

  /usr/bin/python3 test/lowering-check/check_weftrun.py [col2im|im2col|concat ...] [--cpp]

WEFT_RUN names the binary (default build-ops/bin/weft-run). With --cpp every case also runs
through the C++ source target (slower: one C++ build per case).
"""
import itertools
import os
import subprocess
import sys
import tempfile

import numpy as np

import check_ops as c
from weftcheck import DTYPES, ROOT, tensor_type

WEFT_RUN = os.environ.get("WEFT_RUN", os.path.join(ROOT, "build-ops", "bin", "weft-run"))
WORK = tempfile.mkdtemp(prefix="weftrun-")
SOURCES = ["jit", "cpp"] if "--cpp" in sys.argv else ["jit"]
failures = []
count = 0


def run_case(label, source, inputs, expect):
    global count
    count += 1
    mlir = os.path.join(WORK, "k.mlir")
    with open(mlir, "w") as f:
        f.write(source)
    paths = []
    for i, a in enumerate(inputs):
        paths.append(os.path.join(WORK, f"in{i}.npy"))
        np.save(paths[-1], np.ascontiguousarray(a))
    for src in SOURCES:
        out = os.path.join(WORK, "out.npy")
        r = subprocess.run([WEFT_RUN, mlir, *paths, "-o", out, f"--source={src}", "--num-threads=2"],
                           capture_output=True, text=True)
        if r.returncode != 0:
            failures.append(f"{label} [{src}]: weft-run failed: {r.stderr[:300]}")
            continue
        got = np.load(out)
        want = np.ascontiguousarray(expect)
        if got.shape != want.shape or not np.array_equal(c.bits(got.view(want.dtype)), c.bits(want)):
            failures.append(f"{label} [{src}]: output differs")


def col2im():
    for (K, OC, T_in, s, p), dtype in itertools.product(c.COL2IM_CASES, ("f32", "f16", "bf16")):
        T_out = (T_in - 1) * s + K - 2 * p
        for batch in (None, 2):
            lead = () if batch is None else (batch,)
            cols = c.random_of(dtype, lead + (T_in, OC * K))
            expect = c.col2im_ref(cols, dtype, s, OC, p)
            in_t, out_t = tensor_type(lead + (T_in, OC * K), dtype), tensor_type(lead + (OC, T_out), dtype)
            for sch in c.COL2IM_SCHEDULES[::2] if batch is None else [dict()]:
                src = (f"func.func @k(%x: {in_t}) -> {out_t} {{\n"
                       f"  %y = weft.col2im_1d %x {{stride = {s}, channels = {OC}, padding = {p}, "
                       f"schedule = {c.schedule(**sch)}}} : {in_t} -> {out_t}\n  return %y : {out_t}\n}}\n")
                run_case(f"col2im K{K} OC{OC} T{T_in} s{s} p{p} {dtype} batch={batch} {sch}", src, [cols], expect)


def im2col():
    cases = [(2, 2, 20, 3, s, p, d) for s, p, d in itertools.product((1, 3), (0, 3), (1, 3))]
    cases += [(1, 128, 300, 3, 1, 1, 1), (2, 5, 33, 12, 2, 4, 1)]
    for (N, IC, IW, K, s, p, d), (din, dout) in itertools.product(cases, [("f32", "f32"), ("f32", "f16"),
                                                                          ("bf16", "bf16"), ("f16", "bf16")]):
        OW = (IW + 2 * p - d * (K - 1) - 1) // s + 1
        x = c.random_of(din, (N, IC, IW))
        expect = c.im2col_ref(x, din, dout, K, s, p, d)
        for sch in [dict(), dict(parallel="channel", tile=2)]:
            in_t, out_t = tensor_type((N, IC, IW), din), tensor_type((N, OW, IC * K), dout)
            src = (f"func.func @k(%x: {in_t}) -> {out_t} {{\n"
                   f"  %y = weft.im2col_1d %x {{kernel = {K}, stride = {s}, padding = {p}, dilation = {d}, "
                   f"schedule = {c.schedule(**sch)}}} : {in_t} -> {out_t}\n  return %y : {out_t}\n}}\n")
            run_case(f"im2col N{N} IC{IC} IW{IW} K{K} s{s} p{p} d{d} {din}->{dout} {sch}", src, [x], expect)


def concat():
    for dtype in DTYPES:
        for shape, axis in [((300,), 0), ((7, 37), 0), ((7, 37), 1), ((2, 3, 19), 1), ((1, 2, 17, 3), 3)]:
            b_shape = list(shape)
            b_shape[axis] += 2
            a, b = c.random_of(dtype, shape), c.random_of(dtype, tuple(b_shape))
            expect = np.concatenate([a, b], axis)
            for sch in [dict(), dict(copy="flat", tile=7), dict(copy="row", tile=2)]:
                ta, tb, to = tensor_type(shape, dtype), tensor_type(b_shape, dtype), tensor_type(expect.shape, dtype)
                src = (f"func.func @k(%a: {ta}, %b: {tb}) -> {to} {{\n"
                       f"  %y = weft.concat %a, %b {{axis = {axis}, schedule = {c.schedule(**sch)}}} : "
                       f"{ta}, {tb} -> {to}\n  return %y : {to}\n}}\n")
                run_case(f"concat {dtype} {shape} axis {axis} {sch}", src, [a, b], expect)


if __name__ == "__main__":
    which = [a for a in sys.argv[1:] if not a.startswith("--")] or ["col2im", "im2col", "concat"]
    for w in which:
        globals()[w]()
        print(f"{w}: {count} cases so far, {len(failures)} failures", flush=True)
    for f in failures[:40]:
        print("FAIL", f)
    print("all passed" if not failures else f"{len(failures)} failures")
    sys.exit(1 if failures else 0)
