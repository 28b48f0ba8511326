// generation: greedy decoding with a static KV cache (seed 004): time to first token, time per
// output token, inter-token latency, end-to-end latency and tokens/s of GPT-2 and Llama-style
// decoders: presets with random weights (or a safetensors file: --option weights=PATH), or a
// Hugging Face checkpoint directory with its own config and weights (hf_checkpoint.hpp). One
// iteration is one whole generation: the prefill of a prompt of prompt_length tokens and
// generate-1 decode steps, in mode eager, graph or kernel (greedy_decoder.hpp). Next to the
// measured decode rate, the memory-bandwidth bound: the bytes a step must read over the device's
// measured copy bandwidth. `nnbench run --suite generation`. Metric definitions:
// docs/result-format.md.
#include <torch/torch.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "nnbench/core/benchmark.hpp"
#include "nnbench/core/error.hpp"
#include "nnbench/core/statistics.hpp"
#include "nnbench/engine/generation/decode_traffic.hpp"
#include "nnbench/engine/generation/decoder.hpp"
#include "nnbench/engine/generation/decoder_weights.hpp"
#include "nnbench/engine/generation/greedy_decoder.hpp"
#include "nnbench/engine/generation/hf_checkpoint.hpp"
#include "nnbench/engine/instruments/copy_bandwidth.hpp"
#include "nnbench/engine/instruments/device_instruments.hpp"
#include "nnbench/engine/instruments/host_memory.hpp"
#include "nnbench/engine/runtime/device_memory_guard.hpp"
#include "nnbench/engine/runtime/torch_runtime.hpp"
#include "nnbench/suites/model_catalogue.hpp"

namespace {

using Clock = std::chrono::steady_clock;

class Generation final : public nnbench::Benchmark {
 public:
  std::string description() const override {
    return "Greedy generation with a KV cache: time to first token, time per output token, "
           "tokens/s";
  }

  std::vector<nnbench::Option> options() const override {
    using nnbench::int_option;
    using nnbench::with_quick_default;
    std::vector<nnbench::Option> options{
        with_quick_default(int_option("prompt_length", 128, "tokens of each prompt", 1, 1 << 20),
                           "32"),
        with_quick_default(int_option("generate", 128,
                                      "tokens generated per request (the first from the "
                                      "prefill)",
                                      1, 1 << 20),
                           "16"),
        nnbench::path_option("weights", "",
                             "a safetensors file of the preset's weights (default: random; a "
                             "checkpoint directory brings its own)")};
    for (nnbench::Option& shared : nnbench::engine::device_instrument_option_declarations())
      options.push_back(shared);
    for (nnbench::Option& shared : nnbench::load::load_scenario_options(/*generation=*/true))
      options.push_back(shared);
    return options;
  }

  std::vector<nnbench::Axis> axes() const override {
    return {model_axis(),
            nnbench::string_axis("dtype", {"fp32"}, "element type of weights and cache",
                                 {"fp32", "fp16", "bf16"}),
            nnbench::int_axis("batch_size", {1, 4, 16}, "sequences decoded together"),
            nnbench::string_axis("mode", {"eager", "graph", "kernel"},
                                 "eager: operators as written; graph: the decode step replayed "
                                 "from a CUDA graph; kernel: graph with fused attention, fused "
                                 "projections and custom kernels",
                                 {"eager", "graph", "kernel"}),
            nnbench::opt_in_axis(
                nnbench::string_axis("scenario", {"none"},
                                     "none: whole generations timed in a loop; a load scenario "
                                     "(docs/load-scenarios.md) with batch_size requests per batch",
                                     nnbench::load::load_scenario_axis_values()))};
  }

