// Golden files for the human- and tool-facing outputs (tests/data/report/): any change of
// report.md, results.csv, summary.json or the compare tables shows up as a diff to review.
// To accept an intended change: NNBENCH_UPDATE_GOLDEN=1 build/.../nnbench_report_tests, then
// look at `git diff tests/data/report`.
#include <gtest/gtest.h>

#include <cstdlib>

#include "nnbench/report/compare.hpp"
#include "nnbench/report/compare_render.hpp"
#include "nnbench/report/csv_writer.hpp"
#include "nnbench/report/markdown_writer.hpp"
#include "nnbench/report/summary_writer.hpp"
#include "report_test_support.hpp"

namespace nnbench::report {
namespace {

namespace fs = std::filesystem;

void expect_matches_golden(const std::string& actual, const std::string& name) {
  const fs::path golden = fs::path(NNBENCH_TEST_DATA_DIR) / "report" / name;
  if (std::getenv("NNBENCH_UPDATE_GOLDEN") != nullptr) {
    test::write_text(golden, actual);
    return;
  }
  ASSERT_TRUE(fs::is_regular_file(golden))
      << golden << " missing; run with NNBENCH_UPDATE_GOLDEN=1";
  EXPECT_EQ(test::read_text(golden), actual) << "output differs from " << golden;
}

std::vector<Result> golden_results() {
  Result small = test::ok_result("resnet_inference",
                                 {{"model", "resnet18"}, {"batch_size", "1"}, {"dtype", "fp32"}},
                                 {2.5, 2.25, 2.75, 2.4, 2.6, 3.9, 2.45, 2.55, 2.35, 2.65});
  small.labels["mode"] = "eager";
  small.metrics.push_back(test::single_metric("peak_rss_bytes", "bytes", 300.0 * 1024 * 1024));
  small.metrics.push_back(test::single_metric("compile_time_ms", "ms", 0));
  Result large = test::ok_result("resnet_inference",
                                 {{"model", "resnet18"}, {"batch_size", "8"}, {"dtype", "fp32"}},
                                 {9.5, 9.25, 9.75, 10.1, 9.6, 9.4});
  large.labels["mode"] = "eager";
  Result oom = test::status_result("resnet_inference",
                                   {{"model", "resnet18"}, {"batch_size", "64"}, {"dtype", "fp32"}},
                                   ResultStatus::Failed, "out of memory, \"allocating\" 4 GiB");
  Result mock = test::ok_result("mock", {}, {0.125, 0.13, 0.12});
  Result no_gpu = test::status_result("mock", {{"device", "cuda"}}, ResultStatus::Unavailable,
                                      "no CUDA device");
  return {small, large, oom, mock, no_gpu};
}

TEST(GoldenTest, ReportMarkdownMatchesGoldenFile_ForFixedResults) {
  expect_matches_golden(render_markdown_report(golden_results(), test::sample_run_info()),
                        "report.golden.md");
}

TEST(GoldenTest, ResultsCsvMatchesGoldenFile_ForFixedResults) {
  expect_matches_golden(render_csv(golden_results(), test::sample_run_info()),
                        "results.golden.csv");
}

TEST(GoldenTest, SummaryJsonMatchesGoldenFile_ForFixedResults) {
  expect_matches_golden(summary_to_json(golden_results(), test::sample_run_info()).dump(2) + "\n",
                        "summary.golden.json");
}

TEST(GoldenTest, ComparisonTablesMatchGoldenFiles_ForFixedRuns) {
  LoadedRun base, candidate;
  base.run_info = candidate.run_info = test::sample_run_info();
  base.run_info.run_id = "20261123T114002Z";
  candidate.run_info.run_id = "20261124T090000Z";
  base.results = golden_results();
  candidate.results = golden_results();
  // Batch 8 got 15% slower, the mock 20% faster; batch 64 now fits in memory.
  for (double& ms : candidate.results[1].metrics[0].samples) ms *= 1.15;
  for (double& ms : candidate.results[3].metrics[0].samples) ms *= 0.8;
  candidate.results[2] = test::ok_result(
      "resnet_inference", {{"model", "resnet18"}, {"batch_size", "64"}, {"dtype", "fp32"}},
      {70.0, 71.0, 69.5});
  for (Result* result : {&candidate.results[1], &candidate.results[3]}) {
    Metric& latency = result->metrics[0];
    latency.statistics = compute_statistics(latency.samples);
    latency.value = latency.statistics->median;
  }
  const Comparison comparison = compare_runs(base, candidate);
  expect_matches_golden(render_comparison_markdown(comparison), "compare.golden.md");
  expect_matches_golden(render_comparison_terminal(comparison), "compare.golden.txt");
}

}  // namespace
}  // namespace nnbench::report
