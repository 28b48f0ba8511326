// Greedy generation with a static KV cache, one call per phase so that a benchmark can time
// them: prefill() runs the prompt and returns the first generated token of every sequence;
// step() feeds the last token and returns the next. Deterministic: the most likely token wins
// (the lowest index on a tie). Three modes:
//   eager   DecoderLM::forward() per token, the operators as written;
//   graph   the decode step (DecoderLM::decode_step(): static shapes, the position and the last
//           token in device tensors, argmax into the token buffer, position + 1) captured once in
//           a CUDA graph and replayed per token;
//   kernel  as graph, with DecoderKernels::fastest(): fused attention, fused projections and the
//           custom CUDA kernels, in the prefill too.
// The prefill runs eagerly in every mode (its length is fixed per run, but it runs once).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <torch/types.h>

#include "nnbench/engine/generation/decoder.hpp"
#include "nnbench/engine/generation/kv_cache.hpp"
#include "nnbench/engine/runtime/cuda_graph.hpp"

namespace nnbench::engine {

enum class DecodeMode { kEager, kGraph, kKernel };

// "eager", "graph" or "kernel"; anything else is an InputError naming the three.
DecodeMode parse_decode_mode(const std::string& name);
const char* decode_mode_name(DecodeMode mode);

class GreedyDecoder {
 public:
  // A cache of `capacity` positions for `batch` sequences, in `options`' device and dtype (the
  // model's). Sets the model's kernels for `mode`. Graph and kernel modes capture the decode step
  // here unless `capture` is false, in which case the same static step runs uncaptured (on the
  // CPU, where there are no graphs: the tests use it). Throws InputError when the capacity
  // exceeds the model's context, UnavailableError when capture needs a GPU it does not have.
  GreedyDecoder(DecoderLM model, std::int64_t batch, std::int64_t capacity,
                const torch::TensorOptions& options, DecodeMode mode = DecodeMode::kEager,
                bool capture = true);
  ~GreedyDecoder();
  GreedyDecoder(GreedyDecoder&&) noexcept;
  GreedyDecoder& operator=(GreedyDecoder&&) noexcept;

  // prompt: batch x P token ids. Returns the batch first generated tokens. Throws InputError when
  // the prompt and one generated token do not fit in the cache, naming both lengths.
  torch::Tensor prefill(const torch::Tensor& prompt);
  // Feeds the last generated token; returns the next (batch). In graph and kernel modes the
  // returned tensor is a view of the static token buffer, rewritten by the next step: clone it
  // to keep it. Throws InputError past capacity.
  torch::Tensor step();
  // Logits of the token the last prefill() or step() chose: batch x vocab (a static buffer in
  // graph and kernel modes, like step()'s result).
  torch::Tensor last_logits() const { return logits_.select(1, 0); }

  std::int64_t position() const { return position_; }  // tokens in the cache
  const KvCache& cache() const { return cache_; }
  DecodeMode mode() const { return mode_; }
  // Milliseconds the capture of the decode step took (0 in eager mode or uncaptured).
  double capture_ms() const { return graph_ ? graph_->capture_ms() : 0.0; }

 private:
  void static_step();  // the captured step: decode, argmax into token_, position + 1

  DecoderLM model_;
  DecodeMode mode_;
  KvCache cache_;
  std::int64_t position_ = 0;
  torch::Tensor token_;            // batch x 1, the last generated token
  torch::Tensor device_position_;  // graph and kernel modes: one int64, the next cache position
  torch::Tensor logits_;           // batch x 1 x vocab of the last token
  std::unique_ptr<CapturedForward> graph_;
};

}  // namespace nnbench::engine
