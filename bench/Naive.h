// The naive peer: each op as the plain loop one would write first, compiled at -O2 and split
// over `threads` std::threads. Layouts as shared/ops.md gives them.
#pragma once

#include <cstdint>

namespace weft::bench {

/// y[OC][T_out] from cols[T_in][OC*K]: per output channel, ascending t_in, f32 sums (the
/// ops.md order, so results are bit-identical to any conforming kernel).
void naiveCol2imF32(const float *cols, float *y, int64_t K, int64_t OC, int64_t T_in, int64_t s, int64_t p,
                    int threads);
/// The same on IEEE half data, converting with weft/Half.h and rounding once.
void naiveCol2imF16(const uint16_t *cols, uint16_t *y, int64_t K, int64_t OC, int64_t T_in, int64_t s, int64_t p,
                    int threads);

/// cols[N][OW][IC*K] from x[N][IC][IW].
void naiveIm2colF32(const float *x, float *cols, int64_t N, int64_t IC, int64_t IW, int64_t K, int64_t s, int64_t p,
                    int64_t d, int threads);

/// out = a ++ b for 2-D [Ra][C] / [R][Ca] tensors of `elemBytes`-byte elements (2 or 4).
/// axis 0: a[Ra][C], b[Rb][C]; axis 1: a[R][Ca], b[R][Cb].
void naiveConcat2d(const void *a, const void *b, void *out, int64_t aRows, int64_t aCols, int64_t bRows,
                   int64_t bCols, int axis, int elemBytes, int threads);

/// C[M][N] = A[M][K] . B[K][N], i-k-j order, rows split over threads.
void naiveMatmulF32(const float *A, const float *B, float *C, int64_t M, int64_t N, int64_t K, int threads);

/// y[OC][T_out] from x[IC][T_in] and w[IC][OC][K] (PyTorch's layout): the direct loop.
void naiveConvTransposeF32(const float *x, const float *w, float *y, int64_t IC, int64_t OC, int64_t K,
                           int64_t T_in, int64_t s, int64_t p, int threads);

} // namespace weft::bench
