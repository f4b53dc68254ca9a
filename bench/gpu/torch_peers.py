"""The GPU bench's peers, on the same GPU and shapes as bench/gpu/kernels.mlir: PyTorch's fold
(col2im), unfold (im2col), cat, conv_transpose1d (cuDNN) and matmul (cuBLAS, no TF32), two Triton
col2im kernels (where Triton is installed), and a device-to-device copy as the bandwidth limit:
one of 1 GiB (the machine's rate) and, per data-movement case, one moving the same bytes as the
case (`copy:NAME`: half read, half written), which pays the same launch and ramp a kernel of that
size pays. Medians of CUDA-event timings over many runs after a warm-up; GB/s over the bytes each
op must move. Prints one tab-separated line per case: NAME median_us GB/s.

The Triton rows: `triton-plain:` visits every tap with a mask (ggml's full-K form); `triton:`
visits only the ceil(K/s) taps that can reach each output (the bounded gather), at the fastest of
several block sizes, as Triton's autotuner would pick. The second is the one to beat."""
import torch

try:
    import triton
    import triton.language as tl
except ImportError:  # the table then has no Triton rows
    triton = None

RUNS = 100

if triton is not None:

    @triton.jit
    def col2im_kernel(cols, out, T_in, T_out, OC: tl.constexpr, K: tl.constexpr, S: tl.constexpr,
                      BLOCK: tl.constexpr):
        # out[oc][t] = sum over taps k with (t - k) % S == 0 of cols[(t - k) / S][oc * K + k]
        oc = tl.program_id(1)
        t = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
        acc = tl.zeros([BLOCK], dtype=tl.float32)
        for k in tl.static_range(K):
            tk = t - k
            t_in = tk // S
            ok = (tk >= 0) & (tk % S == 0) & (t_in < T_in) & (t < T_out)
            v = tl.load(cols + t_in * (OC * K) + oc * K + k, mask=ok, other=0.0)
            acc += v.to(tl.float32)
        tl.store(out + oc * T_out + t, acc.to(out.dtype.element_ty), mask=t < T_out)

    @triton.jit
    def col2im_bounded_kernel(cols, out, T_in, T_out, OC: tl.constexpr, K: tl.constexpr, S: tl.constexpr,
                              BLOCK: tl.constexpr):
        # Output t takes taps k = t % S + m * S from cols row t // S - m, m < ceil(K / S).
        oc = tl.program_id(1)
        t = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
        r = t % S
        q = t // S
        acc = tl.zeros([BLOCK], dtype=tl.float32)
        for m in tl.static_range((K + S - 1) // S):
            k = r + m * S
            t_in = q - m
            ok = (k < K) & (t_in >= 0) & (t_in < T_in) & (t < T_out)
            v = tl.load(cols + t_in * (OC * K) + oc * K + k, mask=ok, other=0.0)
            acc += v.to(tl.float32)
        tl.store(out + oc * T_out + t, acc.to(out.dtype.element_ty), mask=t < T_out)


def median_us(fn):
    for _ in range(5):
        fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(RUNS):
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        fn()
        end.record()
        end.synchronize()
        times.append(start.elapsed_time(end) * 1000.0)
    times.sort()
    return times[len(times) // 2]


def report(name, fn, nbytes):
    report_us(name, median_us(fn), nbytes)


def report_us(name, us, nbytes):
    print(f"{name}\t{us:.1f}\t{nbytes / (us * 1e-6) / 1e9:.0f}", flush=True)


def main():
    dev = "cuda"
    src = torch.randn(1 << 28, device=dev)  # 1 GiB
    dst = torch.empty_like(src)
    report("copy", lambda: dst.copy_(src), 2 * src.numel() * 4)

    def same_size_copy(name, nbytes):
        n = nbytes // 8  # f32 elements read (and as many written)
        report("copy:" + name, lambda: dst[:n].copy_(src[:n]), 8 * n)

    def col2im(name, dtype, K, OC, T_in, s):
        T_out = (T_in - 1) * s + K
        cols = torch.randn(T_in, OC * K, device=dev, dtype=dtype)
        # fold wants [N, C*k, L]: channels x taps as rows, the T_in positions as columns.
        inp = cols.view(T_in, OC, K).permute(1, 2, 0).reshape(1, OC * K, T_in).contiguous()
        fn = lambda: torch.nn.functional.fold(inp, (1, T_out), (1, K), stride=(1, s))
        nbytes = (cols.numel() + OC * T_out) * cols.element_size()
        report(name, fn, nbytes)
        same_size_copy(name, nbytes)
        if triton is not None:
            out = torch.empty(OC, T_out, device=dev, dtype=dtype)
            ref = fn().view(OC, T_out)

            def run(kernel, block):
                grid = (triton.cdiv(T_out, block), OC)
                return lambda: kernel[grid](cols, out, T_in, T_out, OC, K, s, block)

            report("triton-plain:" + name, run(col2im_kernel, 256), nbytes)
            best = None
            for block in (128, 256, 512, 1024, 2048):
                tfn = run(col2im_bounded_kernel, block)
                tfn()
                if not torch.allclose(out.float(), ref.float(), rtol=1e-2, atol=1e-2):
                    raise SystemExit(f"triton bounded col2im, block {block}: wrong result on {name}")
                us = median_us(tfn)
                print(f"# triton bounded {name} block {block}: {us:.1f} us", flush=True)
                best = us if best is None else min(best, us)
            report_us("triton:" + name, best, nbytes)

    col2im("col2im_f32", torch.float32, 16, 512, 2048, 8)
    col2im("col2im_f16", torch.float16, 16, 512, 2048, 8)
    col2im("col2im_k4_f16", torch.float16, 4, 128, 65536, 2)

    def im2col(name, dtype):
        x = torch.randn(1, 512, 1, 8192, device=dev, dtype=dtype)
        fn = lambda: torch.nn.functional.unfold(x, (1, 7), padding=(0, 3))
        nbytes = (x.numel() + 8192 * 512 * 7) * x.element_size()
        report(name, fn, nbytes)
        same_size_copy(name, nbytes)

    im2col("im2col_f32", torch.float32)
    im2col("im2col_f16", torch.float16)

    def cat(name, dtype):
        a = torch.randn(256, 65536, device=dev, dtype=dtype)
        b = torch.randn(256, 65536, device=dev, dtype=dtype)
        nbytes = 4 * a.numel() * a.element_size()
        report(name, lambda: torch.cat([a, b], 0), nbytes)
        same_size_copy(name, nbytes)

    cat("concat_f32", torch.float32)
    cat("concat_f16", torch.float16)

    # conv_transpose_1d f16 (IC 1024, OC 512, K 16, s 8, T_in 2048) through cuDNN.
    x = torch.randn(1, 1024, 2048, device=dev, dtype=torch.float16)
    w = torch.randn(1024, 512, 16, device=dev, dtype=torch.float16) * 0.03
    T_out = 2047 * 8 + 16
    report("conv_transpose_f16", lambda: torch.nn.functional.conv_transpose1d(x, w, stride=8),
           (x.numel() + w.numel() + 512 * T_out) * 2)

    torch.backends.cuda.matmul.allow_tf32 = False
    a = torch.randn(1024, 1024, device=dev)
    b = torch.randn(1024, 1024, device=dev)
    report("matmul_f32", lambda: a @ b, 3 * a.numel() * 4)
    print("device\t" + torch.cuda.get_device_name(), flush=True)


if __name__ == "__main__":
    main()
