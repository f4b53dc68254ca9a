// Assertions on weft::Status for the runtime tests.
#pragma once

#include "weft/Runtime.h"

#include <gtest/gtest.h>

#include <initializer_list>

namespace weft::test {

/// Success when `s` is an error whose message contains every one of `parts`.
inline ::testing::AssertionResult failsWith(const Status &s, std::initializer_list<const char *> parts) {
  if (s.ok()) return ::testing::AssertionFailure() << "expected an error, got success";
  for (const char *p : parts)
    if (s.message().find(p) == std::string::npos)
      return ::testing::AssertionFailure() << "error \"" << s.message() << "\" lacks \"" << p << "\"";
  return ::testing::AssertionSuccess() << s.message();
}

/// Success when `s` is ok; else the message.
inline ::testing::AssertionResult isOk(const Status &s) {
  if (s.ok()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << s.message();
}

/// The buffer of a Result that must be ok (a failed test, and an empty buffer, otherwise).
inline Buffer take(Result<Buffer> r) {
  EXPECT_TRUE(isOk(r.status()));
  return r.ok() ? std::move(*r) : Buffer();
}

/// A dynamic-length f32 concat through a temporary `tmp`: launch `toTmp` writes a then b into it
/// (grid: its length), launch `toOut` copies it out (grid: its length in tiles of 3). The CPU
/// tests run it with TestKernels.cpp's entries, the Vulkan tests with shaders/*.comp.
inline ProgramDesc concatThroughTempProgram(const std::string &toTmp, const std::string &toOut) {
  ProgramDesc p;
  p.op = "concat";
  p.attrs.set("axis", 0);
  p.inputs = {{DType::f32, {kDynamic}}, {DType::f32, {kDynamic}}};
  p.outputs = {{DType::f32, {kDynamic}}};
  p.temps = {{"tmp", DType::f32, {Extent::slot(4)}}};
  p.launches = {{toTmp, {{Extent::slot(4), 1}}}, {toOut, {{Extent::slot(4), 3}}}};
  return p;
}

} // namespace weft::test
