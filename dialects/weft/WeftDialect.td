#ifndef WEFT_DIALECT_TD
#define WEFT_DIALECT_TD

include "mlir/IR/OpBase.td"

def Weft_Dialect : Dialect {
  let name = "weft";
  let summary = "Audio-model data movement and contraction ops, with explicit schedules";
  let description = [{
    The ops of shared/ops.md (ggml's semantics) on ranked tensors. Each op may carry a
    `#weft.schedule<...>`; where it does not, `weft-resolve-schedule` picks a per-target default.
  }];
  let cppNamespace = "::weft";
  let useDefaultAttributePrinterParser = 1;
  let hasOperationAttrVerify = 1; // weft.programs (WeftProgram.cpp)
  let extraClassDeclaration = [{
    void registerAttributes();
  }];
}

class Weft_Op<string mnemonic, list<Trait> traits = []> : Op<Weft_Dialect, mnemonic, traits>;

#endif
