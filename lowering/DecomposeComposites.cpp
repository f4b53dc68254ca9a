// Placeholder until weft-decompose-composites lands (being written now).
#include "lowering/Passes.h"
namespace weft {
#define GEN_PASS_DEF_WEFTDECOMPOSECOMPOSITES
#include "lowering/Passes.h.inc"
namespace {
struct DecomposeCompositesPass : impl::WeftDecomposeCompositesBase<DecomposeCompositesPass> {
  void runOnOperation() override {}
};
} // namespace
} // namespace weft