  // Presets and checkpoint directories. A directory's config.json is read when the run is
  // planned, so that a model the decoder does not implement stops the run before anything runs.
  static nnbench::Axis model_axis() {
    namespace suites = nnbench::suites;
    nnbench::Axis axis = suites::model_axis(
        {"gpt2"}, {suites::ModelKind::DecoderPreset, suites::ModelKind::CheckpointDirectory},
        fmt::format("a decoder preset ({}) or a Hugging Face checkpoint directory (GPT-2 or Llama: "
                    "config.json and safetensors weights)",
                    fmt::join(nnbench::engine::decoder_preset_names(), ", ")));
    axis.check = [kind_check = axis.check](const std::string& value) {
      kind_check(value);
      const suites::ModelSource source = suites::resolve_model(value);
      if (source.kind == suites::ModelKind::CheckpointDirectory) {
        nnbench::engine::read_hf_checkpoint(source.file);
      }
    };
    return axis;
  }

  // The variant's model: a preset (random weights, or --option weights=FILE) or a checkpoint
  // directory with its own weights. Sets the labels saying which model ran.
  nnbench::engine::DecoderLM build_model(
      nnbench::State& state, const nnbench::engine::DecoderConfig& config,
      const std::optional<nnbench::engine::HfCheckpoint>& checkpoint) {
    namespace engine = nnbench::engine;
    const std::string weights = state.options().find_string("weights").value_or("");
    torch::manual_seed(state.seed());
    engine::DecoderLM model(config);
    if (checkpoint) {
      engine::load_hf_checkpoint_weights(model, *checkpoint);
      // Absolute: a result read later, from elsewhere, still says which directory it was.
      state.set_label("model_source",
                      std::filesystem::absolute(checkpoint->directory).lexically_normal().string());
      state.set_label("model_hash", engine::hf_checkpoint_hash(*checkpoint));
      state.add_note(fmt::format(
          "weights from the checkpoint {} ({} file(s){})", checkpoint->directory.string(),
          checkpoint->weight_files.size(),
          checkpoint->saved_dtype.empty() ? "" : ", saved as " + checkpoint->saved_dtype));
    } else if (!weights.empty()) {
      engine::load_decoder_weights(model, weights);
      state.add_note("weights from " + weights);
    }
    return model;
  }

