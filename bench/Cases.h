// The benchmark cases of weft-bench-cpu: each runs weft's kernels (default and alternative
// schedules) and the peers on the same inputs, checks every output against the naive loop's and
// prints one markdown table.
#pragma once

#include "bench/BenchUtil.h"

#include <string>
#include <vector>

namespace weft::bench {

struct BenchOptions {
  bool quick = false;
  std::string filter;
  int threads = 2;
  double copyGBs = 0; ///< measured copy bandwidth with `threads` threads (0: not measured)
  Limits limits;
};

/// One implementation's result in a case.
struct RowResult {
  std::string label;  ///< "weft", "weft gather=bounded", "naive", "oneDNN deconvolution", ...
  std::string peer;   ///< "weft", "naive", "oneDNN", "OpenBLAS", "OpenBLAS GEMM alone"
  bool weftDefault = false;
  double ms = -1;     ///< median; -1 when it did not run
  std::string check;  ///< "exact", "ok (rel 3e-7)", "MISMATCH ...", "-"
  std::string error;
  double others = 0;  ///< share of the CPUs other processes used while the row ran
};

struct CaseSummary {
  std::string id, title;
  enum class Metric { bandwidth, flops } metric = Metric::bandwidth;
  double amount = 0; ///< bytes read + written, or flops
  std::vector<RowResult> rows;
  std::string crashed; ///< how the case's process ended, when not normally
  double noise = 0;    ///< share of the CPUs other processes used during the whole case
  const RowResult *find(const std::string &peer) const;
  const RowResult *weftDefault() const;
  const RowResult *bestWeft() const;
};

/// Every case's id, in run order.
std::vector<std::string> caseIds();
/// Runs one case in this process: prints its table, plus "@@case" / "@@row" lines for the parent.
int runCase(const BenchOptions &opt, const std::string &id);
/// Reads one "@@" line of a case process's output into `cases`; false for any other line.
bool parseBenchLine(const std::string &line, std::vector<CaseSummary> &cases);

/// The summary table against the bars (markdown).
void printSummary(const BenchOptions &opt, const std::vector<CaseSummary> &cases);

} // namespace weft::bench
