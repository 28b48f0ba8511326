// The dynamic batcher: a batch goes when it is full or its oldest query has waited the maximum
// delay, never larger than the maximum, oldest first.
#include "nnbench/core/load/dynamic_batcher.hpp"

#include <gtest/gtest.h>

#include "nnbench/core/error.hpp"

namespace nnbench::load {
namespace {

using std::chrono::microseconds;

TEST(DynamicBatcher, AnEmptyQueue_IsNeverDue) {
  const DynamicBatcher batcher(4, microseconds(100));
  EXPECT_FALSE(batcher.due().has_value());
}

TEST(DynamicBatcher, APartialBatch_IsDueWhenItsOldestQueryHasWaitedTheMaximum) {
  DynamicBatcher batcher(4, microseconds(100));
  batcher.enqueue({0, microseconds(10)});
  batcher.enqueue({1, microseconds(30)});
  EXPECT_EQ(batcher.due(), microseconds(110));
  const std::vector<QueuedQuery> batch = batcher.take();
  ASSERT_EQ(batch.size(), 2U);
  EXPECT_EQ(batch[0].id, 0U);
  EXPECT_EQ(batch[1].id, 1U);
  EXPECT_EQ(batcher.size(), 0U);
}

TEST(DynamicBatcher, AFullBatch_IsDueWhenItFills_AndTakesNoMoreThanTheMaximum) {
  DynamicBatcher batcher(3, microseconds(1000));
  for (std::uint64_t i = 0; i < 5; ++i) batcher.enqueue({i, microseconds(10 * (i + 1))});
  EXPECT_EQ(batcher.due(), microseconds(30));  // the third arrival filled it
  EXPECT_EQ(batcher.take().size(), 3U);
  // The two left: a partial batch again, due by the older one's delay.
  EXPECT_EQ(batcher.due(), microseconds(1040));
  const std::vector<QueuedQuery> rest = batcher.take();
  ASSERT_EQ(rest.size(), 2U);
  EXPECT_EQ(rest[0].id, 3U);
}

TEST(DynamicBatcher, ZeroDelay_IssuesEachQueryAtItsArrival) {
  DynamicBatcher batcher(8, microseconds(0));
  batcher.enqueue({0, microseconds(5)});
  EXPECT_EQ(batcher.due(), microseconds(5));
}

TEST(DynamicBatcher, NoBatchOrANegativeDelay_IsBadInput) {
  EXPECT_THROW(DynamicBatcher(0, microseconds(1)), InputError);
  EXPECT_THROW(DynamicBatcher(1, microseconds(-1)), InputError);
}

}  // namespace
}  // namespace nnbench::load
