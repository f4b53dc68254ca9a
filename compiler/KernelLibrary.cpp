// The three sources of a build-time kernel library (KernelLibrary.h). The generated code is
// deliberately thin: data tables and one-line methods; loading and argument checks are the
// runtime's (weft::loadEmbedded, weft::Device::dispatch), shared with every other way in.
#include "compiler/KernelLibrary.h"

#include "compiler/targets/TargetBackend.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace weft {

namespace {

bool isIdentifier(const std::string &s) {
  if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_'))
    return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

// Names the class Kernels declares itself: no function or parameter may take them.
bool isMember(const std::string &s) {
  static const char *const names[] = {"Kernels", "load", "device", "executable", "Function", "targets", "exes", "dev"};
  return std::any_of(std::begin(names), std::end(names), [&](const char *n) { return s == n; });
}

// Bytes as a C++ string literal of \x escapes, 32 bytes a line: exact for any byte, and each
// escape ends at the next backslash or quote, so no digit after it can be swallowed.
std::string byteLiteral(const std::string &bytes) {
  std::string out;
  for (size_t i = 0; i < bytes.size(); i += 32) {
    out += "\n    \"";
    for (size_t j = i; j < std::min(bytes.size(), i + 32); ++j)
      out += fmt::format("\\x{:02x}", static_cast<unsigned char>(bytes[j]));
    out += '"';
  }
  return out.empty() ? "\"\"" : out;
}

std::string shapeText(const Shape &shape) {
  std::string out;
  for (int64_t d : shape)
    out += d < 0 ? "[?]" : fmt::format("[{}]", d);
  return out;
}

// "weft.col2im_1d {channels = 512, stride = 8}\n  ///   cols: f32 [2048][8192] -> y: f32 [512][16392]"
std::string describe(const ProgramDesc &p, const std::vector<std::string> &params) {
  std::string attrs;
  for (const auto &[name, value] : p.attrs.all())
    attrs += fmt::format("{}{} = {}", attrs.empty() ? "" : ", ", name, value);
  std::string args;
  for (size_t i = 0; i < params.size(); ++i) {
    const TensorType &t = i < p.inputs.size() ? p.inputs[i] : p.outputs[i - p.inputs.size()];
    args += fmt::format("{}{}: {} {}", i == 0 ? "" : i == p.inputs.size() ? " -> " : ", ", params[i],
                        dtypeName(t.dtype), shapeText(t.shape));
  }
  return fmt::format("weft.{} {{{}}}\n  ///   {}", p.op, attrs, args);
}

/// One function of the library: its program (from the first target listing it), its C++ kernels
/// and the GPU artifacts.
struct Function {
  std::string name;
  ProgramDesc program;
  const Artifact *cpp = nullptr;
  std::vector<const Artifact *> gpu;
};

std::vector<std::string> parameterNames(const ProgramDesc &p) {
  std::vector<std::string> names = argumentNames(p);
  for (size_t i = 0; i < names.size(); ++i)
    if (!isIdentifier(names[i]) || isMember(names[i]))
      names[i] = fmt::format("arg{}", i);
  return names;
}

} // namespace

Result<KernelLibrarySources> kernelLibrarySources(const std::string &name, const std::string &ns,
                                                   const std::vector<Artifact> &artifacts,
                                                   const std::string &origin) {
  if (!isIdentifier(name))
    return Status::error(fmt::format("library name '{}' must be a C++ identifier (letters, digits, _)", name));
  if (!isIdentifier(ns) || !checkFunctionName(ns).empty())
    return Status::error(fmt::format("library namespace '{}' must be a C++ identifier (letters, digits, _) and no "
                                     "keyword",
                                     ns));

  std::vector<Function> functions;
  std::vector<std::string> targets;
  for (const Artifact &a : artifacts) {
    const TargetBackend *backend = findTargetBackend(a.target);
    if (!backend || (!backend->gpu() && a.target != "cpp"))
      return Status::error(fmt::format("target {} cannot go into a kernel library: it embeds target cpp (C++ built "
                                       "with the application) and GPU targets",
                                       a.target));
    if (std::string why = checkFunctionName(a.function); !why.empty())
      return Status::error(why);
    if (isMember(a.function))
      return Status::error(fmt::format("function '{}' cannot be a method of {}::Kernels: the class has a member of "
                                       "that name",
                                       a.function, ns));
    auto it = std::find_if(functions.begin(), functions.end(), [&](const Function &f) { return f.name == a.function; });
    if (it == functions.end())
      it = functions.insert(functions.end(), Function{a.function, a.program, nullptr, {}});
    bool twice = a.target == "cpp" ? it->cpp != nullptr
                                   : std::any_of(it->gpu.begin(), it->gpu.end(),
                                                 [&](const Artifact *g) { return g->target == a.target; });
    if (twice)
      return Status::error(fmt::format("function '{}' is given twice for target {}", a.function, a.target));
    if (a.target == "cpp")
      it->cpp = &a;
    else
      it->gpu.push_back(&a);
    if (std::find(targets.begin(), targets.end(), a.target) == targets.end())
      targets.push_back(a.target);
  }
  if (functions.empty())
    return Status::error(fmt::format("library {}: no functions to put in it", name));
  std::string targetList = fmt::format("{}", fmt::join(targets, ", "));

  KernelLibrarySources out;
  const std::string banner = fmt::format("// Generated by weftc --library={} from {}; do not edit.\n", name, origin);

  // ---- NAME.h ----
  std::string methods, enumerators;
  for (const Function &f : functions) {
    std::vector<std::string> params = parameterNames(f.program);
    std::string args;
    for (const std::string &p : params)
      args += fmt::format("{}weft::Buffer &{}", args.empty() ? "" : ", ", p);
    methods += fmt::format("\n  /// {}\n  weft::Status {}({}) const;\n", describe(f.program, params), f.name, args);
    enumerators += fmt::format("{}{}", enumerators.empty() ? "" : ", ", f.name);
  }
  out.header = fmt::format(
      R"({banner}// {ns}::Kernels: the functions of {name}, built for targets {targets}.
// docs/build-time.md describes the flow; the application links this library and weft's runtime,
// not its compiler.
#pragma once

#include "weft/Embedded.h"

#include <array>
#include <cstddef>
#include <memory>

namespace {ns} {{

/// The functions of {name}, loaded on one device, which must outlive this object. A method checks
/// its buffers (dtype, shape, device memory) as weft::Device::dispatch does, runs the function's
/// launches and waits for them; errors come back as values. Methods may run from several threads.
class Kernels {{
public:
  /// Loads every function on `device`: the C++ kernels on a CPU device, the embedded artifact of
  /// the device's target on a GPU device. The error names the function and the reason.
  static weft::Result<Kernels> load(weft::Device &device);
  /// The targets the library was built for.
  static constexpr const char *targets = "{targets}";
{methods}
  enum class Function {{ {enumerators} }};
  /// A loaded function, for weft::Device::dispatchTimed and the like.
  const weft::Executable &executable(Function f) const {{ return *exes[static_cast<size_t>(f)]; }}
  weft::Device &device() const {{ return *dev; }}

private:
  Kernels() = default;
  weft::Device *dev = nullptr;
  std::array<std::shared_ptr<weft::Executable>, {count}> exes;
}};

}} // namespace {ns}
)",
      fmt::arg("banner", banner), fmt::arg("name", name), fmt::arg("ns", ns), fmt::arg("targets", targetList),
      fmt::arg("methods", methods), fmt::arg("enumerators", enumerators), fmt::arg("count", functions.size()));

