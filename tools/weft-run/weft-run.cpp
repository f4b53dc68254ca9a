// weft-run: runs one weft op on .npy inputs and writes its outputs as .npy. The op comes from
// flags (compiled for the inputs' exact shapes) or from an .mlir file holding one function. On the
// CPU (the default device) the kernel is JIT-compiled in process, or printed as C++ and built into
// a shared library with the system compiler (--source=cpp), so both CPU paths can be compared bit
// for bit; on a GPU device (--device=vulkan, cuda, metal; --device=list lists them) it is compiled for
// the device's target and loaded there, through the same weft::Device interface.
#include "compiler/Compiler.h"
#include "weft/Device.h"
#include "weft/Npy.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "tools/common/OpFlags.h"

#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <chrono>

namespace cl = llvm::cl;
using namespace weft::tools;

namespace {

cl::OptionCategory category("weft-run options");

cl::list<std::string> positional(cl::Positional, cl::desc("[kernel.mlir] input.npy..."), cl::cat(category));
cl::list<std::string> outputs("o", cl::desc("Output .npy path, one per op result (repeatable)"),
                              cl::value_desc("out.npy"), cl::cat(category));
cl::opt<std::string> device("device",
                            cl::desc("Device to run on: cpu (default), vulkan, cuda, metal (Apple platforms), vulkan:N, "
                                     "cuda:N, best (the fastest present); list: the devices present"),
                            cl::value_desc("name"), cl::init("cpu"), cl::cat(category));
cl::opt<std::string> schedule("schedule",
                              cl::desc("Schedule for every op that has none, e.g. "
                                       "'#weft.schedule<parallel = time, vector = 8>'"),
                              cl::value_desc("attr"), cl::cat(category));
cl::opt<std::string> sourceKind("source",
                                cl::desc("jit (default): LLVM ORC in process; cpp: print C++ and build it with "
                                         "$CXX (default c++) into a shared library"),
                                cl::value_desc("jit|cpp"), cl::init("jit"), cl::cat(category));
cl::opt<bool> bf16("bf16", cl::desc("--op: read '<u2' (and '<i2') inputs as bf16 bit patterns (an .mlir file's "
                                      "argument types decide for themselves)"),
                   cl::cat(category));
cl::opt<unsigned> threads("num-threads",
                          cl::desc("Worker threads, 1 to 4096 (default: WEFT_NUM_THREADS, else all cores)"),
                          cl::init(0), cl::cat(category));
cl::opt<unsigned> repeat("repeat", cl::desc("Run the kernel this many times (outputs are from the last run)"),
                         cl::init(1), cl::cat(category));
cl::opt<bool> printTime("time", cl::desc("Print each compile stage's time and the run time to stderr"),
                        cl::cat(category));
cl::opt<bool> dumpStages("dump-stages", cl::desc("Print the IR after every stage to stderr"), cl::cat(category));

using weft::Result;
using weft::Status;

double msSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

/// An input as --op reads it: its own dtype, and '<u2' as bf16 under --bf16. NumPy has no bf16, so
/// the file alone cannot say; any other dtype is read as written.
Result<weft::Buffer> readOpInput(const std::string &path) {
  if (bf16)
    if (auto b = weft::readNpy(path, weft::DType::bf16))
      return b;
  return weft::readNpy(path);
}

/// Builds the C++ source of `artifact` into a shared library in a fresh directory and loads it.
Result<weft::CpuKernel> buildCpp(const weft::Artifact &artifact) {
  llvm::SmallString<128> dir;
  if (std::error_code ec = llvm::sys::fs::createUniqueDirectory("weft-run", dir))
    return Status::error("cannot create a temporary directory: " + ec.message());
  auto path = [&](llvm::StringRef name) {
    llvm::SmallString<128> p(dir);
    llvm::sys::path::append(p, name);
    return p.str().str();
  };
  std::string src = path(artifact.function + ".cpp"), lib = path(artifact.function + ".so"), log = path("cxx.log");
  auto cleanup = [&] { llvm::sys::fs::remove_directories(dir); };
  {
    std::error_code ec;
    llvm::raw_fd_ostream os(src, ec);
    if (ec) {
      cleanup();
      return Status::error("cannot write '" + src + "': " + ec.message());
    }
    os << artifact.source;
  }
  std::string cxxName = llvm::sys::Process::GetEnv("CXX").value_or("c++");
  auto cxx = llvm::sys::findProgramByName(cxxName);
  if (!cxx) {
    cleanup();
    return Status::error("--source=cpp needs a C++ compiler; '" + cxxName + "' is not on PATH (set CXX)");
  }
  // -ffp-contract=off -fwrapv: what the printed source asks for to give the JIT's bits.
  std::vector<llvm::StringRef> args = {*cxx,     "-std=c++17", "-O3", "-march=native", "-ffp-contract=off",
                                       "-fwrapv", "-shared",    "-fPIC", src,          "-o",
                                       lib};
  std::optional<llvm::StringRef> redirects[] = {std::nullopt, llvm::StringRef(log), llvm::StringRef(log)};
  std::string why;
  int rc = llvm::sys::ExecuteAndWait(*cxx, args, std::nullopt, redirects, 0, 0, &why);
  if (rc != 0) {
    auto out = llvm::MemoryBuffer::getFile(log);
    std::string detail = out ? (*out)->getBuffer().take_front(4000).str() : why;
    cleanup();
    return Status::error(*cxx + " failed on the C++ of '" + artifact.function + "' (exit " + std::to_string(rc) +
                         "):\n" + detail);
  }
  auto kernel = weft::loadCpuLibrary(lib, artifact.program);
  cleanup(); // the loaded library stays mapped
  return kernel;
}

/// Compiles `src` (one function) for `dev` and loads it there: on the CPU through the JIT or the
/// printed C++ (--source), elsewhere through the device's target.
Result<std::shared_ptr<weft::Executable>> compileKernel(weft::Device &dev, const weft::Source &src) {
  const std::string target = dev.target().empty() ? (sourceKind == "cpp" ? "cpp" : "cpu") : dev.target();
  weft::CompileOptions options;
  options.schedule = schedule;
  options.stageIR = dumpStages;
  if (dumpStages || printTime)
    options.onStage = [target](const weft::StageReport &r) {
      llvm::errs() << weft::formatStageReport(target, r, printTime);
    };
  auto one = [&](size_t n) -> Status {
    if (n == 1)
      return Status();
    return Status::error(src.name + " holds " + std::to_string(n) + " functions; weft-run runs exactly one");
  };
  auto *cpu = dynamic_cast<weft::CpuDevice *>(&dev);
  if (cpu && target == "cpu") {
    auto programs = weft::compileCpu(src, options);
    if (!programs)
      return programs.status();
    if (Status s = one(programs->size()); !s)
      return s;
    return cpu->adopt(std::move(programs->front().kernel));
  }
  auto artifacts = weft::compile(src, target, options);
  if (!artifacts)
    return artifacts.status();
  if (Status s = one(artifacts->size()); !s)
    return s;
  if (!cpu)
    return dev.load(artifacts->front());
  auto kernel = buildCpp(artifacts->front());
  if (!kernel)
    return kernel.status();
  return cpu->adopt(std::move(*kernel));
}

/// `host` copied into `dev`'s memory (a GPU's host-visible buffers); the CPU uses it as it is.
Result<weft::Buffer> onDevice(weft::Device &dev, weft::Buffer host) {
  if (dev.kind() == weft::DeviceKind::cpu)
    return host;
  auto b = dev.allocate(host.dtype(), host.shape());
  if (b)
    std::copy_n(static_cast<const char *>(host.data()), host.bytes(), static_cast<char *>(b->data()));
  return b;
}

int fail(const std::string &message) {
  llvm::errs() << "weft-run: " << message << "\n";
  return 1;
}

int run() {
  if (device == "list") {
    for (const std::string &line : weft::listDevices())
      llvm::outs() << line << "\n";
    return 0;
  }
  if (sourceKind != "jit" && sourceKind != "cpp")
    return fail("--source must be jit or cpp, got '" + sourceKind + "'");
  if (threads > weft::CpuDevice::kMaxThreads)
    return fail("--num-threads = " + std::to_string(threads) + " must be at most " +
                std::to_string(weft::CpuDevice::kMaxThreads));
  std::unique_ptr<weft::Device> dev;
  if (device == "cpu") {
    unsigned n = threads;
    if (!n) { // WEFT_NUM_THREADS, refused by name when it is not a thread count
      weft::Result<unsigned> env = weft::CpuDevice::threadsFromEnvironment();
      if (!env) return fail(env.message());
      n = *env;
    }
    dev = std::make_unique<weft::CpuDevice>(n);
  } else {
    auto opened = weft::openDevice(device);
    if (!opened)
      return fail(opened.message());
    dev = std::move(*opened);
    if (sourceKind == "cpp")
      return fail("--source=cpp builds C++ for the CPU; device '" + device + "' runs target " + dev->target());
  }
  if (repeat == 0)
    return fail("--repeat must be at least 1");

  std::vector<std::string> paths(positional.begin(), positional.end());
  bool fromFile = !paths.empty() && llvm::StringRef(paths[0]).ends_with(".mlir");
  if (fromFile == !opName.empty())
    return fail(fromFile ? "give an .mlir file or --op, not both" : "give --op or an .mlir file (see --help)");
  if (fromFile && anyOpDetail())
    return fail("--attr and --result-dtype describe an --op; an .mlir file carries its own");
  std::string mlirPath = fromFile ? paths[0] : "";
  if (fromFile)
    paths.erase(paths.begin());
  if (outputs.empty())
    return fail("give an output path with -o out.npy");

  // Inputs: for --op they fix the op's types; for an .mlir file the function's types fix theirs.
  std::vector<weft::Buffer> inputs;
  weft::Source src;
  auto start = std::chrono::steady_clock::now();
  Result<std::shared_ptr<weft::Executable>> kernel = Status::error("not compiled");
  if (!fromFile) {
    std::vector<weft::TensorType> types;
    for (const std::string &p : paths) {
      auto b = readOpInput(p);
      if (!b)
        return fail(b.message());
      types.push_back(b->tensorType());
      inputs.push_back(std::move(*b));
    }
    auto spec = opSpecFromFlags(std::move(types));
    if (!spec)
      return fail(spec.message());
    auto text = weft::opSource(*spec, opName);
    if (!text)
      return fail(text.message());
    start = std::chrono::steady_clock::now();
    kernel = compileKernel(*dev, {*text, "<--op " + opName + ">"});
  } else {
    auto file = llvm::MemoryBuffer::getFile(mlirPath);
    if (!file)
      return fail("cannot read '" + mlirPath + "': " + file.getError().message());
    kernel = compileKernel(*dev, {(*file)->getBuffer().str(), mlirPath});
  }
  if (!kernel)
    return fail(kernel.message());
  double compileMs = msSince(start);
  const weft::ProgramDesc &program = (*kernel)->program();

  if (fromFile) {
    if (paths.size() != program.inputs.size())
      return fail(mlirPath + ": weft." + program.op + " takes " + std::to_string(program.inputs.size()) +
                  " input(s), got " + std::to_string(paths.size()) + " .npy file(s)");
    for (size_t i = 0; i < paths.size(); ++i) {
      auto b = weft::readNpy(paths[i], program.inputs[i].dtype);
      if (!b)
        return fail(b.message());
      inputs.push_back(std::move(*b));
    }
  }

  // Outputs: shapes from the op's rule on the actual inputs, dtypes from the program. Inputs
  // that disagree with the program are left for dispatch to report, naming the argument.
  std::vector<weft::TensorType> inTypes, outTypes;
  for (const weft::Buffer &b : inputs)
    inTypes.push_back(b.tensorType());
  if (std::string err = weft::inferAndCheck(program.op, program.attrs, inTypes, outTypes); !err.empty())
    return fail("weft." + program.op + ": " + err);
  for (size_t i = 0; i < outTypes.size() && i < program.outputs.size(); ++i)
    outTypes[i].dtype = program.outputs[i].dtype;
  if (outputs.size() != outTypes.size())
    return fail("weft." + program.op + " has " + std::to_string(outTypes.size()) + " output(s), got " +
                std::to_string(outputs.size()) + " -o path(s)");
  for (weft::Buffer &b : inputs) {
    auto moved = onDevice(*dev, b);
    if (!moved)
      return fail(moved.message());
    b = std::move(*moved);
  }
  std::vector<weft::Buffer> results;
  for (const weft::TensorType &t : outTypes) {
    auto b = dev->allocate(t.dtype, t.shape);
    if (!b)
      return fail("output " + weft::typeToString(t) + ": " + b.message());
    results.push_back(std::move(*b));
  }
  std::vector<weft::Buffer *> args;
  for (weft::Buffer &b : inputs)
    args.push_back(&b);
  for (weft::Buffer &b : results)
    args.push_back(&b);

  std::vector<double> runMs;
  for (unsigned i = 0; i < repeat; ++i) {
    Result<double> us = dev->dispatchTimed(**kernel, args); // the device's clock (wall time on the CPU)
    if (!us)
      return fail(us.message());
    runMs.push_back(*us / 1000);
  }
  for (size_t i = 0; i < results.size(); ++i)
    if (Status s = weft::writeNpy(outputs[i], results[i]); !s)
      return fail(s.message());
  if (printTime) {
    std::sort(runMs.begin(), runMs.end());
    llvm::errs() << "weft-run: weft." << program.op << " on " << dev->name() << ": compile "
                 << llvm::format("%.1f", compileMs) << " ms ("
                 << (dev->target().empty() ? std::string(sourceKind) : dev->target()) << "), run "
                 << llvm::format("%.3f", runMs[runMs.size() / 2]) << " ms (median of " << runMs.size() << ")\n";
  }
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions({&category, &opFlagsCategory});
  if (!cl::ParseCommandLineOptions(argc, argv,
                                   "weft-run: run a weft op on .npy inputs\n\n"
                                   "  weft-run --op=col2im_1d --attr stride=8 --attr channels=512 cols.npy -o y.npy\n"
                                   "  weft-run kernel.mlir a.npy b.npy -o c.npy --source=cpp --time\n"
                                   "  weft-run --device=vulkan --op=concat --attr axis=0 a.npy b.npy -o c.npy\n",
                                   &llvm::errs()))
    return 1;
  if (std::string why = repeatedOption({&category, &opFlagsCategory}); !why.empty())
    return fail(why);
  return run();
}
