// weft-gpu-suite DEVICE DIR: runs the execution cases exported by weft-exec-tests
// ($WEFT_EXPORT_DIR) on DEVICE (vulkan, cuda, vulkan:N, cuda:N), with the runtime alone (no
// LLVM/MLIR: it is what travels to the lent GPU machine). Each case directory holds the case's
// artifacts (NAME.spirv.weft, NAME.ptx.weft; the device loads its target's), in<i>.npy, want.npy
// (the scalar reference's output) and tolerance.txt (0: bit-exact); refused.TARGET.txt where
// that target's compiler refuses the case's schedule by rule (the case is skipped there).
#include "test/reference/Reference.h"
#include "weft/Device.h"
#include "weft/Npy.h"

#include <dirent.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

using namespace weft;

namespace {

std::vector<std::string> entries(const std::string &dir) {
  std::vector<std::string> names;
  if (DIR *d = opendir(dir.c_str())) {
    while (dirent *e = readdir(d))
      if (e->d_name[0] != '.') names.push_back(e->d_name);
    closedir(d);
  }
  std::sort(names.begin(), names.end());
  return names;
}

Status runCase(Device &device, const std::string &dir, const std::string &name) {
  auto artifact = readArtifact(dir + "/" + artifactFileName(name, device.target()));
  if (!artifact) return artifact.status();
  auto program = device.load(*artifact);
  if (!program) return program.status();
  std::vector<Buffer> held;
  for (int i = 0;; ++i) {
    std::string path = dir + "/in" + std::to_string(i) + ".npy";
    if (!std::ifstream(path)) break;
    // bf16 travels as numpy's '<u2': read it as the program's dtype.
    const ProgramDesc &desc = (*program)->program();
    auto host = readNpy(path, size_t(i) < desc.inputs.size() ? std::optional<DType>(desc.inputs[i].dtype) : std::nullopt);
    if (!host) return host.status();
    auto dev = device.allocate(host->dtype(), host->shape());
    if (!dev) return dev.status();
    std::copy_n(static_cast<const char *>(host->data()), host->bytes(), static_cast<char *>(dev->data()));
    held.push_back(*dev);
  }
  auto want = readNpy(dir + "/want.npy", (*program)->program().outputs.at(0).dtype);
  if (!want) return want.status();
  auto out = device.allocate(want->dtype(), want->shape());
  if (!out) return out.status();
  fillRandom(*out, 7); // poisoned: every element must be written
  std::vector<Buffer *> args;
  for (Buffer &b : held) args.push_back(&b);
  args.push_back(&*out);
  if (Status s = device.dispatch(**program, args); !s) return s;
  double tolerance = 0;
  std::ifstream(dir + "/tolerance.txt") >> tolerance;
  return tolerance == 0 ? expectBitExact(*out, *want) : expectClose(*out, *want, tolerance);
}

} // namespace

int main(int argc, char **argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: weft-gpu-suite DEVICE DIR (DEVICE: vulkan, cuda, vulkan:N, cuda:N; DIR: cases "
                         "exported by WEFT_EXPORT_DIR=DIR weft-exec-tests)\n");
    return 2;
  }
  auto device = openDevice(argv[1]);
  if (!device) {
    std::fprintf(stderr, "weft-gpu-suite: %s\n", device.message().c_str());
    return 1;
  }
  std::printf("device: %s\n", (*device)->describe().c_str());
  int passed = 0, failed = 0, skipped = 0;
  for (const std::string &name : entries(argv[2])) {
    const std::string dir = std::string(argv[2]) + "/" + name;
    if (std::ifstream refused{dir + "/refused." + (*device)->target() + ".txt"}) {
      std::string why;
      std::getline(refused, why);
      std::printf("SKIP %s: the compiler refuses its schedule on this target: %s\n", name.c_str(), why.c_str());
      ++skipped;
      continue;
    }
    Status s = runCase(**device, dir, name);
    if (s) {
      ++passed;
    } else {
      ++failed;
      std::printf("FAIL %s: %s\n", name.c_str(), s.message().c_str());
    }
  }
  std::printf("weft-gpu-suite: %d passed, %d failed, %d skipped on %s\n", passed, failed, skipped,
              (*device)->name().c_str());
  return failed || !passed ? 1 : 0;
}
