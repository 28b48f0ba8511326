// End to end: the dsl_vs_native training suite on small data, in LibTorch and (needing `make
// setup-frameworks` for keras: skipped without it, failed in CI) in PyTorch's and Keras's own
// runtimes, and its bad-input paths.
#include <filesystem>
#include <map>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "../python_run.hpp"
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

// The seed's central experiment: for each of PyTorch and Keras, the language's emitted code and
// the hand-written model train in that framework's worker process on the same data, and each
// backend gets its own comparison row and verdict.
TEST(DslVsNative, PytorchAndKeras_TrainBothImplementationsInTheirWorkers_ComparedPerBackend) {
  NNBENCH_REQUIRE_PYTHON_MODULES("torch, keras");
  TempDir tmp;
  const auto r = run_nnbench(
      "run --include dsl_vs_native --axis model=simple_mlp --backends pytorch,keras --quick "
      "--option train_limit=640 --option test_limit=256 --option epochs=1 --quiet --no-history "
      "--output-dir '" +
          (tmp.path() / "out").string() + "'",
      tmp.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const fs::path dir = only_run_dir(tmp.path() / "out");
  const auto json = nlohmann::json::parse(read_text(dir / "dsl_vs_native.json"));
  std::map<std::string, nlohmann::json> by_name;
  for (const auto& s : json["benchmark_scenarios"]) {
    by_name[s["variant"]["implementation"].get<std::string>() + "/" +
            s["variant"]["backend"].get<std::string>()] = s;
  }
  ASSERT_EQ(by_name.size(), 6U) << json.dump(1);
  for (const char* backend : {"pytorch", "keras"}) {
    for (const char* implementation : {"dsl", "native"}) {
      const auto& s = by_name.at(std::string(implementation) + "/" + backend);
      ASSERT_EQ(s["status"], "ok") << implementation << "/" << backend << ": " << s["reason"];
      const auto& m = s["measurements"];
      EXPECT_EQ(m["latency_ms"]["count"].get<int>(), 1) << "one epoch";
      EXPECT_GT(m["latency_ms"]["value"].get<double>(), 0.0);
      EXPECT_EQ(m["parameter_count"]["value"].get<double>(), 101770.0);
      EXPECT_GT(m["test_accuracy"]["value"].get<double>(), 0.3) << "better than chance (0.1)";
      for (const char* metric : {"test_loss", "train_loss", "validation_accuracy", "peak_rss_bytes",
                                 "rss_delta_bytes", "build_time_ms", "throughput"}) {
        EXPECT_TRUE(m.contains(metric)) << implementation << "/" << backend << ": " << metric;
      }
      // The worker's memory (a Python process with its framework), not nnbench's.
      EXPECT_GT(m["peak_rss_bytes"]["value"].get<double>(), 100e6);
      EXPECT_EQ(s["labels"]["framework"].get<std::string>().rfind(backend, 0), 0U);
      EXPECT_NE(s["provenance"]["timer_kind"].get<std::string>().find("worker process"),
                std::string::npos);
    }
    const auto& row = by_name.at(std::string("dsl_vs_native/") + backend);
    ASSERT_EQ(row["status"], "ok");
    for (const char* metric :
         {"latency_ms_dsl", "latency_ms_native", "latency_ms_diff_pct", "test_accuracy_diff",
          "test_loss_diff", "peak_rss_bytes_diff_pct", "equivalent"}) {
      EXPECT_TRUE(row["measurements"].contains(metric)) << backend << ": " << metric;
    }
    EXPECT_NE(row["labels"]["verdict"].get<std::string>().find("equivalent"), std::string::npos);
  }
  // PyTorch: the same seed draws the same initial parameters and dropout masks on both sides,
  // and the data come in the same order: the two train identically.
  EXPECT_EQ(by_name.at("dsl_vs_native/pytorch")["measurements"]["test_accuracy_diff"]["value"],
            0.0);
  EXPECT_EQ(by_name.at("dsl_vs_native/pytorch")["measurements"]["equivalent"]["value"], 1.0);
}

TEST(DslVsNative, RunsEachBackendsPairTogether_AlternatingTheFirstSide) {
  TempDir tmp;
  const auto r = run_nnbench(
      "run --suite dsl-vs-native --models cnn --backends torch,pytorch,keras "
      "--axis repetition=1,2 --dry-run",
      tmp.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "dsl_vs_native model=cnn/repetition=1/implementation=dsl/backend=torch\n"
            "dsl_vs_native model=cnn/repetition=1/implementation=native/backend=torch\n"
            "dsl_vs_native model=cnn/repetition=1/implementation=dsl/backend=pytorch\n"
            "dsl_vs_native model=cnn/repetition=1/implementation=native/backend=pytorch\n"
            "dsl_vs_native model=cnn/repetition=1/implementation=dsl/backend=keras\n"
            "dsl_vs_native model=cnn/repetition=1/implementation=native/backend=keras\n"
            "dsl_vs_native model=cnn/repetition=2/implementation=native/backend=torch\n"
            "dsl_vs_native model=cnn/repetition=2/implementation=dsl/backend=torch\n"
            "dsl_vs_native model=cnn/repetition=2/implementation=native/backend=pytorch\n"
            "dsl_vs_native model=cnn/repetition=2/implementation=dsl/backend=pytorch\n"
            "dsl_vs_native model=cnn/repetition=2/implementation=native/backend=keras\n"
            "dsl_vs_native model=cnn/repetition=2/implementation=dsl/backend=keras\n");
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
  // The seed's `tensorflow` is Keras 3 on TensorFlow, which dsl_vs_native trains in.
  r = run_nnbench("run --suite dsl-vs-native --models simple_mlp --backends tensorflow --dry-run",
                  tmp.path());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "dsl_vs_native model=simple_mlp/repetition=1/implementation=dsl/backend=keras\n"
            "dsl_vs_native model=simple_mlp/repetition=1/implementation=native/backend=keras\n");
  r = run_nnbench("run --suite dsl-vs-native --backends mxnet --dry-run", tmp.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "nnbench: error: --backends 'mxnet': expected one of torch, pytorch, "
            "pytorch-compile, jax, keras, aot, aot+graph, onnxruntime\n");
  // dsl_vs_native trains in LibTorch, PyTorch and Keras: another framework is refused, naming
  // where it runs.
  r = run_nnbench("run --suite dsl-vs-native --backends jax --dry-run", tmp.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "nnbench: error: benchmark 'dsl_vs_native': axis 'backend': value 'jax' is not "
            "allowed; expected one of: torch, pytorch, keras (backend=jax runs in: "
            "cross_framework)\n");
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
