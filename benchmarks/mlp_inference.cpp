// mlp_inference: forward passes of the scaling MLP (seed 002's throughput benchmark) over widths,
// batch sizes and dtypes, under inference mode: the model-size scaling table.
#include "nnbench/core/benchmark.hpp"
#include "nnbench/suites/inference_benchmark.hpp"

namespace {

class MlpInference final : public nnbench::suites::InferenceBenchmark {
 public:
  MlpInference() : InferenceBenchmark("scaling_mlp") {}

  std::string description() const override {
    return "Forward pass of the scaling MLP (1024 -> hidden x3 -> 10), inference mode";
  }

  std::vector<nnbench::Axis> axes() const override {
    return {
        nnbench::int_axis("hidden_dim", {512}, "width of the three hidden layers"),
        nnbench::string_axis("dtype", {"fp32"}, "element type", {"fp32", "fp16", "bf16"}),
        nnbench::int_axis("batch_size", {1, 8, 32}, "samples per forward pass"),
        nnbench::string_axis("mode", {"eager"}, "eager LibTorch calls, or one CUDA graph replay",
                             {"eager", "graph"})};
  }
};

}  // namespace

NNBENCH_REGISTER(MlpInference, "mlp_inference");
