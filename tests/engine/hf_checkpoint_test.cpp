// Hugging Face checkpoint directories: tiny random Llama (grouped-query attention, sharded) and
// GPT-2 (tied embeddings) checkpoints written by transformers (hf_reference.py) compute the same
// fp32 logits and greedy tokens in nnbench's decoder as in transformers; directories written here
// by hand show that each thing the decoder does not implement, and each missing or damaged part,
// is an InputError naming the file and the field or tensor.
#include "nnbench/engine/generation/hf_checkpoint.hpp"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "../python_run.hpp"
#include "expect_input_error.hpp"
#include "generation_check.hpp"
#include "nnbench/core/error.hpp"
#include "nnbench/engine/generation/greedy_decoder.hpp"

namespace nnbench::engine {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using nnbench::testing::expect_input_error;

// A fresh directory per use, removed afterwards.
class ScratchDir {
 public:
  ScratchDir() {
    std::string pattern = (fs::temp_directory_path() / "nnbench-hf-XXXXXX").string();
    path_ = mkdtemp(pattern.data());
  }
  ~ScratchDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// ---- checkpoints written by transformers --------------------------------------------------

// hf_reference.py's checkpoints and transformers' outputs, made once per test binary.
struct Reference {
  ScratchDir dir;
  json outputs;  // {"llama": {"directory", "prompts", "logits", "greedy"}, "gpt2": {...}}
  std::string error;
};

const Reference& transformers_reference() {
  static Reference reference;  // its directory goes when the test binary exits
  static const bool made = [] {
    const std::string command = std::string(NNBENCH_PYTHON_EXE) + " '" + NNBENCH_SOURCE_DIR +
                                "/tests/engine/hf_reference.py' '" + reference.dir.path().string() +
                                "' --generate 8";
    const python_run::CommandResult run = python_run::run_command(command);
    if (run.exit_code != 0) {
      reference.error = "hf_reference.py failed: " + run.output;
    } else {
      std::ifstream in(reference.dir.path() / "reference.json");
      reference.outputs = json::parse(in);
    }
    return true;
  }();
  (void)made;
  return reference;
}

torch::Tensor tensor_of(const json& nested, torch::ScalarType dtype) {
  if (dtype == torch::kLong) {
    const auto rows = nested.get<std::vector<std::vector<std::int64_t>>>();
    std::vector<torch::Tensor> stacked;
    for (const auto& row : rows) stacked.push_back(torch::tensor(row, torch::kLong));
    return torch::stack(stacked);
  }
  const auto cube = nested.get<std::vector<std::vector<std::vector<float>>>>();
  std::vector<torch::Tensor> stacked;
  for (const auto& matrix : cube) {
    std::vector<torch::Tensor> rows;
    for (const auto& row : matrix) rows.push_back(torch::tensor(row, torch::kFloat32));
    stacked.push_back(torch::stack(rows));
  }
  return torch::stack(stacked);
}

// Loads transformers' checkpoint `family` and checks logits and greedy tokens against its own.
void expect_same_as_transformers(const std::string& family) {
  const Reference& reference = transformers_reference();
  ASSERT_TRUE(reference.error.empty()) << reference.error;
  const json& expected = reference.outputs.at(family);
  const HfCheckpoint checkpoint = read_hf_checkpoint(expected.at("directory").get<std::string>());
  DecoderLM model(checkpoint.config);
  EXPECT_EQ(load_hf_checkpoint_weights(model, checkpoint),
            static_cast<std::int64_t>(model->named_parameters().size()));
  model->eval();
  torch::NoGradGuard no_grad;

  const torch::Tensor prompt = tensor_of(expected.at("prompts"), torch::kLong);
  const torch::Tensor theirs = tensor_of(expected.at("logits"), torch::kFloat32);
  const torch::Tensor ours = model->forward(prompt, 0, nullptr);
  ASSERT_EQ(ours.sizes(), theirs.sizes());
  const double scale = theirs.abs().max().item<double>();
  const double difference = (ours - theirs).abs().max().item<double>();
  EXPECT_LE(difference, 1e-4 * scale) << family << ": logits up to " << scale;

  // Greedy tokens in every mode: graph and kernel modes' static decode step runs uncaptured here
  // (the CPU has no graphs), kernel mode's fused operators as LibTorch compositions.
  const torch::Tensor greedy = tensor_of(expected.at("greedy"), torch::kLong);
  for (const DecodeMode mode : {DecodeMode::kEager, DecodeMode::kGraph, DecodeMode::kKernel}) {
    const testing::Generated generated = testing::generate(
        model, mode, false, prompt, greedy.size(1), torch::TensorOptions().dtype(torch::kFloat32));
    EXPECT_TRUE(torch::equal(generated.tokens, greedy))
        << family << " in mode " << decode_mode_name(mode) << "\nnnbench:\n"
        << generated.tokens << "\ntransformers:\n"
        << greedy;
  }
}

#define REQUIRE_TRANSFORMERS() NNBENCH_REQUIRE_PYTHON_MODULES("torch, transformers, safetensors")

TEST(HfCheckpoint, ShardedLlamaWithGroupedQueryAttention_ComputesAsTransformersDoes) {
  REQUIRE_TRANSFORMERS();
  expect_same_as_transformers("llama");
}

TEST(HfCheckpoint, Gpt2WithTiedEmbeddings_ComputesAsTransformersDoes) {
  REQUIRE_TRANSFORMERS();
  expect_same_as_transformers("gpt2");
}

TEST(HfCheckpoint, ReadsTheShapeAndTheSavedDtypeFromConfigJson) {
  REQUIRE_TRANSFORMERS();
  const Reference& reference = transformers_reference();
  ASSERT_TRUE(reference.error.empty()) << reference.error;
  const HfCheckpoint llama = read_hf_checkpoint(reference.dir.path() / "llama");
  EXPECT_EQ(llama.config.name, "llama");
  EXPECT_EQ(llama.config.family, DecoderFamily::kLlama);
  EXPECT_EQ(llama.architecture, "LlamaForCausalLM");
  EXPECT_EQ(llama.config.kv_heads, 2);
  EXPECT_EQ(llama.config.intermediate, 96);
  EXPECT_EQ(llama.config.context_length, 64);
  EXPECT_DOUBLE_EQ(llama.config.rope_theta, 500.0);  // transformers 5's rope_parameters
  EXPECT_FALSE(llama.config.tied_embeddings);
  EXPECT_EQ(llama.saved_dtype, "float32");
  EXPECT_GT(llama.weight_files.size(), 1u);  // shards
  const HfCheckpoint gpt2 = read_hf_checkpoint(reference.dir.path() / "gpt2");
  EXPECT_EQ(gpt2.config.family, DecoderFamily::kGpt2);
  EXPECT_EQ(gpt2.config.intermediate, 256);  // n_inner null: 4 x n_embd
  EXPECT_TRUE(gpt2.config.tied_embeddings);
  ASSERT_EQ(gpt2.weight_files.size(), 1u);
  EXPECT_EQ(gpt2.weight_files.front().filename(), "model.safetensors");
}

// ---- checkpoints written by hand ----------------------------------------------------------

// llama-tiny's config.json as transformers 5 writes it.
json llama_tiny_config() {
  return {{"architectures", {"LlamaForCausalLM"}},
          {"model_type", "llama"},
          {"hidden_size", 64},
          {"num_hidden_layers", 2},
          {"num_attention_heads", 4},
          {"num_key_value_heads", 2},
          {"head_dim", 16},
          {"intermediate_size", 128},
          {"max_position_embeddings", 128},
          {"vocab_size", 256},
          {"rms_norm_eps", 1e-5},
          {"rope_parameters", {{"rope_theta", 10000.0}, {"rope_type", "default"}}},
          {"hidden_act", "silu"},
          {"attention_bias", false},
          {"mlp_bias", false},
          {"tie_word_embeddings", false},
          {"dtype", "bfloat16"}};
}

json gpt2_tiny_config() {
  return {{"architectures", {"GPT2LMHeadModel"}},
          {"model_type", "gpt2"},
          {"n_embd", 64},
          {"n_layer", 2},
          {"n_head", 4},
          {"n_positions", 128},
          {"n_inner", nullptr},
          {"vocab_size", 256},
          {"activation_function", "gelu_new"},
          {"layer_norm_epsilon", 1e-5},
          {"torch_dtype", "float32"}};
}

// Writes the tensors as a safetensors file (8-byte header length, JSON header, raw fp32 data).
void write_safetensors(const fs::path& path,
                       const std::vector<std::pair<std::string, torch::Tensor>>& tensors) {
  json header = json::object();
  std::string data;
  for (const auto& [name, value] : tensors) {
    const torch::Tensor t = value.detach().to(torch::kFloat32).contiguous();
    header[name] = {{"dtype", "F32"},
                    {"shape", t.sizes().vec()},
                    {"data_offsets", {data.size(), data.size() + t.nbytes()}}};
    data.append(static_cast<const char*>(t.data_ptr()), t.nbytes());
  }
  const std::string text = header.dump();
  std::string bytes(8, '\0');
  for (int i = 0; i < 8; ++i) bytes[i] = static_cast<char>((text.size() >> (8 * i)) & 0xff);
  std::ofstream(path, std::ios::binary) << bytes << text << data;
}

std::vector<std::pair<std::string, torch::Tensor>> parameters_of(const DecoderLM& model) {
  std::vector<std::pair<std::string, torch::Tensor>> tensors;
  for (const auto& item : model->named_parameters()) tensors.emplace_back(item.key(), item.value());
  return tensors;
}

// A checkpoint directory `name` in `root` with `config` and the weights of `weights_of` (the
// preset whose parameters, under nnbench's names, go into model.safetensors; "" for none).
fs::path write_checkpoint(const fs::path& root, const std::string& name, const json& config,
                          const std::string& weights_of) {
  const fs::path directory = root / name;
  fs::create_directories(directory);
  std::ofstream(directory / "config.json") << config.dump(2);
  if (!weights_of.empty()) {
    torch::manual_seed(7);
    write_safetensors(directory / "model.safetensors",
                      parameters_of(DecoderLM(decoder_preset(weights_of))));
  }
  return directory;
}

TEST(HfCheckpoint, ShardsListedByTheIndex_LoadAsOneFileWould) {
  ScratchDir root;
  const fs::path directory = write_checkpoint(root.path(), "sharded", llama_tiny_config(), "");
  torch::manual_seed(7);
  DecoderLM source(decoder_preset("llama-tiny"));
  const auto tensors = parameters_of(source);
  const std::size_t half = tensors.size() / 2;
  write_safetensors(directory / "part-1.safetensors", {tensors.begin(), tensors.begin() + half});
  write_safetensors(directory / "part-2.safetensors", {tensors.begin() + half, tensors.end()});
  json index = {{"metadata", json::object()}, {"weight_map", json::object()}};
  for (std::size_t i = 0; i < tensors.size(); ++i) {
    index["weight_map"][tensors[i].first] = i < half ? "part-1.safetensors" : "part-2.safetensors";
  }
  std::ofstream(directory / "model.safetensors.index.json") << index.dump();

  const HfCheckpoint checkpoint = read_hf_checkpoint(directory);
  EXPECT_EQ(checkpoint.weight_files.size(), 2u);
  EXPECT_EQ(checkpoint.saved_dtype, "bfloat16");
  torch::manual_seed(8);
  DecoderLM model(checkpoint.config);
  load_hf_checkpoint_weights(model, checkpoint);
  torch::NoGradGuard no_grad;
  const torch::Tensor tokens = torch::randint(256, {1, 5});
  EXPECT_TRUE(
      torch::equal(model->forward(tokens, 0, nullptr), source->forward(tokens, 0, nullptr)));

  // The same tensor in both shards is refused, not loaded twice.
  write_safetensors(directory / "part-2.safetensors", {tensors.begin(), tensors.end()});
  expect_input_error([&] { load_hf_checkpoint_weights(model, read_hf_checkpoint(directory)); },
                     {"part-2.safetensors", "is also in", "part-1.safetensors"});
}

TEST(HfCheckpoint, HashIsStable_AndFollowsTheConfigAndTheWeights) {
  ScratchDir root;
  const fs::path directory = write_checkpoint(root.path(), "a", llama_tiny_config(), "llama-tiny");
  const std::string hash = hf_checkpoint_hash(read_hf_checkpoint(directory));
  EXPECT_EQ(hash.size(), 16u);
  EXPECT_EQ(hf_checkpoint_hash(read_hf_checkpoint(directory)), hash);
  json config = llama_tiny_config();
  config["rms_norm_eps"] = 1e-6;
  std::ofstream(directory / "config.json") << config.dump(2);
  const std::string other_config = hf_checkpoint_hash(read_hf_checkpoint(directory));
  EXPECT_NE(other_config, hash);
  torch::manual_seed(9);
  write_safetensors(directory / "model.safetensors",
                    parameters_of(DecoderLM(decoder_preset("llama-tiny"))));
  EXPECT_NE(hf_checkpoint_hash(read_hf_checkpoint(directory)), other_config);
}

TEST(HfCheckpoint, UnknownModelTypeOrArchitecture_IsRefusedByName) {
  ScratchDir root;
  json config = llama_tiny_config();
  config["model_type"] = "mistral";
  const fs::path mistral = write_checkpoint(root.path(), "mistral", config, "llama-tiny");
  expect_input_error([&] { read_hf_checkpoint(mistral); },
                     {(mistral / "config.json").string(), "model_type", "\"mistral\"", "llama"});
  config = llama_tiny_config();
  config["architectures"] = {"LlamaForSequenceClassification"};
  const fs::path classifier = write_checkpoint(root.path(), "classifier", config, "llama-tiny");
  expect_input_error(
      [&] { read_hf_checkpoint(classifier); },
      {"config.json", "architectures", "LlamaForSequenceClassification", "LlamaForCausalLM"});
}

// Each field value the decoder would compute differently from transformers.
TEST(HfCheckpoint, FieldValuesTheDecoderDoesNotImplement_AreRefusedByName) {
  struct Case {
    bool llama;
    std::string field;
    json value;
    std::string words;
  };
  const std::vector<Case> cases = {
      {true, "rope_scaling", {{"rope_type", "llama3"}, {"factor", 8.0}}, "rope_scaling"},
      {true, "rope_parameters", {{"rope_type", "yarn"}, {"rope_theta", 1e4}}, "\"yarn\""},
      {true, "rope_parameters", {{"rope_type", "default"}, {"factor", 2.0}}, "factor"},
      {true, "attention_bias", true, "attention_bias"},
      {true, "mlp_bias", true, "mlp_bias"},
      {true, "hidden_act", "gelu", "\"gelu\""},
      {true, "head_dim", 32, "head_dim"},
      {true, "sliding_window", 4096, "sliding_window"},
      {true, "layer_types", {"full_attention", "sliding_attention"}, "layer_types"},
      {true, "quantization_config", {{"quant_method", "gptq"}}, "quantization_config"},
      {false, "activation_function", "relu", "\"relu\""},
      {false, "scale_attn_by_inverse_layer_idx", true, "scale_attn_by_inverse_layer_idx"},
      {false, "add_cross_attention", true, "add_cross_attention"},
  };
  ScratchDir root;
  int n = 0;
  for (const Case& c : cases) {
    json config = c.llama ? llama_tiny_config() : gpt2_tiny_config();
    config[c.field] = c.value;
    const fs::path directory = write_checkpoint(root.path(), "case" + std::to_string(n++), config,
                                                c.llama ? "llama-tiny" : "gpt2-tiny");
    SCOPED_TRACE(c.field);
    expect_input_error([&] { read_hf_checkpoint(directory); },
                       {(directory / "config.json").string(), "field '" + c.field + "'", c.words});
  }
}

TEST(HfCheckpoint, MissingConfigField_IsNamed) {
  ScratchDir root;
  json llama = llama_tiny_config();
  llama.erase("hidden_size");
  const fs::path no_width = write_checkpoint(root.path(), "no-width", llama, "llama-tiny");
  expect_input_error([&] { read_hf_checkpoint(no_width); },
                     {"config.json", "missing field 'hidden_size'"});
  json gpt2 = gpt2_tiny_config();
  gpt2.erase("n_positions");
  const fs::path no_positions = write_checkpoint(root.path(), "no-positions", gpt2, "gpt2-tiny");
  expect_input_error([&] { read_hf_checkpoint(no_positions); },
                     {"config.json", "missing field 'n_positions'"});
  json no_type = llama_tiny_config();
  no_type.erase("model_type");
  const fs::path untyped = write_checkpoint(root.path(), "untyped", no_type, "llama-tiny");
  expect_input_error([&] { read_hf_checkpoint(untyped); }, {"missing field 'model_type'"});
  const fs::path malformed = root.path() / "malformed";
  fs::create_directories(malformed);
  std::ofstream(malformed / "config.json") << "{\"model_type\": ";
  expect_input_error([&] { read_hf_checkpoint(malformed); }, {"config.json", "malformed JSON"});
}

TEST(HfCheckpoint, MissingWeightFiles_AreNamed) {
  ScratchDir root;
  const fs::path bare = write_checkpoint(root.path(), "bare", llama_tiny_config(), "");
  expect_input_error([&] { read_hf_checkpoint(bare); },
                     {bare.string(), "no model.safetensors or model.safetensors.index.json"});
  std::ofstream(bare / "model.safetensors.index.json")
      << json{{"weight_map", {{"model.norm.weight", "model-00002-of-00002.safetensors"}}}}.dump();
  expect_input_error(
      [&] { read_hf_checkpoint(bare); },
      {"model.safetensors.index.json", "model-00002-of-00002.safetensors", "missing"});
  std::ofstream(bare / "model.safetensors.index.json")
      << json{{"weight_map", {{"model.norm.weight", "../elsewhere.safetensors"}}}}.dump();
  expect_input_error([&] { read_hf_checkpoint(bare); },
                     {"weight_map", "expected a file name in the directory"});
}

TEST(HfCheckpoint, TensorOfTheWrongShape_IsNamedWithBothShapes) {
  ScratchDir root;
  json config = llama_tiny_config();
  config["intermediate_size"] = 96;  // the weights are llama-tiny's, 128 wide
  const fs::path directory = write_checkpoint(root.path(), "narrow", config, "llama-tiny");
  const HfCheckpoint checkpoint = read_hf_checkpoint(directory);
  DecoderLM model(checkpoint.config);
  expect_input_error(
      [&] { load_hf_checkpoint_weights(model, checkpoint); },
      {(directory / "model.safetensors").string(), "_proj.weight", "has shape [", "needs ["});
}

}  // namespace
}  // namespace nnbench::engine
