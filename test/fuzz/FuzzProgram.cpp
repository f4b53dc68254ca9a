// libFuzzer target: any text as a program description (docs/abi.md). ProgramDesc::fromText
// gives a description or an error naming the line; what parses prints back to text that parses
// to the same description; a description that passes check() answers every query the runtime
// makes of it (parameter slots, 32-bit indexing) without touching memory it does not own.
#include "weft/Program.h"

#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string_view text(reinterpret_cast<const char *>(data), size);
  weft::ProgramDesc p;
  if (!weft::ProgramDesc::fromText(text, p).empty()) return 0;
  weft::ProgramDesc q;
  if (!weft::ProgramDesc::fromText(p.toText(), q).empty() || q.toText() != p.toText()) __builtin_trap();
  if (!p.check().empty()) return 0;
  (void)p.paramCount();
  (void)p.fitsIndex32();
  return 0;
}
