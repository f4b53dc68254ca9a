#include "compiler/targets/spirv/SpirvCompiler.h"

#include "compiler/targets/spirv/GlslEmitter.h"
#include "lowering/LoopHelpers.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"

#include <shaderc/shaderc.hpp>
#include <spirv-tools/libspirv.hpp>
#include <spirv-tools/optimizer.hpp>

#include <algorithm>
#include <cstring>

namespace weft {

namespace {
constexpr spv_target_env kEnv = SPV_ENV_VULKAN_1_2;

/// A SPIRV-Tools message consumer that keeps the first error's text.
spvtools::MessageConsumer collect(std::string &out) {
  return [&out](spv_message_level_t level, const char *, const spv_position_t &pos, const char *msg) {
    if (level <= SPV_MSG_ERROR && out.empty()) out = "word " + std::to_string(pos.index) + ": " + msg;
  };
}
} // namespace

std::string validateSpirv(const std::vector<uint32_t> &words) {
  spvtools::SpirvTools tools(kEnv);
  std::string error;
  tools.SetMessageConsumer(collect(error));
  if (!tools.Validate(words)) return error.empty() ? "invalid SPIR-V" : error;
  return "";
}

Status emitSpirv(mlir::ModuleOp module, Artifact &artifact) {
  ProgramDesc &program = artifact.program;
  mlir::FailureOr<TargetAttr> target = TargetAttr::of(module);
  if (mlir::failed(target))
    return Status::error("target spirv: the module has no #weft.target");
  lowering::GlslOptions options = lowering::glslOptionsFor(program, *target);
  std::set<std::string> requires;
  // One compiler for the process: creating and releasing one per call initialises and tears down
  // glslang, whose built-in symbol tables then are parsed again for every kernel (most of a cold
  // compile's time). shaderc allows concurrent compiles on one compiler object.
  static shaderc::Compiler compiler;
  shaderc::CompileOptions glslOptions;
  glslOptions.SetTargetEnvironment(shaderc_target_env_vulkan, shaderc_env_version_vulkan_1_2);
  // SPIRV-Tools optimises below; shaderc's own pass would run the same optimiser twice.
  glslOptions.SetOptimizationLevel(shaderc_optimization_level_zero);

  for (const LaunchDesc &launch : program.launches) {
    auto fn = module.lookupSymbol<mlir::func::FuncOp>(launch.entry);
    if (!fn) return Status::error("launch '" + launch.entry + "' names no kernel of the module");
    KernelCode code{launch.entry, {}, {}};
    // Aligned vector accesses read and write through vector views (GlslEmitter.cpp): a view into
    // an allocation that starts elsewhere would shift them.
    program.bufferAlign = std::max<int64_t>(program.bufferAlign, int64_t(lowering::declaredVectorAlign(fn)));
    if (mlir::failed(lowering::emitGlslKernel(fn, options, code.source, requires)))
      return Status::error("kernel '" + launch.entry + "': the GLSL printer failed");

    auto spv = compiler.CompileGlslToSpv(code.source, shaderc_compute_shader, (launch.entry + ".comp").c_str(),
                                         glslOptions);
    if (spv.GetCompilationStatus() != shaderc_compilation_status_success)
      return Status::error("kernel '" + launch.entry + "': shaderc rejected the generated GLSL: " +
                           spv.GetErrorMessage());
    std::vector<uint32_t> words(spv.cbegin(), spv.cend());

    std::string error;
    spvtools::Optimizer optimizer(kEnv);
    optimizer.SetMessageConsumer(collect(error));
    optimizer.RegisterPerformancePasses();
    std::vector<uint32_t> optimized;
    if (!optimizer.Run(words.data(), words.size(), &optimized))
      return Status::error("kernel '" + launch.entry + "': spirv-opt failed: " + error);
    if (std::string e = validateSpirv(optimized); !e.empty())
      return Status::error("kernel '" + launch.entry + "': the SPIR-V does not validate for Vulkan 1.2: " + e);
    code.binary.resize(optimized.size() * sizeof(uint32_t));
    std::memcpy(code.binary.data(), optimized.data(), code.binary.size());
    artifact.kernels.push_back(std::move(code));
  }
  program.requires.assign(requires.begin(), requires.end());
  program.indexBits = options.index32 ? 32 : 64;
  return Status();
}

} // namespace weft
