#include "weft/DType.h"

namespace weft {

const char *dtypeName(DType t) {
  switch (t) {
  case DType::f32: return "f32";
  case DType::f16: return "f16";
  case DType::bf16: return "bf16";
  case DType::i8: return "i8";
  case DType::i16: return "i16";
  case DType::i32: return "i32";
  case DType::i64: return "i64";
  }
  return "?";
}

std::optional<DType> parseDType(std::string_view name) {
  for (DType t : kAllDTypes)
    if (name == dtypeName(t))
      return t;
  return std::nullopt;
}

size_t dtypeSize(DType t) {
  switch (t) {
  case DType::f32: case DType::i32: return 4;
  case DType::f16: case DType::bf16: case DType::i16: return 2;
  case DType::i8: return 1;
  case DType::i64: return 8;
  }
  return 0;
}

bool isFloat(DType t) { return t == DType::f32 || t == DType::f16 || t == DType::bf16; }

} // namespace weft
