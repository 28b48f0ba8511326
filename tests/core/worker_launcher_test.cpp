// The launcher's plan: the environment each worker gets and the plans refused before starting
// anything (the processes themselves: tests/cli/launch_test.cpp).
#include "nnbench/core/worker_launcher.hpp"

#include <cstdlib>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "nnbench/core/error.hpp"

namespace nnbench {
namespace {

TEST(WorkerEnvironment, RanksCountAcrossNodes) {
  LaunchPlan plan;
  plan.nproc_per_node = 4;
  plan.nnodes = 3;
  plan.node_rank = 2;
  plan.master_addr = "node0";
  plan.master_port = 1234;
  plan.command = {"true"};
  setenv("OMP_NUM_THREADS", "3", 1);  // the user's choice stays
  EXPECT_EQ(
      worker_environment(plan, 1),
      (std::vector<std::string>{"RANK=9", "LOCAL_RANK=1", "WORLD_SIZE=12", "LOCAL_WORLD_SIZE=4",
                                "GROUP_RANK=2", "MASTER_ADDR=node0", "MASTER_PORT=1234"}));
  unsetenv("OMP_NUM_THREADS");
}

TEST(WorkerEnvironment, WithoutOmpNumThreads_EachWorkerGetsAShareOfTheCores) {
  LaunchPlan plan;
  plan.nproc_per_node = 2 * static_cast<int>(std::thread::hardware_concurrency());
  plan.command = {"true"};
  unsetenv("OMP_NUM_THREADS");
  EXPECT_EQ(worker_environment(plan, 0).back(), "OMP_NUM_THREADS=1");  // never 0
  plan.nproc_per_node = 1;
  EXPECT_EQ(worker_environment(plan, 0).back(),
            "OMP_NUM_THREADS=" + std::to_string(std::thread::hardware_concurrency()));
}

TEST(ValidateLaunchPlan, RefusesPlansThatCannotRun) {
  LaunchPlan plan;
  plan.command = {"true"};
  EXPECT_NO_THROW(validate_launch_plan(plan));
  LaunchPlan no_command = plan;
  no_command.command.clear();
  EXPECT_THROW(validate_launch_plan(no_command), InputError);
  LaunchPlan no_workers = plan;
  no_workers.nproc_per_node = 0;
  EXPECT_THROW(validate_launch_plan(no_workers), InputError);
  LaunchPlan bad_node = plan;
  bad_node.node_rank = 1;
  EXPECT_THROW(validate_launch_plan(bad_node), InputError);
  LaunchPlan bad_timeout = plan;
  bad_timeout.timeout_s = -1;
  EXPECT_THROW(validate_launch_plan(bad_timeout), InputError);
}

}  // namespace
}  // namespace nnbench
