// State: typed axis values and options.
#include "nnbench/core/state.hpp"

#include <gtest/gtest.h>

#include "nnbench/core/error.hpp"

namespace nnbench {
namespace {

TEST(State, ConvertsAxisValues_AndNamesTheAxisOnBadOnes) {
  const State state(Variant{{{"batch_size", "8"}, {"lr", "1e-3"}, {"dtype", "fp32"}}, {}}, "cpu", 1,
                    false, {});
  EXPECT_EQ(state.get_int("batch_size"), 8);
  EXPECT_DOUBLE_EQ(state.get_float("lr"), 1e-3);
  EXPECT_EQ(state.get_string("dtype"), "fp32");
  EXPECT_THROW(state.get_int("dtype"), InputError);
  EXPECT_THROW(state.get_int("missing"), InputError);
}

TEST(State, ReadsItsBenchmarksOptions_Typed) {
  const State state(
      Variant{}, "cpu", 1, false,
      OptionValues("toy", {int_option("epochs", 3, "epochs", 1)}, {{"epochs", "5"}}, false));
  EXPECT_EQ(state.options().get_int("epochs"), 5);
  EXPECT_THROW(state.options().get_int("undeclared"), ProgrammingError);
}

}  // namespace
}  // namespace nnbench
