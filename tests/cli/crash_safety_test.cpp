// Results survive faults (issue 27): a killed run keeps every finished variant and --resume
// finishes it; --isolate turns a crashing variant into a failed row; SIGHUP stops a run like
// SIGTERM; a second Ctrl-C stops at once; history --import records a finished directory.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
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
using testing::run_nnbench;
using testing::TempDir;
namespace fs = std::filesystem;

// Starts nnbench with `arguments` (no shell), standard output and error into files of `scratch`.
pid_t start_nnbench(const std::vector<std::string>& arguments, const fs::path& scratch) {
  const pid_t pid = fork();
  if (pid == 0) {
    const int out = ::open((scratch / "bg.out").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int err = ::open((scratch / "bg.err").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(out, STDOUT_FILENO);
    ::dup2(err, STDERR_FILENO);
    std::vector<char*> argv{const_cast<char*>(NNBENCH_BINARY)};
    for (const std::string& argument : arguments)
      argv.push_back(const_cast<char*>(argument.c_str()));
    argv.push_back(nullptr);
    ::execv(NNBENCH_BINARY, argv.data());
    ::_exit(127);
  }
  return pid;
}

int wait_exit_code(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// The single `.<id>.partial` directory under `root`, or empty.
fs::path partial_dir(const fs::path& root) {
  fs::path found;
  std::error_code ignored;
  for (const auto& entry : fs::directory_iterator(root, ignored)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with(".") && name.ends_with(".partial")) found = entry.path();
  }
  return found;
}

std::size_t journal_lines(const fs::path& partial) {
  const std::string text = read_text(partial / ".journal" / "results.jsonl");
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

// Waits until the run under `root` has journaled `lines` variants (at most 60 s).
fs::path wait_for_journal(const fs::path& root, std::size_t lines) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    const fs::path partial = partial_dir(root);
    if (!partial.empty() && journal_lines(partial) >= lines) return partial;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return {};
}

// 8 variants of about 0.3 s each.
std::vector<std::string> slow_mock(const fs::path& out) {
  return {"run",     "--enable-mock", "--include", "mock",     "--iterations",
          "3",       "--warmup",      "0",         "--option", "mock_sleep_ms=100",
          "--quiet", "--output-dir",  out.string()};
}

TEST(CrashSafety, AKilledRunKeepsItsFinishedVariants_AndResumeFinishesIt) {
  TempDir tmp;
  const fs::path out = tmp.path() / "out";
  const pid_t pid = start_nnbench(slow_mock(out), tmp.path());
  const fs::path partial = wait_for_journal(out, 3);
  ASSERT_FALSE(partial.empty()) << read_text(tmp.path() / "bg.err");
  ::kill(pid, SIGKILL);  // as the OOM killer would
  EXPECT_EQ(wait_exit_code(pid), 128 + SIGKILL);
  const std::size_t kept = journal_lines(partial);
  EXPECT_GE(kept, 3u);
  EXPECT_TRUE(only_run_dir(out).empty()) << "a killed run must not look finished";

  const auto resumed = run_nnbench("run --resume '" + partial.string() + "'", tmp.path());
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_NE(resumed.err.find("resumed: " + std::to_string(kept) + " of 8 variant(s) finished"),
            std::string::npos)
      << resumed.err;
  const fs::path run = only_run_dir(out);
  ASSERT_FALSE(run.empty());
  EXPECT_FALSE(fs::exists(partial));
  EXPECT_FALSE(fs::exists(run / ".journal"));
  const auto mock = nlohmann::json::parse(read_text(run / "mock.json"));
  EXPECT_EQ(mock.at("benchmark_scenarios").size(), 8u);
  for (const auto& record : mock.at("benchmark_scenarios")) EXPECT_EQ(record.at("status"), "ok");
  EXPECT_EQ(mock.at("run").at("run_id"), run.filename().string());
  const auto history =
      run_nnbench("history --db '" + (out / "history.db").string() + "'", tmp.path());
  EXPECT_NE(history.out.find(run.filename().string()), std::string::npos) << history.out;
}

TEST(CrashSafety, ResumeRefusesOtherSettingsAndAFinishedRun) {
  TempDir tmp;
  const auto other = run_nnbench("run --resume /nonexistent/.x.partial --seed 3", tmp.path());
  EXPECT_EQ(other.exit_code, 2);
  EXPECT_NE(other.err.find("--seed cannot be given with it"), std::string::npos) << other.err;
  const auto missing = run_nnbench("run --resume /nonexistent/.x.partial", tmp.path());
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_EQ(std::count(missing.err.begin(), missing.err.end(), '\n'), 1) << missing.err;
}

TEST(CrashSafety, IsolatedVariantsThatCrash_FailTheirRowNamingTheSignal_AndTheRunGoesOn) {
  TempDir tmp;
  for (const auto& [signal, name] : std::vector<std::pair<std::string, std::string>>{
           {"segv", "SIGSEGV"}, {"kill", "SIGKILL"}, {"abort", "SIGABRT"}}) {
    const fs::path out = tmp.path() / signal;
    const auto r = run_nnbench(
        "run --enable-mock --include mock --isolate --iterations 3 --quiet --no-history "
        "--option 'mock_crash=*batch_size=8' --option mock_signal=" +
            signal + " --output-dir '" + out.string() + "'",
        tmp.path());
    EXPECT_EQ(r.exit_code, 1) << r.err;
    const fs::path run = only_run_dir(out);
    ASSERT_FALSE(run.empty()) << r.err;
    const auto mock = nlohmann::json::parse(read_text(run / "mock.json"));
    std::size_t ok = 0, failed = 0;
    for (const auto& record : mock.at("benchmark_scenarios")) {
      if (record.at("status") == "ok") ++ok;
      if (record.at("status") == "failed") {
        ++failed;
        EXPECT_NE(record.at("reason").get<std::string>().find("killed by signal"),
                  std::string::npos)
            << record.dump();
        EXPECT_NE(record.at("reason").get<std::string>().find(name), std::string::npos)
            << record.dump();
      }
    }
    EXPECT_EQ(ok, 4u) << signal;
    EXPECT_EQ(failed, 4u) << signal;
  }
}

TEST(CrashSafety, WithoutIsolate_ACrashLeavesTheFinishedVariantsResumable) {
  TempDir tmp;
  const fs::path out = tmp.path() / "out";
  const auto r = run_nnbench(
      "run --enable-mock --include mock --iterations 3 --quiet --no-history "
      "--option 'mock_crash=model=mock_large*' --option mock_signal=segv --output-dir '" +
          out.string() + "'",
      tmp.path());
  EXPECT_NE(r.exit_code, 0);
  const fs::path partial = partial_dir(out);
  ASSERT_FALSE(partial.empty());
  EXPECT_EQ(journal_lines(partial), 4u);  // the mock_small variants ran before the crash
}

TEST(CrashSafety, SighupStopsTheRunLikeSigterm_KeepingWhatFinished) {
  TempDir tmp;
  const fs::path out = tmp.path() / "out";
  const pid_t pid = start_nnbench(slow_mock(out), tmp.path());
  ASSERT_FALSE(wait_for_journal(out, 1).empty()) << read_text(tmp.path() / "bg.err");
  ::kill(pid, SIGHUP);
  EXPECT_EQ(wait_exit_code(pid), 130) << read_text(tmp.path() / "bg.err");
  const fs::path run = only_run_dir(out);
  ASSERT_FALSE(run.empty()) << read_text(tmp.path() / "bg.err");
  const std::string report = read_text(run / "report.md");
  EXPECT_NE(report.find("run interrupted"), std::string::npos);
}

TEST(CrashSafety, ASecondSignalStopsAtOnce_AndSaysHowToResume) {
  TempDir tmp;
  const fs::path out = tmp.path() / "out";
  std::vector<std::string> arguments = slow_mock(out);
  arguments[7] = "1";  // no warm-up would hurry it: the variant's sleep is what is waited for
  arguments[9] = "mock_sleep_ms=3000";
  const pid_t pid = start_nnbench(arguments, tmp.path());
  ASSERT_FALSE(wait_for_journal(out, 0).empty());
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  const auto before = std::chrono::steady_clock::now();
  ::kill(pid, SIGINT);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  ::kill(pid, SIGINT);
  EXPECT_EQ(wait_exit_code(pid), 130);
  EXPECT_LT(std::chrono::steady_clock::now() - before, std::chrono::seconds(2));
  const std::string err = read_text(tmp.path() / "bg.err");
  EXPECT_NE(err.find("stopped at once"), std::string::npos) << err;
  EXPECT_NE(err.find("nnbench run --resume"), std::string::npos) << err;
  EXPECT_FALSE(partial_dir(out).empty());
}

TEST(CrashSafety, HistoryImport_RecordsAFinishedRunOnce) {
  TempDir tmp;
  const fs::path out = tmp.path() / "out";
  ASSERT_EQ(run_nnbench("run --enable-mock --include mock --iterations 3 --quiet --no-history "
                        "--output-dir '" +
                            out.string() + "'",
                        tmp.path())
                .exit_code,
            0);
  const fs::path run = only_run_dir(out);
  const std::string db = (tmp.path() / "h.db").string();
  const auto first =
      run_nnbench("history --db '" + db + "' --import '" + run.string() + "'", tmp.path());
  EXPECT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(first.out.find("imported run " + run.filename().string() + " (8 variant(s))"),
            std::string::npos)
      << first.out;
  const auto again =
      run_nnbench("history --db '" + db + "' --import '" + run.string() + "'", tmp.path());
  EXPECT_EQ(again.exit_code, 0);
  EXPECT_NE(again.out.find("is in " + db + " already"), std::string::npos) << again.out;
}

}  // namespace
}  // namespace nnbench
