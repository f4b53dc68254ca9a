// weft templates: Vec<T, N>, the 1-D vector type of generated C++ kernels (vector<NxT> in the loop
// IR). A thin wrapper over a GCC/Clang vector extension type, so + - * / compile to SIMD
// instructions without intrinsics. Memory access is unaligned (memcpy), as vector.load/store's is.
// fma is always fused, lane by lane, as vector.fma lowers to llvm.fma.
#ifndef WEFT_VEC_H
#define WEFT_VEC_H

// Skipped where the files are pasted into one source in this order (the guards are defined).
#ifndef WEFT_HALF_H
#include "../common/weft_half.h"
#endif
#ifndef WEFT_OPS_H
#include "weft_ops.h"
#endif

#include <cmath>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <utility>
#if defined(__FMA__) || defined(__F16C__) || defined(__AVX512F__) || defined(__SSE2__)
#include <immintrin.h>
#endif

namespace weft {

template <class T, int N> struct Vec {
  static_assert(N > 0 && (N & (N - 1)) == 0, "vector extension types need a power-of-two size");
  typedef T native __attribute__((vector_size(sizeof(T) * N)));
  native v;

  static Vec load(const T *p) {
    Vec r;
    std::memcpy(&r.v, p, sizeof r.v);
    return r;
  }
  void store(T *p) const { std::memcpy(p, &v, sizeof v); }
  // One initializer of N copies: GCC makes it one broadcast (vbroadcastss), where filling the
  // lanes of an uninitialised vector one by one became N masked broadcasts in the hot loop of the
  // matmul micro-kernel (the C++ target's conv1d 4x slower than the JIT's).
  static Vec broadcast(T x) { return splat(x, std::make_integer_sequence<int, N>()); }

private:
  template <int... I> static Vec splat(T x, std::integer_sequence<int, I...>) { return {native{((void)I, x)...}}; }
};

template <class T, int N> Vec<T, N> operator+(Vec<T, N> a, Vec<T, N> b) { return {a.v + b.v}; }
template <class T, int N> Vec<T, N> operator-(Vec<T, N> a, Vec<T, N> b) { return {a.v - b.v}; }
template <class T, int N> Vec<T, N> operator*(Vec<T, N> a, Vec<T, N> b) { return {a.v * b.v}; }
template <class T, int N> Vec<T, N> operator/(Vec<T, N> a, Vec<T, N> b) { return {a.v / b.v}; }
template <class T, int N> Vec<T, N> operator-(Vec<T, N> a) { return {-a.v}; }

// Lane-by-lane conversion as C converts scalars (arith.extsi/extui/trunci, sitofp, fptosi, ...):
// weft::convert<int32_t>(v) of a Vec<int8_t, 8> sign-extends each lane.
template <class To, class From, int N> Vec<To, N> convert(Vec<From, N> v) {
  return {__builtin_convertvector(v.v, typename Vec<To, N>::native)};
}

namespace detail {
template <class T, int N, class F> Vec<T, N> lanewise(Vec<T, N> a, Vec<T, N> b, F f) {
  Vec<T, N> r;
  for (int i = 0; i < N; ++i)
    r.v[i] = f(a.v[i], b.v[i]);
  return r;
}
} // namespace detail

// The min/max family of weft_ops.h, lane by lane.
template <class T, int N> Vec<T, N> maxsi(Vec<T, N> a, Vec<T, N> b) { return detail::lanewise(a, b, maxsi<T>); }
template <class T, int N> Vec<T, N> minsi(Vec<T, N> a, Vec<T, N> b) { return detail::lanewise(a, b, minsi<T>); }
template <class T, int N> Vec<T, N> maxui(Vec<T, N> a, Vec<T, N> b) { return detail::lanewise(a, b, maxui<T>); }
template <class T, int N> Vec<T, N> minui(Vec<T, N> a, Vec<T, N> b) { return detail::lanewise(a, b, minui<T>); }
template <class T, int N> Vec<T, N> maximumf(Vec<T, N> a, Vec<T, N> b) { return detail::lanewise(a, b, maximumf<T>); }
template <class T, int N> Vec<T, N> minimumf(Vec<T, N> a, Vec<T, N> b) { return detail::lanewise(a, b, minimumf<T>); }
template <class T, int N> Vec<T, N> maxnumf(Vec<T, N> a, Vec<T, N> b) { return detail::lanewise(a, b, maxnumf<T>); }
template <class T, int N> Vec<T, N> minnumf(Vec<T, N> a, Vec<T, N> b) { return detail::lanewise(a, b, minnumf<T>); }

template <class T, int N> Vec<T, N> fma(Vec<T, N> a, Vec<T, N> b, Vec<T, N> c) {
  Vec<T, N> r;
  for (int i = 0; i < N; ++i)
    r.v[i] = std::fma(a.v[i], b.v[i], c.v[i]);
  return r;
}
#if defined(__FMA__)
inline Vec<float, 4> fma(Vec<float, 4> a, Vec<float, 4> b, Vec<float, 4> c) {
  return {_mm_fmadd_ps(a.v, b.v, c.v)};
}
inline Vec<float, 8> fma(Vec<float, 8> a, Vec<float, 8> b, Vec<float, 8> c) {
  return {_mm256_fmadd_ps(a.v, b.v, c.v)};
}
inline Vec<double, 2> fma(Vec<double, 2> a, Vec<double, 2> b, Vec<double, 2> c) {
  return {_mm_fmadd_pd(a.v, b.v, c.v)};
}
inline Vec<double, 4> fma(Vec<double, 4> a, Vec<double, 4> b, Vec<double, 4> c) {
  return {_mm256_fmadd_pd(a.v, b.v, c.v)};
}
#endif
#if defined(__AVX512F__)
// One AVX-512 register: without these the lane loop above (std::fma per lane) made the C++
// target's matmul micro-kernel 30x slower than the JIT's on an AVX-512 host (issue 14).
inline Vec<float, 16> fma(Vec<float, 16> a, Vec<float, 16> b, Vec<float, 16> c) {
  return {_mm512_fmadd_ps(a.v, b.v, c.v)};
}
inline Vec<double, 8> fma(Vec<double, 8> a, Vec<double, 8> b, Vec<double, 8> c) {
  return {_mm512_fmadd_pd(a.v, b.v, c.v)};
}
#endif

// The lanes of lo, then those of hi (vector.shuffle as a concatenation).
template <class T, int N, int... I> Vec<T, 2 * N> join(Vec<T, N> lo, Vec<T, N> hi, std::integer_sequence<int, I...>) {
  return {__builtin_shufflevector(lo.v, hi.v, I...)};
}
template <class T, int N> Vec<T, 2 * N> join(Vec<T, N> lo, Vec<T, N> hi) {
  return join(lo, hi, std::make_integer_sequence<int, 2 * N>());
}

// Lane i of the result is lane I_i of a's lanes followed by b's (any other vector.shuffle).
template <int... I, class T, int N> Vec<T, sizeof...(I)> shuffle(Vec<T, N> a, Vec<T, N> b) {
  return {__builtin_shufflevector(a.v, b.v, I...)};
}

// f16 <-> f32 conversions of weft_half.h on whole vectors. F16C converts 4 or 8 lanes at once and
// AVX-512 16; other widths are padded (2 lanes) or split (32) into those, since the lane loop of the
// generic form became one scalar vcvtss2sh per element (the C++ target's im2col_whisper, f32 -> f16
// in pairs, was 2.7x slower than the JIT's).
namespace detail {
#if defined(__AVX512F__)
[[maybe_unused]] constexpr int kHalfLanes = 16; // the widest native conversion
#else
[[maybe_unused]] constexpr int kHalfLanes = 8;
#endif

// Lanes First .. First+M-1 of v, repeating its lanes where M > N (those lanes are never used).
// A shuffle, not a copy through memory: two 8-byte stores read back as one 16-byte load miss
// store forwarding, which cost more than the conversion saved.
template <int M, int First, class T, int N, int... I> Vec<T, M> lanes(Vec<T, N> v, std::integer_sequence<int, I...>) {
  return {__builtin_shufflevector(v.v, v.v, ((First + I) % N)...)};
}
template <int M, int First = 0, class T, int N> Vec<T, M> lanes(Vec<T, N> v) {
  return lanes<M, First>(v, std::make_integer_sequence<int, M>());
}

#if defined(__F16C__)
inline Vec<float, 4> convertNative(Vec<f16, 4> h) {
  __m128i bits = _mm_setzero_si128();
  std::memcpy(&bits, &h.v, sizeof h.v);
  return {_mm_cvtph_ps(bits)};
}
inline Vec<float, 8> convertNative(Vec<f16, 8> h) {
  __m128i bits;
  std::memcpy(&bits, &h.v, sizeof h.v);
  return {_mm256_cvtph_ps(bits)};
}
inline Vec<f16, 4> convertNative(Vec<float, 4> x) {
  __m128i bits = _mm_cvtps_ph(x.v, _MM_FROUND_TO_NEAREST_INT);
  Vec<f16, 4> r;
  std::memcpy(&r.v, &bits, sizeof r.v);
  return r;
}
inline Vec<f16, 8> convertNative(Vec<float, 8> x) {
  __m128i bits = _mm256_cvtps_ph(x.v, _MM_FROUND_TO_NEAREST_INT);
  Vec<f16, 8> r;
  std::memcpy(&r.v, &bits, sizeof r.v);
  return r;
}
#endif
#if defined(__AVX512F__)
// The masked forms with a zero source: GCC 12's unmasked ones start from an "undefined" register
// that -Wmaybe-uninitialized flags.
inline Vec<float, 16> convertNative(Vec<f16, 16> h) {
  __m256i bits;
  std::memcpy(&bits, &h.v, sizeof h.v);
  return {_mm512_mask_cvtph_ps(_mm512_setzero_ps(), __mmask16(0xffff), bits)};
}
inline Vec<f16, 16> convertNative(Vec<float, 16> x) {
  __m256i bits = _mm512_mask_cvtps_ph(_mm256_setzero_si256(), __mmask16(0xffff), x.v, _MM_FROUND_TO_NEAREST_INT);
  Vec<f16, 16> r;
  std::memcpy(&r.v, &bits, sizeof r.v);
  return r;
}
#endif

// f16 <-> f32 at any width (To is the other of the two): the native conversions on 4 lanes and
// up to kHalfLanes, the scalar ones lane by lane where the target has none.
template <class To, class From, int N> Vec<To, N> convertHalf(Vec<From, N> x) {
#if defined(__F16C__)
  if constexpr (N < 4)
    return lanes<N>(convertNative(lanes<4>(x)));
  else if constexpr (N > kHalfLanes)
    return join(convertHalf<To>(lanes<N / 2>(x)), convertHalf<To>(lanes<N / 2, N / 2>(x)));
  else
    return convertNative(x);
#else
  Vec<To, N> r;
  for (int i = 0; i < N; ++i) {
    if constexpr (std::is_same_v<To, float>)
      r.v[i] = weft::f16_to_f32(f16(x.v[i]));
    else
      r.v[i] = weft::f32_to_f16(float(x.v[i]));
  }
  return r;
#endif
}
} // namespace detail

template <int N> Vec<float, N> f16_to_f32(Vec<f16, N> h) { return detail::convertHalf<float>(h); }
template <int N> Vec<f16, N> f32_to_f16(Vec<float, N> x) { return detail::convertHalf<f16>(x); }

// bf16: the same integer steps as the scalar forms, on whole vectors.
template <int N> Vec<float, N> bf16_to_f32(Vec<bf16, N> b) {
  typedef uint32_t u32s __attribute__((vector_size(4 * N)));
  u32s bits = __builtin_convertvector(b.v, u32s) << 16;
  Vec<float, N> r;
  std::memcpy(&r.v, &bits, sizeof r.v);
  return r;
}

template <int N> Vec<bf16, N> f32_to_bf16(Vec<float, N> x) {
  typedef uint32_t u32s __attribute__((vector_size(4 * N)));
  u32s bits;
  std::memcpy(&bits, &x.v, sizeof bits);
  u32s rounded = (bits + 0x7fffu + ((bits >> 16) & 1u)) >> 16; // nearest, ties to even
  u32s quietNan = (bits >> 16) | 0x40u;
  // All ones where NaN. The magnitude fits a signed compare, which x86 has for whole vectors.
  typedef int32_t i32s __attribute__((vector_size(4 * N)));
  u32s isNan = (u32s)((i32s)(bits & 0x7fffffffu) > 0x7f800000);
  return {__builtin_convertvector((rounded & ~isNan) | (quietNan & isNan),
                                  typename Vec<bf16, N>::native)};
}

// A streaming (nontemporal) store of v to p, which is aligned to A bytes (vector.store's
// nontemporal with that alignment): the target's streaming store of min(A, v's size) bytes, which
// skips reading each line for ownership; a plain store where the target has none of that width.
template <int A, class T, int N> void stream(Vec<T, N> v, T *p) {
  constexpr int bytes = int(sizeof(T)) * N;
  if constexpr (A < bytes && N > 1) {
    stream<A>(detail::lanes<N / 2, 0>(v), p);
    stream<A>(detail::lanes<N / 2, N / 2>(v), p + N / 2);
    return;
  }
#if defined(__AVX512F__)
  if constexpr (bytes == 64) return _mm512_stream_si512(reinterpret_cast<__m512i *>(p), reinterpret_cast<const __m512i &>(v.v));
#endif
#if defined(__AVX__)
  if constexpr (bytes == 32) return _mm256_stream_si256(reinterpret_cast<__m256i *>(p), reinterpret_cast<const __m256i &>(v.v));
#endif
#if defined(__SSE2__)
  if constexpr (bytes == 16) return _mm_stream_si128(reinterpret_cast<__m128i *>(p), reinterpret_cast<const __m128i &>(v.v));
#endif
  v.store(p);
}

} // namespace weft

#endif // WEFT_VEC_H
