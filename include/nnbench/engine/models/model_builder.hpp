// The in-process LibTorch back end of the model language: a checked network (dsl::ir::Network)
// -> a torch::nn::Module, its loss and an optimizer factory. What the training and inference
// suites run. The emitters (dsl/emit_torch_cpp.hpp, dsl/emit_pytorch.hpp) write the same
// architecture as source text; tests check that the three agree.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <torch/nn/module.h>
#include <torch/nn/modules/container/any.h>
#include <torch/nn/pimpl.h>
#include <torch/optim/optimizer.h>
#include <torch/types.h>

#include "nnbench/dsl/ir.hpp"
#include "nnbench/engine/models/inference_fusion.hpp"

namespace nnbench::engine {

// The layers of a network (or of a Residual body) in order, each registered under its IR name
// (the part after the last '/', so "residual_1/conv2d_3" is "conv2d_3" inside "residual_1").
// fuse_for_inference (engine/inference_fusion.hpp) replaces each 2-D convolution and the
// BatchNormalization and Activation("relu") right after it with one FusedConv2d, registered
// under the convolution's name, and moves the ReLU after a Residual into the Residual's last
// convolution when that is a fused one.
class LayerStackImpl : public torch::nn::Module, public InferenceFusable {
 public:
  explicit LayerStackImpl(const std::vector<dsl::ir::Layer>& layers);
  // Applies every layer in order. Input (N, *first layer's input_shape).
  torch::Tensor forward(torch::Tensor input);
  // Applies the first `count` layers.
  torch::Tensor forward_prefix(torch::Tensor input, std::size_t count);
  // Layer i's module.
  std::shared_ptr<torch::nn::Module> layer_module(std::size_t i) const {
    return layers_.at(i).ptr();
  }
  void fuse_for_inference(FusionReport& report) override;
  // The layers one at a time (a layer-by-layer profile): how many, the name each is registered
  // under, and layer i applied to its input.
  std::size_t layer_count() const { return layers_.size(); }
  const std::string& layer_name(std::size_t i) const { return names_.at(i); }
  torch::Tensor forward_layer(std::size_t i, const torch::Tensor& input) {
    return layers_.at(i).forward(input);
  }

 private:
  std::vector<torch::nn::AnyModule> layers_;
  std::vector<std::string> names_;
  std::vector<bool> is_relu_;  // an Activation("relu") layer
};
TORCH_MODULE(LayerStack);

// A whole network. forward() is the training forward: when the Output's activation is folded
// into the loss (DenseAttrs::activation_in_loss) it returns the logits. predict() is the
// inference forward: forward() followed by that folded activation, if any; it neither switches
// to eval() nor disables autograd, which stay the caller's choice.
class IrNetworkImpl : public LayerStackImpl {
 public:
  explicit IrNetworkImpl(const dsl::ir::Network& network);
  torch::Tensor predict(torch::Tensor input);
  // True when predict() applies an activation that forward() leaves to the loss.
  bool has_folded_activation() const { return folded_; }

 private:
  dsl::ir::Activation final_activation_;
  bool folded_ = false;
};
TORCH_MODULE(IrNetwork);

// loss(output of IrNetwork::forward, target) -> scalar mean over the batch. Targets:
// sparse_categorical_crossentropy: int64 class ids shaped like the output without its last
// dimension; categorical_crossentropy: probabilities shaped like the output; binary
// crossentropy, mse, mae: float values shaped like the output. Whether the output is read as
// logits, probabilities or log-probabilities follows dsl::loss_input() (dsl/emit_pytorch.hpp),
// the rule the emitters share.
using LossFunction =
    std::function<torch::Tensor(const torch::Tensor& output, const torch::Tensor& target)>;

// An optimizer over `parameters` with the IR's settings. The caller owns the result.
using OptimizerFactory =
    std::function<std::unique_ptr<torch::optim::Optimizer>(std::vector<torch::Tensor> parameters)>;

// What build_model() returns. Like any torch::nn::Module it is not thread-safe: one thread uses
// it at a time. To run elsewhere, call module->to(device) before make_optimizer(module->
// parameters()); inputs and targets must be on the same device.
struct BuiltModel {
  IrNetwork module{nullptr};
  LossFunction loss;
  OptimizerFactory make_optimizer;

  // Training forward (logits when the final activation is folded into the loss).
  torch::Tensor forward(const torch::Tensor& input) const { return module.ptr()->forward(input); }
  // Inference forward (final activation applied).
  torch::Tensor infer(const torch::Tensor& input) const { return module.ptr()->predict(input); }
  // Sum of numel() over module->parameters(); equals the IR's total_params.
  std::int64_t parameter_count() const;
};

struct BuildOptions {
  // torch::manual_seed(seed) runs right before the modules are constructed, so two builds with
  // one seed start from identical weights.
  std::uint64_t seed = 0;
};

// Builds the module (on the CPU, fp32, training mode), its loss and optimizer factory. Reseeds
// torch's global generator (options.seed). Throws InputError when the IR is inconsistent (an
// attribute variant that does not match its kind, a network without layers).
BuiltModel build_model(const dsl::ir::Network& network, const BuildOptions& options = {});

// The module for one layer (a Residual includes its body and projection).
torch::nn::AnyModule make_layer(const dsl::ir::Layer& layer);

// The loss of `network` as described on LossFunction.
LossFunction make_loss(const dsl::ir::Network& network);

// SGD (momentum, nesterov), Adam, AdamW or RMSprop with the IR's learning rate, weight decay,
// betas, epsilon, alpha and momentum.
std::unique_ptr<torch::optim::Optimizer> make_optimizer(const dsl::ir::Optimizer& settings,
                                                        std::vector<torch::Tensor> parameters);

// A random batch the network accepts: (batch, *input_shape), float32 N(0, 1) values, or int64
// token ids in [0, vocabulary) when the input is token ids. Uses the global torch generator.
torch::Tensor example_input(const dsl::ir::Network& network, std::int64_t batch);

// Applies an IR activation to a batch; softmax/log_softmax normalise over LibTorch dimension
// activation.dim + 1 (the IR's dim excludes the batch dimension).
torch::Tensor apply_activation(const dsl::ir::Activation& activation, const torch::Tensor& x);

}  // namespace nnbench::engine
