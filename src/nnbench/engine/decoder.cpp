// Decoder-only language models (see decoder.hpp). Weights: N(0, 0.02) for embeddings and linear
// layers, zero biases, unit norms (GPT-2's initialisation, used for both families).
#include "nnbench/engine/decoder.hpp"

#include <ATen/ops/scaled_dot_product_attention.h>
#include <torch/torch.h>

#include <cmath>
#include <optional>

#include <fmt/format.h>

#include "nnbench/core/error.hpp"
#include "nnbench/core/suggest.hpp"

namespace nnbench::engine {
namespace {

torch::nn::Linear linear(std::int64_t in, std::int64_t out, bool bias) {
  torch::nn::Linear layer(torch::nn::LinearOptions(in, out).bias(bias));
  torch::NoGradGuard no_grad;
  layer->weight.normal_(0.0, 0.02);
  if (bias) layer->bias.zero_();
  return layer;
}

// Root-mean-square normalisation, computed in fp32 whatever the model's dtype.
class RmsNormImpl : public torch::nn::Module {
 public:
  RmsNormImpl(std::int64_t width, double eps)
      : eps_(eps), weight_(register_parameter("weight", torch::ones({width}))) {}
  torch::Tensor forward(const torch::Tensor& x) {
    const torch::Tensor f = x.to(torch::kFloat32);
    return (f * torch::rsqrt(f.pow(2).mean(-1, true) + eps_)).to(x.scalar_type()) * weight_;
  }

 private:
  double eps_;
  torch::Tensor weight_;
};
TORCH_MODULE(RmsNorm);

// Attention of T new queries at positions start.. over the cached and new keys. q: B x H x T x D,
// k, v: B x Hkv x T x D.
torch::Tensor attend(const torch::Tensor& q, torch::Tensor k, torch::Tensor v, std::int64_t start,
                     torch::Tensor* cache_k, torch::Tensor* cache_v) {
  const std::int64_t length = q.size(2);
  if (cache_k != nullptr) {
    cache_k->narrow(2, start, length).copy_(k);
    cache_v->narrow(2, start, length).copy_(v);
    k = cache_k->narrow(2, 0, start + length);
    v = cache_v->narrow(2, 0, start + length);
  }
  const std::int64_t groups = q.size(1) / k.size(1);
  if (groups > 1) {
    k = k.repeat_interleave(groups, 1);
    v = v.repeat_interleave(groups, 1);
  }
  if (length == 1) return at::scaled_dot_product_attention(q, k, v);  // sees every position
  if (start == 0) return at::scaled_dot_product_attention(q, k, v, {}, 0.0, /*is_causal=*/true);
  // Query i sits at position start+i and sees keys 0 .. start+i.
  const torch::Tensor rows = torch::arange(start, start + length, q.options().dtype(torch::kLong));
  const torch::Tensor cols = torch::arange(start + length, q.options().dtype(torch::kLong));
  return at::scaled_dot_product_attention(q, k, v, cols.unsqueeze(0) <= rows.unsqueeze(1));
}

// B x T x (H*D) -> B x H x T x D
torch::Tensor split_heads(const torch::Tensor& x, std::int64_t heads) {
  return x.view({x.size(0), x.size(1), heads, -1}).transpose(1, 2);
}
torch::Tensor merge_heads(const torch::Tensor& x) {
  return x.transpose(1, 2).reshape({x.size(0), x.size(2), -1});
}

struct LayerCache {
  torch::Tensor* keys = nullptr;
  torch::Tensor* values = nullptr;
};

class Gpt2BlockImpl : public torch::nn::Module {
 public:
  explicit Gpt2BlockImpl(const DecoderConfig& c) : heads_(c.heads) {
    const auto norm = [&] {
      return torch::nn::LayerNorm(torch::nn::LayerNormOptions({c.hidden}).eps(c.norm_eps));
    };
    ln_1_ = register_module("ln_1", norm());
    c_attn_ = register_module("c_attn", linear(c.hidden, 3 * c.hidden, true));
    attn_proj_ = register_module("attn_proj", linear(c.hidden, c.hidden, true));
    ln_2_ = register_module("ln_2", norm());
    c_fc_ = register_module("c_fc", linear(c.hidden, c.intermediate, true));
    mlp_proj_ = register_module("mlp_proj", linear(c.intermediate, c.hidden, true));
  }
  torch::Tensor forward(const torch::Tensor& x, std::int64_t start, LayerCache cache) {
    const std::vector<torch::Tensor> qkv = c_attn_(ln_1_(x)).chunk(3, -1);
    const torch::Tensor attended =
        attend(split_heads(qkv[0], heads_), split_heads(qkv[1], heads_),
               split_heads(qkv[2], heads_), start, cache.keys, cache.values);
    const torch::Tensor h = x + attn_proj_(merge_heads(attended));
    return h + mlp_proj_(torch::gelu(c_fc_(ln_2_(h)), "tanh"));
  }

