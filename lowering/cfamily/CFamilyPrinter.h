// The C-family source printer: one walk over a kernel of the loop-level IR (the contract at the
// top of lowering/ProgramBuilder.h) that prints readable C++, GLSL or MSL. What differs between
// those languages sits behind CFamilyDialect, a small per-language interface in the manner of
// Halide's CodeGen_GPU_Dev over its shared C printer; the printer owns the structure (statements,
// scopes, names) and the semantics of each op.
//
// Rules every dialect inherits:
//  - `index` is a 64-bit signed integer; signless integers are printed as signed types, and the
//    ops that read them as unsigned (divui, cmpi ult, extui, ...) cast to the unsigned type.
//  - A float type the language has no arithmetic for (f16/bf16 in C++) is a 16-bit storage type:
//    arithmetic on it widens to f32, computes and rounds back, as LLVM legalises such types on a
//    CPU, so the printed source and the JIT give the same bits.
//  - Every op result is a `const` local named after its role (b0 buffers, p3 parameter slot 3,
//    g grid item, i0 loop indices, acc0 loop-carried values, v vectors, t temporaries); constants
//    are printed inline. Ops whose results nothing reads are not printed.
//  - An op, type or attribute outside the contract fails with a diagnostic naming it.
#pragma once

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Support/IndentedOstream.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringSet.h"

#include <string>

namespace weft::cfamily {

/// One argument of a kernel function, as the dialect binds it in the prologue (docs/abi.md).
struct KernelArg {
  enum Kind { Buffer, Params, Index };
  Kind kind;
  unsigned position;       ///< argument number; for a Buffer also its number in the program
  mlir::Type elementType;  ///< Buffer and Params: the element type; Index: index
  std::string name;        ///< b0, b1, ..., params, begin, end
  bool used = false;       ///< read or written by a printed op
  bool written = false;    ///< Buffer: some printed op stores to it
};

/// An array in workgroup memory (weft-gpu-map-grid moves an item's memref.alloca there), shared
/// by a workgroup's threads: the dialect declares it where its language wants (GLSL: `shared` at
/// global scope; MSL: `threadgroup` at the top of the kernel).
struct WorkgroupArray {
  mlir::Type elementType;
  int64_t count;
  std::string name; ///< w0, w1, ...
};

/// A kernel as the dialect prints its signature: buffers, the parameter block, then index
/// arguments (the CPU's [begin, end) range); and its workgroup arrays.
struct KernelSignature {
  std::string name;
  llvm::SmallVector<KernelArg> args;
  llvm::SmallVector<WorkgroupArray> workgroupArrays;
};

/// Calls that have no operator in C; each language names them its own way.
enum class Builtin { Fma, RemF, MaximumF, MinimumF, MaxNumF, MinNumF, MaxSI, MinSI, MaxUI, MinUI,
                     CeilDivSI, FloorDivSI, CeilDivUI };
/// The MLIR op name a builtin implements, without the dialect: "fma", "maximumf", "ceildivsi".
llvm::StringRef builtinName(Builtin b);

/// The GPU ids weft-gpu-map-grid uses (gpu.thread_id, gpu.block_id, gpu.grid_dim, gpu.block_dim).
enum class GpuIndex { Thread, Group, GroupCount, GroupSize };

/// Where a memref lives: a kernel buffer argument, or a local scratch or workgroup array
/// (memref.alloca).
enum class Space { Buffer, Scratch };

class CFamilyPrinter;

/// The weft op and schedule a loop nest was built for ("weft.col2im_1d #weft.schedule<...>"),
/// when `loc` carries the name weft-lower-to-loops gives the ops it builds.
std::optional<std::string> provenance(mlir::Location loc);

/// What differs between the C-family languages. Type names are empty where the language has no
/// such type; the printer then reports the op that needed it.
class CFamilyDialect {
public:
  virtual ~CFamilyDialect();

  /// A scalar type (integer, index or float; f16/bf16 as storage types where !hasArithmetic).
  virtual std::string scalarType(mlir::Type t) = 0;
  /// A 1-D vector type.
  virtual std::string vectorType(mlir::VectorType t) = 0;
  /// Whether the language computes in float type `t` (else: widen to f32, compute, round back).
  virtual bool hasArithmetic(mlir::FloatType t) = 0;
  /// `e` converted between float types or equal-length float vectors, rounding to nearest even;
  /// empty if the language cannot convert exactly that way.
  virtual std::string convertFloat(mlir::Type from, mlir::Type to, llvm::StringRef e) = 0;
  /// `e` converted, as C converts, to scalar or vector type `to`, or to the unsigned integer type
  /// of `to`'s width if `asUnsigned` (C: a cast, GLSL: a constructor).
  virtual std::string cast(mlir::Type to, llvm::StringRef e, bool asUnsigned = false) = 0;
  /// A literal of float type `t` (f32/f64 only: the printer widens 16-bit constants).
  virtual std::string floatLiteral(mlir::FloatType t, const llvm::APFloat &v) = 0;
  /// A literal of integer or index type `t` (C: decimal, INT64_C(...) past 32 bits).
  virtual std::string intLiteral(mlir::Type t, const llvm::APInt &v);
  /// A call of builtin `b` computing type `t` (scalar or vector) from `args`.
  virtual std::string builtin(Builtin b, mlir::Type t, llvm::ArrayRef<std::string> args) = 0;
  /// GPU id `which` along `dim` (0: x, 1: y, 2: z) as an `index` expression; empty where the
  /// language has no threads (C++).
  virtual std::string gpuIndex(GpuIndex which, unsigned dim) { return ""; }

