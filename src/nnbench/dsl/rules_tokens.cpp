// Shape rules and LibTorch parameter counts of the vision-transformer token layers, the steps of
// torchvision's ViT between its patch convolution and its encoder, and after it:
// PatchesToSequence, ClassToken, PositionEmbedding and SelectToken.
#include "check_context.hpp"

namespace nnbench::dsl {
namespace {

std::string name_of(const LayerCheck& c) { return ir::source_name(c.layer.kind); }

// A (length, features) sequence, or an error that says how to get one.
bool token_sequence(LayerCheck& c) {
  const std::size_t rank = c.input.shape.size();
  if (rank == 2 && (c.input.layout == Layout::kSequence || c.input.layout == Layout::kAny)) {
    return true;
  }
  std::string hint;
  if (c.input.layout == Layout::kImage || (rank == 3 && c.input.layout == Layout::kAny)) {
    hint = "; add PatchesToSequence() first";
  } else if (rank == 2 && c.input.layout == Layout::kChannelsFirst) {
    hint = "; add Permute((2, 1)) first";
  } else if (c.input.layout == Layout::kTokens) {
    hint = "; add an Embedding first";
  }
  c.error(name_of(c) + " needs a (length, features) sequence, but gets " + describe(c.input) +
          hint);
  return false;
}

bool check_patches(LayerCheck& c) {
  const std::size_t rank = c.input.shape.size();
  if (rank != 3 || (c.input.layout != Layout::kImage && c.input.layout != Layout::kAny)) {
    c.error(
        "PatchesToSequence needs a (channels, height, width) image, such as the output of a "
        "Conv2D, but gets " +
        describe(c.input));
    return false;
  }
  ir::PatchesAttrs attrs;
  attrs.channels = c.input.shape[0];
  attrs.patches = c.count.mul(c.input.shape[1], c.input.shape[2]);
  c.layer.attrs = attrs;
  c.output = Tensor{{attrs.patches, attrs.channels}, Layout::kSequence};
  return true;
}

bool check_class_token(LayerCheck& c) {
  if (!token_sequence(c)) return false;
  ir::TokenAttrs attrs;
  attrs.length = c.input.shape[0];
  attrs.features = c.input.shape[1];
  attrs.init_stddev = 0.0;  // zeros, as torchvision's class_token
  c.layer.attrs = attrs;
  c.layer.param_count = attrs.features;
  c.output = Tensor{{c.count.add(attrs.length, 1), attrs.features}, Layout::kSequence};
  return true;
}

bool check_position_embedding(LayerCheck& c) {
  if (!token_sequence(c)) return false;
  ir::TokenAttrs attrs;
  attrs.length = c.input.shape[0];
  attrs.features = c.input.shape[1];
  c.layer.attrs = attrs;
  c.layer.param_count = c.count.mul(attrs.length, attrs.features);
  c.output = Tensor{c.input.shape, Layout::kSequence};
  return true;
}

bool check_select_token(LayerCheck& c) {
  if (!token_sequence(c)) return false;
  ir::SelectTokenAttrs attrs;
  attrs.index = c.args.integer("index", 0, 0);
  if (c.args.failed()) return false;
  const std::int64_t length = c.input.shape[0];
  if (attrs.index >= length) {
    c.args.error(c.args.range_of("index"), "SelectToken index=" + std::to_string(attrs.index) +
                                               " is past the end of " + describe(c.input) +
                                               ": tokens are numbered 0 to " +
                                               std::to_string(length - 1));
    return false;
  }
  c.layer.attrs = attrs;
  c.output = Tensor{{c.input.shape[1]}, Layout::kFlat};
  return true;
}

}  // namespace

bool check_tokens(LayerCheck& c) {
  switch (c.layer.kind) {
    case ir::LayerKind::kPatchesToSequence:
      return check_patches(c);
    case ir::LayerKind::kClassToken:
      return check_class_token(c);
    case ir::LayerKind::kPositionEmbedding:
      return check_position_embedding(c);
    case ir::LayerKind::kSelectToken:
      return check_select_token(c);
    default:
      c.error("internal error: no token rule");
      return false;
  }
}

}  // namespace nnbench::dsl
