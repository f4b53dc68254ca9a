// weft-bench-gpu DEVICE DIR [RUNS]: times every artifact weftc wrote to DIR for DEVICE's target
// (NAME.spirv.weft on vulkan, NAME.ptx.weft on cuda), with the runtime alone (it travels to the
// lent GPU machine). Inputs are random; each program runs RUNS times (default 50) after kWarmup
// runs; the median GPU time (timestamps or events around the launches) gives GB/s over the bytes
// the op must move: every input read once, every output written once. One line per program:
// NAME median_us GB/s (tab-separated, for scripts/gpu.sh to join with the peers' table).
#include "test/reference/Reference.h"
#include "weft/Device.h"

#include <dirent.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

using namespace weft;

// Runs before timing: pipelines, first touches of the buffers, clocks.
constexpr int kWarmup = 5;

int main(int argc, char **argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: weft-bench-gpu DEVICE DIR [RUNS]\n");
    return 2;
  }
  const std::string dir = argv[2];
  const int runs = argc > 3 ? std::max(1, std::atoi(argv[3])) : 50;
  auto device = openDevice(argv[1]);
  if (!device) {
    std::fprintf(stderr, "weft-bench-gpu: %s\n", device.message().c_str());
    return 1;
  }
  std::fprintf(stderr, "device: %s\n", (*device)->describe().c_str());
  std::vector<std::string> programs;
  if (DIR *d = opendir(dir.c_str())) {
    while (dirent *e = readdir(d)) {
      std::string n = e->d_name;
      const std::string suffix = artifactFileName("", (*device)->target());
      if (n.size() > suffix.size() && n.compare(n.size() - suffix.size(), suffix.size(), suffix) == 0)
        programs.push_back(n.substr(0, n.size() - suffix.size()));
    }
    closedir(d);
  }
  std::sort(programs.begin(), programs.end());
  int failures = 0;
  for (const std::string &name : programs) {
    auto fail = [&](const std::string &why) {
      std::fprintf(stderr, "%s: %s\n", name.c_str(), why.c_str());
      ++failures;
    };
    auto artifact = readArtifact(dir + "/" + artifactFileName(name, (*device)->target()));
    if (!artifact) { fail(artifact.message()); continue; }
    auto program = (*device)->load(*artifact);
    if (!program) { fail(program.message()); continue; }
    const ProgramDesc &desc = (*program)->program();
    std::vector<Buffer> buffers;
    double bytes = 0;
    bool ok = true;
    uint64_t seed = 1;
    for (const auto *list : {&desc.inputs, &desc.outputs})
      for (const TensorType &t : *list) {
        auto b = (*device)->allocate(t.dtype, t.shape);
        if (!b) { fail(b.message()); ok = false; break; }
        fillRandom(*b, seed++);
        bytes += double(b->bytes());
        buffers.push_back(*b);
      }
    if (!ok) continue;
    std::vector<Buffer *> args;
    for (Buffer &b : buffers) args.push_back(&b);
    std::vector<double> times;
    for (int i = 0; i < kWarmup + runs && ok; ++i) {
      auto us = (*device)->dispatchTimed(**program, args);
      if (!us) { fail(us.message()); ok = false; break; }
      if (i >= kWarmup) times.push_back(*us);
    }
    if (!ok) continue;
    std::sort(times.begin(), times.end());
    double median = times[times.size() / 2];
    std::printf("%s\t%.1f\t%.0f\n", name.c_str(), median, bytes / (median * 1e-6) / 1e9);
  }
  return failures ? 1 : 0;
}
