// The allreduce suite's pieces: nccl-tests' bus-bandwidth factors and size rounding, a check that
// catches a collective that did nothing, and the four collectives on a real Gloo group of one.
#include "nnbench/suites/collectives.hpp"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "nnbench/core/error.hpp"

namespace nnbench::suites {
namespace {

TEST(Collectives, BusBandwidthFactors_AreNcclTests) {
  EXPECT_DOUBLE_EQ(bus_bandwidth_factor(Collective::AllReduce, 1), 0.0);
  EXPECT_DOUBLE_EQ(bus_bandwidth_factor(Collective::AllReduce, 2), 1.0);
  EXPECT_DOUBLE_EQ(bus_bandwidth_factor(Collective::AllReduce, 8), 1.75);
  EXPECT_DOUBLE_EQ(bus_bandwidth_factor(Collective::AllGather, 8), 0.875);
  EXPECT_DOUBLE_EQ(bus_bandwidth_factor(Collective::ReduceScatter, 4), 0.75);
  EXPECT_DOUBLE_EQ(bus_bandwidth_factor(Collective::Broadcast, 8), 1.0);
}

TEST(Collectives, Names_RoundTrip_AndAnUnknownOneIsBadInput) {
  for (const char* name : {"all_reduce", "all_gather", "reduce_scatter", "broadcast"}) {
    EXPECT_EQ(collective_name(parse_collective(name)), name);
  }
  EXPECT_THROW(parse_collective("alltoall"), InputError);
}

TEST(Collectives, Sizes_AreWholeElementsPerRank_AsNcclTestsQuotesThem) {
  const torch::Device cpu(torch::kCPU);
  EXPECT_EQ(
      CollectiveBuffers(Collective::AllReduce, 1000, torch::kFloat32, cpu, 0, 3).message_bytes(),
      1000);
  // 1000 bytes over 3 ranks of fp32: 83 elements each, 996 bytes gathered or scattered.
  EXPECT_EQ(
      CollectiveBuffers(Collective::AllGather, 1000, torch::kFloat32, cpu, 0, 3).message_bytes(),
      996);
  EXPECT_EQ(CollectiveBuffers(Collective::ReduceScatter, 1000, torch::kFloat32, cpu, 2, 3)
                .message_bytes(),
            996);
  EXPECT_EQ(
      CollectiveBuffers(Collective::Broadcast, 1, torch::kBFloat16, cpu, 0, 2).message_bytes(), 2);
}

TEST(Collectives, ACollectiveThatDidNothing_FailsTheCheck_NamingTheElement) {
  const torch::Device cpu(torch::kCPU);
  for (const Collective c : {Collective::AllReduce, Collective::AllGather,
                             Collective::ReduceScatter, Collective::Broadcast}) {
    // Rank 1 of 2: its own values are not the result of any of the four.
    CollectiveBuffers buffers(c, 4096, torch::kFloat16, cpu, 1, 2);
    buffers.prepare();
    std::string problem;
    EXPECT_FALSE(buffers.result_is_correct(problem)) << collective_name(c);
    EXPECT_NE(problem.find(collective_name(c) + " on rank 1: element 0 of"), std::string::npos)
        << problem;
  }
}

TEST(Collectives, EveryCollective_OnAGroupOfOne_GivesTheExpectedResult) {
  if (!engine::gloo_available()) GTEST_SKIP() << "built without Gloo's headers";
  engine::ProcessGroup group(engine::DistributedEnvironment{}, std::chrono::seconds(10));
  for (const Collective c : {Collective::AllReduce, Collective::AllGather,
                             Collective::ReduceScatter, Collective::Broadcast}) {
    for (const torch::ScalarType dtype : {torch::kFloat32, torch::kBFloat16}) {
      CollectiveBuffers buffers(c, 1 << 16, dtype, torch::Device(torch::kCPU), 0, 1);
      for (int iteration = 0; iteration < 3; ++iteration) {
        buffers.prepare();
        buffers.run(group);
        std::string problem;
        EXPECT_TRUE(buffers.result_is_correct(problem)) << problem;
      }
    }
  }
}

}  // namespace
}  // namespace nnbench::suites
