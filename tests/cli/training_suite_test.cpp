// End to end: the dsl_vs_native training suite on small data, and its bad-input paths.
#include <filesystem>

#include <gtest/gtest.h>

#include "cli_runner.hpp"

namespace nnbench {
namespace {

namespace fs = std::filesystem;
using testing::only_run_dir;
using testing::read_text;
using testing::run_nnbench;
using testing::TempDir;

TEST(DslVsNative, TrainsBothImplementationsInterleaved_AndComparesThem) {
  TempDir tmp;
  const auto r = run_nnbench(
      "run --include dsl_vs_native --axis model=simple_mlp --quick --threads 1 --option "
      "data=synthetic "
      "--option train_limit=1024 --option test_limit=256 --option epochs=2 --quiet --output-dir '" +
          (tmp.path() / "out").string() + "'",
      tmp.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const fs::path dir = only_run_dir(tmp.path() / "out");
  ASSERT_FALSE(dir.empty());
  const std::string csv = read_text(dir / "results.csv");
  // dsl, native, then the derived comparison row, in that order.
  const auto dsl = csv.find("model=simple_mlp/repetition=1/implementation=dsl");
  const auto native = csv.find("model=simple_mlp/repetition=1/implementation=native");
  const auto derived = csv.find("model=simple_mlp/repetition=1/implementation=dsl_vs_native");
  ASSERT_NE(dsl, std::string::npos) << csv;
  ASSERT_NE(native, std::string::npos);
  ASSERT_NE(derived, std::string::npos);
  EXPECT_LT(dsl, native);
  EXPECT_LT(native, derived);
  const std::string json = read_text(dir / "dsl_vs_native.json");
  for (const char* metric :
       {"\"test_accuracy\"", "\"validation_accuracy\"", "\"parse_time_ms\"", "\"build_time_ms\"",
        "\"parameter_count\"", "\"test_accuracy_diff\"", "\"equivalent\"", "\"sample_count\": 2"}) {
    EXPECT_NE(json.find(metric), std::string::npos) << metric;
  }
  // Same seed, same initial weights, same dropout draws: the two train identically.
  EXPECT_NE(json.find("\"verdict\": \"equivalent"), std::string::npos);
  EXPECT_NE(read_text(dir / "report.md").find("synthetic"), std::string::npos);
  EXPECT_NE(
      read_text(dir / "report.md").find("| metric | dsl | native | difference | difference % |"),
      std::string::npos);
  const auto v = testing::validate_result_schema(dir / "dsl_vs_native.json", tmp.path());
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
}

TEST(DslVsNative, AcceptsTheSeedsSpellings) {
  TempDir tmp;
  auto r = run_nnbench(
      "run --suite dsl-vs-native --models simple_mlp,cnn --epochs 10 --backends torch --dry-run",
      tmp.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "dsl_vs_native model=simple_mlp/repetition=1/implementation=dsl/backend=torch\n"
            "dsl_vs_native model=simple_mlp/repetition=1/implementation=native/backend=torch\n"
            "dsl_vs_native model=cnn/repetition=1/implementation=dsl/backend=torch\n"
            "dsl_vs_native model=cnn/repetition=1/implementation=native/backend=torch\n");
  r = run_nnbench("run --suite dsl-vs-native --backends tensorflow --dry-run", tmp.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "nnbench: error: --backends 'tensorflow': expected one of torch, pytorch, "
            "pytorch-compile, jax, keras, aot, aot+graph, onnxruntime\n");
  // dsl_vs_native trains in LibTorch only: another framework is refused, naming where it runs.
  r = run_nnbench("run --suite dsl-vs-native --backends pytorch --dry-run", tmp.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(
      r.err,
      "nnbench: error: benchmark 'dsl_vs_native': axis 'backend': value 'pytorch' is not "
      "allowed; expected one of: torch (backend=pytorch runs in: cross_framework, user_model)\n");
  r = run_nnbench("run --suite dsl-vs-native --epochs -1 --dry-run", tmp.path());
  EXPECT_EQ(r.exit_code, 2);
}

TEST(DslVsNative, AlternatesWhichSideRunsFirst_ByRepetition) {
  TempDir tmp;
  const auto r = run_nnbench(
      "run --suite dsl-vs-native --models cnn --axis repetition=1,2,3 --dry-run", tmp.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "dsl_vs_native model=cnn/repetition=1/implementation=dsl\n"
            "dsl_vs_native model=cnn/repetition=1/implementation=native\n"
            "dsl_vs_native model=cnn/repetition=2/implementation=native\n"
            "dsl_vs_native model=cnn/repetition=2/implementation=dsl\n"
            "dsl_vs_native model=cnn/repetition=3/implementation=dsl\n"
            "dsl_vs_native model=cnn/repetition=3/implementation=native\n");
}

TEST(DslVsNative, MissingDataSet_IsOneLineAndExitTwo) {
  TempDir tmp;
  const auto r = run_nnbench(
      "run --include dsl_vs_native --quick --option data=/nonexistent/mnist --output-dir '" +
          (tmp.path() / "out").string() + "'",
      tmp.path());
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("nnbench: error: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("/nonexistent/mnist"), std::string::npos) << r.err;
  EXPECT_TRUE(!fs::exists(tmp.path() / "out") || fs::is_empty(tmp.path() / "out"));
}

}  // namespace
}  // namespace nnbench
