// Greedy generation (see greedy_decoder.hpp).
#include "nnbench/engine/generation/greedy_decoder.hpp"

#include <torch/torch.h>

#include <algorithm>

#include <fmt/format.h>

#include "nnbench/core/error.hpp"

namespace nnbench::engine {

DecodeMode parse_decode_mode(const std::string& name) {
  if (name == "eager") return DecodeMode::kEager;
  if (name == "graph") return DecodeMode::kGraph;
  if (name == "kernel") return DecodeMode::kKernel;
  throw InputError(fmt::format("unknown decode mode '{}'; known: eager, graph, kernel", name));
}

const char* decode_mode_name(DecodeMode mode) {
  switch (mode) {
    case DecodeMode::kEager:
      return "eager";
    case DecodeMode::kGraph:
      return "graph";
    case DecodeMode::kKernel:
      return "kernel";
  }
  return "?";
}

GreedyDecoder::GreedyDecoder(DecoderLM model, std::int64_t batch, std::int64_t capacity,
                             const torch::TensorOptions& options, DecodeMode mode, bool capture)
    : model_(std::move(model)), mode_(mode) {
  const DecoderConfig& c = model_->config();
  if (capacity < 1 || capacity > c.context_length) {
    throw InputError(fmt::format("{}: a cache of {} positions does not fit its context of {}",
                                 c.name, capacity, c.context_length));
  }
  model_->set_kernels(mode == DecodeMode::kKernel ? DecoderKernels::fastest()
                                                  : DecoderKernels::as_written());
  cache_ = KvCache::allocate(c.layers, batch, c.kv_heads, capacity, c.head_dim(), options);
  const auto ids = torch::TensorOptions().device(options.device()).dtype(torch::kInt64);
  token_ = torch::zeros({batch, 1}, ids);
  if (mode == DecodeMode::kEager) return;
  device_position_ = torch::zeros({1}, ids);
  if (!capture) return;
  // The warm-up and captured steps write keys and values at positions 0.. of an empty cache (as
  // many warm-ups as it has positions, up to 2); the prefill and the steps after it overwrite
  // every position before attention reads it.
  graph_ = std::make_unique<CapturedForward>(
      [this] {
        static_step();
        return token_;
      },
      options.device(), /*warmup=*/static_cast<int>(std::min<std::int64_t>(2, capacity)));
}

GreedyDecoder::~GreedyDecoder() = default;
GreedyDecoder::GreedyDecoder(GreedyDecoder&&) noexcept = default;
GreedyDecoder& GreedyDecoder::operator=(GreedyDecoder&&) noexcept = default;

void GreedyDecoder::static_step() {
  torch::NoGradGuard no_grad;
  logits_ = model_->decode_step(token_, device_position_, cache_);
  token_.copy_(logits_.select(1, 0).argmax(-1, /*keepdim=*/true));
  device_position_.add_(1);
}

torch::Tensor GreedyDecoder::prefill(const torch::Tensor& prompt) {
  const DecoderConfig& c = model_->config();
  if (prompt.dim() != 2 || prompt.size(1) < 1) {
    throw InputError(c.name + ": the prompt must be batch x tokens with at least one token");
  }
  if (prompt.size(0) != token_.size(0)) {
    throw InputError(fmt::format("{}: a prompt of {} sequences for a decoder of batch {}", c.name,
                                 prompt.size(0), token_.size(0)));
  }
  if (prompt.size(1) + 1 > cache_.capacity) {
    throw InputError(fmt::format(
        "{}: a prompt of {} tokens leaves no room to generate in {} positions (context {})", c.name,
        prompt.size(1), cache_.capacity, c.context_length));
  }
  torch::NoGradGuard no_grad;
  const torch::Tensor logits = model_->forward(prompt, 0, &cache_, /*last_only=*/true);
  position_ = prompt.size(1);
  token_.copy_(logits.select(1, 0).argmax(-1, /*keepdim=*/true));
  if (device_position_.defined()) device_position_.fill_(position_);
  if (graph_) {
    logits_.copy_(logits);  // the graph's static logits buffer
  } else {
    logits_ = logits;
  }
  return token_.squeeze(1);
}

torch::Tensor GreedyDecoder::step() {
  if (position_ == 0) throw InputError("GreedyDecoder::step() before prefill()");
  if (position_ + 1 > cache_.capacity) {
    throw InputError(fmt::format("{}: the cache of {} positions is full", model_->config().name,
                                 cache_.capacity));
  }
  if (graph_) {
    graph_->replay();
  } else if (device_position_.defined()) {
    static_step();
  } else {
    torch::NoGradGuard no_grad;
    logits_ = model_->forward(token_, position_, &cache_);
    token_ = logits_.select(1, 0).argmax(-1, /*keepdim=*/true);
  }
  ++position_;
  return token_.squeeze(1);
}

}  // namespace nnbench::engine
