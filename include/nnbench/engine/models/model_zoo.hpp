// The inference model zoo: native LibTorch models by name, with what a benchmark needs to feed
// and count them. Random weights (each model's own initialisation, from a seed).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <torch/nn/module.h>
#include <torch/types.h>

#include "nnbench/dsl/ir.hpp"

namespace nnbench::engine {

struct ZooOptions {
  std::int64_t hidden_dim = 512;  // scaling_mlp only
  std::int64_t image_size = 224;  // resnet50 (any size >= 32); vit_b_16 needs a multiple of 16
  std::uint64_t seed = 0;
};

struct ZooModel {
  std::string name;
  std::shared_ptr<torch::nn::Module> module;
  std::function<torch::Tensor(const torch::Tensor&)> forward;
  std::vector<std::int64_t> sample_shape;  // one input sample: {3, 224, 224} or {1024}
  std::int64_t classes = 0;                // logits per sample of the output
  std::int64_t macs_per_sample = 0;
  bool convolutional = false;  // channels_last and cuDNN autotuning apply
  // The language's network when the model came from a .nn file (its first network); null for
  // the native models.
  std::shared_ptr<const dsl::ir::Network> network;
  std::int64_t parameter_count() const;
};

// "resnet50", "vit_b_16", "scaling_mlp".
const std::vector<std::string>& zoo_model_names();

// A name ending in ".nn" is a file in the model language: its first network, built by the
// engine's model builder (inference forward: predict()), seeded with options.seed.
// Throws InputError naming the model and the known ones (with the closest match) for an unknown
// name, or for options the model cannot take; the compiler's diagnostics for a bad .nn file.
ZooModel make_zoo_model(const std::string& name, const ZooOptions& options = {});

}  // namespace nnbench::engine
