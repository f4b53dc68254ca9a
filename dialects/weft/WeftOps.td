#ifndef WEFT_OPS_TD
#define WEFT_OPS_TD

include "WeftDialect.td"
include "WeftAttrs.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

// Every op's verifier runs the shared rules of runtime/include/weft/OpRules.h over its
// attributes and types, so the IR, the C++ builder, the CLI and the runtime agree.
class Weft_RuleOp<string mnemonic, list<Trait> traits = []>
    : Weft_Op<mnemonic, !listconcat(traits, [Pure])> {
  let hasVerifier = 1;
  let extraClassDefinition = [{
    ::llvm::LogicalResult $cppClass::verify() { return ::weft::verifyWithRules(getOperation()); }
  }];
}

def Weft_Im2Col1dOp : Weft_RuleOp<"im2col_1d"> {
  let summary = "Unfolds x[N][IC][IW] into cols[N][OW][IC*K] (ggml im2col, 1-D)";
  let arguments = (ins AnyRankedTensor:$input, I64Attr:$kernel, I64Attr:$stride,
                   DefaultValuedAttr<I64Attr, "0">:$padding,
                   DefaultValuedAttr<I64Attr, "1">:$dilation,
                   OptionalAttr<Weft_ScheduleAttr>:$schedule);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
}

def Weft_Col2Im1dOp : Weft_RuleOp<"col2im_1d"> {
  let summary = "Folds cols[T_in][OC*K] into y[OC][T_out], summing overlaps (ggml col2im, 1-D)";
  let arguments = (ins AnyRankedTensor:$input, I64Attr:$stride, I64Attr:$channels,
                   DefaultValuedAttr<I64Attr, "0">:$padding,
                   OptionalAttr<Weft_ScheduleAttr>:$schedule);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
}

def Weft_ConcatOp : Weft_RuleOp<"concat"> {
  let summary = "a followed by b along axis (a pure copy; inputs may be strided views)";
  let arguments = (ins AnyRankedTensor:$lhs, AnyRankedTensor:$rhs,
                   DefaultValuedAttr<I64Attr, "0">:$axis,
                   OptionalAttr<Weft_ScheduleAttr>:$schedule);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` type($lhs) `,` type($rhs) `->` type($result)";
}

def Weft_MatmulOp : Weft_RuleOp<"matmul"> {
  let summary = "C[..., M, N] = A[..., M, K] . B[..., K, N], batch dims broadcast the ggml way";
  let arguments = (ins AnyRankedTensor:$lhs, AnyRankedTensor:$rhs,
                   DefaultValuedAttr<BoolAttr, "false">:$transpose_a,
                   DefaultValuedAttr<BoolAttr, "false">:$transpose_b,
                   OptionalAttr<Weft_ScheduleAttr>:$schedule);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` type($lhs) `,` type($rhs) `->` type($result)";
}

def Weft_Conv1dOp : Weft_RuleOp<"conv1d"> {
  let summary = "y[N][OC][OW] from x[N][IC][IW] and w[OC][IC][K] (composite: im2col_1d, matmul)";
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$weight,
                   DefaultValuedAttr<I64Attr, "1">:$stride,
                   DefaultValuedAttr<I64Attr, "0">:$padding,
                   DefaultValuedAttr<I64Attr, "1">:$dilation,
                   OptionalAttr<Weft_ScheduleAttr>:$schedule);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input `,` $weight attr-dict `:` type($input) `,` type($weight) `->` type($result)";
}

def Weft_ConvTranspose1dOp : Weft_RuleOp<"conv_transpose_1d"> {
  let summary = "y[(N)][OC][T_out] from x[(N)][IC][T_in] and w[IC][OC][K] (composite: matmul, col2im_1d)";
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$weight,
                   DefaultValuedAttr<I64Attr, "1">:$stride,
                   DefaultValuedAttr<I64Attr, "0">:$padding,
                   OptionalAttr<Weft_ScheduleAttr>:$schedule);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input `,` $weight attr-dict `:` type($input) `,` type($weight) `->` type($result)";
}

#endif
