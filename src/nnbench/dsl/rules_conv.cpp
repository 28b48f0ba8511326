// Shape rules of convolutions and pooling (1-D on (C, L), 2-D on (C, H, W)).
//   valid: out = floor((in - dilation * (kernel - 1) - 1) / stride) + 1
//   same:  out = ceil(in / stride), zero padding split begin = total / 2, end = total - begin
#include "check_context.hpp"

namespace nnbench::dsl {
namespace {

bool is_2d(ir::LayerKind kind) {
  return kind == ir::LayerKind::kConv2D || kind == ir::LayerKind::kMaxPooling2D ||
         kind == ir::LayerKind::kAveragePooling2D || kind == ir::LayerKind::kGlobalAveragePooling2D;
}

// Checks that the input has the layout a 1-D or 2-D spatial layer needs.
bool spatial_input(LayerCheck& c) {
  const std::string name = ir::source_name(c.layer.kind);
  const std::size_t rank = c.input.shape.size();
  const Layout layout = c.input.layout;
  if (is_2d(c.layer.kind)) {
    if (rank == 3 && (layout == Layout::kImage || layout == Layout::kAny)) return true;
    c.error(name + " needs an image input (channels, height, width), but gets " +
            describe(c.input));
    return false;
  }
  if (rank == 2 && (layout == Layout::kChannelsFirst || layout == Layout::kAny)) return true;
  if (rank == 2 && layout == Layout::kSequence) {
    c.error(name + " needs (channels, length), but gets a sequence " + describe(c.input) +
            "; add Permute((2, 1)) before it");
    return false;
  }
  c.error(name + " needs a (channels, length) input, but gets " + describe(c.input));
  return false;
}

struct Window {
  std::vector<std::int64_t> kernel, strides, dilation, pad_begin, pad_end, out;
  ir::Padding padding = ir::Padding::kValid;
};

std::string joined(const std::vector<std::int64_t>& v) {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i > 0) out += 'x';
    out += std::to_string(v[i]);
  }
  return out;
}

// Output size of every spatial dimension; reports a window larger than its input.
bool slide(LayerCheck& c, Window& w, const std::string& padding_text) {
  if (padding_text == "same") {
    w.padding = ir::Padding::kSame;
  } else if (padding_text != "valid") {
    c.args.error(c.args.range_of("padding"),
                 with_suggestion("unknown padding " + quote_text(padding_text), padding_text,
                                 {"valid", "same"}) +
                     " (expected \"valid\" or \"same\")");
    return false;
  }
  const std::size_t spatial = w.kernel.size();
  std::vector<std::int64_t> extent(spatial);
  for (std::size_t i = 0; i < spatial; ++i) {
    extent[i] = c.count.add(c.count.mul(w.dilation[i], w.kernel[i] - 1), 1);
  }
  for (std::size_t i = 0; i < spatial; ++i) {
    const std::int64_t in = c.input.shape[1 + i];
    std::int64_t out = 0;
    std::int64_t total_pad = 0;
    if (w.padding == ir::Padding::kSame) {
      out = (in + w.strides[i] - 1) / w.strides[i];
      total_pad = c.count.add(c.count.mul(out - 1, w.strides[i]), extent[i] - in);
      if (total_pad < 0) total_pad = 0;
    } else {
      if (extent[i] > in) {
        std::vector<std::int64_t> input_sizes(c.input.shape.begin() + 1, c.input.shape.end());
        c.error(std::string(ir::source_name(c.layer.kind)) + " window " + joined(extent) +
                " is larger than its input " + joined(input_sizes) + " (" + describe(c.input) +
                ") with padding \"valid\"");
        return false;
      }
      out = (in - extent[i]) / w.strides[i] + 1;
    }
    w.out.push_back(out);
    w.pad_begin.push_back(total_pad / 2);
    w.pad_end.push_back(total_pad - total_pad / 2);
  }
  return !c.count.overflow;
}

}  // namespace

