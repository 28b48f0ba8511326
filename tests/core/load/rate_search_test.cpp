// The rate search on a known edge: brackets from above and below, narrows to the precision,
// reports every trial, and says when nothing meets the bound.
#include "nnbench/core/load/rate_search.hpp"

#include <gtest/gtest.h>

#include "nnbench/core/error.hpp"

namespace nnbench::load {
namespace {

RateTrial edge_at(double edge, double rate) { return {rate, rate <= edge, rate}; }

TEST(RateSearch, FromBelowOrAbove_FindsTheEdgeWithinThePrecision) {
  for (const double start : {1.0, 1e5}) {
    const RateSearchResult found =
        search_highest_rate([](double rate) { return edge_at(737, rate); },
                            {.start_rate_per_s = start, .relative_precision = 0.01});
    EXPECT_TRUE(found.bracketed) << start;
    EXPECT_LE(found.best_rate_per_s, 737) << start;
    EXPECT_GE(found.best_rate_per_s, 737 / 1.01) << start;
    EXPECT_LE(found.trials.size(), 40U);
    EXPECT_EQ(found.trials.front().rate_per_s, start);
  }
}

TEST(RateSearch, WhenNoRateMeetsTheBound_ReportsZeroUnbracketed) {
  const RateSearchResult found = search_highest_rate(
      [](double rate) {
        return RateTrial{rate, false, 0};
      },
      {.start_rate_per_s = 10});
  EXPECT_EQ(found.best_rate_per_s, 0);
  EXPECT_FALSE(found.bracketed);
  EXPECT_LE(found.trials.size(), 40U);
}

TEST(RateSearch, OptionsThatCannotSearch_AreBadInput) {
  const auto any = [](double rate) { return RateTrial{rate, true, 0}; };
  EXPECT_THROW(search_highest_rate(any, {.start_rate_per_s = 0}), InputError);
  EXPECT_THROW(search_highest_rate(any, {.start_rate_per_s = 1, .relative_precision = 0}),
               InputError);
}

}  // namespace
}  // namespace nnbench::load