  /// Vectors of type `t`: every lane `scalar`; loaded from / stored to `base` at element `index`,
  /// an address the access declares aligned to `alignBytes` (0: its element's alignment).
  virtual std::string broadcast(mlir::VectorType t, llvm::StringRef scalar) = 0;
  virtual std::string vectorLoad(mlir::VectorType t, Space space, llvm::StringRef base, llvm::StringRef index,
                                 uint64_t alignBytes) = 0;
  /// A statement, without its `;`.
  virtual std::string vectorStore(mlir::VectorType t, llvm::StringRef value, Space space, llvm::StringRef base,
                                  llvm::StringRef index, uint64_t alignBytes) = 0;
  /// A streaming (nontemporal) vector store to an address aligned to `alignBytes` (16 or more),
  /// without its `;`; where the language has none, the plain store.
  virtual std::string vectorStreamStore(mlir::VectorType t, llvm::StringRef value, Space space,
                                        llvm::StringRef base, llvm::StringRef index, uint64_t alignBytes) {
    return vectorStore(t, value, space, base, index, alignBytes);
  }
  /// The address of buffer `base` as an `index` expression (memref.extract_aligned_pointer_as_index);
  /// empty where the language has no addresses.
  virtual std::string bufferAddress(llvm::StringRef base) { return ""; }
  /// A vector of type `t` made of `lanes` (scalar expressions), and lane `i` of the vector named
  /// `v`; empty where the language has no such form (C++: GPU forms build them, CPU forms not).
  virtual std::string fromElements(mlir::VectorType t, llvm::ArrayRef<std::string> lanes) { return ""; }
  virtual std::string lane(llvm::StringRef v, int64_t i) { return ""; }
  /// The vector of type `t` holding the lanes of `lo` then those of `hi` (vector.shuffle as a
  /// concatenation); empty where the language has no such form.
  virtual std::string concat(mlir::VectorType t, llvm::StringRef lo, llvm::StringRef hi) { return ""; }
  /// The vector of type `t` whose lane i is lane mask[i] of `a`'s lanes followed by `b`'s (any
  /// other vector.shuffle of two 1-D vectors); empty where the language has no such form.
  virtual std::string shuffle(mlir::VectorType t, llvm::StringRef a, llvm::StringRef b, llvm::ArrayRef<int64_t> mask) {
    return "";
  }
  /// A statement that asks for the cache line of element `index` of buffer `base` ahead of its
  /// reads (memref.prefetch); empty where the language has none, and then nothing is printed:
  /// a prefetch changes no result.
  virtual std::string prefetch(llvm::StringRef base, llvm::StringRef index) { return ""; }
  /// Element `index` of buffer or scratch array `base`, as an lvalue.
  virtual std::string element(llvm::StringRef base, llvm::StringRef index) {
    return (base + "[" + index + "]").str();
  }
  /// The declaration of scratch array `name` of `count` scalars of type `elem`, without its `;`.
  virtual std::string scratchArray(mlir::Type elem, int64_t count, llvm::StringRef name) = 0;
  /// gpu.barrier: every thread of the workgroup waits there, and sees the workgroup memory the
  /// others wrote before it; a statement without its `;`, empty where the language has no threads.
  virtual std::string barrier() { return ""; }

  /// The kernel's signature and prologue (binding buffers and parameters), ending with the `{`
  /// of the body; and what closes it. Fails (with a diagnostic at `fn`) for a signature the
  /// language's ABI cannot take.
  virtual mlir::LogicalResult printKernelBegin(mlir::func::FuncOp fn, const KernelSignature &k,
                                               mlir::raw_indented_ostream &os) = 0;
  virtual void printKernelEnd(mlir::raw_indented_ostream &os) { os << "}\n"; }
  /// A nested scf.parallel. CPUs run it as serial loops (the default); GPU dialects map it to
  /// threads.
  virtual mlir::LogicalResult printParallel(mlir::scf::ParallelOp op, CFamilyPrinter &p);
};

/// `v` as a C literal with the fewest decimal digits that read back to the same value, then
/// `suffix` (e.g. "f"); empty for Inf and NaN, which C has no literal for.
std::string cFloatLiteral(const llvm::APFloat &v, llvm::StringRef suffix);

/// Whether `t` is a memref in GPU workgroup memory.
bool inWorkgroupMemory(mlir::MemRefType t);

/// Prints kernels of the loop-level IR through a dialect. Dialect hooks that print statements
/// themselves (printParallel) use the public members.
class CFamilyPrinter {
public:
  CFamilyPrinter(CFamilyDialect &dialect, llvm::raw_ostream &os) : dialect(dialect), os(os) {}

