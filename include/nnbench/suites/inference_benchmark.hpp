// The forward-pass benchmark every inference suite shares: a zoo model on the run's device, in a
// dtype, layout and execution mode, fed a batch, timed per forward pass.
//
// Axes it reads (a variant without one takes the default):
//   model            a zoo model or a .nn file (model_catalogue.hpp), or the constructor's model
//   batch_size       samples per forward pass
//   dtype            fp32 | fp16 | bf16                                  (fp32)
//   mode             eager: one LibTorch call per operator, under inference mode
//                    graph: the forward captured once in a CUDA graph and replayed    (eager)
//   layout           contiguous | channels_last (convolutional models)     (contiguous)
//   cudnn_benchmark  on | off: cuDNN autotuning                            (on)
//   tf32             off | on: TF32 matrix units for fp32 (CUDA)           (off)
//   hidden_dim       scaling_mlp's width                                    (option, 512)
//   scenario         none | single-stream | multi-stream | server | offline      (none)
// Options: data=DIR (an ImageNet-style image folder instead of random input), image_size=N,
// cold=true (L2 flush between samples), gpu_monitor_interval_ms=N.
// Combinations that cannot run here (graph or tf32 on the CPU, fp16 on the CPU, channels_last
// for a model without convolutions) are skipped with the reason.
#pragma once

#include <memory>
#include <string>

#include "nnbench/core/benchmark.hpp"

namespace nnbench::suites {

class InferenceBenchmark : public Benchmark {
 public:
  // `fixed_model`: the model when the benchmark has no model axis (empty: the axis decides).
  explicit InferenceBenchmark(std::string fixed_model = "");
  ~InferenceBenchmark() override;

  // Device instruments' options; with a model axis also the zoo's (data, image_size,
  // hidden_dim), the aot modes' and the load scenarios'.
  std::vector<Option> options() const override;
  void setup(State& state) override;
  void run_once(State& state) override;
  // A `scenario` axis other than none: the variant serves the load scenario (load_scenario.hpp)
  // with batch_size as its largest batch (server, offline) or its samples per query
  // (multi-stream); single-stream runs at batch_size 1.
  std::unique_ptr<load::LoadTarget> load_target(State& state) override;
  void teardown(State& state) override;

  // What the benchmark keeps across variants (the model, its graphs, the input); its set-up steps
  // work on it.
  struct Session;

 private:
  std::string fixed_model_;
  std::unique_ptr<Session> session_;
};

}  // namespace nnbench::suites
