// The offline scenario on a simulated backend: every sample served in full batches and one
// remainder, back to back; samples per second over the whole run.
#include "nnbench/core/load/offline_scenario.hpp"

#include <gtest/gtest.h>

#include "nnbench/core/error.hpp"
#include "simulated_backend.hpp"

namespace nnbench::load {
namespace {

using std::chrono::milliseconds;

TEST(OfflineScenario, ServesEverySampleInMaxBatches_AndReportsSamplesPerSecond) {
  VirtualLoadClock clock;
  SimulatedBackend backend(clock, [](std::size_t n) { return milliseconds(1) + milliseconds(n); });
  const OfflineRun run = run_offline({.samples = 1000, .max_batch = 64}, backend, clock);
  EXPECT_EQ(run.samples, 1000U);
  EXPECT_EQ(run.batches, 16U);  // 15 of 64 and one of 40
  EXPECT_EQ(backend.batch_sizes.back(), 40U);
  EXPECT_EQ(run.duration, milliseconds(15 * 65 + 41));
  EXPECT_DOUBLE_EQ(run.samples_per_s(), 1000 / 1.016);
}

TEST(OfflineScenario, NoSamplesOrNoBatch_IsBadInput) {
  VirtualLoadClock clock;
  SimulatedBackend backend(clock, [](std::size_t) { return milliseconds(1); });
  EXPECT_THROW(run_offline({.samples = 0, .max_batch = 1}, backend, clock), InputError);
  EXPECT_THROW(run_offline({.samples = 1, .max_batch = 0}, backend, clock), InputError);
}

}  // namespace
}  // namespace nnbench::load
