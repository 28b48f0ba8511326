// compare_runs verdicts on synthetic samples, matching, missing variants, renderers.
#include "nnbench/report/compare.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "nnbench/core/error.hpp"
#include "nnbench/report/compare_render.hpp"
#include "nnbench/report/json_writer.hpp"
#include "report_test_support.hpp"

namespace nnbench::report {
namespace {

// 20 samples around `center` with a deterministic wiggle of +-`spread`.
std::vector<double> samples_around(double center, double spread, double phase = 0) {
  std::vector<double> samples;
  for (int i = 0; i < 20; ++i) samples.push_back(center + spread * std::sin(i * 1.3 + phase));
  return samples;
}

LoadedRun run_of(std::vector<Result> results, std::string run_id) {
  LoadedRun run;
  run.run_info = test::sample_run_info();
  run.run_info.run_id = std::move(run_id);
  run.results = std::move(results);
  return run;
}

CompareRow only_row(const LoadedRun& base, const LoadedRun& candidate,
                    const CompareOptions& options = {}) {
  const Comparison comparison = compare_runs(base, candidate, options);
  EXPECT_EQ(comparison.rows.size(), 1u);
  return comparison.rows.at(0);
}

TEST(CompareTest, SaysFaster_WhenLatencyDropsClearly) {
  const auto base = run_of({test::ok_result("mock", {}, samples_around(10, 0.1))}, "base");
  const auto fast = run_of({test::ok_result("mock", {}, samples_around(8, 0.1))}, "new");
  const CompareRow row = only_row(base, fast);
  EXPECT_EQ(row.verdict, Verdict::Faster);
  EXPECT_EQ(row.metric, "latency_ms");
  EXPECT_EQ(row.unit, "ms");
  EXPECT_NEAR(*row.ratio, 0.8, 0.01);
  EXPECT_LT(*row.p_value, 1e-5);
  EXPECT_EQ(row.base_samples, 20u);
  EXPECT_FALSE(has_significant_regression(compare_runs(base, fast)));
}

TEST(CompareTest, SaysSlowerAndFlagsRegression_WhenLatencyRisesClearly) {
  const auto base = run_of({test::ok_result("mock", {}, samples_around(10, 0.1))}, "base");
  const auto slow = run_of({test::ok_result("mock", {}, samples_around(12, 0.1))}, "new");
  const CompareRow row = only_row(base, slow);
  EXPECT_EQ(row.verdict, Verdict::Slower);
  EXPECT_NEAR(*row.ratio, 1.2, 0.01);
  EXPECT_TRUE(has_significant_regression(compare_runs(base, slow)));
}

TEST(CompareTest, SaysSame_WhenMediansDifferButNoiseMakesItInsignificant) {
  // Medians 10.16 vs 12.13 (ratio 1.19), but the samples overlap: scipy's exact p = 0.149.
  std::vector<double> base_samples, new_samples;
  for (int i = 0; i < 20; ++i) {
    base_samples.push_back(10 + 3 * std::sin(i * 1.3));
    new_samples.push_back(10.8 + 3 * std::sin(i * 2.1 + 0.4));
  }
  const auto base = run_of({test::ok_result("mock", {}, base_samples)}, "base");
  const auto noisy = run_of({test::ok_result("mock", {}, new_samples)}, "new");
  const CompareRow row = only_row(base, noisy);
  EXPECT_EQ(row.verdict, Verdict::Same);
  EXPECT_GT(*row.ratio, 1.05);
  EXPECT_NEAR(*row.p_value, 0.14928356046506644, 1e-9);
  EXPECT_FALSE(has_significant_regression(compare_runs(base, noisy)));
}

TEST(CompareTest, SaysSame_WhenChangeIsSignificantButWithinThreshold) {
  const auto base = run_of({test::ok_result("mock", {}, samples_around(10, 0.05))}, "base");
  const auto slightly = run_of({test::ok_result("mock", {}, samples_around(10.3, 0.05))}, "new");
  const CompareRow row = only_row(base, slightly);
  EXPECT_EQ(row.verdict, Verdict::Same);
  EXPECT_LT(*row.p_value, 0.05);  // significant: only the 5% threshold keeps it "same"
  EXPECT_NEAR(*row.ratio, 1.03, 0.005);
  // A tighter threshold turns the same samples into a regression.
  CompareOptions strict;
  strict.threshold = 0.01;
  EXPECT_EQ(only_row(base, slightly, strict).verdict, Verdict::Slower);
}

TEST(CompareTest, JudgesDirectionByHigherIsBetter_WhenMetricIsThroughput) {
  const auto base = run_of({test::ok_result("mock", {}, samples_around(10, 0.1))}, "base");
  const auto fast = run_of({test::ok_result("mock", {}, samples_around(8, 0.1))}, "new");
  CompareOptions options;
  options.metric = "throughput";
  const CompareRow row = only_row(base, fast, options);
  EXPECT_TRUE(row.higher_is_better);
  EXPECT_GT(*row.ratio, 1.2);  // throughput went up: that is the better direction
  EXPECT_EQ(row.verdict, Verdict::Faster);
}

TEST(CompareTest, JudgeAppliesThresholdAndAlpha_ToGivenFigures) {
  const CompareOptions options;
  EXPECT_EQ(judge(1.10, 0.01, false, options), Verdict::Slower);
  EXPECT_EQ(judge(1.10, 0.01, true, options), Verdict::Faster);
  EXPECT_EQ(judge(0.90, 0.01, false, options), Verdict::Faster);
  EXPECT_EQ(judge(1.05, 0.01, false, options), Verdict::Same);  // not beyond the threshold
  EXPECT_EQ(judge(1.10, 0.05, false, options), Verdict::Same);  // p must be below alpha
  EXPECT_EQ(judge(std::nullopt, 0.01, false, options), Verdict::Same);
  EXPECT_EQ(judge(1.50, std::nullopt, false, options), Verdict::Same);
}

TEST(CompareTest, ListsMissing_WhenVariantIsOnOneSideOrDidNotComplete) {
  const auto base =
      run_of({test::ok_result("mock", {{"batch_size", "1"}}, samples_around(10, 0.1)),
              test::ok_result("mock", {{"batch_size", "2"}}, samples_around(10, 0.1)),
              test::ok_result("mock", {{"batch_size", "4"}}, samples_around(10, 0.1))},
             "base");
  const auto candidate = run_of(
      {test::ok_result("mock", {{"batch_size", "1"}}, samples_around(10, 0.1)),
       test::status_result("mock", {{"batch_size", "4"}}, ResultStatus::Failed, "out of memory"),
       test::ok_result("mock", {{"batch_size", "8"}}, samples_around(10, 0.1))},
      "new");
  const Comparison comparison = compare_runs(base, candidate);
  ASSERT_EQ(comparison.rows.size(), 4u);
  EXPECT_EQ(comparison.rows[0].variant, "batch_size=1");
  EXPECT_EQ(comparison.rows[0].verdict, Verdict::Same);
  EXPECT_EQ(comparison.rows[1].variant, "batch_size=2");
  EXPECT_EQ(comparison.rows[1].verdict, Verdict::Missing);
  EXPECT_EQ(comparison.rows[1].note, "only in base");
  EXPECT_EQ(comparison.rows[2].verdict, Verdict::Missing);
  EXPECT_EQ(comparison.rows[2].note, "new: failed: out of memory");
  EXPECT_EQ(comparison.rows[3].variant, "batch_size=8");
  EXPECT_EQ(comparison.rows[3].note, "only in new run");
  EXPECT_FALSE(has_significant_regression(comparison));
}

TEST(CompareTest, MatchesByBenchmarkAndVariant_WhenVariantNamesRepeatAcrossBenchmarks) {
  const auto base = run_of({test::ok_result("a", {}, samples_around(10, 0.1)),
                            test::ok_result("b", {}, samples_around(10, 0.1))},
                           "base");
  const auto candidate = run_of({test::ok_result("b", {}, samples_around(20, 0.1)),
                                 test::ok_result("a", {}, samples_around(10, 0.1))},
                                "new");
  const Comparison comparison = compare_runs(base, candidate);
  ASSERT_EQ(comparison.rows.size(), 2u);
  EXPECT_EQ(comparison.rows[0].benchmark, "a");
  EXPECT_EQ(comparison.rows[0].verdict, Verdict::Same);
  EXPECT_EQ(comparison.rows[1].benchmark, "b");
  EXPECT_EQ(comparison.rows[1].verdict, Verdict::Slower);
}

TEST(CompareTest, ComparesEveryMetric_WhenMetricIsStar) {
  Result base_result = test::ok_result("mock", {}, samples_around(10, 0.1));
  base_result.metrics.push_back(test::single_metric("peak_rss_bytes", "bytes", 1000));
  const auto base = run_of({base_result}, "base");
  const auto candidate = run_of({test::ok_result("mock", {}, samples_around(10, 0.1))}, "new");
  CompareOptions options;
  options.metric = "*";
  const Comparison comparison = compare_runs(base, candidate, options);
  ASSERT_EQ(comparison.rows.size(), 3u);
  EXPECT_EQ(comparison.rows[0].metric, "latency_ms");
  EXPECT_EQ(comparison.rows[1].metric, "throughput");
  EXPECT_EQ(comparison.rows[2].metric, "peak_rss_bytes");
  EXPECT_EQ(comparison.rows[2].verdict, Verdict::Missing);
}

TEST(CompareTest, SaysSameWithNote_WhenNoRawSamplesExist) {
  Result base_result = test::ok_result("mock", {}, {1.0});
  base_result.metrics = {test::single_metric("latency_ms", "ms", 10)};
  Result new_result = base_result;
  new_result.metrics = {test::single_metric("latency_ms", "ms", 20)};
  const CompareRow row = only_row(run_of({base_result}, "b"), run_of({new_result}, "n"));
  EXPECT_EQ(row.verdict, Verdict::Same);
  EXPECT_DOUBLE_EQ(*row.ratio, 2.0);
  EXPECT_FALSE(row.p_value.has_value());
  EXPECT_NE(row.note.find("significance not tested"), std::string::npos);
}

TEST(CompareTest, ThrowsInputError_WhenOptionsAreInvalid) {
  const auto run = run_of({}, "r");
  CompareOptions options;
  options.threshold = -0.1;
  EXPECT_THROW(compare_runs(run, run, options), InputError);
  options = {};
  options.alpha = 1.5;
  EXPECT_THROW(compare_runs(run, run, options), InputError);
  options = {};
  options.metric = "";
  EXPECT_THROW(compare_runs(run, run, options), InputError);
}

TEST(CompareTest, ComparesRunsReadFromFiles_WhenWrittenByJsonWriter) {
  test::TempDir temp;
  const RunInfo info = test::sample_run_info();
  std::filesystem::create_directories(temp.path() / "base");
  std::filesystem::create_directories(temp.path() / "new");
  JsonWriter().write({test::ok_result("mock", {{"batch_size", "1"}}, samples_around(10, 0.1))},
                     info, temp.path() / "base");
  JsonWriter().write({test::ok_result("mock", {{"batch_size", "1"}}, samples_around(13, 0.1))},
                     info, temp.path() / "new");
  const Comparison comparison =
      compare_runs(read_results(temp.path() / "base"), read_results(temp.path() / "new/mock.json"));
  ASSERT_EQ(comparison.rows.size(), 1u);
  EXPECT_EQ(comparison.rows[0].verdict, Verdict::Slower);
  EXPECT_TRUE(has_significant_regression(comparison));
}

TEST(CompareRenderTest, RendersMarkdownAndTerminalTables_WithVerdictsAndTally) {
  const auto base =
      run_of({test::ok_result("mock", {{"batch_size", "1"}}, samples_around(10, 0.1)),
              test::ok_result("mock", {{"batch_size", "2"}}, samples_around(10, 0.1))},
             "base-run");
  const auto candidate =
      run_of({test::ok_result("mock", {{"batch_size", "1"}}, samples_around(12, 0.1))}, "new-run");
  const Comparison comparison = compare_runs(base, candidate);

  const std::string md = render_comparison_markdown(comparison);
  EXPECT_NE(md.find("## Comparison: base-run (base) vs new-run (new), metric latency_ms"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("| benchmark | variant | metric | base | new | ratio | change | p-value | "
                    "verdict | note |"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("| mock | batch_size=1 | latency_ms | 10.01 ms | 12.01 ms | 1.200 | +20.0% | "
                    "&lt;0.0001 | **slower** |  |"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("| missing | only in base |"), std::string::npos) << md;
  EXPECT_NE(md.find("0 faster, 1 slower, 0 same, 1 missing (threshold 5.00%, alpha 0.05)"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("**Significant regression detected.**"), std::string::npos) << md;

  const std::string terminal = render_comparison_terminal(comparison);
  EXPECT_NE(terminal.find("base base-run  vs  new new-run"), std::string::npos) << terminal;
  EXPECT_NE(terminal.find("slower"), std::string::npos) << terminal;
  EXPECT_EQ(terminal.find("**"), std::string::npos) << terminal;
  EXPECT_EQ(terminal.find('|'), std::string::npos) << terminal;
  EXPECT_NE(terminal.find("Significant regression detected."), std::string::npos) << terminal;
}

}  // namespace
}  // namespace nnbench::report
