// memory: where the memory of training and inference goes, for the models of the language
// (models/*.nn: simple_mlp, cnn, deep_mlp by default; any .nn file by name or path) and the
// zoo's (resnet50, vit_b_16, scaling_mlp: cross-entropy over their logits, Adam 1e-3), per batch
// size and dtype. Setup measures one training step phase by phase with the allocators' own
// reports (suites::measure_memory_breakdown): parameters, what the forward pass keeps for
// backward, gradients, the optimizer's state (the file's optimizer: Adam for the seed models),
// the peaks of backward and of the whole step, and the peak of an inference forward pass. Next to
// them, for the language's models, its analytic estimate (the shape checker's parameter count and
// per-layer output sizes) and measured / estimate ratios. The timed part is the training step.
#include <algorithm>
#include <optional>

#include <torch/torch.h>

#include "nnbench/core/benchmark.hpp"
#include "nnbench/core/error.hpp"
#include "nnbench/dsl/ir.hpp"
#include "nnbench/engine/runtime/torch_runtime.hpp"
#include "nnbench/suites/inputs.hpp"
#include "nnbench/suites/memory_breakdown.hpp"
#include "nnbench/suites/trainable_model.hpp"

namespace {

class Memory final : public nnbench::Benchmark {
 public:
  std::string description() const override {
    return "Training-step and inference memory, phase by phase, measured and estimated";
  }

  std::vector<nnbench::Axis> axes() const override {
    namespace suites = nnbench::suites;
    return {suites::model_axis({"simple_mlp", "cnn", "deep_mlp"},
                               {suites::ModelKind::LanguageFile, suites::ModelKind::Zoo},
                               "a model-language file (a name in models/ or a path) or a zoo "
                               "model: resnet50, vit_b_16, scaling_mlp"),
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
    const nnbench::suites::ModelSource model =
        nnbench::suites::resolve_model(state.get_string("model"));
    nnbench::suites::TrainableModel trainable =
        nnbench::suites::make_trainable_model(state, model, dtype, device_);
    const nnbench::suites::TrainingBatch data =
        nnbench::suites::make_training_batch(trainable, batch, dtype, device_, state.seed());
    module_ = trainable.module;
    step_ = trainable.step;
    language_network_ = trainable.network;
    input_ = data.input;
    target_ = data.target;
    state.set_label("model", trainable.name);
    const std::vector<std::int64_t>& sample_shape = trainable.sample_shape;

    const nnbench::suites::MemoryBreakdown b = nnbench::suites::measure_memory_breakdown(
        module_->parameters(), step_, input_, target_, device_);
    optimizer_ = step_.make_optimizer();
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
    state.add_metric("activation_bytes_per_sample",
                     static_cast<double>(b.activation_bytes) / static_cast<double>(batch), "bytes");
    std::int64_t parameters = 0;
    for (const torch::Tensor& p : module_->parameters()) parameters += p.numel();
    state.add_metric("parameter_count", static_cast<double>(parameters), "parameters");
    if (language_network_) {
      // The language's estimate: parameters and every layer's output, per sample in fp32.
      const double element = static_cast<double>(c10::elementSize(dtype));
      const double estimated_parameters =
          static_cast<double>(language_network_->total_params) * element;
      const double estimated_activations =
          static_cast<double>(language_network_->total_activation_bytes) / 4.0 * element *
          static_cast<double>(batch);
      state.add_metric("estimated_parameter_bytes", estimated_parameters, "bytes");
      state.add_metric("estimated_activation_bytes", estimated_activations, "bytes");
      state.add_metric("parameter_bytes_over_estimate",
                       static_cast<double>(b.parameter_bytes) / estimated_parameters, "ratio");
      state.add_metric("activation_bytes_over_estimate",
                       static_cast<double>(b.activation_bytes) / estimated_activations, "ratio");
    } else {
      state.add_note("no analytic estimate: the language's shape checker sizes .nn models only");
    }

    state.set_items_per_iteration(static_cast<double>(batch), "samples");
    state.set_label("framework", "libtorch");
    state.set_label("mode", "train");
    state.set_label("dtype", state.get_string("dtype"));
    std::vector<std::int64_t> shape{batch};
    shape.insert(shape.end(), sample_shape.begin(), sample_shape.end());
    state.set_label("input_shape", nnbench::suites::shape_text(shape));
    state.add_note(device_.is_cuda() ? "memory: CUDA caching allocator blocks handed to tensors"
                                     : "memory: LibTorch CPU allocator, tensor buffers");
  }

  void run_once(nnbench::State&) override {
    optimizer_->zero_grad();
    const torch::Tensor loss = step_.loss(step_.forward(input_), target_);
    loss.backward();
    optimizer_->step();
    nnbench::engine::synchronize(device_);
  }

  void teardown(nnbench::State&) override {
    optimizer_.reset();
    step_ = nnbench::suites::TrainingStep{};
    module_.reset();
    language_network_.reset();
    input_ = target_ = torch::Tensor();
  }

 private:
  torch::Device device_{torch::kCPU};
  std::shared_ptr<torch::nn::Module> module_;
  nnbench::suites::TrainingStep step_;
  std::optional<nnbench::dsl::ir::Network> language_network_;
  std::unique_ptr<torch::optim::Optimizer> optimizer_;
  torch::Tensor input_, target_;
};

}  // namespace

NNBENCH_REGISTER(Memory, "memory");
