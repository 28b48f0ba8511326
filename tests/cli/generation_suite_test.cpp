// End to end: the generation suite on tiny decoders on the CPU, and a prompt that does not fit.
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace nnbench
