#!/usr/bin/python3
"""Bit-exact checks of the col2im_1d, im2col_1d and concat loop builders against numpy references,
over every schedule form, the dtypes and the geometric cases of shared/ops.md.

  /usr/bin/python3 test/lowering-check/check_ops.py [col2im|im2col|concat ...]   (default: all)

Outputs start as a 0xA5 byte pattern so an unwritten element shows; every grid item runs as its
own call (chunk = 1) and again as whole ranges on two threads.
"""
import itertools
import sys

import numpy as np

from weftcheck import DTYPES, Program, from_f32, tensor_type, to_f32

rng = np.random.default_rng(7)
failures = []


def random_f32(shape):
    # Mixed magnitudes, so the summation order shows in the bits.
    return (rng.standard_normal(shape) * 10.0 ** rng.uniform(-3, 3, shape)).astype(np.float32)


def random_of(dtype, shape):
    if dtype in ("f32", "f16", "bf16"):
        return from_f32(random_f32(shape), dtype)
    info = np.iinfo(DTYPES[dtype][0])
    return rng.integers(info.min, info.max, shape, dtype=DTYPES[dtype][0], endpoint=True)


def garbage(shape, dtype):
    return np.full(int(np.prod(shape)) * np.dtype(DTYPES[dtype][0]).itemsize, 0xA5, np.uint8).view(
        DTYPES[dtype][0]).reshape(shape)


def schedule(**fields):
    parts = []
    for k, v in fields.items():
        if v is None:
            continue
        parts.append(f"{k} = [{v}]" if k == "tile" else f"{k} = {v}")
    return "#weft.schedule<" + ", ".join(parts) + ">"


def bits(a):
    return a.view(np.dtype(f"u{a.itemsize}"))


def run_case(label, source, inputs, out_shape, out_dtype, expect):
    try:
        prog = Program(source, "k")
        for threads, chunk in ((1, 1), (2, None)):
            out = garbage(out_shape, out_dtype)
            prog(inputs, [out], threads=threads, chunk=chunk)
            got, want = bits(out), bits(np.ascontiguousarray(expect))
            if not np.array_equal(got, want):
                bad = np.argwhere(got != want)
                failures.append(f"{label} (threads {threads}): {len(bad)} elements differ, first at {bad[:3].tolist()}")
                return
    except Exception as e:  # noqa: BLE001 -- report and go on with the other cases
        failures.append(f"{label}: {e}")


# ---- col2im_1d -------------------------------------------------------------------------------

def col2im_ref(cols, dtype, s, OC, p):
    x = to_f32(cols, dtype)
    T_in, W = x.shape[-2], x.shape[-1]
    K = W // OC
    T_out = (T_in - 1) * s + K - 2 * p
    y = np.zeros(x.shape[:-2] + (OC, T_out), np.float32)
    for t_in in range(T_in):  # ascending t_in, one f32 add per contribution
        row = x[..., t_in, :].reshape(x.shape[:-2] + (OC, K))
        for k in range(K):
            t = t_in * s + k - p
            if 0 <= t < T_out:
                y[..., t] += row[..., k]
    return from_f32(y, dtype)


COL2IM_CASES = [(16, 32, 197, 8, 0), (4, 3, 7, 2, 0), (1, 5, 13, 1, 0), (6, 4, 11, 3, 1), (2, 3, 9, 3, 0),
                (5, 4, 11, 2, 0), (8, 4, 13, 4, 2), (4, 3, 1, 2, 0), (16, 1, 197, 8, 0), (1, 5, 13, 3, 0),
                (8, 2, 3, 2, 5)]
COL2IM_SCHEDULES = [dict(gather=g, parallel=par, tile=t)
                    for g in ("sweep", "bounded", "scan") for par in ("time", "channel") for t in (None, 3)]
COL2IM_SCHEDULES += [dict(gather="sweep", parallel="time", tile=8, vector=4), dict()]


def check_col2im():
    for (K, OC, T_in, s, p), dtype in itertools.product(COL2IM_CASES, ("f32", "f16", "bf16")):
        T_out = (T_in - 1) * s + K - 2 * p
        for batch, dyn in ((None, False), (2, False), (None, True)):
            lead = () if batch is None else (batch,)
            cols = random_of(dtype, lead + (T_in, OC * K))
            expect = col2im_ref(cols, dtype, s, OC, p)
            in_t = tensor_type(lead + (None if dyn else T_in, OC * K), dtype)
            out_t = tensor_type(lead + (OC, None if dyn else T_out), dtype)
            for sch in COL2IM_SCHEDULES if batch is None and not dyn else COL2IM_SCHEDULES[::3]:
                src = (f"func.func @k(%x: {in_t}) -> {out_t} {{\n"
                       f"  %y = weft.col2im_1d %x {{stride = {s}, channels = {OC}, padding = {p}, "
                       f"schedule = {schedule(**sch)}}} : {in_t} -> {out_t}\n  return %y : {out_t}\n}}\n")
                label = f"col2im K{K} OC{OC} T{T_in} s{s} p{p} {dtype} batch={batch} dyn={dyn} {sch}"
                run_case(label, src, [cols], expect.shape, dtype, expect)


# ---- im2col_1d -------------------------------------------------------------------------------

