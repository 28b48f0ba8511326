// Variant expansion, axis overrides and their validation.
#include "nnbench/core/axis.hpp"

#include <limits>

#include <gtest/gtest.h>

#include "nnbench/core/error.hpp"

namespace nnbench {
namespace {

std::vector<Axis> sample_axes() {
  return {string_axis("model", {"a", "b"}),
          string_axis("dtype", {"fp32"}, "", {"fp32", "fp16", "bf16"}),
          int_axis("batch_size", {1, 8, 32})};
}

TEST(ExpandVariants, GivesTheCartesianProductWithFirstAxisSlowest) {
  const std::vector<Variant> variants = expand_variants(sample_axes(), {});
  ASSERT_EQ(variants.size(), 6u);
  EXPECT_EQ(variants[0].name(), "model=a/dtype=fp32/batch_size=1");
  EXPECT_EQ(variants[2].name(), "model=a/dtype=fp32/batch_size=32");
  EXPECT_EQ(variants[3].name(), "model=b/dtype=fp32/batch_size=1");
  EXPECT_EQ(variants[5].at("batch_size"), "32");
}

TEST(ExpandVariants, ReplacesDefaults_WhenOverridden) {
  const std::vector<Variant> variants =
      expand_variants(sample_axes(), {{"dtype", {"fp16", "bf16"}}, {"batch_size", {"4"}}});
  ASSERT_EQ(variants.size(), 4u);
  EXPECT_EQ(variants[0].name(), "model=a/dtype=fp16/batch_size=4");
  EXPECT_EQ(variants[1].name(), "model=a/dtype=bf16/batch_size=4");
}

TEST(ExpandVariants, LeavesAnOptInAxisOut_UnlessTheRunSetsIt) {
  std::vector<Axis> axes = sample_axes();
  axes.push_back(opt_in_axis(string_axis("scenario", {"none"}, "", {"none", "server"})));
  const std::vector<Variant> plain = expand_variants(axes, {});
  ASSERT_EQ(plain.size(), 6u);
  EXPECT_EQ(plain[0].name(), "model=a/dtype=fp32/batch_size=1");
  EXPECT_FALSE(plain[0].has("scenario"));
  const std::vector<Variant> set = expand_variants(axes, {{"scenario", {"none", "server"}}});
  ASSERT_EQ(set.size(), 12u);
  EXPECT_EQ(set[1].name(), "model=a/dtype=fp32/batch_size=1/scenario=server");
  EXPECT_THROW(expand_variants(axes, {{"scenario", {"burst"}}}), InputError);
}

TEST(ExpandVariants, GivesOneDefaultVariant_WhenNoAxes) {
  const std::vector<Variant> variants = expand_variants({}, {});
  ASSERT_EQ(variants.size(), 1u);
  EXPECT_EQ(variants[0].name(), "default");
}

TEST(ExpandVariants, RejectsANonIntegerValue_ForAnIntAxis) {
  try {
    expand_variants(sample_axes(), {{"batch_size", {"abc"}}});
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "axis 'batch_size': value 'abc' is not an integer");
  }
}

TEST(ExpandVariants, RejectsAValueOutsideTheAllowedSet_NamingTheChoices) {
  try {
    expand_variants(sample_axes(), {{"dtype", {"fp64"}}});
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(),
                 "axis 'dtype': value 'fp64' is not allowed; expected one of: fp32, fp16, bf16");
  }
}

TEST(ParseAxisOverride, SplitsNameAndValues_DroppingDuplicates) {
  const auto [name, values] = parse_axis_override("batch_size=1, 8,8,32");
  EXPECT_EQ(name, "batch_size");
  EXPECT_EQ(values, (std::vector<std::string>{"1", "8", "32"}));
}

TEST(ParseAxisOverride, Throws_WhenMalformed) {
  EXPECT_THROW(parse_axis_override("batch_size"), InputError);
  EXPECT_THROW(parse_axis_override("=1,2"), InputError);
  EXPECT_THROW(parse_axis_override("batch_size=1,,2"), InputError);
  EXPECT_THROW(parse_axis_override("batch_size="), InputError);
}

TEST(FloatAxis, AcceptsNumbersAndRejectsText) {
  const Axis axis = float_axis("lr", {0.001});
  EXPECT_NO_THROW(validate_axis_value(axis, "1e-3"));
  EXPECT_THROW(validate_axis_value(axis, "fast"), InputError);
  EXPECT_THROW(validate_axis_value(axis, "inf"), InputError);
}

TEST(CountVariants, MultipliesTheValueCounts_WithoutMakingThem_AndSaturates) {
  std::vector<Axis> axes;
  for (int i = 0; i < 30; ++i) axes.push_back(int_axis("a" + std::to_string(i), {1, 2, 3}));
  EXPECT_EQ(count_variants(axes, {}), 205891132094649ULL);  // 3^30
  axes.push_back(opt_in_axis(int_axis("unset", {1, 2})));
  EXPECT_EQ(count_variants(axes, {}), 205891132094649ULL);  // an opt-in axis left out
  for (int i = 0; i < 20; ++i) axes.push_back(int_axis("b" + std::to_string(i), {1, 2, 3, 4, 5}));
  EXPECT_EQ(count_variants(axes, {}), std::numeric_limits<std::uint64_t>::max());
  EXPECT_EQ(count_variants({int_axis("x", {1, 2})}, {{"x", {"1", "2", "3"}}}), 3u);
}

}  // namespace
}  // namespace nnbench
