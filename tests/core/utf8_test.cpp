// UTF-8 checks and the lossless escape of bytes that are not UTF-8.
#include "nnbench/core/utf8.hpp"

#include <gtest/gtest.h>

namespace nnbench {
namespace {

TEST(Utf8, AcceptsValidTextAndRefusesBadSequences) {
  EXPECT_TRUE(is_valid_utf8("plain ascii"));
  EXPECT_TRUE(is_valid_utf8("caf\xc3\xa9 \xe4\xb8\xad \xf0\x9f\x98\x80"));
  EXPECT_FALSE(is_valid_utf8("\xff"));
  EXPECT_FALSE(is_valid_utf8("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(is_valid_utf8("\xed\xa0\x80"));      // a surrogate
  EXPECT_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(is_valid_utf8("x\xe4\xb8"));         // cut short
}

TEST(Utf8, EscapesEachBadByte_AndKeepsValidText) {
  EXPECT_EQ(escape_invalid_utf8("net\xff.nn"), "net\\xff.nn");
  EXPECT_EQ(escape_invalid_utf8("caf\xc3\xa9"), "caf\xc3\xa9");
  EXPECT_EQ(escape_invalid_utf8("\xe4\xb8"), "\\xe4\\xb8");
  EXPECT_TRUE(is_valid_utf8(escape_invalid_utf8("\x80\x81\xfe\xff")));
}

}  // namespace
}  // namespace nnbench
