// loss_input() and inference_activation(): how every back end feeds the network's training
// output to its loss, and what it applies on top at inference (see emit_pytorch.hpp).
#include <variant>

#include "nnbench/dsl/emit_pytorch.hpp"

namespace nnbench::dsl {
namespace {

// The activation the last top-level layer applies in the training forward.
ir::ActivationKind final_activation(const ir::Network& network) {
  if (network.layers.empty()) return ir::ActivationKind::kLinear;
  const ir::Layer& last = network.layers.back();
  if (const auto* dense = std::get_if<ir::DenseAttrs>(&last.attrs)) {
    return dense->activation_in_loss ? ir::ActivationKind::kLinear : dense->activation.kind;
  }
  if (const auto* conv = std::get_if<ir::ConvAttrs>(&last.attrs)) return conv->activation.kind;
  if (const auto* act = std::get_if<ir::ActivationAttrs>(&last.attrs)) return act->activation.kind;
  return ir::ActivationKind::kLinear;
}

}  // namespace

LossInput loss_input(const ir::Network& network) {
  const ir::ActivationKind kind = final_activation(network);
  switch (network.loss) {
    case ir::Loss::kSparseCategoricalCrossentropy:
    case ir::Loss::kCategoricalCrossentropy:
      if (kind == ir::ActivationKind::kSoftmax) return LossInput::kProbabilities;
      if (kind == ir::ActivationKind::kLogSoftmax) return LossInput::kLogProbabilities;
      return LossInput::kLogits;
    case ir::Loss::kBinaryCrossentropy:
      return kind == ir::ActivationKind::kSigmoid ? LossInput::kProbabilities : LossInput::kLogits;
    case ir::Loss::kMse:
    case ir::Loss::kMae:
      return LossInput::kLogits;
  }
  return LossInput::kLogits;
}

const ir::Activation* inference_activation(const ir::Network& network) {
  if (network.layers.empty() || network.layers.back().kind != ir::LayerKind::kOutput) {
    return nullptr;
  }
  const auto& a = std::get<ir::DenseAttrs>(network.layers.back().attrs);
  return a.activation_in_loss ? &a.activation : nullptr;
}

}  // namespace nnbench::dsl
