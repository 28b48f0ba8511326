// The bytes a decode step must read at least: the memory-bandwidth bound of generation. At small
// batch a step is one matrix-vector product per weight, so it cannot finish faster than reading
// every weight (and the keys and values attended to) once at the device's bandwidth.
#pragma once

#include <cstdint>

#include "nnbench/engine/generation/decoder.hpp"

namespace nnbench::engine {

struct DecodeTraffic {
  double weight_bytes = 0;    // every weight read once per step
  double kv_cache_bytes = 0;  // keys and values of the positions attended to, mean over the steps
  double total() const { return weight_bytes + kv_cache_bytes; }
  // Tokens per second if every step read exactly total() bytes at `bytes_per_second`.
  double bound_tokens_per_second(std::int64_t batch, double bytes_per_second) const;
};

// For `generate` - 1 decode steps after a prompt of `prompt_length` tokens, `batch` sequences,
// weights and cache of `element_bytes` each. Embedding lookups read one row per token and are not
// counted, except that tied embeddings are read whole as the output projection.
DecodeTraffic decode_traffic(const DecoderConfig& config, std::int64_t element_bytes,
                             std::int64_t batch, std::int64_t prompt_length, std::int64_t generate);

}  // namespace nnbench::engine
