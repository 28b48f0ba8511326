// Greedy generation (see greedy_decoder.hpp).
#include "nnbench/engine/greedy_decoder.hpp"

#include <torch/torch.h>

#include <fmt/format.h>

#include "nnbench/core/error.hpp"

namespace nnbench::engine {

GreedyDecoder::GreedyDecoder(DecoderLM model, std::int64_t batch, std::int64_t capacity,
                             const torch::TensorOptions& options)
    : model_(std::move(model)) {
  const DecoderConfig& c = model_->config();
  if (capacity < 1 || capacity > c.context_length) {
    throw InputError(fmt::format("{}: a cache of {} positions does not fit its context of {}",
                                 c.name, capacity, c.context_length));
  }
  cache_ = KvCache::allocate(c.layers, batch, c.kv_heads, capacity, c.head_dim(), options);
}

torch::Tensor GreedyDecoder::prefill(const torch::Tensor& prompt) {
  const DecoderConfig& c = model_->config();
  if (prompt.dim() != 2 || prompt.size(1) < 1) {
    throw InputError(c.name + ": the prompt must be batch x tokens with at least one token");
  }
  if (prompt.size(1) + 1 > cache_.capacity) {
    throw InputError(fmt::format(
        "{}: a prompt of {} tokens leaves no room to generate in {} positions (context {})", c.name,
        prompt.size(1), cache_.capacity, c.context_length));
  }
  const torch::Tensor logits = model_->forward(prompt, 0, &cache_);
  position_ = prompt.size(1);
  last_ = logits.select(1, -1).argmax(-1, /*keepdim=*/true);
  return last_.squeeze(1);
}

torch::Tensor GreedyDecoder::step() {
  if (!last_.defined()) throw InputError("GreedyDecoder::step() before prefill()");
  if (position_ + 1 > cache_.capacity) {
    throw InputError(fmt::format("{}: the cache of {} positions is full", model_->config().name,
                                 cache_.capacity));
  }
  const torch::Tensor logits = model_->forward(last_, position_, &cache_);
  ++position_;
  last_ = logits.select(1, -1).argmax(-1, /*keepdim=*/true);
  return last_.squeeze(1);
}

}  // namespace nnbench::engine
