// Reading result files back: the error messages for files that are not what we expect.
#include "nnbench/report/result_reader.hpp"

#include <gtest/gtest.h>

#include "nnbench/core/error.hpp"
#include "nnbench/report/json_writer.hpp"
#include "nnbench/report/result_json.hpp"
#include "nnbench/report/summary_writer.hpp"
#include "report_test_support.hpp"

namespace nnbench::report {
namespace {

namespace fs = std::filesystem;

// Runs `read` and returns the InputError's message; fails the test when nothing is thrown.
template <typename Read>
std::string input_error_of(Read read) {
  try {
    read();
  } catch (const InputError& error) {
    return error.what();
  }
  ADD_FAILURE() << "expected InputError";
  return "";
}

ordered_json valid_file_json() {
  return benchmark_file_to_json({test::ok_result("mock", {{"batch_size", "1"}}, {1.0, 2.0})},
                                test::sample_run_info());
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(ResultReaderTest, ThrowsInputErrorNamingFile_WhenFileIsMissing) {
  test::TempDir temp;
  const fs::path file = temp.path() / "nope.json";
  const std::string message = input_error_of([&] { read_result_file(file); });
  EXPECT_TRUE(contains(message, file.string())) << message;
  EXPECT_TRUE(contains(message, "does not exist")) << message;
}

TEST(ResultReaderTest, ThrowsInputErrorNamingFile_WhenJsonIsInvalid) {
  test::TempDir temp;
  const fs::path file = temp.path() / "broken.json";
  test::write_text(file, "{\"schema_version\": 1, ");
  const std::string message = input_error_of([&] { read_result_file(file); });
  EXPECT_TRUE(contains(message, file.string())) << message;
  EXPECT_TRUE(contains(message, "not valid JSON")) << message;
}

TEST(ResultReaderTest, ThrowsInputError_WhenSchemaVersionIsMissingOrOther) {
  test::TempDir temp;
  const fs::path file = temp.path() / "r.json";
  ordered_json root = valid_file_json();
  root.erase("schema_version");
  test::write_text(file, root.dump());
  std::string message = input_error_of([&] { read_result_file(file); });
  EXPECT_TRUE(contains(message, "no schema_version")) << message;
  EXPECT_TRUE(contains(message, file.string())) << message;

  root["schema_version"] = 2;
  test::write_text(file, root.dump());
  message = input_error_of([&] { read_result_file(file); });
  EXPECT_TRUE(contains(message, "schema_version 2, expected 1")) << message;

  root["schema_version"] = "1";
  test::write_text(file, root.dump());
  message = input_error_of([&] { read_result_file(file); });
  EXPECT_TRUE(contains(message, "schema_version \"1\"")) << message;
}

TEST(ResultReaderTest, NamesJsonPathOfField_WhenAFieldIsMissingOrOfWrongType) {
  test::TempDir temp;
  const fs::path file = temp.path() / "r.json";
  ordered_json root = valid_file_json();
  root["benchmark_scenarios"][0]["measurements"]["latency_ms"].erase("unit");
  test::write_text(file, root.dump());
  std::string message = input_error_of([&] { read_result_file(file); });
  EXPECT_TRUE(contains(message, "benchmark_scenarios[0].measurements.latency_ms.unit")) << message;

  root = valid_file_json();
  root["benchmark_scenarios"][0]["provenance"]["sample_count"] = "ten";
  test::write_text(file, root.dump());
  message = input_error_of([&] { read_result_file(file); });
  EXPECT_TRUE(contains(message, "benchmark_scenarios[0].provenance.sample_count")) << message;
  EXPECT_TRUE(contains(message, "an integer")) << message;

  root = valid_file_json();
  root["benchmark_scenarios"][0]["status"] = "exploded";
  test::write_text(file, root.dump());
  message = input_error_of([&] { read_result_file(file); });
  EXPECT_TRUE(contains(message, "unknown result status 'exploded'")) << message;

  root = valid_file_json();
  root["context"].erase("cpu_model");
  test::write_text(file, root.dump());
  message = input_error_of([&] { read_result_file(file); });
  EXPECT_TRUE(contains(message, "context.cpu_model")) << message;
}

TEST(ResultReaderTest, RejectsSummaryJson_WhenPassedAsResultFile) {
  test::TempDir temp;
  const fs::path file = temp.path() / "summary.json";
  test::write_text(
      file, summary_to_json({test::ok_result("mock", {}, {1.0})}, test::sample_run_info()).dump());
  const std::string message = input_error_of([&] { read_result_file(file); });
  EXPECT_TRUE(contains(message, "not a per-benchmark result file")) << message;
}

TEST(ResultReaderTest, ReadsBenchmarkFilesOnly_WhenDirectoryHoldsSummaryAndOtherFiles) {
  test::TempDir temp;
  const RunInfo run_info = test::sample_run_info();
  const std::vector<Result> results = {test::ok_result("b_bench", {}, {1.0, 2.0}),
                                       test::ok_result("a_bench", {}, {3.0, 4.0})};
  JsonWriter().write(results, run_info, temp.path());
  SummaryWriter().write(results, run_info, temp.path());
  test::write_text(temp.path() / "results.csv", "x\r\n");
  const LoadedRun loaded = read_results(temp.path());
  ASSERT_EQ(loaded.results.size(), 2u);
  EXPECT_EQ(loaded.results[0].benchmark, "a_bench");
  EXPECT_EQ(loaded.results[1].benchmark, "b_bench");
  EXPECT_EQ(loaded.files.size(), 2u);
  EXPECT_EQ(read_results(temp.path() / "b_bench.json").results.size(), 1u);
}

TEST(ResultReaderTest, ThrowsInputError_WhenDirectoryHasNoResultFile) {
  test::TempDir temp;
  std::string message = input_error_of([&] { read_result_directory(temp.path()); });
  EXPECT_TRUE(contains(message, "holds no result file")) << message;
  message = input_error_of([&] { read_result_directory(temp.path() / "absent"); });
  EXPECT_TRUE(contains(message, "is not a directory")) << message;
}

TEST(ResultReaderTest, ThrowsInputError_WhenScenarioNameDisagreesWithVariant) {
  test::TempDir temp;
  const fs::path file = temp.path() / "r.json";
  ordered_json root = valid_file_json();
  root["benchmark_scenarios"][0]["scenario_name"] = "batch_size=2";
  test::write_text(file, root.dump());
  const std::string message = input_error_of([&] { read_result_file(file); });
  EXPECT_TRUE(contains(message, "scenario_name")) << message;
}

}  // namespace
}  // namespace nnbench::report
