// End to end: the generation suite on tiny decoders on the CPU, and a prompt that does not fit;
// a Hugging Face checkpoint directory (written by transformers, tests/engine/hf_reference.py) as
// the model, and directories it refuses.
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "../python_run.hpp"
#include "cli_runner.hpp"

namespace nnbench {
namespace {

namespace fs = std::filesystem;
using testing::only_run_dir;
using testing::read_text;
using testing::run_nnbench;
using testing::TempDir;

TEST(GenerationSuite, ReportsFirstTokenAndPerTokenTimes_ForBothFamilies) {
  TempDir tmp;
  const auto r = run_nnbench(
      "run --suite generation --device cpu --threads 1 --models gpt2-tiny,llama-tiny "
      "--axis batch_size=2 --option prompt_length=8 --option generate=5 --warmup 1 "
      "--iterations 3 --quiet --output-dir '" +
          (tmp.path() / "out").string() + "'",
      tmp.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const fs::path dir = only_run_dir(tmp.path() / "out");
  ASSERT_FALSE(dir.empty());
  const std::string json = read_text(dir / "generation.json");
  for (const char* metric : {"\"ttft_ms\"", "\"tpot_ms\"", "\"itl_ms\"", "\"decode_tokens_per_s\"",
                             "\"prefill_tokens_per_s\"", "\"kv_cache_bytes\"",
                             "\"latency_per_token_ms\"", "\"unit\": \"tokens/s\"", "2x8+5"}) {
    EXPECT_NE(json.find(metric), std::string::npos) << metric;
  }
  // Three reported generations of 4 decode steps each: 12 inter-token gaps, 3 first tokens.
  EXPECT_NE(json.find("\"count\": 12"), std::string::npos);
  const std::string csv = read_text(dir / "results.csv");
  EXPECT_NE(csv.find("model=gpt2-tiny/dtype=fp32/batch_size=2/mode=eager,gpt2-tiny"),
            std::string::npos)
      << csv;
  EXPECT_NE(csv.find("model=llama-tiny/dtype=fp32/batch_size=2/mode=eager,llama-tiny"),
            std::string::npos);
  const auto v = testing::validate_result_schema(dir / "generation.json", tmp.path());
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
}

TEST(GenerationSuite, PromptLongerThanTheContext_StopsTheRunNamingTheLengths) {
  TempDir tmp;
  const auto r = run_nnbench(
      "run --suite generation --device cpu --models gpt2-tiny --axis batch_size=1 "
      "--option prompt_length=120 --option generate=16 --quiet --output-dir '" +
          (tmp.path() / "out").string() + "'",
      tmp.path());
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("prompt_length 120 + generate 16 exceeds its context of 128 tokens"),
            std::string::npos)
      << r.err;
}

TEST(GenerationSuite, HuggingFaceCheckpointDirectory_RunsAndRecordsItsSourceAndHash) {
  NNBENCH_REQUIRE_PYTHON_MODULES("torch, transformers, safetensors");
  TempDir tmp;
  const auto made = python_run::run_command(
      std::string(NNBENCH_PYTHON_EXE) + " '" + NNBENCH_SOURCE_DIR +
      "/tests/engine/hf_reference.py' '" + tmp.path().string() + "' --generate 1");
  ASSERT_EQ(made.exit_code, 0) << made.output;
  const fs::path llama = tmp.path() / "llama";
  const auto r =
      run_nnbench("run --suite generation --device cpu --threads 1 --models '" + llama.string() +
                      "' --axis mode=eager --axis batch_size=1 --option "
                      "prompt_length=4 --option generate=4 --iterations 2 --warmup 1 "
                      "--quiet --no-history --output-dir '" +
                      (tmp.path() / "out").string() + "'",
                  tmp.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const fs::path dir = only_run_dir(tmp.path() / "out");
  ASSERT_FALSE(dir.empty());
  const std::string json = read_text(dir / "generation.json");
  for (const std::string& label : std::vector<std::string>{
           "\"model\": \"llama\"", "\"model_kind\": \"Hugging Face checkpoint directory\"",
           "\"model_source\": \"" + llama.string() + "\"", "\"model_hash\": \"", "1x4+4",
           "\"tpot_ms\""}) {
    EXPECT_NE(json.find(label), std::string::npos) << label << "\n" << json;
  }
  const auto v = testing::validate_result_schema(dir / "generation.json", tmp.path());
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
}

// A directory with config.json and (empty) weights: enough to be planned, never loaded.
fs::path write_checkpoint(const fs::path& root, const std::string& model_type) {
  const fs::path directory = root / ("ckpt-" + model_type);
  fs::create_directories(directory);
  std::ofstream(directory / "config.json")
      << R"({"model_type": ")" << model_type
      << R"(", "hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4,
  "num_key_value_heads": 2, "intermediate_size": 128, "max_position_embeddings": 128,
  "vocab_size": 256})";
  std::ofstream(directory / "model.safetensors") << "";
  return directory;
}

TEST(GenerationSuite, CheckpointTheDecoderDoesNotImplement_StopsTheRunWithOneMessage) {
  TempDir tmp;
  const fs::path mistral = write_checkpoint(tmp.path(), "mistral");
  const auto r = run_nnbench("run --suite generation --device cpu --models '" + mistral.string() +
                                 "' --axis batch_size=1 --quiet --no-history --output-dir '" +
                                 (tmp.path() / "out").string() + "'",
                             tmp.path());
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find((mistral / "config.json").string() + ": field 'model_type' is \"mistral\""),
            std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << "one line: " << r.err;
  EXPECT_TRUE(only_run_dir(tmp.path() / "out").empty());
}

TEST(GenerationSuite, CheckpointWithAWeightsOption_IsTwoSourcesOfWeights) {
  TempDir tmp;
  const fs::path llama = write_checkpoint(tmp.path(), "llama");
  const auto r =
      run_nnbench("run --suite generation --device cpu --models '" + llama.string() +
                      "' --axis batch_size=1 --axis mode=eager --option weights='" +
                      (llama / "model.safetensors").string() +
                      "' --quiet --no-history --output-dir '" + (tmp.path() / "out").string() + "'",
                  tmp.path());
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("a checkpoint directory brings its own weights"), std::string::npos)
      << r.err;
  EXPECT_TRUE(only_run_dir(tmp.path() / "out").empty());
}

}  // namespace
}  // namespace nnbench
