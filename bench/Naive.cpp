#include "bench/Naive.h"

#include "bench/BenchUtil.h"
#include "weft/Half.h"

#include <cstring>

namespace weft::bench {

namespace {
int64_t col2imTout(int64_t K, int64_t T_in, int64_t s, int64_t p) { return (T_in - 1) * s + K - 2 * p; }
} // namespace

// Per output channel: zero the row, then add every column of that channel in ascending t_in.
// Reads cols with a stride of a whole row (the ggml form).
void naiveCol2imF32(const float *cols, float *y, int64_t K, int64_t OC, int64_t T_in, int64_t s, int64_t p,
                    int threads) {
  int64_t T_out = col2imTout(K, T_in, s, p), W = OC * K;
  parallelChunks(OC, threads, [&](int64_t b, int64_t e) {
    for (int64_t oc = b; oc < e; ++oc) {
      float *row = y + oc * T_out;
      std::memset(row, 0, sizeof(float) * T_out);
      for (int64_t t = 0; t < T_in; ++t)
        for (int64_t k = 0; k < K; ++k) {
          int64_t o = t * s + k - p;
          if (o >= 0 && o < T_out) row[o] += cols[t * W + oc * K + k];
        }
    }
  });
}

void naiveCol2imF16(const uint16_t *cols, uint16_t *y, int64_t K, int64_t OC, int64_t T_in, int64_t s, int64_t p,
                    int threads) {
  int64_t T_out = col2imTout(K, T_in, s, p), W = OC * K;
  parallelChunks(OC, threads, [&](int64_t b, int64_t e) {
    float *acc = new float[T_out];
    for (int64_t oc = b; oc < e; ++oc) {
      std::memset(acc, 0, sizeof(float) * T_out);
      for (int64_t t = 0; t < T_in; ++t)
        for (int64_t k = 0; k < K; ++k) {
          int64_t o = t * s + k - p;
          if (o >= 0 && o < T_out) acc[o] += halfToFloat(cols[t * W + oc * K + k]);
        }
      for (int64_t o = 0; o < T_out; ++o) y[oc * T_out + o] = floatToHalf(acc[o]);
    }
    delete[] acc;
  });
}

void naiveIm2colF32(const float *x, float *cols, int64_t N, int64_t IC, int64_t IW, int64_t K, int64_t s, int64_t p,
                    int64_t d, int threads) {
  int64_t OW = (IW + 2 * p - d * (K - 1) - 1) / s + 1;
  parallelChunks(N * OW, threads, [&](int64_t b, int64_t e) {
    for (int64_t r = b; r < e; ++r) {
      int64_t n = r / OW, ow = r % OW;
      float *out = cols + r * IC * K;
      const float *xn = x + n * IC * IW;
      for (int64_t ic = 0; ic < IC; ++ic)
        for (int64_t k = 0; k < K; ++k) {
          int64_t i = ow * s + k * d - p;
          out[ic * K + k] = i >= 0 && i < IW ? xn[ic * IW + i] : 0.0f;
        }
    }
  });
}

namespace {
template <typename T>
void concatRows(const T *a, const T *b, T *out, int64_t aRows, int64_t aCols, int64_t bRows, int64_t bCols, int axis,
                int threads) {
  if (axis == 0) {
    // Output rows: the a rows, then the b rows; one element at a time.
    int64_t rows = aRows + bRows, C = aCols;
    parallelChunks(rows, threads, [&](int64_t lo, int64_t hi) {
      for (int64_t r = lo; r < hi; ++r) {
        const T *src = r < aRows ? a + r * C : b + (r - aRows) * C;
        T *dst = out + r * C;
        for (int64_t c = 0; c < C; ++c) dst[c] = src[c];
      }
    });
  } else {
    int64_t C = aCols + bCols;
    parallelChunks(aRows, threads, [&](int64_t lo, int64_t hi) {
      for (int64_t r = lo; r < hi; ++r) {
        T *dst = out + r * C;
        for (int64_t c = 0; c < aCols; ++c) dst[c] = a[r * aCols + c];
        for (int64_t c = 0; c < bCols; ++c) dst[aCols + c] = b[r * bCols + c];
      }
    });
  }
}
} // namespace

void naiveConcat2d(const void *a, const void *b, void *out, int64_t aRows, int64_t aCols, int64_t bRows,
                   int64_t bCols, int axis, int elemBytes, int threads) {
  if (elemBytes == 4)
    concatRows(static_cast<const uint32_t *>(a), static_cast<const uint32_t *>(b), static_cast<uint32_t *>(out), aRows,
               aCols, bRows, bCols, axis, threads);
  else
    concatRows(static_cast<const uint16_t *>(a), static_cast<const uint16_t *>(b), static_cast<uint16_t *>(out), aRows,
               aCols, bRows, bCols, axis, threads);
}

void naiveMatmulF32(const float *A, const float *B, float *C, int64_t M, int64_t N, int64_t K, int threads) {
  parallelChunks(M, threads, [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; ++i) {
      float *c = C + i * N;
      for (int64_t j = 0; j < N; ++j) c[j] = 0;
      for (int64_t k = 0; k < K; ++k) {
        float a = A[i * K + k];
        const float *b = B + k * N;
        for (int64_t j = 0; j < N; ++j) c[j] += a * b[j];
      }
    }
  });
}

// y[oc][t_in*s + k - p] += x[ic][t_in] * w[ic][oc][k], output channels split over threads.
void naiveConvTransposeF32(const float *x, const float *w, float *y, int64_t IC, int64_t OC, int64_t K,
                           int64_t T_in, int64_t s, int64_t p, int threads) {
  int64_t T_out = col2imTout(K, T_in, s, p);
  parallelChunks(OC, threads, [&](int64_t lo, int64_t hi) {
    for (int64_t oc = lo; oc < hi; ++oc) {
      float *row = y + oc * T_out;
      for (int64_t t = 0; t < T_out; ++t) row[t] = 0;
      for (int64_t ic = 0; ic < IC; ++ic) {
        const float *wk = w + (ic * OC + oc) * K;
        const float *xr = x + ic * T_in;
        for (int64_t t = 0; t < T_in; ++t) {
          float v = xr[t];
          for (int64_t k = 0; k < K; ++k) {
            int64_t o = t * s + k - p;
            if (o >= 0 && o < T_out) row[o] += v * wk[k];
          }
        }
      }
    }
  });
}

} // namespace weft::bench
