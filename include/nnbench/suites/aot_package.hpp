// The inference suite's `aot` mode: an AOTInductor package (.pt2) made by PyTorch's own compiler
// (scripts/nnbench_aot_compile.py, run with python3) from the model's PyTorch definition and
// nnbench's weights, loaded and run from C++ with LibTorch's AOTIModelPackageLoader.
//
// The definition is the language's `--emit pytorch` output for a model from a .nn file, and
// scripts/nnbench_zoo_models.py for the native resnet50 and vit_b_16 (same layers, same
// registration order). Packages are cached under a key hashing the definition, the weights, the
// dtype, the batch size, the sample shape, the memory format, the device (its name on CUDA) and
// the LibTorch version, so a model is compiled once; a cached package reports the compile time
// it took when it was made.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <torch/types.h>

#include "nnbench/engine/models/model_zoo.hpp"

namespace torch::inductor {
class AOTIModelPackageLoader;
}

namespace nnbench::suites {

struct AotRequest {
  std::string dtype_name = "fp32";  // fp32 | fp16 | bf16
  std::int64_t batch_size = 1;
  bool channels_last = false;
  bool max_autotune = false;  // Inductor's max_autotune (slower to compile)
  // The package's single-threaded runner: no runner threads and no waits on the completion
  // events of earlier runs, so a CUDA graph can capture a run (mode aot+graph).
  bool single_threaded = false;
  std::string cache_dir;  // empty: default_aot_cache_dir()
  std::string python;     // the interpreter that runs the compiler
  std::chrono::seconds timeout{1800};
};

// What a package is compiled for, part of its cache key: "cpu", or the GPU's name and compute
// capability ("cuda NVIDIA H100 80GB HBM3 sm_90"): its Triton kernels are built for that.
std::string aot_target_of(const torch::Device& device);

// $NNBENCH_CACHE_DIR/aot, else $XDG_CACHE_HOME/nnbench/aot, else ~/.cache/nnbench/aot.
std::string default_aot_cache_dir();

class AotModel {
 public:
  // Compiles (or finds in the cache) and loads the package of `model` (its current weights) for
  // `device`. Throws UnavailableError when the model has no PyTorch definition or Python's
  // PyTorch or its compiler cannot be used (the reason says which); Error when compiling fails.
  AotModel(const engine::ZooModel& model, const torch::Device& device, const AotRequest& request);
  // Loads a package made elsewhere (a user's .pt2, or one user_model compiled): compile_ms and
  // cache_hit are what its maker reports. Throws Error when the package cannot be loaded.
  AotModel(const std::string& package_path, const torch::Device& device, bool single_threaded,
           double compile_ms, bool cache_hit);
  ~AotModel();
  AotModel(const AotModel&) = delete;
  AotModel& operator=(const AotModel&) = delete;

  torch::Tensor forward(const torch::Tensor& input);
  // Every output of one call with these positional inputs.
  std::vector<torch::Tensor> run(const std::vector<torch::Tensor>& inputs);
  double compile_ms() const { return compile_ms_; }
  bool cache_hit() const { return cache_hit_; }
  const std::string& package_path() const { return package_path_; }

 private:
  void load(const torch::Device& device, bool single_threaded);

  std::unique_ptr<torch::inductor::AOTIModelPackageLoader> loader_;
  double compile_ms_ = 0;
  bool cache_hit_ = false;
  std::string package_path_;
};

}  // namespace nnbench::suites
