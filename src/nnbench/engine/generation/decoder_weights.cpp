// safetensors weights for decoders (see decoder_weights.hpp).
#include "nnbench/engine/generation/decoder_weights.hpp"

#include <torch/torch.h>

#include <fstream>
#include <regex>
#include <set>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "nnbench/core/error.hpp"

namespace nnbench::engine {
namespace {

constexpr std::uint64_t kMaxHeaderBytes = 100'000'000;  // the format's own limit

[[noreturn]] void fail(const std::filesystem::path& path, const std::string& problem) {
  throw InputError(fmt::format("safetensors file {}: {}", path.string(), problem));
}

torch::ScalarType parse_dtype(const std::filesystem::path& path, const std::string& name,
                              const std::string& dtype) {
  if (dtype == "F64") return torch::kFloat64;
  if (dtype == "F32") return torch::kFloat32;
  if (dtype == "F16") return torch::kFloat16;
  if (dtype == "BF16") return torch::kBFloat16;
  fail(path,
       fmt::format("tensor '{}' has dtype {}; weights must be F64, F32, F16 or BF16", name, dtype));
}

// A name of the file -> nnbench's parameter name and whether the stored weight is transposed.
struct Target {
  std::string name;
  bool transposed = false;
};

std::optional<Target> nnbench_name(const std::string& name) {
  static const std::regex llama_layer(
      R"(model\.layers\.(\d+)\.(?:self_attn|mlp)\.(\w+_proj)\.weight)");
  static const std::regex llama_norm(R"(model\.layers\.(\d+)\.(\w+_layernorm)\.weight)");
  static const std::regex gpt2_layer(
      R"((?:transformer\.)?h\.(\d+)\.(?:(attn|mlp)\.)?(\w+)\.(weight|bias))");
  static const std::regex gpt2_top(R"((?:transformer\.)?(wte|wpe|ln_f)\.(weight|bias))");
  std::smatch m;
  if (std::regex_match(name, m, llama_layer) || std::regex_match(name, m, llama_norm)) {
    return Target{fmt::format("layers.{}.{}.weight", m[1].str(), m[2].str())};
  }
  if (name == "model.embed_tokens.weight") return Target{"wte.weight"};
  if (name == "model.norm.weight") return Target{"norm.weight"};
  if (std::regex_match(name, m, gpt2_top)) return Target{m[1].str() + "." + m[2].str()};
  if (std::regex_match(name, m, gpt2_layer)) {
    const std::string group = m[2].str(), part = m[3].str(), kind = m[4].str();
    std::string ours = part;
    if (group == "attn" && part == "c_proj") ours = "attn_proj";
    if (group == "mlp" && part == "c_proj") ours = "mlp_proj";
    if (group.empty() && part != "ln_1" && part != "ln_2") return std::nullopt;
    const bool conv1d = !group.empty() && kind == "weight";  // Conv1D stores in x out
    return Target{fmt::format("layers.{}.{}.{}", m[1].str(), ours, kind), conv1d};
  }
  return std::nullopt;
}

// Tensors that carry no weights: GPT-2's causal-mask buffers, Llama's rotary frequencies.
bool holds_no_weights(const std::string& name) {
  static const std::regex buffers(R"(.*\.attn\.(masked_)?bias|.*rotary_emb\.inv_freq)");
  return std::regex_match(name, buffers);
}

std::string first_names(const std::vector<std::string>& names) {
  const std::size_t shown = std::min<std::size_t>(names.size(), 5);
  return fmt::format("{}{}", fmt::join(names.begin(), names.begin() + shown, ", "),
                     names.size() > shown ? fmt::format(" and {} more", names.size() - shown) : "");
}

}  // namespace

std::map<std::string, torch::Tensor> read_safetensors(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) fail(path, "cannot be opened");
  std::error_code ec;
  const std::uint64_t file_size = std::filesystem::file_size(path, ec);
  if (ec) fail(path, "cannot be sized: " + ec.message());
  unsigned char length_bytes[8] = {};
  if (!file.read(reinterpret_cast<char*>(length_bytes), 8)) {
    fail(path, "is shorter than its 8-byte header length");
  }
  std::uint64_t header_bytes = 0;
  for (int i = 7; i >= 0; --i) header_bytes = (header_bytes << 8) | length_bytes[i];
  if (header_bytes > kMaxHeaderBytes || 8 + header_bytes > file_size) {
    fail(path, fmt::format("header length {} does not fit in the file's {} bytes", header_bytes,
                           file_size));
  }
  std::string header_text(header_bytes, '\0');
  file.read(header_text.data(), static_cast<std::streamsize>(header_bytes));
  nlohmann::json header;
  try {
    header = nlohmann::json::parse(header_text);
  } catch (const nlohmann::json::exception& e) {
    fail(path, std::string("malformed JSON header: ") + e.what());
  }
  if (!header.is_object()) fail(path, "the header is not a JSON object");
  const std::uint64_t data_start = 8 + header_bytes, data_bytes = file_size - data_start;
  std::map<std::string, torch::Tensor> tensors;
  for (const auto& [name, entry] : header.items()) {
    if (name == "__metadata__") continue;
    try {
      const torch::ScalarType dtype = parse_dtype(path, name, entry.at("dtype").get<std::string>());
      const auto shape = entry.at("shape").get<std::vector<std::int64_t>>();
      const auto offsets = entry.at("data_offsets").get<std::vector<std::uint64_t>>();
      if (offsets.size() != 2 || offsets[0] > offsets[1] || offsets[1] > data_bytes) {
        fail(path, fmt::format(
                       "tensor '{}': byte range lies outside the file's {} data bytes (truncated?)",
                       name, data_bytes));
      }
      torch::Tensor tensor = torch::empty(shape, torch::TensorOptions().dtype(dtype));
      const std::uint64_t expected = static_cast<std::uint64_t>(tensor.nbytes());
      if (offsets[1] - offsets[0] != expected) {
        fail(path, fmt::format("tensor '{}': {} bytes for shape [{}] of {} ({} expected)", name,
                               offsets[1] - offsets[0], fmt::join(shape, ", "),
                               entry.at("dtype").get<std::string>(), expected));
      }
      file.seekg(static_cast<std::streamoff>(data_start + offsets[0]));
      if (!file.read(static_cast<char*>(tensor.data_ptr()),
                     static_cast<std::streamsize>(expected))) {
        fail(path, fmt::format("tensor '{}' cannot be read (truncated file?)", name));
      }
      tensors.emplace(name, std::move(tensor));
    } catch (const nlohmann::json::exception& e) {
      fail(path, fmt::format("tensor '{}': malformed entry: {}", name, e.what()));
    }
  }
  return tensors;
}

