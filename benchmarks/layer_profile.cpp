// layer_profile: the layers of a language model (a name in models/ or a path to a .nn file) run one
// at a time. Memory, once in set-up with the allocators' own reports around each layer: what its
// inference forward allocates and keeps (its output) and its peak, and in training mode what it
// keeps (its output and what autograd saves for backward). Time, in every sample: each layer's
// forward pass timed on its own (on a GPU with a synchronisation after each layer, so the sum is
// above an uninterrupted forward pass). Metrics per layer: layerNN_<name>_output_bytes,
// _peak_bytes, _kept_bytes and _ms (with the statistics of its samples).
#include <algorithm>
#include <chrono>
#include <filesystem>

#include <fmt/format.h>
#include <torch/torch.h>

#include "nnbench/core/benchmark.hpp"
#include "nnbench/core/error.hpp"
#include "nnbench/core/measurement.hpp"
#include "nnbench/engine/instruments/allocation_tracker.hpp"
#include "nnbench/engine/models/model_builder.hpp"
#include "nnbench/engine/runtime/torch_runtime.hpp"
#include "nnbench/suites/inputs.hpp"
#include "nnbench/suites/model_catalogue.hpp"

namespace {

using Where = nnbench::engine::AllocationTracker::Where;

class LayerProfile final : public nnbench::Benchmark {
 public:
  std::string description() const override {
    return "The layers of a .nn model one at a time: memory and time of each";
  }

  std::vector<nnbench::Axis> axes() const override {
    namespace suites = nnbench::suites;
    return {suites::model_axis({"simple_mlp", "cnn", "deep_mlp"}, {suites::ModelKind::LanguageFile},
                               "a model-language file: a name in models/ or a path"),
            nnbench::int_axis("batch_size", {32}, "samples per forward pass")};
  }

  void setup(nnbench::State& state) override {
    namespace engine = nnbench::engine;
    device_ = engine::resolve_device(state.device());
    where_ = device_.is_cuda() ? Where::kDevice : Where::kHost;
    const long long batch = state.get_int("batch_size");
    const nnbench::dsl::ir::Network network =
        nnbench::suites::load_language_model(nnbench::suites::resolve_model(
            state.get_string("model"), {nnbench::suites::ModelKind::LanguageFile}));
    built_ = engine::build_model(network, {state.seed()});
    built_.module->to(device_);
    input_ = engine::example_input(network, batch).to(device_);
    const std::size_t layers = built_.module->layer_count();
    names_.clear();
    for (std::size_t i = 0; i < layers; ++i) {
      names_.push_back(fmt::format("layer{:02}_{}", i + 1, built_.module->layer_name(i)));
    }
    times_ms_.assign(layers, {});

    const auto bytes = [&](const std::string& name, std::int64_t value) {
      state.add_metric(name, static_cast<double>(value), "bytes");
    };
    {  // one whole pass first: what the libraries allocate once per process and keep (cuBLAS's
       // workspace, on a GPU) would otherwise count as the first layer that calls them
      torch::InferenceMode inference;
      built_.module->eval();
      built_.infer(input_);
      engine::synchronize(device_);
    }
    {  // inference: each layer's output and peak
      torch::InferenceMode inference;
      torch::Tensor x = input_;
      for (std::size_t i = 0; i < layers; ++i) {
        torch::Tensor y;
        {  // the input is released only after the tracker is gone: not this layer's doing
          engine::AllocationTracker tracker;
          y = built_.module->forward_layer(i, x);
          engine::synchronize(device_);
          bytes(names_[i] + "_output_bytes", tracker.current(where_));
          bytes(names_[i] + "_peak_bytes", tracker.peak(where_));
        }
        x = y;
      }
    }
    {  // training: what each layer keeps for backward, its output included
      built_.module->train();
      torch::Tensor x = input_;
      std::vector<torch::Tensor> kept;  // every layer's output, as a forward pass keeps them
      for (std::size_t i = 0; i < layers; ++i) {
        engine::AllocationTracker tracker;
        x = built_.module->forward_layer(i, x);
        engine::synchronize(device_);
        kept.push_back(x);
        bytes(names_[i] + "_kept_bytes", tracker.current(where_));
      }
    }
    built_.module->eval();
    state.set_items_per_iteration(static_cast<double>(batch), "samples");
    state.add_metric("parameter_count", static_cast<double>(network.total_params), "parameters");
    state.set_label("model", network.name);
    state.set_label("framework", "libtorch");
    state.set_label("mode", "eager");
    state.set_label("dtype", "fp32");
    std::vector<std::int64_t> shape{batch};
    shape.insert(shape.end(), network.input_shape.begin(), network.input_shape.end());
    state.set_label("input_shape", nnbench::suites::shape_text(shape));
    if (device_.is_cuda()) {
      state.add_note("layer times include a device synchronisation after each layer");
    }
  }

  // One forward pass per sample, so that a sample's layer times are that sample's; the warm-up
  // passes' times are dropped in finish().
  void adjust_measurement(const nnbench::State&,
                          nnbench::MeasurementConfig& config) const override {
    config.iterations_per_sample = 1;
    warmup_ = config.warmup_iterations;
  }

  void run_once(nnbench::State&) override {
    torch::InferenceMode inference;
    torch::Tensor x = input_;
    for (std::size_t i = 0; i < names_.size(); ++i) {
      const auto start = std::chrono::steady_clock::now();
      x = built_.module->forward_layer(i, x);
      nnbench::engine::synchronize(device_);
      times_ms_[i].push_back(
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
              .count());
    }
  }

  void finish(nnbench::State& state) override {
    for (std::size_t i = 0; i < names_.size(); ++i) {
      const std::vector<double>& all = times_ms_[i];
      const auto skip = std::min<std::size_t>(static_cast<std::size_t>(warmup_), all.size());
      nnbench::ExtraMetric metric;
      metric.name = names_[i] + "_ms";
      metric.unit = "ms";
      metric.samples.assign(all.begin() + static_cast<std::ptrdiff_t>(skip), all.end());
      if (metric.samples.empty()) continue;
      state.add_metric(std::move(metric));
    }
  }

  void teardown(nnbench::State&) override {
    built_ = nnbench::engine::BuiltModel{};
    input_ = torch::Tensor();
    times_ms_.clear();
  }

 private:
  torch::Device device_{torch::kCPU};
  Where where_ = Where::kHost;
  nnbench::engine::BuiltModel built_;
  torch::Tensor input_;
  std::vector<std::string> names_;
  std::vector<std::vector<double>> times_ms_;  // per layer, one entry per forward pass
  mutable int warmup_ = 0;                     // forward passes before the samples
};

}  // namespace

NNBENCH_REGISTER(LayerProfile, "layer_profile");
