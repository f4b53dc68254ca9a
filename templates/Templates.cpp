#include "templates/Templates.h"

namespace weft::templates {
namespace {
struct Entry {
  const char *name;
  const char *text;
};
const Entry kTemplates[] = {
#include "EmbeddedTemplates.inc"
};
} // namespace

llvm::StringRef get(llvm::StringRef name) {
  for (const Entry &e : kTemplates)
    if (name == e.name)
      return e.text;
  return {};
}

} // namespace weft::templates
