// Generation on a GPU: the custom kernels against the LibTorch compositions they replace, and
// the three decode modes (eager, CUDA graph, kernels + graph) choosing the same tokens: exactly
// in fp32, up to a tie in fp16 and bf16. Prints the modes' decode step times for gpt2.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <chrono>
#include <iostream>
#include <utility>
#include <vector>

#include "generation_check.hpp"
#include "nnbench/engine/generation/decoder_ops.hpp"
#include "nnbench/engine/generation/greedy_decoder.hpp"

namespace nnbench::engine {
namespace {

using testing::disagreement;
using testing::generate;
using testing::Generated;

const torch::Device kGpu(torch::kCUDA, 0);

class CustomKernels : public ::testing::TestWithParam<torch::ScalarType> {
 protected:
  torch::TensorOptions options() const {
    return torch::TensorOptions().device(kGpu).dtype(GetParam());
  }
  // fp32: a few ulps (the sums run in another order); fp16/bf16: one rounding step apart at most.
  void expect_close(const torch::Tensor& fused, const torch::Tensor& reference) const {
    ASSERT_EQ(fused.sizes(), reference.sizes());
    const double tolerance = GetParam() == torch::kFloat32 ? 1e-5 : 1e-2;
    const double worst =
        (fused.to(torch::kFloat32) - reference.to(torch::kFloat32)).abs().max().item<double>();
    EXPECT_LE(worst, tolerance) << "largest difference";
  }
};

TEST_P(CustomKernels, RmsNormMatchesTheComposition) {
  torch::manual_seed(1);
  const torch::Tensor x = torch::randn({3, 5, 4096}, options());
  const torch::Tensor w = torch::rand({4096}, options()) + 0.5;
  expect_close(rms_norm(x, w, 1e-5, true), rms_norm(x, w, 1e-5, false));
}

TEST_P(CustomKernels, RotaryMatchesTheComposition_OnAStridedView) {
  torch::manual_seed(2);
  // q as a slice of a fused QKV product: rows strided, the last dimension contiguous.
  const torch::Tensor qkv = torch::randn({2, 7, 3 * 8 * 64}, options());
  const torch::Tensor q = qkv.narrow(-1, 0, 8 * 64).view({2, 7, 8, 64});
  const torch::Tensor cos = torch::rand({7, 64}, options()), sin = torch::rand({7, 64}, options());
  expect_close(apply_rotary(q, cos, sin, true), apply_rotary(q, cos, sin, false));
}

TEST_P(CustomKernels, SiluAndMulMatchesTheComposition) {
  torch::manual_seed(3);
  const torch::Tensor gate_up = torch::randn({4, 3, 2 * 1000}, options());
  expect_close(silu_and_mul(gate_up, true), silu_and_mul(gate_up, false));
}

// One row (the skinny GEMV), four rows of a short k (still the GEMV) and 16 rows (cuBLAS), with
// bias and residual in the epilogue.
TEST_P(CustomKernels, ProjectionMatchesLinearPlusResidual) {
  torch::manual_seed(4);
  for (const std::int64_t rows : {1, 4, 16}) {
    const torch::Tensor x = torch::randn({rows, 1, 1024}, options());
    const torch::Tensor w = torch::randn({384, 1024}, options()) * 0.01;
    const torch::Tensor bias = torch::randn({384}, options()) * 0.1;
    const torch::Tensor residual = torch::randn({rows, 1, 384}, options());
    expect_close(projection(x, w, bias, residual, true), projection(x, w, bias, residual, false));
    expect_close(projection(x, w, {}, {}, true), projection(x, w, {}, {}, false));
  }
}

// The skinny GEMV is a dependent launch: its blocks start during the previous kernel and must wait
// for it before reading x or the residual. A chain of 64 projections, each reading what the one
// before wrote, agrees with the chain through at::linear (a block that read too early would see
// the previous x, a difference far above the tolerance).
TEST(DependentLaunches, ChainOfProjections_EachReadsThePreviousOutput) {
  torch::manual_seed(7);
  const auto options = torch::TensorOptions().device(kGpu).dtype(torch::kFloat32);
  std::vector<torch::Tensor> weights;
  for (int i = 0; i < 64; ++i) weights.push_back(torch::randn({1024, 1024}, options) * 0.002);
  const torch::Tensor start = torch::randn({1, 1, 1024}, options);
  torch::Tensor fused = start, reference = start;
  for (const torch::Tensor& w : weights) {
    fused = projection(fused, w, {}, fused, true);
    reference = projection(reference, w, {}, reference, false);
  }
  const double worst = (fused - reference).abs().max().item<double>();
  EXPECT_LE(worst, 1e-4 * reference.abs().max().item<double>()) << "largest difference";
  EXPECT_GT((reference - start).abs().max().item<double>(), 0.1) << "the chain changes x";
}

// The norm in the GEMV's prologue and SwiGLU in its epilogue: the same bits as the norm, product
// and SwiGLU kernels launched one by one, at one row of llama's width, four rows of a short k
// (both the GEMV) and 16 rows (cuBLAS and the kernels one by one); close to the compositions.
TEST_P(CustomKernels, NormedProjectionIsTheKernelsOneByOne_BitForBit) {
  torch::manual_seed(6);
  for (const auto& [rows, k] :
       {std::pair<std::int64_t, std::int64_t>{1, 4096}, {4, 1024}, {16, 1024}}) {
    const torch::Tensor x = torch::randn({rows, 1, k}, options());
    const torch::Tensor g = torch::rand({k}, options()) + 0.5;
    const torch::Tensor w = torch::randn({2 * 352, k}, options()) * 0.02;
    for (const bool swiglu : {false, true}) {
      SCOPED_TRACE(::testing::Message() << rows << " rows, k " << k << (swiglu ? ", SwiGLU" : ""));
      const torch::Tensor fused = normed_projection(x, g, 1e-5, w, swiglu, true);
      const torch::Tensor product = projection(rms_norm(x, g, 1e-5, true), w, {}, {}, true);
      const torch::Tensor one_by_one = swiglu ? silu_and_mul(product, true) : product;
      EXPECT_TRUE(torch::equal(fused, one_by_one))
          << "largest difference "
          << (fused.to(torch::kFloat32) - one_by_one.to(torch::kFloat32))
                 .abs()
                 .max()
                 .item<double>();
      expect_close(fused, normed_projection(x, g, 1e-5, w, swiglu, false));
    }
  }
}

// Shapes of a grouped-query decode step: 2 sequences, 4 query heads over 2 key/value heads.
struct DecodeShapes {
  std::int64_t batch = 2, heads = 4, kv_heads = 2, dim = 64, capacity = 12;
};

TEST_P(CustomKernels, QkvToCacheMatchesTheComposition) {
  torch::manual_seed(5);
  const DecodeShapes s;
  const torch::Tensor qkv =
      torch::randn({s.batch, 1, (s.heads + 2 * s.kv_heads) * s.dim}, options());
  const torch::Tensor cos = torch::rand({32, s.dim}, options()),
                      sin = torch::rand({32, s.dim}, options());
  const torch::Tensor position = torch::full({1}, 7, options().dtype(torch::kLong));
  const torch::Tensor start = torch::randn({s.batch, s.kv_heads, s.capacity, s.dim}, options());
  for (const bool rotate : {true, false}) {  // Llama, then GPT-2
    torch::Tensor keys = start.clone(), values = start.clone();
    torch::Tensor ref_keys = start.clone(), ref_values = start.clone();
    const torch::Tensor c = rotate ? cos : torch::Tensor(), sn = rotate ? sin : torch::Tensor();
    const torch::Tensor q = qkv_to_cache(qkv, position, c, sn, keys, values, s.heads, true);
    const torch::Tensor ref_q =
        qkv_to_cache(qkv, position, c, sn, ref_keys, ref_values, s.heads, false);
    expect_close(q, ref_q);
    expect_close(keys, ref_keys);  // position 7 written, every other position untouched
    expect_close(values, ref_values);
  }
}

// The QKV product with the norm in its prologue and the rotation and cache write in its epilogue:
// the same bits as the kernels one by one (Llama: norm and rotation; GPT-2: bias, no rotation).
TEST_P(CustomKernels, QkvProjectionToCacheIsTheKernelsOneByOne_BitForBit) {
  torch::manual_seed(7);
  const DecodeShapes s;
  const std::int64_t k = 1024, width = (s.heads + 2 * s.kv_heads) * s.dim;
  const torch::Tensor x = torch::randn({s.batch, 1, k}, options());
  const torch::Tensor g = torch::rand({k}, options()) + 0.5;
  const torch::Tensor w = torch::randn({width, k}, options()) * 0.02;
  const torch::Tensor bias = torch::randn({width}, options()) * 0.1;
  const torch::Tensor cos = torch::rand({32, s.dim}, options()),
                      sin = torch::rand({32, s.dim}, options());
  const torch::Tensor position = torch::full({1}, 7, options().dtype(torch::kLong));
  const torch::Tensor start = torch::randn({s.batch, s.kv_heads, s.capacity, s.dim}, options());
  for (const bool llama : {true, false}) {
    SCOPED_TRACE(llama ? "Llama" : "GPT-2");
    torch::Tensor keys = start.clone(), values = start.clone();
    torch::Tensor ref_keys = start.clone(), ref_values = start.clone();
    const torch::Tensor norm = llama ? g : torch::Tensor(), b = llama ? torch::Tensor() : bias;
    const torch::Tensor c = llama ? cos : torch::Tensor(), sn = llama ? sin : torch::Tensor();
    const torch::Tensor q = qkv_projection_to_cache(x, norm, 1e-5, w, b,
                                                    {position, c, sn, keys, values, s.heads}, true);
    const torch::Tensor in = llama ? rms_norm(x, g, 1e-5, true) : x;
    const torch::Tensor ref_q = qkv_to_cache(projection(in, w, b, {}, true), position, c, sn,
                                             ref_keys, ref_values, s.heads, true);
    EXPECT_TRUE(torch::equal(q, ref_q));
    EXPECT_TRUE(torch::equal(keys, ref_keys));  // position 7 written, the others untouched
    EXPECT_TRUE(torch::equal(values, ref_values));
    torch::Tensor composed_keys = start.clone(), composed_values = start.clone();
    expect_close(q, qkv_projection_to_cache(
                        x, norm, 1e-5, w, b,
                        {position, c, sn, composed_keys, composed_values, s.heads}, false));
    expect_close(keys, composed_keys);
  }
}

// The kernel reads positions 0..position only: the later ones hold NaN in its cache, zeros in the
// reference's (which masks them).
TEST_P(CustomKernels, DecodeAttentionReadsOnlyTheFilledPositions) {
  torch::manual_seed(6);
  const DecodeShapes s;
  const std::int64_t filled = 9;
  const torch::Tensor q = torch::randn({s.batch, s.heads, s.dim}, options());
  torch::Tensor keys = torch::zeros({s.batch, s.kv_heads, s.capacity, s.dim}, options());
  torch::Tensor values = torch::zeros_like(keys);
  keys.narrow(2, 0, filled).normal_();
  values.narrow(2, 0, filled).normal_();
  const torch::Tensor position = torch::full({1}, filled - 1, options().dtype(torch::kLong));
  const torch::Tensor reference = decode_attention(q, keys, values, position, false);
  keys.narrow(2, filled, s.capacity - filled).fill_(NAN);
  values.narrow(2, filled, s.capacity - filled).fill_(NAN);
  const torch::Tensor fused = decode_attention(q, keys, values, position, true);
  EXPECT_FALSE(fused.isnan().any().item<bool>());
  expect_close(fused, reference);
}

INSTANTIATE_TEST_SUITE_P(Dtypes, CustomKernels,
                         ::testing::Values(torch::kFloat32, torch::kFloat16, torch::kBFloat16));

struct ModeCase {
  const char* model;
  torch::ScalarType dtype;
  double tie_tolerance;  // 0: the tokens must be equal
};

class DecodeModesOnGpu : public ::testing::TestWithParam<ModeCase> {};

TEST_P(DecodeModesOnGpu, GraphAndKernelModesChooseEagerTokens) {
  const ModeCase c = GetParam();
  torch::manual_seed(7);
  DecoderLM model(decoder_preset(c.model));
  model->eval();
  model->to(kGpu, c.dtype);
  const auto options = torch::TensorOptions().device(kGpu).dtype(c.dtype);
  const torch::Tensor prompt = torch::randint(model->config().vocab_size, {4, 16});
  const Generated eager = generate(model, DecodeMode::kEager, true, prompt, 48, options);
  const Generated graph = generate(model, DecodeMode::kGraph, true, prompt, 48, options);
  const Generated kernel = generate(model, DecodeMode::kKernel, true, prompt, 48, options);
  if (c.tie_tolerance == 0) {
    EXPECT_TRUE(torch::equal(eager.tokens, graph.tokens));
    EXPECT_TRUE(torch::equal(eager.tokens, kernel.tokens));
  } else {
    EXPECT_EQ(disagreement(eager, graph, c.tie_tolerance), "");
    EXPECT_EQ(disagreement(eager, kernel, c.tie_tolerance), "");
  }
}

INSTANTIATE_TEST_SUITE_P(TinyAndGpt2, DecodeModesOnGpu,
                         ::testing::Values(ModeCase{"gpt2-tiny", torch::kFloat32, 0},
                                           ModeCase{"llama-tiny", torch::kFloat32, 0},
                                           ModeCase{"gpt2", torch::kFloat32, 0},
                                           ModeCase{"gpt2-tiny", torch::kFloat16, 0.02},
                                           ModeCase{"llama-tiny", torch::kFloat16, 0.02},
                                           ModeCase{"gpt2-tiny", torch::kBFloat16, 0.05},
                                           ModeCase{"llama-tiny", torch::kBFloat16, 0.05},
                                           ModeCase{"gpt2", torch::kBFloat16, 0.05}));

// The figure behind "graph well ahead of eager on gpt2": one decode step, batch 1, fp16.
TEST(DecodeModesOnGpu, PrintsGpt2StepTimes) {
  torch::manual_seed(8);
  DecoderLM model(decoder_preset("gpt2"));
  model->eval();
  model->to(kGpu, torch::kFloat16);
  const auto options = torch::TensorOptions().device(kGpu).dtype(torch::kFloat16);
  const torch::Tensor prompt = torch::randint(50257, {1, 128}).to(kGpu);
  for (const DecodeMode mode : {DecodeMode::kEager, DecodeMode::kGraph, DecodeMode::kKernel}) {
    GreedyDecoder decoder(model, 1, 256, options, mode);
    torch::InferenceMode inference;
    decoder.prefill(prompt);
    for (int i = 0; i < 8; ++i) decoder.step();
    torch::cuda::synchronize();
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < 100; ++i) decoder.step();
    torch::cuda::synchronize();
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    std::cout << "decode step gpt2 fp16 batch 1 " << decode_mode_name(mode) << ": " << ms / 100
              << " ms\n";
    EXPECT_GT(ms, 0);
  }
}

}  // namespace
}  // namespace nnbench::engine
