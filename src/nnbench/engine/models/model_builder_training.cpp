// The loss and the optimizer of a network, from the IR's loss, Output activation and optimizer
// settings (the loss-input rule is dsl::loss_input, shared with the emitters).
#include <torch/nn/functional/loss.h>
#include <torch/optim/adam.h>
#include <torch/optim/adamw.h>
#include <torch/optim/rmsprop.h>
#include <torch/optim/sgd.h>

#include "nnbench/core/error.hpp"
#include "nnbench/dsl/emit_pytorch.hpp"
#include "nnbench/engine/models/model_builder.hpp"

namespace nnbench::engine {
namespace {

namespace F = torch::nn::functional;
namespace ir = dsl::ir;
using dsl::LossInput;

// Smallest probability whose log is taken, as Keras clips (epsilon 1e-7).
constexpr double kProbabilityFloor = 1e-7;

// Log-probabilities over the last dimension.
torch::Tensor log_probabilities(LossInput input, const torch::Tensor& output) {
  switch (input) {
    case LossInput::kLogits:
      return torch::log_softmax(output, -1);
    case LossInput::kProbabilities:
      return torch::log(output.clamp(kProbabilityFloor, 1.0));
    case LossInput::kLogProbabilities:
      return output;
  }
  return output;
}

torch::Tensor sparse_cross_entropy(LossInput input, const torch::Tensor& output,
                                   const torch::Tensor& target) {
  // Views only where the shapes need them: each is an autograd node in every training step.
  torch::Tensor log_p = log_probabilities(input, output);
  if (log_p.dim() != 2) log_p = log_p.reshape({-1, output.size(-1)});
  const torch::Tensor flat_target = target.dim() == 1 ? target : target.reshape({-1});
  return F::nll_loss(log_p, flat_target.to(torch::kInt64));
}

torch::Tensor categorical_cross_entropy(LossInput input, const torch::Tensor& output,
                                        const torch::Tensor& target) {
  return -(target.to(output.scalar_type()) * log_probabilities(input, output)).sum(-1).mean();
}

torch::Tensor binary_cross_entropy(LossInput input, const torch::Tensor& output,
                                   const torch::Tensor& target) {
  const torch::Tensor t = target.to(output.scalar_type());
  if (input == LossInput::kProbabilities) {
    return F::binary_cross_entropy(output.clamp(kProbabilityFloor, 1.0 - kProbabilityFloor), t);
  }
  return F::binary_cross_entropy_with_logits(output, t);
}

}  // namespace

LossFunction make_loss(const ir::Network& network) {
  const LossInput input = dsl::loss_input(network);
  switch (network.loss) {
    case ir::Loss::kSparseCategoricalCrossentropy:
      return [input](const torch::Tensor& output, const torch::Tensor& target) {
        return sparse_cross_entropy(input, output, target);
      };
    case ir::Loss::kCategoricalCrossentropy:
      return [input](const torch::Tensor& output, const torch::Tensor& target) {
        return categorical_cross_entropy(input, output, target);
      };
    case ir::Loss::kBinaryCrossentropy:
      return [input](const torch::Tensor& output, const torch::Tensor& target) {
        return binary_cross_entropy(input, output, target);
      };
    case ir::Loss::kMse:
      return [](const torch::Tensor& output, const torch::Tensor& target) {
        return F::mse_loss(output, target.to(output.scalar_type()));
      };
    case ir::Loss::kMae:
      return [](const torch::Tensor& output, const torch::Tensor& target) {
        return F::l1_loss(output, target.to(output.scalar_type()));
      };
  }
  throw InputError("model builder: unknown loss");
}

std::unique_ptr<torch::optim::Optimizer> make_optimizer(const ir::Optimizer& s,
                                                        std::vector<torch::Tensor> parameters) {
  switch (s.kind) {
    case ir::OptimizerKind::kSgd:
      return std::make_unique<torch::optim::SGD>(std::move(parameters),
                                                 torch::optim::SGDOptions(s.learning_rate)
                                                     .momentum(s.momentum)
                                                     .nesterov(s.nesterov)
                                                     .weight_decay(s.weight_decay));
    case ir::OptimizerKind::kAdam:
      return std::make_unique<torch::optim::Adam>(std::move(parameters),
                                                  torch::optim::AdamOptions(s.learning_rate)
                                                      .betas({s.beta1, s.beta2})
                                                      .eps(s.epsilon)
                                                      .weight_decay(s.weight_decay));
    case ir::OptimizerKind::kAdamW:
      return std::make_unique<torch::optim::AdamW>(std::move(parameters),
                                                   torch::optim::AdamWOptions(s.learning_rate)
                                                       .betas({s.beta1, s.beta2})
                                                       .eps(s.epsilon)
                                                       .weight_decay(s.weight_decay));
    case ir::OptimizerKind::kRmsprop:
      return std::make_unique<torch::optim::RMSprop>(std::move(parameters),
                                                     torch::optim::RMSpropOptions(s.learning_rate)
                                                         .alpha(s.alpha)
                                                         .eps(s.epsilon)
                                                         .weight_decay(s.weight_decay)
                                                         .momentum(s.momentum));
  }
  throw InputError("model builder: unknown optimizer");
}

}  // namespace nnbench::engine
