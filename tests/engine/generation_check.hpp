// Greedy generation in a given mode, and the rule by which two modes agree: the same tokens, or,
// in reduced precision, a first divergence only where the reference's logits of the two tokens
// tie within a tolerance (from there the sequences may differ).
#pragma once

#include <torch/torch.h>

#include <string>
#include <vector>

#include <fmt/format.h>

#include "nnbench/engine/generation/greedy_decoder.hpp"

namespace nnbench::engine::testing {

struct Generated {
  torch::Tensor tokens;               // batch x steps, on the CPU
  std::vector<torch::Tensor> logits;  // per step: batch x vocab, fp32 on the CPU
};

inline Generated generate(DecoderLM model, DecodeMode mode, bool capture,
                          const torch::Tensor& prompt, std::int64_t steps,
                          const torch::TensorOptions& options) {
  GreedyDecoder decoder(model, prompt.size(0), prompt.size(1) + steps, options, mode, capture);
  Generated out;
  std::vector<torch::Tensor> tokens{decoder.prefill(prompt.to(options.device())).cpu().clone()};
  out.logits.push_back(decoder.last_logits().to(torch::kCPU, torch::kFloat32));
  for (std::int64_t i = 1; i < steps; ++i) {
    tokens.push_back(decoder.step().cpu().clone());
    out.logits.push_back(decoder.last_logits().to(torch::kCPU, torch::kFloat32));
  }
  out.tokens = torch::stack(tokens, 1);
  return out;
}

// "" when `other` agrees with `reference`; otherwise what differs where.
inline std::string disagreement(const Generated& reference, const Generated& other,
                                double tie_tolerance) {
  const auto ref = reference.tokens.accessor<std::int64_t, 2>();
  const auto oth = other.tokens.accessor<std::int64_t, 2>();
  for (std::int64_t b = 0; b < reference.tokens.size(0); ++b) {
    for (std::int64_t i = 0; i < reference.tokens.size(1); ++i) {
      if (ref[b][i] == oth[b][i]) continue;
      const torch::Tensor row = reference.logits[static_cast<std::size_t>(i)][b];
      const double gap = row[ref[b][i]].item<double>() - row[oth[b][i]].item<double>();
      if (gap > tie_tolerance) {
        return fmt::format("sequence {} step {}: token {} against {}, logits {:.5f} apart (> {})",
                           b, i, ref[b][i], oth[b][i], gap, tie_tolerance);
      }
      break;  // a tie: the rest of this sequence may differ
    }
  }
  return "";
}

}  // namespace nnbench::engine::testing
