// Hugging Face checkpoint directories (see hf_checkpoint.hpp). The fields read, and their
// defaults where config.json may leave them out, are transformers' own (GPT2Config,
// LlamaConfig), so a checkpoint means here what it means there.
#include "nnbench/engine/generation/hf_checkpoint.hpp"

#include <algorithm>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "nnbench/core/environment.hpp"
#include "nnbench/core/error.hpp"
#include "nnbench/core/file_bytes.hpp"
#include "nnbench/engine/generation/decoder_weights.hpp"

namespace nnbench::engine {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kConfigName = "config.json";
constexpr const char* kWeightsName = "model.safetensors";
constexpr const char* kIndexName = "model.safetensors.index.json";

std::string read_text(const fs::path& path) {
  std::optional<std::string> text = read_file_bytes(path);
  if (!text) throw InputError(fmt::format("{}: cannot be opened", path.string()));
  return std::move(*text);
}

json parse_object(const fs::path& path, const std::string& text) {
  json parsed;
  try {
    parsed = json::parse(text);
  } catch (const json::exception& e) {
    throw InputError(fmt::format("{}: malformed JSON: {}", path.string(), e.what()));
  }
  if (!parsed.is_object()) throw InputError(fmt::format("{}: not a JSON object", path.string()));
  return parsed;
}

// A value as JSON, for messages; cut short where a long list would bury the point.
std::string shown(const json& value) {
  constexpr std::size_t kLongest = 120;
  const std::string text = value.dump();
  return text.size() <= kLongest ? text : text.substr(0, kLongest) + "...";
}

// config.json's fields, each error naming the file and the field.
class ConfigFields {
 public:
  ConfigFields(const fs::path& file, const json& fields) : file_(file), fields_(fields) {}

  [[noreturn]] void refuse(const std::string& field, const std::string& why) const {
    throw InputError(fmt::format("{}: field '{}' {}", file_.string(), field, why));
  }

  // Absent and null read the same: transformers writes null for "not set".
  bool has(const std::string& field) const {
    return fields_.contains(field) && !fields_.at(field).is_null();
  }
  const json& at(const std::string& field) const { return fields_.at(field); }

  std::int64_t count(const std::string& field, const char* meaning) const {
    if (!has(field)) {
      throw InputError(fmt::format("{}: missing field '{}' ({})", file_.string(), field, meaning));
    }
    return positive_integer(field);
  }
  std::int64_t count_or(const std::string& field, std::int64_t otherwise) const {
    return has(field) ? positive_integer(field) : otherwise;
  }

  double number_or(const std::string& field, double otherwise) const {
    if (!has(field)) return otherwise;
    if (!at(field).is_number() || at(field).get<double>() <= 0) {
      refuse(field, fmt::format("is {}; expected a positive number", shown(at(field))));
    }
    return at(field).get<double>();
  }

  bool flag_or(const std::string& field, bool otherwise) const {
    if (!has(field)) return otherwise;
    if (!at(field).is_boolean()) {
      refuse(field, fmt::format("is {}; expected true or false", shown(at(field))));
    }
    return at(field).get<bool>();
  }

  std::string text_or(const std::string& field, const std::string& otherwise) const {
    if (!has(field)) return otherwise;
    if (!at(field).is_string()) {
      refuse(field, fmt::format("is {}; expected a string", shown(at(field))));
    }
    return at(field).get<std::string>();
  }

  // A field that changes the computation where it is set: nnbench's decoder implements only
  // `implemented` (its value when absent, too).
  void require_flag(const std::string& field, bool implemented, const std::string& why) const {
    if (flag_or(field, implemented) != implemented) {
      refuse(field, fmt::format("is {}; nnbench's decoder {}", !implemented, why));
    }
  }
  void require_unset(const std::string& field, const std::string& why) const {
    if (has(field))
      refuse(field, fmt::format("is {}; nnbench's decoder {}", shown(at(field)), why));
  }

 private:
  std::int64_t positive_integer(const std::string& field) const {
    const json& value = at(field);
    if (!value.is_number_integer() || value.get<std::int64_t>() < 1) {
      refuse(field, fmt::format("is {}; expected a positive integer", shown(value)));
    }
    return value.get<std::int64_t>();
  }

