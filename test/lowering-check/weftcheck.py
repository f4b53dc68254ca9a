"""Compile one weft op to a shared library and run it on numpy arrays, without the runtime.

The kernels go through the CPU target's stages (compiler/Pipeline.cpp): weft-opt for the weft
passes (weft-expand-bf16 included), mlir-opt for the upstream conversions, mlir-translate and
clang for the object. The entry
is the kernel itself after convert-func-to-llvm: one 1-D memref descriptor (allocated pointer,
aligned pointer, offset, size, stride) per program buffer and for the parameter block, then the
grid range [begin, end). The parameter block follows docs/abi.md: per buffer, its extents, then
its element strides.

Used by check_ops.py (bit-exact checks against numpy) and bench_ops.py (timings).
"""
import ctypes
import hashlib
import os
import re
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
LLVM_BIN = "/usr/lib/llvm-22/bin"
WEFT_OPT = os.environ.get("WEFT_OPT", os.path.join(ROOT, "build-ops", "bin", "weft-opt"))
CACHE = os.environ.get("WEFTCHECK_CACHE", os.path.join(tempfile.gettempdir(), "weftcheck-cache"))

# The grid becomes a range before any canonicalisation: canonicalize would otherwise inline a grid
# of one item or merge a nested scf.parallel into the grid loop, which weft-cpu-grid-to-range refuses.
FRONT = ("builtin.module(func.func(weft-resolve-schedule),weft-lower-to-loops,"
         "func.func(weft-cpu-grid-to-range),canonicalize,cse,weft-expand-bf16)")
TO_LLVM = ("builtin.module(convert-vector-to-scf,convert-scf-to-cf,expand-strided-metadata,lower-affine,"
           "arith-expand,finalize-memref-to-llvm,convert-vector-to-llvm,"
           "convert-math-to-llvm,convert-arith-to-llvm,convert-index-to-llvm,convert-cf-to-llvm,"
           "convert-func-to-llvm,reconcile-unrealized-casts)")

# weft dtype -> (numpy storage dtype, MLIR element type). bf16 is stored as its uint16 bits.
DTYPES = {
    "f32": (np.float32, "f32"), "f16": (np.float16, "f16"), "bf16": (np.uint16, "bf16"),
    "i8": (np.int8, "i8"), "i16": (np.int16, "i16"), "i32": (np.int32, "i32"), "i64": (np.int64, "i64"),
}


def tensor_type(shape, dtype):
    dims = "x".join("?" if d is None else str(d) for d in shape)
    return f"tensor<{dims}x{DTYPES[dtype][1]}>"


def f32_to_bf16(a):
    """Round-to-nearest-even f32 -> bf16 bits (NaN stays NaN)."""
    u = np.ascontiguousarray(a, dtype=np.float32).view(np.uint32).astype(np.uint64)
    r = ((u + 0x7FFF + ((u >> 16) & 1)) >> 16).astype(np.uint16)
    nan = np.isnan(np.asarray(a, dtype=np.float32))
    return np.where(nan, ((u >> 16) | 0x40).astype(np.uint16), r)


def bf16_to_f32(bits):
    return (np.asarray(bits, dtype=np.uint16).astype(np.uint32) << 16).view(np.float32)


def to_f32(a, dtype):
    return bf16_to_f32(a) if dtype == "bf16" else np.asarray(a).astype(np.float32)


def from_f32(a, dtype):
    a = np.asarray(a, dtype=np.float32)
    if dtype == "bf16":
        return f32_to_bf16(a)
    return a.astype(DTYPES[dtype][0])


class Kernel:
    def __init__(self, lib, name, grid):
        self.fn = getattr(lib, name)
        self.fn.restype = None
        self.grid = grid  # list of (slot or None, extent, tile)


class Program:
    """One compiled source function: its kernels in launch order."""

    def __init__(self, source, func_name):
        key = hashlib.sha256((source + FRONT + TO_LLVM + WEFT_OPT + str(os.path.getmtime(WEFT_OPT))).encode()).hexdigest()[:24]
        os.makedirs(CACHE, exist_ok=True)
        base = os.path.join(CACHE, key)
        if not os.path.exists(base + ".so"):
            with open(base + ".mlir", "w") as f:
                f.write(source)
            run([WEFT_OPT, base + ".mlir", "--pass-pipeline=" + FRONT, "-o", base + ".loops.mlir"])
            run([f"{LLVM_BIN}/mlir-opt", base + ".loops.mlir", "--pass-pipeline=" + TO_LLVM, "-o", base + ".llvm.mlir"])
            run([f"{LLVM_BIN}/mlir-translate", "--mlir-to-llvmir", base + ".llvm.mlir", "-o", base + ".ll"])
            run([f"{LLVM_BIN}/clang", "-O3", "-march=x86-64-v3", "-Wno-override-module", "-shared", "-fPIC",
                 base + ".ll", "-o", base + ".tmp.so"])
            os.rename(base + ".tmp.so", base + ".so")
        self.loops = open(base + ".loops.mlir").read()
        lib = ctypes.CDLL(base + ".so")
        desc = re.search(func_name + r' = "(.*?)"', self.loops).group(1).replace("\\0A", "\n")
        self.kernels = []
        for line in desc.splitlines():
            parts = line.split()
            if parts and parts[0] == "launch":
                grid = []
                for f in parts[2:]:
                    e, t = f.split("/")
                    grid.append((int(e[1:]), 0, int(t)) if e.startswith("$") else (None, int(e), int(t)))
                self.kernels.append(Kernel(lib, parts[1], grid))

    def __call__(self, inputs, outputs, threads=1, chunk=None):
        """Runs every kernel over its grid. `inputs` may be strided numpy views (element strides);
        `outputs` must be contiguous. With chunk = 1 each grid item is its own call."""
        bufs = list(inputs) + list(outputs)
        params = []
        for a in bufs:
            params += list(a.shape) + [s // a.itemsize for s in a.strides]
        params = np.array(params, dtype=np.int64)
        args = []
        for a in bufs + [params]:
            p = ctypes.c_void_p(a.ctypes.data)
            args += [p, p, ctypes.c_int64(0), ctypes.c_int64(1 << 40), ctypes.c_int64(1)]
        for k in self.kernels:
            n = 1
            for slot, e, t in k.grid:
                n *= -(-(params[slot] if slot is not None else e) // t)
            step = chunk or max(1, -(-n // (threads * 8)))
            ranges = [(b, min(n, b + step)) for b in range(0, n, step)]
            call = lambda r: k.fn(*args, ctypes.c_int64(r[0]), ctypes.c_int64(r[1]))
            if threads == 1:
                for r in ranges:
                    call(r)
            else:
                with ThreadPoolExecutor(threads) as pool:
                    list(pool.map(call, ranges))


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(" ".join(cmd[:2]) + "\n" + r.stderr[:400])
