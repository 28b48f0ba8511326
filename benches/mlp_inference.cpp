// mlp_inference: forward passes of the scaling MLP (seed 002's throughput benchmark) over batch
// sizes, widths and dtypes, under inference mode.
#include <map>
#include <memory>

#include <torch/torch.h>

#include "nnbench/core/benchmark.hpp"
#include "nnbench/core/error.hpp"
#include "nnbench/engine/device_instruments.hpp"
#include "nnbench/engine/scaling_mlp.hpp"
#include "nnbench/engine/torch_runtime.hpp"
#include "nnbench/suites/inputs.hpp"

namespace {

class MlpInference final : public nnbench::Benchmark {
 public:
  std::string description() const override {
    return "Forward pass of the scaling MLP (1024 -> hidden x3 -> 10), inference mode";
  }

  std::vector<nnbench::Axis> axes() const override {
    return {nnbench::int_axis("hidden_dim", {512}, "width of the three hidden layers"),
            nnbench::string_axis("dtype", {"fp32"}, "element type", {"fp32", "fp16", "bf16"}),
            nnbench::int_axis("batch_size", {1, 8, 32}, "samples per forward pass")};
  }

  void setup(nnbench::State& state) override {
    device_ = nnbench::engine::resolve_device(state.device());
    const torch::ScalarType dtype = nnbench::engine::parse_dtype(state.get_string("dtype"));
    if (dtype == torch::kFloat16 && device_.is_cpu()) {
      state.skip("fp16 matrix products are not supported on the CPU; use bf16 or a GPU");
    }
    // CUDA: event timer, allocator probe, NVML monitor, L2 flush with cold=true; CPU: nothing.
    instruments_ = nnbench::engine::attach_device_instruments(state, state.device());
    shape_.hidden_dim = state.get_int("hidden_dim");
    const long long batch_size = state.get_int("batch_size");
    if (batch_size < 1) throw nnbench::InputError("axis 'batch_size': expected >= 1");
    torch::manual_seed(state.seed());
    model_ = nnbench::engine::make_scaling_mlp(shape_);
    model_->to(device_, dtype);
    model_->eval();
    const std::vector<std::int64_t> input_shape{batch_size, shape_.input_dim};
    input_ = nnbench::suites::seeded_input(input_shape, dtype, device_, state.seed());

    state.set_items_per_iteration(static_cast<double>(batch_size), "samples");
    state.set_flops_per_iteration(2.0 * static_cast<double>(shape_.macs_per_sample() * batch_size));
    state.set_label("model", "scaling_mlp");
    state.set_label("framework", "libtorch");
    state.set_label("mode", "eager");
    state.set_label("input_shape", nnbench::suites::shape_text(input_shape));
    state.add_metric("parameter_count", static_cast<double>(shape_.parameter_count()),
                     "parameters");
  }

  // No synchronisation here: on a GPU the event timer brackets the queued work and waits for it
  // after the sample; on the CPU the forward pass returns when done.
  void run_once(nnbench::State&) override {
    torch::InferenceMode guard;
    output_ = model_->forward(input_);
    instruments_.count_iteration();
  }

  void teardown(nnbench::State&) override {
    output_ = torch::Tensor();
    input_ = torch::Tensor();
    model_ = nullptr;
    instruments_ = {};
  }

 private:
  nnbench::engine::ScalingMlpShape shape_;
  torch::Device device_{torch::kCPU};
  torch::nn::Sequential model_{nullptr};
  torch::Tensor input_, output_;
  nnbench::engine::DeviceInstruments instruments_;
};

}  // namespace

NNBENCH_REGISTER(MlpInference, "mlp_inference");
