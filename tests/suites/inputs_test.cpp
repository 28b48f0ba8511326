// Seeded inputs: the same numbers for the same seed on any device, and a large batch repeating
// the drawn samples instead of drawing them all on the host.
#include "nnbench/suites/inputs.hpp"

#include <gtest/gtest.h>
#include <torch/torch.h>

namespace nnbench::suites {
namespace {

TEST(SeededInput, SameSeed_SameNumbers_OtherSeed_OtherNumbers) {
  const torch::Device cpu(torch::kCPU);
  const torch::Tensor a = seeded_input({4, 3}, torch::kFloat32, cpu, 11);
  EXPECT_TRUE(torch::equal(a, seeded_input({4, 3}, torch::kFloat32, cpu, 11)));
  EXPECT_FALSE(torch::equal(a, seeded_input({4, 3}, torch::kFloat32, cpu, 12)));
  EXPECT_EQ(seeded_input({4, 3}, torch::kBFloat16, cpu, 11).scalar_type(), torch::kBFloat16);
}

TEST(SeededInput, BatchBeyondTheDrawnSamples_RepeatsThemInOrder) {
  const torch::Device cpu(torch::kCPU);
  const std::int64_t batch = kDrawnSamples * 2 + 5;
  const torch::Tensor big = seeded_input({batch, 2, 3}, torch::kFloat32, cpu, 5);
  ASSERT_EQ(big.sizes(), (std::vector<std::int64_t>{batch, 2, 3}));
  EXPECT_TRUE(big.is_contiguous());
  const torch::Tensor drawn = seeded_input({kDrawnSamples, 2, 3}, torch::kFloat32, cpu, 5);
  EXPECT_TRUE(torch::equal(big.narrow(0, 0, kDrawnSamples), drawn));
  EXPECT_TRUE(torch::equal(big.narrow(0, kDrawnSamples, kDrawnSamples), drawn));
  EXPECT_TRUE(torch::equal(big.narrow(0, 2 * kDrawnSamples, 5), drawn.narrow(0, 0, 5)));
  // The drawn samples differ from one another: it is not one sample broadcast.
  EXPECT_FALSE(torch::equal(drawn[0], drawn[1]));
}

}  // namespace
}  // namespace nnbench::suites
