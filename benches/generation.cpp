// generation: greedy decoding with a static KV cache (seed 004): time to first token, time per
// output token, inter-token latency, end-to-end latency and tokens/s of GPT-2 and Llama-style
// decoders with random weights. One iteration is one whole generation: the prefill of a prompt
// of prompt_length tokens and generate-1 decode steps. `nnbench run --suite generation`.
// Metric definitions: docs/result-format.md.
#include <torch/torch.h>

#include <chrono>
#include <memory>
#include <optional>

#include <fmt/format.h>

#include "nnbench/core/benchmark.hpp"
#include "nnbench/core/error.hpp"
#include "nnbench/core/statistics.hpp"
#include "nnbench/engine/decoder.hpp"
#include "nnbench/engine/device_instruments.hpp"
#include "nnbench/engine/greedy_decoder.hpp"
#include "nnbench/engine/torch_runtime.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

class Generation final : public nnbench::Benchmark {
 public:
  std::string description() const override {
    return "Greedy generation with a KV cache: time to first token, time per output token, "
           "tokens/s";
  }

  std::vector<nnbench::Axis> axes() const override {
    return {nnbench::string_axis("model", {"gpt2"}, "decoder preset",
                                 nnbench::engine::decoder_preset_names()),
            nnbench::string_axis("dtype", {"fp32"}, "element type of weights and cache",
                                 {"fp32", "fp16", "bf16"}),
            nnbench::int_axis("batch_size", {1, 4, 16}, "sequences decoded together"),
            nnbench::string_axis("mode", {"eager"}, "one LibTorch call per operator", {"eager"})};
  }

  void setup(nnbench::State& state) override {
    namespace engine = nnbench::engine;
    device_ = engine::resolve_device(state.device());
    const torch::ScalarType dtype = engine::parse_dtype(state.get_string("dtype"));
    if (dtype == torch::kFloat16 && device_.is_cpu()) {
      state.skip("fp16 matrix products are not supported on the CPU; use bf16 or a GPU");
    }
    batch_ = state.get_int("batch_size");
    prompt_length_ = state.count_option("prompt_length", state.quick() ? 32 : 128);
    generate_ = state.count_option("generate", state.quick() ? 16 : 128);
    if (batch_ < 1 || prompt_length_ < 1 || generate_ < 1) {
      throw nnbench::InputError("batch_size, prompt_length and generate must be >= 1");
    }
    const engine::DecoderConfig config = engine::decoder_preset(state.get_string("model"));
    if (prompt_length_ + generate_ > config.context_length) {
      throw nnbench::InputError(
          fmt::format("{}: prompt_length {} + generate {} exceeds its context of {} tokens",
                      config.name, prompt_length_, generate_, config.context_length));
    }
    instruments_ = engine::attach_device_instruments(state, state.device());
    torch::manual_seed(state.seed());
    engine::DecoderLM model(config);
    model->to(device_, dtype);
    model->eval();
    decoder_.emplace(model, batch_, prompt_length_ + generate_,
                     torch::TensorOptions().device(device_).dtype(dtype));
    prompt_ = torch::randint(config.vocab_size, {batch_, prompt_length_},
                             torch::TensorOptions().dtype(torch::kInt64))
                  .to(device_);
    ttft_ms_.clear();
    tpot_ms_.clear();
    itl_ms_.clear();
    generations_ = 0;

    state.set_items_per_iteration(static_cast<double>(batch_ * generate_), "tokens");
    state.set_label("model", config.name);
    state.set_label("framework", "libtorch");
    state.set_label("mode", "eager");
    state.set_label("input_shape", fmt::format("{}x{}+{}", batch_, prompt_length_, generate_));
    state.add_metric("parameter_count", static_cast<double>(config.parameter_count()),
                     "parameters");
    state.add_metric("kv_cache_bytes", static_cast<double>(decoder_->cache().bytes()), "bytes");
  }

  void adjust_measurement(const nnbench::State&,
                          nnbench::MeasurementConfig& config) const override {
    config.iterations_per_sample = 1;  // one generation per sample; per-token times need it
    warmup_ = config.warmup_iterations;
  }

  // The device is synchronised after the prefill and after every decode step: a token counts as
  // produced when the host could read it, which is what time to first token and inter-token
  // latency mean to a caller.
  void run_once(nnbench::State&) override {
    torch::InferenceMode inference;
    const Clock::time_point start = Clock::now();
    decoder_->prefill(prompt_);
    nnbench::engine::synchronize(device_);
    const double ttft = ms_since(start);
    std::vector<double> gaps;
    gaps.reserve(static_cast<std::size_t>(generate_ - 1));
    Clock::time_point previous = Clock::now();
    for (std::int64_t i = 1; i < generate_; ++i) {
      decoder_->step();
      nnbench::engine::synchronize(device_);
      const Clock::time_point now = Clock::now();
      gaps.push_back(std::chrono::duration<double, std::milli>(now - previous).count());
      previous = now;
    }
    const double total = ms_since(start);
    instruments_.count_iteration();
    if (generations_++ < warmup_) return;  // warm-up generations are not reported
    ttft_ms_.push_back(ttft);
    if (generate_ > 1) tpot_ms_.push_back((total - ttft) / static_cast<double>(generate_ - 1));
    itl_ms_.insert(itl_ms_.end(), gaps.begin(), gaps.end());
  }

  void finish(nnbench::State& state) override {
    if (ttft_ms_.empty()) return;
    state.add_metric({"ttft_ms", "ms", median(ttft_ms_), ttft_ms_, false});
    state.add_metric({"prefill_tokens_per_s",
                      "tokens/s",
                      static_cast<double>(batch_ * prompt_length_) / (median(ttft_ms_) * 1e-3),
                      {},
                      true});
    if (!tpot_ms_.empty()) {
      state.add_metric({"tpot_ms", "ms", median(tpot_ms_), tpot_ms_, false});
      state.add_metric({"itl_ms", "ms", median(itl_ms_), itl_ms_, false});
      state.add_metric({"decode_tokens_per_s",
                        "tokens/s",
                        static_cast<double>(batch_) / (median(tpot_ms_) * 1e-3),
                        {},
                        true});
    }
  }

  void teardown(nnbench::State&) override {
    decoder_.reset();
    prompt_ = torch::Tensor();
    instruments_ = {};
  }

 private:
  static double median(std::vector<double> values) {
    return nnbench::compute_statistics(values).median;
  }

  torch::Device device_{torch::kCPU};
  std::optional<nnbench::engine::GreedyDecoder> decoder_;
  torch::Tensor prompt_;
  nnbench::engine::DeviceInstruments instruments_;
  std::int64_t batch_ = 1, prompt_length_ = 0, generate_ = 0;
  mutable int warmup_ = 0;
  int generations_ = 0;
  std::vector<double> ttft_ms_, tpot_ms_, itl_ms_;
};

}  // namespace

NNBENCH_REGISTER(Generation, "generation");
