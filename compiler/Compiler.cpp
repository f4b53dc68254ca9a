// compile(): parse, apply the requested schedule, verify, run the frontend stages, split the
// module into one module per program, run the target's stages on each, then emit (JIT or
// source printer). Every diagnostic is collected as text and returned in the error.
#include "compiler/Compiler.h"
#include "compiler/Pipeline.h"
#include "compiler/SourceLimits.h"
#include "compiler/targets/TargetBackend.h"
#include "dialects/weft/WeftOps.h"
#include "lowering/Passes.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/SourceMgr.h"

#include <chrono>
#include <charconv>
#include <cstdio>
#include <set>

using namespace mlir;

namespace weft {

namespace {

/// The dialects of tensor-level and loop-level input. The LLVM dialect and the translations to
/// LLVM IR are loaded where they are used (by the conversion passes and by CpuJit.cpp), which
/// keeps their headers out of this file; a target adds what its stages need (registerDialects).
std::unique_ptr<MLIRContext> makeContext(const TargetBackend *target) {
  DialectRegistry registry;
  registry.insert<WeftDialect, func::FuncDialect, arith::ArithDialect, scf::SCFDialect, memref::MemRefDialect,
                  vector::VectorDialect, math::MathDialect, tensor::TensorDialect>();
  lowering::registerKernelOpModels(registry);
  if (target)
    target->registerDialects(registry);
  // One small module at a time: a thread pool would cost more to start than it saves.
  auto ctx = std::make_unique<MLIRContext>(registry, MLIRContext::Threading::DISABLED);
  // The diagnostic names the op and quotes its source line; a generic dump of it adds nothing.
  ctx->printOpOnDiagnostic(false);
  return ctx;
}

/// Collects the context's diagnostics as "file:line:col: error: ..." text with the source line.
class Diagnostics {
public:
  Diagnostics(MLIRContext &ctx, llvm::SourceMgr &mgr) : os(text), handler(mgr, &ctx, os) {}
  /// `what`, then the diagnostics collected since the last call.
  Status error(const std::string &what) {
    std::string detail = std::move(text);
    text.clear();
    while (!detail.empty() && detail.back() == '\n')
      detail.pop_back();
    return Status::error(detail.empty() ? what : what + ":\n" + detail);
  }

private:
  std::string text;
  llvm::raw_string_ostream os;
  SourceMgrDiagnosticHandler handler;
};

/// A source parsed in its own context (with `target`'s dialects, when given), its diagnostics
/// collected as text. Kept behind a pointer: the diagnostics refer to the context and the buffer.
struct Parsed {
  std::unique_ptr<MLIRContext> ctx;
  llvm::SourceMgr mgr;
  std::unique_ptr<Diagnostics> diags;
  OwningOpRef<ModuleOp> module;
};

Result<std::unique_ptr<Parsed>> parse(const Source &src, const TargetBackend *target) {
  if (std::string why = checkSourceLimits(src.text, src.name); !why.empty())
    return Status::error(why);
  auto p = std::make_unique<Parsed>();
  p->ctx = makeContext(target);
  p->mgr.AddNewSourceBuffer(llvm::MemoryBuffer::getMemBufferCopy(src.text, src.name), llvm::SMLoc());
  p->diags = std::make_unique<Diagnostics>(*p->ctx, p->mgr);
  p->module = parseSourceFile<ModuleOp>(p->mgr, p->ctx.get());
  if (!p->module)
    return p->diags->error(src.name + " is not a valid weft module");
  return p;
}

std::string printIR(Operation *op) {
  std::string ir;
  llvm::raw_string_ostream os(ir);
  op->print(os);
  return ir;
}

/// Gives `schedule` to every weft op without one; the verifier then checks that its fields apply.
Status applySchedule(ModuleOp module, const std::string &schedule, Diagnostics &diags) {
  Attribute attr = parseAttribute(schedule, module.getContext());
  if (!attr)
    return diags.error("schedule '" + schedule + "' does not parse");
  auto sched = dyn_cast<ScheduleAttr>(attr);
  if (!sched)
    return Status::error("schedule '" + schedule + "' is not a #weft.schedule<...> attribute");
  Dialect *weftDialect = module.getContext()->getLoadedDialect<WeftDialect>();
  module.walk([&](Operation *op) {
    if (op->getDialect() == weftDialect && !op->hasAttr("schedule"))
      op->setAttr("schedule", sched);
  });
  return Status();
}

/// One program's own module: its kernels and its `weft.programs` entry, so that each function's
/// artifact stands alone (its own .cpp, LLVM IR and JIT session).
struct ProgramModule {
  std::string function;
  ProgramDesc program;
  OwningOpRef<ModuleOp> module;
};

FailureOr<std::vector<ProgramModule>> splitPrograms(ModuleOp module) {
  auto programs = readPrograms(module);
  if (failed(programs))
    return failure();
  std::vector<ProgramModule> out;
  for (auto &[function, program] : *programs) {
    OwningOpRef<ModuleOp> own = module.clone();
    std::set<std::string> entries;
    for (const LaunchDesc &l : program.launches)
      entries.insert(l.entry);
    for (func::FuncOp fn : llvm::make_early_inc_range(own->getOps<func::FuncOp>())) {
      if (!entries.erase(fn.getName().str()))
        fn.erase();
      else if (!fn->hasAttr("weft.kernel"))
        return fn.emitError() << "function '" << function << "' launches '" << fn.getName()
                              << "', which is not a weft.kernel function";
    }
    if (!entries.empty())
      return module.emitError() << "function '" << function << "' launches '" << *entries.begin()
                                << "', which the module does not define";
    MLIRContext *ctx = module.getContext();
    NamedAttribute entry(StringAttr::get(ctx, function), ProgramAttr::get(ctx, program));
    (*own)->setAttr(kProgramsAttrName, DictionaryAttr::get(ctx, {entry}));
    out.push_back({function, program, std::move(own)});
  }
  return out;
}

double msSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

/// The common path of every target. `hostKernels`, when set, receives each function's kernel from a
/// target that compiles for this process (cpu).
Result<std::vector<Artifact>> compileWith(const Source &src, const TargetBackend &target,
                                          const CompileOptions &options, std::vector<CpuKernel> *hostKernels) {
  auto parsed = parse(src, &target);
  if (!parsed)
    return parsed.status();
  Diagnostics &diags = *(*parsed)->diags;
  OwningOpRef<ModuleOp> &module = (*parsed)->module;
  if (!options.schedule.empty())
    if (Status s = applySchedule(*module, options.schedule, diags); !s)
      return s;
  if (failed(verify(*module)))
    return diags.error(src.name + " does not verify");
  for (auto fn : module->getOps<func::FuncOp>())
    if (std::string why = checkFunctionName(fn.getName().str()); !why.empty())
      return Status::error(src.name + ": " + why);

  auto hook = [&](const std::string &function) -> StageHook {
    if (!options.onStage)
      return {};
    return [&options, function](const Stage &stage, ModuleOp m, double ms) {
      options.onStage({function, stage.name, ms, options.stageIR ? printIR(m) : ""});
    };
  };
  auto vectorBytes = cpuVectorBytes(options.cpu);
  if (!vectorBytes)
    return vectorBytes.status();
  if (!options.cpu.empty() && options.cpu != "host" && !target.targetsOtherCpus())
    return Status::error("target " + target.name() + " takes no CPU '" + options.cpu +
                         "': only a source target (cpp) generates code for another CPU (" +
                         (target.gpu() ? "this target runs on a GPU" : "the JIT runs on this host") + ")");
  if (Status s = runStages(*module, frontendStages(target.deviceKind(), *vectorBytes), hook("")); !s)
    return diags.error(src.name + ": " + s.message());

  auto programs = splitPrograms(*module);
  if (failed(programs))
    return diags.error(src.name + ": the lowered module's programs are inconsistent");
  if (programs->empty())
    return Status::error(src.name + " holds no function to compile");

  std::vector<Artifact> artifacts;
  for (ProgramModule &pm : *programs) {
    std::string where = src.name + ", function '" + pm.function + "', target " + target.name();
    if (Status s = runStages(*pm.module, target.stages(pm.program.fitsIndex32() ? 32 : 64), hook(pm.function)); !s)
      return diags.error(where + ": " + s.message());
    // A target's stages may refine the description (weft-gpu-map-grid records workgroups).
    auto refined = readPrograms(*pm.module);
    if (failed(refined) || refined->size() != 1)
      return diags.error(where + ": the target's stages left no single program description");
    pm.program = refined->front().second;
    Artifact artifact{pm.function, target.name(), pm.program, {}, {}};
    std::string text;
    Emission emission;
    emission.keepSource = options.keepSource;
    emission.keepObject = options.keepObject;
    emission.stageText = options.stageIR ? &text : nullptr;
    CpuKernel kernel;
    emission.hostKernel = hostKernels ? &kernel : nullptr;
    auto start = std::chrono::steady_clock::now();
    if (Status s = target.emit(*pm.module, artifact, emission); !s)
      return diags.error(where + ": " + s.message());
    if (options.onStage)
      options.onStage({pm.function, target.emitterName(), msSince(start), std::move(text)});
    if (hostKernels)
      hostKernels->push_back(std::move(kernel));
    artifacts.push_back(std::move(artifact));
  }
  return artifacts;
}

} // namespace

Result<std::string> canonicalIR(const Source &src) {
  auto parsed = parse(src, nullptr); // weft's input dialects
  if (!parsed)
    return parsed.status();
  return printIR(*(*parsed)->module);
}

Result<std::vector<CpuProgram>> compileCpu(const Source &src, const CompileOptions &options) {
  auto cpu = lookupTargetBackend("cpu");
  if (!cpu)
    return cpu.status();
  std::vector<CpuKernel> kernels;
  auto artifacts = compileWith(src, **cpu, options, &kernels);
  if (!artifacts)
    return artifacts.status();
  std::vector<CpuProgram> out;
  for (size_t i = 0; i < artifacts->size(); ++i)
    out.push_back({std::move((*artifacts)[i]), std::move(kernels[i])});
  return out;
}

Result<CpuKernel> loadCpuObject(const Artifact &artifact) {
  auto cpu = lookupTargetBackend("cpu");
  if (!cpu)
    return cpu.status();
  return (*cpu)->loadHostObject(artifact);
}

Result<std::vector<Artifact>> compile(const Source &src, const std::string &target, const CompileOptions &options) {
  auto backend = lookupTargetBackend(target);
  if (!backend)
    return backend.status();
  return compileWith(src, **backend, options, nullptr);
}

namespace {

std::string mlirType(const TensorType &t) {
  std::string s = "tensor<";
  for (int64_t e : t.shape)
    s += (e == kDynamic ? std::string("?") : std::to_string(e)) + "x";
  return s + dtypeName(t.dtype) + ">";
}

/// The op's attributes in MLIR syntax. The dialect declares its flags (matmul's transposes) as
/// BoolAttr with a default and every other attribute as I64Attr; the op's default properties
/// say which are which.
std::string attrDict(const OpSpec &spec) {
  MLIRContext ctx;
  ctx.loadDialect<WeftDialect>();
  OperationState state(UnknownLoc::get(&ctx), "weft." + spec.op);
  Operation *defaults = Operation::create(state);
  std::vector<std::string> items;
  for (auto &[name, value] : spec.attrs.all()) {
    std::optional<Attribute> d = defaults->getInherentAttr(name);
    bool isBool = d && *d && isa<BoolAttr>(*d);
    items.push_back(name + " = " + (isBool ? (value ? "true" : "false") : std::to_string(value) + " : i64"));
  }
  defaults->destroy();
  return "{" + llvm::join(items, ", ") + "}";
}

} // namespace

Result<std::string> opSource(const OpSpec &spec, const std::string &name) {
  if (std::string why = checkFunctionName(name); !why.empty())
    return Status::error(why);
  const OpInfo *info = findOp(spec.op);
  if (!info)
    return Status::error("unknown op '" + spec.op + "' (known: " + knownOpNames() + ")");
  std::vector<std::string> takes;
  for (const AttrSpec &a : info->attrs)
    takes.emplace_back(a.name);
  for (auto &[attr, value] : spec.attrs.all())
    if (std::find(takes.begin(), takes.end(), attr) == takes.end())
      return Status::error(spec.op + " has no attribute '" + attr + "' (it takes: " + llvm::join(takes, ", ") + ")");

  std::vector<TensorType> results;
  std::string err = inferAndCheck(spec.op, spec.attrs, spec.inputs, results);
  if (err.empty() && spec.resultDType) {
    results[0].dtype = *spec.resultDType;
    err = inferAndCheck(spec.op, spec.attrs, spec.inputs, results);
  }
  if (!err.empty())
    return Status::error(spec.op + ": " + err);

  std::vector<std::string> args, argNames, argTypes, resultTypes;
  for (size_t i = 0; i < spec.inputs.size(); ++i) {
    argNames.push_back("%arg" + std::to_string(i));
    argTypes.push_back(mlirType(spec.inputs[i]));
    args.push_back(argNames.back() + ": " + argTypes.back());
  }
  for (const TensorType &r : results)
    resultTypes.push_back(mlirType(r));
  std::string resultList = llvm::join(resultTypes, ", ");
  std::string text;
  text += "func.func @" + name + "(" + llvm::join(args, ", ") + ") -> (" + resultList + ") {\n";
  text += "  %0 = \"weft." + spec.op + "\"(" + llvm::join(argNames, ", ") + ") " + attrDict(spec) + " : (" +
          llvm::join(argTypes, ", ") + ") -> (" + resultList + ")\n";
  text += "  return %0 : " + resultList + "\n}\n";
  return text;
}

Result<TensorType> parseTensorType(const std::string &text) {
  auto colon = text.find(':');
  if (colon == std::string::npos)
    return Status::error("tensor type '" + text + "' must be DTYPE:SHAPE, e.g. f32:2048x8192");
  std::string dtype = text.substr(0, colon);
  auto dt = parseDType(dtype);
  if (!dt)
    return Status::error("tensor type '" + text + "' has unknown dtype '" + dtype +
                         "' (known: f32, f16, bf16, i8, i16, i32, i64)");
  TensorType t{*dt, {}};
  llvm::SmallVector<llvm::StringRef> extents;
  llvm::StringRef(text).drop_front(colon + 1).split(extents, 'x');
  for (llvm::StringRef e : extents) {
    int64_t v = 0;
    auto [end, ec] = std::from_chars(e.data(), e.data() + e.size(), v);
    if (e == "?")
      v = kDynamic;
    else if (e.empty() || ec != std::errc() || end != e.data() + e.size() || v <= 0)
      return Status::error("tensor type '" + text + "' has extent '" + e.str() +
                           "' (rule: each extent is an integer > 0 or '?', separated by 'x')");
    t.shape.push_back(v);
  }
  return t;
}

Status parseAttr(const std::string &text, Attrs &attrs) {
  auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0)
    return Status::error("attribute '" + text + "' must be NAME=VALUE, e.g. stride=8");
  std::string name = text.substr(0, eq), value = text.substr(eq + 1);
  if (attrs.has(name))
    return Status::error("attribute '" + name + "' is given twice (rule: each --attr once)");
  int64_t v = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
  if (value == "true" || value == "false")
    v = value == "true";
  else if (value.empty() || ec != std::errc() || end != value.data() + value.size())
    return Status::error("attribute '" + name + "' has value '" + value + "' (rule: an integer, or true/false)");
  attrs.set(name, v);
  return Status();
}

std::string formatStageReport(const std::string &target, const StageReport &report, bool withTime) {
  std::string where = "target " + target + (report.function.empty() ? "" : ", function '" + report.function + "'");
  std::string out;
  if (withTime) {
    char ms[32];
    std::snprintf(ms, sizeof(ms), "%.1f", report.ms);
    out += "// stage '" + report.stage + "' (" + where + "): " + ms + " ms\n";
  }
  if (!report.ir.empty())
    out += "// -----// IR after stage '" + report.stage + "' (" + where + ") //----- //\n" + report.ir + "\n";
  return out;
}

} // namespace weft
