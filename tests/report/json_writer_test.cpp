// The per-benchmark JSON file: layout, round trip, non-finite numbers, file names.
#include "nnbench/report/json_writer.hpp"

#include <gtest/gtest.h>

#include <limits>

#include "nnbench/report/result_json.hpp"
#include "nnbench/report/result_reader.hpp"
#include "report_test_support.hpp"

namespace nnbench::report {
namespace {

namespace fs = std::filesystem;

std::vector<Result> mixed_results() {
  Result fast = test::ok_result("resnet_inference", {{"batch_size", "1"}, {"dtype", "fp32"}},
                                {2.5, 2.25, 2.75, 2.4, 2.6, 3.9, 2.45});
  fast.labels["model"] = "resnet18";
  fast.metrics.push_back(test::single_metric("peak_rss_bytes", "bytes", 123456789));
  fast.metrics.push_back(test::single_metric("compile_time_ms", "ms", 812.5));
  Result batch8 = test::ok_result("resnet_inference", {{"batch_size", "8"}, {"dtype", "fp32"}},
                                  {9.5, 9.25, 9.75, 10.1});
  batch8.labels["model"] = "resnet18";
  Result oom = test::status_result("resnet_inference", {{"batch_size", "64"}, {"dtype", "fp32"}},
                                   ResultStatus::Failed, "CUDA out of memory, \"tried\" 2 GiB");
  oom.labels["model"] = "resnet18";
  Result skipped = test::status_result("mock", {}, ResultStatus::Skipped, "needs --enable-mock");
  Result no_gpu = test::status_result("mock", {{"device", "cuda"}}, ResultStatus::Unavailable,
                                      "no CUDA device");
  return {fast, batch8, oom, skipped, no_gpu};
}

TEST(JsonWriterTest, RoundTripsResultsAndRunInfo_WhenWrittenAndReadBack) {
  test::TempDir temp;
  const std::vector<Result> results = mixed_results();
  const RunInfo run_info = test::sample_run_info();
  JsonWriter().write(results, run_info, temp.path());

  const LoadedRun loaded = read_result_directory(temp.path());
  ASSERT_EQ(loaded.results.size(), results.size());
  // Files are read in name order: mock.json before resnet_inference.json.
  const std::vector<Result> expected = {results[3], results[4], results[0], results[1], results[2]};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    test::expect_same_result(expected[i], loaded.results[i]);
  }
  const RunInfo& r = loaded.run_info;
  EXPECT_EQ(r.run_id, run_info.run_id);
  EXPECT_EQ(r.started_at, run_info.started_at);
  EXPECT_EQ(r.finished_at, run_info.finished_at);
  EXPECT_EQ(r.command_line, run_info.command_line);
  EXPECT_EQ(r.config, run_info.config);
  EXPECT_EQ(r.config_hash, run_info.config_hash);
  const Environment &e = run_info.environment, &l = r.environment;
  EXPECT_EQ(l.hostname, e.hostname);
  EXPECT_EQ(l.cpu_model, e.cpu_model);
  EXPECT_EQ(l.logical_cores, e.logical_cores);
  EXPECT_EQ(l.physical_cores, e.physical_cores);
  EXPECT_EQ(l.memory_total_bytes, e.memory_total_bytes);
  ASSERT_EQ(l.caches.size(), e.caches.size());
  EXPECT_EQ(l.caches[1].type, "Unified");
  EXPECT_EQ(l.caches[1].size_bytes, 2 << 20);
  EXPECT_EQ(l.os, e.os);
  EXPECT_EQ(l.kernel, e.kernel);
  EXPECT_EQ(l.arch, e.arch);
  EXPECT_EQ(l.compiler, e.compiler);
  EXPECT_EQ(l.cxx_flags, e.cxx_flags);
  EXPECT_EQ(l.build_type, e.build_type);
  EXPECT_EQ(l.debug_build, e.debug_build);
  EXPECT_EQ(l.nnbench_version, e.nnbench_version);
  EXPECT_EQ(l.git_commit, e.git_commit);
  EXPECT_EQ(l.git_dirty, e.git_dirty);
  EXPECT_EQ(l.load_average_1m, e.load_average_1m);
  EXPECT_EQ(l.software, e.software);
  EXPECT_EQ(l.threads, e.threads);
  ASSERT_EQ(l.gpus.size(), 1u);
  EXPECT_EQ(l.gpus[0].name, e.gpus[0].name);
  EXPECT_EQ(l.gpus[0].memory_total_bytes, e.gpus[0].memory_total_bytes);
  EXPECT_EQ(l.gpus[0].compute_capability, "9.0");
  EXPECT_EQ(l.gpus[0].driver_version, "580.65");
}

TEST(JsonWriterTest, WritesSeedLayout_WithModelNameScenariosMetadataAndMeasurements) {
  test::TempDir temp;
  JsonWriter().write(mixed_results(), test::sample_run_info(), temp.path());
  const ordered_json root =
      ordered_json::parse(test::read_text(temp.path() / "resnet_inference.json"));
  EXPECT_EQ(root.at("schema_version"), 1);
  EXPECT_EQ(root.at("model_name"), "resnet18");
  EXPECT_EQ(root.at("benchmark"), "resnet_inference");
  EXPECT_EQ(root.at("context").at("cpu_model"), "Example CPU @ 3.0GHz");
  const ordered_json& scenario = root.at("benchmark_scenarios").at(0);
  EXPECT_EQ(scenario.at("scenario_name"), "batch_size=1/dtype=fp32");
  EXPECT_EQ(scenario.at("variant").dump(), R"({"batch_size":"1","dtype":"fp32"})");
  const ordered_json& metadata = scenario.at("metadata");
  EXPECT_EQ(metadata.at("timestamp"), "2026-11-23T11:40:02Z");
  EXPECT_EQ(metadata.at("commit_id"), "abcdef0123456789abcdef0123456789abcdef01");
  EXPECT_EQ(metadata.at("hardware_info").at("cores"), 16);
  EXPECT_EQ(metadata.at("hardware_info").at("gpus").at(0), "NVIDIA H100 80GB HBM3");
  EXPECT_EQ(metadata.at("config").at("warmup_iterations"), 3);
  EXPECT_EQ(metadata.at("config").at("sampling_mode"), "fixed");
  const ordered_json& latency = scenario.at("measurements").at("latency_ms");
  EXPECT_EQ(latency.at("unit"), "ms");
  EXPECT_EQ(latency.at("median"), 2.5);
  EXPECT_EQ(latency.at("value"), 2.5);
  EXPECT_EQ(latency.at("count"), 7);
  EXPECT_EQ(latency.at("samples").size(), 7u);
  EXPECT_EQ(latency.at("higher_is_better"), false);
  EXPECT_EQ(scenario.at("measurements").at("throughput").at("higher_is_better"), true);
  // Single figures carry no statistics.
  EXPECT_FALSE(scenario.at("measurements").at("peak_rss_bytes").contains("count"));
  const ordered_json& failed = root.at("benchmark_scenarios").at(2);
  EXPECT_EQ(failed.at("status"), "failed");
  EXPECT_EQ(failed.at("reason"), "CUDA out of memory, \"tried\" 2 GiB");
  EXPECT_TRUE(failed.at("measurements").empty());
}

TEST(JsonWriterTest, WritesNullAndReadsBackNaN_WhenFiguresAreNotFinite) {
  test::TempDir temp;
  Result result = test::ok_result("mock", {}, {1.0, 2.0, 3.0});
  result.metrics.push_back(
      test::single_metric("ratio", "x", std::numeric_limits<double>::infinity()));
  result.metrics.push_back(
      test::single_metric("bad", "x", std::numeric_limits<double>::quiet_NaN()));
  result.provenance.achieved_rse = std::numeric_limits<double>::infinity();
  JsonWriter().write({result}, test::sample_run_info(), temp.path());

  const std::string text = test::read_text(temp.path() / "mock.json");
  for (const char* literal : {"NaN", "Infinity", ": nan", ": inf", ": -inf"}) {
    EXPECT_EQ(text.find(literal), std::string::npos) << literal;
  }
  const ordered_json root = ordered_json::parse(text);  // valid JSON
  const ordered_json& scenario = root.at("benchmark_scenarios").at(0);
  EXPECT_TRUE(scenario.at("measurements").at("ratio").at("value").is_null());
  EXPECT_TRUE(scenario.at("provenance").at("achieved_rse").is_null());

  const LoadedRun loaded = read_result_file(temp.path() / "mock.json");
  EXPECT_TRUE(std::isnan(loaded.results.at(0).find_metric("ratio")->value));
  EXPECT_TRUE(std::isnan(loaded.results.at(0).find_metric("bad")->value));
  EXPECT_EQ(json_number(1.5), 1.5);
  EXPECT_TRUE(json_number(-std::numeric_limits<double>::infinity()).is_null());
}

TEST(JsonWriterTest, UsesBenchmarkName_WhenVariantsDisagreeOnModelOrHaveNone) {
  Result a = test::ok_result("zoo", {{"model", "mlp"}}, {1.0});
  Result b = test::ok_result("zoo", {{"model", "cnn"}}, {1.0});
  EXPECT_EQ(model_name_of({a, b}), "zoo");
  EXPECT_EQ(model_name_of({a}), "mlp");
  EXPECT_EQ(model_name_of({test::ok_result("plain", {}, {1.0})}), "plain");
}

TEST(JsonWriterTest, ThrowsLogicError_WhenAResultReportsAMetricTwice) {
  Result result = test::ok_result("mock", {}, {1.0, 2.0});
  result.metrics.push_back(result.metrics.front());
  EXPECT_THROW(variant_record_to_json(result, test::sample_run_info()), std::logic_error);
}

TEST(ResultFileNameTest, ReplacesUnsafeCharacters_AndAvoidsSummaryAndHiddenNames) {
  EXPECT_EQ(result_file_name("resnet_inference"), "resnet_inference.json");
  EXPECT_EQ(result_file_name("matmul/large fp16"), "matmul_large_fp16.json");
  EXPECT_EQ(result_file_name("summary"), "summary.benchmark.json");
  EXPECT_EQ(result_file_name(".hidden"), "_hidden.json");
  EXPECT_EQ(result_file_name(""), "unnamed.json");
}

TEST(GroupByBenchmarkTest, KeepsOrderOfFirstAppearance_WhenBenchmarksInterleave) {
  const auto groups =
      group_by_benchmark({test::ok_result("b", {}, {1.0}), test::ok_result("a", {}, {1.0}),
                          test::ok_result("b", {{"x", "2"}}, {1.0})});
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].size(), 2u);
  EXPECT_EQ(groups[0][0].benchmark, "b");
  EXPECT_EQ(groups[1][0].benchmark, "a");
}

}  // namespace
}  // namespace nnbench::report
