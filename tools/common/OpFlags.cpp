#include "tools/common/OpFlags.h"

#include <algorithm>

namespace cl = llvm::cl;

namespace weft::tools {

cl::OptionCategory opFlagsCategory("One op instead of an .mlir file");
cl::opt<std::string> opName("op", cl::desc("The op: im2col_1d, col2im_1d, concat, matmul, conv1d or conv_transpose_1d"),
                            cl::value_desc("name"), cl::cat(opFlagsCategory));
cl::list<std::string> attrFlags("attr", cl::desc("An attribute of --op (repeatable), e.g. --attr stride=8"),
                                cl::value_desc("name=value"), cl::cat(opFlagsCategory));
cl::opt<std::string> resultDType("result-dtype",
                                 cl::desc("Result dtype of --op, where the op lets you choose (e.g. matmul)"),
                                 cl::value_desc("dtype"), cl::cat(opFlagsCategory));

std::string repeatedOption(std::initializer_list<const cl::OptionCategory *> categories) {
  for (const auto &entry : cl::getRegisteredOptions()) {
    const cl::Option *o = entry.second;
    bool ours = llvm::any_of(o->Categories, [&](const cl::OptionCategory *c) {
      return std::find(categories.begin(), categories.end(), c) != categories.end();
    });
    if (ours && o->getNumOccurrencesFlag() == cl::Optional && o->getNumOccurrences() > 1)
      return (o->ArgStr.size() == 1 ? "-" : "--") + o->ArgStr.str() + " is given " + std::to_string(o->getNumOccurrences()) + " times; give it once";
  }
  return "";
}

bool anyOpDetail() { return !attrFlags.empty() || !resultDType.empty(); }

Result<OpSpec> opSpecFromFlags(std::vector<TensorType> inputs) {
  OpSpec spec{opName, {}, std::move(inputs), std::nullopt};
  const OpInfo *info = findOp(spec.op);
  const std::vector<AttrSpec> specs = info ? info->attrs : std::vector<AttrSpec>();
  for (const std::string &a : attrFlags) {
    if (Status s = parseAttr(a, spec.attrs); !s) return s;
    // true/false name a flag's value; a count given as one is a slip, not 1 or 0.
    std::string name = a.substr(0, a.find('=')), value = a.substr(a.find('=') + 1);
    auto it = std::find_if(specs.begin(), specs.end(), [&](const AttrSpec &s) { return s.name == name; });
    if ((value == "true" || value == "false") && it != specs.end() && !it->flag)
      return Status::error("attribute '" + a + "': " + name + " of " + spec.op +
                           " is a number, not a flag (rule: an integer)");
  }
  if (!resultDType.empty() && !(spec.resultDType = parseDType(resultDType)))
    return Status::error("--result-dtype '" + resultDType + "' is not a dtype (known: f32, f16, bf16, i8, i16, i32, i64)");
  return spec;
}

} // namespace weft::tools
