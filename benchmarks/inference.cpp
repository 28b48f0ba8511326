// inference: the model zoo's forward pass (seeds 002 and 003) over models, batch sizes, dtypes
// and execution modes; on a GPU with CUDA event timing, allocator peaks and NVML readings.
// `nnbench run --suite inference`.
#include "nnbench/core/benchmark.hpp"
#include "nnbench/suites/inference_benchmark.hpp"
#include "nnbench/suites/model_catalogue.hpp"

namespace {

class Inference final : public nnbench::suites::InferenceBenchmark {
 public:
  std::string description() const override {
    return "Forward pass of resnet50 / vit_b_16 / scaling_mlp / a .nn model: batch sizes, dtypes, "
           "eager, CUDA graph, fused and AOTInductor modes";
  }

  // Costly set-up first: a model is built once per model/dtype/layout and kept across the
  // batch sizes and modes under it.
  std::vector<nnbench::Axis> axes() const override {
    return {
        nnbench::suites::model_axis(
            {"resnet50", "vit_b_16"},
            {nnbench::suites::ModelKind::Zoo, nnbench::suites::ModelKind::LanguageFile},
            "a zoo model (resnet50, vit_b_16, scaling_mlp) or a model-language file"),
        nnbench::string_axis("dtype", {"fp32"}, "element type of weights and inputs",
                             {"fp32", "fp16", "bf16"}),
        nnbench::string_axis("layout", {"contiguous"}, "memory format of 4-D tensors",
                             {"contiguous", "channels_last"}),
        nnbench::string_axis("tf32", {"off"}, "TF32 matrix units for fp32 (CUDA)", {"off", "on"}),
        nnbench::string_axis("cudnn_benchmark", {"on"}, "cuDNN autotuning (CUDA)", {"on", "off"}),
        nnbench::int_axis("batch_size", {1, 8, 32, 128}, "samples per forward pass"),
        nnbench::string_axis("mode", {"eager", "graph"},
                             "eager LibTorch calls; one CUDA graph replay; fused (batch norms "
                             "folded, cuDNN conv+bias+ReLU(+add)), alone or replayed as a graph; "
                             "aot (an AOTInductor package run from C++), alone or replayed as a "
                             "graph",
                             {"eager", "graph", "fused", "fused+graph", "aot", "aot+graph"}),
        nnbench::opt_in_axis(
            nnbench::string_axis("scenario", {"none"},
                                 "none: the batch's forward pass timed in a loop; a load scenario "
                                 "(docs/load-scenarios.md) with batch_size as its largest batch",
                                 nnbench::load::load_scenario_axis_values())),
    };
  }
};

}  // namespace

NNBENCH_REGISTER(Inference, "inference");
