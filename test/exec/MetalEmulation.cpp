#include "MetalEmulation.h"

#include <cstdlib>
#include <dlfcn.h>
#include <fstream>
#include <sstream>

namespace weft::test {

namespace {

using EmulatedEntry = void (*)(void *const *bufs, const int64_t *params, int64_t groups, int64_t groupSize);

std::string symbolOf(const std::string &entry) { return "weft_emu_" + entry; }

} // namespace

Result<std::unique_ptr<MetalEmulation>> MetalEmulation::build(const std::vector<const Artifact *> &artifacts,
                                                             const std::string &dir) {
  std::string src = dir + "/msl_emulation.cpp", lib = dir + "/msl_emulation.so", log = dir + "/msl_emulation.log";
  {
    std::ofstream out(src);
    out << "#include <metal_stdlib>\n";
    size_t n = 0;
    for (const Artifact *a : artifacts)
      for (const KernelCode &k : a->kernels) {
        // Each kernel in its own namespace: the helpers pasted into every kernel's source repeat.
        std::string ns = "weft_kernel_" + std::to_string(n++);
        out << "namespace " << ns << " {\n" << k.source << "} // namespace " << ns << "\n"
            << "extern \"C\" void " << symbolOf(k.entry)
            << "(void *const *bufs, const int64_t *params, int64_t groups, int64_t groupSize) {\n"
            << "  weft::metal_emu::launch(" << ns << "::" << k.entry << ", bufs, params, groups, groupSize, "
            << (k.source.find("threadgroup_barrier") != std::string::npos ? "true" : "false") << ");\n}\n";
      }
  }
  const char *cxx = std::getenv("CXX");
  std::string cmd = std::string(cxx && *cxx ? cxx : "c++") + " -std=c++17 -O1 -ffp-contract=off -Wall -Wextra -Werror" +
                    " -Wno-attributes -Wno-unused-parameter -Wno-unused-variable -shared -fPIC -I" +
                    WEFT_METAL_EMULATION_DIR + " -I" + WEFT_TEMPLATES_COMMON_DIR + " " + src + " -o " + lib + " 2> " + log;
  if (std::system(cmd.c_str()) != 0) {
    std::ifstream in(log);
    std::stringstream text;
    text << in.rdbuf();
    return Status::error("the generated MSL of " + src + " does not compile against the emulation:\n" +
                         text.str().substr(0, 4000));
  }
  void *handle = dlopen(lib.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) return Status::error(std::string("cannot load ") + lib + ": " + dlerror());
  auto emu = std::unique_ptr<MetalEmulation>(new MetalEmulation());
  emu->library = handle;
  return emu;
}

MetalEmulation::~MetalEmulation() {
  if (library) dlclose(library);
}

Status MetalEmulation::dispatch(const Artifact &artifact, const std::vector<Buffer *> &args) {
  const ProgramDesc &program = artifact.program;
  std::vector<int64_t> params;
  std::vector<Shape> tempShapes;
  if (Status s = checkArguments(program, args, params, tempShapes); !s) return s;
  std::vector<Buffer> temps;
  std::vector<void *> bufs;
  for (Buffer *a : args) bufs.push_back(a->data());
  for (size_t t = 0; t < tempShapes.size(); ++t) {
    Result<Buffer> b = Buffer::allocate(program.temps[t].dtype, tempShapes[t]);
    if (!b) return b.status();
    temps.push_back(*b);
    bufs.push_back(temps.back().data());
  }
  for (const LaunchDesc &l : program.launches) {
    auto entry = reinterpret_cast<EmulatedEntry>(dlsym(library, symbolOf(l.entry).c_str()));
    if (!entry) return Status::error("the emulation library has no kernel '" + l.entry + "'");
    const int64_t grid = gridSize(l, params);
    entry(bufs.data(), params.data(), grid / l.items + (grid % l.items != 0), l.group);
  }
  return Status();
}

} // namespace weft::test