  /// Prints kernel `fn` as one function definition.
  mlir::LogicalResult printKernel(mlir::func::FuncOp fn);

  mlir::raw_indented_ostream &stream() { return os; }
  /// The expression naming `v`: its variable or, for a constant, the literal.
  std::string expr(mlir::Value v) const { return names.lookup(v); }
  /// Names `v` `prefix<N>`, the first such name not yet taken in this kernel.
  std::string bindFresh(mlir::Value v, llvm::StringRef prefix);
  /// The type name of scalar or vector type `t`; fails with a diagnostic at `at` if the
  /// language has none.
  mlir::FailureOr<std::string> typeName(mlir::Type t, mlir::Operation *at);
  /// Prints the ops of `block` except its terminator.
  mlir::LogicalResult printBlock(mlir::Block &block);
  /// Prints `op` as serial for-loops, one per dimension (the default of printParallel).
  mlir::LogicalResult printSerialLoops(mlir::scf::ParallelOp op);

private:
  std::string fresh(llvm::StringRef prefix);
  /// Names `v` `name`, or `name_<N>` if that is taken.
  std::string bindPreferred(mlir::Value v, llvm::StringRef name);
  mlir::FailureOr<KernelSignature> signature(mlir::func::FuncOp fn);
  void findDeadOps(mlir::func::FuncOp fn);
  bool isLive(mlir::Value v) const;
  mlir::LogicalResult printOp(mlir::Operation *op);
  mlir::LogicalResult printFor(mlir::scf::ForOp op);
  mlir::LogicalResult printIf(mlir::scf::IfOp op);
  mlir::LogicalResult printYield(mlir::scf::YieldOp yield, llvm::ArrayRef<std::string> targets);
  mlir::LogicalResult printAlloca(mlir::Operation *op);
  mlir::LogicalResult printBarrier(mlir::Operation *op);
  mlir::LogicalResult printPrefetch(mlir::Operation *op);
  /// Names the kernel's workgroup arrays into `k` (they are declared by the dialect).
  mlir::LogicalResult findWorkgroupArrays(mlir::func::FuncOp fn, KernelSignature &k);
  mlir::LogicalResult printLoad(mlir::Operation *op, mlir::Value memref, mlir::ValueRange indices);
  /// `streamAlign` > 0: a vector store through the dialect's streaming form (vectorStreamStore) to
  /// an address aligned to that many bytes.
  mlir::LogicalResult printStore(mlir::Operation *op, mlir::Value value, mlir::Value memref,
                                 mlir::ValueRange indices, uint64_t streamAlign = 0);
  /// The base name, space and linear element index of an access to `memref` at `indices`.
  mlir::LogicalResult access(mlir::Operation *op, mlir::Value memref, mlir::ValueRange indices,
                             std::string &base, Space &space, std::string &index);
  /// Declares `const T name = rhs;` for `op`'s single result.
  mlir::LogicalResult define(mlir::Operation *op, const std::string &name, const std::string &rhs);

  // Scalar and vector expressions of arith, math and vector ops (CFamilyExpr.cpp).
  mlir::LogicalResult printValueOp(mlir::Operation *op);
  mlir::FailureOr<std::string> expression(mlir::Operation *op);
  mlir::FailureOr<std::string> constant(mlir::Operation *op, mlir::Attribute value, mlir::Type t);
  mlir::FailureOr<std::string> floatArith(mlir::Operation *op);
  mlir::FailureOr<std::string> intArith(mlir::Operation *op);
  mlir::FailureOr<std::string> conversion(mlir::Operation *op);
  mlir::FailureOr<std::string> comparison(mlir::Operation *op);
  /// `v` in the type arithmetic runs in: itself, or widened to f32 if it is a storage type.
  std::string widened(mlir::Value v);
  /// `e`, computed in the widened type of `t`, rounded back to `t` if `t` is a storage type.
  std::string narrowed(mlir::Type t, const std::string &e);
  bool isStorageFloat(mlir::Type t);
  mlir::Type widenedType(mlir::Type t);
  std::string unsignedCast(mlir::Type t, mlir::Value v);

  CFamilyDialect &dialect;
  mlir::raw_indented_ostream os;
  llvm::DenseMap<mlir::Value, std::string> names;
  llvm::StringSet<> taken;
  llvm::DenseSet<mlir::Operation *> dead;
  mlir::Value params; // the kernel's parameter block argument
};

/// The error every unsupported construct reports, "C-family printer: unsupported ...", to be
/// completed by the caller (`<< "type " << t`).
mlir::InFlightDiagnostic unsupported(mlir::Operation *op);

} // namespace weft::cfamily
