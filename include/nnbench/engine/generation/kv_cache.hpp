// A static key/value cache for decoder attention: one preallocated K and V tensor per layer,
// batch x kv_heads x capacity x head_dim, written in place as positions are decoded, so the
// decode loop allocates nothing for it and a captured graph can replay over the same memory.
#pragma once

#include <cstdint>
#include <vector>

#include <torch/types.h>

namespace nnbench::engine {

struct KvCache {
  std::vector<torch::Tensor> keys, values;  // per layer
  std::int64_t capacity = 0;                // positions it can hold

  // Zero-filled cache on `options`' device and dtype.
  static KvCache allocate(std::int64_t layers, std::int64_t batch, std::int64_t kv_heads,
                          std::int64_t capacity, std::int64_t head_dim,
                          const torch::TensorOptions& options);
  // Bytes held by all layers' keys and values.
  std::int64_t bytes() const;
  // Bytes allocate() would hold for these sizes and element size, before allocating.
  static std::int64_t bytes_for(std::int64_t layers, std::int64_t batch, std::int64_t kv_heads,
                                std::int64_t capacity, std::int64_t head_dim,
                                std::int64_t element_bytes);
};

}  // namespace nnbench::engine