  // ---- NAME.cpp ----
  std::string externs, tables, table, bodies;
  for (size_t i = 0; i < functions.size(); ++i) {
    const Function &f = functions[i];
    std::string program = "nullptr", entries = "nullptr", gpu = "nullptr";
    size_t numEntries = 0;
    tables += fmt::format("\n// {}\n", f.name);
    if (f.cpp) {
      std::string text = f.cpp->program.toText();
      if (text.find(")weft\"") != std::string::npos)
        return Status::error(fmt::format("function '{}': its program text cannot be a raw string literal", f.name));
      std::string refs;
      for (const std::string &entry : f.cpp->entries()) {
        externs += fmt::format("void {}(void *const *bufs, const int64_t *params, int64_t begin, int64_t end);\n", entry);
        refs += fmt::format("{}&::{}", refs.empty() ? "" : ", ", entry);
      }
      tables += fmt::format("const char f{0}_program[] = R\"weft({1})weft\";\n"
                            "const weft::CpuEntry f{0}_entries[] = {{{2}}};\n",
                            i, text, refs);
      program = fmt::format("f{}_program", i);
      entries = fmt::format("f{}_entries", i);
      numEntries = f.cpp->entries().size();
    }
    std::string refs;
    for (const Artifact *a : f.gpu) {
      std::string var = fmt::format("f{}_{}", i, a->target);
      tables += fmt::format("const char {}[] ={};\n", var, byteLiteral(serializeArtifact(*a)));
      refs += fmt::format("{}{{\"{}\", {}, sizeof {} - 1}}", refs.empty() ? "" : ", ", a->target, var, var);
    }
    if (!f.gpu.empty()) {
      tables += fmt::format("const weft::EmbeddedArtifact f{}_artifacts[] = {{{}}};\n", i, refs);
      gpu = fmt::format("f{}_artifacts", i);
    }
    table += fmt::format("    {{\"{}\", {}, {}, {}, {}, {}}},\n", f.name, program, entries, numEntries, gpu, f.gpu.size());

    std::vector<std::string> params = parameterNames(f.program);
    std::string args, refsArgs;
    for (const std::string &p : params) {
      args += fmt::format("{}weft::Buffer &{}", args.empty() ? "" : ", ", p);
      refsArgs += fmt::format("{}&{}", refsArgs.empty() ? "" : ", ", p);
    }
    bodies += fmt::format("\nweft::Status Kernels::{}({}) const {{ return dev->dispatch(*exes[{}], {{{}}}); }}\n", f.name,
                          args, i, refsArgs);
  }
  if (!externs.empty())
    externs = fmt::format("\n// Target cpp's kernels, in {}.kernels.cpp (the entry point of docs/abi.md).\n"
                          "extern \"C\" {{\n{}}}\n",
                          name, externs);
  out.glue = fmt::format(R"({banner}// Each function's program description and C++ entries (target cpp) and its serialized artifact
// per GPU target (weft/Artifact.h), loaded by weft::loadEmbedded.
#include "{name}.h"

#include <cstdint>
#include <iterator>
{externs}
namespace {ns} {{

namespace {{
{tables}
const weft::EmbeddedFunction functions[] = {{
{table}}};

}} // namespace

weft::Result<Kernels> Kernels::load(weft::Device &device) {{
  Kernels k;
  k.dev = &device;
  for (size_t i = 0; i < std::size(functions); ++i) {{
    auto exe = weft::loadEmbedded(device, functions[i]);
    if (!exe)
      return exe.status();
    k.exes[i] = std::move(*exe);
  }}
  return k;
}}
{bodies}
}} // namespace {ns}
)",
                         fmt::arg("banner", banner), fmt::arg("name", name), fmt::arg("ns", ns),
                         fmt::arg("externs", externs), fmt::arg("tables", tables), fmt::arg("table", table),
                         fmt::arg("bodies", bodies));

  // ---- NAME.kernels.cpp ----
  out.kernels = banner + "// Target cpp's kernels of every function. Compile them with -ffp-contract=off -fwrapv, as\n"
                         "// weft_add_kernels does, to get the bits of weft's JIT.\n";
  for (const Function &f : functions)
    if (f.cpp)
      out.kernels += "\n" + f.cpp->source;
  if (std::none_of(functions.begin(), functions.end(), [](const Function &f) { return f.cpp; }))
    out.kernels += "// Target cpp was not built: no C++ kernels.\n";
  return out;
}

} // namespace weft
