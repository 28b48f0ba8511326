// Validity verdicts: VALID only when long enough, with enough queries and unthrottled clocks;
// otherwise INVALID with every reason. Percentiles at the six reported levels.
#include "nnbench/core/load/load_validity.hpp"

#include <gtest/gtest.h>

#include "nnbench/core/error.hpp"

namespace nnbench::load {
namespace {

using std::chrono::seconds;

TEST(LoadValidity, ALongRunWithEnoughQueries_IsValid) {
  const ValidityVerdict verdict = judge_validity({seconds(61), 5000, std::nullopt}, {});
  EXPECT_TRUE(verdict.valid);
  EXPECT_EQ(verdict.text(), "VALID");
}

TEST(LoadValidity, EachShortfall_IsAReason) {
  const ValidityVerdict verdict =
      judge_validity({seconds(12), 300, std::string("SM clock 1410 of 1980 MHz")}, {});
  EXPECT_FALSE(verdict.valid);
  EXPECT_EQ(verdict.text(),
            "INVALID: ran 12 s, under the minimum of 60 s; 300 queries, under the minimum of "
            "1024; clocks throttled: SM clock 1410 of 1980 MHz");
}

TEST(LoadValidity, QuickRules_AcceptAShortRun) {
  EXPECT_TRUE(judge_validity({seconds(2), 100, std::nullopt}, quick_validity_rules()).valid);
  EXPECT_FALSE(judge_validity({seconds(2), 10, std::nullopt}, quick_validity_rules()).valid);
}

TEST(LoadValidity, Percentiles_AtTheSixLevels) {
  std::vector<double> samples;
  for (int i = 1000; i >= 1; --i) samples.push_back(i);  // unsorted on purpose
  const LatencyPercentiles p = latency_percentiles(samples);
  EXPECT_DOUBLE_EQ(p.p50, 500.5);
  EXPECT_DOUBLE_EQ(p.p90, 900.1);
  EXPECT_DOUBLE_EQ(p.p99, 990.01);
  EXPECT_NEAR(p.p999, 999.001, 1e-9);
  EXPECT_THROW(latency_percentiles({}), InputError);
}

}  // namespace
}  // namespace nnbench::load
