// Decoder-only transformer language models in LibTorch, random weights by default: the GPT-2
// family (learned positions, LayerNorm, GELU MLP, tied embeddings) and the Llama family (RMSNorm,
// rotary positions, SwiGLU MLP, grouped-query attention), with presets of the published shapes.
// A forward pass takes new tokens at a start position and, with a KvCache, attends over the
// cached keys and values of the earlier positions (prefill, then one token per decode step).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/embedding.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include "nnbench/engine/kv_cache.hpp"

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

class DecoderLMImpl : public torch::nn::Module {
 public:
  explicit DecoderLMImpl(const DecoderConfig& config);
  // tokens: B x T (int64) at positions start .. start+T-1. With a cache, the new keys and values
  // are written into it and attention covers positions 0 .. start+T-1; without one (nullptr),
  // start must be 0 and the T tokens attend causally among themselves. Returns B x T x vocab
  // logits. Throws InputError when start+T exceeds the context or the cache.
  torch::Tensor forward(const torch::Tensor& tokens, std::int64_t start, KvCache* cache);
  const DecoderConfig& config() const { return config_; }

 private:
  DecoderConfig config_;
  torch::nn::Embedding token_embedding_{nullptr}, position_embedding_{nullptr};
  torch::nn::ModuleList blocks_{nullptr};
  std::shared_ptr<torch::nn::Module> final_norm_;
  torch::nn::Linear lm_head_{nullptr};  // untied only
  torch::Tensor rope_cos_, rope_sin_;   // context x head_dim (Llama)
};
TORCH_MODULE(DecoderLM);

}  // namespace nnbench::engine
