#include "bench/Peers.h"

#include "bench/BenchUtil.h"

#include <cstdlib>
#include <memory>
#include <vector>

#ifdef WEFT_BENCH_DNNL
#include <oneapi/dnnl/dnnl.hpp>
#endif
#ifdef WEFT_BENCH_OPENBLAS
#include <cblas.h>
#endif
#ifdef WEFT_BENCH_OPENMP
#include <omp.h>
#endif

namespace weft::bench {

bool haveDnnl() {
#ifdef WEFT_BENCH_DNNL
  return true;
#else
  return false;
#endif
}

bool haveOpenBlas() {
#ifdef WEFT_BENCH_OPENBLAS
  return true;
#else
  return false;
#endif
}

std::string dnnlVersion() {
#ifdef WEFT_BENCH_DNNL
  const dnnl_version_t *v = dnnl_version();
  return format("oneDNN %d.%d.%d (cpu runtime %s)", v->major, v->minor, v->patch,
                v->cpu_runtime == DNNL_RUNTIME_OMP ? "OpenMP" : "other");
#else
  return "oneDNN: not found at configure time, left out";
#endif
}

std::string openBlasVersion() {
#ifdef WEFT_BENCH_OPENBLAS
  return std::string("OpenBLAS ") + openblas_get_config() + ", core " + openblas_get_corename();
#else
  return "OpenBLAS: not found at configure time, left out";
#endif
}

std::string fixOpenBlasCoreForChildren() {
#ifdef WEFT_BENCH_OPENBLAS
  if (std::getenv("OPENBLAS_CORETYPE")) return "";
  std::string core = openblas_get_corename();
  if (core != "Prescott" && core != "Core2" && core != "Nehalem" && core != "Katmai" && core != "Northwood") return "";
  __builtin_cpu_init();
  const char *want = __builtin_cpu_supports("avx512f") ? "SkylakeX" : __builtin_cpu_supports("avx2") ? "Haswell" : "";
  if (!*want) return "";
  setenv("OPENBLAS_CORETYPE", want, 1);
  return "OpenBLAS detected core '" + core + "' on this CPU; the cases run with OPENBLAS_CORETYPE=" + want;
#else
  return "";
#endif
}

void setPeerThreads(int threads) {
#ifdef WEFT_BENCH_OPENMP
  omp_set_num_threads(threads);
#endif
#ifdef WEFT_BENCH_OPENBLAS
  openblas_set_num_threads(threads);
#endif
  (void)threads;
}

#ifdef WEFT_BENCH_DNNL
namespace {

using namespace dnnl;
using tag = memory::format_tag;
using dt = memory::data_type;

// One engine and stream for the whole run.
struct DnnlContext {
  engine eng{engine::kind::cpu, 0};
  stream strm{eng};
};
DnnlContext &ctx() {
  static DnnlContext c;
  return c;
}

std::string implOf(const primitive_desc_base &pd) { return pd.impl_info_str(); }

} // namespace

PeerRun dnnlConcat2d(const void *a, const void *b, void *out, int64_t aRows, int64_t aCols, int64_t bRows,
                     int64_t bCols, int axis, bool half) {
  PeerRun r;
  try {
    auto &c = ctx();
    dt type = half ? dt::f16 : dt::f32;
    memory::desc amd({aRows, aCols}, type, tag::ab), bmd({bRows, bCols}, type, tag::ab);
    memory::dims od = axis == 0 ? memory::dims{aRows + bRows, aCols} : memory::dims{aRows, aCols + bCols};
    memory::desc omd(od, type, tag::ab);
    concat::primitive_desc pd(omd, axis, {amd, bmd}, c.eng);
    auto am = std::make_shared<memory>(amd, c.eng, const_cast<void *>(a));
    auto bm = std::make_shared<memory>(bmd, c.eng, const_cast<void *>(b));
    auto om = std::make_shared<memory>(omd, c.eng, out);
    auto prim = std::make_shared<concat>(pd);
    r.info = implOf(pd);
    r.run = [prim, am, bm, om, &c] {
      prim->execute(c.strm, {{DNNL_ARG_MULTIPLE_SRC + 0, *am}, {DNNL_ARG_MULTIPLE_SRC + 1, *bm}, {DNNL_ARG_DST, *om}});
      c.strm.wait();
    };
  } catch (const dnnl::error &e) {
    r.run = nullptr;
    r.error = std::string("oneDNN: ") + e.what();
  }
  return r;
}

PeerRun dnnlMatmul(const float *A, const float *B, float *C, int64_t M, int64_t N, int64_t K) {
  PeerRun r;
  try {
    auto &c = ctx();
    memory::desc amd({M, K}, dt::f32, tag::ab), bmd({K, N}, dt::f32, tag::ab), cmd({M, N}, dt::f32, tag::ab);
    matmul::desc d(amd, bmd, cmd);
    matmul::primitive_desc pd(d, c.eng);
    auto am = std::make_shared<memory>(amd, c.eng, const_cast<float *>(A));
    auto bm = std::make_shared<memory>(bmd, c.eng, const_cast<float *>(B));
    auto cm = std::make_shared<memory>(cmd, c.eng, C);
    auto prim = std::make_shared<matmul>(pd);
    r.info = implOf(pd);
    r.run = [prim, am, bm, cm, &c] {
      prim->execute(c.strm, {{DNNL_ARG_SRC, *am}, {DNNL_ARG_WEIGHTS, *bm}, {DNNL_ARG_DST, *cm}});
      c.strm.wait();
    };
  } catch (const dnnl::error &e) {
    r.run = nullptr;
    r.error = std::string("oneDNN: ") + e.what();
  }
  return r;
}

PeerRun dnnlDeconv1d(const float *x, const float *w, float *y, int64_t IC, int64_t OC, int64_t K, int64_t T_in,
                     int64_t s, int64_t p) {
  PeerRun r;
  try {
    auto &c = ctx();
    int64_t T_out = (T_in - 1) * s + K - 2 * p;
    memory::desc src({1, IC, T_in}, dt::f32, tag::ncw), dst({1, OC, T_out}, dt::f32, tag::ncw);
    // Deconvolution weights are {OC, IC, K}; PyTorch's w[IC][OC][K] is that with strides (K, OC*K, 1).
    memory::desc wUser({OC, IC, K}, dt::f32, memory::dims{K, OC * K, 1});
    memory::desc wAny({OC, IC, K}, dt::f32, tag::any);
    deconvolution_forward::desc d(prop_kind::forward_inference, algorithm::deconvolution_direct, src, wAny, dst,
                                  {s}, {p}, {p});
    deconvolution_forward::primitive_desc pd(d, c.eng);
    auto wm = std::make_shared<memory>(pd.weights_desc(), c.eng);
    memory wu(wUser, c.eng, const_cast<float *>(w));
    reorder(wu, *wm).execute(c.strm, wu, *wm);
    c.strm.wait();
    auto xm = std::make_shared<memory>(src, c.eng, const_cast<float *>(x));
    auto ym = std::make_shared<memory>(dst, c.eng, y);
    auto prim = std::make_shared<deconvolution_forward>(pd);
    r.info = implOf(pd) + " (src/dst ncw; weights reordered once at setup)";
    r.run = [prim, xm, wm, ym, &c] {
      prim->execute(c.strm, {{DNNL_ARG_SRC, *xm}, {DNNL_ARG_WEIGHTS, *wm}, {DNNL_ARG_DST, *ym}});
      c.strm.wait();
    };
  } catch (const dnnl::error &e) {
    r.run = nullptr;
    r.error = std::string("oneDNN: ") + e.what();
  }
  return r;
}
#else
PeerRun dnnlConcat2d(const void *, const void *, void *, int64_t, int64_t, int64_t, int64_t, int, bool) {
  return {nullptr, "", "oneDNN not built"};
}
PeerRun dnnlMatmul(const float *, const float *, float *, int64_t, int64_t, int64_t) {
  return {nullptr, "", "oneDNN not built"};
}
PeerRun dnnlDeconv1d(const float *, const float *, float *, int64_t, int64_t, int64_t, int64_t, int64_t, int64_t) {
  return {nullptr, "", "oneDNN not built"};
}
#endif

void blasSgemmNow(const float *A, const float *B, float *C, int64_t M, int64_t N, int64_t K, bool transA) {
#ifdef WEFT_BENCH_OPENBLAS
  cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, CblasNoTrans, blasint(M), blasint(N), blasint(K),
              1.0f, A, blasint(transA ? M : K), B, blasint(N), 0.0f, C, blasint(N));
#else
  (void)A, (void)B, (void)C, (void)M, (void)N, (void)K, (void)transA;
#endif
}

PeerRun blasSgemm(const float *A, const float *B, float *C, int64_t M, int64_t N, int64_t K, bool transA) {
  if (!haveOpenBlas()) return {nullptr, "", "OpenBLAS not built"};
  PeerRun r;
  r.run = [=] { blasSgemmNow(A, B, C, M, N, K, transA); };
  return r;
}

} // namespace weft::bench
