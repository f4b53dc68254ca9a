// Timing, statistics, threads and the machine's measured limits for weft-bench-cpu.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace weft::bench {

/// How many repetitions one measurement gets: `reps` after `warmup` untimed runs, but stop early
/// (never below `minReps`) once the timed runs have taken `budgetSeconds`.
struct RepPolicy {
  int warmup = 2;
  int reps = 21;
  int minReps = 5;
  double budgetSeconds = 3.0;
};

struct Timing {
  double medianMs = 0, minMs = 0, maxMs = 0;
  int reps = 0;
};

double nowSeconds();
/// Runs `fn` under `policy` and reports the median, min and max of the timed runs in ms.
Timing measure(const std::function<void()> &fn, const RepPolicy &policy);
double median(std::vector<double> v);

/// Splits [0, n) into `threads` contiguous chunks and runs fn(begin, end) on std::threads (the
/// caller runs the first chunk). What the naive peers and the limit probes use.
void parallelChunks(int64_t n, int threads, const std::function<void(int64_t, int64_t)> &fn);

/// Copies `bytes` from `src` to `dst` (64-byte aligned) split over `threads` std::threads, with
/// glibc memcpy or, when `stream`, an AVX2 loop with streaming stores.
void parallelCopy(char *dst, const char *src, size_t bytes, int threads, bool stream);

/// 64-byte aligned, page-touched memory.
struct AlignedBuffer {
  std::shared_ptr<void> mem;
  size_t bytes = 0;
  void *data() const { return mem.get(); }
  template <typename T> T *as() const { return static_cast<T *>(mem.get()); }
};
AlignedBuffer allocAligned(size_t bytes);

/// The measured limits every row is compared with.
struct Limits {
  /// Copies of `copyBytes`-sized buffers, bytes read + written / s: glibc memcpy, and a loop with
  /// streaming (non-temporal) stores; with 1 and `threads` threads.
  double memcpyGBs1 = 0, memcpyGBs2 = 0, streamGBs1 = 0, streamGBs2 = 0;
  double copyGBs1 = 0, copyGBs2 = 0;  ///< the better of the two: the limit every row is held to
  double copyGBsSmall = 0;            ///< streaming copy, `threads` threads, 48 MiB buffers (fits L3)
  double copyGBsBig = 0;              ///< streaming copy, `threads` threads, 1 GiB buffers (beyond L3)
  size_t copyBytes = 0, smallBytes = 0, bigBytes = 0;
  double fmaAvx2 = 0, fmaAvx512 = 0;  ///< f32 GFLOP/s of an FMA loop with `threads` threads (0: not run)
};
/// Copy bandwidth with 1 and `threads` threads over `bytes`-sized buffers, median of `reps`.
Limits measureLimits(int threads, size_t bytes, int reps, bool quick);

/// The machine's busy CPU time (/proc/stat, steal included) and this process's own CPU time
/// (getrusage, all threads, plus its waited-for children) at one moment.
struct CpuSample {
  double busy = 0, self = 0, wall = 0;
};
CpuSample sampleCpu();
/// The share of all CPUs kept busy by anything but this process between two samples (0 to 1):
/// how much the other tenants of a shared machine took while a row was timed.
double othersBusy(const CpuSample &from, const CpuSample &to);

/// The CPU model from /proc/cpuinfo, and its vendor and ISA flags of interest.
std::string cpuModel();
std::string cpuIsa();
/// The 1-minute load average.
double loadAverage1();

/// printf to a std::string.
std::string format(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

} // namespace weft::bench
