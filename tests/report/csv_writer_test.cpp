// results.csv: columns, values from metrics and attributes, RFC 4180 quoting.
#include "nnbench/report/csv_writer.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "report_test_support.hpp"

namespace nnbench::report {
namespace {

std::size_t column(const std::string& name) {
  const auto& columns = csv_columns();
  const auto it = std::find(columns.begin(), columns.end(), name);
  EXPECT_NE(it, columns.end()) << name;
  return static_cast<std::size_t>(it - columns.begin());
}

TEST(CsvWriterTest, HeaderHasEveryRequiredColumn_InDocumentedOrder) {
  const std::vector<std::string> required = {
      "benchmark",      "model",          "framework",       "mode",           "device",
      "device_type",    "batch_size",     "dtype",           "input_shape",    "latency_p50_ms",
      "latency_p95_ms", "latency_p99_ms", "latency_mean_ms", "latency_std_ms", "latency_min_ms",
      "latency_max_ms", "throughput",     "throughput_unit", "memory_mb",      "compile_time_ms",
      "timestamp",      "git_commit",     "status",          "reason",         "memory_mib"};
  std::size_t previous = 0;
  for (const std::string& name : required) {
    const std::size_t index = column(name);
    if (name != "benchmark") {
      EXPECT_GT(index, previous) << name;
    }
    previous = index;
  }
  const auto rows = test::parse_csv(render_csv({}, test::sample_run_info()));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0], csv_columns());
}

TEST(CsvWriterTest, FillsFiguresFromMetricsAndAttributes_WhenResultIsComplete) {
  Result result = test::ok_result("resnet_inference",
                                  {{"model", "resnet18"}, {"batch_size", "8"}, {"dtype", "fp16"}},
                                  {4.0, 2.0, 3.0, 1.0, 5.0});
  result.labels["device"] = "cuda:0";
  result.labels["mode"] = "eager";
  result.labels["input_shape"] = "8x3x224x224";
  result.metrics.push_back(test::single_metric("peak_rss_bytes", "bytes", 512.0 * 1024 * 1024));
  result.metrics.push_back(test::single_metric("cuda_peak_allocated_bytes", "bytes", 3 << 20));
  result.metrics.push_back(test::single_metric("host_peak_allocated_bytes", "bytes", 5 << 19));
  result.metrics.push_back(test::single_metric("compile_time_ms", "ms", 1234.5));

  const auto rows = test::parse_csv(render_csv({result}, test::sample_run_info()));
  ASSERT_EQ(rows.size(), 2u);
  const auto& row = rows[1];
  ASSERT_EQ(row.size(), csv_columns().size());
  EXPECT_EQ(row[column("benchmark")], "resnet_inference");
  EXPECT_EQ(row[column("variant")], "model=resnet18/batch_size=8/dtype=fp16");
  EXPECT_EQ(row[column("model")], "resnet18");
  EXPECT_EQ(row[column("framework")], "libtorch");
  EXPECT_EQ(row[column("mode")], "eager");
  EXPECT_EQ(row[column("device")], "cuda:0");
  EXPECT_EQ(row[column("device_type")], "cuda");
  EXPECT_EQ(row[column("batch_size")], "8");
  EXPECT_EQ(row[column("dtype")], "fp16");
  EXPECT_EQ(row[column("input_shape")], "8x3x224x224");
  // Samples 1..5: median 3, mean 3, min 1, max 5, std sqrt(2.5); p95 = 4.8, p99 = 4.96 (type 7).
  EXPECT_EQ(row[column("latency_p50_ms")], "3");
  EXPECT_DOUBLE_EQ(std::stod(row[column("latency_p95_ms")]), 4.8);
  EXPECT_DOUBLE_EQ(std::stod(row[column("latency_p99_ms")]), 4.96);
  EXPECT_EQ(row[column("latency_mean_ms")], "3");
  EXPECT_DOUBLE_EQ(std::stod(row[column("latency_std_ms")]), std::sqrt(2.5));
  EXPECT_EQ(row[column("latency_min_ms")], "1");
  EXPECT_EQ(row[column("latency_max_ms")], "5");
  // Throughput samples 1000/ms = 1000, 500, 333.3, 250, 200: median 333.33...
  EXPECT_DOUBLE_EQ(std::stod(row[column("throughput")]), 1000.0 / 3.0);
  EXPECT_EQ(row[column("throughput_unit")], "samples/s");
  // The largest *peak_allocated_bytes wins over peak RSS: 3 MiB.
  EXPECT_EQ(row[column("memory_mib")], "3");
  EXPECT_EQ(row[column("memory_mb")], "3");  // the old name, one release
  EXPECT_EQ(row[column("compile_time_ms")], "1234.5");
  EXPECT_EQ(row[column("timestamp")], "2026-11-23T11:40:02Z");
  EXPECT_EQ(row[column("git_commit")], "abcdef0123456789abcdef0123456789abcdef01");
  EXPECT_EQ(row[column("status")], "ok");
  EXPECT_EQ(row[column("reason")], "");
}

