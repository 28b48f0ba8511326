// Device copy bandwidth (see copy_bandwidth.hpp).
#include "nnbench/engine/instruments/copy_bandwidth.hpp"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>

#include "nnbench/core/error.hpp"
#include "nnbench/engine/runtime/torch_runtime.hpp"

namespace nnbench::engine {

CopyBandwidth measure_copy_bandwidth(const torch::Device& device, std::int64_t buffer_bytes,
                                     int copies, int repetitions) {
  if (buffer_bytes == 0) buffer_bytes = device.is_cuda() ? (std::int64_t{1} << 30) : (256 << 20);
  if (buffer_bytes < (1 << 20) || copies < 1 || repetitions < 1) {
    throw InputError("copy bandwidth: the buffer must hold at least 1 MiB, copied at least once");
  }
  const auto options = torch::TensorOptions().device(device).dtype(torch::kUInt8);
  const torch::Tensor source = torch::ones({buffer_bytes}, options);
  torch::Tensor target = torch::empty({buffer_bytes}, options);
  target.copy_(source);  // first touch and any lazy initialisation stay out of the timing
  synchronize(device);
  double best_seconds = 0;
  for (int r = 0; r < repetitions; ++r) {
    const auto start = std::chrono::steady_clock::now();
    for (int c = 0; c < copies; ++c) target.copy_(source);
    synchronize(device);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    best_seconds = r == 0 ? seconds : std::min(best_seconds, seconds);
  }
  return {2.0 * static_cast<double>(buffer_bytes) * copies / best_seconds, buffer_bytes};
}

}  // namespace nnbench::engine