  const fs::path& file_;
  const json& fields_;
};

// The one architecture of the model type that nnbench runs: the causal language model with its
// head; "" when config.json names none.
std::string check_architecture(const ConfigFields& fields, const std::string& expected) {
  if (!fields.has("architectures")) return "";
  const json& names = fields.at("architectures");
  if (!names.is_array() || names.size() != 1 || !names.front().is_string() ||
      names.front().get<std::string>() != expected) {
    fields.refuse("architectures", fmt::format("is {}; nnbench's decoder runs [\"{}\"] for this "
                                               "model_type",
                                               shown(names), expected));
  }
  return expected;
}

DecoderConfig gpt2_config(const ConfigFields& fields) {
  DecoderConfig config;
  config.family = DecoderFamily::kGpt2;
  config.hidden = fields.count("n_embd", "the model width");
  config.layers = fields.count("n_layer", "the number of blocks");
  config.heads = fields.count("n_head", "the number of attention heads");
  config.kv_heads = config.heads;
  config.context_length = fields.count("n_positions", "the learned positions");
  config.vocab_size = fields.count("vocab_size", "the token vocabulary");
  config.intermediate = fields.count_or("n_inner", 4 * config.hidden);  // null: 4 x n_embd
  config.norm_eps = fields.number_or("layer_norm_epsilon", 1e-5);
  config.tied_embeddings = fields.flag_or("tie_word_embeddings", true);
  // GELU with the tanh approximation, which transformers calls gelu_new (or gelu_pytorch_tanh).
  const std::string activation = fields.text_or("activation_function", "gelu_new");
  if (activation != "gelu_new" && activation != "gelu_pytorch_tanh") {
    fields.refuse("activation_function",
                  fmt::format("is \"{}\"; nnbench's GPT-2 computes GELU with the tanh "
                              "approximation (gelu_new or gelu_pytorch_tanh)",
                              activation));
  }
  fields.require_flag("scale_attn_weights", true, "scales attention scores by 1/sqrt(head width)");
  fields.require_flag("scale_attn_by_inverse_layer_idx", false,
                      "does not scale attention by the layer's index");
  fields.require_flag("add_cross_attention", false, "has no cross-attention");
  // reorder_and_upcast_attn changes only the precision of the scores, which nnbench's softmax
  // computes in fp32 anyway.
  return config;
}

// rotary positions: theta from transformers 5's rope_parameters, or the older top-level
// rope_theta; only the plain ("default") rotation.
double llama_rope_theta(const ConfigFields& fields) {
  fields.require_unset("rope_scaling", "implements plain rotary positions (rope_scaling null)");
  double theta = fields.number_or("rope_theta", 10000.0);
  if (!fields.has("rope_parameters")) return theta;
  const json& rope = fields.at("rope_parameters");
  if (!rope.is_object()) fields.refuse("rope_parameters", "is not a JSON object");
  for (const auto& [key, value] : rope.items()) {
    if (key == "rope_type" || key == "type") {
      if (!value.is_string() || value.get<std::string>() != "default") {
        fields.refuse("rope_parameters",
                      fmt::format("has {} {}; nnbench's decoder implements rope_type \"default\" "
                                  "(plain rotary positions) only",
                                  key, shown(value)));
      }
    } else if (key == "rope_theta") {
      if (!value.is_number() || value.get<double>() <= 0) {
        fields.refuse("rope_parameters", fmt::format("has rope_theta {}; expected a positive "
                                                     "number",
                                                     shown(value)));
      }
      theta = value.get<double>();
    } else if (!value.is_null()) {
      fields.refuse("rope_parameters",
                    fmt::format("has {} {}; nnbench's decoder implements plain rotary positions "
                                "(rope_type and rope_theta only)",
                                key, shown(value)));
    }
  }
  return theta;
}

DecoderConfig llama_config(const ConfigFields& fields) {
  DecoderConfig config;
  config.family = DecoderFamily::kLlama;
  config.hidden = fields.count("hidden_size", "the model width");
  config.layers = fields.count("num_hidden_layers", "the number of blocks");
  config.heads = fields.count("num_attention_heads", "the number of query heads");
  config.kv_heads = fields.count_or("num_key_value_heads", config.heads);  // null: no grouping
  config.intermediate = fields.count("intermediate_size", "the MLP width");
  config.context_length = fields.count("max_position_embeddings", "the longest context");
  config.vocab_size = fields.count("vocab_size", "the token vocabulary");
  config.norm_eps = fields.number_or("rms_norm_eps", 1e-6);
  config.tied_embeddings = fields.flag_or("tie_word_embeddings", false);
  config.rope_theta = llama_rope_theta(fields);
  if (config.hidden % config.heads != 0) {
    fields.refuse("num_attention_heads", fmt::format("is {}, which does not divide hidden_size {}",
                                                     config.heads, config.hidden));
  }
  if (config.heads % config.kv_heads != 0) {
    fields.refuse("num_key_value_heads",
                  fmt::format("is {}, which does not divide num_attention_heads {}",
                              config.kv_heads, config.heads));
  }
  if (fields.has("head_dim") && fields.count("head_dim", "") != config.head_dim()) {
    fields.refuse("head_dim", fmt::format("is {}; nnbench's decoder uses hidden_size / "
                                          "num_attention_heads = {}",
                                          shown(fields.at("head_dim")), config.head_dim()));
  }
  const std::string activation = fields.text_or("hidden_act", "silu");
  if (activation != "silu") {
    fields.refuse("hidden_act",
                  fmt::format("is \"{}\"; nnbench's Llama MLP is SwiGLU (silu)", activation));
  }
  fields.require_flag("attention_bias", false, "has no biases in the attention projections");
  fields.require_flag("mlp_bias", false, "has no biases in the MLP");
  fields.require_unset("sliding_window", "attends over the whole context (no sliding window)");
  fields.require_flag("use_sliding_window", false,
                      "attends over the whole context (no sliding window)");
  if (fields.has("layer_types")) {
    const json& types = fields.at("layer_types");
    const bool all_full =
        types.is_array() && std::all_of(types.begin(), types.end(), [](auto& t) {
          return t.is_string() && t.template get<std::string>() == "full_attention";
        });
    if (!all_full) {
      fields.refuse("layer_types",
                    fmt::format("is {}; nnbench's decoder implements full_attention layers only",
                                shown(types)));
    }
  }
  // pretraining_tp only splits transformers' products into slices: the same model.
  return config;
}

// model.safetensors, else the shards of model.safetensors.index.json (transformers' order).
std::vector<fs::path> find_weight_files(const fs::path& directory) {
  std::error_code error;
  if (fs::is_regular_file(directory / kWeightsName, error)) return {directory / kWeightsName};
  const fs::path index_file = directory / kIndexName;
  if (!fs::is_regular_file(index_file, error)) {
    const bool has_bin = fs::exists(directory / "pytorch_model.bin", error) ||
                         fs::exists(directory / "pytorch_model.bin.index.json", error);
    throw InputError(fmt::format("{}: no {} or {}; nnbench reads safetensors weights only{}",
                                 directory.string(), kWeightsName, kIndexName,
                                 has_bin
                                     ? " (this checkpoint has pytorch_model.bin: re-save it with "
                                       "save_pretrained(..., safe_serialization=True))"
                                     : ""));
  }
  const json index = parse_object(index_file, read_text(index_file));
  if (!index.contains("weight_map") || !index.at("weight_map").is_object()) {
    throw InputError(fmt::format("{}: missing field 'weight_map' (tensor name -> shard file)",
                                 index_file.string()));
  }
  std::set<std::string> shard_names;
  for (const auto& [tensor, shard] : index.at("weight_map").items()) {
    // A shard is a file of the checkpoint directory, never a path out of it.
    if (!shard.is_string() || shard.get<std::string>().empty() ||
        fs::path(shard.get<std::string>()).filename().string() != shard.get<std::string>()) {
      throw InputError(fmt::format(
          "{}: field 'weight_map' maps '{}' to {}; expected a file name in the directory",
          index_file.string(), tensor, shown(shard)));
    }
    shard_names.insert(shard.get<std::string>());
  }
  if (shard_names.empty()) {
    throw InputError(fmt::format("{}: field 'weight_map' is empty", index_file.string()));
  }
  std::vector<fs::path> shards;
  for (const std::string& name : shard_names) {
    if (!fs::is_regular_file(directory / name, error)) {
      throw InputError(fmt::format("{}: its weight_map names {}, which is missing",
                                   index_file.string(), (directory / name).string()));
    }
    shards.push_back(directory / name);
  }
  return shards;
}

// The first and last MiB of a file, for the fingerprint.
std::string file_ends(const fs::path& path, std::uint64_t size) {
  constexpr std::uint64_t kEndBytes = 1 << 20;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(fmt::format("{}: cannot be opened", path.string()));
  std::string bytes(static_cast<std::size_t>(std::min(size, kEndBytes)), '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (size > kEndBytes) {
    std::string tail(static_cast<std::size_t>(std::min(size - kEndBytes, kEndBytes)), '\0');
    in.seekg(static_cast<std::streamoff>(size - tail.size()));
    in.read(tail.data(), static_cast<std::streamsize>(tail.size()));
    bytes += tail;
  }
  if (!in) throw InputError(fmt::format("{}: cannot be read", path.string()));
  return bytes;
}

}  // namespace

