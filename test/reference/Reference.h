// Scalar reference implementations of the ops, written straight from shared/ops.md with plain
// loops, and the comparisons the execution tests judge kernels by. Slow on purpose: obviously
// right matters more here than fast.
#pragma once

#include "weft/Runtime.h"

#include <cstdint>
#include <string>
#include <vector>

namespace weft {

/// Computes `op` (a name of opTable()) with `attrs` on `inputs` into `output`, whose dtype picks
/// the result dtype where the op allows a choice. Any strides are honoured. The shapes are checked
/// with the op rules (weft/OpRules.h) first.
/// Float results are computed in float64 (col2im_1d: float32 in ascending t_in, as ops.md fixes)
/// and rounded once to float32, then to f16/bf16 when the output is narrower.
Status referenceOp(const std::string &op, const Attrs &attrs, const std::vector<const Buffer *> &inputs,
                   Buffer &output);

/// Fills every element of `b` from `seed`: floats uniform in [-1, 1], i8 in [-8, 8] (so i8
/// matmuls stay far from overflow), wider integers over their whole range. Never all zero.
void fillRandom(Buffer &b, uint64_t seed);

/// Equal dtype, shape and bits in every element; else names the first differing element.
Status expectBitExact(const Buffer &got, const Buffer &want);

/// Equal shapes and ||got - want||_F / ||want||_F <= relFrobenius, in float64 (an absolute
/// norm when `want` is all zero). NaN or Inf in either, unless both hold the same, is an error.
Status expectClose(const Buffer &got, const Buffer &want, double relFrobenius);

} // namespace weft