TEST(CsvWriterTest, UsesPeakRss_WhenNoAllocatorPeakIsReported) {
  Result result = test::ok_result("mock", {}, {1.0});
  result.metrics.push_back(test::single_metric("peak_rss_bytes", "bytes", 1.5 * 1024 * 1024));
  const auto rows = test::parse_csv(render_csv({result}, test::sample_run_info()));
  EXPECT_EQ(rows[1][column("memory_mib")], "1.5");
}

TEST(CsvWriterTest, LeavesCellsEmpty_WhenFiguresAreUnknown) {
  const Result failed =
      test::status_result("mock", {{"batch_size", "2"}}, ResultStatus::Failed, "boom");
  const auto rows = test::parse_csv(render_csv({failed}, test::sample_run_info()));
  const auto& row = rows[1];
  for (const char* name : {"model", "device", "device_type", "latency_p50_ms", "latency_std_ms",
                           "throughput", "throughput_unit", "memory_mib", "compile_time_ms"}) {
    EXPECT_EQ(row[column(name)], "") << name;
  }
  EXPECT_EQ(row[column("batch_size")], "2");
  EXPECT_EQ(row[column("status")], "failed");
  EXPECT_EQ(row[column("reason")], "boom");
}

TEST(CsvWriterTest, QuotesFieldsPerRfc4180_WhenTheyHoldCommasQuotesOrLineBreaks) {
  EXPECT_EQ(csv_escape("plain"), "plain");
  EXPECT_EQ(csv_escape("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_escape("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_escape("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(csv_escape("cr\r"), "\"cr\r\"");
  EXPECT_EQ(csv_escape(""), "");

  Result failed = test::status_result("mock", {{"shape", "1,3,224,224"}}, ResultStatus::Failed,
                                      "error: \"bad\" value,\nsee log");
  failed.labels["input_shape"] = "1,3,224,224";
  const std::string text = render_csv({failed}, test::sample_run_info());
  EXPECT_NE(text.find("\"error: \"\"bad\"\" value,\nsee log\""), std::string::npos) << text;
  const auto rows = test::parse_csv(text);
  ASSERT_EQ(rows.size(), 2u);
  ASSERT_EQ(rows[1].size(), csv_columns().size());
  EXPECT_EQ(rows[1][column("reason")], "error: \"bad\" value,\nsee log");
  EXPECT_EQ(rows[1][column("input_shape")], "1,3,224,224");
  EXPECT_EQ(rows[1][column("variant")], "shape=1,3,224,224");
  EXPECT_EQ(text.substr(text.size() - 2), "\r\n");
}

TEST(CsvWriterTest, WritesResultsCsv_IntoTheDirectory) {
  test::TempDir temp;
  CsvWriter().write({test::ok_result("mock", {}, {1.0, 2.0})}, test::sample_run_info(),
                    temp.path());
  const auto rows = test::parse_csv(test::read_text(temp.path() / "results.csv"));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1][column("benchmark")], "mock");
}

}  // namespace
}  // namespace nnbench::report
