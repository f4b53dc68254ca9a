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

} // namespace weft::test
