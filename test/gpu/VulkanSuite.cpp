// weft-vulkan-suite DIR: runs the execution cases exported by weft-exec-tests
// ($WEFT_EXPORT_DIR) on a Vulkan device, with the runtime alone (no LLVM/MLIR: it is what
// travels to the lent GPU machine). Each case directory holds NAME.spirv.program, ENTRY.spv,
// in<i>.npy, want.npy (the scalar reference's output) and tolerance.txt (0: bit-exact).
#include "test/reference/Reference.h"
#include "weft/Npy.h"
#include "weft/Vulkan.h"

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

Status runCase(VulkanDevice &device, const std::string &dir, const std::string &name) {
  auto program = device.loadFiles(dir + "/" + name + ".spirv.program");
  if (!program) return program.status();
  std::vector<Buffer> held;
  for (int i = 0;; ++i) {
    std::string path = dir + "/in" + std::to_string(i) + ".npy";
    if (!std::ifstream(path)) break;
    // bf16 travels as numpy's '<u2': read it as the program's dtype.
    const ProgramDesc &desc = program->program();
    auto host = readNpy(path, size_t(i) < desc.inputs.size() ? std::optional<DType>(desc.inputs[i].dtype) : std::nullopt);
    if (!host) return host.status();
    auto dev = device.allocate(host->dtype(), host->shape());
    if (!dev) return dev.status();
    std::copy_n(static_cast<const char *>(host->data()), host->bytes(), static_cast<char *>(dev->data()));
    held.push_back(*dev);
  }
  auto want = readNpy(dir + "/want.npy", program->program().outputs.at(0).dtype);
  if (!want) return want.status();
  auto out = device.allocate(want->dtype(), want->shape());
  if (!out) return out.status();
  fillRandom(*out, 7); // poisoned: every element must be written
  std::vector<Buffer *> args;
  for (Buffer &b : held) args.push_back(&b);
  args.push_back(&*out);
  if (Status s = device.dispatch(*program, args); !s) return s;
  double tolerance = 0;
  std::ifstream(dir + "/tolerance.txt") >> tolerance;
  return tolerance == 0 ? expectBitExact(*out, *want) : expectClose(*out, *want, tolerance);
}

} // namespace

int main(int argc, char **argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: weft-vulkan-suite DIR (cases exported by WEFT_EXPORT_DIR=DIR weft-exec-tests)\n");
    return 2;
  }
  auto device = VulkanDevice::open();
  if (!device) {
    std::fprintf(stderr, "weft-vulkan-suite: %s\n", device.message().c_str());
    return 1;
  }
  std::printf("device: %s\n", (*device)->caps().describe().c_str());
  int passed = 0, failed = 0;
  for (const std::string &name : entries(argv[1])) {
    Status s = runCase(**device, std::string(argv[1]) + "/" + name, name);
    if (s) {
      ++passed;
    } else {
      ++failed;
      std::printf("FAIL %s: %s\n", name.c_str(), s.message().c_str());
    }
  }
  std::printf("weft-vulkan-suite: %d passed, %d failed on %s\n", passed, failed, (*device)->name().c_str());
  return failed || !passed ? 1 : 0;
}
