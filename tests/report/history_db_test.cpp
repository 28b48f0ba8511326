// The SQLite results history: a run stored and read back field for field, all or nothing on a
// duplicate, trends, the latest-vs-previous check, files that are not a history, and two
// processes recording into one database at once.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <random>
#include <string>
#include <vector>

#include "nnbench/core/error.hpp"
#include "nnbench/report/history_check.hpp"
#include "nnbench/report/history_db.hpp"
#include "report_test_support.hpp"

namespace nnbench::report {
namespace {

using test::ok_result;
using test::sample_run_info;
using test::status_result;
using test::TempDir;

#ifdef NNBENCH_WITH_SQLITE

// Latency samples around `median_ms` (normal, 2% spread), seeded.
std::vector<double> latencies(double median_ms, unsigned seed, int count = 30) {
  std::mt19937 generator(seed);
  std::normal_distribution<double> noise(median_ms, 0.02 * median_ms);
  std::vector<double> samples;
  for (int i = 0; i < count; ++i) samples.push_back(noise(generator));
  return samples;
}

RunInfo run_named(const std::string& id, const std::string& started_at,
                  const std::string& hostname = "bench-host") {
  RunInfo info = sample_run_info();
  info.run_id = id;
  info.started_at = started_at;
  info.environment.hostname = hostname;
  return info;
}

std::vector<Result> two_variants(double small_ms, double large_ms, unsigned seed) {
  return {ok_result("mock", {{"model", "small"}}, latencies(small_ms, seed)),
          ok_result("mock", {{"model", "large"}}, latencies(large_ms, seed + 1))};
}

TEST(HistoryDb, StoresARun_AndReadsItBackFieldForField) {
  TempDir tmp;
  const RunInfo info = sample_run_info();
  std::vector<Result> results = two_variants(1.0, 5.0, 1);
  results.push_back(
      status_result("mock", {{"model", "broken"}}, ResultStatus::Failed, "setup threw: boom"));
  {
    HistoryDb history = HistoryDb::open(tmp.path() / "sub" / "history.db");
    history.record(results, info);
  }
  const HistoryDb history = HistoryDb::open(tmp.path() / "sub" / "history.db");
  const std::vector<HistoryRun> runs = history.runs();
  ASSERT_EQ(runs.size(), 1U);
  EXPECT_EQ(runs[0].run_id, info.run_id);
  EXPECT_EQ(runs[0].git_commit, info.environment.git_commit);
  EXPECT_TRUE(runs[0].git_dirty);
  EXPECT_EQ(runs[0].variants, 3U);
  EXPECT_EQ(runs[0].ok, 2U);
  EXPECT_EQ(runs[0].machine, "bench-host | Example CPU @ 3.0GHz | NVIDIA H100 80GB HBM3");

  const LoadedRun loaded = history.load(info.run_id);
  EXPECT_EQ(loaded.run_info.run_id, info.run_id);
  EXPECT_EQ(loaded.run_info.command_line, info.command_line);
  EXPECT_EQ(loaded.run_info.config, info.config);
  EXPECT_EQ(loaded.run_info.environment.cpu_model, info.environment.cpu_model);
  EXPECT_EQ(loaded.run_info.environment.software, info.environment.software);
  ASSERT_EQ(loaded.results.size(), results.size());
  for (std::size_t i = 0; i < results.size(); ++i) {
    test::expect_same_result(results[i], loaded.results[i]);  // samples included
  }
  EXPECT_THROW(history.load("no-such-run"), InputError);
}

TEST(HistoryDb, ARunStoredTwice_IsRefused_AndLeavesTheFirstIntact) {
  TempDir tmp;
  HistoryDb history = HistoryDb::open(tmp.path() / "history.db");
  history.record(two_variants(1.0, 5.0, 1), sample_run_info());
  try {
    history.record(two_variants(2.0, 6.0, 2), sample_run_info());
    ADD_FAILURE() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("stored already"), std::string::npos) << e.what();
  }
  ASSERT_EQ(history.runs().size(), 1U);
  EXPECT_EQ(history.runs()[0].variants, 2U);  // nothing of the refused run
  const LoadedRun loaded = history.load(sample_run_info().run_id);
  EXPECT_NEAR(loaded.results[0].find_metric("latency_ms")->value, 1.0, 0.05);
}

TEST(HistoryDb, TrendsFollowTheRunsInTimeOrder) {
  TempDir tmp;
  HistoryDb history = HistoryDb::open(tmp.path() / "history.db");
  // Recorded out of order; read back by start time.
  history.record(two_variants(3.0, 9.0, 3), run_named("c", "2026-12-03T10:00:00Z"));
  history.record(two_variants(1.0, 5.0, 1), run_named("a", "2026-12-01T10:00:00Z"));
  history.record({status_result("mock", {{"model", "small"}}, ResultStatus::Failed, "oom")},
                 run_named("b", "2026-12-02T10:00:00Z"));
  const std::vector<TrendPoint> trend = history.trend("mock", "model=small", "latency_ms");
  ASSERT_EQ(trend.size(), 3U);
  EXPECT_EQ(trend[0].run_id, "a");
  EXPECT_EQ(trend[1].run_id, "b");
  EXPECT_EQ(trend[1].status, "failed");
  EXPECT_FALSE(trend[1].value.has_value());
  EXPECT_EQ(trend[2].run_id, "c");
  ASSERT_TRUE(trend[0].value && trend[2].value);
  EXPECT_NEAR(*trend[0].value, 1.0, 0.05);
  EXPECT_NEAR(*trend[2].value, 3.0, 0.15);
  EXPECT_EQ(trend[0].samples, 30U);
  EXPECT_EQ(trend[0].unit, "ms");
  ASSERT_TRUE(trend[0].median_ci_low && trend[0].median_ci_high);
  EXPECT_LE(*trend[0].median_ci_low, *trend[0].value);
  EXPECT_GE(*trend[0].median_ci_high, *trend[0].value);
  EXPECT_TRUE(history.trend("mock", "model=absent", "latency_ms").empty());
}

TEST(HistoryCheck, FlagsTheVariantThatGotSlower_AgainstItsPreviousRunOnThisMachine) {
  TempDir tmp;
  HistoryDb history = HistoryDb::open(tmp.path() / "history.db");
  history.record(two_variants(1.0, 5.0, 1), run_named("r1", "2026-12-01T10:00:00Z"));
  // Another machine in between: never the baseline of this one.
  history.record(two_variants(0.1, 0.5, 9),
                 run_named("other", "2026-12-01T12:00:00Z", "elsewhere"));
  // small 40% slower, large unchanged.
  history.record(two_variants(1.4, 5.0, 2), run_named("r2", "2026-12-02T10:00:00Z"));
  const Comparison check = check_history(history, CompareOptions{});
  ASSERT_EQ(check.rows.size(), 2U);
  for (const CompareRow& row : check.rows) {
    EXPECT_NE(row.note.find("r1 -> r2"), std::string::npos) << row.note;
    if (row.variant == "model=small") {
      EXPECT_EQ(row.verdict, Verdict::Slower);
      ASSERT_TRUE(row.ratio);
      EXPECT_NEAR(*row.ratio, 1.4, 0.05);
      ASSERT_TRUE(row.p_value);
      EXPECT_LT(*row.p_value, 0.001);
    } else {
      EXPECT_EQ(row.verdict, Verdict::Same) << row.variant;
    }
  }
  EXPECT_TRUE(has_significant_regression(check));

  // A new run back at the old speed: latest (r3) against previous (r2) is faster, no regression.
  history.record(two_variants(1.0, 5.0, 3), run_named("r3", "2026-12-03T10:00:00Z"));
  const Comparison recovered = check_history(history, CompareOptions{});
  EXPECT_FALSE(has_significant_regression(recovered));
}

TEST(HistoryCheck, NothingToCompare_WithOneRunPerVariant) {
  TempDir tmp;
  HistoryDb history = HistoryDb::open(tmp.path() / "history.db");
  EXPECT_TRUE(check_history(history, CompareOptions{}).rows.empty());  // empty history
  history.record(two_variants(1.0, 5.0, 1), run_named("r1", "2026-12-01T10:00:00Z"));
  EXPECT_TRUE(check_history(history, CompareOptions{}).rows.empty());
  CompareOptions bad;
  bad.alpha = 2;
  EXPECT_THROW(check_history(history, bad), InputError);
}

TEST(HistoryDb, AFileThatIsNotAHistory_IsAnIoErrorNamingIt) {
  TempDir tmp;
  const auto garbage = tmp.path() / "garbage.db";
  test::write_text(garbage, std::string(4096, 'x'));
  try {
    HistoryDb::open(garbage);
    ADD_FAILURE() << "expected IoError";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find(garbage.string()), std::string::npos) << e.what();
  }
}

