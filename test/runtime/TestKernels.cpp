// Hand-written kernels in the CPU ABI of docs/abi.md, standing in for compiled ones: they read
// every extent and stride from the parameter block. Built into the test binary and as a module.
// Their program: concat of a[n_a] and b[n_b] (both maybe strided) into out[n], through a
// temporary tmp[n]: buffers a, b, out, tmp; slots a: 0 (extent), 1 (stride); b: 2, 3; out: 4, 5;
// tmp: 6, 7.
#include <algorithm>
#include <cstdint>

// Grid: one item per element of out.
extern "C" void weft_test_concat_to_tmp(void *const *bufs, const int64_t *params, int64_t begin, int64_t end) {
  auto *a = static_cast<const float *>(bufs[0]);
  auto *b = static_cast<const float *>(bufs[1]);
  auto *tmp = static_cast<float *>(bufs[3]);
  for (int64_t i = begin; i < end; ++i)
    tmp[i * params[7]] = i < params[0] ? a[i * params[1]] : b[(i - params[0]) * params[3]];
}

// Grid: ceil(n / 3) items of three elements each.
extern "C" void weft_test_tmp_to_out(void *const *bufs, const int64_t *params, int64_t begin, int64_t end) {
  auto *tmp = static_cast<const float *>(bufs[3]);
  auto *out = static_cast<float *>(bufs[2]);
  for (int64_t item = begin; item < end; ++item)
    for (int64_t i = item * 3; i < std::min(item * 3 + 3, params[4]); ++i) out[i] = tmp[i];
}
