// End to end: `nnbench run` with the mock benchmark writes every output file, and `compare`
// of two runs gives the right verdicts and exit codes.
#include <filesystem>

#include <gtest/gtest.h>

#include "cli_runner.hpp"

namespace nnbench {
namespace {

using testing::only_run_dir;
using testing::read_text;
using testing::run_command_line;
using testing::run_nnbench;
using testing::TempDir;

namespace fs = std::filesystem;

std::string mock_run(const fs::path& out, const std::string& extra = "") {
  return "run --enable-mock --include mock --quiet --iterations 30 --output-dir '" + out.string() +
         "' " + extra;
}

TEST(RunMock, WritesEveryOutputFile_AndNoPartialDirectory) {
  TempDir tmp;
  const auto r = run_nnbench(mock_run(tmp.path() / "results"), tmp.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const fs::path dir = only_run_dir(tmp.path() / "results");
  ASSERT_FALSE(dir.empty());
  for (const char* name : {"mock.json", "summary.json", "results.csv", "report.md", "run.log"}) {
    EXPECT_TRUE(fs::is_regular_file(dir / name)) << name;
  }
  for (const auto& entry : fs::directory_iterator(tmp.path() / "results")) {
    EXPECT_EQ(entry.path().filename().string().find(".partial"), std::string::npos);
  }
  const std::string csv = read_text(dir / "results.csv");
  EXPECT_NE(csv.find("benchmark,variant,model,framework,mode,device,device_type,batch_size"),
            std::string::npos);
  // 2 models x 2 modes x 2 batch sizes, plus the header.
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 9);
  EXPECT_NE(r.out.find("results: "), std::string::npos);
}

TEST(RunMock, ValidatesAgainstThePublishedSchema) {
  TempDir tmp;
  const auto r = run_nnbench(mock_run(tmp.path() / "results"), tmp.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const fs::path dir = only_run_dir(tmp.path() / "results");
  const auto v = testing::validate_result_schema(dir / "mock.json", tmp.path());
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
}

TEST(RunMock, RecordsAFailedVariant_AndExitsOne) {
  TempDir tmp;
  const auto r = run_nnbench(mock_run(tmp.path() / "results", "--option 'mock_fail=*batch_size=8'"),
                             tmp.path());
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("4 of 8 variant(s) failed"), std::string::npos) << r.err;
  const fs::path dir = only_run_dir(tmp.path() / "results");
  ASSERT_FALSE(dir.empty());
  const std::string json = read_text(dir / "mock.json");
  EXPECT_NE(json.find("mock failure requested by mock_fail"), std::string::npos);
  EXPECT_NE(json.find("\"failed\""), std::string::npos);
}

TEST(Compare, FindsNoChange_BetweenTwoRunsWithOneSeed) {
  TempDir tmp;
  ASSERT_EQ(run_nnbench(mock_run(tmp.path() / "a"), tmp.path()).exit_code, 0);
  ASSERT_EQ(run_nnbench(mock_run(tmp.path() / "b"), tmp.path()).exit_code, 0);
  const auto r =
      run_nnbench("compare '" + (only_run_dir(tmp.path() / "a") / "mock.json").string() + "' '" +
                      (only_run_dir(tmp.path() / "b") / "mock.json").string() + "'",
                  tmp.path());
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("0 faster, 0 slower, 8 same"), std::string::npos) << r.out;
}

TEST(Compare, FlagsARegression_AndExitsOne) {
  TempDir tmp;
  ASSERT_EQ(run_nnbench(mock_run(tmp.path() / "a"), tmp.path()).exit_code, 0);
  ASSERT_EQ(
      run_nnbench(mock_run(tmp.path() / "b", "--option mock_scale=1.5"), tmp.path()).exit_code, 0);
  const fs::path base = only_run_dir(tmp.path() / "a"), slow = only_run_dir(tmp.path() / "b");
  auto r = run_nnbench("compare '" + base.string() + "' '" + slow.string() + "' --format markdown",
                       tmp.path());
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("slower"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("| "), std::string::npos) << r.out;
  // The other way round it is an improvement: exit 0.
  r = run_nnbench("compare '" + slow.string() + "' '" + base.string() + "'", tmp.path());
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("faster"), std::string::npos) << r.out;
}

TEST(List, ShowsBenchmarksWithTheirAxes) {
  TempDir tmp;
  const auto r = run_nnbench("list", tmp.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("mock  (needs --enable-mock)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("mlp_inference"), std::string::npos);
  EXPECT_NE(r.out.find("--axis batch_size=1,8,32  [int >= 1]"), std::string::npos) << r.out;
}

TEST(RunConfigFile, AppliesItsSettings_AndFlagsOverrideThem) {
  TempDir tmp;
  {
    std::ofstream yaml(tmp.path() / "suite.yaml");
    yaml << "benchmarks: [mock]\nenable_mock: true\niterations: 12\naxes:\n  batch_size: [4]\n"
         << "  mode: [eager]\noutput_dir: " << (tmp.path() / "from_yaml").string() << "\n";
  }
  auto r = run_nnbench(
      "run --quiet --config '" + (tmp.path() / "suite.yaml").string() + "' --dry-run", tmp.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "mock model=mock_small/mode=eager/batch_size=4\nmock "
            "model=mock_large/mode=eager/batch_size=4\n");
  r = run_nnbench(
      "run --quiet --config '" + (tmp.path() / "suite.yaml").string() + "' --iterations 7",
      tmp.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const fs::path dir = only_run_dir(tmp.path() / "from_yaml");
  ASSERT_FALSE(dir.empty());
  EXPECT_NE(read_text(dir / "mock.json").find("\"sample_count\": 7"), std::string::npos);
}

}  // namespace
}  // namespace nnbench

namespace nnbench {
namespace {

TEST(RunMockConsole, ColorAlways_ColoursTheLog_NeverAndNoColorDoNot) {
  testing::TempDir tmp;
  const std::string run =
      "run --enable-mock --include mock --iterations 2 --warmup 0 --output-dir '" +
      (tmp.path() / "results").string() + "' ";
  const auto always = testing::run_nnbench(run + "--color always", tmp.path());
  ASSERT_EQ(always.exit_code, 0) << always.err;
  EXPECT_NE(always.err.find("\x1b["), std::string::npos) << always.err;
  const auto never = testing::run_nnbench(run + "--color never", tmp.path());
  ASSERT_EQ(never.exit_code, 0) << never.err;
  EXPECT_EQ(never.err.find("\x1b["), std::string::npos) << never.err;
  const auto bad = testing::run_nnbench(run + "--color sometimes", tmp.path());
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("auto, always or never"), std::string::npos) << bad.err;
}

TEST(RunMockConsole, LogLevelError_HidesInfoLines_AndBadLevelIsExit2) {
  testing::TempDir tmp;
  const std::string run =
      "run --enable-mock --include mock --iterations 2 --warmup 0 --output-dir '" +
      (tmp.path() / "results").string() + "' ";
  const auto info = testing::run_nnbench(run, tmp.path());
  ASSERT_EQ(info.exit_code, 0) << info.err;
  EXPECT_NE(info.err.find("info: run "), std::string::npos) << info.err;
  const auto quiet = testing::run_nnbench(run + "--log-level ERROR", tmp.path());
  ASSERT_EQ(quiet.exit_code, 0) << quiet.err;
  EXPECT_EQ(quiet.err.find("info: run "), std::string::npos) << quiet.err;
  EXPECT_EQ(testing::run_nnbench(run + "--log-level loud", tmp.path()).exit_code, 2);
}

}  // namespace
}  // namespace nnbench
