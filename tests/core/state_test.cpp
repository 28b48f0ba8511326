// State: typed axis values and options.
#include "nnbench/core/state.hpp"

#include <gtest/gtest.h>

#include "nnbench/core/error.hpp"

namespace nnbench {
namespace {

TEST(State, ConvertsAxisValues_AndNamesTheAxisOnBadOnes) {
  const State state(Variant{{{"batch_size", "8"}, {"lr", "1e-3"}, {"dtype", "fp32"}}}, "cpu", 1,
                    false, {});
  EXPECT_EQ(state.get_int("batch_size"), 8);
  EXPECT_DOUBLE_EQ(state.get_float("lr"), 1e-3);
  EXPECT_EQ(state.get_string("dtype"), "fp32");
  EXPECT_THROW(state.get_int("dtype"), InputError);
  EXPECT_THROW(state.get_int("missing"), InputError);
}

TEST(CountOption, ParsesNonNegativeIntegers_AndRejectsTheRest) {
  const std::map<std::string, std::string> options{
      {"epochs", "5"}, {"bad", "five"}, {"negative", "-1"}, {"empty", ""}};
  EXPECT_EQ(count_option(options, "epochs", 1), 5);
  EXPECT_EQ(count_option(options, "absent", 7), 7);
  EXPECT_EQ(count_option(options, "empty", 3), 3);
  try {
    count_option(options, "bad", 1);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "option bad='five': expected a non-negative integer");
  }
  EXPECT_THROW(count_option(options, "negative", 1), InputError);
  const State state(Variant{}, "cpu", 1, false, options);
  EXPECT_EQ(state.count_option("epochs", 1), 5);
}

}  // namespace
}  // namespace nnbench