  void setup(nnbench::State& state) override {
    namespace engine = nnbench::engine;
    namespace suites = nnbench::suites;
    const suites::ModelSource source = suites::resolve_model(state.get_string("model"));
    std::optional<engine::HfCheckpoint> checkpoint;
    if (source.kind == suites::ModelKind::CheckpointDirectory) {
      if (!state.options().find_string("weights").value_or("").empty()) {
        throw nnbench::InputError(fmt::format(
            "model '{}': a checkpoint directory brings its own weights; --option weights={} "
            "would be a second source (drop one)",
            source.given, *state.options().find_string("weights")));
      }
      checkpoint = engine::read_hf_checkpoint(source.file);
    }
    device_ = engine::resolve_device(state.device());
    const std::string dtype_name = state.get_string("dtype");
    const torch::ScalarType dtype = engine::parse_dtype(dtype_name);
    const engine::DecodeMode mode = engine::parse_decode_mode(state.get_string("mode"));
    if (dtype == torch::kFloat16 && device_.is_cpu()) {
      state.skip("fp16 matrix products are not supported on the CPU; use bf16 or a GPU");
    }
    if (mode != engine::DecodeMode::kEager && !device_.is_cuda()) {
      state.skip(
          fmt::format("mode '{}' replays a CUDA graph and needs a CUDA device; on the CPU "
                      "use mode=eager",
                      engine::decode_mode_name(mode)));
    }
    batch_ = state.get_int("batch_size");
    prompt_length_ = state.options().get_int("prompt_length");
    generate_ = state.options().get_int("generate");
    const engine::DecoderConfig config =
        checkpoint ? checkpoint->config : engine::decoder_preset(source.name);
    if (prompt_length_ + generate_ > config.context_length) {
      throw nnbench::InputError(
          fmt::format("{}: prompt_length {} + generate {} exceeds its context of {} tokens",
                      config.name, prompt_length_, generate_, config.context_length));
    }
    // The model is built in fp32 on the host before it moves; on the CPU its cache stays there.
    const std::int64_t element = static_cast<std::int64_t>(c10::elementSize(dtype));
    const std::int64_t cache_bytes =
        engine::KvCache::bytes_for(config.layers, batch_, config.kv_heads,
                                   prompt_length_ + generate_, config.head_dim(), element);
    engine::check_host_memory(fmt::format("{} (batch {}, {} + {} tokens, building in fp32)",
                                          config.name, batch_, prompt_length_, generate_),
                              config.parameter_count() * 4 + (device_.is_cpu() ? cache_bytes : 0));
    instruments_ = engine::attach_device_instruments(state, state.device());
    engine::DecoderLM model = build_model(state, config, checkpoint);
    model->eval();
    nnbench::engine::guard_device_memory(
        [&] {
          model->to(device_, dtype);
          decoder_.emplace(model, batch_, prompt_length_ + generate_,
                           torch::TensorOptions().device(device_).dtype(dtype), mode);
          prompt_ = torch::randint(config.vocab_size, {batch_, prompt_length_},
                                   torch::TensorOptions().dtype(torch::kInt64))
                        .to(device_);
        },
        out_of_memory_in("loading", config, dtype_name));
    // Once per run and device: the benchmark object lives for the whole run.
    const auto [measured, fresh] = bandwidths_.try_emplace(device_.str());
    if (fresh) measured->second = engine::measure_copy_bandwidth(device_);
    bandwidth_ = measured->second;
    traffic_ = engine::decode_traffic(config, element, batch_, prompt_length_, generate_);
    config_ = config;
    dtype_name_ = dtype_name;
    ttft_ms_.clear();
    tpot_ms_.clear();
    itl_ms_.clear();
    generations_ = 0;

    state.set_items_per_iteration(static_cast<double>(batch_ * generate_), "tokens");
    state.set_label("model", config.name);
    state.set_label("model_kind", suites::model_kind_name(source.kind));
    state.set_label("framework", "libtorch");
    state.set_label("mode", engine::decode_mode_name(mode));
    state.set_label("input_shape", fmt::format("{}x{}+{}", batch_, prompt_length_, generate_));
    state.add_metric("parameter_count", static_cast<double>(config.parameter_count()),
                     "parameters");
    state.add_metric("kv_cache_bytes", static_cast<double>(decoder_->cache().bytes()), "bytes");
    if (mode != engine::DecodeMode::kEager) {
      state.add_metric("compile_time_ms", decoder_->capture_ms(), "ms");
    }
    state.add_metric("copy_bandwidth_gb_s", bandwidth_.bytes_per_second / 1e9, "GB/s", true);
    state.add_metric("decode_bytes_per_step", traffic_.total(), "bytes");
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
    nnbench::engine::guard_device_memory([&] { generate_once(); },
                                         out_of_memory_in("generating", config_, dtype_name_));
  }

  // One whole generation; when each token was ready, as time since the call began.
  std::vector<std::chrono::nanoseconds> generate_tokens() {
    torch::InferenceMode inference;
    std::vector<std::chrono::nanoseconds> ready;
    ready.reserve(static_cast<std::size_t>(generate_));
    const Clock::time_point start = Clock::now();
    decoder_->prefill(prompt_);
    nnbench::engine::synchronize(device_);
    ready.push_back(Clock::now() - start);
    for (std::int64_t i = 1; i < generate_; ++i) {
      decoder_->step();
      nnbench::engine::synchronize(device_);
      ready.push_back(Clock::now() - start);
    }
    return ready;
  }

  void generate_once() {
    const std::vector<std::chrono::nanoseconds> ready = generate_tokens();
    instruments_.count_iteration();
    if (generations_++ < warmup_) return;  // warm-up generations are not reported
    const auto ms = [](std::chrono::nanoseconds t) {
      return std::chrono::duration<double, std::milli>(t).count();
    };
    const double ttft = ms(ready.front());
    ttft_ms_.push_back(ttft);
    if (generate_ > 1) {
      tpot_ms_.push_back((ms(ready.back()) - ttft) / static_cast<double>(generate_ - 1));
    }
    for (std::size_t i = 1; i < ready.size(); ++i) itl_ms_.push_back(ms(ready[i] - ready[i - 1]));
  }

