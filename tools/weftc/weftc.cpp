// weftc: compiles weft functions (an .mlir file, or one op described by flags) into artifacts:
// per function and target NAME.TARGET.weft (the artifact weft::readArtifact and Device::load
// take), per function NAME.program for the CPU targets (the program description a library built
// from NAME.cpp is loaded with), and the readable sources: NAME.cpp for target cpp, NAME.ll
// (optimised LLVM IR) for target cpu with --emit-source, per kernel ENTRY.comp (GLSL) and
// ENTRY.spv (SPIR-V) for target spirv, NAME.ptx for target ptx, per kernel ENTRY.metal for
// target msl. --library=NAME also writes a kernel library of every function and target, which
// an application compiles in and loads through the runtime alone (docs/build-time.md).
// --list-targets lists the targets of this build (compiler/targets/).
#include "compiler/Compiler.h"
#include "compiler/KernelLibrary.h"
#include "compiler/targets/TargetBackend.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "tools/common/OpFlags.h"

#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <chrono>
#include <map>

namespace cl = llvm::cl;
using namespace weft::tools;

namespace {

cl::OptionCategory category("weftc options");

cl::list<std::string> inputFiles(cl::Positional, cl::desc("[input.mlir...]"), cl::cat(category));
cl::list<std::string> inputTypes("input",
                                 cl::desc("An input of --op, in operand order (repeatable): DTYPE:SHAPE, e.g. "
                                          "f32:2048x8192; '?' for a dynamic extent"),
                                 cl::value_desc("dtype:shape"), cl::cat(category));
cl::opt<std::string> functionName("name", cl::desc("Function name for --op (default: the op's name)"),
                                  cl::value_desc("name"), cl::cat(category));
cl::list<std::string> targetList("target",
                                 cl::desc("Targets, comma-separated (default cpp); --list-targets lists them"),
                                 cl::CommaSeparated, cl::value_desc("t1,t2"), cl::cat(category));
cl::opt<bool> listTargets("list-targets", cl::desc("List the targets of this build and exit"), cl::cat(category));
cl::opt<std::string> cpuName("cpu",
                             cl::desc("Target cpp: the CPU the C++ is for (host, generic, x86-64-v2, x86-64-v3, "
                                      "x86-64-v4), which sets its vector widths (default: this machine)"),
                             cl::value_desc("name"), cl::cat(category));
cl::opt<std::string> outDir("o", cl::desc("Output directory, created if missing (default .)"),
                            cl::value_desc("dir"), cl::init("."), cl::cat(category));
cl::opt<bool> emitSource("emit-source", cl::desc("Target cpu: also write NAME.ll, the optimised LLVM IR"),
                         cl::cat(category));
cl::opt<std::string> schedule("schedule",
                              cl::desc("Schedule for every op that has none, e.g. "
                                       "'#weft.schedule<parallel = time, vector = 8>'"),
                              cl::value_desc("attr"), cl::cat(category));
cl::opt<std::string> libraryName("library",
                                  cl::desc("Also write a kernel library of every function and target: NAME.h (the "
                                           "class Kernels with a method per function), NAME.cpp (the embedded "
                                           "artifacts) and NAME.kernels.cpp (target cpp's kernels); see "
                                           "docs/build-time.md"),
                                  cl::value_desc("name"), cl::cat(category));
cl::opt<std::string> libraryNamespace("namespace", cl::desc("The C++ namespace of --library (default: its name)"),
                                      cl::value_desc("ns"), cl::cat(category));
cl::opt<bool> dumpStages("dump-stages", cl::desc("Print the IR after every stage to stderr"), cl::cat(category));
cl::opt<bool> printTime("time", cl::desc("Print each stage's and each target's compile time to stderr"),
                        cl::cat(category));

int fail(const std::string &message) {
  llvm::errs() << "weftc: " << message << "\n";
  return 1;
}

weft::Result<std::vector<weft::Source>> readSources() {
  if (!opName.empty()) {
    if (!inputFiles.empty())
      return weft::Status::error("give input files or --op, not both");
    std::vector<weft::TensorType> types;
    for (const std::string &t : inputTypes) {
      auto type = weft::parseTensorType(t);
      if (!type)
        return type.status();
      types.push_back(*type);
    }
    auto spec = opSpecFromFlags(std::move(types));
    if (!spec)
      return spec.status();
    auto text = weft::opSource(*spec, functionName.empty() ? std::string(opName) : functionName);
    if (!text)
      return text.status();
    return std::vector<weft::Source>{{*text, "<--op " + opName + ">"}};
  }
  if (anyOpDetail() || !inputTypes.empty() || !functionName.empty())
    return weft::Status::error("--attr, --input, --result-dtype and --name describe an --op; give --op");
  if (inputFiles.empty())
    return weft::Status::error("give an input .mlir file or --op (see --help)");
  std::vector<weft::Source> sources;
  for (const std::string &file : inputFiles) {
    auto buffer = llvm::MemoryBuffer::getFileOrSTDIN(file);
    if (!buffer)
      return weft::Status::error("cannot read '" + file + "': " + buffer.getError().message());
    sources.push_back({(*buffer)->getBuffer().str(), file});
  }
  return sources;
}

weft::Status writeFile(const std::string &name, const std::string &contents) {
  llvm::SmallString<256> path(outDir);
  llvm::sys::path::append(path, name);
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec);
  if (!ec) {
    os << contents;
    os.close();
    ec = os.error();
    os.clear_error(); // reported below, not by the stream's destructor through LLVM's fatal handler
  }
  if (ec)
    return weft::Status::error("cannot write '" + path.str().str() + "': " + ec.message());
  return weft::Status();
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions({&category, &opFlagsCategory});
  if (!cl::ParseCommandLineOptions(argc, argv,
                                   "weftc: compile weft ops to artifacts\n\n"
                                   "  weftc input.mlir --target=cpp,cpu -o outdir\n"
                                   "  weftc a.mlir b.mlir --target=cpp,spirv,ptx --library=kernels -o outdir\n"
                                   "  weftc --op=col2im_1d --attr stride=8 --attr channels=512 "
                                   "--input f32:2048x8192 -o outdir\n",
                                   &llvm::errs()))
    return 1;

