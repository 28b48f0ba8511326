// The report layer on Results that core's runner really produces (not hand-built ones): a small
// run through run_variant, written with every writer into an atomic output directory, validated
// against the schema, read back and compared with itself.
#include <gtest/gtest.h>

#include <stdexcept>

#include "nnbench/core/benchmark.hpp"
#include "nnbench/core/environment.hpp"
#include "nnbench/core/runner.hpp"
#include "nnbench/report/compare.hpp"
#include "nnbench/report/output_directory.hpp"
#include "nnbench/report/result_reader.hpp"
#include "nnbench/report/writer.hpp"
#include "report_test_support.hpp"

namespace nnbench::report {
namespace {

namespace fs = std::filesystem;

class SumBench final : public Benchmark {
 public:
  std::string description() const override { return "sums a small array"; }
  std::vector<Axis> axes() const override { return {int_axis("size", {64, 256})}; }
  void setup(State& state) override {
    values_.assign(static_cast<std::size_t>(std::stoll(state.variant().at("size"))), 1.5);
    state.set_items_per_iteration(static_cast<double>(values_.size()), "elements");
    state.set_label("model", "sum");
  }
  void run_once(State&) override {
    double sum = 0;
    for (double v : values_) sum += v;
    sink_ = sum;
  }

 private:
  std::vector<double> values_;
  volatile double sink_ = 0;
};

class ThrowingBench final : public Benchmark {
 public:
  std::string description() const override { return "fails in run_once"; }
  std::vector<Axis> axes() const override { return {}; }
  void run_once(State&) override { throw std::runtime_error("kernel launch failed"); }
};

std::vector<Result> run_small_suite() {
  RunConfig config;
  config.measurement.warmup_iterations = 1;
  config.measurement.iterations = 8;
  std::vector<Result> results;
  SumBench sum;
  for (const Variant& variant : expand_variants(sum.axes(), {})) {
    results.push_back(run_variant(sum, "sum", variant, config));
  }
  ThrowingBench throwing;
  results.push_back(run_variant(throwing, "throwing", Variant{}, config));
  return results;
}

RunInfo real_run_info() {
  RunInfo info;
  info.run_id = utc_timestamp_compact();
  info.started_at = utc_timestamp_iso8601();
  info.finished_at = utc_timestamp_iso8601();
  info.command_line = {"nnbench_report_tests"};
  info.config = {{"device", "cpu"}, {"seed", "42"}, {"sampling_mode", "fixed"}};
  info.config_hash = fnv1a_hex("test");
  info.environment = capture_environment();
  return info;
}

TEST(PipelineTest, WritesValidFilesAndReadsThemBack_WhenResultsComeFromTheRunner) {
  const std::vector<Result> results = run_small_suite();
  ASSERT_EQ(results.size(), 3u);
  ASSERT_EQ(results[0].status, ResultStatus::Ok) << results[0].reason;
  ASSERT_EQ(results[2].status, ResultStatus::Failed);

  test::TempDir temp;
  const RunInfo run_info = real_run_info();
  OutputDirectory out(temp.path(), run_info.run_id);
  write_all(results, run_info, out.path());
  const fs::path run_dir = out.commit();

  std::string output;
  EXPECT_EQ(
      test::validate_against_schema({run_dir / "sum.json", run_dir / "throwing.json"}, output), 0)
      << output;

  const LoadedRun loaded = read_results(run_dir);
  ASSERT_EQ(loaded.results.size(), results.size());
  for (std::size_t i = 0; i < results.size(); ++i) {
    test::expect_same_result(results[i], loaded.results[i]);
  }
  EXPECT_EQ(loaded.run_info.environment.cpu_model, run_info.environment.cpu_model);

  const Comparison self = compare_runs(loaded, loaded);
  ASSERT_EQ(self.rows.size(), 3u);
  EXPECT_EQ(self.rows[0].verdict, Verdict::Same);
  EXPECT_DOUBLE_EQ(*self.rows[0].ratio, 1.0);
  EXPECT_EQ(self.rows[2].verdict, Verdict::Missing);  // failed on both sides
  EXPECT_FALSE(has_significant_regression(self));

  for (const char* name : {"summary.json", "results.csv", "report.md"}) {
    EXPECT_TRUE(fs::is_regular_file(run_dir / name)) << name;
  }
  const std::string csv = test::read_text(run_dir / "results.csv");
  EXPECT_NE(csv.find("sum,size=64,sum,"), std::string::npos) << csv;
  EXPECT_NE(csv.find("elements/s"), std::string::npos) << csv;
  EXPECT_NE(csv.find("kernel launch failed"), std::string::npos) << csv;
}

}  // namespace
}  // namespace nnbench::report
