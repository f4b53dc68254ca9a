# Checks weft-run's col2im_1d output bit for bit against a NumPy reference that accumulates in
# f32 in ascending t_in order and rounds once (shared/ops.md). Usage:
#   col2im_ref.py make COLS.npy T_IN OC K DTYPE     writes random inputs
#   col2im_ref.py check COLS.npy Y.npy STRIDE OC PADDING DTYPE
import sys
import numpy as np


def to_bf16_bits(x):
    u = x.astype(np.float32).view(np.uint32)
    return ((u + 0x7FFF + ((u >> 16) & 1)) >> 16).astype(np.uint16)


def widen(a, dtype):
    if dtype == "bf16":
        return (a.astype(np.uint32) << 16).view(np.float32)
    return a.astype(np.float32)


def narrow(y, dtype):
    if dtype == "bf16":
        return to_bf16_bits(y)
    return y.astype({"f32": np.float32, "f16": np.float16}[dtype])


if sys.argv[1] == "make":
    path, t_in, oc, k, dtype = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
    x = np.random.default_rng(0).standard_normal((t_in, oc * k)).astype(np.float32)
    np.save(path, narrow(x, dtype))
    sys.exit(0)

cols_path, y_path, s, oc, p, dtype = sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]), sys.argv[7]
cols = widen(np.load(cols_path), dtype)
t_in, width = cols.shape
k = width // oc
full = np.zeros((oc, (t_in - 1) * s + k), np.float32)
for t in range(t_in):
    full[:, t * s:t * s + k] += cols[t].reshape(oc, k)
want = narrow(full[:, p:full.shape[1] - p], dtype)
got = np.load(y_path)
if got.shape != want.shape:
    sys.exit("shape %s, expected %s" % (got.shape, want.shape))
diff = int((got.view(np.uint8) != want.view(np.uint8)).sum())
print("col2im_1d %s %s: %s" % (dtype, "x".join(map(str, got.shape)), "bit-exact" if diff == 0 else "%d bytes differ" % diff))
