// nnbench launch end to end with shell workers: torchrun's environment per rank, a failing rank
// stopping the job with its message, the timeout stopping a hung job, signals passed on, and
// plans that cannot run.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "cli_runner.hpp"

namespace nnbench {
namespace {

namespace fs = std::filesystem;
using testing::read_text;
using testing::run_nnbench;
using testing::TempDir;

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

TEST(Launch, EveryWorkerGetsTorchrunsEnvironment) {
  TempDir tmp;
  const auto r = run_nnbench(
      "launch --nproc-per-node 3 --nnodes 2 --node-rank 1 --master-addr 10.1.2.3 --master-port "
      "29511 -- sh -c 'echo \"$RANK $LOCAL_RANK $WORLD_SIZE $LOCAL_WORLD_SIZE $GROUP_RANK "
      "$MASTER_ADDR $MASTER_PORT\" > \"" +
          tmp.path().string() + "/rank$RANK\"; echo \"said by $RANK\" >&2'",
      tmp.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read_text(tmp.path() / "rank3"), "3 0 6 3 1 10.1.2.3 29511\n");
  EXPECT_EQ(read_text(tmp.path() / "rank4"), "4 1 6 3 1 10.1.2.3 29511\n");
  EXPECT_EQ(read_text(tmp.path() / "rank5"), "5 2 6 3 1 10.1.2.3 29511\n");
  EXPECT_FALSE(fs::exists(tmp.path() / "rank0"));
  EXPECT_NE(r.err.find("[rank 4] said by 4"), std::string::npos) << r.err;
}

TEST(Launch, TorchrunsUnderscoreSpellings_AreAccepted) {
  TempDir tmp;
  const auto r = run_nnbench(
      "launch --nproc_per_node 2 --nnodes 2 --node_rank 1 --master_addr 10.1.2.3 --master_port "
      "29512 -- sh -c 'echo \"$RANK $WORLD_SIZE $MASTER_PORT\" > \"" +
          tmp.path().string() + "/rank$RANK\"'",
      tmp.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read_text(tmp.path() / "rank3"), "3 4 29512\n");
}

TEST(Launch, AFailingRank_StopsTheOthers_AndNamesItsMessage) {
  TempDir tmp;
  const auto start = std::chrono::steady_clock::now();
  const auto r = run_nnbench(
      "launch --nproc-per-node 3 -- sh -c 'if [ $RANK = 1 ]; then echo \"out of memory on "
      "rank one\" >&2; exit 3; fi; sleep 60'",
      tmp.path());
  EXPECT_LT(seconds_since(start), 30) << "the sleeping ranks were not stopped";
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("nnbench launch: rank 1 exited with code 3: out of memory on rank one"),
            std::string::npos)
      << r.err;
}

TEST(Launch, AHungJob_IsStoppedAtTheTimeout) {
  TempDir tmp;
  const auto start = std::chrono::steady_clock::now();
  const auto r =
      run_nnbench("launch --nproc-per-node 2 --timeout 1 -- sh -c 'sleep 60'", tmp.path());
  EXPECT_LT(seconds_since(start), 30);
  EXPECT_EQ(r.exit_code, 124);
  EXPECT_NE(r.err.find("ran past its timeout of 1 s; stopped the ranks still running: 0, 1"),
            std::string::npos)
      << r.err;
}

TEST(Launch, ACrashedRank_IsNamedWithItsSignal) {
  TempDir tmp;
  const auto r = run_nnbench(
      "launch --nproc-per-node 2 -- sh -c 'if [ $RANK = 0 ]; then kill -SEGV $$; fi; sleep 60'",
      tmp.path());
  EXPECT_EQ(r.exit_code, 128 + SIGSEGV);
  EXPECT_NE(r.err.find("rank 0 was killed by signal 11"), std::string::npos) << r.err;
}

TEST(Launch, SigtermToTheLauncher_ReachesEveryWorker) {
  TempDir tmp;
  const std::string script = "trap 'echo term > \"" + tmp.path().string() +
                             "/got$RANK\"; exit 0' TERM; touch \"" + tmp.path().string() +
                             "/up$RANK\"; sleep 60 & wait";
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    freopen("/dev/null", "w", stderr);
    execl(NNBENCH_BINARY, NNBENCH_BINARY, "launch", "--nproc-per-node", "2", "--", "sh", "-c",
          script.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  for (int i = 0; i < 200 && !(fs::exists(tmp.path() / "up0") && fs::exists(tmp.path() / "up1"));
       ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // into `wait`
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 128 + SIGTERM);
  EXPECT_EQ(read_text(tmp.path() / "got0"), "term\n");
  EXPECT_EQ(read_text(tmp.path() / "got1"), "term\n");
}

TEST(Launch, PlansThatCannotRun_AreInputErrors) {
  TempDir tmp;
  auto r = run_nnbench("launch --nproc-per-node 2", tmp.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("command"), std::string::npos) << r.err;
  r = run_nnbench("launch --nnodes 2 --node-rank 2 -- true", tmp.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--node-rank 2 is outside 0..1"), std::string::npos) << r.err;
  r = run_nnbench("launch --master-port 70000 -- true", tmp.path());
  EXPECT_EQ(r.exit_code, 2);
  r = run_nnbench("launch --nproc-per-node 2 -- no-such-program-nnbench", tmp.path());
  EXPECT_EQ(r.exit_code, 127);
  EXPECT_NE(r.err.find("cannot run 'no-such-program-nnbench'"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace nnbench
