#include "lowering/cfamily/GpuKernels.h"

#include "lowering/Passes.h"

using namespace mlir;

namespace weft::cfamily {

LogicalResult checkGpuKernel(func::FuncOp fn, const KernelSignature &k) {
  if (!fn->hasAttr("weft.workgroup") || !fn->hasAttr("weft.kernel"))
    return fn.emitError() << "kernel '" << k.name << "' has no weft.workgroup: run weft-gpu-map-grid first";
  if (k.args.empty() || k.args.back().kind != KernelArg::Params)
    return fn.emitError() << "kernel '" << k.name << "' ends with index arguments: a GPU kernel takes buffers "
                             "and the parameter block only";
  return success();
}

LogicalResult printKernelSources(ModuleOp module, llvm::raw_ostream &os, KernelSourceEmitter emit) {
  auto programs = readPrograms(module);
  if (failed(programs)) return failure();
  for (const auto &[name, program] : *programs)
    for (const LaunchDesc &launch : program.launches) {
      auto fn = module.lookupSymbol<func::FuncOp>(launch.entry);
      if (!fn) return module.emitError() << "program '" << name << "' launches '" << launch.entry << "', which is no kernel";
      std::string source;
      std::set<std::string> requires;
      if (failed(emit(fn, program, source, requires))) return failure();
      os << "// ---- kernel " << launch.entry << " (requires";
      for (const std::string &r : requires) os << " " << r;
      os << ") ----\n" << source;
    }
  return success();
}

} // namespace weft::cfamily
