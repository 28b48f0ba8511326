// What a run records, under pressure (issue 27): run ids unique across output directories, a
// shared history that keeps every run, a history read without being written, a file that is not
// a history left alone, the variant count capped before expansion, arguments that are not UTF-8.
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

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
  return "run --enable-mock --include mock --axis model=mock_small --axis mode=eager --iterations "
         "3 --quiet --output-dir '" +
         out.string() + "' " + extra;
}

TEST(RunRecords, ConcurrentRunsIntoTwoDirectories_AllReachOneSharedHistory) {
  TempDir tmp;
  const std::string db = (tmp.path() / "shared.db").string();
  std::vector<std::thread> runs;
  std::vector<int> codes(8, -1);
  for (int i = 0; i < 8; ++i) {
    runs.emplace_back([&, i] {
      const fs::path scratch = tmp.path() / ("scratch" + std::to_string(i));
      fs::create_directories(scratch);
      codes[i] =
          run_nnbench(mock_run(tmp.path() / (i % 2 ? "a" : "b"), "--history '" + db + "'"), scratch)
              .exit_code;
    });
  }
  for (std::thread& run : runs) run.join();
  for (int i = 0; i < 8; ++i) EXPECT_EQ(codes[i], 0) << "run " << i;
  const auto history = run_nnbench("history --db '" + db + "'", tmp.path());
  ASSERT_EQ(history.exit_code, 0) << history.err;
  EXPECT_EQ(history.out.rfind("8 run(s) in ", 0), 0u) << history.out;
}

TEST(RunRecords, RunIds_CarryARandomSuffix) {
  TempDir tmp;
  ASSERT_EQ(run_nnbench(mock_run(tmp.path() / "out", "--no-history"), tmp.path()).exit_code, 0);
  const std::string id = only_run_dir(tmp.path() / "out").filename().string();
  // 20261207T184251Z-3fa9c1
  ASSERT_EQ(id.size(), 23u) << id;
  EXPECT_EQ(id[15], 'Z');
  EXPECT_EQ(id[16], '-');
}

TEST(RunRecords, AHistoryThatCannotBeWritten_IsStillRead) {
  if (::geteuid() == 0) GTEST_SKIP() << "root writes through file permissions";
  TempDir tmp;
  const fs::path out = tmp.path() / "out";
  ASSERT_EQ(run_nnbench(mock_run(out), tmp.path()).exit_code, 0);
  fs::permissions(out / "history.db", fs::perms::owner_read, fs::perm_options::replace);
  fs::permissions(out, fs::perms::owner_read | fs::perms::owner_exec, fs::perm_options::replace);
  const auto history =
      run_nnbench("history --db '" + (out / "history.db").string() + "'", tmp.path());
  fs::permissions(out, fs::perms::owner_all, fs::perm_options::replace);
  EXPECT_EQ(history.exit_code, 0) << history.err;
  EXPECT_EQ(history.out.rfind("1 run(s) in ", 0), 0u) << history.out;
}

TEST(RunRecords, ReadingTheHistory_NeverWritesIt) {
  TempDir tmp;
  const fs::path out = tmp.path() / "out";
  ASSERT_EQ(run_nnbench(mock_run(out), tmp.path()).exit_code, 0);
  const fs::path db = out / "history.db";
  const auto before = fs::last_write_time(db);
  const auto size = fs::file_size(db);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_EQ(run_nnbench("history --db '" + db.string() + "'", tmp.path()).exit_code, 0);
  EXPECT_EQ(fs::last_write_time(db), before);
  EXPECT_EQ(fs::file_size(db), size);
}

TEST(RunRecords, AFileThatIsNotAHistory_IsLeftAlone) {
  TempDir tmp;
  const fs::path other = tmp.path() / "other.db";
  const auto made =
      run_command_line("python3 -c \"import sqlite3; c = sqlite3.connect('" + other.string() +
                           "'); c.execute('create table notes (x text)'); c.commit()\"",
                       tmp.path());
  ASSERT_EQ(made.exit_code, 0) << made.err;
  const auto size = fs::file_size(other);
  const auto r =
      run_nnbench(mock_run(tmp.path() / "out", "--history '" + other.string() + "'"), tmp.path());
  EXPECT_EQ(r.exit_code, 1) << r.err;  // the results are complete; the history refused them
  EXPECT_NE(r.err.find("is not an nnbench history"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--import"), std::string::npos) << r.err;
  EXPECT_FALSE(only_run_dir(tmp.path() / "out").empty());
  EXPECT_EQ(fs::file_size(other), size);
  const fs::path text = tmp.path() / "notes.txt";
  std::ofstream(text) << "not a database at all\n";
  const auto listed = run_nnbench("history --db '" + text.string() + "'", tmp.path());
  EXPECT_EQ(listed.exit_code, 2);
  EXPECT_EQ(std::count(listed.err.begin(), listed.err.end(), '\n'), 1) << listed.err;
  EXPECT_EQ(read_text(text), "not a database at all\n");
}

TEST(RunRecords, TheVariantCount_IsCheckedBeforeTheVariantsAreMade) {
  TempDir tmp;
  const fs::path model = tmp.path() / "deep.nn";
  std::ofstream file(model);
  file << "network Deep {\n  input: (8)\n  layers:\n";
  for (int layer = 0; layer < 30; ++layer) file << "    Dense(HPO(choice(4, 8, 16)), \"relu\")\n";
  file << "    Output(2, \"softmax\")\n  loss: \"sparse_categorical_crossentropy\"\n"
          "  optimizer: Adam(learning_rate=0.001)\n}\n";
  file.close();
  const auto start = std::chrono::steady_clock::now();
  const auto r = run_nnbench(
      "run --include nn_model --models '" + model.string() + "' --axis batch_size=1 --dry-run",
      tmp.path());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("the run would measure 205891132094649 variants"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("over the limit of 10000"), std::string::npos) << r.err;
  const auto raised =
      run_nnbench("run --enable-mock --include mock --max-variants 4 --dry-run", tmp.path());
  EXPECT_EQ(raised.exit_code, 2);
  EXPECT_NE(raised.err.find("the run would measure 8 variants"), std::string::npos) << raised.err;
  EXPECT_EQ(run_nnbench("run --enable-mock --include mock --max-variants 8 --dry-run", tmp.path())
                .exit_code,
            0);
}

TEST(RunRecords, BytesThatAreNotUtf8_AreRecordedEscaped_NotFatal) {
  TempDir tmp;
  const fs::path model = tmp.path() / "net\xff.nn";
  fs::copy_file(fs::path(NNBENCH_SOURCE_DIR) / "models" / "simple_mlp.nn", model);
  const fs::path out = tmp.path() / "out\xfe";
  const auto r = run_nnbench("run --include nn_model --models '" + model.string() +
                                 "' --axis batch_size=1 --iterations 3 --quiet --output-dir '" +
                                 out.string() + "'",
                             tmp.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const fs::path run = only_run_dir(out);
  ASSERT_FALSE(run.empty());
  const std::string text = read_text(run / "nn_model.json");
  const auto json = nlohmann::json::parse(text);  // valid UTF-8, or this throws
  EXPECT_NE(text.find("net\\\\xff.nn"), std::string::npos);
  EXPECT_EQ(json.at("benchmark_scenarios").at(0).at("status"), "ok");
}

}  // namespace
}  // namespace nnbench
