// What a compile target implements (the way IREE's TargetBackend and Halide's CodeGen_GPU_Dev put
// each back end behind one small interface): its name, the device kind whose schedule defaults and
// loop forms it takes, its stages after the per-function split (compiler/Pipeline.h), and the
// emitter that turns the last stage's module into an Artifact. Each target lives in one folder
// under compiler/targets/ and is listed once, in compiler/targets/CMakeLists.txt (weft_target),
// which generates the registry; docs/pipeline.md says how to add one.
#pragma once

#include "weft/Artifact.h"
#include "compiler/Pipeline.h"
#include "weft/Runtime.h"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace mlir {
class DialectRegistry;
class ModuleOp;
} // namespace mlir

namespace llvm {
class raw_ostream;
} // namespace llvm

namespace weft {

/// What an emitter is asked for besides the artifact.
struct Emission {
  /// Keep readable source in Artifact::source even where it is optional (cpu: the LLVM IR).
  bool keepSource = false;
  /// When set, receives what the emitter produced, for --dump-stages.
  std::string *stageText = nullptr;
  /// When set, a target that compiles for this process (cpu) leaves the runnable kernel here.
  CpuKernel *hostKernel = nullptr;
  /// Target cpu: keep the JIT's relocatable object code in the artifact (CompileOptions::keepObject).
  bool keepObject = false;
};

/// A readable-source printer a target offers to weft-translate (`--NAME`), for lit tests.
struct SourcePrinter {
  std::string name;        ///< e.g. "weft-to-glsl"
  std::string description;
  /// Prints the module as it is after the target's stages.
  bool (*print)(mlir::ModuleOp module, llvm::raw_ostream &os) = nullptr;
};

class TargetBackend {
public:
  virtual ~TargetBackend() = default;

  /// The name --target takes, e.g. "spirv".
  virtual std::string name() const = 0;
  /// One line for --list-targets and --help.
  virtual std::string description() const = 0;
  /// The device kind whose schedule defaults and loop forms apply, and whose devices run it.
  virtual DeviceKind deviceKind() const = 0;
  /// The stages after the per-function split, for a program whose indices fit `indexBits` (32
  /// when ProgramDesc::fitsIndex32, else 64); the frontend's stages come before them.
  virtual std::vector<Stage> stages(int indexBits) const = 0;
  /// The emitter's name in stage reports ("jit", "print", "spirv").
  virtual std::string emitterName() const = 0;
  /// Fills `artifact` (its program is already set) from `module`, as it is after stages().
  virtual Status emit(mlir::ModuleOp module, Artifact &artifact, const Emission &emission) const = 0;

  /// File extension of Artifact::source (per function) and of KernelCode::source (per kernel).
  virtual std::string sourceExtension() const = 0;
  /// File extension of KernelCode::binary; empty for targets that ship none.
  virtual std::string binaryExtension() const { return ""; }
  /// Whether it generates code for a CPU other than this host (CompileOptions::cpu, weftc --cpu):
  /// source that is compiled where it runs. The JIT and the GPU targets do not.
  virtual bool targetsOtherCpus() const { return false; }
  /// Registers the MLIR passes its stages name beyond the shared ones (once per process).
  virtual void registerPasses() const {}
  /// Adds the dialects, interfaces and translations its stages and emitter need to the registry
  /// of every compile for it (and of weft-opt).
  virtual void registerDialects(mlir::DialectRegistry &registry) const {}
  /// A target that compiles for this process (cpu): its artifact kept with
  /// Emission::keepObject, linked again into a runnable kernel.
  virtual Result<CpuKernel> loadHostObject(const Artifact &artifact) const {
    return Status::error("target " + name() + " keeps no object code for this process");
  }
  /// Its source printer for weft-translate, if it has one.
  virtual std::vector<SourcePrinter> sourcePrinters() const { return {}; }

  /// True for targets whose launches run on a GPU (workgroups, GPU launch ABI of docs/abi.md).
  bool gpu() const { return deviceKind() != DeviceKind::cpu; }
};

/// The targets this build has, in the order CMake lists them.
const std::vector<const TargetBackend *> &targetBackends();
/// The target called `name`, or null.
const TargetBackend *findTargetBackend(std::string_view name);
/// The target called `name`, or an error naming it and listing the targets this build has.
Result<const TargetBackend *> lookupTargetBackend(std::string_view name);
/// "cpu, cpp, spirv": the target names for messages and --help.
std::string targetNames();

} // namespace weft
