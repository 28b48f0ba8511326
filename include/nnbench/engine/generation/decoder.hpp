// Decoder-only transformer language models in LibTorch, random weights by default: the GPT-2
// family (learned positions, LayerNorm, GELU MLP, tied embeddings) and the Llama family (RMSNorm,
// rotary positions, SwiGLU MLP, grouped-query attention), with presets of the published shapes.
// A forward pass takes new tokens at a start position and, with a KvCache, attends over the
// cached keys and values of the earlier positions (prefill, then one token per decode step).
// decode_step() is the same step with every shape static and the position a device tensor, so
// that it can be captured once in a CUDA graph and replayed per token. DecoderKernels picks the
// implementation of the operators: as written (eager), or fused.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/embedding.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include "nnbench/engine/generation/kv_cache.hpp"

namespace nnbench::engine {

enum class DecoderFamily { kGpt2, kLlama };

struct DecoderConfig {
  std::string name;
  DecoderFamily family = DecoderFamily::kGpt2;
  std::int64_t vocab_size = 50257;
  std::int64_t context_length = 1024;  // positions the model (and its cache) can hold
  std::int64_t hidden = 768;
  std::int64_t layers = 12;
  std::int64_t heads = 12;
  std::int64_t kv_heads = 12;        // < heads: grouped-query attention (Llama)
  std::int64_t intermediate = 3072;  // MLP width
  double norm_eps = 1e-5;
  double rope_theta = 10000.0;  // Llama only
  bool tied_embeddings = true;  // the output projection reuses the token embedding

  std::int64_t head_dim() const { return hidden / heads; }
  // Parameters of the model as built (tied embeddings counted once).
  std::int64_t parameter_count() const;
};

// gpt2 (124M), gpt2-medium (355M), gpt2-tiny (tests), llama-tiny (tests), llama-1b (the
// Llama-3.2-1B shape, context cut to 8192), llama2-7b (the Llama-2-7B shape, 6.74B).
const std::vector<std::string>& decoder_preset_names();
// Throws InputError naming the known presets (and the closest one) for an unknown name.
DecoderConfig decoder_preset(const std::string& name);

// How the operators are computed. The default is the model as written, one LibTorch call per
// operator: attention as softmax(Q K^T / sqrt(d)) V with the keys and values of grouped-query
// attention repeated per query head, separate Q, K, V and gate, up projections.
struct DecoderKernels {
  bool fused_attention = false;    // at::scaled_dot_product_attention (flash / memory-efficient)
  bool fused_projections = false;  // one matrix product for Q, K, V and one for gate and up
  bool custom_kernels = false;     // RMSNorm, rotary, SwiGLU as single CUDA kernels (decoder_ops)

  static DecoderKernels as_written() { return {}; }
  static DecoderKernels fastest() { return {true, true, true}; }
};

class DecoderLMImpl : public torch::nn::Module {
 public:
  explicit DecoderLMImpl(const DecoderConfig& config);
  // tokens: B x T (int64) at positions start .. start+T-1. With a cache, the new keys and values
  // are written into it and attention covers positions 0 .. start+T-1; without one (nullptr),
  // start must be 0 and the T tokens attend causally among themselves. Returns B x T x vocab
  // logits. Throws InputError when start+T exceeds the context or the cache.
  // With last_only, only the last position's logits are computed (B x 1 x vocab): all that greedy
  // generation needs after a prefill, without a B x T x vocab tensor.
  torch::Tensor forward(const torch::Tensor& tokens, std::int64_t start, KvCache* cache,
                        bool last_only = false);
  // One token per sequence (tokens: B x 1) at the position held in `position` (a one-element int64
  // tensor on the model's device): its keys and values go into the cache at that position, and
  // attention covers the whole cache with the positions after it masked out. Shapes and launches
  // do not depend on the position, so a CUDA graph captured once replays it for every token.
  // Returns B x 1 x vocab logits. The caller keeps the position within the cache.
  torch::Tensor decode_step(const torch::Tensor& tokens, const torch::Tensor& position,
                            KvCache& cache);
  // Switches the operators' implementation. Fused projections rebind the Q, K, V (and gate, up)
  // weights as views of one concatenated tensor, so no weight is held twice; call it after the
  // model has its final device, dtype and weights (Module::to() would copy the views apart).
  void set_kernels(const DecoderKernels& kernels);
  const DecoderKernels& kernels() const { return kernels_; }
  const DecoderConfig& config() const { return config_; }

  struct Placement;  // where new tokens go (decoder.cpp)

 private:
  torch::Tensor run_layers(const torch::Tensor& tokens, const torch::Tensor& positions,
                           const Placement& place, KvCache* cache, bool last_only);

  DecoderConfig config_;
  DecoderKernels kernels_;
  torch::nn::Embedding token_embedding_{nullptr}, position_embedding_{nullptr};
  torch::nn::ModuleList blocks_{nullptr};
  std::shared_ptr<torch::nn::Module> final_norm_;
  torch::nn::Linear lm_head_{nullptr};  // untied only
  torch::Tensor rope_cos_, rope_sin_;   // context x head_dim (Llama)
};
TORCH_MODULE(DecoderLM);

}  // namespace nnbench::engine
