"""The GPU bench's peers, on the same GPU and shapes as bench/gpu/kernels.mlir: PyTorch's fold
(col2im), unfold (im2col) and cat, and a device-to-device copy as the bandwidth limit. Medians of
CUDA-event timings over many runs after a warm-up; GB/s over the bytes each op must move.
Prints one tab-separated line per case: NAME median_us GB/s."""
import torch

RUNS = 100


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
    us = median_us(fn)
    print(f"{name}\t{us:.1f}\t{nbytes / (us * 1e-6) / 1e9:.0f}", flush=True)


def main():
    dev = "cuda"
    src = torch.randn(1 << 28, device=dev)  # 1 GiB
    dst = torch.empty_like(src)
    report("copy", lambda: dst.copy_(src), 2 * src.numel() * 4)

    def col2im(name, dtype, K, OC, T_in, s):
        T_out = (T_in - 1) * s + K
        cols = torch.randn(T_in, OC * K, device=dev, dtype=dtype)
        # fold wants [N, C*k, L]: channels x taps as rows, the T_in positions as columns.
        inp = cols.view(T_in, OC, K).permute(1, 2, 0).reshape(1, OC * K, T_in).contiguous()
        fn = lambda: torch.nn.functional.fold(inp, (1, T_out), (1, K), stride=(1, s))
        report(name, fn, (cols.numel() + OC * T_out) * cols.element_size())

    col2im("col2im_f32", torch.float32, 16, 512, 2048, 8)
    col2im("col2im_f16", torch.float16, 16, 512, 2048, 8)
    col2im("col2im_k4_f16", torch.float16, 4, 128, 65536, 2)

    def im2col(name, dtype):
        x = torch.randn(1, 512, 1, 8192, device=dev, dtype=dtype)
        fn = lambda: torch.nn.functional.unfold(x, (1, 7), padding=(0, 3))
        report(name, fn, (x.numel() + 8192 * 512 * 7) * x.element_size())

    im2col("im2col_f32", torch.float32)
    im2col("im2col_f16", torch.float16)

    def cat(name, dtype):
        a = torch.randn(256, 65536, device=dev, dtype=dtype)
        b = torch.randn(256, 65536, device=dev, dtype=dtype)
        report(name, lambda: torch.cat([a, b], 0), 4 * a.numel() * a.element_size())

    cat("concat_f32", torch.float32)
    cat("concat_f16", torch.float16)
    print("device\t" + torch.cuda.get_device_name(), flush=True)


if __name__ == "__main__":
    main()
