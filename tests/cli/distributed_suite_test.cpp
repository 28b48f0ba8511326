// The distributed suites end to end on the CPU: nnbench launch starts two ranks on loopback
// (Gloo), rank 0 alone writes the results, and a rank that dies leaves no result that looks
// complete.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli_runner.hpp"

namespace nnbench {
namespace {

namespace fs = std::filesystem;
using testing::only_run_dir;
using testing::read_text;
using testing::run_nnbench;
using testing::TempDir;

// A port nothing listens on now (the kernel's choice for port 0).
int free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  close(fd);
  return ntohs(address.sin_port);
}

std::string launch_two(const std::string& command) {
  return "launch --nproc-per-node 2 --timeout 120 --master-port " + std::to_string(free_port()) +
         " -- " + command;
}

TEST(AllreduceSuite, TwoRanksOnLoopback_CheckEveryResult_AndRankZeroWritesThem) {
  TempDir tmp;
  const auto out = tmp.path() / "out";
  std::string command = "'";
  command += NNBENCH_BINARY;
  const auto r = run_nnbench(
      launch_two(command +
                 "' run --suite allreduce --axis collective=all_reduce,all_gather,reduce_scatter,"
                 "broadcast --axis dtype=fp32,bf16 --axis size_bytes=1000,65536 --iterations 5 "
                 "--warmup 1 --no-history --output-dir '" +
                 out.string() + "'"),
      tmp.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // One run directory (rank 0's), nothing left half-written by rank 1.
  const fs::path run = only_run_dir(out);
  ASSERT_FALSE(run.empty()) << "expected exactly one run directory";
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(out)) ++entries;
  EXPECT_EQ(entries, 1U);

  const auto json = nlohmann::json::parse(read_text(run / "allreduce.json"));
  ASSERT_EQ(json["benchmark_scenarios"].size(), 16U);
  for (const auto& s : json["benchmark_scenarios"]) {
    ASSERT_EQ(s["status"], "ok") << s["scenario_name"] << ": " << s["reason"];
    EXPECT_EQ(s["labels"]["world_size"], "2");
    EXPECT_EQ(s["labels"]["backend"], "gloo");
    const auto& m = s["measurements"];
    // An odd count, so the median of bandwidths is the bandwidth of the median time.
    // The last warm-up iteration and the five measured ones, each checked.
    EXPECT_EQ(m["checked_iterations"]["value"].get<double>(), 6.0) << s["scenario_name"];
    const double bytes = m["message_bytes"]["value"].get<double>();
    const double algbw = m["algbw_GBps"]["value"].get<double>();
    const double latency_ms = m["latency_ms"]["value"].get<double>();
    EXPECT_NEAR(algbw, bytes / (latency_ms * 1e6), algbw * 1e-9) << s["scenario_name"];
    const std::string collective = s["variant"]["collective"];
    const double factor = collective == "all_reduce" ? 1.0 : collective == "broadcast" ? 1.0 : 0.5;
    EXPECT_NEAR(m["busbw_GBps"]["value"].get<double>(), algbw * factor, algbw * 1e-9);
    EXPECT_EQ(m["latency_ms"]["count"].get<int>(), 5);
  }
  // 1000 bytes of bf16 over 2 ranks: 250 elements each for all_gather.
  EXPECT_EQ(json["benchmark_scenarios"][4]["variant"]["collective"], "all_gather");
  EXPECT_EQ(json["benchmark_scenarios"][4]["measurements"]["message_bytes"]["value"], 1000.0);
}

TEST(AllreduceSuite, ARankThatDies_FailsTheJob_AndLeavesNoCompleteResult) {
  TempDir tmp;
  const auto out = tmp.path() / "out";
  // Rank 1 never joins: it exits at once. Rank 0 waits at the rendezvous until the launcher
  // stops it.
  const auto r = run_nnbench(
      launch_two("sh -c 'if [ $RANK = 1 ]; then echo \"rank one lost its GPU\" >&2; exit 5; fi; "
                 "exec \"" +
                 std::string(NNBENCH_BINARY) +
                 "\" run --suite allreduce --axis size_bytes=1024 --no-history --output-dir \"" +
                 out.string() + "\"'"),
      tmp.path());
  EXPECT_EQ(r.exit_code, 5) << r.err;
  EXPECT_NE(r.err.find("rank 1 exited with code 5: rank one lost its GPU"), std::string::npos)
      << r.err;
  EXPECT_TRUE(only_run_dir(out).empty()) << "a run directory that looks complete";
}

}  // namespace
}  // namespace nnbench
