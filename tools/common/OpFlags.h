// The flags that describe one op on a command line (--op, --attr, --result-dtype), shared by
// weftc and weft-run so both spell and check them the same way.
#pragma once

#include "compiler/Compiler.h"

#include "llvm/Support/CommandLine.h"

namespace weft::tools {

extern llvm::cl::OptionCategory opFlagsCategory;
extern llvm::cl::opt<std::string> opName;
extern llvm::cl::list<std::string> attrFlags;
extern llvm::cl::opt<std::string> resultDType;

/// Whether --attr or --result-dtype was given (they need --op).
bool anyOpDetail();

/// "" or the first single-valued option of `categories` given more than once (LLVM's command
/// line would silently keep the last).
std::string repeatedOption(std::initializer_list<const llvm::cl::OptionCategory *> categories);

/// The op the flags describe, applied to `inputs`: attributes parsed, the result dtype checked.
/// The error names the flag and its value.
Result<OpSpec> opSpecFromFlags(std::vector<TensorType> inputs);

} // namespace weft::tools
