// safetensors weights for decoders: a file the test writes byte by byte (8-byte length, JSON
// header, raw data) loads into a model under nnbench's or Hugging Face's names, and each kind of
// damage is an InputError naming the file and the problem.
#include "nnbench/engine/generation/decoder_weights.hpp"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "nnbench/core/error.hpp"

namespace nnbench::engine {
namespace {

namespace fs = std::filesystem;

struct Entry {
  std::string name;
  torch::Tensor tensor;  // fp32 or bf16, contiguous, on the CPU
};

// Writes the entries as a safetensors file; `cut` bytes are dropped from the end.
fs::path write_file(const std::string& file, const std::vector<Entry>& entries, int cut = 0) {
  nlohmann::json header = nlohmann::json::object();
  std::string data;
  for (const Entry& e : entries) {
    const torch::Tensor t = e.tensor.contiguous();
    header[e.name] = {{"dtype", t.scalar_type() == torch::kBFloat16 ? "BF16" : "F32"},
                      {"shape", t.sizes().vec()},
                      {"data_offsets", {data.size(), data.size() + t.nbytes()}}};
    data.append(static_cast<const char*>(t.data_ptr()), t.nbytes());
  }
  const std::string text = header.dump();
  std::string bytes(8, '\0');
  for (int i = 0; i < 8; ++i) bytes[i] = static_cast<char>((text.size() >> (8 * i)) & 0xff);
  bytes += text + data;
  const fs::path path = fs::temp_directory_path() / file;
  std::ofstream(path, std::ios::binary).write(bytes.data(), bytes.size() - cut);
  return path;
}

// llama-tiny's parameters under Hugging Face's names, from a model of another seed.
std::vector<Entry> llama_entries_hf(const DecoderLM& source) {
  std::vector<Entry> entries;
  for (const auto& item : source->named_parameters()) {
    std::string name = item.key();
    if (name == "wte.weight")
      name = "model.embed_tokens.weight";
    else if (name == "norm.weight")
      name = "model.norm.weight";
    else if (name.rfind("layers.", 0) == 0) {
      const auto dot = name.find('.', 7);
      const std::string layer = name.substr(7, dot - 7), rest = name.substr(dot + 1);
      const bool attn = rest.find("q_proj") == 0 || rest.find("k_proj") == 0 ||
                        rest.find("v_proj") == 0 || rest.find("o_proj") == 0;
      const bool norm = rest.find("layernorm") != std::string::npos;
      name = "model.layers." + layer + "." + (norm ? "" : attn ? "self_attn." : "mlp.") + rest;
    }
    entries.push_back({name, item.value().detach().clone()});
  }
  entries.push_back({"model.layers.0.self_attn.rotary_emb.inv_freq", torch::ones({8})});
  return entries;
}

TEST(DecoderWeights, LoadsHuggingFaceLlamaNames_AndTheModelComputesWithThem) {
  torch::manual_seed(1);
  DecoderLM source(decoder_preset("llama-tiny"));
  torch::manual_seed(2);
  DecoderLM target(decoder_preset("llama-tiny"));
  const fs::path path = write_file("nnbench-llama.safetensors", llama_entries_hf(source));
  EXPECT_EQ(load_decoder_weights(target, path), source->named_parameters().size());
  torch::NoGradGuard no_grad;
  const torch::Tensor tokens = torch::randint(256, {2, 6});
  EXPECT_TRUE(
      torch::equal(target->forward(tokens, 0, nullptr), source->forward(tokens, 0, nullptr)));
  fs::remove(path);
}

TEST(DecoderWeights, LoadsNnbenchNamesFromBf16_ConvertingToTheParameters) {
  torch::manual_seed(3);
  DecoderLM source(decoder_preset("gpt2-tiny"));
  std::vector<Entry> entries;
  for (const auto& item : source->named_parameters()) {
    entries.push_back({item.key(), item.value().detach().to(torch::kBFloat16)});
  }
  DecoderLM target(decoder_preset("gpt2-tiny"));
  const fs::path path = write_file("nnbench-gpt2.safetensors", entries);
  load_decoder_weights(target, path);
  const torch::Tensor expected =
      source->named_parameters()["layers.1.c_fc.weight"].to(torch::kBFloat16).to(torch::kFloat32);
  EXPECT_TRUE(torch::equal(target->named_parameters()["layers.1.c_fc.weight"], expected));
  fs::remove(path);
}

void expect_error(const fs::path& path, DecoderLM& model, const std::string& words) {
  try {
    load_decoder_weights(model, path);
    ADD_FAILURE() << "no error for " << words;
  } catch (const InputError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(path.string()), std::string::npos) << what;
    EXPECT_NE(what.find(words), std::string::npos) << what;
  }
  fs::remove(path);
}

TEST(DecoderWeights, DamageIsAnInputErrorNamingTheFileAndTheProblem) {
  torch::manual_seed(4);
  DecoderLM model(decoder_preset("llama-tiny"));
  std::vector<Entry> entries = llama_entries_hf(model);
  expect_error(write_file("nnbench-cut.safetensors", entries, 5), model, "truncated");
  std::vector<Entry> missing(entries.begin() + 1, entries.end());
  expect_error(write_file("nnbench-missing.safetensors", missing), model, "missing 1 of");
  std::vector<Entry> extra = entries;
  extra.push_back({"model.layers.9.mlp.up_proj.weight", torch::zeros({2, 2})});
  expect_error(write_file("nnbench-extra.safetensors", extra), model, "no parameter for");
  std::vector<Entry> wrong = entries;
  wrong[0].tensor = torch::zeros({3, 3});
  expect_error(write_file("nnbench-shape.safetensors", wrong), model, "has shape [3, 3]");
  const fs::path garbage = fs::temp_directory_path() / "nnbench-garbage.safetensors";
  std::ofstream(garbage, std::ios::binary) << std::string("\x04\0\0\0\0\0\0\0{{{{", 12);
  expect_error(garbage, model, "malformed JSON header");
}

}  // namespace
}  // namespace nnbench::engine