def im2col_ref(x, in_dtype, out_dtype, K, s, p, d):
    N, IC, IW = x.shape
    OW = (IW + 2 * p - d * (K - 1) - 1) // s + 1
    cols = np.zeros((N, OW, IC, K), DTYPES[in_dtype][0])
    for ow, k in itertools.product(range(OW), range(K)):
        pos = ow * s + k * d - p
        if 0 <= pos < IW:
            cols[:, ow, :, k] = x[:, :, pos]
    cols = cols.reshape(N, OW, IC * K)
    return cols if in_dtype == out_dtype else from_f32(to_f32(cols, in_dtype), out_dtype)


def check_im2col():
    cases = [(2, 2, 20, 3, s, p, d) for s, p, d in itertools.product((1, 3), (0, 3), (1, 3))]
    cases += [(1, 128, 300, 3, 1, 1, 1), (1, 3, 40, 7, 1, 3, 1), (2, 5, 33, 12, 2, 4, 1), (1, 4, 9, 9, 1, 0, 1)]
    for (N, IC, IW, K, s, p, d), (din, dout) in itertools.product(
            cases, [("f32", "f32"), ("f32", "f16"), ("f16", "f32"), ("bf16", "bf16"), ("bf16", "f16"), ("f16", "bf16")]):
        OW = (IW + 2 * p - d * (K - 1) - 1) // s + 1
        x = random_of(din, (N, IC, IW))
        expect = im2col_ref(x, din, dout, K, s, p, d)
        for sch, dyn in [(dict(parallel="time"), False), (dict(parallel="time", tile=3, vector=4), False),
                         (dict(parallel="channel", tile=2), False), (dict(), True)]:
            in_t = tensor_type((N, IC, None if dyn else IW), din)
            out_t = tensor_type((N, None if dyn else OW, IC * K), dout)
            src = (f"func.func @k(%x: {in_t}) -> {out_t} {{\n"
                   f"  %y = weft.im2col_1d %x {{kernel = {K}, stride = {s}, padding = {p}, dilation = {d}, "
                   f"schedule = {schedule(**sch)}}} : {in_t} -> {out_t}\n  return %y : {out_t}\n}}\n")
            run_case(f"im2col N{N} IC{IC} IW{IW} K{K} s{s} p{p} d{d} {din}->{dout} dyn={dyn} {sch}",
                     src, [x], expect.shape, dout, expect)


# ---- concat ----------------------------------------------------------------------------------

def strided_view(arr, kind):
    """The same values as `arr`, laid out contiguously, with gaps, or with permuted strides."""
    if kind == "contiguous":
        return arr
    if kind == "gaps":  # every dim padded, innermost stride 2
        big = np.zeros(tuple(2 * e + 1 for e in arr.shape), arr.dtype)
        view = big[tuple(slice(1, 1 + 2 * e, 2) for e in arr.shape)]
        view[...] = arr
        return view
    if kind == "rowgaps":  # innermost stride 1, rows padded
        big = np.zeros(arr.shape[:-1] + (arr.shape[-1] + 3,), arr.dtype)
        view = big[..., 2:2 + arr.shape[-1]]
        view[...] = arr
        return view
    # "permuted": stored in reversed dim order, viewed back
    store = np.ascontiguousarray(np.transpose(arr))
    return np.transpose(store)


def check_concat():
    shapes = {1: [(5,), (300,)], 2: [(3, 4), (7, 37)], 3: [(2, 3, 19)], 4: [(2, 3, 2, 5), (1, 2, 17, 3)]}
    kinds = ("contiguous", "gaps", "rowgaps", "permuted")
    for dtype in DTYPES:
        for rank, shape_list in shapes.items():
            for shape, axis in itertools.product(shape_list, range(rank)):
                b_shape = list(shape)
                b_shape[axis] += 2
                a = random_of(dtype, shape)
                b = random_of(dtype, tuple(b_shape))
                expect = np.concatenate([a, b], axis)
                for ka, kb, sch, dyn in [("contiguous", "contiguous", dict(copy="row"), False),
                                         ("contiguous", "contiguous", dict(copy="flat", tile=7), False),
                                         (kinds[rank % 4], kinds[(rank + 1) % 4], dict(copy="row", tile=2), False),
                                         ("gaps", "permuted", dict(copy="flat", tile=5, vector=4), False),
                                         ("rowgaps", "contiguous", dict(), True)]:
                    ta = tensor_type([None if dyn else e for e in shape], dtype)
                    tb = tensor_type(b_shape, dtype)
                    tout = tensor_type([None if dyn and i == axis else e for i, e in enumerate(expect.shape)],
                                       dtype)
                    src = (f"func.func @k(%a: {ta}, %b: {tb}) -> {tout} {{\n"
                           f"  %y = weft.concat %a, %b {{axis = {axis}, schedule = {schedule(**sch)}}} : "
                           f"{ta}, {tb} -> {tout}\n  return %y : {tout}\n}}\n")
                    run_case(f"concat {dtype} {shape}+{tuple(b_shape)} axis {axis} {ka}/{kb} dyn={dyn} {sch}", src,
                             [strided_view(a, ka), strided_view(b, kb)], expect.shape, dtype, expect)


if __name__ == "__main__":
    which = sys.argv[1:] or ["col2im", "im2col", "concat"]
    for w in which:
        globals()["check_" + w]()
        print(f"{w}: done, {len(failures)} failures so far", flush=True)
    for f in failures[:40]:
        print("FAIL", f)
    print("all passed" if not failures else f"{len(failures)} failures")
    sys.exit(1 if failures else 0)
