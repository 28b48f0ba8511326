// Bytes per decode step (see decode_traffic.hpp).
#include "nnbench/engine/generation/decode_traffic.hpp"

namespace nnbench::engine {

double DecodeTraffic::bound_tokens_per_second(std::int64_t batch, double bytes_per_second) const {
  return total() > 0 ? static_cast<double>(batch) * bytes_per_second / total() : 0.0;
}

DecodeTraffic decode_traffic(const DecoderConfig& config, std::int64_t element_bytes,
                             std::int64_t batch, std::int64_t prompt_length,
                             std::int64_t generate) {
  const auto& c = config;
  std::int64_t weights = c.parameter_count();
  if (!c.tied_embeddings) weights -= c.vocab_size * c.hidden;  // the input table: one row a token
  if (c.family == DecoderFamily::kGpt2) weights -= c.context_length * c.hidden;  // positions
  // Step k (1 .. generate-1) feeds the token at position prompt+k-1 and attends over prompt+k
  // positions: prompt + generate/2 on average.
  const double positions = static_cast<double>(prompt_length) + static_cast<double>(generate) / 2.0;
  const double per_position =
      2.0 * static_cast<double>(c.layers * batch * c.kv_heads * c.head_dim() * element_bytes);
  return {static_cast<double>(weights * element_bytes), per_position * positions};
}

}  // namespace nnbench::engine
