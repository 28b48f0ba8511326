// The three seed models (seed 001: simple_mlp, cnn, deep_mlp) written by hand as LibTorch
// modules, the way a LibTorch user writes them: the "native" side of the dsl-vs-native suite.
// Layers are constructed in the order the model language's builder constructs them, so with one
// seed both start from identical weights.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <torch/nn/module.h>
#include <torch/types.h>

namespace nnbench::suites {

// A classifier on (N, 1, 28, 28) images returning (N, 10) logits.
class NativeClassifier : public torch::nn::Module {
 public:
  virtual torch::Tensor forward(torch::Tensor images) = 0;
};

// Names accepted by make_native_model.
const std::vector<std::string>& native_model_names();

// torch::manual_seed(seed), then the model. Throws InputError for an unknown name.
std::shared_ptr<NativeClassifier> make_native_model(const std::string& name, std::uint64_t seed);

}  // namespace nnbench::suites
