// libFuzzer target: untrusted input to the compiler, as an embedding application may pass it
// (issue 13). The first byte chooses the target (cpp, spirv or cpu: the JIT) and, with its high
// bit, the form of the rest: a weft module as text, or the lines of an op command as weftc's
// flags give them (`op NAME`, `attr NAME=VALUE`, `input DTYPE:SHAPE`, `result DTYPE`,
// `schedule ATTR`). compile(), opSource() and the flag parsers return a result or an error naming
// the problem; nothing may crash, abort or read out of bounds, and every artifact compiled is a
// program the runtime's own check() accepts.
#include "compiler/Compiler.h"
#include "weft/DType.h"

#include <cstdint>
#include <sstream>
#include <string>

namespace {

// An op command's lines -> its MLIR text (false: a line the flags refuse).
bool opText(const std::string &lines, std::string &text, weft::CompileOptions &options) {
  weft::OpSpec spec;
  std::istringstream in(lines);
  std::string line;
  while (std::getline(in, line)) {
    size_t sp = line.find(' ');
    std::string key = line.substr(0, sp), value = sp == std::string::npos ? "" : line.substr(sp + 1);
    if (key == "op") {
      spec.op = value;
    } else if (key == "attr") {
      if (!weft::parseAttr(value, spec.attrs)) return false;
    } else if (key == "input") {
      auto type = weft::parseTensorType(value);
      if (!type) return false;
      spec.inputs.push_back(*type);
    } else if (key == "result") {
      spec.resultDType = weft::parseDType(value);
      if (!spec.resultDType) return false;
    } else if (key == "schedule") {
      options.schedule = value;
    } else {
      return false;
    }
  }
  auto source = weft::opSource(spec, "fuzz");
  if (!source) return false;
  text = *source;
  return true;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  static const char *const kTargets[] = {"cpp", "spirv", "cpu"};
  const char *target = kTargets[(data[0] & 0x7f) % 3];
  std::string text(reinterpret_cast<const char *>(data) + 1, size - 1);
  weft::CompileOptions options;
  if ((data[0] & 0x80) && !opText(std::string(text), text, options)) return 0;
  auto compiled = weft::compile(weft::Source{text, "fuzz"}, target, options);
  if (!compiled) return 0;
  for (const weft::Artifact &a : *compiled)
    if (!a.program.check().empty()) __builtin_trap();
  return 0;
}
