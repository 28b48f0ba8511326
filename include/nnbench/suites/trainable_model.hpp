// A model to train, by the name a suite's `model` axis gives: one of the language's (models/*.nn,
// or --option model=FILE) with the loss and optimizer its file names, or one of the zoo's
// (resnet50, vit_b_16, scaling_mlp) with cross-entropy over its logits and Adam 1e-3. The memory
// and ddp-train suites train them.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "nnbench/dsl/ir.hpp"
#include "nnbench/suites/memory_breakdown.hpp"
#include "nnbench/suites/model_catalogue.hpp"

namespace nnbench {
class State;
}

namespace nnbench::suites {

struct TrainableModel {
  std::string name;  // the model label: the network's name, or the zoo model's
  std::shared_ptr<torch::nn::Module> module;  // on the device, in the dtype, training mode
  TrainingStep step;
  std::optional<dsl::ir::Network> network;  // the language's models only
  std::vector<std::int64_t> sample_shape;   // one input sample
  // What targets are: class ids in [0, classes) when classes > 0, else values shaped like one
  // sample's output (output_shape).
  std::int64_t classes = 0;
  std::vector<std::int64_t> output_shape;
};

// Builds `model` (a zoo model or a model-language file, model_catalogue.hpp) with weights from the
// run's seed, so every rank of a job starts from the same ones. Throws InputError for a decoder
// preset or a file that does not compile.
TrainableModel make_trainable_model(const State& state, const ModelSource& model,
                                    torch::ScalarType dtype, const torch::Device& device);

// The same for a network of the language already compiled.
TrainableModel make_trainable_model(const State& state, const dsl::ir::Network& network,
                                    torch::ScalarType dtype, const torch::Device& device);

struct TrainingBatch {
  torch::Tensor input, target;
};

// `batch` seeded samples with their targets, made on the CPU from `seed` then moved: the same
// numbers on every device and every rank, so rank r's part of a global batch is
// make_training_batch(global).narrow(0, r * per_rank, per_rank).
TrainingBatch make_training_batch(const TrainableModel& model, std::int64_t batch,
                                  torch::ScalarType dtype, const torch::Device& device,
                                  std::uint64_t seed);

}  // namespace nnbench::suites
