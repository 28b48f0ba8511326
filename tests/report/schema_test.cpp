// Written result files validate against docs/result.schema.json (checked by the jsonschema
// package through tests/report/validate_schema.py), and broken files do not.
#include <gtest/gtest.h>

#include <functional>
#include <limits>
#include <string>

#include "nnbench/report/json_writer.hpp"
#include "nnbench/report/result_json.hpp"
#include "report_test_support.hpp"

namespace nnbench::report {
namespace {

namespace fs = std::filesystem;

int validate(const fs::path& file, std::string& output) {
  return test::validate_against_schema({file}, output);
}

std::vector<Result> varied_results() {
  Result ok = test::ok_result("schema_check", {{"model", "mlp"}, {"batch_size", "4"}},
                              {1.5, 1.25, 1.75, 1.4, 9.0, 1.3, 1.6, 1.45, 1.55, 1.35});
  ok.labels["device"] = "cpu";
  ok.metrics.push_back(test::single_metric("peak_rss_bytes", "bytes", 104857600));
  ok.metrics.push_back(test::single_metric("cuda_peak_allocated_bytes", "bytes", 0));
  ok.metrics.push_back(test::single_metric("compile_time_ms", "ms", 12.5));
  ok.metrics.push_back(
      test::single_metric("speedup", "x", std::numeric_limits<double>::infinity()));
  ok.provenance.sampling_mode = "adaptive";
  ok.provenance.stop_reason = "noise_target";
  ok.provenance.achieved_rse = std::numeric_limits<double>::quiet_NaN();
  Result failed = test::status_result("schema_check", {{"model", "mlp"}, {"batch_size", "64"}},
                                      ResultStatus::Failed, "std::bad_alloc");
  Result skipped = test::status_result("schema_check", {{"model", "cnn"}, {"batch_size", "4"}},
                                       ResultStatus::Skipped, "stopped by Ctrl-C");
  skipped.started_at = "";
  Result unavailable = test::status_result("schema_check", {{"model", "cnn"}, {"batch_size", "64"}},
                                           ResultStatus::Unavailable, "no CUDA device");
  return {ok, failed, skipped, unavailable};
}

class SchemaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    JsonWriter().write(varied_results(), test::sample_run_info(), temp_.path());
    file_ = temp_.path() / "schema_check.json";
    document_ = ordered_json::parse(test::read_text(file_));
  }

  // Writes a modified copy of the valid file and returns the validator's exit status.
  int validate_modified(const std::function<void(ordered_json&)>& modify, std::string& output) {
    ordered_json broken = document_;
    modify(broken);
    const fs::path path = temp_.path() / "broken.json";
    test::write_text(path, broken.dump(2));
    return validate(path, output);
  }

  test::TempDir temp_;
  fs::path file_;
  ordered_json document_;
};

TEST_F(SchemaTest, AcceptsWrittenFile_WithEveryStatusAndNonFiniteFigures) {
  std::string output;
  EXPECT_EQ(validate(file_, output), 0) << output;
}

TEST_F(SchemaTest, AcceptsFile_WithEmptyEnvironment) {
  RunInfo bare;  // what a machine where nothing could be detected produces
  JsonWriter().write({test::ok_result("bare", {}, {1.0})}, bare, temp_.path());
  std::string output;
  EXPECT_EQ(validate(temp_.path() / "bare.json", output), 0) << output;
}

TEST_F(SchemaTest, RejectsFile_WhenARequiredFieldIsMissing) {
  std::string output;
  EXPECT_EQ(validate_modified([](ordered_json& j) { j.erase("schema_version"); }, output), 1);
  EXPECT_NE(output.find("'schema_version' is a required property"), std::string::npos) << output;
  EXPECT_EQ(validate_modified(
                [](ordered_json& j) {
                  j["benchmark_scenarios"][0]["measurements"]["latency_ms"].erase("unit");
                },
                output),
            1);
  EXPECT_EQ(
      validate_modified(
          [](ordered_json& j) { j["benchmark_scenarios"][0]["provenance"].erase("stop_reason"); },
          output),
      1);
  // Statistics come all together or not at all.
  EXPECT_EQ(validate_modified(
                [](ordered_json& j) {
                  j["benchmark_scenarios"][0]["measurements"]["latency_ms"].erase("p99");
                },
                output),
            1);
}

TEST_F(SchemaTest, RejectsFile_WhenAFieldHasTheWrongTypeOrValue) {
  std::string output;
  EXPECT_EQ(validate_modified([](ordered_json& j) { j["schema_version"] = 2; }, output), 1);
  EXPECT_EQ(validate_modified(
                [](ordered_json& j) {
                  j["benchmark_scenarios"][0]["measurements"]["latency_ms"]["median"] = "1.5";
                },
                output),
            1);
  EXPECT_NE(output.find("'1.5' is not of type 'number', 'null'"), std::string::npos) << output;
  EXPECT_EQ(validate_modified(
                [](ordered_json& j) { j["benchmark_scenarios"][1]["status"] = "crashed"; }, output),
            1);
  EXPECT_EQ(validate_modified([](ordered_json& j) { j["context"]["logical_cores"] = -1; }, output),
            1);
  EXPECT_EQ(validate_modified([](ordered_json& j) { j["run"]["unexpected"] = true; }, output), 1);
  // A failed variant must say why.
  EXPECT_EQ(validate_modified([](ordered_json& j) { j["benchmark_scenarios"][1]["reason"] = ""; },
                              output),
            1);
}

TEST_F(SchemaTest, RejectsFile_WhenItHoldsNonJsonNaNLiteral) {
  std::string text = test::read_text(file_);
  const std::string needle = "\"speedup\": {\n          \"value\": null";
  const std::size_t at = text.find(needle);
  ASSERT_NE(at, std::string::npos) << text;
  text.replace(at, needle.size(), "\"speedup\": {\n          \"value\": NaN");
  const fs::path path = temp_.path() / "nan.json";
  test::write_text(path, text);
  std::string output;
  EXPECT_EQ(validate(path, output), 2) << output;
}

}  // namespace
}  // namespace nnbench::report
