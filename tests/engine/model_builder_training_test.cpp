// The optimizer factory: every optimizer kind takes the IR's settings, and one step on a tiny
// fixed batch lowers the loss.
#include <gtest/gtest.h>

#include <string>

#include <torch/optim/adam.h>
#include <torch/optim/adamw.h>
#include <torch/optim/rmsprop.h>
#include <torch/optim/sgd.h>
#include <torch/torch.h>

#include "model_test_util.hpp"
#include "nnbench/engine/models/model_builder.hpp"

namespace nnbench::engine {
namespace {

namespace ir = dsl::ir;
using testing::compile_one;
using testing::network_text;

struct OptimizerCase {
  std::string label;
  std::string optimizer;
  ir::OptimizerKind kind;
};

void PrintTo(const OptimizerCase& c, std::ostream* os) { *os << c.label; }

class OptimizerStep : public ::testing::TestWithParam<OptimizerCase> {};

TEST_P(OptimizerStep, LowersTheLoss_WhenOneStepIsTaken) {
  const OptimizerCase& c = GetParam();
  const ir::Network net =
      compile_one(network_text("(8,)", "Dense(16, \"relu\")\nOutput(3, \"softmax\")",
                               "\"sparse_categorical_crossentropy\"", c.optimizer));
  ASSERT_EQ(net.optimizer.kind, c.kind);
  BuiltModel built = build_model(net, {.seed = 1});
  torch::manual_seed(2);
  const torch::Tensor x = torch::randn({16, 8});
  const torch::Tensor y = torch::randint(3, {16}, torch::kInt64);
  auto optimizer = built.make_optimizer(built.module->parameters());
  const torch::Tensor before = built.loss(built.forward(x), y);
  optimizer->zero_grad();
  before.backward();
  optimizer->step();
  torch::NoGradGuard no_grad;
  const torch::Tensor after = built.loss(built.forward(x), y);
  EXPECT_LT(after.item<double>(), before.item<double>());
}

INSTANTIATE_TEST_SUITE_P(
    ModelBuilder, OptimizerStep,
    ::testing::Values(OptimizerCase{"sgd", "SGD(learning_rate=0.1)", ir::OptimizerKind::kSgd},
                      OptimizerCase{"sgd_nesterov",
                                    "SGD(learning_rate=0.1, momentum=0.9, nesterov=true)",
                                    ir::OptimizerKind::kSgd},
                      OptimizerCase{"adam", "Adam(learning_rate=0.01)", ir::OptimizerKind::kAdam},
                      OptimizerCase{"adamw", "AdamW(learning_rate=0.01, weight_decay=0.01)",
                                    ir::OptimizerKind::kAdamW},
                      OptimizerCase{"rmsprop", "RMSprop(learning_rate=0.001, rho=0.9)",
                                    ir::OptimizerKind::kRmsprop}),
    [](const ::testing::TestParamInfo<OptimizerCase>& info) { return info.param.label; });

TEST(ModelBuilderOptimizer, CarriesIrSettings_WhenCreated) {
  ir::Optimizer s;
  s.kind = ir::OptimizerKind::kSgd;
  s.learning_rate = 0.05;
  s.momentum = 0.9;
  s.nesterov = true;
  s.weight_decay = 0.001;
  const std::vector<torch::Tensor> params{torch::zeros({2}, torch::requires_grad())};
  auto sgd = make_optimizer(s, params);
  const auto& so = static_cast<const torch::optim::SGDOptions&>(sgd->defaults());
  EXPECT_DOUBLE_EQ(so.lr(), 0.05);
  EXPECT_DOUBLE_EQ(so.momentum(), 0.9);
  EXPECT_TRUE(so.nesterov());
  EXPECT_DOUBLE_EQ(so.weight_decay(), 0.001);

  s.kind = ir::OptimizerKind::kAdamW;
  s.beta1 = 0.8;
  s.beta2 = 0.95;
  s.epsilon = 1e-6;
  auto adamw = make_optimizer(s, params);
  const auto& ao = static_cast<const torch::optim::AdamWOptions&>(adamw->defaults());
  EXPECT_DOUBLE_EQ(std::get<0>(ao.betas()), 0.8);
  EXPECT_DOUBLE_EQ(std::get<1>(ao.betas()), 0.95);
  EXPECT_DOUBLE_EQ(ao.eps(), 1e-6);
  EXPECT_DOUBLE_EQ(ao.weight_decay(), 0.001);

  s.kind = ir::OptimizerKind::kRmsprop;
  s.alpha = 0.9;
  auto rms = make_optimizer(s, params);
  const auto& ro = static_cast<const torch::optim::RMSpropOptions&>(rms->defaults());
  EXPECT_DOUBLE_EQ(ro.alpha(), 0.9);
  EXPECT_DOUBLE_EQ(ro.momentum(), 0.9);
  EXPECT_DOUBLE_EQ(ro.lr(), 0.05);
}

}  // namespace
}  // namespace nnbench::engine
