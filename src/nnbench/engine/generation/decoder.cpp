// Decoder-only language models (see decoder.hpp). Weights: N(0, 0.02) for embeddings and linear
// layers, zero biases, unit norms (GPT-2's initialisation, used for both families).
#include "nnbench/engine/generation/decoder.hpp"

#include <ATen/ops/scaled_dot_product_attention.h>
#include <torch/torch.h>

#include <cmath>
#include <limits>
#include <optional>

#include <fmt/format.h>

#include "nnbench/core/error.hpp"
#include "nnbench/core/suggest.hpp"
#include "nnbench/engine/generation/decoder_ops.hpp"

namespace nnbench::engine {

// Where a forward pass puts its new tokens and which cached positions they may see. forward():
// the host position `start`; decode_step(): a device tensor `position` and the mask `visible`
// (capacity, true up to and including the position).
struct DecoderLMImpl::Placement {
  std::int64_t start = 0;
  torch::Tensor position, visible;
  bool is_static() const { return position.defined(); }
};

namespace {

torch::nn::Linear linear(std::int64_t in, std::int64_t out, bool bias) {
  torch::nn::Linear layer(torch::nn::LinearOptions(in, out).bias(bias));
  torch::NoGradGuard no_grad;
  layer->weight.normal_(0.0, 0.02);
  if (bias) layer->bias.zero_();
  return layer;
}

// Root-mean-square normalisation, computed in fp32 whatever the model's dtype (decoder_ops.hpp).
class RmsNormImpl : public torch::nn::Module {
 public:
  RmsNormImpl(std::int64_t width, double eps)
      : eps_(eps), weight_(register_parameter("weight", torch::ones({width}))) {}
  torch::Tensor forward(const torch::Tensor& x, bool fused = false) {
    return rms_norm(x, weight_, eps_, fused);
  }
  // The normalised x times weight^T (then SwiGLU, with `swiglu`): one launch where fused.
  torch::Tensor project(const torch::Tensor& x, const torch::Tensor& weight, bool swiglu,
                        bool fused) {
    return normed_projection(x, weight_, eps_, weight, swiglu, fused);
  }
  // The normalised x's [q | k | v] product into attention's q and the KV cache: one launch.
  torch::Tensor project_to_cache(const torch::Tensor& x, const torch::Tensor& weight,
                                 const CacheSlot& slot) {
    return qkv_projection_to_cache(x, weight_, eps_, weight, {}, slot, true);
  }

