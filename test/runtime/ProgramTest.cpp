// The program description's text form: a round trip keeps every field, including the GPU
// launch shape and the device requirements, and malformed lines are errors naming the line.
#include "TestUtil.h"

using namespace weft;

namespace {

ProgramDesc gpuProgram() {
  ProgramDesc p;
  p.op = "col2im_1d";
  p.attrs.set("stride", 2);
  p.attrs.set("channels", 4);
  p.inputs = {{DType::f16, {kDynamic, 16}}};
  p.outputs = {{DType::f16, {4, kDynamic}}};
  p.launches = {{"fold", {{Extent::constant(4), 1}, {Extent::slot(3), 256}}, 256, 1},
                {"tail", {{Extent::slot(0), 1}}, 128, 128}};
  p.requires = {"int64", "storage16"};
  p.indexBits = 32;
  p.bufferAlign = 8;
  return p;
}

TEST(ProgramText, RoundTripKeepsLaunchShapeAndRequirements) {
  ProgramDesc in = gpuProgram(), out;
  ASSERT_EQ(ProgramDesc::fromText(in.toText(), out), "");
  EXPECT_EQ(out.toText(), in.toText());
  ASSERT_EQ(out.launches.size(), 2u);
  EXPECT_EQ(out.launches[0].group, 256);
  EXPECT_EQ(out.launches[0].items, 1);
  EXPECT_EQ(out.launches[1].group, 128);
  EXPECT_EQ(out.launches[1].items, 128);
  EXPECT_EQ(out.launches[1].grid[0].extent.value, 0);
  EXPECT_EQ(out.requires, (std::vector<std::string>{"int64", "storage16"}));
  EXPECT_EQ(out.indexBits, 32);
  EXPECT_EQ(out.bufferAlign, 8);
}

TEST(ProgramText, CpuLaunchesPrintNoGroup) {
  ProgramDesc p = gpuProgram();
  p.launches = {{"k", {{Extent::constant(7), 2}}}};
  p.requires.clear();
  std::string text = p.toText();
  EXPECT_EQ(text.find("group="), std::string::npos);
  EXPECT_EQ(text.find("requires"), std::string::npos);
}

TEST(ProgramText, AlignIsAPowerOfTwoUpTo256) {
  ProgramDesc out;
  std::string head = "weft-program 1\nop concat\nattr axis 0\ninput f32 4\ninput f32 4\noutput f32 8\n";
  for (const char *bad : {"align 0", "align 12", "align 512", "align -8", "align 8 8", "align x"}) {
    std::string e = ProgramDesc::fromText(head + bad + "\n", out);
    EXPECT_NE(e.find("expected 'align N', N a power of two from 1 to 256"), std::string::npos) << bad << ": " << e;
  }
  ASSERT_EQ(ProgramDesc::fromText(head + "launch k 8/1\nalign 16\n", out), "");
  EXPECT_EQ(out.bufferAlign, 16);
}

TEST(ProgramText, BadLaunchShapeIsAnErrorNamingTheLine) {
  ProgramDesc out;
  std::string head = "weft-program 1\nop concat\nattr axis 0\ninput f32 4\ninput f32 4\noutput f32 8\n";
  std::string e = ProgramDesc::fromText(head + "launch k 8/1 group=0 items=1\n", out);
  EXPECT_NE(e.find("line 7"), std::string::npos) << e;
  EXPECT_NE(e.find("group=0"), std::string::npos) << e;
  e = ProgramDesc::fromText(head + "launch k 8/1 group=64 items=32\n", out);
  EXPECT_NE(e.find("items=32 must be 1 or the group size 64"), std::string::npos) << e;
  e = ProgramDesc::fromText(head + "launch k 8/1 group=x\n", out);
  EXPECT_NE(e.find("bad 'group=x'"), std::string::npos) << e;
}

// Found by weft-fuzz-program (test/fuzz/corpus/program/regression-col2im-no-input.program): a
// col2im_1d program with no input was accepted, and fitsIndex32 then read input 0. The operand
// count and ranks are the op's, or the description is refused naming the rule.
TEST(ProgramText, OperandsMatchTheOp) {
  ProgramDesc p;
  EXPECT_EQ(ProgramDesc::fromText("weft-program 1\nop col2im_1d\nattr channels 2\noutput f32 512 16392\n"
                                  "launch k 512/103 16392/256\n",
                                  p),
            "program description: op col2im_1d takes 1 input(s) and 1 output(s); the program lists 0 and 1");
  EXPECT_EQ(ProgramDesc::fromText("weft-program 1\nop concat\ninput f32\ninput f32 4\noutput f32 8\n"
                                  "launch k 8/1\n",
                                  p),
            "program description: an argument of op concat has rank 0 (rule: every weft tensor has rank >= 1)");
  // Built in code, not parsed: fitsIndex32 answers 64-bit rather than read what is not there.
  ProgramDesc q;
  q.op = "col2im_1d";
  q.attrs.set("channels", 2);
  q.outputs.push_back(TensorType{DType::f32, {512, 16392}});
  q.launches.push_back(LaunchDesc{});
  EXPECT_FALSE(q.fitsIndex32());
}

// Found by weft-fuzz-program (test/fuzz/corpus/program/regression-col2im-padding.program): a
// description's attributes are not the op's until its rules pass, and col2im's index bound
// overflowed on padding 2^63 - 1. A description that breaks the op's rules answers 64-bit.
TEST(ProgramText, IndexBitsReadOnlyCheckedAttributes) {
  ProgramDesc p;
  p.op = "col2im_1d";
  p.attrs.set("stride", 8);
  p.attrs.set("channels", 512);
  p.attrs.set("padding", INT64_MAX);
  p.inputs.push_back(TensorType{DType::f32, {20, 8192}});
  p.outputs.push_back(TensorType{DType::f32, {512, 16392}});
  p.launches.push_back(LaunchDesc{"col2im", {}, 256, 1});
  ASSERT_EQ(p.check(), "");
  EXPECT_FALSE(p.fitsIndex32());
  // The same program within the rules (T_out = 19*8 + 16 = 168) fits.
  p.attrs.set("padding", 0);
  p.outputs[0].shape = {512, 168};
  EXPECT_TRUE(p.fitsIndex32());
}

} // namespace
