// End to end: `nnbench run` records into <output-dir>/history.db, `nnbench history` lists the
// runs and shows a variant's trend, and `--check` exits 1 when the latest run of a variant is
// significantly slower than its previous one.
#include <filesystem>
#include <regex>

#include <gtest/gtest.h>

#include "cli_runner.hpp"
#include "nnbench/report/history_db.hpp"

namespace nnbench {
namespace {

using testing::run_nnbench;
using testing::TempDir;

namespace fs = std::filesystem;

std::string mock_run(const fs::path& out, const std::string& extra = "") {
  return "run --enable-mock --include mock --quiet --iterations 30 --axis model=mock_small "
         "--axis batch_size=1 --output-dir '" +
         out.string() + "' " + extra;
}

class HistoryCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!report::history_supported()) GTEST_SKIP() << "built without SQLite";
  }
  TempDir tmp_;
  fs::path out() const { return tmp_.path() / "results"; }
  std::string db_flag() const { return " --db '" + (out() / "history.db").string() + "'"; }
};

TEST_F(HistoryCommand, RunsAreRecorded_ListedAndChecked) {
  auto r = run_nnbench(mock_run(out()), tmp_.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("history: "), std::string::npos) << r.out;
  ASSERT_TRUE(fs::is_regular_file(out() / "history.db"));

  r = run_nnbench("history --check" + db_flag(), tmp_.path());
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("nothing to check"), std::string::npos) << r.out;

  // The same variants 60% slower.
  r = run_nnbench(mock_run(out(), "--option mock_scale=1.6"), tmp_.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;

  r = run_nnbench("history" + db_flag(), tmp_.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("2 run(s)"), std::string::npos) << r.out;

  r = run_nnbench(
      "history --benchmark mock --variant model=mock_small/mode=eager/batch_size=1" + db_flag(),
      tmp_.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // The second run against the first: about +60%.
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(\+(5[5-9]|6[0-5])\.\d%)"))) << r.out;

  r = run_nnbench("history --check" + db_flag(), tmp_.path());
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("slower"), std::string::npos) << r.out;
}

TEST_F(HistoryCommand, NoHistoryFlag_WritesNoDatabase_AndAMissingOneIsNamed) {
  const auto r = run_nnbench(mock_run(out(), "--no-history"), tmp_.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(fs::exists(out() / "history.db"));
  const auto missing = run_nnbench("history" + db_flag(), tmp_.path());
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("history.db does not exist"), std::string::npos) << missing.err;
}

TEST_F(HistoryCommand, AVariantWithoutItsBenchmark_OrUnknown_IsBadInput) {
  ASSERT_EQ(run_nnbench(mock_run(out()), tmp_.path()).exit_code, 0);
  auto r = run_nnbench("history --variant model=mock_small" + db_flag(), tmp_.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--benchmark"), std::string::npos) << r.err;
  r = run_nnbench("history --benchmark mock --variant nope" + db_flag(), tmp_.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("nope"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace nnbench
