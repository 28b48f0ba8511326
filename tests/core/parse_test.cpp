// The one set of parsers behind every typed input.
#include "nnbench/core/parse.hpp"

#include <gtest/gtest.h>

namespace nnbench {
namespace {

TEST(Parse, Integers_WholeTextOnly) {
  EXPECT_EQ(parse_integer("42"), 42);
  EXPECT_EQ(parse_integer("-3"), -3);
  EXPECT_FALSE(parse_integer(""));
  EXPECT_FALSE(parse_integer(" 4"));
  EXPECT_FALSE(parse_integer("4 "));
  EXPECT_FALSE(parse_integer("+4"));
  EXPECT_FALSE(parse_integer("4.0"));
  EXPECT_FALSE(parse_integer("99999999999999999999"));
}

TEST(Parse, Unsigned_RefusesNegativesInsteadOfWrapping) {
  EXPECT_EQ(parse_unsigned("18446744073709551615"), 18446744073709551615ULL);
  EXPECT_FALSE(parse_unsigned("-1"));
  EXPECT_FALSE(parse_unsigned("18446744073709551616"));
}

TEST(Parse, Reals_FiniteOnly) {
  EXPECT_EQ(parse_real("1e-3"), 1e-3);
  EXPECT_EQ(parse_real("-2"), -2.0);
  EXPECT_FALSE(parse_real("inf"));
  EXPECT_FALSE(parse_real("nan"));
  EXPECT_FALSE(parse_real("1e999"));
  EXPECT_FALSE(parse_real("0.5x"));
  EXPECT_FALSE(parse_real(""));
}

TEST(Parse, Booleans_InTheUsualSpellings) {
  for (const char* yes : {"true", "TRUE", "on", "yes", "1"}) EXPECT_EQ(parse_bool(yes), true);
  for (const char* no : {"false", "Off", "no", "0"}) EXPECT_EQ(parse_bool(no), false);
  EXPECT_FALSE(parse_bool("maybe"));
  EXPECT_FALSE(parse_bool(""));
}

TEST(Parse, FormatsRealsInTheShortestSpellingThatReadsBack) {
  EXPECT_EQ(format_real(0.001), "0.001");
  EXPECT_EQ(format_real(2.0), "2");
  EXPECT_EQ(parse_real(format_real(0.1 + 0.2)), 0.1 + 0.2);
}

}  // namespace
}  // namespace nnbench