// Two processes record 50 runs each into one database at the same moment: WAL and the busy
// timeout serialise the transactions; every run arrives whole.
TEST(HistoryDb, TwoProcessesRecordingAtOnce_LoseNothing) {
  TempDir tmp;
  const auto path = tmp.path() / "history.db";
  HistoryDb::open(path);  // create the schema first, as the first run would
  constexpr int kRunsEach = 50;
  std::vector<pid_t> children;
  for (int writer = 0; writer < 2; ++writer) {
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      int status = 0;
      try {
        HistoryDb history = HistoryDb::open(path);
        for (int i = 0; i < kRunsEach; ++i) {
          const std::string id = "w" + std::to_string(writer) + "-" + std::to_string(i);
          history.record(two_variants(1.0 + i, 5.0, static_cast<unsigned>(i)),
                         run_named(id, fmt::format("2026-12-01T10:{:02}:00Z", i)));
        }
      } catch (const std::exception& e) {
        std::fprintf(stderr, "writer %d: %s\n", writer, e.what());
        status = 1;
      }
      ::_exit(status);
    }
    children.push_back(pid);
  }
  for (const pid_t pid : children) {
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "a writer failed";
  }
  const HistoryDb history = HistoryDb::open(path);
  const std::vector<HistoryRun> runs = history.runs();
  ASSERT_EQ(runs.size(), 2U * kRunsEach);
  for (const HistoryRun& run : runs) {
    EXPECT_EQ(run.variants, 2U) << run.run_id;
    EXPECT_EQ(history.load(run.run_id).results[1].metrics[0].samples.size(), 30U) << run.run_id;
  }
}

#else  // built without SQLite

TEST(HistoryDb, WithoutSQLite_OpeningIsUnavailable) {
  EXPECT_FALSE(history_supported());
  EXPECT_THROW(HistoryDb::open("history.db"), UnavailableError);
}

#endif

TEST(HistoryDb, TheMachineNamesHostCpuAndGpus) {
  Environment environment;
  environment.hostname = "h";
  environment.cpu_model = "c";
  EXPECT_EQ(machine_of(environment), "h | c | no GPU");
  environment.gpus = {{0, "A", 1, "9.0", "1"}, {1, "B", 1, "9.0", "1"}};
  EXPECT_EQ(machine_of(environment), "h | c | A, B");
}

}  // namespace
}  // namespace nnbench::report
