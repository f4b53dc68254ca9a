// The library peers: oneDNN (concat, matmul, deconvolution) and OpenBLAS (sgemm). Each factory
// does its setup (primitive creation, weight reorders) outside the timed closure and returns the
// closure, or an error saying why the peer cannot run (library missing, unsupported case).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace weft::bench {

struct PeerRun {
  std::function<void()> run; ///< empty when unavailable
  std::string info;          ///< implementation details (e.g. oneDNN's impl string)
  std::string error;         ///< why it is unavailable
  bool ok() const { return bool(run); }
};

bool haveDnnl();
bool haveOpenBlas();
/// "oneDNN 2.6.3 (OpenMP)", "OpenBLAS 0.3.21 ...", or "not built".
std::string dnnlVersion();
std::string openBlasVersion();
/// OpenBLAS 0.3.21's DYNAMIC_ARCH detection does not know recent CPUs and falls back to its
/// Prescott (SSE3) kernels. When it did, and OPENBLAS_CORETYPE is unset, sets OPENBLAS_CORETYPE
/// to the best core this CPU runs (SkylakeX with AVX-512, else Haswell with AVX2) for the
/// processes started afterwards, and says so; "" when nothing was changed.
std::string fixOpenBlasCoreForChildren();

/// Gives both libraries `threads` threads (OpenMP for oneDNN, openblas_set_num_threads).
void setPeerThreads(int threads);

/// out = a ++ b along `axis` for 2-D row-major tensors; f16 when `half`, else f32.
PeerRun dnnlConcat2d(const void *a, const void *b, void *out, int64_t aRows, int64_t aCols, int64_t bRows,
                     int64_t bCols, int axis, bool half);
/// C[M][N] = A[M][K] . B[K][N], f32, row-major.
PeerRun dnnlMatmul(const float *A, const float *B, float *C, int64_t M, int64_t N, int64_t K);
/// y[1][OC][T_out] = deconvolution of x[1][IC][T_in] with w[IC][OC][K] (PyTorch's layout), stride
/// s, padding p on both sides. src and dst stay in the plain ncw layout the caller owns; the
/// weights are reordered once, at setup, to the layout oneDNN picks (as an inference engine does).
PeerRun dnnlDeconv1d(const float *x, const float *w, float *y, int64_t IC, int64_t OC, int64_t K, int64_t T_in,
                     int64_t s, int64_t p);

/// C = op(A) . B with cblas_sgemm, row-major; `transA`: A is stored [K][M].
PeerRun blasSgemm(const float *A, const float *B, float *C, int64_t M, int64_t N, int64_t K, bool transA);
/// One cblas_sgemm call, for composites built by the caller.
void blasSgemmNow(const float *A, const float *B, float *C, int64_t M, int64_t N, int64_t K, bool transA);

} // namespace weft::bench
