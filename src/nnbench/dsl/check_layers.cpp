// The checker's walk over a layer list: name lookup, argument binding, the shape rule of each
// layer, and Residual blocks with their projection.
#include "check_context.hpp"

namespace nnbench::dsl {
namespace {

using ir::LayerKind;

std::string lower_name(LayerKind kind) { return ir::to_string(kind); }

std::string next_name(LayerWalk& walk, LayerKind kind, const std::string& prefix) {
  int n = 0;
  for (auto& [k, count] : walk.counters) {
    if (k == kind) n = ++count;
  }
  if (n == 0) {
    walk.counters.emplace_back(kind, 1);
    n = 1;
  }
  return prefix + lower_name(kind) + "_" + std::to_string(n);
}

bool run_rule(LayerCheck& c) {
  switch (c.layer.kind) {
    case LayerKind::kDense:
    case LayerKind::kOutput:
      return check_dense(c);
    case LayerKind::kConv1D:
    case LayerKind::kConv2D:
      return check_conv(c);
    case LayerKind::kMaxPooling1D:
    case LayerKind::kMaxPooling2D:
    case LayerKind::kAveragePooling1D:
    case LayerKind::kAveragePooling2D:
      return check_pool(c);
    case LayerKind::kGlobalAveragePooling1D:
    case LayerKind::kGlobalAveragePooling2D:
      return check_global_pool(c);
    case LayerKind::kEmbedding:
    case LayerKind::kLSTM:
    case LayerKind::kGRU:
    case LayerKind::kMultiHeadAttention:
    case LayerKind::kTransformerEncoder:
      return check_sequence(c);
    case LayerKind::kPatchesToSequence:
    case LayerKind::kClassToken:
    case LayerKind::kPositionEmbedding:
    case LayerKind::kSelectToken:
      return check_tokens(c);
    default:
      return check_simple(c);
  }
}

// The 1x1 convolution stride that maps `in` onto `out` in every spatial dimension, or 0.
// floor((in - 1) / s) + 1 == out holds exactly for s in ((in - 1) / out, (in - 1) / (out - 1)],
// so the smallest candidate comes from the first dimension and the others only verify it.
std::int64_t projection_stride(const ir::Shape& in, const ir::Shape& out) {
  if (out[1] < 1 || out[1] > in[1]) return 0;
  const std::int64_t s = (in[1] - 1) / out[1] + 1;
  for (std::size_t i = 1; i < in.size(); ++i) {
    if ((in[i] - 1) / s + 1 != out[i]) return 0;
  }
  return s;
}

bool check_residual(const ast::Item& item, const Tensor& input, ir::Layer& layer, Tensor& output,
                    LayerWalk& walk) {
  if (!item.args.empty()) {
    walk.diagnostics.error(item.args.front().name_range, "Residual takes no arguments");
    return false;
  }
  if (item.body.empty()) {
    walk.diagnostics.error(item.name_range, "Residual block has no layers");
    return false;
  }
  Tensor body_out = input;
  if (!check_layer_list(item.body, body_out, layer.body, layer.name + "/", walk)) return false;
  ir::ResidualAttrs attrs;
  Counter n;
  const ir::Shape& a = input.shape;
  const ir::Shape& b = body_out.shape;
  const bool channels_first = input.layout == Layout::kImage ||
                              input.layout == Layout::kChannelsFirst ||
                              (input.layout == Layout::kAny && a.size() == 3);
  if (a == b) {
    attrs.projection = ir::ProjectionKind::kNone;
  } else if (a.size() == b.size() && channels_first && body_out.layout == input.layout) {
    attrs.projection_stride = projection_stride(a, b);
    if (attrs.projection_stride > 0) {
      attrs.projection = ir::ProjectionKind::kConv1x1;
      attrs.projection_in = a[0];
      attrs.projection_out = b[0];
      layer.param_count = n.add(n.mul(a[0], b[0]), b[0]);
      layer.macs = n.mul(n.product(b), a[0]);
    }
  } else if (a.size() == b.size() && !channels_first && a.size() <= 2 &&
             (a.size() == 1 || a[0] == b[0])) {
    attrs.projection = ir::ProjectionKind::kLinear;
    attrs.projection_in = a.back();
    attrs.projection_out = b.back();
    layer.param_count = n.add(n.mul(a.back(), b.back()), b.back());
    layer.macs = n.mul(n.product(b), a.back());
  }
  if (a != b && attrs.projection == ir::ProjectionKind::kNone) {
    walk.diagnostics.error(item.name_range, "Residual cannot join its input " + describe(input) +
                                                " with its body's output " + describe(body_out));
    return false;
  }
  if (n.overflow) {
    walk.diagnostics.error(item.name_range, "Residual projection is too large to count");
    return false;
  }
  layer.attrs = attrs;
  output = body_out;
  return true;
}

bool layout_sensitive(const std::vector<ast::Item>& items, Layout& found) {
  for (const ast::Item& item : items) {
    const LayerSignature* s = find_layer(item.name);
    if (s == nullptr) continue;
    switch (s->kind) {
      case LayerKind::kConv1D:
      case LayerKind::kMaxPooling1D:
      case LayerKind::kAveragePooling1D:
      case LayerKind::kBatchNormalization:
        found = Layout::kChannelsFirst;
        return true;
      case LayerKind::kLSTM:
      case LayerKind::kGRU:
      case LayerKind::kMultiHeadAttention:
      case LayerKind::kTransformerEncoder:
      case LayerKind::kClassToken:
      case LayerKind::kPositionEmbedding:
      case LayerKind::kSelectToken:
      case LayerKind::kLayerNormalization:
      case LayerKind::kDense:
      case LayerKind::kFlatten:
      case LayerKind::kReshape:
      case LayerKind::kPermute:
        found = Layout::kSequence;
        return true;
      case LayerKind::kResidual:
        if (layout_sensitive(item.body, found)) return true;
        break;
      default:
        break;
    }
  }
  return false;
}

}  // namespace

Layout rank2_input_layout(const std::vector<ast::Item>& items) {
  Layout found = Layout::kSequence;
  layout_sensitive(items, found);
  return found;
}

bool check_layer_list(const std::vector<ast::Item>& items, Tensor& current,
                      std::vector<ir::Layer>& out, const std::string& prefix, LayerWalk& walk) {
  for (const ast::Item& item : items) {
    if (walk.diagnostics.full()) return false;
    const LayerSignature* signature = find_layer(item.name);
    if (signature == nullptr) {
      if (is_unsupported_layer(item.name)) {
        walk.diagnostics.error(item.name_range, "layer " + quote_text(item.name) +
                                                    " (from Neural DSL / Keras) is not "
                                                    "supported by nnbench");
      } else {
        walk.diagnostics.error(
            item.name_range,
            with_suggestion("unknown layer " + quote_text(item.name), item.name, layer_names()));
      }
      return false;
    }
    if (item.has_body && !signature->takes_body) {
      walk.diagnostics.error(item.name_range,
                             "layer " + quote_text(item.name) + " does not take a block");
      return false;
    }
    ir::Layer layer;
    layer.kind = signature->kind;
    layer.name = next_name(walk, layer.kind, prefix);
    layer.input_shape = current.shape;
    layer.device_hint = item.device;
    layer.source_line = item.name_range.begin.line;
    layer.source_column = item.name_range.begin.column;
    Tensor output;
    if (layer.kind == LayerKind::kResidual) {
      if (!check_residual(item, current, layer, output, walk)) return false;
    } else {
      Args args(item, signature->params, signature->name, walk.diagnostics);
      if (args.failed()) return false;
      LayerCheck c{item, args, current, layer, Tensor{}, Counter{}};
      if (!run_rule(c)) return false;
      if (c.count.overflow) {
        walk.diagnostics.error(item.name_range, "layer " + quote_text(item.name) +
                                                    " is too large: its sizes overflow a "
                                                    "64-bit count");
        return false;
      }
      output = c.output;
    }
    Counter n;
    layer.output_shape = output.shape;
    layer.activation_bytes = n.mul(n.product(output.shape), 4);
    if (n.overflow) {
      walk.diagnostics.error(item.name_range,
                             "output of " + quote_text(item.name) + " is too large");
      return false;
    }
    out.push_back(std::move(layer));
    current = output;
  }
  return true;
}

}  // namespace nnbench::dsl
