// The model builder's sequence and block modules: LSTM/GRU, self-attention, Transformer
// encoder, the vision transformer's class token and position embedding (all batch_first) and
// Residual blocks with their projection.
#include <tuple>
#include <variant>

#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/transformerlayer.h>

#include "model_builder_modules.hpp"
#include "nnbench/core/error.hpp"

namespace nnbench::engine {

namespace ir = dsl::ir;

RecurrentImpl::RecurrentImpl(ir::LayerKind kind, const ir::RecurrentAttrs& attrs) : attrs_(attrs) {
  if (kind == ir::LayerKind::kLSTM) {
    lstm_ = register_module(
        "lstm", torch::nn::LSTM(torch::nn::LSTMOptions(attrs.input_size, attrs.hidden_size)
                                    .num_layers(attrs.num_layers)
                                    .bidirectional(attrs.bidirectional)
                                    .dropout(attrs.dropout)
                                    .batch_first(true)));
  } else {
    gru_ = register_module("gru",
                           torch::nn::GRU(torch::nn::GRUOptions(attrs.input_size, attrs.hidden_size)
                                              .num_layers(attrs.num_layers)
                                              .bidirectional(attrs.bidirectional)
                                              .dropout(attrs.dropout)
                                              .batch_first(true)));
  }
}

torch::Tensor RecurrentImpl::forward(const torch::Tensor& x) {
  torch::Tensor sequence;
  torch::Tensor h_n;  // (num_layers * directions, N, H)
  if (lstm_) {
    auto [output, state] = lstm_->forward(x);
    sequence = output;
    h_n = std::get<0>(state);
  } else {
    std::tie(sequence, h_n) = gru_->forward(x);
  }
  if (attrs_.return_sequences) return sequence;
  const std::int64_t directions = attrs_.bidirectional ? 2 : 1;
  // The last layer's states, forward direction first -> (N, directions * H).
  const torch::Tensor last = h_n.slice(0, h_n.size(0) - directions);
  return last.permute({1, 0, 2}).reshape({x.size(0), directions * attrs_.hidden_size});
}

SelfAttentionImpl::SelfAttentionImpl(const ir::AttentionAttrs& attrs) {
  attention_ = register_module(
      "attention", torch::nn::MultiheadAttention(
                       torch::nn::MultiheadAttentionOptions(attrs.embed_dim, attrs.num_heads)
                           .dropout(attrs.dropout)));
}

torch::Tensor SelfAttentionImpl::forward(const torch::Tensor& x) {
  const torch::Tensor seq_first = x.transpose(0, 1);
  const torch::Tensor out =
      std::get<0>(attention_->forward(seq_first, seq_first, seq_first, {}, false));
  return out.transpose(0, 1);
}

TransformerImpl::TransformerImpl(const ir::TransformerAttrs& attrs) {
  auto layer_options = torch::nn::TransformerEncoderLayerOptions(attrs.d_model, attrs.num_heads)
                           .dim_feedforward(attrs.dim_feedforward)
                           .dropout(attrs.dropout);
  if (attrs.activation == ir::ActivationKind::kGelu) {
    layer_options.activation(torch::kGELU);
  } else {
    layer_options.activation(torch::kReLU);
  }
  encoder_ = register_module(
      "encoder", torch::nn::TransformerEncoder(torch::nn::TransformerEncoderOptions(
                     torch::nn::TransformerEncoderLayer(layer_options), attrs.num_layers)));
  // The options have no LayerNorm eps; LayerNorm reads its own options on every forward.
  for (const auto& module : *encoder_->layers) {
    auto* encoder_layer = module->as<torch::nn::TransformerEncoderLayerImpl>();
    encoder_layer->norm1->options.eps(attrs.layer_norm_eps);
    encoder_layer->norm2->options.eps(attrs.layer_norm_eps);
  }
}

torch::Tensor TransformerImpl::forward(const torch::Tensor& x) {
  return encoder_->forward(x.transpose(0, 1)).transpose(0, 1);
}

// The parameters' names and shapes are the emitted PyTorch module's (dsl/emit_pytorch.cpp), so
// the parity test can copy weights across in parameters() order.
ClassTokenImpl::ClassTokenImpl(const ir::TokenAttrs& attrs) {
  token_ = register_parameter("token", torch::zeros({1, 1, attrs.features}));
}

torch::Tensor ClassTokenImpl::forward(const torch::Tensor& x) {
  return torch::cat({token_.expand({x.size(0), -1, -1}), x}, 1);
}

PositionEmbeddingImpl::PositionEmbeddingImpl(const ir::TokenAttrs& attrs) {
  embedding_ = register_parameter(
      "embedding", torch::empty({1, attrs.length, attrs.features}).normal_(0.0, attrs.init_stddev));
}

torch::Tensor PositionEmbeddingImpl::forward(const torch::Tensor& x) { return x + embedding_; }

ResidualImpl::ResidualImpl(const ir::Layer& layer) {
  const auto* attrs = std::get_if<ir::ResidualAttrs>(&layer.attrs);
  if (attrs == nullptr) {
    throw InputError("model builder: residual '" + layer.name + "' has no residual attributes");
  }
  body_ = register_module("body", LayerStack(layer.body));
  const ir::ResidualAttrs& a = *attrs;
  if (a.projection == ir::ProjectionKind::kLinear) {
    projection_ = torch::nn::AnyModule(register_module(
        "projection",
        torch::nn::Linear(
            torch::nn::LinearOptions(a.projection_in, a.projection_out).bias(a.projection_bias))));
  } else if (a.projection == ir::ProjectionKind::kConv1x1 && layer.input_shape.size() == 3) {
    projection_ = torch::nn::AnyModule(register_module(
        "projection",
        torch::nn::Conv2d(torch::nn::Conv2dOptions(a.projection_in, a.projection_out, 1)
                              .stride(a.projection_stride)
                              .bias(a.projection_bias))));
  } else if (a.projection == ir::ProjectionKind::kConv1x1) {
    projection_ = torch::nn::AnyModule(register_module(
        "projection",
        torch::nn::Conv1d(torch::nn::Conv1dOptions(a.projection_in, a.projection_out, 1)
                              .stride(a.projection_stride)
                              .bias(a.projection_bias))));
  }
}

torch::Tensor ResidualImpl::forward(const torch::Tensor& x) {
  if (fused_last_) {
    const torch::Tensor shortcut = projection_.is_empty() ? x : projection_.forward(x);
    return fused_last_->forward_add(body_->forward_prefix(x, body_->layer_count() - 1), shortcut);
  }
  const torch::Tensor body = body_->forward(x);
  if (projection_.is_empty()) return x + body;
  return projection_.forward(x) + body;
}

bool ResidualImpl::fuse_add_relu() {
  if (fused_last_ || body_->layer_count() == 0) return false;
  auto last =
      std::dynamic_pointer_cast<FusedConv2dImpl>(body_->layer_module(body_->layer_count() - 1));
  if (!last || last->relu()) return false;
  fused_last_ = FusedConv2d(last);
  return true;
}

}  // namespace nnbench::engine
