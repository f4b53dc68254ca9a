// libFuzzer target: any bytes as an artifact file (weft/Artifact.h, what weftc writes, the
// runtime loads and the kernel cache keeps). parseArtifact gives an artifact or an error, never a
// crash; what parses serializes to bytes that parse to the same.
#include "weft/Artifact.h"

#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char *>(data), size);
  weft::Result<weft::Artifact> a = weft::parseArtifact(bytes);
  if (!a) return 0;
  std::string once = weft::serializeArtifact(*a);
  weft::Result<weft::Artifact> b = weft::parseArtifact(once);
  if (!b || weft::serializeArtifact(*b) != once) __builtin_trap();
  return 0;
}
