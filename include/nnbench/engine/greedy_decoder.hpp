// Greedy generation with a static KV cache, one call per phase so that a benchmark can time
// them: prefill() runs the prompt and returns the first generated token of every sequence;
// step() feeds the last token and returns the next. Deterministic: the most likely token wins
// (the lowest index on a tie).
#pragma once

#include <cstdint>

#include <torch/types.h>

#include "nnbench/engine/decoder.hpp"
#include "nnbench/engine/kv_cache.hpp"

namespace nnbench::engine {

class GreedyDecoder {
 public:
  // A cache of `capacity` positions for `batch` sequences, in `options`' device and dtype (the
  // model's). Throws InputError when the capacity exceeds the model's context.
  GreedyDecoder(DecoderLM model, std::int64_t batch, std::int64_t capacity,
                const torch::TensorOptions& options);

  // prompt: batch x P token ids. Returns the batch first generated tokens. Throws InputError when
  // the prompt and one generated token do not fit in the cache, naming both lengths.
  torch::Tensor prefill(const torch::Tensor& prompt);
  // Feeds the last generated token; returns the next (batch). Throws InputError past capacity.
  torch::Tensor step();

  std::int64_t position() const { return position_; }  // tokens in the cache
  const KvCache& cache() const { return cache_; }

 private:
  DecoderLM model_;
  KvCache cache_;
  std::int64_t position_ = 0;
  torch::Tensor last_;  // batch x 1
};

}  // namespace nnbench::engine