HfCheckpoint read_hf_checkpoint(const fs::path& directory) {
  HfCheckpoint checkpoint;
  checkpoint.directory = directory;
  checkpoint.config_file = directory / kConfigName;
  std::error_code error;
  if (!fs::is_regular_file(checkpoint.config_file, error)) {
    throw InputError(
        fmt::format("{}: no {}; a checkpoint directory is a Hugging Face one "
                    "(config.json and safetensors weights)",
                    directory.string(), kConfigName));
  }
  checkpoint.config_text = read_text(checkpoint.config_file);
  const json parsed = parse_object(checkpoint.config_file, checkpoint.config_text);
  const ConfigFields fields(checkpoint.config_file, parsed);

  if (!fields.has("model_type")) {
    throw InputError(fmt::format("{}: missing field 'model_type' (gpt2 or llama)",
                                 checkpoint.config_file.string()));
  }
  const std::string model_type = fields.text_or("model_type", "");
  if (model_type == "gpt2") {
    checkpoint.architecture = check_architecture(fields, "GPT2LMHeadModel");
    checkpoint.config = gpt2_config(fields);
  } else if (model_type == "llama") {
    checkpoint.architecture = check_architecture(fields, "LlamaForCausalLM");
    checkpoint.config = llama_config(fields);
  } else {
    fields.refuse("model_type", fmt::format("is \"{}\"; nnbench's decoder implements gpt2 and "
                                            "llama",
                                            model_type));
  }
  fields.require_unset("quantization_config",
                       "reads float weights (F32, F16, BF16), not quantised ones");
  checkpoint.saved_dtype = fields.text_or("dtype", fields.text_or("torch_dtype", ""));
  // The name a result shows: the directory's, as the catalogue names it.
  checkpoint.config.name = fs::path(directory).lexically_normal().filename().string();
  if (checkpoint.config.name.empty()) {
    checkpoint.config.name =
        fs::path(directory).lexically_normal().parent_path().filename().string();
  }
  checkpoint.weight_files = find_weight_files(directory);
  return checkpoint;
}

std::int64_t load_hf_checkpoint_weights(DecoderLM& model, const HfCheckpoint& checkpoint) {
  return load_decoder_weights(model, checkpoint.weight_files);
}

std::string hf_checkpoint_hash(const HfCheckpoint& checkpoint) {
  std::string fingerprint = checkpoint.config_text;
  for (const fs::path& file : checkpoint.weight_files) {
    std::error_code error;
    const std::uint64_t size = fs::file_size(file, error);
    if (error)
      throw InputError(fmt::format("{}: cannot be sized: {}", file.string(), error.message()));
    fingerprint += fmt::format("\n{} {}\n", file.filename().string(), size);
    fingerprint += file_ends(file, size);
  }
  return fnv1a_hex(fingerprint);
}

}  // namespace nnbench::engine
