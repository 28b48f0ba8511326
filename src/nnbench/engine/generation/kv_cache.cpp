// The static key/value cache (see kv_cache.hpp).
#include "nnbench/engine/generation/kv_cache.hpp"

#include <torch/torch.h>

namespace nnbench::engine {

KvCache KvCache::allocate(std::int64_t layers, std::int64_t batch, std::int64_t kv_heads,
                          std::int64_t capacity, std::int64_t head_dim,
                          const torch::TensorOptions& options) {
  KvCache cache;
  cache.capacity = capacity;
  for (std::int64_t l = 0; l < layers; ++l) {
    cache.keys.push_back(torch::zeros({batch, kv_heads, capacity, head_dim}, options));
    cache.values.push_back(torch::zeros({batch, kv_heads, capacity, head_dim}, options));
  }
  return cache;
}

std::int64_t KvCache::bytes() const {
  std::int64_t total = 0;
  for (const auto* tensors : {&keys, &values}) {
    for (const torch::Tensor& t : *tensors) total += t.numel() * t.element_size();
  }
  return total;
}

std::int64_t KvCache::bytes_for(std::int64_t layers, std::int64_t batch, std::int64_t kv_heads,
                                std::int64_t capacity, std::int64_t head_dim,
                                std::int64_t element_bytes) {
  return 2 * layers * batch * kv_heads * capacity * head_dim * element_bytes;
}

}  // namespace nnbench::engine
