// summary.json: counts by status and one compact row per variant.
#include "nnbench/report/summary_writer.hpp"

#include <gtest/gtest.h>

#include "report_test_support.hpp"

namespace nnbench::report {
namespace {

TEST(SummaryWriterTest, CountsVariantsByStatus_AndListsHeadlineFigures) {
  Result ok = test::ok_result("mock", {{"batch_size", "1"}}, {1.0, 2.0, 3.0});
  ok.metrics.push_back(test::single_metric("peak_rss_bytes", "bytes", 2.0 * 1024 * 1024));
  const std::vector<Result> results = {
      ok, test::status_result("mock", {{"batch_size", "2"}}, ResultStatus::Failed, "boom"),
      test::status_result("other", {}, ResultStatus::Skipped, "not selected"),
      test::status_result("other", {{"x", "1"}}, ResultStatus::Skipped, "not selected")};
  const ordered_json summary = summary_to_json(results, test::sample_run_info());
  EXPECT_EQ(summary.at("schema_version"), 1);
  EXPECT_EQ(summary.at("run").at("run_id"), "20261123T114002Z");
  EXPECT_EQ(summary.at("counts").dump(),
            R"({"total":4,"ok":1,"failed":1,"skipped":2,"unavailable":0})");
  EXPECT_EQ(summary.at("result_files").dump(), R"(["mock.json","other.json"])");
  const ordered_json& row = summary.at("results").at(0);
  EXPECT_EQ(row.at("benchmark"), "mock");
  EXPECT_EQ(row.at("variant"), "batch_size=1");
  EXPECT_EQ(row.at("status"), "ok");
  EXPECT_EQ(row.at("latency_median_ms"), 2.0);
  EXPECT_DOUBLE_EQ(row.at("latency_p95_ms").get<double>(), 2.9);
  EXPECT_EQ(row.at("throughput"), 500.0);
  EXPECT_EQ(row.at("memory_mib"), 2.0);
  EXPECT_EQ(row.at("memory_mb"), 2.0);  // the old name, one release
  EXPECT_EQ(row.at("stop_reason"), "fixed_count");
  const ordered_json& failed = summary.at("results").at(1);
  EXPECT_EQ(failed.at("reason"), "boom");
  EXPECT_TRUE(failed.at("latency_median_ms").is_null());
  EXPECT_TRUE(failed.at("memory_mib").is_null());
}

TEST(SummaryWriterTest, WritesSummaryJson_IntoTheDirectory) {
  test::TempDir temp;
  SummaryWriter().write({test::ok_result("mock", {}, {1.0})}, test::sample_run_info(), temp.path());
  const ordered_json summary = ordered_json::parse(test::read_text(temp.path() / "summary.json"));
  EXPECT_EQ(summary.at("counts").at("ok"), 1);
  EXPECT_EQ(summary.at("environment").at("git_dirty"), true);
}

}  // namespace
}  // namespace nnbench::report
