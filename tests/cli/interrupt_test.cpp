// Ctrl-C during a run: the variant being measured and the rest are recorded as skipped, the
// files are complete and say so, and the exit code is 130.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include <gtest/gtest.h>

#include "cli_runner.hpp"

namespace nnbench {
namespace {

namespace fs = std::filesystem;
using testing::only_run_dir;
using testing::read_text;
using testing::TempDir;

TEST(Interrupt, RecordsTheRestAsSkipped_AndExits130) {
  TempDir tmp;
  const std::string out = (tmp.path() / "results").string();
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    freopen("/dev/null", "w", stdout);
    freopen("/dev/null", "w", stderr);
    // Long fixed sampling so the signal lands during the first variant.
    execl(NNBENCH_BINARY, NNBENCH_BINARY, "run", "--include", "mlp_inference", "--threads", "1",
          "--iterations", "100000000", "--timeout", "120", "--quiet", "--output-dir", out.c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  // Wait until sampling has started: the partial directory and its log exist.
  bool started = false;
  for (int i = 0; i < 600 && !started; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (fs::exists(out)) {
      for (const auto& entry : fs::directory_iterator(out)) {
        started = started || read_text(entry.path() / "run.log").find("[1/") != std::string::npos ||
                  read_text(entry.path() / "run.log").find("variant(s)") != std::string::npos;
      }
    }
  }
  ASSERT_TRUE(started);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  kill(pid, SIGINT);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 130);
  const fs::path dir = only_run_dir(out);
  ASSERT_FALSE(dir.empty());
  const std::string json = read_text(dir / "mlp_inference.json");
  EXPECT_NE(json.find("run interrupted during this variant"), std::string::npos);
  EXPECT_NE(json.find("run interrupted before this variant"), std::string::npos);
}

}  // namespace
}  // namespace nnbench
