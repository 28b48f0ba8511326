// Synthetic data, the seeded train/validation split, normalisation and the batching loader:
// shapes, the last partial batch, drop_last, every sample once per epoch, seed determinism and
// reuse of the preallocated batch buffers.
#include "nnbench/engine/data/data_loader.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <tuple>
#include <vector>

#include "nnbench/core/error.hpp"
#include "nnbench/engine/data/mnist_dataset.hpp"

namespace nnbench::engine {
namespace {

// n samples of shape (1, 2, 3) whose every value is the sample's index, targets = index: a batch
// shows exactly which samples it holds, and whether inputs and targets stayed aligned.
TensorPair indexed_pair(std::int64_t n) {
  TensorPair pair;
  pair.targets = torch::arange(n, torch::kInt64);
  pair.inputs =
      pair.targets.to(torch::kFloat32).view({n, 1, 1, 1}).expand({n, 1, 2, 3}).contiguous();
  return pair;
}

// The targets of one epoch, batch by batch, checking inputs against targets on the way.
std::vector<std::int64_t> epoch_order(DataLoader& loader) {
  std::vector<std::int64_t> order;
  loader.start_epoch();
  Batch batch;
  while (loader.next(batch)) {
    const torch::Tensor per_sample = batch.inputs.flatten(1);
    EXPECT_TRUE(torch::equal(per_sample.amin(1), batch.targets.to(torch::kFloat32)));
    EXPECT_TRUE(torch::equal(per_sample.amax(1), batch.targets.to(torch::kFloat32)));
    for (std::int64_t i = 0; i < batch.size(); ++i)
      order.push_back(batch.targets[i].item<std::int64_t>());
  }
  return order;
}

std::vector<std::int64_t> batch_sizes(DataLoader& loader) {
  std::vector<std::int64_t> sizes;
  loader.start_epoch();
  Batch batch;
  while (loader.next(batch)) {
    EXPECT_EQ(batch.inputs.size(0), batch.targets.size(0));
    sizes.push_back(batch.size());
  }
  return sizes;
}

TEST(SyntheticMnistLike, MakesMnistShapedLabelledData_MarkedSynthetic) {
  const MnistDataset data = synthetic_mnist_like(300, 70, 7);
  EXPECT_TRUE(data.synthetic);
  EXPECT_EQ(data.source, "synthetic (seed 7)");
  EXPECT_EQ(data.class_count, 10);
  EXPECT_EQ(data.train.images.sizes(), (std::vector<std::int64_t>{300, 1, 28, 28}));
  EXPECT_EQ(data.test.images.sizes(), (std::vector<std::int64_t>{70, 1, 28, 28}));
  EXPECT_EQ(data.train.images.scalar_type(), torch::kUInt8);
  EXPECT_EQ(data.train.labels.scalar_type(), torch::kInt64);
  EXPECT_GE(data.train.labels.min().item<std::int64_t>(), 0);
  EXPECT_LE(data.train.labels.max().item<std::int64_t>(), 9);
  EXPECT_EQ(std::get<0>(torch::_unique(data.train.labels)).numel(), 10);
}

TEST(SyntheticMnistLike, RepeatsData_WhenSeedIsRepeated) {
  const MnistDataset first = synthetic_mnist_like(50, 10, 3);
  const MnistDataset again = synthetic_mnist_like(50, 10, 3);
  const MnistDataset other = synthetic_mnist_like(50, 10, 4);
  EXPECT_TRUE(torch::equal(first.train.images, again.train.images));
  EXPECT_TRUE(torch::equal(first.test.labels, again.test.labels));
  EXPECT_FALSE(torch::equal(first.train.images, other.train.images));
}

TEST(SyntheticMnistLike, ThrowsInputError_WhenCountIsNegative) {
  EXPECT_THROW(synthetic_mnist_like(-1, 10, 0), InputError);
}

TEST(SplitTrainValidation, GivesDisjointPartsCoveringAll_WhenFractionIsDefault) {
  const SplitIndices split = split_train_validation(1000, 0.2, 11);
  EXPECT_EQ(split.train.numel(), 800);
  EXPECT_EQ(split.validation.numel(), 200);
  const torch::Tensor all = std::get<0>(torch::cat({split.train, split.validation}).sort());
  EXPECT_TRUE(torch::equal(all, torch::arange(1000, torch::kInt64)));  // disjoint and complete
  EXPECT_TRUE(torch::equal(split.train, std::get<0>(split.train.sort())));
}

TEST(SplitTrainValidation, RepeatsSplit_WhenSeedIsRepeated_AndChangesIt_WhenSeedDiffers) {
  const SplitIndices first = split_train_validation(500, 0.2, 1);
  const SplitIndices again = split_train_validation(500, 0.2, 1);
  const SplitIndices other = split_train_validation(500, 0.2, 2);
  EXPECT_TRUE(torch::equal(first.validation, again.validation));
  EXPECT_FALSE(torch::equal(first.validation, other.validation));
}

TEST(SplitTrainValidation, ThrowsInputError_WhenFractionIsOutOfRange) {
  EXPECT_THROW(split_train_validation(100, 1.0, 0), InputError);
  EXPECT_THROW(split_train_validation(100, -0.1, 0), InputError);
  EXPECT_THROW(split_train_validation(1, 0.6, 0), InputError);  // nothing left to train on
  EXPECT_EQ(split_train_validation(100, 0.0, 0).validation.numel(), 0);
}

TEST(ComputeNormalization, MatchesDirectComputation_OnRandomPixels) {
  const torch::Tensor images = torch::randint(0, 256, {64, 1, 28, 28}, torch::kUInt8);
  const torch::Tensor scaled = images.to(torch::kFloat64) / 255.0;
  const Normalization stats = compute_normalization(images);
  EXPECT_NEAR(stats.mean, scaled.mean().item<double>(), 1e-12);
  EXPECT_NEAR(stats.std, scaled.std(/*unbiased=*/false).item<double>(), 1e-12);
  EXPECT_THROW(compute_normalization(images.to(torch::kFloat32)), InputError);
}

TEST(PrepareData, NormalisesTrainingPartToMeanZeroStdOne_AndSplitsTwentyPercent) {
  const MnistDataset data = synthetic_mnist_like(2000, 300, 5);
  const PreparedData prepared = prepare_data(data, PrepareOptions{});
  EXPECT_EQ(prepared.train.size(), 1600);
  EXPECT_EQ(prepared.validation.size(), 400);
  EXPECT_EQ(prepared.test.size(), 300);
  EXPECT_EQ(prepared.train.inputs.scalar_type(), torch::kFloat32);
  EXPECT_EQ(prepared.train.inputs.sizes(), (std::vector<std::int64_t>{1600, 1, 28, 28}));
  const torch::Tensor train = prepared.train.inputs.to(torch::kFloat64);
  EXPECT_NEAR(train.mean().item<double>(), 0.0, 1e-5);
  EXPECT_NEAR(train.std(/*unbiased=*/false).item<double>(), 1.0, 1e-5);
  // Validation samples are training-set samples with their own labels.
  const SplitIndices split = split_train_validation(2000, 0.2, 0);
  EXPECT_TRUE(torch::equal(prepared.validation.targets,
                           data.train.labels.index_select(0, split.validation)));
  const torch::Tensor pixel = data.train.images.index_select(0, split.validation)[0][0][3][4];
  const double expected =
      (pixel.item<double>() / 255.0 - prepared.normalization.mean) / prepared.normalization.std;
  EXPECT_NEAR(prepared.validation.inputs[0][0][3][4].item<double>(), expected, 1e-5);
}

TEST(PrepareData, UsesGivenStatistics_WhenNormalizationIsGiven) {
  const MnistDataset data = synthetic_mnist_like(100, 10, 5);
  PrepareOptions options;
  options.normalization = Normalization{0.5, 0.25};
  options.validation_fraction = 0.0;
  const PreparedData prepared = prepare_data(data, options);
  EXPECT_EQ(prepared.validation.size(), 0);
  const torch::Tensor expected = (data.train.images.to(torch::kFloat32) / 255.0 - 0.5) / 0.25;
  EXPECT_TRUE(torch::allclose(prepared.train.inputs, expected, 1e-5, 1e-5));
  EXPECT_DOUBLE_EQ(prepared.normalization.mean, 0.5);
}

TEST(DataLoader, YieldsFullBatchesThenPartialOne_WhenDropLastIsOff) {
  DataLoader loader(indexed_pair(10), DataLoaderOptions{.batch_size = 4});
  EXPECT_EQ(loader.batches_per_epoch(), 3);
  EXPECT_EQ(loader.samples_per_epoch(), 10);
  EXPECT_EQ(batch_sizes(loader), (std::vector<std::int64_t>{4, 4, 2}));
  loader.start_epoch();
  Batch batch;
  ASSERT_TRUE(loader.next(batch));
  EXPECT_EQ(batch.inputs.sizes(), (std::vector<std::int64_t>{4, 1, 2, 3}));
  EXPECT_EQ(batch.targets.sizes(), (std::vector<std::int64_t>{4}));
}

TEST(DataLoader, DropsPartialBatch_WhenDropLastIsOn) {
  DataLoader loader(indexed_pair(10), DataLoaderOptions{.batch_size = 4, .drop_last = true});
  EXPECT_EQ(loader.batches_per_epoch(), 2);
  EXPECT_EQ(loader.samples_per_epoch(), 8);
  EXPECT_EQ(batch_sizes(loader), (std::vector<std::int64_t>{4, 4}));
}

TEST(DataLoader, YieldsFlatInputs_WhenFlattenIsOn) {
  DataLoader loader(indexed_pair(5), DataLoaderOptions{.batch_size = 2, .flatten = true});
  loader.start_epoch();
  Batch batch;
  ASSERT_TRUE(loader.next(batch));
  EXPECT_EQ(batch.inputs.sizes(), (std::vector<std::int64_t>{2, 6}));
}

TEST(DataLoader, VisitsEverySampleExactlyOnce_InEachShuffledEpoch) {
  DataLoader loader(indexed_pair(103), DataLoaderOptions{.batch_size = 10, .seed = 9});
  std::vector<std::int64_t> previous;
  for (int epoch = 0; epoch < 3; ++epoch) {
    std::vector<std::int64_t> order = epoch_order(loader);
    ASSERT_EQ(order.size(), 103U);
    EXPECT_NE(order, previous);  // a fresh permutation per epoch
    previous = order;
    std::sort(order.begin(), order.end());
    for (std::int64_t i = 0; i < 103; ++i) EXPECT_EQ(order[static_cast<std::size_t>(i)], i);
  }
  EXPECT_EQ(loader.epochs_started(), 3);
}

TEST(DataLoader, RepeatsOrder_WhenSeedIsRepeated_AndChangesIt_WhenSeedDiffers) {
  DataLoader first(indexed_pair(64), DataLoaderOptions{.batch_size = 8, .seed = 42});
  DataLoader again(indexed_pair(64), DataLoaderOptions{.batch_size = 8, .seed = 42});
  DataLoader other(indexed_pair(64), DataLoaderOptions{.batch_size = 8, .seed = 43});
  for (int epoch = 0; epoch < 2; ++epoch) {
    const std::vector<std::int64_t> first_order = epoch_order(first);
    EXPECT_EQ(first_order, epoch_order(again));
    EXPECT_NE(first_order, epoch_order(other));
  }
}

TEST(DataLoader, YieldsViewsInOrder_WhenShuffleIsOff) {
  const TensorPair data = indexed_pair(7);
  DataLoader loader(data, DataLoaderOptions{.batch_size = 3, .shuffle = false});
  std::vector<std::int64_t> expected(7);
  for (std::int64_t i = 0; i < 7; ++i) expected[static_cast<std::size_t>(i)] = i;
  EXPECT_EQ(epoch_order(loader), expected);
  loader.start_epoch();
  Batch batch;
  ASSERT_TRUE(loader.next(batch));
  ASSERT_TRUE(loader.next(batch));
  EXPECT_EQ(batch.inputs.data_ptr<float>(), data.inputs[3].data_ptr<float>());  // no copy
}

TEST(DataLoader, ReusesPreallocatedBuffers_WhenShuffling) {
  DataLoader loader(indexed_pair(40), DataLoaderOptions{.batch_size = 16, .seed = 1});
  loader.start_epoch();
  Batch batch;
  std::vector<const void*> input_addresses;
  std::vector<const void*> target_addresses;
  while (loader.next(batch)) {
    input_addresses.push_back(batch.inputs.data_ptr());
    target_addresses.push_back(batch.targets.data_ptr());
  }
  ASSERT_EQ(input_addresses.size(), 3U);
  EXPECT_EQ(input_addresses[0], input_addresses[1]);
  EXPECT_EQ(input_addresses[0], input_addresses[2]);  // the partial batch is a view of it
  EXPECT_EQ(target_addresses[0], target_addresses[2]);
}

TEST(DataLoader, Throws_WhenMisused) {
  EXPECT_THROW(DataLoader(indexed_pair(4), DataLoaderOptions{.batch_size = 0}), InputError);
  TensorPair mismatched = indexed_pair(4);
  mismatched.targets = mismatched.targets.narrow(0, 0, 3);
  EXPECT_THROW(DataLoader(mismatched, DataLoaderOptions{}), InputError);
  DataLoader loader(indexed_pair(4), DataLoaderOptions{});
  Batch batch;
  EXPECT_THROW(loader.next(batch), std::logic_error);
}

TEST(DataLoader, ServesPreparedData_EndToEnd) {
  const PreparedData prepared = prepare_data(synthetic_mnist_like(1000, 100, 2), PrepareOptions{});
  DataLoader loader(prepared.train, DataLoaderOptions{.batch_size = 128, .flatten = true});
  loader.start_epoch();
  Batch batch;
  std::int64_t seen = 0;
  while (loader.next(batch)) {
    EXPECT_EQ(batch.inputs.size(1), 784);
    seen += batch.size();
  }
  EXPECT_EQ(seen, 800);
  EXPECT_EQ(loader.batches_per_epoch(), 7);
}

}  // namespace
}  // namespace nnbench::engine
