// Execution tests: every case is compiled by the CPU JIT, run through the runtime on random data,
// and checked against the scalar reference (bit-exact where ops.md says so). The same cases' C++
// source is then compiled as one shared library with warnings as errors and must give the JIT's
// bits exactly (both come from the same loop IR). Where a Vulkan device is present (lavapipe in
// CI), each case is also compiled to SPIR-V and run there against the reference. Every case is
// compiled to PTX too, and where the CUDA toolkit is present ptxas must accept it.
#pragma once

#include "compiler/Compiler.h"
#include "weft/Runtime.h"

#include <functional>
#include <string>
#include <vector>

namespace weft::test {

/// How an input is laid out in memory: contiguous, every other element (inner stride 2), or rows
/// padded by a few elements (inner stride 1, outer strides larger than the extents need).
enum class Layout { contiguous, innerStride2, paddedRows };

struct ExecCase {
  std::string name;               ///< unique C identifier: becomes the kernel's symbol prefix
  OpSpec spec;
  std::string schedule;           ///< "#weft.schedule<...>" or "" for the target's defaults
  std::vector<Layout> layouts;    ///< per input; empty: all contiguous
  double tolerance = 0;           ///< relative Frobenius bound; 0: bit-exact
  /// Concrete extents where spec.inputs has dynamic ones (the kernel then reads them at run time).
  std::vector<Shape> runShapes;
  /// Fills input `i` (contiguous) instead of random data: chosen values (special floats).
  std::function<void(size_t i, Buffer &)> fill;
};

/// Runs every case (JIT vs reference, Vulkan vs reference, then C++ vs JIT) and reports failures through gtest,
/// naming the case. `family` names the batch library. A case whose schedule the CPU refuses by rule
/// (" on target cpu": a GPU-only form such as mma = subgroup) runs on the GPU targets that take it,
/// of which there must be one.
void runCases(const std::string &family, const std::vector<ExecCase> &cases);

/// Compiles `source`'s function `function` (one op `op` with one output) for the
/// CPU, runs it on random data into an output that starts one element past a 64-byte boundary,
/// and checks it bit-exact against the reference: the CPU's streamed forms declare aligned stores
/// only after testing the output's address, so an unaligned one must take their plain stores.
void expectUnalignedOutputWorks(const std::string &source, const std::string &function, const std::string &op);

} // namespace weft::test