 private:
  std::int64_t heads_;
  torch::nn::LayerNorm ln_1_{nullptr}, ln_2_{nullptr};
  torch::nn::Linear c_attn_{nullptr}, attn_proj_{nullptr}, c_fc_{nullptr}, mlp_proj_{nullptr};
};
TORCH_MODULE(Gpt2Block);

// x * cos + rotate_half(x) * sin, with cos/sin of the positions start .. start+T-1.
torch::Tensor rotate(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin) {
  const std::vector<torch::Tensor> halves = x.chunk(2, -1);
  return x * cos + torch::cat({-halves[1], halves[0]}, -1) * sin;
}

class LlamaBlockImpl : public torch::nn::Module {
 public:
  explicit LlamaBlockImpl(const DecoderConfig& c) : heads_(c.heads), kv_heads_(c.kv_heads) {
    const std::int64_t d = c.head_dim();
    input_norm_ = register_module("input_layernorm", RmsNorm(c.hidden, c.norm_eps));
    q_ = register_module("q_proj", linear(c.hidden, c.heads * d, false));
    k_ = register_module("k_proj", linear(c.hidden, c.kv_heads * d, false));
    v_ = register_module("v_proj", linear(c.hidden, c.kv_heads * d, false));
    o_ = register_module("o_proj", linear(c.heads * d, c.hidden, false));
    post_norm_ = register_module("post_attention_layernorm", RmsNorm(c.hidden, c.norm_eps));
    gate_ = register_module("gate_proj", linear(c.hidden, c.intermediate, false));
    up_ = register_module("up_proj", linear(c.hidden, c.intermediate, false));
    down_ = register_module("down_proj", linear(c.intermediate, c.hidden, false));
  }
  torch::Tensor forward(const torch::Tensor& x, std::int64_t start, LayerCache cache,
                        const torch::Tensor& cos, const torch::Tensor& sin) {
    const torch::Tensor n = input_norm_(x);
    const torch::Tensor q = rotate(split_heads(q_(n), heads_), cos, sin);
    const torch::Tensor k = rotate(split_heads(k_(n), kv_heads_), cos, sin);
    const torch::Tensor attended =
        attend(q, k, split_heads(v_(n), kv_heads_), start, cache.keys, cache.values);
    const torch::Tensor h = x + o_(merge_heads(attended));
    const torch::Tensor m = post_norm_(h);
    return h + down_(torch::silu(gate_(m)) * up_(m));
  }

