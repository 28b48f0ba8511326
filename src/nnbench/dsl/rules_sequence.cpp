// Shape rules and LibTorch parameter counts of sequence layers: Embedding, LSTM, GRU,
// MultiHeadAttention and TransformerEncoder, all on batch_first (L, F) tensors.
#include "check_context.hpp"

namespace nnbench::dsl {
namespace {

bool sequence_input(LayerCheck& c) {
  const std::size_t rank = c.input.shape.size();
  if (rank == 2 && (c.input.layout == Layout::kSequence || c.input.layout == Layout::kAny)) {
    return true;
  }
  std::string hint;
  if (rank == 2 && c.input.layout == Layout::kChannelsFirst) hint = "; add Permute((2, 1)) first";
  if (c.input.layout == Layout::kTokens) hint = "; add an Embedding first";
  c.error(std::string(ir::source_name(c.layer.kind)) +
          " needs a (length, features) sequence, but gets " + describe(c.input) + hint);
  return false;
}

bool check_embedding(LayerCheck& c) {
  if (c.input.layout != Layout::kTokens) {
    c.error("Embedding needs token ids as the network input, written input: (length), but gets " +
            describe(c.input));
    return false;
  }
  ir::EmbeddingAttrs attrs;
  attrs.input_dim = c.args.integer("input_dim", 1);
  attrs.output_dim = c.args.integer("output_dim", 1);
  if (c.args.failed()) return false;
  c.layer.attrs = attrs;
  c.layer.param_count = c.count.mul(attrs.input_dim, attrs.output_dim);
  c.output = Tensor{{c.input.shape[0], attrs.output_dim}, Layout::kSequence};
  return true;
}

// LibTorch: per layer and direction, weight_ih (G*H x in), weight_hh (G*H x H), bias_ih and
// bias_hh (G*H each); layer l > 0 reads H * directions features.
bool check_recurrent(LayerCheck& c) {
  if (!sequence_input(c)) return false;
  const std::int64_t gates = c.layer.kind == ir::LayerKind::kLSTM ? 4 : 3;
  ir::RecurrentAttrs attrs;
  attrs.input_size = c.input.shape[1];
  attrs.hidden_size = c.args.integer("units", 1);
  attrs.return_sequences = c.args.boolean("return_sequences", false);
  attrs.num_layers = c.args.integer("num_layers", 1);
  attrs.bidirectional = c.args.boolean("bidirectional", false);
  attrs.dropout = c.args.number("dropout", 0.0, 0.0, 1.0, false);
  if (c.args.failed()) return false;
  if (attrs.num_layers > 64) {
    c.args.error(c.args.range_of("num_layers"), "num_layers must be at most 64");
    return false;
  }
  const std::int64_t directions = attrs.bidirectional ? 2 : 1;
  const std::int64_t hidden = attrs.hidden_size;
  const std::int64_t gate_rows = c.count.mul(gates, hidden);
  std::int64_t params = 0;
  std::int64_t macs_per_step = 0;
  for (std::int64_t layer = 0; layer < attrs.num_layers; ++layer) {
    const std::int64_t in = layer == 0 ? attrs.input_size : c.count.mul(hidden, directions);
    const std::int64_t weights = c.count.mul(gate_rows, c.count.add(in, hidden));
    const std::int64_t per_direction = c.count.add(weights, c.count.mul(2, gate_rows));
    params = c.count.add(params, c.count.mul(directions, per_direction));
    macs_per_step = c.count.add(macs_per_step, c.count.mul(directions, weights));
  }
  c.layer.param_count = params;
  c.layer.macs = c.count.mul(c.input.shape[0], macs_per_step);
  c.layer.attrs = attrs;
  const std::int64_t features = c.count.mul(hidden, directions);
  c.output = attrs.return_sequences ? Tensor{{c.input.shape[0], features}, Layout::kSequence}
                                    : Tensor{{features}, Layout::kFlat};
  return true;
}

bool heads_divide(LayerCheck& c, std::int64_t embed, std::int64_t heads) {
  if (embed % heads == 0) return true;
  c.args.error(c.args.range_of("num_heads"),
               "num_heads=" + std::to_string(heads) + " must divide the embedding size " +
                   std::to_string(embed) + " of " + describe(c.input));
  return false;
}

// in_proj (3E x E + 3E) and out_proj (E x E + E); MACs: the four projections plus Q K^T and
// the weighted sum of V.
void attention_counts(Counter& n, std::int64_t length, std::int64_t embed, std::int64_t& params,
                      std::int64_t& macs) {
  const std::int64_t square = n.mul(embed, embed);
  params = n.add(n.mul(4, square), n.mul(4, embed));
  macs = n.add(n.mul(n.mul(4, length), square), n.mul(n.mul(2, n.mul(length, length)), embed));
}

bool check_attention(LayerCheck& c) {
  if (!sequence_input(c)) return false;
  ir::AttentionAttrs attrs;
  attrs.embed_dim = c.input.shape[1];
  attrs.num_heads = c.args.integer("num_heads", 1);
  attrs.dropout = c.args.number("dropout", 0.0, 0.0, 1.0, false);
  const std::int64_t key_dim = c.args.integer("key_dim", 0, 1);
  if (c.args.failed() || !heads_divide(c, attrs.embed_dim, attrs.num_heads)) return false;
  if (c.args.has("key_dim") && key_dim * attrs.num_heads != attrs.embed_dim) {
    c.args.error(c.args.range_of("key_dim"),
                 "key_dim=" + std::to_string(key_dim) + " times num_heads=" +
                     std::to_string(attrs.num_heads) + " must equal the embedding size " +
                     std::to_string(attrs.embed_dim) + " (LibTorch's MultiheadAttention)");
    return false;
  }
  attention_counts(c.count, c.input.shape[0], attrs.embed_dim, c.layer.param_count, c.layer.macs);
  c.layer.attrs = attrs;
  c.output = c.input;
  return true;
}

// Per layer: self-attention, linear1 (E -> ff), linear2 (ff -> E), norm1 and norm2.
bool check_transformer(LayerCheck& c) {
  if (!sequence_input(c)) return false;
  ir::TransformerAttrs attrs;
  attrs.d_model = c.input.shape[1];
  attrs.num_heads = c.args.integer("num_heads", 1);
  attrs.dim_feedforward = c.args.integer("ff_dim", 2048);
  attrs.dropout = c.args.number("dropout", 0.1, 0.0, 1.0, false);
  attrs.num_layers = c.args.integer("num_layers", 1);
  const std::string activation = c.args.text("activation", "relu");
  if (c.args.failed() || !heads_divide(c, attrs.d_model, attrs.num_heads)) return false;
  if (activation == "gelu") {
    attrs.activation = ir::ActivationKind::kGelu;
  } else if (activation != "relu") {
    c.args.error(c.args.range_of("activation"),
                 "TransformerEncoder activation must be \"relu\" or \"gelu\", not " +
                     quote_text(activation));
    return false;
  }
  if (attrs.num_layers > 256) {
    c.args.error(c.args.range_of("num_layers"), "num_layers must be at most 256");
    return false;
  }
  Counter& n = c.count;
  const std::int64_t length = c.input.shape[0];
  const std::int64_t e = attrs.d_model;
  const std::int64_t ff = attrs.dim_feedforward;
  std::int64_t attention_params = 0;
  std::int64_t attention_macs = 0;
  attention_counts(n, length, e, attention_params, attention_macs);
  const std::int64_t feedforward_weights = n.mul(2, n.mul(e, ff));
  const std::int64_t layer_params =
      n.add(n.add(attention_params, feedforward_weights), n.add(n.add(ff, e), n.mul(4, e)));
  const std::int64_t layer_macs = n.add(attention_macs, n.mul(length, feedforward_weights));
  c.layer.param_count = n.mul(attrs.num_layers, layer_params);
  c.layer.macs = n.mul(attrs.num_layers, layer_macs);
  c.layer.attrs = attrs;
  c.output = c.input;
  return true;
}

}  // namespace

bool check_sequence(LayerCheck& c) {
  switch (c.layer.kind) {
    case ir::LayerKind::kEmbedding:
      return check_embedding(c);
    case ir::LayerKind::kLSTM:
    case ir::LayerKind::kGRU:
      return check_recurrent(c);
    case ir::LayerKind::kMultiHeadAttention:
      return check_attention(c);
    case ir::LayerKind::kTransformerEncoder:
      return check_transformer(c);
    default:
      c.error("internal error: no sequence rule");
      return false;
  }
}

}  // namespace nnbench::dsl
