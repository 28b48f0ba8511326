// LibTorch's process-wide backend switches that change which kernels run: cuDNN autotuning and
// TF32 for fp32 matrix products and convolutions. Set for one variant, restored afterwards.
#pragma once

namespace nnbench::engine {

struct BackendSettings {
  bool cudnn_benchmark = false;  // cuDNN tries its algorithms on the first call of each shape
  bool tf32 = false;             // cuBLAS and cuDNN may round fp32 operands to TF32
};

// Applies `settings` and restores the earlier ones when it goes out of scope.
class ScopedBackendSettings {
 public:
  explicit ScopedBackendSettings(const BackendSettings& settings);
  ~ScopedBackendSettings();
  ScopedBackendSettings(const ScopedBackendSettings&) = delete;
  ScopedBackendSettings& operator=(const ScopedBackendSettings&) = delete;

 private:
  bool cudnn_benchmark_, tf32_cublas_, tf32_cudnn_;  // as found, restored on exit
};

}  // namespace nnbench::engine