 private:
  std::int64_t heads_, kv_heads_;
  RmsNorm input_norm_{nullptr}, post_norm_{nullptr};
  torch::nn::Linear q_{nullptr}, k_{nullptr}, v_{nullptr}, o_{nullptr};
  torch::nn::Linear gate_{nullptr}, up_{nullptr}, down_{nullptr};
};
TORCH_MODULE(LlamaBlock);

DecoderConfig gpt2_shape(std::string name, std::int64_t hidden, std::int64_t layers,
                         std::int64_t heads, std::int64_t vocab, std::int64_t context) {
  return {.name = std::move(name),
          .family = DecoderFamily::kGpt2,
          .vocab_size = vocab,
          .context_length = context,
          .hidden = hidden,
          .layers = layers,
          .heads = heads,
          .kv_heads = heads,
          .intermediate = 4 * hidden};
}

DecoderConfig llama_shape(std::string name, std::int64_t hidden, std::int64_t layers,
                          std::int64_t heads, std::int64_t kv_heads, std::int64_t intermediate,
                          std::int64_t vocab, std::int64_t context, bool tied, double theta) {
  return {.name = std::move(name),
          .family = DecoderFamily::kLlama,
          .vocab_size = vocab,
          .context_length = context,
          .hidden = hidden,
          .layers = layers,
          .heads = heads,
          .kv_heads = kv_heads,
          .intermediate = intermediate,
          .rope_theta = theta,
          .tied_embeddings = tied};
}

}  // namespace

std::int64_t DecoderConfig::parameter_count() const {
  const std::int64_t h = hidden, d = head_dim(), i = intermediate;
  const std::int64_t embeddings = vocab_size * h + (tied_embeddings ? 0 : vocab_size * h);
  if (family == DecoderFamily::kGpt2) {
    const std::int64_t block =
        4 * h + (h * 3 * h + 3 * h) + (h * h + h) + (h * i + i) + (i * h + h);
    return embeddings + context_length * h + layers * block + 2 * h;
  }
  const std::int64_t block =
      2 * h + h * heads * d + 2 * h * kv_heads * d + heads * d * h + 3 * h * i;
  return embeddings + layers * block + h;
}

const std::vector<std::string>& decoder_preset_names() {
  static const std::vector<std::string> names = {"gpt2",       "gpt2-medium", "gpt2-tiny",
                                                 "llama-tiny", "llama-1b",    "llama2-7b"};
  return names;
}

DecoderConfig decoder_preset(const std::string& name) {
  if (name == "gpt2") return gpt2_shape(name, 768, 12, 12, 50257, 1024);
  if (name == "gpt2-medium") return gpt2_shape(name, 1024, 24, 16, 50257, 1024);
  if (name == "gpt2-tiny") return gpt2_shape(name, 64, 2, 4, 256, 128);
  if (name == "llama-tiny") return llama_shape(name, 64, 2, 4, 2, 128, 256, 128, false, 10000.0);
  if (name == "llama-1b") {
    return llama_shape(name, 2048, 16, 32, 8, 8192, 128256, 8192, true, 500000.0);
  }
  if (name == "llama2-7b") {
    return llama_shape(name, 4096, 32, 32, 32, 11008, 32000, 4096, false, 10000.0);
  }
  const std::optional<std::string> hint = closest_match(name, decoder_preset_names());
  throw InputError(fmt::format(
      "unknown decoder model '{}'{}; known: gpt2, gpt2-medium, gpt2-tiny, llama-tiny, llama-1b, "
      "llama2-7b",
      name, hint ? " (did you mean '" + *hint + "'?)" : ""));
}

DecoderLMImpl::DecoderLMImpl(const DecoderConfig& config) : config_(config) {
  const DecoderConfig& c = config_;
  if (c.heads < 1 || c.kv_heads < 1 || c.hidden % c.heads != 0 || c.heads % c.kv_heads != 0 ||
      c.layers < 1 || c.vocab_size < 1 || c.context_length < 1 || c.head_dim() % 2 != 0) {
    throw InputError(fmt::format(
        "decoder '{}': hidden {} must split into {} heads of an even width, and {} heads into {} "
        "key/value heads",
        c.name, c.hidden, c.heads, c.heads, c.kv_heads));
  }
  token_embedding_ = register_module("wte", torch::nn::Embedding(c.vocab_size, c.hidden));
  {
    torch::NoGradGuard no_grad;
    token_embedding_->weight.normal_(0.0, 0.02);
  }
  blocks_ = register_module("layers", torch::nn::ModuleList());
  if (c.family == DecoderFamily::kGpt2) {
    position_embedding_ = register_module("wpe", torch::nn::Embedding(c.context_length, c.hidden));
    {
      torch::NoGradGuard no_grad;
      position_embedding_->weight.normal_(0.0, 0.01);
    }
    for (std::int64_t l = 0; l < c.layers; ++l) blocks_->push_back(Gpt2Block(c));
    final_norm_ = register_module(
        "ln_f", torch::nn::LayerNorm(torch::nn::LayerNormOptions({c.hidden}).eps(c.norm_eps)));
  } else {
    for (std::int64_t l = 0; l < c.layers; ++l) blocks_->push_back(LlamaBlock(c));
    final_norm_ = register_module("norm", RmsNorm(c.hidden, c.norm_eps));
    // cos/sin of position * theta^(-2j/D), each half repeated (the rotate-half convention).
    const std::int64_t d = c.head_dim();
    const torch::Tensor inverse =
        torch::pow(c.rope_theta, -torch::arange(0, d, 2, torch::kFloat64) / static_cast<double>(d));
    const torch::Tensor angles =
        torch::outer(torch::arange(c.context_length, torch::kFloat64), inverse);
    const torch::Tensor both = torch::cat({angles, angles}, -1);
    rope_cos_ = register_buffer("rope_cos", both.cos().to(torch::kFloat32));
    rope_sin_ = register_buffer("rope_sin", both.sin().to(torch::kFloat32));
  }
  if (!c.tied_embeddings)
    lm_head_ = register_module("lm_head", linear(c.hidden, c.vocab_size, false));
}

torch::Tensor DecoderLMImpl::forward(const torch::Tensor& tokens, std::int64_t start,
                                     KvCache* cache) {
  const DecoderConfig& c = config_;
  const std::int64_t length = tokens.size(1);
  const std::int64_t limit =
      cache != nullptr ? std::min(cache->capacity, c.context_length) : c.context_length;
  if (start < 0 || start + length > limit) {
    throw InputError(fmt::format("{}: positions {}..{} do not fit in {} positions ({} context{})",
                                 c.name, start, start + length - 1, limit, c.context_length,
                                 cache != nullptr ? ", cache" : ""));
  }
  if (cache == nullptr && start != 0) {
    throw InputError(c.name + ": a forward pass from position > 0 needs the KV cache");
  }
  torch::Tensor x = token_embedding_(tokens);
  torch::Tensor cos, sin;
  if (c.family == DecoderFamily::kGpt2) {
    x = x + position_embedding_(torch::arange(start, start + length, tokens.options()));
  } else {
    cos = rope_cos_.narrow(0, start, length).to(x.scalar_type());
    sin = rope_sin_.narrow(0, start, length).to(x.scalar_type());
  }
  for (std::size_t l = 0; l < blocks_->size(); ++l) {
    LayerCache layer;
    if (cache != nullptr) layer = {&cache->keys[l], &cache->values[l]};
    if (c.family == DecoderFamily::kGpt2) {
      x = blocks_->ptr(l)->as<Gpt2BlockImpl>()->forward(x, start, layer);
    } else {
      x = blocks_->ptr(l)->as<LlamaBlockImpl>()->forward(x, start, layer, cos, sin);
    }
  }
  if (c.family == DecoderFamily::kGpt2) {
    x = final_norm_->as<torch::nn::LayerNormImpl>()->forward(x);
  } else {
    x = final_norm_->as<RmsNormImpl>()->forward(x);
  }
  return c.tied_embeddings ? torch::linear(x, token_embedding_->weight) : lm_head_(x);
}

}  // namespace nnbench::engine
