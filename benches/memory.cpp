// memory: where the memory of training and inference goes, for the models of the language
// (models/*.nn: simple_mlp, cnn, deep_mlp; --option model=FILE adds any other .nn file), per batch
// size and dtype. Setup measures one training step phase by phase with the allocators' own
// reports (suites::measure_memory_breakdown): parameters, what the forward pass keeps for
// backward, gradients, the optimizer's state (the file's optimizer: Adam for the seed models),
// the peaks of backward and of the whole step, and the peak of an inference forward pass. Next to
// them the language's analytic estimate (the shape checker's parameter count and per-layer output
// sizes) and measured / estimate ratios. The timed part is the training step itself.
#include <filesystem>

#include <torch/torch.h>

#include "nnbench/core/benchmark.hpp"
#include "nnbench/core/error.hpp"
#include "nnbench/dsl/ir.hpp"
#include "nnbench/engine/model_builder.hpp"
#include "nnbench/engine/torch_runtime.hpp"
#include "nnbench/suites/inputs.hpp"
#include "nnbench/suites/language_model.hpp"
#include "nnbench/suites/memory_breakdown.hpp"

namespace {

namespace fs = std::filesystem;

class Memory final : public nnbench::Benchmark {
 public:
  std::string description() const override {
    return "Training-step and inference memory, phase by phase, measured and estimated";
  }

  std::vector<nnbench::Axis> axes() const override {
    return {nnbench::suites::language_model_axis(),
            nnbench::string_axis("dtype", {"fp32"}, "element type", {"fp32", "fp16", "bf16"}),
            nnbench::int_axis("batch_size", {32, 128}, "samples per step")};
  }

  void setup(nnbench::State& state) override {
    namespace engine = nnbench::engine;
    device_ = engine::resolve_device(state.device());
    const torch::ScalarType dtype = engine::parse_dtype(state.get_string("dtype"));
    if (device_.is_cpu() && dtype == torch::kFloat16) {
      state.skip(
          "fp16 training on the CPU: LibTorch's CPU kernels lack fp16 for some of the "
          "layers; use bf16 or a GPU");
    }
    const long long batch = state.get_int("batch_size");
    if (batch < 1) throw nnbench::InputError("axis 'batch_size': expected >= 1");
    const nnbench::dsl::ir::Network network = nnbench::suites::load_language_model(
        fs::path(NNBENCH_SOURCE_DIR) / "models", state.get_string("model"), state.option("model"));

    built_ = engine::build_model(network, {state.seed()});
    built_.module->to(device_, dtype);
    built_.module->train();
    input_ = engine::example_input(network, batch).to(device_, dtype);
    // Targets for the output (per sample: network.output_shape): class ids or values.
    torch::manual_seed(state.seed());
    std::vector<std::int64_t> output_shape{batch};
    output_shape.insert(output_shape.end(), network.output_shape.begin(),
                        network.output_shape.end());
    if (network.loss == nnbench::dsl::ir::Loss::kSparseCategoricalCrossentropy) {
      output_shape.pop_back();
      target_ = torch::randint(network.output_shape.back(), output_shape, torch::kInt64);
    } else {
      target_ = torch::rand(output_shape).to(dtype);
    }
    target_ = target_.to(device_);

    nnbench::suites::TrainingStep step;
    step.forward = [this](const torch::Tensor& x) { return built_.forward(x); };
    step.infer = [this](const torch::Tensor& x) { return built_.infer(x); };
    step.loss = built_.loss;
    step.make_optimizer = [this] { return built_.make_optimizer(built_.module->parameters()); };
    const nnbench::suites::MemoryBreakdown b = nnbench::suites::measure_memory_breakdown(
        built_.module->parameters(), step, input_, target_, device_);
    optimizer_ = built_.make_optimizer(built_.module->parameters());

    const auto bytes = [&](const char* name, std::int64_t value) {
      state.add_metric(name, static_cast<double>(value), "bytes");
    };
    bytes("parameter_bytes", b.parameter_bytes);
    bytes("activation_bytes", b.activation_bytes);
    bytes("gradient_bytes", b.gradient_bytes);
    bytes("optimizer_state_bytes", b.optimizer_state_bytes);
    bytes("backward_peak_bytes", b.backward_peak_bytes);
    bytes("training_step_peak_bytes", b.step_peak_bytes);
    bytes("inference_peak_bytes", b.inference_peak_bytes);
    // The language's estimate: parameters and every layer's output, per sample in fp32.
    const double element = static_cast<double>(c10::elementSize(dtype));
    const double estimated_parameters = static_cast<double>(network.total_params) * element;
    const double estimated_activations = static_cast<double>(network.total_activation_bytes) / 4.0 *
                                         element * static_cast<double>(batch);
    state.add_metric("estimated_parameter_bytes", estimated_parameters, "bytes");
    state.add_metric("estimated_activation_bytes", estimated_activations, "bytes");
    state.add_metric("parameter_bytes_over_estimate",
                     static_cast<double>(b.parameter_bytes) / estimated_parameters, "ratio");
    state.add_metric("activation_bytes_over_estimate",
                     static_cast<double>(b.activation_bytes) / estimated_activations, "ratio");
    state.add_metric("activation_bytes_per_sample",
                     static_cast<double>(b.activation_bytes) / static_cast<double>(batch), "bytes");
    state.add_metric("parameter_count", static_cast<double>(network.total_params), "parameters");

    state.set_items_per_iteration(static_cast<double>(batch), "samples");
    state.set_label("model", network.name);
    state.set_label("framework", "libtorch");
    state.set_label("mode", "train");
    state.set_label("dtype", state.get_string("dtype"));
    std::vector<std::int64_t> shape{batch};
    shape.insert(shape.end(), network.input_shape.begin(), network.input_shape.end());
    state.set_label("input_shape", nnbench::suites::shape_text(shape));
    state.add_note(device_.is_cuda() ? "memory: CUDA caching allocator blocks handed to tensors"
                                     : "memory: LibTorch CPU allocator, tensor buffers");
  }

  void run_once(nnbench::State&) override {
    optimizer_->zero_grad();
    const torch::Tensor loss = built_.loss(built_.forward(input_), target_);
    loss.backward();
    optimizer_->step();
    nnbench::engine::synchronize(device_);
  }

  void teardown(nnbench::State&) override {
    optimizer_.reset();
    built_ = nnbench::engine::BuiltModel{};
    input_ = target_ = torch::Tensor();
  }

 private:
  torch::Device device_{torch::kCPU};
  nnbench::engine::BuiltModel built_;
  std::unique_ptr<torch::optim::Optimizer> optimizer_;
  torch::Tensor input_, target_;
};

}  // namespace

NNBENCH_REGISTER(Memory, "memory");
