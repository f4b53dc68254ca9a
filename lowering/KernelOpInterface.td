#ifndef WEFT_KERNEL_OP_INTERFACE_TD
#define WEFT_KERNEL_OP_INTERFACE_TD

include "mlir/IR/OpBase.td"

// What weft-resolve-schedule and weft-lower-to-loops need of an op that becomes kernels. Each op's
// model lives beside its loop builder (lowering/<Op>Loops.cpp) and is attached to the dialect by
// registerKernelOpModels, so the dialect stays free of lowering code and both passes dispatch once.
// Composites (conv1d, conv_transpose_1d) have no model: weft-decompose-composites turns them into
// ops that do.
def Weft_KernelOpInterface : OpInterface<"KernelOpInterface"> {
  let cppNamespace = "::weft::lowering";
  let methods = [
    InterfaceMethod<[{
        The complete schedule of this op on `target`: the fields `given` sets (null: none), and
        the target's defaults for every other field the op's loops read, tiles included.
        Builders take no defaults of their own.
      }], "::weft::ScheduleAttr", "resolveSchedule",
      (ins "::weft::TargetAttr":$target, "::weft::ScheduleAttr":$given)>,
    InterfaceMethod<[{
        The schedule fields this op's loops read on `target`, which resolveSchedule fills in
        ("parallel", "gather", "copy", "vector", "tile", "workgroup", "unroll").
      }], "::llvm::SmallVector<::llvm::StringRef>", "scheduleFields",
      (ins "::weft::TargetAttr":$target)>,
    InterfaceMethod<[{
        Calls `same(a, da, b, db)` for each pair of operand / result dims that have equal extents
        by the op's shape rules, so a temporary's dynamic extent can be read from another buffer's.
      }], "void", "recordEqualities",
      (ins "::llvm::function_ref<void(::mlir::Value, unsigned, ::mlir::Value, unsigned)>":$same)>,
    InterfaceMethod<[{
        Adds the op's kernels to `pb`: `operands` and `result` are its buffers' views; the op's
        schedule is complete (resolveSchedule).
      }], "::llvm::LogicalResult", "buildLoops",
      (ins "::weft::lowering::ProgramBuilder &":$pb, "::llvm::ArrayRef<::weft::lowering::View>":$operands,
           "const ::weft::lowering::View &":$result)>,
  ];
}

#endif