 private:
  double eps_;
  torch::Tensor weight_;
};
TORCH_MODULE(RmsNorm);

using Placement = DecoderLMImpl::Placement;

struct LayerCache {
  torch::Tensor* keys = nullptr;
  torch::Tensor* values = nullptr;
};

// softmax(q k^T / sqrt(d)) v as written, the softmax in fp32; mask true where a key is visible.
torch::Tensor written_attention(const torch::Tensor& q, torch::Tensor k, torch::Tensor v,
                                const torch::Tensor& mask) {
  const std::int64_t groups = q.size(1) / k.size(1);
  if (groups > 1) {  // grouped-query attention: each key/value head serves `groups` query heads
    k = k.repeat_interleave(groups, 1);
    v = v.repeat_interleave(groups, 1);
  }
  torch::Tensor scores =
      torch::matmul(q, k.transpose(-2, -1)) * (1.0 / std::sqrt(static_cast<double>(q.size(-1))));
  if (mask.defined()) {
    scores = scores.masked_fill(mask.logical_not(), -std::numeric_limits<double>::infinity());
  }
  return torch::matmul(torch::softmax(scores, -1, torch::kFloat32).to(q.scalar_type()), v);
}

// The same through at::scaled_dot_product_attention. One query per sequence with grouped-query
// attention: the query heads of a group become rows of one key/value head, so the cache is read
// once per key/value head and never repeated.
torch::Tensor fused_attention(const torch::Tensor& q, const torch::Tensor& k,
                              const torch::Tensor& v, const torch::Tensor& mask, bool causal) {
  const std::int64_t batch = q.size(0), heads = q.size(1), kv_heads = k.size(1);
  const std::optional<torch::Tensor> attn_mask =
      mask.defined() ? std::optional<torch::Tensor>(mask) : std::nullopt;
  if (heads != kv_heads && q.size(2) == 1) {
    const torch::Tensor grouped = q.reshape({batch, kv_heads, heads / kv_heads, q.size(3)});
    return at::scaled_dot_product_attention(grouped, k, v, attn_mask)
        .reshape({batch, heads, 1, q.size(3)});
  }
  return at::scaled_dot_product_attention(q, k, v, attn_mask, 0.0, causal && !mask.defined(),
                                          std::nullopt, /*enable_gqa=*/heads != kv_heads);
}

// Attention of T new queries over the cached and new keys. q: B x H x T x D, k, v: B x Hkv x T x D.
torch::Tensor attend(const torch::Tensor& q, torch::Tensor k, torch::Tensor v,
                     const Placement& place, LayerCache cache, bool fused) {
  const std::int64_t length = q.size(2);
  torch::Tensor mask;
  bool causal = false;
  if (place.is_static()) {
    cache.keys->index_copy_(2, place.position, k);
    cache.values->index_copy_(2, place.position, v);
    k = *cache.keys;
    v = *cache.values;
    mask = place.visible.view({1, 1, 1, -1});
  } else {
    const std::int64_t start = place.start;
    if (cache.keys != nullptr) {
      cache.keys->narrow(2, start, length).copy_(k);
      cache.values->narrow(2, start, length).copy_(v);
      k = cache.keys->narrow(2, 0, start + length);
      v = cache.values->narrow(2, 0, start + length);
    }
    if (length > 1 && start == 0 && fused) {
      causal = true;  // the flash kernel's own causal mask
    } else if (length > 1) {
      // Query i sits at position start+i and sees keys 0 .. start+i.
      const auto positions = q.options().dtype(torch::kLong);
      const torch::Tensor rows = torch::arange(start, start + length, positions);
      const torch::Tensor cols = torch::arange(start + length, positions);
      mask = cols.unsqueeze(0) <= rows.unsqueeze(1);
    }
  }
  return fused ? fused_attention(q, k, v, mask, causal) : written_attention(q, k, v, mask);
}

// B x T x (H*D) -> B x H x T x D
torch::Tensor split_heads(const torch::Tensor& x, std::int64_t heads) {
  return x.view({x.size(0), x.size(1), heads, -1}).transpose(1, 2);
}
torch::Tensor merge_heads(const torch::Tensor& x) {
  return x.transpose(1, 2).reshape({x.size(0), x.size(2), -1});
}

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
  torch::Tensor forward(const torch::Tensor& x, const Placement& place, LayerCache cache,
                        const DecoderKernels& kernels) {
    const std::vector<torch::Tensor> qkv = c_attn_(ln_1_(x)).chunk(3, -1);
    const torch::Tensor attended =
        attend(split_heads(qkv[0], heads_), split_heads(qkv[1], heads_),
               split_heads(qkv[2], heads_), place, cache, kernels.fused_attention);
    const torch::Tensor h = x + attn_proj_(merge_heads(attended));
    return h + mlp_proj_(torch::gelu(c_fc_(ln_2_(h)), "tanh"));
  }
  // The static decode step with the custom kernels: bias and residual in the products' epilogues,
  // keys and values written by the QKV product's, attention over the filled positions only.
  torch::Tensor decode(const torch::Tensor& x, const torch::Tensor& position, LayerCache cache) {
    const torch::Tensor q = qkv_projection_to_cache(ln_1_(x), {}, 0, c_attn_->weight, c_attn_->bias,
                                                    {.position = position,
                                                     .cos_table = {},  // no rotation
                                                     .sin_table = {},
                                                     .keys = *cache.keys,
                                                     .values = *cache.values,
                                                     .heads = heads_},
                                                    true);
    const torch::Tensor attended = decode_attention(q, *cache.keys, *cache.values, position, true);
    const torch::Tensor h = projection(attended.view({x.size(0), 1, -1}), attn_proj_->weight,
                                       attn_proj_->bias, x, true);
    const torch::Tensor hidden =
        torch::gelu(projection(ln_2_(h), c_fc_->weight, c_fc_->bias, {}, true), "tanh");
    return projection(hidden, mlp_proj_->weight, mlp_proj_->bias, h, true);
  }

