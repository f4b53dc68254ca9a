// The artifact file (weft/Artifact.h): a round trip keeps every byte, and a truncated, corrupt or
// foreign file is an error naming what is wrong, never a half-read artifact.
#include "TestUtil.h"
#include "weft/Artifact.h"

#include <cstdio>
#include <fstream>
#include <unistd.h>

using namespace weft;
using weft::test::failsWith;
using weft::test::isOk;

namespace {

Artifact sample() {
  Artifact a;
  a.function = "join";
  a.target = "spirv";
  a.program.op = "concat";
  a.program.attrs.set("axis", 0);
  a.program.inputs = {{DType::f16, {4}}, {DType::f16, {kDynamic}}};
  a.program.outputs = {{DType::f16, {kDynamic}}};
  LaunchDesc l{"join_k", {{Extent::slot(4), 1}}};
  l.group = 64;
  l.items = 64;
  a.program.launches = {l};
  a.program.requires = {"storage16"};
  a.source = "line one\nsection program 3\nend\n"; // text that looks like the format itself
  // Binary bytes with newlines and zeros in them.
  a.kernels = {{"join_k", "void main() {}\n", {0x03, 0x02, 0x23, 0x07, '\n', 0, 0, '\n', 0xff}}};
  return a;
}

void expectSame(const Artifact &x, const Artifact &y) {
  EXPECT_EQ(x.function, y.function);
  EXPECT_EQ(x.target, y.target);
  EXPECT_EQ(x.program.toText(), y.program.toText());
  EXPECT_EQ(x.source, y.source);
  ASSERT_EQ(x.kernels.size(), y.kernels.size());
  for (size_t i = 0; i < x.kernels.size(); ++i) {
    EXPECT_EQ(x.kernels[i].entry, y.kernels[i].entry);
    EXPECT_EQ(x.kernels[i].source, y.kernels[i].source);
    EXPECT_EQ(x.kernels[i].binary, y.kernels[i].binary);
  }
}

} // namespace

TEST(Artifact, RoundTripKeepsEveryByte) {
  Artifact a = sample();
  Result<Artifact> back = parseArtifact(serializeArtifact(a));
  ASSERT_TRUE(isOk(back.status()));
  expectSame(a, *back);
  EXPECT_EQ(artifactFileName("join", "spirv"), "join.spirv.weft");
}

TEST(Artifact, EveryTruncationIsAnError) {
  std::string bytes = serializeArtifact(sample());
  for (size_t n = 0; n < bytes.size(); ++n) {
    Result<Artifact> cut = parseArtifact(std::string_view(bytes).substr(0, n));
    EXPECT_FALSE(cut.ok()) << "a prefix of " << n << " of " << bytes.size() << " bytes parsed";
  }
}

TEST(Artifact, ForeignAndCorruptFilesNameTheProblem) {
  EXPECT_TRUE(failsWith(parseArtifact("hello\n").status(), {"artifact line 1: not a weft artifact"}));
  EXPECT_TRUE(failsWith(parseArtifact("weft-artifact 99\n").status(),
                        {"format 'weft-artifact 99' is not the one this runtime reads ('weft-artifact 1')"}));
  std::string bytes = serializeArtifact(sample());
  std::string bad = bytes;
  bad.replace(bad.find("section program"), 15, "section progrum");
  EXPECT_TRUE(failsWith(parseArtifact(bad).status(), {"unknown section 'section progrum"}));
  std::string longer = bytes;
  longer.replace(longer.find("section source ") + 15, 2, "99");
  EXPECT_TRUE(failsWith(parseArtifact(longer).status(), {"is cut short (truncated or corrupt)"}));
  std::string wrongOp = bytes;
  wrongOp.replace(wrongOp.find("op concat"), 9, "op concot");
  EXPECT_TRUE(failsWith(parseArtifact(wrongOp).status(), {"the program section: ", "concot"}));
  EXPECT_TRUE(failsWith(parseArtifact("weft-artifact 1\nfunction f\ntarget cpp\nend\n").status(),
                        {"has no program section"}));
}

// Found by weft-fuzz-artifact once the runtime had coverage (test/fuzz/corpus/artifact/
// regression-section-size-2to64.weft): a section of 2^64 - 1 bytes wrapped the bounds check and
// read past the input.
TEST(Artifact, ASectionSizeOf2To64IsCutShortNotARead) {
  std::string bytes = serializeArtifact(sample());
  size_t at = bytes.find("section source ") + 15;
  bytes.replace(at, bytes.find('\n', at) - at, "18446744073709551615");
  EXPECT_TRUE(failsWith(parseArtifact(bytes).status(), {"is cut short (truncated or corrupt)"}));
}

TEST(Artifact, WriteIsAtomicAndReadNamesTheFile) {
  char dir[] = "/tmp/weft-artifact-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  std::string path = std::string(dir) + "/join.spirv.weft";
  ASSERT_TRUE(isOk(writeArtifact(path, sample())));
  Result<Artifact> back = readArtifact(path);
  ASSERT_TRUE(isOk(back.status()));
  expectSame(sample(), *back);
  // Overwriting replaces the file whole; no temporary is left beside it.
  Artifact other = sample();
  other.source = "x";
  ASSERT_TRUE(isOk(writeArtifact(path, other)));
  EXPECT_EQ(readArtifact(path)->source, "x");
  EXPECT_EQ(std::system(("test $(ls " + std::string(dir) + " | wc -l) -eq 1").c_str()), 0);
  // A corrupt file on disk: the error names it.
  std::ofstream(path, std::ios::trunc) << "weft-artifact 1\nfunction f\n";
  EXPECT_TRUE(failsWith(readArtifact(path).status(), {"artifact '", path.c_str(), "': artifact line 3: expected 'target NAME'"}));
  EXPECT_TRUE(failsWith(readArtifact(std::string(dir) + "/missing.weft").status(), {"cannot read artifact '"}));
  EXPECT_TRUE(failsWith(writeArtifact(std::string(dir) + "/no/such/dir/x.weft", sample()), {"cannot write artifact '"}));
  std::remove(path.c_str());
  rmdir(dir);
}
