// Loading the functions of a generated kernel library (weft/Embedded.h).
#include "weft/Embedded.h"

#include "weft/Artifact.h"

#include <string_view>

namespace weft {

namespace {

std::string targetsBuilt(const EmbeddedFunction &f) {
  std::string out = f.cpuEntries ? "cpp" : "";
  for (size_t i = 0; i < f.numArtifacts; ++i)
    out += (out.empty() ? "" : ", ") + std::string(f.artifacts[i].target);
  return out.empty() ? "none" : out;
}

Result<std::shared_ptr<Executable>> loadCpu(CpuDevice &device, const EmbeddedFunction &f) {
  CpuKernel kernel;
  std::string why = ProgramDesc::fromText(f.program ? f.program : "", kernel.program);
  if (!why.empty())
    return Status::error("kernel library function '" + std::string(f.name) + "': its program: " + why);
  if (kernel.program.launches.size() != f.numCpuEntries)
    return Status::error("kernel library function '" + std::string(f.name) + "': " +
                         std::to_string(f.numCpuEntries) + " C++ entries for " +
                         std::to_string(kernel.program.launches.size()) + " launches");
  kernel.entries.assign(f.cpuEntries, f.cpuEntries + f.numCpuEntries);
  return device.adopt(std::move(kernel));
}

} // namespace

Result<std::shared_ptr<Executable>> loadEmbedded(Device &device, const EmbeddedFunction &f) {
  const std::string name = f.name ? f.name : "?";
  if (device.kind() == DeviceKind::cpu) {
    auto *cpu = dynamic_cast<CpuDevice *>(&device);
    if (!cpu || !f.cpuEntries)
      return Status::error("kernel library function '" + name + "' cannot run on " + device.name() +
                           ": a CPU device runs target cpp, and the function was built for " + targetsBuilt(f));
    return loadCpu(*cpu, f);
  }
  const std::string target = device.target();
  for (size_t i = 0; i < f.numArtifacts; ++i) {
    const EmbeddedArtifact &e = f.artifacts[i];
    if (target != e.target)
      continue;
    auto artifact = parseArtifact(std::string_view(e.bytes, e.size));
    if (!artifact)
      return Status::error("kernel library function '" + name + "', target " + target + ": " + artifact.message());
    if (artifact->function != name)
      return Status::error("kernel library function '" + name + "', target " + target +
                           ": the embedded artifact is of function '" + artifact->function + "'");
    return device.load(*artifact);
  }
  return Status::error("kernel library function '" + name + "' cannot run on " + device.name() + ": it needs target " +
                       (target.empty() ? "?" : target) + ", and the function was built for " + targetsBuilt(f));
}

} // namespace weft