 private:
  std::int64_t heads_;
  torch::nn::LayerNorm ln_1_{nullptr}, ln_2_{nullptr};
  torch::nn::Linear c_attn_{nullptr}, attn_proj_{nullptr}, c_fc_{nullptr}, mlp_proj_{nullptr};
};
TORCH_MODULE(Gpt2Block);

// Rebinds each weight as a view of one tensor that concatenates them along the output rows and
// returns it: one matrix product then computes all the projections.
torch::Tensor fuse_rows(const std::vector<torch::nn::Linear>& layers) {
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> weights;
  for (const torch::nn::Linear& layer : layers) weights.push_back(layer->weight);
  const torch::Tensor fused = torch::cat(weights, 0);
  std::int64_t row = 0;
  for (const torch::nn::Linear& layer : layers) {
    const std::int64_t rows = layer->weight.size(0);
    layer->weight.set_(fused.narrow(0, row, rows));
    row += rows;
  }
  return fused;
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
  void fuse_projections() {
    if (qkv_weight_.defined() && qkv_weight_.device() == q_->weight.device() &&
        qkv_weight_.data_ptr() == q_->weight.data_ptr()) {
      return;  // fused already, and not copied apart since
    }
    qkv_weight_ = fuse_rows({q_, k_, v_});
    gate_up_weight_ = fuse_rows({gate_, up_});
  }
  torch::Tensor forward(const torch::Tensor& x, const Placement& place, LayerCache cache,
                        const torch::Tensor& cos, const torch::Tensor& sin,
                        const DecoderKernels& kernels) {
    const bool custom = kernels.custom_kernels;
    const std::int64_t batch = x.size(0), length = x.size(1);
    const torch::Tensor n = input_norm_(x, custom);
    torch::Tensor q, k, v;
    if (kernels.fused_projections) {
      const std::int64_t q_width = q_->weight.size(0), kv_width = k_->weight.size(0);
      const torch::Tensor qkv = torch::linear(n, qkv_weight_);
      q = qkv.narrow(-1, 0, q_width);
      k = qkv.narrow(-1, q_width, kv_width);
      v = qkv.narrow(-1, q_width + kv_width, kv_width);
    } else {
      q = q_(n);
      k = k_(n);
      v = v_(n);
    }
    // Rotary positions on B x T x heads x D, then heads before tokens for attention.
    q = apply_rotary(q.view({batch, length, heads_, -1}), cos, sin, custom).transpose(1, 2);
    k = apply_rotary(k.view({batch, length, kv_heads_, -1}), cos, sin, custom).transpose(1, 2);
    v = v.view({batch, length, kv_heads_, -1}).transpose(1, 2);
    const torch::Tensor attended = attend(q, k, v, place, cache, kernels.fused_attention);
    const torch::Tensor h = x + o_(merge_heads(attended));
    const torch::Tensor m = post_norm_(h, custom);
    if (kernels.fused_projections) {
      return h + down_(silu_and_mul(torch::linear(m, gate_up_weight_), custom));
    }
    return h + down_(torch::silu(gate_(m)) * up_(m));
  }
  // The static decode step with the custom kernels (fused projections): the norms in the
  // products' prologues; in their epilogues the residuals, SwiGLU, and q and k rotated with k and
  // v written into the cache; attention over the filled positions only. cos_table, sin_table:
  // context x head_dim.
  torch::Tensor decode(const torch::Tensor& x, const torch::Tensor& position, LayerCache cache,
                       const torch::Tensor& cos_table, const torch::Tensor& sin_table) {
    const torch::Tensor q = input_norm_->project_to_cache(x, qkv_weight_,
                                                          {.position = position,
                                                           .cos_table = cos_table,
                                                           .sin_table = sin_table,
                                                           .keys = *cache.keys,
                                                           .values = *cache.values,
                                                           .heads = heads_});
    const torch::Tensor attended = decode_attention(q, *cache.keys, *cache.values, position, true);
    const torch::Tensor h = projection(attended.view({x.size(0), 1, -1}), o_->weight, {}, x, true);
    const torch::Tensor activated = post_norm_->project(h, gate_up_weight_, true, true);
    return projection(activated, down_->weight, {}, h, true);
  }

 private:
  std::int64_t heads_, kv_heads_;
  RmsNorm input_norm_{nullptr}, post_norm_{nullptr};
  torch::nn::Linear q_{nullptr}, k_{nullptr}, v_{nullptr}, o_{nullptr};
  torch::nn::Linear gate_{nullptr}, up_{nullptr}, down_{nullptr};
  torch::Tensor qkv_weight_, gate_up_weight_;  // fused views' storage (fuse_projections)
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
                                     KvCache* cache, bool last_only) {
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
  const torch::Tensor positions = torch::arange(start, start + length, tokens.options());
  Placement place;
  place.start = start;
  return run_layers(tokens, positions, place, cache, last_only);
}

torch::Tensor DecoderLMImpl::decode_step(const torch::Tensor& tokens, const torch::Tensor& position,
                                         KvCache& cache) {
  if (tokens.dim() != 2 || tokens.size(1) != 1 || position.numel() != 1) {
    throw InputError(config_.name + ": a decode step takes B x 1 tokens and one position");
  }
  const torch::Tensor index = position.reshape({1});
  // The custom kernels' attention reads the position itself; the others mask the whole cache.
  const bool masked = !(kernels_.custom_kernels && kernels_.fused_projections);
  const torch::Tensor visible =
      masked ? torch::arange(cache.capacity, index.options()) <= index : torch::Tensor();
  return run_layers(tokens, index, Placement{.start = 0, .position = index, .visible = visible},
                    &cache, false);
}

torch::Tensor DecoderLMImpl::run_layers(const torch::Tensor& tokens, const torch::Tensor& positions,
                                        const Placement& place, KvCache* cache, bool last_only) {
  const DecoderConfig& c = config_;
  torch::Tensor x = token_embedding_(tokens);
  // The decode step's own path: every layer's keys and values through one kernel, the tables of
  // rotary positions indexed there by the device position.
  const bool custom_step =
      place.is_static() && kernels_.custom_kernels && kernels_.fused_projections;
  torch::Tensor cos, sin;
  if (c.family == DecoderFamily::kGpt2) {
    x = x + position_embedding_->weight.index_select(0, positions);
  } else if (!custom_step) {
    cos = rope_cos_.index_select(0, positions).to(x.scalar_type());
    sin = rope_sin_.index_select(0, positions).to(x.scalar_type());
  }
  for (std::size_t l = 0; l < blocks_->size(); ++l) {
    LayerCache layer;
    if (cache != nullptr) layer = {&cache->keys[l], &cache->values[l]};
    if (c.family == DecoderFamily::kGpt2) {
      auto* block = blocks_->ptr(l)->as<Gpt2BlockImpl>();
      x = custom_step ? block->decode(x, place.position, layer)
                      : block->forward(x, place, layer, kernels_);
    } else {
      auto* block = blocks_->ptr(l)->as<LlamaBlockImpl>();
      x = custom_step ? block->decode(x, place.position, layer, rope_cos_, rope_sin_)
                      : block->forward(x, place, layer, cos, sin, kernels_);
    }
  }
  if (last_only) x = x.narrow(1, x.size(1) - 1, 1);
  const torch::Tensor& head = c.tied_embeddings ? token_embedding_->weight : lm_head_->weight;
  if (c.family == DecoderFamily::kGpt2) {
    x = final_norm_->as<torch::nn::LayerNormImpl>()->forward(x);
    return projection(x, head, {}, {}, kernels_.custom_kernels);
  }
  return final_norm_->as<RmsNormImpl>()->project(x, head, false, kernels_.custom_kernels);
}

void DecoderLMImpl::set_kernels(const DecoderKernels& kernels) {
  kernels_ = kernels;
  if (!kernels.fused_projections || config_.family != DecoderFamily::kLlama) return;
  for (std::size_t l = 0; l < blocks_->size(); ++l) {
    blocks_->ptr(l)->as<LlamaBlockImpl>()->fuse_projections();
  }
}

}  // namespace nnbench::engine
