#include "Reference.h"
#include "TestUtil.h"
#include "weft/Half.h"
#include "weft/Npy.h"

#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <unistd.h>

using namespace weft;
using weft::test::failsWith;
using weft::test::isOk;
using weft::test::take;

namespace {

// A fresh file name in the test's temporary directory.
std::string tempPath(const std::string &name) {
  const char *dir = std::getenv("TMPDIR");
  return std::string(dir && *dir ? dir : "/tmp") + "/weft-npy-" + std::to_string(getpid()) + "-" + name;
}

void writeBytes(const std::string &path, const std::string &bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

std::string readBytes(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// A .npy file by hand: preamble of `version`, then `dict` padded to 64 bytes, then `data`.
std::string npyFile(const std::string &dict, const std::string &data, int version = 1) {
  std::string header = dict;
  size_t preamble = version == 1 ? 10 : 12;
  header.append((64 - (preamble + header.size() + 1) % 64) % 64, ' ');
  header += '\n';
  std::string out = "\x93NUMPY";
  out += char(version);
  out += char(0);
  size_t n = header.size();
  for (size_t i = 0; i < preamble - 8; ++i) out += char((n >> (8 * i)) & 0xff);
  return out + header + data;
}

std::string dict(const std::string &descr, const std::string &shape, bool fortran = false) {
  return "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") + ", 'shape': " + shape +
         ", }";
}

} // namespace

TEST(Npy, RoundTripsEveryDtype) {
  for (DType t : kAllDTypes) {
    Buffer b = take(Buffer::allocate(t, {3, 5, 2}));
    fillRandom(b, 42 + uint64_t(t));
    std::string path = tempPath(std::string(dtypeName(t)) + ".npy");
    ASSERT_TRUE(isOk(writeNpy(path, b)));
    Buffer back = take(readNpy(path, t == DType::bf16 ? std::optional<DType>(DType::bf16) : std::nullopt));
    EXPECT_TRUE(isOk(expectBitExact(back, b))) << dtypeName(t);
    EXPECT_EQ(readBytes(path).size() % 64, (3u * 5 * 2 * dtypeSize(t)) % 64); // header padded to 64
    std::remove(path.c_str());
  }
}

TEST(Npy, WritesNumpysHeaderAndStridedViews) {
  std::vector<int16_t> mem = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
  Buffer t = take(Buffer::wrap(mem.data(), 24, DType::i16, {4, 3}, {1, 4})); // a transposed [3][4]
  std::string path = tempPath("strided.npy");
  ASSERT_TRUE(isOk(writeNpy(path, t)));
  std::string bytes = readBytes(path);
  ASSERT_EQ(bytes.size(), 128u + 24);
  EXPECT_EQ(bytes.substr(0, 8), std::string("\x93NUMPY\x01\x00", 8));
  const std::string dict = "{'descr': '<i2', 'fortran_order': False, 'shape': (4, 3), }";
  EXPECT_EQ(bytes.substr(10, dict.size()), dict);
  EXPECT_EQ(bytes.substr(10 + dict.size(), 117 - dict.size()), std::string(117 - dict.size(), ' '));
  EXPECT_EQ(bytes[127], '\n');
  Buffer back = take(readNpy(path));
  EXPECT_TRUE(back.isContiguous());
  EXPECT_TRUE(isOk(expectBitExact(back, t)));
  EXPECT_EQ(static_cast<int16_t *>(back.data())[1], 4);

  Buffer vec = take(Buffer::allocate(DType::f32, {7}));
  ASSERT_TRUE(isOk(writeNpy(path, vec)));
  EXPECT_NE(readBytes(path).find("'shape': (7,), }"), std::string::npos); // a 1-tuple keeps its comma
  Buffer scalar = take(Buffer::allocate(DType::f32, {}));
  ASSERT_TRUE(isOk(writeNpy(path, scalar)));
  EXPECT_NE(readBytes(path).find("'shape': (), }"), std::string::npos);
  EXPECT_EQ(take(readNpy(path)).shape(), Shape{});
  std::remove(path.c_str());
}

TEST(Npy, ReadsFormatVersions2And3AndNumpysSpellings) {
  std::string path = tempPath("v.npy");
  std::string data(12, '\0');
  for (int v : {1, 2, 3}) {
    writeBytes(path, npyFile(dict("<f4", "(3,)"), data, v));
    Buffer b = take(readNpy(path));
    EXPECT_EQ(b.shape(), Shape{3}) << "version " << v;
  }
  writeBytes(path, npyFile("{\"shape\":(1,2,3L),\"fortran_order\":False,\"descr\":\"<i2\"}", data));
  EXPECT_EQ(take(readNpy(path)).shape(), (Shape{1, 2, 3}));
  std::remove(path.c_str());
}

TEST(Npy, Bf16IsReadFromUint16OnlyOnRequest) {
  std::string path = tempPath("bf16.npy");
  writeBytes(path, npyFile(dict("<u2", "(2,)"), std::string("\x80\x3f\x00\x40", 4)));
  EXPECT_TRUE(failsWith(readNpy(path).status(), {path.c_str(), "descr '<u2'", "not supported", "bf16 on request"}));
  Buffer b = take(readNpy(path, DType::bf16));
  EXPECT_EQ(b.dtype(), DType::bf16);
  EXPECT_EQ(bf16ToFloat(static_cast<uint16_t *>(b.data())[0]), 1.0f);
  EXPECT_EQ(bf16ToFloat(static_cast<uint16_t *>(b.data())[1]), 2.0f);
  writeBytes(path, npyFile(dict("<i2", "(2,)"), std::string(4, '\0')));
  EXPECT_EQ(take(readNpy(path, DType::bf16)).dtype(), DType::bf16);
  EXPECT_EQ(take(readNpy(path, DType::i16)).dtype(), DType::i16);
  writeBytes(path, npyFile(dict("<f4", "(2,)"), std::string(8, '\0')));
  EXPECT_TRUE(failsWith(readNpy(path, DType::bf16).status(), {"holds f32 ('<f4'), but bf16 was asked for"}));
  EXPECT_TRUE(failsWith(readNpy(path, DType::f16).status(), {"holds f32", "f16 was asked for"}));
  std::remove(path.c_str());
}

TEST(Npy, MalformedFilesAreErrorsNamingTheFile) {
  std::string path = tempPath("bad.npy");
  EXPECT_TRUE(failsWith(readNpy(tempPath("missing.npy")).status(), {"cannot open", "missing.npy", "No such file"}));
  EXPECT_TRUE(failsWith(readNpy("/tmp").status(), {"cannot read /tmp"}));
  struct Case {
    std::string bytes;
    std::vector<const char *> parts;
  };
  std::string f4x3 = std::string(12, '\0');
  std::vector<Case> cases = {
      {"", {"is not a .npy file"}},
      {"PK\x03\x04 not numpy", {"is not a .npy file"}},
      {"\x93NUMPY\x01", {"truncated inside its preamble"}},
      {npyFile(dict("<f4", "(3,)"), f4x3, 4), {"format version 4.0", "1.0, 2.0, 3.0"}},
      {npyFile(dict("<f4", "(3,)"), f4x3).substr(0, 40), {"truncated", "header declares 118 bytes", "holds 30"}},
      {npyFile(dict("<f4", "(3,)"), f4x3.substr(0, 11)), {"holds 11 bytes of data, shape [3] f32 needs 12"}},
      {npyFile(dict("<f4", "(3,)"), f4x3 + "x"), {"holds 13 bytes of data, shape [3] f32 needs 12"}},
      {npyFile(dict("<f8", "(3,)"), f4x3 + f4x3), {"descr '<f8'", "not supported"}},
      {npyFile(dict("|u1", "(3,)"), "abc"), {"descr '|u1'", "not supported"}},
      {npyFile(dict(">f4", "(3,)"), f4x3), {"big-endian", "'>f4'"}},
      {npyFile(dict("<f4", "(3,)", true), f4x3), {"Fortran order"}},
      {npyFile(dict("<f4", "(3, -1)"), f4x3), {"malformed header", "'shape'"}},
      {npyFile(dict("<f4", "(99999999999999999999,)"), f4x3), {"does not fit in int64_t"}},
      {npyFile(dict("<f4", "(4294967296, 4294967296)"), f4x3), {"unusable shape", "2^63"}},
      {npyFile("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (3,)}", f4x3), {"'descr' is not a string"}},
      {npyFile("{'descr': '<f4', 'shape': (3,)}", f4x3), {"lacks one of"}},
      {npyFile("{'descr': '<f4', 'fortran_order': Maybe, 'shape': (3,)}", f4x3), {"'fortran_order'"}},
      {npyFile("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), 'x': 1}", f4x3), {"unknown header key 'x'"}},
      {npyFile("[1, 2]", f4x3), {"not a dict"}},
      // Given twice, or junk after the dict: refused, not last-wins or ignored (issue 13 item 8).
      {npyFile("{'descr': '<f4', 'descr': '<f2', 'fortran_order': False, 'shape': (3,)}", f4x3),
       {"header key 'descr' is given twice"}},
      {npyFile("{'descr': '<f4', 'fortran_order': False, 'shape': (3,)} junk", f4x3),
       {"the header holds 'junk' after its dict"}},
      {npyFile("{'descr': '<f4' 'fortran_order': False}", f4x3), {"expected ',' or '}'"}},
      {std::string("\x93NUMPY\x02\x00\xff\xff\xff\x7f", 12), {"declares a header of 2147483647 bytes"}},
  };
  for (const Case &c : cases) {
    writeBytes(path, c.bytes);
    Status s = readNpy(path).status();
    EXPECT_TRUE(failsWith(s, {path.c_str()}));
    for (const char *part : c.parts) EXPECT_TRUE(failsWith(s, {part})) << "file bytes: " << c.bytes.substr(0, 80);
  }
  std::remove(path.c_str());
}

TEST(Npy, TruncatedAndCorruptedFilesNeverCrash) {
  std::string path = tempPath("fuzz.npy");
  Buffer b = take(Buffer::allocate(DType::f16, {5, 3}));
  fillRandom(b, 7);
  ASSERT_TRUE(isOk(writeNpy(path, b)));
  const std::string good = readBytes(path);
  for (size_t len = 0; len < good.size(); ++len) { // every truncation is an error
    writeBytes(path, good.substr(0, len));
    EXPECT_FALSE(readNpy(path).ok()) << "truncated to " << len;
  }
  uint64_t state = 1;
  for (int trial = 0; trial < 3000; ++trial) { // flipped header bytes: an error or a sound buffer
    std::string bytes = good;
    for (int k = 0; k < 1 + trial % 3; ++k) {
      state = state * 6364136223846793005ull + 1442695040888963407ull;
      bytes[(state >> 33) % 128] = char(state >> 20);
    }
    writeBytes(path, bytes);
    Result<Buffer> r = readNpy(path);
    if (r.ok()) {
      EXPECT_EQ(size_t(r->numElements()) * dtypeSize(r->dtype()), good.size() - 128);
    }
  }
  std::remove(path.c_str());
}

TEST(Npy, WriteErrorsNameThePath) {
  Buffer b = take(Buffer::allocate(DType::f32, {2}));
  EXPECT_TRUE(failsWith(writeNpy("/nonexistent/dir/x.npy", b), {"cannot create /nonexistent/dir/x.npy"}));
}
