// Decoder models and greedy generation on the CPU: the presets' parameter counts, shapes, the KV
// cache against recomputing the whole sequence, and the errors for what does not fit.
#include "nnbench/engine/generation/decoder.hpp"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <string>

#include "generation_check.hpp"
#include "nnbench/core/error.hpp"
#include "nnbench/engine/generation/decode_traffic.hpp"
#include "nnbench/engine/generation/greedy_decoder.hpp"

namespace nnbench::engine {
namespace {

std::int64_t counted(const DecoderLM& model) {
  std::int64_t total = 0;
  for (const torch::Tensor& p : model->parameters()) total += p.numel();
  return total;
}

TEST(DecoderPresets, HaveThePublishedParameterCounts) {
  EXPECT_EQ(decoder_preset("gpt2").parameter_count(), 124'439'808);
  EXPECT_EQ(decoder_preset("gpt2-medium").parameter_count(), 354'823'168);
  EXPECT_EQ(decoder_preset("llama2-7b").parameter_count(), 6'738'415'616);
  EXPECT_EQ(decoder_preset("llama-1b").parameter_count(), 1'235'814'400);
}

TEST(DecoderPresets, TheFormulaCountsWhatIsBuilt) {
  for (const std::string name : {"gpt2-tiny", "llama-tiny", "gpt2"}) {
    torch::manual_seed(0);
    const DecoderLM model(decoder_preset(name));
    EXPECT_EQ(counted(model), model->config().parameter_count()) << name;
  }
}

TEST(DecoderPresets, UnknownName_IsAnInputErrorWithTheNearestName) {
  try {
    decoder_preset("llama-2-7b");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("did you mean 'llama2-7b'"), std::string::npos)
        << e.what();
  }
}

class DecoderFamilies : public ::testing::TestWithParam<std::string> {};

TEST_P(DecoderFamilies, GivesLogitsPerTokenOverTheVocabulary) {
  torch::manual_seed(1);
  DecoderLM model(decoder_preset(GetParam()));
  model->eval();
  torch::NoGradGuard no_grad;
  const torch::Tensor logits = model->forward(torch::randint(256, {3, 7}), 0, nullptr);
  EXPECT_EQ(logits.sizes(), (std::vector<std::int64_t>{3, 7, 256}));
  EXPECT_TRUE(torch::isfinite(logits).all().item<bool>());
}

// Prefill of 5 tokens, then 3 more in one call, then 4 one by one: every position's logits equal
// those of one forward pass over the whole sequence without a cache.
TEST_P(DecoderFamilies, CachedDecodingEqualsRecomputingTheWholeSequence) {
  torch::manual_seed(2);
  DecoderLM model(decoder_preset(GetParam()));
  model->eval();
  torch::NoGradGuard no_grad;
  const torch::Tensor tokens = torch::randint(256, {2, 12});
  const torch::Tensor full = model->forward(tokens, 0, nullptr);
  KvCache cache = KvCache::allocate(model->config().layers, 2, model->config().kv_heads, 16,
                                    model->config().head_dim(), torch::kFloat32);
  std::vector<torch::Tensor> pieces{model->forward(tokens.narrow(1, 0, 5), 0, &cache),
                                    model->forward(tokens.narrow(1, 5, 3), 5, &cache)};
  for (std::int64_t t = 8; t < 12; ++t)
    pieces.push_back(model->forward(tokens.narrow(1, t, 1), t, &cache));
  const torch::Tensor cached = torch::cat(pieces, 1);
  EXPECT_TRUE(torch::allclose(cached, full, 1e-5, 1e-5))
      << "max difference " << (cached - full).abs().max().item<double>();
}

// Greedy generation through the cache picks the same tokens as recomputing everything per token.
TEST_P(DecoderFamilies, GreedyWithTheCacheMatchesGreedyByRecomputation) {
  torch::manual_seed(3);
  DecoderLM model(decoder_preset(GetParam()));
  model->eval();
  torch::NoGradGuard no_grad;
  const torch::Tensor prompt = torch::randint(256, {2, 6});
  GreedyDecoder decoder(model, 2, 16, torch::kFloat32);
  std::vector<torch::Tensor> generated{decoder.prefill(prompt)};
  for (int i = 0; i < 7; ++i) generated.push_back(decoder.step());
  EXPECT_EQ(decoder.position(), 13);

  torch::Tensor sequence = prompt;
  for (int i = 0; i < 8; ++i) {
    const torch::Tensor next = model->forward(sequence, 0, nullptr).select(1, -1).argmax(-1);
    EXPECT_TRUE(torch::equal(next, generated[i])) << "token " << i;
    sequence = torch::cat({sequence, next.unsqueeze(1)}, 1);
  }
}

INSTANTIATE_TEST_SUITE_P(TinyModels, DecoderFamilies, ::testing::Values("gpt2-tiny", "llama-tiny"),
                         [](const auto& info) {
                           std::string name = info.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

TEST(GreedyDecoder, PromptLongerThanTheContext_IsAnInputErrorNamingBothLengths) {
  DecoderLM model(decoder_preset("gpt2-tiny"));  // context 128
  torch::NoGradGuard no_grad;
  GreedyDecoder decoder(model, 1, 128, torch::kFloat32);
  try {
    decoder.prefill(torch::zeros({1, 128}, torch::kInt64));
    FAIL() << "no error";
  } catch (const InputError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("prompt of 128 tokens"), std::string::npos) << message;
    EXPECT_NE(message.find("context 128"), std::string::npos) << message;
  }
  EXPECT_THROW(GreedyDecoder(model, 1, 129, torch::kFloat32), InputError);
}

TEST(GreedyDecoder, StepPastTheCache_IsAnInputError) {
  DecoderLM model(decoder_preset("llama-tiny"));
  torch::NoGradGuard no_grad;
  GreedyDecoder decoder(model, 1, 4, torch::kFloat32);
  decoder.prefill(torch::zeros({1, 3}, torch::kInt64));
  decoder.step();  // the fourth position
  EXPECT_EQ(decoder.position(), 4);
  EXPECT_THROW(decoder.step(), InputError);
}

TEST(KvCache, HoldsLayersTimesKeysAndValues) {
  const KvCache cache = KvCache::allocate(3, 2, 4, 10, 8, torch::kFloat32);
  EXPECT_EQ(cache.keys.size(), 3U);
  EXPECT_EQ(cache.bytes(), 2 * 3 * (2 * 4 * 10 * 8) * 4);
  EXPECT_EQ(KvCache::bytes_for(3, 2, 4, 10, 8, 4), cache.bytes());  // before allocating
  EXPECT_EQ(KvCache::bytes_for(3, 2, 4, 10, 8, 2),
            KvCache::allocate(3, 2, 4, 10, 8, torch::kBFloat16).bytes());
}

namespace mode_equivalence {

using testing::disagreement;
using testing::generate;
using testing::Generated;

class DecodeModes : public ::testing::TestWithParam<std::string> {};

// The static decode step (graph mode's, uncaptured) and the fused kernels (kernel mode's, with
// LibTorch's compositions on the CPU) choose exactly the tokens eager mode chooses, in fp32.
TEST_P(DecodeModes, GraphAndKernelStepsGiveEagerTokens_Fp32) {
  torch::manual_seed(5);
  DecoderLM model(decoder_preset(GetParam()));
  model->eval();
  const torch::Tensor prompt = torch::randint(256, {3, 9});
  const auto options = torch::TensorOptions().dtype(torch::kFloat32);
  const Generated eager = generate(model, DecodeMode::kEager, false, prompt, 20, options);
  const Generated graph = generate(model, DecodeMode::kGraph, false, prompt, 20, options);
  const Generated kernel = generate(model, DecodeMode::kKernel, false, prompt, 20, options);
  EXPECT_TRUE(torch::equal(eager.tokens, graph.tokens)) << eager.tokens << graph.tokens;
  EXPECT_TRUE(torch::equal(eager.tokens, kernel.tokens)) << eager.tokens << kernel.tokens;
  for (std::size_t i = 0; i < eager.logits.size(); ++i) {
    EXPECT_TRUE(torch::allclose(eager.logits[i], kernel.logits[i], 1e-4, 1e-5)) << "step " << i;
  }
}

// In bf16 the fused path rounds differently; the first divergence must sit on a tie.
TEST_P(DecodeModes, KernelStepsAgreeWithEagerUpToTies_Bf16) {
  torch::manual_seed(6);
  DecoderLM model(decoder_preset(GetParam()));
  model->eval();
  model->to(torch::kBFloat16);
  const torch::Tensor prompt = torch::randint(256, {3, 9});
  const auto options = torch::TensorOptions().dtype(torch::kBFloat16);
  const Generated eager = generate(model, DecodeMode::kEager, false, prompt, 20, options);
  const Generated kernel = generate(model, DecodeMode::kKernel, false, prompt, 20, options);
  EXPECT_EQ(disagreement(eager, kernel, 0.02), "");
}

// The rule itself: a divergence on a clear winner fails, one on a tie passes.
TEST(DecodeModes, TheTieRuleRejectsADivergenceOnAClearWinner) {
  Generated reference{torch::tensor({{1, 2, 3}}, torch::kInt64), {}};
  for (int i = 0; i < 3; ++i) reference.logits.push_back(torch::zeros({1, 5}));
  reference.logits[1][0][2] = 1.0;  // token 2 clearly wins step 1
  Generated other{torch::tensor({{1, 4, 0}}, torch::kInt64), {}};
  EXPECT_NE(disagreement(reference, other, 0.02), "");
  reference.logits[1][0][4] = 0.995;  // now 2 and 4 tie within 0.02
  EXPECT_EQ(disagreement(reference, other, 0.02), "");
}

INSTANTIATE_TEST_SUITE_P(TinyModels, DecodeModes, ::testing::Values("gpt2-tiny", "llama-tiny"),
                         [](const auto& info) {
                           std::string name = info.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

TEST(DecodeModes, UnknownMode_IsAnInputErrorNamingTheModes) {
  try {
    parse_decode_mode("compiled");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("eager, graph, kernel"), std::string::npos);
  }
}

TEST(DecodeModes, GraphModeOnTheCpu_IsUnavailable) {
  DecoderLM model(decoder_preset("gpt2-tiny"));
  EXPECT_THROW(GreedyDecoder(model, 1, 8, torch::kFloat32, DecodeMode::kGraph), UnavailableError);
}

TEST(DecodeTraffic, Llama2At7BReadsItsWeightsOncePerStep) {
  const DecoderConfig c = decoder_preset("llama2-7b");
  const DecodeTraffic t = decode_traffic(c, 2, 1, 128, 128);
  EXPECT_DOUBLE_EQ(t.weight_bytes, (6'738'415'616.0 - 32000.0 * 4096.0) * 2.0);
  // 2 (K, V) x 32 layers x 32 heads x 128 dims x 2 bytes x (128 + 64) mean positions
  EXPECT_DOUBLE_EQ(t.kv_cache_bytes, 2.0 * 32 * 32 * 128 * 2 * 192);
  EXPECT_NEAR(t.bound_tokens_per_second(1, 4e12), 4e12 / t.total(), 1e-9);
}

}  // namespace mode_equivalence

}  // namespace
}  // namespace nnbench::engine
