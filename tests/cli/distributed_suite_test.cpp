// The distributed suites end to end on the CPU: nnbench launch starts two ranks on loopback
// (Gloo), rank 0 alone writes the results, a rank that dies leaves no result that looks
// complete, and data-parallel training follows one process's loss trajectory.
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "../free_port.hpp"
#include "cli_runner.hpp"

namespace nnbench {
namespace {

namespace fs = std::filesystem;
using testing::free_port;
using testing::only_run_dir;
using testing::read_text;
using testing::run_nnbench;
using testing::TempDir;

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

TEST(DistributedSuites, BadInput_IsOneLine_ExitTwo_AndNoResults) {
  TempDir tmp;
  const auto out = tmp.path() / "out";
  const std::string write = " --no-history --output-dir '" + out.string() + "'";
  auto r = run_nnbench("run --suite allreduce --axis size_bytes=0" + write, tmp.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("nnbench: error: benchmark 'allreduce': axis 'size_bytes': value '0' is "
                       "out of range: expected >= 1\n"),
            std::string::npos)
      << r.err;
  r = run_nnbench("run --suite ddp-train --axis processes=0" + write, tmp.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("nnbench: error: benchmark 'ddp_train': axis 'processes': value '0' is "
                       "out of range: expected >= 1\n"),
            std::string::npos)
      << r.err;
  r = testing::run_command_line(
      "RANK=two WORLD_SIZE=2 '" + std::string(NNBENCH_BINARY) + "' run --suite allreduce" + write,
      tmp.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "nnbench: error: environment variable RANK='two': expected a whole number >= 0\n");
  EXPECT_TRUE(only_run_dir(out).empty());
  EXPECT_TRUE(!fs::exists(out) || fs::is_empty(out));
}

// The loss of every step of a run's only ddp_train variant.
std::vector<double> loss_trajectory(const fs::path& out) {
  const auto json = nlohmann::json::parse(read_text(only_run_dir(out) / "ddp_train.json"));
  for (const auto& s : json["benchmark_scenarios"]) {
    if (s["variant"].contains("derived")) continue;
    EXPECT_EQ(s["status"], "ok") << s["reason"];
    return s["measurements"]["loss_per_step"]["samples"].get<std::vector<double>>();
  }
  return {};
}

TEST(DdpTrainSuite, TwoRanks_FollowOneProcessOnTheConcatenatedBatch) {
  TempDir tmp;
  // No dropout: its masks are drawn per rank, so only a deterministic model can match. Plain SGD:
  // Adam's normalised steps would hide gradients summed rather than averaged.
  const fs::path model = tmp.path() / "twolayer.nn";
  std::ofstream(model) << R"(network TwoLayer {
  input: (28, 28, 1)
  layers:
    Flatten()
    Dense(64, "relu")
    Output(10, "softmax")
  loss: "sparse_categorical_crossentropy"
  optimizer: SGD(learning_rate=0.1)
}
)";
  const std::string common =
      " --models '" + model.string() + "' --warmup 2 --iterations 5 --no-history --quiet";
  std::string binary = "'";
  binary += NNBENCH_BINARY;
  binary += "'";
  const auto one = run_nnbench("run --suite ddp-train --axis batch_size=48 --axis processes=1" +
                                   common + " --output-dir '" + (tmp.path() / "one").string() + "'",
                               tmp.path());
  ASSERT_EQ(one.exit_code, 0) << one.err;
  for (const char* overlap : {"true", "false"}) {
    const fs::path out = tmp.path() / (std::string("two-") + overlap);
    const auto two = run_nnbench(
        launch_two(binary + " run --suite ddp-train --axis batch_size=24 --axis processes=2" +
                   common + " --option ddp_overlap=" + overlap + " --output-dir '" + out.string() +
                   "'"),
        tmp.path());
    ASSERT_EQ(two.exit_code, 0) << two.err;
    const std::vector<double> single = loss_trajectory(tmp.path() / "one");
    const std::vector<double> parallel = loss_trajectory(out);
    ASSERT_EQ(single.size(), 7U);  // warm-up and measured steps
    ASSERT_EQ(parallel.size(), single.size());
    for (std::size_t step = 0; step < single.size(); ++step) {
      EXPECT_NEAR(parallel[step], single[step], 1e-5 * std::abs(single[step]) + 1e-6)
          << "step " << step << ", overlap " << overlap;
    }
    EXPECT_LT(single.back(), single.front());  // it trains
    const auto json = nlohmann::json::parse(read_text(only_run_dir(out) / "ddp_train.json"));
    const auto& m = json["benchmark_scenarios"][0]["measurements"];
    EXPECT_EQ(m["gradient_bytes"]["value"].get<double>(), (784 * 64 + 64 + 64 * 10 + 10) * 4.0);
    for (const char* split : {"compute_ms", "communication_ms", "exposed_communication_ms"}) {
      EXPECT_TRUE(m.contains(split)) << split;
    }
  }
}

}  // namespace
}  // namespace nnbench
