// Fixed malloc thresholds: a block that glibc would serve with its own mmap by default comes from
// the heap once the thresholds are fixed.
#include "nnbench/core/host_allocator.hpp"

#include <cstdlib>

#include <string>
#include <vector>

#include <gtest/gtest.h>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace nnbench {
namespace {

#if defined(__GLIBC__)
TEST(HostAllocator, FixedThresholdsServeABlockOfAFewHundredKiBFromTheHeap) {
  const std::string in_force = fix_host_allocator_thresholds();
  if (in_force.find("set by the user") != std::string::npos) GTEST_SKIP() << in_force;
  EXPECT_NE(in_force.find("mmap threshold 32 MiB"), std::string::npos) << in_force;

  // 401,408 bytes: simple_mlp's 784x128 fp32 weight, above glibc's initial 128 KiB threshold.
  const std::size_t mapped_before = mallinfo2().hblks;
  void* block = std::malloc(784 * 128 * sizeof(float));
  ASSERT_NE(block, nullptr);
  EXPECT_EQ(mallinfo2().hblks, mapped_before) << "the block was given its own mapping";
  std::free(block);

  // 48 MiB is above the fixed threshold: its own mapping, as before.
  void* large = std::malloc(48u << 20);
  ASSERT_NE(large, nullptr);
  EXPECT_EQ(mallinfo2().hblks, mapped_before + 1);
  std::free(large);
}

TEST(HostAllocator, ChildProcesses_GetTheSamePolicy_UnlessTheUserSetTheirs) {
  if (std::getenv("MALLOC_MMAP_THRESHOLD_") || std::getenv("MALLOC_TRIM_THRESHOLD_") ||
      std::getenv("GLIBC_TUNABLES")) {
    GTEST_SKIP() << "the user's environment sets malloc's thresholds";
  }
  EXPECT_EQ(host_allocator_environment(),
            (std::vector<std::string>{"MALLOC_MMAP_THRESHOLD_=33554432",
                                      "MALLOC_TRIM_THRESHOLD_=67108864"}));
  setenv("MALLOC_TRIM_THRESHOLD_", "1000000", 1);
  EXPECT_TRUE(host_allocator_environment().empty());
  unsetenv("MALLOC_TRIM_THRESHOLD_");
}
#endif

}  // namespace
}  // namespace nnbench
