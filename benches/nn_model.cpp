// nn_model: inference (forward passes) of any model written in the language, given with
// --option model=FILE.nn (default: models/cnn.nn). Every search space of the file
// (HPO(choice(...)), HPO(range(...)), HPO(log_range(...))) becomes an axis of the run, so one
// .nn file describes a sweep; log_range values are drawn with --option hpo_samples=N (default 3)
// from a generator seeded with --option hpo_seed=N (default 0). Other options: network=NAME.
#include <filesystem>

#include <torch/torch.h>

#include "nnbench/core/benchmark.hpp"
#include "nnbench/core/error.hpp"
#include "nnbench/dsl/compile.hpp"
#include "nnbench/engine/model_builder.hpp"
#include "nnbench/engine/torch_runtime.hpp"
#include "nnbench/suites/inputs.hpp"

namespace {

std::string option_or(const std::map<std::string, std::string>& options, const std::string& key,
                      const std::string& fallback) {
  const auto it = options.find(key);
  return it == options.end() || it->second.empty() ? fallback : it->second;
}

// log_range draws: hpo_samples values from a generator seeded with hpo_seed (planning and every
// variant's compile draw the same values).
nnbench::dsl::HpoSampling sampling_from(const std::map<std::string, std::string>& options) {
  nnbench::dsl::HpoSampling sampling;
  sampling.samples = static_cast<int>(nnbench::count_option(options, "hpo_samples", 3));
  if (sampling.samples < 1) throw nnbench::InputError("option hpo_samples: expected >= 1");
  sampling.seed = static_cast<std::uint64_t>(nnbench::count_option(options, "hpo_seed", 0));
  return sampling;
}

class NnModel final : public nnbench::Benchmark {
 public:
  std::string description() const override {
    return "Forward pass of a .nn model (--option model=FILE); its search spaces become axes";
  }

  std::vector<nnbench::Axis> axes() const override {
    return {nnbench::int_axis("batch_size", {1, 32}, "samples per forward pass")};
  }

  std::vector<nnbench::Axis> axes_for_options(
      const std::map<std::string, std::string>& options) const override {
    const std::string file = model_file(options);
    std::vector<nnbench::Axis> axes =
        nnbench::dsl::search_axes(nnbench::dsl::SourceFile::read(file),
                                  option_or(options, "network", ""), sampling_from(options));
    for (nnbench::Axis& axis : axes) axis.description = "search space in " + file;
    axes.push_back(this->axes().front());  // batch size innermost: one model per HPO point
    return axes;
  }

  void setup(nnbench::State& state) override {
    device_ = nnbench::engine::resolve_device(state.device());
    nnbench::dsl::CompileOptions options;
    options.sampling = sampling_from({{"hpo_samples", state.option("hpo_samples", "3")},
                                      {"hpo_seed", state.option("hpo_seed", "0")}});
    for (const auto& [axis, value] : state.variant().values) {
      if (axis != "batch_size") options.hpo_values[axis] = value;
    }
    const std::vector<nnbench::dsl::ir::Network> networks =
        nnbench::dsl::compile_file(model_file({{"model", state.option("model")}}), options);
    const std::string wanted = state.option("network");
    const nnbench::dsl::ir::Network* network = &networks.front();
    for (const auto& candidate : networks) {
      if (candidate.name == wanted) network = &candidate;
    }
    if (!wanted.empty() && network->name != wanted) {
      throw nnbench::InputError("no network '" + wanted + "' in " + state.option("model"));
    }
    const long long batch_size = state.get_int("batch_size");
    if (batch_size < 1) throw nnbench::InputError("axis 'batch_size': expected >= 1");
    built_ = nnbench::engine::build_model(*network, {state.seed()});
    built_.module->to(device_);
    built_.module->eval();
    input_ = nnbench::engine::example_input(*network, batch_size).to(device_);

    state.set_items_per_iteration(static_cast<double>(batch_size), "samples");
    state.set_flops_per_iteration(2.0 * static_cast<double>(network->total_macs * batch_size));
    state.add_metric("parameter_count", static_cast<double>(network->total_params), "parameters");
    state.set_label("model", network->name);
    state.set_label("framework", "libtorch");
    state.set_label("mode", "eager");
    state.set_label("dtype", "fp32");
    std::vector<std::int64_t> shape{batch_size};
    shape.insert(shape.end(), network->input_shape.begin(), network->input_shape.end());
    state.set_label("input_shape", nnbench::suites::shape_text(shape));
  }

  void run_once(nnbench::State&) override {
    torch::InferenceMode guard;
    output_ = built_.module->predict(input_);
    nnbench::engine::synchronize(device_);
  }

  void teardown(nnbench::State&) override {
    built_ = nnbench::engine::BuiltModel{};
    input_ = output_ = torch::Tensor();
  }

 private:
  static std::string model_file(const std::map<std::string, std::string>& options) {
    return option_or(options, "model", std::string(NNBENCH_SOURCE_DIR) + "/models/cnn.nn");
  }

  torch::Device device_{torch::kCPU};
  nnbench::engine::BuiltModel built_;
  torch::Tensor input_, output_;
};

}  // namespace

NNBENCH_REGISTER(NnModel, "nn_model");
