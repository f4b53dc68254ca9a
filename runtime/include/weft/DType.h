// Element types shared by the compiler and the runtime. Dependency-free on purpose: the runtime
// links no LLVM or MLIR, and the dialect's verifiers use the same names and rules.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace weft {

enum class DType : uint8_t { f32, f16, bf16, i8, i16, i32, i64 };

inline constexpr DType kAllDTypes[] = {DType::f32, DType::f16, DType::bf16, DType::i8,
                                       DType::i16, DType::i32, DType::i64};

const char *dtypeName(DType t);
std::optional<DType> parseDType(std::string_view name);
size_t dtypeSize(DType t);
bool isFloat(DType t);

} // namespace weft
