// Benchmark options: declarations, validation, canonical values and typed reads.
#include "nnbench/core/option.hpp"

#include <gtest/gtest.h>

#include "nnbench/core/error.hpp"

namespace nnbench {
namespace {

std::string error_of(const Option& option, const std::string& value) {
  try {
    validate_option_value(option, value);
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

TEST(Option, ValidatesEachTypeAndItsBounds_NamingTheOptionAndWhatItTakes) {
  const Option epochs = int_option("epochs", 5, "epochs", 1, 100);
  EXPECT_EQ(error_of(epochs, "3"), "no error");
  EXPECT_EQ(error_of(epochs, "0"),
            "option epochs='0': out of range: expected integer from 1 to 100");
  EXPECT_EQ(error_of(epochs, "3.5"), "option epochs='3.5': expected integer from 1 to 100");
  EXPECT_EQ(error_of(epochs, ""), "option epochs='': expected integer from 1 to 100");
  const Option rate = real_option("rate", 0.5, "rate", 0, 1);
  EXPECT_EQ(error_of(rate, "1e-3"), "no error");
  EXPECT_EQ(error_of(rate, "nan"), "option rate='nan': expected number from 0 to 1");
  const Option cold = bool_option("cold", false, "flush");
  EXPECT_EQ(error_of(cold, "on"), "no error");
  EXPECT_EQ(error_of(cold, "maybe"), "option cold='maybe': expected true or false");
  const Option kind = string_option("kind", "a", "kind", {"a", "b"});
  EXPECT_EQ(error_of(kind, "c"), "option kind='c': expected one of a, b");
  const Option path = path_option("data", "", "data");
  EXPECT_EQ(error_of(path, ""), "option data='': expected a path, not an empty text");
}

TEST(Option, RecordsValuesInOneSpelling) {
  EXPECT_EQ(canonical_option_value(real_option("r", 1.0, "", 0), "1e-3"), "0.001");
  EXPECT_EQ(canonical_option_value(int_option("n", 1, ""), "007"), "7");
  EXPECT_EQ(canonical_option_value(bool_option("b", false, ""), "yes"), "true");
  EXPECT_EQ(canonical_option_value(string_option("s", "", ""), "As Is"), "As Is");
}

TEST(OptionValues, ReadsGivenValues_ThenTheQuickDefault_ThenTheDefault) {
  const std::vector<Option> declared{
      with_quick_default(int_option("train_limit", 0, "limit"), "2560"),
      int_option("epochs", 5, "epochs", 1), real_option("rate", std::nullopt, "rate", 0)};
  const OptionValues normal("bench", declared, {{"epochs", "7"}, {"other", "x"}}, false);
  EXPECT_EQ(normal.get_int("epochs"), 7);
  EXPECT_EQ(normal.get_int("train_limit"), 0);
  EXPECT_FALSE(normal.find_real("rate").has_value());
  EXPECT_TRUE(normal.given("epochs"));
  EXPECT_FALSE(normal.given("train_limit"));
  const OptionValues quick("bench", declared, {}, true);
  EXPECT_EQ(quick.get_int("train_limit"), 2560);
  EXPECT_EQ(quick.get_int("epochs"), 5);
}

TEST(OptionValues, RefusesToReadAnUndeclaredName_OrAnotherTypeThanDeclared) {
  const OptionValues values("bench", {int_option("epochs", 5, "epochs", 1)}, {}, false);
  try {
    values.get_int("epoch");
    FAIL() << "expected ProgrammingError";
  } catch (const ProgrammingError& e) {
    EXPECT_STREQ(e.what(),
                 "benchmark 'bench' reads option 'epoch', which it does not declare "
                 "(Benchmark::options())");
  }
  EXPECT_THROW(values.get_string("epochs"), ProgrammingError);
  EXPECT_THROW(values.get_real("epochs"), ProgrammingError);
  const OptionValues no_default("bench", {real_option("rate", std::nullopt, "rate", 0)}, {}, false);
  EXPECT_THROW(no_default.get_real("rate"), ProgrammingError);
}

TEST(OptionValues, ValidatesTheValuesGivenForItsOptions) {
  EXPECT_THROW(
      OptionValues("bench", {int_option("epochs", 5, "epochs", 1)}, {{"epochs", "0"}}, false),
      InputError);
}

}  // namespace
}  // namespace nnbench