  if (std::string why = repeatedOption({&category, &opFlagsCategory}); !why.empty())
    return fail(why);
  if (listTargets) {
    for (const weft::TargetBackend *t : weft::targetBackends())
      llvm::outs() << llvm::format("  %-8s", t->name().c_str()) << t->description() << " (device: "
                   << weft::deviceKindName(t->deviceKind()) << ")\n";
    return 0;
  }
  auto sources = readSources();
  if (!sources)
    return fail(sources.message());
  std::vector<std::string> targets(targetList.begin(), targetList.end());
  if (targets.empty())
    targets.push_back("cpp");
  for (size_t i = 0; i < targets.size(); ++i) {
    if (auto known = weft::lookupTargetBackend(targets[i]); !known)
      return fail(known.message());
    if (std::find(targets.begin(), targets.begin() + i, targets[i]) != targets.begin() + i)
      return fail("target " + targets[i] + " is given twice in --target");
  }
  if (libraryName.empty() && !libraryNamespace.empty())
    return fail("--namespace names the C++ namespace of --library; give --library");
  if (std::error_code ec = llvm::sys::fs::create_directories(outDir))
    return fail("cannot create output directory '" + outDir + "': " + ec.message());

  std::map<std::string, std::string> programs; // function -> program text written
  std::map<std::string, size_t> definedIn;      // function -> the input defining it
  std::vector<weft::Artifact> library;          // every artifact, for --library
  for (size_t input = 0; input < sources->size(); ++input)
    for (const std::string &target : targets) {
      const weft::Source &source = (*sources)[input];
      weft::CompileOptions options;
      options.schedule = schedule;
      options.keepSource = emitSource;
      options.cpu = cpuName;
      options.stageIR = dumpStages;
      if (dumpStages || printTime)
        options.onStage = [&](const weft::StageReport &r) {
          llvm::errs() << weft::formatStageReport(target, r, printTime);
        };
      auto start = std::chrono::steady_clock::now();
      auto artifacts = weft::compile(source, target, options);
      auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
      if (!artifacts)
        return fail(artifacts.message());
      if (printTime)
        llvm::errs() << "weftc: target " << target << ": compiled " << artifacts->size() << " function(s)"
                     << (sources->size() > 1 ? " of " + source.name : "") << " in " << llvm::format("%.1f", ms)
                     << " ms\n";

      const weft::TargetBackend &t = *weft::findTargetBackend(target);
      for (const weft::Artifact &a : *artifacts) {
        auto [where, first] = definedIn.emplace(a.function, input);
        if (!first && where->second != input)
          return fail("function '" + a.function + "' is defined in both " + (*sources)[where->second].name + " and " +
                      source.name);
        // The artifact, as the runtime loads it (weft::readArtifact).
        llvm::SmallString<256> artifactPath(outDir);
        llvm::sys::path::append(artifactPath, weft::artifactFileName(a.function, a.target));
        if (weft::Status s = weft::writeArtifact(artifactPath.str().str(), a); !s)
          return fail(s.message());
        // The CPU targets share one program description, which a library built from NAME.cpp is
        // loaded with (weft::loadCpuLibrary); a GPU target's is in its artifact.
        if (!t.gpu()) {
          std::string programFile = a.function + ".program", text = a.program.toText();
          auto [it, firstProgram] = programs.emplace(programFile, text);
          if (!firstProgram && it->second != text)
            return fail("targets disagree on the program of function '" + a.function + "'; compile them separately");
          if (firstProgram)
            if (weft::Status s = writeFile(programFile, text); !s)
              return fail(s.message());
        }
        if (!a.source.empty())
          if (weft::Status s = writeFile(a.function + "." + t.sourceExtension(), a.source); !s)
            return fail(s.message());
        for (const weft::KernelCode &k : a.kernels) {
          if (weft::Status s = writeFile(k.entry + "." + t.sourceExtension(), k.source); !s)
            return fail(s.message());
          std::string bytes(k.binary.begin(), k.binary.end());
          if (!t.binaryExtension().empty())
            if (weft::Status s = writeFile(k.entry + "." + t.binaryExtension(), bytes); !s)
              return fail(s.message());
        }
      }
      if (!libraryName.empty())
        library.insert(library.end(), std::make_move_iterator(artifacts->begin()),
                       std::make_move_iterator(artifacts->end()));
    }

  if (!libraryName.empty()) {
    std::string origin;
    for (const weft::Source &source : *sources)
      origin += (origin.empty() ? "" : ", ") + llvm::sys::path::filename(source.name).str();
    auto lib = weft::kernelLibrarySources(libraryName, libraryNamespace.empty() ? libraryName : libraryNamespace,
                                          library, origin);
    if (!lib)
      return fail(lib.message());
    for (auto [file, text] : {std::pair{".h", &lib->header}, {".cpp", &lib->glue}, {".kernels.cpp", &lib->kernels}})
      if (weft::Status s = writeFile(libraryName + file, *text); !s)
        return fail(s.message());
  }
  return 0;
}
