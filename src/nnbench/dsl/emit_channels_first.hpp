// The layer walk of the channels-first back ends (`--emit pytorch`, `--emit torch-cpp`; private
// to the dsl layer). Both write a module with one named submodule per parameterised layer and a
// straight-line forward over the IR's own (LibTorch) order, mirroring the in-process builder
// layer by layer. The walk decides everything the two share: layer order, Residual structure
// (the skip saved, the body inline, the projection added), submodule and variable names, explicit
// padding where PyTorch's is symmetric-only, the average pool's padding mask, the dimensions
// global pooling and Permute work on. A Dialect only spells each piece in its framework.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "nnbench/dsl/ir.hpp"

namespace nnbench::dsl::channels_first {

// The lines of the generated module, without indentation.
struct Body {
  std::vector<std::string> members;  // declarations of the submodules (C++ only)
  std::vector<std::string> init;     // constructor statements
  std::vector<std::string> forward;  // forward statements; the tensor is `x`
};

// A submodule's construction: its class and its constructor's arguments, e.g. "nn.Linear" and
// "4, 8, bias=True", or "torch::nn::Linear" and "torch::nn::LinearOptions(4, 8).bias(true)".
struct Module {
  std::string type;
  std::string arguments;
};

// What F.pad fills with: zeros, or -inf before a max pool.
enum class PadValue { kZero, kMinusInfinity };

// What one framework writes. `suffix` arguments are PyTorch's class suffix of a layer over one
// or two spatial dimensions, "1d" or "2d" (the same in Python and LibTorch).
class Dialect {
 public:
  virtual ~Dialect() = default;

  // Statements: "x = expression"; a new tensor variable `name` set to `expression`.
  virtual std::string assign(const std::string& expression) const = 0;
  virtual std::string local(const std::string& name, const std::string& expression) const = 0;
  // The name of a variable one layer's statements use (`base`, e.g. "mask", for layer `layer`,
  // its identifier), unique where the language cannot declare a name twice in one scope.
  virtual std::string scratch(const std::string& base, const std::string& layer) const = 0;

  // Declares submodule `name` (its member, its construction) in `body`.
  virtual void declare(const std::string& name, const Module& module, Body& body) const = 0;
  // The expression applying submodule `name` to the expression `input`.
  virtual std::string call(const std::string& name, const std::string& input) const = 0;

  // Expressions. `x` is an expression; the others read the tensor x.
  virtual std::string activation(const ir::Activation& a, const std::string& x) const = 0;
  // F.pad of `x` by `pads` (F.pad's order: last dimension first, (begin, end) each).
  virtual std::string pad(const std::string& x, const std::vector<std::int64_t>& pads,
                          PadValue value) const = 0;
  // Max or average pooling of `x` without padding.
  virtual std::string pool(const ir::PoolAttrs& a, bool max, const std::string& suffix,
                           const std::string& x) const = 0;
  // A tensor of ones of `shape` (batch included), x's dtype and device.
  virtual std::string ones(const std::vector<std::int64_t>& shape) const = 0;
  virtual std::string flatten() const = 0;
  // The mean of x over `dims` (batch included).
  virtual std::string mean(const std::vector<std::int64_t>& dims) const = 0;
  // x's batch size; x reshaped to `sizes` (the expressions of each size, the batch's first, joined
  // by ", ").
  virtual std::string batch_size() const = 0;
  virtual std::string reshape(const std::string& sizes) const = 0;
  // x permuted by `dims` (batch included).
  virtual std::string permute(const std::vector<std::int64_t>& dims) const = 0;
  // x's slice `index` of dimension `dim` (batch included), that dimension removed.
  virtual std::string select(std::int64_t dim, std::int64_t index) const = 0;

  // Submodules. `padding` is the convolution's own (symmetric) padding.
  virtual Module linear(std::int64_t in_features, std::int64_t out_features, bool bias) const = 0;
  virtual Module conv(const ir::ConvAttrs& a, const std::string& suffix,
                      const std::vector<std::int64_t>& padding) const = 0;
  virtual Module conv_projection(const ir::ResidualAttrs& a, const std::string& suffix) const = 0;
  virtual Module dropout(double rate) const = 0;
  virtual Module batch_norm(const ir::NormAttrs& a, const std::string& suffix) const = 0;
  virtual Module layer_norm(const ir::NormAttrs& a) const = 0;
  virtual Module embedding(const ir::EmbeddingAttrs& a) const = 0;
  // `type` is "LSTM" or "GRU".
  virtual Module recurrent(const ir::RecurrentAttrs& a, const std::string& type) const = 0;
  // The learned class token and position embedding, as modules of the file's helper classes
  // (so that parameters() lists them in layer order, as the in-process builder does).
  virtual Module class_token(const ir::TokenAttrs& a) const = 0;
  virtual Module position_embedding(const ir::TokenAttrs& a) const = 0;

  // The recurrent submodule `name`'s forward, batch first: the statement "x = the last layer's
  // output at every step"; the statement declaring `h_n`, the final hidden states of every layer
  // and direction; the expression of the last layer's `directions` concatenated per sample
  // (`features` of them).
  virtual std::string every_step(const std::string& name) const = 0;
  virtual std::string final_states(const std::string& name, bool lstm,
                                   const std::string& h_n) const = 0;
  virtual std::string last_layer_states(const std::string& h_n, std::int64_t directions,
                                        std::int64_t features) const = 0;

  // Attention and the Transformer encoder, declared and applied to the batch-first x (LibTorch's
  // are sequence-first, and its encoder options have no LayerNorm epsilon).
  virtual void attention(const ir::AttentionAttrs& a, const std::string& name,
                         Body& body) const = 0;
  virtual void encoder(const ir::TransformerAttrs& a, const std::string& name,
                       Body& body) const = 0;
};

// Appends every layer's submodules and forward statements, Residual bodies inline.
void emit_layers(const std::vector<ir::Layer>& layers, const Dialect& dialect, Body& body);

}  // namespace nnbench::dsl::channels_first
