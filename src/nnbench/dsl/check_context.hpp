// Internal to the checker: the tensor description shape rules pass along, argument binding with
// typed getters that report their own diagnostics, and overflow-safe counting.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "layer_table.hpp"
#include "nnbench/core/printable.hpp"
#include "nnbench/dsl/ast.hpp"
#include "nnbench/dsl/diagnostic.hpp"
#include "nnbench/dsl/ir.hpp"

namespace nnbench::dsl {

// How a sample's dimensions are to be read. Rank-2 tensors are ambiguous, so the layout says
// whether dimension 0 holds channels (Conv1D) or time steps (LSTM, attention).
enum class Layout {
  kFlat,           // (F)
  kTokens,         // (L) int64 token ids, only as the network input to an Embedding
  kChannelsFirst,  // (C, L)
  kSequence,       // (L, F)
  kImage,          // (C, H, W)
  kAny,            // after Reshape/Permute: accepted by every layer of the right rank
};

struct Tensor {
  ir::Shape shape;
  Layout layout = Layout::kFlat;
};

// "(32, 5, 5) [C, H, W]"
std::string describe(const Tensor& tensor);
std::string describe_shape(const ir::Shape& shape);
// Shortest text that reads back as the same double ("0.001", "1e-08", "3").
std::string format_number(double value);

// The largest value accepted for a size argument or dimension.
inline constexpr std::int64_t kMaxDimension = std::int64_t{1} << 31;

// Saturating arithmetic: on overflow the result sticks at the maximum and overflow is set.
struct Counter {
  bool overflow = false;
  std::int64_t mul(std::int64_t a, std::int64_t b);
  std::int64_t add(std::int64_t a, std::int64_t b);
  std::int64_t product(const ir::Shape& shape);
};

// The arguments of one call bound to a signature's parameters (positional, named or by alias).
// Getters return the default when the argument is absent and report a diagnostic (and set
// failed()) when it has the wrong type or range.
class Args {
 public:
  // `noun` names the things in messages: "argument" for calls, "setting" for train { ... }.
  Args(const ast::Item& item, const std::vector<Param>& params, std::string_view callee,
       Diagnostics& diagnostics, std::string_view noun = "argument");

  bool failed() const { return failed_; }
  bool has(std::string_view name) const { return find(name) != nullptr; }
  SourceRange range_of(std::string_view name) const;  // the value, or the call's name

  // Integers in [min_value, kMaxDimension].
  std::int64_t integer(std::string_view name, std::int64_t fallback, std::int64_t min_value = 1);
  double number(std::string_view name, double fallback, double min_value, double max_value,
                bool max_inclusive);
  bool boolean(std::string_view name, bool fallback);
  std::string text(std::string_view name, std::string_view fallback);
  // An int repeated `rank` times or a tuple of exactly `rank` positive ints.
  std::vector<std::int64_t> int_tuple(std::string_view name, std::size_t rank,
                                      std::vector<std::int64_t> fallback,
                                      std::int64_t min_value = 1);
  // A tuple of any length of ints >= min_value (Reshape, Permute).
  std::vector<std::int64_t> any_tuple(std::string_view name, std::int64_t min_value);
  ir::Activation activation(std::string_view name, std::string_view fallback, const Tensor& output);

  void error(SourceRange range, std::string message);

 private:
  const ast::Value* find(std::string_view name) const;
  const ast::Value* typed(std::string_view name, bool ok_kind, std::string_view expected);

  struct Bound {
    std::string_view param;
    const ast::Value* value;
  };
  const ast::Item& item_;
  std::string callee_;
  std::string noun_;
  Diagnostics& diagnostics_;
  std::vector<Bound> bound_;
  bool failed_ = false;
};

// What a shape rule works on: one layer call, its bound arguments, its input; it fills `layer`
// (attrs, param_count, macs) and `output`, or reports through args.error().
struct LayerCheck {
  const ast::Item& item;
  Args& args;
  const Tensor& input;
  ir::Layer& layer;
  Tensor output;
  Counter count;

  void error(std::string message) { args.error(item.name_range, std::move(message)); }
};

// Shape rules, one per layer family (rules_*.cpp). Each returns false after reporting an error.
bool check_dense(LayerCheck& c);
bool check_simple(LayerCheck& c);  // Dropout, Flatten, Activation, Reshape, Permute, norms
bool check_conv(LayerCheck& c);
bool check_pool(LayerCheck& c);
bool check_global_pool(LayerCheck& c);
bool check_sequence(LayerCheck& c);  // Embedding, LSTM, GRU, MultiHeadAttention, Transformer
// PatchesToSequence, ClassToken, PositionEmbedding, SelectToken
bool check_tokens(LayerCheck& c);

// Walks a layer list (and Residual bodies) through the shape rules. Layer names are numbered per
// kind across the network ("dense_1", "residual_1/conv2d_2"). Returns false after an error; on
// success `current` is the list's output.
struct LayerWalk {
  Diagnostics& diagnostics;
  std::vector<std::pair<ir::LayerKind, int>> counters = {};
};
bool check_layer_list(const std::vector<ast::Item>& items, Tensor& current,
                      std::vector<ir::Layer>& out, const std::string& prefix, LayerWalk& walk);

// For a rank-2 network input: kChannelsFirst when the first layer that cares is a 1-D
// convolution, pooling or BatchNormalization, else kSequence.
Layout rank2_input_layout(const std::vector<ast::Item>& items);

// The softmax dimension for a tensor: channels for images and (C, L), else the last one.
std::int64_t feature_dim(const Tensor& tensor);

}  // namespace nnbench::dsl
