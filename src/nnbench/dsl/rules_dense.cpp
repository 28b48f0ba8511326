// Shape rules of Dense/Output and of the layers that keep or rearrange elements: Dropout,
// Flatten, Activation, Reshape, Permute, BatchNormalization, LayerNormalization.
#include <algorithm>

#include "check_context.hpp"

namespace nnbench::dsl {
namespace {

std::string name_of(const LayerCheck& c) { return ir::source_name(c.layer.kind); }

bool check_dropout(LayerCheck& c) {
  ir::DropoutAttrs attrs;
  attrs.rate = c.args.number("rate", 0.0, 0.0, 1.0, false);
  c.layer.attrs = attrs;
  c.output = c.input;
  return !c.args.failed();
}

bool check_flatten(LayerCheck& c) {
  if (c.input.layout == Layout::kTokens) {
    c.error("Flatten needs float features, but the input is token ids; add an Embedding first");
    return false;
  }
  c.layer.attrs = ir::FlattenAttrs{};
  c.output = Tensor{{c.count.product(c.input.shape)}, Layout::kFlat};
  return true;
}

bool check_activation(LayerCheck& c) {
  ir::ActivationAttrs attrs;
  attrs.activation = c.args.activation("activation", "linear", c.input);
  c.layer.attrs = attrs;
  c.output = c.input;
  return !c.args.failed();
}

bool check_reshape(LayerCheck& c) {
  std::vector<std::int64_t> target = c.args.any_tuple("target_shape", -1);
  if (c.args.failed()) return false;
  const std::int64_t elements = c.count.product(c.input.shape);
  std::int64_t known = 1;
  int inferred = -1;
  for (std::size_t i = 0; i < target.size(); ++i) {
    if (target[i] == -1) {
      if (inferred >= 0) {
        c.args.error(c.args.range_of("target_shape"), "Reshape can infer only one -1 dimension");
        return false;
      }
      inferred = static_cast<int>(i);
    } else if (target[i] == 0) {
      c.args.error(c.args.range_of("target_shape"), "Reshape dimensions must be positive or -1");
      return false;
    } else {
      known = c.count.mul(known, target[i]);
    }
  }
  if (target.size() > 3) {
    c.args.error(c.args.range_of("target_shape"), "Reshape supports at most 3 sample dimensions");
    return false;
  }
  if (inferred >= 0 && known > 0 && elements % known == 0) target[inferred] = elements / known;
  if (c.count.overflow || c.count.product(target) != elements) {
    c.args.error(c.args.range_of("target_shape"),
                 "Reshape to " + describe_shape(target) + " does not keep the " +
                     std::to_string(elements) + " elements of " + describe(c.input));
    return false;
  }
  c.layer.attrs = ir::ReshapeAttrs{target};
  const Layout layout = target.size() == 1   ? Layout::kFlat
                        : target.size() == 3 ? Layout::kImage
                                             : Layout::kAny;
  c.output = Tensor{target, layout};
  return true;
}

bool check_permute(LayerCheck& c) {
  const std::vector<std::int64_t> dims = c.args.any_tuple("dims", 1);
  if (c.args.failed()) return false;
  const std::size_t rank = c.input.shape.size();
  std::vector<std::int64_t> sorted = dims;
  std::sort(sorted.begin(), sorted.end());
  bool permutation = dims.size() == rank;
  for (std::size_t i = 0; permutation && i < rank; ++i) {
    permutation = sorted[i] == static_cast<std::int64_t>(i + 1);
  }
  if (!permutation) {
    c.args.error(c.args.range_of("dims"),
                 "Permute needs a permutation of 1.." + std::to_string(rank) +
                     " (1-based sample dimensions) for input " + describe(c.input));
    return false;
  }
  ir::PermuteAttrs attrs;
  ir::Shape shape;
  for (std::int64_t d : dims) {
    attrs.dims.push_back(d - 1);
    shape.push_back(c.input.shape[static_cast<std::size_t>(d - 1)]);
  }
  Layout layout = Layout::kAny;
  if (rank == 2 && dims[0] == 2) {
    if (c.input.layout == Layout::kChannelsFirst) layout = Layout::kSequence;
    if (c.input.layout == Layout::kSequence) layout = Layout::kChannelsFirst;
  } else if (dims == std::vector<std::int64_t>{1, 2, 3} ||
             dims == std::vector<std::int64_t>{1, 2}) {
    layout = c.input.layout;
  }
  c.layer.attrs = attrs;
  c.output = Tensor{shape, layout};
  return true;
}

bool check_batch_norm(LayerCheck& c) {
  ir::NormAttrs attrs;
  attrs.momentum = c.args.number("momentum", 0.1, 0.0, 1.0, true);
  attrs.epsilon = c.args.number("epsilon", 1e-5, 0.0, 1.0, true);
  const Layout layout = c.input.layout;
  if (layout == Layout::kSequence || layout == Layout::kTokens) {
    c.error("BatchNormalization normalises dimension 0 (channels), but the input is " +
            describe(c.input) + "; use LayerNormalization for sequences");
    return false;
  }
  attrs.num_features = c.input.shape.at(0);
  c.layer.attrs = attrs;
  c.layer.param_count = c.count.mul(2, attrs.num_features);
  c.output = c.input;
  return !c.args.failed();
}

bool check_layer_norm(LayerCheck& c) {
  ir::NormAttrs attrs;
  attrs.epsilon = c.args.number("epsilon", 1e-5, 0.0, 1.0, true);
  if (c.input.layout == Layout::kTokens) {
    c.error("LayerNormalization needs float features, but the input is token ids");
    return false;
  }
  attrs.num_features = c.input.shape.back();
  c.layer.attrs = attrs;
  c.layer.param_count = c.count.mul(2, attrs.num_features);
  c.output = c.input;
  return !c.args.failed();
}

}  // namespace

bool check_dense(LayerCheck& c) {
  const std::size_t rank = c.input.shape.size();
  if (rank >= 3 || c.input.layout == Layout::kTokens) {
    const std::string hint =
        rank >= 3 ? "; add Flatten() or GlobalAveragePooling2D() before it" : "; add an Embedding";
    c.error(name_of(c) + " needs a flat (features) or (length, features) input, but gets " +
            describe(c.input) + hint);
    return false;
  }
  ir::DenseAttrs attrs;
  attrs.in_features = c.input.shape.back();
  attrs.units = c.args.integer("units", 1);
  attrs.use_bias = c.args.boolean("use_bias", true);
  c.output = c.input;
  c.output.shape.back() = attrs.units;
  attrs.activation = c.args.activation("activation", "linear", c.output);
  if (c.args.failed()) return false;
  const std::int64_t weights = c.count.mul(attrs.in_features, attrs.units);
  c.layer.param_count = c.count.add(weights, attrs.use_bias ? attrs.units : 0);
  const std::int64_t rows = rank == 2 ? c.input.shape[0] : 1;
  c.layer.macs = c.count.mul(rows, weights);
  c.layer.attrs = attrs;
  return true;
}

bool check_simple(LayerCheck& c) {
  switch (c.layer.kind) {
    case ir::LayerKind::kDropout:
      return check_dropout(c);
    case ir::LayerKind::kFlatten:
      return check_flatten(c);
    case ir::LayerKind::kActivation:
      return check_activation(c);
    case ir::LayerKind::kReshape:
      return check_reshape(c);
    case ir::LayerKind::kPermute:
      return check_permute(c);
    case ir::LayerKind::kBatchNormalization:
      return check_batch_norm(c);
    case ir::LayerKind::kLayerNormalization:
      return check_layer_norm(c);
    default:
      c.error("internal error: no shape rule for " + name_of(c));
      return false;
  }
}

}  // namespace nnbench::dsl
