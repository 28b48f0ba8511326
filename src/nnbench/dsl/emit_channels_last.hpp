// The layer walk of the channels-last back ends (`--emit jax`, `--emit keras`; private to the
// dsl layer). The IR is in LibTorch's channels-first order ((C, H, W), (C, L)); Flax and Keras
// convolve, pool and batch-normalise channels-last ((H, W, C), (L, C)), and TensorFlow's CPU
// kernels only so. The walk moves the tensor to channels-last at the first such layer and back to
// channels-first before the first layer that reads the channels-first order (Flatten, Reshape,
// Permute, Dense or LayerNorm on a sequence, softmax over a dimension, the network's output), so
// each transpose is written once per change and the generated function equals LibTorch's on the
// same weights, flatten order included. Elementwise layers (activations, dropout, a residual's
// add) run in whichever layout the tensor is in. PatchesToSequence reads its image channels-last,
// where it is a reshape, and gives a sequence in the IR's (L, F) order.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "nnbench/dsl/ir.hpp"

namespace nnbench::dsl::channels_last {

// Where the tensor is, given as the state of the walk.
enum class Layout { kChannelsFirst, kChannelsLast };

// What one framework writes. Statements go to `out` without indentation; the tensor is `x`.
class Dialect {
 public:
  virtual ~Dialect() = default;
  // The statement "x = x transposed by perm" (perm includes the batch dimension 0).
  virtual std::string transpose(const std::vector<std::int64_t>& perm) const = 0;
  // The expression applying `a` to the expression `x` (softmax axes: channels-first).
  virtual std::string activation(const ir::Activation& a, const std::string& x) const = 0;
  // The statements of one layer other than a Residual, Activation or Permute (the walk writes
  // those with transpose() and activation()), with x in `layout` (channels-last only
  // for layers the walk runs so: convolutions, pooling, batch norm on a spatial input,
  // PatchesToSequence).
  virtual void layer(const ir::Layer& layer, Layout layout,
                     std::vector<std::string>& out) const = 0;
  // After a Residual's body, with x and `skip` (the input, saved before the body) in `layout`:
  // the statements of "x = projection(skip) + x".
  virtual void residual_add(const ir::Layer& residual, const std::string& skip, Layout layout,
                            std::vector<std::string>& out) const = 0;
};

// Appends the statements of every layer, transposes included; x ends channels-first.
void emit_layers(const std::vector<ir::Layer>& layers, const Dialect& dialect,
                 std::vector<std::string>& out);

// The axes (batch included) a layer over spatial dimensions works on, in `layout`, for a sample
// of `rank` dimensions: channels-first (2, .., rank), channels-last (1, .., rank - 1).
std::vector<std::int64_t> spatial_axes(std::size_t rank, Layout layout);

// PyTorch's default bound of Linear and Conv weights and biases, 1/sqrt(fan_in), with fan_in =
// in_features, or in_channels / groups x the kernel's elements.
std::int64_t fan_in(const ir::Layer& layer);

// Pieces of a Python call's keyword arguments: "True"/"False"; name="residual_1_conv2d_3";
// PyTorch's initialisation of a layer's weight and bias through the framework's keywords, e.g.
// "kernel_init=_torch_uniform(9), bias_init=_torch_uniform(9)".
std::string flag(bool value);
std::string name_argument(const std::string& layer_name);
std::string torch_init(const ir::Layer& layer, const std::string& weight_keyword,
                       const std::string& bias_keyword);

// MultiHeadAttention's query, key and value projections start as PyTorch's in_proj does:
// xavier_uniform over (3E, E), bound sqrt(6 / 4E) = 1/sqrt(2E/3): "_torch_uniform(2 * E / 3)".
// The comment line the emitters write above the layer to say so; without `own_output_init`
// (Keras: one kernel_initializer for all four projections) the output kernel starts so too.
std::string in_projection_init(const ir::AttentionAttrs& a);
std::string attention_init_comment(bool own_output_init);

// An InputError naming the layer, its line and the back end that has no translation for it.
[[noreturn]] void unsupported(const ir::Layer& layer, const std::string& back_end);

}  // namespace nnbench::dsl::channels_last
