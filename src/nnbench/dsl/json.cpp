// JSON serialisation of the IR.
#include "nnbench/dsl/json.hpp"

#include <type_traits>

namespace nnbench::dsl {
namespace {

using nlohmann::json;

json activation_json(const ir::Activation& a) {
  json j = {{"kind", ir::to_string(a.kind)}};
  if (a.kind == ir::ActivationKind::kLeakyRelu) j["negative_slope"] = a.negative_slope;
  if (a.kind == ir::ActivationKind::kSoftmax || a.kind == ir::ActivationKind::kLogSoftmax) {
    j["dim"] = a.dim;
  }
  return j;
}

json attrs_json(const ir::LayerAttrs& attrs) {
  return std::visit(
      [](const auto& a) -> json {
        using A = std::decay_t<decltype(a)>;
        if constexpr (std::is_same_v<A, ir::DenseAttrs>) {
          return {{"in_features", a.in_features},
                  {"units", a.units},
                  {"use_bias", a.use_bias},
                  {"activation", activation_json(a.activation)},
                  {"activation_in_loss", a.activation_in_loss}};
        } else if constexpr (std::is_same_v<A, ir::DropoutAttrs>) {
          return {{"rate", a.rate}};
        } else if constexpr (std::is_same_v<A, ir::FlattenAttrs>) {
          return json::object();
        } else if constexpr (std::is_same_v<A, ir::ConvAttrs>) {
          return {{"in_channels", a.in_channels},
                  {"filters", a.filters},
                  {"kernel_size", a.kernel_size},
                  {"strides", a.strides},
                  {"dilation", a.dilation},
                  {"padding", ir::to_string(a.padding)},
                  {"pad_begin", a.pad_begin},
                  {"pad_end", a.pad_end},
                  {"groups", a.groups},
                  {"use_bias", a.use_bias},
                  {"activation", activation_json(a.activation)}};
        } else if constexpr (std::is_same_v<A, ir::PoolAttrs>) {
          return {{"pool_size", a.pool_size},
                  {"strides", a.strides},
                  {"padding", ir::to_string(a.padding)},
                  {"pad_begin", a.pad_begin},
                  {"pad_end", a.pad_end}};
        } else if constexpr (std::is_same_v<A, ir::GlobalPoolAttrs>) {
          return {{"reduce_dims", a.reduce_dims}};
        } else if constexpr (std::is_same_v<A, ir::NormAttrs>) {
          return {{"num_features", a.num_features},
                  {"epsilon", a.epsilon},
                  {"momentum", a.momentum},
                  {"affine", a.affine}};
        } else if constexpr (std::is_same_v<A, ir::EmbeddingAttrs>) {
          return {{"input_dim", a.input_dim}, {"output_dim", a.output_dim}};
        } else if constexpr (std::is_same_v<A, ir::RecurrentAttrs>) {
          return {{"input_size", a.input_size},
                  {"hidden_size", a.hidden_size},
                  {"num_layers", a.num_layers},
                  {"bidirectional", a.bidirectional},
                  {"return_sequences", a.return_sequences},
                  {"dropout", a.dropout}};
        } else if constexpr (std::is_same_v<A, ir::AttentionAttrs>) {
          return {{"embed_dim", a.embed_dim}, {"num_heads", a.num_heads}, {"dropout", a.dropout}};
        } else if constexpr (std::is_same_v<A, ir::TransformerAttrs>) {
          return {{"d_model", a.d_model},
                  {"num_heads", a.num_heads},
                  {"dim_feedforward", a.dim_feedforward},
                  {"num_layers", a.num_layers},
                  {"dropout", a.dropout},
                  {"activation", ir::to_string(a.activation)},
                  {"layer_norm_eps", a.layer_norm_eps}};
        } else if constexpr (std::is_same_v<A, ir::ActivationAttrs>) {
          return {{"activation", activation_json(a.activation)}};
        } else if constexpr (std::is_same_v<A, ir::ReshapeAttrs>) {
          return {{"target_shape", a.target_shape}};
        } else if constexpr (std::is_same_v<A, ir::PermuteAttrs>) {
          return {{"dims", a.dims}};
        } else if constexpr (std::is_same_v<A, ir::PatchesAttrs>) {
          return {{"channels", a.channels}, {"patches", a.patches}};
        } else if constexpr (std::is_same_v<A, ir::TokenAttrs>) {
          return {{"length", a.length}, {"features", a.features}, {"init_stddev", a.init_stddev}};
        } else if constexpr (std::is_same_v<A, ir::SelectTokenAttrs>) {
          return {{"index", a.index}};
        } else {
          static_assert(std::is_same_v<A, ir::ResidualAttrs>);
          return {{"projection", ir::to_string(a.projection)},
                  {"projection_in", a.projection_in},
                  {"projection_out", a.projection_out},
                  {"projection_stride", a.projection_stride},
                  {"projection_bias", a.projection_bias}};
        }
      },
      attrs);
}

json layer_json(const ir::Layer& layer) {
  json j = {{"kind", ir::to_string(layer.kind)},
            {"name", layer.name},
            {"attrs", attrs_json(layer.attrs)},
            {"input_shape", layer.input_shape},
            {"output_shape", layer.output_shape},
            {"param_count", layer.param_count},
            {"macs", layer.macs},
            {"activation_bytes", layer.activation_bytes},
            {"device_hint", layer.device_hint},
            {"source", {{"line", layer.source_line}, {"column", layer.source_column}}}};
  if (layer.kind == ir::LayerKind::kResidual) {
    json body = json::array();
    for (const ir::Layer& inner : layer.body) body.push_back(layer_json(inner));
    j["body"] = body;
  }
  return j;
}

}  // namespace

json to_json(const ir::Network& n) {
  json layers = json::array();
  for (const ir::Layer& layer : n.layers) layers.push_back(layer_json(layer));
  json hpo = json::array();
  for (const ir::HpoAssignment& a : n.hpo) hpo.push_back({{"axis", a.axis}, {"value", a.value}});
  const ir::Optimizer& o = n.optimizer;
  return {{"name", n.name},
          {"source_file", n.source_file},
          {"input_shape_as_written", n.input_shape_as_written},
          {"input_shape", n.input_shape},
          {"input_dtype", ir::to_string(n.input_dtype)},
          {"layers", layers},
          {"output_shape", n.output_shape},
          {"loss", ir::to_string(n.loss)},
          {"optimizer",
           {{"kind", ir::to_string(o.kind)},
            {"learning_rate", o.learning_rate},
            {"weight_decay", o.weight_decay},
            {"momentum", o.momentum},
            {"nesterov", o.nesterov},
            {"beta1", o.beta1},
            {"beta2", o.beta2},
            {"epsilon", o.epsilon},
            {"alpha", o.alpha}}},
          {"metrics", n.metrics},
          {"train",
           {{"epochs", n.train.epochs},
            {"batch_size", n.train.batch_size},
            {"validation_split", n.train.validation_split}}},
          {"execute_device", n.execute_device},
          {"hpo", hpo},
          {"total_params", n.total_params},
          {"total_macs", n.total_macs},
          {"total_activation_bytes", n.total_activation_bytes}};
}

std::string emit_json(const std::vector<ir::Network>& networks) {
  json list = json::array();
  for (const ir::Network& n : networks) list.push_back(to_json(n));
  const json doc = {{"schema", "nnbench.ir"}, {"version", kIrJsonVersion}, {"networks", list}};
  return doc.dump(2) + "\n";
}

}  // namespace nnbench::dsl
