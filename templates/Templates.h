// The files under templates/, embedded at build time (templates/CMakeLists.txt).
#pragma once

#include "llvm/ADT/StringRef.h"

namespace weft::templates {

/// The text of the template at `name`, its path under templates/ (e.g. "cpu/weft_vec.h"); empty
/// when there is no such template.
llvm::StringRef get(llvm::StringRef name);

} // namespace weft::templates
