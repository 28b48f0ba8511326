// The memory bandwidth a device reaches in practice: a large copy within its own memory, timed
// after synchronising. The physical limit that memory-bound work (a decode step reads every
// weight once) is measured against.
#pragma once

#include <cstdint>

#include <torch/types.h>

namespace nnbench::engine {

struct CopyBandwidth {
  double bytes_per_second = 0;  // bytes read plus bytes written, over the best repetition
  std::int64_t buffer_bytes = 0;
};

// Copies a buffer of `buffer_bytes` (default: 1 GiB on a GPU, 256 MiB on the CPU) into another,
// `copies` times per repetition, and keeps the fastest of `repetitions`. Throws InputError for
// sizes below 1 MiB.
CopyBandwidth measure_copy_bandwidth(const torch::Device& device, std::int64_t buffer_bytes = 0,
                                     int copies = 8, int repetitions = 5);

}  // namespace nnbench::engine
