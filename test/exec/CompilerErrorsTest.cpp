// The C++ API returns errors as values: bad IR, a bad target, a schedule that does not fit the
// op, bad op flags. Each message names the problem; nothing aborts the process.
#include "compiler/Compiler.h"
#include "compiler/KernelLibrary.h"

#include <gtest/gtest.h>

using namespace weft;

namespace {
void expectError(const Status &st, const std::string &fragment) {
  ASSERT_FALSE(st.ok()) << "expected an error containing: " << fragment;
  EXPECT_NE(st.message().find(fragment), std::string::npos) << st.message();
}
const char *kCol2Im = R"(func.func @f(%x: tensor<7x12xf32>) -> tensor<3x16xf32> {
  %y = weft.col2im_1d %x {stride = 2, channels = 3} : tensor<7x12xf32> -> tensor<3x16xf32>
  return %y : tensor<3x16xf32>
})";
} // namespace

TEST(CompilerErrors, MalformedIrNamesTheLine) {
  auto r = compile(Source{"func.func @f( {", "broken.mlir"}, "cpp");
  expectError(r.status(), "broken.mlir:1");
}

TEST(CompilerErrors, InvalidOpNamesTheRule) {
  std::string text = kCol2Im;
  text.replace(text.find("stride = 2"), 10, "stride = 0");
  auto r = compileCpu(Source{text, "bad.mlir"});
  expectError(r.status(), "stride = 0 must be > 0");
}

TEST(CompilerErrors, UnknownTarget) {
  auto r = compile(Source{kCol2Im, "k.mlir"}, "tpu");
  expectError(r.status(), "tpu");
}

TEST(CompilerErrors, ScheduleThatDoesNotFitTheOp) {
  CompileOptions options;
  options.schedule = "#weft.schedule<copy = flat>";
  auto r = compileCpu(Source{kCol2Im, "k.mlir"}, options);
  expectError(r.status(), "schedule copy = flat does not apply to col2im_1d");
  options.schedule = "#weft.schedule<gather = sideways>";
  expectError(compileCpu(Source{kCol2Im, "k.mlir"}, options).status(), "gather = sideways");
}

TEST(CompilerErrors, OpFlagsAreCheckedByTheSharedRules) {
  OpSpec spec;
  spec.op = "col2im_1d";
  spec.attrs = {{"stride", 2}, {"channels", 5}};
  spec.inputs = {TensorType{DType::f32, {7, 12}}};
  expectError(opSource(spec, "f").status(), "row width 12 is not a multiple of channels = 5");
  spec.op = "fold";
  expectError(opSource(spec, "f").status(), "fold");
  expectError(parseTensorType("f32:7xx2").status(), "7xx2");
  expectError(parseTensorType("f64:7").status(), "f64");
  Attrs attrs;
  expectError(parseAttr("stride", attrs), "stride");
}

// A kernel library takes each function once per target (compiler/KernelLibrary.h), whichever kind.
TEST(CompilerErrors, KernelLibraryRefusesAFunctionTwiceForOneTarget) {
  for (const char *target : {"cpp", "spirv"}) {
    auto artifacts = compile(Source{kCol2Im, "twice.mlir"}, target);
    ASSERT_TRUE(artifacts.ok()) << artifacts.message();
    std::vector<Artifact> twice = {(*artifacts)[0], (*artifacts)[0]};
    expectError(kernelLibrarySources("lib", "lib", twice, "twice.mlir").status(),
                std::string("function 'f' is given twice for target ") + target);
  }
  expectError(kernelLibrarySources("lib", "class", {}, "none").status(), "library namespace 'class'");
}