bool check_conv(LayerCheck& c) {
  if (!spatial_input(c)) return false;
  const std::size_t spatial = c.input.shape.size() - 1;
  ir::ConvAttrs attrs;
  attrs.in_channels = c.input.shape[0];
  attrs.filters = c.args.integer("filters", 1);
  Window w;
  w.kernel = c.args.int_tuple("kernel_size", spatial, std::vector<std::int64_t>(spatial, 1));
  w.strides = c.args.int_tuple("strides", spatial, std::vector<std::int64_t>(spatial, 1));
  w.dilation = c.args.int_tuple("dilation_rate", spatial, std::vector<std::int64_t>(spatial, 1));
  attrs.groups = c.args.integer("groups", 1);
  attrs.use_bias = c.args.boolean("use_bias", true);
  const std::string padding = c.args.text("padding", "valid");
  if (c.args.failed()) return false;
  if (attrs.in_channels % attrs.groups != 0 || attrs.filters % attrs.groups != 0) {
    c.args.error(c.args.range_of("groups"),
                 "groups=" + std::to_string(attrs.groups) +
                     " must divide both the input channels (" + std::to_string(attrs.in_channels) +
                     ") and filters (" + std::to_string(attrs.filters) + ")");
    return false;
  }
  if (!slide(c, w, padding)) return false;
  c.output.shape = {attrs.filters};
  c.output.shape.insert(c.output.shape.end(), w.out.begin(), w.out.end());
  c.output.layout = c.input.layout;
  attrs.activation = c.args.activation("activation", "linear", c.output);
  if (c.args.failed()) return false;
  attrs.kernel_size = w.kernel;
  attrs.strides = w.strides;
  attrs.dilation = w.dilation;
  attrs.padding = w.padding;
  attrs.pad_begin = w.pad_begin;
  attrs.pad_end = w.pad_end;
  const std::int64_t per_output =
      c.count.mul(attrs.in_channels / attrs.groups, c.count.product(w.kernel));
  c.layer.param_count =
      c.count.add(c.count.mul(attrs.filters, per_output), attrs.use_bias ? attrs.filters : 0);
  c.layer.macs = c.count.mul(c.count.product(c.output.shape), per_output);
  c.layer.attrs = attrs;
  return true;
}

bool check_pool(LayerCheck& c) {
  if (!spatial_input(c)) return false;
  const std::size_t spatial = c.input.shape.size() - 1;
  Window w;
  w.kernel = c.args.int_tuple("pool_size", spatial, std::vector<std::int64_t>(spatial, 2));
  w.strides = c.args.int_tuple("strides", spatial, w.kernel);
  w.dilation.assign(spatial, 1);
  const std::string padding = c.args.text("padding", "valid");
  if (c.args.failed() || !slide(c, w, padding)) return false;
  ir::PoolAttrs attrs;
  attrs.pool_size = w.kernel;
  attrs.strides = w.strides;
  attrs.padding = w.padding;
  attrs.pad_begin = w.pad_begin;
  attrs.pad_end = w.pad_end;
  c.layer.attrs = attrs;
  c.output.shape = {c.input.shape[0]};
  c.output.shape.insert(c.output.shape.end(), w.out.begin(), w.out.end());
  c.output.layout = c.input.layout;
  return true;
}

bool check_global_pool(LayerCheck& c) {
  ir::GlobalPoolAttrs attrs;
  const std::size_t rank = c.input.shape.size();
  if (c.layer.kind == ir::LayerKind::kGlobalAveragePooling2D) {
    if (!spatial_input(c)) return false;
    attrs.reduce_dims = {1, 2};
    c.output = Tensor{{c.input.shape[0]}, Layout::kFlat};
  } else if (rank == 2 && c.input.layout == Layout::kChannelsFirst) {
    attrs.reduce_dims = {1};
    c.output = Tensor{{c.input.shape[0]}, Layout::kFlat};
  } else if (rank == 2 && c.input.layout != Layout::kTokens) {
    attrs.reduce_dims = {0};  // mean over time steps of (L, F)
    c.output = Tensor{{c.input.shape[1]}, Layout::kFlat};
  } else {
    c.error(
        "GlobalAveragePooling1D needs a (length, features) or (channels, length) input, but "
        "gets " +
        describe(c.input));
    return false;
  }
  c.layer.attrs = attrs;
  return true;
}

}  // namespace nnbench::dsl