  // A `scenario` axis other than none: requests served with static batching. A batch of up to
  // batch_size requests fills the decoder's rows (the rest padding) and is generated together:
  // prefill, then generate-1 steps, each token stamped when the host could read it.
  std::unique_ptr<nnbench::load::LoadTarget> load_target(nnbench::State& state) override {
    const std::optional<nnbench::load::LoadScenario> scenario =
        nnbench::load::variant_load_scenario(state);
    if (!scenario) return nullptr;
    auto target = std::make_unique<nnbench::load::LoadTarget>();
    target->settings = nnbench::load::load_scenario_settings(
        state, *scenario, static_cast<std::size_t>(batch_), true, static_cast<double>(generate_));
    auto backend = std::make_unique<GenerationBackend>(*this);
    for (int i = 0; i < std::max(state.requested_warmup(), 1); ++i) backend->issue({});
    target->synchronization =
        "the device synchronised after the prefill and after every decode step (static "
        "batching: every request of a batch shares its token times)";
    target->backend = std::move(backend);
    return target;
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
      const double decode_rate = static_cast<double>(batch_) / (median(tpot_ms_) * 1e-3);
      state.add_metric({"decode_tokens_per_s", "tokens/s", decode_rate, {}, true});
      const double bound = traffic_.bound_tokens_per_second(batch_, bandwidth_.bytes_per_second);
      state.add_metric("decode_bound_tokens_per_s", bound, "tokens/s", true);
      state.add_metric("decode_fraction_of_bound", decode_rate / bound, "ratio", true);
    }
  }

  void teardown(nnbench::State&) override {
    decoder_.reset();
    prompt_ = torch::Tensor();
    instruments_ = {};
  }

 private:
  // Generates synchronously in issue(): the harness stamps arrivals by their schedule, so a
  // scheduler blocked during a generation still times every query from its arrival.
  class GenerationBackend final : public nnbench::load::LoadBackend {
   public:
    explicit GenerationBackend(Generation& owner) : owner_(owner) {}
    void issue(const std::vector<nnbench::load::QueuedQuery>&) override {
      ready_ = nnbench::engine::guard_device_memory(
          [&] { return owner_.generate_tokens(); },
          owner_.out_of_memory_in("generating", owner_.config_, owner_.dtype_name_));
    }
    bool wait(nnbench::load::LoadClock&, std::chrono::nanoseconds) override { return true; }
    std::vector<std::chrono::nanoseconds> token_offsets() const override { return ready_; }

   private:
    Generation& owner_;
    std::vector<std::chrono::nanoseconds> ready_;
  };

  // What ran out of device memory, for guard_device_memory: drops the decoder and the prompt
  // first, so that releasing the allocator's cache frees their memory too.
  std::function<std::string()> out_of_memory_in(const char* stage,
                                                const nnbench::engine::DecoderConfig& config,
                                                const std::string& dtype) {
    return [this, stage, &config, &dtype] {
      decoder_.reset();
      prompt_ = torch::Tensor();
      return fmt::format("{} {} ({} parameters) in {} at batch {} with {} + {} tokens", stage,
                         config.name, config.parameter_count(), dtype, batch_, prompt_length_,
                         generate_);
    };
  }

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
  nnbench::engine::CopyBandwidth bandwidth_;
  std::map<std::string, nnbench::engine::CopyBandwidth> bandwidths_;  // by device
  nnbench::engine::DecodeTraffic traffic_;
  nnbench::engine::DecoderConfig config_;
  std::string dtype_name_;
};

}  // namespace

NNBENCH_REGISTER(Generation, "generation");
