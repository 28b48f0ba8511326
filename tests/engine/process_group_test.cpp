// The c10d process group on the CPU: torchrun's variables read and checked, and two forked
// processes joining through a TCPStore on loopback for all-reduce, all-gather, broadcast and a
// barrier over Gloo.
#include "nnbench/engine/distributed/process_group.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "../free_port.hpp"
#include "nnbench/core/error.hpp"

namespace nnbench::engine {
namespace {

using nnbench::testing::free_port;

// Sets the variables for the test's lifetime and unsets them after.
class Variables {
 public:
  explicit Variables(std::vector<std::pair<const char*, const char*>> values) : values_(values) {
    for (const auto& [name, value] : values_) setenv(name, value, 1);
  }
  ~Variables() {
    for (const auto& [name, value] : values_) unsetenv(name);
  }

 private:
  std::vector<std::pair<const char*, const char*>> values_;
};

TEST(DistributedEnvironment, ReadsTorchrunsVariables) {
  const Variables set({{"RANK", "3"},
                       {"WORLD_SIZE", "8"},
                       {"LOCAL_RANK", "1"},
                       {"MASTER_ADDR", "node7"},
                       {"MASTER_PORT", "29600"}});
  const DistributedEnvironment e = distributed_environment_from_env();
  EXPECT_EQ(e.rank, 3);
  EXPECT_EQ(e.world_size, 8);
  EXPECT_EQ(e.local_rank, 1);
  EXPECT_EQ(e.master_addr, "node7");
  EXPECT_EQ(e.master_port, 29600);
}

TEST(DistributedEnvironment, Unset_IsOneProcess) {
  const DistributedEnvironment e = distributed_environment_from_env();
  EXPECT_EQ(e.rank, 0);
  EXPECT_EQ(e.world_size, 1);
}

TEST(DistributedEnvironment, BadValues_AreInputErrorsNamingTheVariable) {
  {
    const Variables set({{"RANK", "two"}, {"WORLD_SIZE", "4"}});
    try {
      distributed_environment_from_env();
      FAIL() << "no error";
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find("RANK='two'"), std::string::npos) << e.what();
    }
  }
  const Variables set({{"RANK", "4"}, {"WORLD_SIZE", "4"}});
  EXPECT_THROW(distributed_environment_from_env(), InputError);
}

// One rank's part: 0 when every collective gave what it must.
int run_rank(int rank, int port) {
  DistributedEnvironment e;
  e.rank = rank;
  e.world_size = 2;
  e.master_port = port;
  ProcessGroup group(e, std::chrono::seconds(30));
  if (group.rank() != rank || group.size() != 2) return 2;
  torch::Tensor summed = torch::full({1000}, static_cast<float>(rank + 1));
  group.all_reduce_sum(summed);
  if (!torch::equal(summed, torch::full({1000}, 3.f))) return 3;
  std::vector<torch::Tensor> gathered;
  group.all_gather(gathered, torch::full({5}, static_cast<float>(10 * rank)));
  if (gathered.size() != 2 || !torch::equal(gathered[1], torch::full({5}, 10.f)) ||
      !torch::equal(gathered[0], torch::zeros({5}))) {
    return 4;
  }
  torch::Tensor sent = torch::arange(7, torch::kFloat32) * (rank == 1 ? 1.f : -1.f);
  group.broadcast(sent, 1);
  if (!torch::equal(sent, torch::arange(7, torch::kFloat32))) return 5;
  group.barrier();
  return 0;
}

TEST(ProcessGroup, TwoProcessesOnLoopback_AgreeOnEveryCollective) {
  if (!gloo_available()) GTEST_SKIP() << "built without Gloo's headers";
  const int port = free_port();
  std::vector<pid_t> ranks;
  for (int rank = 0; rank < 2; ++rank) {
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      int code = 1;
      try {
        code = run_rank(rank, port);
      } catch (const std::exception& e) {
        std::fprintf(stderr, "rank %d: %s\n", rank, e.what());
      }
      _exit(code);
    }
    ranks.push_back(pid);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  for (int rank = 0; rank < 2; ++rank) {
    int status = 0;
    while (waitpid(ranks[rank], &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > deadline) {
        for (const pid_t pid : ranks) kill(pid, SIGKILL);
        FAIL() << "rank " << rank << " still running after 60 s";
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ASSERT_TRUE(WIFEXITED(status)) << "rank " << rank;
    EXPECT_EQ(WEXITSTATUS(status), 0) << "rank " << rank << " (codes: see run_rank)";
  }
}

// The local address of the socket listening on `port`, as /proc/net/tcp writes it (hex, e.g.
// 0100007F for 127.0.0.1), or empty when none listens.
std::string listening_address(int port) {
  for (const char* table : {"/proc/net/tcp", "/proc/net/tcp6"}) {
    std::ifstream in(table);
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line)) {
      std::istringstream fields(line);
      std::string slot, local, remote, state;
      fields >> slot >> local >> remote >> state;
      const auto colon = local.rfind(':');
      if (state == "0A" && colon != std::string::npos &&
          std::stoi(local.substr(colon + 1), nullptr, 16) == port) {
        return local.substr(0, colon);
      }
    }
  }
  return "";
}

TEST(ProcessGroup, RankZerosStore_ListensOnTheMasterAddressOnly) {
  if (!gloo_available()) GTEST_SKIP() << "built without Gloo's headers";
  const int port = free_port();
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {  // rank 0 waits for a rank 1 that never comes
    DistributedEnvironment e;
    e.rank = 0;
    e.world_size = 2;
    e.master_port = port;
    try {
      ProcessGroup group(e, std::chrono::seconds(4));
    } catch (const std::exception&) {
    }
    _exit(0);
  }
  std::string address;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  while (address.empty() && std::chrono::steady_clock::now() < deadline) {
    address = listening_address(port);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  EXPECT_EQ(address, "0100007F") << "the store listens on " << address
                                 << " (00000000 is every interface)";
}

TEST(ProcessGroup, ARankAlone_TimesOutNamingTheAddress) {
  if (!gloo_available()) GTEST_SKIP() << "built without Gloo's headers";
  DistributedEnvironment e;
  e.rank = 0;
  e.world_size = 2;  // the other rank never comes
  e.master_port = free_port();
  try {
    ProcessGroup group(e, std::chrono::seconds(2));
    FAIL() << "joined without the other rank";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("rank 0 of 2 could not join through 127.0.0.1:"),
              std::string::npos)
        << error.what();
  }
}

}  // namespace
}  // namespace nnbench::engine
