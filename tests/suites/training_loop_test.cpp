// train_epoch / evaluate, and paired comparison rows.
#include "nnbench/suites/training_loop.hpp"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "nnbench/suites/paired_comparison.hpp"

namespace nnbench::suites {
namespace {

engine::TensorPair separable_data(std::int64_t n) {
  // Two classes told apart by the sign of the first feature.
  torch::manual_seed(0);
  torch::Tensor inputs = torch::randn({n, 1, 2, 2});
  torch::Tensor targets = (inputs.flatten(1).select(1, 0) > 0).to(torch::kLong);
  return {inputs, targets};
}

TEST(TrainEpoch, LowersTheLossAndRaisesAccuracy_OnSeparableData) {
  torch::manual_seed(1);
  torch::nn::Linear model(4, 2);
  const ForwardFunction forward = [&](const torch::Tensor& x) {
    return model->forward(x.flatten(1));
  };
  const LossFunction loss = [](const torch::Tensor& logits, const torch::Tensor& targets) {
    return torch::nn::functional::cross_entropy(logits, targets);
  };
  torch::optim::Adam optimizer(model->parameters(), torch::optim::AdamOptions(0.05));
  const engine::TensorPair data = separable_data(512);
  engine::DataLoader loader(data, {64, true, 3, false, false, std::nullopt});
  const Evaluation before = evaluate(*model, forward, loss, data, 100);
  double first = train_epoch(*model, forward, loss, optimizer, loader);
  double last = first;
  for (int epoch = 0; epoch < 5; ++epoch)
    last = train_epoch(*model, forward, loss, optimizer, loader);
  const Evaluation after = evaluate(*model, forward, loss, data, 100);
  EXPECT_LT(last, first);
  EXPECT_LT(after.loss, before.loss);
  EXPECT_GT(after.accuracy, 0.95);
  EXPECT_EQ(after.samples, 512);
  EXPECT_TRUE(model->is_training());  // evaluate restores the mode
}

TEST(Evaluate, CountsCorrectArgmaxes_AcrossPartialBatches) {
  torch::nn::Identity identity;
  const ForwardFunction forward = [&](const torch::Tensor& x) { return x; };
  const LossFunction loss = [](const torch::Tensor& logits, const torch::Tensor& targets) {
    return torch::nn::functional::cross_entropy(logits, targets);
  };
  // Rows pick classes 0, 1, 1, 0, 1; targets agree on 3 of 5.
  const torch::Tensor logits =
      torch::tensor({{2.0, 0.0}, {0.0, 2.0}, {0.0, 2.0}, {2.0, 0.0}, {0.0, 2.0}});
  const torch::Tensor targets = torch::tensor({0, 1, 0, 1, 1}, torch::kLong);
  const Evaluation e = evaluate(*identity, forward, loss, {logits, targets}, 2);
  EXPECT_DOUBLE_EQ(e.accuracy, 0.6);
  EXPECT_NEAR(e.loss, torch::nn::functional::cross_entropy(logits, targets).item<double>(), 1e-6);
}

TEST(ComparePair, GivesBothValuesTheDifferenceAndThePercentage) {
  Result a, b;
  a.benchmark = b.benchmark = "bench";
  a.metrics = {{"test_accuracy", "fraction", 0.90, std::nullopt, {}, true},
               {"latency_ms", "ms", 11.0, std::nullopt, {}, false}};
  b.metrics = {{"test_accuracy", "fraction", 0.88, std::nullopt, {}, true},
               {"latency_ms", "ms", 10.0, std::nullopt, {}, false},
               {"only_b", "x", 1.0, std::nullopt, {}, false}};
  const Result row = compare_pair(a, b, "dsl", "native", {"latency_ms", "test_accuracy", "only_b"},
                                  Variant{{{"model", "cnn"}}, {}});
  EXPECT_EQ(row.variant.name(), "model=cnn");
  ASSERT_EQ(row.metrics.size(), 8u);
  EXPECT_DOUBLE_EQ(row.find_metric("latency_ms_dsl")->value, 11.0);
  EXPECT_DOUBLE_EQ(row.find_metric("latency_ms_native")->value, 10.0);
  EXPECT_DOUBLE_EQ(row.find_metric("latency_ms_diff")->value, 1.0);
  EXPECT_DOUBLE_EQ(row.find_metric("latency_ms_diff_pct")->value, 10.0);
  EXPECT_NEAR(row.find_metric("test_accuracy_diff")->value, 0.02, 1e-12);
  EXPECT_EQ(row.find_metric("only_b_dsl"), nullptr);
}

}  // namespace
}  // namespace nnbench::suites
