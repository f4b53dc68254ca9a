// libFuzzer target: any bytes as a .npy file. readNpy gives a buffer or an error, never a crash or
// an access outside memory (ASan); a buffer it gives writes back and reads back the same.
#include "weft/Npy.h"

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <unistd.h>

namespace {
std::string scratch(const char *suffix) {
  const char *dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
  return std::string(dir) + "/weft-fuzz-npy-" + std::to_string(getpid()) + suffix;
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const std::string in = scratch(".npy"), out = scratch(".out.npy");
  FILE *f = std::fopen(in.c_str(), "wb");
  if (!f) return 0;
  std::fwrite(data, 1, size, f);
  std::fclose(f);
  weft::Result<weft::Buffer> b = weft::readNpy(in);
  if (!b) return 0;
  if (weft::Status s = weft::writeNpy(out, *b); !s) __builtin_trap();
  weft::Result<weft::Buffer> again = weft::readNpy(out);
  if (!again || again->dtype() != b->dtype() || again->shape() != b->shape() || again->bytes() != b->bytes() ||
      std::memcmp(again->data(), b->data(), b->bytes()) != 0)
    __builtin_trap();
  return 0;
}
