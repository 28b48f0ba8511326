// nn_model: inference (forward passes) of any model written in the language, given as its model
// (--models FILE.nn, --axis model=FILE.nn or --option model=FILE.nn; default: models/cnn.nn).
// Every search space of the file (HPO(choice(...)), HPO(range(...)), HPO(log_range(...)))
// becomes an axis of the run, so one .nn file describes a sweep; log_range values are drawn with
// --option hpo_samples=N (default 3) from a generator seeded with --option hpo_seed=N (default 0).
// Other options: network=NAME.
#include <filesystem>

#include <torch/torch.h>

#include "nnbench/core/benchmark.hpp"
#include "nnbench/core/error.hpp"
#include "nnbench/dsl/compile.hpp"
#include "nnbench/engine/models/model_builder.hpp"
#include "nnbench/engine/runtime/torch_runtime.hpp"
#include "nnbench/suites/inputs.hpp"
#include "nnbench/suites/model_catalogue.hpp"

namespace {

namespace suites = nnbench::suites;

// log_range draws: hpo_samples values from a generator seeded with hpo_seed (planning and every
// variant's compile draw the same values).
nnbench::dsl::HpoSampling sampling_from(const nnbench::OptionValues& options) {
  nnbench::dsl::HpoSampling sampling;
  sampling.samples = static_cast<int>(options.get_int("hpo_samples"));
  sampling.seed = static_cast<std::uint64_t>(options.get_int("hpo_seed"));
  return sampling;
}

class NnModel final : public nnbench::Benchmark {
 public:
  std::string description() const override {
    return "Forward pass of one .nn model (--models FILE); its search spaces become axes";
  }

  std::vector<nnbench::Option> options() const override {
    return {nnbench::int_option("hpo_samples", 3, "values drawn from each log_range search space",
                                1, 10000),
            nnbench::int_option("hpo_seed", 0, "seed of the log_range draws"),
            nnbench::string_option("network", "",
                                   "the network of the file to run (default: its first)")};
  }

  std::vector<nnbench::Axis> axes() const override {
    return {suites::model_axis({"cnn"}, {suites::ModelKind::LanguageFile},
                               "one model-language file (its search spaces become axes)"),
            nnbench::int_axis("batch_size", {1, 32}, "samples per forward pass")};
  }

  std::vector<nnbench::Axis> axes_for_run(const nnbench::OptionValues& options,
                                          const nnbench::AxisOverrides& overrides) const override {
    std::vector<nnbench::Axis> axes = this->axes();
    const auto given = overrides.find("model");
    const std::vector<std::string> models =
        given == overrides.end() ? axes.front().values : given->second;
    if (models.size() != 1) {
      throw nnbench::InputError(
          "nn_model sweeps the search spaces of one model file; give it one model (got " +
          std::to_string(models.size()) + ")");
    }
    axes.front().check(models.front());
    const suites::ModelSource source = suites::resolve_model(models.front());
    std::vector<nnbench::Axis> search = nnbench::dsl::search_axes(
        nnbench::dsl::SourceFile::read(source.file.string()),
        options.find_string("network").value_or(""), sampling_from(options));
    for (nnbench::Axis& axis : search) axis.description = "search space in " + source.file.string();
    // The model outermost, batch size innermost: one model per HPO point.
    axes.insert(axes.begin() + 1, search.begin(), search.end());
    return axes;
  }

  void setup(nnbench::State& state) override {
    device_ = nnbench::engine::resolve_device(state.device());
    nnbench::dsl::CompileOptions options;
    options.sampling = sampling_from(state.options());
    for (const auto& [axis, value] : state.variant().values) {
      if (axis != "batch_size" && axis != "model") options.hpo_values[axis] = value;
    }
    const suites::ModelSource source = suites::resolve_model(state.get_string("model"));
    const std::vector<nnbench::dsl::ir::Network> networks =
        nnbench::dsl::compile_file(source.file.string(), options);
    const std::string wanted = state.options().find_string("network").value_or("");
    const nnbench::dsl::ir::Network* network = &networks.front();
    for (const auto& candidate : networks) {
      if (candidate.name == wanted) network = &candidate;
    }
    if (!wanted.empty() && network->name != wanted) {
      throw nnbench::InputError("no network '" + wanted + "' in " + source.file.string());
    }
    const long long batch_size = state.get_int("batch_size");
    built_ = nnbench::engine::build_model(*network, {state.seed()});
    built_.module->to(device_);
    built_.module->eval();
    input_ = nnbench::engine::example_input(*network, batch_size).to(device_);

    state.set_items_per_iteration(static_cast<double>(batch_size), "samples");
    state.set_flops_per_iteration(2.0 * static_cast<double>(network->total_macs * batch_size));
    state.add_metric("parameter_count", static_cast<double>(network->total_params), "parameters");
    state.set_label("model", network->name);
    state.set_label("model_file", source.file.string());
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
  torch::Device device_{torch::kCPU};
  nnbench::engine::BuiltModel built_;
  torch::Tensor input_, output_;
};

}  // namespace

NNBENCH_REGISTER(NnModel, "nn_model");
