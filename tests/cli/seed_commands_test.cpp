// The seeds' documented command lines (docs/seed-compatibility.md), run by the nnbench binary as
// their documents write them, in a fresh directory as a user would, and the seeds' own reading
// code run on what they wrote. The commands that need a GPU (Llama generation) are left to the
// GPU machine.
#include <filesystem>
#include <regex>

#include <gtest/gtest.h>

#include "cli_runner.hpp"

namespace nnbench {
namespace {

using testing::read_text;
using testing::run_command_line;
using testing::TempDir;
namespace fs = std::filesystem;

// `nnbench ARGS` run in `dir` (the seeds write relative to the working directory).
testing::CommandResult nnbench_in(const fs::path& dir, const std::string& args) {
  return run_command_line("cd '" + dir.string() + "' && '" + NNBENCH_BINARY + "' " + args, dir);
}

// A seed's Python snippet (tests/data/seeds/NAME) run in `dir`, matplotlib off screen.
testing::CommandResult snippet_in(const fs::path& dir, const std::string& name,
                                  const std::string& args = "") {
  return run_command_line("cd '" + dir.string() + "' && MPLBACKEND=Agg '" + NNBENCH_PYTHON_EXE +
                              "' '" + NNBENCH_TEST_DATA_DIR + "/seeds/" + name + "' " + args,
                          dir);
}

// The one file in `dir` whose name matches `pattern`; empty when none or several.
fs::path only_file(const fs::path& dir, const std::string& pattern) {
  fs::path found;
  if (!fs::is_directory(dir)) return found;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (!std::regex_match(entry.path().filename().string(), std::regex(pattern))) continue;
    if (!found.empty()) return {};
    found = entry.path();
  }
  return found;
}

TEST(SeedCommands, Project594_GuideCommand_CsvAndItsAnalysisSnippets) {
  TempDir tmp;
  // docs/benchmarking.md, "Verification", as written after `python bench/runner.py`.
  const auto r = nnbench_in(tmp.path(),
                            "run --compat 594project --framework pytorch --model resnet50 "
                            "--batch-sizes 1 4 --iterations 10 --warmup 3");
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  const fs::path csv =
      only_file(tmp.path() / "results" / "raw", R"(benchmark_results_\d{8}_\d{6}\.csv)");
  ASSERT_FALSE(csv.empty()) << r.out;
  const std::string text = read_text(csv);
  EXPECT_EQ(text.rfind("framework,model,device,device_type,batch_size,input_shape,dtype,"
                       "latency_p50_ms,latency_p95_ms,latency_p99_ms,latency_mean_ms,",
                       0),
            0u)
      << text;
  EXPECT_NE(text.find("\npytorch,resnet50,cpu,cpu,1,"), std::string::npos) << text;
  EXPECT_NE(text.find("\npytorch,resnet50,cpu,cpu,4,"), std::string::npos) << text;
  // The guide's snippets read results/raw/benchmark_results_20250101_120000.csv: the same file.
  fs::copy_file(csv, tmp.path() / "results" / "raw" / "benchmark_results_20250101_120000.csv");
  const auto filter = snippet_in(tmp.path(), "594project_filter.py");
  ASSERT_EQ(filter.exit_code, 0) << filter.err << filter.out;
  EXPECT_NE(filter.out.find("rows: 2"), std::string::npos) << filter.out;
  EXPECT_NE(filter.out.find("compilation_time_ms column: True"), std::string::npos);
  const auto analysis = snippet_in(tmp.path(), "594project_analysis.py");
  EXPECT_EQ(analysis.exit_code, 0) << analysis.err << analysis.out;
  // What the run did is in nnbench's record: the seed spellings and their translation.
  const fs::path run_dir = testing::only_run_dir(tmp.path() / "results" / "raw");
  ASSERT_FALSE(run_dir.empty());
  const std::string json = read_text(run_dir / "cross_framework.json");
  EXPECT_NE(json.find("--framework pytorch -> --backends pytorch"), std::string::npos);
  EXPECT_NE(json.find("\"device_requested\": \"auto\""), std::string::npos);
}

TEST(SeedCommands, FrameworkV2_MockCommand_WritesTheReadmeLayout) {
  TempDir tmp;
  // README, "Mock Benchmark": "Test framework with fast settings", as written.
  const auto r = nnbench_in(tmp.path(),
                            "run --compat framework-v2 --include mock_benchmark --enable-mock "
                            "--warmup-iterations 1 --measurement-iterations 2 "
                            "--num-tokens-to-generate 10");
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  const auto read = snippet_in(tmp.path(), "framework_v2_read.py");
  ASSERT_EQ(read.exit_code, 0) << read.err << read.out;
  // Two mock models, the seed's three modes, two batch sizes.
  EXPECT_NE(read.out.find("scenarios read: 12"), std::string::npos) << read.out;
  EXPECT_NE(read.out.find("tokens/sec"), std::string::npos);
  EXPECT_NE(read.out.find(" kernelized "), std::string::npos);
  EXPECT_TRUE(fs::is_directory(tmp.path() / "benchmark_results" / "mock_small"));
}

TEST(SeedCommands, NeuralLayers_BothScripts_WriteReportsAndPlots) {
  TempDir tmp;
  // README: `python benchmarks/benchmark_inference.py`, then `benchmark_memory.py`.
  const auto inference =
      nnbench_in(tmp.path(), "run --compat neurallayers --include benchmark_inference");
  ASSERT_EQ(inference.exit_code, 0) << inference.err << inference.out;
  const auto memory =
      nnbench_in(tmp.path(), "run --compat neurallayers --include benchmark_memory");
  ASSERT_EQ(memory.exit_code, 0) << memory.err << memory.out;
  const fs::path out = tmp.path() / "benchmark_results";
  // `cat benchmark_results/BENCHMARK_REPORT.md` and MEMORY_REPORT.md
  EXPECT_NE(read_text(out / "BENCHMARK_REPORT.md").find("mlp_inference"), std::string::npos);
  EXPECT_NE(read_text(out / "MEMORY_REPORT.md").find("memory"), std::string::npos);
  for (const char* plot : {"throughput_benchmark.png", "model_size_benchmark.png",
                           "memory_comparison.png", "training_memory_breakdown.png"}) {
    EXPECT_GT(fs::exists(out / plot) ? fs::file_size(out / plot) : 0u, 1000u) << plot;
  }
}

TEST(SeedCommands, NeuralDsl_QuickReport_WritesTheComparisonReport) {
  TempDir tmp;
  // docs/benchmarks.md: `run_benchmarks.py --quick --report`, on one model and a few hundred
  // images so that CI can afford it (the full command's table is in docs/benchmarks.md).
  const auto r = nnbench_in(tmp.path(),
                            "run --compat neural-dsl --quick --report --models simple_mlp "
                            "--option train_limit=640 --option test_limit=256 --epochs 1");
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  // `cat benchmark_results/benchmark_report.md`
  const std::string report = read_text(tmp.path() / "benchmark_results" / "benchmark_report.md");
  for (const char* backend : {"backend=pytorch", "backend=keras"}) {
    EXPECT_NE(report.find(backend), std::string::npos) << backend << "\n" << report;
  }
  EXPECT_NE(report.find("equivalent"), std::string::npos) << report;
  EXPECT_FALSE(fs::exists(tmp.path() / "benchmark_results" / "benchmark_results.json"))
      << "--json was not given";
}

TEST(SeedCommands, SeedOnlyFlag_WithoutItsSwitch_IsExit2NamingTheSwitch) {
  TempDir tmp;
  const auto r = nnbench_in(tmp.path(), "run --quick --report");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--compat neural-dsl"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(tmp.path() / "results"));
}

}  // namespace
}  // namespace nnbench
