// Bad input: one clear error line naming the problem, exit code 2, and no result directory.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "cli_runner.hpp"

namespace nnbench {
namespace {

using testing::run_nnbench;
using testing::TempDir;
namespace fs = std::filesystem;

struct BadInputCase {
  std::string args;
  std::string expected_error;  // the whole stderr line
};

void expect_rejected(const TempDir& tmp, const std::string& args, const std::string& expected) {
  const auto r =
      run_nnbench(args + " --output-dir '" + (tmp.path() / "out").string() + "'", tmp.path());
  EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.err;
  EXPECT_EQ(r.err, expected + "\n") << args;
  EXPECT_FALSE(fs::exists(tmp.path() / "out") && !fs::is_empty(tmp.path() / "out")) << args;
}

TEST(BadInput, UnknownBenchmark_NamesItAndSuggests) {
  TempDir tmp;
  const auto r = run_nnbench(
      "run --include mlp_inferense --output-dir '" + (tmp.path() / "out").string() + "'",
      tmp.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(
      r.err.rfind("nnbench: error: --include 'mlp_inferense' matches no benchmark; did you mean "
                  "'mlp_inference'? (known: ",
                  0),
      0u)
      << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_FALSE(fs::exists(tmp.path() / "out"));
}

TEST(BadInput, BadAxisValue_NamesAxisAndValue) {
  TempDir tmp;
  expect_rejected(
      tmp, "run --enable-mock --include mock --axis batch_size=eight",
      "nnbench: error: benchmark 'mock': axis 'batch_size': value 'eight' is not an integer");
  expect_rejected(
      tmp, "run --enable-mock --include mock --axis mode=turbo",
      "nnbench: error: benchmark 'mock': axis 'mode': value 'turbo' is not allowed; expected "
      "one of: eager, graph, compiled, kernelized");
  expect_rejected(
      tmp, "run --enable-mock --include mock --axis batchsize=1",
      "nnbench: error: --axis 'batchsize': no selected benchmark has this axis; did you mean "
      "'batch_size'? (axes: batch_size, mode, model)");
}

TEST(BadInput, MockWithoutEnableMock_SaysWhatIsMissing) {
  TempDir tmp;
  expect_rejected(
      tmp, "run --include mock",
      "nnbench: error: benchmark 'mock' is a test benchmark and runs only with --enable-mock");
}

TEST(BadInput, UnknownOption_IsOneLine) {
  TempDir tmp;
  const auto r = run_nnbench("run --warmpu 3", tmp.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_NE(r.err.find("--warmpu"), std::string::npos) << r.err;
}

TEST(BadInput, MalformedYaml_NamesFileAndLine) {
  TempDir tmp;
  const fs::path yaml = tmp.path() / "bad.yaml";
  std::ofstream(yaml) << "benchmarks: [mock\niterations: 3\n";
  const auto r = run_nnbench("run --config '" + yaml.string() + "'", tmp.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err.rfind("nnbench: error: " + yaml.string() + ":", 0), 0u) << r.err;
  EXPECT_NE(r.err.find("malformed YAML"), std::string::npos) << r.err;
}

TEST(BadInput, UnknownYamlKey_SuggestsTheNearestKey) {
  TempDir tmp;
  const fs::path yaml = tmp.path() / "typo.yaml";
  std::ofstream(yaml) << "benchmarks: [mock]\niteratons: 3\n";
  const auto r = run_nnbench("run --config '" + yaml.string() + "'", tmp.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(yaml.string() + ":2:1: unknown key 'iteratons'; did you mean 'iterations'?"),
            std::string::npos)
      << r.err;
}

TEST(BadInput, WrongYamlType_NamesTheKey) {
  TempDir tmp;
  const fs::path yaml = tmp.path() / "type.yaml";
  std::ofstream(yaml) << "iterations: many\n";
  const auto r = run_nnbench("run --config '" + yaml.string() + "'", tmp.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "nnbench: error: " + yaml.string() +
                       ":1:13: iterations 'many': expected an integer from 1 to 100000000\n");
}

TEST(BadInput, MissingConfigFile_IsNamed) {
  TempDir tmp;
  const auto r = run_nnbench("run --config /nonexistent/suite.yaml", tmp.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(
      r.err,
      "nnbench: error: config file '/nonexistent/suite.yaml' does not exist or is not a file\n");
}

TEST(BadInput, UnwritableOutputDirectory_FailsBeforeRunning) {
  TempDir tmp;
  const fs::path blocker = tmp.path() / "a_file";
  std::ofstream(blocker) << "not a directory";
  const auto r = run_nnbench(
      "run --enable-mock --include mock --output-dir '" + (blocker / "results").string() + "'",
      tmp.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_NE(r.err.find((blocker / "results").string()), std::string::npos) << r.err;
}

TEST(BadInput, BadMeasurementSetting_IsNamed) {
  TempDir tmp;
  expect_rejected(tmp, "run --enable-mock --include mock --iterations 0",
                  "nnbench: error: --iterations '0': expected an integer from 1 to 100000000");
}

TEST(BadInput, CompareOfMissingFile_IsNamed) {
  TempDir tmp;
  const auto r = run_nnbench("compare /nonexistent/a.json /nonexistent/b.json", tmp.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_NE(r.err.find("/nonexistent/a.json"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace nnbench