std::int64_t load_decoder_weights(DecoderLM& model, const std::filesystem::path& path) {
  return load_decoder_weights(model, std::vector<std::filesystem::path>{path});
}

std::int64_t load_decoder_weights(DecoderLM& model,
                                  const std::vector<std::filesystem::path>& shards) {
  auto parameters = model->named_parameters();
  std::set<std::string> missing;
  for (const auto& item : parameters) missing.insert(item.key());
  // parameter -> the shard it came from: a second copy in another shard is an error, not a
  // silent overwrite.
  std::map<std::string, std::filesystem::path> loaded_from;
  torch::NoGradGuard no_grad;
  for (const std::filesystem::path& path : shards) {
    const std::map<std::string, torch::Tensor> tensors = read_safetensors(path);
    std::vector<std::string> unplaced;
    for (const auto& [name, tensor] : tensors) {
      std::optional<Target> target = parameters.contains(name) ? Target{name} : nnbench_name(name);
      if (!target || !parameters.contains(target->name)) {
        const bool tied_head = name == "lm_head.weight" && model->config().tied_embeddings;
        if (!holds_no_weights(name) && !tied_head) unplaced.push_back(name);
        continue;
      }
      if (const auto earlier = loaded_from.find(target->name); earlier != loaded_from.end()) {
        fail(path, fmt::format("tensor '{}' ({}) is also in {}", name, target->name,
                               earlier->second.string()));
      }
      torch::Tensor& parameter = parameters[target->name];
      const torch::Tensor source = target->transposed ? tensor.t() : tensor;
      if (source.sizes() != parameter.sizes()) {
        fail(path, fmt::format("tensor '{}' has shape [{}] but {} of {} needs [{}]", name,
                               fmt::join(source.sizes(), ", "), target->name, model->config().name,
                               fmt::join(parameter.sizes(), ", ")));
      }
      parameter.copy_(source);
      missing.erase(target->name);
      loaded_from.emplace(target->name, path);
    }
    if (!unplaced.empty()) {
      fail(path,
           fmt::format("{} has no parameter for {}", model->config().name, first_names(unplaced)));
    }
  }
  if (!missing.empty()) {
    const std::string where =
        shards.size() == 1 ? fmt::format("safetensors file {}", shards.front().string())
                           : fmt::format("safetensors files {} ({} shards)",
                                         shards.empty() ? std::string("(none)")
                                                        : shards.front().parent_path().string(),
                                         shards.size());
    throw InputError(fmt::format("{}: missing {} of {}'s parameters: {}", where, missing.size(),
                                 model->config().name,
                                 first_names({missing.begin(), missing.end()})));
  }
  return static_cast<std::int64_t>(loaded_from.size());
}

}  // namespace nnbench::engine
